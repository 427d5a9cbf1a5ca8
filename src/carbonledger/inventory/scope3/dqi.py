"""Data-quality indicators (DQI) per result row, and their emission-weighted aggregation.

The five indicators are those of the GHG Protocol Scope 3 Standard (2011) ch. 7, Table 7.6:
technological, temporal and geographical representativeness, completeness and reliability.
Scores run from 1 (very good) to 5 (very poor), the orientation and criteria of the
pedigree matrix (Weidema & Wesnæs 1996, "Data quality management for life cycle inventories",
J. Cleaner Prod. 4(3-4); ecoinvent data-quality guideline), which the Scope 3 Standard cites
as its model. How carbonledger fills them, per record (a ``dqi_*`` column on the record
always wins):

* **temporal** — from the gap in years between the record's period and the factor's
  validity (or a footprint's reference period): < 3 → 1, < 6 → 2, < 10 → 3, < 15 → 4,
  otherwise or unknown → 5 (pedigree matrix, temporal correlation);
* **geographical** — factor region = record region → 1; a larger region containing it
  (CN for CN-SC) → 2; GLOBAL → 3; a stated or regional proxy (US EEIO factor for a Chinese
  purchase, DESNZ GB freight factor used in CN) → 4; unknown → 5;
* **technological, completeness, reliability** — carbonledger's default per method
  (:data:`METHOD_DEFAULTS`, a documented judgement, not a published table): e.g. a supplier's
  product footprint is technologically specific (1), a spend-based EEIO factor is a sector
  average (4). PACT footprints bring their own DQRs (``technologicalDQR`` …, 1 = best): v3.0
  uses 1-5 and is taken as is; v2.x uses 1-3 and is mapped linearly onto 1-5
  (``1 + 2 × (DQR − 1)``).

The overall score of a row is the mean of its five indicators. Aggregates are
emission-weighted means (weights = tCO2e), and the *primary data share* is the share of
Scope 3 emissions computed from supplier-specific (primary) data (Scope 3 Standard ch. 7
asks companies to report it).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonledger._strings import combined_codes, text_or_empty
from carbonledger.regions import GLOBAL, canonical_region, region_chain

__all__ = [
    "DQI_NAMES",
    "METHOD_DEFAULTS",
    "PRIMARY_METHODS",
    "aggregate_dqi",
    "geographical_score",
    "pact_dqr_to_score",
    "temporal_score",
]

DQI_NAMES = ("technological", "temporal", "geographical", "completeness", "reliability")

METHOD_DEFAULTS: dict[str, tuple[float, float, float]] = {
    # method: (technological, completeness, reliability) — carbonledger defaults (judgement)
    "supplier_specific": (1.0, 2.0, 2.0),
    "hybrid": (2.0, 2.0, 2.0),
    "hybrid_secondary": (3.0, 3.0, 3.0),
    "investment_specific": (1.0, 3.0, 2.0),
    "franchise_specific": (1.0, 3.0, 2.0),
    "asset_specific": (2.0, 3.0, 2.0),
    "site_specific": (1.0, 3.0, 2.0),
    "average_data": (3.0, 3.0, 2.0),
    "waste_type_specific": (2.0, 3.0, 2.0),
    "distance_based": (3.0, 3.0, 2.0),
    "fuel_based": (2.0, 3.0, 2.0),
    "direct_use_phase": (3.0, 3.0, 3.0),
    "spend_based": (4.0, 3.0, 3.0),
    "inline_factor": (3.0, 3.0, 3.0),
}

PRIMARY_METHODS = frozenset(
    {
        "supplier_specific",
        "hybrid",
        "investment_specific",
        "franchise_specific",
        "asset_specific",
        "site_specific",
    }
)
"""Methods whose emissions come from the value-chain partner's own (primary) data."""


def temporal_score(gap_years: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Pedigree-matrix temporal score from the age gap in years (NaN → 5)."""
    g = np.asarray(gap_years, dtype=np.float64)
    return np.select([g < 3, g < 6, g < 10, g < 15], [1.0, 2.0, 3.0, 4.0], 5.0)


def geographical_score(
    record_region: object,
    factor_region: object,
    proxy: npt.NDArray[np.bool_],
) -> npt.NDArray[np.float64]:
    """1 same region, 2 containing region, 3 GLOBAL, 4 proxy, 5 unknown."""
    codes, uniques = combined_codes(record_region, factor_region)
    scores = []
    for rec_raw, fac_raw in uniques:
        rec, fac = text_or_empty(rec_raw), text_or_empty(fac_raw)
        rec_c, fac_c = canonical_region(rec or GLOBAL), canonical_region(fac)
        if not fac:
            scores.append(5.0)
        elif fac_c == rec_c:
            scores.append(1.0)
        elif fac_c == GLOBAL:
            scores.append(3.0)
        elif fac_c in region_chain(rec_c):
            scores.append(2.0)
        else:
            scores.append(4.0)
    out = np.array(scores, dtype=np.float64)[codes] if len(codes) else np.zeros(0)
    return np.where(np.asarray(proxy, dtype=bool), np.maximum(out, 4.0), out)


def pact_dqr_to_score(dqr: float | None, spec_version: str) -> float:
    """PACT DQR (v3: 1-5; v2: 1-3; 1 = best) → 1-5 score; NaN when absent."""
    if dqr is None or (isinstance(dqr, float) and math.isnan(dqr)):
        return math.nan
    return float(dqr) if spec_version.startswith("3") else 1.0 + 2.0 * (float(dqr) - 1.0)


def aggregate_dqi(rows: pd.DataFrame, by: str | None = None) -> list[dict[str, Any]]:
    """Emission-weighted DQI means and primary share, overall or per ``by`` value.

    ``rows`` are Scope 3 result rows with ``tco2e``, ``data_type`` and ``dqi_*`` columns.
    Rows with zero or negative emissions carry no weight.
    """
    if rows.empty:
        return []
    groups = [("all", rows)] if by is None else list(rows.groupby(by, sort=True, observed=True))
    out = []
    for key, g in groups:
        w = np.clip(g["tco2e"].to_numpy(dtype=np.float64), 0.0, None)
        total = math.fsum(g["tco2e"].to_numpy())
        weight = math.fsum(w)
        entry: dict[str, Any] = {"key": str(key), "tco2e": total}
        for name in (*DQI_NAMES, "score"):
            v = g[f"dqi_{name}"].to_numpy(dtype=np.float64)
            ok = ~np.isnan(v) & (w > 0)
            entry[f"dqi_{name}"] = math.fsum(v[ok] * w[ok]) / math.fsum(w[ok]) if ok.any() else None
        primary = math.fsum(w[(g["data_type"] == "primary").to_numpy()])
        entry["primary_share"] = primary / weight if weight > 0 else None
        entry["secondary_share"] = (weight - primary) / weight if weight > 0 else None
        out.append(entry)
    return out
