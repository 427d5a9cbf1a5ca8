"""What an installation communicates to its EU customers, and the check against a
template's own results.

* :func:`installation_dict` — the JSON form: per good ``cn_code`` (or the aggregated goods
  category), ``see_direct``, ``see_indirect``, ``see_total`` (t CO2e/t), the installation's
  attributed emissions per process, totals, constants used with their citations and
  flags, and warnings;
* :func:`compare_with_template` — differences between carbonledger's results and the
  cached results in the template (Summary_Products SEE, C_Emissions&Energy totals), as
  warnings;
* :func:`summary_communication_rows` — the content of the template's sheet
  ``Summary_Communication`` (section 1: installation, processes, emissions by method;
  section 2: products with SEE, qualifying parameters), used by the report writer.
"""

from __future__ import annotations

import math
from typing import Any

from carbonledger.errors import Problem
from carbonledger.regimes.cbam.see import InstallationResult

__all__ = ["PRODUCT_HEADERS", "compare_with_template", "installation_dict", "summary_communication_rows"]

# Summary_Communication!D25:AK25 of the Commission template v2.1 (English), in order.
PRODUCT_HEADERS = [
    "Production process from which the products arise",
    "Type of aggregated good or precursor",
    "CN Codes",
    "CN Name",
    "Product name (used for communication with reporting declarant, e.g. on invoices)",
    "SEE (direct)",
    "SEE (indirect)",
    "SEE (total)",
    "Unit",
    "Share of emissions by default value",
    "Source for electricity EF",
    "Embedded electricity (MWh/t)",
    "The main reducing agent of the precursor, if known",
    "Steel mill identification number",
    "% Mn",
    "% Cr",
    "% Ni",
    "% other alloys",
    "% carbon",
    "t scrap per t steel",
    "% other materials",
    "% pre-consumer scrap",
    "t scrap per t aluminium",
    "% non-aluminium elements",
    "Clinker factor",
    "Calcined or not",
    "Concentration, if hydrous solution",
    "% nitric acid",
    "% urea",
    "% N contained",
    "% N as ammonium (NH4+)",
    "% N as nitrate (NO3–)",
    "% N as Urea",
    "% N in other (organic) forms",
]


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def installation_dict(result: InstallationResult, comparison: list[Problem] | None = None) -> dict[str, Any]:
    inst = result.installation
    return {
        "installation": {
            "name": inst.name,
            "country": inst.country,
            "city": inst.city,
            "unlocode": inst.unlocode,
            "period_start": inst.period_start.isoformat(),
            "period_end": inst.period_end.isoformat(),
        },
        "goods": [{k: _clean(v) for k, v in row.items()} for row in result.good_rows()],
        "attributed_emissions": [
            {
                "process": p.id,
                "name": p.name,
                "category": p.category,
                "activity_level_t": p.activity_level_t,
                "dir_em_star_t": p.dir_em_star_t,
                "dir_em_basis": p.dir_em_basis,
                "heat_import_t": p.heat_import_t,
                "heat_export_t": p.heat_export_t,
                "waste_gas_import_t": p.waste_gas_import_t,
                "waste_gas_export_t": p.waste_gas_export_t,
                "electricity_export_t": p.electricity_export_t,
                "attributed_direct_t": p.attributed_direct_t,
                "attributed_indirect_t": p.attributed_indirect_t,
                "indirect_counted": not p.direct_only,
                "see_direct": p.see_direct,
                "see_indirect": p.see_indirect,
                "see_total": p.see_total,
                "precursors": p.precursor_terms,
                "flags": list(p.flags),
            }
            for p in result.processes
        ],
        "totals_t": {k: _clean(v) for k, v in result.totals.items()},
        "attributed_direct_t": sum(p.attributed_direct_t for p in result.processes),
        "attributed_indirect_t": sum(p.attributed_indirect_t or 0.0 for p in result.processes),
        "constants": {k: v.to_dict() for k, v in result.constants.items()},
        "flags": list(result.flags),
        "warnings": [w.to_dict() for w in result.warnings],
        "template_comparison": [w.to_dict() for w in comparison or []],
    }


