"""``carbonledger demo``: run every shipped example end to end and write its outputs.

The examples live in ``examples/<name>/`` of the repository. Each area registers its example
by adding ONE entry to :data:`EXAMPLES`: an :class:`Example` with a name (the folder), a
one-line title and a runner ``(example_dir, out_dir) -> list of files written``. A runner
reads only its example folder, writes only into ``out_dir`` and raises
:class:`~carbonledger.errors.CarbonLedgerError` (or returns problems through it) when the
example does not run clean — the demo then reports it and exits with code 2.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

__all__ = ["CHONGQING_FACTOR_SETS", "EXAMPLES", "Example", "find_examples_dir", "register"]

Runner = Callable[[Path, Path], list[Path]]


@dataclass(frozen=True)
class Example:
    """One example: ``examples/<name>/`` run by ``runner(example_dir, out_dir)``."""

    name: str
    title: str
    runner: Runner


CHONGQING_FACTOR_SETS = ("cn-electricity", "cn-heat-default", "cn-fuel-gbt32151-2024", "cn-fuel-ndrc2013")
"""The Chongqing example's factor sets, in priority order (see its README): MEE/NBS grid
factors, the purchased-heat default, GB/T 32151.22-2024 fuel defaults (valid from 2025-03-01)
and, for January and February 2025, the NDRC 2013 guideline defaults."""


def _chongqing_auto_parts(example: Path, out: Path) -> list[Path]:
    """The corporate inventory of an (illustrative) auto-parts plant in Chongqing, 2025."""
    from carbonledger.errors import InputError
    from carbonledger.inventory.engine import run_inventory
    from carbonledger.reports.inventory_workbook import write_inventory_workbook

    result = run_inventory(
        example / "activities.csv",
        instruments=example / "instruments.csv",
        factor_sets=CHONGQING_FACTOR_SETS,
        gwp="AR6",
        year=2025,
    )
    if result.errors:
        raise InputError(result.problems, summary=f"the {example.name} example has errors")
    workbook = write_inventory_workbook(result, out / "chongqing_inventory.xlsx")
    summary = out / "chongqing_inventory.json"
    summary.write_text(
        json.dumps(result.to_json(include_records=False), ensure_ascii=False, indent=2, default=str) + "\n",
        encoding="utf-8",
    )
    return [workbook, summary]


def _china_ets(example: Path, out: Path, sector: str, year: int) -> list[Path]:
    """A China ETS example (runner in carbonledger.regimes.china_ets.demo)."""
    from carbonledger.regimes.china_ets.demo import run_example

    return run_example(example, out, sector=sector, year=year)


def _chongqing_steel_cbam(example: Path, out: Path) -> list[Path]:
    """The mill's CBAM communication (SEE per good) and its EU customer's 2026 exposure."""
    from carbonledger.cli.cbam import exposure, installation

    installation(example / "installation.json", out=out / "chongqing_see.json", fmt="json")
    installation(example / "installation.json", out=out / "chongqing_communication.xlsx", fmt="xlsx")
    exposure(example / "imports_2026.csv", year=2026, out=out / "exposure_2026.xlsx", fmt="xlsx",
             xml=out / "qreport.xml", declarant=example / "declarant.json")
    exposure(example / "imports_2026.csv", year=2026, out=out / "exposure_2026.json", fmt="json")
    return sorted(p for p in out.iterdir() if p.is_file())


EXAMPLES: list[Example] = [
    Example(
        "chongqing_auto_parts",
        "Corporate inventory (Scope 1, Scope 2 location/market) of an auto-parts plant in Chongqing, 2025",
        _chongqing_auto_parts,
    ),
    Example(
        "chongqing_power_unit",
        "China ETS: coal-fired power unit in Chongqing, 2025 (MEE 发电设施 guideline), monthly data",
        lambda example, out: _china_ets(example, out, "power", 2025),
    ),
    Example(
        "chongqing_cement",
        "China ETS: clinker line in Chongqing, 2024 (first compliance year of cement), monthly data",
        lambda example, out: _china_ets(example, out, "cement", 2024),
    ),
    Example(
        "chengdu_electronics",
        "Scope 1-3 inventory of an electronics assembler in Chengdu, 2023 (spend in CNY/USD, PACT supplier data, "
        "freight, travel)",
        lambda example, out: __import__(
            "carbonledger.inventory.scope3.demo", fromlist=["run_chengdu_example"]
        ).run_chengdu_example(example, out),
    ),
    Example(
        "chongqing_brake_assembly",
        "Product footprints (PACT v3) of brake assemblies on the Chongqing plant's inventory, 2025 (BOM, supplier "
        "PACT footprints, secondary factors)",
        lambda example, out: __import__(
            "carbonledger.footprint.demo", fromlist=["run_brake_example"]
        ).run_brake_example(example, out),
    ),
    # Other areas: add one Example(...) line here for examples/<your example>/.
    Example(
        "chongqing_steel_cbam",
        "EU CBAM: a Chongqing BF-BOF mill's specific embedded emissions (HRC 7208, bars 7214) and its EU "
        "customer's 2026 certificate exposure on actual vs default values, with the QReport XML",
        _chongqing_steel_cbam,
    ),
]


def find_examples_dir(start: Path | None = None) -> Path | None:
    """``examples/`` in the current directory or above, else the examples shipped with carbonledger
    (inside the wheel, or next to a source checkout)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "examples").is_dir():
            return folder / "examples"
    from carbonledger.factors.store import bundled_examples_root

    return bundled_examples_root()


