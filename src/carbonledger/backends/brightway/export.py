"""Write a carbonledger product system into a Brightway project.

:func:`export_system` writes, into ONE project of ONE base directory (chosen by the caller, or
a new temporary directory):

* a **biosphere database** (``<database> biosphere``) with one flow per greenhouse gas and PACT
  term the system uses: ``CO2|fossil``, ``CH4_fossil|fossil``, ``CH4_non_fossil|biogenic_non_co2``,
  ``CO2_biogenic|biogenic_co2_memo`` …, in kilograms of the gas, emissions to ``air``. Amounts
  that carbonledger only knows in CO2e (factors published as CO2e totals, supplier PACT
  footprints) get a flow ``CO2e|<term>`` in kg CO2e;
* a **technosphere database** (``<database>``) with one activity per column of the system
  (:mod:`carbonledger.footprint.system`): a product made here (one run of its process × its
  allocation factor), a bought product (one unit), or a bought product's stage copy. Its
  exchanges are the column of ``A`` (the production exchange ``A[k, k]``; inputs ``−A[i, k]``,
  each in the unit of its product) and its gas masses (``B`` in kg of gas, before
  characterisation). Activity codes are the system's labels (product ids; ``P@use`` for stage
  copies);
* one **LCIA method per GWP set** (``("carbonledger", "climate change", "GWP100 AR6")`` and AR5,
  AR4) built from carbonledger's GWP table (the ``ipcc-gwp`` factor set): each gas flow's GWP100,
  0 for memo flows, 1 for ``CO2e`` flows.

Gas masses are ``co2e ÷ GWP(gas, basis)`` of each flow (the run characterised gas-split flows
with the model's GWP set). CO2e-only flows keep their published basis under every method (as
carbonledger does: the basis is listed in ``ipccCharacterizationFactors``), so only gas-split
flows change between the methods. Aircraft and land-management memo rows repeat amounts already
in the fossil term and are not written twice.

Under the method of the model's GWP set, Brightway's score of one unit of product k is
carbonledger's ``pcf_excluding_uptake`` of k (the biogenic CO2 memo has factor 0).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from carbonledger.backends.brightway._env import session
from carbonledger.backends.brightway.ghg import GhgFlow, characterisation
from carbonledger.backends.brightway.units import brightway_unit_name
from carbonledger.errors import GWPError, InputError, Problem
from carbonledger.gwp import GWP_SETS, gwp

__all__ = ["BrightwayExport", "export_system", "gas_masses", "method_name"]

FEATURE = "Writing a product system into Brightway"
SKIPPED_TERMS = ("aircraft_memo", "land_management_fossil_memo")


def method_name(gwp_set: str) -> tuple[str, str, str]:
    """The name of carbonledger's LCIA method for a GWP set."""
    return ("carbonledger", "climate change", f"GWP100 {gwp_set.upper()}")


