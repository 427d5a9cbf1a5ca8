"""A minimal local PACT v3 host system (FastAPI), for customers' PACT clients and the PACT
conformance tool.

Endpoints (PACT Technical Specifications for PCF Data Exchange v3.0.3, ``openapi.yaml``):

``POST /auth/token``
    OAuth 2.0 client credentials grant (RFC 6749 §4.4): ``grant_type=client_credentials`` in an
    ``application/x-www-form-urlencoded`` body, the client authenticated with HTTP Basic
    (RFC 6749 §2.3.1; ``client_id``/``client_secret`` in the body are accepted too). Returns
    ``{"access_token", "token_type": "bearer", "expires_in"}``; a wrong client gets 400
    ``{"error": "invalid_client"}`` (the status the PACT specification's example and its
    conformance checklist, test case 001, use), another grant type 400
    ``unsupported_grant_type`` (RFC 6749 §5.2 error codes).
``GET /3/footprints``
    ListFootprints with the filters ``productId``, ``companyId``, ``geography``,
    ``classification`` (each repeatable: OR within, AND between), ``validOn``, ``validAfter``,
    ``validBefore``, ``status``; ``limit`` with an RFC 8288 ``link: <…>; rel="next"`` header
    whose absolute URI uses the request's host.
``GET /3/footprints/{id}``
    GetFootprint; 404 ``NotFound`` when unknown.
``POST /3/events``
    Accepts CloudEvents (``application/cloudevents+json``) of the four PACT event types;
    ``RequestCreatedEvent``s are kept (``app.state.events``) for the data owner to answer.
    An invalid event is 400 ``BadRequest``.
``GET /.well-known/openid-configuration``
    the token endpoint, for clients that discover it.

Every data endpoint needs ``Authorization: Bearer <token>``: a missing or unknown token is 401
``AccessDenied``, an expired one 401 ``TokenExpired`` (error bodies ``{"code", "message"}``,
data type Error). The server keeps tokens in memory, binds to 127.0.0.1 by default and serves
the footprints it was given (files written by ``carbonledger footprint``).
"""



import base64
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

from carbonledger.errors import OptionalDependencyError
from carbonledger.pact.checks import parse_datetime

__all__ = ["EVENT_TYPES", "PactStore", "create_app", "matches"]

EVENT_TYPES = {
    "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3": "RequestCreated",
    "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3": "RequestFulfilled",
    "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3": "RequestRejected",
    "org.wbcsd.pact.ProductFootprint.PublishedEvent.3": "Published",
}
_FILTERS = ("productId", "companyId", "geography", "classification")


@dataclass
class PactStore:
    """The footprints served, the clients allowed, issued tokens and received events."""

    footprints: list[dict[str, Any]]
    clients: Mapping[str, str]  # client id → secret
    token_ttl_s: int = 3600
    tokens: dict[str, tuple[str, float]] = field(default_factory=dict)  # token → (client, expiry)
    events: list[dict[str, Any]] = field(default_factory=list)

    def issue(self, client: str) -> str:
        token = secrets.token_urlsafe(32)
        self.tokens[token] = (client, time.monotonic() + self.token_ttl_s)
        return token


