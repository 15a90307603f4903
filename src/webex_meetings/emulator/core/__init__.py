"""Building blocks shared by every emulated service: errors, ids, auth, faults, state."""
