"""US EPA GHG Emission Factors Hub (edition 2025) → tidy emission-factor table.

Original
--------
``ghg-emission-factors-hub-2025.xlsx`` ("Emission Factors for Greenhouse Gas
Inventories", last modified January 15, 2025; US federal work, public domain). One sheet,
twelve tables. Tables are located by their heading cell (``Table 1`` … in column B);
inside a table, columns are identified by their header text and the unit of every value
is read from the unit-header rows (``mmBtu per short ton`` / ``kg CO2 per mmBtu`` …,
``(lb CO2 / MWh)`` …). A changed layout raises :class:`~carbonledger.errors.InputError`
listing every cell that did not match, instead of importing shifted values.

What is imported (``factors.csv``, schema ``emission_factors/1``)
-----------------------------------------------------------------
* Table 1 stationary combustion: per fuel one factor per mmBtu (HHV; CO2 kg, CH4 g,
  N2O g, plus the heat content as ``energy_per_unit``, basis ``gross_cv``) and one per
  physical unit (short ton, scf or gallon).
* Table 2 mobile combustion CO2 (activity ``fuel/<fuel>/mobile``).
* Tables 3–5 mobile CH4/N2O per vehicle-mile (on-road, by model year) or per gallon
  (non-road): activity ``vehicle/<vehicle type>/<fuel>[/<model year>]``. Model years
  are NOT validity periods: they name the vehicle (``vehicle/passenger_car/gasoline/2015``,
  ``…/1973-1974``, ``…/1980_and_earlier`` for EPA's "≤1980").
* Table 6 eGRID2023: total-output rates (``electricity/grid``) and non-baseload rates
  (``electricity/non_baseload``, flagged ``not_for_inventory`` as EPA says) per gas in
  lb/MWh for 27 subregions (``US-EGRID-<acronym>``) and the US average (``US``), and the
  grid gross loss fraction (``loss_rate``, ``electricity/td_losses``).
* Table 7 purchased steam and heat (``heat/purchased``).
* Table 8 transport (Scope 3 categories 4 and 9): vehicle-mile and short-ton-mile factors.
* Table 9 waste (Scope 3 categories 5 and 12): metric tons CO2e per short ton, by material
  and route (``waste/<material>/<route>``); EPA: "AR4 GWP values are used", so
  ``gwp_basis = AR4``. ``NA`` cells are absent, not zero.
* Table 10 business travel (``travel/…``) and the same rows for commuting (``commuting/…``).
* Tables 11 and 12 (GWPs, blends) are NOT imported here: the ``ipcc-gwp`` set uses them.

Gas names: ``CO2`` / ``CO2_biogenic`` (biomass fuels; reported outside the scopes),
``CH4_fossil`` / ``CH4_non_fossil`` where the fuel's origin is known, ``CH4`` where it is a
mix (grid, modal averages) or not stated, ``N2O``. Per-gas values are gas masses
(``gwp_basis`` empty). The mapping from EPA's labels to activity keys is the reviewable
table ``epa_hub_mapping.csv`` next to this module.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from carbonledger.errors import InputError, Problem, ProblemLog
from carbonledger.factors.importers._base import Built, OriginalSpec, Source
from carbonledger.factors.schema import COLUMNS
from carbonledger.units import parse_unit

__all__ = ["EDITIONS", "HUB_FILE", "SET_ID", "VERSION", "build", "read_mapping"]

SET_ID = "epa-hub"
VERSION = "1"
HUB_FILE = "ghg-emission-factors-hub-2025.xlsx"
SHEET = "Emission Factors Hub"

EDITIONS = {
    "2025": Source(
        originals=(
            OriginalSpec(
                HUB_FILE,
                source_url=""
                "https://www.epa.gov/system/files/other-files/2025-01/ghg-emission-factors-hub-2025.xlsx",
                retrieved_from="copy in shared/data/epa_ghg_hub (GitHub "
                "Srijaisuryaa007/major-project-carbon-accounting-and-ESG-dashboard-, commit "
                "1f7d748e1b79caa70365db066b5b60748f62cff6; see its SOURCE.txt)",
                expected_sha256="db9085f182e50c7fd9106a902986434fb41ef0426afc953acb40f61a495e8a76",
            ),
        ),
        subdir="epa_ghg_hub",
    )
}

MAPPING_FILE = "epa_hub_mapping.csv"

# --- validity (see VALIDITY_NOTES; every choice is explained in the manifest) ------------
HUB_CURRENT_TO = date(2025, 12, 31)  # end of the year in which the 2025 Hub is EPA's edition
CFR_AMENDED = date(2016, 12, 9)  # 40 CFR 98 Table C-1/C-2 "as amended at 81 FR 89252, Dec. 9, 2016"
INVENTORY_DATA_YEAR = 2022  # EPA (2024) Inventory of US GHG Emissions and Sinks: 1990-2022
EGRID_DATA_YEAR = 2023  # eGRID2023
WARM_YEAR = 2023  # WARM documentation, December 2023

VALIDITY_NOTES = [
    "Validity (valid_from..valid_to) per table. Year-specific averages carry their data "
    "year only, so resolution flags their use for other years: Table 6 eGRID2023 = "
    "2023-01-01..2023-12-31; Table 8 (EPA Inventory 1990-2022 and BTS National "
    "Transportation Statistics 2022 data) = 2022; Table 10 per row: cars, light-duty "
    "trucks, motorcycles and buses 2022 (Inventory 1990-2022, FHWA 2022 data), intercity "
    "rail 2023 (Amtrak, 2023 data), commuter and transit rail 2019 (Transportation Energy "
    "Data Book ed. 40: 2019 data), air travel 2018 (EPA uses the UK Defra 2022 factors, "
    "2018 activity data, held constant on purpose).",
    "Factors that are not averages of one year apply from their cited source to the end "
    "of 2025, the year in which the Hub published on 15 Jan 2025 is EPA's current "
    "edition (later use is flagged by resolution; check for a newer Hub): Tables 1 and 2 "
    "(40 CFR Part 98 Tables C-1/C-2/AA-1 as amended at 81 FR 89252, Dec. 9, 2016) and "
    "Table 7 (EPA: natural gas at 80 percent efficiency, i.e. Table 1 natural gas / 0.8) "
    "2016-12-09..2025-12-31; Tables 3-5 (per model year / per gallon, from the EPA (2024) "
    "Inventory 1990-2022) 2022-01-01..2025-12-31; Table 9 (WARM documentation, Dec 2023) "
    "2023-01-01..2025-12-31.",
]


# ----------------------------------------------------------------------------------------
# the mapping table
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MapRow:
    table: str
    label: str
    qualifier: str
    id: str
    activity: str
    origin: str
    data_year: int | None
    note: str


def _norm(text: object) -> str:
    """Cell text with whitespace collapsed (EPA labels carry stray and double spaces)."""
    return " ".join(str(text).split()) if text is not None else ""


def read_mapping() -> list[MapRow]:
    """The reviewable label → activity-key table (``epa_hub_mapping.csv``)."""
    path = resources.files("carbonledger.factors.importers") / MAPPING_FILE
    with path.open("r", encoding="utf-8") as handle:
        return [
            MapRow(
                table=r["table"],
                label=_norm(r["label"]),
                qualifier=_norm(r["qualifier"]),
                id=r["id"],
                activity=r["activity"],
                origin=r["origin"],
                data_year=int(r["data_year"]) if r["data_year"] else None,
                note=r["note"],
            )
            for r in csv.DictReader(handle)
        ]


# ----------------------------------------------------------------------------------------
# the sheet
# ----------------------------------------------------------------------------------------
@dataclass
class Sheet:
    """Cell values of the one worksheet, addressed by 1-based (row, column)."""

    rows: list[tuple[Any, ...]]

    def value(self, row: int, col: int) -> Any:
        if row < 1 or row > len(self.rows):
            return None
        cells = self.rows[row - 1]
        return cells[col - 1] if col - 1 < len(cells) else None

    def text(self, row: int, col: int) -> str:
        return _norm(self.value(row, col))


def _read_sheet(path: Path) -> Sheet:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if workbook.sheetnames != [SHEET]:
            raise InputError(
                [
                    Problem(
                        f"expected exactly one sheet {SHEET!r}",
                        file=path.name,
                        value=", ".join(workbook.sheetnames),
                        accepted=SHEET,
                    )
                ]
            )
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    return Sheet(rows)


def _cell(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


# Column numbers (1-based) used below: B=2 (table headings), C=3 (labels) …
B, C, D, E, F, G, H, I, J, K = range(2, 12)  # noqa: E741 (spreadsheet column letters)

_NUMBER = (int, float)
_HEADER_UNIT = re.compile(r"\(\s*(kg|g|lb) (CO2|CH4|N2O) / (unit|vehicle-mile|gallon|MWh|mmBtu)\s*\)")
_T1_UNIT = re.compile(r"^(kg|g) (CO2|CH4|N2O) per (mmBtu|short ton|scf|gallon)$")
_T1_HEAT = re.compile(r"^mmBtu per (short ton|scf|gallon)$")
_DENOMINATOR = {
    "mmBtu": "MMBtu",
    "short ton": "short_ton",
    "scf": "scf",
    "gallon": "gallon",
    "vehicle-mile": "vehicle_mile",
    "passenger-mile": "passenger_mile",
    "short ton-mile": "(short_ton*mile)",
    "MWh": "MWh",
}
_UNIT_SLUG = {
    "mmBtu": "mmbtu",
    "short ton": "short_ton",
    "scf": "scf",
    "gallon": "gallon",
    "vehicle-mile": "vehicle_mile",
    "short ton-mile": "ton_mile",
    "passenger-mile": "passenger_mile",
}


def _unit(mass: str, denominator: str) -> str:
    text = f"{mass}/{_DENOMINATOR[denominator]}"
    parse_unit(text)  # raises UnitError if carbonledger's registry cannot read it
    return text


def _gas(gas: str, origin: str) -> str:
    """Gas name by the fuel's origin (biomass CO2 is reported outside the scopes)."""
    if gas == "CO2":
        return "CO2_biogenic" if origin == "biomass" else "CO2"
    if gas == "CH4":
        return {"fossil": "CH4_fossil", "biomass": "CH4_non_fossil"}.get(origin, "CH4")
    return gas


