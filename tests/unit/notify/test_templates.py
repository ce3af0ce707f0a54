"""Every registered message renders in Japanese and English from its sample data, with the right
footer; HTML is escaped and text is not; a missing template or variable fails loudly. No platform."""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from jinja2 import TemplateNotFound, UndefinedError

from kit.contracts.base import LOCALES, Locale
from kit.contracts.registry import LoginLinkRequested, MemberApproved
from services.notify.domain.kinds import Category
from services.notify.messages import samples
from services.notify.messages.catalog import MESSAGES, register
from services.notify.messages.render import preload, render, render_line

UNSUBSCRIBE = "https://kakawari.example.jp/notify/unsubscribe?token=abc&category=membership"
SETTINGS = "https://kakawari.example.jp/notify/preferences"
WITH_UNSUBSCRIBE = {"unsubscribe": UNSUBSCRIBE, "settings": SETTINGS, "inbox": "https://kakawari.example.jp/notify/inbox"}
CRITICAL = {**WITH_UNSUBSCRIBE, "unsubscribe": None}
NAMES = sorted(MESSAGES)


def data(name: str, links: Mapping[str, str | None]) -> dict[str, Any]:
    return {**MESSAGES[name].sample(), "links": links}


def test_the_catalog_lists_every_message_type() -> None:
    assert set(NAMES) >= {"member_applied", "member_approved", "member_rejected", "member_returned", "staff_invited",
                          "login_link", "applications_digest", "webhook_disabled"}


def test_every_template_is_there() -> None:
    preload()


@pytest.mark.parametrize("links", [WITH_UNSUBSCRIBE, CRITICAL], ids=["unsubscribe", "critical"])
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", NAMES)
def test_every_message_renders(name: str, locale: Locale, links: Mapping[str, str | None]) -> None:
    out = render(name, locale, data(name, links))
    assert out.subject and out.subject == out.subject.strip() and "\n" not in out.subject
    assert out.text.strip() and out.html.strip()
    assert out.html.lstrip().startswith("<!doctype html>") and f'lang="{locale}"' in out.html
    unsubscribe = "配信停止" if locale == "ja" else "Unsubscribe"
    regardless = "通知設定にかかわらず" if locale == "ja" else "regardless of your notification settings"
    if links["unsubscribe"] is None:
        for body in (out.text, out.html):
            assert regardless in body and unsubscribe not in body
    else:
        assert UNSUBSCRIBE in out.text and SETTINGS in out.text and unsubscribe in out.text
        assert f'href="{html.escape(UNSUBSCRIBE)}"' in out.html and f'href="{SETTINGS}"' in out.html
        assert regardless not in out.text + out.html


@pytest.mark.parametrize("name", NAMES)
def test_japanese_and_english_differ(name: str) -> None:
    ja, en = (render(name, locale, data(name, WITH_UNSUBSCRIBE)) for locale in ("ja", "en"))
    assert ja.subject != en.subject and ja.text != en.text and ja.html != en.html
    assert "事務局" in ja.text and "secretariat" in en.text


@pytest.mark.parametrize("name", [n for n in NAMES if MESSAGES[n].digest])
@pytest.mark.parametrize("locale", LOCALES)
def test_digest_types_give_one_line(name: str, locale: Locale) -> None:
    line = render_line(name, locale, MESSAGES[name].sample())
    assert line and "\n" not in line


def test_only_digest_types_have_lines() -> None:
    with pytest.raises(ValueError):
        render_line("member_approved", "ja", samples.member_approved())


def test_samples_are_deterministic() -> None:
    for name in NAMES:
        assert MESSAGES[name].sample() == MESSAGES[name].sample()


def hostile(name: str) -> dict[str, Any]:
    event = MemberApproved(member_id=uuid4(), name=name, kind="municipality", status="approved",
                           at=datetime(2026, 6, 1, 1, 30, tzinfo=UTC))
    return {"event": event, "links": WITH_UNSUBSCRIBE}


@pytest.mark.parametrize("locale", LOCALES)
def test_html_escapes_what_the_text_keeps(locale: Locale) -> None:
    name = '<script>alert("x")</script> & 飛騨市'
    out = render("member_approved", locale, hostile(name))
    assert "<script>" not in out.html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; 飛騨市" in out.html
    assert name in out.text and name in out.subject


def test_a_newline_in_a_name_cannot_split_the_subject() -> None:
    out = render("member_approved", "ja", hostile("飛騨市\r\nBcc: someone@example.jp"))
    assert out.subject == "【かかわりラボ】入会承認のお知らせ：飛騨市 Bcc: someone@example.jp"


def test_times_are_shown_in_jst() -> None:
    out = render("staff_invited", "ja", data("staff_invited", CRITICAL))  # expires 01:30 UTC
    assert "有効期限：2026-06-08 10:30 JST" in out.text


@pytest.mark.parametrize(("locale", "expected"),
                         [("ja", "パスワードの設定用リンク"), ("en", "Link to set your password")])
def test_login_link_says_what_it_is_for(locale: Locale, expected: str) -> None:
    event = LoginLinkRequested(email="new@example.jp", login_url="https://kakawari.example.jp/registry/password/t",
                               expires_at=datetime(2026, 6, 4, 1, 30, tzinfo=UTC), purpose="password")
    out = render("login_link", locale, {"event": event, "links": CRITICAL})
    assert out.subject.endswith(expected)


@pytest.fixture
def registered_without_templates() -> Iterator[str]:
    name = "test_no_templates"
    register(name, Category.events, sample=lambda: {})
    try:
        yield name
    finally:
        del MESSAGES[name]


def test_a_type_without_templates_fails_loudly(registered_without_templates: str) -> None:
    with pytest.raises(TemplateNotFound):
        render(registered_without_templates, "ja", {"links": CRITICAL})
    with pytest.raises(TemplateNotFound):
        preload()


def test_an_unregistered_type_is_refused() -> None:
    with pytest.raises(KeyError):
        render("no_such_message", "ja", {"links": CRITICAL})


def test_a_missing_variable_raises() -> None:
    with pytest.raises(UndefinedError):
        render("member_approved", "ja", {"links": CRITICAL})  # no event
    with pytest.raises(UndefinedError):
        render("member_approved", "en", samples.member_approved())  # no links
    with pytest.raises(UndefinedError):
        render("applications_digest", "ja", {"entries": [], "links": CRITICAL})  # no date
