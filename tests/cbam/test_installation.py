"""Installation side: monitoring formulas, attribution, SEE with precursors, and the rules of
IR (EU) 2025/2547, against hand-computed values with the source cited."""

from __future__ import annotations

from datetime import date

import pytest

from carbonledger.errors import InputError, ModelError
from carbonledger.regimes.cbam.model import (
    Installation,
    MeasuredSource,
    PFCSource,
    PrecursorInput,
    Product,
    ProductionProcess,
    PurchasedPrecursor,
    SourceStream,
)
from carbonledger.regimes.cbam.monitoring import (
    measured_source_emissions,
    pfc_emissions,
    source_stream_emissions,
)
from carbonledger.regimes.cbam.reference import CbamReference, Cited
from carbonledger.regimes.cbam.see import compute_installation

F = Cited(3.664, "test")  # IR 2025/2547 Annex II B.3.2, Equation 12: f = 3.664 t CO2/t C


def _installation(processes, **kwargs) -> Installation:  # type: ignore[no-untyped-def]
    return Installation(
        name="Test plant",
        country="CN",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        processes=processes,
        **kwargs,
    )


def test_combustion_with_biomass_matches_template_row() -> None:
    # Template B_EmInst row 19 of the Commission's cement example: 25,000 t household waste,
    # NCV 20 GJ/t, EF 83 t CO2/TJ, 15 % biomass → 25,000 × 20/1000 × 83 = 41,500 t CO2,
    # fossil 85 % = 35,275, biomass 6,225 (IR 2025/2547 Annex II B.3.1 standard method).
    stream = SourceStream(
        name="Household waste",
        method="combustion",
        activity_data=25000,
        ncv=20,
        emission_factor=83,
        biomass_fraction=0.15,
    )
    r = source_stream_emissions(stream, F)
    assert r.co2e_fossil_t == pytest.approx(35275.0)
    assert r.co2e_bio_t == pytest.approx(6225.0)
    assert r.energy_fossil_tj == pytest.approx(425.0) and r.energy_bio_tj == pytest.approx(75.0)


def test_combustion_oxidation_factor_and_gas_in_nm3() -> None:
    # 10,000 × 1000 Nm3 natural gas, NCV 35 GJ/1000 Nm3, EF 56.1 t CO2/TJ, OxF 0.99:
    # 10,000 × 35 / 1000 TJ = 350 TJ; × 56.1 × 0.99 = 19,438.65 t CO2
    stream = SourceStream(
        name="Natural gas",
        method="combustion",
        activity_data=10000,
        activity_unit="1000Nm3",
        ncv=35,
        ncv_unit="GJ/1000Nm3",
        emission_factor=56.1,
        oxidation_factor=0.99,
    )
    assert source_stream_emissions(stream, F).co2e_fossil_t == pytest.approx(350 * 56.1 * 0.99)


def test_process_emissions_with_conversion_factor() -> None:
    # raw meal: 1,255,000 t × 0.525 t CO2/t (template cement example row 17) = 658,875 t;
    # with a conversion factor of 98 %: × 0.98
    stream = SourceStream(
        name="Raw meal",
        method="process",
        activity_data=1_255_000,
        emission_factor=0.525,
        ef_unit="t CO2/t",
        conversion_factor=0.98,
    )
    assert source_stream_emissions(stream, F).co2e_fossil_t == pytest.approx(1_255_000 * 0.525 * 0.98)


def test_mass_balance_output_is_negative() -> None:
    # template example row Ex.3: steel output −1,808,226 t with 0.003878 t C/t:
    # −1,808,226 × 0.003878 × 3.664 = −25,693.07 t CO2 (Annex II B.3.2: outputs have negative AD)
    stream = SourceStream(
        name="Steel",
        method="mass_balance",
        activity_data=-1_808_226,
        carbon_content=0.003878,
    )
    assert source_stream_emissions(stream, F).co2e_fossil_t == pytest.approx(-1_808_226 * 0.003878 * 3.664)


def test_cems_n2o_uses_ar5_gwp() -> None:
    # template example row Ex.1 (B_EmInst row 111): 64.2925 g/Nm3 × 4 h × 265,000 Nm3/h
    # = 68.15005 t N2O; × 265 (AR5, also CONST_GWP_N2O of the template) = 18,059.763 t CO2e
    source = MeasuredSource(
        name="N2O", gas="N2O", concentration_g_per_nm3=64.2925, hours=4, flue_gas_flow_knm3_per_h=265
    )
    r = measured_source_emissions(source, "AR5", ("UNVERIFIED",))
    assert r.gas_mass_t == pytest.approx(68.15005)
    assert r.co2e_fossil_t == pytest.approx(68.15005 * 265)
    assert "UNVERIFIED" in r.flags


