"""The meeting-info lookup (wbxappapi): request body, URL choice, error mapping, ad-hoc.

:class:`MeetingInfoProvider` is ``webex.meetings.meeting_info``. It turns a classified
:class:`~webex_meetings.meetings.destination.Destination` into ``POST …/meetingInfo``
and maps the answers the Webex meetings app API gives:

* 403 with a policy code → :class:`MeetingInfoV2PolicyError`;
* any other 403 → :class:`MeetingInfoV2PasswordError` (with the partial meeting info);
* 423 → :class:`MeetingInfoV2CaptchaError` (with the captcha to show);
* anything else → the transport's :class:`~webex_meetings.APIStatusError`.

The request is never retried by the transport: a retried password attempt would count
as another wrong guess, and a 423 is a captcha challenge, not a busy server.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import httpx

from webex_meetings._exceptions import APIError, APIStatusError, ServiceCatalogError
from webex_meetings._logging import get_logger
from webex_meetings.meetings.constants import DestinationType
from webex_meetings.meetings.destination import Destination, resolve_destination
from webex_meetings.meetings.errors import (
    POLICY_CODES,
    MeetingInfoError,
    MeetingInfoV2AdhocMeetingError,
    MeetingInfoV2CaptchaError,
    MeetingInfoV2PasswordError,
    MeetingInfoV2PolicyError,
    ParameterError,
)

if TYPE_CHECKING:
    from webex_meetings._client import Webex

__all__ = [
    "APPAPI_SERVICE",
    "DEFAULT_REQUEST_BODY",
    "MeetingInfoProvider",
    "MeetingInfoResult",
    "build_request_body",
    "direct_site",
]

logger = get_logger(__name__)

#: Catalog name of the meetings app API.
APPAPI_SERVICE: Final = "webex-appapi-service"
#: Keys every lookup sends; a body with nothing else is not sent at all.
DEFAULT_REQUEST_BODY: Final[Mapping[str, Any]] = {
    "supportHostKey": True,
    "supportCountryList": True,
}

# A SIP address on a three-label site host, e.g. ``123@acme.webex.com``.
_SITE_OF_SIP: Final = re.compile(r".+@([^.]+\.[^.]+\.[^.]+)")
_HOST: Final = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_SHARED_SITES: Final = ("meet.webex.com", "meetup.webex.com", "ciscospark.com")


@dataclass(frozen=True)
class MeetingInfoResult:
    """A successful lookup.

    Attributes:
        body: the meeting info as the server sent it.
        url: the URL the request went to (JS ``meetingLookupUrl``).
    """

    body: dict[str, Any]
    url: str


def build_request_body(
    destination: Destination,
    *,
    password: str | None = None,
    captcha_id: str | None = None,
    captcha_code: str | None = None,
    installed_org_id: str | None = None,
    locus_id: str | None = None,
    extra_params: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``meetingInfo`` body for ``destination`` (JS ``getRequestBody``)."""
    body: dict[str, Any] = {**DEFAULT_REQUEST_BODY, **(extra_params or {})}
    kind, value = destination.type, destination.value
    if isinstance(value, dict):
        if kind is DestinationType.PERSONAL_ROOM:
            body["userId"] = value.get("userId")
            body["orgId"] = value.get("orgId")
        elif kind is DestinationType.LOCUS_ID:
            raw = value.get("info")
            info: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
            if info.get("webExMeetingId"):
                body["meetingKey"] = info["webExMeetingId"]
            elif info.get("sipUri"):
                body["sipUrl"] = info["sipUri"]
    else:
        key = {
            DestinationType.SIP_URI: "sipUrl",
            DestinationType.MEETING_ID: "meetingKey",
            DestinationType.CONVERSATION_URL: "conversationUrl",
            DestinationType.MEETING_LINK: "meetingUrl",
            DestinationType.MEETING_UUID: "meetingUUID",
        }.get(kind)
        if key is not None:
            body[key] = value
    if password:
        body["password"] = password
    if captcha_code:
        body["captchaID"] = captcha_id
        body["captchaVerifyCode"] = captcha_code
    if installed_org_id:
        body["installedOrgID"] = installed_org_id
    if locus_id:
        body["locusId"] = locus_id
    return body


