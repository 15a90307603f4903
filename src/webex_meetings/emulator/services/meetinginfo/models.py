"""Meeting-info lookups: destination resolution, password and captcha rules, the answer.

Rules (meeting-info protocol):

* a meeting's host never needs its password; everyone else does when it has one, and
  may give the host key instead (``supportHostKey``);
* no password: 403004; wrong: 403028 (403038 when the guess looks like a host key);
  the third wrong one in a row (per meeting and caller) answers 423005/423006 with a
  captcha, and from then on every lookup needs ``captchaID`` + ``captchaVerifyCode``;
  a wrong code gets a new captcha (423005/423006), the right code with a wrong password
  a new one too (423010/423012);
* a body with a ``permissionToken`` this emulator issued for the same meeting and
  caller skips the password (token refresh); a foreign one answers 403032.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...core.auth import AccessToken
from ...core.state import Backend, EmulatorState
from ..people.models import PeopleBackend
from ..u2c.models import service_url
from . import errors as codes
from .captcha import Captcha, CaptchaGuard, Key
from .errors import WbxAppApiError
from .rooms import MeetingRoom, RoomDirectory, https_host
from .tokens import PermissionTokens

#: Path of the meeting-info service (the catalog's ``webex-appapi-service``).
APPAPI_PATH = "/wbxappapi/v1"
CAPTCHA_PATH = f"{APPAPI_PATH}/captchas"

#: Fields identifying the destination, in the order they are tried.
_DESTINATION_FIELDS = ("meetingKey", "sipUrl", "meetingUrl", "meetingUUID", "conversationUrl")


def _text(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    return value if isinstance(value, str) and value.strip() else None


def _looks_like_host_key(password: str) -> bool:
    return password.isdigit() and len(password) == 6


class MeetingInfoBackend(Backend):
    """Resolves lookups, enforces passwords and captchas, issues permission tokens."""

    def __init__(self, state: EmulatorState) -> None:
        """Bind the backend."""
        super().__init__(state)
        self.rooms = state.backend(RoomDirectory)

    def reset(self) -> None:
        """Forget tokens, failures and captchas (rooms reset with their own backend)."""
        self.tokens = PermissionTokens()
        self.captchas = CaptchaGuard()

    # --- resolution -------------------------------------------------------------------

    def resolve(self, body: Mapping[str, Any]) -> MeetingRoom:
        """Find the meeting a lookup body names (meeting-info protocol).

        Raises:
            WbxAppApiError: 400001 when no destination field is present, 404006 when
                nothing matches.
        """
        lookups = {
            "meetingKey": self.rooms.by_number,
            "sipUrl": self.rooms.by_sip,
            "meetingUrl": self.rooms.by_url,
            "meetingUUID": self.rooms.by_uuid,
            "conversationUrl": self.rooms.by_conversation,
        }
        asked = False
        for name in _DESTINATION_FIELDS:
            value = _text(body, name)
            if value is not None:
                asked = True
                room = lookups[name](value)
                if room is not None:
                    return room
        user_id = _text(body, "userId")
        if user_id is not None:
            asked = True
            room = self.rooms.by_person(user_id, _text(body, "orgId"))
            if room is not None:
                return room
        if not asked:
            raise WbxAppApiError(400, codes.INVALID_INPUT, "No meeting destination given.")
        raise WbxAppApiError(404, codes.NOT_FOUND, "Meeting not found.")

    # --- the lookup -------------------------------------------------------------------

    def lookup(self, body: Mapping[str, Any], caller: AccessToken) -> dict[str, Any]:
        """Answer ``POST {wbxappapi}/meetingInfo``.

        Raises:
            WbxAppApiError: Unknown meeting, policy, password, token or captcha errors.
        """
        room = self.resolve(body)
        if room.policy_error is not None:
            raise WbxAppApiError(
                403,
                room.policy_error,
                "Your organization's policy does not allow joining this meeting.",
                {"data": {"meetingInfo": room.partial_info()}},
            )
        token = _text(body, "permissionToken")
        if token is not None:
            if self.tokens.find(token, room.id, caller.person_uuid) is None:
                raise self._password_error(room, codes.WRONG_PERMISSION_TOKEN, "Invalid token.")
        elif room.password is not None and caller.person_uuid != room.host_uuid:
            self._check_password(room, (room.id, caller.person_uuid), body)
        return self.info(room, caller.person_uuid)

    def _check_password(self, room: MeetingRoom, key: Key, body: Mapping[str, Any]) -> None:
        password = _text(body, "password") or ""
        hostish = _looks_like_host_key(password)
        right = password in (room.password, room.host_key)
        captcha = self.captchas.pending(key)
        if captcha is not None:
            captcha_id, code = _text(body, "captchaID"), _text(body, "captchaVerifyCode")
            if captcha_id is None and code is None:
                raise self._captcha_error(captcha, codes.CAPTCHA_PASSWORD)
            solved = captcha_id == captcha.id and (code or "").strip().lower() == captcha.code
            if not solved:
                fresh = self.captchas.issue(key)
                kind = codes.CAPTCHA_PASSWORD_OR_HOST_KEY if hostish else codes.CAPTCHA_PASSWORD
                raise self._captcha_error(fresh, kind)
            if not right:
                fresh = self.captchas.issue(key)
                kind = (
                    codes.CAPTCHA_RIGHT_WRONG_PASSWORD_OR_HOST_KEY
                    if hostish
                    else codes.CAPTCHA_RIGHT_WRONG_PASSWORD
                )
                raise self._captcha_error(fresh, kind)
            self.captchas.clear(key)
            return
        if not password:
            raise self._password_error(room, codes.PASSWORD_REQUIRED, "Password required.")
        if right:
            self.captchas.clear(key)
            return
        if self.captchas.wrong_password(key):
            kind = codes.CAPTCHA_PASSWORD_OR_HOST_KEY if hostish else codes.CAPTCHA_PASSWORD
            raise self._captcha_error(self.captchas.issue(key), kind)
        kind = codes.WRONG_PASSWORD_OR_HOST_KEY if hostish else codes.WRONG_PASSWORD
        raise self._password_error(room, kind, "Wrong password.")

    def _url(self, path: str) -> str:
        return self.state.url(path)

    def _password_error(self, room: MeetingRoom, code: int, message: str) -> WbxAppApiError:
        return WbxAppApiError(
            403,
            code,
            message,
            {
                "data": {"meetingInfo": room.partial_info()},
                "url": self._url(f"{APPAPI_PATH}/meetingInfo"),
            },
        )

    def captcha_json(self, captcha: Captcha) -> dict[str, str]:
        """The captcha fields of a 423 body or a refresh answer."""
        return {
            "captchaID": captcha.id,
            "verificationImageURL": self._url(f"{CAPTCHA_PATH}/{captcha.id}/image"),
            "verificationAudioURL": self._url(f"{CAPTCHA_PATH}/{captcha.id}/audio"),
        }

    def _captcha_error(self, captcha: Captcha, code: int) -> WbxAppApiError:
        # The SDK appends "&siteFullName=..." to refreshURL, so it must carry a query.
        refresh = self._url(f"{CAPTCHA_PATH}/refresh?captchaID={captcha.id}")
        return WbxAppApiError(
            423,
            code,
            "Too many wrong passwords; enter the captcha code.",
            {**self.captcha_json(captcha), "refreshURL": refresh},
        )

    def refresh_captcha(self, captcha_id: str) -> Captcha | None:
        """Replace a pending captcha with a new one; None when the id is not pending."""
        captcha = self.captchas.by_id(captcha_id)
        return None if captcha is None else self.captchas.issue(captcha.key)

    def space_instant(self, body: Mapping[str, Any], caller: AccessToken) -> dict[str, Any]:
        """Answer ``POST .../v2/meetings/spaceInstant``: the space's ad-hoc meeting.

        The caller becomes the host of a new meeting bound to ``spaceUrl``, or gets the
        one already bound to it (meeting-info protocol).

        Raises:
            WbxAppApiError: 400001 without a ``spaceUrl``.
        """
        space_url = _text(body, "spaceUrl")
        if space_url is None:
            raise WbxAppApiError(400, codes.INVALID_INPUT, "spaceUrl is required.")
        room = self.rooms.by_conversation(space_url)
        if room is None:
            host = self.state.backend(PeopleBackend).get(caller.person_uuid)
            room = self.rooms.create(host, title=_text(body, "title"), conversation_url=space_url)
        return self.info(room, caller.person_uuid)

    # --- the answer -------------------------------------------------------------------

    def info(self, room: MeetingRoom, person_uuid: str) -> dict[str, Any]:
        """Render the meeting info object for one caller (meeting-info protocol)."""
        now = self.state.clock()
        token = self.tokens.mint(room.id, person_uuid, now, room.token_ttl)
        info: dict[str, Any] = {
            "meetingNumber": room.number,
            "sipUrl": room.sip_uri,
            "meetingJoinUrl": room.join_url,
            "meetingName": room.title,
            "meetingId": room.id,
            "confID": room.conf_id,
            "confIdStr": str(room.conf_id),
            "owner": room.host_uuid,
            "hostId": room.host_uuid,
            "permissionToken": token.token,
            "supportVoIP": True,
            "video": {"supportHDV": True, "supportHQV": True},
        }
        cluster = https_host(self.state.base_url)
        if cluster is not None:
            info["locusClusterUrl"] = cluster
        if room.conversation_url:
            info["conversationUrl"] = room.conversation_url
        if room.locus_id is not None:
            info["locusUrl"] = f"{service_url(self.state.base_url, 'locus')}/loci/{room.locus_id}"
        return info
