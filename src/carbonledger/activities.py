"""The controlled vocabulary of activity keys.

An activity key is a slash-separated path such as ``fuel/natural_gas``,
``electricity/grid`` or ``spend/naics/331110``. Each key belongs to a *family* found by
longest-prefix match in ``data/activity_families.csv``; the family gives the default
GHG Protocol scope and category. Importers map each publisher's native categories to
keys, so the same record resolves against the Chinese, UK or US factor sets by choosing
the set. Native factor ids stay pinnable.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["ActivityFamily", "families", "family_of", "is_valid_key"]

_KEY = re.compile(r"^[a-z0-9_]+(/[A-Za-z0-9_.+\-]+)+$")


@dataclass(frozen=True, slots=True)
class ActivityFamily:
    prefix: str
    kind: str
    scope: str | None
    category: str | None
    label: str
    description: str


@lru_cache(maxsize=1)
def families() -> tuple[ActivityFamily, ...]:
    """All families, longest prefix first."""
    path = resources.files("carbonledger") / "data" / "activity_families.csv"
    with path.open("r", encoding="utf-8") as handle:
        rows = [
            ActivityFamily(
                prefix=r["prefix"],
                kind=r["kind"],
                scope=r["scope"] or None,
                category=r["category"] or None,
                label=r["label"],
                description=r["description"],
            )
            for r in csv.DictReader(handle)
        ]
    return tuple(sorted(rows, key=lambda f: len(f.prefix), reverse=True))


@lru_cache(maxsize=65536)
def family_of(key: str) -> ActivityFamily | None:
    """The family of an activity key by longest-prefix match, or None."""
    if not is_valid_key(key):
        return None
    for family in families():
        if key == family.prefix or key.startswith(family.prefix):
            return family
    return None


def is_valid_key(key: str) -> bool:
    """True for well-formed keys (``family/name[/more]``) — not whether a factor exists."""
    return isinstance(key, str) and bool(_KEY.match(key))
