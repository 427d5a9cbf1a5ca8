"""Cement, steel and aluminium against hand computations (2024 sector guidelines; their tables
were not found, so the defaults are the NDRC 2013 steel family and the unattributed cn-process
values — every value below is read from the stored originals)."""

from __future__ import annotations

from typing import Any

import pytest

from carbonledger.gwp import gwp
from carbonledger.regimes.china_ets import run_china_ets

from .conftest import CO2_PER_C, Builder
from .originals import ets_parameter, original


def fuel(name: str, quantity: float, unit: str = "t", **extra: Any) -> list[dict[str, Any]]:
    return [{"month": m + 1, "fuel": name, "consumption": quantity, "unit": unit, **extra} for m in range(12)]


def production(key: str, value: float) -> list[dict[str, Any]]:
    return [{"month": m + 1, key: value} for m in range(12)]


# -- cement -----------------------------------------------------------------------------------------


def test_cement_clinker_deduction_fuel_and_intensity(workbook: Builder) -> None:
    ef_clinker = original("process", "cement.clinker.portland")  # 0.535 t CO2/t clinker, LOW
    f_slag = original("process", "cement.noncarbonate_deduction.03")  # 电石渣 0.480 t CO2/t
    ncv = original("ndrc2013", "ndrc2013.bituminous_coal.ncv")  # 19.570 GJ/t
    cc = original("ndrc2013", "ndrc2013.bituminous_coal.carbon_content")  # 26.18 tC/TJ
    of = original("ndrc2013", "ndrc2013.bituminous_coal.oxidation")  # 0.93
    assert (ef_clinker, f_slag, ncv, cc, of) == (0.535, 0.48, 19.57, 26.18, 0.93)
    path = workbook(
        "cement",
        fuels=fuel("烟煤", 1000.0),
        process=[{"month": m + 1, "type": "熟料", "material": "硅酸盐水泥熟料", "quantity": 10_000.0, "unit": "t"}
                 for m in range(12)]
        + [{"month": m + 1, "type": "raw_material_deduction", "material": "电石渣", "quantity": 500.0, "unit": "t"}
           for m in range(12)],
        production=production("clinker", 10_000.0),
        info={"region": "CN-CQ"},
    )
    r = run_china_ets(path, sector="cement", year=2024)
    assert not r.errors, r.errors
    fuel_t = 12 * 1000 * ncv * cc / 1000 * of * CO2_PER_C  # FC × NCV × CC × OF × 44/12
    clinker_t = 12 * 10_000 * ef_clinker
    deduction_t = -12 * 500 * f_slag
    by = r.by_source_type()
    assert by["fuel_combustion"] == pytest.approx(fuel_t)
    assert by["clinker"] == pytest.approx(clinker_t)
    assert by["raw_material_deduction"] == pytest.approx(deduction_t)
    assert r.total_tco2 == pytest.approx(fuel_t + clinker_t + deduction_t)
    assert r.intensity["value"] == pytest.approx((fuel_t + clinker_t + deduction_t) / 120_000.0)
    # LOW / UNVERIFIED process factors carry their flags into the lines and the parameter table
    process = r.lines[r.lines["source_type"].isin(["clinker", "raw_material_deduction"])]
    assert process["flags"].str.contains("UNVERIFIED").all() and process["flags"].str.contains("low_confidence").all()
    assert "low" in set(r.parameters.loc[r.parameters["parameter"].isin(["EF", "F"]), "confidence"])
    # 2024: allocation equals verified emissions (allocation plan of 18 Nov 2025, §B.2)
    assert ets_parameter("allocation_rule", "cement:2024") == "verified_emissions"
    assert r.allowance is not None and r.allowance.allocation == pytest.approx(r.total_tco2)
    assert r.allowance.balance == 0.0 and r.allowance.status == "balanced"