def _validity(fp: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    pcf = fp.get("pcf") or {}
    start = parse_datetime(fp.get("validityPeriodStart"))
    end = parse_datetime(fp.get("validityPeriodEnd"))
    ref_end = parse_datetime(pcf.get("referencePeriodEnd"))
    if start is None:
        start = ref_end
    if end is None and ref_end is not None:
        try:
            end = ref_end.replace(year=ref_end.year + 3)
        except ValueError:
            end = ref_end + timedelta(days=3 * 365)
    return start, end


def _geographies(fp: Mapping[str, Any]) -> set[str]:
    pcf = fp.get("pcf") or {}
    out = set()
    for key in ("geographyRegionOrSubregion", "geographyCountry", "geographyCountrySubdivision"):
        value = pcf.get(key)
        if isinstance(value, str):
            out.add(value.lower())
            if key == "geographyCountrySubdivision":
                out.add(value.split("-", 1)[0].lower())  # a subdivision lies within its country
    return out


def matches(fp: Mapping[str, Any], criteria: Mapping[str, Any]) -> bool:
    """Whether a footprint meets ListFootprints / RequestCreated criteria (OR within a
    criterion, AND between criteria; case-insensitive)."""
    lists = {
        "productId": {str(x).lower() for x in fp.get("productIds", ())},
        "companyId": {str(x).lower() for x in fp.get("companyIds", ())},
        "geography": _geographies(fp),
        "classification": {str(x).lower() for x in fp.get("productClassifications", ()) or ()},
    }
    for name in _FILTERS:
        wanted = criteria.get(name)
        if wanted:
            values = [wanted] if isinstance(wanted, str) else list(wanted)
            if not lists[name] & {str(v).lower() for v in values}:
                return False
    status = criteria.get("status")
    if status and str(fp.get("status", "")).lower() != str(status).lower():
        return False
    start, end = _validity(fp)
    for name in ("validOn", "validAfter", "validBefore"):
        if criteria.get(name) is None:
            continue
        moment = criteria[name] if isinstance(criteria[name], datetime) else parse_datetime(str(criteria[name]))
        if moment is None:
            return False
        if name == "validOn" and not (start is not None and end is not None and start <= moment <= end):
            return False
        if name == "validAfter" and not (start is not None and start > moment):
            return False
        if name == "validBefore" and not (end is not None and end < moment):
            return False
    return True


def create_app(footprints: Iterable[Mapping[str, Any]], clients: Mapping[str, str], *, token_ttl_s: int = 3600) -> Any:
    """The FastAPI application serving ``footprints`` to ``clients`` (id → secret)."""
    try:
        from fastapi import FastAPI, Request
        from fastapi.responses import JSONResponse, Response
    except ImportError:
        raise OptionalDependencyError("the PACT API server", "server", "fastapi") from None
    if not clients:
        raise ValueError("the PACT server needs at least one client (id and secret)")
    store = PactStore(footprints=[dict(f) for f in footprints], clients=dict(clients), token_ttl_s=token_ttl_s)
    app = FastAPI(title="carbonledger PACT host system", version="3.0", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.pact = store

    def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Any:
        return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)

    def authorised(request: Request) -> Any | None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return error(401, "AccessDenied", "Access Denied: a bearer token from /auth/token is required",
                         {"WWW-Authenticate": "Bearer"})
        entry = store.tokens.get(token.strip())
        if entry is None:
            return error(401, "AccessDenied", "Access Denied: unknown token", {"WWW-Authenticate": "Bearer"})
        if entry[1] < time.monotonic():
            store.tokens.pop(token.strip(), None)
            return error(401, "TokenExpired", "The access token has expired",
                         {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return None

    @app.post("/auth/token")
    async def token(request: Request) -> Any:
        body = parse_qs((await request.body()).decode("utf-8", errors="replace"))
        form = {k: v[0] for k, v in body.items() if v}
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
                client_id, _, client_secret = decoded.partition(":")
            except (ValueError, UnicodeDecodeError):
                client_id = client_secret = None
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type",
                                 "error_description": "only grant_type=client_credentials is supported"},
                                status_code=400)
        if not client_id or client_id not in store.clients or not secrets.compare_digest(
                store.clients[client_id], client_secret or ""):
            # 400 as the PACT specification's Action Authenticate example and the PACT conformance
            # checklist (test case 001) expect; RFC 6749 §5.2 would allow 401 here
            return JSONResponse({"error": "invalid_client", "error_description": "unknown client or wrong secret"},
                                status_code=400)
        return JSONResponse({"access_token": store.issue(client_id), "token_type": "bearer",
                             "expires_in": store.token_ttl_s, "scope": "footprint:list footprint:read"},
                            headers={"Cache-Control": "no-store"})

    @app.get("/.well-known/openid-configuration")
    async def discovery(request: Request) -> Any:
        base = str(request.base_url).rstrip("/")
        return {"issuer": base, "token_endpoint": f"{base}/auth/token",
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "grant_types_supported": ["client_credentials"], "response_types_supported": ["token"],
                "subject_types_supported": ["public"], "jwks_uri": f"{base}/.well-known/jwks.json",
                "id_token_signing_alg_values_supported": ["none"]}

    @app.get("/3/footprints")
    async def list_footprints(request: Request) -> Any:
        denied = authorised(request)
        if denied is not None:
            return denied
        query = request.query_params
        criteria: dict[str, Any] = {}
        for name in _FILTERS:
            values = query.getlist(name) or query.getlist(name.lower())
            if values:
                criteria[name] = values
        for name in ("validOn", "validAfter", "validBefore"):
            value = query.get(name) or query.get(name.lower())
            if value is not None:
                moment = parse_datetime(value)
                if moment is None:
                    return error(400, "BadRequest", f"{name} must be an ISO 8601 date-time with a time zone")
                criteria[name] = moment
        status = query.get("status")
        if status is not None:
            if status.lower() not in ("active", "deprecated"):
                return error(400, "BadRequest", "status must be Active or Deprecated")
            criteria["status"] = status
        try:
            limit = int(query["limit"]) if "limit" in query else None
            offset = int(query.get("offset", "0"))
        except ValueError:
            return error(400, "BadRequest", "limit and offset must be non-negative integers")
        if (limit is not None and limit < 0) or offset < 0:
            return error(400, "BadRequest", "limit and offset must be non-negative integers")
        selected = [fp for fp in store.footprints if matches(fp, criteria)]
        end = len(selected) if limit is None else offset + limit
        page = selected[offset:end]
        headers = {}
        if end < len(selected):
            params = [(k, v) for k, v in query.multi_items() if k != "offset"]
            params.append(("offset", str(end)))
            host = request.headers.get("host") or request.url.netloc
            link = f"{request.url.scheme}://{host}{request.url.path}?{urlencode(params)}"
            headers["link"] = f'<{link}>; rel="next"'
        return JSONResponse({"data": page}, headers=headers)

    @app.get("/3/footprints/{pf_id}")
    async def get_footprint(pf_id: str, request: Request) -> Any:
        denied = authorised(request)
        if denied is not None:
            return denied
        for fp in store.footprints:
            if str(fp.get("id", "")).lower() == pf_id.lower():
                return JSONResponse({"data": fp})
        return error(404, "NotFound", "The requested footprint could not be found.")

    @app.post("/3/events")
    async def events(request: Request) -> Any:
        denied = authorised(request)
        if denied is not None:
            return denied
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in ("application/cloudevents+json", "application/json"):
            return error(400, "BadRequest", "events must be sent as application/cloudevents+json")
        import json

        try:
            event = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            return error(400, "BadRequest", "the body is not JSON")
        problem = _event_problem(event)
        if problem:
            return error(400, "BadRequest", problem)
        store.events.append({**event, "receivedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")})
        return Response(status_code=200)

    return app


