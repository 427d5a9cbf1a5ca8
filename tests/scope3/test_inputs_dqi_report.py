"""Currency and deflator arithmetic, input-table validation, data-quality aggregation, reports.

Rates: Federal Reserve G.5A (1 Feb 2024) annual averages, CNY per USD 2023 7.0809, 2022 6.7290;
USD per EUR 2023 1.0817. Price index: US BLS CPI-U annual averages 2022 292.655, 2023 304.702.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl import Workbook

from carbonledger.inventory.engine import run_inventory
from carbonledger.inventory.scope3.categories import CATEGORIES, category_table
from carbonledger.inventory.scope3.currency import convert_spend
from carbonledger.inventory.scope3.dqi import aggregate_dqi, geographical_score, temporal_score
from carbonledger.inventory.scope3.inputs import read_deflators, read_exchange_rates
from carbonledger.reports.scope3_sheet import add_scope3_sheet
from carbonledger.reports.xlsx import save_deterministic

RATES = pd.DataFrame(
    [
        dict(
            from_currency="USD",
            to_currency="CNY",
            year=2023,
            rate=7.0809,
            source="Fed G.5A",
            date="2024-02-01",
        ),
        dict(
            from_currency="EUR",
            to_currency="USD",
            year=2023,
            rate=1.0817,
            source="Fed G.5A",
            date="2024-02-01",
        ),
    ]
)
INDEX = pd.DataFrame(
    [
        dict(currency="USD", year=2022, index=292.655, series="CPI-U", source="US BLS", date="2024-01-11"),
        dict(currency="USD", year=2023, index=304.702, series="CPI-U", source="US BLS", date="2024-01-11"),
    ]
)


def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    rates, p1 = read_exchange_rates(RATES)
    index, p2 = read_deflators(INDEX)
    assert not p1 and not p2
    return rates, index


def test_convert_spend_both_rate_directions_and_deflation() -> None:
    rates, index = _tables()
    conv = convert_spend(
        np.array([7080.9, 1000.0, 500.0, 300.0]),
        np.array(["CNY", "EUR", "USD", "USD"], dtype=object),
        np.array([2023.0, 2023.0, 2022.0, 2023.0]),
        np.array(["USD", "USD", "USD", "USD"], dtype=object),
        np.array([2022.0, 2022.0, 2022.0, 2022.0]),
        rates,
        index,
    )
    deflate = 292.655 / 304.702
    # CNY: the table quotes USD→CNY 7.0809, so CNY→USD divides; EUR: EUR→USD multiplies by 1.0817
    assert conv.amount[0] == pytest.approx(7080.9 / 7.0809 * deflate)
    assert conv.amount[1] == pytest.approx(1000 * 1.0817 * deflate)
    assert conv.amount[2] == 500.0  # same currency, same year: unchanged
    assert conv.amount[3] == pytest.approx(300 * deflate)
    assert not conv.missing_rate.any() and not conv.missing_index.any()
    assert "÷ 7.0809 CNY/USD" in conv.text[0] and "× 1.0817 USD/EUR" in conv.text[1]


def test_convert_spend_reports_missing_rate_and_index() -> None:
    rates, index = _tables()
    conv = convert_spend(
        np.array([1.0, 1.0]),
        np.array(["JPY", "USD"], dtype=object),
        np.array([2023.0, 2021.0]),
        np.array(["USD", "USD"], dtype=object),
        np.array([2022.0, 2022.0]),
        rates,
        index,
    )
    assert conv.missing_rate.tolist() == [True, False]
    assert conv.missing_index.tolist() == [False, True] and conv.missing_index_year[1] == 2021
    assert np.isnan(conv.amount).all()


def test_rate_and_deflator_tables_need_source_date_and_valid_values() -> None:
    bad = pd.DataFrame(
        [
            dict(from_currency="USD", to_currency="CNY", year=2023, rate=7.08, source="", date="2024-02-01"),
            dict(from_currency="USD", to_currency="XXX", year=2023, rate=1, source="s", date="d"),
            dict(from_currency="USD", to_currency="CNY", year=2022, rate=-1, source="s", date="d"),
        ]
    )
    rates, problems = read_exchange_rates(bad)
    assert rates.empty
    assert {(p.row, p.field) for p in problems} == {(2, "source"), (3, "to_currency"), (4, "rate")}
    _, problems = read_deflators(
        pd.DataFrame([dict(currency="USD", year=2022, index=1.0, series="s", source="x")])
    )
    assert [(p.row, p.field) for p in problems] == [(1, "date")]


def test_temporal_and_geographical_scores() -> None:
    assert temporal_score(np.array([0, 2, 3, 5, 6, 9, 10, 14, 15, np.nan])).tolist() == [
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
    ]
    geo = geographical_score(
        np.array(["CN-SC", "CN-SC", "CN-SC", "CN-SC", "CN"], dtype=object),
        np.array(["CN-SC", "CN", "GLOBAL", "US", ""], dtype=object),
        np.array([False, False, False, False, False]),
    )
    assert geo.tolist() == [1, 2, 3, 4, 5]


def test_dqi_aggregation_is_emission_weighted_with_primary_share() -> None:
    rows = pd.DataFrame(
        {
            "tco2e": [30.0, 10.0, 0.0],
            "data_type": ["primary", "secondary", "secondary"],
            **{
                f"dqi_{k}": [1.0, 5.0, 3.0]
                for k in ("technological", "temporal", "geographical", "completeness", "reliability")
            },
            "dqi_score": [1.0, 5.0, 3.0],
            "category": ["1", "1", "4"],
        }
    )
    (overall,) = aggregate_dqi(rows)
    # weights 30 and 10 (the zero row carries no weight): (30×1 + 10×5) / 40 = 2.0
    assert overall["dqi_score"] == pytest.approx(2.0)
    assert overall["primary_share"] == pytest.approx(0.75) and overall["secondary_share"] == pytest.approx(
        0.25
    )
    by_cat = {e["key"]: e for e in aggregate_dqi(rows, "category")}
    assert by_cat["4"]["dqi_score"] is None and by_cat["4"]["tco2e"] == 0.0


def test_fifteen_categories_with_direction_and_boundary() -> None:
    assert list(CATEGORIES) == [str(i) for i in range(1, 16)]
    assert [c.direction for c in CATEGORIES.values()] == ["upstream"] * 8 + ["downstream"] * 7
    assert all(row["minimum_boundary"] and row["methods"] for row in category_table())


def test_workbook_scope3_sheet_and_json_reconcile(tmp_path: Path) -> None:
    rows = pd.DataFrame(
        [
            dict(
                record_id="spend",
                activity="spend/naics/334418",
                quantity=70_809,
                unit="CNY",
                price_year=2023,
                period="2023",
                region="CN-SC",
            ),
            dict(
                record_id="inv",
                activity="investment/equity",
                quantity=100,
                unit="t CO2e",
                attribution_factor=0.1,
                period="2023",
                region="CN",
            ),
            dict(
                record_id="elec",
                activity="electricity/grid",
                quantity=1000,
                unit="kWh",
                period="2023",
                region="CN-CQ",
            ),
        ]
    )
    res = run_inventory(
        rows, factor_sets=["cn-electricity", "epa-supply-chain"], exchange_rates=RATES, deflators=INDEX
    )
    assert not res.errors, res.errors
    totals = res.totals()
    scope3 = totals["by_scope"]["3"]
    assert math.fsum(totals["by_method"].values()) == pytest.approx(scope3, rel=1e-12)
    assert totals["by_method"]["investment_specific"] == pytest.approx(10.0)
    assert totals["scope3_data_quality"]["primary_share"] == pytest.approx(10.0 / scope3)
    payload = json.loads(json.dumps(res.to_json(include_records=False), default=str))
    assert {c["category"] for c in payload["scope3"]["by_category"]} == {"1", "15"}
    workbook = Workbook()
    add_scope3_sheet(workbook, res)
    path = save_deterministic(workbook, tmp_path / "scope3.xlsx")
    ws = openpyxl.load_workbook(path)["Scope 3"]
    assert ws["B3"].value == pytest.approx(scope3, rel=1e-12)
    labels = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    listed = {str(v).split(" ")[0] for v in labels if v}
    assert all(f"3.{i}" in listed for i in range(1, 16))  # all 15 categories listed, calculated or not
    trail = res.labelled()
    assert {"s3_method", "data_type", "dqi_score"} <= set(trail.columns)
    assert trail.loc[trail["record_id"] == "elec", "s3_method"].eq("").all()  # Scope 2 rows carry none
