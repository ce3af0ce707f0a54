"""What each notification says, per event and locale. Pure: no I/O.

Japanese is the default; English when the recipient chose it. Times are JST.
"""

from __future__ import annotations

from dataclasses import dataclass

from kit.contracts.registry import (
    LoginLinkRequested,
    MemberApproved,
    MemberRejected,
    MemberReturned,
    StaffInvited,
)
from kit.jst import jst

SIGNATURE_JA = "関係人口創出・拡大官民連携全国協議会（かかわりラボ）事務局"
SIGNATURE_EN = "Kakawari Lab secretariat (public-private council for related population)"


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def member_approved(event: MemberApproved, locale: str) -> Message:
    if locale == "en":
        return Message(f"[Kakawari Lab] Membership approved: {event.name}",
                       f"Your membership application for {event.name} has been approved.\n"
                       f"Welcome to Kakawari Lab.\n\n{SIGNATURE_EN}\n")
    return Message(f"【かかわりラボ】入会承認のお知らせ：{event.name}",
                   f"{event.name} 様\n\nかかわりラボへの入会申請が承認されました。\n"
                   f"関係人口の創出・拡大に向けて、ともに取り組んでまいりましょう。\n\n{SIGNATURE_JA}\n")


def member_rejected(event: MemberRejected, locale: str) -> Message:
    if locale == "en":
        return Message(f"[Kakawari Lab] About your application: {event.name}",
                       f"We are sorry: the application for {event.name} was not approved.\n"
                       f"Reason: {event.note or '-'}\n\n{SIGNATURE_EN}\n")
    return Message(f"【かかわりラボ】入会申請の審査結果：{event.name}",
                   f"{event.name} 様\n\n誠に恐れ入りますが、入会申請は承認されませんでした。\n"
                   f"理由：{event.note or '－'}\n\n{SIGNATURE_JA}\n")


def member_returned(event: MemberReturned, locale: str) -> Message:
    if locale == "en":
        return Message(f"[Kakawari Lab] Please update your application: {event.name}",
                       f"Your application for {event.name} was returned for changes.\n"
                       f"Comment: {event.note or '-'}\nPlease sign in, update it and submit it again.\n\n"
                       f"{SIGNATURE_EN}\n")
    return Message(f"【かかわりラボ】入会申請の修正のお願い：{event.name}",
                   f"{event.name} 様\n\n入会申請について修正をお願いいたします。\n"
                   f"コメント：{event.note or '－'}\nログインのうえ修正し、再度ご提出ください。\n\n{SIGNATURE_JA}\n")


def staff_invited(event: StaffInvited, locale: str) -> Message:
    expires = jst(event.expires_at, "%Y-%m-%d %H:%M JST")
    if locale == "en":
        return Message(f"[Kakawari Lab] Invitation from {event.member_name}",
                       f"You are invited to act for {event.member_name} on Kakawari Lab ({event.role}).\n"
                       f"Accept here: {event.invite_url}\nThe link expires at {expires}.\n\n{SIGNATURE_EN}\n")
    return Message(f"【かかわりラボ】{event.member_name} からの招待",
                   f"{event.member_name} のメンバー（{'管理者' if event.role == 'admin' else '担当者'}）として"
                   f"かかわりラボに招待されました。\n次のリンクから登録してください：{event.invite_url}\n"
                   f"有効期限：{expires}\n\n{SIGNATURE_JA}\n")


def login_link(event: LoginLinkRequested, locale: str) -> Message:
    expires = jst(event.expires_at, "%Y-%m-%d %H:%M JST")
    setting_password = event.purpose == "password"
    if locale == "en":
        what = "set your password" if setting_password else "sign in"
        return Message(f"[Kakawari Lab] Link to {what}",
                       f"Use this link to {what}: {event.login_url}\nIt works once and expires at {expires}.\n"
                       f"If you did not ask for it, ignore this mail.\n\n{SIGNATURE_EN}\n")
    what = "パスワードの設定" if setting_password else "ログイン"
    return Message(f"【かかわりラボ】{what}用リンク",
                   f"次のリンクから{what}を行ってください：{event.login_url}\n"
                   f"リンクは1回限り有効で、有効期限は {expires} です。\n"
                   f"お心当たりのない場合は、このメールを破棄してください。\n\n{SIGNATURE_JA}\n")
