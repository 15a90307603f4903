"""Real-time events of the messaging resources: ``listen()`` and ``stop_listening()``.

``webex.messages``, ``webex.rooms``, ``webex.memberships`` and
``webex.attachment_actions`` are event emitters. After ``await resource.listen()`` they
turn every Mercury ``conversation.activity`` into the webhook-shaped events of the JS
SDK (JS REST plugins)::

    {"createdBy", "orgId", "resource", "ownedBy": "creator", "status": "active",
     "created", "event", "actorId", "data": {...Hydra ids...}}

Lifecycle of one resource::

    IDLE ──listen()──► STARTING ──people/me, Mercury connected──► LISTENING
      ▲                    │ failure                                   │
      └────────────────────┴──────────── stop_listening() ◄────────────┘

Events of one resource are emitted in the order of their activities, even when a
``messages`` ``created`` event waits for its ``GET /messages/<id>``.
"""

from __future__ import annotations

import asyncio
import enum
import uuid
import weakref
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Final, cast

from webex_meetings._events import EventEmitter
from webex_meetings._hydra import decode_hydra_id
from webex_meetings._logging import get_logger
from webex_meetings.internal.activity import (
    ActivityEvent,
    hydra_id,
    make_envelope,
    map_activity,
    space_type,
)
from webex_meetings.resources._base import APIResource

if TYPE_CHECKING:
    from webex_meetings._client import Webex

__all__ = [
    "AttachmentActionsListening",
    "ListenState",
    "ListeningResource",
    "MembershipsListening",
    "MessagesListening",
    "RoomsListening",
    "hydra_cluster",
    "map_card_action",
]

logger = get_logger(__name__)

#: The Mercury event every listening resource subscribes to.
ACTIVITY_EVENT: Final = "event:conversation.activity"
#: Cluster ids whose Hydra ids say ``us`` (the original US cluster, and integration).
_US_CLUSTERS: Final = ("urn:TEAM:us-east-2_a", "urn:TEAM:us-east-1_int13")


class ListenState(enum.Enum):
    """Whether a resource turns Mercury activities into events."""

    IDLE = "idle"
    STARTING = "starting"
    LISTENING = "listening"


def hydra_cluster(cluster_id: str | None) -> str:
    """The cluster part of Hydra ids for a catalog cluster id (JS ``getHydraClusterString``).

    ``urn:TEAM:us-east-2_a:…`` (and the integration cluster) is ``us``; any other id
    keeps its first three ``:`` parts. Unknown or malformed ids fall back to ``us``.
    """
    if not cluster_id or cluster_id.startswith(_US_CLUSTERS):
        return "us"
    parts = cluster_id.split(":")
    return ":".join(parts[:3]) if len(parts) >= 3 else "us"


def map_card_action(activity: Mapping[str, Any], *, cluster: str = "us") -> list[ActivityEvent]:
    """The ``attachmentActions`` ``created`` event of a ``cardAction`` activity, or ``[]``.

    ``data`` holds ``created``, ``roomId``, ``messageId`` (the card's message, from
    ``parent.id``), ``personId``, ``id``, ``inputs`` and ``type`` (``object.objectType``).
    """
    parts = [activity.get(key) for key in ("actor", "object", "target", "parent")]
    if activity.get("verb") != "cardAction" or not all(isinstance(p, Mapping) for p in parts):
        return []
    actor, obj, target, parent = cast(list[Mapping[str, Any]], parts)
    if not (
        activity.get("id") and actor.get("entryUUID") and target.get("id") and parent.get("id")
    ):
        return []
    person_id = hydra_id("PEOPLE", str(actor["entryUUID"]))
    data: dict[str, Any] = {
        "created": activity.get("published"),
        "roomId": hydra_id("ROOM", str(target["id"]), cluster),
        "messageId": hydra_id("MESSAGE", str(parent["id"]), cluster),
        "personId": person_id,
        "id": hydra_id("ATTACHMENT_ACTION", str(activity["id"]), cluster),
    }
    if obj.get("inputs"):
        data["inputs"] = obj["inputs"]
    data["type"] = obj.get("objectType")
    return [ActivityEvent("attachmentActions", "created", data, person_id)]


def _cluster_url(resource: str, activity: Mapping[str, Any]) -> Any:
    # The URL whose catalog host names the cluster, per JS plugin: rooms and ``hide``
    # use the activity's own URL, the ``create`` participants the new space's URL.
    verb = activity.get("verb")
    if resource == "rooms" or (resource == "memberships" and verb == "hide"):
        return activity.get("url")
    part = activity.get("object" if resource == "memberships" and verb == "create" else "target")
    return part.get("url") if isinstance(part, Mapping) else None


def _now_iso() -> str:
    # JS ``new Date().toISOString()``: UTC with milliseconds and a ``Z``.
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


#: ``people/me`` answers per core, shared by the four resources (JS fetches it once).
_IDENTITIES: weakref.WeakKeyDictionary[Webex, dict[str, Any]] = weakref.WeakKeyDictionary()


