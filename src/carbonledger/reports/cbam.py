"""Excel reports for EU CBAM: the installation's communication and the importer's exposure.

Both workbooks are written with :mod:`carbonledger.reports.xlsx` (formula-safe cells,
deterministic bytes). A report never recomputes: it lays out results computed by
:mod:`carbonledger.regimes.cbam`.

* :func:`write_installation_report` — sheet ``Summary_Communication`` in the layout of the
  Commission's communication template v2.1 (same sections and cell positions for the
  products table, row 25 headers, data from row 26), plus the SEE calculation trail per
  process, source streams, constants with citations and flags, and warnings;
* :func:`write_exposure_report` — summary, lines, actual vs default by CN code and
  supplier with the saving from actual data, the phase-in 2026-2034 with a chart, price
  sensitivity, quarterly holding, de minimis, the factor sets used, warnings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font

from carbonledger.errors import Problem
from carbonledger.regimes.cbam.certificates import ExposureResult
from carbonledger.regimes.cbam.communication import PRODUCT_HEADERS, summary_communication_rows
from carbonledger.regimes.cbam.reference import CbamReference
from carbonledger.regimes.cbam.see import InstallationResult
from carbonledger.reports.xlsx import (
    HEADER_FILL,
    safe_value,
    save_deterministic,
    write_key_values,
    write_table,
)

__all__ = ["write_exposure_report", "write_installation_report"]

TITLE = Font(bold=True, size=14)
BOLD = Font(bold=True)
_NUM = "#,##0.000"
_EUR = "#,##0"


def _cell(sheet: Any, ref: str, value: Any, font: Font | None = None) -> None:
    cell = sheet[ref]
    value = safe_value(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        cell.data_type = "s"
        cell.quotePrefix = True
    if font is not None:
        cell.font = font


def _warnings_sheet(workbook: Workbook, problems: list[Problem]) -> None:
    sheet = workbook.create_sheet("Warnings")
    frame = pd.DataFrame(
        [
            {"severity": p.severity, "where": p.location(), "message": p.message, "code": p.code}
            for p in problems
        ],
        columns=["severity", "where", "message", "code"],
    )
    write_table(sheet, frame, widths={"message": 100, "where": 40})


def write_installation_report(
    result: InstallationResult, path: str | Path, comparison: list[Problem] | None = None
) -> Path:
    """The installation's communication to EU customers (template layout) + calculation trail."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Summary_Communication"
    content = summary_communication_rows(result)
    _cell(sheet, "B2", "Communication with reporting declarants", TITLE)
    _cell(
        sheet,
        "D5",
        "Content of sheet 'Summary_Communication' of the Commission's communication template for installations "
        "(v2.1), computed by carbonledger from the installation's input data.",
    )
    _cell(sheet, "C8", 1, BOLD)
    _cell(sheet, "D8", "Summary of the installation and production processes", BOLD)
    _cell(sheet, "C10", 1)
    _cell(sheet, "D10", "Installation details", BOLD)
    _cell(sheet, "D11", "Parameter", BOLD)
    _cell(sheet, "G11", "Value", BOLD)
    for offset, (label, value) in enumerate(content["details"]):
        _cell(sheet, f"D{12 + offset}", label)
        _cell(sheet, f"G{12 + offset}", value)
    _cell(sheet, "H10", 2)
    _cell(sheet, "I10", "Summary of the production processes and production routes, where relevant", BOLD)
    _cell(sheet, "I11", "Aggregated good produced", BOLD)
    for j, header in enumerate(("J", "K", "L", "M", "N", "O")):
        _cell(sheet, f"{header}11", f"Route {j + 1}", BOLD)
    for offset, (category, routes) in enumerate(content["categories"].items()):
        _cell(sheet, f"H{12 + offset}", f"G{offset + 1}")
        _cell(sheet, f"I{12 + offset}", category)
        for j, route in enumerate(routes[:6]):
            _cell(sheet, f"{'JKLMNO'[j]}{12 + offset}", route)
    _cell(sheet, "Q11", "Production process", BOLD)
    _cell(sheet, "R11", "Aggregated goods category", BOLD)
    for offset, row in enumerate(content["processes"]):
        _cell(sheet, f"P{12 + offset}", f"P{offset + 1}")
        for j, value in enumerate(row[:8]):
            _cell(sheet, f"{'QRSTUVWX'[j]}{12 + offset}", value)
    _cell(sheet, "Y10", 3)
    _cell(sheet, "Z10", "Summary of emissions by monitoring methodology and data quality", BOLD)
    for j, (label, value) in enumerate(content["methods"].items()):
        column = ("Z", "AB", "AD", "AF")[j]
        _cell(sheet, f"{column}11", label, BOLD)
        _cell(sheet, f"{column}12", "tCO2e")
        _cell(sheet, f"{column}13", value)
        sheet[f"{column}13"].number_format = _NUM
    for offset, (label, value) in enumerate(content["emission_totals"]):
        _cell(sheet, f"Z{15 + offset}", label)
        _cell(sheet, f"AG{15 + offset}", "tCO2e")
        _cell(sheet, f"AH{15 + offset}", value)
        sheet[f"AH{15 + offset}"].number_format = _NUM
    for offset, (label, value) in enumerate(content["quality"]):
        _cell(sheet, f"Z{19 + 2 * offset}", label)
        _cell(sheet, f"AC{19 + 2 * offset}", value)
    _cell(sheet, "AJ10", 4)
    _cell(sheet, "AK10", "Further information", BOLD)
    _cell(sheet, "AK12", "Carbon price instrument:")
    _cell(sheet, "AK13", "Any additional information:")
    _cell(sheet, "AL13", "; ".join(result.installation.notes) or "None")
    _cell(sheet, "C23", 2, BOLD)
    _cell(sheet, "D23", "Summary of products", BOLD)
    columns = [
        "D",
        "E",
        "F",
        "G",
        "H",
        "I",
        "J",
        "K",
        "L",
        "M",
        "N",
        "O",
        "P",
        "Q",
        "R",
        "S",
        "T",
        "U",
        "V",
        "W",
        "X",
        "Y",
        "Z",
        "AA",
        "AB",
        "AC",
        "AD",
        "AE",
        "AF",
        "AG",
        "AH",
        "AI",
        "AJ",
        "AK",
    ]
    for column, header in zip(columns, PRODUCT_HEADERS, strict=True):
        _cell(sheet, f"{column}25", header, BOLD)
        sheet[f"{column}25"].fill = HEADER_FILL
        sheet[f"{column}25"].font = Font(bold=True, color="FFFFFFFF")
        sheet[f"{column}25"].alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(content["products"]):
        _cell(sheet, f"C{26 + i}", i + 1)
        for column, value in zip(columns, row, strict=True):
            _cell(sheet, f"{column}{26 + i}", value)
            if isinstance(value, float):
                sheet[f"{column}{26 + i}"].number_format = "0.000000"
    for column, width in (("D", 30), ("E", 22), ("F", 12), ("G", 40), ("H", 30)):
        sheet.column_dimensions[column].width = width

    processes = pd.DataFrame(
        [
            {
                "process": p.id,
                "name": p.name,
                "category": p.category,
                "Annex II (direct only)": p.direct_only,
                "activity level (t)": p.activity_level_t,
                "DirEm* (t CO2e)": p.dir_em_star_t,
                "DirEm* basis": p.dir_em_basis,
                "heat imported (t)": p.heat_import_t,
                "heat exported (t)": p.heat_export_t,
                "waste gas imported (t)": p.waste_gas_import_t,
                "waste gas exported, corrected (t)": p.waste_gas_export_t,
                "electricity exported (t)": p.electricity_export_t,
                "AttrEm direct (t)": p.attributed_direct_t,
                "AttrEm indirect (t)": p.attributed_indirect_t,
                "ae direct (t/t)": p.ae_direct,
                "ae indirect (t/t)": p.ae_indirect,
                "SEE direct (t/t)": p.see_direct,
                "SEE indirect (t/t)": p.see_indirect,
                "SEE total (t/t)": p.see_total,
                "embedded electricity (MWh/t)": p.embedded_electricity_mwh_per_t,
                "precursors": "; ".join(
                    f"{t['precursor']}: m={t['m_t_per_t']:.4f}, dir {t['contribution_direct']:.4f}, "
                    f"ind {t['contribution_indirect']:.4f}"
                    for t in p.precursor_terms
                ),
                "flags": "|".join(p.flags),
            }
            for p in result.processes
        ]
    )
    write_table(
        workbook.create_sheet("SEE calculation"),
        processes,
        number_formats={c: _NUM for c in processes.columns},
    )
    goods = pd.DataFrame(result.good_rows())
    if not goods.empty:
        goods["flags"] = goods["flags"].map("|".join)
    write_table(workbook.create_sheet("Goods"), goods)
    sources = pd.DataFrame(
        [
            {
                "kind": s.kind,
                "name": s.name,
                "method": s.method,
                "process": s.process or "",
                "gas": s.gas,
                "gas mass (t)": s.gas_mass_t,
                "CO2e fossil (t)": s.co2e_fossil_t,
                "CO2e biomass (t)": s.co2e_bio_t,
                "energy fossil (TJ)": s.energy_fossil_tj,
                "energy biomass (TJ)": s.energy_bio_tj,
                "flags": "|".join(s.flags),
                "source of factors": str(s.detail.get("source", "")),
            }
            for s in result.sources
        ]
    )
    write_table(workbook.create_sheet("Sources"), sources)
    constants = pd.DataFrame([{"constant": k, **v.to_dict()} for k, v in result.constants.items()])
    if not constants.empty:
        constants["flags"] = constants["flags"].map("|".join)
    write_table(workbook.create_sheet("Constants & citations"), constants, widths={"citation": 90})
    _warnings_sheet(workbook, [*result.warnings, *(comparison or [])])
    return save_deterministic(workbook, path)


