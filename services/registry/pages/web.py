"""What every registry page shares: the session, the signed-in person, rendering, form checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData
from starlette.responses import Response

from kit.errors import AppError
from kit.runtime import ServiceRuntime
from kit.web.auth import Principal
from kit.web.csrf import FIELD as CSRF_FIELD
from kit.web.csrf import verify_csrf
from kit.web.locale import request_locale
from kit.web.pages import render
from kit.web.sessions import SessionCodec
from services.registry.domain.kinds import KIND_LABELS, LEGAL_FORM_LABELS
from services.registry.domain.lg_code import BLOCKS
from services.registry.domain.membership import STATUS_LABELS

MAX_FORM_FIELD = 5000


def codec(rt: ServiceRuntime) -> SessionCodec:
    return SessionCodec(secret=rt.settings.secret_key, secure=rt.settings.production)


@dataclass
class PageContext:
    """One request's session; a new one (with its CSRF token) is saved with the response."""

    request: Request
    rt: ServiceRuntime
    session: dict[str, Any]
    fresh: bool

    @classmethod
    def of(cls, request: Request) -> PageContext:
        rt: ServiceRuntime = request.app.state.runtime
        loaded = codec(rt).load(request)
        return cls(request, rt, loaded or codec(rt).new(), loaded is None)

    @property
    def who(self) -> Principal | None:
        user = self.session.get("user")
        if not isinstance(user, dict):
            return None
        return Principal(user_id=UUID(user["id"]), email=user["email"], role=user["role"],
                         member_id=UUID(user["member_id"]) if user.get("member_id") else None)

    def sign_in(self, who: Principal) -> None:
        """A new session (and CSRF token) on every sign-in, against session fixation."""
        self.session = codec(self.rt).new(user={"id": str(who.user_id), "email": who.email, "role": who.role,
                                               "member_id": str(who.member_id) if who.member_id else None})
        self.fresh = True

    def sign_out(self) -> None:
        self.session, self.fresh = codec(self.rt).new(), True

    def finish(self, response: Response) -> Response:
        if self.fresh:
            codec(self.rt).save(response, self.session)
        lang = self.request.query_params.get("lang")
        if lang in ("ja", "en"):
            response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax", path="/")
        return response

    def page(self, template: str, status: int = 200, **context: Any) -> Response:
        html = render(self.request, f"registry/{template}", who=self.who, csrf=self.session["csrf"],
                      csrf_field=CSRF_FIELD, kinds=KIND_LABELS, legal_forms=LEGAL_FORM_LABELS,
                      statuses=STATUS_LABELS, blocks=BLOCKS, **context)
        return self.finish(HTMLResponse(html, status_code=status))

    def redirect(self, url: str) -> Response:
        return self.finish(RedirectResponse(url, status_code=303))

    async def form(self) -> dict[str, str]:
        """The posted form as plain strings, after the CSRF check (403 without a matching token)."""
        try:
            raw: FormData = await self.request.form(max_files=1, max_fields=100)
        except Exception as exc:  # noqa: BLE001 - malformed bodies are the sender's fault
            raise AppError(ja="フォームの形式が正しくありません。", en="The form could not be read.",
                           status=400) from exc
        verify_csrf(None if self.fresh else self.session, raw.get(CSRF_FIELD))
        return {k: v[:MAX_FORM_FIELD] for k, v in raw.items() if isinstance(v, str)}

    @property
    def locale(self) -> str:
        return request_locale(self.request)


def messages(exc: AppError, locale: str) -> tuple[str, dict[str, str]]:
    """The error's title and field → message, in the page's language, to show beside each input."""
    japanese = locale == "ja"
    fields: dict[str, str] = {}
    for p in exc.problems:
        fields.setdefault(p.field, p.ja if japanese else p.en)
    return (exc.ja if japanese else exc.en), fields
