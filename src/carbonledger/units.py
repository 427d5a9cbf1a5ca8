"""THE unit registry of carbonledger, and unit-safe conversion for whole columns.

One pint registry (:data:`ureg`) is built once from pint's defaults plus
``data/units.txt``. Unit text from users and publishers first goes through
:func:`normalise_unit_text`, which

* rewrites spellings that pint gets wrong for carbon accounting: ``kt`` is read as
  kilotonne (pint: knot); ``Nm3``/``Nm**3``/``Nm³`` as normal cubic metre (pint reads
  ``Nm`` as the textile "metric number"); ``tonne.km`` as ``tonne*km``; common Chinese
  unit words (吨, 万, 千瓦时, 标准立方米 …);
* refuses ambiguous tokens with a clear :class:`~carbonledger.errors.UnitError`: ``ton``
  (pint: short ton; people often mean tonne), ``mt``/``MT`` (pint: millitonne; people
  mean metric ton);
* extracts a gas marker written inside the unit (``t CO2/TJ``, ``kgCO2/kWh``,
  ``tC/TJ``): the gas is returned separately and the unit keeps plain mass, because the
  mass of a real gas is ``[mass]`` while CO2-equivalent is ``[mass]*[co2e]``.

Inside calculations arithmetic is float64 numpy. Rows are grouped by (from-unit,
to-unit) pair and pint computes ONE multiplier per pair (:func:`multipliers`); whole
columns are then multiplied. This keeps pint's safety at numpy speed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pint

from carbonledger.errors import Problem, UnitError

__all__ = [
    "GAS_MARKERS",
    "Q_",
    "ParsedUnit",
    "describe_dimension",
    "dimension_key",
    "is_co2e_unit",
    "multiplier",
    "multipliers",
    "normal_to_actual_volume",
    "normalise_unit_text",
    "parse_unit",
    "ureg",
]


def _build_registry() -> pint.UnitRegistry[Any]:
    registry: pint.UnitRegistry[Any] = pint.UnitRegistry(on_redefinition="raise", cache_folder=None)
    definitions = resources.files("carbonledger") / "data" / "units.txt"
    with resources.as_file(definitions) as path:
        registry.load_definitions(str(path))
    return registry


ureg: pint.UnitRegistry[Any] = _build_registry()
"""The single unit registry. Import it; never build another one."""

Q_ = ureg.Quantity

# Gas (and element) markers that may appear inside unit text, e.g. "t CO2/TJ".
# Value: canonical gas name returned by parse_unit; "C" means carbon mass.
GAS_MARKERS: dict[str, str] = {
    "CO2": "CO2",
    "CH4": "CH4",
    "N2O": "N2O",
    "SF6": "SF6",
    "NF3": "NF3",
    "CF4": "CF4",
    "C2F6": "C2F6",
    "C": "C",
}

# Tokens glued to a mass unit: "tCO2", "kgCO2e", "tC", "gCH4" ...
_GLUED = re.compile(r"^(k?g|t|kt|Mt|Gt|kilotonne|tonne|tonnes)(CO2e|CO2eq|CO2|CH4|N2O|SF6|NF3|CF4|C2F6|C)$")

_AMBIGUOUS: dict[str, str] = {
    "ton": "pint reads 'ton' as the US short ton (907.185 kg); write 't' or 'tonne' "
    "for 1000 kg, or 'short_ton' / 'long_ton' explicitly",
    "tons": "write 't' or 'tonne' for 1000 kg, or 'short_ton' / 'long_ton' explicitly",
    "mt": "pint reads 'mt' as a millitonne (1 kg); write 't' or 'tonne' for a metric ton",
    "MT": "'MT' is ambiguous (pint: megatesla); write 't' or 'tonne' for a metric ton, 'Mt' for a megatonne",
    "Nm": "'Nm' alone is a textile yarn count in pint; write 'Nm3' for normal cubic metres",
}

_TOKEN_REWRITES: dict[str, str] = {
    "kt": "kilotonne",
    "Nm3": "normal_cubic_meter",
    "NM3": "normal_cubic_meter",
    "nm3": "normal_cubic_meter",
    "tonnes": "tonne",
    "per": "/",
    "litres": "liter",
    "litre": "liter",
    "tCO2e": "t*CO2e",
    "tCO2eq": "t*CO2e",
    "kgCO2e": "kg*CO2e",
    "kgCO2eq": "kg*CO2e",
    "gCO2e": "g*CO2e",
    "ktCO2e": "kilotonne*CO2e",
    "MtCO2e": "Mt*CO2e",
    "CO2eq": "CO2e",
    "m3": "m**3",
    "km3": "km**3",
    "dm3": "dm**3",
    "cm3": "cm**3",
    "m2": "m**2",
    "km2": "km**2",
}

# Chinese unit words, longest first (applied before tokenising).
_CHINESE: list[tuple[str, str]] = [
    ("万标准立方米", " 1e4*normal_cubic_meter "),
    ("标准立方米", " normal_cubic_meter "),
    ("标立方米", " normal_cubic_meter "),
    ("标方", " normal_cubic_meter "),
    ("万吨标准煤", " 1e4*tce "),
    ("吨标准煤", " tce "),
    ("万千瓦时", " 1e4*kWh "),
    ("千瓦时", " kWh "),
    ("兆瓦时", " MWh "),
    ("吉焦", " GJ "),
    ("万立方米", " 1e4*m**3 "),
    ("立方米", " m**3 "),
    ("万元", " 1e4*CNY "),
    ("万吨", " 1e4*t "),
    ("千克", " kg "),
    ("公斤", " kg "),
    ("公里", " km "),
    ("千米", " km "),
    ("吨", " t "),
    ("度", " kWh "),
    ("升", " L "),
    ("元", " CNY "),
    ("万", " 1e4* "),
]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SCALED_DENOMINATOR = re.compile(
    r"/\s*(?P<scale>\d+(?:\.\d+)?(?:[eE]\d+)?(?:\*\*\d+)?)\s*\*?\s*(?P<unit>[A-Za-z_][A-Za-z0-9_]*(?:\*\*\d+)?)"
)


@dataclass(frozen=True, slots=True)
class ParsedUnit:
    """A unit parsed by :func:`parse_unit`.

    ``quantity`` is a pint Quantity whose magnitude carries any scale written in the text
    (``10^4 Nm3`` has magnitude 1e4). ``gas`` is a gas marker extracted from the text
    (``"CO2"`` for ``t CO2/TJ``, ``"C"`` for ``tC/TJ``), or None.
    """

    text: str
    expression: str
    quantity: Any
    gas: str | None

    @property
    def dimensionality(self) -> str:
        return str(self.quantity.dimensionality)


def _fail(text: str, message: str, accepted: str | None = None) -> UnitError:
    return UnitError(
        [Problem(message, value=text, accepted=accepted, code="unit")],
        summary=f"Unit {text!r} cannot be used",
    )


def normalise_unit_text(text: str) -> tuple[str, str | None]:
    """Rewrite unit text into a pint expression and extract a gas marker.

    Returns ``(expression, gas)``. Raises :class:`UnitError` for ambiguous tokens.
    """
    if not isinstance(text, str) or not text.strip():
        raise _fail(str(text), "unit is empty", "a unit such as 't', 'kWh', 'Nm3', 'L'")
    s = text.strip()
    for zh, rep in _CHINESE:
        s = s.replace(zh, rep)
    s = (
        s.replace("³", "**3")
        .replace("²", "**2")
        .replace("⁴", "**4")
        .replace("·", "*")
        .replace("•", "*")
        .replace("×", "*")
        .replace("／", "/")
        .replace("（", "(")
        .replace("）", ")")
        .replace("^", "**")
    )
    # "Nm**3" / "Nm 3" -> Nm3 before tokenising; "tonne.km" -> "tonne*km"
    s = re.sub(r"(?<![A-Za-z_])[Nn][Mm]\s*(?:\*\*\s*)?3(?![0-9])", "Nm3", s)
    s = re.sub(r"(?<=[A-Za-z])\.(?=[A-Za-z])", "*", s)
    gases: set[str] = set()

    def rewrite(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in _AMBIGUOUS:
            raise _fail(text, f"ambiguous unit token {token!r}: {_AMBIGUOUS[token]}")
        if token in _TOKEN_REWRITES:
            return _TOKEN_REWRITES[token]
        if token in GAS_MARKERS:
            gases.add(GAS_MARKERS[token])
            return "1"
        glued = _GLUED.match(token)
        if glued:
            mass, gas = glued.groups()
            mass = {"kt": "kilotonne", "tonnes": "tonne"}.get(mass, mass)
            if gas in ("CO2e", "CO2eq"):
                return f"{mass}*CO2e"
            gases.add(GAS_MARKERS[gas])
            return mass
        return token

    expression = _IDENT.sub(rewrite, s)
    # a scaled unit after "/" belongs together: "GJ/10**4 Nm3" means GJ per (10^4 Nm3), not
    # (GJ/10^4)·Nm3 as operator precedence would read it; likewise "GJ/万Nm3".
    expression = _SCALED_DENOMINATOR.sub(r"/(\g<scale>*\g<unit>)", expression)
    if len(gases) > 1:
        raise _fail(text, f"unit names more than one gas ({', '.join(sorted(gases))})")
    gas = next(iter(gases)) if gases else None
    if gas is not None and "CO2e" in expression:
        raise _fail(text, "unit mixes a gas and CO2e")
    return expression, gas


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> ParsedUnit:
    """Parse unit text into a :class:`ParsedUnit` (cached). Raises :class:`UnitError`."""
    expression, gas = normalise_unit_text(text)
    try:
        quantity = ureg.parse_expression(expression)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as exc:
        raise _fail(
            text,
            f"unknown unit ({exc})",
            "pint unit names such as t, kg, L, m**3, Nm3, kWh, MWh, GJ, TJ, MMBtu, tce, tkm, pkm, USD, CNY",
        ) from None
    except Exception as exc:  # pint raises several parser errors; all mean "not a unit"
        raise _fail(text, f"not a unit expression ({type(exc).__name__}: {exc})") from None
    if not isinstance(quantity, ureg.Quantity):  # a bare number such as "1e4"
        quantity = Q_(float(quantity), "dimensionless")
    if not np.isfinite(quantity.magnitude) or quantity.magnitude <= 0:
        raise _fail(text, "unit scale must be a positive finite number")
    return ParsedUnit(text=text, expression=expression, quantity=quantity, gas=gas)


@lru_cache(maxsize=4096)
def dimension_key(text: str) -> str:
    """Canonical text of a unit's dimensionality, e.g. ``[mass]`` or ``[length] ** 3``."""
    return parse_unit(text).dimensionality


