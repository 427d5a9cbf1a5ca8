"""Supplier-specific method with PACT footprints and a supplier table.

The footprints are built in this test (fictional products; field names and rules of the PACT
Technical Specification v3.0 and v2.x, validated by ``carbonledger.pact``):

* v3 "kg": 1 kilogram, pcfExcludingBiogenicUptake 0.384 kg CO2e, valid 2024-12-31..2027-12-31;
* v3 "litre": declaredUnitAmount 12 liter, 5.14 kg CO2e per 12 L;
* v3 "piece": 1 piece, 77.0 kg CO2e, productMassPerDeclaredUnit 25 kg;
* v2 "v2": 1 liter, pCfExcludingBiogenic 1.63, valid 2022-03-01..2024-12-31, DQRs on the 1-3 scale.

Formula (Technical Guidance for Calculating Scope 3 Emissions, 2013, ch. 1 supplier-specific
method): E = quantity purchased (in declared units) / declared amount × PCF.
"""

from __future__ import annotations

import copy
import json
import math
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from carbonledger.inventory.engine import run_inventory
from carbonledger.inventory.result import InventoryResult
from carbonledger.pact.importer import load_footprints


def _v3(
    pid: str, cid: str, unit: str, amount: str, mass: str, pcf: str, dqi: dict[str, str]
) -> dict[str, Any]:
    return {
        "id": f"00000000-0000-4000-8000-{int(pid.rsplit(':', 1)[-1]):012d}",
        "specVersion": "3.0.0",
        "created": "2025-01-01T00:00:00Z",
        "status": "Active",
        "validityPeriodStart": "2024-12-31T00:00:00Z",
        "validityPeriodEnd": "2027-12-31T00:00:00Z",
        "companyName": cid.rsplit(":", maxsplit=1)[-1],
        "companyIds": [cid],
        "productDescription": "test product",
        "productIds": [pid],
        "productNameCompany": pid.rsplit(":", maxsplit=1)[-1],
        "pcf": {
            "declaredUnitOfMeasurement": unit,
            "declaredUnitAmount": amount,
            "productMassPerDeclaredUnit": mass,
            "referencePeriodStart": "2024-01-01T00:00:00Z",
            "referencePeriodEnd": "2025-01-01T00:00:00Z",
            "pcfExcludingBiogenicUptake": pcf,
            "pcfIncludingBiogenicUptake": pcf,
            "fossilGhgEmissions": pcf,
            "fossilCarbonContent": "0",
            "ipccCharacterizationFactors": ["AR6"],
            "crossSectoralStandards": ["GHGP-Product"],
            "exemptedEmissionsPercent": "0",
            **({"dqi": dqi} if dqi else {}),
        },
    }


V3_KG = _v3(
    "urn:gtin:1001",
    "urn:company:test:one",
    "kilogram",
    "1",
    "1",
    "0.384",
    {"technologicalDQR": "1.5", "temporalDQR": "2.4", "geographicalDQR": "3.2"},
)
V3_LITRE = _v3("urn:gtin:1002", "urn:company:test:two", "liter", "12", "9.468", "5.14", {})
V3_PIECE = _v3("urn:gtin:1003", "urn:company:test:three", "piece", "1", "25", "77.0", {})
V2 = {
    "id": "11111111-2222-4333-8444-555555555555",
    "specVersion": "2.0.0",
    "version": 1,
    "created": "2022-03-01T09:32:20Z",
    "status": "Active",
    "validityPeriodStart": "2022-03-01T09:32:20Z",
    "validityPeriodEnd": "2024-12-31T00:00:00Z",
    "comment": "",
    "companyName": "Test Corp",
    "companyIds": ["urn:company:test:v2"],
    "productDescription": "test liquid",
    "productIds": ["urn:gtin:2001"],
    "productCategoryCpc": "6398",
    "productNameCompany": "Liquid",
    "pcf": {
        "declaredUnit": "liter",
        "unitaryProductAmount": "1",
        "pCfExcludingBiogenic": "1.63",
        "pCfIncludingBiogenic": "1.85",
        "fossilGhgEmissions": "1.5",
        "fossilCarbonContent": "0",
        "biogenicCarbonContent": "0.41",
        "characterizationFactors": "AR6",
        "ipccCharacterizationFactorsSources": ["AR6"],
        "crossSectoralStandardsUsed": ["GHG Protocol Product standard"],
        "boundaryProcessesDescription": "test",
        "referencePeriodStart": "2021-01-01T00:00:00Z",
        "referencePeriodEnd": "2022-01-01T00:00:00Z",
        "exemptedEmissionsPercent": 0,
        "exemptedEmissionsDescription": "",
        "packagingEmissionsIncluded": False,
        "dqi": {
            "coveragePercent": 78,
            "technologicalDQR": 1.6,
            "temporalDQR": 2.6,
            "geographicalDQR": 1.8,
            "completenessDQR": 1.7,
            "reliabilityDQR": 2.1,
        },
    },
}


