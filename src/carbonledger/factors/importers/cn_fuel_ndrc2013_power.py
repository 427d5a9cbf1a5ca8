"""China fuel default parameters, NDRC 2013 power-generation guideline 表1 (partial).

Original
--------
``table1c_fuel_defaults_power_and_other_partial.csv`` from ``shared/data/china``: six fuels
of 表1 常用化石燃料相关参数缺省值 of 《中国发电企业温室气体排放核算方法与报告指南（试行）》 as
quoted by one spec (S6). NCVs are in kJ/kg or kJ/Nm3 (kept as published); oxidation
rates in per cent (divided by 100); carbon content t C/TJ (stored as ``t/TJ``).

Not rows (recorded in the manifest notes):

* the coke-oven-gas NCV, given only as a range (12726~17981 kJ/Nm3);
* the MEE 2022 power-facility guideline table A.1 and its coal default carbon content
  0.03085 t C/GJ: NOT found in any source of the transcription;
* the 2024/25 national-ETS sector guideline fuel tables (CETS-AG): not found;
* the compendium rows (S22, not a guideline table): not imported, values listed in notes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from carbonledger.errors import FactorSetError
from carbonledger.factors.importers._base import Built, Source
from carbonledger.factors.importers.cn_common import (
    LICENCE,
    README_SPEC,
    SourceRow,
    fuel_parameter_rows,
    gap_notes,
    read_transcription,
    transcription_spec,
)
from carbonledger.factors.importers.cn_fuel_ndrc2013 import FAMILY_CONFLICTS
from carbonledger.factors.schema import SCHEMA

SET_ID = "cn-fuel-ndrc2013-power"
VERSION = "1"

FILE = "table1c_fuel_defaults_power_and_other_partial.csv"
EDITIONS = {"2013": Source(originals=(transcription_spec(FILE), README_SPEC), subdir="china")}

VALID_FROM, VALID_TO = "2013-01-01", "2099-12-31"
FAMILY = "NDRC 2013 power-generation guideline 表1 (partial, via S6)"
_OTHER_PREFIXES = ("mee2022_power.", "cets_ag.", "compendium.")


def _judge(row: SourceRow, parameter: str) -> tuple[str, list[str]]:
    """Low for all: one partial transcription (S6); source_conflict where the note says so."""
    flags = ["secondary_source", "low_confidence", "single_source", "partial_table"]
    if "CONFLICT" in row.note:
        flags.append("source_conflict")
    return "low", flags


def build(edition: str, originals_dir: Path) -> Built:
    rows = read_transcription(originals_dir / FILE)
    fuel, rest = fuel_parameter_rows(
        rows, "ndrc2013_power", valid_from=VALID_FROM, valid_to=VALID_TO, judge=_judge, family=FAMILY
    )
    unexpected = [r for r in rest if not (r.value is None or r.key.startswith(_OTHER_PREFIXES))]
    if unexpected:
        raise FactorSetError(f"{FILE}: rows not handled: {', '.join(r.ref for r in unexpected)}")
    gaps = [r for r in rest if r.value is None]
    compendium = [
        f"NOT IMPORTED (compendium S22, not a guideline table): {r.key} [{r.name_zh}] = {r.raw_value} "
        f"{r.unit} — {r.note} ({r.ref})"
        for r in rest
        if r.key.startswith("compendium.") and r.value is not None
    ]
    frame = pd.DataFrame.from_records(fuel)
    return Built(
        tables={"factors": (frame, SCHEMA)},
        title="China fuel default parameters — NDRC 2013 power-generation guideline 表1 (partial: 6 fuels)",
        publisher="国家发展和改革委员会 (NDRC), "
        "中国发电企业温室气体排放核算方法与报告指南（试行） (2013); values "
        "transcribed from a secondary source",
        source_url="",
        licence=LICENCE,
        attribution="《中国发电企业温室气体排放核算方法与报告指南（试行）》 "
        "表1 常用化石燃料相关参数缺省值, as quoted "
        f"by S6 (file id 56046656356) and transcribed in shared/data/china/{FILE}.",
        retrieval="shared/data/china/" + FILE + ": transcription of a spec quoting the guideline; the "
        "guideline PDF was not opened.",
        gwp_basis="none (gas masses)",
        valid_from=date.fromisoformat(VALID_FROM),
        valid_to=date.fromisoformat(VALID_TO),
        confidence="low",
        confidence_notes=[
            "The data README rates table1c low-medium; carbonledger uses low (flags low_confidence, "
            "single_source, partial_table) because it is one partial quotation (S6) of the guideline "
            "table.",
            "source_conflict on crude-oil carbon content 20.08 (20.10 in the NDRC steel family and GB/T "
            "2024) and natural gas 15.32 (15.30 elsewhere).",
        ],
        flags=["secondary_source", "low_confidence", "partial_table"],
        units_conventions="ncv as published: kJ/kg, or kJ/Nm3 for gases (0 °C, 101.325 kPa); "
        "carbon_content t/TJ = t of CARBON per TJ (source tC/TJ); oxidation_factor fraction "
        "(source per cent / 100).",
        notes=[
            "Validity: 2013-01-01 is the start of the year of the NDRC 2013 guideline (exact issue date "
            "not in the sources); open-ended (2099-12-31).",
            "MEE 2022 power-facility coal default carbon content 0.03085 t C/GJ (0.03356 before the "
            "8 Jun 2022 change) is quoted in shared/docs/regulatory-facts.md B.1 from a secondary news "
            "article (ChemLinked), but NO transcription of the guideline table (A.1) was found, so it is "
            "NOT a row. Enter a measured or officially documented value as a site parameter.",
            *FAMILY_CONFLICTS[1:3],
            *gap_notes(gaps),
            *compendium,
        ],
    )
