"""US EPA factor sets: GHG Emission Factors Hub 2025 and Supply Chain GHG Emission Factors v1.3.0.

Expected values are the publisher's, cited by table and row of the ORIGINAL files stored
under ``factors/epa-hub/2025/original/`` (ghg-emission-factors-hub-2025.xlsx, one sheet
"Emission Factors Hub") and ``factors/epa-supply-chain/1.3.0/original/`` (the two EPA
CSVs). Where a test compares with the originals it reads them here with openpyxl / csv,
independently of the importers.
"""

from __future__ import annotations

import csv
import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from carbonledger.errors import InputError, UnitError
from carbonledger.factors.importers import epa_hub, epa_supply_chain
from carbonledger.factors.importers._base import rebuild_matches
from carbonledger.factors.store import FactorSet, FactorStore
from carbonledger.gwp import gwp
from carbonledger.regions import region_chain
from carbonledger.units import dimension_key, multiplier, parse_unit

HUB_XLSX = "ghg-emission-factors-hub-2025.xlsx"

# openpyxl warns about the workbook's header/footer and extensions; harmless
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:openpyxl")


# --------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store(factors_root: Path) -> FactorStore:
    return FactorStore([factors_root], include_env=False, include_bundled=False)


@pytest.fixture(scope="module")
def hub(store: FactorStore) -> FactorSet:
    return store.load("epa-hub-2025")


@pytest.fixture(scope="module")
def sc(store: FactorStore) -> FactorSet:
    return store.load("epa-supply-chain-1.3.0")


@pytest.fixture(scope="module")
def sheet(factors_root: Path) -> openpyxl.worksheet.worksheet.Worksheet:
    workbook = openpyxl.load_workbook(factors_root / "epa-hub/2025/original" / HUB_XLSX, data_only=True)
    return workbook["Emission Factors Hub"]


def _one(frame: pd.DataFrame, factor_id: str, gas: str = "", parameter: str = "emission_factor") -> pd.Series:
    rows = frame[
        (frame["factor_id"] == factor_id) & (frame["parameter"] == parameter) & (frame["gas"] == gas)
    ]
    assert len(rows) == 1, (factor_id, gas, parameter, len(rows))
    return rows.iloc[0]


# --------------------------------------------------------------------------------------
# EPA Hub: published values by table and row
# --------------------------------------------------------------------------------------
def test_table1_natural_gas(hub: FactorSet) -> None:
    f = hub.factors
    # Table 1, row 38 'Natural Gas': 53.06 kg CO2, 1 g CH4, 0.1 g N2O per mmBtu; HHV 0.001026 mmBtu/scf
    co2 = _one(f, "T1:natural_gas:mmbtu", "CO2")
    assert (co2["value"], co2["unit"], co2["basis"], co2["activity"]) == (
        53.06,
        "kg/MMBtu",
        "gross_cv",
        "fuel/natural_gas",
    )
    assert co2["region"] == "US" and co2["gwp_basis"] == ""
    assert "Table 1, row 38" in co2["source_ref"]
    ch4 = _one(f, "T1:natural_gas:mmbtu", "CH4_fossil")
    assert (ch4["value"], ch4["unit"]) == (1.0, "g/MMBtu")
    n2o = _one(f, "T1:natural_gas:mmbtu", "N2O")
    assert (n2o["value"], n2o["unit"]) == (0.1, "g/MMBtu")
    hhv = _one(f, "T1:natural_gas:mmbtu", "", "energy_per_unit")
    assert (hhv["value"], hhv["unit"], hhv["basis"]) == (0.001026, "MMBtu/scf", "gross_cv")
    # same row, per scf: 0.05444 kg CO2, 0.00103 g CH4, 0.0001 g N2O
    assert _one(f, "T1:natural_gas:scf", "CO2")["value"] == 0.05444
    assert _one(f, "T1:natural_gas:scf", "CO2")["unit"] == "kg/scf"
    assert _one(f, "T1:natural_gas:scf", "CH4_fossil")["value"] == 0.00103
    assert _one(f, "T1:natural_gas:scf", "N2O")["value"] == 0.0001


