"""registry's API shapes, named by role: Create, Read, Update, Page."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from services.registry.domain.membership import MemberKind, RmoLegalForm


class MemberApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: MemberKind
    legal_form: RmoLegalForm | None = None
    name: str | None = Field(default=None, max_length=200)
    local_government_code: str | None = Field(default=None, max_length=20)
    corporate_number: str | None = Field(default=None, max_length=20)
    contact_name: str = Field(min_length=1, max_length=100)
    contact_email: EmailStr
    website: str | None = Field(default=None, max_length=500)
    locale: str = Field(default="ja", pattern="^(ja|en)$")


class TransitionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(default=None, max_length=2000)


class MemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    kind: str
    legal_form: str | None
    name: str
    name_kana: str | None
    local_government_code: str | None
    corporate_number: str | None
    prefecture_code: str | None
    block: str | None
    status: str
    contact_name: str
    contact_email: str
    website: str | None
    created_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None


class LocalGovernmentRead(BaseModel):
    code: str
    name: str
    kana: str
    prefecture: str
    prefecture_code: str
    block: str
    kind: str


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    password: str = Field(min_length=1, max_length=200)


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str
    member_id: UUID | None
