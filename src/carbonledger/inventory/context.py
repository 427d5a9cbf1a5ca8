"""What every inventory method needs to know about the run."""

from __future__ import annotations

from dataclasses import dataclass, field

from carbonledger.factors.store import FactorStore, default_store

__all__ = ["RunContext"]


@dataclass
class RunContext:
    """The run's factor sets (priority order), GWP set, reporting year and input label."""

    factor_sets: list[str]
    gwp: str = "AR6"
    reporting_year: int | None = None
    source: str | None = None
    store: FactorStore = field(default_factory=default_store)

    def has_activity(self, activity: str) -> bool:
        """True when one of the run's sets has a factor for ``activity``."""
        cache: dict[str, bool] = self.__dict__.setdefault("_has_activity", {})
        if activity not in cache:
            cache[activity] = any(
                "factors" in self.store.load(full_id).tables
                and (self.store.load(full_id).factors["activity"] == activity).any()
                for ref in self.factor_sets
                for full_id in self.store.resolve_ref(ref)
            )
        return cache[activity]

    def sets_with_parameter(self, parameter: str) -> list[str]:
        """The run's set references whose editions hold rows of ``parameter``."""
        out = []
        for ref in self.factor_sets:
            for full_id in self.store.resolve_ref(ref):
                factor_set = self.store.load(full_id)
                if "factors" in factor_set.tables and (factor_set.factors["parameter"] == parameter).any():
                    out.append(ref)
                    break
        return out
