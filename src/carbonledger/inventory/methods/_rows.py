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

from carbonledger._strings import categorical
from carbonledger.errors import Problem

__all__ = ["RESULT_COLUMNS", "MethodOutput", "concat_rows", "fmt", "rows"]

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


_SCOPE3_ONLY = {
    "s3_method",
    "data_type",
    "dqi_technological",
    "dqi_temporal",
    "dqi_geographical",
    "dqi_completeness",
    "dqi_reliability",
    "dqi_score",
}
"""Columns a method frame may leave out (filled, NaN or empty, when frames are concatenated)."""


@dataclass
class MethodOutput:
    """Rows computed by a method, the positions of records it rejected, and problems."""

    rows: pd.DataFrame
    rejected: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    problems: list[Problem] = field(default_factory=list)


def rows(record_pos: npt.NDArray[np.int64], **columns: Any) -> pd.DataFrame:
    """A result frame with the standard columns (scalars broadcast; missing → empty). The Scope 3
    columns are left out unless given: :func:`concat_rows` fills them (NaN, empty text)."""
    n = len(record_pos)
    data: dict[str, Any] = {"record_pos": np.asarray(record_pos, dtype=np.int64)}
    for name in RESULT_COLUMNS[1:]:
        value = columns.get(name)
        if value is None:
            if name in _SCOPE3_ONLY and n:
                continue
            value = np.full(n, np.nan) if name in _FLOAT else ""
        if np.isscalar(value) or isinstance(value, str):
            if name in _FLOAT:
                value = np.full(n, value, dtype=np.float64)
            else:  # a constant text column costs one dictionary entry
                value = categorical(np.zeros(n, dtype=np.int8), categories=[value])
        data[name] = value.array if isinstance(value, pd.Series) else value
    unknown = set(columns) - set(RESULT_COLUMNS)
    if unknown:
        raise ValueError(f"unknown result columns {sorted(unknown)}")
    return pd.DataFrame(data, copy=False)


def empty_rows() -> pd.DataFrame:
    return rows(np.zeros(0, dtype=np.int64))


def fmt(values: object) -> npt.NDArray[np.object_]:
    """Numbers as short text for lineage (``12.5``, ``0.0153``); NaN → ``""``."""
    array = np.asarray(values, dtype=np.float64)
    return np.array(["" if np.isnan(v) else f"{v:.6g}" for v in array], dtype=object)


def _at(frame: pd.DataFrame, column: str, position: int | np.integer) -> Any:
    """One cell by position, for building a problem message (O(1); never inside a hot loop)."""
    return frame[column].iloc[int(position)]


def as_categorical(values: object) -> pd.Categorical:
    """A text column as a categorical (factorised once when it is not one already)."""
    array = values.array if isinstance(values, pd.Series) else values
    if isinstance(array, pd.Categorical):
        if array.categories.dtype == object:
            return array
        # one category dtype everywhere (object), so categoricals always union
        return categorical(array.codes, pd.Index(list(array.categories), dtype=object))
    codes, cats = pd.factorize(np.asarray(array, dtype=object), use_na_sentinel=True)
    return categorical(codes, pd.Index(list(cats), dtype=object))


def concat_rows(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate result frames column by column: numbers with numpy, text as categoricals with
    the union of their categories (``pd.concat`` would fall back to Python objects)."""
    from pandas.api.types import union_categoricals

    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_rows()
    present: list[str] = []
    for part in parts:
        present += [c for c in part.columns if c not in present]
    columns = [c for c in RESULT_COLUMNS if c in present] + [c for c in present if c not in RESULT_COLUMNS]
    sizes = [len(p) for p in parts]
    total = sum(sizes)
    data: dict[str, Any] = {}
    for column in columns:
        given = [p[column] for p in parts if column in p.columns]
        numeric = all(
            pd.api.types.is_numeric_dtype(x) and not isinstance(x.dtype, pd.CategoricalDtype) for x in given
        )
        if numeric:
            if len(given) == len(parts):
                data[column] = np.concatenate([x.to_numpy() for x in given])
                continue
            values = np.full(total, np.nan)  # a column some frames left out: NaN there
            offset = 0
            for p, size in zip(parts, sizes, strict=True):
                if column in p.columns:
                    values[offset : offset + size] = p[column].to_numpy()
                offset += size
            data[column] = values
            continue
        cats = []
        for p in parts:
            if column not in p.columns:  # a column a frame left out: empty text
                cats.append(categorical(np.zeros(len(p), dtype=np.int8), [""]))
                continue
            x = p[column]
            cats.append(
                as_categorical(
                    x.astype(object).where(x.notna(), "")
                    if not isinstance(x.dtype, pd.CategoricalDtype)
                    else x
                )
            )
        data[column] = union_categoricals(cats, ignore_order=True)
    return pd.DataFrame(data, copy=False)


def complete(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every standard column (a left-out Scope 3 column: NaN or empty text)."""
    missing = [c for c in RESULT_COLUMNS if c not in frame.columns]
    if not missing:
        return frame
    n = len(frame)
    extra = {
        c: np.full(n, np.nan) if c in _FLOAT else categorical(np.zeros(n, dtype=np.int8), [""]) for c in missing
    }
    return frame.assign(**extra)


def retext(values: object, func: Any) -> pd.Categorical:
    """Apply ``func`` to a text column once per category (e.g. append a flag, prefix lineage)."""
    cat = as_categorical(values)
    mapped = np.array([func("" if c is None else str(c)) for c in cat.categories], dtype=object)
    codes, cats = pd.factorize(mapped)
    new_codes = np.where(cat.codes < 0, -1, codes[np.maximum(cat.codes, 0)])
    return categorical(new_codes, pd.Index(list(cats), dtype=object))


def with_flag(values: object, flag: str) -> pd.Categorical:
    """Append ``flag`` to a ``|``-separated flag column."""
    return retext(values, lambda text: "|".join(x for x in (*text.split("|"), flag) if x))
