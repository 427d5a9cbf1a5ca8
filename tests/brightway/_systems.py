"""A non-trivial product model for the Brightway tests (built with the Python API).

* two bought materials with supplier-style inline emissions are modelled as processes with
  activity rows of several gases (CO2, fossil and non-fossil CH4, N2O, biogenic CO2), so the
  AR5 and AR6 methods differ;
* multi-level BOM: ASSY ← (PART-A, PART-B) ← SHEET/RESIN; SHEET is shared by PART-A and PART-B;
* allocation: CUT makes PART-A and OFFCUT (mass allocation, 3 kg : 1 kg);
* a recycling loop with net output: MELT makes RESIN from 0.1 kg REGRIND per kg, GRIND makes
  REGRIND from 0.5 kg RESIN per kg (a cyclic core);
* a bought secondary product as a supplier PACT footprint (a CO2e flow).

Amounts and emission factors are illustrative test numbers, not emission data.
"""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
from _door_model import supplier_pf  # type: ignore[import-not-found]


def system_tables() -> dict[str, Any]:
    products = pd.DataFrame([
        {"product_id": "SHEET", "name": "Steel sheet", "unit": "kg", "source": "process"},
        {"product_id": "RESIN", "name": "Resin", "unit": "kg", "source": "process"},
        {"product_id": "REGRIND", "name": "Regrind", "unit": "kg", "source": "process", "export": "no"},
        {"product_id": "PART-A", "name": "Part A", "unit": "piece", "source": "process", "mass_kg": "3"},
        {"product_id": "OFFCUT", "name": "Offcut", "unit": "kg", "source": "process", "export": "no"},
        {"product_id": "PART-B", "name": "Part B", "unit": "piece", "source": "process", "mass_kg": "1"},
        {"product_id": "ASSY", "name": "Assembly", "unit": "piece", "source": "process"},
        {"product_id": "BOLT", "name": "Bolt", "unit": "piece", "source": "supplier", "supplier_pcf": "bolt.json"},
    ])
    processes = pd.DataFrame([
        {"process_id": "ROLL"}, {"process_id": "MELT"}, {"process_id": "GRIND"},
        {"process_id": "CUT", "allocation": "mass"}, {"process_id": "MOLD"}, {"process_id": "JOIN"},
    ])
    outputs = pd.DataFrame([
        {"process_id": "ROLL", "product_id": "SHEET", "amount": "1"},
        {"process_id": "MELT", "product_id": "RESIN", "amount": "1"},
        {"process_id": "GRIND", "product_id": "REGRIND", "amount": "1"},
        {"process_id": "CUT", "product_id": "PART-A", "amount": "1"},
        {"process_id": "CUT", "product_id": "OFFCUT", "amount": "1"},
        {"process_id": "MOLD", "product_id": "PART-B", "amount": "2"},
        {"process_id": "JOIN", "product_id": "ASSY", "amount": "1"},
    ])
    inputs = pd.DataFrame([
        {"process_id": "MELT", "product_id": "REGRIND", "amount": "0.1"},
        {"process_id": "GRIND", "product_id": "RESIN", "amount": "0.5"},
        {"process_id": "CUT", "product_id": "SHEET", "amount": "4", "yield": "0.8"},
        {"process_id": "MOLD", "product_id": "RESIN", "amount": "2"},
        {"process_id": "MOLD", "product_id": "SHEET", "amount": "0.5"},
        {"process_id": "JOIN", "product_id": "PART-A", "amount": "1"},
        {"process_id": "JOIN", "product_id": "PART-B", "amount": "2"},
        {"process_id": "JOIN", "product_id": "BOLT", "amount": "6"},
    ])

    def row(proc: str, rid: str, qty: str, gas: str, ef: str) -> dict[str, str]:
        return {"process_id": proc, "record_id": rid, "activity": "custom/test", "quantity": qty, "unit": "kg",
                "emission_factor": ef, "emission_factor_unit": "kg/kg", "gas": gas, "scope": "1"}

    activities = pd.DataFrame([
        row("ROLL", "roll-co2", "1", "CO2", "2.1"),
        row("ROLL", "roll-ch4", "1", "CH4_fossil", "0.003"),
        row("MELT", "melt-co2", "1", "CO2", "1.2"),
        row("MELT", "melt-n2o", "1", "N2O", "0.0004"),
        row("MELT", "melt-bio", "1", "CO2_biogenic", "0.7"),
        row("GRIND", "grind-co2", "1", "CO2", "0.05"),
        row("CUT", "cut-co2", "1", "CO2", "0.6"),
        row("MOLD", "mold-ch4", "1", "CH4_non_fossil", "0.002"),
        row("JOIN", "join-co2", "1", "CO2", "0.3"),
    ])
    settings = {"company_name": "Test Co.", "company_ids": "urn:pact:example.com:company-id:1",
                "reference_period_start": "2025-01-01", "reference_period_end": "2026-01-01",
                "created": "2026-02-01T00:00:00Z", "gwp": "AR6"}
    bolt = supplier_pf("7e6d2f1b-4c8f-4b66-8e1f-2a3b4c5d6e7f", "Bolt M8", "piece", "0.05", "0", "0.02", "0.00004")
    return copy.deepcopy({"products": products, "processes": processes, "outputs": outputs, "inputs": inputs,
                          "activities": activities, "settings": settings,
                          "supplier_footprints": {"bolt.json": bolt}})
