"""China fuel default parameters, NDRC 2013 guideline family (steel 附录二 / magnesium).

Original
--------
``table1a_fuel_defaults_ndrc2013_steel_family.csv`` from ``shared/data/china``: the fuel
table of the first batch of NDRC 2013 industry guidelines as transcribed from two
independent public apps (S1 steel app, S2 magnesium app), which agree row by row. The
attribution to the steel guideline 附录二 is inferred (S1 is a steel-sector app).

Method (NDRC/MEE guidelines): ``E = Σ FC_i × NCV_i × CC_i × OF_i × 44/12`` with
``NCV`` (GJ/t, or GJ per 10^4 Nm3 at 0 °C / 101.325 kPa for gases), ``CC`` carbon content
per heat (t C/TJ, stored as ``t/TJ`` — carbon mass, not CO2) and ``OF`` the oxidation
rate (a fraction).

Rows: one factor per fuel (``ndrc2013.<fuel>``) with parameter rows ``ncv``,
``carbon_content``, ``oxidation_factor``; plus the steel process factors of the same file
(limestone and dolomite flux, electrode, carbon in products, purchased heat) mapped in
``cn_process_map.csv``.

This family differs from GB/T 32151.22-2024 表C.1 (set ``cn-fuel-gbt32151-2024``) for
several fuels; the two are kept as separate sets and never merged.
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
    process_rows,
    read_transcription,
    transcription_spec,
)
from carbonledger.factors.schema import SCHEMA

SET_ID = "cn-fuel-ndrc2013"
VERSION = "1"

FILE = "table1a_fuel_defaults_ndrc2013_steel_family.csv"
EDITIONS = {"2013": Source(originals=(transcription_spec(FILE), README_SPEC), subdir="china")}

VALID_FROM, VALID_TO = "2013-01-01", "2099-12-31"
FAMILY = "NDRC 2013 guideline family (steel 附录二 / magnesium), attribution inferred"
BASE_FLAGS = ("secondary_source", "attribution_inferred")

FAMILY_CONFLICTS = [
    "TWO FUEL-TABLE FAMILIES (data README): NDRC 2013 (this set) vs GB/T 32151.22-2024 表C.1 (set "
    "cn-fuel-gbt32151-2024) differ: 无烟煤 NCV 20.304 vs 26.7 GJ/t and CC 27.49 vs 27.4 tC/TJ; 褐煤 NCV "
    "14.080 vs 11.9; 其他洗煤 8.363 vs 12.545; 一般煤油 44.750 vs 43.070; LNG 41.868/17.20 vs 51.498/15.3; "
    "焦炉煤气 173.54/12.1 vs 179.81/13.58; 焦炭 28.447/29.50 vs 28.435/29.5; 洗精煤 26.344/25.40 vs "
    "26.334/25.41; 其他煤制品 oxidation 0.90 vs 0.98. Choose ONE set per report; never mix rows.",
    "CONFLICT (data README): crude-oil carbon content 20.10 (this family, GB/T 2024) vs 20.08 (NDRC "
    "power guideline 表1, set cn-fuel-ndrc2013-power); natural gas 15.30 vs 15.32 tC/TJ.",
    "CONFLICT (data README): the compendium S22 gives kerosene 19.5 (vs 19.6) and refinery dry gas "
    "46.055 (vs 45.998); not imported anywhere.",
    "CONFLICT (data README): dolomite flux 0.471 (this set) vs CaMg(CO3)2 0.477 (GB/T 32151.34 C.2).",
]


def _judge(row: SourceRow, parameter: str) -> tuple[str, list[str]]:
    """Medium for all (data README: two transcriptions agree row by row); single_source
    where the row's note says only S1 has it, or S2's columns were garbled (CC/OF)."""
    flags = list(BASE_FLAGS)
    if "S1 only" in row.note or ("garbled" in row.note and parameter != "ncv"):
        flags.append("single_source")
    return "medium", flags


def build(edition: str, originals_dir: Path) -> Built:
    rows = read_transcription(originals_dir / FILE)
    fuel, rest = fuel_parameter_rows(
        rows, "ndrc2013", valid_from=VALID_FROM, valid_to=VALID_TO, judge=_judge, family=FAMILY
    )
    gaps = [r for r in rest if r.value is None]
    process, skipped = process_rows(
        [r for r in rest if r.value is not None],
        valid_from=VALID_FROM,
        valid_to=VALID_TO,
        confidence="medium",
        flags=BASE_FLAGS,
        family=FAMILY,
    )
    if not fuel:
        raise FactorSetError(f"{FILE}: no fuel rows found")
    frame = pd.DataFrame.from_records(fuel + process)
    return Built(
        tables={"factors": (frame, SCHEMA)},
        title="China fuel default parameters (NCV, carbon content per heat, oxidation rate) and steel "
        "process factors — NDRC 2013 industry-guideline family (steel 附录二 / magnesium)",
        publisher="国家发展和改革委员会 (NDRC), industry GHG accounting guidelines (2013); values "
        "transcribed from secondary sources",
        source_url="",
        licence=LICENCE,
        attribution="NDRC 2013 industry GHG accounting and reporting guidelines (中国钢铁生产企业 / "
        "中国镁冶炼企业温室气体排放核算方法与报告指南（试行）), fuel defaults table; as transcribed in "
        f"shared/data/china/{FILE} from S1 (com.frontleaves.greenchaincarbonledger SqlPrepareData.kt, "
        "file id 48294390099) cross-checked with S2 (file id 23250755755).",
        retrieval="shared/data/china/" + FILE + ": transcription from two public apps; the guideline "
        "PDF was not opened.",
        gwp_basis="none (gas masses)",
        valid_from=date.fromisoformat(VALID_FROM),
        valid_to=date.fromisoformat(VALID_TO),
        confidence="medium",
        confidence_notes=[
            "Medium (data README): two independent transcriptions (S1 steel app, S2 magnesium app) "
            "agree row by row; attribution to the steel guideline 附录二 is inferred (flag "
            "attribution_inferred on every row).",
            "single_source where only S1 has the value: crude benzene (not in the magnesium table); "
            "bituminous-coal carbon content and oxidation (S2's columns garbled); the steel process "
            "factors except limestone (same 0.440 as GB/T 32151.34 C.2 CaCO3) and heat (0.11, also S7 "
            "and GB/T 32150-2025).",
        ],
        flags=list(BASE_FLAGS),
        units_conventions="ncv: GJ/t, or GJ/(10^4 Nm3) for gases at 0 °C and 101.325 kPa (Nm3); "
        "carbon_content: t/TJ meaning t of CARBON per TJ (the source's tC/TJ; carbonledger's "
        "parse_unit('tC/TJ') would mark gas C, the table stores plain t/TJ and says so in note); "
        "oxidation_factor: fraction (dimensionless). Process factors: t CO2 per t (emission_factor, "
        "gas CO2) or t CO2 per t of product fixed in products (conversion_factor, subtracted).",
        notes=[
            "Validity: 2013-01-01 is the start of the year of the NDRC 2013 guideline family (the exact "
            "issue date is not in the sources); open-ended (2099-12-31) because these are standing "
            "defaults that no source says were withdrawn.",
            *FAMILY_CONFLICTS,
            *gap_notes(gaps),
            *skipped,
        ],
    )
