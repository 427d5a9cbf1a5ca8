"""Bad input: every problem named with sheet, row and field, all at once."""

from __future__ import annotations

from typing import Any

import pytest
from openpyxl import load_workbook

from carbonledger.errors import Problem
from carbonledger.regimes.china_ets import run_china_ets

from .conftest import CO2_PER_C, Builder
from .originals import original

FUELS = "燃料 Fuels"


def gas_rows(quantity: float, unit: str, ncv_unit: str = "GJ/(10^4 Nm3)", ncv: float = 389.31) -> list[dict[str, Any]]:
    return [
        {"month": m + 1, "fuel": "天然气", "consumption": quantity, "unit": unit, "ncv": ncv, "ncv_unit": ncv_unit}
        for m in range(12)
    ]


def clinker(months: int = 12) -> list[dict[str, Any]]:
    return [{"month": m + 1, "clinker": 1000.0} for m in range(months)]


def find(problems: list[Problem], field: str, severity: str = "error") -> list[Problem]:
    return [p for p in problems if p.field == field and p.severity == severity]


def test_ten_thousand_nm3_units_are_equivalent(workbook: Builder) -> None:
    """50 万Nm3 = 50 × 10^4 Nm3 = 500 000 Nm3; NCV 389.31 GJ/10^4 Nm3 (NDRC 2013 family, stored original)."""
    ncv = original("ndrc2013", "ndrc2013.natural_gas.ncv")
    cc = original("ndrc2013", "ndrc2013.natural_gas.carbon_content")
    of = original("ndrc2013", "ndrc2013.natural_gas.oxidation")
    expected = 12 * 50 * ncv * cc / 1000 * of * CO2_PER_C
    totals = []
    for i, (q, unit, ncv_unit) in enumerate(
        [(50, "万Nm3", "GJ/万Nm3"), (50, "10^4 Nm3", "GJ/(10^4 Nm3)"), (500_000, "Nm3", "GJ/(10^4 Nm3)"),
         (50, "10⁴Nm³", "GJ/10^4Nm3")]
    ):
        path = workbook("cement", name=f"u{i}.xlsx", fuels=gas_rows(q, unit, ncv_unit), production=clinker())
        r = run_china_ets(path, sector="cement", year=2025)
        assert not r.errors, (unit, r.errors)
        totals.append(r.by_source_type()["fuel_combustion"])
    assert totals == pytest.approx([expected] * 4)


def test_actual_cubic_metres_are_refused(workbook: Builder) -> None:
    r = run_china_ets(workbook("cement", fuels=gas_rows(50, "万m3"), production=clinker()), sector="cement", year=2025)
    errors = find(r.problems, "unit")
    assert len(errors) == 12 and errors[0].sheet == FUELS and errors[0].row == 3
    assert "Nm3" in (errors[0].accepted or "")


def test_missing_and_duplicate_months(workbook: Builder) -> None:
    rows = gas_rows(1, "万Nm3")[:10]
    rows.append(dict(rows[4]))  # month 5 twice
    r = run_china_ets(workbook("cement", fuels=rows, production=clinker(11)), sector="cement", year=2025)
    missing = [p for p in r.errors if p.code == "missing_months"]
    assert {(p.sheet, p.field) for p in missing} == {(FUELS, "month"), ("生产 Production", "month")}
    fuel_missing = next(p for p in missing if p.sheet == FUELS)
    assert "11, 12" in fuel_missing.message and fuel_missing.row == 3
    assert "12" in next(p for p in missing if p.sheet != FUELS).message
    duplicate = [p for p in r.errors if p.code == "duplicate_month"]
    assert len(duplicate) == 1 and duplicate[0].row == 13 and "first on row 7" in duplicate[0].message


