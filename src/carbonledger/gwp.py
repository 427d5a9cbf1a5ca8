"""Global warming potentials (GWP100) and CO2-equivalent conversion.

A calculation names its GWP set (``AR4``, ``AR5`` or ``AR6``) and the result records
it. Values come from the ``ipcc-gwp`` factor set (see its manifest for sources):

* AR4 and AR5 as tabulated by the GHG Protocol (Feb 2016), AR6 from IPCC AR6 WG1
  Table 7.SM.7; AR6 fossil / non-fossil methane 29.8 / 27.0 from AR6 WG1 Table 7.15.
* Refrigerant blends (``R-410A`` …) are computed from their mass composition in US EPA
  GHG Emission Factors Hub 2025 Table 12: ``GWP_blend = Σ w_i × GWP_i`` over the HFC and
  PFC constituents only (EPA's convention; HCFCs and hydrocarbons count zero).
* Pure refrigerants by ASHRAE number map to their species: ``R-134a`` → ``HFC-134a``,
  ``R-22`` → ``HCFC-22``, ``R-14`` → ``CF4``, ``R-744`` → ``CO2``.

Gases outside the Kyoto basket (CFCs, HCFCs, halons, HFEs) keep their GWP but
:func:`is_kyoto` is False: the GHG Protocol reports them separately from the scopes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger.errors import GWPError

__all__ = [
    "GWP_SETS",
    "GWPSet",
    "blend_composition",
    "canonical_gas",
    "get_gwp_set",
    "gwp",
    "gwp_values",
    "is_kyoto",
]

GWPName = Literal["AR4", "AR5", "AR6"]
GWP_SETS: tuple[str, ...] = ("AR4", "AR5", "AR6")
GWP_FACTOR_SET = "ipcc-gwp"

_NAMES = {
    "CARBON DIOXIDE": "CO2",
    "CO2": "CO2",
    "CO2E": "CO2e",
    "CO2EQ": "CO2e",
    "CO2-EQ": "CO2e",
    "CO2_BIOGENIC": "CO2_biogenic",
    "BIOGENIC CO2": "CO2_biogenic",
    "CO2 BIOGENIC": "CO2_biogenic",
    "METHANE": "CH4",
    "CH4": "CH4",
    "CH4_FOSSIL": "CH4_fossil",
    "FOSSIL METHANE": "CH4_fossil",
    "CH4_NON_FOSSIL": "CH4_non_fossil",
    "CH4_NONFOSSIL": "CH4_non_fossil",
    "CH4_BIOGENIC": "CH4_non_fossil",
    "NON-FOSSIL METHANE": "CH4_non_fossil",
    "NITROUS OXIDE": "N2O",
    "N2O": "N2O",
    "SULFUR HEXAFLUORIDE": "SF6",
    "SULPHUR HEXAFLUORIDE": "SF6",
    "SF6": "SF6",
    "NITROGEN TRIFLUORIDE": "NF3",
    "NF3": "NF3",
    "PFC-14": "CF4",
    "CF4": "CF4",
    "PFC-116": "C2F6",
    "C2F6": "C2F6",
    "PFC-218": "C3F8",
    "PFC-318": "cC4F8",
    "C-C4F8": "cC4F8",
    "PFC-31-10": "C4F10",
    "PFC-41-12": "C5F12",
    "PFC-51-14": "C6F14",
    "PFC-91-18": "C10F18",
    "HFC-43-10MEE": "HFC-43-10mee",
    "R-744": "CO2",
    "R-14": "CF4",
    "R-116": "C2F6",
    "R-218": "C3F8",
    "R-318": "cC4F8",
}
_PREFIX = re.compile(r"^(HFC|HCFC|CFC|HFE|HALON)[- ]?([0-9].*)$", re.IGNORECASE)
_ASHRAE = re.compile(r"^R-?([0-9]+[A-Za-z]*)$", re.IGNORECASE)


@dataclass(frozen=True)
class GWPSet:
    """One GWP100 table: gas → GWP, with each value's source."""

    name: str
    values: dict[str, float]
    sources: dict[str, str]

    def __getitem__(self, gas: str) -> float:
        return gwp(gas, self.name)


@lru_cache(maxsize=1)
def _tables() -> tuple[pd.DataFrame, pd.DataFrame, str]:
    from carbonledger.factors.store import default_store

    store = default_store()
    factor_set = store.load(store.resolve_ref(GWP_FACTOR_SET)[-1])
    return factor_set.tables["gwp"], factor_set.tables["blends"], factor_set.full_id


@lru_cache(maxsize=1)
def _species() -> frozenset[str]:
    return frozenset(_tables()[0]["species"])


