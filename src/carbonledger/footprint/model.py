"""The product model: products, processes, their inputs and outputs, and how each is sourced.

A model is a set of tables (one sheet each in ``templates/bom_model.xlsx``, or DataFrames
given to :func:`build_model`). Every process row describes ONE run of the process (a batch,
one unit of its main product, or a year of a line): its outputs, the inputs it consumes and
its activity data are all for that same run.

``products``
    ``product_id`` (unique), ``name``, ``unit`` (what amounts of it are measured in: ``piece``,
    ``kg``, ``t``, ``kWh``, ``tkm``, ``USD`` …), ``source``: ``process`` (made by a process of the
    model), ``factor`` (bought; a secondary emission factor: ``activity`` with optional
    ``factor_id``/``factor_set``/``region`` pins) or ``supplier`` (bought; the supplier's PACT
    footprint in ``supplier_pcf``, a JSON file next to the model) or ``brightway`` (bought; an
    activity of a Brightway database in ``brightway_activity``, scored by bw2calc: the
    ``[brightway]`` extra, see ``docs/brightway.md``). Optional: ``mass_kg`` (kg
    per unit), ``price`` and ``currency`` (economic allocation), ``declared_unit``,
    ``declared_unit_amount``, ``product_ids``/``classifications`` (URNs, ``|``-separated),
    ``cpc``, ``description``, ``export`` (write a PACT footprint), ``geography``,
    ``fossil_carbon_content``/``biogenic_carbon_content`` (kg C per unit), ``packaging``
    (yes: its footprint counts as packaging), ``aircraft`` (yes: its emissions are aircraft
    emissions), ``exempted_emissions_percent``/``…_description``, ``technological_dqr``,
    ``temporal_dqr``, ``geographical_dqr`` (data quality of a secondary factor, 1–5).
``processes``
    ``process_id``, ``name``, ``stage`` (``material_acquisition``, ``production``,
    ``distribution``, ``use``, ``end_of_life``; default production), ``region``,
    ``allocation`` (``mass``, ``economic``, ``physical``, ``none``) and
    ``allocation_quantity`` (the name of the physical quantity), ``primary_data`` (yes: the
    process's own activity data is primary data), DQRs.
``outputs``
    ``process_id``, ``product_id``, ``amount``, ``unit``, ``allocation_value`` (the output's
    amount of the physical allocation quantity), ``price`` (overrides the product's).
``inputs`` (the bill of materials)
    ``process_id``, ``product_id``, ``amount`` (net: what ends up in the output), ``unit``,
    ``yield`` (fraction of the gross input that ends up in the output; gross = amount ÷ yield),
    ``recycled_content`` (fraction) and ``recycled_product`` (the product that supplies the
    recycled share: cut-off approach).
``activities``
    ``process_id`` plus the inventory activity-table columns
    (:mod:`carbonledger.inventory.activity_table`): the process's own energy use and direct
    emissions per run, computed by :func:`carbonledger.inventory.engine.run_inventory`.
``plants`` and ``allocation``
    A plant inventory (an activity file run through the inventory engine) and the key by which
    its Scope 1 and 2 emissions are shared among processes (``key_value``), with each
    process's output in the plant's period (``period_output``) to turn the share into
    emissions per run.
``model`` (settings)
    ``company_name``, ``company_ids``, ``reference_period_start``/``_end`` (end exclusive),
    ``gwp``, ``factor_sets``, ``scope2_method``, ``cross_sectoral_standards``, ``geography``,
    ``biogenic_accounting_methodology``, ``created``, ``comment``, ``default_region``.

:func:`build_model` validates every table and reports every problem at once
(:class:`~carbonledger.errors.InputError`), naming the sheet, row and column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger.errors import InputError, Problem, ProblemLog, Severity, UnitError
from carbonledger.gwp import GWP_SETS
from carbonledger.regions import canonical_region, is_known_region
from carbonledger.units import dimension_key, multiplier, parse_unit

__all__ = [
    "ALLOCATION_METHODS",
    "DEFAULT_FOOTPRINT_FACTOR_SETS",
    "SHEETS",
    "SOURCES",
    "STAGES",
    "ModelSettings",
    "ProductModel",
    "build_model",
    "now_utc",
]

STAGES: tuple[str, ...] = ("material_acquisition", "production", "distribution", "use", "end_of_life")
"""Life-cycle stages (GHG Protocol Product Standard ch. 7; PACT: cradle-to-gate = the first two)."""
SOURCES: tuple[str, ...] = ("process", "factor", "supplier", "brightway")
ALLOCATION_METHODS: tuple[str, ...] = ("mass", "economic", "physical", "none")
SCOPE2_METHODS: tuple[str, ...] = ("market", "location")

DEFAULT_FOOTPRINT_FACTOR_SETS: tuple[str, ...] = (
    "cn-electricity",
    "cn-heat-default",
    "cn-fuel-gbt32151-2024",
    "desnz",
    "epa-hub",
    "epa-supply-chain",
    "owid-ember",
)
"""The inventory defaults plus the EPA supply-chain (spend) factors for purchased inputs."""

SHEETS: dict[str, str] = {
    "model": "settings (key, value)",
    "products": "one row per product (made, or bought with a factor or a supplier footprint)",
    "processes": "one row per process",
    "outputs": "what each process run makes",
    "inputs": "bill of materials: what each process run consumes",
    "activities": "energy and direct emissions of each process run (inventory activity columns)",
    "plants": "plant inventories whose Scope 1 and 2 are allocated to processes",
    "allocation": "allocation keys of plant inventories to processes",
}

PRODUCT_COLUMNS: dict[str, str] = {
    "product_id": "unique id of the product (required)",
    "name": "trade name (required)",
    "unit": "unit amounts are measured in: piece, kg, t, kWh, tkm, USD … (required)",
    "source": "process, factor or supplier (required)",
    "description": "product description (PACT productDescription)",
    "mass_kg": "mass of one unit in kg, excluding packaging",
    "price": "price per unit (economic allocation)",
    "currency": "currency of the price, e.g. CNY",
    "declared_unit": "PACT declared unit (default: from the unit)",
    "declared_unit_amount": "amount of declared units the footprint is stated for (default 1)",
    "product_ids": "URNs separated by |, e.g. urn:pact:example.com:product-id:BA-100",
    "classifications": "classification URNs separated by |",
    "cpc": "UN CPC code (PACT v2.3 productCategoryCpc)",
    "export": "yes/no: write a PACT footprint (default: yes for made products)",
    "geography": "region of the footprint (default: the producing process's region)",
    "fossil_carbon_content": "kg C per unit (fossil)",
    "biogenic_carbon_content": "kg C per unit (biogenic)",
    "packaging": "yes if the product is packaging",
    "aircraft": "yes if the product is air transport (its emissions are aircraft emissions)",
    "exempted_emissions_percent": "percent of emissions excluded from the footprint (default 0)",
    "exempted_emissions_description": "why emissions were excluded",
    "activity": "source=factor: activity key of the factor, e.g. material/steel_cans/primary",
    "factor_id": "source=factor: pin a factor id",
    "factor_set": "source=factor: pin a factor set",
    "region": "source=factor: region for the factor lookup",
    "supplier_pcf": "source=supplier: PACT JSON file (path relative to the model file)",
    "brightway_activity": "source=brightway: activity in the Brightway project, database|code "
    "(or database|name|location[|unit])",
    "brightway_method": "source=brightway: LCIA method of the project, name parts separated by | "
    "(default: the model's brightway_method, else carbonledger's GWP100 of the model's gwp)",
    "technological_dqr": "technological DQR of the secondary data (1-5)",
    "temporal_dqr": "temporal DQR of the secondary data (1-5)",
    "geographical_dqr": "geographical DQR of the secondary data (1-5)",
    "comment": "free text, copied to the PACT comment",
}
PROCESS_COLUMNS: dict[str, str] = {
    "process_id": "unique id of the process (required)",
    "name": "name",
    "stage": "material_acquisition, production, distribution, use or end_of_life (default production)",
    "region": "where it runs, e.g. CN-CQ (default region of its activity rows)",
    "allocation": "mass, economic, physical or none (needed when it has several outputs)",
    "allocation_quantity": "physical allocation: name of the quantity in outputs.allocation_value",
    "primary_data": "yes/no: its activity data is primary (measured, company-specific); default yes",
    "technological_dqr": "DQR of its data (1-5)",
    "temporal_dqr": "DQR of its data (1-5)",
    "geographical_dqr": "DQR of its data (1-5)",
    "description": "free text",
}
OUTPUT_COLUMNS: dict[str, str] = {
    "process_id": "process (required)",
    "product_id": "product made (required)",
    "amount": "amount made per run (required, > 0)",
    "unit": "unit of the amount (default: the product's unit)",
    "allocation_value": "physical allocation: amount of the named quantity in this output",
    "price": "price per unit for economic allocation (default: the product's price)",
}
INPUT_COLUMNS: dict[str, str] = {
    "process_id": "process (required)",
    "product_id": "product consumed (required)",
    "amount": "net amount per run: what ends up in the output (required, ≥ 0)",
    "unit": "unit of the amount (default: the product's unit)",
    "yield": "fraction of the gross input that ends up in the output (0 < yield ≤ 1; default 1)",
    "recycled_content": "fraction of the input that is recycled material (0-1; default 0)",
    "recycled_product": "product supplying the recycled share (cut-off); empty = burden-free",
    "description": "free text",
}
PLANT_COLUMNS: dict[str, str] = {
    "plant_id": "id of the plant (required)",
    "activities": "activity file of the plant (CSV/XLSX, path relative to the model; required)",
    "instruments": "contractual instruments file for market-based Scope 2",
    "entity": "only rows of this entity (default: all rows)",
    "year": "reporting year of the inventory",
    "region": "default region of rows without one",
    "key": "name of the allocation key, e.g. machine hours",
    "scopes": "scopes allocated, separated by | (default 1|2)",
}
ALLOCATION_COLUMNS: dict[str, str] = {
    "plant_id": "plant (required)",
    "process_id": "process receiving the share; empty = not modelled (share stays unallocated)",
    "key_value": "value of the allocation key (required, ≥ 0)",
    "period_output": "amount the process made in the plant's period (required when process_id given)",
    "period_output_unit": "unit of period_output (default: the process output's unit)",
    "period_output_product": "which output period_output counts (default: the process's first output)",
}
SETTINGS: dict[str, str] = {
    "company_name": "the data owner's name (required for PACT)",
    "company_ids": "URNs of the company separated by |",
    "reference_period_start": "first day of the data (YYYY-MM-DD; required)",
    "reference_period_end": "day after the last day of the data (YYYY-MM-DD, exclusive; required)",
    "gwp": "AR4, AR5 or AR6 (default AR6)",
    "factor_sets": "factor sets in priority order separated by |",
    "scope2_method": "market or location: electricity in process activities (default market)",
    "cross_sectoral_standards": "standards followed, separated by | (default ISO14067|GHGP-Product|PACT-3.0)",
    "geography": "default geography of the footprints (region code)",
    "biogenic_accounting_methodology": "PEF, ISO, GHGP or Quantis",
    "created": "creation time stamped on the PACT footprints (default: now, or SOURCE_DATE_EPOCH)",
    "comment": "text added to every PACT comment",
    "default_region": "region of activity rows without one",
    "brightway_project": "Brightway project holding the activities of source=brightway products",
    "brightway_dir": "Brightway base directory of that project (default: Brightway's own, BRIGHTWAY2_DIR)",
    "brightway_method": "default LCIA method for source=brightway products (name parts separated by |)",
}

_YES = {"yes", "y", "true", "1", "是", "x"}
_NO = {"no", "n", "false", "0", "否", ""}
_URN = re.compile(r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class ModelSettings:
    """Model-wide settings (the ``model`` sheet)."""

    reference_period_start: date
    reference_period_end: date
    company_name: str = ""
    company_ids: tuple[str, ...] = ()
    gwp: str = "AR6"
    factor_sets: tuple[str, ...] = DEFAULT_FOOTPRINT_FACTOR_SETS
    scope2_method: str = "market"
    cross_sectoral_standards: tuple[str, ...] = ("ISO14067", "GHGP-Product", "PACT-3.0")
    geography: str | None = None
    biogenic_accounting_methodology: str | None = None
    created: datetime | None = None
    comment: str = ""
    default_region: str | None = None
    brightway_project: str = ""
    brightway_dir: str = ""
    brightway_method: str = ""

    @property
    def year(self) -> int:
        return self.reference_period_start.year


@dataclass
class ProductModel:
    """Validated tables of a product model (see the module docstring for the columns)."""

    settings: ModelSettings
    products: pd.DataFrame
    processes: pd.DataFrame
    outputs: pd.DataFrame
    inputs: pd.DataFrame
    activities: pd.DataFrame
    plants: pd.DataFrame
    allocation: pd.DataFrame
    supplier_footprints: dict[str, Any] = field(default_factory=dict)  # supplier_pcf → parsed JSON
    base_dir: Path | None = None
    source: str = "<model>"
    warnings: list[Problem] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
class _Sheet:
    """Typed access to one input table with problems that name the sheet, row and column."""

    def __init__(self, name: str, frame: pd.DataFrame | None, columns: Mapping[str, str], log: ProblemLog,
                 source: str, required: Sequence[str] = ()) -> None:
        self.name = name
        self.log = log
        self.source = source
        frame = pd.DataFrame() if frame is None else frame.copy()
        frame.columns = [str(c).strip() for c in frame.columns]
        if "row" not in frame.columns:
            frame["row"] = np.arange(2, len(frame) + 2)
        frame = frame.reset_index(drop=True)
        self.frame = frame
        self.rows = frame["row"].to_numpy()
        if name != "activities":  # the inventory activity table has its own column contract
            for c in frame.columns:
                if c != "row" and c not in columns and not c.startswith("_"):
                    self.problem(None, c, f"unknown column {c!r}", accepted=", ".join(columns), severity="warning")
        for c in required:
            if c not in frame.columns and len(frame):
                self.problem(None, c, f"required column {c!r} is missing", accepted=columns.get(c))

    def problem(self, i: int | None, column: str | None, message: str, *, value: Any = None,
                accepted: str | None = None, severity: Severity = "error", record_id: str | None = None) -> None:
        self.log.add(
            Problem(
                message,
                file=self.source,
                sheet=self.name,
                row=int(self.rows[i]) if i is not None else None,
                field=column,
                value=None if value is None or value == "" else str(value),
                accepted=accepted,
                severity=severity,
                record_id=record_id or None,
                code="footprint_model",
            )
        )

    def text(self, column: str) -> pd.Series:
        if column not in self.frame.columns:
            return pd.Series([""] * len(self.frame), dtype=object)
        col = self.frame[column]
        if pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty"):
            return col.astype(object).where(col.notna(), "").astype(str).str.strip().astype(object)
        return col.astype(object).where(col.notna(), "").map(_cell_text).astype(object)

    def number(self, column: str, *, default: float = math.nan, low: float | None = None,
               high: float | None = None, low_open: bool = False, accepted: str = "") -> pd.Series:
        raw = self.text(column)
        values = pd.to_numeric(raw.where(raw != "", None), errors="coerce").astype(float)
        bad = (raw != "") & values.isna()
        for i in np.flatnonzero(bad.to_numpy()):
            self.problem(int(i), column, "not a number", value=raw.iloc[i], accepted=accepted or "a number")
        values = values.where(raw != "", default)
        if low is not None:
            below = values < low if not low_open else values <= low
            for i in np.flatnonzero(below.to_numpy()):
                self.problem(int(i), column, f"{column} must be {'>' if low_open else '≥'} {low:g}",
                             value=raw.iloc[i], accepted=accepted or f"a number {'>' if low_open else '≥'} {low:g}")
        if high is not None:
            for i in np.flatnonzero((values > high).to_numpy()):
                self.problem(int(i), column, f"{column} must be ≤ {high:g}", value=raw.iloc[i],
                             accepted=accepted or f"a number ≤ {high:g}")
        return values

    def flag(self, column: str, default: bool) -> pd.Series:
        raw = self.text(column).str.lower()
        out = []
        for i, v in enumerate(raw):
            if v in _YES:
                out.append(True)
            elif v == "":
                out.append(default)
            elif v in _NO:
                out.append(False)
            else:
                self.problem(i, column, "not yes/no", value=v, accepted="yes or no")
                out.append(default)
        return pd.Series(out, dtype=bool)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def _split(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in re.split(r"[|;\n]", text) if x.strip())


def _unit_ok(sheet: _Sheet, i: int, column: str, unit: str) -> bool:
    try:
        parse_unit(unit)
    except UnitError as exc:
        sheet.problem(i, column, exc.problems[0].message, value=unit, accepted=exc.problems[0].accepted
                      or "a unit such as piece, kg, t, kWh, tkm, m2, L, USD")
        return False
    return True


def _date(text: str) -> date | None:
    if not text:
        return None
    try:
        return pd.Timestamp(text).date()
    except (ValueError, TypeError):
        return None


# ---------------------------------------------------------------------------------------------
def _settings(values: Mapping[str, Any] | ModelSettings | None, log: ProblemLog, source: str) -> ModelSettings | None:
    if isinstance(values, ModelSettings):
        return values
    raw = {str(k).strip(): _cell_text(v) for k, v in (values or {}).items()}

    def bad(key: str, message: str, value: str | None = None, accepted: str | None = None) -> None:
        log.add(Problem(message, file=source, sheet="model", field=key, value=value, accepted=accepted,
                        code="footprint_settings"))

    for key in raw:
        if key not in SETTINGS and key != "row":
            log.add(Problem(f"unknown setting {key!r}", file=source, sheet="model", field=key,
                            accepted=", ".join(SETTINGS), severity="warning", code="footprint_settings"))
    start = _date(raw.get("reference_period_start", ""))
    end = _date(raw.get("reference_period_end", ""))
    if start is None:
        bad("reference_period_start", "missing or not a date", raw.get("reference_period_start"), "YYYY-MM-DD")
    if end is None:
        bad("reference_period_end", "missing or not a date", raw.get("reference_period_end"),
            "YYYY-MM-DD (the day after the last day, e.g. 2026-01-01 for the year 2025)")
    if start is not None and end is not None and not start < end:
        bad("reference_period_end", "the reference period must end after it starts", str(end),
            f"a date after {start}")
    gwp = (raw.get("gwp") or "AR6").upper()
    if gwp not in GWP_SETS:
        bad("gwp", "unknown GWP set", gwp, ", ".join(GWP_SETS))
    scope2 = (raw.get("scope2_method") or "market").lower()
    if scope2 not in SCOPE2_METHODS:
        bad("scope2_method", "unknown Scope 2 method", scope2, "market or location")
    ids = _split(raw.get("company_ids", ""))
    for x in ids:
        if not _URN.match(x):
            bad("company_ids", "not a URN", x, "urn:<namespace>:<id>, e.g. urn:pact:example.com:company-id:123")
    created = None
    if raw.get("created"):
        try:
            stamp = pd.Timestamp(raw["created"])
            created = (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")).to_pydatetime()
        except (ValueError, TypeError):
            bad("created", "not a date-time", raw["created"], "YYYY-MM-DDTHH:MM:SSZ")
    geography = raw.get("geography") or None
    if geography and not is_known_region(geography):
        from carbonledger.pact.export import UN_REGIONS

        if geography not in UN_REGIONS:
            bad("geography", "unknown region", geography, "an ISO 3166 code such as CN or CN-CQ, or a UN region")
    standards = _split(raw.get("cross_sectoral_standards", "")) or ("ISO14067", "GHGP-Product", "PACT-3.0")
    if start is None or end is None:
        return None
    return ModelSettings(
        reference_period_start=start,
        reference_period_end=end,
        company_name=raw.get("company_name", ""),
        company_ids=ids,
        gwp=gwp,
        factor_sets=_split(raw.get("factor_sets", "")) or DEFAULT_FOOTPRINT_FACTOR_SETS,
        scope2_method=scope2,
        cross_sectoral_standards=standards,
        geography=geography,
        biogenic_accounting_methodology=raw.get("biogenic_accounting_methodology") or None,
        created=created,
        comment=raw.get("comment", ""),
        default_region=raw.get("default_region") or None,
        brightway_project=raw.get("brightway_project", ""),
        brightway_dir=raw.get("brightway_dir", ""),
        brightway_method=raw.get("brightway_method", ""),
    )


def build_model(
    *,
    products: pd.DataFrame,
    processes: pd.DataFrame | None = None,
    outputs: pd.DataFrame | None = None,
    inputs: pd.DataFrame | None = None,
    activities: pd.DataFrame | None = None,
    plants: pd.DataFrame | None = None,
    allocation: pd.DataFrame | None = None,
    settings: Mapping[str, Any] | ModelSettings | None = None,
    supplier_footprints: Mapping[str, Any] | None = None,
    base_dir: str | Path | None = None,
    source: str = "<model>",
    extra_problems: Sequence[Problem] = (),
) -> ProductModel:
    """Validate the tables of a product model; raise :class:`InputError` listing every problem.

    ``supplier_footprints`` maps a ``supplier_pcf`` reference to parsed PACT JSON; references
    not in it are read as files relative to ``base_dir``.
    """
    log = ProblemLog(list(extra_problems))
    cfg = _settings(settings, log, source)
    p = _Sheet("products", products, PRODUCT_COLUMNS, log, source, ("product_id", "name", "unit", "source"))
    r = _Sheet("processes", processes, PROCESS_COLUMNS, log, source, ("process_id",))
    o = _Sheet("outputs", outputs, OUTPUT_COLUMNS, log, source, ("process_id", "product_id", "amount"))
    n = _Sheet("inputs", inputs, INPUT_COLUMNS, log, source, ("process_id", "product_id", "amount"))
    a = _Sheet("activities", activities, {}, log, source, ("process_id",))
    pl = _Sheet("plants", plants, PLANT_COLUMNS, log, source, ("plant_id", "activities"))
    al = _Sheet("allocation", allocation, ALLOCATION_COLUMNS, log, source, ("plant_id", "key_value"))

    if p.frame.drop(columns=["row"]).empty or not len(p.frame):
        log.add(Problem("the model has no products", file=source, sheet="products",
                        accepted="one row per product: those made by the processes and those bought"))
    prod = _products(p)
    proc = _processes(r)
    outs = _outputs(o, prod, proc)
    ins = _inputs(n, prod, proc)
    acts = _activities(a, proc)
    plant_frame = _plants(pl)
    alloc = _allocation(al, plant_frame, proc, outs, prod)
    _cross_checks(p, r, prod, proc, outs)
    footprints = _supplier_files(p, prod, supplier_footprints or {}, base_dir)
    log.raise_if_errors(InputError, summary=f"{source}: the product model has errors")
    assert cfg is not None
    return ProductModel(
        settings=cfg,
        products=prod,
        processes=proc,
        outputs=outs,
        inputs=ins,
        activities=acts,
        plants=plant_frame,
        allocation=alloc,
        supplier_footprints=footprints,
        base_dir=Path(base_dir) if base_dir is not None else None,
        source=source,
        warnings=log.warnings,
    )


def _dqr(sheet: _Sheet) -> dict[str, pd.Series]:
    return {
        name: sheet.number(f"{name}_dqr", low=1, high=5, accepted="a data quality rating from 1 (best) to 5")
        for name in ("technological", "temporal", "geographical")
    }


def _duplicates(s: _Sheet, ids: pd.Series, column: str) -> None:
    for pos in np.flatnonzero(((ids != "") & ids.duplicated(keep=False)).to_numpy()):
        s.problem(int(pos), column, f"{column} {ids.iloc[pos]!r} appears more than once", value=ids.iloc[pos],
                  accepted="unique ids")


def _products(s: _Sheet) -> pd.DataFrame:
    from carbonledger.pact.units import DECLARED_UNITS_V3, PINT_UNIT

    pid = s.text("product_id")
    unit = s.text("unit")
    source = s.text("source").str.lower()
    name = s.text("name")
    ids = pid.to_numpy(dtype=object)
    for i in np.flatnonzero((pid == "").to_numpy()):
        s.problem(int(i), "product_id", "product_id is empty", accepted="a unique id")
    for i in np.flatnonzero((name == "").to_numpy()):
        s.problem(int(i), "name", "name is empty", accepted="the product's trade name", record_id=ids[i])
    for i in np.flatnonzero((unit == "").to_numpy()):
        s.problem(int(i), "unit", "unit is empty", accepted="piece, kg, t, kWh, tkm, USD …", record_id=ids[i])
    for u in unit[unit != ""].unique():
        first = int(np.flatnonzero((unit == u).to_numpy())[0])
        if not _unit_ok(s, first, "unit", str(u)):
            for i in np.flatnonzero((unit == u).to_numpy())[1:]:
                _unit_ok(s, int(i), "unit", str(u))
    for i in np.flatnonzero(~source.isin(SOURCES).to_numpy()):
        s.problem(int(i), "source", "unknown source", value=source.iloc[i],
                  accepted="process (made in the model), factor (secondary factor), supplier (PACT footprint) or "
                  "brightway (an activity of a Brightway database)",
                  record_id=ids[i])
    _duplicates(s, pid, "product_id")
    mass = s.number("mass_kg", low=0, low_open=True, accepted="kg per unit, > 0")
    price = s.number("price", low=0, accepted="price per unit ≥ 0")
    amount = s.number("declared_unit_amount", default=1.0, low=0, low_open=True, accepted="a number > 0")
    fcc = s.number("fossil_carbon_content", low=0, accepted="kg C per unit ≥ 0")
    bcc = s.number("biogenic_carbon_content", low=0, accepted="kg C per unit ≥ 0")
    exempt = s.number("exempted_emissions_percent", default=0.0, low=0, high=100, accepted="percent 0-100")
    dqr = _dqr(s)
    made = (source == "process").to_numpy()
    export = s.flag("export", True).to_numpy()
    blank_export = (s.text("export") == "").to_numpy()
    export = np.where(blank_export, made, export)
    frame = pd.DataFrame(
        {
            "product_id": pid,
            "name": name,
            "unit": unit,
            "source": source,
            "description": s.text("description"),
            "mass_kg": mass,
            "price": price,
            "currency": s.text("currency"),
            "declared_unit": s.text("declared_unit"),
            "declared_unit_amount": amount,
            "product_ids": s.text("product_ids").map(_split),
            "classifications": s.text("classifications").map(_split),
            "cpc": s.text("cpc"),
            "export": export.astype(bool),
            "geography": s.text("geography"),
            "fossil_carbon_content": fcc,
            "biogenic_carbon_content": bcc,
            "packaging": s.flag("packaging", False),
            "aircraft": s.flag("aircraft", False),
            "exempted_emissions_percent": exempt,
            "exempted_emissions_description": s.text("exempted_emissions_description"),
            "activity": s.text("activity"),
            "factor_id": s.text("factor_id"),
            "factor_set": s.text("factor_set"),
            "region": s.text("region").map(lambda x: canonical_region(x) if x else ""),
            "supplier_pcf": s.text("supplier_pcf"),
            "brightway_activity": s.text("brightway_activity"),
            "brightway_method": s.text("brightway_method"),
            "technological_dqr": dqr["technological"],
            "temporal_dqr": dqr["temporal"],
            "geographical_dqr": dqr["geographical"],
            "comment": s.text("comment"),
            "row": s.rows,
        }
    )
    ids = frame["product_id"].to_numpy(dtype=object)
    for column in ("product_ids", "classifications"):
        listed = frame[column].explode()
        listed = listed[listed.notna()]
        bad = listed[~listed.astype(str).str.match(_URN.pattern, case=False)]
        for label, urn in bad.items():
            pos = int(str(label))
            s.problem(pos, column, "not a URN", value=str(urn),
                      accepted="urn:<namespace>:<id>, e.g. urn:pact:example.com:product-id:BA-100",
                      record_id=ids[pos])
    no_key = (frame["source"] == "factor") & (frame["activity"] == "") & (frame["factor_id"] == "")
    for i in np.flatnonzero(no_key.to_numpy()):
        s.problem(int(i), "activity", "a product sourced from a factor needs an activity key or a factor_id",
                  accepted="e.g. material/steel_cans/primary, spend/naics/331110, freight/road/hgv/average",
                  record_id=ids[i])
    no_file = (frame["source"] == "supplier") & (frame["supplier_pcf"] == "")
    for i in np.flatnonzero(no_file.to_numpy()):
        s.problem(int(i), "supplier_pcf", "a product sourced from a supplier needs its PACT footprint file",
                  accepted="a JSON file path relative to the model, e.g. suppliers/caliper.json", record_id=ids[i])
    no_link = (frame["source"] == "brightway") & (frame["brightway_activity"] == "")
    for i in np.flatnonzero(no_link.to_numpy()):
        s.problem(int(i), "brightway_activity", "a product sourced from Brightway needs the activity it links to",
                  accepted="database|code (or database|name|location) of an activity in the model's "
                  "brightway_project", record_id=ids[i])
    regions = frame["region"]
    for reg in regions[regions != ""].unique():
        if not is_known_region(str(reg)):
            for i in np.flatnonzero((regions == reg).to_numpy()):
                s.problem(int(i), "region", "unknown region", value=str(reg),
                          accepted="an ISO 3166 code, e.g. CN, CN-CQ, GB", record_id=ids[i])
    declared = frame["declared_unit"]
    pairs = frame.loc[declared != "", ["unit", "declared_unit"]].drop_duplicates()
    for u, d in pairs.itertuples(index=False):
        rows_ = np.flatnonzero(((frame["unit"] == u) & (declared == d)).to_numpy())
        if d not in DECLARED_UNITS_V3:
            message, accepted = "not a PACT declared unit", ", ".join(DECLARED_UNITS_V3)
        elif u and d in PINT_UNIT and _dim_or_none(str(u)) not in (None, _dim_or_none(PINT_UNIT[str(d)])):
            message = f"declared unit {d!r} does not measure the same thing as the product's unit {u!r}"
            accepted = "a declared unit of the same dimension"
        else:
            continue
        for i in rows_:
            s.problem(int(i), "declared_unit", message, value=str(d), accepted=accepted, record_id=ids[i])
    return frame


def _processes(s: _Sheet) -> pd.DataFrame:
    pid = s.text("process_id")
    stage = s.text("stage").str.lower().replace("", "production")
    allocation = s.text("allocation").str.lower().replace("", "none")
    region = s.text("region").map(lambda x: canonical_region(x) if x else "")
    quantity = s.text("allocation_quantity")
    ids = pid.to_numpy(dtype=object)
    for i in np.flatnonzero((pid == "").to_numpy()):
        s.problem(int(i), "process_id", "process_id is empty", accepted="a unique id")
    for i in np.flatnonzero(~stage.isin(STAGES).to_numpy()):
        s.problem(int(i), "stage", "unknown life-cycle stage", value=stage.iloc[i], accepted=", ".join(STAGES),
                  record_id=ids[i])
    for i in np.flatnonzero(~allocation.isin(ALLOCATION_METHODS).to_numpy()):
        s.problem(int(i), "allocation", "unknown allocation method", value=allocation.iloc[i],
                  accepted=", ".join(ALLOCATION_METHODS), record_id=ids[i])
    for reg in region[region != ""].unique():
        if not is_known_region(str(reg)):
            for i in np.flatnonzero((region == reg).to_numpy()):
                s.problem(int(i), "region", "unknown region", value=str(reg), accepted="an ISO 3166 code, e.g. CN-CQ",
                          record_id=ids[i])
    for i in np.flatnonzero(((allocation == "physical") & (quantity == "")).to_numpy()):
        s.problem(int(i), "allocation_quantity", "physical allocation needs the name of the quantity",
                  accepted="e.g. energy content, volume, surface", record_id=ids[i])
    _duplicates(s, pid, "process_id")
    dqr = _dqr(s)
    return pd.DataFrame(
        {
            "process_id": pid,
            "name": s.text("name"),
            "stage": stage,
            "region": region,
            "allocation": allocation,
            "allocation_quantity": quantity,
            "primary_data": s.flag("primary_data", True),
            "technological_dqr": dqr["technological"],
            "temporal_dqr": dqr["temporal"],
            "geographical_dqr": dqr["geographical"],
            "description": s.text("description"),
            "row": s.rows,
        }
    )


def _known(s: _Sheet, column: str, values: pd.Series, known: set[str], what: str, sheet_name: str,
           *, optional: bool = False) -> npt.NDArray[np.bool_]:
    """Rows whose ``column`` names a known id (vectorised; every bad row reported)."""
    empty = (values == "").to_numpy()
    unknown = ~values.isin(list(known)).to_numpy() & ~empty
    listed = ", ".join(sorted(known)[:8]) + (" …" if len(known) > 8 else "")
    for i in np.flatnonzero(unknown):
        s.problem(int(i), column, f"unknown {what} {values.iloc[i]!r}", value=values.iloc[i],
                  accepted=f"a {what} id from sheet '{sheet_name}'" + (f" ({listed})" if known else ""))
    if not optional:
        for i in np.flatnonzero(empty):
            s.problem(int(i), column, f"{column} is empty", accepted=f"a {what} id from sheet '{sheet_name}'")
    return ~unknown & ~empty


def _converted(s: _Sheet, ok: npt.NDArray[np.bool_], amounts: pd.Series, units: pd.Series, products: pd.Series,
               product_units: Mapping[str, str], what: str, column: str = "unit") -> npt.NDArray[np.float64]:
    """``amounts`` [units] in each product's unit, one pint multiplier per distinct (unit, product
    unit) pair; a unit of another dimension is an error naming the row."""
    out = np.full(len(amounts), np.nan)
    target = products.map(lambda p: product_units.get(p, "")).astype(object)
    source = units.where(units != "", target).astype(object)
    pairs = pd.MultiIndex.from_arrays([source, target])
    codes, uniques = pd.factorize(pairs)
    factor = np.full(len(uniques), np.nan)
    message: dict[int, tuple[str, str]] = {}
    for k, (u, t) in enumerate(uniques):
        if not ok[codes == k].any():
            continue
        if u == t:
            factor[k] = 1.0
            continue
        try:
            parse_unit(str(u))
        except UnitError as exc:
            message[k] = (exc.problems[0].message, exc.problems[0].accepted or "a unit such as piece, kg, t, kWh")
            continue
        try:
            factor[k] = multiplier(str(u), str(t))
        except UnitError:
            try:
                have, want = dimension_key(str(u)), dimension_key(str(t))
            except UnitError as exc:
                message[k] = (exc.problems[0].message, "a unit of the product's dimension")
                continue
            message[k] = (f"{what} of {{product}} is in {str(u)!r} ({have}) but the product is measured in "
                          f"{str(t)!r} ({want})", f"a unit convertible to {str(t)!r} (or change the product's unit)")
    values = amounts.to_numpy(dtype=float)
    good = ok & ~np.isnan(factor[codes])
    out[good] = values[good] * factor[codes][good]
    for i in np.flatnonzero(ok & np.isin(codes, list(message))):
        text, accepted = message[int(codes[i])]
        s.problem(int(i), column, text.replace("{product}", repr(products.iloc[i])), value=units.iloc[i] or None,
                  accepted=accepted)
    return out


def _outputs(s: _Sheet, products: pd.DataFrame, processes: pd.DataFrame) -> pd.DataFrame:
    units = dict(zip(products["product_id"], products["unit"], strict=True))
    amount = s.number("amount", low=0, low_open=True, accepted="the amount made per run, > 0")
    value = s.number("allocation_value", low=0, accepted="a number ≥ 0")
    price = s.number("price", low=0, accepted="price per unit ≥ 0")
    proc, prod, unit = s.text("process_id"), s.text("product_id"), s.text("unit")
    ok = _known(s, "process_id", proc, set(processes["process_id"]), "process", "processes")
    ok &= _known(s, "product_id", prod, set(products["product_id"]), "product", "products")
    ok &= ~np.isnan(amount.to_numpy())
    converted = _converted(s, ok, amount, unit, prod, units, "the output")
    dup = (proc + "\x00" + prod).duplicated(keep=False).to_numpy()
    for pos in np.flatnonzero(dup):
        s.problem(int(pos), "product_id", f"process {proc.iloc[pos]!r} lists output {prod.iloc[pos]!r} twice",
                  accepted="one row per (process, product)")
    return pd.DataFrame({"process_id": proc, "product_id": prod, "amount": converted, "amount_input": amount,
                         "unit": unit, "allocation_value": value, "price": price, "row": s.rows})


def _inputs(s: _Sheet, products: pd.DataFrame, processes: pd.DataFrame) -> pd.DataFrame:
    known_products = set(products["product_id"])
    units = dict(zip(products["product_id"], products["unit"], strict=True))
    amount = s.number("amount", low=0, accepted="the net amount per run, ≥ 0")
    yields = s.number("yield", default=1.0, low=0, high=1, low_open=True,
                      accepted="a fraction 0 < yield ≤ 1 (e.g. 0.92 when 8 % of the input becomes scrap)")
    recycled = s.number("recycled_content", default=0.0, low=0, high=1, accepted="a fraction from 0 to 1")
    proc, prod, unit, rec = s.text("process_id"), s.text("product_id"), s.text("unit"), s.text("recycled_product")
    ok = _known(s, "process_id", proc, set(processes["process_id"]), "process", "processes")
    ok &= _known(s, "product_id", prod, known_products, "product", "products")
    rec_ok = _known(s, "recycled_product", rec, known_products, "product", "products", optional=True)
    ok &= ~np.isnan(amount.to_numpy())
    converted = _converted(s, ok, amount, unit, prod, units, "the input")
    if (rec != "").any():
        dims = {p: _dim_or_none(u) for p, u in units.items()}
        for i in np.flatnonzero(rec_ok & ok):
            a, b = dims.get(rec.iloc[i]), dims.get(prod.iloc[i])
            if a is not None and b is not None and a != b:
                s.problem(int(i), "recycled_product", f"recycled product {rec.iloc[i]!r} is measured in "
                          f"{units[rec.iloc[i]]!r}, the input in {units[prod.iloc[i]]!r}",
                          accepted="a recycled product measured like the input")
    return pd.DataFrame({"process_id": proc, "product_id": prod, "amount": converted, "amount_input": amount,
                         "unit": unit, "yield": yields, "recycled_content": recycled, "recycled_product": rec,
                         "description": s.text("description"), "row": s.rows})


def _one_conversion(s: _Sheet, i: int, amount: float, unit: str, product_unit: str, product: str) -> float:
    if not unit or unit == product_unit:
        return amount
    try:
        return amount * multiplier(unit, product_unit)
    except UnitError:
        s.problem(i, "period_output_unit", f"the period output of {product!r} is in {unit!r} but the product is "
                  f"measured in {product_unit!r}", value=unit, accepted=f"a unit convertible to {product_unit!r}")
        return math.nan


def _dim_or_none(unit: str) -> str | None:
    try:
        return dimension_key(unit)
    except UnitError:
        return None


def _activities(s: _Sheet, processes: pd.DataFrame) -> pd.DataFrame:
    frame = s.frame.copy()
    if frame.empty:
        return frame
    proc = s.text("process_id")
    _known(s, "process_id", proc, set(processes["process_id"]), "process", "processes")
    frame["process_id"] = proc.to_numpy()
    return frame


def _plants(s: _Sheet) -> pd.DataFrame:
    pid = s.text("plant_id")
    files = s.text("activities")
    for i in range(len(pid)):
        if not pid.iloc[i]:
            s.problem(i, "plant_id", "plant_id is empty", accepted="a unique id")
        if not files.iloc[i]:
            s.problem(i, "activities", "the plant needs its activity file", accepted="a CSV or XLSX path",
                      record_id=pid.iloc[i])
    _duplicates(s, pid, "plant_id")
    year = s.number("year", accepted="a year such as 2025")
    scopes = s.text("scopes").map(lambda x: _split(x) or ("1", "2"))
    for i, sc in enumerate(scopes):
        for x in sc:
            if x not in ("1", "2"):
                s.problem(i, "scopes", "only Scope 1 and 2 of a plant are allocated to products", value=x,
                          accepted="1, 2 or 1|2 (Scope 3 reaches products through their bills of materials)")
    return pd.DataFrame({"plant_id": pid, "activities": files, "instruments": s.text("instruments"),
                         "entity": s.text("entity"), "year": year, "region": s.text("region"),
                         "key": s.text("key"), "scopes": scopes, "row": s.rows})


def _allocation(s: _Sheet, plants: pd.DataFrame, processes: pd.DataFrame, outputs: pd.DataFrame,
                products: pd.DataFrame) -> pd.DataFrame:
    known_plants = set(plants["plant_id"])
    known_processes = set(processes["process_id"])
    key = s.number("key_value", low=0, accepted="the allocation key of this process, ≥ 0")
    out = s.number("period_output", low=0, low_open=True, accepted="the amount made in the period, > 0")
    plant, proc, unit, prod = (s.text("plant_id"), s.text("process_id"), s.text("period_output_unit"),
                               s.text("period_output_product"))
    units = dict(zip(products["product_id"], products["unit"], strict=True))
    runs = np.full(len(key), np.nan)
    out_product = []
    _known(s, "plant_id", plant, known_plants, "plant", "plants")
    proc_ok = _known(s, "process_id", proc, known_processes, "process", "processes", optional=True)
    for i in range(len(key)):
        product = prod.iloc[i]
        if proc_ok[i]:
            made = outputs[outputs["process_id"] == proc.iloc[i]]
            if made.empty:
                s.problem(i, "process_id", f"process {proc.iloc[i]!r} has no outputs",
                          accepted="a process with outputs")
            else:
                if not product:
                    product = str(made["product_id"].iloc[0])
                row = made[made["product_id"] == product]
                if row.empty:
                    s.problem(i, "period_output_product", f"{product!r} is not an output of {proc.iloc[i]!r}",
                              accepted=", ".join(made["product_id"]))
                elif math.isnan(out.iloc[i]):
                    s.problem(i, "period_output", "the process's output in the plant's period is needed to turn its "
                              "share into emissions per run", accepted="the amount made in the period")
                else:
                    amount = _one_conversion(s, i, float(out.iloc[i]), unit.iloc[i], units[product], product)
                    per_run = float(row["amount"].iloc[0])
                    runs[i] = amount / per_run if per_run > 0 else math.nan
        out_product.append(product)
    if len(key):
        totals = pd.Series(key.to_numpy()).groupby(plant.to_numpy()).sum()
        for p_id, total in totals.items():
            if total <= 0:
                first = int(np.flatnonzero(plant.to_numpy() == p_id)[0])
                s.problem(first, "key_value", f"the allocation keys of plant {p_id!r} sum to zero",
                          accepted="positive keys for at least one process")
    return pd.DataFrame({"plant_id": plant, "process_id": proc, "key_value": key, "period_output": out,
                         "period_output_unit": unit, "period_output_product": out_product, "runs": runs,
                         "row": s.rows})


def _cross_checks(p: _Sheet, r: _Sheet, products: pd.DataFrame, processes: pd.DataFrame,
                  outputs: pd.DataFrame) -> None:
    makers = outputs.groupby("product_id")["process_id"].agg(list)
    n_makers = products["product_id"].map(makers.map(len)).fillna(0).to_numpy(dtype=int)
    made = (products["source"] == "process").to_numpy()
    ids = products["product_id"].to_numpy(dtype=object)
    for j in np.flatnonzero(made & (n_makers == 0)):
        p.problem(int(j), "source", f"product {ids[j]!r} has source 'process' but no process makes it",
                  accepted="an output row in sheet 'outputs', or source factor/supplier", record_id=ids[j])
    for j in np.flatnonzero(made & (n_makers > 1)):
        p.problem(int(j), "product_id", f"product {ids[j]!r} is made by several processes "
                  f"({', '.join(makers[ids[j]])}); each product needs exactly one producing process",
                  accepted="one producing process per product (model a market mix as a process)", record_id=ids[j])
    for j in np.flatnonzero(~made & (n_makers > 0)):
        p.problem(int(j), "source", f"product {ids[j]!r} is bought ({products['source'].iloc[j]}) but process(es) "
                  f"{', '.join(makers[ids[j]])} make it", accepted="source 'process', or remove the output rows",
                  record_id=ids[j])
    n_outputs = processes["process_id"].map(outputs.groupby("process_id").size()).fillna(0).to_numpy(dtype=int)
    pids = processes["process_id"].to_numpy(dtype=object)
    for j in np.flatnonzero(n_outputs == 0):
        r.problem(int(j), "process_id", f"process {pids[j]!r} has no outputs",
                  accepted="at least one row in sheet 'outputs'", record_id=pids[j])
    for j in np.flatnonzero((n_outputs > 1) & (processes["allocation"] == "none").to_numpy()):
        r.problem(int(j), "allocation", f"process {pids[j]!r} has {n_outputs[j]} outputs and no allocation method",
                  accepted="mass, economic or physical", record_id=pids[j])


def _supplier_files(s: _Sheet, products: pd.DataFrame, given: Mapping[str, Any], base_dir: str | Path | None
                    ) -> dict[str, Any]:
    import json

    out: dict[str, Any] = {}
    pick = np.flatnonzero(((products["source"] == "supplier") & (products["supplier_pcf"] != "")).to_numpy())
    for j, row in zip(pick, _records(products.iloc[pick]), strict=True):
        ref = row["supplier_pcf"]
        if ref in out:
            continue
        if ref in given:
            out[ref] = given[ref]
            continue
        path = Path(ref)
        if not path.is_absolute() and base_dir is not None:
            path = Path(base_dir) / path
        try:
            out[ref] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            s.problem(int(j), "supplier_pcf", f"cannot read the supplier footprint: {type(exc).__name__}: {exc}",
                      value=ref, accepted="a PACT ProductFootprint JSON file (v2.x or v3.0) relative to the model",
                      record_id=row["product_id"])
    return out


def now_utc() -> datetime:
    """The current time in UTC (seconds), or ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(UTC).replace(microsecond=0)
