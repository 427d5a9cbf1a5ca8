"""The inventory activity table as ETS input, and the ``carbonledger ets china`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonledger.cli import app
from carbonledger.regimes.china_ets import run_china_ets

from .conftest import CO2_PER_C, Builder, power_production
from .originals import original


def write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    columns = sorted({k for r in rows for k in r}, key=lambda c: (c != "record_id", c))
    lines = [",".join(columns)]
    for r in rows:
        lines.append(",".join("" if r.get(c) is None else str(r[c]) for c in columns))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def power_activities(tmp_path: Path, *, measured_cc: bool = True) -> Path:
    rows: list[dict[str, object]] = []
    for m in range(1, 13):
        row: dict[str, object] = {
            "record_id": f"coal-{m:02d}", "activity": "fuel/bituminous_coal", "quantity": 2000, "unit": "t",
            "period": f"2025-{m:02d}", "region": "CN-CQ", "ncv": 21.0, "ncv_unit": "GJ/t", "oxidation_factor": 0.98,
        }
        if measured_cc:
            row.update(carbon_content=0.55, carbon_content_unit="tC/t")
        rows.append(row)
        rows.append({"record_id": f"out-{m:02d}", "activity": "production/electricity_supplied", "quantity": 5000,
                     "unit": "MWh", "period": f"2025-{m:02d}"})
        rows.append({"record_id": f"gen-{m:02d}", "activity": "production/electricity_generated", "quantity": 5300,
                     "unit": "MWh", "period": f"2025-{m:02d}"})
        rows.append({"record_id": f"grid-{m:02d}", "activity": "electricity/grid", "quantity": 10, "unit": "MWh",
                     "period": f"2025-{m:02d}", "region": "CN-CQ"})
    return write_csv(tmp_path / "activities.csv", rows)


def test_activity_table_with_measured_parameters(tmp_path: Path) -> None:
    r = run_china_ets(power_activities(tmp_path), sector="power", year=2025)
    assert not r.errors, r.errors
    assert r.mode == "activity_table"
    # FC × C × OF × 44/12 = 2000 t × 0.55 tC/t × 0.98 × 44/12 per month
    assert r.total_tco2 == pytest.approx(12 * 2000 * 0.55 * 0.98 * CO2_PER_C)
    out = r.to_json()
    assert set(out) >= {"total_tco2", "by_source_type", "output", "intensity", "allowance", "parameters"}
    assert out["output"]["electricity_supplied"]["quantity"] == pytest.approx(60_000.0)
    assert out["intensity"]["tco2_per_mwh_supplied"] == pytest.approx(r.total_tco2 / 60_000.0)
    assert out["information_only"]["purchased_electricity"]["tco2"] == pytest.approx(
        120 * original("grid", "cn.ets.grid.2022_reporting")
    )


def test_activity_table_gets_the_power_coal_default(tmp_path: Path) -> None:
    r = run_china_ets(power_activities(tmp_path, measured_cc=False), sector="power", year=2025)
    assert not r.errors
    assert r.total_tco2 == pytest.approx(12 * 2000 * 21.0 * 0.03085 * 0.98 * CO2_PER_C)
    assert r.lines.loc[r.lines["source_type"] == "fuel_combustion", "flags"].str.contains("coal_cc_default").all()
    fallback = [p for p in r.problems if p.code == "default_fallback"]
    assert len(fallback) == 1 and fallback[0].file == "activities.csv" and fallback[0].row == 2


def test_activity_table_missing_month(tmp_path: Path) -> None:
    path = power_activities(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if not line.startswith("coal-07,")]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    r = run_china_ets(path, sector="power", year=2025)
    missing = [p for p in r.errors if p.code == "missing_months"]
    assert len(missing) == 1 and "7" in missing[0].message and missing[0].field == "month"


def test_activity_table_heat_ratio_and_unknown_columns(tmp_path: Path) -> None:
    path = power_activities(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    extra = []
    for m in range(1, 13):
        for rid, activity, q, unit in ((f"heat-{m}", "production/heat_supplied", 1000, "GJ"),
                                       (f"ratio-{m}", "production/heat_ratio", 10, "%")):
            row = dict.fromkeys(header, "")
            row.update(record_id=rid, activity=activity, quantity=str(q), unit=unit, period=f"2025-{m:02d}")
            extra.append(",".join(row[c] for c in header))
    text = "\n".join([lines[0] + ",remarks"] + [line + "," for line in lines[1:] + extra]) + "\n"
    path.write_text(text, encoding="utf-8")
    r = run_china_ets(path, sector="power", year=2025)
    assert not r.errors, r.errors
    e = 12 * 2000 * 0.55 * 0.98 * CO2_PER_C
    assert r.intensity["tco2_per_gj_heat"] == pytest.approx(0.1 * e / 12_000.0)
    assert any(p.code == "unknown_column" and p.field == "remarks" for p in r.problems)


runner = CliRunner()


def test_cli_json_to_stdout(workbook: Builder) -> None:
    fuels = [{"month": m + 1, "fuel": "烟煤", "consumption": 1000, "unit": "t", "ncv": 20, "ncv_unit": "GJ/t",
              "carbon_content": 50, "carbon_content_unit": "%"} for m in range(12)]
    path = workbook("power", fuels=fuels, production=power_production())
    result = runner.invoke(app, ["ets", "china", str(path), "--sector", "power", "--year", "2025", "--out", "-",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total_tco2"] == pytest.approx(12 * 1000 * 0.5 * 0.99 * CO2_PER_C)
    assert data["by_source_type"]["fuel_combustion"]["zh"] == "化石燃料燃烧"


def test_cli_xlsx_and_exit_code_on_errors(workbook: Builder, tmp_path: Path) -> None:
    fuels = [{"month": m + 1, "fuel": "烟煤", "consumption": 1000, "unit": "t", "ncv": 20, "ncv_unit": "GJ/t",
              "carbon_content": 50, "carbon_content_unit": "%"} for m in range(11)]
    path = workbook("power", fuels=fuels, production=power_production())
    out = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["ets", "china", str(path), "--sector", "power", "--year", "2025", "--out", str(out)])
    assert result.exit_code == 2 and not out.exists()
    result = runner.invoke(app, ["ets", "china", str(path), "--sector", "power", "--year", "2025", "--out", str(out),
                                 "--partial"])
    assert result.exit_code == 2 and out.exists()


def test_cli_template_command(tmp_path: Path, repo_root: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["ets", "china-template", "--sector", "steel", "--out", str(out)])
    assert result.exit_code == 0
    assert out.read_bytes() == (repo_root / "templates" / "china_ets_steel.xlsx").read_bytes()
