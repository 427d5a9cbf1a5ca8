"""EU CBAM mark-ups on default values, by sector and year.

Edition ``2026-1740``: the mark-up schedule of the opening paragraph of Annex I of IR
(EU) 2025/2621 as replaced by IR (EU) 2026/1740, from Daniel Scully's
``cbam_markup_schedule.csv`` (MIT). The legal text (quoted in [RN] §4.2):

    "For the calculation of the number of CBAM certificates, the default values of the
    column 'total emissions' shall be selected and increased as follows: For goods in
    the cement, iron and steel, aluminium and hydrogen sectors, the mark-up shall be 10 %
    for the year 2026, 20 % for the year 2027 and 30 % for the year 2028 and onwards.
    For goods in the fertiliser sector, the mark-up shall be 1 % for the year 2026 and
    onwards."

The transcription lists 2026, 2027 and 2028; the importer turns the last year of each
sector into an open-ended row ("and onwards"). Electricity has no mark-up (the schedule
has no electricity row; see ``cbam-parameters``).

Tidy table ``markups`` (schema ``cbam_markups/1``): ``sector``, ``year_from``,
``year_to`` ('' = onwards), ``markup_pct``, ``applies_to`` (``total``), ``source_ref``,
``legal_citation``.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd

from carbonledger.errors import FactorSetError
from carbonledger.factors.importers._base import Built, OriginalSpec, Source
from carbonledger.factors.importers.cbam_common import (
    SCULLY_ATTRIBUTION,
    SCULLY_LICENCE,
    SCULLY_NOTICE,
    SCULLY_RETRIEVAL,
)

SET_ID = "cbam-markups"
VERSION = "1"
SCHEMA = "cbam_markups/1"
SCHEDULE = "cbam_markup_schedule.csv"
CITATION = (
    "IR (EU) 2025/2621 Annex I, opening paragraph, as replaced by IR (EU) 2026/1740 "
    "(quoted in [RN] §4.2; regulatory-facts §A.3)"
)

EDITIONS = {
    "2026-1740": Source(
        originals=(
            OriginalSpec(
                SCHEDULE,
                source_url="https://github.com/Ddscully/dlt-dbt-duckdb-evidence/blob/"
                "f748ed65fc54df4f455da3636814429834a4256a/dbt/seeds/cbam_markup_schedule.csv",
                retrieved_from="shared/data/eu_cbam/ir_2026_1740_transcription",
                expected_sha256="c97dea7a04fad9716f98a3a6463e3000e8caaa05994ec487742a1f86486a0409",
            ),
            SCULLY_NOTICE,
        ),
        subdir="eu_cbam/ir_2026_1740_transcription",
    )
}

COLUMNS = ["sector", "year_from", "year_to", "markup_pct", "applies_to", "source_ref", "legal_citation"]


def build(edition: str, originals_dir: Path) -> Built:
    if edition not in EDITIONS:
        raise FactorSetError(f"{SET_ID}: unknown edition {edition!r}")
    rows: list[dict[str, str]] = []
    with (originals_dir / SCHEDULE).open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            rows.append({**row, "_line": str(line)})
    last_year: dict[str, int] = {}
    for row in rows:
        last_year[row["product_group"]] = max(last_year.get(row["product_group"], 0), int(row["year"]))
    records = [
        {
            "sector": row["product_group"],
            "year_from": row["year"],
            "year_to": "" if int(row["year"]) == last_year[row["product_group"]] else row["year"],
            "markup_pct": repr(float(row["markup_pct"])),
            "applies_to": "total",
            "source_ref": f"{SCHEDULE} line {row['_line']}",
            "legal_citation": CITATION,
        }
        for row in rows
    ]
    table = pd.DataFrame.from_records(records, columns=COLUMNS)
    table = table.sort_values(["sector", "year_from"], kind="stable").reset_index(drop=True)
    return Built(
        tables={"markups": (table, SCHEMA)},
        kind="cbam_markups",
        title="EU CBAM mark-ups on default values by sector and year (IR 2025/2621 Annex I as replaced "
        "by IR 2026/1740)",
        publisher="European Commission (Official Journal of the EU); transcription by Daniel Scully",
        source_url="http://data.europa.eu/eli/reg_impl/2025/2621/oj (Annex I replaced by CELEX 32026R1740)",
        licence=SCULLY_LICENCE,
        attribution=SCULLY_ATTRIBUTION,
        retrieval=SCULLY_RETRIEVAL,
        gwp_basis="n/a",
        valid_from=date(2026, 1, 1),
        valid_to=date(2027, 12, 31),
        confidence="high",
        confidence_notes=[
            "Schedule agrees with the verbatim legal text quoted in [RN] §4.2 and with S&P Global "
            "(17 Dec 2025) on fertilisers (regulatory-facts §A.3, V-primary).",
        ],
        units_conventions="percent applied to the 'total emissions' default value",
        notes=[
            "Applied to the total (direct + indirect) default value, inside the CBAM Registry "
            "since IR 2026/1740; direct and indirect columns are for information only.",
            "The quarterly 50 % holding (Reg. 2023/956 Art. 22(2) as amended) uses defaults WITHOUT mark-up.",
        ],
    )
