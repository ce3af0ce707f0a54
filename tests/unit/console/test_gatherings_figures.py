"""The gatherings dashboard's figures, pure: a known week of a forum, a café and an online forum
counted by hand at several days; and for any facts, nothing dated after the day counts and every
figure equals a plain recount."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from kit.jst import JST
from services.console.domain.as_of import cutoff
from services.console.domain.days import day_of, window
from services.console.gatherings.domain.figures import Figures, Gathering, SignupFact, figures


def jst(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=JST).astimezone(UTC)


D1, D2, D3, D4 = date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7), date(2026, 10, 8)  # Monday 5 October
FORUM, CAFE, ONLINE = UUID(int=1), UUID(int=2), UUID(int=3)


def gathering(id: UUID, kind: str, starts: datetime, *, capacity: int = 10, online: bool = False,
              published: datetime, cancelled: datetime | None = None) -> Gathering:
    return Gathering(id=id, kind=kind, title=f"{kind}-{id.int}", starts_at=starts, ends_at=starts + timedelta(hours=3),
                     capacity=capacity, online=online, venue=None if online else "高山市民文化会館",
                     published_at=published, cancelled_at=cancelled)


GATHERINGS = [
    gathering(FORUM, "block_forum", jst(D3, 13), capacity=4, published=jst(D1, 9)),  # ends D3 16:00 JST
    gathering(CAFE, "cafe", jst(D4 + timedelta(days=7), 19), capacity=5, published=jst(D2, 9)),
    gathering(ONLINE, "national_forum", jst(D3, 9), capacity=100, online=True, published=jst(D1, 10)),
]
_seq = iter(range(1, 10_000))


def fact(signup: int, event: UUID, status: str, at: datetime) -> SignupFact:
    return SignupFact(signup_id=UUID(int=100 + signup), event_id=event, status=status, at=at, seq=next(_seq))


FACTS = [
    # the forum: 1 confirmed and checked in; 2 requested then confirmed, no show; 3 waitlisted, offered,
    # confirmed; 4 confirmed then cancelled; 5 waitlisted; 6 imported a day before publication (first fact D1 8:00)
    fact(1, FORUM, "confirmed", jst(D1, 10)), fact(1, FORUM, "checked_in", jst(D3, 13, 5)),
    fact(2, FORUM, "requested", jst(D1, 11)), fact(2, FORUM, "confirmed", jst(D2, 8)),
    fact(3, FORUM, "waitlisted", jst(D1, 12)), fact(3, FORUM, "offered", jst(D2, 9)),
    fact(3, FORUM, "confirmed", jst(D2, 23, 59)),
    fact(4, FORUM, "confirmed", jst(D1, 13)), fact(4, FORUM, "cancelled", jst(D2, 9)),
    fact(5, FORUM, "waitlisted", jst(D2, 10)),
    fact(6, FORUM, "confirmed", jst(D1, 8)), fact(6, FORUM, "checked_in", jst(D3, 13, 30)),
    # the online forum: two confirmed, no check-in
    fact(7, ONLINE, "confirmed", jst(D2, 12)), fact(8, ONLINE, "confirmed", jst(D2, 13)),
    # the café: one requested on D3, one confirmed on D4 after the end of D3
    fact(9, CAFE, "requested", jst(D3, 20)), fact(10, CAFE, "confirmed", jst(D4, 0, 0)),
]


def at(day: date, days: int = 7) -> Figures:
    return figures(gatherings=GATHERINGS, facts=FACTS, as_of=day, cutoff=cutoff(day), days=days)


def test_before_anything_was_published_there_is_nothing() -> None:
    found = at(D1 - timedelta(days=1))
    assert found.upcoming == [] and found.attendance == [] and found.new_signups == 0


def test_the_first_day_seats_held_seats_and_the_waitlist() -> None:
    found = at(D1)
    assert [s.gathering.id for s in found.upcoming] == [ONLINE, FORUM]  # the café is published on D2
    forum = found.upcoming[1]
    assert (forum.confirmed, forum.held, forum.waitlisted) == (3, 1, 1)  # 1, 4, 6 confirmed; 2 requested; 3 waits
    assert forum.fill_rate == 1.0
    assert [(d.day, d.signups) for d in found.signups_by_day][-1] == (D1, 5)  # 5 signs up on D2


def test_the_second_day_cancellations_offers_and_promotions() -> None:
    found = at(D2)
    assert [s.gathering.id for s in found.upcoming] == [ONLINE, FORUM, CAFE]
    online, forum, cafe = found.upcoming
    assert (forum.confirmed, forum.held, forum.waitlisted) == (4, 0, 1)  # 1, 2, 3 (at 23:59), 6; 4 cancelled; 5 waits
    assert (online.confirmed, online.held, online.waitlisted, online.fill_rate) == (2, 0, 0, 0.02)
    assert (cafe.confirmed, cafe.held, cafe.waitlisted, cafe.fill_rate) == (0, 0, 0, 0.0)
    assert {k.kind: (k.gatherings, k.capacity, k.confirmed) for k in found.by_kind} == {
        "block_forum": (1, 4, 4), "cafe": (1, 5, 0), "national_forum": (1, 100, 2)}
    assert [d.signups for d in found.signups_by_day][-2:] == [5, 3]  # 5, 7, 8 are new on D2
    assert found.attendance == []


def test_after_the_forum_attendance_counts_check_ins_and_no_shows_but_not_online() -> None:
    found = at(D3)
    assert [s.gathering.id for s in found.upcoming] == [CAFE]
    assert found.upcoming[0].held == 1  # 9 requested on D3; 10 is D4's
    forum, online = sorted(found.attendance, key=lambda a: a.gathering.kind)
    assert (forum.confirmed, forum.checked_in, forum.no_shows, forum.attendance_rate) == (4, 2, 2, 0.5)
    assert (online.confirmed, online.checked_in, online.no_shows, online.attendance_rate) == (2, None, None, None)
    totals = found.attendance_totals
    assert (totals.in_person, totals.online, totals.confirmed, totals.checked_in, totals.no_shows,
            totals.attendance_rate) == (1, 1, 4, 2, 2, 0.5)
    # Saturday 3 October is in the window too: the weeks are clipped to it
    assert [(w.week.week, w.week.starts_on, w.week.ends_on, w.signups) for w in found.signups_by_week] == [
        (date(2026, 9, 28), date(2026, 10, 1), date(2026, 10, 4), 0), (D1, D1, D3, 9)]
    assert found.new_signups == 9


def test_the_day_after_the_midnight_fact_counts() -> None:
    cafe = at(D4).upcoming[0]
    assert (cafe.confirmed, cafe.held) == (1, 1)
    assert at(D4).signups_by_day[-1].signups == 1


def test_a_cancelled_gathering_is_neither_upcoming_nor_attended() -> None:
    cancelled = [g if g.id != CAFE else gathering(CAFE, "cafe", g.starts_at, capacity=5, published=g.published_at,
                                                   cancelled=jst(D3, 10)) for g in GATHERINGS]
    assert [s.gathering.id for s in figures(gatherings=cancelled, facts=FACTS, as_of=D2, cutoff=cutoff(D2),
                                            days=7).upcoming] == [ONLINE, FORUM, CAFE]  # not yet cancelled on D2
    month = D4 + timedelta(days=30)
    later = figures(gatherings=cancelled, facts=FACTS, as_of=month, cutoff=cutoff(month), days=7)
    assert later.upcoming == [] and CAFE not in {a.gathering.id for a in later.attendance}


def test_an_imported_signup_in_forums_own_words_holds_a_seat() -> None:
    facts = [fact(1, FORUM, "pending_verification", jst(D1, 10)), fact(2, FORUM, "lottery_entered", jst(D1, 10))]
    seats = figures(gatherings=GATHERINGS, facts=facts, as_of=D1, cutoff=cutoff(D1), days=1).upcoming[1]
    assert (seats.confirmed, seats.held, seats.waitlisted) == (0, 1, 0)


def test_no_capacity_has_no_fill_rate() -> None:
    g = gathering(uuid4(), "cafe", jst(D4), capacity=0, published=jst(D1))
    assert figures(gatherings=[g], facts=[], as_of=D1, cutoff=cutoff(D1), days=1).upcoming[0].fill_rate is None


# -- any facts ------------------------------------------------------------------------------------------
BASE = datetime(2026, 10, 1, tzinfo=UTC)
STATUSES = ("requested", "confirmed", "waitlisted", "offered", "cancelled", "checked_in")
moments = st.integers(0, 20 * 24 * 4).map(lambda quarter: BASE + timedelta(minutes=15 * quarter))
events = st.sampled_from([UUID(int=n) for n in range(1, 5)])


@st.composite
def gatherings_(draw: st.DrawFn) -> list[Gathering]:
    found = []
    for n in range(1, 5):
        published, starts = draw(moments), draw(moments)
        found.append(Gathering(
            id=UUID(int=n), kind=draw(st.sampled_from(["block_forum", "national_forum", "cafe"])), title=str(n),
            starts_at=starts, ends_at=starts + timedelta(hours=draw(st.integers(1, 30))),
            capacity=draw(st.integers(0, 6)), online=draw(st.booleans()), venue=None, published_at=published,
            cancelled_at=draw(st.none() | moments)))
    return found


@st.composite
def facts_(draw: st.DrawFn) -> list[SignupFact]:
    found = []
    for seq, (signup, status, when) in enumerate(draw(st.lists(
            st.tuples(st.integers(0, 12), st.sampled_from(STATUSES), moments), max_size=60))):
        found.append(SignupFact(signup_id=UUID(int=1000 + signup), event_id=UUID(int=1 + signup % 4), status=status,
                                at=when, seq=seq))
    return found


def recount(gatherings: list[Gathering], facts: list[SignupFact], day: date, days: int) -> dict[str, object]:
    """The figures counted the plain way, one signup at a time."""
    end = cutoff(day)
    seen = [f for f in facts if f.at < end]
    by_signup: dict[UUID, list[SignupFact]] = {}
    for f in seen:
        by_signup.setdefault(f.signup_id, []).append(f)
    state = {s: sorted(fs, key=lambda f: (f.at, f.seq))[-1] for s, fs in by_signup.items()}
    came = {s for s, fs in by_signup.items() if any(f.status == "checked_in" for f in fs)}
    live = [g for g in gatherings if g.published_at < end and (g.cancelled_at is None or g.cancelled_at >= end)]

    def of(g: Gathering, statuses: set[str]) -> int:
        return sum(1 for f in state.values() if f.event_id == g.id and f.status in statuses)

    upcoming = sorted((g.starts_at, g.id, of(g, {"confirmed", "checked_in"}), of(g, {"requested", "offered"}),
                       of(g, {"waitlisted"})) for g in live if g.starts_at >= end)
    attended = sorted((g.starts_at, g.id, sum(1 for s, f in state.items() if f.event_id == g.id and (
        f.status in ("confirmed", "checked_in") or s in came)),
        None if g.online else sum(1 for s in came if state[s].event_id == g.id)) for g in live if g.ends_at < end)
    made = [min(f.at for f in fs) for fs in by_signup.values()]
    per_day = [sum(1 for m in made if day_of(m) == d) for d in window(day, days)]
    return {"upcoming": upcoming, "attendance": attended, "per_day": per_day}


def shown(found: Figures) -> dict[str, object]:
    return {"upcoming": [(s.gathering.starts_at, s.gathering.id, s.confirmed, s.held, s.waitlisted)
                         for s in found.upcoming],
            "attendance": sorted((a.gathering.starts_at, a.gathering.id, a.confirmed, a.checked_in)
                                 for a in found.attendance),
            "per_day": [d.signups for d in found.signups_by_day]}


@settings(max_examples=300, deadline=None)
@given(gatherings_(), facts_(), st.integers(-1, 21), st.integers(1, 15))
def test_any_facts_count_as_a_plain_recount_and_nothing_after_the_day(
        gatherings: list[Gathering], facts: list[SignupFact], offset: int, days: int) -> None:
    day = date(2026, 10, 1) + timedelta(days=offset)
    found = figures(gatherings=gatherings, facts=facts, as_of=day, cutoff=cutoff(day), days=days)
    assert shown(found) == recount(gatherings, facts, day, days)
    before = [f for f in facts if f.at < cutoff(day)]
    assert found == figures(gatherings=gatherings, facts=before, as_of=day, cutoff=cutoff(day), days=days)
    assert found.new_signups == sum(w.signups for w in found.signups_by_week)
    for s in found.upcoming:
        assert s.fill_rate == (round((s.confirmed + s.held) / s.gathering.capacity, 4)
                               if s.gathering.capacity else None)
    for a in found.attendance:
        assert a.no_shows is None if a.gathering.online else a.no_shows == a.confirmed - (a.checked_in or 0) >= 0