@pytest.fixture()
def pact_dir(tmp_path: Path) -> Path:
    for name, data in (("kg", V3_KG), ("litre", V3_LITRE), ("piece", V3_PIECE), ("v2", V2)):
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


def _run(rows: list[dict[str, object]], **kw: object) -> InventoryResult:
    frame = pd.DataFrame(rows)
    result = run_inventory(frame, **kw)  # type: ignore[arg-type]
    result.check_accounting()
    return result


def _kg(result: InventoryResult, record_id: str) -> float:
    return math.fsum(result.results.loc[result.results["record_id"] == record_id, "co2e_kg"])


def test_pact_v3_footprints_kilogram_litre_and_piece_via_mass(pact_dir: Path) -> None:
    def rec(rid: str, quantity: float, unit: str, supplier: str, product: str) -> dict[str, object]:
        return dict(
            record_id=rid,
            activity="supplier/part",
            quantity=quantity,
            unit=unit,
            supplier_id=supplier,
            product_id=product,
            period="2025",
        )

    rows = [
        rec("kg", 250, "kg", "urn:company:test:one", "urn:gtin:1001"),
        rec("litre", 120, "L", "urn:company:test:two", "urn:gtin:1002"),
        rec("piece_by_mass", 100, "kg", "urn:company:test:three", "urn:gtin:1003"),
        rec("pieces", 3, "pieces", "urn:company:test:three", "urn:gtin:1003"),
    ]
    res = _run(
        rows, supplier_footprints=[pact_dir / "kg.json", pact_dir / "litre.json", pact_dir / "piece.json"]
    )
    assert not res.errors, res.errors
    assert _kg(res, "kg") == pytest.approx(250 * 0.384)
    assert _kg(res, "litre") == pytest.approx(120 / 12 * 5.14)
    assert _kg(res, "piece_by_mass") == pytest.approx(100 / 25 * 77.0)  # 4 pieces of 25 kg
    assert _kg(res, "pieces") == pytest.approx(3 * 77.0)
    r = res.results
    assert set(r["s3_method"]) == {"supplier_specific"} and set(r["data_type"]) == {"primary"}
    assert r.loc[r["record_id"] == "kg", "factor_full_id"].iloc[0] == "pact:" + V3_KG["id"]
    # PACT v3 DQRs are 1-5 and taken as is (technological 1.5, temporal 2.4, geographical 3.2)
    row = r[r["record_id"] == "kg"].iloc[0]
    assert (row["dqi_technological"], row["dqi_temporal"], row["dqi_geographical"]) == (1.5, 2.4, 3.2)


def test_pact_v2_footprint_outside_validity_is_computed_and_flagged(pact_dir: Path) -> None:
    res = _run(
        [
            dict(
                record_id="late",
                activity="supplier/liquid",
                quantity=10,
                unit="L",
                supplier_id="urn:company:test:v2",
                product_id="urn:gtin:2001",
                period="2025-06",
            )
        ],
        supplier_footprints=pact_dir / "v2.json",
    )
    assert not res.errors, res.errors
    assert _kg(res, "late") == pytest.approx(10 * 1.63)
    row = res.results.iloc[0]
    assert "footprint_outside_validity" in row["flags"]
    assert "2022-03-01..2024-12-31" in row["parameters"]
    # v2 DQRs (1-3) are mapped onto 1-5: technologicalDQR 1.6 → 1 + 2 × 0.6 = 2.2
    assert row["dqi_technological"] == pytest.approx(2.2)


