"""Hydra teams and team memberships."""
