"""The BOM workbook template, the workbook report and the ``footprint`` / ``pact`` commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from carbonledger.cli import app
from carbonledger.footprint.template import TEMPLATE_COLUMNS, read_model, write_workbook

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _filled(door: dict[str, Any], folder: Path) -> Path:
    """The door model written into the workbook layout, suppliers as files next to it."""
    for name, doc in door["supplier_footprints"].items():
        (folder / name).write_text(json.dumps(doc), encoding="utf-8")
    tables = {k: door[k] for k in ("products", "processes", "outputs", "inputs", "activities")}
    return write_workbook(folder / "model.xlsx", tables, door["settings"])


def test_template_is_rebuilt_byte_for_byte(tmp_path: Path) -> None:
    built = write_workbook(tmp_path / "bom_model.xlsx")
    assert built.read_bytes() == (ROOT / "templates" / "bom_model.xlsx").read_bytes()
    wb = load_workbook(built)
    assert wb.sheetnames == ["guide", "model", *TEMPLATE_COLUMNS]
    for sheet, columns in TEMPLATE_COLUMNS.items():
        assert [c.value for c in wb[sheet][1]] == list(columns)


def test_empty_template_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["footprint", str(ROOT / "templates" / "bom_model.xlsx"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "the model has no products" in result.output


def test_filled_workbook_through_the_cli(door: dict[str, Any], tmp_path: Path) -> None:
    model = _filled(door, tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["footprint", str(model), "--out", str(out), "--pact-version", "both"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "footprints.json").read_text(encoding="utf-8"))
    door_row = next(p for p in summary["products"] if p["product_id"] == "DOOR")
    assert door_row["pcf_excluding_uptake"] == pytest.approx(17.5, rel=1e-12)  # hand computation: conftest
    v3 = json.loads((out / "pact" / "v3" / "DOOR.json").read_text(encoding="utf-8"))
    assert v3["pcf"]["pcfExcludingBiogenicUptake"] == "17.5" and v3["created"] == "2026-02-01T00:00:00Z"
    v2 = json.loads((out / "pact" / "v2" / "DOOR.json").read_text(encoding="utf-8"))
    assert v2["pcf"]["declaredUnit"] == "kilogram"
    assert sorted(p.name for p in (out / "pact" / "v3").iterdir()) == ["DOOR.json", "PANEL.json"]
    wb = load_workbook(out / "footprints.xlsx")
    assert wb.sheetnames[:4] == ["Summary", "By stage", "By gas", "Hotspots"]
    assert wb["Hotspots"]._charts  # a hotspot chart per exported product
    trace = list(wb["Trace inputs"].iter_rows(min_row=3, values_only=True))
    assert len(trace) == 1 + 4  # header + every BOM row × the outputs it is allocated to (2 + 1 + 1)
    # the same inputs give the same files
    out2 = tmp_path / "out2"
    assert runner.invoke(app, ["footprint", str(model), "--out", str(out2)]).exit_code == 0
    assert (out / "footprints.xlsx").read_bytes() == (out2 / "footprints.xlsx").read_bytes()
    assert (out / "pact" / "v3" / "DOOR.json").read_bytes() == (out2 / "pact" / "v3" / "DOOR.json").read_bytes()
    # pact validate: the exported files pass
    result = runner.invoke(app, ["pact", "validate", *map(str, (out / "pact" / "v3").iterdir())])
    assert result.exit_code == 0, result.output


def test_read_model_from_a_csv_directory(door: dict[str, Any], tmp_path: Path) -> None:
    for name in ("products", "processes", "outputs", "inputs", "activities"):
        door[name].to_csv(tmp_path / f"{name}.csv", index=False)
    (tmp_path / "model.csv").write_text("key,value\n" + "".join(f"{k},{v}\n" for k, v in door["settings"].items()),
                                        encoding="utf-8")
    for name, doc in door["supplier_footprints"].items():
        (tmp_path / name).write_text(json.dumps(doc), encoding="utf-8")
    model = read_model(tmp_path)
    assert list(model.products["product_id"]) == ["SHEET", "BOLT", "PANEL", "OFFCUT", "DOOR"]


def test_bad_workbook_lists_every_problem_with_sheet_and_row(door: dict[str, Any], tmp_path: Path) -> None:
    door["inputs"]["yield"] = ["1.5", "", ""]
    door["products"].loc[1, "unit"] = "ton"  # ambiguous unit
    model = _filled(door, tmp_path)
    result = runner.invoke(app, ["footprint", str(model), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "sheet 'inputs', row 2, field 'yield'" in text
    assert "sheet 'products', row 3" in text and "'ton'" in text


def test_pact_validate_reports_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"id": "x", "specVersion": "3.0.0"}), encoding="utf-8")
    result = runner.invoke(app, ["pact", "validate", str(bad)])
    assert result.exit_code == 2 and "schema" in result.output


def test_pact_serve_refuses_to_start_without_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CARBONLEDGER_PACT_CLIENT_ID", raising=False)
    monkeypatch.delenv("CARBONLEDGER_PACT_CLIENT_SECRET", raising=False)
    result = runner.invoke(app, ["pact", "serve", str(tmp_path)])
    assert result.exit_code == 2 and "no client credentials" in " ".join(result.output.split())
