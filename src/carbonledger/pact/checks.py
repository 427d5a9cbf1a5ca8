"""Semantic checks of PACT ProductFootprints that a JSON Schema cannot express.

Rules (PACT Technical Specifications for PCF Data Exchange v3.0.3, ``CarbonFootprint`` and
``ProductFootprint`` property definitions; v2.3.3 for v2.x footprints):

========  =========================================================================  ========
code      rule                                                                       severity
========  =========================================================================  ========
uptake    v3: ``pcfIncludingBiogenicUptake`` = ``pcfExcludingBiogenicUptake`` +       error
          ``biogenicCO2Uptake`` (the formula given for ``pcfIncludingBiogenicUptake``;
          confirmed in wbcsd/data-exchange-protocol issue 148). v2: ``pCfIncluding
          Biogenic`` = ``pCfExcludingBiogenic`` + ``biogenicCarbonWithdrawal`` is NOT
          checked (v2 defines the two figures separately)
sum       v3: ``pcfExcludingBiogenicUptake`` = fossil + land-use change + land           warning
          management biogenic CO2 emissions and removals + technological removals
          + CCS capture + biogenic non-CO2 (the formula stated with
          ``pcfExcludingBiogenicUptake``). A warning only: the specification's own
          examples 1, 2 and 4 do not satisfy it
dqr       DQRs between 1 and 5 (v3) or 1 and 3 (v2)                                   error
percent   ``primaryDataShare``, ``exemptedEmissionsPercent``, ``coveragePercent`` in     error
          [0, 100]
period    ``referencePeriodStart`` < ``referencePeriodEnd``; ``validityPeriodStart`` <   error
          ``validityPeriodEnd``
validity  ``validityPeriodStart`` ≥ ``referencePeriodEnd`` and ``validityPeriodEnd`` ≤   warning
          ``referencePeriodEnd`` + 3 years (v2.3 rules; v3 keeps the 3-year default)
utc       every DateTime is ISO 8601 in UTC (``Z`` or ``+00:00``)                       error
packaging ``packagingGhgEmissions`` only when ``packagingEmissionsIncluded`` is true     error
piece     declared unit ``piece`` needs ``productMassPerDeclaredUnit`` > 0              error
mass      ``productMassPerDeclaredUnit`` ≥ 0                                             error
aircraft  ``aircraftGhgEmissions`` ≤ ``fossilGhgEmissions`` (they are part of them)      warning
geography country / subdivision codes exist in ISO 3166                                 warning
pfid      ``id`` is a UUID version 4 (data type PfId); not in ``precedingPfIds``        warning
========  =========================================================================  ========

Sums are compared with a tolerance of half a unit in the last decimal place written in each
non-zero term (``0.384`` has three places: ±0.0005), plus 1e-9 relative, so a
footprint rounded for presentation passes and an arithmetic error does not.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from carbonledger.errors import Problem, Severity
from carbonledger.pact.schemas import major_version

__all__ = ["EXCLUDING_UPTAKE_TERMS", "parse_datetime", "semantic_problems"]

EXCLUDING_UPTAKE_TERMS: tuple[str, ...] = (
    "fossilGhgEmissions",
    "landUseChangeGhgEmissions",
    "landManagementBiogenicCO2Emissions",
    "landManagementBiogenicCO2Removals",
    "technologicalCO2Removals",
    "ccsTechnologicalCO2Capture",
    "biogenicNonCO2Emissions",
)
"""The terms of ``pcfExcludingBiogenicUptake`` (v3.0.3, its stated formula)."""


def parse_datetime(text: Any) -> datetime | None:
    """An ISO 8601 date-time with an explicit offset, or None when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def _places(value: Any) -> int:
    text = str(value)
    return len(text.split(".", 1)[1]) if "." in text else 0


def _tolerance(values: Iterable[Any], total: Decimal) -> Decimal:
    terms = [v for v in values if v is not None and _dec(v) != 0]  # a written zero is exact
    half_units = sum((Decimal(5) / Decimal(10) ** (_places(v) + 1) for v in terms), Decimal(0))
    return half_units + abs(total) * Decimal("1e-9")


class _Collector:
    def __init__(self, footprint: dict[str, Any], source: str, where: str) -> None:
        self.problems: list[Problem] = []
        self.source = source
        self.where = where
        self.record_id = str(footprint.get("id", "")) or None

    def add(self, code: str, field: str, message: str, *, severity: Severity = "error",
            value: Any = None, accepted: str | None = None) -> None:
        self.problems.append(
            Problem(
                message,
                file=self.source or None,
                field="/".join(x for x in (self.where, field) if x),
                value=None if value is None else str(value),
                accepted=accepted,
                severity=severity,
                code=f"pact_{code}",
                record_id=self.record_id,
            )
        )


