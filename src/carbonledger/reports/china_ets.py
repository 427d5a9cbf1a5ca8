"""China national ETS report workbook, laid out like the guideline's reporting tables.

Chinese with English labels. Sheets:

1. 基本信息 Basic information — facility, sector, year, guideline, GWP, factor sets, boundary
2. 排放汇总 Emissions summary — by source type (compliance and information), by gas, by month
3. 化石燃料燃烧 Fuel combustion — per fuel and month: FC, NCV, carbon content, oxidation, CO2
4. 过程排放 Process emissions — process lines, and purchased electricity/heat (information)
5. 生产与强度 Production and intensity — monthly output and emissions, annual intensity
6. 参数来源 Parameters — every parameter value, measured or default, with source and confidence
7. 数据质量 Data quality — problems, flags, default use, low-confidence sets
8. 配额 Allowance — allocation estimate, surplus or deficit, CCER, cost, reference prices
9. 计算明细 Calculation lines — every line unrounded with factor, parameters and lineage
10. ETS参数 ETS parameters — the parameter set used, with citations and user overrides

Rounding. Emissions are shown to whole tonnes: ``emission_display_decimals`` of the
``cn-ets-parameters`` set (0, from an MRV-platform Q&A; the 2022/2024 guidelines' own clause
was not found). Other quantities use carbonledger's documented display precision
(:data:`DECIMALS`). Rounding is half-up (四舍五入) and for display only: every total is computed
from unrounded lines (:mod:`carbonledger.regimes.china_ets.result`) and then rounded, so a
rounded total can differ from the sum of rounded parts by a unit; sheet 9 holds the unrounded
values. Text that a spreadsheet could read as a formula is written as text; the same result gives
a byte-identical file.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from carbonledger.regimes.china_ets.result import ChinaEtsResult
from carbonledger.regimes.china_ets.sectors import SOURCE_TYPES
from carbonledger.reports.xlsx import save_deterministic, write_key_values, write_table

__all__ = ["DECIMALS", "ETS_FLAGS", "round_half_up", "round_significant", "write_china_ets_workbook"]

DECIMALS: dict[str, int] = {
    "quantity": 2,  # fuel and material quantities, output
    "ncv": 3,  # GJ/t, GJ/10^4 Nm3
    "carbon_content": 5,  # tC/GJ; element carbon (% or tC/t) keeps 4
    "oxidation": 4,
    "factor": 6,  # significant digits (factors range from 0.0034 kg/t to 3.663 t/t)
    "intensity": 4,
    "price": 2,
    "money": 2,
}
"""carbonledger's display precision for values the guideline's rounding rule (not found) does not cover."""

ETS_FLAGS: dict[str, tuple[str, str]] = {
    "UNVERIFIED": (
        "未经核实：来源未找到或仅为背景知识",
        "unverified: no source found, or background knowledge",
    ),
    "low_confidence": ("低可信度数据", "low-confidence value"),
    "secondary_source": ("二手来源转录（非官方文本）", "secondary transcription, not the official text"),
    "unattributed": ("来源未注明出处", "source names no document"),
    "single_source": ("仅单一来源", "single source only"),
    "partial_table": ("表格不完整", "partial table"),
    "attribution_inferred": ("指南归属为推断", "guideline attribution inferred"),
    "source_conflict": ("来源之间存在冲突", "sources conflict"),
    "coal_cc_default": (
        "燃煤单位热值含碳量采用缺省值 0.03085 tC/GJ",
        "coal carbon content default 0.03085 tC/GJ used",
    ),
    "year_extrapolated": ("缺省值适用年度外推", "default applied beyond the years it is stated for"),
    "user_input": ("用户输入参数", "user-supplied parameter"),
    "pinned": ("指定因子", "factor pinned by the ETS rules"),
    "pinned_period_mismatch": (
        "指定因子的有效期不覆盖该期间",
        "pinned factor's validity does not cover the period",
    ),
    "period_fallback": ("采用较早年度的因子", "factor of an earlier period used"),
    "region_fallback": ("采用上级区域因子", "factor of a wider region used"),
    "validity_assumed": ("有效期为假设", "validity dates assumed"),
    "ets_reporting_factor": ("碳市场报告用电网因子", "ETS reporting grid factor"),
    "mass_balance_component": ("碳平衡项", "mass-balance component"),
}

_HEADER_FONT = Font(bold=True, size=13)
_NOTE_FONT = Font(italic=True, color="FF595959", size=9)
_BOLD = Font(bold=True)


def round_half_up(value: Any, decimals: int) -> Any:
    """Half-up rounding for display (四舍五入); non-numbers pass through."""
    if value is None or isinstance(value, (str, bool)):
        return value
    try:
        f = float(value)
    except (TypeError, ValueError):
        return value
    if math.isnan(f) or math.isinf(f):
        return None
    q = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(f)).quantize(q, rounding=ROUND_HALF_UP)
    return int(rounded) if decimals == 0 else float(rounded)


def round_significant(value: Any, digits: int) -> Any:
    """Half-up rounding to ``digits`` significant digits (display of factors)."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return value
    if math.isnan(f) or math.isinf(f) or f == 0:
        return None if math.isnan(f) or math.isinf(f) else 0.0
    return round_half_up(f, digits - 1 - math.floor(math.log10(abs(f))))


