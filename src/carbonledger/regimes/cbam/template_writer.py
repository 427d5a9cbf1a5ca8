"""Fill the Commission's communication template (v2.x) from a carbonledger installation.

The operator supplies a copy of the template (the Commission publishes it; carbonledger
does not ship it). Every INPUT cell the reader uses (see :mod:`.template_reader`) is
first cleared, then written from the installation model and its computed results
(DirEm* per process, activity levels, precursor flows, purchased precursors, products).
The template's own formulas are left untouched and Excel recalculates them on opening
(``fullCalcOnLoad``); the file carries no cached results, which carbonledger never needs.

Limits: openpyxl drops the template's conditional-formatting and data-validation
*extensions* when it saves (the drop-down lists keep working where they are plain data
validations); the Ex. rows of the template are left as they are.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pycountry

from carbonledger.errors import InputError, Problem
from carbonledger.regimes.cbam.see import InstallationResult
from carbonledger.regimes.cbam.template_reader import (
    MAX_PROCESSES,
    MAX_PURCHASED,
    PROCESS_BLOCK,
    PROCESS_BLOCK_START,
    PRODUCT_ROWS,
    PURCHASED_BLOCK,
    PURCHASED_BLOCK_START,
    QUALIFYING_COLUMNS,
    detect_version,
    english_label,
)
from carbonledger.reports.xlsx import save_deterministic

__all__ = ["fill_template"]

_METHOD_LABEL = {"combustion": "Combustion", "process": "Process emissions", "mass_balance": "Mass Balance"}
_PFC_LABEL = {"slope": "Slope method", "overvoltage": "Overvoltage method"}


def _country_name(workbook: Any, code: str) -> str:
    """The template's own (English) country name for an ISO code: c_CodeLists F holds the
    codes, G the names as references to the sheet Translations (column C = English)."""
    sheet = workbook["c_CodeLists"]
    for row in range(11, 278):
        if sheet[f"F{row}"].value == code:
            return english_label(workbook, sheet[f"G{row}"].value)
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country else code


def _clear(sheet: Any, cells: list[str]) -> None:
    for ref in cells:
        sheet[ref].value = None


def _set(sheet: Any, ref: str, value: Any) -> None:
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        cell = sheet[ref]
        cell.value = value
        cell.data_type = "s"
        return
    sheet[ref].value = value


def fill_template(result: InstallationResult, template: str | Path, out: str | Path) -> Path:
    """Write ``result``'s installation into a copy of ``template`` saved at ``out``."""
    template, out = Path(template), Path(out)
    inst = result.installation
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(template)
    detect_version(workbook, template)
    problems = []
    if len(inst.processes) > MAX_PROCESSES:
        problems.append(
            Problem(f"the template holds {MAX_PROCESSES} production processes", field="processes")
        )
    if len(inst.purchased_precursors) > MAX_PURCHASED:
        problems.append(
            Problem(f"the template holds {MAX_PURCHASED} purchased precursors", field="purchased")
        )
    if len(inst.source_streams) > 75 or len(inst.pfc_sources) > 10 or len(inst.measured_sources) > 10:
        problems.append(Problem("the template holds 75 source streams, 10 PFC and 10 measured sources"))
    if len(inst.products) > len(PRODUCT_ROWS):
        problems.append(Problem(f"the template holds {len(PRODUCT_ROWS)} products", field="products"))
    if problems:
        raise InputError(problems, summary="the installation does not fit the template")
    a, b, c, d, e, sp = (
        workbook["A_InstData"],
        workbook["B_EmInst"],
        workbook["C_Emissions&Energy"],
        workbook["D_Processes"],
        workbook["E_PurchPrec"],
        workbook["Summary_Products"],
    )
    # --- A_InstData
    _clear(a, ["I9", "L9", *[f"I{r}" for r in range(19, 33)]])
    _clear(a, [f"{col}{r}" for r in range(62, 72) for col in "EIJKLMN"])
    _clear(a, [f"{col}{r}" for r in range(83, 93) for col in "EFGHIJKL"])
    _clear(a, [f"{col}{r}" for r in range(102, 122) for col in "EFGHIJKL"])
    _set(a, "I9", inst.period_start)
    _set(a, "L9", inst.period_end)
    for ref, value in (
        ("I20", inst.name),
        ("I21", inst.street),
        ("I22", inst.economic_activity),
        ("I23", inst.postcode),
        ("I25", inst.city),
        ("I26", _country_name(workbook, inst.country)),
        ("I27", inst.unlocode),
        ("I28", inst.latitude),
        ("I29", inst.longitude),
    ):
        _set(a, ref, value or None)
    categories: dict[str, list[str]] = {}
    for process in inst.processes:
        categories.setdefault(process.category, list(process.routes))
        for included in process.included_categories:
            categories.setdefault(included, [])
    for purchased in inst.purchased_precursors:
        categories.setdefault(purchased.category, list(purchased.routes))
    for offset, (category, routes) in enumerate(list(categories.items())[:10]):
        _set(a, f"E{62 + offset}", category)
        for j, route in enumerate(routes[:6]):
            _set(a, f"{'IJKLMN'[j]}{62 + offset}", route)
    for offset, process in enumerate(inst.processes):
        row = 83 + offset
        _set(a, f"E{row}", process.category)
        for j, included in enumerate(process.included_categories[:6]):
            _set(a, f"{'FGHIJK'[j]}{row}", included)
        _set(a, f"L{row}", process.name or process.id)
    for offset, purchased in enumerate(inst.purchased_precursors):
        row = 102 + offset
        _set(a, f"E{row}", purchased.category)
        _set(a, f"F{row}", purchased.country)
        for j, route in enumerate(purchased.routes[:5]):
            _set(a, f"{'GHIJK'[j]}{row}", route)
        _set(a, f"L{row}", purchased.name or purchased.id)
    # --- B_EmInst
    stream_cols = "DEFGHJKLNPRT"
    _clear(b, [f"{col}{r}" for r in range(17, 92) for col in stream_cols])
    for offset, stream in enumerate(inst.source_streams):
        row = 17 + offset
        per = "1000Nm3" if "nm3" in stream.activity_unit.replace(" ", "").lower() else "t"
        _set(b, f"D{row}", _METHOD_LABEL[stream.method])
        _set(b, f"E{row}", stream.name)
        _set(b, f"F{row}", stream.activity_data)
        _set(b, f"G{row}", per)
        _set(b, f"H{row}", stream.ncv)
        _set(b, f"J{row}", stream.emission_factor)
        ef_unit = stream.ef_unit.replace(" ", "")
        _set(b, f"K{row}", ef_unit if stream.emission_factor is not None else None)
        _set(b, f"L{row}", stream.carbon_content)
        _set(b, f"N{row}", stream.oxidation_factor * 100 if stream.method == "combustion" else None)
        _set(b, f"P{row}", stream.conversion_factor * 100 if stream.method == "process" else None)
        _set(b, f"R{row}", stream.biomass_fraction * 100)
    pfc_cols = ["D", "E", "F", "AG", "AH", "AI", "AJ", "AK", "AL", "AM", "AT"]
    _clear(b, [f"{col}{r}" for r in range(98, 108) for col in pfc_cols])
    for offset, pfc in enumerate(inst.pfc_sources):
        row = 98 + offset
        pfc_values: list[Any] = [
            _PFC_LABEL[pfc.method],
            pfc.technology or pfc.name,
            pfc.aluminium_produced_t,
            pfc.anode_effect_frequency,
            pfc.anode_effect_duration_min,
            pfc.sef_cf4,
            pfc.aeo_mv,
            pfc.current_efficiency,
            pfc.ovc,
            pfc.f_c2f6,
            pfc.collection_efficiency,
        ]
        for col, value in zip(pfc_cols, pfc_values, strict=True):
            _set(b, f"{col}{row}", value)
    _clear(b, [f"{col}{r}" for r in range(113, 123) for col in "DERVXZ"])
    for offset, cems in enumerate(inst.measured_sources):
        row = 113 + offset
        for col, cems_value in zip(
            "DERVXZ",
            (
                cems.name,
                cems.gas,
                cems.biomass_fraction * 100,
                cems.concentration_g_per_nm3,
                cems.hours,
                cems.flue_gas_flow_knm3_per_h,
            ),
            strict=True,
        ):
            _set(b, f"{col}{row}", cems_value)
    # --- C_Emissions&Energy: manual entries
    _clear(c, ["H26", "I26", "J26", "K26", "L26", "M26"])
    _set(c, "M26", inst.total_indirect_emissions_t)
    _set(c, "H40", inst.data_quality or None)
    _set(c, "H42", inst.quality_assurance or None)
    # --- D_Processes
    results = {p.id: p for p in result.processes}
    index_of = {p.id: i + 1 for i, p in enumerate(inst.processes)}
    purchased_index = {p.id: i + 1 for i, p in enumerate(inst.purchased_precursors)}
    for k in range(MAX_PROCESSES):
        base = PROCESS_BLOCK_START + PROCESS_BLOCK * k
        cells = [f"L{base + i}" for i in range(5, 13)] + [f"L{base + 16}"]
        cells += [f"L{base + 20 + j}" for j in range(1, 10)] + [f"L{base + 30}"]
        cells += [f"L{base + 43}", f"L{base + 46}", f"M{base + 46}", f"L{base + 47}", f"M{base + 47}"]
        cells += [f"L{base + 50}", f"M{base + 50}", f"L{base + 51}", f"M{base + 51}"]
        cells += [f"L{base + 54}", f"L{base + 55}", f"L{base + 56}", f"L{base + 60}", f"L{base + 61}"]
        cells += [f"K{base + 39}", f"L{base + 39}"]
        _clear(d, cells)
    for process in inst.processes:
        k = index_of[process.id]
        base = PROCESS_BLOCK_START + PROCESS_BLOCK * (k - 1)
        computed = results.get(process.id)
        _set(d, f"L{base + 5}", process.activity_level_t)
        _set(d, f"L{base + 16}", process.produced_for_market_t)
        _set(d, f"K{base + 39}", process.heat_imported_tj > 0 or process.heat_exported_tj > 0)
        _set(d, f"L{base + 39}", process.waste_gas_imported_tj > 0 or process.waste_gas_exported_tj > 0)
        _set(d, f"L{base + 43}", computed.dir_em_star_t if computed else process.direct_emissions_t)
        _set(d, f"L{base + 46}", process.heat_imported_tj or None)
        _set(d, f"M{base + 46}", process.heat_exported_tj or None)
        _set(d, f"L{base + 47}", process.heat_imported_ef)
        _set(d, f"M{base + 47}", process.heat_exported_ef)
        _set(d, f"L{base + 50}", process.waste_gas_imported_tj or None)
        _set(d, f"M{base + 50}", process.waste_gas_exported_tj or None)
        _set(d, f"L{base + 54}", process.electricity_consumed_mwh)
        _set(d, f"L{base + 55}", process.electricity_ef)
        _set(d, f"L{base + 56}", process.electricity_ef_source or None)
        _set(d, f"L{base + 60}", process.electricity_exported_mwh)
        _set(d, f"L{base + 61}", process.electricity_exported_ef)
    for consumer in inst.processes:
        for use in consumer.precursors:
            if use.source in index_of:
                supplier_k = index_of[use.source]
                consumer_k = index_of[consumer.id]
                j = consumer_k if consumer_k < supplier_k else consumer_k - 1
                base = PROCESS_BLOCK_START + PROCESS_BLOCK * (supplier_k - 1)
                ref = f"L{base + 20 + j}"
                _set(d, ref, (d[ref].value or 0) + use.amount_t)
    # --- E_PurchPrec
    for k in range(MAX_PURCHASED):
        base = PURCHASED_BLOCK_START + PURCHASED_BLOCK * k
        cells = [f"L{base + i}" for i in range(3, 11)] + [f"L{base + 13 + j}" for j in range(1, 11)]
        cells += [f"L{base + 24}", f"L{base + 35}", f"M{base + 35}", f"L{base + 36}", f"M{base + 36}"]
        cells += [f"L{base + 37}", f"M{base + 37}"]
        _clear(e, cells)
    purchased_values = {v.id: v for v in result.purchased}
    for purchased in inst.purchased_precursors:
        k = purchased_index[purchased.id]
        base = PURCHASED_BLOCK_START + PURCHASED_BLOCK * (k - 1)
        used = 0.0
        for consumer in inst.processes:
            for use in consumer.precursors:
                if use.source == purchased.id:
                    ref = f"L{base + 13 + index_of[consumer.id]}"
                    _set(e, ref, (e[ref].value or 0) + use.amount_t)
                    used += use.amount_t
        _set(e, f"L{base + 3}", purchased.purchased_t if purchased.purchased_t is not None else used)
        _set(e, f"L{base + 24}", (purchased.purchased_t or used) - used)
        computed_value = purchased_values.get(purchased.id)
        see_direct = computed_value.see_direct if computed_value else purchased.see_direct
        see_indirect = computed_value.see_indirect if computed_value else purchased.see_indirect
        source = (
            "Default"
            if purchased.value_source == "default"
            else ("Unknown" if purchased.value_source == "unknown" else "Measured")
        )
        _set(e, f"L{base + 35}", see_direct)
        _set(e, f"M{base + 35}", source)
        # SEE (indirect) = specific electricity × EF in the template; write 1 MWh/t × SEE_ind
        if purchased.specific_electricity_mwh_per_t is not None and purchased.electricity_ef is not None:
            _set(e, f"L{base + 36}", purchased.specific_electricity_mwh_per_t)
            _set(e, f"L{base + 37}", purchased.electricity_ef)
        else:
            _set(e, f"L{base + 36}", 1.0 if see_indirect else 0.0)
            _set(e, f"L{base + 37}", see_indirect or 0.0)
        _set(e, f"M{base + 36}", source)
        _set(e, f"M{base + 37}", source)
    # --- Summary_Products (input columns)
    product_cols = ["D", "F", "H", *QUALIFYING_COLUMNS]
    _clear(sp, [f"{col}{r}" for r in PRODUCT_ROWS for col in product_cols])
    names = {p.id: p.name or p.id for p in inst.processes}
    label_to_col = {label: col for col, label in QUALIFYING_COLUMNS.items()}
    for offset, product in enumerate(inst.products):
        row = PRODUCT_ROWS.start + offset
        _set(sp, f"D{row}", names[product.process])
        _set(sp, f"F{row}", product.cn_code)
        _set(sp, f"H{row}", product.name or None)
        for label, value in product.qualifying_parameters.items():
            if label in label_to_col:
                _set(sp, f"{label_to_col[label]}{row}", value)
        if product.clinker_factor is not None:
            _set(sp, f"AB{row}", product.clinker_factor)
        if product.nitrogen_content is not None:
            _set(sp, f"AG{row}", product.nitrogen_content * 100)
    workbook.calculation.fullCalcOnLoad = True
    return save_deterministic(workbook, out)
