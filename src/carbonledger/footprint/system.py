"""The product system as matrices, and every footprint from one solve.

Columns are *unit processes after allocation*: one per product made in the model (one run of
its process × the product's allocation factor), one per purchased product (one unit bought),
and, for purchased products consumed in a distribution, use or end-of-life process, a copy
labelled with that stage (so those emissions are reported in the consumer's stage rather than
under material acquisition). Column ``k`` produces product ``k``, so the technosphere matrix
``A`` is square::

    A[k, k] = output of column k (a run's amount of product k; 1 for a purchase)
    A[i, k] = −f_k × gross amount of input i per run      (gross = net ÷ yield)
    B[t, k] =  f_k × kg CO2e of PACT term t per run       (or per unit bought)

``f_k`` is the allocation factor; an input with recycled content ``r`` is split into
``(1 − r)`` of the input product and ``r`` of its ``recycled_product`` (cut-off approach: the
recycled share carries only the burdens of the product supplying it; without one it enters
burden-free, flagged). The footprint per unit of every product is ``λ = A⁻ᵀ Bᵀ``: ONE call of
:meth:`~carbonledger.footprint.solve.BlockTriangularSolver.solve_transposed` with one
right-hand side per indicator (PACT terms, memo items, gases, stages, data-quality weights).

Data-quality indicators are linear too: with ``w`` the absolute emissions of each column,
``Σ w·DQR / Σ w`` over a product's whole supply chain is the emissions-weighted DQR, and
``Σ w·primary / Σ w`` the primary data share (PACT v3.0.3: share of primary data in the
PCF excluding biogenic uptake; a supplier footprint contributes its own primary data share).

Carbon contents are solved on the *net* matrix (inputs without scrap, co-products split by
mass): the carbon of what ends up in the product. Packaging emissions are solved on ``A``
with the consumption of packaging products moved to the right-hand side.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from carbonledger.errors import ModelError, Problem, UnitError
from carbonledger.factors.store import FactorStore
from carbonledger.footprint.allocation import allocation_factors
from carbonledger.footprint.model import STAGES, ProductModel
from carbonledger.footprint.solve import BlockTriangularSolver, SingularSystemError, residual
from carbonledger.footprint.sources import GAS_GROUPS, MEMO_TERMS, Flows, compute_flows
from carbonledger.pact.figures import PCF_TERMS
from carbonledger.units import dimension_key, multiplier

__all__ = ["CO2_PER_C", "ProductSystem", "SystemMatrices", "build_system"]

CO2_PER_C = 44.0 / 12.0
"""kg CO2 per kg C (molar masses 44 and 12, the conversion used by IPCC 2006 and the MEE guidelines)."""

DOWNSTREAM_STAGES = ("distribution", "use", "end_of_life")
NON_MATERIAL_DIMENSIONS = (
    "[length] ** 2 * [mass] / [time] ** 2",  # energy
    "[mass] * [length] ** 2 / [time] ** 2",
    "[length] * [mass]",  # tonne-km
    "[mass] * [length]",
    "[length] * [passenger]",
    "[passenger] * [length]",
    "[length] * [vehicle]",
    "[vehicle] * [length]",
    "[time]",
    "[room_night]",
    "[fte_time]",
    "[normal_volume]",
    "[us_standard_volume]",
)
"""Dimensions of inputs that put no carbon into a product (energy, transport, time, gases):
their carbon content is 0 unless declared. Everything else (mass, volume, pieces, area,
currency-measured goods) is material: its carbon content must be declared or derived."""


@dataclass(frozen=True)
class SystemMatrices:
    """The matrices of a product system (for export to an LCA backend such as Brightway).

    ``technosphere`` A (products × processes, square), ``intervention`` B (flows × processes:
    kg CO2e per PACT term and memo item per process run), ``characterisation`` C (1 × flows:
    1 for the terms of ``pcfExcludingBiogenicUptake``, 0 for memo items). The footprint per unit
    of product k is ``(C B A⁻¹)[k]``.
    """

    technosphere: sp.csc_matrix
    intervention: sp.csr_matrix
    characterisation: sp.csr_matrix
    products: tuple[str, ...]
    processes: tuple[str, ...]
    flows: tuple[str, ...]
    impacts: tuple[str, ...] = ("pcf_excluding_biogenic_uptake_kgco2e",)


@dataclass
class ProductSystem:
    """A product model as sparse matrices, with the lineage of every entry."""

    model: ProductModel
    flows: Flows
    labels: list[str]  # column/product labels (stage copies: "P@distribution")
    columns: pd.DataFrame  # one row per column
    exchanges: pd.DataFrame  # every input entry of A with its lineage
    a: sp.csc_matrix
    indicators: list[str]
    b: sp.csr_matrix  # indicators × columns
    allocated_outputs: pd.DataFrame
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    _solver: BlockTriangularSolver | None = None

    @property
    def n(self) -> int:
        return len(self.labels)

    def matrices(self) -> SystemMatrices:
        """A, B (PACT terms and memo items) and C, with labels."""
        rows = [self.indicators.index(t) for t in (*PCF_TERMS, *MEMO_TERMS)]
        b = self.b[rows]
        c = sp.csr_matrix(np.array([[1.0] * len(PCF_TERMS) + [0.0] * len(MEMO_TERMS)]))
        return SystemMatrices(
            technosphere=self.a.copy(),
            intervention=sp.csr_matrix(b),
            characterisation=c,
            products=tuple(self.labels),
            processes=tuple(self.columns["column"]),
            flows=tuple(f"{t}_kgco2e" for t in (*PCF_TERMS, *MEMO_TERMS)),
        )

    def solver(self) -> BlockTriangularSolver:
        """The factorised solver (built once)."""
        if self._solver is None:
            started = time.perf_counter()
            try:
                self._solver = BlockTriangularSolver.build(self.a)
            except SingularSystemError as exc:
                raise self._named(exc) from None
            self.timings["factorise_s"] = time.perf_counter() - started
        return self._solver

    def _name(self, i: int) -> str:
        c = self.columns.iloc[i]
        if c["kind"] == "process":
            return f"'{c['product_id']}' (made by process '{c['process_id']}', sheet 'outputs' row {c['row']})"
        return f"'{c['product_id']}' (bought)"

    def _named(self, exc: SingularSystemError) -> SingularSystemError:
        """The solver's error with product indices (#12) replaced by product, process and row."""
        import re

        def name(match: re.Match[str]) -> str:
            return self._name(int(match.group(1)))

        problems = [
            Problem(re.sub(r"#(\d+)", name, p.message), file=self.model.source, sheet="outputs", code=p.code,
                    accepted=p.accepted)
            for p in exc.problems
        ]
        return SingularSystemError(problems, exc.products, summary=exc.summary)

    def solve_all(self) -> tuple[npt.NDArray[np.float64], float]:
        """Every indicator per unit of every column (n × indicators) and the relative residual."""
        solver = self.solver()
        rhs = self.b.T.toarray()
        started = time.perf_counter()
        x = solver.solve_transposed(rhs)
        self.timings["solve_s"] = time.perf_counter() - started
        res = residual(self.a, x, rhs)
        self.timings["residual"] = res
        return x, res

    def supply(self, products: list[str]) -> npt.NDArray[np.float64]:
        """Supply vectors (n × len(products)) for one unit of each product."""
        demand = np.zeros((self.n, len(products)))
        for j, p in enumerate(products):
            demand[self.labels.index(p), j] = 1.0
        return self.solver().solve(demand)


