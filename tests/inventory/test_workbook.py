"""The disclosure workbook: sheets, reconciliation with the trail, citations, problems,
byte-identical reruns and formula-safe text.

Expected numbers are computed here by hand from the example's activity file and the
published factors (not read back from the code):

* MEE/NBS 公告2025年第47号 (2023 electricity CO2 factors; the latest edition, used for 2025 data
  with a period_fallback flag): Chongqing 0.5581 kg CO2/kWh; national average excluding
  market-traded non-fossil electricity 0.6096 kg CO2/kWh (the residual-mix proxy).
* Purchased heat default 0.11 t CO2/GJ (NDRC guideline family, cn-heat-default).

The fuel and refrigerant lines are checked against their sources in ``test_methods.py``.
"""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from carbonledger.cli.demo import CHONGQING_FACTOR_SETS
from carbonledger.inventory.engine import run_inventory
from carbonledger.inventory.result import InventoryResult
from carbonledger.reports.flag_legend import FLAGS, describe_flag, split_flags
from carbonledger.reports.inventory_workbook import (
    SHEET_ABOUT,
    SHEET_FACTORS,
    SHEET_FLAGS,
    SHEET_PROBLEMS,
    SHEET_SCOPE2,
    SHEET_SOURCES,
    SHEET_SUMMARY,
    SHEET_TRAIL,
    write_inventory_workbook,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chongqing_auto_parts"


@pytest.fixture(scope="module")
def example_result() -> InventoryResult:
    result = run_inventory(
        EXAMPLE / "activities.csv",
        instruments=EXAMPLE / "instruments.csv",
        factor_sets=CHONGQING_FACTOR_SETS,
        year=2025,
    )
    assert not result.errors, result.errors
    return result


@pytest.fixture(scope="module")
def example_book(example_result: InventoryResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_inventory_workbook(example_result, tmp_path_factory.mktemp("wb") / "inventory.xlsx")


def _table(ws: Worksheet, header_row: int = 1) -> pd.DataFrame:
    """A sheet's table keyed by the English first line of each bilingual header."""
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    header = [str(h).split("\n")[0] if h is not None else "" for h in rows[0]]
    return pd.DataFrame(rows[1:], columns=header)


def _find(ws: Worksheet, text: str, column: int = 1) -> int:
    for row in range(1, ws.max_row + 1):
        value = ws.cell(row=row, column=column).value
        if isinstance(value, str) and value.startswith(text):
            return row
    raise AssertionError(f"{text!r} not found in column {column} of {ws.title}")


def test_sheets_in_order(example_book: Path) -> None:
    names = load_workbook(example_book).sheetnames
    expected = [
        SHEET_SUMMARY,
        SHEET_SCOPE2,
        SHEET_TRAIL,
        SHEET_FACTORS,
        SHEET_SOURCES,
        SHEET_PROBLEMS,
        SHEET_FLAGS,
        SHEET_ABOUT,
    ]
    assert [n for n in names if n in expected] == expected
    # the Scope 3 sheet, when present, sits between Scope 2 and the trail
    if "Scope 3" in names:
        assert names.index(SHEET_SCOPE2) < names.index("Scope 3") < names.index(SHEET_TRAIL)


def test_summary_totals_equal_the_trail(example_book: Path) -> None:
    wb = load_workbook(example_book)
    summary, trail = wb[SHEET_SUMMARY], _table(wb[SHEET_TRAIL])
    by_basis = {
        key: math.fsum(trail.loc[trail["Reported in"].str.startswith(label), "t CO2e"])
        for key, label in (
            ("1", "Scope 1"),
            ("2_location", "Scope 2, location-based"),
            ("2_market", "Scope 2, market-based"),
            ("3", "Scope 3"),
        )
    }
    s1, s2, s3, total = (
        _find(summary, "Scope 1 –"),
        _find(summary, "Scope 2 –"),
        _find(summary, "Scope 3 –"),
        _find(summary, "Total (Scope 1 + 2 + 3)"),
    )

    # column D = location-based, column E = market-based. A spreadsheet keeps 15-16 significant
    # digits (openpyxl writes %.16g), so the file reconciles to 1e-12, far below the 1 kg shown.
    def same(a: object, b: float) -> bool:
        return bool(a == pytest.approx(b, rel=1e-12, abs=1e-12))

    assert same(summary.cell(row=s1, column=4).value, by_basis["1"])
    assert summary.cell(row=s1, column=4).value == summary.cell(row=s1, column=5).value
    assert same(summary.cell(row=s2, column=4).value, by_basis["2_location"])
    assert same(summary.cell(row=s2, column=5).value, by_basis["2_market"])
    assert same(summary.cell(row=s3, column=4).value, by_basis["3"])
    location_rows = trail["Reported in"].str.match(r"Scope (1|2, location-based|3)\b")
    market_rows = trail["Reported in"].str.match(r"Scope (1|2, market-based|3)\b")
    assert same(summary.cell(row=total, column=4).value, math.fsum(trail.loc[location_rows, "t CO2e"]))
    assert same(summary.cell(row=total, column=5).value, math.fsum(trail.loc[market_rows, "t CO2e"]))
    # the market-based total is lower: certificates cover 4 600 MWh
    assert summary.cell(row=total, column=5).value < summary.cell(row=total, column=4).value


def test_summary_writes_the_results_totals(example_book: Path, example_result: InventoryResult) -> None:
    totals = example_result.totals()
    summary = load_workbook(example_book)[SHEET_SUMMARY]
    total = _find(summary, "Total (Scope 1 + 2 + 3)")
    assert summary.cell(row=total, column=4).value == float(f"{totals['tco2e']:.16g}")
    assert summary.cell(row=total, column=5).value == float(f"{totals['tco2e_market_based']:.16g}")


def test_scope2_against_a_hand_computation(example_book: Path) -> None:
    activities = pd.read_csv(EXAMPLE / "activities.csv")
    elec = activities[activities["activity"] == "electricity/grid"]
    mwh = math.fsum(elec["quantity"] / elec["unit"].map({"kWh": 1000.0, "MWh": 1.0}))
    steam_gj = math.fsum(activities.loc[activities["activity"] == "heat/purchased", "quantity"])
    instruments = pd.read_csv(EXAMPLE / "instruments.csv")
    covered = math.fsum(instruments["quantity"])  # all three are in MWh and fit their consumption
    # location: MWh × 0.5581 t/MWh (Chongqing 2023) + GJ × 0.11 t/GJ
    expected_location = mwh * 0.5581 + steam_gj * 0.11
    # market: instruments at 0, the rest × 0.6096 (national excl. market-traded non-fossil) + steam
    expected_market = (mwh - covered) * 0.6096 + steam_gj * 0.11
    wb = load_workbook(example_book)
    summary = wb[SHEET_SUMMARY]
    s2 = _find(summary, "Scope 2 –")
    assert summary.cell(row=s2, column=4).value == pytest.approx(expected_location, rel=1e-12)
    assert summary.cell(row=s2, column=5).value == pytest.approx(expected_market, rel=1e-12)
    # the Scope 2 sheet: per-record totals and instrument coverage reconcile
    sheet = wb[SHEET_SCOPE2]
    header = _find(sheet, "Record")
    records = _table(sheet, header)
    records = records[records["Record"].notna() & ~records["Record"].astype(str).str.startswith("Total")]
    records = records.iloc[: records["Location-based, t CO2e"].last_valid_index() + 1]
    total_row = _find(sheet, "Total")
    assert sheet.cell(row=total_row, column=9).value == pytest.approx(expected_location, rel=1e-12)
    assert sheet.cell(row=total_row, column=13).value == pytest.approx(expected_market, rel=1e-12)
    assert sheet.cell(row=total_row, column=11).value == pytest.approx(covered, rel=1e-12)
    instrument_header = _find(sheet, "Instrument")
    applied = _table(sheet, instrument_header).dropna(subset=["Instrument"])
    applied = applied[applied["Instrument"].isin(instruments["instrument_id"])]
    assert sorted(applied["Instrument"]) == sorted(instruments["instrument_id"])
    assert applied["Status"].str.startswith("applied").all()
    assert math.fsum(applied["Applied, MWh"]) == pytest.approx(covered)


def test_factors_used_cite_source_and_licence(example_book: Path, example_result: InventoryResult) -> None:
    wb = load_workbook(example_book)
    factors = _table(wb[SHEET_FACTORS], _find(wb[SHEET_FACTORS], "Factor set edition"))
    factors = factors.dropna(subset=["Factor"])
    used = set(
        zip(example_result.results["factor_full_id"], example_result.results["factor_id"], strict=True)
    )
    assert set(zip(factors["Factor set edition"], factors["Factor"], strict=True)) == used
    chongqing = factors[factors["Factor"] == "cn.elec.2023.province.chongqing"].iloc[0]
    # the announcement that published the 2023 factors (MEE/NBS 公告2025年第47号)
    assert "mee.gov.cn" in chongqing["Citation"] and "20251231" in chongqing["Citation"]
    assert "0.5581" in chongqing["Published values"]
    assert chongqing["Licence"]
    assert "line" in chongqing["Where in the original"]
    for _, row in factors.iterrows():
        assert row["Citation"], f"no citation for {row['Factor']}"
        if not str(row["Factor set edition"]).startswith("instrument:"):
            assert row["Licence"], f"no licence for {row['Factor']}"
    sources = _table(wb[SHEET_SOURCES], _find(wb[SHEET_SOURCES], "Factor set edition"))
    sources = sources.dropna(subset=["Factor set edition"])
    for manifest in example_result.manifests:
        if manifest.full_id in set(sources["Factor set edition"]):
            text = sources.loc[
                sources["Factor set edition"] == manifest.full_id, "Original files (SHA-256)"
            ].iloc[0]
            assert all(o.sha256 in text for o in manifest.originals)


def test_every_flag_is_explained(example_book: Path, example_result: InventoryResult) -> None:
    flags = {f for text in example_result.results["flags"] for f in split_flags(text)}
    assert {"period_fallback", "residual_mix_proxy", "secondary_source", "low_confidence"} <= flags
    assert all(describe_flag(f) is not None for f in flags), sorted(
        f for f in flags if describe_flag(f) is None
    )
    legend = _table(wb := load_workbook(example_book)[SHEET_FLAGS], _find(wb, "Flag"))
    legend = legend.dropna(subset=["Flag"]).set_index("Flag")
    for flag in ("UNVERIFIED", "low_confidence", "secondary_source", "period_fallback", "residual_mix_proxy"):
        assert flag in legend.index and legend.loc[flag, "中文说明"]
    assert set(FLAGS) <= set(legend.index)
    # rows counted in the legend = rows of the trail carrying the flag
    trail = _table(load_workbook(example_book)[SHEET_TRAIL])
    carrying = trail["Flags"].fillna("").map(lambda t: "residual_mix_proxy" in split_flags(t)).sum()
    assert legend.loc["residual_mix_proxy", "Result rows in this workbook"] == carrying


def test_problems_sheet_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "acts.csv"
    path.write_text(
        "record_id,period,region,activity,quantity,unit\n"
        "ok,2025,CN-CQ,fuel/diesel,12,t\n"
        "bad1,2025,CN-CQ,fuel/diesel,-3,t\n"
        "bad2,2025,CN-CQ,fuel/diesel,4,bananas\n",
        encoding="utf-8",
    )
    result = run_inventory(path, year=2025)
    book = write_inventory_workbook(result, tmp_path / "out.xlsx")
    ws = load_workbook(book)[SHEET_PROBLEMS]
    problems = _table(ws, _find(ws, "Severity")).dropna(subset=["Severity"])
    listed = set(zip(problems["Row"], problems["Field"], strict=True))
    assert {(3, "quantity"), (4, "unit")} <= listed
    assert (problems["File"] == "acts.csv").all()
    assert problems["What would be accepted"].notna().all()
    summary = load_workbook(book)[SHEET_SUMMARY]
    status = summary.cell(row=_find(summary, "Status"), column=2).value
    assert str(status).startswith("INCOMPLETE")


def test_rerun_is_byte_identical(tmp_path: Path) -> None:
    def build(target: Path) -> bytes:
        result = run_inventory(
            EXAMPLE / "activities.csv",
            instruments=EXAMPLE / "instruments.csv",
            factor_sets=CHONGQING_FACTOR_SETS,
            year=2025,
        )
        return write_inventory_workbook(result, target).read_bytes()

    first, second = build(tmp_path / "a.xlsx"), build(tmp_path / "b.xlsx")
    assert first == second
    # and it is a real workbook (zip entries with fixed timestamps)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://example.com","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"],
)
def test_formula_like_text_stays_text(tmp_path: Path, text: str) -> None:
    frame = pd.DataFrame(
        {
            "record_id": ["f1"],
            "entity": [text],
            "period": ["2025"],
            "region": ["CN-CQ"],
            "activity": ["fuel/diesel"],
            "quantity": [1.5],
            "unit": ["t"],
            "description": [text],
        }
    )
    result = run_inventory(frame, year=2025)
    assert not result.errors
    book = write_inventory_workbook(result, tmp_path / "f.xlsx")
    wb = load_workbook(book)
    trail = wb[SHEET_TRAIL]
    header = [str(c.value).split("\n")[0] for c in trail[1]]
    cell = trail.cell(row=2, column=header.index("Description") + 1)
    assert cell.value == text and cell.data_type == "s"
    # no sheet of the file holds a formula
    with zipfile.ZipFile(book) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


def test_empty_result_still_gives_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("record_id,activity,quantity,unit\n", encoding="utf-8")
    result = run_inventory(path, year=2025)
    book = write_inventory_workbook(result, tmp_path / "e.xlsx")
    wb = load_workbook(book)
    assert SHEET_SUMMARY in wb.sheetnames
    problems = wb[SHEET_PROBLEMS]
    assert _find(problems, "Severity")
