"""Participation's use cases. Each new dated fact (a participation, a role, a registration) is
stored, and the stage changes it causes (`stage_changes`, over the relation's facts of any date)
are emitted as `matching.relation.stage_changed.v1` in the same transaction.

Where facts come from:
- a host (the program's member's staff, or an operator) confirms who came to a program;
- a forum check-in (`forum.signup.checked_in.v1`) names only the signup, so matching remembers the
  seats of people it knows as helpers (`forum.signup.confirmed.v1`, matched by their address, which
  is not kept) and counts their check-in. A forum event carries no municipality code: it counts
  for the municipality its venue names unambiguously (venues.py), else for the network only
  (stored, in no municipality's depth, no event: the contract needs a municipality). An online
  gathering is in no municipality. A seat confirmed before the person became a helper is not
  counted: matching cannot know who it was;
- the person who posts a program (its `created_by`) takes the host role where it is, on the day
  it is published: `host_took_role`, in the publishing transaction;
- a favourite region is a registration (集める), dated when registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from functools import cache
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.base import DEFAULT_LOCALE, EventContract
from kit.contracts.matching import ParticipationRecorded, RelationStageChanged
from kit.db.types import utcnow
from kit.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from kit.gazetteer import LocalGovernment, local_government, local_governments
from kit.jst import JST
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from kit.web.locale import as_locale
from services.matching.models import FavouriteRegion, ForumAttendance, Helper, Program, RelationRole
from services.matching.models import Participation as ParticipationRow
from services.matching.participation import repository
from services.matching.participation.domain import facts as domain
from services.matching.participation.domain.changes import PUBLIC, public_name, reason_for
from services.matching.participation.domain.depth import depth_as_of
from services.matching.participation.domain.stages import Stage, StageChange, stage_changes
from services.matching.participation.domain.venues import Place, VenueMatcher
from services.matching.participation.schemas import DepthRead, FunnelStep, ParticipationCreate, ParticipationRead
from services.matching.programs.domain.rules import ProgramStatus
from services.matching.programs.service import managed, program_url, today_jst

Emit = Callable[[EventContract], object]
PersonFact = domain.Interest | domain.Participation | domain.RoleTaken


def day_of(at: datetime) -> date:
    return at.astimezone(JST).date()


def end_of(day: date) -> datetime:
    """The first instant after the JST day."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=JST)


@cache
def venues() -> VenueMatcher:
    return VenueMatcher(Place(code=p.code, name=p.name, full_name=p.full_name)
                        for p in local_governments().values() if p.is_municipality)


def _facts(participations: Iterable[ParticipationRow], roles: Iterable[RelationRole],
           favourites: Iterable[FavouriteRegion]) -> list[domain.Fact]:
    found: list[domain.Fact] = [
        domain.Participation(person_id=str(p.helper_id), municipality_code=p.municipality_code, on=p.day,
                             program_id=str(p.activity_id), source=domain.Source(p.source))
        for p in participations if p.municipality_code is not None]
    found += [domain.RoleTaken(person_id=str(r.person_id), municipality_code=r.municipality_code, on=r.day,
                               role=domain.Role(r.role)) for r in roles]
    found += [domain.Interest(person_id=str(f.helper_id), municipality_code=f.municipality_code,
                              on=day_of(f.registered_at), kind=domain.InterestKind.registered) for f in favourites]
    return found


async def _changes(session: AsyncSession, emit: Emit, person_id: UUID, fact: PersonFact, now: datetime
                   ) -> None:
    """Emit the stage changes the new fact causes. Its own row, if already flushed, is left out."""
    code = fact.municipality_code
    known = _facts(await repository.participations(session, code, person_id=person_id),
                   await repository.roles(session, code, person_id=person_id),
                   await repository.favourites(session, code, person_id=person_id))
    for change in stage_changes([f for f in known if f != fact], fact):
        emit(stage_changed(change, fact, now))


def full_name(code: str) -> str:
    """A municipality's full name (岐阜県飛騨市) as events carry it; the code if the gazetteer lacks it."""
    place = local_government(code)
    return place.full_name if place else code


