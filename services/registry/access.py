"""Object-level access to a member: hide other members' existence, refuse the wrong role.

Staff asking about another member get the same 404 as for an id that does not
exist, so guessing ids reveals nothing.
"""

from __future__ import annotations

from uuid import UUID

from kit.errors import Forbidden, NotFound
from kit.web.auth import MEMBER_ADMIN, Principal


def require_member_access(who: Principal, member_id: UUID, *, admin: bool = False) -> None:
    if who.is_operator:
        return
    if who.member_id != member_id:
        raise NotFound(ja="会員が見つかりません。", en="Member not found.")
    if admin and who.role != MEMBER_ADMIN:
        raise Forbidden(ja="会員の管理者のみが行えます。", en="Only the member's admins may do this.")
