"""Read an importer's table of CBAM imports (CSV or XLSX), checking every row.

One row per import line. Columns (English or the bilingual headers of
``templates/cbam_imports.xlsx``; the part before ``/`` is matched, case-insensitive):

============================  ====================================================================
``cn_code``                   CN code (8 digits; 10-digit TARIC where the defaults split a code)
``country``                   country of origin (ISO 3166-1 alpha-2, alpha-3 or English name)
``net_mass_t``                net mass in tonnes (MWh for electricity)
``quarter``                   ``Q1``..``Q4`` or ``2026-Q1`` (quarter of importation)
``installation``              installation id, or ``default`` to use default values
``see_direct``/``see_indirect``  actual specific embedded emissions, t CO2e/t (verified)
``production_route``          benchmark route code (C, D, E … K, L; A/B for clinker)
``free_allocation_basis``     SEFA basis communicated by the producer (t CO2e/t, Column A chain)
``carbon_price_eur_per_t``    carbon price effectively paid, EUR per t CO2e, net of refunds
``carbon_price_rebated_share``  share of embedded emissions covered by free allocation/rebates
``carbon_price_evidence``     reference to the evidence (Art. 9(2))
``supplier``, ``importer``, ``line_id``, ``variant``, ``description``, ``customs_procedure``
============================  ====================================================================

Every problem (file, row as the user sees it, field, what is accepted) is reported at once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from carbonledger.errors import InputError, Problem, ProblemLog

__all__ = ["COLUMNS", "TEMPLATE_HEADERS", "read_imports", "validate_imports", "write_imports_template"]

COLUMNS = [
    "line_id",
    "importer",
    "supplier",
    "installation",
    "cn_code",
    "variant",
    "description",
    "country",
    "net_mass_t",
    "quarter",
    "see_direct",
    "see_indirect",
    "production_route",
    "free_allocation_basis",
    "carbon_price_eur_per_t",
    "carbon_price_rebated_share",
    "carbon_price_evidence",
    "customs_procedure",
]
REQUIRED = ("cn_code", "country", "net_mass_t", "quarter")
NUMERIC = (
    "net_mass_t",
    "see_direct",
    "see_indirect",
    "free_allocation_basis",
    "carbon_price_eur_per_t",
    "carbon_price_rebated_share",
)

_ALIASES = {
    "line": "line_id",
    "line id": "line_id",
    "cn": "cn_code",
    "cn code": "cn_code",
    "country of origin": "country",
    "origin": "country",
    "country_of_origin": "country",
    "net mass": "net_mass_t",
    "net mass (t)": "net_mass_t",
    "net_mass": "net_mass_t",
    "quarter of import": "quarter",
    "installation id": "installation",
    "see direct": "see_direct",
    "see direct (t co2e/t)": "see_direct",
    "see indirect": "see_indirect",
    "see indirect (t co2e/t)": "see_indirect",
    "production route": "production_route",
    "route": "production_route",
    "free allocation basis": "free_allocation_basis",
    "free allocation basis (t co2e/t)": "free_allocation_basis",
    "carbon price paid (eur/t co2e)": "carbon_price_eur_per_t",
    "carbon price paid": "carbon_price_eur_per_t",
    "rebated share": "carbon_price_rebated_share",
    "carbon price rebated share": "carbon_price_rebated_share",
    "evidence": "carbon_price_evidence",
    "carbon price evidence": "carbon_price_evidence",
    "customs procedure": "customs_procedure",
}
_QUARTER = re.compile(r"^(?:(?P<y1>\d{4})\s*-?\s*)?Q(?P<q>[1-4])(?:\s*-?\s*(?P<y2>\d{4}))?$", re.IGNORECASE)


def _canonical_header(text: object) -> str:
    """Canonical column name of a header such as ``'Net mass (t) / 净重（吨）'``: the part before
    `` / ``, without parenthesised text or anything after a colon."""
    raw = str(text).strip()
    first = re.split(r"\s+/\s+", raw)[0]
    first = re.sub(r"\(.*?\)", "", first).split(":")[0].strip().lower()
    for candidate in (raw.lower(), first):
        key = re.sub(r"\s+", " ", candidate)
        if key in COLUMNS:
            return key
        if key in _ALIASES:
            return _ALIASES[key]
        snake = key.replace(" ", "_")
        if snake in COLUMNS:
            return snake
    return raw


def read_imports(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """Read the imports table; returns a frame with the canonical columns plus ``_row``
    (the row number a user sees: spreadsheet row, or CSV line counting the header as 1)."""
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem("file not found", file=str(path))])
    header_row = 1
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raw = pd.read_excel(path, sheet_name=sheet or 0, dtype=object, header=None)
        header_row = _find_header(raw)
        frame = raw.iloc[header_row:].reset_index(drop=True)
        frame.columns = [str(c) for c in raw.iloc[header_row - 1]]
    elif path.suffix.lower() in {".csv", ".txt"}:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], comment=None)
    else:
        raise InputError([Problem("unsupported file type", file=path.name, accepted=".csv or .xlsx")])
    frame = frame.rename(columns={c: _canonical_header(c) for c in frame.columns})
    frame["_row"] = range(header_row + 1, header_row + 1 + len(frame))
    keep = [c for c in frame.columns if str(c) in COLUMNS or c == "_row"]
    unknown = [c for c in frame.columns if c not in keep and not str(c).startswith("Unnamed")]
    frame = frame[keep]
    for column in COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    frame = frame[[*COLUMNS, "_row"]]
    blank = frame[list(COLUMNS)].apply(lambda col: col.map(_is_blank)).all(axis=1)
    frame = frame[~blank].reset_index(drop=True)
    frame.attrs["file"] = path.name
    frame.attrs["unknown_columns"] = unknown
    result: pd.DataFrame = frame
    return result


def _find_header(raw: pd.DataFrame) -> int:
    """1-based row of the header in a sheet (the first row naming 'cn_code')."""
    for index in range(min(len(raw), 30)):
        names = {_canonical_header(v) for v in raw.iloc[index] if not _is_blank(v)}
        if "cn_code" in names:
            return index + 1
    return 1


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""


def _number(value: Any) -> float | None:
    if _is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return float(str(value).strip().replace(",", ""))


def parse_quarter(value: Any, year: int) -> tuple[int, int]:
    """``'2026-Q1'``/``'Q1 2026'``/``'Q1'`` → (year, quarter); raises ValueError."""
    text = str(value).strip()
    match = _QUARTER.match(text.replace(" ", "")) or _QUARTER.match(text)
    if match is None:
        raise ValueError(f"not a quarter: {text!r}")
    stated = match.group("y1") or match.group("y2")
    return (int(stated) if stated else year, int(match.group("q")))


def validate_imports(frame: pd.DataFrame, year: int, *, raise_on_errors: bool = True) -> pd.DataFrame:
    """Check every row; convert numbers; add ``year``/``quarter_no``. Raises InputError
    with all problems; with ``raise_on_errors=False`` the problems travel in
    ``attrs['problems']`` and bad rows are marked ``_bad`` so the calculation can report
    its own problems (CN codes, countries, factor lookups) in the same run."""
    file = str(frame.attrs.get("file", "imports"))
    log = ProblemLog()
    out = frame.copy()
    for column in REQUIRED:
        if frame[column].map(_is_blank).all():
            log.add(Problem(f"required column {column!r} is missing or empty", file=file, field=column))
    numbers: dict[str, list[float | None]] = {c: [] for c in NUMERIC}
    quarters: list[int | None] = []
    bad: list[bool] = []
    for _, row in frame.iterrows():
        line = int(row["_row"])
        errors_before = sum(1 for p in log.problems if p.severity == "error")
        for column in REQUIRED:
            if _is_blank(row[column]):
                log.add(Problem(f"{column} is empty", file=file, row=line, field=column))
        for column in NUMERIC:
            try:
                value = _number(row[column])
            except ValueError:
                log.add(Problem("not a number", file=file, row=line, field=column, value=str(row[column])))
                value = None
            if value is not None and value < 0:
                log.add(Problem("must not be negative", file=file, row=line, field=column, value=str(value)))
            numbers[column].append(value)
        mass = numbers["net_mass_t"][-1]
        if mass is not None and mass == 0:
            log.add(Problem("net mass is zero", file=file, row=line, field="net_mass_t", severity="warning"))
        share = numbers["carbon_price_rebated_share"][-1]
        if share is not None and share > 1:
            log.add(
                Problem(
                    "rebated share must be a fraction",
                    file=file,
                    row=line,
                    field="carbon_price_rebated_share",
                    value=str(share),
                    accepted="0 to 1 (e.g. 0.9 for 90 %)",
                )
            )
        quarter: int | None = None
        if not _is_blank(row["quarter"]):
            try:
                q_year, quarter = parse_quarter(row["quarter"], year)
                if q_year != year:
                    log.add(
                        Problem(
                            f"quarter belongs to {q_year}, not to the year computed ({year})",
                            file=file,
                            row=line,
                            field="quarter",
                            value=str(row["quarter"]),
                            accepted=f"quarters of {year}, or run with --year {q_year}",
                        )
                    )
            except ValueError:
                log.add(
                    Problem(
                        "not a quarter",
                        file=file,
                        row=line,
                        field="quarter",
                        value=str(row["quarter"]),
                        accepted="Q1..Q4 or 2026-Q1",
                    )
                )
        quarters.append(quarter)
        if numbers["see_direct"][-1] is None and not _is_blank(row["see_indirect"]):
            log.add(
                Problem(
                    "see_indirect given without see_direct",
                    file=file,
                    row=line,
                    field="see_direct",
                    accepted="both actual values, or neither (default values)",
                )
            )
        bad.append(sum(1 for p in log.problems if p.severity == "error") > errors_before)
    for column in NUMERIC:
        out[column] = pd.array(numbers[column], dtype="Float64")
    out["quarter_no"] = pd.array(quarters, dtype="Int64")
    out["year"] = year
    for column in (
        "installation",
        "supplier",
        "importer",
        "line_id",
        "variant",
        "production_route",
        "description",
    ):
        out[column] = frame[column].map(lambda v: "" if _is_blank(v) else str(v).strip())
    out["_bad"] = bad
    out.attrs = dict(frame.attrs)
    if raise_on_errors:
        log.raise_if_errors(InputError, summary=f"{file}: the imports table has problems")
    out.attrs["warnings"] = log.warnings
    out.attrs["problems"] = [p for p in log.problems if p.severity == "error"]
    return out


# Bilingual headers of templates/cbam_imports.xlsx (English / Chinese), with what each column takes.
TEMPLATE_HEADERS: list[tuple[str, str, str]] = [
    ("line_id", "Line / 行号", "optional line reference / 可选行号"),
    ("importer", "Importer / 进口商", "the EU importer (de minimis is per importer and year) / 欧盟进口商"),
    ("supplier", "Supplier / 供应商", "producer or trader / 生产商或贸易商"),
    (
        "installation",
        "Installation (id or 'default') / 生产设施",
        "installation id when actual data are used, or 'default' / 使用实际数据时填设施编号，否则填 default",
    ),
    ("cn_code", "CN code / CN编码", "8-digit CN code; 10-digit TARIC for clinker / 8位CN编码"),
    ("description", "Description / 货物描述", "optional / 可选"),
    (
        "variant",
        "Variant: white or grey / 类别（白/灰）",
        "only for clinker and hydraulic cement / 仅熟料和水泥",
    ),
    ("country", "Country of origin / 原产国", "ISO code (CN) or name / ISO代码或国家名称"),
    ("net_mass_t", "Net mass (t) / 净重（吨）", "tonnes (MWh for electricity) / 吨"),
    ("quarter", "Quarter / 季度", "Q1..Q4 or 2026-Q1 / 进口季度"),
    (
        "see_direct",
        "SEE direct (t CO2e/t) / 直接隐含排放",
        "verified actual value from the producer; empty = default value / 经核查的实际值；空白则用默认值",
    ),
    (
        "see_indirect",
        "SEE indirect (t CO2e/t) / 间接隐含排放",
        "actual value, goods not in Annex II / 实际值",
    ),
    ("production_route", "Production route / 生产路线", "benchmark route code C, D, E … K, L / 基准路线代码"),
    (
        "free_allocation_basis",
        "Free allocation basis (t CO2e/t) / 免费配额基准",
        "from the producer's communication (Column A chain) / 生产商提供",
    ),
    (
        "carbon_price_eur_per_t",
        "Carbon price paid (EUR/t CO2e) / 已支付碳价",
        "effectively paid, net of refunds, actual data only / 实际支付碳价（欧元）",
    ),
    (
        "carbon_price_rebated_share",
        "Rebated share / 返还比例",
        "share covered by free allocation or rebates, 0-1 / 免费配额或返还所覆盖的比例",
    ),
    ("carbon_price_evidence", "Evidence / 证明文件", "reference to the evidence (Art. 9(2)) / 证明文件编号"),
    (
        "customs_procedure",
        "Customs procedure / 海关程序",
        "needed for the QReport XML, e.g. 40 / XML报告需要",
    ),
]


def write_imports_template(path: str | Path) -> Path:
    """Write the importer's input template (deterministic bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from carbonledger.reports.xlsx import HEADER_FILL, save_deterministic, write_key_values

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Imports"
    for j, (_, header, _) in enumerate(TEMPLATE_HEADERS, start=1):
        cell = sheet.cell(row=1, column=j, value=header)
        cell.font = Font(bold=True, color="FFFFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[cell.column_letter].width = 18
    sheet.freeze_panes = "A2"
    info = workbook.create_sheet("Instructions")
    rows: list[tuple[str, ...]] = [
        ("carbonledger — EU CBAM imports table / 欧盟碳边境调节机制进口数据表",),
        ("Run / 运行: carbonledger cbam exposure cbam_imports.xlsx --year 2026 --out exposure.xlsx",),
        (),
        ("Column / 列", "Header / 表头", "What to enter / 填写说明"),
        *[(name, header, note) for name, header, note in TEMPLATE_HEADERS],
        (),
        ("Notes / 说明",),
        (
            "Default values: IR (EU) 2025/2621 Annex I as replaced by IR (EU) 2026/1740, mark-up applied to the total.",
        ),
        (
            "Grid electricity factors (IR 2025/2621 Annex II/III) are IEA data and are not shipped: give actual values.",
        ),
        (
            "Goods in Annex II of Reg. 2023/956 (iron and steel, aluminium, hydrogen, electricity): direct emissions only.",
        ),
        ("A carbon price paid reduces certificates only with actual data (Art. 9(1)); evidence required.",),
    ]
    write_key_values(info, rows)
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 46
    info.column_dimensions["C"].width = 90
    return save_deterministic(workbook, path)
