"""Shared machinery of the Scope 3 methods: prepared records, the factor run, tagging.

Every factor-based Scope 3 method reduces to the activity × factor kernel after preparing the
records: a derived quantity and unit (tonne-km, passenger-km, lifetime kWh, 2022 USD …),
the activity key whose factor applies (``use_phase/electricity/grid`` → ``electricity/grid``),
the region to resolve in (``factor_region``), and a multiplier applied after the factor
(allocation share, attribution factor, loss rate). :func:`run_prepared` runs
:func:`carbonledger.inventory.methods.factor.factor_method` once on all prepared records and
:func:`tag` adds the method, data type, parameters and data-quality scores to each row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger._strings import categorical, combined_codes, text_or_empty
from carbonledger.errors import Problem, UnitError
from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import MethodOutput, as_categorical, empty_rows
from carbonledger.inventory.methods.factor import factor_method
from carbonledger.inventory.scope3.dqi import (
    METHOD_DEFAULTS,
    PRIMARY_METHODS,
    geographical_score,
    temporal_score,
)
from carbonledger.inventory.scope3.validate import DQI_COLUMNS
from carbonledger.units import describe_dimension, multiplier

__all__ = [
    "Prepared",
    "available_activities",
    "concat_outputs",
    "problem",
    "run_prepared",
    "tag",
    "unit_multipliers",
]


@dataclass
class Prepared:
    """Records ready for the factor kernel, with per-record Scope 3 annotations."""

    records: pd.DataFrame  # validated records (with pos); quantity/unit/activity/region as resolved
    s3_method: npt.NDArray[np.object_]
    scale: npt.NDArray[np.float64]
    params: npt.NDArray[np.object_]
    flags: npt.NDArray[np.object_]
    proxy: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, records: pd.DataFrame, method: str | npt.NDArray[np.object_]) -> Prepared:
        n = len(records)
        given = (
            records["method"].to_numpy(dtype=object)
            if "method" in records.columns
            else np.full(n, "", object)
        )
        default = (
            np.full(n, method, dtype=object) if isinstance(method, str) else np.asarray(method, dtype=object)
        )
        region = records["region"].to_numpy(dtype=object)
        factor_region = records["factor_region"].to_numpy(dtype=object)
        proxy = (factor_region != "") & (factor_region != region)
        frame = records.copy(deep=False)  # copy-on-write: only modified columns are copied
        if proxy.any() or (factor_region != "").any():
            frame["region"] = np.where(factor_region != "", factor_region, region)
        frame["record_region"] = region
        prep = cls(
            records=frame,
            s3_method=np.where(given != "", given, default).astype(object),
            scale=np.ones(n),
            params=np.full(n, "", dtype=object),
            flags=np.full(n, "", dtype=object),
            proxy=proxy,
        )
        if proxy.any():
            prep.add_params(
                proxy,
                "factor region "
                + factor_region.astype(str)
                + " used as a stated proxy for "
                + region.astype(str)
                + " (factor_region)",
            )
            prep.add_flags(proxy, "regional_proxy")
        return prep

    def add_params(
        self, mask: npt.NDArray[np.bool_], text: npt.NDArray[np.object_] | pd.Categorical | str
    ) -> None:
        """Append ``text`` (per record, or one text) to the parameters of the masked records."""
        idx = np.flatnonzero(mask)
        if len(idx) == 0:
            return
        extra: object
        if isinstance(text, str):
            extra = np.full(len(idx), text, dtype=object)
        elif isinstance(text, pd.Categorical):
            extra = text[idx]
        else:
            extra = np.asarray(text, dtype=object)[idx]
        self.params[idx] = join_text(self.params[idx], extra, "; ")

    def add_flags(self, mask: npt.NDArray[np.bool_], flag: str) -> None:
        idx = np.flatnonzero(mask)
        if len(idx):
            self.flags[idx] = join_text(self.flags[idx], np.full(len(idx), flag, dtype=object), "|")

    def subset(self, keep: npt.NDArray[np.bool_]) -> Prepared:
        if keep.all():
            return self
        return Prepared(
            self.records[keep],
            self.s3_method[keep],
            self.scale[keep],
            self.params[keep],
            self.flags[keep],
            self.proxy[keep],
        )

    @staticmethod
    def concat(parts: list[Prepared]) -> Prepared | None:
        parts = [p for p in parts if len(p.records)]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return Prepared(
            pd.concat([p.records for p in parts], ignore_index=True),
            np.concatenate([p.s3_method for p in parts]),
            np.concatenate([p.scale for p in parts]),
            np.concatenate([p.params for p in parts]),
            np.concatenate([p.flags for p in parts]),
            np.concatenate([p.proxy for p in parts]),
        )


def join_text_codes(a: object, b: object, sep: str) -> tuple[npt.NDArray[np.int64], list[str]]:
    """(codes, distinct texts) of element-wise ``a + sep + b`` skipping empty parts; each text
    is built once per distinct pair."""
    codes, pairs = combined_codes(a, b)
    joined = [sep.join(x for x in (text_or_empty(u), text_or_empty(v)) if x) for u, v in pairs]
    text_codes, texts = pd.factorize(np.asarray(joined, dtype=object))
    return np.asarray(text_codes, dtype=np.int64)[codes], [str(t) for t in texts]


def join_text(a: object, b: object, sep: str) -> npt.NDArray[np.object_]:
    """Element-wise ``a + sep + b`` skipping empty parts (object array)."""
    codes, texts = join_text_codes(a, b, sep)
    if len(codes) == 0:
        return np.zeros(0, dtype=object)
    return np.asarray(texts, dtype=object)[codes]


def _join_column(a: object, b: object, sep: str) -> pd.Categorical:
    """:func:`join_text` as a categorical column (no per-row strings)."""
    codes, texts = join_text_codes(a, b, sep)
    return categorical(codes, texts)


def problem(
    ctx: RunContext, sub: pd.DataFrame, k: int, field: str, message: str, accepted: str, value: object = None
) -> Problem:
    return Problem(
        message,
        file=ctx.source,
        row=int(sub["row"].to_numpy()[k]),
        field=field,
        record_id=str(sub["record_id"].to_numpy()[k]),
        value=None if value is None else str(value),
        accepted=accepted,
    )


def unit_multipliers(from_units: npt.NDArray[np.object_], to_unit: str) -> npt.NDArray[np.float64]:
    """pint multiplier per record from its unit to ``to_unit`` (NaN where not convertible)."""
    codes, uniques = pd.factorize(pd.Series(from_units, dtype=object))
    values = np.full(len(uniques), np.nan)
    for i, u in enumerate(uniques):
        try:
            values[i] = multiplier(str(u), to_unit)
        except UnitError:
            values[i] = np.nan
    return values[codes] if len(codes) else np.zeros(0)


def dimension_names(units: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    codes, uniques = pd.factorize(pd.Series(units, dtype=object))
    names = []
    for u in uniques:
        try:
            names.append(describe_dimension(str(u)) if u else "")
        except UnitError:
            names.append("?")
    return np.array(names, dtype=object)[codes] if len(codes) else np.zeros(0, dtype=object)


def available_activities(ctx: RunContext) -> frozenset[str]:
    """Activity keys with at least one factor in the run's factor sets."""
    found: set[str] = set()
    for ref in ctx.factor_sets:
        try:
            for full_id in ctx.store.resolve_ref(ref):
                factor_set = ctx.store.load(full_id)
                if "factors" in factor_set.tables:
                    found.update(_set_activities(factor_set.full_id, factor_set.factors))
        except Exception:  # an unknown set is reported by resolution
            continue
    return frozenset(found)


