"""Category 3: fuel- and energy-related activities not in Scope 1 or 2.

Technical Guidance for Calculating Scope 3 Emissions (2013), Category 3, activities A-D:

* **A. Upstream of purchased fuels** (well-to-tank): ``E = fuel consumed × WTT EF``
  (``wtt/fuel/<fuel>``; DESNZ WTT factors);
* **B. Upstream of purchased electricity, heat and steam**: ``E = energy × WTT EF``
  (``electricity/wtt``, ``heat/wtt``);
* **C. Transmission and distribution losses** (location-based):
  ``E = electricity consumed × T&D loss rate × grid EF`` — the loss rate from the record's
  ``loss_rate`` or from a factor set that publishes it (EPA eGRID "grid gross loss", a
  ``loss_rate`` parameter), the grid EF resolved for ``electricity/grid`` in the record's
  region; or a ready-made per-kWh T&D factor (DESNZ ``electricity/td_losses``);
* **D. Generation of electricity purchased for resale**: ``E = electricity bought for
  resale × generation EF`` (``electricity/resale`` uses the ``electricity/grid`` factor of
  the region, or a supplier's inline factor).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonledger.factors.resolve import resolve
from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import fmt
from carbonledger.inventory.methods.factor import resolution_frame
from carbonledger.inventory.scope3._common import Prepared

__all__ = ["prepare_energy"]


def prepare_energy(sub: pd.DataFrame, ctx: RunContext) -> Prepared:
    prep = Prepared.of(sub, "average_data")
    r = prep.records
    activity = r["activity"].to_numpy(dtype=object)
    td = activity == "electricity/td_losses"
    loss = r["loss_rate"].to_numpy(dtype=np.float64).copy()
    # a published loss rate (e.g. EPA eGRID) where the record gives none
    need = td & np.isnan(loss)
    if need.any():
        res = resolve(
            resolution_frame(r[need]),
            ctx.factor_sets,
            store=ctx.store,
            raise_on_missing=False,
            file=ctx.source,
        )
        rates = res.factor_rows(["loss_rate"])
        if not rates.empty:
            by_factor = dict(
                zip(zip(rates["full_id"], rates["factor_id"], strict=True), rates["value"], strict=True)
            )
            chosen = zip(
                res.table["factor_full_id"].astype(object), res.table["factor_id"].astype(object), strict=True
            )
            found = np.array([by_factor.get((f, i), np.nan) for f, i in chosen], dtype=np.float64)
            idx = np.flatnonzero(need)
            loss[idx] = found
            names = (
                res.table["factor_full_id"].astype(object).astype(str).to_numpy()
                + " "
                + res.table["factor_id"].astype(object).astype(str).to_numpy()
            )
            src = np.full(len(r), "", dtype=object)
            src[idx] = np.where(np.isnan(found), "", "published loss rate " + names)
            prep.add_params(src != "", src)
    rate = td & ~np.isnan(loss)
    if rate.any():
        prep.scale = prep.scale * np.where(rate, loss, 1.0)
        r["activity"] = np.where(rate, "electricity/grid", r["activity"].to_numpy(dtype=object))
        prep.add_params(
            rate,
            "T&D losses = electricity consumed × loss rate " + fmt(loss) + " × location-based grid factor",
        )
    resale = activity == "electricity/resale"
    if resale.any():
        r["activity"] = np.where(resale, "electricity/grid", r["activity"].to_numpy(dtype=object))
        prep.add_params(resale, "electricity purchased for resale × grid generation factor")
    return prep
