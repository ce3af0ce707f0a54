"""forum's service definition."""

from __future__ import annotations

from pathlib import Path

from kit.contracts import forum as contracts
from kit.service import ServiceDefinition
from kit.web.pages import register_templates
from services.forum.api import router
from services.forum.bootstrap import ForumDeps, bootstrap
from services.forum.handlers import router as handlers
from services.forum.models import MESSAGING, Base
from services.forum.pages import router as pages
from services.forum.seed import seed

HERE = Path(__file__).parent
register_templates("forum", HERE / "templates" / "pages")

SERVICE: ServiceDefinition[ForumDeps] = ServiceDefinition(
    name="forum", title="フォーラム・かかわりカフェ / Forums and cafés",
    bootstrap=bootstrap, api=router, pages=pages, handlers=handlers,
    metadata=Base.metadata, tables=MESSAGING, migrations=HERE / "migrations",
    produces=[
        contracts.EventPublished, contracts.EventUpdated, contracts.EventCancelled, contracts.SignupRequested,
        contracts.SignupConfirmed, contracts.SignupWaitlisted, contracts.SignupPromoted, contracts.SignupCancelled,
        contracts.SignupCheckedIn, contracts.SignupImported, contracts.LotteryDrawn, contracts.ReminderDue,
        contracts.BoothApplied, contracts.BoothApproved, contracts.MeetingBooked,
    ],
    workers=lambda deps: [deps.scheduler, deps.holds],
    seed=seed,
)
