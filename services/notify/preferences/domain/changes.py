"""A person's settings, and how a requested change to them is checked. Pure.

A change may be partial: only what it names is touched. Every problem is collected and
reported at once, field by field in Japanese and English (422); the daily digest of new
applications is the operators' alone (403 for anyone else who sets a time).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from kit.errors import FieldProblem, Forbidden, ValidationFailed
from services.notify.domain.kinds import PERSON_CHANNELS, SETTABLE_CATEGORIES, Category
from services.notify.preferences.domain.clock import (
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    bad_time,
    parse_hhmm,
    window_problem,
)
from services.notify.preferences.domain.matrix import Switch, person_channel, settable_category

LOCALES = ("ja", "en")


@dataclass(frozen=True)
class Settings:
    """A person's own settings, as stored (the defaults when nothing is)."""

    locale: str | None = None  # None: each message in the language its event carries
    quiet_enabled: bool = True
    quiet_start: str = DEFAULT_QUIET_START  # JST HH:MM
    quiet_end: str = DEFAULT_QUIET_END
    digest_at: str | None = None  # operators: new applications once a day at this JST time


@dataclass(frozen=True)
class Requested:
    """What a person asked to change; None (or `set_…` False) leaves a setting as it is."""

    switches: Mapping[str, Mapping[str, object]] | None = None  # category → channel → on?
    quiet_enabled: bool | None = None
    quiet_start: str | None = None
    quiet_end: str | None = None
    locale: str | None = None
    set_locale: bool = False  # locale None with set_locale: back to "each message's own language"
    digest_at: str | None = None
    set_digest: bool = False  # digest_at None with set_digest: no digest, one email per application


@dataclass(frozen=True)
class Change:
    """A checked change: the switches to store, the settings as they become, and which of
    their fields (the RecipientSettings columns of the same names) the change touched."""

    switches: dict[Switch, bool] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    touched: frozenset[str] = frozenset()


def digest_forbidden() -> Forbidden:
    return Forbidden(ja="新規申請のダイジェストは事務局の担当者のみが設定できます。",
                     en="Only operators can set the daily digest of new applications.")


def decide(requested: Requested, current: Settings, *, operator: bool) -> Change:
    """The change `requested` makes to `current`, or the reasons it cannot be made."""
    if requested.set_digest and requested.digest_at is not None and not operator:
        raise digest_forbidden()
    problems: list[FieldProblem] = []
    switches = _switches(requested.switches or {}, problems)
    settings, touched = current, set[str]()
    if requested.quiet_enabled is not None:
        settings, touched = replace(settings, quiet_enabled=requested.quiet_enabled), touched | {"quiet_enabled"}
    if (start := _time(requested.quiet_start, "quiet_hours.start", problems)) is not None:
        settings, touched = replace(settings, quiet_start=start), touched | {"quiet_start"}
    if (end := _time(requested.quiet_end, "quiet_hours.end", problems)) is not None:
        settings, touched = replace(settings, quiet_end=end), touched | {"quiet_end"}
    if start is not None or end is not None:
        at = "quiet_hours.end" if end is not None else "quiet_hours.start"
        if (problem := window_problem(settings.quiet_start, settings.quiet_end, at)) is not None:
            problems.append(problem)
    if requested.set_locale:
        if requested.locale is None or requested.locale in LOCALES:
            settings, touched = replace(settings, locale=requested.locale), touched | {"locale"}
        else:
            problems.append(FieldProblem("locale", "locale", ja="言語は ja（日本語）か en（英語）を選んでください。",
                                         en="Choose ja (Japanese) or en (English) as the language."))
    if requested.set_digest:
        digest_at = _time(requested.digest_at, "digest_at", problems)
        if requested.digest_at is None or digest_at is not None:
            settings, touched = replace(settings, digest_at=digest_at), touched | {"digest_at"}
    if problems:
        raise ValidationFailed(problems)
    return Change(switches=switches, settings=settings, touched=frozenset(touched))


def _time(raw: str | None, where: str, problems: list[FieldProblem]) -> str | None:
    """`raw` as HH:MM; None when it was not given, or (a problem noted) is not a time."""
    if raw is None:
        return None
    if (hhmm := parse_hhmm(raw)) is None:
        problems.append(bad_time(where))
    return hhmm


def _switches(requested: Mapping[str, Mapping[str, object]], problems: list[FieldProblem]) -> dict[Switch, bool]:
    found: dict[Switch, bool] = {}
    for category_name, channels in requested.items():
        where = f"preferences.{category_name}"
        category = settable_category(category_name)
        if category is None:
            problems.append(_not_settable(where, category_name))
            continue
        if not isinstance(channels, Mapping):
            problems.append(FieldProblem(where, "dict_type", ja="経路ごとに true か false を指定してください。",
                                         en="Give true or false for each channel."))
            continue
        for channel_name, enabled in channels.items():
            channel = person_channel(channel_name)
            if channel is None:
                names = ", ".join(c.value for c in PERSON_CHANNELS)
                problems.append(FieldProblem(f"{where}.{channel_name}", "unknown_channel",
                                             ja=f"設定できない経路です（選べるもの：{names}）。",
                                             en=f"Not a channel you can set (choose from: {names})."))
            elif not isinstance(enabled, bool):
                problems.append(FieldProblem(f"{where}.{channel_name}", "bool_type",
                                             ja="true か false で指定してください。", en="Enter true or false."))
            else:
                found[(category, channel)] = enabled
    return found


def _not_settable(where: str, name: str) -> FieldProblem:
    if name == Category.account.value:
        return FieldProblem(where, "always_sent",
                            ja="ログイン・招待・セキュリティの連絡は必ず送られるため、オフにできません。",
                            en="Sign-in, invitation and security messages are always sent; they cannot be turned off.")
    names = ", ".join(c.value for c in SETTABLE_CATEGORIES)
    return FieldProblem(where, "unknown_category", ja=f"設定できない種類です（選べるもの：{names}）。",
                        en=f"Not a category you can set (choose from: {names}).")
