"""idbroker: the OAuth token endpoint."""
