"""UK DESNZ conversion factors (set ``desnz``, editions 2024 and 2025).

Expected values are read off the publisher's flat files and cited by DESNZ ID and sheet
row of 'Factors by Category' (ghg-conversion-factors-2024-FlatFormat_v1_1.xlsx and
ghg-conversion-factors-2025-flat-format.xlsx, stored under factors/desnz/<edition>/original/).
They are checked through the LOADED set, i.e. after import, write and hash verification.
The independent checks of the original (grouping of IDs, 2024 copy integrity) read the
stored workbook directly with openpyxl, not through the importer.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from carbonledger.errors import InputError
from carbonledger.factors.diff import diff_editions
from carbonledger.factors.importers import desnz
from carbonledger.factors.importers._base import rebuild_matches
from carbonledger.factors.resolve import resolve
from carbonledger.factors.store import FactorSet, FactorStore
from carbonledger.gwp import gwp
from carbonledger.units import multiplier, parse_unit


@pytest.fixture(scope="module")
def store(factors_root: Path) -> FactorStore:
    return FactorStore(roots=[factors_root], include_env=False, include_bundled=False)


@pytest.fixture(scope="module")
def d25(store: FactorStore) -> FactorSet:
    return store.load("desnz-2025")


@pytest.fixture(scope="module")
def d24(store: FactorStore) -> FactorSet:
    return store.load("desnz-2024")


def _row(factor_set: FactorSet, factor_id: str, gas: str, parameter: str = "emission_factor") -> pd.Series:
    f = factor_set.factors
    hit = f[(f["factor_id"] == factor_id) & (f["gas"] == gas) & (f["parameter"] == parameter)]
    assert len(hit) == 1, f"{factor_id}/{gas}/{parameter}: {len(hit)} rows"
    return hit.iloc[0]


# (DESNZ ID, sheet row, gas, value, activity, unit) — 2025 flat file, 'Factors by Category'
SPOT_2025 = [
    # Natural gas, kWh (Gross CV): CO2e total and per-gas rows
    ("1_100_1004_6_1", 83, "CO2e", 0.18296, "fuel/natural_gas", "kg CO2e/kWh"),
    ("1_100_1004_6_2", 84, "CO2", 0.18259, "fuel/natural_gas", "kg CO2e/kWh"),
    ("1_100_1004_6_3", 85, "CH4_fossil", 0.00028, "fuel/natural_gas", "kg CO2e/kWh"),
    ("1_100_1004_6_4", 86, "N2O", 0.00009, "fuel/natural_gas", "kg CO2e/kWh"),
    # Diesel (average biofuel blend), litres
    ("1_101_1011_8_1", 187, "CO2e", 2.57082, "fuel/diesel", "kg CO2e/L"),
    ("1_101_1011_8_2", 188, "CO2", 2.53763, "fuel/diesel", "kg CO2e/L"),
    ("1_101_1011_8_4", 190, "N2O", 0.0329, "fuel/diesel", "kg CO2e/L"),
    # UK electricity, kWh (Scope 2)
    ("7_400_4000_5_1", 3066, "CO2e", 0.177, "electricity/grid", "kg CO2e/kWh"),
    ("7_400_4000_5_2", 3067, "CO2", 0.17489, "electricity/grid", "kg CO2e/kWh"),
    # Freighting goods, HGV (all diesel), All HGVs, Average laden, tonne.km
    ("27_304_3140_14_1", 6389, "CO2e", 0.10163, "freight/road/hgv/all_hgvs/laden_average", "kg CO2e/tkm"),
    # Waste disposal: paper and board (mixed) to landfill; food and drink waste to landfill
    ("20_506_5453_15_1", 4401, "CO2e", 1164.4894, "waste/paper_mixed/landfill", "kg CO2e/t"),
    ("20_507_5292_15_1", 4240, "CO2e", 700.30886, "waste/food_and_drink/landfill", "kg CO2e/t"),
    # Material use: steel cans, primary material production
    ("19_504_5116_15_1", 4064, "CO2e", 2863.90131, "material/steel_cans/primary", "kg CO2e/t"),
    # Hotel stay, UK and London, per room night
    ("29_600_4000_13_1", 7395, "CO2e", 10.4, "travel/hotel/GB", "kg CO2e/room_night"),
    ("29_600_4001_13_1", 7396, "CO2e", 11.5, "travel/hotel/GB/london", "kg CO2e/room_night"),
    # Flights, short-haul economy, with and without RF
    ("21_316_3164_11_1", 4426, "CO2e", 0.12576, "travel/air/short_haul/economy", "kg CO2e/pkm"),
    ("21_316_3165_11_1", 4430, "CO2e", 0.07435, "travel/air/short_haul/economy", "kg CO2e/pkm"),
    # Outside of scopes: forecourt diesel, biogenic CO2 per litre
    ("99_604_1011_8_2", 8690, "CO2_biogenic", 0.14, "outside_scopes/fuel/diesel", "kg CO2e/L"),
    # Water supply per cubic metre and per million litres
    ("17_404_4005_1_1", 3944, "CO2e", 0.1913, "water/supply", "kg CO2e/m**3"),
    ("17_404_4005_10_1", 3945, "CO2e", 191.30156, "water/supply", "kg CO2e/megaliter"),
]


@pytest.mark.parametrize(("desnz_id", "sheet_row", "gas", "value", "activity", "unit"), SPOT_2025)
def test_spot_values_2025(
    d25: FactorSet, desnz_id: str, sheet_row: int, gas: str, value: float, activity: str, unit: str
) -> None:
    factor_id = desnz_id.rsplit("_", 1)[0]
    row = _row(d25, factor_id, gas)
    assert row["value"] == pytest.approx(value, rel=1e-12)
    assert row["activity"] == activity
    assert row["unit"] == unit
    assert row["source_ref"] == f"Factors by Category row {sheet_row}, ID {desnz_id}"
    assert row["region"] == "GB"
    assert (row["valid_from"], row["valid_to"]) == ("2025-01-01", "2025-12-31")
    assert row["gwp_basis"] == "AR5"


# 2024 flat file, 'Factors by Category' (same rows as 2025: the layout did not change)
SPOT_2024 = [
    ("1_100_1004_6_1", 83, "CO2e", 0.1829),
    ("1_100_1004_6_2", 84, "CO2", 0.18253),
    ("1_100_1004_6_3", 85, "CH4_fossil", 0.00028),
    ("1_100_1004_6_4", 86, "N2O", 0.00009),
    ("1_101_1011_8_1", 187, "CO2e", 2.51279),
    ("1_101_1011_8_2", 188, "CO2", 2.4796),
    ("7_400_4000_5_1", 3066, "CO2e", 0.20705),
    ("27_304_3140_14_1", 6389, "CO2e", 0.09752),
    ("20_506_5453_15_1", 4401, "CO2e", 1164.39015),
    ("19_504_5116_15_1", 4064, "CO2e", 2854.91851),
    ("29_600_4000_13_1", 7395, "CO2e", 10.4),
    ("99_604_1011_8_2", 8690, "CO2_biogenic", 0.16),
]


@pytest.mark.parametrize(("desnz_id", "sheet_row", "gas", "value"), SPOT_2024)
def test_spot_values_2024(d24: FactorSet, desnz_id: str, sheet_row: int, gas: str, value: float) -> None:
    row = _row(d24, desnz_id.rsplit("_", 1)[0], gas)
    assert row["value"] == pytest.approx(value, rel=1e-12)
    assert row["source_ref"] == f"Factors by Category row {sheet_row}, ID {desnz_id}"
    assert (row["valid_from"], row["valid_to"]) == ("2024-01-01", "2024-12-31")


def test_secr_energy_per_unit(d25: FactorSet) -> None:
    # 6_300_3000_4_5 (row 2628): SECR kWh, Mini diesel car, 0.42263 kWh (Net CV) per km
    row = _row(d25, "6_300_3000_4", "", "energy_per_unit")
    assert row["value"] == pytest.approx(0.42263, rel=1e-12)
    assert row["unit"] == "kWh/km"
    assert row["activity"] == "vehicle/car/mini/diesel"
    assert row["gwp_basis"] == ""


def test_gross_and_net_cv_basis(d25: FactorSet) -> None:
    # 1_100_1004_6 is kWh (Gross CV), 1_100_1004_7 kWh (Net CV): 0.2027 kg CO2e/kWh (row 79)
    assert _row(d25, "1_100_1004_6", "CO2e")["basis"] == "gross_cv"
    net = _row(d25, "1_100_1004_7", "CO2e")
    assert net["basis"] == "net_cv"
    assert net["value"] == pytest.approx(0.2027, rel=1e-12)


def _complete_groups(frame: pd.DataFrame) -> pd.DataFrame:
    ef = frame[frame["parameter"] == "emission_factor"]
    wide = ef.pivot_table(index="factor_id", columns="gas", values="value", aggfunc="first")
    co2 = wide["CO2"]
    ch4_columns = [c for c in wide.columns if str(c).startswith("CH4")]
    ch4 = wide[ch4_columns].sum(axis=1, min_count=1)
    out = pd.DataFrame({"total": wide["CO2e"], "co2": co2, "ch4": ch4, "n2o": wide["N2O"]})
    return out.dropna()


@pytest.mark.parametrize("edition", ["2024", "2025"])
def test_per_gas_rows_sum_to_total(store: FactorStore, edition: str) -> None:
    frame = store.load(f"desnz-{edition}").factors
    groups = _complete_groups(frame)
    # every value is published rounded to 5 decimals (error <= 0.5e-5 each), so
    # |total - (CO2 + CH4 + N2O)| <= 4 x 0.5e-5 = 2e-5 kg CO2e per unit
    diff = (groups["total"] - groups["co2"] - groups["ch4"] - groups["n2o"]).abs()
    assert len(groups) == 1302
    assert diff.max() <= 2e-5 + 1e-12
    fuels = frame.loc[frame["activity"].str.startswith("fuel/"), "factor_id"].unique()
    fuel_groups = groups.loc[groups.index.intersection(fuels)]
    assert len(fuel_groups) >= 100  # Fuels sheet: 31 fuels x 3-5 units, all with per-gas rows


@pytest.mark.parametrize("edition", ["2024", "2025"])
def test_rebuild_matches(factors_root: Path, edition: str) -> None:
    assert all(rebuild_matches(desnz, edition, factors_root).values())


KEY_FUELS = [
    "natural_gas",
    "diesel",
    "gasoline",
    "lpg",
    "lng",
    "cng",
    "propane",
    "butane",
    "heavy_fuel_oil",
    "gas_oil",
    "kerosene",
    "jet_fuel",
    "aviation_gasoline",
    "naphtha",
    "coal",
    "coking_coal",
    "petroleum_coke",
    "wood_pellets",
    "wood_chips",
    "wood_logs",
    "biodiesel",
    "bioethanol",
    "biogas",
    "landfill_gas",
]


@pytest.mark.parametrize("fuel", KEY_FUELS)
def test_mapping_covers_key_fuels(d25: FactorSet, fuel: str) -> None:
    activities = set(d25.factors["activity"])
    assert f"fuel/{fuel}" in activities
    assert f"wtt/fuel/{fuel}" in activities


def test_key_fuel_names(d25: FactorSet) -> None:
    f = d25.factors
    names = {
        "fuel/kerosene": "Burning oil",
        "fuel/jet_fuel": "Aviation turbine fuel",
        "fuel/aviation_gasoline": "Aviation spirit",
        "fuel/heavy_fuel_oil": "Fuel oil",
        "fuel/coal": "Coal (industrial)",
    }
    for key, desnz_name in names.items():
        assert (f.loc[f["activity"] == key, "name"].str.contains(desnz_name, regex=False)).all(), key


def test_all_units_parse_and_every_row_has_a_value(d25: FactorSet, d24: FactorSet) -> None:
    for factor_set in (d24, d25):
        f = factor_set.factors
        assert len(f) == 7029  # 'Factors by Category' rows with a value, both editions
        assert f["value"].notna().all()
        for unit in f["unit"].unique():
            parse_unit(unit)
    # conversions a user relies on
    assert multiplier("kg CO2e/tkm", "kg CO2e/(t*km)") == pytest.approx(1.0)
    assert multiplier("kg CO2e/megaliter", "kg CO2e/m**3") == pytest.approx(1e-3)


def test_every_key_has_a_family(d25: FactorSet) -> None:
    from carbonledger.activities import family_of

    keys = set(d25.factors["activity"]) - {""}
    assert not [k for k in keys if family_of(k) is None]
    expected = {
        "wtt/travel/air/long_haul/business": ("3", "6"),
        "wtt/freight/sea/container_ship/average": ("3", "4"),
        "wtt/fuel/diesel": ("3", "3"),
        "electricity/td_losses/ev/car/medium/bev": ("3", "3"),
        "outside_scopes/fuel/diesel": (None, None),
        "leased_upstream/vehicle/car/average/unknown": ("3", "8"),
    }
    for key, (scope, category) in expected.items():
        family = family_of(key)
        assert family is not None and (family.scope, family.category) == (scope, category), key


def test_gas_naming(d25: FactorSet) -> None:
    f = d25.factors
    ch4 = f[f["gas"].str.startswith("CH4")]
    by_activity = dict(zip(ch4["activity"], ch4["gas"], strict=False))
    assert by_activity["fuel/natural_gas"] == "CH4_fossil"
    assert by_activity["vehicle/car/medium/diesel"] == "CH4_fossil"
    assert by_activity["travel/air/long_haul/business"] == "CH4_fossil"
    assert by_activity["electricity/grid"] == "CH4"
    assert by_activity["heat/purchased"] == "CH4"
    assert by_activity["travel/rail/national"] == "CH4"
    assert by_activity["travel/car/medium/bev"] == "CH4"
    outside = f[f["scope"] == "Outside of Scopes"]
    assert set(outside["gas"]) == {"CO2_biogenic"}
    assert (outside["flags"] == "outside_scopes").all()
    assert set(f.loc[f["parameter"] == "energy_per_unit", "gas"]) == {""}


def _record(activity: str, unit: str, period: str = "2025-06-30") -> pd.DataFrame:
    return pd.DataFrame(
        {"activity": [activity], "unit": [unit], "region": ["GB"], "period_start": [pd.Timestamp(period)]}
    )


@pytest.mark.parametrize(
    ("activity", "unit", "expected"),
    [
        # DESNZ Fuels sheet row 12: forecourt diesel -> 'Diesel (average biofuel blend)'
        ("fuel/diesel", "L", "1_101_1011_8"),
        # grid 'Natural gas', not the 100% mineral blend (1_100_1005_*)
        ("fuel/natural_gas", "m**3", "1_100_1004_1"),
        # kWh: gross CV (1_100_1004_6) wins over net CV (1_100_1004_7)
        ("fuel/natural_gas", "MWh", "1_100_1004_6"),
        # aviation: with RF (DESNZ 'Business travel- air' row 47) wins over without RF
        ("travel/air/short_haul/economy", "pkm", "21_316_3164_11"),
        ("freight/air/long_haul", "tkm", "27_317_3156_14"),
        # vehicle km: the km factor wins over miles, and the emission factor over the SECR kWh
        ("vehicle/car/mini/diesel", "km", "4_300_3000_4"),
        ("vehicle/car/mini/diesel", "mile", "4_300_3000_4"),
        # refrigerant: Kyoto-only constituents (row 'Emissions including only Kyoto products')
        ("refrigerant/R-410A", "kg", "3_201_2156_3"),
        ("water/supply", "L", "17_404_4005_1"),
    ],
)
def test_defaults_resolve(store: FactorStore, activity: str, unit: str, expected: str) -> None:
    resolution = resolve(_record(activity, unit), ["desnz-2025"], store=store)
    assert resolution.table["factor_id"].iloc[0] == expected
    assert "ambiguous_choice" not in str(resolution.table["resolution_flags"].iloc[0])


def test_no_ambiguous_candidates(d25: FactorSet) -> None:
    from carbonledger.factors.resolve import activity_dimension

    f = d25.factors[d25.factors["activity"] != ""].drop_duplicates("factor_id")
    dims = [activity_dimension(p, u) for p, u in zip(f["parameter"], f["unit"], strict=True)]
    assert not f.assign(dim=dims).duplicated(["activity", "dim", "preference"]).any()


def test_gwp_basis_is_ar5(d25: FactorSet) -> None:
    """DESNZ claims AR5 GWP100. The 'Refrigerant & other' rows (kg CO2e per kg of gas) of
    every Kyoto-basket pure species must then equal the AR5 values of the ipcc-gwp set
    (GHG Protocol AR5 table)."""
    f = d25.factors
    kyoto = f[
        f["name"].str.startswith("Refrigerant & other > Kyoto protocol products") & (f["activity"] != "")
    ]
    checked = 0
    for activity, value in zip(kyoto["activity"], kyoto["value"], strict=True):
        species = activity.split("/", 1)[1]
        if species in {"C4F10", "C5F12", "C6F14", "C10F18", "cC3F6"}:
            continue  # not in the GHG Protocol AR5 table used by ipcc-gwp
        assert value == pytest.approx(gwp(species, "AR5"), abs=0.5), species
        checked += 1
    assert checked >= 50  # both 'Kyoto only' and 'Total' rows of ~28 species
    assert _row(d25, "3_200_2003_3", "CO2e")["value"] == 28.0  # methane, AR5
    # blends, 'Emissions including only Kyoto products' (published as integers): AR5 GWP of the
    # HFC/PFC constituents from the EPA Hub Table 12 composition, sum(w_i x GWP_i)
    blends = f[f["activity"].str.startswith("refrigerant/R-4") & (f["preference"] == 10)]
    known = [
        (a, v)
        for a, v in zip(blends["activity"], blends["value"], strict=True)
        if a.split("/")[1] in _EPA_BLENDS
    ]
    assert len(known) >= 20
    for activity, value in known:
        assert value == pytest.approx(gwp(activity.split("/")[1], "AR5"), abs=0.5), activity
    assert _row(d25, "3_200_2006_3", "CO2e")["value"] == 265.0  # nitrous oxide, AR5


_EPA_BLENDS = {
    "R-401A",
    "R-401B",
    "R-401C",
    "R-402A",
    "R-402B",
    "R-403B",
    "R-404A",
    "R-407A",
    "R-407B",
    "R-407C",
    "R-407D",
    "R-408A",
    "R-410A",
    "R-410B",
    "R-411A",
    "R-411B",
    "R-417A",
    "R-422A",
    "R-422D",
    "R-424A",
    "R-426A",
    "R-428A",
    "R-434A",
}  # blends with a composition in EPA Hub 2025 Table 12 (factors/ipcc-gwp/*/blends.csv)


def test_diff_counts_match_source_statement(store: FactorStore) -> None:
    # shared/data/desnz/SOURCE.txt: "all 8,740 IDs shared; 2,874 values changed" (7,029 values)
    result = diff_editions(store.load("desnz-2024"), store.load("desnz-2025"))
    assert len(result.changed) == 2874
    assert result.unchanged == 7029 - 2874
    assert len(result.added) == len(result.removed) == len(result.unit_changed) == 0


def test_cli_diff(factors_root: Path) -> None:
    from carbonledger.cli import app

    out = CliRunner().invoke(app, ["factors", "diff", "desnz-2024", "desnz-2025", "--limit", "3"])
    assert out.exit_code == 0, out.output
    assert "2,874 changed" in out.output


def _original(factors_root: Path, edition: str) -> list[tuple[object, ...]]:
    path = factors_root / "desnz" / edition / "original" / desnz.FILES[edition]
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(workbook["Factors by Category"].iter_rows(min_row=7, values_only=True))
    workbook.close()
    return [r for r in rows if r[0]]


@pytest.mark.parametrize("edition", ["2024", "2025"])
def test_id_grouping_in_original(factors_root: Path, edition: str) -> None:
    """Independent check of the factor_id assumption on the stored original: the last ID
    component encodes GHG/Unit, and rows sharing the rest describe one activity."""
    codes = {
        "kg CO2e": "1",
        "kg CO2e of CO2 per unit": "2",
        "kg CO2e of CH4 per unit": "3",
        "kg CO2e of N2O per unit": "4",
        "kWh (Net CV)": "5",
        "kWh (net)": "6",
    }
    seen: dict[str, tuple[object, ...]] = {}
    rows = _original(factors_root, edition)
    assert len(rows) == 8740
    for r in rows:
        stem, last = str(r[0]).rsplit("_", 1)
        assert codes[str(r[8])] == last, r[0]
        described = tuple(r[1:8])
        assert seen.setdefault(stem, described) == described, r[0]
    assert len(seen) == 3997


def test_2024_copy_factor_sheet_not_altered_by_user_sheets(factors_root: Path) -> None:
    """The 2024 copy has user-added sheets. 'Sheet1' repeats rows of the factor sheet and
    adds values for cells that are BLANK in DESNZ's sheet; the factor sheet keeps them blank."""
    path = factors_root / "desnz" / "2024" / "original" / desnz.FILES["2024"]
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    assert workbook.sheetnames == ["Front page", "Factors by Category", "Sheet1", "Sheet2"]
    sheet1 = [r[:10] for r in workbook["Sheet1"].iter_rows(min_row=2, values_only=True) if r[0]]
    workbook.close()
    factor_sheet = {str(r[0]): r[9] for r in _original(factors_root, "2024")}
    same = [r for r in sheet1 if factor_sheet[str(r[0])] == r[9]]
    blank_in_desnz = [r for r in sheet1 if factor_sheet[str(r[0])] is None]
    assert len(same) + len(blank_in_desnz) == len(sheet1) == 67
    assert len(blank_in_desnz) == 28
    paths_2024 = {str(r[0]): tuple(r[1:9]) for r in _original(factors_root, "2024")}
    paths_2025 = {str(r[0]): tuple(r[1:9]) for r in _original(factors_root, "2025")}
    assert set(paths_2024) == set(paths_2025)
    # category texts agree except DESNZ's 2025 renaming of the waste route 'Combustion'
    differ = {i: (paths_2024[i], paths_2025[i]) for i in paths_2024 if paths_2024[i] != paths_2025[i]}
    assert len(differ) == 42
    for old, new in differ.values():
        assert (old[5], new[5]) == ("Combustion", "Incineration with Energy Recovery")
        assert old[:5] + old[6:] == new[:5] + new[6:]


