"""The GHG inventory disclosure workbook (openpyxl), bilingual (English / 中文).

Sheets, in order:

``Summary``
    run metadata; the headline table with Scope 1, Scope 2 location- AND market-based side by
    side, Scope 3 and both totals (GHG Protocol Scope 2 Guidance ch. 7, dual reporting);
    biogenic CO2 and non-Kyoto gases as memo items; breakdowns by ISO 14064-1:2018 category,
    GHG Protocol category, gas, entity and period; the data-quality flags with the emissions
    they touch; charts.
``Scope 2``
    location- vs market-based per electricity/heat record, and the contractual instruments with
    what they covered.
``Scope 3``
    written by the Scope 3 area (:mod:`carbonledger.reports.scope3_sheet`) through the one
    call in :func:`_scope3_sheet`.
``Calculation trail``
    every result row (record × gas × basis) with factor, GWP, parameters, flags and lineage.
``Factors used``
    every factor with its published values, where in the original they are, and the full
    citation and licence of its set; below, the sets with the SHA-256 of their originals.
``Sources``
    the factor sets cited, with licence, attribution and the SHA-256 of their originals.
``Problems``
    every problem found, with file, sheet, row, field and what would be accepted.
``Flags``
    the legend of every data-quality flag, with how many rows and tonnes carry it.
``About``
    standards, formulas, conventions.

Every number is a :func:`math.fsum` of trail rows (the same sums as
:meth:`InventoryResult.totals`), written unrounded and formatted for display only, so the
summary reconciles with the trail to the last digit. Text that a spreadsheet could read as a
formula is written as text (:mod:`carbonledger.reports.xlsx`). The same result gives a
byte-identical file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from carbonledger.factors.store import FactorStore, default_store
from carbonledger.inventory.categories import (
    ISO_CATEGORIES,
    SCOPE1_CATEGORIES,
    SCOPE2_CATEGORIES,
    category_info,
)
from carbonledger.inventory.result import InventoryResult
from carbonledger.reports.flag_legend import FLAGS, describe_flag, flag_level, level_rank, split_flags
from carbonledger.reports.xlsx import save_deterministic, write_key_values, write_table

__all__ = [
    "SCOPE_LABELS",
    "SHEET_ABOUT",
    "SHEET_FACTORS",
    "SHEET_FLAGS",
    "SHEET_PROBLEMS",
    "SHEET_SCOPE2",
    "SHEET_SOURCES",
    "SHEET_SUMMARY",
    "SHEET_TRAIL",
    "write_inventory_workbook",
]

SHEET_SUMMARY = "Summary"
SHEET_SCOPE2 = "Scope 2"
SHEET_TRAIL = "Calculation trail"
SHEET_FACTORS = "Factors used"
SHEET_SOURCES = "Sources"
SHEET_PROBLEMS = "Problems"
SHEET_FLAGS = "Flags"
SHEET_ABOUT = "About"

# scope_key → (English, 中文) as written in the trail's "Reported in" column
SCOPE_LABELS: dict[str, tuple[str, str]] = {
    "1": ("Scope 1", "范围一"),
    "2_location": ("Scope 2, location-based", "范围二（基于位置）"),
    "2_market": ("Scope 2, market-based", "范围二（基于市场）"),
    "3": ("Scope 3", "范围三"),
    "outside_scopes": ("Outside scopes (biogenic CO2)", "范围外（生物质CO2）"),
    "memo_non_kyoto": ("Memo: non-Kyoto gases", "备忘：非京都议定书气体"),
}
_LOCATION_KEYS = ("1", "2_location", "3")
_MARKET_KEYS = ("1", "2_market", "3")

_ISO_ZH = {
    "1": "直接温室气体排放和清除",
    "2": "输入能源的间接温室气体排放",
    "3": "运输产生的间接温室气体排放",
    "4": "组织使用的产品产生的间接温室气体排放",
    "5": "与使用组织产品相关的间接温室气体排放",
    "6": "其他来源的间接温室气体排放",
}
_CATEGORY_ZH = {
    "stationary_combustion": "固定燃烧",
    "mobile_combustion": "移动燃烧",
    "process": "工业过程排放",
    "fugitive": "逸散排放",
    "purchased_electricity": "外购电力",
    "purchased_heat": "外购热力和蒸汽",
    "purchased_cooling": "外购冷量",
    "1": "外购商品和服务",
    "2": "资本货物",
    "3": "燃料和能源相关活动",
    "4": "上游运输和配送",
    "5": "运营中产生的废弃物",
    "6": "商务差旅",
    "7": "员工通勤",
    "8": "上游租赁资产",
    "9": "下游运输和配送",
    "10": "售出产品的加工",
    "11": "售出产品的使用",
    "12": "售出产品的寿命终止处理",
    "13": "下游租赁资产",
    "14": "特许经营",
    "15": "投资",
}

_T = "#,##0.000"  # tonnes: kg precision shown, full precision stored
_KG = "#,##0.000"
_PCT = "0.0%"
_QUANTITY = "quantity"  # marker: per-cell format (whole numbers without decimals)
_TITLE_FONT = Font(bold=True, size=16, color="FF1F4E79")
_SUBTITLE_FONT = Font(italic=True, size=10, color="FF595959")
_SECTION_FONT = Font(bold=True, size=12, color="FF1F4E79")
_LABEL_FONT = Font(bold=True)
_TOTAL_FONT = Font(bold=True)
_SECTION_BORDER = Border(bottom=Side(style="medium", color="FF1F4E79"))
_TOTAL_BORDER = Border(top=Side(style="thin"), bottom=Side(style="double"))
_TOTAL_FILL = PatternFill("solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
_FILLS = {
    "review": PatternFill("solid", start_color="FFF8CBAD", end_color="FFF8CBAD"),
    "note": PatternFill("solid", start_color="FFFFF2CC", end_color="FFFFF2CC"),
    "error": PatternFill("solid", start_color="FFF8CBAD", end_color="FFF8CBAD"),
    "warning": PatternFill("solid", start_color="FFFFF2CC", end_color="FFFFF2CC"),
    "ok": PatternFill("solid", start_color="FFC6EFCE", end_color="FFC6EFCE"),
}
_LEVELS = {
    "review": (
        "review: a weaker source or an assumption — check before relying on the number",
        "须复核：来源较弱或含假设",
    ),
    "note": ("note: a documented choice or fallback", "说明：有记录的选择或替代"),
    "info": ("info", "信息"),
}
_GAS_ZH = {
    "CO2": "二氧化碳",
    "CH4": "甲烷",
    "CH4_fossil": "甲烷（化石）",
    "CH4_non_fossil": "甲烷（非化石）",
    "N2O": "氧化亚氮",
    "SF6": "六氟化硫",
    "NF3": "三氟化氮",
    "CF4": "四氟化碳",
    "C2F6": "六氟乙烷",
    "CO2e": "二氧化碳当量",
    "CO2_biogenic": "生物质二氧化碳",
}
_COVERED = re.compile(r"covered ([0-9.eE+\-]+) MWh")


def _bi(english: str, chinese: str) -> str:
    """A bilingual header: English on the first line, 中文 on the second."""
    return f"{english}\n{chinese}"


def _fsum(values: Iterable[float]) -> float:
    return math.fsum(v for v in values if not (isinstance(v, float) and math.isnan(v)))


@dataclass
class _Data:
    """What every sheet reads: the labelled result rows and the factor store."""

    result: InventoryResult
    rows: pd.DataFrame
    store: FactorStore | None

    @property
    def location(self) -> pd.DataFrame:
        return self.rows[self.rows["scope_key"].isin(_LOCATION_KEYS)]

    @property
    def market(self) -> pd.DataFrame:
        return self.rows[self.rows["scope_key"].isin(_MARKET_KEYS)]

    @cached_property
    def factor_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(factors used, factor sets cited)."""
        return _factor_rows(self)


