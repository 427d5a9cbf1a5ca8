"""A Brightway supply chain read into a carbonledger model (foreground ``fg``, background ``bg``,
built in ``conftest.py``).

By hand, AR6 (IPCC AR6 WG1 Tables 7.15 and 7.SM.7 via carbonledger's ipcc-gwp table):
frame (a run makes 2): (8 kg steel × 2.5869 + 10 kWh × 0.5298 + 1.0 kg CO2) / 2 = 13.4966 per frame;
bicycle: 1 frame + 2 tkm lorry × 0.1054 + 0.4 kg CO2 + 0.00002 kg N2O × 273 = 14.11286.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("bw2data")

from _bw_project import BIO

from carbonledger.backends.brightway import import_supply_chain
from carbonledger.backends.brightway._env import session
from carbonledger.errors import InputError
from carbonledger.footprint import compute_footprints

pytestmark = pytest.mark.brightway

ELEC = 0.5 + 0.001 * 29.8
STEEL = 1.5 + 0.0001 * 273 + 2 * ELEC
TRUCK = 0.1 + 0.0002 * 27.0
FRAME = (8 * STEEL + 10 * ELEC + 1.0) / 2
BIKE = FRAME + 2 * TRUCK + 0.4 + 0.00002 * 273
SETTINGS = {"reference_period_start": "2025-01-01", "reference_period_end": "2026-01-01",
            "company_name": "Bikes Co.", "company_ids": "urn:pact:example.com:company-id:7"}


def test_import_computes_the_brightway_score_and_reports(background: Path) -> None:
    info = {"bike": {"mass_kg": "12"}, "frame": {"mass_kg": "4"},
            "steel": {"fossil_carbon_content": "0.002", "biogenic_carbon_content": "0"}}
    model = import_supply_chain("fg|bike", project="bg", brightway_dir=background, settings=SETTINGS,
                                product_info=info)
    sources = model.products.set_index("product_id")["source"].to_dict()
    assert sources == {"bike": "process", "frame": "process", "truck": "brightway", "steel": "brightway",
                       "elec": "brightway"}
    assert model.products.set_index("product_id").at["bike", "unit"] == "piece"  # Brightway 'unit'
    result = compute_footprints(model)
    assert result.pcf("bike") == pytest.approx(BIKE, rel=1e-6)
    assert result.pcf("frame") == pytest.approx(FRAME, rel=1e-6)
    # the same number from bw2calc directly, with a method of carbonledger's AR6 values on these flows
    with session(background, "bg", feature="tests", create=False) as s:
        bd = s.bd
        name = ("import test", "AR6")
        method = bd.Method(name)
        method.register(unit="kg CO2e")
        method.write([((BIO, "co2"), 1.0), ((BIO, "ch4"), 29.8), ((BIO, "n2o"), 273.0), ((BIO, "ch4bio"), 27.0)])
        lca = s.bc.LCA({bd.get_node(database="fg", code="bike").id: 1.0}, method=name)
        lca.lci()
        lca.lcia()
        assert result.pcf("bike") == pytest.approx(float(lca.score), rel=1e-6)
    # reporting: contributions add up, PACT export works
    contributions = result.process_contributions(["bike"])
    assert contributions["kgco2e_per_unit"].sum() == pytest.approx(result.pcf("bike"), rel=1e-12)
    top = result.top_inputs("bike").set_index("contributor")
    assert top.at["frame", "kgco2e_per_unit"] == pytest.approx(FRAME, rel=1e-6)
    doc, problems = result.pact("bike")
    assert not [p for p in problems if p.severity == "error"]
    assert float(doc["pcf"]["pcfExcludingBiogenicUptake"]) == pytest.approx(BIKE, rel=1e-5)
    memo = result.products.set_index("product_id").at["bike", "biogenic_co2_memo"]
    assert memo == pytest.approx(1.0 + (8 * 0.3) / 2, rel=1e-6)  # bike's own 1.0 + steel's 0.3 per kg


def test_whole_chain_as_foreground(background: Path) -> None:
    model = import_supply_chain("fg|bike", project="bg", brightway_dir=background, settings=SETTINGS,
                                foreground=["fg", "bg"])
    assert set(model.products["source"]) == {"process"}
    assert compute_footprints(model).pcf("bike") == pytest.approx(BIKE, rel=1e-9)  # no float32 storage here


def test_import_errors(background: Path) -> None:
    with pytest.raises(InputError, match="no activity with code 'nope'"):
        import_supply_chain("fg|nope", project="bg", brightway_dir=background, settings=SETTINGS)
    with pytest.raises(InputError, match="product_info names 'wheel'"):
        import_supply_chain("fg|bike", project="bg", brightway_dir=background, settings=SETTINGS,
                            product_info={"wheel": {"mass_kg": "1"}})
    with pytest.raises(InputError, match="no Brightway project 'other'"):
        import_supply_chain("fg|bike", project="other", brightway_dir=background, settings=SETTINGS)
