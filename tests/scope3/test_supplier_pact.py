"""Supplier-specific method with PACT footprints and a supplier table.

Footprints: the PACT Technical Specification's own examples, shipped as package data
(``src/carbonledger/data/specs/pact``; copies of shared/specs/pact, SHA-256 in its README):

* v3.0 example-1: 1 kilogram, pcfExcludingBiogenicUptake 0.384 kg CO2e, valid 2024-12-31..2027-12-31;
* v3.0 example-2: declaredUnitAmount 12 liter, pcfExcludingBiogenicUptake 5.14 kg CO2e per 12 L;
* v3.0 example-3: 1 piece, 77.0 kg CO2e, productMassPerDeclaredUnit 25 kg;
* v2 get-footprint-response: 1 liter, pCfExcludingBiogenic 1.63, valid 2022-03-01..2024-12-31.

Formula (Technical Guidance for Calculating Scope 3 Emissions, 2013, ch. 1 supplier-specific
method): E = quantity purchased (in declared units) / declared amount × PCF.
"""

from __future__ import annotations

import copy
import json
import math
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from carbonledger.inventory.engine import run_inventory
from carbonledger.inventory.result import InventoryResult
from carbonledger.pact.reader import read_pact, validate_pact

PACT = Path(str(resources.files("carbonledger") / "data" / "specs" / "pact"))
V3 = PACT / "v3" / "examples"
V2 = PACT / "v2" / "examples"


def _run(rows: list[dict[str, object]], **kw: object) -> InventoryResult:
    frame = pd.DataFrame(rows)
    result = run_inventory(frame, **kw)  # type: ignore[arg-type]
    result.check_accounting()
    return result


def _kg(result: InventoryResult, record_id: str) -> float:
    return math.fsum(result.results.loc[result.results["record_id"] == record_id, "co2e_kg"])


def test_pact_v3_footprints_kilogram_litre_and_piece_via_mass() -> None:
    rows = [
        dict(record_id="kg", activity="supplier/ethanol", quantity=250, unit="kg",
             supplier_id="urn:company:example:company1", product_id="urn:gtin:5695872369587", period="2025"),
        dict(record_id="litre", activity="supplier/product2", quantity=120, unit="L",
             supplier_id="urn:company:example:company2", product_id="urn:gtin:4712345060507", period="2025"),
        dict(record_id="piece_by_mass", activity="supplier/product3", quantity=100, unit="kg",
             supplier_id="urn:company:example:company3", product_id="urn:gtin:5268596541023", period="2025"),
        dict(record_id="pieces", activity="supplier/product3", quantity=3, unit="pieces",
             supplier_id="urn:company:example:company3", product_id="urn:gtin:5268596541023", period="2025"),
    ]
    res = _run(rows, supplier_footprints=[V3 / "example-1.json", V3 / "example-2.json", V3 / "example-3.json"])
    assert not res.errors, res.errors
    assert _kg(res, "kg") == pytest.approx(250 * 0.384)
    assert _kg(res, "litre") == pytest.approx(120 / 12 * 5.14)
    assert _kg(res, "piece_by_mass") == pytest.approx(100 / 25 * 77.0)  # 4 pieces of 25 kg
    assert _kg(res, "pieces") == pytest.approx(3 * 77.0)
    r = res.results
    assert set(r["s3_method"]) == {"supplier_specific"} and set(r["data_type"]) == {"primary"}
    assert r.loc[r["record_id"] == "kg", "factor_full_id"].iloc[0] == "pact:12345678-9abc-def0-1234-567812345678"
    # PACT v3 DQRs are 1-5 and taken as is (example-1: technological 1.5, temporal 2.4, geographical 3.2)
    row = r[r["record_id"] == "kg"].iloc[0]
    assert (row["dqi_technological"], row["dqi_temporal"], row["dqi_geographical"]) == (1.5, 2.4, 3.2)


