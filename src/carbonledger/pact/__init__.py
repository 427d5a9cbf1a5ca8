"""PACT (Partnership for Carbon Transparency, WBCSD) product footprints, v3.0 and v2.x.

* :mod:`~carbonledger.pact.schemas` — JSON Schema validation (carbonledger's own schemas);
* :mod:`~carbonledger.pact.checks` — semantic rules a schema cannot express;
* :mod:`~carbonledger.pact.model` — the typed v3.0 ProductFootprint (pydantic, exact decimals);
* :mod:`~carbonledger.pact.figures` — the numbers of a footprint, version-independent;
* :mod:`~carbonledger.pact.export` — write v3.0 / v2.3 JSON from a footprint statement;
* :mod:`~carbonledger.pact.importer` — read v3.0 / v2.x JSON into figures (also the Scope 3
  supplier-specific method's reader);
* :mod:`~carbonledger.pact.server` — a minimal local PACT v3 API (FastAPI, ``[server]`` extra).

This package implements the PACT Technical Specifications for PCF Data Exchange (v2.3.3,
v3.0.3), © WBCSD; see ``data/specs/pact/README.md`` for the licence notice.
"""
