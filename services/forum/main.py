"""forum's service definition."""

from __future__ import annotations

from pathlib import Path

from kit.contracts import forum as contracts
from kit.service import ServiceDefinition
from services.forum.api import router
from services.forum.bootstrap import ForumDeps, bootstrap
from services.forum.handlers import router as handlers
from services.forum.models import MESSAGING, Base

SERVICE: ServiceDefinition[ForumDeps] = ServiceDefinition(
    name="forum", title="フォーラム・かかわりカフェ / Forums and cafés",
    bootstrap=bootstrap, api=router, handlers=handlers,
    metadata=Base.metadata, tables=MESSAGING, migrations=Path(__file__).parent / "migrations",
    produces=[
        contracts.EventPublished, contracts.EventUpdated, contracts.EventCancelled, contracts.SignupRequested,
        contracts.SignupConfirmed, contracts.SignupWaitlisted, contracts.SignupPromoted, contracts.SignupCancelled,
        contracts.SignupCheckedIn, contracts.LotteryDrawn, contracts.ReminderDue, contracts.BoothApplied,
        contracts.BoothApproved, contracts.MeetingBooked,
    ],
)
