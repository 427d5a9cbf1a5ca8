"""Scopes and categories: GHG Protocol labels and the ISO 14064-1:2018 categories.

GHG Protocol Corporate Standard (2004, rev.) ch. 4 defines Scopes 1–3; the Scope 2
Guidance (2015) requires location- and market-based Scope 2; the Scope 3 Standard (2011)
defines 15 categories (upstream 1–8, downstream 9–15).

ISO 14064-1:2018 clause 5.2.4 groups emissions into six categories: 1 direct; 2 indirect
from imported energy; 3 indirect from transportation; 4 indirect from products used by the
organization; 5 indirect associated with the use of products from the organization;
6 indirect from other sources. The mapping of GHG Protocol Scope 3 categories onto ISO
categories 3–6 below is carbonledger's reading of clause 5.2.4 (it is not a table in
either standard) and is labelled as such in reports.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ISO_CATEGORIES",
    "SCOPE1_CATEGORIES",
    "SCOPE2_CATEGORIES",
    "SCOPE3_CATEGORIES",
    "CategoryInfo",
    "category_info",
]

SCOPE1_CATEGORIES = {
    "stationary_combustion": "Stationary combustion",
    "mobile_combustion": "Mobile combustion",
    "process": "Process emissions",
    "fugitive": "Fugitive emissions",
}
SCOPE2_CATEGORIES = {
    "purchased_electricity": "Purchased electricity",
    "purchased_heat": "Purchased heat and steam",
    "purchased_cooling": "Purchased cooling",
}
# (name, upstream/downstream) — GHG Protocol Scope 3 Standard (2011), Table 5.4
SCOPE3_CATEGORIES: dict[str, tuple[str, str]] = {
    "1": ("Purchased goods and services", "upstream"),
    "2": ("Capital goods", "upstream"),
    "3": ("Fuel- and energy-related activities (not included in Scope 1 or 2)", "upstream"),
    "4": ("Upstream transportation and distribution", "upstream"),
    "5": ("Waste generated in operations", "upstream"),
    "6": ("Business travel", "upstream"),
    "7": ("Employee commuting", "upstream"),
    "8": ("Upstream leased assets", "upstream"),
    "9": ("Downstream transportation and distribution", "downstream"),
    "10": ("Processing of sold products", "downstream"),
    "11": ("Use of sold products", "downstream"),
    "12": ("End-of-life treatment of sold products", "downstream"),
    "13": ("Downstream leased assets", "downstream"),
    "14": ("Franchises", "downstream"),
    "15": ("Investments", "downstream"),
}
ISO_CATEGORIES = {
    "1": "Direct GHG emissions and removals",
    "2": "Indirect GHG emissions from imported energy",
    "3": "Indirect GHG emissions from transportation",
    "4": "Indirect GHG emissions from products used by the organization",
    "5": "Indirect GHG emissions associated with the use of products from the organization",
    "6": "Indirect GHG emissions from other sources",
}
_SCOPE3_TO_ISO = {
    "1": "4",
    "2": "4",
    "3": "4",
    "4": "3",
    "5": "4",
    "6": "3",
    "7": "3",
    "8": "4",
    "9": "3",
    "10": "5",
    "11": "5",
    "12": "5",
    "13": "5",
    "14": "6",
    "15": "6",
}


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    scope: str
    category: str
    ghg_protocol_label: str
    iso_category: str
    iso_label: str


def category_info(scope: str, category: str) -> CategoryInfo:
    """Labels for a (scope, category) pair as used in results and reports."""
    if scope == "1":
        label = f"Scope 1 – {SCOPE1_CATEGORIES.get(category, category)}"
        iso = "1"
    elif scope == "2":
        label = f"Scope 2 – {SCOPE2_CATEGORIES.get(category, category)}"
        iso = "2"
    elif scope == "3":
        name = SCOPE3_CATEGORIES.get(category, (category, ""))[0]
        label = f"Scope 3 – Category {category}: {name}"
        iso = _SCOPE3_TO_ISO.get(category, "6")
    elif scope == "outside_scopes":
        return CategoryInfo(scope, category, "Outside of scopes – biogenic CO2", "", "reported separately")
    else:
        return CategoryInfo(scope, category, "Memo – non-Kyoto gases (e.g. HCFCs)", "", "reported separately")
    return CategoryInfo(scope, category, label, iso, ISO_CATEGORIES[iso])
