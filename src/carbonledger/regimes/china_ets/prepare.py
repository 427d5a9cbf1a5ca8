"""Turn the facility's typed input into activity records the inventory engine computes,
plus the few lines the engine has no method for, applying the guidelines' rules.

Rules applied here (each cited where it is applied):

* monthly data: every fuel and the production sheet need all twelve months (power guideline:
  monthly data aggregated to the year); a fuel's consumption may be derived from purchases and
  stocks, ``FC = purchased + opening − closing − other use``, and must not be negative;
* power coal (``cn-ets-parameters``: ``coal_carbon_content_*``): measured element carbon
  (tC/t or %) is used month by month; when fewer than 3 months are measured in the year the
  missing months take 0.03085 tC/GJ (MEE notice of 8 Jun 2022, V-secondary), said in a
  warning and in the lineage; with 3 or more measured months a gap is an error unless the
  row says ``cc_basis = default`` (the rule for that case was not found); coal NCV must be
  measured; coal oxidation defaults to 0.99 (UNVERIFIED);
* process emissions: see :func:`_process_records` for each type's formula and source.

Values are never invented: a missing value either resolves to a cited default (labelled
with its set, factor id and confidence) or is an error naming sheet, row and field.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from carbonledger.errors import Problem, UnitError
from carbonledger.factors.store import FactorStore
from carbonledger.regimes.china_ets.layout import (
    COAL_ACTIVITIES,
    PROCESS_TYPES,
    Material,
    ProcessType,
    resolve_fuel,
    resolve_process_type,
)
from carbonledger.regimes.china_ets.parameters import EtsParameter, EtsParameters
from carbonledger.regimes.china_ets.reader import FacilityData, numbers, texts
from carbonledger.regimes.china_ets.sectors import SECTORS, Sector
from carbonledger.units import parse_unit

__all__ = ["ENGINE_COLUMNS", "ParamUse", "Prepared", "factor_row", "prepare_template"]

ENGINE_COLUMNS = (
    "record_id",
    "row",
    "activity",
    "quantity",
    "unit",
    "entity",
    "period",
    "region",
    "factor_id",
    "factor_set",
    "emission_factor",
    "emission_factor_unit",
    "gas",
    "ncv",
    "ncv_unit",
    "carbon_content",
    "carbon_content_unit",
    "oxidation_factor",
    "method",
    "direction",
    "description",
)
META_COLUMNS = ("sheet", "source_type", "month", "label")

MONTHS = tuple(range(1, 13))


@dataclass
class ParamUse:
    """One parameter value used for one record, with where it came from."""

    record_id: str
    sheet: str
    row: int
    month: int
    label: str
    parameter: str  # NCV, CC, OF, EF, I, TR, S, A, NC, AEM, slope, ratio, FC
    value: float
    unit: str
    origin: str  # measured | default | user input | computed
    source: str
    confidence: str
    flags: str = ""
    measurement: str = ""

    def text(self) -> str:
        return f"{self.parameter} {self.value:.6g} {self.unit} [{self.origin}: {self.source}]"


@dataclass
class Prepared:
    """Records for the engine, lines computed here, parameter provenance, production."""

    records: pd.DataFrame
    direct: pd.DataFrame
    params: list[ParamUse]
    production: pd.DataFrame  # month × product (+ heat_ratio); months 1-12
    problems: list[Problem]
    injected: dict[tuple[str, str], ParamUse] = field(default_factory=dict)  # (record_id, NCV|CC|OF)


DIRECT_COLUMNS = (
    "record_id",
    "sheet",
    "row",
    "month",
    "source_type",
    "label",
    "activity",
    "quantity",
    "unit",
    "gas",
    "tco2e",
    "factor_value",
    "factor_unit",
    "factor_full_id",
    "factor_id",
    "parameters",
    "lineage",
    "flags",
)


def factor_row(store: FactorStore, set_ref: str, factor_id: str, parameter: str | None = None) -> dict[str, Any]:
    """One row of a shipped emission-factor set (newest edition holding the id)."""
    for full_id in reversed(store.resolve_ref(set_ref)):
        table = store.load(full_id).factors
        hit = table[table["factor_id"] == factor_id]
        if parameter is not None:
            hit = hit[hit["parameter"] == parameter]
        if len(hit):
            row: dict[str, Any] = {str(k): v for k, v in hit.iloc[0].to_dict().items()}
            row["full_id"] = full_id
            return row
    raise KeyError(f"{factor_id} not in {set_ref}")


def _factor_source(row: dict[str, Any]) -> str:
    return f"{row['full_id']} factor {row['factor_id']} ({row['source_ref']})"


def _param_source(p: EtsParameter) -> str:
    return f"{p.parameter}[{p.key}] {p.source}; {p.citation}"


def _fraction_problem(
    values: np.ndarray[Any, np.dtype[np.float64]],
    frame: pd.DataFrame,
    column: str,
    problems: list[Problem],
    file: str,
    *,
    allow_zero: bool = True,
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    low = values < 0 if allow_zero else values <= 0
    bad = ~np.isnan(values) & (low | (values > 1))
    for k in map(int, np.flatnonzero(bad)):
        problems.append(
            Problem(
                f"{column} must be a fraction between 0 and 1"
                + (" (it looks like a percentage)" if 1 < values[k] <= 100 else ""),
                file=file,
                sheet=frame.attrs.get("sheet"),
                row=int(frame["row"].to_numpy()[k]),
                field=column,
                value=f"{values[k]:g}",
                accepted="a fraction such as 0.99 (not 99)",
            )
        )
    return np.asarray(bad, dtype=bool)


def _months(
    frame: pd.DataFrame, problems: list[Problem], file: str, *, required: bool
) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Month column → 1..12, 0 for empty (annual) when allowed, -1 for bad values."""
    raw = numbers(frame, "month", problems, file)
    out = np.zeros(len(frame), dtype=np.int64)
    for k, value in enumerate(raw):
        row = int(frame["row"].to_numpy()[k])
        if np.isnan(value):
            if required:
                problems.append(
                    Problem(
                        "month is empty",
                        file=file,
                        sheet=frame.attrs.get("sheet"),
                        row=row,
                        field="month",
                        accepted="a month number 1-12",
                    )
                )
                out[k] = -1
            continue
        if value != int(value) or not 1 <= value <= 12:
            problems.append(
                Problem(
                    "month must be a whole number from 1 to 12",
                    file=file,
                    sheet=frame.attrs.get("sheet"),
                    row=row,
                    field="month",
                    value=f"{value:g}",
                    accepted="1, 2, … 12",
                )
            )
            out[k] = -1
            continue
        out[k] = int(value)
    return out


