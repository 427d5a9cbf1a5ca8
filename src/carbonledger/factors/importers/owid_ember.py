"""Carbon intensity of electricity generation by country and year — Our World in Data,
based on Ember and the Energy Institute (a labelled location-based FALLBACK).

Original
--------
``carbon-intensity-electricity.csv`` (OWID grapher export; columns ``Entity, Code, Year,
Carbon intensity of electricity per kWh``), values in g CO2e per kWh of electricity
GENERATED, 2000-2025 (2025 partial). Licence CC BY 4.0 (OWID, Ember); the Energy
Institute portion has its own terms. See ``shared/data/owid/SOURCE.txt``.

Rows
----
One factor per country and year (``factor_id = owid.<ISO3>.<year>``), activity
``electricity/grid``, region = ISO 3166-1 alpha-2 (ISO3 → ISO2 with pycountry), valid for
that calendar year, gas ``CO2e``, unit ``g CO2e/kWh``. Aggregates (blank codes such as
"ASEAN (Ember)") and ``OWID_*`` codes (World, continents, income groups, OWID_KOS) are
not rows; they are listed in the manifest notes.

What the number is (and is not)
-------------------------------
* GENERATION-based: emissions of a country's own generation per kWh generated, not per
  kWh consumed (imports and exports ignored), and not a residual mix: never a
  market-based factor.
* LIFECYCLE: Ember states its figures "aim to include full lifecycle emissions including
  upstream methane, supply chain and manufacturing emissions, and include all gases,
  converted into CO2 equivalent over a 100-year timescale" (Ember, Global Electricity
  Review 2024, supporting material), and OWID titles the chart "Lifecycle carbon intensity
  of electricity generation". So it is larger than a combustion-only Scope 2 factor.
* GWP set: the sources say "100-year timescale" but name no IPCC report, so ``gwp_basis``
  is ``unknown``.

Every row is flagged ``location_based_fallback|generation_based|lifecycle_basis``; 2025
rows also ``provisional_partial_year``.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry

from carbonledger.errors import InputError, Problem
from carbonledger.factors.importers._base import Built, OriginalSpec, Source
from carbonledger.factors.schema import SCHEMA

SET_ID = "owid-ember"
VERSION = "1"

FILE = "carbon-intensity-electricity.csv"
HEADER = ("Entity", "Code", "Year", "Carbon intensity of electricity per kWh")

EDITIONS = {
    "2025": Source(
        originals=(
            OriginalSpec(
                FILE,
                source_url="https://ourworldindata.org/grapher/carbon-intensity-electricity",
                retrieved_from="shared/data/owid: copied from repo sayanarman/CAP6938-Final-Project, "
                "data/carbon-intensity-electricity.csv @ 2f9bd5a5ca06ddcafceecc704c557e94c5baa5a8 "
                "(see SOURCE.txt)",
            ),
            OriginalSpec(
                "SOURCE.txt",
                retrieved_from="shared/data/owid/SOURCE.txt: provenance and licence note (not read by "
                "the importer)",
            ),
        ),
        subdir="owid",
    )
}

FLAGS = ("location_based_fallback", "generation_based", "lifecycle_basis")
PARTIAL_YEAR = 2025
ATTRIBUTION = (
    "Our World in Data based on Ember (Yearly Electricity Data, 2025) and the Energy Institute "
    "(Statistical Review of World Energy, 2024) — with major processing by Our World in Data. "
    "'Carbon intensity of electricity generation' [dataset]. Licence CC BY 4.0 (OWID, Ember); the "
    "Energy Institute portion has its own terms."
)


def _read(path: Path) -> list[tuple[int, str, str, int, Decimal]]:
    """``(line, entity, code, year, value)`` rows; every malformed row reported at once."""
    problems: list[Problem] = []
    out: list[tuple[int, str, str, int, Decimal]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or tuple(header) != HEADER:
            raise InputError(
                [
                    Problem(
                        "unexpected header",
                        file=path.name,
                        row=1,
                        value=str(header),
                        accepted=",".join(HEADER),
                    )
                ]
            )
        for cells in reader:
            line = reader.line_num
            if len(cells) != len(HEADER):
                problems.append(Problem("expected 4 cells", file=path.name, row=line, value=",".join(cells)))
                continue
            entity, code, year_text, value_text = (c.strip() for c in cells)
            try:
                year = int(year_text)
            except ValueError:
                problems.append(
                    Problem("year is not an integer", file=path.name, row=line, field="Year", value=year_text)
                )
                continue
            try:
                value = Decimal(value_text)
            except InvalidOperation:
                problems.append(
                    Problem(
                        "value is not a number",
                        file=path.name,
                        row=line,
                        field="Carbon intensity of electricity per kWh",
                        value=value_text,
                    )
                )
                continue
            if not value.is_finite() or value < 0:
                problems.append(
                    Problem("value must be finite and >= 0", file=path.name, row=line, value=value_text)
                )
                continue
            out.append((line, entity, code, year, value))
    if problems:
        raise InputError(problems, summary=f"{path.name}: {len(problems)} bad rows")
    return out


def iso2(code: str) -> str | None:
    """ISO 3166-1 alpha-2 for an alpha-3 code, or None (OWID_* and unknown codes)."""
    if len(code) != 3 or not code.isalpha():
        return None
    country = pycountry.countries.get(alpha_3=code)
    return None if country is None else str(country.alpha_2)


def build(edition: str, originals_dir: Path) -> Built:
    rows = _read(originals_dir / FILE)
    records: list[dict[str, Any]] = []
    skipped: Counter[tuple[str, str]] = Counter()
    countries: set[str] = set()
    for line, entity, code, year, value in rows:
        alpha2 = iso2(code)
        if alpha2 is None:
            skipped[(entity, code)] += 1
            continue
        countries.add(alpha2)
        flags = list(FLAGS)
        note = (
            "lifecycle carbon intensity of electricity GENERATION in the country (OWID/Ember); a "
            "labelled location-based fallback, not consumption-based, not a residual mix"
        )
        if year == PARTIAL_YEAR:
            flags.append("provisional_partial_year")
            note += f"; {PARTIAL_YEAR} is the latest, partial year of the export (provisional estimate)"
        records.append(
            {
                "factor_id": f"owid.{code}.{year}",
                "activity": "electricity/grid",
                "name": entity,
                "region": alpha2,
                "valid_from": f"{year}-01-01",
                "valid_to": f"{year}-12-31",
                "parameter": "emission_factor",
                "gas": "CO2e",
                "value": float(value),
                "unit": "g CO2e/kWh",
                "gwp_basis": "unknown",
                "basis": "",
                "scope": "",
                "preference": 0,
                "source_ref": f"{FILE}: line {line} (Entity={entity}, Code={code}, Year={year})",
                "confidence": "medium",
                "flags": "|".join(flags),
                "note": note,
            }
        )
    frame = pd.DataFrame.from_records(records)
    years = sorted({int(y) for y in frame["valid_from"].str[:4]})
    partial = int((frame["valid_from"].str[:4] == str(PARTIAL_YEAR)).sum())
    listing = "; ".join(f"{e} [{c or 'no code'}] ({n} rows)" for (e, c), n in sorted(skipped.items()))
    return Built(
        tables={"factors": (frame, SCHEMA)},
        title="Carbon intensity of electricity generation by country (OWID, based on Ember and the Energy "
        "Institute) — location-based FALLBACK",
        publisher="Our World in Data; Ember; Energy Institute",
        source_url="https://ourworldindata.org/grapher/carbon-intensity-electricity",
        licence="CC BY 4.0 (Our World in Data; Ember). Energy Institute Statistical Review data: "
        "Energy Institute terms of use.",
        attribution=ATTRIBUTION,
        retrieval="OWID grapher CSV export, copied from a public repository (see original/SOURCE.txt); "
        "canonical series: owid/energy-data column carbon_intensity_elec.",
        gwp_basis="unknown",
        valid_from=date(years[0], 1, 1),
        valid_to=date(years[-1], 12, 31),
        confidence="medium",
        confidence_notes=[
            "GENERATION-based: emissions of domestic generation per kWh generated; imports and exports "
            "are ignored, so it is not a consumption-based factor.",
            "NOT a residual mix: never use it for market-based Scope 2.",
            "LIFECYCLE: Ember's figures 'aim to include full lifecycle emissions including upstream "
            "methane, supply chain and manufacturing emissions, and include all gases, converted into CO2 "
            "equivalent over a 100-year timescale' (Ember, Global Electricity Review 2024, supporting "
            "material, https://ember-climate.org/insights/research/global-electricity-review-2024/"
            "supporting-material/); OWID's chart is titled 'Lifecycle carbon intensity of electricity "
            "generation'. Higher than a combustion-only Scope 2 factor (upstream belongs in Scope 3 "
            "category 3).",
            "GWP basis unknown: the sources say '100-year timescale' without naming the IPCC report "
            "(a third-party catalogue, Climatiq, labels it AR5; not confirmed by Ember or OWID).",
            "A labelled fallback only: use an official national factor where one exists (e.g. "
            "cn-electricity for China); every row carries flag location_based_fallback.",
        ],
        flags=list(FLAGS),
        units_conventions="g CO2e per kWh of electricity generated (gas CO2e, gwp_basis unknown); one "
        "factor per country and calendar year.",
        notes=[
            f"{len(frame)} country-year rows, {len(countries)} countries, years {years[0]}-{years[-1]}.",
            f"{PARTIAL_YEAR} is partial: {partial} countries have a {PARTIAL_YEAR} value (SOURCE.txt: 106 "
            f"entities incl. aggregates); {PARTIAL_YEAR} values are Ember's latest estimates and are "
            "flagged provisional_partial_year.",
            "Not imported (aggregates without a country code, OWID_* regions, and OWID_KOS Kosovo, which "
            "has no ISO 3166-1 code): " + listing + ".",
            "Attribution required by CC BY 4.0: " + ATTRIBUTION,
        ],
    )
