"""Synthetic activity records for the benchmarks, drawn from factors that really exist in the
shipped sets (so every record resolves), with mixed regions and periods inside each factor's
validity."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonledger.factors.resolve import CandidateIndex
from carbonledger.factors.store import default_store

# units per activity dimension (pint dimensionality text); only dimensions listed are sampled
UNITS = {
    "[mass] * [length] ** 2 / [time] ** 2": ["kWh", "MWh", "GJ"],
    "[mass]": ["t", "kg"],
    "[length] ** 3": ["L", "m3"],
    "[normal_volume]": ["Nm3", "10^4 Nm3"],
    "[length] * [mass]": ["tkm"],
    "[mass] * [length]": ["tkm"],
    "[length] * [passenger]": ["pkm"],
    "[passenger] * [length]": ["pkm"],
}
YEARS = (2022, 2023, 2024, 2025)


def candidates(sets: list[str]) -> pd.DataFrame:
    """One row per (activity, region, dimension) with the years its factors cover."""
    store = default_store()
    loaded = store.load_all(sets)
    index = CandidateIndex.build(loaded, {s: i for i, s in enumerate(sets)})
    cand = index.candidates
    # only factors that can compute emissions (not energy-conversion rows alone)
    usable = cand["parameters"].str.contains("emission_factor|carbonate_factor|carbon_content", regex=True)
    cand = cand[usable]
    cand = cand[cand["activity_dim"].isin(list(UNITS)) & (cand["region"] != "*")].copy()
    start = pd.to_datetime(cand["valid_from"]).dt.year
    end = pd.to_datetime(cand["valid_to"]).dt.year
    rows = []
    for year in YEARS:
        # a year works when some factor is valid in it, or an earlier one exists (period fallback)
        ok = start <= year
        rows.append(cand[ok].assign(year=year))
    out = pd.concat(rows, ignore_index=True)
    del end
    return out.drop_duplicates(["activity", "region", "activity_dim", "year"]).reset_index(drop=True)


SCOPE12_FAMILIES = ("fuel/", "vehicle/", "electricity/grid", "heat/")


def records(
    n: int,
    sets: list[str],
    seed: int = 0,
    inline_share: float = 0.0,
    families: tuple[str, ...] | None = SCOPE12_FAMILIES,
) -> pd.DataFrame:
    """``n`` records drawn uniformly over (activity, region, dimension, year) combinations."""
    rng = np.random.default_rng(seed)
    cand = candidates(sets)
    if families:
        cand = cand[cand["activity"].str.startswith(families)].reset_index(drop=True)
    chosen = cand.iloc[rng.integers(0, len(cand), n)].reset_index(drop=True)
    dims = chosen["activity_dim"].to_numpy(dtype=object)
    units = np.empty(n, dtype=object)
    for dim, options in UNITS.items():
        sel = dims == dim
        units[sel] = rng.choice(options, int(sel.sum()))
    region = chosen["region"].to_numpy(dtype=object).copy()
    region[region == "GLOBAL"] = "FR"
    cn = region == "CN"
    region[cn] = rng.choice(["CN-CQ", "CN-SC", "CN-GD", "CN-JS", "CN-BJ", "CN"], int(cn.sum()))
    us = region == "US"
    region[us] = rng.choice(["US", "US-CA", "US-TX", "US-NY"], int(us.sum()))
    months = rng.integers(1, 13, n)
    frame = pd.DataFrame(
        {
            "record_id": np.char.add("r", np.arange(n).astype(str)),
            "activity": chosen["activity"].to_numpy(),
            "quantity": rng.uniform(1, 1000, n).round(3),
            "unit": units,
            "region": region,
            "period": [f"{y}-{m:02d}" for y, m in zip(chosen["year"], months, strict=True)],
            "entity": rng.choice(["plant-a", "plant-b", "plant-c", "office"], n),
        }
    )
    if inline_share:
        inline = rng.random(n) < inline_share
        frame["emission_factor"] = np.where(inline, 56.1, np.nan)
        frame["emission_factor_unit"] = np.where(inline, "t CO2/TJ", "")
        frame.loc[inline, "activity"] = "custom/boiler_measured"
        frame.loc[inline, "unit"] = "GJ"
        frame["scope"] = np.where(inline, "1", "")
        frame["category"] = np.where(inline, "stationary_combustion", "")
    return frame
