"""What the rounds' use cases share: the answers' shapes, who may see what, and the hosts' score."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from kit.errors import NotFound
from kit.web.auth import Principal
from services.matching.models import Helper, Program, ProgramSkill, Round, RoundProgram
from services.matching.rounds.domain.rules import RankingMethod, RoundMode, RoundStatus
from services.matching.rounds.domain.scores import ApplicantFacts, ProgramNeeds
from services.matching.rounds.schemas import QualityReportRead, RoundProgramRead, RoundRead


def round_url(base_url: str, round_id: UUID) -> str:
    """The operator's page of the round (its report)."""
    return f"{base_url.rstrip('/')}/matching/rounds/{round_id}"


def not_found() -> NotFound:
    return NotFound(ja="割り当てラウンドが見つかりません。", en="Round not found.")


def read(rnd: Round, entries: Sequence[tuple[RoundProgram, Program]], wishes: int, base_url: str,
         viewer: Principal | None) -> RoundRead:
    """The round; its seed once run, its quality report only for operators."""
    done = rnd.status == RoundStatus.done
    operator = viewer is not None and viewer.is_operator
    return RoundRead(
        id=rnd.id, title=rnd.title, mode=RoundMode(rnd.mode), max_programs=rnd.max_programs, status=rnd.status,
        seed_hash=rnd.seed_hash, seed=rnd.seed if done else None, wishes=wishes,
        programs=[RoundProgramRead(program_id=p.id, title=p.title, municipality_code=p.municipality_code,
                                   municipality=p.municipality, starts_on=p.starts_on, ends_on=p.ends_on,
                                   capacity=p.capacity, method=RankingMethod(e.method), ranked_at=e.ranked_at)
                  for e, p in entries],
        report=QualityReportRead.model_validate(rnd.report) if operator and rnd.report else None,
        created_at=rnd.created_at, run_at=rnd.run_at, url=round_url(base_url, rnd.id))


def needs(program: Program, skills: Sequence[ProgramSkill]) -> ProgramNeeds:
    return ProgramNeeds(required_skills=frozenset(s.skill for s in skills if s.required),
                        optional_skills=frozenset(s.skill for s in skills if not s.required),
                        municipality_code=program.municipality_code, prefecture_code=program.prefecture_code)


def applicant(helper: Helper, favourite_codes: set[str]) -> ApplicantFacts:
    return ApplicantFacts(skills=frozenset(helper.skills), favourite_codes=frozenset(favourite_codes),
                          home_prefecture_code=helper.home_prefecture_code)
