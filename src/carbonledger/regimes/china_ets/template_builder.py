"""Build the bilingual facility templates (``templates/china_ets_<sector>.xlsx``), deterministically.

    python -m carbonledger.regimes.china_ets.template_builder templates/

writes one workbook per sector; :func:`build_workbook` also fills a workbook from example data
(used for ``examples/``). The sheets and columns come from :mod:`.layout`, the same definitions
the reader uses. Files are saved with :func:`carbonledger.reports.xlsx.save_deterministic`, so
the same inputs give the same bytes.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from carbonledger.regimes.china_ets.layout import (
    ALLOWANCE_FIELDS,
    ENERGY_COLUMNS,
    FUEL_COLUMNS,
    INFO_FIELDS,
    PARAMETER_COLUMNS,
    PROCESS_COLUMNS,
    PROCESS_TYPES,
    Column,
    SheetNames,
    fuel_vocabulary,
    production_columns,
)
from carbonledger.regimes.china_ets.sectors import SECTORS
from carbonledger.reports.xlsx import HEADER_FILL, HEADER_FONT, safe_value, save_deterministic

__all__ = ["build_templates", "build_workbook"]

LISTS = "词表 Lists"
_KEY_FONT = Font(italic=True, color="FF595959", size=9)
_KEY_FILL = PatternFill("solid", start_color="FFD9E1F2", end_color="FFD9E1F2")
_TITLE = Font(bold=True, size=14)
_BOLD = Font(bold=True)


def _put(ws: Worksheet, row: int, column: int, value: Any) -> Any:
    """Write a cell; text that looks like a formula stays text (as reports.xlsx does)."""
    cell = ws.cell(row=row, column=column)
    value = safe_value(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _fuel_names() -> list[tuple[str, str, str]]:
    seen: dict[str, tuple[str, str, str]] = {}
    for activity, zh, en in fuel_vocabulary().values():
        seen.setdefault(activity, (zh, activity.split("/", 1)[1], en))
    return sorted(seen.values(), key=lambda x: x[1])


def _table_sheet(ws: Worksheet, columns: Sequence[Column], rows: Sequence[Mapping[str, Any]] = ()) -> None:
    for j, column in enumerate(columns, start=1):
        top = ws.cell(row=1, column=j, value=column.zh)
        top.font = HEADER_FONT
        top.fill = HEADER_FILL
        top.alignment = Alignment(wrap_text=True, vertical="top")
        key = ws.cell(row=2, column=j, value=column.key)
        key.font = _KEY_FONT
        key.fill = _KEY_FILL
        ws.column_dimensions[get_column_letter(j)].width = column.width
    ws.freeze_panes = "A3"
    for i, record in enumerate(rows, start=3):
        for j, column in enumerate(columns, start=1):
            value = record.get(column.key)
            if value is not None:
                _put(ws, i, j, value)


def _key_value_sheet(ws: Worksheet, fields: Sequence[Column], values: Mapping[str, Any]) -> None:
    for j, title in enumerate(("项目", "key", "值 value", "说明 note"), start=1):
        cell = ws.cell(row=1, column=j, value=title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for i, field in enumerate(fields, start=2):
        ws.cell(row=i, column=1, value=field.zh)
        ws.cell(row=i, column=2, value=field.key).font = _KEY_FONT
        if values.get(field.key) is not None:
            _put(ws, i, 3, values[field.key])
        ws.cell(row=i, column=4, value=field.en)
    for letter, width in zip("ABCD", (28, 18, 36, 48), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"


def _validation(ws: Worksheet, column: int, source: str, rows: int = 400) -> None:
    letter = get_column_letter(column)
    dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=False)
    dv.add(f"{letter}3:{letter}{rows}")
    ws.add_data_validation(dv)


def _lists_sheet(wb: Workbook, sector: str) -> dict[str, str]:
    ws = wb.create_sheet(LISTS)
    refs: dict[str, str] = {}
    fuels = _fuel_names()
    ws.cell(row=1, column=1, value="燃料 fuel").font = _BOLD
    for i, (zh, key, _en) in enumerate(fuels, start=2):
        ws.cell(row=i, column=1, value=f"{zh} {key}")
    refs["fuel"] = f"'{LISTS}'!$A$2:$A${len(fuels) + 1}"
    types = SECTORS[sector].process_types
    ws.cell(row=1, column=2, value="过程类型 type").font = _BOLD
    for i, t in enumerate(types, start=2):
        ws.cell(row=i, column=2, value=t)
    refs["type"] = f"'{LISTS}'!$B$2:$B${len(types) + 1}"
    materials = [m for t in types for m in PROCESS_TYPES[t].materials]
    ws.cell(row=1, column=3, value="物料 material").font = _BOLD
    for i, m in enumerate(dict.fromkeys(m.key for m in materials), start=2):
        ws.cell(row=i, column=3, value=m)
    refs["material"] = f"'{LISTS}'!$C$2:$C${len(dict.fromkeys(m.key for m in materials)) + 1}"
    ws.cell(row=1, column=4, value="含碳量取值 cc_basis").font = _BOLD
    for i, v in enumerate(("measured", "default"), start=2):
        ws.cell(row=i, column=4, value=v)
    refs["cc_basis"] = f"'{LISTS}'!$D$2:$D$3"
    ws.sheet_state = "hidden"
    return refs


def _readme(ws: Worksheet, sector: str) -> None:
    s = SECTORS[sector]
    lines: list[tuple[Any, ...]] = [
        (f"全国碳排放权交易市场 {s.zh}行业 温室气体排放核算数据填报模板",),
        (f"China national ETS — {s.en}: facility data template for carbonledger",),
        (),
        ("核算依据 Guideline", s.guideline),
        ("命令 Command", f"carbonledger ets china FACILITY.xlsx --sector {sector} --year 2025 --out report.xlsx"),
        (),
        ("填报步骤 Steps",),
        ("1", "基本信息：企业名称、省份（ISO 代码，如 CN-CQ 重庆）、报告年度。",
         "Info: name, province (ISO 3166-2 code such as CN-CQ), reporting year."),
        ("2", "燃料：每种燃料每月一行（1-12月，无消耗填 0）。消耗量可直接填写，或填写购入量与期初/期末库存。",
         "Fuels: one row per fuel and month (1-12; 0 for a month without use). Give consumption, or purchases "
         "and opening/closing stock."),
        ("3", "实测的低位发热量、含碳量、碳氧化率填入对应列；未实测的留空，按缺省值计算并在报告中注明来源。",
         "Measured NCV, carbon content and oxidation go in their columns; leave empty to use the cited default "
         "(shown with its source and confidence in the report)."),
        ("4", "过程：按类型填写（见下表）。生产：每月产量。电力热力：购入量（仅作信息报告）。",
         "Process: rows by type (see below). Production: monthly output. Energy: purchased electricity and "
         "heat (reported for information: indirect emissions are outside the compliance boundary)."),
        ("5", "配额：碳价与可用 CCER；参数：基准值等用户参数（parameter, key, value, unit, citation）。",
         "Allowance: CEA price and CCER held; Parameters: benchmarks and other user values."),
        ("6", "请填写数值，不要使用公式（carbonledger 只读取录入的数值）。",
         "Enter values, not formulas (carbonledger reads entered values only)."),
        (),
        ("单位 Units", "燃料：t 或 万Nm3 / 10^4 Nm3 / Nm3（标准状况）；低位发热量 GJ/t 或 GJ/万Nm3；"
         "含碳量 tC/t、%（元素碳）或 tC/GJ、tC/TJ（单位热值）。",
         "Fuel: t or 10^4 Nm3 (万Nm3) / Nm3 at standard conditions; NCV GJ/t or GJ/(10^4 Nm3); carbon content "
         "tC/t or % (element carbon) or tC/GJ, tC/TJ (per heat)."),
    ]
    if sector == "power":
        lines += [
            (),
            ("燃煤规则 Coal rules",
             "元素碳含量按月实测；全年实测月份少于3个月时，缺失月份单位热值含碳量取 0.03085 tC/GJ（生态环境部"
             "2022年6月8日通知，二手来源）。实测达到3个月以上仍有缺失月份时，请填写实测值，或在“含碳量取值方式”"
             "填 default 明确采用缺省值。燃煤低位发热量须实测；碳氧化率未实测时取 0.99（未核实）。",
             "Element carbon is measured monthly. With fewer than 3 measured months, the missing months take "
             "0.03085 tC/GJ (MEE notice of 8 Jun 2022, secondary source). With 3 or more measured months a gap "
             "needs a value or cc_basis = default. Coal NCV must be measured; oxidation defaults to 0.99 "
             "(UNVERIFIED)."),
            ("供热比 Heat ratio", "供热量大于 0 的月份须填写供热比（分配至供热的排放份额）。",
             "Months with heat supplied need the heat-supply ratio (share of emissions attributed to heat)."),
        ]
    lines += [(), ("过程类型 Process types", "类型 type", "物料 material (key / 中文)")]
    for t in s.process_types:
        pt = PROCESS_TYPES[t]
        materials = "; ".join(f"{m.key} {m.zh}" for m in pt.materials)
        lines.append((f"{pt.zh} {pt.en}", t, materials + ("; 其他物料须填实测值 others need a measured value"
                                                          if pt.open_materials else "")))
    lines += [
        (),
        ("实测值 Measured values", "实测值单位决定含义：tCO2/t 排放因子；tC/t 或 % 含碳量；kg/t 为 CF4 排放因子；"
         "min/cell-day 为阳极效应持续时间 AEM。",
         "The unit says what the value is: tCO2/t emission factor; tC/t or % carbon content; kg/t a CF4 factor; "
         "min/cell-day the anode-effect minutes (AEM)."),
        (),
        ("配额基准 Benchmarks", "基准值未在 carbonledger 的来源中找到，按强度法分配时须在“参数”表填写，例如：",
         "Benchmark values were not found in carbonledger's sources; for intensity allocation give them on the "
         "Parameters sheet, e.g.:"),
    ]
    for product in s.benchmark_products:
        p = s.product(product)
        lines.append(("", "benchmark", f"{sector}:2025:{product}", f"t CO2/{p.unit}"))
    lines += [
        (),
        ("燃料品种 Fuels", "中文", "key", "English"),
    ]
    for zh, key, en in _fuel_names():
        lines.append(("", zh, key, en))
    for i, line in enumerate(lines, start=1):
        for j, value in enumerate(line, start=1):
            cell = _put(ws, i, j, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(row=1, column=1).font = _TITLE
    ws.cell(row=2, column=1).font = _BOLD
    for letter, width in zip("ABCD", (26, 60, 70, 30), strict=True):
        ws.column_dimensions[letter].width = width


def build_workbook(sector: str, path: str | Path, data: Mapping[str, Any] | None = None) -> Path:
    """Write the template for ``sector`` to ``path``; ``data`` fills it (keys: info, fuels,
    process, production, energy, allowance, parameters — lists of row dicts / dicts)."""
    data = data or {}
    wb = Workbook()
    readme = wb.active
    assert readme is not None
    readme.title = SheetNames.README
    _readme(readme, sector)
    info = {"sector": sector, **dict(data.get("info", {}))}
    _key_value_sheet(wb.create_sheet(SheetNames.INFO), INFO_FIELDS, info)
    fuels = wb.create_sheet(SheetNames.FUELS)
    _table_sheet(fuels, FUEL_COLUMNS, data.get("fuels", ()))
    process = wb.create_sheet(SheetNames.PROCESS)
    _table_sheet(process, PROCESS_COLUMNS, data.get("process", ()))
    production = wb.create_sheet(SheetNames.PRODUCTION)
    _table_sheet(production, production_columns(sector), data.get("production") or [{"month": m} for m in range(1, 13)])
    energy = wb.create_sheet(SheetNames.ENERGY)
    _table_sheet(energy, ENERGY_COLUMNS, data.get("energy") or [{"month": m} for m in range(1, 13)])
    _key_value_sheet(wb.create_sheet(SheetNames.ALLOWANCE), ALLOWANCE_FIELDS, dict(data.get("allowance", {})))
    parameters = wb.create_sheet(SheetNames.PARAMETERS)
    _table_sheet(parameters, PARAMETER_COLUMNS, data.get("parameters", ()))
    refs = _lists_sheet(wb, sector)
    _validation(fuels, 2, refs["fuel"])
    _validation(fuels, [c.key for c in FUEL_COLUMNS].index("cc_basis") + 1, refs["cc_basis"])
    _validation(process, 2, refs["type"])
    _validation(process, 3, refs["material"])
    return save_deterministic(wb, path)


def build_templates(directory: str | Path) -> list[Path]:
    """Write ``china_ets_<sector>.xlsx`` for every sector into ``directory``."""
    out = []
    for sector in SECTORS:
        out.append(build_workbook(sector, Path(directory) / f"china_ets_{sector}.xlsx"))
    return out


if __name__ == "__main__":  # pragma: no cover
    for written in build_templates(sys.argv[1] if len(sys.argv) > 1 else "templates"):
        print(written)
