"""Shared code for the EU CBAM factor-set importers (``cbam_*``).

Not an importer itself (no ``SET_ID``). Holds

* the provenance texts of the two machine-readable transcriptions of the CBAM
  implementing regulations that carbonledger ships:

  - ``opencbam`` 0.1.0 (PyPI, Apache-2.0, IA Climate Ops): JSON transcriptions of
    IR (EU) 2025/2621 *as first published* (default values with per-year mark-up
    columns, Annex IV precursor values), IR (EU) 2025/2620 (CBAM benchmarks) and the
    Annex I CN list of the CBAM Report Structure ver 23.00. Its ``LICENSE`` and
    ``NOTICE`` are stored next to the data as originals;
  - Daniel Scully's ``dlt-dbt-duckdb-evidence`` seeds (MIT, Copyright (c) 2026 Daniel
    Scully): CSVs of Annex I of IR (EU) 2025/2621 *as replaced by IR (EU) 2026/1740*,
    the goods list and the mark-up schedule. The MIT notice is stored as an original;

* CN-code normalisation and country-name → ISO 3166-1 alpha-2 mapping used by both.

The values themselves are EU legislation, reusable under Commission Decision
2011/833/EU. Grid electricity factors (Annexes II and III of IR 2025/2621) are IEA data
under CC BY-NC-SA 4.0 and are deliberately NOT shipped: users supply them.
"""

from __future__ import annotations

import re

import pycountry

from carbonledger.factors.importers._base import OriginalSpec

__all__ = [
    "OPENCBAM_ATTRIBUTION",
    "OPENCBAM_LICENCE",
    "OPENCBAM_NOTICES",
    "OPENCBAM_PUBLISHER",
    "OPENCBAM_RETRIEVAL",
    "OTHER_COUNTRIES",
    "SCULLY_ATTRIBUTION",
    "SCULLY_LICENCE",
    "SCULLY_NOTICE",
    "SCULLY_RETRIEVAL",
    "cn_digits",
    "country_iso2",
    "num_or_empty",
]

OTHER_COUNTRIES = "OTHER"
"""Region code carbonledger uses for the table 'Other countries and territories'."""

OPENCBAM_PUBLISHER = "European Commission (Official Journal of the EU); transcription by IA Climate Ops (opencbam)"
OPENCBAM_LICENCE = (
    "values: EU legislation, reusable under Commission Decision 2011/833/EU; "
    "transcription: Apache-2.0 (opencbam 0.1.0, see original/LICENSE and original/NOTICE)"
)
OPENCBAM_ATTRIBUTION = (
    "Transcription by OpenCBAM Core (opencbam 0.1.0), Copyright 2026 IA Climate Ops, "
    "licensed under the Apache License 2.0; values from the Official Journal of the EU."
)
OPENCBAM_RETRIEVAL = (
    "PyPI opencbam 0.1.0 wheel (sha256 c2e30543...be7fd), files opencbam/engine/data/*.json, "
    "copied unaltered in shared/data/eu_cbam (see its SOURCE.txt)"
)
OPENCBAM_NOTICES = (
    OriginalSpec("LICENSE", retrieved_from="opencbam 0.1.0 package LICENSE", subdir="eu_cbam"),
    OriginalSpec("NOTICE", retrieved_from="opencbam 0.1.0 package NOTICE", subdir="eu_cbam"),
    OriginalSpec("SOURCES.md", retrieved_from="opencbam 0.1.0 package SOURCES.md", subdir="eu_cbam"),
)

SCULLY_LICENCE = (
    "values: EU legislation, reusable under Commission Decision 2011/833/EU; "
    "transcription: MIT License, Copyright (c) 2026 Daniel Scully (see original/SOURCE.txt)"
)
SCULLY_ATTRIBUTION = (
    "Transcription by Daniel Scully, github.com/Ddscully/dlt-dbt-duckdb-evidence "
    "(dbt/seeds), MIT License, Copyright (c) 2026 Daniel Scully."
)
SCULLY_RETRIEVAL = (
    "read from the public repository Ddscully/dlt-dbt-duckdb-evidence via a stored index; "
    "see original/SOURCE.txt for commits, paging method and SHA-256 of each file"
)
SCULLY_NOTICE = OriginalSpec(
    "SOURCE.txt",
    retrieved_from="shared/data/eu_cbam/ir_2026_1740_transcription/SOURCE.txt (provenance + MIT notice)",
    subdir="eu_cbam/ir_2026_1740_transcription",
)

# Country names used by the opencbam transcription that pycountry cannot look up.
_NAME_TO_ISO2 = {
    "Brunei": "BN",
    "Democratic Republic of the Congo": "CD",
    "Myanmar/Burma": "MM",
    "Russia": "RU",
    "Other Countries and Territories": OTHER_COUNTRIES,
    "Other countries and territories": OTHER_COUNTRIES,
}


def country_iso2(name: str = "", iso3: str = "") -> str:
    """ISO 3166-1 alpha-2 code from an alpha-3 code or a country name; ``OTHER`` for the
    'Other countries and territories' table. Raises ``LookupError`` when unknown."""
    if iso3:
        country = pycountry.countries.get(alpha_3=iso3.strip().upper())
        if country is None:
            raise LookupError(f"unknown ISO 3166-1 alpha-3 code {iso3!r}")
        return str(country.alpha_2)
    text = name.strip()
    if text in _NAME_TO_ISO2:
        return _NAME_TO_ISO2[text]
    return str(pycountry.countries.lookup(text).alpha_2)


_CN = re.compile(r"^\d{4}(\d{2}){0,3}$")


def cn_digits(text: str) -> str:
    """``'7208 10 00'`` → ``'72081000'``; keeps 4, 6, 8 or 10 digits; raises ValueError."""
    digits = re.sub(r"[\s.]", "", str(text))
    if not _CN.match(digits):
        raise ValueError(f"not a CN code: {text!r}")
    return digits


def num_or_empty(text: object) -> str:
    """A published number as canonical text ('' for '–', 'DASH', 'NA' or blank)."""
    if text is None:
        return ""
    value = str(text).strip()
    if value in {"", "DASH", "NA", "N/A", "-", "–"}:
        return ""
    return repr(float(value.replace(",", ".")))