def told_source(source: domain.Source) -> str:
    """Who said a person came, as participation events name it (host | forum_checkin)."""
    return "host" if source == domain.Source.host_confirmed else source.value


def stage_changed(change: StageChange, fact: domain.Fact, at: datetime) -> RelationStageChanged:
    """`matching.relation.stage_changed.v1` for a change and the fact that made it."""
    code = change.relation.municipality_code
    return RelationStageChanged(
        helper_id=UUID(change.relation.person_id), municipality_code=code, municipality=full_name(code),
        prefecture_code=code[:2], previous=public_name(change.before), stage=PUBLIC[change.after], as_of=change.on,
        reason=reason_for(change, fact), at=at)


async def _record(session: AsyncSession, emit: Emit, *, helper: Helper, activity_id: UUID, program: Program | None,
                  municipality_code: str | None, day: date, source: domain.Source, recorded_by: UUID | None,
                  base_url: str) -> tuple[ParticipationRow, bool]:
    """One participation (person, activity, day), whoever says so first; (the row, whether new)."""
    existing = await repository.participation(session, helper.id, activity_id, day)
    if existing is not None:
        return existing, False
    now = utcnow()
    row = ParticipationRow(id=new_event_id(), helper_id=helper.id, activity_id=activity_id,
                           program_id=program.id if program else None, municipality_code=municipality_code, day=day,
                           source=source, recorded_by=recorded_by, created_at=now)
    session.add(row)
    if municipality_code is None:
        return row, True  # the network's, in no municipality: nothing to announce
    emit(ParticipationRecorded(
        participation_id=row.id, helper_id=helper.id, municipality_code=municipality_code,
        municipality=full_name(municipality_code), prefecture_code=municipality_code[:2], on=day,
        source=told_source(source),
        program_id=program.id if program else None, program_title=program.title if program else None,
        okaeshi=program.okaeshi if program else "", email=helper.email, name=helper.name or None,
        locale=as_locale(helper.locale) or DEFAULT_LOCALE, url=program_url(base_url, program.id) if program else None,
        at=now))
    fact = domain.Participation(person_id=str(helper.id), municipality_code=municipality_code, on=day,
                                program_id=str(activity_id), source=source)
    await _changes(session, emit, helper.id, fact, now)
    return row, True


def read(row: ParticipationRow) -> ParticipationRead:
    return ParticipationRead(id=row.id, helper_id=row.helper_id, program_id=row.program_id,
                             municipality_code=row.municipality_code, on=row.day, source=row.source,
                             created_at=row.created_at)


def _wrong_day(ja: str, en: str) -> ValidationFailed:
    return ValidationFailed([FieldProblem("on", "out_of_range", ja, en)])


async def confirm(*, uow: UnitOfWorkFactory, actor: Principal, program_id: UUID, body: ParticipationCreate,
                  base_url: str) -> tuple[ParticipationRead, bool]:
    """The program's host (its member's staff, or an operator) confirms a person came on a day:
    (the participation, whether it is new); confirming again changes nothing."""
    async with uow() as tx:
        program = await managed(tx.session, actor, program_id)
        if program.status == ProgramStatus.draft:
            raise Conflict(ja="下書きの募集には参加を記録できません。", en="A draft program has no participants.")
        day = body.on or program.starts_on
        if not program.starts_on <= day <= program.ends_on:
            raise _wrong_day("参加日は募集の期間内にしてください。", "The day must be within the program's days.")
        if day > today_jst():
            raise _wrong_day("まだ来ていない日の参加は記録できません。", "A day still to come cannot be confirmed.")
        helper = await repository.helper(tx.session, body.helper_id)
        if helper is None or helper.erased_at is not None:
            raise NotFound(ja="支援者が見つかりません。", en="Helper not found.")
        row, created = await _record(tx.session, tx.emit, helper=helper, activity_id=program.id, program=program,
                                     municipality_code=program.municipality_code, day=day,
                                     source=domain.Source.host_confirmed, recorded_by=actor.user_id, base_url=base_url)
        answer = read(row)
        await tx.commit()
    return answer, created


