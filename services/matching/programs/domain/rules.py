"""What a program may be and how it moves: draft → published → closed → done; who may post and
manage one; the checks on its place, dates, seats, skills and tags. Pure.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum

from kit.errors import Conflict, FieldProblem
from services.matching.programs.domain.skills import SKILLS


class ProgramStatus(StrEnum):
    draft = "draft"  # only its member and operators see it
    published = "published"  # open to helpers
    closed = "closed"  # no more applications
    done = "done"  # it took place


class Schedule(StrEnum):
    dates = "dates"  # helpers come on these days (a day of farm help, a festival)
    season = "season"  # some days within the window, by arrangement (a harvest season)


class Action(StrEnum):
    publish = "publish"
    close = "close"
    done = "done"


# Each action: the status it leads to and the one it starts from. Repeating it changes nothing.
_MOVES: dict[Action, tuple[ProgramStatus, ProgramStatus]] = {
    Action.publish: (ProgramStatus.draft, ProgramStatus.published),
    Action.close: (ProgramStatus.published, ProgramStatus.closed),
    Action.done: (ProgramStatus.closed, ProgramStatus.done),
}
_REFUSALS: dict[Action, tuple[str, str]] = {
    Action.publish: ("下書きの募集のみ公開できます。", "Only a draft program can be published."),
    Action.close: ("公開中の募集のみ締め切れます。", "Only a published program can be closed."),
    Action.done: ("締め切った募集のみ実施済みにできます。", "Only a closed program can be marked done."),
}
EDITABLE = frozenset({ProgramStatus.draft, ProgramStatus.published})
PUBLIC = (ProgramStatus.published, ProgramStatus.closed, ProgramStatus.done)  # seen by everyone

# Who posts programs: the registry's member kinds (services/registry/domain/kinds.py) that work in a
# region: municipalities, 地域運営組織 and 中間支援組織; in good standing (registry's MemberStatus).
POSTING_KINDS = frozenset({"municipality", "rmo", "intermediary"})
STANDING = frozenset({"approved", "active"})

MAX_DATES_DAYS = 31  # a program on fixed dates spans at most a month
MAX_SEASON_DAYS = 366  # a season window at most a year
MAX_SKILLS = 10
MAX_TAGS = 10
MAX_TAG_LENGTH = 30


def transition(current: str, action: Action) -> ProgramStatus | None:
    """The status `action` leads to, or None when the program is there already (nothing to do).
    Anything else is a 409: a program never goes back."""
    source, target = _MOVES[action]
    if current == target:
        return None
    if current != source:
        ja, en = _REFUSALS[action]
        raise Conflict(ja=ja, en=en, program_status=current)
    return target


def editable(status: str) -> None:
    if status not in EDITABLE:
        raise Conflict(ja="締め切った募集は変更できません。", en="A closed or finished program cannot be changed.",
                       program_status=status)


def may_manage(*, operator: bool, actor_member_id: object, program_member_id: object) -> bool:
    """Operators manage every program; a member's staff only their own member's."""
    return operator or (actor_member_id is not None and actor_member_id == program_member_id)


def eligibility(*, kind: str | None, status: str | None) -> tuple[str, str] | None:
    """Why a member may not post or publish programs (ja, en), or None if it may. `kind` None:
    matching has not heard of the member yet (its copy arrives with the registry's events)."""
    if kind is None:
        return ("会員情報がまだ反映されていません。しばらくしてからお試しください。",
                "Your membership has not reached matching yet; please try again shortly.")
    if kind not in POSTING_KINDS:
        return ("募集を掲載できるのは市区町村・地域運営組織・中間支援組織の会員です。",
                "Programs are posted by municipalities, RMOs and intermediary organisations.")
    if status not in STANDING:
        return ("有効な会員のみ募集を掲載できます。", "Only members in good standing may post programs.")
    return None


def problems(*, place: str | None, schedule: str, starts_on: date, ends_on: date, capacity: int, reserved: int,
             required: Sequence[str], optional: Sequence[str], taken: int = 0) -> list[FieldProblem]:
    """Every problem with a program's shape at once, in Japanese and English. `place` is what the
    official list says the municipality code is ("municipality", "prefecture", or None: not listed);
    `taken` the places already confirmed or held (a published program's capacity stays above)."""
    found: list[FieldProblem] = []
    if place is None:
        found.append(FieldProblem("municipality_code", "unknown", "公式の一覧にない地方公共団体コードです。",
                                  "This local government code is not in the official list."))
    elif place != "municipality":
        found.append(FieldProblem("municipality_code", "not_municipality",
                                  "都道府県ではなく市区町村のコードを指定してください。",
                                  "Give a municipality's code, not a prefecture's."))
    found += date_problems(schedule=schedule, starts_on=starts_on, ends_on=ends_on)
    if reserved > capacity:
        found.append(FieldProblem("reserved", "too_many", "確保枠が定員を超えています。",
                                  "More reserved places than the capacity."))
    elif capacity < taken + reserved:
        found.append(FieldProblem("capacity", "below_taken", f"定員は確定・保留・確保済みの{taken + reserved}人より"
                                  "少なくできません。", f"The capacity cannot go below the {taken + reserved} places "
                                  "already taken or reserved."))
    found += skill_problems(required=required, optional=optional)
    return found


def date_problems(*, schedule: str, starts_on: date, ends_on: date) -> list[FieldProblem]:
    if ends_on < starts_on:
        return [FieldProblem("ends_on", "order", "終了日は開始日以降にしてください。",
                             "The end date must not come before the start date.")]
    longest = MAX_DATES_DAYS if schedule == Schedule.dates else MAX_SEASON_DAYS
    if (ends_on - starts_on).days + 1 > longest:
        return [FieldProblem("ends_on", "too_long", f"期間は{longest}日以内にしてください。",
                             f"The period must be at most {longest} days.")]
    return []


def skill_problems(*, required: Sequence[str], optional: Sequence[str]) -> list[FieldProblem]:
    found: list[FieldProblem] = []
    for name, skills in (("required_skills", required), ("optional_skills", optional)):
        unknown = [s for s in skills if s not in SKILLS]
        if unknown:
            listed = "、".join(unknown)
            found.append(FieldProblem(name, "unknown", f"技能の一覧にない項目があります：{listed}",
                                      f"Not in the list of skills: {', '.join(unknown)}"))
        if len(set(skills)) != len(skills):
            found.append(FieldProblem(name, "duplicate", "同じ技能が重複しています。", "A skill is listed twice."))
        if len(skills) > MAX_SKILLS:
            found.append(FieldProblem(name, "too_many", f"技能は{MAX_SKILLS}個までです。",
                                      f"At most {MAX_SKILLS} skills."))
    if both := sorted(set(required) & set(optional)):
        found.append(FieldProblem("optional_skills", "both", f"必須と歓迎の両方に含まれています：{'、'.join(both)}",
                                  f"Listed as both required and optional: {', '.join(both)}"))
    return found


def publish_problem(*, ends_on: date, today: date) -> tuple[str, str] | None:
    """Why a draft cannot be published now (ja, en), or None."""
    if ends_on < today:
        return ("終了日が過ぎた募集は公開できません。", "A program whose end date has passed cannot be published.")
    return None


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Free tags folded (full-width letters and digits to half-width), trimmed, without blanks or
    repeats, in the order given."""
    seen: dict[str, None] = {}
    for tag in tags:
        folded = unicodedata.normalize("NFKC", tag).strip()
        if folded:
            seen.setdefault(folded, None)
    return list(seen)


def tag_problems(tags: Sequence[str]) -> list[FieldProblem]:
    if len(tags) > MAX_TAGS:
        return [FieldProblem("tags", "too_many", f"タグは{MAX_TAGS}個までです。", f"At most {MAX_TAGS} tags.")]
    if any(len(t) > MAX_TAG_LENGTH for t in tags):
        return [FieldProblem("tags", "too_long", f"タグは{MAX_TAG_LENGTH}文字以内にしてください。",
                             f"A tag is at most {MAX_TAG_LENGTH} characters.")]
    return []


def month_range(month: str) -> tuple[date, date] | None:
    """The month `YYYY-MM` as [first day, first day of the next month); None for anything else."""
    try:
        year, mon = (int(x) for x in month.split("-"))
        start = date(year, mon, 1)
    except ValueError:
        return None
    return start, date(year + mon // 12, mon % 12 + 1, 1)


def seats_left(*, capacity: int, reserved: int, confirmed: int, held: int) -> int:
    """Places still open to first-come applications."""
    return max(0, capacity - reserved - confirmed - held)
