"""Write facility.xlsx: an ILLUSTRATIVE coal-fired unit in Chongqing, 2025, monthly data.

The plant data below are made up for the example (plausible magnitudes for a 600 MW coal unit:
~3.1 TWh generated, ~1.23 Mt of bituminous coal with ~53 % element carbon and ~20.4 GJ/t NCV).
They are not any real plant's data. Every factor and default comes from carbonledger's shipped
sets. Re-run to regenerate (deterministic):

    .venv/bin/python examples/chongqing_power_unit/make_facility.py
"""

from __future__ import annotations

from pathlib import Path

from carbonledger.regimes.china_ets.template_builder import build_workbook

HERE = Path(__file__).resolve().parent

COAL_T = [107000, 98000, 104000, 95000, 101000, 108000, 115000, 117000, 103000, 96000, 99000, 106000]
COAL_NCV_GJ_PER_T = [20.41, 20.55, 20.38, 20.62, 20.47, 20.30, 20.21, 20.18, 20.44, 20.58, 20.52, 20.36]
COAL_ELEMENT_CARBON_PCT = [53.12, 53.40, 52.95, 53.61, 53.20, 52.80, 52.55, 52.48, 53.05, 53.52, 53.33, 52.90]
DIESEL_T = [12.5, 3.2, 0, 0, 8.1, 0, 0, 0, 0, 4.4, 0, 2.0]  # start-up and auxiliary oil
GENERATED_MWH = [268000, 245000, 259000, 236000, 251000, 270000, 288000, 292000, 257000, 240000, 247000, 264000]
AUXILIARY_SHARE = 0.06
HEAT_GJ = 20000  # steam to a neighbouring plant, every month
HEAT_RATIO = 0.02  # share of the unit's emissions attributed to heat (plant's own calculation)
LIMESTONE_T = [2900 + 10 * m for m in range(12)]  # FGD sorbent (information only)
GRID_MWH = [0, 0, 0, 1200, 0, 0, 0, 0, 0, 0, 0, 0]  # start-up power bought during the April overhaul

DATA = {
    "info": {
        "facility_name": "重庆某燃煤发电机组（示例）Chongqing coal-fired unit (illustrative)",
        "credit_code": "示例 EXAMPLE",
        "year": 2025,
        "region": "CN-CQ",
        "address": "重庆市（示例）Chongqing (illustrative)",
        "unit_description": "1 × 600 MW 燃煤机组 coal-fired unit",
        "capacity": "600 MW",
        "unit_type": "超临界燃煤 supercritical coal",
        "prepared_by": "carbonledger example",
        "notes": "示例数据，非真实电厂 Illustrative data, not a real plant",
    },
    "fuels": [
        {
            "month": m + 1,
            "fuel": "烟煤 bituminous_coal",
            "consumption": COAL_T[m],
            "unit": "t",
            "ncv": COAL_NCV_GJ_PER_T[m],
            "ncv_unit": "GJ/t",
            "carbon_content": COAL_ELEMENT_CARBON_PCT[m],
            "carbon_content_unit": "%",
            "cc_basis": "measured",
            "measurement": "入炉煤每日采样、月度缩分样检测 daily as-fired samples, monthly composite",
        }
        for m in range(12)
    ]
    + [{"month": m + 1, "fuel": "柴油 diesel", "consumption": DIESEL_T[m], "unit": "t"} for m in range(12)],
    "process": [
        {
            "month": m + 1,
            "type": "desulphurisation",
            "material": "limestone",
            "quantity": LIMESTONE_T[m],
            "unit": "t",
            "note": "石灰石-石膏湿法脱硫 wet limestone FGD",
        }
        for m in range(12)
    ],
    "production": [
        {
            "month": m + 1,
            "electricity_generated": GENERATED_MWH[m],
            "electricity_supplied": round(GENERATED_MWH[m] * (1 - AUXILIARY_SHARE), 3),
            "heat_supplied": HEAT_GJ,
            "heat_ratio": HEAT_RATIO,
        }
        for m in range(12)
    ],
    "energy": [{"month": m + 1, "purchased_electricity": GRID_MWH[m]} for m in range(12)],
    "allowance": {
        "cea_price": 62.36,
        "cea_price_date": "2025 年均价 2025 annual average",
        "cea_price_source": "https://www.lvxunhk.com/newsdetail.aspx?bsid=4066 (regulatory-facts.md B.4)",
        "ccer_available": 0,
    },
}

if __name__ == "__main__":
    print(build_workbook("power", HERE / "facility.xlsx", DATA))
