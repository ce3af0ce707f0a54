"""registry's service definition: what the runtime needs to run it."""

from __future__ import annotations

from pathlib import Path

from kit.contracts import registry as contracts
from kit.service import ServiceDefinition
from kit.web.pages import register_templates
from services.registry.api import router
from services.registry.bootstrap import RegistryDeps, bootstrap
from services.registry.handlers import router as handlers
from services.registry.models import MESSAGING, Base
from services.registry.pages import router as pages
from services.registry.seed import seed

HERE = Path(__file__).parent
register_templates("registry", HERE / "templates")

SERVICE: ServiceDefinition[RegistryDeps] = ServiceDefinition(
    name="registry",
    title="会員登録・名簿 / Members and directory",
    bootstrap=bootstrap,
    api=router,
    handlers=handlers,
    metadata=Base.metadata,
    tables=MESSAGING,
    migrations=HERE / "migrations",
    produces=[
        contracts.MemberApplied, contracts.MemberApproved, contracts.MemberRejected, contracts.MemberReturned,
        contracts.MemberSuspended, contracts.MemberWithdrawn, contracts.MemberUpdated, contracts.MemberImported,
        contracts.SmallBaseRegistered, contracts.StaffInvited, contracts.LoginLinkRequested, contracts.PersonErased,
    ],
    pages=pages,
    seed=seed,
)
