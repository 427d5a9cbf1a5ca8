"""Read tabular input (CSV, XLSX, or a DataFrame) with the row numbers a user sees.

Every reader returns a :class:`RawTable`: the cells as text (nothing coerced yet), a
``row`` column holding the spreadsheet/CSV line number of each record, and the structural
problems found (empty file, not an Excel file, merged header cells, formulas where values
are expected, duplicate or blank headers). Typed validation happens later, per column.

* CSV: UTF-8 (with or without BOM); if that fails, GB18030 (what Excel on a Chinese
  system writes), reported as a warning. Line numbers count the header as line 1.
* XLSX: openpyxl (not ``read_only``, so merged ranges are visible), values only — a cell
  holding a formula is reported, never evaluated: carbonledger reads what was entered.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carbonledger.errors import Problem

__all__ = ["RawTable", "read_table"]

_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}


@dataclass
class RawTable:
    """Cells as strings ("" for empty), plus a ``row`` column of user-visible row numbers."""

    frame: pd.DataFrame
    source: str
    sheet: str | None = None
    problems: list[Problem] = field(default_factory=list)
    formula_cells: dict[tuple[int, str], str] = field(default_factory=dict)  # (row, column) -> formula


def _problem(source: str, message: str, **kw: object) -> Problem:
    return Problem(message, file=source, **kw)  # type: ignore[arg-type]


def read_table(
    data: str | Path | pd.DataFrame,
    *,
    sheet: str | None = None,
    preferred_sheets: Iterable[str] = ("activities", "activity_data", "活动数据"),
    label: str | None = None,
) -> RawTable:
    """Read a CSV/XLSX file or take a DataFrame, keeping row numbers.

    For a DataFrame, ``row`` is the 1-based position plus one (as if line 1 were a header),
    unless the frame already has a ``row`` column.
    """
    if isinstance(data, pd.DataFrame):
        return _from_frame(data, label or "<DataFrame>")
    path = Path(data)
    source = label or path.name
    if not path.exists():
        return RawTable(
            pd.DataFrame(), source, problems=[_problem(source, "file not found", value=str(path))]
        )
    if path.stat().st_size == 0:
        return RawTable(
            pd.DataFrame(),
            source,
            problems=[
                _problem(
                    source, "the file is empty", accepted="a CSV or XLSX file with a header row and data rows"
                )
            ],
        )
    suffix = path.suffix.lower()
    if suffix in _EXCEL_SUFFIXES:
        return _read_xlsx(path, source, sheet, tuple(preferred_sheets))
    if suffix in _CSV_SUFFIXES:
        return _read_csv(path, source, delimiter="\t" if suffix == ".tsv" else ",")
    if zipfile.is_zipfile(path):
        return _read_xlsx(path, source, sheet, tuple(preferred_sheets))
    return RawTable(
        pd.DataFrame(),
        source,
        problems=[
            _problem(source, f"unsupported file type {suffix or '(none)'}", accepted=".csv, .tsv or .xlsx")
        ],
    )


def _from_frame(frame: pd.DataFrame, source: str) -> RawTable:
    """A DataFrame keeps its dtypes (validation coerces per column); only headers are trimmed."""
    out = frame.copy(deep=False)
    out.columns = [str(c).strip() for c in out.columns]
    if "row" not in out.columns:
        out["row"] = range(2, len(out) + 2)
    return RawTable(out.reset_index(drop=True), source, problems=_header_problems(list(out.columns), source))


def _header_problems(columns: list[str], source: str, sheet: str | None = None) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for position, name in enumerate(columns, start=1):
        if name == "" or name.lower().startswith("unnamed:"):
            problems.append(
                _problem(
                    source,
                    f"column {position} has no header",
                    sheet=sheet,
                    row=1,
                    severity="warning",
                    code="blank_header",
                )
            )
        elif name in seen:
            problems.append(
                _problem(
                    source,
                    f"header {name!r} appears more than once",
                    sheet=sheet,
                    row=1,
                    field=name,
                    code="duplicate_header",
                )
            )
        seen.add(name)
    return problems


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return (
            repr(value) if not value.is_integer() else str(int(value)) if abs(value) < 1e15 else repr(value)
        )
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if hasattr(value, "isoformat"):
        text = str(value.isoformat())
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value).strip()


def _read_csv(path: Path, source: str, delimiter: str) -> RawTable:
    raw = path.read_bytes()
    problems: list[Problem] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
            problems.append(
                _problem(
                    source,
                    "file is not UTF-8; read as GB18030 (Chinese Windows encoding)",
                    severity="warning",
                    code="encoding",
                )
            )
        except UnicodeDecodeError:
            return RawTable(
                pd.DataFrame(),
                source,
                problems=[
                    _problem(source, "file is neither UTF-8 nor GB18030 text", accepted="a UTF-8 CSV file")
                ],
            )
    if "\x00" in text[:4096]:
        return RawTable(
            pd.DataFrame(),
            source,
            problems=[
                _problem(
                    source,
                    "file looks binary, not CSV text",
                    accepted="a UTF-8 CSV file or an .xlsx workbook",
                )
            ],
        )
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_values=[],
            sep=delimiter,
            skipinitialspace=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.EmptyDataError:
        return RawTable(
            pd.DataFrame(),
            source,
            problems=[
                _problem(source, "the file has no header row", accepted="a header row naming the columns")
            ],
        )
    except pd.errors.ParserError as exc:
        return RawTable(
            pd.DataFrame(),
            source,
            problems=[
                _problem(
                    source, f"malformed CSV: {exc}", accepted="comma-separated values, one record per line"
                )
            ],
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    problems += _header_problems(list(frame.columns), source)
    frame["row"] = range(2, len(frame) + 2)
    return RawTable(frame, source, problems=problems)


def _read_xlsx(path: Path, source: str, sheet: str | None, preferred: tuple[str, ...]) -> RawTable:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, data_only=False, read_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return RawTable(
            pd.DataFrame(),
            source,
            problems=[
                _problem(
                    source,
                    f"not a readable Excel workbook ({type(exc).__name__})",
                    accepted=".xlsx saved by Excel, WPS or LibreOffice, or a .csv file",
                )
            ],
        )
    names = workbook.sheetnames
    if sheet is not None:
        if sheet not in names:
            return RawTable(
                pd.DataFrame(),
                source,
                problems=[_problem(source, f"sheet {sheet!r} not found", accepted=", ".join(names))],
            )
        chosen = sheet
    else:
        lowered = {n.lower(): n for n in names}
        chosen = next((lowered[p.lower()] for p in preferred if p.lower() in lowered), names[0])
    ws = workbook[chosen]
    problems: list[Problem] = []
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= 1:
            problems.append(
                _problem(
                    source,
                    f"merged header cells {merged.coord}: each column needs its own header cell",
                    sheet=chosen,
                    row=1,
                    code="merged_header",
                    accepted="one header per column in row 1, no merged cells",
                )
            )
    rows = list(ws.iter_rows(values_only=False))
    if not rows:
        return RawTable(
            pd.DataFrame(),
            source,
            sheet=chosen,
            problems=[
                *problems,
                _problem(source, "the sheet is empty", sheet=chosen, accepted="a header row and data rows"),
            ],
        )
    header = [_cell_text(c.value) for c in rows[0]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    problems += _header_problems(header, source, chosen)
    records: list[list[str]] = []
    numbers: list[int] = []
    formulas: dict[tuple[int, str], str] = {}
    for cells in rows[1:]:
        values = []
        for j in range(width):
            cell = cells[j] if j < len(cells) else None
            if cell is None:
                values.append("")
                continue
            if cell.data_type == "f":
                formulas[(cell.row, header[j])] = str(cell.value)
                values.append("")
            else:
                values.append(_cell_text(cell.value))
        if any(values) or any((cells[0].row, h) in formulas for h in header):
            records.append(values)
            numbers.append(cells[0].row)
    workbook.close()
    frame = pd.DataFrame(records, columns=header, dtype=object) if records else pd.DataFrame(columns=header)
    frame["row"] = numbers
    return RawTable(frame, source, sheet=chosen, problems=problems, formula_cells=formulas)
