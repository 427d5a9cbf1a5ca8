"""The inventory result: a long lineage table and totals that reconcile with it.

Every number in a total is a sum over rows of :attr:`InventoryResult.results`, computed
with :func:`math.fsum` (correctly rounded, independent of row order), so a total and the
sum of its parts agree to the last representable digit.

Scope keys: ``1``, ``2_location``, ``2_market``, ``3``; plus ``outside_scopes`` (biogenic
CO2, GHG Protocol Corporate Standard ch. 9) and ``memo_non_kyoto`` (e.g. HCFC-22), which
are reported separately and are in no total. The headline total ``tco2e`` is Scope 1 +
Scope 2 location-based + Scope 3; ``tco2e_market_based`` uses Scope 2 market-based. Both
are always reported (Scope 2 Guidance ch. 7, dual reporting).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger._strings import codes_of
from carbonledger.errors import Problem
from carbonledger.factors.manifest import Manifest
from carbonledger.inventory.categories import category_info
from carbonledger.inventory.scope3.summary import scope3_record, scope3_summary, scope3_totals

__all__ = ["InventoryResult", "scope_key"]

_IN_LOCATION_TOTAL = ("1", "2_location", "3")
_IN_MARKET_TOTAL = ("1", "2_market", "3")


def scope_key(scope: pd.Series, scope2_method: pd.Series) -> pd.Series:
    """``1``, ``2_location``, ``2_market``, ``3``, ``outside_scopes``, ``memo_non_kyoto``."""
    s = scope.astype(str)
    return s.where(s != "2", "2_" + scope2_method.astype(str).replace("", "location"))


def _fsum_by(frame: pd.DataFrame, by: str, column: str = "tco2e") -> dict[str, float]:
    """Exactly rounded sum of ``column`` per value of ``by`` (small frames)."""
    if frame.empty:
        return {}
    return {str(k): math.fsum(g[column].to_numpy()) for k, g in frame.groupby(by, sort=True, observed=True)}


FINE_KEYS = ("scope_key", "category", "gas", "entity", "period")


def _codes(values: pd.Series) -> tuple[npt.NDArray[np.integer], npt.NDArray[np.object_]]:
    """(codes, texts) of a text column: a categorical's own codes when it has no missing value."""
    array = values.array
    if isinstance(array, pd.Categorical) and not (array.codes < 0).any():
        return array.codes, np.asarray(array.categories, dtype=object)
    return codes_of(values)


def fine_groups(results: pd.DataFrame, column: str = "tco2e") -> pd.DataFrame:
    """Exactly rounded sums (``math.fsum``) per (scope_key, category, gas, entity, period).

    Grouping uses integer codes and one stable counting sort, so a million rows cost a small
    fraction of a second; every coarser total is then an exact sum of these groups (it
    reconciles with its parts). Groups are listed in order of first appearance.
    """
    if results.empty:
        return pd.DataFrame(columns=[*FINE_KEYS, column])
    coded = [_codes(results[key]) for key in FINE_KEYS]
    space = int(np.prod([max(len(values), 1) for _, values in coded], dtype=np.float64))
    codes: npt.NDArray[np.signedinteger[Any]] = np.zeros(
        len(results), dtype=np.int32 if space < 2**31 else np.int64
    )
    decode: list[tuple[npt.NDArray[np.object_], int]] = []
    for key_codes, key_values in coded:
        width = max(len(key_values), 1)
        np.multiply(codes, width, out=codes)
        np.add(codes, key_codes, out=codes, casting="unsafe")
        decode.append((key_values, width))
    group, distinct = pd.factorize(codes)
    n_groups = len(distinct)
    # numpy's stable sort of 16-bit integers is a radix sort (linear); larger ids use the default
    order = np.argsort(group.astype(np.int16) if n_groups < 2**15 else group, kind="stable")
    ordered: Any = np.ascontiguousarray(results[column].to_numpy(dtype=np.float64)[order])
    values = memoryview(ordered)
    ends = np.cumsum(np.bincount(group, minlength=n_groups)).tolist()
    starts = [0, *ends[:-1]]
    sums = [math.fsum(values[a:b]) for a, b in zip(starts, ends, strict=True)]  # C doubles, no objects
    labels: dict[str, list[str]] = {}
    remainder = np.asarray(distinct, dtype=np.int64)
    for key, (key_values, width) in zip(reversed(FINE_KEYS), reversed(decode), strict=True):
        labels[key] = [str(v) for v in key_values[remainder % width]]
        remainder = remainder // width
    return pd.DataFrame({**{k: labels[k] for k in FINE_KEYS}, column: sums})


