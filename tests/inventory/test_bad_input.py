"""A catalogue of malformed inventory inputs (issue 3, "Bad input").

Every case builds its bad file in ``tmp_path`` (CSV text, or an XLSX written with openpyxl,
or bytes that are not what their name says) and states what a user must be told: the file,
the row a spreadsheet shows (the header is row 1), the field, and a message fragment. Each
case is checked twice:

* through :func:`run_inventory`: the expected problems are all there (a file with several
  problems reports every one of them in the same run), and the accounting holds —
  ``rows read = rows computed + rows rejected``, every rejected row carrying an error;
* through the ``carbonledger inventory`` command: exit code 2, the file named in the output,
  nothing written.

The expectations are what the activity-table contract (``docs/inventory.md``) promises, not
output pasted back from the code.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from carbonledger.cli import app
from carbonledger.errors import Problem
from carbonledger.inventory.engine import run_inventory
from carbonledger.inventory.result import InventoryResult

HEADER = "record_id,entity,period,region,activity,quantity,unit,method,leak_rate,biomass_fraction,description"
GOOD_DIESEL = "ok1,plant,2025,CN-CQ,fuel/diesel,12,t,mobile,,,forklifts"
GOOD_POWER = "ok2,plant,2025-03,CN-CQ,electricity/grid,120,MWh,,,,March power"


@dataclass(frozen=True)
class Expect:
    """One problem a user must see: file, row, field and a fragment of the message."""

    row: int | None
    field: str | None
    text: str
    file: str | None = None  # defaults to the case's activity file name
    severity: str = "error"


@dataclass
class Case:
    id: str
    build: Callable[[Path], tuple[Path, Path | None]]
    expect: list[Expect]
    rows_read: int
    rows_computed: int
    exit_code: int = 2
    extra: dict[str, object] = field(default_factory=dict)


def _csv(name: str, *lines: str, header: str = HEADER) -> Callable[[Path], tuple[Path, Path | None]]:
    def build(tmp: Path) -> tuple[Path, Path | None]:
        path = tmp / name
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        return path, None

    return build


def _xlsx_rows(
    path: Path, rows: list[list[object]], merge: str | None = None, sheet: str = "activities"
) -> Path:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    workbook.save(path)
    return path


_XHEADER = ["record_id", "entity", "period", "region", "activity", "quantity", "unit"]


def _merged_header(tmp: Path) -> tuple[Path, Path | None]:
    # the user merged "record_id" and "entity" into one title cell
    rows: list[list[object]] = [_XHEADER, ["x1", "plant", "2025", "CN-CQ", "fuel/diesel", 5, "t"]]
    rows.append(["x2", "plant", "2025", "CN-CQ", "fuel/diesel", 6, "t"])
    return _xlsx_rows(tmp / "merged.xlsx", rows, merge="A1:B1"), None


def _formula_quantity(tmp: Path) -> tuple[Path, Path | None]:
    rows: list[list[object]] = [
        _XHEADER,
        ["x1", "plant", "2025", "CN-CQ", "fuel/diesel", "=2+3", "t"],
        ["x2", "plant", "2025", "CN-CQ", "fuel/diesel", 4, "t"],
    ]
    return _xlsx_rows(tmp / "formula.xlsx", rows), None


def _empty_sheet(tmp: Path) -> tuple[Path, Path | None]:
    return _xlsx_rows(tmp / "blank_sheet.xlsx", []), None


def _bytes(name: str, data: bytes) -> Callable[[Path], tuple[Path, Path | None]]:
    def build(tmp: Path) -> tuple[Path, Path | None]:
        path = tmp / name
        path.write_bytes(data)
        return path, None

    return build


def _zip_not_xlsx(tmp: Path) -> tuple[Path, Path | None]:
    path = tmp / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "a zip file, not a workbook")
    return path, None


_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 64
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # Excel 97-2003 compound file signature


def _with_instruments(
    activities: list[str], instruments: list[str], name: str = "instruments.csv"
) -> Callable[[Path], tuple[Path, Path | None]]:
    def build(tmp: Path) -> tuple[Path, Path | None]:
        a = tmp / "activities.csv"
        a.write_text("\n".join([HEADER, *activities]) + "\n", encoding="utf-8")
        i = tmp / name
        i.write_text("\n".join(instruments) + "\n", encoding="utf-8")
        return a, i

    return build


_IHEADER = "instrument_id,type,quantity,unit,vintage,market_boundary,covers"

CASES: list[Case] = [
    Case(
        "unknown_unit",
        _csv("a.csv", "u1,plant,2025,CN-CQ,fuel/diesel,5,bananas,,,,", GOOD_DIESEL),
        [Expect(2, "unit", "unknown unit")],
        2,
        1,
    ),
    Case(
        "ambiguous_unit_ton",
        _csv("a.csv", "u1,plant,2025,CN-CQ,fuel/diesel,5,ton,,,,"),
        [Expect(2, "unit", "ambiguous unit token 'ton'")],
        1,
        0,
    ),
    Case(
        "wrong_dimension_kwh_for_fuel_in_t",
        # GB/T 32151 diesel defaults are per tonne (NCV GJ/t): kWh of diesel has no factor
        _csv("a.csv", "d1,plant,2025,CN-CQ,fuel/diesel,5,kWh,,,,", GOOD_DIESEL),
        [Expect(2, "unit", "dimension mass")],
        2,
        1,
    ),
    Case(
        "electricity_in_tonnes",
        _csv("a.csv", "e1,plant,2025,CN-CQ,electricity/grid,5,t,,,,"),
        [Expect(2, "unit", "dimension energy")],
        1,
        0,
    ),
    Case(
        "negative_quantity",
        _csv("a.csv", "n1,plant,2025,CN-CQ,fuel/diesel,-5,t,,,,", GOOD_DIESEL),
        [Expect(2, "quantity", "negative")],
        2,
        1,
    ),
    Case(
        "non_numeric_quantity",
        _csv("a.csv", GOOD_DIESEL, "n1,plant,2025,CN-CQ,fuel/diesel,five,t,,,,"),
        [Expect(3, "quantity", "not a number")],
        2,
        1,
    ),
    Case(
        "empty_quantity",
        _csv("a.csv", "n1,plant,2025,CN-CQ,fuel/diesel,,t,,,,"),
        [Expect(2, "quantity", "quantity is empty")],
        1,
        0,
    ),
    Case(
        "infinite_quantity",
        _csv("a.csv", "n1,plant,2025,CN-CQ,fuel/diesel,inf,t,,,,"),
        [Expect(2, "quantity", "not finite")],
        1,
        0,
    ),
    Case(
        "duplicate_record_id",
        _csv(
            "a.csv",
            "dup,plant,2025,CN-CQ,fuel/diesel,5,t,,,,",
            GOOD_DIESEL,
            "dup,plant,2025,CN-CQ,fuel/lpg,2,t,,,,",
        ),
        # both occurrences are reported, each naming the other row
        [Expect(2, "record_id", "duplicate record_id (rows 2, 4)"), Expect(4, "record_id", "duplicate")],
        3,
        1,
    ),
    Case(
        "empty_record_id",
        _csv("a.csv", ",plant,2025,CN-CQ,fuel/diesel,5,t,,,,"),
        [Expect(2, "record_id", "record_id is empty")],
        1,
        0,
    ),
    Case(
        "missing_required_column",
        # no 'unit' column; row 3's bad quantity is reported in the same run
        _csv(
            "a.csv",
            "m1,plant,2025,CN-CQ,fuel/diesel,5",
            "m2,plant,2025,CN-CQ,fuel/diesel,x",
            header="record_id,entity,period,region,activity,quantity",
        ),
        [
            Expect(1, "unit", "required column 'unit' is missing"),
            Expect(3, "quantity", "not a number"),
            Expect(2, "unit", "header problem"),
        ],
        2,
        0,
    ),
    Case(
        "unknown_activity_key",
        _csv("a.csv", "k1,plant,2025,CN-CQ,fuel/unobtanium,5,t,,,,", GOOD_DIESEL),
        [Expect(2, "activity", "no factor for activity 'fuel/unobtanium'")],
        2,
        1,
    ),
    Case(
        "unknown_activity_family",
        _csv("a.csv", "k1,plant,2025,CN-CQ,gadget/widget,5,t,,,,"),
        [Expect(2, "activity", "unknown activity family")],
        1,
        0,
    ),
    Case(
        "malformed_activity_key",
        _csv("a.csv", "k1,plant,2025,CN-CQ,Natural Gas,5,t,,,,"),
        [Expect(2, "activity", "malformed activity key")],
        1,
        0,
    ),
    Case(
        "region_not_recognised",
        _csv("a.csv", GOOD_DIESEL, "r1,plant,2025,CN-ZZ,fuel/diesel,5,t,,,,"),
        [Expect(3, "region", "region not recognised")],
        2,
        1,
    ),
    Case(
        "region_without_factor",
        # France is a valid region, but no shipped default set has LPG for it
        _csv("a.csv", "r1,plant,2025,FR,fuel/lpg,5,t,,,,"),
        [Expect(2, "region", "none on the chain FR")],
        1,
        0,
    ),
    Case(
        "period_outside_reporting_year",
        _csv("a.csv", GOOD_DIESEL, "p1,plant,2024-12,CN-CQ,fuel/diesel,5,t,,,,"),
        [Expect(3, "period", "outside the reporting year 2025")],
        2,
        1,
    ),
    Case(
        "period_not_recognised",
        _csv("a.csv", "p1,plant,2025-13,CN-CQ,fuel/diesel,5,t,,,,"),
        [Expect(2, "period", "period is not recognised")],
        1,
        0,
    ),
    Case(
        "inline_factor_without_unit",
        _csv(
            "a.csv",
            "i1,plant,2025,CN-CQ,fuel/diesel,5,t,2.5,",
            header="record_id,entity,period,region,activity,quantity,unit,emission_factor,emission_factor_unit",
        ),
        [Expect(2, "emission_factor_unit", "emission_factor is given without emission_factor_unit")],
        1,
        0,
    ),
    Case(
        "inline_factor_without_gas",
        # kg/t is a mass ratio: the user must say of which gas (or write kg CO2e/t)
        _csv(
            "a.csv",
            "i1,plant,2025,CN-CQ,fuel/diesel,5,t,2.5,kg/t",
            header="record_id,entity,period,region,activity,quantity,unit,emission_factor,emission_factor_unit",
        ),
        [Expect(2, "gas", "inline factor needs a gas")],
        1,
        0,
    ),
    Case(
        "biomass_fraction_outside_0_1",
        _csv("a.csv", "b1,plant,2025,CN-CQ,fuel/diesel,5,t,,,7,B7 blend"),
        [Expect(2, "biomass_fraction", "biomass fraction outside 0–1")],
        1,
        0,
    ),
    Case(
        "oxidation_factor_as_percent",
        _csv(
            "a.csv",
            "o1,plant,2025,CN-CQ,fuel/diesel,5,t,98",
            header="record_id,entity,period,region,activity,quantity,unit,oxidation_factor",
        ),
        [Expect(2, "oxidation_factor", "oxidation factor outside (0, 1]")],
        1,
        0,
    ),
    Case(
        "screening_without_leak_rate",
        _csv("a.csv", "f1,plant,2025,CN-CQ,refrigerant/R-410A,120,kg,screening,,,chillers"),
        [Expect(2, "leak_rate", "screening needs an annual leak_rate")],
        1,
        0,
    ),
    Case(
        "unknown_refrigerant",
        _csv("a.csv", "f1,plant,2025,CN-CQ,refrigerant/R-999X,12,kg,,,,"),
        [Expect(2, "activity", "R-999X")],
        1,
        0,
    ),
    Case(
        "method_not_available",
        _csv("a.csv", "e1,plant,2025,CN-CQ,electricity/grid,5,MWh,mobile,,,"),
        [Expect(2, "method", "method 'mobile' is not available for electricity")],
        1,
        0,
    ),
    Case(
        "scope_contradicts_activity",
        _csv(
            "a.csv",
            "s1,plant,2025,CN-CQ,fuel/diesel,5,t,3",
            header="record_id,entity,period,region,activity,quantity,unit,scope",
        ),
        [Expect(2, "scope", "does not match the activity's scope 1")],
        1,
        0,
    ),
    Case(
        "custom_activity_without_scope_or_factor",
        _csv("a.csv", "c1,plant,2025,CN-CQ,custom/solvent,5,t,,,,"),
        [Expect(2, "scope", "explicit scope"), Expect(2, "emission_factor", "inline emission_factor")],
        1,
        0,
    ),
    Case(
        "instruments_exceed_consumption",
        _with_instruments(
            [GOOD_POWER],
            [_IHEADER, "GEC-1,gec,150,MWh,2025,CN,"],  # 150 MWh of certificates for 120 MWh used
        ),
        [Expect(2, "quantity", "covers 150 MWh", file="instruments.csv")],
        1,
        1,
    ),
    Case(
        "instruments_table_with_many_problems",
        _with_instruments(
            [GOOD_POWER],
            [
                _IHEADER,
                "I1,certificate,10,MWh,2025,CN,",  # unknown type
                "I2,gec,10,kg,2019,CN,",  # not an energy; vintage far from 2025
                "I3,gec,-4,MWh,2025,ATLANTIS,",  # negative; unknown market boundary
                "I4,supplier_rate,10,MWh,2025,CN,",  # supplier rate without its rate
            ],
        ),
        [
            Expect(2, "type", "unknown instrument type", file="instruments.csv"),
            Expect(3, "unit", "must be an energy", file="instruments.csv"),
            Expect(3, "vintage", "too far from the reporting year", file="instruments.csv"),
            Expect(4, "quantity", "positive number", file="instruments.csv"),
            Expect(4, "market_boundary", "not a recognised region", file="instruments.csv"),
            Expect(5, "emission_factor", "needs its emission rate", file="instruments.csv"),
        ],
        1,
        1,
    ),
    Case(
        "instruments_missing_column",
        _with_instruments(
            [GOOD_POWER], ["instrument_id,type,quantity,unit,market_boundary", "I1,gec,10,MWh,CN"]
        ),
        [Expect(1, "vintage", "required column 'vintage' is missing", file="instruments.csv")],
        1,
        1,
    ),
    Case(
        "xlsx_merged_header_cells",
        _merged_header,
        [
            Expect(1, None, "merged header cells A1:B1"),
            Expect(2, None, "header problem"),
            Expect(3, None, "header problem"),
        ],
        2,
        0,
    ),
    Case(
        "xlsx_formula_in_quantity_cell",
        _formula_quantity,
        # the formula is reported once (not also as an empty quantity); row 3 is computed
        [Expect(2, "quantity", "cell holds a formula")],
        2,
        1,
    ),
    Case(
        "xlsx_empty_sheet",
        _empty_sheet,
        [Expect(None, None, "the sheet is empty")],
        0,
        0,
    ),
    Case("empty_csv_file", _bytes("empty.csv", b""), [Expect(None, None, "the file is empty")], 0, 0),
    Case("empty_xlsx_file", _bytes("empty.xlsx", b""), [Expect(None, None, "the file is empty")], 0, 0),
    Case(
        "zip_that_is_not_xlsx",
        _zip_not_xlsx,
        [Expect(None, None, "not a readable Excel workbook")],
        0,
        0,
    ),
    Case(
        "png_renamed_xlsx",
        _bytes("photo.xlsx", _PNG),
        [Expect(None, None, "not a readable Excel workbook")],
        0,
        0,
    ),
    Case(
        "old_xls_workbook",
        _bytes("legacy.xls", _OLE),
        [Expect(None, None, "Excel 97-2003")],
        0,
        0,
    ),
    Case(
        "csv_header_only",
        _csv("a.csv"),
        [Expect(None, None, "no data rows")],
        0,
        0,
    ),
    Case(
        "csv_semicolon_separated",
        _bytes("a.csv", b"record_id;activity;quantity;unit\nx1;fuel/diesel;5;t\n"),
        [Expect(1, None, "separated by ';'")],
        0,
        0,
    ),
    Case(
        "csv_line_with_too_many_values",
        # an unquoted comma in the description splits it into two values
        _csv("a.csv", GOOD_DIESEL, "t1,plant,2025,CN-CQ,fuel/diesel,5,t,,,,forklifts, shift 2"),
        [Expect(3, None, "12 values but the header has 11 columns")],
        2,
        1,
    ),
    Case(
        "csv_duplicate_header",
        _csv(
            "a.csv",
            "h1,plant,2025,CN-CQ,fuel/diesel,5,t,kg",
            header="record_id,entity,period,region,activity,quantity,unit,unit",
        ),
        [Expect(1, "unit", "appears more than once"), Expect(2, "unit", "header problem")],
        1,
        0,
    ),
    Case(
        "many_problems_in_one_file",
        # every problem of the file comes back in ONE run; the good rows are still computed
        _csv(
            "a.csv",
            GOOD_DIESEL,
            "b1,plant,2025,CN-CQ,fuel/diesel,-1,t,,,,",
            "b2,plant,2025,CN-CQ,fuel/diesel,5,bananas,,,,",
            GOOD_POWER,
            "b3,plant,2024,CN-CQ,fuel/lpg,5,t,,,,",
            "b4,plant,2025,XX-YY,fuel/lpg,5,t,,,,",
            "b5,plant,2025,CN-CQ,fuel/lpg,5,t,,,1.2,",
            "b6,plant,2025,CN-CQ,fuel/natural_gas,3,kWh/kg,,,,",
        ),
        [
            Expect(3, "quantity", "negative"),
            Expect(4, "unit", "unknown unit"),
            Expect(6, "period", "outside the reporting year"),
            Expect(7, "region", "not recognised"),
            Expect(8, "biomass_fraction", "outside 0–1"),
            Expect(9, "unit", "dimension"),
        ],
        8,
        2,
    ),
]


def _matches(problem: Problem, expect: Expect, file: str) -> bool:
    return (
        problem.file == (expect.file or file)
        and problem.row == expect.row
        and (expect.field is None or problem.field == expect.field)
        and expect.text in problem.message
        and problem.severity == expect.severity
    )


def _actionable(problem: Problem) -> bool:
    hints = ("did you mean", "exist only for", "valid only")
    return bool(problem.accepted) or any(h in problem.message for h in hints)


def _run(case: Case, tmp_path: Path) -> tuple[InventoryResult, Path, Path | None]:
    activities, instruments = case.build(tmp_path)
    result = run_inventory(activities, instruments=instruments, year=2025)
    return result, activities, instruments


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_reported_with_file_row_and_field(case: Case, tmp_path: Path) -> None:
    result, activities, _ = _run(case, tmp_path)
    for expect in case.expect:
        found = [p for p in result.problems if _matches(p, expect, activities.name)]
        assert found, f"expected {expect} among:\n" + "\n".join(map(str, result.problems))
        # every error says what would be accepted (the resolver says it in the message: what
        # exists, or "did you mean"), so the user can fix it
        assert all(_actionable(p) for p in found if p.severity == "error"), found
    # all problems at once: the run reports at least one problem per expected problem
    assert len(result.errors) >= len([e for e in case.expect if e.severity == "error"])
    assert result.rows_read == case.rows_read
    assert result.rows_computed == case.rows_computed
    assert result.rows_read == result.rows_computed + len(result.rows_rejected)
    result.check_accounting()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_exits_2_and_names_the_file(case: Case, tmp_path: Path) -> None:
    activities, instruments = case.build(tmp_path)
    out = tmp_path / "out" / "inventory.xlsx"
    args = ["inventory", str(activities), "--year", "2025", "--out", str(out)]
    if instruments is not None:
        args += ["--instruments", str(instruments)]
    result = CliRunner().invoke(app, args, terminal_width=400)
    assert result.exit_code == case.exit_code, result.output
    text = " ".join(result.output.split())  # rich may wrap long lines
    assert (case.expect[0].file or activities.name) in text
    assert not out.exists()  # nothing is written when a row has an error (without --partial)


def test_the_catalogue_has_at_least_25_cases() -> None:
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)


def test_gb18030_csv_is_read_with_a_warning(tmp_path: Path) -> None:
    # what Excel on a Chinese Windows system writes for "CSV (逗号分隔)"
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        (HEADER + "\n" + "g1,重庆工厂,2025,CN-CQ,fuel/diesel,12,t,mobile,,,叉车柴油\n").encode("gb18030")
    )
    result = run_inventory(path, year=2025)
    warnings = [p for p in result.problems if p.severity == "warning"]
    assert [p.code for p in warnings] == ["encoding"]
    assert warnings[0].file == "gbk.csv" and "GB18030" in warnings[0].message
    assert not result.errors and result.rows_computed == 1
    assert set(result.results["entity"]) == {"重庆工厂"}
    assert set(result.results["description"]) == {"叉车柴油"}
    result.check_accounting()


def test_blank_lines_keep_the_files_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text(HEADER + "\n" + GOOD_DIESEL + "\n\n\n" + "x1,plant,2025,CN-CQ,fuel/diesel,x,t,,,,\n")
    result = run_inventory(path, year=2025)
    # lines: 1 header, 2 good, 3-4 blank, 5 bad — the user looks at line 5
    assert [(p.row, p.field) for p in result.errors] == [(5, "quantity")]
    assert result.rows_read == 2 and result.rows_computed == 1
    result.check_accounting()


def test_quoted_newline_keeps_the_files_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "multiline.csv"
    path.write_text(
        HEADER
        + "\n"
        + 'q1,plant,2025,CN-CQ,fuel/diesel,12,t,,,,"two\nlines"\n'
        + "q2,plant,2025,CN-CQ,fuel/diesel,-1,t,,,,\n"
    )
    result = run_inventory(path, year=2025)
    assert [(p.row, p.field) for p in result.errors] == [(4, "quantity")]
    result.check_accounting()


def test_missing_file_is_reported(tmp_path: Path) -> None:
    result = run_inventory(tmp_path / "nowhere.csv", year=2025)
    assert [p.message for p in result.errors] == ["file not found"]
    assert result.rows_read == 0
    run = CliRunner().invoke(
        app, ["inventory", str(tmp_path / "nowhere.csv"), "--out", str(tmp_path / "x.xlsx")]
    )
    assert run.exit_code == 2


def test_unknown_columns_are_a_warning_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "extra.csv"
    path.write_text(
        "record_id,activity,quantity,unit,region,period,cost_centre\nw1,fuel/diesel,12,t,CN-CQ,2025,CC-7\n"
    )
    result = run_inventory(path, year=2025)
    assert not result.errors and result.rows_computed == 1
    (warning,) = [p for p in result.problems if p.severity == "warning"]
    assert (warning.row, warning.field, warning.code) == (1, "cost_centre", "unknown_column")


def test_partial_writes_the_computed_rows_and_still_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "partial.csv"
    path.write_text(HEADER + "\n" + GOOD_DIESEL + "\nn1,plant,2025,CN-CQ,fuel/diesel,-5,t,,,,\n")
    out = tmp_path / "partial.xlsx"
    run = CliRunner().invoke(app, ["inventory", str(path), "--year", "2025", "--out", str(out), "--partial"])
    assert run.exit_code == 2
    assert out.exists()
