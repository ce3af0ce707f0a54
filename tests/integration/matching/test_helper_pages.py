"""The helper's own page, /matching/helpers/me, on both databases, in Japanese and English: the
profile created and changed by its form without JavaScript (CSRF, a redirect after the post), field
errors beside their inputs with a 422, consent to be scouted given and withdrawn with one button,
favourite regions added by name or code and removed, the export as a JSON download; anyone not
signed in is sent to sign in."""

from __future__ import annotations

from typing import Any

import httpx

from kit.web.auth import Principal
from tests.integration.matching.conftest import API, HIDA, days_ahead
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, csrf_of, person, sign_in

HTML = {"accept": "text/html"}
ME = "/matching/helpers/me"


def signed_in(platform: RunningPlatform, email: str = "helper@example.jp") -> Principal:
    who = person(email)
    sign_in(platform.client, platform["matching"].deps.sessions, who)
    return who


async def csrf(client: httpx.AsyncClient) -> str:
    return csrf_of((await client.get(ME, headers=HTML)).text)


def window(row: int, starts_in: int | None, ends_in: int | None) -> dict[str, str]:
    """A row of the availability form, its days counted from today ("" for None)."""
    return {f"availability.{row}.starts_on": days_ahead(starts_in).isoformat() if starts_in is not None else "",
            f"availability.{row}.ends_on": days_ahead(ends_in).isoformat() if ends_in is not None else ""}


def profile_form(token: str, **extra: Any) -> dict[str, Any]:
    """The profile form as a browser posts it: a harvest helper from 愛知県, free for three weeks."""
    return {"csrf_token": token, "name": "飛騨 太郎", "locale": "ja", "skills": ["harvest", "driving"],
            "interests": "りんご、古民家  祭り", "home_prefecture_code": "23", **window(0, 20, 40),
            **window(1, None, None), "max_travel_km": "300", "online_ok": "1", "agree_to_purpose": "1", **extra}


