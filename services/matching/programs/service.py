"""Programs' use cases: a member's staff (or an operator) create, change, publish, close and mark
done their own member's programs; everyone reads the public ones.

Each change is one unit of work: the program is found and its caller checked (another member's
program is a 404, as one that does not exist), the whole result is checked, and only then is
anything written, with the event it emits; a refusal leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.matching import ProgramClosed, ProgramPublished
from kit.db.types import utcnow
from kit.errors import Conflict, FieldProblem, Forbidden, NotFound, ValidationFailed
from kit.gazetteer import LocalGovernment, local_government
from kit.jst import JST
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.matching.models import Member, Program, ProgramSkill
from services.matching.programs import repository
from services.matching.programs.domain.rules import (
    Action,
    ProgramStatus,
    clean_tags,
    editable,
    eligibility,
    may_manage,
    problems,
    publish_problem,
    seats_left,
    tag_problems,
    transition,
)
from services.matching.programs.schemas import ProgramCreate, ProgramRead, ProgramUpdate

# A PATCH may change these, not empty them (host_name may be cleared: the member hosts it itself).
REQUIRED = ("title", "description", "municipality_code", "schedule", "starts_on", "ends_on", "capacity",
            "reserved", "online", "required_skills", "optional_skills", "tags", "okaeshi")
PLAIN = ("host_name", "title", "description", "schedule", "starts_on", "ends_on", "capacity", "reserved", "online",
         "okaeshi")


def program_url(base_url: str, program_id: UUID) -> str:
    return f"{base_url.rstrip('/')}/matching/programs/{program_id}"


def today_jst() -> date:
    return utcnow().astimezone(JST).date()


def read(program: Program, skills: Sequence[ProgramSkill], member_name: str | None, base_url: str) -> ProgramRead:
    return ProgramRead(
        id=program.id, member_id=program.member_id, member_name=member_name, host_name=program.host_name,
        title=program.title, description=program.description, municipality_code=program.municipality_code,
        municipality=program.municipality, prefecture_code=program.prefecture_code, lat=program.lat, lon=program.lon,
        schedule=program.schedule, starts_on=program.starts_on, ends_on=program.ends_on, online=program.online,
        required_skills=[s.skill for s in skills if s.required],
        optional_skills=[s.skill for s in skills if not s.required], tags=list(program.tags),
        okaeshi=program.okaeshi, capacity=program.capacity, reserved=program.reserved, confirmed=program.confirmed,
        held=program.held, waitlisted=program.waitlisted,
        seats_left=seats_left(capacity=program.capacity, reserved=program.reserved, confirmed=program.confirmed,
                              held=program.held),
        status=program.status, created_at=program.created_at, updated_at=program.updated_at,
        published_at=program.published_at, closed_at=program.closed_at, done_at=program.done_at,
        url=program_url(base_url, program.id))


def facts(program: Program, skills: Sequence[ProgramSkill], base_url: str, at: datetime) -> dict[str, Any]:
    """What `matching.program.*` events carry."""
    return {"program_id": program.id, "member_id": program.member_id, "host_name": program.host_name,
            "title": program.title, "municipality_code": program.municipality_code,
            "municipality": program.municipality, "prefecture_code": program.prefecture_code, "lat": program.lat,
            "lon": program.lon, "schedule": program.schedule, "starts_on": program.starts_on,
            "ends_on": program.ends_on, "capacity": program.capacity, "online": program.online,
            "skills": tuple(s.skill for s in skills), "url": program_url(base_url, program.id), "at": at}


async def create(*, uow: UnitOfWorkFactory, actor: Principal, body: ProgramCreate, base_url: str) -> ProgramRead:
    """A new draft program of the caller's member (an operator names the member)."""
    member_id = posting_member(actor, body.member_id)
    tags = clean_tags(body.tags)
    place = local_government(body.municipality_code)
    found = problems(place=place_kind(place), schedule=body.schedule, starts_on=body.starts_on,
                     ends_on=body.ends_on, capacity=body.capacity, reserved=body.reserved,
                     required=body.required_skills, optional=body.optional_skills) + tag_problems(tags)
    if found:
        raise ValidationFailed(found)
    assert place is not None
    now = utcnow()
    async with uow() as tx:
        member = await repository.member(tx.session, member_id)
        check_standing(member)
        program = Program(
            id=new_event_id(), member_id=member_id, host_name=body.host_name or None, title=body.title,
            description=body.description, schedule=body.schedule, starts_on=body.starts_on, ends_on=body.ends_on,
            online=body.online, tags=tags, okaeshi=body.okaeshi, capacity=body.capacity, reserved=body.reserved,
            confirmed=0, held=0, waitlisted=0, waitlist_seq=0, status=ProgramStatus.draft, created_by=actor.user_id,
            created_at=now, updated_at=now, published_at=None, closed_at=None, done_at=None, **placed(place))
        tx.session.add(program)
        await tx.session.flush()  # the program's row before its skills' (they refer to it)
        await repository.replace_skills(tx.session, program.id, required=body.required_skills,
                                        optional=body.optional_skills)
        answer = read(program, skill_rows(program.id, body.required_skills, body.optional_skills),
                      member.name if member else None, base_url)
        await tx.commit()
    return answer


