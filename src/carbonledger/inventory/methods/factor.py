"""Activity × emission factor, with measured NCV, oxidation and biomass fraction.

For a record with quantity Q (GHG Protocol Corporate Standard ch. 6; EU MRR 2018/2066
Art. 24 "standard methodology", as used by CBAM IR 2025/2547 Annex II B):

* without NCV: ``E_gas = Q × EF_gas`` with the factor resolved for Q's unit;
* with a measured NCV: ``energy = Q × NCV`` and ``E_gas = energy × EF_gas`` with the factor
  resolved for energy;
* a measured oxidation (or, for process emissions, conversion) factor multiplies fossil
  CO2: ``E_CO2 = … × OF``;
* a biomass fraction BF splits CO2 into fossil ``(1 − BF)`` (Scope 1) and biogenic ``BF``
  (reported outside the scopes; GHG Protocol Corporate Standard ch. 9). CH4 and N2O are
  not split: they stay in Scope 1 whatever the fuel's origin.

A record whose resolved factor carries carbon-content parameters instead of emission
factors (the China fuel-default sets) is computed with the carbon-content method
(:mod:`carbonledger.inventory.methods.carbon_content`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger._strings import categorical
from carbonledger.calc import KernelRows, kernel_rows
from carbonledger.errors import Problem, UnitError
from carbonledger.factors.resolve import Resolution, resolve
from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import (
    MethodOutput,
    _at,
    as_categorical,
    concat_rows,
    empty_rows,
    fmt,
    rows,
)
from carbonledger.units import multiplier

__all__ = ["EMISSION_PARAMETERS", "apply_oxidation_and_biomass", "factor_method", "resolution_frame"]

EMISSION_PARAMETERS = ("emission_factor", "carbonate_factor", "carbon_content")
"""A factor can compute emissions when it has one of these (an NCV or energy-per-unit row alone
cannot)."""


def resolution_frame(
    sub: pd.DataFrame,
    unit: pd.Series | npt.NDArray[np.object_] | None = None,
    activity: pd.Series | str | None = None,
) -> pd.DataFrame:
    """The columns :func:`resolve` reads, from validated records (columns are shared, not copied)."""
    frame = sub[
        [
            "record_id",
            "row",
            "activity",
            "unit",
            "region",
            "period_start",
            "period_end",
            "factor_id",
            "factor_set",
        ]
    ].reset_index(drop=True)
    if activity is not None:
        frame["activity"] = activity if isinstance(activity, str) else np.asarray(activity, dtype=object)
    if unit is not None:
        frame["unit"] = np.asarray(unit, dtype=object)
    return frame


def _energy_from_ncv(sub: pd.DataFrame) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], list[str]]:
    """Q × NCV in GJ per record with a measured NCV; (gj, ok, messages)."""
    pairs = pd.MultiIndex.from_arrays([sub["unit"].to_numpy(), sub["ncv_unit"].to_numpy()])
    codes, uniques = pd.factorize(pairs)
    m = np.full(len(uniques), np.nan)
    for i, (u, nu) in enumerate(uniques):
        try:
            m[i] = multiplier(f"({u})*({nu})", "GJ")
        except UnitError:
            m[i] = np.nan
    per = m[codes]
    ok = ~np.isnan(per)
    gj = sub["quantity"].to_numpy() * sub["ncv"].to_numpy() * np.where(ok, per, 0.0)
    messages = [
        f"quantity unit {u!r} × ncv_unit {nu!r} is not an energy"
        for u, nu in zip(sub["unit"].to_numpy()[~ok], sub["ncv_unit"].to_numpy()[~ok], strict=True)
    ]
    return gj, ok, messages


def factor_method(
    sub: pd.DataFrame, ctx: RunContext, *, diagnose: bool = True
) -> tuple[MethodOutput, Resolution | None, pd.DataFrame]:
    """Resolve and compute ``sub`` (validated records with a ``pos`` column).

    Returns the output, the resolution, and the records whose chosen factor holds
    carbon-content parameters (to be computed by the carbon-content method).
    """
    problems: list[Problem] = []
    if sub.empty:
        return MethodOutput(empty_rows()), None, sub
    has_ncv = ~np.isnan(sub["ncv"].to_numpy())
    quantity = sub["quantity"].to_numpy()
    unit: pd.Series | npt.NDArray[np.object_] = sub["unit"]
    rejected: list[int] = []
    keep = np.ones(len(sub), dtype=bool)
    if has_ncv.any():
        quantity = quantity.copy()
        unit = sub["unit"].to_numpy(dtype=object).copy()
        gj, ok, messages = _energy_from_ncv(sub[has_ncv])
        idx = np.flatnonzero(has_ncv)
        quantity[idx[ok]] = gj[ok]
        unit[idx[ok]] = "GJ"
        for k, message in zip(idx[~ok], messages, strict=True):
            problems.append(
                _problem(
                    ctx,
                    sub,
                    int(k),
                    "ncv_unit",
                    message,
                    "an NCV unit that turns the quantity into energy, e.g. GJ/t for t",
                )
            )
            rejected.append(int(_at(sub, "pos", int(k))))
        keep = ~np.isin(sub["pos"].to_numpy(), rejected)
    if not keep.all():
        sub, quantity, unit = sub[keep], quantity[keep], np.asarray(unit, dtype=object)[keep]
    resolution = resolve(
        resolution_frame(sub, None if isinstance(unit, pd.Series) else unit),
        ctx.factor_sets,
        store=ctx.store,
        raise_on_missing=False,
        file=ctx.source,
        diagnose=diagnose,
        usable=EMISSION_PARAMETERS,
    )
    problems += resolution.problems
    resolved = resolution.resolved.to_numpy()
    rejected += [int(p) for p in sub["pos"].to_numpy()[~resolved]]
    # factors that hold carbon-content parameters instead of emission factors (decided per key)
    ef_rows = resolution.factor_rows(["emission_factor", "carbonate_factor"])
    with_ef = set(zip(ef_rows["full_id"], ef_rows["factor_id"], strict=True))
    parameter_only = resolved & _per_key(
        resolution,
        lambda full_id, factor_id: (full_id, factor_id) not in with_ef,
    )
    computed = resolved & ~parameter_only
    pos = sub["pos"].to_numpy()
    kernel = kernel_rows(quantity, unit, resolution, ctx.gwp, only=computed)
    if kernel is None:
        out = empty_rows()
    else:
        out = _factor_rows(kernel, resolution, sub, pos, has_ncv[keep] if has_ncv.any() else None)
    out = apply_oxidation_and_biomass(out, sub, ctx.gwp)
    return (
        MethodOutput(out, np.array(sorted(set(rejected)), dtype=np.int64), problems),
        resolution,
        sub[parameter_only] if parameter_only.any() else sub.iloc[0:0],
    )


def _factor_rows(
    kernel: KernelRows,
    resolution: Resolution,
    sub: pd.DataFrame,
    pos: npt.NDArray[np.int64],
    measured_ncv: npt.NDArray[np.bool_] | None,
) -> pd.DataFrame:
    """The result rows of the kernel: numbers per output row, every text column a gather of a
    small per-pattern table (patterns: :class:`carbonledger.calc.KernelRows`)."""
    rp = kernel.record_pos
    if kernel.pattern_key is not None and resolution.per_key is not None:
        per_key = resolution.per_key

        def by_key(column: str) -> pd.Categorical:
            # categories as the per-record table's (sorted, every key), codes through the patterns
            key_cat = pd.Categorical(per_key[column].to_numpy(dtype=object))
            codes = key_cat.codes[kernel.pattern_key][kernel.pattern]
            return categorical(codes, key_cat.categories)

        key_flags = pd.Categorical(per_key["resolution_flags"].to_numpy(dtype=object))
        flag_a = key_flags.codes[kernel.pattern_key]
    else:
        table = resolution.table

        def by_key(column: str) -> pd.Categorical:
            return _taken(table[column], rp)

        key_flags = table["resolution_flags"].array
        flag_a = None
    calc_codes, calc_categories = kernel.row_text["calc_flags"]
    if flag_a is not None:
        flags = _joined_flags_by_pattern(
            flag_a, key_flags.categories, calc_codes[kernel.pattern_row], calc_categories, kernel.pattern
        )
    else:
        flags = _join_flags(_taken(key_flags, rp), kernel.text("calc_flags"))
    if measured_ncv is not None:
        ncv_text = pd.Categorical(
            np.where(
                measured_ncv,
                "NCV "
                + fmt(sub["ncv"])
                + " "
                + sub["ncv_unit"].to_numpy(dtype=object)
                + " (measured); energy = quantity × NCV",
                "",
            )
        )
        params: object = _taken(ncv_text, rp)
        method: object = _taken(pd.Categorical(np.where(measured_ncv, "factor:energy", "factor")), rp)
    else:
        params, method = "", "factor"
    return rows(
        pos[rp],
        gas=kernel.text("gas"),
        mass_kg=kernel.mass_kg,
        co2e_kg=kernel.co2e_kg,
        method=method,
        factor_full_id=by_key("factor_full_id"),
        factor_set=by_key("factor_set"),
        factor_edition=by_key("factor_edition"),
        factor_id=by_key("factor_id"),
        factor_value=kernel.factor_value,
        factor_unit=kernel.text("factor_unit"),
        factor_gwp_basis=kernel.text("factor_gwp_basis"),
        parameters=params,
        lineage=by_key("resolution"),
        flags=flags,
    )


def _joined_flags_by_pattern(
    a_codes: npt.NDArray[np.integer],
    a_categories: pd.Index,
    b_codes: npt.NDArray[np.integer],
    b_categories: pd.Index,
    pattern: npt.NDArray[np.intp],
) -> pd.Categorical:
    """:func:`_join_flags` of per-pattern code pairs, evaluated once per pattern: the same texts
    and categories (pairs numbered in order of first appearance over the rows)."""
    width = len(b_categories) + 1
    pair_p = (a_codes.astype(np.int64) + 1) * width + (b_codes.astype(np.int64) + 1)
    first_patterns = pd.unique(pattern)  # patterns in order of first appearance over the rows
    pair_codes_p, pairs = pd.factorize(pair_p[first_patterns])
    per_pattern = np.full(len(pair_p), -1, dtype=np.int64)
    per_pattern[first_patterns] = pair_codes_p
    texts = []
    for code in pairs:
        x, y = int(code) // width - 1, int(code) % width - 1
        parts = [str(a_categories[x]) if x >= 0 else "", str(b_categories[y]) if y >= 0 else ""]
        texts.append("|".join(p for p in parts if p))
    codes = per_pattern[pattern]
    if len(set(texts)) == len(texts):
        return categorical(codes, pd.Index(texts).unique())
    text_cat = pd.Categorical(np.asarray(texts, dtype=object))  # sorted categories, as before
    return categorical(text_cat.codes[codes], text_cat.categories)


def _per_key(resolution: Resolution, test: Any) -> npt.NDArray[np.bool_]:
    """``test(full_id, factor_id)`` of each record's chosen factor, evaluated once per key."""
    table = resolution.table
    if resolution.keys is not None and resolution.per_key is not None:
        per_key = resolution.per_key
        values = np.array(
            [
                test(f, i)
                for f, i in zip(per_key["factor_full_id"], per_key["factor_id"], strict=True)
            ],
            dtype=bool,
        )
        by_record: npt.NDArray[np.bool_] = values[resolution.keys]
        return by_record
    chosen = zip(table["factor_full_id"].astype(object), table["factor_id"].astype(object), strict=True)
    return np.array([test(f, i) for f, i in chosen], dtype=bool)


