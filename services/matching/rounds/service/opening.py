"""Opening a round over published programs (operators), and reading rounds.

The seed is chosen when the round opens and only its hash is shown until the run, like the forum's
lottery: the hosts' score ties are decided by it, so nobody can pick a seed after seeing the lists."""

from __future__ import annotations

import secrets
from uuid import UUID

from kit.db.types import utcnow
from kit.errors import FieldProblem, ValidationFailed
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.matching.models import Round, RoundProgram
from services.matching.rounds import repository
from services.matching.rounds.domain.relay import DEFAULT_MAX_PROGRAMS
from services.matching.rounds.domain.rules import (
    RankingMethod,
    RoundMode,
    RoundStatus,
    max_programs_problem,
    seed_hash,
)
from services.matching.rounds.schemas import RoundCreate, RoundRead
from services.matching.rounds.service.views import not_found, read


async def open_round(*, uow: UnitOfWorkFactory, actor: Principal, body: RoundCreate, base_url: str) -> RoundRead:
    actor.require_operator()
    max_programs = body.max_programs or (DEFAULT_MAX_PROGRAMS if body.mode == RoundMode.relay else 1)
    found = max_programs_problem(body.mode, max_programs)
    wanted = list(dict.fromkeys(body.program_ids))
    if len(wanted) != len(body.program_ids):
        found.append(FieldProblem("program_ids", "duplicate", "同じプログラムが重複しています。",
                                  "A program is listed twice."))
    async with uow() as tx:
        published = {p.id: p for p in await repository.published(tx.session, wanted)}
        found += [FieldProblem(f"program_ids[{i}]", "not_published", "公開中のプログラムを指定してください。",
                               "Name a published program.")
                  for i, program_id in enumerate(body.program_ids) if program_id not in published]
        if found:
            raise ValidationFailed(found)
        seed, now = secrets.token_hex(32), utcnow()
        rnd = Round(id=new_event_id(), title=body.title, mode=body.mode, max_programs=max_programs,
                    status=RoundStatus.open, seed=seed, seed_hash=seed_hash(seed), report=None,
                    created_by=actor.user_id, created_at=now, run_by=None, run_at=None)
        tx.session.add(rnd)
        await tx.session.flush()  # the round's row before its programs' (they refer to it)
        entries = [RoundProgram(round_id=rnd.id, program_id=program_id, method=RankingMethod.score, ranking=[],
                                ranked_by=None, ranked_at=None) for program_id in wanted]
        tx.session.add_all(entries)
        answer = read(rnd, sorted(((e, published[e.program_id]) for e in entries),
                                  key=lambda pair: (pair[1].starts_on, str(pair[1].id))), 0, base_url, actor)
        await tx.commit()
    return answer


async def detail(*, uow: UnitOfWorkFactory, viewer: Principal | None, round_id: UUID, base_url: str) -> RoundRead:
    async with uow.read() as session:
        rnd = await repository.get(session, round_id)
        if rnd is None:
            raise not_found()
        entries = await repository.programs(session, round_id)
        counts = await repository.wish_counts(session, [round_id])
    return read(rnd, entries, counts.get(round_id, 0), base_url, viewer)


async def listed(*, uow: UnitOfWorkFactory, viewer: Principal | None, limit: int, offset: int,
                 base_url: str) -> list[RoundRead]:
    """Newest first."""
    async with uow.read() as session:
        rounds = await repository.listed(session, limit=limit, offset=offset)
        counts = await repository.wish_counts(session, [r.id for r in rounds])
        entries = {r.id: await repository.programs(session, r.id) for r in rounds}
    return [read(r, entries[r.id], counts.get(r.id, 0), base_url, viewer) for r in rounds]
