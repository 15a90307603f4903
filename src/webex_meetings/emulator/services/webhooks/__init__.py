"""Hydra webhooks: registrations and their signed delivery to loopback targets."""
