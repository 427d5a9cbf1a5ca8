"""The local PACT v3 API through the framework's test client (no network)."""

from __future__ import annotations

import base64
import json
import warnings
from datetime import UTC, date, datetime
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from carbonledger.pact.export import FootprintStatement, to_v3
from carbonledger.pact.figures import PcfFigures
from carbonledger.pact.server import create_app

CLIENT = ("customer-1", "correct horse battery staple")


def _pf(product: str, geography: str, fossil: float) -> dict[str, Any]:
    doc, problems = to_v3(FootprintStatement(
        product_key=product, company_name="Example Parts Co.", company_ids=("urn:pact:example.com:company-id:1",),
        product_name=product, product_description=product,
        product_ids=(f"urn:pact:example.com:product-id:{product}",),
        figures=PcfFigures(unit="piece", fossil=fossil, fossil_carbon_content=0.01, biogenic_carbon_content=0.0),
        declared_unit="piece", mass_kg_per_unit=2.0, reference_period_start=date(2025, 1, 1),
        reference_period_end=date(2026, 1, 1), ipcc_characterization_factors=("AR6",),
        cross_sectoral_standards=("ISO14067",), geography=geography, primary_data_share=50.0,
        created=datetime(2026, 2, 1, tzinfo=UTC)))
    assert not [p for p in problems if p.severity == "error"]
    return doc


@pytest.fixture
def footprints() -> list[dict[str, Any]]:
    return [_pf("DOOR", "CN-CQ", 17.5), _pf("PANEL", "CN-CQ", 8.25), _pf("HINGE", "DE", 1.0)]


@pytest.fixture
def client(footprints: list[dict[str, Any]]) -> TestClient:
    return TestClient(create_app(footprints, dict([CLIENT])))


def _token(client: TestClient) -> dict[str, str]:
    r = client.post("/auth/token", data={"grant_type": "client_credentials"}, auth=CLIENT)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    return {"Authorization": f"Bearer {body['access_token']}"}


