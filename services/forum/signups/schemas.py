"""Signups' API shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from kit.contracts.base import DEFAULT_LOCALE, Locale

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
PrefectureCode = Annotated[str, Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$", description="JIS X 0401, 01–47")]


class SignupCreate(BaseModel):
    model_config = STRICT

    name: Annotated[str, Field(min_length=1, max_length=100)]
    name_kana: Annotated[str, Field(max_length=100)] = ""
    email: EmailStr
    affiliation: Annotated[str, Field(max_length=200)] = ""
    prefecture_code: PrefectureCode | None = None
    consent: bool = Field(description="Agreement to the stated purpose of use (APPI); must be true.")
    locale: Locale = DEFAULT_LOCALE

    @field_validator("consent")
    @classmethod
    def consent_given(cls, value: bool) -> bool:
        if not value:
            raise ValueError("利用目的への同意が必要です。 / Consent to the purpose of use is required.")
        return value


class SeriesWaitlistCreate(SignupCreate):
    """One waitlist entry for several dates of a café series: the first date that frees up wins."""

    event_ids: Annotated[list[UUID], Field(min_length=1, max_length=12)]


class SignupRead(BaseModel):
    """The answer to a signup: its state, the place in line if waitlisted, and (for a new signup)
    the signed link to manage it (cancel, details, calendar)."""

    id: UUID
    status: str
    waitlist_position: int | None
    manage_url: str | None = Field(description="The signed link to manage this signup; null when the address "
                                               "already had a signup (its link was emailed to that address).")


class SignupDetail(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    event_id: UUID
    status: str
    name: str
    affiliation: str
    email: str
    hold_expires_at: datetime | None
    offer_expires_at: datetime | None
    checked_in_at: datetime | None
    created_at: datetime
    waitlist_position: int | None = None


class TokenBody(BaseModel):
    model_config = STRICT

    token: Annotated[str, Field(min_length=1, max_length=500)]
