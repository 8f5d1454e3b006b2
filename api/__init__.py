"""The JSON HTTP layer: thin routers under /api/v1."""
