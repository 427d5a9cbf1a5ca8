"""Bad product models: each is a clear error naming the product, process, sheet and row, and
all problems of a model are reported at once."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from carbonledger.errors import InputError, ModelError
from carbonledger.footprint import build_model, compute_footprints
from carbonledger.footprint.solve import SingularSystemError


def _errors(exc: pytest.ExceptionInfo[Any]) -> list[Any]:
    return [p for p in exc.value.problems if p.severity == "error"]


def test_loop_without_net_output_names_the_products_processes_and_rows(door: dict[str, Any]) -> None:
    # PANEL's process also consumes 1 DOOR per panel while DOOR consumes 2 panels:
    # the loop PANEL ↔ DOOR needs 2 panels per panel — no net output
    door["inputs"] = pd.concat([door["inputs"], pd.DataFrame([
        {"process_id": "STAMP", "product_id": "DOOR", "amount": "1"}])], ignore_index=True)
    with pytest.raises(SingularSystemError) as exc:
        compute_footprints(build_model(**door))
    text = str(exc.value)
    assert "without net output" in text or "no net output" in text
    assert "'PANEL' (made by process 'STAMP', sheet 'outputs' row 2)" in text
    assert "'DOOR' (made by process 'ASSY', sheet 'outputs' row 4)" in text
    assert isinstance(exc.value, ModelError)


def test_exactly_balanced_loop_is_singular(door: dict[str, Any]) -> None:
    # DOOR (1 per run) consumes 2 PANEL; STAMP (PANEL only) consumes 0.5 DOOR per panel:
    # the loop returns exactly what it takes → singular
    door["outputs"] = door["outputs"].drop(index=1).reset_index(drop=True)
    door["products"] = door["products"].drop(index=3).reset_index(drop=True)
    door["inputs"] = pd.concat([door["inputs"], pd.DataFrame([
        {"process_id": "STAMP", "product_id": "DOOR", "amount": "0.5"}])], ignore_index=True)
    with pytest.raises(SingularSystemError) as exc:
        compute_footprints(build_model(**door))
    assert "PANEL" in str(exc.value) and "DOOR" in str(exc.value)


def test_nearly_balanced_loop_is_reported_too() -> None:
    # a loop whose gain is 1 − 1e-15: its Leontief inverse is ~1e15, i.e. no usable net output
    import numpy as np

    from carbonledger.footprint.solve import BlockTriangularSolver

    a = np.array([[1.0, -(1 - 1e-15)], [-1.0, 1.0]])
    with pytest.raises(SingularSystemError) as exc:
        BlockTriangularSolver.build(a, names=["A", "B"])
    assert "'A', 'B'" in str(exc.value)


def test_missing_allocation_keys_name_process_product_and_row(door: dict[str, Any]) -> None:
    door["products"].loc[2, "mass_kg"] = ""  # PANEL has no mass → mass allocation impossible
    with pytest.raises(InputError) as exc:
        compute_footprints(build_model(**door))
    errors = _errors(exc)
    assert len(errors) == 1
    e = errors[0]
    assert (e.sheet, e.row, e.field, e.record_id) == ("products", 4, "mass_kg", "PANEL")
    assert "mass allocation of process 'STAMP'" in e.message


def test_multi_output_process_without_allocation_is_an_error(door: dict[str, Any]) -> None:
    door["processes"].loc[0, "allocation"] = "none"
    with pytest.raises(InputError) as exc:
        build_model(**door)
    e = _errors(exc)[0]
    assert (e.sheet, e.row, e.field) == ("processes", 2, "allocation")
    assert "'STAMP' has 2 outputs" in e.message


def test_input_without_a_footprint_source(door: dict[str, Any]) -> None:
    door["inputs"] = pd.concat([door["inputs"], pd.DataFrame([
        {"process_id": "ASSY", "product_id": "GLUE", "amount": "0.1"}])], ignore_index=True)
    door["products"] = pd.concat([door["products"], pd.DataFrame([
        {"product_id": "SEAL", "name": "Seal", "unit": "piece", "source": "factor"},
        {"product_id": "HINGE", "name": "Hinge", "unit": "piece", "source": "process"}])], ignore_index=True)
    with pytest.raises(InputError) as exc:
        build_model(**door)
    found = {(p.sheet, p.row, p.field) for p in _errors(exc)}
    assert ("inputs", 5, "product_id") in found  # GLUE is not a product
    assert ("products", 7, "activity") in found  # SEAL: a factor product without activity or factor id
    assert ("products", 8, "source") in found  # HINGE: made by no process


def test_unknown_activity_of_a_factor_product_names_the_product_row(door: dict[str, Any]) -> None:
    door["products"].loc[1, ["source", "activity", "supplier_pcf"]] = ["factor", "material/unobtainium", ""]
    with pytest.raises(InputError) as exc:
        compute_footprints(build_model(**door))
    e = _errors(exc)[0]
    assert (e.sheet, e.row, e.record_id) == ("products", 3, "BOLT")


def test_unit_mismatch_between_bom_and_product(door: dict[str, Any]) -> None:
    door["inputs"].loc[2, "unit"] = "kg"  # 8 kg of bolts, but bolts are counted in pieces
    with pytest.raises(InputError) as exc:
        build_model(**door)
    e = _errors(exc)[0]
    assert (e.sheet, e.row, e.field) == ("inputs", 4, "unit")
    assert "'kg'" in e.message and "'piece'" in e.message


def test_unit_mismatch_between_product_and_supplier_declared_unit(door: dict[str, Any]) -> None:
    door["products"].loc[1, "unit"] = "kg"  # the bolt supplier declares per piece
    door["inputs"].loc[2, "unit"] = "kg"
    with pytest.raises(InputError) as exc:
        compute_footprints(build_model(**door))
    e = next(p for p in _errors(exc) if p.code == "unit_mismatch")
    assert (e.sheet, e.row, e.field, e.record_id) == ("products", 3, "unit", "BOLT")
    assert "'piece'" in e.message


def test_negative_and_impossible_yields_and_amounts_all_reported(door: dict[str, Any]) -> None:
    door["inputs"]["yield"] = ["-0.8", "1.2", "0"]
    door["outputs"].loc[2, "amount"] = "-1"
    with pytest.raises(InputError) as exc:
        build_model(**door)
    found = {(p.sheet, p.row, p.field) for p in _errors(exc)}
    assert {("inputs", 2, "yield"), ("inputs", 3, "yield"), ("inputs", 4, "yield"),
            ("outputs", 4, "amount")} <= found


def test_supplier_footprint_failing_the_semantic_checks_is_rejected(door: dict[str, Any]) -> None:
    door["supplier_footprints"]["bolt.json"]["pcf"]["pcfIncludingBiogenicUptake"] = "0.07"
    with pytest.raises(InputError) as exc:
        compute_footprints(build_model(**door))
    e = _errors(exc)[0]
    assert e.file == "bolt.json" and e.record_id == "BOLT" and e.code == "pact_uptake"


def test_missing_settings_and_unreadable_supplier_file(door: dict[str, Any], tmp_path: Any) -> None:
    door["settings"] = {"reference_period_start": "2025-01-01"}
    del door["supplier_footprints"]["sheet.json"]
    with pytest.raises(InputError) as exc:
        build_model(**door, base_dir=tmp_path)
    found = {(p.sheet, p.field) for p in _errors(exc)}
    assert ("model", "reference_period_end") in found
    assert ("products", "supplier_pcf") in found


def test_pact_export_names_missing_company_data(door: dict[str, Any]) -> None:
    del door["settings"]["company_name"], door["settings"]["company_ids"]
    door["products"].loc[4, "product_ids"] = ""
    r = compute_footprints(build_model(**door))
    _, problems = r.pact("DOOR")
    found = {(p.sheet, p.field, p.severity) for p in problems}
    assert ("model", "company_name", "error") in found and ("model", "company_ids", "error") in found
    assert ("products", "product_ids", "warning") in found
