"""EU CBAM legal constants that have no machine-readable original.

Edition ``2026-11`` (research cut-off 22 Nov 2026): ``cbam_parameters.csv``, authored by
carbonledger, one row per constant — the CBAM factor phase-in per year, the
cross-sectoral correction factor (CSCF), the 50-tonne de minimis threshold and its
excluded sectors, the 50 % quarterly holding, the Q1 2026 certificate price, f = 3.664,
the natural-gas reference emission factor 56.1 t CO2/TJ, the reference boiler
efficiency, the waste-gas efficiency correction, the GWP basis … Each row cites the
legal text exactly as ``shared/docs/regulatory-facts.md`` gives it and carries its
confidence tag: ``V-primary``, ``V-secondary``, ``DATA`` or ``UNVERIFIED``. UNVERIFIED
rows are flagged ``UNVERIFIED`` (and ``provisional`` for the CSCF) so the flag reaches
every result that uses them.

This set's original is authored: edit ``original/cbam_parameters.csv`` and rebuild from
the stored originals (``carbonledger factors build cbam-parameters``, without
``--source``).

Tidy table ``parameters`` (schema ``cbam_parameters/1``): ``parameter``, ``key``,
``value``, ``unit``, ``legal_citation``, ``confidence``, ``flags``, ``note``,
``source_ref``.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd

from carbonledger.errors import FactorSetError
from carbonledger.factors.importers._base import Built, OriginalSpec, Source

SET_ID = "cbam-parameters"
VERSION = "1"
SCHEMA = "cbam_parameters/1"
PARAMETERS = "cbam_parameters.csv"
TAGS = {"V-primary", "V-secondary", "DATA", "UNVERIFIED"}

EDITIONS = {
    "2026-11": Source(
        originals=(
            OriginalSpec(
                PARAMETERS,
                retrieved_from="authored by carbonledger from shared/docs/regulatory-facts.md (cut-off "
                "2026-11-22) and the research note [RN] it cites",
            ),
        ),
        subdir="eu_cbam_parameters",
    )
}

COLUMNS = ["parameter", "key", "value", "unit", "legal_citation", "confidence", "flags", "note", "source_ref"]


def build(edition: str, originals_dir: Path) -> Built:
    if edition not in EDITIONS:
        raise FactorSetError(f"{SET_ID}: unknown edition {edition!r}")
    records = []
    seen: set[tuple[str, str]] = set()
    with (originals_dir / PARAMETERS).open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            key = (row["parameter"].strip(), row["key"].strip())
            if key in seen:
                raise FactorSetError(f"{PARAMETERS} line {line}: duplicate parameter {key}")
            seen.add(key)
            tag = row["confidence"].strip()
            if tag not in TAGS:
                raise FactorSetError(
                    f"{PARAMETERS} line {line}: confidence {tag!r} not one of {sorted(TAGS)}"
                )
            if not row["legal_citation"].strip():
                raise FactorSetError(f"{PARAMETERS} line {line}: every constant needs its legal citation")
            flags = []
            if tag == "UNVERIFIED":
                flags.append("UNVERIFIED")
            if "PROVISIONAL" in row["note"].upper():
                flags.append("provisional")
            value = row["value"].strip()
            if key[0] != "gwp_basis":
                value = repr(float(value))
            records.append(
                {
                    "parameter": key[0],
                    "key": key[1],
                    "value": value,
                    "unit": row["unit"].strip(),
                    "legal_citation": row["legal_citation"].strip(),
                    "confidence": tag,
                    "flags": "|".join(flags),
                    "note": row["note"].strip(),
                    "source_ref": f"{PARAMETERS} line {line}",
                }
            )
    table = pd.DataFrame.from_records(records, columns=COLUMNS)
    table = table.sort_values(["parameter", "key"], kind="stable").reset_index(drop=True)
    return Built(
        tables={"parameters": (table, SCHEMA)},
        kind="cbam_parameters",
        title="EU CBAM legal constants (phase-in, CSCF, thresholds, prices, monitoring constants) with "
        "their legal citations",
        publisher="carbonledger (authored from EU legislation: Reg. 2023/956 as amended by 2025/2083, "
        "Dir. 2003/87/EC, IR 2025/2547, 2025/2548, 2025/2620, 2025/2621, 2026/1740)",
        source_url="http://data.europa.eu/eli/reg/2023/956/oj",
        licence="EU legislation, reusable under Commission Decision 2011/833/EU; "
        "table: carbonledger (Apache-2.0)",
        attribution="Values from the Official Journal of the EU as quoted in carbonledger's regulatory fact "
        "base (shared/docs/regulatory-facts.md, cut-off 2026-11-22).",
        retrieval="authored; no machine-readable original exists for these constants",
        gwp_basis="n/a",
        valid_from=date(2026, 1, 1),
        valid_to=date(2034, 12, 31),
        confidence="mixed",
        confidence_notes=[
            "UNVERIFIED rows: CSCF 2026 = 1.0 (single repository claim), reference boiler efficiency "
            "0.90 and waste-gas correction 0.667 (recollection of IR 2023/1773 Annex III; both also "
            "appear in the Commission's communication template v2.1), GWP basis AR5 (CBAM annex GWP "
            "table not located), floor at zero (inference). They carry the flag UNVERIFIED into results.",
            "Q1 2026 certificate price 75.36 EUR/t: V-secondary (reported by two secondary sources).",
        ],
        flags=["authored"],
        units_conventions="see the unit column",
        notes=[
            "CSCF for 2027 onwards and certificate prices after Q1 2026 are not in this set: "
            "supply them, or carbonledger flags the assumption it makes.",
        ],
    )
