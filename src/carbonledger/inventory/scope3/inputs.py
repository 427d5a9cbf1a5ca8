"""User-supplied Scope 3 input tables: exchange rates, price deflators, supplier footprints.

None of these is built into carbonledger: each rate, index and footprint is the user's
input with its own source and date, and every result row that uses one cites it.

**Exchange rates** (CSV/XLSX/DataFrame), one row per currency pair and year:
``from_currency, to_currency, year, rate, source, date`` where ``rate`` is units of
``to_currency`` per 1 ``from_currency`` (a market quote "USD/CNY 7.0809" is
``USD, CNY, 2023, 7.0809``). Either direction serves both conversions. Use annual averages
for annual spend (e.g. US Federal Reserve G.5A, "average rates of exchange").

**Deflators** (price indices), one row per currency/economy and year:
``currency, year, index, series, source, date``. Spend in ``price_year`` is moved to the
factor's price year ``Y`` with ``× index(Y) / index(price_year)`` of the factor currency's
series (e.g. US CPI-U or a producer price index for EPA factors in 2022 USD).

**Supplier footprints**: a table with ``supplier_id, product_id, pcf, declared_unit,
declared_amount, valid_from, valid_to, source`` (optional ``mass_per_declared_unit``,
``reference_year``, ``gwp_basis``, ``primary_data_share``, ``dqi_*``), and/or PACT
ProductFootprint JSON files (v2.x, v3.0) read and checked by :mod:`carbonledger.pact.importer`. ``pcf``
is kg CO2e per ``declared_amount`` × ``declared_unit`` (PACT v3 convention).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from carbonledger.errors import Problem, UnitError
from carbonledger.io.tables import RawTable, read_table
from carbonledger.pact.units import PINT_UNIT
from carbonledger.units import parse_unit

__all__ = [
    "Scope3Inputs",
    "TableInput",
    "load_scope3_inputs",
    "read_deflators",
    "read_exchange_rates",
    "read_supplier_footprints",
]

TableInput = str | Path | pd.DataFrame | RawTable
FootprintInput = TableInput | Sequence[str | Path | pd.DataFrame]

_MARGINS = ("with", "without")


@dataclass
class Scope3Inputs:
    """Validated Scope 3 input tables and the problems found in them."""

    exchange_rates: pd.DataFrame | None = None
    deflators: pd.DataFrame | None = None
    footprints: pd.DataFrame | None = None
    eeio_margins: str = "with"
    problems: list[Problem] = field(default_factory=list)


def _raw(data: TableInput, sheets: tuple[str, ...]) -> RawTable:
    return data if isinstance(data, RawTable) else read_table(data, preferred_sheets=sheets)


def _num(raw: RawTable, column: str) -> pd.Series:
    text = raw.frame[column].astype(str).str.strip().str.replace(",", "", regex=False)
    return pd.to_numeric(text.where(text != ""), errors="coerce")


def _check_columns(raw: RawTable, required: Sequence[str], what: str) -> list[Problem]:
    return [
        Problem(
            f"{what}: required column {c!r} is missing",
            file=raw.source,
            sheet=raw.sheet,
            row=1,
            field=c,
            accepted=", ".join(required),
            code="missing_column",
        )
        for c in required
        if c not in raw.frame.columns
    ]


def _row_problems(raw: RawTable, mask: np.ndarray, column: str, message: str, accepted: str) -> list[Problem]:
    frame = raw.frame
    return [
        Problem(
            message,
            file=raw.source,
            sheet=raw.sheet,
            row=int(frame["row"].iloc[i]),
            field=column,
            value=str(frame[column].iloc[i]) if column in frame.columns else None,
            accepted=accepted,
        )
        for i in np.flatnonzero(mask)
    ]


def _is_currency(code: str) -> bool:
    try:
        dims = str(parse_unit(code).quantity.dimensionality)
    except UnitError:
        return False
    return dims.startswith("[currency_") and "/" not in dims


def read_exchange_rates(data: TableInput) -> tuple[pd.DataFrame, list[Problem]]:
    """Validated rates: columns from_currency, to_currency, year, rate, source, date, row, file."""
    raw = _raw(data, ("exchange_rates", "rates", "汇率"))
    required = ("from_currency", "to_currency", "year", "rate", "source", "date")
    problems = list(raw.problems) + _check_columns(raw, required, "exchange rates")
    if problems and any(p.severity == "error" for p in problems):
        return pd.DataFrame(columns=[*required, "row", "file"]), problems
    f = raw.frame
    out = pd.DataFrame(
        {
            "from_currency": f["from_currency"].astype(str).str.strip().str.upper(),
            "to_currency": f["to_currency"].astype(str).str.strip().str.upper(),
            "year": _num(raw, "year"),
            "rate": _num(raw, "rate"),
            "source": f["source"].astype(str).str.strip(),
            "date": f["date"].astype(str).str.strip(),
            "row": f["row"].to_numpy(),
            "file": raw.source,
        }
    )
    bad = np.zeros(len(out), dtype=bool)
    for column in ("from_currency", "to_currency"):
        m = ~out[column].map(_is_currency).to_numpy(dtype=bool)
        problems += _row_problems(raw, m, column, "not a known currency", "CNY, USD, EUR, GBP, JPY, KRW, HKD")
        bad |= m
    year = out["year"].to_numpy()
    m = np.isnan(year) | (year != np.floor(year))
    problems += _row_problems(raw, m, "year", "year is not a year", "a four-digit year, e.g. 2023")
    bad |= m
    rate = out["rate"].to_numpy()
    m = np.isnan(rate) | (rate <= 0)
    problems += _row_problems(
        raw,
        m,
        "rate",
        "rate must be a positive number",
        "units of to_currency per 1 from_currency, e.g. 7.0809",
    )
    bad |= m
    for column, accepted in (
        ("source", "the publisher and series, e.g. Federal Reserve G.5A"),
        ("date", "the publication or retrieval date, e.g. 2024-02-01"),
    ):
        m = (out[column] == "").to_numpy()
        problems += _row_problems(
            raw, m, column, f"{column} is empty: every rate needs its {column}", accepted
        )
        bad |= m
    dup = out.duplicated(["from_currency", "to_currency", "year"], keep=False).to_numpy() & ~bad
    problems += _row_problems(
        raw, dup, "year", "duplicate rate for the same currency pair and year", "one rate per pair and year"
    )
    bad |= dup
    out = out[~bad].reset_index(drop=True)
    out["year"] = out["year"].astype(int)
    return out, problems


def read_deflators(data: TableInput) -> tuple[pd.DataFrame, list[Problem]]:
    """Validated price indices: currency, year, index, series, source, date, row, file."""
    raw = _raw(data, ("deflators", "price_index", "价格指数"))
    required = ("currency", "year", "index", "series", "source", "date")
    problems = list(raw.problems) + _check_columns(raw, required, "deflators")
    if problems and any(p.severity == "error" for p in problems):
        return pd.DataFrame(columns=[*required, "row", "file"]), problems
    f = raw.frame
    out = pd.DataFrame(
        {
            "currency": f["currency"].astype(str).str.strip().str.upper(),
            "year": _num(raw, "year"),
            "index": _num(raw, "index"),
            "series": f["series"].astype(str).str.strip(),
            "source": f["source"].astype(str).str.strip(),
            "date": f["date"].astype(str).str.strip(),
            "row": f["row"].to_numpy(),
            "file": raw.source,
        }
    )
    bad = ~out["currency"].map(_is_currency).to_numpy(dtype=bool)
    problems += _row_problems(raw, bad, "currency", "not a known currency", "USD, CNY, EUR …")
    year = out["year"].to_numpy()
    m = np.isnan(year) | (year != np.floor(year))
    problems += _row_problems(raw, m, "year", "year is not a year", "a four-digit year")
    bad |= m
    index = out["index"].to_numpy()
    m = np.isnan(index) | (index <= 0)
    problems += _row_problems(
        raw, m, "index", "index must be a positive number", "the index level, e.g. 876.664"
    )
    bad |= m
    for column in ("series", "source", "date"):
        m = (out[column] == "").to_numpy()
        problems += _row_problems(raw, m, column, f"{column} is empty", f"the index's {column}")
        bad |= m
    dup = out.duplicated(["currency", "year"], keep=False).to_numpy() & ~bad
    problems += _row_problems(
        raw,
        dup,
        "year",
        "duplicate index for the same currency and year",
        "one index level per currency and year (one series)",
    )
    bad |= dup
    out = out[~bad].reset_index(drop=True)
    out["year"] = out["year"].astype(int)
    return out, problems


_FOOTPRINT_COLUMNS = (
    "supplier_id",
    "product_id",
    "pcf_kg",
    "declared_unit",
    "declared_amount",
    "mass_per_declared_unit_kg",
    "valid_from",
    "valid_to",
    "reference_year",
    "gwp_basis",
    "source",
    "footprint_id",
    "origin",
    "spec_version",
    "primary_data_share",
    "dqi_technological",
    "dqi_temporal",
    "dqi_geographical",
    "dqi_completeness",
    "dqi_reliability",
)


def _pact_rows(path: Path) -> tuple[list[dict[str, object]], list[Problem]]:
    from carbonledger.inventory.scope3.dqi import pact_dqr_to_score
    from carbonledger.pact.importer import load_footprints

    footprints, problems = load_footprints(path, source=str(path))
    rows: list[dict[str, object]] = []
    for fp in footprints:
        if fp.unit is None:
            problems.append(
                Problem(
                    f"declared unit {fp.declared_unit!r} has no carbonledger unit",
                    file=str(path),
                    record_id=fp.id,
                    field="pcf/declaredUnitOfMeasurement",
                    accepted=", ".join(PINT_UNIT),
                )
            )
            continue
        suppliers = list(dict.fromkeys([*fp.company_ids, fp.company_name]))
        products = list(dict.fromkeys([*fp.product_ids, fp.product_name]))
        for s in suppliers:
            for p in products:
                rows.append(
                    {
                        "supplier_id": s,
                        "product_id": p,
                        # figures per ONE declared unit (v3: the declared pcfExcludingBiogenicUptake
                        # divided by declaredUnitAmount; v2: pCfExcludingBiogenic)
                        "pcf_kg": fp.figures.excluding_uptake,
                        "declared_unit": fp.unit,
                        "declared_amount": 1.0,
                        "mass_per_declared_unit_kg": fp.mass_kg_per_declared_unit
                        if fp.mass_kg_per_declared_unit is not None
                        else np.nan,
                        "valid_from": pd.Timestamp(fp.validity_start),
                        "valid_to": pd.Timestamp(fp.validity_end),
                        "reference_year": fp.reference_period_end.year
                        if fp.reference_period_end.month > 1 or fp.reference_period_end.day > 1
                        else fp.reference_period_end.year - 1,
                        "gwp_basis": ",".join(fp.ipcc_characterization_factors),
                        "source": f"PACT {fp.spec_version} footprint {fp.id} ({fp.company_name}, "
                        f"{fp.product_name}) in {path.name}"
                        + (
                            ", validity = 3 years from referencePeriodEnd (spec default)"
                            if fp.validity_from_spec_default
                            else ""
                        ),
                        "footprint_id": fp.id,
                        "origin": "pact",
                        "spec_version": fp.spec_version,
                        "primary_data_share": fp.primary_data_share
                        if fp.primary_data_share is not None
                        else np.nan,
                        **{
                            f"dqi_{k}": pact_dqr_to_score(fp.dqr.get(k), fp.spec_version)
                            for k in (
                                "technological",
                                "temporal",
                                "geographical",
                                "completeness",
                                "reliability",
                            )
                        },
                    }
                )
    return rows, problems


def _table_rows(data: TableInput) -> tuple[pd.DataFrame, list[Problem]]:
    raw = _raw(data, ("suppliers", "supplier_footprints", "供应商"))
    required = ("supplier_id", "product_id", "pcf", "declared_unit", "valid_from", "valid_to", "source")
    problems = list(raw.problems) + _check_columns(raw, required, "supplier footprints")
    if any(p.severity == "error" for p in problems):
        return pd.DataFrame(columns=list(_FOOTPRINT_COLUMNS)), problems
    f = raw.frame

    def opt(column: str) -> pd.Series:
        return _num(raw, column) if column in f.columns else pd.Series(np.nan, index=f.index)

    out = pd.DataFrame(
        {
            "supplier_id": f["supplier_id"].astype(str).str.strip(),
            "product_id": f["product_id"].astype(str).str.strip(),
            "pcf_kg": _num(raw, "pcf"),
            "declared_unit": f["declared_unit"].astype(str).str.strip(),
            "declared_amount": opt("declared_amount").fillna(1.0),
            "mass_per_declared_unit_kg": opt("mass_per_declared_unit"),
            "valid_from": pd.to_datetime(f["valid_from"].astype(str).str.strip(), errors="coerce"),
            "valid_to": pd.to_datetime(f["valid_to"].astype(str).str.strip(), errors="coerce"),
            "reference_year": opt("reference_year"),
            "gwp_basis": f["gwp_basis"].astype(str).str.strip() if "gwp_basis" in f.columns else "",
            "source": f["source"].astype(str).str.strip(),
            "footprint_id": "",
            "origin": "table",
            "spec_version": "",
            "primary_data_share": opt("primary_data_share"),
            **{
                f"dqi_{k}": opt(f"dqi_{k}")
                for k in ("technological", "temporal", "geographical", "completeness", "reliability")
            },
        }
    )
    out["source"] = out["source"] + " (" + raw.source + " row " + f["row"].astype(str) + ")"
    bad = np.zeros(len(out), dtype=bool)
    for column in ("supplier_id", "product_id", "source"):
        m = (f[column].astype(str).str.strip() == "").to_numpy()
        problems += _row_problems(raw, m, column, f"{column} is empty", f"the {column}")
        bad |= m
    pcf = out["pcf_kg"].to_numpy()
    m = np.isnan(pcf) | (pcf < 0)
    problems += _row_problems(
        raw, m, "pcf", "pcf must be a number >= 0", "kg CO2e per declared_amount × declared_unit"
    )
    bad |= m
    unit_ok = out["declared_unit"].map(_unit_ok).to_numpy(dtype=bool)
    problems += _row_problems(
        raw,
        ~unit_ok,
        "declared_unit",
        "declared_unit is not a recognised unit",
        "kg, t, L, m3, kWh, MJ, tkm, m2, pieces",
    )
    bad |= ~unit_ok
    for column in ("valid_from", "valid_to"):
        m = out[column].isna().to_numpy()
        problems += _row_problems(raw, m, column, f"{column} is not a date", "YYYY-MM-DD")
        bad |= m
    amount = out["declared_amount"].to_numpy()
    m = ~(amount > 0)
    problems += _row_problems(raw, m, "declared_amount", "declared_amount must be > 0", "e.g. 1")
    bad |= m
    return out[~bad].reset_index(drop=True), problems


def _unit_ok(text: str) -> bool:
    try:
        parse_unit(text)
    except UnitError:
        return False
    return bool(text)


def read_supplier_footprints(data: FootprintInput) -> tuple[pd.DataFrame, list[Problem]]:
    """One normalised row per (supplier id, product id, footprint); see the module docstring."""
    items: list[str | Path | pd.DataFrame | RawTable] = (
        [data] if isinstance(data, (str, Path, pd.DataFrame, RawTable)) else list(data)
    )
    frames: list[pd.DataFrame] = []
    problems: list[Problem] = []
    for item in items:
        if isinstance(item, (str, Path)) and Path(item).is_dir():
            paths = sorted(Path(item).glob("*.json"))
            tables = sorted([*Path(item).glob("*.csv"), *Path(item).glob("*.xlsx")])
            for path in paths:
                rows, found = _pact_rows(path)
                frames.append(pd.DataFrame(rows, columns=list(_FOOTPRINT_COLUMNS)))
                problems += found
            for table in tables:
                frame, found = _table_rows(table)
                frames.append(frame)
                problems += found
        elif isinstance(item, (str, Path)) and str(item).lower().endswith(".json"):
            rows, found = _pact_rows(Path(item))
            frames.append(pd.DataFrame(rows, columns=list(_FOOTPRINT_COLUMNS)))
            problems += found
        else:
            frame, found = _table_rows(item)
            frames.append(frame)
            problems += found
    frames = [f for f in frames if not f.empty]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(_FOOTPRINT_COLUMNS))
    return out, problems


def load_scope3_inputs(
    *,
    exchange_rates: TableInput | None = None,
    deflators: TableInput | None = None,
    supplier_footprints: FootprintInput | None = None,
    eeio_margins: str = "with",
) -> Scope3Inputs:
    """Read and validate every Scope 3 input given (all problems collected)."""
    inputs = Scope3Inputs(eeio_margins=eeio_margins)
    if eeio_margins not in _MARGINS:
        inputs.problems.append(
            Problem(
                f"eeio_margins must be one of {_MARGINS}",
                field="eeio_margins",
                value=eeio_margins,
                accepted="with (purchaser price, cradle to shelf) or without (cradle to factory gate)",
            )
        )
        inputs.eeio_margins = "with"
    if exchange_rates is not None:
        inputs.exchange_rates, found = read_exchange_rates(exchange_rates)
        inputs.problems += found
    if deflators is not None:
        inputs.deflators, found = read_deflators(deflators)
        inputs.problems += found
    if supplier_footprints is not None:
        inputs.footprints, found = read_supplier_footprints(supplier_footprints)
        inputs.problems += found
    return inputs