@dataclass
class BrightwayExport:
    """What :func:`export_system` wrote, and where."""

    base_dir: Path
    project: str
    technosphere: str
    biosphere: str
    methods: dict[str, tuple[str, str, str]]
    codes: tuple[str, ...]  # activity code of every system column (the labels)
    flows: pd.DataFrame  # biosphere flows: code, gas, term, unit, cf_AR4/AR5/AR6
    exchanges: int
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def gas_masses(system: Any) -> tuple[pd.DataFrame, list[Problem]]:
    """Gas masses per system column: ``flow`` (``gas|term``), ``gas``, ``term``, ``column``,
    ``mass`` (kg of gas, or kg CO2e for CO2e flows) per unit process, summed per (flow, column).

    The expansion of flows onto columns is the one :func:`carbonledger.footprint.system.build_system`
    uses for ``B``: a process's flows × the allocation factor of each of its outputs; a bought
    product's flows onto its column and its stage copies.
    """
    problems: list[Problem] = []
    table = system.flows.table
    empty = pd.DataFrame({"flow": pd.Series(dtype=object), "gas": pd.Series(dtype=object),
                          "term": pd.Series(dtype=object), "column": pd.Series(dtype="int64"),
                          "mass": pd.Series(dtype="float64")})
    if table.empty:
        return empty, problems
    table = table[~table["term"].astype(str).isin(SKIPPED_TERMS)]
    products = system.model.products.reset_index(drop=True)
    base = {p: i for i, p in enumerate(products["product_id"])}
    alloc = system.allocated_outputs[["process_id", "product_id", "allocation_factor"]]
    proc = table[table["owner_kind"] == "process"].merge(alloc, left_on="owner", right_on="process_id", how="inner")
    proc_cols = proc["product_id"].map(base).to_numpy(dtype=np.int64)
    proc_factor = proc["allocation_factor"].to_numpy(dtype=float)
    bought = table[table["owner_kind"] == "purchased"]
    cols = system.columns
    owner_cols: dict[str, list[int]] = {}
    kinds = cols["kind"].to_numpy(dtype=object)
    for k, (pid, kind) in enumerate(zip(cols["product_id"].to_numpy(dtype=object), kinds, strict=True)):
        if kind != "process":
            owner_cols.setdefault(str(pid), []).append(k)
    b_parts = []
    for owner, group in bought.groupby("owner", sort=False):
        for k in owner_cols.get(str(owner), []):
            b_parts.append(group.assign(_col=k))
    frames = [proc[list(table.columns)].assign(_col=proc_cols, _f=proc_factor)]
    if b_parts:
        frames.append(pd.concat(b_parts, ignore_index=True).assign(_f=1.0))
    rows = pd.concat(frames, ignore_index=True)
    gas = rows["gas"].astype(str).to_numpy(dtype=object)
    basis = rows["gwp_basis"].astype(str).str.split("|").str[0].to_numpy(dtype=object)
    pairs = pd.MultiIndex.from_arrays([gas, basis])
    codes, uniques = pd.factorize(pairs)
    divisor = np.full(len(uniques), np.nan)
    for i, (g, b) in enumerate(uniques):
        if g in ("CO2e", ""):
            divisor[i] = 1.0
            continue
        try:
            divisor[i] = gwp(str(g), str(b) or system.model.settings.gwp)
        except GWPError as exc:
            problems.append(Problem(f"gas {g!r}: {exc}", code="brightway_export",
                                    accepted="a gas with a GWP in the model's set"))
    mass = rows["co2e_kg"].to_numpy(dtype=float) / divisor[codes] * rows["_f"].to_numpy(dtype=float)
    gas = np.where(pd.Series(gas).isin(["", "CO2e"]).to_numpy(), "CO2e", gas)
    term = rows["term"].astype(str).to_numpy(dtype=object)
    out = pd.DataFrame({"flow": gas + "|" + term, "gas": gas, "term": term,
                        "column": rows["_col"].to_numpy(dtype=np.int64), "mass": mass})
    out = out[~np.isnan(out["mass"].to_numpy())]
    out = out.groupby(["flow", "gas", "term", "column"], as_index=False, sort=True)["mass"].sum()
    return out[out["mass"] != 0].reset_index(drop=True), problems


def _flow_table(masses: pd.DataFrame) -> pd.DataFrame:
    flows = masses[["flow", "gas", "term"]].drop_duplicates().sort_values("flow").reset_index(drop=True)
    for s in GWP_SETS:
        flows[f"cf_{s}"] = [characterisation(GhgFlow(g, t), s) for g, t in
                            zip(flows["gas"], flows["term"], strict=True)]
    flows["unit"] = np.where(flows["gas"] == "CO2e", "kilogram CO2-Eq", "kilogram")
    return flows


