"""Where every emission of a product system comes from: the *flows* table.

A flow is an amount of kg CO2e in one PACT term (fossil, land-use change, biogenic non-CO2 …)
that belongs to either

* a **process run** — computed from its activity rows by the inventory engine
  (:func:`carbonledger.inventory.engine.run_inventory`: fuels, electricity location- or
  market-based, refrigerants, process emissions, with the factor lineage of each row), or
  allocated from a **plant inventory**: the plant's Scope 1 and 2 rows × the process's share
  of the allocation key ÷ the process's runs in the plant's period; or
* one unit of a **purchased product** — a Brightway activity's cradle-to-gate score computed
  by bw2calc (``source = brightway``, :mod:`carbonledger.backends.brightway.link`), or a
  secondary factor resolved by
  :func:`carbonledger.factors.resolve.resolve` and expanded per gas by
  :func:`carbonledger.calc.factor_emissions` (quantity 1 in the product's unit), or the
  supplier's PACT footprint per declared unit converted to the product's unit with pint.

Gas → PACT term: biogenic CO2 (``CO2_biogenic``) is a memo item (outside the PCF, as outside
the scopes in the GHG Protocol; the CO2 taken up by that biomass is not counted either),
non-fossil methane (``CH4_non_fossil``) is biogenic non-CO2, every other gas — including
non-Kyoto gases such as HCFCs, which PACT v3 lists among fossil emissions — is fossil.

Each flow also carries what the data-quality figures need: whether it is primary data (a
process's own measured data, or the primary share of a supplier footprint), its DQRs, the GWP
basis it was characterised with, and the secondary factor set it came from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carbonledger.errors import InputError, Problem, UnitError
from carbonledger.factors.manifest import Manifest
from carbonledger.factors.store import FactorStore, default_store
from carbonledger.footprint.model import ProductModel
from carbonledger.pact.figures import PCF_TERMS
from carbonledger.pact.importer import ImportedFootprint, import_footprint
from carbonledger.pact.units import PINT_UNIT
from carbonledger.units import dimension_key, multiplier

__all__ = ["GAS_GROUPS", "MEMO_TERMS", "Flows", "compute_flows", "gas_group"]

MEMO_TERMS: tuple[str, ...] = ("biogenic_co2_memo", "aircraft_memo", "land_management_fossil_memo")
"""Memo flows: reported, not added to the PCF (aircraft and land-management fossil are parts of fossil)."""

GAS_GROUPS: tuple[str, ...] = ("CO2", "CH4", "N2O", "F-gases", "other gases", "CO2e (not split)", "biogenic CH4")

FLOW_COLUMNS: tuple[str, ...] = (
    "owner",  # process_id or purchased product_id
    "owner_kind",  # process | purchased
    "origin",  # activity | plant | factor | supplier
    "ref",  # record id / factor id / footprint id
    "activity",  # activity key of the record or factor ('' for supplier footprints)
    "term",  # PACT term or memo term
    "gas",
    "gas_group",
    "co2e_kg",  # per run (process) or per unit (purchased)
    "gwp_basis",
    "factor_set",  # full id of the secondary set ('' when not secondary)
    "primary_fraction",
    "technological_dqr",
    "temporal_dqr",
    "geographical_dqr",
    "lineage",
)


def gas_group(gas: str) -> str:
    """The per-gas reporting group of a gas name (see :data:`GAS_GROUPS`)."""
    from carbonledger.gwp import is_kyoto

    g = str(gas)
    if g in ("CO2", "CO2_fossil"):
        return "CO2"
    if g in ("CH4", "CH4_fossil"):
        return "CH4"
    if g == "CH4_non_fossil":
        return "biogenic CH4"
    if g == "N2O":
        return "N2O"
    if g in ("CO2e", ""):
        return "CO2e (not split)"
    try:
        return "F-gases" if is_kyoto(g) else "other gases"
    except Exception:
        return "other gases"


def _term_of_gas(gas: str) -> str:
    if gas == "CO2_biogenic":
        return "biogenic_co2_memo"
    if gas == "CH4_non_fossil":
        return "biogenic_non_co2"
    return "fossil"


@dataclass
class Flows:
    """Every flow of the model, the purchased-product summary and the lineage tables."""

    table: pd.DataFrame
    purchased: pd.DataFrame  # one row per purchased product
    activity_rows: pd.DataFrame  # inventory result rows of process activities
    plant_rows: pd.DataFrame  # allocated plant inventory rows
    imported: dict[str, ImportedFootprint]
    manifests: dict[str, Manifest]
    warnings: list[Problem] = field(default_factory=list)


def _empty_flows() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("co2e_kg", "primary_fraction") or c.endswith("_dqr")
                                      else object) for c in FLOW_COLUMNS})


def compute_flows(model: ProductModel, *, store: FactorStore | None = None) -> Flows:
    """All flows of ``model``; raises :class:`InputError` with every problem found."""
    store = store or default_store()
    problems: list[Problem] = []
    manifests: dict[str, Manifest] = {}
    parts: list[pd.DataFrame] = []
    act_flows, activity_rows = _process_activities(model, store, problems, manifests)
    parts.append(act_flows)
    plant_flows, plant_rows = _plants(model, store, problems, manifests)
    parts.append(plant_flows)
    factor_flows, factor_summary = _factor_products(model, store, problems, manifests)
    parts.append(factor_flows)
    supplier_flows, supplier_summary, imported = _supplier_products(model, problems)
    parts.append(supplier_flows)
    brightway_flows, brightway_summary = _brightway_products(model, problems)
    parts.append(brightway_flows)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(problems, summary=f"{model.source}: {len(errors)} problem(s) computing the emissions")
    table = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(
        not p.empty for p in parts) else _empty_flows()
    summaries = [x for x in (factor_summary, supplier_summary, brightway_summary) if not x.empty]
    purchased = pd.concat(summaries, ignore_index=True) if summaries else pd.DataFrame()
    return Flows(
        table=table,
        purchased=purchased,
        activity_rows=activity_rows,
        plant_rows=plant_rows,
        imported=imported,
        manifests=manifests,
        warnings=[p for p in problems if p.severity == "warning"],
    )


# ---------------------------------------------------------------------------------------------
def _period_text(model: ProductModel) -> tuple[str, int | None]:
    s = model.settings
    last = s.reference_period_end - timedelta(days=1)
    if s.reference_period_start.month == 1 and s.reference_period_start.day == 1 and last.year == s.year and (
            last.month, last.day) == (12, 31):
        return str(s.year), s.year
    return f"{s.reference_period_start.isoformat()}/{last.isoformat()}", None


def _inventory_rows(result_rows: pd.DataFrame, scope2_method: str, scopes: tuple[str, ...] | None) -> pd.DataFrame:
    """Result rows that belong to a footprint: Scope 1, Scope 2 by the chosen method, Scope 3
    (process activities only), biogenic CO2 (memo) and non-Kyoto gases (fossil in PACT)."""
    key = result_rows["scope_key"].astype(str)
    keep = key.isin(["1", f"2_{scope2_method}", "3", "outside_scopes", "memo_non_kyoto"])
    if scopes is not None:
        allowed = set()
        if "1" in scopes:
            allowed |= {"1"}
        if "2" in scopes:
            allowed |= {f"2_{scope2_method}"}
        scope = result_rows["scope"].astype(str)
        outside = key.isin(["outside_scopes", "memo_non_kyoto"])
        # biogenic CO2 / non-Kyoto rows follow the scope of the record they come from
        record_scope = result_rows.groupby("record_pos")["scope"].transform(
            lambda s: next((x for x in s.astype(str) if x in ("1", "2", "3")), ""))
        keep = key.isin(list(allowed)) | (outside & record_scope.astype(str).isin(list(scopes)))
        del scope
    return result_rows[keep.to_numpy()].reset_index(drop=True)


def _basis(rows: pd.DataFrame, run_gwp: str) -> pd.Series:
    flags = rows["flags"].astype(str)
    extracted = flags.str.extract(r"gwp_basis_differs:(AR\d)", expand=False)
    return extracted.fillna(run_gwp).astype(object)


def _aircraft(activity: pd.Series) -> np.ndarray:
    text = activity.astype(str)
    return (text.str.startswith("freight/air") | text.str.startswith("travel/air")).to_numpy()


def _note_manifests(full_ids: Any, store: FactorStore, manifests: dict[str, Manifest]) -> None:
    for full_id in {str(x) for x in full_ids if isinstance(x, str) and x}:
        if full_id not in manifests:
            try:
                manifests[full_id] = store.load(full_id).manifest
            except Exception:  # user sets or GWP tables without a loadable manifest
                continue


def _secondary_set(rows: pd.DataFrame) -> np.ndarray:
    """The factor set of rows whose factor is published secondary data; '' for inline (the
    record's own, supplier-specific or measured) factors and GWP-only rows (refrigerants)."""
    full = rows["factor_full_id"].astype(object).where(rows["factor_full_id"].notna(), "").astype(str)
    method = rows["method"].astype(str)
    own = (full == "inline") | method.str.startswith("inline") | method.str.contains("supplier_specific") | \
        full.str.startswith("ipcc-gwp")
    return full.where(~own, "").to_numpy(dtype=object)


def _flows_from_inventory(rows: pd.DataFrame, owner: pd.Series, multiplier_: np.ndarray, origin: str,
                          processes: pd.DataFrame, run_gwp: str) -> pd.DataFrame:
    if rows.empty:
        return _empty_flows()
    info = processes.set_index("process_id")
    owner_values = owner.to_numpy(dtype=object)
    gas = rows["gas"].astype(str).to_numpy()
    term = np.array([_term_of_gas(g) for g in gas], dtype=object)
    co2e = rows["co2e_kg"].to_numpy(dtype=float) * multiplier_
    primary = info["primary_data"].reindex(owner_values).fillna(True).to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "owner": owner_values,
            "owner_kind": "process",
            "origin": origin,
            "ref": rows["record_id"].astype(str).to_numpy(),
            "activity": rows["activity"].astype(str).to_numpy(),
            "term": term,
            "gas": gas,
            "gas_group": [gas_group(g) for g in gas],
            "co2e_kg": co2e,
            "gwp_basis": _basis(rows, run_gwp).to_numpy(),
            "factor_set": _secondary_set(rows),
            "primary_fraction": primary,
            "technological_dqr": info["technological_dqr"].reindex(owner_values).to_numpy(dtype=float),
            "temporal_dqr": info["temporal_dqr"].reindex(owner_values).to_numpy(dtype=float),
            "geographical_dqr": info["geographical_dqr"].reindex(owner_values).to_numpy(dtype=float),
            "lineage": rows["lineage"].astype(str).to_numpy(),
        }
    )
    # the factor of an activity row is secondary data, but the activity data is the process's own:
    # PACT counts activity data measured at the company as primary (the factor set is still cited)
    air = _aircraft(rows["activity"])
    memo = frame[air & (term == "fossil")].assign(term="aircraft_memo")
    out: pd.DataFrame = pd.concat([frame, memo], ignore_index=True)
    return out


