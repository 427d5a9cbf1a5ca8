"""OWID/Ember carbon intensity of electricity generation: a labelled location-based fallback.

Expected values come from the stored original
``factors/owid-ember/2025/original/carbon-intensity-electricity.csv`` (OWID grapher export),
read here with the csv module independently of the importer.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pycountry
import pytest

from carbonledger.factors.importers import owid_ember
from carbonledger.factors.importers._base import rebuild_matches
from carbonledger.factors.resolve import resolve
from carbonledger.factors.store import FactorSet, FactorStore
from carbonledger.regions import is_known_region
from carbonledger.units import multiplier


@pytest.fixture(scope="module")
def factor_set(factors_root: Path) -> FactorSet:
    store = FactorStore([factors_root], include_env=False, include_bundled=False)
    return store.load("owid-ember-2025")


@pytest.fixture(scope="module")
def original(factors_root: Path) -> list[dict[str, str]]:
    path = factors_root / "owid-ember/2025/original/carbon-intensity-electricity.csv"
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


def _value(original: list[dict[str, str]], entity: str, year: int) -> float:
    rows = [r for r in original if r["Entity"] == entity and r["Year"] == str(year)]
    assert len(rows) == 1
    return float(rows[0]["Carbon intensity of electricity per kWh"])


@pytest.mark.parametrize(
    ("factor_id", "entity", "region", "year", "literal"),
    [
        # original rows "China,CHN,2023,583.04" and "United Kingdom,GBR,2024,216.5"
        ("owid.CHN.2023", "China", "CN", 2023, 583.04),
        ("owid.GBR.2024", "United Kingdom", "GB", 2024, 216.5),
        ("owid.NAM.2024", "Namibia", "NA", 2024, 48.78),  # 'NA' must stay Namibia, not missing
    ],
)
def test_country_year_values(
    factor_set: FactorSet,
    original: list[dict[str, str]],
    factor_id: str,
    entity: str,
    region: str,
    year: int,
    literal: float,
) -> None:
    assert _value(original, entity, year) == literal
    rows = factor_set.factors[factor_set.factors["factor_id"] == factor_id]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["value"] == literal
    assert (row["region"], row["activity"], row["gas"], row["unit"]) == (
        region,
        "electricity/grid",
        "CO2e",
        "g CO2e/kWh",
    )
    assert (row["valid_from"], row["valid_to"]) == (f"{year}-01-01", f"{year}-12-31")
    assert row["gwp_basis"] == "unknown"


def test_unit_is_grams_co2e_per_kwh() -> None:
    # 583.04 g CO2e/kWh = 0.58304 kg CO2e/kWh
    assert 583.04 * multiplier("g CO2e/kWh", "kg CO2e/kWh") == pytest.approx(0.58304)


def test_every_row_is_a_flagged_fallback(factor_set: FactorSet) -> None:
    flags = factor_set.factors["flags"].str.split("|")
    for required in ("location_based_fallback", "generation_based", "lifecycle_basis"):
        assert flags.map(lambda f, r=required: r in f).all(), required
    partial = factor_set.factors["valid_from"].str.startswith("2025")
    assert factor_set.factors.loc[partial, "flags"].str.contains("provisional_partial_year").all()
    assert not factor_set.factors.loc[~partial, "flags"].str.contains("provisional").any()
    notes = " ".join(factor_set.manifest.confidence_notes)
    assert "NOT a residual mix" in notes and "GENERATION-based" in notes


def test_aggregates_are_excluded_and_listed(factor_set: FactorSet, original: list[dict[str, str]]) -> None:
    frame = factor_set.factors
    aggregates = {r["Entity"] for r in original if not r["Code"] or r["Code"].startswith("OWID_")}
    assert {"World", "ASEAN (Ember)", "European Union (27)", "Kosovo"} <= aggregates
    assert not frame["name"].isin(aggregates).any()
    assert not frame["factor_id"].str.contains("OWID_").any()
    listing = " ".join(factor_set.manifest.notes)
    for name in aggregates:
        assert name in listing
    # count of country rows, computed independently from the original
    countries = [r for r in original if len(r["Code"]) == 3 and not r["Code"].startswith("OWID")]
    assert len(frame) == len(countries)


def test_region_codes_are_iso_alpha2(factor_set: FactorSet) -> None:
    for code, factor_id in (
        factor_set.factors[["region", "factor_id"]].drop_duplicates("region").itertuples(index=False)
    ):
        assert len(code) == 2 and is_known_region(code)
        iso3 = factor_id.split(".")[1]
        assert pycountry.countries.get(alpha_3=iso3).alpha_2 == code


def test_one_factor_per_country_year(factor_set: FactorSet) -> None:
    frame = factor_set.factors
    assert not frame.duplicated(["region", "valid_from"]).any()


def test_resolution_as_fallback_after_an_official_set(factors_root: Path) -> None:
    store = FactorStore([factors_root], include_env=False, include_bundled=False)
    records = pd.DataFrame(
        {
            "activity": ["electricity/grid"] * 2,
            "unit": ["kWh"] * 2,
            "region": ["CN-CQ", "GB"],
            "period_start": pd.to_datetime(["2023-06-01", "2024-06-01"]),
        }
    )
    table = resolve(records, ["cn-electricity", "owid-ember"], store=store).table
    # China: the official MEE/NBS provincial factor wins; UK: OWID fallback (216.5 g CO2e/kWh)
    assert list(table["factor_id"]) == ["cn.elec.2023.province.chongqing", "owid.GBR.2024"]


def test_rebuild_matches(factors_root: Path) -> None:
    result = rebuild_matches(owid_ember, "2025", factors_root)
    assert result and all(result.values()), result
