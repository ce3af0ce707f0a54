"""Signing up: an application, and its applicant as the member's first admin.

The applicant is emailed a link to set a password (LoginLinkRequested, purpose "password").
"""

from __future__ import annotations

from kit.contracts.registry import LoginLinkRequested
from kit.db.types import utcnow
from kit.errors import Conflict
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.registry.access import repository as repo
from services.registry.access.domain import links
from services.registry.access.domain.roles import ADMIN
from services.registry.access.service.links import mint
from services.registry.config import LinkSettings
from services.registry.domain.local_government import Gazetteer
from services.registry.membership.schemas import MemberApplicationCreate
from services.registry.membership.service.applications import create_application
from services.registry.models import Member, User


async def apply(*, uow: UnitOfWorkFactory, gazetteer: Gazetteer, keys: LinkSettings,
                data: MemberApplicationCreate) -> tuple[Member, User]:
    """Submit (or draft) an application; the applicant becomes the member's first admin."""
    email = str(data.contact_email).lower()
    async with uow() as tx:
        if await repo.user_by_email(tx.session, email) is not None:
            raise Conflict(ja="このメールアドレスは既に登録されています。ログインしてからお申し込みください。",
                           en="This email address is already registered. Please sign in first.", field="contact_email")
        member = await create_application(tx, gazetteer, data)
        user = User(id=new_event_id(), email=email, display_name=data.contact_name, role=ADMIN,
                    member_id=member.id, created_at=utcnow())
        tx.session.add(user)
        url, token = mint(tx, keys, links.PASSWORD, email, member_id=member.id)
        tx.emit(LoginLinkRequested(email=email, login_url=url, expires_at=token.expires_at, locale=data.locale,
                                   purpose=links.PASSWORD))
        await tx.commit()
    return member, user