def test_measured_clinker_factor_and_consumption_from_stocks(workbook: Builder) -> None:
    fuels = [
        {"month": m + 1, "fuel": "烟煤", "purchased": 1100.0, "stock_start": 500.0, "stock_end": 400.0,
         "other_use": 200.0, "unit": "t", "ncv": 21.0, "ncv_unit": "GJ/t", "carbon_content": 0.0255,
         "carbon_content_unit": "tC/GJ", "oxidation_factor": 0.98}
        for m in range(12)
    ]
    path = workbook(
        "cement",
        fuels=fuels,
        process=[{"month": m + 1, "type": "clinker", "material": "portland", "quantity": 10_000.0, "unit": "t",
                  "measured_value": 0.52, "measured_unit": "tCO2/t"} for m in range(12)],
        production=production("clinker", 10_000.0),
    )
    r = run_china_ets(path, sector="cement", year=2025)
    assert not r.errors
    # FC = purchased + opening − closing − other use = 1100 + 500 − 400 − 200 = 1000 t
    fc = 1100 + 500 - 400 - 200
    assert r.by_source_type()["fuel_combustion"] == pytest.approx(12 * fc * 21.0 * 0.0255 * 0.98 * CO2_PER_C)
    assert r.by_source_type()["clinker"] == pytest.approx(12 * 10_000 * 0.52)
    fc_rows = r.parameters[r.parameters["parameter"] == "FC"]
    assert set(fc_rows["origin"]) == {"computed"}


# -- steel ------------------------------------------------------------------------------------------


def test_steel_fluxes_electrodes_carbon_balance_and_products(workbook: Builder) -> None:
    limestone = original("ndrc2013", "ndrc2013.steel.limestone")  # 0.440
    electrode = original("ndrc2013", "ndrc2013.steel.electrode")  # 3.663
    pig_iron = original("ndrc2013", "ndrc2013.steel.pig_iron")  # 0.172 t CO2/t (input)
    crude = original("ndrc2013", "ndrc2013.steel.crude_steel")  # 0.0154 t CO2/t (fixed in product)
    process = []
    for m in range(12):
        month = m + 1
        process += [
            {"month": month, "type": "flux", "material": "limestone", "quantity": 1000.0, "unit": "t"},
            {"month": month, "type": "electrode", "material": "电极", "quantity": 10.0, "unit": "t"},
            {"month": month, "type": "carbon_input", "material": "pig_iron", "quantity": 2000.0, "unit": "t"},
            {"month": month, "type": "carbon_input", "material": "废钢 scrap", "quantity": 5000.0, "unit": "t",
             "measured_value": 0.4, "measured_unit": "%"},
            {"month": month, "type": "carbon_in_products", "material": "粗钢", "quantity": 8000.0, "unit": "t"},
        ]
    path = workbook("steel", fuels=fuel("天然气", 50.0, "万Nm3"), process=process,
                    production=production("crude_steel", 8000.0))
    r = run_china_ets(path, sector="steel", year=2025)
    assert not r.errors, r.errors
    ng_ncv = original("ndrc2013", "ndrc2013.natural_gas.ncv")  # 389.31 GJ/10^4 Nm3
    ng_cc = original("ndrc2013", "ndrc2013.natural_gas.carbon_content")  # 15.30
    ng_of = original("ndrc2013", "ndrc2013.natural_gas.oxidation")  # 0.99
    fuel_t = 12 * 50 * ng_ncv * ng_cc / 1000 * ng_of * CO2_PER_C
    by = r.by_source_type()
    assert by["fuel_combustion"] == pytest.approx(fuel_t)
    assert by["flux"] == pytest.approx(12 * 1000 * limestone)
    assert by["electrode"] == pytest.approx(12 * 10 * electrode)
    # carbon inputs: default factor (t CO2/t) plus a measured carbon content in a 44/12 mass balance
    assert by["carbon_input"] == pytest.approx(12 * (2000 * pig_iron + 5000 * 0.004 * CO2_PER_C))
    assert by["carbon_in_products"] == pytest.approx(-12 * 8000 * crude)
    assert r.intensity["value"] == pytest.approx(r.total_tco2 / 96_000.0)


# -- aluminium ------------------------------------------------------------------------------------------


