"""Conversation service: the activities Webex pushes over Mercury when a space changes."""
