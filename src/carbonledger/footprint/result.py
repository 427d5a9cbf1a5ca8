"""Footprint results: every product's PCF by term, gas and stage, data quality, hotspots, and
the PACT statements.

:func:`compute_footprints` is the one entry point: model → flows → matrices → ONE solve →
:class:`FootprintResult`. Every figure in the result is per ONE unit of the product (its
``unit``), in kg CO2e (carbon contents in kg C), and each product's terms, gases and stages
each add up to its ``pcf_excluding_uptake`` (they are columns of the same solve).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger.errors import Problem
from carbonledger.factors.store import FactorStore
from carbonledger.footprint.allocation import describe_allocation
from carbonledger.footprint.model import STAGES, ProductModel, now_utc
from carbonledger.footprint.sources import GAS_GROUPS, MEMO_TERMS
from carbonledger.footprint.system import (
    CO2_PER_C,
    ProductSystem,
    build_system,
    carbon_contents,
    packaging_emissions,
)
from carbonledger.pact.export import FootprintStatement
from carbonledger.pact.figures import PCF_TERMS, PcfFigures
from carbonledger.pact.units import declared_unit_for

__all__ = ["FootprintResult", "compute_footprints"]

STAGE_LABELS = {
    "material_acquisition": "material acquisition and pre-processing",
    "production": "production",
    "distribution": "distribution and storage",
    "use": "use",
    "end_of_life": "end-of-life",
}


@dataclass
class FootprintResult:
    """The solved product system. ``products`` has one row per product of the model."""

    system: ProductSystem
    solution: npt.NDArray[np.float64]  # columns × indicators
    residual: float
    products: pd.DataFrame
    packaging: npt.NDArray[np.float64] | None
    warnings: list[Problem] = field(default_factory=list)
    backend: str = "carbonledger"
    backend_info: dict[str, Any] = field(default_factory=dict)  # e.g. Brightway project, method, agreement

    @property
    def model(self) -> ProductModel:
        return self.system.model

    def _row(self, product_id: str) -> pd.Series:
        match = self.products[self.products["product_id"] == product_id]
        if match.empty:
            raise KeyError(f"unknown product {product_id!r}")
        return match.iloc[0]

    def pcf(self, product_id: str) -> float:
        """kg CO2e per unit, excluding biogenic CO2 uptake."""
        return float(self._row(product_id)["pcf_excluding_uptake"])

    def figures(self, product_id: str) -> PcfFigures:
        """All PACT figures per ONE unit of the product."""
        r = self._row(product_id)
        bc = None if math.isnan(r["biogenic_carbon_content"]) else float(r["biogenic_carbon_content"])
        fc = None if math.isnan(r["fossil_carbon_content"]) else float(r["fossil_carbon_content"])
        return PcfFigures(
            unit=str(r["unit"]),
            **{t: float(r[t]) for t in PCF_TERMS},
            biogenic_co2_uptake=float(r["biogenic_co2_uptake"]),
            land_management_fossil=float(r["land_management_fossil_memo"]) if r["land_management_fossil_memo"] else None,
            aircraft=float(r["aircraft_memo"]),
            packaging=None if math.isnan(r["packaging"]) else float(r["packaging"]),
            fossil_carbon_content=fc,
            biogenic_carbon_content=bc,
        )

    # -- contributions ------------------------------------------------------------------------
    def top_inputs(self, product_id: str) -> pd.DataFrame:
        """First-tier contributions per unit of a product made in the model: each input of its
        process (allocated, gross of scrap) × the input's footprint, and the process's own
        direct emissions by source. The rows add up to the product's PCF."""
        sys_ = self.system
        k = sys_.labels.index(product_id)
        col = sys_.columns.iloc[k]
        out = float(col["output_amount"])
        pcf = self.solution[:, : len(PCF_TERMS)].sum(axis=1)
        rows: list[dict[str, Any]] = []
        ex = sys_.exchanges[sys_.exchanges["column_index"] == k]
        for _, e in ex.iterrows():
            label_v = sys_.labels[int(e["input_index"])]
            per_unit_in = float(e["virgin_amount"]) / out
            rows.append({"contributor": str(e["product_id"]), "kind": "input",
                         "detail": _input_detail(self, label_v), "amount_per_unit": per_unit_in,
                         "unit": sys_.columns.iloc[int(e["input_index"])]["unit"],
                         "kgco2e_per_unit": per_unit_in * pcf[int(e["input_index"])],
                         "sheet_row": f"inputs row {int(e['input_row'])}"})
            if e["recycled_amount"] > 0:
                r_idx = int(e["recycled_index"])
                per_unit_rec = float(e["recycled_amount"]) / out
                rows.append({"contributor": f"{e['product_id']} (recycled share: {e['recycled_product']})",
                             "kind": "input (recycled, cut-off)", "detail": _input_detail(self, sys_.labels[r_idx]),
                             "amount_per_unit": per_unit_rec, "unit": sys_.columns.iloc[r_idx]["unit"],
                             "kgco2e_per_unit": per_unit_rec * pcf[r_idx],
                             "sheet_row": f"inputs row {int(e['input_row'])}"})
            if e["burden_free_recycled"] > 0:
                rows.append({"contributor": f"{e['product_id']} (recycled share, burden-free)",
                             "kind": "input (recycled, cut-off)", "detail": "no recycled_product given",
                             "amount_per_unit": float(e["burden_free_recycled"]) / out, "unit": e["unit"] or "",
                             "kgco2e_per_unit": 0.0, "sheet_row": f"inputs row {int(e['input_row'])}"})
        if col["kind"] == "process":
            flows = sys_.flows.table
            own = flows[(flows["owner"] == col["process_id"]) & flows["term"].isin(PCF_TERMS)]
            if not own.empty:
                factor = float(col["allocation_factor"]) / out
                # direct emissions by source activity (records of one activity summed; their lineage is on
                # the "Trace emissions" sheet)
                grouped = own.groupby(["origin", "activity"], sort=False).agg(
                    co2e=("co2e_kg", "sum"), records=("ref", lambda s: len(set(s))),
                    first=("ref", "first"), lineage=("lineage", "first"),
                    gas=("gas", lambda s: ",".join(sorted(set(s.astype(str))))))
                for (origin, activity), g in grouped.iterrows():
                    refs = f"{g['first']}" if g["records"] == 1 else f"{g['records']} records, e.g. {g['first']}"
                    rows.append({"contributor": f"{activity} ({origin})", "kind": f"direct ({origin})",
                                 "detail": f"{refs}; {g['gas']}; {g['lineage']}", "amount_per_unit": math.nan,
                                 "unit": "", "kgco2e_per_unit": float(g["co2e"]) * factor, "sheet_row": ""})
        frame = pd.DataFrame(rows, columns=["contributor", "kind", "detail", "amount_per_unit", "unit",
                                            "kgco2e_per_unit", "sheet_row"])
        total = pcf[k]
        frame["share"] = frame["kgco2e_per_unit"] / total if total else math.nan
        return frame.sort_values("kgco2e_per_unit", ascending=False, key=np.abs, kind="stable").reset_index(drop=True)

    def process_contributions(self, product_ids: list[str]) -> pd.DataFrame:
        """Whole-supply-chain contributions per unit of each product: for every process (and
        purchased product) ``s_j × direct emissions_j`` with ``s = A⁻¹ e_product`` (one forward
        solve for all the products given)."""
        sys_ = self.system
        if not product_ids:
            return pd.DataFrame(columns=["product_id", "contributor", "kind", "stage", "kgco2e_per_unit", "share"])
        supply = sys_.supply(product_ids)
        direct = np.asarray(sys_.b[: len(PCF_TERMS)].sum(axis=0)).ravel()
        cols = sys_.columns
        label = np.where(cols["kind"] == "process", "process " + cols["process_id"].astype(str),
                         "bought " + cols["product_id"].astype(str))
        frames = []
        for j, p in enumerate(product_ids):
            contrib = supply[:, j] * direct
            nz = np.flatnonzero(contrib != 0)
            f: pd.DataFrame = pd.DataFrame({"product_id": p, "contributor": label[nz], "kind": cols["kind"].to_numpy()[nz],
                              "stage": cols["stage"].to_numpy()[nz], "kgco2e_per_unit": contrib[nz]})
            f = f.groupby(["product_id", "contributor", "kind", "stage"], as_index=False, sort=False).agg(
                kgco2e_per_unit=("kgco2e_per_unit", "sum"))
            total = self.pcf(p)
            f["share"] = f["kgco2e_per_unit"] / total if total else math.nan
            frames.append(f.sort_values("kgco2e_per_unit", ascending=False, key=np.abs, kind="stable"))
        return pd.concat(frames, ignore_index=True)

    # -- PACT ---------------------------------------------------------------------------------
    def statement(self, product_id: str, *, created: datetime | None = None) -> FootprintStatement:
        """The PACT statement of one product (see :mod:`carbonledger.pact.export`)."""
        r = self._row(product_id)
        s = self.model.settings
        prod = {str(k): v for k, v in self.model.products.set_index("product_id").loc[product_id].to_dict().items()}
        declared = prod["declared_unit"] or declared_unit_for(str(prod["unit"]))
        dqr = None
        if not (math.isnan(r["technological_dqr"]) or math.isnan(r["temporal_dqr"]) or math.isnan(r["geographical_dqr"])):
            dqr = {"technological": round(float(r["technological_dqr"]), 2),
                   "temporal": round(float(r["temporal_dqr"]), 2),
                   "geographical": round(float(r["geographical_dqr"]), 2)}
        product_ids = tuple(prod["product_ids"]) or (f"urn:pact:product-id:{_urn_safe(product_id)}",)
        sets = [x for x in str(r["secondary_sets"]).split("|") if x]
        manifests = self.system.flows.manifests
        secondary = tuple(sorted({(manifests[x].title if x in manifests else x,
                                   manifests[x].edition if x in manifests else x) for x in sets}))
        comment_lines = []
        if r["content_source"].startswith("unknown"):
            comment_lines.append(f"Carbon content: {r['content_source']}.")
        if math.isnan(r["biogenic_carbon_content"]):
            comment_lines.append("Biogenic carbon content unknown: biogenic CO2 uptake not stated.")
        if r["biogenic_co2_memo"]:
            comment_lines.append(f"Biogenic CO2 emissions (memo, not in the PCF): {r['biogenic_co2_memo']:.6g} kg "
                                 f"per {r['unit']}.")
        comment_lines.append(f"Calculated by carbonledger from {self.model.source}; GWP {s.gwp}.")
        mass = None if math.isnan(prod["mass_kg"]) else float(prod["mass_kg"])
        return FootprintStatement(
            product_key=product_id,
            company_name=s.company_name,
            company_ids=s.company_ids,
            product_name=str(prod["name"]),
            product_description=str(prod["description"] or prod["name"]),
            product_ids=product_ids,
            figures=self.figures(product_id),
            declared_unit=str(declared),
            declared_unit_amount=float(prod["declared_unit_amount"]),
            mass_kg_per_unit=mass,
            reference_period_start=s.reference_period_start,
            reference_period_end=s.reference_period_end,
            ipcc_characterization_factors=tuple(x for x in str(r["ipcc_characterization_factors"]).split("|") if x)
            or (s.gwp,),
            cross_sectoral_standards=s.cross_sectoral_standards,
            product_classifications=tuple(prod["classifications"]),
            product_category_cpc=str(prod["cpc"]) or None,
            comment="\n".join(x for x in (str(prod["comment"]), s.comment) if x),
            geography=str(r["geography"]) or None,
            boundary_processes_description=str(r["boundary_description"]),
            allocation_rules_description=str(r["allocation_description"]) or None,
            exempted_emissions_percent=float(prod["exempted_emissions_percent"]),
            exempted_emissions_description=str(prod["exempted_emissions_description"]),
            biogenic_accounting_methodology=s.biogenic_accounting_methodology,
            secondary_emission_factor_sources=secondary,
            primary_data_share=None if math.isnan(r["primary_data_share"]) else round(float(r["primary_data_share"]), 2),
            dqr=dqr,
            dqr_coverage_percent=None if math.isnan(r["dqr_coverage"]) else float(r["dqr_coverage"]),
            packaging_emissions_included=bool(not math.isnan(r["packaging"]) and r["packaging"] > 0),
            created=created or s.created or now_utc(),
            extra_comment_lines=tuple(comment_lines),
        )

    def pact(self, product_id: str, *, version: str = "3", created: datetime | None = None
             ) -> tuple[dict[str, Any], list[Problem]]:
        """The PACT ProductFootprint JSON (v3.0 or v2.3) and its problems."""
        from carbonledger.pact.export import to_v2, to_v3

        st = self.statement(product_id, created=created)
        doc, problems = to_v3(st) if str(version).startswith("3") else to_v2(st)
        s = self.model.settings
        own: list[Problem] = []
        if not s.company_name:
            own.append(Problem("PACT needs the data owner's name", sheet="model", field="company_name",
                               record_id=product_id, accepted="your company's name", code="pact_company"))
        if not s.company_ids:
            own.append(Problem("PACT needs at least one company id", sheet="model", field="company_ids",
                               record_id=product_id, code="pact_company",
                               accepted="URNs such as urn:pact:example.com:company-id:123 (or an LEI URN)"))
        if not self.model.products.set_index("product_id").loc[product_id, "product_ids"]:
            own.append(Problem(f"no product_ids given: the footprint uses {st.product_ids[0]}", sheet="products",
                               field="product_ids", record_id=product_id, severity="warning", code="pact_product_id",
                               accepted="the URNs your customer knows the product by, e.g. "
                               "urn:pact:example.com:product-id:BA-100"))
        return doc, own + problems

    def exported_products(self) -> list[str]:
        return [str(p) for p in self.products.loc[self.products["export"], "product_id"]]

    def to_json(self) -> dict[str, Any]:
        """Per product: totals, terms, gases, stages, data quality (JSON-safe)."""
        cols = ["product_id", "name", "unit", "source", "pcf_excluding_uptake", "pcf_including_uptake",
                *PCF_TERMS, "biogenic_co2_uptake", *MEMO_TERMS, "packaging", "primary_data_share",
                "technological_dqr", "temporal_dqr", "geographical_dqr", "dqr_coverage", "fossil_carbon_content",
                "biogenic_carbon_content", "ipcc_characterization_factors"]
        out = []
        for _, r in self.products.iterrows():
            entry = {c: _jsonable(r[c]) for c in cols}
            entry["by_gas"] = {g: _jsonable(r[f"gas:{g}"]) for g in GAS_GROUPS if r[f"gas:{g}"]}
            entry["by_stage"] = {s: _jsonable(r[f"stage:{s}"]) for s in STAGES if r[f"stage:{s}"]}
            out.append(entry)
        return {"products": out, "residual": self.residual, "gwp": self.model.settings.gwp,
                "unit_note": "kg CO2e (carbon contents kg C) per ONE unit of each product",
                "timings_s": {k: v for k, v in self.system.timings.items() if k.endswith("_s")},
                **({"backend": self.backend_info} if self.backend_info else {})}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _urn_safe(text: str) -> str:
    import urllib.parse

    return urllib.parse.quote(text, safe="-._~")


