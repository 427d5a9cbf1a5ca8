"""`carbonledger cbam` commands: an installation's embedded emissions, an importer's exposure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from carbonledger.cli._common import EXIT_INPUT, console, fail, print_problems, write_json
from carbonledger.errors import CarbonLedgerError, InputError, Problem

cbam_app = typer.Typer(
    help="EU CBAM: specific embedded emissions of an installation (the Commission's communication "
    "template) and an importer's certificate exposure 2026-2034.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``cbam`` sub-app to the main app."""
    app.add_typer(cbam_app, name="cbam")


def _format(out: Path, fmt: str | None) -> str:
    chosen = (fmt or ("json" if str(out) == "-" or out.suffix.lower() == ".json" else "xlsx")).lower()
    if chosen not in {"json", "xlsx"}:
        raise InputError(
            [Problem("unknown output format", field="--format", value=chosen, accepted="json, xlsx")]
        )
    return chosen


def _load_installation(path: Path) -> tuple[Any, Any, list[Problem]]:
    """(Installation, template path or None, warnings) from a template .xlsx or a .json model."""
    from pydantic import ValidationError

    from carbonledger.regimes.cbam.model import Installation
    from carbonledger.regimes.cbam.template_reader import read_template

    if not path.is_file():
        raise InputError([Problem("file not found", file=str(path))])
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        reading = read_template(path)
        return reading.installation, path, reading.warnings
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Installation.model_validate(data), None, []
        except json.JSONDecodeError as exc:
            raise InputError(
                [Problem(f"not valid JSON: {exc.msg}", file=path.name, row=exc.lineno)]
            ) from None
        except ValidationError as exc:
            raise InputError(
                [
                    Problem(
                        str(err["msg"]),
                        file=path.name,
                        field=".".join(str(x) for x in err["loc"]),
                        value=str(err.get("input"))[:80] if err.get("input") is not None else None,
                    )
                    for err in exc.errors()
                ],
                summary=f"{path.name}: the installation model is invalid",
            ) from None
    raise InputError(
        [
            Problem(
                "unsupported input", file=path.name, accepted="the Commission template .xlsx or a .json model"
            )
        ]
    )


@cbam_app.command("installation")
def installation(
    source: Annotated[
        Path, typer.Argument(help="communication template (.xlsx, v2.x) or installation model (.json)")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="output file, or - for JSON on stdout")],
    fmt: Annotated[str | None, typer.Option("--format", help="xlsx | json (default: from --out)")] = None,
    filled: Annotated[
        Path | None,
        typer.Option("--filled", help="also write a filled copy of the communication template here"),
    ] = None,
    template_base: Annotated[
        Path | None,
        typer.Option("--template-base", help="blank/other template to fill (default: the input template)"),
    ] = None,
) -> None:
    """Specific embedded emissions per good, attributed emissions per process, and the
    template's Summary_Communication content — computed from input data only."""
    from carbonledger.regimes.cbam.communication import compare_with_template, installation_dict
    from carbonledger.regimes.cbam.see import compute_installation
    from carbonledger.regimes.cbam.template_reader import template_summary

    try:
        chosen = _format(out, fmt)
        model, template_path, warnings = _load_installation(source)
        result = compute_installation(model)
        comparison: list[Problem] = []
        if template_path is not None:
            comparison = compare_with_template(result, template_summary(template_path), file=source.name)
        print_problems([*warnings, *result.warnings, *comparison], title="Warnings")
        if chosen == "json":
            data = installation_dict(result, [*warnings, *comparison])
            write_json(data, out)
        else:
            from carbonledger.reports.cbam import write_installation_report

            write_installation_report(result, out, [*warnings, *comparison])
        if filled is not None:
            from carbonledger.regimes.cbam.template_writer import fill_template

            base = template_base or template_path
            if base is None:
                raise InputError(
                    [
                        Problem(
                            "--filled needs a template to fill",
                            field="--template-base",
                            accepted="a template .xlsx",
                        )
                    ]
                )
            fill_template(result, base, filled)
            console.print(f"filled template written to {filled}", highlight=False)
    except CarbonLedgerError as exc:
        raise typer.Exit(fail(exc)) from None
    if str(out) != "-":
        console.print(f"written {out}", highlight=False)


def _prices(text: str | None) -> list[float]:
    if not text:
        return []
    try:
        if ":" in text:
            parts = [float(x) for x in text.split(":")]
            start, stop = parts[0], parts[1]
            step = parts[2] if len(parts) > 2 else 10.0
            values = []
            value = start
            while value <= stop + 1e-9:
                values.append(round(value, 6))
                value += step
            return values
        return [float(x) for x in text.split(",") if x.strip()]
    except (ValueError, IndexError):
        raise InputError(
            [
                Problem(
                    "cannot read the price range",
                    field="--price-range",
                    value=text,
                    accepted="60:120:20 or 60,90,120",
                )
            ]
        ) from None


