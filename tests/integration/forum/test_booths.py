"""Booths on both databases: an intermediary organization's member admin applies (once), an
operator approves and the booth is listed publicly; other kinds of member, staff who are not
admins, another member's id and events without booths are refused; operators only decide;
the application page and the operators' approve button."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from kit.contracts.forum import BoothApplied, BoothApproved
from kit.db.types import utcnow
from kit.web.auth import MEMBER_ADMIN, OPERATOR
from services.forum.models import Member
from tests.integration.forum.conftest import emitted
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, csrf_of, person, sign_in

API = "/forum/api/v1"
OPERATOR_PERSON = person("ops@example.jp", OPERATOR)
OPS = bearer(OPERATOR_PERSON)
HTML = {"accept": "text/html"}


async def new_event(platform: RunningPlatform, kind: str = "block_forum", **extra: Any) -> str:
    start = datetime.now(UTC) + timedelta(days=40)
    body = {"kind": kind, "title": "北海道・東北ブロックフォーラム", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=5)).isoformat(), "capacity": 200, "block": "hokkaido_tohoku",
            "venue": "仙台国際センター", **extra}
    r = await platform.client.post(f"{API}/events", json=body, headers=OPS)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def member(platform: RunningPlatform, name: str, kind: str, status: str = "active") -> UUID:
    """A member as forum's copy knows it (the registry's events would have written it)."""
    member_id = uuid4()
    async with platform["forum"].uow() as tx:
        tx.session.add(Member(id=member_id, name=name, kind=kind, status=status, updated_at=utcnow()))
        await tx.commit()
    return member_id


BOOTH = {"title": "東北の中間支援ネットワーク", "description": "地域運営組織の立ち上げ支援の事例を紹介します。"}


async def test_an_intermediary_applies_an_operator_approves_and_it_is_listed(forum: RunningPlatform) -> None:
    event = await new_event(forum)
    org = await member(forum, "みやぎ地域づくり支援センター", "intermediary")
    admin = bearer(person("admin@miyagi.example.jp", MEMBER_ADMIN, org))
    client = forum.client

    applied = await client.post(f"{API}/events/{event}/booths", json=BOOTH, headers=admin)
    assert applied.status_code == 201, applied.text
    booth = applied.json()
    assert (booth["status"], booth["member_name"], booth["title"]) == ("applied", "みやぎ地域づくり支援センター",
                                                                      BOOTH["title"])
    again = await client.post(f"{API}/events/{event}/booths", json=BOOTH, headers=admin)
    assert again.status_code == 200 and again.json()["id"] == booth["id"]
    assert len(await emitted(forum, BoothApplied)) == 1

    assert (await client.get(f"{API}/events/{event}/booths")).json() == []  # not public before approval
    assert [b["id"] for b in (await client.get(f"{API}/events/{event}/booths", headers=admin)).json()] == [booth["id"]]
    assert [b["status"] for b in (await client.get(f"{API}/events/{event}/booths", headers=OPS)).json()] == ["applied"]

    assert (await client.post(f"{API}/booths/{booth['id']}/approve", headers=admin)).status_code == 403
    assert (await client.post(f"{API}/booths/{booth['id']}/approve")).status_code == 401
    approved = await client.post(f"{API}/booths/{booth['id']}/approve", headers=OPS)
    assert approved.status_code == 200 and approved.json()["status"] == "approved" and approved.json()["decided_at"]
    assert (await client.post(f"{API}/booths/{booth['id']}/approve", headers=OPS)).status_code == 200
    assert len(await emitted(forum, BoothApproved)) == 1  # approving twice announces once

    public = (await client.get(f"{API}/events/{event}/booths")).json()
    assert [(b["id"], b["member_name"], b["status"]) for b in public] == [
        (booth["id"], "みやぎ地域づくり支援センター", "approved")]

    withdrawn = await client.post(f"{API}/booths/{booth['id']}/reject", headers=OPS)
    assert withdrawn.json()["status"] == "rejected"
    assert (await client.get(f"{API}/events/{event}/booths")).json() == []
    refused = await client.post(f"{API}/events/{event}/booths", json=BOOTH, headers=admin)
    assert refused.status_code == 409 and refused.json()["booth_id"] == booth["id"]
    assert (await client.post(f"{API}/booths/{uuid4()}/approve", headers=OPS)).status_code == 404


async def test_only_an_intermediarys_admin_may_apply(forum: RunningPlatform) -> None:
    event = await new_event(forum)
    client = forum.client
    city = await member(forum, "気仙沼市", "municipality")
    rmo = await member(forum, "川前地区振興協議会", "rmo")
    org = await member(forum, "いわて中間支援ネット", "intermediary")
    suspended = await member(forum, "休止中の支援センター", "intermediary", status="suspended")

    for who in (city, rmo):
        r = await client.post(f"{API}/events/{event}/booths", json=BOOTH,
                              headers=bearer(person(None, MEMBER_ADMIN, who)) | {"accept-language": "en"})
        assert r.status_code == 403 and r.json()["title"] == "Booths are for intermediary support organisations only."
    staff = await client.post(f"{API}/events/{event}/booths", json=BOOTH, headers=bearer(person(None, "staff", org)))
    assert staff.status_code == 403  # a member's staff, not its admin
    theirs = await client.post(f"{API}/events/{event}/booths", json=BOOTH | {"member_id": str(org)},
                               headers=bearer(person(None, MEMBER_ADMIN, city)))
    assert theirs.status_code == 404  # another member's id reveals nothing
    nobody = await client.post(f"{API}/events/{event}/booths", json=BOOTH, headers=bearer("someone@example.jp"))
    assert nobody.status_code == 403
    assert (await client.post(f"{API}/events/{event}/booths", json=BOOTH)).status_code == 401
    stale = await client.post(f"{API}/events/{event}/booths", json=BOOTH,
                              headers=bearer(person(None, MEMBER_ADMIN, suspended)))
    assert stale.status_code == 403
    unknown = await client.post(f"{API}/events/{event}/booths", json=BOOTH,
                                headers=bearer(person(None, MEMBER_ADMIN, uuid4())))
    assert unknown.status_code == 409  # forum has not heard of the member yet

    cafe = await new_event(forum, kind="cafe", block=None, venue=None)
    online = await client.post(f"{API}/events/{cafe}/booths", json=BOOTH,
                               headers=bearer(person(None, MEMBER_ADMIN, org)))
    assert online.status_code == 409 and "ブロックフォーラム" in online.json()["detail"]["ja"]
    blank = await client.post(f"{API}/events/{event}/booths", json={"title": "  "},
                              headers=bearer(person(None, MEMBER_ADMIN, org)))
    assert blank.status_code == 422
    on_behalf = await client.post(f"{API}/events/{event}/booths", json=BOOTH | {"member_id": str(org)}, headers=OPS)
    assert on_behalf.status_code == 201 and on_behalf.json()["member_id"] == str(org)
    assert len(await emitted(forum, BoothApplied)) == 1


async def test_the_application_page_and_the_operators_approval(forum: RunningPlatform) -> None:
    event = await new_event(forum)
    org = await member(forum, "ふくしま地域活動支援センター", "intermediary")
    client, sessions = forum.client, forum["forum"].deps.sessions
    url = f"/forum/events/{event}/booths/apply"

    assert (await client.get(url, headers=HTML)).headers["location"].startswith("/registry/login")
    sign_in(client, sessions, person("admin@fukushima.example.jp", MEMBER_ADMIN, org))
    form = await client.get(url, headers=HTML)
    assert form.status_code == 200 and 'name="title"' in form.text
    blank = await client.post(url, data={"csrf_token": csrf_of(form.text), "title": " "}, headers=HTML)
    assert blank.status_code == 422 and "出展名を入力してください。" in blank.text
    sent = await client.post(url, data={"csrf_token": csrf_of(form.text), **BOOTH}, headers=HTML)
    assert sent.status_code == 303 and sent.headers["location"] == url
    status = await client.get(url, headers=HTML)
    assert "審査中" in status.text and BOOTH["title"] in status.text and 'name="title"' not in status.text

    sign_in(client, sessions, OPERATOR_PERSON)
    ops = await client.get(f"/forum/ops/events/{event}", headers=HTML)
    assert ops.status_code == 200 and "ふくしま地域活動支援センター" in ops.text
    booth_id = (await client.get(f"{API}/events/{event}/booths", headers=OPS)).json()[0]["id"]
    assert f"/forum/ops/booths/{booth_id}/approve" in ops.text
    forged = await client.post(f"/forum/ops/booths/{booth_id}/approve", data={"csrf_token": "x"}, headers=HTML)
    assert forged.status_code == 403
    done = await client.post(f"/forum/ops/booths/{booth_id}/approve", data={"csrf_token": csrf_of(ops.text)},
                             headers=HTML)
    assert done.status_code == 303 and done.headers["location"] == f"/forum/ops/events/{event}#booths"
    assert [b["id"] for b in (await client.get(f"{API}/events/{event}/booths")).json()] == [booth_id]