def _clean_number(value: float) -> float:
    """Drop binary noise such as 0.022000000000000002 (15 significant digits)."""
    return float(f"{float(value):.15g}")


def _model_year_slug(text: str) -> str:
    """``1973-1974`` → ``1973-1974``; ``≤1980`` → ``1980_and_earlier``; ``2015`` → ``2015``."""
    label = text.replace(" ", "")
    if re.fullmatch(r"\d{4}(-\d{4})?", label):
        return label
    match = re.fullmatch(r"≤(\d{4})", label)
    if match:
        return f"{match.group(1)}_and_earlier"
    raise ValueError(text)


# ----------------------------------------------------------------------------------------
# the builder
# ----------------------------------------------------------------------------------------
@dataclass
class _Builder:
    sheet: Sheet
    mapping: dict[tuple[str, str, str], list[MapRow]]
    log: ProblemLog
    rows: list[dict[str, Any]]
    used: set[tuple[str, str, str]]

    def problem(self, message: str, row: int | None = None, col: int | None = None, **kw: Any) -> None:
        field = _cell(row, col) if row is not None and col is not None else kw.pop("field", None)
        self.log.add(Problem(message, file=HUB_FILE, sheet=SHEET, row=row, field=field, **kw))

    def lookup(self, table: str, label: str, qualifier: str, row: int) -> list[MapRow]:
        key = (table, label, qualifier)
        found = self.mapping.get(key)
        if not found:
            known = sorted(f"{q[1]}|{q[2]}" if q[2] else q[1] for q in self.mapping if q[0] == table)
            self.problem(
                f"{table}: label not in {MAPPING_FILE}",
                row=row,
                col=C,
                value=f"{label}|{qualifier}" if qualifier else label,
                accepted=", ".join(known[:12]) + (" …" if len(known) > 12 else ""),
            )
            return []
        self.used.add(key)
        return found

    def number(self, row: int, col: int, *, optional: bool = False, na_ok: bool = False) -> float | None:
        value = self.sheet.value(row, col)
        if isinstance(value, bool):
            value = None
        if isinstance(value, _NUMBER):
            return _clean_number(value)
        if value is None or (isinstance(value, str) and not value.strip()):
            if not optional:
                self.problem("expected a number, the cell is empty", row=row, col=col)
            return None
        if na_ok and _norm(value) == "NA":
            return None
        self.problem("expected a number", row=row, col=col, value=str(value))
        return None

    def expect(self, row: int, col: int, pattern: str) -> str:
        text = self.sheet.text(row, col)
        if not re.fullmatch(pattern, text):
            self.problem(
                "unexpected header text (layout changed?)", row=row, col=col, value=text, accepted=pattern
            )
        return text

    def emit(self, **fields: Any) -> None:
        row: dict[str, Any] = {c: "" for c in COLUMNS}
        row.update(region="US", preference=0, confidence="high", flags="", note="")
        row.update(fields)
        self.rows.append(row)