def semantic_problems(footprint: dict[str, Any], *, source: str = "", where: str = "") -> list[Problem]:
    """Every semantic problem of one schema-valid ProductFootprint (errors and warnings)."""
    major = major_version(footprint)
    pcf = footprint.get("pcf") or {}
    out = _Collector(footprint, source, where)
    v3 = major == "v3"

    # -- totals ---------------------------------------------------------------------------------
    if v3:
        excl = _dec(pcf.get("pcfExcludingBiogenicUptake"))
        incl = _dec(pcf.get("pcfIncludingBiogenicUptake"))
        uptake = _dec(pcf.get("biogenicCO2Uptake")) or Decimal(0)
        if excl is not None and incl is not None:
            expected = excl + uptake
            tol = _tolerance(
                [pcf.get("pcfExcludingBiogenicUptake"), pcf.get("pcfIncludingBiogenicUptake"),
                 pcf.get("biogenicCO2Uptake")], expected)
            if abs(incl - expected) > tol:
                out.add(
                    "uptake", "pcf/pcfIncludingBiogenicUptake",
                    f"pcfIncludingBiogenicUptake {incl} is not pcfExcludingBiogenicUptake {excl} + "
                    f"biogenicCO2Uptake {uptake} = {expected}",
                    value=incl, accepted=f"{expected} (within ±{tol.normalize()})",
                )
            terms = [pcf.get(t) for t in EXCLUDING_UPTAKE_TERMS]
            summed = sum((_dec(t) or Decimal(0) for t in terms), Decimal(0))
            tol = _tolerance([*terms, pcf.get("pcfExcludingBiogenicUptake")], summed)
            if abs(excl - summed) > tol:
                out.add(
                    "sum", "pcf/pcfExcludingBiogenicUptake",
                    f"pcfExcludingBiogenicUptake {excl} differs from the sum of its terms "
                    f"({' + '.join(EXCLUDING_UPTAKE_TERMS)}) = {summed}; the specification's own examples "
                    "differ too (wbcsd/data-exchange-protocol issue 148), so the declared total is used",
                    severity="warning", value=excl, accepted=str(summed),
                )
    # -- ranges ---------------------------------------------------------------------------------
    dqi = pcf.get("dqi") or {}
    low, high = (Decimal(1), Decimal(5)) if v3 else (Decimal(1), Decimal(3))
    for name in ("technologicalDQR", "temporalDQR", "geographicalDQR", "completenessDQR", "reliabilityDQR"):
        if name in dqi:
            d = _dec(dqi[name])
            if d is None or not low <= d <= high:
                out.add("dqr", f"pcf/dqi/{name}", f"{name} must be between {low} and {high}",
                        value=dqi[name], accepted=f"a decimal in [{low}, {high}] (PACT {major})")
    for field, value in (
        ("pcf/primaryDataShare", pcf.get("primaryDataShare")),
        ("pcf/exemptedEmissionsPercent", pcf.get("exemptedEmissionsPercent")),
        ("pcf/dqi/coveragePercent", dqi.get("coveragePercent")),
    ):
        if value is None:
            continue
        d = _dec(value)
        if d is None or not Decimal(0) <= d <= Decimal(100):
            out.add("percent", field, "a percentage must be between 0 and 100", value=value,
                    accepted="a decimal in [0, 100]")
    mass = _dec(pcf.get("productMassPerDeclaredUnit"))
    if mass is not None and mass < 0:
        out.add("mass", "pcf/productMassPerDeclaredUnit", "the product mass cannot be negative", value=mass,
                accepted="a mass in kg ≥ 0 (0 when mass is not relevant)")
    unit = pcf.get("declaredUnitOfMeasurement") if v3 else pcf.get("declaredUnit")
    if unit == "piece" and (mass is None or mass <= 0):
        out.add("piece", "pcf/productMassPerDeclaredUnit",
                "declared unit 'piece' requires the mass of the declared amount of pieces",
                value=pcf.get("productMassPerDeclaredUnit"), accepted="a mass in kg > 0")
    # -- dates ----------------------------------------------------------------------------------
    stamps: dict[str, datetime] = {}
    for field, value in (
        ("created", footprint.get("created")),
        ("updated", footprint.get("updated")),
        ("validityPeriodStart", footprint.get("validityPeriodStart")),
        ("validityPeriodEnd", footprint.get("validityPeriodEnd")),
        ("pcf/referencePeriodStart", pcf.get("referencePeriodStart")),
        ("pcf/referencePeriodEnd", pcf.get("referencePeriodEnd")),
    ):
        if value is None:
            continue
        parsed = parse_datetime(value)
        if parsed is None:
            out.add("utc", field, "not an ISO 8601 date-time with a time zone", value=value,
                    accepted="e.g. 2025-01-01T00:00:00Z")
            continue
        if parsed.utcoffset() != timedelta(0):
            out.add("utc", field, "PACT date-times must be in UTC", value=value,
                    accepted="a time in UTC, ending in Z")
        stamps[field] = parsed.astimezone(UTC)
    ref_start, ref_end = stamps.get("pcf/referencePeriodStart"), stamps.get("pcf/referencePeriodEnd")
    if ref_start and ref_end and not ref_start < ref_end:
        out.add("period", "pcf/referencePeriodEnd", "the reference period must end after it starts",
                value=pcf.get("referencePeriodEnd"),
                accepted=f"a date-time after referencePeriodStart {pcf.get('referencePeriodStart')}")
    val_start, val_end = stamps.get("validityPeriodStart"), stamps.get("validityPeriodEnd")
    if val_start and val_end and not val_start < val_end:
        out.add("period", "validityPeriodEnd", "the validity period must end after it starts",
                value=footprint.get("validityPeriodEnd"),
                accepted=f"a date-time after validityPeriodStart {footprint.get('validityPeriodStart')}")
    if ref_end and val_start and val_start < ref_end:
        out.add("validity", "validityPeriodStart",
                "the validity period starts before the end of the reference period", severity="warning",
                value=footprint.get("validityPeriodStart"), accepted=f"≥ referencePeriodEnd {pcf.get('referencePeriodEnd')}")
    if ref_end and val_end and val_end > _plus_years(ref_end, 3):
        out.add("validity", "validityPeriodEnd",
                "the validity period ends more than 3 years after the reference period", severity="warning",
                value=footprint.get("validityPeriodEnd"), accepted="≤ referencePeriodEnd + 3 years")
    # -- consistency ----------------------------------------------------------------------------
    if pcf.get("packagingGhgEmissions") is not None and pcf.get("packagingEmissionsIncluded") is not True:
        out.add("packaging", "pcf/packagingGhgEmissions",
                "packagingGhgEmissions must be undefined unless packagingEmissionsIncluded is true",
                accepted="packagingEmissionsIncluded: true, or no packagingGhgEmissions")
    fossil = _dec(pcf.get("fossilGhgEmissions"))
    aircraft = _dec(pcf.get("aircraftGhgEmissions"))
    if fossil is not None and aircraft is not None and aircraft > fossil:
        out.add("aircraft", "pcf/aircraftGhgEmissions",
                "aircraft emissions exceed the fossil emissions they are part of", severity="warning",
                value=aircraft, accepted=f"≤ fossilGhgEmissions {fossil}")
    _geography(pcf, out)
    _pfid(footprint, out)
    return out.problems


