"""Access to the EU CBAM reference data shipped as factor sets.

Every constant used by the CBAM calculations comes from a factor set, never from code:

* ``cbam-goods``            Annex I CN codes, aggregated goods category, GHGs, Annex II flag;
* ``cbam-default-values``   default values by CN code and country (edition 2026-1740 in force);
* ``cbam-precursor-defaults`` Annex IV values for precursors of unknown origin;
* ``cbam-benchmarks``       CBAM benchmarks, Columns A and B (provisional for 2026);
* ``cbam-markups``          mark-up by sector and year;
* ``cbam-parameters``       CBAM factor, CSCF, thresholds, prices, monitoring constants.

Lookups return :class:`Cited` values carrying the source (set, edition, row), the legal
citation where the set has one, and flags (``UNVERIFIED``, ``provisional``, fallbacks),
so that every number in a result traces back to its origin. Lookup failures raise
:class:`~carbonledger.errors.FactorNotFoundError` with a message saying what would be
accepted; callers add file/row context.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, TypeVar

import pandas as pd
import pycountry

from carbonledger.errors import FactorNotFoundError, Problem
from carbonledger.factors.store import FactorSet, FactorStore, default_store

__all__ = [
    "DEFAULTS_EDITION",
    "OTHER_COUNTRIES",
    "SECTOR_LABEL",
    "CbamReference",
    "Cited",
    "DefaultValue",
    "Good",
    "join_flags",
    "normalise_cn",
    "normalise_country",
]

DEFAULTS_EDITION = "cbam-default-values-2026-1740"
PRECURSOR_EDITION = "cbam-precursor-defaults-2025-2621"
BENCHMARK_EDITION = "cbam-benchmarks-2025-2620"
GOODS_EDITION = "cbam-goods-23.00"
MARKUP_EDITION = "cbam-markups-2026-1740"
PARAMETER_EDITION = "cbam-parameters-2026-11"
OTHER_COUNTRIES = "OTHER"

SECTOR_LABEL = {
    "cement": "Cement",
    "iron_steel": "Iron and steel",
    "aluminium": "Aluminium",
    "fertilisers": "Fertilisers",
    "hydrogen": "Hydrogen",
    "electricity": "Electricity",
}


def join_flags(*groups: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Merge flag groups (``'a|b'`` strings or sequences), keeping order, no duplicates."""
    out: list[str] = []
    for group in groups:
        items = group.split("|") if isinstance(group, str) else list(group)
        for raw in items:
            item = raw.strip()
            if item and item not in out:
                out.append(item)
    return tuple(out)


@dataclass(frozen=True)
class Cited:
    """A value with where it came from."""

    value: float
    source: str
    citation: str = ""
    confidence: str = ""
    flags: tuple[str, ...] = ()
    unit: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "citation": self.citation,
            "confidence": self.confidence,
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class Good:
    """An Annex I good identified by its CN code."""

    cn_code: str  # as given, normalised to digits (8 or 10)
    cn8: str
    sector: str  # cement, iron_steel, aluminium, fertilisers, hydrogen, electricity
    category: str  # aggregated goods category (IR 2025/2547 Annex I pt 2)
    ghg: str
    description: str
    direct_only: bool  # Annex II of Reg. 2023/956
    source: str

    @property
    def sector_label(self) -> str:
        return SECTOR_LABEL[self.sector]


@dataclass(frozen=True)
class DefaultValue:
    """A default value row (t CO2e per tonne of good) and how it was found."""

    cn_code: str
    country: str  # the table used: ISO2 or OTHER
    requested_country: str
    direct: float | None
    indirect: float | None
    total: float
    route: str
    source: str
    edition: str
    flags: tuple[str, ...] = field(default_factory=tuple)
    note: str = ""


_CN_CLEAN = re.compile(r"[\s.\-]")


def normalise_cn(text: object) -> str:
    """``'7208 10 00'`` → ``'72081000'``. Raises ValueError for anything but 8 or 10 digits."""
    digits = _CN_CLEAN.sub("", str(text if text is not None else "")).strip()
    if digits.endswith(".0") and digits[:-2].isdigit():  # numbers read from a spreadsheet
        digits = digits[:-2]
    if not digits.isdigit() or len(digits) not in (8, 10):
        raise ValueError(
            f"not a CN code: {text!r}; give the 8-digit CN code (e.g. 7208 10 00 or 72081000) or a "
            "10-digit TARIC code where the default-value table needs one (e.g. 2523100090)"
        )
    return digits


