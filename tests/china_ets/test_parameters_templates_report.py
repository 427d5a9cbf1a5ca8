"""The cn-ets-parameters set, the templates and the report workbook."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from carbonledger.factors.importers import importer_modules
from carbonledger.factors.importers._base import rebuild_matches
from carbonledger.factors.store import FactorStore
from carbonledger.regimes.china_ets import SECTORS, run_china_ets
from carbonledger.regimes.china_ets.layout import FUEL_COLUMNS, SheetNames, production_columns
from carbonledger.regimes.china_ets.template_builder import build_templates
from carbonledger.reports.china_ets import round_half_up, write_china_ets_workbook

from .conftest import Builder, power_production

# -- the parameter set ------------------------------------------------------------------------------


def test_rebuild_from_the_stored_original_is_byte_identical(factors_root: Path) -> None:
    result = rebuild_matches(importer_modules()["cn-ets-parameters"], "2026-11", factors_root)
    assert result and all(result.values()), result


@pytest.fixture(scope="module")
def table(factors_root: Path) -> dict[tuple[str, str], dict[str, str]]:
    store = FactorStore([factors_root], include_bundled=False, include_env=False)
    frame = store.load("cn-ets-parameters-2026-11").tables["parameters"]
    return {(r["parameter"], r["key"]): r for r in frame.to_dict("records")}


def test_values_as_regulatory_facts_quotes_them(table: dict[tuple[str, str], dict[str, str]]) -> None:
    # regulatory-facts.md §B.1: default CC 0.03356 → 0.03085 tC/GJ when < 3 months measured (V-secondary)
    assert float(table[("coal_carbon_content_default", "power")]["value"]) == 0.03085
    assert float(table[("coal_carbon_content_default_superseded", "power")]["value"]) == 0.03356
    assert float(table[("coal_carbon_content_min_measured_months", "power")]["value"]) == 3
    assert table[("coal_carbon_content_default", "power")]["confidence"] == "V-secondary"
    # §B.1: coal oxidation 99 % [UNVERIFIED]
    row = table[("coal_oxidation_factor_default", "power")]
    assert float(row["value"]) == 0.99 and "UNVERIFIED" in row["flags"]
    # §B.5: CCER limit 5 % of verified emissions; §B.4: 2025 average 62.36, 2024 average 91.8 CNY/t
    assert float(table[("ccer_offset_cap", "all")]["value"]) == 0.05
    assert float(table[("cea_price", "2025 annual average")]["value"]) == 62.36
    assert float(table[("cea_price", "2024 annual average")]["value"]) == 91.8
    # §B.2: 2024 allocation = verified emissions for the three new sectors
    for sector in ("steel", "cement", "aluminium"):
        assert table[("allocation_rule", f"{sector}:2024")]["value"] == "verified_emissions"
    # §B.1/B.2: indirect emissions outside the boundary
    for sector in SECTORS:
        assert float(table[("compliance_boundary", f"{sector}.purchased_electricity")]["value"]) == 0


def test_every_row_is_cited_and_tagged(table: dict[tuple[str, str], dict[str, str]]) -> None:
    for key, row in table.items():
        assert row["citation"], key
        assert row["confidence"] in {"V-primary", "V-secondary", "DATA", "UNVERIFIED"}, key
        if row["confidence"] == "UNVERIFIED":
            assert "UNVERIFIED" in row["flags"].split("|"), key
    assert not any(p == "benchmark" for p, _ in table), "no benchmark value has a source"


# -- templates --------------------------------------------------------------------------------------


def test_committed_templates_are_the_builders_output(tmp_path: Path, repo_root: Path) -> None:
    for path in build_templates(tmp_path):
        assert path.read_bytes() == (repo_root / "templates" / path.name).read_bytes(), path.name


def test_template_layout(repo_root: Path) -> None:
    for sector in SECTORS:
        wb = load_workbook(repo_root / "templates" / f"china_ets_{sector}.xlsx")
        assert {SheetNames.INFO, SheetNames.FUELS, SheetNames.PROCESS, SheetNames.PRODUCTION, SheetNames.ENERGY,
                SheetNames.ALLOWANCE, SheetNames.PARAMETERS, SheetNames.README} <= set(wb.sheetnames)
        fuels = wb[SheetNames.FUELS]
        assert [c.value for c in fuels[2]][: len(FUEL_COLUMNS)] == [c.key for c in FUEL_COLUMNS]
        assert [c.value for c in fuels[1]][:2] == ["月份", "燃料品种"]
        production = wb[SheetNames.PRODUCTION]
        assert [c.value for c in production[2]] == [c.key for c in production_columns(sector)]
        assert [production.cell(row=r, column=1).value for r in range(3, 15)] == list(range(1, 13))


def test_a_blank_template_reports_missing_data_without_crashing(repo_root: Path) -> None:
    r = run_china_ets(repo_root / "templates" / "china_ets_cement.xlsx", sector="cement", year=2025)
    assert r.errors and r.total_tco2 == 0.0
    assert any("clinker" in p.message.lower() for p in r.errors)


# -- report -----------------------------------------------------------------------------------------


def test_round_half_up() -> None:
    assert round_half_up(2.5, 0) == 3 and round_half_up(-2.5, 0) == -3
    assert round_half_up(0.125, 2) == 0.13  # banker's rounding would give 0.12
    assert round_half_up(1234.49999, 0) == 1234
    assert round_half_up("text", 2) == "text" and round_half_up(float("nan"), 2) is None


def test_report_is_deterministic_rounded_and_formula_safe(workbook: Builder, tmp_path: Path) -> None:
    fuels = [{"month": m + 1, "fuel": "烟煤", "consumption": 1000.3, "unit": "t", "ncv": 20, "ncv_unit": "GJ/t",
              "carbon_content": 50.017, "carbon_content_unit": "%"} for m in range(12)]
    path = workbook("power", fuels=fuels, production=power_production(),
                    info={"facility_name": "=HYPERLINK(\"http://x\")", "year": 2025, "region": "CN-CQ"})
    r = run_china_ets(path, sector="power", year=2025)
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_china_ets_workbook(r, a)
    write_china_ets_workbook(r, b)
    assert a.read_bytes() == b.read_bytes()
    wb = load_workbook(a)
    assert len(wb.sheetnames) == 10
    basic = wb[wb.sheetnames[0]]
    name = next(row[1] for row in basic.iter_rows() if row[0].value and "Facility" in str(row[0].value))
    assert name.data_type != "f" and name.value.startswith("=HYPERLINK")
    summary = wb[wb.sheetnames[1]]
    total_cell = next(row[2] for row in summary.iter_rows() if row[0].value and "Total in" in str(row[0].value))
    assert total_cell.value == round_half_up(r.total_tco2, 0) and isinstance(total_cell.value, int)
    lines = wb[wb.sheetnames[8]]
    header = [c.value for c in lines[1]]
    tco2 = [row[header.index("tco2e")] for row in lines.iter_rows(min_row=2, values_only=True)]
    assert sum(tco2) == pytest.approx(r.total_tco2)  # unrounded lines reconcile with the total
