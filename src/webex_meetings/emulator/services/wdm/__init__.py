"""WDM: device registration, refresh and unregistration (WDM device protocol)."""
