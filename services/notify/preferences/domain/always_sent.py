"""Critical messages ignore preferences (and quiet hours): the rule as data the settings page
and the API show, so a person knows what they will get whatever they switch off. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


class MessageKind(Protocol):
    """What the rule needs of a message type (the catalog's `MessageType` has it)."""

    @property
    def name(self) -> str: ...

    @property
    def category(self) -> str: ...

    @property
    def critical(self) -> bool: ...


@dataclass(frozen=True)
class AlwaysSent:
    type: str  # the message type, as the catalog names it
    category: str
    ja: str
    en: str


# How each critical message type is called on the settings page.
LABELS: dict[str, tuple[str, str]] = {
    "login_link": ("ログインリンク・パスワード設定のメール", "Sign-in links and password set-up emails"),
    "signup_requested": ("イベント申込みのメールアドレス確認リンク",
                         "Email address confirmation links for event signups"),
    "staff_invited": ("会員のスタッフとしての招待", "Invitations to act for a member as staff"),
    "webhook_disabled": ("Webhook の停止のお知らせ（セキュリティ・運用上の連絡）",
                         "Notices that a webhook was turned off (security and operations)"),
}
REASON: tuple[str, str] = (
    "ログインやアカウントの安全に関わる連絡、法令上お送りする必要がある連絡は、上の設定にかかわらず必ず"
    "お送りします。これらが届かないと、ログインできなくなったり、アカウントの安全を守れなくなったりするため"
    "です。静かな時間帯による配信の保留もしません。",
    "Messages about signing in, the security of your account, and anything the law requires us to send are "
    "always sent, whatever the settings above say: without them you could not sign in or keep your account "
    "safe. Quiet hours do not hold them back either.",
)


def always_sent(kinds: Iterable[MessageKind]) -> list[AlwaysSent]:
    """The critical message types, labelled in Japanese and English, in the order given."""
    found: list[AlwaysSent] = []
    for kind in kinds:
        if not kind.critical:
            continue
        ja, en = LABELS.get(kind.name, (f"アカウント・セキュリティに関する連絡（{kind.name}）",
                                        f"Account and security messages ({kind.name})"))
        found.append(AlwaysSent(type=kind.name, category=str(kind.category), ja=ja, en=en))
    return found
