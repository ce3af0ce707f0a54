"""Use cases of a person's notification settings: read them, change them, and the one-click
unsubscribe (and resubscribe) a signed link allows without signing in."""

from __future__ import annotations

from dataclasses import dataclass

from kit.db.types import utcnow
from kit.errors import AppError
from kit.messaging.unit_of_work import UnitOfWorkFactory
from services.notify.domain.kinds import Category, Channel
from services.notify.messages.catalog import MESSAGES
from services.notify.preferences import repository
from services.notify.preferences.domain.always_sent import AlwaysSent, always_sent
from services.notify.preferences.domain.changes import Requested, Settings, decide
from services.notify.preferences.domain.matrix import Matrix, matrix, settable_category
from services.notify.preferences.tokens import UnsubscribeLinks


@dataclass(frozen=True)
class PreferencesView:
    """A person's settings as the API and the settings page show them."""

    recipient: str
    settings: Settings
    matrix: Matrix
    operator: bool  # may set the daily digest of new applications

    @property
    def always_sent(self) -> list[AlwaysSent]:
        return always_sent_messages()


@dataclass(frozen=True)
class Unsubscription:
    """What a signed unsubscribe link names, and whether that email is on now."""

    recipient: str
    category: Category
    email_enabled: bool


def always_sent_messages() -> list[AlwaysSent]:
    """The catalog's critical message types: sent whatever a person's settings say."""
    return always_sent(MESSAGES.values())


async def view(*, uow: UnitOfWorkFactory, recipient: str, operator: bool) -> PreferencesView:
    async with uow.read() as session:
        current = await repository.settings(session, recipient)
        stored = await repository.switches(session, recipient)
    return PreferencesView(recipient, current, matrix(stored), operator)


async def update(*, uow: UnitOfWorkFactory, recipient: str, requested: Requested, operator: bool) -> PreferencesView:
    """Apply a (partial) change to the person's own settings; 422 with every bad field, 403 for a
    digest time set by anyone but an operator. Saving the same thing twice changes nothing."""
    async with uow() as tx:
        current = await repository.settings(tx.session, recipient)
        change = decide(requested, current, operator=operator)
        now = utcnow()
        await repository.save_settings(tx.session, recipient, change.settings, change.touched, now)
        await repository.save_switches(tx.session, recipient, change.switches, now)
        stored = await repository.switches(tx.session, recipient)
        await tx.commit()
    return PreferencesView(recipient, change.settings, matrix(stored), operator)


def read_link(links: UnsubscribeLinks, token: str) -> tuple[str, Category]:
    """(recipient, category) of a link this platform signed for a category one can switch off."""
    found = links.read(token) if token else None
    category = settable_category(found[1]) if found else None
    if found is None or category is None:
        raise AppError(ja="この配信停止リンクは無効です。メールに記載されたリンクをそのままお使いください。",
                       en="This unsubscribe link is not valid. Use the link exactly as the email gave it.",
                       status=400)
    return found[0].lower(), category


async def unsubscription(*, uow: UnitOfWorkFactory, links: UnsubscribeLinks, token: str) -> Unsubscription:
    """What the link would switch off, changing nothing (a GET: mail scanners prefetch links)."""
    recipient, category = read_link(links, token)
    async with uow.read() as session:
        enabled = await repository.switch(session, recipient, category.value, Channel.email.value)
    return Unsubscription(recipient, category, enabled)


async def set_email(*, uow: UnitOfWorkFactory, links: UnsubscribeLinks, token: str,
                    enabled: bool) -> Unsubscription:
    """Turn the link's category of email off (unsubscribe) or back on (resubscribe). Idempotent."""
    recipient, category = read_link(links, token)
    async with uow() as tx:
        await repository.save_switches(tx.session, recipient, {(category, Channel.email): enabled}, utcnow())
        await tx.commit()
    return Unsubscription(recipient, category, enabled)
