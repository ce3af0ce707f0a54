"""Web kit: problem responses, locale, health endpoints."""
