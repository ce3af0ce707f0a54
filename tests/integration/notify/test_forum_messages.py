"""forum's signup events, through notify's real path (NATS, handlers, mailer, a real SMTP server):
the confirmation carries its calendar invitation as METHOD:REQUEST in a `text/calendar;
method=REQUEST` alternative part (and as invite.ics) and, in person, the check-in QR shown inline;
the waitlist position; an event's cancellation; the address check and the last reminder go out in
quiet hours, the day-before reminder waits. Both databases, one test of the templates alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from icalendar import Calendar
from sqlalchemy import select

from kit.contracts.base import Locale
from kit.contracts.forum import ReminderDue, SignupCancelled, SignupConfirmed, SignupRequested, SignupWaitlisted
from kit.db.types import utcnow
from kit.ical import event_uid
from services.notify.delivery.dev_smtp import ReceivedMail, ReceivedPart
from services.notify.delivery.dispatch import load_attachments
from services.notify.delivery.domain.keys import address_hash
from services.notify.delivery.domain.policy import JST
from services.notify.handlers import CHECKIN_QR_ID, checkin_qr
from services.notify.messages.render import render
from services.notify.messages.samples import sample_links, signup_confirmed, signup_waitlisted
from services.notify.models import Delivery, RecipientSettings
from tests.integration.notify.conftest import publish
from tests.support.platform import RunningPlatform
from tests.support.servers import wait_for

STARTS = datetime(2026, 10, 17, 4, 0, tzinfo=UTC)  # 13:00 JST


def facts(email: str, *, online: bool = False, locale: str = "ja", event_id: UUID | None = None) -> dict[str, Any]:
    return {"signup_id": uuid4(), "event_id": event_id or uuid4(), "event_title": "北陸・東海ブロックフォーラム",
            "starts_at": STARTS, "ends_at": STARTS + timedelta(hours=4), "email": email, "name": "田中 花子",
            "locale": locale, "manage_url": "https://kakawari.example.jp/forum/manage/t0k3n", "online": online,
            "venue": None if online else "金沢市文化ホール"}


async def settings_for(platform: RunningPlatform, address: str, **values: Any) -> None:
    """The person's settings; quiet hours off unless given."""
    async with platform["notify"].uow() as tx:
        tx.session.add(RecipientSettings(recipient=address, updated_at=utcnow(),
                                         **({"quiet_enabled": False} | values)))
        await tx.commit()


async def emails(platform: RunningPlatform, address: str) -> list[Delivery]:
    async with platform["notify"].uow.read() as session:
        rows = await session.scalars(select(Delivery).where(Delivery.recipient_hash == address_hash(address),
                                                            Delivery.channel == "email")
                                     .order_by(Delivery.created_at))
        return list(rows.all())


def mail_to(platform: RunningPlatform, address: str) -> list[ReceivedMail]:
    sink = platform["notify"].deps.smtp_sink
    assert sink is not None
    return [m for m in sink.messages if m.to == [address]]


async def one_mail(platform: RunningPlatform, address: str, count: int = 1) -> list[ReceivedMail]:
    found: list[ReceivedMail] = await wait_for(
        lambda: (mails := mail_to(platform, address)) and len(mails) >= count and mails, timeout_s=20)
    return found


async def settled(platform: RunningPlatform, address: str, count: int = 1) -> list[Delivery]:
    """The person's email rows once `count` of them are sent or held (the sink sees a mail a moment
    before the mailer marks its row)."""
    async def done() -> list[Delivery] | None:
        rows = await emails(platform, address)
        return rows if sum(row.state in ("sent", "deferred") for row in rows) >= count else None

    found: list[Delivery] = await wait_for(done, timeout_s=20)
    return found


def parts_of(mail: ReceivedMail, content_type: str) -> list[ReceivedPart]:
    return [p for p in mail.parts if p.content_type == content_type]


async def test_a_confirmation_carries_the_invitation_and_the_checkin_qr(notify: RunningPlatform) -> None:
    me, event_id = "attendee@example.jp", uuid4()
    await settings_for(notify, me)
    event = SignupConfirmed(**facts(me, event_id=event_id), checkin_code="K7M2Q9XD")
    envelope = await publish(notify, event, producer="forum")
    [mail] = await one_mail(notify, me)
    [row] = await settled(notify, me)
    assert row.template == "signup_confirmed" and row.category == "events" and row.state == "sent"
    assert mail.message_id == f"<{row.id}@kakawari-lab.example.jp>" and row.source_event_id == envelope.id
    assert mail.header("List-Unsubscribe")  # an events message: the person may switch these off
    assert "参加が確定しました" in mail.subject and "K7M2Q9XD" in mail.body

    # RFC 6047: the invitation is an alternative of the body, its method= the METHOD inside.
    [invite] = parts_of(mail, "text/calendar")
    assert invite.param("method") == "REQUEST" and invite.disposition is None
    calendar = Calendar.from_ical(invite.data)
    assert calendar["METHOD"] == "REQUEST" == invite.param("method")
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == event_uid(event_id) and vevent["STATUS"] == "CONFIRMED"
    assert vevent.decoded("DTSTART") == STARTS and str(vevent["LOCATION"]) == "金沢市文化ホール"
    assert str(vevent["ATTENDEE"]) == f"mailto:{me}" and "K7M2Q9XD" in str(vevent["DESCRIPTION"])
    assert [a.decoded("TRIGGER") for a in vevent.walk("VALARM")] == [timedelta(hours=-24)]  # in person: a day ahead
    types = [p.content_type for p in mail.parts]
    assert types.index("text/plain") < types.index("text/html") < types.index("text/calendar")

    # The same invitation as a file, and the QR inline, shown by the HTML through its Content-ID.
    [file] = [p for p in mail.attachments if p.filename == "invite.ics"]
    assert file.disposition == "attachment" and file.data == invite.data
    [qr] = parts_of(mail, "image/png")
    assert qr.disposition == "inline" and qr.content_id == CHECKIN_QR_ID and qr.filename == "checkin-qr.png"
    assert qr.data.startswith(b"\x89PNG") and qr.data == checkin_qr("K7M2Q9XD").data
    assert f'src="cid:{CHECKIN_QR_ID}"' in mail.html

    # The row keeps what was attached (a resend sends the same); the inbox copy has none.
    assert [a.filename for a in load_attachments(row.attachments)] == ["invite.ics", "checkin-qr.png"]


