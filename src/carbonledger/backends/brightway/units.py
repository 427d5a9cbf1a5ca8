"""Units of Brightway activities and exchanges ↔ carbonledger (pint) units.

Brightway writes units as words: bw2io normalises imported units to the names in its
``bw2io/units.py::UNITS_NORMALIZATION`` (``kg`` → ``kilogram``, ``t`` → ``ton``, ``tkm`` →
``ton kilometer``, ``p`` → ``unit`` …). Two of them mean something else to pint: ``ton`` is a
*metric* ton in Brightway (bw2io's ``DEFAULT_UNITS_CONVERSION`` has ``("ton", "kilogram", 1e3)``)
while carbonledger refuses the ambiguous ``ton``, and ``unit`` (a piece) is parsed by pint as
a micro-``nit``. The table below maps Brightway's names to carbonledger's unit text; other
units are tried with :func:`carbonledger.units.parse_unit` as written.
"""

from __future__ import annotations

from carbonledger.errors import UnitError
from carbonledger.units import dimension_key, multiplier, parse_unit

__all__ = ["BRIGHTWAY_UNITS", "brightway_unit_name", "from_brightway_unit", "units_multiplier"]

BRIGHTWAY_UNITS: dict[str, str] = {
    "kilogram": "kg",
    "gram": "g",
    "ton": "t",
    "metric ton": "t",
    "kilowatt hour": "kWh",
    "watt hour": "Wh",
    "megawatt hour": "MWh",
    "megajoule": "MJ",
    "kilojoule": "kJ",
    "gigajoule": "GJ",
    "cubic meter": "m3",
    "normal cubic meter": "Nm3",
    "litre": "L",
    "liter": "L",
    "square meter": "m2",
    "hectare": "ha",
    "meter": "m",
    "kilometer": "km",
    "hour": "h",
    "year": "year",
    "day": "day",
    "ton kilometer": "tkm",
    "metric ton*km": "tkm",
    "kilogram kilometer": "kg*km",
    "person kilometer": "pkm",
    "vehicle kilometer": "vkm",
    "unit": "piece",
    "units": "piece",
    "item(s)": "piece",
    "piece": "piece",
}
"""Brightway unit name → carbonledger unit text."""

_TO_BRIGHTWAY: dict[str, str] = {}
for _bw, _cl in BRIGHTWAY_UNITS.items():
    _TO_BRIGHTWAY.setdefault(_cl, _bw)


def from_brightway_unit(unit: str) -> str:
    """The carbonledger unit text of a Brightway unit; raises :class:`UnitError` when pint cannot
    read it (the message names the unit and the accepted names)."""
    text = str(unit or "").strip()
    mapped = BRIGHTWAY_UNITS.get(text.lower())
    if mapped is not None:
        return mapped
    parse_unit(text)  # raises UnitError with the reason
    return text


def brightway_unit_name(unit: str) -> str:
    """The Brightway name of a carbonledger unit (``kg`` → ``kilogram``), or the text itself."""
    return _TO_BRIGHTWAY.get(str(unit).strip(), str(unit).strip())


def units_multiplier(product_unit: str, activity_unit: str) -> float:
    """Activity units per ONE product unit (``t`` product, ``kilogram`` activity → 1000).

    Raises :class:`UnitError` when the units measure different things.
    """
    target = from_brightway_unit(activity_unit)
    if str(product_unit).strip() == target:
        return 1.0
    try:
        return multiplier(str(product_unit), target)
    except UnitError:
        raise UnitError(
            f"the product is measured in {product_unit!r} ({_dim(str(product_unit))}) but the Brightway "
            f"activity in {activity_unit!r} ({_dim(target)})"
        ) from None


def _dim(unit: str) -> str:
    try:
        return dimension_key(unit)
    except UnitError:
        return "unknown unit"
