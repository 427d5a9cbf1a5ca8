"""China MEE/NBS electricity CO2 emission factors (电力二氧化碳排放因子), data years 2021-2023.

Original
--------
``table2_electricity_co2_factors_2021_2023.csv`` from ``shared/data/china``: a transcription
of the factors published by 生态环境部 (MEE) and 国家统计局 (NBS), made from SECONDARY sources
(public code and news pages; every row names them). One edition per data year and
announcement:

* ``2021``: 公告2024年第12号, 2024-04-12;
* ``2022``: 公告2024年第33号, signed 2024-12-20, posted 2024-12-26;
* ``2023``: 公告2025年第47号, 2025-12-31 (provincial table = 附件表3).

Rows
----
``E = AD(kWh) × EF(kg CO2/kWh)``: the factors are kg CO2 per kWh of electricity consumed
(= t CO2/MWh), a mass of CO2 (no GWP involved).

* national average and the 7 regional and 30 provincial averages → ``electricity/grid``
  (regions ``CN``, ``CN-GRID-<REGION>``, ISO 3166-2 ``CN-xx``);
* national average excluding market-traded non-fossil electricity →
  ``electricity/grid_excl_market_nonfossil``;
* national fossil-fuel power average → ``electricity/grid_fossil``.

Validity is the data year. Tibet has no value in any source: no row, a manifest note.

Check
-----
Each regional factor must lie within the range of its member provinces' factors for the
same year (membership from ``data/regions/cn_grid.csv``). A regional factor is close to
a consumption-weighted mean of its provinces' factors (inter-regional flows aside), so it
is expected, not guaranteed, to lie in their range: a weak but real test of the
transcription and of the membership. A violation stops the build for a human to look.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from carbonledger.errors import FactorSetError
from carbonledger.factors.importers._base import Built, Source
from carbonledger.factors.importers.cn_common import (
    LICENCE,
    README_SPEC,
    SourceRow,
    convert,
    gap_notes,
    provinces,
    read_transcription,
    row_note,
    source_ids,
    tidy_row,
    transcription_spec,
)
from carbonledger.factors.schema import SCHEMA
from carbonledger.regions import region_chain

SET_ID = "cn-electricity"
VERSION = "1"

FILE = "table2_electricity_co2_factors_2021_2023.csv"


@dataclass(frozen=True)
class Announcement:
    number: str
    title: str
    published: str
    url: str
    attachment: str


ANNOUNCEMENTS: dict[str, Announcement] = {
    "2021": Announcement(
        "生态环境部、国家统计局公告2024年第12号",
        "关于发布2021年电力二氧化碳排放因子的公告",
        "2024-04-12",
        "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202404/t20240412_1070565.html",
        "attachment W020240412827267102800.pdf",
    ),
    "2022": Announcement(
        "生态环境部、国家统计局公告2024年第33号",
        "关于发布2022年电力二氧化碳排放因子的公告",
        "signed 2024-12-20, posted 2024-12-26",
        "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202412/t20241226_1099413.html",
        "",
    ),
    "2023": Announcement(
        "生态环境部、国家统计局公告2025年第47号",
        "关于发布2023年电力二氧化碳排放因子的公告",
        "2025-12-31",
        "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202512/t20251231_1139517.html",
        "attachment https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202512/W020251231726284332528.pdf "
        "(附件表3 = provincial factors)",
    ),
}

EDITIONS = {
    year: Source(originals=(transcription_spec(FILE), README_SPEC), subdir="china") for year in ANNOUNCEMENTS
}

NATIONAL = {
    "average": ("electricity/grid", "national average (全国电力平均二氧化碳排放因子)"),
    "excl_market_nonfossil": (
        "electricity/grid_excl_market_nonfossil",
        "national average excluding market-traded non-fossil electricity",
    ),
    "fossil": ("electricity/grid_fossil", "national fossil-fuel power average"),
}
GRIDS = ("north", "northeast", "east", "central", "northwest", "south", "southwest")

# README (shared/data/china): "high for 2022/2023 national and regional values (>= 2
# independent sources). Medium-high for provinces (one full table each year, spot-checked)".
_README_HIGH_YEARS = ("2022", "2023")


def _judge(row: SourceRow, level: str, year: str) -> tuple[str, list[str]]:
    """Confidence and flags of one row (rules in the manifest's confidence_notes)."""
    flags = ["secondary_source"]
    if "low confidence" in row.note.lower():
        return "low", [*flags, "low_confidence"]
    if level in ("national", "region") and year in _README_HIGH_YEARS:
        return "high", flags
    if len(source_ids(row)) >= 2:
        return "high", flags
    return "medium", [*flags, "single_source"]


def _classify(row: SourceRow, year: str) -> tuple[str, str, str, str]:
    """``(level, region, activity, label)`` of a ``cn.elec.<year>.…`` key."""
    parts = row.key.split(".")
    if len(parts) != 5 or parts[:3] != ["cn", "elec", year]:
        raise FactorSetError(f"{row.ref}: key is not cn.elec.{year}.<level>.<name>")
    level, name = parts[3], parts[4]
    if level == "national" and name in NATIONAL:
        activity, label = NATIONAL[name]
        return level, "CN", activity, label
    if level == "region" and name in GRIDS:
        return level, f"CN-GRID-{name.upper()}", "electricity/grid", f"{name} regional grid average"
    if level == "province":
        table = provinces()
        if name not in table:
            raise FactorSetError(f"{row.ref}: province {name!r} is not in cn_provinces.csv")
        code, name_zh = table[name]
        if name_zh not in row.name_zh:
            raise FactorSetError(f"{row.ref}: name {row.name_zh!r} does not contain {name_zh!r}")
        return level, code, "electricity/grid", "provincial average"
    raise FactorSetError(f"{row.ref}: unknown level/name {level}.{name}")


def grid_members() -> dict[str, list[str]]:
    """``{CN-GRID-X: [province codes]}`` from the region hierarchy (cn_grid.csv)."""
    out: dict[str, list[str]] = {f"CN-GRID-{g.upper()}": [] for g in GRIDS}
    for code, _ in provinces().values():
        chain = region_chain(code)
        if len(chain) > 2 and chain[1] in out:
            out[chain[1]].append(code)
    return out


def consistency_check(frame: pd.DataFrame) -> list[str]:
    """Each regional ``electricity/grid`` factor within its members' min..max; returns
    one note per region; raises :class:`FactorSetError` listing every violation."""
    grid = frame[frame["activity"] == "electricity/grid"].set_index("region")["value"]
    notes: list[str] = []
    bad: list[str] = []
    for region, members in grid_members().items():
        present = [m for m in members if m in grid.index]
        if region not in grid.index or not present:
            notes.append(f"consistency check skipped for {region}: no regional or member values")
            continue
        low, high = float(grid[present].min()), float(grid[present].max())
        value = float(grid[region])
        text = f"{region} {value:g} within members {', '.join(sorted(present))} range [{low:g}, {high:g}]"
        if low <= value <= high:
            notes.append(f"consistency check passed: {text}")
        else:
            bad.append(text.replace("within", "NOT within"))
    if bad:
        raise FactorSetError("regional factor outside its provinces' range: " + "; ".join(bad))
    return notes


def build(edition: str, originals_dir: Path) -> Built:
    ann = ANNOUNCEMENTS[edition]
    rows = [r for r in read_transcription(originals_dir / FILE) if r.key.startswith(f"cn.elec.{edition}.")]
    valid_from, valid_to = f"{edition}-01-01", f"{edition}-12-31"
    records: list[dict[str, Any]] = []
    for row in rows:
        level, region, activity, label = _classify(row, edition)
        if row.value is None:
            continue
        value, unit, meaning = convert(row)
        if unit != "kg/kWh":
            raise FactorSetError(f"{row.ref}: unit {row.unit!r} is not kg CO2/kWh")
        confidence, flags = _judge(row, level, edition)
        records.append(
            tidy_row(
                factor_id=row.key,
                activity=activity,
                name=f"{row.name_zh} / {row.name_en}",
                region=region,
                valid_from=valid_from,
                valid_to=valid_to,
                parameter="emission_factor",
                gas="CO2",
                value=value,
                unit=unit,
                source_ref=row.ref,
                confidence=confidence,
                flags=flags,
                note=row_note(row, f"{label}; {meaning} of electricity consumed; {ann.number}"),
            )
        )
    frame = pd.DataFrame.from_records(records)
    checks = consistency_check(frame)
    confidences = sorted(set(frame["confidence"]))
    members = grid_members()
    membership = "; ".join(f"{g}: {', '.join(m)}" for g, m in members.items())
    return Built(
        tables={"factors": (frame, SCHEMA)},
        title=f"{edition}年电力二氧化碳排放因子 — China electricity CO2 emission factors, "
        f"data year {edition} (national, 7 regional grids, provinces)",
        publisher="生态环境部 (Ministry of Ecology and Environment) and 国家统计局 (National Bureau of "
        "Statistics); values transcribed from secondary sources",
        source_url=ann.url,
        licence=LICENCE,
        attribution=f"{ann.number}《{ann.title}》({ann.published}), {ann.url}"
        + (f"; {ann.attachment}" if ann.attachment else "")
        + ". Values as transcribed in shared/data/china from the secondary sources each row names.",
        retrieval="shared/data/china/" + FILE + ": transcription from secondary sources (public code, "
        "news pages); the official PDF was not opened. The importer keeps only the rows of data year "
        + edition
        + ".",
        gwp_basis="none (gas masses)",
        valid_from=date.fromisoformat(valid_from),
        valid_to=date.fromisoformat(valid_to),
        confidence=confidences[0] if len(confidences) == 1 else "mixed",
        confidence_notes=[
            "Every value is a SECONDARY transcription (no official PDF opened); every row is flagged "
            "secondary_source and its note names the sources (S-ids of the data README).",
            "Row confidence: 'low' (+ flag low_confidence) where the transcription note says LOW "
            "confidence (2021 excl. market non-fossil 0.5942: only one source lists it and the "
            "mapping to that metric is inferred); 'high' for 2022/2023 national and regional values "
            "(data README: >= 2 independent sources); otherwise 'high' when the row names >= 2 "
            "sources, else 'medium' + flag single_source.",
            "Data README checks: 2023 vs 2022 provinces (20 fall, 10 rise) match the MEE statement; "
            "2022 regions agree between S7 and S11; 2023 spot checks agree.",
        ],
        flags=["secondary_source"],
        units_conventions="kg CO2 per kWh of electricity consumed (= t CO2/MWh); values are CO2 "
        "mass (gas CO2), not CO2e. Validity = the data year (the factors are published about two "
        "years later).",
        notes=[
            "Three different questions: electricity/grid (national, regional, provincial AVERAGE "
            "factors, location-based); electricity/grid_excl_market_nonfossil (average excluding "
            "market-traded non-fossil power: a residual-mix PROXY for market-based reporting, not a "
            "true residual mix); electricity/grid_fossil (fossil generation only, information).",
            "Not the ETS reporting factor: 0.5703 t CO2/MWh for 2022 ETS reporting is set cn-ets-grid.",
            "Region chain: provinces are parented to their regional grid in "
            "src/carbonledger/data/regions/cn_grid.csv (source: a secondary transcription of "
            "《2021年电力二氧化碳排放因子计算说明》表1; see that file). Membership used: "
            + membership
            + ". CN-NM (Inner Mongolia) is split between 蒙东 (Northeast) and 蒙西 (North) and CN-XZ "
            "(Tibet) is in neither source, so both stay parented to CN.",
            *checks,
            *gap_notes(rows),
            "Tibet (西藏, CN-XZ) has no value in any source (S10 lists 30 provinces); records in "
            "CN-XZ resolve along CN-XZ → CN → GLOBAL, i.e. to the national factor.",
        ],
    )