_DIMENSION_NAMES: dict[str, str] = {
    "[mass]": "mass",
    "[length] ** 3": "volume",
    "[length]": "distance",
    "[mass] * [length] ** 2 / [time] ** 2": "energy",
    "[normal_volume]": "normal volume (Nm3)",
    "[us_standard_volume]": "US standard volume (scf)",
    "[length] * [mass]": "mass × distance (e.g. tkm)",
    "[mass] * [length]": "mass × distance (e.g. tkm)",
    "[length] * [passenger]": "passenger × distance (pkm)",
    "[passenger] * [length]": "passenger × distance (pkm)",
    "[length] * [vehicle]": "vehicle × distance",
    "[vehicle] * [length]": "vehicle × distance",
    "[count]": "count (pieces)",
    "[room_night]": "room-nights",
    "[time]": "time",
    "dimensionless": "dimensionless",
}


def describe_dimension(unit_or_dimensionality: str) -> str:
    """Friendly name of a unit's dimension: ``kWh`` → ``energy``, ``Nm3`` → ``normal volume``."""
    text = unit_or_dimensionality.strip()
    if text.startswith("[") or text == "dimensionless":
        dims = text
    else:
        try:
            dims = str(parse_unit(text).quantity.dimensionality)
        except UnitError:
            dims = text
    if dims.startswith("[currency_"):
        return f"currency ({dims[10:-1]})"
    return _DIMENSION_NAMES.get(dims, dims)