def test_table1_named_fuels_and_biomass(hub: FactorSet) -> None:
    f = hub.factors
    # Table 1 row 55 'Distillate Fuel Oil No. 2' = fuel/diesel: 73.96 kg CO2/mmBtu, 10.21 kg CO2/gallon
    assert _one(f, "T1:distillate_fuel_oil_no_2:mmbtu", "CO2")["activity"] == "fuel/diesel"
    assert _one(f, "T1:distillate_fuel_oil_no_2:mmbtu", "CO2")["value"] == 73.96
    assert _one(f, "T1:distillate_fuel_oil_no_2:gallon", "CO2")["value"] == 10.21
    # row 75 'Residual Fuel Oil No. 6' = fuel/heavy_fuel_oil; row 24 'Mixed (Industrial Sector)' = fuel/coal
    assert _one(f, "T1:residual_fuel_oil_no_6:mmbtu", "CO2")["activity"] == "fuel/heavy_fuel_oil"
    assert _one(f, "T1:coal_mixed_industrial_sector:short_ton", "CO2")["activity"] == "fuel/coal"
    assert _one(f, "T1:coal_mixed_industrial_sector:short_ton", "CO2")["value"] == 2116
    # row 35 'Wood and Wood Residuals' (Biomass Fuels - Solid): 93.8 kg CO2, 7.2 g CH4, 3.6 g N2O per mmBtu
    assert _one(f, "T1:wood_and_wood_residuals:mmbtu", "CO2_biogenic")["value"] == 93.8
    assert _one(f, "T1:wood_and_wood_residuals:mmbtu", "CH4_non_fossil")["value"] == 7.2
    assert _one(f, "T1:wood_and_wood_residuals:mmbtu", "N2O")["value"] == 3.6
    assert not ((f["factor_id"] == "T1:wood_and_wood_residuals:mmbtu") & (f["gas"] == "CO2")).any()
    # rows 85-89 Kraft pulping liquor: per mmBtu only, no heat content
    kraft = f[f["factor_id"].str.startswith("T1:kraft_liquor_")]
    assert set(kraft["parameter"]) == {"emission_factor"} and len(kraft) == 5 * 3
    assert _one(f, "T1:kraft_liquor_north_american_softwood:mmbtu", "CO2_biogenic")["value"] == 94.4
    # row 43 'Propane Gas' (per scf) and row 72 'Propane' (per gallon) are different keys
    assert _one(f, "T1:propane_gas:mmbtu", "CO2")["value"] == 61.46
    assert _one(f, "T1:propane:mmbtu", "CO2")["value"] == 62.87


def test_table2_mobile_co2(hub: FactorSet) -> None:
    f = hub.factors
    # Table 2: Diesel Fuel 10.21 kg CO2/gallon (row 107); CNG 0.05444 kg/scf (row 106); LNG 4.5 (row 110)
    assert (_one(f, "T2:diesel_fuel", "CO2")["value"], _one(f, "T2:diesel_fuel", "CO2")["unit"]) == (
        10.21,
        "kg/gallon",
    )
    assert _one(f, "T2:diesel_fuel", "CO2")["activity"] == "fuel/diesel/mobile"
    assert _one(f, "T2:compressed_natural_gas", "CO2")["unit"] == "kg/scf"
    assert _one(f, "T2:liquefied_natural_gas", "CO2")["value"] == 4.5
    # Ethanol (100%) row 108: biogenic CO2
    assert _one(f, "T2:ethanol_100", "CO2_biogenic")["value"] == 5.75