def _input_detail(result: FootprintResult, label: str) -> str:
    sys_ = result.system
    k = sys_.labels.index(label)
    col = sys_.columns.iloc[k]
    if col["kind"] == "process":
        return f"made by process {col['process_id']}"
    purchased = sys_.flows.purchased
    if purchased.empty:
        return str(col["kind"])
    match = purchased[purchased["product_id"] == col["product_id"]]
    if match.empty:
        return str(col["kind"])
    m = match.iloc[0]
    return f"{m['source']}: {m['reference']} ({m['factor_name']})"


# ---------------------------------------------------------------------------------------------
BACKENDS: tuple[str, ...] = ("carbonledger", "brightway")


def compute_footprints(model: ProductModel, *, store: FactorStore | None = None,
                       system: ProductSystem | None = None, backend: str = "carbonledger",
                       brightway_dir: str | None = None, brightway_project: str | None = None) -> FootprintResult:
    """Every product's footprint from one solve (see :mod:`carbonledger.footprint.system`).

    ``backend="brightway"`` (the ``[brightway]`` extra) writes the system into a Brightway project
    (``brightway_dir``/``brightway_project``; a temporary one by default) and computes every
    product with bw2calc instead (:mod:`carbonledger.backends.brightway.compute`); the result
    records Brightway's agreement with carbonledger's own solve in ``backend_info``.
    """
    if backend not in BACKENDS:
        from carbonledger.errors import MethodError

        raise MethodError(f"unknown footprint backend {backend!r}; accepted: {', '.join(BACKENDS)}")
    system = system or build_system(model, store=store)
    backend_info: dict[str, Any] = {}
    backend_problems: list[Problem] = []
    if backend == "brightway":
        from carbonledger.backends.brightway.compute import brightway_solution
        from carbonledger.footprint.solve import residual

        bw = brightway_solution(system, base_dir=brightway_dir, project=brightway_project)
        values = bw.indicators
        res = residual(system.a, values, system.b.T.toarray())
        backend_info = bw.info()
        backend_problems = bw.problems
    else:
        values, res = system.solve_all()
    ind = {name: i for i, name in enumerate(system.indicators)}
    n_base = len(model.products)
    v = values[:n_base]
    products = model.products.reset_index(drop=True)
    frame = pd.DataFrame({"product_id": products["product_id"], "name": products["name"], "unit": products["unit"],
                          "source": products["source"], "export": products["export"]})
    for t in (*PCF_TERMS, *MEMO_TERMS):
        frame[t] = v[:, ind[t]]
    frame["pcf_excluding_uptake"] = v[:, [ind[t] for t in PCF_TERMS]].sum(axis=1)
    for g in GAS_GROUPS:
        frame[f"gas:{g}"] = v[:, ind[f"gas:{g}"]]
    for s in STAGES:
        frame[f"stage:{s}"] = v[:, ind[f"stage:{s}"]]
    w = v[:, ind["w"]]
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["primary_data_share"] = np.where(w > 0, 100.0 * v[:, ind["w_primary"]] / w, np.nan)
        for short, name in (("tech", "technological_dqr"), ("temp", "temporal_dqr"), ("geo", "geographical_dqr")):
            den = v[:, ind[f"w_{short}_n"]]
            frame[name] = np.where(den > 0, v[:, ind[f"w_{short}"]] / den, np.nan)
        covered = np.minimum.reduce([v[:, ind[f"w_{s}_n"]] for s in ("tech", "temp", "geo")])
        frame["dqr_coverage"] = np.where(w > 0, 100.0 * covered / w, np.nan)
    bases = [name.split(":", 1)[1] for name in system.indicators if name.startswith("basis:")]
    sets = [name.split(":", 1)[1] for name in system.indicators if name.startswith("set:")]
    basis_present = np.stack([v[:, ind[f"basis:{b}"]] > 0 for b in bases], axis=1) if bases else np.zeros((n_base, 0))
    frame["ipcc_characterization_factors"] = [
        "|".join(sorted((b for b, on in zip(bases, row_, strict=True) if on), key=lambda x: int(x[2:])))
        or model.settings.gwp for row_ in basis_present]
    set_present = np.stack([v[:, ind[f"set:{s}"]] > 0 for s in sets], axis=1) if sets else np.zeros((n_base, 0))
    frame["secondary_sets"] = ["|".join(s for s, on in zip(sets, row_, strict=True) if on) for row_ in set_present]
    # carbon contents, uptake, packaging
    fossil_c, bio_c, content_source = carbon_contents(system)
    frame["fossil_carbon_content"] = fossil_c[:n_base]
    frame["biogenic_carbon_content"] = bio_c[:n_base]
    frame["content_source"] = content_source[:n_base]
    uptake = np.where(np.isnan(bio_c[:n_base]), 0.0, -CO2_PER_C * np.nan_to_num(bio_c[:n_base]))
    # a supplier's own declared uptake is kept for the bought product itself
    for pid, fp in system.flows.imported.items():
        i = int(np.flatnonzero(products["product_id"].to_numpy() == pid)[0])
        from carbonledger.units import multiplier

        uptake[i] = fp.figures.biogenic_co2_uptake * multiplier(str(products.loc[i, "unit"]), fp.unit or "")
    frame["biogenic_co2_uptake"] = uptake
    frame["pcf_including_uptake"] = frame["pcf_excluding_uptake"] + frame["biogenic_co2_uptake"]
    pcf_all = values[:, [ind[t] for t in PCF_TERMS]].sum(axis=1)
    pack = packaging_emissions(system, pcf_all)
    frame["packaging"] = pack[:n_base] if pack is not None else np.nan
    # geography, boundary and allocation statements
    frame["geography"] = _geographies(model)
    frame["boundary_description"] = _boundaries(frame, system)  # exported products only (others "")
    frame["allocation_description"] = _allocation_statements(system, frame)
    warnings = list(system.warnings) + backend_problems
    # Brightway stores matrix values in float32: its residual is ~1e-8 by construction
    limit = 1e-9 if backend == "carbonledger" else 1e-6
    if res > limit:
        warnings.append(Problem(f"the relative residual of the solve is {res:.3g} (> {limit:g}): results may be "
                                "inaccurate", severity="warning", code="residual"))
    return FootprintResult(system=system, solution=values, residual=res, products=frame, packaging=pack,
                           warnings=warnings, backend=backend, backend_info=backend_info)


