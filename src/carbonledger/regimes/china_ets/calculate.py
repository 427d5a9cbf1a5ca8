"""Compute a facility-year under China's national ETS, thinly on the inventory engine.

read (template or activity table) → sector rules (:mod:`.prepare`) → ``run_inventory`` with the
sector's factor sets and GWP → ETS lines (source type, month, compliance boundary) → totals,
output and intensity → allowance position.

The engine does the arithmetic of every record (carbon-content method
``E = FC × NCV × CC × OF × 44/12``, factor method, mass balance with f = 44/12); this module
only configures the records, labels the lines and adds the sector logic. Only the few
formulas the engine has no method for (cement raw-material deductions, steel carbon factors
per t of product) are computed in :mod:`.prepare` as lines of their own, with lineage.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from carbonledger.errors import InputError, Problem
from carbonledger.factors.store import FactorStore, default_store
from carbonledger.inventory.engine import run_inventory
from carbonledger.io.tables import RawTable
from carbonledger.regimes.china_ets.allowance import allowance_position
from carbonledger.regimes.china_ets.layout import SheetNames
from carbonledger.regimes.china_ets.parameters import EtsParameter, EtsParameters, read_override_file
from carbonledger.regimes.china_ets.prepare import (
    ENGINE_COLUMNS,
    ParamUse,
    Prepared,
    prepare_template,
)
from carbonledger.regimes.china_ets.prepare_activity import prepare_activity_table
from carbonledger.regimes.china_ets.reader import FacilityData, read_facility
from carbonledger.regimes.china_ets.result import ChinaEtsResult
from carbonledger.regimes.china_ets.sectors import SECTORS, SOURCE_TYPES, Sector
from carbonledger.regions import canonical_region, is_known_region

__all__ = ["LINE_COLUMNS", "PARAMETER_COLUMNS", "run_china_ets"]

LINE_COLUMNS = (
    "record_id",
    "sheet",
    "row",
    "month",
    "source_type",
    "label",
    "activity",
    "quantity",
    "unit",
    "gas",
    "mass_t",
    "tco2e",
    "in_compliance",
    "method",
    "factor_full_id",
    "factor_id",
    "factor_value",
    "factor_unit",
    "parameters",
    "lineage",
    "flags",
)
PARAMETER_COLUMNS = (
    "record_id",
    "sheet",
    "row",
    "month",
    "label",
    "parameter",
    "value",
    "unit",
    "origin",
    "source",
    "confidence",
    "flags",
    "measurement",
    "table_family",
)
_ENGINE_PARAMETER_NAMES = {"ncv": "NCV", "carbon_content": "CC", "oxidation_factor": "OF"}


def run_china_ets(
    facility: str | Path,
    *,
    sector: str,
    year: int,
    gwp: str | None = None,
    fuel_sets: Sequence[str] | None = None,
    parameter_file: str | Path | None = None,
    parameters: Iterable[EtsParameter] = (),
    cea_price: float | None = None,
    ccer_available: float | None = None,
    region: str | None = None,
    store: FactorStore | None = None,
) -> ChinaEtsResult:
    """Compute ``facility`` (template workbook or activity table) for ``sector`` and ``year``.

    Never raises for bad input rows: every problem is in ``result.problems`` (with file, sheet,
    row and field); rows with errors are not computed. Raises :class:`InputError` only when the
    sector is unknown or the parameter file itself is unusable.
    """
    if sector not in SECTORS:
        raise InputError(
            [Problem(f"unknown sector {sector!r}", field="sector", accepted=", ".join(SECTORS))],
            summary="unknown sector",
        )
    s = SECTORS[sector]
    store = store or default_store()
    data = read_facility(facility, sector)
    problems: list[Problem] = list(data.problems)
    overrides = list(data.parameter_rows) + (read_override_file(parameter_file) if parameter_file else [])
    overrides += list(parameters)
    params = EtsParameters.load(store=store, overrides=_last_wins(overrides))
    region_code, entity = _facility_checks(data, s, year, region, problems)
    if data.mode == "template":
        prepared = prepare_template(data, s, year, region_code, entity, params, store)
    else:
        prepared = prepare_activity_table(data, s, year, region_code, params)
    problems += prepared.problems
    gwp_set, gwp_note, gwp_param = _gwp_choice(s, gwp, params)
    sets = list(fuel_sets or s.fuel_sets) + [x for x in s.other_sets if x not in (fuel_sets or ())]
    lines, engine_problems, manifests, engine_params = _engine(prepared, data, sets, gwp_set, year, region_code,
                                                                store)
    problems += engine_problems
    lines = _label_lines(lines, s, params)
    parameter_table = _parameter_table(prepared.params + engine_params, store)
    production = prepared.production
    intensity = _intensity(s, lines, production)
    outputs = {
        p.key: math.fsum(production[p.key].fillna(0.0).to_numpy(dtype=float)) for p in s.products
    }
    price_note = ""
    if cea_price is None and data.allowance.get("cea_price") is not None:
        try:
            cea_price = float(str(data.allowance["cea_price"]).replace(",", ""))
            price_note = " ".join(
                str(data.allowance.get(k, "")) for k in ("cea_price_date", "cea_price_source")
            ).strip()
        except ValueError:
            problems.append(
                Problem("CEA price is not a number", file=data.source, sheet=data.allowance.get("_sheet"),
                        field="cea_price", value=str(data.allowance["cea_price"]), accepted="a number in CNY/t")
            )
    elif cea_price is not None:
        price_note = "given on the command line"
    if ccer_available is None and data.allowance.get("ccer_available") is not None:
        try:
            ccer_available = float(str(data.allowance["ccer_available"]).replace(",", ""))
        except ValueError:
            problems.append(
                Problem("CCER quantity is not a number", file=data.source, sheet=data.allowance.get("_sheet"),
                        field="ccer_available", value=str(data.allowance["ccer_available"]),
                        accepted="a number in t CO2e")
            )
    if cea_price is not None and cea_price < 0:
        problems.append(Problem("CEA price is negative", field="cea_price", accepted="a price >= 0 in CNY/t"))
        cea_price = None
    total = (
        math.fsum(lines.loc[lines["in_compliance"].astype(bool), "tco2e"].to_numpy(dtype=float)) if len(lines) else 0.0
    )
    allowance, allowance_problems = allowance_position(
        sector=s,
        year=year,
        verified_emissions=total,
        outputs=outputs,
        params=params,
        cea_price=cea_price,
        ccer_available=ccer_available,
        cea_price_note=price_note,
        where={"file": data.source, "sheet": SheetNames.PARAMETERS if data.mode == "template" else None},
    )
    problems += allowance_problems
    boundary = []
    for group in sorted({SOURCE_TYPES[t].group for t in lines["source_type"]} | {"fuel_combustion"}):
        if group == "memo":
            continue
        included, row = params.boundary(s.key, group)
        boundary.append(
            {"group": group, "in_compliance": included, "source": row.source if row else "not in the parameters",
             "citation": row.citation if row else "", "confidence": row.confidence if row else ""}
        )
    return ChinaEtsResult(
        sector=s,
        year=year,
        source=data.source,
        mode=data.mode,
        info=dict(data.info),
        region=region_code,
        lines=lines,
        parameters=parameter_table,
        production=production,
        intensity=intensity,
        allowance=allowance,
        problems=problems,
        gwp=gwp_set,
        gwp_note=gwp_note,
        gwp_parameter=gwp_param,
        factor_sets=sets,
        manifests=manifests,
        ets_parameters=params,
        boundary=boundary,
    )


def _last_wins(rows: list[EtsParameter]) -> list[EtsParameter]:
    out: dict[tuple[str, str], EtsParameter] = {}
    for row in rows:
        out[(row.parameter, row.key)] = row
    return list(out.values())


def _facility_checks(
    data: FacilityData, sector: Sector, year: int, region: str | None, problems: list[Problem]
) -> tuple[str, str]:
    info_sheet = SheetNames.INFO
    given_sector = str(data.info.get("sector", "")).strip().lower()
    aliases = {sector.key, sector.zh, sector.en.lower()}
    if given_sector and given_sector not in aliases and not any(a in given_sector for a in aliases):
        problems.append(
            Problem(
                f"the workbook is for sector {given_sector!r} but --sector is {sector.key}",
                file=data.source, sheet=info_sheet, row=data.info_rows.get("sector"), field="sector",
                accepted=f"{sector.key} ({sector.zh}), or run with the workbook's sector",
            )
        )
    given_year = data.info.get("year")
    if given_year not in (None, ""):
        try:
            if int(float(str(given_year))) != year:
                problems.append(
                    Problem(
                        f"the workbook is for {given_year} but --year is {year}",
                        file=data.source, sheet=info_sheet, row=data.info_rows.get("year"), field="year",
                        accepted=str(year),
                    )
                )
        except ValueError:
            problems.append(
                Problem("reporting year is not a number", file=data.source, sheet=info_sheet,
                        row=data.info_rows.get("year"), field="year", value=str(given_year), accepted="e.g. 2025")
            )
    code = (region or str(data.info.get("region", "")).strip() or "").strip()
    if not code:
        if data.mode == "template":
            problems.append(
                Problem(
                    "province is empty; China-wide (CN) factors are used",
                    file=data.source, sheet=info_sheet, row=data.info_rows.get("region"), field="region",
                    severity="warning", accepted="an ISO 3166-2 code such as CN-CQ",
                )
            )
        code = "CN"
    code = _province_code(code)
    if not is_known_region(code) or not canonical_region(code).startswith("CN"):
        problems.append(
            Problem(
                "region is not a Chinese province code",
                file=data.source, sheet=info_sheet if data.mode == "template" else None,
                row=data.info_rows.get("region"), field="region", value=code,
                accepted="CN or an ISO 3166-2 code such as CN-CQ (Chongqing), CN-SD (Shandong)",
            )
        )
        code = "CN"
    entity = str(data.info.get("facility_name") or Path(data.source).stem)
    return canonical_region(code), entity


def _province_code(text: str) -> str:
    """``重庆``, ``重庆市``, ``chongqing`` or ``CN-CQ`` → ``CN-CQ`` (names from cn_provinces.csv)."""
    import csv
    from importlib import resources

    cleaned = text.strip()
    path = resources.files("carbonledger.factors.importers") / "cn_provinces.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names = {row["key"], row["name_zh"], row["pycountry_name"].lower()}
            if cleaned.lower() in names or cleaned.startswith(row["name_zh"]):
                return row["iso_code"]
    return cleaned


def _gwp_choice(sector: Sector, gwp: str | None, params: EtsParameters) -> tuple[str, str, EtsParameter | None]:
    gases, _ = params.gases(sector.key)
    if gases == {"CO2"}:
        return (gwp or "AR5").upper(), "not applicable: the sector reports CO2 only", None
    row = params.get("pfc_gwp_set", sector.key)
    if gwp:
        return gwp.upper(), f"{gwp.upper()} chosen by the user; " + (
            f"the parameters' default is {row.value} ({row.confidence}: {row.citation})" if row else ""
        ), row
    if row is None:
        return "AR5", "AR5 (no pfc_gwp_set in the parameters)", None
    return row.value.upper(), f"{row.value} ({row.confidence}): {row.citation}", row


def _engine(
    prepared: Prepared,
    data: FacilityData,
    sets: list[str],
    gwp: str,
    year: int,
    region: str,
    store: FactorStore,
) -> tuple[pd.DataFrame, list[Problem], list[Any], list[ParamUse]]:
    records = prepared.records
    direct = prepared.direct
    meta = (
        records.set_index("record_id")[["sheet", "source_type", "month", "label"]]
        if len(records)
        else pd.DataFrame(columns=["sheet", "source_type", "month", "label"])
    )
    lines: list[pd.DataFrame] = []
    problems: list[Problem] = []
    manifests: list[Any] = []
    engine_params: list[ParamUse] = []
    if len(records):
        columns = [c for c in records.columns if c not in ("sheet", "source_type", "month", "label")]
        if data.mode == "template":
            columns = [c for c in ENGINE_COLUMNS if c in records.columns] + ["row"]
            columns = list(dict.fromkeys(columns))
        raw = RawTable(records[columns].reset_index(drop=True), data.source, sheet=None)
        result = run_inventory(raw, factor_sets=sets, gwp=gwp, year=year, default_region=region, store=store)
        manifests = result.manifests
        for p in result.problems:
            if p.code == "unknown_column":
                continue
            sheet = meta["sheet"].get(p.record_id) if p.record_id in meta.index else data.activity_sheet
            problems.append(replace(p, sheet=sheet or p.sheet))
        r = result.results
        r = r[r["scope_key"] != "2_market"]
        if len(r):
            m = meta.reindex(r["record_id"].astype(str))
            frame = pd.DataFrame(
                {
                    "record_id": r["record_id"].astype(str).to_numpy(),
                    "sheet": m["sheet"].fillna("").to_numpy(),
                    "row": r["row"].to_numpy(dtype=np.int64),
                    "month": m["month"].fillna(0).astype(int).to_numpy(),
                    "source_type": np.where(
                        r["gas"].astype(str).to_numpy() == "CO2_biogenic", "biogenic_co2", m["source_type"].to_numpy()
                    ),
                    "label": m["label"].fillna("").to_numpy(),
                    "activity": r["activity"].astype(str).to_numpy(),
                    "quantity": r["quantity"].to_numpy(dtype=float),
                    "unit": r["unit"].astype(str).to_numpy(),
                    "gas": r["gas"].astype(str).to_numpy(),
                    "mass_t": r["mass_kg"].to_numpy(dtype=float) / 1000.0,
                    "tco2e": r["tco2e"].to_numpy(dtype=float),
                    "method": r["method"].astype(str).to_numpy(),
                    "factor_full_id": r["factor_full_id"].astype(str).to_numpy(),
                    "factor_id": r["factor_id"].astype(str).to_numpy(),
                    "factor_value": r["factor_value"].to_numpy(dtype=float),
                    "factor_unit": r["factor_unit"].astype(str).to_numpy(),
                    "parameters": r["parameters"].astype(str).to_numpy(),
                    "lineage": r["lineage"].astype(str).to_numpy(),
                    "flags": r["flags"].astype(str).to_numpy(),
                }
            )
            frame = _relabel_injected(frame, prepared)
            engine_params = _engine_defaults(frame, records, prepared, store)
            lines.append(frame)
    if len(direct):
        d = direct.copy()
        d["mass_t"] = d["tco2e"]
        d["method"] = "ets:direct"
        lines.append(d[[c for c in LINE_COLUMNS if c in d.columns]])
    out = pd.concat(lines, ignore_index=True) if lines else pd.DataFrame(columns=list(LINE_COLUMNS))
    if "in_compliance" not in out.columns:
        out["in_compliance"] = False
    out = out[list(LINE_COLUMNS)]
    out["month"] = out["month"].fillna(0).astype(int)
    order = {key: i for i, key in enumerate(SOURCE_TYPES)}
    out = (
        out.assign(_order=out["source_type"].map(order))
        .sort_values(["_order", "label", "month", "row", "gas"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    return out, problems, manifests, engine_params


def _relabel_injected(frame: pd.DataFrame, prepared: Prepared) -> pd.DataFrame:
    """Values the ETS rules put on a record (coal default carbon content, default oxidation or
    conversion) reach the engine as if measured: name their real origin in the lineage and flags,
    and append the record's ETS inputs (sorbent mass, carbonate content, anode sulphur …)."""
    by_record: dict[str, list[ParamUse]] = {}
    for use in prepared.params:
        by_record.setdefault(use.record_id, []).append(use)
    params = frame["parameters"].to_numpy(dtype=object).copy()
    flags = frame["flags"].to_numpy(dtype=object).copy()
    lineage = frame["lineage"].to_numpy(dtype=object).copy()
    for i, rid in enumerate(frame["record_id"]):
        parts = [p for p in str(params[i]).split("; ") if p]
        extra: list[str] = []
        relabelled = False
        for j, part in enumerate(parts):
            name = part.split(" ", 1)[0]
            injected = prepared.injected.get((rid, name))
            if injected is None:
                continue
            for suffix in ("[measured]", "(measured)"):
                if part.endswith(suffix):
                    parts[j] = part[: -len(suffix)].rstrip() + f" [default: {injected.source} ({injected.confidence})]"
                    extra += [f for f in injected.flags.split("|") if f]
                    relabelled = True
        inputs = [
            u
            for u in by_record.get(rid, [])
            if u.parameter not in ("NCV", "CC", "OF", "EF") and not (u.parameter in ("FC", "Q") and u.origin == "measured")
        ]
        if inputs:
            parts.append("ETS inputs: " + ", ".join(u.text() for u in inputs))
            extra += [f for u in inputs for f in u.flags.split("|") if f]
        params[i] = "; ".join(parts)
        if relabelled:
            lineage[i] = str(lineage[i]).replace(
                "all parameters measured", "parameters measured or ETS defaults as labelled"
            )
        if extra:
            flags[i] = "|".join(dict.fromkeys([f for f in str(flags[i]).split("|") if f] + extra))
    frame = frame.copy()
    frame["parameters"] = params
    frame["flags"] = flags
    frame["lineage"] = lineage
    return frame


