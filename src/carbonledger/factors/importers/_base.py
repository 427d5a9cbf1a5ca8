"""Shared machinery for importers: rebuild a factor set from its ORIGINAL files.

An importer module defines

* ``SET_ID``: the set id (``"desnz"``);
* ``VERSION``: the importer's version (bump when its output changes);
* ``EDITIONS``: ``{edition: Source}`` — which original files make each edition and where
  they came from;
* ``build(edition, originals_dir) -> Built``: read the originals (never anything else)
  and return the tidy tables plus the manifest text fields.

:func:`install` copies the originals into ``factors/<set>/<edition>/original/``, calls
``build`` on those copies, validates and writes the tables deterministically, and writes
``manifest.toml`` with the SHA-256 of every file. Running it twice gives byte-identical
files, so :func:`rebuild_matches` can prove a committed set is what its importer makes
of its original.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import tomli_w

from carbonledger.errors import FactorSetError
from carbonledger.factors.manifest import Manifest
from carbonledger.factors.schema import SCHEMA, normalise_table, validate_table
from carbonledger.factors.store import sha256_file

__all__ = ["Built", "OriginalSpec", "Source", "install", "rebuild_matches", "write_csv"]


@dataclass(frozen=True)
class OriginalSpec:
    """One original file of an edition."""

    filename: str
    source_url: str = ""
    retrieved_from: str = ""
    expected_sha256: str = ""  # when the provenance record states it, checked on install
    subdir: str = ""  # folder under the source data directory; overrides Source.subdir


@dataclass(frozen=True)
class Source:
    """Where an edition's originals come from (relative to a data directory)."""

    originals: tuple[OriginalSpec, ...]
    subdir: str = ""  # folder under the source data directory, e.g. "desnz"


@dataclass
class Built:
    """What ``build`` returns: tables (name -> (frame, schema id)) and manifest fields."""

    tables: dict[str, tuple[pd.DataFrame, str]]
    title: str
    publisher: str
    source_url: str
    licence: str
    attribution: str
    retrieval: str
    gwp_basis: str
    valid_from: date
    valid_to: date
    confidence: str
    kind: str = "emission_factors"
    confidence_notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    units_conventions: str = ""
    proxy_for_other_regions: bool = False
    notes: list[str] = field(default_factory=list)


def write_csv(frame: pd.DataFrame, path: Path, schema: str) -> None:
    """Deterministic CSV: fixed column order, sorted rows, '\\n' line ends, shortest floats."""
    if schema == SCHEMA:
        frame = normalise_table(frame)
        problems = validate_table(frame, path.name)
        if problems:
            listing = "\n".join(f"  - {p}" for p in problems[:40])
            raise FactorSetError(f"{path.name}: tidy table invalid ({len(problems)} problems):\n{listing}")
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def _manifest_dict(
    module: ModuleType,
    edition: str,
    built: Built,
    originals: list[dict[str, Any]],
    tables: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": module.SET_ID,
        "edition": edition,
        "kind": built.kind,
        "title": built.title,
        "publisher": built.publisher,
        "source_url": built.source_url,
        "licence": built.licence,
        "attribution": built.attribution,
        "retrieval": built.retrieval,
        "gwp_basis": built.gwp_basis,
        "valid_from": built.valid_from,
        "valid_to": built.valid_to,
        "confidence": built.confidence,
        "confidence_notes": built.confidence_notes,
        "flags": built.flags,
        "units_conventions": built.units_conventions,
        "proxy_for_other_regions": built.proxy_for_other_regions,
        "importer": module.__name__,
        "importer_version": str(module.VERSION),
        "notes": built.notes,
        "originals": originals,
        "tables": tables,
    }
    Manifest.model_validate(data)  # fail before writing anything inconsistent
    return data


def install(module: ModuleType, edition: str, source_dir: Path | None, factors_root: Path) -> Path:
    """Build ``factors_root/<set>/<edition>/`` from the originals.

    ``source_dir`` is the folder holding the publisher's files (e.g. ``shared/data``);
    when None the originals already stored in the edition folder are used (a rebuild).
    """
    source: Source = module.EDITIONS[edition]
    target: Path = factors_root / module.SET_ID / edition
    original_dir = target / "original"
    original_dir.mkdir(parents=True, exist_ok=True)
    originals: list[dict[str, Any]] = []
    for spec in source.originals:
        dest = original_dir / spec.filename
        if source_dir is not None:
            src = source_dir / (spec.subdir or source.subdir) / spec.filename
            if not src.is_file():
                raise FactorSetError(f"original file not found: {src}")
            shutil.copyfile(src, dest)
        if not dest.is_file():
            raise FactorSetError(f"stored original missing: {dest}")
        digest = sha256_file(dest)
        if spec.expected_sha256 and digest != spec.expected_sha256:
            raise FactorSetError(
                f"{dest}: SHA-256 {digest} differs from the provenance record {spec.expected_sha256}"
            )
        originals.append(
            {
                "path": f"original/{spec.filename}",
                "sha256": digest,
                "bytes": dest.stat().st_size,
                "stored": True,
                "source_url": spec.source_url,
                "retrieved_from": spec.retrieved_from,
            }
        )
    build: Callable[[str, Path], Built] = module.build
    built = build(edition, original_dir)
    tables: dict[str, dict[str, Any]] = {}
    for name, (frame, schema) in sorted(built.tables.items()):
        rel = f"{name}.csv"
        path = target / rel
        write_csv(frame, path, schema)
        tables[name] = {
            "path": rel,
            "sha256": sha256_file(path),
            "rows": len(frame),
            "schema": schema,
        }
    manifest = _manifest_dict(module, edition, built, originals, tables)
    with (target / "manifest.toml").open("wb") as handle:
        tomli_w.dump(manifest, handle)
    return target


def rebuild_matches(module: ModuleType, edition: str, factors_root: Path) -> Mapping[str, bool]:
    """Rebuild an installed edition from its stored originals in a temporary folder and
    compare every table's SHA-256 with the committed one. Returns {table: equal}."""
    committed = factors_root / module.SET_ID / edition
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        scratch = root / module.SET_ID / edition / "original"
        shutil.copytree(committed / "original", scratch)
        install(module, edition, None, root)
        out: dict[str, bool] = {}
        for csv_path in sorted((root / module.SET_ID / edition).glob("*.csv")):
            out[csv_path.name] = sha256_file(csv_path) == sha256_file(committed / csv_path.name)
        out["manifest.toml"] = (root / module.SET_ID / edition / "manifest.toml").read_bytes() == (
            committed / "manifest.toml"
        ).read_bytes()
        return out
