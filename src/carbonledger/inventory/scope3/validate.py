"""The optional Scope 3 columns of the activity table and their vectorised checks.

Called by :func:`carbonledger.inventory.activity_table.validate_activities` (which owns the
column contract): :data:`SCOPE3_COLUMNS` extends ``COLUMNS``; :func:`derivable` says which
rows may leave ``quantity`` empty because it is derived (freight ``mass × distance``,
commuting ``employees × share × working days × 2 × one-way distance``); :func:`check_scope3`
adds every problem with row and field, and writes the typed columns into the validated table.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger.errors import UnitError
from carbonledger.inventory import columns
from carbonledger.regions import is_known_region
from carbonledger.units import describe_dimension, is_co2e_unit, parse_unit

__all__ = [
    "DQI_COLUMNS",
    "METHOD_NAMES",
    "SCOPE3_ALTERNATIVES",
    "SCOPE3_COLUMNS",
    "SCOPE3_KINDS",
    "check_scope3",
    "derivable",
]

DQI_COLUMNS = ("dqi_technological", "dqi_temporal", "dqi_geographical", "dqi_completeness", "dqi_reliability")

SCOPE3_COLUMNS: dict[str, str] = {
    "currency": "currency of a spend amount (CNY, USD, EUR …); or give the currency as the unit",
    "price_year": "year whose prices the spend amount is in (spend-based records; required)",
    "supplier_id": "supplier identifier (supplier-specific and hybrid methods; matches the supplier "
    "table or a PACT footprint's companyIds/companyName)",
    "product_id": "purchased product identifier (matches the supplier table or a PACT footprint's "
    "productIds)",
    "mass": "shipment mass for distance-based freight (tonne-km = mass × distance), or product mass "
    "per unit sold for end-of-life",
    "mass_unit": "unit of mass, e.g. t, kg",
    "distance": "transport distance (freight), or one-way commuting distance per employee",
    "distance_unit": "unit of distance, e.g. km, mile",
    "employees": "number of employees (commuting, average-data method)",
    "working_days": "working days per employee in the period (commuting)",
    "share": "share of employees using this mode (commuting), a fraction 0-1",
    "attribution_factor": "share of the investee's emissions attributed to the investment "
    "(PCAF-style: outstanding amount / EVIC or equity + debt), a fraction 0-1",
    "lifetime_energy": "energy (or fuel) consumed per unit sold over its expected lifetime (use of "
    "sold products)",
    "lifetime_energy_unit": "unit of lifetime_energy per unit sold, e.g. kWh, L, kg",
    "allocation_amount": "this record's share basis of a shared total: shipment mass or volume in a "
    "shared vehicle, or purchased quantity of a supplier's output (hybrid)",
    "allocation_total": "the shared total in the same unit: vehicle load, or the supplier's total output",
    "allocation_unit": "unit of allocation_amount and allocation_total (t, m3, USD, pieces); its "
    "dimension names the allocation basis (mass, volume, economic, units)",
    "loss_rate": "grid transmission and distribution loss rate (fraction) for electricity/td_losses",
    "factor_region": "region whose factors to use as a stated proxy when none exist for the record's "
    "region (e.g. GB for DESNZ freight factors applied in CN); flagged regional_proxy",
    "dqi_technological": "data quality score 1 (very good) - 5 (very poor): technological representativeness",
    "dqi_temporal": "data quality score 1-5: temporal representativeness (default: from factor age)",
    "dqi_geographical": "data quality score 1-5: geographical representativeness (default: from regions)",
    "dqi_completeness": "data quality score 1-5: completeness",
    "dqi_reliability": "data quality score 1-5: reliability",
}

_NUMERIC = (
    "price_year",
    "mass",
    "distance",
    "employees",
    "working_days",
    "share",
    "attribution_factor",
    "lifetime_energy",
    "allocation_amount",
    "allocation_total",
    "loss_rate",
    *DQI_COLUMNS,
)
_TEXT = (
    "currency",
    "supplier_id",
    "product_id",
    "mass_unit",
    "distance_unit",
    "lifetime_energy_unit",
    "allocation_unit",
    "factor_region",
)

SCOPE3_KINDS = frozenset(
    {
        "purchased_goods",
        "capital_goods",
        "energy_related",
        "transport",
        "waste",
        "travel",
        "commuting",
        "leased_assets",
        "sold_products",
        "franchises",
        "investments",
    }
)
"""Activity kinds computed by the Scope 3 methods."""

METHOD_NAMES = frozenset(
    {
        "supplier_specific",
        "hybrid",
        "average_data",
        "spend_based",
        "distance_based",
        "fuel_based",
        "waste_type_specific",
        "asset_specific",
        "franchise_specific",
        "investment_specific",
        "site_specific",
        "direct_use_phase",
    }
)
"""Values of ``method`` accepted on Scope 3 records (empty = derived from the record)."""

SCOPE3_ALTERNATIVES: dict[str, set[str]] = {
    "freight_fuel/": {"4", "9"},
    "supplier/": {"1", "2", "4", "5"},
}
"""Extra category re-assignments for Scope 3 families (Scope 3 Standard Table 5.4)."""


class _Checker(Protocol):
    bad: npt.NDArray[np.bool_]

    def flag(
        self,
        mask: npt.NDArray[np.bool_],
        column: str,
        message: str | None = None,
        *,
        values: Any = None,
        accepted: str | None = None,
        messages: Any = None,
        severity: Any = "error",
        code: str = "invalid",
    ) -> None: ...


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A trimmed text column (shared helper: once per distinct value)."""
    return columns.text(frame, column)