def test_pfc_slope_method_matches_template_example() -> None:
    # template example row Ex. (B_EmInst row 97): 500,000 t Al, AEF 2.17, AED 1.23 min,
    # SEF 0.146: CF4 = 500,000 × 2.17 × 1.23 × 0.146 / 1000 = 194.8443 t; C2F6 = 0.122 × CF4;
    # CO2e = (CF4 × 6630 + C2F6 × 11100) / 0.98 = 1,587,424.347 (template AU97)
    source = PFCSource(
        name="CWPB",
        method="slope",
        aluminium_produced_t=500000,
        anode_effect_frequency=2.17,
        anode_effect_duration_min=1.23,
        sef_cf4=0.146,
        f_c2f6=0.122,
        collection_efficiency=0.98,
    )
    r = pfc_emissions(source, "AR5", ())
    cf4 = 500000 * 2.17 * 1.23 * 0.146 / 1000
    assert r.detail["cf4_t"] == pytest.approx(194.8443)
    assert r.co2e_fossil_t == pytest.approx((cf4 * 6630 + cf4 * 0.122 * 11100) / 0.98)
    assert r.co2e_fossil_t == pytest.approx(1587424.347, rel=1e-9)


def test_pfc_overvoltage_method() -> None:
    # CF4 = AD × (AEO / CE) × OVC / 1000 = 100,000 × (1.5 / 0.95) × 1.16 / 1000 = 183.1579 t
    source = PFCSource(
        name="SWPB",
        method="overvoltage",
        aluminium_produced_t=100000,
        aeo_mv=1.5,
        current_efficiency=0.95,
        ovc=1.16,
        f_c2f6=0.1,
    )
    r = pfc_emissions(source, "AR5", ())
    cf4 = 100000 * 1.5 / 0.95 * 1.16 / 1000
    assert r.detail["cf4_t"] == pytest.approx(cf4)
    assert r.co2e_fossil_t == pytest.approx(cf4 * 6630 + cf4 * 0.1 * 11100)


def test_percentages_are_refused_where_fractions_are_expected() -> None:
    with pytest.raises(ValueError, match="fraction"):
        PFCSource(
            name="x",
            method="overvoltage",
            aluminium_produced_t=1,
            aeo_mv=1,
            current_efficiency=95,
            ovc=1,
            f_c2f6=0.1,
        )


def test_attribution_heat_waste_gas_and_electricity_export() -> None:
    """AttrEm_dir = DirEm* + heat_imp×EF − heat_exp×EF + WG_imp×EF_NG − WG_exp×EF_NG×0.667
    − el_exp×EF (IR 2025/2547 Annex III A; template D_Processes): with DirEm* 10,000, 100 TJ
    heat imported at 70, 20 TJ exported at 60, 50 TJ waste gas imported, 30 TJ exported,
    1,000 MWh exported at 0.8: 10,000 + 7,000 − 1,200 + 50×56.1 − 30×56.1×0.667 − 800
    = 15,000 + 2,805 − 1,122.561 − 800 = 17,805 − 1,922.561 … computed below."""
    expected = 10000 + 100 * 70 - 20 * 60 + 50 * 56.1 - 30 * 56.1 * 0.667 - 1000 * 0.8
    process = ProductionProcess(
        id="P1",
        category="Crude steel",
        activity_level_t=1000,
        direct_emissions_t=10000,
        heat_imported_tj=100,
        heat_imported_ef=70,
        heat_exported_tj=20,
        heat_exported_ef=60,
        waste_gas_imported_tj=50,
        waste_gas_exported_tj=30,
        electricity_exported_mwh=1000,
        electricity_exported_ef=0.8,
    )
    result = compute_installation(_installation([process]))
    p = result.processes[0]
    assert p.attributed_direct_t == pytest.approx(expected)
    assert p.see_direct == pytest.approx(expected / 1000)
    assert p.see_indirect == 0.0  # crude steel is an Annex II good: direct only (Art. 7(1))
    assert "UNVERIFIED" in p.flags and "waste_gas_correction" in p.flags


def test_unknown_heat_factor_uses_flagged_natural_gas_reference() -> None:
    # 10 TJ heat imported, EF unknown: 56.1 / 0.90 = 62.333 t CO2/TJ (UNVERIFIED efficiency)
    process = ProductionProcess(
        id="P1", category="Crude steel", activity_level_t=100, direct_emissions_t=0, heat_imported_tj=10
    )
    result = compute_installation(_installation([process]))
    assert result.processes[0].attributed_direct_t == pytest.approx(10 * 56.1 / 0.9)
    assert "heat_ef_reference_natural_gas" in result.processes[0].flags
    assert any(w.code == "heat_reference" for w in result.warnings)


