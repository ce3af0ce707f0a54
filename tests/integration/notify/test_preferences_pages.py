"""The notification settings page: sign in first; the switches, quiet hours and language in
Japanese and English; the digest for operators only; the section on what is always sent; the
form CSRF-checked, its errors shown beside the fields. Both databases, real NATS."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from kit.web.auth import OPERATOR
from services.notify.messages.catalog import MESSAGES
from services.notify.preferences.domain.always_sent import LABELS
from services.notify.preferences.repository import settings, switches
from tests.support.platform import RunningPlatform, platform_per_backend
from tests.support.sessions import csrf_of, person, sign_in

PAGE = "/notify/settings"
HTML = {"accept": "text/html"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def notify(request: pytest.FixtureRequest, nats_url: str,
                 tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningPlatform]:
    async with platform_per_backend(request, nats_url, tmp_path_factory, services=["notify"]) as running:
        yield running


@pytest.fixture
async def client(notify: RunningPlatform) -> AsyncIterator[httpx.AsyncClient]:
    """A client of its own, so no cookie (language, session) leaks between tests."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=notify.app), base_url="http://testserver") as c:
        yield c


async def test_signing_in_comes_first(client: httpx.AsyncClient) -> None:
    for answer in (await client.get(PAGE, headers=HTML), await client.post(PAGE, data={"locale": "en"})):
        assert answer.status_code == 303 and answer.headers["location"] == "/registry/login?next=/notify/settings"


async def test_the_page_in_japanese_and_english(notify: RunningPlatform, client: httpx.AsyncClient) -> None:
    me = person()
    sign_in(client, notify["notify"].deps.sessions, me)
    email = me.email
    ja = await client.get(PAGE, headers={**HTML, "accept-language": "ja"})
    assert ja.status_code == 200, ja.text
    for words in ("通知設定", "メール", "アプリ内のお知らせ", "入会・会員情報", "イベント", "静かな時間帯（日本時間）",
                  'value="21:00"', 'value="08:00"', "設定にかかわらず必ず送られる連絡", email):
        assert words in ja.text, words
    assert ja.text.count('type="checkbox" id="pref-') == 8 and ja.text.count("checked") >= 9  # all on, quiet on
    assert 'name="digest_at"' not in ja.text  # operators only

    en = await client.get(PAGE, params={"lang": "en"}, headers=HTML)
    for words in ("Notification settings", "In-app inbox", "Quiet hours (JST)",
                  "Always sent, whatever these settings say"):
        assert words in en.text, words
    always = en.text.split('id="always-sent"')[1]
    for message in MESSAGES.values():
        if message.critical:
            assert f'data-type="{message.name}"' in always and LABELS[message.name][1] in always
    assert LABELS["login_link"][0] in ja.text.split('id="always-sent"')[1]


async def test_operators_see_the_digest_setting(notify: RunningPlatform, client: httpx.AsyncClient) -> None:
    me = person(role=OPERATOR)
    sign_in(client, notify["notify"].deps.sessions, me)
    email = me.email
    page = await client.get(PAGE, headers={**HTML, "accept-language": "ja"})
    assert "新規申請を1日1回のダイジェストで受け取る" in page.text and 'name="digest_at" value="09:00"' in page.text
    form = {"csrf_token": csrf_of(page.text), "quiet_enabled": "1", "quiet_start": "21:00", "quiet_end": "08:00",
            "locale": "", "digest_enabled": "1", "digest_at": "08:15",
            **{f"pref.{c}.{ch}": "1" for c in ("membership", "events", "programs", "digests")
               for ch in ("email", "inbox")}}
    saved = await client.post(PAGE, data=form)
    assert saved.status_code == 303 and saved.headers["location"] == "/notify/settings?saved=1"
    async with notify["notify"].uow.read() as session:
        assert (await settings(session, email)).digest_at == "08:15"
    english = await client.get(PAGE, params={"lang": "en", "saved": "1"}, headers=HTML)
    assert "Daily digest of new applications" in english.text and "Your settings were saved." in english.text


async def test_saving_the_form(notify: RunningPlatform, client: httpx.AsyncClient) -> None:
    me = person()
    sign_in(client, notify["notify"].deps.sessions, me)
    email = me.email
    page = await client.get(PAGE, headers=HTML)
    token = csrf_of(page.text)
    on = {f"pref.{c}.{ch}": "1" for c in ("membership", "events", "programs", "digests") for ch in ("email", "inbox")}
    del on["pref.programs.email"], on["pref.events.inbox"]
    form = {"csrf_token": token, "quiet_start": "22:00", "quiet_end": "07:00", "locale": "en",
            "digest_enabled": "1", "digest_at": "09:00", **on}  # no quiet_enabled: off; a staff digest is ignored
    saved = await client.post(PAGE, data=form)
    assert saved.status_code == 303, saved.text
    async with notify["notify"].uow.read() as session:
        stored = await settings(session, email)
        rows = {(c, ch): on for c, ch, on in await switches(session, email)}
    assert (stored.quiet_enabled, stored.quiet_start, stored.quiet_end, stored.locale, stored.digest_at) == (
        False, "22:00", "07:00", "en", None)
    assert rows[("programs", "email")] is False and rows[("events", "inbox")] is False
    assert sum(1 for on in rows.values() if on) == 6

    shown = await client.get(PAGE, headers={**HTML, "accept-language": "ja"})
    assert 'id="pref-programs.email" name="pref.programs.email" value="1">' in shown.text
    assert 'id="pref-programs.inbox" name="pref.programs.inbox" value="1" checked>' in shown.text
    assert '<option value="en" selected>' in shown.text and 'value="22:00"' in shown.text

    # A bad time: the page again (422), the message beside the field, nothing saved.
    bad = await client.post(PAGE, data={**form, "quiet_start": "25:00", "quiet_end": "25:00"},
                            headers={"accept-language": "ja"})
    assert bad.status_code == 422 and "HH:MM" in bad.text and 'value="25:00"' in bad.text
    same = await client.post(PAGE, data={**form, "quiet_start": "07:00"}, headers={"accept-language": "en"})
    assert same.status_code == 422 and "cannot be the same time" in same.text
    async with notify["notify"].uow.read() as session:
        assert (await settings(session, email)).quiet_start == "22:00"


async def test_the_form_needs_its_csrf_token(notify: RunningPlatform, client: httpx.AsyncClient) -> None:
    me = person()
    sign_in(client, notify["notify"].deps.sessions, me)
    email = me.email
    for token in (None, "forged"):
        form = {"locale": "en", "quiet_start": "21:00", "quiet_end": "08:00"}
        refused = await client.post(PAGE, data=form if token is None else {**form, "csrf_token": token})
        assert refused.status_code == 403
    async with notify["notify"].uow.read() as session:
        assert (await settings(session, email)).locale is None