# ---------------------------------------------------------------------------------------------
def build_system(model: ProductModel, *, store: FactorStore | None = None, flows: Flows | None = None) -> ProductSystem:
    """Compute the flows and assemble A and B. Raises InputError / ModelError with every problem."""
    started = time.perf_counter()
    flows = flows or compute_flows(model, store=store)
    t_flows = time.perf_counter() - started
    products = model.products.reset_index(drop=True)
    outputs = allocation_factors(model.outputs, model.processes, products, source=model.source)
    proc_info = model.processes.set_index("process_id")
    base = {p: i for i, p in enumerate(products["product_id"])}
    n_base = len(base)
    # stage copies of purchased products consumed downstream
    inputs = model.inputs.reset_index(drop=True)
    consumer_stage = inputs["process_id"].map(proc_info["stage"]).astype(str)
    purchased = products.loc[products["source"] != "process", "product_id"]
    variants: dict[tuple[str, str], int] = {}
    labels = list(products["product_id"])
    downstream = consumer_stage.isin(DOWNSTREAM_STAGES)
    for column in ("product_id", "recycled_product"):
        pick = downstream & inputs[column].isin(purchased)
        pairs = pd.DataFrame({"p": inputs.loc[pick, column], "s": consumer_stage[pick]}).drop_duplicates()
        for prod_id, stage in pairs.itertuples(index=False):
            if (prod_id, stage) not in variants:
                variants[(prod_id, stage)] = len(labels)
                labels.append(f"{prod_id}@{stage}")
    n = len(labels)

    # ---- columns (vectorised: one row per column) ----------------------------------------------
    made = products["source"].to_numpy() == "process"
    out_of = outputs.set_index("product_id").reindex(products["product_id"]).reset_index(drop=True)
    proc_of = out_of["process_id"].astype(object).where(pd.Series(made), "")
    stage_map = proc_info["stage"]
    diag = np.ones(n)
    diag[:n_base] = np.where(made, out_of["amount"].to_numpy(dtype=float), 1.0)
    columns = pd.DataFrame(
        {
            "column": np.where(made, proc_of.astype(str) + "→" + products["product_id"],
                               "purchase " + products["product_id"]),
            "product_id": products["product_id"].to_numpy(),
            "process_id": proc_of.to_numpy(dtype=object),
            "kind": np.where(made, "process", products["source"].to_numpy(dtype=object)),
            "stage": np.where(made, proc_of.map(stage_map).astype(object).to_numpy(), "material_acquisition"),
            "allocation_factor": np.where(made, out_of["allocation_factor"].to_numpy(dtype=float), 1.0),
            "allocation_basis": np.where(made, out_of["allocation_basis"].astype(object).to_numpy(), ""),
            "output_amount": diag[:n_base],
            "unit": products["unit"].to_numpy(),
            "row": np.where(made, out_of["row"].to_numpy(dtype=float), products["row"].to_numpy(dtype=float))
            .astype(np.int64),
        }
    )
    if variants:
        unit_of = dict(zip(products["product_id"], products["unit"], strict=True))
        row_of = dict(zip(products["product_id"], products["row"], strict=True))
        extra = [{"column": f"purchase {p} ({stg})", "product_id": p, "process_id": "",
                  "kind": "purchase_stage_copy", "stage": stg, "allocation_factor": 1.0, "allocation_basis": "",
                  "output_amount": 1.0, "unit": unit_of[p], "row": int(row_of[p])}
                 for (p, stg), _k in sorted(variants.items(), key=lambda kv: kv[1])]
        columns = pd.concat([columns, pd.DataFrame(extra)], ignore_index=True)

    # ---- exchanges (inputs) ----------------------------------------------------------------
    alloc = outputs[["process_id", "product_id", "allocation_factor"]]
    ex = inputs.assign(consumer_stage=consumer_stage.to_numpy(), input_row=inputs["row"]).merge(
        alloc.rename(columns={"product_id": "output_product"}), on="process_id", how="inner")
    gross = ex["amount"].to_numpy(dtype=float) / ex["yield"].to_numpy(dtype=float)
    rc = ex["recycled_content"].to_numpy(dtype=float)
    f = ex["allocation_factor"].to_numpy(dtype=float)
    col = ex["output_product"].map(base).to_numpy(dtype=np.int64)
    virgin_row = _indices(ex["product_id"], ex["consumer_stage"], base, variants)
    virgin_amount = gross * (1.0 - rc) * f
    has_rec = (rc > 0) & (ex["recycled_product"].astype(str) != "").to_numpy()
    rec_row = _indices(ex["recycled_product"], ex["consumer_stage"], base, variants)
    rec_amount = gross * rc * f
    ex = ex.assign(gross_amount=gross, virgin_amount=virgin_amount, recycled_amount=np.where(has_rec, rec_amount, 0.0),
                   burden_free_recycled=np.where((rc > 0) & ~has_rec, rec_amount, 0.0),
                   column_index=col, input_index=virgin_row, recycled_index=rec_row)
    warnings = list(flows.warnings)
    for _, row in ex[(ex["burden_free_recycled"] > 0)].drop_duplicates("input_row").iterrows():
        warnings.append(Problem(
            f"recycled share of {row['product_id']!r} in process {row['process_id']!r} enters burden-free "
            "(cut-off without a recycled_product: the recycling process's emissions are not included)",
            file=model.source, sheet="inputs", row=int(row["input_row"]), field="recycled_product",
            severity="warning", accepted="the product that supplies the recycled material, e.g. a closed-loop factor",
            code="recycled_burden_free"))
    rows_a = np.concatenate([np.arange(n), virgin_row, rec_row[has_rec]])
    cols_a = np.concatenate([np.arange(n), col, col[has_rec]])
    vals_a = np.concatenate([diag, -virgin_amount, -rec_amount[has_rec]])
    keep = vals_a != 0
    a = sp.csc_matrix((vals_a[keep], (rows_a[keep], cols_a[keep])), shape=(n, n))
    a.sum_duplicates()

    # ---- interventions -----------------------------------------------------------------------
    table = flows.table
    bases = sorted({b for v in table["gwp_basis"].astype(str) for b in v.split("|") if b} | {model.settings.gwp})
    sets = sorted({s for s in table["factor_set"].astype(str) if s})
    indicators = (list(PCF_TERMS) + list(MEMO_TERMS) + [f"gas:{g}" for g in GAS_GROUPS]
                  + [f"stage:{s}" for s in STAGES]
                  + ["w", "w_primary", "w_tech", "w_tech_n", "w_temp", "w_temp_n", "w_geo", "w_geo_n"]
                  + [f"basis:{b}" for b in bases] + [f"set:{s}" for s in sets])
    ind = {name: i for i, name in enumerate(indicators)}
    stage_of_col = columns["stage"].to_numpy(dtype=object)
    b_rows: list[npt.NDArray[np.int64]] = []
    b_cols: list[npt.NDArray[np.int64]] = []
    b_vals: list[npt.NDArray[np.float64]] = []
    if not table.empty:
        # expand flows to columns: process flows × allocation factor onto each output; purchased flows onto
        # the product's column and its stage copies
        proc_flows = table[table["owner_kind"] == "process"]
        pf = proc_flows.merge(alloc, left_on="owner", right_on="process_id", how="inner")
        pf_col = pf["product_id"].map(base).to_numpy(dtype=np.int64)
        pf_val = pf["co2e_kg"].to_numpy(dtype=float) * pf["allocation_factor"].to_numpy(dtype=float)
        bought = table[table["owner_kind"] == "purchased"]
        bcols = [bought["owner"].map(base).to_numpy(dtype=np.int64)]
        bframes = [bought]
        for (prod_id, _stage), k in variants.items():
            copy = bought[bought["owner"] == prod_id]
            bcols.append(np.full(len(copy), k, dtype=np.int64))
            bframes.append(copy)
        bt = pd.concat(bframes, ignore_index=True)
        all_flows = pd.concat([pf[list(table.columns)], bt], ignore_index=True)
        all_cols = np.concatenate([pf_col, *bcols])
        all_vals = np.concatenate([pf_val, bt["co2e_kg"].to_numpy(dtype=float)])
        term = all_flows["term"].astype(str).to_numpy()
        in_pcf = np.isin(term, PCF_TERMS)
        absval = np.abs(all_vals) * in_pcf

        def add(rows_: npt.NDArray[np.int64], cols_: npt.NDArray[np.int64], vals_: npt.NDArray[np.float64]) -> None:
            b_rows.append(rows_)
            b_cols.append(cols_)
            b_vals.append(vals_)

        add(np.array([ind[t] for t in term], dtype=np.int64), all_cols, all_vals)
        sel = np.flatnonzero(in_pcf)
        add(np.array([ind[f"gas:{g}"] for g in all_flows["gas_group"].astype(str).to_numpy()[sel]], dtype=np.int64),
            all_cols[sel], all_vals[sel])
        add(np.array([ind[f"stage:{s}"] for s in stage_of_col[all_cols[sel]]], dtype=np.int64), all_cols[sel],
            all_vals[sel])
        add(np.full(len(all_cols), ind["w"], dtype=np.int64), all_cols, absval)
        add(np.full(len(all_cols), ind["w_primary"], dtype=np.int64), all_cols,
            absval * all_flows["primary_fraction"].to_numpy(dtype=float))
        for short, column in (("tech", "technological_dqr"), ("temp", "temporal_dqr"), ("geo", "geographical_dqr")):
            dqr = all_flows[column].to_numpy(dtype=float)
            known = ~np.isnan(dqr)
            add(np.full(int(known.sum()), ind[f"w_{short}"], dtype=np.int64), all_cols[known], absval[known] * dqr[known])
            add(np.full(int(known.sum()), ind[f"w_{short}_n"], dtype=np.int64), all_cols[known], absval[known])
        for b in bases:
            has = all_flows["gwp_basis"].astype(str).str.split("|").map(lambda xs, b_=b: b_ in xs).to_numpy(dtype=bool)
            add(np.full(int(has.sum()), ind[f"basis:{b}"], dtype=np.int64), all_cols[has], absval[has])
        for s in sets:
            has = (all_flows["factor_set"].astype(str) == s).to_numpy()
            add(np.full(int(has.sum()), ind[f"set:{s}"], dtype=np.int64), all_cols[has], absval[has])
    if b_rows:
        b = sp.csr_matrix((np.concatenate(b_vals), (np.concatenate(b_rows), np.concatenate(b_cols))),
                          shape=(len(indicators), n))
        b.sum_duplicates()
    else:
        b = sp.csr_matrix((len(indicators), n))
    system = ProductSystem(model=model, flows=flows, labels=labels, columns=columns, exchanges=ex, a=a,
                           indicators=indicators, b=b, allocated_outputs=outputs, warnings=warnings)
    system.timings["flows_s"] = t_flows
    system.timings["assemble_s"] = time.perf_counter() - started - t_flows
    return system


