"""Mercury: the notification websocket hub (Mercury protocol)."""
