"""JSON Schema validation of PACT ProductFootprints (v2.x, v3.0).

carbonledger ships its own schemas (``data/specs/pact/carbonledger-pact-v{2,3}.schema.json``):
they state the property names, types, enumerations, patterns and required lists of the PACT
Technical Specifications for PCF Data Exchange (v2.3.3 and v3.0.3) without reproducing the
specification's text, because the specification's licence does not allow redistributing
modified copies of it (see ``data/specs/pact/README.md``). Compared with the schema derived
mechanically from the specification's ``openapi.yaml``, they also enforce date-time and UUID
syntax and use anchored decimal patterns. Anyone holding the derived schema can validate
against it as well: :func:`schema_problems` takes a ``schema`` argument and
``carbonledger pact validate --schema FILE`` passes it through.

Checks the schema cannot express (sums, ranges of decimal strings, period order) are in
:mod:`carbonledger.pact.checks`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from carbonledger.errors import Problem

__all__ = ["major_version", "own_schema", "schema_problems"]


def major_version(footprint: Any) -> str:
    """``"v3"``, ``"v2"`` or ``""`` from a footprint's ``specVersion``."""
    version = str(footprint.get("specVersion", "")) if isinstance(footprint, dict) else ""
    if version.startswith("3."):
        return "v3"
    if version.startswith("2."):
        return "v2"
    return ""


@lru_cache(maxsize=4)
def own_schema(major: str) -> dict[str, Any]:
    """carbonledger's schema for ``"v2"`` or ``"v3"``."""
    name = f"carbonledger-pact-{major}.schema.json"
    path = resources.files("carbonledger") / "data" / "specs" / "pact" / name
    with path.open("r", encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@lru_cache(maxsize=8)
def _validator(major: str, schema_path: str | None) -> jsonschema.protocols.Validator:
    if schema_path is None:
        schema = own_schema(major)
    else:
        schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, format_checker=jsonschema.FormatChecker())


def schema_problems(
    footprint: Any,
    *,
    source: str = "",
    schema: str | Path | None = None,
    where: str = "",
) -> list[Problem]:
    """Every schema violation of one ProductFootprint as a :class:`Problem` (empty when valid).

    ``schema`` selects another JSON Schema file (e.g. the specification's derived schema);
    by default carbonledger's own schema for the footprint's major version is used.
    ``where`` prefixes field paths (``data/0``) for footprints inside a response.
    """
    if not isinstance(footprint, dict):
        return [Problem("a PACT ProductFootprint must be a JSON object", file=source, code="pact_schema",
                        field=where or None)]
    major = major_version(footprint)
    if not major:
        return [
            Problem(
                "unsupported or missing specVersion",
                file=source,
                field=f"{where}/specVersion".strip("/"),
                value=str(footprint.get("specVersion", "")),
                accepted="2.x.y or 3.x.y",
                code="pact_version",
            )
        ]
    validator = _validator(major, str(schema) if schema is not None else None)
    problems = []
    for error in sorted(validator.iter_errors(footprint), key=lambda e: [str(p) for p in e.absolute_path]):
        path = "/".join(str(p) for p in error.absolute_path)
        problems.append(
            Problem(
                f"PACT {major} schema: {error.message}",
                file=source,
                field="/".join(x for x in (where, path) if x) or None,
                record_id=str(footprint.get("id", "")) or None,
                accepted=f"a ProductFootprint valid against the PACT {major} JSON Schema",
                code="pact_schema",
            )
        )
    return problems
