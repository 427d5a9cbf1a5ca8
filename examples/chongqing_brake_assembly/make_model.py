"""Rebuild model.xlsx (the BOM workbook in the layout of templates/bom_model.xlsx) from the CSV
files of this folder, deterministically.

Usage: python examples/chongqing_brake_assembly/make_model.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from carbonledger.footprint.template import write_workbook

HERE = Path(__file__).resolve().parent
SHEETS = ("products", "processes", "outputs", "inputs", "plants", "allocation")


def build(target: Path = HERE / "model.xlsx") -> Path:
    tables = {name: pd.read_csv(HERE / f"{name}.csv", dtype=str, keep_default_na=False) for name in SHEETS}
    settings = pd.read_csv(HERE / "model.csv", dtype=str, keep_default_na=False)
    return write_workbook(target, tables, dict(zip(settings["key"], settings["value"], strict=True)))


if __name__ == "__main__":
    print(build())
