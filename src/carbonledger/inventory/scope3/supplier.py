"""Supplier-specific method: quantity purchased × the supplier's product footprint.

    E = Q [in declared units] / declared_amount × PCF       (kg CO2e)

GHG Protocol, Technical Guidance for Calculating Scope 3 Emissions (2013), Category 1,
"supplier-specific method": Σ (quantity of goods purchased × supplier-specific product
emission factor, cradle to gate). The footprint is a PACT ProductFootprint (the PCF
*excluding* biogenic CO2 uptake, ``pcfExcludingBiogenicUptake`` in v3, ``pCfExcludingBiogenic``
in v2, kg CO2e per declared unit) or a row of the user's supplier table; see
:mod:`carbonledger.inventory.scope3.inputs`.

Matching: the record's ``supplier_id`` against the footprint's supplier ids (PACT
``companyIds`` or ``companyName``) and ``product_id`` against its product ids (PACT
``productIds`` or ``productNameCompany``). Several matches: the one valid on the record's
period start wins, then the latest validity end. A record whose period is not inside the
footprint's validity period is computed and flagged ``footprint_outside_validity``.

Unit conversion, per distinct pair, in this order: (1) pint, record unit → declared unit;
(2) a mass purchase of a product declared per piece/litre/… via the footprint's mass per
declared unit (PACT v3 ``productMassPerDeclaredUnit``); (3) a count purchase (pieces) of a
product declared per mass via the record's ``mass`` per piece. Otherwise the record is an
error naming its ``unit``.

Hybrid method (Technical Guidance, Category 1, "hybrid method"): a supplier's allocated
Scope 1 and 2 emissions (record in CO2e, with ``method=hybrid`` and allocation columns) are
primary data, computed by :mod:`carbonledger.inventory.scope3.reported`; the same supplier's
material inputs, transport and waste are separate records with ``method=hybrid`` computed by
the average-data or spend-based methods and tagged as the hybrid's secondary part.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger.errors import Problem, UnitError
from carbonledger.gwp import GWP_SETS
from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import MethodOutput, empty_rows, fmt, rows
from carbonledger.inventory.scope3._common import Prepared, problem, tag
from carbonledger.inventory.scope3.dqi import temporal_score
from carbonledger.inventory.scope3.inputs import Scope3Inputs
from carbonledger.units import multiplier

__all__ = ["supplier_specific_method"]


def _pair_factor(
    rec_unit: str, declared: str, mass_per_unit_kg: float, rec_mass_kg: float
) -> tuple[float, str]:
    """Declared units per record unit, and how it was obtained (NaN if impossible)."""
    try:
        return multiplier(rec_unit, declared), ""
    except UnitError:
        pass
    if not math.isnan(mass_per_unit_kg) and mass_per_unit_kg > 0:
        try:
            kg = multiplier(rec_unit, "kg")
            return (
                kg / mass_per_unit_kg,
                f"via the footprint's mass per {declared} ({mass_per_unit_kg:.6g} kg)",
            )
        except UnitError:
            pass
    if not math.isnan(rec_mass_kg) and rec_mass_kg > 0:
        try:
            pieces = multiplier(rec_unit, "pieces")
            return pieces * rec_mass_kg * multiplier(
                "kg", declared
            ), f"via the record's mass per piece ({rec_mass_kg:.6g} kg)"
        except UnitError:
            pass
    return math.nan, ""


def supplier_specific_method(sub: pd.DataFrame, ctx: RunContext, inputs: Scope3Inputs) -> MethodOutput:
    """Compute records (validated, with ``pos``) from supplier footprints."""
    if sub.empty:
        return MethodOutput(empty_rows())
    prep = Prepared.of(sub, "supplier_specific")
    records = prep.records.reset_index(drop=True)
    footprints = inputs.footprints
    problems: list[Problem] = []
    n = len(records)
    if footprints is None or footprints.empty:
        problems = [
            problem(
                ctx,
                records,
                k,
                "supplier_id",
                "no supplier footprints were given for the supplier-specific method",
                "supplier footprints (--suppliers: PACT JSON files or a supplier table)",
                records["supplier_id"].to_numpy()[k],
            )
            for k in range(n)
        ]
        return MethodOutput(empty_rows(), records["pos"].to_numpy(dtype=np.int64), problems)
    left = pd.DataFrame(
        {
            "k": np.arange(n),
            "supplier_id": records["supplier_id"].to_numpy(dtype=object),
            "product_id": records["product_id"].to_numpy(dtype=object),
            "start": pd.to_datetime(records["period_start"]).to_numpy(),
            "end": pd.to_datetime(records["period_end"]).to_numpy(),
        }
    )
    m = left.merge(
        footprints.reset_index(drop=True).reset_index(names="fp"),
        on=["supplier_id", "product_id"],
        how="inner",
    )
    m["covers"] = (m["valid_from"] <= m["start"]) & (m["start"] <= m["valid_to"])
    m = m.sort_values(["k", "covers", "valid_to", "fp"], ascending=[True, False, False, True], kind="stable")
    m = m.drop_duplicates("k", keep="first").set_index("k").reindex(np.arange(n))
    found = m["fp"].notna().to_numpy()
    for k in np.flatnonzero(~found):
        problems.append(
            problem(
                ctx,
                records,
                int(k),
                "product_id",
                f"no supplier footprint for supplier {records['supplier_id'].to_numpy()[k]!r}, product "
                f"{records['product_id'].to_numpy()[k]!r}",
                "a footprint whose supplier id (PACT companyIds/companyName) and product id (PACT productIds/"
                "productNameCompany) equal the record's",
                records["product_id"].to_numpy()[k],
            )
        )
    declared = m["declared_unit"].astype(object).fillna("").to_numpy()
    rec_unit = records["unit"].to_numpy(dtype=object)
    mass_per = m["mass_per_declared_unit_kg"].to_numpy(dtype=np.float64) / m["declared_amount"].to_numpy(
        dtype=np.float64
    )
    rec_mass = records["mass"].to_numpy(dtype=np.float64) * _to_kg(
        records["mass_unit"].to_numpy(dtype=object)
    )
    combos = pd.MultiIndex.from_arrays(
        [rec_unit, declared, np.nan_to_num(mass_per, nan=-1.0), np.nan_to_num(rec_mass, nan=-1.0)]
    )
    codes, uniques = pd.factorize(combos)
    conv = np.full(len(uniques), np.nan)
    how = np.empty(len(uniques), dtype=object)
    for i, (u, d, mp, rm) in enumerate(uniques):
        if not d:
            how[i] = ""
            continue
        conv[i], how[i] = _pair_factor(str(u), str(d), math.nan if mp < 0 else mp, math.nan if rm < 0 else rm)
    factor = conv[codes]
    how_text = how[codes]
    no_conv = found & np.isnan(factor)
    for k in np.flatnonzero(no_conv):
        problems.append(
            problem(
                ctx,
                records,
                int(k),
                "unit",
                f"the footprint's declared unit {declared[k]!r} cannot be converted to the purchased unit {rec_unit[k]!r}",
                f"a quantity in {declared[k]} (or a unit of the same dimension); for a count declared per mass give "
                "mass and mass_unit per piece",
                rec_unit[k],
            )
        )
    ok = found & ~no_conv
    declared_qty = records["quantity"].to_numpy(dtype=np.float64) * factor
    amount = m["declared_amount"].to_numpy(dtype=np.float64)
    pcf = m["pcf_kg"].to_numpy(dtype=np.float64)
    co2e_kg = declared_qty / amount * pcf
    outside = ok & ~m["covers"].fillna(False).to_numpy(dtype=bool)
    prep.add_flags(outside, "footprint_outside_validity")
    gwp_basis = m["gwp_basis"].astype(object).fillna("").astype(str).to_numpy()
    differs = ok & np.array(
        [
            bool(b) and ctx.gwp not in b.split(",") and all(x in GWP_SETS for x in b.split(","))
            for b in gwp_basis
        ],
        dtype=bool,
    )
    prep.add_flags(differs, "gwp_basis_differs:" + ctx.gwp)
    prep.add_params(
        ok,
        "quantity "
        + fmt(records["quantity"])
        + " "
        + rec_unit.astype(str)
        + " = "
        + fmt(declared_qty)
        + " "
        + declared.astype(str)
        + np.where(how_text != "", " " + how_text.astype(str), "")
        + "; PCF "
        + fmt(pcf)
        + " kg CO2e per "
        + fmt(amount)
        + " "
        + declared.astype(str)
        + " (excluding biogenic uptake)"
        + np.where(
            outside,
            "; record period outside the footprint's validity "
            + _day_text(m["valid_from"])
            + ".."
            + _day_text(m["valid_to"]),
            "",
        ),
    )
    keep = np.flatnonzero(ok)
    source = m["source"].astype(object).fillna("").to_numpy()
    fp_id = m["footprint_id"].astype(object).fillna("").astype(str).to_numpy()
    origin = m["origin"].astype(object).fillna("").astype(str).to_numpy()
    out = rows(
        records["pos"].to_numpy(dtype=np.int64)[keep],
        gas="CO2e",
        mass_kg=np.full(len(keep), np.nan),
        co2e_kg=co2e_kg[keep],
        method="supplier_specific",
        factor_full_id=np.where(origin[keep] == "pact", "pact:" + fp_id[keep], "supplier_table"),
        factor_set=np.where(origin[keep] == "pact", "pact", "supplier_table"),
        factor_edition=m["spec_version"].astype(object).fillna("").to_numpy()[keep],
        factor_id=(
            records["supplier_id"].to_numpy(dtype=object)[keep].astype(str)
            + "/"
            + records["product_id"].to_numpy(dtype=object)[keep].astype(str)
        ),
        factor_value=(pcf / amount)[keep],
        factor_unit=("kg CO2e/" + declared[keep].astype(str)),
        factor_gwp_basis=gwp_basis[keep],
        lineage="supplier footprint: " + source[keep].astype(str),
        flags="supplier_footprint",
    )
    ref_year = m["reference_year"].to_numpy(dtype=np.float64)
    year0 = pd.to_datetime(records["period_start"]).dt.year.to_numpy(dtype=np.float64)
    gap = np.abs(year0 - ref_year)
    dqi = {
        c: m[c].to_numpy(dtype=np.float64)
        for c in (
            "dqi_technological",
            "dqi_temporal",
            "dqi_geographical",
            "dqi_completeness",
            "dqi_reliability",
        )
    }
    prep_sorted = Prepared(records, prep.s3_method, prep.scale, prep.params, prep.flags, prep.proxy)
    tagged = tag(out, prep_sorted, temporal=temporal_score(gap), geographical=np.ones(n), dqi_defaults=dqi)
    rejected = records["pos"].to_numpy(dtype=np.int64)[~ok]
    return MethodOutput(tagged, rejected, problems)


def _day_text(values: pd.Series) -> npt.NDArray[np.object_]:
    days = pd.to_datetime(values, errors="coerce")
    return np.asarray(days.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object), dtype=object)


def _to_kg(units: npt.NDArray[np.object_]) -> npt.NDArray[np.float64]:
    codes, uniques = pd.factorize(pd.Series(units, dtype=object))
    values = np.full(len(uniques), np.nan)
    for i, u in enumerate(uniques):
        try:
            values[i] = multiplier(str(u), "kg") if u else np.nan
        except UnitError:
            values[i] = np.nan
    return values[codes] if len(codes) else np.zeros(0)