def test_data_endpoints_need_a_token(client: TestClient) -> None:
    for method, path in (("get", "/3/footprints"), ("get", "/3/footprints/x"), ("post", "/3/events")):
        r = getattr(client, method)(path)
        assert r.status_code == 401 and r.json()["code"] == "AccessDenied"
    r = client.get("/3/footprints", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and r.json()["code"] == "AccessDenied"


def test_token_endpoint_rejects_wrong_client_and_grant(client: TestClient) -> None:
    r = client.post("/auth/token", data={"grant_type": "client_credentials"}, auth=(CLIENT[0], "wrong"))
    # 400 with an RFC 6749 §5.2 body, as the PACT conformance checklist (test case 001) expects
    assert r.status_code == 400 and r.json()["error"] == "invalid_client"
    r = client.post("/auth/token", data={"grant_type": "password"}, auth=CLIENT)
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"
    # credentials in the body (RFC 6749 §2.3.1 alternative) work too
    r = client.post("/auth/token", data={"grant_type": "client_credentials", "client_id": CLIENT[0],
                                         "client_secret": CLIENT[1]})
    assert r.status_code == 200
    basic = base64.b64encode(f"{CLIENT[0]}:{CLIENT[1]}".encode()).decode()
    r = client.post("/auth/token", content="grant_type=client_credentials",
                    headers={"Authorization": f"Basic {basic}",
                             "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200


def test_list_filter_and_paginate(client: TestClient, footprints: list[dict[str, Any]]) -> None:
    h = _token(client)
    r = client.get("/3/footprints", headers=h)
    assert r.status_code == 200 and [d["id"] for d in r.json()["data"]] == [f["id"] for f in footprints]
    r = client.get("/3/footprints", params={"productId": ["urn:pact:example.com:product-id:door",
                                                           "urn:pact:example.com:product-id:HINGE"]}, headers=h)
    assert [d["productNameCompany"] for d in r.json()["data"]] == ["DOOR", "HINGE"]  # OR, case-insensitive
    r = client.get("/3/footprints", params={"geography": "CN"}, headers=h)  # CN-CQ lies within CN
    assert len(r.json()["data"]) == 2
    r = client.get("/3/footprints", params={"geography": "DE", "productId": "urn:pact:example.com:product-id:DOOR"},
                   headers=h)
    assert r.json() == {"data": []}  # AND between criteria; the list is empty, not null
    # validity defaults to 3 years from the reference period end (2026-01-01)
    assert len(client.get("/3/footprints", params={"validOn": "2027-06-01T00:00:00Z"}, headers=h).json()["data"]) == 3
    assert client.get("/3/footprints", params={"validOn": "2030-01-01T00:00:00Z"}, headers=h).json() == {"data": []}
    r = client.get("/3/footprints", params={"limit": 2}, headers={**h, "host": "pact.example.com"})
    assert len(r.json()["data"]) == 2
    link = r.headers["link"]
    assert link.startswith("<http://pact.example.com/3/footprints?") and link.endswith('>; rel="next"')
    nxt = link[1:link.index(">")].replace("http://pact.example.com", "")
    r2 = client.get(nxt, headers=h)
    assert [d["id"] for d in r2.json()["data"]] == [footprints[2]["id"]] and "link" not in r2.headers
    assert client.get("/3/footprints", params={"limit": -1}, headers=h).json()["code"] == "BadRequest"
    assert client.get("/3/footprints", params={"validOn": "yesterday"}, headers=h).status_code == 400


def test_get_footprint_and_not_found(client: TestClient, footprints: list[dict[str, Any]]) -> None:
    h = _token(client)
    r = client.get(f"/3/footprints/{footprints[1]['id']}", headers=h)
    assert r.status_code == 200 and r.json()["data"] == footprints[1]
    r = client.get("/3/footprints/00000000-0000-4000-8000-000000000000", headers=h)
    assert r.status_code == 404 and r.json() == {"code": "NotFound",
                                                 "message": "The requested footprint could not be found."}


def test_events(client: TestClient) -> None:
    h = {**_token(client), "Content-Type": "application/cloudevents+json"}
    event = {"type": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3", "specversion": "1.0", "id": "ev-1",
             "source": "//customer.example/3/events", "time": "2026-03-01T00:00:00Z",
             "data": {"productId": ["urn:pact:example.com:product-id:DOOR"], "geography": ["CN"]}}
    r = client.post("/3/events", content=json.dumps(event), headers=h)
    assert r.status_code == 200 and r.content == b""
    assert client.app.state.pact.events[0]["id"] == "ev-1"  # type: ignore[attr-defined]
    bad = {**event, "type": "org.example.Unknown"}
    r = client.post("/3/events", content=json.dumps(bad), headers=h)
    assert r.status_code == 400 and r.json()["code"] == "BadRequest"
    missing = {k: v for k, v in event.items() if k != "time"}
    assert client.post("/3/events", content=json.dumps(missing), headers=h).status_code == 400
    wrong_data = {**event, "data": {"productId": "urn:not-a-list"}}
    assert client.post("/3/events", content=json.dumps(wrong_data), headers=h).status_code == 400


def test_expired_token(footprints: list[dict[str, Any]]) -> None:
    client = TestClient(create_app(footprints, dict([CLIENT]), token_ttl_s=-1))
    h = _token_expired(client)
    r = client.get("/3/footprints", headers=h)
    assert r.status_code == 401 and r.json()["code"] == "TokenExpired"


def _token_expired(client: TestClient) -> dict[str, str]:
    r = client.post("/auth/token", data={"grant_type": "client_credentials"}, auth=CLIENT)
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_server_needs_clients(footprints: list[dict[str, Any]]) -> None:
    with pytest.raises(ValueError, match="client"):
        create_app(footprints, {})
