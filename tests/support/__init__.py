"""Test support: real servers (NATS, PostgreSQL, SMTP) and the platform run in-process."""
