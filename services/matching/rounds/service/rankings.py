"""People's and hosts' rankings while a round is open.

A person (with a helper profile) ranks the round's programs, first choice first; submitting again
replaces the list. A program's host (its member's staff, or an operator) sees who listed it and
ranks them by hand, or leaves it to the score (the default) with the round's seeded tie-breaks.
Someone a host leaves out of a hand-made ranking is not acceptable to that program."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from kit.db.types import utcnow
from kit.errors import NotFound, ValidationFailed
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.matching.helpers import repository as helpers
from services.matching.models import Helper, Program, Round, RoundProgram, RoundWish
from services.matching.programs import repository as programs
from services.matching.programs.service import manages
from services.matching.programs.service import not_found as program_not_found
from services.matching.rounds import repository
from services.matching.rounds.domain.rules import RankingMethod, list_problems, still_open
from services.matching.rounds.domain.scores import applicant_score, ranked_by_score
from services.matching.rounds.schemas import (
    ApplicantRead,
    ApplicantsRead,
    PlacementRead,
    RankingSubmit,
    WishRead,
    WishSubmit,
)
from services.matching.rounds.service.views import applicant, needs, not_found


async def submit_wishes(*, uow: UnitOfWorkFactory, who: Principal, round_id: UUID, body: WishSubmit) -> WishRead:
    async with uow() as tx:
        helper = await helpers.get(tx.session, who.user_id)
        if helper is None or helper.erased_at is not None:
            raise NotFound(ja="支援者プロフィールがまだ登録されていません。", en="No helper profile yet.")
        rnd = await _round(tx.session, round_id)
        still_open(rnd.status)
        allowed = {str(program.id) for _, program in await repository.programs(tx.session, round_id)}
        chosen = [str(program_id) for program_id in body.program_ids]
        if found := list_problems("program_ids", chosen, allowed, what_ja="プログラム", what_en="program"):
            raise ValidationFailed(found)
        wish = await repository.wish(tx.session, round_id, who.user_id)
        if wish is None:
            wish = RoundWish(round_id=round_id, helper_id=who.user_id, program_ids=chosen, submitted_at=utcnow())
            tx.session.add(wish)
        else:
            wish.program_ids, wish.submitted_at = chosen, utcnow()
        answer = WishRead(round_id=round_id, status=rnd.status, program_ids=[UUID(p) for p in chosen],
                          submitted_at=wish.submitted_at, placements=[])
        await tx.commit()
    return answer


async def my_wishes(*, uow: UnitOfWorkFactory, who: Principal, round_id: UUID) -> WishRead:
    """Your list, and where the round placed you once it has run."""
    async with uow.read() as session:
        rnd = await _round(session, round_id)
        wish = await repository.wish(session, round_id, who.user_id)
        if wish is None:
            raise NotFound(ja="このラウンドの希望順位はまだ提出されていません。",
                           en="You have not ranked this round's programs yet.")
        titles = {p.id: p.title for _, p in await repository.programs(session, round_id)}
        placed = await repository.placements(session, round_id, helper_id=who.user_id)
    return WishRead(round_id=round_id, status=rnd.status, program_ids=[UUID(p) for p in wish.program_ids],
                    submitted_at=wish.submitted_at,
                    placements=[PlacementRead(program_id=x.program_id, title=titles.get(x.program_id, ""), rank=x.rank,
                                              stage=x.stage, application_id=x.application_id) for x in placed])


async def applicants(*, uow: UnitOfWorkFactory, actor: Principal, round_id: UUID, program_id: UUID) -> ApplicantsRead:
    async with uow.read() as session:
        rnd = await _round(session, round_id)
        entry, program = await _hosted(session, actor, round_id, program_id)
        return await _view(session, rnd, entry, program)


async def rank(*, uow: UnitOfWorkFactory, actor: Principal, round_id: UUID, program_id: UUID,
               body: RankingSubmit) -> ApplicantsRead:
    """The host's ranking: `manual` with the people in order, or `score`."""
    async with uow() as tx:
        rnd = await _round(tx.session, round_id)
        entry, program = await _hosted(tx.session, actor, round_id, program_id)
        still_open(rnd.status)
        ranking = [str(helper_id) for helper_id in body.helper_ids]
        if body.method == RankingMethod.manual:
            listed = {str(w.helper_id) for w, _ in await _listing(tx.session, round_id, program_id)}
            if found := list_problems("helper_ids", ranking, listed, what_ja="応募者", what_en="applicant"):
                raise ValidationFailed(found)
        entry.method, entry.ranking = body.method, ranking if body.method == RankingMethod.manual else []
        entry.ranked_by, entry.ranked_at = actor.user_id, utcnow()
        answer = await _view(tx.session, rnd, entry, program)
        await tx.commit()
    return answer


async def _round(session: AsyncSession, round_id: UUID) -> Round:
    rnd = await repository.get(session, round_id)
    if rnd is None:
        raise not_found()
    return rnd


async def _hosted(session: AsyncSession, actor: Principal, round_id: UUID, program_id: UUID
                  ) -> tuple[RoundProgram, Program]:
    """The round's program if the caller hosts it; another member's is a 404, like one not in the round."""
    found = await repository.entry(session, round_id, program_id)
    if found is None or not manages(actor, found[1]):
        raise program_not_found()
    return found


async def _listing(session: AsyncSession, round_id: UUID, program_id: UUID) -> list[tuple[RoundWish, Helper]]:
    """The lists (and their people) that name the program."""
    target = str(program_id)
    return [(w, h) for w, h in await repository.wishes(session, round_id) if target in w.program_ids]


async def _view(session: AsyncSession, rnd: Round, entry: RoundProgram, program: Program) -> ApplicantsRead:
    """The people who listed the program, in the host's order (by score: the seeded order)."""
    listing = await _listing(session, rnd.id, program.id)
    skills = (await programs.skills_of(session, [program.id]))[program.id]
    favourites = await repository.favourites(session, [h.id for _, h in listing])
    wanted = needs(program, skills)
    facts = {str(h.id): applicant(h, favourites[h.id]) for _, h in listing}
    order = (entry.ranking if entry.method == RankingMethod.manual else ranked_by_score(wanted, facts, rnd.seed))
    position = {person: i + 1 for i, person in enumerate(order) if person in facts}
    placed = {str(x.helper_id) for x in await repository.placements(session, rnd.id, program_id=program.id)}
    people = sorted(listing, key=lambda pair: (position.get(str(pair[1].id), len(order) + 1), str(pair[1].id)))
    return ApplicantsRead(round_id=rnd.id, program_id=program.id, method=RankingMethod(entry.method), applicants=[
        ApplicantRead(helper_id=h.id, name=h.name, skills=list(h.skills),
                      choice=w.program_ids.index(str(program.id)) + 1, score=applicant_score(wanted, facts[str(h.id)]),
                      position=position.get(str(h.id)), placed=str(h.id) in placed) for w, h in people])