async def _identity(client: Webex) -> dict[str, Any]:
    found = _IDENTITIES.get(client)
    if found is None:
        me = await client.people.me()
        found = {"createdBy": me.id, "orgId": me.org_id}
        _IDENTITIES[client] = found
    return found


class ListeningResource(APIResource, EventEmitter):
    """A REST resource that can also stream its events (JS ``listen``/``stopListening``).

    Subscribe with ``on(event, handler)``, ``once`` and ``off``/``remove_listener``;
    handlers get one argument, the event dict. Coroutine handlers are scheduled on the
    running loop.

    Attributes:
        listen_state: the current :class:`ListenState`.
    """

    #: ``resource`` of the events (``messages``, ``rooms``...); set by each subclass.
    resource_name: ClassVar[str] = ""

    def __init__(self, client: Webex) -> None:
        APIResource.__init__(self, client)
        EventEmitter.__init__(self)
        self.listen_state = ListenState.IDLE
        self._listen_lock = asyncio.Lock()
        self._generation = 0  # bumped by stop_listening(); a stale listen() gives up
        self._envelope: dict[str, Any] = {}
        self._pending: set[asyncio.Task[None]] = set()
        self._tail: asyncio.Task[None] | None = None
        self._listener = self._on_activity  # one bound method, so off() finds it

    def __repr__(self) -> str:
        return f"{type(self).__name__}(listen_state={self.listen_state.value})"

    @property
    def listening(self) -> bool:
        """True while activities are turned into events."""
        return self.listen_state is ListenState.LISTENING

    async def listen(self) -> None:
        """Start emitting ``created``/``updated``/``deleted``/``seen`` (JS ``listen()``).

        Fetches ``people/me`` once (for ``createdBy`` and ``orgId``), connects Mercury
        (registering the WDM device first if needed) and returns once it is connected.
        Calling it while listening returns at once.

        Raises:
            APIStatusError: ``people/me`` failed.
            MercuryError: Mercury could not connect.
            CredentialsError: the token was rejected and cannot be refreshed.
        """
        async with self._listen_lock:
            if self.listening:
                return
            generation = self._generation
            self.listen_state = ListenState.STARTING
            try:
                identity = await _identity(self._client)
                await self._client.internal.mercury.connect()
            except BaseException:
                self.listen_state = ListenState.IDLE
                raise
            if generation != self._generation:  # stop_listening() was called meanwhile
                self.listen_state = ListenState.IDLE
                return
            self._envelope = {"created_by": identity["createdBy"], "org_id": identity["orgId"]}
            self._envelope["created"] = _now_iso()
            self._client.internal.mercury.on(ACTIVITY_EVENT, self._listener)
            self.listen_state = ListenState.LISTENING
            logger.debug("%s: listening", self.resource_name)

    def stop_listening(self) -> None:
        """Stop emitting events (JS ``stopListening()``); nothing is emitted afterwards.

        Pending message fetches are cancelled. Handlers stay subscribed (remove them
        with ``off``), and Mercury stays connected, as other plugins may use it;
        ``webex.close()`` closes it.
        """
        self._generation += 1
        self._client.internal.mercury.remove_listener(ACTIVITY_EVENT, self._listener)
        for task in list(self._pending):
            task.cancel()
        self._pending.clear()
        self._tail = None
        if self.listen_state is ListenState.LISTENING:
            logger.debug("%s: stopped listening", self.resource_name)
        self.listen_state = ListenState.IDLE

    # -- activity → events ------------------------------------------------------------

    def _map(self, activity: Mapping[str, Any]) -> list[ActivityEvent]:
        url = _cluster_url(self.resource_name, activity)
        services = self._client.internal.services
        cluster = hydra_cluster(services.get_cluster_id(url) if isinstance(url, str) else None)
        if self.resource_name == "attachmentActions":
            return map_card_action(activity, cluster=cluster)
        return [
            e for e in map_activity(activity, cluster=cluster) if e.resource == self.resource_name
        ]

    def _on_activity(self, envelope: Mapping[str, Any]) -> None:
        data = envelope.get("data")
        activity = data.get("activity") if isinstance(data, Mapping) else None
        if not self.listening or not isinstance(activity, Mapping):
            return
        try:
            events = self._map(activity)
        except Exception:
            logger.exception(
                "%s: could not map a %r activity", self.resource_name, activity.get("verb")
            )
            return
        if not events:
            return
        if not any(e.fetch for e in events) and (self._tail is None or self._tail.done()):
            for event in events:  # nothing to wait for: emit now, in order
                payload = self._payload(event)
                self.emit(event.event, payload)
            return
        task = asyncio.get_running_loop().create_task(
            self._deliver(events, self._tail), name=f"{self.resource_name}-event"
        )
        self._tail = task
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def _payload(self, event: ActivityEvent) -> dict[str, Any]:
        return make_envelope(
            event,
            created_by=self._envelope.get("created_by"),
            org_id=self._envelope.get("org_id"),
            created=self._envelope.get("created", ""),
        )

    async def _complete(self, event: ActivityEvent) -> dict[str, Any] | None:
        payload = self._payload(event)
        if not event.fetch:
            return payload
        try:
            # JS puts the response body in ``data`` as is; a model would re-render dates.
            data = await self._call_json("GET", f"messages/{event.data['id']}")
        except Exception as exc:
            # JS drops the event when the fetch fails; say why instead of staying silent.
            logger.warning(
                "%s: could not fetch the message of a created event: %s", self.resource_name, exc
            )
            return None
        if not isinstance(data, dict):
            logger.warning("%s: GET of a created message gave no object", self.resource_name)
            return None
        payload["data"] = data
        payload["actorId"] = data.get("personId", payload["actorId"])
        return payload

    async def _deliver(
        self, events: list[ActivityEvent], previous: asyncio.Task[None] | None
    ) -> None:
        payloads = [await self._complete(event) for event in events]
        if previous is not None and not previous.done():
            await asyncio.wait([previous])  # keep the order of the activities
        for payload in payloads:
            if payload is not None:
                self.emit(payload["event"], payload)


