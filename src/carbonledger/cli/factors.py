"""``carbonledger factors``: list, search, diff, verify and (re)build factor sets."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from carbonledger.cli._common import EXIT_INPUT, EXIT_INTEGRITY, console, fail
from carbonledger.errors import CarbonLedgerError

factors_app = typer.Typer(
    help="Versioned, cited factor sets: list, search, diff, verify.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(factors_app, name="factors")


def _out() -> Console:
    """Stdout console; wide when not a terminal so piped tables stay readable."""
    return Console() if sys.stdout.isatty() else Console(width=200)


@factors_app.command("list")
def list_sets(
    kind: Annotated[str | None, typer.Option(help="only sets of this kind, e.g. emission_factors")] = None,
) -> None:
    """Every shipped (and user-added) set: id, edition, publisher, licence, rows, GWP basis, confidence."""
    from carbonledger.factors.store import default_store

    table = Table(title="carbonledger factor sets (details: carbonledger factors show SET)", show_lines=False)
    table.add_column("set", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("publisher", overflow="ellipsis", max_width=28, no_wrap=True)
    table.add_column("licence", overflow="ellipsis", max_width=22, no_wrap=True)
    table.add_column("rows", justify="right", no_wrap=True)
    table.add_column("GWP basis", overflow="ellipsis", max_width=12, no_wrap=True)
    table.add_column("confidence", no_wrap=True)
    table.add_column("flags", overflow="fold", max_width=30)
    for m in default_store().manifests(kind):
        table.add_row(
            m.full_id,
            m.kind,
            m.publisher,
            m.licence,
            f"{m.rows:,}",
            m.gwp_basis,
            m.confidence,
            ", ".join(m.flags),
        )
    _out().print(table)


@factors_app.command("show")
def show(
    set_ref: Annotated[str, typer.Argument(help="edition such as desnz-2025, or a set id")],
    activity: Annotated[
        str | None,
        typer.Option("--activity", "-a", help="text or key to search (activity key, name, id)"),
    ] = None,
    region: Annotated[str | None, typer.Option(help="only this region code")] = None,
    limit: Annotated[int, typer.Option(help="rows to show")] = 50,
) -> None:
    """Search factors by text or key, with units and citation."""
    from carbonledger.factors.store import default_store

    try:
        store = default_store()
        for full_id in store.resolve_ref(set_ref):
            factor_set = store.load(full_id)
            m = factor_set.manifest
            console.print(f"[bold]{escape(m.full_id)}[/] — {escape(m.title)}", highlight=False)
            console.print(f"  {escape(factor_set.citation())}", highlight=False)
            console.print(
                f"  GWP basis: {m.gwp_basis}; confidence: {m.confidence}; flags: {', '.join(m.flags) or '-'}",
                highlight=False,
            )
            for name, table_frame in factor_set.tables.items():
                _show_table(name, table_frame, activity, region, limit)
    except CarbonLedgerError as exc:
        raise typer.Exit(fail(exc)) from None


def _show_table(name: str, frame: pd.DataFrame, activity: str | None, region: str | None, limit: int) -> None:
    if activity:
        needle = activity.lower()
        mask = (
            frame.astype(str).apply(lambda col: col.str.lower().str.contains(needle, regex=False)).any(axis=1)
        )
        frame = frame[mask]
    if region and "region" in frame.columns:
        frame = frame[frame["region"].str.upper() == region.upper()]
    shown = frame.head(limit)
    ef_columns = (
        "factor_id",
        "activity",
        "name",
        "region",
        "valid_from",
        "parameter",
        "gas",
        "value",
        "unit",
        "gwp_basis",
        "source_ref",
        "confidence",
        "flags",
    )
    columns = list(ef_columns) if "factor_id" in shown.columns else list(shown.columns)
    table = Table(title=f"table '{name}'", show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in shown[columns].itertuples(index=False):
        table.add_row(*[f"{v:.6g}" if isinstance(v, float) else str(v) for v in row])
    _out().print(table)
    console.print(f"  {len(frame):,} matching rows in '{name}' ({len(shown):,} shown)")


@factors_app.command("diff")
def diff(
    old: Annotated[str, typer.Argument(help="older edition, e.g. desnz-2024")],
    new: Annotated[str, typer.Argument(help="newer edition, e.g. desnz-2025")],
    activity: Annotated[str | None, typer.Option("--activity", "-a", help="only matching text")] = None,
    limit: Annotated[int, typer.Option(help="changed rows to show")] = 40,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="write the full diff to CSV")] = None,
) -> None:
    """Which factors changed between two editions, and by how much."""
    from carbonledger.factors.diff import diff_editions
    from carbonledger.factors.store import default_store

    try:
        store = default_store()
        result = diff_editions(store.load(old), store.load(new))
    except CarbonLedgerError as exc:
        raise typer.Exit(fail(exc)) from None
    changed = result.changed
    if activity:
        needle = activity.lower()
        keep = changed["name"].str.lower().str.contains(needle, regex=False) | changed[
            "activity"
        ].str.lower().str.contains(needle, regex=False)
        changed = changed[keep]
    console.print(f"[bold]{old} → {new}[/]: {result.summary()}", highlight=False)
    table = Table(title="largest relative changes")
    for column in ("factor_id", "activity", "name", "gas", "unit", "old", "new", "change %"):
        table.add_column(column, overflow="fold")
    for record in changed.head(limit).to_dict("records"):
        table.add_row(
            *(str(record[c]) for c in ("factor_id", "activity", "name", "gas", "unit")),
            f"{float(record['value_old']):.6g}",
            f"{float(record['value_new']):.6g}",
            f"{float(record['rel_change']) * 100:+.2f}",
        )
    _out().print(table)
    if csv_out is not None:
        result.to_frame().to_csv(csv_out, index=False, lineterminator="\n")
        console.print(f"full diff written to {csv_out}")


@factors_app.command("verify")
def verify(
    sets: Annotated[list[str] | None, typer.Argument(help="editions or set ids (all when none)")] = None,
) -> None:
    """Re-hash every set against its manifest; non-zero exit on any mismatch."""
    from carbonledger.factors.store import default_store

    try:
        results = default_store().verify(sets or None)
    except CarbonLedgerError as exc:
        raise typer.Exit(fail(exc)) from None
    bad = [r for r in results if not r.ok]
    by_set: dict[str, int] = {}
    for r in results:
        by_set[r.full_id] = by_set.get(r.full_id, 0) + 1
    for full_id, count in sorted(by_set.items()):
        failures = [r for r in bad if r.full_id == full_id]
        status = "[red]FAILED[/]" if failures else "[green]ok[/]"
        console.print(f"{status} {full_id} ({count} files)", highlight=False)
        for r in failures:
            console.print(f"    {r.path}: {r.message}", highlight=False)
    if bad:
        console.print(f"[bold red]{len(bad)} file(s) do not match their manifest[/]")
        raise typer.Exit(EXIT_INTEGRITY)
    console.print(f"[bold green]all {len(results)} files match their manifests[/]")


@factors_app.command("build")
def build(
    set_id: Annotated[str, typer.Argument(help="set id, e.g. desnz")],
    edition: Annotated[list[str] | None, typer.Option(help="edition(s); all when omitted")] = None,
    source: Annotated[
        Path | None,
        typer.Option(
            help="folder with the publishers' original files "
            "(e.g. ../shared/data); omit to rebuild from the stored originals"
        ),
    ] = None,
    root: Annotated[Path, typer.Option(help="factor store root to write")] = Path("factors"),
) -> None:
    """(Re)build a factor set from its ORIGINAL files with its importer."""
    from carbonledger.factors.importers import importer_modules
    from carbonledger.factors.importers._base import install

    modules = importer_modules()
    if set_id not in modules:
        console.print(f"[red]no importer for {set_id!r}[/]; known: {', '.join(sorted(modules))}")
        raise typer.Exit(EXIT_INPUT)
    module = modules[set_id]
    for name in edition or sorted(module.EDITIONS):
        try:
            target = install(module, name, source, root)
        except CarbonLedgerError as exc:
            raise typer.Exit(fail(exc)) from None
        console.print(f"built {target}", highlight=False)
