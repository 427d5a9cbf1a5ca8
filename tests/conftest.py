"""Shared test fixtures."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FACTORS = ROOT / "factors"

# openpyxl warns about header/footer and extensions in publishers' workbooks; harmless.
warnings.filterwarnings("ignore", module="openpyxl")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def factors_root() -> Path:
    return FACTORS
