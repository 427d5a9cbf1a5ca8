"""UK Government GHG Conversion Factors for Company Reporting (DESNZ/Defra), flat file.

Originals
---------
The "flat file" workbook of each yearly edition, sheet ``Factors by Category`` (header row
starting with ``ID``; columns ``ID, Scope, Level 1..4, Column Text, UOM, GHG/Unit,
GHG Conversion Factor <year>``). Open Government Licence v3.0. Provenance and SHA-256 in
``shared/data/desnz/SOURCE.txt`` and in each edition's manifest.

Rows
----
Every sheet row with a value becomes one tidy row (``emission_factors/1``); rows whose
value cell is blank are not factors (DESNZ: "not available") and are counted in the
manifest notes.

* ``factor_id`` = the DESNZ ``ID`` without its last component. The ID has five
  ``_``-separated components: Level-1 category, Level-2 category, item, UOM code and
  GHG/Unit code (1 ``kg CO2e``, 2 CO2, 3 CH4, 4 N2O, 5 ``kWh (Net CV)``, 6 ``kWh (net)``).
  The build checks, for every edition, that the last component agrees with ``GHG/Unit``,
  that all rows of one ``factor_id`` share Scope, Levels, Column Text and UOM, and that
  no GHG/Unit repeats within a ``factor_id``; any violation stops the build.
* ``source_ref`` = ``Factors by Category row <n>, ID <full DESNZ ID>``.
* Gases: ``kg CO2e`` → ``CO2e``; ``kg CO2e of CO2 per unit`` → ``CO2`` (``CO2_biogenic``
  on the "Outside of scopes" rows); CH4 → ``CH4_fossil`` / ``CH4_non_fossil`` / ``CH4``
  from the ``ch4`` column of ``desnz_mapping.csv`` (fossil fuels and fossil-fuelled
  vehicles / bioenergy / mixed or unclear origin such as grid electricity, heat, rail,
  electric and plug-in vehicles in Scope 3); N2O → ``N2O``. Units ``kg CO2e/<activity
  unit>`` with ``gwp_basis`` AR5: DESNZ publishes each gas as CO2e under AR5 GWP100
  ("kg CO2e of Y per X", Introduction sheet of the full set), so carbonledger can divide
  by the AR5 GWP and re-apply another set.
* ``kWh (Net CV)`` / ``kWh (net)`` rows (SECR energy per km/mile/tonne.km) →
  ``parameter = energy_per_unit``, unit ``kWh/<activity unit>``, no gas.
* UOM text → pint units (:data:`UOM`); ``kWh (Gross CV)``/``kWh (Net CV)`` → ``kWh`` with
  ``basis`` ``gross_cv``/``net_cv``; bioenergy and outside-of-scopes energy units are net
  CV (DESNZ states it); the CV basis of WTT-bioenergy energy units is not stated (rows
  flagged ``cv_basis_unstated``).
* Activity keys, defaults and CH4 origin come from the reviewable table
  ``desnz_mapping.csv`` next to this module, keyed by the DESNZ category path (Level 1-4,
  Column Text). A path with values but no row in the table stops the build (listing every
  such path); a row may leave ``activity`` empty to keep a factor pinnable only.
* ``preference`` (lower wins among factors with the same activity and unit dimension) =
  ``10 × mapping preference`` + ``1`` for ``kWh (Net CV)`` (DESNZ: most energy billing is
  on a gross CV basis) + ``2`` for ``miles`` and ``million litres`` (the km / m3 row of
  the same factor wins) + ``100`` for ``energy_per_unit`` rows (SECR kWh factors share the
  vehicle's key; the emission factor must win). The build checks that no two factors of an
  edition tie.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from carbonledger.activities import is_valid_key
from carbonledger.errors import InputError, Problem
from carbonledger.factors.importers._base import Built, OriginalSpec, Source
from carbonledger.factors.schema import COLUMNS, SCHEMA

__all__ = [
    "EDITIONS",
    "FILES",
    "GHG_UNITS",
    "MAPPING_FILE",
    "SET_ID",
    "UOM",
    "VERSION",
    "MappingRow",
    "build",
    "mapping",
    "read_flat_file",
]

SET_ID = "desnz"
VERSION = "1"

SHEET = "Factors by Category"
FRONT_PAGE = "Front page"
MAPPING_FILE = "desnz_mapping.csv"
HEADER = ("ID", "Scope", "Level 1", "Level 2", "Level 3", "Level 4", "Column Text", "UOM", "GHG/Unit")
REGION = "GB"
COLLECTION_URL = (
    "https://www.gov.uk/government/collections/government-conversion-factors-for-company-reporting"
)

FILES = {
    "2024": "ghg-conversion-factors-2024-FlatFormat_v1_1.xlsx",
    "2025": "ghg-conversion-factors-2025-flat-format.xlsx",
}

EDITIONS = {
    "2024": Source(
        originals=(
            OriginalSpec(
                FILES["2024"],
                source_url=COLLECTION_URL,
                retrieved_from="byte copy of github.com/SWASTIKA3011/Carbon-Lens "
                "ghg-conversion-factors-2024-FlatFormat_v1_1.xlsx @ bf80fee84c7e30436663ff85c9a738f7f83c179b "
                "(via shared/data/desnz, see SOURCE.txt); not downloaded from gov.uk",
            ),
        ),
        subdir="desnz",
    ),
    "2025": Source(
        originals=(
            OriginalSpec(
                FILES["2025"],
                source_url="https://assets.publishing.service.gov.uk/media/6846b6ea57f3515d9611f0dd/"
                "ghg-conversion-factors-2025-flat-format.xlsx",
                retrieved_from="byte copy of github.com/streetvisit/carbon-recycling-platform "
                "reference-data/uk-gov-conversion-factors/2025/flat-file.xlsx @ "
                "bbfb79a797bf6a081e57807bbd789be521a5452f (via shared/data/desnz, see SOURCE.txt)",
                expected_sha256="8bfdb45b81ec4a88e3bdf4584637330f62e6bd09ce1940e654c5d7b7f736de94",
            ),
        ),
        subdir="desnz",
    ),
}

# GHG/Unit text -> (last ID component, parameter, gas before the CH4/biogenic rules)
GHG_UNITS: dict[str, tuple[str, str, str]] = {
    "kg CO2e": ("1", "emission_factor", "CO2e"),
    "kg CO2e of CO2 per unit": ("2", "emission_factor", "CO2"),
    "kg CO2e of CH4 per unit": ("3", "emission_factor", "CH4"),
    "kg CO2e of N2O per unit": ("4", "emission_factor", "N2O"),
    "kWh (Net CV)": ("5", "energy_per_unit", ""),
    "kWh (net)": ("6", "energy_per_unit", ""),
}

# DESNZ UOM text -> (pint unit of the activity, basis). 'cubic metres' are actual m3
# (DESNZ gives no reference conditions, so not Nm3); 'tonne.km' = tkm, 'passenger.km' = pkm.
UOM: dict[str, tuple[str, str]] = {
    "tonnes": ("t", ""),
    "kg": ("kg", ""),
    "litres": ("L", ""),
    "million litres": ("megaliter", ""),
    "cubic metres": ("m**3", ""),
    "kWh (Gross CV)": ("kWh", "gross_cv"),
    "kWh (Net CV)": ("kWh", "net_cv"),
    "kWh": ("kWh", ""),
    "GJ": ("GJ", ""),
    "km": ("km", ""),
    "miles": ("mile", ""),
    "tonne.km": ("tkm", ""),
    "passenger.km": ("pkm", ""),
    "Room per night": ("room_night", ""),
    "per FTE Working Hour": ("FTE_hour", ""),
}

# preference offsets within one mapping rank (see module docstring)
_UNIT_RANK = {"kWh (Net CV)": 1, "miles": 2, "million litres": 2}
_ENERGY_OFFSET = 100

_CH4_GAS = {"fossil": "CH4_fossil", "non_fossil": "CH4_non_fossil", "unspecified": "CH4"}

# Level-1 categories whose 'kWh'/'GJ' units DESNZ states to be on a net CV basis (2025 full
# set: 'Bioenergy' sheet row 8, "All factors are on a net calorific value basis";
# 'Outside of scopes' sheet row 12, "All outside of scopes energy-based factors are provided
# on a net CV basis"). Electricity rows have no CV basis.
_NET_CV_LEVEL1 = {"Bioenergy", "Outside of scopes"}
_CV_UNSTATED_LEVEL1 = {"WTT- bioenergy"}
_ENERGY_UOMS = {"kWh", "GJ"}

_RF_FLAGS = {"With RF": "radiative_forcing_included", "Without RF": "radiative_forcing_excluded"}
_RF_CO2_NOTE = "CO2 value includes DESNZ's +70% uplift for indirect non-CO2 (RF) effects"
_REFRIGERANT_NOTE = (
    "GWP100 (DESNZ: AR5 excl. climate-carbon feedback; AR4, AR6 or EU F-gas values where AR5 has none)"
)
_CV_UNSTATED_NOTE = "DESNZ does not state the CV basis of WTT bioenergy energy units"
_ENERGY_NOTES = {
    "kWh (Net CV)": "kWh on a net CV basis (DESNZ SECR factor)",
    "kWh (net)": "kWh of electricity (DESNZ SECR 'kWh (net)')",
}

_ID = re.compile(r"^\d+(_\d+){4}$")
_SPACE = re.compile(r"\s+")


def _text(value: object) -> str:
    """Cell text with whitespace runs collapsed and trimmed ('' for empty cells)."""
    if value is None:
        return ""
    return _SPACE.sub(" ", str(value)).strip()


@dataclass(frozen=True)
class MappingRow:
    """One row of ``desnz_mapping.csv``: a DESNZ category path and what it maps to."""

    path: tuple[str, str, str, str, str]
    activity: str
    preference: int
    ch4: str
    note: str
    line: int


@lru_cache(maxsize=1)
def mapping() -> dict[tuple[str, str, str, str, str], MappingRow]:
    """The category-path table (validated: keys well formed, ch4 origin known, no duplicates)."""
    problems: list[Problem] = []
    rows: dict[tuple[str, str, str, str, str], MappingRow] = {}
    resource = resources.files(__package__) / MAPPING_FILE
    with io.StringIO(resource.read_text(encoding="utf-8"), newline="") as handle:
        reader = csv.DictReader(handle)
        for line, record in enumerate(reader, start=2):
            path = (
                _text(record["level1"]),
                _text(record["level2"]),
                _text(record["level3"]),
                _text(record["level4"]),
                _text(record["column_text"]),
            )

            def bad(field: str, message: str, value: str, accepted: str, line: int = line) -> None:
                problems.append(
                    Problem(message, file=MAPPING_FILE, row=line, field=field, value=value, accepted=accepted)
                )

            activity = record["activity"].strip()
            if activity and not is_valid_key(activity):
                bad("activity", "malformed activity key", activity, "family/name[/more], e.g. fuel/diesel")
            preference_text = record["preference"].strip()
            preference = 0
            if activity:
                if preference_text.isdigit() and 1 <= int(preference_text) <= 9:
                    preference = int(preference_text)
                else:
                    # 10 x preference + unit offsets (0-2) + 100 for energy rows must not overlap
                    bad("preference", "preference must be an integer from 1 to 9", preference_text, "1-9")
            ch4 = record["ch4"].strip()
            if ch4 and ch4 not in _CH4_GAS:
                bad("ch4", "unknown CH4 origin", ch4, ", ".join(sorted(_CH4_GAS)))
            if path in rows:
                bad("level1", "duplicate category path", " > ".join(path), "one row per path")
            rows[path] = MappingRow(path, activity, preference, ch4, record["note"].strip(), line)
    if problems:
        raise InputError(problems, summary=f"{MAPPING_FILE}: {len(problems)} problem(s)")
    return rows


@dataclass(frozen=True)
class SheetRow:
    """One data row of 'Factors by Category' (blank-value rows included)."""

    row: int
    desnz_id: str
    scope: str
    path: tuple[str, str, str, str, str]
    uom: str
    ghg: str
    value: object


@dataclass(frozen=True)
class FlatFile:
    """What the importer reads from one flat-file workbook."""

    rows: list[SheetRow]
    year: int | None
    version: str
    front_page: list[str]
    value_header: str
    extra_sheets: list[str]


def _front_page(sheet: Any) -> tuple[int | None, str, list[str]]:
    year: int | None = None
    version = ""
    lines: list[str] = []
    for cells in sheet.iter_rows(values_only=True):
        values = [c for c in cells if c is not None and _text(c) != ""]
        if not values:
            continue
        lines.append(" ".join(_text(v) if not hasattr(v, "date") else str(v.date()) for v in values))
        for i, value in enumerate(values[:-1]):
            label = _text(value)
            if label == "Year:" and year is None and isinstance(values[i + 1], int | float):
                year = int(values[i + 1])
            if label == "Version:" and not version:
                version = _text(values[i + 1])
    return year, version, lines


def read_flat_file(path: Path) -> FlatFile:
    """Read the Front page and every data row of 'Factors by Category'."""
    name = path.name
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if SHEET not in workbook.sheetnames:
            raise InputError(
                [Problem(f"sheet {SHEET!r} not found", file=name, accepted=", ".join(workbook.sheetnames))]
            )
        year, version, front = (
            _front_page(workbook[FRONT_PAGE]) if FRONT_PAGE in workbook.sheetnames else (None, "", [])
        )
        extra = [s for s in workbook.sheetnames if s not in (FRONT_PAGE, SHEET)]
        cells = list(workbook[SHEET].iter_rows(values_only=True))
    finally:
        workbook.close()
    header_at = next((i for i, r in enumerate(cells) if r and _text(r[0]) == "ID"), None)
    if header_at is None:
        raise InputError([Problem("no header row starting with 'ID'", file=name, sheet=SHEET)])
    header = tuple(_text(c) for c in cells[header_at][: len(HEADER) + 1])
    if header[: len(HEADER)] != HEADER or not header[len(HEADER)].startswith("GHG Conversion Factor"):
        raise InputError(
            [
                Problem(
                    "unexpected header",
                    file=name,
                    sheet=SHEET,
                    row=header_at + 1,
                    value=", ".join(header),
                    accepted=", ".join(HEADER) + ", GHG Conversion Factor <year>",
                )
            ]
        )
    rows: list[SheetRow] = []
    for offset, raw in enumerate(cells[header_at + 1 :], start=header_at + 2):
        record = tuple(raw) + (None,) * (len(HEADER) + 1 - len(raw))
        desnz_id = _text(record[0])
        if not desnz_id:
            if _text(record[1]) == "END":
                break
            continue
        rows.append(
            SheetRow(
                row=offset,
                desnz_id=desnz_id,
                scope=_text(record[1]),
                path=(
                    _text(record[2]),
                    _text(record[3]),
                    _text(record[4]),
                    _text(record[5]),
                    _text(record[6]),
                ),
                uom=_text(record[7]),
                ghg=_text(record[8]),
                value=record[9],
            )
        )
    return FlatFile(rows, year, version, front, header[len(HEADER)], extra)


def _number(value: object) -> float | None:
    """The cell's number, None for a blank cell; raises ValueError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(str(value))
    return float(value)


