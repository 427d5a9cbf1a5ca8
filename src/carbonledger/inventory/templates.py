"""Excel input templates for the inventory: ``templates/activity_data.xlsx`` and
``templates/instruments.xlsx``.

Rebuild both (deterministic: the same carbonledger and factor sets give the same bytes)::

    python -m carbonledger.inventory.templates            # writes ./templates/
    python -m carbonledger.inventory.templates --out DIR

``activity_data.xlsx`` has

* ``说明 Instructions`` — how to fill and run it, in Chinese and English, and every column of
  the contract (:data:`~carbonledger.inventory.activity_table.COLUMNS`) with an example;
* ``activities`` — the sheet :func:`carbonledger.io.tables.read_table` reads: row 1 holds the
  machine column names of the contract for Scope 1 and 2 records (each with a bilingual
  comment; Scope 3 columns have their own templates, see ``docs/scope3.md``), drop-down lists
  for activity keys, units, regions, methods, scope, category and direction;
* ``lists`` (hidden) — the values behind the drop-downs, DERIVED from the shipped data:
  activity keys of the Scope 1 and 2 families that have a factor in a shipped factor set
  (with the factor's name), the activity units those factors are expressed per (plus their
  metric multiples), regions (China, its provinces and grid regions first, then every region
  with a shipped factor), the methods the validator accepts.

Drop-downs for keys, units and regions only *warn* on other values: a key of a user factor
set, a Scope 3 key (``freight/…``, ``travel/…``) or any unit of the right dimension is valid.
Methods, scope and direction are closed lists.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd
import pycountry
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from carbonledger.activities import family_of
from carbonledger.errors import UnitError
from carbonledger.factors.store import FactorStore, default_store
from carbonledger.inventory.activity_table import _METHODS, COLUMNS, REQUIRED
from carbonledger.inventory.categories import SCOPE1_CATEGORIES, SCOPE2_CATEGORIES, SCOPE3_CATEGORIES
from carbonledger.inventory.scope2 import INSTRUMENT_COLUMNS, INSTRUMENT_TYPES
from carbonledger.periods import ACCEPTED as PERIOD_FORMS
from carbonledger.regions import is_known_region
from carbonledger.reports.xlsx import save_deterministic

__all__ = [
    "ACTIVITY_SHEET",
    "COLUMNS_ZH",
    "INSTRUMENT_COLUMNS_ZH",
    "INSTRUMENT_SHEET",
    "TemplateLists",
    "build_activity_template",
    "build_instruments_template",
    "template_columns",
    "template_lists",
]

ACTIVITY_SHEET = "activities"
INSTRUMENT_SHEET = "instruments"
LISTS_SHEET = "lists"
INSTRUCTIONS_SHEET = "说明 Instructions"
ROWS = 5000  # data rows carrying the drop-downs (more rows may be added; they are read too)

# 中文 for every column of the activity table (English: activity_table.COLUMNS)
COLUMNS_ZH: dict[str, str] = {
    "record_id": "记录编号（必填，不可重复）",
    "activity": "活动代码（必填），如 fuel/natural_gas 天然气、electricity/grid 电网电力、refrigerant/R-410A 制冷剂",
    "quantity": "活动数据数量（必填），不小于0的数字",
    "unit": "数量单位（必填），须与活动相符：t、kg、L、Nm3、10^4 Nm3（万立方米）、kWh、MWh、GJ",
    "entity": "设施或组织单元",
    "period": f"期间：{PERIOD_FORMS}；空白 = 报告年度。请以文本填写",
    "region": "地区代码：ISO 3166（CN、CN-CQ 重庆、GB、US-CA）或电网区域（CN-GRID-SOUTHWEST）",
    "scope": "范围 1、2 或 3；空白时按活动自动确定，填写时将核对",
    "category": "范围内类别；空白时按活动自动确定，填写时将核对",
    "factor_id": "指定排放因子编号（可选）",
    "factor_set": "指定排放因子库（可选）",
    "emission_factor": "自定义排放因子数值（可选）",
    "emission_factor_unit": "自定义排放因子单位，如 t CO2/TJ、kg CO2e/kWh",
    "gas": "自定义因子的气体：CO2、CH4、N2O、HFC-134a……；CO2e单位时可不填",
    "ncv": "实测低位发热量（优先于缺省值）",
    "ncv_unit": "低位发热量单位，如 GJ/t、GJ/(10^4 Nm3)",
    "carbon_content": "实测含碳量：单位热值含碳量（tC/TJ）或单位质量含碳量（tC/t）",
    "carbon_content_unit": "含碳量单位",
    "oxidation_factor": "实测碳氧化率，(0, 1] 之间的小数（如 0.98，不是百分数）",
    "biomass_fraction": "燃料碳中生物质所占比例，0–1之间的小数",
    "method": "方法：mee（中国碳含量法）、mobile 移动源、location/market（范围二）、"
    "screening 筛选法/mass_balance 质量平衡/release 排放量（制冷剂）、mass_balance/mass_balance_cn（工业过程）",
    "direction": "质量平衡中的输入 input 或输出 output（输出为减项）",
    "leak_rate": "制冷剂筛选法的年泄漏率（小数，如 0.04）",
    "description": "备注，原样写入报告",
}
COLUMN_EXAMPLES: dict[str, str] = {
    "record_id": "NG-2025-03",
    "activity": "fuel/natural_gas",
    "quantity": "8.84",
    "unit": "10^4 Nm3",
    "entity": "两江工厂 Liangjiang plant",
    "period": "2025-03",
    "region": "CN-CQ",
    "scope": "1",
    "category": "stationary_combustion",
    "factor_id": "gbt32151_2024_c1.natural_gas",
    "factor_set": "cn-fuel-gbt32151-2024",
    "emission_factor": "0.42",
    "emission_factor_unit": "kg CO2e/kWh",
    "gas": "CO2",
    "ncv": "389.31",
    "ncv_unit": "GJ/(10^4 Nm3)",
    "carbon_content": "15.3",
    "carbon_content_unit": "tC/TJ",
    "oxidation_factor": "0.99",
    "biomass_fraction": "0.07",
    "method": "mee",
    "direction": "input",
    "leak_rate": "0.04",
    "description": "锅炉天然气 boiler gas",
}
INSTRUMENT_COLUMNS_ZH: dict[str, str] = {
    "instrument_id": "合同工具编号（必填，不可重复）",
    "type": "类型（必填）：gec 绿证、green_power_trade 绿电交易、i-rec、go、rec、ppa 购电协议、supplier_rate 供应商排放率",
    "quantity": "覆盖电量（必填）",
    "unit": "电量单位（必填），如 MWh",
    "vintage": "生产年份（必填），报告年度或相邻年份",
    "market_boundary": "市场边界（必填），如 CN",
    "covers": "覆盖的记录：以 ; 分隔的 record_id，或单位/设施名称；空白 = 边界内全部用电记录",
    "emission_factor": "排放率（supplier_rate 必填；证书和购电协议缺省为 0）",
    "emission_factor_unit": "排放率单位，如 kg CO2e/kWh、t CO2/MWh",
    "gas": "非CO2e时的气体（缺省 CO2）",
    "description": "备注",
}
INSTRUMENT_EXAMPLES: dict[str, str] = {
    "instrument_id": "GEC-2025-001",
    "type": "gec",
    "quantity": "3000",
    "unit": "MWh",
    "vintage": "2025",
    "market_boundary": "CN",
    "covers": "两江工厂 Liangjiang plant",
    "emission_factor": "",
    "emission_factor_unit": "",
    "gas": "",
    "description": "绿证 wind GEC",
}

# Scope 1 and 2 families whose keys go into the drop-down (Scope 3 keys may be typed)
_LIST_FAMILIES = (
    "fuel/",
    "vehicle/",
    "process/",
    "refrigerant/",
    "fugitive/",
    "electricity/",
    "heat/",
    "cooling/",
)
# metric multiples offered beside the units the factors are expressed per
_COMMON_UNITS = (
    "t",
    "kg",
    "g",
    "L",
    "m3",
    "Nm3",
    "10^4 Nm3",
    "kWh",
    "MWh",
    "GWh",
    "MJ",
    "GJ",
    "TJ",
    "km",
    "tkm",
    "pkm",
    "CNY",
    "USD",
)

_HEADER_REQUIRED = PatternFill("solid", start_color="FF1F4E79", end_color="FF1F4E79")
_HEADER_OPTIONAL = PatternFill("solid", start_color="FF5B9BD5", end_color="FF5B9BD5")
_WHITE_BOLD = Font(bold=True, color="FFFFFFFF")
_TITLE = Font(bold=True, size=14, color="FF1F4E79")
_BOLD = Font(bold=True)
_ENGLISH = Font(italic=True, color="FF595959")


@dataclass(frozen=True)
class TemplateLists:
    """The values behind the drop-downs, each with a label."""

    activities: list[tuple[str, str]]  # (key, name of a factor for it)
    units: list[tuple[str, str]]  # (unit, dimension)
    regions: list[tuple[str, str]]  # (code, name)
    methods: list[tuple[str, str]]  # (method, activity kinds)
    categories: list[tuple[str, str]]  # (category key, label)


def template_lists(store: FactorStore | None = None) -> TemplateLists:
    """Derive the drop-down values from the shipped factor sets and the validator."""
    store = store or default_store()
    names: dict[str, str] = {}
    unit_texts: set[str] = set()
    regions_with_factors: set[str] = set()
    for manifest in sorted(store.manifests(), key=lambda m: m.full_id):
        if manifest.kind != "emission_factors":
            continue
        table = store.load(manifest.full_id).tables.get("factors")
        if table is None:
            continue
        keyed = table[table["activity"].astype(str).str.len() > 0]
        for key, name, unit, parameter, region in zip(
            keyed["activity"].astype(str),
            keyed["name"].astype(str),
            keyed["unit"].astype(str),
            keyed["parameter"].astype(str),
            keyed["region"].astype(str),
            strict=True,
        ):
            family = family_of(key)
            if family is None:
                continue
            regions_with_factors.add(region)
            if not family.prefix.startswith(_LIST_FAMILIES) or family.scope not in ("1", "2"):
                continue
            names[key] = name  # the last edition's name (sets are read in id order)
            if parameter in ("emission_factor", "ncv") and "/" in unit:
                unit_texts.add(_per_unit(unit))
    units = _units(unit_texts | set(_COMMON_UNITS))
    methods = [
        (m, ", ".join(sorted(kind for kind, allowed in _METHODS.items() if m in allowed)))
        for m in sorted({m for allowed in _METHODS.values() for m in allowed if m})
    ]
    categories = (
        [(k, f"Scope 1 – {v}") for k, v in SCOPE1_CATEGORIES.items()]
        + [(k, f"Scope 2 – {v}") for k, v in SCOPE2_CATEGORIES.items()]
        + [(k, f"Scope 3 – Category {k}: {v[0]}") for k, v in SCOPE3_CATEGORIES.items()]
    )
    return TemplateLists(
        activities=sorted(names.items()),
        units=units,
        regions=_regions(regions_with_factors),
        methods=methods,
        categories=categories,
    )


def _per_unit(unit: str) -> str:
    """The activity unit a factor is expressed per: ``GJ/(10^4 Nm3)`` → ``10^4 Nm3``."""
    per = unit.split("/", 1)[1].strip()
    return per[1:-1].strip() if per.startswith("(") and per.endswith(")") else per


def _units(candidates: Iterable[str]) -> list[tuple[str, str]]:
    from carbonledger.units import describe_dimension, parse_unit

    out = []
    for text in candidates:
        if "**" in text:  # pint's power notation: m**3 is offered as m3
            continue
        try:
            parse_unit(text)
            dimension = describe_dimension(text)
        except UnitError:
            continue  # never offer a unit the validator would refuse
        out.append((text, dimension))
    return sorted(out, key=lambda u: (u[1], u[0].lower()))


def _regions(with_factors: set[str]) -> list[tuple[str, str]]:
    china_names = {}
    path = resources.files("carbonledger") / "factors" / "importers" / "cn_provinces.csv"
    with path.open("r", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            china_names[row["iso_code"]] = f"{row['name_zh']} {row['pycountry_name']}"
    grids = []
    folder = resources.files("carbonledger") / "data" / "regions"
    custom: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".csv"):
            with entry.open("r", encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    custom[row["code"].strip().upper()] = row["name"].strip()
    grids = sorted((c, n) for c, n in custom.items() if c.startswith("CN-GRID-"))
    provinces = sorted(
        (s.code, china_names.get(s.code, s.name))
        for s in pycountry.subdivisions.get(country_code="CN") or []  # type: ignore[no-untyped-call]
    )
    first = [("CN", "中国 China"), *grids, *provinces]
    seen = {c for c, _ in first} | {"GLOBAL"}
    rest = []
    for code in sorted(with_factors - seen):
        if not is_known_region(code):
            continue
        country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
        rest.append((code, country.name if country else custom.get(code, code)))
    return first + rest


def template_columns() -> list[str]:
    """The activity template's columns: the contract's columns for Scope 1 and 2 records, in
    contract order (the Scope 3 columns have their own templates, docs/scope3.md)."""
    return [c for c in COLUMNS if c in COLUMNS_ZH]


# -- workbook helpers --------------------------------------------------------------------------
def _write_lists(
    ws: Worksheet, columns: Sequence[tuple[str, str, Sequence[tuple[str, str]]]]
) -> dict[str, str]:
    """Write (header, label header, values) pairs side by side; returns header → range formula."""
    ranges = {}
    for k, (header, label, values) in enumerate(columns):
        col = 1 + 3 * k
        ws.cell(row=1, column=col, value=header).font = _BOLD
        ws.cell(row=1, column=col + 1, value=label).font = _BOLD
        for i, (value, text) in enumerate(values, start=2):
            ws.cell(row=i, column=col, value=value).data_type = "s"
            ws.cell(row=i, column=col + 1, value=text)
        letter = get_column_letter(col)
        ranges[header] = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(values) + 1}"
        ws.column_dimensions[letter].width = 36
        ws.column_dimensions[get_column_letter(col + 1)].width = 40
    ws.sheet_state = "hidden"
    return ranges


def _header_row(
    ws: Worksheet,
    columns: Sequence[str],
    english: dict[str, str],
    chinese: dict[str, str],
    required: Iterable[str],
) -> None:
    required = set(required)
    for j, name in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j, value=name)
        cell.font = _WHITE_BOLD
        cell.fill = _HEADER_REQUIRED if name in required else _HEADER_OPTIONAL
        cell.alignment = Alignment(horizontal="center")
        note = f"{name}{' (required 必填)' if name in required else ''}\n{english[name]}\n{chinese[name]}"
        comment = Comment(note, "carbonledger")
        comment.width, comment.height = 320, 140
        cell.comment = comment
        ws.column_dimensions[get_column_letter(j)].width = max(12, min(28, len(name) + 6))
    ws.freeze_panes = "B2"


def _validation(
    ws: Worksheet,
    column: int,
    formula: str,
    *,
    title: str,
    prompt: str,
    strict: bool,
) -> None:
    letter = get_column_letter(column)
    dv = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showDropDown=False,  # (sic) False shows the in-cell arrow
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle=title,
        error=(
            "Not in the list. 不在列表中。"
            if strict
            else "Not in the list: accepted if valid (it is checked when you run carbonledger). "
            "不在列表中：如有效仍可使用（运行时校验）。"
        ),
        promptTitle=title,
        prompt=prompt,
    )
    dv.add(f"{letter}2:{letter}{ROWS + 1}")
    ws.add_data_validation(dv)


def _instructions(ws: Worksheet, lines: Sequence[tuple[str, str]], table: pd.DataFrame) -> None:
    """Bilingual instructions (中文 line, then the English line) and the column table."""
    for letter, width in zip("ABCDE", (24, 12, 58, 52, 28), strict=True):
        ws.column_dimensions[letter].width = width
    r = 1
    for chinese, english in lines:
        if chinese.startswith("#"):
            ws.cell(row=r, column=1, value=f"{chinese.lstrip('# ')}  {english.lstrip('# ')}").font = _TITLE
            r += 2
            continue
        ws.cell(row=r, column=1, value=chinese)
        ws.cell(row=r + 1, column=1, value=english).font = _ENGLISH
        r += 2
    r += 1
    for j, header in enumerate(table.columns, start=1):
        cell = ws.cell(row=r, column=j, value=header)
        cell.font = _WHITE_BOLD
        cell.fill = _HEADER_REQUIRED
    widths = (24, 12, 58, 52, 28)
    for i, values in enumerate(table.itertuples(index=False), start=r + 1):
        lines_needed = 1
        for j, value in enumerate(values, start=1):
            cell = ws.cell(row=i, column=j, value=value)
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            chars = sum(2.0 if ord(ch) >= 0x2E80 else 1.0 for ch in str(value))
            lines_needed = max(lines_needed, -(-int(chars) // (widths[j - 1] - 2)))
        if lines_needed > 1:
            ws.row_dimensions[i].height = 15 * lines_needed
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# -- the two templates -------------------------------------------------------------------------
def build_activity_template(path: str | Path, *, store: FactorStore | None = None) -> Path:
    """Write ``activity_data.xlsx`` (see the module docstring)."""
    lists = template_lists(store)
    workbook = Workbook()
    instructions = workbook.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS_SHEET
    columns = template_columns()
    table = pd.DataFrame(
        {
            "column 列": columns,
            "required 必填": ["yes 是" if c in REQUIRED else "" for c in columns],
            "what to enter (English)": [COLUMNS[c] for c in columns],
            "填写说明（中文）": [COLUMNS_ZH[c] for c in columns],
            "example 示例": [COLUMN_EXAMPLES[c] for c in columns],
        }
    )
    _instructions(
        instructions,
        [
            ("# 活动数据模板", "# Activity data template"),
            (
                "每行一条活动记录，填写在 activities 工作表中。",
                "One row per activity record, on the 'activities' sheet.",
            ),
            (
                "第1行为列名（英文代码），请勿修改、合并或删除；不需要的可选列可以留空。",
                "Row 1 holds the column names: keep them, do not merge or rename them; optional columns may stay empty.",
            ),
            (
                "只填数值，不用公式（公式单元格会被报告为错误）；不要合并单元格。",
                "Enter values, not formulas (a formula cell is reported as an error); do not merge cells.",
            ),
            (
                "期间（period）请按文本填写，如 2025-03；该列已设为文本格式，以免Excel把它改成日期。",
                "Write the period as text, e.g. 2025-03 (the column is formatted as text so Excel keeps it).",
            ),
            (
                "activity、unit、region、method 列有下拉列表；列表外的代码如有效也可使用（运行时校验）。",
                "activity, unit, region and method have drop-down lists; other valid values are accepted "
                "(they are checked when you run carbonledger).",
            ),
            (
                "下拉列表来自随附排放因子库中范围一、二的活动代码；范围三代码（freight/…、travel/…）可直接输入。",
                "The activity list holds the Scope 1 and 2 keys with a shipped factor; Scope 3 keys "
                "(freight/…, travel/…) may be typed.",
            ),
            (
                "范围三记录请用 purchases.xlsx、logistics.xlsx 模板，或在本表中加上范围三的列（见 docs/scope3.md）。",
                "Scope 3 records: use the purchases.xlsx and logistics.xlsx templates, or add the Scope 3 "
                "columns to this sheet (docs/scope3.md).",
            ),
            (
                "绿证、绿电交易等合同工具填写在 instruments.xlsx 中（范围二基于市场）。",
                "Certificates, green power and other contractual instruments go in instruments.xlsx "
                "(market-based Scope 2).",
            ),
            ("运行：", "Run:"),
            (
                "carbonledger inventory activity_data.xlsx --instruments instruments.xlsx --year 2025 --out inventory.xlsx",
                "(all problems are listed at once, with sheet, row and column; exit code 2 when any row has an error)",
            ),
            (
                "列说明见下表；将鼠标停在 activities 表头上也可看到说明。",
                "Columns below; hover over a header for its note.",
            ),
        ],
        table,
    )
    ws = workbook.create_sheet(ACTIVITY_SHEET)
    _header_row(ws, columns, COLUMNS, COLUMNS_ZH, REQUIRED)
    for name in ("record_id", "period", "region", "unit", "factor_id", "scope", "category"):
        letter = get_column_letter(columns.index(name) + 1)
        for row in range(2, ROWS + 2):
            ws[f"{letter}{row}"].number_format = "@"  # text: '2025-03' must not become a date
    ws.column_dimensions[get_column_letter(columns.index("activity") + 1)].width = 34
    ws.column_dimensions[get_column_letter(columns.index("description") + 1)].width = 40
    ranges = _write_lists(
        workbook.create_sheet(LISTS_SHEET),
        [
            ("activity", "factor name 因子名称", lists.activities),
            ("unit", "dimension 量纲", lists.units),
            ("region", "name 名称", lists.regions),
            ("method", "for 适用于", lists.methods),
            ("category", "label 名称", lists.categories),
            ("scope", "范围", [("1", "Scope 1 范围一"), ("2", "Scope 2 范围二"), ("3", "Scope 3 范围三")]),
            ("direction", "方向", [("input", "输入"), ("output", "输出（减项）")]),
        ],
    )
    prompts = {
        "activity": ("Activity 活动", "Pick or type an activity key. 选择或输入活动代码。", False),
        "unit": ("Unit 单位", "Unit of the quantity. 数量单位。", False),
        "region": ("Region 地区", "ISO 3166 code or grid region. 地区代码。", False),
        "method": ("Method 方法", "Leave empty for the default. 空白为缺省方法。", True),
        "category": ("Category 类别", "Leave empty: derived from the activity. 空白时自动确定。", True),
        "scope": ("Scope 范围", "1, 2 or 3; leave empty: derived. 空白时自动确定。", True),
        "direction": ("Direction 方向", "Mass balances only. 仅用于质量平衡。", True),
    }
    for name, (title, prompt, strict) in prompts.items():
        _validation(ws, columns.index(name) + 1, ranges[name], title=title, prompt=prompt, strict=strict)
    workbook.active = 0
    return save_deterministic(workbook, path)


def build_instruments_template(path: str | Path, *, store: FactorStore | None = None) -> Path:
    """Write ``instruments.xlsx``: contractual instruments for market-based Scope 2."""
    lists = template_lists(store)
    workbook = Workbook()
    instructions = workbook.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS_SHEET
    columns = list(INSTRUMENT_COLUMNS)
    required = ("instrument_id", "type", "quantity", "unit", "vintage", "market_boundary")
    table = pd.DataFrame(
        {
            "column 列": columns,
            "required 必填": ["yes 是" if c in required else "" for c in columns],
            "what to enter (English)": [INSTRUMENT_COLUMNS[c] for c in columns],
            "填写说明（中文）": [INSTRUMENT_COLUMNS_ZH[c] for c in columns],
            "example 示例": [INSTRUMENT_EXAMPLES[c] for c in columns],
        }
    )
    _instructions(
        instructions,
        [
            ("# 合同工具模板（范围二基于市场）", "# Contractual instruments (market-based Scope 2)"),
            (
                "每行一个合同工具，填写在 instruments 工作表中。",
                "One row per instrument, on the 'instruments' sheet.",
            ),
            (
                "按填写顺序使用，每MWh只用一次；超过所覆盖用电量的工具不予使用并报告为错误。",
                "Instruments are applied in the order given, each MWh once; an instrument larger than the "
                "consumption it covers is not applied and is reported as an error.",
            ),
            (
                "市场边界须包含用电记录的地区；生产年份须为报告年度或相邻年份（相邻年份会被标记）。",
                "The market boundary must contain the record's region; the vintage must be the reporting year "
                "or the adjacent year (flagged).",
            ),
            (
                "运行：carbonledger inventory activity_data.xlsx --instruments instruments.xlsx --year 2025 --out inventory.xlsx",
                "Run: carbonledger inventory activity_data.xlsx --instruments instruments.xlsx --year 2025 --out inventory.xlsx",
            ),
        ],
        table,
    )
    ws = workbook.create_sheet(INSTRUMENT_SHEET)
    _header_row(ws, columns, INSTRUMENT_COLUMNS, INSTRUMENT_COLUMNS_ZH, required)
    for name in ("instrument_id", "market_boundary", "covers", "unit"):
        letter = get_column_letter(columns.index(name) + 1)
        for row in range(2, ROWS + 2):
            ws[f"{letter}{row}"].number_format = "@"
    ws.column_dimensions[get_column_letter(columns.index("covers") + 1)].width = 40
    energy = [u for u in lists.units if u[1] == "energy"]
    ranges = _write_lists(
        workbook.create_sheet(LISTS_SHEET),
        [
            ("type", "description 说明", list(INSTRUMENT_TYPES.items())),
            ("unit", "dimension 量纲", energy),
            ("market_boundary", "name 名称", lists.regions),
        ],
    )
    _validation(
        ws, columns.index("type") + 1, ranges["type"], title="Type 类型", prompt="gec 绿证 …", strict=True
    )
    _validation(ws, columns.index("unit") + 1, ranges["unit"], title="Unit 单位", prompt="MWh", strict=False)
    _validation(
        ws,
        columns.index("market_boundary") + 1,
        ranges["market_boundary"],
        title="Market boundary 市场边界",
        prompt="e.g. CN",
        strict=False,
    )
    vintage = DataValidation(
        type="whole",
        operator="between",
        formula1="2000",
        formula2="2100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Vintage 生产年份",
        error="A year, e.g. 2025. 请填写年份。",
    )
    letter = get_column_letter(columns.index("vintage") + 1)
    vintage.add(f"{letter}2:{letter}{ROWS + 1}")
    ws.add_data_validation(vintage)
    workbook.active = 0
    return save_deterministic(workbook, path)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Write templates/activity_data.xlsx and templates/instruments.xlsx"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("templates"), help="output folder (default: templates)"
    )
    args = parser.parse_args(argv)
    for written in (
        build_activity_template(args.out / "activity_data.xlsx"),
        build_instruments_template(args.out / "instruments.xlsx"),
    ):
        print(written)


if __name__ == "__main__":
    main()