def test_tables3_to_5_model_years_in_keys(hub: FactorSet) -> None:
    f = hub.factors
    # Table 3 'Gasoline Passenger Cars', model year 2015 (row 157): 0.0068 g CH4, 0.0042 g N2O
    # per vehicle-mile
    ch4 = _one(f, "T3:gasoline_passenger_cars:2015", "CH4_fossil")
    assert (ch4["value"], ch4["unit"], ch4["activity"]) == (
        0.0068,
        "g/vehicle_mile",
        "vehicle/passenger_car/gasoline/2015",
    )
    assert _one(f, "T3:gasoline_passenger_cars:2015", "N2O")["value"] == 0.0042
    # model years are names, not validity: every T3 factor has the same validity window
    t3 = f[f["factor_id"].str.startswith("T3:")]
    assert set(zip(t3["valid_from"], t3["valid_to"], strict=True)) == {("2022-01-01", "2025-12-31")}
    # row 127 '1973-1974'; row 206 ' ≤1980' (heavy-duty gasoline, 0.4604 g CH4)
    assert _one(f, "T3:gasoline_passenger_cars:1973-1974", "CH4_fossil")["value"] == 0.1696
    hd = _one(f, "T3:gasoline_heavy_duty_vehicles:1980_and_earlier", "CH4_fossil")
    assert (hd["value"], hd["activity"]) == (0.4604, "vehicle/heavy_duty_vehicle/gasoline/1980_and_earlier")
    # Table 4 row 251 diesel passenger cars 2007-2022: 0.0302 / 0.0192; row 259 LDC CNG 0.12 / 0.004
    assert _one(f, "T4:diesel_passenger_cars:2007-2022", "CH4_fossil")["value"] == 0.0302
    assert _one(f, "T4:light_duty_cars_cng", "CH4_fossil")["value"] == 0.12
    # ethanol vehicles: EPA states no blend, CH4 origin unspecified (row 258)
    assert _one(f, "T4:light_duty_cars_ethanol", "CH4")["value"] == 0.012
    # Table 5 row 294 Locomotives diesel: 0.8 g CH4, 0.26 g N2O per gallon
    loco = _one(f, "T5:locomotives_diesel", "CH4_fossil")
    assert (loco["value"], loco["unit"], loco["activity"]) == (0.8, "g/gallon", "vehicle/locomotive/diesel")
    # row 295 Aircraft jet fuel: published zero CH4 is kept (a value, not a gap)
    assert _one(f, "T5:aircraft_jet_fuel", "CH4_fossil")["value"] == 0.0


def test_table6_egrid(hub: FactorSet) -> None:
    f = hub.factors
    # Table 6 row 342 CAMX (WECC California): total output 436.655 lb CO2, 0.025 lb CH4, 0.003 lb N2O /MWh
    co2 = _one(f, "T6:camx:total_output", "CO2")
    assert (co2["value"], co2["unit"], co2["region"], co2["activity"]) == (
        436.655,
        "lb/MWh",
        "US-EGRID-CAMX",
        "electricity/grid",
    )
    assert (co2["valid_from"], co2["valid_to"]) == ("2023-01-01", "2023-12-31")  # eGRID2023 = 2023 data
    assert _one(f, "T6:camx:total_output", "CH4")["value"] == 0.025
    assert _one(f, "T6:camx:total_output", "N2O")["value"] == 0.003
    # non-baseload 1033.985 lb CO2/MWh (H342), flagged: EPA says not for inventories
    nb = _one(f, "T6:camx:non_baseload", "CO2")
    assert (nb["value"], nb["activity"], nb["flags"]) == (
        1033.985,
        "electricity/non_baseload",
        "not_for_inventory",
    )
    # grid gross loss 0.041 (K342, shown as 4.1 %)
    loss = _one(f, "T6:camx:grid_gross_loss", "", "loss_rate")
    assert (loss["value"], loss["activity"]) == (0.041, "electricity/td_losses")
    # row 366 'US Average' → region US: 771.523 lb CO2/MWh
    assert _one(f, "T6:us_average:total_output", "CO2")["region"] == "US"
    assert _one(f, "T6:us_average:total_output", "CO2")["value"] == 771.523
    # row 354 PRMS has no grid gross loss in the sheet: absent, not zero
    assert not (f["factor_id"] == "T6:prms:grid_gross_loss").any()
    assert _one(f, "T6:prms:total_output", "CO2")["value"] == 1542.952


def test_egrid_regions_known_with_parent_us(hub: FactorSet, repo_root: Path) -> None:
    f = hub.factors
    regions = set(f.loc[f["factor_id"].str.startswith("T6:"), "region"]) - {"US"}
    assert len(regions) == 27  # SOURCE.txt: 27 subregions + US Average
    for code in regions:
        assert region_chain(code) == (code, "US", "GLOBAL"), code
    with (repo_root / "src/carbonledger/data/regions/us_egrid.csv").open(encoding="utf-8") as handle:
        listed = {row["code"]: row for row in csv.DictReader(handle)}
    assert set(listed) == regions
    assert {row["parent"] for row in listed.values()} == {"US"}
    assert all("eGRID2023" in row["source"] for row in listed.values())


