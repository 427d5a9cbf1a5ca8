"""Business travel (Category 6) and employee commuting (Category 7).

* **Business travel, distance-based**: ``E = Σ distance × EF(mode, class)`` per passenger-km
  (or vehicle-km for hire cars, room-nights × EF for hotel stays) — Technical Guidance for
  Calculating Scope 3 Emissions (2013), Category 6, "distance-based method"; DESNZ
  business-travel factors (``travel/air/long_haul/economy``, ``travel/rail/…``,
  ``travel/hotel/<country>``).
* **Employee commuting, average-data**: Technical Guidance, Category 7, "average-data method":
  total distance by mode = employees × share using the mode × working days × 2 × one-way
  distance (a return trip each working day), then × EF(mode). Give ``employees``,
  ``working_days``, ``distance`` (one way), ``share`` and, as ``unit``, the factor's
  activity unit: ``pkm`` (bus, rail), or ``km`` / ``vkm`` for cars (one employee per car; a
  car-sharing occupancy would be divided out by the user through ``share``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonledger.inventory.methods._rows import fmt
from carbonledger.inventory.scope3._common import Prepared, dimension_names, unit_multipliers

__all__ = ["prepare_travel"]


def prepare_travel(sub: pd.DataFrame) -> Prepared:
    family = sub["family"].astype(str).to_numpy(dtype=object)
    commuting = pd.Series(family, dtype=object).str.startswith(("commuting/", "homeworking/")).to_numpy()
    method = np.where(commuting, "average_data", "distance_based").astype(object)
    hotel = sub["activity"].astype(str).str.startswith("travel/hotel").to_numpy()
    method = np.where(hotel, "average_data", method).astype(object)
    prep = Prepared.of(sub, method)
    r = prep.records
    employees = r["employees"].to_numpy(dtype=np.float64)
    derived = ~np.isnan(employees) & np.isnan(r["quantity"].to_numpy(dtype=np.float64))
    if derived.any():
        km = r["distance"].to_numpy(dtype=np.float64) * unit_multipliers(
            r["distance_unit"].to_numpy(dtype=object), "km"
        )
        share = r["share"].to_numpy(dtype=np.float64)
        days = r["working_days"].to_numpy(dtype=np.float64)
        total_km = employees * share * days * 2.0 * km
        unit = r["unit"].to_numpy(dtype=object)
        dims = dimension_names(unit)
        base = np.select(
            [dims == "passenger × distance (pkm)", dims == "vehicle × distance"],
            ["passenger*km", "vehicle*km"],
            "km",
        ).astype(object)
        to_unit = np.array(
            [
                unit_multipliers(np.array([b], dtype=object), str(u))[0] if d else np.nan
                for b, u, d in zip(base, unit, derived, strict=True)
            ],
            dtype=np.float64,
        )
        r["quantity"] = np.where(derived, total_km * to_unit, r["quantity"].to_numpy(dtype=np.float64))
        prep.add_params(
            derived,
            "commuting distance = "
            + fmt(employees)
            + " employees × share "
            + fmt(share)
            + " × "
            + fmt(days)
            + " days × 2 × "
            + fmt(km)
            + " km one way = "
            + fmt(total_km)
            + " km",
        )
    return prep
