"""Small Brightway projects built by the tests themselves (no ecoinvent, no download), each in
its own temporary base directory.

The background project ``bg`` mimics an ecoinvent-style setup: a biosphere database whose flow
names follow ecoinvent's (as in the IPCC 2021 method of the ecoinvent 3.9 LCIA implementation
shipped with bw2io, ``bw2io/data/lcia/lcia_39_ecoinvent.zip``), a background database ``bg``
and a foreground database ``fg``. Exchange amounts are illustrative test numbers, not emission
data. The test method ``("test IPCC", "GWP100")`` uses the AR6 GWP100 values of carbonledger's
``ipcc-gwp`` table (IPCC AR6 WG1 Table 7.15: CH4 fossil 29.8, non-fossil 27.0; Table 7.SM.7: N2O
273, HFC-134a 1530) plus ethane 0.437 as listed for IPCC 2021 in that bw2io file.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("bw2data")

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "footprint"))

from _bw_project import build_background


@pytest.fixture(scope="session")
def background(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("bw-background")
    build_background(base)
    yield base
