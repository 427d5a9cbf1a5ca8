"""Run a corporate inventory: read → validate → resolve → calculate → result.

Records are routed to one method each (one-way data flow; every method returns rows in the
same long format, :mod:`carbonledger.inventory.methods._rows`):

=========================================  ==========================================
record                                     method
=========================================  ==========================================
inline ``emission_factor``                 :func:`~.methods.inline.inline_method`
``refrigerant/…``, ``fugitive/…``          :func:`~.methods.refrigerants.refrigerant_method`
process with ``mass_balance[_cn]``         :func:`~.methods.mass_balance.mass_balance_method`
fuel with ``method=mee``, or a resolved    :func:`~.methods.carbon_content.carbon_content_method`
factor holding carbon-content parameters
``production/…``                           none (output data for intensities)
Scope 3 kinds (spend, supplier, freight,   :func:`~.scope3.dispatch.scope3_method`
travel … — see ``docs/scope3.md``)
everything else                            :func:`~.methods.factor.factor_method`
electricity (and heat) in addition         market-based :func:`~.scope2.market_based`
=========================================  ==========================================
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger._strings import categorical, codes_of
from carbonledger.errors import Problem, UnitError
from carbonledger.factors.resolve import Resolution, resolve
from carbonledger.factors.store import FactorStore, default_store
from carbonledger.inventory.activity_table import ActivityTable, validate_activities
from carbonledger.inventory.columns import first_seen
from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import (
    RESULT_COLUMNS,
    MethodOutput,
    as_categorical,
    complete,
    concat_rows,
    empty_rows,
    with_flag,
)
from carbonledger.inventory.methods.carbon_content import carbon_content_method
from carbonledger.inventory.methods.factor import factor_method, resolution_frame
from carbonledger.inventory.methods.inline import inline_method
from carbonledger.inventory.methods.mass_balance import mass_balance_method
from carbonledger.inventory.methods.refrigerants import refrigerant_method
from carbonledger.inventory.result import InventoryResult
from carbonledger.inventory.scope2 import InstrumentTable, market_based, validate_instruments
from carbonledger.inventory.scope3.dispatch import is_scope3, scope3_method
from carbonledger.inventory.scope3.inputs import FootprintInput, Scope3Inputs, load_scope3_inputs
from carbonledger.io.tables import RawTable, read_table
from carbonledger.units import describe_dimension

__all__ = ["DEFAULT_FACTOR_SETS", "run_inventory"]

DEFAULT_FACTOR_SETS = (
    "cn-electricity",
    "cn-heat-default",
    "cn-fuel-gbt32151-2024",
    "desnz",
    "epa-hub",
    "owid-ember",
    "epa-supply-chain",
)
"""Default priority: China grid, heat and fuel defaults, then UK DESNZ, US EPA, the OWID/Ember
location-based fallback, and the US EPA spend-based (EEIO) factors, which hold only
``spend/naics/…`` keys and apply to other regions as flagged proxies. Regions decide which
applies: a CN-CQ record never matches a GB factor."""

Progress = Callable[[str, float], None]

_RECORD_COLUMNS = (
    "record_id",
    "row",
    "entity",
    "period",
    "region",
    "activity",
    "quantity",
    "unit",
    "description",
    "scope",
    "category",
)


def run_inventory(
    activities: str | Path | pd.DataFrame | RawTable,
    *,
    instruments: str | Path | pd.DataFrame | RawTable | None = None,
    factor_sets: Sequence[str] | None = None,
    gwp: str = "AR6",
    year: int | None = None,
    default_region: str | None = None,
    store: FactorStore | None = None,
    progress: Progress | None = None,
    exchange_rates: str | Path | pd.DataFrame | RawTable | None = None,
    deflators: str | Path | pd.DataFrame | RawTable | None = None,
    supplier_footprints: FootprintInput | None = None,
    eeio_margins: str = "with",
) -> InventoryResult:
    """Compute a Scope 1 and 2 (location- and market-based) inventory from activity data.

    Never raises for bad input rows: every problem is in ``result.problems`` and rows with
    errors are listed in ``result.rows_rejected`` (rows read = computed + rejected).

    Scope 3 inputs (:mod:`carbonledger.inventory.scope3.inputs`): ``exchange_rates`` and
    ``deflators`` tables for spend-based records, ``supplier_footprints`` (PACT JSON files,
    a directory, or a supplier table), ``eeio_margins`` ``"with"``/``"without"``.
    """

    def tick(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction)

    raw = activities if isinstance(activities, RawTable) else read_table(activities)
    tick("validate", 0.05)
    table = validate_activities(raw, reporting_year=year, default_region=default_region)
    ctx = RunContext(
        factor_sets=list(factor_sets or DEFAULT_FACTOR_SETS),
        gwp=gwp.upper(),
        reporting_year=year,
        source=raw.source,
        store=store or default_store(),
    )
    instrument_table: InstrumentTable | None = None
    if instruments is not None:
        raw_i = (
            instruments
            if isinstance(instruments, RawTable)
            else read_table(instruments, preferred_sheets=("instruments", "合同工具"))
        )
        instrument_table = validate_instruments(raw_i, year)
        instrument_table.instruments.attrs["source"] = raw_i.source
    records = table.records  # built by the validator for this run: extended in place, not copied
    records["pos"] = np.arange(len(records))
    mobile = (
        (records["kind"] == "fuel")
        & (records["method"] == "mobile")
        & (records["category"] == "stationary_combustion")
    ).to_numpy()
    if mobile.any():
        codes, cats = codes_of(records["category"])
        codes = np.where(mobile, len(cats), codes)
        records["category"] = first_seen(codes, np.append(cats, "mobile_combustion"))
    scope3_inputs = load_scope3_inputs(
        exchange_rates=exchange_rates,
        deflators=deflators,
        supplier_footprints=supplier_footprints,
        eeio_margins=eeio_margins,
    )
    outputs = _compute(records, ctx, instrument_table, tick, scope3_inputs)
    outputs.append(MethodOutput(empty_rows(), problems=scope3_inputs.problems))
    tick("assemble", 0.9)
    result = _assemble(table, records, outputs, ctx, instrument_table)
    result.scope3_inputs = scope3_inputs  # cited in reports: rates, deflators, supplier footprints
    tick("done", 1.0)
    return result


# the columns each route reads (a subset copies only these, not the ~60 validated columns)
_FACTOR_COLUMNS = (
    "pos",
    "record_id",
    "row",
    "activity",
    "quantity",
    "unit",
    "region",
    "period_start",
    "period_end",
    "factor_id",
    "factor_set",
    "method",
    "emission_factor",
    "emission_factor_unit",
    "gas",
    "ncv",
    "ncv_unit",
    "carbon_content",
    "carbon_content_unit",
    "oxidation_factor",
    "biomass_fraction",
)
_ELECTRICITY_COLUMNS = (*_FACTOR_COLUMNS, "entity")


def _take(records: pd.DataFrame, mask: npt.NDArray[np.bool_], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The masked records (all of them without a copy), with only ``columns`` when given."""
    frame = records if columns is None else records[list(columns)]
    if mask.all():
        return frame
    return frame.take(np.flatnonzero(mask))  # one index for every column (a mask is re-read per column)


