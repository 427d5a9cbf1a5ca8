"""The facility workbook: sheets, columns and vocabularies shared by the template builder
and the reader (one definition, so the template and the reader never drift apart).

Table sheets have two header rows — row 1 Chinese labels, row 2 the English column keys
the reader uses — and data from row 3. Key/value sheets list one field per row (column A
Chinese label, B key, C value, D note).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from carbonledger.regimes.china_ets.sectors import SECTORS

__all__ = [
    "ALLOWANCE_FIELDS",
    "COAL_ACTIVITIES",
    "ENERGY_COLUMNS",
    "FUEL_COLUMNS",
    "INFO_FIELDS",
    "PARAMETER_COLUMNS",
    "PROCESS_COLUMNS",
    "PROCESS_TYPES",
    "Column",
    "Material",
    "ProcessType",
    "SheetNames",
    "fuel_vocabulary",
    "production_columns",
    "resolve_fuel",
]


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: str = "number"  # number | int | text
    width: float = 14.0
    help_zh: str = ""
    help_en: str = ""


class SheetNames:
    README = "说明 README"
    INFO = "基本信息 Info"
    FUELS = "燃料 Fuels"
    PROCESS = "过程 Process"
    PRODUCTION = "生产 Production"
    ENERGY = "电力热力 Energy"
    ALLOWANCE = "配额 Allowance"
    PARAMETERS = "参数 Parameters"


INFO_FIELDS: tuple[Column, ...] = (
    Column("facility_name", "企业（单位）名称", "Facility / company name", "text"),
    Column("credit_code", "统一社会信用代码", "Unified social credit code", "text"),
    Column("sector", "行业", "Sector (power / steel / cement / aluminium)", "text"),
    Column("year", "报告年度", "Reporting year", "int"),
    Column("region", "所在省份", "Province (ISO 3166-2, e.g. CN-CQ)", "text"),
    Column("address", "生产经营场所地址", "Site address", "text"),
    Column("unit_description", "机组或生产线", "Units or production lines", "text"),
    Column("capacity", "装机容量或产能", "Installed capacity or production capacity", "text"),
    Column("unit_type", "机组类型或工艺", "Unit type or process route", "text"),
    Column("contact", "联系人", "Contact", "text"),
    Column("prepared_by", "填报人", "Prepared by", "text"),
    Column("notes", "备注", "Notes", "text"),
)

FUEL_COLUMNS: tuple[Column, ...] = (
    Column("month", "月份", "Month (1-12)", "int", 8),
    Column("fuel", "燃料品种", "Fuel", "text", 22, "如 烟煤、天然气、柴油", "e.g. bituminous_coal, natural_gas"),
    Column("consumption", "消耗量", "Consumption", "number", 14, "空白时按 购入+期初-期末-其他用途 计算",
           "empty: purchased + opening - closing stock - other use"),
    Column("unit", "单位", "Unit", "text", 12, "t、万Nm3、10^4 Nm3、Nm3", "t, 10^4 Nm3 (万Nm3), Nm3"),
    Column("purchased", "购入量", "Purchased", "number", 12),
    Column("stock_start", "期初库存", "Opening stock", "number", 12),
    Column("stock_end", "期末库存", "Closing stock", "number", 12),
    Column("other_use", "其他用途量", "Other use (sold, non-fuel)", "number", 12),
    Column("ncv", "低位发热量", "Net calorific value (NCV)", "number", 12),
    Column("ncv_unit", "低位发热量单位", "NCV unit", "text", 14, "GJ/t、GJ/万Nm3", "GJ/t, GJ/(10^4 Nm3)"),
    Column("carbon_content", "含碳量", "Carbon content", "number", 12,
           "元素碳含量(tC/t 或 %) 或 单位热值含碳量(tC/GJ、tC/TJ)", "element carbon (tC/t or %) or per heat (tC/GJ)"),
    Column("carbon_content_unit", "含碳量单位", "Carbon content unit", "text", 12),
    Column("cc_basis", "含碳量取值方式", "Carbon content basis (measured / default)", "text", 14),
    Column("oxidation_factor", "碳氧化率", "Oxidation factor (fraction)", "number", 12),
    Column("measurement", "检测说明", "Measurement: lab, standard, frequency", "text", 28),
    Column("note", "备注", "Note", "text", 20),
)

PROCESS_COLUMNS: tuple[Column, ...] = (
    Column("month", "月份", "Month (1-12; empty = whole year)", "int", 8),
    Column("type", "类型", "Type", "text", 16),
    Column("material", "物料或产品", "Material or product", "text", 22),
    Column("quantity", "数量", "Quantity", "number", 14),
    Column("unit", "单位", "Unit", "text", 10),
    Column("measured_value", "实测值", "Measured value (emission factor, carbon content or AEM)", "number", 14),
    Column("measured_unit", "实测值单位", "Measured value unit", "text", 14,
           "tCO2/t、tC/t、%、kg/t、min/cell-day", "tCO2/t, tC/t, %, kg/t, min/cell-day"),
    Column("content", "碳酸盐含量", "Carbonate content (fraction)", "number", 12),
    Column("conversion", "转化率", "Conversion rate (fraction)", "number", 10),
    Column("sulphur", "硫分", "Sulphur (fraction)", "number", 10),
    Column("ash", "灰分", "Ash (fraction)", "number", 10),
    Column("measurement", "检测说明", "Measurement: lab, standard, frequency", "text", 28),
    Column("note", "备注", "Note", "text", 20),
)

ENERGY_COLUMNS: tuple[Column, ...] = (
    Column("month", "月份", "Month (1-12)", "int", 8),
    Column("purchased_electricity", "购入电量 (MWh)", "Purchased electricity (MWh)", "number", 18),
    Column("purchased_heat", "购入热量 (GJ)", "Purchased heat (GJ)", "number", 16),
    Column("note", "备注", "Note", "text", 20),
)

ALLOWANCE_FIELDS: tuple[Column, ...] = (
    Column("cea_price", "碳排放配额价格（元/吨）", "CEA price (CNY/t) for the cost estimate", "number"),
    Column("cea_price_date", "价格日期", "Price date", "text"),
    Column("cea_price_source", "价格来源", "Price source", "text"),
    Column("ccer_available", "可用于清缴的CCER（吨）", "CCER held for surrender (t CO2e)", "number"),
    Column("notes", "备注", "Notes", "text"),
)

PARAMETER_COLUMNS: tuple[Column, ...] = (
    Column("parameter", "参数", "parameter", "text", 26),
    Column("key", "键", "key", "text", 26),
    Column("value", "数值", "value", "text", 14),
    Column("unit", "单位", "unit", "text", 14),
    Column("citation", "来源", "citation", "text", 40),
    Column("note", "说明", "note", "text", 30),
)


def production_columns(sector: str) -> tuple[Column, ...]:
    s = SECTORS[sector]
    columns = [Column("month", "月份", "Month (1-12)", "int", 8)]
    for p in s.products:
        columns.append(Column(p.key, f"{p.zh} ({p.unit})", f"{p.en} ({p.unit})", "number", 18))
    if sector == "power":
        columns.append(
            Column("heat_ratio", "供热比", "Heat-supply ratio (fraction of emissions to heat)", "number", 14,
                   "供热量>0 时必填", "required when heat is supplied")
        )
    columns.append(Column("note", "备注", "Note", "text", 20))
    return tuple(columns)


# -- vocabularies ------------------------------------------------------------------------------------

COAL_ACTIVITIES = frozenset(
    {
        "fuel/coal",
        "fuel/anthracite",
        "fuel/bituminous_coal",
        "fuel/lignite",
        "fuel/cleaned_coal",
        "fuel/other_washed_coal",
        "fuel/coal_briquettes",
    }
)
"""Coal for the power guideline's element-carbon rules (the 0.03085 default applies 'regardless of
coal type')."""

