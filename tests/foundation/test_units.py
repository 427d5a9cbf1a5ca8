"""Unit registry: carbon-accounting units and pint's traps."""

from __future__ import annotations

import math

import pint
import pytest

from carbonledger.errors import UnitError
from carbonledger.units import (
    Q_,
    describe_dimension,
    multiplier,
    multipliers,
    normal_to_actual_volume,
    parse_unit,
)


def test_kt_is_kilotonne_not_knot() -> None:
    # The trap: pint's own registry reads "kt" as the knot, a speed.
    assert str(pint.UnitRegistry().parse_expression("kt").dimensionality) == "[length] / [time]"
    assert multiplier("kt", "t") == 1000.0
    assert describe_dimension("kt") == "mass"


@pytest.mark.parametrize("token", ["ton", "tons", "mt", "MT", "Nm"])
def test_ambiguous_tokens_are_refused_with_a_hint(token: str) -> None:
    # pint reads 'ton' as the 907.185 kg short ton and 'mt' as a millitonne.
    with pytest.raises(UnitError) as info:
        parse_unit(token)
    problem = info.value.problems[0]
    assert "ambiguous" in problem.message
    assert token == problem.value


def test_short_ton_is_available_explicitly() -> None:
    # 1 short ton = 2000 lb = 907.18474 kg (NIST Handbook 44, Appendix C)
    assert multiplier("short_ton", "kg") == pytest.approx(907.18474)


@pytest.mark.parametrize("text", ["Nm3", "Nm**3", "Nm^3", "Nm³", "nm3"])
def test_normal_cubic_metre_spellings(text: str) -> None:
    # pint alone parses "Nm**3" as (number_meter)**3, a textile yarn count
    assert "[mass]" in str(pint.UnitRegistry().parse_expression("Nm**3").dimensionality)
    assert describe_dimension(text) == "normal volume (Nm3)"
    assert multiplier(text, "Nm3") == 1.0


@pytest.mark.parametrize("text", ["10^4 Nm3", "10⁴Nm³", "万Nm3", "万标准立方米"])
def test_ten_thousand_normal_cubic_metres(text: str) -> None:
    assert multiplier(text, "Nm3") == pytest.approx(1e4)


def test_normal_volume_never_converts_implicitly_to_m3() -> None:
    with pytest.raises(UnitError):
        multiplier("Nm3", "m3")


def test_normal_to_actual_volume_is_the_ideal_gas_law() -> None:
    # V = Vn * T/Tn * pn/p ; 1 Nm3 at 15 °C and 101.325 kPa = 288.15/273.15 m3
    v = normal_to_actual_volume(Q_(1, "Nm3"), Q_(15, "degC"), Q_(101.325, "kPa"))
    assert v.to("m**3").magnitude == pytest.approx(288.15 / 273.15)


def test_co2e_is_its_own_dimension() -> None:
    with pytest.raises(UnitError):
        multiplier("kg CO2e", "kg")
    assert multiplier("t CO2e", "kg CO2e") == 1000.0
    assert multiplier("tCO2e", "kgCO2e") == 1000.0


def test_energy_units() -> None:
    # tce: 7000 kcal(IT)/kg = 29.3076 GJ/t (GB/T 2589-2020); toe: 41.868 GJ (IEA, 10^7 kcal)
    assert multiplier("tce", "GJ") == pytest.approx(29.3076)
    assert multiplier("吨标准煤", "GJ") == pytest.approx(29.3076)
    assert multiplier("toe", "GJ") == pytest.approx(41.868)
    # MMBtu = 10^6 Btu(IT); 1 Btu(IT) = 1055.05585 J (NIST SP 811 B.8); pint uses 1055.056 J
    assert multiplier("MMBtu", "GJ") == pytest.approx(1.05505585, rel=1e-6)
    assert multiplier("mmBtu", "MMBtu") == 1.0
    assert multiplier("MWh", "GJ") == pytest.approx(3.6)


def test_transport_and_counting_units() -> None:
    assert multiplier("tonne.km", "tkm") == 1.0
    assert multiplier("t*km", "tkm") == 1.0
    assert multiplier("passenger.km", "pkm") == 1.0
    with pytest.raises(UnitError):
        multiplier("pkm", "tkm")  # a passenger is not a tonne


def test_currencies_have_no_implicit_exchange_rate() -> None:
    with pytest.raises(UnitError):
        multiplier("CNY", "USD")
    assert multiplier("万元", "CNY") == pytest.approx(1e4)


def test_gas_marker_is_extracted_from_the_unit() -> None:
    parsed = parse_unit("t CO2/TJ")
    assert parsed.gas == "CO2"
    assert str(parsed.quantity.dimensionality) == str(parse_unit("t/TJ").quantity.dimensionality)
    assert parse_unit("tC/TJ").gas == "C"
    assert parse_unit("kgCO2/kWh").gas == "CO2"
    assert parse_unit("kg CO2e/kWh").gas is None


def test_chinese_units() -> None:
    assert multiplier("万吨", "t") == pytest.approx(1e4)
    assert multiplier("千瓦时", "kWh") == 1.0
    assert multiplier("万千瓦时", "MWh") == pytest.approx(10.0)


def test_unknown_unit_names_what_is_accepted() -> None:
    with pytest.raises(UnitError) as info:
        parse_unit("furlongs_per_fortnight_x")
    assert info.value.problems[0].accepted


def test_vectorised_multipliers_report_bad_pairs_without_raising() -> None:
    values, ok, errors = multipliers(["kWh", "MWh", "t", "kWh"], ["kWh", "kWh", "kWh", "kWh"])
    assert list(ok) == [True, True, False, True]
    assert values[1] == 1000.0
    assert math.isnan(values[2])
    assert ("t", "kWh") in errors


@pytest.mark.parametrize("text", ["GJ/10^4Nm3", "GJ/10^4 Nm3", "GJ/(10^4 Nm3)", "GJ/万Nm3", "GJ/万标准立方米"])
def test_scaled_denominator_binds_to_its_unit(text: str) -> None:
    # "389.31 GJ/10^4 Nm3" (GB/T 32151 natural gas NCV) means per ten thousand Nm3:
    # 389.31 GJ per 10^4 Nm3 = 0.038931 GJ/Nm3. Plain operator precedence would read
    # (GJ/10^4)·Nm3, wrong by 10^8.
    assert 389.31 * multiplier(text, "GJ/Nm3") == pytest.approx(0.038931)
