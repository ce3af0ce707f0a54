"""Participation and relation depth through the API and events, on both databases: a program's
host confirms who came (`matching.participation.recorded.v1`), and only the host or an operator
may; a known helper's forum check-in counts too, in the municipality its venue names, or for the
network only; the poster of a published program takes the host role (once); relation stages move as the
rules say, each move a `matching.relation.stage_changed.v1`; a municipality's figures as of a day
change only with facts dated by then; the relation-depth page renders its funnel."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select, update

from kit.contracts.forum import SignupCheckedIn, SignupConfirmed
from kit.web.auth import Principal
from services.matching.models import Participation, Program
from services.matching.participation.service import host_took_role
from tests.integration.matching.conftest import API, HIDA, days_ahead, emitted, member, post, publish
from tests.support.platform import RunningPlatform
from tests.support.servers import wait_for
from tests.support.sessions import bearer, person

WINTER, LATE_WINTER, SUMMER = date(2025, 1, 10), date(2025, 2, 1), date(2025, 7, 1)


async def helper(platform: RunningPlatform, email: str | None = None) -> Principal:
    who = person(email, role="staff")
    body = {"name": "山田 花子", "skills": ["harvest"], "agree_to_purpose": True}
    assert (await platform.client.put(f"{API}/helpers/me", json=body, headers=bearer(who))).status_code == 201
    return who


async def hosted(platform: RunningPlatform) -> tuple[Principal, dict[str, Any]]:
    """A 飛騨市 staff member and their published program, moved to have run since January 2025."""
    host = person(role="staff", member_id=await member(platform))
    program = await post(platform, bearer(host), starts_on=days_ahead(0).isoformat(), ends_on=days_ahead(0).isoformat())
    assert (await platform.client.post(f"{API}/programs/{program['id']}/publish", headers=bearer(host))).is_success
    async with platform["matching"].uow() as tx:
        await tx.session.execute(update(Program).where(Program.id == UUID(program["id"]))
                                 .values(starts_on=WINTER, ends_on=days_ahead(0)))
        await tx.commit()
    return host, program


async def depth(platform: RunningPlatform, as_of: date) -> dict[str, Any]:
    r = await platform.client.get(f"{API}/municipalities/{HIDA}/depth", params={"as_of": as_of.isoformat()})
    assert r.status_code == 200, r.text
    return dict(r.json())


def funnel(figures: dict[str, Any]) -> dict[str, int]:
    return {step["stage"]: step["people"] for step in figures["funnel"]}


async def test_a_host_confirms_who_came_and_the_relation_deepens_by_the_rules(matching: RunningPlatform) -> None:
    client = matching.client
    host, program = await hosted(matching)
    me = await helper(matching)
    url = f"{API}/programs/{program['id']}/participations"

    def came(day: date) -> dict[str, str]:
        return {"helper_id": str(me.user_id), "on": day.isoformat()}

    assert (await client.post(url, json=came(WINTER))).status_code == 401
    stranger = bearer(person(role="staff", member_id=await member(matching, "高山市")))
    assert (await client.post(url, json=came(WINTER), headers=stranger)).status_code == 404
    assert (await client.post(url, json=came(date(2024, 12, 1)), headers=bearer(host))).status_code == 422
    assert (await client.post(url, json=came(days_ahead(1)), headers=bearer(host))).status_code == 422
    assert await emitted(matching, "matching.participation.recorded.v1") == []

    first = await client.post(url, json=came(WINTER), headers=bearer(host))
    assert first.status_code == 201, first.text
    assert (await client.post(url, json=came(WINTER), headers=bearer(host))).status_code == 200  # once
    operator = bearer(person(role="operator"))
    assert (await client.post(url, json=came(LATE_WINTER), headers=operator)).status_code == 201
    recorded = await emitted(matching, "matching.participation.recorded.v1")
    assert [(e["on"], e["source"], e["municipality_code"]) for e in recorded] == [
        (WINTER.isoformat(), "host", HIDA), (LATE_WINTER.isoformat(), "host", HIDA)]
    assert recorded[0]["email"] == me.email.lower() and recorded[0]["okaeshi"] == "りんご一箱"

    def moves(events: list[dict[str, Any]]) -> list[tuple[str | None, str, str]]:
        return [(e["previous"], e["stage"], e["as_of"]) for e in events if e["helper_id"] == str(me.user_id)]

    changed = await emitted(matching, "matching.relation.stage_changed.v1")
    assert moves(changed) == [(None, "deepen", WINTER.isoformat())]  # came back in the same winter: no move
    assert (await client.post(url, json=came(SUMMER), headers=bearer(host))).status_code == 201
    changed = await emitted(matching, "matching.relation.stage_changed.v1")
    assert moves(changed) == [(None, "deepen", WINTER.isoformat()), ("deepen", "connect", SUMMER.isoformat())]
    assert "season" in changed[-1]["reason"]

    in_winter, in_autumn = await depth(matching, date(2025, 2, 28)), await depth(matching, date(2025, 10, 1))
    assert (in_winter["participations"], in_winter["people"], in_winter["repeat_rate"]) == (2, 1, 1.0)
    assert funnel(in_winter) == {"collect": 0, "deepen": 1, "connect": 0}
    assert (in_autumn["participations"], funnel(in_autumn)["connect"]) == (3, 1)
    assert in_autumn["programs"] == 0  # published today, so not yet as of 2025
    assert (await depth(matching, days_ahead(0)))["programs"] == 1
    before = await depth(matching, date(2024, 12, 31))
    assert (before["participations"], before["people"], before["repeat_rate"]) == (0, 0, None)


async def test_the_poster_of_a_published_program_takes_the_host_role(matching: RunningPlatform) -> None:
    host, program = await hosted(matching)  # publishing: matching's own program.published.v1 gives the role

    async def host_changes() -> list[dict[str, Any]]:
        return [e for e in await emitted(matching, "matching.relation.stage_changed.v1")
                if e["helper_id"] == str(host.user_id)]

    for _ in range(200):  # the handler runs once the event has crossed NATS
        if await host_changes():
            break
        await asyncio.sleep(0.05)
    async with matching["matching"].uow() as tx:  # taking the role again changes nothing
        await host_took_role(tx.session, tx.emit, program_id=UUID(program["id"]))
        await tx.commit()
    changed = await host_changes()
    assert [(e["previous"], e["stage"], e["as_of"]) for e in changed] == [(None, "connect", days_ahead(0).isoformat())]
    assert "host" in changed[0]["reason"]
    assert funnel(await depth(matching, days_ahead(0)))["connect"] == 1


def seat(email: str, venue: str | None) -> SignupConfirmed:
    now = datetime.now(UTC)
    return SignupConfirmed(signup_id=uuid4(), event_id=uuid4(), event_title="関係人口フォーラム", starts_at=now,
                           ends_at=now, email=email, name="山田 花子", manage_url="https://example.jp/m",
                           checkin_code="ABCD1234", venue=venue)


async def test_a_known_helpers_forum_check_in_counts_where_its_venue_is(matching: RunningPlatform) -> None:
    me = await helper(matching, "Forum-Goer@Example.jp")
    in_hida = seat("forum-goer@example.jp", "岐阜県飛騨市 古川町公民館")
    somewhere = seat("forum-goer@example.jp", "市民会館 大ホール")
    stranger = seat("nobody@example.jp", "岐阜県飛騨市 古川町公民館")
    for confirmed in (in_hida, somewhere, stranger):
        await publish(matching, confirmed, producer="forum")
    for confirmed in (in_hida, somewhere, stranger):
        await publish(matching, SignupCheckedIn(signup_id=confirmed.signup_id, event_id=confirmed.event_id,
                                                at=datetime.now(UTC)), producer="forum")

    async def mine() -> list[Participation]:
        async with matching["matching"].uow.read() as session:
            rows = (await session.scalars(select(Participation).where(Participation.helper_id == me.user_id))).all()
        return list(rows) if len(rows) == 2 else []

    rows = {row.activity_id: row for row in await wait_for(mine)}
    assert rows[in_hida.event_id].municipality_code == HIDA and rows[in_hida.event_id].source == "forum_checkin"
    assert rows[somewhere.event_id].municipality_code is None  # the network's: the venue names no municipality
    recorded = await emitted(matching, "matching.participation.recorded.v1")
    assert [(e["source"], e["municipality_code"]) for e in recorded] == [("forum_checkin", HIDA)]
    changed = await emitted(matching, "matching.relation.stage_changed.v1")
    assert [(e["helper_id"], e["stage"]) for e in changed] == [(str(me.user_id), "deepen")]
    async with matching["matching"].uow.read() as session:
        assert len((await session.scalars(select(Participation))).all()) == 2  # the stranger is nobody to count


async def test_the_relation_depth_page_shows_the_funnel_as_of_a_day(matching: RunningPlatform) -> None:
    client = matching.client
    host, program = await hosted(matching)
    me = await helper(matching)
    r = await client.post(f"{API}/programs/{program['id']}/participations", headers=bearer(host),
                          json={"helper_id": str(me.user_id), "on": WINTER.isoformat()})
    assert r.status_code == 201
    page = await client.get(f"/matching/municipalities/{HIDA}/depth?as_of=2025-03-01")
    assert page.status_code == 200 and "岐阜県飛騨市" in page.text and "深める" in page.text
    assert 'data-figure="participations">1<' in page.text and 'value="2025-03-01"' in page.text
    earlier = await client.get(f"/matching/municipalities/{HIDA}/depth?as_of=2025-01-01")
    assert 'data-figure="participations">0<' in earlier.text
    english = await client.get(f"/matching/municipalities/{HIDA}/depth?as_of=2025-03-01&lang=en")
    assert "Repeat rate" in english.text and "(deepen)" in english.text
    assert (await client.get("/matching/municipalities/999999/depth")).status_code == 404
    assert (await client.get(f"{API}/municipalities/210005/depth")).status_code == 404  # a prefecture


async def test_a_far_off_as_of_is_a_field_error_in_the_api_and_today_on_the_page(matching: RunningPlatform) -> None:
    answer = await matching.client.get(f"{API}/municipalities/{HIDA}/depth?as_of=9999-12-31")
    assert answer.status_code == 422 and "as_of" in answer.text
    page = await matching.client.get(f"/matching/municipalities/{HIDA}/depth?as_of=9999-12-31")
    assert page.status_code == 200 and days_ahead(0).isoformat() in page.text
