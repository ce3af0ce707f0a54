"""The switches: may messages of a category reach a person by a channel? Pure.

Every settable category × person channel is on unless a stored switch says otherwise (no row
means yes). The account category (sign-in links, invitations, security) is not a switch: its
messages are critical and ignore preferences (`always_sent`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from services.notify.domain.kinds import PERSON_CHANNELS, SETTABLE_CATEGORIES, Category, Channel

Switch = tuple[Category, Channel]
Matrix = dict[Category, dict[Channel, bool]]

CATEGORY_LABELS: dict[Category, tuple[str, str]] = {
    Category.membership: ("入会・会員情報", "Membership"),
    Category.events: ("イベント", "Events"),
    Category.programs: ("事業・プログラム", "Programs"),
    Category.digests: ("まとめ（ダイジェスト）", "Digests"),
    Category.account: ("アカウント・セキュリティ", "Account and security"),
}
CATEGORY_HINTS: dict[Category, tuple[str, str]] = {
    Category.membership: ("入会申請の受付・承認・差し戻しなど", "Applications received, approved or returned"),
    Category.events: ("イベントの案内・申込・リマインダー", "Event announcements, registrations and reminders"),
    Category.programs: ("事業・プログラムの募集や結果", "Calls and results of programs"),
    Category.digests: ("1日1回のまとめのお知らせ", "Once-a-day summaries"),
    Category.account: ("ログインリンク・招待・セキュリティ", "Sign-in links, invitations, security"),
}
CHANNEL_LABELS: dict[Channel, tuple[str, str]] = {
    Channel.email: ("メール", "Email"),
    Channel.inbox: ("アプリ内のお知らせ", "In-app inbox"),
    Channel.webhook: ("Webhook", "Webhook"),
}


def settable_category(value: object) -> Category | None:
    """`value` if it names a category a person may switch, else None."""
    return next((c for c in SETTABLE_CATEGORIES if c.value == value), None)


def person_channel(value: object) -> Channel | None:
    """`value` if it names a channel a person may switch, else None."""
    return next((c for c in PERSON_CHANNELS if c.value == value), None)


def defaults() -> Matrix:
    return {category: dict.fromkeys(PERSON_CHANNELS, True) for category in SETTABLE_CATEGORIES}


def matrix(stored: Iterable[tuple[str, str, bool]]) -> Matrix:
    """The full matrix from stored (category, channel, enabled) switches; anything not stored
    is on, and stored switches outside the settable ones are left out."""
    found = defaults()
    for category, channel, enabled in stored:
        cat, chan = settable_category(category), person_channel(channel)
        if cat is not None and chan is not None:
            found[cat][chan] = bool(enabled)
    return found


def with_switches(base: Matrix, switches: Mapping[Switch, bool]) -> Matrix:
    """`base` with `switches` applied (a new matrix)."""
    found = {category: dict(channels) for category, channels in base.items()}
    for (category, channel), enabled in switches.items():
        found.setdefault(category, {})[channel] = enabled
    return found


def wanted(found: Matrix, category: str, channel: str) -> bool:
    """Whether a non-critical message of `category` may go by `channel`: on unless switched off;
    categories and channels nobody can switch are always on."""
    cat, chan = settable_category(category), person_channel(channel)
    if cat is None or chan is None:
        return True
    return found.get(cat, {}).get(chan, True)
