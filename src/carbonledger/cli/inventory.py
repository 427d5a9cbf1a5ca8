"""``carbonledger inventory``: activity data in, a GHG Protocol / ISO 14064-1 inventory out."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from carbonledger.cli._common import EXIT_INPUT, console, fail, print_problems, write_json
from carbonledger.errors import CarbonLedgerError


class OutputFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


class GWPChoice(StrEnum):
    AR4 = "AR4"
    AR5 = "AR5"
    AR6 = "AR6"


def register(app: typer.Typer) -> None:
    app.command("inventory")(inventory)


def inventory(
    activities: Annotated[
        Path, typer.Argument(help="activity table: .csv or .xlsx (see templates/activity_data.xlsx)")
    ],
    out: Annotated[str, typer.Option("--out", "-o", help="output file, or - for standard output (json/csv)")],
    instruments: Annotated[
        Path | None, typer.Option(help="contractual instruments for market-based Scope 2")
    ] = None,
    factors: Annotated[
        list[str] | None,
        typer.Option("--factors", "-f", help="factor sets in priority order (repeat the option)"),
    ] = None,
    gwp: Annotated[GWPChoice, typer.Option(help="GWP set for CO2e")] = GWPChoice.AR6,
    year: Annotated[int | None, typer.Option(help="reporting year; periods outside it are errors")] = None,
    region: Annotated[
        str | None, typer.Option(help="default region for records without one, e.g. CN-CQ")
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="xlsx, csv or json")
    ] = OutputFormat.xlsx,
    exchange_rates: Annotated[
        Path | None,
        typer.Option(
            "--exchange-rates",
            help="Scope 3 spend: exchange-rate table (from_currency, to_currency, year, rate, source, date)",
        ),
    ] = None,
    deflators: Annotated[
        Path | None,
        typer.Option(help="Scope 3 spend: price-index table (currency, year, index, series, source, date)"),
    ] = None,
    suppliers: Annotated[
        list[Path] | None,
        typer.Option(
            "--suppliers",
            help="Scope 3 supplier footprints: PACT JSON file(s), a folder of them, or a supplier table "
            "(repeat the option)",
        ),
    ] = None,
    eeio_margins: Annotated[
        str,
        typer.Option(
            "--eeio-margins",
            help="EEIO factors with margins (purchaser price, cradle to shelf) or without (cradle to gate)",
        ),
    ] = "with",
    partial: Annotated[
        bool,
        typer.Option(
            help="write the output even when some rows have errors (they are "
            "listed in it); the exit code is still non-zero"
        ),
    ] = False,
) -> None:
    """Compute Scope 1, Scope 2 (location- and market-based) and Scope 3 from activity data.

    Exit code 2 when any row has an error; every problem is listed.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from carbonledger.inventory.engine import DEFAULT_FACTOR_SETS, run_inventory

    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("reading", total=1.0)

            def progress(stage: str, fraction: float) -> None:
                bar.update(task, completed=fraction, description=stage)

            result = run_inventory(
                activities,
                instruments=instruments,
                factor_sets=factors or DEFAULT_FACTOR_SETS,
                gwp=gwp.value,
                year=year,
                default_region=region,
                progress=progress,
                exchange_rates=exchange_rates,
                deflators=deflators,
                supplier_footprints=suppliers or None,
                eeio_margins=eeio_margins,
            )
    except CarbonLedgerError as exc:
        raise typer.Exit(fail(exc)) from None
    errors = result.errors
    print_problems(result.problems)
    if errors and not partial:
        console.print(
            f"[bold red]{len(errors)} error(s)[/]: {len(result.rows_rejected)} of {result.rows_read} rows "
            "not computed; nothing written (use --partial to write the computed rows with the problems "
            "listed)"
        )
        raise typer.Exit(EXIT_INPUT)
    try:
        _write(result, out, output_format)
    except CarbonLedgerError as exc:
        raise typer.Exit(fail(exc)) from None
    totals = result.totals()
    console.print(
        f"[bold]{result.rows_computed}[/] of {result.rows_read} rows computed ({result.gwp}); "
        f"Scope 1 {totals['by_scope']['1']:,.3f} t, Scope 2 location {totals['by_scope']['2_location']:,.3f} t, "
        f"market {totals['by_scope']['2_market']:,.3f} t, Scope 3 {totals['by_scope']['3']:,.3f} t CO2e" + (f" → {out}" if out != "-" else ""),
        highlight=False,
    )
    if errors:
        raise typer.Exit(EXIT_INPUT)


def _write(result: object, out: str, output_format: OutputFormat) -> None:
    from carbonledger.inventory.result import InventoryResult

    assert isinstance(result, InventoryResult)
    if output_format is OutputFormat.json:
        write_json(result.to_json(), out)
    elif output_format is OutputFormat.csv:
        frame = result.labelled()
        if out == "-":
            import sys

            frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        else:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            frame.to_csv(out, index=False, lineterminator="\n")
    else:
        if out == "-":
            raise typer.BadParameter("xlsx cannot be written to standard output; give a file name")
        from carbonledger.reports.inventory_workbook import write_inventory_workbook

        write_inventory_workbook(result, Path(out))
