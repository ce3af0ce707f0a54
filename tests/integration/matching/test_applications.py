"""matching's first-come applications through the API, on both databases: a flash crowd never
takes more places than a program has (the kit's one capacity rule on the program's counters) and
the waitlist's positions have no gaps; the same person twice gets the same application; a
withdrawal or a host's decline moves the first in line up in the same transaction; a host's accept
keeps to first come (the line first, then a reserved place); events through the outbox; every
object checked against its caller; erasure frees the person's places."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from sqlalchemy import func, select

from kit.db.types import utcnow
from kit.web.auth import OPERATOR, Principal
from services.matching.helpers import service as helpers
from services.matching.models import Application, Program
from tests.integration.matching.conftest import API, days_ahead, emitted, post, staff_of
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, person

OPS = bearer(person("ops@example.jp", OPERATOR))
SUBMITTED, ACCEPTED = "matching.application.submitted.v1", "matching.application.accepted.v1"
WAITLISTED, WITHDRAWN = "matching.application.waitlisted.v1", "matching.application.withdrawn.v1"


async def helper(platform: RunningPlatform, i: int) -> tuple[Principal, dict[str, str]]:
    """A signed-in person with a helper profile."""
    who = person(f"helper{i}@example.jp", "staff")
    auth = bearer(who)
    body = {"name": f"支援者 {i}", "skills": ["harvest"], "agree_to_purpose": True}
    r = await platform.client.put(f"{API}/helpers/me", json=body, headers=auth)
    assert r.status_code == 201, r.text
    return who, auth


async def published(platform: RunningPlatform, host: dict[str, str], **extra: Any) -> str:
    program = await post(platform, host, **extra)
    r = await platform.client.post(f"{API}/programs/{program['id']}/publish", headers=host)
    assert r.status_code == 200, r.text
    return str(program["id"])


async def counters(platform: RunningPlatform, program_id: str) -> dict[str, int]:
    async with platform["matching"].uow.read() as session:
        p = await session.get(Program, UUID(program_id))
    assert p is not None
    return {"confirmed": p.confirmed, "held": p.held, "waitlisted": p.waitlisted}


async def application_events(platform: RunningPlatform) -> int:
    """How many withdrawals and acceptances matching wrote (other slices' events come and go on their own)."""
    return len(await emitted(platform, WITHDRAWN)) + len(await emitted(platform, ACCEPTED))


async def apply(platform: RunningPlatform, program_id: str, auth: dict[str, str]) -> dict[str, Any]:
    r = await platform.client.post(f"{API}/programs/{program_id}/applications", headers=auth)
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


async def test_a_crowd_never_takes_more_places_than_there_are(matching: RunningPlatform) -> None:
    _, host = await staff_of(matching)
    places, people = 4, 40
    program_id = await published(matching, host, capacity=places)
    crowd = [await helper(matching, i) for i in range(people)]
    answers = await asyncio.gather(*(matching.client.post(f"{API}/programs/{program_id}/applications", headers=auth)
                                     for _, auth in crowd))
    assert {a.status_code for a in answers} == {201}, [a.text for a in answers if a.status_code != 201]
    statuses = [a.json()["status"] for a in answers]
    assert statuses.count("accepted") == places and statuses.count("waitlisted") == people - places
    line = sorted(a.json()["waitlist_position"] for a in answers if a.json()["status"] == "waitlisted")
    assert line == list(range(1, people - places + 1))  # contiguous
    assert await counters(matching, program_id) == {"confirmed": places, "held": 0, "waitlisted": people - places}
    assert len(await emitted(matching, SUBMITTED)) == people
    assert len(await emitted(matching, ACCEPTED)) == places
    assert sorted(e["waitlist_position"] for e in await emitted(matching, WAITLISTED)) == line

    listed = await matching.client.get(f"{API}/programs/{program_id}", headers=host)
    assert listed.json()["seats_left"] == 0 and listed.json()["waitlisted"] == people - places


async def test_the_same_person_twice_is_one_application(matching: RunningPlatform) -> None:
    _, host = await staff_of(matching)
    program_id = await published(matching, host, capacity=2)
    _, auth = await helper(matching, 1)
    answers = await asyncio.gather(*(matching.client.post(f"{API}/programs/{program_id}/applications", headers=auth)
                                     for _ in range(6)))
    assert sorted(a.status_code for a in answers) == [200] * 5 + [201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert await counters(matching, program_id) == {"confirmed": 1, "held": 0, "waitlisted": 0}
    async with matching["matching"].uow.read() as session:
        assert await session.scalar(select(func.count()).select_from(Application)) == 1


async def test_withdrawing_moves_the_first_in_line_up(matching: RunningPlatform) -> None:
    _, host = await staff_of(matching)
    program_id = await published(matching, host, capacity=1, okaeshi="飛騨牛の弁当")
    people = [await helper(matching, i) for i in range(4)]
    first, *waiting = [await apply(matching, program_id, auth) for _, auth in people]
    assert first["status"] == "accepted" and [w["waitlist_position"] for w in waiting] == [1, 2, 3]

    other = await matching.client.post(f"{API}/applications/{first['id']}/withdraw", headers=people[1][1])
    assert other.status_code == 404  # only the person withdraws their own
    before = await application_events(matching)
    gone = await matching.client.post(f"{API}/applications/{first['id']}/withdraw", headers=people[0][1])
    assert gone.status_code == 200 and gone.json()["status"] == "withdrawn"
    assert await application_events(matching) == before + 2  # withdrawn, and the next one accepted
    moved = (await matching.client.get(f"{API}/applications/{waiting[0]['id']}", headers=people[1][1])).json()
    assert moved["status"] == "accepted" and moved["waitlist_position"] is None
    mine = (await matching.client.get(f"{API}/applications", headers=people[3][1])).json()
    assert [(a["status"], a["waitlist_position"]) for a in mine] == [("waitlisted", 2)]
    assert await counters(matching, program_id) == {"confirmed": 1, "held": 0, "waitlisted": 2}
    [withdrawn] = await emitted(matching, WITHDRAWN)
    assert withdrawn["application_id"] == first["id"] and withdrawn["email"] == "helper0@example.jp"
    promoted = (await emitted(matching, ACCEPTED))[-1]
    assert promoted["application_id"] == waiting[0]["id"] and promoted["okaeshi"] == "飛騨牛の弁当"

    again = await matching.client.post(f"{API}/applications/{first['id']}/withdraw", headers=people[0][1])
    assert again.status_code == 200 and await application_events(matching) == before + 2  # nothing changes
    back = await apply(matching, program_id, people[0][1])  # applying again: a new place in line
    assert (back["id"], back["status"], back["waitlist_position"]) == (first["id"], "waitlisted", 3)


async def test_the_host_sees_declines_and_accepts_keeping_first_come(matching: RunningPlatform) -> None:
    _, host = await staff_of(matching)
    _, stranger = await staff_of(matching, "高山市")
    program_id = await published(matching, host, capacity=3, reserved=1)  # two first-come places
    people = [await helper(matching, i) for i in range(5)]
    answers = [await apply(matching, program_id, auth) for _, auth in people]
    assert [a["status"] for a in answers] == ["accepted"] * 2 + ["waitlisted"] * 3

    assert (await matching.client.get(f"{API}/programs/{program_id}/applications", headers=stranger)).status_code == 404
    assert (await matching.client.get(f"{API}/programs/{program_id}/applications")).status_code == 401
    listed = (await matching.client.get(f"{API}/programs/{program_id}/applications", headers=host)).json()
    assert [(a["name"], a["status"], a["waitlist_position"]) for a in listed] == [
        ("支援者 0", "accepted", None), ("支援者 1", "accepted", None), ("支援者 2", "waitlisted", 1),
        ("支援者 3", "waitlisted", 2), ("支援者 4", "waitlisted", 3)]
    assert (await matching.client.get(f"{API}/applications/{answers[0]['id']}", headers=stranger)).status_code == 404
    refused = await matching.client.post(f"{API}/applications/{answers[0]['id']}/decline", headers=stranger)
    assert refused.status_code == 404 and await counters(matching, program_id) == {
        "confirmed": 2, "held": 0, "waitlisted": 3}

    declined = await matching.client.post(f"{API}/applications/{answers[0]['id']}/decline", headers=host)
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert (await emitted(matching, WITHDRAWN))[-1]["reason"] == "host"  # a code notify words in each language
    line = (await matching.client.get(f"{API}/programs/{program_id}/applications", headers=host)).json()
    assert [(a["name"], a["status"]) for a in line][:3] == [("支援者 1", "accepted"), ("支援者 2", "accepted"),
                                                             ("支援者 3", "waitlisted")]
    not_again = await matching.client.post(f"{API}/programs/{program_id}/applications", headers=people[0][1])
    assert not_again.status_code == 409 and not_again.json()["detail"]["ja"].startswith("この募集への応募は主催者")

    # The host picks the last in line: the reserved place seats them, the first in line keeps place 1.
    last = await matching.client.post(f"{API}/applications/{answers[4]['id']}/accept", headers=OPS)
    assert last.status_code == 200 and last.json()["status"] == "accepted"
    assert await counters(matching, program_id) == {"confirmed": 3, "held": 0, "waitlisted": 1}
    full = await matching.client.post(f"{API}/applications/{answers[3]['id']}/accept", headers=host)
    assert full.status_code == 409 and full.json()["detail"]["en"].startswith("There is no place left")
    withdrawn = await matching.client.post(f"{API}/applications/{answers[0]['id']}/accept", headers=host)
    assert withdrawn.status_code == 409 and withdrawn.json()["application_status"] == "declined"


async def test_refusals_are_field_level_and_never_half_written(matching: RunningPlatform) -> None:
    _, host = await staff_of(matching)
    draft = await post(matching, host)
    program_id = await published(matching, host)
    who = person("no-profile@example.jp", "staff")
    no_profile = await matching.client.post(f"{API}/programs/{program_id}/applications", headers=bearer(who))
    assert no_profile.status_code == 409
    assert no_profile.json()["detail"]["en"] == "Create your helper profile before applying."
    assert no_profile.json()["detail"]["ja"].startswith("応募するには")
    assert (await matching.client.post(f"{API}/programs/{program_id}/applications")).status_code == 401
    _, auth = await helper(matching, 1)
    assert (await matching.client.post(f"{API}/programs/{draft['id']}/applications", headers=auth)).status_code == 404
    missing = "00000000-0000-0000-0000-000000000000"
    assert (await matching.client.post(f"{API}/programs/{missing}/applications", headers=auth)).status_code == 404
    bad = await matching.client.post(f"{API}/programs/not-a-uuid/applications", headers=auth)
    assert bad.status_code == 422
    await matching.client.post(f"{API}/programs/{program_id}/close", headers=host)
    closed = await matching.client.post(f"{API}/programs/{program_id}/applications", headers=auth)
    assert closed.status_code == 409 and closed.json()["detail"]["en"] == "This program no longer takes applications."
    assert await counters(matching, program_id) == {"confirmed": 0, "held": 0, "waitlisted": 0}
    assert await emitted(matching, SUBMITTED) == []


async def test_erasure_withdraws_the_persons_applications_and_frees_their_places(
        matching: RunningPlatform) -> None:
    _, host = await staff_of(matching)
    program_id = await published(matching, host, capacity=1, starts_on=days_ahead(10).isoformat(),
                                 ends_on=days_ahead(10).isoformat())
    (gone, gone_auth), (_, next_auth) = await helper(matching, 1), await helper(matching, 2)
    mine = await apply(matching, program_id, gone_auth)
    waiting = await apply(matching, program_id, next_auth)
    async with matching["matching"].uow() as tx:  # as the handler of registry.person.erased.v1 does
        assert await helpers.erase(tx.session, gone.email, utcnow(), emit=tx.emit, base_url="http://testserver") == 1
        await tx.commit()
    async with matching["matching"].uow.read() as session:
        erased = await session.get(Application, UUID(mine["id"]))
        moved = await session.get(Application, UUID(waiting["id"]))
    assert erased is not None and erased.status == "withdrawn"
    assert moved is not None and moved.status == "accepted"
    assert await counters(matching, program_id) == {"confirmed": 1, "held": 0, "waitlisted": 0}
    assert [e["reason"] for e in await emitted(matching, WITHDRAWN)] == []  # nothing is written to the erased
    assert (await emitted(matching, ACCEPTED))[-1]["application_id"] == waiting["id"]
