"""Membership's API shapes, named by role: Create, Read, Update, Page."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, field_validator
from pydantic_core import PydanticCustomError

from kit.contracts.base import DEFAULT_LOCALE, Locale
from services.registry.domain.kinds import MemberKind, RmoLegalForm
from services.registry.domain.text import nfkc

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
MAX_TAGS, TAG_LENGTH = 10, 30


def _tags(values: list[str]) -> list[str]:
    """Tags are free words; fold widths and drop blanks and repeats, keeping the order."""
    seen: dict[str, None] = {}
    for value in values:
        tag = nfkc(value).strip()
        if tag:
            seen.setdefault(tag, None)
    return list(seen)


Tag = Annotated[str, Field(max_length=TAG_LENGTH)]
Tags = Annotated[list[Tag], Field(max_length=MAX_TAGS), AfterValidator(_tags)]
Website = Annotated[str, Field(max_length=500, pattern=r"^https?://\S+$")]


class MemberApplicationCreate(BaseModel):
    model_config = STRICT

    kind: MemberKind
    legal_form: RmoLegalForm | None = None
    name: str | None = Field(default=None, max_length=200)
    name_kana: str | None = Field(default=None, max_length=200)
    local_government_code: str | None = Field(default=None, max_length=20)
    corporate_number: str | None = Field(default=None, max_length=20)
    contact_name: str = Field(min_length=1, max_length=100)
    contact_email: EmailStr
    website: Website | None = None
    locale: Locale = DEFAULT_LOCALE
    directory_opt_in: bool = False
    activity_tags: Tags = []
    draft: bool = False  # keep as a draft and submit later


class MemberUpdate(BaseModel):
    """Contact and directory details any time; identity only while a draft or returned."""

    model_config = STRICT

    name: str | None = Field(default=None, min_length=1, max_length=200)
    name_kana: str | None = Field(default=None, max_length=200)
    legal_form: RmoLegalForm | None = None
    corporate_number: str | None = Field(default=None, max_length=20)
    contact_name: str | None = Field(default=None, min_length=1, max_length=100)
    contact_email: EmailStr | None = None
    website: Website | None = None
    locale: Locale | None = None
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
    model_config = STRICT

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


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    actor_email: str | None
    action: str
    target_type: str
    target_id: str | None
    detail: dict[str, Any]
    at: datetime


class ImportReport(BaseModel):
    dry_run: bool
    rows: int
    valid: int
    imported: int
    errors: list[dict[str, Any]]