def _engine_defaults(
    frame: pd.DataFrame, records: pd.DataFrame, prepared: Prepared, store: FactorStore
) -> list[ParamUse]:
    """Defaults the engine resolved from factor sets (NCV/CC/OF of fuels, factors of process
    and purchased energy), as parameter rows with their set, id, confidence and flags."""
    measured = records.set_index("record_id")
    given = {(u.record_id, u.parameter) for u in prepared.params}
    cache: dict[str, pd.DataFrame] = {}
    out: list[ParamUse] = []
    seen: set[tuple[str, str]] = set()
    for line in frame.itertuples(index=False):
        rid = str(line.record_id)
        full_id = str(line.factor_full_id)
        if full_id in ("", "measured", "mass_balance", "inline", "nan") or rid not in measured.index:
            continue
        if full_id not in cache:
            try:
                cache[full_id] = store.load(full_id).factors
            except Exception:
                cache[full_id] = pd.DataFrame()
        table = cache[full_id]
        if table.empty:
            continue
        rows = table[table["factor_id"] == line.factor_id]
        rec = measured.loc[rid]
        if str(line.method).startswith("carbon_content"):
            wanted = [
                (param, name)
                for param, name in _ENGINE_PARAMETER_NAMES.items()
                if (rid, name) not in given and _is_empty(rec.get(param))
            ]
        else:
            wanted = [(p, "EF") for p in ("emission_factor", "carbonate_factor")]
        for param, name in wanted:
            hit = rows[rows["parameter"] == param]
            if param == "emission_factor" and "gas" in hit.columns and len(hit) > 1:
                hit = hit[hit["gas"] == line.gas]
            if hit.empty or (rid, f"{name}:{line.gas}") in seen:
                continue
            seen.add((rid, f"{name}:{line.gas}"))
            h = hit.iloc[0]
            out.append(
                ParamUse(
                    rid, str(line.sheet), int(cast(Any, line.row)), int(cast(Any, line.month)), str(line.label),
                    name if name != "EF" or len(rows[rows["parameter"] == param]) <= 1 else f"EF_{line.gas}",
                    float(h["value"]), str(h["unit"]), "default",
                    f"{full_id} factor {h['factor_id']} ({h['source_ref']})", str(h["confidence"]), str(h["flags"]),
                    "",
                )
            )
    return out


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return bool(np.isnan(value))
    return str(value).strip() == ""


