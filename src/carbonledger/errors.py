"""The one error hierarchy of carbonledger.

Every error the library raises on purpose derives from :class:`CarbonLedgerError`.
Errors about user input carry a list of :class:`Problem` records (file, row, field,
message) so that a run reports *every* problem at once, not only the first.

Each class also derives from the matching built-in exception where that helps callers
that already catch built-ins (``ValueError`` for bad values, ``LookupError`` for missing
factors, ``ImportError`` for a missing optional dependency).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in the input or during a run.

    ``row`` is the 1-based row number as a user sees it in the file (spreadsheet row or
    CSV line including the header), or ``None`` when the problem is not about one row.
    ``accepted`` says what would have been accepted, so the message is actionable.
    """

    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None
    value: str | None = None
    accepted: str | None = None
    severity: Severity = "error"
    code: str = "invalid"
    sheet: str | None = None
    record_id: str | None = None

    def location(self) -> str:
        """Human-readable location such as ``activities.csv, row 12, field 'unit'``."""
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.record_id:
            parts.append(f"record '{self.record_id}'")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        text = f"{loc}: {self.message}" if loc else self.message
        if self.value is not None and self.value not in self.message:
            text += f" (got {self.value!r})"
        if self.accepted:
            text += f"; accepted: {self.accepted}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output (``None`` values dropped)."""
        return {k: v for k, v in asdict(self).items() if v is not None}


class CarbonLedgerError(Exception):
    """Base class of every error carbonledger raises on purpose."""


class ProblemsError(CarbonLedgerError):
    """An error that carries a list of problems. ``str()`` lists all of them."""

    def __init__(self, problems: Sequence[Problem] | Problem | str, *, summary: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        self.summary = summary or self.default_summary()
        super().__init__(self._render())

    def default_summary(self) -> str:
        n = len(self.problems)
        return f"{n} problem{'s' if n != 1 else ''} found"

    def _render(self, limit: int = 50) -> str:
        lines = [self.summary + ":"]
        lines += [f"  - {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more")
        return "\n".join(lines)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class InputError(ProblemsError, ValueError):
    """Input data (a file, a table, a template) is malformed or inconsistent."""


class UnitError(ProblemsError, ValueError):
    """A unit is unknown, ambiguous, or of the wrong dimension."""


class FactorNotFoundError(ProblemsError, LookupError):
    """No emission factor could be resolved for one or more records."""


class FactorIntegrityError(CarbonLedgerError, RuntimeError):
    """A factor set's files do not match the SHA-256 recorded in its manifest."""

    def __init__(self, path: str, expected: str, actual: str) -> None:
        self.path = path
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"{path}: SHA-256 mismatch (manifest says {expected}, file has {actual}); "
            "the factor set has been modified since it was built. Re-run its importer "
            "or restore the file."
        )


class FactorSetError(CarbonLedgerError, ValueError):
    """A factor set is missing, unknown, or its manifest is malformed."""


class GWPError(CarbonLedgerError, LookupError):
    """A gas has no GWP in the chosen set, or the GWP set is unknown."""


class MethodError(CarbonLedgerError, ValueError):
    """A calculation method cannot be applied to the given data."""


class ModelError(ProblemsError, ValueError):
    """A product system, installation or facility model is inconsistent
    (for example a singular product system or a precursor loop)."""


class ReportError(CarbonLedgerError, RuntimeError):
    """A report could not be written."""


class OptionalDependencyError(CarbonLedgerError, ImportError):
    """An optional feature was used without its extra installed."""

    def __init__(self, feature: str, extra: str, missing: str) -> None:
        super().__init__(
            f"{feature} needs the optional dependency '{missing}'. "
            f'Install it with: pip install "carbonledger[{extra}]"'
        )


@dataclass
class ProblemLog:
    """Collects problems during a run; raise them all at once with :meth:`raise_if_errors`."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self, cls: type[ProblemsError] = InputError, summary: str = "") -> None:
        if self.has_errors:
            raise cls(self.problems, summary=summary)
