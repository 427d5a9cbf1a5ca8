"""China default emission factor of purchased heat (外购热力缺省排放因子), 0.11 t CO2/GJ.

Original
--------
``table3_ets_grid_and_heat_factors.csv`` from ``shared/data/china`` (a transcription from
SECONDARY sources; see the README stored with it). ``E = heat (GJ) × 0.11 t CO2/GJ``.

Editions (same value, different documents and validity)
-------------------------------------------------------
* ``gbt32150-2025`` — row ``cn.heat.default.gbt32150_2025``: GB/T 32150—2025 §7.5.6–7.5.7
  (S4 records the clause and PDF page: "无实测时按0.11tCO₂/GJ"). Published 2025-12-31,
  effective 2026-07-01, so the edition is valid from 2026-07-01 (open-ended).
* ``ndrc-guidelines`` — row ``cn.heat.default.ndrc_guidelines``: the same 0.11 as the default
  heat factor of the NDRC 2013 industry-guideline family (S1 steel app, S7). The guideline
  clause is not verified. Valid 2013-01-01 (the year of the guideline family; the exact
  issue date is not in the sources) to 2026-06-30, the day before GB/T 32150—2025 takes
  effect, so records of 2024/2025 resolve to a documented default that was in use for
  those years instead of to a standard not yet in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from carbonledger.errors import FactorSetError
from carbonledger.factors.importers._base import Built, Source
from carbonledger.factors.importers.cn_common import (
    LICENCE,
    README_SPEC,
    convert,
    read_transcription,
    row_note,
    tidy_row,
    transcription_spec,
)
from carbonledger.factors.schema import SCHEMA

SET_ID = "cn-heat-default"
VERSION = "1"

FILE = "table3_ets_grid_and_heat_factors.csv"


@dataclass(frozen=True)
class HeatEdition:
    key: str
    valid_from: date
    valid_to: date
    title: str
    document: str
    source_url: str
    flags: tuple[str, ...]
    validity_note: str


GBT_URL = "https://openstd.samr.gov.cn/bzgk/std/newGbInfo?hcno=6E4997D6B3118055931BC13C71B9A452"

HEAT: dict[str, HeatEdition] = {
    "gbt32150-2025": HeatEdition(
        key="cn.heat.default.gbt32150_2025",
        valid_from=date(2026, 7, 1),
        valid_to=date(2099, 12, 31),
        title="Default purchased-heat factor 0.11 t CO2/GJ, GB/T 32150—2025 §7.5.6–7.5.7",
        document="GB/T 32150—2025 §7.5.6–7.5.7 (published 2025-12-31, effective 2026-07-01)",
        source_url=GBT_URL,
        flags=("secondary_source",),
        validity_note="valid from 2026-07-01, the effective date of GB/T 32150—2025 (data README); "
        "open-ended (2099-12-31) as a standing default until the standard is revised",
    ),
    "ndrc-guidelines": HeatEdition(
        key="cn.heat.default.ndrc_guidelines",
        valid_from=date(2013, 1, 1),
        valid_to=date(2026, 6, 30),
        title="Default purchased-heat factor 0.11 t CO2/GJ used by the NDRC 2013 industry-guideline family",
        document="NDRC 2013 industry GHG accounting guidelines (heat default; clause not verified)",
        source_url="",
        flags=("secondary_source", "clause_unverified"),
        validity_note="valid_from 2013-01-01 is the start of the year of the NDRC 2013 guideline family "
        "(exact issue date not in the sources); valid_to 2026-06-30 is the day before GB/T "
        "32150—2025 (same value) takes effect, which the gbt32150-2025 edition covers",
    ),
}

EDITIONS = {name: Source(originals=(transcription_spec(FILE), README_SPEC), subdir="china") for name in HEAT}


def build(edition: str, originals_dir: Path) -> Built:
    spec = HEAT[edition]
    rows = {r.key: r for r in read_transcription(originals_dir / FILE)}
    if spec.key not in rows or rows[spec.key].value is None:
        raise FactorSetError(f"{FILE}: row {spec.key} with a value is missing")
    row = rows[spec.key]
    value, unit, meaning = convert(row)
    if unit != "t/GJ":
        raise FactorSetError(f"{row.ref}: unit {row.unit!r} is not t CO2/GJ")
    frame = pd.DataFrame.from_records(
        [
            tidy_row(
                factor_id=row.key,
                activity="heat/purchased",
                name=f"{row.name_zh} / {row.name_en}",
                region="CN",
                valid_from=spec.valid_from.isoformat(),
                valid_to=spec.valid_to.isoformat(),
                parameter="emission_factor",
                gas="CO2",
                value=value,
                unit=unit,
                source_ref=row.ref,
                confidence="medium",
                flags=spec.flags,
                note=row_note(row, f"{meaning} of purchased heat (no measured value); {spec.document}"),
            )
        ]
    )
    other = "ndrc-guidelines" if edition == "gbt32150-2025" else "gbt32150-2025"
    return Built(
        tables={"factors": (frame, SCHEMA)},
        title=spec.title,
        publisher="国家市场监督管理总局/国家标准化管理委员会 (GB/T 32150—2025)"
        if edition == "gbt32150-2025"
        else "国家发展和改革委员会 (NDRC) industry guidelines, as used in guideline apps",
        source_url=spec.source_url,
        licence=LICENCE,
        attribution=f"{spec.document}; value transcribed in shared/data/china/{FILE} from: {row.source}",
        retrieval="shared/data/china/" + FILE + ": transcription from secondary sources; the standard "
        "or guideline text was not opened.",
        gwp_basis="none (gas masses)",
        valid_from=spec.valid_from,
        valid_to=spec.valid_to,
        confidence="medium",
        confidence_notes=[
            "Secondary transcription, consistent across sources (S1, S4, S7 all give 0.11).",
            "S4 first attributed 0.11 to 环办气候函〔2023〕332号附件4 and withdrew that attribution; it "
            "now cites GB/T 32150—2025 §7.5.6–7.5.7 with the PDF page.",
        ]
        + (
            ["The guideline clause giving 0.11 is not verified (flag clause_unverified)."]
            if edition != "gbt32150-2025"
            else []
        ),
        flags=list(spec.flags),
        units_conventions="t CO2 per GJ of purchased heat (CO2 mass, no GWP).",
        notes=[
            f"Validity: {spec.validity_note}.",
            f"The other edition of this set ({other}) carries the same 0.11 for the other period; with "
            "both editions the resolver picks the one valid for the record's period.",
        ],
    )
