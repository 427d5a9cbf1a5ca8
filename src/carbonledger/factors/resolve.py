"""Vectorised factor resolution: choose ONE factor per activity record.

Precedence, for each record (issue #2, ARCHITECTURE "Resolution is explicit"):

1. **pin** — a record's ``factor_id`` (optionally with ``factor_set``) wins outright;
   a ``factor_set`` alone restricts the record to that set;
2. **set priority** — the first set in the caller's ordered list that has a usable
   factor for the record's activity;
3. **region** — the most specific region in the record's chain
   (``CN-CQ → CN-GRID-SOUTHWEST → CN → GLOBAL``; then, for sets whose manifest allows it,
   any other region as a flagged *proxy*);
4. **period** — a factor valid on the record's period start date; else the nearest
   earlier one (flagged ``period_fallback``). Later-only factors are never used;
5. **preference** — the set's own tie-breaker (e.g. gross vs net CV), then factor id.

A factor is *usable* only when its activity unit has the dimension of the record's unit
(a per-kWh factor never applies to a record in tonnes). Every choice and fallback goes into
a lineage column; unresolvable records raise :class:`FactorNotFoundError` listing all of
them with the reason.

The work is done on the *distinct* (activity, region, unit dimension, period, pins)
keys — typically thousands even for millions of records — and mapped back with integer
codes, so the cost per record is a few numpy gathers.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger._strings import categorical
from carbonledger.errors import FactorNotFoundError, Problem, UnitError
from carbonledger.factors.store import FactorSet, FactorStore, default_store
from carbonledger.regions import canonical_region, region_chain
from carbonledger.units import describe_dimension, parse_unit

__all__ = ["CandidateIndex", "Resolution", "activity_dimension", "resolve"]

_EPOCH = np.datetime64("1970-01-01", "D")
_PROXY = "*"  # pseudo-region matched by sets whose manifest allows regional proxies
_NO_DAY = np.iinfo(np.int64).min


def _dim_text(quantity: object) -> str:
    """Dimensionality of a pint quantity as pint prints it (``[mass]``, ``[length] ** 3``)."""
    return str(quantity.dimensionality)  # type: ignore[attr-defined]


@lru_cache(maxsize=8192)
def unit_dimension(unit: str) -> str:
    """Canonical dimension text of a unit (``[mass]^1``); raises UnitError."""
    return _dim_text(parse_unit(unit).quantity)


_NUMERATOR = {
    "emission_factor": ("kg", "kg CO2e"),
    "carbonate_factor": ("kg", "kg CO2e"),
    "ncv": ("GJ", "GJ"),
    "energy_per_unit": ("GJ", "GJ"),
}


@lru_cache(maxsize=8192)
def activity_dimension(parameter: str, unit: str) -> str:
    """Dimension of the activity a factor row applies to, or ``""`` when the row has none.

    ``kg CO2e/kWh`` → energy; ``kg/scf`` → US standard volume; ``GJ/t`` (an NCV) → mass.
    Dimensionless parameters (oxidation factor, loss rate) give ``""``.
    """
    numerators = _NUMERATOR.get(parameter)
    if numerators is None:
        return ""
    factor = parse_unit(unit).quantity
    numerator = parse_unit(numerators[1] if "[co2e]" in str(factor.dimensionality) else numerators[0])
    return _dim_text(numerator.quantity / factor)


@dataclass(frozen=True)
class CandidateIndex:
    """One row per factor (not per gas) of the sets in a run, with its priority."""

    sets: tuple[FactorSet, ...]
    priorities: dict[str, int]
    candidates: pd.DataFrame
    rows: pd.DataFrame  # the tidy rows of all sets, with a 'full_id' column

    def boundaries(self) -> npt.NDArray[np.int64]:
        """Sorted distinct validity boundaries (valid_from, valid_to + 1) of all candidates."""
        cached = self.__dict__.get("_boundaries")
        if cached is None:
            if self.candidates.empty:
                cached = np.zeros(0, dtype=np.int64)
            else:
                vf = self.candidates["vf"].to_numpy()
                vt = self.candidates["vt"].to_numpy()
                cached = np.unique(np.concatenate([vf[vf != _NO_DAY], vt[vt != _NO_DAY] + 1]))
            self.__dict__["_boundaries"] = cached  # frozen dataclass: cache outside the fields
        return cached

    @classmethod
    def build(cls, sets: Sequence[FactorSet], priorities: dict[str, int]) -> CandidateIndex:
        frames = []
        for factor_set in sets:
            frame = factor_set.factors.assign(
                full_id=factor_set.full_id,
                set_id=factor_set.manifest.id,
                edition=factor_set.manifest.edition,
            )
            frames.append(frame)
        rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if rows.empty:
            return cls(tuple(sets), priorities, pd.DataFrame(), rows)
        dims = {
            (p, u): activity_dimension(p, u)
            for p, u in rows[["parameter", "unit"]].drop_duplicates().itertuples(index=False)
        }
        rows["activity_dim"] = [dims[(p, u)] for p, u in zip(rows["parameter"], rows["unit"], strict=True)]
        # one candidate per (set edition, factor id): dimension from the first row that has one,
        # emission factors first (ncv/energy rows serve MEE-style parameter factors)
        order = rows["parameter"].map({"emission_factor": 0, "ncv": 1, "energy_per_unit": 2}).fillna(3)
        ranked = rows.assign(_order=order, _has_dim=rows["activity_dim"] == "")
        ranked = ranked.sort_values(["full_id", "factor_id", "_has_dim", "_order"], kind="stable")
        flags = rows.groupby(["full_id", "factor_id"], sort=False)["flags"].agg(
            lambda s: "|".join(sorted({f for v in s for f in str(v).split("|") if f}))
        )
        first = ranked.drop_duplicates(["full_id", "factor_id"], keep="first")
        params = rows.groupby(["full_id", "factor_id"], sort=False)["parameter"].agg(
            lambda s: "|".join(sorted(set(s)))
        )
        candidates = first[
            [
                "full_id",
                "set_id",
                "edition",
                "factor_id",
                "activity",
                "name",
                "region",
                "valid_from",
                "valid_to",
                "preference",
                "activity_dim",
                "basis",
                "confidence",
            ]
        ].copy()
        candidates["parameters"] = params.reindex(
            pd.MultiIndex.from_frame(candidates[["full_id", "factor_id"]])
        ).to_numpy()
        candidates["factor_flags"] = flags.reindex(
            pd.MultiIndex.from_frame(candidates[["full_id", "factor_id"]])
        ).to_numpy()
        manifests = {s.full_id: s.manifest for s in sets}
        candidates["set_flags"] = candidates["full_id"].map(
            {k: "|".join(m.flags) for k, m in manifests.items()}
        )
        candidates["priority"] = (
            candidates["set_id"].map(priorities).fillna(candidates["full_id"].map(priorities)).astype("int64")
        )
        candidates["region"] = candidates["region"].map(canonical_region)
        candidates["vf"] = _days(candidates["valid_from"])
        candidates["vt"] = _days(candidates["valid_to"])
        proxy_sets = [k for k, m in manifests.items() if m.proxy_for_other_regions]
        if proxy_sets:
            proxies = candidates[candidates["full_id"].isin(proxy_sets)].copy()
            proxies["proxy_of"] = proxies["region"]
            proxies["region"] = _PROXY
            candidates = pd.concat([candidates.assign(proxy_of=""), proxies], ignore_index=True)
        else:
            candidates["proxy_of"] = ""
        candidates = candidates[candidates["activity"] != ""].reset_index(drop=True)
        return cls(tuple(sets), priorities, candidates, rows)


def _days(values: pd.Series | npt.NDArray[np.generic]) -> npt.NDArray[np.int64]:
    """Dates (strings or datetimes) → int64 days since 1970-01-01; missing → _NO_DAY."""
    array = np.asarray(values)
    if array.dtype.kind == "M":  # already dates: integer arithmetic only
        days = array.astype("datetime64[D]")
        out: npt.NDArray[np.int64] = days.astype(np.int64)
        missing = np.isnat(days)
        if missing.any():
            out = np.where(missing, _NO_DAY, out)
        return out
    parsed = pd.to_datetime(pd.Series(values), errors="coerce")
    out = (parsed.to_numpy(dtype="datetime64[D]") - _EPOCH).astype("int64")
    out[parsed.isna().to_numpy()] = _NO_DAY
    return out


def _day_text(day: int) -> str:
    return str(_EPOCH + np.timedelta64(int(day), "D"))


class Resolution:
    """The chosen factor per record, with lineage, plus the problems found.

    ``table`` has one row per record (aligned with the records' index); a resolution made by
    :func:`resolve` keeps the choice once per distinct key (``per_key``) with each record's key
    (``keys``) and builds ``table`` from them when it is first read.
    """

    def __init__(
        self,
        table: pd.DataFrame | None = None,
        index: CandidateIndex | None = None,
        problems: list[Problem] | None = None,
        keys: npt.NDArray[np.int64] | None = None,
        per_key: pd.DataFrame | None = None,
        record_index: pd.Index | None = None,
    ) -> None:
        if table is None and (keys is None or per_key is None):
            raise ValueError("a Resolution needs its table, or keys with per_key")
        if index is None:
            raise ValueError("a Resolution needs its candidate index")
        self._table = table
        self.index = index
        self.problems: list[Problem] = problems if problems is not None else []
        self.keys = keys
        """Per record, the index of its distinct key in :attr:`per_key` (None for a subset)."""
        self.per_key = per_key
        """The columns of :attr:`table` once per distinct key (object values, None when unresolved)."""
        self._record_index = record_index

    @property
    def table(self) -> pd.DataFrame:
        """The chosen factor and lineage per record (categorical columns)."""
        if self._table is None:
            assert self.keys is not None and self.per_key is not None
            index = self._record_index if self._record_index is not None else pd.RangeIndex(len(self.keys))
            self._table = _per_record(self.per_key, self.keys, index)
        return self._table

    @property
    def resolved(self) -> pd.Series:
        if self._table is None and self.keys is not None and self.per_key is not None:
            by_key = self.per_key["factor_id"].notna().to_numpy()
            index = self._record_index if self._record_index is not None else pd.RangeIndex(len(self.keys))
            return pd.Series(by_key[self.keys], index=index, copy=False)
        return self.table["factor_id"].notna()

    def factor_rows(self, parameters: Sequence[str] | None = None) -> pd.DataFrame:
        """Tidy rows (all gases/parameters) of the factors chosen for at least one record."""
        if self.per_key is not None:  # the chosen factors, once per key (not per record)
            chosen = self.per_key.loc[self.per_key["factor_id"].notna(), ["factor_full_id", "factor_id"]]
            chosen = chosen.drop_duplicates()
        else:
            chosen = self.table.loc[self.resolved, ["factor_full_id", "factor_id"]].drop_duplicates()
        chosen = chosen.rename(columns={"factor_full_id": "full_id"})
        rows = self.index.rows.merge(chosen, on=["full_id", "factor_id"], how="inner")
        if parameters is not None:
            rows = rows[rows["parameter"].isin(list(parameters))]
        return rows.reset_index(drop=True)


def _column_codes(records: pd.DataFrame, name: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    """Integer codes and trimmed text values of a column (missing → ""), factorised directly
    on the pandas column (fast for Arrow-backed strings; free for categoricals)."""
    if name not in records.columns:
        return np.zeros(len(records), dtype=np.int64), np.array([""], dtype=object)
    column = records[name]
    uniques: Any
    if isinstance(column.dtype, pd.CategoricalDtype):
        cat = column.array
        codes = cat.codes.astype(np.int64)
        uniques = np.asarray(cat.categories, dtype=object)
    else:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
    values = np.array([str(u).strip() for u in uniques] + [""], dtype=object)
    codes = np.where(codes < 0, len(values) - 1, codes).astype(np.int64)
    return codes, values


def resolve(
    records: pd.DataFrame,
    sets: Sequence[str],
    *,
    store: FactorStore | None = None,
    raise_on_missing: bool = True,
    file: str | None = None,
    diagnose: bool = True,
    usable: Sequence[str] | None = None,
) -> Resolution:
    """Choose one factor per record.

    ``records`` columns: ``activity``, ``unit`` (whose dimension must match the factor's
    activity unit), optional ``region`` (empty → ``GLOBAL``), ``period_start`` (date; empty
    → the latest valid factor, flagged), ``factor_id`` and ``factor_set`` (pins),
    ``record_id`` and ``row`` (for messages). ``sets`` are set ids or editions in priority
    order (``["cn-electricity", "desnz-2025", "epa-hub"]``).

    Returns a :class:`Resolution` whose ``table`` has, per record: ``factor_full_id``,
    ``factor_set``, ``factor_edition``, ``factor_id``, ``factor_name``, ``factor_region``,
    ``factor_valid_from``, ``factor_valid_to``, ``factor_confidence``, ``resolution``
    (lineage text) and ``resolution_flags``. Unresolved records have NaN factor columns;
    with ``raise_on_missing`` they raise :class:`FactorNotFoundError` listing every one.
    ``diagnose=False`` skips explaining misses (for fallback look-ups whose misses are expected).
    ``usable`` restricts candidates to factors having rows of at least one of these parameters
    (e.g. emission factors or carbon content, not an energy-conversion row alone).
    """
    store = store or default_store()
    refs = list(sets)
    pinned_sets = sorted({str(v) for v in _column_codes(records, "factor_set")[1] if v})
    priorities: dict[str, int] = {}
    loaded: list[FactorSet] = []
    for priority, ref in enumerate(refs + [r for r in pinned_sets if r not in refs]):
        for full_id in store.resolve_ref(ref):
            if any(s.full_id == full_id for s in loaded):
                continue  # already in the run (e.g. a pinned edition of a listed set): load it once
            factor_set = store.load(full_id)
            loaded.append(factor_set)
            priorities.setdefault(ref if ref == factor_set.manifest.id else full_id, priority)
            priorities.setdefault(factor_set.manifest.id, priority)
            priorities.setdefault(full_id, priority)
    index = _cached_index(tuple(loaded), tuple(sorted(priorities.items())), tuple(sorted(usable or ())))
    return _resolve_with(
        records, index, refs, raise_on_missing=raise_on_missing, file=file, diagnose=diagnose
    )


_INDEX_CACHE: dict[tuple[tuple[str, ...], tuple[tuple[str, int], ...], tuple[str, ...]], CandidateIndex] = {}


def _cached_index(
    sets: tuple[FactorSet, ...], priorities: tuple[tuple[str, int], ...], usable: tuple[str, ...] = ()
) -> CandidateIndex:
    key = (tuple(s.full_id for s in sets), priorities, usable)
    if key not in _INDEX_CACHE:
        if usable:
            full = _cached_index(sets, priorities)
            wanted = set(usable)
            keep = np.array(
                [bool(set(str(p).split("|")) & wanted) for p in full.candidates["parameters"]], dtype=bool
            )
            _INDEX_CACHE[key] = CandidateIndex(
                full.sets, full.priorities, full.candidates[keep].reset_index(drop=True), full.rows
            )
        else:
            _INDEX_CACHE[key] = CandidateIndex.build(sets, dict(priorities))
    return _INDEX_CACHE[key]


def _resolve_with(
    records: pd.DataFrame,
    index: CandidateIndex,
    refs: Sequence[str],
    *,
    raise_on_missing: bool,
    file: str | None,
    diagnose: bool = True,
) -> Resolution:
    n = len(records)
    act_codes, act_values = _column_codes(records, "activity")
    reg_codes, reg_values = _column_codes(records, "region")
    unit_codes, unit_uniques = _column_codes(records, "unit")
    unit_dims = np.empty(len(unit_uniques), dtype=object)
    unit_errors: dict[int, str] = {}
    for i, unit in enumerate(unit_uniques):
        try:
            unit_dims[i] = unit_dimension(str(unit))
        except UnitError as exc:
            unit_dims[i] = "?"
            unit_errors[i] = exc.problems[0].message
    start = _days(records["period_start"]) if "period_start" in records.columns else np.full(n, _NO_DAY)
    end = _days(records["period_end"]) if "period_end" in records.columns else start
    end = np.where(end == _NO_DAY, start, end)
    # Records are keyed by what the choice depends on: the unit's DIMENSION (kWh and MWh choose
    # alike; a bad unit keeps its own key for its own message) and, for the period, the interval
    # between the candidates' validity boundaries that the start and the end fall in (every
    # comparison with a candidate's [valid_from, valid_to] is the same inside one interval).
    dim_text = np.array([d if d != "?" else f"?{i}" for i, d in enumerate(unit_dims)], dtype=object)
    dim_codes, dim_values = pd.factorize(dim_text)
    boundaries = index.boundaries()
    start_codes = np.where(start == _NO_DAY, -1, np.searchsorted(boundaries, start, side="right"))
    end_codes = np.where(end == _NO_DAY, -1, np.searchsorted(boundaries, end, side="right"))
    interval_values = np.arange(len(boundaries) + 2)
    pin_codes, pin_values = _column_codes(records, "factor_id")
    pset_codes, pset_values = _column_codes(records, "factor_set")

    # ---- distinct keys (mixed radix, re-factorised after each column so it never overflows) ----
    parts = [
        (act_codes, act_values),
        (reg_codes, reg_values),
        (dim_codes[unit_codes].astype(np.int64), dim_values),
        (start_codes.astype(np.int64) + 1, interval_values),
        (end_codes.astype(np.int64) + 1, interval_values),
        (pin_codes, pin_values),
        (pset_codes, pset_values),
    ]
    key_inverse = np.zeros(n, dtype=np.int64)
    capacity = 1
    for codes, uniques in parts:
        width = max(len(uniques), 1)
        if capacity * width >= 2**62:  # re-factorise so the mixed-radix code never overflows
            key_inverse, distinct = pd.factorize(key_inverse)
            capacity = max(len(distinct), 1)
        key_inverse = key_inverse * width + codes
        capacity *= width
    key_inverse = pd.factorize(key_inverse)[0].astype(np.int64)
    # factorize numbers keys in order of first appearance: key k first occurs where the running
    # maximum of the codes reaches k
    running = np.maximum.accumulate(key_inverse) if n else key_inverse
    first_pos = np.flatnonzero(np.diff(running, prepend=-1) > 0)
    keys = pd.DataFrame(
        {
            "key": np.arange(len(first_pos)),
            "activity": act_values[act_codes[first_pos]],
            "region_in": reg_values[reg_codes[first_pos]],
            "dim": unit_dims[unit_codes[first_pos]],
            "unit_code": unit_codes[first_pos],
            "start": start[first_pos],
            "end": end[first_pos],
            "pin_id": pin_values[pin_codes[first_pos]],
            "pin_set": pset_values[pset_codes[first_pos]],
        }
    )
    keys["region"] = keys["region_in"].map(canonical_region)

    chosen = _choose(keys, index)
    # ---- map back to records ------------------------------------------------------------------
    per_key = _assemble(chosen, keys)
    problems = (
        _diagnose(keys, chosen, key_inverse, records, index, refs, unit_errors, file) if diagnose else []
    )
    resolution = Resolution(
        index=index, problems=problems, keys=key_inverse, per_key=per_key, record_index=records.index
    )
    if problems and raise_on_missing:
        raise FactorNotFoundError(problems, summary=f"No emission factor for {len(problems)} record(s)")
    return resolution


def _chains(regions: pd.Series) -> pd.DataFrame:
    rows = []
    for region in regions.unique():
        chain = region_chain(str(region))
        for depth, code in enumerate(chain):
            rows.append((region, code, depth))
        if chain:
            rows.append((region, _PROXY, len(chain)))
    return pd.DataFrame(rows, columns=["region", "match_region", "depth"])


def _choose(keys: pd.DataFrame, index: CandidateIndex) -> pd.DataFrame:
    """One chosen candidate per key (keys without one are absent)."""
    cand = index.candidates
    if cand.empty:
        return pd.DataFrame(columns=["key"])
    cand_cols = [
        "full_id",
        "set_id",
        "edition",
        "factor_id",
        "activity",
        "name",
        "region",
        "proxy_of",
        "valid_from",
        "valid_to",
        "vf",
        "vt",
        "preference",
        "activity_dim",
        "priority",
        "factor_flags",
        "set_flags",
        "confidence",
    ]
    pinned = keys[keys["pin_id"] != ""]
    free = keys[keys["pin_id"] == ""]
    parts = []
    if not free.empty:
        chains = _chains(free["region"])
        expanded = free.merge(chains, on="region", how="inner")
        matched = expanded.merge(
            cand[cand_cols].rename(columns={"region": "match_region", "activity": "activity"}),
            on=["activity", "match_region"],
            how="inner",
        )
        matched = matched.rename(columns={"match_region": "factor_region"})
        restrict = matched["pin_set"] != ""
        in_set = (matched["set_id"] == matched["pin_set"]) | (matched["full_id"] == matched["pin_set"])
        matched = matched[~restrict | in_set]
        matched = matched.assign(pinned=False)
        parts.append(matched)
    if not pinned.empty:
        matched = pinned.merge(
            cand[cand_cols].drop(columns=["activity"]).rename(columns={"factor_id": "pin_id"}),
            on="pin_id",
            how="inner",
        )
        matched = matched.assign(
            factor_id=matched["pin_id"],
            depth=0,
            pinned=True,
            factor_region=matched["region_y"],
            region=matched["region_x"],
        )
        matched = matched.drop(columns=["region_x", "region_y"])
        matched = matched[matched["proxy_of"] == ""]
        restrict = matched["pin_set"] != ""
        in_set = (matched["set_id"] == matched["pin_set"]) | (matched["full_id"] == matched["pin_set"])
        matched = matched[~restrict | in_set]
        parts.append(matched)
    if not parts:
        return pd.DataFrame(columns=["key"])
    m = pd.concat(parts, ignore_index=True)
    # unit dimension must match (dimensionless-only factors match any unit); pins too
    m = m[(m["activity_dim"] == m["dim"]) | (m["activity_dim"] == "")]
    # period classes: 0 valid on the period start; 1 valid for part of the period (starts inside
    # it); 2 nearest earlier factor; 3 record without period (latest factor); 9 later only
    no_start = m["start"] == _NO_DAY
    exact = (m["vf"] <= m["start"]) & (m["start"] <= m["vt"])
    overlap = (m["vf"] > m["start"]) & (m["vf"] <= m["end"])
    earlier = m["vt"] < m["start"]
    period_class = np.select([no_start, exact, overlap, earlier], [3, 0, 1, 2], 9)
    # order within a class: the latest earlier factor, the earliest overlapping one (independent of
    # the exact date, so all records of a key choose alike)
    distance = np.select([no_start, overlap, earlier], [-m["vt"].to_numpy(), m["vf"], -m["vt"].to_numpy()], 0)
    m = m.assign(period_class=period_class, distance=distance)
    m = m[(m["period_class"] != 9) | m["pinned"]]
    m = m.sort_values(
        ["key", "priority", "depth", "period_class", "distance", "preference", "factor_id", "full_id"],
        kind="stable",
    )
    # candidates tied with the winner on everything but the factor id → flag ambiguity
    tie_cols = ["key", "priority", "depth", "period_class", "distance", "preference"]
    tie_counts = m.groupby(tie_cols, sort=False)["factor_id"].transform("size")
    m = m.assign(ties=tie_counts)
    return m.drop_duplicates("key", keep="first").reset_index(drop=True)


def _assemble(chosen: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """The chosen factor and lineage once per key (object values, None when unresolved)."""
    per_key = keys[["key"]].merge(chosen, on="key", how="left") if len(chosen) else keys[["key"]].copy()
    cols = [
        "full_id",
        "set_id",
        "edition",
        "factor_id",
        "name",
        "factor_region",
        "valid_from",
        "valid_to",
        "confidence",
    ]
    for col in cols:
        if col not in per_key.columns:
            per_key[col] = np.nan
    lineage, flags = _lineage(per_key)
    out = {
        "factor_full_id": per_key["full_id"],
        "factor_set": per_key["set_id"],
        "factor_edition": per_key["edition"],
        "factor_id": per_key["factor_id"],
        "factor_name": per_key["name"],
        "factor_region": per_key["factor_region"],
        "factor_valid_from": per_key["valid_from"],
        "factor_valid_to": per_key["valid_to"],
        "factor_confidence": per_key["confidence"],
        "resolution": lineage,
        "resolution_flags": flags,
    }
    key_values = {}
    for name, values in out.items():
        plain = pd.Series(values).astype(object)
        key_values[name] = plain.where(plain.notna(), None).to_numpy(dtype=object)
    return pd.DataFrame(key_values)


def _per_record(per_key: pd.DataFrame, keys: npt.NDArray[np.int64], record_index: pd.Index) -> pd.DataFrame:
    """The per-record table: each key's values gathered by integer codes (categoricals)."""
    table = {}
    for name in per_key.columns:
        per_key_values = pd.Categorical(per_key[name].to_numpy(dtype=object))
        table[name] = categorical(per_key_values.codes[keys], per_key_values.categories)
    return pd.DataFrame(table, index=record_index, copy=False)


def _lineage(per_key: pd.DataFrame) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """Lineage text and flags per distinct key.

    The text depends only on the chosen factor and how it was reached (pin, priority, region
    fallback or proxy, period class, ties) — the record's own region and period are in its own
    columns — so it is built once per distinct pattern, however many keys share it.
    """
    resolved = per_key["factor_id"].notna().to_numpy()
    out_lineage = np.full(len(per_key), None, dtype=object)
    out_flags = np.full(len(per_key), None, dtype=object)
    if not resolved.any():
        return out_lineage, out_flags
    r = per_key[resolved]

    def texts(column: str) -> list[str]:
        return [str(v) for v in r[column].astype(object).fillna("").to_numpy()]

    features = zip(
        texts("full_id"),
        texts("factor_id"),
        texts("name"),
        texts("factor_region"),
        texts("proxy_of"),
        texts("valid_from"),
        texts("valid_to"),
        r["pinned"].astype(bool).tolist(),
        r["priority"].astype(int).tolist(),
        (r["depth"].astype(int).to_numpy() > 0).tolist(),
        r["period_class"].astype(int).tolist(),
        (r["ties"].astype(int).to_numpy() > 1).tolist(),
        texts("factor_flags"),
        texts("set_flags"),
        strict=True,
    )
    memo: dict[tuple[object, ...], tuple[str, str]] = {}
    lineage: list[str] = []
    flag_texts: list[str] = []
    for p in features:
        if p not in memo:
            memo[p] = _lineage_text(*p)
        text, flag_text = memo[p]
        lineage.append(text)
        flag_texts.append(flag_text)
    out_lineage[resolved] = np.asarray(lineage, dtype=object)
    out_flags[resolved] = np.asarray(flag_texts, dtype=object)
    return out_lineage, out_flags


def _lineage_text(
    full_id: str,
    factor_id: str,
    name: str,
    region: str,
    proxy_of: str,
    valid_from: str,
    valid_to: str,
    pinned: bool,
    priority: int,
    fallback: bool,
    period_class: int,
    tied: bool,
    factor_flags: str,
    set_flags: str,
) -> tuple[str, str]:
    """(lineage, flags) of one way of choosing one factor."""
    valid = f"{valid_from}..{valid_to}"
    text = [
        f"{full_id} factor {factor_id} ({name})",
        "pinned by record" if pinned else f"set priority {int(priority) + 1}",
    ]
    flags = ["pinned"] if pinned else []
    if region == _PROXY or proxy_of:
        text.append(f"REGIONAL PROXY: {proxy_of} factor used outside its region")
        flags.append("regional_proxy")
    elif fallback:
        text.append(f"region fallback to {region}")
        flags.append("region_fallback")
    else:
        text.append(f"region {region}")
    if period_class == 0:
        text.append(f"valid {valid}")
    elif pinned and period_class != 3:
        text.append(f"pinned factor valid {valid} does not cover the period")
        flags.append("pinned_period_mismatch")
    elif period_class == 1:
        text.append(f"PARTIAL PERIOD: factor valid {valid} covers only part of the record's period")
        flags.append("partial_period_validity")
    elif period_class == 2:
        text.append(f"PERIOD FALLBACK: no factor valid for the record's period; nearest earlier valid {valid}")
        flags.append("period_fallback")
    else:
        text.append(f"record has no period; latest factor valid {valid}")
        flags.append("no_period")
    if tied:
        text.append("several equally ranked candidates; chose the lowest id")
        flags.append("ambiguous_choice")
    flags += [f for f in f"{factor_flags}|{set_flags}".split("|") if f]
    return "; ".join(text), "|".join(dict.fromkeys(flags))


def _diagnose(
    keys: pd.DataFrame,
    chosen: pd.DataFrame,
    key_inverse: npt.NDArray[np.int64],
    records: pd.DataFrame,
    index: CandidateIndex,
    refs: Sequence[str],
    unit_errors: dict[int, str],
    file: str | None,
) -> list[Problem]:
    missing = np.setdiff1d(keys["key"].to_numpy(), chosen["key"].to_numpy() if len(chosen) else [])
    if len(missing) == 0:
        return []
    lookup = _CandidateLookup(index.candidates)
    reasons = {int(k): _reason(keys.iloc[int(k)], lookup, refs, unit_errors) for k in missing}
    positions = np.flatnonzero(np.isin(key_inverse, missing))
    record_ids = (
        records["record_id"].astype(str).to_numpy()[positions] if "record_id" in records.columns else None
    )
    rows = records["row"].to_numpy()[positions] if "row" in records.columns else None
    problems = []
    for j, pos in enumerate(positions):
        key = int(key_inverse[pos])
        field_name, message, accepted = reasons[key]
        problems.append(
            Problem(
                message,
                file=file,
                row=int(rows[j]) if rows is not None and not pd.isna(rows[j]) else None,
                field=field_name,
                record_id=str(record_ids[j]) if record_ids is not None else None,
                accepted=accepted,
                code="factor_not_found",
            )
        )
    return problems


class _CandidateLookup:
    """Candidates grouped once per diagnosis, so explaining many missing keys stays cheap."""

    def __init__(self, candidates: pd.DataFrame) -> None:
        self.candidates = candidates
        self._by_activity: dict[str, pd.DataFrame] | None = None
        self._close: dict[str, list[str]] = {}

    def by_activity(self, activity: str) -> pd.DataFrame:
        if self._by_activity is None:
            self._by_activity = (
                {str(a): g for a, g in self.candidates.groupby("activity", sort=False)}
                if not self.candidates.empty
                else {}
            )
        return self._by_activity.get(activity, self.candidates.iloc[0:0])

    def by_factor_id(self, factor_id: str) -> pd.DataFrame:
        cand = self.candidates
        return cand[cand["factor_id"] == factor_id] if not cand.empty else cand

    def close_matches(self, activity: str) -> list[str]:
        """Up to three similar keys of the same family (difflib, cached per activity)."""
        if activity not in self._close:
            if self._by_activity is None:
                self.by_activity(activity)
            assert self._by_activity is not None
            family = activity.split("/", 1)[0] + "/"
            pool = [a for a in self._by_activity if a.startswith(family)] or list(self._by_activity)
            self._close[activity] = difflib.get_close_matches(activity, pool[:5000], n=3)
        return self._close[activity]


def _reason(
    key: pd.Series, lookup: _CandidateLookup, refs: Sequence[str], unit_errors: dict[int, str]
) -> tuple[str, str, str | None]:
    """Why no factor matched one distinct key: (field, message, what would be accepted)."""
    sets_text = ", ".join(refs) or "(no sets)"
    if int(key["unit_code"]) in unit_errors:
        return "unit", unit_errors[int(key["unit_code"])], None
    if key["pin_id"]:
        found = lookup.by_factor_id(str(key["pin_id"]))
        if found.empty:
            return (
                "factor_id",
                f"pinned factor id {key['pin_id']!r} is not in sets {sets_text}"
                + (f" or {key['pin_set']}" if key["pin_set"] else ""),
                None,
            )
        dims = sorted({describe_dimension(d) for d in found["activity_dim"]})
        return (
            "unit",
            f"pinned factor {key['pin_id']!r} applies to activity units of dimension "
            f"{', '.join(dims)}, not {describe_dimension(str(key['dim']))}",
            None,
        )
    activity = str(key["activity"])
    if not activity:
        return "activity", "activity key is empty", "an activity key such as fuel/natural_gas"
    same = lookup.by_activity(activity)
    if key["pin_set"]:
        same = same[(same["set_id"] == key["pin_set"]) | (same["full_id"] == key["pin_set"])]
    if same.empty:
        close = lookup.close_matches(activity)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        where = key["pin_set"] or sets_text
        return "activity", f"no factor for activity {activity!r} in {where}{hint}", None
    chain = region_chain(str(key["region"]))
    if not chain:
        return (
            "region",
            f"region {key['region_in']!r} is not a recognised region code",
            ("ISO 3166-1 alpha-2 (CN), ISO 3166-2 (CN-CQ) or a grid region such as US-EGRID-CAMX"),
        )
    in_chain = same[same["region"].isin(list(chain) + [_PROXY])]
    if in_chain.empty:
        regions = ", ".join(sorted(set(same["region"]) - {_PROXY})[:12])
        return (
            "region",
            (
                f"factors for {activity!r} exist only for regions {regions}; none on the chain "
                f"{' → '.join(chain)}"
            ),
            None,
        )
    dim_ok = in_chain[(in_chain["activity_dim"] == key["dim"]) | (in_chain["activity_dim"] == "")]
    if dim_ok.empty:
        dim_names = ", ".join(sorted({describe_dimension(d) for d in in_chain["activity_dim"]}))
        return (
            "unit",
            (
                f"factors for {activity!r} apply to activity units of dimension {dim_names}; the "
                f"record's unit has dimension {describe_dimension(str(key['dim']))}"
            ),
            (f"a unit of dimension {dim_names}"),
        )
    first_valid = int(dim_ok["vf"].min())
    return (
        "period",
        (
            f"factors for {activity!r} are valid only from {_day_text(first_valid)}; the record's period "
            "begins before that and later editions are never used for earlier periods"
        ),
        None,
    )
