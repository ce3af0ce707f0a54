"""Networking meetings through the API, on both databases: who may ask, accept, decline and
cancel (another organization's meeting is a 404), and concurrent accepts that never book an
organization twice into one slot, on either side of a meeting.

The networking hours are set on the event row directly: the create API does not take them yet."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select

from kit.web.auth import OPERATOR, Principal
from services.forum.models import Event, Meeting, Member
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, person, sign_in

API = "/forum/api/v1"
OPS = bearer(person("ops@example.jp", OPERATOR))
START = datetime.now(UTC).replace(microsecond=0) + timedelta(days=40)


async def block_forum(platform: RunningPlatform, *, slots: int = 4, minutes: int = 15) -> str:
    body = {"kind": "block_forum", "title": "北陸・東海ブロックフォーラム", "block": "hokuriku_tokai",
            "venue": "金沢市", "starts_at": START.isoformat(), "ends_at": (START + timedelta(hours=6)).isoformat(),
            "capacity": 200, "hold_hours": None}
    r = await platform.client.post(f"{API}/events", json=body, headers=OPS)
    assert r.status_code == 201, r.text
    async with platform["forum"].uow() as tx:
        event = await tx.session.get(Event, UUID(r.json()["id"]))
        assert event is not None
        event.networking_starts_at = START + timedelta(hours=4)
        event.networking_ends_at = event.networking_starts_at + timedelta(minutes=slots * minutes)
        event.slot_minutes = minutes
        await tx.commit()
    return str(r.json()["id"])


async def organization(platform: RunningPlatform, event_id: str, name: str, *, attend: bool = True) -> Principal:
    """A member (forum's copy) and one of its staff, signed up and confirmed."""
    who = person(f"{uuid4().hex[:10]}@example.lg.jp", "staff", member_id=uuid4())
    assert who.member_id is not None
    async with platform["forum"].uow() as tx:
        tx.session.add(Member(id=who.member_id, name=name, kind="municipality", status="approved",
                              updated_at=datetime.now(UTC)))
        await tx.commit()
    if attend:
        r = await platform.client.post(f"{API}/events/{event_id}/signups", headers=bearer(who),
                                       json={"name": "職員", "email": who.email, "affiliation": name, "consent": True})
        assert r.status_code == 201 and r.json()["status"] == "confirmed", r.text
    return who


async def ask(platform: RunningPlatform, event_id: str, frm: Principal, to: Principal, note: str = "") -> Any:
    return await platform.client.post(f"{API}/events/{event_id}/meetings", headers=bearer(frm),
                                      json={"invitee_member_id": str(to.member_id), "note": note})


async def act(platform: RunningPlatform, event_id: str, who: Principal, meeting_id: str, action: str) -> Any:
    return await platform.client.post(f"{API}/events/{event_id}/meetings/{meeting_id}/{action}",
                                      headers=bearer(who))


async def test_ask_accept_decline_and_cancel(forum: RunningPlatform) -> None:
    event = await block_forum(forum)
    himi, hida, gero = [await organization(forum, event, n) for n in ("氷見市", "飛騨市", "下呂市")]
    absent = await organization(forum, event, "高山市", attend=False)

    asked = await ask(forum, event, himi, hida, "移住施策について")
    assert asked.status_code == 201, asked.text
    meeting = asked.json()
    assert (meeting["status"], meeting["role"], meeting["invitee_name"]) == ("requested", "requester", "飛騨市")
    assert (await ask(forum, event, hida, himi)).status_code == 409  # one open request per pair
    assert (await ask(forum, event, himi, absent)).status_code == 404  # not attending
    assert (await ask(forum, event, absent, himi)).status_code == 403
    assert (await ask(forum, event, himi, himi)).status_code == 422
    assert (await forum.client.post(f"{API}/events/{event}/meetings", headers=OPS,
                                    json={"invitee_member_id": str(hida.member_id)})).status_code == 403

    assert (await act(forum, event, gero, meeting["id"], "accept")).status_code == 404  # not theirs
    assert (await act(forum, event, himi, meeting["id"], "accept")).status_code == 403  # the invitee accepts
    accepted = await act(forum, event, hida, meeting["id"], "accept")
    assert accepted.status_code == 200, accepted.text
    booked = accepted.json()
    assert booked["status"] == "booked" and booked["role"] == "invitee"
    assert datetime.fromisoformat(booked["slot_starts_at"]) == START + timedelta(hours=4)
    assert (await act(forum, event, hida, meeting["id"], "accept")).json() == booked  # idempotent

    second = (await ask(forum, event, gero, himi)).json()  # himi is busy in the first slot: the next one
    second_slot = (await act(forum, event, himi, second["id"], "accept")).json()["slot_starts_at"]
    assert datetime.fromisoformat(second_slot) == START + timedelta(hours=4, minutes=15)
    mine = (await forum.client.get(f"{API}/events/{event}/meetings", headers=bearer(himi))).json()
    assert [datetime.fromisoformat(m["slot_starts_at"]) - START for m in mine] == [
        timedelta(hours=4), timedelta(hours=4, minutes=15)]
    orgs = (await forum.client.get(f"{API}/events/{event}/meetings/organizations", headers=bearer(himi))).json()
    assert [o["name"] for o in orgs] == sorted(["飛騨市", "下呂市"])

    third = (await ask(forum, event, gero, hida)).json()
    declined = await act(forum, event, hida, third["id"], "decline")
    assert declined.json()["status"] == "declined"
    assert (await act(forum, event, hida, third["id"], "accept")).status_code == 409

    cancelled = await act(forum, event, himi, meeting["id"], "cancel")  # either side may call it off
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["slot_starts_at"] is None
    fourth = (await ask(forum, event, hida, himi)).json()  # the freed first slot is offered again
    again = (await act(forum, event, himi, fourth["id"], "accept")).json()
    assert datetime.fromisoformat(again["slot_starts_at"]) == START + timedelta(hours=4)


async def test_concurrent_accepts_never_double_book_either_side(forum: RunningPlatform) -> None:
    slots = 3
    event = await block_forum(forum, slots=slots)
    hub = await organization(forum, event, "富山県")
    others = [await organization(forum, event, f"自治体{i}") for i in range(8)]
    meetings: list[tuple[Principal, str]] = []  # (who accepts, meeting id)
    # The hub is asked by four and asks four: it is the invitee in some, the requester in others.
    for i, other in enumerate(others):
        frm, to = (other, hub) if i % 2 == 0 else (hub, other)
        meetings.append((to, (await ask(forum, event, frm, to)).json()["id"]))
    for a, b in zip(others, others[1:], strict=False):  # and the others ask each other
        meetings.append((b, (await ask(forum, event, a, b)).json()["id"]))

    answers = await asyncio.gather(*(act(forum, event, who, mid, "accept") for who, mid in meetings))
    assert {a.status_code for a in answers} <= {200, 409}, [a.text for a in answers if a.status_code >= 500]
    booked = [a.json() for a in answers if a.status_code == 200]
    assert sum(1 for m in booked if hub.member_id and str(hub.member_id) in
               (m["requester_member_id"], m["invitee_member_id"])) == slots  # the hub's hours are full

    async with forum["forum"].uow.read() as session:
        rows = (await session.scalars(select(Meeting).where(Meeting.event_id == UUID(event),
                                                            Meeting.status == "booked"))).all()
    assert len(rows) == len(booked)
    per_side = Counter((m, r.slot_starts_at) for r in rows for m in (r.requester_member_id, r.invitee_member_id))
    assert per_side and max(per_side.values()) == 1  # nobody twice in one slot, as requester or invitee


async def test_the_networking_page_for_signed_in_members(forum: RunningPlatform) -> None:
    event = await block_forum(forum)
    himi, hida = await organization(forum, event, "氷見市"), await organization(forum, event, "飛騨市")
    assert (await forum.client.get(f"/forum/events/{event}/networking")).status_code in (302, 303)

    csrf = sign_in(forum.client, forum["forum"].deps.sessions, himi)
    page = await forum.client.get(f"/forum/events/{event}/networking")
    assert page.status_code == 200 and "飛騨市" in page.text and "交流" in page.text
    sent = await forum.client.post(f"/forum/events/{event}/networking",
                                   data={"csrf_token": csrf, "action": "request",
                                         "invitee_member_id": str(hida.member_id), "note": "関係人口"})
    assert sent.status_code == 303, sent.text
    assert (await forum.client.post(f"/forum/events/{event}/networking",
                                    data={"action": "request", "invitee_member_id": str(hida.member_id)}
                                    )).status_code == 403  # no CSRF token

    forum.client.cookies.clear()
    csrf = sign_in(forum.client, forum["forum"].deps.sessions, hida)
    page = await forum.client.get(f"/forum/events/{event}/networking?lang=en")
    assert "They ask you" in page.text and "関係人口" in page.text
    meeting_id = (await forum.client.get(f"{API}/events/{event}/meetings", headers=bearer(hida))).json()[0]["id"]
    accepted = await forum.client.post(f"/forum/events/{event}/networking",
                                       data={"csrf_token": csrf, "action": "accept", "meeting_id": meeting_id})
    assert accepted.status_code == 303
    page = await forum.client.get(f"/forum/events/{event}/networking?done=accept")
    assert "予約済み" in page.text or "Booked" in page.text
