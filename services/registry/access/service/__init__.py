"""Access's use cases, one module per concern; the HTTP layer calls these, never the repository."""