def write_inventory_workbook(
    result: InventoryResult, path: Path, *, store: FactorStore | None = None
) -> Path:
    """Write the disclosure workbook; the same result gives byte-identical bytes."""
    rows = (
        result.labelled()
        if not result.results.empty
        else result.results.assign(ghg_protocol_category="", iso_14064_category="", iso_14064_label="")
    )
    rows = rows.sort_values(
        ["row", "record_id", "scope_key", "method", "gas", "factor_id"], kind="stable"
    ).reset_index(drop=True)
    try:
        store = store or default_store()
    except Exception:
        store = None
    data = _Data(result, rows, store)
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = SHEET_SUMMARY
    _summary(summary, data)
    _scope2(workbook.create_sheet(SHEET_SCOPE2), data)
    _scope3_sheet(workbook, result)
    _trail(workbook.create_sheet(SHEET_TRAIL), data)
    _factors(workbook.create_sheet(SHEET_FACTORS), data)
    _sources(workbook.create_sheet(SHEET_SOURCES), data)
    _problems(workbook.create_sheet(SHEET_PROBLEMS), data)
    _flags(workbook.create_sheet(SHEET_FLAGS), data)
    _about(workbook.create_sheet(SHEET_ABOUT), data)
    for ws in workbook.worksheets:
        _print_setup(ws)
    return save_deterministic(workbook, path)


def _scope3_sheet(workbook: Workbook, result: InventoryResult) -> None:
    """The Scope 3 sheet (after "Scope 2", before "Calculation trail"): ONE call into the
    Scope 3 area's module, which reads ``result.results`` (no recomputation) and writes through
    :mod:`carbonledger.reports.xlsx`. Scope 3 rows are also in the Summary, the Calculation
    trail and the Factors used sheet like every other row.
    """
    from carbonledger.reports.scope3_sheet import add_scope3_sheet  # Scope 3 area (issue 4)

    add_scope3_sheet(workbook, result)


# -- layout helpers ----------------------------------------------------------------------------
def _put(ws: Worksheet, row: int, column: int, value: Any, *, font: Font | None = None) -> None:
    write_key_values(ws, [[value]], start_row=row, start_col=column)
    if font is not None:
        ws.cell(row=row, column=column).font = font


def _title(ws: Worksheet, english: str, chinese: str, subtitle: str = "") -> int:
    _put(ws, 1, 1, f"{chinese}  {english}", font=_TITLE_FONT)
    ws.row_dimensions[1].height = 24
    if subtitle:
        _put(ws, 2, 1, subtitle, font=_SUBTITLE_FONT)
    return 4


def _section(ws: Worksheet, row: int, english: str, chinese: str, width: int = 6) -> int:
    _put(ws, row, 1, f"{english}  {chinese}", font=_SECTION_FONT)
    ws.row_dimensions[row].height = 20
    for column in range(1, width + 1):
        ws.cell(row=row, column=column).border = _SECTION_BORDER
    return row + 1


def _text_lines(text: object, width: float) -> int:
    """Lines a wrapped text needs in a column ``width`` characters wide (CJK counts double)."""
    lines = 0
    for part in str(text if text is not None else "").split("\n"):
        chars = sum(2.0 if ord(ch) >= 0x2E80 else 0.95 for ch in part)
        lines += max(1, math.ceil(chars / max(width - 1.5, 1.0)))
    return lines


def _width(ws: Worksheet, column: int) -> float:
    width = ws.column_dimensions[get_column_letter(column)].width
    return float(width) if width else 13.0


def _fit(ws: Worksheet, first_row: int, last_row: int, columns: Sequence[int], *, bold: bool = False) -> None:
    """Wrap ``columns`` and give rows first..last the height their text needs."""
    for row in range(first_row, last_row + 1):
        lines = 1
        for column in columns:
            cell = ws.cell(row=row, column=column)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            width = _width(ws, column) * (0.92 if bold else 1.0)
            lines = max(lines, _text_lines(cell.value, width))
        if lines > 1:
            ws.row_dimensions[row].height = 15 * lines
            for cell in ws[row]:
                if not cell.alignment.wrap_text:
                    cell.alignment = Alignment(vertical="top")


def _table(
    ws: Worksheet,
    frame: pd.DataFrame,
    start_row: int,
    headers: dict[str, tuple[str, str]],
    formats: dict[str, str] | None = None,
    *,
    freeze: bool = False,
    wrap: Sequence[str] = (),
    start_col: int = 1,
) -> int:
    """Write ``frame`` with bilingual headers under the sheet's column widths; returns the next
    free row. ``wrap`` columns get wrapped text and fitting row heights."""
    columns = [str(c) for c in frame.columns]
    widths = {c: _width(ws, start_col + j) for j, c in enumerate(columns)}
    end = write_table(
        ws,
        frame,
        start_row=start_row,
        start_col=start_col,
        number_formats={c: f for c, f in (formats or {}).items() if f != _QUANTITY},
        headers={c: _bi(*headers[c]) if c in headers else c for c in columns},
        freeze=False,
        widths=widths,
    )
    for j, column in enumerate(columns):
        if formats and formats.get(column) == _QUANTITY:
            _quantity_formats(ws, start_row + 1, start_col + j, frame[column])
    _fit(ws, start_row, start_row, range(start_col, start_col + len(columns)), bold=True)
    if wrap:
        positions = [start_col + columns.index(c) for c in wrap if c in columns]
        _fit(ws, start_row + 1, end - 1, positions)
    if freeze:
        ws.freeze_panes = ws.cell(row=start_row + 1, column=2)
        if len(frame):
            last = get_column_letter(start_col + len(columns) - 1)
            ws.auto_filter.ref = f"{get_column_letter(start_col)}{start_row}:{last}{end - 1}"
    return end


def _quantity_formats(ws: Worksheet, first_row: int, column: int, values: pd.Series) -> None:
    """Whole numbers as ``#,##0``, others with up to 6 decimals (no trailing point)."""
    for i, value in enumerate(values.to_numpy(dtype=object)):
        if isinstance(value, (int, float, np.integer, np.floating)) and not pd.isna(value):
            whole = float(value).is_integer()
            ws.cell(row=first_row + i, column=column).number_format = "#,##0" if whole else "#,##0.0#####"


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width


def _style_row(
    ws: Worksheet, row: int, columns: int, *, total: bool = False, fill: PatternFill | None = None
) -> None:
    for column in range(1, columns + 1):
        cell = ws.cell(row=row, column=column)
        if total:
            cell.font = _TOTAL_FONT
            cell.border = _TOTAL_BORDER
            cell.fill = _TOTAL_FILL
        if fill is not None:
            cell.fill = fill


def _flag_fill(ws: Worksheet, first_row: int, column: int, flags: Sequence[str]) -> None:
    """Colour flag cells by their most serious level (review: red, note: amber)."""
    for i, text in enumerate(flags):
        levels = [flag_level(f) for f in split_flags(text)]
        if not levels:
            continue
        worst = min(levels, key=level_rank)
        if worst in _FILLS:
            ws.cell(row=first_row + i, column=column).fill = _FILLS[worst]


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False


def _by(frame: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], float]:
    if frame.empty:
        return {}
    out: dict[tuple[str, ...], float] = {}
    for key, group in frame.groupby(keys, sort=True, observed=True, dropna=False):
        k = key if isinstance(key, tuple) else (key,)
        out[tuple(str(x) for x in k)] = _fsum(group["tco2e"].to_numpy())
    return out


def _chart_size(chart: Any, rows: int = 17, width: float = 16.0) -> None:
    chart.height, chart.width = rows * 0.5, width


# -- Summary -----------------------------------------------------------------------------------
_LOC = ("Location-based", "基于位置")
_MKT = ("Market-based", "基于市场")