def export_system(system: Any, *, base_dir: str | Path | None = None, project: str = "carbonledger",
                  database: str = "carbonledger", overwrite: bool = False) -> BrightwayExport:
    """Write ``system`` (a :class:`~carbonledger.footprint.system.ProductSystem`) into the Brightway
    project ``project`` under ``base_dir`` (created when missing; ``None``: a new temporary
    directory, kept and returned in :attr:`BrightwayExport.base_dir`).

    Raises :class:`InputError` when the databases exist and ``overwrite`` is false.
    """
    started = time.perf_counter()
    target = Path(base_dir) if base_dir is not None else Path(tempfile.mkdtemp(prefix="carbonledger-brightway-"))
    target.mkdir(parents=True, exist_ok=True)
    masses, problems = gas_masses(system)
    flows = _flow_table(masses)
    bio = f"{database} biosphere"
    labels = list(system.labels)
    a = sp.csc_matrix(system.a)
    cols = system.columns
    names = dict(zip(system.model.products["product_id"], system.model.products["name"], strict=True))
    region_of = system.model.processes.set_index("process_id")["region"].to_dict()
    timings: dict[str, float] = {"gas_masses_s": time.perf_counter() - started}

    biosphere: dict[tuple[str, str], dict[str, Any]] = {}
    for f in flows.itertuples(index=False):
        label = "CO2e (not split by gas)" if f.gas == "CO2e" else str(f.gas)
        biosphere[(bio, str(f.flow))] = {
            "name": f"{label}, {str(f.term).replace('_', ' ')}",
            "unit": str(f.unit),
            "type": "emission",
            "categories": ("air",),
            "carbonledger_gas": str(f.gas),
            "carbonledger_term": str(f.term),
        }
    by_col = _group_masses(masses, len(labels))
    units = cols["unit"].astype(str).to_numpy(dtype=object)
    bw_units = {u: brightway_unit_name(u) for u in set(units)}
    technosphere: dict[tuple[str, str], dict[str, Any]] = {}
    n_ex = 0
    for k, col in enumerate(cols.itertuples(index=False)):
        code = labels[k]
        pid = str(col.product_id)
        name = str(names.get(pid, pid))
        kind = str(col.kind)
        if kind == "purchase_stage_copy":
            name = f"{name} (bought, consumed in {col.stage})"
        elif kind != "process":
            name = f"{name} (bought)"
        start, end = a.indptr[k], a.indptr[k + 1]
        exchanges: list[dict[str, Any]] = []
        for i, value in zip(a.indices[start:end], a.data[start:end], strict=True):
            if i == k:
                exchanges.append({"input": (database, code), "amount": float(value), "type": "production",
                                  "unit": bw_units[units[k]]})
            else:
                exchanges.append({"input": (database, labels[i]), "amount": float(-value), "type": "technosphere",
                                  "unit": bw_units[units[i]]})
        flow_codes, amounts = by_col[k]
        for fc, amount in zip(flow_codes, amounts, strict=True):
            exchanges.append({"input": (bio, fc), "amount": float(amount), "type": "biosphere",
                              "unit": biosphere[(bio, fc)]["unit"]})
        n_ex += len(exchanges)
        region = region_of.get(str(col.process_id), "") if kind == "process" else ""
        technosphere[(database, code)] = {
            "name": name,
            "reference product": str(names.get(pid, pid)),
            "unit": bw_units[units[k]],
            "location": region or "GLO",
            "type": "process",
            "exchanges": exchanges,
            "carbonledger_product": pid,
            "carbonledger_unit": str(units[k]),
            "carbonledger_kind": kind,
            "carbonledger_process": str(col.process_id or ""),
            "carbonledger_stage": str(col.stage),
            "allocation_factor": float(col.allocation_factor),
            "comment": f"carbonledger column {col.column!r} of {system.model.source}",
        }
    timings["build_s"] = time.perf_counter() - started - timings["gas_masses_s"]
    methods: dict[str, tuple[str, str, str]] = {}
    with session(target, project, feature=FEATURE, create=True, writes=True) as s:
        bd = s.bd
        existing = [d for d in (database, bio) if d in bd.databases]
        foreign = [d for d in existing if not bd.databases[d].get("carbonledger_export")]
        if foreign or (existing and not overwrite):
            raise InputError([Problem(f"database {d!r} already exists in Brightway project {project!r} ({target})"
                                      + (" and was not written by carbonledger" if d in foreign else ""),
                                      field="database", value=d,
                                      accepted="another database name" + ("" if d in foreign else
                                                                          ", or overwrite=True"))
                              for d in existing])
        t0 = time.perf_counter()
        for name_, data in ((bio, biosphere), (database, technosphere)):
            db = bd.Database(name_)
            db.register(carbonledger_export=True, format="carbonledger", source=str(system.model.source))
            db.write(data)
        timings["write_databases_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        for gwp_set in GWP_SETS:
            mname = method_name(gwp_set)
            cfs = [((bio, str(code)), float(cf)) for code, cf in zip(flows["flow"], flows[f"cf_{gwp_set}"], strict=True)
                   if cf is not None and not (isinstance(cf, float) and np.isnan(cf))]
            missing = [str(code) for code, cf in zip(flows["flow"], flows[f"cf_{gwp_set}"], strict=True)
                       if cf is None or (isinstance(cf, float) and np.isnan(cf))]
            for code in missing:
                problems.append(Problem(f"flow {code!r} has no {gwp_set} GWP100 in carbonledger's table: left out of "
                                        f"method {mname}", severity="warning", code="brightway_export"))
            method = bd.Method(mname)
            method.register(unit="kg CO2e", description=(
                f"GWP100 {gwp_set} from carbonledger's ipcc-gwp table; memo flows 0; CO2e flows 1 "
                "(their own published basis)"))
            method.write(cfs)
            methods[gwp_set] = method_name(gwp_set)
        timings["write_methods_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - started
    return BrightwayExport(base_dir=target, project=project, technosphere=database, biosphere=bio, methods=methods,
                           codes=tuple(labels), flows=flows, exchanges=n_ex, problems=problems, timings=timings)


def _group_masses(masses: pd.DataFrame, n: int) -> list[tuple[list[str], npt.NDArray[np.float64]]]:
    out: list[tuple[list[str], npt.NDArray[np.float64]]] = [([], np.zeros(0)) for _ in range(n)]
    if masses.empty:
        return out
    ordered = masses.sort_values(["column", "flow"], kind="stable")
    col = ordered["column"].to_numpy(dtype=np.int64)
    flow = ordered["flow"].to_numpy(dtype=object)
    mass = ordered["mass"].to_numpy(dtype=float)
    bounds = np.searchsorted(col, np.arange(n + 1))
    for k in np.flatnonzero(np.diff(bounds)):
        out[int(k)] = ([str(x) for x in flow[bounds[k]:bounds[k + 1]]], mass[bounds[k]:bounds[k + 1]])
    return out
