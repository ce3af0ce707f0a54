"""The base every event contract derives from, and the catalogue of all of them.

A contract is a frozen Pydantic model of an event's payload. Its type names the
producing service, the entity and a past-tense verb (`registry.member.approved`);
its version goes into the subject (`registry.member.approved.v1`), so a breaking
change is a new class beside the old one, never an edit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict

# The languages people read kakawari in: Japanese first, English available. The one Locale type,
# shared by contracts, API schemas and pages.
Locale = Literal["ja", "en"]
LOCALES: tuple[Locale, ...] = get_args(Locale)
DEFAULT_LOCALE: Locale = "ja"

CATALOGUE: dict[str, type[EventContract]] = {}


class EventContract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    event_version: ClassVar[int] = 1
    description: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_type" in cls.__dict__:
            key = cls.versioned_type()
            if key in CATALOGUE and CATALOGUE[key] is not cls:
                raise TypeError(f"two contracts claim {key}")
            CATALOGUE[key] = cls

    @classmethod
    def versioned_type(cls) -> str:
        return f"{cls.event_type}.v{cls.event_version}"

    @classmethod
    def producer(cls) -> str:
        return cls.event_type.split(".", 1)[0]



class PersonErasedBase(EventContract):
    """What every `<service>.person.erased.v1` carries: the person's address, so each service
    can blank its copy. Each producer declares its own subclass (its subject)."""

    email: str
    at: datetime
