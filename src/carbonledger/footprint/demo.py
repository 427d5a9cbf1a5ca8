"""Runner of the ``chongqing_brake_assembly`` example for ``carbonledger demo``."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["run_brake_example"]


def run_brake_example(example: Path, out: Path) -> list[Path]:
    """Compute the example's footprints; write the workbook, the JSON summary and the PACT v3 files.

    The model reads the plant inventory of the sibling ``chongqing_auto_parts`` example."""
    from carbonledger.errors import InputError
    from carbonledger.footprint.result import compute_footprints
    from carbonledger.footprint.template import read_model
    from carbonledger.reports.footprint_workbook import write_footprint_workbook

    result = compute_footprints(read_model(example / "model.xlsx"))
    out.mkdir(parents=True, exist_ok=True)
    written = [write_footprint_workbook(result, out / "footprints.xlsx")]
    summary = out / "footprints.json"
    summary.write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(summary)
    problems = []
    for product in result.exported_products():
        doc, found = result.pact(product)
        problems += [p for p in found if p.severity == "error"]
        path = out / "pact" / "v3" / f"{product}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    if problems:
        raise InputError(problems, summary=f"the {example.name} example has PACT errors")
    return written
