"""notify's preferences API: the caller's own switches, quiet hours, language and (operators)
digest time; partial updates; 422 field by field in Japanese and English; 403 for a digest set by
anyone but an operator. One platform per module and database (SQLite, PostgreSQL), real NATS;
each test uses its own addresses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
from sqlalchemy import select

from kit.web.auth import OPERATOR
from services.notify.models import Preference, RecipientSettings
from tests.support.platform import RunningPlatform, platform_per_backend
from tests.support.sessions import bearer

API = "/notify/api/v1/preferences"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def notify(request: pytest.FixtureRequest, nats_url: str,
                 tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningPlatform]:
    async with platform_per_backend(request, nats_url, tmp_path_factory, services=["notify"]) as running:
        yield running


def address(name: str) -> str:
    return f"{name}-{uuid4().hex[:8]}@example.jp"


async def stored(platform: RunningPlatform, recipient: str) -> tuple[RecipientSettings | None, dict[str, bool]]:
    async with platform["notify"].uow.read() as session:
        settings = await session.get(RecipientSettings, recipient)
        rows = (await session.scalars(select(Preference).where(Preference.recipient == recipient))).all()
    return settings, {f"{r.category}.{r.channel}": r.enabled for r in rows}


async def test_defaults_then_a_partial_round_trip(notify: RunningPlatform) -> None:
    email = address("Reader")
    me = bearer(email.upper())  # the token's address in any case: settings are keyed lower-cased

    first = await notify.client.get(API, headers=me)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["recipient"] == email.lower()
    assert body["preferences"] == {c: {"email": True, "inbox": True}
                                   for c in ("membership", "events", "programs", "digests")}
    assert body["quiet_hours"] == {"enabled": True, "start": "21:00", "end": "08:00", "timezone": "Asia/Tokyo"}
    assert (body["locale"], body["digest_at"], body["digest_available"]) == (None, None, False)
    always = {a["type"]: a for a in body["always_sent"]}
    assert {"login_link", "staff_invited"} <= set(always)
    assert always["login_link"]["ja"] and always["login_link"]["en"] and body["always_sent_reason"]["ja"]
    assert await stored(notify, email.lower()) == (None, {})  # reading stores nothing

    put = await notify.client.put(API, headers=me, json={
        "preferences": {"events": {"email": False}, "digests": {"inbox": False}},
        "quiet_hours": {"start": "22:30", "end": "6:00"}, "locale": "en"})
    assert put.status_code == 200, put.text
    changed = put.json()
    assert changed["preferences"]["events"] == {"email": False, "inbox": True}
    assert changed["preferences"]["digests"] == {"email": True, "inbox": False}
    assert changed["preferences"]["membership"] == {"email": True, "inbox": True}
    assert changed["quiet_hours"] == {"enabled": True, "start": "22:30", "end": "06:00", "timezone": "Asia/Tokyo"}
    assert changed["locale"] == "en"
    assert (await notify.client.get(API, headers=me)).json() == changed

    # A second partial change leaves the first one alone.
    off = await notify.client.put(API, headers=me, json={"quiet_hours": {"enabled": False},
                                                         "preferences": {"events": {"email": True}}})
    assert off.status_code == 200
    assert off.json()["quiet_hours"] == {"enabled": False, "start": "22:30", "end": "06:00", "timezone": "Asia/Tokyo"}
    assert off.json()["locale"] == "en" and off.json()["preferences"]["digests"]["inbox"] is False

    settings, switches = await stored(notify, email.lower())
    assert settings is not None
    assert (settings.locale, settings.quiet_enabled, settings.quiet_start, settings.quiet_end) == (
        "en", False, "22:30", "06:00")
    assert switches == {"events.email": True, "digests.inbox": False}

    # Nobody else's settings moved.
    other = (await notify.client.get(API, headers=bearer(address("other")))).json()
    assert other["locale"] is None and other["preferences"]["events"]["email"] is True


async def test_bad_fields_are_422_field_by_field_and_change_nothing(notify: RunningPlatform) -> None:
    email = address("careless")
    me = bearer(email)
    bad = await notify.client.put(API, headers=me, json={
        "preferences": {"gossip": {"email": False}, "account": {"email": False}, "events": {"fax": False}},
        "quiet_hours": {"start": "25:00", "end": "8時"}, "digest_at": None})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    problems = {p["field"]: p for p in bad.json()["errors"]}
    assert set(problems) == {"preferences.gossip", "preferences.account", "preferences.events.fax",
                             "quiet_hours.start", "quiet_hours.end"}
    assert all(p["ja"] and p["en"] for p in problems.values())
    assert problems["quiet_hours.start"]["code"] == "time_format"
    assert problems["preferences.account"]["code"] == "always_sent"

    empty = await notify.client.put(API, headers=me, json={"quiet_hours": {"start": "08:00"}})
    assert empty.status_code == 422
    assert [(p["field"], p["code"]) for p in empty.json()["errors"]] == [("quiet_hours.start", "quiet_window_empty")]

    shaped = await notify.client.put(API, headers={**me, "accept-language": "en"},
                                     json={"locale": "fr", "colour": "blue", "preferences": {"events": {"email": 3}}})
    assert shaped.status_code == 422
    fields = {p["field"] for p in shaped.json()["errors"]}
    assert {"locale", "colour", "preferences.events.email"} <= fields
    assert shaped.json()["title"] == "Some fields are invalid."

    assert await stored(notify, email) == (None, {})
    assert (await notify.client.put(API, json={"locale": "ja"})).status_code == 401
    assert (await notify.client.get(API)).status_code == 401


async def test_the_daily_digest_is_for_operators(notify: RunningPlatform) -> None:
    staff = bearer(address("staff"))
    refused = await notify.client.put(API, headers=staff, json={"digest_at": "09:00", "locale": "en"})
    assert refused.status_code == 403 and refused.json()["detail"]["ja"] and refused.json()["detail"]["en"]
    assert (await notify.client.get(API, headers=staff)).json()["locale"] is None  # nothing of it was saved
    assert (await notify.client.put(API, headers=staff, json={"digest_at": None})).status_code == 200

    email = address("operator")
    operator = bearer(email, OPERATOR)
    shown = (await notify.client.get(API, headers=operator)).json()
    assert shown["digest_available"] is True and shown["digest_at"] is None
    on = await notify.client.put(API, headers=operator, json={"digest_at": "７:30"})
    assert on.status_code == 200 and on.json()["digest_at"] == "07:30"
    settings, _ = await stored(notify, email)
    assert settings is not None and settings.digest_at == "07:30"
    assert settings.quiet_start == "21:00" and settings.quiet_enabled  # the rest are the defaults
    bad = await notify.client.put(API, headers=operator, json={"digest_at": "7:75"})
    assert bad.status_code == 422 and [p["field"] for p in bad.json()["errors"]] == ["digest_at"]
    off = await notify.client.put(API, headers=operator, json={"digest_at": None})
    assert off.status_code == 200 and off.json()["digest_at"] is None


async def test_the_contract_documents_the_errors(notify: RunningPlatform) -> None:
    document = (await notify.client.get("/notify/openapi.json")).json()
    put = document["paths"]["/api/v1/preferences"]["put"]
    assert {"401", "403", "422"} <= set(put["responses"])
