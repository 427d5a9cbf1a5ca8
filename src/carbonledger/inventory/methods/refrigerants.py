"""Fugitive releases of refrigerants and other gases (Scope 1).

Methods (GHG Protocol "Calculating HFC and PFC emissions from the manufacturing,
installation, operation and disposal of refrigeration and air-conditioning equipment",
screening and mass-balance approaches):

* ``release`` (default): the quantity IS the mass released (e.g. the top-up recharged).
* ``screening``: ``E = charge × annual leak rate`` (quantity = charge, column
  ``leak_rate``).
* ``mass_balance``: ``E = Σ inputs − Σ outputs`` per entity, gas and period, where
  inputs are the stock at the start of the period and purchases/acquisitions, and outputs
  the stock at the end, gas sold/returned/sent for destruction, and the increase in
  equipment charge (``direction`` = input/output). Each record contributes its signed
  mass; a negative group total is an error.

CO2e = mass × GWP(gas) under the run's GWP set; blends from their composition
(:mod:`carbonledger.gwp`). Gases outside the Kyoto basket (HCFC-22 …) are reported as a
memo item, outside the scope totals (GHG Protocol Corporate Standard ch. 4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonledger.errors import GWPError, Problem, UnitError
from carbonledger.gwp import GWP_FACTOR_SET, canonical_gas, gwp, is_kyoto
from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import MethodOutput, _at, empty_rows, fmt, rows
from carbonledger.units import multiplier

__all__ = ["refrigerant_method"]


def refrigerant_method(sub: pd.DataFrame, ctx: RunContext) -> MethodOutput:
    """Compute fugitive records (with ``pos``)."""
    if sub.empty:
        return MethodOutput(empty_rows())
    problems: list[Problem] = []
    gas_given = sub["gas"].to_numpy(dtype=object)
    from_key = sub["activity"].str.split("/", n=1).str[1].to_numpy(dtype=object)
    gas = np.array([canonical_gas(g or k) for g, k in zip(gas_given, from_key, strict=True)], dtype=object)
    gwp_by_gas: dict[str, float] = {}
    for g in set(gas):
        try:
            gwp_by_gas[g] = gwp(g, ctx.gwp)
        except GWPError as exc:
            gwp_by_gas[g] = np.nan
            for k in np.flatnonzero(gas == g):
                problems.append(
                    Problem(
                        str(exc),
                        file=ctx.source,
                        row=int(_at(sub, "row", k)),
                        field="activity",
                        record_id=str(_at(sub, "record_id", k)),
                        accepted="refrigerant/<species or ASHRAE blend>, e.g. refrigerant/R-410A",
                    )
                )
    to_kg = {}
    for u in set(sub["unit"]):
        try:
            to_kg[u] = multiplier(u, "kg")
        except UnitError:
            to_kg[u] = np.nan
    kg = sub["quantity"].to_numpy() * sub["unit"].map(to_kg).to_numpy(dtype=np.float64)
    for k in np.flatnonzero(np.isnan(kg)):
        problems.append(
            Problem(
                f"refrigerant quantity must be a mass, not {_at(sub, 'unit', k)!r}",
                file=ctx.source,
                row=int(_at(sub, "row", k)),
                field="unit",
                record_id=str(_at(sub, "record_id", k)),
                accepted="kg, t, lb",
            )
        )
    given = sub["method"].to_numpy(dtype=object)
    method = np.where(given == "", "release", given).astype(object)
    leak = sub["leak_rate"].to_numpy()
    sign = np.where(sub["direction"].to_numpy(dtype=object) == "output", -1.0, 1.0)
    mass = np.where(method == "screening", kg * leak, np.where(method == "mass_balance", sign * kg, kg))
    g_values = np.array([gwp_by_gas[g] for g in gas], dtype=np.float64)
    bad = np.isnan(mass) | np.isnan(g_values)
    # mass balance: the group total must not be negative
    mb = (method == "mass_balance") & ~bad
    if mb.any():
        groups = pd.DataFrame(
            {
                "entity": sub["entity"].to_numpy()[mb],
                "gas": gas[mb],
                "period": sub["period"].to_numpy()[mb],
                "mass": mass[mb],
            }
        )
        totals = groups.groupby(["entity", "gas", "period"])["mass"].transform("sum").to_numpy()
        negative = np.zeros(len(sub), dtype=bool)
        negative[np.flatnonzero(mb)] = totals < 0
        for k in np.flatnonzero(negative):
            problems.append(
                Problem(
                    "refrigerant mass balance is negative for this entity, gas and period "
                    "(outputs exceed inputs)",
                    file=ctx.source,
                    row=int(_at(sub, "row", k)),
                    field="direction",
                    record_id=str(_at(sub, "record_id", k)),
                    accepted="inputs: opening stock + purchases; outputs: closing stock + "
                    "returns/destruction + charge increase",
                )
            )
        bad |= negative
    ok = ~bad
    kyoto = np.array([is_kyoto(g) for g in gas], dtype=bool)
    describe = {
        "release": "mass released",
        "screening": "charge × leak rate",
        "mass_balance": "mass-balance component (signed)",
    }
    lineage = np.array(
        [
            f"{describe[m]} × GWP {ctx.gwp} of {g} ({GWP_FACTOR_SET})"
            for m, g in zip(method, gas, strict=True)
        ],
        dtype=object,
    )
    out = rows(
        sub["pos"].to_numpy()[ok],
        gas=gas[ok],
        mass_kg=mass[ok],
        co2e_kg=(mass * g_values)[ok],
        method=np.array([f"fugitive:{m}" for m in method[ok]], dtype=object),
        factor_full_id=GWP_FACTOR_SET,
        factor_set=GWP_FACTOR_SET,
        factor_edition="",
        factor_id=gas[ok],
        factor_value=g_values[ok],
        factor_unit=f"kg CO2e/kg ({ctx.gwp})",
        factor_gwp_basis=ctx.gwp,
        parameters=np.where(method[ok] == "screening", "leak rate " + fmt(leak[ok]), ""),
        lineage=lineage[ok],
        flags=np.where(kyoto[ok], "", "non_kyoto"),
    )
    return MethodOutput(out, np.asarray(sub["pos"].to_numpy()[bad], dtype=np.int64), problems)
