"""Pages: the signed-in person's notification settings, and the one-click unsubscribe (RFC 8058)
that works from an email's link without signing in.

Unsubscribing never happens on a GET (mail scanners prefetch links): the GET shows a page
with a button; the POST, from that page or from a mail client's one-click
(`List-Unsubscribe=One-Click`), switches the email off. The signed token in the link is the
proof, so that POST needs neither a session nor a CSRF token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response

from kit.errors import ValidationFailed
from kit.web.auth import Principal
from kit.web.page import messages
from services.notify.domain.kinds import PERSON_CHANNELS, SETTABLE_CATEGORIES
from services.notify.preferences import service
from services.notify.preferences.domain.always_sent import REASON
from services.notify.preferences.domain.changes import Requested
from services.notify.preferences.domain.matrix import CATEGORY_HINTS, CATEGORY_LABELS, CHANNEL_LABELS
from services.notify.web import NotifyPage, Page

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Query(max_length=4096)]
DIGEST_DEFAULT = "09:00"  # what the digest time input offers before an operator picks one
ONE_CLICK = "配信を停止しました。 / You have been unsubscribed.\n"


@dataclass
class SettingsForm:
    """What the settings form shows: the stored settings, or what was just submitted."""

    switches: dict[str, bool]  # "category.channel" → on?
    quiet_enabled: bool
    quiet_start: str
    quiet_end: str
    locale: str  # "" for each message's own language
    digest_enabled: bool
    digest_at: str
    errors: dict[str, str] = field(default_factory=dict)  # field → message, in the page's language

    @classmethod
    def of(cls, view: service.PreferencesView) -> SettingsForm:
        s = view.settings
        return cls(switches={f"{cat.value}.{chan.value}": on for cat, chans in view.matrix.items()
                             for chan, on in chans.items()},
                   quiet_enabled=s.quiet_enabled, quiet_start=s.quiet_start, quiet_end=s.quiet_end,
                   locale=s.locale or "", digest_enabled=s.digest_at is not None,
                   digest_at=s.digest_at or DIGEST_DEFAULT)

    @classmethod
    def posted(cls, form: Mapping[str, str]) -> SettingsForm:
        return cls(switches={name: f"pref.{name}" in form for name in switch_names()},
                   quiet_enabled="quiet_enabled" in form, quiet_start=form.get("quiet_start", ""),
                   quiet_end=form.get("quiet_end", ""), locale=form.get("locale", ""),
                   digest_enabled="digest_enabled" in form, digest_at=form.get("digest_at", ""))

    def requested(self, *, operator: bool) -> Requested:
        """The whole form as a change; the digest only for operators (nobody else sees it)."""
        switches: dict[str, dict[str, object]] = {}
        for name, on in self.switches.items():
            category, channel = name.split(".")
            switches.setdefault(category, {})[channel] = on
        return Requested(switches=switches, quiet_enabled=self.quiet_enabled, quiet_start=self.quiet_start,
                         quiet_end=self.quiet_end, locale=self.locale or None, set_locale=True,
                         digest_at=self.digest_at if self.digest_enabled else None, set_digest=operator)


def switch_names() -> list[str]:
    return [f"{cat.value}.{chan.value}" for cat in SETTABLE_CATEGORIES for chan in PERSON_CHANNELS]


@router.get("/settings", response_model=None)
async def settings_page(page: Page, saved: bool = False) -> Response:
    """The signed-in person's notification settings; sign in first otherwise."""
    if (who := page.who) is None:
        return page.login_redirect()
    found = await service.view(uow=page.deps.uow, recipient=who.email.lower(), operator=who.is_operator)
    return _settings(page, who, SettingsForm.of(found), saved=saved)


@router.post("/settings", response_model=None)
async def save_settings(page: Page) -> Response:
    if (who := page.who) is None:
        return page.login_redirect()
    posted = SettingsForm.posted(await page.form())
    try:
        await service.update(uow=page.deps.uow, recipient=who.email.lower(),
                             requested=posted.requested(operator=who.is_operator), operator=who.is_operator)
    except ValidationFailed as exc:
        title, posted.errors = messages(exc, page.locale)
        return _settings(page, who, posted, status=422, error=title)
    return page.redirect("/notify/settings?saved=1")


@router.get("/unsubscribe", response_model=None)
async def unsubscribe_page(page: Page, token: Token = "") -> Response:
    """What the link switches off, with a button: nothing changes on a GET."""
    found = await service.unsubscription(uow=page.deps.uow, links=page.deps.links, token=token)
    return _unsubscribe(page, found, token, state="confirm")


@router.post("/unsubscribe", response_model=None)
async def unsubscribe(page: Page, token: Token = "") -> Response:
    """RFC 8058 one-click (body `List-Unsubscribe=One-Click`, answered in plain text), or the
    confirmation page's buttons (`action=unsubscribe|resubscribe`, answered with the page).
    The signed token is the proof of the sender: no session, no CSRF token."""
    form = await page.form(csrf=False)
    action = form.get("action")
    found = await service.set_email(uow=page.deps.uow, links=page.deps.links, token=token,
                                    enabled=action == "resubscribe")
    if action not in ("unsubscribe", "resubscribe"):
        return PlainTextResponse(ONE_CLICK)
    return _unsubscribe(page, found, token, state="resubscribed" if found.email_enabled else "unsubscribed")


def _settings(page: NotifyPage, who: Principal, form: SettingsForm, *, status: int = 200, saved: bool = False,
              error: str | None = None) -> Response:
    rows = [{"name": cat.value, "label": CATEGORY_LABELS[cat], "hint": CATEGORY_HINTS[cat],
             "cells": [{"name": f"{cat.value}.{chan.value}", "label": CHANNEL_LABELS[chan],
                        "on": form.switches.get(f"{cat.value}.{chan.value}", True)} for chan in PERSON_CHANNELS]}
            for cat in SETTABLE_CATEGORIES]
    return page.page("preferences/settings.html", status=status, form=form, rows=rows,
                     channels=[CHANNEL_LABELS[chan] for chan in PERSON_CHANNELS],
                     always_sent=service.always_sent_messages(), reason=REASON, saved=saved, error=error)


def _unsubscribe(page: NotifyPage, found: service.Unsubscription, token: str, *, state: str) -> Response:
    return page.page("preferences/unsubscribe.html", found=found, token=token, state=state,
                     category=CATEGORY_LABELS[found.category], hint=CATEGORY_HINTS[found.category])