def _tables(sheet: Sheet, log: ProblemLog) -> dict[int, tuple[int, int]]:
    """``{n: (heading row, last row)}`` for 'Table n' headings in column B."""
    headings: list[tuple[int, int]] = []
    section_rows: list[int] = []
    for index in range(1, len(sheet.rows) + 1):
        text = sheet.text(index, B)
        match = re.fullmatch(r"Table (\d+)", text)
        if match:
            headings.append((int(match.group(1)), index))
        elif text:
            section_rows.append(index)
    found = [n for n, _ in headings]
    if found != list(range(1, 13)):
        log.add(
            Problem(
                "expected headings 'Table 1' … 'Table 12' in column B, in order",
                file=HUB_FILE,
                sheet=SHEET,
                field="column B",
                value=", ".join(str(n) for n in found),
            )
        )
    out: dict[int, tuple[int, int]] = {}
    ends = [r for _, r in headings[1:]] + [len(sheet.rows) + 1]
    for (number, start), end in zip(headings, ends, strict=True):
        out[number] = (start, end - 1)
    return out


def _data_rows(sheet: Sheet, first: int, last: int) -> Iterator[int]:
    """Rows from ``first`` up to (not including) the table's 'Source'/'Notes' line."""
    for index in range(first, last + 1):
        label = sheet.text(index, C)
        if label.startswith(("Source", "Notes")):
            return
        yield index


def _header_unit(builder: _Builder, row: int, col: int) -> tuple[str, str, str] | None:
    """``(mass unit, gas, denominator)`` from a header such as ``CH4 Factor (g CH4 / vehicle-mile)``."""
    text = builder.sheet.text(row, col)
    match = _HEADER_UNIT.search(text)
    if match is None:
        builder.problem(
            "header does not name a unit like '(g CH4 / vehicle-mile)'", row=row, col=col, value=text
        )
        return None
    return match.group(1), match.group(2), match.group(3)


