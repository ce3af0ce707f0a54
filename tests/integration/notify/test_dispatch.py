"""From an event to what each person gets, through the real path (NATS, notify's handlers, the
mailer, a real SMTP server): templates in the recipient's language, preferences and the critical
bypass, quiet hours that hold mail across a restart, the daily digest, resending, suppression and
erasure; what notify tells the platform of them (sent, deferred). Both databases unless said
otherwise."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import func, select, update

from kit.config import Settings
from kit.contracts.registry import LoginLinkRequested, MemberApplied, MemberApproved, PersonErased
from kit.db.types import utcnow
from kit.dev.postgres import throwaway_database
from kit.messaging.envelope import Envelope
from kit.web.auth import OPERATOR
from services.notify.delivery.domain.keys import address_hash
from services.notify.delivery.domain.policy import JST
from services.notify.models import (
    MESSAGING,
    Delivery,
    DigestEntry,
    Notification,
    Preference,
    RecipientSettings,
    Suppression,
)
from tests.integration.notify.conftest import publish
from tests.support.platform import RunningPlatform, running_platform, upgrade_async
from tests.support.servers import wait_for
from tests.support.sessions import bearer, csrf_of, person, sign_in

API = "/notify/api/v1"
MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "notify" / "migrations"
OPS = "operator@kakawari-lab.example.jp"  # notify's default operator address (NOTIFY_OPERATOR_EMAILS)


def approved(email: str, locale: str = "ja", name: str = "岐阜県飛騨市") -> MemberApproved:
    return MemberApproved(member_id=uuid4(), name=name, kind="municipality", status="active",
                          contact_email=email, locale=locale, at=datetime.now(UTC))


def login(email: str) -> LoginLinkRequested:
    return LoginLinkRequested(email=email, login_url="https://kakawari.example.jp/login/abc",
                              expires_at=datetime.now(UTC) + timedelta(hours=1))


async def settings_for(platform: RunningPlatform, address: str, **values: Any) -> None:
    """Store a person's settings (quiet hours off unless given), as the settings page would."""
    async with platform["notify"].uow() as tx:
        tx.session.add(RecipientSettings(recipient=address, updated_at=utcnow(),
                                         **({"quiet_enabled": False} | values)))
        await tx.commit()


async def deliveries(platform: RunningPlatform, address: str, channel: str = "email") -> list[Delivery]:
    async with platform["notify"].uow.read() as session:
        rows = await session.scalars(select(Delivery).where(Delivery.recipient_hash == address_hash(address),
                                                            Delivery.channel == channel)
                                     .order_by(Delivery.created_at))
        return list(rows.all())


async def in_state(platform: RunningPlatform, address: str, state: str, count: int = 1) -> list[Delivery] | None:
    rows = [d for d in await deliveries(platform, address) if d.state == state]
    return rows if len(rows) >= count else None


async def told(platform: RunningPlatform, versioned_type: str) -> list[dict[str, Any]]:
    """The payloads of the events of this type notify wrote to its outbox."""
    outbox = MESSAGING.outbox
    async with platform["notify"].uow.read() as session:
        rows = (await session.scalars(select(outbox.c.envelope).where(outbox.c.event_type == versioned_type))).all()
    return [Envelope.model_validate_json(raw).payload for raw in rows]


def mail_to(platform: RunningPlatform, address: str) -> list[Any]:
    sink = platform["notify"].deps.smtp_sink
    return [m for m in sink.messages if m.to == [address]]


async def test_a_message_reaches_inbox_and_email_in_the_recipients_language(notify: RunningPlatform) -> None:
    await settings_for(notify, "en@example.jp")
    await publish(notify, approved("en@example.jp", locale="en", name="Hida City"))
    await publish(notify, approved("ja@example.jp", name="岐阜県飛騨市"))
    await settings_for(notify, "ja@example.jp")
    sent = await wait_for(lambda: in_state(notify, "en@example.jp", "sent"), timeout_s=20)
    [english] = mail_to(notify, "en@example.jp")
    assert english.subject == sent[0].subject and "Membership approved" in english.subject
    [told_sent] = [e for e in await told(notify, "notify.delivery.sent.v1") if e["delivery_id"] == str(sent[0].id)]
    assert (told_sent["channel"], told_sent["template"], told_sent["attempts"]) == ("email", "member_approved", 1)
    assert "Hida City" in english.body and "Hida City" in english.html and "<html" in english.html.lower()
    assert english.message_id == f"<{sent[0].id}@kakawari-lab.example.jp>"
    [item] = (await deliveries(notify, "en@example.jp", channel="inbox"))
    assert item.state == "sent" and item.notification_id is not None

    await wait_for(lambda: in_state(notify, "ja@example.jp", "sent"), timeout_s=20)
    [japanese] = mail_to(notify, "ja@example.jp")
    assert "入会承認" in japanese.subject and "岐阜県飛騨市" in japanese.body


