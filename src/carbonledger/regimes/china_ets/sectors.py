"""The four sectors of China's national ETS and what each one reports.

Sector scope as the sources give it (shared/docs/regulatory-facts.md §B):

* **power** — 《企业温室气体排放核算与报告指南 发电设施》 (MEE 2021, revised 2022): fossil
  fuel combustion ``E = Σ FC × NCV × CC × OF × 44/12`` and purchased electricity
  ``E = AD × EF``; purchased electricity has been outside the compliance boundary since the
  Nov 2024 allocation (ICAP). Output: electricity and heat supplied.
* **steel, cement, aluminium** — the 2024 sector guidelines (CETS-AG series; the aluminium
  one is CETS—AG—04.01—V01—2024). First compliance for 2024 emissions; direct emissions
  only; CO2 for steel and cement, CO2 + CF4 + C2F6 for aluminium (MEE work plan, Mar 2025).
  The fuel tables and process factors of these guidelines were NOT found: defaults come
  from the NDRC 2013 guideline family (``cn-fuel-ndrc2013``) and the unattributed process
  set ``cn-process`` (LOW confidence), both labelled in every result.

Source types group into the compliance-boundary keys of the ``cn-ets-parameters`` set
(``<sector>.<group>``), so what counts is data, not code.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SECTORS", "SOURCE_TYPES", "Product", "Sector", "SourceType"]


@dataclass(frozen=True)
class SourceType:
    """An emission source type: labels and the compliance-boundary group it belongs to."""

    key: str
    zh: str
    en: str
    group: str  # fuel_combustion | process | desulphurisation | purchased_electricity | purchased_heat | memo


SOURCE_TYPES: dict[str, SourceType] = {
    s.key: s
    for s in (
        SourceType("fuel_combustion", "化石燃料燃烧", "Fossil fuel combustion", "fuel_combustion"),
        SourceType("desulphurisation", "脱硫过程", "Desulphurisation (carbonate sorbent)", "desulphurisation"),
        SourceType("clinker", "熟料对应的碳酸盐分解", "Clinker: carbonate decomposition", "process"),
        SourceType(
            "raw_material_deduction",
            "非碳酸盐替代原料扣减",
            "Deduction for non-carbonate alternative raw materials",
            "process",
        ),
        SourceType("carbonate", "其他碳酸盐分解", "Other carbonate decomposition", "process"),
        SourceType("flux", "熔剂消耗", "Fluxes (limestone, dolomite)", "process"),
        SourceType("electrode", "电极消耗", "Electrodes", "process"),
        SourceType("carbon_input", "含碳原料", "Carbon-containing inputs", "process"),
        SourceType("carbon_in_products", "固碳产品", "Carbon fixed in products (subtracted)", "process"),
        SourceType("anode", "炭阳极消耗", "Carbon anode consumption", "process"),
        SourceType("pfc", "阳极效应全氟化碳", "Anode-effect PFCs (CF4, C2F6)", "process"),
        SourceType("purchased_electricity", "购入使用电力", "Purchased electricity", "purchased_electricity"),
        SourceType("purchased_heat", "购入使用热力", "Purchased heat", "purchased_heat"),
        SourceType("biogenic_co2", "生物质二氧化碳", "Biogenic CO2 (memo)", "memo"),
    )
}


@dataclass(frozen=True)
class Product:
    """A production quantity on the production sheet."""

    key: str
    zh: str
    en: str
    unit: str


@dataclass(frozen=True)
class Sector:
    """What one ETS sector reports, computes and is allocated on."""

    key: str
    zh: str
    en: str
    guideline: str
    process_types: tuple[str, ...]
    products: tuple[Product, ...]
    benchmark_products: tuple[str, ...]  # product keys an intensity allocation multiplies
    intensity_product: str  # headline intensity denominator
    fuel_sets: tuple[str, ...]  # default fuel-parameter sets, in priority order
    other_sets: tuple[str, ...]  # grid, heat and process sets

    @property
    def factor_sets(self) -> tuple[str, ...]:
        return self.fuel_sets + self.other_sets

    def product(self, key: str) -> Product:
        return next(p for p in self.products if p.key == key)


_GRID_HEAT = ("cn-ets-grid", "cn-electricity", "cn-heat-default")

SECTORS: dict[str, Sector] = {
    s.key: s
    for s in (
        Sector(
            key="power",
            zh="发电",
            en="Power generation",
            guideline="《企业温室气体排放核算与报告指南 发电设施》 (MEE, 2021; 2022 revision), formulas as summarised "
            "by secondary sources (regulatory-facts.md §B.1)",
            process_types=("desulphurisation",),
            products=(
                Product("electricity_generated", "发电量", "Electricity generated", "MWh"),
                Product("electricity_supplied", "供电量", "Electricity supplied", "MWh"),
                Product("heat_supplied", "供热量", "Heat supplied", "GJ"),
            ),
            benchmark_products=("electricity_supplied", "heat_supplied"),
            intensity_product="electricity_supplied",
            fuel_sets=("cn-fuel-ndrc2013-power", "cn-fuel-ndrc2013"),
            other_sets=_GRID_HEAT,
        ),
        Sector(
            key="steel",
            zh="钢铁",
            en="Iron and steel",
            guideline="national-ETS steel accounting guideline (2024; tables not found: NDRC 2013 steel-family "
            "defaults used, regulatory-facts.md §B.1-B.2)",
            process_types=("flux", "electrode", "carbon_input", "carbon_in_products", "carbonate"),
            products=(Product("crude_steel", "粗钢产量", "Crude steel", "t"),),
            benchmark_products=("crude_steel",),
            intensity_product="crude_steel",
            fuel_sets=("cn-fuel-ndrc2013",),
            other_sets=_GRID_HEAT,
        ),
        Sector(
            key="cement",
            zh="水泥",
            en="Cement (clinker)",
            guideline="national-ETS cement accounting guideline (2024; tables not found: unattributed cn-process "
            "clinker factors, LOW confidence, regulatory-facts.md §B.1-B.2)",
            process_types=("clinker", "raw_material_deduction", "carbonate"),
            products=(
                Product("clinker", "熟料产量", "Clinker", "t"),
                Product("cement", "水泥产量", "Cement", "t"),
            ),
            benchmark_products=("clinker",),
            intensity_product="clinker",
            fuel_sets=("cn-fuel-ndrc2013",),
            other_sets=("cn-process",) + _GRID_HEAT,
        ),
        Sector(
            key="aluminium",
            zh="铝冶炼",
            en="Aluminium smelting",
            guideline="CETS—AG—04.01—V01—2024 aluminium smelting guideline (tables and GWPs not found: "
            "unattributed cn-process anode and PFC factors, LOW confidence, regulatory-facts.md §B.1, §C)",
            process_types=("anode", "pfc", "carbonate"),
            products=(Product("aluminium", "原铝产量", "Primary aluminium", "t"),),
            benchmark_products=("aluminium",),
            intensity_product="aluminium",
            fuel_sets=("cn-fuel-ndrc2013",),
            other_sets=("cn-process",) + _GRID_HEAT,
        ),
    )
}
