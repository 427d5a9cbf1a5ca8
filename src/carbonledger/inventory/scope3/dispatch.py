"""Route each Scope 3 record to its method (one rule per line, first match wins).

===========================================================  ===============================
record                                                       method
===========================================================  ===============================
inline ``emission_factor``                                   inline factor (method as given)
quantity in CO2e (``t CO2e``)                                reported / attributed / allocated
``spend/…``                                                  spend-based
``supplier/…`` or ``method=supplier_specific``               supplier-specific (footprints)
``freight/…``, ``freight_fuel/…``, ``downstream_transport/…``  distance- / fuel-based freight
``travel/…``, ``commuting/…``, ``homeworking/…``             business travel, commuting
``wtt/…``, ``electricity/…``, ``heat/…`` (Category 3)          fuel- and energy-related
everything else (``material/``, ``waste/``, ``use_phase/`` …)   average-data
===========================================================  ===============================

Every factor-based record then goes through ONE factor run (:func:`._common.run_prepared`);
a shared allocation (``allocation_amount / allocation_total``) applies to any record.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger.errors import UnitError
from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import MethodOutput, empty_rows
from carbonledger.inventory.methods.inline import inline_method
from carbonledger.inventory.scope3._common import Prepared, concat_outputs, run_prepared, tag
from carbonledger.inventory.scope3.average_data import alias_activities, prepare_average_data
from carbonledger.inventory.scope3.energy import prepare_energy
from carbonledger.inventory.scope3.freight import apply_allocation, prepare_freight
from carbonledger.inventory.scope3.inputs import Scope3Inputs
from carbonledger.inventory.scope3.reported import reported_method
from carbonledger.inventory.scope3.spend import prepare_spend
from carbonledger.inventory.scope3.supplier import supplier_specific_method
from carbonledger.inventory.scope3.travel import prepare_travel
from carbonledger.inventory.scope3.validate import SCOPE3_COLUMNS, SCOPE3_KINDS
from carbonledger.units import is_co2e_unit

__all__ = ["is_scope3", "scope3_method"]

_USED = frozenset(
    {
        "record_id",
        "row",
        "pos",
        "activity",
        "family",
        "kind",
        "scope",
        "category",
        "quantity",
        "unit",
        "region",
        "period_start",
        "period_end",
        "factor_id",
        "factor_set",
        "method",
        "emission_factor",
        "emission_factor_unit",
        "gas",
        "ncv",
        "ncv_unit",
        "oxidation_factor",
        "biomass_fraction",
        *SCOPE3_COLUMNS,
    }
)


def is_scope3(records: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Records computed by the Scope 3 methods: Scope 3 activity kinds."""
    scope3: npt.NDArray[np.bool_] = _per_value(records["kind"], lambda k: k in SCOPE3_KINDS) & _per_value(
        records["scope"], lambda s: s == "3"
    )
    return scope3


def _per_value(values: pd.Series, test: Any) -> npt.NDArray[np.bool_]:
    """``test`` of each row's text, evaluated once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    per_value = np.array([test(str(u)) for u in uniques], dtype=bool)
    rows: npt.NDArray[np.bool_] = per_value[codes] if len(codes) else np.zeros(0, dtype=bool)
    return rows


def _co2e_units(units: pd.Series) -> npt.NDArray[np.bool_]:
    codes, uniques = pd.factorize(units)
    flags = []
    for unit in uniques:
        try:
            flags.append(bool(unit) and is_co2e_unit(str(unit)))
        except UnitError:
            flags.append(False)
    return np.array(flags, dtype=bool)[codes] if len(codes) else np.zeros(0, dtype=bool)


def scope3_method(records: pd.DataFrame, ctx: RunContext, inputs: Scope3Inputs | None = None) -> MethodOutput:
    """Compute every Scope 3 record (validated, with ``pos``)."""
    inputs = inputs or Scope3Inputs()
    if records.empty:
        return MethodOutput(empty_rows())
    records = records[[c for c in records.columns if c in _USED]]  # the columns the methods read
    family = records["family"].astype(str).to_numpy(dtype=object)
    f_codes, f_uniques = pd.factorize(pd.Series(family, dtype=object))
    prefix = np.array([str(f).split("/")[0] + "/" for f in f_uniques], dtype=object)[f_codes]
    kind = records["kind"].to_numpy(dtype=object)
    method = records["method"].to_numpy(dtype=object)
    remaining = np.ones(len(records), dtype=bool)

    def take(mask: npt.NDArray[np.bool_]) -> pd.DataFrame:
        chosen = remaining & mask
        remaining[chosen] = False
        return records[chosen]

    inline = take(~np.isnan(records["emission_factor"].to_numpy(dtype=np.float64)))
    reported = take(_co2e_units(records["unit"]))
    spend = take(family == "spend/")
    supplier = take((family == "supplier/") | (method == "supplier_specific"))
    freight = take(np.isin(prefix, ["freight/", "freight_fuel/", "downstream_transport/"]))
    travel = take(np.isin(prefix, ["travel/", "commuting/", "homeworking/"]))
    energy = take(kind == "energy_related")
    rest = take(remaining)

    outputs: list[MethodOutput] = []
    outputs.append(_inline(inline, ctx))
    rep = Prepared.of(reported, "") if len(reported) else None
    if rep is not None:
        rep.s3_method = np.where(rep.s3_method == "", _reported_default(reported), rep.s3_method).astype(
            object
        )
        apply_allocation(rep)
        outputs.append(reported_method(reported, ctx, rep))
    outputs.append(supplier_specific_method(supplier, ctx, inputs))
    spend_prep, spend_rejected, spend_problems = prepare_spend(spend, ctx, inputs)
    outputs.append(MethodOutput(empty_rows(), np.array(spend_rejected, dtype=np.int64), spend_problems))
    parts = [
        spend_prep,
        prepare_freight(freight),
        prepare_travel(travel),
        prepare_energy(energy, ctx),
        prepare_average_data(rest),
    ]
    combined = Prepared.concat(parts)
    if combined is not None:
        alias_activities(combined, ctx)
        allocate = ~np.isin(
            combined.records["family"].to_numpy(dtype=object),
            ["freight/", "freight_fuel/", "downstream_transport/"],
        )
        sub = combined.subset(allocate)
        apply_allocation(sub)
        combined.scale[allocate] = sub.scale
        combined.params[allocate] = sub.params
        outputs.append(run_prepared(combined, ctx))
    return concat_outputs(outputs)


def _reported_default(sub: pd.DataFrame) -> npt.NDArray[np.object_]:
    prefix = sub["family"].astype(str).str.split("/").str[0].to_numpy(dtype=object) + "/"
    table = {
        "investment/": "investment_specific",
        "franchise/": "franchise_specific",
        "leased_upstream/": "asset_specific",
        "leased_downstream/": "asset_specific",
        "processing/": "site_specific",
        "supplier/": "hybrid",
    }
    return np.array([table.get(str(p), "supplier_specific") for p in prefix], dtype=object)


def _inline(sub: pd.DataFrame, ctx: RunContext) -> MethodOutput:
    """Inline factors on Scope 3 records: the user's factor, tagged with the record's method."""
    if sub.empty:
        return MethodOutput(empty_rows())
    out = inline_method(sub, ctx)
    prep = Prepared.of(sub, "inline_factor")
    apply_allocation(prep)
    return MethodOutput(
        tag(out.rows, prep, temporal=np.full(len(sub), 3.0), geographical=np.full(len(sub), 3.0)),
        out.rejected,
        out.problems,
    )