# --- Table 1 ----------------------------------------------------------------------------
def _table1(builder: _Builder, first: int, last: int) -> None:
    sheet = builder.sheet
    start = first + 2
    builder.expect(start, C, "Fuel Type")
    builder.expect(start, D, r"Heat Content \(HHV\)")
    heat: str | None = None  # denominator of the current block
    units: dict[int, tuple[str, str, str]] = {}
    category = ""
    for row in _data_rows(sheet, start + 1, last):
        label = sheet.text(row, C)
        heat_text = sheet.text(row, D)
        heat_match = _T1_HEAT.fullmatch(heat_text)
        if heat_match and not label:  # a unit-header row
            heat = heat_match.group(1)
            units = {}
            for col in (E, F, G, H, I, J):
                text = sheet.text(row, col)
                match = _T1_UNIT.fullmatch(text)
                if match is None:
                    builder.problem("unexpected unit header", row=row, col=col, value=text)
                    continue
                units[col] = (match.group(1), match.group(2), match.group(3))
            per_energy = [units[c][2] for c in (E, F, G) if c in units]
            per_unit = [units[c][2] for c in (H, I, J) if c in units]
            if set(per_energy) != {"mmBtu"} or set(per_unit) != {heat}:
                builder.problem(
                    f"columns E-G must be per mmBtu and H-J per {heat}", row=row, col=E, value=heat_text
                )
            continue
        if not label:
            continue
        if all(sheet.value(row, col) is None for col in (D, E, F, G, H, I, J)):
            category = label  # a category row such as 'Coal and Coke'
            continue
        if heat is None:
            builder.problem("fuel row before any unit-header row", row=row, col=C, value=label)
            continue
        for entry in builder.lookup("T1", label, "", row):
            _table1_fuel(builder, row, entry, category, heat, units)


def _table1_fuel(
    builder: _Builder,
    row: int,
    entry: MapRow,
    category: str,
    heat: str,
    units: dict[int, tuple[str, str, str]],
) -> None:
    sheet_origin = "biomass" if category.startswith("Biomass Fuels") else "fossil"
    if entry.origin != sheet_origin:
        builder.problem(
            f"mapping says origin {entry.origin!r} but the sheet lists the fuel under {category!r}",
            row=row,
            col=C,
            value=entry.label,
        )
    name = f"Table 1 > {category} > {entry.label}"
    validity = {"valid_from": CFR_AMENDED.isoformat(), "valid_to": HUB_CURRENT_TO.isoformat()}
    hhv = builder.number(row, D, optional=True)
    energy_id = f"T1:{entry.id}:mmbtu"
    for col in (E, F, G):
        value = builder.number(row, col)
        if value is None or col not in units:
            continue
        mass, gas, denominator = units[col]
        builder.emit(
            factor_id=energy_id,
            activity=entry.activity,
            name=f"{name} (per mmBtu HHV)",
            parameter="emission_factor",
            gas=_gas(gas, entry.origin),
            value=value,
            unit=_unit(mass, denominator),
            basis="gross_cv",
            source_ref=f"{HUB_FILE}: Table 1, row {row} '{entry.label}', cell {_cell(row, col)}",
            note=entry.note,
            **validity,
        )
    if hhv is not None:
        builder.emit(
            factor_id=energy_id,
            activity=entry.activity,
            name=f"{name} (per mmBtu HHV)",
            parameter="energy_per_unit",
            value=hhv,
            unit=f"MMBtu/{_DENOMINATOR[heat]}",
            basis="gross_cv",
            source_ref=f"{HUB_FILE}: Table 1, row {row} '{entry.label}', cell {_cell(row, D)} "
            "(Heat Content HHV)",
            note="default higher heating value; EPA prefers the fuel supplier's heat content where available",
            **validity,
        )
    for col in (H, I, J):
        value = builder.number(row, col, optional=hhv is None)
        if value is None or col not in units:
            continue
        mass, gas, denominator = units[col]
        builder.emit(
            factor_id=f"T1:{entry.id}:{_UNIT_SLUG[denominator]}",
            activity=entry.activity,
            name=f"{name} (per {denominator})",
            parameter="emission_factor",
            gas=_gas(gas, entry.origin),
            value=value,
            unit=_unit(mass, denominator),
            source_ref=f"{HUB_FILE}: Table 1, row {row} '{entry.label}', cell {_cell(row, col)}",
            note=entry.note,
            **validity,
        )