def normalise_country(text: object) -> str:
    """ISO 3166-1 alpha-2 from a code (``CN``, ``CHN``) or an English name (``China``)."""
    value = str(text if text is not None else "").strip()
    if not value:
        raise ValueError("country of origin is empty; give an ISO 3166-1 code such as CN")
    upper = value.upper()
    if upper in {"OTHER", "OTHER COUNTRIES AND TERRITORIES"}:
        return OTHER_COUNTRIES
    if len(upper) == 2 and pycountry.countries.get(alpha_2=upper) is not None:
        return upper
    if len(upper) == 3:
        found = pycountry.countries.get(alpha_3=upper)
        if found is not None:
            return str(found.alpha_2)
    try:
        return str(pycountry.countries.lookup(value).alpha_2)
    except LookupError:
        raise ValueError(
            f"unknown country {value!r}; give an ISO 3166-1 alpha-2 code such as CN, IN, TR"
        ) from None


_T = TypeVar("_T")


def _memo(method: Callable[..., _T]) -> Callable[..., _T]:
    """Cache a lookup per reference instance and arguments (results and lookup failures):
    the calculations call lookups per record, the cache makes that a per-distinct-key cost."""

    @functools.wraps(method)
    def wrapper(self: CbamReference, *args: Any, **kwargs: Any) -> _T:
        key = (method.__name__, args, tuple(sorted(kwargs.items())))
        cache = self._memo
        if key not in cache:
            try:
                cache[key] = (True, method(self, *args, **kwargs))
            except FactorNotFoundError as exc:
                cache[key] = (False, exc)
        ok, value = cache[key]
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    return wrapper


def _num(text: str) -> float | None:
    text = str(text).strip()
    return float(text) if text else None


def _problem(
    message: str, accepted: str = "", code: str = "not_found", value: str = ""
) -> FactorNotFoundError:
    return FactorNotFoundError(
        [Problem(message, accepted=accepted or None, code=code, value=value or None)],
        summary="CBAM reference lookup failed",
    )


