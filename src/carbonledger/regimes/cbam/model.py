"""The CBAM installation model: what an operator monitors and how it is attributed.

The structure follows IR (EU) 2025/2547 and the Commission's "Communication template for
installations" (sheets A-E):

* :class:`SourceStream` — calculation-based monitoring (Annex II B.3): combustion
  (``AD × NCV × EF × OxF``), process emissions (``AD × EF × ConvF``) and mass balance
  (``f × AD × CC``, outputs with negative AD), each with a biomass fraction;
* :class:`MeasuredSource` — continuous emission measurement (CO2 or N2O);
* :class:`PFCSource` — PFC emissions of primary aluminium (slope or overvoltage method);
* :class:`ProductionProcess` — one production process with its activity level, directly
  attributable emissions (DirEm*), measurable heat and waste gases imported/exported,
  electricity consumed and exported, and the precursors it consumes;
* :class:`PurchasedPrecursor` — a precursor bought from another installation, with its
  specific embedded emissions (actual or default);
* :class:`Product` — a CN code produced by a process, as communicated to customers.

All quantities are plain floats in the unit their field name states (``_t`` tonnes,
``_tj`` terajoules, ``_mwh``, ``_t_per_t`` …); source-stream units are free text parsed
with :mod:`carbonledger.units`. Fractions are fractions (0.95), not percentages.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "Installation",
    "MeasuredSource",
    "PFCSource",
    "PrecursorInput",
    "Product",
    "ProductionProcess",
    "PurchasedPrecursor",
    "SourceStream",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _fraction(value: float | None, name: str, *, allow_above_one: bool = False) -> float | None:
    if value is None:
        return None
    if value < 0 or (value > 1 and not allow_above_one):
        raise ValueError(f"{name} must be a fraction between 0 and 1 (e.g. 0.95, not 95)")
    return value


class SourceStream(_Model):
    """A fuel or material monitored by a calculation-based method (IR 2025/2547 Annex II B.3)."""

    name: str
    method: Literal["combustion", "process", "mass_balance"]
    activity_data: float = Field(description="amount; negative for mass-balance outputs")
    activity_unit: str = "t"
    ncv: float | None = Field(None, description="net calorific value")
    ncv_unit: str = "GJ/t"
    emission_factor: float | None = None
    ef_unit: str = "t CO2/TJ"
    carbon_content: float | None = Field(None, description="mass-balance carbon content")
    cc_unit: str = "t C/t"
    oxidation_factor: float = 1.0
    conversion_factor: float = 1.0
    biomass_fraction: float = 0.0
    process: str | None = Field(None, description="production process id the stream belongs to")
    source: str = Field("", description="where NCV/EF/CC come from (measurement, factor set row, …)")

    @field_validator("oxidation_factor", "conversion_factor", "biomass_fraction")
    @classmethod
    def _fractions(cls, value: float, info: object) -> float:
        name = getattr(info, "field_name", "value")
        checked = _fraction(value, name)
        return float(checked if checked is not None else value)


class MeasuredSource(_Model):
    """An emission source monitored by continuous measurement (CEMS): hourly average
    concentration × operating hours × average flue-gas flow."""

    name: str
    gas: Literal["CO2", "N2O"]
    concentration_g_per_nm3: float
    hours: float
    flue_gas_flow_knm3_per_h: float = Field(description="average flue-gas flow in 1000 Nm3/h")
    biomass_fraction: float = 0.0
    process: str | None = None
    source: str = ""


class PFCSource(_Model):
    """PFC emissions of primary aluminium smelting (CF4 and C2F6), slope or overvoltage method."""

    name: str
    method: Literal["slope", "overvoltage"]
    technology: str = ""
    aluminium_produced_t: float
    anode_effect_frequency: float | None = Field(None, description="slope: anode effects per cell-day")
    anode_effect_duration_min: float | None = Field(None, description="slope: minutes per anode effect")
    sef_cf4: float | None = Field(None, description="slope coefficient, (kg CF4/t Al)/(AE-min/cell-day)")
    aeo_mv: float | None = Field(None, description="overvoltage: anode effect overvoltage per cell, mV")
    current_efficiency: float | None = Field(
        None, description="overvoltage: average current efficiency (fraction)"
    )
    ovc: float | None = Field(None, description="overvoltage coefficient, (kg CF4/t Al)/mV")
    f_c2f6: float = Field(description="weight fraction C2F6/CF4 (t C2F6 per t CF4)")
    collection_efficiency: float = 1.0
    process: str | None = None
    source: str = ""

    @field_validator("current_efficiency", "collection_efficiency")
    @classmethod
    def _fractions(cls, value: float | None, info: object) -> float | None:
        return _fraction(value, getattr(info, "field_name", "value"))


class PrecursorInput(_Model):
    """Mass of a precursor consumed by a process (total, incl. losses: IR 2025/2547 Annex III B)."""

    source: str = Field(description="id of the producing process or of the purchased precursor")
    amount_t: float


class ProductionProcess(_Model):
    """A production process and the data needed to attribute emissions to it
    (IR 2025/2547 Annex III A; template sheet D_Processes)."""

    id: str
    name: str = ""
    category: str = Field(description="aggregated goods category, e.g. 'Crude steel'")
    included_categories: list[str] = Field(default_factory=list)
    routes: list[str] = Field(default_factory=list)
    activity_level_t: float | None = Field(None, description="total production of the period (AL)")
    produced_for_market_t: float | None = None
    direct_emissions_t: float | None = Field(
        None,
        description="DirEm*: directly attributable emissions; "
        "omit to sum the sources assigned to this process",
    )
    heat_imported_tj: float = 0.0
    heat_imported_ef: float | None = Field(None, description="t CO2/TJ of heat")
    heat_exported_tj: float = 0.0
    heat_exported_ef: float | None = None
    waste_gas_imported_tj: float = 0.0
    waste_gas_exported_tj: float = 0.0
    electricity_consumed_mwh: float | None = None
    electricity_ef: float | None = Field(None, description="t CO2/MWh of the electricity consumed")
    electricity_ef_source: str = ""
    electricity_exported_mwh: float = 0.0
    electricity_exported_ef: float | None = None
    precursors: list[PrecursorInput] = Field(default_factory=list)
    benchmark_cn: str | None = Field(
        None, description="CN code for the CBAM benchmark of this process's output"
    )
    benchmark_route: str = Field("", description="benchmark route code (C, D, E … of IR 2025/2620)")


class PurchasedPrecursor(_Model):
    """A precursor bought from another installation (template sheet E_PurchPrec)."""

    id: str
    name: str = ""
    category: str
    cn_code: str | None = None
    country: str | None = Field(None, description="country of production (ISO 3166-1); None = unknown")
    routes: list[str] = Field(default_factory=list)
    purchased_t: float | None = None
    see_direct: float | None = None
    see_indirect: float | None = None
    specific_electricity_mwh_per_t: float | None = None
    electricity_ef: float | None = None
    value_source: Literal["measured", "default", "unknown"] = "measured"
    origin_exempt: bool = Field(
        False, description="produced in the EU or an Annex III-exempt country: counted as zero"
    )
    variant: str = ""
    free_allocation_basis: float | None = Field(
        None, description="communicated SEFA basis of the precursor (t CO2e/t before CBAM factor and CSCF)"
    )


class Product(_Model):
    """A good communicated to customers: a CN code produced by one production process."""

    cn_code: str
    name: str = ""
    process: str
    clinker_factor: float | None = Field(None, description="t clinker per t cement (cement functional unit)")
    nitrogen_content: float | None = Field(
        None, description="t N per t of fertiliser (fertiliser functional unit)"
    )
    qualifying_parameters: dict[str, str] = Field(default_factory=dict)


class Installation(_Model):
    """An installation's monitoring data for one reporting period."""

    name: str
    operator: str = ""
    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = Field(description="ISO 3166-1 alpha-2")
    unlocode: str = ""
    latitude: str = ""
    longitude: str = ""
    economic_activity: str = ""
    period_start: date
    period_end: date
    source_streams: list[SourceStream] = Field(default_factory=list)
    measured_sources: list[MeasuredSource] = Field(default_factory=list)
    pfc_sources: list[PFCSource] = Field(default_factory=list)
    processes: list[ProductionProcess]
    purchased_precursors: list[PurchasedPrecursor] = Field(default_factory=list)
    products: list[Product] = Field(default_factory=list)
    total_indirect_emissions_t: float | None = Field(
        None, description="installation-level indirect emissions, as reported (template C_Emissions&Energy)"
    )
    data_quality: str = ""
    quality_assurance: str = ""
    notes: list[str] = Field(default_factory=list)

    @property
    def year(self) -> int:
        return self.period_end.year