async def update(*, uow: UnitOfWorkFactory, actor: Principal, program_id: UUID, body: ProgramUpdate,
                 base_url: str) -> ProgramRead:
    """Change a draft or published program. Its capacity never goes below the places taken."""
    changes = body.model_dump(exclude_unset=True)
    if nulls := [k for k in REQUIRED if k in changes and changes[k] is None]:
        raise ValidationFailed([FieldProblem(k, "required", "空にはできません。", "This cannot be empty.")
                                for k in nulls])
    async with uow() as tx:
        program = await managed(tx.session, actor, program_id, lock=True)
        editable(program.status)
        skills = (await repository.skills_of(tx.session, [program.id]))[program.id]
        required = changes.get("required_skills", [s.skill for s in skills if s.required])
        optional = changes.get("optional_skills", [s.skill for s in skills if not s.required])
        tags = clean_tags(changes["tags"]) if "tags" in changes else list(program.tags)
        moved = "municipality_code" in changes and changes["municipality_code"] != program.municipality_code
        place = local_government(changes["municipality_code"]) if moved else None
        merged = {k: changes.get(k, getattr(program, k)) for k in PLAIN}
        found = problems(place=place_kind(place) if moved else "municipality", schedule=merged["schedule"],
                         starts_on=merged["starts_on"], ends_on=merged["ends_on"], capacity=merged["capacity"],
                         reserved=merged["reserved"], required=required, optional=optional,
                         taken=program.confirmed + program.held) + tag_problems(tags)
        if found:
            raise ValidationFailed(found)
        for key, value in merged.items():
            setattr(program, key, value)
        if place is not None:
            for key, value in placed(place).items():
                setattr(program, key, value)
        program.host_name = program.host_name or None
        program.tags, program.updated_at = tags, utcnow()
        if "required_skills" in changes or "optional_skills" in changes:
            await repository.replace_skills(tx.session, program.id, required=required, optional=optional)
        member = await repository.member(tx.session, program.member_id)
        answer = read(program, skill_rows(program.id, required, optional), member.name if member else None, base_url)
        await tx.commit()
    return answer


async def move(*, uow: UnitOfWorkFactory, actor: Principal, program_id: UUID, action: Action,
               base_url: str) -> ProgramRead:
    """Publish (announced with `matching.program.published.v1`), close (`…closed.v1`) or mark done.
    Doing it again changes nothing and emits nothing; a program never goes back."""
    async with uow() as tx:
        program = await managed(tx.session, actor, program_id, lock=True)
        target = transition(program.status, action)
        skills = (await repository.skills_of(tx.session, [program.id]))[program.id]
        member = await repository.member(tx.session, program.member_id)
        if target is not None:
            now = utcnow()
            if action == Action.publish:
                check_standing(member)
                if why := publish_problem(ends_on=program.ends_on, today=today_jst()):
                    raise Conflict(*why)
                program.published_at = now
                tx.emit(ProgramPublished(**facts(program, skills, base_url, now)))
            elif action == Action.close:
                program.closed_at = now
                tx.emit(ProgramClosed(**facts(program, skills, base_url, now)))
            else:
                program.done_at = now
            program.status, program.updated_at = target, now
        answer = read(program, skills, member.name if member else None, base_url)
        await tx.commit()
    return answer


