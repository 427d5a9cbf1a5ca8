"""An importer's CBAM certificate exposure, on actual and on default values.

Per import line of good g, mass M (Reg. (EU) 2023/956 Art. 6(2)(c), Art. 9, Art. 31;
IR (EU) 2025/2620 Annex pts 2-5; IR (EU) 2025/2621 Annex I as replaced by IR 2026/1740):

* embedded emissions, actual:   ``EE = M × (SEE_dir + SEE_ind)`` — indirect only for goods
  not in Annex II (for Annex II goods SEE_ind may only carry the indirect emissions of
  non-Annex-II precursors, IR 2025/2547 Annex I pt 3.1);
* embedded emissions, default:  ``EE = M × DV_total × (1 + mark-up_sector,year)`` — the
  mark-up applies to the *total* default value, as the Registry does since IR 2026/1740;
* free allocation adjustment:   ``FAA = M × CBAM_y × CSCF_y × BM`` with Column A (process
  benchmark, plus the precursor chain communicated by the producer as
  ``free_allocation_basis``) for actual data, Column B (whole good, the default table's
  production route for the country of origin; the highest alloy-grade value) for defaults;
  zero for electricity (2025/2620 Art. 1(2));
* carbon price deduction (actual data only, Art. 9(1)): ``EE × (1 − rebated share) ×
  price paid / certificate price`` — the conversion of the draft Art. 9(5) implementing act
  (Ares(2026)4841230, NOT adopted), flagged;
* ``certificates = max(0, EE − FAA − deduction)`` (floor: an inference, flagged);
* de minimis: no obligation when an importer's net mass of the year, over all CN codes,
  is at most 50 t (Art. 2a, Annex VII); electricity and hydrogen are outside the exemption;
* cost = certificates × price (the price given, or the published quarterly price for 2026).

The quarterly holding from 2027 (Art. 22(2)): at each quarter end at least 50 % of the
embedded emissions imported since 1 January, on default values WITHOUT mark-up, net of
the free allocation adjustment. The phase-in projection 2026-2034 repeats the calculation
with each year's CBAM factor, mark-up and benchmark period, keeping volumes and SEE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from carbonledger.errors import FactorNotFoundError, InputError, Problem, ProblemLog
from carbonledger.regimes.cbam.reference import CbamReference, Cited, Good, join_flags

__all__ = ["ExposureResult", "compute_exposure", "phase_in", "price_sensitivity", "quarterly_holding"]

PHASE_IN_YEARS = tuple(range(2026, 2035))


@dataclass
class _Line:
    row: int
    line_id: str
    good: Good
    country: str
    mass: float
    quarter: int
    basis: str  # actual | default
    data: dict[str, Any]


@dataclass
class ExposureResult:
    year: int
    lines: pd.DataFrame
    totals: dict[str, float]
    de_minimis: list[dict[str, Any]]
    parameters: dict[str, Any]
    warnings: list[Problem]
    flags: tuple[str, ...]
    holding: pd.DataFrame = field(default_factory=pd.DataFrame)


def _published_price(ref: CbamReference, year: int, quarter: int) -> tuple[Cited | None, Cited | None]:
    """(price for that quarter if published, latest published price)."""
    table = ref.parameter_table
    rows = table[table["parameter"] == "certificate_price_eur"].sort_values("key")
    exact = rows[rows["key"] == f"{year}-Q{quarter}"]
    latest = rows.iloc[-1]["key"] if len(rows) else None
    exact_cited = ref.parameter("certificate_price_eur", f"{year}-Q{quarter}") if len(exact) else None
    latest_cited = ref.parameter("certificate_price_eur", str(latest)) if latest else None
    return exact_cited, latest_cited


def _prepare(imports: pd.DataFrame, ref: CbamReference, log: ProblemLog) -> list[_Line]:
    file = str(imports.attrs.get("file", "imports"))
    lines: list[_Line] = []
    for _, row in imports.iterrows():
        r = int(row["_row"])
        try:
            good = ref.good(row["cn_code"])
        except FactorNotFoundError as exc:
            for p in exc.problems:
                log.add(
                    Problem(
                        p.message,
                        file=file,
                        row=r,
                        field="cn_code",
                        value=str(row["cn_code"]),
                        accepted=p.accepted,
                        code=p.code,
                    )
                )
            continue
        from carbonledger.regimes.cbam.reference import normalise_country

        try:
            country = normalise_country(row["country"])
        except ValueError as exc:
            log.add(Problem(str(exc), file=file, row=r, field="country", value=str(row["country"])))
            continue
        has_actual = not pd.isna(row["see_direct"])
        installation = str(row["installation"] or "")
        if installation.lower() == "default":
            basis = "default"
            if has_actual:
                log.add(
                    Problem(
                        "installation is 'default' but actual SEE is given: default values are used",
                        file=file,
                        row=r,
                        field="installation",
                        severity="warning",
                    )
                )
        elif has_actual:
            basis = "actual"
        elif installation:
            log.add(
                Problem(
                    f"installation {installation!r} is named but no actual SEE is given",
                    file=file,
                    row=r,
                    field="see_direct",
                    accepted="see_direct (and see_indirect) from the producer's verified communication, or "
                    "installation 'default'",
                )
            )
            continue
        else:
            basis = "default"
        if (
            basis == "actual"
            and good.direct_only
            and not pd.isna(row["see_indirect"])
            and float(row["see_indirect"]) > 0
        ):
            log.add(
                Problem(
                    f"CN {good.cn_code} is an Annex II good (direct emissions only): see_indirect is counted as the "
                    "indirect emissions of its non-Annex-II precursors (IR 2025/2547 Annex I pt 3.1)",
                    file=file,
                    row=r,
                    field="see_indirect",
                    severity="warning",
                    code="annex_ii_indirect",
                )
            )
        lines.append(
            _Line(
                row=r,
                line_id=str(row["line_id"] or r),
                good=good,
                country=country,
                mass=float(row["net_mass_t"]),
                quarter=int(row["quarter_no"]),
                basis=basis,
                data={str(k): v for k, v in row.to_dict().items()},
            )
        )
    return lines


def _line_result(
    line: _Line, year: int, price: float | None, ref: CbamReference, log: ProblemLog, file: str
) -> dict[str, Any] | None:
    good = line.good
    flags: list[str] = []
    refs: list[str] = []
    cbam_factor = ref.cbam_factor(year)
    cscf = ref.cscf(year)
    markup = ref.markup(good.sector, year)
    flags += [*cscf.flags]
    variant = str(line.data.get("variant") or "")
    # default value (always, for the comparison and the quarterly holding)
    dv = None
    try:
        dv = ref.default_value(good.cn_code, line.country, variant)
        flags += list(dv.flags)
        refs.append(dv.source)
        if dv.note:
            log.add(
                Problem(
                    dv.note, file=file, row=line.row, field="country", severity="warning", code="fallback"
                )
            )
    except FactorNotFoundError as exc:
        if line.basis == "default":
            for p in exc.problems:
                log.add(
                    Problem(
                        p.message, file=file, row=line.row, field="cn_code", accepted=p.accepted, code=p.code
                    )
                )
            return None
    # embedded emissions
    mass = line.mass
    see_direct = see_indirect = None
    if line.basis == "actual":
        see_direct = float(line.data["see_direct"])
        see_indirect = 0.0 if pd.isna(line.data["see_indirect"]) else float(line.data["see_indirect"])
        ee = mass * (see_direct + see_indirect)
    else:
        assert dv is not None
        ee = mass * dv.total * (1 + markup.value)
    ee_default = mass * dv.total * (1 + markup.value) if dv else None
    ee_default_no_markup = mass * dv.total if dv else None
    # free allocation adjustment
    route = str(line.data.get("production_route") or "")
    faa = 0.0
    faa_default = None
    scale = cbam_factor.value * cscf.value
    try:
        if line.basis == "actual":
            basis_value = line.data.get("free_allocation_basis")
            if basis_value is not None and not pd.isna(basis_value):
                bm_a = float(basis_value)
                refs.append("free_allocation_basis communicated by the producer (IR 2025/2620 Annex pt 3.3)")
            else:
                bench = ref.benchmark(good.cn_code, "A", route, year, variant)
                bm_a = bench.value
                flags += [*bench.flags, "free_allocation_precursors_not_included"]
                refs.append(bench.source)
                log.add(
                    Problem(
                        "no free_allocation_basis from the producer: only the Column A benchmark of the good itself "
                        f"({bench.value} t CO2e/t) is deducted, without its precursors (IR 2025/2620 Annex pt 3.3): "
                        "certificates are overstated",
                        file=file,
                        row=line.row,
                        field="free_allocation_basis",
                        severity="warning",
                        code="faa_incomplete",
                    )
                )
            faa = mass * scale * bm_a
        if dv is not None:
            bench_b = ref.benchmark(good.cn_code, "B", route or dv.route, year, variant)
            flags += list(bench_b.flags)
            refs.append(bench_b.source)
            faa_default = mass * scale * bench_b.value
            if line.basis == "default":
                faa = faa_default
    except FactorNotFoundError as exc:
        for p in exc.problems:
            log.add(
                Problem(
                    p.message,
                    file=file,
                    row=line.row,
                    field="production_route",
                    accepted=p.accepted,
                    code=p.code,
                )
            )
        return None
    # carbon price paid (Art. 9)
    price_line, price_flags = _line_price(ref, year, line.quarter, price)
    flags += price_flags
    deduction = 0.0
    paid = line.data.get("carbon_price_eur_per_t")
    if paid is not None and not pd.isna(paid) and float(paid) > 0:
        if line.basis != "actual":
            log.add(
                Problem(
                    "a carbon price paid can reduce certificates only with actual emissions (Art. 9(1)); with "
                    "default values only the Commission's default carbon prices apply, none published: ignored",
                    file=file,
                    row=line.row,
                    field="carbon_price_eur_per_t",
                    severity="warning",
                )
            )
        elif price_line is None:
            pass
        else:
            rebated = line.data.get("carbon_price_rebated_share")
            if rebated is None or pd.isna(rebated):
                log.add(
                    Problem(
                        "carbon price paid without the rebated share (free allocation, refunds): the deduction needs "
                        "it (Art. 9(1); draft IR Art. 8)",
                        file=file,
                        row=line.row,
                        field="carbon_price_rebated_share",
                        accepted="0 to 1 (0 only with evidence that nothing was rebated)",
                    )
                )
                return None
            deduction = ee * (1 - float(rebated)) * float(paid) / price_line
            flags.append("carbon_price_deduction_draft_act")
    certificates = max(0.0, ee - faa - deduction)
    certificates_default = (
        max(0.0, ee_default - faa_default) if ee_default is not None and faa_default is not None else None
    )
    if ee - faa - deduction < 0:
        flags.append("floored_at_zero")
    return {
        "row": line.row,
        "line_id": line.line_id,
        "importer": line.data.get("importer") or "",
        "supplier": line.data.get("supplier") or "",
        "installation": line.data.get("installation") or "",
        "cn_code": good.cn_code,
        "cn8": good.cn8,
        "sector": good.sector,
        "category": good.category,
        "direct_only": good.direct_only,
        "description": line.data.get("description") or good.description,
        "country": line.country,
        "default_table": dv.country if dv else "",
        "quarter": f"{year}-Q{line.quarter}",
        "net_mass_t": mass,
        "see_used": line.basis,
        "see_direct": see_direct if line.basis == "actual" else (dv.direct if dv else None),
        "see_indirect": see_indirect if line.basis == "actual" else (dv.indirect if dv else None),
        "default_total": dv.total if dv else None,
        "markup": markup.value if line.basis == "default" else 0.0,
        "embedded_emissions_t": ee,
        "cbam_factor": cbam_factor.value,
        "cscf": cscf.value,
        "free_allocation_adjustment_t": faa,
        "carbon_price_deduction_t": deduction,
        "certificates": certificates,
        "price_eur": price_line,
        "cost_eur": certificates * price_line if price_line is not None else None,
        "embedded_emissions_default_t": ee_default,
        "embedded_emissions_default_no_markup_t": ee_default_no_markup,
        "free_allocation_adjustment_default_t": faa_default,
        "certificates_default": certificates_default,
        "cost_default_eur": certificates_default * price_line
        if certificates_default is not None and price_line is not None
        else None,
        "saving_actual_vs_default_eur": (certificates_default - certificates) * price_line
        if certificates_default is not None and price_line is not None and line.basis == "actual"
        else None,
        "de_minimis_exempt": False,
        "customs_procedure": str(line.data.get("customs_procedure") or ""),
        "flags": "|".join(join_flags(flags)),
        "sources": " ; ".join(dict.fromkeys(refs)),
    }


def _line_price(
    ref: CbamReference, year: int, quarter: int, price: float | None
) -> tuple[float | None, list[str]]:
    if price is not None:
        return price, []
    exact, latest = _published_price(ref, year, quarter)
    if exact is not None:
        return exact.value, list(exact.flags)
    if latest is not None:
        return latest.value, [*latest.flags, "price_assumed_latest_published"]
    return None, ["no_price"]


def _apply_de_minimis(
    frame: pd.DataFrame, ref: CbamReference, log: ProblemLog, file: str
) -> list[dict[str, Any]]:
    """Art. 2a: importers whose yearly net mass (all CN codes, electricity and hydrogen
    excluded) does not exceed the threshold have no obligation for those goods."""
    if frame.empty:
        return []
    threshold = ref.parameter("de_minimis_threshold")
    table = ref.parameter_table
    excluded = set(table.loc[table["parameter"] == "de_minimis_excluded_sector", "key"])
    status: list[dict[str, Any]] = []
    in_scope = ~frame["sector"].isin(excluded)
    for importer, group in frame[in_scope].groupby("importer", sort=True):
        mass = float(group["net_mass_t"].sum())
        exempt = mass <= threshold.value
        status.append(
            {
                "importer": str(importer) or "(single importer)",
                "net_mass_t": mass,
                "threshold_t": threshold.value,
                "exempt": exempt,
                "citation": threshold.citation,
            }
        )
        if exempt:
            index = group.index
            for column in (
                "certificates",
                "cost_eur",
                "certificates_default",
                "cost_default_eur",
                "saving_actual_vs_default_eur",
            ):
                frame.loc[index, column] = frame.loc[index, column].where(
                    frame.loc[index, column].isna(), 0.0
                )
            frame.loc[index, "de_minimis_exempt"] = True
            frame.loc[index, "flags"] = frame.loc[index, "flags"].map(
                lambda f: "|".join(join_flags(f, ["de_minimis"]))
            )
            log.add(
                Problem(
                    f"importer {str(importer) or '(single importer)'}: {mass:g} t in {threshold.value:g} t or less — de "
                    "minimis exemption (Art. 2a); electricity and hydrogen are not exempt",
                    file=file,
                    severity="warning",
                    code="de_minimis",
                )
            )
    return status


def compute_exposure(
    imports: pd.DataFrame,
    year: int,
    price: float | None = None,
    ref: CbamReference | None = None,
    *,
    raise_on_errors: bool = True,
) -> ExposureResult:
    """Certificates and cost per import line for ``year`` (validated imports frame from
    :func:`~carbonledger.regimes.cbam.imports.validate_imports`)."""
    ref = ref or CbamReference()
    file = str(imports.attrs.get("file", "imports"))
    log = ProblemLog()
    log.extend(imports.attrs.get("warnings", []))
    log.extend(imports.attrs.get("problems", []))
    if "_bad" in imports.columns:
        imports = imports[~imports["_bad"].astype(bool)]
    try:
        ref.cbam_factor(year)
    except FactorNotFoundError as exc:
        raise InputError(
            [Problem(p.message, field="--year", accepted=p.accepted) for p in exc.problems]
        ) from None
    lines = _prepare(imports, ref, log)
    rows = [r for r in (_line_result(line, year, price, ref, log, file) for line in lines) if r is not None]
    if raise_on_errors:
        log.raise_if_errors(InputError, summary=f"{file}: CBAM exposure cannot be computed")
    frame = pd.DataFrame(rows)
    de_minimis = _apply_de_minimis(frame, ref, log, file)
    totals = _totals(frame)
    parameters = {
        "cbam_factor": ref.cbam_factor(year).to_dict(),
        "cscf": ref.cscf(year).to_dict(),
        "de_minimis_threshold": ref.parameter("de_minimis_threshold").to_dict(),
        "price_eur": price
        if price is not None
        else "published quarterly price (latest published where missing)",
        "editions": dict(ref.editions),
    }
    flags = join_flags(*(frame["flags"].tolist() if not frame.empty else []))
    holding = quarterly_holding(frame, year, ref) if not frame.empty else pd.DataFrame()
    return ExposureResult(year, frame, totals, de_minimis, parameters, log.warnings, flags, holding)


def _totals(frame: pd.DataFrame) -> dict[str, float]:
    if frame.empty:
        return {}
    out: dict[str, float] = {}
    for column in (
        "net_mass_t",
        "embedded_emissions_t",
        "free_allocation_adjustment_t",
        "carbon_price_deduction_t",
        "certificates",
        "cost_eur",
        "embedded_emissions_default_t",
        "certificates_default",
        "cost_default_eur",
        "saving_actual_vs_default_eur",
    ):
        out[column] = float(pd.to_numeric(frame[column], errors="coerce").fillna(0).sum())
    return out


def quarterly_holding(frame: pd.DataFrame, year: int, ref: CbamReference) -> pd.DataFrame:
    """Art. 22(2) as replaced by 2025/2083: from 2027, certificates held at each quarter end
    ≥ 50 % × Σ (embedded emissions on defaults WITHOUT mark-up − FAA) since 1 January."""
    share = ref.parameter("quarterly_holding_share", "2027")
    records = []
    for quarter in (1, 2, 3, 4):
        upto = frame[frame["quarter"].map(lambda q: int(str(q)[-1])) <= quarter]
        base = (
            pd.to_numeric(upto["embedded_emissions_default_no_markup_t"], errors="coerce").fillna(0)
            - pd.to_numeric(upto["free_allocation_adjustment_default_t"], errors="coerce").fillna(0)
        ).clip(lower=0)
        exempt = upto["de_minimis_exempt"].astype(bool)
        base = base.where(~exempt, 0.0)
        applies = year >= 2027
        records.append(
            {
                "year": year,
                "quarter": f"Q{quarter}",
                "applies": applies,
                "default_basis_t": float(base.sum()),
                "share": share.value,
                "certificates_to_hold": float(base.sum()) * share.value if applies else 0.0,
                "citation": share.citation,
            }
        )
    return pd.DataFrame(records)


def phase_in(
    imports: pd.DataFrame,
    price: float | None,
    ref: CbamReference | None = None,
    years: Sequence[int] = PHASE_IN_YEARS,
) -> pd.DataFrame:
    """Certificates and cost per year 2026-2034 for the same imports (volumes and SEE held
    constant), on the data as given and on default values."""
    ref = ref or CbamReference()
    records = []
    for year in years:
        shifted = imports.copy()
        shifted.attrs = dict(imports.attrs)
        shifted.attrs["warnings"] = []
        shifted["year"] = year
        result = compute_exposure(shifted, year, price, ref, raise_on_errors=False)
        t = result.totals
        flags = list(result.flags)
        if year > 2026:
            flags.append("projection_2026_defaults_and_benchmarks")
        records.append(
            {
                "year": year,
                "cbam_factor": ref.cbam_factor(year).value,
                "phase_in_share": 1 - ref.cbam_factor(year).value,
                "embedded_emissions_t": t.get("embedded_emissions_t", 0.0),
                "free_allocation_adjustment_t": t.get("free_allocation_adjustment_t", 0.0),
                "certificates": t.get("certificates", 0.0),
                "cost_eur": t.get("cost_eur", 0.0),
                "certificates_default": t.get("certificates_default", 0.0),
                "cost_default_eur": t.get("cost_default_eur", 0.0),
                "saving_eur": t.get("saving_actual_vs_default_eur", 0.0),
                "holding_q4_t": float(result.holding["certificates_to_hold"].iloc[-1])
                if not result.holding.empty
                else 0.0,
                "flags": "|".join(join_flags(flags)),
            }
        )
    return pd.DataFrame(records)


def price_sensitivity(
    imports: pd.DataFrame, year: int, prices: Sequence[float], ref: CbamReference | None = None
) -> pd.DataFrame:
    """Cost at each certificate price (the carbon price deduction depends on the price too)."""
    ref = ref or CbamReference()
    records = []
    for price in prices:
        result = compute_exposure(imports, year, float(price), ref, raise_on_errors=False)
        records.append(
            {
                "price_eur": float(price),
                "certificates": result.totals.get("certificates", 0.0),
                "cost_eur": result.totals.get("cost_eur", 0.0),
                "certificates_default": result.totals.get("certificates_default", 0.0),
                "cost_default_eur": result.totals.get("cost_default_eur", 0.0),
            }
        )
    return pd.DataFrame(records)
