"""The numbers of a product carbon footprint, independent of the PACT version.

:class:`PcfFigures` holds every PACT figure for ONE unit of a stated unit (``kg``, ``piece``,
``kWh`` …): kg CO2e for emissions and removals (removals and uptake ≤ 0), kg C for carbon
contents. The footprint engine produces figures per unit of a product; the PACT exporter
scales them to the declared unit; the importer reads a supplier's footprint back into
figures per unit of its declared unit of measurement.

Convention (stated in ``docs/pact.md``): ``excluding_uptake`` is
``fossil + land_use_change + land_management_biogenic_co2_emissions +
land_management_biogenic_co2_removals + technological_co2_removals + ccs_capture +
biogenic_non_co2 + unattributed`` and ``including_uptake = excluding_uptake +
biogenic_co2_uptake`` (PACT v3.0.3, the formulas stated with ``pcfExcludingBiogenicUptake``
and ``pcfIncludingBiogenicUptake``). ``unattributed`` is zero for footprints computed by
carbonledger; for an imported footprint whose declared total differs from the sum of its
terms (as in several of the specification's own examples, wbcsd/data-exchange-protocol
issue 148) it carries the difference, so the declared total is kept and flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

__all__ = ["PCF_TERMS", "PcfFigures"]

PCF_TERMS: tuple[str, ...] = (
    "fossil",
    "land_use_change",
    "land_management_biogenic_co2_emissions",
    "land_management_biogenic_co2_removals",
    "technological_co2_removals",
    "ccs_capture",
    "biogenic_non_co2",
    "unattributed",
)
"""The additive terms of ``excluding_uptake``."""


@dataclass(frozen=True)
class PcfFigures:
    """PACT figures per one ``unit`` (kg CO2e; carbon contents kg C)."""

    unit: str
    fossil: float = 0.0
    land_use_change: float = 0.0
    land_management_biogenic_co2_emissions: float = 0.0
    land_management_biogenic_co2_removals: float = 0.0
    technological_co2_removals: float = 0.0
    ccs_capture: float = 0.0
    biogenic_non_co2: float = 0.0
    unattributed: float = 0.0
    biogenic_co2_uptake: float = 0.0
    land_management_fossil: float | None = None  # part of fossil (memo)
    aircraft: float | None = None  # part of fossil (memo)
    packaging: float | None = None  # part of excluding_uptake (memo); None = packaging not included
    fossil_carbon_content: float | None = None
    biogenic_carbon_content: float | None = None

    @property
    def excluding_uptake(self) -> float:
        return float(sum(float(getattr(self, t)) for t in PCF_TERMS))

    @property
    def including_uptake(self) -> float:
        return self.excluding_uptake + self.biogenic_co2_uptake

    def scaled(self, factor: float, unit: str) -> PcfFigures:
        """The figures for ``factor`` times the current unit, stated per ``unit``."""
        values: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "unit":
                continue
            v = getattr(self, f.name)
            values[f.name] = None if v is None else v * factor
        return replace(self, unit=unit, **values)
