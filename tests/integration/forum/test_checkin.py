"""Check-in on both databases: a code checks in once however often (and however many desks at
once) it is scanned; a code of another event, a cancelled or an unconfirmed signup are refused
with whose signup it is; attendance and no-shows; the QR code behind the manage link; the staff
page with and without its script; operators only."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update

from kit.contracts.forum import SignupCheckedIn
from kit.web.auth import OPERATOR
from services.forum.checkin import qr
from services.forum.models import MESSAGING, Event, Signup
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, csrf_of, person, sign_in

API = "/forum/api/v1"
OPERATOR_PERSON = person("ops@example.jp", OPERATOR)
OPS = bearer(OPERATOR_PERSON)
STAFF = bearer(person("staff@example.jp", "staff"))
HTML = {"accept": "text/html"}
JSON = {"accept": "application/json"}


async def new_event(platform: RunningPlatform, capacity: int = 10, title: str = "北陸・東海ブロックフォーラム",
                    **extra: Any) -> str:
    start = datetime.now(UTC) + timedelta(days=30)
    body = {"kind": "block_forum", "title": title, "starts_at": start.isoformat(), "block": "hokuriku_tokai",
            "ends_at": (start + timedelta(hours=4)).isoformat(), "capacity": capacity,
            "venue": "岐阜市 長良川国際会議場", "hold_hours": None, **extra}
    r = await platform.client.post(f"{API}/events", json=body, headers=OPS)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def sign_up(platform: RunningPlatform, event: str, i: int, **extra: Any) -> dict[str, Any]:
    body = {"name": f"飛騨 太郎{i}", "name_kana": "ひだ たろう", "email": f"p{i}@example.jp",
            "affiliation": "飛騨市 地域振興課", "prefecture_code": "21", "consent": True, **extra}
    r = await platform.client.post(f"{API}/events/{event}/signups", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def code_of(platform: RunningPlatform, signup_id: str) -> str:
    async with platform["forum"].uow.read() as session:
        signup = await session.get(Signup, UUID(signup_id))
        assert signup is not None
        return signup.checkin_code


async def checked_in_events(platform: RunningPlatform) -> int:
    outbox = MESSAGING.outbox
    async with platform["forum"].uow.read() as session:
        return int(await session.scalar(select(func.count()).select_from(outbox).where(
            outbox.c.event_type == SignupCheckedIn.versioned_type())) or 0)


def scan(platform: RunningPlatform, event: str, code: str, headers: dict[str, str] = OPS) -> Any:
    return platform.client.post(f"{API}/events/{event}/checkins", json={"code": code}, headers=headers)


async def test_check_in_is_idempotent(forum: RunningPlatform) -> None:
    event = await new_event(forum)
    people = [await sign_up(forum, event, i) for i in range(3)]
    assert {p["status"] for p in people} == {"confirmed"}
    code = await code_of(forum, people[0]["id"])

    first = await scan(forum, event, code)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["already"] is False and body["name"] == "飛騨 太郎0" and body["affiliation"] == "飛騨市 地域振興課"
    assert (body["confirmed"], body["checked_in"]) == (3, 1)

    # Typed by hand: lower case, split in two halves, or full width from a Japanese IME; all the same code.
    for typed in (code.lower(), f"{code[:4]}-{code[4:]}", code.translate({c: c + 0xFEE0 for c in range(33, 127)})):
        again = await scan(forum, event, typed)
        assert again.status_code == 200, again.text
        assert again.json()["already"] is True and again.json()["checked_in_at"] == body["checked_in_at"]
        assert again.json()["checked_in"] == 1
    assert await checked_in_events(forum) == 1

    # Several desks scanning one code at once still check it in once.
    other = await code_of(forum, people[1]["id"])
    answers = await asyncio.gather(*(scan(forum, event, other) for _ in range(8)))
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    assert sorted(a.json()["already"] for a in answers) == [False] + [True] * 7
    assert len({a.json()["checked_in_at"] for a in answers}) == 1
    assert await checked_in_events(forum) == 2


async def test_wrong_event_cancelled_and_unconfirmed_are_refused_with_whose_signup(forum: RunningPlatform) -> None:
    here = await new_event(forum, capacity=1)
    there = await new_event(forum, title="中国・四国ブロックフォーラム", block="chugoku_shikoku")
    seated = await sign_up(forum, here, 1)
    waiting = await sign_up(forum, here, 2)
    elsewhere = await sign_up(forum, there, 3)
    assert (seated["status"], waiting["status"]) == ("confirmed", "waitlisted")

    wrong = await scan(forum, here, await code_of(forum, elsewhere["id"]))
    assert wrong.status_code == 409
    assert wrong.json()["reason"] == "wrong_event" and wrong.json()["name"] == "飛騨 太郎3"
    assert wrong.json()["signup_event_title"] == "中国・四国ブロックフォーラム"
    assert wrong.json()["detail"] == {"ja": "別のイベントの申込みです。", "en": "This signup is for another event."}

    unconfirmed = await scan(forum, here, await code_of(forum, waiting["id"]))
    assert unconfirmed.status_code == 409 and unconfirmed.json()["reason"] == "not_confirmed"
    assert unconfirmed.json()["signup_status"] == "waitlisted"

    token = seated["manage_url"].rsplit("/", 1)[1]
    assert (await forum.client.post(f"{API}/signups/manage/{token}/cancel")).status_code == 200
    cancelled = await scan(forum, here, await code_of(forum, seated["id"]))
    assert cancelled.status_code == 409 and cancelled.json()["reason"] == "cancelled"
    assert cancelled.json()["affiliation"] == "飛騨市 地域振興課"

    unknown = await scan(forum, here, "ZZZZ2222", headers=OPS | {"accept-language": "en"})
    assert unknown.status_code == 404 and unknown.json()["title"] == "No signup has this check-in code."
    malformed = await scan(forum, here, "0O1I")
    assert malformed.status_code == 422 and malformed.json()["errors"][0]["field"] == "code"
    assert (await scan(forum, "00000000-0000-0000-0000-000000000000", "ZZZZ2222")).status_code == 404
    assert await checked_in_events(forum) == 0


async def test_attendance_counts_and_no_shows_once_ended(forum: RunningPlatform) -> None:
    event = await new_event(forum)
    people = [await sign_up(forum, event, i, prefecture_code="21" if i < 3 else "17") for i in range(5)]
    for p in people[:2] + people[3:4]:
        assert (await scan(forum, event, await code_of(forum, p["id"]))).status_code == 200

    during = (await forum.client.get(f"{API}/events/{event}/attendance", headers=OPS)).json()
    assert during | {"by_prefecture": None} == {"event_id": event, "confirmed": 5, "checked_in": 3,
                                                "not_checked_in": 2, "no_show": None, "ended": False,
                                                "by_prefecture": None}
    assert during["by_prefecture"] == [{"prefecture_code": "17", "confirmed": 2, "checked_in": 1},
                                       {"prefecture_code": "21", "confirmed": 3, "checked_in": 2}]

    async with forum["forum"].uow() as tx:  # the forum took place yesterday
        yesterday = datetime.now(UTC) - timedelta(days=1)
        await tx.session.execute(update(Event).where(Event.id == UUID(event)).values(
            starts_at=yesterday, ends_at=yesterday + timedelta(hours=4)))
        await tx.commit()
    after = (await forum.client.get(f"{API}/events/{event}/attendance", headers=OPS)).json()
    assert (after["ended"], after["no_show"], after["checked_in"]) == (True, 2, 3)


async def test_only_operators_check_in_and_read_attendance(forum: RunningPlatform) -> None:
    event = await new_event(forum)
    code = await code_of(forum, (await sign_up(forum, event, 1))["id"])
    assert (await forum.client.post(f"{API}/events/{event}/checkins", json={"code": code})).status_code == 401
    assert (await scan(forum, event, code, headers=STAFF)).status_code == 403
    assert (await forum.client.get(f"{API}/events/{event}/attendance")).status_code == 401
    assert (await forum.client.get(f"{API}/events/{event}/attendance", headers=STAFF)).status_code == 403
    assert await checked_in_events(forum) == 0


async def test_a_confirmed_signup_has_its_qr_code(forum: RunningPlatform) -> None:
    event = await new_event(forum, capacity=1)
    seated, waiting = await sign_up(forum, event, 1), await sign_up(forum, event, 2)
    token = seated["manage_url"].rsplit("/", 1)[1]
    svg = await forum.client.get(f"{API}/signups/manage/{token}/qr.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert svg.text == qr.svg(await code_of(forum, seated["id"]))  # segno's symbol of exactly the code
    assert "private" in svg.headers["cache-control"]

    not_yet = await forum.client.get(f"{API}/signups/manage/{waiting['manage_url'].rsplit('/', 1)[1]}/qr.svg")
    assert not_yet.status_code == 409
    assert (await forum.client.get(f"{API}/signups/manage/{token}x/qr.svg")).status_code == 404


async def test_the_staff_page_checks_in_with_and_without_its_script(forum: RunningPlatform) -> None:
    event = await new_event(forum)
    other = await new_event(forum, title="中国・四国ブロックフォーラム", block="chugoku_shikoku")
    attendee = await sign_up(forum, event, 1, affiliation="高山市 企画課")
    stranger = await sign_up(forum, other, 2)
    code, stray = await code_of(forum, attendee["id"]), await code_of(forum, stranger["id"])
    client = forum.client
    page_url = f"/forum/events/{event}/checkin"

    login = await client.get(page_url, headers=HTML)
    assert login.status_code == 303 and login.headers["location"].startswith("/registry/login")
    sign_in(client, forum["forum"].deps.sessions, person("staff@example.jp", "staff"))
    assert (await client.get(page_url, headers=HTML)).status_code == 403

    csrf = sign_in(client, forum["forum"].deps.sessions, OPERATOR_PERSON)
    desk = await client.get(page_url, headers=HTML)
    assert desk.status_code == 200
    assert 'name="code"' in desk.text and "autofocus" in desk.text
    assert 'src="/forum/assets/checkin.js" defer' in desk.text and "<script>" not in desk.text
    assert 'id="checked-in-count" aria-live="polite">0<' in desk.text
    script = await client.get("/forum/assets/checkin.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")

    # Without the script: the form posts and the page comes back with the result, big.
    shown = await client.post(page_url, data={"csrf_token": csrf_of(desk.text), "code": code.lower()}, headers=HTML)
    assert shown.status_code == 200
    assert "受付しました。" in shown.text and "飛騨 太郎1" in shown.text and "高山市 企画課" in shown.text
    assert 'id="checked-in-count" aria-live="polite">1<' in shown.text

    # With it: JSON, the same verdicts, in the page's language.
    again = await client.post(page_url, data={"csrf_token": csrf, "code": code}, headers=JSON)
    assert again.status_code == 200
    assert again.json() | {"checked_in_at": None} == {
        "verdict": "already", "admitted": True, "message": "受付済みです（2回目の読み取り）。", "name": "飛騨 太郎1",
        "name_kana": "ひだ たろう", "affiliation": "高山市 企画課", "code": code, "checked_in_at": None,
        "other_event": None, "confirmed": 1, "checked_in": 1}
    wrong = await client.post(f"{page_url}?lang=en", data={"csrf_token": csrf, "code": stray}, headers=JSON)
    assert wrong.status_code == 200
    assert wrong.json()["verdict"] == "wrong_event" and wrong.json()["admitted"] is False
    assert wrong.json()["message"] == "This signup is for another event."
    assert wrong.json()["other_event"] == "中国・四国ブロックフォーラム" and wrong.json()["name"] == "飛騨 太郎2"
    warned = await client.post(page_url, data={"csrf_token": csrf, "code": stray}, headers=HTML)
    assert "別のイベントの申込みです。" in warned.text and "中国・四国ブロックフォーラム" in warned.text

    bad = await client.post(page_url, data={"csrf_token": csrf, "code": "abc"}, headers=HTML)
    assert bad.status_code == 422 and "受付コードは8文字の英数字です。" in bad.text
    bad_json = await client.post(page_url, data={"csrf_token": csrf, "code": "abc"}, headers=JSON)
    assert bad_json.status_code == 422 and bad_json.json()["errors"][0]["field"] == "code"
    forged = await client.post(page_url, data={"csrf_token": "forged", "code": code}, headers=JSON)
    assert forged.status_code == 403
    assert await checked_in_events(forum) == 1
