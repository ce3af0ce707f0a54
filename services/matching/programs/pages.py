"""The public program pages: the list with its filters (prefecture, skill, month, online) and a
map of Japan drawn as inline SVG from the municipalities' coordinates (each dot links to its
program; no tile server), and a program's page with the apply form.

The form posts to `/matching/programs/{id}/apply` (services/matching/applications/pages.py) and
works without JavaScript: the answer is a redirect back here, which shows the person's application.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from starlette.responses import Response

from kit.gazetteer import local_governments
from kit.japan_map import HEIGHT, WIDTH, dots, outline
from kit.web.locale import Locale
from services.matching.applications import service as applications
from services.matching.applications.domain.rules import status_label
from services.matching.programs import service
from services.matching.programs.domain.rules import ProgramStatus, Schedule, may_manage, month_range
from services.matching.programs.domain.skills import SKILLS, label
from services.matching.programs.schemas import ProgramRead
from services.matching.web import Page

router = APIRouter(include_in_schema=False)
LIST_MAX = 300
FEW_LEFT = 2
WEEKDAYS_JA = "月火水木金土日"
DONE = {"applied": ("応募を受け付けました。", "Your application is in."),
        "withdrawn": ("応募を取り下げました。", "Your application is withdrawn.")}


@lru_cache(maxsize=1)
def prefectures() -> list[tuple[str, str]]:
    """(JIS code, name) of the 47 prefectures, from the official list."""
    return sorted((g.prefecture_code, g.prefecture) for g in local_governments().values() if not g.is_municipality)


def day(value: Any, locale: Locale) -> str:
    weekday = f"（{WEEKDAYS_JA[value.weekday()]}）" if locale == "ja" else value.strftime(" (%a)")
    return f"{value.isoformat()}{weekday}"


def when(program: ProgramRead, locale: Locale) -> str:
    """Its JST days: one day, a run of days, or a season window to come within."""
    first, last = day(program.starts_on, locale), day(program.ends_on, locale)
    span = first if program.starts_on == program.ends_on else f"{first} – {last}"
    if program.schedule == Schedule.season:
        return f"{span}（期間中の都合のよい日）" if locale == "ja" else f"{span} (some days within)"
    return span


def place(program: ProgramRead, locale: Locale) -> str:
    return program.municipality + ((" ＋ オンライン" if locale == "ja" else " + online") if program.online else "")


def seats(program: ProgramRead, locale: Locale) -> tuple[str, str]:
    """(key, sentence) for the places still open to first come."""
    ja = locale == "ja"
    if program.status != ProgramStatus.published:
        return "closed", "受付終了" if ja else "Closed"
    left = program.seats_left
    if left <= 0:
        return "full", "満員（キャンセル待ち受付中）" if ja else "Full (join the waitlist)"
    if left <= FEW_LEFT:
        return "few_left", f"残りわずか（あと{left}人）" if ja else f"Few places left ({left})"
    return "open", f"受付中（あと{left}人）" if ja else f"Open ({left} places left)"


def describe(program: ProgramRead, locale: Locale) -> dict[str, Any]:
    """What the list and the page show of a program, in the page's language."""
    japanese = locale == "ja"
    key, text = seats(program, locale)
    return {"program": program, "when": when(program, locale), "place": place(program, locale),
            "required": [label(s, japanese=japanese) for s in program.required_skills],
            "optional": [label(s, japanese=japanese) for s in program.optional_skills],
            "seats_key": key, "seats_text": text}


@router.get("/programs", response_model=None)
async def program_list(page: Page, prefecture: str = "", skill: str = "", month: str = "",
                       online: str = "") -> Response:
    """Published programs by their first day, filtered, with the map of the same programs."""
    codes = dict(prefectures())
    chosen_prefecture = prefecture if prefecture in codes else None
    chosen_skill = skill if skill in SKILLS else None
    period = month_range(month)
    chosen_online = {"1": True, "0": False}.get(online)
    programs = await service.listed(
        uow=page.deps.uow, viewer=None, status=None, member_id=None, prefecture_code=chosen_prefecture,
        municipality_code=None, skill=chosen_skill, period=period, online=chosen_online, limit=LIST_MAX, offset=0,
        base_url=page.deps.base_url)
    japanese = page.locale == "ja"
    return page.page("programs/list.html", programs=[describe(p, page.locale) for p in programs],
                     dots=dots((str(p.id), p.title, p.lat, p.lon) for p in programs), outline=outline(),
                     width=WIDTH, height=HEIGHT, prefectures=prefectures(),
                     skills={code: label(code, japanese=japanese) for code in SKILLS},
                     filters={"prefecture": chosen_prefecture or "", "skill": chosen_skill or "",
                              "month": month if period else "",
                              "online": online if chosen_online is not None else ""})


async def detail_page(page: Page, program_id: UUID, *, status: int = 200, error: str | None = None) -> Response:
    """A program's page with the apply form (also re-shown with the refusal by the form's post)."""
    program = await service.detail(uow=page.deps.uow, viewer=page.who, program_id=program_id,
                                   base_url=page.deps.base_url)
    who, locale = page.who, page.locale
    mine = await applications.for_program(uow=page.deps.uow, who=who, program_id=program.id,
                                          base_url=page.deps.base_url) if who else None
    done = DONE.get(page.request.query_params.get("done", ""))
    return page.page("programs/detail.html", status=status, **describe(program, locale), mine=mine,
                     mine_label=status_label(mine.status, japanese=locale == "ja") if mine else "",
                     error=error, done=(done[0] if locale == "ja" else done[1]) if done else None,
                     manages=who is not None and may_manage(operator=who.is_operator, actor_member_id=who.member_id,
                                                            program_member_id=program.member_id),
                     accepting=program.status == ProgramStatus.published)


@router.get("/programs/{program_id}", response_model=None)
async def program_detail(program_id: UUID, page: Page) -> Response:
    """A program: what, where, when, the skills it asks for, its オカエシ and places, and the apply form."""
    return await detail_page(page, program_id)
