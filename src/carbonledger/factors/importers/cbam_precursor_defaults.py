"""EU CBAM default values for precursors whose country of production is unknown
(Annex IV of IR (EU) 2025/2621; Art. 1(5) of that Regulation).

Edition ``2025-2621``: Annex IV **as first published** (OJ L 31.12.2025), from the
``opencbam`` 0.1.0 JSON (Apache-2.0), with its per-year "including mark-up" columns as
published. IR (EU) 2026/1740 replaced Annex IV in full (its Annex II), retroactively
from 1 January 2026; no machine-readable transcription of the replacement was available,
so every row carries the flag ``UNVERIFIED_vs_IR_2026_1740``.

Tidy table ``precursor_defaults`` (schema ``cbam_precursor_defaults/1``): ``cn_code``
(digits), ``cn8``, ``variant`` (white/grey for clinker and hydraulic cement),
``description``, ``sector``, ``total`` (t CO2e per t, the 'highest' value column of
Annex IV), ``route``, the published ``markup_*`` columns, ``source_ref``, ``flags``.
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
from carbonledger.factors.importers.cbam_default_values import variant_of

SET_ID = "cbam-precursor-defaults"
VERSION = "1"
SCHEMA = "cbam_precursor_defaults/1"
ANNEX_IV = "annex_iv_precursor_defaults_2621.json"

EDITIONS = {
    "2025-2621": Source(
        originals=(
            OriginalSpec(
                ANNEX_IV,
                source_url="https://pypi.org/project/opencbam/0.1.0/",
                retrieved_from="shared/data/eu_cbam "
                "(opencbam/engine/data/annex_iv_precursor_defaults_2621.json)",
                expected_sha256="e1de4c3a64d97f9e42957ef272d8efc85dc90c95b0ee4fc0a0d5f9fab02d9acd",
            ),
            *OPENCBAM_NOTICES,
        ),
        subdir="eu_cbam",
    )
}

COLUMNS = [
    "cn_code",
    "cn8",
    "variant",
    "description",
    "sector",
    "total",
    "route",
    "markup_2026",
    "markup_2027",
    "markup_2028",
    "source_ref",
    "flags",
]


def build(edition: str, originals_dir: Path) -> Built:
    if edition not in EDITIONS:
        raise FactorSetError(f"{SET_ID}: unknown edition {edition!r}")
    data = json.loads((originals_dir / ANNEX_IV).read_text(encoding="utf-8"))
    records = []
    for index, row in enumerate(data):
        code = cn_digits(row["cn_code"])
        records.append(
            {
                "cn_code": code,
                "cn8": code[:8],
                "variant": variant_of(code, row["description"]),
                "description": row["description"],
                "sector": row["sector"],
                "total": num_or_empty(row["highest"]),
                "route": (row.get("route") or "").strip(),
                "markup_2026": num_or_empty(row["markup_2026"]),
                "markup_2027": num_or_empty(row["markup_2027"]),
                "markup_2028": num_or_empty(row["markup_2028"]),
                "source_ref": f"{ANNEX_IV} record {index}",
                "flags": "UNVERIFIED_vs_IR_2026_1740",
            }
        )
    table = pd.DataFrame.from_records(records, columns=COLUMNS)
    table = table.sort_values(["cn_code", "variant", "source_ref"], kind="stable").reset_index(drop=True)
    return Built(
        tables={"precursor_defaults": (table, SCHEMA)},
        kind="cbam_precursor_defaults",
        title="EU CBAM precursor default values where the country of production is unknown "
        "(Annex IV of IR (EU) 2025/2621 as first published)",
        publisher=OPENCBAM_PUBLISHER,
        source_url="http://data.europa.eu/eli/reg_impl/2025/2621/oj",
        licence=OPENCBAM_LICENCE,
        attribution=OPENCBAM_ATTRIBUTION,
        retrieval=OPENCBAM_RETRIEVAL,
        gwp_basis="n/a (t CO2e per t as published)",
        valid_from=date(2026, 1, 1),
        valid_to=date(2027, 12, 31),
        confidence="low",
        confidence_notes=[
            "Annex IV was replaced in full by Annex II of IR (EU) 2026/1740 (retroactive from "
            "1 January 2026). These are the first-published values; they have NOT been checked "
            "against the replacement. Every row is flagged UNVERIFIED_vs_IR_2026_1740.",
        ],
        flags=["UNVERIFIED"],
        units_conventions="t CO2e per tonne of precursor",
        notes=[
            "Use only where the country of production of a precursor cannot be identified "
            "(IR 2025/2621 Art. 1(5)).",
        ],
    )
