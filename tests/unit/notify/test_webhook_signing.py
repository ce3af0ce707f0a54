"""Signatures as Standard Webhooks receivers check them, payloads, and the endpoint rules. Pure."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.notify.webhooks.domain.endpoints import (
    delivery_key,
    payload,
    recipient_hash,
    rotating_until,
    should_disable,
    signing_secrets,
)
from services.notify.webhooks.domain.event_types import TEST_EVENT, clean_event_types, selectable_names
from services.notify.webhooks.signing import PREFIX, headers, new_secret


def test_secrets_are_whsec_and_32_random_bytes() -> None:
    one, two = new_secret(), new_secret()
    assert one.startswith(PREFIX) and one != two
    assert len(base64.b64decode(one.removeprefix(PREFIX))) == 32


def test_a_receiver_verifies_the_signature_and_refuses_a_changed_body() -> None:
    secret, now = new_secret(), datetime.now(UTC)
    body = payload("registry.member.approved.v1", now, {"member_id": "m", "name": "飛騨市"})
    sent = headers("msg_1", now, body, [secret])
    assert sent["webhook-timestamp"] == str(int(now.timestamp()))
    assert Webhook(secret).verify(body, sent)["data"]["name"] == "飛騨市"
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("飛騨市", "高山市"), sent)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, sent)


def test_during_a_rotation_both_secrets_sign() -> None:
    old, new, now = new_secret(), new_secret(), datetime.now(UTC)
    signing = signing_secrets(new, old, now + timedelta(hours=24), now)
    assert signing == [new, old]
    sent = headers("msg_2", now, "{}", signing)
    assert len(sent["webhook-signature"].split(" ")) == 2
    assert Webhook(old).verify("{}", sent) == {} and Webhook(new).verify("{}", sent) == {}
    # After the overlap only the new one signs.
    assert signing_secrets(new, old, now - timedelta(seconds=1), now) == [new]
    assert rotating_until(old, now - timedelta(seconds=1), now) is None


def test_payload_shape_and_identities() -> None:
    at = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
    body = json.loads(payload("registry.member.approved.v1", at, {"x": 1}))
    assert body == {"type": "registry.member.approved.v1", "timestamp": "2026-04-01T09:30:00Z", "data": {"x": 1}}
    event, endpoint = uuid4(), uuid4()
    assert delivery_key(event, endpoint, "t.v1") == f"{event}:{endpoint}:webhook:t.v1"
    assert len(recipient_hash(endpoint)) == 64


def test_an_endpoint_is_disabled_only_if_nothing_reached_it_meanwhile() -> None:
    since = datetime(2026, 4, 1, tzinfo=UTC)
    assert should_disable(failing_since=since, last_success_at=None)
    assert should_disable(failing_since=since, last_success_at=since - timedelta(hours=1))
    assert not should_disable(failing_since=since, last_success_at=since + timedelta(hours=3))


def test_event_types_a_member_endpoint_may_pick() -> None:
    names = selectable_names()
    assert "registry.member.approved.v1" in names and TEST_EVENT in names
    assert "registry.login.requested.v1" not in names  # about a person, not a member
    assert "registry.staff.invited.v1" not in names  # carries an invitation link, a credential
    cleaned, problems = clean_event_types(["registry.member.approved.v1", "registry.member.approved.v1"])
    assert cleaned == ["registry.member.approved.v1"] and not problems
    _, problems = clean_event_types(["registry.member.approved.v1", "nope.v1"])
    assert [(p.field, p.code) for p in problems] == [("event_types.1", "unknown_event_type")]
    _, problems = clean_event_types([])
    assert [p.code for p in problems] == ["missing"]
