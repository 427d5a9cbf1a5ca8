"""The tidy table format of an emission-factor set (schema ``emission_factors/1``).

One row per (factor, parameter, gas). A *factor* (``factor_id``) is everything a
publisher gives for one activity in one region, period and unit basis: for a fuel that
may be a CO2e total plus CO2, CH4 and N2O rows, or NCV, carbon content and oxidation
rows for the China MEE method.

Columns
-------
factor_id      publisher-stable id of the factor (DESNZ ``1_100_1005_6``, EPA table/row …)
activity       controlled activity key (``fuel/natural_gas``) or empty for native-only rows
name           publisher's own label / category path
region         region code (``GB``, ``US``, ``CN-CQ``, ``US-EGRID-CAMX``, ``GLOBAL``)
valid_from     first day the factor applies to (ISO date)
valid_to       last day the factor applies to (ISO date)
parameter      ``emission_factor`` | ``ncv`` | ``carbon_content`` | ``oxidation_factor`` |
               ``energy_per_unit`` | ``carbonate_factor`` | ``conversion_factor`` |
               ``loss_rate``
gas            for emission factors: ``CO2e`` (a total), or a gas (``CO2``, ``CH4_fossil``,
               ``N2O``, ``CO2_biogenic`` …); empty for other parameters
value          float
unit           pint-parsable unit of ``value``. For emission factors the numerator is
               either a gas mass (``kg/GJ``: kg of the row's gas) or CO2e
               (``kg CO2e/kWh``; for a per-gas row this means "CO2e of that gas" under
               ``gwp_basis``)
gwp_basis      GWP set the publisher used for CO2e values (``AR4``/``AR5``/``AR6``), empty
               when the value is a gas mass
basis          qualifier of the activity unit, e.g. ``gross_cv`` / ``net_cv`` for energy
scope          the publisher's scope label, if any (information only)
preference     integer tie-breaker within one set/region/period/unit (lower wins)
source_ref     where in the ORIGINAL file the value is (row ID, table and row, cell)
confidence     ``high`` | ``medium`` | ``low``
flags          ``|``-separated flags carried into results (``UNVERIFIED``, ``secondary_source``,
               ``location_based_fallback`` …)
note           free text
"""

from __future__ import annotations

import pandas as pd

from carbonledger.activities import is_valid_key
from carbonledger.errors import Problem
from carbonledger.regions import is_known_region
from carbonledger.units import parse_unit

__all__ = ["COLUMNS", "PARAMETERS", "SCHEMA", "empty_table", "validate_table"]

SCHEMA = "emission_factors/1"

COLUMNS: tuple[str, ...] = (
    "factor_id",
    "activity",
    "name",
    "region",
    "valid_from",
    "valid_to",
    "parameter",
    "gas",
    "value",
    "unit",
    "gwp_basis",
    "basis",
    "scope",
    "preference",
    "source_ref",
    "confidence",
    "flags",
    "note",
)

PARAMETERS = frozenset(
    {
        "emission_factor",
        "ncv",
        "carbon_content",
        "oxidation_factor",
        "energy_per_unit",
        "carbonate_factor",
        "conversion_factor",
        "loss_rate",
    }
)

CONFIDENCE = frozenset({"high", "medium", "low"})

_STRING_COLUMNS = tuple(c for c in COLUMNS if c not in ("value", "preference"))


def empty_table() -> pd.DataFrame:
    """An empty tidy table with the right columns and dtypes."""
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    frame["value"] = frame["value"].astype("float64")
    frame["preference"] = frame["preference"].astype("int64")
    return frame


def normalise_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Column order, dtypes and deterministic row order for writing and hashing."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"tidy table lacks columns {missing}")
    out = frame.loc[:, list(COLUMNS)].copy()
    for column in _STRING_COLUMNS:
        out[column] = out[column].fillna("").astype(str)
    out["value"] = pd.to_numeric(out["value"], errors="raise").astype("float64")
    out["preference"] = pd.to_numeric(out["preference"], errors="raise").fillna(0).astype("int64")
    out = out.sort_values(["factor_id", "parameter", "gas"], kind="stable").reset_index(drop=True)
    return out


def validate_table(frame: pd.DataFrame, label: str) -> list[Problem]:
    """Check a tidy table; returns every problem found (empty list when valid)."""
    problems: list[Problem] = []

    def bad(row: int, column: str, message: str, value: object) -> None:
        problems.append(Problem(message, file=label, row=row + 2, field=column, value=str(value)))

    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        return [Problem(f"missing columns {missing}", file=label)]
    dup = frame.duplicated(["factor_id", "parameter", "gas"], keep=False)
    for i in frame.index[dup]:
        bad(i, "factor_id", "duplicate (factor_id, parameter, gas)", frame.at[i, "factor_id"])
    for i in frame.index[~frame["parameter"].isin(PARAMETERS)]:
        bad(
            i,
            "parameter",
            f"unknown parameter; accepted: {sorted(PARAMETERS)}",
            frame.at[i, "parameter"],
        )
    for i in frame.index[~frame["confidence"].isin(CONFIDENCE)]:
        bad(i, "confidence", "confidence must be high, medium or low", frame.at[i, "confidence"])
    values = pd.to_numeric(frame["value"], errors="coerce")
    for i in frame.index[values.isna()]:
        bad(i, "value", "value is not a number", frame.at[i, "value"])
    is_ef = frame["parameter"] == "emission_factor"
    for i in frame.index[is_ef & (frame["gas"].fillna("") == "")]:
        bad(i, "gas", "emission factor without gas", "")
    for unit in frame["unit"].dropna().unique():
        try:
            parse_unit(str(unit))
        except Exception as exc:  # UnitError: report, keep going
            for i in frame.index[frame["unit"] == unit]:
                bad(int(i), "unit", f"unit does not parse: {exc}", unit)
    for region in frame["region"].dropna().unique():
        if not is_known_region(str(region)):
            for i in frame.index[frame["region"] == region]:
                bad(int(i), "region", "unknown region code", region)
    keys = frame["activity"].fillna("")
    for key in keys[keys != ""].unique():
        if not is_valid_key(str(key)):
            for i in frame.index[keys == key]:
                bad(int(i), "activity", "malformed activity key", key)
    start = pd.to_datetime(frame["valid_from"], errors="coerce")
    end = pd.to_datetime(frame["valid_to"], errors="coerce")
    for i in frame.index[start.isna() | end.isna() | (start > end)]:
        bad(
            i,
            "valid_from",
            "valid_from/valid_to must be ISO dates with from <= to",
            f"{frame.at[i, 'valid_from']!s}..{frame.at[i, 'valid_to']!s}",
        )
    return problems
