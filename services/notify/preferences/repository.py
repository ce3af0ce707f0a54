"""Every query of a person's settings: their RecipientSettings row and their switches.

Writes are upserts (INSERT … ON CONFLICT DO UPDATE on SQLite and PostgreSQL alike), so two
requests saving the same person's settings at once both succeed, and saving is idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db.conflict import session_insert
from services.notify.models import Preference, RecipientSettings
from services.notify.preferences.domain.changes import Settings
from services.notify.preferences.domain.matrix import Switch


async def settings(session: AsyncSession, recipient: str) -> Settings:
    """The person's settings; the defaults when they never saved any."""
    row = await session.get(RecipientSettings, recipient)
    if row is None:
        return Settings()
    return Settings(locale=row.locale, quiet_enabled=row.quiet_enabled, quiet_start=row.quiet_start,
                    quiet_end=row.quiet_end, digest_at=row.digest_at)


async def switches(session: AsyncSession, recipient: str) -> list[tuple[str, str, bool]]:
    """The person's stored switches as (category, channel, enabled); none stored means all on."""
    rows = await session.execute(select(Preference.category, Preference.channel, Preference.enabled)
                                 .where(Preference.recipient == recipient))
    return [(category, channel, bool(enabled)) for category, channel, enabled in rows.all()]


async def switch(session: AsyncSession, recipient: str, category: str, channel: str) -> bool:
    """One switch: on unless a stored row turns it off."""
    row = await session.get(Preference, (recipient, category, channel))
    return True if row is None else bool(row.enabled)


async def save_settings(session: AsyncSession, recipient: str, new: Settings, touched: frozenset[str],
                        now: datetime) -> None:
    """Store the `touched` fields of `new` (a first save stores them all, the rest as defaults)."""
    if not touched:
        return
    values = {"locale": new.locale, "quiet_enabled": new.quiet_enabled, "quiet_start": new.quiet_start,
              "quiet_end": new.quiet_end, "digest_at": new.digest_at}
    statement = session_insert(session, RecipientSettings).values(recipient=recipient, updated_at=now, **values)
    changed = {name: values[name] for name in sorted(touched)}
    await session.execute(statement.on_conflict_do_update(index_elements=["recipient"],
                                                          set_={**changed, "updated_at": now}))


async def save_switches(session: AsyncSession, recipient: str, found: Mapping[Switch, bool], now: datetime) -> None:
    """Store each switch, on or off."""
    if not found:
        return
    rows = [{"recipient": recipient, "category": category.value, "channel": channel.value, "enabled": enabled,
             "updated_at": now} for (category, channel), enabled in found.items()]
    statement = session_insert(session, Preference).values(rows)
    await session.execute(statement.on_conflict_do_update(
        index_elements=["recipient", "category", "channel"],
        set_={"enabled": statement.excluded.enabled, "updated_at": statement.excluded.updated_at}))
