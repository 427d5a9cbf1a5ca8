"""The BOM / process workbook: read it into a :class:`~carbonledger.footprint.model.ProductModel`,
and write the empty template (``templates/bom_model.xlsx``) or a filled workbook.

Sheets (see :mod:`carbonledger.footprint.model` for every column): ``model`` (key, value),
``products``, ``processes``, ``outputs``, ``inputs``, ``activities``, ``plants``,
``allocation``, and ``guide`` (read by people, ignored by the reader). A directory of CSV files
named like the sheets (``products.csv`` …) is read the same way.

Cells are read as entered (a formula is reported, never evaluated); row numbers in problems
are the spreadsheet rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from carbonledger.errors import InputError, Problem
from carbonledger.footprint.model import (
    ALLOCATION_COLUMNS,
    INPUT_COLUMNS,
    OUTPUT_COLUMNS,
    PLANT_COLUMNS,
    PROCESS_COLUMNS,
    PRODUCT_COLUMNS,
    SETTINGS,
    SHEETS,
    ProductModel,
    build_model,
)

__all__ = ["TEMPLATE_COLUMNS", "read_model", "read_tables", "write_workbook"]

ACTIVITY_TEMPLATE_COLUMNS: dict[str, str] = {
    "process_id": "process whose run this is (required)",
    "record_id": "id of the row (default: process and row number)",
    "activity": "activity key: electricity/grid, fuel/natural_gas, refrigerant/R-410A, custom/... (required)",
    "quantity": "amount per run of the process (required)",
    "unit": "unit of the quantity (required)",
    "region": "region (default: the process's region)",
    "period": "period (default: the model's reference period)",
    "method": "e.g. market with an inline supplier rate, mee, release",
    "emission_factor": "inline factor (supplier-specific or measured)",
    "emission_factor_unit": "unit of the inline factor, e.g. kg CO2e/kWh",
    "gas": "gas of an inline factor",
    "scope": "scope of a custom activity",
    "description": "free text",
}

TEMPLATE_COLUMNS: dict[str, dict[str, str]] = {
    "products": PRODUCT_COLUMNS,
    "processes": PROCESS_COLUMNS,
    "outputs": OUTPUT_COLUMNS,
    "inputs": INPUT_COLUMNS,
    "activities": ACTIVITY_TEMPLATE_COLUMNS,
    "plants": PLANT_COLUMNS,
    "allocation": ALLOCATION_COLUMNS,
}

_DATA_SHEETS = ("products", "processes", "outputs", "inputs", "activities", "plants", "allocation")


def read_tables(path: str | Path) -> tuple[dict[str, pd.DataFrame | None], dict[str, Any], list[Problem]]:
    """The raw sheets (text cells with a ``row`` column), the settings and reader problems."""
    from carbonledger.io.tables import read_table

    source = Path(path)
    label = source.name
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame | None] = {}
    settings: dict[str, Any] = {}
    if source.is_dir():
        files = {p.stem.lower(): p for p in source.glob("*.csv")}
        for name in (*_DATA_SHEETS, "model"):
            file = files.get(name)
            if file is None:
                frames[name] = None
                continue
            raw = read_table(file, label=f"{label}/{file.name}")
            problems += raw.problems
            frames[name] = raw.frame
    else:
        if not source.exists():
            raise InputError([Problem("file not found", file=str(path),
                                      accepted="a BOM workbook (.xlsx) or a directory of CSV files")])
        from openpyxl import load_workbook

        try:
            names = load_workbook(source, read_only=True).sheetnames
        except Exception as exc:  # not a workbook
            raise InputError([Problem(f"not a readable workbook ({type(exc).__name__})", file=label,
                                      accepted="an .xlsx file in the layout of templates/bom_model.xlsx")]) from None
        lowered = {n.lower(): n for n in names}
        for name in (*_DATA_SHEETS, "model"):
            if name not in lowered:
                frames[name] = None
                continue
            raw = read_table(source, sheet=lowered[name], label=label)
            problems += raw.problems
            for (row, column), formula in sorted(raw.formula_cells.items()):
                problems.append(Problem("cell holds a formula; carbonledger reads entered values only", file=label,
                                        sheet=lowered[name], row=row, field=column, value=formula,
                                        accepted="the number itself (copy, paste as values)"))
            frames[name] = raw.frame
    model_sheet = frames.pop("model")
    if model_sheet is not None and not model_sheet.empty:
        if not {"key", "value"} <= set(model_sheet.columns):
            problems.append(Problem("the model sheet needs the columns key and value", file=label, sheet="model",
                                    accepted="key, value"))
        else:
            for _, r in model_sheet.iterrows():
                key = str(r["key"]).strip()
                if key:
                    settings[key] = r["value"]
    elif frames.get("products") is not None:
        problems.append(Problem("the model sheet (settings) is missing or empty", file=label, sheet="model",
                                accepted="rows key/value with at least reference_period_start and reference_period_end"))
    if frames.get("products") is None:
        problems.append(Problem("the products sheet is missing", file=label, sheet="products",
                                accepted="a sheet 'products' (see templates/bom_model.xlsx)"))
    return frames, settings, problems


def read_model(path: str | Path, *, supplier_footprints: Mapping[str, Any] | None = None) -> ProductModel:
    """Read and validate a BOM workbook (or CSV directory); raises InputError with every problem."""
    source = Path(path)
    frames, settings, problems = read_tables(source)
    errors = [p for p in problems if p.severity == "error"]
    if errors and frames.get("products") is None:
        raise InputError(problems, summary=f"{source.name}: cannot read the model")
    base_dir = source if source.is_dir() else source.parent
    return build_model(
        products=_frame(frames.get("products")),
        processes=frames.get("processes"),
        outputs=frames.get("outputs"),
        inputs=frames.get("inputs"),
        activities=frames.get("activities"),
        plants=frames.get("plants"),
        allocation=frames.get("allocation"),
        settings=settings,
        supplier_footprints=supplier_footprints,
        base_dir=base_dir,
        source=source.name,
        extra_problems=problems,
    )


def _frame(frame: pd.DataFrame | None) -> pd.DataFrame:
    return frame if frame is not None else pd.DataFrame()


def write_workbook(path: str | Path, tables: Mapping[str, pd.DataFrame] | None = None,
                   settings: Mapping[str, Any] | None = None) -> Path:
    """Write the template (no ``tables``) or a filled model workbook, deterministically.

    Every data sheet gets every column of its contract (empty columns included) so a user sees
    what can be filled; a ``guide`` sheet explains each column.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from carbonledger.reports.xlsx import save_deterministic, write_key_values, write_table

    tables = tables or {}
    wb = Workbook()
    guide = wb.active
    guide.title = "guide"
    r = write_key_values(guide, [("carbonledger product model (BOM) workbook",), ("",),
                                 ("Every process row describes ONE run of the process; its outputs, inputs and "
                                  "activities are all for that run.",),
                                 ("Fill the sheets below; run: carbonledger footprint THIS_FILE.xlsx --out DIR",),
                                 ("",)])
    guide.cell(row=1, column=1).font = Font(bold=True, size=14)
    rows: list[tuple[str, str, str]] = [("model", key, text) for key, text in SETTINGS.items()]
    for sheet, columns in TEMPLATE_COLUMNS.items():
        rows += [(sheet, column, text) for column, text in columns.items()]
    r = write_table(guide, pd.DataFrame(rows, columns=["sheet", "column", "meaning"]), start_row=r, freeze=False,
                    widths={"sheet": 14, "column": 30, "meaning": 110})
    for sheet_name, purpose in SHEETS.items():
        del purpose
        if sheet_name == "model":
            continue
    ws = wb.create_sheet("model")
    values = dict(settings or {})
    defaults = {"reference_period_start": "2025-01-01", "reference_period_end": "2026-01-01", "gwp": "AR6",
                "scope2_method": "market", "cross_sectoral_standards": "ISO14067|GHGP-Product|PACT-3.0"}
    model_rows = [(k, values.get(k, defaults.get(k, ""))) for k in SETTINGS]
    model_rows += [(k, v) for k, v in values.items() if k not in SETTINGS]
    write_table(ws, pd.DataFrame(model_rows, columns=["key", "value"]), widths={"key": 34, "value": 60})
    for sheet_name, columns in TEMPLATE_COLUMNS.items():
        ws = wb.create_sheet(sheet_name)
        given = tables.get(sheet_name)
        frame = pd.DataFrame(columns=list(columns)) if given is None else given.copy()
        for column in columns:
            if column not in frame.columns:
                frame[column] = ""
        extra = [c for c in frame.columns if c not in columns and c != "row"]
        frame = frame[list(columns) + extra]
        write_table(ws, frame.astype(object).where(frame.notna(), None))
        for cell in ws[1]:
            cell.alignment = Alignment(wrap_text=False)
    return save_deterministic(wb, path)
