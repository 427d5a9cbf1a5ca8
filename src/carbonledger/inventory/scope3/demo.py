"""Runner of ``examples/chengdu_electronics`` for ``carbonledger demo`` (Scope 1-3 inventory)."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["CHENGDU_FACTOR_SETS", "run_chengdu_example"]

CHENGDU_FACTOR_SETS = ("cn-electricity", "cn-fuel-ndrc2013", "epa-supply-chain", "desnz", "epa-hub")
"""MEE/NBS grid factors, NDRC 2013 fuel defaults (2023 data), EPA EEIO (spend), DESNZ and the EPA
Hub (materials, waste, travel, freight; stated proxies or pinned factors, see the README)."""


def run_chengdu_example(example: Path, out: Path) -> list[Path]:
    """The 2023 Scope 1-3 inventory of the (fictional) Chengdu electronics assembler."""
    from carbonledger.errors import InputError
    from carbonledger.inventory.engine import run_inventory
    from carbonledger.reports.inventory_workbook import write_inventory_workbook

    result = run_inventory(
        example / "activities.csv",
        factor_sets=CHENGDU_FACTOR_SETS,
        gwp="AR6",
        year=2023,
        exchange_rates=example / "exchange_rates.csv",
        deflators=example / "deflators.csv",
        supplier_footprints=example / "suppliers",
    )
    if result.errors:
        raise InputError(result.problems, summary=f"the {example.name} example has errors")
    workbook = write_inventory_workbook(result, out / "chengdu_inventory.xlsx")
    summary = out / "chengdu_inventory.json"
    summary.write_text(
        json.dumps(result.to_json(include_records=False), ensure_ascii=False, indent=2, default=str) + "\n",
        encoding="utf-8",
    )
    return [workbook, summary]