def aluminium_workbook(workbook: Builder, pfc: dict[str, Any] | None = None) -> Any:
    process = []
    for m in range(12):
        process.append({"month": m + 1, "type": "anode", "material": "炭阳极"})
        process.append({"month": m + 1, "type": "pfc", "material": "阳极效应", **(pfc or {})})
    return workbook("aluminium", fuels=fuel("天然气", 10.0, "10^4 Nm3"), process=process,
                    production=production("aluminium", 10_000.0))


def test_aluminium_anode_and_default_pfcs_with_ar5(workbook: Builder) -> None:
    nc = original("process", "al.anode.net_consumption_default")  # 0.411 t anode / t Al
    s = original("process", "al.anode.sulfur_default") / 100  # 2 %
    a = original("process", "al.anode.ash_default") / 100  # 0.4 %
    ef_cf4 = original("process", "al.anode_effect.cf4_default")  # 0.034 kg/t Al
    ef_c2f6 = original("process", "al.anode_effect.c2f6_default")  # 0.0034 kg/t Al
    assert ets_parameter("pfc_gwp_set", "aluminium") == "AR5"
    # GWP AR5: CF4 6630, C2F6 11100 (regulatory-facts.md §C); the app's values equal them
    assert (gwp("CF4", "AR5"), gwp("C2F6", "AR5")) == (6630, 11100)
    assert original("process", "al.gwp.cf4") == 6630 and original("process", "al.gwp.c2f6") == 11100
    r = run_china_ets(aluminium_workbook(workbook), sector="aluminium", year=2025)
    assert not r.errors, r.errors
    assert r.gwp == "AR5"
    # anode: E = P × NC × (1 − S − A) × 44/12 (S19 app formula, cn-process defaults)
    anode = 12 * 10_000 * nc * (1 - s - a) * CO2_PER_C
    assert r.by_source_type()["anode"] == pytest.approx(anode)
    cf4_t = 12 * 10_000 * ef_cf4 / 1000
    c2f6_t = 12 * 10_000 * ef_c2f6 / 1000
    gases = r.by_gas()
    assert gases["CF4"]["t_gas"] == pytest.approx(cf4_t)
    assert gases["C2F6"]["tco2e"] == pytest.approx(c2f6_t * 11100)
    assert r.by_source_type()["pfc"] == pytest.approx(cf4_t * 6630 + c2f6_t * 11100)
    assert "UNVERIFIED" in r.gwp_note


def test_aluminium_gwp_is_an_explicit_choice(workbook: Builder) -> None:
    r = run_china_ets(aluminium_workbook(workbook), sector="aluminium", year=2025, gwp="AR6")
    cf4_t = 12 * 10_000 * original("process", "al.anode_effect.cf4_default") / 1000
    assert r.gwp == "AR6"
    assert r.by_gas()["CF4"]["tco2e"] == pytest.approx(cf4_t * 7380)  # AR6 CF4 (regulatory-facts.md §C)


def test_aluminium_slope_method(workbook: Builder) -> None:
    """EF_CF4 = 0.143 × AEM (kg CF4/t Al), EF_C2F6 = 0.1 × EF_CF4 (S18 app values, UNVERIFIED)."""
    slope = original("process", "al.anode_effect.cf4_slope")
    ratio = float(ets_parameter("c2f6_to_cf4_ratio", "aluminium"))
    assert (slope, ratio) == (0.143, 0.1)
    r = run_china_ets(
        aluminium_workbook(workbook, {"measured_value": 0.05, "measured_unit": "min/cell-day"}),
        sector="aluminium", year=2025,
    )
    assert not r.errors, r.errors
    ef = slope * 0.05
    assert r.by_gas()["CF4"]["t_gas"] == pytest.approx(12 * 10_000 * ef / 1000)
    assert r.by_gas()["C2F6"]["t_gas"] == pytest.approx(12 * 10_000 * ef * ratio / 1000)
    pfc = r.lines[r.lines["source_type"] == "pfc"]
    assert pfc["parameters"].str.contains("AEM 0.05").all()
