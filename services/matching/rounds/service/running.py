"""The run: the round's rankings become an instance, allocated in its mode; the placements, the
quality report and the revealed seed are written, and the events emitted, in one transaction.

- A program's seats in the round are its free seats at the run (capacity less the seats taken,
  reserved ones included: those are kept back from first come, for rounds), counted under the
  row's lock with the kit's one capacity rule (`Seats.tally`, then `settle`). A program no longer
  published has none.
- A person already holding a place in a program does not compete for it again.
- Each placement is an accepted application (created, or a waitlisted or withdrawn one turned
  accepted) announced with `matching.application.accepted.v1`; then `matching.round.completed.v1`.
- A round that has run is never run again: the round's row is locked and its status checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from kit.capacity import Tally
from kit.contracts.base import DEFAULT_LOCALE
from kit.contracts.matching import ApplicationAccepted, RoundCompleted, RoundUnplaced
from kit.db.types import utcnow
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWork, UnitOfWorkFactory
from kit.web.auth import Principal
from kit.web.locale import as_locale
from services.matching.applications.domain.rules import ApplicationStatus
from services.matching.models import Application, Helper, Program, Round, RoundPlacement, RoundProgram
from services.matching.programs import repository as programs
from services.matching.programs.domain.rules import ProgramStatus
from services.matching.programs.seats import PROGRAM_SEATS
from services.matching.programs.service import program_url
from services.matching.rounds import repository
from services.matching.rounds.domain.from_rankings import ProgramSlot, instance_from_rankings
from services.matching.rounds.domain.instance import Instance, Window
from services.matching.rounds.domain.outcome import Outcome, allocate
from services.matching.rounds.domain.rules import RankingMethod, RoundMode, RoundStatus
from services.matching.rounds.domain.scores import ranked_by_score
from services.matching.rounds.schemas import RoundRead
from services.matching.rounds.service.views import applicant, needs, not_found, read, round_url


async def run(*, uow: UnitOfWorkFactory, actor: Principal, round_id: UUID, base_url: str) -> RoundRead:
    """Operators only. Running a round that has run answers its record and changes nothing."""
    actor.require_operator()
    async with uow() as tx:
        rnd = await repository.get(tx.session, round_id, lock=True)
        if rnd is None:
            raise not_found()
        if rnd.status != RoundStatus.done:
            await _allocate(tx, rnd, actor, base_url)
        entries = await repository.programs(tx.session, round_id)
        counts = await repository.wish_counts(tx.session, [round_id])
        answer = read(rnd, entries, counts.get(round_id, 0), base_url, actor)
        await tx.commit()
    return answer


async def _allocate(tx: UnitOfWork, rnd: Round, actor: Principal, base_url: str) -> None:
    session = tx.session
    entries = await repository.programs(session, rnd.id)
    tallies: dict[UUID, Tally] = {}
    for _, program in entries:  # locks each program's counters until the commit
        tally = await PROGRAM_SEATS.tally(session, program.id)
        assert tally is not None
        tallies[program.id] = tally
    before = {program_id: tally.copy() for program_id, tally in tallies.items()}
    listed = await repository.wishes(session, rnd.id)
    people = {h.id: h for _, h in listed}
    held = await repository.applications(session, [p.id for _, p in entries])
    wishes = {str(w.helper_id): [p for p in w.program_ids if not _has_place(held.get((w.helper_id, UUID(p))))]
              for w, _ in listed}
    instance = await _instance(session, rnd, entries, wishes, people, tallies)
    outcome = allocate(instance, RoundMode(rnd.mode), max_programs=rnd.max_programs)
    now = utcnow()
    by_id = {program.id: program for _, program in entries}
    for x in outcome.placements:
        helper, program = people[UUID(instance.person_ids[x.person])], by_id[UUID(instance.program_ids[x.program])]
        tally = tallies[program.id]
        application = held.get((helper.id, program.id))
        if application is not None and application.status == ApplicationStatus.waitlisted:
            tally.waitlisted -= 1  # they leave the line for the seat
        decision = tally.take("confirmed", use_reserved=True, waitlist=False)
        assert decision.seated, "the round's seats are the free seats counted under the lock"
        application = _accepted(session, application, helper.id, program.id, now)
        session.add(RoundPlacement(round_id=rnd.id, helper_id=helper.id, program_id=program.id,
                                   application_id=application.id, rank=x.rank, stage=x.stage))
        tx.emit(_accepted_event(application, program, helper, base_url, now))
    for program_id, tally in tallies.items():
        await PROGRAM_SEATS.settle(session, program_id, before[program_id], tally)
    placed = {UUID(instance.person_ids[x.person]) for x in outcome.placements}
    for person, wished in wishes.items():  # everyone who ranked and got nothing is told too
        helper = people[UUID(person)]
        if wished and helper.id not in placed and helper.email:
            tx.emit(_unplaced_event(rnd, helper, len(wished), base_url, now))
    _close(rnd, outcome, actor, now)
    tx.emit(_completed(rnd, outcome, instance, base_url, now))


async def _instance(session: AsyncSession, rnd: Round, entries: list[tuple[RoundProgram, Program]],
                    wishes: Mapping[str, list[str]], people: Mapping[UUID, Helper],
                    tallies: Mapping[UUID, Tally]) -> Instance:
    """The instance of the stored rankings; hosts who left it to the score get the seeded order."""
    skills = await programs.skills_of(session, [p.id for _, p in entries])
    favourites = await repository.favourites(session, list(people))
    slots = []
    for entry, program in entries:
        if entry.method == RankingMethod.manual:
            ranking = list(entry.ranking)
        else:
            listing = {person: applicant(people[UUID(person)], favourites[UUID(person)])
                       for person, wished in wishes.items() if str(program.id) in wished}
            ranking = ranked_by_score(needs(program, skills[program.id]), listing, rnd.seed)
        tally = tallies[program.id]
        seats = tally.capacity - tally.occupied() if program.status == ProgramStatus.published else 0
        slots.append(ProgramSlot(id=str(program.id), seats=seats, ranking=ranking, region=program.municipality,
                                 window=Window(program.starts_on, program.ends_on)))
    return instance_from_rankings(people=wishes, programs=slots, seed=rnd.seed)


def _has_place(application: Application | None) -> bool:
    return application is not None and application.status == ApplicationStatus.accepted


def _accepted(session: AsyncSession, application: Application | None, helper_id: UUID, program_id: UUID,
              now: datetime) -> Application:
    if application is None:
        application = Application(id=new_event_id(), program_id=program_id, helper_id=helper_id,
                                  status=ApplicationStatus.accepted, waitlist_ticket=None, created_at=now,
                                  updated_at=now)
        session.add(application)
    else:
        application.status, application.waitlist_ticket, application.updated_at = ApplicationStatus.accepted, None, now
    return application


def _accepted_event(application: Application, program: Program, helper: Helper, base_url: str,
                    now: datetime) -> ApplicationAccepted:
    return ApplicationAccepted(
        application_id=application.id, program_id=program.id, program_title=program.title,
        member_id=program.member_id, municipality_code=program.municipality_code, municipality=program.municipality,
        starts_on=program.starts_on, ends_on=program.ends_on, online=program.online, helper_id=helper.id,
        email=helper.email or "", name=helper.name, locale=as_locale(helper.locale) or DEFAULT_LOCALE,
        url=program_url(base_url, program.id), at=now, okaeshi=program.okaeshi)


def _unplaced_event(rnd: Round, helper: Helper, ranked: int, base_url: str, now: datetime) -> RoundUnplaced:
    return RoundUnplaced(round_id=rnd.id, title=rnd.title, helper_id=helper.id, email=helper.email or "",
                         name=helper.name, locale=as_locale(helper.locale) or DEFAULT_LOCALE, ranked=ranked,
                         url=f"{base_url.rstrip('/')}/matching/programs", at=now)


def _close(rnd: Round, outcome: Outcome, actor: Principal, now: datetime) -> None:
    rnd.report, rnd.status, rnd.run_by, rnd.run_at = outcome.report.as_json(), RoundStatus.done, actor.user_id, now


def _completed(rnd: Round, outcome: Outcome, instance: Instance, base_url: str, now: datetime) -> RoundCompleted:
    report = outcome.report
    return RoundCompleted(round_id=rnd.id, title=rnd.title, seed=rnd.seed, people=report.people,
                          programs=len(instance.program_ids), seats=report.seats, matched=report.matched,
                          fill_rate=report.fill_rate or 0.0, blocking_pairs=len(report.blocking_pairs),
                          url=round_url(base_url, rnd.id), at=now)