def _mini_workbook(path: Path, rows: list[tuple[object, ...]], year: int = 2025) -> None:
    workbook = openpyxl.Workbook()
    front = workbook.active
    front.title = "Front page"
    front.append(["UK Government GHG Conversion Factors for Company Reporting"])
    front.append(["Version:", 1, "Year:", year])
    sheet = workbook.create_sheet("Factors by Category")
    for _ in range(5):
        sheet.append([None])
    sheet.append([*desnz.HEADER, "GHG Conversion Factor 2025"])
    for row in rows:
        sheet.append(list(row))
    sheet.append([None, "END"])
    workbook.save(path)


def test_bad_input_reports_every_problem(tmp_path: Path) -> None:
    ng = ("Scope 1", "Fuels", "Gaseous fuels", "Natural gas", None, None, "kWh (Gross CV)")
    _mini_workbook(
        tmp_path / desnz.FILES["2025"],
        [
            ("1_100_1004_6_1", *ng, "kg CO2e", 0.18296),  # row 7: fine
            ("1_100_1004_6_2", *ng, "kg CO2e of CH4 per unit", 0.1),  # row 8: suffix 2 is CO2
            ("1_100_1004_6_4", *ng, "kg CO2e of N2O per unit", "n/a"),  # row 9: not a number
            (  # row 10: a category path with no row in desnz_mapping.csv
                "1_100_9999_6_1",
                "Scope 1",
                "Fuels",
                "Gaseous fuels",
                "Unobtainium",
                None,
                None,
                "kWh",
                "kg CO2e",
                1.0,
            ),
            ("1_100_1004_6_3", *ng, "kg CH4", 0.1),  # row 11: unknown GHG/Unit
        ],
        year=2024,
    )
    with pytest.raises(InputError) as caught:
        desnz.build("2025", tmp_path)
    problems = {(p.row, p.field) for p in caught.value.problems}
    assert (8, "ID") in problems
    assert (9, "GHG Conversion Factor 2025") in problems
    assert (10, "Level 1") in problems  # path without a mapping row
    assert (11, "GHG/Unit") in problems
    assert (None, "Year") in problems  # Front page says 2024
    assert all(p.file == desnz.FILES["2025"] for p in caught.value.problems)
