"""The activity × factor kernel, checked by hand against published factor values."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from carbonledger.calc import factor_emissions
from carbonledger.factors.resolve import resolve
from carbonledger.factors.store import FactorStore
from carbonledger.factors.user_sets import write_user_set
from carbonledger.units import multiplier

# US EPA GHG Emission Factors Hub 2025, Table 1, "Natural Gas": 53.06 kg CO2, 1 g CH4 and
# 0.1 g N2O per mmBtu (HHV).
EPA_NG = [("CO2", 53.06, "kg/MMBtu"), ("CH4_fossil", 1.0, "g/MMBtu"), ("N2O", 0.1, "g/MMBtu")]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> FactorStore:
    root = tmp_path_factory.mktemp("sets")
    rows = [
        dict(
            factor_id="ng",
            activity="fuel/natural_gas",
            region="US",
            valid_from="2025-01-01",
            valid_to="2025-12-31",
            gas=g,
            value=v,
            unit=u,
        )
        for g, v, u in EPA_NG
    ]
    # a per-gas factor expressed as CO2e under AR5 (DESNZ style) and an aggregate CO2e factor
    rows += [
        dict(
            factor_id="ch4co2e",
            activity="fuel/test_ch4",
            region="GB",
            valid_from="2025-01-01",
            valid_to="2025-12-31",
            gas="CH4_fossil",
            value=0.28,
            unit="kg CO2e/kWh",
            gwp_basis="AR5",
        ),
        dict(
            factor_id="agg",
            activity="fuel/test_agg",
            region="GB",
            valid_from="2025-01-01",
            valid_to="2025-12-31",
            gas="CO2e",
            value=0.5,
            unit="kg CO2e/kWh",
            gwp_basis="AR5",
        ),
    ]
    write_user_set(pd.DataFrame(rows), root, "t", "2025", title="t", publisher="t")
    return FactorStore([root], include_bundled=False, include_env=False)


def _run(
    store: FactorStore, activity: str, region: str, quantity: float, unit: str, gwp: str
) -> pd.DataFrame:
    recs = pd.DataFrame(
        {
            "activity": [activity],
            "unit": [unit],
            "region": [region],
            "quantity": [quantity],
            "period_start": pd.to_datetime(["2025-06-01"]),
        }
    )
    resolution = resolve(recs, ["t"], store=store)
    return factor_emissions(recs["quantity"], recs["unit"], resolution, gwp).table.set_index("gas")


def test_per_gas_masses_and_co2e_by_hand(store: FactorStore) -> None:
    out = _run(store, "fuel/natural_gas", "US", 1000.0, "MMBtu", "AR5")
    # 1000 mmBtu × 53.06 kg = 53 060 kg CO2; × 1 g = 1 kg CH4; × 0.1 g = 0.1 kg N2O
    assert out.loc["CO2", "mass_kg"] == pytest.approx(53060.0)
    assert out.loc["CH4_fossil", "mass_kg"] == pytest.approx(1.0)
    assert out.loc["N2O", "mass_kg"] == pytest.approx(0.1)
    # AR5: CH4 28, N2O 265
    assert out["co2e_kg"].sum() == pytest.approx(53060.0 + 28.0 + 26.5)
    ar6 = _run(store, "fuel/natural_gas", "US", 1000.0, "MMBtu", "AR6")
    # AR6: fossil CH4 29.8 (Table 7.15), N2O 273
    assert ar6["co2e_kg"].sum() == pytest.approx(53060.0 + 29.8 + 27.3)


def test_units_are_converted(store: FactorStore) -> None:
    # 1 GJ = 1/1.05505585 mmBtu
    out = _run(store, "fuel/natural_gas", "US", 1.0, "GJ", "AR5")
    assert out.loc["CO2", "mass_kg"] == pytest.approx(53.06 / 1.05505585, rel=1e-6)


def test_per_gas_co2e_rows_are_reweighted(store: FactorStore) -> None:
    # 1000 kWh × 0.28 kg CO2e(AR5) of CH4 = 280 kg CO2e = 10 kg CH4 (÷28) = 298 kg CO2e in AR6
    out = _run(store, "fuel/test_ch4", "GB", 1000.0, "kWh", "AR6")
    assert out.loc["CH4_fossil", "mass_kg"] == pytest.approx(10.0)
    assert out.loc["CH4_fossil", "co2e_kg"] == pytest.approx(298.0)
    assert out.loc["CH4_fossil", "calc_flags"] == "regwp:AR5→AR6"


def test_aggregate_co2e_keeps_its_basis_and_is_flagged(store: FactorStore) -> None:
    out = _run(store, "fuel/test_agg", "GB", 2.0, "MWh", "AR6")
    assert out.loc["CO2e", "co2e_kg"] == pytest.approx(1000.0)
    assert np.isnan(out.loc["CO2e", "mass_kg"])
    assert out.loc["CO2e", "calc_flags"] == "gwp_basis_differs:AR5"


ENERGY_UNITS = ["kWh", "MWh", "GJ", "MJ", "MMBtu", "therm", "tce", "toe"]


@settings(max_examples=60, deadline=None)
@given(
    quantity=st.floats(min_value=1e-3, max_value=1e9),
    unit=st.sampled_from(ENERGY_UNITS),
    gwp=st.sampled_from(["AR4", "AR5", "AR6"]),
)
def test_converting_the_activity_first_gives_the_same_co2e(
    store: FactorStore, quantity: float, unit: str, gwp: str
) -> None:
    direct = _run(store, "fuel/natural_gas", "US", quantity, unit, gwp)["co2e_kg"].sum()
    in_gj = quantity * multiplier(unit, "GJ")
    converted = _run(store, "fuel/natural_gas", "US", in_gj, "GJ", gwp)["co2e_kg"].sum()
    assert converted == pytest.approx(direct, rel=1e-9)