@cbam_app.command("exposure")
def exposure(
    imports: Annotated[
        Path, typer.Argument(help="imports table (.csv or .xlsx; see templates/cbam_imports.xlsx)")
    ],
    year: Annotated[int, typer.Option("--year", help="year of importation (2026 onwards)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="output file, or - for JSON on stdout")],
    price: Annotated[
        float | None,
        typer.Option("--price", help="certificate price EUR/t (default: published quarterly price for 2026)"),
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="xlsx | json (default: from --out)")] = None,
    price_range: Annotated[
        str | None, typer.Option("--price-range", help="sensitivity prices, e.g. 60:120:20 or 60,90,120")
    ] = "60:120:20",
    xml: Annotated[
        Path | None, typer.Option("--xml", help="also write the QReport XML (one file per quarter)")
    ] = None,
    declarant: Annotated[
        Path | None,
        typer.Option("--declarant", help="declarant JSON for the XML (EORI, name, city, signature …)"),
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="sheet of an .xlsx imports table")] = None,
    defaults_edition: Annotated[
        str, typer.Option("--defaults-edition", help="default-value set edition")
    ] = "cbam-default-values-2026-1740",
) -> None:
    """Certificates and cost per import line on actual vs default values, the phase-in
    2026-2034 and a price sensitivity."""
    from carbonledger.regimes.cbam.certificates import compute_exposure, phase_in, price_sensitivity
    from carbonledger.regimes.cbam.imports import read_imports, validate_imports
    from carbonledger.regimes.cbam.reference import CbamReference

    try:
        chosen = _format(out, fmt)
        ref = CbamReference(defaults_edition=defaults_edition)
        frame = validate_imports(read_imports(imports, sheet), year, raise_on_errors=False)
        result = compute_exposure(frame, year, price, ref)
        frame.attrs["problems"] = []
        phase = phase_in(frame, price, ref)
        sensitivity = price_sensitivity(frame, year, _prices(price_range), ref)
        print_problems(result.warnings, title="Warnings")
        if chosen == "json":
            write_json(_exposure_json(result, phase, sensitivity), out)
        else:
            from carbonledger.reports.cbam import write_exposure_report

            write_exposure_report(result, out, phase=phase, sensitivity=sensitivity, ref=ref)
        if xml is not None:
            _write_xml(result, xml, declarant)
    except CarbonLedgerError as exc:
        raise typer.Exit(fail(exc)) from None
    if str(out) != "-":
        console.print(f"written {out}", highlight=False)


def _write_xml(result: Any, xml: Path, declarant: Path | None) -> None:
    from carbonledger.regimes.cbam.qreport_xml import Declarant, build_qreports

    if declarant is None:
        raise InputError(
            [Problem("--xml needs --declarant (a JSON file with the declarant's data)", field="--declarant")]
        )
    try:
        data = json.loads(declarant.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError([Problem(f"cannot read the declarant file: {exc}", file=str(declarant))]) from None
    reports = build_qreports(result, Declarant.from_dict(data, declarant.name))
    xml.parent.mkdir(parents=True, exist_ok=True)
    for quarter, content in reports.items():
        target = (
            xml if len(reports) == 1 else xml.with_name(f"{xml.stem}_{quarter[-2:]}{xml.suffix or '.xml'}")
        )
        target.write_bytes(content)
        console.print(
            f"QReport {quarter} written to {target} (validated against QReport_ver23.00.xsd)", highlight=False
        )


def _records(frame: Any) -> list[dict[str, Any]]:
    import math

    rows = frame.to_dict("records")
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()} for row in rows
    ]


def _exposure_json(result: Any, phase: Any, sensitivity: Any) -> dict[str, Any]:
    lines = _records(result.lines)
    for line in lines:
        line["flags"] = [f for f in str(line.get("flags") or "").split("|") if f]
    return {
        "year": result.year,
        "lines": lines,
        "totals": result.totals,
        "de_minimis": result.de_minimis,
        "quarterly_holding": _records(result.holding),
        "phase_in": _records(phase),
        "price_sensitivity": _records(sensitivity),
        "parameters": result.parameters,
        "flags": list(result.flags),
        "warnings": [w.to_dict() for w in result.warnings],
    }


__all__ = ["EXIT_INPUT", "register"]
