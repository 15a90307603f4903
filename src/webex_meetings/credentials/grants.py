"""OAuth grant requests against the identity broker's token endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from webex_meetings._exceptions import APIStatusError, OAuthError

if TYPE_CHECKING:
    from webex_meetings._http import Transport

__all__ = ["refresh_token_grant"]


async def refresh_token_grant(
    transport: Transport,
    *,
    token_url: str,
    client_id: str,
    client_secret: str,
    refresh_token: str,
    redirect_uri: str | None = None,
) -> dict[str, Any]:
    """Exchange a refresh token for a new token (``grant_type=refresh_token``).

    The request goes without the user's token (HTTP Basic client auth instead) and is
    never replayed on 401, as in the JS SDK.

    Returns:
        The token endpoint's JSON body (``access_token``, ``expires_in``, ...).

    Raises:
        OAuthError: the endpoint rejected the grant (a subclass per OAuth ``error``).
    """
    from webex_meetings._http import RequestOptions

    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    if redirect_uri:
        form["redirect_uri"] = redirect_uri
    basic = httpx.BasicAuth(client_id, client_secret)
    # BasicAuth builds its header in its auth flow; take it from there.
    header = next(basic.auth_flow(httpx.Request("POST", token_url))).headers["authorization"]
    options = RequestOptions(
        method="POST",
        url=token_url,
        data=form,
        headers={"authorization": header},
        auth=False,
    )
    try:
        body = await transport.request_json(options)
    except APIStatusError as exc:
        if isinstance(exc.body, dict) and "error" in exc.body:
            raise OAuthError.from_body(exc.body, tracking_id=exc.tracking_id) from None
        raise
    if not isinstance(body, dict) or not body.get("access_token"):
        raise OAuthError("invalid_response", "the token endpoint returned no access_token")
    return body