@lru_cache(maxsize=1)
def _blends() -> dict[str, tuple[tuple[str, float], ...]]:
    blends = _tables()[1]
    out: dict[str, list[tuple[str, float]]] = {}
    percents = pd.to_numeric(blends["mass_percent"]).to_numpy(dtype=float)
    for blend, component, percent in zip(blends["blend"], blends["component"], percents, strict=True):
        out.setdefault(str(blend).upper(), []).append((str(component), float(percent) / 100.0))
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=4096)
def canonical_gas(name: str) -> str:
    """Canonical gas or blend name: ``methane`` → ``CH4``, ``HFC134a`` → ``HFC-134a``,
    ``R410A`` → ``R-410A``, ``R-134a`` → ``HFC-134a``. Unknown names are returned
    trimmed (a later lookup reports them)."""
    text = str(name).strip()
    upper = text.upper()
    if upper in _NAMES:
        return _NAMES[upper]
    prefixed = _PREFIX.match(text)
    if prefixed:
        family = prefixed.group(1).upper()
        family = "Halon" if family == "HALON" else family
        candidate = f"{family}-{prefixed.group(2)}"
        for species in _species():
            if species.upper() == candidate.upper():
                return species
        return candidate
    ashrae = _ASHRAE.match(text)
    if ashrae:
        number = ashrae.group(1)
        blend = f"R-{number.upper()}"
        if blend in _blends():
            return blend
        for family in ("HFC", "HCFC", "CFC"):
            for species in _species():
                if species.upper() == f"{family}-{number}".upper():
                    return species
        return blend
    return text


def _column(gwp_set: str) -> str:
    key = str(gwp_set).upper()
    if key not in GWP_SETS:
        raise GWPError(f"unknown GWP set {gwp_set!r}; accepted: {', '.join(GWP_SETS)}")
    return key.lower()


@lru_cache(maxsize=8)
def _values(gwp_set: str) -> dict[str, float]:
    table = _tables()[0]
    column = _column(gwp_set)
    values = pd.to_numeric(table[column], errors="coerce")
    out = {s: float(v) for s, v in zip(table["species"], values, strict=True) if not np.isnan(v)}
    for blend, components in _blends().items():
        total = 0.0
        for component, weight in components:
            if is_kyoto(component) and component in out:
                total += weight * out[component]
            elif is_kyoto(component):
                total = float("nan")  # a Kyoto constituent without a value in this set
                break
        if not np.isnan(total):
            out[blend] = total
    return out


@lru_cache(maxsize=4096)
def is_kyoto(gas: str) -> bool:
    """True for the Kyoto-basket gases (CO2, CH4, N2O, HFCs, PFCs, SF6, NF3) and blends
    of them; False for CFCs, HCFCs, halons, HFEs and other substances."""
    canonical = canonical_gas(gas)
    if canonical in _blends():
        return True
    table = _tables()[0]
    match = table.loc[table["species"] == canonical, "kyoto"]
    return bool(len(match)) and str(match.iloc[0]) == "true"


def gwp(gas: str, gwp_set: str) -> float:
    """GWP100 of a gas or blend under ``gwp_set``. ``CO2e`` itself is 1.

    Raises :class:`GWPError` naming the gas and set when there is no value.
    """
    canonical = canonical_gas(gas)
    if canonical == "CO2e":
        return 1.0
    values = _values(_column(gwp_set).upper())
    if canonical not in values:
        raise GWPError(
            f"no {str(gwp_set).upper()} GWP100 for {gas!r} (read as {canonical!r}) in factor set "
            f"{_tables()[2]}; give the gas as a species (e.g. HFC-134a) or a blend listed in "
            "EPA Hub Table 12, or supply a CO2e factor"
        )
    return values[canonical]


def gwp_values(gases: Iterable[str] | pd.Series, gwp_set: str) -> npt.NDArray[np.float64]:
    """Vectorised :func:`gwp`: NaN where a gas has no value (callers report those rows)."""
    series = pd.Series(list(gases) if not isinstance(gases, pd.Series) else gases, dtype=object)
    codes, uniques = pd.factorize(series.astype(str))
    per_unique = np.array([_safe_gwp(str(u), gwp_set) for u in uniques], dtype=np.float64)
    return per_unique[codes] if len(codes) else np.zeros(0)


def _safe_gwp(gas: str, gwp_set: str) -> float:
    try:
        return gwp(gas, gwp_set)
    except GWPError:
        return float("nan")


def blend_composition(name: str) -> tuple[tuple[str, float], ...]:
    """Mass fractions of a refrigerant blend (EPA Hub 2025 Table 12)."""
    canonical = canonical_gas(name)
    try:
        return _blends()[canonical]
    except KeyError:
        raise GWPError(f"{name!r} is not a blend listed in EPA Hub Table 12") from None


def get_gwp_set(name: str) -> GWPSet:
    """The full table of one GWP set (species and blends)."""
    key = _column(name).upper()
    values = _values(key)
    table = _tables()[0].set_index("species")
    column = "source_ar6" if key == "AR6" else "source_ar4_ar5"
    sources = {s: str(table.at[s, column]) for s in values if s in table.index}
    sources |= {b: "computed from EPA Hub 2025 Table 12 composition" for b in _blends()}
    return GWPSet(key, values, sources)