def _event_problem(event: Any) -> str:
    """What is wrong with a CloudEvent (empty when it is a valid PACT v3 event)."""
    if not isinstance(event, dict):
        return "an event must be a JSON object"
    missing = [k for k in ("type", "specversion", "id", "source", "time", "data") if k not in event]
    if missing:
        return f"missing CloudEvents attribute(s): {', '.join(missing)}"
    kind = EVENT_TYPES.get(str(event["type"]))
    if kind is None:
        return f"unknown event type {event['type']!r}; accepted: {', '.join(EVENT_TYPES)}"
    if parse_datetime(event["time"]) is None:
        return "time must be an ISO 8601 date-time with a time zone"
    data = event["data"]
    if not isinstance(data, dict):
        return "data must be an object"
    if kind == "RequestCreated":
        for name in _FILTERS:
            if name in data and not isinstance(data[name], list):
                return f"data.{name} must be an array"
        for name in ("validOn", "validAfter", "validBefore"):
            if name in data and parse_datetime(data[name]) is None:
                return f"data.{name} must be an ISO 8601 date-time with a time zone"
    if kind in ("RequestFulfilled", "RequestRejected") and "requestEventId" not in data:
        return "data.requestEventId is required"
    if kind == "RequestFulfilled" and not isinstance(data.get("pfs"), list):
        return "data.pfs must be a non-empty array of ProductFootprints"
    if kind == "RequestRejected" and not isinstance(data.get("error"), dict):
        return "data.error is required"
    if kind == "Published" and not isinstance(data.get("pfIds"), list):
        return "data.pfIds must be an array of footprint ids"
    return ""
