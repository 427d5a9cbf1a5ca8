"""Build the Scope 3 input templates: ``templates/purchases.xlsx`` and ``templates/logistics.xlsx``.

Each workbook has an ``activities`` sheet (the sheet ``carbonledger inventory`` reads) with
the activity-table headers for its use, an ``Examples`` sheet with filled rows showing each
method (not read by the inventory), a ``Columns`` sheet describing every column (from
:data:`carbonledger.inventory.activity_table.COLUMNS`), and for purchases the exchange-rate,
deflator and supplier-table layouts. Files are written with
:func:`carbonledger.reports.xlsx.save_deterministic`: the same code gives the same bytes.

Rebuild: ``python templates/build_scope3_templates.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from carbonledger.reports.xlsx import TITLE_FONT, save_deterministic, write_key_values, write_table

__all__ = ["LOGISTICS_COLUMNS", "PURCHASES_COLUMNS", "build_logistics_template", "build_purchases_template"]

PURCHASES_COLUMNS = (
    "record_id",
    "entity",
    "period",
    "region",
    "activity",
    "quantity",
    "unit",
    "category",
    "method",
    "currency",
    "price_year",
    "supplier_id",
    "product_id",
    "mass",
    "mass_unit",
    "factor_id",
    "factor_region",
    "allocation_amount",
    "allocation_total",
    "allocation_unit",
    *("dqi_technological", "dqi_temporal", "dqi_geographical", "dqi_completeness", "dqi_reliability"),
    "description",
)
LOGISTICS_COLUMNS = (
    "record_id",
    "entity",
    "period",
    "region",
    "activity",
    "quantity",
    "unit",
    "category",
    "method",
    "mass",
    "mass_unit",
    "distance",
    "distance_unit",
    "allocation_amount",
    "allocation_total",
    "allocation_unit",
    "employees",
    "working_days",
    "share",
    "factor_id",
    "factor_region",
    "description",
)

_PURCHASE_EXAMPLES = [
    dict(
        record_id="P-001",
        period="2023",
        region="CN-SC",
        activity="spend/naics/334418",
        quantity=8600000,
        unit="CNY",
        price_year=2023,
        description="spend-based: CNY at 2023 prices → 2022 USD with your rate and index tables",
    ),
    dict(
        record_id="P-002",
        period="2023",
        region="CN-SC",
        activity="spend/naics/334413",
        quantity=1250000,
        unit="USD",
        price_year=2022,
        description="spend-based: USD at 2022 prices (no conversion needed)",
    ),
    dict(
        record_id="P-003",
        period="2023",
        region="CN-SC",
        activity="spend/naics/333242",
        quantity=2400000,
        unit="USD",
        price_year=2023,
        category="2",
        description="capital goods: category 2",
    ),
    dict(
        record_id="P-010",
        period="2023",
        region="CN-SC",
        activity="supplier/pcba",
        quantity=90000,
        unit="pieces",
        supplier_id="urn:company:example:cn-mianyang-circuit",
        product_id="urn:gtin:06901234500017",
        description="supplier-specific: matched to a PACT footprint or the supplier table",
    ),
    dict(
        record_id="P-020",
        period="2025",
        region="GB",
        activity="material/plastics_average/primary",
        quantity=42,
        unit="t",
        description="average-data: mass × cradle-to-gate factor (DESNZ material use)",
    ),
    dict(
        record_id="P-030",
        period="2025",
        region="GB",
        activity="supplier/acme/scope12",
        quantity=800,
        unit="t CO2e",
        method="hybrid",
        supplier_id="ACME",
        allocation_amount=5000,
        allocation_total=100000,
        allocation_unit="pieces",
        description="hybrid: supplier's Scope 1+2 allocated by our share of its output",
    ),
    dict(
        record_id="P-031",
        period="2025",
        region="GB",
        activity="material/metals/primary",
        quantity=1.2,
        unit="t",
        method="hybrid",
        supplier_id="ACME",
        description="hybrid: the supplier's material inputs (secondary data)",
    ),
]
_LOGISTICS_EXAMPLES = [
    dict(
        record_id="L-001",
        period="2023",
        region="CN-SC",
        activity="freight/road/medium_heavy_duty_truck",
        mass=420,
        mass_unit="t",
        distance=320,
        distance_unit="km",
        unit="tkm",
        factor_region="US",
        description="distance-based: tonne-km = mass × distance; EPA factor as a stated proxy",
    ),
    dict(
        record_id="L-002",
        period="2023",
        region="CN-SC",
        activity="freight/rail/freight_train",
        quantity=588000,
        unit="tkm",
        factor_region="US",
        description="China-Europe rail, tonne-km given directly",
    ),
    dict(
        record_id="L-003",
        period="2025",
        region="GB",
        activity="freight/sea/container_ship/average",
        mass=80,
        mass_unit="t",
        distance=19500,
        distance_unit="km",
        unit="tkm",
        category="9",
        description="downstream transport paid by the customer: category 9",
    ),
    dict(
        record_id="L-004",
        period="2025",
        region="GB",
        activity="freight_fuel/diesel",
        quantity=2400,
        unit="L",
        allocation_amount=18,
        allocation_total=30,
        allocation_unit="t",
        description="fuel-based: carrier's diesel for a shared truck, allocated by mass",
    ),
    dict(
        record_id="T-001",
        period="2025",
        region="GB",
        activity="travel/air/long_haul/economy",
        quantity=18500,
        unit="pkm",
        description="business travel: passenger-km × class factor",
    ),
    dict(
        record_id="T-002",
        period="2025",
        region="GB",
        activity="travel/hotel/CN",
        quantity=320,
        unit="room_night",
        description="business travel: hotel nights",
    ),
    dict(
        record_id="T-010",
        period="2023",
        region="CN-SC",
        activity="commuting/bus/average",
        employees=450,
        share=0.55,
        working_days=245,
        distance=9,
        distance_unit="km",
        unit="pkm",
        factor_region="US",
        description="commuting, average-data: employees × share × days × 2 × one-way distance",
    ),
]
_RATES = [
    dict(
        from_currency="USD",
        to_currency="CNY",
        year=2023,
        rate=7.0809,
        source="Federal Reserve G.5A (annual average), https://www.federalreserve.gov/releases/g5a/20240201",
        date="2024-02-01",
    ),
]
_DEFLATORS = [
    dict(
        currency="USD",
        year=2022,
        index=292.655,
        series="CPI-U CUUR0000SA0, annual average, 1982-84=100",
        source="US BLS (verify at https://data.bls.gov/timeseries/CUUR0000SA0)",
        date="2024-01-11",
    ),
]
_SUPPLIERS = [
    dict(
        supplier_id="CD-PACK-01",
        product_id="CARTON-A4",
        pcf=0.21,
        declared_unit="pieces",
        declared_amount=1,
        valid_from="2023-01-01",
        valid_to="2024-12-31",
        reference_year=2022,
        gwp_basis="AR6",
        source="supplier questionnaire 2023 (example)",
    ),
]


def _columns_sheet(workbook: Workbook, columns: tuple[str, ...]) -> None:
    from carbonledger.inventory.activity_table import COLUMNS

    ws = workbook.create_sheet("Columns")
    write_table(
        ws,
        pd.DataFrame([(c, COLUMNS.get(c, "")) for c in columns], columns=["column", "what to enter"]),
        widths={"what to enter": 110},
    )


def _build(
    path: Path,
    title: str,
    columns: tuple[str, ...],
    examples: list[dict[str, object]],
    notes: list[tuple[str, str]],
    extra: dict[str, list[dict[str, object]]],
) -> Path:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "activities"
    write_table(ws, pd.DataFrame(columns=list(columns)))
    ex = workbook.create_sheet("Examples")
    write_table(ex, pd.DataFrame(examples).reindex(columns=list(columns)))
    _columns_sheet(workbook, columns)
    for name, rows in extra.items():
        write_table(workbook.create_sheet(name), pd.DataFrame(rows))
    about = workbook.create_sheet("About")
    about["A1"] = title
    about["A1"].font = TITLE_FONT
    write_key_values(about, notes, start_row=3)
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 120
    return save_deterministic(workbook, path)


def build_purchases_template(path: Path) -> Path:
    """``purchases.xlsx``: spend, supplier-specific, average-data and hybrid purchases."""
    notes = [
        (
            "Sheet 'activities'",
            "fill one row per purchase line; copy rows from 'Examples' and replace the values",
        ),
        (
            "Run",
            "carbonledger inventory purchases.xlsx --year 2023 --factors epa-supply-chain --factors desnz "
            "--exchange-rates rates.csv --deflators deflators.csv --suppliers suppliers/ --out inventory.xlsx",
        ),
        (
            "Spend",
            "unit (or currency) = the invoice currency; price_year = the year of the prices; the rate and "
            "index tables (layouts in sheets 'exchange_rates', 'deflators') need a source and a date per row",
        ),
        (
            "EEIO",
            "EPA Supply Chain factors v1.3 are kg CO2e per 2022 USD, purchaser price; --eeio-margins with "
            "(default, cradle to shelf) or without (cradle to gate)",
        ),
        (
            "Supplier data",
            "PACT v2/v3 JSON files or a supplier table (layout in sheet 'supplier_table'); the "
            "PCF excluding biogenic uptake per declared unit is used",
        ),
        ("Data quality", "dqi_* columns (1 very good … 5 very poor) override carbonledger's defaults"),
    ]
    return _build(
        path,
        "carbonledger — Scope 3 purchases (categories 1 and 2)",
        PURCHASES_COLUMNS,
        _PURCHASE_EXAMPLES,
        notes,
        {"exchange_rates": _RATES, "deflators": _DEFLATORS, "supplier_table": _SUPPLIERS},
    )


def build_logistics_template(path: Path) -> Path:
    """``logistics.xlsx``: freight (categories 4 and 9), business travel (6), commuting (7)."""
    notes = [
        (
            "Sheet 'activities'",
            "one row per transport leg, trip or commuting mode; copy rows from 'Examples'",
        ),
        (
            "Freight",
            "give quantity in tkm, or mass + distance; a shared vehicle's fuel or km with "
            "allocation_amount / allocation_total in t (mass basis) or m3 (volume basis)",
        ),
        (
            "Category",
            "4 = transport paid by the company (inbound and outbound); 9 = after the point of sale, not "
            "paid by the company",
        ),
        (
            "Proxies",
            "factor_region names the region whose factors you use when none exist for yours (flagged)",
        ),
        (
            "Commuting",
            "employees, share using the mode, working days and ONE-WAY distance; unit pkm (bus, rail) "
            "or km/vkm (car)",
        ),
    ]
    return _build(
        path,
        "carbonledger — Scope 3 logistics, business travel and commuting",
        LOGISTICS_COLUMNS,
        _LOGISTICS_EXAMPLES,
        notes,
        {},
    )
