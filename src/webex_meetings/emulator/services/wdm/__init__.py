"""WDM: device registration, refresh and unregistration (device.md)."""
