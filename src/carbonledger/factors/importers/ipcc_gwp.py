"""GWP100 tables (AR4, AR5, AR6) and refrigerant-blend compositions.

Originals
---------
* ``globalwarmingpotentials.csv`` from the ``globalwarmingpotentials`` 0.13.2 package
  (openclimatedata, CC0-1.0): AR4/AR5 columns from the GHG Protocol GWP table (Feb 2016),
  AR6 from IPCC AR6 WG1 Chapter 7 Supplementary Table 7.SM.7.
* ``ghg-emission-factors-hub-2025.xlsx`` (US EPA, public domain): Table 12, blend
  compositions of refrigerant blends by mass (EPA: "based on data from
  https://www.epa.gov/snap/compositions-refrigerant-blends") and EPA's own AR5 blend GWPs
  (kept for cross-checking).

Added from the literature (cited in the table rows)
---------------------------------------------------
* AR6 fossil methane 29.8 and non-fossil methane 27.0: IPCC AR6 WG1 Table 7.15 (as
  reproduced in the GHG Protocol "Global Warming Potential Values" AR6 table, Aug 2024).
  AR4 and AR5 as used by the GHG Protocol tables give ONE methane value; carbonledger uses
  that value for fossil and non-fossil methane under AR4/AR5, which is how DESNZ and the
  US EPA apply AR5.
* ``CO2_biogenic``: 1 under every set; reported outside the scopes (GHG Protocol).
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd

from carbonledger.factors.importers._base import Built, OriginalSpec, Source

SET_ID = "ipcc-gwp"
VERSION = "1"

GWP_FILE = "globalwarmingpotentials.csv"
HUB_FILE = "ghg-emission-factors-hub-2025.xlsx"

EDITIONS = {
    "0.13.2": Source(
        originals=(
            OriginalSpec(
                GWP_FILE,
                source_url="https://github.com/openclimatedata/globalwarmingpotentials",
                retrieved_from="PyPI globalwarmingpotentials 0.13.2 wheel, "
                "globalwarmingpotentials/globalwarmingpotentials.csv",
                subdir="gwp",
            ),
            OriginalSpec(
                HUB_FILE,
                source_url="https://www.epa.gov/system/files/other-files/2025-01/ghg-emission-factors-hub-2025.xlsx",
                retrieved_from="copy in shared/data/epa_ghg_hub (see its SOURCE.txt)",
                expected_sha256="db9085f182e50c7fd9106a902986434fb41ef0426afc953acb40f61a495e8a76",
                subdir="epa_ghg_hub",
            ),
        ),
    )
}

_SRC_AR4_AR5 = "GHG Protocol Global Warming Potential Values (Feb 2016), via globalwarmingpotentials 0.13.2"
_SRC_AR6 = "IPCC AR6 WG1 Ch.7 Supplementary Material Table 7.SM.7, via globalwarmingpotentials 0.13.2"
_SRC_AR6_CH4 = (
    "IPCC AR6 WG1 Table 7.15 (CH4-fossil 29.8, CH4-non fossil 27.0); GHG Protocol GWP values (AR6), Aug 2024"
)

# Gases of the Kyoto basket (GHG Protocol Corporate Standard: CO2, CH4, N2O, HFCs, PFCs,
# SF6, and NF3 since the 2013 amendment of the Standard's required gases).
_PFCS = {"CF4", "C2F6", "C3F8", "cC4F8", "C4F10", "C5F12", "C6F14", "C7F16", "C8F18", "C10F18"}
_PREFIXED = re.compile(r"^(HFC|HCFC|CFC|HFE|HCFE|Halon)(.+)$")
_SPECIAL_NAMES = {"HFC4310mee": "HFC-43-10mee", "HFE4310pccc124": "HFE-43-10pccc124"}


def canonical_species(raw: str) -> str:
    """``HFC134a`` → ``HFC-134a``; formulas stay as they are."""
    if raw in _SPECIAL_NAMES:
        return _SPECIAL_NAMES[raw]
    match = _PREFIXED.match(raw)
    return f"{match.group(1)}-{match.group(2)}" if match else raw


def _family(species: str) -> str:
    if species in {"CO2", "CO2_biogenic"}:
        return "CO2"
    if species.startswith("CH4"):
        return "CH4"
    if species in {"N2O", "SF6", "NF3"}:
        return species
    if species in _PFCS:
        return "PFC"
    return species.split("-", 1)[0] if "-" in species else "other"


def _kyoto(species: str) -> bool:
    return _family(species) in {"CO2", "CH4", "N2O", "SF6", "NF3", "PFC", "HFC"}


def _read_gwp_csv(path: Path) -> pd.DataFrame:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    records = []
    for row in rows:
        species = canonical_species(row["Species"].strip())
        values = {ar: row[f"{ar}GWP100"].strip() for ar in ("AR4", "AR5", "AR6")}
        if not any(values.values()):
            continue
        records.append(
            {
                "species": species,
                "ar4": values["AR4"],
                "ar5": values["AR5"],
                "ar6": values["AR6"],
                "family": _family(species),
                "kyoto": str(_kyoto(species)).lower(),
                "source_ar4_ar5": _SRC_AR4_AR5,
                "source_ar6": _SRC_AR6,
                "source_ref": f"{GWP_FILE}: Species={row['Species'].strip()}",
                "note": "",
            }
        )
    return pd.DataFrame.from_records(records)


def _added_rows(table: pd.DataFrame) -> pd.DataFrame:
    ch4 = table.set_index("species").loc["CH4"]
    note = (
        "AR4/AR5 GHG Protocol tables give one CH4 value; it is used for fossil and "
        "non-fossil methane alike under AR4/AR5"
    )
    rows = [
        {
            "species": "CO2",
            "ar4": "1",
            "ar5": "1",
            "ar6": "1",
            "family": "CO2",
            "kyoto": "true",
            "source_ar4_ar5": "definition (reference gas)",
            "source_ar6": "definition (reference gas)",
            "source_ref": "definition",
            "note": "",
        },
        {
            "species": "CO2_biogenic",
            "ar4": "1",
            "ar5": "1",
            "ar6": "1",
            "family": "CO2",
            "kyoto": "true",
            "source_ar4_ar5": "definition (reference gas)",
            "source_ar6": "definition (reference gas)",
            "source_ref": "definition",
            "note": "biogenic CO2 is reported outside the scopes (GHG Protocol Corporate Standard ch.9)",
        },
        {
            "species": "CH4_fossil",
            "ar4": ch4["ar4"],
            "ar5": ch4["ar5"],
            "ar6": "29.8",
            "family": "CH4",
            "kyoto": "true",
            "source_ar4_ar5": _SRC_AR4_AR5,
            "source_ar6": _SRC_AR6_CH4,
            "source_ref": "IPCC AR6 WG1 Table 7.15",
            "note": note,
        },
        {
            "species": "CH4_non_fossil",
            "ar4": ch4["ar4"],
            "ar5": ch4["ar5"],
            "ar6": "27.0",
            "family": "CH4",
            "kyoto": "true",
            "source_ar4_ar5": _SRC_AR4_AR5,
            "source_ar6": _SRC_AR6_CH4,
            "source_ref": "IPCC AR6 WG1 Table 7.15",
            "note": note,
        },
    ]
    return pd.DataFrame(rows)


_COMPONENT = re.compile(r"^\s*([0-9.]+)\s*%\s*(.+?)\s*$")


def _read_blends(path: Path) -> pd.DataFrame:
    """EPA Hub Table 12: 'ASHRAE #', '100-year GWP', 'Blend Composition'."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    workbook.close()
    start = next(
        i for i, r in enumerate(rows) if any(isinstance(c, str) and c.strip() == "Table 12" for c in r)
    )
    records = []
    for index in range(start + 1, len(rows)):
        cells = [c for c in rows[index] if c is not None]
        if not cells:
            continue
        first = str(cells[0]).strip()
        if first.startswith("Source"):
            break
        if not first.startswith("R-") or len(cells) < 3:
            continue
        blend, epa_gwp, composition = first, cells[1], str(cells[2])
        for part in composition.split(","):
            match = _COMPONENT.match(part)
            if match is None:
                raise ValueError(f"EPA Hub Table 12 row {index + 1}: cannot parse {composition!r}")
            percent, component = match.groups()
            name = component.strip()
            records.append(
                {
                    "blend": blend,
                    "component": canonical_species(name.replace("-", ""))
                    if re.match(r"^(HFC|HCFC|CFC)-", name)
                    else {"PFC-116": "C2F6", "PFC-218": "C3F8", "PFC-14": "CF4"}.get(name, name),
                    "mass_percent": percent,
                    "epa_ar5_gwp": str(epa_gwp),
                    "source_ref": f"{HUB_FILE}: Table 12, row {index + 1}",
                    "source": "US EPA GHG Emission Factors Hub 2025, Table 12 (compositions from "
                    "https://www.epa.gov/snap/compositions-refrigerant-blends)",
                }
            )
    return pd.DataFrame.from_records(records)