def test_table7_is_natural_gas_at_80_percent(hub: FactorSet) -> None:
    f = hub.factors
    # Table 7 note: "These factors assume natural gas fuel is used to generate steam or heat at 80 percent
    # thermal efficiency" → Table 1 natural gas / 0.8, as printed (66.33, 1.25, 0.125)
    assert _one(f, "T7:steam_and_heat", "CO2")["value"] == pytest.approx(53.06 / 0.8, abs=0.005)
    assert _one(f, "T7:steam_and_heat", "CH4_fossil")["value"] == pytest.approx(1 / 0.8)
    assert _one(f, "T7:steam_and_heat", "N2O")["value"] == pytest.approx(0.1 / 0.8)
    assert _one(f, "T7:steam_and_heat", "CO2")["activity"] == "heat/purchased"


def test_table8_transport(hub: FactorSet) -> None:
    f = hub.factors
    # Table 8 row 425 'Medium- and Heavy-Duty Truck' per short ton-mile: 0.186 kg CO2, 0.0016 g CH4,
    # 0.0054 g N2O
    fid = "T8:medium_and_heavy_duty_truck:ton_mile"
    co2 = _one(f, fid, "CO2")
    assert (co2["value"], co2["unit"], co2["activity"]) == (
        0.186,
        "kg/(short_ton*mile)",
        "freight/road/medium_heavy_duty_truck",
    )
    assert _one(f, fid, "CH4")["value"] == 0.0016
    assert _one(f, fid, "N2O")["value"] == 0.0054
    # row 422, same vehicle per vehicle-mile: 1.298 kg CO2
    assert _one(f, "T8:medium_and_heavy_duty_truck:vehicle_mile", "CO2")["value"] == 1.298
    # a short ton-mile is 0.90718474 t x 1.609344 km (units.txt: ton_mile = short_ton * mile)
    assert multiplier("kg/(short_ton*mile)", "kg/tkm") == pytest.approx(1 / (0.90718474 * 1.609344))


def test_table9_waste(hub: FactorSet) -> None:
    f = hub.factors
    # Table 9 row 477 'Mixed MSW': Recycled NA, Landfilled 0.58, Combusted 0.43 t CO2e per short ton (AR4)
    row = _one(f, "T9:mixed_msw:landfilled", "CO2e")
    assert (row["value"], row["unit"], row["gwp_basis"], row["activity"]) == (
        0.58,
        "t CO2e/short_ton",
        "AR4",
        "waste/mixed_msw/landfill",
    )
    assert _one(f, "T9:mixed_msw:combusted", "CO2e")["value"] == 0.43
    assert not (f["factor_id"] == "T9:mixed_msw:recycled").any()  # 'NA' is absent, not zero
    # row 457 'Food Waste (non-meat)': anaerobically digested (wet) 0.11
    assert _one(f, "T9:food_waste_non_meat:anaerobically_digested_wet", "CO2e")["value"] == 0.11