def _process_activities(model: ProductModel, store: FactorStore, problems: list[Problem],
                        manifests: dict[str, Manifest]) -> tuple[pd.DataFrame, pd.DataFrame]:
    acts = model.activities
    if acts.empty:
        return _empty_flows(), pd.DataFrame()
    from carbonledger.inventory.engine import run_inventory
    from carbonledger.io.tables import RawTable

    period, year = _period_text(model)
    frame = acts.copy()
    for column in ("record_id", "period", "region", "entity"):
        if column not in frame.columns:
            frame[column] = ""
        frame[column] = frame[column].astype(object).where(frame[column].notna(), "").astype(str)
    regions = model.processes.set_index("process_id")["region"]
    frame["entity"] = frame["process_id"]
    blank_id = frame["record_id"] == ""
    frame.loc[blank_id, "record_id"] = frame.loc[blank_id, "process_id"] + "@row" + frame.loc[blank_id, "row"].astype(str)
    frame.loc[frame["period"] == "", "period"] = period
    fill = frame["region"] == ""
    frame.loc[fill, "region"] = frame.loc[fill, "process_id"].map(regions).fillna("").astype(str)
    process_ids = frame.pop("process_id")
    raw = RawTable(frame, f"{model.source}, sheet 'activities'")
    result = run_inventory(raw, factor_sets=list(model.settings.factor_sets), gwp=model.settings.gwp, year=year,
                           default_region=model.settings.default_region)
    problems += [_in_sheet(p, "activities") for p in result.problems]
    rows = _inventory_rows(result.results, model.settings.scope2_method, None)
    owner = pd.Series(process_ids.to_numpy()[rows["record_pos"].to_numpy()]) if len(rows) else pd.Series(dtype=object)
    rows = rows.assign(process_id=owner.to_numpy())
    if len(rows):
        _note_manifests(rows["factor_full_id"], store, manifests)
    flows = _flows_from_inventory(rows, owner, np.ones(len(rows)), "activity", model.processes, model.settings.gwp)
    return flows, rows


