"""The shared kernel: activity × emission factor → emissions per gas and CO2e.

For each record and each gas row of its chosen factor (GHG Protocol Corporate Standard
ch. 6, "calculating GHG emissions": emissions = activity data × emission factor):

    E_gas = Q × EF_gas × m

where ``m`` converts (record unit × factor unit) to kg of the gas (or kg CO2e), computed by
pint ONCE per distinct (record unit, factor unit) pair. Then

* a factor row given as a gas mass (EPA: ``kg CO2/MMBtu``) → ``mass = E``,
  ``CO2e = mass × GWP_run(gas)``;
* a per-gas row given as CO2e under the publisher's GWP basis (DESNZ: "kg CO2e of CH4 per
  unit", AR5) → ``mass = E / GWP_basis(gas)``, ``CO2e = mass × GWP_run(gas)``; when the
  two bases differ the row is flagged ``regwp:<basis>→<run>``;
* an aggregate CO2e row (no per-gas split) → ``CO2e = E`` in the publisher's basis, mass
  unknown; flagged ``gwp_basis_differs:<basis>`` when it is not the run's basis, because it
  cannot be re-weighted.

When a factor has per-gas rows, they are used and its CO2e total (if any) is not, so the
run's GWP set applies to every gas it can.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger.errors import GWPError, MethodError
from carbonledger.factors.resolve import Resolution
from carbonledger.gwp import GWP_SETS, gwp_values
from carbonledger.units import is_co2e_unit, multiplier

__all__ = ["FactorEmissions", "expand_factor_rows", "factor_emissions"]


@dataclass(frozen=True)
class FactorEmissions:
    """Long table: one row per (record, gas). ``record_pos`` indexes the input records."""

    table: pd.DataFrame
    gwp_set: str


def expand_factor_rows(resolution: Resolution) -> pd.DataFrame:
    """The emission-factor rows used per chosen factor (``emission_factor`` and
    ``carbonate_factor`` parameters): per-gas rows when the factor has them, else its CO2e total. Columns: full_id, factor_id, gas, value, unit, gwp_basis."""
    rows = resolution.factor_rows(["emission_factor", "carbonate_factor"])
    if rows.empty:
        return rows
    # a carbonate factor (t CO2 per t carbonate, e.g. GB/T 32151.34 Table C.2) is a CO2 factor
    rows = rows.assign(gas=rows["gas"].where(rows["gas"] != "", "CO2"))
    is_total = rows["gas"] == "CO2e"
    has_components = (~is_total).groupby([rows["full_id"], rows["factor_id"]]).transform("any")
    keep = np.where(has_components, ~is_total, is_total)
    return rows.loc[keep, ["full_id", "factor_id", "gas", "value", "unit", "gwp_basis", "flags"]].reset_index(
        drop=True
    )


def _pair_multipliers(
    record_units: npt.NDArray[np.object_],
    factor_units: npt.NDArray[np.object_],
    targets: npt.NDArray[np.object_],
) -> npt.NDArray[np.float64]:
    """m such that Q[record unit] × v[factor unit] = Q·v·m [target], one pint call per pair."""
    frame = pd.DataFrame({"r": record_units, "f": factor_units, "t": targets})
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(frame))
    values = np.empty(len(uniques), dtype=np.float64)
    for i, (r, f, t) in enumerate(uniques):
        values[i] = multiplier(f"({r})*({f})", str(t))
    return values[codes]


def factor_emissions(
    quantities: npt.NDArray[np.float64] | pd.Series,
    units: npt.NDArray[np.object_] | pd.Series,
    resolution: Resolution,
    gwp_set: str,
) -> FactorEmissions:
    """Emissions per gas for every resolved record (unresolved records give no rows).

    ``quantities`` and ``units`` are aligned with the records passed to ``resolve``.
    Raises :class:`MethodError` if a factor row's unit does not combine with the record's
    unit (which resolution's dimension check prevents) and :class:`GWPError` for a gas
    without a GWP in the run's set.
    """
    gwp_key = str(gwp_set).upper()
    if gwp_key not in GWP_SETS:
        raise GWPError(f"unknown GWP set {gwp_set!r}; accepted: {', '.join(GWP_SETS)}")
    q = np.asarray(quantities, dtype=np.float64)
    u = np.asarray(units, dtype=object)
    table = resolution.table
    resolved = table["factor_id"].notna().to_numpy()
    positions = np.flatnonzero(resolved)
    rows = expand_factor_rows(resolution)
    empty = pd.DataFrame(
        {
            "record_pos": pd.Series(dtype="int64"),
            "gas": pd.Series(dtype=object),
            "mass_kg": pd.Series(dtype="float64"),
            "co2e_kg": pd.Series(dtype="float64"),
            "factor_value": pd.Series(dtype="float64"),
            "factor_unit": pd.Series(dtype=object),
            "factor_gwp_basis": pd.Series(dtype=object),
            "calc_flags": pd.Series(dtype=object),
        }
    )
    if len(positions) == 0 or rows.empty:
        return FactorEmissions(empty, gwp_key)

    # integer id per chosen factor, shared by records and rows
    rows = rows.sort_values(["full_id", "factor_id", "gas"], kind="stable").reset_index(drop=True)
    pair_index = pd.MultiIndex.from_frame(rows[["full_id", "factor_id"]]).drop_duplicates()
    row_fid = pair_index.get_indexer(pd.MultiIndex.from_frame(rows[["full_id", "factor_id"]]))
    rec_pairs = pd.MultiIndex.from_arrays(
        [
            table["factor_full_id"].to_numpy(dtype=object)[positions],
            table["factor_id"].to_numpy(dtype=object)[positions],
        ]
    )
    rec_fid = pair_index.get_indexer(rec_pairs)
    has_rows = rec_fid >= 0
    positions, rec_fid = positions[has_rows], rec_fid[has_rows]
    counts_per_fid = np.bincount(row_fid, minlength=len(pair_index))
    starts = np.concatenate([[0], np.cumsum(counts_per_fid)[:-1]])
    per_record = counts_per_fid[rec_fid]
    total = int(per_record.sum())
    rec_rep = np.repeat(positions, per_record)
    offsets = np.arange(total) - np.repeat(np.cumsum(per_record) - per_record, per_record)
    row_idx = np.repeat(starts[rec_fid], per_record) + offsets

    gas = rows["gas"].to_numpy(dtype=object)[row_idx]
    value = rows["value"].to_numpy(dtype=np.float64)[row_idx]
    factor_unit = rows["unit"].to_numpy(dtype=object)[row_idx]
    basis = rows["gwp_basis"].to_numpy(dtype=object)[row_idx]
    unit_is_co2e = pd.Series(rows["unit"].unique()).pipe(
        lambda s: dict(zip(s, s.map(is_co2e_unit), strict=True))
    )
    co2e_unit = np.array([unit_is_co2e[x] for x in rows["unit"].to_numpy(dtype=object)], dtype=bool)[row_idx]
    targets = np.where(co2e_unit, "kg CO2e", "kg").astype(object)
    try:
        m = _pair_multipliers(u[rec_rep], factor_unit, targets)
    except Exception as exc:  # UnitError: resolution should have prevented it
        raise MethodError(f"cannot combine record and factor units: {exc}") from exc
    amount = q[rec_rep] * value * m

    run_gwp = gwp_values(pd.Series(gas, dtype=object), gwp_key)
    is_aggregate = gas == "CO2e"
    mass = np.where(co2e_unit, np.nan, amount)
    flags = np.full(total, "", dtype=object)
    # per-gas CO2e rows (publisher basis) → gas mass → run basis
    per_gas_co2e = co2e_unit & ~is_aggregate
    if per_gas_co2e.any():
        bases = pd.Series(basis[per_gas_co2e], dtype=object)
        basis_gwp = np.full(per_gas_co2e.sum(), np.nan)
        for b in bases.unique():
            sel = (bases == b).to_numpy()
            if str(b).upper() in GWP_SETS:
                basis_gwp[sel] = gwp_values(pd.Series(gas[per_gas_co2e][sel], dtype=object), str(b).upper())
        mass_sel = amount[per_gas_co2e] / basis_gwp
        mass[per_gas_co2e] = mass_sel
        differs = (bases.str.upper() != gwp_key).to_numpy() & (basis_gwp != run_gwp[per_gas_co2e])
        sub = flags[per_gas_co2e]
        sub[differs] = (bases[differs].str.upper() + "→" + gwp_key).radd("regwp:").to_numpy()
        flags[per_gas_co2e] = sub
    co2e = np.where(is_aggregate, amount, mass * run_gwp)
    if is_aggregate.any():
        agg_basis = pd.Series(basis[is_aggregate], dtype=object).str.upper()
        differs = ((agg_basis != gwp_key) & (agg_basis != "")).to_numpy()
        sub = flags[is_aggregate]
        sub[differs] = agg_basis[differs].radd("gwp_basis_differs:").to_numpy()
        flags[is_aggregate] = sub
    bad = np.isnan(co2e)
    if bad.any():
        missing = sorted(set(pd.Series(gas[bad]).astype(str)))
        raise GWPError(
            f"no {gwp_key} GWP for gas(es) {', '.join(missing)} used by the chosen factors; choose another "
            "GWP set or factor"
        )
    out = pd.DataFrame(
        {
            "record_pos": rec_rep.astype(np.int64),
            "gas": pd.Categorical(gas),
            "mass_kg": mass,
            "co2e_kg": co2e,
            "factor_value": value,
            "factor_unit": pd.Categorical(factor_unit),
            "factor_gwp_basis": pd.Categorical(basis),
            "calc_flags": pd.Categorical(flags),
        }
    )
    return FactorEmissions(out, gwp_key)
