"""Scope 3 totals for JSON and reports: by category, by method, data quality, primary share.

All sums are :func:`math.fsum` over result rows (Scope 3 rows only), so they reconcile with
``by_scope["3"]``. Data-quality figures are emission-weighted (see
:func:`carbonledger.inventory.scope3.dqi.aggregate_dqi`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from carbonledger.inventory.scope3.categories import CATEGORIES
from carbonledger.inventory.scope3.dqi import aggregate_dqi

__all__ = ["inputs_tables", "scope3_record", "scope3_rows", "scope3_summary", "scope3_totals"]


def scope3_rows(results: pd.DataFrame) -> pd.DataFrame:
    """The Scope 3 result rows (scope key ``3``)."""
    if results.empty or "scope_key" not in results.columns:
        return results.iloc[0:0]
    return results[(results["scope_key"] == "3").to_numpy()]


def _fsum_by(frame: pd.DataFrame, by: str) -> dict[str, float]:
    if frame.empty:
        return {}
    return {str(k): math.fsum(g["tco2e"].to_numpy()) for k, g in frame.groupby(by, sort=True, observed=True)}


def scope3_totals(results: pd.DataFrame) -> dict[str, Any]:
    """``by_method`` (Scope 3 tCO2e per method) and ``scope3_data_quality`` for ``totals()``."""
    r = scope3_rows(results)
    overall = aggregate_dqi(r) if len(r) and "data_type" in r.columns else []
    quality = overall[0] if overall else {}
    return {
        "by_method": _fsum_by(r.assign(s3_method=r["s3_method"].replace("", "unspecified")), "s3_method")
        if len(r) and "s3_method" in r.columns
        else {},
        "scope3_data_quality": {k: v for k, v in quality.items() if k != "key"},
    }


def inputs_tables(inputs: Any) -> dict[str, list[dict[str, Any]]]:
    """The user's rate and deflator rows (with source and date) as cited by the lineage."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name in ("exchange_rates", "deflators"):
        frame = getattr(inputs, name, None) if inputs is not None else None
        if frame is not None and len(frame):
            out[name] = [
                {str(k): (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                for row in frame.to_dict(orient="records")
            ]
    return out


def scope3_summary(results: pd.DataFrame, inputs: Any = None) -> dict[str, Any]:
    """The ``scope3`` block of the JSON output: categories with labels, methods, DQI, inputs."""
    r = scope3_rows(results)
    if r.empty or "s3_method" not in r.columns:
        return {
            "tco2e": 0.0,
            "by_category": [],
            "by_method": [],
            "data_quality": {},
            "inputs": inputs_tables(inputs),
        }
    r = r.assign(category=r["category"].astype(str), s3_method=r["s3_method"].replace("", "unspecified"))
    by_cat = []
    for entry in aggregate_dqi(r, "category"):
        cat = CATEGORIES.get(entry["key"])
        by_cat.append(
            {
                "category": entry["key"],
                "name": cat.name if cat else entry["key"],
                "direction": cat.direction if cat else "",
                **{k: v for k, v in entry.items() if k != "key"},
            }
        )
    by_cat.sort(key=lambda e: int(e["category"]) if e["category"].isdigit() else 99)
    by_method = [
        {"method": e["key"], **{k: v for k, v in e.items() if k != "key"}}
        for e in aggregate_dqi(r, "s3_method")
    ]
    overall = aggregate_dqi(r)
    return {
        "tco2e": math.fsum(r["tco2e"].to_numpy()),
        "by_category": by_cat,
        "by_method": by_method,
        "data_quality": {k: v for k, v in overall[0].items() if k != "key"} if overall else {},
        "inputs": inputs_tables(inputs),
        "dqi_scale": "1 = very good … 5 = very poor (GHG Protocol Scope 3 Standard Table 7.6 indicators; "
        "pedigree-matrix scoring); emission-weighted means",
    }


def scope3_record(row: pd.Series) -> dict[str, Any]:
    """The Scope 3 part of one JSON record: method, data type and data-quality scores."""
    out: dict[str, Any] = {"method": str(row["s3_method"]), "data_type": str(row["data_type"])}
    for name in ("technological", "temporal", "geographical", "completeness", "reliability", "score"):
        value = float(row[f"dqi_{name}"])
        out[f"dqi_{name}"] = None if math.isnan(value) else value
    return out
