"""The long result-row format every inventory method returns.

One row per (record, gas[, instrument]) with the amount and full lineage. ``record_pos``
indexes the validated records; the engine joins record attributes (id, entity, period …)
and assigns scope/category at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger.errors import Problem

__all__ = ["RESULT_COLUMNS", "MethodOutput", "fmt", "rows"]

RESULT_COLUMNS: tuple[str, ...] = (
    "record_pos",
    "gas",
    "mass_kg",
    "co2e_kg",
    "scope2_method",
    "method",
    "factor_full_id",
    "factor_set",
    "factor_edition",
    "factor_id",
    "factor_value",
    "factor_unit",
    "factor_gwp_basis",
    "parameters",
    "lineage",
    "flags",
    # Scope 3 method and data quality (carbonledger.inventory.scope3); empty for Scopes 1-2
    "s3_method",
    "data_type",
    "dqi_technological",
    "dqi_temporal",
    "dqi_geographical",
    "dqi_completeness",
    "dqi_reliability",
    "dqi_score",
)

_FLOAT = {
    "mass_kg",
    "co2e_kg",
    "factor_value",
    "dqi_technological",
    "dqi_temporal",
    "dqi_geographical",
    "dqi_completeness",
    "dqi_reliability",
    "dqi_score",
}


@dataclass
class MethodOutput:
    """Rows computed by a method, the positions of records it rejected, and problems."""

    rows: pd.DataFrame
    rejected: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    problems: list[Problem] = field(default_factory=list)


def rows(record_pos: npt.NDArray[np.int64], **columns: Any) -> pd.DataFrame:
    """A result frame with every standard column (scalars broadcast; missing → empty)."""
    n = len(record_pos)
    data: dict[str, Any] = {"record_pos": np.asarray(record_pos, dtype=np.int64)}
    for name in RESULT_COLUMNS[1:]:
        value = columns.get(name)
        if value is None:
            value = np.full(n, np.nan) if name in _FLOAT else ""
        if np.isscalar(value) or isinstance(value, str):
            value = np.full(n, value, dtype=np.float64 if name in _FLOAT else object)
        data[name] = value
    unknown = set(columns) - set(RESULT_COLUMNS)
    if unknown:
        raise ValueError(f"unknown result columns {sorted(unknown)}")
    return pd.DataFrame(data)


def empty_rows() -> pd.DataFrame:
    return rows(np.zeros(0, dtype=np.int64))


def fmt(values: object) -> npt.NDArray[np.object_]:
    """Numbers as short text for lineage (``12.5``, ``0.0153``); NaN → ``""``."""
    array = np.asarray(values, dtype=np.float64)
    return np.array(["" if np.isnan(v) else f"{v:.6g}" for v in array], dtype=object)


def _at(frame: pd.DataFrame, column: str, position: int | np.integer) -> Any:
    """One cell by position, for building a problem message (O(1); never inside a hot loop)."""
    return frame[column].iloc[int(position)]
