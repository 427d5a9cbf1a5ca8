"""Upstream and downstream transport (Categories 4 and 9): distance-, fuel-based, allocation.

* **Distance-based**: ``E = mass × distance × EF_tkm`` (Technical Guidance for Calculating
  Scope 3 Emissions, 2013, Category 4, "distance-based method": Σ (mass of goods purchased ×
  distance travelled in transport leg × emission factor of transport mode or vehicle type)).
  Give ``quantity`` in tonne-km, or ``mass`` and ``distance`` (both required together);
  factors per tonne-km by mode from DESNZ (``freight/road/hgv/…``, ``freight/rail/freight_train``,
  ``freight/sea/container_ship/…``, ``freight/air/…``) or the EPA Hub (per short ton-mile).
* **Fuel-based**: ``E = fuel consumed × EF_fuel`` (Category 4, "fuel-based method"); activity
  ``freight_fuel/<fuel>`` uses the combustion factor of ``fuel/<fuel>`` as Scope 3.
* **Allocation of a shared vehicle** (Category 4, "allocating emissions of vehicles"): a
  vehicle-level amount (fuel, vehicle-km) is multiplied by ``allocation_amount /
  allocation_total`` — the shipment's mass over the load's mass (mass basis) or volume over
  volume (volume basis); the basis is the dimension of ``allocation_unit`` and is stated.
* Well-to-tank of the carrier's fuels: ``wtt/freight/…`` records, same method.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonledger.inventory.methods._rows import fmt
from carbonledger.inventory.scope3._common import Prepared, dimension_names, unit_multipliers

__all__ = ["apply_allocation", "prepare_freight"]


def apply_allocation(prep: Prepared) -> None:
    """Multiply by ``allocation_amount / allocation_total`` where given; state the basis."""
    r = prep.records
    amount = r["allocation_amount"].to_numpy(dtype=np.float64)
    total = r["allocation_total"].to_numpy(dtype=np.float64)
    has = ~np.isnan(amount) & ~np.isnan(total) & (total > 0)
    if not has.any():
        return
    share = np.where(has, amount / np.where(has, total, 1.0), 1.0)
    prep.scale = prep.scale * share
    unit = r["allocation_unit"].to_numpy(dtype=object)
    dims = dimension_names(unit)
    basis = np.select(
        [
            dims == "mass",
            dims == "volume",
            pd.Series(dims, dtype=object).str.startswith("currency").to_numpy(),
            dims == "count (pieces)",
        ],
        ["mass", "volume", "economic value", "units"],
        dims.astype(str),
    )
    prep.add_params(
        has,
        "allocated by "
        + basis
        + ": "
        + fmt(amount)
        + " / "
        + fmt(total)
        + " "
        + unit.astype(str)
        + " = share "
        + fmt(share),
    )


def prepare_freight(sub: pd.DataFrame) -> Prepared:
    """Distance- or fuel-based freight records, with derived tonne-km and allocation."""
    family = sub["family"].to_numpy(dtype=object)
    method = np.where(family == "freight_fuel/", "fuel_based", "distance_based").astype(object)
    prep = Prepared.of(sub, method)
    r = prep.records
    mass = r["mass"].to_numpy(dtype=np.float64)
    distance = r["distance"].to_numpy(dtype=np.float64)
    derived = ~np.isnan(mass) & ~np.isnan(distance) & np.isnan(r["quantity"].to_numpy(dtype=np.float64))
    if derived.any():
        t = mass * unit_multipliers(r["mass_unit"].to_numpy(dtype=object), "t")
        km = distance * unit_multipliers(r["distance_unit"].to_numpy(dtype=object), "km")
        tkm = t * km
        unit = r["unit"].to_numpy(dtype=object)
        to_unit = unit_multipliers(np.full(len(r), "tkm", dtype=object), "tkm")
        r["quantity"] = np.where(derived, tkm * to_unit, r["quantity"].to_numpy(dtype=np.float64))
        r["unit"] = np.where(derived, "tkm", unit)
        prep.add_params(
            derived, "tonne-km = mass " + fmt(t) + " t × distance " + fmt(km) + " km = " + fmt(tkm) + " tkm"
        )
    fuel = family == "freight_fuel/"
    if fuel.any():
        activity = r["activity"].to_numpy(dtype=object)
        r["activity"] = np.where(
            fuel,
            pd.Series(activity, dtype=object)
            .str.replace("freight_fuel/", "fuel/", n=1, regex=False)
            .to_numpy(),
            activity,
        )
        prep.add_params(
            fuel, "fuel-based: carrier's fuel × combustion factor of " + r["activity"].astype(str).to_numpy()
        )
    apply_allocation(prep)
    return prep
