"""A small, safe evaluator for the formulas people type into input cells.

Operators of the Commission's communication template sometimes enter an input as a
formula (``=1255000/0.95``, ``=L16*0.085+81575``). carbonledger reads INPUT cells only
and never trusts a workbook's cached results (a file saved by a tool that drops them must
give the same answer), so such formulas are evaluated here.

Supported: numbers, strings, TRUE/FALSE, cell references (``L16``, ``$L$16``,
``Sheet!A1``, ``'Sheet name'!A1``), ranges inside functions, the operators
``+ - * / ^ & %`` and comparisons, and the functions SUM, PRODUCT, MIN, MAX, AVERAGE, ABS,
ROUND, IF, TRUE, FALSE. Anything else raises :class:`FormulaError` naming the cell, so
the reader can ask for a plain value. Nothing is ever passed to ``eval``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

__all__ = ["FormulaError", "WorkbookEvaluator"]


class FormulaError(Exception):
    """A formula that carbonledger cannot evaluate safely."""


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
    | (?P<string>"(?:[^"]|"")*")
    | (?P<ref>(?:(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!)?
              \$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)
    | (?P<func>[A-Za-z][A-Za-z0-9.]*)\s*\(
    | (?P<bool>TRUE|FALSE)\b
    | (?P<op><>|<=|>=|[-+*/^&%=<>(),])
    )""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            raise FormulaError(f"cannot read formula near {text[pos : pos + 15]!r}")
        kind = match.lastgroup or ""
        out.append(_Tok(kind, match.group(kind)))
        pos = match.end()
    return out


@dataclass(frozen=True)
class _Range:
    sheet: str
    cells: tuple[str, ...]


class _Parser:
    def __init__(self, tokens: list[_Tok], sheet: str, get: Callable[[str, str], Any]) -> None:
        self.tokens = tokens
        self.i = 0
        self.sheet = sheet
        self.get = get

    def peek(self) -> _Tok | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, text: str | None = None) -> _Tok:
        tok = self.peek()
        if tok is None or (text is not None and tok.text != text):
            raise FormulaError(f"expected {text or 'more input'}")
        self.i += 1
        return tok

    def parse(self) -> Any:
        value = self.comparison()
        if self.peek() is not None:
            raise FormulaError(f"unexpected {self.peek().text!r}")  # type: ignore[union-attr]
        return value

    def comparison(self) -> Any:
        left = self.concat()
        while (tok := self.peek()) is not None and tok.text in {"=", "<>", "<", ">", "<=", ">="}:
            self.take()
            right = self.concat()
            ops: dict[str, Callable[[Any, Any], bool]] = {
                "=": lambda a, b: a == b,
                "<>": lambda a, b: a != b,
                "<": lambda a, b: a < b,
                ">": lambda a, b: a > b,
                "<=": lambda a, b: a <= b,
                ">=": lambda a, b: a >= b,
            }
            left = ops[tok.text](_scalar(left), _scalar(right))
        return left

    def concat(self) -> Any:
        left = self.additive()
        while (tok := self.peek()) is not None and tok.text == "&":
            self.take()
            left = f"{_text(left)}{_text(self.additive())}"
        return left

    def additive(self) -> Any:
        left = self.term()
        while (tok := self.peek()) is not None and tok.text in {"+", "-"}:
            self.take()
            right = self.term()
            left = _num(left) + _num(right) if tok.text == "+" else _num(left) - _num(right)
        return left

    def term(self) -> Any:
        left = self.power()
        while (tok := self.peek()) is not None and tok.text in {"*", "/"}:
            self.take()
            right = _num(self.power())
            if tok.text == "/" and right == 0:
                raise FormulaError("division by zero")
            left = _num(left) * right if tok.text == "*" else _num(left) / right
        return left

    def power(self) -> Any:
        left = self.unary()
        while (tok := self.peek()) is not None and tok.text == "^":
            self.take()
            left = _num(left) ** _num(self.unary())
        return left

    def unary(self) -> Any:
        tok = self.peek()
        if tok is not None and tok.text in {"-", "+"}:
            self.take()
            value = _num(self.unary())
            return -value if tok.text == "-" else value
        value = self.primary()
        while (tok := self.peek()) is not None and tok.text == "%":
            self.take()
            value = _num(value) / 100.0
        return value

    def primary(self) -> Any:
        tok = self.take()
        if tok.kind == "number":
            return float(tok.text)
        if tok.kind == "string":
            return tok.text[1:-1].replace('""', '"')
        if tok.kind == "bool":
            return tok.text.upper() == "TRUE"
        if tok.kind == "ref":
            return self.reference(tok.text)
        if tok.kind == "func":
            return self.function(tok.text.upper())
        if tok.text == "(":
            value = self.comparison()
            self.take(")")
            return value
        raise FormulaError(f"unexpected {tok.text!r}")

    def reference(self, text: str) -> Any:
        sheet = self.sheet
        if "!" in text:
            sheet_part, text = text.rsplit("!", 1)
            sheet = sheet_part[1:-1].replace("''", "'") if sheet_part.startswith("'") else sheet_part
        text = text.replace("$", "").upper()
        if ":" in text:
            min_col, min_row, max_col, max_row = range_boundaries(text)
            if (max_row - min_row + 1) * (max_col - min_col + 1) > 10_000:
                raise FormulaError("range too large")
            cells = tuple(
                f"{get_column_letter(c)}{r}"
                for r in range(min_row, max_row + 1)
                for c in range(min_col, max_col + 1)
            )
            return _Range(sheet, cells)
        column_index_from_string(re.sub(r"\d", "", text))  # validates the column
        return self.get(sheet, text)

    def arguments(self) -> list[Any]:
        args: list[Any] = []
        if self.peek() is not None and self.peek().text == ")":  # type: ignore[union-attr]
            self.take(")")
            return args
        while True:
            args.append(self.comparison())
            tok = self.take()
            if tok.text == ")":
                return args
            if tok.text != ",":
                raise FormulaError(f"expected ',' or ')' but got {tok.text!r}")

    def _flatten(self, args: list[Any]) -> Iterator[Any]:
        for arg in args:
            if isinstance(arg, _Range):
                for cell in arg.cells:
                    yield self.get(arg.sheet, cell)
            else:
                yield arg

    def function(self, name: str) -> Any:
        args = self.arguments()
        if name in {"TRUE", "FALSE"} and not args:
            return name == "TRUE"
        numbers = [v for v in self._flatten(args) if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if name == "SUM":
            return float(sum(numbers))
        if name == "PRODUCT":
            product = 1.0
            for v in numbers:
                product *= v
            return product
        if name == "MIN":
            return float(min(numbers)) if numbers else 0.0
        if name == "MAX":
            return float(max(numbers)) if numbers else 0.0
        if name == "AVERAGE":
            if not numbers:
                raise FormulaError("AVERAGE of no numbers")
            return float(sum(numbers)) / len(numbers)
        if name == "ABS" and len(args) == 1:
            return abs(_num(args[0]))
        if name == "ROUND" and len(args) == 2:
            return float(round(_num(args[0]), int(_num(args[1]))))
        if name == "IF" and len(args) in (2, 3):
            condition = _scalar(args[0])
            if condition:
                return _scalar(args[1])
            return _scalar(args[2]) if len(args) == 3 else False
        raise FormulaError(f"function {name} is not supported in input cells")


def _scalar(value: Any) -> Any:
    if isinstance(value, _Range):
        raise FormulaError("a range cannot be used as a single value")
    return value


def _num(value: Any) -> float:
    value = _scalar(value)
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        raise FormulaError(f"{value!r} is not a number") from None


def _text(value: Any) -> str:
    value = _scalar(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class WorkbookEvaluator:
    """Values of cells of an openpyxl workbook loaded WITH formulas (``data_only=False``;
    ``read_only=True`` is fastest: each sheet is read once, on first use).

    Plain cells return their value; formula cells are evaluated with the safe evaluator
    above (recursively through referenced cells, with loop detection). Cached results
    stored in the file are never read.
    """

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self._sheets: dict[str, dict[str, Any]] = {}
        self._cache: dict[tuple[str, str], Any] = {}
        self._stack: list[tuple[str, str]] = []

    def raw(self, sheet: str, coordinate: str) -> Any:
        """The cell's stored content (a value or formula text), without evaluation."""
        if sheet not in self._sheets:
            if sheet not in self.workbook.sheetnames:
                raise FormulaError(f"sheet {sheet!r} not found")
            cells: dict[str, Any] = {}
            for r, row in enumerate(
                self.workbook[sheet].iter_rows(min_row=1, min_col=1, values_only=True), start=1
            ):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        cells[f"{get_column_letter(c)}{r}"] = value
            self._sheets[sheet] = cells
        return self._sheets[sheet].get(coordinate.upper())

    def value(self, sheet: str, coordinate: str) -> Any:
        key = (sheet, coordinate.upper())
        if key in self._cache:
            return self._cache[key]
        raw = self.raw(sheet, coordinate)
        if hasattr(raw, "text") and not isinstance(raw, str):  # ArrayFormula
            raise FormulaError(f"{sheet}!{coordinate}: array formulas are not supported in input cells")
        if isinstance(raw, str) and raw.startswith("="):
            if key in self._stack:
                raise FormulaError(f"circular reference through {sheet}!{coordinate}")
            self._stack.append(key)
            try:
                result = _Parser(_tokens(raw[1:]), sheet, self.value).parse()
            except FormulaError as exc:
                raise FormulaError(f"{sheet}!{coordinate} ({raw}): {exc}") from None
            finally:
                self._stack.pop()
        else:
            result = raw
        self._cache[key] = result
        return result

    def is_formula(self, sheet: str, coordinate: str) -> bool:
        raw = self.raw(sheet, coordinate)
        return isinstance(raw, str) and raw.startswith("=")