# --- Table 2 ----------------------------------------------------------------------------
def _table2(builder: _Builder, first: int, last: int) -> None:
    sheet = builder.sheet
    start = first + 2
    builder.expect(start, C, "Fuel Type")
    builder.expect(start, D, "kg CO2 per unit")
    builder.expect(start, E, "Unit")
    for row in _data_rows(sheet, start + 1, last):
        label = sheet.text(row, C)
        if not label:
            continue
        unit_text = sheet.text(row, E)
        if unit_text not in ("gallon", "scf"):
            builder.problem("unit must be 'gallon' or 'scf'", row=row, col=E, value=unit_text)
            continue
        value = builder.number(row, D)
        for entry in builder.lookup("T2", label, "", row):
            if value is None:
                continue
            builder.emit(
                factor_id=f"T2:{entry.id}",
                activity=entry.activity,
                name=f"Table 2 Mobile Combustion CO2 > {entry.label}",
                valid_from=CFR_AMENDED.isoformat(),
                valid_to=HUB_CURRENT_TO.isoformat(),
                parameter="emission_factor",
                gas=_gas("CO2", entry.origin),
                value=value,
                unit=_unit("kg", unit_text),
                source_ref=f"{HUB_FILE}: Table 2, row {row} '{entry.label}', cell {_cell(row, D)}",
                note="; ".join(
                    n
                    for n in (
                        "combustion CO2 only (tank-to-wheel); CH4 and N2O from Tables 3-5",
                        entry.note,
                    )
                    if n
                ),
            )


# --- Tables 3, 4, 5 ---------------------------------------------------------------------
def _table_vehicles(builder: _Builder, number: int, first: int, last: int) -> None:
    """Tables 3 (vehicle, model year), 4 (vehicle, fuel, model year), 5 (vehicle, fuel)."""
    sheet = builder.sheet
    start = first + 2
    table = f"T{number}"
    builder.expect(start, C, "Vehicle Type")
    if number == 3:
        year_col, ch4_col, n2o_col, fuel_col = D, E, F, None
        builder.expect(start, D, "Model Year")
    elif number == 4:
        year_col, ch4_col, n2o_col, fuel_col = E, F, G, D
        builder.expect(start, D, "Fuel Type")
        builder.expect(start, E, "Model Year")
    else:
        year_col, ch4_col, n2o_col, fuel_col = None, E, F, D
        builder.expect(start, D, "Fuel Type")
    ch4 = _header_unit(builder, start, ch4_col)
    n2o = _header_unit(builder, start, n2o_col)
    if ch4 is None or n2o is None:
        return
    if ch4[1] != "CH4" or n2o[1] != "N2O":
        builder.problem("expected the CH4 then the N2O column", row=start, col=ch4_col)
        return
    vehicle = ""
    fuel = ""
    title = _norm(sheet.value(first, C))
    for row in _data_rows(sheet, start + 1, last):
        label = sheet.text(row, C)
        if label and not label.startswith("("):
            vehicle = label  # merged cells: the label is on the first row only
            fuel = ""
        if fuel_col is not None and sheet.text(row, fuel_col):
            fuel = sheet.text(row, fuel_col)
        year_text = sheet.text(row, year_col) if year_col is not None else ""
        if sheet.value(row, ch4_col) is None and sheet.value(row, n2o_col) is None:
            continue
        if not vehicle:
            builder.problem("value row without a vehicle type", row=row, col=C)
            continue
        year = ""
        if year_text:
            try:
                year = _model_year_slug(year_text)
            except ValueError:
                builder.problem(
                    "model year not understood",
                    row=row,
                    col=year_col,
                    value=year_text,
                    accepted="YYYY, YYYY-YYYY or ≤YYYY",
                )
                continue
        for entry in builder.lookup(table, vehicle, fuel, row):
            factor_id = f"{table}:{entry.id}" + (f":{year}" if year else "")
            activity = entry.activity + (f"/{year}" if year else "")
            label_path = " > ".join(
                p for p in (entry.label, fuel, f"model year {year_text}" if year else "") if p
            )
            for col, (mass, gas, denominator) in ((ch4_col, ch4), (n2o_col, n2o)):
                value = builder.number(row, col)
                if value is None:
                    continue
                builder.emit(
                    factor_id=factor_id,
                    activity=activity,
                    name=f"Table {number} {title} > {label_path}",
                    valid_from=date(INVENTORY_DATA_YEAR, 1, 1).isoformat(),
                    valid_to=HUB_CURRENT_TO.isoformat(),
                    parameter="emission_factor",
                    gas=_gas(gas, entry.origin),
                    value=value,
                    unit=_unit(mass, denominator),
                    source_ref=f"{HUB_FILE}: Table {number}, row {row} '{label_path}', "
                    f"cell {_cell(row, col)}",
                    note="; ".join(
                        n
                        for n in (
                            "combustion CH4/N2O only (tank-to-wheel); CO2 from Table 2 by fuel",
                            entry.note,
                        )
                        if n
                    ),
                )


