"""Allocation of multi-output processes (ISO 14067:2018, allocation; GHG Protocol Product
Standard ch. 9; PACT Methodology section 3.3.1.3).

A process run with outputs ``o_k`` shares its inputs and emissions among them with factors
``f_k = w_k / Σ w`` where the weight ``w_k`` is

* ``mass``: the output's mass, ``o_k`` × kg per unit (kg-measured products need no mass);
* ``economic``: the output's value, ``o_k`` × price per unit (all in one currency);
* ``physical``: the output's amount of a user-named quantity (``allocation_value`` on the
  output row, e.g. MJ of energy content).

A single-output process needs no allocation (``f = 1``). A multi-output process with
``allocation = none``, or with a missing or zero key for any output, is an error naming the
process, the product and the row. The factors and their basis are reported with every
footprint (PACT ``allocationRulesDescription``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from carbonledger.errors import InputError, Problem, UnitError
from carbonledger.units import multiplier

__all__ = ["allocation_factors", "describe_allocation"]


def _mass_per_unit(unit: str, mass_kg: float) -> float:
    try:
        return multiplier(unit, "kg")
    except UnitError:
        return mass_kg


def allocation_factors(outputs: pd.DataFrame, processes: pd.DataFrame, products: pd.DataFrame,
                       *, source: str = "<model>") -> pd.DataFrame:
    """``outputs`` with the columns ``allocation_weight``, ``allocation_factor`` and
    ``allocation_basis``; raises :class:`InputError` listing every missing key."""
    info = products.set_index("product_id")
    method_of = processes.set_index("process_id")["allocation"]
    quantity_of = processes.set_index("process_id")["allocation_quantity"]
    counts = outputs.groupby("process_id")["product_id"].transform("size")
    problems: list[Problem] = []
    weights: list[float] = []
    bases: list[str] = []
    outputs = outputs.reset_index(drop=True)
    counts = counts.reset_index(drop=True)
    single = (counts == 1).to_numpy()
    weights_all = np.ones(len(outputs))
    bases_all = np.full(len(outputs), "single output", dtype=object)
    multi_rows = np.flatnonzero(~single)
    for row in outputs.iloc[multi_rows].to_dict("records"):
        proc, prod = row["process_id"], row["product_id"]
        method = method_of.get(proc, "none")
        product = info.loc[prod]

        on_output = {"allocation_value", "price"}
        location = {"outputs": int(row["row"]), "products": int(product["row"])}

        def missing(field: str, what: str, accepted: str, *, proc_: str = str(proc), prod_: str = str(prod),
                    method_: str = str(method), where: dict[str, int] = location, out_: set[str] = on_output) -> None:
            sheet = "outputs" if field in out_ else "products"
            problems.append(
                Problem(
                    f"{method_} allocation of process {proc_!r}: output {prod_!r} has no {what}",
                    file=source,
                    sheet=sheet,
                    row=where[sheet],
                    field=field,
                    record_id=prod_,
                    accepted=accepted,
                    code="allocation_key",
                )
            )

        amount = float(row["amount"])
        if method == "mass":
            per_unit = _mass_per_unit(str(product["unit"]), float(product["mass_kg"]))
            if math.isnan(per_unit) or per_unit <= 0:
                missing("mass_kg", "mass", "mass_kg (kg per unit) of the product, > 0")
                weights.append(math.nan)
            else:
                weights.append(amount * per_unit)
            bases.append("mass (kg)")
        elif method == "economic":
            price = float(row["price"]) if not math.isnan(float(row["price"])) else float(product["price"])
            if math.isnan(price) or price <= 0:
                missing("price", "price", "price per unit on the output row or the product, > 0")
                weights.append(math.nan)
            else:
                weights.append(amount * price)
            bases.append("economic (" + (str(product["currency"]) or "price") + ")")
        elif method == "physical":
            value = float(row["allocation_value"])
            if math.isnan(value) or value <= 0:
                missing("allocation_value", f"value of {quantity_of.get(proc, '') or 'the allocation quantity'}",
                        "the output's amount of the named quantity, > 0")
                weights.append(math.nan)
            else:
                weights.append(value)
            bases.append(f"physical ({quantity_of.get(proc, '')})")
        else:
            weights.append(math.nan)
            bases.append("none")
    weights_all[multi_rows] = weights
    bases_all[multi_rows] = bases
    out = outputs.copy()
    out["allocation_weight"] = weights_all
    out["allocation_basis"] = pd.Series(bases_all, dtype=object)
    economic = out[out["allocation_basis"].astype(str).str.startswith("economic")]
    for proc, group in economic.groupby("process_id"):
        currencies = {str(info.loc[p, "currency"]) for p in group["product_id"]}
        if len(currencies) > 1:
            problems.append(Problem(f"economic allocation of process {str(proc)!r} mixes currencies "
                                    f"({', '.join(sorted(currencies))})", file=source, sheet="products",
                                    field="currency", accepted="one currency for all outputs of a process",
                                    code="allocation_key"))
    if problems:
        raise InputError(problems, summary=f"{source}: allocation keys are missing")
    total = out.groupby("process_id")["allocation_weight"].transform("sum")
    out["allocation_factor"] = out["allocation_weight"] / total
    return out


def describe_allocation(allocated: pd.DataFrame, processes: pd.DataFrame) -> dict[str, str]:
    """One sentence per multi-output process: ``process P (mass): A 66.67 %, B 33.33 %``."""
    names = processes.set_index("process_id")["name"]
    out: dict[str, str] = {}
    multi = allocated[allocated["allocation_basis"] != "single output"]
    for proc, group in multi.groupby("process_id", sort=True):
        parts = ", ".join(f"{p} {100 * f:.4g} %" for p, f in zip(group["product_id"], group["allocation_factor"],
                                                                  strict=True))
        label = names.get(proc) or str(proc)
        out[str(proc)] = f"{label} ({group['allocation_basis'].iloc[0]} allocation): {parts}"
    return out
