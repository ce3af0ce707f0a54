"""What the gatherings dashboard calls things, in Japanese and English. Pure."""

from __future__ import annotations

KINDS: dict[str, tuple[str, str]] = {
    "block_forum": ("地域ブロック別フォーラム", "Regional block forum"),
    "national_forum": ("全国フォーラム", "National forum"),
    "cafe": ("かかわりカフェ", "Kakawari café"),
}
ONLINE_NO_CHECK_IN = ("オンライン開催のため受付記録はありません（欠席は数えません）",
                      "Online: there is no check-in, so no-shows are not counted")


def kind_label(kind: str) -> tuple[str, str]:
    """(ja, en) of a gathering's kind; an unknown kind is shown as it is named."""
    return KINDS.get(kind, (kind, kind))
