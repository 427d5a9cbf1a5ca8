"""Export to Brightway and ``backend="brightway"``: Brightway's scores agree with carbonledger's
own solve on a non-trivial system (multi-level BOM, shared inputs, allocation, a loop).

Expected values are computed by hand below from the test model (``_systems.py``) and the GWP100
values of carbonledger's ``ipcc-gwp`` table (AR6: CH4 fossil 29.8 and non-fossil 27.0, IPCC AR6
WG1 Table 7.15; N2O 273, Table 7.SM.7. AR5: CH4 28, N2O 265, GHG Protocol Feb 2016 table).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("bw2data")

from _systems import system_tables

from carbonledger.backends.brightway import export_system, method_name
from carbonledger.backends.brightway._env import session
from carbonledger.backends.brightway.compute import node_ids
from carbonledger.backends.brightway.export import gas_masses
from carbonledger.errors import InputError
from carbonledger.footprint import build_model, build_system, compute_footprints
from carbonledger.footprint.solve import BlockTriangularSolver

pytestmark = pytest.mark.brightway

# hand computation, AR6 (kg CO2e per unit)
SHEET = 2.1 + 0.003 * 29.8  # ROLL: 2.1 kg CO2 + 0.003 kg CH4 fossil
RESIN = (1.2 + 0.0004 * 273 + 0.1 * 0.05) / (1 - 0.1 * 0.5)  # loop: r = 1.3092 + 0.1 g, g = 0.05 + 0.5 r
REGRIND = 0.05 + 0.5 * RESIN
PART_A = 0.75 * (5 * SHEET + 0.6)  # 4 kg net / 0.8 yield; mass allocation 3 kg : 1 kg
OFFCUT = 0.25 * (5 * SHEET + 0.6)
PART_B = (2 * RESIN + 0.5 * SHEET + 0.002 * 27.0) / 2  # MOLD makes 2 per run
ASSY = PART_A + 2 * PART_B + 6 * 0.05 + 0.3  # 6 bolts at 0.05 (supplier CO2e), 0.3 kg CO2 joining
EXPECTED = {"SHEET": SHEET, "RESIN": RESIN, "REGRIND": REGRIND, "PART-A": PART_A, "OFFCUT": OFFCUT,
            "PART-B": PART_B, "ASSY": ASSY, "BOLT": 0.05}
# AR5: CH4 (fossil and non-fossil) 28, N2O 265; the supplier's CO2e keeps its own basis (factor 1)
SHEET5 = 2.1 + 0.003 * 28
RESIN5 = (1.2 + 0.0004 * 265 + 0.005) / 0.95
ASSY5 = 0.75 * (5 * SHEET5 + 0.6) + (2 * RESIN5 + 0.5 * SHEET5 + 0.002 * 28) + 0.3 + 0.3


@pytest.fixture(scope="module")
def system():  # type: ignore[no-untyped-def]
    return build_system(build_model(**system_tables()))


def test_carbonledger_solve_matches_the_hand_computation(system) -> None:  # type: ignore[no-untyped-def]
    result = compute_footprints(system.model, system=system)
    for pid, value in EXPECTED.items():
        assert result.pcf(pid) == pytest.approx(value, rel=1e-12), pid


def test_brightway_backend_agrees_with_carbonledger_on_every_product(system, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    own = compute_footprints(system.model, system=system)
    bw = compute_footprints(system.model, system=system, backend="brightway", brightway_dir=str(tmp_path / "bw"),
                            brightway_project="check")
    assert bw.backend == "brightway"
    info = bw.backend_info
    assert info["method"] == list(method_name("AR6"))
    a = own.products.set_index("product_id")
    b = bw.products.set_index("product_id")
    for pid, value in EXPECTED.items():
        assert b.at[pid, "pcf_excluding_uptake"] == pytest.approx(value, rel=1e-6), pid
        assert b.at[pid, "pcf_excluding_uptake"] == pytest.approx(a.at[pid, "pcf_excluding_uptake"], rel=1e-6)
        for col in ("fossil", "biogenic_non_co2", "biogenic_co2_memo", "stage:production", "gas:CH4"):
            assert b.at[pid, col] == pytest.approx(a.at[pid, col], rel=1e-6, abs=1e-12), (pid, col)
    assert 0 < info["max_rel_diff_vs_carbonledger"] <= 1e-6  # float32 storage: not exact, but close
    assert not [w for w in bw.warnings if w.code in ("brightway_agreement", "residual")]
    # the project stays in the chosen directory for further analysis
    assert (tmp_path / "bw" / "projects.db").exists()
    assert not (tmp_path / "bw" / "tmp").exists()


def test_single_precision_inputs_reproduce_brightway_to_1e12(system, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Brightway stores every matrix value as float32 and solves in float64: rounding carbonledger's
    inputs to float32 and solving them with carbonledger's own solver gives Brightway's scores to
    round-off."""
    export = export_system(system, base_dir=tmp_path, project="f32")
    method = export.methods["AR6"]
    with session(tmp_path, "f32", feature="tests", create=False) as s:
        ids = node_ids(s.bd, export.technosphere)
        scores = {}
        for code in ("ASSY", "PART-B", "RESIN", "OFFCUT"):
            lca = s.bc.LCA({ids[code]: 1.0}, method=method)
            lca.lci()
            lca.lcia()
            scores[code] = float(lca.score)
    a32 = system.a.astype(np.float32).astype(np.float64)
    masses, _ = gas_masses(system)
    cf = dict(zip(export.flows["flow"], export.flows["cf_AR6"], strict=True))
    b32 = np.zeros(system.n)  # characterised column sums from float32-stored masses and factors
    for f, col, mass in zip(masses["flow"], masses["column"], masses["mass"], strict=True):
        b32[col] += float(np.float32(cf[f])) * float(np.float32(mass))
    lam32 = BlockTriangularSolver.build(a32).solve_transposed(b32)
    lam64 = compute_footprints(system.model, system=system).products.set_index("product_id")["pcf_excluding_uptake"]
    for code, score in scores.items():
        k = system.labels.index(code)
        assert score == pytest.approx(lam32[k], rel=1e-12, abs=0), code
        assert score == pytest.approx(lam64[code], rel=1e-6)
    # against the float64 inputs the difference is the float32 rounding, far above 1e-12
    assert max(abs(score - lam64[c]) / lam64[c] for c, score in scores.items()) > 1e-10


