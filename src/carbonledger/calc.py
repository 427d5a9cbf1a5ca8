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

__all__ = ["FactorEmissions", "KernelRows", "expand_factor_rows", "factor_emissions", "kernel_rows"]


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


@dataclass(frozen=True)
class KernelRows:
    """The kernel's output rows, described by *patterns*.

    Records are grouped by (resolution key — or chosen factor —, record unit): every record of a
    group has the same factor, factor rows and unit multipliers. A pattern is one (group, factor
    row) pair; every per-row attribute except the quantity is a property of the pattern, so output
    row i is ``record_pos[i]`` × ``pattern[i]``, and text columns are gathers of small tables.
    """

    record_pos: npt.NDArray[np.int64]  # per output row: index into the records given to resolve
    pattern: npt.NDArray[np.intp]  # per output row
    mass_kg: npt.NDArray[np.float64]
    co2e_kg: npt.NDArray[np.float64]
    factor_value: npt.NDArray[np.float64]
    pattern_row: npt.NDArray[np.intp]  # per pattern: index into ``rows``
    pattern_key: npt.NDArray[np.intp] | None  # per pattern: resolution key (None without keys)
    rows: pd.DataFrame  # the expanded factor rows, sorted by (full_id, factor_id, gas)
    row_text: dict[str, tuple[npt.NDArray[np.intp], pd.Index]]
    """Per factor row: codes and categories of gas, factor_unit, factor_gwp_basis, calc_flags."""

    def text(self, name: str) -> pd.Categorical:
        """A per-factor-row text column for every output row."""
        codes, categories = self.row_text[name]
        return categorical(codes[self.pattern_row][self.pattern], categories)


