"""matching's program pages on both databases, in Japanese and English: the list with its filters
and its map (inline SVG, one dot per program with coordinates, each linking to its program), a
program's page, the apply form without JavaScript (CSRF, a redirect back that shows the place or
the place in line, withdrawal), and the host's page to manage applicants (another member's → 404)."""

from __future__ import annotations

import re
from uuid import UUID

from kit.web.auth import Principal
from services.matching.models import Program
from tests.integration.matching.conftest import API, days_ahead, post, staff_of
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, csrf_of, person, sign_in

HTML = {"accept": "text/html"}
SAPPORO = "011002"


async def published(platform: RunningPlatform, host: dict[str, str], **extra: object) -> str:
    program = await post(platform, host, **extra)
    r = await platform.client.post(f"{API}/programs/{program['id']}/publish", headers=host)
    assert r.status_code == 200, r.text
    return str(program["id"])


async def helper(platform: RunningPlatform, email: str) -> Principal:
    who = person(email, "staff")
    r = await platform.client.put(f"{API}/helpers/me", json={"name": email.split("@")[0], "agree_to_purpose": True},
                                  headers=bearer(who))
    assert r.status_code == 201, r.text
    return who


def dots(html: str) -> list[str]:
    return re.findall(r'<a class="dot" href="/matching/programs/([0-9a-f-]+)"', html)


async def test_the_list_has_filters_and_a_map_with_a_dot_per_program(matching: RunningPlatform) -> None:
    _, host = await staff_of(matching)
    apples = await published(matching, host)
    festival = await published(matching, host, title="古川祭の準備", required_skills=["festival"], optional_skills=[])
    snow = await published(matching, host, title="札幌の雪かき", municipality_code=SAPPORO, online=True,
                           required_skills=["snow_clearing"], starts_on=days_ahead(70).isoformat(),
                           ends_on=days_ahead(70).isoformat())
    nowhere = await published(matching, host, title="場所のない募集")
    await post(matching, host, title="下書きの募集")
    async with matching["matching"].uow() as tx:  # a program whose place has no coordinates: listed, no dot
        program = await tx.session.get(Program, UUID(nowhere))
        assert program is not None
        program.lat = program.lon = None
        await tx.commit()

    page = await matching.client.get("/matching/programs", headers=HTML)
    assert page.status_code == 200
    html = page.text
    assert "地域のお手伝い募集" in html and "下書きの募集" not in html
    assert html.count('data-program="') - len(dots(html)) == 4  # the list's four entries
    assert sorted(dots(html)) == sorted([apples, festival, snow])  # one dot each, only with coordinates
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and "tile" not in html and "https://" not in html
    assert "りんご一箱" in html and "受付中（あと5人）" in html and "岐阜県飛騨市" in html
    assert "収穫" in html and "（" in html  # skills in Japanese, weekday in JST
    first = days_ahead(30)
    assert f"{first.isoformat()}（{'月火水木金土日'[first.weekday()]}）" in html

    hokkaido = (await matching.client.get("/matching/programs?prefecture=01", headers=HTML)).text
    assert dots(hokkaido) == [snow] and "古川祭の準備" not in hokkaido
    assert dots((await matching.client.get("/matching/programs?skill=festival", headers=HTML)).text) == [festival]
    assert dots((await matching.client.get("/matching/programs?online=1", headers=HTML)).text) == [snow]
    month = days_ahead(70).strftime("%Y-%m")
    in_month = (await matching.client.get(f"/matching/programs?month={month}", headers=HTML)).text
    assert snow in in_month
    odd = await matching.client.get("/matching/programs?prefecture=99&skill=juggling&month=x&online=maybe",
                                    headers=HTML)
    assert odd.status_code == 200 and len(dots(odd.text)) == 3  # unknown filters are ignored, never a 500

    english = (await matching.client.get("/matching/programs?lang=en", headers=HTML)).text
    assert "Programs in the regions" in english and "Harvesting" in english and "Open (5 places left)" in english
    assert f"{first.isoformat()} ({first.strftime('%a')})" in english


