"""Recordings of ended meeting instances: ``/recordings`` and the recycle bin."""
