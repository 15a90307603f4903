"""Hydra rooms (spaces) and their memberships."""
