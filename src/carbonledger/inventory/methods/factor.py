"""Activity × emission factor, with measured NCV, oxidation and biomass fraction.

For a record with quantity Q (GHG Protocol Corporate Standard ch. 6; EU MRR 2018/2066
Art. 24 "standard methodology", as used by CBAM IR 2025/2547 Annex II B):

* without NCV: ``E_gas = Q × EF_gas`` with the factor resolved for Q's unit;
* with a measured NCV: ``energy = Q × NCV`` and ``E_gas = energy × EF_gas`` with the factor
  resolved for energy;
* a measured oxidation (or, for process emissions, conversion) factor multiplies fossil
  CO2: ``E_CO2 = … × OF``;
* a biomass fraction BF splits CO2 into fossil ``(1 − BF)`` (Scope 1) and biogenic ``BF``
  (reported outside the scopes; GHG Protocol Corporate Standard ch. 9). CH4 and N2O are
  not split: they stay in Scope 1 whatever the fuel's origin.

A record whose resolved factor carries carbon-content parameters instead of emission
factors (the China fuel-default sets) is computed with the carbon-content method
(:mod:`carbonledger.inventory.methods.carbon_content`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger.calc import factor_emissions
from carbonledger.errors import Problem, UnitError
from carbonledger.factors.resolve import Resolution, resolve
from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import MethodOutput, _at, empty_rows, fmt, rows
from carbonledger.units import multiplier

__all__ = ["apply_oxidation_and_biomass", "factor_method", "resolution_frame"]


def resolution_frame(
    sub: pd.DataFrame,
    unit: pd.Series | npt.NDArray[np.object_] | None = None,
    activity: pd.Series | str | None = None,
) -> pd.DataFrame:
    """The columns :func:`resolve` reads, from validated records."""
    return pd.DataFrame(
        {
            "record_id": sub["record_id"].to_numpy(),
            "row": sub["row"].to_numpy(),
            "activity": sub["activity"].to_numpy()
            if activity is None
            else (
                np.full(len(sub), activity, dtype=object)
                if isinstance(activity, str)
                else np.asarray(activity)
            ),
            "unit": sub["unit"].to_numpy() if unit is None else np.asarray(unit),
            "region": sub["region"].to_numpy(),
            "period_start": sub["period_start"].to_numpy(),
            "period_end": sub["period_end"].to_numpy(),
            "factor_id": sub["factor_id"].to_numpy(),
            "factor_set": sub["factor_set"].to_numpy(),
        }
    )


def _energy_from_ncv(sub: pd.DataFrame) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], list[str]]:
    """Q × NCV in GJ per record with a measured NCV; (gj, ok, messages)."""
    pairs = pd.MultiIndex.from_arrays([sub["unit"].to_numpy(), sub["ncv_unit"].to_numpy()])
    codes, uniques = pd.factorize(pairs)
    m = np.full(len(uniques), np.nan)
    for i, (u, nu) in enumerate(uniques):
        try:
            m[i] = multiplier(f"({u})*({nu})", "GJ")
        except UnitError:
            m[i] = np.nan
    per = m[codes]
    ok = ~np.isnan(per)
    gj = sub["quantity"].to_numpy() * sub["ncv"].to_numpy() * np.where(ok, per, 0.0)
    messages = [
        f"quantity unit {u!r} × ncv_unit {nu!r} is not an energy"
        for u, nu in zip(sub["unit"].to_numpy()[~ok], sub["ncv_unit"].to_numpy()[~ok], strict=True)
    ]
    return gj, ok, messages


def factor_method(
    sub: pd.DataFrame, ctx: RunContext, *, diagnose: bool = True
) -> tuple[MethodOutput, Resolution | None, pd.DataFrame]:
    """Resolve and compute ``sub`` (validated records with a ``pos`` column).

    Returns the output, the resolution, and the records whose chosen factor holds
    carbon-content parameters (to be computed by the carbon-content method).
    """
    problems: list[Problem] = []
    if sub.empty:
        return MethodOutput(empty_rows()), None, sub
    has_ncv = ~np.isnan(sub["ncv"].to_numpy())
    quantity = sub["quantity"].to_numpy().copy()
    unit = sub["unit"].to_numpy(dtype=object).copy()
    rejected: list[int] = []
    if has_ncv.any():
        gj, ok, messages = _energy_from_ncv(sub[has_ncv])
        idx = np.flatnonzero(has_ncv)
        quantity[idx[ok]] = gj[ok]
        unit[idx[ok]] = "GJ"
        for k, message in zip(idx[~ok], messages, strict=True):
            problems.append(
                _problem(
                    ctx,
                    sub,
                    int(k),
                    "ncv_unit",
                    message,
                    "an NCV unit that turns the quantity into energy, e.g. GJ/t for t",
                )
            )
            rejected.append(int(_at(sub, "pos", int(k))))
    keep = ~np.isin(sub["pos"].to_numpy(), rejected)
    sub, quantity, unit = sub[keep], quantity[keep], unit[keep]
    resolution = resolve(
        resolution_frame(sub, unit),
        ctx.factor_sets,
        store=ctx.store,
        raise_on_missing=False,
        file=ctx.source,
        diagnose=diagnose,
    )
    problems += resolution.problems
    resolved = resolution.table["factor_id"].notna().to_numpy()
    rejected += [int(p) for p in sub["pos"].to_numpy()[~resolved]]
    # factors that hold carbon-content parameters instead of emission factors
    ef_rows = resolution.factor_rows(["emission_factor", "carbonate_factor"])
    with_ef = set(zip(ef_rows["full_id"], ef_rows["factor_id"], strict=True))
    chosen = list(
        zip(
            resolution.table["factor_full_id"].astype(object),
            resolution.table["factor_id"].astype(object),
            strict=True,
        )
    )
    parameter_only = resolved & np.array([c not in with_ef for c in chosen], dtype=bool)
    computed = resolved & ~parameter_only
    calc = factor_emissions(
        np.where(computed, quantity, np.nan), unit, _mask_resolution(resolution, computed), ctx.gwp
    ).table
    pos = sub["pos"].to_numpy()
    table = resolution.table
    rp = calc["record_pos"].to_numpy()
    lineage = table["resolution"].astype(object).to_numpy()[rp]
    flags = _join_flags(
        table["resolution_flags"].astype(object).to_numpy()[rp], calc["calc_flags"].astype(object).to_numpy()
    )
    params = np.where(
        has_ncv[keep][rp],
        "NCV "
        + fmt(sub["ncv"])[rp]
        + " "
        + sub["ncv_unit"].to_numpy()[rp]
        + " (measured); energy = quantity × NCV",
        "",
    )
    out = rows(
        pos[rp],
        gas=calc["gas"].astype(object).to_numpy(),
        mass_kg=calc["mass_kg"].to_numpy(),
        co2e_kg=calc["co2e_kg"].to_numpy(),
        method="factor" if not has_ncv.any() else np.where(has_ncv[keep][rp], "factor:energy", "factor"),
        factor_full_id=table["factor_full_id"].astype(object).to_numpy()[rp],
        factor_set=table["factor_set"].astype(object).to_numpy()[rp],
        factor_edition=table["factor_edition"].astype(object).to_numpy()[rp],
        factor_id=table["factor_id"].astype(object).to_numpy()[rp],
        factor_value=calc["factor_value"].to_numpy(),
        factor_unit=calc["factor_unit"].astype(object).to_numpy(),
        factor_gwp_basis=calc["factor_gwp_basis"].astype(object).to_numpy(),
        parameters=params,
        lineage=lineage,
        flags=flags,
    )
    out = apply_oxidation_and_biomass(out, sub.set_index("pos"), ctx.gwp)
    return (
        MethodOutput(out, np.array(sorted(set(rejected)), dtype=np.int64), problems),
        resolution,
        sub[parameter_only],
    )


def _mask_resolution(resolution: Resolution, keep: npt.NDArray[np.bool_]) -> Resolution:
    """A copy of the resolution with non-kept records unresolved."""
    table = resolution.table.copy()
    for column in ("factor_full_id", "factor_id"):
        values = table[column].astype(object).to_numpy().copy()
        values[~keep] = None
        table[column] = values
    return Resolution(table=table, index=resolution.index, problems=resolution.problems)


def _join_flags(a: npt.NDArray[np.object_], b: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    frame = pd.DataFrame(
        {"a": pd.Series(a, dtype=object).fillna(""), "b": pd.Series(b, dtype=object).fillna("")}
    )
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(frame))
    joined = np.array(["|".join(x for x in (u[0], u[1]) if x) for u in uniques], dtype=object)
    return joined[codes] if len(codes) else np.zeros(0, dtype=object)


def apply_oxidation_and_biomass(out: pd.DataFrame, records: pd.DataFrame, gwp_set: str) -> pd.DataFrame:
    """Multiply fossil CO2 by a measured oxidation/conversion factor and split CO2 by biomass
    fraction into fossil CO2 and ``CO2_biogenic`` (formulas in the module docstring)."""
    if out.empty:
        return out
    pos = out["record_pos"].to_numpy()
    of = records["oxidation_factor"].reindex(pos).to_numpy()
    bf = records["biomass_fraction"].reindex(pos).to_numpy()
    is_co2 = (out["gas"] == "CO2").to_numpy()
    apply_of = is_co2 & ~np.isnan(of)
    if apply_of.any():
        for column in ("mass_kg", "co2e_kg"):
            values = out[column].to_numpy().copy()
            values[apply_of] *= of[apply_of]
            out[column] = values
        out.loc[apply_of, "parameters"] = _append(
            out.loc[apply_of, "parameters"],
            "oxidation/conversion factor " + fmt(of[apply_of]) + " (measured)",
        )
    split = is_co2 & ~np.isnan(bf) & (np.nan_to_num(bf) > 0)
    if split.any():
        biogenic = out[split].copy()
        share = bf[split]
        biogenic["gas"] = "CO2_biogenic"
        biogenic["mass_kg"] = biogenic["mass_kg"].to_numpy() * share
        biogenic["co2e_kg"] = biogenic["co2e_kg"].to_numpy() * share
        biogenic["parameters"] = _append(
            biogenic["parameters"], "biomass fraction " + fmt(share) + " (biogenic share, outside scopes)"
        )
        for column in ("mass_kg", "co2e_kg"):
            values = out[column].to_numpy().copy()
            values[split] *= 1.0 - share
            out[column] = values
        out.loc[split, "parameters"] = _append(
            out.loc[split, "parameters"], "biomass fraction " + fmt(share) + " (fossil share 1 − BF)"
        )
        out = pd.concat([out, biogenic], ignore_index=True)
    return out


def _append(existing: pd.Series, extra: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    base = existing.astype(object).fillna("").astype(str).to_numpy()
    return np.where(base == "", extra, base + "; " + extra)


def _problem(ctx: RunContext, sub: pd.DataFrame, k: int, field: str, message: str, accepted: str) -> Problem:
    return Problem(
        message,
        file=ctx.source,
        row=int(_at(sub, "row", k)),
        field=field,
        record_id=str(_at(sub, "record_id", k)),
        accepted=accepted,
    )