def direct_site(destination: Destination) -> str | None:
    """The Webex site to ask directly, saving a redirect (JS ``getDirectMeetingInfoURI``).

    A SIP address on a three-label host other than the shared ``meet``/``meetup`` sites,
    or the ``info.webExSite`` of a Locus object; ``None`` otherwise.
    """
    site: Any = None
    if destination.type is DestinationType.SIP_URI and isinstance(destination.value, str):
        match = _SITE_OF_SIP.fullmatch(destination.value)
        site = match.group(1) if match else None
        if site and any(shared in site for shared in _SHARED_SITES):
            site = None
    elif destination.type is DestinationType.LOCUS_ID and isinstance(destination.value, dict):
        info = destination.value.get("info")
        site = info.get("webExSite") if isinstance(info, Mapping) else None
    return site if isinstance(site, str) and _HOST.fullmatch(site) else None


class MeetingInfoProvider:
    """Looks meetings up (JS ``MeetingInfoV2``); ``webex.meetings.meeting_info``.

    Attributes:
        preferred_webex_site: the user's preferred Webex site (host name, or a base URL
            with a scheme); set by the meetings plugin. Ad-hoc space meetings need it.
    """

    def __init__(self, webex: Webex) -> None:
        self._webex = webex
        self.preferred_webex_site: str | None = None

    def __repr__(self) -> str:
        return f"MeetingInfoProvider(preferred_webex_site={self.preferred_webex_site!r})"

    async def fetch_info_options(
        self,
        destination: str | Mapping[str, Any] | None,
        type: DestinationType | str | None = None,  # the JS argument name
    ) -> Destination:
        """Classify a destination without looking it up (JS ``fetchInfoOptions``)."""
        return await resolve_destination(self._webex, destination, type)

    def uses_adhoc(self, destination: Destination) -> bool:
        """Whether a lookup of ``destination`` starts an ad-hoc space meeting instead."""
        return (
            destination.type is DestinationType.CONVERSATION_URL
            and self._webex.config.meetings.experimental.enable_adhoc_meetings
            and bool(self.preferred_webex_site)
        )

    async def fetch_meeting_info(
        self,
        destination: Destination,
        *,
        password: str | None = None,
        captcha_id: str | None = None,
        captcha_code: str | None = None,
        installed_org_id: str | None = None,
        locus_id: str | None = None,
        extra_params: Mapping[str, Any] | None = None,
    ) -> MeetingInfoResult:
        """Look the meeting up (JS ``fetchMeetingInfo``).

        Args:
            destination: a classified destination (:func:`resolve_destination`).
            password: the meeting password or host key.
            captcha_id: the id of the captcha being answered.
            captcha_code: the user's answer to that captcha.
            installed_org_id: sent as ``installedOrgID``; defaults to
                ``config.meetings.installedOrgID``.
            locus_id: the meeting's Locus id, when known.
            extra_params: more body fields (e.g. ``permissionToken`` on a refresh).

        Returns:
            The meeting info and the URL it came from.

        Raises:
            ParameterError: nothing to look up (only the default body keys remain), or
                a captcha code without its id.
            MeetingInfoV2PolicyError: the org or meeting policy refuses this user.
            MeetingInfoV2PasswordError: a password or host key is needed or was wrong.
            MeetingInfoV2CaptchaError: a captcha must be solved first.
            MeetingInfoV2AdhocMeetingError: the ad-hoc space meeting could not start.
            APIError: any other failure of the request.
        """
        if installed_org_id is None:
            installed_org_id = self._webex.config.meetings.installed_org_id
        if self.uses_adhoc(destination) and isinstance(destination.value, str):
            return await self.create_adhoc_space_meeting(
                destination.value,
                preferred_site=self.preferred_webex_site or "",
                installed_org_id=installed_org_id,
            )
        if captcha_code and not captcha_id:
            raise ParameterError("a captcha code needs the id of the captcha it answers")
        body = build_request_body(
            destination,
            password=password,
            captcha_id=captcha_id,
            captcha_code=captcha_code,
            installed_org_id=installed_org_id,
            locus_id=locus_id,
            extra_params=extra_params,
        )
        if set(body) <= set(DEFAULT_REQUEST_BODY):
            raise ParameterError("Not enough information to fetch meeting info")
        uri = await self._direct_url(destination)
        logger.info("meeting info: looking up a %s destination", destination.type.value)
        try:
            if uri is not None:
                response = await self._webex.request("POST", uri=uri, json=body, max_retries=0)
            else:
                response = await self._webex.request(
                    "POST", service=APPAPI_SERVICE, resource="meetingInfo", json=body, max_retries=0
                )
        except APIStatusError as exc:
            mapped = _lookup_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc
        info = _json_object(response)
        if info is None:
            raise MeetingInfoError("the meeting info response is not a JSON object")
        return MeetingInfoResult(body=info, url=str(response.request.url))

    async def create_adhoc_space_meeting(
        self, conversation_url: str, *, preferred_site: str, installed_org_id: str | None = None
    ) -> MeetingInfoResult:
        """Start an instant meeting in a space (JS ``createAdhocSpaceMeeting``).

        Reads the conversation (with its participants), then asks the preferred site to
        start a ``spaceInstant`` meeting for it.

        Args:
            conversation_url: the space's conversation URL.
            preferred_site: the user's Webex site (host name, or base URL with scheme).
            installed_org_id: sent as ``installedOrgID`` when given.

        Returns:
            The new meeting's info and the ``spaceInstant`` URL.

        Raises:
            ParameterError: no preferred site.
            MeetingInfoV2PolicyError: refused by policy.
            MeetingInfoV2AdhocMeetingError: any other failure.
        """
        base = _site_base(preferred_site)
        uri = f"{base}/wbxappapi/v2/meetings/spaceInstant"
        try:
            # Merged into the URL: request ``params`` would replace its own query.
            conversation_uri = httpx.URL(conversation_url).copy_merge_params(
                {"includeParticipants": "true"}
            )
            response = await self._webex.request("GET", uri=str(conversation_uri))
            conversation = _json_object(response)
            if conversation is None:
                raise MeetingInfoV2AdhocMeetingError("the conversation is not a JSON object")
            body = _space_instant_body(conversation, installed_org_id)
            response = await self._webex.request("POST", uri=uri, json=body, max_retries=0)
        except APIStatusError as exc:
            policy = _policy_error(exc)
            if policy is not None:
                raise policy from exc
            code = _body_of(exc).get("code")
            raise MeetingInfoV2AdhocMeetingError(
                f"starting the ad-hoc space meeting failed: {exc.message}",
                wbx_app_api_code=code if isinstance(code, int) else None,
                error=exc,
            ) from exc
        except (APIError, httpx.InvalidURL) as exc:
            raise MeetingInfoV2AdhocMeetingError(
                f"starting the ad-hoc space meeting failed: {exc}", error=exc
            ) from exc
        info = _json_object(response)
        if info is None:
            raise MeetingInfoV2AdhocMeetingError("the spaceInstant response is not a JSON object")
        return MeetingInfoResult(body=info, url=uri)

    async def refresh_captcha(self, refresh_url: str, captcha_id: str) -> dict[str, Any]:
        """Ask for a new captcha (JS ``MeetingRequest.refreshCaptcha``).

        Returns:
            The server's answer: ``captchaID``, ``verificationImageURL``,
            ``verificationAudioURL``.

        Raises:
            ParameterError: ``refresh_url`` is not an absolute URL.
            APIError: the request failed.
        """
        try:
            site = urlsplit(refresh_url).hostname
        except ValueError:
            site = None
        if not site:
            raise ParameterError("the captcha refresh URL is not an absolute URL")
        # The site name makes the server return absolute image/audio URLs. It is merged
        # into the URL here: request ``params`` would replace the URL's own query.
        try:
            uri = str(httpx.URL(refresh_url).copy_merge_params({"siteFullName": site}))
        except httpx.InvalidURL as exc:
            raise ParameterError("the captcha refresh URL is not a valid URL") from exc
        response = await self._webex.request(
            "POST", uri=uri, json={"captchaId": captcha_id}, max_retries=0
        )
        return _json_object(response) or {}

    async def _direct_url(self, destination: Destination) -> str | None:
        """The site's own meetingInfo URL, if the site may be used directly.

        Only a trusted (allowed-domain) site is asked directly, and only when the
        catalog's app API is itself a trusted HTTPS service: a deployment whose catalog
        points elsewhere (an emulator on loopback) serves every lookup at its catalog URL.
        """
        site = direct_site(destination)
        if site is None:
            return None
        direct = f"https://{site}/wbxappapi/v1/meetingInfo"
        services = self._webex.internal.services
        if not services.is_allowed_domain(direct):
            return None
        try:
            catalog_url = await services.get_url(APPAPI_SERVICE)
        except ServiceCatalogError:
            return direct
        if urlsplit(catalog_url).scheme == "https" and services.is_allowed_domain(catalog_url):
            return direct
        return None