def _unit_codes(units: npt.NDArray[np.object_] | pd.Series) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    """(codes, distinct texts) of the records' units; free for a categorical column."""
    array = units.array if isinstance(units, pd.Series) else units
    if isinstance(array, pd.Categorical) and not (array.codes < 0).any():
        return array.codes.astype(np.int64), np.asarray(array.categories, dtype=object)
    codes, uniques = pd.factorize(np.asarray(units, dtype=object), use_na_sentinel=False)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def kernel_rows(
    quantities: npt.NDArray[np.float64] | pd.Series,
    units: npt.NDArray[np.object_] | pd.Series,
    resolution: Resolution,
    gwp_set: str,
    *,
    only: npt.NDArray[np.bool_] | None = None,
) -> KernelRows | None:
    """The kernel (module docstring) on every resolved record; None when there is nothing to
    compute. Arguments and errors as :func:`factor_emissions`."""
    gwp_key = str(gwp_set).upper()
    if gwp_key not in GWP_SETS:
        raise GWPError(f"unknown GWP set {gwp_set!r}; accepted: {', '.join(GWP_SETS)}")
    q = np.asarray(quantities, dtype=np.float64)
    rec_unit_codes, rec_unit_values = _unit_codes(units)
    keys, per_key = resolution.keys, resolution.per_key
    if keys is not None and per_key is not None:
        resolved = per_key["factor_id"].notna().to_numpy()[keys]
    else:
        resolved = resolution.table["factor_id"].notna().to_numpy()
    if only is not None:  # compute these records only (others keep their resolution)
        resolved = resolved & only
    positions = np.flatnonzero(resolved)
    rows = expand_factor_rows(resolution)
    if len(positions) == 0 or rows.empty:
        return None

    # integer id per chosen factor, shared by records and rows
    rows = rows.sort_values(["full_id", "factor_id", "gas"], kind="stable").reset_index(drop=True)
    pair_index = pd.MultiIndex.from_frame(rows[["full_id", "factor_id"]]).drop_duplicates()
    row_fid = pair_index.get_indexer(pd.MultiIndex.from_frame(rows[["full_id", "factor_id"]]))
    key_fid: npt.NDArray[np.intp] | None = None
    if keys is not None and per_key is not None:
        # per record: its key's factor (the chosen factor is the same for every record of a key)
        key_fid = pair_index.get_indexer(
            pd.MultiIndex.from_arrays([per_key["factor_full_id"], per_key["factor_id"]])
        )
        rec_base = keys[positions]
        rec_fid = key_fid[rec_base]
    else:
        table = resolution.table
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
        rec_base = rec_fid
    has_rows = rec_fid >= 0
    if not has_rows.all():
        positions, rec_fid, rec_base = positions[has_rows], rec_fid[has_rows], rec_base[has_rows]
    if len(positions) == 0:
        return None
    counts_per_fid = np.bincount(row_fid, minlength=len(pair_index))
    starts = np.concatenate([[0], np.cumsum(counts_per_fid)[:-1]])

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
        used = np.isin(row_fid, np.unique(rec_fid))
        missing = sorted({str(g) for g in gas_r[missing_gwp & used]})
        if missing:
            raise GWPError(
                f"no {gwp_key} GWP for gas(es) {', '.join(missing)} used by the chosen factors; choose "
                "another GWP set or factor"
            )
    # mass = amount / divisor (1 for a gas mass: exact), CO2e = mass × GWP (1 for an aggregate CO2e
    # row, whose CO2e is the amount and whose mass is unknown)
    divisor_r = np.where(per_gas_co2e_r, basis_gwp_r, 1.0)
    gwp_r = np.where(aggregate_r, 1.0, run_gwp_r)
    no_mass_r = aggregate_r & co2e_unit_r

    # -- groups of records (same key or factor, same unit) and their patterns -----------------
    n_units = max(len(rec_unit_values), 1)
    group_of, group_values = pd.factorize(rec_base.astype(np.int64) * n_units + rec_unit_codes[positions])
    group_base = np.asarray(group_values, dtype=np.int64) // n_units
    group_unit = np.asarray(group_values, dtype=np.int64) % n_units
    group_fid = key_fid[group_base] if key_fid is not None else group_base
    group_count = counts_per_fid[group_fid]
    group_start = np.cumsum(group_count) - group_count
    n_patterns = int(group_count.sum())
    pattern_group = np.repeat(np.arange(len(group_values)), group_count)
    pattern_row = starts[group_fid][pattern_group] + (np.arange(n_patterns) - group_start[pattern_group])
    pattern_unit = group_unit[pattern_group]
    # one multiplier per distinct (record unit, factor-row unit) pair
    width = max(len(unit_r_values), 1)
    pair = pattern_unit * width + unit_r_codes[pattern_row]
    pair_of, pair_values = pd.factorize(pair)
    per_pair = np.empty(len(pair_values), dtype=np.float64)
    for i, code in enumerate(pair_values):
        record_unit = rec_unit_values[int(code) // width]
        factor_row_unit = unit_r_values[int(code) % width]
        target = "kg CO2e" if is_co2e_unit(str(factor_row_unit)) else "kg"
        try:
            per_pair[i] = multiplier(f"({record_unit})*({factor_row_unit})", target)
        except Exception as exc:  # UnitError: resolution's dimension check should prevent it
            raise MethodError(f"cannot combine record and factor units: {exc}") from exc
    multiplier_p = per_pair[pair_of]

    # -- per output row: records in order, each with its group's block of patterns -------------
    per_record = group_count[group_of]
    total = int(per_record.sum())
    record_pos = np.repeat(positions.astype(np.int64), per_record)
    first = np.cumsum(per_record) - per_record  # first output row of each record
    step = np.ones(total, dtype=np.intp)
    block = group_start[group_of]
    step[0] = block[0]
    step[first[1:]] = block[1:] - (block[:-1] + per_record[:-1] - 1)
    pattern = np.cumsum(step, out=step)
    # E = Q × EF × m, in this order of operations (the rounding of every row is as documented)
    factor_value = value_r[pattern_row][pattern]
    amount = q[record_pos]
    amount *= factor_value
    amount *= multiplier_p[pattern]
    mass = amount / divisor_r[pattern_row][pattern]
    co2e = mass * gwp_r[pattern_row][pattern]
    no_mass_p = no_mass_r[pattern_row]
    if no_mass_p.any():
        mass[no_mass_p[pattern]] = np.nan
    row_text = {}
    for name, values in (
        ("gas", gas_r),
        ("factor_unit", rows["unit"].to_numpy(dtype=object)),
        ("factor_gwp_basis", basis_r),
        ("calc_flags", flag_r),
    ):
        codes, categories = pd.factorize(values)
        row_text[name] = (codes, pd.Index(categories, dtype=object))
    return KernelRows(
        record_pos=record_pos,
        pattern=pattern,
        mass_kg=mass,
        co2e_kg=co2e,
        factor_value=factor_value,
        pattern_row=pattern_row,
        pattern_key=group_base[pattern_group] if key_fid is not None else None,
        rows=rows,
        row_text=row_text,
    )


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
    kernel = kernel_rows(quantities, units, resolution, gwp_set, only=only)
    gwp_key = str(gwp_set).upper()
    if kernel is None:
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
        return FactorEmissions(empty, gwp_key)
    out = pd.DataFrame(
        {
            "record_pos": kernel.record_pos,
            "gas": kernel.text("gas"),
            "mass_kg": kernel.mass_kg,
            "co2e_kg": kernel.co2e_kg,
            "factor_value": kernel.factor_value,
            "factor_unit": kernel.text("factor_unit"),
            "factor_gwp_basis": kernel.text("factor_gwp_basis"),
            "calc_flags": kernel.text("calc_flags"),
        },
        copy=False,
    )
    return FactorEmissions(out, gwp_key)
