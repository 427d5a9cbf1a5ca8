"""The Excel input templates (templates/activity_data.xlsx, templates/instruments.xlsx).

* the builder is deterministic (two builds, same bytes) and the committed files follow the
  activity-table contract;
* the drop-down values are valid for the validator (every key has a shipped factor, every unit
  parses, every region is known);
* a filled copy runs through ``carbonledger inventory``. Expected values by hand from the
  published factors: MEE/NBS 公告2025年第47号 (2023 data, the latest edition), Chongqing
  0.5581 kg CO2/kWh; national average excluding market-traded non-fossil power 0.6096 kg CO2/kWh
  (carbonledger's residual-mix proxy for market-based Scope 2).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from carbonledger.activities import family_of
from carbonledger.cli import app
from carbonledger.factors.store import default_store
from carbonledger.inventory.activity_table import _METHODS, COLUMNS, REQUIRED
from carbonledger.inventory.scope2 import INSTRUMENT_COLUMNS
from carbonledger.inventory.templates import (
    ACTIVITY_SHEET,
    INSTRUMENT_SHEET,
    build_activity_template,
    build_instruments_template,
    template_columns,
)
from carbonledger.io.tables import read_table
from carbonledger.regions import is_known_region
from carbonledger.units import parse_unit

ROOT = Path(__file__).resolve().parents[2]
ACTIVITY_TEMPLATE = ROOT / "templates" / "activity_data.xlsx"
INSTRUMENT_TEMPLATE = ROOT / "templates" / "instruments.xlsx"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_builder_is_deterministic(tmp_path: Path) -> None:
    for build in (build_activity_template, build_instruments_template):
        first = build(tmp_path / "a" / "t.xlsx").read_bytes()
        second = build(tmp_path / "b" / "t.xlsx").read_bytes()
        assert first == second, build.__name__


def test_activity_template_follows_the_contract() -> None:
    wb = load_workbook(ACTIVITY_TEMPLATE)
    assert wb.sheetnames[0].endswith("Instructions")
    assert wb["lists"].sheet_state == "hidden"
    ws = wb[ACTIVITY_SHEET]
    header = [c.value for c in ws[1] if c.value]
    assert header[: len(REQUIRED)] == list(REQUIRED)
    # every Scope 1/2 column of the contract, in contract order (Scope 3 has its own templates)
    assert header == template_columns()
    assert set(header) <= set(COLUMNS) and len(header) >= 24
    for cell in ws[1]:
        if cell.value:
            note = cell.comment.text
            assert COLUMNS[str(cell.value)] in note, cell.value  # English description
            if str(cell.value) in ("record_id", "activity", "quantity", "unit", "period", "region"):
                assert _CJK.search(note), cell.value  # and Chinese
    instructions = " ".join(str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value)
    assert _CJK.search(instructions) and "One row per activity record" in instructions
    assert "carbonledger inventory" in instructions
    # the reader picks the activities sheet although it is not the first one
    raw = read_table(ACTIVITY_TEMPLATE)
    assert raw.sheet == ACTIVITY_SHEET and list(raw.frame.columns) == [*header, "row"]


def test_drop_downs_reference_the_hidden_lists() -> None:
    wb = load_workbook(ACTIVITY_TEMPLATE)
    ws = wb[ACTIVITY_SHEET]
    header = [c.value for c in ws[1]]
    found = {}
    for dv in ws.data_validations.dataValidation:
        for column in ("activity", "unit", "region", "method", "scope", "category", "direction"):
            letter = chr(ord("A") + header.index(column))
            if any(str(r).startswith(f"{letter}2:") for r in dv.sqref.ranges):
                found[column] = dv
    assert set(found) == {"activity", "unit", "region", "method", "scope", "category", "direction"}
    for column, dv in found.items():
        assert dv.type == "list" and re.match(r"'?lists'?!\$", dv.formula1), column
    assert found["activity"].errorStyle == "warning"  # other valid keys (Scope 3, user sets) allowed
    assert found["method"].errorStyle == "stop"


def _list(wb: object, header: str) -> list[str]:
    ws = wb["lists"]  # type: ignore[index]
    for column in ws.iter_cols(min_row=1):
        if column[0].value == header:
            return [str(c.value) for c in column[1:] if c.value is not None]
    raise AssertionError(header)


def test_list_values_are_valid() -> None:
    wb = load_workbook(ACTIVITY_TEMPLATE)
    keys = _list(wb, "activity")
    assert {"fuel/natural_gas", "fuel/diesel", "fuel/lpg", "electricity/grid", "heat/purchased"} <= set(keys)
    assert "refrigerant/R-410A" in keys
    store = default_store()
    shipped: set[str] = set()
    for manifest in store.manifests():
        table = (
            store.load(manifest.full_id).tables.get("factors")
            if manifest.kind == "emission_factors"
            else None
        )
        if table is not None:
            shipped |= set(table["activity"].astype(str))
    assert set(keys) <= shipped  # derived from the factor sets, never typed
    assert all(family_of(k) is not None and family_of(k).scope in ("1", "2") for k in keys)  # type: ignore[union-attr]
    for unit in _list(wb, "unit"):
        parse_unit(unit)  # raises for a unit the validator would refuse
    assert {"t", "kWh", "MWh", "GJ", "10^4 Nm3", "L"} <= set(_list(wb, "unit"))
    regions = _list(wb, "region")
    assert regions[0] == "CN" and "CN-CQ" in regions and "CN-GRID-SOUTHWEST" in regions
    assert all(is_known_region(r) for r in regions)
    assert set(_list(wb, "method")) == {m for allowed in _METHODS.values() for m in allowed if m}


def test_instrument_template() -> None:
    wb = load_workbook(INSTRUMENT_TEMPLATE)
    ws = wb[INSTRUMENT_SHEET]
    assert [c.value for c in ws[1] if c.value] == list(INSTRUMENT_COLUMNS)
    assert set(_list(wb, "type")) == {
        "gec",
        "green_power_trade",
        "i-rec",
        "go",
        "rec",
        "ppa",
        "supplier_rate",
    }


def test_a_filled_template_runs(tmp_path: Path) -> None:
    wb = load_workbook(ACTIVITY_TEMPLATE)
    ws = wb[ACTIVITY_SHEET]
    header = [c.value for c in ws[1]]
    records = [
        {"record_id": "E-1", "activity": "electricity/grid", "quantity": 100, "unit": "MWh", "region": "CN-CQ",
         "period": "2025-03", "entity": "两江工厂", "description": "三月电费"},
        {"record_id": "S-1", "activity": "heat/purchased", "quantity": 50, "unit": "GJ", "region": "CN-CQ",
         "period": "2025-03", "entity": "两江工厂"},
    ]  # fmt: skip
    for i, record in enumerate(records, start=2):
        for key, value in record.items():
            ws.cell(row=i, column=header.index(key) + 1, value=value)
    activities = tmp_path / "activity_data.xlsx"
    wb.save(activities)
    iwb = load_workbook(INSTRUMENT_TEMPLATE)
    iws = iwb[INSTRUMENT_SHEET]
    iheader = [c.value for c in iws[1]]
    for key, value in {"instrument_id": "GEC-1", "type": "gec", "quantity": 40, "unit": "MWh", "vintage": 2025,
                       "market_boundary": "CN", "covers": "E-1"}.items():  # fmt: skip
        iws.cell(row=2, column=iheader.index(key) + 1, value=value)
    instruments = tmp_path / "instruments.xlsx"
    iwb.save(instruments)
    out = tmp_path / "inventory.json"
    args = ["inventory", str(activities), "--instruments", str(instruments), "--year", "2025"]
    run = CliRunner().invoke(app, [*args, "--format", "json", "--out", str(out)])
    assert run.exit_code == 0, run.output
    totals = json.loads(out.read_text(encoding="utf-8"))["totals"]
    # 100 MWh × 0.5581 t/MWh + 50 GJ × 0.11 t/GJ (heat default, NDRC guideline family)
    assert totals["by_scope"]["2_location"] == pytest.approx(100 * 0.5581 + 50 * 0.11)
    # 40 MWh covered by the certificate at 0; 60 MWh × 0.6096 (residual-mix proxy); heat unchanged
    assert totals["by_scope"]["2_market"] == pytest.approx(60 * 0.6096 + 50 * 0.11)
    xlsx = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "inventory.xlsx")])
    assert xlsx.exit_code == 0, xlsx.output
    # the period typed into the text-formatted column stays a month, not a date
    assert list(read_table(activities).frame["period"]) == ["2025-03", "2025-03"]


def test_docs_cover_the_contract() -> None:
    from carbonledger.reports.flag_legend import FLAGS

    doc = (ROOT / "docs" / "inventory.md").read_text(encoding="utf-8")
    for name in [*COLUMNS, *INSTRUMENT_COLUMNS, *FLAGS]:
        assert f"`{name}`" in doc, name
