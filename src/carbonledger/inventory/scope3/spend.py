"""Spend-based method: spend × EEIO factor, after currency conversion and price-year adjustment.

    E = S × fx(c → C, y) × P_C(Y) / P_C(y) × EF_EEIO

GHG Protocol, Technical Guidance for Calculating Scope 3 Emissions (2013), Category 1,
"spend-based method": value of purchased goods (by type) × cradle-to-gate emission factor
per unit of economic value; the factor's currency ``C`` and price year ``Y`` are those of
the EEIO table. For the EPA Supply Chain GHG Emission Factors v1.3 (``spend/naics/<code>``)
these are USD and 2022, **purchaser price**; two factors exist per code: *with margins*
(cradle to point of sale, preference 0, the default) and *without margins* (cradle to
factory gate). ``eeio_margins="without"`` (CLI ``--eeio-margins without``) pins the
``<code>:without_margins`` factor; the choice is written on every row.

The target currency and year are read from the factor chosen for each record (its unit's
currency and the first year of its validity, which for EEIO sets is the price year); the
conversion is :func:`carbonledger.inventory.scope3.currency.convert_spend`.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger._strings import categorical, combined_codes
from carbonledger.errors import Problem
from carbonledger.factors.resolve import resolve
from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods.factor import resolution_frame
from carbonledger.inventory.scope3._common import Prepared, join_text_codes, problem
from carbonledger.inventory.scope3.currency import convert_spend
from carbonledger.inventory.scope3.inputs import Scope3Inputs

__all__ = ["prepare_spend"]

_CURRENCY = re.compile(r"/\s*\(?\s*([A-Z]{3})\b")


def _target_currency(unit: str) -> str:
    match = _CURRENCY.search(unit)
    return match.group(1) if match else ""


def _codes(column: pd.Series) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    """Integer codes (-1 = missing) and values of a (categorical or plain) column."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.int64)
        values = np.asarray(column.cat.categories.astype(object), dtype=object)
    else:
        codes, uniques = pd.factorize(column.astype(object))
        codes, values = codes.astype(np.int64), np.asarray(uniques, dtype=object)
    return codes, values


