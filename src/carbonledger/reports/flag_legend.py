"""What each data-quality flag in a result row means (English and 中文), for reports.

Flags come from four places: factor resolution (:mod:`carbonledger.factors.resolve`: region,
period and pin choices), the factor sets' own rows and manifests (how a value was obtained:
``secondary_source``, ``low_confidence``, ``UNVERIFIED`` …), the calculation kernel
(:mod:`carbonledger.calc`: GWP re-weighting) and the methods (inline factors, Scope 2
instruments and residual-mix proxies, memo items). Flags with a parameter (``regwp:AR5→AR6``,
``gwp_basis_differs:AR5``) are explained by their prefix.

``level`` says how a reviewer should treat a flagged number: ``review`` (a weaker source or an
assumption — check it before relying on the number), ``note`` (a documented choice or fallback)
or ``info``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FLAGS", "FlagInfo", "describe_flag", "flag_level", "level_rank", "split_flags"]


@dataclass(frozen=True, slots=True)
class FlagInfo:
    flag: str
    level: str  # review | note | info
    english: str
    chinese: str


def _f(flag: str, level: str, english: str, chinese: str) -> FlagInfo:
    return FlagInfo(flag, level, english, chinese)


FLAGS: dict[str, FlagInfo] = {
    f.flag: f
    for f in (
        # -- provenance of the factor values (factor sets) -------------------------------
        _f(
            "UNVERIFIED",
            "review",
            "The value could not be verified against the official text; use only with a check "
            "against the original document.",
            "数值未能与官方原文核对；使用前须对照原始文件核实。",
        ),
        _f(
            "low_confidence",
            "review",
            "The source or its transcription is rated low confidence (see the factor set's "
            "confidence notes).",
            "来源或转录的可信度低（见因子库的可信度说明）。",
        ),
        _f(
            "secondary_source",
            "review",
            "Transcribed from a secondary source (public code, a news or guidance page), not "
            "from the official document itself.",
            "数值转录自二手来源（公开代码、新闻或解读页面），而非官方文件原文。",
        ),
        _f(
            "single_source",
            "review",
            "Only one source was found for the value; no independent confirmation.",
            "仅找到一个来源，未经独立印证。",
        ),
        _f(
            "validity_assumed",
            "review",
            "The validity dates of the factor are an assumption (e.g. the standard's effective "
            "date), not stated in the source.",
            "因子的有效期为假设（如标准实施日期），来源中未明确给出。",
        ),
        _f(
            "attribution_inferred",
            "review",
            "The document the values come from is inferred, not named by the source.",
            "数值所属文件系推断，来源未明确说明。",
        ),
        _f(
            "clause_unverified",
            "review",
            "The clause of the cited document that holds the value was not verified.",
            "所引文件中载有该数值的条款未经核实。",
        ),
        _f(
            "unattributed",
            "review",
            "The source names no document for the value.",
            "来源未注明数值出处。",
        ),
        _f(
            "source_conflict",
            "review",
            "Sources disagree on this value; the set documents which one was kept.",
            "不同来源的数值不一致；因子库说明了采用哪一个。",
        ),
        _f(
            "partial_table",
            "note",
            "The factor set holds only part of the publisher's table.",
            "因子库只收录了发布方表格的一部分。",
        ),
        _f(
            "ets_reporting_factor",
            "note",
            "A regulator's compliance-reporting factor, not a statistical average.",
            "主管部门规定的履约报告因子，而非统计平均值。",
        ),
        _f(
            "location_based_fallback",
            "review",
            "A generation-based intensity used only as a location-based fallback where no "
            "official grid factor exists.",
            "仅在无官方电网因子时作为基于位置的替代值使用的发电侧强度。",
        ),
        _f(
            "generation_based",
            "note",
            "Per kWh generated, not per kWh consumed (no transmission losses).",
            "按发电量计，而非按用电量计（不含输配电损耗）。",
        ),
        _f(
            "lifecycle_basis",
            "note",
            "Life-cycle emission factors, not combustion-only.",
            "全生命周期排放因子，而非仅燃烧排放。",
        ),
        _f(
            "provisional",
            "note",
            "Published as provisional by its publisher.",
            "发布方标注为暂定值。",
        ),
        _f(
            "provisional_partial_year",
            "review",
            "Based on part of a year's data (provisional).",
            "基于不完整年度数据（暂定）。",
        ),
        _f(
            "not_for_inventory",
            "review",
            "The publisher says the value is not meant for an organisational inventory.",
            "发布方说明该数值不适用于组织温室气体清单。",
        ),
        _f(
            "cv_basis_unstated",
            "note",
            "The publisher does not state whether the value is on a gross or net calorific basis.",
            "发布方未说明按高位还是低位发热量计。",
        ),
        _f(
            "outside_scopes",
            "info",
            "Biogenic CO2 reported outside the scopes (GHG Protocol Corporate Standard ch. 9).",
            "生物质CO2，在范围之外单独报告（温室气体核算体系企业标准第9章）。",
        ),
        _f(
            "radiative_forcing_included",
            "info",
            "Aviation factor including radiative forcing.",
            "含辐射强迫效应的航空排放因子。",
        ),
        _f(
            "radiative_forcing_excluded",
            "info",
            "Aviation factor excluding radiative forcing.",
            "不含辐射强迫效应的航空排放因子。",
        ),
        _f("superseded", "review", "Superseded by a later edition.", "已被后续版本取代。"),
        _f("in_force", "info", "The edition in force.", "现行有效版本。"),
        _f(
            "authored",
            "note",
            "Table authored by carbonledger from cited legal text.",
            "由carbonledger依据所引法规文本编制。",
        ),
        _f(
            "third_party_copy",
            "note",
            "Values from a third-party copy of the publication.",
            "数值来自第三方转载。",
        ),
        # -- factor resolution -------------------------------------------------------------
        _f(
            "period_fallback",
            "note",
            "No factor valid for the record's period; the nearest earlier edition was used "
            "(e.g. the 2023 grid factor for 2025 data, the latest published).",
            "无适用于该期间的因子，采用最近的早期版本（如2025年数据采用最新发布的2023年电网因子）。",
        ),
        _f(
            "partial_period_validity",
            "note",
            "The factor is valid for only part of the record's period.",
            "因子有效期仅覆盖该记录期间的一部分。",
        ),
        _f(
            "region_fallback",
            "info",
            "No factor for the record's own region; the factor of a parent region on its chain "
            "was used (e.g. CN-CQ → CN).",
            "无该地区本身的因子，采用上级地区的因子（如重庆 CN-CQ → 全国 CN）。",
        ),
        _f(
            "regional_proxy",
            "review",
            "A factor of another region was used as a proxy (only where the set allows it).",
            "采用其他地区的因子作为替代（仅在因子库允许时）。",
        ),
        _f(
            "pinned",
            "info",
            "The factor was chosen by the record (factor_id).",
            "因子由记录指定（factor_id）。",
        ),
        _f(
            "pinned_period_mismatch",
            "review",
            "The factor pinned by the record is not valid for the record's period.",
            "记录指定的因子在该期间无效。",
        ),
        _f(
            "no_period",
            "note",
            "The record has no period; the latest valid factor was used.",
            "记录无期间信息，采用最新有效因子。",
        ),
        _f(
            "ambiguous_choice",
            "review",
            "Several equally ranked factors matched; the one with the lowest id was used.",
            "有多个同等优先的因子，采用编号最小者。",
        ),
        # -- calculation ---------------------------------------------------------------------
        _f(
            "regwp",
            "note",
            "A per-gas factor published in CO2e of another GWP set was converted to gas mass "
            "and re-weighted with the run's GWP set (regwp:<published>→<run>).",
            "按气体发布的CO2e因子换算为气体质量后，按本次核算的GWP重新加权（regwp:发布→本次）。",
        ),
        _f(
            "gwp_basis_differs",
            "review",
            "An aggregate CO2e factor published with another GWP set is used as published "
            "(it cannot be split into gases).",
            "以其他GWP版本发布的CO2e合计因子按原值使用（无法拆分为各气体）。",
        ),
        _f(
            "inline_factor",
            "note",
            "Emission factor supplied on the record by the reporter.",
            "排放因子由报告主体在记录中提供。",
        ),
        _f(
            "inline_co2e",
            "review",
            "The reporter's CO2e factor is used as given; its GWP basis is the reporter's.",
            "报告主体提供的CO2e因子按原值使用，其GWP依据由报告主体负责。",
        ),
        _f(
            "mass_balance_component",
            "info",
            "One input or output of a carbon mass balance (outputs subtract).",
            "碳质量平衡的一项输入或输出（输出为负）。",
        ),
        _f(
            "non_kyoto",
            "info",
            "A gas outside the Kyoto basket (e.g. HCFC-22): reported as a memo item, in no total.",
            "《京都议定书》以外的气体（如HCFC-22）：作为备忘项报告，不计入总量。",
        ),
        # -- Scope 2 market-based ------------------------------------------------------------
        _f(
            "contractual_instrument",
            "info",
            "Market-based emissions of consumption covered by a contractual instrument "
            "(certificate, green power trade, PPA or supplier rate).",
            "由合同工具（绿证、绿电交易、购电协议或供应商排放率）覆盖的用电的基于市场排放。",
        ),
        _f(
            "vintage_adjacent_year",
            "note",
            "The instrument's vintage is the year next to the reporting year (Scope 2 Guidance "
            "Quality Criterion 4).",
            "合同工具的生产年份为报告年度的相邻年份（范围二指南质量准则4）。",
        ),
        _f(
            "residual_mix_proxy",
            "review",
            "No residual mix is published for China: uncovered consumption uses the MEE/NBS "
            "national factor excluding market-traded non-fossil electricity as a proxy.",
            "中国未发布剩余组合因子：未被合同工具覆盖的用电采用生态环境部/国家统计局发布的"
            "不含市场化交易非化石能源电量的全国平均因子作为替代。",
        ),
        _f(
            "no_residual_mix_grid_average",
            "review",
            "Neither a residual mix nor a proxy exists: uncovered consumption uses the "
            "location-based grid average (Scope 2 Guidance Table 6.3, last resort).",
            "既无剩余组合因子也无替代值：未覆盖的用电采用基于位置的电网平均因子（范围二指南表6.3，最后手段）。",
        ),
        _f(
            "heat_no_supplier_specific_factor",
            "note",
            "Purchased heat or steam without a supplier-specific factor: the market-based "
            "result equals the location-based one.",
            "外购热力或蒸汽无供应商特定因子：基于市场的结果等于基于位置的结果。",
        ),
    )
}

_LEVEL_ORDER = {"review": 0, "note": 1, "info": 2, "": 3}


def split_flags(text: object) -> list[str]:
    """``'a|b|a'`` → ``['a', 'b']`` (order kept)."""
    return list(dict.fromkeys(f for f in str(text or "").split("|") if f and f != "nan"))


def describe_flag(flag: str) -> FlagInfo | None:
    """The legend entry of a flag, or of its prefix (``regwp:AR5→AR6`` → ``regwp``)."""
    return FLAGS.get(flag) or FLAGS.get(flag.split(":", 1)[0])


def flag_level(flag: str) -> str:
    info = describe_flag(flag)
    return info.level if info else ""


def level_rank(level: str) -> int:
    return _LEVEL_ORDER.get(level, 3)
