"""Importer side: default values, mark-ups, free allocation adjustment, phase-in, de minimis,
carbon price deduction, quarterly holding — against hand computations citing the law."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from carbonledger.errors import InputError
from carbonledger.regimes.cbam.certificates import compute_exposure, phase_in, price_sensitivity
from carbonledger.regimes.cbam.imports import read_imports, validate_imports
from carbonledger.regimes.cbam.reference import CbamReference

HEADER = (
    "line_id,importer,supplier,installation,cn_code,country,net_mass_t,quarter,see_direct,see_indirect,"
    "production_route,free_allocation_basis,carbon_price_eur_per_t,carbon_price_rebated_share,customs_procedure\n"
)


@pytest.fixture(scope="module")
def ref() -> CbamReference:
    return CbamReference()


def _imports(tmp_path: Path, rows: list[str], year: int = 2026) -> pd.DataFrame:
    path = tmp_path / "imports.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return validate_imports(read_imports(path), year)


# CBAM factor, Dir. 2003/87/EC Art. 10a(1a) ([RN] §7.1); mark-up, IR 2025/2621 Annex I as
# replaced by IR 2026/1740 ([RN] §4.2); Column B HRC BF-BOF 1.370 (IR 2025/2620 Annex pt 5.3)
CBAM_FACTOR = {
    2026: 0.975,
    2027: 0.95,
    2028: 0.90,
    2029: 0.775,
    2030: 0.515,
    2031: 0.39,
    2032: 0.265,
    2033: 0.14,
    2034: 0.0,
}
STEEL_MARKUP = {2026: 0.10, 2027: 0.20}


def test_china_hrc_on_defaults_2026(tmp_path: Path, ref: CbamReference) -> None:
    """regulatory-facts §A.4 worked example: China HRC on defaults in 2026 =
    3.187 × 1.10 − 0.975 × 1.0 × 1.370 = 2.16995 certificates/t ≈ €163.5/t at €75.36."""
    frame = _imports(tmp_path, ["1,Imp,S,default,7208 10 00,CN,1000,2026-Q1,,,,,,,40"])
    result = compute_exposure(frame, 2026, None, ref)
    line = result.lines.iloc[0]
    assert line["see_used"] == "default"
    assert line["embedded_emissions_t"] == pytest.approx(1000 * 3.187 * 1.10)
    assert line["free_allocation_adjustment_t"] == pytest.approx(1000 * 0.975 * 1.0 * 1.370)
    assert line["certificates"] == pytest.approx(2169.95)
    assert line["price_eur"] == 75.36  # Q1 2026 published price (IR 2025/2548)
    assert line["cost_eur"] == pytest.approx(2169.95 * 75.36)
    assert "provisional" in line["flags"] and "UNVERIFIED" in line["flags"]  # benchmarks, CSCF


def test_markup_schedule_and_fertiliser_one_percent(tmp_path: Path, ref: CbamReference) -> None:
    # China urea 3102 10 19 total 2.85 (regulatory-facts §A.3); fertiliser mark-up 1 % every year
    rows = ["1,Imp,S,default,3102 10 19,CN,100,Q1,,,,,,,40"]
    for year in (2026, 2027, 2030):
        frame = _imports(tmp_path, rows, year)
        line = compute_exposure(frame, year, 80.0, ref).lines.iloc[0]
        assert line["embedded_emissions_t"] == pytest.approx(100 * 2.85 * 1.01)
    # steel: 10 % in 2026, 20 % in 2027, 30 % in 2028 and onwards
    for year, markup in ((2026, 0.1), (2027, 0.2), (2028, 0.3), (2033, 0.3)):
        frame = _imports(tmp_path, ["1,Imp,S,default,7208 10 00,CN,1,Q1,,,,,,,40"], year)
        line = compute_exposure(frame, year, 80.0, ref).lines.iloc[0]
        assert line["embedded_emissions_t"] == pytest.approx(3.187 * (1 + markup))


def test_phase_in_2026_to_2034(tmp_path: Path, ref: CbamReference) -> None:
    """certificates_y = M × (DV × (1 + mark-up_y) − CBAM_y × CSCF × BM_B); 2034: no free allocation."""
    frame = _imports(tmp_path, ["1,Imp,S,default,7208 10 00,CN,1000,Q1,,,,,,,40"])
    table = phase_in(frame, 75.36, ref).set_index("year")
    for year, factor in CBAM_FACTOR.items():
        markup = STEEL_MARKUP.get(year, 0.30)
        expected = 1000 * (3.187 * (1 + markup) - factor * 1.0 * 1.370)
        assert table.loc[year, "certificates"] == pytest.approx(expected), year
        assert table.loc[year, "phase_in_share"] == pytest.approx(1 - factor)
    assert table.loc[2034, "free_allocation_adjustment_t"] == 0.0
    assert "projection_2026_defaults_and_benchmarks" in table.loc[2030, "flags"]


def test_actual_data_with_free_allocation_basis_and_carbon_price(tmp_path: Path, ref: CbamReference) -> None:
    """Actual: EE = 1000 × (2.10 + 0.01); FAA = 1000 × 0.975 × 1.0 × 1.40 (producer's SEFA basis,
    IR 2025/2620 Annex pt 3.3); carbon price deduction (Art. 9(1); draft IR Art. 6(1)) =
    EE × (1 − 0.9) × 20 / 75.36. Default comparison as in the HRC test."""
    frame = _imports(tmp_path, ["2,Imp,CQ,CQ-1,7208 10 00,CN,1000,2026-Q1,2.10,0.01,C,1.40,20,0.9,40"])
    result = compute_exposure(frame, 2026, None, ref)
    line = result.lines.iloc[0]
    ee = 1000 * 2.11
    deduction = ee * 0.1 * 20 / 75.36
    assert line["see_used"] == "actual"
    assert line["embedded_emissions_t"] == pytest.approx(ee)
    assert line["free_allocation_adjustment_t"] == pytest.approx(975 * 1.40)
    assert line["carbon_price_deduction_t"] == pytest.approx(deduction)
    assert line["certificates"] == pytest.approx(ee - 1365 - deduction)
    assert line["certificates_default"] == pytest.approx(2169.95)
    assert line["saving_actual_vs_default_eur"] == pytest.approx((2169.95 - (ee - 1365 - deduction)) * 75.36)
    assert "carbon_price_deduction_draft_act" in line["flags"]
    # Annex II good with see_indirect: counted, with a warning
    assert any(w.code == "annex_ii_indirect" for w in result.warnings)


def test_actual_without_basis_uses_column_a_only_and_warns(tmp_path: Path, ref: CbamReference) -> None:
    frame = _imports(tmp_path, ["1,Imp,CQ,CQ-1,7208 10 00,CN,100,Q1,2.0,,,,,,40"])
    result = compute_exposure(frame, 2026, 75.36, ref)
    line = result.lines.iloc[0]
    assert line["free_allocation_adjustment_t"] == pytest.approx(100 * 0.975 * 0.044)
    assert "free_allocation_precursors_not_included" in line["flags"]
    assert any(w.code == "faa_incomplete" for w in result.warnings)


def test_fallback_to_other_countries_is_said(tmp_path: Path, ref: CbamReference) -> None:
    # Australia is listed with '–' for DRI (7203): 'Other countries and territories' 1.325 ([RN] §4.4)
    frame = _imports(tmp_path, ["1,Imp,S,default,7203 10 00,AU,100,Q1,,,,,,,40"])
    result = compute_exposure(frame, 2026, 75.36, ref)
    line = result.lines.iloc[0]
    assert line["default_table"] == "OTHER" and line["default_total"] == pytest.approx(1.325)
    assert "fallback_other_countries" in line["flags"]
    assert any(w.code == "fallback" and w.row == 2 for w in result.warnings)
    # a country without any table of its own (Iceland is not in Annex I of 2025/2621)
    frame = _imports(tmp_path, ["1,Imp,S,default,7208 10 00,IS,10,Q1,,,,,,,40"])
    line = compute_exposure(frame, 2026, 75.36, ref).lines.iloc[0]
    assert line["default_table"] == "OTHER"


def test_de_minimis_per_importer_and_year(tmp_path: Path, ref: CbamReference) -> None:
    """Art. 2a + Annex VII: ≤ 50 t net mass per importer and year (all CN codes) → no
    obligation; hydrogen and electricity are outside the exemption and not counted."""
    rows = [
        "1,Small,S,default,7208 10 00,CN,30,Q1,,,,,,,40",
        "2,Small,S,default,2523 29 00,CN,20,Q2,,,,,,,40",
        "3,Small,S,default,2804 10 00,CN,5,Q2,,,,,,,40",
        "4,Big,S,default,7208 10 00,CN,51,Q1,,,,,,,40",
    ]
    result = compute_exposure(_imports(tmp_path, rows), 2026, 75.36, ref)
    lines = result.lines.set_index("line_id")
    assert bool(lines.loc["1", "de_minimis_exempt"]) and lines.loc["1", "certificates"] == 0.0
    assert bool(lines.loc["2", "de_minimis_exempt"])
    assert not bool(lines.loc["3", "de_minimis_exempt"]) and lines.loc["3", "certificates"] > 0
    assert not bool(lines.loc["4", "de_minimis_exempt"]) and lines.loc["4", "certificates"] > 0
    status = {s["importer"]: s for s in result.de_minimis}
    assert status["Small"]["net_mass_t"] == 50 and status["Small"]["exempt"]
    assert status["Big"]["exempt"] is False


def test_quarterly_holding_from_2027(tmp_path: Path, ref: CbamReference) -> None:
    """Art. 22(2) (2025/2083): from 2027 hold ≥ 50 % of emissions since 1 Jan on defaults WITHOUT
    mark-up, net of the FAA: after Q1 = 0.5 × 100 × (3.187 − 0.95 × 1.370); after Q3 add the
    Q3 line."""
    rows = ["1,Imp,S,default,7208 10 00,CN,100,Q1,,,,,,,40", "2,Imp,S,default,7208 10 00,CN,100,Q3,,,,,,,40"]
    holding = compute_exposure(_imports(tmp_path, rows, 2027), 2027, 80.0, ref).holding.set_index("quarter")
    per_line = 100 * (3.187 - 0.95 * 1.370)
    assert holding.loc["Q1", "certificates_to_hold"] == pytest.approx(0.5 * per_line)
    assert holding.loc["Q2", "certificates_to_hold"] == pytest.approx(0.5 * per_line)
    assert holding.loc["Q3", "certificates_to_hold"] == pytest.approx(0.5 * 2 * per_line)
    h2026 = compute_exposure(_imports(tmp_path, rows, 2026), 2026, 80.0, ref).holding
    assert not h2026["applies"].any()


def test_floor_at_zero(tmp_path: Path, ref: CbamReference) -> None:
    # actual SEE below the free allocation: certificates are 0, not negative (inference, flagged)
    frame = _imports(tmp_path, ["1,Imp,S,X,7208 10 00,CN,100,Q1,0.05,,,1.3,,,40"])
    line = compute_exposure(frame, 2026, 75.36, ref).lines.iloc[0]
    assert line["certificates"] == 0.0 and "floored_at_zero" in line["flags"]


def test_price_sensitivity_is_linear_without_carbon_price(tmp_path: Path, ref: CbamReference) -> None:
    frame = _imports(tmp_path, ["1,Imp,S,default,7208 10 00,CN,1000,Q1,,,,,,,40"])
    table = price_sensitivity(frame, 2026, [60, 120], ref).set_index("price_eur")
    assert table.loc[60.0, "cost_eur"] == pytest.approx(2169.95 * 60)
    assert table.loc[120.0, "cost_eur"] == pytest.approx(2169.95 * 120)


def test_unpublished_quarter_price_falls_back_with_flag(tmp_path: Path, ref: CbamReference) -> None:
    frame = _imports(tmp_path, ["1,Imp,S,default,7208 10 00,CN,10,Q3,,,,,,,40"])
    line = compute_exposure(frame, 2026, None, ref).lines.iloc[0]
    assert line["price_eur"] == 75.36 and "price_assumed_latest_published" in line["flags"]


def test_bad_rows_are_all_reported(tmp_path: Path, ref: CbamReference) -> None:
    rows = [
        "1,Imp,S,default,8407 10 00,CN,10,Q1,,,,,,,40",  # not a CBAM good
        "2,Imp,S,default,72X8,CN,10,Q1,,,,,,,40",  # not a CN code
        "3,Imp,S,default,7208 10 00,Narnia,10,Q1,,,,,,,40",  # unknown country
        "4,Imp,S,default,2716 00 00,CN,10,Q1,,,,,,,40",  # electricity on defaults (IEA, not shipped)
        "5,Imp,S,CQ-1,7208 10 00,CN,10,Q1,,,,,,,40",  # installation named, no actual data
    ]
    frame = _imports(tmp_path, rows)
    with pytest.raises(InputError) as info:
        compute_exposure(frame, 2026, 75.36, ref)
    found = {(p.row, p.field) for p in info.value.problems if p.severity == "error"}
    assert found == {(2, "cn_code"), (3, "cn_code"), (4, "country"), (5, "cn_code"), (6, "see_direct")}
    messages = " ".join(p.message for p in info.value.problems)
    assert "not covered by CBAM" in messages and "IEA" in messages


def test_table_level_problems(tmp_path: Path) -> None:
    path = tmp_path / "imports.csv"
    path.write_text(HEADER + "1,Imp,S,default,7208 10 00,CN,-5,Q7,,,,,,,40\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        validate_imports(read_imports(path), 2026)
    fields = {p.field for p in info.value.problems}
    assert {"net_mass_t", "quarter"} <= fields
    assert all(p.row == 2 for p in info.value.problems if p.field in {"net_mass_t", "quarter"})


def test_year_before_2026_is_refused(tmp_path: Path, ref: CbamReference) -> None:
    frame = _imports(tmp_path, ["1,Imp,S,default,7208 10 00,CN,10,Q1,,,,,,,40"], 2025)
    with pytest.raises(InputError, match="definitive period"):
        compute_exposure(frame, 2025, 75.36, ref)


def test_imports_template_is_reproducible_and_readable(tmp_path: Path, ref: CbamReference) -> None:
    from openpyxl import load_workbook

    from carbonledger.regimes.cbam.imports import TEMPLATE_HEADERS, write_imports_template

    committed = Path(__file__).resolve().parents[2] / "templates" / "cbam_imports.xlsx"
    fresh = write_imports_template(tmp_path / "fresh.xlsx")
    assert committed.read_bytes() == fresh.read_bytes()
    # fill one row under the bilingual headers and read it back
    workbook = load_workbook(committed)
    sheet = workbook["Imports"]
    values = {
        "cn_code": "7208 10 00",
        "country": "CN",
        "net_mass_t": 100,
        "quarter": "Q1",
        "installation": "default",
    }
    for j, (name, _, _) in enumerate(TEMPLATE_HEADERS, start=1):
        sheet.cell(row=2, column=j, value=values.get(name))
    path = tmp_path / "filled.xlsx"
    workbook.save(path)
    frame = validate_imports(read_imports(path), 2026)
    assert frame.loc[0, "cn_code"] == "7208 10 00" and int(frame.loc[0, "_row"]) == 2
    line = compute_exposure(frame, 2026, 75.36, ref).lines.iloc[0]
    assert line["certificates"] == pytest.approx(100 * (3.187 * 1.1 - 0.975 * 1.370))
