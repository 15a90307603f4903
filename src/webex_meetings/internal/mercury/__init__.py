"""The Mercury notification websocket: socket, heartbeat and the reconnecting plugin."""

from webex_meetings.internal.mercury.heartbeat import Heartbeat
from webex_meetings.internal.mercury.mercury import Mercury, MercuryState, SendQueue
from webex_meetings.internal.mercury.socket import (
    CloseAction,
    MercurySocket,
    classify_close,
    prepare_url,
)

__all__ = [
    "CloseAction",
    "Heartbeat",
    "Mercury",
    "MercurySocket",
    "MercuryState",
    "SendQueue",
    "classify_close",
    "prepare_url",
]