def _indices(product: pd.Series, stage: pd.Series, base: dict[str, int],
             variants: dict[tuple[str, str], int]) -> npt.NDArray[np.int64]:
    """Column index of each (product, consumer stage): its stage copy if any, else the product;
    -1 for an empty product."""
    idx = np.array(product.map(base).fillna(-1).to_numpy(dtype=np.int64), dtype=np.int64, copy=True)
    if variants:
        keys = product.astype(str) + "@" + stage.astype(str)
        mapped = keys.map({f"{p}@{s}": k for (p, s), k in variants.items()})
        has = mapped.notna().to_numpy()
        idx[has] = mapped[has].to_numpy(dtype=np.int64)
    return idx


# ---------------------------------------------------------------------------------------------
def carbon_contents(system: ProductSystem) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], list[str]]:
    """Fossil and biogenic carbon content (kg C per unit) of every column, solved on the net
    matrix, and the source of each value (declared / derived / unknown)."""
    model = system.model
    products = model.products.reset_index(drop=True)
    n = system.n
    base = {p: i for i, p in enumerate(products["product_id"])}
    declared_f = np.array(products["fossil_carbon_content"].to_numpy(dtype=float), copy=True)
    declared_b = np.array(products["biogenic_carbon_content"].to_numpy(dtype=float), copy=True)
    rhs = np.zeros((n, 2))
    source = np.full(n, "derived from the bill of materials", dtype=object)
    fixed = np.zeros(n, dtype=bool)
    imported = system.flows.imported
    # supplier-declared contents per unit of the product (pint conversion of the declared unit)
    ids = products["product_id"].to_numpy(dtype=object)
    units = products["unit"].to_numpy(dtype=object)
    for pid, fp in imported.items():
        i = base[pid]
        m = multiplier(str(units[i]), fp.unit or str(units[i]))
        if math.isnan(declared_f[i]) and fp.figures.fossil_carbon_content is not None:
            declared_f[i] = fp.figures.fossil_carbon_content * m
        if math.isnan(declared_b[i]) and fp.figures.biogenic_carbon_content is not None:
            declared_b[i] = fp.figures.biogenic_carbon_content * m
    bought = (products["source"] != "process").to_numpy()
    any_declared = ~(np.isnan(declared_f) & np.isnan(declared_b))
    kinds = {u: _is_material(str(u)) for u in set(units)}
    material = np.array([kinds[u] for u in units], dtype=bool)
    filler = np.where(material, math.nan, 0.0)
    k = len(ids)
    fixed[:k] = bought | any_declared
    for j, declared in enumerate((declared_f, declared_b)):
        rhs[:k, j] = np.where(bought, np.where(np.isnan(declared), filler, declared),
                              np.where(any_declared, declared, 0.0))
    source[:k] = np.where(
        any_declared, "declared",
        np.where(bought, np.where(material, "unknown (bought material without a declared carbon content)",
                                  "none (not a material input)"), "derived from the bill of materials"))
    for (prod_id, _stage), k in ((key, system.labels.index(f"{key[0]}@{key[1]}"))
                                 for key in _variants(system)):
        fixed[k] = True
        rhs[k] = rhs[base[prod_id]]
        source[k] = source[base[prod_id]]
    diag = system.a.diagonal()
    rhs = rhs * diag[:, None]
    # net inputs: amount (no yield), full amount to the input product (recycled material has the
    # same carbon), multi-output processes split by mass share
    ex = system.exchanges
    outs = system.allocated_outputs
    mass_share = _mass_shares(outs, products)
    share = pd.Series(mass_share, dtype=float).reindex(
        pd.MultiIndex.from_arrays([ex["process_id"], ex["output_product"]])).to_numpy(dtype=float) if len(ex) \
        else np.zeros(0)
    col = ex["column_index"].to_numpy(dtype=np.int64)
    row = ex["product_id"].map(base).to_numpy(dtype=np.int64)
    vals = ex["amount"].to_numpy(dtype=float) * share
    # packaging is not part of the product (PACT: product mass and carbon content exclude packaging)
    packaging = set(products.loc[products["packaging"], "product_id"])
    keep = ~fixed[col] & ~ex["product_id"].isin(packaging).to_numpy()
    unknown_share = keep & np.isnan(vals)
    for k in np.unique(col[unknown_share]):
        rhs[k] = math.nan
        source[k] = "unknown (co-products without masses: declare the carbon content)"
    keep &= ~np.isnan(vals)
    net = sp.csc_matrix((np.concatenate([diag, -vals[keep]]),
                         (np.concatenate([np.arange(n), row[keep]]), np.concatenate([np.arange(n), col[keep]]))),
                        shape=(n, n))
    net.sum_duplicates()
    try:
        solver = BlockTriangularSolver.build(net)
    except SingularSystemError as exc:
        raise ModelError(exc.problems, summary="carbon contents cannot be derived") from None
    x = solver.solve_transposed(rhs)
    return x[:, 0], x[:, 1], [str(v) for v in source]


