"""Typed PACT v3.0 ProductFootprint (the library's neutral representation of a footprint).

Field names and meanings follow the PACT Technical Specifications for PCF Data Exchange
v3.0.3 (WBCSD/PACT), data types ``ProductFootprint``, ``CarbonFootprint``,
``DataQualityIndicators``, ``Verification``, ``EmissionFactorSource``,
``ProductOrSectorSpecificRule``; Python attributes are snake_case, JSON keys the spec's
camelCase. Decimal properties are :class:`decimal.Decimal` in Python and decimal strings in
JSON (``"12.5"``, never exponent notation), so reading and writing a footprint is exact.
Unknown JSON properties (a later spec revision, ``extensions`` …) are kept, so a footprint
read and written again is unchanged.

The v2.x representation is produced and read by :mod:`carbonledger.pact.export` and
:mod:`carbonledger.pact.importer` from this model.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, field_validator
from pydantic.alias_generators import to_camel

__all__ = [
    "CarbonFootprint",
    "DataQualityIndicators",
    "EmissionFactorSource",
    "ProductFootprint",
    "ProductOrSectorSpecificRule",
    "Verification",
    "decimal_text",
]


def decimal_text(value: Decimal | float | int) -> str:
    """A PACT decimal string: plain notation (``0.0000001``, not ``1E-7``), no ``-0``.

    Floats go through ``repr`` (the shortest text that reads back to the same float), so a
    float written and read again is bit-identical.
    """
    if not isinstance(value, Decimal) and float(value).is_integer() and abs(float(value)) < 1e15:
        value = Decimal(int(float(value)))  # 1.0 → "1"
    d = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if not d.is_finite():
        raise ValueError(f"a PACT decimal must be finite, got {value!r}")
    if d == 0:
        d = abs(d)
    text = format(d, "f")
    return text


Dec = Annotated[Decimal, PlainSerializer(decimal_text, return_type=str, when_used="always")]


class _Base(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        frozen=True,
        ser_json_inf_nan="strings",
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_floats_for_decimals(cls, value: Any) -> Any:
        # a float given in Python becomes the Decimal of its shortest repr, not its binary expansion
        if isinstance(value, float):
            return Decimal(repr(value))
        return value


class DataQualityIndicators(_Base):
    technological_dqr: Dec = Field(alias="technologicalDQR")
    geographical_dqr: Dec = Field(alias="geographicalDQR")
    temporal_dqr: Dec = Field(alias="temporalDQR")


class Verification(_Base):
    coverage: Literal["PCF calculation model", "PCF program", "product level"] | None = None
    provider_name: str | None = None
    completed_at: str | None = None
    standard_name: str | None = None
    comments: str | None = None


class EmissionFactorSource(_Base):
    name: str
    version: str


class ProductOrSectorSpecificRule(_Base):
    operator: Literal["PEF", "EPD International", "Other"]
    rule_names: tuple[str, ...]
    other_operator_name: str | None = None


class CarbonFootprint(_Base):
    """``CarbonFootprint``: every figure is per declared unit (``declaredUnitAmount`` ×
    ``declaredUnitOfMeasurement``), kg CO2e or kg C."""

    declared_unit_of_measurement: str
    declared_unit_amount: Dec
    product_mass_per_declared_unit: Dec
    reference_period_start: str
    reference_period_end: str
    geography_region_or_subregion: str | None = None
    geography_country: str | None = None
    geography_country_subdivision: str | None = None
    boundary_processes_description: str | None = None
    pcf_excluding_biogenic_uptake: Dec
    pcf_including_biogenic_uptake: Dec
    fossil_carbon_content: Dec
    biogenic_carbon_content: Dec | None = None
    recycled_carbon_content: Dec | None = None
    fossil_ghg_emissions: Dec
    land_use_change_ghg_emissions: Dec | None = None
    land_carbon_leakage: Dec | None = None
    land_management_fossil_ghg_emissions: Dec | None = None
    land_management_biogenic_co2_emissions: Dec | None = Field(None, alias="landManagementBiogenicCO2Emissions")
    land_management_biogenic_co2_removals: Dec | None = Field(None, alias="landManagementBiogenicCO2Removals")
    biogenic_co2_uptake: Dec | None = Field(None, alias="biogenicCO2Uptake")
    biogenic_non_co2_emissions: Dec | None = Field(None, alias="biogenicNonCO2Emissions")
    land_area_occupation: Dec | None = None
    aircraft_ghg_emissions: Dec | None = None
    packaging_emissions_included: bool | None = None
    packaging_ghg_emissions: Dec | None = None
    packaging_biogenic_carbon_content: Dec | None = None
    outbound_logistics_ghg_emissions: Dec | None = None
    ccs_technological_co2_capture_included: bool | None = Field(None, alias="ccsTechnologicalCO2CaptureIncluded")
    ccs_technological_co2_capture: Dec | None = Field(None, alias="ccsTechnologicalCO2Capture")
    technological_co2_capture_origin: str | None = Field(None, alias="technologicalCO2CaptureOrigin")
    technological_co2_removals: Dec | None = Field(None, alias="technologicalCO2Removals")
    ccu_carbon_content: Dec | None = None
    ccu_calculation_approach: Literal["Cut-off", "Credit"] | None = None
    ccu_credit_certification: str | None = None
    ipcc_characterization_factors: tuple[str, ...]
    cross_sectoral_standards: tuple[str, ...]
    product_or_sector_specific_rules: tuple[ProductOrSectorSpecificRule, ...] | None = None
    exempted_emissions_percent: Dec
    exempted_emissions_description: str | None = None
    allocation_rules_description: str | None = None
    secondary_emission_factor_sources: tuple[EmissionFactorSource, ...] | None = None
    primary_data_share: Dec | None = None
    dqi: DataQualityIndicators | None = None
    verification: Verification | None = None


class ProductFootprint(_Base):
    """``ProductFootprint`` (v3.0)."""

    id: str
    spec_version: str = "3.0.0"
    preceding_pf_ids: tuple[str, ...] | None = None
    created: str
    status: Literal["Active", "Deprecated"] = "Active"
    validity_period_start: str | None = None
    validity_period_end: str | None = None
    company_name: str
    company_ids: tuple[str, ...]
    product_description: str
    product_ids: tuple[str, ...]
    product_classifications: tuple[str, ...] | None = None
    product_name_company: str
    comment: str | None = None
    pcf: CarbonFootprint

    def to_json(self) -> dict[str, Any]:
        """The v3.0 JSON object (decimal strings, no ``null`` properties)."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProductFootprint:
        """Parse a v3.0 JSON object (validate it with :mod:`carbonledger.pact.schemas` first)."""
        return cls.model_validate(data)
