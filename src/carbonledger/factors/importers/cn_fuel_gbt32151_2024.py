"""China fuel default parameters, GB/T 32151.22-2024 表C.1, and carbonate factors,
GB/T 32151.34-2024 表C.2.

Original
--------
``table1b_fuel_defaults_gbt32151_2024_tableC1.csv`` from ``shared/data/china``:

* 表C.1 (26 fuels): NCV, carbon content per heat, oxidation rate, from ONE transcription
  (S3, a TypeScript "附录 C 参数缺省值数据库" citing GB/T 32151.22-2024 附录C). Only the
  natural-gas row is corroborated (S4: 389.31 GJ/10^4 Nm3, 0.0153 tC/GJ, 0.99). S3 labels
  its carbon column "10^-2 tC/GJ", but the values are numerically t C/TJ and are read so.
  Oxidation rates are given in per cent and are divided by 100.
* 表C.2 (11 carbonates): t CO2 released per t of carbonate (S5, a test asserting
  GB/T 32151.34-2024 catalog values; S1 agrees for 8 of them).

Method: ``E = Σ FC_i × NCV_i × CC_i × OF_i × 44/12``; carbonates ``E = Σ m_j × EF_j``.

This family differs from the NDRC 2013 table (set ``cn-fuel-ndrc2013``); the two are kept
as separate sets and never merged.
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
from carbonledger.factors.importers.cn_fuel_ndrc2013 import FAMILY_CONFLICTS
from carbonledger.factors.schema import SCHEMA

SET_ID = "cn-fuel-gbt32151-2024"
VERSION = "1"

FILE = "table1b_fuel_defaults_gbt32151_2024_tableC1.csv"
EDITIONS = {"2024": Source(originals=(transcription_spec(FILE), README_SPEC), subdir="china")}

# GB/T 32151.34-2024: published 2024-08-23, effective 2025-03-01 (data README). The dates
# of GB/T 32151.22-2024 are not in the sources; its rows use the same date (flagged).
VALID_FROM, VALID_TO = "2025-03-01", "2099-12-31"
FAMILY = "GB/T 32151.22-2024 附录C 表C.1"


def _judge(row: SourceRow, parameter: str) -> tuple[str, list[str]]:
    """Natural gas medium (corroborated by S4); every other fuel low (single transcription)."""
    flags = ["secondary_source", "validity_assumed"]
    if row.key.split(".")[1] == "natural_gas":
        return "medium", flags
    flags += ["low_confidence", "single_source"]
    if parameter == "ncv" and "transcription variant" in row.note:
        flags.append("UNVERIFIED")
    return "low", flags


def build(edition: str, originals_dir: Path) -> Built:
    rows = read_transcription(originals_dir / FILE)
    fuel, rest = fuel_parameter_rows(
        rows, "gbt32151_2024_c1", valid_from=VALID_FROM, valid_to=VALID_TO, judge=_judge, family=FAMILY
    )
    gaps = [r for r in rest if r.value is None]
    carbonates, skipped = process_rows(
        [r for r in rest if r.value is not None],
        valid_from=VALID_FROM,
        valid_to=VALID_TO,
        confidence="medium",
        flags=("secondary_source",),
        family="GB/T 32151.34-2024 表C.2",
    )
    if not fuel or not carbonates:
        raise FactorSetError(f"{FILE}: expected fuel and carbonate rows")
    frame = pd.DataFrame.from_records(fuel + carbonates)
    return Built(
        tables={"factors": (frame, SCHEMA)},
        title="China fuel default parameters, GB/T 32151.22-2024 表C.1, and carbonate factors, "
        "GB/T 32151.34-2024 表C.2",
        publisher="国家市场监督管理总局/国家标准化管理委员会 (GB/T 32151 series, 2024); values transcribed "
        "from secondary sources",
        source_url="",
        licence=LICENCE,
        attribution="GB/T 32151.22-2024 附录C 表C.1 常用化石燃料相关参数的缺省值 and "
        "GB/T 32151.34-2024 表C.2 "
        f"碳酸盐排放因子, as transcribed in shared/data/china/{FILE} from S3 (file id 52627613573), S4 "
        "(adgo07/GHGTOOL catalog.json) and S5 (file id 71185634546).",
        retrieval="shared/data/china/" + FILE + ": transcription from public code; the standards were "
        "not opened.",
        gwp_basis="none (gas masses)",
        valid_from=date.fromisoformat(VALID_FROM),
        valid_to=date.fromisoformat(VALID_TO),
        confidence="mixed",
        confidence_notes=[
            "Data README: medium-low. 表C.1 is a single transcription (S3) that names the table; only "
            "natural gas is corroborated (S4) → natural gas medium, all other fuels low (flags "
            "low_confidence, single_source).",
            "S3 labels its carbon column '10^-2 tC/GJ' but the values are numerically tC/TJ "
            "(= 10^-3 tC/GJ); read as tC/TJ (natural gas 15.3 tC/TJ = S4's 0.0153 tC/GJ confirms it).",
            "洗精煤 NCV 26.334 may be a transcription variant of 26.344 (NDRC table): flag UNVERIFIED.",
            "表C.2 carbonates: medium where S5 and S1 agree (CaCO3, MgCO3, Na2CO3, NaHCO3, FeCO3, BaCO3, "
            "K2CO3, SrCO3); low for MnCO3 and CaMg(CO3)2 (S5 only) and Li2CO3 (CONFLICT: S5 0.595, "
            "S1 0.596).",
        ],
        flags=["secondary_source"],
        units_conventions="ncv: GJ/t, or GJ/(10^4 Nm3) for gases at 0 °C and 101.325 kPa; "
        "carbon_content: t/TJ = t of CARBON per TJ (the source's tC/TJ); oxidation_factor: fraction "
        "(the source's per cent / 100); carbonate_factor: t CO2 per t of carbonate (unit t/t, the gas "
        "is CO2 by definition).",
        notes=[
            "Validity: from 2025-03-01, the effective date the data README gives for GB/T 32151.34-2024 "
            "(published 2024-08-23). The publication and effective dates of GB/T 32151.22-2024 are not in "
            "the sources; its 表C.1 rows use the same date and carry flag validity_assumed. Open-ended "
            "(2099-12-31) as standing defaults.",
            *FAMILY_CONFLICTS,
            *gap_notes(gaps),
            *skipped,
        ],
    )
