"""The preferences API's shapes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kit.contracts.base import Locale
from kit.web.locale import as_locale
from services.notify.preferences.domain.always_sent import REASON
from services.notify.preferences.domain.changes import Requested
from services.notify.preferences.domain.clock import TIMEZONE
from services.notify.preferences.service import PreferencesView

TimeText = Field(default=None, max_length=16, description="JST time of day, HH:MM (00:00–23:59).",
                 examples=["21:00"])


class QuietHoursRead(BaseModel):
    enabled: bool = Field(description="Hold non-urgent email during the window; it is sent when the window ends, "
                                      "never dropped.")
    start: str = Field(description="JST, HH:MM", examples=["21:00"])
    end: str = Field(description="JST, HH:MM; before `start` when the window wraps midnight", examples=["08:00"])
    timezone: str = TIMEZONE


class Bilingual(BaseModel):
    ja: str
    en: str


class AlwaysSentRead(BaseModel):
    type: str = Field(description="The message type, e.g. `login_link`.")
    category: str
    ja: str
    en: str


class PreferencesRead(BaseModel):
    recipient: str = Field(description="The caller's email address, lower-cased: whose settings these are.")
    preferences: dict[str, dict[str, bool]] = Field(
        description="category → channel → on? Every settable category (membership, events, programs, digests) "
                    "× person channel (email, inbox); on unless turned off.",
        examples=[{"membership": {"email": True, "inbox": True}, "events": {"email": False, "inbox": True}}])
    quiet_hours: QuietHoursRead
    locale: Locale | None = Field(description="The language of the caller's messages; null: each message's own.")
    digest_at: str | None = Field(description="Operators: new applications in one daily email at this JST time "
                                              "(HH:MM) instead of one email each; null: one each.")
    digest_available: bool = Field(description="Whether the caller may set `digest_at` (operators only).")
    always_sent: list[AlwaysSentRead] = Field(description="Critical message types: sent whatever these settings "
                                                          "say, and not held by quiet hours.")
    always_sent_reason: Bilingual

    @classmethod
    def of(cls, view: PreferencesView) -> PreferencesRead:
        s = view.settings
        return cls(
            recipient=view.recipient,
            preferences={category.value: {channel.value: on for channel, on in channels.items()}
                         for category, channels in view.matrix.items()},
            quiet_hours=QuietHoursRead(enabled=s.quiet_enabled, start=s.quiet_start, end=s.quiet_end),
            locale=as_locale(s.locale),
            digest_at=s.digest_at, digest_available=view.operator,
            always_sent=[AlwaysSentRead(type=a.type, category=a.category, ja=a.ja, en=a.en) for a in view.always_sent],
            always_sent_reason=Bilingual(ja=REASON[0], en=REASON[1]),
        )


class QuietHoursUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = None
    start: str | None = TimeText
    end: str | None = TimeText


class PreferencesUpdate(BaseModel):
    """A partial change: only what is sent changes."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"preferences": {"events": {"email": False}}, "quiet_hours": {"start": "22:00", "end": "07:00"}},
    ]})

    preferences: dict[str, dict[str, bool]] | None = Field(
        default=None, description="category → channel → on?, for the switches to change.")
    quiet_hours: QuietHoursUpdate | None = None
    locale: Locale | None = Field(default=None, description="ja or en; null: each message's own language.")
    digest_at: str | None = Field(default=None, max_length=16,
                                  description="Operators only (403 otherwise): HH:MM JST, or null to get one "
                                              "email per new application.")

    def requested(self) -> Requested:
        quiet = self.quiet_hours or QuietHoursUpdate()
        return Requested(switches=self.preferences, quiet_enabled=quiet.enabled, quiet_start=quiet.start,
                         quiet_end=quiet.end, locale=self.locale, set_locale="locale" in self.model_fields_set,
                         digest_at=self.digest_at, set_digest="digest_at" in self.model_fields_set)
