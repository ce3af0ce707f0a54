"""The system dashboard: each service's health, consumers, outbox, HTTP traffic and dead letters."""
