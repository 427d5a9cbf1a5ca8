"""Currency conversion and price-year adjustment of spend, vectorised.

For a spend amount ``S`` in currency ``c`` with prices of year ``y``, and an EEIO factor in
currency ``C`` and price year ``Y`` (EPA Supply Chain GHG Emission Factors v1.3: USD, 2022,
purchaser price):

    S_C,y = S × fx(c → C, y)                      (annual-average rate of the spend year)
    S_C,Y = S_C,y × P_C(Y) / P_C(y)               (price index of the factor's currency)

``fx`` comes from the user's rate table (either direction: a row ``C → c`` with rate r gives
``fx = 1/r``); ``P`` from the user's deflator table. Currency is converted first, in the
year of the spend, and the amount is then moved to the factor's price year with the price
index of the factor's economy, the order the EEIO factors' own definition implies (a 2022
US-dollar amount of purchases). The Scope 3 Technical Guidance (2013, ch. 1, spend-based
method) requires spend to be adjusted for inflation to the factor's year and converted to
its currency; the choice of index and rate source is the user's and is recorded: the lineage text
cites the row of the rate and index tables (``rates row 3``, ``deflators row 2``), and the
workbook's Scope 3 sheet and the JSON ``scope3.inputs`` list those rows with source and date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger._strings import categorical, combined_codes

__all__ = ["Conversion", "convert_spend"]


@dataclass
class Conversion:
    """Converted amounts per record, with what was used and what was missing."""

    amount: npt.NDArray[np.float64]  # in the target currency and price year (NaN if missing)
    fx: npt.NDArray[np.float64]
    deflator: npt.NDArray[np.float64]
    missing_rate: npt.NDArray[np.bool_]
    missing_index: npt.NDArray[np.bool_]
    text: pd.Categorical  # lineage text per record (built once per distinct conversion)
    missing_index_year: npt.NDArray[np.int64]  # the year without an index (0 if none missing)


def convert_spend(
    amount: npt.NDArray[np.float64],
    currency: npt.NDArray[np.object_],
    price_year: npt.NDArray[np.float64],
    target_currency: npt.NDArray[np.object_],
    target_year: npt.NDArray[np.float64],
    rates: pd.DataFrame | None,
    deflators: pd.DataFrame | None,
) -> Conversion:
    """Convert every amount (see the module docstring); work is done per distinct key."""
    codes, uniques = combined_codes(
        currency,
        np.asarray(price_year, dtype=np.float64),
        target_currency,
        np.asarray(target_year, dtype=np.float64),
    )
    fx_map = _rate_lookup(rates)
    index_map = _index_lookup(deflators)
    k = len(uniques)
    fx = np.full(k, np.nan)
    defl = np.full(k, np.nan)
    missing_rate = np.zeros(k, dtype=bool)
    missing_index = np.zeros(k, dtype=bool)
    missing_year = np.zeros(k, dtype=np.int64)
    text = np.empty(k, dtype=object)
    for i, (c_raw, y, tc_raw, ty) in enumerate(uniques):
        c, tc = str(c_raw), str(tc_raw)
        y_int, ty_int = int(float(str(y))), int(float(str(ty)))
        parts: list[str] = []
        if c == tc:
            fx[i] = 1.0
        elif (c, tc, y_int) in fx_map:
            value, cite = fx_map[(c, tc, y_int)]
            fx[i] = value
            parts.append(f"× {value:.6g} {tc}/{c} ({y_int}; {cite})")
        elif (tc, c, y_int) in fx_map:
            value, cite = fx_map[(tc, c, y_int)]
            fx[i] = 1.0 / value
            parts.append(f"÷ {value:.6g} {c}/{tc} ({y_int}; {cite})")
        else:
            missing_rate[i] = True
        if y_int == ty_int:
            defl[i] = 1.0
        else:
            base = index_map.get((tc, ty_int))
            here = index_map.get((tc, y_int))
            if base is None or here is None:
                missing_index[i] = True
                missing_year[i] = y_int if here is None else ty_int
            else:
                defl[i] = base[0] / here[0]
                parts.append(
                    f"× price index {tc} {ty_int}/{y_int} = {base[0]:.6g}/{here[0]:.6g} ({base[1]}, {here[1]})"
                )
        text[i] = (
            f"spend in {c} at {y_int} prices "
            + (" ".join(parts) + " " if parts else "")
            + (
                f"→ {tc} at {ty_int} prices (× {fx[i] * defl[i]:.6g} overall)"
                if not (missing_rate[i] or missing_index[i])
                else f"→ {tc} at {ty_int} prices"
            )
        )
    factor = fx * defl
    value = np.asarray(amount, dtype=np.float64) * factor[codes]
    return Conversion(
        amount=value,
        fx=fx[codes],
        deflator=defl[codes],
        missing_rate=missing_rate[codes],
        missing_index=missing_index[codes],
        text=categorical(*_unique_texts(text, codes)),
        missing_index_year=missing_year[codes],
    )


def _unique_texts(
    text: npt.NDArray[np.object_], codes: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], list[str]]:
    text_codes, texts = pd.factorize(text)
    return np.asarray(text_codes, dtype=np.int64)[codes], [str(t) for t in texts]


def _rate_lookup(rates: pd.DataFrame | None) -> dict[tuple[str, str, int], tuple[float, str]]:
    if rates is None or rates.empty:
        return {}
    return {
        (str(a), str(b), int(y)): (float(r), f"rates row {row}")
        for a, b, y, r, row in rates[["from_currency", "to_currency", "year", "rate", "row"]].itertuples(
            index=False
        )
    }


def _index_lookup(deflators: pd.DataFrame | None) -> dict[tuple[str, int], tuple[float, str]]:
    if deflators is None or deflators.empty:
        return {}
    return {
        (str(c), int(y)): (float(v), f"deflators row {row}")
        for c, y, v, row in deflators[["currency", "year", "index", "row"]].itertuples(index=False)
    }
