"""Region codes and the region hierarchy used by factor resolution.

Codes are ISO 3166-1 alpha-2 (``CN``, ``GB``, ``US``), ISO 3166-2 subdivisions
(``CN-CQ``, ``US-CA``) and named custom regions from ``data/regions/*.csv`` (power-grid
regions such as ``CN-GRID-SOUTHWEST`` or eGRID subregions such as ``US-EGRID-CAMX``).
``GLOBAL`` is the root. A region's *chain* lists it and its ancestors, most specific
first, e.g. ``CN-CQ → CN-GRID-SOUTHWEST → CN → GLOBAL`` when the grid mapping is
installed, else ``CN-CQ → CN → GLOBAL``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pycountry

__all__ = ["GLOBAL", "Region", "canonical_region", "is_known_region", "region_chain"]

GLOBAL = "GLOBAL"


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    parent: str | None
    kind: str
    source: str


@lru_cache(maxsize=1)
def _custom_regions() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    folder = resources.files("carbonledger") / "data" / "regions"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".csv"):
            continue
        with entry.open("r", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                code = row["code"].strip().upper()
                regions[code] = Region(
                    code=code,
                    name=row["name"].strip(),
                    parent=(row.get("parent") or "").strip().upper() or None,
                    kind=row.get("kind", "").strip(),
                    source=row.get("source", "").strip(),
                )
    return regions


def canonical_region(code: str | None) -> str:
    """Upper-case, trimmed region code; empty or None becomes ``GLOBAL``."""
    if code is None:
        return GLOBAL
    text = str(code).strip().upper().replace("_", "-")
    return text or GLOBAL


@lru_cache(maxsize=8192)
def _lookup(code: str) -> Region | None:
    custom = _custom_regions().get(code)
    iso: Region | None = None
    if len(code) == 2 and code.isalpha():
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            iso = Region(code, country.name, GLOBAL, "country", "ISO 3166-1")
    elif "-" in code:
        sub = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
        if sub is not None:
            parent = (sub.parent_code or sub.country_code).upper()
            iso = Region(code, sub.name, parent, "subdivision", "ISO 3166-2")
    if custom is not None and iso is not None:
        # a custom row re-parents an ISO region; keep ISO's name when none given
        return Region(code, custom.name or iso.name, custom.parent, iso.kind, custom.source)
    return custom or iso


def is_known_region(code: str) -> bool:
    """True for ``GLOBAL``, ISO countries and subdivisions, and custom regions."""
    return _lookup(canonical_region(code)) is not None


@lru_cache(maxsize=8192)
def region_chain(code: str) -> tuple[str, ...]:
    """The region and its ancestors, most specific first, ending with ``GLOBAL``.

    Unknown codes give an empty tuple (the caller reports the problem).
    """
    current: str | None = canonical_region(code)
    chain: list[str] = []
    while current is not None and current not in chain:
        region = _lookup(current)
        if region is None:
            return ()
        chain.append(current)
        current = region.parent
    if chain and chain[-1] != GLOBAL:
        chain.append(GLOBAL)
    return tuple(chain)


def describe(code: str) -> str:
    """``CN-CQ (Chongqing Shi)`` style label for reports."""
    region = _lookup(canonical_region(code))
    return f"{code} ({region.name})" if region else code
