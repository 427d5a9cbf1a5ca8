"""EU CBAM goods: the Annex I CN codes with their aggregated goods category, greenhouse
gases, and whether only direct emissions count (Annex II).

Edition ``23.00``:

* ``cbam_goods_cn.json`` (opencbam 0.1.0, Apache-2.0): the 569 eight-digit CN codes of
  the sheet 'CL CBAMGoods' of the EU "CBAM Report Structure ver 23.00" (Annex I of
  Reg. (EU) 2023/956), with aggregated goods category and greenhouse gas;
* ``benchmarks_2620.json`` (opencbam): the CN codes of IR (EU) 2025/2620, which follow the
  CN in force in the definitive period (the urea subheading 3102 10 10 was split into
  3102 10 12/15/19); codes missing from the report structure are added, flagged;
* ``annex_ii_direct_only.csv`` (authored by carbonledger): Annex II of Reg. (EU)
  2023/956 — "List of goods for which only direct emissions are to be taken into
  account" — transcribed from the verbatim text quoted in the research note [RN] §1.2,
  with electricity added by Reg. (EU) 2025/2083 Art. 1(29). One row per CN prefix with
  ``include``/``exclude``; the longest matching prefix decides.

This set has an authored original: rebuild it from the stored originals
(``carbonledger factors build cbam-goods``, without ``--source``).

Tidy table ``goods`` (schema ``cbam_goods/1``): ``cn8``, ``cn_display``, ``sector``
(cement, iron_steel, aluminium, fertilisers, hydrogen, electricity), ``category`` (the
aggregated goods category of IR 2025/2547 Annex I pt 2, in the spelling of the
Commission's communication template), ``category_source`` (as in the report
structure), ``ghg`` (``CO2``, ``CO2+PFC``, ``CO2+N2O``), ``description``,
``direct_only`` (``true`` for Annex II goods), ``annex_ii_ref``, ``source_ref``.
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
    OPENCBAM_NOTICES,
    OPENCBAM_RETRIEVAL,
    cn_digits,
)

SET_ID = "cbam-goods"
VERSION = "1"
SCHEMA = "cbam_goods/1"
GOODS = "cbam_goods_cn.json"
ANNEX_II = "annex_ii_direct_only.csv"
BENCHMARKS = "benchmarks_2620.json"

EDITIONS = {
    "23.00": Source(
        originals=(
            OriginalSpec(
                GOODS,
                source_url="https://pypi.org/project/opencbam/0.1.0/",
                retrieved_from="shared/data/eu_cbam (opencbam/engine/data/cbam_goods_cn.json)",
                expected_sha256="778b9ddbb5b4ad8d69ef8243af3e4f2fe24847e55109cede971da7c900de6394",
            ),
            OriginalSpec(
                BENCHMARKS,
                source_url="https://pypi.org/project/opencbam/0.1.0/",
                retrieved_from="shared/data/eu_cbam (opencbam/engine/data/benchmarks_2620.json)",
                expected_sha256="dcd9167ac696200179f9d631679c42cd6b298792e1ec56237eec4d4f51c3995b",
            ),
            OriginalSpec(
                ANNEX_II,
                source_url="http://data.europa.eu/eli/reg/2023/956/oj (Annex II); "
                "http://data.europa.eu/eli/reg/2025/2083/oj (Art. 1(29))",
                retrieved_from="authored by carbonledger from the verbatim Annex II text quoted in "
                "shared/docs/regulatory-facts.md §A.1 and the research note [RN] §1.2-1.4",
            ),
            *OPENCBAM_NOTICES,
        ),
        subdir="eu_cbam",
    )
}

COLUMNS = [
    "cn8",
    "cn_display",
    "sector",
    "category",
    "category_source",
    "ghg",
    "description",
    "direct_only",
    "annex_ii_ref",
    "source_ref",
    "flags",
]

# Report-structure category names → aggregated goods categories as spelled in the
# Commission's communication template (Parameters_Constants!A89:A106).
_CATEGORY = {
    "Calcinated Clay": "Calcined clays",
    "Cement clinker": "Cement clinker",
    "Cement": "Cement",
    "Aluminous cement": "Aluminous cement",
    "Iron or steel products": "Iron or steel products",
    "Crude steel": "Crude steel",
    "Direct reduced iron": "Direct reduced iron",
    "Pig Iron": "Pig iron",
    "FeCr": "Alloys (FeMn, FeCr, FeNi)",
    "FeMn": "Alloys (FeMn, FeCr, FeNi)",
    "FeNi": "Alloys (FeMn, FeCr, FeNi)",
    "Sintered Ore": "Sintered Ore",
    "Hydrogen": "Hydrogen",
    "Ammonia": "Ammonia",
    "Nitric Acid": "Nitric acid",
    "Urea": "Urea",
    "Mixed fertilizers": "Mixed fertilisers",
    "Aluminium products": "Aluminium products",
    "Unwrought aluminium": "Unwrought aluminium",
    "Electricity": "Electricity",
}
_GHG = {
    "Carbon dioxide": "CO2",
    "Carbon dioxide and perfluorocarbons": "CO2+PFC",
    "Carbon dioxide and perfluoro-carbons": "CO2+PFC",
    "Carbon dioxide & Nitrous oxide": "CO2+N2O",
}


def read_annex_ii(path: Path) -> list[tuple[str, str, str]]:
    """``[(prefix, rule, citation)]`` from the authored Annex II table."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            prefix = row["cn_prefix"].strip()
            if not prefix.isdigit() or row["rule"] not in {"include", "exclude"}:
                raise FactorSetError(f"{path.name} line {line}: bad prefix or rule {row}")
            rows.append((prefix, row["rule"], f"{path.name} line {line}: {row['legal_citation']}"))
    return rows


