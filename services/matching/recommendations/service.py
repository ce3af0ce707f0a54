"""Recommendations' use cases: programs for the signed-in helper, candidates for a program's host
(only among people who consented), and a scout, sent once per person and program.

The database rows become the pure domain's facts here: a program's dates or season window, its
places left, its skills; a person's profile, favourite regions, past participations per
municipality, and a home placed at the centre of their home prefecture (the official list gives
municipalities' offices, not prefectures'; the mean of a prefecture's offices is as close as a
prefecture can say)."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from datetime import date
from functools import cache
from statistics import fmean
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kit.contracts.base import DEFAULT_LOCALE
from kit.contracts.matching import ScoutSent
from kit.db.types import utcnow
from kit.errors import Conflict, NotFound
from kit.gazetteer import local_governments
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from kit.web.locale import as_locale
from services.matching.models import Helper, Program, ProgramSkill, Scout
from services.matching.programs.domain.rules import ProgramStatus, Schedule, seats_left
from services.matching.programs.repository import skills_of
from services.matching.programs.service import managed, program_url, today_jst
from services.matching.recommendations import repository
from services.matching.recommendations.domain.facts import SKILLS, DateWindow, HelperFacts, ProgramFacts
from services.matching.recommendations.domain.reasons import Reason
from services.matching.recommendations.index_cache import Recommender
from services.matching.recommendations.schemas import (
    CandidateRead,
    ReasonRead,
    RecommendedProgram,
    ScoutCreate,
    ScoutRead,
)


@cache
def prefecture_centre(prefecture_code: str) -> tuple[float, float] | None:
    points = [(p.lat, p.lon) for p in local_governments().values()
              if p.prefecture_code == prefecture_code and p.lat is not None and p.lon is not None]
    if not points:
        return None
    return fmean(lat for lat, _ in points), fmean(lon for _, lon in points)


def _known(codes: Sequence[str]) -> frozenset[str]:
    """Skills the scorer knows (all the API accepts; a code retired from the list is ignored)."""
    return frozenset(c for c in codes if c in SKILLS)


def program_facts(program: Program, skills: Sequence[ProgramSkill]) -> ProgramFacts:
    window = DateWindow(program.starts_on, program.ends_on)
    season = program.schedule == Schedule.season
    return ProgramFacts(
        id=str(program.id), title=program.title, description=program.description,
        municipality_code=program.municipality_code, municipality=program.municipality,
        prefecture_code=program.prefecture_code,
        lat=math.nan if program.lat is None else program.lat, lon=math.nan if program.lon is None else program.lon,
        seats_left=seats_left(capacity=program.capacity, reserved=program.reserved, confirmed=program.confirmed,
                              held=program.held),
        dates=() if season else (window,), season=window if season else None, online=program.online,
        required_skills=_known([s.skill for s in skills if s.required]),
        optional_skills=_known([s.skill for s in skills if not s.required]), tags=tuple(program.tags))


def helper_facts(helper: Helper, favourites: frozenset[str], relations: Mapping[str, int]) -> HelperFacts:
    home = prefecture_centre(helper.home_prefecture_code) if helper.home_prefecture_code else None
    return HelperFacts(
        id=str(helper.id), skills=_known(helper.skills), interests=tuple(helper.interests),
        home_prefecture_code=helper.home_prefecture_code, home_lat=home[0] if home else None,
        home_lon=home[1] if home else None,
        availability=tuple(DateWindow(date.fromisoformat(w["starts_on"]), date.fromisoformat(w["ends_on"]))
                           for w in helper.availability),
        max_travel_km=helper.max_travel_km, online_ok=helper.online_ok, favourite_municipalities=favourites,
        past_relations=dict(relations), consent_to_scouting=helper.scout_consent and helper.erased_at is None)


async def _facts_of(session: AsyncSession, helpers: Sequence[Helper]) -> list[HelperFacts]:
    ids = [h.id for h in helpers]
    favourites = await repository.favourites(session, ids)
    relations = await repository.past_relations(session, ids)
    return [helper_facts(h, favourites.get(h.id, frozenset()), relations.get(h.id, {})) for h in helpers]


def reasons_read(reasons: Sequence[Reason]) -> list[ReasonRead]:
    return [ReasonRead(kind=r.kind, weight=r.weight, ja=r.ja, en=r.en) for r in reasons]


async def for_you(*, uow: UnitOfWorkFactory, recommender: Recommender, who: Principal, base_url: str,
                  k: int = 10) -> list[RecommendedProgram]:
    """The best published programs for the signed-in helper, each with its reasons."""
    today = today_jst()
    async with uow.read() as session:
        helper = await repository.helper(session, who.user_id)
        if helper is None or helper.erased_at is not None:
            raise NotFound(ja="支援者プロフィールがまだ登録されていません。", en="No helper profile yet.")
        (facts,) = await _facts_of(session, [helper])
        version = await recommender.version(lambda: _catalogue_version(uow, today))

        async def load() -> list[ProgramFacts]:
            rows = await repository.open_programs(session, today)
            skills = await skills_of(session, [p.id for p in rows])
            return [program_facts(p, skills[p.id]) for p in rows]

        index = await recommender.programs(version, load)
        best = index.top_programs(facts, k)
        programs = await repository.programs(session, [UUID(r.program_id) for r in best])
    # The index may be up to a second behind (index_cache.VERSION_TTL_S): what closed, ended or
    # filled up since is left out now, from the rows just read.
    shown = [(r, p) for r in best if (p := programs.get(UUID(r.program_id))) is not None and _offered(p, today)]
    return [RecommendedProgram(program_id=p.id, title=p.title, municipality_code=p.municipality_code,
                               municipality=p.municipality, starts_on=p.starts_on, ends_on=p.ends_on, online=p.online,
                               okaeshi=p.okaeshi, url=program_url(base_url, p.id), score=r.score,
                               reasons=reasons_read(r.reasons)) for r, p in shown]


async def candidates(*, uow: UnitOfWorkFactory, recommender: Recommender, actor: Principal, program_id: UUID,
                     k: int = 10) -> list[CandidateRead]:
    """The best people for the host's program, among those who consented to be scouted (read now,
    so a withdrawal counts at once), each with the reasons and whether they were scouted already."""
    async with uow.read() as session:
        program = await managed(session, actor, program_id)
        facts = program_facts(program, (await skills_of(session, [program.id]))[program.id])
        people = await repository.scoutable(session)
        best = recommender.candidates(await _facts_of(session, people)).top_candidates(facts, k)
        sent = await repository.scouted(session, program.id)
    names = {str(h.id): h.name for h in people}
    return [CandidateRead(helper_id=UUID(c.helper_id), name=names[c.helper_id], score=c.score,
                          reasons=reasons_read(c.reasons), scouted=UUID(c.helper_id) in sent) for c in best]


NOT_PUBLISHED = ("公開中の募集からのみスカウトできます。", "Only a published program can scout.")
NO_CONSENT = ("この方はスカウトの受け取りに同意していません。", "This person has not agreed to be scouted.")
ALREADY_SENT = ("この方にはこの募集のスカウトを送信済みです。",
                "A scout for this program was already sent to this person.")


async def scout(*, uow: UnitOfWorkFactory, recommender: Recommender, actor: Principal, program_id: UUID,
                body: ScoutCreate, base_url: str) -> ScoutRead:
    """Invite a person to the host's published program (`matching.scout.sent.v1`), with the
    reasons they fit, in their language. Refused (409) if they did not consent or withdrew it, or
    were already scouted for it; their row is locked so consent cannot be withdrawn meanwhile."""
    async with uow() as tx:
        program = await managed(tx.session, actor, program_id)
        if program.status != ProgramStatus.published:
            raise Conflict(*NOT_PUBLISHED)
        helper = await repository.helper(tx.session, body.helper_id, lock=True)
        if helper is None or helper.erased_at is not None:
            raise NotFound(ja="支援者が見つかりません。", en="Helper not found.")
        if not helper.scout_consent:
            raise Conflict(*NO_CONSENT)
        if await repository.scout(tx.session, program.id, helper.id) is not None:
            raise Conflict(*ALREADY_SENT)
        (person,) = await _facts_of(tx.session, [helper])
        scored = recommender.scorer.score(person, program_facts(program, (await skills_of(tx.session, [program.id]))
                                                                [program.id]))
        locale = as_locale(helper.locale) or DEFAULT_LOCALE
        reasons = [r.ja if locale == "ja" else r.en for r in (scored.reasons if scored else ())]
        now = utcnow()
        row = Scout(id=new_event_id(), program_id=program.id, helper_id=helper.id, sent_by=actor.user_id,
                    message=body.message, reasons=reasons, created_at=now)
        tx.session.add(row)
        try:
            await tx.session.flush()
        except IntegrityError as exc:  # the same scout sent by another request a moment ago
            raise Conflict(*ALREADY_SENT) from exc
        tx.emit(ScoutSent(scout_id=row.id, program_id=program.id, program_title=program.title,
                          member_id=program.member_id, municipality_code=program.municipality_code,
                          municipality=program.municipality, starts_on=program.starts_on, ends_on=program.ends_on,
                          helper_id=helper.id, email=helper.email or "", name=helper.name, locale=locale,
                          message=body.message, reasons=tuple(reasons), url=program_url(base_url, program.id), at=now))
        answer = ScoutRead(id=row.id, program_id=row.program_id, helper_id=row.helper_id, message=row.message,
                           reasons=list(row.reasons), created_at=row.created_at)
        await tx.commit()
    return answer


async def _catalogue_version(uow: UnitOfWorkFactory, today: date) -> Hashable:
    async with uow.read() as session:  # its own session: it may outlive the request that asked
        return await repository.catalogue_version(session, today)


def _offered(program: Program, today: date) -> bool:
    """Still what "for you" offers: published, not over, with a place open."""
    return (program.status == ProgramStatus.published and program.ends_on >= today
            and seats_left(capacity=program.capacity, reserved=program.reserved, confirmed=program.confirmed,
                           held=program.held) > 0)


async def forget(session: AsyncSession, email: str) -> None:
    """Erasure (`registry.person.erased.v1`): the scouts to the person keep no words about them.
    Runs before helpers' `erase` blanks the address it finds them by."""
    await repository.blank_scouts(session, email.strip().lower())
