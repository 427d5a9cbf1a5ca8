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
    "SCOPE3_NUMERIC",
    "check_scope3",
    "derivable",
    "parse_numbers",
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
SCOPE3_NUMERIC = _NUMERIC
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
    """A trimmed text column (shared helper: once per distinct value; a categorical)."""
    return columns.text(frame, column)


Numbers = dict[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]]


def parse_numbers(frame: pd.DataFrame) -> Numbers:
    """The Scope 3 numeric columns, parsed once: column → (values, present, non_numeric)."""
    return {c: columns.numbers(frame, c) for c in SCOPE3_NUMERIC}


def derivable(numbers: Numbers | pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Rows whose quantity is derived from Scope 3 columns (may leave ``quantity`` empty)."""
    if isinstance(numbers, pd.DataFrame):
        numbers = parse_numbers(numbers)
    have = {
        c: ~np.isnan(numbers[c][0]) for c in ("mass", "distance", "employees", "working_days", "share")
    }
    freight = have["mass"] & have["distance"]
    commuting = have["employees"] & have["working_days"] & have["distance"] & have["share"]
    return freight | commuting


def _dimension(unit: str) -> str:
    try:
        return describe_dimension(unit) if unit else ""
    except UnitError:
        return "?"


def _currency(text: str) -> str:
    """The currency code of a unit text that is a plain currency ('' otherwise)."""
    try:
        dims = str(parse_unit(text).quantity.dimensionality) if text else ""
    except UnitError:
        dims = ""
    return text.upper() if dims.startswith("[currency_") and "/" not in dims and "*" not in dims else ""


def _co2e(unit: str) -> bool:
    try:
        return bool(unit) and is_co2e_unit(unit)
    except UnitError:
        return False


def _codes(series: pd.Series) -> tuple[npt.NDArray[np.integer], npt.NDArray[np.object_]]:
    """(row codes, distinct texts) of a validated text column."""
    cat = series.array
    if isinstance(cat, pd.Categorical) and not (cat.codes < 0).any():
        return cat.codes, np.asarray(cat.categories, dtype=object)
    codes, uniques = pd.factorize(series.astype(object).where(series.notna(), ""))
    return codes, np.asarray(uniques, dtype=object)


def _per_value(series: pd.Series, func: Any, dtype: Any = bool) -> npt.NDArray[Any]:
    """``func`` of each row's text, evaluated once per distinct text."""
    codes, values = _codes(series)
    per_value: npt.NDArray[Any] = np.array([func(str(v)) for v in values], dtype=dtype)
    rows: npt.NDArray[Any] = per_value[codes]
    return rows


def check_scope3(
    checker: _Checker, frame: pd.DataFrame, out: Any, numbers: Numbers | None = None
) -> None:
    """Type the Scope 3 columns into ``out`` (a column mapping) and flag every problem (see the
    module docstring). Checks of a column the input does not have are skipped; conditions on
    text are evaluated once per distinct value."""
    numbers = numbers if numbers is not None else parse_numbers(frame)
    present = set(frame.columns)
    index = frame.index
    n = len(frame)
    none = np.zeros(n, dtype=bool)
    for column in _TEXT:
        out[column] = _text(frame, column)
    values: dict[str, npt.NDArray[np.float64]] = {}
    has: dict[str, npt.NDArray[np.bool_]] = {}
    for column in _NUMERIC:
        v, _, non_numeric = numbers[column]
        if column in present:
            checker.flag(non_numeric, column, f"{column} is not a number", accepted="a number")
            has[column] = ~np.isnan(v)
        else:
            has[column] = none
        values[column] = v
        out[column] = pd.Series(v, index=index, copy=False)
    f_codes, f_values = _codes(out["family"])
    k_codes, k_values = _codes(out["kind"])
    u_codes, u_values = _codes(out["unit"])
    m_codes, m_values = _codes(out["method"])

    def family_is(*prefixes: str) -> npt.NDArray[np.bool_]:
        per_family = np.array([str(f).split("/")[0] + "/" in prefixes for f in f_values], dtype=bool)
        rows: npt.NDArray[np.bool_] = per_family[f_codes]
        return rows

    def unit_dims(unit_col: str) -> npt.NDArray[np.object_]:
        return _per_value(out[unit_col], _dimension, object)

    # -- value/unit pairs ----------------------------------------------------------------
    for value_col, unit_col, dims, example in (
        ("mass", "mass_unit", ("mass",), "t or kg"),
        ("distance", "distance_unit", ("distance",), "km or mile"),
        ("lifetime_energy", "lifetime_energy_unit", None, "kWh, L or kg (per unit sold)"),
    ):
        if value_col not in present:
            continue
        u = out[unit_col]
        checker.flag(
            has[value_col] & (u == "").to_numpy(),
            unit_col,
            f"{value_col} is given without {unit_col}",
            accepted=example,
        )
        d = np.where(has[value_col], unit_dims(unit_col), "")
        checker.flag((d == "?"), unit_col, f"{unit_col} is not a recognised unit", accepted=example)
        if dims is not None:
            wrong = has[value_col] & (d != "") & (d != "?") & ~np.isin(d, list(dims))
            checker.flag(wrong, unit_col, f"{unit_col} is not a unit of {dims[0]}", accepted=example)
    if "allocation_amount" in present or "allocation_total" in present:
        alloc_any = has["allocation_amount"] | has["allocation_total"]
        alloc_both = has["allocation_amount"] & has["allocation_total"]
        checker.flag(
            alloc_any & ~alloc_both,
            "allocation_total" if has["allocation_amount"].any() else "allocation_amount",
            "allocation needs both allocation_amount and allocation_total",
            accepted="both numbers in allocation_unit, e.g. 12 (t) of 24 (t)",
        )
        au_empty = (out["allocation_unit"] == "").to_numpy()
        checker.flag(
            alloc_both & au_empty,
            "allocation_unit",
            "allocation is given without allocation_unit",
            accepted="t or kg (mass basis), m3 (volume basis), USD (economic), pieces (units)",
        )
        checker.flag(
            alloc_both & (unit_dims("allocation_unit") == "?"),
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
            if column not in present:
                continue
            v = values[column]
            outside = has[column] & ((v < low) | ((v > high) if closed_high else (v >= high)))
            checker.flag(outside, column, f"{column} outside its range", accepted=text)
        for column in ("mass", "distance", "employees", "working_days", "lifetime_energy"):
            if column in present:
                checker.flag(
                    has[column] & (values[column] < 0),
                    column,
                    f"{column} is negative",
                    accepted="a value >= 0",
                )
        for column in DQI_COLUMNS:
            if column not in present:
                continue
            v = values[column]
            checker.flag(
                has[column] & ((v < 1) | (v > 5)),
                column,
                f"{column} outside 1-5",
                accepted="a score from 1 (very good) to 5 (very poor)",
            )
        if "price_year" in present:
            py = values["price_year"]
            checker.flag(
                has["price_year"] & ((py != np.floor(py)) | (py < 1900) | (py > 2100)),
                "price_year",
                "price_year is not a year",
                accepted="a four-digit year such as 2023",
            )
    if "factor_region" in present:
        checker.flag(
            ~_per_value(out["factor_region"], lambda r: r == "" or is_known_region(r)),
            "factor_region",
            "factor_region not recognised",
            accepted="an ISO 3166 code such as GB, US, CN, or a grid region",
        )
    # -- spend-based: currency and price year ------------------------------------------------
    # (conditions per distinct family, unit and currency; row masks only where some row can match)
    spend_v = f_values == "spend/"
    unit_currency_v = np.array([_currency(str(u)) for u in u_values], dtype=object)
    c_codes, c_values = _codes(out["currency"])
    upper_v = np.array([str(c).upper() for c in c_values], dtype=object)
    curr_unit_v = np.array([_currency(str(c)) for c in upper_v], dtype=object)
    currency_given = bool((upper_v != "").any())
    given_currency = (upper_v != "")[c_codes] if currency_given else none
    curr_unit = curr_unit_v[c_codes]
    if spend_v.any():
        spend = spend_v[f_codes]
        unit_currency = unit_currency_v[u_codes]
        checker.flag(
            spend & ~given_currency & (unit_currency == ""),
            "currency",
            "spend needs a currency: give column currency, or a currency as the unit",
            accepted="CNY, USD, EUR, GBP, JPY, KRW, HKD",
        )
    if currency_given:
        checker.flag(
            given_currency & (curr_unit == ""),
            "currency",
            "currency not recognised",
            accepted="CNY, USD, EUR, GBP, JPY, KRW, HKD",
        )
    if spend_v.any():
        conflict = (
            spend & given_currency & (unit_currency != "") & (curr_unit != "") & (curr_unit != unit_currency)
        )
        checker.flag(
            conflict,
            "currency",
            "currency does not match the currency of the unit",
            accepted="the same currency in both, or leave one empty",
        )
        non_currency_unit = spend & (unit_currency == "") & (u_values != "")[u_codes]
        checker.flag(
            non_currency_unit & ~given_currency,
            "unit",
            "a spend record's unit must be a currency",
            accepted="CNY, USD, EUR …",
        )
    # the record's currency: the column's (when given) or the unit's, per distinct pair
    if currency_given:
        pair = c_codes.astype(np.int64) * len(u_values) + u_codes
        p_codes, p_distinct = pd.factorize(pair)
        per_pair = np.where(
            upper_v[p_distinct // len(u_values)] != "",
            curr_unit_v[p_distinct // len(u_values)],
            unit_currency_v[p_distinct % len(u_values)],
        ).astype(object)
        currency = columns.first_seen(p_codes, per_pair, ordered=True)
    else:  # no currency given: the unit's currency
        currency = columns.first_seen(u_codes, unit_currency_v)
    out["currency"] = pd.Series(currency, index=index, copy=False)
    if spend_v.any():
        checker.flag(
            spend & ~has["price_year"],
            "price_year",
            "spend needs the price year of the amount",
            accepted="the year of the prices the amount is in, e.g. 2023 for 2023 invoices",
        )
    # -- freight: mass and distance go together ---------------------------------------------------
    if "mass" in present or "distance" in present:
        freight = family_is("freight/", "downstream_transport/")
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
    if any(c in present for c in commute_cols):
        any_commute = family_is("commuting/") & np.logical_or.reduce([has[c] for c in commute_cols])
        for column in commute_cols:
            checker.flag(
                any_commute & ~has[column],
                column,
                f"the commuting average-data method needs {column}",
                accepted="employees, working_days, distance (one way) and share, all four",
            )
    # -- investments: PCAF attribution on reported investee emissions ------------------------------
    co2e_v = np.array([_co2e(str(u)) for u in u_values], dtype=bool)
    prefix_v = np.array([str(f).split("/")[0] + "/" for f in f_values], dtype=object)
    if (prefix_v == "investment/").any() and co2e_v.any():
        checker.flag(
            family_is("investment/") & co2e_v[u_codes] & ~has["attribution_factor"],
            "attribution_factor",
            "investee emissions need an attribution factor",
            accepted="a fraction, e.g. outstanding amount / (EVIC) = 0.02",
        )
    # -- supplier-specific -------------------------------------------------------------------------
    if (f_values == "supplier/").any() or (m_values == "supplier_specific").any():
        co2e_unit = co2e_v[u_codes]
        hybrid = (m_values == "hybrid")[m_codes]
        wants_supplier = ((f_values == "supplier/")[f_codes] & ~co2e_unit & ~hybrid) | (
            m_values == "supplier_specific"
        )[m_codes]
        no_inline = np.isnan(out["emission_factor"].to_numpy())
        no_supplier = (out["supplier_id"] == "").to_numpy()
        checker.flag(
            wants_supplier & no_inline & no_supplier,
            "supplier_id",
            "the supplier-specific method needs supplier_id",
            accepted="the supplier's id in the supplier table or PACT companyIds",
        )
        checker.flag(
            wants_supplier & no_inline & (out["product_id"] == "").to_numpy(),
            "product_id",
            "the supplier-specific method needs product_id",
            accepted="the product id in the supplier table or PACT productIds",
        )
    if (m_values == "hybrid").any():
        checker.flag(
            (m_values == "hybrid")[m_codes] & (out["supplier_id"] == "").to_numpy(),
            "supplier_id",
            "the hybrid method groups records by supplier_id",
            accepted="the supplier's id",
        )
    scope3_v = np.isin(k_values, list(SCOPE3_KINDS))
    bad_method_v = ~np.isin(m_values, ["", *METHOD_NAMES])
    if scope3_v.any() and bad_method_v.any():
        checker.flag(
            scope3_v[k_codes] & bad_method_v[m_codes],
            "method",
            "method is not a Scope 3 method",
            accepted=", ".join(sorted(METHOD_NAMES)),
        )
