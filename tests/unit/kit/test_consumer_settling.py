"""How a binding settles deliveries once their group has committed (no NATS, no database)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, cast

from nats.aio.msg import Msg

from kit.contracts.registry import MemberApproved
from kit.messaging.consumer import SubscriptionBinding, _parse
from kit.messaging.envelope import Envelope
from kit.messaging.handlers import Subscription
from kit.messaging.inbox import APPLIED, InboxApplier
from kit.messaging.subjects import Naming
from kit.messaging.topology import RetryPolicy, Topology


class FakeMessage:
    """Stands in for FastStream's NatsMessage: records what the binding did with it."""

    def __init__(self, envelope: Envelope, *, ack_fails: bool = False) -> None:
        self.raw_message = SimpleNamespace(data=envelope.model_dump_json().encode(),
                                           metadata=SimpleNamespace(num_delivered=1), subject="s", headers={})
        self.ack_fails = ack_fails
        self.settled: list[str] = []

    async def ack(self) -> None:
        if self.ack_fails:
            raise ConnectionError("connection closed")
        self.settled.append("ack")

    async def nack(self, delay: float) -> None:
        self.settled.append(f"nack {delay}")


class FakeApplier:
    """Hands out futures the test resolves, as a group commit would."""

    def __init__(self) -> None:
        self.futures: list[asyncio.Future[str]] = []

    def submit(self, sub: Subscription, envelope: Envelope, attempt: int = 1,
               sequence: int | None = None) -> asyncio.Future[str]:
        self.futures.append(asyncio.get_running_loop().create_future())
        return self.futures[-1]


async def _noop(event: Any, ctx: Any) -> None:
    return None


def _binding(applier: FakeApplier) -> SubscriptionBinding:
    sub = Subscription("notify", MemberApproved, "notify-test", _noop)
    topology = Topology(Naming("unit"), retry=RetryPolicy(max_deliver=5, backoff_s=(2.0,)))
    return SubscriptionBinding(sub=sub, topology=topology, applier=cast(InboxApplier, applier))


def _envelope() -> Envelope:
    return Envelope(type="registry.member.approved", version=1, producer="registry", payload={})


async def test_one_failed_ack_does_not_strand_the_rest_of_the_group() -> None:
    applier = FakeApplier()
    binding = _binding(applier)
    messages = [FakeMessage(_envelope(), ack_fails=(i == 0)) for i in range(3)]
    for message in messages:
        await binding.on_message(cast(Any, message))
    for future in applier.futures:  # the group commits: every delivery applied at once
        future.set_result(APPLIED)
    await binding.drain()
    assert [m.settled for m in messages] == [[], ["ack"], ["ack"]]


async def test_a_failed_delivery_is_nacked_with_backoff_and_nothing_is_acked_before_commit() -> None:
    applier = FakeApplier()
    binding = _binding(applier)
    ok, failing = FakeMessage(_envelope()), FakeMessage(_envelope())
    await binding.on_message(cast(Any, ok))
    await binding.on_message(cast(Any, failing))
    await asyncio.sleep(0)
    assert ok.settled == [] and failing.settled == []  # not committed yet: no ack
    applier.futures[0].set_result(APPLIED)
    applier.futures[1].set_exception(RuntimeError("handler failed"))
    await binding.drain()
    assert (ok.settled, failing.settled) == (["ack"], ["nack 2.0"])


async def test_the_faststream_message_id_is_the_event_id() -> None:
    event_id = "0190f3c2-0000-7000-8000-000000000001"
    parsed = await _parse(Msg(_client=cast(Any, None), subject="kakawari.registry.member.approved.v1",
                              data=b"{}", headers={"Nats-Msg-Id": event_id}))
    assert parsed.message_id == event_id and parsed.correlation_id == event_id
    assert parsed.body == b"{}" and parsed.headers == {"Nats-Msg-Id": event_id}
