"""EU CBAM benchmarks for the free allocation adjustment (IR (EU) 2025/2620, Annex pt 5.3).

Edition ``2025-2620`` from the ``opencbam`` 0.1.0 JSON (Apache-2.0). Two columns per CN
code (2025/2620 Annex pts 3-4, quoted in the research note [RN] §4.7-4.8):

* **Column A** — ``BM*_g``, the process-related CBAM benchmark, used with *actual*
  embedded emissions (SFA_Proc = CBAM_y × CSCF_y × BM*_g, precursors added
  recursively);
* **Column B** — ``BM_g``, the default CBAM benchmark of the whole good, used with
  *default* values.

Indicators (Annex pt 5.3): routes C/D/E carbon steel BF-BOF / DRI-EAF / scrap-EAF, F/G/H
low-alloy steel, J high-alloy steel, K/L primary/secondary aluminium, A/B grey/white
clinker or cement; footnote (1) = value for production years 2026-27, (2) = 2028-30
(the opencbam field ``year`` holds the footnote number).

**Provisional.** The 2026 CBAM benchmarks rest on estimated EU ETS 2026-30 benchmarks;
updated values apply to imports from 1 January 2027 (2025/2620 recital 35). Every row is
flagged ``provisional``.

Tidy table ``benchmarks`` (schema ``cbam_benchmarks/1``): ``cn_code``, ``cn8``,
``description``, ``sector``, ``column`` (A/B), ``route`` ('' = any), ``years_from``,
``years_to`` (production years; '' = all), ``value`` (t CO2e/t), ``source_ref``, ``flags``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from carbonledger.errors import FactorSetError
from carbonledger.factors.importers._base import Built, OriginalSpec, Source
from carbonledger.factors.importers.cbam_common import (
    OPENCBAM_ATTRIBUTION,
    OPENCBAM_LICENCE,
    OPENCBAM_NOTICES,
    OPENCBAM_PUBLISHER,
    OPENCBAM_RETRIEVAL,
    cn_digits,
    num_or_empty,
)

SET_ID = "cbam-benchmarks"
VERSION = "1"
SCHEMA = "cbam_benchmarks/1"
BENCHMARKS = "benchmarks_2620.json"

EDITIONS = {
    "2025-2620": Source(
        originals=(
            OriginalSpec(
                BENCHMARKS,
                source_url="https://pypi.org/project/opencbam/0.1.0/",
                retrieved_from="shared/data/eu_cbam (opencbam/engine/data/benchmarks_2620.json)",
                expected_sha256="dcd9167ac696200179f9d631679c42cd6b298792e1ec56237eec4d4f51c3995b",
            ),
            *OPENCBAM_NOTICES,
        ),
        subdir="eu_cbam",
    )
}

COLUMNS = [
    "cn_code",
    "cn8",
    "description",
    "sector",
    "column",
    "route",
    "years_from",
    "years_to",
    "value",
    "source_ref",
    "flags",
]

# IR 2025/2620 Annex pt 5.3 footnotes, quoted in [RN] §4.7:
# "(1) Value is to be used for production years 2026-27; (2) ... 2028-30".
_FOOTNOTE_YEARS = {"1": ("2026", "2027"), "2": ("2028", "2030"), "": ("", "")}


def build(edition: str, originals_dir: Path) -> Built:
    if edition not in EDITIONS:
        raise FactorSetError(f"{SET_ID}: unknown edition {edition!r}")
    data = json.loads((originals_dir / BENCHMARKS).read_text(encoding="utf-8"))
    records = []
    for index, row in enumerate(data):
        if row.get("extra_groups"):
            raise FactorSetError(f"{BENCHMARKS} record {index}: unexpected extra_groups; update the importer")
        code = cn_digits(row["cn_code"])
        for column_name, column in (("column_a", "A"), ("column_b", "B")):
            for entry_no, entry in enumerate(row[column_name]):
                footnote = str(entry.get("year") or "")
                if footnote not in _FOOTNOTE_YEARS:
                    raise FactorSetError(f"{BENCHMARKS} record {index}: unknown footnote {footnote!r}")
                years_from, years_to = _FOOTNOTE_YEARS[footnote]
                records.append(
                    {
                        "cn_code": code,
                        "cn8": code[:8],
                        "description": row["description"],
                        "sector": row["sector"],
                        "column": column,
                        "route": (entry.get("route") or "").strip(),
                        "years_from": years_from,
                        "years_to": years_to,
                        "value": num_or_empty(entry["value"]),
                        "source_ref": f"{BENCHMARKS} record {index} {column_name}[{entry_no}]",
                        "flags": "provisional",
                    }
                )
    table = pd.DataFrame.from_records(records, columns=COLUMNS)
    table = table.sort_values(["cn_code", "column", "route", "years_from"], kind="stable").reset_index(
        drop=True
    )
    return Built(
        tables={"benchmarks": (table, SCHEMA)},
        kind="cbam_benchmarks",
        title="EU CBAM benchmarks (Column A process-related, Column B default), "
        "IR (EU) 2025/2620 Annex pt 5.3",
        publisher=OPENCBAM_PUBLISHER,
        source_url="http://data.europa.eu/eli/reg_impl/2025/2620/oj",
        licence=OPENCBAM_LICENCE,
        attribution=OPENCBAM_ATTRIBUTION,
        retrieval=OPENCBAM_RETRIEVAL,
        gwp_basis="n/a (t CO2e per t as published)",
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
        confidence="medium",
        confidence_notes=[
            "PROVISIONAL: the 2026 CBAM benchmarks are based on estimated EU ETS benchmarks for "
            "2026-30; updated benchmarks apply to goods imported from 1 January 2027 "
            "(IR 2025/2620 recital 35). Every row is flagged 'provisional'.",
            "Secondary transcription; spot values agree with the OJ text quoted in the research "
            "note (7208 Column B 1.370/0.481/0.072, Column A 0.044; 7203 0.295/0.397; hydrogen 5.089).",
        ],
        flags=["provisional"],
        units_conventions="t CO2e per tonne of good",
        notes=[
            "Where different alloy grades are given for the same CN code, the highest benchmark "
            "for the production year is used (2025/2620 Annex pt 5.1). The free allocation "
            "adjustment for electricity (2716 00 00) is zero (2025/2620 Art. 1(2)).",
        ],
    )
