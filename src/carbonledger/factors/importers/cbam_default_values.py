"""EU CBAM default values by CN code and country (Annex I of IR (EU) 2025/2621).

Editions
--------
* ``2026-1740`` — **in force**: Annex I of Commission Implementing Regulation (EU)
  2025/2621 *as replaced by* Commission Implementing Regulation (EU) 2026/1740 (OJ L
  31.7.2026, applicable retroactively from 1 January 2026). Transcription: Daniel
  Scully's ``cbam_default_values.csv`` + ``cbam_goods.csv`` (MIT). Clinker, hydraulic
  cement and calcined clay are keyed by 10-digit TARIC codes (white vs grey). The
  mark-up columns were deleted by 2026/1740 (recital 10): the Registry applies the
  mark-up to the 'total emissions' column (see the ``cbam-markups`` set).
* ``2025-2621`` — the table **as first published** (OJ L 31.12.2025), from the
  ``opencbam`` 0.1.0 JSON (Apache-2.0), with its per-year "including mark-up" columns
  kept for cross-checking. Superseded by 2026/1740; kept as the earlier edition.

Tidy table ``default_values`` (schema ``cbam_default_values/1``), one row per
(country table, good): ``country`` is ISO 3166-1 alpha-2 or ``OTHER`` for "Other
countries and territories"; ``cn_code`` the code as published (4-10 digits, no
spaces); ``cn8`` its first 8 digits; ``good_key`` joins the ``goods`` table (CN code,
variant, sector, description as published); ``variant`` ``white``/``grey`` where the table
splits a CN code by clinker colour; ``direct``/``indirect``/``total`` in t CO2e per
tonne of good ('' where the table shows '–', 'N/A' or nothing); ``value_status``
``value`` or ``no_value`` (no value → the 'Other countries and territories' value
applies, per the opening paragraph of Annex I); ``route`` the production-route code of
the table (C = BF/BOF, K = primary aluminium … as in IR 2025/2620 Annex pt 5.3).
"""

from __future__ import annotations

import csv
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
    SCULLY_ATTRIBUTION,
    SCULLY_LICENCE,
    SCULLY_NOTICE,
    SCULLY_RETRIEVAL,
    cn_digits,
    country_iso2,
    num_or_empty,
)

SET_ID = "cbam-default-values"
VERSION = "1"
SCHEMA = "cbam_default_values/1"
GOODS_SCHEMA = "cbam_default_goods/1"

SCULLY_VALUES = "cbam_default_values.csv"
SCULLY_GOODS = "cbam_goods.csv"
OPENCBAM_VALUES = "default_values_2621.json"

EDITIONS = {
    "2026-1740": Source(
        originals=(
            OriginalSpec(
                SCULLY_VALUES,
                source_url="https://github.com/Ddscully/dlt-dbt-duckdb-evidence/blob/"
                "c68a320d57085a9e2813b01d4e18c844ab3123f0/dbt/seeds/cbam_default_values.csv",
                retrieved_from="shared/data/eu_cbam/ir_2026_1740_transcription",
                expected_sha256="06e41db52a1d8cfb7c745ab5b83b6cfa645ec8c22ec3d958dec2e9baa1d0ab93",
            ),
            OriginalSpec(
                SCULLY_GOODS,
                source_url="https://github.com/Ddscully/dlt-dbt-duckdb-evidence/blob/"
                "f748ed65fc54df4f455da3636814429834a4256a/dbt/seeds/cbam_goods.csv",
                retrieved_from="shared/data/eu_cbam/ir_2026_1740_transcription",
                expected_sha256="2784713435279d46d1b9295813a39b7c197bf3bc63b72af4becb7741352a15f3",
            ),
            SCULLY_NOTICE,
        ),
        subdir="eu_cbam/ir_2026_1740_transcription",
    ),
    "2025-2621": Source(
        originals=(
            OriginalSpec(
                OPENCBAM_VALUES,
                source_url="https://pypi.org/project/opencbam/0.1.0/",
                retrieved_from="shared/data/eu_cbam (opencbam/engine/data/default_values_2621.json)",
                expected_sha256="334be5109b044dfe0ece70f8a507ce43f2853169feb35e9508570c7a9ca4ada4",
            ),
            *OPENCBAM_NOTICES,
        ),
        subdir="eu_cbam",
    ),
}