def _variants(system: ProductSystem) -> list[tuple[str, str]]:
    out = []
    for label in system.labels:
        if "@" in label:
            prod, _, stage = label.rpartition("@")
            if stage in DOWNSTREAM_STAGES:
                out.append((prod, stage))
    return out


def _is_material(unit: str) -> bool:
    try:
        return dimension_key(unit) not in NON_MATERIAL_DIMENSIONS
    except UnitError:
        return True


def _mass_shares(outputs: pd.DataFrame, products: pd.DataFrame) -> dict[tuple[str, str], float]:
    """Mass share of each output of its process (1 for single-output processes)."""
    counts = outputs.groupby("process_id")["product_id"].transform("size").to_numpy()
    shares: dict[tuple[str, str], float] = dict.fromkeys(
        zip(outputs["process_id"].to_numpy()[counts == 1], outputs["product_id"].to_numpy()[counts == 1],
            strict=True), 1.0)
    multi = outputs[counts > 1]
    if multi.empty:
        return shares
    info = products.set_index("product_id")
    for proc, group in multi.groupby("process_id"):
        masses = []
        for p, amount in zip(group["product_id"], group["amount"], strict=True):
            unit = str(info.loc[p, "unit"])
            try:
                per = multiplier(unit, "kg")
            except UnitError:
                per = float(info.loc[p, "mass_kg"])
            masses.append(float(amount) * per)
        total = sum(masses)
        for p, mass in zip(group["product_id"], masses, strict=True):
            shares[(str(proc), str(p))] = mass / total if total > 0 and not math.isnan(total) else math.nan
    return shares


def packaging_emissions(system: ProductSystem, pcf: npt.NDArray[np.float64]) -> npt.NDArray[np.float64] | None:
    """Packaging emissions per unit of every column (None when no product is packaging).

    A packaging product's whole footprint is packaging where it is consumed: its consumption
    moves from A to the right-hand side, ``r_k = Σ_{i packaging} |A_ik| λ_i``, and
    ``(A')ᵀ p = r`` propagates it through the rest of the supply chain.
    """
    products = system.model.products.reset_index(drop=True)
    packaging = set(products.loc[products["packaging"], "product_id"])
    if not packaging:
        return None
    is_pack = np.array([label.rpartition("@")[0] in packaging if "@" in label else label in packaging
                        for label in system.labels])
    a = system.a.tocoo()
    off = a.row != a.col
    moved = off & is_pack[a.row]
    r = np.zeros(system.n)
    np.add.at(r, a.col[moved], -a.data[moved] * pcf[a.row[moved]])
    keep = ~moved
    a_prime = sp.csc_matrix((a.data[keep], (a.row[keep], a.col[keep])), shape=a.shape)
    solver = BlockTriangularSolver.build(a_prime)
    result: npt.NDArray[np.float64] = solver.solve_transposed(r)
    return result