async def test_a_switched_off_category_is_suppressed_but_critical_mail_still_goes(notify: RunningPlatform) -> None:
    me = "quiet-person@example.jp"
    await settings_for(notify, me)
    async with notify["notify"].uow() as tx:
        for channel in ("email", "inbox"):
            tx.session.add(Preference(recipient=me, category="membership", channel=channel, enabled=False,
                                      updated_at=utcnow()))
        await tx.commit()
    await publish(notify, approved(me))
    await publish(notify, login(me))
    [suppressed] = await wait_for(lambda: in_state(notify, me, "suppressed"), timeout_s=20)
    assert "settings" in (suppressed.reason or "") and suppressed.template == "member_approved"
    [sent] = await wait_for(lambda: in_state(notify, me, "sent"), timeout_s=20)
    assert sent.template == "login_link" and sent.critical
    assert [m.subject for m in mail_to(notify, me)] == [sent.subject]
    inbox = await deliveries(notify, me, channel="inbox")
    assert sorted((d.template, d.state) for d in inbox) == [("login_link", "sent"), ("member_approved", "suppressed")]


async def test_a_hard_bounced_address_gets_nothing_until_an_operator_lifts_it(notify: RunningPlatform) -> None:
    me = "bounced@example.jp"
    await settings_for(notify, me)
    async with notify["notify"].uow() as tx:
        tx.session.add(Suppression(address_hash=address_hash(me), address=me, reason="550 no such user",
                                   created_at=utcnow()))
        await tx.commit()
    await publish(notify, login(me))
    [held] = await wait_for(lambda: in_state(notify, me, "suppressed"), timeout_s=20)
    assert "bounce" in (held.reason or "")

    operator = bearer(OPS, OPERATOR)
    listed = (await notify.client.get(f"{API}/suppressions", headers=operator)).json()
    assert [s["address"] for s in listed] == [me]
    refused = await notify.client.post(f"{API}/deliveries/{held.id}/resend", headers=operator)
    assert refused.status_code == 409  # lift first
    member = bearer(me)
    assert (await notify.client.post(f"{API}/suppressions/{address_hash(me)}/lift", headers=member)).status_code == 403
    lifted = await notify.client.post(f"{API}/suppressions/{address_hash(me)}/lift", headers=operator)
    assert lifted.status_code == 200 and lifted.json()["lifted_by"] == OPS
    resent = await notify.client.post(f"{API}/deliveries/{held.id}/resend", headers=operator)
    assert resent.status_code == 201 and resent.json()["resend_of"] == str(held.id)
    [sent] = await wait_for(lambda: in_state(notify, me, "sent"), timeout_s=20)
    assert sent.id != held.id and sent.resend_of == held.id
    assert [m.message_id for m in mail_to(notify, me)] == [f"<{sent.id}@kakawari-lab.example.jp>"]


async def test_the_log_is_searched_by_recipient_event_and_state(notify: RunningPlatform) -> None:
    me = "searched@example.jp"
    await settings_for(notify, me)
    envelope = await publish(notify, login(me))
    await wait_for(lambda: in_state(notify, me, "sent"), timeout_s=20)
    operator = bearer(OPS, OPERATOR)
    by_recipient = (await notify.client.get(f"{API}/deliveries", params={"recipient": me.upper()},
                                            headers=operator)).json()
    assert sorted(d["channel"] for d in by_recipient) == ["email", "inbox"]
    by_event = (await notify.client.get(f"{API}/deliveries", params={"event_id": str(envelope.id), "state": "sent",
                                                                      "channel": "email"}, headers=operator)).json()
    assert [d["recipient"] for d in by_event] == [me]
    log = (await notify.client.get(f"{API}/deliveries/{by_event[0]['id']}", headers=operator)).json()
    assert [a["outcome"] for a in log["log"]] == ["sent"]
    bad = await notify.client.get(f"{API}/deliveries", params={"state": "lost"}, headers=operator)
    assert bad.status_code == 422