_CJK = re.compile(r"^[\u4e00-\u9fff（）()]+")


@lru_cache(maxsize=1)
def fuel_vocabulary() -> dict[str, tuple[str, str, str]]:
    """Accepted fuel names → (activity, Chinese name, English name).

    From ``cn_fuel_activities.csv`` (the China fuel sets' activity mapping), plus generic coal
    (燃煤 / 原煤, ``fuel/coal``) for power units that measure every coal parameter."""
    out: dict[str, tuple[str, str, str]] = {}
    path = resources.files("carbonledger.factors.importers") / "cn_fuel_activities.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            zh_match = _CJK.match(row["note"].strip())
            zh = zh_match.group(0) if zh_match else row["name_en"]
            entry = (row["activity"], zh, row["name_en"])
            for name in (row["activity"], row["token"], row["name_en"], zh, row["activity"].split("/", 1)[1]):
                out[name.lower()] = entry
    for name in ("fuel/coal", "coal", "燃煤", "原煤", "动力煤"):
        out[name] = ("fuel/coal", "燃煤", "coal (power unit; all parameters measured)")
    return out


def resolve_fuel(text: str) -> tuple[str, str, str] | None:
    """Fuel text as typed (``烟煤``, ``bituminous_coal``, ``烟煤 bituminous_coal``) → vocabulary entry."""
    vocab = fuel_vocabulary()
    cleaned = text.strip().lower()
    if cleaned in vocab:
        return vocab[cleaned]
    for token in re.split(r"[\s|/,，、]+", cleaned):
        if token and token in vocab:
            return vocab[token]
    return None


