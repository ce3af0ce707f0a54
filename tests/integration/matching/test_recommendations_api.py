"""matching's recommendations through the API, on both databases: "for you" carries reasons and
is the same for the same data (and follows a change in the catalogue); candidates are only people
who consented to be scouted; a scout is sent once (`matching.scout.sent.v1`), refused to someone
who withdrew consent, and keeps no words about a person erased; only the program's host (or an
operator) sees candidates and scouts; the "for you" page shows the reasons in Japanese and English."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kit.web.auth import Principal
from services.matching.models import Scout
from services.matching.recommendations.service import forget
from tests.integration.matching.conftest import API, emitted, post, staff_of
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, person, sign_in


def profile(**extra: Any) -> dict[str, Any]:
    return {"name": "山田 花子", "locale": "ja", "skills": ["harvest", "driving"], "interests": ["りんご"],
            "home_prefecture_code": "21", "max_travel_km": 300, "online_ok": False, "agree_to_purpose": True,
            **extra}


async def helper(platform: RunningPlatform, *, consent: bool = True, **extra: Any) -> Principal:
    who = person(role="staff")
    auth = bearer(who)
    assert (await platform.client.put(f"{API}/helpers/me", json=profile(**extra), headers=auth)).status_code == 201
    if consent:
        assert (await platform.client.post(f"{API}/helpers/me/scout-consent", headers=auth)).status_code == 200
    return who


async def published(platform: RunningPlatform, staff: dict[str, str], **extra: Any) -> dict[str, Any]:
    draft = await post(platform, staff, **extra)
    r = await platform.client.post(f"{API}/programs/{draft['id']}/publish", headers=staff)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_for_you_gives_reasons_the_same_answer_twice_and_follows_the_catalogue(
        matching: RunningPlatform) -> None:
    client = matching.client
    _, staff = await staff_of(matching)
    apples = await published(matching, staff)
    await published(matching, staff, title="古民家の片付け", description="古い家の掃除", required_skills=[],
                    optional_skills=["carpentry"], tags=[])
    me = await helper(matching)
    assert (await client.get(f"{API}/recommendations/programs")).status_code == 401
    assert (await client.get(f"{API}/recommendations/programs", headers=bearer(person()))).status_code == 404

    first = await client.get(f"{API}/recommendations/programs", headers=bearer(me))
    assert first.status_code == 200, first.text
    results = first.json()
    assert results[0]["program_id"] == apples["id"]
    kinds = {r["kind"] for r in results[0]["reasons"]}
    assert {"required_skills", "optional_skills", "interests", "distance", "home_prefecture"} <= kinds
    assert any(r["ja"] == "必要なスキルあり: 収穫" for r in results[0]["reasons"])
    assert abs(sum(r["weight"] for r in results[0]["reasons"]) - results[0]["score"]) < 0.01
    again = await client.get(f"{API}/recommendations/programs", headers=bearer(me))
    assert again.json() == results  # deterministic for the same data

    closed = await client.post(f"{API}/programs/{apples['id']}/close", headers=staff)
    assert closed.status_code == 200
    after = (await client.get(f"{API}/recommendations/programs", headers=bearer(me))).json()
    assert apples["id"] not in {r["program_id"] for r in after}  # the index was refreshed


async def test_candidates_are_only_people_who_consented_and_a_scout_is_sent_once(matching: RunningPlatform) -> None:
    client = matching.client
    _, staff = await staff_of(matching)
    _, other_staff = await staff_of(matching, name="高山市")
    program = await published(matching, staff)
    willing = await helper(matching)
    unwilling = await helper(matching, consent=False, name="佐藤 一郎")
    withdrawn = await helper(matching, name="鈴木 次郎")
    assert (await client.delete(f"{API}/helpers/me/scout-consent", headers=bearer(withdrawn))).status_code == 200

    found = await client.get(f"{API}/programs/{program['id']}/candidates", headers=staff)
    assert found.status_code == 200, found.text
    candidates = found.json()
    assert [c["helper_id"] for c in candidates] == [str(willing.user_id)]
    assert candidates[0]["reasons"] and candidates[0]["scouted"] is False
    assert (await client.get(f"{API}/programs/{program['id']}/candidates", headers=other_staff)).status_code == 404

    url = f"{API}/programs/{program['id']}/scouts"
    sent = await client.post(url, json={"helper_id": str(willing.user_id), "message": "ぜひ！"}, headers=staff)
    assert sent.status_code == 201, sent.text
    assert "必要なスキルあり: 収穫" in sent.json()["reasons"]
    twice = await client.post(url, json={"helper_id": str(willing.user_id)}, headers=staff)
    assert twice.status_code == 409
    for refused in (unwilling, withdrawn):
        answer = await client.post(url, json={"helper_id": str(refused.user_id)}, headers=staff)
        assert answer.status_code == 409
        assert answer.json()["detail"]["ja"] == "この方はスカウトの受け取りに同意していません。"
    stranger = await client.post(url, json={"helper_id": str(willing.user_id)}, headers=other_staff)
    assert stranger.status_code == 404

    events = await emitted(matching, "matching.scout.sent.v1")
    assert len(events) == 1
    assert events[0]["helper_id"] == str(willing.user_id) and events[0]["message"] == "ぜひ！"
    assert events[0]["email"] == willing.email.lower() and events[0]["reasons"]
    assert (await client.get(f"{API}/programs/{program['id']}/candidates", headers=staff)).json()[0]["scouted"]

    async with matching["matching"].uow() as tx:  # erasure: helpers' erase runs this first
        await forget(tx.session, willing.email)
        await tx.commit()
    async with matching["matching"].uow.read() as session:
        (kept,) = (await session.scalars(select(Scout))).all()
    assert (kept.message, kept.reasons) == ("", [])


async def test_the_for_you_page_shows_the_reasons_in_japanese_and_english(matching: RunningPlatform) -> None:
    client = matching.client
    _, staff = await staff_of(matching)
    await published(matching, staff)
    assert (await client.get("/matching/for-you")).status_code == 303
    sign_in(client, matching["matching"].deps.sessions, await helper(matching))
    page = await client.get("/matching/for-you")
    assert page.status_code == 200 and "りんごの収穫を手伝ってください" in page.text
    assert "必要なスキルあり: 収穫" in page.text
    english = await client.get("/matching/for-you?lang=en")
    assert "Has the required skills: Harvesting" in english.text
