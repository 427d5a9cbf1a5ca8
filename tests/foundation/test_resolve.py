"""Factor resolution precedence: pin → set priority → region chain → period → preference.

The factor values below are the MEE/NBS electricity CO2 factors (kg CO2/kWh) for data years
2022 and 2023 (公告2024年第33号, 公告2025年第47号; shared/data/china table2): Chongqing
0.5227 (2022) and 0.5581 (2023), national 0.5366 (2022) and 0.5306 (2023). They are only
test data here; precedence is what is tested.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from carbonledger.errors import FactorNotFoundError
from carbonledger.factors.resolve import resolve
from carbonledger.factors.store import FactorStore
from carbonledger.factors.user_sets import write_user_set


def _row(
    fid: str, activity: str, region: str, year: int, value: float, unit: str, **extra: object
) -> dict[str, object]:
    return dict(
        factor_id=fid,
        activity=activity,
        region=region,
        valid_from=f"{year}-01-01",
        valid_to=f"{year}-12-31",
        gas=extra.pop("gas", "CO2"),
        value=value,
        unit=unit,
        **extra,
    )


@pytest.fixture()
def store(tmp_path: Path) -> FactorStore:
    for year, cq, cn in [(2022, 0.5227, 0.5366), (2023, 0.5581, 0.5306)]:
        write_user_set(
            pd.DataFrame(
                [
                    _row(f"cq{year}", "electricity/grid", "CN-CQ", year, cq, "kg/kWh"),
                    _row(f"cn{year}", "electricity/grid", "CN", year, cn, "kg/kWh"),
                ]
            ),
            tmp_path,
            "cnelec",
            str(year),
            title="test",
            publisher="test",
        )
    write_user_set(
        pd.DataFrame(
            [
                _row("world", "electricity/grid", "GLOBAL", 2025, 450.0, "g CO2e/kWh", gas="CO2e"),
                _row(
                    "ng_gross", "fuel/natural_gas", "GB", 2025, 0.18, "kg CO2e/kWh", gas="CO2e", preference=0
                ),
                _row("ng_net", "fuel/natural_gas", "GB", 2025, 0.20, "kg CO2e/kWh", gas="CO2e", preference=1),
                _row("ng_m3", "fuel/natural_gas", "GB", 2025, 2.0, "kg CO2e/m**3", gas="CO2e"),
                _row("tie_a", "fuel/lpg", "GB", 2025, 1.0, "kg CO2e/L", gas="CO2e"),
                _row("tie_b", "fuel/lpg", "GB", 2025, 1.1, "kg CO2e/L", gas="CO2e"),
                _row("late", "fuel/coal", "GB", 2026, 2.4, "kg CO2e/kg", gas="CO2e"),
            ]
        ),
        tmp_path,
        "other",
        "2025",
        title="test",
        publisher="test",
    )
    write_user_set(
        pd.DataFrame(
            [
                _row("spend", "spend/naics/331110", "US", 2022, 0.787, "kg CO2e/USD", gas="CO2e"),
            ]
        ),
        tmp_path,
        "eeio",
        "2022",
        title="test",
        publisher="test",
        proxy_for_other_regions=True,
    )
    return FactorStore([tmp_path], include_bundled=False, include_env=False)


def _records(**columns: list[object]) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    return frame


def test_region_chain_province_to_country(store: FactorStore) -> None:
    recs = _records(
        activity=["electricity/grid"] * 2,
        unit=["kWh"] * 2,
        region=["CN-CQ", "CN-SC"],
        period_start=["2023-06-01", "2023-06-01"],
    )
    table = resolve(recs, ["cnelec", "other"], store=store).table
    assert list(table["factor_id"]) == ["cq2023", "cn2023"]
    assert "region_fallback" in str(table["resolution_flags"].iloc[1])
    assert "region fallback to CN" in str(table["resolution"].iloc[1])


def test_period_falls_back_to_nearest_earlier_edition_flagged(store: FactorStore) -> None:
    recs = _records(
        activity=["electricity/grid"], unit=["MWh"], region=["CN-CQ"], period_start=["2025-03-01"]
    )
    table = resolve(recs, ["cnelec"], store=store).table
    assert table["factor_id"].iloc[0] == "cq2023"
    assert table["factor_full_id"].iloc[0] == "cnelec-2023"
    assert "period_fallback" in str(table["resolution_flags"].iloc[0])
    assert "PERIOD FALLBACK" in str(table["resolution"].iloc[0])


def test_exact_edition_wins_over_later_one(store: FactorStore) -> None:
    recs = _records(
        activity=["electricity/grid"], unit=["kWh"], region=["CN-CQ"], period_start=["2022-05-01"]
    )
    assert resolve(recs, ["cnelec"], store=store).table["factor_id"].iloc[0] == "cq2022"


def test_set_priority_beats_region_specificity(store: FactorStore) -> None:
    # 'other' has only a GLOBAL factor, 'cnelec' has CN-CQ; the first set in the list wins
    recs = _records(
        activity=["electricity/grid"], unit=["kWh"], region=["CN-CQ"], period_start=["2025-01-01"]
    )
    assert resolve(recs, ["other", "cnelec"], store=store).table["factor_id"].iloc[0] == "world"
    assert resolve(recs, ["cnelec", "other"], store=store).table["factor_id"].iloc[0] == "cq2023"


def test_pinned_factor_wins(store: FactorStore) -> None:
    recs = _records(
        activity=["electricity/grid"],
        unit=["kWh"],
        region=["CN-CQ"],
        period_start=["2023-01-01"],
        factor_id=["cn2022"],
        factor_set=["cnelec"],
    )
    table = resolve(recs, ["other"], store=store).table
    assert table["factor_id"].iloc[0] == "cn2022"
    flags = str(table["resolution_flags"].iloc[0])
    assert "pinned" in flags and "pinned_period_mismatch" in flags


def test_set_pin_restricts_the_record(store: FactorStore) -> None:
    recs = _records(
        activity=["electricity/grid"],
        unit=["kWh"],
        region=["CN-CQ"],
        period_start=["2025-01-01"],
        factor_set=["other"],
    )
    assert resolve(recs, ["cnelec", "other"], store=store).table["factor_id"].iloc[0] == "world"


def test_unit_dimension_selects_the_factor_and_preference_breaks_ties(store: FactorStore) -> None:
    recs = _records(
        activity=["fuel/natural_gas"] * 2,
        unit=["MWh", "m3"],
        region=["GB"] * 2,
        period_start=["2025-01-01"] * 2,
    )
    table = resolve(recs, ["other"], store=store).table
    assert list(table["factor_id"]) == ["ng_gross", "ng_m3"]


def test_equal_candidates_are_flagged_ambiguous(store: FactorStore) -> None:
    recs = _records(activity=["fuel/lpg"], unit=["L"], region=["GB"], period_start=["2025-01-01"])
    table = resolve(recs, ["other"], store=store).table
    assert table["factor_id"].iloc[0] == "tie_a"
    assert "ambiguous_choice" in str(table["resolution_flags"].iloc[0])


def test_regional_proxy_is_flagged(store: FactorStore) -> None:
    recs = _records(activity=["spend/naics/331110"], unit=["USD"], region=["CN"], period_start=["2022-01-01"])
    table = resolve(recs, ["eeio"], store=store).table
    assert table["factor_id"].iloc[0] == "spend"
    assert "regional_proxy" in str(table["resolution_flags"].iloc[0])


def test_every_unresolvable_record_is_listed_with_its_reason(store: FactorStore) -> None:
    recs = _records(
        record_id=["r1", "r2", "r3", "r4", "r5", "r6"],
        row=[2, 3, 4, 5, 6, 7],
        activity=[
            "fuel/natural_gsa",
            "fuel/natural_gas",
            "fuel/coal",
            "electricity/grid",
            "fuel/natural_gas",
            "electricity/grid",
        ],
        unit=["kWh", "t", "kg", "kWh", "kWh", "kWh"],
        region=["GB", "GB", "GB", "XX-NOPE", "US", "CN"],
        period_start=["2025-01-01", "2025-01-01", "2025-01-01", "2025-01-01", "2025-01-01", "2021-01-01"],
    )
    with pytest.raises(FactorNotFoundError) as info:
        resolve(recs, ["cnelec", "other"], store=store)
    problems = {p.record_id: p for p in info.value.problems}
    assert set(problems) == {"r1", "r2", "r3", "r4", "r5", "r6"}
    assert "did you mean fuel/natural_gas" in problems["r1"].message
    assert problems["r2"].field == "unit" and "energy" in problems["r2"].message
    assert problems["r3"].field == "period" and "2026-01-01" in problems["r3"].message
    assert problems["r4"].field == "region"
    assert problems["r5"].field == "region" and "GB" in problems["r5"].message
    assert problems["r6"].field == "period"
    assert problems["r2"].row == 3


def test_many_records_map_back_to_the_right_factor(store: FactorStore) -> None:
    n = 5000
    recs = _records(
        activity=["electricity/grid"] * n,
        unit=["kWh", "MWh"] * (n // 2),
        region=(["CN-CQ", "CN"] * n)[:n],
        period_start=(["2022-01-01", "2023-01-01"] * n)[:n],
    )
    table = resolve(recs, ["cnelec"], store=store).table
    expected = [
        f"{'cq' if r == 'CN-CQ' else 'cn'}{p[:4]}"
        for r, p in zip(recs["region"], recs["period_start"].astype(str), strict=True)
    ]
    assert list(table["factor_id"]) == expected


def test_pinning_an_edition_already_in_the_run_does_not_duplicate_factors(store: FactorStore) -> None:
    # regression: factor_set=cnelec-2022 with "cnelec" in the run loaded that edition twice
    recs = _records(activity=["electricity/grid"], unit=["kWh"], region=["CN-CQ"], period_start=["2022-01-01"],
                    factor_set=["cnelec-2022"])
    resolution = resolve(recs, ["cnelec"], store=store)
    assert resolution.table["factor_id"].iloc[0] == "cq2022"
    rows = resolution.factor_rows()
    assert len(rows) == 1
