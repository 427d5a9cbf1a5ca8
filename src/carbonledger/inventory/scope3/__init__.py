"""Scope 3: the 15 GHG Protocol categories and their calculation methods.

See ``docs/scope3.md``. Entry point: :func:`carbonledger.inventory.scope3.dispatch.scope3_method`
(called by the inventory engine); inputs: :mod:`carbonledger.inventory.scope3.inputs`.
"""