class CbamReference:
    """Loads the CBAM factor sets once and answers lookups."""

    def __init__(
        self,
        store: FactorStore | None = None,
        *,
        defaults_edition: str = DEFAULTS_EDITION,
        precursor_edition: str = PRECURSOR_EDITION,
        benchmark_edition: str = BENCHMARK_EDITION,
        goods_edition: str = GOODS_EDITION,
        markup_edition: str = MARKUP_EDITION,
        parameter_edition: str = PARAMETER_EDITION,
    ) -> None:
        self.store = store or default_store()
        self.editions = {
            "defaults": defaults_edition,
            "precursors": precursor_edition,
            "benchmarks": benchmark_edition,
            "goods": goods_edition,
            "markups": markup_edition,
            "parameters": parameter_edition,
        }
        self._memo: dict[Any, Any] = {}

    # -- loading ----------------------------------------------------------------------
    def _set(self, key: str) -> FactorSet:
        return self.store.load(self.editions[key])

    @cached_property
    def goods_table(self) -> pd.DataFrame:
        return self._set("goods").tables["goods"].set_index("cn8", drop=False)

    @cached_property
    def defaults_table(self) -> pd.DataFrame:
        return self._set("defaults").tables["default_values"]

    @cached_property
    def _defaults_by_country(self) -> dict[str, pd.DataFrame]:
        return {str(k): v for k, v in self.defaults_table.groupby("country", sort=True)}

    @cached_property
    def precursor_table(self) -> pd.DataFrame:
        return self._set("precursors").tables["precursor_defaults"]

    @cached_property
    def benchmark_table(self) -> pd.DataFrame:
        return self._set("benchmarks").tables["benchmarks"]

    @cached_property
    def markup_table(self) -> pd.DataFrame:
        return self._set("markups").tables["markups"]

    @cached_property
    def parameter_table(self) -> pd.DataFrame:
        return self._set("parameters").tables["parameters"]

    def citations(self) -> list[dict[str, str]]:
        """One citation per factor set used (for reports)."""
        out = []
        for key in self.editions:
            factor_set = self._set(key)
            m = factor_set.manifest
            out.append(
                {
                    "set": m.full_id,
                    "title": m.title,
                    "publisher": m.publisher,
                    "licence": m.licence,
                    "confidence": m.confidence,
                    "flags": ", ".join(m.flags),
                    "citation": factor_set.citation(),
                }
            )
        return out

    # -- parameters -------------------------------------------------------------------
    @_memo
    def parameter(self, name: str, key: str = "") -> Cited:
        table = self.parameter_table
        rows = table[(table["parameter"] == name) & (table["key"] == key)]
        if rows.empty:
            keys = sorted(table.loc[table["parameter"] == name, "key"])
            raise _problem(
                f"CBAM parameter {name!r} has no value for {key!r} in {self.editions['parameters']}",
                accepted=", ".join(keys) if keys else "",
            )
        row = rows.iloc[0]
        value = row["value"]
        return Cited(
            value=float(value) if name != "gwp_basis" else float("nan"),
            source=f"{self.editions['parameters']}: {row['source_ref']}",
            citation=str(row["legal_citation"]),
            confidence=str(row["confidence"]),
            flags=join_flags(str(row["flags"])),
            unit=str(row["unit"]),
        )

    def parameter_text(self, name: str, key: str = "") -> str:
        table = self.parameter_table
        rows = table[(table["parameter"] == name) & (table["key"] == key)]
        if rows.empty:
            raise _problem(f"CBAM parameter {name!r} ({key!r}) missing")
        return str(rows.iloc[0]["value"])

    @_memo
    def cbam_factor(self, year: int) -> Cited:
        """CBAM factor (share of free allocation retained), Dir. 2003/87/EC Art. 10a(1a).
        From 2034 no CBAM factor applies: the 2034 row (0) is used for later years."""
        if year < 2026:
            raise _problem(
                f"no CBAM certificates are due for {year}: the definitive period starts in 2026",
                accepted="2026 or later",
                value=str(year),
            )
        return self.parameter("cbam_factor", str(min(year, 2034)))

    @_memo
    def cscf(self, year: int) -> Cited:
        """Cross-sectoral correction factor; the latest earlier published value is used,
        flagged, for years without one."""
        table = self.parameter_table
        keys = sorted(int(k) for k in table.loc[table["parameter"] == "cscf", "key"])
        if not keys:
            raise _problem("no CSCF value in the parameters set")
        if year in keys:
            return self.parameter("cscf", str(year))
        earlier = [k for k in keys if k <= year]
        base = self.parameter("cscf", str(earlier[-1] if earlier else keys[0]))
        return Cited(
            value=base.value,
            source=base.source,
            citation=base.citation,
            confidence=base.confidence,
            flags=join_flags(base.flags, ["cscf_assumed_from_earlier_year"]),
            unit=base.unit,
        )

    @_memo
    def markup(self, sector: str, year: int) -> Cited:
        """Mark-up (fraction) on the total default value for a sector and year."""
        label = SECTOR_LABEL.get(sector, sector)
        none = self.parameter_table
        if not none[(none["parameter"] == "markup_none_sector") & (none["key"] == label)].empty:
            p = self.parameter("markup_none_sector", label)
            return Cited(0.0, p.source, p.citation, p.confidence, p.flags, "fraction")
        table = self.markup_table
        rows = table[table["sector"] == label]
        for _, row in rows.iterrows():
            start = int(row["year_from"])
            end = int(row["year_to"]) if str(row["year_to"]).strip() else 9999
            if start <= year <= end:
                return Cited(
                    value=float(row["markup_pct"]) / 100.0,
                    source=f"{self.editions['markups']}: {row['source_ref']}",
                    citation=str(row["legal_citation"]),
                    confidence="V-primary",
                    unit="fraction",
                )
        raise _problem(f"no CBAM mark-up for sector {label!r} in {year}", accepted="years 2026 onwards")

    # -- goods ------------------------------------------------------------------------
    @_memo
    def good(self, cn: object) -> Good:
        """The Annex I good for a CN code; raises for malformed or non-CBAM codes."""
        try:
            code = normalise_cn(cn)
        except ValueError as exc:
            raise _problem(str(exc), code="bad_cn", value=str(cn)) from None
        cn8 = code[:8]
        table = self.goods_table
        if cn8 not in table.index:
            heading = table[table["cn8"].str.startswith(cn8[:4])]
            hint = (
                f"; heading {cn8[:4]} has CBAM goods such as {', '.join(heading['cn8'].head(5))}"
                if not heading.empty
                else ""
            )
            raise _problem(
                f"CN code {code} is not covered by CBAM (not in Annex I of Reg. (EU) 2023/956 as listed in "
                f"the CBAM Report Structure ver 23.00, set {self.editions['goods']}){hint}",
                accepted="an Annex I CN code (cement, iron and steel, aluminium, fertilisers, hydrogen, "
                "electricity)",
                code="not_cbam",
                value=str(cn),
            )
        row = table.loc[cn8]
        return Good(
            cn_code=code,
            cn8=cn8,
            sector=str(row["sector"]),
            category=str(row["category"]),
            ghg=str(row["ghg"]),
            description=str(row["description"]),
            direct_only=str(row["direct_only"]) == "true",
            source=f"{self.editions['goods']}: {row['source_ref']}",
        )

    # -- default values ---------------------------------------------------------------
    def _match(self, table: pd.DataFrame, code: str, variant: str) -> pd.DataFrame:
        """Rows whose published code is a prefix of ``code``, or (for an 8-digit ``code``)
        the 10-digit TARIC rows under it; filtered by variant; most specific kept."""
        published = table["cn_code"]
        keep = [code.startswith(c) or (len(code) == 8 and len(c) == 10 and c[:8] == code) for c in published]
        candidates = table[keep]
        if variant:
            candidates = candidates[candidates["variant"].isin([variant, ""])]
        if candidates.empty:
            return candidates
        lengths = candidates["cn_code"].str.len()
        return candidates[(lengths == lengths.max()).to_numpy()]

    @_memo
    def default_value(self, cn: object, country: object, variant: str = "") -> DefaultValue:
        """Default value for a good from a country (IR 2025/2621 Annex I as replaced by
        IR 2026/1740). Falls back to 'Other countries and territories' where the country is
        not listed or shows no value, and says so in ``flags``/``note``."""
        good = self.good(cn)
        if good.sector == "electricity":
            raise _problem(
                "default values for imported electricity (CN 2716 00 00) are in Annex III of IR 2025/2621: "
                "IEA data licensed CC BY-NC-SA 4.0, which carbonledger does not redistribute",
                accepted="actual emissions for the electricity, or your own licensed Annex III value given "
                "as actual data with a note",
                code="iea_not_shipped",
            )
        try:
            iso2 = normalise_country(country)
        except ValueError as exc:
            raise _problem(str(exc), code="bad_country", value=str(country)) from None
        variant = variant.strip().lower()
        if variant and variant not in {"white", "grey"}:
            raise _problem(f"unknown variant {variant!r}", accepted="white, grey", value=variant)
        flags: list[str] = []
        note = ""
        tables = self._defaults_by_country
        used = iso2
        rows = pd.DataFrame()
        if iso2 in tables:
            rows = self._match(tables[iso2], good.cn_code, variant)
            if len(rows) > 1:
                raise _problem(
                    f"CN {good.cn_code} matches {len(rows)} default-value rows for {iso2} "
                    f"({', '.join(rows['cn_code'] + ' ' + rows['variant'])})",
                    accepted="the 10-digit TARIC code (e.g. 2523100010 white / 2523100090 grey clinker) or "
                    "a variant 'white'/'grey'",
                    code="ambiguous_cn",
                )
            if rows.empty or rows.iloc[0]["value_status"] != "value":
                flags.append("fallback_other_countries")
                note = (
                    f"{iso2} is listed without a value for CN {good.cn_code}: the value of 'Other countries "
                    "and territories' applies (IR 2025/2621 Annex I as replaced by IR 2026/1740, opening "
                    "paragraph)"
                )
                rows = pd.DataFrame()
        else:
            flags.append("fallback_other_countries")
            note = (
                f"{iso2} has no table of its own: the value of 'Other countries and territories' applies "
                "(IR 2025/2621 Annex I as replaced by IR 2026/1740, opening paragraph)"
            )
        if rows.empty:
            used = OTHER_COUNTRIES
            rows = self._match(tables[OTHER_COUNTRIES], good.cn_code, variant)
            if len(rows) > 1:
                raise _problem(
                    f"CN {good.cn_code} matches several 'Other countries' rows",
                    accepted="the 10-digit TARIC code or a variant 'white'/'grey'",
                    code="ambiguous_cn",
                )
            if rows.empty or rows.iloc[0]["value_status"] != "value":
                raise _problem(
                    f"no default value for CN {good.cn_code} in the table 'Other countries and territories' "
                    f"of {self.editions['defaults']}",
                    accepted="actual emissions data",
                    code="no_default",
                )
        row = rows.iloc[0]
        return DefaultValue(
            cn_code=good.cn_code,
            country=used,
            requested_country=iso2,
            direct=_num(row["direct"]),
            indirect=_num(row["indirect"]),
            total=float(row["total"]),
            route=str(row["route"]),
            source=f"{self.editions['defaults']}: {row['source_ref']} ({row['good_key']})",
            edition=self.editions["defaults"],
            flags=tuple(flags),
            note=note,
        )

    @_memo
    def precursor_default(self, cn: object, variant: str = "") -> DefaultValue:
        """Annex IV value for a precursor whose country of production is unknown."""
        good = self.good(cn)
        rows = self._match(self.precursor_table, good.cn_code, variant.strip().lower())
        if rows.empty:
            raise _problem(f"no Annex IV precursor default for CN {good.cn_code}", code="no_default")
        if len(rows) > 1:
            raise _problem(
                f"CN {good.cn_code} matches several Annex IV rows",
                accepted="the 10-digit TARIC code or variant 'white'/'grey'",
                code="ambiguous_cn",
            )
        row = rows.iloc[0]
        return DefaultValue(
            cn_code=good.cn_code,
            country="UNKNOWN",
            requested_country="UNKNOWN",
            direct=None,
            indirect=None,
            total=float(row["total"]),
            route=str(row["route"]),
            source=f"{self.editions['precursors']}: {row['source_ref']}",
            edition=self.editions["precursors"],
            flags=join_flags(str(row["flags"])),
            note="IR 2025/2621 Art. 1(5): country of production unknown (Annex IV as first published)",
        )

    # -- benchmarks -------------------------------------------------------------------
    @_memo
    def benchmark(
        self,
        cn: object,
        column: Literal["A", "B"],
        routes: str = "",
        production_year: int = 2026,
        variant: str = "",
    ) -> Cited:
        """CBAM benchmark (IR 2025/2620 Annex pt 5.3), Column A (actual data) or B (defaults).

        ``routes`` may name several route codes (``'C/F'``): where alloy grades differ for
        the same CN code, the highest value for the production year applies (Annex pt 5.1).
        Clinker and cement variants map to routes A (grey) and B (white).
        """
        good = self.good(cn)
        if good.sector == "electricity":
            p = self.parameter("faa_zero_sector", "Electricity")
            return Cited(0.0, p.source, p.citation, p.confidence, p.flags, "t CO2e/t")
        table = self.benchmark_table
        rows = table[(table["cn8"] == good.cn8) & (table["column"] == column)]
        if rows.empty:
            raise _problem(
                f"no CBAM benchmark (Column {column}) for CN {good.cn8} in {self.editions['benchmarks']}",
                code="no_benchmark",
            )
        flags: list[str] = ["provisional"]
        year_from = pd.to_numeric(rows["years_from"], errors="coerce")
        year_to = pd.to_numeric(rows["years_to"], errors="coerce")
        if year_from.notna().any():
            year = production_year
            if year > int(year_to.max()):
                flags.append(f"benchmark_for_{year}_not_set_used_{int(year_from.max())}_{int(year_to.max())}")
                year = int(year_to.max())
            keep = year_from.isna() | ((year_from <= year) & (year_to >= year))
            rows = rows[keep.to_numpy()]
        wanted = [r for r in re.split(r"[/,\s]+", routes.strip().upper()) if r]
        if not wanted and variant:
            wanted = ["B" if variant.lower() == "white" else "A"]
        route_values = set(rows["route"])
        if route_values - {""}:
            if not wanted:
                if len(route_values - {""}) == 1:
                    wanted = list(route_values - {""})
                else:
                    raise _problem(
                        f"CN {good.cn8} has Column {column} benchmarks for routes "
                        f"{', '.join(sorted(route_values - {''}))}: the production route is needed",
                        accepted=", ".join(sorted(route_values - {""})),
                        code="route_needed",
                    )
            chosen = rows[rows["route"].isin(wanted)]
            if chosen.empty:
                raise _problem(
                    f"CN {good.cn8} has no Column {column} benchmark for route(s) {'/'.join(wanted)}",
                    accepted=", ".join(sorted(route_values - {""})),
                    code="route_unknown",
                )
            rows = chosen
        values = pd.to_numeric(rows["value"]).to_numpy()
        best = rows.iloc[int(values.argmax())]
        if len(rows) > 1:
            flags.append("highest_of_routes")
        return Cited(
            value=float(best["value"]),
            source=f"{self.editions['benchmarks']}: {best['source_ref']} (route {best['route'] or '-'})",
            citation="IR (EU) 2025/2620 Annex pt 5.3, Column "
            + column
            + (" (BM*_g, process-related, actual data)" if column == "A" else " (BM_g, default values)"),
            confidence="V-secondary",
            flags=join_flags(flags),
            unit="t CO2e/t",
        )
