"""Installation-level monitoring formulas (IR (EU) 2025/2547 Annex II B).

Calculation-based source streams (Annex II B.3; the same equations as the Commission's
communication template, sheet B_EmInst):

* combustion:      ``Em = AD × NCV × EF × OxF × (1 − BF)`` (EF per TJ), or
                   ``Em = AD × EF × OxF × (1 − BF)`` when EF is per unit of AD;
* process:         ``Em = AD × EF × ConvF × (1 − BF)``;
* mass balance:    ``Em = f × AD × CC × (1 − BF)``, f = 3.664 t CO2/t C
                   (Annex II B.3.2, Equation 12); outputs enter with negative AD.

The biomass part ``× BF`` is reported separately (zero-rated only when the B.3.3
criteria are met; for fossil fuels BF = 0).

Measurement-based (CEMS): ``Em = C × hours × flow`` with C the hourly average
concentration (g/Nm3) and flow the average flue-gas flow (1000 Nm3/h); N2O converted to
CO2e with the GWP set of the ``cbam-parameters`` set (AR5, flagged UNVERIFIED because
the CBAM annex GWP table was not located — regulatory-facts §C).

PFCs of primary aluminium (the template's formulas, which follow the EU ETS monitoring
rules):

* slope method:       ``t CF4 = AD × AEF × AED × SEF_CF4 / 1000``;
* overvoltage method: ``t CF4 = AD × (AEO / CE) × OVC / 1000``;
* ``t C2F6 = t CF4 × F_C2F6``; ``CO2e = (CF4 × GWP_CF4 + C2F6 × GWP_C2F6) / collection efficiency``.

Units are checked with the project's single pint registry: a stream whose units do not
give a mass of CO2 is reported, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from carbonledger.errors import Problem, UnitError
from carbonledger.gwp import gwp
from carbonledger.regimes.cbam.model import Installation, MeasuredSource, PFCSource, SourceStream
from carbonledger.regimes.cbam.reference import CbamReference, Cited, join_flags
from carbonledger.units import parse_unit, ureg

__all__ = ["SourceResult", "measured_source_emissions", "monitor", "pfc_emissions", "source_stream_emissions"]


@dataclass
class SourceResult:
    """Emissions of one source stream or emission source, in t CO2e."""

    kind: str  # source_stream | measured | pfc
    name: str
    method: str
    process: str | None
    gas: str
    gas_mass_t: float
    co2e_fossil_t: float
    co2e_bio_t: float
    energy_fossil_tj: float = 0.0
    energy_bio_tj: float = 0.0
    flags: tuple[str, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)


_THOUSAND_NM3 = re.compile(r"\(?\s*1000\s*Nm3\s*\)?")


def _unit(text: str) -> Any:
    """Parse template-style units: ``1000Nm3`` is one unit (a thousand normal cubic metres)."""
    return parse_unit(_THOUSAND_NM3.sub("(1000 Nm3)", text)).quantity


def _to_tonnes(quantity: Any, what: str) -> float:
    try:
        return float(quantity.to(ureg.t).magnitude)
    except Exception as exc:  # pint DimensionalityError
        raise UnitError(
            [Problem(f"{what}: units do not give a mass ({quantity.units})", code="unit")],
            summary="source-stream units are inconsistent",
        ) from exc


def source_stream_emissions(stream: SourceStream, f_c: Cited) -> SourceResult:
    """Emissions of one calculation-based source stream (see module docstring)."""
    ad = stream.activity_data * _unit(stream.activity_unit)
    bf = stream.biomass_fraction
    energy = 0.0
    if stream.method == "mass_balance":
        if stream.carbon_content is None:
            raise ValueError("carbon_content is required for a mass-balance stream")
        carbon = _to_tonnes(ad * stream.carbon_content * _unit(stream.cc_unit), f"{stream.name}: AD × CC")
        total = f_c.value * carbon
        flags = f_c.flags
    else:
        if stream.emission_factor is None:
            raise ValueError("emission_factor is required for combustion and process streams")
        ef = stream.emission_factor * _unit(stream.ef_unit)
        factor = stream.oxidation_factor if stream.method == "combustion" else stream.conversion_factor
        per_energy = ef.dimensionality == (ureg.t / ureg.TJ).dimensionality
        if stream.ncv is not None:
            energy_q = ad * stream.ncv * _unit(stream.ncv_unit)
            energy = float(energy_q.to(ureg.TJ).magnitude)
        if per_energy:
            if stream.ncv is None:
                raise ValueError("ncv is required when the emission factor is per unit of energy")
            total = _to_tonnes(energy * ureg.TJ * ef * factor, stream.name)
        else:
            total = _to_tonnes(ad * ef * factor, stream.name)
        flags = ()
    return SourceResult(
        kind="source_stream",
        name=stream.name,
        method=stream.method,
        process=stream.process,
        gas="CO2",
        gas_mass_t=total,
        co2e_fossil_t=total * (1 - bf),
        co2e_bio_t=total * bf,
        energy_fossil_tj=energy * (1 - bf),
        energy_bio_tj=energy * bf,
        flags=flags,
        detail={"source": stream.source},
    )


def measured_source_emissions(
    source: MeasuredSource, gwp_set: str, gwp_flags: tuple[str, ...]
) -> SourceResult:
    """CEMS: ``Em = C[g/Nm3] × hours × flow[1000 Nm3/h]`` (t of gas), CO2e by GWP."""
    mass = _to_tonnes(
        source.concentration_g_per_nm3
        * ureg.g
        / ureg.normal_cubic_meter
        * source.hours
        * ureg.hour
        * source.flue_gas_flow_knm3_per_h
        * 1000
        * ureg.normal_cubic_meter
        / ureg.hour,
        source.name,
    )
    factor = 1.0 if source.gas == "CO2" else gwp(source.gas, gwp_set)
    flags = () if source.gas == "CO2" else gwp_flags
    bf = source.biomass_fraction
    return SourceResult(
        kind="measured",
        name=source.name,
        method="measurement",
        process=source.process,
        gas=source.gas,
        gas_mass_t=mass,
        co2e_fossil_t=mass * factor * (1 - bf),
        co2e_bio_t=mass * factor * bf,
        flags=flags,
        detail={"gwp": factor, "gwp_set": gwp_set if source.gas != "CO2" else "", "source": source.source},
    )


def pfc_emissions(source: PFCSource, gwp_set: str, gwp_flags: tuple[str, ...]) -> SourceResult:
    """PFC emissions of primary aluminium (slope or overvoltage), in t CO2e."""
    if source.method == "slope":
        needed = (source.anode_effect_frequency, source.anode_effect_duration_min, source.sef_cf4)
        if any(v is None for v in needed):
            raise ValueError(
                "slope method needs anode_effect_frequency, anode_effect_duration_min and sef_cf4"
            )
        cf4 = (
            source.aluminium_produced_t
            * float(source.anode_effect_frequency or 0)
            * float(source.anode_effect_duration_min or 0)
            * float(source.sef_cf4 or 0)
            / 1000.0
        )
    else:
        needed = (source.aeo_mv, source.current_efficiency, source.ovc)
        if any(v is None for v in needed) or not source.current_efficiency:
            raise ValueError("overvoltage method needs aeo_mv, current_efficiency (>0) and ovc")
        cf4 = (
            source.aluminium_produced_t
            * float(source.aeo_mv or 0)
            / float(source.current_efficiency)
            * float(source.ovc or 0)
            / 1000.0
        )
    c2f6 = cf4 * source.f_c2f6
    gwp_cf4, gwp_c2f6 = gwp("CF4", gwp_set), gwp("C2F6", gwp_set)
    if source.collection_efficiency <= 0:
        raise ValueError("collection_efficiency must be above 0")
    co2e = (cf4 * gwp_cf4 + c2f6 * gwp_c2f6) / source.collection_efficiency
    return SourceResult(
        kind="pfc",
        name=source.name,
        method=source.method,
        process=source.process,
        gas="CF4+C2F6",
        gas_mass_t=cf4 + c2f6,
        co2e_fossil_t=co2e,
        co2e_bio_t=0.0,
        flags=gwp_flags,
        detail={"cf4_t": cf4, "c2f6_t": c2f6, "gwp_cf4": gwp_cf4, "gwp_c2f6": gwp_c2f6, "gwp_set": gwp_set},
    )


def monitor(installation: Installation, ref: CbamReference, problems: list[Problem]) -> list[SourceResult]:
    """Emissions of every source stream and emission source; bad ones are reported in
    ``problems`` (with the list and index) and skipped, so all problems surface at once."""
    f_c = ref.parameter("carbon_to_co2_ratio")
    gwp_basis = ref.parameter_text("gwp_basis")
    gwp_flags = join_flags(ref.parameter("gwp_basis").flags, [f"GWP_{gwp_basis}"])
    results: list[SourceResult] = []
    groups: list[tuple[str, list[Any]]] = [
        ("source_streams", list(installation.source_streams)),
        ("measured_sources", list(installation.measured_sources)),
        ("pfc_sources", list(installation.pfc_sources)),
    ]
    for group, items in groups:
        for index, item in enumerate(items):
            try:
                if group == "source_streams":
                    results.append(source_stream_emissions(item, f_c))
                elif group == "measured_sources":
                    results.append(measured_source_emissions(item, gwp_basis, gwp_flags))
                else:
                    results.append(pfc_emissions(item, gwp_basis, gwp_flags))
            except (ValueError, UnitError) as exc:
                problems.append(
                    Problem(
                        str(exc).splitlines()[-1].lstrip(" -"),
                        field=f"{group}[{index}]",
                        record_id=item.name,
                        code="monitoring",
                    )
                )
    return results
