"""Inventory methods against hand computations from published factor values.

Sources of the numbers used below (all shipped factor sets; the tests read them through the
engine, the expected values are computed here by hand):

* DESNZ 2025 flat file, ID 1_100_1004_6 "Natural gas, kWh (Gross CV)": CO2 0.18259, CH4 0.00028,
  N2O 0.00009 kg CO2e/kWh (AR5), total 0.18296; ID 7_400_4000_5 "Electricity: UK, kWh": total 0.177.
* GB/T 32151.22-2024 Table C.1 natural gas (secondary transcription, cn-fuel-gbt32151-2024):
  NCV 389.31 GJ/10^4 Nm3, carbon content 15.3 tC/TJ, oxidation 0.99; anthracite 26.7 GJ/t,
  27.4 tC/TJ, 0.94.
* MEE/NBS 公告2025年第47号 (2023 electricity factors): Chongqing 0.5581, national excluding
  market-traded non-fossil 0.6096 kg CO2/kWh.
* US EPA GHG Emission Factors Hub 2025 Table 1, "Mixed (Industrial Sector)" coal: 94.67 kg CO2,
  11 g CH4, 1.6 g N2O per mmBtu.
* GWP100: AR5 CH4 28, N2O 265; AR6 CH4 fossil 29.8, N2O 273, HFC-134a 1530, HCFC-22 1960;
  R-410A AR6 = 0.5 × 771 + 0.5 × 3740 = 2255.5.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from carbonledger.inventory.engine import run_inventory
from carbonledger.inventory.result import InventoryResult

MMBTU_GJ = 1.05505585  # 10^6 Btu(IT), NIST SP 811
CO2_PER_C = 44 / 12


def _run(rows: list[dict[str, object]], tmp_path: Path | None = None, **kw: object) -> InventoryResult:
    frame = pd.DataFrame(rows)
    for i, record in enumerate(rows):
        frame.loc[i, "record_id"] = record.get("record_id", f"r{i}")
    result = run_inventory(frame, **kw)  # type: ignore[arg-type]
    result.check_accounting()
    return result


def _t(result: InventoryResult, record_id: str, scope_key: str | None = None, gas: str | None = None) -> float:
    r = result.results[result.results["record_id"] == record_id]
    if scope_key is not None:
        r = r[r["scope_key"] == scope_key]
    if gas is not None:
        r = r[r["gas"] == gas]
    return math.fsum(r["tco2e"])


def test_desnz_natural_gas_reproduces_the_published_ar5_total() -> None:
    res = _run([dict(activity="fuel/natural_gas", quantity=100_000, unit="kWh", region="GB", period="2025")],
               factor_sets=["desnz"], gwp="AR5", year=2025)
    assert not res.errors
    # per-gas rows are used: 100 000 kWh × (0.18259 + 0.00028 + 0.00009) kg = 18.296 t
    assert _t(res, "r0") == pytest.approx(100_000 * (0.18259 + 0.00028 + 0.00009) / 1000)
    assert _t(res, "r0") == pytest.approx(100_000 * 0.18296 / 1000)  # the published total


def test_desnz_natural_gas_reweighted_to_ar6() -> None:
    res = _run([dict(activity="fuel/natural_gas", quantity=100_000, unit="kWh", region="GB", period="2025")],
               factor_sets=["desnz"], gwp="AR6", year=2025)
    ch4_kg = 100_000 * 0.00028 / 28  # CO2e(AR5) of CH4 → kg CH4
    n2o_kg = 100_000 * 0.00009 / 265
    assert _t(res, "r0", gas="CO2") == pytest.approx(100_000 * 0.18259 / 1000)
    assert _t(res, "r0", gas="CH4_fossil") == pytest.approx(ch4_kg * 29.8 / 1000)
    assert _t(res, "r0", gas="N2O") == pytest.approx(n2o_kg * 273 / 1000)
    assert "regwp:AR5→AR6" in res.results["flags"].iloc[0]


def test_uk_grid_electricity_location_based() -> None:
    res = _run([dict(activity="electricity/grid", quantity=500, unit="MWh", region="GB", period="2025")],
               factor_sets=["desnz"], gwp="AR5", year=2025)
    # per-gas rows (CO2 0.17489, CH4 0.0009, N2O 0.00122) are used; they sum to 0.17701, while
    # DESNZ's rounded CO2e total is 0.177 — a 0.006 % rounding difference in the publication.
    per_gas = 0.17489 + 0.0009 + 0.00122
    assert _t(res, "r0", "2_location") == pytest.approx(500_000 * per_gas / 1000)
    assert _t(res, "r0", "2_location") == pytest.approx(500_000 * 0.177 / 1000, rel=1e-4)
    # no instruments, no UK residual mix in the set → market = grid average, flagged
    market = res.results[res.results["scope_key"] == "2_market"]
    assert market["tco2e"].sum() == pytest.approx(500_000 * per_gas / 1000)
    assert market["flags"].str.contains("no_residual_mix_grid_average").all()


def test_carbon_content_method_with_china_defaults() -> None:
    res = _run([dict(activity="fuel/natural_gas", quantity=85.2, unit="10^4 Nm3", region="CN-CQ", period="2025",
                     method="mee")], factor_sets=["cn-fuel-gbt32151-2024"], year=2025)
    # FC × NCV × CC × OF × 44/12 = 85.2 × 389.31 GJ × 15.3 tC/TJ × 0.99 × 44/12
    expected = 85.2 * 389.31 * 15.3 / 1000 * 0.99 * CO2_PER_C
    assert _t(res, "r0") == pytest.approx(expected)
    params = res.results["parameters"].iloc[0]
    assert "389.31" in params and "15.3" in params and "0.99" in params and "cn-fuel-gbt32151-2024" in params


def test_parameter_factor_sets_switch_to_the_carbon_content_method_automatically() -> None:
    res = _run([dict(activity="fuel/natural_gas", quantity=85.2, unit="万Nm3", region="CN-CQ", period="2025")],
               factor_sets=["cn-fuel-gbt32151-2024"], year=2025)
    assert res.results["method"].iloc[0] == "carbon_content_mee"
    assert _t(res, "r0") == pytest.approx(85.2 * 389.31 * 15.3 / 1000 * 0.99 * CO2_PER_C)


def test_measured_parameters_override_defaults() -> None:
    rows = [dict(activity="fuel/anthracite", quantity=1000, unit="t", region="CN", period="2025", method="mee",
                 ncv=24.5, ncv_unit="GJ/t", carbon_content=26.9, carbon_content_unit="tC/TJ",
                 oxidation_factor=0.95),
            dict(activity="fuel/anthracite", quantity=1000, unit="t", region="CN", period="2025", method="mee",
                 ncv=24.5, ncv_unit="GJ/t")]
    res = _run(rows, factor_sets=["cn-fuel-gbt32151-2024"], year=2025)
    assert _t(res, "r0") == pytest.approx(1000 * 24.5 * 26.9 / 1000 * 0.95 * CO2_PER_C)
    # r1: measured NCV, default carbon content 27.4 tC/TJ and oxidation 0.94
    assert _t(res, "r1") == pytest.approx(1000 * 24.5 * 27.4 / 1000 * 0.94 * CO2_PER_C)
    p1 = res.results.loc[res.results["record_id"] == "r1", "parameters"].iloc[0]
    assert "NCV 24.5 GJ/t [measured]" in p1 and "CC 27.4" in p1


def test_carbon_content_per_mass_needs_no_ncv() -> None:
    res = _run([dict(activity="fuel/bituminous_coal", quantity=500, unit="t", region="CN", period="2025",
                     method="mee", carbon_content=0.62, carbon_content_unit="tC/t", oxidation_factor=0.98,
                     ncv=21.0, ncv_unit="GJ/t")], year=2025)
    assert _t(res, "r0") == pytest.approx(500 * 0.62 * 0.98 * CO2_PER_C)


def test_measured_ncv_turns_the_record_into_energy() -> None:
    res = _run([dict(activity="fuel/coal", quantity=100, unit="t", region="US", period="2025", ncv=25.0,
                     ncv_unit="GJ/t")], factor_sets=["epa-hub"], gwp="AR5", year=2025)
    mmbtu = 100 * 25.0 / MMBTU_GJ
    assert _t(res, "r0", gas="CO2") == pytest.approx(mmbtu * 94.67 / 1000, rel=1e-6)
    assert _t(res, "r0", gas="CH4_fossil") == pytest.approx(mmbtu * 11 / 1e6 * 28, rel=1e-6)
    assert _t(res, "r0", gas="N2O") == pytest.approx(mmbtu * 1.6 / 1e6 * 265, rel=1e-6)


def test_inline_factor_with_ncv_oxidation_and_biomass_split() -> None:
    rows = [dict(activity="fuel/wood_mix", quantity=100, unit="t", region="CN", period="2025", ncv=15.0,
                 ncv_unit="GJ/t", emission_factor=112.0, emission_factor_unit="t CO2/TJ", biomass_fraction=0.6,
                 oxidation_factor=0.98)]
    res = _run(rows, year=2025)
    co2 = 100 * 15.0 / 1000 * 112.0 * 0.98  # t
    assert _t(res, "r0", "1") == pytest.approx(co2 * 0.4)
    assert _t(res, "r0", "outside_scopes") == pytest.approx(co2 * 0.6)
    assert res.totals()["biogenic_co2_t"] == pytest.approx(co2 * 0.6)
    assert res.totals()["tco2e"] == pytest.approx(co2 * 0.4)  # biogenic CO2 is in no scope total


def test_refrigerant_screening_and_release() -> None:
    rows = [dict(activity="refrigerant/R-410A", quantity=180, unit="kg", period="2025", method="screening",
                 leak_rate=0.05),
            dict(activity="refrigerant/R-134a", quantity=12, unit="kg", period="2025")]
    res = _run(rows, year=2025)
    assert _t(res, "r0") == pytest.approx(180 * 0.05 * (0.5 * 771 + 0.5 * 3740) / 1000)
    assert _t(res, "r1") == pytest.approx(12 * 1530 / 1000)


def test_refrigerant_mass_balance() -> None:
    base = dict(activity="refrigerant/R-134a", unit="kg", period="2025", method="mass_balance", entity="plant")
    rows = [dict(base, quantity=100, direction="input", description="stock at start"),
            dict(base, quantity=20, direction="input", description="purchased"),
            dict(base, quantity=80, direction="output", description="stock at end"),
            dict(base, quantity=15, direction="output", description="returned to supplier")]
    res = _run(rows, year=2025)
    # (100 + 20) − (80 + 15) = 25 kg × 1530
    assert res.totals()["by_scope"]["1"] == pytest.approx(25 * 1530 / 1000)


def test_negative_refrigerant_mass_balance_is_an_error() -> None:
    base = dict(activity="refrigerant/R-134a", unit="kg", period="2025", method="mass_balance", entity="plant")
    res = run_inventory(pd.DataFrame([dict(base, record_id="a", quantity=10, direction="input"),
                                      dict(base, record_id="b", quantity=30, direction="output")]), year=2025)
    assert {p.record_id for p in res.errors} == {"a", "b"}
    assert res.rows_computed == 0
    res.check_accounting()


def test_hcfc22_is_a_memo_item_outside_the_totals() -> None:
    res = _run([dict(activity="refrigerant/R-22", quantity=10, unit="kg", period="2025")], year=2025)
    assert res.totals()["memo_non_kyoto_tco2e"] == pytest.approx(10 * 1960 / 1000)
    assert res.totals()["tco2e"] == 0


def test_process_mass_balance_eu_and_china_factors() -> None:
    base = dict(activity="process/steelmaking", unit="t", period="2025", carbon_content_unit="tC/t")
    rows = [dict(base, quantity=1000, carbon_content=0.85, method="mass_balance"),
            dict(base, quantity=10_000, carbon_content=0.002, method="mass_balance", direction="output"),
            dict(base, quantity=1000, carbon_content=0.85, method="mass_balance_cn")]
    res = _run(rows, year=2025)
    assert _t(res, "r0") + _t(res, "r1") == pytest.approx((850 - 20) * 3.664)
    assert _t(res, "r2") == pytest.approx(850 * 44 / 12)


def test_scope2_dual_reporting_with_certificates() -> None:
    rows = [dict(record_id="EL", activity="electricity/grid", quantity=10_000, unit="MWh", region="CN-CQ",
                 period="2023")]
    instruments = pd.DataFrame([dict(instrument_id="GEC-1", type="gec", quantity=4000, unit="MWh", vintage=2023,
                                     market_boundary="CN", covers="EL")])
    res = _run(rows, instruments=instruments, factor_sets=["cn-electricity"], year=2023)
    assert res.totals()["by_scope"]["2_location"] == pytest.approx(10_000 * 0.5581)
    # 4000 MWh covered at zero; 6000 MWh at the national factor excluding market-traded non-fossil (proxy)
    assert res.totals()["by_scope"]["2_market"] == pytest.approx(6000 * 0.6096)
    proxy = res.results[res.results["method"] == "market:residual_mix_proxy"]
    assert proxy["flags"].str.contains("residual_mix_proxy").all()


def test_instrument_larger_than_consumption_is_rejected() -> None:
    rows = [dict(record_id="EL", activity="electricity/grid", quantity=10_000, unit="MWh", region="CN-CQ",
                 period="2023")]
    instruments = pd.DataFrame([dict(instrument_id="GEC-1", type="gec", quantity=12_000, unit="MWh", vintage=2023,
                                     market_boundary="CN", covers="EL")])
    res = run_inventory(pd.DataFrame(rows), instruments=instruments, factor_sets=["cn-electricity"], year=2023)
    assert [p.field for p in res.errors] == ["quantity"]
    assert "GEC-1" in res.errors[0].message
    assert res.totals()["by_scope"]["2_market"] == pytest.approx(10_000 * 0.6096)


def test_instrument_outside_its_market_boundary_does_not_apply() -> None:
    rows = [dict(record_id="EL", activity="electricity/grid", quantity=1000, unit="MWh", region="GB",
                 period="2025")]
    instruments = pd.DataFrame([dict(instrument_id="GEC-1", type="gec", quantity=500, unit="MWh", vintage=2025,
                                     market_boundary="CN")])
    res = run_inventory(pd.DataFrame(rows), instruments=instruments, factor_sets=["desnz"], year=2025, gwp="AR5")
    # no CN consumption to cover → reported, nothing applied
    assert any(p.record_id == "GEC-1" for p in res.errors)
    assert res.totals()["by_scope"]["2_market"] == pytest.approx(1000 * (0.17489 + 0.0009 + 0.00122))


def test_supplier_specific_rate_is_market_based_only() -> None:
    rows = [dict(record_id="EL", activity="electricity/grid", quantity=1000, unit="MWh", region="CN-CQ",
                 period="2023", method="market", emission_factor=0.3, emission_factor_unit="kg CO2e/kWh")]
    res = _run(rows, factor_sets=["cn-electricity"], year=2023)
    assert res.totals()["by_scope"]["2_market"] == pytest.approx(300.0)
    assert res.totals()["by_scope"]["2_location"] == pytest.approx(1000 * 0.5581)


def test_purchased_heat_china_default() -> None:
    res = _run([dict(activity="heat/purchased", quantity=8500, unit="GJ", region="CN-CQ", period="2025")],
               year=2025)
    # 0.11 t CO2/GJ (cn-heat-default)
    assert res.totals()["by_scope"]["2_location"] == pytest.approx(8500 * 0.11)
    assert res.totals()["by_scope"]["2_market"] == pytest.approx(8500 * 0.11)


def test_mobile_fuel_is_mobile_combustion() -> None:
    res = _run([dict(activity="fuel/diesel", quantity=1000, unit="L", region="GB", period="2025",
                     method="mobile")], factor_sets=["desnz"], year=2025)
    assert set(res.results["category"]) == {"mobile_combustion"}


def test_totals_reconcile_with_rows_and_records() -> None:
    rows = [dict(activity="fuel/natural_gas", quantity=50_000 * (i + 1), unit="kWh", region="GB",
                 period=f"2025-{i + 1:02d}", entity=f"site{i % 3}") for i in range(12)]
    rows += [dict(activity="electricity/grid", quantity=100 + i, unit="MWh", region="GB", period="2025")
             for i in range(5)]
    res = _run(rows, factor_sets=["desnz"], year=2025)
    totals = res.totals()
    parts = [totals["by_scope"][k] for k in ("1", "2_location", "3")]
    assert math.fsum(parts) == pytest.approx(totals["tco2e"], rel=1e-15)
    assert math.fsum(totals["by_entity"].values()) == pytest.approx(totals["tco2e"], rel=1e-15)
    records = res.to_json()["records"]
    assert math.fsum(r["tco2e"] for r in records) == pytest.approx(totals["tco2e"], rel=1e-15)
    assert len(records) == 17


def test_bad_rows_are_reported_and_the_rest_computed() -> None:
    rows = [dict(record_id="ok", activity="electricity/grid", quantity=1, unit="MWh", region="GB", period="2025"),
            dict(record_id="bad", activity="electricity/grid", quantity=-1, unit="MWh", region="GB",
                 period="2025"),
            dict(record_id="nofactor", activity="fuel/unobtainium", quantity=1, unit="t", region="GB",
                 period="2025")]
    res = run_inventory(pd.DataFrame(rows), factor_sets=["desnz"], year=2025)
    res.check_accounting()
    assert res.rows_read == 3 and res.rows_computed == 1
    assert {p.record_id for p in res.errors} == {"bad", "nofactor"}
