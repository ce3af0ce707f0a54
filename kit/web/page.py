"""What every server-rendered page shares: the session, the signed-in person, rendering with the
CSRF token, form checks, and the language cookie. One helper for every service's pages.

A service declares its page dependency once:

    Page = Annotated[PageContext[NotifyDeps], Depends(page_dependency(NotifyDeps, service="notify"))]

and routes take `page: Page`. A new session (with its CSRF token) is saved with the response.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData
from starlette.responses import Response

from kit.contracts.base import Locale
from kit.errors import AppError, Forbidden
from kit.web.auth import Principal
from kit.web.csrf import FIELD as CSRF_FIELD
from kit.web.csrf import verify_csrf
from kit.web.deps import app_deps
from kit.web.locale import as_locale, request_locale
from kit.web.pages import render
from kit.web.sessions import SessionCodec, session_user, signed_in

MAX_FORM_FIELD = 5000
LANG_COOKIE_AGE_S = 365 * 86400


class HasSessions(Protocol):
    @property
    def sessions(self) -> SessionCodec: ...


D = TypeVar("D", bound=HasSessions)


@dataclass
class PageContext(Generic[D]):
    """One request's session; a new one (with its CSRF token) is saved with the response."""

    request: Request
    deps: D
    session: dict[str, Any]
    fresh: bool
    service: str
    globals: Mapping[str, Any] = field(default_factory=dict)  # what every page of the service renders with

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

    def require_operator(self) -> Principal | None:
        """The signed-in operator; None when nobody is signed in (send them to sign in, with
        `login_redirect`); a 403 for anyone else."""
        who = self.who
        if who is not None and not who.is_operator:
            raise Forbidden(ja="運営者のみが利用できます（事務局）。", en="Operators only.")
        return who

    @property
    def wants_json(self) -> bool:
        """A page's script asked for JSON (fetch with `Accept: application/json`) rather than HTML."""
        return "application/json" in self.request.headers.get("accept", "")

    @property
    def locale(self) -> Locale:
        return request_locale(self.request)

    def sign_in(self, who: Principal) -> None:
        """A new session (and CSRF token) on every sign-in, against session fixation."""
        self.session, self.fresh = self.deps.sessions.new(user=session_user(who)), True

    def sign_out(self) -> None:
        self.session, self.fresh = self.deps.sessions.new(), True

    def login_redirect(self, back: str | None = None) -> Response:
        """To the sign-in page, coming back here afterwards (or to `back`: a form's page, since
        a POST's own address cannot be opened again)."""
        if back is None:
            back = self.request.url.path + (f"?{self.request.url.query}" if self.request.url.query else "")
        return self.redirect(f"/registry/login?next={back}")

    def finish(self, response: Response) -> Response:
        if self.fresh:
            self.deps.sessions.save(response, self.session)
        if (lang := as_locale(self.request.query_params.get("lang"))) is not None:
            response.set_cookie("lang", lang, max_age=LANG_COOKIE_AGE_S, samesite="lax", path="/")
        return response

    def page(self, template: str, status: int = 200, **context: Any) -> Response:
        """Render `<service>/<template>` with what every page's layout needs."""
        html = render(self.request, f"{self.service}/{template}", who=self.who, csrf=self.session["csrf"],
                      csrf_field=CSRF_FIELD, **self.globals, **context)
        return self.finish(HTMLResponse(html, status_code=status))

    def redirect(self, url: str) -> Response:
        return self.finish(RedirectResponse(url, status_code=303))

    async def form(self, *, csrf: bool = True) -> dict[str, str]:
        """The posted form as plain strings, after the CSRF check (403 without a matching token).
        `csrf=False` only where something else proves the sender (a signed link's token)."""
        raw = await self.raw_form(csrf=csrf)
        return {k: v[:MAX_FORM_FIELD] for k, v in raw.items() if isinstance(v, str)}

    async def raw_form(self, *, csrf: bool = True) -> FormData:
        """The posted form with its files, after the CSRF check."""
        try:
            raw: FormData = await self.request.form(max_files=1, max_fields=100)
        except Exception as exc:  # noqa: BLE001 - malformed bodies are the sender's fault
            raise AppError(ja="フォームの形式が正しくありません。", en="The form could not be read.",
                           status=400) from exc
        if csrf:
            verify_csrf(None if self.fresh else self.session, raw.get(CSRF_FIELD))
        return raw


def page_dependency(deps_type: type[D], *, service: str, globals: Mapping[str, Any] | None = None
                    ) -> Callable[..., Awaitable[PageContext[D]]]:
    """The FastAPI dependency that builds a service's `PageContext` for each request."""
    shared = dict(globals or {})

    async def page_context(request: Request) -> PageContext[D]:
        # async: FastAPI runs a plain function dependency on a worker thread, a hop per request
        deps = app_deps(request, deps_type)
        loaded = deps.sessions.load(request)
        return PageContext(request, deps, loaded or deps.sessions.new(), loaded is None, service, shared)

    return page_context


def messages(exc: AppError, locale: Locale) -> tuple[str, dict[str, str]]:
    """The error's title and field → message, in the page's language, to show beside each input."""
    japanese = locale == "ja"
    fields: dict[str, str] = {}
    for p in exc.problems:
        fields.setdefault(p.field, p.ja if japanese else p.en)
    return (exc.ja if japanese else exc.en), fields
