"""The operators' message preview page: sign in first, operators only, and every registered
message in both languages with its HTML in a sandboxed frame. Both databases, real NATS."""

from __future__ import annotations

from markupsafe import escape

from kit.web.auth import OPERATOR
from services.notify.messages.catalog import MESSAGES
from services.notify.messages.render import render
from services.notify.messages.samples import sample_links
from tests.support.platform import RunningPlatform
from tests.support.sessions import person, sign_in

PAGE = "/notify/templates"


async def test_signing_in_comes_first(notify: RunningPlatform) -> None:
    page = await notify.client.get(PAGE, headers={"accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == "/registry/login?next=/notify/templates"


async def test_only_operators_see_the_previews(notify: RunningPlatform) -> None:
    for role in ("staff", "admin"):
        sign_in(notify.client, notify["notify"].deps.sessions, person(f"{role}@example.jp", role))
        page = await notify.client.get(PAGE, headers={"accept": "text/html"})
        assert page.status_code == 403 and "運営者のみ" in page.text


async def test_every_message_in_both_languages(notify: RunningPlatform) -> None:
    sign_in(notify.client, notify["notify"].deps.sessions, person(f"{OPERATOR}@example.jp", OPERATOR))
    page = await notify.client.get(PAGE, headers={"accept": "text/html"})
    assert page.status_code == 200, page.text
    assert page.text.count("<iframe sandbox srcdoc=") == 2 * len(MESSAGES)
    for message in MESSAGES.values():
        assert f'id="{message.name}"' in page.text
        for locale in ("ja", "en"):
            shown = render(message.name, locale, {**message.sample(), "links": sample_links(critical=message.critical)})
            assert str(escape(shown.subject)) in page.text
            assert f'srcdoc="{escape(shown.html)}"' in page.text  # the frame holds the whole mail
    # The page keeps the platform's strict policy; the sandboxed frame runs no script.
    assert "script-src 'self'" in page.headers["content-security-policy"]
