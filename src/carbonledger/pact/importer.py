"""Read PACT ProductFootprints (v3.0 and v2.x) into :class:`ImportedFootprint`.

Each footprint is checked against the schema and the semantic rules
(:mod:`carbonledger.pact.checks`); a footprint with an error is rejected (reported, not
used), warnings travel with it. Its figures are read per ONE declared unit of measurement
(:class:`~carbonledger.pact.figures.PcfFigures`):

* v3.0: every figure is per ``declaredUnitAmount`` × ``declaredUnitOfMeasurement``, so it is
  divided by ``declaredUnitAmount``;
* v2.x: figures are per ONE ``declaredUnit`` (``unitaryProductAmount`` is the size of the
  product, informative only). Mapping to the v3 terms: ``fossilGhgEmissions`` → fossil,
  ``dLucGhgEmissions`` → land-use change, ``otherBiogenicGhgEmissions`` → biogenic non-CO2,
  ``biogenicCarbonWithdrawal`` → biogenic CO2 uptake; whatever of ``pCfExcludingBiogenic`` is
  not in those terms is kept as ``unattributed`` so the declared total is preserved.

For v3 the declared ``pcfExcludingBiogenicUptake`` is likewise kept: when it differs from the
sum of its terms (PACT issue 148) the difference is ``unattributed`` and a warning says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from carbonledger.errors import Problem
from carbonledger.pact.checks import parse_datetime, semantic_problems
from carbonledger.pact.figures import PcfFigures
from carbonledger.pact.model import ProductFootprint
from carbonledger.pact.schemas import major_version, schema_problems
from carbonledger.pact.units import PINT_UNIT

__all__ = ["ImportedFootprint", "footprint_items", "import_footprint", "load_footprints"]


@dataclass(frozen=True)
class ImportedFootprint:
    """A supplier's footprint as carbonledger uses it."""

    id: str
    spec_version: str
    status: str
    company_name: str
    company_ids: tuple[str, ...]
    product_ids: tuple[str, ...]
    product_name: str
    declared_unit: str  # PACT name
    unit: str | None  # pint unit text of the declared unit, None when it has none
    declared_unit_amount: float  # v3 declaredUnitAmount (1 for v2)
    mass_kg_per_declared_unit: float | None  # per ONE declared unit of measurement
    figures: PcfFigures  # per ONE declared unit of measurement
    reference_period_start: datetime
    reference_period_end: datetime
    validity_start: date
    validity_end: date
    validity_from_spec_default: bool  # no validityPeriodEnd: 3 years from referencePeriodEnd
    geography: str
    ipcc_characterization_factors: tuple[str, ...]
    primary_data_share: float | None
    dqr: dict[str, float]
    secondary_sources: tuple[tuple[str, str], ...]
    document: dict[str, Any]
    source: str
    warnings: tuple[Problem, ...] = field(default=())

    @property
    def model(self) -> ProductFootprint | None:
        """The typed v3 model (None for v2 footprints)."""
        return ProductFootprint.from_json(self.document) if self.spec_version.startswith("3") else None


def _f(value: Any) -> float:
    return float(Decimal(str(value))) if value is not None else 0.0


def _opt(value: Any) -> float | None:
    return None if value is None else float(Decimal(str(value)))


def _validity(document: dict[str, Any], reference_end: datetime) -> tuple[date, date, bool]:
    """(start, end, from the spec default): the declared validity period or, when
    ``validityPeriodEnd`` is absent, the PACT default of 3 years from ``referencePeriodEnd``
    (Technical Specification v2.x/v3.0, ProductFootprint ``validityPeriodEnd``)."""
    start = parse_datetime(document.get("validityPeriodStart"))
    end = parse_datetime(document.get("validityPeriodEnd"))
    ref = reference_end.date()
    if end is not None:
        return (start.date() if start is not None else ref), end.date(), False
    try:
        default_end = ref.replace(year=ref.year + 3)
    except ValueError:  # 29 February
        default_end = ref + timedelta(days=3 * 365)
    return (start.date() if start is not None else ref), default_end, True


def footprint_items(data: Any) -> list[tuple[str, Any]]:
    """``(where, item)`` for one footprint, a list, or a ``{"data": …}`` API response."""
    if isinstance(data, dict) and "data" in data and "pcf" not in data:
        inner = data["data"]
        if isinstance(inner, list):
            return [(f"data/{i}", x) for i, x in enumerate(inner)]
        return [("data", inner)]
    if isinstance(data, list):
        return [(str(i), x) for i, x in enumerate(data)]
    return [("", data)]


