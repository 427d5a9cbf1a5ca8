"""Every product's footprint computed by bw2calc (``compute_footprints(..., backend="brightway")``).

The system is written into a Brightway project (:func:`~.export.export_system`; a temporary
base directory unless one is given), then ONE ``bw2calc.LCA`` is built for the technosphere
database with the method of the model's GWP set, the technosphere matrix is factorised once
(``lca.lci(factorize=True)``), and for every column k ``lca.lcia(demand={k: 1})`` re-solves with
the stored factors. From each solve carbonledger takes

* ``lca.score``: Brightway's characterised score of one unit of k (its own biosphere and
  characterisation matrices);
* ``lca.supply_array``: the supply vector ``s_k``, mapped back to the system's columns, and
  every carbonledger indicator of k as ``B s_k`` (PACT terms, gases, stages, data-quality
  weights), so the whole footprint table comes from Brightway's solves.

**Precision.** bw2data stores every matrix value of its processed datapackages in single
precision (``bw_processing``: the ``amount`` field of each exchange and characterisation
factor is float32), while bw2calc builds its sparse matrices in float64 and solves in float64.
A value entered as 2.3 is therefore used as 2.299999952316284: each stored value carries a
relative rounding error up to 2⁻²⁴ ≈ 6e-8, so Brightway's scores differ from carbonledger's
float64 solve by about 1e-7 relative (how much depends on the system). carbonledger checks the
agreement to 1e-6 relative on every product (:attr:`BrightwaySolution.max_rel_diff`) and warns
otherwise; rounding carbonledger's own inputs to float32 first makes the two agree to round-off
(about 1e-15; the tests require 1e-12).
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from carbonledger.backends.brightway._env import session
from carbonledger.backends.brightway.export import BrightwayExport, export_system
from carbonledger.errors import Problem
from carbonledger.pact.figures import PCF_TERMS

__all__ = ["AGREEMENT", "BrightwaySolution", "brightway_solution", "node_ids", "relative_difference"]

FEATURE = "The Brightway footprint backend"
AGREEMENT = 1e-6
"""Relative agreement required between Brightway's scores and carbonledger's own solve."""

FloatArray = npt.NDArray[np.float64]


@dataclass
class BrightwaySolution:
    """Brightway's results for every column of a product system."""

    indicators: FloatArray  # columns × indicators: B s_k from Brightway's supply vectors
    scores: FloatArray  # lca.score per unit of every column (the model's GWP method)
    reference: FloatArray  # carbonledger's own solve: PCF excluding uptake per column
    max_rel_diff: float  # max over columns of |score − reference| / |reference|
    export: BrightwayExport
    method: tuple[str, str, str]
    timings: dict[str, float] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def info(self) -> dict[str, Any]:
        """JSON-safe summary for the result's ``backend_info``."""
        return {
            "backend": "brightway",
            "project": self.export.project,
            "base_dir": str(self.export.base_dir),
            "technosphere": self.export.technosphere,
            "biosphere": self.export.biosphere,
            "method": list(self.method),
            "max_rel_diff_vs_carbonledger": self.max_rel_diff,
            "agreement_required": AGREEMENT,
            "timings_s": dict(self.timings),
        }


def relative_difference(values: FloatArray, reference: FloatArray) -> FloatArray:
    """``|values − reference| / |reference|`` per entry; where the reference is 0 (a product with
    no emissions) the denominator is 1e-12 × the largest |reference| (a zero that Brightway
    reproduces to round-off counts as agreement)."""
    scale = np.abs(reference)
    floor = 1e-12 * float(scale.max()) if scale.size else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.abs(values - reference) / np.maximum(scale, floor if floor > 0 else 1e-300)
    return out


def node_ids(bd: Any, database: str) -> dict[str, int]:
    """code → node id of every activity of a database (one query)."""
    from bw2data.backends import ActivityDataset

    query = ActivityDataset.select(ActivityDataset.code, ActivityDataset.id).where(ActivityDataset.database == database)
    return {str(code): int(i) for code, i in query.tuples()}


def brightway_solution(system: Any, *, base_dir: str | Path | None = None, project: str | None = None,
                       gwp: str | None = None, database: str = "carbonledger",
                       overwrite: bool = True) -> BrightwaySolution:
    """Every column's footprint computed by bw2calc (see the module docstring).

    ``base_dir`` None: a temporary base directory, deleted afterwards. A given directory keeps the
    project (``project``, default ``carbonledger``) for further analysis in Brightway.
    """
    gwp_set = (gwp or system.model.settings.gwp).upper()
    with contextlib.ExitStack() as stack:
        if base_dir is None:
            base_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="carbonledger-bw-",
                                                                       ignore_cleanup_errors=True))
        export = export_system(system, base_dir=base_dir, project=project or "carbonledger", database=database,
                               overwrite=overwrite)
        return _solve(system, export, gwp_set)
    raise AssertionError("unreachable")  # pragma: no cover


def _solve(system: Any, export: BrightwayExport, gwp_set: str) -> BrightwaySolution:
    timings: dict[str, float] = dict(export.timings)
    method = export.methods[gwp_set]
    n = system.n
    b = system.b.tocsr()
    values = np.zeros((n, b.shape[0]))
    scores = np.zeros(n)
    with session(export.base_dir, export.project, feature=FEATURE, create=False) as s:
        bd, bc = s.bd, s.bc
        ids_by_code = node_ids(bd, export.technosphere)
        ids = [ids_by_code[c] for c in export.codes]
        started = time.perf_counter()
        fu, data_objs, _ = bd.prepare_lca_inputs(demand={ids[0]: 1.0}, method=method, remapping=False)
        lca = bc.LCA(fu, data_objs=data_objs)
        lca.lci(factorize=True)
        lca.lcia()
        timings["lca_build_factorise_s"] = time.perf_counter() - started
        perm = np.array([lca.dicts.activity[i] for i in ids], dtype=np.int64)
        started = time.perf_counter()
        for k, node in enumerate(ids):
            lca.lcia(demand={node: 1.0})
            scores[k] = float(lca.score)
            values[k] = b @ np.asarray(lca.supply_array, dtype=np.float64)[perm]
        timings["per_product_s"] = time.perf_counter() - started
    reference_values, _res = system.solve_all()
    reference = reference_values[:, : len(PCF_TERMS)].sum(axis=1)
    rel = relative_difference(scores, reference)
    max_rel = float(rel.max()) if rel.size else 0.0
    problems = list(export.problems)
    if max_rel > AGREEMENT:
        worst = int(np.argmax(rel))
        problems.append(Problem(
            f"Brightway's score of {system.labels[worst]!r} ({scores[worst]:.9g}) differs from carbonledger's "
            f"solve ({reference[worst]:.9g}) by {max_rel:.2g} relative (more than {AGREEMENT:g})",
            severity="warning", code="brightway_agreement",
            accepted="agreement to 1e-6 (Brightway stores matrix values in float32)"))
    return BrightwaySolution(indicators=values, scores=scores, reference=reference, max_rel_diff=max_rel, export=export,
                             method=method, timings=timings, problems=problems)
