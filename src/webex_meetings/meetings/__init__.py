"""The Meetings plugin (``webex.meetings``): register/unregister; meetings come later."""

from webex_meetings.meetings.plugin import Meetings

__all__ = ["Meetings"]
