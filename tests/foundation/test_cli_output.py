"""CLI messages are printed verbatim: text in square brackets (an extra name such as
``carbonledger[server]``, a pint dimension such as ``[mass]``) is not console markup."""

from __future__ import annotations

from carbonledger.cli._common import console, fail, print_problems
from carbonledger.errors import OptionalDependencyError, Problem


def test_install_hint_keeps_the_extra_name() -> None:
    with console.capture() as captured:
        fail(OptionalDependencyError("carbonledger pact serve", "server", "uvicorn"))
    assert 'pip install "carbonledger[server]"' in " ".join(captured.get().split())


def test_problem_text_in_brackets_is_printed() -> None:
    with console.capture() as captured:
        print_problems([Problem("unit 'kg CO2e' ([mass] * [co2e]) cannot be converted to 'kg' ([mass])",
                                file="a.csv", row=3, field="unit")])
    assert "[mass] * [co2e]" in captured.get()
