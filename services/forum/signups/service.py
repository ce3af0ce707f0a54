"""Signups' use cases: sign up (first come, lottery entry, or waitlist), verify an address,
cancel, and promote the next in line. Each is one unit of work: the seat counters, the signup
row and the events it emits commit together, so a seat is never half-taken."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kit.batching import Entry
from kit.capacity import Tally
from kit.contracts.base import Locale
from kit.contracts.forum import (
    SignupCancelled,
    SignupConfirmed,
    SignupImported,
    SignupPromoted,
    SignupRequested,
    SignupWaitlisted,
)
from kit.db.types import utcnow
from kit.errors import Conflict, NotFound
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWork, UnitOfWorkFactory
from services.forum.links import SignupLinks
from services.forum.models import Event, Signup
from services.forum.seats import EVENT_SEATS
from services.forum.signups import repository
from services.forum.signups.domain.rules import (
    ACTIVE,
    CODE_ALPHABET,
    CODE_LENGTH,
    CONSENT_VERSION,
    COUNTER,
    SEATED,
    SignupStatus,
    attempt,
    status_for,
)


@dataclass(frozen=True)
class Person:
    name: str
    name_kana: str
    email: str
    affiliation: str
    prefecture_code: str | None
    locale: Locale = "ja"
    member_id: UUID | None = None


@dataclass(frozen=True)
class SignupOutcome:
    signup: Signup
    created: bool
    waitlist_position: int | None
    manage_url: str


assert len(CODE_ALPHABET) == 32  # so that a random byte modulo 32 picks a letter uniformly


def checkin_code() -> str:
    # One call for the whole code is cheaper than a `secrets.choice` per letter (a flash crowd
    # makes thousands a second).
    return "".join(CODE_ALPHABET[b % 32] for b in secrets.token_bytes(CODE_LENGTH))


@dataclass(frozen=True)
class SignupRequest:
    person: Person
    verified: bool  # the address is known already (a signed-in member's staff)


async def sign_up_many(*, uow: UnitOfWorkFactory, links: SignupLinks, event_id: UUID,
                       entries: Sequence[Entry[SignupRequest, SignupOutcome]]) -> list[SignupOutcome | BaseException]:
    """Decide signups for one event in one transaction, in order, exactly as one after another:
    each is confirmed, held for verification, entered in the lottery, or waitlisted. The same
    address at the same event gets its existing signup back, never a second seat.

    The seat counters are read once under the event row's lock and written back once; the
    signup rows and their events go in with a statement each for the whole batch. If the
    batch cannot commit (an address signed up by another process a moment ago), each request
    is decided again on its own, so only that one is refused."""
    try:
        async with uow() as tx:
            event = await _open_event(tx.session, event_id)
            now = utcnow()
            drawing = await _drawing(tx.session, event, now)
            emails = {e.item.person.email.strip().lower() for e in entries}
            known = {s.email: s for s in await repository.by_emails(tx.session, event_id, emails)}
            tally = await EVENT_SEATS.tally(tx.session, event_id)
            assert tally is not None
            before = tally.copy()
            batch = _Batch(tx, links, event, now, drawing, known, tally)
            outcomes: list[SignupOutcome | BaseException] = []
            for entry in entries:
                with entry.attached():
                    try:
                        outcomes.append(await batch.decide(entry.item))
                    except (Conflict, NotFound) as refused:
                        outcomes.append(refused)
            await EVENT_SEATS.settle(tx.session, event_id, before, tally)
            await tx.commit()
        return outcomes
    except IntegrityError:  # the same address decided a moment ago by another process: that one stands
        if len(entries) > 1:
            return [outcome for entry in entries
                    for outcome in await sign_up_many(uow=uow, links=links, event_id=event_id, entries=[entry])]
        return [Conflict(ja="同じメールアドレスの申込みを処理中です。もう一度お試しください。",
                         en="A signup with this address is being processed; please try again.")]


@dataclass
class _Batch:
    """What the signups of one batch share: the transaction, the event, the counters and the
    addresses already known (from the database, or decided earlier in the batch)."""

    tx: UnitOfWork
    links: SignupLinks
    event: Event
    now: datetime
    drawing: bool
    known: dict[str, Signup]
    tally: Tally
    positions: dict[str, int | None] = field(default_factory=dict)  # decided in this batch
    org_counts: dict[tuple[UUID | None, str], int] = field(default_factory=dict)

    async def decide(self, request: SignupRequest) -> SignupOutcome:
        event, person, now, session = self.event, request.person, self.now, self.tx.session
        email = person.email.strip().lower()
        existing = self.known.get(email)
        if existing is not None and existing.status in ACTIVE:
            place = (self.positions[email] if email in self.positions
                     else await repository.waitlist_position(session, existing))
            return SignupOutcome(existing, False, place, self.links.manage_url(existing.id))
        if event.per_org_cap is not None and person.affiliation:
            await self._check_org_cap(person)
        if self.drawing:
            raise Conflict(ja="抽選の受付は締め切り、抽選中です。抽選後にもう一度お申し込みください。",
                           en="The lottery has closed and is being drawn; please sign up again after the draw.")
        signup = existing or Signup(id=new_event_id(), event_id=event.id, email=email, checkin_code=checkin_code(),
                                    created_at=now)
        _fill(signup, person, now=now, verified=request.verified)
        try_for = attempt(mode=event.mode, now=now, lottery_closes_at=event.lottery_closes_at,
                          first_come_seats=event.first_come_seats, verified=request.verified,
                          hold=event.hold_hours is not None)
        position: int | None = None
        if try_for.lottery:
            signup.status = SignupStatus.lottery_entered
        else:
            assert try_for.into is not None
            decision = self.tally.take(try_for.into, limit=try_for.limit, waitlist=try_for.limit is None)
            if decision.seated:
                signup.status = status_for(try_for.into)
                if signup.status == SignupStatus.pending_verification:
                    signup.hold_expires_at = now + timedelta(hours=event.hold_hours or 0)
            elif try_for.limit is not None:  # hybrid: the first-come share is gone, the rest is drawn
                signup.status = SignupStatus.lottery_entered
            else:
                signup.status = SignupStatus.waitlisted
                signup.waitlist_ticket, position = decision.waitlist_ticket, decision.waitlist_position
        if existing is None:
            session.add(signup)
            self.known[email] = signup
        self.positions[email] = position
        if event.per_org_cap is not None and person.affiliation:
            org = (person.member_id, person.affiliation)
            self.org_counts[org] = self.org_counts.get(org, 0) + 1
        manage_url = self.links.manage_url(signup.id)
        _announce(self.tx, self.links, event, signup, position, manage_url=manage_url)
        return SignupOutcome(signup, existing is None, position, manage_url)

    async def _check_org_cap(self, person: Person) -> None:
        cap = self.event.per_org_cap
        org = (person.member_id, person.affiliation)
        if org not in self.org_counts:  # counted in the database once, then kept up in the batch
            self.org_counts[org] = await repository.active_for_org(
                self.tx.session, self.event.id, member_id=person.member_id, affiliation=person.affiliation)
        if cap is not None and self.org_counts[org] >= cap:
            raise Conflict(ja=f"1団体あたりの上限（{cap}名）に達しています。",
                           en=f"Your organization has reached its limit of {cap} people.")


async def _drawing(session: AsyncSession, event: Event, now: datetime) -> bool:
    """A lottery that has closed but not been drawn yet: a late signup must not take a seat
    before the entrants are drawn."""
    if event.mode == "first_come" or event.lottery_closes_at is None or now < event.lottery_closes_at:
        return False
    return await repository.lottery_pending(session, event.id)


def _fill(signup: Signup, person: Person, *, now: datetime, verified: bool) -> None:
    signup.name, signup.name_kana, signup.affiliation = person.name, person.name_kana, person.affiliation
    signup.prefecture_code, signup.member_id, signup.locale = person.prefecture_code, person.member_id, person.locale
    signup.consent_version, signup.consent_at, signup.updated_at = CONSENT_VERSION, now, now
    signup.verified_at = now if verified else None
    signup.waitlist_ticket = signup.hold_expires_at = signup.offer_expires_at = signup.cancelled_at = None


async def _open_event(session: AsyncSession, event_id: UUID) -> Event:
    event = await repository.event(session, event_id)
    if event is None or event.status == "draft":
        raise NotFound(ja="イベントが見つかりません。", en="Event not found.")
    if event.status == "cancelled":
        raise Conflict(ja="このイベントは中止になりました。", en="This event was cancelled.")
    if event.starts_at <= utcnow():
        raise Conflict(ja="このイベントの受付は終了しました。", en="Signups for this event have closed.")
    return event


def facts(links: SignupLinks, event: Event, signup: Signup, *, manage_url: str | None = None) -> dict[str, Any]:
    """What every signup event carries (`manage_url` if the caller has signed it already)."""
    return {"signup_id": signup.id, "event_id": event.id, "event_title": event.title, "starts_at": event.starts_at,
            "ends_at": event.ends_at, "email": signup.email, "name": signup.name, "member_id": signup.member_id,
            "locale": signup.locale, "manage_url": manage_url or links.manage_url(signup.id), "online": event.online,
            "venue": event.venue, "sequence": event.sequence}


def imported(signup: Signup, waitlist_position: int | None) -> SignupImported:
    """A signup from before the platform with its dated states: facts for the read models, nobody is told."""
    dated = [at for at in (signup.created_at, signup.cancelled_at, signup.checked_in_at) if at is not None]
    return SignupImported(signup_id=signup.id, event_id=signup.event_id, member_id=signup.member_id,
                          status=signup.status, signed_up_at=signup.created_at, waitlist_position=waitlist_position,
                          cancelled_at=signup.cancelled_at, checked_in_at=signup.checked_in_at, at=max(dated))


def _announce(tx: UnitOfWork, links: SignupLinks, event: Event, signup: Signup, position: int | None, *,
              manage_url: str | None = None) -> None:
    base = facts(links, event, signup, manage_url=manage_url)
    if signup.status == SignupStatus.confirmed:
        tx.emit(SignupConfirmed(**base, checkin_code=signup.checkin_code))
    elif signup.status == SignupStatus.pending_verification:
        tx.emit(SignupRequested(**base, verify_url=links.verify_url(signup.id), hold_expires_at=signup.hold_expires_at))
    elif signup.status == SignupStatus.waitlisted and position is not None:
        tx.emit(SignupWaitlisted(**base, waitlist_position=position))


async def verify(*, uow: UnitOfWorkFactory, links: SignupLinks, token: str) -> Signup:
    """Double opt-in: the held seat becomes a confirmed one (idempotent)."""
    signup_id = links.read_verify(token)
    if signup_id is None:
        raise NotFound(ja="確認リンクが正しくありません。", en="This verification link is not valid.")
    async with uow() as tx:
        signup = await repository.get(tx.session, signup_id)
        if signup is None:
            raise NotFound(ja="申込みが見つかりません。", en="Signup not found.")
        event = await repository.event(tx.session, signup.event_id)
        assert event is not None
        now = utcnow()
        if signup.verified_at is None:
            signup.verified_at = now
        if signup.status == SignupStatus.pending_verification:
            await EVENT_SEATS.move(tx.session, event.id, "held", "confirmed")
            signup.status, signup.hold_expires_at, signup.updated_at = SignupStatus.confirmed, None, now
            tx.emit(SignupConfirmed(**facts(links, event, signup), checkin_code=signup.checkin_code))
        await tx.commit()
    return signup


async def cancel(*, uow: UnitOfWorkFactory, links: SignupLinks, signup_id: UUID, reason: str) -> Signup:
    """Give the seat (or the place in line) back; the next in line is promoted in the same
    transaction. Cancelling twice changes nothing."""
    async with uow() as tx:
        signup = await repository.get(tx.session, signup_id)
        if signup is None:
            raise NotFound(ja="申込みが見つかりません。", en="Signup not found.")
        event = await repository.event(tx.session, signup.event_id)
        assert event is not None
        if signup.status in ACTIVE:
            await release(tx, links, event, signup, reason=reason)
            await promote_next(tx, links, event)
        await tx.commit()
    return signup


async def release(tx: UnitOfWork, links: SignupLinks, event: Event, signup: Signup, *, reason: str) -> None:
    """Cancel one signup inside the caller's transaction, giving back what it held."""
    if signup.status in SEATED:
        await EVENT_SEATS.release(tx.session, event.id, COUNTER[SignupStatus(signup.status)])
    elif signup.status == SignupStatus.waitlisted:
        await EVENT_SEATS.release(tx.session, event.id, "waitlisted")
    now = utcnow()
    signup.status, signup.cancelled_at, signup.updated_at = SignupStatus.cancelled, now, now
    tx.emit(SignupCancelled(**facts(links, event, signup), reason=reason))


