"""The ``carbonledger`` command line (typer).

Each area registers its own commands from its own module, so areas do not edit each
other's code: ``cli/factors.py``, ``cli/inventory.py``, ``cli/footprint.py``,
``cli/cbam.py``, ``cli/ets.py``, ``cli/pact.py``, ``cli/demo.py``. Every module exposes
``register(app)``. Heavy imports happen inside the commands, so ``carbonledger --help``
stays fast.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="carbonledger",
    help="Carbon accounting from activity data: inventories, product footprints, CBAM and "
    "China ETS reports, with versioned, cited emission factors.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

AREAS = ("factors", "inventory", "footprint", "cbam", "ets", "pact", "demo")

for _area in AREAS:
    importlib.import_module(f"carbonledger.cli.{_area}").register(app)


def main() -> None:
    """Console-script entry point."""
    app()
