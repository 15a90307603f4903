"""U2C service discovery: the limited and full service catalogs."""
