"""Client logs: the three-phase log upload the SDK runs after meetings."""
