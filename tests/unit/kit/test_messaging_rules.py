"""Pure parts of the messaging kit: naming, retry policy, envelopes. No I/O."""

from __future__ import annotations

from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st
from opentelemetry import trace

from kit.contracts.registry import MemberApproved
from kit.messaging.envelope import Envelope, new_event_id
from kit.messaging.subjects import Naming
from kit.messaging.topology import RetryPolicy


def test_names_are_namespaced_only_when_asked() -> None:
    plain, isolated = Naming(), Naming("t1")
    assert plain.subject("registry.member.approved.v1") == "registry.member.approved.v1"
    assert isolated.subject("registry.member.approved.v1") == "t1.registry.member.approved.v1"
    assert (plain.stream("registry"), isolated.stream("registry")) == ("REGISTRY", "T1_REGISTRY")
    assert isolated.producer_wildcard("registry") == "t1.registry.>"
    assert isolated.deliver_subject("notify-x").startswith("_kk.deliver.")  # outside every stream's subjects


@given(namespace=st.sampled_from(["", "t1", "staging"]), producer=st.from_regex(r"[a-z]{2,10}", fullmatch=True),
       rest=st.from_regex(r"[a-z_]{1,12}\.[a-z_]{1,12}\.v[1-9]", fullmatch=True))
def test_a_subject_names_its_producer(namespace: str, producer: str, rest: str) -> None:
    naming = Naming(namespace)
    subject = naming.subject(f"{producer}.{rest}")
    assert naming.producer_of(subject) == producer
    assert Naming("other").producer_of(subject) is None  # another deployment's event is nobody's here
    assert naming.producer_of(naming.subject(producer)) is None  # a bare name is no event's subject


def test_retry_backoff_grows_then_holds() -> None:
    policy = RetryPolicy(max_deliver=6, backoff_s=(1.0, 5.0, 30.0))
    assert [policy.delay_after(n) for n in range(1, 6)] == [1.0, 5.0, 30.0, 30.0, 30.0]


def test_event_ids_are_time_ordered() -> None:
    ids = [new_event_id() for _ in range(50)]
    assert ids == sorted(ids) and all(i.version == 7 for i in ids)


def test_envelope_round_trips_a_contract_and_carries_the_trace() -> None:
    from datetime import UTC, datetime

    event = MemberApproved(member_id=uuid4(), name="岐阜県飛騨市", kind="municipality", status="approved",
                           at=datetime.now(UTC))
    with trace.get_tracer("test").start_as_current_span("use case") as span:
        envelope = Envelope.wrap(event, producer="registry")
    assert envelope.versioned_type == "registry.member.approved.v1"
    assert envelope.producer == "registry"
    assert Envelope.model_validate_json(envelope.model_dump_json()).open(MemberApproved) == event
    if span.get_span_context().is_valid:  # a real provider is installed by the suite's conftest
        assert envelope.traceparent and format(span.get_span_context().trace_id, "032x") in envelope.traceparent
