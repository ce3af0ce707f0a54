"""matching's service definition."""

from __future__ import annotations

from pathlib import Path

from kit.contracts import matching as contracts
from kit.service import ServiceDefinition
from kit.web.pages import register_templates
from services.matching.api import router
from services.matching.bootstrap import MatchingDeps, bootstrap
from services.matching.handlers import router as handlers
from services.matching.models import MESSAGING, Base
from services.matching.pages import router as pages
from services.matching.seed import seed

HERE = Path(__file__).parent
register_templates("matching", HERE / "templates" / "pages")

SERVICE: ServiceDefinition[MatchingDeps] = ServiceDefinition(
    name="matching", title="マッチング / Matching people with regional programs",
    bootstrap=bootstrap, api=router, pages=pages, handlers=handlers,
    metadata=Base.metadata, tables=MESSAGING, migrations=HERE / "migrations",
    produces=[
        contracts.ProgramPublished, contracts.ProgramClosed, contracts.ApplicationSubmitted,
        contracts.ApplicationAccepted, contracts.ApplicationWaitlisted, contracts.ApplicationWithdrawn,
        contracts.RoundCompleted, contracts.RoundUnplaced, contracts.ScoutSent, contracts.ParticipationRecorded,
        contracts.RelationStageChanged, contracts.ProgramImported, contracts.ParticipationImported,
    ],
    seed=seed,
)