def is_co2e_unit(text: str) -> bool:
    """True when the unit's numerator is CO2-equivalent (dimension contains [co2e])."""
    return "[co2e]" in dimension_key(text)


@lru_cache(maxsize=16384)
def multiplier(from_unit: str, to_unit: str) -> float:
    """Factor m such that ``x [from_unit] == x * m [to_unit]``. Raises :class:`UnitError`."""
    src = parse_unit(from_unit)
    dst = parse_unit(to_unit)
    try:
        value = (src.quantity / dst.quantity).to("dimensionless").magnitude
    except pint.errors.DimensionalityError:
        raise UnitError(
            [
                Problem(
                    f"unit {from_unit!r} ({src.dimensionality}) cannot be converted to "
                    f"{to_unit!r} ({dst.dimensionality})",
                    value=from_unit,
                    accepted=f"a unit of dimension {dst.dimensionality}",
                    code="unit_dimension",
                )
            ],
            summary="Incompatible units",
        ) from None
    return float(value)


def multipliers(
    from_units: Sequence[str] | pd.Series | npt.NDArray[Any],
    to_units: Sequence[str] | pd.Series | npt.NDArray[Any] | str,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], dict[tuple[str, str], str]]:
    """Vectorised :func:`multiplier` over two columns of unit text.

    Pairs are factorised so pint runs once per distinct (from, to) pair. Returns
    ``(values, ok, errors)``: ``values`` is NaN where ``ok`` is False, and ``errors``
    maps each failing pair to its message. Never raises for bad pairs.
    """
    src = pd.Series(np.asarray(from_units, dtype=object))
    dst = (
        pd.Series([to_units] * len(src), dtype=object)
        if isinstance(to_units, str)
        else pd.Series(np.asarray(to_units, dtype=object))
    )
    pairs = pd.MultiIndex.from_arrays([src.astype(str), dst.astype(str)])
    codes, uniques = pd.factorize(pairs)
    per_pair = np.full(len(uniques), np.nan)
    errors: dict[tuple[str, str], str] = {}
    for i, (a, b) in enumerate(uniques):
        try:
            per_pair[i] = multiplier(a, b)
        except UnitError as exc:
            errors[(a, b)] = exc.problems[0].message
    values = per_pair[codes]
    return values, ~np.isnan(values), errors


# Reference conditions of a normal cubic metre: 0 degC and 101.325 kPa (GB/T 32151 series
# and the MEE guidelines state gas volumes at 0 degC, 101.325 kPa; the same reference is
# used by EN ISO 13443 "normal" conditions).
_NORMAL_T = Q_(273.15, "kelvin")
_NORMAL_P = Q_(101.325, "kilopascal")


def normal_to_actual_volume(normal_volume: Any, temperature: Any, pressure: Any) -> Any:
    """Convert a normal volume (Nm3) to an actual volume at ``temperature``/``pressure``.

    Ideal-gas law: V = V_n × (T / T_n) × (p_n / p), with T_n = 273.15 K, p_n = 101.325 kPa.
    This is the ONLY conversion between Nm3 and m3 in carbonledger; it needs the gas
    conditions, so it never happens implicitly.
    """
    vn = normal_volume.to("normal_cubic_meter").magnitude
    t = temperature.to("kelvin").magnitude
    p = pressure.to("kilopascal").magnitude
    ratio = (t / _NORMAL_T.magnitude) * (_NORMAL_P.magnitude / p)
    return Q_(vn * ratio, "m**3")
