"""The public event pages: the list (filter by kind, block and month in JST, upcoming first) and an
event's page with its programme, approved booths and the signup form.

The form posts to `/forum/events/{id}/signup` (services/forum/signups/pages.py); with JavaScript,
./static/signup.js sends it to the JSON API instead and shows the answer without a reload.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from starlette.responses import Response

from kit.db.types import utcnow
from kit.jst import JST, jst
from kit.web.locale import Locale
from services.forum.booths import repository as booths
from services.forum.events import repository, service
from services.forum.events.domain.rules import BLOCKS, KIND_LABELS, Kind, Mode, Status, month_range
from services.forum.models import Event, ProgrammeItem
from services.forum.prefectures import PREFECTURES
from services.forum.signups.domain.rules import CONSENT_VERSION, PURPOSE
from services.forum.web import Page

router = APIRouter(include_in_schema=False)
UPCOMING_MAX, PAST_MAX = 200, 30
FEW_LEFT = 0.1  # "残りわずか" below this share of the seats
BLOCK_EN = {"hokkaido_tohoku": "Hokkaido & Tohoku", "hokuriku_tokai": "Hokuriku & Tokai",
            "chugoku_shikoku": "Chugoku & Shikoku", "kanto": "Kanto", "kinki": "Kinki",
            "kyushu_okinawa": "Kyushu & Okinawa"}
WEEKDAYS_JA = "月火水木金土日"
MODE_LABELS: dict[str, tuple[str, str]] = {Mode.first_come: ("先着順", "First come"), Mode.lottery: ("抽選", "Lottery"),
               Mode.hybrid: ("先着＋抽選", "First come, then lottery")}
PROGRAMME_KINDS = {"talk": ("講演", "Talk"), "case": ("事例発表", "Case presentation")}


@dataclass(frozen=True)
class Availability:
    """What the list and the page say about an event's seats: a key (for tests and styling) and
    the sentence in both languages."""

    key: str  # open | few_left | full | lottery | started | ended | cancelled
    ja: str
    en: str


def availability(event: Event, now: datetime) -> Availability:
    if event.status == Status.cancelled:
        return Availability("cancelled", "中止", "Cancelled")
    if event.ends_at <= now:
        return Availability("ended", "終了しました", "Ended")
    if event.starts_at <= now:
        return Availability("started", "開催中（受付終了）", "Under way (signups closed)")
    lottery_open = event.mode != Mode.first_come and event.lottery_closes_at is not None \
        and now < event.lottery_closes_at
    if event.mode == Mode.lottery and lottery_open:
        closes = jst(event.lottery_closes_at)
        return Availability("lottery", f"抽選受付中（{closes} JST 締切）", f"Lottery open (closes {closes} JST)")
    public = max(0, event.capacity - event.reserved)
    left = public - event.confirmed - event.held
    if left <= 0:
        if event.mode == Mode.hybrid and lottery_open:
            closes = jst(event.lottery_closes_at)
            return Availability("lottery", f"先着枠は満席・抽選受付中（{closes} JST 締切）",
                                f"First-come seats taken; lottery open (closes {closes} JST)")
        return Availability("full", "満席（キャンセル待ち受付中）", "Full (join the waitlist)")
    if left <= max(1, int(public * FEW_LEFT)):
        return Availability("few_left", f"残りわずか（あと{left}席）", f"Few seats left ({left})")
    return Availability("open", f"受付中（あと{left}席）", f"Open ({left} seats left)")


def when(event: Event | ProgrammeItem, locale: Locale) -> str:
    """'2026-10-17（土）13:00–17:00' in JST; the end's date too when it is another day."""
    start, end = event.starts_at.astimezone(JST), event.ends_at.astimezone(JST)
    day = start.strftime("%Y-%m-%d") + (f"（{WEEKDAYS_JA[start.weekday()]}）" if locale == "ja"
                                        else start.strftime(" (%a) "))
    until = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%Y-%m-%d %H:%M")
    return f"{day}{start.strftime('%H:%M')}–{until} JST"


def kind_label(kind: str, locale: Locale) -> str:
    ja, en = KIND_LABELS.get(kind, (kind, kind))
    return ja if locale == "ja" else en


def block_label(block: str | None, locale: Locale) -> str:
    if not block:
        return ""
    return BLOCKS.get(block, block) if locale == "ja" else BLOCK_EN.get(block, block)


