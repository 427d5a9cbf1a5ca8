"""Scope 2 market-based accounting with contractual instruments (GHG Protocol Scope 2
Guidance, 2015, ch. 6–7).

Location-based Scope 2 is the factor method on ``electricity/grid`` (and ``heat/…``) with the
region chain. Market-based Scope 2 applies the reporter's contractual instruments:

1. Instruments (energy attribute certificates — China GEC, I-REC, GO, REC —, PPAs with
   attributes, supplier-specific rates) are applied, in the order given, to the electricity
   records they cover, without double use: each MWh of an instrument covers at most one MWh of
   consumption, and each MWh of consumption is covered at most once (Quality Criterion 2).
2. An instrument applies only inside its market boundary (Quality Criterion 5: the record's
   region must lie under the instrument's region) and for a vintage close to the consumption
   (Criterion 4: carbonledger accepts the reporting year, and the adjacent year with a
   ``vintage_adjacent_year`` flag; other vintages are rejected).
3. Covered MWh × the instrument's emission rate (0 for renewable certificates and PPAs
   unless a rate is given; a supplier-specific rate must be given).
4. Uncovered MWh × the residual mix (``electricity/residual_mix``). Where none exists, a
   clearly flagged proxy: for China the MEE/NBS factor excluding market-traded non-fossil
   electricity (``electricity/grid_excl_market_nonfossil``, flag ``residual_mix_proxy``);
   otherwise the location-based factor (flag ``no_residual_mix_grid_average``), as the
   Guidance's hierarchy (Table 6.3) allows as a last resort.

Instruments exceeding the consumption they cover are rejected with an error (not partly
applied): the market-based total is never lowered by an instrument that cannot be used in
full.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger._strings import categorical, codes_of
from carbonledger.errors import Problem, UnitError
from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import (
    MethodOutput,
    concat_rows,
    empty_rows,
    retext,
    rows,
    with_flag,
)
from carbonledger.inventory.methods.factor import factor_method
from carbonledger.io.tables import RawTable
from carbonledger.regions import canonical_region, is_known_region, region_chain
from carbonledger.units import is_co2e_unit, multiplier

__all__ = [
    "INSTRUMENT_COLUMNS",
    "INSTRUMENT_TYPES",
    "InstrumentTable",
    "market_based",
    "validate_instruments",
]

INSTRUMENT_TYPES = {
    "gec": "China Green Electricity Certificate (绿证)",
    "green_power_trade": "China green power trading (绿电交易) with certificate",
    "i-rec": "International REC (I-REC)",
    "go": "Guarantee of Origin (EU)",
    "rec": "Renewable Energy Certificate (North America)",
    "ppa": "Power purchase agreement with attributes",
    "supplier_rate": "Supplier- or utility-specific emission rate",
}
_ZERO_RATE = {"gec", "green_power_trade", "i-rec", "go", "rec", "ppa"}
INSTRUMENT_COLUMNS = {
    "instrument_id": "unique id (required)",
    "type": "one of " + ", ".join(INSTRUMENT_TYPES) + " (required)",
    "quantity": "amount of electricity covered (required)",
    "unit": "unit of the quantity, e.g. MWh (required)",
    "vintage": "year of generation/issue (required)",
    "market_boundary": "region the instrument is valid in, e.g. CN (required)",
    "covers": "record_ids separated by ';', or an entity name, or empty for all electricity records in the boundary",
    "emission_factor": "emission rate of the instrument (required for supplier_rate; default 0 for certificates/PPAs)",
    "emission_factor_unit": "unit of the rate, e.g. kg CO2e/kWh or t CO2/MWh",
    "gas": "gas of the rate when not CO2e (default CO2)",
    "description": "free text",
}


@dataclass
class InstrumentTable:
    instruments: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    rejected_rows: list[int] = field(default_factory=list)


def validate_instruments(raw: RawTable, reporting_year: int | None) -> InstrumentTable:
    """Check the instruments table; every problem names file, row and field."""
    frame = raw.frame
    problems = list(raw.problems)
    required = ("instrument_id", "type", "quantity", "unit", "vintage", "market_boundary")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        for column in missing:
            problems.append(
                Problem(
                    f"required column {column!r} is missing",
                    file=raw.source,
                    sheet=raw.sheet,
                    row=1,
                    field=column,
                    accepted=", ".join(INSTRUMENT_COLUMNS),
                )
            )
        return InstrumentTable(frame.iloc[0:0], problems, len(frame), [int(r) for r in frame.get("row", [])])
    bad = np.zeros(len(frame), dtype=bool)
    row_numbers = frame["row"].to_numpy()
    out = pd.DataFrame({"row": row_numbers})
    for column in INSTRUMENT_COLUMNS:
        col = frame[column] if column in frame.columns else pd.Series([""] * len(frame))
        out[column] = col.astype(object).where(col.notna(), "").astype(str).str.strip().to_numpy()
    out["type"] = out["type"].str.lower()
    ids = out["instrument_id"].tolist()
    types = out["type"].tolist()
    units = out["unit"].tolist()
    boundaries = out["market_boundary"].tolist()
    rate_units = out["emission_factor_unit"].tolist()
    quantity = pd.to_numeric(out["quantity"], errors="coerce").to_numpy(dtype=np.float64)
    rate = pd.to_numeric(out["emission_factor"].replace("", np.nan), errors="coerce").to_numpy(
        dtype=np.float64
    )
    vintage = pd.to_numeric(out["vintage"], errors="coerce").to_numpy(dtype=np.float64)
    duplicated = out["instrument_id"].duplicated(keep=False).to_numpy()

    def flag(k: int, column: str, message: str, accepted: str) -> None:
        problems.append(
            Problem(
                message,
                file=raw.source,
                sheet=raw.sheet,
                row=int(row_numbers[k]),
                field=column,
                value=str(out[column].to_numpy()[k]),
                accepted=accepted,
                record_id=ids[k] or None,
            )
        )
        bad[k] = True

    for k in range(len(out)):
        if ids[k] == "":
            flag(k, "instrument_id", "instrument_id is empty", "a unique id")
        elif duplicated[k]:
            flag(k, "instrument_id", "duplicate instrument_id", "each id once")
        if types[k] not in INSTRUMENT_TYPES:
            flag(k, "type", "unknown instrument type", ", ".join(INSTRUMENT_TYPES))
        if np.isnan(quantity[k]) or quantity[k] <= 0:
            flag(k, "quantity", "quantity must be a positive number", "e.g. 1500")
        try:
            multiplier(units[k] or "?", "MWh")
        except UnitError:
            flag(k, "unit", "instrument unit must be an energy", "MWh, kWh, GWh")
        if np.isnan(vintage[k]):
            flag(k, "vintage", "vintage must be a year", "e.g. 2025")
        elif reporting_year is not None and abs(int(vintage[k]) - reporting_year) > 1:
            flag(
                k,
                "vintage",
                f"vintage {int(vintage[k])} is too far from the reporting year {reporting_year} "
                "(Scope 2 Quality Criterion 4)",
                f"{reporting_year} (or an adjacent year, flagged)",
            )
        if not boundaries[k] or not is_known_region(boundaries[k]):
            flag(k, "market_boundary", "market boundary is not a recognised region", "e.g. CN, US, GB")
        if types[k] == "supplier_rate" and np.isnan(rate[k]):
            flag(
                k,
                "emission_factor",
                "a supplier_rate instrument needs its emission rate",
                "emission_factor with emission_factor_unit, e.g. 0.42 kg CO2e/kWh",
            )
        if not np.isnan(rate[k]):
            try:
                multiplier(f"MWh*({rate_units[k]})", "kg CO2e" if is_co2e_unit(rate_units[k]) else "kg")
            except UnitError:
                flag(
                    k,
                    "emission_factor_unit",
                    "emission rate unit must be a mass per energy",
                    "kg CO2e/kWh, t CO2/MWh",
                )
    out["quantity"] = quantity
    out["emission_factor"] = rate
    out["vintage"] = vintage
    out["market_boundary"] = out["market_boundary"].map(canonical_region)
    out["mwh"] = [
        q * multiplier(u, "MWh") if not b else np.nan for q, u, b in zip(quantity, units, bad, strict=True)
    ]
    rejected = [int(r) for r in out["row"].to_numpy()[bad]]
    return InstrumentTable(out[~bad].reset_index(drop=True), problems, len(frame), rejected)


def _to_mwh(unit: str) -> float:
    try:
        return multiplier(unit, "MWh")
    except UnitError:
        return float("nan")


def _covers(instr: pd.Series, elec: pd.DataFrame) -> npt.NDArray[np.bool_]:
    covers = str(instr["covers"])
    if covers == "":
        mask = np.ones(len(elec), dtype=bool)
    else:
        ids = {c.strip() for c in covers.split(";") if c.strip()}
        mask = elec["record_id"].isin(ids).to_numpy() | elec["entity"].isin(ids).to_numpy()
    boundary = str(instr["market_boundary"])
    codes, regions = pd.factorize(elec["region"])
    in_boundary = np.array([boundary in region_chain(str(r) or "GLOBAL") for r in regions], dtype=bool)[codes]
    covered: npt.NDArray[np.bool_] = mask & in_boundary
    return covered


LocationRows = pd.DataFrame | Callable[[npt.NDArray[np.int64]], pd.DataFrame]
"""The location-based rows: a result frame, or a function giving the rows of record positions."""


def _location_of(location_rows: LocationRows, positions: npt.NDArray[np.int64]) -> pd.DataFrame:
    if isinstance(location_rows, pd.DataFrame):
        return location_rows[location_rows["record_pos"].isin(positions)]
    return location_rows(positions)


def market_based(
    elec: pd.DataFrame, instruments: InstrumentTable | None, ctx: RunContext, location_rows: LocationRows
) -> MethodOutput:
    """Market-based rows for electricity records ``elec`` (validated, with ``pos``)."""
    if elec.empty:
        return MethodOutput(empty_rows())
    problems: list[Problem] = []
    u_codes, u_values = codes_of(elec["unit"])
    per_unit = np.array([_to_mwh(str(u)) for u in u_values], dtype=np.float64)[u_codes]
    mwh = elec["quantity"].to_numpy() * per_unit
    remaining = mwh.copy()
    parts: list[pd.DataFrame] = []
    table = instruments.instruments if instruments is not None else pd.DataFrame()
    for k in range(len(table)):
        instr = table.iloc[k]
        mask = _covers(instr, elec) & (remaining > 0)
        available = remaining[mask].sum()
        if instr["mwh"] > available * (1 + 1e-12):
            problems.append(
                Problem(
                    f"instrument {instr['instrument_id']} covers {instr['mwh']:.6g} MWh but the uncovered consumption of "
                    f"the records it applies to is {available:.6g} MWh; the instrument is not applied",
                    file=instruments.instruments.attrs.get("source") if instruments else None,
                    row=int(instr["row"]),
                    field="quantity",
                    record_id=str(instr["instrument_id"]),
                    accepted="instruments no larger than the consumption they cover (no double use)",
                )
            )
            continue
        idx = np.flatnonzero(mask)
        cum = np.cumsum(remaining[idx])
        take = np.minimum(remaining[idx], np.maximum(0.0, instr["mwh"] - (cum - remaining[idx])))
        remaining[idx] -= take
        used = take > 0
        idx, take = idx[used], take[used]
        rate = instr["emission_factor"]
        if np.isnan(rate):
            rate_kg, gas, unit_text = 0.0, "CO2e", "0 (renewable attribute)"
        else:
            unit = instr["emission_factor_unit"]
            co2e = is_co2e_unit(unit)
            rate_kg = rate * multiplier(f"MWh*({unit})", "kg CO2e" if co2e else "kg")
            gas = "CO2e" if co2e else (instr["gas"] or "CO2")
            unit_text = f"{rate:.6g} {unit}"
        vintage_flag = (
            "|vintage_adjacent_year"
            if ctx.reporting_year is not None and int(instr["vintage"]) != ctx.reporting_year
            else ""
        )
        amount = take * rate_kg
        parts.append(
            rows(
                elec["pos"].to_numpy()[idx],
                gas=gas,
                mass_kg=np.nan if gas == "CO2e" else amount,
                co2e_kg=amount,
                scope2_method="market",
                method=f"market:instrument:{instr['type']}",
                factor_full_id=f"instrument:{instr['instrument_id']}",
                factor_set="instruments",
                factor_edition=str(int(instr["vintage"])),
                factor_id=str(instr["instrument_id"]),
                factor_value=0.0 if np.isnan(rate) else rate,
                factor_unit=unit_text,
                parameters=np.char.add(np.char.add("covered ", take.astype(str)), " MWh"),
                lineage=f"{INSTRUMENT_TYPES[instr['type']]} {instr['instrument_id']} (vintage {int(instr['vintage'])}, "
                f"market {instr['market_boundary']}) applied in input order without double use",
                flags="contractual_instrument" + vintage_flag,
            )
        )
    uncovered = remaining > 0
    if uncovered.any():
        parts.append(
            _residual(
                elec[uncovered],
                remaining[uncovered] / np.where(mwh[uncovered] > 0, mwh[uncovered], 1),
                ctx,
                location_rows,
                problems,
            )
        )
    out = concat_rows(parts)
    return MethodOutput(out, np.zeros(0, dtype=np.int64), problems)


def _constant(n: int, text: str) -> pd.Categorical:
    """A text column holding one value (one byte per row)."""
    return categorical(np.zeros(n, dtype=np.int8), [text])


def _member(positions: npt.NDArray[np.int64], of: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Which ``positions`` occur in ``of`` (record positions: a dense lookup, no hashing)."""
    if len(positions) == 0 or len(of) == 0:
        return np.zeros(len(positions), dtype=bool)
    lookup = np.zeros(int(max(positions.max(), of.max())) + 1, dtype=bool)
    lookup[of] = True
    found: npt.NDArray[np.bool_] = lookup[positions]
    return found


