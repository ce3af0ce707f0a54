"""matching's helpers through the API, on both databases: a signed-in person states their profile
after agreeing to the stated purpose (APPI), registers with favourite regions, gives and withdraws
consent to be scouted (timestamped), exports everything matching holds about them, and is blanked
everywhere in matching when the registry erases them (`registry.person.erased.v1`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select

from kit.contracts.registry import PersonErased
from kit.db.types import utcnow
from services.matching.helpers.domain.rules import PURPOSE_VERSION
from services.matching.models import Application, FavouriteRegion, Helper
from tests.integration.matching.conftest import API, member, post, publish
from tests.support.platform import RunningPlatform
from tests.support.servers import wait_for
from tests.support.sessions import bearer, person


def profile(**extra: Any) -> dict[str, Any]:
    return {"name": "山田 花子", "locale": "ja", "skills": ["harvest", "driving", "harvest"],
            "interests": ["りんご", "ｷｬﾝﾌﾟ"], "home_prefecture_code": "13",
            "availability": [{"starts_on": "2026-09-10", "ends_on": "2026-09-20"},
                             {"starts_on": "2026-09-01", "ends_on": "2026-09-12"},
                             {"starts_on": "2026-11-01", "ends_on": "2026-11-03"}],
            "max_travel_km": 400, "online_ok": True, "agree_to_purpose": True, **extra}


async def test_a_person_keeps_a_profile_favourite_regions_and_consent(matching: RunningPlatform) -> None:
    client = matching.client
    me = person("Hanako@Example.jp", "staff")
    auth = bearer(me)
    assert (await client.get(f"{API}/helpers/me", headers=auth)).status_code == 404
    assert (await client.put(f"{API}/helpers/me", json=profile())).status_code == 401
    purpose = (await client.get(f"{API}/helpers/purpose")).json()
    assert purpose["version"] == PURPOSE_VERSION and "スカウト" in purpose["ja"] and "scouted" in purpose["en"]

    refused = await client.put(f"{API}/helpers/me", json=profile(agree_to_purpose=False), headers=auth)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "agree_to_purpose"
    assert refused.json()["errors"][0]["ja"] == "利用目的への同意が必要です。"
    wrong = await client.put(f"{API}/helpers/me", headers=auth,
                             json=profile(skills=["juggling"], availability=[{"starts_on": "2026-09-10",
                                                                              "ends_on": "2026-09-01"}]))
    assert {e["field"] for e in wrong.json()["errors"]} == {"skills", "availability.0.ends_on"}

    created = await client.put(f"{API}/helpers/me", json=profile(), headers=auth)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["id"] == str(me.user_id) and body["email"] == "hanako@example.jp"  # the sign-in's, not typed
    assert body["skills"] == ["harvest", "driving"] and body["interests"] == ["りんご", "キャンプ"]
    assert body["availability"] == [{"starts_on": "2026-09-01", "ends_on": "2026-09-20"},
                                    {"starts_on": "2026-11-01", "ends_on": "2026-11-03"}]  # joined, in order
    assert body["purpose_version"] == PURPOSE_VERSION and body["scout_consent"] is False
    replaced = await client.put(f"{API}/helpers/me", json=profile(name="山田 花", online_ok=False), headers=auth)
    assert replaced.status_code == 200 and replaced.json()["name"] == "山田 花"

    added = await client.post(f"{API}/helpers/me/favourites", json={"municipality_code": "212172"}, headers=auth)
    assert added.status_code == 201 and added.json()["municipality"] == "岐阜県飛騨市"
    again = await client.post(f"{API}/helpers/me/favourites", json={"municipality_code": "２１２１７２"}, headers=auth)
    assert again.json()["registered_at"] == added.json()["registered_at"]  # registering twice keeps the first date
    await client.post(f"{API}/helpers/me/favourites", json={"municipality_code": "011002"}, headers=auth)
    bad = await client.post(f"{API}/helpers/me/favourites", json={"municipality_code": "210005"}, headers=auth)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "municipality_code"
    gone = await client.delete(f"{API}/helpers/me/favourites/011002", headers=auth)
    assert gone.status_code == 204
    favourites = (await client.get(f"{API}/helpers/me", headers=auth)).json()["favourites"]
    assert [f["municipality_code"] for f in favourites] == ["212172"]

    given = (await client.post(f"{API}/helpers/me/scout-consent", headers=auth)).json()
    assert given["scout_consent"] is True and given["scout_consent_at"] and given["scout_withdrawn_at"] is None
    withdrawn = (await client.delete(f"{API}/helpers/me/scout-consent", headers=auth)).json()
    assert withdrawn["scout_consent"] is False and withdrawn["scout_withdrawn_at"] >= given["scout_consent_at"]
    assert withdrawn["scout_consent_at"] == given["scout_consent_at"]  # when it was given stays on record

    someone_else = bearer(person("other@example.jp", "staff"))
    assert (await client.post(f"{API}/helpers/me/scout-consent", headers=someone_else)).status_code == 404


async def test_a_person_exports_everything_and_erasure_blanks_them(matching: RunningPlatform) -> None:
    client = matching.client
    me = person("forget-me@example.jp", "staff")
    auth = bearer(me)
    await client.put(f"{API}/helpers/me", json=profile(), headers=auth)
    await client.post(f"{API}/helpers/me/favourites", json={"municipality_code": "212172"}, headers=auth)
    await client.post(f"{API}/helpers/me/scout-consent", headers=auth)
    member_id = await member(matching)
    program = await post(matching, bearer(person("staff@hida.example.jp", "staff", member_id)))
    async with matching["matching"].uow() as tx:  # an application (their use cases come with their slice)
        now = utcnow()
        tx.session.add(Application(id=uuid4(), program_id=UUID(program["id"]), helper_id=me.user_id, status="accepted",
                                   waitlist_ticket=None, created_at=now, updated_at=now))
        await tx.commit()

    exported = await client.get(f"{API}/helpers/me/export", headers=auth)
    assert exported.status_code == 200
    data = exported.json()
    assert data["purpose"]["version"] == PURPOSE_VERSION
    assert data["helper"]["email"] == "forget-me@example.jp" and data["helper"]["scout_consent"] is True
    assert [f["municipality_code"] for f in data["helper"]["favourites"]] == ["212172"]
    assert [(a["program_title"], a["status"]) for a in data["applications"]] == [(program["title"], "accepted")]
    assert (await client.get(f"{API}/helpers/me/export")).status_code == 401

    other = person("keep-me@example.jp", "staff")
    await client.put(f"{API}/helpers/me", json=profile(name="残る 人"), headers=bearer(other))
    await publish(matching, PersonErased(email="Forget-Me@Example.jp", at=datetime.now(UTC)))

    async def blanked() -> Helper | None:
        async with matching["matching"].uow.read() as session:
            helper = await session.get(Helper, me.user_id)
        return helper if helper is not None and helper.erased_at is not None else None

    helper = await wait_for(blanked, timeout_s=20)
    assert (helper.email, helper.name, helper.skills, helper.interests, helper.availability) == (None, "", [], [], [])
    assert (helper.home_prefecture_code, helper.max_travel_km, helper.scout_consent) == (None, None, False)
    async with matching["matching"].uow.read() as session:
        found = await session.scalars(select(Helper).where(Helper.email == "forget-me@example.jp"))
        assert found.all() == []  # nowhere in matching
        kept = await session.get(Helper, other.user_id)
        registrations = (await session.scalars(select(FavouriteRegion))).all()
    assert kept is not None and kept.name == "残る 人"  # only that person
    assert [r.municipality_code for r in registrations] == ["212172"]  # the dated fact stays, pseudonymous
    assert (await client.get(f"{API}/helpers/me", headers=auth)).status_code == 404
    assert (await client.get(f"{API}/helpers/me/export", headers=auth)).status_code == 404
