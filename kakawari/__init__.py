"""The composition root: the CLI and the all-in-one process. Only this imports every service."""
