"""Compare two editions of a factor set: which factors changed and by how much."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonledger.factors.store import FactorSet

__all__ = ["EditionDiff", "diff_editions"]

_KEY = ["factor_id", "parameter", "gas"]


@dataclass(frozen=True)
class EditionDiff:
    old: str
    new: str
    changed: pd.DataFrame  # sorted by |relative change|, largest first
    unchanged: int
    added: pd.DataFrame
    removed: pd.DataFrame
    unit_changed: pd.DataFrame

    def summary(self) -> str:
        return (
            f"{len(self.changed):,} changed, {self.unchanged:,} unchanged, "
            f"{len(self.added):,} added, {len(self.removed):,} removed, "
            f"{len(self.unit_changed):,} with a different unit"
        )

    def to_frame(self) -> pd.DataFrame:
        parts = [
            self.changed.assign(status="changed"),
            self.added.assign(status="added"),
            self.removed.assign(status="removed"),
            self.unit_changed.assign(status="unit_changed"),
        ]
        return pd.concat(parts, ignore_index=True)


def diff_editions(old: FactorSet, new: FactorSet) -> EditionDiff:
    """Join the two tidy tables on (factor_id, parameter, gas).

    A value is *changed* when it differs by more than 1e-12 relative; rows whose unit
    differs are listed separately (their values are not comparable).
    """
    a = old.factors
    b = new.factors
    merged = a.merge(b, on=_KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    both = merged[merged["_merge"] == "both"].copy()
    added = merged[merged["_merge"] == "right_only"]
    removed = merged[merged["_merge"] == "left_only"]
    same_unit = both["unit_old"] == both["unit_new"]
    unit_changed = both[~same_unit]
    both = both[same_unit]
    old_v = both["value_old"].to_numpy(dtype=float)
    new_v = both["value_new"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(old_v != 0, (new_v - old_v) / np.abs(old_v), np.where(new_v != 0, np.inf, 0.0))
    both = both.assign(
        activity=both["activity_new"],
        name=both["name_new"],
        unit=both["unit_new"],
        abs_change=new_v - old_v,
        rel_change=rel,
    )
    is_changed = np.abs(rel) > 1e-12
    columns = [
        "factor_id",
        "activity",
        "name",
        "parameter",
        "gas",
        "unit",
        "value_old",
        "value_new",
        "abs_change",
        "rel_change",
    ]
    changed = both.loc[is_changed, columns]
    changed = changed.reindex(changed["rel_change"].abs().sort_values(ascending=False, kind="stable").index)
    return EditionDiff(
        old=old.full_id,
        new=new.full_id,
        changed=changed.reset_index(drop=True),
        unchanged=int((~is_changed).sum()),
        added=added[_KEY + ["activity_new", "name_new", "value_new", "unit_new"]].reset_index(drop=True),
        removed=removed[_KEY + ["activity_old", "name_old", "value_old", "unit_old"]].reset_index(drop=True),
        unit_changed=unit_changed[_KEY + ["unit_old", "unit_new", "value_old", "value_new"]].reset_index(
            drop=True
        ),
    )