# --- Table 6 ----------------------------------------------------------------------------
def _table6(builder: _Builder, first: int, last: int) -> None:
    sheet = builder.sheet
    group_row, header_row, unit_row = first + 2, first + 3, first + 4
    builder.expect(group_row, E, "Total Output Emission Factors")
    builder.expect(group_row, H, "Non-Baseload Emission Factors")
    builder.expect(header_row, C, "eGRID Subregion Acronym")
    builder.expect(header_row, D, "eGRID Subregion Name")
    builder.expect(header_row, K, r"Grid Gross Loss \(%\)")
    columns: dict[int, tuple[str, str, str]] = {}
    for col in (E, F, G, H, I, J):
        parsed = _header_unit(builder, unit_row, col)
        if parsed is not None:
            columns[col] = parsed
    valid = {
        "valid_from": date(EGRID_DATA_YEAR, 1, 1).isoformat(),
        "valid_to": date(EGRID_DATA_YEAR, 12, 31).isoformat(),
    }
    for row in _data_rows(sheet, unit_row + 1, last):
        acronym = sheet.text(row, C)
        if not acronym:
            continue
        name = sheet.text(row, D)
        is_us = acronym == "US Average"
        if not is_us and not re.fullmatch(r"[A-Z]{4}", acronym):
            builder.problem(
                "not an eGRID subregion acronym",
                row=row,
                col=C,
                value=acronym,
                accepted="four capital letters or 'US Average'",
            )
            continue
        region = "US" if is_us else f"US-EGRID-{acronym}"
        slug = "us_average" if is_us else acronym.lower()
        for kind, cols, activity, flags, note in (
            (
                "total_output",
                (E, F, G),
                "electricity/grid",
                "",
                "eGRID2023 total output emission rate; EPA: default factor for inventories and footprints",
            ),
            (
                "non_baseload",
                (H, I, J),
                "electricity/non_baseload",
                "not_for_inventory",
                "eGRID2023 non-baseload output emission rate; EPA: not for inventories or footprints, "
                "only for estimating grid emission reductions from changes in electricity use",
            ),
        ):
            for col in cols:
                value = builder.number(row, col)
                if value is None or col not in columns:
                    continue
                mass, gas, denominator = columns[col]
                builder.emit(
                    factor_id=f"T6:{slug}:{kind}",
                    activity=activity,
                    name=f"Table 6 Electricity > {acronym} ({name}) > {kind.replace('_', ' ')}",
                    region=region,
                    parameter="emission_factor",
                    gas=_gas(gas, "unspecified"),
                    value=value,
                    unit=_unit(mass, denominator),
                    source_ref=f"{HUB_FILE}: Table 6, row {row} '{acronym}', cell {_cell(row, col)}",
                    flags=flags,
                    note=note,
                    **valid,
                )
        loss = builder.number(row, K, optional=True)
        if loss is None:
            continue  # PRMS has no grid gross loss in the sheet: absent, not zero
        builder.emit(
            factor_id=f"T6:{slug}:grid_gross_loss",
            activity="electricity/td_losses",
            name=f"Table 6 Electricity > {acronym} ({name}) > grid gross loss",
            region=region,
            parameter="loss_rate",
            value=loss,
            unit="dimensionless",
            source_ref=f"{HUB_FILE}: Table 6, row {row} '{acronym}', cell {_cell(row, K)} "
            "(Grid Gross Loss, shown as %)",
            note="fraction of electricity lost in transmission and distribution (eGRID2023); EPA: for Scope "
            "3 "
            "category 3 activity C, not to be applied to an end user's Scope 2 emissions",
            **valid,
        )


# --- Table 7 ----------------------------------------------------------------------------
def _table7(builder: _Builder, first: int, last: int) -> None:
    sheet = builder.sheet
    header = first + 2
    columns = {col: _header_unit(builder, header, col) for col in (D, E, F)}
    for row in _data_rows(sheet, header + 1, last):
        label = sheet.text(row, C)
        if not label:
            continue
        for entry in builder.lookup("T7", label, "", row):
            for col, parsed in columns.items():
                value = builder.number(row, col)
                if value is None or parsed is None:
                    continue
                mass, gas, denominator = parsed
                builder.emit(
                    factor_id=f"T7:{entry.id}",
                    activity=entry.activity,
                    name=f"Table 7 Steam and Heat > {entry.label}",
                    valid_from=CFR_AMENDED.isoformat(),
                    valid_to=HUB_CURRENT_TO.isoformat(),
                    parameter="emission_factor",
                    gas=_gas(gas, entry.origin),
                    value=value,
                    unit=_unit(mass, denominator),
                    source_ref=f"{HUB_FILE}: Table 7, row {row} '{entry.label}', cell {_cell(row, col)}",
                    note="per mmBtu of steam or heat purchased; EPA assumes natural gas at 80 percent "
                    "thermal "
                    "efficiency; combustion emissions only",
                )


