"""CBAM quarterly report ("QReport") XML: write, validate, and read safely.

The XML follows ``QReport_ver23.00.xsd`` + ``stypes.xsd`` (namespace
``http://xmlns.ec.eu/BusinessObjects/CBAM/Types/V1``), shipped as package data and used
to validate every file written. One report per quarter: one ``ImportedGood`` per import
line with its embedded-emissions data (actual SEE or, for default lines, the default
direct/indirect values without mark-up) in ``GoodsEmissions``.

Coded fields (role, units, determination type, methodology type, electricity source)
take the values in ``data/specs/cbam/qreport_codes.csv``, which says where each was
observed; the official code lists were not available, so check them before submitting.
The declarant's data come from the caller (a JSON file on the command line).

Incoming XML is parsed with :mod:`defusedxml` (no DTDs, entities or external
references) and then validated against the same schema.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, indent, register_namespace, tostring

import defusedxml.ElementTree as SafeET
import xmlschema

from carbonledger.errors import InputError, Problem, ProblemLog
from carbonledger.regimes.cbam.certificates import ExposureResult

__all__ = ["NAMESPACE", "Declarant", "build_qreports", "codes", "read_qreport", "schema", "validate_qreport"]

NAMESPACE = "http://xmlns.ec.eu/BusinessObjects/CBAM/Types/V1"
_NS = f"{{{NAMESPACE}}}"
register_namespace("", NAMESPACE)


@dataclass(frozen=True)
class Declarant:
    """The reporting declarant and the signature block of the report."""

    identification_number: str  # EORI, an..17
    name: str
    city: str
    signature: str
    signature_place: str
    position: str
    street: str = ""
    postcode: str = ""
    role: str = ""
    methodology_type: str = ""
    electricity_source: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any], file: str = "declarant") -> Declarant:
        fields = {
            f: str(data[f]).strip() for f in cls.__dataclass_fields__ if f in data and data[f] is not None
        }
        missing = [
            f
            for f in ("identification_number", "name", "city", "signature", "signature_place", "position")
            if not fields.get(f)
        ]
        if missing:
            raise InputError(
                [
                    Problem("missing declarant field", file=file, field=m, accepted="a non-empty text")
                    for m in missing
                ],
                summary="the declarant data is incomplete",
            )
        return cls(**fields)


@lru_cache(maxsize=1)
def schema() -> Any:
    """The QReport v23.00 schema (package data)."""
    folder = resources.files("carbonledger") / "data" / "specs" / "cbam"
    with resources.as_file(folder / "QReport_ver23.00.xsd") as path:
        return xmlschema.XMLSchema(str(path))


@lru_cache(maxsize=1)
def codes() -> dict[str, list[dict[str, str]]]:
    """Code values by field from ``qreport_codes.csv``."""
    out: dict[str, list[dict[str, str]]] = {}
    folder = resources.files("carbonledger") / "data" / "specs" / "cbam"
    with (folder / "qreport_codes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["field"], []).append(row)
    return out


def _code(field: str, meaning: str | None = None) -> str:
    rows = codes()[field]
    if meaning is not None:
        rows = [r for r in rows if r["meaning"].startswith(meaning)]
    return rows[0]["value"]


def _dec(value: float, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    text = format(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _add(parent: Element, tag: str, text: str | None = None) -> Element:
    element = SubElement(parent, f"{_NS}{tag}")
    if text is not None:
        element.text = text
    return element


def _clip(text: str, length: int) -> str:
    return text[:length]


def build_qreports(
    result: ExposureResult, declarant: Declarant, submission: datetime | None = None
) -> dict[str, bytes]:
    """One validated QReport XML per quarter present in the result: ``{'2026-Q1': bytes}``.

    Raises :class:`InputError` listing lines that lack data the schema requires (e.g. the
    customs procedure) and any schema violation.
    """
    frame = result.lines
    log = ProblemLog()
    out: dict[str, bytes] = {}
    if frame.empty:
        return out
    methodology = declarant.methodology_type or _code("DirectEmissions/ApplicableReportingTypeMethodology")
    electricity_source = declarant.electricity_source or _code("IndirectEmissions/ElectricitySource")
    for quarter, lines in frame.groupby("quarter", sort=True):
        root = Element(f"{_NS}QReport")
        if submission is not None:
            _add(root, "SubmissionDate", submission.strftime("%Y-%m-%dT%H:%M:%SZ"))
        _add(root, "ReportingPeriod", str(quarter)[-2:])
        _add(root, "Year", str(result.year))
        dec = _add(root, "Declarant")
        _add(dec, "IdentificationNumber", _clip(declarant.identification_number, 17))
        _add(dec, "Name", _clip(declarant.name, 70))
        _add(dec, "Role", declarant.role or _code("Declarant/Role"))
        address = _add(dec, "ActorAddress")
        _add(address, "City", _clip(declarant.city, 35))
        if declarant.street:
            _add(address, "Street", _clip(declarant.street, 70))
        if declarant.postcode:
            _add(address, "Postcode", _clip(declarant.postcode, 17))
        signatures = _add(root, "Signatures")
        confirmation = _add(signatures, "ReportConfirmation")
        _add(confirmation, "GlobalDataConfirmation", "true")
        _add(confirmation, "UseOfDataConfirmation", "true")
        _add(confirmation, "SignaturePlace", _clip(declarant.signature_place, 128))
        _add(confirmation, "Signature", _clip(declarant.signature, 128))
        _add(confirmation, "PositionOfPersonSending", _clip(declarant.position, 128))
        for item, (_, line) in enumerate(lines.iterrows(), start=1):
            _imported_good(
                root,
                item,
                line,
                methodology,
                electricity_source,
                log,
                str(result.lines.attrs.get("file", "")),
            )
        indent(root)
        xml = tostring(root, encoding="utf-8", xml_declaration=True)
        errors = validate_qreport(xml)
        for error in errors:
            log.add(Problem(f"QReport {quarter} does not validate: {error}", code="xsd"))
        out[str(quarter)] = xml
    log.raise_if_errors(InputError, summary="the QReport XML cannot be written")
    return out


def _imported_good(
    root: Element, item: int, line: Any, methodology: str, electricity_source: str, log: ProblemLog, file: str
) -> None:
    procedure = str(line.get("customs_procedure") or "").strip()
    if len(procedure) != 2:
        log.add(
            Problem(
                "the QReport needs the requested customs procedure of the import (2 characters)",
                file=file or None,
                row=int(line["row"]),
                field="customs_procedure",
                value=procedure or None,
                accepted="the procedure code of the customs declaration, e.g. 40",
            )
        )
        procedure = "00"
    good = _add(root, "ImportedGood")
    _add(good, "ItemNumber", str(item))
    commodity = _add(good, "CommodityCode")
    _add(commodity, "HsCode", str(line["cn8"])[:6])
    _add(commodity, "CnCode", str(line["cn8"]))
    details = _add(commodity, "CommodityDetails")
    if line.get("description"):
        _add(details, "Description", _clip(str(line["description"]), 512))
    origin = _add(good, "OriginCountry")
    _add(origin, "Country", str(line["country"]))
    quantity = _add(good, "ImportedQuantity")
    _add(quantity, "SequenceNumber", "1")
    proc = _add(quantity, "Procedure")
    _add(proc, "RequestedProc", procedure)
    area = _add(quantity, "ImportArea")
    _add(area, "ImportArea", _code("ImportedQuantity/ImportArea/ImportArea"))
    measure_proc = _add(quantity, "MeasureProcedureImported")
    _add(measure_proc, "Indicator", _code("MeasureProcedureImported/Indicator"))
    _add(measure_proc, "NetMass", _dec(float(line["net_mass_t"]), 6))
    _add(measure_proc, "MeasurementUnit", _code("MeasureImported/MeasurementUnit"))
    measure = _add(good, "MeasureImported")
    _add(measure, "NetMass", _dec(float(line["net_mass_t"]), 6))
    _add(measure, "MeasurementUnit", _code("MeasureImported/MeasurementUnit"))
    emissions = _add(good, "GoodsEmissions")
    _add(emissions, "SequenceNumber", "1")
    _add(emissions, "ProductionCountry", str(line["country"]))
    produced = _add(emissions, "ProducedMeasure")
    _add(produced, "NetMass", _dec(float(line["net_mass_t"]), 6))
    _add(produced, "MeasurementUnit", _code("MeasureImported/MeasurementUnit"))
    determination = _code(
        "DirectEmissions/DeterminationType", "actual" if line["see_used"] == "actual" else "default"
    )
    unit = _code("GoodsEmissions/*/MeasurementUnit")
    direct = _add(emissions, "DirectEmissions")
    _add(direct, "DeterminationType", determination)
    _add(direct, "ApplicableReportingTypeMethodology", methodology)
    see_direct = line["see_direct"] if line["see_direct"] is not None else line["default_total"]
    _add(direct, "SpecificEmbeddedEmissions", _dec(float(see_direct or 0.0), 7))
    _add(direct, "MeasurementUnit", unit)
    if not bool(line["direct_only"]):
        indirect = _add(emissions, "IndirectEmissions")
        _add(indirect, "DeterminationType", determination)
        _add(indirect, "SpecificEmbeddedEmissions", _dec(float(line["see_indirect"] or 0.0), 7))
        _add(indirect, "MeasurementUnit", unit)
        _add(indirect, "ElectricitySource", electricity_source)
    remarks = []
    if line.get("installation") and str(line["installation"]).lower() != "default":
        remarks.append(f"installation {line['installation']}")
    if line.get("supplier"):
        remarks.append(f"supplier {line['supplier']}")
    if remarks:
        remark = _add(emissions, "RemarksEmissions")
        _add(remark, "SequenceNumber", "1")
        _add(remark, "AdditionalInformation", _clip("; ".join(remarks), 512))


def validate_qreport(xml: bytes) -> list[str]:
    """Schema errors of a QReport document (empty when valid). Parses with defusedxml."""
    try:
        element = SafeET.fromstring(xml)
    except Exception as exc:  # defusedxml rejects DTDs/entities; ParseError for bad XML
        return [f"not well-formed or unsafe XML: {exc}"]
    return [
        str(getattr(e, "reason", e)) + f" (at {getattr(e, 'path', '')})"
        for e in schema().iter_errors(element)
    ]


def read_qreport(path: str | Path) -> list[dict[str, Any]]:
    """Read an incoming QReport safely (defusedxml), validate it, and return its imported
    goods as dicts (CN code, origin, net mass, direct/indirect SEE and determination)."""
    path = Path(path)
    data = path.read_bytes()
    errors = validate_qreport(data)
    if errors:
        raise InputError(
            [Problem(e, file=path.name, code="xsd") for e in errors[:50]],
            summary=f"{path.name} is not a valid QReport v23.00",
        )
    root = SafeET.fromstring(data)
    goods = []
    for good in root.findall(f"{_NS}ImportedGood"):
        emissions = good.find(f"{_NS}GoodsEmissions")
        direct = emissions.find(f"{_NS}DirectEmissions") if emissions is not None else None
        indirect = emissions.find(f"{_NS}IndirectEmissions") if emissions is not None else None
        goods.append(
            {
                "item": good.findtext(f"{_NS}ItemNumber"),
                "cn_code": good.findtext(f"{_NS}CommodityCode/{_NS}CnCode"),
                "country": good.findtext(f"{_NS}OriginCountry/{_NS}Country"),
                "net_mass": float(good.findtext(f"{_NS}MeasureImported/{_NS}NetMass") or "nan"),
                "see_direct": float(direct.findtext(f"{_NS}SpecificEmbeddedEmissions") or "nan")
                if direct is not None
                else None,
                "determination": direct.findtext(f"{_NS}DeterminationType") if direct is not None else None,
                "see_indirect": float(indirect.findtext(f"{_NS}SpecificEmbeddedEmissions") or "nan")
                if indirect is not None
                else None,
            }
        )
    return goods
