"""Locus: meeting state, versions and deltas, join, call control, Mercury pushes."""
