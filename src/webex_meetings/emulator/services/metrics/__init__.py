"""Metrics: the sink of the client metrics the SDK reports constantly."""