@dataclass(frozen=True)
class Material:
    key: str
    zh: str
    en: str
    factor_set: str = ""  # set id of the default factor ("" = measured value required)
    factor_id: str = ""


@dataclass(frozen=True)
class ProcessType:
    key: str
    zh: str
    en: str
    materials: tuple[Material, ...]
    open_materials: bool = False  # any material name with a measured value is accepted

    def material(self, text: str) -> Material | None:
        cleaned = text.strip().lower()
        for m in self.materials:
            if cleaned in (m.key.lower(), m.zh.lower(), m.en.lower(), m.factor_id.lower()):
                return m
            if any(t in (m.key.lower(), m.zh.lower()) for t in re.split(r"[\s|/]+", cleaned) if t):
                return m
        return None


_NDRC = "cn-fuel-ndrc2013"
_PROC = "cn-process"
_GBT = "cn-fuel-gbt32151-2024"

_CARBONATES = (
    Material("limestone", "石灰石", "limestone (CaCO3)", _NDRC, "ndrc2013.steel.limestone"),
    Material("dolomite", "白云石", "dolomite", _NDRC, "ndrc2013.steel.dolomite"),
    Material("calcium_carbonate", "碳酸钙", "CaCO3", _GBT, "gbt32151_34_2024_c2.CaCO3"),
    Material("magnesium_carbonate", "碳酸镁", "MgCO3", _GBT, "gbt32151_34_2024_c2.MgCO3"),
    Material("sodium_carbonate", "碳酸钠", "Na2CO3 (soda ash)", _GBT, "gbt32151_34_2024_c2.Na2CO3"),
    Material("sodium_bicarbonate", "碳酸氢钠", "NaHCO3", _GBT, "gbt32151_34_2024_c2.NaHCO3"),
    Material("iron_carbonate", "碳酸亚铁", "FeCO3", _GBT, "gbt32151_34_2024_c2.FeCO3"),
    Material("manganese_carbonate", "碳酸锰", "MnCO3", _GBT, "gbt32151_34_2024_c2.MnCO3"),
    Material("barium_carbonate", "碳酸钡", "BaCO3", _GBT, "gbt32151_34_2024_c2.BaCO3"),
    Material("lithium_carbonate", "碳酸锂", "Li2CO3", _GBT, "gbt32151_34_2024_c2.Li2CO3"),
    Material("potassium_carbonate", "碳酸钾", "K2CO3", _GBT, "gbt32151_34_2024_c2.K2CO3"),
    Material("strontium_carbonate", "碳酸锶", "SrCO3", _GBT, "gbt32151_34_2024_c2.SrCO3"),
)

