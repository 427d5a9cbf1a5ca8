"""Attributed emissions per production process and specific embedded emissions (SEE).

**Attribution** (IR (EU) 2025/2547 Annex III A; the Commission communication template,
sheet D_Processes, implements the same equations)::

    AttrEm_dir = DirEm* + Q_heat,imp × EF_heat,imp − Q_heat,exp × EF_heat,exp
                 + WG_imp × EF_NG − WG_exp × EF_NG × Corr_η − E_el,exp × EF_el,exp
    AttrEm_ind = E_el,cons × EF_el

with EF_NG = 56.1 t CO2/TJ and Corr_η = 0.667 from the ``cbam-parameters`` set (0.667
is UNVERIFIED and flagged). Where the emission factor of measurable heat is unknown, the
reference ``EF_NG / η_boiler`` (η = 0.90, UNVERIFIED, flagged) is used and reported.

**SEE of complex goods** (2025/2547 Annex III B, Equations 59-62), evaluated separately
for the direct and the indirect channel::

    SEE_g = ae_g + Σ_i m_i × SEE_i,   ae_g = AttrEm_g / AL_g,   m_i = M_i / AL_g

recursively through precursors produced in the installation and purchased ones. Rules:

* indirect emissions count only for goods not in Annex II of Reg. 2023/956 (Art. 7(1),
  2025/2547 Art. 3(2));
* Annex I pt 3.1 of 2025/2547: an Annex II complex good *includes* the indirect
  emissions of its non-Annex-II precursors (e.g. sintered ore in pig iron); a
  non-Annex-II complex good does *not* include the indirect emissions of its Annex II
  precursors (e.g. hydrogen in ammonia);
* precursors from the EU or an Annex III-exempt country count as zero (Annex III B);
* a precursor without verified actual data takes its default value (Art. 15; IR
  2025/2621 Art. 1(2)), or the Annex IV value where its country is unknown (Art. 1(5));
* a precursor loop has no recursive solution and is a :class:`ModelError`.

**Free allocation basis** (IR 2025/2620 Annex pts 3.1 and 3.3, Equations 2-4): per good,
``BM*_g + Σ_i m_i × SEFA-basis_i`` with Column A benchmarks for processes of the
installation and, for purchased precursors, their communicated basis or else Column B of
their CN code (flagged). Multiplied by the CBAM factor and CSCF of a year it gives the
SEFA an importer deducts with actual data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from carbonledger.errors import FactorNotFoundError, InputError, ModelError, Problem, ProblemLog
from carbonledger.regimes.cbam.model import Installation, ProductionProcess, PurchasedPrecursor
from carbonledger.regimes.cbam.monitoring import SourceResult, monitor
from carbonledger.regimes.cbam.reference import CbamReference, Cited, join_flags

__all__ = ["GoodResult", "InstallationResult", "ProcessResult", "compute_installation"]

IEA_NOTE = (
    "the default grid factors of IR (EU) 2025/2621 Annex II are IEA data licensed CC BY-NC-SA 4.0, "
    "which carbonledger does not redistribute: supply the factor in t CO2/MWh (from the regulation under "
    "its licence, or an actual factor with the evidence IR 2025/2547 Art. 9 requires)"
)


@dataclass
class ProcessResult:
    id: str
    name: str
    category: str
    direct_only: bool
    activity_level_t: float
    dir_em_star_t: float
    dir_em_basis: str
    heat_import_t: float
    heat_export_t: float
    waste_gas_import_t: float
    waste_gas_export_t: float
    electricity_export_t: float
    attributed_direct_t: float
    attributed_indirect_t: float | None
    electricity_consumed_mwh: float | None
    ae_direct: float
    ae_indirect: float | None
    see_direct: float = 0.0
    see_indirect: float = 0.0
    embedded_electricity_mwh_per_t: float = 0.0
    default_share: float = 0.0
    precursor_terms: list[dict[str, Any]] = field(default_factory=list)
    flags: tuple[str, ...] = ()

    @property
    def see_total(self) -> float:
        return self.see_direct + self.see_indirect


@dataclass
class PrecursorValue:
    id: str
    category: str
    direct_only: bool
    see_direct: float
    see_indirect: float
    embedded_electricity: float
    default_share: float
    source: str
    flags: tuple[str, ...]
    fa_basis: float | None
    fa_source: str


@dataclass
class GoodResult:
    cn_code: str
    name: str
    process: str
    category: str
    direct_only: bool
    description: str
    see_direct: float
    see_indirect: float
    see_total: float
    unit: str
    see_total_per_t_clinker: float | None
    see_total_per_t_nitrogen: float | None
    free_allocation_basis: float | None
    free_allocation_terms: list[dict[str, Any]]
    embedded_electricity_mwh_per_t: float
    default_share: float
    electricity_ef_source: str
    flags: tuple[str, ...]
    qualifying_parameters: dict[str, str]


@dataclass
class InstallationResult:
    installation: Installation
    sources: list[SourceResult]
    processes: list[ProcessResult]
    goods: list[GoodResult]
    purchased: list[PrecursorValue]
    totals: dict[str, float | None]
    constants: dict[str, Cited]
    warnings: list[Problem]
    flags: tuple[str, ...]

    def good_rows(self) -> list[dict[str, Any]]:
        """Per good (CN code, or the aggregated goods category when no product is given)."""
        rows: list[dict[str, Any]] = []
        if self.goods:
            for g in self.goods:
                rows.append(
                    {
                        "cn_code": g.cn_code,
                        "name": g.name,
                        "process": g.process,
                        "category": g.category,
                        "direct_only": g.direct_only,
                        "see_direct": g.see_direct,
                        "see_indirect": g.see_indirect,
                        "see_total": g.see_total,
                        "unit": g.unit,
                        "see_total_per_t_clinker": g.see_total_per_t_clinker,
                        "see_total_per_t_nitrogen": g.see_total_per_t_nitrogen,
                        "embedded_electricity_mwh_per_t": g.embedded_electricity_mwh_per_t,
                        "default_share": g.default_share,
                        "free_allocation_basis": g.free_allocation_basis,
                        "flags": list(g.flags),
                    }
                )
        else:
            for p in self.processes:
                rows.append(
                    {
                        "cn_code": p.category,
                        "name": p.name,
                        "process": p.id,
                        "category": p.category,
                        "direct_only": p.direct_only,
                        "see_direct": p.see_direct,
                        "see_indirect": p.see_indirect,
                        "see_total": p.see_total,
                        "unit": "t CO2e/t",
                        "see_total_per_t_clinker": None,
                        "see_total_per_t_nitrogen": None,
                        "embedded_electricity_mwh_per_t": p.embedded_electricity_mwh_per_t,
                        "default_share": p.default_share,
                        "free_allocation_basis": None,
                        "flags": list(p.flags),
                    }
                )
        return rows


# Category names of the Commission template that differ from the goods set's spelling.
_CATEGORY_ALIASES = {"electricity (export to eu)": "electricity", "calcinated clay": "calcined clays"}


def _category_key(text: str) -> str:
    key = " ".join(text.split()).lower()
    return _CATEGORY_ALIASES.get(key, key)


def _category_direct_only(ref: CbamReference) -> dict[str, bool]:
    table = ref.goods_table
    out: dict[str, bool] = {}
    for category, flags in table.groupby("category")["direct_only"]:
        values = set(flags)
        if len(values) != 1:
            raise ModelError(
                f"aggregated goods category {category!r} mixes Annex II and non-Annex II CN codes"
            )
        out[_category_key(str(category))] = values.pop() == "true"
    return out


def _topological(installation: Installation, log: ProblemLog) -> list[str]:
    """Processes in an order where every precursor comes before its consumer.
    A loop raises ModelError naming it (the recursion of Annex III B has no solution)."""
    process_ids = [p.id for p in installation.processes]
    purchased_ids = {p.id for p in installation.purchased_precursors}
    edges: dict[str, list[str]] = {pid: [] for pid in process_ids}
    for index, process in enumerate(installation.processes):
        for j, use in enumerate(process.precursors):
            if use.source == process.id:
                log.add(
                    Problem(
                        f"process {process.id!r} lists itself as a precursor; only precursors not covered by "
                        "the same production process count (IR 2025/2547 Annex III B)",
                        field=f"processes[{index}].precursors[{j}].source",
                        value=use.source,
                        code="self_precursor",
                    )
                )
            elif use.source in edges:
                edges[process.id].append(use.source)
            elif use.source not in purchased_ids:
                log.add(
                    Problem(
                        f"process {process.id!r} consumes unknown precursor {use.source!r}",
                        field=f"processes[{index}].precursors[{j}].source",
                        value=use.source,
                        accepted=", ".join(sorted(set(process_ids) | purchased_ids)),
                        code="unknown_precursor",
                    )
                )
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            cycle = [*path[path.index(node) :], node]
            raise ModelError(
                [
                    Problem(
                        "precursor loop: " + " → ".join(cycle) + ". SEE is calculated recursively through "
                        "precursors (IR 2025/2547 Annex III B); a loop has no solution. Merge the processes "
                        "into one production process (Art. 4(9)) or correct the precursor amounts.",
                        record_id=node,
                        code="precursor_loop",
                    )
                ],
                summary="the installation model is inconsistent",
            )
        state[node] = 1
        for supplier in edges[node]:
            visit(supplier, [*path, node])
        state[node] = 2
        order.append(node)

    for pid in process_ids:
        visit(pid, [])
    return order


def _purchased_value(
    p: PurchasedPrecursor,
    index: int,
    ref: CbamReference,
    direct_only: dict[str, bool],
    year: int,
    log: ProblemLog,
) -> PrecursorValue | None:
    where = f"purchased_precursors[{index}]"
    category = p.category.strip()
    key = _category_key(category)
    if key not in direct_only:
        log.add(
            Problem(
                f"unknown aggregated goods category {category!r}",
                field=f"{where}.category",
                accepted=", ".join(sorted(direct_only)),
                record_id=p.id,
            )
        )
        return None
    is_direct_only = direct_only[key]
    flags: list[str] = []
    default_share = 0.0
    if p.origin_exempt:
        return PrecursorValue(
            p.id,
            category,
            is_direct_only,
            0.0,
            0.0,
            0.0,
            0.0,
            "origin in the EU or an Annex III-exempt country: counted as zero (IR 2025/2547 Annex III B)",
            ("origin_exempt_zero",),
            0.0,
            "origin exempt",
        )
    source = ""
    see_dir: float | None = p.see_direct
    see_ind: float | None = p.see_indirect
    electricity = p.specific_electricity_mwh_per_t or 0.0
    if see_ind is None and p.specific_electricity_mwh_per_t is not None and p.electricity_ef is not None:
        see_ind = p.specific_electricity_mwh_per_t * p.electricity_ef
    if see_dir is None:
        if p.value_source != "default" and p.cn_code is None:
            log.add(
                Problem(
                    f"purchased precursor {p.id!r} has no specific embedded emissions",
                    field=f"{where}.see_direct",
                    accepted="see_direct (and see_indirect) from the producer's verified communication, or "
                    "value_source 'default' with cn_code and country",
                    record_id=p.id,
                )
            )
            return None
        if p.cn_code is None:
            log.add(
                Problem(
                    "a default value needs the precursor's CN code", field=f"{where}.cn_code", record_id=p.id
                )
            )
            return None
        try:
            if p.country:
                dv = ref.default_value(p.cn_code, p.country, p.variant)
            else:
                dv = ref.precursor_default(p.cn_code, p.variant)
        except FactorNotFoundError as exc:
            for problem in exc.problems:
                log.add(
                    Problem(
                        problem.message, field=f"{where}.cn_code", accepted=problem.accepted, record_id=p.id
                    )
                )
            return None
        if dv.direct is None and dv.indirect is None:
            see_dir, see_ind = dv.total, 0.0
            flags.append("annex_iv_total_in_direct_channel")
        else:
            see_dir, see_ind = float(dv.direct or 0.0), float(dv.indirect or 0.0)
        flags += ["precursor_default_value", *dv.flags]
        if dv.note:
            log.add(
                Problem(
                    dv.note, field=f"{where}.country", severity="warning", record_id=p.id, code="fallback"
                )
            )
        source = dv.source
        default_share = 1.0
    elif p.value_source == "default":
        default_share = 1.0
        source = "default value given by the user"
        flags.append("precursor_default_value")
    else:
        source = "producer's communicated actual value"
    if see_ind is None:
        if not is_direct_only:
            log.add(
                Problem(
                    f"purchased precursor {p.id!r} ({category}) has no indirect SEE; "
                    "its indirect emissions count "
                    "(a good not in Annex II of Reg. 2023/956)",
                    field=f"{where}.see_indirect",
                    accepted="see_indirect, or specific_electricity_mwh_per_t with electricity_ef; "
                    + IEA_NOTE,
                    record_id=p.id,
                )
            )
            return None
        see_ind = 0.0
    fa_basis: float | None = p.free_allocation_basis
    fa_source = "communicated by the producer" if fa_basis is not None else ""
    if fa_basis is None and p.cn_code:
        try:
            route = ""
            if p.country:
                route = ref.default_value(p.cn_code, p.country, p.variant).route
            bm = ref.benchmark(p.cn_code, "B", route, year, p.variant)
            fa_basis, fa_source = bm.value, bm.source + " [Column B: no SEFA communicated]"
        except FactorNotFoundError as exc:
            fa_source = "; ".join(pr.message for pr in exc.problems)
    return PrecursorValue(
        p.id,
        category,
        is_direct_only,
        float(see_dir),
        float(see_ind),
        electricity,
        default_share,
        source,
        join_flags(flags),
        fa_basis,
        fa_source,
    )


def compute_installation(installation: Installation, ref: CbamReference | None = None) -> InstallationResult:
    """Attributed emissions, SEE per process and per good, for one installation.

    Raises :class:`InputError` listing every data problem, or :class:`ModelError` for a
    precursor loop.
    """
    ref = ref or CbamReference()
    log = ProblemLog()
    direct_only = _category_direct_only(ref)
    constants = {
        "ef_natural_gas_reference": ref.parameter("ef_natural_gas_reference"),
        "reference_boiler_efficiency": ref.parameter("reference_boiler_efficiency"),
        "waste_gas_efficiency_correction": ref.parameter("waste_gas_efficiency_correction"),
        "carbon_to_co2_ratio": ref.parameter("carbon_to_co2_ratio"),
        "gwp_basis": ref.parameter("gwp_basis"),
    }
    sources = monitor(installation, ref, log.problems)
    process_ids = [p.id for p in installation.processes]
    if len(set(process_ids)) != len(process_ids):
        log.add(Problem("process ids must be unique", field="processes", value=", ".join(process_ids)))
    for index, process in enumerate(installation.processes):
        if _category_key(process.category) not in direct_only:
            log.add(
                Problem(
                    f"unknown aggregated goods category {process.category!r}",
                    field=f"processes[{index}].category",
                    accepted=", ".join(sorted(direct_only)),
                    record_id=process.id,
                )
            )
    for kind, items in (("source_streams", sources),):
        for s in items:
            if s.process is not None and s.process not in process_ids:
                log.add(
                    Problem(
                        f"source {s.name!r} is assigned to unknown process {s.process!r}",
                        field=f"{kind}.process",
                        accepted=", ".join(process_ids),
                    )
                )
    log.raise_if_errors(InputError, summary="the installation data has problems")
    order = _topological(installation, log)
    purchased: dict[str, PrecursorValue] = {}
    for index, p in enumerate(installation.purchased_precursors):
        value = _purchased_value(p, index, ref, direct_only, installation.year, log)
        if value is not None:
            purchased[p.id] = value
    unassigned = [s for s in sources if s.process is None]
    by_id = {p.id: p for p in installation.processes}
    results: dict[str, ProcessResult] = {}
    for pid in order:
        index = process_ids.index(pid)
        result = _process(
            by_id[pid],
            index,
            installation,
            sources,
            unassigned,
            constants,
            direct_only,
            results,
            purchased,
            log,
        )
        if result is not None:
            results[pid] = result
    log.raise_if_errors(InputError, summary="the installation data has problems")
    goods = _goods(installation, ref, results, purchased, direct_only, log)
    log.raise_if_errors(InputError, summary="the installation data has problems")
    totals = _totals(installation, sources)
    flags = join_flags(*(p.flags for p in results.values()), *(g.flags for g in goods))
    return InstallationResult(
        installation=installation,
        sources=sources,
        processes=[results[pid] for pid in process_ids if pid in results],
        goods=goods,
        purchased=list(purchased.values()),
        totals=totals,
        constants=constants,
        warnings=log.warnings,
        flags=flags,
    )


def _process(
    process: ProductionProcess,
    index: int,
    installation: Installation,
    sources: list[SourceResult],
    unassigned: list[SourceResult],
    constants: dict[str, Cited],
    direct_only: dict[str, bool],
    done: dict[str, ProcessResult],
    purchased: dict[str, PrecursorValue],
    log: ProblemLog,
) -> ProcessResult | None:
    where = f"processes[{index}]"
    flags: list[str] = []
    ok = True
    al = process.activity_level_t
    if al is None or al <= 0:
        log.add(
            Problem(
                f"process {process.id!r} has no activity level (total production of the period)",
                field=f"{where}.activity_level_t",
                value=str(al),
                accepted="a positive amount in tonnes (MWh for electricity): the denominator of SEE "
                "(IR 2025/2547 Annex III B)",
                record_id=process.id,
            )
        )
        ok = False
    # DirEm*: entered, or the sources assigned to the process
    assigned = [s for s in sources if s.process == process.id]
    if process.direct_emissions_t is not None:
        dir_em, basis = float(process.direct_emissions_t), "entered"
        if assigned:
            computed = sum(s.co2e_fossil_t for s in assigned)
            if abs(computed - dir_em) > max(1e-6 * abs(dir_em), 1e-6):
                log.add(
                    Problem(
                        f"DirEm* entered ({dir_em:,.3f} t) differs from the sources assigned to the process "
                        f"({computed:,.3f} t); the entered value is used",
                        field=f"{where}.direct_emissions_t",
                        severity="warning",
                        record_id=process.id,
                    )
                )
    elif assigned:
        dir_em, basis = sum(s.co2e_fossil_t for s in assigned), "sources"
        flags += [f for s in assigned for f in s.flags]
    elif len(installation.processes) == 1 and unassigned:
        dir_em, basis = sum(s.co2e_fossil_t for s in unassigned), "all installation sources"
        flags += [f for s in unassigned for f in s.flags]
    else:
        log.add(
            Problem(
                f"process {process.id!r} has no directly attributable emissions (DirEm*)",
                field=f"{where}.direct_emissions_t",
                accepted="direct_emissions_t, or source streams whose 'process' is this process",
                record_id=process.id,
            )
        )
        ok = False
        dir_em, basis = 0.0, ""
    ef_ng = constants["ef_natural_gas_reference"]
    eta = constants["reference_boiler_efficiency"]

    def heat_ef(given: float | None, amount: float, label: str) -> float:
        if amount == 0:
            return 0.0
        if given is not None:
            return given
        reference = ef_ng.value / eta.value
        flags.extend(["heat_ef_reference_natural_gas", *eta.flags])
        log.add(
            Problem(
                f"emission factor of {label} heat unknown: "
                f"the natural-gas reference {ef_ng.value} t CO2/TJ at a "
                f"boiler efficiency of {eta.value:.0%} ({reference:.2f} t CO2/TJ) is used; the efficiency is "
                "UNVERIFIED",
                field=f"{where}.heat_{label}_ef",
                severity="warning",
                record_id=process.id,
                code="heat_reference",
            )
        )
        return reference

    heat_imp = process.heat_imported_tj * heat_ef(
        process.heat_imported_ef, process.heat_imported_tj, "imported"
    )
    heat_exp = process.heat_exported_tj * heat_ef(
        process.heat_exported_ef, process.heat_exported_tj, "exported"
    )
    wg_imp = process.waste_gas_imported_tj * ef_ng.value
    corr = constants["waste_gas_efficiency_correction"]
    wg_exp = process.waste_gas_exported_tj * ef_ng.value * corr.value
    if process.waste_gas_exported_tj:
        flags.extend(["waste_gas_correction", *corr.flags])
    el_exp = 0.0
    if process.electricity_exported_mwh:
        if process.electricity_exported_ef is None:
            log.add(
                Problem(
                    f"process {process.id!r} exports electricity without its emission factor",
                    field=f"{where}.electricity_exported_ef",
                    accepted="t CO2/MWh of the electricity produced (IR 2025/2547 Annex II D)",
                    record_id=process.id,
                )
            )
            ok = False
        else:
            el_exp = process.electricity_exported_mwh * process.electricity_exported_ef
    attributed_direct = dir_em + heat_imp - heat_exp + wg_imp - wg_exp - el_exp
    key = _category_key(process.category)
    is_direct_only = direct_only.get(key, True)
    attributed_indirect: float | None = None
    consumption = process.electricity_consumed_mwh
    if not is_direct_only:
        if consumption is None:
            log.add(
                Problem(
                    f"process {process.id!r} ({process.category}) has no electricity consumption; "
                    "indirect emissions "
                    "count for goods not in Annex II of Reg. 2023/956 (Art. 7(1))",
                    field=f"{where}.electricity_consumed_mwh",
                    accepted="MWh consumed in the period (0 if none)",
                    record_id=process.id,
                )
            )
            ok = False
        elif consumption and process.electricity_ef is None:
            log.add(
                Problem(
                    f"process {process.id!r} ({process.category}) has no emission factor "
                    "for the electricity it "
                    f"consumes, needed for its indirect emissions: {IEA_NOTE}",
                    field=f"{where}.electricity_ef",
                    accepted="a factor in t CO2/MWh",
                    record_id=process.id,
                    code="electricity_ef_missing",
                )
            )
            ok = False
        else:
            attributed_indirect = (consumption or 0.0) * (process.electricity_ef or 0.0)
    elif consumption and process.electricity_ef is not None:
        attributed_indirect = consumption * process.electricity_ef  # for information only
    if not ok or al is None or al <= 0:
        return None
    ae_dir = attributed_direct / al
    ae_ind = attributed_indirect / al if attributed_indirect is not None else None
    see_dir = ae_dir
    see_ind = ae_ind if (ae_ind is not None and not is_direct_only) else 0.0
    electricity = (consumption or 0.0) / al
    default_part = 0.0
    terms: list[dict[str, Any]] = []
    for j, use in enumerate(process.precursors):
        m = use.amount_t / al
        if use.source in done:
            sup = done[use.source]
            s_dir, s_ind, s_el, s_def, s_do = (
                sup.see_direct,
                sup.see_indirect,
                sup.embedded_electricity_mwh_per_t,
                sup.default_share,
                sup.direct_only,
            )
            s_flags = sup.flags
        elif use.source in purchased:
            pv = purchased[use.source]
            s_dir, s_ind, s_el, s_def, s_do = (
                pv.see_direct,
                pv.see_indirect,
                pv.embedded_electricity,
                pv.default_share,
                pv.direct_only,
            )
            s_flags = pv.flags
        else:
            ok = False  # supplier had errors (already reported) or is unknown
            continue
        # 2025/2547 Annex I pt 3.1: a non-Annex-II good excludes the indirect emissions of
        # Annex II precursors; an Annex II good includes those of non-Annex-II precursors.
        include_indirect = not ((not is_direct_only) and s_do)
        contribution_ind = m * s_ind if include_indirect else 0.0
        see_dir += m * s_dir
        see_ind += contribution_ind
        electricity += m * s_el
        default_part += m * (s_dir + (s_ind if include_indirect else 0.0)) * s_def
        flags.extend(
            f for f in s_flags if f in {"UNVERIFIED", "precursor_default_value", "fallback_other_countries"}
        )
        terms.append(
            {
                "precursor": use.source,
                "amount_t": use.amount_t,
                "m_t_per_t": m,
                "see_direct": s_dir,
                "see_indirect": s_ind,
                "indirect_included": include_indirect,
                "contribution_direct": m * s_dir,
                "contribution_indirect": contribution_ind,
                "field": f"{where}.precursors[{j}]",
            }
        )
    if not ok:
        return None
    total = see_dir + see_ind
    return ProcessResult(
        id=process.id,
        name=process.name or process.id,
        category=process.category.strip(),
        direct_only=is_direct_only,
        activity_level_t=al,
        dir_em_star_t=dir_em,
        dir_em_basis=basis,
        heat_import_t=heat_imp,
        heat_export_t=heat_exp,
        waste_gas_import_t=wg_imp,
        waste_gas_export_t=wg_exp,
        electricity_export_t=el_exp,
        attributed_direct_t=attributed_direct,
        attributed_indirect_t=attributed_indirect,
        electricity_consumed_mwh=consumption,
        ae_direct=ae_dir,
        ae_indirect=ae_ind,
        see_direct=see_dir,
        see_indirect=see_ind,
        embedded_electricity_mwh_per_t=electricity,
        default_share=default_part / total if total else 0.0,
        precursor_terms=terms,
        flags=join_flags(flags),
    )


def _goods(
    installation: Installation,
    ref: CbamReference,
    processes: dict[str, ProcessResult],
    purchased: dict[str, PrecursorValue],
    direct_only: dict[str, bool],
    log: ProblemLog,
) -> list[GoodResult]:
    year = installation.year
    by_id = {p.id: p for p in installation.processes}
    fa_cache: dict[str, tuple[float | None, list[dict[str, Any]], tuple[str, ...]]] = {}

    def process_fa(
        pid: str, cn: str | None, route: str
    ) -> tuple[float | None, list[dict[str, Any]], tuple[str, ...]]:
        """BM*(cn, route) + Σ m_i × basis_i (Equation 4 of IR 2025/2620 Annex)."""
        cache_key = f"{pid}|{cn}|{route}"
        if cache_key in fa_cache:
            return fa_cache[cache_key]
        process = by_id[pid]
        flags: list[str] = []
        terms: list[dict[str, Any]] = []
        if not cn:
            fa_cache[cache_key] = (None, [], ("free_allocation_basis_missing_benchmark_cn",))
            return fa_cache[cache_key]
        try:
            bm = ref.benchmark(cn, "A", route, year)
        except FactorNotFoundError as exc:
            msg = "; ".join(p.message for p in exc.problems)
            fa_cache[cache_key] = (
                None,
                [{"item": pid, "error": msg}],
                ("free_allocation_basis_unavailable",),
            )
            return fa_cache[cache_key]
        total: float | None = bm.value
        flags.extend(bm.flags)
        terms.append({"item": pid, "cn": cn, "benchmark_column_A": bm.value, "source": bm.source})
        al = processes[pid].activity_level_t
        for use in process.precursors:
            m = use.amount_t / al
            if use.source in by_id:
                sup = by_id[use.source]
                sub, _, sub_flags = process_fa(use.source, sup.benchmark_cn, sup.benchmark_route)
            else:
                pv = purchased.get(use.source)
                sub = pv.fa_basis if pv else None
                sub_flags = ("precursor_sefa_from_column_B",) if pv and "Column B" in pv.fa_source else ()
            flags.extend(sub_flags)
            terms.append({"item": use.source, "m_t_per_t": m, "basis": sub})
            if sub is None or total is None:
                total = None
                flags.append("free_allocation_basis_incomplete")
            else:
                total += m * sub
        fa_cache[cache_key] = (total, terms, join_flags(flags))
        return fa_cache[cache_key]

    goods: list[GoodResult] = []
    for index, product in enumerate(installation.products):
        where = f"products[{index}]"
        if product.process not in processes:
            if product.process not in by_id:
                log.add(
                    Problem(
                        f"product {product.cn_code} names unknown process {product.process!r}",
                        field=f"{where}.process",
                        accepted=", ".join(by_id),
                    )
                )
            continue
        try:
            good = ref.good(product.cn_code)
        except FactorNotFoundError as exc:
            for p in exc.problems:
                log.add(
                    Problem(p.message, field=f"{where}.cn_code", value=product.cn_code, accepted=p.accepted)
                )
            continue
        pr = processes[product.process]
        flags = list(pr.flags)
        categories = {_category_key(pr.category)} | {
            _category_key(c) for c in by_id[product.process].included_categories
        }
        if _category_key(good.category) not in categories:
            log.add(
                Problem(
                    f"CN {good.cn_code} is a '{good.category}' good "
                    f"but process {pr.id!r} produces '{pr.category}'",
                    field=f"{where}.cn_code",
                    severity="warning",
                    code="category_mismatch",
                )
            )
        per_clinker = None
        if product.clinker_factor:
            per_clinker = pr.see_total / product.clinker_factor
        per_n = None
        if product.nitrogen_content:
            per_n = pr.see_total / product.nitrogen_content
        process = by_id[product.process]
        fa, terms, fa_flags = process_fa(product.process, good.cn_code, process.benchmark_route)
        if process.included_categories and fa is not None:
            fa_flags = join_flags(fa_flags, ["joint_process_included_categories_not_benchmarked"])
        goods.append(
            GoodResult(
                cn_code=good.cn_code,
                name=product.name,
                process=product.process,
                category=good.category,
                direct_only=good.direct_only,
                description=good.description,
                see_direct=pr.see_direct,
                see_indirect=pr.see_indirect,
                see_total=pr.see_total,
                unit="t CO2e/MWh" if good.sector == "electricity" else "t CO2e/t",
                see_total_per_t_clinker=per_clinker,
                see_total_per_t_nitrogen=per_n,
                free_allocation_basis=fa,
                free_allocation_terms=terms,
                embedded_electricity_mwh_per_t=pr.embedded_electricity_mwh_per_t,
                default_share=pr.default_share,
                electricity_ef_source=by_id[product.process].electricity_ef_source,
                flags=join_flags(flags, fa_flags),
                qualifying_parameters=dict(product.qualifying_parameters),
            )
        )
    return goods


def _totals(installation: Installation, sources: list[SourceResult]) -> dict[str, float | None]:
    co2 = sum(s.co2e_fossil_t for s in sources if s.gas == "CO2")
    n2o = sum(s.co2e_fossil_t for s in sources if s.gas == "N2O")
    pfc = sum(s.co2e_fossil_t for s in sources if s.kind == "pfc")
    bio = sum(s.co2e_bio_t for s in sources)
    direct = co2 + n2o + pfc
    indirect = installation.total_indirect_emissions_t
    return {
        "co2_fossil_t": co2,
        "biomass_co2_t": bio,
        "n2o_co2e_t": n2o,
        "pfc_co2e_t": pfc,
        "direct_t": direct,
        "indirect_t": indirect,
        "total_t": direct + indirect if indirect is not None else None,
        "energy_fossil_tj": sum(s.energy_fossil_tj for s in sources),
        "energy_bio_tj": sum(s.energy_bio_tj for s in sources),
        "calculation_based_t": sum(s.co2e_fossil_t for s in sources if s.kind == "source_stream"),
        "measurement_based_t": sum(s.co2e_fossil_t for s in sources if s.kind == "measured"),
    }
