"""Tokens, their refresh, and the org id they carry."""

from webex_meetings.credentials.credentials import Credentials
from webex_meetings.credentials.token import Token, org_id_from_token

__all__ = ["Credentials", "Token", "org_id_from_token"]