_DEDUCTION_NAMES = (
    "脱硫粉剂（氢氧化钙）", "熟石灰", "电石渣", "镁渣", "造纸白泥", "氟化钙污泥", "磷渣", "钒钛渣", "氮渣", "飞灰",
    "铁合金炉渣", "脱硫石膏", "磷石膏", "钛石膏", "氟石膏", "硼石膏", "模型石膏", "柠檬酸渣", "钢渣", "镍渣",
    "锰渣", "锌渣", "锡渣", "市政污泥", "铝渣", "硫酸渣", "铜渣", "铅锌渣", "粉煤灰", "赤泥",
)
"""The 30 non-carbonate raw materials of set cn-process, in its order (factor ids .01-.30)."""

_STEEL_CARBON = (
    Material("pig_iron", "生铁", "pig iron", _NDRC, "ndrc2013.steel.pig_iron"),
    Material("dri", "直接还原铁", "direct reduced iron", _NDRC, "ndrc2013.steel.dri"),
    Material("ferronickel", "镍铁合金", "ferro-nickel", _NDRC, "ndrc2013.steel.ferronickel"),
    Material("ferrochrome", "铬铁合金", "ferro-chrome", _NDRC, "ndrc2013.steel.ferrochrome"),
    Material("ferromolybdenum", "钼铁合金", "ferro-molybdenum", _NDRC, "ndrc2013.steel.ferromolybdenum"),
    Material("crude_steel", "粗钢", "crude steel", _NDRC, "ndrc2013.steel.crude_steel"),
)

PROCESS_TYPES: dict[str, ProcessType] = {
    t.key: t
    for t in (
        ProcessType("desulphurisation", "脱硫", "Desulphurisation sorbent", _CARBONATES[:2]),
        ProcessType(
            "clinker",
            "熟料",
            "Clinker",
            (
                Material("portland", "硅酸盐水泥熟料", "Portland clinker", _PROC, "cement.clinker.portland"),
                Material("white_portland", "白色硅酸盐水泥熟料", "white Portland clinker", _PROC,
                         "cement.clinker.white_portland"),
                Material("sulfoaluminate", "硫（铁）铝酸盐水泥熟料", "(ferro)sulfoaluminate clinker", _PROC,
                         "cement.clinker.sulfoaluminate"),
                Material("aluminate", "铝酸盐水泥熟料", "calcium aluminate clinker", _PROC,
                         "cement.clinker.aluminate"),
            ),
        ),
        ProcessType(
            "raw_material_deduction",
            "非碳酸盐替代原料",
            "Non-carbonate alternative raw material (deduction)",
            tuple(
                Material(name, name, f"non-carbonate raw material {i:02d}", _PROC,
                         f"cement.noncarbonate_deduction.{i:02d}")
                for i, name in enumerate(_DEDUCTION_NAMES, start=1)
            ),
        ),
        ProcessType("carbonate", "碳酸盐", "Carbonate", _CARBONATES),
        ProcessType("flux", "熔剂", "Flux", _CARBONATES[:2]),
        ProcessType(
            "electrode", "电极", "Electrodes",
            (Material("electrode", "电极", "electrode", _NDRC, "ndrc2013.steel.electrode"),),
        ),
        ProcessType("carbon_input", "含碳原料", "Carbon-containing input", _STEEL_CARBON[:5], open_materials=True),
        ProcessType("carbon_in_products", "固碳产品", "Carbon in products (subtracted)", _STEEL_CARBON,
                    open_materials=True),
        ProcessType(
            "anode", "炭阳极", "Carbon anode (net consumption)",
            (Material("carbon_anode", "炭阳极", "carbon anode", _PROC, "al.anode.net_consumption_default"),),
        ),
        ProcessType(
            "pfc", "阳极效应", "Anode effect (PFCs)",
            (Material("anode_effect", "阳极效应", "anode effect", _PROC, "al.anode_effect.default"),),
        ),
    )
}


def resolve_process_type(text: str) -> ProcessType | None:
    cleaned = text.strip().lower()
    for t in PROCESS_TYPES.values():
        if cleaned in (t.key, t.zh, t.en.lower()) or any(
            token in (t.key, t.zh) for token in re.split(r"[\s|/]+", cleaned) if token
        ):
            return t
    return None
