"""Average-data and activity-based methods for the remaining categories.

* **Purchased goods / capital goods, average-data** (Technical Guidance for Calculating
  Scope 3 Emissions, 2013, Category 1/2, "average-data method"): ``E = Σ mass (or units) ×
  cradle-to-gate EF`` — e.g. DESNZ material-use factors ``material/<material>/primary``.
* **Waste generated in operations / end of life of sold products, waste-type-specific**
  (Category 5 and 12): ``E = Σ waste mass by type and treatment route × EF(type, route)``
  — DESNZ ``waste/<type>/<route>``. ``end_of_life/<type>/<route>`` uses the factor of
  ``waste/<type>/<route>``; with the quantity in pieces sold and ``mass`` per piece the mass
  is derived: ``units sold × mass per unit``.
* **Use of sold products, direct use-phase** (Category 11, "direct use-phase emissions",
  products that consume energy): ``E = units sold × lifetime energy per unit × EF``;
  ``use_phase/<energy activity>`` (e.g. ``use_phase/electricity/grid``,
  ``use_phase/fuel/gasoline``) uses the factor of the energy activity in the record's region
  (the market where the products are used).
* **Leased assets, franchises, processing, investments (non-reported)**: the asset's,
  franchise's or site's own activity data × factor: ``leased_upstream/<activity>``,
  ``leased_downstream/<activity>``, ``franchise/<activity>``, ``processing/<activity>``,
  ``investment/<activity>`` use the factor of ``<activity>``; ``capital/<activity>`` likewise.

The prefix is stripped only when the run's factor sets have no factor under the full key,
so a set that publishes, say, ``leased_upstream/vehicle/...`` factors (DESNZ) is used as is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import fmt
from carbonledger.inventory.scope3._common import Prepared, available_activities, unit_multipliers

__all__ = ["ALIASES", "alias_activities", "prepare_average_data"]

ALIASES: tuple[tuple[str, str], ...] = (
    ("use_phase/", ""),
    ("end_of_life/", "waste/"),
    ("leased_upstream/", ""),
    ("leased_downstream/", ""),
    ("franchise/", ""),
    ("processing/", ""),
    ("investment/", ""),
    ("capital/", ""),
    ("downstream_transport/", "freight/"),
    ("freight_fuel/", "fuel/"),
)
"""Scope 3 key prefix → the key whose factor applies (used when the full key has none)."""

_DEFAULT_METHOD = {
    "waste/": "waste_type_specific",
    "end_of_life/": "waste_type_specific",
    "use_phase/": "direct_use_phase",
    "leased_upstream/": "asset_specific",
    "leased_downstream/": "asset_specific",
    "franchise/": "franchise_specific",
    "processing/": "site_specific",
    "investment/": "investment_specific",
}


def alias_activities(prep: Prepared, ctx: RunContext) -> None:
    """Replace Scope 3 wrapper keys by the key whose factor applies (see :data:`ALIASES`)."""
    r = prep.records
    activity = r["activity"].to_numpy(dtype=object)
    codes, uniques = pd.factorize(pd.Series(activity, dtype=object))
    available = available_activities(ctx)
    mapped = []
    for key in uniques:
        text = str(key)
        new = text
        if text not in available:
            for prefix, replacement in ALIASES:
                if text.startswith(prefix):
                    new = replacement + text[len(prefix) :]
                    break
        mapped.append(new)
    new_keys = np.array(mapped, dtype=object)[codes] if len(codes) else np.zeros(0, dtype=object)
    changed = new_keys != activity
    if changed.any():
        r["activity"] = new_keys
        prep.add_params(changed, "factor of " + new_keys.astype(str) + " applied to " + activity.astype(str))


def prepare_average_data(sub: pd.DataFrame) -> Prepared:
    prefix = sub["family"].astype(str).str.split("/").str[0].to_numpy(dtype=object) + "/"
    method = np.array([_DEFAULT_METHOD.get(str(p), "average_data") for p in prefix], dtype=object)
    prep = Prepared.of(sub, method)
    r = prep.records
    quantity = r["quantity"].to_numpy(dtype=np.float64)
    # use phase: units sold × lifetime energy per unit
    energy = r["lifetime_energy"].to_numpy(dtype=np.float64)
    use = (prefix == "use_phase/") & ~np.isnan(energy)
    if use.any():
        per_unit = unit_multipliers(r["unit"].to_numpy(dtype=object), "pieces")
        units_sold = quantity * per_unit
        total = units_sold * energy
        unit = r["lifetime_energy_unit"].to_numpy(dtype=object)
        r["quantity"] = np.where(use, total, quantity)
        r["unit"] = np.where(use, unit, r["unit"].to_numpy(dtype=object))
        prep.add_params(
            use,
            "lifetime use = "
            + fmt(units_sold)
            + " units sold × "
            + fmt(energy)
            + " "
            + unit.astype(str)
            + " per unit = "
            + fmt(total)
            + " "
            + unit.astype(str),
        )
    # end of life: units sold × mass per unit
    mass = r["mass"].to_numpy(dtype=np.float64)
    eol = (prefix == "end_of_life/") & ~np.isnan(mass)
    if eol.any():
        per_unit = unit_multipliers(r["unit"].to_numpy(dtype=object), "pieces")
        kg = mass * unit_multipliers(r["mass_unit"].to_numpy(dtype=object), "kg")
        total = quantity * per_unit * kg
        r["quantity"] = np.where(eol, total, r["quantity"].to_numpy(dtype=np.float64))
        r["unit"] = np.where(eol, "kg", r["unit"].to_numpy(dtype=object))
        prep.add_params(
            eol,
            "end-of-life mass = "
            + fmt(quantity * per_unit)
            + " units × "
            + fmt(kg)
            + " kg per unit = "
            + fmt(total)
            + " kg",
        )
    return prep