_SET_CACHE: dict[str, frozenset[str]] = {}


def _set_activities(full_id: str, factors: pd.DataFrame) -> frozenset[str]:
    if full_id not in _SET_CACHE:
        _SET_CACHE[full_id] = frozenset(str(a) for a in factors["activity"].unique() if a)
    return _SET_CACHE[full_id]


def _record_index(
    positions: npt.NDArray[np.int64], size_from: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Dense map record pos → index into the prepared arrays."""
    top = int(max(positions.max(initial=-1), size_from.max(initial=-1))) + 1
    lookup = np.full(top, -1, dtype=np.int64)
    lookup[positions] = np.arange(len(positions))
    return lookup[size_from]


def tag(
    rows: pd.DataFrame,
    prep: Prepared,
    *,
    temporal: npt.NDArray[np.float64] | None = None,
    geographical: npt.NDArray[np.float64] | None = None,
    primary: npt.NDArray[np.bool_] | None = None,
    dqi_defaults: dict[str, npt.NDArray[np.float64]] | None = None,
) -> pd.DataFrame:
    """Scale the rows' amounts and add Scope 3 columns (arrays are per prepared record)."""
    if rows.empty:
        return rows
    rows = rows.copy()
    pos = prep.records["pos"].to_numpy(dtype=np.int64)
    idx = _record_index(pos, rows["record_pos"].to_numpy(dtype=np.int64))
    scale = prep.scale[idx]
    for column in ("mass_kg", "co2e_kg"):
        rows[column] = rows[column].to_numpy(dtype=np.float64) * scale
    rows["parameters"] = _join_column(as_categorical(rows["parameters"]), prep.params[idx], "; ")
    rows["flags"] = _join_column(as_categorical(rows["flags"]), prep.flags[idx], "|")
    method_codes, methods = pd.factorize(np.asarray(prep.s3_method, dtype=object))
    method_codes = method_codes[idx]
    method = np.asarray(methods, dtype=object)[method_codes]
    rows["s3_method"] = categorical(method_codes, methods)
    is_primary = (
        np.isin(method, list(PRIMARY_METHODS)) if primary is None else np.asarray(primary, dtype=bool)[idx]
    )
    rows["data_type"] = categorical(is_primary.astype(np.int8), ["secondary", "primary"])
    records = prep.records
    override = {c: records[c].to_numpy(dtype=np.float64)[idx] for c in DQI_COLUMNS}
    default_key = np.where((method == "hybrid") & ~is_primary, "hybrid_secondary", method)
    m_codes, m_uniques = pd.factorize(pd.Series(default_key, dtype=object))
    per_method = np.array([METHOD_DEFAULTS.get(str(m), (3.0, 3.0, 3.0)) for m in m_uniques], dtype=np.float64)
    table = per_method.reshape(-1, 3)[m_codes] if len(m_codes) else np.zeros((0, 3))
    defaults = {
        "dqi_technological": table[:, 0],
        "dqi_completeness": table[:, 1],
        "dqi_reliability": table[:, 2],
        "dqi_temporal": np.full(len(rows), 5.0) if temporal is None else temporal[idx],
        "dqi_geographical": np.full(len(rows), 5.0) if geographical is None else geographical[idx],
    }
    if dqi_defaults:
        for column, values in dqi_defaults.items():
            v = values[idx]
            defaults[column] = np.where(np.isnan(v), defaults[column], v)
    flag_cat = rows["flags"].array
    regional_proxy = np.array(
        ["regional_proxy" in str(f).split("|") for f in flag_cat.categories] + [False], dtype=bool
    )[flag_cat.codes]
    defaults["dqi_geographical"] = np.where(
        regional_proxy, np.maximum(defaults["dqi_geographical"], 4.0), defaults["dqi_geographical"]
    )
    for column in DQI_COLUMNS:
        rows[column] = np.where(np.isnan(override[column]), defaults[column], override[column])
    rows["dqi_score"] = np.mean(np.column_stack([rows[c].to_numpy() for c in DQI_COLUMNS]), axis=1)
    return rows


def _years(values: pd.Series) -> npt.NDArray[np.float64]:
    """Calendar year of each date (text or datetime), NaN where none; parsed once per distinct value."""
    codes, distinct = combined_codes(values)
    years = pd.to_datetime(pd.Series([d[0] for d in distinct], dtype=object), errors="coerce").dt.year
    per_value = np.asarray(years.to_numpy(dtype=np.float64), dtype=np.float64)
    return np.asarray(per_value[codes], dtype=np.float64)


def run_prepared(prep: Prepared | None, ctx: RunContext) -> MethodOutput:
    """Resolve and compute prepared records, then tag the rows."""
    if prep is None or prep.records.empty:
        return MethodOutput(empty_rows())
    sub = prep.records
    out, resolution, parameter_only = factor_method(sub, ctx)
    problems = list(out.problems)
    rejected = list(out.rejected)
    for k in np.flatnonzero(np.isin(sub["pos"].to_numpy(), parameter_only["pos"].to_numpy())):
        problems.append(
            problem(
                ctx,
                sub,
                int(k),
                "activity",
                f"the factor chosen for {sub['activity'].to_numpy()[k]} holds parameters but no emission "
                "factor",
                "an activity whose factor set has emission factors, or an inline emission_factor",
            )
        )
        rejected.append(int(sub["pos"].to_numpy()[k]))
    temporal = geographical = None
    if resolution is not None and len(resolution.table) == len(sub):
        t = resolution.table
        vf = _years(t["factor_valid_from"])
        vt = _years(t["factor_valid_to"])
        ry0 = _years(sub["period_start"])
        ry1 = _years(sub["period_end"])
        gap = np.maximum.reduce([np.zeros(len(sub)), vf - ry1, ry0 - vt])
        temporal = temporal_score(gap)
        geographical = geographical_score(sub["record_region"].array, t["factor_region"].array, prep.proxy)
    # factor-based hybrid records are the secondary part of the hybrid method (the supplier's
    # allocated Scope 1+2, in CO2e, is its primary part)
    primary = np.isin(prep.s3_method, list(PRIMARY_METHODS)) & (prep.s3_method != "hybrid")
    rows = tag(out.rows, prep, temporal=temporal, geographical=geographical, primary=primary)
    return MethodOutput(rows, np.array(sorted(set(rejected)), dtype=np.int64), problems)


def concat_outputs(outputs: list[MethodOutput]) -> MethodOutput:
    frames = [o.rows for o in outputs if not o.rows.empty]
    return MethodOutput(
        pd.concat(frames, ignore_index=True) if frames else empty_rows(),
        np.concatenate([o.rejected for o in outputs]).astype(np.int64)
        if outputs
        else np.zeros(0, dtype=np.int64),
        [p for o in outputs for p in o.problems],
    )
