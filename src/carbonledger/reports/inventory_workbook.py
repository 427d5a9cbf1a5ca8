"""The GHG inventory disclosure workbook (openpyxl).

Sheets: ``Summary`` (Scope 1, Scope 2 location- and market-based, by gas, entity and
category, with charts), ``Calculation trail`` (every result row with its lineage),
``Factors used`` (every factor with its set's citation and licence), ``Problems`` (every
problem found), ``About`` (method notes). Totals in the summary are fsums of the trail
rows, so they reconcile; numbers are written unrounded and formatted for display only.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Font

from carbonledger.inventory.categories import category_info
from carbonledger.inventory.result import InventoryResult
from carbonledger.reports.xlsx import TITLE_FONT, save_deterministic, write_key_values, write_table

__all__ = ["write_inventory_workbook"]

_T = "#,##0.000"


def write_inventory_workbook(result: InventoryResult, path: Path) -> Path:
    """Write the workbook; the same result gives byte-identical bytes."""
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Summary"
    _summary(summary, result)
    _trail(workbook.create_sheet("Calculation trail"), result)
    _factors(workbook.create_sheet("Factors used"), result)
    _problems(workbook.create_sheet("Problems"), result)
    _about(workbook.create_sheet("About"), result)
    return save_deterministic(workbook, path)


def _summary(ws: object, result: InventoryResult) -> None:
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(ws, Worksheet)
    totals = result.totals()
    ws["A1"] = "GHG inventory — GHG Protocol Corporate Standard / ISO 14064-1:2018"
    ws["A1"].font = TITLE_FONT
    rows = [
        ("Source file", result.source),
        ("Reporting year", result.reporting_year or "(from the records)"),
        ("GWP set", f"{result.gwp} (100-year)"),
        ("Factor sets (priority order)", ", ".join(result.factor_sets)),
        (
            "Rows read / computed / rejected",
            f"{result.rows_read} / {result.rows_computed} / {len(result.rows_rejected)}",
        ),
        ("Status", "COMPLETE" if result.complete else "INCOMPLETE — see the Problems sheet"),
    ]
    next_row = write_key_values(ws, rows, start_row=3)
    scope_rows = pd.DataFrame(
        [
            ("Scope 1", "ISO 14064-1 category 1", totals["by_scope"]["1"]),
            ("Scope 2 (location-based)", "ISO 14064-1 category 2", totals["by_scope"]["2_location"]),
            ("Scope 2 (market-based)", "ISO 14064-1 category 2", totals["by_scope"]["2_market"]),
            ("Scope 3", "ISO 14064-1 categories 3–6", totals["by_scope"]["3"]),
            ("Total (location-based Scope 2)", "", totals["tco2e"]),
            ("Total (market-based Scope 2)", "", totals["tco2e_market_based"]),
            ("Biogenic CO2 (outside scopes)", "reported separately", totals["biogenic_co2_t"]),
            ("Non-Kyoto gases (memo)", "reported separately", totals["memo_non_kyoto_tco2e"]),
        ],
        columns=["Scope", "ISO 14064-1", "t CO2e"],
    )
    start = next_row + 1
    ws.cell(row=start, column=1, value="Emissions by scope").font = Font(bold=True)
    end = write_table(ws, scope_rows, start_row=start + 1, number_formats={"t CO2e": _T}, freeze=False)
    chart = BarChart()
    chart.title = "Scope 1 and 2 (t CO2e)"
    chart.y_axis.title = "t CO2e"
    data = Reference(ws, min_col=3, min_row=start + 1, max_row=start + 4)
    cats = Reference(ws, min_col=1, min_row=start + 2, max_row=start + 4)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.height, chart.width = 7, 14
    ws.add_chart(chart, f"F{start}")
    r = end + 1
    for title, key in (
        ("By gas (location-based)", "by_gas"),
        ("By entity (location-based)", "by_entity"),
        ("By period (location-based)", "by_period"),
    ):
        frame = pd.DataFrame(
            sorted(totals[key].items()), columns=[title.split(" (")[0][3:].capitalize(), "t CO2e"]
        )
        ws.cell(row=r, column=1, value=title).font = Font(bold=True)
        table_end = write_table(ws, frame, start_row=r + 1, number_formats={"t CO2e": _T}, freeze=False)
        if key == "by_gas" and len(frame):
            pie = PieChart()
            pie.title = "By gas"
            pie.add_data(
                Reference(ws, min_col=2, min_row=r + 1, max_row=table_end - 1), titles_from_data=True
            )
            pie.set_categories(Reference(ws, min_col=1, min_row=r + 2, max_row=table_end - 1))
            pie.height, pie.width = 7, 10
            ws.add_chart(pie, f"F{r}")
        r = table_end + 1
    labelled = []
    for key, value in sorted(totals["by_category"].items()):
        scope_key, category = key.split(":", 1)
        info = category_info(scope_key.split("_")[0], category)
        labelled.append((info.ghg_protocol_label, f"{info.iso_category} {info.iso_label}".strip(), value))
    ws.cell(row=r, column=1, value="By category (location-based)").font = Font(bold=True)
    write_table(
        ws,
        pd.DataFrame(labelled, columns=["GHG Protocol category", "ISO 14064-1 category", "t CO2e"]),
        start_row=r + 1,
        number_formats={"t CO2e": _T},
        freeze=False,
    )
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 44


def _trail(ws: object, result: InventoryResult) -> None:
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(ws, Worksheet)
    frame = result.labelled().drop(columns=["record_pos", "kind"], errors="ignore")
    write_table(
        ws,
        frame,
        number_formats={
            "mass_kg": "#,##0.000",
            "co2e_kg": "#,##0.000",
            "tco2e": "#,##0.000000",
            "quantity": "#,##0.###",
        },
    )


def _factors(ws: object, result: InventoryResult) -> None:
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(ws, Worksheet)
    r = result.results
    used = (
        r.groupby(
            ["factor_full_id", "factor_id", "factor_unit", "factor_gwp_basis"], observed=True, dropna=False
        )
        .agg(
            value=("factor_value", "first"),
            records=("record_id", "nunique"),
            tco2e=("tco2e", lambda s: math.fsum(s.to_numpy())),
        )
        .reset_index()
    )
    citations = {m.full_id: m for m in result.manifests}
    used["citation"] = used["factor_full_id"].map(
        lambda f: (
            (
                f"{citations[f].publisher}, {citations[f].title}, edition {citations[f].edition}. "
                f"{citations[f].source_url}"
            )
            if f in citations
            else _special_citation(str(f))
        )
    )
    used["licence"] = used["factor_full_id"].map(lambda f: citations[f].licence if f in citations else "")
    used["confidence"] = used["factor_full_id"].map(
        lambda f: citations[f].confidence if f in citations else ""
    )
    used["set flags"] = used["factor_full_id"].map(
        lambda f: ", ".join(citations[f].flags) if f in citations else ""
    )
    write_table(ws, used, number_formats={"tco2e": _T})


def _special_citation(full_id: str) -> str:
    if full_id == "inline":
        return "user-supplied factor on the record"
    if full_id.startswith("instrument:"):
        return "contractual instrument from the instruments file"
    if full_id == "ipcc-gwp":
        return "IPCC GWP100 (see the ipcc-gwp factor set)"
    if full_id == "mass_balance":
        return "mass balance with the stated CO2/C factor"
    return ""


def _problems(ws: object, result: InventoryResult) -> None:
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(ws, Worksheet)
    frame = pd.DataFrame(
        [p.to_dict() for p in result.problems],
        columns=[
            "severity",
            "file",
            "sheet",
            "row",
            "record_id",
            "field",
            "message",
            "value",
            "accepted",
            "code",
        ],
    )
    if frame.empty:
        ws["A1"] = "No problems found."
        return
    write_table(ws, frame)


def _about(ws: object, result: InventoryResult) -> None:
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(ws, Worksheet)
    notes = [
        (
            "Standards",
            "GHG Protocol Corporate Standard; Scope 2 Guidance (2015) dual reporting; ISO 14064-1:2018 "
            "categories (mapping of Scope 3 categories to ISO categories 3–6 is carbonledger's reading "
            "of clause 5.2.4)",
        ),
        (
            "Headline total",
            "Scope 1 + Scope 2 location-based + Scope 3; the market-based total is shown beside it",
        ),
        (
            "GWP",
            f"{result.gwp} 100-year values; per-gas factors published in another basis are re-weighted "
            "(flag regwp:…); aggregate CO2e factors keep their publisher's basis (flag gwp_basis_differs)",
        ),
        ("Rounding", "none in calculation; display formats only"),
        ("Biogenic CO2", "reported outside the scopes"),
    ]
    write_key_values(ws, notes)
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 120
