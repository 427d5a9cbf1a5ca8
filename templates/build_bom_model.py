"""Rebuild templates/bom_model.xlsx, the product-footprint (BOM / process) workbook (deterministic bytes).

Usage: python templates/build_bom_model.py
"""

from __future__ import annotations

from pathlib import Path

from carbonledger.footprint.template import write_workbook

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    print(write_workbook(HERE / "bom_model.xlsx"))