def test_pact_v2_footprint_outside_validity_is_computed_and_flagged() -> None:
    res = _run(
        [dict(record_id="late", activity="supplier/ethanol", quantity=10, unit="L",
              supplier_id="urn:uuid:69585GB6-56T9-6958-E526-6FDGZJHU1326", product_id="urn:gtin:5695872369587",
              period="2025-06")],
        supplier_footprints=V2 / "get-footprint-response.json",
    )
    assert not res.errors
    assert _kg(res, "late") == pytest.approx(10 * 1.63)
    row = res.results.iloc[0]
    assert "footprint_outside_validity" in row["flags"]
    assert "2022-03-01..2024-12-31" in row["parameters"]
    # v2 DQRs (1-3) are mapped onto 1-5: technologicalDQR 1.6 → 1 + 2 × 0.6 = 2.2
    assert row["dqi_technological"] == pytest.approx(2.2)


def test_declared_unit_that_cannot_convert_is_an_error_naming_row_and_field() -> None:
    res = _run(
        [dict(record_id="kwh", activity="supplier/ethanol", quantity=5, unit="kWh",
              supplier_id="urn:company:example:company1", product_id="urn:gtin:5695872369587", period="2025"),
         dict(record_id="unknown", activity="supplier/none", quantity=5, unit="kg", supplier_id="x", product_id="y",
              period="2025")],
        supplier_footprints=V3 / "example-1.json",
    )
    errors = {(p.record_id, p.field): p for p in res.errors}
    assert errors[("kwh", "unit")].row == 2 and "kilogram" not in errors[("kwh", "unit")].message
    assert "'kg'" in errors[("kwh", "unit")].message and "'kWh'" in errors[("kwh", "unit")].message
    assert errors[("unknown", "product_id")].row == 3
    assert res.results.empty and res.rows_rejected == [2, 3]


def test_supplier_table_and_missing_supplier_columns() -> None:
    table = pd.DataFrame(
        [dict(supplier_id="SUP-1", product_id="PCB-A", pcf=12.5, declared_unit="pieces", declared_amount=1,
              valid_from="2023-01-01", valid_to="2025-12-31", source="supplier questionnaire 2024", gwp_basis="AR6",
              dqi_technological=1, dqi_reliability=3)]
    )
    res = _run([dict(record_id="a", activity="supplier/pcb", quantity=400, unit="pieces", supplier_id="SUP-1",
                     product_id="PCB-A", period="2024"),
                dict(record_id="b", activity="supplier/pcb", quantity=1, unit="pieces", period="2024")],
               supplier_footprints=table)
    assert _kg(res, "a") == pytest.approx(400 * 12.5)
    row = res.results.iloc[0]
    assert row["dqi_technological"] == 1 and row["dqi_reliability"] == 3
    assert {(p.record_id, p.field) for p in res.errors} == {("b", "supplier_id"), ("b", "product_id")}


def test_pact_round_trip_reads_every_used_field_as_published() -> None:
    original = json.loads((V3 / "example-2.json").read_text(encoding="utf-8"))
    (fp,), problems = read_pact(original)
    assert not problems
    pcf = original["pcf"]
    assert fp.id == original["id"] and fp.spec_version == original["specVersion"]
    assert str(fp.pcf_excluding_biogenic) == pcf["pcfExcludingBiogenicUptake"]
    assert str(fp.declared_amount) == pcf["declaredUnitAmount"]
    assert fp.declared_unit == pcf["declaredUnitOfMeasurement"]
    assert str(fp.mass_per_declared_unit_kg) == pcf["productMassPerDeclaredUnit"]
    assert fp.product_ids == tuple(original["productIds"]) and fp.company_ids == tuple(original["companyIds"])
    again = type(fp).model_validate_json(fp.model_dump_json())
    assert again == fp


def test_invalid_footprint_is_reported_with_its_field_and_others_still_read(tmp_path: Path) -> None:
    good = json.loads((V3 / "example-1.json").read_text(encoding="utf-8"))
    bad = copy.deepcopy(good)
    bad["id"] = "00000000-0000-0000-0000-000000000001"
    del bad["pcf"]["pcfExcludingBiogenicUptake"]
    path = tmp_path / "two.json"
    path.write_text(json.dumps({"data": [good, bad]}), encoding="utf-8")
    footprints, problems = read_pact(path)
    assert [f.id for f in footprints] == [good["id"]]
    assert problems and all(p.record_id == bad["id"] for p in problems)
    assert any("pcfExcludingBiogenicUptake" in p.message for p in problems)
    assert validate_pact({"specVersion": "9.0"})[0].field == "specVersion"
