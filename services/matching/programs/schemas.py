"""Programs' API shapes."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from services.matching.programs.domain.rules import MAX_SKILLS, MAX_TAGS, Schedule

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _folded(value: Any) -> Any:
    """Codes pasted from PDFs and IMEs come with full-width digits."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


MunicipalityCode = Annotated[str, BeforeValidator(_folded),
                             Field(pattern=r"^\d{6}$", description="全国地方公共団体コード (6 digits), from the "
                                                                   "official list; a municipality, not a prefecture")]
Places = Annotated[int, Field(ge=1, le=10_000)]
Skills = Annotated[list[Annotated[str, Field(max_length=40)]],
                   Field(max_length=MAX_SKILLS, description="Codes from GET /skills")]
Tags = Annotated[list[Annotated[str, Field(max_length=100)]], Field(max_length=MAX_TAGS * 2)]


class ProgramCreate(BaseModel):
    model_config = STRICT

    member_id: UUID | None = Field(None, description="The posting member: operators name it; a member's staff "
                                                     "post for their own member (other ids are refused).")
    host_name: Annotated[str | None, Field(max_length=100, description="The resident host it is posted for")] = None
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=10_000)] = ""
    municipality_code: MunicipalityCode
    schedule: Schedule = Schedule.dates
    starts_on: date = Field(description="The first day (JST); with `season`, the window's first day")
    ends_on: date
    capacity: Places
    reserved: Annotated[int, Field(ge=0, le=10_000)] = 0
    online: bool = False
    required_skills: Skills = []
    optional_skills: Skills = []
    tags: Tags = []
    okaeshi: Annotated[str, Field(max_length=2000, description="What helpers get in thanks (オカエシ)")] = ""


class ProgramUpdate(BaseModel):
    """Only what is sent changes; lists are replaced whole."""

    model_config = STRICT

    host_name: Annotated[str | None, Field(max_length=100)] = None
    title: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    description: Annotated[str | None, Field(max_length=10_000)] = None
    municipality_code: MunicipalityCode | None = None
    schedule: Schedule | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    capacity: Places | None = None
    reserved: Annotated[int | None, Field(ge=0, le=10_000)] = None
    online: bool | None = None
    required_skills: Skills | None = None
    optional_skills: Skills | None = None
    tags: Tags | None = None
    okaeshi: Annotated[str | None, Field(max_length=2000)] = None


class ProgramRead(BaseModel):
    id: UUID
    member_id: UUID
    member_name: str | None = Field(description="As matching's copy of the registry knows it")
    host_name: str | None
    title: str
    description: str
    municipality_code: str
    municipality: str
    prefecture_code: str
    lat: float | None
    lon: float | None
    schedule: str
    starts_on: date
    ends_on: date
    online: bool
    required_skills: list[str]
    optional_skills: list[str]
    tags: list[str]
    okaeshi: str
    capacity: int
    reserved: int
    confirmed: int
    held: int
    waitlisted: int
    seats_left: int
    status: str
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    closed_at: datetime | None
    done_at: datetime | None
    url: str = Field(description="The program's public page")


class SkillRead(BaseModel):
    code: str
    ja: str
    en: str