def import_footprint(document: Any, *, source: str = "", where: str = "") -> tuple[ImportedFootprint | None, list[Problem]]:
    """One footprint (or None when it has errors) and every problem found."""
    problems = schema_problems(document, source=source, where=where)
    if problems:
        return None, problems
    problems = semantic_problems(document, source=source, where=where)
    if any(p.severity == "error" for p in problems):
        return None, problems
    pcf = document["pcf"]
    v3 = major_version(document) == "v3"
    if v3:
        unit_name = str(pcf["declaredUnitOfMeasurement"])
        amount = _f(pcf["declaredUnitAmount"])
        declared_total = _f(pcf["pcfExcludingBiogenicUptake"])
        figures = PcfFigures(
            unit=unit_name,
            fossil=_f(pcf.get("fossilGhgEmissions")),
            land_use_change=_f(pcf.get("landUseChangeGhgEmissions")),
            land_management_biogenic_co2_emissions=_f(pcf.get("landManagementBiogenicCO2Emissions")),
            land_management_biogenic_co2_removals=_f(pcf.get("landManagementBiogenicCO2Removals")),
            technological_co2_removals=_f(pcf.get("technologicalCO2Removals")),
            ccs_capture=_f(pcf.get("ccsTechnologicalCO2Capture")),
            biogenic_non_co2=_f(pcf.get("biogenicNonCO2Emissions")),
            biogenic_co2_uptake=_f(pcf.get("biogenicCO2Uptake")),
            land_management_fossil=_opt(pcf.get("landManagementFossilGhgEmissions")),
            aircraft=_opt(pcf.get("aircraftGhgEmissions")),
            packaging=_opt(pcf.get("packagingGhgEmissions")) if pcf.get("packagingEmissionsIncluded") else None,
            fossil_carbon_content=_opt(pcf.get("fossilCarbonContent")),
            biogenic_carbon_content=_opt(pcf.get("biogenicCarbonContent")),
        )
        mass = _opt(pcf.get("productMassPerDeclaredUnit"))
        factors = tuple(pcf.get("ipccCharacterizationFactors") or ())
        dqi_names: tuple[str, ...] = ("technological", "temporal", "geographical")
    else:
        unit_name = str(pcf["declaredUnit"])
        amount = 1.0
        declared_total = _f(pcf["pCfExcludingBiogenic"])
        figures = PcfFigures(
            unit=unit_name,
            fossil=_f(pcf.get("fossilGhgEmissions")),
            land_use_change=_f(pcf.get("dLucGhgEmissions")),
            biogenic_non_co2=_f(pcf.get("otherBiogenicGhgEmissions")),
            biogenic_co2_uptake=_f(pcf.get("biogenicCarbonWithdrawal")),
            aircraft=_opt(pcf.get("aircraftGhgEmissions")),
            packaging=_opt(pcf.get("packagingGhgEmissions")) if pcf.get("packagingEmissionsIncluded") else None,
            fossil_carbon_content=_opt(pcf.get("fossilCarbonContent")),
            biogenic_carbon_content=_opt(pcf.get("biogenicCarbonContent")),
        )
        mass = _opt(pcf.get("productMassPerDeclaredUnit"))
        factors = tuple(pcf.get("ipccCharacterizationFactorsSources") or ())
        dqi_names = ("technological", "temporal", "geographical", "completeness", "reliability")
    remainder = declared_total - figures.excluding_uptake
    if remainder != 0:
        figures = PcfFigures(**{**figures.__dict__, "unattributed": remainder})
    per_unit = figures.scaled(1.0 / amount, unit_name)
    dqi = pcf.get("dqi") or {}
    dqr = {n: float(Decimal(str(dqi[f"{n}DQR"]))) for n in dqi_names if dqi.get(f"{n}DQR") is not None}
    share = pcf.get("primaryDataShare")
    geography = str(
        pcf.get("geographyCountrySubdivision") or pcf.get("geographyCountry") or pcf.get("geographyRegionOrSubregion") or ""
    )
    start = parse_datetime(pcf["referencePeriodStart"])
    end = parse_datetime(pcf["referencePeriodEnd"])
    assert start is not None and end is not None  # checked above
    validity_start, validity_end, validity_default = _validity(document, end)
    imported = ImportedFootprint(
        id=str(document["id"]),
        spec_version=str(document["specVersion"]),
        status=str(document.get("status", "")),
        company_name=str(document.get("companyName", "")),
        company_ids=tuple(str(x) for x in document.get("companyIds", ())),
        product_ids=tuple(str(x) for x in document.get("productIds", ())),
        product_name=str(document.get("productNameCompany", "")),
        declared_unit=unit_name,
        unit=PINT_UNIT.get(unit_name),
        declared_unit_amount=amount,
        mass_kg_per_declared_unit=None if mass is None or mass == 0 else mass / amount,
        figures=per_unit,
        reference_period_start=start,
        reference_period_end=end,
        validity_start=validity_start,
        validity_end=validity_end,
        validity_from_spec_default=validity_default,
        geography=geography,
        ipcc_characterization_factors=factors,
        primary_data_share=None if share is None else float(Decimal(str(share))),
        dqr=dqr,
        secondary_sources=tuple(
            (str(s.get("name", "")), str(s.get("version", ""))) for s in pcf.get("secondaryEmissionFactorSources") or ()
        ),
        document=document,
        source=source,
        warnings=tuple(problems),
    )
    return imported, problems


def load_footprints(data: str | Path | Any, *, source: str | None = None) -> tuple[list[ImportedFootprint], list[Problem]]:
    """Every footprint in a file (or parsed JSON) and every problem; bad ones are left out."""
    label = source or (Path(data).name if isinstance(data, (str, Path)) else "<PACT data>")
    if isinstance(data, (str, Path)):
        try:
            data = json.loads(Path(data).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            return [], [
                Problem(
                    f"cannot read PACT JSON: {exc}",
                    file=label,
                    code="pact_read",
                    accepted="a ProductFootprint JSON file (PACT v2.x or v3.0), a list of them or an API response",
                )
            ]
    out: list[ImportedFootprint] = []
    problems: list[Problem] = []
    for where, item in footprint_items(data):
        imported, found = import_footprint(item, source=label, where=where)
        problems += found
        if imported is not None:
            out.append(imported)
    return out, problems
