"""programs' pure rules: the status moves, who may manage and post, the checks on a program's place,
dates, places, skills and tags (all problems at once, in Japanese and English), and the month filter."""

from __future__ import annotations

from datetime import date

import pytest

from kit.errors import Conflict
from services.matching.programs.domain.rules import (
    MAX_TAGS,
    Action,
    ProgramStatus,
    Schedule,
    clean_tags,
    editable,
    eligibility,
    may_manage,
    month_range,
    problems,
    publish_problem,
    seats_left,
    tag_problems,
    transition,
)
from services.matching.programs.domain.skills import SKILLS, label

DAY = date(2026, 9, 12)


def shape(**changes: object) -> list[tuple[str, str]]:
    facts: dict[str, object] = {"place": "municipality", "schedule": Schedule.dates, "starts_on": DAY,
                                "ends_on": DAY, "capacity": 5, "reserved": 0, "required": ["harvest"],
                                "optional": ["driving"]}
    return [(p.field, p.code) for p in problems(**(facts | changes))]  # type: ignore[arg-type]


@pytest.mark.parametrize(("current", "action", "expected"), [
    ("draft", Action.publish, ProgramStatus.published),
    ("published", Action.close, ProgramStatus.closed),
    ("closed", Action.done, ProgramStatus.done),
    ("published", Action.publish, None),  # again: nothing to do
    ("closed", Action.close, None),
    ("done", Action.done, None),
])
def test_a_program_moves_forward_and_repeating_a_move_changes_nothing(current: str, action: Action,
                                                                     expected: ProgramStatus | None) -> None:
    assert transition(current, action) == expected


@pytest.mark.parametrize(("current", "action"), [
    ("closed", Action.publish), ("done", Action.publish), ("draft", Action.close), ("done", Action.close),
    ("draft", Action.done), ("published", Action.done),
])
def test_a_program_never_goes_back_or_skips_a_step(current: str, action: Action) -> None:
    with pytest.raises(Conflict) as refused:
        transition(current, action)
    assert refused.value.ja and refused.value.en and refused.value.extra == {"program_status": current}


def test_only_drafts_and_published_programs_are_edited() -> None:
    editable("draft")
    editable("published")
    for status in ("closed", "done"):
        with pytest.raises(Conflict):
            editable(status)


def test_operators_manage_every_program_and_staff_only_their_members() -> None:
    assert may_manage(operator=True, actor_member_id=None, program_member_id="a")
    assert may_manage(operator=False, actor_member_id="a", program_member_id="a")
    assert not may_manage(operator=False, actor_member_id="b", program_member_id="a")
    assert not may_manage(operator=False, actor_member_id=None, program_member_id=None)


def test_municipalities_rmos_and_intermediaries_in_good_standing_post() -> None:
    for kind in ("municipality", "rmo", "intermediary"):
        assert eligibility(kind=kind, status="active") is None
        assert eligibility(kind=kind, status="approved") is None
    assert eligibility(kind=None, status=None) is not None  # not heard of yet
    assert eligibility(kind="company", status="active") is not None
    assert eligibility(kind="municipality", status="suspended") is not None


def test_a_sound_program_has_no_problems() -> None:
    assert shape() == []
    assert shape(schedule=Schedule.season, ends_on=date(2027, 9, 11)) == []  # a year's season
    assert shape(capacity=5, reserved=2, taken=3) == []


def test_every_problem_is_said_at_once_in_both_languages() -> None:
    found = shape(place=None, ends_on=date(2026, 9, 11), reserved=6, required=["harvest", "juggling", "harvest"],
                  optional=["harvest"])
    assert found == [("municipality_code", "unknown"), ("ends_on", "order"), ("reserved", "too_many"),
                     ("required_skills", "unknown"), ("required_skills", "duplicate"), ("optional_skills", "both")]
    for problem in problems(place=None, schedule="dates", starts_on=DAY, ends_on=DAY, capacity=1, reserved=0,
                            required=["juggling"], optional=[]):
        assert problem.ja and problem.en and problem.ja != problem.en


def test_a_prefecture_is_not_a_programs_place() -> None:
    assert shape(place="prefecture") == [("municipality_code", "not_municipality")]


def test_fixed_dates_span_a_month_and_a_season_a_year() -> None:
    assert shape(ends_on=date(2026, 10, 12)) == []  # 31 days, both ends counted
    assert shape(ends_on=date(2026, 10, 13)) == [("ends_on", "too_long")]
    assert shape(schedule=Schedule.season, ends_on=date(2027, 9, 12)) == []  # 366 days
    assert shape(schedule=Schedule.season, ends_on=date(2027, 9, 13)) == [("ends_on", "too_long")]


def test_the_capacity_stays_above_the_places_taken_and_reserved() -> None:
    assert shape(capacity=4, reserved=1, taken=4) == [("capacity", "below_taken")]
    assert shape(capacity=5, reserved=1, taken=4) == []
    assert seats_left(capacity=5, reserved=1, confirmed=2, held=1) == 1
    assert seats_left(capacity=3, reserved=1, confirmed=3, held=0) == 0  # never negative


def test_skills_come_from_the_vocabulary_at_most_ten_each() -> None:
    many = list(SKILLS)[:11]
    assert ("required_skills", "too_many") in shape(required=many, optional=[])
    assert label("harvest", japanese=True) == "収穫" and label("harvest", japanese=False) == "Harvesting"
    assert label("unknown", japanese=True) == "unknown"


def test_tags_are_folded_trimmed_and_said_once() -> None:
    assert clean_tags(["りんご", " りんご ", "ＤＩＹ", "", "  ", "DIY", "ｷｬﾝﾌﾟ"]) == ["りんご", "DIY", "キャンプ"]
    assert tag_problems([f"t{i}" for i in range(MAX_TAGS)]) == []
    assert [p.code for p in tag_problems([f"t{i}" for i in range(MAX_TAGS + 1)])] == ["too_many"]
    assert [p.code for p in tag_problems(["x" * 31])] == ["too_long"]


def test_a_past_program_is_not_published() -> None:
    assert publish_problem(ends_on=date(2026, 9, 11), today=DAY) is not None
    assert publish_problem(ends_on=DAY, today=DAY) is None  # its last day is still ahead


@pytest.mark.parametrize(("month", "expected"), [
    ("2026-09", (date(2026, 9, 1), date(2026, 10, 1))),
    ("2026-12", (date(2026, 12, 1), date(2027, 1, 1))),
    ("2026-13", None), ("", None), ("september", None),
])
def test_a_month_is_its_days(month: str, expected: tuple[date, date] | None) -> None:
    assert month_range(month) == expected
