"""What every registry page shares: the session, the signed-in person, rendering, form checks.

Routes take `page: Page`; it carries the request, the registry's dependencies and the session,
and saves a new session (with its CSRF token) along with the response.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData
from starlette.responses import Response

from kit.contracts.base import Locale
from kit.errors import AppError
from kit.web.auth import Principal
from kit.web.csrf import FIELD as CSRF_FIELD
from kit.web.csrf import verify_csrf
from kit.web.locale import as_locale, request_locale
from kit.web.pages import render
from kit.web.sessions import session_user, signed_in
from services.registry.bootstrap import RegistryDeps
from services.registry.domain.kinds import KIND_LABELS, LEGAL_FORM_LABELS
from services.registry.domain.lg_code import BLOCKS
from services.registry.web.deps import Deps

MAX_FORM_FIELD = 5000
LANG_COOKIE_AGE_S = 365 * 86400
_TAG_SEPARATORS = re.compile(r"[,、，\s]+")


@dataclass
class PageContext:
    """One request's session; a new one (with its CSRF token) is saved with the response."""

    request: Request
    deps: RegistryDeps
    session: dict[str, Any]
    fresh: bool

    @property
    def who(self) -> Principal | None:
        return signed_in(self.session)

    @property
    def member_user(self) -> Principal | None:
        """The signed-in person if they act for a member (operators have no membership pages)."""
        who = self.who
        return who if who is not None and who.member_id is not None else None

    @property
    def operator(self) -> Principal | None:
        """The signed-in person if they are an operator (事務局)."""
        who = self.who
        return who if who is not None and who.is_operator else None

    @property
    def locale(self) -> Locale:
        return request_locale(self.request)

    def sign_in(self, who: Principal) -> None:
        """A new session (and CSRF token) on every sign-in, against session fixation."""
        self.session, self.fresh = self.deps.sessions.new(user=session_user(who)), True

    def sign_out(self) -> None:
        self.session, self.fresh = self.deps.sessions.new(), True

    def finish(self, response: Response) -> Response:
        if self.fresh:
            self.deps.sessions.save(response, self.session)
        if (lang := as_locale(self.request.query_params.get("lang"))) is not None:
            response.set_cookie("lang", lang, max_age=LANG_COOKIE_AGE_S, samesite="lax", path="/")
        return response

    def page(self, template: str, status: int = 200, **context: Any) -> Response:
        """Render `registry/<template>` with what every page's layout needs."""
        html = render(self.request, f"registry/{template}", who=self.who, csrf=self.session["csrf"],
                      csrf_field=CSRF_FIELD, kinds=KIND_LABELS, legal_forms=LEGAL_FORM_LABELS, blocks=BLOCKS,
                      **context)
        return self.finish(HTMLResponse(html, status_code=status))

    def redirect(self, url: str) -> Response:
        return self.finish(RedirectResponse(url, status_code=303))

    async def form(self) -> dict[str, str]:
        """The posted form as plain strings, after the CSRF check (403 without a matching token)."""
        raw = await self.raw_form()
        return {k: v[:MAX_FORM_FIELD] for k, v in raw.items() if isinstance(v, str)}

    async def raw_form(self) -> FormData:
        """The posted form with its files, after the CSRF check."""
        try:
            raw: FormData = await self.request.form(max_files=1, max_fields=100)
        except Exception as exc:  # noqa: BLE001 - malformed bodies are the sender's fault
            raise AppError(ja="フォームの形式が正しくありません。", en="The form could not be read.",
                           status=400) from exc
        verify_csrf(None if self.fresh else self.session, raw.get(CSRF_FIELD))
        return raw


async def page_context(request: Request, deps: Deps) -> PageContext:
    # async: FastAPI runs a plain function dependency on a worker thread, a hop per request
    loaded = deps.sessions.load(request)
    return PageContext(request, deps, loaded or deps.sessions.new(), loaded is None)


Page = Annotated[PageContext, Depends(page_context)]


def messages(exc: AppError, locale: Locale) -> tuple[str, dict[str, str]]:
    """The error's title and field → message, in the page's language, to show beside each input."""
    japanese = locale == "ja"
    fields: dict[str, str] = {}
    for p in exc.problems:
        fields.setdefault(p.field, p.ja if japanese else p.en)
    return (exc.ja if japanese else exc.en), fields


def form_tags(text: str, limit: int) -> list[str]:
    """Tags typed in one box, split at commas (、，,) and spaces."""
    return [t for t in _TAG_SEPARATORS.split(text) if t][:limit]
