"""Read the Commission's "Communication template for installations" (v2.x .xlsx).

Only the template's INPUT cells are read (sheets A_InstData, B_EmInst,
C_Emissions&Energy, D_Processes, E_PurchPrec and the input columns of Summary_Products);
everything the template computes (InputOutput, the Summary sheets' results, unit cells)
is recomputed by carbonledger from those inputs. Input cells that hold a formula typed by
the operator (``=1255000/0.95``) are evaluated by :mod:`~.xlformula`; cached formula
results stored in the file are never used for the calculation, so a workbook saved by a
tool that drops them gives the same answer.

The template's own results are read separately (:func:`template_summary`) only to
compare: any difference is reported as a warning.

Layout facts used here were read from the Commission's filled cement example
"1 CBAM SEE V2.1_Example Cement_final.xlsx" (version 2.1 of 05.06.2024):

* A_InstData: period I9/L9; installation I20-I32; goods categories rows 62-71 (E, routes
  I-N); production processes rows 83-92 (E category, F-K included categories, L name);
  purchased precursors rows 102-121 (E category, F country, G-K routes, L name);
* B_EmInst: source streams rows 17-91, PFC rows 98-107, CEMS rows 113-122;
* D_Processes: one block of 65 rows per process starting at row 11;
* E_PurchPrec: one block of 44 rows per purchased precursor starting at row 14;
* Summary_Products: product rows 10-109 (process name D, CN code F, product name H,
  qualifying parameters P-AK).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl

from carbonledger.errors import InputError, Problem, ProblemLog
from carbonledger.regimes.cbam.model import (
    Installation,
    MeasuredSource,
    PFCSource,
    PrecursorInput,
    Product,
    ProductionProcess,
    PurchasedPrecursor,
    SourceStream,
)
from carbonledger.regimes.cbam.reference import normalise_country
from carbonledger.regimes.cbam.xlformula import FormulaError, WorkbookEvaluator

__all__ = ["SUPPORTED_VERSIONS", "TemplateReading", "read_template", "template_summary"]

TEMPLATE_TYPE = "CBAM communication SEE Version 2"
SUPPORTED_VERSIONS = {
    date(2024, 3, 19): "2.0",
    date(2024, 4, 8): "2.0.1",
    date(2024, 6, 5): "2.1",
}
REQUIRED_SHEETS = (
    "A_InstData",
    "B_EmInst",
    "C_Emissions&Energy",
    "D_Processes",
    "E_PurchPrec",
    "Summary_Products",
)

A, B, C, D, E, SP = REQUIRED_SHEETS
PROCESS_BLOCK_START, PROCESS_BLOCK = 11, 65
PURCHASED_BLOCK_START, PURCHASED_BLOCK = 14, 44
MAX_PROCESSES, MAX_PURCHASED = 10, 20
PRODUCT_ROWS = range(10, 110)

_METHODS = {"combustion": "combustion", "process emissions": "process", "mass balance": "mass_balance"}
_PFC_METHODS = {"slope method": "slope", "overvoltage method": "overvoltage"}
_VALUE_SOURCE = {"measured": "measured", "default": "default", "unknown": "unknown"}
QUALIFYING_COLUMNS = {
    "P": "The main reducing agent of the precursor, if known",
    "Q": "Steel mill identification number",
    "R": "% Mn",
    "S": "% Cr",
    "T": "% Ni",
    "U": "% other alloys",
    "V": "% carbon",
    "W": "t scrap per t steel",
    "X": "% other materials",
    "Y": "% pre-consumer scrap",
    "Z": "t scrap per t aluminium",
    "AA": "% non-aluminium elements",
    "AB": "Clinker factor",
    "AC": "Calcined or not",
    "AD": "Concentration, if hydrous solution",
    "AE": "% nitric acid",
    "AF": "% urea",
    "AG": "% N contained",
    "AH": "% N as ammonium (NH4+)",
    "AI": "% N as nitrate (NO3–)",
    "AJ": "% N as Urea",
    "AK": "% N in other (organic) forms",
}


@dataclass
class TemplateReading:
    installation: Installation
    version: str
    path: Path
    warnings: list[Problem] = field(default_factory=list)
    product_rows: dict[str, int] = field(default_factory=dict)


class _Reader:
    def __init__(self, path: Path, evaluator: WorkbookEvaluator, log: ProblemLog) -> None:
        self.path = path
        self.ev = evaluator
        self.log = log

    def problem(
        self, sheet: str, cell: str, message: str, accepted: str = "", severity: str = "error"
    ) -> None:
        row = int("".join(ch for ch in cell if ch.isdigit()))
        self.log.add(
            Problem(
                message,
                file=self.path.name,
                sheet=sheet,
                row=row,
                field=cell,
                accepted=accepted or None,
                severity="warning" if severity == "warning" else "error",
            )
        )

    def raw(self, sheet: str, cell: str) -> Any:
        try:
            value = self.ev.value(sheet, cell)
        except FormulaError as exc:
            self.problem(
                sheet, cell, f"cannot evaluate the formula in this input cell: {exc}", "a plain number"
            )
            return None
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def text(self, sheet: str, cell: str) -> str:
        formula = self.ev.raw(sheet, cell)
        if isinstance(formula, str) and _TRANSLATION.match(formula.strip()):
            return english_label(self.ev, formula).strip()
        value = self.raw(sheet, cell)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    def number(self, sheet: str, cell: str, label: str) -> float | None:
        value = self.raw(sheet, cell)
        if value is None:
            return None
        if isinstance(value, bool):
            self.problem(sheet, cell, f"{label}: expected a number, got {value}", "a number")
            return None
        if isinstance(value, (int, float)):
            return float(value)
        try:
            return float(str(value).replace(",", "."))
        except ValueError:
            self.problem(sheet, cell, f"{label}: {value!r} is not a number", "a number")
            return None

    def percent(self, sheet: str, cell: str, label: str, default: float) -> float:
        """Template percentages are entered as numbers 0-100 (template v2.0 change log)."""
        value = self.number(sheet, cell, label)
        if value is None:
            return default
        if not 0 <= value <= 100:
            self.problem(sheet, cell, f"{label} must be a percentage between 0 and 100", "0..100")
            return default
        return value / 100.0

    def fraction_or_percent(self, sheet: str, cell: str, label: str, default: float) -> float:
        value = self.number(sheet, cell, label)
        if value is None:
            return default
        if value > 1:
            self.problem(
                sheet, cell, f"{label} {value} read as a percentage ({value / 100:g})", severity="warning"
            )
            return value / 100.0
        return value

    def when(self, sheet: str, cell: str, label: str) -> date | None:
        value = self.raw(sheet, cell)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if value is None:
            self.problem(sheet, cell, f"{label} is missing", "a date")
            return None
        try:
            return date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            self.problem(sheet, cell, f"{label}: {value!r} is not a date", "a date (YYYY-MM-DD)")
            return None


_TRANSLATION = re.compile(r"^=Translations!\$?B\$?(\d+)$")


def english_label(workbook: Any, value: Any) -> str:
    """Template labels are formulas ``=Translations!$B$n`` (the chosen language); the English
    text is the constant in ``Translations!C n``. ``workbook`` may be an openpyxl workbook or
    a :class:`WorkbookEvaluator`."""
    if isinstance(value, str):
        match = _TRANSLATION.match(value.strip())
        if match:
            if isinstance(workbook, WorkbookEvaluator):
                return str(workbook.raw("Translations", f"C{match.group(1)}") or "")
            if "Translations" in workbook.sheetnames:
                return str(workbook["Translations"][f"C{match.group(1)}"].value or "")
        return value
    return "" if value is None else str(value)


def detect_version(workbook: Any, path: Path) -> str:
    """Template version from the hidden sheet VersionDocumentation (B2 type, B3 date)."""
    missing = [s for s in REQUIRED_SHEETS if s not in workbook.sheetnames]
    accepted = "the Commission's 'Communication template for installations' " + ", ".join(
        f"v{v} ({d:%d.%m.%Y})" for d, v in SUPPORTED_VERSIONS.items()
    )
    if missing or "VersionDocumentation" not in workbook.sheetnames:
        raise InputError(
            [
                Problem(
                    "not a CBAM communication template for installations: sheet(s) "
                    + ", ".join(missing or ["VersionDocumentation"])
                    + " missing",
                    file=path.name,
                    accepted=accepted,
                    code="template_version",
                )
            ],
            summary="unknown template",
        )
    sheet = workbook["VersionDocumentation"]
    kind, stamp = sheet["B2"].value, sheet["B3"].value
    when = stamp.date() if isinstance(stamp, datetime) else stamp
    if kind != TEMPLATE_TYPE or when not in SUPPORTED_VERSIONS:
        raise InputError(
            [
                Problem(
                    f"template version {kind!r} of {when} is not supported",
                    file=path.name,
                    sheet="VersionDocumentation",
                    row=3,
                    field="B2:B3",
                    value=f"{kind} / {when}",
                    accepted=accepted,
                    code="template_version",
                )
            ],
            summary="unsupported template version",
        )
    return SUPPORTED_VERSIONS[when]


def read_template(path: str | Path) -> TemplateReading:
    """Read a filled communication template into an :class:`Installation`.

    Raises :class:`InputError` listing every problem (sheet, row, cell) at once.
    """
    path = Path(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(path, data_only=False, read_only=True)
        except Exception as exc:
            raise InputError([Problem(f"cannot open workbook: {exc}", file=path.name)]) from exc
    try:
        return _read(workbook, path)
    finally:
        workbook.close()


def _read(workbook: Any, path: Path) -> TemplateReading:
    version = detect_version(workbook, path)
    log = ProblemLog()
    r = _Reader(path, WorkbookEvaluator(workbook), log)

    start = r.when(A, "I9", "reporting period start")
    end = r.when(A, "L9", "reporting period end")
    country_text = r.text(A, "I26")
    country = ""
    try:
        country = normalise_country(country_text)
    except ValueError as exc:
        r.problem(A, "I26", str(exc), "a country name from the template list")
    name = r.text(A, "I20")
    if not name:
        r.problem(A, "I20", "name of the installation (English name) is missing", "a name")

    # production processes (A_InstData section 4(b))
    processes: list[dict[str, Any]] = []
    for k in range(MAX_PROCESSES):
        row = 83 + k
        category = r.text(A, f"E{row}")
        if not category:
            continue
        included = [r.text(A, f"{col}{row}") for col in "FGHIJK"]
        label = r.text(A, f"L{row}") or f"P{k + 1} - {category}"
        processes.append(
            {
                "index": k + 1,
                "id": f"P{k + 1}",
                "name": label,
                "category": category,
                "included": [c for c in included if c and c != "Only direct production"],
                "row": row,
            }
        )
    if not processes:
        r.problem(
            A, "E83", "no production process is listed (A_InstData section 4(b))", "at least one process"
        )
    purchased_meta: list[dict[str, Any]] = []
    for k in range(MAX_PURCHASED):
        row = 102 + k
        category = r.text(A, f"E{row}")
        if not category:
            continue
        routes = [r.text(A, f"{col}{row}") for col in "GHIJK"]
        purchased_meta.append(
            {
                "index": k + 1,
                "id": f"PP{k + 1}",
                "name": r.text(A, f"L{row}") or f"PP{k + 1} - {category}",
                "category": category,
                "country": r.text(A, f"F{row}"),
                "routes": [x for x in routes if x],
            }
        )

    streams = _source_streams(r)
    pfcs = _pfc_sources(r)
    cems = _measured_sources(r)
    process_models = _processes(r, processes)
    purchased = _purchased(r, purchased_meta, process_models)
    products, product_rows = _products(r, processes)
    indirect_total = r.number(C, "M26", "total indirect emissions (manual entry)")
    for cell, label in (("H26", "CO2"), ("I26", "biomass"), ("J26", "N2O"), ("K26", "PFC")):
        if r.number(C, cell, f"manual {label} total") is not None:
            r.problem(
                C,
                cell,
                f"manual {label} total entered: carbonledger reports the total computed from sheet B_EmInst",
                severity="warning",
            )
    log.raise_if_errors(InputError, summary=f"{path.name}: the communication template has problems")
    try:
        installation = Installation(
            name=name,
            street=r.text(A, "I21"),
            economic_activity=r.text(A, "I22"),
            postcode=r.text(A, "I23"),
            city=r.text(A, "I25"),
            country=country,
            unlocode=r.text(A, "I27"),
            latitude=r.text(A, "I28"),
            longitude=r.text(A, "I29"),
            period_start=start or date(1900, 1, 1),
            period_end=end or date(1900, 1, 1),
            source_streams=streams,
            measured_sources=cems,
            pfc_sources=pfcs,
            processes=process_models,
            purchased_precursors=purchased,
            products=products,
            total_indirect_emissions_t=indirect_total,
            data_quality=r.text(C, "H40"),
            quality_assurance=r.text(C, "H42"),
            notes=[f"read from {path.name} (communication template v{version})"],
        )
    except Exception as exc:  # pydantic validation
        raise InputError([Problem(f"template data invalid: {exc}", file=path.name)]) from exc
    return TemplateReading(installation, version, path, log.warnings, product_rows)


def _source_streams(r: _Reader) -> list[SourceStream]:
    out: list[SourceStream] = []
    for row in range(17, 92):
        method_text = r.text(B, f"D{row}")
        if not method_text:
            continue
        method = _METHODS.get(method_text.lower())
        if method is None:
            r.problem(B, f"D{row}", f"unknown monitoring method {method_text!r}", ", ".join(_METHODS))
            continue
        ad = r.number(B, f"F{row}", "activity data")
        ad_unit = r.text(B, f"G{row}") or "t"
        if ad is None:
            r.problem(
                B, f"F{row}", "activity data is missing", "a number (negative for mass-balance outputs)"
            )
            continue
        per = "1000Nm3" if ad_unit.replace(" ", "").lower() == "1000nm3" else "t"
        ef_unit = r.text(B, f"K{row}")
        if r.number(B, f"T{row}", "non-sustainable biomass") is not None:
            r.problem(
                B,
                f"T{row}",
                "non-sustainable biomass content is treated as fossil (not zero-rated)",
                severity="warning",
            )
        try:
            out.append(
                SourceStream(
                    name=r.text(B, f"E{row}") or f"source stream {row - 16}",
                    method=method,
                    activity_data=ad,
                    activity_unit=per,
                    ncv=r.number(B, f"H{row}", "NCV"),
                    ncv_unit=f"GJ/{per}",
                    emission_factor=r.number(B, f"J{row}", "emission factor"),
                    ef_unit=ef_unit.replace("tCO2", "t CO2") if ef_unit else "t CO2/TJ",
                    carbon_content=r.number(B, f"L{row}", "carbon content"),
                    cc_unit=f"t C/{per}",
                    oxidation_factor=r.percent(B, f"N{row}", "oxidation factor", 1.0),
                    conversion_factor=r.percent(B, f"P{row}", "conversion factor", 1.0),
                    biomass_fraction=r.percent(B, f"R{row}", "biomass content", 0.0),
                    source=f"{B}!row {row}",
                )
            )
        except ValueError as exc:
            r.problem(B, f"D{row}", f"source stream invalid: {exc}")
    return out


def _pfc_sources(r: _Reader) -> list[PFCSource]:
    out: list[PFCSource] = []
    for row in range(98, 108):
        method_text = r.text(B, f"D{row}")
        if not method_text:
            continue
        method = _PFC_METHODS.get(method_text.lower())
        if method is None:
            r.problem(B, f"D{row}", f"unknown PFC method {method_text!r}", "Slope method, Overvoltage method")
            continue
        ad = r.number(B, f"F{row}", "aluminium produced")
        f_c2f6 = r.number(B, f"AM{row}", "F(C2F6)")
        if ad is None or f_c2f6 is None:
            r.problem(B, f"F{row}", "PFC source needs activity data (F) and F(C2F6) (AM)")
            continue
        ce = r.number(B, f"AK{row}", "current efficiency")
        try:
            out.append(
                PFCSource(
                    name=r.text(B, f"E{row}") or f"PFC source {row - 97}",
                    method=method,
                    technology=r.text(B, f"E{row}"),
                    aluminium_produced_t=ad,
                    anode_effect_frequency=r.number(B, f"AG{row}", "A: frequency"),
                    anode_effect_duration_min=r.number(B, f"AH{row}", "A: duration"),
                    sef_cf4=r.number(B, f"AI{row}", "A: SEF(CF4)"),
                    aeo_mv=r.number(B, f"AJ{row}", "B: AEO"),
                    current_efficiency=(ce / 100 if ce is not None and ce > 1 else ce),
                    ovc=r.number(B, f"AL{row}", "B: OVC"),
                    f_c2f6=f_c2f6,
                    collection_efficiency=r.fraction_or_percent(B, f"AT{row}", "collection efficiency", 1.0),
                    source=f"{B}!row {row}",
                )
            )
        except ValueError as exc:
            r.problem(B, f"D{row}", f"PFC source invalid: {exc}")
    return out


def _measured_sources(r: _Reader) -> list[MeasuredSource]:
    out: list[MeasuredSource] = []
    for row in range(113, 123):
        gas = r.text(B, f"E{row}")
        if not gas:
            continue
        if gas not in {"CO2", "N2O"}:
            r.problem(B, f"E{row}", f"unknown gas {gas!r} for a measured source", "CO2, N2O")
            continue
        values = [
            r.number(B, f"{c}{row}", label)
            for c, label in (("V", "concentration"), ("X", "hours"), ("Z", "flue gas flow"))
        ]
        if any(v is None for v in values):
            r.problem(
                B, f"V{row}", "measured source needs concentration (V), hours (X) and flue gas flow (Z)"
            )
            continue
        out.append(
            MeasuredSource(
                name=r.text(B, f"D{row}") or f"emission source {row - 112}",
                gas=gas,
                concentration_g_per_nm3=float(values[0] or 0),
                hours=float(values[1] or 0),
                flue_gas_flow_knm3_per_h=float(values[2] or 0),
                biomass_fraction=r.percent(B, f"R{row}", "biomass fraction", 0.0),
                source=f"{B}!row {row}",
            )
        )
    return out


def _processes(r: _Reader, processes: list[dict[str, Any]]) -> list[ProductionProcess]:
    models: list[ProductionProcess] = []
    consumed: dict[str, list[PrecursorInput]] = {p["id"]: [] for p in processes}
    existing = {p["index"]: p for p in processes}
    for p in processes:
        base = PROCESS_BLOCK_START + PROCESS_BLOCK * (p["index"] - 1)
        amounts = [r.number(D, f"L{base + i}", "production level") for i in range(5, 13)]
        numbers = [a for a in amounts if a is not None]
        al = sum(numbers) if numbers else None
        if al is None:
            r.problem(
                D,
                f"L{base + 5}",
                f"production process {p['name']!r}: total production level missing",
                "the amount produced in the reporting period",
            )
        # (c) consumed in other production processes: row j lists process j (own skipped)
        for j in range(1, 10):
            amount = r.number(D, f"L{base + 20 + j}", "amount consumed in another process")
            if amount is None or amount == 0:
                continue
            consumer = j if j < p["index"] else j + 1
            if consumer not in existing:
                r.problem(
                    D,
                    f"L{base + 20 + j}",
                    f"amount given for production process {consumer}, which is not listed",
                )
                continue
            consumed[f"P{consumer}"].append(PrecursorInput(source=p["id"], amount_t=amount))
        heat_imp = r.number(D, f"L{base + 46}", "heat imported") or 0.0
        heat_exp = r.number(D, f"M{base + 46}", "heat exported") or 0.0
        models.append(
            ProductionProcess(
                id=p["id"],
                name=p["name"],
                category=p["category"],
                included_categories=p["included"],
                activity_level_t=al,
                produced_for_market_t=r.number(D, f"L{base + 16}", "produced for the market"),
                direct_emissions_t=r.number(D, f"L{base + 43}", "DirEm*"),
                heat_imported_tj=heat_imp,
                heat_imported_ef=r.number(D, f"L{base + 47}", "EF of imported heat"),
                heat_exported_tj=heat_exp,
                heat_exported_ef=r.number(D, f"M{base + 47}", "EF of exported heat"),
                waste_gas_imported_tj=r.number(D, f"L{base + 50}", "waste gas imported") or 0.0,
                waste_gas_exported_tj=r.number(D, f"M{base + 50}", "waste gas exported") or 0.0,
                electricity_consumed_mwh=r.number(D, f"L{base + 54}", "electricity consumption"),
                electricity_ef=r.number(D, f"L{base + 55}", "electricity emission factor"),
                electricity_ef_source=r.text(D, f"L{base + 56}"),
                electricity_exported_mwh=r.number(D, f"L{base + 60}", "electricity exported") or 0.0,
                electricity_exported_ef=r.number(D, f"L{base + 61}", "EF of exported electricity"),
            )
        )
        if r.number(D, f"L{base + 43}", "DirEm*") is None:
            r.problem(
                D,
                f"L{base + 43}",
                f"production process {p['name']!r}: DirEm* missing",
                "directly attributable emissions in t CO2e",
            )
    for model in models:
        model.precursors.extend(consumed[model.id])
    return models


def _purchased(
    r: _Reader, meta: list[dict[str, Any]], processes: list[ProductionProcess]
) -> list[PurchasedPrecursor]:
    out: list[PurchasedPrecursor] = []
    by_index = {int(p.id[1:]): p for p in processes}
    for p in meta:
        base = PURCHASED_BLOCK_START + PURCHASED_BLOCK * (p["index"] - 1)
        amounts = [r.number(E, f"L{base + i}", "amount purchased") for i in range(3, 11)]
        numbers = [a for a in amounts if a is not None]
        for j in range(1, 11):
            amount = r.number(E, f"L{base + 13 + j}", "amount consumed in a production process")
            if amount is None or amount == 0:
                continue
            if j not in by_index:
                r.problem(
                    E, f"L{base + 13 + j}", f"amount given for production process {j}, which is not listed"
                )
                continue
            by_index[j].precursors.append(PrecursorInput(source=p["id"], amount_t=amount))
        source_text = r.text(E, f"M{base + 35}").lower()
        value_source = _VALUE_SOURCE.get(source_text, "measured" if not source_text else "")
        if not value_source:
            r.problem(E, f"M{base + 35}", f"unknown source {source_text!r}", "Measured, Default, Unknown")
            value_source = "unknown"
        country = p["country"] or None
        if country:
            try:
                country = normalise_country(country)
            except ValueError as exc:
                r.problem(A, "F" + str(101 + p["index"]), str(exc))
                country = None
        out.append(
            PurchasedPrecursor(
                id=p["id"],
                name=p["name"],
                category=p["category"],
                country=country,
                routes=p["routes"],
                purchased_t=sum(numbers) if numbers else None,
                see_direct=r.number(E, f"L{base + 35}", "SEE (direct)"),
                specific_electricity_mwh_per_t=r.number(
                    E, f"L{base + 36}", "specific electricity consumption"
                ),
                electricity_ef=r.number(E, f"L{base + 37}", "electricity emission factor"),
                value_source=value_source,
            )
        )
    return out


def _products(r: _Reader, processes: list[dict[str, Any]]) -> tuple[list[Product], dict[str, int]]:
    by_name = {p["name"]: p["id"] for p in processes}
    products: list[Product] = []
    rows: dict[str, int] = {}
    for row in PRODUCT_ROWS:
        process_name = r.text(SP, f"D{row}")
        cn = r.text(SP, f"F{row}")
        if not process_name and not cn:
            continue
        if process_name not in by_name:
            r.problem(SP, f"D{row}", f"unknown production process {process_name!r}", ", ".join(by_name))
            continue
        if not cn:
            r.problem(SP, f"F{row}", "CN code missing", "an 8-digit CN code")
            continue
        params = {label: r.text(SP, f"{col}{row}") for col, label in QUALIFYING_COLUMNS.items()}
        params = {k: v for k, v in params.items() if v}
        clinker = r.number(SP, f"AB{row}", "clinker factor")
        n_content = r.number(SP, f"AG{row}", "% N contained")
        key = f"{cn}|{row}"
        rows[key] = row
        products.append(
            Product(
                cn_code=cn,
                name=r.text(SP, f"H{row}"),
                process=by_name[process_name],
                clinker_factor=clinker,
                nitrogen_content=n_content / 100 if n_content is not None else None,
                qualifying_parameters=params,
            )
        )
    return products, rows


def template_summary(path: str | Path) -> dict[str, Any]:
    """The template's own cached results (for comparison only; empty when the file has no
    cached values). Keys: ``products`` (list of dicts with CN code and SEE), ``direct_t``,
    ``indirect_t``."""
    path = Path(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(path, data_only=True, read_only=True)
    cached = WorkbookEvaluator(workbook)  # data_only: formulas are replaced by their cached values
    products = []
    for row in PRODUCT_ROWS:
        cn = cached.raw(SP, f"F{row}")
        see = [cached.raw(SP, f"{c}{row}") for c in "IJK"]
        if cn is None or all(v is None for v in see):
            continue
        products.append(
            {
                "row": row,
                "cn_code": str(cn),
                "see_direct": see[0],
                "see_indirect": see[1],
                "see_total": see[2],
            }
        )
    direct, indirect = cached.raw(C, "L27"), cached.raw(C, "M27")
    workbook.close()
    return {
        "products": products,
        "direct_t": direct,
        "indirect_t": indirect,
        "cached": bool(products) or direct is not None,
    }