def _is(values: pd.Series, test: Callable[[str], bool]) -> npt.NDArray[np.bool_]:
    """``test`` of each row's text, evaluated once per distinct value."""
    codes, cats = codes_of(values)
    per_value = np.array([test(str(c)) for c in cats], dtype=bool)
    rows: npt.NDArray[np.bool_] = per_value[codes]
    return rows


def _compute(
    records: pd.DataFrame,
    ctx: RunContext,
    instruments: InstrumentTable | None,
    tick: Callable[[str, float], None],
    scope3_inputs: Scope3Inputs | None = None,
) -> list[MethodOutput]:
    kind = records["kind"]
    method = records["method"]
    inline = ~np.isnan(records["emission_factor"].to_numpy())
    electricity = _is(kind, lambda k: k == "electricity")
    scope2 = _is(kind, lambda k: k in ("electricity", "heat")) & _is(records["scope"], lambda s: s == "2")
    supplier_market = scope2 & inline & _is(method, lambda m: m == "market")
    fugitive = _is(kind, lambda k: k in ("refrigerant", "fugitive")) & ~inline
    mass_balance = _is(kind, lambda k: k == "process") & _is(
        method, lambda m: m in ("mass_balance", "mass_balance_cn")
    )
    mee = _is(kind, lambda k: k == "fuel") & _is(method, lambda m: m == "mee") & ~inline
    production = _is(kind, lambda k: k == "production")
    scope3 = is_scope3(records)  # Scope 3 methods: carbonledger.inventory.scope3.dispatch
    inline_rows = inline & ~supplier_market & ~scope3
    factor_rows = ~(inline | fugitive | mass_balance | mee | production | scope3)
    outputs: list[MethodOutput] = []
    tick("inline, fugitive, mass balance", 0.1)
    outputs.append(inline_method(_take(records, inline_rows, _FACTOR_COLUMNS), ctx))
    outputs.append(scope3_method(_take(records, scope3), ctx, scope3_inputs))
    outputs.append(refrigerant_method(_take(records, fugitive), ctx))
    outputs.append(mass_balance_method(_take(records, mass_balance), ctx))
    tick("resolve factors", 0.2)
    factor_out, _, parameter_only = factor_method(_take(records, factor_rows, _FACTOR_COLUMNS), ctx)
    outputs.append(factor_out)
    tick("carbon-content method", 0.6)
    mee_records = _take(records, mee, _FACTOR_COLUMNS)
    if len(parameter_only):
        mee_records = pd.concat([mee_records, parameter_only])
    outputs.append(_carbon_content(mee_records, ctx))
    location = _RowsOf(list(outputs), len(records))  # location-based rows, looked up per record
    tick("scope 2 market-based", 0.75)
    energy_unit = _is(records["unit"], _is_energy_unit)
    rejected = np.zeros(len(records), dtype=bool)
    rejected[factor_out.rejected] = True
    elec_mask = scope2 & electricity & energy_unit & ~rejected
    if supplier_market.any():
        elec_mask &= ~_is(method, lambda m: m == "market")
    market = market_based(_take(records, elec_mask, _ELECTRICITY_COLUMNS), instruments, ctx, location)
    outputs.append(market)
    outputs.append(_supplier_specific(_take(records, supplier_market, _FACTOR_COLUMNS), ctx))
    # heat, and electricity given per non-energy unit (e.g. EV charging per km): market = location
    heat = scope2 & ~inline & (~electricity | ~energy_unit)
    outputs.append(_heat_market(records["pos"].to_numpy()[heat], location))
    return outputs