def place(event: Event, locale: Locale) -> str:
    if event.online and not event.venue:
        return "オンライン" if locale == "ja" else "Online"
    venue = event.venue or ("会場未定" if locale == "ja" else "Venue to be announced")
    return venue + ((" ＋ オンライン" if locale == "ja" else " + online") if event.online else "")


def speakers(item: ProgrammeItem) -> list[dict[str, str]]:
    """The programme item's speakers; a malformed list shows nobody rather than failing the page."""
    try:
        found = json.loads(item.speakers or "[]")
    except ValueError:
        return []
    if not isinstance(found, list):
        return []
    return [{"name": str(s.get("name", "")), "affiliation": str(s.get("affiliation", ""))}
            for s in found if isinstance(s, dict)]


def purpose(locale: Locale) -> str:
    """The purpose of use in the page's language (the rules keep it as "日本語 / English")."""
    ja, _, en = PURPOSE.partition(" / ")
    return ja if locale == "ja" or not en else en


def describe(event: Event, now: datetime, locale: Locale) -> dict[str, Any]:
    """What the list and the page show of an event, in the page's language."""
    seen = availability(event, now)
    return {"event": event, "kind": kind_label(event.kind, locale), "block": block_label(event.block, locale),
            "when": when(event, locale), "place": place(event, locale), "taken": event.confirmed + event.held,
            "availability": seen, "status_text": seen.ja if locale == "ja" else seen.en,
            "mode": MODE_LABELS.get(event.mode, (event.mode, event.mode))[0 if locale == "ja" else 1]}


@router.get("/", response_model=None)
@router.get("/events", response_model=None)
async def event_list(page: Page, kind: str = "", block: str = "", month: str = "") -> Response:
    """Every published event, upcoming first, filtered by kind, block and month (JST)."""
    chosen_kind = kind if kind in Kind.__members__ else None
    chosen_block = block if block in BLOCKS else None
    start, end = month_range(month) or (None, None)
    now, locale = utcnow(), page.locale
    async with page.deps.uow.read() as session:
        def shown(*, over: bool, limit: int) -> Awaitable[list[Event]]:
            return repository.listed(session, kind=chosen_kind, block=chosen_block, start=start, end=end,
                                     statuses=(Status.published, Status.cancelled), over_at=now, over=over,
                                     limit=limit)

        upcoming = await shown(over=False, limit=UPCOMING_MAX)
        past = await shown(over=True, limit=PAST_MAX)
    return page.page("events/list.html", upcoming=[describe(e, now, locale) for e in upcoming],
                     past=[describe(e, now, locale) for e in past],
                     filters={"kind": chosen_kind or "", "block": chosen_block or "",
                              "month": month if start else ""},
                     kinds=KIND_LABELS, blocks={k: block_label(k, locale) for k in BLOCKS})


async def detail_page(page: Page, event_id: UUID, *, status: int = 200, form: dict[str, str] | None = None,
                      errors: dict[str, str] | None = None, error: str | None = None) -> Response:
    """An event's page with the signup form (also re-shown with field errors by the form's post)."""
    event = await service.read(uow=page.deps.uow, event_id=event_id, viewer=page.operator)
    async with page.deps.uow.read() as session:
        programme = await repository.programme_of(session, event.id)
        shown = [booth for booth, _ in await booths.listed(session, event.id, statuses=("approved",))]
    now, locale, who = utcnow(), page.locale, page.who
    seen = availability(event, now)
    filled = dict(form or {})
    if who is not None and not filled:
        filled["email"] = who.email  # a member's staff sign up as themselves
    items = [{"item": p, "kind": PROGRAMME_KINDS.get(p.kind, (p.kind, p.kind))[0 if locale == "ja" else 1],
              "when": when(p, locale), "speakers": speakers(p)} for p in programme]
    return page.page("events/detail.html", status=status, **describe(event, now, locale), programme=items,
                     booths=shown, accepting=seen.key in ("open", "few_left", "full", "lottery"),
                     form=filled, errors=errors or {}, error=error, prefectures=PREFECTURES,
                     purpose=purpose(locale), consent_version=CONSENT_VERSION,
                     api=f"/forum/api/v1/events/{event.id}/signups")


@router.get("/events/{event_id}", response_model=None)
async def event_detail(event_id: UUID, page: Page) -> Response:
    """An event: its description, programme, booths and seats, and the signup form."""
    return await detail_page(page, event_id)
