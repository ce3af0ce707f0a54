"""Publishing an event into a running platform's JetStream as its producer's relay would, for the
integration tests of the services that consume it."""

from __future__ import annotations

import nats

from kit.contracts.base import EventContract
from kit.messaging.envelope import Envelope
from kit.messaging.subjects import Naming
from tests.support.platform import RunningPlatform


async def publish(platform: RunningPlatform, event: EventContract, producer: str = "registry") -> Envelope:
    """Publish `event` to JetStream as its producer's relay would (Nats-Msg-Id = event id)."""
    envelope = Envelope.wrap(event, producer=producer)
    subject = Naming(platform.settings.namespace).subject(envelope.versioned_type)
    nc = await nats.connect(platform.nats_url)
    try:
        await nc.jetstream().publish(subject, envelope.model_dump_json().encode(),
                                     headers={"Nats-Msg-Id": str(envelope.id)})
    finally:
        await nc.close()
    return envelope
