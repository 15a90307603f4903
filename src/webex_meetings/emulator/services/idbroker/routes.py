"""idbroker routes: the token endpoint (refresh_token grant) and token revocation."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qsl, unquote_plus

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ...core.auth import TokenStore
from ...core.errors import OAuthError
from ...core.state import backend_of, get_state
from ..u2c.models import SERVICE_PATHS

TOKEN_PATH = SERVICE_PATHS["idbroker"] + "/idb/oauth2/v1/access_token"
REVOKE_PATH = SERVICE_PATHS["idbroker"] + "/idb/oauth2/v1/revoke"

_FORM_TYPE = "application/x-www-form-urlencoded"


async def _read_form(request: Request) -> dict[str, str]:
    # Parsed by hand: starlette's form parser needs python-multipart, an extra dependency.
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != _FORM_TYPE:
        raise OAuthError("invalid_request", f"The request body must be {_FORM_TYPE}.")
    body = (await request.body()).decode("utf-8", errors="replace")
    return dict(parse_qsl(body, keep_blank_values=True))


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str | None, str | None]:
    """Return ``(client_id, client_secret)`` from HTTP Basic, else from the form."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return form.get("client_id"), form.get("client_secret")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, _, secret = decoded.partition(":")
    # RFC 6749 §2.3.1: both parts are form-encoded before Basic encoding.
    return unquote_plus(client_id), unquote_plus(secret)


async def access_token(request: Request) -> JSONResponse:
    """Exchange a refresh token for a new token pair (refresh tokens rotate)."""
    form = await _read_form(request)
    tokens = backend_of(request, TokenStore)
    client = tokens.check_client(*_client_credentials(request, form))
    grant_type = form.get("grant_type")
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is required.")
    if grant_type != "refresh_token":
        raise OAuthError("unsupported_grant_type", f"Unsupported grant_type {grant_type!r}.")
    pair = tokens.refresh(client, form.get("refresh_token", ""))
    # RFC 6749 §5.1: token responses must not be cached.
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    return JSONResponse(pair.oauth_json(get_state(request).clock()), headers=headers)


async def revoke(request: Request) -> Response:
    """Revoke a token (form ``token``, ``token_type_hint``; client via HTTP Basic).

    The SDK revokes the access token a refresh replaced, and tokens on logout, when a
    client secret is configured. RFC 7009 §2.2: 200 with an empty body, also for
    unknown tokens; the hint is only a hint, so both token kinds are looked up.
    """
    form = await _read_form(request)
    tokens = backend_of(request, TokenStore)
    client = tokens.check_client(*_client_credentials(request, form))
    token = form.get("token")
    if not token:
        raise OAuthError("invalid_request", "token is required.")
    tokens.revoke(client, token)
    return Response(status_code=200)


ROUTES: list[BaseRoute] = [
    Route(TOKEN_PATH, access_token, methods=["POST"]),
    Route(REVOKE_PATH, revoke, methods=["POST"]),
]
