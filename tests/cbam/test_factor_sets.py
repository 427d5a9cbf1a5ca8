"""The CBAM factor sets: rebuild from stored originals, agreement of the two default-value
transcriptions, and spot values quoted in shared/docs/regulatory-facts.md §A."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from carbonledger.factors.importers import importer_modules
from carbonledger.factors.importers._base import rebuild_matches
from carbonledger.factors.store import FactorStore

CBAM_SETS = {
    "cbam-default-values": ["2026-1740", "2025-2621"],
    "cbam-precursor-defaults": ["2025-2621"],
    "cbam-benchmarks": ["2025-2620"],
    "cbam-goods": ["23.00"],
    "cbam-markups": ["2026-1740"],
    "cbam-parameters": ["2026-11"],
}


@pytest.mark.parametrize(("set_id", "edition"), [(s, e) for s, eds in CBAM_SETS.items() for e in eds])
def test_rebuild_from_stored_originals_is_byte_identical(
    factors_root: Path, set_id: str, edition: str
) -> None:
    module = importer_modules()[set_id]
    result = rebuild_matches(module, edition, factors_root)
    assert result and all(result.values()), result


@pytest.fixture(scope="module")
def store(factors_root: Path) -> FactorStore:
    return FactorStore([factors_root], include_bundled=False, include_env=False)


def _tables(store: FactorStore) -> tuple[pd.DataFrame, pd.DataFrame]:
    new = store.load("cbam-default-values-2026-1740")
    old = store.load("cbam-default-values-2025-2621")
    return new.tables["default_values"], old.tables["default_values"]


def test_transcriptions_agree_as_the_data_readme_says(store: FactorStore) -> None:
    """shared/data/README.md: transcription (1) 'agrees with it on 9,070 country-good totals and
    differs by 0.001 t on 33 (rounding)'. Those counts come from joining on the country names
    as each transcription spells them and the CN code as published; reproduced here."""
    new, old = _tables(store)
    joined = new.merge(old, on=["country_name", "cn_code"], suffixes=("_new", "_old"))
    joined = joined[~joined.duplicated(["country_name", "cn_code"], keep=False)]
    both = joined[(joined["total_new"] != "") & (joined["total_old"] != "")]
    diff = (both["total_new"].astype(float) - both["total_old"].astype(float)).abs()
    assert int((diff < 1e-9).sum()) == 9070
    differing = diff[diff >= 1e-9]
    assert len(differing) == 33
    assert differing.max() == pytest.approx(0.001, abs=1e-9)


def test_transcriptions_full_join_on_iso_codes(store: FactorStore) -> None:
    """Joining on ISO codes (the name join above silently drops 11 differently spelled
    countries, among them 'Other countries and territories') and on colour variants: the
    complete comparison. One real difference beyond rounding: 'Other countries and
    territories' 7226 20 00, 5.500 in the 2026/1740 transcription vs 5.588 as first
    published."""
    new, old = _tables(store)
    joined = new.merge(old, on=["country", "cn8", "variant"], suffixes=("_new", "_old"))
    both = joined[(joined["total_new"] != "") & (joined["total_old"] != "")]
    diff = (both["total_new"].astype(float) - both["total_old"].astype(float)).abs()
    assert int((diff < 1e-9).sum()) == 10855
    assert int(((diff >= 1e-9) & (diff < 0.0011)).sum()) == 37
    big = both[diff >= 0.0011]
    assert list(zip(big["country"], big["cn8"], strict=True)) == [("OTHER", "72262000")]
    assert float(big["total_new"].iloc[0]) == 5.5 and float(big["total_old"].iloc[0]) == 5.588


def _dv(table: pd.DataFrame, country: str, code: str) -> float:
    row = table[(table["country"] == country) & (table["cn_code"] == code)]
    assert len(row) == 1, (country, code)
    return float(row["total"].iloc[0])


@pytest.mark.parametrize(
    ("code", "total"),
    [
        # regulatory-facts.md §A.3, China default values (IR 2025/2621 Annex I as in [DV-CSV])
        ("2523100090", 1.39),  # grey clinker
        ("25232900", 1.42),  # grey Portland cement
        ("7208", 3.187),  # hot-rolled flat
        ("72071210", 3.169),  # semis, rolled/continuously cast
        ("72071190", 3.314),  # semis, forged
        ("28041000", 26.64),  # hydrogen
        ("26011200", 0.26),  # agglomerated ore (0.20 direct + 0.06 indirect)
        ("31053000", 1.04),  # DAP
    ],
)
def test_china_defaults_quoted_in_regulatory_facts(store: FactorStore, code: str, total: float) -> None:
    new, _ = _tables(store)
    assert _dv(new, "CN", code) == pytest.approx(total, abs=1e-9)


def test_other_countries_reference_points(store: FactorStore) -> None:
    new, _ = _tables(store)
    # regulatory-facts §A.3 'Other reference points' [RN]: DRI 1.325, hydrogen 17.74
    assert _dv(new, "OTHER", "7203") == pytest.approx(1.325)
    assert _dv(new, "OTHER", "28041000") == pytest.approx(17.74)


def test_first_published_markup_columns_are_total_times_markup(store: FactorStore) -> None:
    """2025/2621 as first published: 2026/2027/2028 columns = total × 1.10/1.20/1.30
    (fertilisers × 1.01), rounded to 3 decimals (regulatory-facts §A.3)."""
    old = store.load("cbam-default-values-2025-2621").tables["default_values"]
    row = old[(old["country"] == "CN") & (old["cn_code"] == "7208")].iloc[0]
    assert (float(row["markup_2026"]), float(row["markup_2027"]), float(row["markup_2028"])) == (
        3.506,
        3.824,
        4.143,
    )
    urea = old[(old["country"] == "CN") & (old["cn_code"] == "28141000")].iloc[0]
    assert float(urea["markup_2026"]) == pytest.approx(round(4.36 * 1.01, 3))


def test_benchmarks_quoted_in_research_note(store: FactorStore) -> None:
    b = store.load("cbam-benchmarks-2025-2620").tables["benchmarks"]

    def value(code: str, column: str, route: str = "") -> float:
        rows = b[(b["cn8"] == code) & (b["column"] == column) & (b["route"] == route)]
        assert len(rows) == 1
        return float(rows["value"].iloc[0])

    # [RN] §4.7 (IR 2025/2620 Annex pt 5.3)
    assert [value("72081000", "B", r) for r in "CDE"] == [1.370, 0.481, 0.072]
    assert value("72081000", "A") == 0.044
    assert [value("72061000", "B", r) for r in "CDE"] == [1.288, 0.424, 0.027]
    assert value("72031000", "A") == 0.295 and value("72031000", "B") == 0.397
    assert value("28041000", "A") == 5.089
    assert value("26011200", "B") == 0.086
    assert set(b["flags"]) == {"provisional"}


def test_goods_annex_ii_flags(store: FactorStore) -> None:
    g = store.load("cbam-goods-23.00").tables["goods"].set_index("cn8")
    # Reg. 2023/956 Annex II: steel, aluminium, hydrogen, electricity direct only; sintered ore,
    # cement and fertilisers also count indirect emissions ([RN] §1.4, §1.6)
    assert g.loc["72081000", "direct_only"] == "true"
    assert g.loc["76011010", "direct_only"] == "true"
    assert g.loc["28041000", "direct_only"] == "true"
    assert g.loc["27160000", "direct_only"] == "true"
    assert g.loc["26011200", "direct_only"] == "false"
    assert g.loc["25232900", "direct_only"] == "false"
    assert g.loc["28141000", "direct_only"] == "false"
    # every aggregated goods category is either wholly Annex II or wholly not
    assert g.groupby("category")["direct_only"].nunique().max() == 1
    # 569 report-structure codes + the 3 urea codes of the 2025 CN (3102 10 12/15/19)
    assert len(g) == 572
    assert g.loc["31021019", "flags"] == "added_from_IR_2025_2620"


def test_parameters_cite_law_and_carry_flags(store: FactorStore) -> None:
    p = store.load("cbam-parameters-2026-11").tables["parameters"]
    assert (p["legal_citation"] != "").all()
    factors = p[p["parameter"] == "cbam_factor"].set_index("key")["value"].astype(float)
    # Dir. 2003/87/EC Art. 10a(1a) ([RN] §7.1)
    assert factors.to_dict() == {
        "2026": 0.975,
        "2027": 0.95,
        "2028": 0.9,
        "2029": 0.775,
        "2030": 0.515,
        "2031": 0.39,
        "2032": 0.265,
        "2033": 0.14,
        "2034": 0.0,
    }
    cscf = p[p["parameter"] == "cscf"].iloc[0]
    assert cscf["confidence"] == "UNVERIFIED" and "provisional" in cscf["flags"]
    for name in ("reference_boiler_efficiency", "waste_gas_efficiency_correction", "gwp_basis"):
        assert "UNVERIFIED" in p[p["parameter"] == name]["flags"].iloc[0]
