"""The activity table: its public column contract and vectorised validation.

One row per activity record. Required columns: ``record_id``, ``activity``, ``quantity``,
``unit``. Optional: ``entity``, ``period``, ``region``, ``scope``, ``category``,
``factor_id``, ``factor_set``, ``emission_factor``, ``emission_factor_unit``, ``gas``,
``ncv``, ``ncv_unit``, ``carbon_content``, ``carbon_content_unit``, ``oxidation_factor``,
``biomass_fraction``, ``method``, ``direction``, ``leak_rate``, ``description``.

:func:`validate_activities` checks every row and every column and returns the typed table
plus ALL problems found. A row with any error is *rejected* (reported, not computed); the
invariant ``rows read = rows accepted + rows rejected`` always holds. Checks run on
distinct values where possible (units, periods, regions, activity keys) so a million rows
validate in well under a second.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger._strings import codes_of
from carbonledger.activities import families, family_of, is_valid_key
from carbonledger.errors import GWPError, Problem, Severity, UnitError
from carbonledger.gwp import canonical_gas, gwp
from carbonledger.inventory.categories import SCOPE1_CATEGORIES, SCOPE2_CATEGORIES, SCOPE3_CATEGORIES
from carbonledger.inventory.columns import cell as _cell
from carbonledger.inventory.columns import first_seen as _first_seen
from carbonledger.inventory.columns import id_text as _id_text
from carbonledger.inventory.columns import map_text as _map_text
from carbonledger.inventory.columns import numbers as _numbers
from carbonledger.inventory.columns import text as _text
from carbonledger.inventory.scope3.validate import (
    SCOPE3_ALTERNATIVES,
    SCOPE3_COLUMNS,
    SCOPE3_NUMERIC,
    check_scope3,
    derivable,
)
from carbonledger.io.tables import RawTable
from carbonledger.periods import ACCEPTED as PERIOD_FORMS
from carbonledger.periods import Period, parse_periods
from carbonledger.regions import canonical_region, is_known_region
from carbonledger.units import describe_dimension, parse_unit

__all__ = ["COLUMNS", "REQUIRED", "ActivityTable", "validate_activities"]

REQUIRED = ("record_id", "activity", "quantity", "unit")
COLUMNS: dict[str, str] = {
    "record_id": "unique id of the record (required)",
    "activity": "activity key, e.g. fuel/natural_gas, electricity/grid, refrigerant/R-410A (required)",
    "quantity": "amount, a non-negative number (required)",
    "unit": "unit of the quantity, any pint unit of the right dimension: t, kg, L, Nm3, kWh, MWh, GJ (required)",
    "entity": "facility or organisational unit",
    "period": f"period of the activity: {PERIOD_FORMS}; empty = the reporting year",
    "region": "ISO 3166 code, subdivisions allowed (CN, CN-CQ, GB, US-CA) or a grid region (US-EGRID-CAMX)",
    "scope": "1, 2 or 3; derived from the activity when empty, checked when given",
    "category": "scope category; derived from the activity when empty, checked when given",
    "factor_id": "pin a factor by its id",
    "factor_set": "pin a factor set (or the set of the pinned factor)",
    "emission_factor": "inline, user-supplied emission factor value",
    "emission_factor_unit": "unit of the inline factor, e.g. t CO2/TJ, kg CO2e/kWh",
    "gas": "gas of the inline factor (CO2, CH4, N2O, HFC-134a …); implied by CO2e units",
    "ncv": "measured net calorific value (overrides defaults)",
    "ncv_unit": "unit of the NCV, e.g. GJ/t, GJ/(10^4 Nm3)",
    "carbon_content": "measured carbon content (per energy, e.g. tC/TJ, or per mass, e.g. tC/t)",
    "carbon_content_unit": "unit of the carbon content",
    "oxidation_factor": "measured oxidation factor, a fraction in (0, 1]",
    "biomass_fraction": "biomass share of the fuel's carbon, a fraction in [0, 1]",
    "method": "method choice, e.g. mee (China carbon-content method), mobile, location/market, "
    "screening/mass_balance/release for refrigerants, mass_balance/mass_balance_cn for process",
    "direction": "input or output, for mass balances (outputs subtract)",
    "leak_rate": "annual leak rate (fraction) for refrigerant screening",
    "description": "free text, copied to reports",
}

_NUMERIC = ("emission_factor", "ncv", "carbon_content", "oxidation_factor", "biomass_fraction", "leak_rate")
_UNIT_PAIRS = (
    ("emission_factor", "emission_factor_unit"),
    ("ncv", "ncv_unit"),
    ("carbon_content", "carbon_content_unit"),
)
_METHODS: dict[str, set[str]] = {
    "fuel": {"", "stationary", "mobile", "mee", "factor"},
    "vehicle": {"", "distance", "mobile"},
    "process": {"", "factor", "mass_balance", "mass_balance_cn"},
    "refrigerant": {"", "release", "screening", "mass_balance"},
    "fugitive": {"", "release", "screening", "mass_balance"},
    "electricity": {"", "location", "market"},
    "heat": {"", "location", "market"},
}
# Scope 3 categories a family may be re-assigned to (besides its default), e.g. freight
# paid by customers is category 9 (Scope 3 Standard, Table 5.4).
_SCOPE3_ALTERNATIVES: dict[str, set[str]] = {
    "spend/": {"1", "2"},
    "supplier/": {"1", "2"},
    "material/": {"1", "2"},
    "capital/": {"2"},
    "freight/": {"4", "9"},
    "waste/": {"5", "12"},
    "travel/": {"6", "7"},
    "water/": {"1", "5"},
}
COLUMNS.update(SCOPE3_COLUMNS)  # optional Scope 3 inputs (carbonledger.inventory.scope3.validate)
_SCOPE3_ALTERNATIVES.update(SCOPE3_ALTERNATIVES)


@dataclass
class ActivityTable:
    """Validated records (accepted rows only) and every problem found."""

    records: pd.DataFrame
    problems: list[Problem]
    source: str
    rows_read: int
    rejected_rows: list[int] = field(default_factory=list)
    reporting_year: int | None = None

    @property
    def rows_accepted(self) -> int:
        return len(self.records)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected_rows)


class _Checker:
    """Accumulates problems for rows; rows with an error become rejected."""

    def __init__(self, frame: pd.DataFrame, raw: RawTable) -> None:
        self.frame = frame
        self.raw = raw
        self.problems: list[Problem] = list(raw.problems)
        self.bad = np.zeros(len(frame), dtype=bool)
        self.rows = frame["row"].to_numpy()
        self.suppressed: set[str] = set()
        self.formula_cells: set[tuple[int, str]] = set()

    def flag(
        self,
        mask: npt.NDArray[np.bool_],
        column: str,
        message: str | None = None,
        *,
        values: Iterable[object] | None = None,
        accepted: str | None = None,
        messages: Iterable[str] | None = None,
        severity: Severity = "error",
        code: str = "invalid",
    ) -> None:
        positions = np.flatnonzero(mask)
        if len(positions) == 0:
            return
        if column in self.suppressed:  # a missing column: reported once, for the header
            return
        if self.formula_cells and code != "formula":  # an emptied formula cell is reported once
            keep = np.array([(int(self.rows[p]), column) not in self.formula_cells for p in positions])
            if severity == "error":
                self.bad[positions] = True
            positions = positions[keep]
            if values is not None:
                values = [v for v, k in zip(list(values), keep, strict=True) if k]
            if messages is not None:
                messages = [m for m, k in zip(list(messages), keep, strict=True) if k]
            if len(positions) == 0:
                return
        # only the flagged cells are read (never a whole column per problem)
        if values is not None:
            value_list = list(values)
        elif column in self.frame.columns:
            value_list = self.frame[column].iloc[positions].tolist()
        else:
            value_list = [""] * len(positions)
        ids = (
            self.frame["record_id"].iloc[positions].tolist()
            if "record_id" in self.frame.columns
            else [""] * len(positions)
        )
        message_list = list(messages) if messages is not None else [message or ""] * len(positions)
        for k, pos in enumerate(positions):
            value = value_list[k]
            self.problems.append(
                Problem(
                    message_list[k],
                    file=self.raw.source,
                    sheet=self.raw.sheet,
                    row=int(self.rows[pos]),
                    field=column,
                    value=None if value is None else str(value),
                    accepted=accepted,
                    severity=severity,
                    code=code,
                    record_id=_cell(ids[k]) or None,
                )
            )
        if severity == "error":
            self.bad[positions] = True


def _pairs(a: pd.Series, b: pd.Series) -> tuple[npt.NDArray[np.int64], list[tuple[str, str]]]:
    """Codes of the distinct (a, b) pairs of two text columns, and the pairs (integer work)."""
    a_codes, a_values = _cat(a)
    b_codes, b_values = _cat(b)
    combined = a_codes.astype(np.int64) * max(len(b_values), 1) + b_codes
    codes, distinct = pd.factorize(combined)
    width = max(len(b_values), 1)
    pairs = [(str(a_values[int(c) // width]), str(b_values[int(c) % width])) for c in distinct]
    return codes.astype(np.int64), pairs


def _duplicated(values: pd.Series) -> pd.Series:
    """Rows whose value occurs more than once (a count of distinct values first: the usual case
    of unique ids costs one hash pass, without building a mask)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        array = values.array._pa_array if hasattr(values.array, "_pa_array") else pa.array(values.tolist())
        if len(pc.unique(array)) == len(values):
            return pd.Series(np.zeros(len(values), dtype=bool), index=values.index)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        pass  # an unusual column type: pandas below
    return values.duplicated(keep=False)


