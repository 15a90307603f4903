"""REST resources of the messaging and meetings families."""

from webex_meetings.resources.people import People

__all__ = ["People"]
