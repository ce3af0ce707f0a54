"""The lottery's API shapes: the public audit record, and the operator's draw."""

from __future__ import annotations

import json
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.forum.lottery.domain.draw import PROCEDURE_EN, PROCEDURE_JA
from services.forum.models import Event, Lottery


class LotteryRead(BaseModel):
    """Everything an auditor needs, and no personal data: entrants are signup ids."""

    event_id: UUID
    mode: str
    algorithm: str
    procedure_ja: str = PROCEDURE_JA
    procedure_en: str = PROCEDURE_EN
    seed_hash: str = Field(description="SHA-256 of the seed (lowercase hex), published before the lottery closes.")
    committed_at: datetime
    closes_at: datetime | None
    drawn: bool
    seed: str | None = Field(description="Revealed at the draw; null until then.")
    drawn_at: datetime | None
    entrants: list[str] | None = Field(description="The signup ids drawn from, in the order they entered.")
    winners: list[str] | None = Field(description="The signup ids given a seat, in drawn order.")

    @classmethod
    def of(cls, lottery: Lottery, event: Event) -> LotteryRead:
        drawn = lottery.drawn_at is not None
        return cls(event_id=event.id, mode=event.mode, algorithm=lottery.algorithm, seed_hash=lottery.seed_hash,
                   committed_at=lottery.committed_at, closes_at=event.lottery_closes_at, drawn=drawn,
                   seed=lottery.seed if drawn else None, drawn_at=lottery.drawn_at,
                   entrants=json.loads(lottery.entrants) if drawn and lottery.entrants else None,
                   winners=json.loads(lottery.winners) if drawn and lottery.winners else None)


class DrawRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    force: bool = Field(False, description="Draw before the closing time: the lottery closes now.")
