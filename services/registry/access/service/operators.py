"""The platform's operators (事務局). Nobody can invite the first one, so they are created where the
registry's database is reached directly: `kakawari operator create` (kakawari/operator_cli.py), in
production too. Either with a password, or with none and a one-time link to set it and sign in."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from pydantic import EmailStr, TypeAdapter, ValidationError

from kit.db.types import utcnow
from kit.errors import Conflict, FieldProblem, ValidationFailed
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import OPERATOR
from services.registry.access import repository as repo
from services.registry.access.domain import links
from services.registry.access.domain.passwords import hash_password
from services.registry.access.schemas import MAX_PASSWORD, MIN_PASSWORD
from services.registry.access.service.links import mint
from services.registry.config import LinkSettings
from services.registry.models import AuditEntry, User

MAX_NAME = 100
DEFAULT_NAME = "かかわりラボ事務局"
_EMAIL = TypeAdapter(EmailStr)


@dataclass(frozen=True)
class OperatorCreated:
    user_id: UUID
    email: str
    set_password_url: str | None  # when created without a password: single use, expires with its purpose


def check_operator(email: str, display_name: str, password: str | None) -> str:
    """The normalised email, or ValidationFailed naming every field that is wrong."""
    problems = []
    try:
        email = _EMAIL.validate_python(email.strip()).lower()
    except ValidationError:
        problems.append(FieldProblem("email", "email", "メールアドレスが正しくありません。",
                                     "Not a valid email address."))
    if not 0 < len(display_name.strip()) <= MAX_NAME:
        problems.append(FieldProblem("display_name", "length", f"名前は1〜{MAX_NAME}文字で入力してください。",
                                     f"Use a name of 1 to {MAX_NAME} characters."))
    if password is not None and not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        problems.append(FieldProblem("password", "length", f"パスワードは{MIN_PASSWORD}文字以上で入力してください。",
                                     f"Use a password of at least {MIN_PASSWORD} characters."))
    if problems:
        raise ValidationFailed(problems)
    return email


async def create_operator(*, uow: UnitOfWorkFactory, keys: LinkSettings, email: str, display_name: str,
                          password: str | None, via: str) -> OperatorCreated:
    """A new operator account; 409 if anyone already signs in with that email (nothing is changed).
    Without a password, the account gets a one-time link to set one (and sign in) instead.
    The act is audited with no actor (`via` says where it came from)."""
    email = check_operator(email, display_name, password)
    async with uow() as tx:
        if await repo.user_by_email(tx.session, email) is not None:
            raise Conflict(ja="このメールアドレスの利用者は既にいます。", en="A user with this email already exists.",
                           field="email")
        user = User(id=new_event_id(), email=email, display_name=display_name.strip(), role=OPERATOR,
                    password_hash=hash_password(password) if password is not None else None, created_at=utcnow())
        tx.session.add(user)
        url = None
        if password is None:
            url, _ = mint(tx, keys, links.PASSWORD, email)
        tx.session.add(AuditEntry(id=new_event_id(), actor_id=None, actor_email=None, action="operator.create",
                                  target_type="user", target_id=str(user.id),
                                  detail={"email": email, "via": via, "password": password is not None}, at=utcnow()))
        await tx.commit()
    return OperatorCreated(user_id=user.id, email=email, set_password_url=url)
