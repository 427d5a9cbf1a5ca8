"""The Commission's communication template: the cement example reproduced from its input
sheets only, also from a copy without cached formula results; version check; bad cells;
writing a filled template and reading it back."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import openpyxl
import pytest

from carbonledger.errors import InputError
from carbonledger.regimes.cbam.communication import compare_with_template
from carbonledger.regimes.cbam.see import compute_installation
from carbonledger.regimes.cbam.template_reader import read_template, template_summary
from carbonledger.regimes.cbam.template_writer import fill_template

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "cbam" / "cement_example_v2.1.xlsx"

# The example's own results (Summary_Products row 10 / Summary_Communication row 26), which
# the template computes from: DirEm* 1,037,310 t; activity level = 1,255,000 / 0.95 t cement;
# electricity = AL × 0.085 + 81,575 MWh at 0.833 t CO2/MWh. By hand:
AL = 1_255_000 / 0.95
SEE_DIRECT = 1_037_310 / AL  # 0.785214741...
SEE_INDIRECT = (AL * 0.085 + 81_575) * 0.833 / AL  # 0.12224275
EMBEDDED_ELECTRICITY = (AL * 0.085 + 81_575) / AL  # 0.14675


@pytest.fixture(scope="module")
def loaded() -> openpyxl.Workbook:
    """The example loaded once with formulas (openpyxl keeps no cached results: saving it
    writes formula cells without their <v> values)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(EXAMPLE)


def _save_edited(workbook: openpyxl.Workbook, path: Path, edits: dict[tuple[str, str], object]) -> Path:
    """Save with temporary cell edits, then restore the workbook."""
    before = {key: workbook[key[0]][key[1]].value for key in edits}
    for (sheet, cell), value in edits.items():
        workbook[sheet][cell].value = value
    try:
        workbook.save(path)
    finally:
        for (sheet, cell), value in before.items():
            workbook[sheet][cell].value = value
    return path


def _check_cement(path: Path) -> None:
    reading = read_template(path)
    assert reading.version == "2.1"
    result = compute_installation(reading.installation)
    good = result.goods[0]
    assert good.cn_code == "25232900"
    assert good.see_direct == pytest.approx(SEE_DIRECT, rel=1e-12)
    assert good.see_indirect == pytest.approx(SEE_INDIRECT, rel=1e-12)
    assert good.see_total == pytest.approx(SEE_DIRECT + SEE_INDIRECT, rel=1e-12)
    assert good.embedded_electricity_mwh_per_t == pytest.approx(EMBEDDED_ELECTRICITY, rel=1e-12)
    # C_Emissions&Energy: coal 209,000 + waste 35,275 + HFO 134,160 + raw meal 658,875
    assert result.totals["direct_t"] == pytest.approx(209_000 + 35_275 + 134_160 + 658_875)
    assert result.totals["biomass_co2_t"] == pytest.approx(6_225)
    assert result.totals["indirect_t"] == pytest.approx(161_489.1)


def test_cement_example_reproduced_from_inputs() -> None:
    _check_cement(EXAMPLE)
    reading = read_template(EXAMPLE)
    result = compute_installation(reading.installation)
    summary = template_summary(EXAMPLE)
    assert summary["cached"]
    # the template's own cached numbers agree with the hand computation above …
    assert summary["products"][0]["see_direct"] == pytest.approx(SEE_DIRECT, rel=1e-12)
    # … and carbonledger reports no difference
    assert compare_with_template(result, summary) == []


def test_cement_example_without_cached_values(loaded: openpyxl.Workbook, tmp_path: Path) -> None:
    copy = _save_edited(loaded, tmp_path / "no_cache.xlsx", {})
    assert template_summary(copy)["cached"] is False
    _check_cement(copy)
    result = compute_installation(read_template(copy).installation)
    notes = compare_with_template(result, template_summary(copy))
    assert [n.code for n in notes] == ["no_cached_results"]


def test_template_difference_is_a_warning(tmp_path: Path) -> None:
    """Change an input (DirEm*) but keep the cached summary: carbonledger follows the input and
    warns that the template's summary differs."""
    copy = tmp_path / "edited.xlsx"
    shutil.copy(EXAMPLE, copy)
    reading = read_template(copy)
    reading.installation.processes[0].direct_emissions_t = 1_000_000
    result = compute_installation(reading.installation)
    notes = compare_with_template(result, template_summary(copy), file=copy.name)
    assert notes and all(n.severity == "warning" for n in notes)
    assert any(n.sheet == "Summary_Products" and n.row == 10 for n in notes)


def test_unknown_template_version_is_refused(loaded: openpyxl.Workbook, tmp_path: Path) -> None:
    path = _save_edited(loaded, tmp_path / "v9.xlsx", {("VersionDocumentation", "B3"): "2026-01-15"})
    with pytest.raises(InputError) as info:
        read_template(path)
    problem = info.value.problems[0]
    assert problem.code == "template_version" and problem.sheet == "VersionDocumentation"
    assert "v2.1 (05.06.2024)" in (problem.accepted or "")


def test_bad_input_cells_are_all_reported(loaded: openpyxl.Workbook, tmp_path: Path) -> None:
    edits: dict[tuple[str, str], object] = {
        ("B_EmInst", "F18"): "lots",  # activity data of coal
        ("D_Processes", "L16"): None,  # activity level of the process
        ("D_Processes", "L54"): "=VLOOKUP(1,A1:B2,2)",  # DirEm* as an unsupported formula
    }
    path = _save_edited(loaded, tmp_path / "bad.xlsx", edits)
    with pytest.raises(InputError) as info:
        read_template(path)
    where = {(p.sheet, p.field) for p in info.value.problems}
    assert ("B_EmInst", "F18") in where
    assert ("D_Processes", "L16") in where
    assert ("D_Processes", "L54") in where


def test_fill_template_round_trip(tmp_path: Path) -> None:
    reading = read_template(EXAMPLE)
    result = compute_installation(reading.installation)
    filled = fill_template(result, EXAMPLE, tmp_path / "filled.xlsx")
    again = compute_installation(read_template(filled).installation)
    assert again.goods[0].see_total == pytest.approx(result.goods[0].see_total, rel=1e-12)
    assert again.goods[0].cn_code == "25232900"
    # deterministic bytes
    second = fill_template(result, EXAMPLE, tmp_path / "filled2.xlsx")
    assert filled.read_bytes() == second.read_bytes()