def _in_sheet(problem: Problem, sheet: str) -> Problem:
    from dataclasses import replace

    return replace(problem, sheet=problem.sheet or sheet)


def _plants(model: ProductModel, store: FactorStore, problems: list[Problem],
            manifests: dict[str, Manifest]) -> tuple[pd.DataFrame, pd.DataFrame]:
    if model.plants.empty:
        return _empty_flows(), pd.DataFrame()
    from carbonledger.inventory.engine import run_inventory
    from carbonledger.io.tables import read_table

    flows: list[pd.DataFrame] = []
    lineage: list[pd.DataFrame] = []
    for _, plant in model.plants.iterrows():
        path = Path(plant["activities"])
        if not path.is_absolute() and model.base_dir is not None:
            path = model.base_dir / path
        raw = read_table(path)
        if plant["entity"] and "entity" in raw.frame.columns:
            keep = raw.frame["entity"].astype(str).str.strip() == plant["entity"]
            if not keep.any():
                problems.append(Problem(f"no row of {path.name} has entity {plant['entity']!r}", file=model.source,
                                        sheet="plants", row=int(plant["row"]), field="entity",
                                        accepted=", ".join(sorted(set(raw.frame["entity"].astype(str))))))
                continue
            raw.frame = raw.frame[keep.to_numpy()].reset_index(drop=True)
        instruments: Any = None
        if plant["instruments"]:
            ipath = Path(plant["instruments"])
            ipath = ipath if ipath.is_absolute() or model.base_dir is None else model.base_dir / ipath
            instruments = read_table(ipath, preferred_sheets=("instruments", "合同工具"))
            if plant["entity"] and "covers" in instruments.frame.columns:
                instruments = _instruments_of(instruments, plant, raw.frame, problems, model.source)
        year = int(plant["year"]) if not math.isnan(plant["year"]) else model.settings.year
        result = run_inventory(raw, instruments=instruments, factor_sets=list(model.settings.factor_sets),
                               gwp=model.settings.gwp, year=year,
                               default_region=plant["region"] or model.settings.default_region)
        # instruments covering records of another entity are reported by the engine; with an entity
        # filter such rows are expected, so they stay warnings here
        for p in result.problems:
            problems.append(p)
        rows = _inventory_rows(result.results, model.settings.scope2_method, tuple(plant["scopes"]))
        shares = model.allocation[model.allocation["plant_id"] == plant["plant_id"]]
        total_key = float(shares["key_value"].sum())
        if rows.empty or total_key <= 0:
            continue
        _note_manifests(rows["factor_full_id"], store, manifests)
        for _, share in shares.iterrows():
            fraction = float(share["key_value"]) / total_key
            label = f"plant {plant['plant_id']} → {share['process_id'] or '(not modelled)'}"
            alloc = rows.assign(
                plant_id=plant["plant_id"],
                process_id=share["process_id"],
                key_share=fraction,
                runs=share["runs"],
                allocated_kg=rows["co2e_kg"].to_numpy() * fraction,
                per_run_kg=rows["co2e_kg"].to_numpy() * fraction / share["runs"] if share["process_id"] else np.nan,
                allocation_row=int(share["row"]),
            )
            lineage.append(alloc)
            if not share["process_id"]:
                continue
            owner = pd.Series([share["process_id"]] * len(rows))
            f = _flows_from_inventory(rows, owner, np.full(len(rows), fraction / float(share["runs"])), "plant",
                                      model.processes, model.settings.gwp)
            f["lineage"] = label + f" ({fraction:.6g} of the key {plant['key'] or ''}".rstrip() + \
                f", {float(share['runs']):.6g} runs): " + f["lineage"].astype(str)
            flows.append(f)
    return (pd.concat(flows, ignore_index=True) if flows else _empty_flows(),
            pd.concat(lineage, ignore_index=True) if lineage else pd.DataFrame())


