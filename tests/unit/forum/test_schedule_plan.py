"""The pure planning rule of forum's scheduled jobs: which jobs an event calls for, at which
times, and how a change of the event (moved, cancelled, time passed) changes the rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from services.forum.schedule.domain.plan import EventTimes, JobKind, JobState, changes, reconfirm_deadline, schedule

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
START = NOW + timedelta(days=10)
K = JobKind


BASE = EventTimes(status="published", starts_at=START, online=True, mode="first_come")


def event(**extra: Any) -> EventTimes:
    return replace(BASE, **extra)


def fresh(at: datetime) -> JobState:
    return JobState(due_at=at, done_at=None, attempts=0)


def test_an_online_first_come_event_has_the_two_reminders() -> None:
    assert schedule(event()) == {K.reminder_24h: START - timedelta(hours=24), K.reminder_1h: START - timedelta(hours=1)}


def test_an_in_person_forum_asks_to_reconfirm_and_closes_halfway_to_the_start() -> None:
    jobs = schedule(event(online=False, reconfirm_hours=72))
    assert jobs[K.reconfirm_request] == START - timedelta(hours=72)
    assert jobs[K.reconfirm_deadline] == START - timedelta(hours=36) == reconfirm_deadline(START, 72)
    assert K.reconfirm_request not in schedule(event(online=True, reconfirm_hours=72))  # online: nobody travels
    assert K.reconfirm_request not in schedule(event(online=False))


def test_lottery_and_hybrid_events_are_drawn_when_the_lottery_closes() -> None:
    closes = START - timedelta(days=3)
    for mode in ("lottery", "hybrid"):
        assert schedule(event(mode=mode, lottery_closes_at=closes))[K.lottery_draw] == closes
    assert K.lottery_draw not in schedule(event(mode="first_come", lottery_closes_at=closes))


def test_drafts_and_cancelled_events_call_for_nothing() -> None:
    assert schedule(event(status="draft")) == {}
    assert schedule(event(status="cancelled")) == {}


def test_a_new_event_gets_every_job_still_ahead_and_a_late_draw_at_once() -> None:
    soon = event(starts_at=NOW + timedelta(hours=5), mode="lottery", lottery_closes_at=NOW - timedelta(hours=1),
                 online=False, reconfirm_hours=8)
    assert changes(soon, {}, NOW) == {K.reminder_1h: NOW + timedelta(hours=4),
                                      K.reconfirm_deadline: NOW + timedelta(hours=1),
                                      K.lottery_draw: NOW - timedelta(hours=1)}


def test_planning_again_without_a_change_writes_nothing() -> None:
    planned = changes(event(), {}, NOW)
    rows = {kind: fresh(at) for kind, at in planned.items() if at is not None}
    assert changes(event(), rows, NOW) == {}


def test_a_move_later_moves_unfired_jobs_and_rearms_fired_reminders() -> None:
    rows = {K.reminder_24h: JobState(NOW - timedelta(hours=1), NOW - timedelta(hours=1), 1),
            K.reminder_1h: fresh(NOW + timedelta(hours=22))}
    moved = event(starts_at=NOW + timedelta(days=7))
    assert changes(moved, rows, NOW) == {K.reminder_24h: NOW + timedelta(days=6),
                                         K.reminder_1h: NOW + timedelta(days=7, hours=-1)}


def test_a_fired_job_stays_fired_when_the_event_is_edited_in_place() -> None:
    fired = JobState(NOW - timedelta(hours=2), NOW - timedelta(hours=2), 1)
    same = event(starts_at=NOW + timedelta(hours=22))
    assert K.reminder_24h not in changes(same, {K.reminder_24h: fired}, NOW)


def test_a_draw_never_fires_twice() -> None:
    drawn = JobState(NOW - timedelta(hours=1), NOW - timedelta(hours=1), 1)
    lottery = event(mode="lottery", lottery_closes_at=NOW + timedelta(days=1))
    assert K.lottery_draw not in changes(lottery, {K.lottery_draw: drawn}, NOW)


def test_a_move_earlier_drops_an_unclaimed_job_whose_time_has_passed() -> None:
    rows = {K.reminder_24h: fresh(NOW + timedelta(hours=2))}
    earlier = event(starts_at=NOW + timedelta(hours=20))
    assert changes(earlier, rows, NOW)[K.reminder_24h] is None


def test_a_claimed_job_whose_time_has_come_is_left_to_the_worker() -> None:
    """An edit while the worker holds a due job (running, or waiting to retry) must not lose it."""
    claimed = JobState(NOW + timedelta(minutes=5), None, 2)  # leased or backing off: due_at is not its time
    same = event(starts_at=NOW + timedelta(hours=23))
    assert K.reminder_24h not in changes(same, {K.reminder_24h: claimed}, NOW)


def test_cancelling_drops_every_unfired_job_and_keeps_the_record_of_fired_ones() -> None:
    rows = {K.reminder_24h: JobState(NOW - timedelta(days=1), NOW - timedelta(days=1), 1),
            K.reminder_1h: fresh(NOW + timedelta(hours=5)), K.reconfirm_deadline: JobState(NOW, None, 1)}
    assert changes(event(status="cancelled"), rows, NOW) == {K.reminder_1h: None, K.reconfirm_deadline: None}
