"""Webex meetings: series, scheduled meetings and instances, with the update rules."""
