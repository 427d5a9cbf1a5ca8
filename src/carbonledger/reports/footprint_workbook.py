"""The product-footprint workbook (openpyxl).

Sheets, in order:

``Summary``
    the model (company, reference period, GWP set, factor sets, Scope 2 method, solve residual)
    and one row per product: PCF excluding and including biogenic uptake, the PACT terms,
    aircraft and packaging emissions, primary data share, DQRs and their coverage, carbon
    contents; a chart of the PCF by life-cycle stage.
``By stage`` / ``By gas``
    each product's PCF split by life-cycle stage and by gas group (each row adds up to the PCF).
``Hotspots``
    for every exported product: its first-tier contributions (each input × its footprint, and
    the process's direct emissions by source) and its whole-supply-chain contributions by
    process, each with a bar chart.
``Data quality``
    primary data share, DQRs and coverage per product, and the data quality of every
    process and purchased input that feeds them.
``Trace: inputs``
    every bill-of-materials row: amounts, yield, gross amount, recycled split, allocation factor,
    and the footprint source of the input (made in the model, the factor with set, edition and
    lineage, or the supplier footprint).
``Trace: emissions``
    every flow: process activity rows (factor, lineage), plant-inventory rows allocated to
    processes, factor rows of purchased inputs, supplier-footprint terms.
``Plant allocation`` / ``Allocation``
    plant rows shared among processes; allocation factors of multi-output processes.
``Sources``
    the factor sets cited (title, publisher, edition, licence) and the supplier footprints used.
``Problems``
    every warning.

Numbers are written unrounded (display formats only), so every table reconciles with the
result. Text that a spreadsheet could read as a formula is written as text; the same result
gives a byte-identical file (:mod:`carbonledger.reports.xlsx`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from carbonledger.footprint.model import STAGES
from carbonledger.footprint.result import STAGE_LABELS, FootprintResult
from carbonledger.footprint.sources import GAS_GROUPS
from carbonledger.pact.figures import PCF_TERMS
from carbonledger.reports.xlsx import save_deterministic, write_key_values, write_table

__all__ = ["write_footprint_workbook"]

KG = "#,##0.000"
SMALL = "0.000000"
PCT = "0.0"


def _title(ws: Worksheet, text: str, row: int = 1) -> int:
    ws.cell(row=row, column=1, value=text).font = Font(bold=True, size=14)
    return row + 2


def write_footprint_workbook(result: FootprintResult, path: str | Path) -> Path:
    """Write the workbook for ``result`` to ``path`` (deterministic)."""
    wb = Workbook()
    _summary(wb.active, result)
    _by(wb.create_sheet("By stage"), result, "stage")
    _by(wb.create_sheet("By gas"), result, "gas")
    _hotspots(wb.create_sheet("Hotspots"), result)
    _quality(wb.create_sheet("Data quality"), result)
    _trace_inputs(wb.create_sheet("Trace inputs"), result)
    _trace_emissions(wb.create_sheet("Trace emissions"), result)
    _plant(wb.create_sheet("Plant allocation"), result)
    _allocation(wb.create_sheet("Allocation"), result)
    _sources(wb.create_sheet("Sources"), result)
    _problems(wb.create_sheet("Problems"), result)
    return save_deterministic(wb, path)


def _summary(ws: Worksheet, result: FootprintResult) -> None:
    ws.title = "Summary"
    s = result.model.settings
    r = _title(ws, "Product carbon footprints")
    r = write_key_values(ws, [
        ("model", result.model.source),
        ("company", s.company_name),
        ("reference period", f"{s.reference_period_start} to {s.reference_period_end} (end exclusive)"),
        ("GWP set", s.gwp),
        ("factor sets (priority order)", " | ".join(s.factor_sets)),
        ("Scope 2 method for electricity in process activities", s.scope2_method),
        ("standards", " | ".join(s.cross_sectoral_standards)),
        ("units", "kg CO2e (carbon contents kg C) per ONE unit of each product, in the product's unit"),
        ("PCF convention", "pcfExcludingBiogenicUptake = fossil + land-use change + land-management biogenic CO2 "
                           "emissions and removals + technological removals + CCS + biogenic non-CO2; including "
                           "uptake = excluding + biogenic CO2 uptake (PACT v3.0.3); biogenic CO2 emissions are a memo"),
        ("solve", f"one solve of {result.system.n} columns × {len(result.system.indicators)} indicators; relative "
                  f"residual {result.residual:.3g}"),
    ], start_row=r)
    r += 1
    cols = ["product_id", "name", "unit", "source", "pcf_excluding_uptake", "pcf_including_uptake", *PCF_TERMS,
            "biogenic_co2_uptake", "aircraft_memo", "packaging", "biogenic_co2_memo", "primary_data_share",
            "technological_dqr", "temporal_dqr", "geographical_dqr", "dqr_coverage", "fossil_carbon_content",
            "biogenic_carbon_content", "ipcc_characterization_factors", "export"]
    frame = result.products[cols]
    fmt = {c: KG for c in cols if c not in ("product_id", "name", "unit", "source", "export",
                                            "ipcc_characterization_factors")}
    fmt.update({"primary_data_share": PCT, "dqr_coverage": PCT, "technological_dqr": "0.00", "temporal_dqr": "0.00",
                "geographical_dqr": "0.00", "fossil_carbon_content": SMALL, "biogenic_carbon_content": SMALL})
    start = r
    end = write_table(ws, frame, start_row=r, number_formats=fmt, freeze=False)
    ws.freeze_panes = ws.cell(row=start + 1, column=3)
    # chart: PCF by stage of the exported products (their rows on the By stage sheet)
    del end


def _by(ws: Worksheet, result: FootprintResult, kind: str) -> None:
    names = list(STAGES) if kind == "stage" else list(GAS_GROUPS)
    prefix = "stage:" if kind == "stage" else "gas:"
    p = result.products
    frame = pd.DataFrame({"product_id": p["product_id"], "unit": p["unit"]})
    used = [n for n in names if (p[f"{prefix}{n}"] != 0).any()]
    for n in used:
        frame[STAGE_LABELS.get(n, n) if kind == "stage" else n] = p[f"{prefix}{n}"].to_numpy()
    frame["total (PCF excluding uptake)"] = p["pcf_excluding_uptake"].to_numpy()
    r = _title(ws, f"PCF by {'life-cycle stage' if kind == 'stage' else 'gas'} (kg CO2e per unit)")
    if kind == "gas":
        r = write_key_values(ws, [("note", "CO2e (not split): factors and supplier footprints published as CO2e "
                                           "totals; F-gases: HFCs, PFCs, SF6, NF3 and blends; other gases: non-Kyoto "
                                           "gases (e.g. HCFCs), fossil in PACT v3")], start_row=r) + 1
    end = write_table(ws, frame, start_row=r, number_formats={c: KG for c in frame.columns[2:]}, freeze=False)
    if used and len(frame):
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = f"PCF by {kind} (kg CO2e per unit)"
        data = Reference(ws, min_col=3, max_col=2 + len(used), min_row=r, max_row=end - 1)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=r + 1, max_row=end - 1))
        chart.height, chart.width = max(7.0, 0.8 * len(frame) + 4), 20
        ws.add_chart(chart, f"A{end + 2}")


def _hotspots(ws: Worksheet, result: FootprintResult) -> None:
    r = _title(ws, "Hotspots: contributions per unit of each exported product (kg CO2e)")
    exported = result.exported_products()
    chain = result.process_contributions(exported)
    for product in exported:
        ws.cell(row=r, column=1, value=f"{product}: first-tier contributions (inputs × their footprints, and "
                                       "direct emissions)").font = Font(bold=True)
        r += 1
        top = result.top_inputs(product)
        start = r
        r = write_table(ws, top, start_row=r, number_formats={"kgco2e_per_unit": KG, "amount_per_unit": SMALL,
                                                             "share": "0.0%"}, freeze=False)
        if len(top):
            chart = BarChart()
            chart.type = "bar"
            chart.title = f"{product}: top contributions"
            chart.add_data(Reference(ws, min_col=6, min_row=start, max_row=min(r - 1, start + 10)),
                           titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=start + 1, max_row=min(r - 1, start + 10)))
            chart.height, chart.width = 7.5, 16
            chart.legend = None
            ws.add_chart(chart, f"J{start}")
        r = max(r, start + 16) + 1
        ws.cell(row=r, column=1, value=f"{product}: whole supply chain by process / purchased product").font = \
            Font(bold=True)
        r += 1
        part = chain[chain["product_id"] == product].drop(columns=["product_id"])
        r = write_table(ws, part, start_row=r, number_formats={"kgco2e_per_unit": KG, "share": "0.0%"},
                        freeze=False) + 2


def _quality(ws: Worksheet, result: FootprintResult) -> None:
    r = _title(ws, "Data quality")
    r = write_key_values(ws, [
        ("primary data share", "emissions-weighted share (by absolute kg CO2e over the whole supply chain) of data "
                               "from the company's own processes (primary_data = yes) plus each supplier footprint's "
                               "own primary data share; secondary factors count 0 % (PACT v3.0.3 primaryDataShare)"),
        ("DQR", "emissions-weighted average over the supply chain of the DQRs given for processes, secondary factors "
                "and supplier footprints (PACT v3 scale 1-5); coverage = share of the emissions that carry a DQR"),
    ], start_row=r) + 1
    p = result.products
    frame = p[["product_id", "pcf_excluding_uptake", "primary_data_share", "technological_dqr", "temporal_dqr",
               "geographical_dqr", "dqr_coverage", "ipcc_characterization_factors", "secondary_sets",
               "content_source"]]
    r = write_table(ws, frame, start_row=r, number_formats={"pcf_excluding_uptake": KG, "primary_data_share": PCT,
                                                            "dqr_coverage": PCT}, freeze=False) + 2
    ws.cell(row=r, column=1, value="Data quality of each source").font = Font(bold=True)
    r += 1
    flows = result.system.flows.table
    if flows.empty:
        return
    src = flows[flows["term"].isin(PCF_TERMS)].groupby(["owner", "owner_kind", "origin"], sort=True).agg(
        kgco2e=("co2e_kg", "sum"), primary_fraction=("primary_fraction", "max"),
        technological_dqr=("technological_dqr", "max"), temporal_dqr=("temporal_dqr", "max"),
        geographical_dqr=("geographical_dqr", "max")).reset_index()
    src = src.rename(columns={"kgco2e": "kg CO2e per run / unit"})
    write_table(ws, src, start_row=r, number_formats={"kg CO2e per run / unit": KG}, freeze=False)


def _trace_inputs(ws: Worksheet, result: FootprintResult) -> None:
    sys_ = result.system
    ex = sys_.exchanges
    pcf = result.solution[:, : len(PCF_TERMS)].sum(axis=1)
    if ex.empty:
        write_key_values(ws, [("no bill-of-materials rows",)])
        return
    purchased = sys_.flows.purchased
    info = purchased.set_index("product_id") if not purchased.empty else pd.DataFrame()
    kinds = sys_.columns["kind"].to_numpy()
    rows = []
    for _, e in ex.iterrows():
        k = int(e["input_index"])
        product = str(e["product_id"])
        if kinds[k] == "process":
            source = f"made in the model by process {sys_.columns.iloc[k]['process_id']}"
            lineage = ""
        elif product in getattr(info, "index", []):
            m = info.loc[product]
            source = f"{m['source']}: {m['reference']} ({m['factor_name']})"
            lineage = str(m["lineage"])
        else:
            source, lineage = str(kinds[k]), ""
        rows.append({
            "inputs row": int(e["input_row"]), "process": e["process_id"], "output product": e["output_product"],
            "allocation factor": float(e["allocation_factor"]), "input": product, "net amount": float(e["amount"]),
            "unit": sys_.columns.iloc[k]["unit"], "yield": float(e["yield"]), "gross amount": float(e["gross_amount"]),
            "recycled content": float(e["recycled_content"]), "recycled product": e["recycled_product"],
            "footprint of input (kg CO2e/unit)": float(pcf[k]),
            "recycled product footprint (kg CO2e/unit)": float(pcf[int(e["recycled_index"])])
            if e["recycled_amount"] > 0 else math.nan,
            "contribution per run to output (kg CO2e)": float(e["virgin_amount"]) * float(pcf[k])
            + (float(e["recycled_amount"]) * float(pcf[int(e["recycled_index"])]) if e["recycled_amount"] > 0 else 0.0),
            "consumer stage": e["consumer_stage"], "source": source, "lineage": lineage,
        })
    r = _title(ws, "Trace: every bill-of-materials row and where its footprint comes from")
    write_table(ws, pd.DataFrame(rows), start_row=r, freeze=False,
                number_formats={"footprint of input (kg CO2e/unit)": SMALL,
                                "contribution per run to output (kg CO2e)": KG, "gross amount": SMALL})


def _trace_emissions(ws: Worksheet, result: FootprintResult) -> None:
    r = _title(ws, "Trace: every emission flow (per process run, or per unit of a purchased product)")
    flows = result.system.flows.table
    if flows.empty:
        write_key_values(ws, [("no flows",)], start_row=r)
        return
    write_table(ws, flows, start_row=r, freeze=False, number_formats={"co2e_kg": SMALL})


def _plant(ws: Worksheet, result: FootprintResult) -> None:
    r = _title(ws, "Plant inventories allocated to processes")
    rows = result.system.flows.plant_rows
    if rows.empty:
        write_key_values(ws, [("no plant inventory allocated",)], start_row=r)
        return
    cols = [c for c in ("plant_id", "process_id", "allocation_row", "key_share", "runs", "record_id", "entity",
                        "activity", "quantity", "unit", "scope_key", "gas", "co2e_kg", "allocated_kg", "per_run_kg",
                        "factor_set", "factor_id", "factor_value", "factor_unit", "lineage", "flags")
            if c in rows.columns]
    totals = rows.groupby(["plant_id", "process_id"], sort=True)["allocated_kg"].sum().reset_index()
    r = write_table(ws, totals, start_row=r, freeze=False, number_formats={"allocated_kg": KG}) + 2
    write_table(ws, rows[cols], start_row=r, freeze=False,
                number_formats={"co2e_kg": KG, "allocated_kg": KG, "per_run_kg": SMALL})


def _allocation(ws: Worksheet, result: FootprintResult) -> None:
    r = _title(ws, "Allocation of multi-output processes")
    outs = result.system.allocated_outputs
    write_table(ws, outs[["process_id", "product_id", "amount", "allocation_basis", "allocation_weight",
                          "allocation_factor", "row"]], start_row=r, freeze=False,
                number_formats={"allocation_factor": "0.000000"})


def _sources(ws: Worksheet, result: FootprintResult) -> None:
    r = _title(ws, "Sources: factor sets and supplier footprints")
    manifests = result.system.flows.manifests
    rows = [{"set": m.full_id, "title": m.title, "publisher": m.publisher, "edition": m.edition,
             "licence": m.licence, "attribution": m.attribution, "url": m.source_url, "GWP basis": m.gwp_basis,
             "confidence": m.confidence, "flags": "|".join(m.flags)} for _, m in sorted(manifests.items())]
    r = write_table(ws, pd.DataFrame(rows, columns=["set", "title", "publisher", "edition", "licence", "attribution",
                                                    "url", "GWP basis", "confidence", "flags"]),
                    start_row=r, freeze=False) + 2
    imported = result.system.flows.imported
    if imported:
        sup = [{"product": k, "footprint id": fp.id, "spec": fp.spec_version, "company": fp.company_name,
                "supplier product": fp.product_name, "declared unit": fp.declared_unit,
                "declared amount": fp.declared_unit_amount,
                "pcf excl. uptake per declared unit": fp.figures.excluding_uptake,
                "primary data share": fp.primary_data_share, "DQRs": ", ".join(f"{a} {b:g}" for a, b in fp.dqr.items()),
                "reference period": f"{fp.reference_period_start.date()}..{fp.reference_period_end.date()}",
                "file": fp.source, "warnings": "; ".join(str(w) for w in fp.warnings)}
               for k, fp in sorted(imported.items())]
        write_table(ws, pd.DataFrame(sup), start_row=r, freeze=False)


def _problems(ws: Worksheet, result: FootprintResult) -> None:
    r = _title(ws, "Problems (warnings)")
    warnings = [*result.model.warnings, *result.warnings]
    rows: list[dict[str, Any]] = [{"severity": p.severity, "file": p.file, "sheet": p.sheet, "row": p.row,
                                   "field": p.field, "record": p.record_id, "message": p.message,
                                   "accepted": p.accepted} for p in warnings]
    write_table(ws, pd.DataFrame(rows, columns=["severity", "file", "sheet", "row", "field", "record", "message",
                                                "accepted"]), start_row=r, freeze=False)

