"""notify's preference rules without a database: times of day, the quiet window, the
category × channel matrix and its defaults, partial changes, and what is always sent."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kit.errors import Forbidden, ValidationFailed
from services.notify.domain.kinds import PERSON_CHANNELS, SETTABLE_CATEGORIES, Category, Channel
from services.notify.messages.catalog import MESSAGES
from services.notify.preferences.domain.always_sent import LABELS, always_sent
from services.notify.preferences.domain.changes import Requested, Settings, decide
from services.notify.preferences.domain.clock import QuietWindow, parse_hhmm, window_problem
from services.notify.preferences.domain.matrix import defaults, matrix, wanted, with_switches


@pytest.mark.parametrize(("raw", "expected"), [
    ("00:00", "00:00"), ("23:59", "23:59"), ("9:05", "09:05"), (" 21:00 ", "21:00"), ("２１：３０", "21:30"),
])
def test_times_of_day_are_normalised(raw: str, expected: str) -> None:
    assert parse_hhmm(raw) == expected


@pytest.mark.parametrize("raw", ["24:00", "12:60", "1200", "12:5", "ab:cd", "", "12:00:00", "-1:00", None, 2100])
def test_anything_else_is_not_a_time(raw: object) -> None:
    assert parse_hhmm(raw) is None


def test_the_quiet_window_may_wrap_midnight_but_not_be_empty() -> None:
    night = QuietWindow("21:00", "08:00")
    assert night.wraps_midnight and night.minutes == 11 * 60
    assert night.contains("23:30") and night.contains("00:00") and night.contains("21:00")
    assert not night.contains("08:00") and not night.contains("12:00")
    lunch = QuietWindow("12:00", "13:00")
    assert not lunch.wraps_midnight and lunch.minutes == 60 and lunch.contains("12:30")
    assert window_problem("21:00", "08:00", "quiet_hours.end") is None
    problem = window_problem("08:00", "08:00", "quiet_hours.end")
    assert problem is not None and problem.field == "quiet_hours.end" and problem.ja and problem.en


def test_every_switch_is_on_unless_a_row_turns_it_off() -> None:
    everything = defaults()
    assert set(everything) == set(SETTABLE_CATEGORIES) and Category.account not in everything
    assert all(set(channels) == set(PERSON_CHANNELS) and all(channels.values()) for channels in everything.values())
    found = matrix([("events", "email", False), ("events", "inbox", True), ("account", "email", False),
                    ("events", "webhook", False), ("nonsense", "email", False)])
    assert found[Category.events] == {Channel.email: False, Channel.inbox: True}
    assert found[Category.membership] == {Channel.email: True, Channel.inbox: True}
    assert not wanted(found, "events", "email") and wanted(found, "events", "inbox")
    assert wanted(found, "account", "email")  # nobody can switch off what is always sent
    changed = with_switches(found, {(Category.events, Channel.email): True})
    assert changed[Category.events][Channel.email] and not found[Category.events][Channel.email]


def test_a_partial_change_touches_only_what_it_names() -> None:
    change = decide(Requested(switches={"events": {"email": False}}, quiet_end="７:00"), Settings(), operator=False)
    assert change.switches == {(Category.events, Channel.email): False}
    assert change.touched == {"quiet_end"}
    assert change.settings == Settings(quiet_end="07:00")
    nothing = decide(Requested(), Settings(locale="en"), operator=False)
    assert nothing.touched == frozenset() and nothing.switches == {} and nothing.settings.locale == "en"


def test_locale_and_digest_can_be_cleared() -> None:
    current = Settings(locale="en", digest_at="09:00")
    change = decide(Requested(set_locale=True, locale=None, set_digest=True, digest_at=None), current, operator=True)
    assert change.settings.locale is None and change.settings.digest_at is None
    assert change.touched == {"locale", "digest_at"}
    # Clearing a digest is harmless, so anyone may; setting one is the operators'.
    assert decide(Requested(set_digest=True, digest_at=None), current, operator=False).settings.digest_at is None
    assert decide(Requested(set_digest=True, digest_at="6:30"), Settings(), operator=True).settings.digest_at == "06:30"


def test_only_operators_set_a_digest_time() -> None:
    with pytest.raises(Forbidden):
        decide(Requested(set_digest=True, digest_at="09:00"), Settings(), operator=False)


def test_every_bad_field_is_reported_at_once_in_both_languages() -> None:
    requested = Requested(switches={"account": {"email": False}, "gossip": {"email": False},
                                    "events": {"fax": False, "email": "yes"}},
                          quiet_start="25:00", locale="fr", set_locale=True, digest_at="noon", set_digest=True)
    with pytest.raises(ValidationFailed) as caught:
        decide(requested, Settings(), operator=True)
    problems = {p.field: p for p in caught.value.problems}
    assert set(problems) == {"preferences.account", "preferences.gossip", "preferences.events.fax",
                             "preferences.events.email", "quiet_hours.start", "locale", "digest_at"}
    assert problems["preferences.account"].code == "always_sent"
    assert problems["quiet_hours.start"].code == "time_format"
    assert all(p.ja and p.en and p.ja != p.en for p in problems.values())
    assert caught.value.status == 422


def test_an_empty_quiet_window_is_refused_against_the_stored_other_end() -> None:
    with pytest.raises(ValidationFailed) as caught:
        decide(Requested(quiet_start="08:00"), Settings(), operator=False)  # the stored end is 08:00
    assert [(p.field, p.code) for p in caught.value.problems] == [("quiet_hours.start", "quiet_window_empty")]
    with pytest.raises(ValidationFailed) as both:
        decide(Requested(quiet_start="10:00", quiet_end="10:00"), Settings(), operator=False)
    assert [p.field for p in both.value.problems] == ["quiet_hours.end"]
    # Moving both ends at once is judged on the new pair, not the stored one.
    assert decide(Requested(quiet_start="08:00", quiet_end="09:00"), Settings(), operator=False).settings == Settings(
        quiet_start="08:00", quiet_end="09:00")


@dataclass(frozen=True)
class Kind:
    name: str
    category: str
    critical: bool = False


def test_critical_messages_are_listed_as_always_sent() -> None:
    listed = always_sent([Kind("login_link", "account", True), Kind("member_approved", "membership"),
                          Kind("new_thing", "account", True)])
    assert [a.type for a in listed] == ["login_link", "new_thing"]
    assert "new_thing" in listed[1].en and listed[0].ja != listed[0].en


def test_every_critical_message_in_the_catalog_has_its_own_label() -> None:
    critical = [m.name for m in MESSAGES.values() if m.critical]
    assert critical, "the catalog lists no critical messages"
    assert set(critical) <= set(LABELS)
    assert {a.type for a in always_sent(MESSAGES.values())} == set(critical)
