"""China national ETS parameters that have no machine-readable original.

Edition ``2026-11`` (research cut-off of shared/docs/regulatory-facts.md, 22 Nov 2026):
``cn_ets_parameters.csv``, authored by carbonledger, one row per value or rule — the MEE
2022 default carbon content of coal (0.03085 tC/GJ) and its three-month rule, the coal
oxidation default, the compliance boundary per sector and source type, the gases per
sector, the allocation rule per sector and year (2024 "allocation = verified emissions"
for steel, cement and aluminium), the CCER offset cap, reference CEA prices with their
dates, the PFC GWP choice, the desulphurisation defaults and the display rounding of
emissions. Each row cites where the value comes from, exactly as regulatory-facts.md or
the shared China data give it, and carries its confidence tag (``V-primary``,
``V-secondary``, ``DATA``, ``UNVERIFIED``). UNVERIFIED rows get the flag ``UNVERIFIED``;
``DATA`` rows from a single secondary transcription carry ``low_confidence``. Flags reach
every result that uses the value.

Benchmark values for intensity-based allocation were NOT found in any source: they are
user input (an override file with the same columns, or the template's allowance sheet).

This set's original is authored: edit ``original/cn_ets_parameters.csv`` and rebuild from
the stored originals (``carbonledger factors build cn-ets-parameters``, without
``--source``).

Tidy table ``parameters`` (schema ``cn_ets_parameters/1``): ``parameter``, ``key``,
``value`` (text: numbers, ``|``-separated lists or rule names), ``unit``, ``citation``,
``confidence``, ``flags``, ``note``, ``source_ref``.
"""

from __future__ import annotations

import contextlib
import csv
from datetime import date
from pathlib import Path

import pandas as pd

from carbonledger.errors import FactorSetError
from carbonledger.factors.importers._base import Built, OriginalSpec, Source

SET_ID = "cn-ets-parameters"
VERSION = "1"
SCHEMA = "cn_ets_parameters/1"
PARAMETERS = "cn_ets_parameters.csv"
TAGS = {"V-primary", "V-secondary", "DATA", "UNVERIFIED"}
COLUMNS = ["parameter", "key", "value", "unit", "citation", "confidence", "flags", "note", "source_ref"]
TEXT_PARAMETERS = {"allocation_rule", "compliance_gases", "pfc_gwp_set", "coal_carbon_content_default_years"}
"""Parameters whose value is text (a rule name, a gas list, a GWP set); all others are numbers."""

EDITIONS = {
    "2026-11": Source(
        originals=(
            OriginalSpec(
                PARAMETERS,
                retrieved_from="authored by carbonledger from shared/docs/regulatory-facts.md §B and §C "
                "(cut-off 2026-11-22) and the shared China data (shared/data/china)",
            ),
        ),
        subdir="china_ets_parameters",
    )
}


def validate_rows(rows: list[dict[str, str]], label: str) -> list[str]:
    """Problems of an authored or user-supplied parameter table (empty list when valid)."""
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(rows, start=2):
        parameter = (row.get("parameter") or "").strip()
        key = (row.get("key") or "").strip()
        if not parameter or not key:
            problems.append(f"{label} line {line}: parameter and key are required")
            continue
        if (parameter, key) in seen:
            problems.append(f"{label} line {line}: duplicate parameter {(parameter, key)}")
        seen.add((parameter, key))
        value = (row.get("value") or "").strip()
        if parameter not in TEXT_PARAMETERS:
            try:
                float(value)
            except ValueError:
                problems.append(f"{label} line {line}: value {value!r} of {parameter} is not a number")
    return problems


def build(edition: str, originals_dir: Path) -> Built:
    if edition not in EDITIONS:
        raise FactorSetError(f"{SET_ID}: unknown edition {edition!r}")
    with (originals_dir / PARAMETERS).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    problems = validate_rows(rows, PARAMETERS)
    records = []
    for line, row in enumerate(rows, start=2):
        tag = row["confidence"].strip()
        if tag not in TAGS:
            problems.append(f"{PARAMETERS} line {line}: confidence {tag!r} not one of {sorted(TAGS)}")
        if not row["citation"].strip():
            problems.append(f"{PARAMETERS} line {line}: every value needs its citation")
        flags = [f for f in row["flags"].strip().split("|") if f]
        if tag == "UNVERIFIED" and "UNVERIFIED" not in flags:
            flags.append("UNVERIFIED")
        value = row["value"].strip()
        if row["parameter"].strip() not in TEXT_PARAMETERS:
            with contextlib.suppress(ValueError):  # reported by validate_rows
                value = repr(float(value))
        records.append(
            {
                "parameter": row["parameter"].strip(),
                "key": row["key"].strip(),
                "value": value,
                "unit": row["unit"].strip(),
                "citation": row["citation"].strip(),
                "confidence": tag,
                "flags": "|".join(flags),
                "note": row["note"].strip(),
                "source_ref": f"{PARAMETERS} line {line}",
            }
        )
    if problems:
        raise FactorSetError("\n".join(problems))
    table = pd.DataFrame.from_records(records, columns=COLUMNS)
    table = table.sort_values(["parameter", "key"], kind="stable").reset_index(drop=True)
    return Built(
        tables={"parameters": (table, SCHEMA)},
        kind="ets_parameters",
        title="China national ETS parameters: coal default carbon content and its measurement rule, "
        "compliance boundary, gases, allocation rules, CCER cap, reference CEA prices",
        publisher="carbonledger (authored from the MEE notices, guidelines and allocation plans as quoted by "
        "secondary sources in shared/docs/regulatory-facts.md §B)",
        source_url="https://chemical.chemlinked.com/expert-article/china-revises-requirements-on-greenhouse-gas-"
        "emission-reporting",
        licence="Official documents of PRC state organs are not protected by copyright (PRC Copyright Law "
        "Art. 5); table: carbonledger (Apache-2.0)",
        attribution="Values as quoted in carbonledger's regulatory fact base (shared/docs/regulatory-facts.md, "
        "cut-off 2026-11-22) and the shared China data; each row names its source.",
        retrieval="authored; no machine-readable original exists for these values",
        gwp_basis="n/a",
        valid_from=date(2021, 1, 1),
        valid_to=date(2026, 12, 31),
        confidence="mixed",
        confidence_notes=[
            "No official text was opened: every value is V-secondary (a news page, ICAP, a consultancy "
            "note) or DATA (a public code transcription), or UNVERIFIED.",
            "coal_carbon_content_default 0.03085 tC/GJ: V-secondary (MEE notice of 8 Jun 2022 via ChemLinked), "
            "stated for the 2021 and 2022 reporting years only.",
            "UNVERIFIED: coal oxidation default 0.99; the power-sector allocation rule (intensity); the PFC "
            "GWP set AR5 and the C2F6/CF4 ratio 0.1 (unattributed app values).",
            "DATA, low confidence: desulphurisation carbonate content 0.9 and conversion 1.0 (one spec quoting "
            "the NDRC 2013 power guideline).",
        ],
        flags=["authored", "secondary_source"],
        units_conventions="see the unit column; fractions are fractions (0.99, not 99)",
        notes=[
            "Benchmarks for intensity-based allocation (power 2024/2025, steel/cement/aluminium 2025) were not "
            "found: supply them as benchmark rows (parameter=benchmark, key=<sector>:<year>:<product>).",
            "CEA prices are reference values with their dates; the allowance cost uses the price the user gives.",
            "The fuel tables of the 2022 发电设施 guideline and of the 2024 sector guidelines were not found; "
            "fuel defaults come from the cn-fuel-* sets (see docs/factors/china.md).",
        ],
    )
