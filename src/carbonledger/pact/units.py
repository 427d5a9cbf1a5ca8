"""PACT declared units and their conversion to carbonledger (pint) units.

PACT v3.0 ``declaredUnitOfMeasurement`` and v2.x ``declaredUnit`` are enumerations
(Technical Specifications for PCF Data Exchange v3.0.3 / v2.3.3, data type DeclaredUnit);
v2.x has no ``piece`` (a piece is declared per kilogram with ``unitaryProductAmount``).
Every conversion goes through :func:`carbonledger.units.multiplier` (pint), so a product
measured in ``t`` declares in ``kilogram`` with a factor of 1000 and a product in ``g`` with
0.001; a dimension mismatch (``piece`` vs ``kilogram``) is a :class:`~carbonledger.errors.UnitError`.
"""

from __future__ import annotations

from carbonledger.errors import Problem, UnitError
from carbonledger.units import dimension_key, multiplier

__all__ = [
    "DECLARED_UNITS_V2",
    "DECLARED_UNITS_V3",
    "PINT_UNIT",
    "declared_unit_for",
    "per_declared_unit_multiplier",
]

PINT_UNIT: dict[str, str] = {
    "liter": "L",
    "kilogram": "kg",
    "cubic meter": "m**3",
    "kilowatt hour": "kWh",
    "megajoule": "MJ",
    "ton kilometer": "tkm",
    "square meter": "m**2",
    "piece": "piece",
    "hour": "hour",
}
"""PACT declared unit → pint unit text (``megabit second`` has none)."""

DECLARED_UNITS_V3: tuple[str, ...] = (
    "liter",
    "kilogram",
    "cubic meter",
    "kilowatt hour",
    "megajoule",
    "ton kilometer",
    "square meter",
    "piece",
    "hour",
    "megabit second",
)
DECLARED_UNITS_V2: tuple[str, ...] = (
    "liter",
    "kilogram",
    "cubic meter",
    "kilowatt hour",
    "megajoule",
    "ton kilometer",
    "square meter",
)

# order of preference when a product's unit fits several declared units of one dimension
_PREFERENCE = ("kilogram", "liter", "cubic meter", "kilowatt hour", "megajoule", "ton kilometer",
               "square meter", "piece", "hour")


def declared_unit_for(unit: str, *, version: str = "3") -> str:
    """The PACT declared unit of the dimension of ``unit`` (``t`` → ``kilogram``;
    ``kWh`` → ``kilowatt hour``; ``MWh`` → ``kilowatt hour``; ``piece`` → ``piece``).

    Energy in ``kWh``/``MWh``/``Wh`` declares in ``kilowatt hour``, other energy units in
    ``megajoule``; volumes in litre units (``L``, ``mL``) in ``liter``, others in ``cubic meter``.
    Raises :class:`UnitError` when no declared unit of that dimension exists in ``version``.
    """
    allowed = DECLARED_UNITS_V3 if str(version).startswith("3") else DECLARED_UNITS_V2
    dim = dimension_key(unit)
    text = unit.strip()
    candidates = [d for d in _PREFERENCE if d in allowed and dimension_key(PINT_UNIT[d]) == dim]
    if not candidates:
        raise UnitError(
            [
                Problem(
                    f"unit {unit!r} has no PACT v{version} declared unit of the same dimension",
                    value=unit,
                    accepted=", ".join(allowed) + (" (v2.x has no piece: give the product's mass "
                                                     "to declare it per kilogram)" if "piece" not in allowed else ""),
                    code="declared_unit",
                )
            ],
            summary="No PACT declared unit",
        )
    if "megajoule" in candidates and "kilowatt hour" in candidates:
        return "kilowatt hour" if text.endswith("Wh") else "megajoule"
    if "liter" in candidates and "cubic meter" in candidates:
        lowered = text.lower()
        return "liter" if lowered.endswith(("l", "liter", "litre", "liters", "litres")) else "cubic meter"
    return candidates[0]


def per_declared_unit_multiplier(unit: str, declared_unit: str) -> float:
    """``m`` such that 1 ``unit`` = ``m`` declared units: a value per ``unit`` divided by ``m``
    is the value per declared unit. Raises :class:`UnitError` on a dimension mismatch."""
    if declared_unit not in PINT_UNIT:
        raise UnitError(
            [
                Problem(
                    f"declared unit {declared_unit!r} cannot be converted",
                    value=declared_unit,
                    accepted=", ".join(PINT_UNIT),
                    code="declared_unit",
                )
            ],
            summary="Unknown PACT declared unit",
        )
    return multiplier(unit, PINT_UNIT[declared_unit])
