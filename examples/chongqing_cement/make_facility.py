"""Write facility.xlsx: an ILLUSTRATIVE clinker line in Chongqing, 2024, monthly data.

The plant data are made up for the example (a 5000 t/d dry-process line: ~1.5 Mt clinker a
year, ~0.16 t of bituminous coal per t clinker with measured NCV, carbide slag as a
non-carbonate raw material). They are not any real plant's data. Every factor and default
comes from carbonledger's shipped sets: the clinker factor and the carbide-slag deduction are
the LOW-confidence, UNVERIFIED cn-process values, and the report carries those flags.
2024 is the first compliance year of cement, with allocation equal to verified emissions
(allocation plan of 18 Nov 2025, regulatory-facts.md §B.2). Re-run to regenerate:

    .venv/bin/python examples/chongqing_cement/make_facility.py
"""

from __future__ import annotations

from pathlib import Path

from carbonledger.regimes.china_ets.template_builder import build_workbook

HERE = Path(__file__).resolve().parent

CLINKER_T = [118000, 96000, 131000, 134000, 136000, 128000, 122000, 119000, 130000, 137000, 133000, 121000]
CEMENT_T = [150000, 118000, 172000, 178000, 181000, 166000, 155000, 151000, 170000, 182000, 175000, 158000]
COAL_PER_T_CLINKER = 0.158
COAL_NCV_GJ_PER_T = [21.35, 21.10, 21.42, 21.28, 21.51, 21.19, 21.07, 21.33, 21.46, 21.24, 21.38, 21.15]
CARBIDE_SLAG_T = [4800, 3900, 5300, 5400, 5500, 5200, 4900, 4800, 5300, 5500, 5400, 4900]
DIESEL_T = [38, 31, 42, 43, 44, 41, 39, 38, 42, 44, 43, 39]  # plant vehicles and kiln ignition
GRID_MWH = [6900, 5700, 7700, 7900, 8000, 7500, 7200, 7000, 7600, 8000, 7800, 7100]

DATA = {
    "info": {
        "facility_name": "重庆某水泥熟料生产线（示例）Chongqing clinker line (illustrative)",
        "credit_code": "示例 EXAMPLE",
        "year": 2024,
        "region": "CN-CQ",
        "unit_description": "1 × 5000 t/d 新型干法熟料线 dry-process clinker line",
        "capacity": "5000 t/d clinker",
        "unit_type": "硅酸盐水泥熟料 Portland clinker",
        "prepared_by": "carbonledger example",
        "notes": "示例数据，非真实工厂 Illustrative data, not a real plant",
    },
    "fuels": [
        {
            "month": m + 1,
            "fuel": "烟煤 bituminous_coal",
            "purchased": round(CLINKER_T[m] * COAL_PER_T_CLINKER + 300, 3),
            "stock_start": 9000 + 300 * m,
            "stock_end": 9000 + 300 * (m + 1),
            "unit": "t",
            "ncv": COAL_NCV_GJ_PER_T[m],
            "ncv_unit": "GJ/t",
            "measurement": "入窑煤每批次检测低位发热量 NCV per delivery batch; 含碳量未检测 carbon not measured",
        }
        for m in range(12)
    ]
    + [{"month": m + 1, "fuel": "柴油 diesel", "consumption": DIESEL_T[m], "unit": "t"} for m in range(12)],
    "process": [
        {"month": m + 1, "type": "clinker", "material": "portland", "quantity": CLINKER_T[m], "unit": "t"}
        for m in range(12)
    ]
    + [
        {
            "month": m + 1,
            "type": "raw_material_deduction",
            "material": "电石渣",
            "quantity": CARBIDE_SLAG_T[m],
            "unit": "t",
            "note": "电石渣替代石灰石 carbide slag replacing limestone",
        }
        for m in range(12)
    ],
    "production": [{"month": m + 1, "clinker": CLINKER_T[m], "cement": CEMENT_T[m]} for m in range(12)],
    "energy": [{"month": m + 1, "purchased_electricity": GRID_MWH[m]} for m in range(12)],
    "allowance": {
        "cea_price": 91.8,
        "cea_price_date": "2024 年均价 2024 annual average",
        "cea_price_source": "https://www.iccwte.org/index/article/iccwte/id/632.html (regulatory-facts.md B.4)",
        "ccer_available": 10000,
    },
}

if __name__ == "__main__":
    print(build_workbook("cement", HERE / "facility.xlsx", DATA))