def build(edition: str, originals_dir: Path) -> Built:
    table = pd.concat([_read_gwp_csv(originals_dir / GWP_FILE)], ignore_index=True)
    added = _added_rows(table)
    table = pd.concat([table[~table["species"].isin(added["species"])], added], ignore_index=True)
    table = table.sort_values("species", kind="stable").reset_index(drop=True)
    blends = _read_blends(originals_dir / HUB_FILE)
    blends = blends.sort_values(["blend", "component"], kind="stable").reset_index(drop=True)
    return Built(
        tables={"gwp": (table, "gwp/1"), "blends": (blends, "blends/1")},
        kind="gwp",
        title="Global warming potentials (GWP100) AR4/AR5/AR6 and refrigerant blend compositions",
        publisher="IPCC (values) via openclimatedata/globalwarmingpotentials; US EPA (blend compositions)",
        source_url="https://github.com/openclimatedata/globalwarmingpotentials",
        licence="CC0-1.0 (globalwarmingpotentials); US federal work, public domain (EPA Hub)",
        attribution="GWP values: IPCC AR4, AR5 (as tabulated by the GHG Protocol, Feb 2016) and "
        "AR6 WG1 Table 7.SM.7 / Table 7.15. Blend compositions: US EPA GHG Emission Factors Hub 2025.",
        retrieval="globalwarmingpotentials.csv from the PyPI wheel globalwarmingpotentials 0.13.2; "
        "EPA Hub workbook as recorded in shared/data/epa_ghg_hub/SOURCE.txt",
        gwp_basis="n/a",
        valid_from=date(2007, 1, 1),
        valid_to=date(2099, 12, 31),
        confidence="high",
        confidence_notes=[
            "AR6 single CH4 value 27.9 is Table 7.SM.7; the fossil/non-fossil split (29.8/27.0) "
            "is Table 7.15 and was added by carbonledger with that citation.",
            "Blend GWPs are computed from compositions; following EPA Table 12, only HFC and "
            "PFC constituents count (HCFCs and hydrocarbons contribute zero). EPA's published "
            "AR5 blend GWPs are kept in blends.csv for cross-checking.",
            "Cross-check finding: EPA Table 12 lists R-424A at an AR5 GWP of 3104, which its own "
            "stated composition (50.5 % HFC-125, 47 % HFC-134a, 2.5 % hydrocarbons) does not "
            "reproduce (0.505 x 3170 + 0.47 x 1300 = 2211.85). carbonledger uses the composition; "
            "every other blend agrees with EPA's value within rounding.",
        ],
        units_conventions="GWP100, dimensionless (kg CO2e per kg of gas)",
    )