def _summary(ws: Worksheet, data: _Data) -> None:
    result = data.result
    totals = result.totals()
    _widths(ws, [62, 36, 18, 18, 18, 18, 18, 18, 3])
    r = _title(
        ws,
        "Greenhouse gas inventory",
        "温室气体排放清单",
        "GHG Protocol Corporate Standard · Scope 2 Guidance (location- and market-based) · "
        "ISO 14064-1:2018 categories · t CO2e = tonnes of CO2 equivalent 吨二氧化碳当量",
    )
    instruments_source = result.instruments.attrs.get("source") if result.instruments is not None else None
    complete = result.complete
    meta: list[tuple[str, object]] = [
        ("Activity data file  活动数据文件", result.source),
        ("Instruments file  合同工具文件", instruments_source or "(none)"),
        ("Reporting year  报告年度", str(result.reporting_year or "(from the records)")),
        ("GWP set  全球变暖潜势", f"IPCC {result.gwp}, 100-year (GWP100)"),
        ("Factor sets, in priority order  排放因子库（优先顺序）", ", ".join(result.factor_sets)),
        (
            "Rows read / computed / rejected  读取/计算/拒绝行数",
            f"{result.rows_read} / {result.rows_computed} / {len(result.rows_rejected)}",
        ),
        (
            "Status  状态",
            "COMPLETE  完整: every row read was computed"
            if complete
            else "INCOMPLETE  不完整: rows with errors are in no total; see the Problems sheet",
        ),
    ]
    for label, value in meta:
        _put(ws, r, 1, label, font=_LABEL_FONT)
        _put(ws, r, 2, value)
        r += 1
    status = ws.cell(row=r - 1, column=2)
    status.fill = _FILLS["ok" if complete else "error"]
    status.font = _LABEL_FONT
    charts: list[Any] = []

    # headline with dual reporting ------------------------------------------------------------
    r = _section(
        ws, r + 1, "Emissions by scope, t CO2e (dual reporting of Scope 2)", "按范围汇总（范围二双重报告）"
    )
    by_scope = totals["by_scope"]
    loc_total, mkt_total = totals["tco2e"], totals["tco2e_market_based"]

    def share(value: float) -> float | None:
        return value / loc_total if loc_total else None

    headline = pd.DataFrame(
        [
            ("Scope 1 – Direct emissions", "范围一 直接排放", "Category 1", by_scope["1"], by_scope["1"]),
            (
                "Scope 2 – Indirect emissions from purchased energy",
                "范围二 外购能源间接排放",
                "Category 2",
                by_scope["2_location"],
                by_scope["2_market"],
            ),
            (
                "Scope 3 – Other indirect emissions",
                "范围三 其他间接排放",
                "Categories 3–6",
                by_scope["3"],
                by_scope["3"],
            ),
            ("Total (Scope 1 + 2 + 3)", "排放总量", "", loc_total, mkt_total),
            (
                "Memo: biogenic CO2, outside the scopes",
                "备忘：生物质CO2（范围外）",
                "",
                totals["biogenic_co2_t"],
                totals["biogenic_co2_t"],
            ),
            (
                "Memo: non-Kyoto gases (e.g. HCFC-22)",
                "备忘：非京都议定书气体",
                "",
                totals["memo_non_kyoto_tco2e"],
                totals["memo_non_kyoto_tco2e"],
            ),
        ],
        columns=["ghg", "zh", "iso", "location", "market"],
    )
    headline["share"] = [share(v) for v in headline["location"][:4]] + [None, None]
    head_row = r
    end = _table(
        ws,
        headline,
        r,
        {
            "ghg": ("GHG Protocol", "温室气体核算体系"),
            "zh": ("In Chinese", "中文"),
            "iso": ("ISO 14064-1:2018", "ISO 14064-1类别"),
            "location": _LOC,
            "market": _MKT,
            "share": ("Share", "占比（基于位置）"),
        },
        {"location": _T, "market": _T, "share": _PCT},
    )
    _style_row(ws, head_row + 4, 6, total=True)
    _put(
        ws,
        end,
        1,
        "Scope 1 and 3 are the same on both bases; only Scope 2 differs. The headline total uses location-based "
        "Scope 2, the market-based total is reported beside it (Scope 2 Guidance ch. 7).\n"
        "范围一、范围三在两种口径下相同，仅范围二不同；排放总量以基于位置的范围二计，同时报告基于市场的总量。",
        font=_SUBTITLE_FONT,
    )
    ws.merge_cells(start_row=end, start_column=1, end_row=end, end_column=6)
    ws.cell(row=end, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[end].height = 30
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Scope 1 + 2 + 3 (t CO2e)"
    chart.y_axis.number_format = "#,##0"
    chart.add_data(
        Reference(ws, min_col=4, max_col=5, min_row=head_row + 1, max_row=head_row + 3),
        from_rows=True,
        titles_from_data=False,
    )
    chart.set_categories(Reference(ws, min_col=4, max_col=5, min_row=head_row, max_row=head_row))
    for series, name in zip(chart.series, ("Scope 1", "Scope 2", "Scope 3"), strict=False):
        series.tx = SeriesLabel(v=name)
    charts.append(chart)
    r = end + 2

    # by ISO 14064-1 category -----------------------------------------------------------------
    r = _section(ws, r, "By ISO 14064-1:2018 category, t CO2e", "按ISO 14064-1类别")
    loc_iso = _by(data.location, ["iso_14064_category"])
    mkt_iso = _by(data.market, ["iso_14064_category"])
    scope3_of = {
        k: [n for n in range(1, 16) if category_info("3", str(n)).iso_category == k] for k in ISO_CATEGORIES
    }
    iso_rows = [
        (
            f"Category {k} – {ISO_CATEGORIES[k]}",
            _ISO_ZH[k],
            {"1": "Scope 1", "2": "Scope 2"}.get(k, "Scope 3: " + ", ".join(map(str, scope3_of[k]))),
            loc_iso.get((k,), 0.0),
            mkt_iso.get((k,), 0.0),
        )
        for k in sorted(ISO_CATEGORIES)
    ]
    start = r
    r = _table(
        ws,
        pd.DataFrame(iso_rows, columns=["label", "zh", "ghg", "location", "market"]),
        r,
        {
            "label": ("ISO 14064-1:2018 category", "ISO 14064-1类别"),
            "zh": ("In Chinese", "中文"),
            "ghg": ("GHG Protocol", "对应范围"),
            "location": _LOC,
            "market": _MKT,
        },
        {"location": _T, "market": _T},
        wrap=["label", "zh", "ghg"],
    )
    _put(
        ws,
        r,
        1,
        "Scope 3 categories → ISO categories 3–6: carbonledger's reading of ISO 14064-1 clause 5.2.4. "
        "范围三类别与ISO类别3–6的对应为carbonledger对5.2.4条的解读。",
        font=_SUBTITLE_FONT,
    )
    r += 2
    del start

    # by GHG Protocol category ----------------------------------------------------------------
    r = _section(ws, r, "By GHG Protocol category, t CO2e", "按温室气体核算体系类别")
    keys = ["scope", "category", "ghg_protocol_category", "iso_14064_category"]
    loc_cat, mkt_cat = _by(data.location, keys), _by(data.market, keys)
    cat_rows = [
        (
            label,
            _CATEGORY_ZH.get(category, category),
            f"Category {iso}" if iso else "",
            loc_cat.get(key, 0.0),
            mkt_cat.get(key, 0.0),
        )
        for key in sorted(set(loc_cat) | set(mkt_cat), key=_category_order)
        for _, category, label, iso in [key]
    ]
    cat_start = r
    r = (
        _table(
            ws,
            pd.DataFrame(cat_rows, columns=["label", "zh", "iso", "location", "market"]),
            r,
            {
                "label": ("GHG Protocol category", "温室气体核算体系类别"),
                "zh": ("In Chinese", "中文"),
                "iso": ("ISO 14064-1:2018", "ISO 14064-1类别"),
                "location": _LOC,
                "market": _MKT,
            },
            {"location": _T, "market": _T},
        )
        + 1
    )
    if cat_rows:
        pie = PieChart()
        pie.title = "By category, location-based"
        pie.add_data(
            Reference(ws, min_col=4, min_row=cat_start, max_row=cat_start + len(cat_rows)),
            titles_from_data=True,
        )
        pie.set_categories(Reference(ws, min_col=1, min_row=cat_start + 1, max_row=cat_start + len(cat_rows)))
        charts.append(pie)

    # by gas ----------------------------------------------------------------------------------
    r = _section(ws, r, "By gas", "按气体")
    loc_gas, mkt_gas = _by(data.location, ["gas"]), _by(data.market, ["gas"])
    gas_rows = []
    for (gas,) in sorted(set(loc_gas) | set(mkt_gas)):
        sub = data.location[data.location["gas"].astype(str) == gas]
        mass = _fsum(sub["mass_kg"].to_numpy(dtype=float)) / 1000.0 if gas != "CO2e" else None
        gas_rows.append((gas, _GAS_ZH.get(gas, ""), mass, loc_gas.get((gas,), 0.0), mkt_gas.get((gas,), 0.0)))
    gas_start = r
    r = _table(
        ws,
        pd.DataFrame(gas_rows, columns=["gas", "zh", "mass", "location", "market"]),
        r,
        {
            "gas": ("Gas", "气体"),
            "zh": ("In Chinese", "中文"),
            "mass": ("t of gas, location basis", "气体质量，吨"),
            "location": ("Location-based, t CO2e", "基于位置"),
            "market": ("Market-based, t CO2e", "基于市场"),
        },
        {"mass": _T, "location": _T, "market": _T},
    )
    _put(
        ws,
        r,
        1,
        "CO2e: amounts known only as CO2e (aggregate factors, contractual instruments).  CO2e：仅以CO2当量给出的数值。",
        font=_SUBTITLE_FONT,
    )
    r += 2
    if gas_rows:
        pie = PieChart()
        pie.title = "By gas, location-based"
        pie.add_data(
            Reference(ws, min_col=4, min_row=gas_start, max_row=gas_start + len(gas_rows)),
            titles_from_data=True,
        )
        pie.set_categories(Reference(ws, min_col=1, min_row=gas_start + 1, max_row=gas_start + len(gas_rows)))
        charts.append(pie)

    # by entity and by period -----------------------------------------------------------------
    for column, english, chinese in (("entity", "Entity", "单位/设施"), ("period", "Period", "期间")):
        r = _section(ws, r, f"By {english.lower()}, t CO2e", f"按{chinese}", 8)
        frame = _matrix(data.rows, column)
        start = r
        r = (
            _table(
                ws,
                frame,
                r,
                {
                    column: (english, chinese),
                    "share": ("Share of total, location-based", "占总量比例（基于位置）"),
                    "s1": ("Scope 1", "范围一"),
                    "s2l": ("Scope 2, location-based", "范围二 基于位置"),
                    "s2m": ("Scope 2, market-based", "范围二 基于市场"),
                    "s3": ("Scope 3", "范围三"),
                    "tl": ("Total, location-based", "总量 基于位置"),
                    "tm": ("Total, market-based", "总量 基于市场"),
                },
                {c: _T for c in ("s1", "s2l", "s2m", "s3", "tl", "tm")} | {"share": _PCT},
            )
            + 1
        )
        if column == "period" and len(frame) > 1:
            bars = BarChart()
            bars.type = "col"
            bars.grouping = "stacked"
            bars.overlap = 100
            bars.title = "By period: Scope 1 + Scope 2 location-based (t CO2e)"
            bars.y_axis.number_format = "#,##0"
            bars.add_data(
                Reference(ws, min_col=3, max_col=4, min_row=start, max_row=start + len(frame)),
                titles_from_data=True,
            )
            bars.set_categories(Reference(ws, min_col=1, min_row=start + 1, max_row=start + len(frame)))
            charts.append(bars)

    # data quality ----------------------------------------------------------------------------
    r = _section(
        ws,
        r,
        "Data-quality flags in this inventory (legend: Flags sheet)",
        "数据质量标记（说明见 Flags 工作表）",
    )
    quality = _flag_table(data)
    quality["meaning"] = quality["flag"] + " — " + quality["english"]
    quality_start = r
    r = _table(
        ws,
        quality[["meaning", "chinese", "level", "rows", "tco2e", "tco2e_market"]],
        r,
        {
            "meaning": ("Flag — meaning", "标记及含义"),
            "chinese": ("In Chinese", "中文说明"),
            "level": ("Level", "级别"),
            "rows": ("Result rows", "结果行数"),
            "tco2e": ("t CO2e with it, location-based", "涉及排放量（基于位置）"),
            "tco2e_market": ("t CO2e with it, market-based", "涉及排放量（基于市场）"),
        },
        {"tco2e": _T, "tco2e_market": _T, "rows": "#,##0"},
        wrap=["meaning", "chinese"],
    )
    for i, level in enumerate(quality["level"]):
        if level in _FILLS:
            ws.cell(row=quality_start + 1 + i, column=3).fill = _FILLS[str(level)]
    # charts in one column to the right of the tables, one under the other
    for k, item in enumerate(charts):
        _chart_size(item)
        ws.add_chart(item, f"J{4 + 18 * k}")


def _category_order(key: tuple[str, ...]) -> tuple[int, int, str]:
    scope, category = key[0], key[1]
    order = {"1": 0, "2": 1, "3": 2}.get(scope, 3)
    if scope == "1":
        position = list(SCOPE1_CATEGORIES).index(category) if category in SCOPE1_CATEGORIES else 99
    elif scope == "2":
        position = list(SCOPE2_CATEGORIES).index(category) if category in SCOPE2_CATEGORIES else 99
    else:
        position = int(category) if category.isdigit() else 99
    return order, position, category


def _matrix(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """t CO2e by ``column`` × scope basis, with location- and market-based totals."""
    out = pd.DataFrame(columns=[column, "share", "s1", "s2l", "s2m", "s3", "tl", "tm"])
    if rows.empty:
        return out
    sums = _by(rows, [column, "scope_key"])
    keys = sorted({k[0] for k in sums})
    records = []
    for key in keys:
        s1 = sums.get((key, "1"), 0.0)
        s2l = sums.get((key, "2_location"), 0.0)
        s2m = sums.get((key, "2_market"), 0.0)
        s3 = sums.get((key, "3"), 0.0)
        records.append(
            (key or "(none)", None, s1, s2l, s2m, s3, math.fsum([s1, s2l, s3]), math.fsum([s1, s2m, s3]))
        )
    frame = pd.DataFrame(records, columns=out.columns)
    total = math.fsum(frame["tl"])
    frame["share"] = frame["tl"] / total if total else None
    return frame


def _flag_table(data: _Data) -> pd.DataFrame:
    """Every flag in the results: its legend entry, result rows and location-basis t CO2e."""
    rows = data.rows
    columns = ["flag", "level", "english", "chinese", "rows", "tco2e", "tco2e_market"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    flags = rows["flags"].astype(str).map(split_flags)
    exploded = pd.DataFrame({"flag": flags, "tco2e": rows["tco2e"], "key": rows["scope_key"]}).explode("flag")
    exploded = exploded[exploded["flag"].notna()]
    out = []
    for flag, group in exploded.groupby("flag", sort=True):
        info = describe_flag(str(flag))
        in_location = group[group["key"].isin(_LOCATION_KEYS)]
        in_market = group[group["key"].isin(_MARKET_KEYS)]
        out.append(
            (
                str(flag),
                info.level if info else "",
                info.english
                if info
                else "(not in carbonledger's legend: see the factor set's documentation)",
                info.chinese if info else "（未收录，请参阅因子库文档）",
                len(group),
                _fsum(in_location["tco2e"].to_numpy()),
                _fsum(in_market["tco2e"].to_numpy()),
            )
        )
    frame = pd.DataFrame(out, columns=columns)
    frame["rank"] = frame["level"].map(level_rank)
    return frame.sort_values(["rank", "flag"], kind="stable").drop(columns="rank").reset_index(drop=True)


# -- Scope 2 -----------------------------------------------------------------------------------
def _scope2(ws: Worksheet, data: _Data) -> None:
    _widths(ws, [34, 22, 10, 8, 18, 12, 8, 40, 14, 26, 14, 40, 14, 14, 40])
    ws.column_dimensions["B"].width = 24
    r = _title(
        ws,
        "Scope 2: location-based and market-based",
        "范围二：基于位置与基于市场",
        "GHG Protocol Scope 2 Guidance (2015): both methods are reported (ch. 7)",
    )
    rows = data.rows
    s2 = rows[rows["scope"].astype(str) == "2"]
    loc_total = _fsum(s2[s2["scope_key"] == "2_location"]["tco2e"].to_numpy())
    mkt_total = _fsum(s2[s2["scope_key"] == "2_market"]["tco2e"].to_numpy())
    notes: list[tuple[str, object]] = [
        (
            "Location-based  基于位置",
            "average emission factor of the grid where the electricity is consumed: the most specific "
            "region on the record's chain (e.g. CN-CQ → CN-GRID-SOUTHWEST → CN) 用电所在电网的平均排放因子",
        ),
        (
            "Market-based  基于市场",
            "contractual instruments (certificates, green power, PPAs, supplier rates) applied in the order "
            "given, within their market boundary and vintage, without double use; consumption they do not "
            "cover × residual mix, or a flagged proxy where none is published 合同工具优先，其余用剩余组合因子或替代值",
        ),
        (
            "Heat and steam  热力和蒸汽",
            "without a supplier-specific factor the market-based result equals the location-based one "
            "无供应商特定因子时两种口径相同",
        ),
        ("Scope 2, location-based, t CO2e  范围二（基于位置）", loc_total),
        ("Scope 2, market-based, t CO2e  范围二（基于市场）", mkt_total),
        ("Difference (market − location), t CO2e  差值", mkt_total - loc_total),
    ]
    for label, value in notes:
        _put(ws, r, 1, label, font=_LABEL_FONT)
        _put(ws, r, 2, value)
        if isinstance(value, float):
            ws.cell(row=r, column=2).number_format = _T
            ws.cell(row=r, column=2).alignment = Alignment(horizontal="left")
        r += 1
    r = _section(ws, r + 1, "Per record", "逐条记录", 14)
    frame = _scope2_records(s2)
    first = r + 1
    r = _table(
        ws,
        frame,
        r,
        {
            "record_id": ("Record", "记录编号"),
            "entity": ("Entity", "单位/设施"),
            "period": ("Period", "期间"),
            "region": ("Region", "地区"),
            "activity": ("Activity", "活动"),
            "quantity": ("Quantity", "数量"),
            "unit": ("Unit", "单位"),
            "location_factor": ("Location-based factor", "基于位置的因子"),
            "location": ("Location-based, t CO2e", "基于位置"),
            "instruments": ("Instruments applied", "适用的合同工具"),
            "covered_mwh": ("Covered by instruments, MWh", "合同工具覆盖电量"),
            "market_factor": ("Market-based factor for the rest", "其余电量的市场因子"),
            "market": ("Market-based, t CO2e", "基于市场"),
            "difference": ("Market − location", "差值"),
            "flags": ("Flags (market-based)", "标记（基于市场）"),
        },
        {"location": _T, "market": _T, "difference": _T, "covered_mwh": "#,##0.000", "quantity": _QUANTITY},
    )
    _flag_fill(ws, first, 15, list(frame["flags"]))
    if len(frame):
        _put(ws, r, 1, "Total  合计", font=_TOTAL_FONT)
        _put(ws, r, 9, _fsum(frame["location"].to_numpy()))
        _put(ws, r, 11, _fsum(frame["covered_mwh"].to_numpy(dtype=float)))
        _put(ws, r, 13, _fsum(frame["market"].to_numpy()))
        _put(ws, r, 14, _fsum(frame["market"].to_numpy()) - _fsum(frame["location"].to_numpy()))
        for column in (9, 13, 14):
            ws.cell(row=r, column=column).number_format = _T
        ws.cell(row=r, column=11).number_format = "#,##0.000"
        _style_row(ws, r, 15, total=True)
        r += 1
    r = _section(ws, r + 1, "Contractual instruments", "合同工具", 14)
    r = _table(
        ws,
        _instrument_table(data)[
            [
                "instrument_id",
                "type",
                "vintage",
                "market_boundary",
                "type_label",
                "mwh",
                "records",
                "description",
                "applied_mwh",
                "status",
                "covers",
            ]
        ],
        r,
        {
            "instrument_id": ("Instrument", "编号"),
            "type": ("Type", "类型"),
            "type_label": ("Description of type", "类型说明"),
            "mwh": ("Quantity, MWh", "电量"),
            "vintage": ("Vintage", "生产年份"),
            "market_boundary": ("Market boundary", "市场边界"),
            "covers": ("Covers", "覆盖范围"),
            "applied_mwh": ("Applied, MWh", "已使用电量"),
            "records": ("Records covered", "覆盖的记录数"),
            "status": ("Status", "状态"),
            "description": ("Description", "描述"),
        },
        {"mwh": "#,##0.000", "applied_mwh": "#,##0.000", "vintage": "0"},
        wrap=["type_label", "covers", "description", "status"],
    )
    _put(
        ws,
        r,
        1,
        "Instruments that fail a check (type, vintage, boundary, or more MWh than the consumption they "
        "cover) are not applied and are listed on the Problems sheet. 未通过检查的合同工具不予采用，见 Problems 工作表。",
        font=_SUBTITLE_FONT,
    )


def _scope2_records(s2: pd.DataFrame) -> pd.DataFrame:
    """One row per Scope 2 record: both bases side by side (grouped, no per-record loop)."""
    columns = [
        "record_id", "entity", "period", "region", "activity", "quantity", "unit", "location_factor",
        "location", "instruments", "covered_mwh", "market_factor", "market", "difference", "flags",
    ]  # fmt: skip
    if s2.empty:
        return pd.DataFrame(columns=columns)
    order = pd.unique(s2["record_pos"].to_numpy())
    first = s2.drop_duplicates("record_pos").set_index("record_pos")
    out = first.loc[order, ["record_id", "entity", "period", "region", "activity", "quantity", "unit"]].copy()
    key = s2["scope_key"].astype(str)
    loc = s2[key == "2_location"]
    mkt = s2[key == "2_market"]
    is_instrument = mkt["factor_set"].astype(str) == "instruments"
    instr, rest = mkt[is_instrument], mkt[~is_instrument]
    out["location_factor"] = _joined(loc, _factor_texts(loc)).reindex(order)
    out["location"] = loc.groupby("record_pos")["tco2e"].sum().reindex(order).fillna(0.0)
    out["instruments"] = _joined(instr, instr["factor_id"].astype(str)).reindex(order)
    covered = pd.to_numeric(
        instr["parameters"].astype(str).str.extract(_COVERED, expand=False), errors="coerce"
    )
    out["covered_mwh"] = covered.groupby(instr["record_pos"].to_numpy()).sum(min_count=1).reindex(order)
    out["market_factor"] = _joined(rest, _factor_texts(rest)).reindex(order)
    out["market"] = mkt.groupby("record_pos")["tco2e"].sum().reindex(order).fillna(0.0)
    out["difference"] = out["market"] - out["location"]
    flags = pd.DataFrame(
        {"record_pos": mkt["record_pos"].to_numpy(), "flag": mkt["flags"].astype(str).str.split("|")}
    )
    flags = flags.explode("flag")
    flags = flags[flags["flag"].notna() & (flags["flag"] != "") & (flags["flag"] != "nan")]
    out["flags"] = _joined(flags, flags["flag"]).reindex(order)
    out = out.reset_index(drop=True)
    for column in ("location_factor", "instruments", "market_factor", "flags"):
        out[column] = out[column].fillna("")
    return out[columns]


def _factor_texts(rows: pd.DataFrame) -> pd.Series:
    """``set factor = value unit`` per row, formatted once per distinct factor."""
    if rows.empty:
        return pd.Series([], dtype=object)
    keys = pd.MultiIndex.from_arrays(
        [
            rows["factor_full_id"].astype(str),
            rows["factor_id"].astype(str),
            rows["factor_value"].astype(float),
            rows["factor_unit"].astype(str),
        ]
    )
    codes, uniques = pd.factorize(keys)
    texts = np.array(
        [
            f"{full_id} {factor_id} = {'' if np.isnan(value) else f'{value:.6g}'} {unit}".strip()
            for full_id, factor_id, value, unit in uniques
        ],
        dtype=object,
    )
    return pd.Series(texts[codes], index=rows.index)


def _joined(rows: pd.DataFrame, texts: pd.Series) -> pd.Series:
    """Distinct texts per record, in order of appearance, joined with '; ' (or '|' for flags)."""
    if rows.empty:
        return pd.Series([], dtype=object)
    frame = pd.DataFrame({"record_pos": rows["record_pos"].to_numpy(), "text": texts.to_numpy()})
    frame = frame.drop_duplicates()
    separator = "|" if texts.name == "flag" else "; "
    return frame.groupby("record_pos", sort=False)["text"].agg(separator.join)


def _instrument_table(data: _Data) -> pd.DataFrame:
    from carbonledger.inventory.scope2 import INSTRUMENT_TYPES

    columns = [
        "instrument_id",
        "type",
        "type_label",
        "mwh",
        "vintage",
        "market_boundary",
        "covers",
        "applied_mwh",
        "records",
        "status",
        "description",
    ]
    table = data.result.instruments
    if table is None or table.empty:
        return pd.DataFrame(columns=columns)
    used = data.rows[data.rows["factor_set"].astype(str) == "instruments"]
    records = used.groupby("factor_id", observed=True)["record_id"].nunique()
    out = []
    for _, instr in table.iterrows():
        iid = str(instr["instrument_id"])
        applied = iid in records.index
        out.append(
            (
                iid,
                instr["type"],
                INSTRUMENT_TYPES.get(str(instr["type"]), ""),
                instr["mwh"],
                instr["vintage"],
                instr["market_boundary"],
                instr["covers"] or "(all electricity records in the boundary)",
                instr["mwh"] if applied else 0.0,
                int(records.get(iid, 0)),
                "applied  已采用" if applied else "NOT applied — see Problems  未采用",
                instr.get("description", ""),
            )
        )
    return pd.DataFrame(out, columns=columns)


# -- Calculation trail -------------------------------------------------------------------------
_TRAIL: dict[str, tuple[str, str, str | None, float]] = {
    # column: (English, 中文, number format, width)
    "record_id": ("Record", "记录编号", None, 18),
    "row": ("Source row", "源文件行号", "0", 10),
    "entity": ("Entity", "单位/设施", None, 22),
    "period": ("Period", "期间", None, 10),
    "region": ("Region", "地区", None, 10),
    "activity": ("Activity", "活动", None, 20),
    "description": ("Description", "描述", None, 30),
    "quantity": ("Quantity", "活动数据", _QUANTITY, 12),
    "unit": ("Unit", "单位", None, 10),
    "reported_in": ("Reported in", "计入", None, 34),
    "ghg_protocol_category": ("GHG Protocol category", "温室气体核算体系类别", None, 30),
    "iso_14064_category": ("ISO 14064-1 category", "ISO 14064-1类别", None, 14),
    "gas": ("Gas", "气体", None, 10),
    "mass_kg": ("Mass, kg of gas", "气体质量，千克", _KG, 14),
    "gwp": ("GWP set", "GWP版本", None, 9),
    "co2e_kg": ("kg CO2e", "千克CO2当量", _KG, 14),
    "tco2e": ("t CO2e", "吨CO2当量", "#,##0.000000", 14),
    "method": ("Method", "方法", None, 22),
    "factor_set": ("Factor set", "因子库", None, 18),
    "factor_edition": ("Edition", "版本", None, 10),
    "factor_id": ("Factor", "因子编号", None, 30),
    "factor_value": ("Factor value", "因子值", "General", 11),
    "factor_unit": ("Factor unit", "因子单位", None, 14),
    "factor_gwp_basis": ("Factor GWP basis", "因子GWP依据", None, 12),
    "parameters": ("Parameters", "参数", None, 40),
    "flags": ("Flags", "标记", None, 40),
    "lineage": ("Lineage", "溯源", None, 80),
    "scope_key": ("Basis key", "口径代码", None, 10),
    "scope": ("Scope", "范围", None, 8),
    "category": ("Category key", "类别代码", None, 18),
    "scope2_method": ("Scope 2 method", "范围二方法", None, 12),
    "factor_full_id": ("Factor set edition", "因子库版本", None, 24),
}
_TRAIL_HIDDEN = ("record_pos", "kind", "iso_14064_label")


def _trail(ws: Worksheet, data: _Data) -> None:
    rows = data.rows.copy()
    rows["reported_in"] = (
        rows["scope_key"].astype(str).map(lambda k: "  ".join(SCOPE_LABELS.get(k, (k, ""))).strip())
    )
    known = [c for c in _TRAIL if c in rows.columns]
    extra = [c for c in rows.columns if c not in _TRAIL and c not in _TRAIL_HIDDEN]  # e.g. Scope 3 DQI
    frame = rows[known + extra]
    write_table(
        ws,
        frame,
        number_formats={c: f for c, (_, _, f, _) in _TRAIL.items() if f and f != _QUANTITY},
        headers={c: _bi(en, zh) for c, (en, zh, _, _) in _TRAIL.items()},
        widths={c: w for c, (_, _, _, w) in _TRAIL.items()} | {c: 16.0 for c in extra},
    )
    _quantity_formats(ws, 2, known.index("quantity") + 1, frame["quantity"])
    _fit(ws, 1, 1, range(1, len(frame.columns) + 1), bold=True)
    ws.freeze_panes = "B2"
    if len(frame):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
        _flag_fill(ws, 2, known.index("flags") + 1, list(frame["flags"].astype(str)))
    ws.print_title_rows = "1:1"


# -- Factors used ------------------------------------------------------------------------------
def _factors(ws: Worksheet, data: _Data) -> None:
    _widths(ws, [26, 30, 34, 20, 10, 22, 44, 36, 10, 8, 14, 14, 10, 36, 50, 60, 50])
    r = _title(
        ws,
        "Emission factors used",
        "所用排放因子",
        "Every factor a result row used, its published values, where in the original they are, and the "
        "citation and licence of its set. 每个因子的发布值、原始出处、引用与许可。",
    )
    frame = data.factor_tables[0]
    first = r + 1
    r = _table(
        ws,
        frame,
        r,
        {
            "factor_full_id": ("Factor set edition", "因子库版本"),
            "factor_id": ("Factor", "因子编号"),
            "name": ("Name", "名称"),
            "activity": ("Activity", "活动"),
            "region": ("Region", "地区"),
            "valid": ("Valid", "有效期"),
            "values": ("Published values", "发布值"),
            "applied": ("As applied", "采用值"),
            "gwp_basis": ("Factor GWP basis", "GWP依据"),
            "records": ("Records", "记录数"),
            "location": ("t CO2e, location basis", "基于位置"),
            "market": ("t CO2e, market basis", "基于市场"),
            "confidence": ("Confidence", "可信度"),
            "flags": ("Flags", "标记"),
            "source_ref": ("Where in the original", "原始文件中的位置"),
            "citation": ("Citation", "引用"),
            "licence": ("Licence", "许可"),
        },
        {"location": _T, "market": _T, "records": "0"},
        wrap=["name", "values", "applied", "flags", "source_ref", "citation", "licence"],
        freeze=True,
    )
    _flag_fill(ws, first, 14, list(frame["flags"]))
    _put(
        ws,
        r,
        1,
        "Full references of the sets, with the SHA-256 of the publishers' original files: sheet Sources. "
        "因子库完整出处及原始文件SHA-256见 Sources 工作表。",
        font=_SUBTITLE_FONT,
    )


def _sources(ws: Worksheet, data: _Data) -> None:
    _widths(ws, [26, 40, 40, 30, 44, 36, 16, 10, 60, 70])
    r = _title(
        ws,
        "Sources cited",
        "引用来源",
        "The factor sets whose values this inventory used, as recorded in each set's manifest. "
        "本清单所用因子库的出处（取自各因子库的清单文件）。",
    )
    sets = data.factor_tables[1]
    _table(
        ws,
        sets[
            [
                "set",
                "title",
                "publisher",
                "url",
                "licence",
                "attribution",
                "gwp_basis",
                "confidence",
                "confidence_notes",
                "originals",
            ]
        ],
        r,
        {
            "set": ("Factor set edition", "因子库版本"),
            "title": ("Title", "标题"),
            "publisher": ("Publisher", "发布方"),
            "url": ("URL", "网址"),
            "licence": ("Licence", "许可"),
            "attribution": ("Attribution", "署名"),
            "gwp_basis": ("GWP basis", "GWP依据"),
            "confidence": ("Confidence", "可信度"),
            "confidence_notes": ("Confidence notes", "可信度说明"),
            "originals": ("Original files (SHA-256)", "原始文件（SHA-256）"),
        },
        wrap=["title", "publisher", "url", "licence", "attribution", "confidence_notes", "originals"],
        freeze=True,
    )


def _factor_rows(data: _Data) -> tuple[pd.DataFrame, pd.DataFrame]:
    columns = [
        "factor_full_id",
        "factor_id",
        "name",
        "activity",
        "region",
        "valid",
        "values",
        "applied",
        "gwp_basis",
        "records",
        "location",
        "market",
        "confidence",
        "flags",
        "source_ref",
        "citation",
        "licence",
    ]
    rows = data.rows
    set_columns = [
        "set",
        "title",
        "publisher",
        "url",
        "licence",
        "attribution",
        "gwp_basis",
        "confidence",
        "confidence_notes",
        "originals",
    ]
    if rows.empty:
        return pd.DataFrame(columns=columns), pd.DataFrame(columns=set_columns)
    out = []
    cited: dict[str, Any] = {}
    keys = rows[["factor_full_id", "factor_id"]].astype(str).drop_duplicates()
    keys = keys.sort_values(["factor_full_id", "factor_id"], kind="stable")
    for full_id, factor_id in keys.itertuples(index=False):
        used = rows[
            (rows["factor_full_id"].astype(str) == full_id) & (rows["factor_id"].astype(str) == factor_id)
        ]
        applied = "; ".join(
            dict.fromkeys(
                f"{g} {v:.6g} {u}" if isinstance(v, float) and not math.isnan(v) else f"{g} {u}"
                for g, v, u in zip(
                    used["gas"].astype(str),
                    used["factor_value"],
                    used["factor_unit"].astype(str),
                    strict=True,
                )
            )
        )
        factor_set = _load_set(data.store, full_id)
        info: dict[str, str] = {
            "name": "",
            "activity": "",
            "region": "",
            "valid": "",
            "values": "",
            "confidence": "",
            "flags": "",
            "source_ref": "",
        }
        citation, licence = _special_citation(full_id), ""
        if factor_set is not None:
            manifest = factor_set.manifest
            cited[manifest.full_id] = manifest
            citation = (
                f"{manifest.publisher}, {manifest.title}, edition {manifest.edition}. {manifest.source_url}"
            )
            licence = manifest.licence
            info.update(_published(factor_set, factor_id))
        loc = used[used["scope_key"].isin(_LOCATION_KEYS)]
        mkt = used[used["scope_key"].isin(_MARKET_KEYS)]
        out.append(
            (
                full_id,
                factor_id,
                info["name"],
                info["activity"] or "; ".join(dict.fromkeys(used["activity"].astype(str))),
                info["region"],
                info["valid"],
                info["values"],
                applied,
                "; ".join(
                    dict.fromkeys(str(b) for b in used["factor_gwp_basis"] if str(b) not in ("", "nan"))
                ),
                used["record_id"].nunique(),
                _fsum(loc["tco2e"].to_numpy()),
                _fsum(mkt["tco2e"].to_numpy()),
                info["confidence"],
                "|".join(dict.fromkeys(f for v in used["flags"] for f in split_flags(v))),
                info["source_ref"],
                citation,
                licence,
            )
        )
    sets = [
        (
            m.full_id,
            m.title,
            m.publisher,
            m.source_url,
            m.licence,
            m.attribution,
            m.gwp_basis,
            m.confidence,
            " ".join(m.confidence_notes),
            "; ".join(f"{o.path} sha256:{o.sha256}" for o in m.originals),
        )
        for _, m in sorted(cited.items())
    ]
    return pd.DataFrame(out, columns=columns), pd.DataFrame(sets, columns=set_columns)


def _load_set(store: FactorStore | None, full_id: str) -> Any:
    if store is None or full_id in ("", "inline", "mass_balance", "nan") or full_id.startswith("instrument:"):
        return None
    try:
        ids = store.resolve_ref(full_id)
        return store.load(ids[-1] if ids else full_id)
    except Exception:
        return None


def _published(factor_set: Any, factor_id: str) -> dict[str, str]:
    """The published rows of one factor (values, validity, source reference, confidence)."""
    table = factor_set.tables.get("factors")
    if table is None:
        table = factor_set.tables.get("gwp")
    if table is None or "factor_id" not in table.columns:
        return {}
    sel = table[table["factor_id"].astype(str) == factor_id]
    if sel.empty:
        return {}

    def join(column: str) -> str:
        if column not in sel.columns:
            return ""
        return "; ".join(dict.fromkeys(str(v) for v in sel[column] if str(v) not in ("", "nan")))

    values = []
    for row in sel.itertuples(index=False):
        label = getattr(row, "gas", "") or getattr(row, "parameter", "")
        if str(label) in ("", "nan"):
            label = getattr(row, "parameter", "")
        values.append(f"{label} {getattr(row, 'value', '')} {getattr(row, 'unit', '')}".strip())
    valid_from, valid_to = join("valid_from"), join("valid_to")
    return {
        "name": join("name"),
        "activity": join("activity"),
        "region": join("region"),
        "valid": f"{valid_from} – {valid_to}" if valid_from or valid_to else "",
        "values": "; ".join(values),
        "confidence": join("confidence"),
        "source_ref": join("source_ref"),
    }


def _special_citation(full_id: str) -> str:
    if full_id == "inline":
        return "user-supplied factor on the record (activity data file) 报告主体提供的因子"
    if full_id.startswith("instrument:"):
        return "contractual instrument from the instruments file 合同工具文件"
    if full_id == "mass_balance":
        return "carbon mass balance with the stated CO2/C factor 碳质量平衡"
    return ""


# -- Problems ----------------------------------------------------------------------------------
def _problems(ws: Worksheet, data: _Data) -> None:
    _widths(ws, [48, 22, 12, 7, 16, 18, 70, 24, 60, 16])
    result = data.result
    r = _title(
        ws,
        "Problems found",
        "问题清单",
        "Every problem of the run, errors first. 本次运行发现的全部问题，错误在前。",
    )
    errors = [p for p in result.problems if p.severity == "error"]
    warnings = [p for p in result.problems if p.severity != "error"]
    facts: list[tuple[str, object]] = [
        ("Errors  错误", len(errors)),
        ("Warnings  警告", len(warnings)),
        ("Activity rows read  读取的活动数据行", result.rows_read),
        ("Rows computed  已计算行", result.rows_computed),
        ("Rows rejected (not in any total)  被拒绝的行（不计入总量）", len(result.rows_rejected)),
        (
            "Check  核对",
            f"{result.rows_read} read = {result.rows_computed} computed + {len(result.rows_rejected)} rejected"
            + ("  ✓" if result.rows_read == result.rows_computed + len(result.rows_rejected) else "  ✗"),
        ),
    ]
    if result.instruments is not None or result.instrument_rows_read:
        facts.append(
            (
                "Instrument rows read / rejected  合同工具 读取/拒绝",
                f"{result.instrument_rows_read} / {len(result.instrument_rows_rejected)}",
            )
        )
    for label, value in facts:
        _put(ws, r, 1, label, font=_LABEL_FONT)
        _put(ws, r, 2, value)
        ws.cell(row=r, column=2).alignment = Alignment(horizontal="left")
        r += 1
    r += 1
    ordered = sorted(
        result.problems, key=lambda p: (p.severity != "error", p.file or "", p.sheet or "", p.row or 0)
    )
    frame = pd.DataFrame(
        [p.to_dict() for p in ordered],
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
        _put(ws, r, 1, "No problems found.  未发现问题。", font=_SECTION_FONT)
        ws.cell(row=r, column=1).fill = _FILLS["ok"]
        _widths(ws, [48, 40])
        return
    first = r + 1
    _table(
        ws,
        frame,
        r,
        {
            "severity": ("Severity", "级别"),
            "file": ("File", "文件"),
            "sheet": ("Sheet", "工作表"),
            "row": ("Row", "行号"),
            "record_id": ("Record", "记录编号"),
            "field": ("Field", "字段"),
            "message": ("Problem", "问题"),
            "value": ("Value found", "实际值"),
            "accepted": ("What would be accepted", "可接受的值"),
            "code": ("Code", "代码"),
        },
        {"row": "0"},
        freeze=True,
    )
    for i, severity in enumerate(frame["severity"]):
        ws.cell(row=first + i, column=1).fill = _FILLS.get(str(severity), _FILLS["warning"])


# -- Flags legend ------------------------------------------------------------------------------
def _flags(ws: Worksheet, data: _Data) -> None:
    _widths(ws, [30, 9, 70, 50, 14, 18, 18])
    r = _title(
        ws,
        "Data-quality flags: legend",
        "数据质量标记说明",
        "Each result row lists its flags in the Calculation trail; this sheet says what they mean and "
        "how much of the inventory carries each one.",
    )
    for level, (english, chinese) in _LEVELS.items():
        _put(ws, r, 1, level, font=_LABEL_FONT)
        if level in _FILLS:
            ws.cell(row=r, column=1).fill = _FILLS[level]
        _put(ws, r, 2, f"{english}  {chinese}")
        r += 1
    r += 1
    used = _flag_table(data).set_index("flag") if not data.rows.empty else pd.DataFrame()
    entries = []
    for name, info in FLAGS.items():
        rows_with = used.loc[name, "rows"] if name in used.index else 0
        tonnes = used.loc[name, "tco2e"] if name in used.index else 0.0
        tonnes_market = used.loc[name, "tco2e_market"] if name in used.index else 0.0
        entries.append((name, info.level, info.english, info.chinese, rows_with, tonnes, tonnes_market))
    for name in used.index if len(used) else []:  # parameterised (regwp:…) and unknown flags
        if name not in FLAGS:
            entries.append(
                (
                    name,
                    *used.loc[
                        name, ["level", "english", "chinese", "rows", "tco2e", "tco2e_market"]
                    ].tolist(),
                )
            )
    frame = pd.DataFrame(
        entries, columns=["flag", "level", "english", "chinese", "rows", "tco2e", "tco2e_market"]
    )
    frame["rank"] = frame["level"].map(level_rank)
    frame["unused"] = frame["rows"] == 0
    frame = frame.sort_values(["unused", "rank", "flag"], kind="stable").drop(columns=["rank", "unused"])
    first = r + 1
    _table(
        ws,
        frame.reset_index(drop=True),
        r,
        {
            "flag": ("Flag", "标记"),
            "level": ("Level", "级别"),
            "english": ("Meaning", "含义"),
            "chinese": ("中文说明", "含义"),
            "rows": ("Result rows in this workbook", "本工作簿中的结果行数"),
            "tco2e": ("t CO2e with it, location-based", "涉及排放量（基于位置）"),
            "tco2e_market": ("t CO2e with it, market-based", "涉及排放量（基于市场）"),
        },
        {"tco2e": _T, "tco2e_market": _T, "rows": "#,##0"},
        freeze=True,
        wrap=["english", "chinese"],
    )
    for i, level in enumerate(frame["level"]):
        if level in _FILLS:
            ws.cell(row=first + i, column=1).fill = _FILLS[str(level)]


# -- About -------------------------------------------------------------------------------------
def _about(ws: Worksheet, data: _Data) -> None:
    _widths(ws, [30, 120])
    result = data.result
    r = _title(ws, "About this workbook", "关于本工作簿")
    try:
        version = metadata.version("carbonledger")
    except metadata.PackageNotFoundError:
        version = "unknown"
    notes: list[tuple[str, str]] = [
        (
            "Standards  标准",
            "GHG Protocol Corporate Accounting and Reporting Standard (revised); GHG Protocol Scope 2 "
            "Guidance (2015); GHG Protocol Corporate Value Chain (Scope 3) Standard (2011); ISO 14064-1:2018 "
            "clause 5.2.4 categories 1–6. The mapping of Scope 3 categories onto ISO categories 3–6 is "
            "carbonledger's reading of clause 5.2.4, not a table of either standard.",
        ),
        (
            "Headline total  排放总量",
            "Scope 1 + Scope 2 location-based + Scope 3; the total with market-based Scope 2 is reported "
            "beside it. Biogenic CO2 and non-Kyoto gases are memo items in no total.",
        ),
        (
            "Factor method  因子法",
            "E_gas = quantity × EF_gas (units converted by pint); with a measured NCV: quantity × NCV × "
            "EF_gas per energy. CO2e = gas mass × GWP100 of the run's GWP set.",
        ),
        (
            "Carbon-content method  碳含量法",
            "China MEE / GB/T 32151: E_CO2 = FC × NCV × CC × OF × 44/12 (FC fuel consumed, NCV net calorific "
            "value, CC carbon content per heat, OF oxidation rate); measured values on a record override the "
            "defaults.",
        ),
        (
            "Refrigerants  制冷剂",
            "release: the mass released (recharged); screening: charge × annual leak rate; mass balance: "
            "inputs − outputs. CO2e by the gas's (or blend's) GWP.",
        ),
        (
            "Scope 2 market-based  范围二基于市场",
            "instruments in input order, within market boundary and vintage (reporting year, or the adjacent "
            "year flagged), no double use; the rest × residual mix, or a flagged proxy.",
        ),
        (
            "GWP  全球变暖潜势",
            f"IPCC {result.gwp} 100-year values. Per-gas factors published in another basis are re-weighted "
            "(flag regwp:…); aggregate CO2e factors keep their publisher's basis (flag gwp_basis_differs:…).",
        ),
        (
            "Numbers  数值",
            "no rounding in the calculation; cells show t CO2e to 3 decimals (1 kg), the stored value is "
            "unrounded. Every summary figure is an exact sum (math.fsum) of Calculation trail rows.",
        ),
        (
            "Text cells  文本单元格",
            "text from input files that a spreadsheet could read as a formula (= + - @) is stored as text.",
        ),
        (
            "Reproducibility  可复现性",
            f"carbonledger {version}; the same inputs give a byte-identical workbook.",
        ),
        ("Factor sets  因子库", ", ".join(result.factor_sets)),
    ]
    for label, text in notes:
        _put(ws, r, 1, label, font=_LABEL_FONT)
        _put(ws, r, 2, text)
        ws.cell(row=r, column=1).alignment = Alignment(vertical="top")
        _fit(ws, r, r, [2])
        r += 1