# --- Tables 8 and 10 --------------------------------------------------------------------
def _table_distance(builder: _Builder, number: int, first: int, last: int) -> None:
    sheet = builder.sheet
    table = f"T{number}"
    header = next(
        (r for r in range(first, last + 1) if sheet.text(r, C) == "Vehicle Type"),
        None,
    )
    if header is None:
        builder.problem(f"Table {number}: no 'Vehicle Type' header row", row=first, col=C)
        return
    builder.expect(header, G, "Units")
    columns: dict[int, tuple[str, str]] = {}
    for col in (D, E, F):
        parsed = _header_unit(builder, header, col)
        if parsed is not None:
            if parsed[2] != "unit":
                builder.problem("expected '/ unit' in the header", row=header, col=col)
            columns[col] = (parsed[0], parsed[1])
    scope = {8: "Scope 3 category 4 / 9", 10: "Scope 3 category 6 / 7"}[number]
    title = {8: "Table 8 Upstream/Downstream Transportation", 10: "Table 10 Business Travel and Commuting"}[
        number
    ]
    for row in _data_rows(sheet, header + 1, last):
        label = sheet.text(row, C)
        if not label:
            continue
        units_text = sheet.text(row, G)
        if units_text not in _DENOMINATOR:
            builder.problem(
                "unknown unit",
                row=row,
                col=G,
                value=units_text,
                accepted="vehicle-mile, short ton-mile, passenger-mile",
            )
            continue
        for entry in builder.lookup(table, label, units_text, row):
            year = entry.data_year or INVENTORY_DATA_YEAR
            factor_id = f"{table}:{entry.id}" + (f":{_UNIT_SLUG[units_text]}" if number == 8 else "")
            flags = "secondary_source" if entry.activity.startswith("travel/air/") else ""
            for col, (mass, gas) in columns.items():
                value = builder.number(row, col)
                if value is None:
                    continue
                builder.emit(
                    factor_id=factor_id,
                    activity=entry.activity,
                    name=f"{title} > {label} (per {units_text})",
                    valid_from=date(year, 1, 1).isoformat(),
                    valid_to=date(year, 12, 31).isoformat(),
                    parameter="emission_factor",
                    gas=_gas(gas, entry.origin),
                    value=value,
                    unit=_unit(mass, units_text),
                    scope=scope,
                    source_ref=f"{HUB_FILE}: Table {number}, row {row} '{label}', cell {_cell(row, col)}",
                    flags=flags,
                    note="; ".join(
                        n
                        for n in (
                            "combustion emissions only (tank-to-wheel)",
                            f"data year {year}",
                            entry.note,
                        )
                        if n
                    ),
                )


# --- Table 9 ----------------------------------------------------------------------------
def _table9(builder: _Builder, first: int, last: int) -> None:
    sheet = builder.sheet
    unit_row = next(
        (r for r in range(first, last + 1) if sheet.text(r, D).startswith("Metric Tons CO2e")), None
    )
    if unit_row is None:
        builder.problem("Table 9: no 'Metric Tons CO2e / Short Ton Material' header", row=first, col=D)
        return
    builder.expect(unit_row, D, "Metric Tons CO2e / Short Ton Material")
    header = unit_row + 1
    builder.expect(header, C, "Material")
    routes: dict[int, MapRow] = {}
    for col in range(D, D + 6):
        label = sheet.text(header, col)
        found = builder.lookup("T9-route", label, "", header)
        if found:
            routes[col] = found[0]
    for row in _data_rows(sheet, header + 1, last):
        label = sheet.text(row, C)
        if not label:
            continue
        for entry in builder.lookup("T9", label, "", row):
            for col, route in routes.items():
                value = builder.number(row, col, na_ok=True)
                if value is None:
                    continue  # 'NA': EPA gives no factor for this route (absent, not zero)
                builder.emit(
                    factor_id=f"T9:{entry.id}:{route.id}",
                    activity=f"{entry.activity}/{route.activity}",
                    name=f"Table 9 Waste > {entry.label} > {route.label}",
                    valid_from=date(WARM_YEAR, 1, 1).isoformat(),
                    valid_to=HUB_CURRENT_TO.isoformat(),
                    parameter="emission_factor",
                    gas="CO2e",
                    value=value,
                    unit="t CO2e/short_ton",
                    gwp_basis="AR4",
                    scope="Scope 3 category 5 / 12",
                    source_ref=f"{HUB_FILE}: Table 9, row {row} '{entry.label}', cell {_cell(row, col)}",
                    note="WARM-based (Dec 2023); excludes avoided emissions; includes transport to the "
                    "facility; "
                    "EPA: AR4 GWP values are used",
                )


# ----------------------------------------------------------------------------------------
def _build_table(path: Path) -> pd.DataFrame:
    sheet = _read_sheet(path)
    log = ProblemLog()
    mapping: dict[tuple[str, str, str], list[MapRow]] = {}
    for entry in read_mapping():
        mapping.setdefault((entry.table, entry.label, entry.qualifier), []).append(entry)
    builder = _Builder(sheet, mapping, log, [], set())
    tables = _tables(sheet, log)
    if set(range(1, 11)) <= set(tables):
        _table1(builder, *tables[1])
        _table2(builder, *tables[2])
        for number in (3, 4, 5):
            _table_vehicles(builder, number, *tables[number])
        _table6(builder, *tables[6])
        _table7(builder, *tables[7])
        _table_distance(builder, 8, *tables[8])
        _table9(builder, *tables[9])
        _table_distance(builder, 10, *tables[10])
        unused = sorted(set(mapping) - builder.used)
        for table, label, qualifier in unused:
            log.add(
                Problem(
                    f"{MAPPING_FILE}: {table} label not found in the sheet",
                    file=MAPPING_FILE,
                    value=f"{label}|{qualifier}" if qualifier else label,
                )
            )
    log.raise_if_errors(InputError, summary=f"{HUB_FILE}: cannot import the EPA Hub")
    return pd.DataFrame(builder.rows, columns=list(COLUMNS))