class _RowsOf:
    """The rows some outputs hold for given records, in output order, without concatenating
    every output first (a dense position lookup instead of hashing)."""

    def __init__(self, outputs: list[MethodOutput], n_records: int) -> None:
        self.outputs = [o for o in outputs if len(o.rows)]
        self.n_records = n_records

    def __call__(self, positions: npt.NDArray[np.int64]) -> pd.DataFrame:
        wanted = np.zeros(self.n_records, dtype=bool)
        wanted[np.asarray(positions, dtype=np.int64)] = True
        parts = []
        for output in self.outputs:
            keep = wanted[output.rows["record_pos"].to_numpy()]
            if keep.any():
                parts.append(output.rows[keep])
        return concat_rows(parts)


def _carbon_content(sub: pd.DataFrame, ctx: RunContext) -> MethodOutput:
    if sub.empty:
        return MethodOutput(empty_rows())
    measured_all = (
        ~np.isnan(sub["ncv"].to_numpy())
        & ~np.isnan(sub["carbon_content"].to_numpy())
        & ~np.isnan(sub["oxidation_factor"].to_numpy())
    )
    outputs = []
    if measured_all.any():
        outputs.append(carbon_content_method(sub[measured_all], ctx, None))
    rest = sub[~measured_all]
    if len(rest):
        sets = ctx.sets_with_parameter("carbon_content")
        if not sets:
            problems = [
                Problem(
                    "the carbon-content (mee) method needs default NCV/carbon content/oxidation "
                    "from a factor set, and none of the run's sets has them",
                    file=ctx.source,
                    row=int(r),
                    field="method",
                    record_id=str(i),
                    accepted="add a China fuel-default set, e.g. --factors cn-fuel-gbt32151-2024, or "
                    "give ncv, carbon_content and oxidation_factor on the record",
                )
                for r, i in zip(rest["row"], rest["record_id"], strict=True)
            ]
            outputs.append(MethodOutput(empty_rows(), rest["pos"].to_numpy(dtype=np.int64), problems))
        else:
            resolution = resolve(
                resolution_frame(rest), sets, store=ctx.store, raise_on_missing=False, file=ctx.source
            )
            ok = resolution.table["factor_id"].notna().to_numpy()
            out = carbon_content_method(rest[ok], ctx, _subset(resolution, ok))
            out.problems = resolution.problems + out.problems
            out.rejected = np.concatenate([out.rejected, rest["pos"].to_numpy()[~ok]])
            outputs.append(out)
    return MethodOutput(
        concat_rows([o.rows for o in outputs]),
        np.concatenate([o.rejected for o in outputs]) if outputs else np.zeros(0, dtype=np.int64),
        [p for o in outputs for p in o.problems],
    )