def _plus_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def _geography(pcf: dict[str, Any], out: _Collector) -> None:
    import pycountry

    country = pcf.get("geographyCountry")
    if isinstance(country, str) and pycountry.countries.get(alpha_2=country) is None:
        out.add("geography", "pcf/geographyCountry", "not an ISO 3166-1 alpha-2 country code",
                severity="warning", value=country, accepted="e.g. CN, DE, US")
    sub = pcf.get("geographyCountrySubdivision")
    if isinstance(sub, str) and pycountry.subdivisions.get(code=sub) is None:  # type: ignore[no-untyped-call]
        out.add("geography", "pcf/geographyCountrySubdivision", "not an ISO 3166-2 subdivision code",
                severity="warning", value=sub, accepted="e.g. CN-CQ, US-NY")


def _pfid(footprint: dict[str, Any], out: _Collector) -> None:
    pf_id = footprint.get("id")
    try:
        parsed = uuid.UUID(str(pf_id))
    except ValueError:
        return  # the schema reports it
    if parsed.version != 4:
        out.add("pfid", "id", "a PfId should be a UUID version 4", severity="warning", value=pf_id,
                accepted="a UUID v4 (RFC 9562)")
    if pf_id in (footprint.get("precedingPfIds") or ()):
        out.add("pfid", "precedingPfIds", "a footprint cannot precede itself", value=pf_id,
                accepted="ids of earlier footprints only")