def test_unknown_fuel(workbook: Builder) -> None:
    rows = gas_rows(1, "万Nm3")
    rows[2]["fuel"] = "unobtainium"
    r = run_china_ets(workbook("cement", fuels=rows, production=clinker()), sector="cement", year=2025)
    errors = find(r.problems, "fuel")
    assert len(errors) == 1
    assert (errors[0].sheet, errors[0].row, errors[0].value) == (FUELS, 5, "unobtainium")
    assert "烟煤" in (errors[0].accepted or "")


def test_negative_stock_change(workbook: Builder) -> None:
    rows = [{"month": m + 1, "fuel": "柴油", "purchased": 10.0, "stock_start": 5.0, "stock_end": 8.0, "unit": "t"}
            for m in range(12)]
    rows[6]["stock_end"] = 40.0  # 10 + 5 − 40 = −25
    r = run_china_ets(workbook("cement", fuels=rows, production=clinker()), sector="cement", year=2025)
    errors = find(r.problems, "stock_end")
    assert len(errors) == 1
    e = errors[0]
    assert (e.sheet, e.row) == (FUELS, 9) and "-25" in e.message and e.file == "facility.xlsx"


def test_percentage_oxidation_and_formula_cells(workbook: Builder) -> None:
    rows = gas_rows(1, "万Nm3")
    rows[0]["oxidation_factor"] = 99
    path = workbook("cement", fuels=rows, production=clinker())
    wb = load_workbook(path)
    wb[FUELS]["C4"] = "=1+1"  # consumption of month 2 as a formula
    wb.save(path)
    r = run_china_ets(path, sector="cement", year=2025)
    of = find(r.problems, "oxidation_factor")
    assert len(of) == 1 and of[0].row == 3 and "percentage" in of[0].message
    formula = [p for p in r.errors if p.code == "formula"]
    assert len(formula) == 1 and (formula[0].row, formula[0].field) == (4, "consumption")


def test_year_sector_and_region_mismatches(workbook: Builder) -> None:
    path = workbook("cement", fuels=gas_rows(1, "万Nm3"), production=clinker(),
                    info={"year": 2024, "region": "GB", "sector": "steel"})
    r = run_china_ets(path, sector="cement", year=2025)
    fields = {p.field: p for p in r.errors if p.sheet == "基本信息 Info"}
    assert set(fields) == {"year", "region", "sector"}
    assert fields["year"].row == 5  # Info sheet: header row, then name, credit code, sector, year


def test_process_type_not_in_the_sector(workbook: Builder) -> None:
    process = [{"month": 1, "type": "electrode", "material": "electrode", "quantity": 1.0, "unit": "t"},
               {"month": 1, "type": "clinker", "material": "no such clinker", "quantity": 1.0, "unit": "t"},
               {"month": 13, "type": "clinker", "material": "portland", "quantity": 1.0, "unit": "t"}]
    r = run_china_ets(workbook("cement", fuels=gas_rows(1, "万Nm3"), process=process, production=clinker()),
                      sector="cement", year=2025)
    assert sorted((p.row, p.field) for p in r.errors if p.sheet == "过程 Process") == [
        (3, "type"), (4, "material"), (5, "month")
    ]


def test_every_problem_is_reported_at_once(workbook: Builder) -> None:
    rows = gas_rows(1, "万Nm3")
    rows[1]["fuel"] = "???"
    rows[2]["unit"] = "m3"
    rows[3]["consumption"] = "lots"
    r = run_china_ets(workbook("cement", fuels=rows, production=clinker(11)), sector="cement", year=2025)
    where = {(p.sheet, p.row, p.field) for p in r.errors}
    assert {(FUELS, 4, "fuel"), (FUELS, 5, "unit"), (FUELS, 6, "consumption")} <= where
    assert any(p.sheet == "生产 Production" and p.code == "missing_months" for p in r.errors)


def test_province_by_chinese_name(workbook: Builder) -> None:
    path = workbook("cement", fuels=gas_rows(1, "万Nm3"), production=clinker(), info={"region": "重庆市"})
    r = run_china_ets(path, sector="cement", year=2025)
    assert not r.errors and r.region == "CN-CQ"