def _title(ws: Worksheet, zh: str, en: str, row: int = 1) -> int:
    ws.cell(row=row, column=1, value=zh).font = _HEADER_FONT
    ws.cell(row=row + 1, column=1, value=en).font = _BOLD
    return row + 3


def _note(ws: Worksheet, row: int, text: str) -> int:
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = _NOTE_FONT
    cell.alignment = Alignment(wrap_text=False)
    return row + 1


def _yes(value: bool) -> str:
    return "是 yes" if value else "否 no (信息报告 information)"


def write_china_ets_workbook(result: ChinaEtsResult, path: str | Path) -> Path:
    """Write the report for ``result`` to ``path`` (deterministic)."""
    emission_decimals = 0
    row = result.ets_parameters.get("emission_display_decimals", "all")
    if row is not None:
        emission_decimals = int(row.number)
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "1 基本信息 Basic info"
    _basic(first, result)
    _summary(wb.create_sheet("2 排放汇总 Summary"), result, emission_decimals)
    _fuels(wb.create_sheet("3 化石燃料燃烧 Fuels"), result, emission_decimals)
    _process(wb.create_sheet("4 过程排放 Process"), result, emission_decimals)
    _production(wb.create_sheet("5 生产与强度 Output"), result, emission_decimals)
    _parameters(wb.create_sheet("6 参数来源 Parameters"), result)
    _quality(wb.create_sheet("7 数据质量 Data quality"), result, emission_decimals)
    _allowance(wb.create_sheet("8 配额 Allowance"), result, emission_decimals)
    _lines(wb.create_sheet("9 计算明细 Lines"), result)
    _ets_parameters(wb.create_sheet("10 ETS参数 ETS parameters"), result)
    return save_deterministic(wb, path)


def _version() -> str:
    try:
        return metadata.version("carbonledger")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "unknown"


