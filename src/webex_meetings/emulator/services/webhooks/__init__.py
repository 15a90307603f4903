"""Hydra webhooks: registrations and their delivery to loopback targets."""
