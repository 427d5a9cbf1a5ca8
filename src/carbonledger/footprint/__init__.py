"""Product carbon footprints: product models (BOMs), allocation, one sparse solve for every
product, contributions and data quality, PACT statements.

Public entry points::

    from carbonledger.footprint import build_model, read_model, compute_footprints

    model = read_model("model.xlsx")          # or build_model(products=df, processes=df, ...)
    result = compute_footprints(model)        # every product, one solve
    result.pcf("BA-100")                      # kg CO2e per unit
    result.pact("BA-100")                     # PACT v3.0 JSON and its problems
"""

from __future__ import annotations

from carbonledger.footprint.model import ModelSettings, ProductModel, build_model
from carbonledger.footprint.result import FootprintResult, compute_footprints
from carbonledger.footprint.system import ProductSystem, SystemMatrices, build_system

__all__ = [
    "FootprintResult",
    "ModelSettings",
    "ProductModel",
    "ProductSystem",
    "SystemMatrices",
    "build_model",
    "build_system",
    "compute_footprints",
    "read_model",
]


def read_model(path: str, **kwargs: object) -> ProductModel:
    """Read a BOM workbook (``templates/bom_model.xlsx`` layout) into a validated model."""
    from carbonledger.footprint.template import read_model as _read

    return _read(path, **kwargs)  # type: ignore[arg-type]
