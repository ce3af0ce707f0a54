"""What the notifications dashboard calls things, in Japanese and English. Pure."""

from __future__ import annotations

STATES: dict[str, tuple[str, str]] = {
    "sent": ("送信済み", "Sent"),
    "deferred": ("保留中", "Deferred"),
    "failed": ("送信失敗", "Failed"),
    "bounced": ("不達（バウンス）", "Bounced"),
}
CHANNELS: dict[str, tuple[str, str]] = {
    "email": ("メール", "Email"),
    "webhook": ("Webhook", "Webhook"),
}


def state_label(state: str) -> tuple[str, str]:
    return STATES.get(state, (state, state))


def channel_label(channel: str) -> tuple[str, str]:
    return CHANNELS.get(channel, (channel, channel))
