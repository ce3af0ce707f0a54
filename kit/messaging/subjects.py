"""Subject and stream names, with an optional namespace.

A namespace (`KAKAWARI_NAMESPACE`) lets several isolated copies of the platform
share one NATS cluster: a staging copy, or each test of the suite.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Naming:
    namespace: str = ""

    def subject(self, versioned_type: str) -> str:
        return f"{self.namespace}.{versioned_type}" if self.namespace else versioned_type

    def producer_wildcard(self, producer: str) -> str:
        return self.subject(f"{producer}.>")

    def producer_of(self, subject: str) -> str | None:
        """The service whose events `subject` carries (`<ns>.<service>.…`), None outside this namespace."""
        if self.namespace:
            if not subject.startswith(f"{self.namespace}."):
                return None
            subject = subject[len(self.namespace) + 1:]
        producer, dot, rest = subject.partition(".")
        return producer if producer and dot and rest else None

    def stream(self, producer: str) -> str:
        base = producer.upper()
        return f"{self.namespace.upper()}_{base}" if self.namespace else base

    def dlq_stream(self) -> str:
        return self.stream("dlq")

    def dlq_subject(self, consumer: str) -> str:
        return self.subject(f"dlq.{consumer}")

    def dlq_wildcard(self) -> str:
        return self.subject("dlq.>")

    def deliver_subject(self, consumer: str) -> str:
        """Where JetStream pushes a durable consumer's messages (outside every stream's subjects)."""
        return f"_kk.deliver.{self.durable(consumer)}"

    def durable(self, consumer: str) -> str:
        return f"{self.namespace}_{consumer}" if self.namespace else consumer