def _subset(resolution: Resolution, keep: npt.NDArray[np.bool_]) -> Resolution:
    return Resolution(
        table=resolution.table[keep].reset_index(drop=True), index=resolution.index, problems=[]
    )


def _supplier_specific(sub: pd.DataFrame, ctx: RunContext) -> MethodOutput:
    """Electricity records with an inline supplier rate and ``method=market``: the rate is
    market-based only; the location-based result still comes from the grid factor."""
    if sub.empty:
        return MethodOutput(empty_rows())
    market = inline_method(sub, ctx)
    market.rows["scope2_method"] = _constant(len(market.rows), "market")
    market.rows["method"] = _constant(len(market.rows), "market:supplier_specific_record")
    location, _, _ = factor_method(sub.assign(emission_factor=np.nan), ctx)
    return MethodOutput(
        concat_rows([market.rows, location.rows]),
        np.concatenate([market.rejected, location.rejected]),
        market.problems + location.problems,
    )


def _constant(n: int, text: str) -> pd.Categorical:
    """A text column holding one value (one byte per row)."""
    return categorical(np.zeros(n, dtype=np.int8), [text])


def _gather(values: pd.Series, pos: npt.NDArray[np.int64]) -> Any:
    """Rows ``pos`` of a record column: numbers and high-cardinality text (record ids) by take,
    categoricals by their codes (validated categories are in order of first appearance over the
    records, as a factorisation of the column would number them)."""
    array = values.array
    if isinstance(array, pd.Categorical):
        if not (array.codes < 0).any():
            return categorical(array.codes[pos], array.categories)
        codes, cats = codes_of(values)
        return categorical(codes[pos], pd.Index(cats, dtype=object))
    if pd.api.types.is_numeric_dtype(values):
        return values.to_numpy()[pos]
    if pd.api.types.is_string_dtype(values):
        return array.take(pos)  # many distinct values: Arrow take
    codes, cats = codes_of(values)
    return categorical(codes[pos], pd.Index(cats, dtype=object))


def _categorical(texts: list[str], codes: npt.NDArray[np.int64]) -> pd.Categorical:
    """Categorical with row i = ``texts[codes[i]]`` (texts may repeat)."""
    text_codes, cats = pd.factorize(np.asarray(texts, dtype=object))
    return categorical(text_codes[codes], pd.Index(cats, dtype=object))


def _category_mask(cat: pd.Categorical, test: Callable[[str], bool]) -> npt.NDArray[np.bool_]:
    """Rows whose category satisfies ``test`` (evaluated once per category)."""
    per_category = np.array([test(str(c)) for c in cat.categories] + [False], dtype=bool)
    rows: npt.NDArray[np.bool_] = per_category[cat.codes]  # code -1 (missing) → the last entry
    return rows


def _is_energy_unit(unit: str) -> bool:
    try:
        return describe_dimension(unit) == "energy"
    except UnitError:
        return False


def _heat_market(positions: npt.NDArray[np.int64], location: Callable[[npt.NDArray[np.int64]], pd.DataFrame]) -> MethodOutput:
    """Purchased heat/steam (and Scope 2 records in non-energy units): without supplier-specific
    data the market-based result equals the location-based one (Scope 2 Guidance Table 6.3),
    flagged."""
    rows_ = location(positions).copy()
    rows_["scope2_method"] = _constant(len(rows_), "market")
    rows_["method"] = _constant(len(rows_), "market:heat_location_factor")
    rows_["flags"] = with_flag(rows_["flags"], "heat_no_supplier_specific_factor")
    return MethodOutput(rows_)