def register(app: typer.Typer) -> None:
    """Add ``carbonledger demo``."""
    app.command("demo")(demo)


def demo(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="folder for the outputs (one sub-folder per example)")
    ] = Path("out/demo"),
    only: Annotated[
        list[str] | None, typer.Option("--only", help="run only these examples (repeat the option)")
    ] = None,
    examples: Annotated[
        Path | None,
        typer.Option("--examples", help="the examples folder (default: ./examples of the checkout)"),
    ] = None,
    list_only: Annotated[bool, typer.Option("--list", help="list the examples and exit")] = False,
) -> None:
    """Run every shipped example end to end (or those given with --only) and write its outputs."""
    from carbonledger.cli._common import EXIT_INPUT, console, print_problems
    from carbonledger.errors import CarbonLedgerError, ProblemsError

    if list_only:
        for example in EXAMPLES:
            console.print(f"{example.name}: {example.title}", highlight=False)
        return
    known = {e.name for e in EXAMPLES}
    unknown = sorted(set(only or []) - known)
    if unknown:
        console.print(
            f"[bold red]unknown example(s)[/] {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
        raise typer.Exit(EXIT_INPUT)
    root = examples or find_examples_dir()
    if root is None:
        console.print(
            "[bold red]no examples folder found[/]: run from a carbonledger checkout or give --examples DIR"
        )
        raise typer.Exit(EXIT_INPUT)
    failed = 0
    for example in EXAMPLES:
        if only and example.name not in only:
            continue
        folder = root / example.name
        target = out / example.name
        target.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        try:
            if not folder.is_dir():
                raise CarbonLedgerError(f"example folder {folder} not found")
            written = example.runner(folder, target)
        except CarbonLedgerError as exc:
            failed += 1
            console.print(f"[bold red]✗ {example.name}[/]: {escape(str(getattr(exc, 'summary', exc)))}", highlight=False)
            if isinstance(exc, ProblemsError):
                print_problems(exc.problems)
            continue
        seconds = time.perf_counter() - started
        console.print(f"[bold green]✓ {example.name}[/] ({seconds:.1f} s): {example.title}", highlight=False)
        for path in written:
            console.print(f"    {path}", highlight=False)
    if failed:
        raise typer.Exit(EXIT_INPUT)
