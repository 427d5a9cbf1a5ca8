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

from carbonledger._strings import categorical
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


def _gathered(values: npt.NDArray[np.object_], index: npt.NDArray[np.int64]) -> pd.Categorical:
    """A categorical whose row i is ``values[index[i]]``, built from integer codes."""
    codes, cats = pd.factorize(values)
    return categorical(codes[index], cats)


def _unit_codes(units: npt.NDArray[np.object_] | pd.Series) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    """(codes, distinct texts) of the records' units; free for a categorical column."""
    array = units.array if isinstance(units, pd.Series) else units
    if isinstance(array, pd.Categorical) and not (array.codes < 0).any():
        return array.codes.astype(np.int64), np.asarray(array.categories, dtype=object)
    codes, uniques = pd.factorize(np.asarray(units, dtype=object), use_na_sentinel=False)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def factor_emissions(
    quantities: npt.NDArray[np.float64] | pd.Series,
    units: npt.NDArray[np.object_] | pd.Series,
    resolution: Resolution,
    gwp_set: str,
    *,
    only: npt.NDArray[np.bool_] | None = None,
) -> FactorEmissions:
    """Emissions per gas for every resolved record (unresolved records give no rows).

    ``quantities`` and ``units`` are aligned with the records passed to ``resolve``; ``only``
    restricts the computation to some of them.
    Raises :class:`MethodError` if a factor row's unit does not combine with the record's
    unit (which resolution's dimension check prevents) and :class:`GWPError` for a gas
    without a GWP in the run's set.
    """
    gwp_key = str(gwp_set).upper()
    if gwp_key not in GWP_SETS:
        raise GWPError(f"unknown GWP set {gwp_set!r}; accepted: {', '.join(GWP_SETS)}")
    q = np.asarray(quantities, dtype=np.float64)
    rec_unit_codes, rec_unit_values = _unit_codes(units)
    table = resolution.table
    resolved = table["factor_id"].notna().to_numpy()
    if only is not None:  # compute these records only (others keep their resolution)
        resolved = resolved & only
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
    if resolution.keys is not None and resolution.per_key is not None:
        # per record: its key's factor (the chosen factor is the same for every record of a key)
        per_key = resolution.per_key
        key_fid = pair_index.get_indexer(
            pd.MultiIndex.from_arrays([per_key["factor_full_id"], per_key["factor_id"]])
        )
        rec_fid = key_fid[resolution.keys[positions]]
    else:
        # per record: the (full_id, factor_id) pair through the categorical codes (distinct pairs only)
        full_cat = pd.Categorical(table["factor_full_id"])
        id_cat = pd.Categorical(table["factor_id"])
        width = len(id_cat.categories) + 1
        pair_codes = (full_cat.codes.astype(np.int64) + 1) * width + (id_cat.codes.astype(np.int64) + 1)
        distinct_codes, inverse = np.unique(pair_codes[positions], return_inverse=True)
        distinct_pairs = pd.MultiIndex.from_arrays(
            [
                [full_cat.categories[c // width - 1] if c // width > 0 else None for c in distinct_codes],
                [id_cat.categories[c % width - 1] if c % width > 0 else None for c in distinct_codes],
            ]
        )
        rec_fid = pair_index.get_indexer(distinct_pairs)[inverse.reshape(-1)]
    has_rows = rec_fid >= 0
    positions, rec_fid = positions[has_rows], rec_fid[has_rows]
    counts_per_fid = np.bincount(row_fid, minlength=len(pair_index))
    starts = np.concatenate([[0], np.cumsum(counts_per_fid)[:-1]])
    per_record = counts_per_fid[rec_fid]
    total = int(per_record.sum())
    rec_rep = np.repeat(positions, per_record)
    offsets = np.arange(total) - np.repeat(np.cumsum(per_record) - per_record, per_record)
    row_idx = np.repeat(starts[rec_fid], per_record) + offsets

    # -- everything that depends only on the factor row is computed per factor row ----------
    gas_r = rows["gas"].to_numpy(dtype=object)
    value_r = rows["value"].to_numpy(dtype=np.float64)
    unit_r_codes, unit_r_values = pd.factorize(rows["unit"].to_numpy(dtype=object))
    co2e_unit_r = np.array([is_co2e_unit(str(u)) for u in unit_r_values], dtype=bool)[unit_r_codes]
    basis_r = rows["gwp_basis"].to_numpy(dtype=object)
    aggregate_r = gas_r == "CO2e"
    run_gwp_r = gwp_values(pd.Series(gas_r, dtype=object), gwp_key)
    basis_gwp_r = np.full(len(rows), np.nan)
    for b in set(basis_r[co2e_unit_r & ~aggregate_r]):
        if str(b).upper() in GWP_SETS:
            sel = co2e_unit_r & ~aggregate_r & (basis_r == b)
            basis_gwp_r[sel] = gwp_values(pd.Series(gas_r[sel], dtype=object), str(b).upper())
    flag_r = np.full(len(rows), "", dtype=object)
    per_gas_co2e_r = co2e_unit_r & ~aggregate_r
    upper = np.array([str(b).upper() for b in basis_r], dtype=object)
    regwp = per_gas_co2e_r & (upper != gwp_key) & (basis_gwp_r != run_gwp_r)
    flag_r[regwp] = "regwp:" + upper[regwp] + "→" + gwp_key
    differs = aggregate_r & (upper != gwp_key) & (upper != "")
    flag_r[differs] = "gwp_basis_differs:" + upper[differs]
    missing_gwp = np.isnan(run_gwp_r) & ~aggregate_r
    if missing_gwp.any():
        used = np.isin(np.arange(len(rows)), row_idx)
        missing = sorted({str(g) for g in gas_r[missing_gwp & used]})
        if missing:
            raise GWPError(
                f"no {gwp_key} GWP for gas(es) {', '.join(missing)} used by the chosen factors; choose "
                "another GWP set or factor"
            )

    # -- per output row: one multiplier per distinct (record unit, factor unit) pair -------------
    # (a lookup table indexed by the two unit codes; only pairs that occur are computed)
    width = max(len(unit_r_values), 1)
    n_fid = max(len(pair_index), 1)
    per_pair = np.full((len(rec_unit_values), width), np.nan)
    used_rows = np.zeros((len(rec_unit_values), width), dtype=bool)
    fid_units = [np.unique(unit_r_codes[row_fid == f]) for f in range(len(pair_index))]
    for code in pd.unique(rec_unit_codes[positions] * n_fid + rec_fid):
        used_rows[int(code) // n_fid, fid_units[int(code) % n_fid]] = True
    for record_unit_code, factor_unit_code in zip(*np.nonzero(used_rows), strict=True):
        record_unit = rec_unit_values[record_unit_code]
        factor_row_unit = unit_r_values[factor_unit_code]
        target = "kg CO2e" if is_co2e_unit(str(factor_row_unit)) else "kg"
        try:
            per_pair[record_unit_code, factor_unit_code] = multiplier(
                f"({record_unit})*({factor_row_unit})", target
            )
        except Exception as exc:  # UnitError: resolution's dimension check should prevent it
            raise MethodError(f"cannot combine record and factor units: {exc}") from exc
    amount = q[rec_rep] * value_r[row_idx] * per_pair[rec_unit_codes[rec_rep], unit_r_codes[row_idx]]
    co2e_unit = co2e_unit_r[row_idx]
    aggregate = aggregate_r[row_idx]
    mass = np.where(co2e_unit, np.where(aggregate, np.nan, amount / basis_gwp_r[row_idx]), amount)
    co2e = np.where(aggregate, amount, mass * run_gwp_r[row_idx])
    out = pd.DataFrame(
        {
            "record_pos": rec_rep.astype(np.int64),
            "gas": _gathered(gas_r, row_idx),
            "mass_kg": mass,
            "co2e_kg": co2e,
            "factor_value": value_r[row_idx],
            "factor_unit": _gathered(rows["unit"].to_numpy(dtype=object), row_idx),
            "factor_gwp_basis": _gathered(basis_r, row_idx),
            "calc_flags": _gathered(flag_r, row_idx),
        },
        copy=False,
    )
    return FactorEmissions(out, gwp_key)