def _by_cn_supplier(lines: pd.DataFrame) -> pd.DataFrame:
    if lines.empty:
        return lines
    group = lines.assign(supplier=lines["supplier"].replace("", "(none)")).groupby(
        ["cn8", "supplier", "country", "see_used"], sort=True, dropna=False
    )
    out = group.agg(
        net_mass_t=("net_mass_t", "sum"),
        embedded_emissions_t=("embedded_emissions_t", "sum"),
        certificates=("certificates", "sum"),
        cost_eur=("cost_eur", "sum"),
        embedded_emissions_default_t=("embedded_emissions_default_t", "sum"),
        certificates_default=("certificates_default", "sum"),
        cost_default_eur=("cost_default_eur", "sum"),
    ).reset_index()
    out["saving_actual_vs_default_eur"] = out["cost_default_eur"] - out["cost_eur"]
    out["cost_per_t_eur"] = out["cost_eur"] / out["net_mass_t"]
    out["cost_per_t_default_eur"] = out["cost_default_eur"] / out["net_mass_t"]
    return out


def write_exposure_report(
    result: ExposureResult,
    path: str | Path,
    *,
    phase: pd.DataFrame | None = None,
    sensitivity: pd.DataFrame | None = None,
    ref: CbamReference | None = None,
) -> Path:
    """The importer's exposure workbook (see module docstring)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Summary"
    _cell(sheet, "A1", f"EU CBAM certificate exposure {result.year}", TITLE)
    totals = result.totals
    rows: list[tuple[Any, ...]] = [
        ("Year", result.year),
        ("Net mass (t)", totals.get("net_mass_t")),
        ("Embedded emissions, as declared (t CO2e)", totals.get("embedded_emissions_t")),
        ("Free allocation adjustment (t CO2e)", totals.get("free_allocation_adjustment_t")),
        ("Carbon price deduction (certificates)", totals.get("carbon_price_deduction_t")),
        ("CBAM certificates", totals.get("certificates")),
        ("Cost (EUR)", totals.get("cost_eur")),
        ("Certificates if every line used default values", totals.get("certificates_default")),
        ("Cost on default values (EUR)", totals.get("cost_default_eur")),
        ("Saving from actual data (EUR)", totals.get("saving_actual_vs_default_eur")),
        (),
        (
            "CBAM factor",
            result.parameters["cbam_factor"]["value"],
            result.parameters["cbam_factor"]["citation"],
        ),
        (
            "CSCF",
            result.parameters["cscf"]["value"],
            result.parameters["cscf"]["citation"],
            "|".join(result.parameters["cscf"]["flags"]),
        ),
        ("Certificate price", str(result.parameters["price_eur"])),
        ("Flags in this result", "|".join(result.flags)),
        (),
        (
            "Provisional / unverified: CBAM benchmarks for 2026 are provisional (IR 2025/2620 recital 35); the CSCF "
            "2026 = 1.0 is UNVERIFIED; the floor at zero is an inference; carbon price deductions follow a draft act.",
        ),
    ]
    write_key_values(sheet, rows, start_row=3)
    sheet.column_dimensions["A"].width = 52
    sheet.column_dimensions["B"].width = 18
    sheet.column_dimensions["C"].width = 80

    lines = result.lines.copy()
    money = {c: _EUR for c in ("cost_eur", "cost_default_eur", "saving_actual_vs_default_eur", "price_eur")}
    numbers = {c: _NUM for c in lines.columns if lines[c].dtype.kind == "f"} | money
    write_table(workbook.create_sheet("Lines"), lines, number_formats=numbers)
    by = _by_cn_supplier(lines)
    write_table(
        workbook.create_sheet("Actual vs default"),
        by,
        number_formats={c: _NUM for c in by.columns if by[c].dtype.kind == "f"}
        | {c: _EUR for c in by.columns if "eur" in c},
    )
    if phase is not None and not phase.empty:
        ps = workbook.create_sheet("Phase-in 2026-2034")
        end = write_table(
            ps, phase, number_formats={c: _NUM for c in phase.columns if phase[c].dtype.kind == "f"}
        )
        chart = LineChart()
        chart.title = "CBAM cost per year, actual data vs default values (EUR)"
        chart.y_axis.title = "EUR"
        chart.x_axis.title = "year"
        cost_col = list(phase.columns).index("cost_eur") + 1
        default_col = list(phase.columns).index("cost_default_eur") + 1
        for column in (cost_col, default_col):
            data = Reference(ps, min_col=column, min_row=1, max_row=end - 1)
            chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ps, min_col=1, min_row=2, max_row=end - 1))
        chart.height, chart.width = 9, 18
        ps.add_chart(chart, f"A{end + 2}")
        bars = BarChart()
        bars.title = "Share of benchmark emissions paid (1 - CBAM factor)"
        share_col = list(phase.columns).index("phase_in_share") + 1
        bars.add_data(Reference(ps, min_col=share_col, min_row=1, max_row=end - 1), titles_from_data=True)
        bars.set_categories(Reference(ps, min_col=1, min_row=2, max_row=end - 1))
        bars.height, bars.width = 7, 18
        ps.add_chart(bars, f"L{end + 2}")
    if sensitivity is not None and not sensitivity.empty:
        ss = workbook.create_sheet("Price sensitivity")
        end = write_table(ss, sensitivity, number_formats={c: _EUR for c in sensitivity.columns})
        chart = LineChart()
        chart.title = f"Cost {result.year} by certificate price (EUR)"
        for name in ("cost_eur", "cost_default_eur"):
            column = list(sensitivity.columns).index(name) + 1
            chart.add_data(Reference(ss, min_col=column, min_row=1, max_row=end - 1), titles_from_data=True)
        chart.set_categories(Reference(ss, min_col=1, min_row=2, max_row=end - 1))
        ss.add_chart(chart, f"A{end + 2}")
    if not result.holding.empty:
        write_table(workbook.create_sheet("Quarterly holding"), result.holding, widths={"citation": 80})
    write_table(workbook.create_sheet("De minimis"), pd.DataFrame(result.de_minimis), widths={"citation": 80})
    if ref is not None:
        write_table(
            workbook.create_sheet("Factors used"), pd.DataFrame(ref.citations()), widths={"citation": 100}
        )
    _warnings_sheet(workbook, result.warnings)
    return save_deterministic(workbook, path)
