"""matching: people who want to help, regional programs, stable allocation (built in its own issue)."""
