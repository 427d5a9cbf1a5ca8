"""China factor sets: MEE/NBS electricity factors, ETS grid factor, heat default, the two fuel
table families (NDRC 2013 and GB/T 32151-2024), the partial NDRC power table and process factors.

Expected values are the ones in the ORIGINAL transcription CSVs (shared/data/china, stored
under factors/<set>/<edition>/original/), cited by their ``key`` column in each test. The
originals themselves are transcriptions of secondary sources (see their README).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from types import ModuleType

import pandas as pd
import pycountry
import pytest

from carbonledger.activities import is_valid_key
from carbonledger.errors import FactorSetError, InputError
from carbonledger.factors.importers import (
    cn_common,
    cn_electricity,
    cn_ets_grid,
    cn_fuel_gbt32151_2024,
    cn_fuel_ndrc2013,
    cn_fuel_ndrc2013_power,
    cn_heat_default,
    cn_process,
)
from carbonledger.factors.importers._base import rebuild_matches
from carbonledger.factors.resolve import resolve
from carbonledger.factors.store import FactorStore
from carbonledger.regions import is_known_region, region_chain
from carbonledger.units import multiplier, parse_unit

MODULES: list[tuple[ModuleType, str]] = [
    (cn_electricity, "2021"),
    (cn_electricity, "2022"),
    (cn_electricity, "2023"),
    (cn_ets_grid, "2022"),
    (cn_heat_default, "gbt32150-2025"),
    (cn_heat_default, "ndrc-guidelines"),
    (cn_fuel_ndrc2013, "2013"),
    (cn_fuel_gbt32151_2024, "2024"),
    (cn_fuel_ndrc2013_power, "2013"),
    (cn_process, "unattributed"),
]
ALL_EDITIONS = [f"{m.SET_ID}-{e}" for m, e in MODULES]


@pytest.fixture(scope="module")
def store(factors_root: Path) -> FactorStore:
    return FactorStore([factors_root], include_env=False, include_bundled=False)


def _one(frame: pd.DataFrame, factor_id: str, parameter: str = "emission_factor", gas: str | None = None):
    rows = frame[(frame["factor_id"] == factor_id) & (frame["parameter"] == parameter)]
    if gas is not None:
        rows = rows[rows["gas"] == gas]
    assert len(rows) == 1, f"{factor_id}/{parameter}/{gas}: {len(rows)} rows"
    return rows.iloc[0]


# --- cn-electricity ---------------------------------------------------------------------

# (edition, table2 key, value in kg CO2/kWh as in table2_electricity_co2_factors_2021_2023.csv,
#  expected region, expected activity)
SPOT = [
    ("2022", "cn.elec.2022.national.average", 0.5366, "CN", "electricity/grid"),
    (
        "2022",
        "cn.elec.2022.national.excl_market_nonfossil",
        0.5856,
        "CN",
        "electricity/grid_excl_market_nonfossil",
    ),
    ("2022", "cn.elec.2022.national.fossil", 0.8325, "CN", "electricity/grid_fossil"),
    ("2023", "cn.elec.2023.province.chongqing", 0.5581, "CN-CQ", "electricity/grid"),
    ("2022", "cn.elec.2022.province.sichuan", 0.1404, "CN-SC", "electricity/grid"),
    ("2023", "cn.elec.2023.region.southwest", 0.2472, "CN-GRID-SOUTHWEST", "electricity/grid"),
    ("2021", "cn.elec.2021.region.north", 0.7120, "CN-GRID-NORTH", "electricity/grid"),
]


@pytest.mark.parametrize(("edition", "key", "value", "region", "activity"), SPOT)
def test_electricity_spot_values(
    store: FactorStore, edition: str, key: str, value: float, region: str, activity: str
) -> None:
    row = _one(store.load(f"cn-electricity-{edition}").factors, key, gas="CO2")
    assert row["value"] == pytest.approx(value, abs=0)
    assert (row["region"], row["activity"], row["unit"]) == (region, activity, "kg/kWh")
    assert (row["valid_from"], row["valid_to"]) == (f"{edition}-01-01", f"{edition}-12-31")
    assert row["gwp_basis"] == ""  # a CO2 mass, not CO2e
    assert "secondary_source" in row["flags"].split("|")


def test_electricity_kg_per_kwh_equals_t_per_mwh() -> None:
    # the CSV states "kgCO2/kWh (= tCO2/MWh)"
    assert multiplier("kg/kWh", "t/MWh") == pytest.approx(1.0)


def test_2021_excl_market_nonfossil_is_low_confidence(store: FactorStore) -> None:
    # table2 key cn.elec.2021.national.excl_market_nonfossil = 0.5942, note "LOW confidence"
    row = _one(store.load("cn-electricity-2021").factors, "cn.elec.2021.national.excl_market_nonfossil")
    assert row["value"] == 0.5942
    assert row["confidence"] == "low"
    assert "low_confidence" in row["flags"].split("|")
    others = store.load("cn-electricity-2021").factors
    assert (others.loc[others["factor_id"] != row["factor_id"], "confidence"] != "low").all()


def test_2022_2023_national_and_regional_values_are_high(store: FactorStore) -> None:
    # data README: "high for 2022/2023 national and regional values"
    for edition in ("2022", "2023"):
        frame = store.load(f"cn-electricity-{edition}").factors
        top = frame[~frame["factor_id"].str.contains(".province.", regex=False)]
        assert len(top) == 10 and (top["confidence"] == "high").all()


def test_each_edition_has_3_national_7_regional_30_provincial_rows(store: FactorStore) -> None:
    for edition in ("2021", "2022", "2023"):
        frame = store.load(f"cn-electricity-{edition}").factors
        levels = frame["factor_id"].str.split(".").str[3].value_counts().to_dict()
        assert levels == {"national": 3, "region": 7, "province": 30}
        assert (frame["parameter"] == "emission_factor").all() and (frame["gas"] == "CO2").all()


def test_tibet_is_a_gap_not_a_row(store: FactorStore) -> None:
    for edition in ("2021", "2022", "2023"):
        factor_set = store.load(f"cn-electricity-{edition}")
        assert "CN-XZ" not in set(factor_set.factors["region"])
        assert any(f"cn.elec.{edition}.province.tibet" in n for n in factor_set.manifest.notes)


def test_province_regions_are_iso_3166_2_codes_of_the_named_province(store: FactorStore) -> None:
    table = {r["key"]: r for r in csv.DictReader(_package_csv("cn_provinces.csv"))}
    frame = store.load("cn-electricity-2023").factors
    provinces = frame[frame["factor_id"].str.contains(".province.", regex=False)]
    for _, row in provinces.iterrows():
        key = row["factor_id"].split(".")[-1]
        sub = pycountry.subdivisions.get(code=row["region"])
        assert sub is not None and sub.country_code == "CN"
        assert table[key]["iso_code"] == row["region"]
        assert table[key]["name_zh"] in row["name"]


def _package_csv(name: str) -> list[str]:
    path = Path(cn_common.__file__).with_name(name)
    return path.read_text(encoding="utf-8").splitlines()


def test_province_mapping_table_matches_pycountry() -> None:
    # the reviewable table cn_provinces.csv: code -> pycountry name, and the pinyin key is the
    # first word of the ISO name (two romanisations differ: Inner Mongolia / Tibet)
    aliases = {"inner_mongolia": "nei", "tibet": "xizang"}
    rows = list(csv.DictReader(_package_csv("cn_provinces.csv")))
    assert len(rows) == 31
    for r in rows:
        sub = pycountry.subdivisions.get(code=r["iso_code"])
        assert sub is not None and sub.name == r["pycountry_name"], r
        first = sub.name.split()[0].lower()
        assert aliases.get(r["key"], r["key"]) == first, r


# --- region hierarchy -------------------------------------------------------------------


def test_region_chain_walks_province_grid_country() -> None:
    assert region_chain("CN-CQ") == ("CN-CQ", "CN-GRID-SOUTHWEST", "CN", "GLOBAL")
    assert region_chain("CN-BJ") == ("CN-BJ", "CN-GRID-NORTH", "CN", "GLOBAL")
    # Inner Mongolia is split between 蒙东 and 蒙西; Tibet is in no source: parent CN
    assert region_chain("CN-NM") == ("CN-NM", "CN", "GLOBAL")
    assert region_chain("CN-XZ") == ("CN-XZ", "CN", "GLOBAL")
    for grid in ("NORTH", "NORTHEAST", "EAST", "CENTRAL", "NORTHWEST", "SOUTH", "SOUTHWEST"):
        assert region_chain(f"CN-GRID-{grid}") == (f"CN-GRID-{grid}", "CN", "GLOBAL")


def test_every_reparenting_row_cites_a_source(repo_root: Path) -> None:
    path = repo_root / "src/carbonledger/data/regions/cn_grid.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    reparented = [r for r in rows if r["parent"].startswith("CN-GRID-")]
    assert len(reparented) == 29  # 31 provinces minus CN-NM and CN-XZ
    for r in rows:
        assert r["source"].strip(), r["code"]
        assert is_known_region(r["code"])


def test_each_regional_factor_lies_within_its_provinces_range(store: FactorStore) -> None:
    # independent re-computation of the importer's consistency check, all three years
    for edition in ("2021", "2022", "2023"):
        grid = store.load(f"cn-electricity-{edition}").factors
        grid = grid[grid["activity"] == "electricity/grid"].set_index("region")["value"]
        regions = [r for r in grid.index if r.startswith("CN-GRID-")]
        assert len(regions) == 7
        for region in regions:
            members = [c for c in grid.index if len(region_chain(c)) > 2 and region_chain(c)[1] == region]
            assert members, region
            assert grid[members].min() <= grid[region] <= grid[members].max(), (edition, region)


def test_consistency_check_can_fail() -> None:
    frame = pd.DataFrame(
        {
            "activity": ["electricity/grid"] * 3,
            "region": ["CN-GRID-SOUTHWEST", "CN-CQ", "CN-SC"],
            "value": [0.9, 0.5581, 0.1564],  # 0.9 is outside [0.1564, 0.5581]
        }
    )
    with pytest.raises(FactorSetError, match="CN-GRID-SOUTHWEST"):
        cn_electricity.consistency_check(frame)


def test_resolution_uses_province_then_country(store: FactorStore) -> None:
    records = pd.DataFrame(
        {
            "activity": ["electricity/grid"] * 3,
            "unit": ["kWh", "MWh", "kWh"],
            "region": ["CN-CQ", "CN-XZ", "CN-GRID-SOUTHWEST"],
            "period_start": pd.to_datetime(["2023-03-01"] * 3),
        }
    )
    table = resolve(records, ["cn-electricity"], store=store).table
    assert list(table["factor_id"]) == [
        "cn.elec.2023.province.chongqing",
        "cn.elec.2023.national.average",  # Tibet: no factor → CN
        "cn.elec.2023.region.southwest",
    ]


# --- cn-ets-grid and cn-heat-default ----------------------------------------------------


def test_ets_grid_factor_2022(store: FactorStore) -> None:
    # table3 key cn.ets.grid.2022_reporting = 0.5703 tCO2/MWh
    factor_set = store.load("cn-ets-grid-2022")
    row = _one(factor_set.factors, "cn.ets.grid.2022_reporting", gas="CO2")
    assert (row["value"], row["unit"], row["region"]) == (0.5703, "t/MWh", "CN")
    assert (row["valid_from"], row["valid_to"]) == ("2022-01-01", "2022-12-31")
    assert "ets_reporting_factor" in row["flags"].split("|")
    assert "0.5366" in row["note"]  # says which other number it must not be confused with
    assert any("cn.ets.grid.2023_or_2024_reporting" in n for n in factor_set.manifest.notes)
    assert len(factor_set.factors) == 1


def test_heat_default_editions(store: FactorStore) -> None:
    # table3 keys cn.heat.default.gbt32150_2025 and cn.heat.default.ndrc_guidelines = 0.11 tCO2/GJ
    gbt = _one(store.load("cn-heat-default-gbt32150-2025").factors, "cn.heat.default.gbt32150_2025")
    old = _one(store.load("cn-heat-default-ndrc-guidelines").factors, "cn.heat.default.ndrc_guidelines")
    for row in (gbt, old):
        assert (row["value"], row["unit"], row["activity"], row["gas"]) == (
            0.11,
            "t/GJ",
            "heat/purchased",
            "CO2",
        )
    assert gbt["valid_from"] == "2026-07-01"  # GB/T 32150-2025 effective date (data README)
    assert old["valid_to"] == "2026-06-30"
    assert "clause_unverified" in old["flags"]


def test_heat_resolution_by_period(store: FactorStore) -> None:
    records = pd.DataFrame(
        {
            "activity": ["heat/purchased"] * 2,
            "unit": ["GJ"] * 2,
            "region": ["CN-GD"] * 2,
            "period_start": pd.to_datetime(["2025-01-01", "2027-01-01"]),
        }
    )
    table = resolve(records, ["cn-heat-default"], store=store).table
    assert list(table["factor_full_id"]) == [
        "cn-heat-default-ndrc-guidelines",
        "cn-heat-default-gbt32150-2025",
    ]


# --- fuel tables ------------------------------------------------------------------------


def test_two_fuel_families_stay_separate(store: FactorStore) -> None:
    # table1a ndrc2013.anthracite.ncv = 20.304 GJ/t; table1b gbt32151_2024_c1.anthracite.ncv = 26.7 GJ/t
    ndrc = store.load("cn-fuel-ndrc2013-2013").factors
    gbt = store.load("cn-fuel-gbt32151-2024-2024").factors
    a = _one(ndrc, "ndrc2013.anthracite", "ncv")
    b = _one(gbt, "gbt32151_2024_c1.anthracite", "ncv")
    assert (a["value"], a["unit"]) == (20.304, "GJ/t")
    assert (b["value"], b["unit"]) == (26.7, "GJ/t")
    assert a["activity"] == b["activity"] == "fuel/anthracite"
    assert a["value"] != b["value"]
    # no row of one family in the other
    assert ndrc["factor_id"].str.startswith(("ndrc2013.",)).all()
    assert gbt["factor_id"].str.startswith(("gbt32151_2024_c1.", "gbt32151_34_2024_c2.")).all()
    # other README family differences: lignite NCV 14.080 vs 11.9, LNG NCV 41.868 vs 51.498
    assert _one(ndrc, "ndrc2013.lignite", "ncv")["value"] == 14.080
    assert _one(gbt, "gbt32151_2024_c1.lignite", "ncv")["value"] == 11.9
    assert _one(ndrc, "ndrc2013.lng", "ncv")["value"] == 41.868
    assert _one(gbt, "gbt32151_2024_c1.lng", "ncv")["value"] == 51.498


def test_fuel_factor_has_three_parameters(store: FactorStore) -> None:
    frame = store.load("cn-fuel-ndrc2013-2013").factors
    coke = frame[frame["factor_id"] == "ndrc2013.coke"].set_index("parameter")
    # table1a ndrc2013.coke.ncv 28.447 GJ/t, carbon_content 29.50 tC/TJ, oxidation 0.93
    assert coke.loc["ncv", "value"] == 28.447
    assert coke.loc["carbon_content", "value"] == 29.50
    assert coke.loc["oxidation_factor", "value"] == 0.93
    assert coke.loc["carbon_content", "unit"] == "t/TJ"
    assert "CARBON" in coke.loc["carbon_content", "note"]
    assert parse_unit("t/TJ").gas is None  # stored without the 'C' marker
    assert coke.loc["oxidation_factor", "unit"] == "dimensionless"
    # hand computation of the CO2 factor per tonne: 28.447 GJ/t × 29.50 tC/TJ × 0.93 × 44/12
    ef = 28.447e-3 * 29.50 * 0.93 * 44 / 12
    got = (
        coke.loc["ncv", "value"]
        * multiplier("GJ/t", "TJ/t")
        * coke.loc["carbon_content", "value"]
        * coke.loc["oxidation_factor", "value"]
        * 44
        / 12
    )
    assert got == pytest.approx(ef, rel=1e-12)
    # by hand: 28.447 × 29.50 = 839.18650; × 0.93 = 780.443445; × 44/12 = 2861.626 kg = 2.861626 t
    assert got == pytest.approx(2.861626, abs=1e-6)  # t CO2 per t coke


def test_natural_gas_ncv_volume_units_with_pint(store: FactorStore) -> None:
    # table1a / table1b natural gas NCV 389.31 GJ/10^4Nm3 → 38.931 GJ per 1000 Nm3
    for ref, fid in (
        ("cn-fuel-ndrc2013-2013", "ndrc2013.natural_gas"),
        ("cn-fuel-gbt32151-2024-2024", "gbt32151_2024_c1.natural_gas"),
    ):
        row = _one(store.load(ref).factors, fid, "ncv")
        assert (row["value"], row["unit"]) == (389.31, "GJ/(10^4 Nm3)")
        assert row["value"] * multiplier(row["unit"], "GJ/(1000 Nm3)") == pytest.approx(38.931, rel=1e-12)
    # table1c ndrc2013_power.natural_gas.ncv 38931 kJ/Nm3 is the same quantity
    power = _one(store.load("cn-fuel-ndrc2013-power-2013").factors, "ndrc2013_power.natural_gas", "ncv")
    assert power["value"] * multiplier(power["unit"], "GJ/(1000 Nm3)") == pytest.approx(38.931, rel=1e-12)


def test_per_cent_oxidation_converted_to_fraction(store: FactorStore) -> None:
    # table1b gbt32151_2024_c1.anthracite.oxidation = 94 %
    row = _one(
        store.load("cn-fuel-gbt32151-2024-2024").factors, "gbt32151_2024_c1.anthracite", "oxidation_factor"
    )
    assert row["value"] == 0.94 and row["unit"] == "dimensionless"
    assert "94 % → 0.94" in row["note"]


def test_gbt_confidence_natural_gas_medium_others_low(store: FactorStore) -> None:
    frame = store.load("cn-fuel-gbt32151-2024-2024").factors
    fuels = frame[frame["factor_id"].str.startswith("gbt32151_2024_c1.")]
    gas = fuels["factor_id"] == "gbt32151_2024_c1.natural_gas"
    assert (fuels.loc[gas, "confidence"] == "medium").all()
    assert (fuels.loc[~gas, "confidence"] == "low").all()
    assert fuels.loc[~gas, "flags"].str.contains("low_confidence").all()


def test_carbonate_factors(store: FactorStore) -> None:
    frame = store.load("cn-fuel-gbt32151-2024-2024").factors
    # table1b gbt32151_34_2024_c2.CaCO3 = 0.440 tCO2/t carbonate; Li2CO3 0.595 (CONFLICT: S1 0.596)
    caco3 = _one(frame, "gbt32151_34_2024_c2.CaCO3", "carbonate_factor")
    assert (caco3["value"], caco3["unit"], caco3["activity"]) == (
        0.44,
        "t/t",
        "process/carbonate/calcium_carbonate",
    )
    li = _one(frame, "gbt32151_34_2024_c2.Li2CO3", "carbonate_factor")
    assert li["value"] == 0.595 and li["confidence"] == "low" and "source_conflict" in li["flags"]
    # stoichiometry cross-check: CO2/CaCO3 = 44.009/100.086 = 0.4397 → 0.440 (3 decimals)
    assert round(44.009 / 100.086, 3) == caco3["value"]


def test_power_table_partial_and_gaps(store: FactorStore) -> None:
    factor_set = store.load("cn-fuel-ndrc2013-power-2013")
    frame = factor_set.factors
    # table1c: 6 fuels; coke-oven-gas NCV only as a range → no ncv row
    assert frame["factor_id"].nunique() == 6
    cog = frame[frame["factor_id"] == "ndrc2013_power.coke_oven_gas"]
    assert list(cog["parameter"]) == ["carbon_content"]
    # crude oil carbon content 20.08 carries the README CONFLICT (20.10 elsewhere)
    crude = _one(frame, "ndrc2013_power.crude_oil", "carbon_content")
    assert crude["value"] == 20.08 and "source_conflict" in crude["flags"]
    # the MEE 2022 coal default 0.03085 tC/GJ is NOT a row, only a documented gap
    assert not frame["value"].isin([0.03085, 30.85]).any()
    assert any("0.03085" in n for n in factor_set.manifest.notes)
    assert any("12726~17981" in n for n in factor_set.manifest.notes)
    assert (frame["confidence"] == "low").all()


# --- process factors --------------------------------------------------------------------


def test_process_factors(store: FactorStore) -> None:
    factor_set = store.load("cn-process-unattributed")
    frame = factor_set.factors
    # table1d cement.clinker.portland 0.535 tCO2/t clinker
    portland = _one(frame, "cement.clinker.portland", gas="CO2")
    assert (portland["value"], portland["unit"], portland["activity"]) == (
        0.535,
        "t/t",
        "process/clinker/portland",
    )
    # table1d al.anode_effect.cf4_default 0.034, c2f6_default 0.0034 kg/t Al: one factor, two gases
    assert _one(frame, "al.anode_effect.default", gas="CF4")["value"] == 0.034
    assert _one(frame, "al.anode_effect.default", gas="C2F6")["value"] == 0.0034
    # deductions never resolve by activity; GWP rows are not factors
    deductions = frame[frame["factor_id"].str.startswith("cement.noncarbonate_deduction.")]
    assert len(deductions) == 30 and (deductions["activity"] == "").all()
    assert not frame["factor_id"].str.startswith("al.gwp").any()
    assert (frame["confidence"] == "low").all()
    assert frame["flags"].str.contains("UNVERIFIED").all()
    # table1d al.anode.sulfur_default 2 % → 0.02
    assert _one(frame, "al.anode.sulfur_default", "conversion_factor")["value"] == 0.02


def test_steel_products_are_not_activity_emission_factors(store: FactorStore) -> None:
    frame = store.load("cn-fuel-ndrc2013-2013").factors
    # table1a ndrc2013.steel.crude_steel 0.0154: carbon fixed in the product, subtracted
    steel = _one(frame, "ndrc2013.steel.crude_steel", "conversion_factor")
    assert steel["value"] == 0.0154 and steel["activity"] == ""
    limestone = _one(frame, "ndrc2013.steel.limestone", gas="CO2")
    assert (limestone["value"], limestone["activity"]) == (0.44, "process/limestone")


# --- every China set ----------------------------------------------------------------------


@pytest.mark.parametrize("full_id", ALL_EDITIONS)
def test_units_activities_regions_and_flags(store: FactorStore, full_id: str) -> None:
    factor_set = store.load(full_id)
    frame = factor_set.factors
    assert len(frame) > 0
    for unit in frame["unit"].unique():
        parse_unit(unit)
    for key in frame["activity"].unique():
        assert key == "" or is_valid_key(key)
    assert all(is_known_region(r) for r in frame["region"].unique())
    assert frame["flags"].str.contains("secondary_source").all()
    assert frame["source_ref"].str.contains(r"key=.+\(line \d+\)").all()
    assert frame["value"].map(math.isfinite).all()
    assert factor_set.manifest.gwp_basis == "none (gas masses)"


@pytest.mark.parametrize(("module", "edition"), MODULES, ids=ALL_EDITIONS)
def test_rebuild_matches(factors_root: Path, module: ModuleType, edition: str) -> None:
    result = rebuild_matches(module, edition, factors_root)
    assert result and all(result.values()), result


def test_bad_transcription_reports_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "key,name_zh,name_en,value,unit,source,note\n"
        "a.b.ncv,x,x,abc,GJ/t,S1,\n"
        "a.c.ncv,x,x,,GJ/t,S1,\n"
        "a.b.ncv,x,x,1,GJ/t,S1,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        cn_common.read_transcription(path)
    problems = info.value.problems
    assert [(p.file, p.row, p.field) for p in problems] == [
        ("bad.csv", 2, "value"),
        ("bad.csv", 3, "source"),
        ("bad.csv", 4, "key"),
    ]