def _numbers(frame: pd.DataFrame, column: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """(values, non_numeric) of a numeric column (shared helper)."""
    values, _, non_numeric = columns.numbers(frame, column)
    return values, non_numeric


def derivable(frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Rows whose quantity is derived from Scope 3 columns (may leave ``quantity`` empty)."""
    have = {
        c: ~np.isnan(_numbers(frame, c)[0])
        for c in ("mass", "distance", "employees", "working_days", "share")
    }
    freight = have["mass"] & have["distance"]
    commuting = have["employees"] & have["working_days"] & have["distance"] & have["share"]
    return freight | commuting


def _dimension(unit: str) -> str:
    try:
        return describe_dimension(unit) if unit else ""
    except UnitError:
        return "?"


def _dims(values: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    dims = np.array([_dimension(str(u)) for u in uniques], dtype=object)
    return dims[codes] if len(codes) else np.zeros(0, dtype=object)


def _currency_of(units: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """The currency code of each unit text that is a plain currency ('' otherwise)."""
    codes, uniques = pd.factorize(pd.Series(units, dtype=object))
    out = []
    for u in uniques:
        text = str(u)
        try:
            dims = str(parse_unit(text).quantity.dimensionality) if text else ""
        except UnitError:
            dims = ""
        out.append(
            text.upper() if dims.startswith("[currency_") and "/" not in dims and "*" not in dims else ""
        )
    array = np.array(out, dtype=object)
    return array[codes] if len(codes) else np.zeros(0, dtype=object)


def check_scope3(checker: _Checker, frame: pd.DataFrame, out: pd.DataFrame) -> None:
    """Type the Scope 3 columns into ``out`` and flag every problem (see module docstring)."""
    for column in _TEXT:
        out[column] = _text(frame, column)
    values: dict[str, npt.NDArray[np.float64]] = {}
    for column in _NUMERIC:
        v, non_numeric = _numbers(frame, column)
        checker.flag(non_numeric, column, f"{column} is not a number", accepted="a number")
        values[column] = v
        out[column] = v
    has = {c: ~np.isnan(v) for c, v in values.items()}
    family = out["family"].to_numpy(dtype=object)
    kind = out["kind"].to_numpy(dtype=object)
    unit = out["unit"].to_numpy(dtype=object)
    scope3 = np.isin(kind, list(SCOPE3_KINDS))
    prefix = _per_distinct(family, lambda f: f.split("/")[0] + "/")
    # -- value/unit pairs ----------------------------------------------------------------
    for value_col, unit_col, dims, example in (
        ("mass", "mass_unit", ("mass",), "t or kg"),
        ("distance", "distance_unit", ("distance",), "km or mile"),
        ("lifetime_energy", "lifetime_energy_unit", None, "kWh, L or kg (per unit sold)"),
    ):
        u = out[unit_col].to_numpy(dtype=object)
        checker.flag(
            has[value_col] & (u == ""), unit_col, f"{value_col} is given without {unit_col}", accepted=example
        )
        d = _dims(np.where(has[value_col], u, ""))
        checker.flag((d == "?"), unit_col, f"{unit_col} is not a recognised unit", accepted=example)
        if dims is not None:
            wrong = has[value_col] & (d != "") & (d != "?") & ~np.isin(d, list(dims))
            checker.flag(wrong, unit_col, f"{unit_col} is not a unit of {dims[0]}", accepted=example)
    alloc_any = has["allocation_amount"] | has["allocation_total"]
    alloc_both = has["allocation_amount"] & has["allocation_total"]
    checker.flag(
        alloc_any & ~alloc_both,
        "allocation_total" if has["allocation_amount"].any() else "allocation_amount",
        "allocation needs both allocation_amount and allocation_total",
        accepted="both numbers in allocation_unit, e.g. 12 (t) of 24 (t)",
    )
    au = out["allocation_unit"].to_numpy(dtype=object)
    checker.flag(
        alloc_both & (au == ""),
        "allocation_unit",
        "allocation is given without allocation_unit",
        accepted="t or kg (mass basis), m3 (volume basis), USD (economic), pieces (units)",
    )
    checker.flag(
        alloc_both & (_dims(np.where(alloc_both, au, "")) == "?"),
        "allocation_unit",
        "allocation_unit is not a recognised unit",
        accepted="t, kg, m3, USD, CNY, pieces",
    )
    with np.errstate(invalid="ignore"):
        checker.flag(
            alloc_both
            & (
                (values["allocation_total"] <= 0)
                | (values["allocation_amount"] < 0)
                | (values["allocation_amount"] > values["allocation_total"])
            ),
            "allocation_amount",
            "allocation_amount must be between 0 and allocation_total (> 0)",
            accepted="0 <= allocation_amount <= allocation_total",
        )
    # -- ranges ----------------------------------------------------------------------------
    with np.errstate(invalid="ignore"):
        for column, low, high, closed_high, text in (
            ("share", 0.0, 1.0, True, "a fraction between 0 and 1"),
            ("attribution_factor", 0.0, 1.0, True, "a fraction between 0 and 1"),
            ("loss_rate", 0.0, 1.0, False, "a fraction in [0, 1), e.g. 0.05"),
        ):
            v = values[column]
            outside = has[column] & ((v < low) | ((v > high) if closed_high else (v >= high)))
            checker.flag(outside, column, f"{column} outside its range", accepted=text)
        for column in ("mass", "distance", "employees", "working_days", "lifetime_energy"):
            checker.flag(
                has[column] & (values[column] < 0), column, f"{column} is negative", accepted="a value >= 0"
            )
        for column in DQI_COLUMNS:
            v = values[column]
            checker.flag(
                has[column] & ((v < 1) | (v > 5)),
                column,
                f"{column} outside 1-5",
                accepted="a score from 1 (very good) to 5 (very poor)",
            )
        py = values["price_year"]
        checker.flag(
            has["price_year"] & ((py != np.floor(py)) | (py < 1900) | (py > 2100)),
            "price_year",
            "price_year is not a year",
            accepted="a four-digit year such as 2023",
        )
    region = out["factor_region"].to_numpy(dtype=object)
    r_codes, r_uniques = pd.factorize(pd.Series(region, dtype=object))
    known = np.array([r == "" or is_known_region(str(r)) for r in r_uniques], dtype=bool)[r_codes]
    checker.flag(
        ~known,
        "factor_region",
        "factor_region not recognised",
        accepted="an ISO 3166 code such as GB, US, CN, or a grid region",
    )
    # -- spend-based: currency and price year ------------------------------------------------
    spend = family == "spend/"
    currency = out["currency"].str.upper().to_numpy(dtype=object)
    unit_currency = _currency_of(unit)
    checker.flag(
        spend & (currency == "") & (unit_currency == ""),
        "currency",
        "spend needs a currency: give column currency, or a currency as the unit",
        accepted="CNY, USD, EUR, GBP, JPY, KRW, HKD",
    )
    given_currency = currency != ""
    curr_unit = _currency_of(currency)
    checker.flag(
        given_currency & (curr_unit == ""),
        "currency",
        "currency not recognised",
        accepted="CNY, USD, EUR, GBP, JPY, KRW, HKD",
    )
    conflict = (
        spend & given_currency & (unit_currency != "") & (curr_unit != "") & (curr_unit != unit_currency)
    )
    checker.flag(
        conflict,
        "currency",
        "currency does not match the currency of the unit",
        accepted="the same currency in both, or leave one empty",
    )
    non_currency_unit = spend & (unit_currency == "") & (unit != "")
    checker.flag(
        non_currency_unit & ~given_currency,
        "unit",
        "a spend record's unit must be a currency",
        accepted="CNY, USD, EUR …",
    )
    out["currency"] = np.where(given_currency, curr_unit, unit_currency)
    checker.flag(
        spend & ~has["price_year"],
        "price_year",
        "spend needs the price year of the amount",
        accepted="the year of the prices the amount is in, e.g. 2023 for 2023 invoices",
    )
    # -- freight: mass and distance go together ---------------------------------------------------
    freight = np.isin(prefix, ["freight/", "downstream_transport/"])
    checker.flag(
        freight & has["distance"] & ~has["mass"],
        "mass",
        "distance is given without the shipment mass (tonne-km = mass × distance)",
        accepted="the shipment mass in mass_unit, or quantity in tkm",
    )
    checker.flag(
        freight & has["mass"] & ~has["distance"],
        "distance",
        "mass is given without the transport distance (tonne-km = mass × distance)",
        accepted="the distance in distance_unit, or quantity in tkm",
    )
    # -- commuting: all four inputs together ----------------------------------------------------
    commute_cols = ("employees", "working_days", "distance", "share")
    any_commute = (prefix == "commuting/") & np.logical_or.reduce([has[c] for c in commute_cols])
    for column in commute_cols:
        checker.flag(
            any_commute & ~has[column],
            column,
            f"the commuting average-data method needs {column}",
            accepted="employees, working_days, distance (one way) and share, all four",
        )
    # -- investments: PCAF attribution on reported investee emissions ------------------------------
    co2e_unit = _per_distinct(unit, _co2e).astype(bool)
    checker.flag(
        (prefix == "investment/") & co2e_unit & ~has["attribution_factor"],
        "attribution_factor",
        "investee emissions need an attribution factor",
        accepted="a fraction, e.g. outstanding amount / (EVIC) = 0.02",
    )
    # -- supplier-specific -------------------------------------------------------------------------
    method = out["method"].to_numpy(dtype=object)
    wants_supplier = ((family == "supplier/") & ~co2e_unit & (method != "hybrid")) | (
        method == "supplier_specific"
    )
    no_inline = np.isnan(out["emission_factor"].to_numpy())
    checker.flag(
        wants_supplier & no_inline & (out["supplier_id"].to_numpy(dtype=object) == ""),
        "supplier_id",
        "the supplier-specific method needs supplier_id",
        accepted="the supplier's id in the supplier table or PACT companyIds",
    )
    checker.flag(
        wants_supplier & no_inline & (out["product_id"].to_numpy(dtype=object) == ""),
        "product_id",
        "the supplier-specific method needs product_id",
        accepted="the product id in the supplier table or PACT productIds",
    )
    checker.flag(
        (method == "hybrid") & (out["supplier_id"].to_numpy(dtype=object) == ""),
        "supplier_id",
        "the hybrid method groups records by supplier_id",
        accepted="the supplier's id",
    )
    bad_method = scope3 & (method != "") & ~np.isin(method, list(METHOD_NAMES))
    checker.flag(
        bad_method, "method", "method is not a Scope 3 method", accepted=", ".join(sorted(METHOD_NAMES))
    )


def _per_distinct(values: npt.NDArray[np.object_], func: Any) -> npt.NDArray[np.object_]:
    """``func`` applied once per distinct value, gathered back (no per-row Python loop)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    mapped = np.array([func(str(u)) for u in uniques] + [func("")], dtype=object)
    return mapped[np.where(codes < 0, len(uniques), codes)]


def _co2e(unit: str) -> bool:
    try:
        return bool(unit) and is_co2e_unit(unit)
    except UnitError:
        return False