def test_export_writes_flows_activities_units_and_gwp_methods(system, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    export = export_system(system, base_dir=tmp_path, project="look")
    assert set(export.flows["flow"]) == {"CO2|fossil", "CH4_fossil|fossil", "N2O|fossil", "CH4_non_fossil|biogenic_non_co2",
                                         "CO2_biogenic|biogenic_co2_memo", "CO2e|fossil"}
    cfs = export.flows.set_index("flow")
    assert cfs.at["N2O|fossil", "cf_AR6"] == 273.0 and cfs.at["N2O|fossil", "cf_AR5"] == 265.0
    assert cfs.at["CO2_biogenic|biogenic_co2_memo", "cf_AR6"] == 0.0
    assert cfs.at["CO2e|fossil", "cf_AR5"] == 1.0
    with session(tmp_path, "look", feature="tests", create=False) as s:
        bd = s.bd
        assert set(export.methods.values()) <= set(bd.methods)
        join = bd.get_node(database="carbonledger", code="ASSY")
        inputs = {e.input["code"]: (e["amount"], e["unit"]) for e in join.technosphere()}
        assert inputs["BOLT"] == (6.0, "unit")  # carbonledger 'piece' → Brightway 'unit'
        assert inputs["PART-B"] == (2.0, "unit")
        cut_a = bd.get_node(database="carbonledger", code="PART-A")
        sheet = {e.input["code"]: e for e in cut_a.technosphere()}["SHEET"]
        assert sheet["amount"] == pytest.approx(5 * 0.75) and sheet["unit"] == "kilogram"  # gross × allocation
        melt = bd.get_node(database="carbonledger", code="RESIN")
        bio = {e.input["code"]: e["amount"] for e in melt.biosphere()}
        assert bio == pytest.approx({"CO2|fossil": 1.2, "N2O|fossil": 0.0004, "CO2_biogenic|biogenic_co2_memo": 0.7})
        ids = node_ids(bd, "carbonledger")
        lca = s.bc.LCA({ids["ASSY"]: 1.0}, method=export.methods["AR5"])
        lca.lci()
        lca.lcia()
        assert lca.score == pytest.approx(ASSY5, rel=1e-6)
    with pytest.raises(InputError, match="already exists"):
        export_system(system, base_dir=tmp_path, project="look")
    again = export_system(system, base_dir=tmp_path, project="look", overwrite=True)
    assert again.exchanges == export.exchanges


def test_export_refuses_to_overwrite_a_database_it_did_not_write(system, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with session(tmp_path, "mine", feature="tests", create=True, writes=True) as s:
        s.bd.Database("carbonledger").write({})
    with pytest.raises(InputError, match="not written by carbonledger"):
        export_system(system, base_dir=tmp_path, project="mine", overwrite=True)
