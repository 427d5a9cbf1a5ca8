"""Power generation facilities (MEE 发电设施 guideline) against hand computations.

Formulas (regulatory-facts.md §B.1, the 2021 guideline carried into the 2022 revision, as
summarised at http://www.v-calling.com/Article-2804749.html):
    E_燃烧 = Σ AD_i × EF_i,  AD_i = FC_i × NCV_i,  EF_i = CC_i × OF_i × 44/12,
    for coal CC = C_coal / NCV, so E = FC × C_coal × OF × 44/12;
    purchased electricity E = AD (MWh) × EF (t CO2/MWh).
Default carbon content of coal when fewer than 3 months are measured: 0.03085 tC/GJ (MEE notice
of 8 Jun 2022 via ChemLinked, regulatory-facts.md §B.1). Coal oxidation default 0.99 (UNVERIFIED).
"""

from __future__ import annotations

from typing import Any

import pytest

from carbonledger.regimes.china_ets import run_china_ets

from .conftest import CO2_PER_C, Builder, power_production
from .originals import ets_parameter, original


def coal_rows(c_pct: list[float | None], *, fc: float = 1000.0, ncv: float | None = 20.0, **extra: Any) -> list[dict[str, Any]]:
    rows = []
    for m, c in enumerate(c_pct):
        row: dict[str, Any] = {"month": m + 1, "fuel": "烟煤", "consumption": fc, "unit": "t"}
        if ncv is not None:
            row.update(ncv=ncv, ncv_unit="GJ/t")
        if c is not None:
            row.update(carbon_content=c, carbon_content_unit="%")
        row.update(extra)
        rows.append(row)
    return rows


def run(path: Any, year: int = 2025, **kw: Any) -> Any:
    return run_china_ets(path, sector="power", year=year, **kw)


def test_coal_element_carbon_month_by_month(workbook: Builder) -> None:
    path = workbook("power", fuels=coal_rows([50.0] * 12), production=power_production(10_000.0),
                    info={"region": "CN-CQ", "year": 2025})
    r = run(path)
    assert not r.errors, r.errors
    # E = FC × C × OF × 44/12 = 1000 t × 0.50 tC/t × 0.99 × 44/12 per month (§B.1; OF default 0.99)
    of = float(ets_parameter("coal_oxidation_factor_default", "power"))
    assert of == 0.99
    per_month = 1000 * 0.50 * 0.99 * CO2_PER_C
    assert per_month == pytest.approx(1815.0)
    assert r.total_tco2 == pytest.approx(12 * per_month)
    assert r.by_month()[7] == pytest.approx(per_month)
    # the oxidation default is named as a default with its UNVERIFIED tag, in lines and parameters
    coal = r.lines[r.lines["source_type"] == "fuel_combustion"]
    assert coal["flags"].str.contains("UNVERIFIED").all()
    assert coal["parameters"].str.contains("coal_oxidation_factor_default").all()
    of_rows = r.parameters[r.parameters["parameter"] == "OF"]
    assert set(of_rows["origin"]) == {"default"} and set(of_rows["confidence"]) == {"UNVERIFIED"}
    # intensity per MWh supplied: 21 780 t / 120 000 MWh
    assert r.intensity["tco2_per_mwh_supplied"] == pytest.approx(21_780.0 / 120_000.0)


def test_measured_oxidation_factor_is_used(workbook: Builder) -> None:
    path = workbook("power", fuels=coal_rows([50.0] * 12, oxidation_factor=0.98), production=power_production())
    r = run(path)
    assert r.total_tco2 == pytest.approx(12 * 1000 * 0.50 * 0.98 * CO2_PER_C)
    assert set(r.parameters.loc[r.parameters["parameter"] == "OF", "origin"]) == {"measured"}


