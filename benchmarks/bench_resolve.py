"""Issue 2 benchmark: resolve factors for 1,000,000 synthetic records across 3 shipped sets.

Records have mixed regions (Chinese provinces resolving through their grid region, US states,
GB) and periods (monthly, 2022–2025, including years that need the nearest earlier edition).

Baseline: a minimal hand-written pandas merge of the records with the factor table on
(activity, region, year) — exact matches only, no region chain, unit check, period fallback,
pins or lineage. Goal: carbonledger within 3× of it, and ≤ 1.5 s median on 2 cores.

    python benchmarks/bench_resolve.py [--n 1000000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _harness import measure, peak_rss_mb
from _synthetic import candidates, records
from carbonledger.factors.resolve import resolve
from carbonledger.periods import Period, parse_periods

SETS = ["cn-electricity", "desnz", "epa-hub"]


def main() -> None:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    frame = records(args.n, SETS, families=None)
    from datetime import date

    start, end, _ = parse_periods(frame["period"], Period(date(2025, 1, 1), date(2025, 12, 31)))
    frame["period_start"] = start
    frame["period_end"] = end
    frame["year"] = pd.DatetimeIndex(start).year.to_numpy()

    # the baseline's lookup table: one factor per (activity, region, valid year)
    cand = candidates(SETS)
    years = pd.to_datetime(cand["valid_from"]).dt.year
    lookup = cand.assign(year=years)[["activity", "region", "year", "factor_id"]].drop_duplicates(
        ["activity", "region", "year"]
    )

    def ours() -> None:
        resolve(frame, SETS, raise_on_missing=False)

    def baseline() -> None:
        frame[["activity", "region", "year"]].merge(lookup, on=["activity", "region", "year"], how="left")

    check = resolve(frame, SETS, raise_on_missing=False)
    resolved = check.table["factor_id"].notna().mean()
    t_ours = measure("carbonledger resolve()", ours, args.repeats)
    t_base = measure("pandas merge baseline", baseline, args.repeats)
    print(
        f"records: {args.n:,}; sets: {', '.join(SETS)}; resolved: {resolved:.2%}; "
        f"distinct keys: {len(frame.drop_duplicates(['activity', 'region', 'unit', 'period'])):,}"
    )
    print(t_ours.line())
    print(t_base.line())
    print(f"ratio (median wall): {t_ours.median / t_base.median:.2f}x; peak RSS {peak_rss_mb():,.0f} MiB")


if __name__ == "__main__":
    main()
