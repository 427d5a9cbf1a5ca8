"""The Chongqing BF-BOF example end to end: the mill's SEE, what it communicates, and its EU
customer's 2026 exposure on actual vs default values."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from carbonledger.regimes.cbam.certificates import compute_exposure, phase_in
from carbonledger.regimes.cbam.imports import read_imports, validate_imports
from carbonledger.regimes.cbam.model import Installation
from carbonledger.regimes.cbam.qreport_xml import Declarant, build_qreports, validate_qreport
from carbonledger.regimes.cbam.see import compute_installation

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "chongqing_steel_cbam"


@pytest.fixture(scope="module")
def installation_result():  # type: ignore[no-untyped-def]
    data = json.loads((EXAMPLE / "installation.json").read_text(encoding="utf-8"))
    return compute_installation(Installation.model_validate(data))


def test_sinter_plant_by_hand(installation_result) -> None:  # type: ignore[no-untyped-def]
    """Sinter: coke breeze 200,000 × 0.85 × 3.664 + CaCO3 368,000 × 0.44 + dolomite 114,000 × 0.477
    + natural gas 20,000 × 38.931/1000 TJ × 56.0592 × 0.99; indirect 162,000 MWh × 0.5581."""
    sinter = next(p for p in installation_result.processes if p.id == "SINTER")
    direct = 200000 * 0.85 * 3.664 + 368000 * 0.44 + 114000 * 0.477 + 20000 * 38.931 / 1000 * 56.0592 * 0.99
    assert sinter.dir_em_star_t == pytest.approx(direct)
    assert sinter.see_direct == pytest.approx(direct / 4_050_000)
    assert sinter.see_indirect == pytest.approx(162000 * 0.5581 / 4_050_000)


def test_chain_to_rolled_products_by_hand(installation_result) -> None:  # type: ignore[no-untyped-def]
    by = {p.id: p for p in installation_result.processes}
    ef_ng, corr = 56.1, 0.667  # cbam-parameters: natural-gas reference, waste-gas correction
    # blast furnace: mass balance (coke + PCI − hot metal) × 3.664, minus exported BF gas correction
    bf_dir = (1_110_000 * 0.86 + 480_000 * 0.78 - 3_000_000 * 0.045) * 3.664 - 8200 * ef_ng * corr
    m_sinter = 4_050_000 / 3_000_000
    bf_see_dir = bf_dir / 3_000_000 + m_sinter * by["SINTER"].see_direct
    bf_see_ind = m_sinter * by["SINTER"].see_indirect  # Annex II pig iron keeps sinter's indirect
    assert by["BF"].see_direct == pytest.approx(bf_see_dir)
    assert by["BF"].see_indirect == pytest.approx(bf_see_ind)
    # converters: FeMn on China's default value 1.69 (IR 2025/2621 Annex I, CN 7202 11)
    bof_dir = (
        (3_000_000 * 0.045 + 450_000 * 0.002 + 12_000 * 0.07 - 3_300_000 * 0.0015) * 3.664
        + 90_000 * 0.44
        + 15_000 * 38.931 / 1000 * 56.0592 * 0.99
        - 2500 * ef_ng * corr
    )
    bof_see_dir = bof_dir / 3_300_000 + 3_000_000 / 3_300_000 * bf_see_dir + 12_000 / 3_300_000 * 1.69
    assert by["BOF"].see_direct == pytest.approx(bof_see_dir)
    rolling_dir = 42_000 * 38.931 / 1000 * 56.0592 * 0.99 + 1300 * ef_ng
    see_dir = rolling_dir / 3_200_000 + 3_300_000 / 3_200_000 * bof_see_dir
    goods = {g.cn_code: g for g in installation_result.goods}
    assert goods["72083900"].see_direct == pytest.approx(see_dir)
    assert goods["72142000"].see_total == goods["72083900"].see_total  # one production process
    assert "UNVERIFIED" in goods["72083900"].flags  # waste-gas correction 0.667


def test_imports_carry_the_communicated_values(installation_result) -> None:  # type: ignore[no-untyped-def]
    """The customer's table holds what the mill communicates, rounded to 4 decimals."""
    goods = {g.cn_code: g for g in installation_result.goods}
    table = pd.read_csv(EXAMPLE / "imports_2026.csv", dtype=str, keep_default_na=False)
    actual = table[table["installation"] == "CQ-BFBOF-01"]
    for _, row in actual.iterrows():
        good = goods[row["cn_code"].replace(" ", "")]
        assert float(row["see_direct"]) == pytest.approx(good.see_direct, abs=5e-5)
        assert float(row["see_indirect"]) == pytest.approx(good.see_indirect, abs=5e-5)
        assert float(row["free_allocation_basis"]) == pytest.approx(good.free_allocation_basis, abs=5e-5)


def test_customer_exposure_2026(tmp_path: Path) -> None:
    frame = validate_imports(read_imports(EXAMPLE / "imports_2026.csv"), 2026)
    result = compute_exposure(frame, 2026, 75.36)
    first = result.lines.iloc[0]
    # 8,000 t HRC: EE = 8000 × (1.7486 + 0.0283); FAA = 8000 × 0.975 × 1.0 × 1.3728
    assert first["certificates"] == pytest.approx(8000 * (1.7486 + 0.0283) - 8000 * 0.975 * 1.3728)
    assert first["certificates_default"] == pytest.approx(8000 * (3.187 * 1.1 - 0.975 * 1.370))
    assert result.totals["saving_actual_vs_default_eur"] > 0
    default_line = result.lines[result.lines["see_used"] == "default"].iloc[0]
    assert default_line["cost_eur"] == pytest.approx(5000 * (3.187 * 1.1 - 0.975 * 1.370) * 75.36)
    curve = phase_in(frame, 75.36).set_index("year")
    assert list(curve.index) == list(range(2026, 2035))
    assert (curve["cost_default_eur"] > curve["cost_eur"]).all()
    assert curve["cost_eur"].is_monotonic_increasing
    declarant = Declarant.from_dict(json.loads((EXAMPLE / "declarant.json").read_text(encoding="utf-8")))
    reports = build_qreports(result, declarant)
    assert sorted(reports) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    for xml in reports.values():
        assert validate_qreport(xml) == []
        etree.fromstring(xml)  # well-formed for lxml too
