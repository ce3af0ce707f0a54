"""Who acts for a member: its admins manage staff and details, its staff only read.

The words are the bearer token's roles (`kit.web.auth`: operator, admin, staff).
"""

from __future__ import annotations

from typing import Literal

from kit.errors import Conflict

StaffRole = Literal["admin", "staff"]
ADMIN: StaffRole = "admin"
STAFF: StaffRole = "staff"
STAFF_ROLES: tuple[StaffRole, ...] = (ADMIN, STAFF)


def check_removal(role: str, admins: int) -> None:
    """A member keeps at least one admin, or nobody could manage it again."""
    if role == ADMIN and admins <= 1:
        raise Conflict(ja="最後の管理者は削除できません。", en="The last admin cannot be removed.")


def as_staff_role(value: object) -> StaffRole | None:
    """`value` if it names a staff role, else None."""
    return next((role for role in STAFF_ROLES if role == value), None)