def _geographies(model: ProductModel) -> list[str]:
    products = model.products
    maker = products["product_id"].map(model.outputs.set_index("product_id")["process_id"])
    region = maker.map(model.processes.set_index("process_id")["region"]).fillna("").astype(str)
    own = products["geography"].astype(str)
    made = products["source"] == "process"
    g = own.where(own != "", region.where(made, products["region"].astype(str)))
    return list(g.where(g != "", model.settings.geography or "").astype(str))


def _boundaries(frame: pd.DataFrame, system: ProductSystem) -> list[str]:
    values = np.column_stack([frame[f"stage:{s}"].to_numpy(dtype=float) for s in STAGES])
    out = []
    for row, unit, export in zip(values, frame["unit"].astype(str), frame["export"], strict=True):
        if not export:
            out.append("")
            continue
        stages = [s for s, v in zip(STAGES, row, strict=True) if abs(v) > 0]
        downstream = any(s in stages for s in ("distribution", "use", "end_of_life"))
        scope = "Cradle-to-grave" if "end_of_life" in stages else (
            "Cradle-to-gate plus downstream stages" if downstream else "Cradle-to-gate")
        parts = "; ".join(f"{STAGE_LABELS[s]} {v:.6g} kg CO2e" for s, v in zip(STAGES, row, strict=True) if abs(v) > 0)
        out.append(f"{scope}: {parts} (per {unit})" if parts else scope)
    del system
    return out


