"""``carbonledger pact``: validate PACT footprints, export them from a product model, and serve
them over a local PACT v3 API."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from carbonledger.cli._common import EXIT_INPUT, console, fail, print_problems
from carbonledger.errors import CarbonLedgerError, Problem

pact_app = typer.Typer(help="PACT product footprints (v3.0 and v2.3): validate, export, serve.",
                       no_args_is_help=True)

ENV_CLIENT_ID = "CARBONLEDGER_PACT_CLIENT_ID"
ENV_CLIENT_SECRET = "CARBONLEDGER_PACT_CLIENT_SECRET"


def register(app: typer.Typer) -> None:
    app.add_typer(pact_app, name="pact")


@pact_app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(help="PACT JSON files: a footprint, a list, or an API response")],
    schema: Annotated[Path | None, typer.Option(help="validate against this JSON Schema instead of carbonledger's "
                                                     "(e.g. the specification's derived schema)")] = None,
) -> None:
    """Check footprints against the PACT schema and the semantic rules (sums, DQR ranges,
    periods). Exit code 2 when any footprint has an error."""
    from carbonledger.pact.checks import semantic_problems
    from carbonledger.pact.importer import footprint_items
    from carbonledger.pact.schemas import schema_problems

    problems: list[Problem] = []
    count = 0
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            problems.append(Problem(f"cannot read JSON: {exc}", file=str(path)))
            continue
        for where, item in footprint_items(data):
            count += 1
            found = schema_problems(item, source=path.name, schema=schema, where=where)
            if not found:
                found = semantic_problems(item, source=path.name, where=where)
            problems += found
    print_problems(problems)
    errors = [p for p in problems if p.severity == "error"]
    console.print(f"{count} footprint(s) checked: {len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    if errors:
        raise typer.Exit(EXIT_INPUT)


@pact_app.command("export")
def export(
    model: Annotated[Path, typer.Argument(help="BOM workbook or CSV directory")],
    out: Annotated[Path, typer.Option("--out", "-o", help="output directory")],
    version: Annotated[str, typer.Option(help="3, 2 or both")] = "3",
) -> None:
    """Compute the model and write one PACT JSON per exported product (OUT/pact/vN/)."""
    from carbonledger.cli.footprint import write_pact_files
    from carbonledger.footprint.result import compute_footprints
    from carbonledger.footprint.template import read_model

    if version not in ("3", "2", "both"):
        raise typer.BadParameter("--version must be 3, 2 or both")
    try:
        result = compute_footprints(read_model(model))
    except CarbonLedgerError as exc:
        raise typer.Exit(fail(exc)) from None
    written, problems = write_pact_files(result, out, ["3", "2"] if version == "both" else [version])
    print_problems(problems)
    console.print(f"{len(written)} PACT file(s) → {out}")
    if any(p.severity == "error" for p in problems):
        raise typer.Exit(EXIT_INPUT)


def load_served(source: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Footprints to serve: PACT JSON files under a directory (recursively), one JSON file, or a
    product model (workbook or CSV directory) computed now. Invalid footprints are left out."""
    from carbonledger.pact.importer import load_footprints

    is_model = source.suffix.lower() in (".xlsx", ".xlsm") or (source.is_dir() and (source / "products.csv").exists())
    if is_model:
        from carbonledger.cli.footprint import write_pact_files  # noqa: F401  (same export path)
        from carbonledger.footprint.result import compute_footprints
        from carbonledger.footprint.template import read_model

        result = compute_footprints(read_model(source))
        docs, problems = [], []
        for product in result.exported_products():
            doc, found = result.pact(product)
            problems += found
            if doc and not any(p.severity == "error" for p in found):
                docs.append(doc)
        return docs, problems
    files = sorted(source.rglob("*.json")) if source.is_dir() else [source]
    docs = []
    problems = []
    for path in files:
        found_fps, found = load_footprints(path)
        problems += found
        docs += [fp.document for fp in found_fps if fp.spec_version.startswith("3")]
        problems += [Problem("v2 footprint not served by the v3 API", file=path.name, record_id=fp.id,
                             severity="warning") for fp in found_fps if not fp.spec_version.startswith("3")]
    return docs, problems


def _clients(client_id: str | None, client_secret: str | None, config: Path | None) -> dict[str, str]:
    clients: dict[str, str] = {}
    if config is not None:
        import tomllib

        data = tomllib.loads(config.read_text(encoding="utf-8"))
        for cid, secret in (data.get("clients") or {}).items():
            clients[str(cid)] = str(secret)
    cid = client_id or os.environ.get(ENV_CLIENT_ID)
    secret = client_secret or os.environ.get(ENV_CLIENT_SECRET)
    if cid and secret:
        clients[cid] = secret
    elif cid or secret:
        raise typer.BadParameter("give both a client id and a client secret")
    return clients


@pact_app.command("serve")
def serve(
    source: Annotated[Path, typer.Argument(help="directory of PACT v3 JSON files (e.g. OUT/pact/v3 of "
                                               "'carbonledger footprint'), one JSON file, or a product model")],
    host: Annotated[str, typer.Option(help="interface to bind; 127.0.0.1 keeps it local")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    client_id: Annotated[str | None, typer.Option(help=f"client id (or ${ENV_CLIENT_ID})")] = None,
    client_secret: Annotated[str | None, typer.Option(help=f"client secret (or ${ENV_CLIENT_SECRET})")] = None,
    config: Annotated[Path | None, typer.Option(help="TOML file with a [clients] table: id = \"secret\"")] = None,
    token_ttl: Annotated[int, typer.Option(help="access-token lifetime in seconds")] = 3600,
) -> None:
    """Serve footprints over a minimal PACT v3 API: POST /auth/token (client credentials),
    GET /3/footprints, GET /3/footprints/{id}, POST /3/events."""
    clients = _clients(client_id, client_secret, config)
    if not clients:
        console.print("[bold red]no client credentials[/]: give --client-id and --client-secret, "
                      f"${ENV_CLIENT_ID}/${ENV_CLIENT_SECRET}, or --config with a [clients] table")
        raise typer.Exit(EXIT_INPUT)
    try:
        footprints, problems = load_served(source)
    except CarbonLedgerError as exc:
        raise typer.Exit(fail(exc)) from None
    print_problems(problems)
    if not footprints:
        console.print("[bold red]no valid PACT v3 footprint to serve[/]")
        raise typer.Exit(EXIT_INPUT)
    try:
        import uvicorn
    except ImportError:
        from carbonledger.errors import OptionalDependencyError

        raise typer.Exit(fail(OptionalDependencyError("carbonledger pact serve", "server", "uvicorn"))) from None
    from carbonledger.pact.server import create_app

    try:
        app = create_app(footprints, clients, token_ttl_s=token_ttl)
    except CarbonLedgerError as exc:
        raise typer.Exit(fail(exc)) from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        console.print(f"[yellow]warning[/]: binding to {host}: the API is reachable from other machines; it has no "
                      "TLS — put it behind a TLS-terminating proxy")
    console.print(f"serving {len(footprints)} footprint(s) on http://{host}:{port}/3/footprints "
                  f"(token: POST http://{host}:{port}/auth/token)", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="info")
