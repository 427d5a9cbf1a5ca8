"""Write product footprints as PACT ProductFootprints: v3.0 (default) and v2.3.

:class:`FootprintStatement` is everything a footprint declares: the figures per unit of the
product (:class:`~carbonledger.pact.figures.PcfFigures`), the declared unit, the reference
period, geography, methodology statements and data quality. :func:`to_v3` and :func:`to_v2`
turn it into JSON objects; both are validated against carbonledger's schema and the
semantic checks before they are returned (:func:`export_problems`), so an invalid footprint
is never written.

Declared unit (PACT v3.0.3 ``declaredUnitOfMeasurement`` / ``declaredUnitAmount``): the
figures are stated per ``declaredUnitAmount`` × ``declaredUnitOfMeasurement``; the product's
own unit is converted with pint (``t`` → 1000 ``kilogram``). v2.3 states figures per ONE
declared unit and has no ``piece``: a piece is declared per ``kilogram`` with
``unitaryProductAmount`` = its mass.

Ids: a footprint id is a UUID in the version-4 layout whose bits come from the SHA-256 of the
footprint's content (everything except ``id`` and ``created``), so the same inputs give the
same id and, as PACT v3 requires for any change, a changed footprint gets a new id.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from carbonledger.errors import InputError, Problem
from carbonledger.pact.checks import semantic_problems
from carbonledger.pact.figures import PcfFigures
from carbonledger.pact.model import decimal_text
from carbonledger.pact.schemas import schema_problems
from carbonledger.pact.units import per_declared_unit_multiplier
from carbonledger.regions import canonical_region, region_chain

__all__ = [
    "UN_REGIONS",
    "FootprintStatement",
    "content_id",
    "export_problems",
    "geography_fields",
    "to_v2",
    "to_v3",
]

UN_REGIONS: frozenset[str] = frozenset(
    {
        "Africa", "Americas", "Asia", "Europe", "Oceania", "Australia and New Zealand", "Central Asia",
        "Eastern Asia", "Eastern Europe", "Latin America and the Caribbean", "Melanesia", "Micronesia",
        "Northern Africa", "Northern America", "Northern Europe", "Polynesia", "South-eastern Asia",
        "Southern Asia", "Southern Europe", "Sub-Saharan Africa", "Western Asia", "Western Europe",
    }
)

_V2_STANDARDS = {
    "GHGP-Product": "GHG Protocol Product standard",
    "ISO14067": "ISO Standard 14067",
    "ISO14040-44": "ISO Standard 14044",
}
_V2_NEW_STANDARDS = ("ISO14067", "ISO14083", "ISO14040-44", "GHGP-Product", "PEF", "PACT-1.0", "PACT-2.0", "PACT-3.0")


@dataclass(frozen=True)
class FootprintStatement:
    """One product footprint to declare. ``figures`` are per ONE unit of ``figures.unit``."""

    product_key: str  # the model's product id (for messages)
    company_name: str
    company_ids: tuple[str, ...]
    product_name: str
    product_description: str
    product_ids: tuple[str, ...]
    figures: PcfFigures
    declared_unit: str  # PACT declared unit of measurement
    reference_period_start: date | datetime
    reference_period_end: date | datetime  # exclusive
    ipcc_characterization_factors: tuple[str, ...]
    cross_sectoral_standards: tuple[str, ...]
    declared_unit_amount: float = 1.0
    mass_kg_per_unit: float | None = None  # kg per ONE unit of figures.unit, excluding packaging
    product_classifications: tuple[str, ...] = ()
    product_category_cpc: str | None = None  # v2.3 only
    comment: str = ""
    geography: str | None = None  # region code (CN-CQ, CN) or a UN region name
    boundary_processes_description: str = ""
    allocation_rules_description: str | None = None
    exempted_emissions_percent: float = 0.0
    exempted_emissions_description: str = ""
    product_or_sector_specific_rules: tuple[dict[str, Any], ...] = ()
    biogenic_accounting_methodology: str | None = None
    secondary_emission_factor_sources: tuple[tuple[str, str], ...] = ()
    primary_data_share: float | None = None
    dqr: dict[str, float] | None = None  # technological / temporal / geographical (PACT v3 scale 1-5)
    dqr_coverage_percent: float | None = None
    packaging_emissions_included: bool = False
    validity_period_start: datetime | None = None
    validity_period_end: datetime | None = None
    preceding_pf_ids: tuple[str, ...] = ()
    created: datetime | None = None
    pf_id: str | None = None
    status: str = "Active"
    extra_comment_lines: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------------------------
def _stamp(value: date | datetime) -> str:
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{value.isoformat()}T00:00:00Z"


def geography_fields(geography: str | None) -> dict[str, str]:
    """PACT geography properties for a region code or UN region name (at most one is set).

    ``CN-CQ`` → ``geographyCountrySubdivision``; ``CN`` → ``geographyCountry``; a custom region
    (``CN-GRID-SOUTHWEST``) → its nearest ISO ancestor; ``GLOBAL``/empty → none (global).
    """
    if not geography:
        return {}
    if geography in UN_REGIONS:
        return {"geographyRegionOrSubregion": geography}
    code = canonical_region(geography)
    for candidate in region_chain(code) or (code,):
        if len(candidate) == 2 and candidate.isalpha():
            return {"geographyCountry": candidate}
        head, _, tail = candidate.partition("-")
        if len(head) == 2 and head.isalpha() and 1 <= len(tail) <= 3 and tail.isalnum():
            import pycountry

            if pycountry.subdivisions.get(code=candidate) is not None:  # type: ignore[no-untyped-call]
                return {"geographyCountrySubdivision": candidate}
    return {}


def _num(value: float, name: str, problems: list[Problem], product: str, *, sign: str = "any") -> str:
    """Decimal text of a figure; tiny float noise of the wrong sign is zero, a real one an error."""
    if not math.isfinite(value):
        problems.append(Problem(f"{name} is not a finite number", record_id=product, field=name,
                                code="pact_export"))
        return "0"
    scale = 1e-12
    if sign == "nonneg" and value < 0:
        if value > -scale:
            value = 0.0
        else:
            problems.append(Problem(f"{name} is negative ({value:g})", record_id=product, field=name,
                                    accepted="≥ 0", code="pact_export"))
    if sign == "nonpos" and value > 0:
        if value < scale:
            value = 0.0
        else:
            problems.append(Problem(f"{name} is positive ({value:g})", record_id=product, field=name,
                                    accepted="≤ 0", code="pact_export"))
    return decimal_text(value)


def _per_declared(statement: FootprintStatement, problems: list[Problem], *, per_amount: float) -> PcfFigures | None:
    """Figures for ``per_amount`` declared units (v3: declaredUnitAmount; v2: 1)."""
    unit = statement.figures.unit
    try:
        m = per_declared_unit_multiplier(unit, statement.declared_unit)
    except Exception as exc:  # UnitError
        problems.append(
            Problem(
                f"the product's unit {unit!r} cannot be stated per declared unit {statement.declared_unit!r}: {exc}",
                record_id=statement.product_key,
                field="declared_unit",
                accepted="a declared unit of the same dimension as the product's unit",
                code="pact_declared_unit",
            )
        )
        return None
    # one product unit = m declared units → per declared unit = per product unit / m
    return statement.figures.scaled(per_amount / m, statement.declared_unit)


def _mass_per_declared(statement: FootprintStatement, per_amount: float, problems: list[Problem]) -> float:
    if statement.declared_unit == "kilogram":
        return per_amount
    if statement.mass_kg_per_unit is None:
        if statement.declared_unit in ("piece", "liter", "cubic meter", "square meter"):
            problems.append(
                Problem(
                    f"declared unit {statement.declared_unit!r} needs the product's mass (kg per "
                    f"{statement.figures.unit})",
                    record_id=statement.product_key,
                    field="mass_kg",
                    accepted="the mass of one unit of the product in kg, excluding packaging",
                    code="pact_mass",
                )
            )
        return 0.0
    m = per_declared_unit_multiplier(statement.figures.unit, statement.declared_unit)
    return statement.mass_kg_per_unit * per_amount / m


def content_id(document: dict[str, Any]) -> str:
    """A UUID (version-4 layout) from the SHA-256 of the document without ``id``/``created``."""
    body = {k: v for k, v in document.items() if k not in ("id", "created")}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def _created(statement: FootprintStatement) -> str:
    return _stamp(statement.created or datetime.now(UTC).replace(microsecond=0))


def _common_pcf(statement: FootprintStatement, f: PcfFigures, problems: list[Problem]) -> dict[str, Any]:
    key = statement.product_key
    out: dict[str, Any] = {}
    out["referencePeriodStart"] = _stamp(statement.reference_period_start)
    out["referencePeriodEnd"] = _stamp(statement.reference_period_end)
    out.update(geography_fields(statement.geography))
    if f.fossil_carbon_content is None:
        problems.append(
            Problem(
                "fossil carbon content is unknown (PACT requires fossilCarbonContent)",
                record_id=key,
                field="fossil_carbon_content",
                accepted="the product's fossil carbon content in kg C per unit, or the carbon contents of all "
                "its inputs so it can be derived",
                code="pact_carbon_content",
            )
        )
    out["fossilCarbonContent"] = _num(f.fossil_carbon_content or 0.0, "fossilCarbonContent", problems, key,
                                      sign="nonneg")
    return out


# ---------------------------------------------------------------------------------------------
def to_v3(statement: FootprintStatement) -> tuple[dict[str, Any], list[Problem]]:
    """The PACT v3.0 ProductFootprint JSON object and the problems found (errors mean it is
    not valid and must not be shared)."""
    problems: list[Problem] = []
    key = statement.product_key
    amount = statement.declared_unit_amount
    f = _per_declared(statement, problems, per_amount=amount)
    if f is None:
        return {}, problems
    pcf: dict[str, Any] = {
        "declaredUnitOfMeasurement": statement.declared_unit,
        "declaredUnitAmount": decimal_text(amount),
        "productMassPerDeclaredUnit": _num(_mass_per_declared(statement, amount, problems),
                                           "productMassPerDeclaredUnit", problems, key, sign="nonneg"),
    }
    common = _common_pcf(statement, f, problems)
    pcf["referencePeriodStart"] = common.pop("referencePeriodStart")
    pcf["referencePeriodEnd"] = common.pop("referencePeriodEnd")
    pcf.update({k: v for k, v in common.items() if k.startswith("geography")})
    if statement.boundary_processes_description:
        pcf["boundaryProcessesDescription"] = statement.boundary_processes_description
    pcf["pcfExcludingBiogenicUptake"] = _num(f.excluding_uptake, "pcfExcludingBiogenicUptake", problems, key)
    pcf["pcfIncludingBiogenicUptake"] = _num(f.including_uptake, "pcfIncludingBiogenicUptake", problems, key)
    pcf["fossilCarbonContent"] = common["fossilCarbonContent"]
    if f.biogenic_carbon_content is not None:
        pcf["biogenicCarbonContent"] = _num(f.biogenic_carbon_content, "biogenicCarbonContent", problems, key,
                                            sign="nonneg")
    pcf["fossilGhgEmissions"] = _num(f.fossil, "fossilGhgEmissions", problems, key, sign="nonneg")
    pcf["landUseChangeGhgEmissions"] = _num(f.land_use_change, "landUseChangeGhgEmissions", problems, key,
                                            sign="nonneg")
    if f.land_management_fossil is not None:
        pcf["landManagementFossilGhgEmissions"] = _num(f.land_management_fossil, "landManagementFossilGhgEmissions",
                                                       problems, key, sign="nonneg")
    pcf["landManagementBiogenicCO2Emissions"] = _num(f.land_management_biogenic_co2_emissions,
                                                     "landManagementBiogenicCO2Emissions", problems, key, sign="nonneg")
    pcf["landManagementBiogenicCO2Removals"] = _num(f.land_management_biogenic_co2_removals,
                                                    "landManagementBiogenicCO2Removals", problems, key, sign="nonpos")
    pcf["biogenicCO2Uptake"] = _num(f.biogenic_co2_uptake, "biogenicCO2Uptake", problems, key, sign="nonpos")
    pcf["biogenicNonCO2Emissions"] = _num(f.biogenic_non_co2, "biogenicNonCO2Emissions", problems, key,
                                          sign="nonneg")
    if f.aircraft is not None:
        pcf["aircraftGhgEmissions"] = _num(f.aircraft, "aircraftGhgEmissions", problems, key, sign="nonneg")
    pcf["packagingEmissionsIncluded"] = statement.packaging_emissions_included
    if statement.packaging_emissions_included and f.packaging is not None:
        pcf["packagingGhgEmissions"] = _num(f.packaging, "packagingGhgEmissions", problems, key, sign="nonneg")
    ccs = f.ccs_capture != 0 or f.technological_co2_removals != 0
    pcf["ccsTechnologicalCO2CaptureIncluded"] = ccs
    if ccs:
        pcf["ccsTechnologicalCO2Capture"] = _num(f.ccs_capture, "ccsTechnologicalCO2Capture", problems, key,
                                                 sign="nonpos")
        pcf["technologicalCO2Removals"] = _num(f.technological_co2_removals, "technologicalCO2Removals", problems,
                                               key, sign="nonpos")
    pcf["ipccCharacterizationFactors"] = list(statement.ipcc_characterization_factors)
    pcf["crossSectoralStandards"] = list(statement.cross_sectoral_standards)
    if statement.product_or_sector_specific_rules:
        pcf["productOrSectorSpecificRules"] = [dict(r) for r in statement.product_or_sector_specific_rules]
    pcf["exemptedEmissionsPercent"] = decimal_text(statement.exempted_emissions_percent)
    if statement.exempted_emissions_description:
        pcf["exemptedEmissionsDescription"] = statement.exempted_emissions_description
    if statement.allocation_rules_description:
        pcf["allocationRulesDescription"] = statement.allocation_rules_description
    if statement.secondary_emission_factor_sources:
        pcf["secondaryEmissionFactorSources"] = [
            {"name": n, "version": v} for n, v in statement.secondary_emission_factor_sources
        ]
    if statement.primary_data_share is not None:
        pcf["primaryDataShare"] = _num(statement.primary_data_share, "primaryDataShare", problems, key,
                                       sign="nonneg")
    if statement.dqr:
        pcf["dqi"] = {
            "technologicalDQR": decimal_text(statement.dqr["technological"]),
            "geographicalDQR": decimal_text(statement.dqr["geographical"]),
            "temporalDQR": decimal_text(statement.dqr["temporal"]),
        }
    doc: dict[str, Any] = {"id": "", "specVersion": "3.0.0"}
    if statement.preceding_pf_ids:
        doc["precedingPfIds"] = list(statement.preceding_pf_ids)
    doc["created"] = _created(statement)
    doc["status"] = statement.status
    if statement.validity_period_start is not None:
        doc["validityPeriodStart"] = _stamp(statement.validity_period_start)
    if statement.validity_period_end is not None:
        doc["validityPeriodEnd"] = _stamp(statement.validity_period_end)
    doc["companyName"] = statement.company_name
    doc["companyIds"] = list(statement.company_ids)
    doc["productDescription"] = statement.product_description
    doc["productIds"] = list(statement.product_ids)
    if statement.product_classifications:
        doc["productClassifications"] = list(statement.product_classifications)
    doc["productNameCompany"] = statement.product_name
    comment = "\n".join(x for x in (statement.comment, *statement.extra_comment_lines) if x)
    if comment:
        doc["comment"] = comment
    doc["pcf"] = pcf
    doc["id"] = statement.pf_id or content_id(doc)
    problems += export_problems(doc, product=key)
    return doc, problems


def to_v2(statement: FootprintStatement) -> tuple[dict[str, Any], list[Problem]]:
    """The PACT v2.3 ProductFootprint JSON object and the problems found.

    v2.3 cannot state land-management biogenic CO2, technological removals or CCS capture
    (v3.0 additions): a footprint with any of them non-zero is refused (use v3.0). A product
    declared per ``piece`` is declared per ``kilogram`` (its mass is required).
    """
    problems: list[Problem] = []
    key = statement.product_key
    declared = statement.declared_unit
    per_piece_mass = None
    if declared in ("piece", "hour", "megabit second"):
        if declared != "piece" or not statement.mass_kg_per_unit:
            problems.append(
                Problem(
                    f"PACT v2.3 has no declared unit {declared!r}"
                    + ("; give the product's mass to declare it per kilogram" if declared == "piece" else ""),
                    record_id=key,
                    field="declared_unit",
                    accepted="liter, kilogram, cubic meter, kilowatt hour, megajoule, ton kilometer, square meter",
                    code="pact_v2_declared_unit",
                )
            )
            return {}, problems
        per_piece_mass = statement.mass_kg_per_unit / per_declared_unit_multiplier(statement.figures.unit, "piece")
        per_kg = statement.figures.scaled(1.0 / statement.mass_kg_per_unit, "kilogram")
        f = per_kg
        declared = "kilogram"
        unitary = per_piece_mass * statement.declared_unit_amount
    else:
        f_or_none = _per_declared(statement, problems, per_amount=1.0)
        if f_or_none is None:
            return {}, problems
        f = f_or_none
        unitary = statement.declared_unit_amount
    for name in ("land_management_biogenic_co2_emissions", "land_management_biogenic_co2_removals",
                 "technological_co2_removals", "ccs_capture"):
        if getattr(f, name) != 0:
            problems.append(
                Problem(
                    f"{name} is not zero and PACT v2.3 has no property for it",
                    record_id=key,
                    field=name,
                    accepted="export this footprint as PACT v3.0",
                    code="pact_v2_unsupported",
                )
            )
    excluding = f.fossil + f.land_use_change + f.biogenic_non_co2 + f.unattributed
    factors = sorted(statement.ipcc_characterization_factors, key=lambda s: int(s[2:]))
    earliest = factors[0] if factors else ""
    if earliest not in ("AR5", "AR6"):
        problems.append(
            Problem(
                f"PACT v2.3 characterizationFactors accepts AR5 or AR6 only; this footprint uses {earliest or 'none'}",
                record_id=key,
                field="ipcc_characterization_factors",
                accepted="AR5 or AR6",
                code="pact_v2_gwp",
            )
        )
    used = [_V2_STANDARDS[s] for s in statement.cross_sectoral_standards if s in _V2_STANDARDS]
    if not used:
        problems.append(
            Problem(
                "PACT v2.3 crossSectoralStandardsUsed needs one of GHGP-Product, ISO14067, ISO14040-44",
                record_id=key,
                field="cross_sectoral_standards",
                accepted="GHGP-Product, ISO14067 or ISO14040-44 among the standards",
                code="pact_v2_standards",
            )
        )
    if not statement.product_category_cpc:
        problems.append(
            Problem(
                "PACT v2.3 requires productCategoryCpc (UN CPC code of the product)",
                record_id=key,
                field="cpc",
                accepted="a UN CPC code, e.g. 49129 for parts of motor vehicles",
                code="pact_v2_cpc",
            )
        )
    if f.biogenic_carbon_content is None:
        problems.append(
            Problem(
                "PACT v2.3 requires biogenicCarbonContent",
                record_id=key,
                field="biogenic_carbon_content",
                accepted="the product's biogenic carbon content in kg C per unit (0 when it has none)",
                code="pact_carbon_content",
            )
        )
    common = _common_pcf(statement, f, problems)
    pcf: dict[str, Any] = {
        "declaredUnit": declared,
        "unitaryProductAmount": decimal_text(unitary),
    }
    if per_piece_mass is not None:
        pcf["productMassPerDeclaredUnit"] = "1"
    elif statement.mass_kg_per_unit is not None or declared == "kilogram":
        pcf["productMassPerDeclaredUnit"] = _num(_mass_per_declared(statement, 1.0, problems),
                                                 "productMassPerDeclaredUnit", problems, key, sign="nonneg")
    pcf["pCfExcludingBiogenic"] = _num(excluding, "pCfExcludingBiogenic", problems, key, sign="nonneg")
    pcf["pCfIncludingBiogenic"] = _num(excluding + f.biogenic_co2_uptake, "pCfIncludingBiogenic", problems, key)
    pcf["fossilGhgEmissions"] = _num(f.fossil, "fossilGhgEmissions", problems, key, sign="nonneg")
    pcf["fossilCarbonContent"] = common["fossilCarbonContent"]
    pcf["biogenicCarbonContent"] = _num(f.biogenic_carbon_content or 0.0, "biogenicCarbonContent", problems, key,
                                        sign="nonneg")
    pcf["dLucGhgEmissions"] = _num(f.land_use_change, "dLucGhgEmissions", problems, key, sign="nonneg")
    pcf["otherBiogenicGhgEmissions"] = _num(f.biogenic_non_co2, "otherBiogenicGhgEmissions", problems, key,
                                            sign="nonneg")
    pcf["biogenicCarbonWithdrawal"] = _num(f.biogenic_co2_uptake, "biogenicCarbonWithdrawal", problems, key,
                                           sign="nonpos")
    if f.aircraft is not None:
        pcf["aircraftGhgEmissions"] = _num(f.aircraft, "aircraftGhgEmissions", problems, key, sign="nonneg")
    pcf["packagingEmissionsIncluded"] = statement.packaging_emissions_included
    if statement.packaging_emissions_included and f.packaging is not None:
        pcf["packagingGhgEmissions"] = _num(f.packaging, "packagingGhgEmissions", problems, key, sign="nonneg")
    pcf["characterizationFactors"] = earliest if earliest in ("AR5", "AR6") else "AR6"
    pcf["ipccCharacterizationFactorsSources"] = list(statement.ipcc_characterization_factors)
    pcf["crossSectoralStandardsUsed"] = used or ["GHG Protocol Product standard"]
    new = [s for s in statement.cross_sectoral_standards if s in _V2_NEW_STANDARDS]
    if new:
        pcf["crossSectoralStandards"] = new
    if statement.product_or_sector_specific_rules:
        pcf["productOrSectorSpecificRules"] = [dict(r) for r in statement.product_or_sector_specific_rules]
    if statement.biogenic_accounting_methodology:
        pcf["biogenicAccountingMethodology"] = statement.biogenic_accounting_methodology
    pcf["boundaryProcessesDescription"] = statement.boundary_processes_description
    pcf["referencePeriodStart"] = common["referencePeriodStart"]
    pcf["referencePeriodEnd"] = common["referencePeriodEnd"]
    pcf.update({k: v for k, v in common.items() if k.startswith("geography")})
    if statement.secondary_emission_factor_sources:
        pcf["secondaryEmissionFactorSources"] = [
            {"name": n, "version": v} for n, v in statement.secondary_emission_factor_sources
        ]
    pcf["exemptedEmissionsPercent"] = float(statement.exempted_emissions_percent)
    pcf["exemptedEmissionsDescription"] = statement.exempted_emissions_description
    if statement.allocation_rules_description:
        pcf["allocationRulesDescription"] = statement.allocation_rules_description
    if statement.primary_data_share is not None:
        pcf["primaryDataShare"] = float(statement.primary_data_share)
    comment = "\n".join(x for x in (statement.comment, *statement.extra_comment_lines) if x)
    v3_doc, _ = to_v3(statement) if statement.pf_id is None else ({"id": statement.pf_id}, [])
    doc: dict[str, Any] = {
        "id": statement.pf_id or v3_doc.get("id") or "",
        "specVersion": "2.3.0",
    }
    if statement.preceding_pf_ids:
        doc["precedingPfIds"] = list(statement.preceding_pf_ids)
    doc["version"] = 0
    doc["created"] = _created(statement)
    doc["status"] = statement.status
    if statement.validity_period_start is not None:
        doc["validityPeriodStart"] = _stamp(statement.validity_period_start)
    if statement.validity_period_end is not None:
        doc["validityPeriodEnd"] = _stamp(statement.validity_period_end)
    doc["companyName"] = statement.company_name
    doc["companyIds"] = list(statement.company_ids)
    doc["productDescription"] = statement.product_description
    doc["productIds"] = list(statement.product_ids)
    if statement.product_classifications:
        doc["productClassifications"] = list(statement.product_classifications)
    doc["productCategoryCpc"] = statement.product_category_cpc or ""
    doc["productNameCompany"] = statement.product_name
    doc["comment"] = comment
    doc["pcf"] = pcf
    if not doc["id"]:
        doc["id"] = content_id(doc)
    problems += export_problems(doc, product=key)
    return doc, problems


def export_problems(document: dict[str, Any], *, product: str = "") -> list[Problem]:
    """Schema and semantic problems of a footprint about to be written."""
    found = schema_problems(document, source=f"PACT export of {product}" if product else "PACT export")
    if not found:
        found = semantic_problems(document, source=f"PACT export of {product}" if product else "PACT export")
    return found


def raise_for_errors(problems: Sequence[Problem], what: str) -> None:
    """Raise :class:`InputError` when any problem is an error."""
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(list(problems), summary=f"{what}: {len(errors)} error(s)")
