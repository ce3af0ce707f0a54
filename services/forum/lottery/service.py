"""The lottery's use cases: commit a seed when a lottery opens, draw when it closes (once, on
any number of replicas), and show the audit record.

The seed is kept in the `seed` column from the start, but nothing shows it before the draw:
only its hash is published."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.forum import LotteryDrawn, SignupConfirmed, SignupRequested, SignupWaitlisted
from kit.db.types import utcnow
from kit.errors import Conflict, NotFound
from kit.messaging.unit_of_work import UnitOfWork, UnitOfWorkFactory
from kit.web.auth import Principal
from services.forum.links import SignupLinks
from services.forum.lottery import repository
from services.forum.lottery.domain import draw as algorithm
from services.forum.lottery.schemas import LotteryRead
from services.forum.models import Event, Lottery
from services.forum.seats import EVENT_SEATS
from services.forum.signups.domain.rules import SignupStatus, attempt, status_for
from services.forum.signups.service import facts

LOTTERY_MODES = ("lottery", "hybrid")


async def commit_seed(session: AsyncSession, event: Event) -> None:
    """Choose the seed and publish its hash (call when a lottery or hybrid event is created,
    in the same transaction). Committing twice keeps the first seed."""
    if await repository.lottery(session, event.id) is not None:
        return
    seed = secrets.token_hex(32)
    session.add(Lottery(event_id=event.id, seed=seed, seed_hash=algorithm.seed_hash(seed),
                        algorithm=algorithm.ALGORITHM, committed_at=utcnow(), drawn_at=None, entrants=None,
                        winners=None))


async def draw(tx: UnitOfWork, links: SignupLinks, event_id: UUID) -> None:
    """Draw, inside the caller's unit of work (the caller commits). A drawn lottery is not
    drawn again; a cancelled event is not drawn. Winners get the free seats, as a first-come
    signup would (confirmed, or held until their address is verified); the rest join the
    waitlist in drawn order."""
    lottery = await repository.lottery(tx.session, event_id, lock=True)
    if lottery is None:
        raise Conflict(ja="この催しには抽選のシード値が登録されていません。",
                       en="This event has no committed lottery seed.")
    if lottery.drawn_at is not None:
        return
    event = await repository.event(tx.session, event_id, lock=True)
    if event is None or event.status == "cancelled":
        return
    assert lottery.seed is not None
    entrants = await repository.entrants(tx.session, event_id)
    free = event.capacity - event.reserved - event.confirmed - event.held
    by_id = {str(s.id): s for s in entrants}
    winners, rest = algorithm.draw(lottery.seed, by_id, free)
    now = utcnow()
    seated: list[str] = []
    for entrant_id in [*winners, *rest]:
        signup = by_id[entrant_id]
        verified = signup.verified_at is not None
        into = attempt(mode="first_come", now=now, lottery_closes_at=None, first_come_seats=None,
                       verified=verified, hold=event.hold_hours is not None).into
        assert into is not None
        # A winner's seat is free (the event row is locked); a loser only queues. If a seat
        # was somehow gone, the winner queues rather than overbooking.
        decision = (await EVENT_SEATS.take(tx.session, event.id, into) if entrant_id in winners
                    else await EVENT_SEATS.enqueue(tx.session, event.id))
        signup.updated_at = now
        base = facts(links, event, signup)
        if decision.seated:
            seated.append(entrant_id)
            signup.status = status_for(into)
            if signup.status == SignupStatus.pending_verification:
                signup.hold_expires_at = now + timedelta(hours=event.hold_hours or 0)
                tx.emit(SignupRequested(**base, verify_url=links.verify_url(signup.id),
                                        hold_expires_at=signup.hold_expires_at))
            else:
                tx.emit(SignupConfirmed(**base, checkin_code=signup.checkin_code, drawn=True))
        else:
            assert decision.waitlist_position is not None
            signup.status, signup.waitlist_ticket = SignupStatus.waitlisted, decision.waitlist_ticket
            tx.emit(SignupWaitlisted(**base, waitlist_position=decision.waitlist_position, drawn=True))
    lottery.drawn_at = now
    lottery.entrants = json.dumps(list(by_id))
    lottery.winners = json.dumps(seated)
    tx.emit(LotteryDrawn(event_id=event.id, seed=lottery.seed, seed_hash=lottery.seed_hash, entrants=len(by_id),
                         winners=len(seated), at=now))


async def audit(*, uow: UnitOfWorkFactory, event_id: UUID, viewer: Principal | None) -> tuple[LotteryRead, Event]:
    """The public audit record (a draft event's only for operators)."""
    async with uow.read() as session:
        event = await repository.event(session, event_id)
        lottery = await repository.lottery(session, event_id)
    if event is None or lottery is None or (event.status == "draft" and not (viewer and viewer.is_operator)):
        raise NotFound(ja="抽選が見つかりません。", en="Lottery not found.")
    return LotteryRead.of(lottery, event), event


async def draw_now(*, uow: UnitOfWorkFactory, links: SignupLinks, actor: Principal, event_id: UUID,
                   force: bool) -> LotteryRead:
    """An operator draws without waiting for the scheduler. Before the closing time only with
    `force`, which closes the lottery now, so nobody enters a lottery already drawn."""
    actor.require_operator()
    async with uow() as tx:
        event = await repository.event(tx.session, event_id)
        if event is None or event.mode not in LOTTERY_MODES:
            raise NotFound(ja="抽選が見つかりません。", en="Lottery not found.")
        if event.status == "cancelled":
            raise Conflict(ja="中止したイベントの抽選はできません。", en="A cancelled event is not drawn.")
        now = utcnow()
        if event.lottery_closes_at is not None and now < event.lottery_closes_at:
            if not force:
                raise Conflict(ja="抽選の締切前です。早めに締め切る場合は force を指定してください。",
                               en="The lottery has not closed yet; send force to close it now.",
                               closes_at=event.lottery_closes_at.isoformat())
            event.lottery_closes_at, event.updated_at = now, now
        await draw(tx, links, event_id)
        await tx.commit()
    record, _ = await audit(uow=uow, event_id=event_id, viewer=actor)
    return record
