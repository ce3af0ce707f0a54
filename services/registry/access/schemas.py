"""Access's API shapes: sign-in, tokens, emailed links, passwords, staff."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from kit.contracts.base import DEFAULT_LOCALE, Locale
from services.registry.access.domain.roles import STAFF, StaffRole
from services.registry.membership.schemas import STRICT

MIN_PASSWORD, MAX_PASSWORD = 10, 200


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    password: str = Field(min_length=1, max_length=MAX_PASSWORD)


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str
    member_id: UUID | None


class LoginLinkCreate(BaseModel):
    model_config = STRICT

    email: EmailStr
    locale: Locale = DEFAULT_LOCALE


class PersonErase(BaseModel):
    """An operator erases a person at their request (APPI); every service blanks its copy."""

    model_config = STRICT

    email: EmailStr


class LinkRedeem(BaseModel):
    model_config = STRICT

    token: str = Field(min_length=10, max_length=500)


class PasswordSet(LinkRedeem):
    password: str = Field(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD)


class InvitationAccept(PasswordSet):
    display_name: str = Field(min_length=1, max_length=100)


class StaffInviteCreate(BaseModel):
    model_config = STRICT

    email: EmailStr
    role: StaffRole = STAFF
    locale: Locale = DEFAULT_LOCALE


class InvitationRead(BaseModel):
    email: str
    role: str
    expires_at: datetime


class StaffRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    email: str
    display_name: str
    role: str
    created_at: datetime


class MeRead(BaseModel):
    user_id: UUID
    email: str
    role: str
    member_id: UUID | None
