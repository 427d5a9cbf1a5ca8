"""The optional Brightway 2.5 backend (``pip install "carbonledger[brightway]"``).

* :func:`export_system` — write a product system into a Brightway project: a biosphere database
  of the GHG flows used, a technosphere database (one activity per unit process), and one LCIA
  method per GWP set from carbonledger's GWP table.
* ``compute_footprints(model, backend="brightway")`` — every product's footprint computed by
  bw2calc (:func:`brightway_solution`), checked against carbonledger's own solve.
* ``source = brightway`` products — BOM inputs linked to activities of the user's Brightway
  databases, scored by bw2calc (:mod:`.link`; :func:`activity_ref` turns a search result into a
  reference).
* :func:`import_supply_chain` — a Brightway activity's supply chain as a carbonledger model.

Importing this package does not import Brightway: bw2data and bw2calc are imported inside the
functions that use them, and a missing extra raises
:class:`~carbonledger.errors.OptionalDependencyError` with the install hint. See
``docs/brightway.md``.
"""

from __future__ import annotations

from carbonledger.backends.brightway.compute import BrightwaySolution, brightway_solution
from carbonledger.backends.brightway.export import BrightwayExport, export_system, method_name
from carbonledger.backends.brightway.importer import import_supply_chain
from carbonledger.backends.brightway.link import activity_ref

__all__ = [
    "BrightwayExport",
    "BrightwaySolution",
    "activity_ref",
    "brightway_solution",
    "export_system",
    "import_supply_chain",
    "method_name",
]