def _taken(values: Any, index: npt.NDArray[np.int64]) -> pd.Categorical:
    """Rows ``index`` of a (categorical) column, as a categorical built from codes."""
    cat = values.array if isinstance(values, pd.Series) else values
    if not isinstance(cat, pd.Categorical):
        cat = pd.Categorical(np.asarray(cat, dtype=object))
    return categorical(cat.codes[index], cat.categories)


def _join_flags(a: pd.Categorical, b: pd.Categorical) -> pd.Categorical:
    """Row-wise ``a|b`` of two flag columns, joined once per distinct pair."""
    a_codes = a.codes.astype(np.int64)
    b_codes = b.codes.astype(np.int64)
    width = len(b.categories) + 1
    codes, pairs = pd.factorize((a_codes + 1) * width + (b_codes + 1))
    texts = []
    for code in pairs:
        x, y = int(code) // width - 1, int(code) % width - 1
        parts = [str(a.categories[x]) if x >= 0 else "", str(b.categories[y]) if y >= 0 else ""]
        texts.append("|".join(p for p in parts if p))
    return (
        categorical(codes, pd.Index(texts).unique())
        if len(set(texts)) == len(texts)
        else pd.Categorical(np.asarray(texts, dtype=object)[codes])
    )


def apply_oxidation_and_biomass(out: pd.DataFrame, records: pd.DataFrame, gwp_set: str) -> pd.DataFrame:
    """Multiply fossil CO2 by a measured oxidation/conversion factor and split CO2 by biomass
    fraction into fossil CO2 and ``CO2_biogenic`` (formulas in the module docstring)."""
    if out.empty:
        return out
    of_given = records["oxidation_factor"].to_numpy()
    bf_given = records["biomass_fraction"].to_numpy()
    if np.isnan(of_given).all() and np.isnan(bf_given).all():
        return out  # nothing measured: the rows stand as computed
    # the records' values per row, by position (``records`` has a ``pos`` column or is indexed by it)
    record_pos = records["pos"].to_numpy() if "pos" in records.columns else records.index.to_numpy()
    at = pd.Index(record_pos).get_indexer(out["record_pos"].to_numpy())
    of = np.where(at >= 0, of_given[np.maximum(at, 0)], np.nan)
    bf = np.where(at >= 0, bf_given[np.maximum(at, 0)], np.nan)
    is_co2 = (out["gas"] == "CO2").to_numpy()
    apply_of = is_co2 & ~np.isnan(of)
    if apply_of.any():
        for column in ("mass_kg", "co2e_kg"):
            values = out[column].to_numpy().copy()
            values[apply_of] *= of[apply_of]
            out[column] = values
        out["parameters"] = _append_where(
            out["parameters"], apply_of, "oxidation/conversion factor " + fmt(of[apply_of]) + " (measured)"
        )
    split = is_co2 & ~np.isnan(bf) & (np.nan_to_num(bf) > 0)
    if split.any():
        biogenic = out[split].copy()
        share = bf[split]
        biogenic["gas"] = categorical(np.zeros(len(biogenic), dtype=np.int8), ["CO2_biogenic"])
        biogenic["mass_kg"] = biogenic["mass_kg"].to_numpy() * share
        biogenic["co2e_kg"] = biogenic["co2e_kg"].to_numpy() * share
        biogenic["parameters"] = _append_where(
            biogenic["parameters"],
            np.ones(len(biogenic), dtype=bool),
            "biomass fraction " + fmt(share) + " (biogenic share, outside scopes)",
        )
        for column in ("mass_kg", "co2e_kg"):
            values = out[column].to_numpy().copy()
            values[split] *= 1.0 - share
            out[column] = values
        out["parameters"] = _append_where(
            out["parameters"], split, "biomass fraction " + fmt(share) + " (fossil share 1 − BF)"
        )
        out = concat_rows([out, biogenic])
    return out


def _append_where(
    existing: pd.Series, mask: npt.NDArray[np.bool_], extra: npt.NDArray[np.object_]
) -> pd.Categorical:
    """A text column with ``extra`` appended ("; "-separated) on the rows of ``mask``."""
    values = existing.astype(object).fillna("").to_numpy(dtype=object).copy()
    values[mask] = _append(pd.Series(values[mask], dtype=object), extra)
    return as_categorical(values)


def _append(existing: pd.Series, extra: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    base = existing.astype(object).fillna("").astype(str).to_numpy()
    return np.where(base == "", extra, base + "; " + extra)


def _problem(ctx: RunContext, sub: pd.DataFrame, k: int, field: str, message: str, accepted: str) -> Problem:
    return Problem(
        message,
        file=ctx.source,
        row=int(_at(sub, "row", k)),
        field=field,
        record_id=str(_at(sub, "record_id", k)),
        accepted=accepted,
    )