async def promote_next(tx: UnitOfWork, links: SignupLinks, event: Event) -> int:
    """Fill free seats from the front of the waitlist: confirmed outright, or offered the seat
    for the event's offer window. Returns how many were promoted."""
    promoted = 0
    postgres = tx.session.get_bind().dialect.name == "postgresql"
    while True:
        candidate = await repository.first_in_line(tx.session, event.id, skip_locked=postgres)
        if candidate is None:
            return promoted
        unverified = candidate.verified_at is None and event.hold_hours is not None
        offer = event.offer_hours is not None or unverified
        if not await EVENT_SEATS.promote(tx.session, event.id, "held" if offer else "confirmed"):
            return promoted
        now = utcnow()
        candidate.updated_at, candidate.waitlist_ticket = now, None
        base = facts(links, event, candidate)
        if offer:
            candidate.status = SignupStatus.offered
            hours = event.offer_hours if event.offer_hours is not None else event.hold_hours or 0
            candidate.offer_expires_at = now + timedelta(hours=hours)
            tx.emit(SignupPromoted(**base, offer_expires_at=candidate.offer_expires_at))
        else:
            candidate.status = SignupStatus.confirmed
            tx.emit(SignupPromoted(**base))
            tx.emit(SignupConfirmed(**base, checkin_code=candidate.checkin_code))
        if candidate.waitlist_group is not None:
            await _settle_group(tx, links, candidate)
        promoted += 1


