"""QReport XML: written files validate against QReport_ver23.00.xsd (checked with lxml,
independently of the xmlschema validation the writer does), read back safely."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from lxml import etree

from carbonledger.errors import InputError
from carbonledger.regimes.cbam.certificates import compute_exposure
from carbonledger.regimes.cbam.imports import read_imports, validate_imports
from carbonledger.regimes.cbam.qreport_xml import NAMESPACE, Declarant, build_qreports, read_qreport

DECLARANT = Declarant(
    identification_number="DE123456789012345",
    name="EU Steel Trading GmbH",
    city="Duisburg",
    signature="Anna Example",
    signature_place="Duisburg",
    position="CBAM compliance officer",
)
ROWS = (
    "line_id,importer,supplier,installation,cn_code,country,net_mass_t,quarter,see_direct,see_indirect,"
    "customs_procedure,description\n"
    "1,EU Steel,CQ Steel,CQ-BFBOF-01,7208 39 00,CN,1200.5,2026-Q1,2.05,0.004,40,Hot-rolled coil\n"
    "2,EU Steel,Other,default,7214 20 00,CN,300,2026-Q1,,,40,Rebar\n"
    "3,EU Steel,Cement Co,default,2523 29 00,TR,80,2026-Q2,,,40,\n"
)


def _lxml_schema() -> etree.XMLSchema:
    folder = resources.files("carbonledger") / "data" / "specs" / "cbam"
    with resources.as_file(folder / "QReport_ver23.00.xsd") as path:
        return etree.XMLSchema(etree.parse(str(path)))


def _result(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "imports.csv"
    path.write_text(ROWS, encoding="utf-8")
    return compute_exposure(validate_imports(read_imports(path), 2026), 2026, 75.36)


def test_reports_validate_against_the_xsd_with_lxml(tmp_path: Path) -> None:
    reports = build_qreports(_result(tmp_path), DECLARANT)
    assert sorted(reports) == ["2026-Q1", "2026-Q2"]
    schema = _lxml_schema()
    for content in reports.values():
        document = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        assert schema.validate(document), schema.error_log
    q1 = etree.fromstring(reports["2026-Q1"])
    ns = {"c": NAMESPACE}
    goods = q1.findall("c:ImportedGood", ns)
    assert len(goods) == 2
    first = goods[0]
    assert first.findtext("c:CommodityCode/c:CnCode", namespaces=ns) == "72083900"
    assert first.findtext("c:CommodityCode/c:HsCode", namespaces=ns) == "720839"
    assert (
        first.findtext("c:GoodsEmissions/c:DirectEmissions/c:SpecificEmbeddedEmissions", namespaces=ns)
        == "2.05"
    )
    assert first.findtext("c:GoodsEmissions/c:DirectEmissions/c:DeterminationType", namespaces=ns) == "01"
    # steel is an Annex II good: no IndirectEmissions element
    assert first.find("c:GoodsEmissions/c:IndirectEmissions", ns) is None
    # default line: China 7214 20 00 default 3.169 (regulatory-facts §A.3), determination 02
    second = goods[1]
    assert (
        second.findtext("c:GoodsEmissions/c:DirectEmissions/c:SpecificEmbeddedEmissions", namespaces=ns)
        == "3.169"
    )
    assert second.findtext("c:GoodsEmissions/c:DirectEmissions/c:DeterminationType", namespaces=ns) == "02"
    q2 = etree.fromstring(reports["2026-Q2"])
    cement = q2.find("c:ImportedGood", ns)
    assert cement.find("c:GoodsEmissions/c:IndirectEmissions", ns) is not None  # cement: direct + indirect


def test_round_trip_read(tmp_path: Path) -> None:
    reports = build_qreports(_result(tmp_path), DECLARANT)
    path = tmp_path / "q1.xml"
    path.write_bytes(reports["2026-Q1"])
    goods = read_qreport(path)
    assert [(g["cn_code"], g["country"], g["net_mass"]) for g in goods] == [
        ("72083900", "CN", 1200.5),
        ("72142000", "CN", 300.0),
    ]


def test_missing_customs_procedure_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "imports.csv"
    path.write_text(ROWS.replace(",40,Rebar", ",,Rebar"), encoding="utf-8")
    result = compute_exposure(validate_imports(read_imports(path), 2026), 2026, 75.36)
    with pytest.raises(InputError) as info:
        build_qreports(result, DECLARANT)
    assert any(p.field == "customs_procedure" and p.row == 3 for p in info.value.problems)


def test_hostile_xml_is_rejected(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        f'<QReport xmlns="{NAMESPACE}"><ReportingPeriod>&lol2;</ReportingPeriod></QReport>'
    )
    path = tmp_path / "bomb.xml"
    path.write_text(bomb, encoding="utf-8")
    with pytest.raises(InputError, match="unsafe"):
        read_qreport(path)


def test_invalid_report_lists_schema_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(f'<QReport xmlns="{NAMESPACE}"><Year>2026</Year></QReport>', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_qreport(path)
    assert info.value.problems and all(p.code == "xsd" for p in info.value.problems)
