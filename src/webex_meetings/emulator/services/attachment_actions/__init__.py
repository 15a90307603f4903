"""Hydra attachment actions (Adaptive Card submissions)."""