async def detail(*, uow: UnitOfWorkFactory, viewer: Principal | None, program_id: UUID, base_url: str
                 ) -> ProgramRead:
    """A program as its page shows it; a draft only to its member and operators."""
    async with uow.read() as session:
        program = await repository.get(session, program_id)
        if program is None or (program.status == ProgramStatus.draft and not manages(viewer, program)):
            raise not_found()
        skills = (await repository.skills_of(session, [program.id]))[program.id]
        member = await repository.member(session, program.member_id)
    return read(program, skills, member.name if member else None, base_url)


async def listed(*, uow: UnitOfWorkFactory, viewer: Principal | None, status: ProgramStatus | None,
                 member_id: UUID | None, prefecture_code: str | None, municipality_code: str | None,
                 skill: str | None, period: tuple[date, date] | None, online: bool | None, limit: int, offset: int,
                 base_url: str) -> list[ProgramRead]:
    """Published programs by start, filtered; with `member_id`, that member's programs in every
    status the viewer may see (drafts only to the member and operators)."""
    statuses = (status,) if status else tuple(ProgramStatus) if member_id else (ProgramStatus.published,)
    start, end = period or (None, None)
    async with uow.read() as session:
        programs = await repository.listed(
            session, statuses=statuses, drafts_of=viewer.member_id if viewer else None,
            all_drafts=viewer is not None and viewer.is_operator, member_id=member_id, prefecture_code=prefecture_code,
            municipality_code=municipality_code, skill=skill, start=start, end=end, online=online, limit=limit,
            offset=offset)
        ids = [p.id for p in programs]
        skills = await repository.skills_of(session, ids)
        names = await repository.member_names(session, {p.member_id for p in programs})
    return [read(p, skills[p.id], names.get(p.member_id), base_url) for p in programs]


def posting_member(actor: Principal, given: UUID | None) -> UUID:
    """The member a new program is posted for: the staff's own (another member's id is a 404, as
    the registry answers it), or the one an operator names."""
    member_id = given or actor.member_id
    if member_id is None:
        if actor.is_operator:
            raise ValidationFailed([FieldProblem("member_id", "required", "掲載する会員を指定してください。",
                                                 "Name the member the program is posted for.")])
        raise Forbidden(ja="会員のスタッフとしてログインしてください。", en="Sign in as a member's staff.")
    actor.require_member(member_id)
    return member_id


def check_standing(member: Member | None) -> None:
    if why := eligibility(kind=member.kind if member else None, status=member.status if member else None):
        raise Conflict(*why) if member is None else Forbidden(*why)


async def managed(session: AsyncSession, actor: Principal, program_id: UUID, *, lock: bool = False) -> Program:
    """The program if the caller may manage it; another member's is a 404, like one that does not exist."""
    program = await repository.get(session, program_id, lock=lock)
    if program is None or not manages(actor, program):
        raise not_found()
    return program


def manages(who: Principal | None, program: Program) -> bool:
    return who is not None and may_manage(operator=who.is_operator, actor_member_id=who.member_id,
                                          program_member_id=program.member_id)


def not_found() -> NotFound:
    return NotFound(ja="募集が見つかりません。", en="Program not found.")


def place_kind(place: LocalGovernment | None) -> str | None:
    return None if place is None else "municipality" if place.is_municipality else "prefecture"


def placed(place: LocalGovernment) -> dict[str, Any]:
    """A program's place columns, copied from the official list."""
    return {"municipality_code": place.code, "municipality": place.full_name,
            "prefecture_code": place.prefecture_code, "lat": place.lat, "lon": place.lon}


def skill_rows(program_id: UUID, required: Sequence[str], optional: Sequence[str]) -> list[ProgramSkill]:
    """A program's skills as its rows would read back (in name order), without reading them."""
    rows = [ProgramSkill(program_id=program_id, skill=s, required=True) for s in required] \
        + [ProgramSkill(program_id=program_id, skill=s, required=False) for s in optional]
    return sorted(rows, key=lambda row: row.skill)
