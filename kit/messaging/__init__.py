"""Messaging kit: envelope, transactional outbox and relay, idempotent consumers,
JetStream topology and the dead-letter queue."""
