"""The two worked examples: committed workbooks are their scripts' output, and the results equal an
independent hand computation from the scripts' plant data (illustrative data, shipped factors)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from carbonledger.regimes.china_ets import run_china_ets
from carbonledger.regimes.china_ets.template_builder import build_workbook

from .conftest import CO2_PER_C
from .originals import original

ROOT = Path(__file__).resolve().parents[2]


def load(name: str) -> ModuleType:
    path = ROOT / "examples" / name / "make_facility.py"
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("name", "sector"), [("chongqing_power_unit", "power"), ("chongqing_cement", "cement")])
def test_committed_workbook_is_the_script_output(tmp_path: Path, name: str, sector: str) -> None:
    module = load(name)
    built = build_workbook(sector, tmp_path / "facility.xlsx", module.DATA)
    assert built.read_bytes() == (ROOT / "examples" / name / "facility.xlsx").read_bytes()


def diesel_per_t() -> tuple[float, float]:
    """t CO2 per t diesel with the power table (NDRC 2013 power 表1) and the steel family (NDRC 2013)."""
    power = (original("power", "ndrc2013_power.diesel.ncv") / 1000
             * original("power", "ndrc2013_power.diesel.carbon_content") / 1000
             * original("power", "ndrc2013_power.diesel.oxidation") / 100 * CO2_PER_C)
    family = (original("ndrc2013", "ndrc2013.diesel.ncv") * original("ndrc2013", "ndrc2013.diesel.carbon_content")
              / 1000 * original("ndrc2013", "ndrc2013.diesel.oxidation") * CO2_PER_C)
    return power, family


def test_power_example() -> None:
    m = load("chongqing_power_unit")
    r = run_china_ets(ROOT / "examples/chongqing_power_unit/facility.xlsx", sector="power", year=2025)
    assert not r.errors, r.errors
    # coal: Σ FC × C × OF × 44/12 (element carbon measured every month; OF default 0.99, UNVERIFIED)
    coal = sum(fc * c / 100 * 0.99 * CO2_PER_C for fc, c in zip(m.COAL_T, m.COAL_ELEMENT_CARBON_PCT, strict=True))
    diesel = sum(m.DIESEL_T) * diesel_per_t()[0]
    assert r.total_tco2 == pytest.approx(coal + diesel)
    supplied = sum(g * (1 - m.AUXILIARY_SHARE) for g in m.GENERATED_MWH)
    e_heat = m.HEAT_RATIO * (coal + diesel)
    assert r.intensity["tco2_per_mwh_supplied"] == pytest.approx((coal + diesel - e_heat) / supplied)
    assert r.intensity["tco2_per_gj_heat"] == pytest.approx(e_heat / (12 * m.HEAT_GJ))
    info = r.by_source_type(compliance=False)
    assert info["purchased_electricity"] == pytest.approx(sum(m.GRID_MWH) * 0.5703)
    assert info["desulphurisation"] == pytest.approx(sum(m.LIMESTONE_T) * 0.9 * 0.44)
    # no benchmark has a source: the allocation is not computed, and the report says so
    assert r.allowance is not None and r.allowance.allocation is None
    assert any(p.code == "allowance_incomplete" for p in r.problems)


def test_cement_example() -> None:
    m = load("chongqing_cement")
    r = run_china_ets(ROOT / "examples/chongqing_cement/facility.xlsx", sector="cement", year=2024)
    assert not r.errors, r.errors
    cc = original("ndrc2013", "ndrc2013.bituminous_coal.carbon_content")
    of = original("ndrc2013", "ndrc2013.bituminous_coal.oxidation")
    # FC from stocks: purchased + opening − closing = clinker × 0.158 + 300 − 300
    coal = sum(q * m.COAL_PER_T_CLINKER * ncv * cc / 1000 * of * CO2_PER_C
               for q, ncv in zip(m.CLINKER_T, m.COAL_NCV_GJ_PER_T, strict=True))
    diesel = sum(m.DIESEL_T) * diesel_per_t()[1]
    clinker = sum(m.CLINKER_T) * original("process", "cement.clinker.portland")
    slag = -sum(m.CARBIDE_SLAG_T) * original("process", "cement.noncarbonate_deduction.03")
    assert r.by_source_type()["fuel_combustion"] == pytest.approx(coal + diesel)
    assert r.total_tco2 == pytest.approx(coal + diesel + clinker + slag)
    assert r.intensity["value"] == pytest.approx(r.total_tco2 / sum(m.CLINKER_T))
    a = r.allowance
    assert a is not None and a.rule == "verified_emissions" and a.balance == 0.0
    assert a.ccer_usable == 0.0 and a.cost == 0.0 and a.cea_price == 91.8


def test_demo_registry_runs_both_examples(tmp_path: Path) -> None:
    from carbonledger.cli.demo import EXAMPLES

    runners = {e.name: e.runner for e in EXAMPLES}
    for name in ("chongqing_power_unit", "chongqing_cement"):
        written = runners[name](ROOT / "examples" / name, tmp_path)
        assert [p.suffix for p in written] == [".xlsx", ".json"] and all(p.stat().st_size > 0 for p in written)