def annex_ii_match(cn: str, rules: list[tuple[str, str, str]]) -> tuple[bool, str]:
    """Longest matching prefix decides whether ``cn`` is an Annex II (direct-only) good."""
    best: tuple[str, str, str] | None = None
    for prefix, rule, ref in rules:
        if cn.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, rule, ref)
    if best is None or best[1] == "exclude":
        return False, best[2] if best else ""
    return True, best[2]


def _add_definitive_codes(
    records: list[dict[str, str]], originals_dir: Path, rules: list[tuple[str, str, str]]
) -> None:
    """The report structure v23.00 lists CN codes of the transitional period. IR 2025/2620
    (definitive period) uses the CN in force from 2025, which split 3102 10 10 (urea) into
    3102 10 12/15/19. Codes of 2025/2620 missing from the report structure are added with
    the category and GHG of the report-structure codes under the same 6-digit subheading
    (flag ``added_from_IR_2025_2620``); report-structure codes absent from 2025/2620 are
    flagged ``not_in_IR_2025_2620`` (kept, as imports may still be declared under them)."""
    data = json.loads((originals_dir / BENCHMARKS).read_text(encoding="utf-8"))
    definitive = {cn_digits(row["cn_code"]): (index, row) for index, row in enumerate(data)}
    known = {r["cn8"]: r for r in records}
    for cn, (index, row) in sorted(definitive.items()):
        if cn in known:
            continue
        siblings = [r for r in records if r["cn8"][:6] == cn[:6]]
        if not siblings:
            raise FactorSetError(f"{BENCHMARKS} record {index}: CN {cn} has no report-structure sibling")
        sibling = siblings[0]
        direct_only, ref = annex_ii_match(cn, rules)
        records.append(
            {
                **sibling,
                "cn8": cn,
                "cn_display": row["cn_code"],
                "description": row["description"],
                "direct_only": "true" if direct_only else "false",
                "annex_ii_ref": ref if direct_only else "",
                "source_ref": f"{BENCHMARKS} record {index} (category and GHG of {sibling['cn8']})",
                "flags": "added_from_IR_2025_2620",
            }
        )
    for record in records:
        if record["cn8"] not in definitive and record["sector"] != "electricity":
            record["flags"] = "not_in_IR_2025_2620"


def build(edition: str, originals_dir: Path) -> Built:
    if edition not in EDITIONS:
        raise FactorSetError(f"{SET_ID}: unknown edition {edition!r}")
    data = json.loads((originals_dir / GOODS).read_text(encoding="utf-8"))
    rules = read_annex_ii(originals_dir / ANNEX_II)
    records = []
    for index, good in enumerate(data["goods"]):
        cn = cn_digits(good["cn"])
        if good["category"] not in _CATEGORY or good["ghg"] not in _GHG:
            raise FactorSetError(f"{GOODS} goods[{index}]: unmapped category/ghg {good}")
        direct_only, ref = annex_ii_match(cn, rules)
        records.append(
            {
                "cn8": cn,
                "cn_display": good["display"],
                "sector": good["sector"],
                "category": _CATEGORY[good["category"]],
                "category_source": good["category"],
                "ghg": _GHG[good["ghg"]],
                "description": good["description"],
                "direct_only": "true" if direct_only else "false",
                "annex_ii_ref": ref if direct_only else "",
                "source_ref": f"{GOODS} goods[{index}]",
                "flags": "",
            }
        )
    _add_definitive_codes(records, originals_dir, rules)
    table = pd.DataFrame.from_records(records, columns=COLUMNS)
    if table["cn8"].duplicated().any():
        raise FactorSetError(f"{GOODS}: duplicate CN codes {sorted(table[table['cn8'].duplicated()]['cn8'])}")
    table = table.sort_values("cn8", kind="stable").reset_index(drop=True)
    return Built(
        tables={"goods": (table, SCHEMA)},
        kind="cbam_goods",
        title="EU CBAM goods (Annex I CN codes, aggregated goods categories, GHGs) with the Annex II "
        "direct-emissions-only flag",
        publisher="European Commission (CBAM Report Structure ver 23.00; Reg. (EU) 2023/956 Annexes I-II); "
        "transcription by IA Climate Ops (opencbam); Annex II table authored by carbonledger",
        source_url="http://data.europa.eu/eli/reg/2023/956/oj",
        licence="values: EU legislation, reusable under Commission Decision 2011/833/EU; goods list "
        "transcription Apache-2.0 (opencbam 0.1.0, see original/LICENSE and original/NOTICE); "
        "annex_ii_direct_only.csv: carbonledger (Apache-2.0)",
        attribution=OPENCBAM_ATTRIBUTION,
        retrieval=OPENCBAM_RETRIEVAL + "; annex_ii_direct_only.csv authored from the regulation text",
        gwp_basis="n/a",
        valid_from=date(2025, 10, 20),
        valid_to=date(2027, 12, 31),
        confidence="high",
        confidence_notes=[
            "Annex II is transcribed from the verbatim Annex II text in the research note [RN] "
            "§1.2 (V-primary); Reg. 2025/2083 added electricity (Art. 1(29)) and narrowed "
            "2507 00 80 in Annex I to calcined kaolinic clays (Art. 1(28)).",
            "The exact N2O subheadings of Annex I were not checked against the OJ table "
            "(regulatory-facts §A.1); the ghg column is as in the report structure.",
        ],
        units_conventions="CN codes as 8 digits without spaces",
        notes=[
            "COM(2025) 989 (downstream goods from 2028) is a proposal, not law, and is not included.",
        ],
    )
