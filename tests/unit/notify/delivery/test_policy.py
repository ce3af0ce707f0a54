"""What happens to one email before it is sent: suppression, preferences, quiet hours (JST,
across midnight), and the digest clock. Pure: no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.notify.delivery.domain.keys import address_hash, delivery_key, message_id
from services.notify.delivery.domain.policy import JST, QuietHours, next_digest_at, plan_email
from services.notify.domain.kinds import DeliveryState

NIGHT = QuietHours.parse("21:00", "08:00")


def jst(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=JST).astimezone(UTC)


@pytest.mark.parametrize(("now", "until"), [
    (jst(21, 0), jst(8, 0, day=2)),   # the window opens
    (jst(23, 30), jst(8, 0, day=2)),  # before midnight: ends tomorrow morning
    (jst(2, 15), jst(8, 0)),          # after midnight: ends this morning
    (jst(7, 59), jst(8, 0)),
    (jst(8, 0), None),                # the window has closed
    (jst(12, 0), None),
    (jst(20, 59), None),
])
def test_quiet_hours_wrap_midnight_in_jst(now: datetime, until: datetime | None) -> None:
    assert NIGHT.ends_after(now) == until


def test_a_daytime_window_does_not_wrap() -> None:
    lunch = QuietHours.parse("12:00", "13:00")
    assert lunch.ends_after(jst(12, 30)) == jst(13, 0)
    assert lunch.ends_after(jst(13, 0)) is None and lunch.ends_after(jst(23, 0)) is None


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)))
def test_a_deferral_always_ends_within_the_window_length_and_outside_it(now: datetime) -> None:
    until = NIGHT.ends_after(now)
    if until is not None:
        assert now < until <= now + timedelta(hours=11)
        assert NIGHT.ends_after(until) is None


def plan(now: datetime, **flags: bool):  # type: ignore[no-untyped-def]
    values = {"critical": False, "urgent": False, "wanted": True, "suppressed": False} | flags
    return plan_email(now=now, quiet=NIGHT, **values)


def test_quiet_hours_defer_ordinary_mail_to_the_end_of_the_window_never_drop_it() -> None:
    night = plan(jst(23))
    assert night.state == DeliveryState.deferred and night.send_at == jst(8, day=2) and night.reason == "quiet hours"
    assert plan(jst(12)).state == DeliveryState.queued


def test_critical_and_urgent_mail_ignore_quiet_hours() -> None:
    assert plan(jst(23), critical=True).state == DeliveryState.queued
    assert plan(jst(23), urgent=True).state == DeliveryState.queued


def test_preferences_turn_off_only_non_critical_mail() -> None:
    assert plan(jst(12), wanted=False).state == DeliveryState.suppressed
    assert plan(jst(12), wanted=False, critical=True).state == DeliveryState.queued


def test_a_suppressed_address_gets_nothing_not_even_critical_mail() -> None:
    decided = plan(jst(12), suppressed=True, critical=True)
    assert decided.state == DeliveryState.suppressed and "bounce" in (decided.reason or "")


def test_no_quiet_hours_when_the_person_turned_them_off() -> None:
    assert plan_email(now=jst(23), critical=False, urgent=False, wanted=True, suppressed=False,
                      quiet=None).state == DeliveryState.queued


def test_the_digest_goes_at_the_next_jst_time() -> None:
    assert next_digest_at(jst(7, 0), "09:00") == jst(9, 0)
    assert next_digest_at(jst(9, 0), "09:00") == jst(9, 0, day=2)
    assert next_digest_at(jst(18, 0), "09:00") == jst(9, 0, day=2)


def test_keys_are_stable_and_case_blind() -> None:
    assert delivery_key("e1", " A@Example.JP ", "email", "login_link") == "e1:a@example.jp:email:login_link"
    assert address_hash("A@example.jp") == address_hash("a@example.jp ") and len(address_hash("x")) == 64
    assert message_id(UUID(int=1)) == "<00000000-0000-0000-0000-000000000001@kakawari-lab.example.jp>"