def build(edition: str, originals_dir: Path) -> Built:
    frame = _build_table(originals_dir / HUB_FILE)
    return Built(
        tables={"factors": (frame, "emission_factors/1")},
        title="GHG Emission Factors Hub (Emission Factors for Greenhouse Gas Inventories)",
        publisher="US Environmental Protection Agency (EPA)",
        source_url=EDITIONS[edition].originals[0].source_url,
        licence="US federal government work: public domain in the US (17 U.S.C. 105); no licence text in "
        "the workbook",
        attribution="US EPA, Emission Factors for Greenhouse Gas Inventories (GHG Emission Factors Hub), "
        "last modified January 15, 2025. Table 6: EPA eGRID2023 (January 2025). Table 9: EPA WARM "
        "documentation (December 2023).",
        retrieval="Workbook as recorded in shared/data/epa_ghg_hub/SOURCE.txt (copy from GitHub "
        "Srijaisuryaa007/major-project-carbon-accounting-and-ESG-dashboard- at commit "
        "1f7d748e1b79caa70365db066b5b60748f62cff6, one sheet, looks unmodified); SHA-256 checked.",
        gwp_basis="mixed",
        valid_from=CFR_AMENDED,
        valid_to=HUB_CURRENT_TO,
        confidence="high",
        confidence_notes=[
            "Official EPA publication; every value is read from its cell (source_ref) and a test re-reads "
            "each cell of the stored original.",
            "The copy is not from epa.gov directly but from a public GitHub repository (see retrieval); "
            "SOURCE.txt records it as one sheet that looks unmodified; the SHA-256 is checked on build.",
            "Table 10 air-travel factors are EPA's reuse of UK Defra 2022 factors (2018 activity data): "
            "flagged secondary_source.",
            "Table 6 non-baseload rates are flagged not_for_inventory (EPA note).",
        ],
        flags=[],
        units_conventions=(
            "Per-gas emission factors are gas masses (gwp_basis empty): kg CO2 and g CH4/N2O per mmBtu "
            "(HHV, basis gross_cv), per short ton, per scf (US standard cubic foot, its own dimension, never "
            "converted to m3 or Nm3 implicitly) or per US gallon; g per vehicle-mile; lb per MWh (eGRID); kg "
            "or g per vehicle-mile, short ton-mile or passenger-mile. Heat content (HHV) is parameter "
            "energy_per_unit in MMBtu per short ton / scf / gallon (basis gross_cv). Table 9 waste factors "
            "are "
            "CO2e totals in metric tonnes CO2e per short ton (2000 lb) under AR4 GWPs. Grid gross loss is a "
            "dimensionless fraction (0.042 = 4.2 %)."
        ),
        notes=[
            "gwp_basis 'mixed': all rows are gas masses except Table 9 (CO2e, AR4 as EPA states).",
            "Activity keys: mapping table src/carbonledger/factors/importers/epa_hub_mapping.csv; "
            "fuel/diesel = Distillate Fuel Oil No. 2, fuel/heavy_fuel_oil = Residual Fuel Oil No. 6, "
            "fuel/coal = Mixed (Industrial Sector), fuel/gasoline = Motor Gasoline, fuel/coke = Coal Coke, "
            "fuel/wood = Wood and Wood Residuals, fuel/bioethanol = Ethanol (100%), fuel/biodiesel = "
            "Biodiesel (100%). Table 2 mobile CO2 uses fuel/<fuel>/mobile.",
            "Tables 3-5: model years name the vehicle, they are not validity periods: "
            "vehicle/<type>/<fuel>/<model year as published> (e.g. vehicle/passenger_car/gasoline/2015, "
            "vehicle/passenger_car/gasoline/1973-1974, "
            "vehicle/heavy_duty_vehicle/gasoline/1980_and_earlier).",
            "Gas names: biomass fuels (Table 1 'Biomass Fuels' sections, Table 2 biodiesel/ethanol) give "
            "CO2_biogenic and CH4_non_fossil; fossil fuels CO2 and CH4_fossil; grid, transport-mode "
            "averages and alternative-fuel vehicles whose blend EPA does not state keep CH4 (origin "
            "unspecified).",
            "Table 6: 27 eGRID subregions as regions US-EGRID-<acronym> (src/carbonledger/data/regions/"
            "us_egrid.csv, parent US) and the US average as region US. PRMS (Puerto Rico) has no grid gross "
            "loss in the sheet: no loss_rate row.",
            "Table 9: cells 'NA' are absent, not zero. Asphalt Concrete/Recycled is stored as the cell holds "
            "it (0.0035205...; the sheet displays 0.004).",
            "Tables 11 and 12 (GWPs, blend compositions) are used by the ipcc-gwp set and not repeated here.",
            *VALIDITY_NOTES,
        ],
    )
