"""China cement and aluminium process factors (unattributed, LOW confidence).

Original
--------
``table1d_process_factors_cement_aluminium.csv`` from ``shared/data/china``: values taken
from public React apps whose structure matches the MEE national-ETS guidelines for
aluminium smelting and cement clinker, but which NAME NO SOURCE DOCUMENT (S18-S20).

Rows (mapping in ``cn_process_map.csv``):

* aluminium anode effect: one factor ``al.anode_effect.default`` with gas rows CF4
  0.034 and C2F6 0.0034 kg per t Al (``process/aluminium/anode_effect``); the slope
  coefficient 0.143 (``E_CF4 = 0.143 × AEM``) and the carbon-anode parameters
  (``E = NC × (1 − S − Ash) × 44/12``) as native rows without an activity key;
* cement clinker process factors by clinker type (``process/clinker/<type>``), t CO2 per
  t clinker, and 30 non-carbonate raw-material DEDUCTION factors (native rows without an
  activity key, so they can never be added as emissions by activity lookup).

The apps' GWP values (CF4 6630, C2F6 11100 = IPCC AR5) are not imported: CO2e comes from
the GWP set a report chooses. The GWP the aluminium guideline states is UNVERIFIED.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from carbonledger.factors.importers._base import Built, Source
from carbonledger.factors.importers.cn_common import (
    README_SPEC,
    gap_notes,
    process_rows,
    read_transcription,
    transcription_spec,
)
from carbonledger.factors.schema import SCHEMA

SET_ID = "cn-process"
VERSION = "1"

FILE = "table1d_process_factors_cement_aluminium.csv"
EDITIONS = {"unattributed": Source(originals=(transcription_spec(FILE), README_SPEC), subdir="china")}

VALID_FROM, VALID_TO = "2024-01-01", "2099-12-31"
FLAGS = ("secondary_source", "low_confidence", "UNVERIFIED", "unattributed")


def build(edition: str, originals_dir: Path) -> Built:
    rows = read_transcription(originals_dir / FILE)
    out, skipped = process_rows(
        [r for r in rows if r.value is not None],
        valid_from=VALID_FROM,
        valid_to=VALID_TO,
        confidence="low",
        flags=FLAGS,
        family="unattributed app values (structure matches the MEE aluminium/cement ETS guidelines)",
    )
    frame = pd.DataFrame.from_records(out)
    return Built(
        tables={"factors": (frame, SCHEMA)},
        title="China cement clinker and aluminium process factors (unattributed app values, LOW confidence)",
        publisher="unattributed: public apps whose structure matches the MEE national-ETS aluminium and "
        "cement guidelines (no source document named)",
        source_url="",
        licence="Unattributed numeric values from public app code (no licence stated by the apps). If "
        "they reproduce MEE guideline defaults, those official documents are not protected by "
        "copyright (PRC Copyright Law Art. 5) — not verified. Transcription: carbonledger shared data "
        "(shared/data/china), see original/README.md.",
        attribution=f"Transcribed in shared/data/china/{FILE} from S18 (file id 19026346083), S19 (file ids "
        "18575876487 / 18630467771) and S20 (file id 18518521384); no official document named.",
        retrieval="shared/data/china/" + FILE + ": transcription of public app code; no official text "
        "was found or opened.",
        gwp_basis="none (gas masses)",
        valid_from=date.fromisoformat(VALID_FROM),
        valid_to=date.fromisoformat(VALID_TO),
        confidence="low",
        confidence_notes=[
            "Data README: low — taken from apps whose structure matches the MEE ETS guidelines but which "
            "name no source document. Every row is flagged secondary_source, low_confidence, UNVERIFIED "
            "and unattributed.",
            "Do not use for compliance reporting without checking the official guideline "
            "(CETS-AG-04.01-V01-2024 for aluminium; the 2024/25 cement guideline).",
        ],
        flags=list(FLAGS),
        units_conventions="PFC factors kg of CF4 / C2F6 per t aluminium (gas masses; CO2e by the "
        "report's GWP set); clinker factors t CO2 per t clinker; deductions t CO2 per t raw material; "
        "per-cent parameters converted to fractions.",
        notes=[
            "Validity: NO document date exists for these values. From 2024-01-01, the first reporting "
            "year of the national ETS for steel, cement and aluminium (regulatory-facts.md B.2), whose "
            "guidelines the apps appear to mirror — an assumption, not a document date; open-ended.",
            "GWP: the apps use CF4 6630 and C2F6 11100 (= IPCC AR5); the GWP the 2024 aluminium guideline "
            "states is UNVERIFIED (regulatory-facts.md C). CO2e is computed with the report's GWP set.",
            *gap_notes(r for r in rows if r.value is None),
            *skipped,
        ],
    )