def _factor_products(model: ProductModel, store: FactorStore, problems: list[Problem],
                     manifests: dict[str, Manifest]) -> tuple[pd.DataFrame, pd.DataFrame]:
    from carbonledger.calc import factor_emissions
    from carbonledger.factors.resolve import resolve

    prods = model.products[model.products["source"] == "factor"].reset_index(drop=True)
    if prods.empty:
        return _empty_flows(), pd.DataFrame()
    s = model.settings
    last = s.reference_period_end - timedelta(days=1)
    records = pd.DataFrame(
        {
            "record_id": prods["product_id"],
            "row": prods["row"],
            "activity": prods["activity"],
            "unit": prods["unit"],
            "region": prods["region"].where(prods["region"] != "", s.default_region or ""),
            "period_start": s.reference_period_start.isoformat(),
            "period_end": last.isoformat(),
            "factor_id": prods["factor_id"],
            "factor_set": prods["factor_set"],
        }
    )
    # records pinning a set edition are resolved against that edition alone: passing it next to the
    # run's set list would load the edition twice when the list names its set (desnz + desnz-2025)
    pins = records["factor_set"].astype(str)
    tables: list[pd.DataFrame] = []
    emission_parts: list[pd.DataFrame] = []
    for pin in sorted(set(pins)):
        sel = np.flatnonzero((pins == pin).to_numpy())
        sub = records.iloc[sel].reset_index(drop=True)
        resolution = resolve(sub, [pin] if pin else list(s.factor_sets), store=store, raise_on_missing=False,
                             file=model.source)
        problems.extend(_in_sheet(p, "products") for p in resolution.problems)
        em = factor_emissions(np.ones(len(sub)), sub["unit"].to_numpy(dtype=object), resolution, s.gwp).table
        em = em.assign(record_pos=sel[em["record_pos"].to_numpy()])
        emission_parts.append(em)
        tables.append(resolution.table.reset_index(drop=True).assign(_pos=sel))
    table = pd.concat(tables, ignore_index=True).sort_values("_pos").reset_index(drop=True)
    emissions = pd.concat(emission_parts, ignore_index=True) if emission_parts else pd.DataFrame()
    _note_manifests(table["factor_full_id"].astype(object), store, manifests)
    if emissions.empty:
        return _empty_flows(), pd.DataFrame()
    pos = emissions["record_pos"].to_numpy()
    gas = emissions["gas"].astype(str).to_numpy()
    term = np.array([_term_of_gas(g) for g in gas], dtype=object)
    flags = emissions["calc_flags"].astype(str)
    basis = flags.str.extract(r"gwp_basis_differs:(AR\d)", expand=False).fillna(s.gwp).to_numpy(dtype=object)
    lineage = (table["resolution"].astype(str).to_numpy()[pos]
               + "; " + emissions["factor_value"].map(lambda v: f"{v:.6g}").to_numpy(dtype=object) + " "
               + emissions["factor_unit"].astype(str).to_numpy(dtype=object)
               + " (" + emissions["factor_gwp_basis"].astype(str).to_numpy(dtype=object) + ")")
    frame = pd.DataFrame(
        {
            "owner": prods["product_id"].to_numpy()[pos],
            "owner_kind": "purchased",
            "origin": "factor",
            "ref": table["factor_id"].astype(str).to_numpy()[pos],
            "activity": prods["activity"].astype(str).to_numpy()[pos],
            "term": term,
            "gas": gas,
            "gas_group": [gas_group(g) for g in gas],
            "co2e_kg": emissions["co2e_kg"].to_numpy(dtype=float),
            "gwp_basis": basis,
            "factor_set": table["factor_full_id"].astype(str).to_numpy()[pos],
            "primary_fraction": 0.0,
            "technological_dqr": prods["technological_dqr"].to_numpy()[pos],
            "temporal_dqr": prods["temporal_dqr"].to_numpy()[pos],
            "geographical_dqr": prods["geographical_dqr"].to_numpy()[pos],
            "lineage": lineage,
        }
    )
    air = prods["aircraft"].to_numpy()[pos] & (term == "fossil")
    frame = pd.concat([frame, frame[air].assign(term="aircraft_memo")], ignore_index=True)
    summary = pd.DataFrame(
        {
            "product_id": prods["product_id"],
            "source": "factor",
            "reference": table["factor_full_id"].astype(str) + " " + table["factor_id"].astype(str),
            "factor_set": table["factor_full_id"].astype(str),
            "factor_id": table["factor_id"].astype(str),
            "factor_name": table["factor_name"].astype(str),
            "factor_region": table["factor_region"].astype(str),
            "lineage": table["resolution"].astype(str),
            "flags": table["resolution_flags"].astype(str),
            "confidence": table["factor_confidence"].astype(str),
        }
    )
    return frame, summary