def compare_with_template(
    result: InstallationResult, summary: dict[str, Any], file: str = "", tolerance: float = 1e-9
) -> list[Problem]:
    """Warnings for every difference between carbonledger and the template's cached results."""
    problems: list[Problem] = []
    if not summary.get("cached"):
        problems.append(
            Problem(
                "the workbook holds no cached results (saved by a tool that drops them): nothing to compare; "
                "carbonledger's results come from the input sheets only",
                file=file or None,
                severity="warning",
                code="no_cached_results",
            )
        )
        return problems
    goods = result.goods
    for index, cached in enumerate(summary.get("products", [])):
        if index >= len(goods):
            break
        good = goods[index]
        for key in ("see_direct", "see_indirect", "see_total"):
            theirs, ours = cached.get(key), getattr(good, key)
            if theirs is None:
                continue
            if abs(float(theirs) - ours) > tolerance * max(1.0, abs(ours)):
                problems.append(
                    Problem(
                        f"{key} of CN {good.cn_code}: template summary says {float(theirs):.6f}, carbonledger "
                        f"computes {ours:.6f} from the input sheets",
                        file=file or None,
                        sheet="Summary_Products",
                        row=int(cached["row"]),
                        severity="warning",
                        code="template_difference",
                    )
                )
    for key, cell in (("direct_t", "L27"), ("indirect_t", "M27")):
        theirs = summary.get(key)
        ours = result.totals.get(key)
        if theirs is None or ours is None:
            continue
        if abs(float(theirs) - float(ours)) > tolerance * max(1.0, abs(float(ours))):
            problems.append(
                Problem(
                    f"installation {key}: template says {float(theirs):,.3f}, carbonledger computes {float(ours):,.3f}",
                    file=file or None,
                    sheet="C_Emissions&Energy",
                    field=cell,
                    severity="warning",
                    code="template_difference",
                )
            )
    return problems


def summary_communication_rows(result: InstallationResult) -> dict[str, Any]:
    """Section 1 (installation, processes, emissions) and section 2 (products) of the
    template's Summary_Communication sheet."""
    inst = result.installation
    details = [
        ("Name of the installation (English name):", inst.name),
        ("Street, Number:", inst.street),
        ("Economic activity:", inst.economic_activity),
        ("City:", inst.city),
        ("Country:", inst.country),
        ("UNLOCODE:", inst.unlocode),
        ("Coordinates of the main emission source (latitude):", inst.latitude),
        ("Coordinates of the main emission source (longitude):", inst.longitude),
        ("Reporting period start:", inst.period_start),
        ("Reporting period end:", inst.period_end),
    ]
    categories: dict[str, list[str]] = {}
    for process in inst.processes:
        categories.setdefault(process.category.strip(), list(process.routes))
        for included in process.included_categories:
            categories.setdefault(included.strip(), [])
    for purchased in inst.purchased_precursors:
        categories.setdefault(purchased.category.strip(), list(purchased.routes))
    processes = [(p.name or p.id, p.category, *p.included_categories[:6]) for p in inst.processes]
    totals = result.totals
    pfc = float(totals.get("pfc_co2e_t") or 0.0)
    direct = float(totals.get("direct_t") or 0.0)
    methods = {
        "Calculation - based (excl. PFC emissions)": float(totals.get("calculation_based_t") or 0.0),
        "Total PFC emissions": pfc,
        "Measurement - based": float(totals.get("measurement_based_t") or 0.0),
        "Other": direct
        - float(totals.get("calculation_based_t") or 0.0)
        - pfc
        - float(totals.get("measurement_based_t") or 0.0),
    }
    emission_totals = [
        ("Total direct emissions during reporting period:", direct),
        ("Total indirect emissions during reporting period:", totals.get("indirect_t")),
        ("Total emissions during reporting period:", totals.get("total_t")),
    ]
    quality = [
        ("General information on data quality:", inst.data_quality),
        ("Information on quality assurance:", inst.quality_assurance),
    ]
    by_process = {p.id: p for p in inst.processes}
    products = []
    for good in result.goods:
        process = by_process[good.process]
        params = good.qualifying_parameters
        row: list[Any] = [
            process.name or process.id,
            good.category,
            good.cn_code,
            good.description,
            good.name,
            good.see_direct,
            good.see_indirect,
            good.see_total,
            good.unit.replace(" ", ""),
            good.default_share,
            good.electricity_ef_source,
            good.embedded_electricity_mwh_per_t,
        ]
        row += [params.get(h, "") for h in PRODUCT_HEADERS[12:]]
        products.append(row)
    return {
        "details": details,
        "categories": categories,
        "processes": processes,
        "methods": methods,
        "emission_totals": emission_totals,
        "quality": quality,
        "products": products,
    }