def validate_activities(
    raw: RawTable, *, reporting_year: int | None = None, default_region: str | None = None
) -> ActivityTable:
    """Validate a raw activity table; see the module docstring for the contract."""
    frame = (
        raw.frame if "row" in raw.frame.columns else raw.frame.assign(row=np.arange(2, len(raw.frame) + 2))
    )
    rows_read = len(frame)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:  # validate the other columns anyway (all problems at once); these rows are rejected
        blank = pd.Series([""] * rows_read, index=frame.index, dtype=object)
        frame = frame.assign(**{c: blank for c in missing})
    checker = _Checker(frame, raw)
    checker.suppressed = set(missing)
    errors = [p for p in raw.problems if p.severity == "error"]
    no_header = list(raw.frame.columns) in ([], ["row"])  # nothing could be read
    file_errors = [p for p in errors if p.row is None or no_header]
    header_errors = [p for p in errors if p.row == 1 and not no_header]
    for p in errors:  # reader problems about one line (e.g. too many values) reject that row
        if p.row is not None and p.row > 1:
            checker.bad[checker.rows == p.row] = True
    for problem in raw.formula_problems():
        checker.problems.append(problem)
        checker.bad[np.flatnonzero(checker.rows == problem.row)] = True
    checker.formula_cells = set(raw.formula_cells)
    if not file_errors:
        for column in missing:
            checker.problems.append(
                Problem(
                    f"required column {column!r} is missing",
                    file=raw.source,
                    sheet=raw.sheet,
                    row=1,
                    field=column,
                    accepted=f"a header row with {', '.join(REQUIRED)} (and optional columns)",
                    code="missing_column",
                )
            )
    if rows_read == 0 and not missing and not file_errors and not header_errors:
        checker.problems.append(
            Problem(
                "the table has a header but no data rows",
                file=raw.source,
                sheet=raw.sheet,
                code="no_rows",
                accepted="one row per activity record",
            )
        )
    known = set(COLUMNS) | {"row"}
    for column in frame.columns:
        if column not in known and column and not column.startswith("Unnamed:"):
            checker.problems.append(
                Problem(
                    f"column {column!r} is not part of the activity table and is ignored",
                    file=raw.source,
                    sheet=raw.sheet,
                    row=1,
                    field=column,
                    severity="warning",
                    code="unknown_column",
                    accepted=", ".join(COLUMNS),
                )
            )

    index = frame.index
    out: dict[str, pd.Series] = {"row": pd.Series(frame["row"].to_numpy(), index=index, copy=False)}
    present = set(frame.columns)
    # -- record_id --------------------------------------------------------------------------
    record_id = _id_text(frame, "record_id")
    out["record_id"] = record_id
    checker.flag((record_id == "").to_numpy(), "record_id", "record_id is empty", accepted="a unique id")
    dup = (record_id != "") & _duplicated(record_id)
    if dup.any():
        first_rows = (
            pd.Series(checker.rows).groupby(record_id.to_numpy()).agg(lambda r: ", ".join(map(str, r)))
        )
        checker.flag(
            dup.to_numpy(),
            "record_id",
            accepted="each record_id once",
            messages=[f"duplicate record_id (rows {first_rows[i]})" for i in record_id[dup]],
            code="duplicate_id",
        )
    # -- activity (everything derived from the key is computed once per distinct key) --------
    activity = _text(frame, "activity")
    out["activity"] = activity
    a_codes, a_values = _cat(activity)
    fam_by_value = [family_of(str(a)) for a in a_values]
    kind_v = np.array([f.kind if f else "" for f in fam_by_value], dtype=object)
    prefix_v = np.array([f.prefix if f else "" for f in fam_by_value], dtype=object)
    scope_v = np.array([(f.scope or "") if f else "" for f in fam_by_value], dtype=object)
    cat_v = np.array([(f.category or "") if f else "" for f in fam_by_value], dtype=object)
    empty_v = a_values == ""
    empty_activity = empty_v[a_codes]
    checker.flag(
        empty_activity, "activity", "activity is empty", accepted="an activity key such as fuel/diesel"
    )
    malformed_v = np.array([a != "" and not is_valid_key(str(a)) for a in a_values], dtype=bool)
    checker.flag(
        malformed_v[a_codes],
        "activity",
        "malformed activity key",
        accepted="family/name in lower case, e.g. fuel/natural_gas, electricity/grid",
    )
    checker.flag(
        ((kind_v == "") & ~empty_v & ~malformed_v)[a_codes],
        "activity",
        "unknown activity family",
        accepted=", ".join(sorted({f.prefix.split("/")[0] + "/…" for f in families()})),
    )
    kinds = _gathered(kind_v, a_codes, index)
    out["kind"] = kinds
    out["family"] = _gathered(prefix_v, a_codes, index)
    # -- quantity ---------------------------------------------------------------------------
    scope3_numbers = {c: _numbers(frame, c) for c in SCOPE3_NUMERIC}
    quantity, present_q, non_numeric = _numbers(frame, "quantity")
    checker.flag(
        ~present_q & ~derivable(scope3_numbers), "quantity", "quantity is empty", accepted="a number"
    )
    checker.flag(non_numeric, "quantity", "quantity is not a number", accepted="a number such as 1250.5")
    checker.flag(
        present_q & ~non_numeric & ~np.isfinite(quantity) & ~np.isnan(quantity),
        "quantity",
        "quantity is not finite",
        accepted="a finite number",
    )
    checker.flag(
        present_q & (quantity < 0),
        "quantity",
        "quantity is negative",
        accepted="a value >= 0 (for mass-balance outputs use direction=output)",
    )
    out["quantity"] = pd.Series(quantity, index=index, copy=False)
    # -- unit -------------------------------------------------------------------------------
    unit = _text(frame, "unit")
    out["unit"] = unit
    u_codes, u_values = _cat(unit)
    checker.flag((u_values == "")[u_codes], "unit", "unit is empty", accepted="a unit such as t, kWh, Nm3, L")
    _check_units(checker, unit, "unit")
    # -- period (parsed once per distinct text) ---------------------------------------------
    period = _text(frame, "period")
    p_codes, p_values = _cat(period)
    default = Period(date(reporting_year, 1, 1), date(reporting_year, 12, 31)) if reporting_year else None
    if default is None:
        counts = np.bincount(p_codes, minlength=len(p_values))
        per_year: dict[int, int] = {}
        for value, count in zip(p_values, counts, strict=True):
            head = str(value)[:4]
            if head.isdigit():
                per_year[int(head)] = per_year.get(int(head), 0) + int(count)
        common = max(per_year, key=lambda y: (per_year[y], y)) if per_year else date.today().year - 1
        default = Period(date(common, 1, 1), date(common, 12, 31))
    start_v, end_v, ok_v = parse_periods(pd.Series(p_values, dtype=object), default)
    start, end = start_v[p_codes], end_v[p_codes]
    checker.flag(~ok_v[p_codes], "period", "period is not recognised", accepted=PERIOD_FORMS)
    if reporting_year is not None:
        outside_v = ok_v & (
            (start_v < np.datetime64(f"{reporting_year}-01-01"))
            | (end_v > np.datetime64(f"{reporting_year}-12-31"))
        )
        checker.flag(
            outside_v[p_codes],
            "period",
            f"period lies outside the reporting year {reporting_year}",
            accepted=f"a period within {reporting_year}",
        )
    filled = np.where(p_values == "", str(default.start.year), p_values).astype(object)
    out["period"] = _gathered(filled, p_codes, index)
    out["period_start"] = pd.Series(start, index=index, copy=False)
    out["period_end"] = pd.Series(end, index=index, copy=False)
    # -- region -----------------------------------------------------------------------------
    region = _text(frame, "region")
    r_codes, r_values = _cat(region)
    if default_region:
        r_values = np.where(r_values == "", default_region, r_values).astype(object)
    known_v = np.array([r == "" or is_known_region(str(r)) for r in r_values], dtype=bool)
    checker.flag(
        ~known_v[r_codes],
        "region",
        "region not recognised",
        accepted="ISO 3166-1 alpha-2 (CN), ISO 3166-2 (CN-CQ), a grid region (US-EGRID-CAMX) or empty",
    )
    canonical_v = np.array([canonical_region(str(r)) for r in r_values], dtype=object)
    out["region"] = _gathered(canonical_v, r_codes, index)
    # -- scope / category ------------------------------------------------------------------------
    _check_scope(checker, frame, out, (a_codes, kind_v, prefix_v, scope_v, cat_v))
    # -- simple text columns ------------------------------------------------------------------
    for column in (
        "entity",
        "factor_id",
        "factor_set",
        "gas",
        "method",
        "direction",
        "emission_factor_unit",
        "ncv_unit",
        "carbon_content_unit",
    ):
        out[column] = _text(frame, column)
    out["description"] = _id_text(frame, "description")
    out["method"] = _map_text(out["method"], str.lower)
    out["direction"] = _map_text(out["direction"], str.lower)
    # -- numeric optional columns -------------------------------------------------------------
    for column in _NUMERIC:
        values, _, non_numeric = _numbers(frame, column)
        if column in present:
            checker.flag(non_numeric, column, f"{column} is not a number", accepted="a number")
        out[column] = pd.Series(values, index=index, copy=False)
    for value_col, unit_col in _UNIT_PAIRS:
        if value_col not in present and unit_col not in present:
            continue  # nothing given: nothing to check
        has_value = ~np.isnan(out[value_col].to_numpy())
        uc_codes, uc_values = _cat(out[unit_col])
        unit_empty = (uc_values == "")[uc_codes]
        no_unit = has_value & unit_empty
        checker.flag(
            no_unit,
            unit_col,
            f"{value_col} is given without {unit_col}",
            accepted="a unit, e.g. "
            + {
                "emission_factor_unit": "t CO2/TJ or kg CO2e/kWh",
                "ncv_unit": "GJ/t or GJ/(10^4 Nm3)",
                "carbon_content_unit": "tC/TJ or tC/t",
            }[unit_col],
        )
        unit_given_alone = ~has_value & ~unit_empty
        checker.flag(
            unit_given_alone,
            value_col,
            f"{unit_col} is given but {value_col} is empty",
            accepted="both, or neither",
            severity="warning",
            code="unused",
        )
        _check_units(checker, out[unit_col], unit_col, where=has_value)
    _check_ranges(checker, out, present)
    _check_inline_factor(checker, out)
    _check_methods(checker, out, kinds)
    check_scope3(checker, frame, out, scope3_numbers)

    if missing or header_errors or file_errors:
        # the header is unusable: no row is computed; rows without a problem of their own
        # still get one, so that every rejected row is accounted for
        cause = "; ".join(
            [f"required column {c!r} is missing" for c in missing] + [p.message for p in header_errors]
        )
        checker.suppressed = set()
        checker.flag(
            ~checker.bad,
            missing[0] if missing else (header_errors[0].field or "") if header_errors else "",
            f"row not computed because of the header problem(s) in row 1: {cause or 'see above'}",
            values=[""] * int((~checker.bad).sum()),
            accepted="fix the header row, then run again",
            code="header_rejected",
        )
    records = pd.DataFrame(out, index=index, copy=False)  # no consolidation copy
    if checker.bad.any():
        records = records[~checker.bad].reset_index(drop=True)
        for column in records.columns:  # categories: only values of accepted rows, first seen first
            cat = records[column].array
            if isinstance(cat, pd.Categorical):
                records[column] = _first_seen(cat.codes, np.asarray(cat.categories, dtype=object))
    elif not isinstance(records.index, pd.RangeIndex) or records.index.start != 0:
        records = records.reset_index(drop=True)
    rejected = [int(r) for r in checker.rows[checker.bad]]
    return ActivityTable(records, checker.problems, raw.source, rows_read, rejected, reporting_year)


