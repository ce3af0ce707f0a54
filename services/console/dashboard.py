"""What every dashboard page shares: operators only, the day the figures are as of, when they last
moved, and the pages' script and style (./static); the nav across the dashboards is in
templates/pages/layout.html.

A dashboard route is `dashboard(...)`: it checks `page.require_operator()` (nobody signed in: to
sign in; anyone else: 403), reads its slice's figures as of the chosen day with the slice's `Read`
and renders with `show(...)`, which gives console/layout.html what it needs; its CSV is
`download(...)`, behind the same check. The pages' assets and live stream are fetched by the page,
not visited: they answer 401 or 403 instead of redirecting (`signed_in_operator`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kit.db.types import utcnow
from kit.errors import Unauthorized
from kit.web.auth import Principal
from kit.web.static import static_router
from services.console.changes import service as changes
from services.console.domain.as_of import today_jst
from services.console.web import ConsolePage, Page, csv_answer

Say = Callable[[str, str], str]  # t(ja, en): the page's language of the two
Export = Callable[..., Awaitable[tuple[date, bytes]]]  # a slice's figures_csv(*, uow, as_of, locale)
# A dashboard's figures as of a day read at `now`: what its template is rendered with.
Read = Callable[[ConsolePage, date | None, datetime], Awaitable[dict[str, Any]]]


def signed_in_operator(page: ConsolePage) -> Principal:
    """The operator behind a script's request: 401 when nobody is signed in, 403 for anyone else."""
    who = page.require_operator()
    if who is None:
        raise Unauthorized()
    return who


async def _operators_only(page: Page) -> None:
    signed_in_operator(page)


# The pages' script and style at /console/assets/<name>, for operators only like every console route.
assets = APIRouter(include_in_schema=False, dependencies=[Depends(_operators_only)])
assets.include_router(static_router(Path(__file__).parent / "static"))


def as_of_query(as_of: date | None) -> str:
    """The query that keeps a chosen day across links (none for today, the default)."""
    return f"?as_of={as_of.isoformat()}" if as_of else ""


async def show(page: ConsolePage, template: str, *, as_of: date | None, now: datetime,
               csv: str | None = None, **context: Any) -> Response:
    """Render a dashboard in the console's frame: `as_of` as asked (None: today in JST), `now` when
    its figures were read, `csv` the export's path under /console (its as-of query is added here)."""
    progress = await changes.progress(uow=page.deps.uow)
    keep = as_of_query(as_of)
    return page.page(template, as_of=as_of or today_jst(now), keep=keep, read_at=now,
                     updated=progress.last_applied_at,
                     csv=f"{page.request.scope.get('root_path', '')}/{csv}{keep}" if csv else None,
                     trace_url=page.deps.trace_url, **context)


async def dashboard(page: ConsolePage, template: str, read: Read, *, as_of: date | None,
                    csv: str | None = None) -> Response:
    """A dashboard for the signed-in operator (anyone else: to sign in, or 403): its figures as of
    `as_of` from `read`, all read at one clock, shown in the console's frame."""
    if page.require_operator() is None:
        return page.login_redirect()
    now = utcnow()
    return await show(page, template, as_of=as_of, now=now, csv=csv, **await read(page, as_of, now))


def say(page: ConsolePage) -> Say:
    """The templates' `t` for the page's code: chart labels in the page's language."""
    japanese = page.locale == "ja"
    return lambda ja, en: ja if japanese else en


async def download(page: ConsolePage, dashboard: str, export: Export, as_of: date | None) -> Response:
    """A dashboard's CSV for the signed-in operator (the API's `.csv` routes take a bearer token,
    which a link in the page cannot send): the slice's own export, in the page's language. Nobody
    signed in: to sign in; anyone else: 403."""
    if page.require_operator() is None:
        return page.login_redirect()
    return page.finish(csv_answer(dashboard, *await export(uow=page.deps.uow, as_of=as_of, locale=page.locale)))