def test_table9_counts_match_the_sheet(hub: FactorSet, sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    numeric = na = 0
    for row in sheet.iter_rows(min_row=436, max_row=496, min_col=4, max_col=9, values_only=True):
        numeric += sum(isinstance(v, (int, float)) for v in row)
        na += sum(v == "NA" for v in row)
    assert numeric + na == 61 * 6  # 61 materials x 6 routes, every cell a number or 'NA'
    assert (hub.factors["factor_id"].str.startswith("T9:")).sum() == numeric


def test_table10_travel_and_commuting(hub: FactorSet) -> None:
    f = hub.factors
    # Table 10 row 513 'Air Travel - Short Haul (< 300 miles)': 0.207 kg CO2, 0.0064 g CH4,
    # 0.0066 g N2O per passenger-mile
    air = _one(f, "T10:air_travel_short_haul", "CO2")
    assert (air["value"], air["unit"], air["activity"]) == (
        0.207,
        "kg/passenger_mile",
        "travel/air/short_haul/average",
    )
    assert air["flags"] == "secondary_source"  # EPA reuses Defra 2022 factors (2018 data)
    assert (air["valid_from"], air["valid_to"]) == ("2018-01-01", "2018-12-31")
    # row 504 'Passenger Car' for business travel and for commuting: 0.297 kg CO2/vehicle-mile
    assert _one(f, "T10:passenger_car", "CO2")["value"] == 0.297
    assert _one(f, "T10:passenger_car:commuting", "CO2")["activity"] == "commuting/car/average/unknown"
    assert not f["activity"].str.startswith("commuting/air").any()


# --------------------------------------------------------------------------------------
# EPA Hub: the whole table against the sheet
# --------------------------------------------------------------------------------------
def test_every_hub_value_is_its_source_cell(
    hub: FactorSet, sheet: openpyxl.worksheet.worksheet.Worksheet
) -> None:
    cell = re.compile(r"cell ([A-Z]+[0-9]+)")
    for ref, value in zip(hub.factors["source_ref"], hub.factors["value"], strict=True):
        match = cell.search(ref)
        assert match is not None, ref
        published = sheet[match.group(1)].value
        assert isinstance(published, (int, float)), ref
        assert value == pytest.approx(float(published), rel=1e-14, abs=0), ref


def test_table1_per_unit_equals_heat_content_times_per_mmbtu(hub: FactorSet) -> None:
    # Column check: EPA's per-unit columns H-J are HHV (D) x per-mmBtu (E-G), rounded as printed.
    f = hub.factors[hub.factors["factor_id"].str.startswith("T1:")]
    energy = f[f["factor_id"].str.endswith(":mmbtu")]
    hhv = energy[energy["parameter"] == "energy_per_unit"].set_index("activity")["value"]
    per_mmbtu = energy[energy["parameter"] == "emission_factor"].set_index(["activity", "gas"])["value"]
    per_unit = f[~f["factor_id"].str.endswith(":mmbtu")]
    assert len(per_unit) == 58 * 3
    for activity, gas, value in zip(per_unit["activity"], per_unit["gas"], per_unit["value"], strict=True):
        exponent = min(Decimal(repr(value)).normalize().as_tuple().exponent, 0)
        tolerance = 0.5 * 10.0**exponent + 1e-12  # half a unit of the last printed digit
        assert abs(value - hhv[activity] * per_mmbtu[(activity, gas)]) <= tolerance, (activity, gas)


def test_table11_matches_carbonledger_ar5(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    # Cross-check only (Table 11 is used by ipcc-gwp, not imported here): rows 524-555, AR5 100-year GWP
    rows = sheet.iter_rows(min_row=524, max_row=555, min_col=3, max_col=5, values_only=True)
    for name, formula, value in rows:
        label = str(name).replace("\xa0", "").strip()
        species = label if label.startswith("HFC") else str(formula).replace("\xa0", "").strip()
        species = {"c-C4F8": "cC4F8"}.get(species, species)
        assert gwp(species, "AR5") == value, species


def test_hub_units_parse_and_scf_is_its_own_dimension(hub: FactorSet) -> None:
    for unit in hub.factors["unit"].unique():
        parse_unit(unit)
    assert "[us_standard_volume]" in dimension_key("kg/scf")
    with pytest.raises(UnitError):
        multiplier("kg/scf", "kg/m**3")
    with pytest.raises(UnitError):
        multiplier("kg/scf", "kg/Nm3")


def test_hub_rebuild_matches(factors_root: Path) -> None:
    assert all(rebuild_matches(epa_hub, "2025", factors_root).values())


def test_hub_bad_workbook_reports_every_problem(factors_root: Path, tmp_path: Path) -> None:
    path = tmp_path / HUB_XLSX
    shutil.copyfile(factors_root / "epa-hub/2025/original" / HUB_XLSX, path)
    workbook = openpyxl.load_workbook(path)
    ws = workbook["Emission Factors Hub"]
    ws["C38"] = "Natural Gaz"  # a label the mapping does not know
    ws["E342"] = "n/a"  # a non-number in Table 6 (CAMX CO2)
    workbook.save(path)
    with pytest.raises(InputError) as caught:
        epa_hub.build("2025", tmp_path)
    problems = caught.value.problems
    assert any(p.row == 38 and p.field == "C38" and p.value == "Natural Gaz" for p in problems)
    assert any(p.row == 342 and p.field == "E342" for p in problems)
    assert all(p.file for p in problems)


# --------------------------------------------------------------------------------------
# Supply chain factors
# --------------------------------------------------------------------------------------
def test_naics_331110(sc: FactorSet) -> None:
    f = sc.factors
    # SOURCE.txt and CO2e file line 299: 331110 Iron and Steel Mills = 0.769 (without margins) /
    # 0.018 (margins) / 0.787 (with margins)
    with_m = _one(f, "331110:with_margins", "CO2e")
    without = _one(f, "331110:without_margins", "CO2e")
    assert (with_m["value"], with_m["unit"], with_m["gwp_basis"]) == (0.787, "kg CO2e/USD", "AR5")
    assert without["value"] == 0.769
    assert with_m["value"] - without["value"] == pytest.approx(0.018)
    assert (with_m["basis"], with_m["preference"]) == ("purchaser_price_with_margins", 0)
    assert (without["basis"], without["preference"]) == ("purchaser_price_without_margins", 1)
    for row in (with_m, without):
        assert row["activity"] == "spend/naics/331110" and row["region"] == "US"
        assert (row["valid_from"], row["valid_to"]) == ("2022-01-01", "2022-12-31")
        assert "2022 USD" in row["note"] and "purchaser price" in row["note"]
    # by-gas file line 5362: Carbon dioxide 7.22e-01 / 7.38e-01 kg per 2022 USD
    g = sc.tables["by_gas"]
    assert (
        _one(g, "331110:with_margins", "CO2")["value"],
        _one(g, "331110:with_margins", "CO2")["unit"],
    ) == (
        0.738,
        "kg/USD",
    )
    assert _one(g, "331110:without_margins", "CO2")["value"] == 0.722


def test_supply_chain_shape_and_manifest(sc: FactorSet) -> None:
    f = sc.factors
    assert len(f) == 1016 * 2 and set(f["gas"]) == {"CO2e"}  # SOURCE.txt: 1,016 NAICS rows
    assert set(f.groupby("factor_id").size()) == {1}
    assert len(sc.tables["by_gas"]) == 1016 * 2 * 18  # 18 GHG rows per code
    m = sc.manifest
    assert m.proxy_for_other_regions is True
    assert "2022" in m.units_conventions and "purchaser price" in m.units_conventions.lower()
    assert (m.valid_from.isoformat(), m.valid_to.isoformat()) == ("2022-01-01", "2022-12-31")
    assert any("proxy" in note for note in m.confidence_notes)
    assert m.gwp_basis == "AR5"


# EPA chemical names → formulas (IUPAC names; the formulas are those of Hub Table 11)
EPA_NAMES = {
    "Carbon dioxide": "CO2",
    "Methane": "CH4",
    "Nitrous oxide": "N2O",
    "Sulfur hexafluoride": "SF6",
    "Nitrogen trifluoride": "NF3",
    "Carbon tetrafluoride": "CF4",
    "Hexafluoroethane": "C2F6",
    "Perfluoropropane": "C3F8",
    "Perfluorobutane": "C4F10",
    "Perfluorocyclobutane": "cC4F8",
    "Perfluorohexane": "C6F14",
    "HFC-23": "HFC-23",
    "HFC-32": "HFC-32",
    "HFC-125": "HFC-125",
    "HFC-134a": "HFC-134a",
    "HFC-143a": "HFC-143a",
    "HFC-236fa": "HFC-236fa",
    "HFCs and PFCs, unspecified": "HFCs_PFCs_unspecified",
}


def test_gas_names_follow_the_published_names(sc: FactorSet, factors_root: Path) -> None:
    g = sc.tables["by_gas"]
    path = factors_root / "epa-supply-chain/1.3.0/original" / epa_supply_chain.GHG_FILE
    with path.open(encoding="utf-8") as handle:
        published = {(r["2017 NAICS Code"], r["GHG"]) for r in csv.DictReader(handle)}
    assert {ghg for _, ghg in published} == set(EPA_NAMES)
    line = re.compile(r"line (\d+) \((.+)\)")
    for ref, gas in zip(g["source_ref"].head(400), g["gas"].head(400), strict=True):
        match = line.search(ref)
        assert match is not None
        assert EPA_NAMES[match.group(2)] == gas
    for gas in set(EPA_NAMES.values()) - {"HFCs_PFCs_unspecified"}:
        for gwp_set in ("AR4", "AR5", "AR6"):
            assert gwp(gas, gwp_set) > 0


def test_per_gas_rows_reproduce_co2e_with_ar5(sc: FactorSet) -> None:
    # Independent check of the gas mapping: Σ mass_gas x GWP_AR5(gas) (+ the unspecified HFC/PFC CO2e)
    # equals the published CO2e total within the files' rounding (CO2e: 3 decimals; by gas: 3 sig. digits).
    g = sc.tables["by_gas"]
    ar5 = {gas: (1.0 if gas == "HFCs_PFCs_unspecified" else gwp(gas, "AR5")) for gas in g["gas"].unique()}
    terms = g["value"] * g["gas"].map(ar5)
    total = terms.groupby(g["factor_id"]).sum()
    tolerance = 0.0005 + 0.005 * terms.abs().groupby(g["factor_id"]).sum()
    published = sc.factors.set_index("factor_id")["value"].reindex(total.index)
    sample = ["331110:with_margins", "331110:without_margins", "111110:with_margins", "221100:with_margins"]
    for factor_id in [s for s in sample if s in total.index]:
        assert abs(total[factor_id] - published[factor_id]) <= tolerance[factor_id], factor_id
    assert ((total - published).abs() <= tolerance).all()  # and every other NAICS code
    # with AR4 weights the totals would NOT match everywhere (so the test can fail on a wrong basis)
    ar4 = {gas: (1.0 if gas == "HFCs_PFCs_unspecified" else gwp(gas, "AR4")) for gas in g["gas"].unique()}
    total_ar4 = (g["value"] * g["gas"].map(ar4)).groupby(g["factor_id"]).sum()
    assert not ((total_ar4 - published).abs() <= tolerance).all()


def test_every_supply_chain_value_is_its_source_line(sc: FactorSet, factors_root: Path) -> None:
    folder = factors_root / "epa-supply-chain/1.3.0/original"
    lines: dict[str, dict[int, dict[str, str]]] = {}
    for name in (epa_supply_chain.CO2E_FILE, epa_supply_chain.GHG_FILE):
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            lines[name] = {}
            for row in reader:
                lines[name][reader.line_num] = dict(zip(header, row, strict=True))
    ref = re.compile(r"^(\S+\.csv): line (\d+).*column '(.+)'$")
    for table in (sc.factors, sc.tables["by_gas"]):
        for source_ref, factor_id, value in zip(
            table["source_ref"], table["factor_id"], table["value"], strict=True
        ):
            match = ref.match(source_ref)
            assert match is not None, source_ref
            record = lines[match.group(1)][int(match.group(2))]
            assert record["2017 NAICS Code"] == factor_id.split(":")[0]
            assert float(record[match.group(3)]) == value
            expected_column = "with Margins" if factor_id.endswith(":with_margins") else "without Margins"
            assert match.group(3).endswith(expected_column)


def test_supply_chain_rebuild_matches(factors_root: Path) -> None:
    assert all(rebuild_matches(epa_supply_chain, "1.3.0", factors_root).values())


def test_supply_chain_bad_input_reports_every_problem(factors_root: Path, tmp_path: Path) -> None:
    folder = factors_root / "epa-supply-chain/1.3.0/original"
    shutil.copyfile(folder / epa_supply_chain.GHG_FILE, tmp_path / epa_supply_chain.GHG_FILE)
    text = (folder / epa_supply_chain.CO2E_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    text[298] = text[298].replace("0.787", "abc")  # line 299: 331110, 'with Margins'
    text[1] = text[1].replace("kg CO2e/2022 USD", "kg CO2e/2021 USD")  # line 2: wrong price year
    (tmp_path / epa_supply_chain.CO2E_FILE).write_text("".join(text), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        epa_supply_chain.build("1.3.0", tmp_path)
    problems = caught.value.problems
    assert any(p.row == 299 and p.field == "Supply Chain Emission Factors with Margins" for p in problems)
    assert any(p.row == 2 and p.field == "Unit" for p in problems)
    assert all(p.file == epa_supply_chain.CO2E_FILE for p in problems)