def _cat(series: pd.Series) -> tuple[npt.NDArray[np.integer], npt.NDArray[np.object_]]:
    """(row codes, distinct values) of a categorical text column (no -1 codes by construction)."""
    cat = series.array
    if isinstance(cat, pd.Categorical) and not (cat.codes < 0).any():
        return cat.codes, np.asarray(cat.categories, dtype=object)
    codes, values = codes_of(series)
    return codes, values


def _gathered(
    values: npt.NDArray[np.object_], codes: npt.NDArray[np.integer], index: pd.Index, *, ordered: bool = True
) -> pd.Series:
    """A text column whose row i is ``values[codes[i]]`` (a categorical, first seen first).
    ``ordered``: the codes are numbered by first appearance, every value used (the codes of a
    validated column, or of a factorisation)."""
    return pd.Series(_first_seen(codes, values, ordered=ordered), index=index, copy=False)


def _check_units(
    checker: _Checker, units: pd.Series, column: str, where: npt.NDArray[np.bool_] | None = None
) -> None:
    """Unit texts pint cannot parse (once per distinct unit); ``where`` limits the rows checked."""
    codes, values = _cat(units)
    messages: dict[int, str] = {}
    for i, text in enumerate(values):
        if text == "":
            continue
        try:
            parse_unit(str(text))
        except UnitError as exc:
            messages[i] = exc.problems[0].message
    if not messages:
        return
    bad_v = np.zeros(len(values), dtype=bool)
    bad_v[list(messages)] = True
    mask = bad_v[codes]
    if where is not None:
        mask &= where
    positions = np.flatnonzero(mask)
    checker.flag(
        mask,
        column,
        messages=[messages[int(codes[p])] for p in positions],
        accepted="a unit such as t, kg, L, m3, Nm3, kWh, MWh, GJ, TJ, tce, tkm, pkm, USD, CNY",
        code="unit",
    )