async def test_a_person_applies_without_javascript_and_withdraws(matching: RunningPlatform) -> None:
    _, host = await staff_of(matching)
    program_id = await published(matching, host, capacity=1)
    anonymous = (await matching.client.get(f"/matching/programs/{program_id}", headers=HTML)).text
    assert "ログインして応募する" in anonymous and 'id="apply-form"' not in anonymous
    assert "古川町の果樹園" in anonymous and "りんご一箱" in anonymous and "中村さん（果樹農家）" in anonymous

    first = await helper(matching, "first@example.jp")
    sign_in(matching.client, matching["matching"].deps.sessions, first)
    detail = (await matching.client.get(f"/matching/programs/{program_id}", headers=HTML)).text
    assert 'id="apply-form"' in detail and "<script" not in detail
    forged = await matching.client.post(f"/matching/programs/{program_id}/apply", data={"csrf_token": "x"},
                                        headers=HTML)
    assert forged.status_code == 403
    posted = await matching.client.post(f"/matching/programs/{program_id}/apply",
                                        data={"csrf_token": csrf_of(detail)}, headers=HTML)
    assert posted.status_code == 303 and posted.headers["location"].endswith("?done=applied")
    after = (await matching.client.get(posted.headers["location"], headers=HTML)).text
    assert "応募を受け付けました" in after and 'data-status="accepted"' in after and "参加決定" in after
    assert 'id="apply-form"' not in after and "満員（キャンセル待ち受付中）" in after

    second = await helper(matching, "second@example.jp")
    sign_in(matching.client, matching["matching"].deps.sessions, second)
    full = (await matching.client.get(f"/matching/programs/{program_id}?lang=en", headers=HTML)).text
    assert "Join the waitlist" in full
    posted = await matching.client.post(f"/matching/programs/{program_id}/apply", data={"csrf_token": csrf_of(full)},
                                        headers=HTML)
    waiting = (await matching.client.get(posted.headers["location"] + "&lang=ja", headers=HTML)).text  # back
    assert 'data-status="waitlisted"' in waiting and '<span id="position">1</span>' in waiting

    sign_in(matching.client, matching["matching"].deps.sessions, first)
    mine = (await matching.client.get(f"/matching/programs/{program_id}", headers=HTML)).text
    application = re.search(r'/matching/applications/([0-9a-f-]+)/withdraw', mine)
    assert application is not None
    gone = await matching.client.post(f"/matching/applications/{application[1]}/withdraw",
                                      data={"csrf_token": csrf_of(mine)}, headers=HTML)
    assert gone.status_code == 303 and gone.headers["location"].endswith("?done=withdrawn")
    listed = (await matching.client.get("/matching/applications", headers=HTML)).text
    assert "取り下げ済み" in listed

    sign_in(matching.client, matching["matching"].deps.sessions, second)
    assert "参加決定" in (await matching.client.get("/matching/applications", headers=HTML)).text  # moved up


async def test_applying_without_a_profile_shows_why_on_the_page(matching: RunningPlatform) -> None:
    _, host = await staff_of(matching)
    program_id = await published(matching, host)
    sign_in(matching.client, matching["matching"].deps.sessions, person("nobody@example.jp"))
    detail = (await matching.client.get(f"/matching/programs/{program_id}", headers=HTML)).text
    refused = await matching.client.post(f"/matching/programs/{program_id}/apply",
                                         data={"csrf_token": csrf_of(detail)}, headers=HTML)
    assert refused.status_code == 409 and "先に支援者プロフィールを登録してください" in refused.text
    assert (await matching.client.get(f"/matching/programs/{UUID(int=0)}", headers=HTML)).status_code == 404


async def test_the_host_manages_applicants_and_nobody_else_does(matching: RunningPlatform) -> None:
    member_id, host = await staff_of(matching)
    program_id = await published(matching, host, capacity=1)
    for email in ("a@example.jp", "b@example.jp"):
        who = await helper(matching, email)
        r = await matching.client.post(f"{API}/programs/{program_id}/applications", headers=bearer(who))
        assert r.status_code == 201

    other_member, _ = await staff_of(matching, "高山市")
    sign_in(matching.client, matching["matching"].deps.sessions, person("other@takayama.jp", "staff", other_member))
    assert (await matching.client.get(f"/matching/host/programs/{program_id}", headers=HTML)).status_code == 404
    assert program_id not in (await matching.client.get("/matching/host/programs", headers=HTML)).text

    sign_in(matching.client, matching["matching"].deps.sessions, person("staff@hida.jp", "staff", member_id))
    hosted = (await matching.client.get("/matching/host/programs", headers=HTML)).text
    assert f"/matching/host/programs/{program_id}" in hosted
    page = (await matching.client.get(f"/matching/host/programs/{program_id}", headers=HTML)).text
    assert page.index("a@example.jp") < page.index("b@example.jp") and "キャンセル待ち · 順番 1" in page
    accepted = re.search(r'data-application="([0-9a-f-]+)" data-status="accepted"', page)
    assert accepted is not None
    declined = await matching.client.post(
        f"/matching/host/programs/{program_id}/applications/{accepted[1]}/decline",
        data={"csrf_token": csrf_of(page)}, headers=HTML)
    assert declined.status_code == 303
    after = (await matching.client.get(declined.headers["location"], headers=HTML)).text
    assert "次の方が繰り上がります" in after and after.count('data-status="accepted"') == 1
    assert 'data-status="declined"' in after

    english = (await matching.client.get(f"/matching/host/programs/{program_id}?lang=en", headers=HTML)).text
    assert "Applicants" in english and "Declined" in english and "You have a place" in english