def prepare_spend(
    sub: pd.DataFrame, ctx: RunContext, inputs: Scope3Inputs
) -> tuple[Prepared, list[int], list[Problem]]:
    """Convert spend to each factor's currency and price year; returns (prepared, rejected, problems)."""
    prep = Prepared.of(sub, "spend_based")
    records = prep.records
    problems: list[Problem] = []
    rejected: list[int] = []
    if records.empty:
        return prep, rejected, problems
    activity = records["activity"].to_numpy(dtype=object)
    factor_id = records["factor_id"].to_numpy(dtype=object).copy()
    activity_codes, activities = combined_codes(records["activity"])
    naics = np.array([str(a[0]).startswith("spend/naics/") for a in activities], dtype=bool)[activity_codes]
    if inputs.eeio_margins == "without":
        pin = naics & (factor_id == "")
        factor_id[pin] = (
            pd.Series(activity[pin], dtype=object).str.rsplit("/", n=1).str[-1].to_numpy()
            + ":without_margins"
        )
        records["factor_id"] = factor_id
    # resolve once in USD (the EEIO sets shipped are in USD); records whose factor is in their own
    # currency (a user's set) resolve in a second pass
    frame = resolution_frame(records, np.full(len(records), "USD", dtype=object))
    resolution = resolve(frame, ctx.factor_sets, store=ctx.store, raise_on_missing=False, file=ctx.source)
    table = resolution.table
    resolved = table["factor_id"].notna().to_numpy()
    currency = records["currency"].to_numpy(dtype=object)
    units = np.where(resolved, "USD", currency).astype(object)
    if (~resolved).any():
        second = resolve(
            resolution_frame(records, currency),
            ctx.factor_sets,
            store=ctx.store,
            raise_on_missing=False,
            file=ctx.source,
        )
        t2 = second.table
        for column in ("factor_full_id", "factor_id", "factor_valid_from"):
            merged = table[column].astype(object).to_numpy().copy()
            merged[~resolved] = t2[column].astype(object).to_numpy()[~resolved]
            table = table.assign(**{column: merged})
    fid_codes, fid_values = _codes(table["factor_id"])
    full_codes, full_values = _codes(table["factor_full_id"])
    ok = fid_codes >= 0
    factor_rows = resolution.factor_rows(["emission_factor"])
    unit_by_factor = dict(
        zip(
            zip(factor_rows["full_id"], factor_rows["factor_id"], strict=True),
            factor_rows["unit"],
            strict=True,
        )
    )
    # per distinct (set edition, factor id): the factor's currency; gathered back by integer codes
    pair = np.where(ok, full_codes.astype(np.int64) * (len(fid_values) + 1) + fid_codes, -1)
    p_codes, p_uniques = pd.factorize(pair)
    per_pair = np.array(
        [
            _target_currency(
                str(
                    unit_by_factor.get(
                        (full_values[u // (len(fid_values) + 1)], fid_values[u % (len(fid_values) + 1)]), ""
                    )
                )
            )
            if u >= 0
            else ""
            for u in p_uniques
        ],
        dtype=object,
    )
    target_currency = per_pair[p_codes]
    target_currency = np.where(ok & (target_currency == ""), units, target_currency).astype(object)
    vf_codes, vf_values = _codes(table["factor_valid_from"])
    vf_years = pd.to_datetime(pd.Series(vf_values, dtype=object), errors="coerce").dt.year.to_numpy(
        dtype=np.float64
    )
    target_year = np.where(vf_codes >= 0, np.append(vf_years, np.nan)[vf_codes], np.nan)
    price_year = records["price_year"].to_numpy(dtype=np.float64)
    target_year_f: npt.NDArray[np.float64] = np.where(np.isnan(target_year), price_year, target_year).astype(
        np.float64
    )
    conv = convert_spend(
        records["quantity"].to_numpy(dtype=np.float64),
        currency,
        price_year,
        target_currency.astype(object),
        target_year_f,
        inputs.exchange_rates,
        inputs.deflators,
    )
    check = ok  # unresolved records are reported by the factor run
    for k in np.flatnonzero(check & conv.missing_rate):
        problems.append(
            problem(
                ctx,
                records,
                int(k),
                "currency",
                f"no exchange rate {currency[k]}→{target_currency[k]} for {int(price_year[k])} "
                f"(the factor is in {target_currency[k]})",
                f"a row {currency[k]},{target_currency[k]},{int(price_year[k])},rate,source,date in the exchange-rate "
                "table (--exchange-rates)",
                currency[k],
            )
        )
    for k in np.flatnonzero(check & conv.missing_index & ~conv.missing_rate):
        problems.append(
            problem(
                ctx,
                records,
                int(k),
                "price_year",
                f"no price index for {target_currency[k]} {int(conv.missing_index_year[k])} to move {int(price_year[k])} "
                f"prices to the factor's price year {int(target_year_f[k])}",
                f"rows {target_currency[k]},{int(price_year[k])} and {target_currency[k]},{int(target_year_f[k])} in the "
                "deflator table (--deflators)",
                int(price_year[k]),
            )
        )
    bad = check & (conv.missing_rate | conv.missing_index)
    rejected += [int(p) for p in records["pos"].to_numpy()[bad]]
    keep = ~bad
    records["quantity"] = np.where(ok, conv.amount, records["quantity"].to_numpy())
    records["unit"] = np.where(ok, target_currency, units)
    without = np.array([str(v).endswith(":without_margins") for v in fid_values] + [False], dtype=bool)
    margin_codes = np.where(naics, np.where(without[fid_codes], 1, 2), 0).astype(np.int8)
    margins = categorical(
        margin_codes,
        [
            "",
            "EEIO factor without margins (cradle to factory gate)",
            "EEIO factor with margins (purchaser price, cradle to point of sale)",
        ],
    )
    # texts are built per distinct key and shared between records (millions of lines stay cheap)
    codes, texts = join_text_codes(conv.text, margins, "; ")
    prep.add_params(ok, categorical(codes, texts))
    return prep.subset(keep), rejected, problems
