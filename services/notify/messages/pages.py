"""The operators' template preview: every registered message type, in Japanese and English,
rendered with its sample data, so wording and layout can be checked without sending anything."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response
from jinja2 import TemplateError

from kit.contracts.base import LOCALES, Locale
from services.notify.messages.catalog import MESSAGES, MessageType
from services.notify.messages.render import Rendered, render, render_line
from services.notify.messages.samples import sample_links
from services.notify.web import Page

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Preview:
    locale: Locale
    rendered: Rendered | None
    line: str | None  # a digest type's line in the daily digest
    error: str | None  # a broken template shows here instead of failing the whole page


def preview(message: MessageType, locale: Locale) -> Preview:
    try:
        sample = message.sample()
        data = {**sample, "links": sample_links(critical=message.critical)}
        line = render_line(message.name, locale, sample) if message.digest else None
        return Preview(locale, render(message.name, locale, data), line, None)
    except TemplateError as exc:
        return Preview(locale, None, None, f"{type(exc).__name__}: {exc}")


@router.get("/templates", response_model=None)
async def templates(page: Page) -> Response:
    """Every message type in both languages with its sample data; operators only."""
    if page.require_operator() is None:
        return page.login_redirect()
    messages = [(message, [preview(message, locale) for locale in LOCALES]) for message in MESSAGES.values()]
    return page.page("messages/templates.html", messages=messages)