def _assemble(
    table: ActivityTable,
    records: pd.DataFrame,
    outputs: list[MethodOutput],
    ctx: RunContext,
    instruments: InstrumentTable | None,
) -> InventoryResult:
    rows_ = complete(concat_rows([o.rows for o in outputs]))
    rejected_pos: npt.NDArray[np.int64] = (
        np.unique(np.concatenate([o.rejected for o in outputs])).astype(np.int64)
        if outputs
        else np.zeros(0, dtype=np.int64)
    )
    problems = list(table.problems) + [p for o in outputs for p in o.problems]
    if instruments is not None:
        problems += instruments.problems
    # rows of rejected records are dropped entirely (a record is computed or reported, not both)
    if len(rejected_pos):
        rows_ = rows_[~np.isin(rows_["record_pos"].to_numpy(), rejected_pos)].reset_index(drop=True)
    pos = rows_["record_pos"].to_numpy()
    data: dict[str, Any] = {name: rows_[name].array for name in rows_.columns}
    for column in (*_RECORD_COLUMNS, "kind"):
        data[column] = _gather(records[column], pos)
    gas_cat = as_categorical(rows_["gas"])
    flag_cat = as_categorical(rows_["flags"])
    biogenic = _category_mask(gas_cat, lambda g: g == "CO2_biogenic")
    non_kyoto = _category_mask(flag_cat, lambda f: "non_kyoto" in f.split("|"))
    # biogenic CO2 is outside the scopes; non-Kyoto gases are a memo item (GHG Protocol ch. 4, 9)
    scope_codes, scope_cats = codes_of(pd.Series(data["scope"], copy=False))
    all_scopes = pd.Index([*map(str, scope_cats), "outside_scopes", "memo_non_kyoto"]).unique()
    scope_codes = all_scopes.get_indexer(pd.Index(map(str, scope_cats)))[scope_codes]
    if biogenic.any():
        scope_codes[biogenic] = list(all_scopes).index("outside_scopes")
    if non_kyoto.any():
        scope_codes[non_kyoto] = list(all_scopes).index("memo_non_kyoto")
    method_codes, method_cats = codes_of(rows_["scope2_method"])
    width = len(method_cats)
    key_codes, key_values = pd.factorize(scope_codes * width + method_codes)
    scope_key_texts, method_texts = [], []
    for value in key_values:
        scope_text = str(all_scopes[int(value) // width])
        method_text = str(method_cats[int(value) % width])
        if scope_text == "2":
            method_text = method_text or "location"
            scope_key_texts.append(f"2_{method_text}")
            method_texts.append(method_text)
        else:
            scope_key_texts.append(scope_text)
            method_texts.append("")
    data["scope"] = categorical(scope_codes, all_scopes)
    data["scope2_method"] = _categorical(method_texts, key_codes)
    data["scope_key"] = _categorical(scope_key_texts, key_codes)
    data["gwp"] = categorical(np.zeros(len(rows_), dtype=np.int8), categories=[ctx.gwp])
    data["tco2e"] = rows_["co2e_kg"].to_numpy() / 1000.0
    order = (
        [
            "record_id",
            "row",
            "entity",
            "period",
            "region",
            "activity",
            "quantity",
            "unit",
            "scope",
            "category",
            "scope_key",
            "gas",
            "mass_kg",
            "co2e_kg",
            "tco2e",
            "gwp",
        ]
        + [c for c in RESULT_COLUMNS if c not in ("record_pos", "gas", "mass_kg", "co2e_kg")]
        + ["kind", "description", "record_pos"]
    )
    rows_ = pd.DataFrame({name: data[name] for name in order}, copy=False)
    rejected_rows = sorted(
        set(table.rejected_rows) | {int(r) for r in records["row"].to_numpy()[rejected_pos]}
    )
    manifests = []
    for ref in ctx.factor_sets:
        try:
            manifests += [ctx.store.load(i).manifest for i in ctx.store.resolve_ref(ref)]
        except Exception:  # an unknown set is reported by resolution already
            continue
    result = InventoryResult(
        records=records,
        results=rows_,
        problems=problems,
        rows_read=table.rows_read,
        rows_rejected=rejected_rows,
        gwp=ctx.gwp,
        reporting_year=ctx.reporting_year,
        factor_sets=ctx.factor_sets,
        manifests=manifests,
        source=table.source,
        instruments=instruments.instruments if instruments is not None else None,
        instrument_rows_read=instruments.rows_read if instruments is not None else 0,
        instrument_rows_rejected=instruments.rejected_rows if instruments is not None else [],
    )
    return result