def _label_lines(lines: pd.DataFrame, sector: Sector, params: EtsParameters) -> pd.DataFrame:
    gases, _ = params.gases(sector.key)
    included: dict[str, bool] = {}
    for source_type in set(lines["source_type"]):
        group = SOURCE_TYPES[source_type].group
        included[source_type] = group != "memo" and params.boundary(sector.key, group)[0]
    lines = lines.copy()
    lines["in_compliance"] = np.array(
        [included[t] and g in gases for t, g in zip(lines["source_type"], lines["gas"], strict=True)], dtype=bool
    )
    return lines


def _parameter_table(uses: list[ParamUse], store: FactorStore) -> pd.DataFrame:
    """Every parameter value used, with its table family (the title of the set it comes from)."""
    if not uses:
        return pd.DataFrame(columns=list(PARAMETER_COLUMNS))
    titles: dict[str, str] = {}
    for manifest in store.manifests():
        titles[manifest.full_id] = f"{manifest.title} [{manifest.confidence}]"
    rows = []
    for u in uses:
        row = {c: getattr(u, c) for c in PARAMETER_COLUMNS if c != "table_family"}
        if u.origin in ("measured", "computed"):
            family = "facility data 企业实测/计算"
        else:
            head = u.source.split(" ", 1)[0]
            if head not in titles:  # an ETS parameter: "name[key] cn-ets-parameters-2026-11 (…)"
                head = u.source.split(" ", 2)[1] if u.source.count(" ") >= 1 else head
            family = titles.get(head, "user input" if "user:" in u.source else "")
        row["table_family"] = family
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(PARAMETER_COLUMNS))
    return frame.sort_values(["sheet", "row", "parameter"], kind="stable").reset_index(drop=True)


