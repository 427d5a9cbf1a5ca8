"""China national ETS grid emission factor for reporting (碳市场报告用全国电网平均排放因子).

Original
--------
``table3_ets_grid_and_heat_factors.csv`` from ``shared/data/china`` (a transcription from
SECONDARY sources; see the README stored with it). This importer takes ONE row:

* ``cn.ets.grid.2022_reporting``: 0.5703 t CO2/MWh, the national grid factor that
  生态环境部办公厅《关于做好2023—2025年发电行业企业温室气体排放报告管理有关工作的通知》
  (Feb 2023, as summarised by the secondary source S16) prescribes for ETS reporting of
  2022 data. ``E = AD(MWh) × 0.5703 t CO2/MWh``.

It answers a DIFFERENT question from the MEE/NBS consumption average (0.5366 kg/kWh for
2022, set ``cn-electricity``): the ETS factor is the prescribed value for compliance
reporting, not the statistical consumption average; never substitute one for the other.
Every row is flagged ``ets_reporting_factor``. No later ETS reporting factor was found
(recorded as a gap).
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
    convert,
    gap_notes,
    read_transcription,
    row_note,
    tidy_row,
    transcription_spec,
)
from carbonledger.factors.schema import SCHEMA

SET_ID = "cn-ets-grid"
VERSION = "1"

FILE = "table3_ets_grid_and_heat_factors.csv"
KEY = "cn.ets.grid.2022_reporting"
GAP_KEY = "cn.ets.grid.2023_or_2024_reporting"

EDITIONS = {"2022": Source(originals=(transcription_spec(FILE), README_SPEC), subdir="china")}

NOTICE = "生态环境部办公厅《关于做好2023—2025年发电行业企业温室气体排放报告管理有关工作的通知》(Feb 2023)"


def build(edition: str, originals_dir: Path) -> Built:
    rows = {r.key: r for r in read_transcription(originals_dir / FILE)}
    if KEY not in rows or rows[KEY].value is None:
        raise FactorSetError(f"{FILE}: row {KEY} with a value is missing")
    row = rows[KEY]
    value, unit, meaning = convert(row)
    if unit != "t/MWh":
        raise FactorSetError(f"{row.ref}: unit {row.unit!r} is not t CO2/MWh")
    frame = pd.DataFrame.from_records(
        [
            tidy_row(
                factor_id=row.key,
                activity="electricity/grid",
                name=f"{row.name_zh} / {row.name_en}",
                region="CN",
                valid_from="2022-01-01",
                valid_to="2022-12-31",
                parameter="emission_factor",
                gas="CO2",
                value=value,
                unit=unit,
                source_ref=row.ref,
                confidence="medium",
                flags=["secondary_source", "ets_reporting_factor"],
                note=row_note(
                    row,
                    f"{meaning} of purchased electricity; prescribed for China ETS reporting of 2022 "
                    f"data by {NOTICE}; NOT the MEE/NBS 2022 consumption average (0.5366, set "
                    "cn-electricity): a different question, do not substitute",
                ),
            )
        ]
    )
    skipped = [
        f"{r.key} = {r.raw_value} {r.unit}: not part of this set ({why})"
        for r, why in (
            (rows.get("cn.elec.2021.national.average"), "MEE/NBS consumption average: set cn-electricity"),
            (rows.get("cn.heat.default.gbt32150_2025"), "heat: set cn-heat-default"),
            (rows.get("cn.heat.default.ndrc_guidelines"), "heat: set cn-heat-default"),
            (
                rows.get("cn.elec.2021.region.south.used_as_green_deduction"),
                "a local green-power deduction rule that reuses the 2021 South grid value; kept only "
                "as corroboration",
            ),
        )
        if r is not None
    ]
    return Built(
        tables={"factors": (frame, SCHEMA)},
        title="China national ETS grid emission factor for reporting 2022 data (0.5703 t CO2/MWh)",
        publisher="生态环境部 (Ministry of Ecology and Environment); value transcribed from a "
        "secondary source",
        source_url="http://tanpaifang.com/tanguwen/2023/0215/94510.html",
        licence=LICENCE,
        attribution=f"{NOTICE}, as summarised by http://tanpaifang.com/tanguwen/2023/0215/94510.html "
        "(secondary; official notice text and document number not verified). Transcribed in "
        "shared/data/china/" + FILE + ".",
        retrieval="shared/data/china/" + FILE + ": transcription from a secondary news page; the "
        "official notice was not opened.",
        gwp_basis="none (gas masses)",
        valid_from=date(2022, 1, 1),
        valid_to=date(2022, 12, 31),
        confidence="medium",
        confidence_notes=[
            "Secondary: one news page (S16) summarising the MEE notice, and many code repositories "
            "using 0.5703 (e.g. file id 58585695676); the official text was not found.",
            "regulatory-facts.md B.1 also lists 0.5810 (2022 guideline revision) as UNVERIFIED; it "
            "is not imported.",
        ],
        flags=["secondary_source", "ets_reporting_factor"],
        units_conventions="t CO2 per MWh of purchased electricity (CO2 mass, no GWP). Valid for the "
        "2022 reporting year (activity in calendar 2022).",
        notes=[
            "Use this set only for China ETS compliance reporting of 2022 data. For GHG Protocol "
            "location-based Scope 2, use cn-electricity (MEE/NBS averages).",
            "The national ETS now excludes indirect emissions from electricity (power allocation from "
            "Nov 2024 and the new sectors, regulatory-facts.md B.1), so later ETS reporting may not "
            "need a grid factor at all.",
            *gap_notes(r for r in rows.values() if r.key == GAP_KEY),
            *skipped,
        ],
    )
