"""Exports validated with jsonschema against the schema derived from the PACT specification's
``openapi.yaml`` (``ProductFootprint.derived.schema.json``, v2.3.3 and v3.0.3).

The derived schemas are NOT redistributed with carbonledger (the PACT licence does not allow
sharing modified copies; see ``src/carbonledger/data/specs/pact/README.md``). They are looked up
in ``$PACT_SPEC_DIR/v{2,3}/`` or in a ``shared/specs/pact`` folder next to the repository (the
steering checkout); the tests skip with that reason when neither exists.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from carbonledger.footprint import build_model, compute_footprints
from carbonledger.pact.checks import semantic_problems
from carbonledger.pact.model import ProductFootprint
from carbonledger.pact.schemas import own_schema


def _spec_dir(major: str) -> Path | None:
    env = os.environ.get("PACT_SPEC_DIR")
    candidates = [Path(env) / major] if env else []
    candidates.append(Path(__file__).resolve().parents[3] / "shared" / "specs" / "pact" / major)
    for c in candidates:
        if (c / "ProductFootprint.derived.schema.json").is_file():
            return c
    return None


def _derived(major: str) -> dict[str, Any]:
    folder = _spec_dir(major)
    if folder is None:
        pytest.skip(f"the PACT {major} derived schema is not redistributed; set PACT_SPEC_DIR to a copy")
    schema: dict[str, Any] = json.loads((folder / "ProductFootprint.derived.schema.json").read_text(encoding="utf-8"))
    return schema


def _door_result() -> Any:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "footprint"))
    from _door_model import door_tables  # the hand-computable door model of tests/footprint

    return compute_footprints(build_model(**door_tables()))


@pytest.mark.parametrize("version,major", [("3", "v3"), ("2", "v2")])
def test_exports_validate_against_the_spec_derived_schema(version: str, major: str) -> None:
    schema = _derived(major)
    result = _door_result()
    for product in result.exported_products():
        doc, problems = result.pact(product, version=version)
        assert not [p for p in problems if p.severity == "error"], problems
        jsonschema.Draft202012Validator(schema).validate(doc)
        jsonschema.Draft202012Validator(own_schema(major)).validate(doc)


def test_spec_examples_read_by_the_typed_model_and_own_schema() -> None:
    folder = _spec_dir("v3")
    if folder is None or not (folder / "examples").is_dir():
        pytest.skip("no PACT v3 examples (set PACT_SPEC_DIR)")
    seen = 0
    for path in sorted((folder / "examples").glob("example-*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert ProductFootprint.from_json(doc).to_json() == doc
        jsonschema.Draft202012Validator(own_schema("v3")).validate(doc)
        codes = {p.code for p in semantic_problems(doc)}
        if path.name == "example-2.json":
            # its precedingPfIds lists its own id
            assert "pact_pfid" in codes
        seen += 1
    assert seen >= 1