def _allocation_statements(system: ProductSystem, frame: pd.DataFrame) -> list[str]:
    """Per product: the allocation of every multi-output process in its supply chain, plus the
    recycled-content and scrap rules."""
    sentences = describe_allocation(system.allocated_outputs, system.model.processes)
    ex = system.exchanges
    recycled = bool((ex["recycled_content"] > 0).any()) if len(ex) else False
    scrap = bool((ex["yield"] < 1).any()) if len(ex) else False
    if not sentences and not recycled and not scrap:
        return [""] * len(frame)
    # which processes are upstream of each product: the product's supply vector (only for the
    # products whose statement is written; others get the model-wide statement)
    multi = list(sentences)
    col_of_process = {p: np.flatnonzero(system.columns["process_id"].to_numpy() == p) for p in multi}
    exported = frame.loc[frame["export"], "product_id"].tolist()
    upstream: dict[str, set[str]] = {}
    if multi and exported:
        supply = system.supply(exported)
        for j, p in enumerate(exported):
            upstream[p] = {proc for proc, cols in col_of_process.items() if np.any(supply[cols, j] != 0)}
    out = []
    for pid in frame["product_id"].astype(str):
        used = [sentences[p] for p in multi if p in upstream.get(pid, set(multi))]
        text = [f"Multi-output processes: {'; '.join(used)}."] if used else []
        if recycled:
            text.append("Recycled content: cut-off approach (recycled inputs carry only the emissions of the product "
                        "named as their recycled_product, or none; no credit for recycling).")
        if scrap:
            text.append("Production scrap: inputs are counted gross of scrap (net ÷ yield); scrap modelled as a "
                        "co-product takes its allocated share, other scrap leaves burden-free (cut-off).")
        out.append(" ".join(text))
    return out


def created_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
