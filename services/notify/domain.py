"""What a notification says, per event and locale. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from kit.contracts.registry import MemberApproved


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def member_approved_message(event: MemberApproved, locale: str) -> Message:
    if locale == "en":
        return Message(
            subject=f"[Kakawari Lab] Membership approved: {event.name}",
            body=(f"Your membership application for {event.name} has been approved.\n"
                  "Welcome to Kakawari Lab, the public-private network for related population.\n"),
        )
    return Message(
        subject=f"【かかわりラボ】入会承認のお知らせ：{event.name}",
        body=(f"{event.name} 様\n\nかかわりラボへの入会申請が承認されました。\n"
              "関係人口の創出・拡大に向けて、ともに取り組んでまいりましょう。\n\n"
              "関係人口創出・拡大官民連携全国協議会（かかわりラボ）事務局\n"),
    )
