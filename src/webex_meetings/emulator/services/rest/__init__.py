"""Spec-driven Hydra REST: every in-scope OpenAPI operation, validated and dispatched."""
