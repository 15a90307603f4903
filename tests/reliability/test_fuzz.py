"""Bad input, generated: configs, Mercury frames, Locus DTOs and deltas.

* ``Webex.init`` with a mangled config either works or raises ``ConfigError``.
* Junk event payloads pushed by the emulator over a real socket, and junk envelopes
  handed to the Mercury dispatch, never break the socket, never reach an ``error``
  listener and never log an unhandled exception; the next good event still arrives.
* Mangled Locus DTOs and deltas fed to ``LocusInfo`` are applied or ignored: nothing
  escapes, the parser always settles, and a good DTO afterwards is applied as usual.

Destination strings are fuzzed by the unit tests. Examples are bounded so the whole
module stays within seconds; URLs in generated Locus data only ever name loopback hosts.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webex_meetings import ConfigError, Webex
from webex_meetings import _logging as sdk_logging
from webex_meetings._config import WebexConfig
from webex_meetings._events import EventEmitter
from webex_meetings.emulator import Emulator
from webex_meetings.meetings.locus.info import LocusInfo
from webex_meetings.meetings.locus.sequence import last_entry
from webex_meetings.meetings.members import Members

from ..unit._locus_dtos import DEVICE_URL, delta_dto, full_dto, participant
from ._support import WAIT, Inbox, bot, shared_room, user_client

# JSON-ish junk that never names a host: no key spells "url", no text has a colon.
_KEYS = st.text(alphabet="abcdeIST_", max_size=5)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**64), 2**64)
    | st.text(max_size=8).filter(lambda text: ":" not in text)
)


def _junk(floats: st.SearchStrategy[float]) -> st.SearchStrategy[Any]:
    return st.recursive(
        _SCALARS | floats,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
        max_leaves=8,
    )


#: Anything a Python mapping may hold, NaN and infinities included.
JUNK = _junk(st.floats())
#: What a JSON frame can carry (the emulator sends strict JSON).
JSON_JUNK = _junk(st.floats(allow_nan=False, allow_infinity=False))


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path (dict keys and list indexes) inside a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from paths(item, (*prefix, index))


Draw = Callable[[st.SearchStrategy[Any]], Any]


def mangle(
    draw: Draw, value: dict[str, Any], rounds: int = 3, junk: st.SearchStrategy[Any] = JUNK
) -> dict[str, Any]:
    """A deep copy of ``value`` with a few subtrees replaced by junk or removed."""
    out = copy.deepcopy(value)
    for _ in range(draw(st.integers(1, rounds))):
        where = draw(st.sampled_from(list(paths(out)) or [()]))
        if not where:
            break
        parent: Any = out
        for step in where[:-1]:
            parent = parent[step]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[where[-1]]
        else:
            parent[where[-1]] = draw(junk)
    return out


# -- config ------------------------------------------------------------------------------

DEFAULT_CONFIG = WebexConfig().to_js_dict()
del DEFAULT_CONFIG["credentials"]  # its masked secrets are not valid input


@pytest.fixture
def logging_state() -> Iterator[None]:
    """Restore what ``Webex.init`` may change globally: log level, handlers, secrets."""
    package = logging.getLogger(sdk_logging.ROOT_LOGGER)
    level, handlers = package.level, list(package.handlers)
    with sdk_logging._secrets_lock:
        secrets = set(sdk_logging._secrets)
    yield
    package.setLevel(level)
    package.handlers[:] = handlers
    with sdk_logging._secrets_lock:
        sdk_logging._secrets.clear()
        sdk_logging._secrets.update(secrets)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_mangled_config_is_accepted_or_a_config_error(
    logging_state: None, data: st.DataObject
) -> None:
    config = mangle(data.draw, DEFAULT_CONFIG, rounds=4)
    for _ in range(data.draw(st.integers(0, 2))):
        section = data.draw(st.sampled_from([None, *DEFAULT_CONFIG]))
        inner = config.get(section) if section is not None else None
        target = inner if isinstance(inner, dict) else config
        target[data.draw(_KEYS) + "X"] = data.draw(JUNK)
    error: ConfigError | None = None
    try:
        webex = Webex.init(credentials={"access_token": "a_b_org-1"}, config=config)
    except ConfigError as exc:  # anything else fails the test
        error = exc
    if error is None:
        asyncio.run(webex.close())
    else:
        assert error.key is None or isinstance(error.key, str)
        assert str(error)


# -- Mercury -----------------------------------------------------------------------------

EVENT_TYPES = st.sampled_from(
    [
        "locus.difference",
        "locus.participant_joined",
        "locus.self_changed",
        "locus.message.roap",
        "conversation.activity",
        "mercury.buffer_state",
        "mercury.registration_status",
        "apheleia.subscription_update",
        "x",
        "locus",
    ]
)


def on_loopback(dto: dict[str, Any], base: str) -> dict[str, Any]:
    """``dto`` with every URL moved to ``base``: the bot may fetch the URLs it is told."""
    text = json.dumps(dto)
    for host in ("https://locus-a.wbx2.com", "https://wdm-a.wbx2.com", "https://wdm"):
        text = text.replace(host, base)
    assert "https://" not in text
    moved: dict[str, Any] = json.loads(text)
    return moved


@st.composite
def locus_junk(draw: Draw, base: str) -> dict[str, Any]:
    """A full DTO or a delta of a loopback locus, with a few parts mangled."""
    dto = draw(st.sampled_from([full_dto(5), delta_dto(5, 6, participants=[participant("p9")])]))
    return mangle(draw, on_loopback(dto, base), junk=JSON_JUNK)


def junk_payloads(base: str) -> st.SearchStrategy[dict[str, Any]]:
    """``data`` of Mercury events: a known or odd event type with junk Locus or activity."""
    locus_urls: st.SearchStrategy[Any] = st.sampled_from(
        [None, "", "not a url", 5, [], f"{base}/locus/api/v1/loci/nope", f"{base}/x"]
    )
    activity = st.fixed_dictionaries(
        {},
        optional={
            "verb": st.sampled_from(["post", "share", "delete", "add", "leave", "update", "x"])
            | JSON_JUNK,
            "objectType": JSON_JUNK,
            "object": st.fixed_dictionaries(
                {}, optional={"id": JSON_JUNK, "objectType": JSON_JUNK, "displayName": JSON_JUNK}
            )
            | JSON_JUNK,
            "target": st.fixed_dictionaries({}, optional={"id": JSON_JUNK, "objectType": JSON_JUNK})
            | JSON_JUNK,
            "actor": st.fixed_dictionaries({}, optional={"id": JSON_JUNK, "entryUUID": JSON_JUNK})
            | JSON_JUNK,
            "id": JSON_JUNK,
        },
    )
    return st.fixed_dictionaries(
        {"eventType": EVENT_TYPES},
        optional={
            "locus": locus_junk(base) | JSON_JUNK,
            "locusUrl": locus_urls,
            "activity": activity | JSON_JUNK,
        },
    )


APPLY_FAILED = "locus parser: applying"


class Trouble:
    """Collects ``error`` events of every emitter and ERROR log records of the SDK."""

    def __init__(self, *emitters: EventEmitter) -> None:
        self.errors: list[Any] = []
        for emitter in emitters:
            emitter.on("error", self.errors.append)
        self.records: list[logging.LogRecord] = []
        self._handler = logging.Handler(logging.ERROR)
        self._handler.emit = self.records.append  # type: ignore[method-assign,assignment]

    def __enter__(self) -> Trouble:
        logging.getLogger(sdk_logging.ROOT_LOGGER).addHandler(self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger(sdk_logging.ROOT_LOGGER).removeHandler(self._handler)

    def check(self) -> None:
        # A DTO that cannot be applied is logged and skipped by design (the parser's
        # guard); anything else at ERROR level, or an ``error`` event, is a failure.
        messages = [
            r.getMessage() for r in self.records if not r.getMessage().startswith(APPLY_FAILED)
        ]
        assert self.errors == []
        assert messages == []


async def test_junk_mercury_events_from_the_emulator_never_break_the_bot(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await bot(emulator, connect)
    inbox = Inbox(webex)
    sender, _ = await user_client(emulator, connect, "Sender")
    space = await shared_room(sender, emulator.person_id)
    device_url = webex.internal.device.url
    mercury = webex.internal.mercury
    payloads = junk_payloads(emulator.base_url)

    loop = asyncio.get_running_loop()

    async def deliver(payload: dict[str, Any]) -> None:
        await emulator.publish_event(payload, device_url=device_url)
        marker = {"eventType": "locus.marker", "n": id(payload)}
        waiter = asyncio.ensure_future(
            mercury.wait_for(
                "event:locus.marker", timeout=WAIT, check=lambda e: e["data"] == marker
            )
        )
        await asyncio.sleep(0)
        await emulator.publish_event(marker, device_url=device_url)
        await waiter  # frames arrive in order: the junk one was dispatched
        assert mercury.connected
        trouble.check()

    # Hypothesis drives the examples from a worker thread; each one runs on this loop,
    # which keeps serving the emulator and the bot in between.
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(payload=payloads)
    def examples(payload: dict[str, Any]) -> None:
        asyncio.run_coroutine_threadsafe(deliver(payload), loop).result(WAIT * 2)

    with Trouble(webex, mercury, webex.meetings, webex.messages) as trouble:
        await asyncio.to_thread(examples)
        await asyncio.sleep(0.2)  # lookups of junk loci spawned on the way finish
        trouble.check()
    message = await sender.messages.create(room_id=space, text="still listening")
    await inbox.until(message.id)
    assert len(await emulator.mercury_connections(include_closed=True)) == 1


ENVELOPES = st.fixed_dictionaries(
    {},
    optional={
        "id": JUNK,
        "data": st.fixed_dictionaries({"eventType": EVENT_TYPES | JUNK}, optional={"x": JUNK})
        | JUNK,
        "sequenceNumber": JUNK,
        "type": st.sampled_from(["pong", "ack", None]) | JUNK,
        "trackingId": JUNK,
    },
)


async def test_junk_envelopes_in_the_mercury_dispatch_reach_no_listener_as_errors(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await bot(emulator, connect)
    mercury = webex.internal.mercury
    loop = asyncio.get_running_loop()
    dispatched: list[Any] = []
    mercury.on("event", dispatched.append)

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(envelope=ENVELOPES)
    def examples(envelope: dict[str, Any]) -> None:
        # The receive loop's own call, made from here with whatever a frame could hold.
        asyncio.run_coroutine_threadsafe(mercury._dispatch(envelope), loop).result(WAIT)

    with Trouble(webex, mercury, webex.meetings, webex.messages) as trouble:
        await asyncio.to_thread(examples)
        await asyncio.sleep(0.2)
        trouble.check()
    assert dispatched  # some junk did look like an event and went through the listeners
    assert mercury.connected
    await publish_marker(emulator, webex)


async def publish_marker(emulator: Emulator, webex: Webex) -> None:
    """A good event still arrives over the socket."""
    mercury = webex.internal.mercury
    waiter = asyncio.ensure_future(mercury.wait_for("event:locus.marker", timeout=WAIT))
    await asyncio.sleep(0)
    await emulator.publish_event(
        {"eventType": "locus.marker"}, device_url=webex.internal.device.url
    )
    await waiter


# -- Locus -------------------------------------------------------------------------------


async def _feed(inputs: list[tuple[str, Any]], sync_answer: Any) -> LocusInfo:
    members = Members()

    async def get_locus(url: str) -> Any:
        await asyncio.sleep(0)
        return sync_answer

    info = LocusInfo(
        emitter=EventEmitter(),  # stands in for the meeting
        members=members,
        device_url=DEVICE_URL,
        get_locus=get_locus,
        ooo_wait=0.001,
        ooo_random_delay=0.001,
    )
    assert info.init(full_dto(5))
    for how, dto in inputs:
        if how == "parse":
            info.parse(dto)
        elif how == "full":
            info.handle_full(dto)
        else:
            info.handle_delta(dto)
        await asyncio.sleep(0)
    await info.wait_settled(WAIT)  # never blocked for good, never wedged
    # Still ordering: a newer complete DTO becomes the working copy, a later delta on
    # top of it too.
    assert info.handle_full(full_dto(10**7))
    info.handle_delta(delta_dto(10**7, 10**7 + 1))
    await info.wait_settled(WAIT)
    assert last_entry(info.parser.working_copy) == 10**7 + 1
    return info


_GOOD = [full_dto(6), delta_dto(5, 6, participants=[participant("p9")]), delta_dto(7, 8)]


@st.composite
def locus_inputs(draw: Draw) -> tuple[str, Any]:
    dto = draw(st.sampled_from(_GOOD))
    mangled = mangle(draw, dto) if draw(st.booleans()) else draw(JUNK)
    how = draw(st.sampled_from(["full", "delta", "parse"]))
    if how == "parse":
        event = draw(st.sampled_from(["locus.difference", "locus.participant_joined", "x"]))
        return how, {"eventType": event, "locus": mangled}
    if not isinstance(mangled, dict):
        mangled = {"junk": mangled}
    return how, mangled


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    inputs=st.lists(locus_inputs(), min_size=1, max_size=4),
    sync_answer=st.sampled_from([None, {}, full_dto(9)]) | JUNK,
)
def test_mangled_locus_dtos_are_applied_or_ignored(
    inputs: list[tuple[str, Any]], sync_answer: Any
) -> None:
    with Trouble() as trouble:
        asyncio.run(_feed(inputs, sync_answer))
    trouble.check()


@pytest.mark.parametrize(
    "sequence",
    [
        {"entries": ["7"], "rangeStart": 0, "rangeEnd": 0},
        {"entries": [[7]], "rangeStart": 0, "rangeEnd": 0},
        {"entries": 7, "rangeStart": 0, "rangeEnd": 0},
        {"entries": [True], "rangeStart": 0, "rangeEnd": 0},
        {"entries": [float("nan")], "rangeStart": 0, "rangeEnd": 0},
        {"entries": [7], "rangeStart": "0", "rangeEnd": 0},
        {"entries": [7], "rangeStart": 0, "rangeEnd": {}},
    ],
)
@pytest.mark.parametrize("where", ["sequence", "baseSequence"])
async def test_a_malformed_sequence_makes_the_dto_ignored(
    sequence: dict[str, Any], where: str
) -> None:
    dto = delta_dto(5, 6) if where == "baseSequence" else full_dto(6)
    dto[where] = sequence
    with Trouble() as trouble:
        info = await _feed([("delta" if where == "baseSequence" else "full", dto)], None)
    trouble.check()
    assert last_entry(info.parser.working_copy) == 10**7 + 1
