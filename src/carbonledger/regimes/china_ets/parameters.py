"""ETS parameters: the cited ``cn-ets-parameters`` set, overridden by the user's values.

The shipped set (``factors/cn-ets-parameters/<edition>/``) holds only values with a source
(regulatory-facts.md §B). Anything else — allocation benchmarks above all — is user input:
an override file with the columns ``parameter, key, value, unit, citation, note`` (CSV or
XLSX), or the template's 参数 Parameters sheet. A user row replaces the shipped row with the
same ``(parameter, key)`` and is labelled ``user input`` in every result that uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from carbonledger.errors import InputError, Problem
from carbonledger.factors.importers.cn_ets_parameters import TEXT_PARAMETERS
from carbonledger.factors.store import FactorStore, default_store
from carbonledger.io.tables import read_table

__all__ = ["PARAMETER_SET", "EtsParameter", "EtsParameters", "read_override_file"]

PARAMETER_SET = "cn-ets-parameters"


@dataclass(frozen=True)
class EtsParameter:
    """One value or rule with its provenance."""

    parameter: str
    key: str
    value: str
    unit: str
    citation: str
    confidence: str  # V-primary | V-secondary | DATA | UNVERIFIED | user input
    flags: tuple[str, ...]
    note: str
    source: str  # "cn-ets-parameters-2026-11 (cn_ets_parameters.csv line 2)" or "user: file, row"

    @property
    def number(self) -> float:
        return float(self.value)

    @property
    def is_user(self) -> bool:
        return self.confidence == "user input"

    def label(self) -> str:
        """Short provenance for lineage text."""
        return f"{self.parameter}[{self.key}] = {self.value} {self.unit} ({self.source}; {self.confidence})"


@dataclass
class EtsParameters:
    """Shipped parameters with user overrides applied."""

    rows: dict[tuple[str, str], EtsParameter]
    set_full_id: str
    overridden: list[EtsParameter] = field(default_factory=list)

    def get(self, parameter: str, key: str) -> EtsParameter | None:
        return self.rows.get((parameter, key))

    def all(self, parameter: str) -> list[EtsParameter]:
        return sorted((p for (name, _), p in self.rows.items() if name == parameter), key=lambda p: p.key)

    def boundary(self, sector: str, group: str) -> tuple[bool, EtsParameter | None]:
        """Whether a source group counts toward compliance (missing → not counted, reported)."""
        row = self.get("compliance_boundary", f"{sector}.{group}")
        if row is None:
            return False, None
        return row.number >= 0.5, row

    def gases(self, sector: str) -> tuple[set[str], EtsParameter | None]:
        row = self.get("compliance_gases", sector)
        if row is None:
            return {"CO2"}, None
        return {g.strip() for g in row.value.split("|") if g.strip()}, row

    @classmethod
    def load(
        cls,
        *,
        store: FactorStore | None = None,
        edition: str | None = None,
        overrides: Iterable[EtsParameter] = (),
    ) -> EtsParameters:
        store = store or default_store()
        ids = store.resolve_ref(PARAMETER_SET if edition is None else f"{PARAMETER_SET}-{edition}")
        full_id = ids[-1]  # the newest edition unless one is named
        table = store.load(full_id).tables["parameters"]
        rows: dict[tuple[str, str], EtsParameter] = {}
        for r in table.to_dict("records"):
            rows[(r["parameter"], r["key"])] = EtsParameter(
                parameter=r["parameter"],
                key=r["key"],
                value=r["value"],
                unit=r["unit"],
                citation=r["citation"],
                confidence=r["confidence"],
                flags=tuple(f for f in r["flags"].split("|") if f),
                note=r["note"],
                source=f"{full_id} ({r['source_ref']})",
            )
        out = cls(rows, full_id)
        for row in overrides:
            out.rows[(row.parameter, row.key)] = row
            out.overridden.append(row)
        return out


_COLUMNS = ("parameter", "key", "value", "unit", "citation", "note")


def parse_override_rows(
    records: Iterable[Mapping[str, object]], *, file: str, sheet: str | None = None
) -> tuple[list[EtsParameter], list[Problem]]:
    """User parameter rows (each with a ``row`` number) → parameters and problems."""
    out: list[EtsParameter] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for record in records:
        row = int(str(record.get("row") or 0)) or None
        text = {c: str(record.get(c) or "").strip() for c in _COLUMNS}
        if not any(text.values()):
            continue
        where = {"file": file, "sheet": sheet, "row": row}
        if not text["parameter"] or not text["key"]:
            problems.append(
                Problem(
                    "parameter and key are required",
                    field="parameter" if not text["parameter"] else "key",
                    accepted="e.g. parameter=benchmark, key=cement:2025:clinker",
                    **where,  # type: ignore[arg-type]
                )
            )
            continue
        if not text["value"]:
            problems.append(
                Problem(
                    "value is empty",
                    field="value",
                    accepted="a number (or a rule name for allocation_rule)",
                    **where,  # type: ignore[arg-type]
                )
            )
            continue
        if text["parameter"] not in TEXT_PARAMETERS:
            try:
                float(text["value"].replace(",", ""))
                text["value"] = text["value"].replace(",", "")
            except ValueError:
                problems.append(
                    Problem(
                        f"value of {text['parameter']} is not a number",
                        field="value",
                        value=text["value"],
                        accepted="a number such as 0.8218",
                        **where,  # type: ignore[arg-type]
                    )
                )
                continue
        if text["parameter"] == "allocation_rule" and text["value"] not in ("verified_emissions", "intensity"):
            problems.append(
                Problem(
                    "unknown allocation rule",
                    field="value",
                    value=text["value"],
                    accepted="verified_emissions or intensity",
                    **where,  # type: ignore[arg-type]
                )
            )
            continue
        key = (text["parameter"], text["key"])
        if key in seen:
            problems.append(
                Problem(
                    f"parameter {key[0]}[{key[1]}] is given twice (first on row {seen[key]})",
                    field="key",
                    accepted="each (parameter, key) once",
                    **where,  # type: ignore[arg-type]
                )
            )
            continue
        seen[key] = row or 0
        location = ", ".join(x for x in (file, f"sheet '{sheet}'" if sheet else "", f"row {row}") if x)
        out.append(
            EtsParameter(
                parameter=text["parameter"],
                key=text["key"],
                value=text["value"],
                unit=text["unit"],
                citation=text["citation"] or "user input",
                confidence="user input",
                flags=("user_input",),
                note=text["note"],
                source=f"user: {location}",
            )
        )
    return out, problems


def read_override_file(path: str | Path) -> list[EtsParameter]:
    """Read a user parameter file (CSV or XLSX with the set's columns); all problems at once."""
    raw = read_table(path, preferred_sheets=("parameters", "参数", "参数 Parameters"))
    problems = [p for p in raw.problems if p.severity == "error"]
    missing = [c for c in ("parameter", "key", "value") if c not in raw.frame.columns]
    for column in missing:
        problems.append(
            Problem(
                f"required column {column!r} is missing",
                file=raw.source,
                row=1,
                field=column,
                accepted="columns parameter, key, value, unit, citation, note",
            )
        )
    if problems:
        raise InputError(problems, summary=f"parameter file {raw.source} cannot be used")
    rows, row_problems = parse_override_rows(
        [{str(k): v for k, v in r.items()} for r in raw.frame.to_dict("records")], file=raw.source, sheet=raw.sheet
    )
    if row_problems:
        raise InputError(row_problems, summary=f"parameter file {raw.source} has problems")
    return rows
