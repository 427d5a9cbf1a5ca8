"""The manifest of a factor set edition (``manifest.toml``)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from carbonledger.errors import FactorSetError

__all__ = ["Manifest", "OriginalFile", "TableFile", "read_manifest"]

SetKind = Literal[
    "emission_factors",
    "gwp",
    "cbam_default_values",
    "cbam_precursor_defaults",
    "cbam_benchmarks",
    "cbam_goods",
    "cbam_markups",
    "cbam_parameters",
    "ets_parameters",
]


class OriginalFile(BaseModel):
    """A publisher's original file, kept untouched under ``original/``."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="path relative to the edition folder")
    sha256: str
    bytes: int
    stored: bool = Field(True, description="False when only the hash is kept (very large)")
    source_url: str = ""
    retrieved_from: str = Field("", description="where this copy came from")


class TableFile(BaseModel):
    """A tidy table built by the importer from the originals."""

    model_config = ConfigDict(extra="forbid")

    path: str
    sha256: str
    rows: int
    schema_id: str = Field(alias="schema")


class Manifest(BaseModel):
    """Everything needed to cite and verify one edition of a factor set."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str = Field(description="set id, e.g. 'desnz'")
    edition: str = Field(description="edition, e.g. '2025'")
    kind: SetKind = "emission_factors"
    title: str
    publisher: str
    source_url: str
    licence: str
    attribution: str
    retrieval: str = Field(description="how and from where the original was obtained")
    gwp_basis: str = Field(description="AR4 | AR5 | AR6 | none (gas masses) | mixed | n/a")
    valid_from: date
    valid_to: date
    confidence: Literal["high", "medium", "low", "mixed"]
    confidence_notes: list[str] = []
    flags: list[str] = []
    units_conventions: str = ""
    proxy_for_other_regions: bool = Field(
        False,
        description="factors may be used, flagged, for records in regions the set does not cover",
    )
    importer: str
    importer_version: str
    originals: list[OriginalFile]
    tables: dict[str, TableFile]
    notes: list[str] = []

    @property
    def full_id(self) -> str:
        """``<id>-<edition>``, e.g. ``desnz-2025``."""
        return f"{self.id}-{self.edition}"

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())


def read_manifest(path: Path) -> Manifest:
    """Read and validate ``manifest.toml``; errors name the file."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        return Manifest.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise FactorSetError(f"{path}: invalid factor-set manifest: {exc}") from exc
