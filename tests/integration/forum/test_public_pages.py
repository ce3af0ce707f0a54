"""forum's public pages on both databases: the event list and its filters, an event's page with its
programme and booths, the signup form (CSRF, the outcomes, field errors in Japanese and English),
the address check, the signed manage page (cancel, details), "my signups", and the join URL gate
at its three times."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from kit.db.types import utcnow
from kit.jst import jst
from kit.web.auth import OPERATOR
from services.forum.models import Booth, Event, ProgrammeItem, Signup
from services.forum.signups.pages import join_gate
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, csrf_of, person, sign_in

API = "/forum/api/v1"
OPS = bearer(person("ops@example.jp", OPERATOR))
HTML = {"accept": "text/html"}


async def new_event(platform: RunningPlatform, *, start: datetime | None = None, hours: float = 2,
                    **extra: Any) -> str:
    start = start or datetime.now(UTC) + timedelta(days=30)
    body = {"kind": "cafe", "title": "かかわりカフェ", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=hours)).isoformat(), "capacity": 10, **extra}
    r = await platform.client.post(f"{API}/events", json=body, headers=OPS)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def someone(i: int, **extra: Any) -> dict[str, Any]:
    return {"name": f"参加 {i}", "name_kana": "さんか", "email": f"p{i}@example.jp", "affiliation": "飛騨市",
            "prefecture_code": "21", "consent": True, **extra}


async def signup_api(platform: RunningPlatform, event: str, i: int, **extra: Any) -> dict[str, Any]:
    r = await platform.client.post(f"{API}/events/{event}/signups", json=someone(i, **extra))
    assert r.status_code == 201, r.text
    return dict(r.json())


def token_of(manage_url: str) -> str:
    return manage_url.rsplit("/", 1)[1]


def form_of(html: str, **fields: str) -> dict[str, str]:
    base = {"csrf_token": csrf_of(html), "name": "飛騨 太郎", "name_kana": "ひだ たろう", "email": "taro@example.jp",
            "affiliation": "飛騨市", "prefecture_code": "21", "consent": "1", "locale": "ja"}
    return {**base, **fields}


async def test_the_list_filters_by_kind_block_and_month_and_shows_fill(forum: RunningPlatform) -> None:
    soon = datetime(2031, 10, 17, 4, 0, tzinfo=UTC)  # 13:00 JST
    forum_id = await new_event(forum, start=soon, kind="block_forum", title="北陸・東海ブロックフォーラム",
                               block="hokuriku_tokai", venue="岐阜市 長良川国際会議場", capacity=2)
    cafe = await new_event(forum, start=soon + timedelta(days=30), title="かかわりカフェ 11月", capacity=1,
                           hold_hours=None)
    await new_event(forum, start=soon + timedelta(days=60), kind="national_forum", title="全国関係人口フォーラム")
    await new_event(forum, start=soon, title="下書きのカフェ", publish=False)
    await signup_api(forum, cafe, 1)
    await signup_api(forum, cafe, 2)  # the café is full: one on the waitlist

    everything = await forum.client.get("/forum/events", headers=HTML)
    assert everything.status_code == 200
    html = everything.text
    titles = ("北陸・東海ブロックフォーラム", "かかわりカフェ 11月", "全国関係人口フォーラム")
    order = [html.index(title) for title in titles]
    assert order == sorted(order)
    assert "下書きのカフェ" not in html
    assert "2031-10-17（金）13:00–15:00 JST" in html and "岐阜市 長良川国際会議場" in html
    assert 'data-state="full"' in html and "満席（キャンセル待ち受付中）" in html
    assert "キャンセル待ち 1名" in html and "申込み 1 / 1" in html
    assert (await forum.client.get("/forum/", headers=HTML)).text.count("data-event=") == 3

    only_cafes = (await forum.client.get("/forum/events?kind=cafe", headers=HTML)).text
    assert "かかわりカフェ 11月" in only_cafes and "ブロックフォーラム" not in only_cafes.split("<h2>")[1]
    by_block = (await forum.client.get("/forum/events?block=hokuriku_tokai", headers=HTML)).text
    assert by_block.count("data-event=") == 1 and f'data-event="{forum_id}"' in by_block
    november = (await forum.client.get("/forum/events?month=2031-11", headers=HTML)).text
    assert november.count("data-event=") == 1 and f'data-event="{cafe}"' in november
    nothing = (await forum.client.get("/forum/events?month=2031-09&kind=cafe", headers=HTML)).text
    assert "条件に合う開催予定はありません。" in nothing
    junk = await forum.client.get("/forum/events?month=junk&kind=nope", headers=HTML)
    assert junk.status_code == 200 and junk.text.count("data-event=") == 3  # a bad filter is ignored
    english = (await forum.client.get("/forum/events?lang=en", headers=HTML)).text
    assert "Full (join the waitlist)" in english and "2031-10-17 (Fri) 13:00–15:00 JST" in english
    forum.client.cookies.delete("lang")  # ?lang= is remembered in a cookie


async def test_the_event_page_has_its_programme_booths_and_the_form(forum: RunningPlatform) -> None:
    start = datetime.now(UTC) + timedelta(days=20)
    event = await new_event(forum, start=start, kind="block_forum", title="中国・四国ブロックフォーラム",
                            block="chugoku_shikoku", venue="岡山コンベンションセンター",
                            description="関係人口の事例を共有します。")
    async with forum["forum"].uow() as tx:
        tx.session.add_all([
            ProgrammeItem(id=UUID(int=1), event_id=UUID(event), kind="talk", title="基調講演：関係人口のこれから",
                          speakers='[{"name": "山田 花子", "affiliation": "かかわりラボ"}]', starts_at=start,
                          ends_at=start + timedelta(minutes=45), capacity=None),
            ProgrammeItem(id=UUID(int=2), event_id=UUID(event), kind="case", title="事例：海士町の挑戦",
                          speakers="not json", starts_at=start + timedelta(hours=1),
                          ends_at=start + timedelta(hours=2), capacity=40),
            Booth(id=UUID(int=3), event_id=UUID(event), member_id=UUID(int=30), title="ふるさと中間支援ネット",
                  description="相談ブース", status="approved", created_at=utcnow(), decided_at=utcnow()),
            Booth(id=UUID(int=4), event_id=UUID(event), member_id=UUID(int=40), title="審査中のブース",
                  status="applied", created_at=utcnow(), decided_at=None),
        ])
        await tx.commit()

    page = await forum.client.get(f"/forum/events/{event}", headers=HTML)
    assert page.status_code == 200
    html = page.text
    assert "関係人口の事例を共有します。" in html and "岡山コンベンションセンター" in html
    assert "基調講演：関係人口のこれから" in html and "山田 花子（かかわりラボ）" in html
    assert "事例：海士町の挑戦" in html and "事例発表" in html
    assert "ふるさと中間支援ネット" in html and "審査中のブース" not in html
    assert html.count('<option value="') >= 47 and '<option value="47" >47 沖縄県</option>' in html
    assert "参加者の受付、当日の運営" in html and "2026-04" in html
    assert f'data-api="/forum/api/v1/events/{event}/signups"' in html
    assert '<script src="/forum/assets/signup.js" defer></script>' in html
    script = await forum.client.get("/forum/assets/signup.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert (await forum.client.get(f"/forum/events/{UUID(int=9)}", headers=HTML)).status_code == 404

    # A signed-in member's staff find their address filled in, and post the form themselves.
    staff = person("staff@hida.example.jp", "staff", member_id=UUID(int=7))
    sign_in(forum.client, forum["forum"].deps.sessions, staff)
    mine = (await forum.client.get(f"/forum/events/{event}", headers=HTML)).text
    assert 'value="staff@hida.example.jp"' in mine and "data-api=" not in mine
    posted = await forum.client.post(f"/forum/events/{event}/signup", headers=HTML,
                                     data=form_of(mine, email="staff@hida.example.jp"))
    assert posted.status_code == 201 and "お申込みが確定しました" in posted.text  # their own address: no check
    link = re.search(r'/forum/manage/([^"]+)', posted.text)
    signup_id = forum["forum"].deps.links.read_manage(link[1]) if link else None
    async with forum["forum"].uow.read() as session:
        row = await session.get(Signup, signup_id)
    assert row is not None and row.member_id == UUID(int=7) and row.prefecture_code == "21"


async def test_the_form_post_answers_each_outcome_and_shows_field_errors(forum: RunningPlatform) -> None:
    held = await new_event(forum, capacity=1)
    page = (await forum.client.get(f"/forum/events/{held}", headers=HTML)).text
    forged = await forum.client.post(f"/forum/events/{held}/signup", headers=HTML,
                                     data=form_of(page, csrf_token="forged"))
    assert forged.status_code == 403

    first = await forum.client.post(f"/forum/events/{held}/signup", headers=HTML, data=form_of(page))
    assert first.status_code == 201 and 'data-status="pending_verification"' in first.text
    assert "メールをご確認ください" in first.text and "/forum/manage/" in first.text
    again = await forum.client.post(f"/forum/events/{held}/signup", headers=HTML, data=form_of(page))
    assert again.status_code == 200 and "既にお申込み済み" in again.text
    assert "/forum/manage/" not in again.text  # an address alone never hands out its signup's link
    second = await forum.client.post(f"/forum/events/{held}/signup", headers=HTML,
                                     data=form_of(page, email="hanako@example.jp"))
    assert second.status_code == 201 and 'data-status="waitlisted"' in second.text
    assert "<strong data-position>1</strong>" in second.text

    # The script's way in: the same route answers JSON when asked.
    as_json = await forum.client.post(f"/forum/events/{held}/signup", headers={"accept": "application/json"},
                                      data=form_of(page, email="jiro@example.jp"))
    assert as_json.status_code == 201 and as_json.json()["status"] == "waitlisted"
    assert as_json.json()["waitlist_position"] == 2

    open_seats = await new_event(forum, hold_hours=None)
    confirmed = await forum.client.post(f"/forum/events/{open_seats}/signup", headers=HTML, data=form_of(page))
    assert confirmed.status_code == 201 and "お申込みが確定しました" in confirmed.text

    lottery = await new_event(forum, mode="lottery",
                              lottery_closes_at=(datetime.now(UTC) + timedelta(days=10)).isoformat())
    entered = await forum.client.post(f"/forum/events/{lottery}/signup", headers=HTML, data=form_of(page))
    assert entered.status_code == 201 and "抽選にエントリーしました" in entered.text

    bad = form_of(page, name="", email="not-an-address", prefecture_code="48")
    del bad["consent"]
    wrong = await forum.client.post(f"/forum/events/{held}/signup", headers=HTML, data=bad)
    assert wrong.status_code == 422
    for field, words in (("email", "メールアドレスの形式が正しくありません。"), ("name", "文字"),
                         ("consent", "利用目的への同意が必要です。"), ("prefecture_code", "形式")):
        slot = re.search(rf'<p class="error" id="{field}-error" role="alert">([^<]*)</p>', wrong.text)
        assert slot and words in slot[1], (field, wrong.text)
    assert 'value="not-an-address"' in wrong.text  # what was typed stays
    english = await forum.client.post(f"/forum/events/{held}/signup?lang=en", headers=HTML, data=bad)
    assert english.status_code == 422
    assert "Enter a valid email address." in english.text and "Please agree to the purpose of use." in english.text


async def test_verify_takes_a_press_and_the_manage_page_cancels_and_changes(forum: RunningPlatform) -> None:
    event = await new_event(forum, capacity=1)
    first = await signup_api(forum, event, 1)
    waiting = await signup_api(forum, event, 2)
    links = forum["forum"].deps.links
    verify_path = links.verify_url(UUID(first["id"])).removeprefix("http://testserver")

    shown = await forum.client.get(verify_path, headers=HTML)  # a mail scanner's visit changes nothing
    assert shown.status_code == 200 and "参加を確定する" in shown.text
    assert (await forum.client.get(f"{API}/events/{event}")).json()["held"] == 1
    assert (await forum.client.get("/forum/verify/forged", headers=HTML)).status_code == 404
    verified = await forum.client.post(verify_path, data={"csrf_token": csrf_of(shown.text)})
    manage = f"/forum/manage/{token_of(first['manage_url'])}"
    assert verified.status_code == 303 and verified.headers["location"] == f"{manage}?done=verified"
    page = (await forum.client.get(verified.headers["location"], headers=HTML)).text
    assert 'data-status="confirmed"' in page and "メールアドレスを確認しました。" in page
    assert "/calendar.ics" in page and "/qr.svg" not in page  # an online café: no QR for the door

    waiter = (await forum.client.get(f"/forum/manage/{token_of(waiting['manage_url'])}", headers=HTML)).text
    assert 'data-status="waitlisted"' in waiter and '<strong id="position">1</strong>' in waiter
    assert "/calendar.ics" not in waiter

    changed = await forum.client.post(f"{manage}/details", data={
        "csrf_token": csrf_of(page), "name": "飛騨 花子", "name_kana": "ひだ はなこ", "affiliation": "高山市"})
    assert changed.status_code == 303
    page = (await forum.client.get(f"{manage}?done=updated", headers=HTML)).text
    assert "飛騨 花子（ひだ はなこ）" in page and "高山市" in page and "お申込み内容を変更しました。" in page
    empty = await forum.client.post(f"{manage}/details?lang=en", headers=HTML,
                                    data={"csrf_token": csrf_of(page), "name": " ", "affiliation": "x" * 201})
    assert empty.status_code == 422 and "Enter your name." in empty.text and "at most 200" in empty.text
    forum.client.cookies.delete("lang")

    ask = await forum.client.post(f"{manage}/cancel", headers=HTML, data={"csrf_token": csrf_of(page)})
    assert ask.status_code == 200 and "キャンセルの確認" in ask.text and 'value="yes"' in ask.text
    assert (await forum.client.get(f"{API}/events/{event}")).json()["confirmed"] == 1  # nothing yet
    done = await forum.client.post(f"{manage}/cancel", data={"csrf_token": csrf_of(page), "confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"] == f"{manage}?done=cancelled"
    page = (await forum.client.get(done.headers["location"], headers=HTML)).text
    assert 'data-status="cancelled"' in page and 'id="cancel"' not in page
    promoted = (await forum.client.get(f"/forum/manage/{token_of(waiting['manage_url'])}", headers=HTML)).text
    assert 'data-status="confirmed"' in promoted or 'data-status="offered"' in promoted
    assert (await forum.client.get(f"{manage}x", headers=HTML)).status_code == 404


async def test_my_signups_lists_the_signed_in_persons_upcoming_first(forum: RunningPlatform) -> None:
    assert (await forum.client.get("/forum/me", headers=HTML)).headers["location"] == "/registry/login?next=/forum/me"
    later = await new_event(forum, start=datetime.now(UTC) + timedelta(days=40), title="後のカフェ")
    sooner = await new_event(forum, start=datetime.now(UTC) + timedelta(days=5), title="先のカフェ")
    other = await new_event(forum, title="他人のカフェ")
    for event in (later, sooner):
        await signup_api(forum, event, 1)
    await signup_api(forum, other, 2)
    sign_in(forum.client, forum["forum"].deps.sessions, person("P1@example.jp"))
    mine = await forum.client.get("/forum/me", headers=HTML)
    assert mine.status_code == 200
    assert mine.text.index("先のカフェ") < mine.text.index("後のカフェ") and "他人のカフェ" not in mine.text
    assert mine.text.count("/forum/manage/") == 2 and "メールアドレス確認待ち" in mine.text


async def test_the_join_url_shows_to_the_confirmed_only_from_its_opening_until_the_end(
        forum: RunningPlatform) -> None:
    now = datetime.now(UTC)
    join = "https://meet.example.jp/kakawari-cafe"
    soon = await new_event(forum, start=now + timedelta(minutes=10), hold_hours=None, capacity=1, join_url=join,
                           join_opens_minutes=15)
    later = await new_event(forum, start=now + timedelta(hours=3), hold_hours=None, join_url=join,
                            join_opens_minutes=30)
    seated = await signup_api(forum, soon, 1)
    waiting = await signup_api(forum, soon, 2)
    early = await signup_api(forum, later, 1)

    page = (await forum.client.get(f"/forum/manage/{token_of(seated['manage_url'])}", headers=HTML)).text
    assert 'data-gate="shown"' in page and join in page
    page = (await forum.client.get(f"/forum/manage/{token_of(waiting['manage_url'])}", headers=HTML)).text
    assert 'data-gate="not_confirmed"' in page and join not in page
    assert "参加が確定した方にのみ表示します" in page
    page = (await forum.client.get(f"/forum/manage/{token_of(early['manage_url'])}", headers=HTML)).text
    opens = jst(now + timedelta(hours=3) - timedelta(minutes=30), "%H:%M")
    assert 'data-gate="not_yet"' in page and join not in page and f"{opens} JST から表示します" in page
    english = (await forum.client.get(f"/forum/manage/{token_of(early['manage_url'])}?lang=en",
                                      headers=HTML)).text
    assert f"{opens} JST, 30 minutes before the start" in english
    forum.client.cookies.delete("lang")

    # The event is over: moved into the past by the operator.
    moved = await forum.client.patch(f"{API}/events/{soon}", headers=OPS, json={
        "starts_at": (now - timedelta(hours=2)).isoformat(), "ends_at": (now - timedelta(hours=1)).isoformat()})
    assert moved.status_code == 200, moved.text
    page = (await forum.client.get(f"/forum/manage/{token_of(seated['manage_url'])}", headers=HTML)).text
    assert 'data-gate="ended"' in page and join not in page and "このイベントは終了しました。" in page


def test_join_gate_edges() -> None:
    """The gate's edges, to the second: open exactly at the opening, closed exactly at the end."""
    start = datetime(2031, 1, 10, 10, 0, tzinfo=UTC)
    event = Event(online=True, status="published", starts_at=start, ends_at=start + timedelta(hours=1),
                  join_opens_minutes=15, join_url="https://meet.example.jp/x")
    signup = Signup(status="confirmed")
    at = start - timedelta(minutes=15)
    assert join_gate(event, signup, at - timedelta(seconds=1)).key == "not_yet"  # type: ignore[union-attr]
    assert join_gate(event, signup, at).url == "https://meet.example.jp/x"  # type: ignore[union-attr]
    assert join_gate(event, signup, event.ends_at).key == "ended"  # type: ignore[union-attr]
    assert join_gate(event, Signup(status="offered"), at).key == "not_confirmed"  # type: ignore[union-attr]
    event.join_url = None
    assert join_gate(event, signup, at).key == "not_ready"  # type: ignore[union-attr]
    event.status = "cancelled"
    assert join_gate(event, signup, at).key == "cancelled"  # type: ignore[union-attr]
    event.online = False
    assert join_gate(event, signup, at) is None
