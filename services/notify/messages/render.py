"""Renders a message type's Jinja2 templates: subject, plain text and HTML, in Japanese or English.

Templates live in `services/notify/templates/messages/<name>/` (see catalog.py). They get their own
environment, not the pages' one: StrictUndefined, so a missing variable fails the render instead of
sending a message with a hole in it; escaping for the HTML only, since the subject and the text go
out as plain text, where `&lt;` would mangle a name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from kit.contracts.base import LOCALES, Locale
from kit.jst import jst
from services.notify.messages.catalog import MESSAGES, message_type

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "messages"

# Member kinds as people read them. notify may not import the registry (the architecture's wall),
# so the labels are repeated here; an unknown kind shows as its code.
KIND_LABELS: dict[str, tuple[str, str]] = {
    "prefecture": ("都道府県", "Prefecture"),
    "municipality": ("市区町村", "Municipality"),
    "company": ("企業", "Company"),
    "npo": ("NPO・団体", "NPO or association"),
    "intermediary": ("中間支援組織", "Intermediary support organisation"),
    "rmo": ("地域運営組織", "Regional management organisation (RMO)"),
    "university": ("大学・その他", "University or other"),
}


def kind_label(kind: str, locale: Locale) -> str:
    ja, en = KIND_LABELS.get(kind, (kind, kind))
    return en if locale == "en" else ja


_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    undefined=StrictUndefined,
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    auto_reload=False,  # templates ship with the code: load each once, never stat it again
    cache_size=-1,  # keep every template loaded (a few dozen files)
)
_env.filters["jst"] = jst
_env.filters["kind"] = kind_label


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _path(name: str, part: str, locale: Locale) -> str:
    if locale not in LOCALES:
        raise ValueError(f"no templates for locale {locale!r}")
    return f"{name}/{part}.{locale}"


def _one_line(raw: str) -> str:
    """A mail header (and a digest line) is one line: a newline in a name must not split it."""
    return " ".join(part.strip() for part in raw.splitlines() if part.strip())


def _text(raw: str) -> str:
    return raw.strip("\n").rstrip() + "\n"


def render(name: str, locale: Locale, data: Mapping[str, Any]) -> Rendered:
    """The subject, text and HTML of message type `name` for `data` (which holds `links`).

    KeyError for an unregistered type, TemplateNotFound for a registered one without its files,
    UndefinedError when `data` lacks something a template uses."""
    message_type(name)
    subject = _one_line(_env.get_template(_path(name, "subject", locale) + ".txt").render(data))
    text = _text(_env.get_template(_path(name, "body", locale) + ".txt").render(data))
    # The layout's <title> shows the subject; `data` cannot override it.
    html = _env.get_template(_path(name, "body", locale) + ".html").render({**data, "subject": subject})
    return Rendered(subject=subject, text=text, html=html)


def render_line(name: str, locale: Locale, data: Mapping[str, Any]) -> str:
    """One line about one event, for the daily digest that gathers a digest type's messages."""
    if not message_type(name).digest:
        raise ValueError(f"message type {name!r} is not gathered into digests")
    return _one_line(_env.get_template(_path(name, "line", locale) + ".txt").render(data))


def preload() -> None:
    """Load every registered type's templates now (TemplateNotFound or a syntax error if one is
    broken), so a missing file fails the start rather than the first message of its type."""
    for message in MESSAGES.values():
        for locale in LOCALES:
            parts = ["subject.txt", "body.txt", "body.html", *(["line.txt"] if message.digest else [])]
            for part in parts:
                stem, ext = part.split(".")
                _env.get_template(f"{_path(message.name, stem, locale)}.{ext}")