def check_complete_months(
    months: np.ndarray[Any, np.dtype[np.int64]],
    groups: np.ndarray[Any, np.dtype[np.object_]],
    rows: np.ndarray[Any, np.dtype[np.int64]],
    problems: list[Problem],
    *,
    file: str,
    sheet: str | None,
    what: str,
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Each group needs one row for each of the 12 months; returns rows in error (duplicates)."""
    bad = np.zeros(len(months), dtype=bool)
    for group in dict.fromkeys(groups):
        idx = np.flatnonzero(groups == group)
        seen: dict[int, int] = {}
        for k in idx:
            m = int(months[k])
            if m <= 0:
                continue
            if m in seen:
                problems.append(
                    Problem(
                        f"{what} {group}: month {m} appears twice (first on row {seen[m]})",
                        file=file,
                        sheet=sheet,
                        row=int(rows[k]),
                        field="month",
                        accepted="one row per month (add quantities of the same month together)",
                        code="duplicate_month",
                    )
                )
                bad[k] = True
            else:
                seen[m] = int(rows[k])
        missing = [m for m in MONTHS if m not in seen]
        if missing and len(seen) + int((months[idx] == -1).sum()) < 12:
            problems.append(
                Problem(
                    f"{what} {group}: no data for month(s) {', '.join(map(str, missing))}",
                    file=file,
                    sheet=sheet,
                    row=int(rows[idx[0]]),
                    field="month",
                    accepted="one row for each month 1-12 (enter 0 for a month without consumption or output)",
                    code="missing_months",
                )
            )
            bad[idx] = True
    return bad


def _unit_kind(unit: str) -> str:
    """'mass', 'normal_volume', 'volume', 'energy' or '' for a quantity unit."""
    try:
        dim = str(parse_unit(unit).quantity.dimensionality)
    except UnitError:
        return ""
    if dim == "[mass]":
        return "mass"
    if "normal" in dim or "Nm" in dim:
        return "normal_volume"
    if dim == "[length] ** 3":
        return "volume"
    if dim == "[length] ** 2 * [mass] / [time] ** 2":
        return "energy"
    return dim


def _carbon_kind(unit: str) -> str:
    """'per_mass' (tC/t, %), 'per_heat' (tC/GJ, tC/TJ), 'co2_per_mass' (tCO2/t) or ''."""
    if not unit:
        return ""
    if unit.strip() == "%":
        return "per_mass"
    try:
        parsed = parse_unit(unit)
    except UnitError:
        return ""
    dim = str(parsed.quantity.dimensionality)
    if dim == "dimensionless":
        return "co2_per_mass" if parsed.gas == "CO2" else "per_mass"
    if parsed.gas in ("C", None) and dim == "[time] ** 2 / [length] ** 2":
        return "per_heat"
    return ""


# -- the template -------------------------------------------------------------------------------------


def prepare_template(
    data: FacilityData,
    sector: Sector,
    year: int,
    region: str,
    entity: str,
    params: EtsParameters,
    store: FactorStore,
) -> Prepared:
    problems: list[Problem] = []
    uses: list[ParamUse] = []
    injected: dict[tuple[str, str], ParamUse] = {}
    production = _production(data, sector, problems)
    fuel_records = _fuel_records(data, sector, year, region, entity, params, problems, uses, injected)
    process_records, direct = _process_records(
        data, sector, year, region, entity, params, store, production, problems, uses, injected
    )
    energy_records = _energy_records(data, year, region, entity, problems)
    frames = [f for f in (fuel_records, process_records, energy_records) if len(f)]
    records = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=[*ENGINE_COLUMNS, *META_COLUMNS])
    )
    return Prepared(records, direct, uses, production, problems, injected)


def _empty_records() -> pd.DataFrame:
    return pd.DataFrame(columns=[*ENGINE_COLUMNS, *META_COLUMNS])


def _record(**values: Any) -> dict[str, Any]:
    out: dict[str, Any] = {c: "" for c in (*ENGINE_COLUMNS, *META_COLUMNS)}
    for c in ("emission_factor", "ncv", "carbon_content", "oxidation_factor", "quantity"):
        out[c] = np.nan
    out.update(values)
    return out


def _production(data: FacilityData, sector: Sector, problems: list[Problem]) -> pd.DataFrame:
    frame = data.production
    sheet = frame.attrs.get("sheet")
    keys = [p.key for p in sector.products] + (["heat_ratio"] if sector.key == "power" else [])
    out = pd.DataFrame({"month": list(MONTHS)})
    for key in keys:
        out[key] = np.nan
    out["row"] = 0
    if frame.empty:
        problems.append(
            Problem(
                "the production sheet has no data",
                file=data.source,
                sheet=sheet,
                accepted="one row per month 1-12 with the output ("
                + ", ".join(f"{p.zh} {p.en} {p.unit}" for p in sector.products)
                + ")",
                code="no_rows",
            )
        )
        return out
    months = _months(frame, problems, data.source, required=True)
    check_complete_months(
        months,
        np.full(len(frame), "production", dtype=object),
        frame["row"].to_numpy(dtype=np.int64),
        problems,
        file=data.source,
        sheet=sheet,
        what="sheet",
    )
    values = {key: numbers(frame, key, problems, data.source) for key in keys}
    for key in keys:
        v = values[key]
        negative = ~np.isnan(v) & (v < 0)
        for k in map(int, np.flatnonzero(negative)):
            problems.append(
                Problem(
                    f"{key} is negative",
                    file=data.source,
                    sheet=sheet,
                    row=int(frame["row"].to_numpy()[k]),
                    field=key,
                    accepted="a value >= 0",
                )
            )
    if "heat_ratio" in values:
        _fraction_problem(values["heat_ratio"], frame, "heat_ratio", problems, data.source)
        heat = values.get("heat_supplied", np.full(len(frame), np.nan))
        for k in map(int, np.flatnonzero((np.nan_to_num(heat) > 0) & np.isnan(values["heat_ratio"]))):
            problems.append(
                Problem(
                    "heat is supplied but the heat-supply ratio (供热比) is empty",
                    file=data.source,
                    sheet=sheet,
                    row=int(frame["row"].to_numpy()[k]),
                    field="heat_ratio",
                    accepted="the month's heat-supply ratio as a fraction (share of the unit's emissions "
                    "attributed to heat); carbonledger has no sourced formula for it",
                )
            )
    for k, m in enumerate(months):
        if 1 <= m <= 12:
            i = m - 1
            out.loc[i, "row"] = int(frame["row"].to_numpy()[k])
            for key in keys:
                if not np.isnan(values[key][k]):
                    out.loc[i, key] = values[key][k]
    main = sector.intensity_product
    if np.nansum(out[main].to_numpy(dtype=float)) <= 0:
        p = sector.product(main)
        problems.append(
            Problem(
                f"no {p.en} ({p.zh}) output in the year; the intensity needs it",
                file=data.source,
                sheet=sheet,
                field=main,
                accepted=f"the monthly {p.zh} in {p.unit}",
            )
        )
    return out


def _fuel_records(
    data: FacilityData,
    sector: Sector,
    year: int,
    region: str,
    entity: str,
    params: EtsParameters,
    problems: list[Problem],
    uses: list[ParamUse],
    injected: dict[tuple[str, str], ParamUse],
) -> pd.DataFrame:
    frame = data.fuels
    sheet = frame.attrs.get("sheet")
    file = data.source
    if frame.empty:
        problems.append(
            Problem(
                "the fuel sheet has no data",
                file=file,
                sheet=sheet,
                accepted="one row per fuel and month",
                code="no_rows",
                severity="warning" if sector.key != "power" else "error",
            )
        )
        return _empty_records()
    n = len(frame)
    rows = frame["row"].to_numpy(dtype=np.int64)
    months = _months(frame, problems, file, required=True)
    bad = months < 0

    def err(k: int, field_name: str, message: str, accepted: str, value: object = None) -> None:
        problems.append(
            Problem(
                message,
                file=file,
                sheet=sheet,
                row=int(rows[k]),
                field=field_name,
                value=None if value is None else str(value),
                accepted=accepted,
            )
        )
        bad[k] = True

    fuel_text = texts(frame, "fuel")
    entries: list[tuple[str, str, str] | None] = []
    for k, text in enumerate(fuel_text):
        entry = resolve_fuel(text) if text else None
        if not text:
            err(k, "fuel", "fuel is empty", "a fuel name such as 烟煤, 天然气, bituminous_coal")
        elif entry is None:
            err(
                k,
                "fuel",
                "unknown fuel",
                "a fuel of the China fuel tables (烟煤 bituminous_coal, 无烟煤 anthracite, 褐煤 lignite, 天然气 "
                "natural_gas, 柴油 diesel, 燃料油 fuel_oil, 焦炭 coke, 焦炉煤气 coke_oven_gas, 高炉煤气 "
                "blast_furnace_gas …) or 燃煤 coal; see the template's README",
                text,
            )
        entries.append(entry)
    activity = np.array([e[0] if e else "" for e in entries], dtype=object)
    label = np.array([f"{e[1]} {e[2]}" if e else fuel_text[k] for k, e in enumerate(entries)], dtype=object)
    # consumption, directly or from purchases and stocks
    consumption = numbers(frame, "consumption", problems, file)
    purchased = numbers(frame, "purchased", problems, file)
    start = numbers(frame, "stock_start", problems, file)
    end = numbers(frame, "stock_end", problems, file)
    other = numbers(frame, "other_use", problems, file)
    derived = np.isnan(consumption) & ~np.isnan(purchased)
    balance = np.nan_to_num(purchased) + np.nan_to_num(start) - np.nan_to_num(end) - np.nan_to_num(other)
    fc = np.where(derived, balance, consumption)
    for k in range(n):
        if np.isnan(fc[k]):
            err(k, "consumption", "consumption is empty (and no purchases to derive it from)",
                "the month's consumption, or purchased with opening/closing stock")
        elif fc[k] < 0 and derived[k]:
            err(
                k,
                "stock_end",
                f"purchased + opening stock − closing stock − other use = {fc[k]:g}: consumption would be negative",
                "stocks and purchases that balance (closing stock ≤ opening stock + purchases − other use)",
            )
        elif fc[k] < 0:
            err(k, "consumption", "consumption is negative", "a value >= 0", f"{fc[k]:g}")
    for column in ("purchased", "stock_start", "stock_end", "other_use"):
        v = {"purchased": purchased, "stock_start": start, "stock_end": end, "other_use": other}[column]
        for k in map(int, np.flatnonzero(~np.isnan(v) & (v < 0))):
            err(k, column, f"{column} is negative", "a value >= 0")
    unit = texts(frame, "unit")
    for k in range(n):
        kind = _unit_kind(unit[k]) if unit[k] else ""
        if not unit[k]:
            err(k, "unit", "unit is empty", "t, 10^4 Nm3 (万Nm3) or Nm3")
        elif kind == "volume":
            err(k, "unit", "gas volumes must be at standard conditions", "Nm3, 10^4 Nm3 or 万Nm3 (not m3)",
                unit[k])
        elif kind not in ("mass", "normal_volume"):
            err(k, "unit", "unit is not a mass or a standard gas volume", "t, kg, 10^4 Nm3 (万Nm3), Nm3",
                unit[k])
    ncv = numbers(frame, "ncv", problems, file)
    ncv_unit = texts(frame, "ncv_unit")
    cc = numbers(frame, "carbon_content", problems, file)
    cc_unit = texts(frame, "carbon_content_unit")
    of = numbers(frame, "oxidation_factor", problems, file)
    bad |= _fraction_problem(of, frame, "oxidation_factor", problems, file, allow_zero=False)
    basis = texts(frame, "cc_basis")
    measurement = texts(frame, "measurement")
    basis_norm = np.full(n, "", dtype=object)
    for k, b in enumerate(basis):
        low = b.lower()
        if not b:
            continue
        if low in ("measured", "实测", "实测值"):
            basis_norm[k] = "measured"
        elif low in ("default", "缺省", "缺省值", "默认"):
            basis_norm[k] = "default"
        else:
            err(k, "cc_basis", "unknown carbon-content basis", "measured (实测) or default (缺省)", b)
    for k in range(n):
        if not np.isnan(ncv[k]) and not ncv_unit[k]:
            err(k, "ncv_unit", "ncv is given without its unit", "GJ/t or GJ/(10^4 Nm3) (GJ/万Nm3)")
        if not np.isnan(ncv[k]) and ncv[k] <= 0:
            err(k, "ncv", "ncv must be positive", "a value > 0")
        if not np.isnan(cc[k]):
            if not cc_unit[k]:
                err(k, "carbon_content_unit", "carbon_content is given without its unit",
                    "tC/t or % (element carbon), tC/GJ or tC/TJ (per heat)")
            elif _carbon_kind(cc_unit[k]) not in ("per_mass", "per_heat"):
                err(k, "carbon_content_unit", "not a carbon-content unit",
                    "tC/t or % (element carbon), tC/GJ or tC/TJ (per heat)", cc_unit[k])
            if cc[k] < 0:
                err(k, "carbon_content", "carbon_content is negative", "a value >= 0")
        if ncv_unit[k] and not np.isnan(ncv[k]) and unit[k]:
            try:
                from carbonledger.units import multiplier

                multiplier(f"({unit[k]})*({ncv_unit[k]})", "GJ")
            except UnitError:
                err(k, "ncv_unit", f"{unit[k]} × {ncv_unit[k]} is not an energy",
                    "GJ/t for t, GJ/(10^4 Nm3) or GJ/万Nm3 for 10^4 Nm3", ncv_unit[k])
    groups = np.array([a or label[k] for k, a in enumerate(activity)], dtype=object)
    bad |= check_complete_months(months, groups, rows, problems, file=file, sheet=sheet, what="fuel")
    # power coal rules
    cc_final = cc.copy()
    cc_unit_final = cc_unit.copy()
    of_final = of.copy()
    is_coal = np.isin(activity, list(COAL_ACTIVITIES))
    if sector.key == "power":
        power_coal_rules(
            rows, np.array([f"F{r}" for r in rows], dtype=object), year, params, activity, label, months, fc, ncv,
            cc, basis_norm, measurement, of, is_coal, bad, cc_final, cc_unit_final, of_final, problems, uses,
            injected, file, sheet,
        )
    elif (is_coal & (activity == "fuel/coal")).any():
        for k in map(int, np.flatnonzero(activity == "fuel/coal")):
            if np.isnan(cc[k]) or np.isnan(ncv[k]) or np.isnan(of[k]):
                err(k, "fuel", "generic coal (燃煤) has no default parameters",
                    "the coal type (烟煤, 无烟煤, 褐煤 …), or measured ncv, carbon_content and oxidation_factor")
    out = []
    for k in range(n):
        if bad[k]:
            continue
        rid = f"F{rows[k]}"
        period = f"{year}-{months[k]:02d}"
        description = label[k] + (f"; {measurement[k]}" if measurement[k] else "")
        out.append(
            _record(
                record_id=rid,
                row=int(rows[k]),
                activity=activity[k],
                quantity=float(fc[k]),
                unit=unit[k],
                entity=entity,
                period=period,
                region=region,
                ncv=ncv[k],
                ncv_unit=ncv_unit[k] if not np.isnan(ncv[k]) else "",
                carbon_content=cc_final[k],
                carbon_content_unit=cc_unit_final[k] if not np.isnan(cc_final[k]) else "",
                oxidation_factor=of_final[k],
                method="mee",
                description=description,
                sheet=sheet,
                source_type="fuel_combustion",
                month=int(months[k]),
                label=label[k],
            )
        )
        for name, value, unit_text in (
            ("FC", fc[k], unit[k]),
            ("NCV", ncv[k], ncv_unit[k]),
            ("CC", cc[k], cc_unit[k]),
            ("OF", of[k], "fraction"),
        ):
            if np.isnan(value) or (rid, name) in injected:
                continue
            origin = "measured"
            source = "facility data"
            if name == "FC" and derived[k]:
                origin, source = "computed", "purchased + opening stock − closing stock − other use"
            uses.append(
                ParamUse(rid, sheet or "", int(rows[k]), int(months[k]), label[k], name, float(value), unit_text,
                         origin, source, "measured" if origin == "measured" else "", "", measurement[k])
            )
    return pd.DataFrame(out) if out else _empty_records()


def power_coal_rules(
    rows: np.ndarray[Any, Any],
    rids: np.ndarray[Any, Any],
    year: int,
    params: EtsParameters,
    activity: np.ndarray[Any, Any],
    label: np.ndarray[Any, Any],
    months: np.ndarray[Any, Any],
    fc: np.ndarray[Any, Any],
    ncv: np.ndarray[Any, Any],
    cc: np.ndarray[Any, Any],
    basis: np.ndarray[Any, Any],
    measurement: np.ndarray[Any, Any],
    of: np.ndarray[Any, Any],
    is_coal: np.ndarray[Any, Any],
    bad: np.ndarray[Any, Any],
    cc_final: np.ndarray[Any, Any],
    cc_unit_final: np.ndarray[Any, Any],
    of_final: np.ndarray[Any, Any],
    problems: list[Problem],
    uses: list[ParamUse],
    injected: dict[tuple[str, str], ParamUse],
    file: str,
    sheet: str | None,
) -> None:
    """Element-carbon, NCV and oxidation rules for coal in power units (module docstring)."""
    default = params.get("coal_carbon_content_default", "power")
    min_rule = params.get("coal_carbon_content_min_measured_months", "power")
    years_rule = params.get("coal_carbon_content_default_years", "power")
    of_default = params.get("coal_oxidation_factor_default", "power")
    min_months = int(min_rule.number) if min_rule else 3
    stated_years = {y.strip() for y in years_rule.value.split("|")} if years_rule else set()
    for fuel in dict.fromkeys(activity[is_coal]):
        idx = np.flatnonzero((activity == fuel) & is_coal)
        measured = idx[~np.isnan(cc[idx]) & (basis[idx] != "default")]
        measured_months = sorted({int(months[k]) for k in measured})
        needs = idx[(np.nan_to_num(fc[idx]) > 0) & (np.isnan(cc[idx]) | (basis[idx] == "default"))]
        few = len(measured_months) < min_months
        fallback: list[int] = []
        for k in needs:
            rid = str(rids[k])
            if not few and basis[k] != "default":
                problems.append(
                    Problem(
                        f"{label[k]}: month {months[k]} has no measured carbon content although "
                        f"{len(measured_months)} months are measured",
                        file=file,
                        sheet=sheet,
                        row=int(rows[k]),
                        field="carbon_content",
                        accepted="the month's measured element carbon (tC/t or %), or cc_basis = default to use "
                        f"{default.value if default else '0.03085'} tC/GJ explicitly (the guideline's rule for gaps "
                        f"when {min_months} or more months are measured was not found in carbonledger's sources)",
                    )
                )
                bad[k] = True
                continue
            if default is None:
                problems.append(
                    Problem(
                        "no coal default carbon content in the ETS parameters",
                        file=file,
                        sheet=sheet,
                        row=int(rows[k]),
                        field="carbon_content",
                        accepted="a measured carbon content, or coal_carbon_content_default[power] in a parameter file",
                    )
                )
                bad[k] = True
                continue
            flags = ["coal_cc_default", *default.flags]
            if stated_years and str(year) not in stated_years:
                flags.append("year_extrapolated")
            why = (
                f"fewer than {min_months} months measured ({len(measured_months)}: "
                f"{', '.join(map(str, measured_months)) or 'none'})"
                if few
                else "cc_basis = default on the row"
            )
            use = ParamUse(
                rid, sheet or "", int(rows[k]), int(months[k]), str(label[k]), "CC", default.number, default.unit,
                "default", f"{_param_source(default)}; applied because {why}", default.confidence,
                "|".join(dict.fromkeys(flags)), str(measurement[k]),
            )
            injected[(rid, "CC")] = use
            uses.append(use)
            cc_final[k] = default.number
            cc_unit_final[k] = default.unit
            fallback.append(int(months[k]))
        if fallback:
            problems.append(
                Problem(
                    f"{label[idx[0]]}: element carbon measured in {len(measured_months)} month(s); months "
                    f"{', '.join(map(str, sorted(fallback)))} use the default {default.value if default else ''} "
                    f"tC/GJ ({default.confidence if default else ''}, "
                    + ("the notice states it for " + ", ".join(sorted(stated_years)) if stated_years else "")
                    + ")",
                    file=file,
                    sheet=sheet,
                    row=int(rows[idx[0]]),
                    field="carbon_content",
                    severity="warning",
                    code="default_fallback",
                    accepted=f"monthly element-carbon measurements in at least {min_months} months",
                )
            )
        for k in idx:
            rid = str(rids[k])
            if np.nan_to_num(fc[k]) > 0 and np.isnan(ncv[k]):
                problems.append(
                    Problem(
                        f"{label[k]}: the coal's net calorific value is not measured",
                        file=file,
                        sheet=sheet,
                        row=int(rows[k]),
                        field="ncv",
                        accepted="the month's measured NCV of the coal burnt (e.g. 20.9 GJ/t); the power guideline "
                        "computes AD = FC × NCV and carbonledger holds no coal NCV default for it",
                    )
                )
                bad[k] = True
            if np.isnan(of[k]):
                if of_default is None:
                    continue
                use = ParamUse(
                    rid, sheet or "", int(rows[k]), int(months[k]), str(label[k]), "OF", of_default.number, "fraction",
                    "default", _param_source(of_default), of_default.confidence, "|".join(of_default.flags),
                    str(measurement[k]),
                )
                injected[(rid, "OF")] = use
                uses.append(use)
                of_final[k] = of_default.number
        if measured_months:
            note = (
                f"element carbon measured in {len(measured_months)} of 12 months "
                f"({', '.join(map(str, measured_months))})"
            )
            for k in idx:
                if not np.isnan(cc[k]) and basis[k] != "default":
                    measurement[k] = "; ".join(x for x in (str(measurement[k]), note) if x)


def _is_aem(unit: str) -> bool:
    low = unit.lower().replace(" ", "")
    return "aem" in low or "cell" in low or "槽" in low


def _process_records(
    data: FacilityData,
    sector: Sector,
    year: int,
    region: str,
    entity: str,
    params: EtsParameters,
    store: FactorStore,
    production: pd.DataFrame,
    problems: list[Problem],
    uses: list[ParamUse],
    injected: dict[tuple[str, str], ParamUse],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Process rows → engine records, or direct lines where the engine has no method.

    * desulphurisation (NDRC 2013 power guideline, quoted by spec file id 56046656356):
      ``E = B × I × EF × TR`` — B sorbent (t), I carbonate content (default 0.9, DATA),
      EF the carbonate's factor (limestone 0.440), TR conversion (default 1.0, DATA);
    * clinker: ``E = Q_clinker × EF`` (measured EF, else cn-process by clinker type, LOW);
    * raw-material deduction: ``E = −Σ Q_k × F_k`` (cn-process deduction factors, LOW);
    * carbonate, flux, electrode: ``E = Q × EF`` (× purity when given);
    * carbon inputs / products (steel): measured carbon content → mass balance
      ``E = 44/12 × Σ ± Q × C``; else the NDRC steel-family factor (t CO2/t), ``+`` for an
      input, ``−`` for a product (固碳);
    * anode: ``E = NC × (1 − S − A) × 44/12`` (NC net anode consumption, S sulphur, A ash;
      defaults cn-process, LOW; S19 app formula);
    * PFCs: ``E_CF4 = P × EF_CF4``, ``E_C2F6 = P × EF_C2F6`` (defaults cn-process 0.034 /
      0.0034 kg/t, LOW), or the slope method ``EF_CF4 = 0.143 × AEM`` and
      ``EF_C2F6 = 0.1 × EF_CF4`` (S18 app values, UNVERIFIED).
    """
    frame = data.process
    sheet = frame.attrs.get("sheet")
    file = data.source
    direct_rows: list[dict[str, Any]] = []
    if frame.empty:
        return _empty_records(), pd.DataFrame(columns=list(DIRECT_COLUMNS))
    n = len(frame)
    rows = frame["row"].to_numpy(dtype=np.int64)
    months = _months(frame, problems, file, required=False)
    bad = months < 0

    def err(k: int, field_name: str, message: str, accepted: str, value: object = None) -> None:
        problems.append(
            Problem(message, file=file, sheet=sheet, row=int(rows[k]), field=field_name,
                    value=None if value is None else str(value), accepted=accepted)
        )
        bad[k] = True

    type_text = texts(frame, "type")
    material_text = texts(frame, "material")
    quantity = numbers(frame, "quantity", problems, file)
    unit = texts(frame, "unit")
    measured = numbers(frame, "measured_value", problems, file)
    measured_unit = texts(frame, "measured_unit")
    content = numbers(frame, "content", problems, file)
    conversion = numbers(frame, "conversion", problems, file)
    sulphur = numbers(frame, "sulphur", problems, file)
    ash = numbers(frame, "ash", problems, file)
    measurement = texts(frame, "measurement")
    for column, values in (("content", content), ("conversion", conversion), ("sulphur", sulphur), ("ash", ash)):
        bad |= _fraction_problem(values, frame, column, problems, file)
    out: list[dict[str, Any]] = []
    allowed = ", ".join(f"{PROCESS_TYPES[t].zh} {t}" for t in sector.process_types)
    for k in range(n):
        ptype: ProcessType | None = resolve_process_type(type_text[k]) if type_text[k] else None
        if ptype is None or ptype.key not in sector.process_types:
            err(k, "type", "process type is empty" if not type_text[k] else
                f"process type not used in the {sector.en.lower()} guideline", allowed, type_text[k] or None)
            continue
        material: Material | None = ptype.material(material_text[k]) if material_text[k] else (
            ptype.materials[0] if len(ptype.materials) == 1 else None
        )
        if material is None and not (ptype.open_materials and material_text[k]):
            err(k, "material", "material is empty" if not material_text[k] else "unknown material",
                ", ".join(f"{m.zh} {m.key}" for m in ptype.materials), material_text[k] or None)
            continue
        if not np.isnan(quantity[k]) and quantity[k] < 0:
            err(k, "quantity", "quantity is negative", "a value >= 0 (deductions and products are subtracted "
                "by their type)")
            continue
        if unit[k] and _unit_kind(unit[k]) != "mass":
            err(k, "unit", "process quantities are masses", "t or kg", unit[k])
            continue
        if bad[k]:  # month or a fraction column already reported
            continue
        month = int(months[k])
        period = f"{year}-{month:02d}" if month else str(year)
        rid = f"P{rows[k]}"
        material_name = material.zh if material else material_text[k]
        label = material_name if material_name == ptype.zh else f"{ptype.zh} {material_name}"
        base = dict(
            row=int(rows[k]), entity=entity, period=period, region=region, sheet=sheet,
            source_type=ptype.key, month=month, label=label,
            description=label + (f"; {measurement[k]}" if measurement[k] else ""),
        )
        m_kind = "aem" if measured_unit[k] and _is_aem(measured_unit[k]) else _carbon_kind(measured_unit[k])
        if np.isnan(measured[k]):
            m_kind = ""
        if not np.isnan(measured[k]) and not measured_unit[k]:
            err(k, "measured_unit", "measured_value is given without its unit",
                "tCO2/t (emission factor), tC/t or % (carbon content), kg/t (PFC factor), min/cell-day (AEM)")
            continue
        if not np.isnan(measured[k]) and measured[k] < 0:
            err(k, "measured_value", "measured_value is negative", "a value >= 0")
            continue

        def use(name: str, value: float, unit_text: str, origin: str, source: str, confidence: str,
                flags: str = "", record: str = rid, row: int = int(rows[k]), month: int = month,
                label: str = label, note: str = measurement[k]) -> None:
            uses.append(ParamUse(record, sheet or "", row, month, label, name, float(value), unit_text,
                                 origin, source, confidence, flags, note))

        def produced(product: str, month: int = month) -> float | None:
            col = production[product].to_numpy(dtype=float)
            value = float(np.nansum(col)) if month == 0 else float(col[month - 1])
            return None if np.isnan(value) else value

        qty_unit = unit[k] or "t"
        t = ptype.key
        if t in ("anode", "pfc") and np.isnan(quantity[k]):
            p = produced("aluminium")
            if p is None:
                err(k, "quantity", "quantity is empty and the month's aluminium output is unknown",
                    "the quantity, or the month's 原铝产量 on the production sheet")
                continue
            if t == "anode":
                nc = factor_row(store, "cn-process", "al.anode.net_consumption_default")
                quantity[k] = p * float(nc["value"])
                qty_unit = "t"
                use("P", p, "t Al", "measured", "production sheet", "measured")
                use("NC", float(nc["value"]), "t/t Al", "default", _factor_source(nc), nc["confidence"], nc["flags"])
            else:
                quantity[k] = p
                qty_unit = "t"
                use("P", p, "t Al", "measured", "production sheet", "measured")
        elif np.isnan(quantity[k]):
            err(k, "quantity", "quantity is empty", "the quantity in t")
            continue
        else:
            use("Q", quantity[k], qty_unit, "measured", "facility data", "measured")
        q = float(quantity[k])

        if t == "desulphurisation":
            assert material is not None
            share, share_origin = _fraction_or_default(content[k], params, "desulphurisation_carbonate_content_default")
            tr, tr_origin = _fraction_or_default(conversion[k], params, "desulphurisation_conversion_default")
            if share is None or tr is None:
                err(k, "content" if share is None else "conversion", "no measured value and no default",
                    "a fraction")
                continue
            for name, value, origin in (("I", share, share_origin), ("TR", tr, tr_origin)):
                if isinstance(origin, EtsParameter):
                    use(name, value, "fraction", "default", _param_source(origin), origin.confidence,
                        "|".join(origin.flags))
                else:
                    use(name, value, "fraction", "measured", "facility data", "measured")
            if isinstance(tr_origin, EtsParameter):
                injected[(rid, "oxidation/conversion")] = uses[-1]
            record = _record(record_id=rid, activity=_activity_of(store, material), quantity=q * share,
                             unit=qty_unit, oxidation_factor=tr, **base)
            record["description"] += f"; carbonate mass = B × I = {q:g} × {share:g}; TR {tr:g}"
            _factor_or_inline(record, material, measured[k], measured_unit[k], m_kind, store, use)
            out.append(record)
        elif t in ("clinker", "carbonate", "flux", "electrode") or (
            t in ("carbon_input", "carbon_in_products") and m_kind == "co2_per_mass"
        ):
            if material is None and np.isnan(measured[k]):
                err(k, "measured_value", "a material without a default factor needs a measured factor",
                    "measured_value with measured_unit tCO2/t")
                continue
            if not np.isnan(measured[k]) and m_kind != "co2_per_mass":
                err(k, "measured_unit", "the measured value of this type is an emission factor",
                    "tCO2/t", measured_unit[k])
                continue
            purity = 1.0 if np.isnan(content[k]) else float(content[k])
            if not np.isnan(content[k]):
                use("I", purity, "fraction", "measured", "facility data", "measured")
            if t == "carbon_in_products":
                # a measured t CO2/t for a product is subtracted as a direct line
                direct_rows.append(_direct(
                    rid, sheet, int(rows[k]), month, t, label, material.key if material else material_text[k],
                    q * purity, qty_unit, -float(measured[k]), "t CO2/t (measured)", "measured", "measured",
                    f"measured factor {measured[k]:g} tCO2/t", "carbon fixed in product (固碳): E = −Q × EF", "",
                ))
                continue
            record = _record(record_id=rid, activity=_activity_of(store, material) if material else
                             "process/steel/carbon_input", quantity=q * purity, unit=qty_unit, **base)
            _factor_or_inline(record, material, measured[k], measured_unit[k], m_kind, store, use)
            out.append(record)
        elif t in ("carbon_input", "carbon_in_products"):
            output = t == "carbon_in_products"
            if not np.isnan(measured[k]):
                if m_kind != "per_mass":
                    err(k, "measured_unit", "the measured value for a carbon balance is a carbon content",
                        "tC/t or %", measured_unit[k])
                    continue
                record = _record(record_id=rid, activity="process/steel/carbon_balance", quantity=q, unit=qty_unit,
                                 carbon_content=float(measured[k]), carbon_content_unit=measured_unit[k],
                                 method="mass_balance_cn", direction="output" if output else "input", **base)
                use("C", float(measured[k]), measured_unit[k], "measured", "facility data", "measured")
                out.append(record)
                continue
            if material is None:
                err(k, "measured_value", "a material without a default needs its measured carbon content",
                    "measured_value with measured_unit tC/t or %")
                continue
            f_row = factor_row(store, material.factor_set, material.factor_id)
            sign = -1.0 if output else 1.0
            use("EF", float(f_row["value"]), "t CO2/t", "default", _factor_source(f_row), f_row["confidence"],
                f_row["flags"])
            direct_rows.append(_direct(
                rid, sheet, int(rows[k]), month, t, label, material.key, q, qty_unit, sign * float(f_row["value"]),
                "t CO2/t", f_row["full_id"], f_row["factor_id"],
                f"EF {float(f_row['value']):g} t CO2/t [{_factor_source(f_row)}]",
                ("carbon fixed in product (固碳), NDRC steel family: E = −Q × EF" if output
                 else "carbon-containing input, NDRC steel family: E = Q × EF"),
                f_row["flags"],
            ))
        elif t == "raw_material_deduction":
            assert material is not None
            if not np.isnan(measured[k]):
                if m_kind != "co2_per_mass":
                    err(k, "measured_unit", "the measured deduction factor is in t CO2 per t", "tCO2/t",
                        measured_unit[k])
                    continue
                value, full_id, fid, source, flags = float(measured[k]), "measured", "measured", "facility data", ""
                use("F", value, "t CO2/t", "measured", source, "measured")
            else:
                f_row = factor_row(store, material.factor_set, material.factor_id)
                value, full_id, fid = float(f_row["value"]), f_row["full_id"], f_row["factor_id"]
                source, flags = _factor_source(f_row), f_row["flags"]
                use("F", value, "t CO2/t", "default", source, f_row["confidence"], flags)
            direct_rows.append(_direct(
                rid, sheet, int(rows[k]), month, t, label, material.key, q, qty_unit, -value, "t CO2/t", full_id,
                fid, f"F {value:g} t CO2/t [{source}]",
                "non-carbonate alternative raw material deduction: E = −Q × F (cn-process structure)", flags,
            ))
        elif t == "anode":
            if not np.isnan(measured[k]):
                if m_kind != "per_mass":
                    err(k, "measured_unit", "the measured value for anodes is their carbon content", "tC/t or %",
                        measured_unit[k])
                    continue
                carbon, c_unit = float(measured[k]), measured_unit[k]
                use("C", carbon, c_unit, "measured", "facility data", "measured")
            else:
                s_val, s_src = _measured_or_factor(sulphur[k], store, "al.anode.sulfur_default")
                a_val, a_src = _measured_or_factor(ash[k], store, "al.anode.ash_default")
                for name, value, src in (("S", s_val, s_src), ("A", a_val, a_src)):
                    if src is None:
                        use(name, value, "fraction", "measured", "facility data", "measured")
                    else:
                        use(name, value, "fraction", "default", _factor_source(src), src["confidence"], src["flags"])
                carbon, c_unit = 1.0 - s_val - a_val, "tC/t"
            record = _record(record_id=rid, activity="process/aluminium/anode", quantity=q, unit=qty_unit,
                             carbon_content=carbon, carbon_content_unit=c_unit, method="mass_balance_cn",
                             direction="input", **base)
            record["description"] += "; E = NC × (1 − S − A) × 44/12"
            out.append(record)
        elif t == "pfc":
            if np.isnan(measured[k]):
                record = _record(record_id=rid, activity="process/aluminium/anode_effect", quantity=q, unit=qty_unit,
                                 factor_id="al.anode_effect.default", factor_set="cn-process", **base)
                out.append(record)
                continue
            ratio = params.get("c2f6_to_cf4_ratio", "aluminium")
            if m_kind == "aem":
                slope = factor_row(store, "cn-process", "al.anode_effect.cf4_slope")
                ef_cf4 = float(slope["value"]) * float(measured[k])
                use("AEM", float(measured[k]), measured_unit[k], "measured", "facility data", "measured")
                use("slope", float(slope["value"]), "kg CF4/t Al per AE-min/cell-day", "default",
                    _factor_source(slope), slope["confidence"], slope["flags"])
            else:
                try:
                    parse_unit(measured_unit[k]).quantity.to("kg/t")
                except Exception:
                    err(k, "measured_unit", "the measured PFC value is an anode-effect minute rate or a CF4 factor",
                        "min/cell-day (AEM) or kg/t (kg CF4 per t Al)", measured_unit[k])
                    continue
                ef_cf4 = float(measured[k]) * float(parse_unit(measured_unit[k]).quantity.to("kg/t").magnitude)
                use("EF_CF4", ef_cf4, "kg/t", "measured", "facility data", "measured")
            if ratio is None:
                err(k, "measured_value", "no C2F6/CF4 ratio in the ETS parameters", "c2f6_to_cf4_ratio[aluminium]")
                continue
            use("ratio", ratio.number, ratio.unit, "default", _param_source(ratio), ratio.confidence,
                "|".join(ratio.flags))
            row_uses = [u for u in uses if u.record_id == rid]
            uses[:] = [u for u in uses if u.record_id != rid]
            for gas, ef in (("CF4", ef_cf4), ("C2F6", ef_cf4 * ratio.number)):
                record = _record(record_id=f"{rid}-{gas}", activity="process/aluminium/anode_effect", quantity=q,
                                 unit=qty_unit, emission_factor=ef, emission_factor_unit="kg/t", gas=gas, **base)
                record["description"] += f"; EF_{gas} {ef:.6g} kg/t"
                out.append(record)
                uses.extend(replace(u, record_id=f"{rid}-{gas}") for u in row_uses)
    records = pd.DataFrame(out) if out else _empty_records()
    direct = pd.DataFrame(direct_rows, columns=list(DIRECT_COLUMNS)) if direct_rows else pd.DataFrame(
        columns=list(DIRECT_COLUMNS)
    )
    return records, direct


def _activity_of(store: FactorStore, material: Material | None) -> str:
    if material is None or not material.factor_id:
        return "process/other"
    row = factor_row(store, material.factor_set, material.factor_id)
    return str(row["activity"]) or "process/other"


def _factor_or_inline(
    record: dict[str, Any],
    material: Material | None,
    measured: float,
    measured_unit: str,
    m_kind: str,
    store: FactorStore,
    use: Any,
) -> None:
    """A measured emission factor goes inline; otherwise the material's factor is pinned."""
    if not np.isnan(measured) and m_kind == "co2_per_mass":
        record["emission_factor"] = float(measured)
        record["emission_factor_unit"] = measured_unit
        record["gas"] = "CO2"
        use("EF", float(measured), measured_unit, "measured", "facility data", "measured")
    elif material is not None and material.factor_id:
        record["factor_id"] = material.factor_id
        record["factor_set"] = material.factor_set


def _fraction_or_default(
    value: float, params: EtsParameters, parameter: str
) -> tuple[float | None, EtsParameter | str]:
    if not np.isnan(value):
        return float(value), "measured"
    p = params.get(parameter, "power")
    return (p.number, p) if p is not None else (None, "")


def _measured_or_factor(value: float, store: FactorStore, factor_id: str) -> tuple[float, dict[str, Any] | None]:
    if not np.isnan(value):
        return float(value), None
    row = factor_row(store, "cn-process", factor_id)
    return float(row["value"]), row


def _direct(
    rid: str,
    sheet: str | None,
    row: int,
    month: int,
    source_type: str,
    label: str,
    activity: str,
    quantity: float,
    unit: str,
    factor: float,
    factor_unit: str,
    full_id: str,
    factor_id: str,
    parameters: str,
    lineage: str,
    flags: str,
) -> dict[str, Any]:
    from carbonledger.units import multiplier

    tonnes = quantity * multiplier(unit, "t")
    return {
        "record_id": rid,
        "sheet": sheet or "",
        "row": row,
        "month": month,
        "source_type": source_type,
        "label": label,
        "activity": activity,
        "quantity": quantity,
        "unit": unit,
        "gas": "CO2",
        "tco2e": tonnes * factor,
        "factor_value": factor,
        "factor_unit": factor_unit,
        "factor_full_id": full_id,
        "factor_id": factor_id,
        "parameters": parameters,
        "lineage": lineage,
        "flags": flags,
    }


def _energy_records(data: FacilityData, year: int, region: str, entity: str, problems: list[Problem]) -> pd.DataFrame:
    frame = data.energy
    sheet = frame.attrs.get("sheet")
    if frame.empty:
        return _empty_records()
    months = _months(frame, problems, data.source, required=True)
    rows = frame["row"].to_numpy(dtype=np.int64)
    electricity = numbers(frame, "purchased_electricity", problems, data.source)
    heat = numbers(frame, "purchased_heat", problems, data.source)
    out = []
    for k in range(len(frame)):
        if months[k] <= 0:
            continue
        for values, suffix, activity, unit, stype, label in (
            (electricity, "el", "electricity/grid", "MWh", "purchased_electricity", "购入电力 purchased electricity"),
            (heat, "heat", "heat/purchased", "GJ", "purchased_heat", "购入热力 purchased heat"),
        ):
            v = values[k]
            if np.isnan(v):
                continue
            if v < 0:
                problems.append(
                    Problem(f"{activity} quantity is negative", file=data.source, sheet=sheet, row=int(rows[k]),
                            field="purchased_electricity" if suffix == "el" else "purchased_heat",
                            accepted="a value >= 0")
                )
                continue
            out.append(
                _record(
                    record_id=f"E{rows[k]}-{suffix}", row=int(rows[k]), activity=activity, quantity=float(v),
                    unit=unit, entity=entity, period=f"{year}-{months[k]:02d}", region=region, sheet=sheet,
                    source_type=stype, month=int(months[k]), label=label, description=label,
                )
            )
    return pd.DataFrame(out) if out else _empty_records()


__all__ += ["DIRECT_COLUMNS", "META_COLUMNS", "MONTHS", "SECTORS", "check_complete_months"]