async def _settle_group(tx: UnitOfWork, links: SignupLinks, won: Signup) -> None:
    """One waitlist entry covered several dates: the first date that freed up wins, and the
    person leaves the other dates' lines."""
    for other in await repository.group_waiting(tx.session, won.waitlist_group, besides=won.id):
        event = await repository.event(tx.session, other.event_id)
        assert event is not None
        await release(tx, links, event, other, reason="another date of the series freed up first")


async def wait_for_any(*, uow: UnitOfWorkFactory, links: SignupLinks, series_id: UUID, event_ids: list[UUID],
                       person: Person, verified: bool) -> list[SignupOutcome]:
    """One waitlist entry for several dates of a café series: the person joins every chosen
    date's line under one group, then each date's free seats (if any) go to the front of its line
    at once, so a date with a seat to spare is simply taken; the first date that frees up wins and
    the other lines are left (`_settle_group`)."""
    email = person.email.strip().lower()
    async with uow() as tx:
        events = [await _open_event(tx.session, event_id) for event_id in dict.fromkeys(event_ids)]
        if any(e.series_id != series_id for e in events):
            raise NotFound(ja="このシリーズの開催日ではありません。", en="Not a date of this series.")
        mine = {e.id: await repository.by_email(tx.session, e.id, email) for e in events}
        if any(s is not None and s.status in SEATED for s in mine.values()):
            raise Conflict(ja="選んだ日程のいずれかに、すでにお席があります。",
                           en="You already have a seat on one of these dates.")
        now, group = utcnow(), new_event_id()
        outcomes: list[SignupOutcome] = []
        for event in events:
            found = mine[event.id]
            if found is not None and found.status in ACTIVE:
                continue  # already in this date's line (or its lottery): that place is kept as it is
            signup = found or Signup(id=new_event_id(), event_id=event.id, email=email, checkin_code=checkin_code(),
                                     created_at=now)
            _fill(signup, person, now=now, verified=verified)
            decision = await EVENT_SEATS.enqueue(tx.session, event.id)
            signup.status, signup.waitlist_group = SignupStatus.waitlisted, group
            signup.waitlist_ticket = decision.waitlist_ticket
            if found is None:
                tx.session.add(signup)
            _announce(tx, links, event, signup, decision.waitlist_position)
            outcomes.append(SignupOutcome(signup, found is None, decision.waitlist_position,
                                          links.manage_url(signup.id)))
        for event in events:
            await promote_next(tx, links, event)
        await tx.commit()
    return outcomes


