"""How a stage change is told in `matching.relation.stage_changed.v1`: the stages by their names
(collect | deepen | connect, as in the domain), and the reason, from the fact that moved it. Pure."""

from __future__ import annotations

from services.matching.participation.domain.facts import Fact, Interest, Participation, RoleTaken
from services.matching.participation.domain.stages import Stage, StageChange

PUBLIC = {stage: stage.name for stage in Stage}


def public_name(stage: Stage | None) -> str | None:
    return None if stage is None else PUBLIC[stage]


def reason_for(change: StageChange, fact: Fact) -> str:
    """What moved the relation, in a few words (ja / en)."""
    match fact:
        case RoleTaken(role=role):
            return f"役割を担った: {role} / took a role: {role}"
        case Participation() if change.after == Stage.connect:
            return "別の季節にまた参加 / came back in another season"
        case Participation(source=source):
            return f"参加 ({source}) / took part ({source})"
        case Interest(kind=kind):
            return f"関心の登録 ({kind}) / registered interest ({kind})"
        case _:
            return ""