def _tidy_rows(flat: FlatFile, file: str) -> tuple[pd.DataFrame, list[Problem], dict[str, int]]:
    """Tidy rows from the sheet rows; every problem collected, none raised here."""
    table = mapping()
    problems: list[Problem] = []
    counts: dict[str, int] = defaultdict(int)
    unmapped: dict[tuple[str, str, str, str, str], int] = {}
    groups: dict[str, tuple[str, tuple[str, ...], str, int]] = {}
    seen: set[tuple[str, str]] = set()
    records: list[dict[str, object]] = []

    def bad(row: int, field: str, message: str, value: str, accepted: str | None = None) -> None:
        problems.append(
            Problem(message, file=file, sheet=SHEET, row=row, field=field, value=value, accepted=accepted)
        )

    for r in flat.rows:
        if not _ID.match(r.desnz_id):
            bad(r.row, "ID", "DESNZ ID is not five '_'-separated numbers", r.desnz_id, "e.g. 1_100_1004_6_1")
            continue
        factor_id, suffix = r.desnz_id.rsplit("_", 1)
        # the grouping assumption, checked on every row (blank or not)
        described = (r.scope, r.path, r.uom, r.row)
        first = groups.setdefault(factor_id, (r.scope, r.path, r.uom, r.row))
        if (first[0], first[1], first[2]) != described[:3]:
            bad(
                r.row,
                "ID",
                f"rows of factor {factor_id} describe different activities (first at row {first[3]})",
                " > ".join(r.path) + f" [{r.uom}]",
            )
        if r.ghg not in GHG_UNITS:
            bad(r.row, "GHG/Unit", "unknown GHG/Unit", r.ghg, ", ".join(GHG_UNITS))
            continue
        expected_suffix, parameter, gas = GHG_UNITS[r.ghg]
        if suffix != expected_suffix:
            bad(
                r.row,
                "ID",
                f"last ID component {suffix} does not match GHG/Unit {r.ghg!r}",
                r.desnz_id,
                f"ID ending _{expected_suffix}",
            )
        if (factor_id, r.ghg) in seen:
            bad(r.row, "ID", f"GHG/Unit {r.ghg!r} repeats within factor {factor_id}", r.desnz_id)
        seen.add((factor_id, r.ghg))
        try:
            value = _number(r.value)
        except ValueError:
            bad(r.row, flat.value_header, "value is not a number", str(r.value), "a number or an empty cell")
            continue
        if value is None:
            counts["blank"] += 1
            continue
        if r.uom not in UOM:
            bad(r.row, "UOM", "unknown UOM", r.uom, ", ".join(UOM))
            continue
        entry = table.get(r.path)
        if entry is None:
            unmapped.setdefault(r.path, r.row)
            continue
        unit, basis = UOM[r.uom]
        level1 = r.path[0]
        flags: list[str] = []
        notes: list[str] = [entry.note] if entry.note else []
        if r.uom in _ENERGY_UOMS and level1 in _NET_CV_LEVEL1 and r.path[1] != "Electricity generated":
            basis = "net_cv"
        if r.uom in _ENERGY_UOMS and level1 in _CV_UNSTATED_LEVEL1:
            flags.append("cv_basis_unstated")
            notes.append(_CV_UNSTATED_NOTE)
        if gas == "CO2" and r.scope == "Outside of Scopes":
            gas = "CO2_biogenic"
        if gas == "CH4":
            if not entry.ch4:
                bad(
                    r.row,
                    "GHG/Unit",
                    "CH4 row but the mapping row gives no CH4 origin",
                    " > ".join(r.path),
                    f"fill column ch4 of {MAPPING_FILE} row {entry.line}: {', '.join(_CH4_GAS)}",
                )
                continue
            gas = _CH4_GAS[entry.ch4]
        if r.scope == "Outside of Scopes":
            flags.append("outside_scopes")
        rf_flag = _RF_FLAGS.get(r.path[4]) if "flight" in r.path[1].lower() else None
        if rf_flag:
            flags.append(rf_flag)
            if gas == "CO2" and r.path[4] == "With RF":
                notes.append(_RF_CO2_NOTE)
        if level1 == "Refrigerant & other":
            notes.append(_REFRIGERANT_NOTE)
        if parameter == "energy_per_unit":
            notes.append(_ENERGY_NOTES[r.ghg])
            row_unit, gwp_basis = f"kWh/{unit}", ""
        else:
            row_unit, gwp_basis = f"kg CO2e/{unit}", "AR5"
        preference = (
            0
            if not entry.activity
            else 10 * entry.preference
            + _UNIT_RANK.get(r.uom, 0)
            + (_ENERGY_OFFSET if parameter == "energy_per_unit" else 0)
        )
        counts["rows"] += 1
        records.append(
            {
                "factor_id": factor_id,
                "activity": entry.activity,
                "name": " > ".join(p for p in r.path if p) + f" [{r.uom}]",
                "region": REGION,
                "parameter": parameter,
                "gas": gas,
                "value": value,
                "unit": row_unit,
                "gwp_basis": gwp_basis,
                "basis": basis,
                "scope": r.scope,
                "preference": preference,
                "source_ref": f"{SHEET} row {r.row}, ID {r.desnz_id}",
                "confidence": "high",
                "flags": "|".join(flags),
                "note": "; ".join(notes),
            }
        )
    for path, row in unmapped.items():
        bad(
            row,
            "Level 1",
            f"category path (Level 1-4, Column Text) has values but no row in {MAPPING_FILE}",
            str(path),
            f"add a row to {MAPPING_FILE} (activity may be empty to keep it pinnable only)",
        )
    columns = [c for c in COLUMNS if c not in ("valid_from", "valid_to")]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame, problems, dict(counts)


