"""HTTP plumbing used inside the package: transport, auth flow, options, pagination."""

from webex_meetings._http._auth import NO_AUTH, WebexAuth
from webex_meetings._http._options import NOT_GIVEN, NotGiven, RequestOptions
from webex_meetings._http._retry import RetryPolicy, parse_retry_after
from webex_meetings._http._transport import TrackingIds, Transport

__all__ = [
    "NOT_GIVEN",
    "NO_AUTH",
    "NotGiven",
    "RequestOptions",
    "RetryPolicy",
    "TrackingIds",
    "Transport",
    "WebexAuth",
    "parse_retry_after",
]
