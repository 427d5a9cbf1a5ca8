"""Inline, user-supplied emission factors (``emission_factor`` on the record).

``E = Q × EF`` (× NCV when the factor is per unit of energy and the record carries a
measured NCV), converted by pint to kg of the factor's gas, or kg CO2e when the factor's
unit is CO2e. A gas mass gets CO2e from the run's GWP set; an inline CO2e factor is used as
given (its GWP basis is the user's, flagged ``inline_co2e``). Oxidation factor and biomass
fraction apply as in :mod:`carbonledger.inventory.methods.factor`.
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger.errors import Problem, UnitError
from carbonledger.gwp import gwp_values
from carbonledger.inventory.columns import first_seen
from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import MethodOutput, _at, empty_rows, fmt, rows
from carbonledger.inventory.methods.factor import apply_oxidation_and_biomass
from carbonledger.units import is_co2e_unit, multiplier

__all__ = ["inline_method"]


def _codes(values: pd.Series | npt.NDArray[Any]) -> tuple[npt.NDArray[np.int64], npt.NDArray[Any]]:
    """(codes, distinct values) of a column (a categorical's own codes; NaN kept as a value)."""
    array = values.array if isinstance(values, pd.Series) else values
    if isinstance(array, pd.Categorical) and not (array.codes < 0).any():
        return array.codes.astype(np.int64), np.asarray(array.categories, dtype=object)
    plain = np.asarray(array)
    if plain.dtype == np.float64:  # by bit pattern: -0.0 and 0.0 stay apart, as their texts do
        codes, first = pd.factorize(plain.view(np.int64))
        return codes.astype(np.int64), np.asarray(first, dtype=np.int64).view(np.float64)
    codes, uniques = pd.factorize(plain, use_na_sentinel=False)
    return codes.astype(np.int64), np.asarray(uniques)


def _combined(*parts: tuple[npt.NDArray[np.int64], int]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Codes of distinct combinations of several coded columns, and each combination's part codes
    (one row per combination, one column per part)."""
    key = np.zeros(len(parts[0][0]), dtype=np.int64)
    for codes, width in parts:
        key = key * max(width, 1) + codes
    combo, distinct = pd.factorize(key)
    split = np.empty((len(distinct), len(parts)), dtype=np.int64)
    remainder = np.asarray(distinct, dtype=np.int64)
    for j in range(len(parts) - 1, -1, -1):
        width = max(parts[j][1], 1)
        split[:, j] = remainder % width
        remainder = remainder // width
    return combo.astype(np.int64), split


def _is_co2e(unit: str) -> bool:
    """Whether a factor unit is per CO2e (False for a text that is not a unit: the distinct values
    of a subset's column may include values of other records)."""
    try:
        return is_co2e_unit(unit)
    except UnitError:
        return False


def inline_method(sub: pd.DataFrame, ctx: RunContext) -> MethodOutput:
    """Compute records (with ``pos``) that carry their own emission factor.

    Units, gases and texts are handled once per distinct value (or combination); only the
    arithmetic is per record."""
    if sub.empty:
        return MethodOutput(empty_rows())
    u_codes, u_values = _codes(sub["unit"])
    nu_codes, nu_values = _codes(sub["ncv_unit"])
    eu_codes, eu_values = _codes(sub["emission_factor_unit"])
    co2e_v = np.array([_is_co2e(str(u)) for u in eu_values], dtype=bool)
    co2e = co2e_v[eu_codes]
    combo, parts = _combined((u_codes, len(u_values)), (nu_codes, len(nu_values)), (eu_codes, len(eu_values)))
    direct = np.full(len(parts), np.nan)
    via_ncv = np.full(len(parts), np.nan)
    for i, (a, b, c) in enumerate(parts):
        u, nu, eu = u_values[a], nu_values[b], eu_values[c]
        target = "kg CO2e" if co2e_v[c] else "kg"
        try:
            direct[i] = multiplier(f"({u})*({eu})", target)
        except UnitError:
            if nu:
                with contextlib.suppress(UnitError):
                    via_ncv[i] = multiplier(f"({u})*({nu})*({eu})", target)
    m_direct, m_ncv = direct[combo], via_ncv[combo]
    quantity = sub["quantity"].to_numpy()
    ef = sub["emission_factor"].to_numpy()
    ncv = sub["ncv"].to_numpy()
    amount = np.where(~np.isnan(m_direct), quantity * ef * m_direct, quantity * ncv * ef * m_ncv)
    bad = np.isnan(amount)
    problems = [
        Problem(
            f"quantity unit {_at(sub, 'unit', k)!r} and factor unit {eu_values[eu_codes[k]]!r} do not combine to "
            "a mass of gas" + (" (even with the NCV)" if _at(sub, "ncv_unit", k) else ""),
            file=ctx.source,
            row=int(_at(sub, "row", k)),
            field="emission_factor_unit",
            record_id=str(_at(sub, "record_id", k)),
            accepted="a factor per unit of the quantity, e.g. kg CO2e/kWh for kWh, t CO2/TJ with an NCV",
        )
        for k in np.flatnonzero(bad)
    ]
    ok = ~bad
    g_codes, g_values = _codes(sub["gas"])
    # the row's gas: CO2e for a CO2e factor unit, else the record's gas (per distinct pair)
    gas_combo, gas_parts = _combined((eu_codes, len(eu_values)), (g_codes, len(g_values)))
    gas_v = np.array(
        ["CO2e" if co2e_v[c] else str(g_values[g]) for c, g in gas_parts], dtype=object
    )
    run_gwp = gwp_values(pd.Series(gas_v, dtype=object), ctx.gwp)[gas_combo]
    mass = np.where(co2e, np.nan, amount)
    co2e_kg = np.where(co2e, amount, mass * run_gwp)
    used_ncv = np.isnan(m_direct) & ~bad
    ef_codes, ef_values = _codes(ef)
    n_codes, n_values = _codes(ncv)
    # texts per distinct (NCV used, factor value, factor unit) and (NCV used, NCV, NCV unit)
    line_combo, line_parts = _combined(
        (used_ncv.astype(np.int64), 2), (ef_codes, len(ef_values)), (eu_codes, len(eu_values))
    )
    ef_text = fmt(ef_values)
    line_v = np.array(
        [
            ("inline factor on the record × measured NCV" if used else "inline factor on the record")
            + ": "
            + ef_text[e]
            + " "
            + str(eu_values[c])
            for used, e, c in line_parts
        ],
        dtype=object,
    )
    param_combo, param_parts = _combined(
        (used_ncv.astype(np.int64), 2), (n_codes, len(n_values)), (nu_codes, len(nu_values))
    )
    ncv_text = fmt(n_values)
    param_v = np.array(
        [
            "NCV " + ncv_text[v] + " " + str(nu_values[c]) + " (measured)" if used else ""
            for used, v, c in param_parts
        ],
        dtype=object,
    )
    co2e_codes = co2e.astype(np.int64)
    out = rows(
        sub["pos"].to_numpy()[ok],
        gas=first_seen(gas_combo[ok], gas_v),
        mass_kg=mass[ok],
        co2e_kg=co2e_kg[ok],
        method="inline",
        factor_full_id="inline",
        factor_set="inline",
        factor_edition="",
        factor_id="inline",
        factor_value=ef[ok],
        factor_unit=first_seen(eu_codes[ok], eu_values),
        factor_gwp_basis=first_seen(co2e_codes[ok], np.array(["", "as supplied"], dtype=object)),
        parameters=first_seen(param_combo[ok], param_v),
        lineage=first_seen(line_combo[ok], line_v),
        flags=first_seen(co2e_codes[ok], np.array(["inline_factor", "inline_factor|inline_co2e"], dtype=object)),
    )
    out = apply_oxidation_and_biomass(out, sub, ctx.gwp)
    return MethodOutput(out, np.asarray(sub["pos"].to_numpy()[bad], dtype=np.int64), problems)