def _body_of(exc: APIStatusError) -> Mapping[str, Any]:
    return exc.body if isinstance(exc.body, Mapping) else {}


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        value = response.json() if response.content else {}
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _partial_info(body: Mapping[str, Any]) -> dict[str, Any] | None:
    data = body.get("data")
    info = data.get("meetingInfo") if isinstance(data, Mapping) else None
    return dict(info) if isinstance(info, Mapping) else None


def _policy_error(exc: APIStatusError) -> MeetingInfoV2PolicyError | None:
    body = _body_of(exc)
    code = body.get("code")
    if not isinstance(code, int) or code not in POLICY_CODES:
        return None
    return MeetingInfoV2PolicyError(
        f"{exc.message} (wbxappapi code {code})",
        wbx_app_api_code=code,
        meeting_info=_partial_info(body),
        error=exc,
    )


def _lookup_error(exc: APIStatusError) -> Exception:
    """The meeting-info error for a failed lookup (meeting-info decision tree)."""
    body = _body_of(exc)
    raw_code = body.get("code")
    code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
    if exc.status_code == 403:
        policy = _policy_error(exc)
        if policy is not None:
            return policy
        return MeetingInfoV2PasswordError(
            f"{MeetingInfoV2PasswordError.sdk_message} (wbxappapi code {code})",
            wbx_app_api_code=code,
            meeting_info=_partial_info(body),
            error=exc,
        )
    if exc.status_code == 423:
        captcha = {
            "captchaId": body.get("captchaID"),
            "verificationImageURL": body.get("verificationImageURL"),
            "verificationAudioURL": body.get("verificationAudioURL"),
            "refreshURL": body.get("refreshURL"),
        }
        return MeetingInfoV2CaptchaError(
            f"{MeetingInfoV2CaptchaError.sdk_message} (wbxappapi code {code})",
            wbx_app_api_code=code,
            captcha_info=captcha,
            error=exc,
        )
    return exc


def _site_base(site: str) -> str:
    if not site:
        raise ParameterError("No preferred webex site found")
    base = site.rstrip("/") if "://" in site else f"https://{site.strip('/')}"
    try:
        host = urlsplit(base).hostname
    except ValueError:
        host = None
    if not host:
        raise ParameterError(f"the preferred Webex site {site!r} is not a host name")
    return base


def _space_instant_body(
    conversation: Mapping[str, Any], installed_org_id: str | None
) -> dict[str, Any]:
    participants = conversation.get("participants")
    items = participants.get("items") if isinstance(participants, Mapping) else None
    body: dict[str, Any] = {
        "title": conversation.get("displayName"),
        "spaceUrl": conversation.get("url"),
        "keyUrl": conversation.get("encryptionKeyUrl"),
        "kroUrl": conversation.get("kmsResourceObjectUrl"),
        "invitees": [
            {"email": p.get("emailAddress"), "ciUserUuid": p.get("entryUUID")}
            for p in items or []
            if isinstance(p, Mapping)
        ],
    }
    if installed_org_id:
        body["installedOrgID"] = installed_org_id
    return body
