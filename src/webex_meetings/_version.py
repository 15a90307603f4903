"""The package version, the single source for packaging and the user agent."""

__version__ = "0.1.0"
