"""Fixtures of the footprint tests (the model is in _door_model.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from _door_model import door_tables


@pytest.fixture
def door() -> dict[str, Any]:
    return copy.deepcopy(door_tables())