def _brightway_products(model: ProductModel, problems: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Products linked to Brightway activities (``source = brightway``; the ``[brightway]`` extra):
    their cradle-to-gate scores computed by bw2calc (:mod:`carbonledger.backends.brightway.link`)."""
    if not (model.products["source"] == "brightway").any():
        return _empty_flows(), pd.DataFrame()
    from carbonledger.backends.brightway.link import linked_flows

    return linked_flows(model, problems)


def _supplier_products(model: ProductModel, problems: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                              dict[str, ImportedFootprint]]:
    prods = model.products[model.products["source"] == "supplier"].reset_index(drop=True)
    if prods.empty:
        return _empty_flows(), pd.DataFrame(), {}
    imported: dict[str, ImportedFootprint] = {}
    frames: list[pd.DataFrame] = []
    summary: list[dict[str, Any]] = []
    s = model.settings
    for _, prod in prods.iterrows():
        ref = prod["supplier_pcf"]
        doc = model.supplier_footprints.get(ref)
        if doc is None:
            continue  # unreadable file: reported by build_model
        if isinstance(doc, dict) and "data" in doc and "pcf" not in doc:
            items = doc["data"] if isinstance(doc["data"], list) else [doc["data"]]
            if len(items) != 1:
                problems.append(Problem(f"{ref} holds {len(items)} footprints; a product needs exactly one",
                                        file=model.source, sheet="products", row=int(prod["row"]),
                                        field="supplier_pcf", record_id=prod["product_id"],
                                        accepted="a file with one ProductFootprint"))
                continue
            doc = items[0]
        fp, found = import_footprint(doc, source=ref)
        for p in found:
            problems.append(Problem(f"supplier footprint for {prod['product_id']!r}: {p.message}", file=ref,
                                    sheet=None, row=None, field=p.field, value=p.value, accepted=p.accepted,
                                    severity=p.severity, code=p.code, record_id=prod["product_id"]))
        if fp is None:
            continue
        imported[prod["product_id"]] = fp
        # declared unit → the product's unit (pint): 1 product unit = m declared units
        if fp.unit is None:
            problems.append(Problem(f"the supplier's declared unit {fp.declared_unit!r} cannot be converted",
                                    file=model.source, sheet="products", row=int(prod["row"]), field="supplier_pcf",
                                    record_id=prod["product_id"], accepted=", ".join(PINT_UNIT)))
            continue
        try:
            m = multiplier(prod["unit"], fp.unit)
        except UnitError:
            problems.append(
                Problem(
                    f"product {prod['product_id']!r} is measured in {prod['unit']!r} "
                    f"({_dim(prod['unit'])}) but its supplier footprint {fp.id} is declared per "
                    f"{fp.declared_unit!r} ({_dim(fp.unit)})",
                    file=model.source, sheet="products", row=int(prod["row"]), field="unit",
                    value=prod["unit"], record_id=prod["product_id"],
                    accepted=f"a unit convertible to {fp.declared_unit!r} (the BOM quantities of this input must be "
                    "in the supplier's declared unit's dimension)",
                    code="unit_mismatch",
                )
            )
            continue
        if fp.status == "Deprecated":
            problems.append(Problem(f"supplier footprint {fp.id} is Deprecated and SHOULD NOT be used",
                                    file=ref, severity="warning", record_id=prod["product_id"],
                                    accepted="the supplier's current (Active) footprint"))
        f = fp.figures
        rows = []
        pds = (fp.primary_data_share or 0.0) / 100.0
        for term in PCF_TERMS:
            value = getattr(f, term) * m
            if value != 0:
                rows.append((term, value))
        if f.aircraft:
            rows.append(("aircraft_memo", f.aircraft * m))
        if f.land_management_fossil:
            rows.append(("land_management_fossil_memo", f.land_management_fossil * m))
        basis = "|".join(fp.ipcc_characterization_factors) or s.gwp
        label = (f"PACT {fp.spec_version} footprint {fp.id} ({fp.company_name}: {fp.product_name}), "
                 f"{fp.figures.excluding_uptake:.6g} kg CO2e per {fp.declared_unit}; × {m:.6g} {fp.declared_unit} "
                 f"per {prod['unit']}")
        frames.append(pd.DataFrame(
            {
                "owner": prod["product_id"],
                "owner_kind": "purchased",
                "origin": "supplier",
                "ref": fp.id,
                "activity": "",
                "term": [t for t, _ in rows],
                "gas": "CO2e",
                "gas_group": "CO2e (not split)",
                "co2e_kg": [v for _, v in rows],
                "gwp_basis": basis,
                "factor_set": "",
                "primary_fraction": pds,
                "technological_dqr": fp.dqr.get("technological", np.nan),
                "temporal_dqr": fp.dqr.get("temporal", np.nan),
                "geographical_dqr": fp.dqr.get("geographical", np.nan),
                "lineage": label,
            }
        ))
        start, end = s.reference_period_start, s.reference_period_end
        summary.append({
            "product_id": prod["product_id"], "source": "supplier", "reference": f"PACT {fp.id}",
            "factor_set": "", "factor_id": fp.id, "factor_name": f"{fp.company_name}: {fp.product_name}",
            "factor_region": fp.geography, "lineage": label,
            "flags": "|".join(sorted({p.code for p in fp.warnings})), "confidence": "",
            "supplier_unit_multiplier": m, "supplier_figures": fp.figures,
            "supplier_period": f"{fp.reference_period_start.date()}..{fp.reference_period_end.date()}",
        })
        del start, end
    frame = pd.concat(frames, ignore_index=True) if frames else _empty_flows()
    return frame, pd.DataFrame(summary), imported


def _dim(unit: str) -> str:
    from carbonledger.units import describe_dimension

    try:
        return describe_dimension(unit)
    except UnitError:
        return dimension_key(unit)


def _instruments_of(instruments: Any, plant: pd.Series, records: pd.DataFrame, problems: list[Problem],
                    source: str) -> Any:
    """The instruments of a plant inventory read with an entity filter: an instrument whose
    ``covers`` names only records or entities outside the plant is left out (reported)."""
    kept_ids = set(records["record_id"].astype(str).str.strip()) if "record_id" in records.columns else set()
    entity = str(plant["entity"])
    frame = instruments.frame
    keep = []
    for _, row in frame.iterrows():
        covers = [c.strip() for c in str(row.get("covers", "") or "").split(";") if c.strip()]
        inside = not covers or any(c == entity or c in kept_ids for c in covers)
        keep.append(inside)
        if not inside:
            problems.append(Problem(
                f"instrument {row.get('instrument_id', '')} covers {'; '.join(covers)}, outside the plant's "
                f"entity {entity!r}: not used for this plant", file=source, sheet="plants", row=int(plant["row"]),
                field="instruments", severity="warning", code="instrument_outside_plant"))
    instruments.frame = frame[np.array(keep, dtype=bool)].reset_index(drop=True)
    return instruments
