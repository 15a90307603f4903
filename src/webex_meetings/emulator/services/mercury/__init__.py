"""Mercury: the notification websocket hub (mercury.md)."""