def _check_scope(
    checker: _Checker,
    frame: pd.DataFrame,
    out: dict[str, pd.Series],
    activity: tuple[
        npt.NDArray[np.integer],
        npt.NDArray[np.object_],
        npt.NDArray[np.object_],
        npt.NDArray[np.object_],
        npt.NDArray[np.object_],
    ],
) -> None:
    """Scope and category, decided once per distinct (activity, scope, category) combination."""
    a_codes, kind_v, prefix_v, default_scope_v, default_cat_v = activity
    scope = _map_text(_text(frame, "scope"), lambda v: v.lower().replace("scope", "").strip())
    s_codes, s_values = _cat(scope)
    c_codes, c_values = _cat(_text(frame, "category"))
    combo = (a_codes.astype(np.int64) * len(s_values) + s_codes) * len(c_values) + c_codes
    codes, distinct = pd.factorize(combo)
    k = len(distinct)
    a_of = (distinct // (len(s_values) * len(c_values))).astype(np.int64)
    s_of = s_values[(distinct // len(c_values)) % len(s_values)]
    c_of = c_values[distinct % len(c_values)]
    kind, prefix = kind_v[a_of], prefix_v[a_of]
    default_scope, default_cat = default_scope_v[a_of], default_cat_v[a_of]
    given_scope = s_of != ""
    bad_scope = given_scope & ~np.isin(s_of, ["1", "2", "3"])
    checker.flag(bad_scope[codes], "scope", "scope must be 1, 2 or 3", accepted="1, 2 or 3")
    custom = kind == "custom"
    checker.flag(
        (custom & ~given_scope)[codes], "scope", "custom activities need an explicit scope", accepted="1, 2 or 3"
    )
    mismatch = given_scope & ~bad_scope & ~custom & (default_scope != "") & (s_of != default_scope)
    mismatch_rows = mismatch[codes]
    checker.flag(
        mismatch_rows,
        "scope",
        accepted="the scope of the activity family",
        messages=[
            f"scope {s_of[c]} does not match the activity's scope {default_scope[c]}"
            for c in codes[mismatch_rows]
        ],
    )
    final_scope = np.where(given_scope & ~bad_scope, s_of, default_scope).astype(object)
    given_cat = c_of != ""
    final_cat = np.where(given_cat, c_of, default_cat).astype(object)
    # category must be known for the scope; scope-3 re-assignments only where allowed
    valid_cat = np.ones(k, dtype=bool)
    messages = np.full(k, "", dtype=object)
    for i in np.flatnonzero(given_cat):
        s, c = final_scope[i], final_cat[i]
        ok = (
            (s == "1" and c in SCOPE1_CATEGORIES)
            or (s == "2" and c in SCOPE2_CATEGORIES)
            or (s == "3" and c in SCOPE3_CATEGORIES)
        )
        if ok and s == "3" and not custom[i] and c != default_cat[i]:
            ok = c in next(
                (v for key, v in _SCOPE3_ALTERNATIVES.items() if str(prefix[i]).startswith(key)), set()
            )
        if not ok:
            valid_cat[i] = False
            messages[i] = f"category {c!r} is not valid for scope {s} and activity family {prefix[i]}"
    invalid_rows = ~valid_cat[codes]
    checker.flag(
        invalid_rows,
        "category",
        messages=list(messages[codes[invalid_rows]]),
        code="category",
        accepted="Scope 1: "
        + ", ".join(SCOPE1_CATEGORIES)
        + "; Scope 2: "
        + ", ".join(SCOPE2_CATEGORIES)
        + "; Scope 3: 1–15 (as allowed for the activity)",
    )
    index = frame.index
    out["scope"] = _gathered(final_scope, codes, index)
    out["category"] = _gathered(final_cat, codes, index)
    out["scope_given"] = pd.Series(given_scope[codes], index=index, copy=False)


def _check_ranges(checker: _Checker, out: dict[str, pd.Series], present: set[str]) -> None:
    if "biomass_fraction" in present:
        bf = out["biomass_fraction"].to_numpy()
        checker.flag(
            ~np.isnan(bf) & ((bf < 0) | (bf > 1)),
            "biomass_fraction",
            "biomass fraction outside 0–1",
            accepted="a fraction between 0 and 1 (e.g. 0.07 for 7 %)",
        )
    if "oxidation_factor" in present:
        of = out["oxidation_factor"].to_numpy()
        checker.flag(
            ~np.isnan(of) & ((of <= 0) | (of > 1)),
            "oxidation_factor",
            "oxidation factor outside (0, 1]",
            accepted="a fraction such as 0.98 (not a percentage)",
        )
    if "leak_rate" in present:
        lr = out["leak_rate"].to_numpy()
        checker.flag(
            ~np.isnan(lr) & ((lr < 0) | (lr > 1)),
            "leak_rate",
            "leak rate outside 0–1",
            accepted="an annual fraction such as 0.05",
        )
    for column in ("emission_factor", "ncv", "carbon_content"):
        if column in present:
            values = out[column].to_numpy()
            checker.flag(
                ~np.isnan(values) & (values < 0), column, f"{column} is negative", accepted="a value >= 0"
            )
    d_codes, d_values = _cat(out["direction"])
    checker.flag(
        ~np.isin(d_values, ["", "input", "output"])[d_codes],
        "direction",
        "direction must be input or output",
        accepted="input, output or empty",
    )


def _check_inline_factor(checker: _Checker, out: dict[str, pd.Series]) -> None:
    has_inline = ~np.isnan(out["emission_factor"].to_numpy())
    k_codes, k_values = _cat(out["kind"])
    custom = (k_values == "custom")[k_codes]
    checker.flag(
        custom & ~has_inline,
        "emission_factor",
        "custom activities need an inline emission_factor",
        accepted="emission_factor, emission_factor_unit and gas (or a CO2e unit)",
    )
    if not has_inline.any() and not (_cat(out["emission_factor_unit"])[1] != "").any():
        return  # no inline factor and no factor unit: nothing below can apply
    # per distinct (unit, gas) pair: the gas implied by the unit, and whether it has a GWP
    codes, uniques = _pairs(out["emission_factor_unit"], out["gas"])
    final = np.empty(len(uniques), dtype=object)
    problem = np.full(len(uniques), "", dtype=object)
    for j, (unit_text, gas_text) in enumerate(uniques):
        marker, co2e = None, False
        if unit_text:
            try:
                parsed = parse_unit(str(unit_text))
                marker = parsed.gas
                co2e = "[co2e]" in str(parsed.quantity.dimensionality)
            except UnitError:
                pass  # reported by the unit check
        gas = str(gas_text) or ("CO2e" if co2e else (marker or ""))
        if gas == "" and unit_text:
            problem[j] = "inline factor needs a gas (column gas, or a CO2e unit such as kg CO2e/kWh)"
        elif gas and gas != "CO2e":
            try:
                gwp(canonical_gas(gas), "AR5")
            except GWPError:
                problem[j] = f"gas {gas!r} has no GWP in carbonledger's tables"
        final[j] = canonical_gas(gas) if gas not in ("", "CO2e") else gas
    row_problem = problem[codes] if len(codes) else np.zeros(0, dtype=object)
    mask = has_inline & (row_problem != "")
    checker.flag(
        mask,
        "gas",
        messages=list(row_problem[mask]),
        accepted="CO2, CH4, N2O, SF6, NF3, HFC-134a, R-410A … or CO2e",
    )
    gas_codes, gas_values = _cat(out["gas"])
    if has_inline.any():
        merged_values = np.concatenate([gas_values, final])
        merged = np.where(has_inline, len(gas_values) + codes, gas_codes)
        out["gas"] = _gathered(merged_values, merged, out["gas"].index, ordered=False)


def _check_methods(checker: _Checker, out: dict[str, pd.Series], kinds: pd.Series) -> None:
    m_codes, m_values = _cat(out["method"])
    codes, uniques = _pairs(kinds, out["method"])
    for k, (kind, name) in enumerate(uniques):  # distinct (kind, method) pairs only
        allowed = _METHODS.get(kind)
        if name == "" or allowed is None or name in allowed:
            continue
        checker.flag(
            codes == k,
            "method",
            f"method {name!r} is not available for {kind} activities",
            accepted=", ".join(sorted(a for a in allowed if a)) + " (or empty for the default)",
            code="method",
        )
    if "leak_rate" in out and (m_values == "screening").any():
        k_codes, k_values = _cat(kinds)
        refrigerant = np.isin(k_values, ["refrigerant", "fugitive"])[k_codes]
        screening = refrigerant & (m_values == "screening")[m_codes]
        checker.flag(
            screening & np.isnan(out["leak_rate"].to_numpy()),
            "leak_rate",
            "screening needs an annual leak_rate",
            accepted="a fraction such as 0.05 (5 % per year)",
        )
    if (m_values == "mee").any():
        mee = (m_values == "mee")[m_codes]
        u_codes, u_values = _cat(out["unit"])
        energy = np.array([_safe_dim(str(u)) == "energy" for u in u_values], dtype=bool)[u_codes]
        checker.flag(
            mee & energy & np.isnan(out["carbon_content"].to_numpy()),
            "method",
            "the mee method multiplies a fuel quantity by NCV; give the quantity in mass or volume",
            accepted="t, kg, Nm3, 10^4 Nm3, L",
        )


def _safe_dim(unit: str) -> str:
    try:
        return describe_dimension(unit) if unit else ""
    except UnitError:
        return ""
