"""Session types of the emulated site, and which of them each user may schedule."""
