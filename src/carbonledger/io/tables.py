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
import math
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
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

    def formula_problems(self) -> list[Problem]:
        """One problem per formula cell, in row order: carbonledger reads entered values only
        (a formula's cached result may be stale or absent in a file written by another tool)."""
        return [
            Problem(
                "cell holds a formula; carbonledger reads entered values only",
                file=self.source,
                sheet=self.sheet,
                row=row,
                field=column,
                value=formula,
                accepted="the number itself (copy, paste as values)",
                code="formula",
            )
            for (row, column), formula in sorted(self.formula_cells.items())
        ]


def _no_rows() -> pd.DataFrame:
    """The frame of a table that could not be read: no records, but the ``row`` column."""
    return pd.DataFrame({"row": pd.Series(dtype="int64")})


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
        return RawTable(_no_rows(), source, problems=[_problem(source, "file not found", value=str(path))])
    if path.stat().st_size == 0:
        return RawTable(
            _no_rows(),
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
        _no_rows(),
        source,
        problems=[
            _problem(
                source,
                f"unsupported file type {suffix or '(none)'}"
                + (" (Excel 97-2003 workbook)" if suffix == ".xls" else ""),
                accepted=".csv, .tsv or .xlsx (in Excel: Save As 'Excel Workbook (*.xlsx)')",
            )
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
                    accepted="each column name once",
                    code="duplicate_header",
                )
            )
        seen.add(name)
    return problems


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (np.integer, np.floating)):  # numpy 2 reprs are "np.float64(0.55)"
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
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
                _no_rows(),
                source,
                problems=[
                    _problem(source, "file is neither UTF-8 nor GB18030 text", accepted="a UTF-8 CSV file")
                ],
            )
    if "\x00" in text[:4096]:
        return RawTable(
            _no_rows(),
            source,
            problems=[
                _problem(
                    source,
                    "file looks binary, not CSV text",
                    accepted="a UTF-8 CSV file or an .xlsx workbook",
                )
            ],
        )
    first_line = text.split("\n", 1)[0]
    if delimiter == "," and "," not in first_line and (";" in first_line or "\t" in first_line):
        sep = "';'" if ";" in first_line else "a tab"
        return RawTable(
            _no_rows(),
            source,
            problems=[
                _problem(
                    source,
                    f"the header row is separated by {sep}, not by commas",
                    row=1,
                    value=first_line[:80],
                    accepted="comma-separated values (in Excel: Save As 'CSV UTF-8 (Comma delimited)'), "
                    "a .tsv file for tabs, or the .xlsx workbook itself",
                    code="delimiter",
                )
            ],
        )
    try:
        with warnings.catch_warnings():
            # pandas only warns (and drops values) when a line has more values than the header
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                na_values=[],
                sep=delimiter,
                skipinitialspace=True,
                quoting=csv.QUOTE_MINIMAL,
                index_col=False,
                skip_blank_lines=False,
            )
        lines: list[int] | None = None
    except pd.errors.EmptyDataError:
        return RawTable(
            _no_rows(),
            source,
            problems=[
                _problem(source, "the file has no header row", accepted="a header row naming the columns")
            ],
        )
    except (pd.errors.ParserError, pd.errors.ParserWarning):
        # error path only: re-read with the csv module to report EVERY line with too many values
        frame, lines, ragged = _read_ragged(text, delimiter, source)
        problems += ragged
    header = next(csv.reader(io.StringIO(first_line), delimiter=delimiter), [])
    problems += _header_problems([h.strip() for h in header], source)
    frame.columns = [str(c).strip() for c in frame.columns]
    if lines is None:
        lines = _record_lines(text, len(frame), delimiter)
    frame["row"] = lines
    blank = (frame.drop(columns="row") == "").all(axis=1).to_numpy()
    if blank.any():  # blank lines are skipped, but line numbers stay those of the file
        frame = frame[~blank].reset_index(drop=True)
    return RawTable(frame, source, problems=problems)


def _record_lines(text: str, n_records: int, delimiter: str) -> list[int]:
    """The file line on which each record starts (the header is line 1).

    One record per line is the fast path; a quoted value spanning lines shifts the
    numbering, so then the lines are counted with the csv module.
    """
    n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if n_lines == n_records + 1:
        return list(range(2, n_records + 2))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader, None)
    starts: list[int] = []
    previous_end = reader.line_num
    for _ in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    return (starts + list(range(previous_end + 1, previous_end + 1 + n_records)))[:n_records]


def _read_ragged(text: str, delimiter: str, source: str) -> tuple[pd.DataFrame, list[int], list[Problem]]:
    """Records of a CSV with lines holding more values than the header has columns."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    header = [h.strip() for h in next(reader, [])]
    width = len(header)
    records: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    previous_end = reader.line_num
    for values in reader:
        line = previous_end + 1
        previous_end = reader.line_num
        if len(values) > width and any(v.strip() for v in values[width:]):
            problems.append(
                _problem(
                    source,
                    f"the line has {len(values)} values but the header has {width} columns",
                    row=line,
                    value=delimiter.join(values)[:80],
                    accepted="one value per header column; quote values that contain a comma",
                    code="ragged_line",
                )
            )
        records.append((values + [""] * width)[:width])
        lines.append(line)
    return pd.DataFrame(records, columns=header, dtype=object), lines, problems


def _read_xlsx(path: Path, source: str, sheet: str | None, preferred: tuple[str, ...]) -> RawTable:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, data_only=False, read_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return RawTable(
            _no_rows(),
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
                _no_rows(),
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
            _no_rows(),
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