def _basic(ws: Worksheet, r: ChinaEtsResult) -> None:
    n = _title(
        ws, "全国碳排放权交易市场 温室气体排放报告", "China national ETS — greenhouse gas emission report"
    )
    info = r.info
    rows: list[Sequence[Any]] = [
        ("企业（单位）名称 Facility", info.get("facility_name", "")),
        ("统一社会信用代码 Unified social credit code", info.get("credit_code", "")),
        ("行业 Sector", f"{r.sector.zh} {r.sector.en}"),
        ("报告年度 Reporting year", r.year),
        ("所在省份 Province", r.region),
        ("地址 Address", info.get("address", "")),
        ("机组或生产线 Units / lines", info.get("unit_description", "")),
        ("装机容量或产能 Capacity", info.get("capacity", "")),
        ("机组类型或工艺 Unit type / route", info.get("unit_type", "")),
        ("填报人 Prepared by", info.get("prepared_by", "")),
        ("核算依据 Guideline", r.sector.guideline),
        ("温室气体 Gases", ", ".join(sorted(r.ets_parameters.gases(r.sector.key)[0]))),
        ("GWP", f"{r.gwp} — {r.gwp_note}"),
        (
            "输入文件 Input",
            f"{r.source} ({'模板 template' if r.mode == 'template' else '活动数据表 activity table'})",
        ),
        ("因子集 Factor sets (priority order)", ", ".join(r.factor_sets)),
        ("ETS 参数集 ETS parameter set", r.ets_parameters.set_full_id),
        ("软件 Software", f"carbonledger {_version()}"),
    ]
    n = write_key_values(ws, rows, start_row=n)
    n += 1
    ws.cell(row=n, column=1, value="履约边界 Compliance boundary").font = _BOLD
    boundary = pd.DataFrame(
        [
            {
                "group": b["group"],
                "in": _yes(b["in_compliance"]),
                "confidence": b["confidence"],
                "citation": b["citation"],
                "source": b["source"],
            }
            for b in r.boundary
        ]
    )
    n = write_table(
        ws,
        boundary,
        start_row=n + 1,
        freeze=False,
        headers={
            "group": "排放源 Source group",
            "in": "计入履约 In compliance",
            "confidence": "可信度 Confidence",
            "citation": "依据 Citation",
            "source": "参数 Parameter row",
        },
    )
    n += 1
    ws.cell(row=n, column=1, value="因子集 Factor sets used").font = _BOLD
    sets = pd.DataFrame(
        [
            {"set": m.full_id, "title": m.title, "confidence": m.confidence, "flags": "|".join(m.flags)}
            for m in r.manifests
        ]
    )
    if len(sets):
        write_table(
            ws,
            sets,
            start_row=n + 1,
            freeze=False,
            headers={
                "set": "因子集 Set",
                "title": "名称 Title",
                "confidence": "可信度 Confidence",
                "flags": "标记 Flags",
            },
        )
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 70


def _summary(ws: Worksheet, r: ChinaEtsResult, dec: int) -> None:
    n = _title(
        ws,
        "表1 排放量汇总",
        "Table 1 — Emissions summary (t CO2" + ("e" if r.sector.key == "aluminium" else "") + ")",
    )
    by_all = r.by_source_type(compliance=None)
    compliance = r.by_source_type(compliance=True)
    rows = []
    order = [k for k in SOURCE_TYPES if k in by_all]
    for key in order:
        st = SOURCE_TYPES[key]
        rows.append(
            {
                "source": f"{st.zh} {st.en}",
                "in": _yes(key in compliance),
                "tco2": round_half_up(by_all[key], dec),
            }
        )
    rows.append(
        {
            "source": "合计（履约边界）Total in the compliance boundary",
            "in": "",
            "tco2": round_half_up(r.total_tco2, dec),
        }
    )
    n = write_table(
        ws,
        pd.DataFrame(rows),
        start_row=n,
        freeze=False,
        headers={
            "source": "排放源类型 Source type",
            "in": "计入履约 In compliance",
            "tco2": "排放量 Emissions (t)",
        },
        number_formats={"tco2": "#,##0" if dec == 0 else "#,##0." + "0" * dec},
    )
    n = _note(
        ws,
        n,
        "合计由未修约数据计算后修约；各项修约值之和可能与合计相差1。Totals are computed unrounded, then "
        "rounded: the sum of rounded parts may differ by one unit.",
    )
    n += 1
    ws.cell(row=n, column=1, value="按温室气体 By gas (compliance)").font = _BOLD
    gases = pd.DataFrame(
        [
            {"gas": g, "t_gas": round_half_up(v["t_gas"], 4), "tco2e": round_half_up(v["tco2e"], dec)}
            for g, v in r.by_gas().items()
        ]
    )
    if len(gases):
        n = write_table(
            ws,
            gases,
            start_row=n + 1,
            freeze=False,
            headers={"gas": "气体 Gas", "t_gas": "排放量 t of gas", "tco2e": "t CO2e"},
        )
        n = _note(ws, n, f"GWP: {r.gwp_note}")
    n += 1
    ws.cell(row=n, column=1, value="按月 By month (compliance)").font = _BOLD
    monthly = pd.DataFrame(
        [
            {"month": ("全年 year" if m == 0 else m), "tco2": round_half_up(v, dec)}
            for m, v in r.by_month().items()
        ]
    )
    if len(monthly):
        write_table(
            ws,
            monthly,
            start_row=n + 1,
            freeze=False,
            headers={"month": "月份 Month", "tco2": "排放量 Emissions (t)"},
        )
    ws.column_dimensions["A"].width = 52
    ws.column_dimensions["B"].width = 26
    ws.column_dimensions["C"].width = 20


