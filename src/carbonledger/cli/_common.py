"""Helpers shared by the CLI modules: consistent problem output and exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from carbonledger.errors import CarbonLedgerError, Problem, ProblemsError

console = Console(stderr=True)

EXIT_INPUT = 2  # bad input: every problem listed
EXIT_INTEGRITY = 3  # factor set integrity failure


def print_problems(problems: Sequence[Problem], title: str = "Problems") -> None:
    """Print every problem, errors first, to stderr."""
    if not problems:
        return
    console.print(f"[bold red]{escape(title)}[/] ({len(problems)}):")
    for p in sorted(problems, key=lambda p: (p.severity != "error", p.file or "", p.row or 0)):
        colour = "red" if p.severity == "error" else "yellow"
        console.print(f"  [{colour}]{p.severity}[/] {escape(str(p))}", markup=True, highlight=False)


def fail(exc: CarbonLedgerError) -> int:
    """Report a CarbonLedgerError and return the exit code to use."""
    if isinstance(exc, ProblemsError):
        console.print(f"[bold red]{escape(exc.summary)}[/]")
        print_problems(exc.problems)
    else:
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
    return EXIT_INPUT


def write_json(data: Any, out: str | Path) -> None:
    """Write JSON to a file, or to stdout when ``out`` is ``-``."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str)
    if str(out) == "-":
        sys.stdout.write(text + "\n")
    else:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
