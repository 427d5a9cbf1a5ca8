"""Read default values straight from the stored ORIGINAL transcriptions (factors/*/*/original/),
so tests check the values carbonledger uses against the data files, not against its own tables."""

from __future__ import annotations

import csv
from pathlib import Path

FACTORS = Path(__file__).resolve().parents[2] / "factors"

ORIGINALS = {
    "power": FACTORS / "cn-fuel-ndrc2013-power/2013/original/table1c_fuel_defaults_power_and_other_partial.csv",
    "ndrc2013": FACTORS / "cn-fuel-ndrc2013/2013/original/table1a_fuel_defaults_ndrc2013_steel_family.csv",
    "process": FACTORS / "cn-process/unattributed/original/table1d_process_factors_cement_aluminium.csv",
    "grid": FACTORS / "cn-ets-grid/2022/original/table3_ets_grid_and_heat_factors.csv",
    "ets": FACTORS / "cn-ets-parameters/2026-11/original/cn_ets_parameters.csv",
}


def original(table: str, key: str) -> float:
    """The value of ``key`` in a stored original, as published (per cent stays per cent)."""
    with ORIGINALS[table].open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["key"] == key:
                return float(row["value"])
    raise KeyError(key)


def ets_parameter(parameter: str, key: str) -> str:
    with ORIGINALS["ets"].open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["parameter"] == parameter and row["key"] == key:
                return row["value"]
    raise KeyError((parameter, key))
