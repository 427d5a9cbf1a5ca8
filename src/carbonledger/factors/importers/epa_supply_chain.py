"""US EPA Supply Chain GHG Emission Factors v1.3.0 (2017 NAICS-6, 2022 USD) → tidy table.

Originals (US federal data, public domain; DOI 10.23719/1531143)
------------------------------------------------------------------
* ``SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv``: one row per NAICS code,
  ``GHG = All GHGs``, unit ``kg CO2e/2022 USD, purchaser price`` (AR5 GWPs: the generating
  model spec ``USEEIOv2.2.22-GHG`` uses the IPCC ``AR5-100`` indicator).
* ``SupplyChainGHGEmissionFactors_v1.3.0_NAICS_byGHG_USD2022.csv``: 18 rows per NAICS code,
  17 gases in ``kg/2022 USD, purchaser price`` plus ``HFCs and PFCs, unspecified`` in
  ``kg CO2e/2022 USD, purchaser price``.

Columns (EPA format specification, USEPA/supply-chain-factors ``format-specs``):
"Supply Chain Emission Factors without Margins" = cradle to the point of production;
"Margins of Supply Chain Emission Factors" = point of production to the point of sale
(transport, wholesale and retail margins); "with Margins" = cradle to the point of sale,
the sum of the two. EPA's generating code (``CalculateEmissionFactors.Rmd``) computes
BOTH from purchaser-price-adjusted matrices (``N_pur``, ``N_margin_pur``) and every row's
unit says "purchaser price": both factors are per US dollar of PURCHASER price in 2022.

Two factors per NAICS code (activity ``spend/naics/<code>``, region ``US``):

* ``<code>:with_margins`` — basis ``purchaser_price_with_margins``, preference 0: spend at
  purchaser prices, emissions cradle to shelf. EPA's default for purchased goods.
* ``<code>:without_margins`` — basis ``purchaser_price_without_margins``, preference 1:
  spend still at purchaser prices, but emissions only up to the factory gate (the
  transport/wholesale/retail emissions are left out, e.g. because they are reported
  separately under Scope 3 category 4). It is NOT a factor per dollar of producer price.

Tables:

* ``factors.csv`` — per factor the CO2e total (``kg CO2e/USD``, gwp_basis AR5): what
  resolution and calculation use.
* ``by_gas.csv`` — the complete per-gas breakdown of the same factors (same factor ids):
  17 gas masses (``kg/USD``, gwp_basis empty; gas names through
  :func:`carbonledger.gwp.canonical_gas` after EPA's chemical names become formulas by
  :data:`GAS_FORMULAS`) plus EPA's ``HFCs and PFCs, unspecified`` as gas
  ``HFCs_PFCs_unspecified`` in ``kg CO2e/USD`` (AR5).

Why the split: the calculation kernel uses a factor's per-gas rows instead of its total
whenever they exist, and re-weights each gas with the run's GWP set. EPA gives the
unspecified HFC/PFC part (0.02 % to 18 % of a code's CO2e) only as AR5 CO2e, which has no
GWP of its own, so per-gas rows in ``factors.csv`` would either fail under every GWP set or
(without that part) undercount. Per-gas rows go into ``factors.csv`` only for factors whose
every gas has a GWP in AR4, AR5 and AR6 — none in v1.3.0, because every code has the
unspecified row.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from carbonledger.errors import GWPError, InputError, Problem, ProblemLog
from carbonledger.factors.importers._base import Built, OriginalSpec, Source
from carbonledger.factors.schema import COLUMNS
from carbonledger.gwp import GWP_SETS, canonical_gas, gwp

__all__ = ["CO2E_FILE", "EDITIONS", "GAS_FORMULAS", "GHG_FILE", "SET_ID", "VERSION", "build"]

SET_ID = "epa-supply-chain"
VERSION = "1"
CO2E_FILE = "SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv"
GHG_FILE = "SupplyChainGHGEmissionFactors_v1.3.0_NAICS_byGHG_USD2022.csv"
_URL = "https://pasteur.epa.gov/uploads/10.23719/1531143/"
_RETRIEVED = (
    "copy in shared/data/epa_supply_chain (GitHub sungkomp/mcp-csv-agent, data/, commit "
    "2f5575dc07a520b6e626decc7c478d0bc925cae0; see its SOURCE.txt, whose abbreviated SHA-256 matches)"
)

EDITIONS = {
    "1.3.0": Source(
        originals=(
            OriginalSpec(
                CO2E_FILE,
                source_url=_URL + CO2E_FILE,
                retrieved_from=_RETRIEVED,
                expected_sha256="c7f508646ee091cb2218be65dec0e2bdb6143ba8511773d486c9e87f6df84177",
            ),
            OriginalSpec(
                GHG_FILE,
                source_url=_URL + GHG_FILE,
                retrieved_from=_RETRIEVED,
                expected_sha256="963952e5911dd5c5a4408172192b327c1583b5491a5b80c2d7cb03260411ee16",
            ),
        ),
        subdir="epa_supply_chain",
    )
}

PRICE_YEAR = 2022
VALID_FROM = date(PRICE_YEAR, 1, 1)
VALID_TO = date(PRICE_YEAR, 12, 31)

# EPA's chemical names → formulas that carbonledger.gwp.canonical_gas knows (the others,
# e.g. "Carbon dioxide", "Methane", "HFC-134a", canonical_gas reads directly).
GAS_FORMULAS: dict[str, str] = {
    "Carbon tetrafluoride": "CF4",
    "Hexafluoroethane": "C2F6",
    "Perfluoropropane": "C3F8",
    "Perfluorobutane": "C4F10",
    "Perfluorocyclobutane": "cC4F8",
    "Perfluorohexane": "C6F14",
}
UNSPECIFIED = "HFCs and PFCs, unspecified"
UNSPECIFIED_GAS = "HFCs_PFCs_unspecified"

_HEADER = [
    "2017 NAICS Code",
    "2017 NAICS Title",
    "GHG",
    "Unit",
    "Supply Chain Emission Factors without Margins",
    "Margins of Supply Chain Emission Factors",
    "Supply Chain Emission Factors with Margins",
    "Reference USEEIO Code",
]
_WITHOUT, _MARGINS, _WITH = _HEADER[4], _HEADER[5], _HEADER[6]
_UNIT_CO2E = f"kg CO2e/{PRICE_YEAR} USD, purchaser price"
_UNIT_MASS = f"kg/{PRICE_YEAR} USD, purchaser price"

_FACTORS = (
    (
        "with_margins",
        _WITH,
        "purchaser_price_with_margins",
        0,
        "per 2022 USD, purchaser price; cradle to point of sale (with transport, wholesale, retail margins)",
    ),
    (
        "without_margins",
        _WITHOUT,
        "purchaser_price_without_margins",
        1,
        "per 2022 USD, purchaser price (not producer price); cradle to point of production (margins "
        "excluded)",
    ),
)


@dataclass(frozen=True)
class _Line:
    line: int  # CSV line number, header = line 1
    fields: dict[str, str]


def _read(path: Path, log: ProblemLog) -> list[_Line]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if header != _HEADER:
            log.add(
                Problem(
                    "unexpected columns",
                    file=path.name,
                    row=1,
                    value=", ".join(header),
                    accepted=", ".join(_HEADER),
                )
            )
            return []
        lines: list[_Line] = []
        for record in reader:
            if not record:
                continue
            if len(record) != len(_HEADER):
                log.add(
                    Problem(
                        f"expected {len(_HEADER)} fields",
                        file=path.name,
                        row=reader.line_num,
                        value=str(len(record)),
                    )
                )
                continue
            lines.append(_Line(reader.line_num, dict(zip(_HEADER, record, strict=True))))
        return lines


def _gas_name(ghg: str) -> str:
    return canonical_gas(GAS_FORMULAS.get(ghg, ghg))


def _has_all_gwps(gas: str) -> bool:
    try:
        for gwp_set in GWP_SETS:
            gwp(gas, gwp_set)
    except GWPError:
        return False
    return True


def _number(line: _Line, column: str, file: str, log: ProblemLog) -> float | None:
    text = line.fields[column].strip()
    try:
        value = float(text)
    except ValueError:
        log.add(Problem("not a number", file=file, row=line.line, field=column, value=text))
        return None
    if value < 0:
        log.add(Problem("negative emission factor", file=file, row=line.line, field=column, value=text))
    return value


def _row(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {c: "" for c in COLUMNS}
    row.update(
        region="US",
        valid_from=VALID_FROM.isoformat(),
        valid_to=VALID_TO.isoformat(),
        parameter="emission_factor",
        confidence="high",
    )
    row.update(fields)
    return row


def _build_table(originals_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    log = ProblemLog()
    co2e = _read(originals_dir / CO2E_FILE, log)
    gas_file_lines = _read(originals_dir / GHG_FILE, log)
    notes: list[str] = []
    totals: dict[str, _Line] = {}
    for line in co2e:
        code = line.fields["2017 NAICS Code"]
        if not (len(code) == 6 and code.isdigit()):
            log.add(
                Problem(
                    "not a 6-digit NAICS code", file=CO2E_FILE, row=line.line, field=_HEADER[0], value=code
                )
            )
        if line.fields["GHG"] != "All GHGs":
            log.add(
                Problem(
                    "expected 'All GHGs'",
                    file=CO2E_FILE,
                    row=line.line,
                    field="GHG",
                    value=line.fields["GHG"],
                )
            )
        if line.fields["Unit"] != _UNIT_CO2E:
            log.add(
                Problem(
                    "unexpected unit",
                    file=CO2E_FILE,
                    row=line.line,
                    field="Unit",
                    value=line.fields["Unit"],
                    accepted=_UNIT_CO2E,
                )
            )
        if code in totals:
            log.add(
                Problem(
                    "NAICS code listed twice", file=CO2E_FILE, row=line.line, field=_HEADER[0], value=code
                )
            )
        totals[code] = line
    gases: dict[str, list[_Line]] = {}
    for line in gas_file_lines:
        code = line.fields["2017 NAICS Code"]
        ghg = line.fields["GHG"]
        expected = _UNIT_CO2E if ghg == UNSPECIFIED else _UNIT_MASS
        if line.fields["Unit"] != expected:
            log.add(
                Problem(
                    "unexpected unit",
                    file=GHG_FILE,
                    row=line.line,
                    field="Unit",
                    value=line.fields["Unit"],
                    accepted=expected,
                )
            )
        if code not in totals:
            log.add(
                Problem(
                    "NAICS code not in the CO2e file",
                    file=GHG_FILE,
                    row=line.line,
                    field=_HEADER[0],
                    value=code,
                )
            )
            continue
        for column in (_HEADER[1], _HEADER[7]):
            if line.fields[column] != totals[code].fields[column]:
                log.add(
                    Problem(
                        f"{column} differs from {CO2E_FILE} line {totals[code].line}",
                        file=GHG_FILE,
                        row=line.line,
                        field=column,
                        value=line.fields[column],
                    )
                )
        gases.setdefault(code, []).append(line)

    no_gwp = sorted(
        {
            g
            for lines in gases.values()
            for g in (ln.fields["GHG"] for ln in lines)
            if g != UNSPECIFIED and not _has_all_gwps(_gas_name(g))
        }
    )
    if no_gwp:
        notes.append(
            "Gases without a GWP in AR4, AR5 and AR6: " + ", ".join(no_gwp) + "; factors listing them keep "
            "only their CO2e total in factors.csv."
        )

    rows: list[dict[str, Any]] = []
    by_gas: list[dict[str, Any]] = []
    for code, total in sorted(totals.items()):
        title = total.fields["2017 NAICS Title"]
        useeio = total.fields["Reference USEEIO Code"]
        gas_lines = gases.get(code, [])
        names = [ln.fields["GHG"] for ln in gas_lines]
        if len(names) != len(set(names)):
            log.add(
                Problem("a gas is listed twice for this NAICS code", file=GHG_FILE, field="GHG", value=code)
            )
        # per-gas rows may serve calculations only when every part can be re-weighted
        splittable = bool(gas_lines) and all(n != UNSPECIFIED and n not in no_gwp for n in names)
        for suffix, column, basis, preference, note in _FACTORS:
            common = {
                "factor_id": f"{code}:{suffix}",
                "activity": f"spend/naics/{code}",
                "name": f"{title} (USEEIO {useeio})",
                "basis": basis,
                "preference": preference,
                "note": note,
            }
            value = _number(total, column, CO2E_FILE, log)
            if value is not None:
                rows.append(
                    _row(
                        **common,
                        gas="CO2e",
                        value=value,
                        unit="kg CO2e/USD",
                        gwp_basis="AR5",
                        source_ref=f"{CO2E_FILE}: line {total.line}, column '{column}'",
                    )
                )
            for line in gas_lines:
                ghg = line.fields["GHG"]
                gas_value = _number(line, column, GHG_FILE, log)
                if gas_value is None:
                    continue
                unspecified = ghg == UNSPECIFIED
                gas_row = _row(
                    **common,
                    gas=UNSPECIFIED_GAS if unspecified else _gas_name(ghg),
                    value=gas_value,
                    unit="kg CO2e/USD" if unspecified else "kg/USD",
                    gwp_basis="AR5" if unspecified else "",
                    source_ref=f"{GHG_FILE}: line {line.line} ({ghg}), column '{column}'",
                )
                by_gas.append(gas_row)
                if splittable:
                    rows.append(gas_row)
    log.raise_if_errors(InputError, summary="EPA supply-chain factors cannot be imported")
    columns = list(COLUMNS)
    return pd.DataFrame(rows, columns=columns), pd.DataFrame(by_gas, columns=columns), notes


def build(edition: str, originals_dir: Path) -> Built:
    frame, by_gas, extra_notes = _build_table(originals_dir)
    return Built(
        tables={"factors": (frame, "emission_factors/1"), "by_gas": (by_gas, "emission_factors/1")},
        title="Supply Chain Greenhouse Gas Emission Factors for US Industries and Commodities v1.3.0 "
        "(2017 NAICS-6, 2022 USD, purchaser price)",
        publisher="US Environmental Protection Agency (EPA), Office of Research and Development",
        source_url="https://doi.org/10.23719/1531143",
        licence="US federal government data: public domain (EPA Science Inventory record 349324)",
        attribution="US EPA, Supply Chain Greenhouse Gas Emission Factors for US Industries and Commodities "
        "v1.3.0 (USEEIO v2.2 based), DOI 10.23719/1531143.",
        retrieval="Both CSVs as recorded in shared/data/epa_supply_chain/SOURCE.txt (copied from GitHub "
        "sungkomp/mcp-csv-agent at commit 2f5575dc07a520b6e626decc7c478d0bc925cae0; the official files are "
        f"{_URL}<file>); SHA-256 checked against the abbreviated hashes recorded there.",
        gwp_basis="AR5",
        valid_from=VALID_FROM,
        valid_to=VALID_TO,
        confidence="high",
        confidence_notes=[
            "Values are EPA's published factors as printed (CO2e file: 3 decimals; by-gas file: 3 "
            "significant "
            "digits). Re-weighting the per-gas rows with AR5 GWPs reproduces the CO2e totals within that "
            "rounding (tested for every NAICS code).",
            "Environmentally-extended input-output (EEIO) factors are sector averages for the US economy "
            "(USEEIO v2.2, GHG data year 2022): the least specific Scope 3 method; prefer supplier-specific "
            "or "
            "average-data (physical) factors where available.",
            "proxy_for_other_regions = true: EEIO factors of the US economy are commonly used, flagged, as a "
            "proxy for purchases in other regions; resolution flags such use as a proxy, and the spend must "
            "be "
            "converted to 2022 USD with a cited exchange rate and price index.",
            "The copies are not from epa.gov directly but from a public GitHub repository (see retrieval); "
            "NAICS 331110 = 0.769 / 0.018 / 0.787 agrees with independent citations.",
        ],
        flags=[],
        units_conventions=(
            "Price year 2022 and price basis PURCHASER price for every value (EPA's unit column: "
            "'kg CO2e/2022 USD, purchaser price'). CO2e rows: kg CO2e per 2022 USD (AR5 GWPs). Per-gas rows: "
            "kg of the gas per 2022 USD (gas masses; gwp_basis empty), except HFCs_PFCs_unspecified, which "
            "EPA gives only as kg CO2e (AR5). Spend must be expressed in 2022 US dollars at purchaser prices "
            "before applying these factors: inflation/deflation to 2022 and currency conversion are "
            "explicit, "
            "cited user inputs (USD is its own dimension; no exchange rates are built in). basis "
            "purchaser_price_with_margins = cradle to point of sale; purchaser_price_without_margins = "
            "cradle "
            "to point of production (margins for transport, wholesale and retail excluded), still per "
            "purchaser "
            "dollar."
        ),
        proxy_for_other_regions=True,
        notes=[
            "Validity 2022-01-01..2022-12-31 = the price year (and GHG data year 2022 of USEEIOv2.2.22-GHG): "
            "resolution flags use for other years, where the spend must first be converted to 2022 USD.",
            "Two factors per NAICS code: <code>:with_margins (preference 0, EPA's cradle-to-shelf factor, "
            "'Supply Chain Emission Factors with Margins') and <code>:without_margins (preference 1, "
            "'Supply Chain Emission Factors without Margins', cradle to factory gate). EPA's 'Margins' "
            "column "
            "(= with - without) is not imported as a factor.",
            "Semantics from EPA's format specification and generating code (github.com/USEPA/"
            "supply-chain-factors, CalculateEmissionFactors.Rmd at e68e576: both SEF and margin factors are "
            "computed from purchaser-price matrices N_pur / N_margin_pur; GWP indicator AR5-100 in "
            "model-specs/USEEIOv2.2.22-GHG.yml).",
            "Gas names (by_gas.csv): EPA's chemical names are mapped to formulas (Carbon tetrafluoride="
            "CF4, "
            "Hexafluoroethane=C2F6, Perfluoropropane=C3F8, Perfluorobutane=C4F10, Perfluorocyclobutane="
            "cC4F8, Perfluorohexane=C6F14) and then through carbonledger.gwp.canonical_gas; every mass gas "
            "has AR4, AR5 and AR6 GWPs. 'HFCs and PFCs, unspecified' is published only in kg CO2e (AR5) and "
            "is kept as gas HFCs_PFCs_unspecified (unit kg CO2e/USD, gwp_basis AR5).",
            "factors.csv holds only the CO2e totals: the per-gas breakdown cannot be fully re-weighted with "
            "another GWP set because the unspecified HFC/PFC part (0.02 % to 18 % of a code's CO2e) has no "
            "GWP, and every NAICS code has that part. A run under AR4 or AR6 therefore uses the AR5 total, "
            "flagged gwp_basis_differs by the calculation. by_gas.csv keeps the complete breakdown (same "
            "factor ids) for analysis; re-weighted with AR5 it reproduces the totals within EPA's rounding.",
            *extra_notes,
        ],
    )