def test_fewer_than_three_measured_months_fall_back_to_the_default(workbook: Builder) -> None:
    """MEE notice 8 Jun 2022: fewer than 3 measured months → missing months use 0.03085 tC/GJ."""
    path = workbook("power", fuels=coal_rows([50.0, 50.0] + [None] * 10), production=power_production())
    r = run(path, year=2022)
    assert not r.errors
    default = float(ets_parameter("coal_carbon_content_default", "power"))
    assert default == 0.03085
    measured_month = 1000 * 0.50 * 0.99 * CO2_PER_C
    # FC × NCV × CC × OF × 44/12 = 1000 t × 20 GJ/t × 0.03085 tC/GJ × 0.99 × 44/12
    default_month = 1000 * 20.0 * 0.03085 * 0.99 * CO2_PER_C
    assert default_month == pytest.approx(2239.71, abs=0.005)
    assert r.total_tco2 == pytest.approx(2 * measured_month + 10 * default_month)
    warnings = [p for p in r.problems if p.code == "default_fallback"]
    assert len(warnings) == 1
    w = warnings[0]
    assert w.sheet == "燃料 Fuels" and w.field == "carbon_content" and w.row == 3
    assert "3, 4, 5, 6, 7, 8, 9, 10, 11, 12" in w.message and "0.03085" in w.message
    fallback = r.lines[r.lines["flags"].str.contains("coal_cc_default")]
    assert sorted(fallback["month"]) == list(range(3, 13))
    assert not fallback["flags"].str.contains("year_extrapolated").any()  # 2022 is a year the notice names
    cc = r.parameters[(r.parameters["parameter"] == "CC") & (r.parameters["origin"] == "default")]
    assert len(cc) == 10 and cc["source"].str.contains("fewer than 3 months measured").all()


def test_default_outside_its_stated_years_is_flagged(workbook: Builder) -> None:
    path = workbook("power", fuels=coal_rows([None] * 12), production=power_production())
    r = run(path, year=2025)
    assert not r.errors
    assert r.total_tco2 == pytest.approx(12 * 1000 * 20.0 * 0.03085 * 0.99 * CO2_PER_C)
    assert r.lines["flags"].str.contains("year_extrapolated").all()


def test_gap_with_three_measured_months_is_an_error_naming_the_row(workbook: Builder) -> None:
    path = workbook("power", fuels=coal_rows([50.0, 50.0, 50.0, None] + [50.0] * 8), production=power_production())
    r = run(path)
    errors = [p for p in r.errors if p.field == "carbon_content"]
    assert len(errors) == 1
    e = errors[0]
    assert (e.sheet, e.row) == ("燃料 Fuels", 6)  # month 4 is on sheet row 6 (two header rows)
    assert "cc_basis" in (e.accepted or "")


def test_explicit_default_basis_fills_a_gap(workbook: Builder) -> None:
    rows = coal_rows([50.0, 50.0, 50.0, None] + [50.0] * 8)
    rows[3]["cc_basis"] = "default"
    path = workbook("power", fuels=rows, production=power_production())
    r = run(path)
    assert not r.errors
    expected = 11 * 1000 * 0.50 * 0.99 * CO2_PER_C + 1000 * 20.0 * 0.03085 * 0.99 * CO2_PER_C
    assert r.total_tco2 == pytest.approx(expected)


def test_coal_ncv_must_be_measured(workbook: Builder) -> None:
    rows = coal_rows([50.0] * 12)
    del rows[5]["ncv"], rows[5]["ncv_unit"]
    r = run(workbook("power", fuels=rows, production=power_production()))
    errors = [p for p in r.errors if p.field == "ncv"]
    assert len(errors) == 1 and errors[0].row == 8


def test_diesel_defaults_come_from_the_power_guideline_table(workbook: Builder) -> None:
    """NDRC 2013 power guideline 表1 (stored original table1c): diesel NCV 42652 kJ/kg, 20.2 tC/TJ, 98 %."""
    ncv_kj_per_kg = original("power", "ndrc2013_power.diesel.ncv")
    cc_t_per_tj = original("power", "ndrc2013_power.diesel.carbon_content")
    of_pct = original("power", "ndrc2013_power.diesel.oxidation")
    assert (ncv_kj_per_kg, cc_t_per_tj, of_pct) == (42652.0, 20.2, 98.0)
    fuels = coal_rows([50.0] * 12, fc=0.0) + [
        {"month": m + 1, "fuel": "柴油", "consumption": 10.0, "unit": "t"} for m in range(12)
    ]
    r = run(workbook("power", fuels=fuels, production=power_production()))
    assert not r.errors
    # 10 t × 42.652 GJ/t × 20.2 tC/TJ / 1000 × 0.98 × 44/12 per month
    per_month = 10 * (ncv_kj_per_kg / 1000) * (cc_t_per_tj / 1000) * (of_pct / 100) * CO2_PER_C
    assert r.total_tco2 == pytest.approx(12 * per_month)
    diesel = r.parameters[r.parameters["label"].str.contains("diesel")]
    assert set(diesel.loc[diesel["parameter"] != "FC", "origin"]) == {"default"}
    assert diesel.loc[diesel["parameter"] == "NCV", "source"].str.contains("ndrc2013_power.diesel").all()
    assert set(diesel.loc[diesel["parameter"] == "NCV", "confidence"]) == {"low"}


