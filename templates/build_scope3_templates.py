"""Rebuild templates/purchases.xlsx and templates/logistics.xlsx (deterministic bytes).

Usage: python templates/build_scope3_templates.py
"""

from __future__ import annotations

from pathlib import Path

from carbonledger.inventory.scope3.templates import build_logistics_template, build_purchases_template

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    print(build_purchases_template(HERE / "purchases.xlsx"))
    print(build_logistics_template(HERE / "logistics.xlsx"))
