"""Read a Brightway activity's supply chain into a carbonledger product model.

For practitioners who model in Brightway and report with carbonledger (contribution analysis,
PACT footprints, the footprint workbook). Starting from one activity, every activity reachable
through technosphere exchanges **inside the foreground databases** (default: the activity's own
database) becomes

* a product made by a process (``source = process``): the activity's production exchange is
  the process's output per run, its technosphere exchanges are the bill of materials (amounts
  and units as in Brightway), and its biosphere exchanges of greenhouse gases
  (:func:`~carbonledger.backends.brightway.ghg.classify`) are activity rows with an inline factor of
  1 kg/kg of the gas (``custom/brightway``, Scope 1), computed by the inventory engine with the
  model's GWP set;

and every activity of another database that a foreground activity consumes becomes a bought
product linked to it (``source = brightway``, ``brightway_activity = database|code``): its
cradle-to-gate score is computed by bw2calc (:mod:`.link`). So the foreground is carbonledger's
product system and the background stays in Brightway.

Not imported (errors naming the exchange): negative technosphere exchanges (waste treatment
and avoided products in Brightway's sign convention) and substitution exchanges; biosphere
flows that are not greenhouse gases are left out (a warning lists the ones with a
characterisation factor in ``method``, when one is given). Land-use CO2 flows of the
foreground (``from soil or biomass stock``) are counted as fossil CO2 by the inventory engine
(in linked background activities they are reported as land-use change).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from carbonledger.backends.brightway._env import session
from carbonledger.backends.brightway.ghg import classify
from carbonledger.backends.brightway.link import activity_ref, parse_method, resolve_activity
from carbonledger.backends.brightway.units import from_brightway_unit
from carbonledger.errors import InputError, Problem, UnitError

__all__ = ["import_supply_chain"]

FEATURE = "Importing a Brightway supply chain"


def import_supply_chain(activity: Any, *, project: str, brightway_dir: str | Path | None = None,
                        foreground: Iterable[str] | None = None, settings: Mapping[str, Any] | None = None,
                        method: str | None = None, product_info: Mapping[str, Mapping[str, Any]] | None = None,
                        max_activities: int = 100_000) -> Any:
    """A :class:`~carbonledger.footprint.model.ProductModel` of ``activity``'s supply chain.

    ``activity``: ``database|code`` (or ``database|name|location``), a node or a key tuple.
    ``settings``: the model settings (``reference_period_start``/``_end`` are required, as for
    any model; ``company_name`` … for PACT). ``product_info``: extra product columns by product id
    (``mass_kg``, ``product_ids``, carbon contents … that Brightway does not hold; PACT needs a
    mass for pieces and the carbon content of bought materials). ``method``: the project's LCIA method for the linked
    background activities (name parts separated by ``|``; default carbonledger's GWP100).
    Raises :class:`InputError` listing every exchange that cannot be imported.
    """
    from carbonledger.footprint.model import build_model

    ref = activity if isinstance(activity, str) else activity_ref(activity)
    problems: list[Problem] = []
    with session(brightway_dir, project, feature=FEATURE, create=False) as ses:
        bd = ses.bd
        root, message, accepted = resolve_activity(bd, ref)
        if root is None:
            raise InputError([Problem(message, field="activity", value=ref, accepted=accepted)])
        fg = set(foreground or (str(root["database"]),))
        method_cfs: dict[int, float] = {}
        if method:
            name = parse_method(method)
            if name not in bd.methods:
                raise InputError([Problem(f"no LCIA method {name!r} in the Brightway project", field="method",
                                          value=method, accepted="a method of the project, name parts separated by |")])
            method_cfs = _method_cfs(bd, name)
        nodes: dict[int, Any] = {int(root.id): root}
        order = [int(root.id)]
        background: dict[int, Any] = {}
        queue = deque([root])
        while queue:
            node = queue.popleft()
            for exc in node.technosphere():
                other = exc.input
                oid = int(other.id)
                if str(other["database"]) in fg:
                    if oid not in nodes:
                        if len(nodes) >= max_activities:
                            raise InputError([Problem(f"the supply chain has more than {max_activities} foreground "
                                                      "activities", field="max_activities",
                                                      accepted="fewer foreground databases or a larger limit")])
                        nodes[oid] = other
                        order.append(oid)
                        queue.append(other)
                else:
                    background.setdefault(oid, other)
        ids = _product_ids([nodes[i] for i in order] + list(background.values()))
        products: list[dict[str, Any]] = []
        processes: list[dict[str, Any]] = []
        outputs: list[dict[str, Any]] = []
        inputs: list[dict[str, Any]] = []
        activities: list[dict[str, Any]] = []
        skipped: dict[str, float] = {}
        flow_cache: dict[int, dict[str, Any]] = {}
        for oid in order:
            node = nodes[oid]
            pid = ids[oid]
            where = f"activity {node['database']}|{node['code']} '{node.get('name', '')}'"
            unit = _unit(node.get("unit", ""), problems, where)
            products.append({"product_id": pid, "name": str(node.get("reference product") or node.get("name") or pid),
                             "unit": unit, "source": "process", "description": str(node.get("name", "")),
                             "comment": f"Brightway {node['database']}|{node['code']}"})
            processes.append({"process_id": pid, "name": str(node.get("name", "")),
                              "description": f"Brightway {node['database']}|{node['code']} [{node.get('location', '')}]"})
            produced = sum(float(e["amount"]) for e in node.production() if int(e.input.id) == oid)
            outputs.append({"process_id": pid, "product_id": pid, "amount": repr(produced or 1.0), "unit": unit})
            for exc in node.exchanges():
                kind = exc.get("type")
                if kind in ("production", "biosphere", "technosphere"):
                    continue
                problems.append(Problem(f"{where}: exchange of type {kind!r} with {exc.input.get('name', '')!r} "
                                        "cannot be imported", field="type", value=str(kind),
                                        accepted="production, technosphere (≥ 0) and biosphere exchanges"))
            for exc in node.technosphere():
                amount = float(exc["amount"])
                other = exc.input
                if amount < 0:
                    problems.append(Problem(f"{where}: negative technosphere exchange with {other.get('name', '')!r} "
                                            f"({amount:g}): waste treatment and avoided products are not imported",
                                            field="amount", value=repr(amount),
                                            accepted="inputs ≥ 0 (model the treatment as an input of the service)"))
                    continue
                inputs.append({"process_id": pid, "product_id": ids[int(other.id)], "amount": repr(amount),
                               "unit": _unit(exc.get("unit") or other.get("unit", ""), problems, where)})
            for exc in node.biosphere():
                flow = exc.input
                fid = int(flow.id)
                data = flow_cache.setdefault(fid, {**flow.as_dict()})
                ghg = classify(data)
                amount = float(exc["amount"])
                record = f"{pid}:{flow['code']}"
                if ghg is not None:
                    activities.append({"process_id": pid, "record_id": record, "activity": "custom/brightway",
                                       "quantity": repr(amount), "unit": _unit(flow.get("unit", "kilogram"), problems,
                                                                               where),
                                       "emission_factor": "1", "emission_factor_unit": "kg/kg", "gas": ghg.gas,
                                       "scope": "1", "description": str(flow.get("name", ""))})
                elif fid in method_cfs and method_cfs[fid] != 0:
                    activities.append({"process_id": pid, "record_id": record, "activity": "custom/brightway",
                                       "quantity": repr(amount), "unit": _unit(flow.get("unit", "kilogram"), problems,
                                                                               where),
                                       "emission_factor": repr(method_cfs[fid]),
                                       "emission_factor_unit": "kg CO2e/kg", "gas": "CO2e", "scope": "1",
                                       "description": f"{flow.get('name', '')} (factor of {method})"})
                else:
                    skipped[str(flow.get("name", ""))] = skipped.get(str(flow.get("name", "")), 0.0) + abs(amount)
        for oid, node in background.items():
            where = f"activity {node['database']}|{node['code']} '{node.get('name', '')}'"
            products.append({"product_id": ids[oid], "name": str(node.get("reference product") or node.get("name")),
                             "unit": _unit(node.get("unit", ""), problems, where), "source": "brightway",
                             "brightway_activity": activity_ref(node), "brightway_method": method or "",
                             "description": str(node.get("name", "")), "geography": "",
                             "comment": f"Brightway {node['database']}|{node['code']} [{node.get('location', '')}]"})
    if problems:
        raise InputError(problems, summary=f"Brightway {ref}: the supply chain cannot be imported")
    extra = {str(k): dict(v) for k, v in (product_info or {}).items()}
    known = {str(p["product_id"]) for p in products}
    for pid in sorted(set(extra) - known):
        problems.append(Problem(f"product_info names {pid!r}, which is not in the imported supply chain",
                                field="product_info", value=pid, accepted=", ".join(sorted(known))))
    if problems:
        raise InputError(problems, summary=f"Brightway {ref}: the supply chain cannot be imported")
    products = [{**p, **extra.get(str(p["product_id"]), {})} for p in products]
    config = dict(settings or {})
    config.setdefault("brightway_project", project)
    if brightway_dir is not None:
        config.setdefault("brightway_dir", str(Path(brightway_dir).absolute()))
    if method:
        config.setdefault("brightway_method", method)
    frame = pd.DataFrame(activities, columns=["process_id", "record_id", "activity", "quantity", "unit",
                                              "emission_factor", "emission_factor_unit", "gas", "scope",
                                              "description"])
    model = build_model(products=pd.DataFrame(products), processes=pd.DataFrame(processes),
                        outputs=pd.DataFrame(outputs), inputs=pd.DataFrame(inputs, columns=["process_id", "product_id",
                                                                                            "amount", "unit"]),
                        activities=frame, settings=config, source=f"Brightway {ref}")
    if skipped and method:
        model.warnings.append(Problem("biosphere flows of the foreground that are neither greenhouse gases carbonledger "
                                      f"classifies nor characterised by {method}: " + ", ".join(sorted(skipped)[:20]),
                                      severity="warning", code="brightway_flows_skipped"))
    return model


def _unit(unit: Any, problems: list[Problem], where: str) -> str:
    try:
        return from_brightway_unit(str(unit))
    except UnitError as exc:
        problems.append(Problem(f"{where}: unit {unit!r} cannot be read ({exc.problems[0].message})", field="unit",
                                value=str(unit), accepted="kilogram, ton, kilowatt hour, megajoule, unit, ton kilometer …"))
        return str(unit)


def _product_ids(nodes: list[Any]) -> dict[int, str]:
    """Product id of every node: its code, or ``database:code`` when codes repeat across databases."""
    counts: dict[str, int] = {}
    for n in nodes:
        counts[str(n["code"])] = counts.get(str(n["code"]), 0) + 1
    return {int(n.id): (str(n["code"]) if counts[str(n["code"])] == 1 else f"{n['database']}:{n['code']}")
            for n in nodes}


def _method_cfs(bd: Any, method: tuple[str, ...]) -> dict[int, float]:
    from bw2data.backends import ActivityDataset

    out: dict[int, float] = {}
    for key, cf, *_ in bd.Method(method).load():
        node_id = key if isinstance(key, int) else ActivityDataset.get(
            (ActivityDataset.database == key[0]) & (ActivityDataset.code == key[1])).id
        out[int(node_id)] = float(cf["amount"] if isinstance(cf, dict) else cf)
    return out
