"""Fast text columns: (integer codes, distinct values) ↔ pandas ``str`` columns.

Inventory tables carry many text columns whose values repeat (activity keys, units, factor ids,
lineage). Work is done once per distinct value and the column is materialised with a pyarrow
dictionary cast (about 25 ms per million rows), instead of building or hashing a million Python
strings. The resulting columns are ordinary pandas ``str`` columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

__all__ = ["categorical", "codes_of", "combined_codes", "from_codes", "map_strings", "take_strings", "text_or_empty"]


def from_codes(
    codes: npt.NDArray[np.integer],
    categories: Sequence[object] | npt.NDArray[np.object_],
    index: pd.Index | None = None,
) -> pd.Series:
    """A ``str`` Series whose row i is ``categories[codes[i]]`` (code -1 → missing)."""
    values = pa.array([None if c is None else str(c) for c in categories], type=pa.large_string())
    codes32 = np.asarray(codes, dtype=np.int32)
    mask = codes32 < 0
    indices = pa.array(codes32, mask=mask if mask.any() else None)
    array = pa.DictionaryArray.from_arrays(indices, values).cast(pa.large_string())
    return pd.Series(pd.array(array, dtype="str"), index=index)


def codes_of(
    values: pd.Series | pd.Categorical | npt.NDArray[np.object_],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    """(codes, distinct values) of a column; missing values become the category ``""``."""
    if isinstance(values, pd.Categorical):
        codes = values.codes.astype(np.int64)
        cats = np.asarray(values.categories, dtype=object)
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        cats = np.asarray(uniques, dtype=object)
    if (codes < 0).any():
        cats = np.append(cats, "")
        codes = np.where(codes < 0, len(cats) - 1, codes)
    return codes.astype(np.int64), cats


def map_strings(series: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """Apply ``func`` once per distinct value of a text column."""
    codes, cats = codes_of(series)
    mapped = np.array([func(str(c)) for c in cats], dtype=object)
    new_codes, new_cats = pd.factorize(mapped)
    return from_codes(new_codes[codes], new_cats, index=series.index)


def take_strings(series: pd.Series, positions: npt.NDArray[np.integer]) -> pd.Series:
    """Rows of a text column by position, without materialising Python strings."""
    return pd.Series(series.array.take(np.asarray(positions, dtype=np.int64)), index=None)


def categorical(codes: npt.NDArray[np.integer], categories: Iterable[object]) -> pd.Categorical:
    """``pd.Categorical`` from codes and (object) categories — the one place that builds them."""
    index: Any = pd.Index(list(categories), dtype=object)
    result: pd.Categorical = pd.Categorical.from_codes(np.asarray(codes), categories=index)
    return result


def _distinct_codes(array: object) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    """(codes, distinct values) of one array without converting numbers or categoricals to
    Python objects; a missing value is a distinct value of its own (``None``)."""
    values = array.array if isinstance(array, pd.Series) else array
    if isinstance(values, pd.Categorical):
        codes = values.codes.astype(np.int64)
        uniques = np.asarray(values.categories, dtype=object)
        if (codes < 0).any():
            uniques = np.concatenate([uniques, np.array([None], dtype=object)])
            codes = np.where(codes < 0, len(uniques) - 1, codes)
        return codes, uniques
    raw = np.asarray(values)
    found, distinct = pd.factorize(raw, use_na_sentinel=False)
    return found.astype(np.int64), np.asarray(distinct, dtype=object)


def combined_codes(*arrays: object) -> tuple[npt.NDArray[np.int64], list[tuple[object, ...]]]:
    """Integer codes of the distinct tuples across ``arrays`` and those tuples (first-seen order),
    computed from per-array codes (no per-row tuples or per-row Python objects)."""
    n = len(np.asarray(arrays[0].codes if isinstance(arrays[0], pd.Categorical) else arrays[0])) if arrays else 0
    key = np.zeros(n, dtype=np.int64)
    uniques_per: list[npt.NDArray[np.object_]] = []
    codes_per: list[npt.NDArray[np.int64]] = []
    for array in arrays:
        codes, uniques = _distinct_codes(array)
        codes_per.append(codes)
        uniques_per.append(uniques)
        key = pd.factorize(key * max(len(uniques), 1) + codes)[0].astype(np.int64)
    first = np.flatnonzero(~pd.Index(key).duplicated())
    tuples = [tuple(u[c[i]] for u, c in zip(uniques_per, codes_per, strict=True)) for i in first]
    return key, tuples


def text_or_empty(value: object) -> str:
    """A distinct value as text: ``""`` for a missing one (None or NaN)."""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
