"""Networking slots: whole slots inside the hours, the earliest both sides have free, never
one already started."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.forum.meetings.domain.slots import first_free, slots

START = datetime(2026, 10, 20, 5, 0, tzinfo=UTC)  # 14:00 JST
END = START + timedelta(hours=1)
BEFORE = START - timedelta(days=1)


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def test_the_hours_are_cut_into_whole_slots() -> None:
    assert slots(START, END, 15) == [at(0), at(15), at(30), at(45)]
    assert slots(START, START + timedelta(minutes=50), 15) == [at(0), at(15), at(30)]  # 45–60 would overrun
    assert slots(START, END, 0) == [] and slots(END, START, 15) == []


def test_the_earliest_slot_free_for_both_sides() -> None:
    assert first_free(starts_at=START, ends_at=END, minutes=15, busy=[], now=BEFORE) == at(0)
    assert first_free(starts_at=START, ends_at=END, minutes=15, busy=[at(0), at(30)], now=BEFORE) == at(15)
    full = [at(0), at(15), at(30), at(45)]
    assert first_free(starts_at=START, ends_at=END, minutes=15, busy=full, now=BEFORE) is None


def test_a_booking_off_the_grid_still_blocks_the_slots_it_overlaps() -> None:
    assert first_free(starts_at=START, ends_at=END, minutes=15, busy=[at(10)], now=BEFORE) == at(30)


def test_slots_already_started_are_not_offered() -> None:
    assert first_free(starts_at=START, ends_at=END, minutes=15, busy=[], now=at(1)) == at(15)
    assert first_free(starts_at=START, ends_at=END, minutes=15, busy=[], now=END) is None