def _residual(
    sub: pd.DataFrame,
    share: npt.NDArray[np.float64],
    ctx: RunContext,
    location_rows: LocationRows,
    problems: list[Problem],
) -> pd.DataFrame:
    """Uncovered consumption × residual mix, else flagged proxies (module docstring, step 4)."""
    n = len(sub)
    scaled = sub.assign(
        quantity=sub["quantity"].to_numpy() * share, factor_id=_constant(n, ""), factor_set=_constant(n, "")
    )
    todo = scaled
    parts = []
    for activity, flag in (
        ("electricity/residual_mix", ""),
        ("electricity/grid_excl_market_nonfossil", "residual_mix_proxy"),
    ):
        if todo.empty:
            break
        if not ctx.has_activity(activity):  # no set has this factor: nothing to look up
            continue
        output, _, _ = factor_method(
            todo.assign(activity=_constant(len(todo), activity), ncv=np.nan), ctx, diagnose=False
        )
        if not output.rows.empty:
            rows_ = output.rows
            rows_["scope2_method"] = _constant(len(rows_), "market")
            rows_["method"] = _constant(
                len(rows_), "market:residual_mix" if not flag else "market:residual_mix_proxy"
            )
            if flag:
                rows_["flags"] = with_flag(rows_["flags"], flag)
                rows_["lineage"] = retext(
                    rows_["lineage"],
                    lambda text: (
                        "no residual mix published: MEE/NBS factor excluding market-traded "
                        "non-fossil electricity used as proxy; " + text
                    ),
                )
            parts.append(rows_)
            todo = todo[~_member(todo["pos"].to_numpy(), output.rows["record_pos"].to_numpy())]
    if not todo.empty:
        # last resort: the location-based rows, scaled to the uncovered share
        todo_pos = todo["pos"].to_numpy()
        loc = _location_of(location_rows, todo_pos).copy()
        loc_pos = loc["record_pos"].to_numpy()
        sub_pos = sub["pos"].to_numpy()
        lookup = np.full(int(max(sub_pos.max(), loc_pos.max(initial=0))) + 1, np.nan)
        lookup[sub_pos] = share
        factor = lookup[loc_pos]
        loc["mass_kg"] = loc["mass_kg"].to_numpy() * factor
        loc["co2e_kg"] = loc["co2e_kg"].to_numpy() * factor
        loc["scope2_method"] = _constant(len(loc), "market")
        loc["method"] = _constant(len(loc), "market:grid_average")
        loc["flags"] = with_flag(loc["flags"], "no_residual_mix_grid_average")
        loc["lineage"] = retext(
            loc["lineage"],
            lambda text: (
                "no residual mix or proxy available: location-based grid average used for "
                "uncovered consumption (Scope 2 Guidance Table 6.3, last resort); " + text
            ),
        )
        parts.append(loc)
        missing = np.unique(todo_pos[~_member(todo_pos, loc_pos)])
        if len(missing):
            at = pd.Index(sub_pos).get_indexer(missing)
            rows_of = sub["row"].to_numpy()[at]
            ids_of = sub["record_id"].to_numpy()[at]
            for row, record_id in zip(rows_of, ids_of, strict=True):
                problems.append(
                    Problem(
                        "no market-based factor (residual mix, proxy or grid average) for this record",
                        file=ctx.source,
                        row=int(row),
                        field="region",
                        record_id=str(record_id),
                    )
                )
    return concat_rows(parts)
