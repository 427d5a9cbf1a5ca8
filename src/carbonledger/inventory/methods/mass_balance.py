"""Process emissions by carbon mass balance.

    E_CO2 = f × Σ_k (± AD_k × CC_k)

inputs positive, outputs (``direction`` = output) negative; AD activity data (mass, or
volume/energy with a matching carbon-content unit), CC carbon content. The factor f is

* 3.664 t CO2/t C for ``method=mass_balance`` (EU: MRR 2018/2066 Art. 25; CBAM IR
  2025/2547 Annex II B.3.2), and
* 44/12 for ``method=mass_balance_cn`` (China MEE guidelines' convention),

and is stated on every result row. Each record contributes its signed CO2; the sum over an
entity and period is the mass-balance result.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd

from carbonledger.errors import Problem, UnitError
from carbonledger.inventory.context import RunContext
from carbonledger.inventory.methods._rows import MethodOutput, _at, empty_rows, fmt, rows
from carbonledger.units import multiplier

__all__ = ["F_CHINA", "F_EU", "mass_balance_method"]

F_EU = 3.664
F_CHINA = 44.0 / 12.0


def mass_balance_method(sub: pd.DataFrame, ctx: RunContext) -> MethodOutput:
    """Compute mass-balance records (with ``pos``)."""
    if sub.empty:
        return MethodOutput(empty_rows())
    problems: list[Problem] = []
    cc = sub["carbon_content"].to_numpy()
    missing = np.isnan(cc)
    for k in np.flatnonzero(missing):
        problems.append(
            Problem(
                "mass balance needs the carbon content of each input and output",
                file=ctx.source,
                row=int(_at(sub, "row", k)),
                field="carbon_content",
                record_id=str(_at(sub, "record_id", k)),
                accepted="carbon_content with carbon_content_unit, e.g. 0.85 tC/t",
            )
        )
    combos = pd.MultiIndex.from_arrays(
        [
            sub["unit"].to_numpy(dtype=object),
            sub["carbon_content_unit"].to_numpy(dtype=object),
            sub["ncv_unit"].to_numpy(dtype=object),
        ]
    )
    codes, uniques = pd.factorize(combos)
    direct = np.full(len(uniques), np.nan)
    via_ncv = np.full(len(uniques), np.nan)
    for i, (u, cu, nu) in enumerate(uniques):
        try:
            direct[i] = multiplier(f"({u})*({cu})", "kg")
        except UnitError:
            if nu:
                with contextlib.suppress(UnitError):
                    via_ncv[i] = multiplier(f"({u})*({nu})*({cu})", "kg")
    q = sub["quantity"].to_numpy()
    carbon = np.where(
        ~np.isnan(direct[codes]), q * cc * direct[codes], q * sub["ncv"].to_numpy() * cc * via_ncv[codes]
    )
    unit_bad = np.isnan(carbon) & ~missing
    for k in np.flatnonzero(unit_bad):
        problems.append(
            Problem(
                f"{_at(sub, 'unit', k)} × {_at(sub, 'carbon_content_unit', k)} is not a carbon mass",
                file=ctx.source,
                row=int(_at(sub, "row", k)),
                field="carbon_content_unit",
                record_id=str(_at(sub, "record_id", k)),
                accepted="tC/t for a quantity in t (or tC/TJ with an NCV)",
            )
        )
    bad = missing | unit_bad
    china = sub["method"].to_numpy(dtype=object) == "mass_balance_cn"
    f = np.where(china, F_CHINA, F_EU)
    sign = np.where(sub["direction"].to_numpy(dtype=object) == "output", -1.0, 1.0)
    co2 = sign * carbon * f
    ok = ~bad
    out = rows(
        sub["pos"].to_numpy()[ok],
        gas="CO2",
        mass_kg=co2[ok],
        co2e_kg=co2[ok],
        method=np.where(china[ok], "mass_balance:f=44/12 (China MEE)", "mass_balance:f=3.664 (EU MRR/CBAM)"),
        factor_full_id="mass_balance",
        factor_set="mass_balance",
        factor_edition="",
        factor_id=np.where(china[ok], "f=44/12", "f=3.664"),
        factor_value=f[ok],
        factor_unit="t CO2 / t C",
        parameters=(
            "CC "
            + fmt(sub["carbon_content"])[ok]
            + " "
            + sub["carbon_content_unit"].to_numpy(dtype=object)[ok]
            + " (measured); "
            + np.where(sign[ok] < 0, "output (subtracted)", "input")
        ),
        lineage=np.where(
            china[ok],
            "mass balance E = 44/12 × Σ ± AD × CC (MEE guidelines)",
            "mass balance E = 3.664 × Σ ± AD × CC (MRR 2018/2066 Art. 25; IR 2025/2547 Annex II B.3.2)",
        ),
        flags="mass_balance_component",
    )
    return MethodOutput(out, np.asarray(sub["pos"].to_numpy()[bad], dtype=np.int64), problems)
