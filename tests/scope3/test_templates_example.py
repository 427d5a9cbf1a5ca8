"""Templates are deterministic and their examples compute; the Chengdu example is a full inventory.

Hand check of record P-002 (EPA Supply Chain v1.3 NAICS 334418 with margins 0.101 kg CO2e per 2022
USD; Federal Reserve G.5A 2023 average 7.0809 CNY/USD; CPI-U 2022/2023 = 292.655/304.702).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from carbonledger.inventory.engine import run_inventory
from carbonledger.inventory.scope3.templates import build_logistics_template, build_purchases_template
from carbonledger.io.tables import read_table

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chengdu_electronics"
SETS = ["cn-electricity", "cn-fuel-ndrc2013", "epa-supply-chain", "desnz", "epa-hub"]


def test_templates_are_deterministic_and_match_the_committed_files(tmp_path: Path) -> None:
    for build, name in (
        (build_purchases_template, "purchases.xlsx"),
        (build_logistics_template, "logistics.xlsx"),
    ):
        a = build(tmp_path / f"a_{name}").read_bytes()
        b = build(tmp_path / f"b_{name}").read_bytes()
        assert a == b
        assert (ROOT / "templates" / name).read_bytes() == a, f"rebuild templates/{name}"


def test_template_examples_compute(tmp_path: Path) -> None:
    purchases = build_purchases_template(tmp_path / "purchases.xlsx")
    res = run_inventory(
        read_table(purchases, sheet="Examples"),
        factor_sets=SETS,
        exchange_rates=read_table(purchases, sheet="exchange_rates"),
        deflators=pd.concat(
            [
                read_table(purchases, sheet="deflators").frame,
                pd.read_csv(EXAMPLE / "deflators.csv", dtype=str).iloc[[1]],
            ],
            ignore_index=True,
        ).drop(columns=["row"]),
        supplier_footprints=[EXAMPLE / "suppliers"],
    )
    assert not res.errors, [str(p) for p in res.errors]
    logistics = build_logistics_template(tmp_path / "logistics.xlsx")
    res = run_inventory(read_table(logistics, sheet="Examples"), factor_sets=SETS)
    assert not res.errors, [str(p) for p in res.errors]
    assert set(res.results["category"]) == {"4", "6", "7", "9"}


def test_chengdu_example_full_inventory() -> None:
    res = run_inventory(
        EXAMPLE / "activities.csv",
        factor_sets=SETS,
        year=2023,
        exchange_rates=EXAMPLE / "exchange_rates.csv",
        deflators=EXAMPLE / "deflators.csv",
        supplier_footprints=EXAMPLE / "suppliers",
    )
    res.check_accounting()
    assert not res.errors, [str(p) for p in res.errors]
    assert res.rows_computed == res.rows_read == 34
    r = res.results
    s3 = r[r["scope_key"] == "3"]
    assert set(s3["category"]) == {"1", "2", "3", "4", "5", "6", "7", "9", "11", "12", "15"}
    assert (s3["s3_method"] != "").all() and s3["dqi_score"].notna().all()
    assert (s3["factor_full_id"].astype(str) != "").all()
    totals = res.totals()
    assert math.fsum(totals["by_method"].values()) == pytest.approx(totals["by_scope"]["3"], rel=1e-12)
    p002 = math.fsum(r.loc[r["record_id"] == "P-002", "co2e_kg"])
    assert p002 == pytest.approx(8_600_000 / 7.0809 * 292.655 / 304.702 * 0.101, rel=1e-12)
    flags = dict(zip(r["record_id"], r["flags"].astype(str), strict=False))
    assert "footprint_outside_validity" in flags["P-010"]
    assert "footprint_outside_validity" not in flags["P-011"]


def test_cli_with_scope3_options_writes_json(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from carbonledger.cli import app

    out = tmp_path / "chengdu.json"
    args = ["inventory", str(EXAMPLE / "activities.csv"), "--year", "2023", "--format", "json", "--out", str(out)]
    for name in SETS:
        args += ["--factors", name]
    args += ["--exchange-rates", str(EXAMPLE / "exchange_rates.csv"), "--deflators", str(EXAMPLE / "deflators.csv")]
    args += ["--suppliers", str(EXAMPLE / "suppliers"), "--eeio-margins", "without"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["totals"]["by_scope"]["3"] > 0
    assert [row["row"] for row in payload["scope3"]["inputs"]["exchange_rates"]] == [2, 3, 4]
    spend = [r for r in payload["records"] if r.get("scope3", {}).get("method") == "spend_based"]
    assert spend and all(r["factor"]["id"].endswith(":without_margins") for r in spend)
