"""Read a facility's ETS data: the bilingual template, or an inventory activity table.

* **Template** (``templates/china_ets_<sector>.xlsx``): sheets 基本信息 Info, 燃料 Fuels,
  过程 Process, 生产 Production, 电力热力 Energy, 配额 Allowance, 参数 Parameters (see
  :mod:`carbonledger.regimes.china_ets.layout`). Cells are read as entered: a formula is an
  error (carbonledger reads values, never evaluates), as in :mod:`carbonledger.io.tables`.
* **Activity table** (the inventory contract, CSV or XLSX): fuel rows with ``ncv``,
  ``carbon_content``, ``oxidation_factor`` where measured, process rows, purchased
  electricity/heat, and ``production/<product>`` rows for output.

Nothing is computed here: the reader types the cells and reports every problem with file,
sheet, row and field.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carbonledger.errors import Problem
from carbonledger.io.tables import read_table
from carbonledger.regimes.china_ets.layout import (
    ALLOWANCE_FIELDS,
    ENERGY_COLUMNS,
    FUEL_COLUMNS,
    INFO_FIELDS,
    PARAMETER_COLUMNS,
    PROCESS_COLUMNS,
    Column,
    SheetNames,
    production_columns,
)
from carbonledger.regimes.china_ets.parameters import EtsParameter, parse_override_rows

__all__ = ["FacilityData", "read_facility"]


@dataclass
class FacilityData:
    """Typed input of one facility-year (template or activity table)."""

    source: str
    mode: str  # "template" | "activity_table"
    info: dict[str, Any] = field(default_factory=dict)
    info_rows: dict[str, int] = field(default_factory=dict)
    fuels: pd.DataFrame = field(default_factory=pd.DataFrame)
    process: pd.DataFrame = field(default_factory=pd.DataFrame)
    production: pd.DataFrame = field(default_factory=pd.DataFrame)
    energy: pd.DataFrame = field(default_factory=pd.DataFrame)
    activities: pd.DataFrame = field(default_factory=pd.DataFrame)
    activity_sheet: str | None = None
    allowance: dict[str, Any] = field(default_factory=dict)
    parameter_rows: list[EtsParameter] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


_TEMPLATE_SHEETS = (SheetNames.FUELS, SheetNames.PRODUCTION)


def read_facility(path: str | Path, sector: str) -> FacilityData:
    """Read ``path`` (template workbook, or an activity table) for ``sector``."""
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm") and p.is_file() and zipfile.is_zipfile(p):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(p, data_only=False)
        except Exception as exc:  # openpyxl raises many types for a broken file
            return FacilityData(
                p.name,
                "template",
                problems=[Problem(f"not a readable Excel workbook: {exc}", file=p.name, accepted=".xlsx")],
            )
        names = set(workbook.sheetnames)
        if any(_find_sheet(names, s) for s in _TEMPLATE_SHEETS):
            return _read_template(workbook, p.name, sector)
    return _read_activity_table(p)


# -- template -----------------------------------------------------------------------------------------


def _find_sheet(names: set[str], wanted: str) -> str | None:
    if wanted in names:
        return wanted
    zh, en = wanted.split(" ", 1)
    for name in sorted(names):
        tokens = name.replace("_", " ").split()
        if zh in tokens or en.lower() in (t.lower() for t in tokens):
            return name
    return None


def _cell_value(cell: Any, problems: list[Problem], file: str, sheet: str, field_name: str) -> Any:
    value = cell.value
    if cell.data_type == "f":
        problems.append(
            Problem(
                "cell holds a formula; carbonledger reads entered values only",
                file=file,
                sheet=sheet,
                row=cell.row,
                field=field_name,
                value=str(value),
                accepted="the number itself (copy, paste as values)",
                code="formula",
            )
        )
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _read_key_values(
    workbook: Any, sheet_name: str, fields: tuple[Column, ...], file: str, problems: list[Problem]
) -> tuple[dict[str, Any], dict[str, int]]:
    sheet = workbook[sheet_name]
    by_key = {c.key: c for c in fields}
    by_zh = {c.zh: c for c in fields}
    values: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=1):
        if len(row) < 3:
            continue
        label_zh = str(row[0].value or "").strip()
        key = str(row[1].value or "").strip()
        column = by_key.get(key) or by_zh.get(label_zh)
        if column is None:
            continue
        value = _cell_value(row[2], problems, file, sheet_name, column.key)
        rows[column.key] = row[2].row
        if value is not None:
            values[column.key] = value
    return values, rows


def _read_table_sheet(
    workbook: Any, sheet_name: str, columns: tuple[Column, ...], file: str, problems: list[Problem]
) -> pd.DataFrame:
    """Rows of a two-header table sheet as raw values, with ``row`` (sheet row number)."""
    sheet = workbook[sheet_name]
    by_key = {c.key: c for c in columns}
    by_zh = {c.zh: c for c in columns}
    header_row = 0
    mapping: dict[int, str] = {}
    best = (0, 0)
    for r in range(1, min(3, sheet.max_row) + 1):
        found: dict[int, str] = {}
        exact = 0
        for cell in sheet[r]:
            text = str(cell.value or "").strip()
            column = by_key.get(text) or by_zh.get(text)
            if column is not None:
                found[cell.column] = column.key
                exact += text in by_key
        if len(found) >= 2 and (exact, len(found)) > best:
            best, header_row, mapping = (exact, len(found)), r, found
    if not mapping:
        problems.append(
            Problem(
                "no header row with the template's column keys found",
                file=file,
                sheet=sheet_name,
                row=1,
                accepted="the template's two header rows: Chinese labels, then keys such as "
                + ", ".join(c.key for c in columns[:5]),
                code="missing_header",
            )
        )
        return pd.DataFrame(columns=["row", *[c.key for c in columns]])
    missing = [c.key for c in columns if c.key not in mapping.values() and c.key in ("month",)]
    for key in missing:
        problems.append(
            Problem(
                f"column {key!r} is missing",
                file=file,
                sheet=sheet_name,
                row=header_row,
                field=key,
                accepted="the template's columns",
                code="missing_column",
            )
        )
    records: list[dict[str, Any]] = []
    for row in sheet.iter_rows(min_row=header_row + 1):
        record: dict[str, Any] = {}
        for cell in row:
            column_key = mapping.get(cell.column)
            if column_key is None:
                continue
            record[column_key] = _cell_value(cell, problems, file, sheet_name, column_key)
        if any(v is not None for v in record.values()):
            record["row"] = row[0].row
            records.append(record)
    frame = pd.DataFrame.from_records(records, columns=["row", *[c.key for c in columns]])
    return frame


def _read_template(workbook: Any, file: str, sector: str) -> FacilityData:
    problems: list[Problem] = []
    names = set(workbook.sheetnames)
    data = FacilityData(file, "template")
    info_sheet = _find_sheet(names, SheetNames.INFO)
    if info_sheet:
        data.info, data.info_rows = _read_key_values(workbook, info_sheet, INFO_FIELDS, file, problems)
    else:
        problems.append(
            Problem(f"sheet '{SheetNames.INFO}' is missing", file=file, accepted="the template's sheets")
        )
    tables: dict[str, tuple[str, tuple[Column, ...], bool]] = {
        "fuels": (SheetNames.FUELS, FUEL_COLUMNS, True),
        "process": (SheetNames.PROCESS, PROCESS_COLUMNS, False),
        "production": (SheetNames.PRODUCTION, production_columns(sector), True),
        "energy": (SheetNames.ENERGY, ENERGY_COLUMNS, False),
    }
    for attribute, (wanted, columns, required) in tables.items():
        sheet = _find_sheet(names, wanted)
        if sheet is None:
            if required:
                problems.append(
                    Problem(f"sheet '{wanted}' is missing", file=file, accepted="the template's sheets")
                )
            frame = pd.DataFrame(columns=["row", *[c.key for c in columns]])
            frame.attrs["sheet"] = wanted
        else:
            frame = _read_table_sheet(workbook, sheet, columns, file, problems)
            frame.attrs["sheet"] = sheet
        setattr(data, attribute, frame)
    allowance_sheet = _find_sheet(names, SheetNames.ALLOWANCE)
    if allowance_sheet:
        data.allowance, _ = _read_key_values(workbook, allowance_sheet, ALLOWANCE_FIELDS, file, problems)
        data.allowance["_sheet"] = allowance_sheet
    parameter_sheet = _find_sheet(names, SheetNames.PARAMETERS)
    if parameter_sheet:
        frame = _read_table_sheet(workbook, parameter_sheet, PARAMETER_COLUMNS, file, problems)
        rows, row_problems = parse_override_rows(
            [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")], file=file, sheet=parameter_sheet
        )
        data.parameter_rows = rows
        problems += row_problems
    data.problems = problems
    return data


# -- activity table -----------------------------------------------------------------------------------


def _read_activity_table(path: Path) -> FacilityData:
    raw = read_table(path)
    data = FacilityData(raw.source, "activity_table", activities=raw.frame, activity_sheet=raw.sheet)
    data.problems = [*raw.problems, *raw.formula_problems()]
    return data


# -- typing helpers used by the rules -----------------------------------------------------------------


def numbers(
    frame: pd.DataFrame, column: str, problems: list[Problem], file: str, *, sheet: str | None = None
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A numeric column (NaN = empty); non-numbers are reported and become NaN."""
    if column not in frame.columns or frame.empty:
        return np.full(len(frame), np.nan)
    out = np.full(len(frame), np.nan)
    for i, (value, row) in enumerate(zip(frame[column].to_numpy(dtype=object), frame["row"], strict=True)):
        if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
            continue
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
            out[i] = float(value)
            continue
        text = str(value).strip().replace(",", "").replace("，", "")
        try:
            out[i] = float(text)
        except ValueError:
            problems.append(
                Problem(
                    f"{column} is not a number",
                    file=file,
                    sheet=sheet if sheet is not None else frame.attrs.get("sheet"),
                    row=int(row),
                    field=column,
                    value=str(value),
                    accepted="a number such as 1250.5 (no units in the cell)",
                )
            )
    return out


def texts(frame: pd.DataFrame, column: str) -> np.ndarray[Any, np.dtype[np.object_]]:
    if column not in frame.columns or frame.empty:
        return np.full(len(frame), "", dtype=object)
    return np.array(
        ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip() for v in frame[column]],
        dtype=object,
    )
