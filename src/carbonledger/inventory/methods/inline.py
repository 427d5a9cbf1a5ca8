"""Inline, user-supplied emission factors (``emission_factor`` on the record).

``E = Q × EF`` (× NCV when the factor is per unit of energy and the record carries a
measured NCV), converted by pint to kg of the factor's gas, or kg CO2e when the factor's
unit is CO2e. A gas mass gets CO2e from the run's GWP set; an inline CO2e factor is used as
given (its GWP basis is the user's, flagged ``inline_co2e``). Oxidation factor and biomass
fraction apply as in :mod:`carbonledger.inventory.methods.factor`.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd

from carbonledger.errors import Problem, UnitError
from carbonledger.gwp import gwp_values
from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import MethodOutput, _at, empty_rows, fmt, rows
from carbonledger.inventory.methods.factor import apply_oxidation_and_biomass
from carbonledger.units import is_co2e_unit, multiplier

__all__ = ["inline_method"]


def inline_method(sub: pd.DataFrame, ctx: RunContext) -> MethodOutput:
    """Compute records (with ``pos``) that carry their own emission factor."""
    if sub.empty:
        return MethodOutput(empty_rows())
    n = len(sub)
    ef_unit = sub["emission_factor_unit"].to_numpy(dtype=object)
    co2e = np.array([is_co2e_unit(u) for u in ef_unit], dtype=bool)
    target = np.where(co2e, "kg CO2e", "kg")
    combos = pd.MultiIndex.from_arrays(
        [sub["unit"].to_numpy(dtype=object), sub["ncv_unit"].to_numpy(dtype=object), ef_unit, target]
    )
    codes, uniques = pd.factorize(combos)
    direct = np.full(len(uniques), np.nan)
    via_ncv = np.full(len(uniques), np.nan)
    for i, (u, nu, eu, t) in enumerate(uniques):
        try:
            direct[i] = multiplier(f"({u})*({eu})", t)
        except UnitError:
            if nu:
                with contextlib.suppress(UnitError):
                    via_ncv[i] = multiplier(f"({u})*({nu})*({eu})", t)
    m_direct, m_ncv = direct[codes], via_ncv[codes]
    quantity = sub["quantity"].to_numpy()
    ef = sub["emission_factor"].to_numpy()
    amount = np.where(
        ~np.isnan(m_direct), quantity * ef * m_direct, quantity * sub["ncv"].to_numpy() * ef * m_ncv
    )
    bad = np.isnan(amount)
    problems = [
        Problem(
            f"quantity unit {_at(sub, 'unit', k)!r} and factor unit {ef_unit[k]!r} do not combine to a mass of gas"
            + (" (even with the NCV)" if _at(sub, "ncv_unit", k) else ""),
            file=ctx.source,
            row=int(_at(sub, "row", k)),
            field="emission_factor_unit",
            record_id=str(_at(sub, "record_id", k)),
            accepted="a factor per unit of the quantity, e.g. kg CO2e/kWh for kWh, t CO2/TJ with an NCV",
        )
        for k in np.flatnonzero(bad)
    ]
    ok = ~bad
    gas = sub["gas"].to_numpy(dtype=object)
    gas = np.where(co2e, "CO2e", gas)
    mass = np.where(co2e, np.nan, amount)
    run_gwp = gwp_values(pd.Series(gas, dtype=object), ctx.gwp)
    co2e_kg = np.where(co2e, amount, mass * run_gwp)
    text_ef = pd.Series(ef).map(lambda v: f"{v:.6g}").to_numpy(dtype=object)
    used_ncv = np.isnan(m_direct) & ~bad
    lineage = np.where(used_ncv, "inline factor on the record × measured NCV", "inline factor on the record")
    out = rows(
        sub["pos"].to_numpy()[ok],
        gas=gas[ok],
        mass_kg=mass[ok],
        co2e_kg=co2e_kg[ok],
        method="inline",
        factor_full_id="inline",
        factor_set="inline",
        factor_edition="",
        factor_id="inline",
        factor_value=ef[ok],
        factor_unit=ef_unit[ok],
        factor_gwp_basis=np.where(co2e[ok], "as supplied", ""),
        parameters=np.where(
            used_ncv[ok],
            "NCV " + fmt(sub["ncv"])[ok] + " " + sub["ncv_unit"].to_numpy(dtype=object)[ok] + " (measured)",
            "",
        ),
        lineage=(lineage[ok] + ": " + text_ef[ok] + " " + ef_unit[ok]),
        flags=np.where(co2e[ok], "inline_factor|inline_co2e", "inline_factor"),
    )
    out = apply_oxidation_and_biomass(out, sub, ctx.gwp)
    del n
    return MethodOutput(out, np.asarray(sub["pos"].to_numpy()[bad], dtype=np.int64), problems)