def test_annex_ii_good_includes_indirect_of_non_annex_ii_precursor() -> None:
    """IR 2025/2547 Annex I pt 3.1: a complex good in Annex II (pig iron) includes the indirect
    emissions of a precursor not in Annex II (sintered ore). Pig iron: DirEm* 1,500 t for 1,000 t,
    1,400 t sinter at 0.20 direct + 0.06 indirect:
    SEE_dir = 1.5 + 1.4 × 0.20 = 1.78; SEE_ind = 1.4 × 0.06 = 0.084 (own electricity excluded)."""
    sinter = PurchasedPrecursor(id="S", category="Sintered Ore", see_direct=0.20, see_indirect=0.06)
    pig = ProductionProcess(
        id="BF",
        category="Pig iron",
        activity_level_t=1000,
        direct_emissions_t=1500,
        electricity_consumed_mwh=50000,
        electricity_ef=0.5,
        precursors=[PrecursorInput(source="S", amount_t=1400)],
    )
    result = compute_installation(_installation([pig], purchased_precursors=[sinter]))
    p = result.processes[0]
    assert p.see_direct == pytest.approx(1.78)
    assert p.see_indirect == pytest.approx(0.084)
    assert p.attributed_indirect_t == pytest.approx(25000)  # reported for information only


def test_non_annex_ii_good_excludes_indirect_of_annex_ii_precursor() -> None:
    """IR 2025/2547 Annex I pt 3.1: a complex good not in Annex II (ammonia) does not include the
    indirect emissions of an Annex II precursor (hydrogen). Ammonia: DirEm* 400 t for 1,000 t,
    electricity 100 MWh × 0.6; 180 t hydrogen at 9.0 direct + 2.0 indirect:
    SEE_dir = 0.4 + 0.18 × 9 = 2.02; SEE_ind = 0.06 (hydrogen's 2.0 excluded)."""
    hydrogen = PurchasedPrecursor(id="H2", category="Hydrogen", see_direct=9.0, see_indirect=2.0)
    ammonia = ProductionProcess(
        id="NH3",
        category="Ammonia",
        activity_level_t=1000,
        direct_emissions_t=400,
        electricity_consumed_mwh=100,
        electricity_ef=0.6,
        precursors=[PrecursorInput(source="H2", amount_t=180)],
    )
    result = compute_installation(_installation([ammonia], purchased_precursors=[hydrogen]))
    p = result.processes[0]
    assert p.see_direct == pytest.approx(2.02)
    assert p.see_indirect == pytest.approx(0.06)


def test_recursive_precursors_through_processes() -> None:
    """SEE_g = ae_g + Σ m_i SEE_i recursively (Annex III B, Equation 62): crude steel 1,000 t,
    DirEm* 200, uses 900 t pig iron (DirEm* 1,350 for 900 t → 1.5 t/t): SEE = 0.2 + 0.9 × 1.5 = 1.55.
    Hot rolling 950 t, DirEm* 95, uses 1,000 t crude steel: SEE = 0.1 + (1000/950) × 1.55."""
    pig = ProductionProcess(id="BF", category="Pig iron", activity_level_t=900, direct_emissions_t=1350)
    steel = ProductionProcess(
        id="BOF",
        category="Crude steel",
        activity_level_t=1000,
        direct_emissions_t=200,
        precursors=[PrecursorInput(source="BF", amount_t=900)],
    )
    hsm = ProductionProcess(
        id="HSM",
        category="Iron or steel products",
        activity_level_t=950,
        direct_emissions_t=95,
        precursors=[PrecursorInput(source="BOF", amount_t=1000)],
    )
    result = compute_installation(
        _installation([hsm, steel, pig], products=[Product(cn_code="72083900", process="HSM")])
    )
    by = {p.id: p for p in result.processes}
    assert by["BOF"].see_direct == pytest.approx(1.55)
    assert by["HSM"].see_direct == pytest.approx(0.1 + 1000 / 950 * 1.55)
    assert result.goods[0].see_total == pytest.approx(0.1 + 1000 / 950 * 1.55)


def test_precursor_origin_exempt_counts_zero() -> None:
    # Annex III B: a precursor originating in the Union counts as zero
    pig = PurchasedPrecursor(id="PI", category="Pig iron", see_direct=1.9, origin_exempt=True)
    steel = ProductionProcess(
        id="BOF",
        category="Crude steel",
        activity_level_t=100,
        direct_emissions_t=20,
        precursors=[PrecursorInput(source="PI", amount_t=90)],
    )
    result = compute_installation(_installation([steel], purchased_precursors=[pig]))
    assert result.processes[0].see_direct == pytest.approx(0.2)


