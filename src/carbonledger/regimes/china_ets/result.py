"""The result of one facility-year: lines with lineage, totals, output, intensity, allowance.

Every total is a :func:`math.fsum` over :attr:`ChinaEtsResult.lines` (unrounded); the report
rounds for display only. ``lines`` has one row per (record, gas) with the source type, month,
whether it counts toward compliance, the factor or parameters used and their provenance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from carbonledger.errors import Problem
from carbonledger.factors.manifest import Manifest
from carbonledger.regimes.china_ets.allowance import AllowancePosition
from carbonledger.regimes.china_ets.parameters import EtsParameter, EtsParameters
from carbonledger.regimes.china_ets.sectors import SOURCE_TYPES, Sector

__all__ = ["ChinaEtsResult"]


def _fsum(frame: pd.DataFrame, column: str = "tco2e") -> float:
    return math.fsum(frame[column].to_numpy(dtype=float)) if len(frame) else 0.0


@dataclass
class ChinaEtsResult:
    sector: Sector
    year: int
    source: str
    mode: str
    info: dict[str, Any]
    region: str
    lines: pd.DataFrame
    parameters: pd.DataFrame
    production: pd.DataFrame
    intensity: dict[str, Any]
    allowance: AllowancePosition | None
    problems: list[Problem]
    gwp: str
    gwp_note: str
    gwp_parameter: EtsParameter | None
    factor_sets: list[str]
    manifests: list[Manifest]
    ets_parameters: EtsParameters
    boundary: list[dict[str, Any]] = field(default_factory=list)

    # -- totals -----------------------------------------------------------------------------------
    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def compliance(self) -> pd.DataFrame:
        return self.lines[self.lines["in_compliance"].astype(bool)]

    @property
    def total_tco2(self) -> float:
        """Compliance total: direct emissions in the boundary (t CO2, or t CO2e for aluminium PFCs)."""
        return _fsum(self.compliance)

    def by_source_type(self, *, compliance: bool | None = True) -> dict[str, float]:
        lines = (
            self.lines if compliance is None else self.lines[self.lines["in_compliance"].astype(bool) == compliance]
        )
        return {
            str(key): _fsum(group)
            for key, group in lines.groupby("source_type", sort=False, observed=True)
        }

    def by_month(self) -> dict[int, float]:
        c = self.compliance
        return {int(m): _fsum(c[c["month"] == m]) for m in range(0, 13) if (c["month"] == m).any()}

    def by_gas(self) -> dict[str, dict[str, float]]:
        c = self.compliance
        return {
            str(g): {"t_gas": math.fsum(grp["mass_t"].to_numpy(dtype=float)), "tco2e": _fsum(grp)}
            for g, grp in c.groupby("gas", sort=True, observed=True)
        }

    def output_totals(self) -> dict[str, float]:
        return {
            p.key: math.fsum(self.production[p.key].fillna(0.0).to_numpy(dtype=float))
            for p in self.sector.products
        }

    def flags_used(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for text in list(self.lines["flags"].astype(str)) + list(self.parameters.get("flags", pd.Series()).astype(str)):
            for f in text.split("|"):
                if f:
                    counts[f] = counts.get(f, 0) + 1
        return dict(sorted(counts.items()))

    # -- JSON -------------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        outputs = self.output_totals()
        by_type = self.by_source_type(compliance=True)
        info_only = self.by_source_type(compliance=False)
        return {
            "sector": self.sector.key,
            "year": self.year,
            "facility": {k: v for k, v in self.info.items() if not k.startswith("_")},
            "region": self.region,
            "total_tco2": self.total_tco2,
            "unit": "t CO2e" if self.sector.key == "aluminium" else "t CO2",
            "by_source_type": {
                k: {"tco2": v, "zh": SOURCE_TYPES[k].zh, "en": SOURCE_TYPES[k].en} for k, v in by_type.items()
            },
            "information_only": {
                k: {"tco2": v, "zh": SOURCE_TYPES[k].zh, "en": SOURCE_TYPES[k].en} for k, v in info_only.items()
            },
            "by_month": {str(k): v for k, v in self.by_month().items()},
            "by_gas": self.by_gas(),
            "output": {
                k: {"quantity": v, "unit": self.sector.product(k).unit, "zh": self.sector.product(k).zh,
                    "en": self.sector.product(k).en}
                for k, v in outputs.items()
            },
            "intensity": self.intensity,
            "allowance": self.allowance.to_json() if self.allowance else None,
            "gwp": {"set": self.gwp, "note": self.gwp_note},
            "boundary": self.boundary,
            "parameters": self.parameters.to_dict("records"),
            "flags": self.flags_used(),
            "problems": [p.to_dict() for p in self.problems],
            "meta": {
                "source": self.source,
                "input_mode": self.mode,
                "guideline": self.sector.guideline,
                "factor_sets": self.factor_sets,
                "ets_parameter_set": self.ets_parameters.set_full_id,
                "user_parameters": [
                    {"parameter": p.parameter, "key": p.key, "value": p.value, "unit": p.unit, "source": p.source}
                    for p in self.ets_parameters.overridden
                ],
                "factor_set_citations": [
                    {
                        "set": m.full_id,
                        "title": m.title,
                        "publisher": m.publisher,
                        "confidence": m.confidence,
                        "flags": m.flags,
                    }
                    for m in self.manifests
                ],
                "lines": len(self.lines),
                "complete": not self.errors,
                "totals": "computed unrounded (math.fsum over lines); the report rounds for display only",
            },
        }
