"""The inventory activity table as ETS input.

Rows pass to the inventory engine as they are (its validation reports their problems with the
file's own row numbers), except that:

* ``production/<product>`` rows are the facility's output (``production/electricity_supplied``
  MWh, ``production/heat_supplied`` GJ, ``production/clinker`` t, ``production/crude_steel`` t,
  ``production/aluminium`` t …; ``production/heat_ratio`` a fraction for power) and are not
  sent to the engine;
* fuel rows without a method use the carbon-content method (``method=mee``);
* in power, coal rows follow the same element-carbon, NCV and oxidation rules as the template
  (:func:`carbonledger.regimes.china_ets.prepare.power_coal_rules`);
* monthly fuel rows (``period`` 2025-03 …) need all twelve months per fuel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonledger.activities import family_of
from carbonledger.errors import Problem, UnitError
from carbonledger.inventory.activity_table import COLUMNS
from carbonledger.periods import parse_period
from carbonledger.regimes.china_ets.layout import COAL_ACTIVITIES
from carbonledger.regimes.china_ets.parameters import EtsParameters
from carbonledger.regimes.china_ets.prepare import (
    MONTHS,
    ParamUse,
    Prepared,
    check_complete_months,
    power_coal_rules,
)
from carbonledger.regimes.china_ets.reader import FacilityData, numbers, texts
from carbonledger.regimes.china_ets.sectors import Sector
from carbonledger.units import multiplier

__all__ = ["prepare_activity_table", "source_type_of"]


def source_type_of(activity: str, method: str, direction: str, sector: str) -> str:
    """The ETS source type of an activity-table row."""
    family = family_of(activity)
    kind = family.kind if family else ""
    if kind == "fuel":
        return "fuel_combustion"
    if kind == "electricity":
        return "purchased_electricity"
    if kind == "heat":
        return "purchased_heat"
    if activity.startswith("process/clinker"):
        return "clinker"
    if activity.startswith("process/aluminium/anode_effect"):
        return "pfc"
    if activity.startswith("process/aluminium/anode"):
        return "anode"
    if activity.startswith("process/electrode"):
        return "electrode"
    if activity in ("process/limestone", "process/dolomite"):
        return {"power": "desulphurisation", "steel": "flux"}.get(sector, "carbonate")
    if method.startswith("mass_balance"):
        return "carbon_in_products" if direction == "output" else "carbon_input"
    return "carbonate"


def prepare_activity_table(
    data: FacilityData, sector: Sector, year: int, region: str, params: EtsParameters
) -> Prepared:
    frame = data.activities.copy()
    problems: list[Problem] = []
    uses: list[ParamUse] = []
    injected: dict[tuple[str, str], ParamUse] = {}
    file = data.source
    sheet = data.activity_sheet
    frame.attrs["sheet"] = sheet
    if frame.empty or "activity" not in frame.columns:
        production = pd.DataFrame({"month": list(MONTHS)})
        return Prepared(frame, pd.DataFrame(), uses, production, problems, injected)
    n = len(frame)
    for column in frame.columns:
        if column not in COLUMNS and column != "row" and column:
            problems.append(
                Problem(
                    f"column {column!r} is not part of the activity table and is ignored",
                    file=file, sheet=sheet, row=1, field=str(column), severity="warning", code="unknown_column",
                    accepted=", ".join(COLUMNS),
                )
            )
    activity = texts(frame, "activity")
    rows = frame["row"].to_numpy(dtype=np.int64)
    record_id = texts(frame, "record_id")
    method = np.array([m.lower() for m in texts(frame, "method")], dtype=object)
    direction = np.array([d.lower() for d in texts(frame, "direction")], dtype=object)
    period_text = texts(frame, "period")
    month = np.zeros(n, dtype=np.int64)
    for k, text in enumerate(period_text):
        p = parse_period(text) if text else None
        if p is not None and p.start.year == p.end.year == year and p.start.month == p.end.month and (
            p.start.day == 1
        ):
            month[k] = p.start.month
    production_rows = np.array([a.startswith("production/") for a in activity], dtype=bool)
    # -- production ------------------------------------------------------------------------------
    keys = [p.key for p in sector.products] + (["heat_ratio"] if sector.key == "power" else [])
    production = pd.DataFrame({"month": list(MONTHS)})
    for key in keys:
        production[key] = np.nan
    production["row"] = 0
    quantity = numbers(frame, "quantity", problems, file, sheet=sheet)
    unit = texts(frame, "unit")
    annual: dict[str, float] = {}
    for k in map(int, np.flatnonzero(production_rows)):
        key = activity[k].split("/", 1)[1]
        if key not in keys:
            problems.append(
                Problem(
                    f"production key {key!r} is not an output of the {sector.en.lower()} sector",
                    file=file, sheet=sheet, row=int(rows[k]), field="activity",
                    accepted=", ".join(f"production/{x}" for x in keys),
                )
            )
            continue
        target = "1" if key == "heat_ratio" else sector.product(key).unit
        try:
            given = "1" if key == "heat_ratio" and unit[k] in ("", "fraction", "dimensionless") else unit[k]
            value = quantity[k] * multiplier(given or target, target)
        except UnitError:
            problems.append(
                Problem(f"unit {unit[k]!r} cannot be converted to {target}", file=file, sheet=sheet,
                        row=int(rows[k]), field="unit", accepted=target)
            )
            continue
        if month[k]:
            production.loc[month[k] - 1, key] = np.nansum([production.loc[month[k] - 1, key], value])
            production.loc[month[k] - 1, "row"] = int(rows[k])
        else:
            annual[key] = annual.get(key, 0.0) + value
    for key, value in annual.items():
        if production[key].notna().any():
            problems.append(
                Problem(f"production/{key} is given both monthly and for the whole year", file=file, sheet=sheet,
                        field="period", accepted="monthly rows (2025-01 … 2025-12) or one annual row")
            )
        else:
            production[key] = value / 12.0
            production.attrs.setdefault("annual", []).append(key)
    # -- fuels: completeness and the power coal rules -------------------------------------------------
    is_fuel = np.array([a.startswith("fuel/") for a in activity], dtype=bool)
    fuel_idx = np.flatnonzero(is_fuel)
    bad = np.zeros(n, dtype=bool)
    monthly_fuels = {activity[k] for k in fuel_idx if month[k]}
    if monthly_fuels:
        sel = np.array([is_fuel[k] and activity[k] in monthly_fuels for k in range(n)], dtype=bool)
        bad[sel] |= check_complete_months(
            month[sel], activity[sel], rows[sel], problems, file=file, sheet=sheet, what="fuel"
        )
    for fuel in sorted({activity[k] for k in fuel_idx} - monthly_fuels):
        problems.append(
            Problem(
                f"fuel {fuel} is given for the whole year; the guideline's tables are monthly",
                file=file, sheet=sheet, field="period", severity="warning", code="annual_data",
                accepted="one row per month (period 2025-01 … 2025-12)",
            )
        )
    ncv = numbers(frame, "ncv", problems, file, sheet=sheet)
    cc = numbers(frame, "carbon_content", problems, file, sheet=sheet)
    of = numbers(frame, "oxidation_factor", problems, file, sheet=sheet)
    cc_final, of_final = cc.copy(), of.copy()
    cc_unit_final = texts(frame, "carbon_content_unit").copy()
    is_coal = np.isin(activity, list(COAL_ACTIVITIES)) & is_fuel
    if sector.key == "power" and is_coal.any():
        power_coal_rules(
            rows, record_id, year, params, activity, activity.copy(), month, quantity, ncv, cc,
            np.full(n, "", dtype=object), np.full(n, "", dtype=object), of, is_coal, bad, cc_final,
            cc_unit_final, of_final, problems, uses, injected, file, sheet,
        )
    # -- records for the engine ---------------------------------------------------------------------------
    keep = ~production_rows & ~bad
    records = frame[[c for c in frame.columns if c in COLUMNS or c == "row"]].copy()
    records["carbon_content"] = np.array(["" if np.isnan(v) else v for v in cc_final], dtype=object)
    records["carbon_content_unit"] = cc_unit_final
    records["oxidation_factor"] = np.array(["" if np.isnan(v) else v for v in of_final], dtype=object)
    records["method"] = np.where(is_fuel & (method == ""), "mee", method)
    records = records[keep].reset_index(drop=True)
    records["sheet"] = sheet or ""
    records["month"] = month[keep]
    records["source_type"] = [
        source_type_of(a, m, d, sector.key) for a, m, d in zip(activity[keep], method[keep], direction[keep], strict=True)
    ]
    descriptions = texts(frame, "description")[keep]
    records["label"] = [
        f"{a}" + (f" ({d})" if d else "") for a, d in zip(activity[keep], descriptions, strict=True)
    ]
    return Prepared(records, pd.DataFrame(), uses, production, problems, injected)