def _param_pivot(r: ChinaEtsResult) -> dict[tuple[str, str], dict[str, Any]]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for p in r.parameters.to_dict("records"):
        out.setdefault((str(p["record_id"]), str(p["parameter"])), {str(k): v for k, v in p.items()})
    return out


def _origin_zh(origin: str) -> str:
    return {"measured": "实测 measured", "default": "缺省 default", "computed": "计算 computed"}.get(
        origin, origin
    )


def _fuels(ws: Worksheet, r: ChinaEtsResult, dec: int) -> None:
    n = _title(
        ws, "表2 化石燃料燃烧排放", "Table 2 — Fossil fuel combustion: E = Σ FC × NCV × CC × OF × 44/12"
    )
    lines = r.lines[r.lines["source_type"] == "fuel_combustion"]
    pivot = _param_pivot(r)
    rows = []
    for line in lines.itertuples(index=False):
        rid = str(line.record_id)

        def val(name: str, rid: str = rid) -> dict[str, Any]:
            return pivot.get((rid, name), {})

        ncv, cc, of = val("NCV"), val("CC"), val("OF")
        cc_unit = str(cc.get("unit", ""))
        cc_dec = 4 if cc_unit in ("%", "tC/t", "t/t") else DECIMALS["carbon_content"]
        rows.append(
            {
                "fuel": line.label,
                "month": line.month,
                "fc": round_half_up(line.quantity, DECIMALS["quantity"]),
                "unit": line.unit,
                "ncv": round_half_up(ncv.get("value"), DECIMALS["ncv"]),
                "ncv_unit": ncv.get("unit", ""),
                "ncv_origin": _origin_zh(str(ncv.get("origin", ""))),
                "cc": round_half_up(cc.get("value"), cc_dec),
                "cc_unit": cc_unit,
                "cc_origin": _origin_zh(str(cc.get("origin", ""))),
                "of": round_half_up(of.get("value"), DECIMALS["oxidation"]),
                "of_origin": _origin_zh(str(of.get("origin", ""))),
                "tco2": round_half_up(line.tco2e, dec),
                "flags": line.flags,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        _note(ws, n, "无化石燃料燃烧数据 No fuel combustion data")
        return
    n = write_table(
        ws,
        frame,
        start_row=n,
        freeze=False,
        headers={
            "fuel": "燃料品种 Fuel",
            "month": "月份 Month",
            "fc": "消耗量 FC",
            "unit": "单位 Unit",
            "ncv": "低位发热量 NCV",
            "ncv_unit": "单位 Unit",
            "ncv_origin": "来源 Origin",
            "cc": "含碳量 Carbon content",
            "cc_unit": "单位 Unit",
            "cc_origin": "来源 Origin",
            "of": "碳氧化率 OF",
            "of_origin": "来源 Origin",
            "tco2": "排放量 t CO2",
            "flags": "标记 Flags",
        },
    )
    n += 1
    ws.cell(row=n, column=1, value="年度小计 Annual subtotals").font = _BOLD
    subtotal = (
        lines.groupby("label", sort=True)
        .agg(
            fc=("quantity", lambda s: float(s.astype(float).sum())),
            unit=("unit", "first"),
            tco2=("tco2e", lambda s: float(s.astype(float).sum())),
        )
        .reset_index()
    )
    subtotal["fc"] = subtotal["fc"].map(lambda v: round_half_up(v, DECIMALS["quantity"]))
    subtotal["tco2"] = subtotal["tco2"].map(lambda v: round_half_up(v, dec))
    write_table(
        ws,
        subtotal,
        start_row=n + 1,
        freeze=False,
        headers={"label": "燃料品种 Fuel", "fc": "消耗量 FC", "unit": "单位 Unit", "tco2": "排放量 t CO2"},
    )
    _note(
        ws, n + len(subtotal) + 3, "参数来源详见表6；缺省值的来源与可信度见该表。Parameter sources: sheet 6."
    )


def _process(ws: Worksheet, r: ChinaEtsResult, dec: int) -> None:
    n = _title(ws, "表3 过程排放及其他排放源", "Table 3 — Process emissions and other sources")
    lines = r.lines[r.lines["source_type"] != "fuel_combustion"]
    if lines.empty:
        _note(ws, n, "无过程排放数据 No process data")
        return
    frame = pd.DataFrame(
        {
            "type": [f"{SOURCE_TYPES[t].zh} {SOURCE_TYPES[t].en}" for t in lines["source_type"]],
            "label": lines["label"].to_numpy(),
            "month": [("全年 year" if m == 0 else m) for m in lines["month"]],
            "quantity": [round_half_up(v, DECIMALS["quantity"]) for v in lines["quantity"]],
            "unit": lines["unit"].to_numpy(),
            "gas": lines["gas"].to_numpy(),
            "factor": [round_significant(v, DECIMALS["factor"]) for v in lines["factor_value"]],
            "factor_unit": lines["factor_unit"].to_numpy(),
            "factor_id": lines["factor_id"].to_numpy(),
            "t_gas": [round_half_up(v, 4) for v in lines["mass_t"]],
            "tco2e": [round_half_up(v, dec) for v in lines["tco2e"]],
            "in": [_yes(bool(v)) for v in lines["in_compliance"]],
            "flags": lines["flags"].to_numpy(),
        }
    )
    write_table(
        ws,
        frame,
        start_row=n,
        freeze=False,
        headers={
            "type": "类型 Type",
            "label": "物料 Material",
            "month": "月份 Month",
            "quantity": "数量 Quantity",
            "unit": "单位 Unit",
            "gas": "气体 Gas",
            "factor": "因子 Factor",
            "factor_unit": "单位 Unit",
            "factor_id": "因子编号 Factor id",
            "t_gas": "气体量 t gas",
            "tco2e": "排放量 t CO2(e)",
            "in": "计入履约 In compliance",
            "flags": "标记 Flags",
        },
    )


def _production(ws: Worksheet, r: ChinaEtsResult, dec: int) -> None:
    n = _title(ws, "表4 生产数据与排放强度", "Table 4 — Production data and emission intensity")
    production = r.production.copy()
    monthly = r.by_month()
    rows = []
    for rec in production.to_dict("records"):
        m = int(rec["month"])
        entry: dict[str, Any] = {"month": m}
        for p in r.sector.products:
            entry[p.key] = round_half_up(rec.get(p.key), DECIMALS["quantity"])
        if r.sector.key == "power":
            entry["heat_ratio"] = round_half_up(rec.get("heat_ratio"), 4)
        entry["tco2"] = round_half_up(monthly.get(m, 0.0), dec)
        main = rec.get(r.sector.intensity_product)
        if r.sector.key != "power" and main is not None and not math.isnan(main) and main > 0:
            entry["intensity"] = round_half_up(monthly.get(m, 0.0) / main, DECIMALS["intensity"])
        rows.append(entry)
    totals = r.output_totals()
    total_row: dict[str, Any] = {"month": "全年 Year"}
    for p in r.sector.products:
        total_row[p.key] = round_half_up(totals[p.key], DECIMALS["quantity"])
    total_row["tco2"] = round_half_up(r.total_tco2, dec)
    if r.sector.key != "power" and r.intensity.get("value") is not None:
        total_row["intensity"] = round_half_up(r.intensity["value"], DECIMALS["intensity"])
    rows.append(total_row)
    headers = {
        "month": "月份 Month",
        "tco2": "排放量 Emissions (t)",
        "heat_ratio": "供热比 Heat ratio",
        "intensity": f"排放强度 Intensity ({r.intensity.get('unit', '')})",
    }
    for p in r.sector.products:
        headers[p.key] = f"{p.zh} {p.en} ({p.unit})"
    n = write_table(ws, pd.DataFrame(rows), start_row=n, freeze=False, headers=headers)
    n += 1
    ws.cell(row=n, column=1, value="排放强度 Emission intensity").font = _BOLD
    n += 1
    labels = {
        "emissions_tco2": "履约排放量 Compliance emissions (t)",
        "emissions_to_heat_tco2": "分配至供热 Emissions attributed to heat (t)",
        "emissions_to_power_tco2": "分配至供电 Emissions attributed to power (t)",
        "electricity_supplied_mwh": "供电量 Electricity supplied (MWh)",
        "heat_supplied_gj": "供热量 Heat supplied (GJ)",
        "electricity_generated_mwh": "发电量 Electricity generated (MWh)",
        "tco2_per_mwh_supplied": "供电碳排放强度 t CO2/MWh supplied",
        "tco2_per_gj_heat": "供热碳排放强度 t CO2/GJ heat",
        "tco2_per_mwh_generated": "发电碳排放强度 t CO2/MWh generated (information)",
        "output": "产量 Output",
        "value": f"排放强度 Intensity ({r.intensity.get('unit', '')})",
        "formula": "公式 Formula",
        "note": "说明 Note",
    }
    kv = []
    for key, label in labels.items():
        if key not in r.intensity:
            continue
        value = r.intensity[key]
        if isinstance(value, float):
            decimals = (
                dec
                if key.startswith("emissions")
                else (
                    DECIMALS["intensity"]
                    if key.startswith("tco2") or key == "value"
                    else DECIMALS["quantity"]
                )
            )
            value = round_half_up(value, decimals)
        kv.append((label, value if value is not None else "n/a"))
    write_key_values(ws, kv, start_row=n)
    ws.column_dimensions["A"].width = 48


def _parameters(ws: Worksheet, r: ChinaEtsResult) -> None:
    n = _title(ws, "表5 参数来源与检测", "Table 5 — Parameter sources and measurement")
    frame = r.parameters.copy()
    if frame.empty:
        _note(ws, n, "无参数 No parameters")
        return
    frame["origin"] = frame["origin"].map(_origin_zh)
    write_table(
        ws,
        frame,
        start_row=n,
        freeze=False,
        headers={
            "record_id": "记录 Record",
            "sheet": "工作表 Sheet",
            "row": "行 Row",
            "month": "月份 Month",
            "label": "对象 Item",
            "parameter": "参数 Parameter",
            "value": "数值 Value",
            "unit": "单位 Unit",
            "origin": "来源类型 Origin",
            "source": "来源 Source (set, factor id, line / citation)",
            "confidence": "可信度 Confidence",
            "flags": "标记 Flags",
            "measurement": "检测说明 Measurement",
        },
        widths={"source": 80, "measurement": 50},
    )
    _note(
        ws,
        n + len(frame) + 2,
        "FC 消耗量; NCV 低位发热量; CC 含碳量; OF 碳氧化率; EF 排放因子; I 碳酸盐含量; TR 转化率; "
        "S 硫分; A 灰分; NC 阳极净耗; AEM 阳极效应持续时间; P 产量; F 扣减系数; C 含碳量 (碳平衡)",
    )


def _quality(ws: Worksheet, r: ChinaEtsResult, dec: int) -> None:
    n = _title(ws, "表6 数据质量", "Table 6 — Data quality")
    problems = pd.DataFrame(
        [
            {
                "severity": p.severity,
                "where": p.location(),
                "message": p.message,
                "accepted": p.accepted or "",
            }
            for p in sorted(r.problems, key=lambda p: (p.severity != "error", p.sheet or "", p.row or 0))
        ]
    )
    ws.cell(row=n, column=1, value="问题 Problems").font = _BOLD
    if len(problems):
        n = write_table(
            ws,
            problems,
            start_row=n + 1,
            freeze=False,
            headers={
                "severity": "级别 Severity",
                "where": "位置 Where",
                "message": "说明 Message",
                "accepted": "可接受 Accepted",
            },
            widths={"message": 80, "accepted": 60, "where": 40},
        )
    else:
        n = _note(ws, n + 1, "无 None")
    n += 1
    ws.cell(row=n, column=1, value="参数来源统计 Measured versus default").font = _BOLD
    p = r.parameters
    if len(p):
        counts = p.groupby(["parameter", "origin"], sort=True).size().rename("count").reset_index()
        counts["origin"] = counts["origin"].map(_origin_zh)
        n = write_table(
            ws,
            counts,
            start_row=n + 1,
            freeze=False,
            headers={"parameter": "参数 Parameter", "origin": "来源类型 Origin", "count": "数量 Count"},
        )
    n += 1
    ws.cell(row=n, column=1, value="标记 Flags (lines and parameters)").font = _BOLD
    flags = []
    for flag, count in r.flags_used().items():
        zh, en = ETS_FLAGS.get(flag, ("", ""))
        tonnes = float(
            r.lines.loc[
                r.lines["flags"].astype(str).str.split("|").map(lambda f, x=flag: x in f), "tco2e"
            ].sum()
        )
        flags.append({"flag": flag, "zh": zh, "en": en, "count": count, "tco2": round_half_up(tonnes, dec)})
    if flags:
        n = write_table(
            ws,
            pd.DataFrame(flags),
            start_row=n + 1,
            freeze=False,
            headers={
                "flag": "标记 Flag",
                "zh": "说明",
                "en": "Meaning",
                "count": "次数 Count",
                "tco2": "涉及排放量 Emissions carrying it (t)",
            },
        )
    n += 1
    ws.cell(row=n, column=1, value="可信度说明 Confidence notes of the sets used").font = _BOLD
    notes = [(m.full_id, note) for m in r.manifests for note in m.confidence_notes]
    notes += [
        (r.ets_parameters.set_full_id, "see sheet 10: every ETS parameter row carries its citation and tag")
    ]
    write_key_values(ws, notes, start_row=n + 1)
    ws.column_dimensions["A"].width = 30


def _allowance(ws: Worksheet, r: ChinaEtsResult, dec: int) -> None:
    n = _title(ws, "表7 配额盈缺估算", "Table 7 — Allowance position (estimate)")
    a = r.allowance
    if a is None:
        _note(ws, n, "未计算 not computed")
        return
    rule = a.rule_source
    money = DECIMALS["money"]
    rows: list[Sequence[Any]] = [
        ("分配方法 Allocation rule", a.rule),
        ("依据 Rule source", f"{rule.citation} [{rule.confidence}]" if rule else "not in the parameters"),
        ("核查排放量 Verified emissions (t)", round_half_up(a.verified_emissions, dec)),
        (
            "配额量 Allocation (t)",
            round_half_up(a.allocation, dec) if a.allocation is not None else "未计算 n/a",
        ),
        (
            "盈缺 Balance (t; + surplus, − deficit)",
            round_half_up(a.balance, dec) if a.balance is not None else "n/a",
        ),
        (
            "状态 Status",
            {"surplus": "盈余 surplus", "deficit": "缺口 deficit", "balanced": "平衡 balanced"}.get(
                a.status, "未知 unknown"
            ),
        ),
        ("持有CCER CCER held (t)", round_half_up(a.ccer_available, dec)),
        ("CCER抵销上限 CCER cap (fraction of verified emissions)", a.ccer_cap_fraction),
        ("CCER抵销上限 CCER cap (t)", round_half_up(a.ccer_cap, dec) if a.ccer_cap is not None else "n/a"),
        ("可用于抵销的CCER CCER used (t)", round_half_up(a.ccer_usable, dec)),
        (
            "剩余缺口 Remaining deficit (t)",
            round_half_up(a.remaining_deficit, dec) if a.remaining_deficit is not None else "n/a",
        ),
        (
            "碳价 CEA price (CNY/t, user)",
            round_half_up(a.cea_price, DECIMALS["price"]) if a.cea_price is not None else "未提供 not given",
        ),
        ("价格说明 Price note", a.cea_price_note),
        (
            "履约成本 Cost of the remaining deficit (CNY)",
            round_half_up(a.cost, money) if a.cost is not None else "n/a",
        ),
        (
            "盈余价值 Value of the surplus (CNY)",
            round_half_up(a.surplus_value, money) if a.surplus_value is not None else "n/a",
        ),
    ]
    n = write_key_values(ws, rows, start_row=n)
    if a.allocation_terms:
        n += 1
        ws.cell(row=n, column=1, value="配额计算 Allocation terms").font = _BOLD
        n = write_table(ws, pd.DataFrame(a.allocation_terms), start_row=n + 1, freeze=False)
    if a.adjustment is not None:
        n = write_key_values(
            ws, [("调整系数 Adjustment", f"{a.adjustment.value} ({a.adjustment.source})")], start_row=n + 1
        )
    for note in a.notes:
        n = _note(ws, n + 1, note)
    n += 1
    ws.cell(row=n + 1, column=1, value="参考价格 Reference prices (not used in the cost)").font = _BOLD
    prices = pd.DataFrame(
        [
            {
                "what": f"{p.parameter} {p.key}",
                "value": p.number,
                "unit": p.unit,
                "confidence": p.confidence,
                "citation": p.citation,
            }
            for p in r.ets_parameters.all("cea_price") + r.ets_parameters.all("ccer_price")
        ]
    )
    if len(prices):
        write_table(
            ws,
            prices,
            start_row=n + 2,
            freeze=False,
            headers={
                "what": "项目 Item",
                "value": "价格 Price",
                "unit": "单位 Unit",
                "confidence": "可信度 Confidence",
                "citation": "来源 Source",
            },
            widths={"citation": 80},
        )
    ws.column_dimensions["A"].width = 50
    ws.column_dimensions["B"].width = 40


def _lines(ws: Worksheet, r: ChinaEtsResult) -> None:
    write_table(ws, r.lines, widths={"parameters": 80, "lineage": 80, "label": 28})


def _ets_parameters(ws: Worksheet, r: ChinaEtsResult) -> None:
    frame = pd.DataFrame(
        [
            {
                "parameter": p.parameter,
                "key": p.key,
                "value": p.value,
                "unit": p.unit,
                "confidence": p.confidence,
                "flags": "|".join(p.flags),
                "citation": p.citation,
                "note": p.note,
                "source": p.source,
            }
            for p in sorted(r.ets_parameters.rows.values(), key=lambda p: (p.parameter, p.key))
        ]
    )
    write_table(ws, frame, widths={"citation": 80, "note": 60, "source": 50})
