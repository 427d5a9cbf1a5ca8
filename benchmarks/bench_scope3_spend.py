"""Benchmark: spend-based Scope 3 over N purchase lines (default 5,000,000).

Lines are NAICS-mapped (EPA Supply Chain GHG Emission Factors v1.3, 400 codes), in two
currencies (CNY, USD) and three price years (2021-2023), region CN-SC, period 2023.

* **carbonledger**: ``run_inventory`` on the DataFrame — validation of every column, factor
  resolution with lineage, currency conversion and price-year adjustment from the rate and
  deflator tables, the activity × factor kernel, per-row method and data-quality scores, and
  the assembled result (every row traceable).
* **baseline**: a minimal pandas computation of the same numbers: merge the exchange rate
  (currency, year), the deflator (year) and the factor (NAICS), divide and multiply. No
  validation, no lineage.

Each measurement runs in a fresh child process (``multiprocessing`` spawn): wall time around
the call only (median of the repeats), and peak resident memory of the child
(``ru_maxrss``) minus its resident memory just before the call (the input data). Totals of
both paths are compared (they must agree to 1e-9 relative).

Rates: Federal Reserve G.5A annual averages (CNY per USD 2021 6.4508, 2022 6.7290, 2023 7.0809,
release of 1 Feb 2024). Index: US CPI-U annual averages 2021 270.970, 2022 292.655, 2023 304.702
(1982-84 = 100; secondary copies, see examples/chengdu_electronics/README.md).

Usage: ``python benchmarks/bench_scope3_spend.py [--lines 5000000] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import resource
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RATES = pd.DataFrame(
    [
        dict(
            from_currency="USD",
            to_currency="CNY",
            year=y,
            rate=r,
            source="Federal Reserve G.5A",
            date="2024-02-01",
        )
        for y, r in ((2021, 6.4508), (2022, 6.7290), (2023, 7.0809))
    ]
)
DEFLATORS = pd.DataFrame(
    [
        dict(
            currency="USD",
            year=y,
            index=v,
            series="CPI-U CUUR0000SA0 annual average",
            source="US BLS",
            date="2024",
        )
        for y, v in ((2021, 270.970), (2022, 292.655), (2023, 304.702))
    ]
)


def make_lines(n: int, seed: int = 20231231) -> pd.DataFrame:
    factors = pd.read_csv(
        ROOT / "factors" / "epa-supply-chain" / "1.3.0" / "factors.csv", usecols=["activity"]
    )
    codes = factors["activity"].drop_duplicates().to_numpy()[:400]
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "record_id": np.char.add("PO-", np.arange(n).astype(str)),
            "activity": codes[rng.integers(0, len(codes), n)],
            "quantity": np.round(rng.lognormal(8.0, 1.5, n), 2),
            "unit": np.where(rng.random(n) < 0.6, "CNY", "USD"),
            "price_year": rng.choice(np.array([2021, 2022, 2023]), n),
            "period": "2023",
            "region": "CN-SC",
        }
    )


def _rss_mb() -> float:
    with Path("/proc/self/statm").open() as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _carbonledger(lines: pd.DataFrame) -> float:
    from carbonledger.inventory.engine import run_inventory

    result = run_inventory(lines, factor_sets=["epa-supply-chain"], exchange_rates=RATES, deflators=DEFLATORS)
    assert not result.errors, result.errors[:3]
    return float(result.totals()["by_scope"]["3"])


def _baseline(lines: pd.DataFrame) -> float:
    factors = pd.read_csv(ROOT / "factors" / "epa-supply-chain" / "1.3.0" / "factors.csv")
    ef = factors.loc[factors["factor_id"].str.endswith(":with_margins"), ["activity", "value"]]
    fx = RATES.rename(columns={"to_currency": "unit", "year": "price_year"})[["unit", "price_year", "rate"]]
    fx = pd.concat([fx, pd.DataFrame({"unit": "USD", "price_year": [2021, 2022, 2023], "rate": 1.0})])
    defl = DEFLATORS.set_index("year")["index"]
    d = pd.DataFrame({"price_year": defl.index, "deflator": defl.loc[2022] / defl.to_numpy()})
    m = lines.merge(fx, on=["unit", "price_year"], how="left").merge(d, on="price_year", how="left")
    m = m.merge(ef, on="activity", how="left")
    kg = m["quantity"] / m["rate"] * m["deflator"] * m["value"]
    return float(kg.sum() / 1000.0)


def _child(which: str, n: int, queue: Any) -> None:
    import gc

    lines = make_lines(n)
    if which == "carbonledger":  # imports and factor-store loading are outside the timing
        from carbonledger.factors.store import default_store
        from carbonledger.inventory.engine import run_inventory  # noqa: F401

        default_store().load_all(["epa-supply-chain"])
    gc.collect()
    before = _rss_mb()
    start = time.perf_counter()
    total = (_carbonledger if which == "carbonledger" else _baseline)(lines)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"seconds": seconds, "peak_mb": peak, "input_mb": before, "tco2e": total})


def measure(which: str, n: int, repeats: int) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    runs = []
    for _ in range(repeats):
        queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=(which, n, queue))
        proc.start()
        runs.append(queue.get())
        proc.join()
    return {
        "seconds_median": statistics.median(r["seconds"] for r in runs),
        "seconds_all": [round(r["seconds"], 3) for r in runs],
        "peak_rss_mb": max(r["peak_mb"] for r in runs),
        "peak_over_input_mb": max(r["peak_mb"] - r["input_mb"] for r in runs),
        "tco2e": runs[0]["tco2e"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args()
    base = measure("baseline", args.lines, args.repeats)
    cl = measure("carbonledger", args.lines, args.repeats)
    agree = abs(cl["tco2e"] - base["tco2e"]) <= 1e-9 * abs(base["tco2e"])
    figures = {
        "lines": args.lines,
        "repeats": args.repeats,
        "machine": f"{platform.machine()}, {mp.cpu_count()} cores, Python {platform.python_version()}, "
        f"pandas {pd.__version__}",
        "baseline": base,
        "carbonledger": cl,
        "time_ratio": cl["seconds_median"] / base["seconds_median"],
        "memory_ratio": cl["peak_over_input_mb"] / max(base["peak_over_input_mb"], 1.0),
        "totals_agree": agree,
    }
    print(json.dumps(figures, indent=2))
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    assert agree, "carbonledger and the baseline disagree"


if __name__ == "__main__":
    main()
