"""The overview's shape: every dashboard's figures as of one day, in one answer."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from services.console.gatherings.schemas import GatheringFigures
from services.console.network.schemas import NetworkFigures, SmallBaseFigures
from services.console.notifications.schemas import NotificationFigures
from services.console.programs.schemas import ProgramFigures


class Overview(BaseModel):
    """The network, 小さな拠点, gatherings, programs and notifications, all as of `as_of` (read at `read_at`)."""

    as_of: date
    read_at: datetime
    network: NetworkFigures
    small_bases: SmallBaseFigures
    gatherings: GatheringFigures
    programs: ProgramFigures
    notifications: NotificationFigures