COLUMNS = [
    "country",
    "country_name",
    "cn_code",
    "cn8",
    "variant",
    "good_key",
    "sector",
    "direct",
    "indirect",
    "total",
    "value_status",
    "route",
    "markup_2026",
    "markup_2027",
    "markup_2028",
    "source_ref",
    "flags",
]

_VARIANT_CODES = ("25231000", "25239000")


def variant_of(cn: str, description: str) -> str:
    """``white``/``grey`` for the clinker and hydraulic-cement rows split by colour."""
    if not cn.startswith(_VARIANT_CODES):
        return ""
    if len(cn) >= 10:
        return "white" if cn.endswith("10") else "grey"
    return "white" if "white" in description.lower() else "grey"


GOOD_COLUMNS = ["good_key", "cn_code", "variant", "sector", "description", "source_ref"]


def _scully_goods(originals: Path) -> pd.DataFrame:
    records = []
    with (originals / SCULLY_GOODS).open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            code = cn_digits(row["cn_code"])
            records.append(
                {
                    "good_key": row["good_key"],
                    "cn_code": code,
                    "variant": variant_of(code, row["goods_description"]),
                    "sector": row["product_group"],
                    "description": row["goods_description"],
                    "source_ref": f"{SCULLY_GOODS} line {line}",
                }
            )
    return pd.DataFrame.from_records(records, columns=GOOD_COLUMNS).sort_values("good_key", kind="stable")


def _opencbam_goods(originals: Path) -> pd.DataFrame:
    data = json.loads((originals / OPENCBAM_VALUES).read_text(encoding="utf-8"))
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for index, row in enumerate(data):
        code = cn_digits(row["cn_code"])
        variant = variant_of(code, row["description"])
        key = f"{code}{'-' + variant if variant else ''}"
        seen.setdefault(
            (key, row["description"]),
            {
                "good_key": key,
                "cn_code": code,
                "variant": variant,
                "sector": row["sector"],
                "description": row["description"],
                "source_ref": f"{OPENCBAM_VALUES} record {index} (first of its key and description)",
            },
        )
    frame = pd.DataFrame.from_records(list(seen.values()), columns=GOOD_COLUMNS)
    return frame.sort_values(["good_key", "description"], kind="stable")


def _scully(originals: Path) -> pd.DataFrame:
    with (originals / SCULLY_GOODS).open(encoding="utf-8", newline="") as handle:
        goods = {row["good_key"]: row for row in csv.DictReader(handle)}
    records = []
    with (originals / SCULLY_VALUES).open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            good = goods.get(row["good_key"])
            if good is None:
                raise FactorSetError(
                    f"{SCULLY_VALUES} line {line}: good_key {row['good_key']!r} not in goods"
                )
            name = row["country_or_territory"].strip()
            iso2 = (
                country_iso2(name=name, iso3=row["country_iso3"])
                if row["country_iso3"]
                else (country_iso2(name=name))
            )
            code = cn_digits(good["cn_code"])
            total = num_or_empty(row["default_total_t_co2e_per_t"])
            records.append(
                {
                    "country": iso2,
                    "country_name": name,
                    "cn_code": code,
                    "cn8": code[:8],
                    "variant": variant_of(code, good["goods_description"]),
                    "good_key": row["good_key"],
                    "sector": good["product_group"],
                    "direct": num_or_empty(row["default_direct_t_co2e_per_t"]),
                    "indirect": num_or_empty(row["default_indirect_t_co2e_per_t"]),
                    "total": total,
                    "value_status": "value" if total else "no_value",
                    "route": row["production_route_code"].strip(),
                    "markup_2026": "",
                    "markup_2027": "",
                    "markup_2028": "",
                    "source_ref": f"{SCULLY_VALUES} line {line}",
                    "flags": "",
                }
            )
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def _opencbam(originals: Path) -> pd.DataFrame:
    data = json.loads((originals / OPENCBAM_VALUES).read_text(encoding="utf-8"))
    records = []
    for index, row in enumerate(data):
        code = cn_digits(row["cn_code"])
        total = num_or_empty(row["total"])
        variant = variant_of(code, row["description"])
        records.append(
            {
                "country": country_iso2(name=row["country"]),
                "country_name": row["country"],
                "cn_code": code,
                "cn8": code[:8],
                "variant": variant,
                "good_key": f"{code}{'-' + variant if variant else ''}",
                "sector": row["sector"],
                "direct": num_or_empty(row["direct"]),
                "indirect": num_or_empty(row["indirect"]),
                "total": total,
                "value_status": "value" if total else "no_value",
                "route": (row.get("route") or "").strip(),
                "markup_2026": num_or_empty(row["markup_2026"]),
                "markup_2027": num_or_empty(row["markup_2027"]),
                "markup_2028": num_or_empty(row["markup_2028"]),
                "source_ref": f"{OPENCBAM_VALUES} record {index}",
                "flags": "superseded_by_IR_2026_1740",
            }
        )
    return pd.DataFrame.from_records(records, columns=COLUMNS)