def _ties(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Factors that the resolver could not tell apart (same activity, unit dimension and
    preference): the mapping must give them different preferences."""
    from carbonledger.factors.resolve import activity_dimension

    mapped = frame[frame["activity"] != ""]
    columns = ["factor_id", "activity", "parameter", "unit", "preference"]
    factors = mapped.drop_duplicates("factor_id")[columns]
    dims = [activity_dimension(p, u) for p, u in zip(factors["parameter"], factors["unit"], strict=True)]
    factors = factors.assign(dim=dims)
    dup = factors.duplicated(["activity", "dim", "preference"], keep=False)
    problems = []
    for (activity, _dim, preference), group in factors[dup].groupby(["activity", "dim", "preference"]):
        problems.append(
            Problem(
                f"factors {', '.join(sorted(group['factor_id']))} tie for activity {activity!r} "
                f"(same unit dimension, preference {preference})",
                file=file,
                field="preference",
                accepted=f"different preferences in {MAPPING_FILE}",
            )
        )
    return problems


def build(edition: str, originals_dir: Path) -> Built:
    """Build the tidy table of one edition from its flat file in ``originals_dir``."""
    filename = FILES[edition]
    flat = read_flat_file(originals_dir / filename)
    problems: list[Problem] = []
    if flat.year != int(edition):
        problems.append(
            Problem(
                f"Front page year {flat.year} is not the edition {edition}",
                file=filename,
                sheet=FRONT_PAGE,
                field="Year",
                accepted=edition,
            )
        )
    if not flat.value_header.endswith(edition):
        problems.append(
            Problem(
                "value column is not this edition's",
                file=filename,
                sheet=SHEET,
                field="header",
                value=flat.value_header,
                accepted=f"GHG Conversion Factor {edition}",
            )
        )
    frame, row_problems, counts = _tidy_rows(flat, filename)
    problems += row_problems
    if not problems:
        problems += _ties(frame, filename)
    if problems:
        raise InputError(problems, summary=f"{filename}: {len(problems)} problem(s)")
    year = int(edition)
    frame["valid_from"] = date(year, 1, 1).isoformat()
    frame["valid_to"] = date(year, 12, 31).isoformat()
    frame = frame[list(COLUMNS)]
    return Built(
        tables={"factors": (frame, SCHEMA)},
        title=f"UK Government GHG Conversion Factors for Company Reporting {edition} (flat file)",
        publisher="Department for Energy Security and Net Zero (DESNZ) and Defra, UK Government",
        source_url=COLLECTION_URL,
        licence="Open Government Licence v3.0",
        attribution="Contains public sector information licensed under the Open Government Licence v3.0. "
        f"UK Government GHG Conversion Factors for Company Reporting {edition}, DESNZ.",
        retrieval="Byte copy of the flat-file workbook from a public GitHub repository (see originals "
        "retrieved_from); provenance in shared/data/desnz/SOURCE.txt",
        gwp_basis="AR5",
        valid_from=date(year, 1, 1),
        valid_to=date(year, 12, 31),
        confidence="high",
        confidence_notes=_confidence_notes(edition, flat),
        flags=["third_party_copy"] if edition == "2024" else [],
        units_conventions=_UNITS_CONVENTIONS,
        notes=_notes(edition, flat, counts),
    )


_FULL_SET = (
    "DESNZ 2025 full set (ghg-conversion-factors-2025-full-set.xlsx, SHA-256 "
    "c08f24dac724a7598f54a7c7b28ad21fa88ca48d8ebd98cb9e172ffc184b5e5a, in shared/data/desnz; "
    "not stored in this set)"
)

_UNITS_CONVENTIONS = (
    "Emission factors: unit 'kg CO2e/<activity unit>'. gas CO2e = DESNZ's total; gas CO2, CH4_fossil, "
    "CH4_non_fossil, CH4, N2O, CO2_biogenic = DESNZ's 'kg CO2e of <gas> per unit' under AR5 GWP100 "
    "(divide by the AR5 GWP for the gas mass). energy_per_unit: 'kWh/<activity unit>' (SECR). Activity "
    "units: tonnes -> t, litres -> L, million litres -> megaliter, cubic metres -> m**3 (actual volume, "
    "not Nm3), kWh (Gross CV)/kWh (Net CV) -> kWh with basis gross_cv/net_cv, miles -> mile, tonne.km -> "
    "tkm, passenger.km -> pkm, Room per night -> room_night, per FTE Working Hour -> FTE_hour. Vehicle "
    "'km'/'miles' are vehicle distance (plain length)."
)


def _confidence_notes(edition: str, flat: FlatFile) -> list[str]:
    notes = [
        "Official UK Government factors; values are taken from the publisher's flat file unchanged "
        "(Excel floats as stored, including a few unrounded values such as CH4 of diesel cars).",
    ]
    if edition == "2025":
        notes.append(
            "The SHA-256 of the stored workbook equals the one another public repository records for the "
            "official gov.uk download (shared/data/desnz/SOURCE.txt), so the copy is very likely pristine."
        )
    else:
        notes.append(
            "The stored 2024 workbook is a copy from a third-party repository, not a gov.uk download, and no "
            "independent SHA-256 of the official file is available. It carries user-added sheets "
            f"({', '.join(flat.extra_sheets)}); 'Sheet1' holds rounded values for some cells that are BLANK "
            "in 'Factors by Category' (e.g. 4_300_3244_4_1, Mini Hybrid car, 0.115) - those are not DESNZ "
            "factors and are not imported. Evidence that 'Factors by Category' is intact: its Front page "
            "says Version 1.1 / 2024; the 28 cells Sheet1 fills in stay blank there; all 8,740 IDs equal "
            "those of the official 2025 file and so do the category texts, except the 42 rows DESNZ "
            "renamed in 2025 ('Combustion' -> 'Incineration with Energy Recovery'); the 39 Sheet1 values "
            "copied from non-blank cells equal the factor sheet. Values cannot be verified cell by cell "
            "against gov.uk here (no independent copy or hash of the official 2024 file is available)."
        )
    return notes


def _notes(edition: str, flat: FlatFile, counts: dict[str, int]) -> list[str]:
    return [
        f"Front page: Version {flat.version}, Year {flat.year}; sheet '{SHEET}' column "
        f"'{flat.value_header}'. {counts.get('rows', 0):,} rows with a value imported; "
        f"{counts.get('blank', 0):,} rows with an empty value cell (DESNZ: factor not available) skipped.",
        "Validity: the calendar year of the edition. DESNZ: 'factors labelled as 2024 should be used for "
        "data from calendar year 2024'; for April-March or other reporting years DESNZ allows a "
        "'Majority' approach (the factor year holding most of the data) or a 'Blended' approach "
        f"(day-weighted), to be stated by the user ({_FULL_SET}, 'Introduction' row 38; 'Heat and "
        "steam' row 11 and 'Transmission and distribution' row 12: 'based on a calendar reporting year').",
        "GWP basis AR5 (GWP100): DESNZ 'The GWPs used in the calculation of CO2e are based on ... AR5 over a "
        f"100-year period' ({_FULL_SET}, 'Introduction' row 35). Checked in the data: the 'Refrigerant & "
        "other' values of CH4 (28), N2O (265), SF6 (23,500), NF3 (16,100) and every HFC/PFC listed equal "
        "the AR5 values of the ipcc-gwp set (tests/factors/test_desnz.py). DESNZ: refrigerant GWPs are "
        "'primarily' AR5 excl. feedbacks, with AR4/AR6/EU F-gas values where AR5 has none (row 12). "
        "carbonledger's gwp module remains the primary source of refrigerant GWPs.",
        "Per-gas rows sum to the CO2e total within DESNZ's rounding (5 decimals per value; differences "
        "are at most 1e-5 kg CO2e per unit in both editions). DESNZ: 'some kg CO2e values may not align "
        "with the sum of the constituent GHGs due to rounding' (Introduction row 36). carbonledger's "
        "calculation uses the per-gas rows when a factor has them.",
        "factor_id grouping (ID without its last component) holds in this edition: checked on every "
        "build (same Scope/Levels/Column Text/UOM per group, GHG/Unit code 1-6 matches the ID suffix, no "
        "repeats). ID components: Level-1 code, Level-2 code, item code (shared across sheets, e.g. 3000 "
        "= Mini diesel car in Scope 1, business travel, WTT and SECR), UOM code (1 cubic metres, 2 GJ, "
        "3 kg, 4 km, 5 kWh, 6 kWh (Gross CV), 7 kWh (Net CV), 8 litres, 9 miles, 10 million litres, 11 "
        "passenger.km, 12 per FTE Working Hour, 13 Room per night, 14 tonne.km, 15 tonnes), GHG/Unit code.",
        "Aviation default: factors WITH radiative forcing (preference 10), without RF pinnable "
        "(preference 20). DESNZ: 'Users should generally use the including indirect effects of non-CO2 "
        f"emissions factors' ({_FULL_SET}, 'Business travel- air' rows 12 and 47; 'Freighting goods' rows "
        "14 and 172). The with-RF CO2 row carries the whole +70% uplift (DESNZ applies it to CO2 only).",
        "Fuel defaults: Diesel/Petrol (average biofuel blend) and 'Natural gas' (grid gas) are the "
        "defaults of fuel/diesel, fuel/gasoline and fuel/natural_gas; the 100% mineral variants are "
        "preference 2 (pinnable). DESNZ: forecourt fuel 'should use diesel (average biofuel blend)'; "
        "'any organisation that reports emissions from natural gas use should use the natural gas factor' "
        f"({_FULL_SET}, 'Fuels' row 12). kWh on a gross CV basis wins over net CV for the same fuel "
        "('the majority of energy billing is provided on a gross CV basis', 'Fuels' row 11).",
        "CH4 gas naming: CH4_fossil for fossil fuels and fossil-fuelled vehicles, flights, ships and "
        "coaches; CH4_non_fossil for bioenergy (DESNZ publishes no per-gas rows for bioenergy); plain CH4 "
        "where the origin is mixed or unclear (grid electricity, heat and steam, T&D, EV electricity, "
        "rail, local buses, taxis, and Scope 3 plug-in/battery cars and vans). Average-biofuel-blend "
        "fuels are treated as fossil (their small biofuel share's CH4 is not split out by DESNZ).",
        "Outside of scopes: biogenic CO2 rows (gas CO2_biogenic, flag outside_scopes) have their own keys "
        "outside_scopes/<key> (e.g. outside_scopes/fuel/diesel for forecourt diesel, "
        "outside_scopes/electricity/grid): DESNZ publishes them as separate factors to be reported as a "
        "separate line ('Fuels' row 19, 'Outside of scopes' row 8).",
        "Refrigerants: 'Emissions including only Kyoto products' is the default of refrigerant/<name> "
        "(DESNZ: 'only Kyoto Protocol gases need to be reported under Scope 1', 'Refrigerant & other' "
        "row 209); 'Total emissions including non-Kyoto products' is preference 2; 'only non-Kyoto "
        "products' rows have no activity key (pinnable).",
        "SECR kWh factors (energy_per_unit) share the key of the vehicle they describe, with preference "
        "+100 so that emission factors always win the resolver's tie-break.",
        "Not in the flat file (so not imported): the full set's 'Overseas electricity', 'Conversions', "
        "'Fuel properties' and 'Haul definition' sheets.",
        "Activity keys, defaults and the CH4 origin of each DESNZ category path: "
        f"src/carbonledger/factors/importers/{MAPPING_FILE}; documentation: docs/factors/desnz.md.",
    ]
