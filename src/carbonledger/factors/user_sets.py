"""Create a user factor set (site-measured NCVs, supplier factors …) in the store format.

A user set is an ordinary edition folder: ``<root>/<set id>/<edition>/`` with
``manifest.toml``, ``factors.csv`` (schema ``emission_factors/1``) and ``original/``
holding the user's own source table. Put ``<root>`` on ``CARBONLEDGER_FACTOR_PATH`` (or
pass it to :class:`~carbonledger.factors.store.FactorStore`) and it resolves like any
shipped set.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from carbonledger.factors.importers._base import write_csv
from carbonledger.factors.manifest import Manifest
from carbonledger.factors.schema import COLUMNS, SCHEMA
from carbonledger.factors.store import sha256_file

__all__ = ["write_user_set"]

_DEFAULTS: dict[str, Any] = {
    "name": "",
    "region": "GLOBAL",
    "parameter": "emission_factor",
    "gas": "",
    "gwp_basis": "",
    "basis": "",
    "scope": "",
    "preference": 0,
    "source_ref": "",
    "confidence": "medium",
    "flags": "",
    "note": "",
}


def write_user_set(
    table: pd.DataFrame,
    root: str | Path,
    set_id: str,
    edition: str,
    *,
    title: str,
    publisher: str,
    source_url: str = "",
    licence: str = "proprietary (user data)",
    attribution: str = "",
    retrieval: str = "supplied by the user",
    gwp_basis: str = "none",
    valid_from: date | None = None,
    valid_to: date | None = None,
    confidence: str = "medium",
    flags: list[str] | None = None,
    notes: list[str] | None = None,
    proxy_for_other_regions: bool = False,
) -> Path:
    """Write ``table`` (tidy columns; missing optional columns get defaults) as a set edition.

    Required columns: ``factor_id``, ``activity``, ``valid_from``, ``valid_to``, ``value``,
    ``unit`` and, for emission factors, ``gas``. Returns the edition folder.
    """
    frame = table.copy()
    for column, default in _DEFAULTS.items():
        if column not in frame.columns:
            frame[column] = default
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"user factor table lacks required columns {missing}")
    target = Path(root) / set_id / edition
    original = target / "original" / "user_table.csv"
    original.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(original, index=False, lineterminator="\n")
    tidy = target / "factors.csv"
    write_csv(frame, tidy, SCHEMA)
    starts = pd.to_datetime(frame["valid_from"])
    ends = pd.to_datetime(frame["valid_to"])
    manifest: dict[str, Any] = {
        "id": set_id,
        "edition": edition,
        "kind": "emission_factors",
        "title": title,
        "publisher": publisher,
        "source_url": source_url,
        "licence": licence,
        "attribution": attribution or publisher,
        "retrieval": retrieval,
        "gwp_basis": gwp_basis,
        "valid_from": valid_from or starts.min().date(),
        "valid_to": valid_to or ends.max().date(),
        "confidence": confidence,
        "confidence_notes": [],
        "flags": flags or [],
        "units_conventions": "",
        "proxy_for_other_regions": proxy_for_other_regions,
        "importer": "carbonledger.factors.user_sets",
        "importer_version": "1",
        "notes": notes or [],
        "originals": [
            {
                "path": "original/user_table.csv",
                "sha256": sha256_file(original),
                "bytes": original.stat().st_size,
                "stored": True,
                "source_url": source_url,
                "retrieved_from": retrieval,
            }
        ],
        "tables": {
            "factors": {
                "path": "factors.csv",
                "sha256": sha256_file(tidy),
                "rows": len(frame),
                "schema": SCHEMA,
            }
        },
    }
    Manifest.model_validate(manifest)
    with (target / "manifest.toml").open("wb") as handle:
        tomli_w.dump(manifest, handle)
    return target
