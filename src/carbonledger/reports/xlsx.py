"""Shared openpyxl helpers for every report: safe text, tables, deterministic files.

* :func:`safe_value` writes text that a spreadsheet could read as a formula (starting
  with ``= + - @``, or a tab/CR) as text, so an activity name such as ``=HYPERLINK(...)``
  from an input file never becomes a live formula in a report (CWE-1236).
* :func:`write_table` writes a DataFrame with a styled header, frozen panes, widths and
  number formats.
* :func:`save_deterministic` fixes the workbook's document properties and the zip
  entries' timestamps, so the same inputs give byte-identical files.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "FIXED_TIMESTAMP",
    "HEADER_FILL",
    "safe_value",
    "save_deterministic",
    "write_key_values",
    "write_table",
]

FIXED_TIMESTAMP = datetime(2000, 1, 1, 0, 0, 0)
HEADER_FILL = PatternFill("solid", start_color="FF1F4E79", end_color="FF1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFFFF")
TITLE_FONT = Font(bold=True, size=14)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def safe_value(value: Any) -> Any:
    """A value safe to put in a cell: formula-like text is kept as text, NaN → empty,
    numpy scalars → Python numbers."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, date, datetime, bool)):
        return value
    return str(value)


def _set(cell: Cell, value: Any) -> None:
    value = safe_value(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"  # keep as a string even though it looks like a formula
        cell.quotePrefix = True


def write_key_values(
    sheet: Worksheet, rows: Iterable[Sequence[Any]], start_row: int = 1, start_col: int = 1
) -> int:
    """Write label/value rows; returns the next free row."""
    r = start_row
    for row in rows:
        for offset, value in enumerate(row):
            _set(sheet.cell(row=r, column=start_col + offset), value)
        r += 1
    return r


def write_table(
    sheet: Worksheet,
    frame: pd.DataFrame,
    start_row: int = 1,
    start_col: int = 1,
    *,
    number_formats: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    freeze: bool = True,
    widths: Mapping[str, float] | None = None,
) -> int:
    """Write a DataFrame as a table with a header row. Returns the next free row.

    ``headers`` renames columns for display (e.g. bilingual labels); ``number_formats``
    maps column names to Excel formats such as ``'#,##0.000'``.
    """
    number_formats = number_formats or {}
    headers = headers or {}
    columns = list(frame.columns)
    for j, column in enumerate(columns):
        cell = sheet.cell(row=start_row, column=start_col + j)
        _set(cell, headers.get(str(column), str(column)))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    values = frame.to_numpy(dtype=object)
    for i in range(values.shape[0]):
        for j, column in enumerate(columns):
            cell = sheet.cell(row=start_row + 1 + i, column=start_col + j)
            _set(cell, values[i, j])
            fmt = number_formats.get(str(column))
            if fmt:
                cell.number_format = fmt
    for j, column in enumerate(columns):
        letter = get_column_letter(start_col + j)
        if widths and str(column) in widths:
            sheet.column_dimensions[letter].width = widths[str(column)]
        else:
            label = headers.get(str(column), str(column))
            sample = [len(str(v)) for v in values[:200, j]] if values.shape[0] else [0]
            sheet.column_dimensions[letter].width = float(min(60, max(10, len(label) + 2, *sample)))
    if freeze and start_row == 1 and start_col == 1:
        sheet.freeze_panes = sheet.cell(row=2, column=1)
    return start_row + 1 + values.shape[0]


def save_deterministic(workbook: Workbook, path: str | Path) -> Path:
    """Save so that the same content gives the same bytes.

    openpyxl stamps the document properties with the current time, and zip entries carry
    the time they were written; both are fixed here.
    """
    workbook.properties.created = FIXED_TIMESTAMP
    workbook.properties.modified = FIXED_TIMESTAMP
    workbook.properties.lastModifiedBy = "carbonledger"
    workbook.properties.creator = "carbonledger"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps 'modified' at save time
                data = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)
    target.write_bytes(out.getvalue())
    return target
