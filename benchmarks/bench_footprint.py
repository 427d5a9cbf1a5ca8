"""P2: every product footprint of a synthetic 50,000-process system from ONE solve, against
computing them one product at a time with the same code path.

Usage (from the repository root)::

    python benchmarks/bench_footprint.py                     # 50,000 processes, 500 products one at a time
    python benchmarks/bench_footprint.py --per-product 50000 # every product one at a time (~7 min)
    python benchmarks/bench_footprint.py --splu              # also SciPy's default SuperLU (COLAMD), ~3 min
    python benchmarks/bench_footprint.py --brightway 200     # also Brightway (needs the [brightway] extra)

The synthetic system (seeded, reproducible): 2,000 bought materials resolved to five DESNZ 2025
material factors, 48,000 products each made by its own process from 5-10 inputs drawn from the
2,000 products before it (a deep, mostly acyclic BOM), yields 0.85-1, one electricity activity
row per process (inline supplier rate, market-based) computed by the inventory engine, 1 % of
processes consuming some of their own output (a self-loop: net output on the diagonal) and 100
two-product recycling loops with net output (cyclic cores solved by sparse LU).

Stages timed (wall clock, ``time.perf_counter``): model validation (``build_model``), flows
(inventory engine and factor resolution), assembly of A and B, factorisation (SCC + levels +
LU of the cyclic cores) and the one transposed solve for every product and indicator
(``solve_transposed`` with one right-hand side per indicator). The per-product path solves
``A s = e_k`` with the SAME factorised solver for a sample of products and multiplies by B; its
time is extrapolated to all products, and its results must equal the one-solve results to 1e-9
relative.

``--brightway N`` (issue 6) writes the same system into a temporary Brightway project
(:func:`carbonledger.backends.brightway.export_system`), builds ONE ``bw2calc.LCA`` with the
model's GWP method, factorises the technosphere matrix once (``lca.lci(factorize=True)``) and
computes ``lca.lcia(demand={k: 1})`` — Brightway's per-product score reusing that factorisation —
for a sample of N products, extrapolated to all; the scores must equal the one-solve PCFs to 1e-6
relative (Brightway stores matrix values in float32).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carbonledger.footprint import build_model, build_system, compute_footprints
from carbonledger.footprint.sources import compute_flows
from carbonledger.pact.figures import PCF_TERMS

MATERIALS = ("19_504_5116_15", "19_504_5104_15", "19_505_5144_15", "19_506_5156_15", "19_505_5120_15")
"""DESNZ 2025 factor ids: steel cans, aluminium cans and foil, PP, board, average plastics (primary)."""


def synthetic_tables(
    n: int = 50_000, bought: int = 2_000, seed: int = 7, window: int = 2_000, loops: int = 100
) -> dict[str, Any]:
    """Tables of a synthetic product model (see the module docstring)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"P{i:06d}" for i in range(n)], dtype=object)
    is_bought = np.arange(n) < bought
    products = pd.DataFrame(
        {
            "product_id": ids,
            "name": ids,
            "unit": np.where(is_bought, "kg", "piece"),
            "source": np.where(is_bought, "factor", "process"),
            "factor_id": np.where(
                is_bought, np.array(MATERIALS, dtype=object)[np.arange(n) % len(MATERIALS)], ""
            ),
            "factor_set": np.where(is_bought, "desnz-2025", ""),
            "fossil_carbon_content": np.where(is_bought, "0.001", ""),
            "biogenic_carbon_content": np.where(is_bought, "0", ""),
            "export": "no",
        }
    )
    made = ids[~is_bought]
    processes = pd.DataFrame({"process_id": "M" + pd.Series(made).str[1:], "region": "CN-CQ"})
    outputs = pd.DataFrame({"process_id": processes["process_id"], "product_id": made, "amount": "1"})
    counts = rng.integers(5, 11, size=n - bought)
    consumer = np.repeat(np.arange(bought, n), counts)
    offsets = np.concatenate([rng.choice(np.arange(1, window + 1), size=c, replace=False) for c in counts])
    supplier = consumer - np.minimum(offsets, consumer)  # inputs come from the products before
    supplier = np.where(supplier == consumer, 0, supplier)
    amount = rng.uniform(0.05, 0.5, size=len(consumer))
    inputs = pd.DataFrame(
        {
            "process_id": "M" + pd.Series(ids[consumer]).str[1:],
            "product_id": ids[supplier],
            "amount": np.round(amount, 6).astype(str),
            "yield": np.round(rng.uniform(0.85, 1.0, size=len(consumer)), 4).astype(str),
        }
    ).drop_duplicates(["process_id", "product_id"])
    extra = []
    self_loop = rng.choice(np.arange(bought, n), size=(n - bought) // 100, replace=False)
    extra += [
        {"process_id": "M" + ids[j][1:], "product_id": ids[j], "amount": "0.02", "yield": "1"}
        for j in self_loop
    ]
    # two-product loops with net output (a recycling loop): the last `loops` products are partners P
    # consumed only by their pair J (= P - loops); P takes 0.05 of J's output and two bought materials,
    # J takes 0.2 of P. Each loop is a strongly connected component of two products.
    partners = np.arange(n - loops, n)
    partner_ids = set(ids[partners])
    inputs = inputs[
        ~inputs["process_id"].isin({"M" + x[1:] for x in partner_ids})
        & ~inputs["product_id"].isin(partner_ids)
    ]
    for p_ in partners:
        j = p_ - loops
        extra.append({"process_id": "M" + ids[j][1:], "product_id": ids[p_], "amount": "0.2", "yield": "1"})
        extra.append({"process_id": "M" + ids[p_][1:], "product_id": ids[j], "amount": "0.05", "yield": "1"})
        for m in rng.choice(bought, size=2, replace=False):
            extra.append(
                {"process_id": "M" + ids[p_][1:], "product_id": ids[m], "amount": "0.5", "yield": "0.9"}
            )
    inputs = pd.concat([inputs, pd.DataFrame(extra)], ignore_index=True).drop_duplicates(
        ["process_id", "product_id"], keep="last"
    )
    activities = pd.DataFrame(
        {
            "process_id": processes["process_id"],
            "activity": "electricity/grid",
            "quantity": np.round(rng.uniform(0.5, 5.0, size=len(processes)), 3).astype(str),
            "unit": "kWh",
            "emission_factor": "0.55",
            "emission_factor_unit": "kg CO2e/kWh",
            "method": "market",
        }
    )
    settings = {
        "reference_period_start": "2025-01-01",
        "reference_period_end": "2026-01-01",
        "company_name": "Synthetic",
        "factor_sets": "desnz|cn-electricity",
    }
    return {
        "products": products,
        "processes": processes,
        "outputs": outputs,
        "inputs": inputs,
        "activities": activities,
        "settings": settings,
    }


def _timed(label: str, timings: dict[str, float], fn: Any) -> Any:
    started = time.perf_counter()
    out = fn()
    timings[label] = time.perf_counter() - started
    print(f"  {label:<34} {timings[label]:8.3f} s", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=50_000)
    parser.add_argument("--per-product", type=int, default=500, help="products solved one at a time (sample)")
    parser.add_argument(
        "--splu", action="store_true", help="also time SciPy SuperLU with its default COLAMD ordering"
    )
    parser.add_argument("--brightway", type=int, default=0, metavar="N",
                        help="also Brightway: export, factorise once, N products one at a time (sample)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args()

    print(f"synthetic product system: {args.processes:,} processes/products", flush=True)
    tables = synthetic_tables(args.processes)
    print(f"  {len(tables['inputs']):,} BOM rows", flush=True)
    t: dict[str, float] = {}
    model = _timed("validate model (build_model)", t, lambda: build_model(**tables))
    flows = _timed("flows (inventory + resolution)", t, lambda: compute_flows(model))
    system = _timed("assemble A and B", t, lambda: build_system(model, flows=flows))
    solver = _timed("factorise (SCC, levels, cores)", t, system.solver)
    rhs = system.b.T.toarray()
    values = _timed(f"ONE solve ({rhs.shape[1]} indicators)", t, lambda: solver.solve_transposed(rhs))
    pcf_one = values[:, : len(PCF_TERMS)].sum(axis=1)
    result = _timed("results table (compute_footprints)", t, lambda: compute_footprints(model, system=system))
    del result
    stats = solver.stats
    print(
        f"  levels {stats['levels']:.0f}, cyclic cores {stats['cyclic_cores']:.0f} "
        f"(largest {stats['largest_core']:.0f}), nonzeros {stats['nonzeros']:,.0f}",
        flush=True,
    )

    # per product, same code path: A s = e_k with the same solver, then C B s
    rng = np.random.default_rng(11)
    sample = np.sort(rng.choice(system.n, size=min(args.per_product, system.n), replace=False))
    c_b = np.asarray(system.b[: len(PCF_TERMS)].sum(axis=0)).ravel()
    started = time.perf_counter()
    per_product = np.empty(len(sample))
    for j, k in enumerate(sample):
        demand = np.zeros(system.n)
        demand[k] = 1.0
        per_product[j] = float(c_b @ solver.solve(demand))
    t_sample = time.perf_counter() - started
    t["per-product (sample)"] = t_sample
    per_one = t_sample / len(sample)
    extrapolated = per_one * system.n
    rel = np.abs(per_product - pcf_one[sample]) / np.maximum(np.abs(pcf_one[sample]), 1e-300)
    print(
        f"  per product, same solver: {len(sample):,} products in {t_sample:.2f} s "
        f"({per_one * 1000:.2f} ms each; all {system.n:,} ≈ {extrapolated:.0f} s)",
        flush=True,
    )
    print(f"  max relative difference one-solve vs per-product: {rel.max():.2e}", flush=True)
    assert rel.max() <= 1e-9, "one-solve and per-product results differ"
    one = t["factorise (SCC, levels, cores)"] + t[f"ONE solve ({rhs.shape[1]} indicators)"]
    print(f"  ratio per-product / one-solve (factorise + solve): {extrapolated / one:,.0f}×", flush=True)
    figures: dict[str, Any] = {
        "processes": system.n,
        "bom_rows": len(tables["inputs"]),
        "timings_s": t,
        "one_solve_s": one,
        "per_product_each_s": per_one,
        "per_product_all_extrapolated_s": extrapolated,
        "ratio": extrapolated / one,
        "max_rel_diff": float(rel.max()),
        "solver": stats,
        "residual": float(system.timings.get("residual", float("nan"))),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    if args.splu:
        import scipy.sparse.linalg as spla

        started = time.perf_counter()
        lu = spla.splu(system.a.tocsc())
        x = lu.solve(rhs, trans="T")
        t_lu = time.perf_counter() - started
        diff = float(
            np.max(np.abs(x[:, : len(PCF_TERMS)].sum(axis=1) - pcf_one) / np.maximum(np.abs(pcf_one), 1e-300))
        )
        print(f"  SciPy splu (COLAMD) factorise + solve: {t_lu:.1f} s (max rel diff {diff:.1e})", flush=True)
        figures["splu_colamd_s"] = t_lu
    if args.brightway:
        figures["brightway"] = _brightway(system, pcf_one, args.brightway, one)
    import resource

    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak resident memory of the run: {figures['peak_rss_mb']:.0f} MB", flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def _brightway(system: Any, pcf_one: Any, sample_size: int, one_solve_s: float) -> dict[str, Any]:
    """Brightway's per-product scores with one factorisation, against carbonledger's one solve."""
    import resource
    import tempfile

    from carbonledger.backends.brightway import export_system
    from carbonledger.backends.brightway._env import session
    from carbonledger.backends.brightway.compute import node_ids, relative_difference

    def rss() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    out: dict[str, Any] = {"peak_rss_before_mb": rss()}
    with tempfile.TemporaryDirectory(prefix="bench-bw-", ignore_cleanup_errors=True) as base:
        export = _timed("Brightway: export (write databases)", out, lambda: export_system(
            system, base_dir=base, project="bench"))
        out["export_detail_s"] = export.timings
        method = export.methods[system.model.settings.gwp]
        with session(export.base_dir, "bench", feature="benchmark", create=False) as s:
            bd, bc = s.bd, s.bc
            ids_by_code = node_ids(bd, export.technosphere)
            ids = [ids_by_code[c] for c in export.codes]

            def build() -> Any:
                fu, objs, _ = bd.prepare_lca_inputs(demand={ids[0]: 1.0}, method=method, remapping=False)
                lca = bc.LCA(fu, data_objs=objs)
                lca.load_lci_data()
                lca.load_lcia_data()
                return lca

            lca = _timed("Brightway: build matrices", out, build)
            _timed("Brightway: factorise (lci factorize=True)", out, lambda: lca.lci(factorize=True))
            rng = np.random.default_rng(11)
            sample = np.sort(rng.choice(system.n, size=min(sample_size, system.n), replace=False))
            scores = np.empty(len(sample))
            started = time.perf_counter()
            for j, k in enumerate(sample):
                lca.lcia(demand={ids[k]: 1.0})
                scores[j] = float(lca.score)
            t_sample = time.perf_counter() - started
    each = t_sample / len(sample)
    rel = relative_difference(scores, pcf_one[sample])
    setup = out["Brightway: build matrices"] + out["Brightway: factorise (lci factorize=True)"]
    all_products = setup + each * system.n
    out |= {"sample": len(sample), "per_product_each_s": each, "per_product_sample_s": t_sample,
            "all_products_extrapolated_s": all_products, "ratio_vs_one_solve": all_products / one_solve_s,
            "max_rel_diff": float(rel.max()), "peak_rss_after_mb": rss()}
    print(f"  Brightway per product: {len(sample):,} products in {t_sample:.2f} s ({each * 1000:.1f} ms each; "
          f"matrices + factorisation + all {system.n:,} ≈ {all_products:.0f} s)", flush=True)
    print(f"  ratio Brightway (build + factorise + every product) / carbonledger one solve: "
          f"{all_products / one_solve_s:,.0f}×", flush=True)
    print(f"  max relative difference Brightway vs one-solve: {rel.max():.2e} (float32 storage)", flush=True)
    print(f"  peak resident memory before / after Brightway: {out['peak_rss_before_mb']:.0f} / "
          f"{out['peak_rss_after_mb']:.0f} MB", flush=True)
    assert rel.max() <= 1e-6, "Brightway and carbonledger differ by more than 1e-6"
    return out


if __name__ == "__main__":
    main()
