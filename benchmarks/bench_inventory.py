"""Issue 3 benchmark P1: 1,000,000 mixed Scope 1/2 records from CSV to the lineage table and totals.

Records: fuels (stationary and mobile), owned vehicles, grid electricity and purchased heat drawn
from the factors of three shipped sets (cn-electricity, desnz, epa-hub) with mixed regions and
monthly periods 2022–2025, plus 5 % custom records with inline factors. The CSV is parsed once
(excluded from the timing); the timed part is ``run_inventory`` (validation, resolution,
calculation, Scope 2 market-based, assembly) plus ``totals()``.

Baseline: a minimal hand-written pandas merge + multiply on the same records — merge with the
factor rows (one per gas) on (activity, region, year), one pint multiplier per (record unit,
factor unit) pair, × GWP, then a group-by sum. No validation, region chain, period fallback,
Scope 2 market-based or lineage. Goals: ≤ 2 s median, ≤ 3× the baseline; peak memory reported.

    python benchmarks/bench_inventory.py [--n 1000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _harness import measure, peak_rss_mb
from _synthetic import candidates, records
from carbonledger.factors.store import default_store
from carbonledger.gwp import gwp_values
from carbonledger.inventory.engine import run_inventory
from carbonledger.io.tables import read_table
from carbonledger.units import is_co2e_unit, multiplier

SETS = ["cn-electricity", "desnz", "epa-hub"]


def _baseline_tables(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Factor rows keyed by (activity, region, year) and unit multipliers per unit pair."""
    store = default_store()
    rows = pd.concat([store.load(i).factors.assign(full_id=i) for ref in SETS for i in store.resolve_ref(ref)])
    rows = rows[rows["parameter"] == "emission_factor"]
    cand = candidates(SETS)[["activity", "region", "full_id", "factor_id", "year"]]
    keyed = cand.merge(rows[["full_id", "factor_id", "gas", "value", "unit"]], on=["full_id", "factor_id"])
    keyed = keyed.drop_duplicates(["activity", "region", "year", "gas"])
    pairs = frame[["unit"]].drop_duplicates().merge(keyed[["unit"]].drop_duplicates().rename(
        columns={"unit": "factor_unit"}), how="cross")
    values = []
    for u, fu in pairs.itertuples(index=False):
        try:
            values.append(multiplier(f"({u})*({fu})", "kg CO2e" if is_co2e_unit(fu) else "kg"))
        except Exception:
            values.append(np.nan)
    pairs["m"] = values
    keyed = keyed.rename(columns={"unit": "factor_unit"})
    keyed["gwp"] = np.where(keyed["gas"] == "CO2e", 1.0, gwp_values(keyed["gas"], "AR6"))
    return keyed, pairs


def main() -> None:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    frame = records(args.n, SETS, inline_share=0.05)
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "activities.csv"
        frame.to_csv(path, index=False)
        raw = read_table(path)  # CSV parsing: excluded from the timing
    frame["year"] = frame["period"].str[:4].astype(int)
    keyed, pairs = _baseline_tables(frame)

    def ours() -> None:
        result = run_inventory(raw, factor_sets=SETS)
        result.totals()

    def baseline() -> None:
        merged = frame[["activity", "region", "year", "unit", "quantity"]].merge(
            keyed, on=["activity", "region", "year"])
        merged = merged.merge(pairs, on=["unit", "factor_unit"])
        merged["co2e_kg"] = merged["quantity"] * merged["value"] * merged["m"] * merged["gwp"]
        merged.groupby("activity")["co2e_kg"].sum()

    result = run_inventory(raw, factor_sets=SETS)
    t_ours = measure("carbonledger run_inventory+totals", ours, args.repeats)
    t_base = measure("pandas merge+multiply baseline", baseline, args.repeats)
    print(f"records: {args.n:,}; result rows: {len(result.results):,}; computed: {result.rows_computed:,}; "
          f"errors: {len(result.errors)}")
    print(t_ours.line())
    print(t_base.line())
    print(f"ratio (median wall): {t_ours.median / t_base.median:.2f}x; peak RSS {peak_rss_mb():,.0f} MiB")


if __name__ == "__main__":
    main()
