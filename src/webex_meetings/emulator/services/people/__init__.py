"""Hydra people: the person directory and the /v1/people routes."""