def _intensity(sector: Sector, lines: pd.DataFrame, production: pd.DataFrame) -> dict[str, Any]:
    """Emission intensity per unit of output (t CO2 per MWh / GJ / t).

    Power: the compliance emissions of month m are split to heat by the month's heat-supply
    ratio α_m (user input; carbonledger has no sourced formula for it):
    ``E_heat = Σ_m α_m × E_m``, ``E_power = E − E_heat``; intensities ``E_power / supplied MWh``
    and ``E_heat / GJ supplied``. Other sectors: ``E / output`` of the sector's product.
    """
    c = lines[lines["in_compliance"].astype(bool)]
    total = math.fsum(c["tco2e"].to_numpy(dtype=float)) if len(c) else 0.0
    out: dict[str, Any] = {"emissions_tco2": total}
    if sector.key == "power":
        monthly = {m: math.fsum(c.loc[c["month"] == m, "tco2e"].to_numpy(dtype=float)) for m in range(0, 13)}
        ratio = production["heat_ratio"].fillna(0.0).to_numpy(dtype=float)
        annual_lines = monthly.get(0, 0.0)
        heat_share = math.fsum(ratio[m - 1] * monthly[m] for m in range(1, 13))
        supplied = math.fsum(production["electricity_supplied"].fillna(0.0).to_numpy(dtype=float))
        heat = math.fsum(production["heat_supplied"].fillna(0.0).to_numpy(dtype=float))
        generated = math.fsum(production["electricity_generated"].fillna(0.0).to_numpy(dtype=float))
        power_share = total - heat_share
        out.update(
            {
                "emissions_to_heat_tco2": heat_share,
                "emissions_to_power_tco2": power_share,
                "electricity_supplied_mwh": supplied,
                "heat_supplied_gj": heat,
                "electricity_generated_mwh": generated,
                "tco2_per_mwh_supplied": power_share / supplied if supplied > 0 else None,
                "tco2_per_gj_heat": heat_share / heat if heat > 0 else None,
                "tco2_per_mwh_generated": total / generated if generated > 0 else None,
                "formula": "E_heat = Σ_m α_m × E_m (α: heat-supply ratio, user input); E_power = E − E_heat; "
                "intensity = E_power / electricity supplied, E_heat / heat supplied",
            }
        )
        if annual_lines:
            out["note"] = "annual (non-monthly) lines are attributed to power"
        return out
    product = sector.product(sector.intensity_product)
    quantity = math.fsum(production[product.key].fillna(0.0).to_numpy(dtype=float))
    out.update(
        {
            "product": product.key,
            "output": quantity,
            "output_unit": product.unit,
            f"tco2_per_{product.unit}_{product.key}": total / quantity if quantity > 0 else None,
            "value": total / quantity if quantity > 0 else None,
            "unit": f"t CO2{'e' if sector.key == 'aluminium' else ''}/{product.unit} {product.en.lower()}",
            "formula": f"E / {product.en.lower()} output",
        }
    )
    return out
