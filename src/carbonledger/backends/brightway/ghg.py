"""Which Brightway biosphere flows are greenhouse gases, and their carbonledger gas and PACT term.

Flows written by carbonledger (:mod:`.export`) carry their gas and term in the fields
``carbonledger_gas`` and ``carbonledger_term``. Flows of other biosphere databases (ecoinvent's
``biosphere3`` and databases imported with bw2io) are recognised by name, as ecoinvent names
them; the names below are those of the IPCC 2021 GWP100 method in the ecoinvent 3.9 LCIA
implementation shipped with bw2io 0.9 (``bw2io/data/lcia/lcia_39_ecoinvent.zip``):

* only emissions to **air** (first category ``air``) count; flows to soil (``Carbon dioxide,
  to soil or biomass stock``) and resources (``Carbon dioxide, in air``) are not emissions
  (carbonledger reports biogenic uptake through carbon contents, never as a credit);
* ``Carbon dioxide, fossil`` → CO2 (fossil); ``Carbon dioxide, non-fossil`` → CO2_biogenic, a
  memo outside the PCF (PACT, GHG Protocol "outside of scopes"); ``Carbon dioxide, from soil or
  biomass stock`` → CO2 in PACT's ``land_use_change`` term (ecoinvent's IPCC 2021 counts it
  under "climate change: land use"; ecoinvent does not separate direct land-use change from
  land management, so carbonledger reports it as land-use change — flagged in the lineage);
* ``Methane, fossil`` → CH4_fossil; ``Methane, non-fossil`` → CH4_non_fossil (PACT
  ``biogenic_non_co2``); ``Methane, from soil or biomass stock`` → CH4_fossil in
  ``land_use_change`` (ecoinvent's IPCC 2021 gives it the fossil methane value, 29.8);
* ``Dinitrogen monoxide`` → N2O, ``Sulfur hexafluoride`` → SF6, ``Nitrogen fluoride`` → NF3;
* halocarbons by the designation after the last comma (``Ethane, 1,1,1,2-tetrafluoro-,
  HFC-134a`` → HFC-134a, ``Methane, tetrafluoro-, R-14`` → CF4, ``Methane, chlorodifluoro-,
  HCFC-22`` → HCFC-22) when carbonledger's GWP table (``ipcc-gwp``) has that species.

Any other flow is not characterised by carbonledger's GWP methods (for example ethane,
propane and chloroform, which IPCC 2021 gives small GWPs): choose the project's own method
(``brightway_method``) to include them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from carbonledger.errors import GWPError
from carbonledger.gwp import GWP_SETS, canonical_gas, gwp

__all__ = ["GhgFlow", "characterisation", "classify"]

MEMO = "biogenic_co2_memo"


@dataclass(frozen=True)
class GhgFlow:
    """A greenhouse-gas flow: carbonledger gas name and PACT term (or memo)."""

    gas: str
    term: str
    note: str = ""


_LUC_NOTE = "ecoinvent 'from soil or biomass stock' flow reported as land-use change"
_NAMED: dict[str, GhgFlow] = {
    "carbon dioxide": GhgFlow("CO2", "fossil"),
    "carbon dioxide, fossil": GhgFlow("CO2", "fossil"),
    "carbon dioxide, non-fossil": GhgFlow("CO2_biogenic", MEMO),
    "carbon dioxide, biogenic": GhgFlow("CO2_biogenic", MEMO),
    "carbon dioxide, from soil or biomass stock": GhgFlow("CO2", "land_use_change", _LUC_NOTE),
    "carbon dioxide, land transformation": GhgFlow("CO2", "land_use_change", _LUC_NOTE),
    "methane": GhgFlow("CH4", "fossil"),
    "methane, fossil": GhgFlow("CH4_fossil", "fossil"),
    "methane, non-fossil": GhgFlow("CH4_non_fossil", "biogenic_non_co2"),
    "methane, biogenic": GhgFlow("CH4_non_fossil", "biogenic_non_co2"),
    "methane, from soil or biomass stock": GhgFlow("CH4_fossil", "land_use_change", _LUC_NOTE),
    "dinitrogen monoxide": GhgFlow("N2O", "fossil"),
    "nitrous oxide": GhgFlow("N2O", "fossil"),
    "sulfur hexafluoride": GhgFlow("SF6", "fossil"),
    "sulphur hexafluoride": GhgFlow("SF6", "fossil"),
    "nitrogen fluoride": GhgFlow("NF3", "fossil"),
    "nitrogen trifluoride": GhgFlow("NF3", "fossil"),
}


def _known(gas: str) -> bool:
    for s in GWP_SETS:
        try:
            gwp(gas, s)
        except GWPError:
            continue
        return True
    return False


def classify(flow: Mapping[str, Any]) -> GhgFlow | None:
    """The gas and PACT term of a biosphere flow (a node's data), or None when it is not a GHG
    emission carbonledger characterises."""
    gas = flow.get("carbonledger_gas")
    if gas:
        return GhgFlow(str(gas), str(flow.get("carbonledger_term") or "fossil"))
    categories = flow.get("categories") or ()
    if isinstance(categories, str):
        categories = (categories,)
    if not categories or str(categories[0]).strip().lower() != "air":
        return None
    kind = flow.get("type")
    if kind not in (None, "emission", "elementary flow"):
        return None
    name = str(flow.get("name") or "").strip()
    named = _NAMED.get(name.lower())
    if named is not None:
        return named
    if "," not in name:
        return None
    designation = name.rsplit(",", 1)[-1].strip()
    species = canonical_gas(designation)
    if species not in ("CO2", "CO2e", "CH4", "CH4_fossil", "CH4_non_fossil", "CO2_biogenic") and _known(species):
        return GhgFlow(species, "fossil")
    return None


def characterisation(flow: GhgFlow, gwp_set: str) -> float | None:
    """kg CO2e per kg of the flow under ``gwp_set`` (0 for memo flows; 1 for CO2e flows that are
    not split by gas); None when the set has no value for the gas."""
    if flow.term == MEMO or flow.term.endswith("_memo"):
        return 0.0
    try:
        return gwp(flow.gas, gwp_set)
    except GWPError:
        return None