async def test_the_daily_digest_lists_new_applications_once(notify: RunningPlatform) -> None:
    await settings_for(notify, OPS, digest_at="09:00")
    names = ["北海道東川町", "島根県海士町", "NPO法人ひだ"]
    for name in names:
        await publish(notify, MemberApplied(member_id=uuid4(), name=name, kind="municipality", status="pending",
                                            contact_email="applicant@example.jp", at=datetime.now(UTC)))

    async def held() -> list[DigestEntry] | None:
        async with notify["notify"].uow.read() as session:
            rows = list((await session.scalars(select(DigestEntry).where(DigestEntry.recipient == OPS))).all())
        return rows if len(rows) == len(names) else None

    entries = await wait_for(held, timeout_s=20)
    assert all(e.digest_id is None for e in entries)
    assert await deliveries(notify, OPS) == []  # no email per application
    async with notify["notify"].uow.read() as session:
        due = (await session.get(RecipientSettings, OPS)).digest_due_at  # type: ignore[union-attr]
    assert due is not None and due.astimezone(JST).strftime("%H:%M") == "09:00" and due > utcnow()
    deferred = await told(notify, "notify.delivery.deferred.v1")  # each held for the digest, its entry standing in
    assert sorted(e["delivery_id"] for e in deferred) == sorted(str(e.id) for e in entries)
    assert {(e["reason"], e["template"], datetime.fromisoformat(e["until"])) for e in deferred} == {
        ("digest", "member_applied", due)}

    # The clock reaches 09:00 JST: the digest goes out once, listing all three.
    for _ in range(2):  # a second round finds nothing left to send
        async with notify["notify"].uow() as tx:
            await tx.session.execute(update(RecipientSettings).where(RecipientSettings.recipient == OPS)
                                     .values(digest_due_at=utcnow() - timedelta(seconds=1)))
            await tx.commit()
        await notify["notify"].deps.digests.sweep_once()
    [digest] = await wait_for(lambda: in_state(notify, OPS, "sent"), timeout_s=20)
    assert digest.template == "applications_digest"
    [mail] = mail_to(notify, OPS)
    assert all(name in mail.body for name in names)
    async with notify["notify"].uow.read() as session:
        carried = set((await session.scalars(select(DigestEntry.digest_id).where(DigestEntry.recipient == OPS))).all())
    assert carried == {digest.id}


async def test_erasure_blanks_the_address_and_the_log_keeps_a_hash(notify: RunningPlatform) -> None:
    me = "forget-me@example.jp"
    await settings_for(notify, me)
    await publish(notify, login(me))
    await wait_for(lambda: in_state(notify, me, "sent"), timeout_s=20)
    await publish(notify, PersonErased(email=me.upper(), at=datetime.now(UTC)))

    async def blanked() -> list[Delivery] | None:
        rows = await deliveries(notify, me)  # found by hash
        return rows if rows and all(d.recipient == "" for d in rows) else None

    [row] = await wait_for(blanked, timeout_s=20)
    assert row.recipient_hash == address_hash(me) and row.body_text == "" and row.subject == ""
    async with notify["notify"].uow.read() as session:
        kept = await session.scalar(select(func.count()).select_from(Notification)
                                    .where(Notification.recipient == me))
        settings = await session.get(RecipientSettings, me)
    assert kept == 0 and settings is None


