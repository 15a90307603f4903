"""Hydra messages: posts in rooms, threads, mentions and file links."""
