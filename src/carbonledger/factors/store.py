"""Discover, load and verify versioned factor sets.

Layout: ``<root>/<set id>/<edition>/manifest.toml`` plus the tidy table(s) and
``original/``. Roots searched, in order:

1. roots passed explicitly to :class:`FactorStore`;
2. the ``CARBONLEDGER_FACTOR_PATH`` environment variable (``os.pathsep``-separated), so
   users can add their own sets (site-measured NCVs, supplier factors) in the same format;
3. the sets shipped with carbonledger (inside the wheel, or ``factors/`` of a source
   checkout).

Loading an edition re-hashes its tidy tables and stored originals against the manifest
and raises :class:`~carbonledger.errors.FactorIntegrityError` naming the file on any
mismatch.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from carbonledger.errors import FactorIntegrityError, FactorSetError
from carbonledger.factors.manifest import Manifest, read_manifest
from carbonledger.factors.schema import COLUMNS, SCHEMA

__all__ = [
    "FactorSet",
    "FactorStore",
    "VerifyResult",
    "bundled_factor_root",
    "default_store",
    "sha256_file",
]

ENV_PATH = "CARBONLEDGER_FACTOR_PATH"


def sha256_file(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _bundled_dir(name: str) -> Path | None:
    """``carbonledger/_bundled/<name>`` in a wheel, else ``<repo>/<name>`` in a checkout."""
    packaged = resources.files("carbonledger") / "_bundled" / name
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[3] / name
    return checkout if checkout.is_dir() else None


def bundled_factor_root() -> Path | None:
    """Folder of the factor sets shipped with carbonledger."""
    return _bundled_dir("factors")


def bundled_examples_root() -> Path | None:
    """Folder of the runnable examples shipped with carbonledger."""
    return _bundled_dir("examples")


def bundled_templates_root() -> Path | None:
    """Folder of the Excel input templates shipped with carbonledger."""
    return _bundled_dir("templates")


@dataclass(frozen=True)
class FactorSet:
    """One loaded, verified edition of a factor set."""

    manifest: Manifest
    directory: Path
    tables: dict[str, pd.DataFrame]

    @property
    def full_id(self) -> str:
        return self.manifest.full_id

    @property
    def factors(self) -> pd.DataFrame:
        """The tidy emission-factor table (schema ``emission_factors/1``)."""
        try:
            return self.tables["factors"]
        except KeyError:
            raise FactorSetError(
                f"{self.full_id} is a '{self.manifest.kind}' set without an emission-factor table"
            ) from None

    def citation(self) -> str:
        m = self.manifest
        return f"{m.publisher}, {m.title}, edition {m.edition}. {m.source_url}. Licence: {m.licence}."


@dataclass(frozen=True)
class VerifyResult:
    full_id: str
    path: str
    ok: bool
    message: str


@dataclass
class FactorStore:
    """All factor sets found on the search roots."""

    roots: Sequence[Path] = ()
    include_env: bool = True
    include_bundled: bool = True
    _index: dict[str, tuple[Manifest, Path]] = field(default_factory=dict, init=False)
    _loaded: dict[str, FactorSet] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        search: list[Path] = [Path(r) for r in self.roots]
        if self.include_env and os.environ.get(ENV_PATH):
            search += [Path(p) for p in os.environ[ENV_PATH].split(os.pathsep) if p]
        if self.include_bundled:
            bundled = bundled_factor_root()
            if bundled is not None:
                search.append(bundled)
        for root in search:
            for manifest_path in sorted(root.glob("*/*/manifest.toml")):
                manifest = read_manifest(manifest_path)
                # the first root that defines an edition wins (user sets shadow shipped ones)
                self._index.setdefault(manifest.full_id, (manifest, manifest_path.parent))

    # -- discovery ---------------------------------------------------------------------
    def manifests(self, kind: str | None = None) -> list[Manifest]:
        """Every edition's manifest, sorted by set id then validity."""
        items = [m for m, _ in self._index.values() if kind is None or m.kind == kind]
        return sorted(items, key=lambda m: (m.id, m.valid_from, m.edition))

    def directory(self, full_id: str) -> Path:
        return self._index[self.resolve_ref(full_id)[0]][1]

    def resolve_ref(self, ref: str) -> list[str]:
        """Full ids an edition reference names, oldest first.

        ``desnz`` → every edition of set ``desnz``; ``desnz-2025`` or ``desnz@2025`` → one.
        """
        text = ref.strip()
        if "@" in text:
            text = text.replace("@", "-", 1)
        if text in self._index:
            return [text]
        editions = [m for m in self.manifests() if m.id == text]
        if editions:
            return [m.full_id for m in editions]
        known = sorted({m.id for m in self.manifests()} | set(self._index))
        raise FactorSetError(f"unknown factor set {ref!r}; known sets and editions: {', '.join(known)}")

    # -- loading -------------------------------------------------------------------------
    def load(self, ref: str) -> FactorSet:
        """Load and verify ONE edition (``desnz-2025``; a bare set id must have one edition)."""
        ids = self.resolve_ref(ref)
        if len(ids) != 1:
            raise FactorSetError(
                f"{ref!r} names {len(ids)} editions ({', '.join(ids)}); name one, e.g. {ids[-1]}"
            )
        full_id = ids[0]
        if full_id not in self._loaded:
            manifest, directory = self._index[full_id]
            self._verify_files(manifest, directory, raise_on_error=True)
            tables = {
                name: _read_table(directory / spec.path, spec.schema_id)
                for name, spec in manifest.tables.items()
            }
            self._loaded[full_id] = FactorSet(manifest, directory, tables)
        return self._loaded[full_id]

    def load_all(self, refs: Iterable[str]) -> list[FactorSet]:
        """Load every edition named by ``refs`` (set ids expand to all their editions)."""
        out: list[FactorSet] = []
        for ref in refs:
            out += [self.load(full_id) for full_id in self.resolve_ref(ref)]
        return out

    # -- verification --------------------------------------------------------------------
    def verify(self, refs: Iterable[str] | None = None) -> list[VerifyResult]:
        """Re-hash every file of the named editions (all when None) against the manifests."""
        ids = sorted(self._index) if refs is None else [i for r in refs for i in self.resolve_ref(r)]
        results: list[VerifyResult] = []
        for full_id in ids:
            manifest, directory = self._index[full_id]
            results += self._verify_files(manifest, directory, raise_on_error=False)
        return results

    @staticmethod
    def _verify_files(manifest: Manifest, directory: Path, *, raise_on_error: bool) -> list[VerifyResult]:
        checks = [(t.path, t.sha256) for t in manifest.tables.values()]
        checks += [(o.path, o.sha256) for o in manifest.originals if o.stored]
        results: list[VerifyResult] = []
        for rel, expected in checks:
            path = directory / rel
            if not path.is_file():
                if raise_on_error:
                    raise FactorIntegrityError(str(path), expected, "<missing file>")
                results.append(VerifyResult(manifest.full_id, str(path), False, "missing file"))
                continue
            actual = sha256_file(path)
            if actual != expected:
                if raise_on_error:
                    raise FactorIntegrityError(str(path), expected, actual)
                results.append(
                    VerifyResult(
                        manifest.full_id,
                        str(path),
                        False,
                        f"SHA-256 mismatch: manifest {expected[:12]}…, file {actual[:12]}…",
                    )
                )
            else:
                results.append(VerifyResult(manifest.full_id, str(path), True, "ok"))
        return results


def _read_table(path: Path, schema_id: str) -> pd.DataFrame:
    """Read a tidy CSV. Strings stay strings ('NA' is Namibia, not missing)."""
    if schema_id == SCHEMA:
        dtypes: dict[str, str] = {c: "str" for c in COLUMNS}
        dtypes.update(value="float64", preference="int64")
        frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[])
        return frame
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])


@lru_cache(maxsize=1)
def default_store() -> FactorStore:
    """The process-wide store over the default search roots."""
    return FactorStore()