_COMMON_NOTES = [
    "Default values are in t CO2e per tonne of good (electricity: per MWh). Where a "
    "country is not listed, or is listed without a value ('–'), the value of the table "
    "'Other countries and territories' (country code OTHER) applies (Annex I, opening "
    "paragraph).",
    "Grid electricity factors of Annexes II and III of IR 2025/2621 are IEA data "
    "(CC BY-NC-SA 4.0) and are not included: users supply them.",
    "Default values are to be revised by December 2027 at the latest (IR 2025/2621 "
    "Art. 2; IR 2025/2547 Art. 11(5)).",
]


def build(edition: str, originals_dir: Path) -> Built:
    if edition == "2026-1740":
        table = _scully(originals_dir)
        return Built(
            tables={
                "default_values": (_sorted(table), SCHEMA),
                "goods": (_scully_goods(originals_dir).reset_index(drop=True), GOODS_SCHEMA),
            },
            kind="cbam_default_values",
            title="EU CBAM default values, Annex I of IR (EU) 2025/2621 as replaced by IR (EU) 2026/1740",
            publisher="European Commission (Official Journal of the EU); transcription by Daniel Scully",
            source_url="http://data.europa.eu/eli/reg_impl/2025/2621/oj "
            "(Annex I replaced by CELEX 32026R1740)",
            licence=SCULLY_LICENCE,
            attribution=SCULLY_ATTRIBUTION,
            retrieval=SCULLY_RETRIEVAL,
            gwp_basis="n/a (t CO2e per t as published)",
            valid_from=date(2026, 1, 1),
            valid_to=date(2027, 12, 31),
            confidence="medium",
            confidence_notes=[
                "Secondary transcription of the Official Journal text; not checked cell by cell "
                "against the OJ (shared/docs/regulatory-facts.md §E item 10). Indicators that it "
                "reflects 2026/1740: 10-digit TARIC keys for clinker, the companion model's "
                "'as corrected by 2026/1740' comment, India 7208 unchanged.",
                "Cross-check against the first-published table (edition 2025-2621, an independent "
                "transcription): see tests/cbam/test_factor_sets.py for the agreement counts.",
            ],
            flags=["in_force"],
            units_conventions="t CO2e per tonne of good; route codes as in IR 2025/2620 Annex pt 5.3",
            notes=[
                *_COMMON_NOTES,
                "IR 2026/1740 deleted the 'including mark-up' columns (recital 10); the mark-up "
                "is applied to the total by the CBAM Registry (set cbam-markups).",
            ],
        )
    if edition == "2025-2621":
        table = _opencbam(originals_dir)
        return Built(
            tables={
                "default_values": (_sorted(table), SCHEMA),
                "goods": (_opencbam_goods(originals_dir).reset_index(drop=True), GOODS_SCHEMA),
            },
            kind="cbam_default_values",
            title="EU CBAM default values, Annex I of IR (EU) 2025/2621 as first published (superseded)",
            publisher=OPENCBAM_PUBLISHER,
            source_url="http://data.europa.eu/eli/reg_impl/2025/2621/oj",
            licence=OPENCBAM_LICENCE,
            attribution=OPENCBAM_ATTRIBUTION,
            retrieval=OPENCBAM_RETRIEVAL,
            gwp_basis="n/a (t CO2e per t as published)",
            valid_from=date(2026, 1, 1),
            valid_to=date(2026, 7, 30),
            confidence="medium",
            confidence_notes=[
                "Annex I as first published (OJ L 31.12.2025); replaced in full, retroactively "
                "from 1 January 2026, by IR 2026/1740. Use edition 2026-1740; this edition is kept "
                "for comparison and for the published mark-up columns.",
            ],
            flags=["superseded"],
            units_conventions="t CO2e per tonne of good",
            notes=_COMMON_NOTES,
        )
    raise FactorSetError(f"{SET_ID}: unknown edition {edition!r}; known: {', '.join(EDITIONS)}")


def _sorted(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(["country", "cn_code", "variant", "good_key"], kind="stable").reset_index(
        drop=True
    )
