"""Read PACT ProductFootprints (v2.x and v3.0) as supplier product footprints.

Each footprint is validated with ``jsonschema`` against carbonledger's PACT schema for its
version (:func:`carbonledger.pact.schemas.own_schema`, package data
``data/specs/pact/carbonledger-pact-v{2,3}.schema.json``); the fields carbonledger uses are then
read into :class:`PactFootprint` (pydantic). The full footprint (every figure, semantic
checks) is read by :mod:`carbonledger.pact.importer`. Accepted
inputs: one ProductFootprint object, a list of them, or an API response ``{"data": …}``
(ListFootprints / GetFootprint), as a file path or parsed JSON.

Field mapping (PACT Technical Specification v2.x / v3.0, ``CarbonFootprint``):

=============================  ==========================  =================================
carbonledger                   v2                          v3
=============================  ==========================  =================================
pcf (kg CO2e per declared u.)  ``pCfExcludingBiogenic``    ``pcfExcludingBiogenicUptake``
declared unit of measurement   ``declaredUnit``            ``declaredUnitOfMeasurement``
amount in the declared unit    1 (the PCF is per 1         ``declaredUnitAmount`` (the PCF is
                               declared unit)              per this many units)
mass per declared unit (kg)    —                           ``productMassPerDeclaredUnit``
validity                       ``validityPeriodStart/End``; if absent, 3 years from
                               ``referencePeriodEnd`` (v2 spec, ProductFootprint/validityPeriod)
=============================  ==========================  =================================
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
from pydantic import BaseModel, ConfigDict

from carbonledger.errors import Problem
from carbonledger.pact.schemas import own_schema

__all__ = ["DECLARED_UNITS", "PactFootprint", "read_pact", "validate_pact"]

DECLARED_UNITS: dict[str, str] = {
    "liter": "L",
    "kilogram": "kg",
    "cubic meter": "m3",
    "kilowatt hour": "kWh",
    "megajoule": "MJ",
    "ton kilometer": "tkm",
    "square meter": "m2",
    "piece": "pieces",
    "hour": "hour",
}
"""PACT declared units → carbonledger (pint) unit text. ``megabit second`` has no mapping."""


class PactFootprint(BaseModel):
    """The fields of a PACT ProductFootprint used for Scope 3 supplier-specific data."""

    model_config = ConfigDict(frozen=True)

    id: str
    spec_version: str
    status: str
    company_name: str
    company_ids: tuple[str, ...]
    product_ids: tuple[str, ...]
    product_name: str
    product_description: str
    declared_unit: str  # PACT name, e.g. "kilogram"
    declared_amount: Decimal  # v2: 1; v3: declaredUnitAmount
    mass_per_declared_unit_kg: Decimal | None  # v3 productMassPerDeclaredUnit (for declared_amount units)
    pcf_excluding_biogenic: Decimal  # kg CO2e per declared unit (declared_amount × declared_unit)
    reference_period_start: date
    reference_period_end: date
    validity_start: date
    validity_end: date
    validity_from_spec_default: bool
    geography: str
    characterization_factors: tuple[str, ...]
    dqr: dict[str, float]  # technological/temporal/geographical/completeness/reliability DQR (1-3)
    primary_data_share: float | None
    source: str

    @property
    def unit(self) -> str | None:
        """The declared unit as carbonledger unit text (None if not convertible)."""
        return DECLARED_UNITS.get(self.declared_unit)


def _schema(major: str) -> dict[str, Any]:
    return own_schema(major)


def _items(data: Any) -> list[Any]:
    if isinstance(data, dict) and "data" in data:
        data = data["data"]
    return data if isinstance(data, list) else [data]


def validate_pact(footprint: Any, *, source: str = "") -> list[Problem]:
    """Schema problems of one ProductFootprint (empty when valid)."""
    if not isinstance(footprint, dict):
        return [Problem("a PACT ProductFootprint must be a JSON object", file=source, code="pact_schema")]
    version = str(footprint.get("specVersion", ""))
    major = "v3" if version.startswith("3") else "v2" if version.startswith("2") else ""
    if not major:
        return [
            Problem(
                "unsupported or missing specVersion",
                file=source,
                field="specVersion",
                value=version,
                accepted="2.x or 3.x",
                code="pact_version",
            )
        ]
    validator = jsonschema.Draft202012Validator(_schema(major))
    return [
        Problem(
            f"PACT {major} schema: {error.message}",
            file=source,
            field="/".join(str(p) for p in error.absolute_path) or None,
            record_id=str(footprint.get("id", "")) or None,
            accepted=f"a ProductFootprint valid against the PACT {major} JSON Schema",
            code="pact_schema",
        )
        for error in sorted(validator.iter_errors(footprint), key=lambda e: list(map(str, e.absolute_path)))
    ]


def _day(text: Any) -> date:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00")).date()


def _dqr(pcf: dict[str, Any]) -> dict[str, float]:
    dqi = pcf.get("dqi") or {}
    out = {}
    for name in ("technological", "temporal", "geographical", "completeness", "reliability"):
        value = dqi.get(f"{name}DQR")
        if value is not None:
            out[name] = float(value)
    return out


def _footprint(pf: dict[str, Any], source: str) -> PactFootprint:
    pcf = pf["pcf"]
    v3 = str(pf["specVersion"]).startswith("3")
    ref_end = _day(pcf["referencePeriodEnd"])
    default_validity = "validityPeriodEnd" not in pf
    validity_start = _day(pf["validityPeriodStart"]) if "validityPeriodStart" in pf else ref_end
    validity_end = (
        _day(pf["validityPeriodEnd"])
        if not default_validity
        else ref_end.replace(year=ref_end.year + 3) if not (ref_end.month == 2 and ref_end.day == 29)
        else ref_end + timedelta(days=3 * 365)
    )
    if v3:
        declared_unit = str(pcf["declaredUnitOfMeasurement"])
        amount = Decimal(str(pcf["declaredUnitAmount"]))
        mass = Decimal(str(pcf["productMassPerDeclaredUnit"]))
        value = Decimal(str(pcf["pcfExcludingBiogenicUptake"]))
        factors = tuple(pcf.get("ipccCharacterizationFactors") or ())
    else:
        declared_unit = str(pcf["declaredUnit"])
        amount = Decimal(1)
        mass = Decimal(0)
        value = Decimal(str(pcf["pCfExcludingBiogenic"]))
        factors = tuple(pcf.get("ipccCharacterizationFactorsSources") or ())
    geography = str(
        pcf.get("geographyCountrySubdivision")
        or pcf.get("geographyCountry")
        or pcf.get("geographyRegionOrSubregion")
        or ""
    )
    share = pcf.get("primaryDataShare")
    return PactFootprint(
        id=str(pf["id"]),
        spec_version=str(pf["specVersion"]),
        status=str(pf.get("status", "")),
        company_name=str(pf.get("companyName", "")),
        company_ids=tuple(str(x) for x in pf.get("companyIds", ())),
        product_ids=tuple(str(x) for x in pf.get("productIds", ())),
        product_name=str(pf.get("productNameCompany", "")),
        product_description=str(pf.get("productDescription", "")),
        declared_unit=declared_unit,
        declared_amount=amount,
        mass_per_declared_unit_kg=mass if mass > 0 else None,
        pcf_excluding_biogenic=value,
        reference_period_start=_day(pcf["referencePeriodStart"]),
        reference_period_end=ref_end,
        validity_start=validity_start,
        validity_end=validity_end,
        validity_from_spec_default=default_validity,
        geography=geography,
        characterization_factors=factors,
        dqr=_dqr(pcf),
        primary_data_share=None if share is None else float(share),
        source=source,
    )


def read_pact(data: str | Path | Any, *, source: str | None = None) -> tuple[list[PactFootprint], list[Problem]]:
    """Footprints read and all problems found (schema errors reject that footprint only)."""
    label = source or (str(data) if isinstance(data, (str, Path)) else "<PACT data>")
    if isinstance(data, (str, Path)):
        try:
            data = json.loads(Path(data).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            return [], [Problem(f"cannot read PACT JSON: {exc}", file=label, code="pact_read",
                                accepted="a ProductFootprint JSON file (PACT v2.x or v3.0)")]
    footprints: list[PactFootprint] = []
    problems: list[Problem] = []
    for item in _items(data):
        found = validate_pact(item, source=label)
        if found:
            problems += found
            continue
        footprints.append(_footprint(item, label))
    return footprints, problems
