"""forum's tables. So far only the messaging tables: the service's own arrive with its issue."""

from __future__ import annotations

from kit.db.types import ServiceBase, service_metadata
from kit.messaging.tables import messaging_tables


class Base(ServiceBase):
    __abstract__ = True
    metadata = service_metadata()


MESSAGING = messaging_tables(Base.metadata)
