"""registry's API shapes, named by role: Create, Read, Update, Page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, field_validator
from pydantic_core import PydanticCustomError

from services.registry.domain.membership import MemberKind, RmoLegalForm
from services.registry.domain.text import nfkc

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _tags(values: list[str]) -> list[str]:
    """Tags are free words; fold widths and drop blanks and repeats, keeping the order."""
    seen: dict[str, None] = {}
    for value in values:
        tag = nfkc(value).strip()
        if tag:
            seen.setdefault(tag, None)
    return list(seen)


Tag = Annotated[str, Field(max_length=30)]
Tags = Annotated[list[Tag], Field(max_length=10), AfterValidator(_tags)]
Website = Annotated[str, Field(max_length=500, pattern=r"^https?://\S+$")]


class MemberApplicationCreate(BaseModel):
    model_config = _STRICT

    kind: MemberKind
    legal_form: RmoLegalForm | None = None
    name: str | None = Field(default=None, max_length=200)
    name_kana: str | None = Field(default=None, max_length=200)
    local_government_code: str | None = Field(default=None, max_length=20)
    corporate_number: str | None = Field(default=None, max_length=20)
    contact_name: str = Field(min_length=1, max_length=100)
    contact_email: EmailStr
    website: Website | None = None
    locale: str = Field(default="ja", pattern="^(ja|en)$")
    directory_opt_in: bool = False
    activity_tags: Tags = []
    draft: bool = False  # keep as a draft and submit later


class MemberUpdate(BaseModel):
    """Contact and directory details any time; identity only while a draft or returned."""

    model_config = _STRICT

    name: str | None = Field(default=None, min_length=1, max_length=200)
    name_kana: str | None = Field(default=None, max_length=200)
    legal_form: RmoLegalForm | None = None
    corporate_number: str | None = Field(default=None, max_length=20)
    contact_name: str | None = Field(default=None, min_length=1, max_length=100)
    contact_email: EmailStr | None = None
    website: Website | None = None
    locale: str | None = Field(default=None, pattern="^(ja|en)$")
    directory_opt_in: bool | None = None
    activity_tags: Tags | None = None

    @field_validator("name", "contact_name", "contact_email", "locale", "directory_opt_in", "activity_tags",
                     mode="before")
    @classmethod
    def _not_cleared(cls, value: Any) -> Any:
        """Omit a field to leave it alone; these may not be set to null (others may be cleared)."""
        if value is None:
            raise PydanticCustomError("null_not_allowed", "This field cannot be cleared.",
                                      {"ja": "この項目は空にできません。"})
        return value


class TransitionRequest(BaseModel):
    model_config = _STRICT

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
    directory_opt_in: bool
    activity_tags: list[str]
    similar_to: list[str]
    created_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    ended_at: datetime | None


class MemberPage(BaseModel):
    items: list[MemberRead]
    total: int
    offset: int
    limit: int


class HistoryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: str
    from_status: str | None
    to_status: str
    actor_email: str | None
    note: str | None
    at: datetime


class ReviewQueueRead(BaseModel):
    counts: dict[str, int]
    items: list[MemberRead]


class DirectoryEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    name_kana: str | None
    kind: str
    prefecture_code: str | None
    prefecture: str | None = None
    block: str | None
    website: str | None
    activity_tags: list[str]


class DirectoryPage(BaseModel):
    items: list[DirectoryEntry]
    total: int
    offset: int
    limit: int


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


class LoginLinkCreate(BaseModel):
    model_config = _STRICT

    email: EmailStr
    locale: str = Field(default="ja", pattern="^(ja|en)$")


class LinkRedeem(BaseModel):
    model_config = _STRICT

    token: str = Field(min_length=10, max_length=500)


class PasswordSet(LinkRedeem):
    password: str = Field(min_length=10, max_length=200)


class InvitationAccept(PasswordSet):
    display_name: str = Field(min_length=1, max_length=100)


class StaffInviteCreate(BaseModel):
    model_config = _STRICT

    email: EmailStr
    role: str = Field(default="staff", pattern="^(admin|staff)$")
    locale: str = Field(default="ja", pattern="^(ja|en)$")


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


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    actor_email: str | None
    action: str
    target_type: str
    target_id: str | None
    detail: dict[str, Any]
    at: datetime


class StatsRead(BaseModel):
    as_of: date
    cutoff: datetime
    total: int
    local_governments: int
    organizations: int
    by_kind: dict[str, int]
    by_block: dict[str, int]
    by_prefecture: dict[str, int]


class SmallBaseCreate(BaseModel):
    model_config = _STRICT

    name: str = Field(min_length=1, max_length=200)
    municipality_code: str = Field(min_length=1, max_length=20)
    services: Tags = []
    operator_member_id: UUID | None = None
    opened_on: date | None = None


class SmallBaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    member_id: UUID
    name: str
    municipality_code: str
    prefecture_code: str
    services: list[str]
    operator_member_id: UUID | None
    opened_on: date | None


class SmallBaseStats(BaseModel):
    total: int
    run_by_rmo: int
    by_prefecture: dict[str, int]
    national_target: int
    reference: dict[str, int]


class ImportReport(BaseModel):
    dry_run: bool
    rows: int
    valid: int
    imported: int
    errors: list[dict[str, Any]]
