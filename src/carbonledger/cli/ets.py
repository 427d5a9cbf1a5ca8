"""`carbonledger ets` commands: China national ETS accounting (MEE guidelines)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from carbonledger.cli._common import EXIT_INPUT, console, fail, print_problems, write_json
from carbonledger.errors import CarbonLedgerError

ets_app = typer.Typer(
    help="Emissions trading: China national ETS reports (power, steel, cement, aluminium).",
    no_args_is_help=True,
)


class Sector(StrEnum):
    power = "power"
    steel = "steel"
    cement = "cement"
    aluminium = "aluminium"


class OutputFormat(StrEnum):
    xlsx = "xlsx"
    json = "json"


class GWPChoice(StrEnum):
    AR4 = "AR4"
    AR5 = "AR5"
    AR6 = "AR6"


def register(app: typer.Typer) -> None:
    """Add the ``ets`` sub-app to the main app."""
    app.add_typer(ets_app, name="ets")


@ets_app.command("china")
def china(
    facility: Annotated[
        Path, typer.Argument(help="facility workbook (templates/china_ets_<sector>.xlsx) or an activity table")
    ],
    sector: Annotated[Sector, typer.Option(help="ETS sector")],
    year: Annotated[int, typer.Option(help="reporting year")],
    out: Annotated[str, typer.Option("--out", "-o", help="output file, or - for standard output (json)")],
    output_format: Annotated[OutputFormat, typer.Option("--format", help="xlsx or json")] = OutputFormat.xlsx,
    gwp: Annotated[
        GWPChoice | None,
        typer.Option(help="GWP set for aluminium PFCs (default: the parameters' pfc_gwp_set, AR5, UNVERIFIED)"),
    ] = None,
    fuel_set: Annotated[
        list[str] | None,
        typer.Option("--fuel-set", help="fuel-default sets in priority order (repeat); default per sector"),
    ] = None,
    parameters: Annotated[
        Path | None,
        typer.Option(help="user parameters (CSV/XLSX: parameter, key, value, unit, citation, note), e.g. benchmarks"),
    ] = None,
    cea_price: Annotated[
        float | None, typer.Option(help="CEA price in CNY/t for the cost estimate (overrides the workbook)")
    ] = None,
    ccer: Annotated[float | None, typer.Option(help="CCER held for surrender, t CO2e (overrides the workbook)")] = None,
    region: Annotated[str | None, typer.Option(help="province code, e.g. CN-CQ (overrides the workbook)")] = None,
    partial: Annotated[
        bool, typer.Option(help="write the output even when some rows have errors (exit code stays non-zero)")
    ] = False,
) -> None:
    """Compute a facility's emissions, intensity and allowance position by the MEE guidelines.

    Exit code 2 when any input has an error; every problem is listed with sheet, row and field.
    """
    from carbonledger.regimes.china_ets import run_china_ets

    try:
        result = run_china_ets(
            facility,
            sector=sector.value,
            year=year,
            gwp=gwp.value if gwp else None,
            fuel_sets=fuel_set or None,
            parameter_file=parameters,
            cea_price=cea_price,
            ccer_available=ccer,
            region=region,
        )
    except CarbonLedgerError as exc:
        raise typer.Exit(fail(exc)) from None
    print_problems(result.problems)
    errors = result.errors
    if errors and not partial:
        console.print(
            f"[bold red]{len(errors)} error(s)[/]: nothing written (use --partial to write the computed lines "
            "with the problems listed)"
        )
        raise typer.Exit(EXIT_INPUT)
    try:
        if output_format is OutputFormat.json:
            write_json(result.to_json(), out)
        else:
            if out == "-":
                raise typer.BadParameter("xlsx cannot be written to standard output; give a file name")
            from carbonledger.reports.china_ets import write_china_ets_workbook

            write_china_ets_workbook(result, Path(out))
    except CarbonLedgerError as exc:
        raise typer.Exit(fail(exc)) from None
    unit = "t CO2e" if sector is Sector.aluminium else "t CO2"
    intensity = result.intensity
    main = intensity.get("tco2_per_mwh_supplied") if sector is Sector.power else intensity.get("value")
    text = f"{main:.4f}" if isinstance(main, float) else "n/a"
    per = "MWh supplied" if sector is Sector.power else intensity.get("unit", "")
    allowance = result.allowance
    position = (
        f"; allowance {allowance.status} {allowance.balance:,.0f} t"
        if allowance is not None and allowance.balance is not None
        else "; allowance not computed (see the problems)"
    )
    console.print(
        f"{result.sector.zh} {result.sector.en} {year}: [bold]{result.total_tco2:,.0f}[/] {unit} in the compliance "
        f"boundary; intensity {text} " + (f"t CO2/{per}" if sector is Sector.power else per) + position
        + (f" → {out}" if out != "-" else ""),
        highlight=False,
    )
    if errors:
        raise typer.Exit(EXIT_INPUT)


@ets_app.command("china-template")
def china_template(
    sector: Annotated[Sector, typer.Option(help="ETS sector")],
    out: Annotated[Path, typer.Option("--out", "-o", help="where to write the blank workbook")],
) -> None:
    """Write the bilingual facility template for a sector (the same as templates/china_ets_<sector>.xlsx)."""
    from carbonledger.regimes.china_ets.template_builder import build_workbook

    build_workbook(sector.value, out)
    console.print(f"wrote {out}", highlight=False)