def test_purchased_electricity_and_desulphurisation_are_information_only(workbook: Builder) -> None:
    grid = original("grid", "cn.ets.grid.2022_reporting")
    assert grid == 0.5703
    path = workbook(
        "power",
        fuels=coal_rows([50.0] * 12),
        production=power_production(),
        energy=[{"month": m + 1, "purchased_electricity": 100.0} for m in range(12)],
        process=[{"month": m + 1, "type": "desulphurisation", "material": "石灰石", "quantity": 200.0, "unit": "t"}
                 for m in range(12)],
    )
    r = run(path)
    assert not r.errors
    info = r.by_source_type(compliance=False)
    # purchased electricity: 1200 MWh × 0.5703 (cn-ets-grid, 2022 data; period fallback for 2025)
    assert info["purchased_electricity"] == pytest.approx(1200 * grid)
    # desulphurisation (NDRC 2013 power guideline via spec 56046656356): B × I × EF × TR
    # = 2400 t × 0.9 (default) × 0.440 (limestone, NDRC steel family) × 1.0 (default)
    limestone = original("ndrc2013", "ndrc2013.steel.limestone")
    assert info["desulphurisation"] == pytest.approx(2400 * 0.9 * limestone * 1.0)
    assert r.total_tco2 == pytest.approx(12 * 1000 * 0.50 * 0.99 * CO2_PER_C)
    desul = r.lines[r.lines["source_type"] == "desulphurisation"]
    assert desul["parameters"].str.contains("desulphurisation_carbonate_content_default").all()
    assert desul["parameters"].str.contains("desulphurisation_conversion_default").all()
    grid_lines = r.lines[r.lines["source_type"] == "purchased_electricity"]
    assert grid_lines["flags"].str.contains("period_fallback").all()


def test_desulphurisation_can_be_brought_into_the_boundary(workbook: Builder, tmp_path: Any) -> None:
    override = tmp_path / "boundary.csv"
    override.write_text("parameter,key,value,unit,citation\ncompliance_boundary,power.desulphurisation,1,flag,"
                        "NDRC 2013 power guideline boundary\n", encoding="utf-8")
    path = workbook("power", fuels=coal_rows([50.0] * 12), production=power_production(),
                    process=[{"month": m + 1, "type": "脱硫", "material": "limestone", "quantity": 100.0,
                              "content": 0.95, "conversion": 0.98} for m in range(12)])
    r = run(path, parameter_file=override)
    # measured I and TR: 1200 t × 0.95 × 0.440 × 0.98
    assert r.by_source_type()["desulphurisation"] == pytest.approx(1200 * 0.95 * 0.440 * 0.98)


def test_heat_and_power_intensity(workbook: Builder) -> None:
    path = workbook("power", fuels=coal_rows([50.0] * 12),
                    production=power_production(10_000.0, heat=5_000.0, ratio=0.1))
    r = run(path)
    e = 12 * 1000 * 0.50 * 0.99 * CO2_PER_C
    # E_heat = Σ α_m E_m = 0.1 E; E_power = 0.9 E
    assert r.intensity["emissions_to_heat_tco2"] == pytest.approx(0.1 * e)
    assert r.intensity["tco2_per_gj_heat"] == pytest.approx(0.1 * e / 60_000.0)
    assert r.intensity["tco2_per_mwh_supplied"] == pytest.approx(0.9 * e / 120_000.0)


def test_heat_without_ratio_is_an_error(workbook: Builder) -> None:
    r = run(workbook("power", fuels=coal_rows([50.0] * 12), production=power_production(heat=5000.0)))
    errors = [p for p in r.errors if p.field == "heat_ratio"]
    assert len(errors) == 12 and errors[0].sheet == "生产 Production"