def test_precursor_default_value_is_looked_up_and_flagged() -> None:
    # China pig iron 7201 default 1.66 t CO2e/t (regulatory-facts §A.3); 90 t into 100 t steel,
    # DirEm* 20: SEE = 0.2 + 0.9 × 1.66 = 1.694; the whole precursor share is 'default'
    pig = PurchasedPrecursor(
        id="PI", category="Pig iron", cn_code="72011011", country="CN", value_source="default"
    )
    steel = ProductionProcess(
        id="BOF",
        category="Crude steel",
        activity_level_t=100,
        direct_emissions_t=20,
        precursors=[PrecursorInput(source="PI", amount_t=90)],
    )
    result = compute_installation(_installation([steel], purchased_precursors=[pig]))
    p = result.processes[0]
    assert p.see_direct == pytest.approx(0.2 + 0.9 * 1.66)
    assert p.default_share == pytest.approx(0.9 * 1.66 / (0.2 + 0.9 * 1.66))
    assert "precursor_default_value" in p.flags


def test_precursor_loop_is_a_model_error() -> None:
    a = ProductionProcess(
        id="A",
        category="Crude steel",
        activity_level_t=1,
        direct_emissions_t=1,
        precursors=[PrecursorInput(source="B", amount_t=1)],
    )
    b = ProductionProcess(
        id="B",
        category="Pig iron",
        activity_level_t=1,
        direct_emissions_t=1,
        precursors=[PrecursorInput(source="A", amount_t=1)],
    )
    with pytest.raises(ModelError) as info:
        compute_installation(_installation([a, b]))
    assert "A → B → A" in str(info.value)


def test_missing_activity_level_and_electricity_factor_are_reported_together() -> None:
    cement = ProductionProcess(
        id="K", category="Cement", activity_level_t=None, direct_emissions_t=100, electricity_consumed_mwh=10
    )
    with pytest.raises(InputError) as info:
        compute_installation(_installation([cement]))
    fields = {p.field for p in info.value.problems}
    assert "processes[0].activity_level_t" in fields
    assert "processes[0].electricity_ef" in fields
    message = next(p.message for p in info.value.problems if p.field == "processes[0].electricity_ef")
    assert "IEA" in message and "CC BY-NC-SA" in message


def test_steel_needs_no_electricity_factor() -> None:
    # Annex II goods: indirect emissions do not count, so a missing grid factor is no error
    steel = ProductionProcess(
        id="BOF",
        category="Crude steel",
        activity_level_t=10,
        direct_emissions_t=5,
        electricity_consumed_mwh=100,
    )
    result = compute_installation(_installation([steel]))
    assert result.processes[0].see_total == pytest.approx(0.5)


def test_free_allocation_basis_chain_uses_column_a() -> None:
    """IR 2025/2620 Annex pt 3.3, Equation 4: basis = BM*_g + Σ m_i basis_i. Hot-rolled coil
    7208 (Column A 0.044) from 1,050 t crude steel per 1,000 t, crude steel 7207 12 10 route C
    (Column A 0.188): 0.044 + 1.05 × 0.188 = 0.2414."""
    steel = ProductionProcess(
        id="BOF",
        category="Crude steel",
        activity_level_t=1050,
        direct_emissions_t=100,
        benchmark_cn="72071210",
        benchmark_route="C",
    )
    hsm = ProductionProcess(
        id="HSM",
        category="Iron or steel products",
        activity_level_t=1000,
        direct_emissions_t=50,
        precursors=[PrecursorInput(source="BOF", amount_t=1050)],
    )
    result = compute_installation(
        _installation([steel, hsm], products=[Product(cn_code="72083900", process="HSM")])
    )
    assert result.goods[0].free_allocation_basis == pytest.approx(0.044 + 1.05 * 0.188)
    assert "provisional" in result.goods[0].flags


def test_cement_functional_unit_per_tonne_of_clinker() -> None:
    # SEE per t cement / clinker factor = SEE per t of clinker contained (2025/2547 recital 6)
    kiln = ProductionProcess(
        id="P1", category="Cement", activity_level_t=1000, direct_emissions_t=700, electricity_consumed_mwh=0
    )
    result = compute_installation(
        _installation([kiln], products=[Product(cn_code="25232900", process="P1", clinker_factor=0.7)])
    )
    assert result.goods[0].see_total_per_t_clinker == pytest.approx(0.7 / 0.7)


def test_reference_is_shared_and_cited() -> None:
    ref = CbamReference()
    f = ref.parameter("carbon_to_co2_ratio")
    assert f.value == 3.664 and "B.3.2" in f.citation
    assert ref.parameter("ef_natural_gas_reference").value == 56.1
