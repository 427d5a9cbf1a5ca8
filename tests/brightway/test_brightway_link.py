"""BOM inputs linked to activities of a Brightway project (``source = brightway``).

The background project is built in ``conftest.py``. Expected values by hand (kg CO2e per unit
of the activity), with carbonledger's AR6 GWP100 values (IPCC AR6 WG1 Table 7.15: CH4 fossil
29.8, non-fossil 27.0; Table 7.SM.7: N2O 273, HFC-134a 1530):

* electricity, CN: 0.5 CO2 + 0.001 CH4 fossil → 0.5 + 0.0298 = 0.5298 per kWh
* steel: 1.5 CO2 + 0.0001 N2O + 2 kWh of that electricity → 1.5 + 0.0273 + 1.0596 = 2.5869 per kg
  (0.3 kg biogenic CO2: memo, outside the PCF)
* lorry: 0.1 CO2 + 0.0002 CH4 non-fossil → 0.1054 per tkm with carbonledger's method (ethane is
  not in carbonledger's GWP table); with the test method (ethane 0.437): 0.10977
* sawnwood: 2 kg CO2 from soil or biomass stock (land-use change) + 0.00001 HFC-134a → 2.0153
  per m3 (the 5 kg to soil are not an emission)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("bw2data")

from _bw_project import TEST_METHOD

from carbonledger.errors import InputError
from carbonledger.footprint import build_model, compute_footprints

pytestmark = pytest.mark.brightway

ELEC = 0.5 + 0.001 * 29.8
STEEL = 1.5 + 0.0001 * 273 + 2 * ELEC
TRUCK = 0.1 + 0.0002 * 27.0
TRUCK_TEST_METHOD = TRUCK + 0.01 * 0.437
WOOD = 2.0 + 0.00001 * 1530


def tables(base: Path, **extra_settings: str) -> dict[str, object]:
    products = pd.DataFrame([
        {"product_id": "STEEL", "name": "Steel", "unit": "t", "source": "brightway", "brightway_activity": "bg|steel",
         "technological_dqr": "3", "temporal_dqr": "2", "geographical_dqr": "4"},
        {"product_id": "POWER", "name": "Power", "unit": "MWh", "source": "brightway",
         "brightway_activity": "bg|electricity production|CN"},
        {"product_id": "LORRY", "name": "Lorry transport", "unit": "tkm", "source": "brightway",
         "brightway_activity": "bg|truck", "brightway_method": "|".join(TEST_METHOD)},
        {"product_id": "WOOD", "name": "Sawnwood", "unit": "m3", "source": "brightway", "brightway_activity": "bg|wood"},
        {"product_id": "FRAME", "name": "Frame", "unit": "piece", "source": "process"},
    ])
    processes = pd.DataFrame([{"process_id": "WELD", "region": "CN"}])
    outputs = pd.DataFrame([{"process_id": "WELD", "product_id": "FRAME", "amount": "1"}])
    inputs = pd.DataFrame([
        {"process_id": "WELD", "product_id": "STEEL", "amount": "12", "unit": "kg"},
        {"process_id": "WELD", "product_id": "POWER", "amount": "5", "unit": "kWh"},
        {"process_id": "WELD", "product_id": "LORRY", "amount": "0.05"},
        {"process_id": "WELD", "product_id": "WOOD", "amount": "0.001"},
    ])
    settings = {"reference_period_start": "2025-01-01", "reference_period_end": "2026-01-01",
                "company_name": "Test Co.", "brightway_project": "bg", "brightway_dir": str(base), **extra_settings}
    return {"products": products, "processes": processes, "outputs": outputs, "inputs": inputs, "settings": settings}


def test_linked_activities_are_scored_by_brightway_per_product_unit(background: Path) -> None:
    result = compute_footprints(build_model(**tables(background)))
    # per product unit: 1 t = 1000 kg, 1 MWh = 1000 kWh (pint through Brightway's unit names)
    assert result.pcf("STEEL") == pytest.approx(1000 * STEEL, rel=1e-6)
    assert result.pcf("POWER") == pytest.approx(1000 * ELEC, rel=1e-6)
    assert result.pcf("LORRY") == pytest.approx(TRUCK_TEST_METHOD, rel=1e-6)
    assert result.pcf("WOOD") == pytest.approx(WOOD, rel=1e-6)
    frame = 0.012 * 1000 * STEEL + 0.005 * 1000 * ELEC + 0.05 * TRUCK_TEST_METHOD + 0.001 * WOOD
    assert result.pcf("FRAME") == pytest.approx(frame, rel=1e-6)
    figures = result.figures("WOOD")
    assert figures.land_use_change == pytest.approx(2.0, rel=1e-6)  # ecoinvent's 'from soil or biomass stock'
    assert result.figures("STEEL").biogenic_co2_uptake == 0.0
    row = result.products.set_index("product_id").loc["STEEL"]
    assert row["biogenic_co2_memo"] == pytest.approx(300.0, rel=1e-6)  # 0.3 kg per kg, memo
    assert row["gas:N2O"] == pytest.approx(1000 * 0.0001 * 273, rel=1e-6)
    assert row["technological_dqr"] == pytest.approx(3.0)


def test_lineage_names_project_database_activity_and_method(background: Path) -> None:
    result = compute_footprints(build_model(**tables(background)))
    purchased = result.system.flows.purchased.set_index("product_id")
    steel = purchased.loc["STEEL"]
    assert steel["source"] == "brightway"
    assert steel["factor_set"] == "bg" and steel["factor_id"] == "steel"
    assert "Brightway project 'bg'" in steel["lineage"] and "bg|steel 'steel production' [GLO]" in steel["lineage"]
    assert "carbonledger | climate change | GWP100 AR6" in steel["lineage"]
    assert "× 1000 kilogram per unit of the product" in steel["lineage"]
    lorry = purchased.loc["LORRY"]
    assert "test IPCC | GWP100" in lorry["lineage"] and "flows carbonledger does not classify" in lorry["lineage"]
    flows = result.system.flows.table
    lorry_flows = flows[flows["owner"] == "LORRY"]
    assert set(lorry_flows["gwp_basis"]) == {"AR6"}  # read from the method's N2O factor (273)
    assert lorry_flows["co2e_kg"].sum() == pytest.approx(TRUCK_TEST_METHOD, rel=1e-6)
    assert result.statement("FRAME").secondary_emission_factor_sources == (("bg", "bg"),)


def test_model_method_setting_and_gwp_set(background: Path) -> None:
    """The model's brightway_method applies to every linked product without its own; AR5 changes the
    carbonledger-characterised scores (N2O 265, CH4 28)."""
    result = compute_footprints(build_model(**tables(background, gwp="AR5")))
    steel_ar5 = 1.5 + 0.0001 * 265 + 2 * (0.5 + 0.001 * 28)
    assert result.pcf("STEEL") == pytest.approx(1000 * steel_ar5, rel=1e-6)
    with_method = compute_footprints(build_model(**tables(background, brightway_method="|".join(TEST_METHOD))))
    # the test method counts the soil flow (−1) and ethane; sawnwood: 2 − 5 + 0.0153
    assert with_method.pcf("WOOD") == pytest.approx(2.0 - 5.0 + 0.00001 * 1530, rel=1e-6)


def test_every_bad_link_is_reported_at_once(background: Path) -> None:
    t = tables(background)
    products = t["products"]
    assert isinstance(products, pd.DataFrame)
    products.loc[0, "brightway_activity"] = "bg|no-such-code"
    products.loc[1, "brightway_activity"] = "nodb|elec"
    products.loc[2, "brightway_method"] = "no such|method"
    products.loc[3, "unit"] = "kg"  # sawnwood is per cubic meter
    with pytest.raises(InputError) as err:
        compute_footprints(build_model(**t))
    text = str(err.value)
    assert "no activity with code 'no-such-code'" in text and "row 2" in text
    assert "no database 'nodb'" in text and "accepted: one of:" in text and "bg" in text
    assert "no LCIA method ('no such', 'method')" in text and "row 4" in text
    assert "cubic meter" in text and "row 5" in text


def test_ambiguous_name_search_lists_the_candidates(background: Path) -> None:
    t = tables(background)
    products = t["products"]
    assert isinstance(products, pd.DataFrame)
    products.loc[1, "brightway_activity"] = "bg|electricity production|US"
    with pytest.raises(InputError, match=r"locations with that name: CN, DE"):
        compute_footprints(build_model(**t))


def test_missing_project_and_missing_activity_column(background: Path) -> None:
    t = tables(background)
    settings = t["settings"]
    assert isinstance(settings, dict)
    settings["brightway_project"] = "nope"
    with pytest.raises(InputError, match=r"no Brightway project 'nope'.*accepted: bg"):
        compute_footprints(build_model(**t))
    t = tables(background)
    products = t["products"]
    assert isinstance(products, pd.DataFrame)
    products.loc[0, "brightway_activity"] = ""
    with pytest.raises(InputError, match="needs the activity it links to"):
        build_model(**t)
