"""Allowance position: allocation estimate, surplus or deficit, CCER offsets, cost.

    A = E_verified                                   (rule ``verified_emissions``)
    A = Σ_p Q_p × B_p × K                            (rule ``intensity``)
    balance = A − E_verified                         (> 0 surplus, < 0 deficit)
    CCER usable = min(CCER held, cap × E_verified, deficit)
    remaining deficit = deficit − CCER usable
    cost = remaining deficit × P_CEA                 (P given by the user)

``E_verified`` is the compliance total (direct emissions in the boundary). The rule per sector
and year, the benchmarks ``B_p`` (per unit of output ``Q_p``), the optional adjustment ``K``
(the product of any correction factors the user gives) and the CCER cap (5 % of verified
emissions, regulatory-facts.md §B.5) are :class:`~.parameters.EtsParameters` rows. The 2024
rule for steel, cement and aluminium is "allocation equals verified emissions" (allocation
plan of 18 Nov 2025, regulatory-facts.md §B.2). Benchmark values were not found in any source:
a missing benchmark is an error that names the parameter to give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from carbonledger.errors import Problem
from carbonledger.regimes.china_ets.parameters import EtsParameter, EtsParameters
from carbonledger.regimes.china_ets.sectors import Sector

__all__ = ["AllowancePosition", "allowance_position"]


@dataclass
class AllowancePosition:
    rule: str
    rule_source: EtsParameter | None
    verified_emissions: float
    allocation: float | None
    allocation_terms: list[dict[str, Any]] = field(default_factory=list)
    adjustment: EtsParameter | None = None
    balance: float | None = None  # allocation − emissions
    ccer_available: float = 0.0
    ccer_cap_fraction: float | None = None
    ccer_cap: float | None = None
    ccer_usable: float = 0.0
    remaining_deficit: float | None = None
    cea_price: float | None = None
    cea_price_note: str = ""
    cost: float | None = None
    surplus_value: float | None = None
    notes: list[str] = field(default_factory=list)
    parameters: list[EtsParameter] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.balance is None:
            return "unknown"
        if self.balance > 0:
            return "surplus"
        if self.balance < 0:
            return "deficit"
        return "balanced"

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "rule_source": _p(self.rule_source),
            "verified_emissions_tco2": self.verified_emissions,
            "allocation_t": self.allocation,
            "allocation_terms": self.allocation_terms,
            "adjustment": _p(self.adjustment),
            "balance_t": self.balance,
            "status": self.status,
            "ccer_available_t": self.ccer_available,
            "ccer_cap_fraction": self.ccer_cap_fraction,
            "ccer_cap_t": self.ccer_cap,
            "ccer_usable_t": self.ccer_usable,
            "remaining_deficit_t": self.remaining_deficit,
            "cea_price_cny_per_t": self.cea_price,
            "cea_price_note": self.cea_price_note,
            "cost_cny": self.cost,
            "surplus_value_cny": self.surplus_value,
            "notes": self.notes,
        }


def _p(p: EtsParameter | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "parameter": p.parameter,
        "key": p.key,
        "value": p.value,
        "unit": p.unit,
        "source": p.source,
        "citation": p.citation,
        "confidence": p.confidence,
        "flags": list(p.flags),
    }


def allowance_position(
    *,
    sector: Sector,
    year: int,
    verified_emissions: float,
    outputs: dict[str, float],
    params: EtsParameters,
    cea_price: float | None,
    ccer_available: float | None,
    cea_price_note: str = "",
    where: dict[str, Any] | None = None,
) -> tuple[AllowancePosition, list[Problem]]:
    """Compute the position; problems name the missing parameter (``where`` locates them)."""
    where = where or {}
    problems: list[Problem] = []
    rule_row = params.get("allocation_rule", f"{sector.key}:{year}")
    position = AllowancePosition(
        rule=rule_row.value if rule_row else "unknown",
        rule_source=rule_row,
        verified_emissions=verified_emissions,
        allocation=None,
        ccer_available=float(ccer_available or 0.0),
        cea_price=cea_price,
        cea_price_note=cea_price_note,
    )
    if rule_row is None:
        problems.append(
            Problem(
                f"no allocation rule for {sector.key} {year} in the ETS parameters",
                field="allocation_rule",
                accepted=f"a parameter row allocation_rule, key {sector.key}:{year}, value verified_emissions or "
                "intensity (override file or the template's 参数 Parameters sheet)",
                severity="warning",
                code="allowance_incomplete",
                **where,
            )
        )
        position.notes.append(f"allocation not computed: no allocation rule for {sector.key} {year}")
        return position, problems
    position.parameters.append(rule_row)
    if rule_row.value == "verified_emissions":
        position.allocation = verified_emissions
        position.allocation_terms.append(
            {"term": "verified emissions", "tco2": verified_emissions, "source": rule_row.source}
        )
    elif rule_row.value == "intensity":
        total = 0.0
        terms = []
        missing = []
        for product in sector.benchmark_products:
            quantity = outputs.get(product, 0.0)
            bench = params.get("benchmark", f"{sector.key}:{year}:{product}")
            if bench is None:
                if quantity > 0 or product == sector.intensity_product:
                    missing.append(product)
                continue
            position.parameters.append(bench)
            amount = quantity * bench.number
            terms.append(
                {
                    "product": product,
                    "output": quantity,
                    "output_unit": sector.product(product).unit,
                    "benchmark": bench.number,
                    "benchmark_unit": bench.unit,
                    "allocation_t": amount,
                    "source": bench.source,
                }
            )
            total = math.fsum([total, amount])
        if missing:
            position.notes.append(
                "allocation not computed: benchmark(s) missing for " + ", ".join(missing)
                + " (carbonledger's sources hold no benchmark values; give them as parameters)"
            )
        for product in missing:
            p = sector.product(product)
            problems.append(
                Problem(
                    f"the {year} allocation for {sector.key} is intensity-based and needs the benchmark for "
                    f"{p.en} ({p.zh}); carbonledger's sources hold no benchmark values",
                    field="benchmark",
                    accepted=f"a parameter row benchmark, key {sector.key}:{year}:{product}, value in t CO2/{p.unit} "
                    "(override file --parameters, or the template's 参数 Parameters sheet)",
                    severity="warning",
                    code="allowance_incomplete",
                    **where,
                )
            )
        if not missing:
            adjustment = params.get("allocation_adjustment", f"{sector.key}:{year}")
            if adjustment is not None:
                position.adjustment = adjustment
                position.parameters.append(adjustment)
                total *= adjustment.number
            else:
                position.notes.append(
                    "no correction factor given (allocation_adjustment): benchmarks × output only"
                )
            position.allocation = total
            position.allocation_terms = terms
    else:
        problems.append(
            Problem(
                f"unknown allocation rule {rule_row.value!r}",
                field="allocation_rule",
                accepted="verified_emissions or intensity",
                **where,
            )
        )
    if position.allocation is None:
        return position, problems
    position.balance = position.allocation - verified_emissions
    cap_row = params.get("ccer_offset_cap", "all")
    deficit = max(0.0, -position.balance)
    if cap_row is not None:
        position.parameters.append(cap_row)
        position.ccer_cap_fraction = cap_row.number
        position.ccer_cap = cap_row.number * verified_emissions
        position.ccer_usable = min(position.ccer_available, position.ccer_cap, deficit)
    elif position.ccer_available > 0:
        position.notes.append("no CCER cap in the parameters: CCER not applied")
    position.remaining_deficit = deficit - position.ccer_usable
    if cea_price is not None:
        position.cost = position.remaining_deficit * cea_price
        position.surplus_value = max(0.0, position.balance) * cea_price
    else:
        position.notes.append(
            "no CEA price given: cost not computed (reference prices with dates are in the parameters, "
            "cea_price rows)"
        )
    return position, problems
