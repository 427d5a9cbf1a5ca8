"""The 15 Scope 3 categories: direction, minimum boundary, methods and activity families.

Names and the upstream/downstream split come from :mod:`carbonledger.inventory.categories`
(GHG Protocol Corporate Value Chain (Scope 3) Standard, 2011, Table 5.4). The *minimum
boundary* of each category paraphrases Scope 3 Standard Table 5.4 ("Description of Scope 3
categories" and "Minimum boundary"); the method lists follow the Technical Guidance for
Calculating Scope 3 Emissions (version 1.0, 2013), one chapter per category. Both are
paraphrases for orientation in reports; the standard's own wording governs.
"""

from __future__ import annotations

from dataclasses import dataclass

from carbonledger.inventory.categories import SCOPE3_CATEGORIES

__all__ = ["CATEGORIES", "FAMILY_CATEGORY", "Scope3Category", "category_label", "category_table"]


@dataclass(frozen=True, slots=True)
class Scope3Category:
    number: str
    name: str
    direction: str  # upstream | downstream
    minimum_boundary: str
    notes: str
    methods: tuple[str, ...]
    families: tuple[str, ...]


_DETAILS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "1": (
        "All upstream (cradle-to-gate) emissions of purchased goods and services",
        "Excludes goods counted in categories 2-8 (capital goods, fuels and energy, transport paid "
        "for, waste). Cradle-to-gate includes the supplier's upstream transport.",
        ("supplier_specific", "hybrid", "average_data", "spend_based"),
        ("spend/", "supplier/", "material/", "water/"),
    ),
    "2": (
        "All upstream (cradle-to-gate) emissions of purchased capital goods",
        "Reported in the year of acquisition, not depreciated over the asset's life.",
        ("supplier_specific", "hybrid", "average_data", "spend_based"),
        ("capital/", "spend/", "supplier/", "material/"),
    ),
    "3": (
        "Upstream (cradle-to-gate) emissions of purchased fuels and electricity not in Scope 1 "
        "or 2: well-to-tank of fuels (A), of electricity, heat and steam (B), transmission and "
        "distribution losses (C), generation of electricity purchased for resale (D)",
        "T&D losses use location-based grid factors; resale applies to utilities and energy retailers.",
        ("average_data", "supplier_specific"),
        (
            "wtt/",
            "electricity/td_losses",
            "electricity/wtt",
            "electricity/wtt_td_losses",
            "electricity/resale",
            "heat/td_losses",
            "heat/wtt",
        ),
    ),
    "4": (
        "Scope 1 and 2 emissions of transport and distribution providers in the reporting "
        "year for purchased goods (tier 1 to the company) and transport services the company "
        "pays for (including outbound)",
        "Optionally the well-to-tank of the providers' fuels (wtt/freight/...).",
        ("distance_based", "fuel_based", "spend_based", "supplier_specific"),
        ("freight/", "freight_fuel/", "wtt/freight/"),
    ),
    "5": (
        "Scope 1 and 2 emissions of waste management suppliers during disposal or treatment of "
        "waste generated in the company's operations",
        "Optionally the transport of the waste. Waste-type-specific factors by treatment route.",
        ("waste_type_specific", "average_data", "supplier_specific"),
        ("waste/", "water/treatment"),
    ),
    "6": (
        "Scope 1 and 2 emissions of transport carriers during business travel of employees",
        "Optionally hotel stays and the well-to-tank of travel fuels.",
        ("distance_based", "fuel_based", "spend_based"),
        ("travel/", "wtt/travel/"),
    ),
    "7": (
        "Scope 1 and 2 emissions of employees' transport between home and work",
        "Optionally home working.",
        ("average_data", "distance_based", "fuel_based"),
        ("commuting/", "homeworking/"),
    ),
    "8": (
        "Scope 1 and 2 emissions of lessors from operating assets leased by the company "
        "(not already in its Scope 1 or 2)",
        "Applies to lessees using the financial or equity-share approach for leased assets.",
        ("asset_specific", "lessor_specific", "average_data"),
        ("leased_upstream/",),
    ),
    "9": (
        "Scope 1 and 2 emissions of transport providers and retailers for sold products after "
        "the point of sale, not paid for by the company",
        "Includes storage at distribution centres and retail; optionally consumer travel.",
        ("distance_based", "fuel_based", "spend_based"),
        ("downstream_transport/", "freight/"),
    ),
    "10": (
        "Scope 1 and 2 emissions of downstream processors of sold intermediate products",
        "Only for intermediate products; may be excluded with justification where uses are unknown.",
        ("site_specific", "average_data"),
        ("processing/",),
    ),
    "11": (
        "Direct use-phase emissions of sold products over their expected lifetime (Scope 1 and "
        "2 emissions of end users)",
        "Energy-using products, fuels and feedstocks, and products containing or forming GHGs; "
        "indirect use-phase emissions are optional.",
        ("direct_use_phase", "indirect_use_phase"),
        ("use_phase/",),
    ),
    "12": (
        "Scope 1 and 2 emissions of waste management suppliers at the end of life of products "
        "sold in the reporting year",
        "Total expected end-of-life emissions of the year's sold products and packaging.",
        ("waste_type_specific",),
        ("end_of_life/",),
    ),
    "13": (
        "Scope 1 and 2 emissions of lessees from operating assets owned by the company and "
        "leased to others (not already in Scope 1 or 2)",
        "Applies to lessors.",
        ("asset_specific", "lessee_specific", "average_data"),
        ("leased_downstream/",),
    ),
    "14": (
        "Scope 1 and 2 emissions of franchisees",
        "Applies to franchisors; franchisees report their own.",
        ("franchise_specific", "average_data"),
        ("franchise/",),
    ),
    "15": (
        "Scope 1 and 2 emissions of investees, allocated to the investment (equity, debt, project finance)",
        "Attribution by share of equity or debt (e.g. PCAF: outstanding amount / enterprise "
        "value including cash or total equity + debt).",
        ("investment_specific", "average_data"),
        ("investment/",),
    ),
}

CATEGORIES: dict[str, Scope3Category] = {
    number: Scope3Category(
        number=number,
        name=name,
        direction=direction,
        minimum_boundary=_DETAILS[number][0],
        notes=_DETAILS[number][1],
        methods=_DETAILS[number][2],
        families=_DETAILS[number][3],
    )
    for number, (name, direction) in SCOPE3_CATEGORIES.items()
}
"""Category number (text '1'…'15') → details."""

FAMILY_CATEGORY: dict[str, str] = {}
for _number, _cat in CATEGORIES.items():
    for _family in _cat.families:
        FAMILY_CATEGORY.setdefault(_family, _number)


def category_label(number: str) -> str:
    """``3.1 Purchased goods and services`` style label."""
    cat = CATEGORIES.get(str(number))
    return f"3.{number} {cat.name}" if cat else f"3.{number}"


def category_table() -> list[dict[str, str]]:
    """All 15 categories as rows (for reports and docs)."""
    return [
        {
            "category": c.number,
            "name": c.name,
            "direction": c.direction,
            "minimum_boundary": c.minimum_boundary,
            "notes": c.notes,
            "methods": ", ".join(c.methods),
            "activity_families": ", ".join(c.families),
        }
        for c in CATEGORIES.values()
    ]
