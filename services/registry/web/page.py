"""What every registry page shares: the kit's page context (session, signed-in person, rendering,
form checks) with the registry's labels, and reading a box of tags.

Routes take `page: Page`; it carries the request, the registry's dependencies and the session,
and saves a new session (with its CSRF token) along with the response.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends

from kit.gazetteer import BLOCKS
from kit.web.page import PageContext, page_dependency
from services.registry.bootstrap import RegistryDeps
from services.registry.domain.kinds import KIND_LABELS, LEGAL_FORM_LABELS

_TAG_SEPARATORS = re.compile(r"[,、，\s]+")

LABELS = {"kinds": KIND_LABELS, "legal_forms": LEGAL_FORM_LABELS, "blocks": BLOCKS}  # every page's layout uses them
RegistryPage = PageContext[RegistryDeps]
Page = Annotated[RegistryPage, Depends(page_dependency(RegistryDeps, service="registry", globals=LABELS))]


def form_tags(text: str, limit: int) -> list[str]:
    """Tags typed in one box, split at commas (、，,) and spaces."""
    return [t for t in _TAG_SEPARATORS.split(text) if t][:limit]