@dataclass
class InventoryResult:
    """Validated records, the long result table, problems and run metadata."""

    records: pd.DataFrame
    results: pd.DataFrame
    problems: list[Problem]
    rows_read: int
    rows_rejected: list[int]
    gwp: str
    reporting_year: int | None
    factor_sets: list[str]
    manifests: list[Manifest]
    source: str
    instruments: pd.DataFrame | None = None
    instrument_rows_read: int = 0
    instrument_rows_rejected: list[int] = field(default_factory=list)
    scope3_inputs: Any = (
        None  # carbonledger.inventory.scope3.inputs.Scope3Inputs (rates, deflators, footprints)
    )

    # -- accounting ------------------------------------------------------------------------
    @property
    def rows_computed(self) -> int:
        return self.rows_read - len(self.rows_rejected)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def complete(self) -> bool:
        """True when every row read was computed (no errors)."""
        return not self.errors

    def check_accounting(self) -> None:
        """rows read = rows computed + rows rejected, and every rejected row has an error."""
        assert self.rows_computed + len(self.rows_rejected) == self.rows_read
        error_rows = {p.row for p in self.errors if p.row is not None}
        missing = set(self.rows_rejected) - error_rows
        assert not missing, f"rows rejected without a reported error: {sorted(missing)[:10]}"

    # -- totals ----------------------------------------------------------------------------
    def fine_totals(self) -> pd.DataFrame:
        """Exact sums per (scope_key, category, gas, entity, period), computed once."""
        cached = self.__dict__.get("_fine_totals")
        if cached is None:
            cached = fine_groups(self.results)
            self.__dict__["_fine_totals"] = cached
        return cached

    def totals(self) -> dict[str, Any]:
        r = self.results
        fine = self.fine_totals()
        in_location = fine[fine["scope_key"].isin(_IN_LOCATION_TOTAL)]
        in_market = fine[fine["scope_key"].isin(_IN_MARKET_TOTAL)]
        by_scope = _fsum_by(fine, "scope_key")
        for key in ("1", "2_location", "2_market", "3"):
            by_scope.setdefault(key, 0.0)
        return {
            "tco2e": math.fsum(in_location["tco2e"].to_numpy()),
            "tco2e_market_based": math.fsum(in_market["tco2e"].to_numpy()),
            "gwp": self.gwp,
            "by_scope": by_scope,
            "by_gas": _fsum_by(in_location, "gas"),
            "by_category": _fsum_by(
                in_location.assign(cat=in_location["scope_key"] + ":" + in_location["category"]), "cat"
            ),
            "by_entity": _fsum_by(in_location, "entity"),
            "by_period": _fsum_by(in_location, "period"),
            "biogenic_co2_t": by_scope.get("outside_scopes", 0.0),
            "memo_non_kyoto_tco2e": by_scope.get("memo_non_kyoto", 0.0),
            **scope3_totals(r),  # by_method, scope3_data_quality (carbonledger.inventory.scope3)
        }

    def summary_table(self, by: str) -> pd.DataFrame:
        """Totals by ``by`` (e.g. 'entity', 'gas', 'category') for each scope key."""
        r = self.results
        if r.empty:
            return pd.DataFrame(columns=[by, "scope_key", "tco2e"])
        grouped = r.groupby([by, "scope_key"], observed=True, sort=True)["tco2e"].agg(
            lambda s: math.fsum(s.to_numpy())
        )
        return grouped.reset_index()

    # -- output ----------------------------------------------------------------------------
    def record_summary(self) -> pd.DataFrame:
        """One row per computed record: location/market tCO2e and its main factor."""
        r = self.results
        if r.empty:
            return pd.DataFrame()
        loc = r[r["scope_key"] != "2_market"]
        mkt = r[r["scope_key"] == "2_market"]
        agg = loc.groupby("record_pos", sort=True).agg(
            record_id=("record_id", "first"),
            scope=("scope", "first"),
            category=("category", "first"),
            tco2e=("tco2e", lambda s: math.fsum(s.to_numpy())),
        )
        agg["tco2e_market"] = mkt.groupby("record_pos")["tco2e"].agg(lambda s: math.fsum(s.to_numpy()))
        return agg

    def to_json(self, *, include_records: bool = True) -> dict[str, Any]:
        """The JSON contract of ``carbonledger inventory --format json``."""
        out: dict[str, Any] = {"totals": self.totals()}
        if include_records:
            out["records"] = self._json_records()
        out["scope3"] = scope3_summary(self.results, self.scope3_inputs)
        out["problems"] = [p.to_dict() for p in self.problems]
        out["meta"] = {
            "source": self.source,
            "reporting_year": self.reporting_year,
            "gwp": self.gwp,
            "factor_sets": self.factor_sets,
            "factor_set_citations": [
                {
                    "set": m.full_id,
                    "title": m.title,
                    "publisher": m.publisher,
                    "licence": m.licence,
                    "url": m.source_url,
                    "gwp_basis": m.gwp_basis,
                    "confidence": m.confidence,
                    "flags": m.flags,
                }
                for m in self.manifests
            ],
            "rows_read": self.rows_read,
            "rows_computed": self.rows_computed,
            "rows_rejected": len(self.rows_rejected),
            "complete": self.complete,
            "headline_total": "tco2e = Scope 1 + Scope 2 location-based + Scope 3; tco2e_market_based uses "
            "Scope 2 market-based",
        }
        return out

    def _json_records(self) -> list[dict[str, Any]]:
        r = self.results
        if r.empty:
            return []
        records: list[dict[str, Any]] = []
        for pos, group in r.groupby("record_pos", sort=True):
            loc = group[group["scope_key"] != "2_market"]
            mkt = group[group["scope_key"] == "2_market"]
            first = (loc if len(loc) else group).iloc[0]
            entry: dict[str, Any] = {
                "record_id": first["record_id"],
                "row": int(first["row"]),
                "scope": str(first["scope"]),
                "category": str(first["category"]),
                "tco2e": math.fsum(loc["tco2e"].to_numpy()),
                "gases": {
                    str(g): math.fsum(v["tco2e"].to_numpy()) for g, v in loc.groupby("gas", observed=True)
                },
                "method": str(first["method"]),
                "factor": {
                    "id": first["factor_id"],
                    "set": first["factor_set"],
                    "edition": first["factor_edition"],
                    "full_id": first["factor_full_id"],
                    "value": _num(first["factor_value"]),
                    "unit": first["factor_unit"],
                    "gwp_basis": first["factor_gwp_basis"],
                },
                "gwp": self.gwp,
                "flags": sorted({f for v in group["flags"].astype(str) for f in v.split("|") if f}),
                "lineage": str(first["lineage"]),
            }
            if "s3_method" in group.columns and str(first["s3_method"]):
                entry["scope3"] = scope3_record(first)  # method, data type, data-quality scores
            if len(mkt):
                entry["tco2e_market"] = math.fsum(mkt["tco2e"].to_numpy())
                entry["market_factors"] = [
                    {
                        "method": str(m["method"]),
                        "id": m["factor_id"],
                        "set": m["factor_set"],
                        "tco2e": float(m["tco2e"]),
                    }
                    for _, m in mkt.iterrows()
                ]
            records.append(entry)
            del pos
        return records

    def labelled(self) -> pd.DataFrame:
        """Results with GHG Protocol and ISO 14064-1 labels (for reports)."""
        r = self.results.copy()
        pairs = r[["scope", "category"]].astype(str).drop_duplicates()
        labels = {(s, c): category_info(s, c) for s, c in pairs.itertuples(index=False)}
        keys = list(zip(r["scope"].astype(str), r["category"].astype(str), strict=True))
        r["ghg_protocol_category"] = [labels[k].ghg_protocol_label for k in keys]
        r["iso_14064_category"] = [labels[k].iso_category for k in keys]
        r["iso_14064_label"] = [labels[k].iso_label for k in keys]
        return r


def _num(value: object) -> float | None:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f
