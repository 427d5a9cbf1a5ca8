"""`carbonledger cbam installation|exposure`: outputs, exit code 2 with every problem listed."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from carbonledger.cli import app

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "cbam" / "cement_example_v2.1.xlsx"
runner = CliRunner()


def test_installation_json_from_the_cement_template(tmp_path: Path) -> None:
    out = tmp_path / "see.json"
    result = runner.invoke(app, ["cbam", "installation", str(EXAMPLE), "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    good = data["goods"][0]
    assert good["cn_code"] == "25232900"
    assert set(good) >= {"see_direct", "see_indirect", "see_total"}
    assert good["see_total"] == pytest.approx(0.9074574910358565, rel=1e-12)  # template Summary_Products K10
    assert data["attributed_direct_t"] == pytest.approx(1_037_310)
    assert data["template_comparison"] == []


def test_installation_xlsx_has_the_summary_communication_layout(tmp_path: Path) -> None:
    out = tmp_path / "communication.xlsx"
    result = runner.invoke(app, ["cbam", "installation", str(EXAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["Summary_Communication"]
    assert sheet["F25"].value == "CN Codes" and sheet["K25"].value == "SEE (total)"
    assert sheet["F26"].value == "25232900"
    assert sheet["K26"].value == pytest.approx(0.9074574910358565, rel=1e-12)
    assert sheet["AB26"].value == "0.95"  # clinker factor carried from Summary_Products
    assert sheet["AH15"].value == pytest.approx(1_037_310)  # total direct emissions


def test_installation_bad_json_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "plant.json"
    path.write_text(
        json.dumps(
            {
                "name": "x",
                "country": "CN",
                "period_start": "2026-01-01",
                "period_end": "not a date",
                "processes": [{"id": "P1"}],
            }
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["cbam", "installation", str(path), "--out", str(tmp_path / "o.json")])
    assert result.exit_code == 2
    assert "period_end" in result.output and "processes.0.category" in result.output


def test_exposure_json_fields(tmp_path: Path) -> None:
    imports = tmp_path / "imports.csv"
    imports.write_text(
        "cn_code,country,net_mass_t,quarter,installation,see_direct,see_indirect,free_allocation_basis\n"
        "7208 10 00,CN,1000,2026-Q1,default,,,\n"
        "7208 10 00,CN,500,2026-Q1,CQ-1,2.0,0,1.4\n",
        encoding="utf-8",
    )
    out = tmp_path / "exposure.json"
    result = runner.invoke(
        app, ["cbam", "exposure", str(imports), "--year", "2026", "--price", "75.36", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    first, second = data["lines"]
    for line in data["lines"]:
        assert {"embedded_emissions_t", "see_used", "certificates", "cost_eur"} <= set(line)
    assert first["see_used"] == "default" and second["see_used"] == "actual"
    assert first["certificates"] == pytest.approx(2169.95)  # 1000 × (3.187 × 1.1 − 0.975 × 1.370)
    assert second["certificates"] == pytest.approx(500 * (2.0 - 0.975 * 1.4))
    assert data["totals"]["certificates"] == pytest.approx(2169.95 + 500 * (2.0 - 0.975 * 1.4))
    assert [row["year"] for row in data["phase_in"]] == list(range(2026, 2035))
    assert [row["price_eur"] for row in data["price_sensitivity"]] == [60, 80, 100, 120]


def test_exposure_xlsx_and_xml(tmp_path: Path) -> None:
    imports = tmp_path / "imports.csv"
    imports.write_text(
        "cn_code,country,net_mass_t,quarter,customs_procedure\n7214 20 00,CN,200,Q2,40\n", encoding="utf-8"
    )
    declarant = tmp_path / "declarant.json"
    declarant.write_text(
        json.dumps(
            {
                "identification_number": "DE1",
                "name": "EU Steel",
                "city": "Köln",
                "signature": "A. B.",
                "signature_place": "Köln",
                "position": "CFO",
            }
        ),
        encoding="utf-8",
    )
    out, xml = tmp_path / "exposure.xlsx", tmp_path / "qreport.xml"
    result = runner.invoke(
        app,
        [
            "cbam",
            "exposure",
            str(imports),
            "--year",
            "2026",
            "--out",
            str(out),
            "--xml",
            str(xml),
            "--declarant",
            str(declarant),
        ],
    )
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(out)
    assert {"Summary", "Lines", "Actual vs default", "Phase-in 2026-2034", "Factors used"} <= set(
        workbook.sheetnames
    )
    assert workbook["Phase-in 2026-2034"]._charts  # the phase-in curve chart
    assert xml.read_bytes().startswith(b"<?xml")


def test_exposure_bad_input_exit_2_with_all_problems(tmp_path: Path) -> None:
    imports = tmp_path / "imports.csv"
    imports.write_text(
        "cn_code,country,net_mass_t,quarter\n8407 10 00,CN,1,Q1\n7208 10 00,XX,1,Q1\n7208 10 00,CN,abc,Q9\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["cbam", "exposure", str(imports), "--year", "2026", "--out", str(tmp_path / "o.json")]
    )
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    # table problems (row 4) and factor-set problems (rows 2-3) in one run
    assert "row 4" in output and "net_mass_t" in output and "quarter" in output
    assert "row 2" in output and "not covered by CBAM" in output
    assert "row 3" in output and "unknown country" in output


def test_installation_unknown_template_version_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Sheet1"
    workbook.save(path)
    result = runner.invoke(app, ["cbam", "installation", str(path), "--out", str(tmp_path / "o.json")])
    assert result.exit_code == 2
    assert "not a CBAM communication template" in " ".join(result.output.split())


def test_reports_are_byte_identical_between_runs(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "chongqing_steel_cbam"
    outputs = []
    for run in (1, 2):
        exposure = tmp_path / f"exposure{run}.xlsx"
        communication = tmp_path / f"communication{run}.xlsx"
        for args in (
            ["cbam", "exposure", str(example / "imports_2026.csv"), "--year", "2026", "--out", str(exposure)],
            ["cbam", "installation", str(example / "installation.json"), "--out", str(communication)],
        ):
            result = runner.invoke(app, args)
            assert result.exit_code == 0, result.output
        outputs.append((exposure.read_bytes(), communication.read_bytes()))
    assert outputs[0] == outputs[1]