async def saved(platform: RunningPlatform, who: Principal) -> dict[str, Any]:
    r = await platform.client.get(f"{API}/helpers/me", headers=bearer(who))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_anyone_not_signed_in_is_sent_to_sign_in(matching: RunningPlatform) -> None:
    client = matching.client
    r = await client.get(ME, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == f"/registry/login?next={ME}"
    for path in (ME, f"{ME}/favourites", f"{ME}/scouting/withdraw", f"{ME}/favourites/{HIDA}/remove"):
        r = await client.post(path, data={"csrf_token": "x"}, headers=HTML)
        assert r.status_code == 303 and r.headers["location"] == f"/registry/login?next={ME}", path
    r = await client.get(f"{ME}/export.json", headers=HTML)
    assert r.status_code == 303 and r.headers["location"].startswith("/registry/login?next=")


async def test_the_profile_is_created_then_changed_by_its_form_in_japanese_and_english(
        matching: RunningPlatform) -> None:
    client = matching.client
    who = signed_in(matching)
    empty = await client.get(ME, headers=HTML)
    assert empty.status_code == 200
    html = empty.text
    assert "支援者プロフィール" in html and 'id="no-profile"' in html and "登録する" in html
    assert "収穫" in html and "岐阜県" in html and "利用目的" in html and "<script" not in html
    assert 'id="scouting"' not in html and 'id="export-link"' not in html  # nothing to withdraw or export yet
    english = (await client.get(f"{ME}?lang=en", headers=HTML)).text
    assert "My helper profile" in english and "Harvesting" in english and "Purpose of use" in english
    client.cookies.delete("lang")

    token = csrf_of(html)
    created = await client.post(ME, data=profile_form(token), headers=HTML)
    assert created.status_code == 303 and created.headers["location"] == f"{ME}?done=created"
    profile = await saved(matching, who)
    assert profile["name"] == "飛騨 太郎" and profile["skills"] == ["harvest", "driving"]
    assert profile["interests"] == ["りんご", "古民家", "祭り"] and profile["home_prefecture_code"] == "23"
    assert profile["availability"] == [{"starts_on": days_ahead(20).isoformat(), "ends_on": days_ahead(40).isoformat()}]
    assert profile["max_travel_km"] == 300 and profile["online_ok"] is True and profile["scout_consent"] is False

    page = (await client.get(created.headers["location"], headers=HTML)).text
    assert "支援者プロフィールを登録しました" in page and 'value="飛騨 太郎"' in page
    assert 'value="harvest" checked' in page and 'value="farming" checked' not in page
    assert 'value="23" selected' in page and "りんご、古民家、祭り" in page
    assert 'id="agree_to_purpose" name="agree_to_purpose" type="checkbox" value="1" required checked' in page

    changed = await client.post(ME, data=profile_form(
        csrf_of(page), name="飛騨 花子", skills="snow_clearing", online_ok="", max_travel_km="",
        **window(1, 41, 50)), headers=HTML)
    assert changed.status_code == 303 and changed.headers["location"] == f"{ME}?done=saved"
    profile = await saved(matching, who)
    assert profile["name"] == "飛騨 花子" and profile["skills"] == ["snow_clearing"] and profile["online_ok"] is False
    assert profile["max_travel_km"] is None
    # the two touching periods are kept as one
    assert profile["availability"] == [{"starts_on": days_ahead(20).isoformat(), "ends_on": days_ahead(50).isoformat()}]
    assert "Your profile is saved." in (await client.get(f"{ME}?done=saved&lang=en", headers=HTML)).text


async def test_field_errors_show_beside_their_inputs_with_a_422(matching: RunningPlatform) -> None:
    client = matching.client
    who = signed_in(matching)
    token = await csrf(client)
    bad = profile_form(token, name="", max_travel_km="far", agree_to_purpose="", skills=["harvest", "juggling"],
                       **window(0, None, None), **window(1, 9, 5), **window(2, 9, None))
    r = await client.post(ME, data=bad, headers=HTML)
    assert r.status_code == 422
    html = r.text
    assert "入力内容に誤りがあります" in html
    assert 'id="name-error"' in html and "お名前を入力してください" in html
    assert 'id="max_travel_km-error"' in html and "0〜3000の整数" in html
    assert 'id="agree_to_purpose-error"' in html and "利用目的への同意が必要です" in html
    assert 'id="availability-2-ends_on-error"' in html and "開始日と終了日の両方を入力してください" in html
    assert 'value="far"' in html and 'value="りんご、古民家  祭り"' in html  # what was typed is kept
    assert (await client.get(f"{API}/helpers/me", headers=bearer(who))).status_code == 404  # nothing saved

    # The rules' problems (a period ending before it starts, an unknown skill) name the form's own row.
    client.cookies.set("lang", "en")
    r = await client.post(ME, data=profile_form(token, skills=["harvest", "juggling"], **window(0, None, None),
                                                **window(1, 9, 5)), headers=HTML)
    assert r.status_code == 422
    assert "Some fields are invalid." in r.text
    assert 'id="availability-1-ends_on-error"' in r.text and "must not come before the start date" in r.text
    assert 'id="skills-error"' in r.text and "Not in the list of skills: juggling" in r.text


async def test_a_post_without_the_pages_csrf_token_is_refused(matching: RunningPlatform) -> None:
    client = matching.client
    who = signed_in(matching)
    await csrf(client)
    forged = await client.post(ME, data=profile_form("forged"), headers=HTML)
    assert forged.status_code == 403
    missing = await client.post(f"{ME}/scouting/give", data={}, headers=HTML)
    assert missing.status_code == 403
    assert (await client.get(f"{API}/helpers/me", headers=bearer(who))).status_code == 404


async def test_consent_to_be_scouted_is_given_then_withdrawn_with_one_button(matching: RunningPlatform) -> None:
    client = matching.client
    who = signed_in(matching)
    token = await csrf(client)
    await client.post(ME, data=profile_form(token), headers=HTML)
    page = (await client.get(ME, headers=HTML)).text
    assert 'data-consent="withdrawn"' in page and 'id="give-scouting"' in page

    given = await client.post(f"{ME}/scouting/give", data={"csrf_token": token}, headers=HTML)
    assert given.status_code == 303 and given.headers["location"] == f"{ME}?done=scout_give#scouting"
    page = (await client.get(ME, headers=HTML)).text
    assert 'data-consent="given"' in page and "同意しています" in page and "JST" in page
    assert page.count('id="withdraw-scouting"') == 1 and "スカウトへの同意を取り消す" in page
    assert (await saved(matching, who))["scout_consent"] is True

    gone = await client.post(f"{ME}/scouting/withdraw", data={"csrf_token": token}, headers=HTML)
    assert gone.status_code == 303 and gone.headers["location"] == f"{ME}?done=scout_withdraw#scouting"
    page = (await client.get(gone.headers["location"], headers=HTML)).text
    assert 'data-consent="withdrawn"' in page and "スカウトへの同意を取り消しました" in page and "取り消し" in page
    profile = await saved(matching, who)
    assert profile["scout_consent"] is False and profile["scout_withdrawn_at"] is not None
    assert (await client.post(f"{ME}/scouting/maybe", data={"csrf_token": token}, headers=HTML)).status_code == 422


async def test_favourite_regions_are_added_by_name_or_code_and_removed(matching: RunningPlatform) -> None:
    client = matching.client
    who = signed_in(matching)
    token = await csrf(client)
    await client.post(ME, data=profile_form(token), headers=HTML)

    added = await client.post(f"{ME}/favourites", data={"csrf_token": token, "municipality": "飛騨市"}, headers=HTML)
    assert added.status_code == 303 and added.headers["location"] == f"{ME}?done=favourite_added#favourites"
    again = await client.post(f"{ME}/favourites", data={"csrf_token": token, "municipality": "011002 北海道札幌市"},
                              headers=HTML)
    assert again.status_code == 303
    assert [f["municipality_code"] for f in (await saved(matching, who))["favourites"]] == [HIDA, "011002"]
    page = (await client.get(ME, headers=HTML)).text
    assert f'data-code="{HIDA}"' in page and "岐阜県飛騨市" in page

    twins = await client.post(f"{ME}/favourites", data={"csrf_token": token, "municipality": "伊達市"}, headers=HTML)
    assert twins.status_code == 422
    assert 'id="municipality-error"' in twins.text and "北海道伊達市" in twins.text and "福島県伊達市" in twins.text
    assert 'value="伊達市"' in twins.text
    for typed in ("どこでもない町", "999999", "210005"):  # unknown, not in the list, a prefecture's code
        r = await client.post(f"{ME}/favourites", data={"csrf_token": token, "municipality": typed}, headers=HTML)
        assert r.status_code == 422 and 'id="municipality-error"' in r.text, typed

    removed = await client.post(f"{ME}/favourites/{HIDA}/remove", data={"csrf_token": token}, headers=HTML)
    assert removed.status_code == 303 and removed.headers["location"] == f"{ME}?done=favourite_removed#favourites"
    assert [f["municipality_code"] for f in (await saved(matching, who))["favourites"]] == ["011002"]
    assert f'data-code="{HIDA}"' not in (await client.get(ME, headers=HTML)).text


async def test_the_export_link_downloads_everything_as_json(matching: RunningPlatform) -> None:
    client = matching.client
    who = signed_in(matching, "exporter@example.jp")
    token = await csrf(client)
    assert (await client.get(f"{ME}/export.json", headers=HTML)).status_code == 404  # no profile yet
    await client.post(ME, data=profile_form(token), headers=HTML)
    page = (await client.get(ME, headers=HTML)).text
    assert f'href="{ME}/export.json"' in page and "登録内容をダウンロード（JSON）" in page
    r = await client.get(f"{ME}/export.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.headers["content-disposition"].startswith("attachment;") and r.headers["cache-control"] == "no-store"
    data = r.json()
    assert data["helper"]["id"] == str(who.user_id) and data["helper"]["email"] == "exporter@example.jp"
    assert data["helper"]["name"] == "飛騨 太郎" and data["purpose"]["version"] and data["applications"] == []
