"""Allowance position arithmetic (intensity and verified-emissions rules, CCER cap, cost).

Rules: 2024 steel/cement/aluminium allocation = verified emissions (allocation plan of
18 Nov 2025, regulatory-facts.md §B.2); CCER offsets up to 5 % of verified emissions (§B.5).
Benchmarks are user input: the values below are test inputs, not official benchmarks.
"""

from __future__ import annotations

import pytest

from carbonledger.regimes.china_ets.allowance import allowance_position
from carbonledger.regimes.china_ets.parameters import EtsParameter, EtsParameters
from carbonledger.regimes.china_ets.sectors import SECTORS

from .originals import ets_parameter


def user(parameter: str, key: str, value: str, unit: str = "") -> EtsParameter:
    return EtsParameter(parameter, key, value, unit, "test input", "user input", ("user_input",), "", "test")


def params(*rows: EtsParameter) -> EtsParameters:
    return EtsParameters.load(overrides=rows)


def test_ccer_cap_is_five_percent() -> None:
    assert float(ets_parameter("ccer_offset_cap", "all")) == 0.05


def test_intensity_allocation_deficit_ccer_and_cost() -> None:
    p = params(user("benchmark", "cement:2025:clinker", "0.80", "tCO2/t"))
    position, problems = allowance_position(
        sector=SECTORS["cement"], year=2025, verified_emissions=1_000_000.0, outputs={"clinker": 1_200_000.0},
        params=p, cea_price=60.0, ccer_available=80_000.0,
    )
    assert not problems
    # A = 1 200 000 t × 0.80 = 960 000 t; balance = 960 000 − 1 000 000 = −40 000 (deficit)
    assert position.allocation == pytest.approx(960_000.0)
    assert position.balance == pytest.approx(-40_000.0) and position.status == "deficit"
    # CCER usable = min(held 80 000, cap 5 % × 1 000 000 = 50 000, deficit 40 000) = 40 000
    assert position.ccer_cap == pytest.approx(50_000.0)
    assert position.ccer_usable == pytest.approx(40_000.0)
    assert position.remaining_deficit == pytest.approx(0.0) and position.cost == pytest.approx(0.0)


def test_ccer_limited_by_the_cap_and_cost_of_the_rest() -> None:
    p = params(user("benchmark", "steel:2025:crude_steel", "1.5", "tCO2/t"))
    position, _ = allowance_position(
        sector=SECTORS["steel"], year=2025, verified_emissions=2_000_000.0, outputs={"crude_steel": 1_200_000.0},
        params=p, cea_price=62.36, ccer_available=500_000.0,
    )
    # A = 1 800 000; deficit 200 000; cap 5 % × 2 000 000 = 100 000; remaining 100 000 × 62.36
    assert position.ccer_usable == pytest.approx(100_000.0)
    assert position.remaining_deficit == pytest.approx(100_000.0)
    assert position.cost == pytest.approx(6_236_000.0)


def test_surplus_value_and_adjustment() -> None:
    p = params(
        user("benchmark", "power:2025:electricity_supplied", "0.80", "tCO2/MWh"),
        user("benchmark", "power:2025:heat_supplied", "0.12", "tCO2/GJ"),
        user("allocation_adjustment", "power:2025", "0.98"),
    )
    position, problems = allowance_position(
        sector=SECTORS["power"], year=2025, verified_emissions=2_000_000.0,
        outputs={"electricity_supplied": 2_500_000.0, "heat_supplied": 1_000_000.0}, params=p, cea_price=80.0,
        ccer_available=None,
    )
    assert not problems
    # A = (2 500 000 × 0.80 + 1 000 000 × 0.12) × 0.98 = 2 077 600; surplus 77 600 × 80 CNY
    assert position.allocation == pytest.approx(2_077_600.0)
    assert position.surplus_value == pytest.approx(77_600.0 * 80.0)
    assert position.ccer_usable == 0.0 and position.cost == pytest.approx(0.0)


def test_2024_new_sectors_allocate_verified_emissions() -> None:
    for sector in ("steel", "cement", "aluminium"):
        assert ets_parameter("allocation_rule", f"{sector}:2024") == "verified_emissions"
        position, problems = allowance_position(
            sector=SECTORS[sector], year=2024, verified_emissions=123_456.7, outputs={}, params=params(),
            cea_price=None, ccer_available=1000.0,
        )
        assert not problems
        assert position.allocation == 123_456.7 and position.balance == 0.0
        assert position.ccer_usable == 0.0  # no deficit, nothing to offset
        assert position.cost is None and any("no CEA price" in n for n in position.notes)


def test_missing_benchmark_is_reported_with_the_key_to_give() -> None:
    position, problems = allowance_position(
        sector=SECTORS["aluminium"], year=2025, verified_emissions=1.0, outputs={"aluminium": 1.0},
        params=params(), cea_price=None, ccer_available=None,
    )
    assert position.allocation is None and position.status == "unknown"
    assert len(problems) == 1
    assert problems[0].field == "benchmark" and "aluminium:2025:aluminium" in (problems[0].accepted or "")


def test_user_rule_override() -> None:
    p = params(user("allocation_rule", "cement:2025", "verified_emissions"))
    position, problems = allowance_position(
        sector=SECTORS["cement"], year=2025, verified_emissions=10.0, outputs={}, params=p, cea_price=None,
        ccer_available=None,
    )
    assert not problems and position.allocation == 10.0
    assert position.rule_source is not None and position.rule_source.confidence == "user input"
