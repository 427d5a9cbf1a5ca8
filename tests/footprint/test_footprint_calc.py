"""Footprints of a small model computed by hand (see conftest.py for the model)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from carbonledger.footprint import build_model, build_system, compute_footprints
from carbonledger.pact.figures import PCF_TERMS

# Hand computation (mass allocation):
#   STAMP per run = 5 kg sheet (4 kg net / 0.8 yield) × 2.0 + 2 kWh × 0.5 = 10 + 1 = 11 kg CO2e
#   mass split: PANEL 3 kg, OFFCUT 1 kg → 3/4 and 1/4
#   PANEL = 11 × 0.75 = 8.25 kg CO2e/piece; OFFCUT = 11 × 0.25 / 1 kg = 2.75 kg CO2e/kg
#   DOOR = 2 × 8.25 + 8 × 0.05 + 0.6 = 16.5 + 0.4 + 0.6 = 17.5 kg CO2e/piece
PANEL_MASS = 8.25
OFFCUT_MASS = 2.75
DOOR_MASS = 17.5


def _result(tables: dict[str, Any]) -> Any:
    return compute_footprints(build_model(**tables))


def test_two_level_assembly_with_scrap_and_mass_allocation(door: dict[str, Any]) -> None:
    r = _result(door)
    assert r.pcf("PANEL") == pytest.approx(PANEL_MASS, rel=1e-12)
    assert r.pcf("OFFCUT") == pytest.approx(OFFCUT_MASS, rel=1e-12)
    assert r.pcf("DOOR") == pytest.approx(DOOR_MASS, rel=1e-12)
    assert r.pcf("SHEET") == pytest.approx(2.0) and r.pcf("BOLT") == pytest.approx(0.05)
    assert r.residual < 1e-14


def test_economic_allocation(door: dict[str, Any]) -> None:
    door["processes"].loc[0, "allocation"] = "economic"
    r = _result(door)
    # value: PANEL 1 × 30 = 30, OFFCUT 1 kg × 0.3 = 0.3 → PANEL gets 30/30.3 of 11 kg CO2e
    panel = 11 * 30 / 30.3
    assert r.pcf("PANEL") == pytest.approx(panel, rel=1e-12)
    assert r.pcf("OFFCUT") == pytest.approx(11 * 0.3 / 30.3, rel=1e-12)
    assert r.pcf("DOOR") == pytest.approx(2 * panel + 0.4 + 0.6, rel=1e-12)


def test_physical_allocation_by_a_user_named_quantity(door: dict[str, Any]) -> None:
    door["processes"].loc[0, "allocation"] = "physical"
    door["processes"].loc[0, "allocation_quantity"] = "surface m2"
    door["outputs"]["allocation_value"] = ["1.8", "0.2", ""]
    r = _result(door)
    # 1.8 and 0.2 m2 → PANEL 0.9 of 11, OFFCUT 0.1 of 11 per kg
    assert r.pcf("PANEL") == pytest.approx(9.9, rel=1e-12)
    assert r.pcf("OFFCUT") == pytest.approx(1.1, rel=1e-12)
    assert "surface m2" in r.products.set_index("product_id").loc["DOOR", "allocation_description"]


def test_terms_gases_and_stages_add_up_and_stage_split_is_as_computed(door: dict[str, Any]) -> None:
    r = _result(door)
    p = r.products.set_index("product_id")
    for pid in p.index:
        total = p.loc[pid, "pcf_excluding_uptake"]
        assert sum(p.loc[pid, t] for t in PCF_TERMS) == pytest.approx(total, rel=1e-12)
        assert sum(p.loc[pid, c] for c in p.columns if c.startswith("gas:")) == pytest.approx(total, rel=1e-12)
        assert sum(p.loc[pid, c] for c in p.columns if c.startswith("stage:")) == pytest.approx(total, rel=1e-12)
    # DOOR: bought inputs (material acquisition) = 2 × 0.75 × 5 × 2.0 + 8 × 0.05 = 15 + 0.4;
    # production = 2 × 0.75 × 1.0 (stamping electricity) + 0.6 (assembly gas) = 2.1
    assert p.loc["DOOR", "stage:material_acquisition"] == pytest.approx(15.4, rel=1e-12)
    assert p.loc["DOOR", "stage:production"] == pytest.approx(2.1, rel=1e-12)
    # gases: supplier footprints are CO2e totals; the inline electricity rate is CO2e; the gas is CO2
    assert p.loc["DOOR", "gas:CO2"] == pytest.approx(0.6, rel=1e-12)
    assert p.loc["DOOR", "gas:CO2e (not split)"] == pytest.approx(16.9, rel=1e-12)


def test_primary_data_share_and_dqr_weighted_by_emissions(door: dict[str, Any]) -> None:
    r = _result(door)
    p = r.products.set_index("product_id")
    # DOOR contributions: sheet 15 (PDS 50 %, DQR 2), bolts 0.4 (PDS 0, DQR 2), stamping 1.5
    # (own data, DQR 1), assembly 0.6 (own data, DQR 2).
    # primary = 0.5 × 15 + 1.5 + 0.6 = 9.6 of 17.5 → 54.857142… %
    assert p.loc["DOOR", "primary_data_share"] == pytest.approx(100 * 9.6 / 17.5, rel=1e-12)
    # DQR = (15 × 2 + 0.4 × 2 + 1.5 × 1 + 0.6 × 2) / 17.5 = 33.5 / 17.5
    assert p.loc["DOOR", "technological_dqr"] == pytest.approx(33.5 / 17.5, rel=1e-12)
    assert p.loc["DOOR", "dqr_coverage"] == pytest.approx(100.0)


def test_carbon_content_follows_the_net_bill_of_materials(door: dict[str, Any]) -> None:
    r = _result(door)
    p = r.products.set_index("product_id")
    # PANEL: 4 kg of sheet end up in the outputs (net), split 3:1 by mass → 3 kg × 0.002 = 0.006 kg C
    assert p.loc["PANEL", "fossil_carbon_content"] == pytest.approx(0.006, rel=1e-12)
    # DOOR: 2 × 0.006 + 8 × 0.00004 = 0.01232 kg C
    assert p.loc["DOOR", "fossil_carbon_content"] == pytest.approx(0.01232, rel=1e-12)
    assert p.loc["DOOR", "biogenic_carbon_content"] == 0.0
    assert p.loc["DOOR", "biogenic_co2_uptake"] == 0.0


def test_biogenic_carbon_gives_the_uptake(door: dict[str, Any]) -> None:
    door["products"].loc[4, "biogenic_carbon_content"] = "0.3"
    door["products"].loc[4, "fossil_carbon_content"] = "0.01"
    r = _result(door)
    p = r.products.set_index("product_id")
    # −44/12 × 0.3 kg C = −1.1 kg CO2 (IPCC/MEE molar-mass ratio)
    assert p.loc["DOOR", "biogenic_co2_uptake"] == pytest.approx(-1.1, rel=1e-12)
    assert p.loc["DOOR", "pcf_including_uptake"] == pytest.approx(DOOR_MASS - 1.1, rel=1e-12)
    assert p.loc["DOOR", "content_source"] == "declared"


def test_recycled_content_cut_off(door: dict[str, Any]) -> None:
    door["products"] = pd.concat([door["products"], pd.DataFrame([
        {"product_id": "SCRAPSTEEL", "name": "Recycled steel", "unit": "kg", "source": "supplier",
         "supplier_pcf": "rec.json"}])], ignore_index=True)
    from _door_model import supplier_pf

    door["supplier_footprints"]["rec.json"] = supplier_pf("8f7e3a2c-5d9a-4c77-9f2a-3b4c5d6e7f80", "Recycled steel",
                                                          "kilogram", "0.5", "0", "1", "0.002")
    door["inputs"]["recycled_content"] = ["0.3", "", ""]
    door["inputs"]["recycled_product"] = ["SCRAPSTEEL", "", ""]
    r = _result(door)
    # gross 5 kg: 3.5 kg virgin × 2.0 + 1.5 kg recycled × 0.5 = 7.75; + 1.0 electricity = 8.75 per run
    assert r.pcf("PANEL") == pytest.approx(8.75 * 0.75, rel=1e-12)
    assert "cut-off" in r.products.set_index("product_id").loc["PANEL", "allocation_description"]


def test_recycled_share_without_a_recycled_product_is_burden_free_and_warned(door: dict[str, Any]) -> None:
    door["inputs"]["recycled_content"] = ["0.3", "", ""]
    r = _result(door)
    assert r.pcf("PANEL") == pytest.approx((3.5 * 2.0 + 1.0) * 0.75, rel=1e-12)
    assert any(w.code == "recycled_burden_free" and w.row == 2 for w in r.warnings)


def test_downstream_stage_and_packaging(door: dict[str, Any]) -> None:
    from _door_model import supplier_pf

    products = pd.DataFrame([
        {"product_id": "BOX", "name": "Carton", "unit": "piece", "source": "supplier", "supplier_pcf": "box.json",
         "packaging": "yes"},
        {"product_id": "TRUCK", "name": "Road freight", "unit": "tkm", "source": "supplier",
         "supplier_pcf": "truck.json"},
        {"product_id": "DOOR_DELIVERED", "name": "Door delivered", "unit": "piece", "source": "process",
         "mass_kg": "6.16", "product_ids": "urn:pact:example.com:product-id:DOOR-D"},
    ])
    door["products"] = pd.concat([door["products"], products], ignore_index=True)
    door["processes"] = pd.concat([door["processes"], pd.DataFrame([
        {"process_id": "SHIP", "name": "Delivery", "stage": "distribution", "region": "CN-CQ"}])], ignore_index=True)
    door["outputs"] = pd.concat([door["outputs"], pd.DataFrame([
        {"process_id": "SHIP", "product_id": "DOOR_DELIVERED", "amount": "1"}])], ignore_index=True)
    door["inputs"] = pd.concat([door["inputs"], pd.DataFrame([
        {"process_id": "SHIP", "product_id": "DOOR", "amount": "1"},
        {"process_id": "SHIP", "product_id": "BOX", "amount": "1"},
        {"process_id": "SHIP", "product_id": "TRUCK", "amount": "0.616"}])], ignore_index=True)
    door["supplier_footprints"]["box.json"] = supplier_pf("9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "Carton",
                                                          "piece", "0.3", "0", "0.4", "0.1")
    door["supplier_footprints"]["truck.json"] = supplier_pf("0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e", "Road freight",
                                                            "ton kilometer", "0.1", "0", "0", "0")
    r = _result(door)
    p = r.products.set_index("product_id")
    # 17.5 (door at the gate) + 0.3 (carton) + 0.616 tkm × 0.1 = 17.8616
    assert p.loc["DOOR_DELIVERED", "pcf_excluding_uptake"] == pytest.approx(17.8616, rel=1e-12)
    # the carton and the freight are bought by a distribution process: their emissions are distribution
    assert p.loc["DOOR_DELIVERED", "stage:distribution"] == pytest.approx(0.3616, rel=1e-12)
    assert p.loc["DOOR_DELIVERED", "stage:material_acquisition"] == pytest.approx(15.4, rel=1e-12)
    assert p.loc["DOOR_DELIVERED", "packaging"] == pytest.approx(0.3, rel=1e-12)
    assert p.loc["DOOR", "packaging"] == 0.0
    assert "downstream" in p.loc["DOOR_DELIVERED", "boundary_description"]


def test_one_solve_equals_per_product_solves_and_matrices_reproduce_it(door: dict[str, Any]) -> None:
    model = build_model(**door)
    system = build_system(model)
    r = compute_footprints(model, system=system)
    m = system.matrices()
    a = m.technosphere.toarray()
    pcf_from_matrices = (m.characterisation @ m.intervention @ np.linalg.inv(a)).ravel()
    for k, pid in enumerate(m.products):
        assert pcf_from_matrices[k] == pytest.approx(r.pcf(pid), rel=1e-12)
        supply = system.supply([pid])[:, 0]
        per_product = float((m.characterisation @ m.intervention @ supply).ravel()[0])
        assert per_product == pytest.approx(r.pcf(pid), rel=1e-12)


def test_hotspots_add_up(door: dict[str, Any]) -> None:
    r = _result(door)
    top = r.top_inputs("DOOR")
    assert top["kgco2e_per_unit"].sum() == pytest.approx(DOOR_MASS, rel=1e-12)
    assert top.iloc[0]["contributor"] == "PANEL" and top.iloc[0]["kgco2e_per_unit"] == pytest.approx(16.5)
    chain = r.process_contributions(["DOOR"])
    assert chain["kgco2e_per_unit"].sum() == pytest.approx(DOOR_MASS, rel=1e-12)
    by = dict(zip(chain["contributor"], chain["kgco2e_per_unit"], strict=True))
    assert by["bought SHEET"] == pytest.approx(15.0) and by["process STAMP"] == pytest.approx(1.5)


def test_factor_sourced_input_cites_its_factor_and_gwp_basis(door: dict[str, Any]) -> None:
    # DESNZ 2025 flat file, ID 19_504_5116_15 "Metal: steel cans > Primary material production":
    # 2863.90131 kg CO2e per tonne, AR5 basis (factors/desnz/2025/factors.csv)
    door["products"].loc[0, "source"] = "factor"
    door["products"].loc[0, "factor_id"] = "19_504_5116_15"
    door["products"].loc[0, "factor_set"] = "desnz-2025"
    door["products"].loc[0, "supplier_pcf"] = ""
    r = _result(door)
    assert r.pcf("SHEET") == pytest.approx(2.86390131, rel=1e-12)
    p = r.products.set_index("product_id")
    assert p.loc["DOOR", "ipcc_characterization_factors"] == "AR5|AR6"
    assert p.loc["DOOR", "secondary_sets"] == "desnz-2025"
    # a factor gives no carbon content: the door's is unknown, and PACT requires it
    _, problems = r.pact("DOOR")
    assert [x.record_id for x in problems if x.code == "pact_carbon_content"] == ["DOOR"]
    door["products"].loc[0, "fossil_carbon_content"] = "0.002"
    r = _result(door)
    doc, problems = r.pact("DOOR")
    assert not [x for x in problems if x.severity == "error"]
    assert doc["pcf"]["secondaryEmissionFactorSources"][0]["version"] == "2025"
    assert doc["pcf"]["ipccCharacterizationFactors"] == ["AR5", "AR6"]
    purchased = r.system.flows.purchased.set_index("product_id")
    assert "19_504_5116_15" in purchased.loc["SHEET", "reference"]


def test_plant_inventory_allocated_to_processes(door: dict[str, Any], tmp_path: Any) -> None:
    # plant: 1000 m3 gas at inline 2 kg CO2/m3 = 2000 kg CO2 (Scope 1); 10 000 kWh at a supplier-specific
    # 0.6 kg CO2e/kWh market-based = 6000 kg (Scope 2). Key: STAMP 3, ASSY 1, other products 4 → shares 3/8, 1/8.
    (tmp_path / "plant.csv").write_text(
        "record_id,entity,period,region,activity,quantity,unit,emission_factor,emission_factor_unit,gas,method\n"
        "P-NG,plant,2025,CN-CQ,fuel/natural_gas,1000,m3,2,kg/m3,CO2,\n"
        "P-EL,plant,2025,CN-CQ,electricity/grid,10000,kWh,0.6,kg CO2e/kWh,,market\n", encoding="utf-8")
    door["activities"] = None
    door["plants"] = pd.DataFrame([{"plant_id": "CQ", "activities": "plant.csv", "year": "2025", "key": "machine hours"}])
    door["allocation"] = pd.DataFrame([
        {"plant_id": "CQ", "process_id": "STAMP", "key_value": "3", "period_output": "1500"},
        {"plant_id": "CQ", "process_id": "ASSY", "key_value": "1", "period_output": "500"},
        {"plant_id": "CQ", "process_id": "", "key_value": "4"},
    ])
    r = compute_footprints(build_model(**door, base_dir=tmp_path))
    # STAMP per run: 8000 × 3/8 / 1500 runs = 2.0; PANEL = (10 + 2) × 0.75 = 9.0
    # ASSY per run: 8000 × 1/8 / 500 = 2.0; DOOR = 2 × 9 + 0.4 + 2.0 = 20.4
    assert r.pcf("PANEL") == pytest.approx(9.0, rel=1e-12)
    assert r.pcf("DOOR") == pytest.approx(20.4, rel=1e-12)
    rows = r.system.flows.plant_rows
    assert math.isclose(rows["allocated_kg"].sum(), 8000.0, rel_tol=1e-12)  # shares reconcile with the plant total


def test_cyclic_core_with_net_output_is_solved() -> None:
    # A makes 1 and consumes 0.5 B; B makes 1 and consumes 0.2 A; direct 1 and 2 kg CO2e per run:
    # λA = 1 + 0.5 λB, λB = 2 + 0.2 λA → λA = 2 / 0.9, λB = 2 + 0.4 / 0.9
    from carbonledger.footprint.solve import BlockTriangularSolver

    a = np.array([[1.0, -0.2, 0.0], [-0.5, 1.0, -1.0], [0.0, 0.0, 1.0]])  # rows/cols: A, B, C (C consumes 1 B)
    solver = BlockTriangularSolver.build(a)
    lam = solver.solve_transposed(np.array([1.0, 2.0, 0.0]))
    assert lam[0] == pytest.approx(2 / 0.9, rel=1e-12)
    assert lam[1] == pytest.approx(2 + 0.4 / 0.9, rel=1e-12)
    assert lam[2] == pytest.approx(lam[1], rel=1e-12)
    assert solver.stats["cyclic_cores"] == 1
