"""Fixtures for the China ETS tests: small facility workbooks built with the template builder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from carbonledger.regimes.china_ets.template_builder import build_workbook

CO2_PER_C = 44.0 / 12.0  # MEE guidelines' CO2/C ratio (regulatory-facts.md §B.1: EF = CC × OF × 44/12)

Builder = Callable[..., Path]


@pytest.fixture
def workbook(tmp_path: Path) -> Builder:
    """``workbook(sector, name=..., **sheets)`` writes a facility workbook and returns its path."""

    def make(sector: str, name: str = "facility.xlsx", **data: Any) -> Path:
        return build_workbook(sector, tmp_path / name, data)

    return make


def monthly(value: Any, **fields: Any) -> list[dict[str, Any]]:
    """Twelve rows, month 1-12, with ``value`` (a scalar or a 12-list) under ``fields['key']``."""
    key = fields.pop("key")
    values = value if isinstance(value, list) else [value] * 12
    return [{"month": m + 1, key: values[m], **fields} for m in range(12)]


def power_production(supplied: float = 100_000.0, heat: float = 0.0, ratio: float | None = None) -> list[dict[str, Any]]:
    rows = []
    for m in range(12):
        row: dict[str, Any] = {
            "month": m + 1,
            "electricity_generated": supplied / 0.94,
            "electricity_supplied": supplied,
            "heat_supplied": heat,
        }
        if ratio is not None:
            row["heat_ratio"] = ratio
        rows.append(row)
    return rows