@asynccontextmanager
async def kept_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """One notify database that outlives a platform run, as a restarted process would find it."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'kept-notify.db'}"
        await upgrade_async(MIGRATIONS, url)
        yield url
        return
    async with throwaway_database(request.getfixturevalue("pg_admin_url"), "kept") as url:
        await upgrade_async(MIGRATIONS, url)
        yield url


async def test_quiet_hours_defer_mail_to_the_end_of_the_window_across_a_restart(
    backend: str, request: pytest.FixtureRequest, nats_url: str, tmp_path: Path
) -> None:
    me = "night-owl@example.jp"
    now = datetime.now(JST)
    start, end = (now - timedelta(hours=1)).strftime("%H:%M"), (now + timedelta(hours=2)).strftime("%H:%M")
    async with kept_database(backend, request, tmp_path) as url:
        def same_database(settings: Settings) -> Settings:
            return replace(settings, database_urls={"notify": url})

        for run_dir in ("first", "second"):
            (tmp_path / run_dir).mkdir()
        run = {"backend": "sqlite", "nats_url": nats_url, "services": ["notify"], "tweak": same_database}
        async with running_platform(tmp=tmp_path / "first", **run) as first:  # type: ignore[arg-type]
            await settings_for(first, me, quiet_enabled=True, quiet_start=start, quiet_end=end)
            await publish(first, approved(me))
            await publish(first, login(me))  # critical: not held
            [deferred] = await wait_for(lambda: in_state(first, me, "deferred"), timeout_s=20)
            await wait_for(lambda: in_state(first, me, "sent"), timeout_s=20)
            assert deferred.reason == "quiet hours" and deferred.template == "member_approved"
            assert deferred.next_attempt_at.astimezone(JST).strftime("%H:%M") == end
            assert deferred.next_attempt_at > utcnow() + timedelta(hours=1)
            [held] = await told(first, "notify.delivery.deferred.v1")  # the critical one was not held
            assert (held["delivery_id"], held["reason"]) == (str(deferred.id), "quiet_hours")
            assert datetime.fromisoformat(held["until"]) == deferred.next_attempt_at

        async with running_platform(tmp=tmp_path / "second", **run) as second:  # type: ignore[arg-type]
            await second["notify"].deps.mailer.sweep_once()
            [still] = [d for d in await deliveries(second, me) if d.template == "member_approved"]
            assert still.state == "deferred" and still.next_attempt_at == deferred.next_attempt_at  # kept, not early
            async with second["notify"].uow() as tx:  # the window ends
                await tx.session.execute(update(Delivery).where(Delivery.id == deferred.id)
                                         .values(next_attempt_at=utcnow()))
                await tx.commit()
            second["notify"].deps.mailer.wake()
            sent = await wait_for(lambda: in_state(second, me, "sent", count=2), timeout_s=20)
            assert deferred.id in {d.id for d in sent}
            assert [m.message_id for m in mail_to(second, me)] == [f"<{deferred.id}@kakawari-lab.example.jp>"]
            told_sent = await told(second, "notify.delivery.sent.v1")
            assert [e["delivery_id"] for e in told_sent].count(str(deferred.id)) == 1


async def test_operators_search_open_and_resend_from_the_log_pages(notify: RunningPlatform) -> None:
    me = "paged@example.jp"
    await settings_for(notify, me)
    await publish(notify, login(me))
    [sent] = await wait_for(lambda: in_state(notify, me, "sent"), timeout_s=20)
    client, codec = notify.client, notify["notify"].deps.sessions
    assert (await client.get("/notify/ops/deliveries")).status_code == 303  # sign in first
    sign_in(client, codec, person(me))
    assert (await client.get("/notify/ops/deliveries")).status_code == 403
    sign_in(client, codec, person(OPS, OPERATOR))
    found = await client.get("/notify/ops/deliveries", params={"recipient": me, "channel": "email"})
    assert found.status_code == 200 and f"/notify/ops/deliveries/{sent.id}" in found.text
    english = await client.get("/notify/ops/deliveries", params={"recipient": me, "lang": "en"})
    assert "Delivery log" in english.text and "recipient=paged%40example.jp" in english.text
    detail = await client.get(f"/notify/ops/deliveries/{sent.id}")
    assert detail.status_code == 200 and "Resend" in detail.text and sent.subject in detail.text  # English stays
    refused = await client.post(f"/notify/ops/deliveries/{sent.id}/resend", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    resent = await client.post(f"/notify/ops/deliveries/{sent.id}/resend", data={"csrf_token": csrf_of(detail.text)})
    assert resent.status_code == 303
    fresh = await wait_for(lambda: in_state(notify, me, "sent", count=2), timeout_s=20)
    assert {d.resend_of for d in fresh} == {None, sent.id}
    assert len({m.message_id for m in mail_to(notify, me)}) == 2  # a resend says so: its own Message-ID
