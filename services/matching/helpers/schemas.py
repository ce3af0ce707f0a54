"""Helpers' API shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from kit.contracts.base import DEFAULT_LOCALE, Locale
from services.matching.helpers.domain.rules import MAX_SKILLS, MAX_WINDOWS
from services.matching.programs.schemas import MunicipalityCode

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
PrefectureCode = Annotated[str, Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$", description="JIS X 0401, 01–47")]


class Window(BaseModel):
    """Days the person can come, in JST."""

    model_config = STRICT

    starts_on: date
    ends_on: date


class HelperProfile(BaseModel):
    """The profile a person keeps; their address is their sign-in's, never typed here."""

    model_config = STRICT

    name: Annotated[str, Field(min_length=1, max_length=100)]
    locale: Locale = DEFAULT_LOCALE
    skills: Annotated[list[Annotated[str, Field(max_length=40)]],
                      Field(max_length=MAX_SKILLS * 2, description="Codes from GET /skills")] = []
    interests: Annotated[list[Annotated[str, Field(min_length=1, max_length=30)]], Field(max_length=20)] = []
    home_prefecture_code: PrefectureCode | None = None
    availability: Annotated[list[Window], Field(max_length=MAX_WINDOWS)] = []
    max_travel_km: Annotated[int | None, Field(ge=0, le=3000)] = None
    online_ok: bool = False
    agree_to_purpose: bool = Field(description="Agreement to the stated purpose of use (APPI, GET "
                                               "/helpers/purpose); must be true.")

    @field_validator("agree_to_purpose")
    @classmethod
    def purpose_agreed(cls, value: bool) -> bool:
        if not value:
            raise PydanticCustomError("consent_required", "Consent to the purpose of use is required.",
                                      {"ja": "利用目的への同意が必要です。"})
        return value


class PurposeRead(BaseModel):
    version: str
    ja: str
    en: str


class FavouriteCreate(BaseModel):
    model_config = STRICT

    municipality_code: MunicipalityCode


class FavouriteRead(BaseModel):
    municipality_code: str
    municipality: str = Field(description="Full name from the official list, e.g. 岐阜県飛騨市")
    prefecture_code: str
    registered_at: datetime


class HelperRead(BaseModel):
    id: UUID
    email: str
    name: str
    locale: str
    skills: list[str]
    interests: list[str]
    home_prefecture_code: str | None
    availability: list[Window]
    max_travel_km: int | None
    online_ok: bool
    scout_consent: bool
    scout_consent_at: datetime | None
    scout_withdrawn_at: datetime | None
    purpose_version: str
    purpose_agreed_at: datetime
    favourites: list[FavouriteRead]
    created_at: datetime
    updated_at: datetime


class ApplicationExport(BaseModel):
    id: UUID
    program_id: UUID
    program_title: str
    status: str
    waitlist_ticket: int | None
    created_at: datetime
    updated_at: datetime


class HelperExport(BaseModel):
    """Everything matching holds about the person (APPI: disclosure on request)."""

    exported_at: datetime
    purpose: PurposeRead
    helper: HelperRead
    applications: list[ApplicationExport]
