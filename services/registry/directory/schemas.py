"""The public API's shapes: directory entries, figures, local governments."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from services.registry.domain.local_government import LocalGovernment


class DirectoryEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    name_kana: str | None
    kind: str
    prefecture_code: str | None
    prefecture: str | None = None  # the prefecture's name, from the gazetteer
    block: str | None
    website: str | None
    activity_tags: list[str]


class DirectoryPage(BaseModel):
    items: list[DirectoryEntry]
    total: int
    offset: int
    limit: int


class StatsRead(BaseModel):
    as_of: date
    cutoff: datetime
    total: int
    local_governments: int
    organizations: int
    by_kind: dict[str, int]
    by_block: dict[str, int]
    by_prefecture: dict[str, int]


class LocalGovernmentRead(BaseModel):
    code: str
    name: str
    kana: str
    prefecture: str
    prefecture_code: str
    block: str
    kind: str

    @classmethod
    def of(cls, lg: LocalGovernment) -> LocalGovernmentRead:
        return cls(code=lg.code, name=lg.name, kana=lg.kana, prefecture=lg.prefecture,
                   prefecture_code=lg.prefecture_code, block=lg.block, kind=lg.kind)
