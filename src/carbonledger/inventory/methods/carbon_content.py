"""The carbon-content method for fuel combustion (China MEE accounting guidelines).

MEE 企业温室气体排放核算与报告指南 (发电设施, 2022 revision; the steel, cement and
aluminium sector guidelines follow the same form) and GB/T 32151 series:

    E_CO2 = FC × NCV × CC × OF × 44/12

FC fuel consumed (t, or 10^4 Nm3 for gas), NCV net calorific value (GJ/t, GJ/10^4 Nm3),
CC carbon content per unit of heat (tC/GJ or tC/TJ), OF carbon oxidation rate, and 44/12
the CO2/C molar-mass ratio the guidelines use. When the carbon content is measured per
unit of mass (元素碳含量, tC/t), ``E = FC × CC × OF × 44/12`` and no NCV is needed.

Measured values on the record (``ncv``, ``carbon_content``, ``oxidation_factor``) override
the defaults of the resolved parameter set, as the guidelines require; each parameter's
origin (measured, or set/factor id) is written into the result row. A biomass fraction
splits the CO2 into fossil and biogenic parts.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger.errors import Problem, UnitError
from carbonledger.factors.resolve import Resolution
from carbonledger.gwp import gwp_values
from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import MethodOutput, _at, empty_rows, rows
from carbonledger.inventory.methods.factor import apply_oxidation_and_biomass
from carbonledger.units import multiplier

__all__ = ["CO2_PER_C_CHINA", "carbon_content_method"]

CO2_PER_C_CHINA = 44.0 / 12.0
"""44/12, the CO2/C ratio used by the MEE guidelines (the EU uses 3.664 t CO2/t C)."""

_PARAMS = ("ncv", "carbon_content", "oxidation_factor")


def _defaults(
    resolution: Resolution | None, n: int
) -> dict[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.object_], npt.NDArray[np.object_]]]:
    """Per record: (value, unit, source text) of each default parameter."""
    out: dict[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.object_], npt.NDArray[np.object_]]] = {}
    for name in _PARAMS:
        out[name] = (np.full(n, np.nan), np.full(n, "", dtype=object), np.full(n, "", dtype=object))
    if resolution is None:
        return out
    table = resolution.table
    rows_ = resolution.factor_rows(list(_PARAMS))
    keys = pd.MultiIndex.from_arrays(
        [table["factor_full_id"].astype(object), table["factor_id"].astype(object)]
    )
    for name in _PARAMS:
        sel = rows_[rows_["parameter"] == name]
        if sel.empty:
            continue
        index = pd.MultiIndex.from_frame(sel[["full_id", "factor_id"]])
        at = index.get_indexer(keys)
        found = at >= 0
        values, units, sources = out[name]
        values[found] = sel["value"].to_numpy()[at[found]]
        units[found] = sel["unit"].to_numpy()[at[found]]
        sources[found] = (
            sel["full_id"] + " factor " + sel["factor_id"] + " (" + sel["source_ref"] + ")"
        ).to_numpy()[at[found]]
    return out


def carbon_content_method(sub: pd.DataFrame, ctx: RunContext, resolution: Resolution | None) -> MethodOutput:
    """Compute CO2 for ``sub`` (records with ``pos``); ``resolution`` aligned with ``sub``
    gives default parameters (None when every record carries all three measured values)."""
    if sub.empty:
        return MethodOutput(empty_rows())
    n = len(sub)
    defaults = _defaults(resolution, n)
    problems: list[Problem] = []
    bad = np.zeros(n, dtype=bool)
    values: dict[str, npt.NDArray[np.float64]] = {}
    units: dict[str, npt.NDArray[np.object_]] = {}
    origin: dict[str, npt.NDArray[np.object_]] = {}
    unit_column = {"ncv": "ncv_unit", "carbon_content": "carbon_content_unit", "oxidation_factor": ""}
    for name in _PARAMS:
        measured = sub[name].to_numpy()
        is_measured = ~np.isnan(measured)
        d_value, d_unit, d_source = defaults[name]
        values[name] = np.where(is_measured, measured, d_value)
        measured_unit = sub[unit_column[name]].to_numpy(dtype=object) if unit_column[name] else np.full(n, "")
        units[name] = np.where(is_measured, measured_unit, d_unit)
        origin[name] = np.where(is_measured, "measured", d_source)
    # the oxidation default is a fraction; percent-valued defaults have unit "%"
    of_scale = (
        np.array(
            [
                multiplier(u, "dimensionless") if u not in ("", "fraction", "1") else 1.0
                for u in units["oxidation_factor"]
            ],
            dtype=np.float64,
        )
        if n
        else np.zeros(0)
    )
    oxidation = values["oxidation_factor"] * of_scale
    missing_cc = np.isnan(values["carbon_content"])
    missing_of = np.isnan(oxidation)
    for k in np.flatnonzero(missing_cc | missing_of):
        what = "carbon_content" if missing_cc[k] else "oxidation_factor"
        problems.append(
            Problem(
                f"no {what} measured and none in the resolved default set",
                file=ctx.source,
                row=int(_at(sub, "row", k)),
                field=what,
                record_id=str(_at(sub, "record_id", k)),
                accepted=f"a measured {what} on the record, or a factor set with defaults "
                "(e.g. cn-fuel-gbt32151-2024)",
            )
        )
        bad[k] = True
    # carbon mass per record, one pint multiplier per distinct unit combination
    carbon_kg = np.full(n, np.nan)
    combos = pd.MultiIndex.from_arrays(
        [sub["unit"].to_numpy(dtype=object), units["ncv"], units["carbon_content"]]
    )
    codes, uniques = pd.factorize(combos)
    per_combo: list[tuple[float, bool]] = []
    for q_unit, ncv_unit, cc_unit in uniques:
        try:
            per_combo.append((multiplier(f"({q_unit})*({cc_unit})", "kg"), False))  # CC per mass
        except UnitError:
            try:
                per_combo.append((multiplier(f"({q_unit})*({ncv_unit})*({cc_unit})", "kg"), True))
            except UnitError:
                per_combo.append((np.nan, True))
    m = np.array([c[0] for c in per_combo], dtype=np.float64)[codes]
    needs_ncv = np.array([c[1] for c in per_combo], dtype=bool)[codes]
    missing_ncv = needs_ncv & np.isnan(values["ncv"]) & ~bad
    unit_bad = np.isnan(m) & ~bad & ~missing_ncv
    for k in np.flatnonzero(missing_ncv):
        problems.append(
            Problem(
                "carbon content is per unit of heat but no NCV is measured or in the default set",
                file=ctx.source,
                row=int(_at(sub, "row", k)),
                field="ncv",
                record_id=str(_at(sub, "record_id", k)),
                accepted="ncv and ncv_unit",
            )
        )
    for k in np.flatnonzero(unit_bad):
        problems.append(
            Problem(
                f"units do not combine to a carbon mass: {_at(sub, 'unit', k)} × {units['ncv'][k]} × "
                f"{units['carbon_content'][k]}",
                file=ctx.source,
                row=int(_at(sub, "row", k)),
                field="unit",
                record_id=str(_at(sub, "record_id", k)),
                accepted="fuel in t or Nm3 with NCV in GJ/t or GJ/(10^4 Nm3) and carbon content in tC/TJ or tC/t",
            )
        )
    bad |= missing_ncv | unit_bad
    ncv_factor = np.where(needs_ncv, values["ncv"], 1.0)
    carbon_kg = sub["quantity"].to_numpy() * ncv_factor * values["carbon_content"] * m
    co2 = carbon_kg * oxidation * CO2_PER_C_CHINA
    ok = ~bad
    pos = sub["pos"].to_numpy()[ok]

    def describe(name: str, label: str) -> npt.NDArray[np.object_]:
        text = pd.Series(values[name][ok]).map(lambda v: f"{v:.6g}").to_numpy(dtype=object)
        out: npt.NDArray[np.object_] = (
            label + " " + text + " " + units[name][ok] + " [" + origin[name][ok] + "]"
        )
        return out

    params = (
        describe("ncv", "NCV")
        + "; "
        + describe("carbon_content", "CC")
        + "; "
        + describe("oxidation_factor", "OF")
    )
    params = np.where(
        needs_ncv[ok], params, describe("carbon_content", "CC") + "; " + describe("oxidation_factor", "OF")
    )
    if resolution is not None:
        table = resolution.table
        full = table["factor_full_id"].astype(object).to_numpy()[ok]
        lineage_base = table["resolution"].astype(object).fillna("").to_numpy()[ok]
        flags = table["resolution_flags"].astype(object).fillna("").to_numpy()[ok]
        factor_set = table["factor_set"].astype(object).to_numpy()[ok]
        edition = table["factor_edition"].astype(object).to_numpy()[ok]
        factor_id = table["factor_id"].astype(object).to_numpy()[ok]
    else:
        full = factor_set = edition = factor_id = np.full(ok.sum(), "measured", dtype=object)
        lineage_base = np.full(ok.sum(), "all parameters measured", dtype=object)
        flags = np.full(ok.sum(), "", dtype=object)
    lineage = (
        "carbon-content method (MEE guideline convention): CO2 = FC × NCV × CC × OF × 44/12; "
        + lineage_base.astype(str)
    )
    out = rows(
        pos,
        gas="CO2",
        mass_kg=co2[ok],
        co2e_kg=co2[ok] * gwp_values(pd.Series(["CO2"] * int(ok.sum())), ctx.gwp),
        method="carbon_content_mee",
        factor_full_id=full,
        factor_set=factor_set,
        factor_edition=edition,
        factor_id=factor_id,
        factor_value=np.full(int(ok.sum()), CO2_PER_C_CHINA),
        factor_unit="t CO2 / t C (44/12)",
        parameters=params,
        lineage=lineage,
        flags=flags,
    )
    # oxidation is already applied; only the biomass split remains
    split_records = sub.set_index("pos")[["oxidation_factor", "biomass_fraction"]].assign(
        oxidation_factor=np.nan
    )
    out = apply_oxidation_and_biomass(out, split_records, ctx.gwp)
    return MethodOutput(out, np.asarray(sub["pos"].to_numpy()[bad], dtype=np.int64), problems)
