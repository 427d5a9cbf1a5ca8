"""Importers: one module per publisher, each rebuilding a tidy factor table from the
publisher's ORIGINAL file. Modules are discovered automatically: any module here that
defines ``SET_ID``, ``VERSION``, ``EDITIONS`` and ``build`` is an importer."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

__all__ = ["importer_modules"]


def importer_modules() -> dict[str, ModuleType]:
    """``{set id: module}`` for every importer in this package."""
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if all(hasattr(module, a) for a in ("SET_ID", "VERSION", "EDITIONS", "build")):
            found[module.SET_ID] = module
    return found