class MessagesListening(ListeningResource):
    """``webex.messages`` events: ``created`` (the message, fetched) and ``deleted``."""

    resource_name = "messages"


class RoomsListening(ListeningResource):
    """``webex.rooms`` events: ``created`` and ``updated``."""

    resource_name = "rooms"


class AttachmentActionsListening(ListeningResource):
    """``webex.attachment_actions`` events: ``created`` (a card was submitted)."""

    resource_name = "attachmentActions"


class MembershipsListening(ListeningResource):
    """``webex.memberships`` events: ``created``, ``updated``, ``deleted``, ``seen``."""

    resource_name = "memberships"

    async def update_last_seen(self, message: Any) -> dict[str, Any]:
        """Mark ``message`` and everything before it as read (JS ``updateLastSeen``).

        Sends a read receipt (an ``acknowledge`` activity) to the conversation service;
        the members of the room get a ``seen`` event.

        Args:
            message: a message object (``id`` and ``room_id``) or a mapping with
                ``id`` and ``roomId``.

        Returns:
            The membership as JS returns it: ``lastSeenId``, ``id``, ``personId``,
            ``personEmail``, ``personDisplayName``, ``personOrgId``, ``roomId``,
            ``roomType``, ``isRoomHidden``, ``isMonitor``, ``created``.

        Raises:
            ValueError: ``message`` lacks an id or a room id, or they are not Hydra ids.
            APIStatusError: the conversation service refused the receipt.
        """
        if isinstance(message, Mapping):
            message_id, room_id = message.get("id"), message.get("roomId") or message.get("room_id")
        else:
            message_id, room_id = getattr(message, "id", None), getattr(message, "room_id", None)
        if not isinstance(message_id, str) or not isinstance(room_id, str):
            raise ValueError("message needs an id and a room id")
        activity_uuid = decode_hydra_id(message_id).uuid
        room = decode_hydra_id(room_id)
        cluster, room_uuid = room.cluster, room.uuid
        base = await self._client.internal.services.get_url("conversation")
        url = f"{base.rstrip('/')}/conversations/{room_uuid}"
        body: dict[str, Any] = {
            "verb": "acknowledge",
            "objectType": "activity",
            "clientTempId": str(uuid.uuid4()),
            "object": {"objectType": "activity", "id": activity_uuid},
            "target": {"objectType": "conversation", "id": room_uuid, "url": url},
        }
        user_id = self._client.internal.device.user_id
        if user_id:
            body["actor"] = {"objectType": "person", "id": user_id}
        response = await self._client.request(
            "POST", uri=f"{url}/activities", params={"personRefresh": "true"}, json=body
        )
        ack = response.json()
        actor, target = ack.get("actor") or {}, ack.get("target") or {}
        person_uuid = str(actor.get("entryUUID", ""))
        org = actor.get("orgId")
        return {
            "lastSeenId": hydra_id(
                "MESSAGE", str((ack.get("object") or {}).get("id", "")), cluster
            ),
            "id": hydra_id("MEMBERSHIP", f"{person_uuid}:{target.get('id', room_uuid)}", cluster),
            "personId": hydra_id("PEOPLE", person_uuid),
            "personEmail": actor.get("emailAddress") or actor.get("entryEmail"),
            "personDisplayName": actor.get("displayName"),
            "personOrgId": hydra_id("ORGANIZATION", str(org)) if org else None,
            "roomId": hydra_id("ROOM", str(target.get("id", room_uuid)), cluster),
            "roomType": space_type(target.get("tags")),
            "isRoomHidden": False,  # any activity unhides a space
            "isMonitor": False,
            "created": ack.get("published"),
        }
