"""Database kit: one async engine per service, SQLite (WAL) or PostgreSQL."""
