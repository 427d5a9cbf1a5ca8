"""Bought products whose footprint is a Brightway activity's cradle-to-gate score.

A product with ``source = brightway`` names an activity of a database in the user's Brightway
project (model settings ``brightway_project`` and ``brightway_dir``) in ``brightway_activity``:

* ``database|code`` — the activity's key (e.g. an ecoinvent dataset's code), or
* ``database|name|location`` (optionally ``|unit``) — the one activity with exactly that name
  and location (and unit); none or several is an error listing the candidates.

In Python, a search result (``bw2data.Database("ei").search("steel")[0]``) becomes such a
reference with :func:`activity_ref`.

For every linked activity bw2calc computes the life-cycle inventory of ONE unit of it (ONE
``LCA`` per method, factorised once, re-solved per activity). carbonledger then characterises it

* with its own GWP100 table for the model's ``gwp`` set (default): every biosphere flow that
  :func:`~carbonledger.backends.brightway.ghg.classify` recognises (emissions to air of CO2,
  CH4, N2O, SF6, NF3 and the halocarbons of the ``ipcc-gwp`` table, by ecoinvent's names) ×
  its GWP; biogenic CO2 is a memo; or
* with an LCIA method of the project chosen by name (``brightway_method`` on the product or in
  the model settings, the parts of the method's name separated by ``|``, e.g.
  ``IPCC 2021|climate change|global warming potential (GWP100)``): ``lca.score``, split per
  flow from the characterised inventory (recognised flows keep their gas and PACT term, others
  count as fossil CO2e). The method's GWP basis is read from its factor for N2O (298 / 265 / 273
  are the AR4 / AR5 / AR6 values in carbonledger's table); otherwise it is the model's set, flagged.

The score per unit of the product is the score per unit of the activity × the activity units per
product unit (pint, through the Brightway unit: ``kilogram``, ``ton`` = tonne, ``unit`` =
piece …, see :mod:`.units`). Each flow's lineage names the project, database, code, activity
name and location, method, score and unit conversion.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carbonledger.backends.brightway._env import session
from carbonledger.backends.brightway.export import method_name
from carbonledger.backends.brightway.ghg import GhgFlow, characterisation, classify
from carbonledger.backends.brightway.units import units_multiplier
from carbonledger.errors import GWPError, Problem, UnitError
from carbonledger.gwp import GWP_SETS, gwp

__all__ = ["activity_ref", "linked_flows", "parse_method", "resolve_activity"]

FEATURE = "Linking BOM inputs to Brightway activities"


def activity_ref(activity: Any) -> str:
    """``database|code`` of a Brightway activity (a search result, a node, or a key tuple)."""
    if isinstance(activity, tuple) and len(activity) == 2:
        return f"{activity[0]}|{activity[1]}"
    return f"{activity['database']}|{activity['code']}"


def parse_method(text: str) -> tuple[str, ...]:
    """``A|B|C`` → ``("A", "B", "C")``."""
    return tuple(x.strip() for x in str(text).split("|") if x.strip())


@dataclass
class _Linked:
    product_id: str
    row: int
    node_id: int
    database: str
    code: str
    name: str
    location: str
    unit: str
    per_product_unit: float  # activity units per product unit
    method: tuple[str, ...] | None  # None: carbonledger's GWP method


def resolve_activity(bd: Any, ref: str) -> tuple[Any | None, str, str]:
    """The node a reference names, or ``(None, message, accepted)``."""
    from bw2data.backends import ActivityDataset

    parts = [p.strip() for p in str(ref).split("|")]
    if len(parts) < 2 or not all(parts[:2]):
        return None, "not a Brightway activity reference", "database|code or database|name|location[|unit]"
    database = parts[0]
    if database not in bd.databases:
        known = ", ".join(sorted(bd.databases)) or "(none)"
        return None, f"no database {database!r} in the Brightway project", f"one of: {known}"
    if len(parts) == 2:
        try:
            return bd.get_node(database=database, code=parts[1]), "", ""
        except Exception:  # bw2data raises UnknownObject (not a public class in every version)
            return None, f"no activity with code {parts[1]!r} in database {database!r}", \
                "the activity's code (node['code']) or database|name|location"
    name, location = parts[1], parts[2]
    query = ActivityDataset.select().where((ActivityDataset.database == database) & (ActivityDataset.name == name) & (ActivityDataset.location == location))
    nodes = [bd.get_node(id=r.id) for r in query]
    if len(parts) > 3 and parts[3]:
        nodes = [n for n in nodes if str(n.get("unit", "")) == parts[3]]
    if len(nodes) == 1:
        return nodes[0], "", ""
    if not nodes:
        similar = [r.location for r in ActivityDataset.select(ActivityDataset.location).where((ActivityDataset.database == database) & (ActivityDataset.name == name))]
        hint = f" (locations with that name: {', '.join(sorted(set(similar))[:10])})" if similar else ""
        return None, f"no activity named {name!r} in {location!r} in database {database!r}{hint}", \
            "the exact activity name and location"
    listed = "; ".join(f"{n['code']} ({n.get('unit', '')}, {n.get('reference product', '')})" for n in nodes[:8])
    return None, f"{len(nodes)} activities match {name!r} in {location!r}: {listed}", \
        "database|code, or add |unit to tell them apart"


def _method_basis(bd: Any, method: tuple[str, ...], flows: dict[int, dict[str, Any]]) -> str | None:
    """The GWP set whose N2O value the method uses (None when it does not say)."""
    from bw2data.backends import ActivityDataset

    values: set[float] = set()
    for key, cf, *_ in bd.Method(method).load():
        node_id = key if isinstance(key, int) else ActivityDataset.get((ActivityDataset.database == key[0]) & (ActivityDataset.code == key[1])).id
        data = flows.get(node_id)
        if data is None:
            node = ActivityDataset.get_by_id(node_id)
            data = {**(node.data or {}), "name": node.name, "type": node.type}
            flows[node_id] = data
        ghg = classify(data)
        if ghg is not None and ghg.gas == "N2O":
            values.add(float(cf["amount"] if isinstance(cf, dict) else cf))
    matches = [s for s in GWP_SETS if any(math.isclose(v, gwp("N2O", s), rel_tol=1e-3) for v in values)]
    return matches[0] if len(matches) == 1 else None


def _flow_data(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    from bw2data.backends import ActivityDataset

    out: dict[int, dict[str, Any]] = {}
    ids = list(ids)
    for start in range(0, len(ids), 500):
        for node in ActivityDataset.select().where(ActivityDataset.id << ids[start:start + 500]):
            out[int(node.id)] = {**(node.data or {}), "name": node.name, "type": node.type,
                                 "database": node.database, "code": node.code}
    return out


def linked_flows(model: Any, problems: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flows (the footprint flow columns) and summary rows of every ``source = brightway`` product.

    Problems (unknown project, database, activity or method; units that do not convert) are
    appended to ``problems`` naming the products row and column.
    """
    from carbonledger.footprint.sources import FLOW_COLUMNS, gas_group

    prods = model.products[model.products["source"] == "brightway"].reset_index(drop=True)
    s = model.settings
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in FLOW_COLUMNS})
    if prods.empty:
        return empty, pd.DataFrame()
    if not s.brightway_project:
        problems.append(Problem("products sourced from Brightway need the Brightway project", file=model.source,
                                sheet="model", field="brightway_project",
                                accepted="the name of the project holding the databases (and brightway_dir, its "
                                "base directory, unless Brightway's default)"))
        return empty, pd.DataFrame()
    base_dir: Path | None = None
    if s.brightway_dir:
        base_dir = Path(s.brightway_dir).expanduser()
        if not base_dir.is_absolute() and model.base_dir is not None:
            base_dir = Path(model.base_dir) / base_dir
    rows: list[dict[str, Any]] = []
    summary: list[dict[str, Any]] = []

    def bad(row: int, field: str, message: str, value: str, accepted: str, pid: str) -> None:
        problems.append(Problem(message, file=model.source, sheet="products", row=row, field=field, value=value,
                                accepted=accepted, record_id=pid, code="brightway_link"))

    with session(base_dir, s.brightway_project, feature=FEATURE, create=False) as ses:
        bd, bc = ses.bd, ses.bc
        linked: list[_Linked] = []
        for prod in prods.to_dict("records"):
            pid, row = str(prod["product_id"]), int(prod["row"])
            node, message, accepted = resolve_activity(bd, str(prod["brightway_activity"]))
            if node is None:
                bad(row, "brightway_activity", message, str(prod["brightway_activity"]), accepted, pid)
                continue
            method_text = str(prod.get("brightway_method") or "") or s.brightway_method
            method: tuple[str, ...] | None = None
            if method_text:
                method = parse_method(method_text)
                if method not in bd.methods:
                    near = [" | ".join(m) for m in bd.methods if m and m[0] == method[0]][:6]
                    bad(row, "brightway_method", f"no LCIA method {method!r} in the Brightway project", method_text,
                        ("; ".join(near) if near else "a method of the project, its name parts separated by |"),
                        pid)
                    continue
            try:
                m = units_multiplier(str(prod["unit"]), str(node.get("unit", "")))
            except UnitError as exc:
                bad(row, "unit", exc.problems[0].message, str(prod["unit"]),
                    f"a unit convertible to the activity's {node.get('unit', '')!r}", pid)
                continue
            linked.append(_Linked(pid, row, int(node.id), str(node["database"]), str(node["code"]),
                                  str(node.get("name", "")), str(node.get("location", "")),
                                  str(node.get("unit", "")), m, method))
        flow_cache: dict[int, dict[str, Any]] = {}
        groups: dict[tuple[str, ...] | None, list[_Linked]] = {}
        for item in linked:
            groups.setdefault(item.method, []).append(item)
        for method, items in groups.items():
            demand = {item.node_id: 1.0 for item in items}
            fu, data_objs, _ = bd.prepare_lca_inputs(demand=demand, method=method, remapping=False)
            lca = bc.LCA(fu, data_objs=data_objs)
            lca.lci(factorize=True)
            reverse_bio = {row_: flow_id for flow_id, row_ in lca.dicts.biosphere.items()}
            flow_cache.update(_flow_data(i for i in reverse_bio.values() if i not in flow_cache))
            classes = {row_: classify(flow_cache.get(fid, {})) for row_, fid in reverse_bio.items()}
            basis = s.gwp
            basis_note = ""
            if method is not None:
                lca.lcia()
                found = _method_basis(bd, method, flow_cache)
                if found is None:
                    basis_note = f"; GWP basis of the method not recognised (stated as the model's {s.gwp})"
                else:
                    basis = found
            label = " | ".join(method) if method else " | ".join(method_name(s.gwp)) + " (computed by carbonledger)"
            for item in items:
                if method is None:
                    lca.lci(demand={item.node_id: 1.0})
                else:
                    lca.lcia(demand={item.node_id: 1.0})
                inv = np.asarray(lca.inventory.sum(axis=1)).ravel()
                char = np.asarray(lca.characterized_inventory.sum(axis=1)).ravel() if method is not None else None
                per_flow: dict[tuple[str, str], float] = {}
                notes: set[str] = set()
                unclassified = 0.0
                for r in np.flatnonzero(inv if char is None else char):
                    ghg = classes.get(int(r))
                    if method is None:
                        if ghg is None:
                            continue
                        cf = characterisation(ghg, s.gwp)
                        if cf is None:
                            _no_gwp(problems, model, item, ghg, s.gwp)
                            continue
                        value = float(inv[r]) * (1.0 if ghg.term.endswith("_memo") else cf)
                    else:
                        assert char is not None
                        value = float(char[r])
                        if ghg is None:
                            ghg = GhgFlow("CO2e", "fossil")
                            unclassified += value
                    if ghg.note:
                        notes.add(ghg.note)
                    key = (ghg.gas, ghg.term)
                    per_flow[key] = per_flow.get(key, 0.0) + value * item.per_product_unit
                score = float(lca.score) if method is not None else sum(
                    v for (g, t), v in per_flow.items() if not t.endswith("_memo")) / item.per_product_unit
                lineage = (f"Brightway project {s.brightway_project!r}, activity {item.database}|{item.code} "
                           f"'{item.name}' [{item.location}], {score:.6g} kg CO2e per {item.unit} under {label}"
                           f"{basis_note}; × {item.per_product_unit:.6g} {item.unit} per unit of the product"
                           + (f"; {unclassified * item.per_product_unit:.6g} kg CO2e from flows carbonledger does not "
                              "classify, counted as fossil" if unclassified else "")
                           + (f"; {'; '.join(sorted(notes))}" if notes else ""))
                prod = prods[prods["product_id"] == item.product_id].iloc[0]
                for (gas_, term), value in sorted(per_flow.items()):
                    rows.append({
                        "owner": item.product_id, "owner_kind": "purchased", "origin": "brightway",
                        "ref": f"{item.database}|{item.code}", "activity": item.name, "term": term, "gas": gas_,
                        "gas_group": gas_group(gas_), "co2e_kg": value, "gwp_basis": basis,
                        "factor_set": item.database, "primary_fraction": 0.0,
                        "technological_dqr": float(prod["technological_dqr"]),
                        "temporal_dqr": float(prod["temporal_dqr"]),
                        "geographical_dqr": float(prod["geographical_dqr"]),
                        "lineage": lineage,
                    })
                    if bool(prod["aircraft"]) and term == "fossil":
                        rows.append({**rows[-1], "term": "aircraft_memo"})
                summary.append({
                    "product_id": item.product_id, "source": "brightway",
                    "reference": f"Brightway {item.database}|{item.code}", "factor_set": item.database,
                    "factor_id": item.code, "factor_name": item.name, "factor_region": item.location,
                    "lineage": lineage, "flags": "gwp_basis_unverified" if basis_note else "", "confidence": "",
                    "brightway_project": s.brightway_project, "brightway_method": label,
                    "brightway_score": score, "brightway_unit": item.unit,
                    "brightway_per_product_unit": item.per_product_unit,
                })
    frame = pd.DataFrame(rows, columns=list(FLOW_COLUMNS)) if rows else empty
    for c in ("co2e_kg", "primary_fraction", "technological_dqr", "temporal_dqr", "geographical_dqr"):
        frame[c] = frame[c].astype(float)
    return frame, pd.DataFrame(summary)


def _no_gwp(problems: list[Problem], model: Any, item: _Linked, ghg: GhgFlow, gwp_set: str) -> None:
    try:
        gwp(ghg.gas, gwp_set)
    except GWPError as exc:
        problems.append(Problem(f"the supply chain of {item.database}|{item.code} emits {ghg.gas}: {exc}",
                                file=model.source, sheet="products", row=item.row, field="brightway_activity",
                                record_id=item.product_id, severity="warning", code="brightway_gwp",
                                accepted="a brightway_method that characterises it"))
