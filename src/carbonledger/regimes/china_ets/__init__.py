"""China national ETS: MEE accounting guidelines for power, steel, cement and aluminium.

``run_china_ets(path, sector=, year=)`` reads the bilingual facility template (or an inventory
activity table), applies the sector's guideline rules, computes every record with the inventory
engine and returns a :class:`ChinaEtsResult` (compliance total, source types, monthly data,
output and intensity, allowance position, every parameter's source). See docs/china_ets.md.
"""

from carbonledger.regimes.china_ets.calculate import run_china_ets
from carbonledger.regimes.china_ets.result import ChinaEtsResult
from carbonledger.regimes.china_ets.sectors import SECTORS

__all__ = ["SECTORS", "ChinaEtsResult", "run_china_ets"]
