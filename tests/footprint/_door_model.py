"""A small product model that can be solved on paper, built with the Python API.

The door (all numbers per run; hand computation in the tests):

* ``SHEET`` steel sheet, bought: supplier PACT footprint 2.0 kg CO2e/kg (fossil), primary data
  share 50 %, DQRs 2; fossil carbon content 0.002 kg C/kg.
* ``BOLT`` bought: supplier PACT footprint 0.05 kg CO2e per piece, primary data share 0 %,
  DQRs 2; 0.00004 kg C per piece.
* ``STAMP`` makes 1 ``PANEL`` (3 kg, price 30) and 1 kg ``OFFCUT`` (price 0.3/kg) from 4 kg of
  sheet (net) at 80 % yield (gross 5 kg), with 2 kWh of electricity at a supplier-specific
  0.5 kg CO2e/kWh (market-based) = 1.0 kg CO2e. DQRs 1.
* ``ASSY`` makes 1 ``DOOR`` from 2 panels and 8 bolts, burning 3 m³ gas at an inline
  0.2 kg CO2/m³ = 0.6 kg CO2. DQRs 2.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

SHEET_ID = "6d5c1e0a-3b7e-4a55-9d0e-1f2a3b4c5d6e"
BOLT_ID = "7e6d2f1b-4c8f-4b66-8e1f-2a3b4c5d6e7f"


def supplier_pf(pf_id: str, name: str, unit: str, excl: str, pds: str, mass: str, fcc: str) -> dict[str, Any]:
    return {
        "id": pf_id,
        "specVersion": "3.0.0",
        "created": "2025-06-01T00:00:00Z",
        "status": "Active",
        "companyName": "Supplier Co.",
        "companyIds": ["urn:pact:supplier.example:company-id:9"],
        "productDescription": name,
        "productIds": [f"urn:pact:supplier.example:product-id:{name.replace(' ', '-')}"],
        "productNameCompany": name,
        "pcf": {
            "declaredUnitOfMeasurement": unit,
            "declaredUnitAmount": "1",
            "productMassPerDeclaredUnit": mass,
            "referencePeriodStart": "2024-01-01T00:00:00Z",
            "referencePeriodEnd": "2025-01-01T00:00:00Z",
            "geographyCountry": "CN",
            "pcfExcludingBiogenicUptake": excl,
            "pcfIncludingBiogenicUptake": excl,
            "fossilGhgEmissions": excl,
            "fossilCarbonContent": fcc,
            "biogenicCarbonContent": "0",
            "ipccCharacterizationFactors": ["AR6"],
            "crossSectoralStandards": ["ISO14067"],
            "exemptedEmissionsPercent": "0",
            "primaryDataShare": pds,
            "dqi": {"technologicalDQR": "2", "geographicalDQR": "2", "temporalDQR": "2"},
        },
    }


def door_tables() -> dict[str, Any]:
    """Keyword arguments for :func:`carbonledger.footprint.build_model`."""
    products = pd.DataFrame(
        [
            {"product_id": "SHEET", "name": "Steel sheet", "unit": "kg", "source": "supplier",
             "supplier_pcf": "sheet.json"},
            {"product_id": "BOLT", "name": "Bolt M8", "unit": "piece", "source": "supplier", "mass_kg": "0.02",
             "supplier_pcf": "bolt.json"},
            {"product_id": "PANEL", "name": "Door panel", "unit": "piece", "source": "process", "mass_kg": "3",
             "price": "30", "currency": "CNY", "product_ids": "urn:pact:example.com:product-id:PANEL",
             "cpc": "49129"},
            {"product_id": "OFFCUT", "name": "Steel offcut", "unit": "kg", "source": "process", "price": "0.3",
             "currency": "CNY", "export": "no"},
            {"product_id": "DOOR", "name": "Door", "unit": "piece", "source": "process", "mass_kg": "6.16",
             "product_ids": "urn:pact:example.com:product-id:DOOR", "cpc": "49129"},
        ]
    )
    processes = pd.DataFrame(
        [
            {"process_id": "STAMP", "name": "Stamping", "region": "CN-CQ", "allocation": "mass",
             "technological_dqr": "1", "temporal_dqr": "1", "geographical_dqr": "1"},
            {"process_id": "ASSY", "name": "Assembly", "region": "CN-CQ", "technological_dqr": "2",
             "temporal_dqr": "2", "geographical_dqr": "2"},
        ]
    )
    outputs = pd.DataFrame(
        [
            {"process_id": "STAMP", "product_id": "PANEL", "amount": "1", "unit": "piece"},
            {"process_id": "STAMP", "product_id": "OFFCUT", "amount": "1", "unit": "kg"},
            {"process_id": "ASSY", "product_id": "DOOR", "amount": "1", "unit": "piece"},
        ]
    )
    inputs = pd.DataFrame(
        [
            {"process_id": "STAMP", "product_id": "SHEET", "amount": "4", "unit": "kg", "yield": "0.8"},
            {"process_id": "ASSY", "product_id": "PANEL", "amount": "2", "unit": "piece"},
            {"process_id": "ASSY", "product_id": "BOLT", "amount": "8", "unit": "piece"},
        ]
    )
    activities = pd.DataFrame(
        [
            {"process_id": "STAMP", "record_id": "st-el", "activity": "electricity/grid", "quantity": "2",
             "unit": "kWh", "emission_factor": "0.5", "emission_factor_unit": "kg CO2e/kWh", "method": "market"},
            {"process_id": "ASSY", "record_id": "as-ng", "activity": "fuel/natural_gas", "quantity": "3",
             "unit": "m3", "emission_factor": "0.2", "emission_factor_unit": "kg/m3", "gas": "CO2"},
        ]
    )
    settings = {
        "company_name": "Example Parts Co.",
        "company_ids": "urn:pact:example.com:company-id:1",
        "reference_period_start": "2025-01-01",
        "reference_period_end": "2026-01-01",
        "created": "2026-02-01T00:00:00Z",
    }
    suppliers = {
        "sheet.json": supplier_pf(SHEET_ID, "Steel sheet", "kilogram", "2.0", "50", "1", "0.002"),
        "bolt.json": supplier_pf(BOLT_ID, "Bolt M8", "piece", "0.05", "0", "0.02", "0.00004"),
    }
    return {"products": products, "processes": processes, "outputs": outputs, "inputs": inputs,
            "activities": activities, "settings": settings, "supplier_footprints": suppliers}