def test_declared_unit_that_cannot_convert_is_an_error_naming_row_and_field(pact_dir: Path) -> None:
    res = _run(
        [
            dict(
                record_id="kwh",
                activity="supplier/part",
                quantity=5,
                unit="kWh",
                supplier_id="urn:company:test:one",
                product_id="urn:gtin:1001",
                period="2025",
            ),
            dict(
                record_id="unknown",
                activity="supplier/none",
                quantity=5,
                unit="kg",
                supplier_id="x",
                product_id="y",
                period="2025",
            ),
        ],
        supplier_footprints=pact_dir / "kg.json",
    )
    errors = {(p.record_id, p.field): p for p in res.errors}
    assert errors[("kwh", "unit")].row == 2
    assert "'kg'" in errors[("kwh", "unit")].message and "'kWh'" in errors[("kwh", "unit")].message
    assert errors[("unknown", "product_id")].row == 3
    assert res.results.empty and res.rows_rejected == [2, 3]


def test_supplier_table_and_missing_supplier_columns() -> None:
    table = pd.DataFrame(
        [
            dict(
                supplier_id="SUP-1",
                product_id="PCB-A",
                pcf=12.5,
                declared_unit="pieces",
                declared_amount=1,
                valid_from="2023-01-01",
                valid_to="2025-12-31",
                source="supplier questionnaire 2024",
                gwp_basis="AR6",
                dqi_technological=1,
                dqi_reliability=3,
            )
        ]
    )
    res = _run(
        [
            dict(
                record_id="a",
                activity="supplier/pcb",
                quantity=400,
                unit="pieces",
                supplier_id="SUP-1",
                product_id="PCB-A",
                period="2024",
            ),
            dict(record_id="b", activity="supplier/pcb", quantity=1, unit="pieces", period="2024"),
        ],
        supplier_footprints=table,
    )
    assert _kg(res, "a") == pytest.approx(400 * 12.5)
    row = res.results.iloc[0]
    assert row["dqi_technological"] == 1 and row["dqi_reliability"] == 3
    assert {(p.record_id, p.field) for p in res.errors} == {("b", "supplier_id"), ("b", "product_id")}


def test_pact_reads_every_used_field_as_published() -> None:
    original = V3_LITRE
    (fp,), problems = load_footprints(original)
    assert not [p for p in problems if p.severity == "error"]
    pcf = original["pcf"]
    amount = Decimal(pcf["declaredUnitAmount"])
    assert fp.id == original["id"] and fp.spec_version == original["specVersion"]
    # v3 figures are per declaredUnitAmount x declaredUnitOfMeasurement: per ONE unit, divide
    assert fp.figures.excluding_uptake == pytest.approx(float(Decimal(pcf["pcfExcludingBiogenicUptake"]) / amount))
    assert fp.declared_unit_amount == float(amount)
    assert fp.declared_unit == pcf["declaredUnitOfMeasurement"]
    assert fp.mass_kg_per_declared_unit == pytest.approx(float(Decimal(pcf["productMassPerDeclaredUnit"]) / amount))
    assert fp.product_ids == tuple(original["productIds"]) and fp.company_ids == tuple(original["companyIds"])
    assert (fp.validity_start.isoformat(), fp.validity_end.isoformat()) == (
        original["validityPeriodStart"][:10],
        original["validityPeriodEnd"][:10],
    )


def test_pact_validity_defaults_to_three_years_after_the_reference_period() -> None:
    # PACT Technical Specification: without validityPeriodEnd a footprint is valid for 3 years
    # from referencePeriodEnd
    document = copy.deepcopy(V3_KG)
    document.pop("validityPeriodStart", None)
    document.pop("validityPeriodEnd", None)
    document["pcf"]["referencePeriodEnd"] = "2024-12-31T00:00:00Z"
    (fp,), _ = load_footprints(document)
    assert (fp.validity_start, fp.validity_end, fp.validity_from_spec_default) == (
        date(2024, 12, 31),
        date(2027, 12, 31),
        True,
    )


def test_invalid_footprint_is_reported_with_its_field_and_others_still_read(tmp_path: Path) -> None:
    good = copy.deepcopy(V3_KG)
    bad = copy.deepcopy(good)
    bad["id"] = "00000000-0000-0000-0000-000000000001"
    del bad["pcf"]["pcfExcludingBiogenicUptake"]
    path = tmp_path / "two.json"
    path.write_text(json.dumps({"data": [good, bad]}), encoding="utf-8")
    footprints, problems = load_footprints(path)
    assert [f.id for f in footprints] == [good["id"]]
    errors = [p for p in problems if p.severity == "error"]
    assert errors and all(p.record_id == bad["id"] for p in errors)
    assert any("pcfExcludingBiogenicUptake" in p.message for p in errors)
    assert load_footprints({"specVersion": "9.0", "pcf": {}})[1][0].severity == "error"
