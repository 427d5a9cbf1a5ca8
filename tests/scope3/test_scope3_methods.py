"""Scope 3 methods against hand computations from published factor values.

Sources (values as published; the engine reads them from the shipped factor sets, the
expected numbers are computed here by hand, formula by formula):

* EPA Supply Chain GHG Emission Factors v1.3.0 (NAICS-6, kg CO2e per 2022 USD, purchaser price),
  SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv line 402, NAICS 334418 "Printed
  Circuit Assembly (Electronic Assembly) Manufacturing": with margins 0.101, without margins 0.068.
* Federal Reserve statistical release G.5A (1 Feb 2024), annual average 2023 and 2022: China yuan
  7.0809 and 6.7290 per US dollar.
* US BLS CPI-U, U.S. city average, all items (1982-84 = 100), annual averages 2022 = 292.655,
  2023 = 304.702 (as reproduced in public code, see examples/chengdu_electronics/README.md).
* DESNZ 2025 flat file: ID 27_315_3151_14 "Freighting goods > Rail > Freight train [tonne.km]":
  CO2 0.02749, CH4 0.00002, N2O 0.00028, total 0.02779 kg CO2e/tkm (AR5);
  ID 1_101_1011_8 "Diesel (average biofuel blend), litres": CO2 2.53763, CH4 0.00029,
  N2O 0.0329, total 2.57082 kg CO2e/L (AR5); ID 19_500_5028_15 "Material use > Metals > Primary
  material production": 3824.09335 kg CO2e/t; ID 11_100_1004_6 "WTT natural gas (gross CV)
  kWh": 0.03021 kg CO2e/kWh.
* US EPA GHG Emission Factors Hub 2025: Table 8 rail 0.021 kg CO2, 0.0016 g CH4, 0.0005 g N2O per
  short ton-mile; Table 10 bus 0.066 kg CO2, 0.0046 g CH4, 0.0019 g N2O per passenger-mile;
  Table 6 CAMX total output 436.655 lb CO2, 0.025 lb CH4, 0.003 lb N2O per MWh, grid gross
  loss 0.041.
* MEE/NBS 公告2025年第47号 (2023 electricity factors): Chongqing 0.5581 kg CO2/kWh.
* GWP100 AR5: CH4 28, N2O 265. Units: 1 short ton = 0.90718474 t, 1 mile = 1.609344 km,
  1 lb = 0.45359237 kg (exact definitions).

The GHG Protocol Technical Guidance for Calculating Scope 3 Emissions (2013) gives the formula of
each method (cited per test); its worked examples' numbers were not available to this work, so
expectations are computed from the published factor tables above.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from carbonledger.inventory.engine import run_inventory
from carbonledger.inventory.result import InventoryResult

SHORT_TON_T = 0.90718474
MILE_KM = 1.609344
LB_KG = 0.45359237
CPI_2022, CPI_2023 = 292.655, 304.702
CNY_PER_USD_2023, CNY_PER_USD_2022 = 7.0809, 6.7290

RATES = pd.DataFrame(
    [
        dict(
            from_currency="USD",
            to_currency="CNY",
            year=2023,
            rate=CNY_PER_USD_2023,
            source="Federal Reserve G.5A annual",
            date="2024-02-01",
        ),
        dict(
            from_currency="USD",
            to_currency="CNY",
            year=2022,
            rate=CNY_PER_USD_2022,
            source="Federal Reserve G.5A annual",
            date="2024-02-01",
        ),
    ]
)
DEFLATORS = pd.DataFrame(
    [
        dict(
            currency="USD",
            year=2022,
            index=CPI_2022,
            series="CPI-U CUUR0000SA0 annual average",
            source="US BLS",
            date="2024-01-11",
        ),
        dict(
            currency="USD",
            year=2023,
            index=CPI_2023,
            series="CPI-U CUUR0000SA0 annual average",
            source="US BLS",
            date="2024-01-11",
        ),
    ]
)


def _run(rows: list[dict[str, object]], **kw: object) -> InventoryResult:
    frame = pd.DataFrame(rows)
    if "record_id" not in frame.columns:
        frame["record_id"] = [f"r{i}" for i in range(len(rows))]
    if "quantity" not in frame.columns:  # derived quantities: the column is there, the cells empty
        frame["quantity"] = float("nan")
    result = run_inventory(frame, **kw)  # type: ignore[arg-type]
    result.check_accounting()
    return result


def _kg(result: InventoryResult, record_id: str) -> float:
    r = result.results[result.results["record_id"] == record_id]
    return math.fsum(r["co2e_kg"])


def _row(result: InventoryResult, record_id: str) -> pd.Series:
    return result.results[result.results["record_id"] == record_id].iloc[0]


# -- spend-based ---------------------------------------------------------------------------------
def test_spend_cny_2023_is_converted_and_deflated_to_2022_usd() -> None:
    # Technical Guidance ch. 1 spend-based: E = spend (factor currency, factor price year) × EEIO EF
    res = _run(
        [
            dict(
                activity="spend/naics/334418",
                quantity=70_809,
                unit="CNY",
                price_year=2023,
                period="2023",
                region="CN-SC",
            )
        ],
        factor_sets=["epa-supply-chain"],
        exchange_rates=RATES,
        deflators=DEFLATORS,
        gwp="AR5",
    )
    assert not res.errors, res.errors
    usd_2023 = 70_809 / CNY_PER_USD_2023  # = 10 000 USD at 2023 prices
    usd_2022 = usd_2023 * CPI_2022 / CPI_2023  # moved to the factor's 2022 price year
    assert _kg(res, "r0") == pytest.approx(usd_2022 * 0.101, rel=1e-12)
    row = _row(res, "r0")
    assert row["s3_method"] == "spend_based" and row["data_type"] == "secondary"
    assert row["category"] == "1"
    assert "7.0809" in row["parameters"] and "292.655/304.702" in row["parameters"]
    assert "with margins" in row["parameters"]
    assert "regional_proxy" in row["flags"]  # a US EEIO factor used for a Chinese purchase


def test_spend_without_margins_and_usd_in_factor_year_needs_no_conversion() -> None:
    res = _run(
        [
            dict(
                activity="spend/naics/334418",
                quantity=5_000,
                unit="USD",
                price_year=2022,
                period="2023",
                region="CN",
            )
        ],
        factor_sets=["epa-supply-chain"],
        exchange_rates=RATES,
        deflators=DEFLATORS,
        eeio_margins="without",
    )
    assert not res.errors
    assert _kg(res, "r0") == pytest.approx(5_000 * 0.068)
    assert _row(res, "r0")["factor_id"] == "334418:without_margins"
    assert "without margins" in _row(res, "r0")["parameters"]


def test_spend_2022_cny_uses_the_2022_rate_and_no_deflator() -> None:
    res = _run(
        [
            dict(
                activity="spend/naics/334418",
                quantity=67_290,
                currency="CNY",
                unit="CNY",
                price_year=2022,
                period="2023",
                region="CN",
            )
        ],
        factor_sets=["epa-supply-chain"],
        exchange_rates=RATES,
        deflators=DEFLATORS,
    )
    assert _kg(res, "r0") == pytest.approx(10_000 * 0.101)


def test_spend_bad_input_names_row_and_field() -> None:
    rows = [
        dict(record_id="no_year", activity="spend/naics/334418", quantity=100, unit="CNY", period="2023"),
        dict(
            record_id="no_currency",
            activity="spend/naics/334418",
            quantity=100,
            unit="t",
            price_year=2023,
            period="2023",
        ),
        dict(
            record_id="no_rate",
            activity="spend/naics/334418",
            quantity=100,
            unit="EUR",
            price_year=2023,
            period="2023",
        ),
        dict(
            record_id="no_index",
            activity="spend/naics/334418",
            quantity=100,
            unit="CNY",
            price_year=2021,
            period="2023",
        ),
        dict(
            record_id="ok",
            activity="spend/naics/334418",
            quantity=100,
            unit="USD",
            price_year=2022,
            period="2023",
        ),
    ]
    res = _run(rows, factor_sets=["epa-supply-chain"], exchange_rates=RATES, deflators=DEFLATORS)
    errors = {(p.record_id, p.field): p for p in res.errors}
    assert ("no_year", "price_year") in errors and errors[("no_year", "price_year")].row == 2
    assert ("no_currency", "unit") in errors or ("no_currency", "currency") in errors
    assert ("no_rate", "currency") in errors and "EUR→USD" in errors[("no_rate", "currency")].message
    assert ("no_index", "currency") in errors  # no 2021 CNY rate either: the rate is reported first
    assert set(res.results["record_id"]) == {"ok"}  # nothing silently dropped: the rest are rejected
    assert sorted(res.rows_rejected) == [2, 3, 4, 5]


def test_missing_deflator_is_an_error_on_price_year() -> None:
    rates = pd.concat(
        [
            RATES,
            pd.DataFrame(
                [
                    dict(
                        from_currency="USD",
                        to_currency="CNY",
                        year=2021,
                        rate=6.4508,
                        source="Federal Reserve G.5A annual",
                        date="2024-02-01",
                    )
                ]
            ),
        ]
    )
    res = _run(
        [dict(activity="spend/naics/334418", quantity=100, unit="CNY", price_year=2021, period="2023")],
        factor_sets=["epa-supply-chain"],
        exchange_rates=rates,
        deflators=DEFLATORS,
    )
    (err,) = res.errors
    assert err.field == "price_year" and err.row == 2 and "2021" in err.message


# -- freight -------------------------------------------------------------------------------------
def test_distance_based_freight_mass_times_distance_desnz_rail() -> None:
    # Technical Guidance ch. 4 distance-based: E = mass × distance × EF(mode)
    res = _run(
        [
            dict(
                activity="freight/rail/freight_train",
                mass=20,
                mass_unit="t",
                distance=1_500,
                distance_unit="km",
                unit="tkm",
                period="2025",
                region="GB",
            )
        ],
        factor_sets=["desnz"],
        gwp="AR5",
    )
    assert not res.errors
    assert _kg(res, "r0") == pytest.approx(20 * 1_500 * (0.02749 + 0.00002 + 0.00028))
    assert _kg(res, "r0") == pytest.approx(20 * 1_500 * 0.02779)
    row = _row(res, "r0")
    assert row["s3_method"] == "distance_based" and row["category"] == "4"
    assert "30000 tkm" in row["parameters"]


def test_distance_based_freight_epa_per_short_ton_mile_with_stated_proxy_region() -> None:
    res = _run(
        [
            dict(
                activity="freight/rail/freight_train",
                quantity=1_000,
                unit="tkm",
                period="2022",
                region="CN-SC",
                factor_region="US",
            )
        ],
        factor_sets=["epa-hub"],
        gwp="AR5",
    )
    assert not res.errors
    ton_miles = 1_000 / (SHORT_TON_T * MILE_KM)
    expected = ton_miles * (0.021 + 0.0016e-3 * 28 + 0.0005e-3 * 265)
    assert _kg(res, "r0") == pytest.approx(expected, rel=1e-9)
    row = _row(res, "r0")
    assert "regional_proxy" in row["flags"] and row["dqi_geographical"] == 4


def test_fuel_based_freight_and_shared_vehicle_allocation_by_mass() -> None:
    # Technical Guidance ch. 4 fuel-based + allocation: E = fuel × EF × shipment mass / vehicle load
    res = _run(
        [
            dict(
                activity="freight_fuel/diesel",
                quantity=300,
                unit="L",
                factor_id="1_101_1011_8",
                period="2025",
                region="GB",
                allocation_amount=6,
                allocation_total=24,
                allocation_unit="t",
            )
        ],
        factor_sets=["desnz"],
        gwp="AR5",
    )
    assert not res.errors, res.errors
    assert _kg(res, "r0") == pytest.approx(300 * 2.57082 * 6 / 24)
    row = _row(res, "r0")
    assert row["s3_method"] == "fuel_based" and row["scope"] == "3" and row["category"] == "4"
    assert "allocated by mass" in row["parameters"]


def test_allocation_by_volume_is_stated() -> None:
    res = _run(
        [
            dict(
                activity="freight_fuel/diesel",
                quantity=100,
                unit="L",
                factor_id="1_101_1011_8",
                period="2025",
                region="GB",
                allocation_amount=10,
                allocation_total=40,
                allocation_unit="m3",
                category="9",
            )
        ],
        factor_sets=["desnz"],
        gwp="AR5",
    )
    assert _kg(res, "r0") == pytest.approx(100 * 2.57082 / 4)
    assert "allocated by volume" in _row(res, "r0")["parameters"]
    assert _row(res, "r0")["category"] == "9"


def test_freight_distance_without_mass_is_an_error() -> None:
    res = _run(
        [
            dict(
                activity="freight/rail/freight_train",
                distance=100,
                distance_unit="km",
                unit="tkm",
                period="2025",
                region="GB",
            )
        ],
        factor_sets=["desnz"],
    )
    assert ("mass", 2) in [(p.field, p.row) for p in res.errors]
    assert "without the shipment mass" in next(p.message for p in res.errors if p.field == "mass")
    assert res.results.empty and res.rows_rejected == [2]


# -- travel and commuting ------------------------------------------------------------------------
def test_commuting_average_data_employees_days_distance_share() -> None:
    # Technical Guidance ch. 7 average-data: employees × share × days × 2 × one-way distance × EF
    res = _run(
        [
            dict(
                activity="commuting/bus/average",
                employees=100,
                share=0.5,
                working_days=220,
                distance=10,
                distance_unit="km",
                unit="pkm",
                period="2022",
                region="US",
            )
        ],
        factor_sets=["epa-hub"],
        gwp="AR5",
    )
    assert not res.errors, res.errors
    pkm = 100 * 0.5 * 220 * 2 * 10
    pmi = pkm / MILE_KM
    assert _kg(res, "r0") == pytest.approx(pmi * (0.066 + 0.0046e-3 * 28 + 0.0019e-3 * 265), rel=1e-9)
    assert _row(res, "r0")["category"] == "7"


def test_business_travel_air_passenger_km_desnz() -> None:
    res = _run(
        [
            dict(
                activity="travel/air/long_haul/economy",
                quantity=9_000,
                unit="pkm",
                period="2025",
                region="GB",
            )
        ],
        factor_sets=["desnz"],
        gwp="AR5",
    )
    assert _kg(res, "r0") == pytest.approx(9_000 * 0.11704)  # with RF (DESNZ preference 10)
    assert _row(res, "r0")["category"] == "6"


# -- category 3 --------------------------------------------------------------------------------------
def test_td_losses_with_published_loss_rate_epa_camx() -> None:
    # Technical Guidance ch. 3 activity C: electricity × T&D loss rate × grid EF (location-based)
    res = _run(
        [
            dict(
                activity="electricity/td_losses",
                quantity=100_000,
                unit="kWh",
                period="2023",
                region="US-EGRID-CAMX",
            )
        ],
        factor_sets=["epa-hub"],
        gwp="AR5",
    )
    assert not res.errors
    mwh = 100.0
    per_mwh = (436.655 + 0.025 * 28 + 0.003 * 265) * LB_KG
    assert _kg(res, "r0") == pytest.approx(mwh * 0.041 * per_mwh, rel=1e-9)
    assert _row(res, "r0")["category"] == "3"


def test_td_losses_with_user_loss_rate_and_china_grid_factor() -> None:
    res = _run(
        [
            dict(
                activity="electricity/td_losses",
                quantity=10_000,
                unit="kWh",
                loss_rate=0.05,
                period="2023",
                region="CN-CQ",
            )
        ],
        factor_sets=["cn-electricity"],
    )
    assert _kg(res, "r0") == pytest.approx(10_000 * 0.05 * 0.5581)


def test_wtt_of_natural_gas_and_resale() -> None:
    res = _run(
        [
            dict(
                record_id="wtt",
                activity="wtt/fuel/natural_gas",
                quantity=50_000,
                unit="kWh",
                factor_id="11_100_1004_6",
                period="2025",
                region="GB",
            ),
            dict(
                record_id="resale",
                activity="electricity/resale",
                quantity=1_000,
                unit="kWh",
                period="2023",
                region="CN-CQ",
            ),
        ],
        factor_sets=["desnz", "cn-electricity"],
        gwp="AR5",
    )
    assert not res.errors, res.errors
    assert _kg(res, "wtt") == pytest.approx(50_000 * 0.03021)
    assert _kg(res, "resale") == pytest.approx(1_000 * 0.5581)


# -- materials, waste, use phase, end of life, investments ---------------------------------------------
def test_average_data_material_use() -> None:
    res = _run(
        [dict(activity="material/metals/primary", quantity=2.5, unit="t", period="2025", region="GB")],
        factor_sets=["desnz"],
        gwp="AR5",
    )
    assert _kg(res, "r0") == pytest.approx(2.5 * 3824.09335)
    assert _row(res, "r0")["s3_method"] == "average_data"


def test_use_phase_units_sold_times_lifetime_energy_times_grid_factor() -> None:
    # Technical Guidance ch. 11 direct use-phase: units sold × lifetime energy per unit × EF
    res = _run(
        [
            dict(
                activity="use_phase/electricity/grid",
                quantity=1_000,
                unit="pieces",
                lifetime_energy=500,
                lifetime_energy_unit="kWh",
                period="2023",
                region="CN-CQ",
            )
        ],
        factor_sets=["cn-electricity"],
    )
    assert not res.errors, res.errors
    assert _kg(res, "r0") == pytest.approx(1_000 * 500 * 0.5581)
    row = _row(res, "r0")
    assert row["category"] == "11" and row["s3_method"] == "direct_use_phase"


def test_investment_attribution_factor() -> None:
    # PCAF: financed emissions = attribution factor × investee Scope 1+2
    res = _run(
        [
            dict(
                activity="investment/listed_equity",
                quantity=12_500,
                unit="t CO2e",
                attribution_factor=0.004,
                period="2023",
                region="CN",
            )
        ]
    )
    assert _kg(res, "r0") == pytest.approx(12_500 * 1000 * 0.004)
    row = _row(res, "r0")
    assert row["category"] == "15" and row["data_type"] == "primary"


def test_investment_without_attribution_factor_is_an_error() -> None:
    res = _run([dict(activity="investment/listed_equity", quantity=1, unit="t CO2e", period="2023")])
    assert [(p.field, p.row) for p in res.errors] == [("attribution_factor", 2)]


def test_hybrid_supplier_scope12_allocated_plus_secondary_inputs() -> None:
    # Technical Guidance ch. 1 hybrid: allocated supplier Scope 1+2 + inputs by average-data
    res = _run(
        [
            dict(
                record_id="s12",
                activity="supplier/acme/scope12",
                quantity=800,
                unit="t CO2e",
                method="hybrid",
                supplier_id="acme",
                allocation_amount=5_000,
                allocation_total=100_000,
                allocation_unit="pieces",
                period="2025",
                region="GB",
            ),
            dict(
                record_id="in",
                activity="material/metals/primary",
                quantity=1.2,
                unit="t",
                method="hybrid",
                supplier_id="acme",
                period="2025",
                region="GB",
            ),
        ],
        factor_sets=["desnz"],
        gwp="AR5",
    )
    assert not res.errors, res.errors
    assert _kg(res, "s12") == pytest.approx(800_000 * 5_000 / 100_000)
    assert _kg(res, "in") == pytest.approx(1.2 * 3824.09335)
    assert _row(res, "s12")["data_type"] == "primary" and _row(res, "in")["data_type"] == "secondary"
    assert {_row(res, "s12")["s3_method"], _row(res, "in")["s3_method"]} == {"hybrid"}
    assert "allocated by units" in _row(res, "s12")["parameters"]


def test_category_inconsistent_with_activity_is_an_error() -> None:
    res = _run(
        [
            dict(
                activity="travel/air/long_haul/economy",
                quantity=1,
                unit="pkm",
                category="4",
                period="2025",
                region="GB",
            )
        ],
        factor_sets=["desnz"],
    )
    assert [(p.field, p.row) for p in res.errors] == [("category", 2)]