async def test_an_online_confirmation_has_the_invitation_but_no_qr(notify: RunningPlatform) -> None:
    me = "online@example.jp"
    await settings_for(notify, me)
    await publish(notify, SignupConfirmed(**facts(me, online=True, locale="en"), checkin_code="ABCD2345"),
                  producer="forum")
    [mail] = await one_mail(notify, me)
    assert "Your seat is confirmed" in mail.subject and "ABCD2345" not in mail.body
    [invite] = parts_of(mail, "text/calendar")
    [vevent] = Calendar.from_ical(invite.data).walk("VEVENT")
    assert str(vevent["LOCATION"]) == "Online" and vevent.walk("VALARM")
    assert parts_of(mail, "image/png") == [] and "cid:" not in mail.html
    assert [p.filename for p in mail.attachments] == ["invite.ics"]


async def test_the_waitlisted_message_gives_the_position(notify: RunningPlatform) -> None:
    me = "waiting@example.jp"
    await settings_for(notify, me)
    await publish(notify, SignupWaitlisted(**facts(me), waitlist_position=7), producer="forum")
    [mail] = await one_mail(notify, me)
    assert "キャンセル待ち（7番目）" in mail.subject and "現在の順番：7番目" in mail.body
    assert "7番目" in mail.html and mail.attachments == [] and parts_of(mail, "text/calendar") == []
    [row] = await settled(notify, me)
    assert row.attachments is None and mail.message_id == f"<{row.id}@kakawari-lab.example.jp>"


async def test_an_event_cancellation_says_so(notify: RunningPlatform) -> None:
    me = "cancelled@example.jp"
    await settings_for(notify, me)
    await publish(notify, SignupCancelled(**facts(me), reason="the event was cancelled"), producer="forum")
    await publish(notify, SignupCancelled(**facts(me), reason="cancelled by the attendee"), producer="forum")
    mails = await one_mail(notify, me, count=2)
    assert {m.subject.split("：")[0] for m in mails} == {"【かかわりラボ】イベント中止のお知らせ",
                                                         "【かかわりラボ】お申し込みのキャンセル"}
    cancelled = next(m for m in mails if "イベント中止" in m.subject)
    assert "中止となりました" in cancelled.body and "理由" not in cancelled.body


async def test_quiet_hours_hold_the_day_before_reminder_but_not_the_address_check_or_the_last_one(
        notify: RunningPlatform) -> None:
    me = "night-owl@example.jp"
    now = datetime.now(JST)
    start, end = (now - timedelta(hours=1)).strftime("%H:%M"), (now + timedelta(hours=2)).strftime("%H:%M")
    await settings_for(notify, me, quiet_enabled=True, quiet_start=start, quiet_end=end)  # it is night now
    await publish(notify, SignupRequested(**facts(me), verify_url="https://kakawari.example.jp/forum/verify/v",
                                          hold_expires_at=STARTS - timedelta(days=30)), producer="forum")
    await publish(notify, ReminderDue(**facts(me), which="1h"), producer="forum")
    await publish(notify, ReminderDue(**facts(me), which="24h"), producer="forum")
    mails = await one_mail(notify, me, count=2)
    by_template = {row.template: row for row in await settled(notify, me, count=3)}
    assert by_template["signup_requested"].state == "sent" and by_template["signup_requested"].critical
    assert by_template["reminder_1h"].state == "sent"
    assert by_template["reminder_24h"].state == "deferred" and by_template["reminder_24h"].reason == "quiet hours"
    requested = next(m for m in mails if "メールアドレスの確認" in m.subject)
    assert "https://kakawari.example.jp/forum/verify/v" in requested.body
    assert requested.header("List-Unsubscribe") is None  # a requested link, like sign-in: no unsubscribe
    assert any("まもなく開始（13:00）" in m.subject for m in mails)


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_a_lottery_result_is_worded_as_one_once_forum_says_so(locale: Locale) -> None:
    """The draw sends the winners signup_confirmed and the rest signup_waitlisted, with `drawn`
    set: their wording then mentions the draw."""
    links = sample_links(critical=False)
    plain = render("signup_confirmed", locale, {**signup_confirmed(), "links": links})
    confirmed = signup_confirmed()["event"]
    drawn = render("signup_confirmed", locale, {**signup_confirmed(), "links": links,
                                                "event": confirmed.model_copy(update={"drawn": True})})
    waitlisted = signup_waitlisted()["event"]
    lost = render("signup_waitlisted", locale, {"links": links, "event": waitlisted.model_copy(update={"drawn": True})})
    word = "抽選" if locale == "ja" else "draw"
    assert word not in plain.subject + plain.text
    assert word in drawn.subject and word in drawn.text and word in lost.text
