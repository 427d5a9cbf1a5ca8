"""The Chongqing brake-assembly example: rebuilt workbook, clean run, valid PACT, and the front
brake assembly recomputed by hand from the example's CSV files, the published factor values and
the plant inventory (independently of the footprint engine)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from carbonledger.footprint import compute_footprints, read_model
from carbonledger.gwp import gwp
from carbonledger.pact.schemas import schema_problems

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chongqing_brake_assembly"
PLANT = ROOT / "examples" / "chongqing_auto_parts"


def _desnz(factor_id: str) -> pd.DataFrame:
    table = pd.read_csv(ROOT / "factors" / "desnz" / "2025" / "factors.csv", dtype={"factor_id": str})
    return table[table["factor_id"] == factor_id]


def _per_unit(factor_id: str, per: float) -> float:
    """DESNZ 2025 factor per unit of the product: the gas rows re-weighted from AR5 (the
    publisher's basis) to AR6, or the CO2e total when there are no gas rows."""
    rows = _desnz(factor_id)
    gases = rows[rows["gas"] != "CO2e"]
    if gases.empty:
        return float(rows["value"].iloc[0]) / per
    total = sum(float(v) / gwp(g, "AR5") * gwp(g, "AR6") for g, v in zip(gases["gas"], gases["value"], strict=True))
    return total / per


def test_workbook_is_rebuilt_from_the_csv_files(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_model", EXAMPLE / "make_model.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(tmp_path / "model.xlsx")
    assert built.read_bytes() == (EXAMPLE / "model.xlsx").read_bytes()


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return compute_footprints(read_model(EXAMPLE / "model.xlsx"))


def test_runs_clean_and_exports_valid_pact(result) -> None:  # type: ignore[no-untyped-def]
    assert not [w for w in result.warnings if w.severity == "error"]
    assert result.exported_products() == ["BA-100", "BA-200", "BRK-F"]
    for product in result.exported_products():
        for version in ("3", "2"):
            doc, problems = result.pact(product, version=version)
            assert not [p for p in problems if p.severity == "error"], (product, version, problems)
            assert schema_problems(doc) == []
    doc, _ = result.pact("BA-100")
    assert doc["pcf"]["packagingEmissionsIncluded"] is True  # the carton is packaging
    assert doc["pcf"]["ipccCharacterizationFactors"] == ["AR5", "AR6"]  # DESNZ/EPA CO2e totals are AR5


def test_front_brake_assembly_by_hand(result) -> None:  # type: ignore[no-untyped-def]
    from carbonledger.inventory.engine import run_inventory
    from carbonledger.io.tables import read_table

    # plant inventory of the Liangjiang plant (entity filter; the warehouse's certificate is left out)
    raw = read_table(PLANT / "activities.csv")
    raw.frame = raw.frame[raw.frame["entity"] == "两江工厂 Liangjiang plant"].reset_index(drop=True)
    inst = read_table(PLANT / "instruments.csv")
    inst.frame = inst.frame[inst.frame["instrument_id"] != "GEC-2024-017"].reset_index(drop=True)
    settings = pd.read_csv(EXAMPLE / "model.csv", dtype=str).set_index("key")["value"]
    inv = run_inventory(raw, instruments=inst, factor_sets=settings["factor_sets"].split("|"), gwp="AR6", year=2025)
    totals = inv.totals()["by_scope"]
    plant_kg = 1000.0 * (totals["1"] + totals["2_market"])
    keys = pd.read_csv(EXAMPLE / "allocation.csv", dtype={"process_id": str})
    keys["process_id"] = keys["process_id"].fillna("")
    total_key = keys["key_value"].sum()
    per_run = {r.process_id: plant_kg * r.key_value / total_key / r.period_output
               for r in keys.itertuples() if r.process_id}

    supplier = {
        "CALIPER": json.loads((EXAMPLE / "suppliers" / "caliper_castings.json").read_text(encoding="utf-8")),
        "PADS": json.loads((EXAMPLE / "suppliers" / "brake_pads.json").read_text(encoding="utf-8")),
    }
    caliper = float(supplier["CALIPER"]["pcf"]["pcfExcludingBiogenicUptake"]) / 1000.0  # per 1000 kg → per kg
    pads = float(supplier["PADS"]["pcf"]["pcfExcludingBiogenicUptake"])
    steel = _per_unit("19_504_5116_15", 1000.0)  # kg CO2e/t → per kg
    alu = _per_unit("19_504_5104_15", 1000.0)
    pp = _per_unit("19_505_5144_15", 1000.0)
    board = _per_unit("19_506_5156_15", 1000.0)
    freight = _per_unit("27_304_3140_14", 1.0)
    heat_treat = 0.382  # EPA Supply Chain v1.3.0, NAICS 332811 with margins, kg CO2e per 2022 USD

    # STAMP-F run: 1.35 kg net steel at yield 0.8036, 0.42 USD heat treatment, 0.101 tkm, plant share;
    # economic allocation: bracket 28 CNY vs 0.33 kg offcuts × 2.1 CNY/kg
    stamp = 1.35 / 0.8036 * steel + 0.42 * heat_treat + 0.101 * freight + per_run["STAMP-F"]
    bracket = stamp * 28 / (28 + 0.33 * 2.1)
    ba100 = (bracket + 2.9 * caliper + 1.1 * pads + 0.16 * alu + 0.035 * pp + 0.09 * steel + 1.21 * freight
             + 0.28 * board + per_run["ASSY-F"])
    assert result.pcf("BRK-F") == pytest.approx(bracket, rel=1e-9)
    assert result.pcf("BA-100") == pytest.approx(ba100, rel=1e-9)
    # the allocated plant rows add up to the plant's Scope 1 + 2 (market-based)
    assert result.system.flows.plant_rows["allocated_kg"].sum() == pytest.approx(plant_kg, rel=1e-12)
