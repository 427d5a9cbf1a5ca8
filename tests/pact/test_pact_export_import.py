"""PACT export (v3.0, v2.3), schema validation with jsonschema, semantic checks, and import
back (round trip)."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import jsonschema
import pytest

from carbonledger.pact.checks import semantic_problems
from carbonledger.pact.export import FootprintStatement, content_id, geography_fields, to_v2, to_v3
from carbonledger.pact.figures import PcfFigures
from carbonledger.pact.importer import import_footprint, load_footprints
from carbonledger.pact.model import ProductFootprint, decimal_text
from carbonledger.pact.schemas import own_schema, schema_problems


def statement(**kw: Any) -> FootprintStatement:
    base: dict[str, Any] = {
        "product_key": "DOOR",
        "company_name": "Example Parts Co.",
        "company_ids": ("urn:pact:example.com:company-id:1",),
        "product_name": "Door",
        "product_description": "Front door, steel",
        "product_ids": ("urn:pact:example.com:product-id:DOOR",),
        "figures": PcfFigures(unit="piece", fossil=17.0, biogenic_non_co2=0.5, land_use_change=0.25,
                              aircraft=0.1, fossil_carbon_content=0.01232, biogenic_carbon_content=0.3,
                              biogenic_co2_uptake=-1.1),
        "declared_unit": "piece",
        "reference_period_start": date(2025, 1, 1),
        "reference_period_end": date(2026, 1, 1),
        "ipcc_characterization_factors": ("AR6",),
        "cross_sectoral_standards": ("ISO14067", "GHGP-Product", "PACT-3.0"),
        "mass_kg_per_unit": 6.16,
        "product_category_cpc": "49129",
        "geography": "CN-CQ",
        "primary_data_share": 54.86,
        "dqr": {"technological": 1.91, "temporal": 1.91, "geographical": 1.91},
        "created": datetime(2026, 2, 1, tzinfo=UTC),
    }
    base.update(kw)
    return FootprintStatement(**base)


def test_v3_export_validates_with_jsonschema_and_has_the_figures() -> None:
    doc, problems = to_v3(statement())
    assert not [p for p in problems if p.severity == "error"], problems
    jsonschema.Draft202012Validator(own_schema("v3"), format_checker=jsonschema.FormatChecker()).validate(doc)
    pcf = doc["pcf"]
    # excluding uptake = fossil 17 + LUC 0.25 + biogenic non-CO2 0.5 = 17.75; including = 17.75 − 1.1
    assert pcf["pcfExcludingBiogenicUptake"] == "17.75"
    assert pcf["pcfIncludingBiogenicUptake"] == "16.65"
    assert pcf["biogenicCO2Uptake"] == "-1.1"
    assert pcf["declaredUnitOfMeasurement"] == "piece" and pcf["productMassPerDeclaredUnit"] == "6.16"
    assert pcf["geographyCountrySubdivision"] == "CN-CQ" and "geographyCountry" not in pcf
    assert pcf["dqi"] == {"technologicalDQR": "1.91", "geographicalDQR": "1.91", "temporalDQR": "1.91"}
    assert uuid.UUID(doc["id"]).version == 4
    assert doc["companyIds"][0].startswith("urn:")


def test_declared_unit_is_converted_with_pint() -> None:
    # a product measured in tonnes, declared per kilogram: figures ÷ 1000 (pint: 1 t = 1000 kg)
    st = statement(figures=PcfFigures(unit="t", fossil=2500.0, fossil_carbon_content=2.0, biogenic_carbon_content=0.0),
                   declared_unit="kilogram", mass_kg_per_unit=None)
    doc, problems = to_v3(st)
    assert not [p for p in problems if p.severity == "error"], problems
    assert doc["pcf"]["pcfExcludingBiogenicUptake"] == "2.5"
    assert doc["pcf"]["fossilCarbonContent"] == "0.002"
    assert doc["pcf"]["productMassPerDeclaredUnit"] == "1"
    # declared amount 12.5 kg: figures per 12.5 kg (PACT v3 declaredUnitAmount)
    doc, _ = to_v3(st.__class__(**{**st.__dict__, "declared_unit_amount": 12.5}))
    assert doc["pcf"]["pcfExcludingBiogenicUptake"] == "31.25" and doc["pcf"]["declaredUnitAmount"] == "12.5"


def test_decimal_strings_never_use_exponents_or_negative_zero() -> None:
    assert decimal_text(1e-7) == "0.0000001"
    assert decimal_text(1.5e20) == "150000000000000000000"
    assert decimal_text(-0.0) == "0"  # no "-0": PositiveOrZeroDecimal would reject it
    assert decimal_text(12.0) == "12" and decimal_text(12.5) == "12.5"
    assert decimal_text(0.1 + 0.2) == "0.30000000000000004"  # the float itself, read back exactly


def test_round_trip_v3_is_exact() -> None:
    st = statement()
    doc, _ = to_v3(st)
    text = json.dumps(doc)
    imported, problems = import_footprint(json.loads(text))
    assert imported is not None and not [p for p in problems if p.severity == "error"]
    f = imported.figures
    for name in ("fossil", "land_use_change", "biogenic_non_co2", "biogenic_co2_uptake", "fossil_carbon_content",
                 "biogenic_carbon_content", "aircraft"):
        assert getattr(f, name) == getattr(st.figures, name), name
    assert f.excluding_uptake == st.figures.excluding_uptake
    assert imported.mass_kg_per_declared_unit == 6.16
    # the typed model reads and writes the same JSON
    assert ProductFootprint.from_json(doc).to_json() == doc


def test_round_trip_v2_keeps_the_figures_per_unit() -> None:
    st = statement()
    doc, problems = to_v2(st)
    assert not [p for p in problems if p.severity == "error"], problems
    jsonschema.Draft202012Validator(own_schema("v2")).validate(doc)
    # v2.3 has no piece: declared per kilogram, unitaryProductAmount = the door's 6.16 kg
    assert doc["pcf"]["declaredUnit"] == "kilogram" and doc["pcf"]["unitaryProductAmount"] == "6.16"
    assert doc["productCategoryCpc"] == "49129"
    imported, _ = import_footprint(doc)
    assert imported is not None
    per_piece = imported.figures.scaled(6.16, "piece")
    assert per_piece.excluding_uptake == pytest.approx(st.figures.excluding_uptake, rel=1e-15)
    assert per_piece.biogenic_co2_uptake == pytest.approx(-1.1, rel=1e-15)
    assert doc["id"] == to_v3(st)[0]["id"]  # the same footprint keeps its id in both versions


def test_v2_refuses_what_it_cannot_state() -> None:
    st = statement(figures=PcfFigures(unit="piece", fossil=1.0, ccs_capture=-0.2, fossil_carbon_content=0.0,
                                      biogenic_carbon_content=0.0), product_category_cpc=None)
    _, problems = to_v2(st)
    codes = {p.code for p in problems if p.severity == "error"}
    assert {"pact_v2_unsupported", "pact_v2_cpc"} <= codes


def test_ids_depend_on_content_only() -> None:
    a, _ = to_v3(statement())
    b, _ = to_v3(statement(created=datetime(2027, 1, 1, tzinfo=UTC)))
    c, _ = to_v3(statement(figures=PcfFigures(unit="piece", fossil=17.01, fossil_carbon_content=0.01,
                                              biogenic_carbon_content=0.0)))
    assert a["id"] == b["id"] != c["id"]
    assert content_id(a) == a["id"]


def test_geography_fields() -> None:
    assert geography_fields("CN-CQ") == {"geographyCountrySubdivision": "CN-CQ"}
    assert geography_fields("CN") == {"geographyCountry": "CN"}
    assert geography_fields("Eastern Asia") == {"geographyRegionOrSubregion": "Eastern Asia"}
    assert geography_fields("CN-GRID-SOUTHWEST") in ({"geographyCountry": "CN"},)  # nearest ISO ancestor
    assert geography_fields("GLOBAL") == {}


# -- semantic checks -------------------------------------------------------------------------------
@pytest.fixture
def valid_v3() -> dict[str, Any]:
    doc, _ = to_v3(statement())
    return doc


def _codes(doc: dict[str, Any]) -> dict[str, str]:
    return {p.code: p.severity for p in semantic_problems(doc)}


def test_valid_export_has_no_semantic_problem(valid_v3: dict[str, Any]) -> None:
    assert semantic_problems(valid_v3) == []


def test_including_must_equal_excluding_plus_uptake(valid_v3: dict[str, Any]) -> None:
    doc = copy.deepcopy(valid_v3)
    doc["pcf"]["pcfIncludingBiogenicUptake"] = "17.75"  # uptake −1.1 forgotten
    assert _codes(doc)["pact_uptake"] == "error"
    # within rounding of the written places: 16.65 rounded to 16.7 (±0.05) still passes
    doc["pcf"]["pcfIncludingBiogenicUptake"] = "16.7"
    assert "pact_uptake" not in _codes(doc)


def test_sum_of_terms_mismatch_is_a_warning_only(valid_v3: dict[str, Any]) -> None:
    doc = copy.deepcopy(valid_v3)
    doc["pcf"]["pcfExcludingBiogenicUptake"] = "18.75"
    doc["pcf"]["pcfIncludingBiogenicUptake"] = "17.65"
    assert _codes(doc) == {"pact_sum": "warning"}


def test_dqr_ranges_per_version(valid_v3: dict[str, Any]) -> None:
    doc = copy.deepcopy(valid_v3)
    doc["pcf"]["dqi"]["temporalDQR"] = "5"  # v3 scale is 1-5
    assert "pact_dqr" not in _codes(doc)
    doc["pcf"]["dqi"]["temporalDQR"] = "5.5"
    assert _codes(doc)["pact_dqr"] == "error"
    v2, _ = to_v2(statement())
    v2["pcf"]["dqi"] = {"coveragePercent": 100, "technologicalDQR": 2.5, "temporalDQR": 2, "geographicalDQR": 2,
                        "completenessDQR": 2, "reliabilityDQR": 2}
    assert "pact_dqr" not in {p.code for p in semantic_problems(v2)}
    assert schema_problems(v2) == []
    v2["pcf"]["dqi"]["technologicalDQR"] = 3.5  # v2 scale is 1-3: the schema says so
    assert [p.field for p in schema_problems(v2)] == ["pcf/dqi/technologicalDQR"]


def test_period_order_and_utc(valid_v3: dict[str, Any]) -> None:
    doc = copy.deepcopy(valid_v3)
    doc["pcf"]["referencePeriodEnd"] = "2024-06-01T00:00:00Z"
    assert _codes(doc)["pact_period"] == "error"
    doc = copy.deepcopy(valid_v3)
    doc["created"] = "2026-02-01T08:00:00+08:00"
    assert _codes(doc)["pact_utc"] == "error"
    doc = copy.deepcopy(valid_v3)
    doc["validityPeriodStart"] = "2026-01-01T00:00:00Z"
    doc["validityPeriodEnd"] = "2030-01-01T00:00:00Z"  # more than 3 years after the reference period
    assert _codes(doc) == {"pact_validity": "warning"}


def test_packaging_piece_mass_and_percentages(valid_v3: dict[str, Any]) -> None:
    doc = copy.deepcopy(valid_v3)
    doc["pcf"]["packagingGhgEmissions"] = "0.3"  # while packagingEmissionsIncluded is false
    assert _codes(doc)["pact_packaging"] == "error"
    doc = copy.deepcopy(valid_v3)
    doc["pcf"]["productMassPerDeclaredUnit"] = "0"
    assert _codes(doc)["pact_piece"] == "error"
    doc = copy.deepcopy(valid_v3)
    doc["pcf"]["primaryDataShare"] = "101"
    assert _codes(doc)["pact_percent"] == "error"


def test_import_rejects_errors_and_reports_every_footprint(valid_v3: dict[str, Any], tmp_path: Any) -> None:
    bad = copy.deepcopy(valid_v3)
    bad["pcf"]["pcfIncludingBiogenicUptake"] = "99"
    broken = copy.deepcopy(valid_v3)
    del broken["pcf"]["fossilGhgEmissions"]
    path = tmp_path / "list.json"
    path.write_text(json.dumps({"data": [valid_v3, bad, broken]}), encoding="utf-8")
    footprints, problems = load_footprints(path)
    assert [f.id for f in footprints] == [valid_v3["id"]]
    fields = {(p.field, p.code) for p in problems}
    assert ("data/1/pcf/pcfIncludingBiogenicUptake", "pact_uptake") in fields
    assert any(f == "data/2/pcf" and c == "pact_schema" for f, c in fields)


def test_v3_import_keeps_a_declared_total_that_differs_from_its_terms(valid_v3: dict[str, Any]) -> None:
    doc = copy.deepcopy(valid_v3)
    doc["pcf"]["pcfExcludingBiogenicUptake"] = "18.75"
    doc["pcf"]["pcfIncludingBiogenicUptake"] = "17.65"
    imported, problems = import_footprint(doc)
    assert imported is not None and [p.code for p in problems] == ["pact_sum"]
    assert imported.figures.excluding_uptake == pytest.approx(18.75)
    assert imported.figures.unattributed == pytest.approx(1.0)
