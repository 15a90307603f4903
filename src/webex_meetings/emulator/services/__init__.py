"""Emulated Webex services, one folder each (backend in models.py, thin handlers in routes.py)."""
