"""Runner for ``carbonledger demo``: a China ETS example folder → report workbook and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from carbonledger.errors import InputError

__all__ = ["run_example"]


def run_example(example: Path, out: Path, *, sector: str, year: int) -> list[Path]:
    """Compute ``example/facility.xlsx`` and write ``china_ets_<sector>.xlsx`` and ``.json`` to ``out``.

    Raises :class:`InputError` when the example has errors (warnings, such as an allocation
    without benchmarks, are written into the outputs)."""
    from carbonledger.regimes.china_ets import run_china_ets
    from carbonledger.reports.china_ets import write_china_ets_workbook

    result = run_china_ets(example / "facility.xlsx", sector=sector, year=year)
    if result.errors:
        raise InputError(result.problems, summary=f"the {example.name} example has errors")
    workbook = write_china_ets_workbook(result, out / f"china_ets_{sector}_{year}.xlsx")
    summary = out / f"china_ets_{sector}_{year}.json"
    summary.write_text(
        json.dumps(result.to_json(), ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    return [workbook, summary]