async def take_role(session: AsyncSession, emit: Emit, *, person_id: UUID, municipality_code: str, role: domain.Role,
                    day: date) -> None:
    """A person took a role for a municipality on a day; an earlier day for the same role moves it back."""
    existing = await repository.role(session, person_id, municipality_code, role)
    if existing is not None:
        existing.day = min(existing.day, day)
        return
    now = utcnow()
    fact = domain.RoleTaken(person_id=str(person_id), municipality_code=municipality_code, on=day, role=role)
    await _changes(session, emit, person_id, fact, now)
    session.add(RelationRole(person_id=person_id, municipality_code=municipality_code, role=role, day=day,
                             created_at=now))


async def host_took_role(session: AsyncSession, emit: Emit, *, program_id: UUID) -> None:
    """The person who posted a published program takes the host role where it is; called in the
    transaction that publishes it, so the stage change is committed with the publication."""
    program = await repository.program(session, program_id)
    if program is not None and program.published_at is not None:
        await take_role(session, emit, person_id=program.created_by, municipality_code=program.municipality_code,
                        role=domain.Role.host, day=day_of(program.published_at))


async def interest_registered(session: AsyncSession, emit: Emit, *, person_id: UUID, municipality_code: str,
                              at: datetime) -> None:
    """A favourite region was registered (集める): its stage change, if any. For helpers' use case."""
    fact = domain.Interest(person_id=str(person_id), municipality_code=municipality_code, on=day_of(at),
                           kind=domain.InterestKind.registered)
    await _changes(session, emit, person_id, fact, utcnow())


async def forum_seat(session: AsyncSession, *, signup_id: UUID, event_id: UUID, email: str, venue: str | None,
                     online: bool) -> None:
    """Remember a known helper's confirmed forum seat (their id and the venue's municipality, not the address)."""
    helper = await repository.helper_by_email(session, email)
    if helper is None or await repository.attendance(session, signup_id) is not None:
        return
    session.add(ForumAttendance(signup_id=signup_id, event_id=event_id, helper_id=helper.id,
                                municipality_code=None if online else venues().municipality_of(venue),
                                created_at=utcnow()))


async def forum_checkin(session: AsyncSession, emit: Emit, *, signup_id: UUID, event_id: UUID, at: datetime,
                        base_url: str) -> None:
    """A check-in counts as the helper's participation on its day; a stranger's is nobody to count."""
    seat = await repository.attendance(session, signup_id)
    helper = await repository.helper(session, seat.helper_id) if seat is not None else None
    if seat is None or helper is None or helper.erased_at is not None:
        return
    await _record(session, emit, helper=helper, activity_id=event_id, program=None,
                  municipality_code=seat.municipality_code, day=day_of(at), source=domain.Source.forum_checkin,
                  recorded_by=None, base_url=base_url)


def municipality(code: str) -> LocalGovernment:
    place = local_government(code)
    if place is None or not place.is_municipality:
        raise NotFound(ja="市区町村が見つかりません。", en="Municipality not found.")
    return place


async def depth(*, uow: UnitOfWorkFactory, municipality_code: str, as_of: date | None) -> DepthRead:
    """A municipality's relation depth as of a day (today, JST, if not given): only facts dated on
    or before it count."""
    place = municipality(municipality_code)
    day = as_of or today_jst()
    async with uow.read() as session:
        programs = await repository.published(session, place.code, before=end_of(day))
        known = _facts(await repository.participations(session, place.code, until=day),
                       await repository.roles(session, place.code, until=day),
                       await repository.favourites(session, place.code, before=end_of(day)))
    known += [domain.ProgramPublished(program_id=str(pid), municipality_code=place.code, on=day_of(at))
              for pid, at in programs]
    found = depth_as_of(known, municipality_code=place.code, as_of=day)
    return DepthRead(municipality_code=place.code, municipality=place.full_name, as_of=day, programs=found.programs,
                     participations=found.participations, people=found.people, repeaters=found.repeaters,
                     repeat_rate=found.repeat_rate, funnel=funnel(found.funnel.at, found.funnel.reached))


def funnel(at: Callable[[Stage], int], reached: Callable[[Stage], int]) -> list[FunnelStep]:
    return [FunnelStep(stage=PUBLIC[s], ja=s.ja, people=at(s), reached=reached(s)) for s in Stage]


