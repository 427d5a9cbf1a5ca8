"""Reporting periods: parse ``2025``, ``2025-03``, ``2025-Q1``, ``2025-03-15``,
``2025-01-01/2025-06-30`` (and ``2025年``, ``2025年3月``) into start and end dates.

Parsing runs once per distinct text, so a million records with twelve monthly periods cost
twelve parses.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["ACCEPTED", "Period", "parse_period", "parse_periods"]

ACCEPTED = "2025, 2025-03, 2025-Q1, 2025-03-15, 2025-01-01/2025-06-30, 2025年, 2025年3月"

_YEAR = re.compile(r"^(\d{4})(?:年)?$")
_MONTH = re.compile(r"^(\d{4})(?:-|/|年)(\d{1,2})(?:月)?$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:T00:00:00)?$")


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.start.year, self.end.year + 1))


def _single(text: str) -> Period | None:
    if m := _YEAR.match(text):
        y = int(m.group(1))
        return Period(date(y, 1, 1), date(y, 12, 31))
    if m := _MONTH.match(text):
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            return None
        return Period(date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]))
    if m := _QUARTER.match(text):
        y, q = int(m.group(1)), int(m.group(2))
        first = 3 * (q - 1) + 1
        return Period(date(y, first, 1), date(y, first + 2, calendar.monthrange(y, first + 2)[1]))
    if m := _DAY.match(text):
        try:
            d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
        return Period(d, d)
    return None


@lru_cache(maxsize=4096)
def parse_period(text: str) -> Period | None:
    """The period a text names, or None when it is not one of the accepted forms."""
    text = text.strip()
    if "/" in text and not _MONTH.match(text):
        left, _, right = text.partition("/")
        a, b = _single(left.strip()), _single(right.strip())
        if a is None or b is None or b.end < a.start:
            return None
        return Period(a.start, b.end)
    return _single(text)


def parse_periods(
    texts: pd.Series, default: Period
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.datetime64], npt.NDArray[np.bool_]]:
    """Vectorised: (start, end, ok) per row; empty text → ``default``; unparseable → ok False."""
    codes, uniques = pd.factorize(texts.astype(object).where(texts.notna(), ""), use_na_sentinel=False)
    starts = np.empty(len(uniques), dtype="datetime64[D]")
    ends = np.empty(len(uniques), dtype="datetime64[D]")
    ok = np.ones(len(uniques), dtype=bool)
    for i, value in enumerate(uniques):
        text = str(value).strip()
        period = default if text == "" else parse_period(text)
        if period is None:
            ok[i] = False
            period = default
        starts[i] = np.datetime64(period.start, "D")
        ends[i] = np.datetime64(period.end, "D")
    return starts[codes], ends[codes], ok[codes]
