"""matching's batch rounds through the API and the operator's page, on both databases: the stored
assignment equals the domain's deferred acceptance on the same rankings (no blocking pairs, seats
respected); hosts' score ties follow the revealed seed; max fill reports the blocking pairs it
creates; the relay never overlaps dates; events are emitted once; only operators run rounds."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any
from uuid import UUID

from sqlalchemy import select

from kit.web.auth import OPERATOR
from services.matching.models import Application, Program, RoundPlacement
from services.matching.rounds.domain.deferred_acceptance import deferred_acceptance
from services.matching.rounds.domain.instance import parse_instance
from services.matching.rounds.domain.quality import blocking_pairs
from tests.integration.matching.conftest import API, days_ahead, emitted, post, staff_of
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, csrf_of, person, sign_in

OPERATOR_PERSON = person("ops@example.jp", OPERATOR)
OPS = bearer(OPERATOR_PERSON)
HTML = {"accept": "text/html"}
ACCEPTED, COMPLETED = "matching.application.accepted.v1", "matching.round.completed.v1"
UNPLACED = "matching.round.unplaced.v1"


async def published(platform: RunningPlatform, staff: dict[str, str], **extra: Any) -> str:
    draft = await post(platform, staff, **extra)
    r = await platform.client.post(f"{API}/programs/{draft['id']}/publish", headers=staff)
    assert r.status_code == 200, r.text
    return str(draft["id"])


async def helper(platform: RunningPlatform, name: str, skills: list[str] | None = None) -> dict[str, str]:
    """A person with a helper profile: their Authorization header."""
    auth = bearer(person(f"{name}@example.jp", "staff"))
    r = await platform.client.put(f"{API}/helpers/me", headers=auth, json={
        "name": name, "skills": skills or [], "agree_to_purpose": True})
    assert r.status_code == 201, r.text
    return auth


async def user_id(platform: RunningPlatform, auth: dict[str, str]) -> str:
    return str((await platform.client.get(f"{API}/helpers/me", headers=auth)).json()["id"])


async def open_round(platform: RunningPlatform, programs: list[str], **extra: Any) -> dict[str, Any]:
    r = await platform.client.post(f"{API}/rounds", headers=OPS,
                                   json={"title": "2026年 秋の収穫シーズン", "program_ids": programs, **extra})
    assert r.status_code == 201, r.text
    return dict(r.json())


async def wish(platform: RunningPlatform, round_id: str, auth: dict[str, str], programs: list[str]) -> None:
    r = await platform.client.put(f"{API}/rounds/{round_id}/wishes/me", headers=auth, json={"program_ids": programs})
    assert r.status_code == 200, r.text


async def run(platform: RunningPlatform, round_id: str) -> dict[str, Any]:
    r = await platform.client.post(f"{API}/rounds/{round_id}/run", headers=OPS)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def placements(platform: RunningPlatform, round_id: str) -> list[RoundPlacement]:
    async with platform["matching"].uow.read() as session:
        return list((await session.scalars(select(RoundPlacement).where(
            RoundPlacement.round_id == UUID(round_id)))).all())


async def host_order(platform: RunningPlatform, round_id: str, program_id: str, who: dict[str, str]) -> list[str]:
    r = await platform.client.get(f"{API}/rounds/{round_id}/programs/{program_id}/applicants", headers=who)
    assert r.status_code == 200, r.text
    return [a["helper_id"] for a in r.json()["applicants"] if a["position"] is not None]


async def test_a_round_allocates_as_deferred_acceptance_on_the_same_rankings(matching: RunningPlatform) -> None:
    client = matching.client
    _, staff = await staff_of(matching)
    apple = await published(matching, staff, capacity=2)
    rice = await published(matching, staff, title="稲刈り", capacity=1, required_skills=["farming"])
    snow = await published(matching, staff, title="雪下ろし", capacity=1, required_skills=[])
    people = [await helper(matching, name, skills) for name, skills in (
        ("aoi", ["harvest"]), ("ren", ["farming"]), ("sora", []), ("mio", ["harvest", "driving"]), ("kai", []))]
    ids = [await user_id(matching, auth) for auth in people]
    rnd = await open_round(matching, [apple, rice, snow])
    assert rnd["status"] == "open" and rnd["seed"] is None and len(rnd["seed_hash"]) == 64
    lists = [[apple, rice], [rice, apple], [apple, snow, rice], [apple], [snow, apple]]
    for auth, wished in zip(people, lists, strict=True):
        await wish(matching, rnd["id"], auth, wished)
    manual = [ids[4], ids[2]]  # the snow host ranks by hand: kai first
    ranked = await client.put(f"{API}/rounds/{rnd['id']}/programs/{snow}/ranking", headers=staff,
                              json={"method": "manual", "helper_ids": manual})
    assert ranked.status_code == 200 and ranked.json()["method"] == "manual"

    done = await run(matching, rnd["id"])
    assert done["status"] == "done" and hashlib.sha256(done["seed"].encode()).hexdigest() == rnd["seed_hash"]
    report = done["report"]
    assert report["blocking_pairs_count"] == 0 and report["seed"] == done["seed"]

    instance = parse_instance({
        "people": {i: w for i, w in zip(ids, lists, strict=True)},
        "programs": {p: {"capacity": c, "preferences": await host_order(matching, rnd["id"], p, staff)}
                     for p, c in ((apple, 2), (rice, 1), (snow, 1))}})
    expected = {person: program for person, program in instance.named(deferred_acceptance(instance)).items()
                if program is not None}
    got = {str(x.helper_id): str(x.program_id) for x in await placements(matching, rnd["id"])}
    assert got == expected and report["matched"] == len(got)
    assert blocking_pairs(instance, deferred_acceptance(instance)) == []
    load = Counter(got.values())
    assert load[apple] <= 2 and load[rice] <= 1 and load[snow] <= 1
    async with matching["matching"].uow.read() as session:
        for program_id in (apple, rice, snow):
            stored = await session.get(Program, UUID(program_id), populate_existing=True)
            assert stored is not None and stored.confirmed == load[program_id] <= stored.capacity
        accepted = (await session.scalars(select(Application).where(Application.status == "accepted"))).all()
    assert {(str(a.helper_id), str(a.program_id)) for a in accepted} == set(got.items())

    mine = (await client.get(f"{API}/rounds/{rnd['id']}/wishes/me", headers=people[4])).json()
    assert [p["program_id"] for p in mine["placements"]] == ([got[ids[4]]] if ids[4] in got else [])


async def test_the_round_runs_once_and_emits_its_events_once(matching: RunningPlatform) -> None:
    _, staff = await staff_of(matching)
    apple = await published(matching, staff, capacity=1)
    people = [await helper(matching, name) for name in ("aoi", "ren")]
    rnd = await open_round(matching, [apple])
    for auth in people:
        await wish(matching, rnd["id"], auth, [apple])
    first = await run(matching, rnd["id"])
    again = await run(matching, rnd["id"])
    assert again == first
    [completed] = await emitted(matching, COMPLETED)
    assert completed["round_id"] == rnd["id"] and completed["matched"] == 1 and completed["seats"] == 1
    assert completed["fill_rate"] == 1.0 and completed["blocking_pairs"] == 0 and completed["seed"] == first["seed"]
    assert completed["url"] == f"http://testserver/matching/rounds/{rnd['id']}"
    [accepted] = await emitted(matching, ACCEPTED)
    assert accepted["program_id"] == apple and accepted["email"] in {"aoi@example.jp", "ren@example.jp"}
    [unplaced] = await emitted(matching, UNPLACED)  # the other one is told too, once
    assert {unplaced["email"], accepted["email"]} == {"aoi@example.jp", "ren@example.jp"}
    assert unplaced["round_id"] == rnd["id"] and unplaced["ranked"] == 1
    late = await matching.client.put(f"{API}/rounds/{rnd['id']}/wishes/me", headers=people[0],
                                     json={"program_ids": [apple]})
    assert late.status_code == 409


async def test_score_ties_follow_the_revealed_seed(matching: RunningPlatform) -> None:
    _, staff = await staff_of(matching)
    apple = await published(matching, staff, capacity=1, required_skills=[], optional_skills=[])
    people = [await helper(matching, f"tie{i}") for i in range(6)]  # no skills, no favourites: equal scores
    ids = [await user_id(matching, auth) for auth in people]
    rnd = await open_round(matching, [apple])
    for auth in people:
        await wish(matching, rnd["id"], auth, [apple])
    before = await host_order(matching, rnd["id"], apple, staff)
    seed = (await run(matching, rnd["id"]))["seed"]
    expected = sorted(ids, key=lambda i: (hashlib.sha256(f"{seed}:{i}".encode()).digest(), i))
    assert before == expected == await host_order(matching, rnd["id"], apple, staff)
    [placed] = await placements(matching, rnd["id"])
    assert str(placed.helper_id) == expected[0]


async def test_max_fill_reports_the_blocking_pairs_it_creates(matching: RunningPlatform) -> None:
    _, staff = await staff_of(matching)
    first = await published(matching, staff, capacity=1)
    second = await published(matching, staff, title="選果", capacity=1)
    x, y = await helper(matching, "x"), await helper(matching, "y")
    x_id, y_id = await user_id(matching, x), await user_id(matching, y)
    rnd = await open_round(matching, [first, second], mode="max_fill")
    await wish(matching, rnd["id"], x, [first, second])
    await wish(matching, rnd["id"], y, [first])
    for program, ranking in ((first, [x_id, y_id]), (second, [x_id])):
        r = await matching.client.put(f"{API}/rounds/{rnd['id']}/programs/{program}/ranking", headers=staff,
                                      json={"method": "manual", "helper_ids": ranking})
        assert r.status_code == 200, r.text
    report = (await run(matching, rnd["id"]))["report"]
    assert report["mode"] == "max_fill" and report["matched"] == 2 and report["fill_rate"] == 1.0
    assert report["blocking_pairs"] == [[x_id, first]] and report["blocking_pairs_count"] == 1
    [completed] = await emitted(matching, COMPLETED)
    assert completed["blocking_pairs"] == 1


async def test_the_relay_never_overlaps_dates(matching: RunningPlatform) -> None:
    _, staff = await staff_of(matching)
    def days(first: int, last: int) -> dict[str, str]:
        return {"starts_on": days_ahead(first).isoformat(), "ends_on": days_ahead(last).isoformat()}

    summer = await published(matching, staff, capacity=2, **days(30, 35))
    clash = await published(matching, staff, title="重なる日程", capacity=2, **days(35, 38))  # shares a day
    autumn = await published(matching, staff, title="秋", capacity=2, **days(50, 55))
    people = [await helper(matching, name) for name in ("aoi", "ren")]
    rnd = await open_round(matching, [summer, clash, autumn], mode="relay")
    assert rnd["max_programs"] == 3
    for auth in people:
        await wish(matching, rnd["id"], auth, [summer, clash, autumn])
    report = (await run(matching, rnd["id"]))["report"]
    assert report["mode"] == "relay" and report["blocking_pairs_count"] == 0
    held: dict[UUID, set[str]] = {}
    for x in await placements(matching, rnd["id"]):
        held.setdefault(x.helper_id, set()).add(str(x.program_id))
    assert list(held.values()) == [{summer, autumn}, {summer, autumn}]  # never summer with the clash
    assert report["matched"] == 4 and len(await emitted(matching, ACCEPTED)) == 4
    refused = await matching.client.post(f"{API}/rounds", headers=OPS, json={
        "title": "x", "program_ids": [summer], "mode": "stable", "max_programs": 2})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "max_programs"


async def test_only_operators_run_rounds_and_hosts_see_only_their_programs(matching: RunningPlatform) -> None:
    client = matching.client
    _, staff = await staff_of(matching)
    _, other = await staff_of(matching, "高山市")
    apple = await published(matching, staff)
    aoi = await helper(matching, "aoi")
    assert (await client.post(f"{API}/rounds", headers=staff, json={"title": "x", "program_ids": [apple]})
            ).status_code == 403
    rnd = await open_round(matching, [apple])
    await wish(matching, rnd["id"], aoi, [apple])
    for who in (staff, aoi):
        assert (await client.post(f"{API}/rounds/{rnd['id']}/run", headers=who)).status_code == 403
    assert (await client.post(f"{API}/rounds/{rnd['id']}/run")).status_code == 401
    assert (await client.get(f"{API}/rounds/{rnd['id']}/programs/{apple}/applicants", headers=other)
            ).status_code == 404
    assert (await client.get(f"{API}/rounds/{rnd['id']}", headers=staff)).json()["report"] is None
    assert await emitted(matching, COMPLETED) == []


async def test_errors_are_field_level_in_japanese_and_english(matching: RunningPlatform) -> None:
    client = matching.client
    _, staff = await staff_of(matching)
    apple = await published(matching, staff)
    draft = (await post(matching, staff))["id"]
    aoi = await helper(matching, "aoi")
    bad = await client.post(f"{API}/rounds", headers=OPS, json={"title": "x", "program_ids": [apple, draft]})
    assert bad.status_code == 422
    [problem] = bad.json()["errors"]
    assert problem["field"] == "program_ids[1]" and problem["ja"] == "公開中のプログラムを指定してください。"
    rnd = await open_round(matching, [apple])
    twice = await client.put(f"{API}/rounds/{rnd['id']}/wishes/me", headers={**aoi, "accept-language": "en"},
                             json={"program_ids": [apple, apple, draft]})
    assert twice.status_code == 422
    found = {(e["field"], e["code"]): e for e in twice.json()["errors"]}
    assert set(found) == {("program_ids[1]", "duplicate"), ("program_ids[2]", "unknown")}
    assert found[("program_ids[1]", "duplicate")]["message"] == f'program "{apple}" is listed twice.'
    stranger = await client.put(f"{API}/rounds/{rnd['id']}/programs/{apple}/ranking", headers=staff,
                                json={"method": "manual", "helper_ids": [str(UUID(int=1))]})
    assert stranger.status_code == 422 and stranger.json()["errors"][0]["code"] == "unknown"
    nobody = await client.put(f"{API}/rounds/{rnd['id']}/wishes/me", headers=bearer(person()),
                              json={"program_ids": [apple]})
    assert nobody.status_code == 404


async def test_the_operators_round_page(matching: RunningPlatform) -> None:
    client, sessions = matching.client, matching["matching"].deps.sessions
    _, staff = await staff_of(matching)
    apple = await published(matching, staff, capacity=1)
    rnd = await open_round(matching, [apple])
    await wish(matching, rnd["id"], await helper(matching, "aoi"), [apple])
    url = f"/matching/rounds/{rnd['id']}"
    assert (await client.get(url, headers=HTML)).headers["location"].startswith("/registry/login")
    sign_in(client, sessions, person("staff@example.jp", "staff"))
    assert (await client.get(url, headers=HTML)).status_code == 403

    sign_in(client, sessions, OPERATOR_PERSON)
    listing = await client.get("/matching/rounds", headers=HTML)
    assert listing.status_code == 200 and rnd["title"] in listing.text
    page = await client.get(url, headers=HTML)
    assert page.status_code == 200 and rnd["seed_hash"] in page.text and "受入側の順位づけ" in page.text
    assert (await client.post(f"{url}/run", data={"csrf_token": "x"}, headers=HTML)).status_code == 403
    done = await client.post(f"{url}/run", data={"csrf_token": csrf_of(page.text)}, headers=HTML)
    assert done.status_code == 303 and done.headers["location"] == f"{url}#report"
    report = await client.get(url, headers=HTML)
    assert "品質レポート" in report.text and 'id="fill-rate">100.0%' in report.text
    assert 'id="blocking">0' in report.text and 'action="/matching/rounds/' not in report.text
    english = await client.get(f"{url}?lang=en", headers=HTML)
    assert "Quality report" in english.text and "Fairness per region" in english.text
