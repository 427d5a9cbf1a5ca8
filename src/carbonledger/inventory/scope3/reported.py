"""Emissions reported by a value-chain partner, attributed or allocated to the company.

A Scope 3 record whose quantity is itself an amount of CO2e (unit ``t CO2e``, ``kg CO2e``)
is a partner's reported Scope 1 and 2 emissions. They are multiplied by

* the **attribution factor** for investments (Category 15; PCAF Global GHG Accounting and
  Reporting Standard for the Financial Industry, Part A, 2nd ed. 2022, listed equity and
  corporate bonds: attribution factor = outstanding amount / EVIC; the factor is the user's
  input): ``E = AF × (Scope 1 + Scope 2 of the investee)``;
* the **allocation share** ``allocation_amount / allocation_total`` (hybrid method: the
  supplier's Scope 1+2 allocated by the quantity bought over its total output; franchises,
  leased assets: the share of a shared site), basis named by the unit's dimension.

GHG Protocol Technical Guidance for Calculating Scope 3 Emissions (2013): Category 1 hybrid
method ("allocated scope 1 and 2 emissions of supplier"), Category 8/13 asset-specific and
lessor/lessee-specific methods, Category 14 franchise-specific method, Category 15
investment-specific method.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import MethodOutput, empty_rows, fmt, rows
from carbonledger.inventory.scope3._common import Prepared, tag, unit_multipliers

__all__ = ["reported_method"]

_DEFAULT_METHOD = {
    "investment/": "investment_specific",
    "franchise/": "franchise_specific",
    "leased_upstream/": "asset_specific",
    "leased_downstream/": "asset_specific",
    "processing/": "site_specific",
    "supplier/": "hybrid",
}


def reported_method(sub: pd.DataFrame, ctx: RunContext, prep: Prepared | None = None) -> MethodOutput:
    """Records whose quantity is CO2e (see the module docstring)."""
    if sub.empty:
        return MethodOutput(empty_rows())
    prefix = sub["family"].astype(str).str.split("/").str[0].to_numpy(dtype=object) + "/"
    default = np.array([_DEFAULT_METHOD.get(str(p), "supplier_specific") for p in prefix], dtype=object)
    prep = prep or Prepared.of(sub, default)
    records = prep.records
    kg = records["quantity"].to_numpy(dtype=np.float64) * unit_multipliers(
        records["unit"].to_numpy(dtype=object), "kg CO2e"
    )
    af = records["attribution_factor"].to_numpy(dtype=np.float64)
    has_af = ~np.isnan(af)
    prep.scale = prep.scale * np.where(has_af, af, 1.0)
    prep.add_params(has_af, "attribution factor " + fmt(af) + " × investee emissions (PCAF-style)")
    out = rows(
        records["pos"].to_numpy(dtype=np.int64),
        gas="CO2e",
        mass_kg=np.full(len(records), np.nan),
        co2e_kg=kg,
        method="reported",
        factor_full_id="reported",
        factor_set="reported",
        factor_id="",
        factor_value=np.full(len(records), np.nan),
        factor_unit="",
        factor_gwp_basis="as reported",
        lineage="CO2e reported by the value-chain partner (quantity "
        + fmt(records["quantity"])
        + " "
        + records["unit"].to_numpy(dtype=object).astype(str)
        + ")",
        flags="reported_emissions",
    )
    return MethodOutput(tag(out, prep, temporal=np.ones(len(records)), geographical=np.ones(len(records))))
