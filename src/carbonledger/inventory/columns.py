"""Typed columns from raw input cells, computed once per distinct value.

Shared by every validator of the inventory (the activity table, the Scope 3 columns): text
columns are trimmed per distinct value and returned as pandas categoricals (integer codes into
the distinct texts, categories in order of first appearance, ``""`` for an empty cell); numbers
are parsed with pyarrow when the column is plain numeric text, otherwise once per distinct text.
A column the input does not have costs nothing per row: text is one category ``""``, numbers
are NaN.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger._strings import categorical, codes_of
from carbonledger.io.tables import _cell_text

__all__ = ["arrow_floats", "cell", "constant", "first_seen", "id_text", "map_text", "numbers", "text"]


def cell(value: object) -> str:
    """A cell as trimmed text ("" for missing); numbers as they would be typed (1, 2.5)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, str):
        return value.strip()
    return _cell_text(value)


def constant(n: int, value: str = "", index: pd.Index | None = None) -> pd.Series:
    """A text column holding one value (one byte per row)."""
    return pd.Series(categorical(np.zeros(n, dtype=np.int8), [value]), index=index)


def first_seen(
    codes: npt.NDArray[np.integer], values: npt.NDArray[np.object_], *, ordered: bool = False
) -> pd.Categorical:
    """Categorical of ``values[codes]`` with only the values that occur, in order of first
    appearance (how ``pd.factorize`` numbers a text column).

    ``ordered``: the codes are themselves numbered by first appearance and every value occurs
    (as ``pd.factorize`` returns them); then equal values are merged without a pass over the rows.
    """
    if ordered:
        merged, texts = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
        if len(texts) == len(values):
            return categorical(codes, texts)
        return categorical(merged[codes], texts)
    new_codes, used = pd.factorize(np.asarray(codes))
    texts = np.asarray(values, dtype=object)[used]
    if len(pd.unique(texts)) != len(texts):  # values repeat: merge equal texts
        merged, texts = pd.factorize(texts)
        new_codes = merged[new_codes]
    return categorical(new_codes, texts)


def text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column, trimmed once per distinct value (a categorical; see the module docstring)."""
    n = len(frame)
    if column not in frame.columns:
        return constant(n, index=frame.index)
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    cleaned = np.array([cell(u) for u in uniques] + [""], dtype=object)
    if len(codes) and codes.min() >= 0:  # no missing cell: factorize's codes are first seen first
        return pd.Series(first_seen(codes, cleaned[:-1], ordered=True), index=frame.index, copy=False)
    per_row = np.where(codes < 0, len(cleaned) - 1, codes)
    return pd.Series(first_seen(per_row, cleaned), index=frame.index, copy=False)


def id_text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A high-cardinality text column (record ids, descriptions) as trimmed strings (Arrow-backed
    when the input is), without building a categorical over a million distinct values."""
    if column not in frame.columns:
        return constant(len(frame), index=frame.index)
    col = frame[column]
    if not pd.api.types.is_string_dtype(col) or col.isna().any():
        col = col.map(cell).astype("str")
    return col.str.strip()


def map_text(series: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """Apply ``func`` once per distinct value of a text column (a categorical)."""
    codes, cats = codes_of(series)  # numbered by first appearance, every value used
    mapped = np.array([func(str(c)) for c in cats], dtype=object)
    return pd.Series(first_seen(codes, mapped, ordered=True), index=series.index, copy=False)


def arrow_floats(col: pd.Series) -> npt.NDArray[np.float64] | None:
    """Fast string → float64 with pyarrow; None when some text is not a plain number."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        array = (
            pa.array(col.to_numpy(dtype=object), type=pa.string())
            if not hasattr(col.array, "_pa_array")
            else col.array._pa_array
        )
        trimmed = pc.utf8_trim_whitespace(array)
        as_null = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
        values = pc.cast(as_null, pa.float64())
        return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
    except Exception:  # ArrowInvalid for text that is not a number; fall back to pandas
        return None


class _Absent:
    """A read-only all-NaN column and an all-False mask of one length, shared by every absent
    numeric column (writing into them raises instead of changing another column)."""

    def __init__(self, n: int) -> None:
        self.nan = np.full(n, np.nan)
        self.nan.flags.writeable = False
        self.flags = np.zeros(n, dtype=bool)
        self.flags.flags.writeable = False


_ABSENT: dict[int, _Absent] = {}


def _absent(n: int) -> _Absent:
    if n not in _ABSENT:
        _ABSENT.clear()  # one length at a time (the table being validated)
        _ABSENT[n] = _Absent(n)
    return _ABSENT[n]


def numbers(
    frame: pd.DataFrame, column: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(values, present, non_numeric) for a numeric column (text or numbers)."""
    n = len(frame)
    if column not in frame.columns:
        nothing = _absent(n)
        return nothing.nan, nothing.flags, nothing.flags
    col = frame[column]
    if pd.api.types.is_numeric_dtype(col):
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        present = ~np.isnan(values)
        return values, present, np.zeros(len(col), dtype=bool)
    if pd.api.types.is_string_dtype(col) and not col.isna().any():
        fast = arrow_floats(col)
        if fast is not None:
            present = ~np.isnan(fast)
            return fast, present, np.zeros(n, dtype=bool)
    # slow path, once per distinct text: thousands separators, text that is not a number
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    texts = pd.Series([cell(u).replace(",", "") for u in uniques] + [""], dtype=object)
    numbers = pd.to_numeric(texts.where(texts != ""), errors="coerce").to_numpy(dtype=np.float64)
    idx = np.where(codes < 0, len(texts) - 1, codes)
    present = (texts != "").to_numpy()[idx]
    values = numbers[idx]
    return values, present, present & np.isnan(values)