async def accept_offer(*, uow: UnitOfWorkFactory, links: SignupLinks, signup_id: UUID) -> Signup:
    """A promoted person takes the seat offered (which also verifies their address)."""
    async with uow() as tx:
        signup = await repository.get(tx.session, signup_id)
        if signup is None:
            raise NotFound(ja="申込みが見つかりません。", en="Signup not found.")
        if signup.status != SignupStatus.offered:
            raise Conflict(ja="受け付けられるお席の案内はありません。", en="There is no seat on offer to accept.")
        event = await repository.event(tx.session, signup.event_id)
        assert event is not None
        now = utcnow()
        await EVENT_SEATS.move(tx.session, event.id, "held", "confirmed")
        signup.status, signup.offer_expires_at, signup.updated_at = SignupStatus.confirmed, None, now
        signup.verified_at = signup.verified_at or now
        tx.emit(SignupConfirmed(**facts(links, event, signup), checkin_code=signup.checkin_code))
        await tx.commit()
    return signup


async def manage_view(*, uow: UnitOfWorkFactory, links: SignupLinks, token: str) -> tuple[Signup, Event, int | None]:
    signup_id = links.read_manage(token)
    if signup_id is None:
        raise NotFound(ja="リンクが正しくありません。", en="This link is not valid.")
    async with uow.read() as session:
        signup = await repository.get(session, signup_id)
        if signup is None:
            raise NotFound(ja="申込みが見つかりません。", en="Signup not found.")
        event = await repository.event(session, signup.event_id)
        assert event is not None
        return signup, event, await repository.waitlist_position(session, signup)


def signup_from_token(links: SignupLinks, token: str) -> UUID:
    signup_id = links.read_manage(token)
    if signup_id is None:
        raise NotFound(ja="リンクが正しくありません。", en="This link is not valid.")
    return signup_id


async def update_details(*, uow: UnitOfWorkFactory, signup_id: UUID, name: str, name_kana: str,
                         affiliation: str) -> Signup:
    """Change the name, its reading and the affiliation of an active signup (seats are untouched,
    so nothing is emitted)."""
    async with uow() as tx:
        signup = await repository.get(tx.session, signup_id)
        if signup is None:
            raise NotFound(ja="申込みが見つかりません。", en="Signup not found.")
        if signup.status not in ACTIVE:
            raise Conflict(ja="キャンセル済みのお申込みは変更できません。", en="A cancelled signup cannot be changed.")
        signup.name, signup.name_kana, signup.affiliation = name, name_kana, affiliation
        signup.updated_at = utcnow()
        await tx.commit()
    return signup
