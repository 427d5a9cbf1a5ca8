"""``carbonledger footprint``: a BOM/process workbook in; every product's footprint, a workbook
with hotspots and traces, and one PACT ProductFootprint JSON per product out."""

from __future__ import annotations

import json
import math
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from carbonledger.cli._common import EXIT_INPUT, console, fail, print_problems
from carbonledger.errors import CarbonLedgerError, Problem


class Backend(StrEnum):
    carbonledger = "carbonledger"
    brightway = "brightway"


class PactVersion(StrEnum):
    v3 = "3"
    v2 = "2"
    both = "both"


def register(app: typer.Typer) -> None:
    app.command("footprint")(footprint)


def safe_name(product_id: str) -> str:
    """A file name for a product id (letters, digits, ``-_.``; others become ``_``)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", product_id) or "product"


def write_pact_files(result: Any, out: Path, versions: list[str], created: Any = None) -> tuple[list[Path], list[Problem]]:
    """One JSON per exported product and version; nothing is written for a footprint with errors."""
    written: list[Path] = []
    problems: list[Problem] = []
    for version in versions:
        folder = out / "pact" / f"v{version}"
        for product in result.exported_products():
            doc, found = result.pact(product, version=version, created=created)
            problems += found
            if any(p.severity == "error" for p in found) or not doc:
                continue
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{safe_name(product)}.json"
            path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            written.append(path)
    return written, problems


def footprint(
    model: Annotated[Path, typer.Argument(help="BOM workbook (.xlsx, layout of templates/bom_model.xlsx) or a "
                                              "directory of CSV files named like its sheets")],
    out: Annotated[Path, typer.Option("--out", "-o", help="output directory")],
    pact_version: Annotated[PactVersion, typer.Option("--pact-version", help="PACT version of the JSON files")]
    = PactVersion.v3,
    created: Annotated[str | None, typer.Option(help="creation time stamped on the PACT files "
                                                     "(default: the model's 'created' setting, or now)")] = None,
    backend: Annotated[Backend, typer.Option("--backend", help="who solves the product system: carbonledger's "
                                             "one sparse solve, or bw2calc (needs the [brightway] extra)")]
    = Backend.carbonledger,
    brightway_dir: Annotated[Path | None, typer.Option("--brightway-dir", help="with --backend brightway: base "
                                                       "directory to write the Brightway project into and keep "
                                                       "(default: a temporary one, deleted)")] = None,
    brightway_project: Annotated[str, typer.Option("--brightway-project", help="with --backend brightway: name of "
                                                   "the Brightway project written")] = "carbonledger",
) -> None:
    """Compute every product's carbon footprint from ONE sparse solve; write
    OUT/footprints.xlsx (totals, stages, gases, hotspots with charts, DQRs, primary data share,
    a trace of every input to its factor or supplier footprint), OUT/footprints.json and one
    PACT ProductFootprint per exported product in OUT/pact/v3/ (v2.3 on request).

    Exit code 2 on bad input (every problem listed) or when a footprint is not valid PACT.
    """
    from carbonledger.footprint.result import compute_footprints
    from carbonledger.footprint.template import read_model
    from carbonledger.reports.footprint_workbook import write_footprint_workbook

    stamp = None
    if created:
        import pandas as pd

        try:
            ts = pd.Timestamp(created)
            stamp = (ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")).to_pydatetime()
        except (ValueError, TypeError):
            raise typer.BadParameter(f"--created {created!r} is not a date-time, e.g. 2026-02-01T00:00:00Z") from None
    try:
        model_ = read_model(model)
        result = compute_footprints(model_, backend=backend.value,
                                    brightway_dir=str(brightway_dir) if brightway_dir is not None else None,
                                    brightway_project=brightway_project)
    except CarbonLedgerError as exc:
        raise typer.Exit(fail(exc)) from None
    out.mkdir(parents=True, exist_ok=True)
    versions = ["3", "2"] if pact_version is PactVersion.both else [pact_version.value]
    written, problems = write_pact_files(result, out, versions, created=stamp)
    try:
        write_footprint_workbook(result, out / "footprints.xlsx")
    except CarbonLedgerError as exc:
        raise typer.Exit(fail(exc)) from None
    (out / "footprints.json").write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n",
                                         encoding="utf-8")
    print_problems([*model_.warnings, *result.warnings, *problems], title="Warnings and problems")
    from rich.table import Table

    table = Table(title=f"Product carbon footprints ({model_.settings.gwp}, kg CO2e per unit)")
    for column in ("product", "unit", "PCF excl. uptake", "fossil", "primary data %", "DQR tech/temp/geo"):
        table.add_column(column, justify="right" if column not in ("product", "unit") else "left")
    for _, r in result.products.iterrows():
        dqr = "/".join("–" if math.isnan(v) else f"{v:.2f}" for v in (r["technological_dqr"], r["temporal_dqr"],
                                                                         r["geographical_dqr"]))
        table.add_row(str(r["product_id"]), str(r["unit"]), f"{r['pcf_excluding_uptake']:,.4f}",
                      f"{r['fossil']:,.4f}", "–" if math.isnan(r["primary_data_share"])
                      else f"{r['primary_data_share']:.1f}", dqr)
    console.print(table)
    console.print(f"{len(written)} PACT file(s), footprints.xlsx and footprints.json → {out}", highlight=False)
    if result.backend == "brightway":
        info = result.backend_info
        kept = f"project {info['project']!r} in {info['base_dir']}" if brightway_dir is not None else \
            "a temporary project (deleted)"
        console.print(f"computed by Brightway (bw2calc), {kept}; method {' | '.join(info['method'])}; largest "
                      f"relative difference to carbonledger's solve {info['max_rel_diff_vs_carbonledger']:.2g}",
                      highlight=False)
    if any(p.severity == "error" for p in problems):
        console.print("[bold red]some footprints are not valid PACT and were not written[/]")
        raise typer.Exit(EXIT_INPUT)
