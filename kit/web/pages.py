"""Server-rendered pages: Jinja2 with one shared layout and a per-service template folder.

Templates say everything twice, `{{ t("承認", "Approve") }}`, and the request's
locale picks one; dates go through `jst`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from starlette.requests import Request

from kit.jst import jst
from kit.web.locale import request_locale

_KIT_TEMPLATES = Path(__file__).parent / "templates"
_prefixes: dict[str, FileSystemLoader] = {}
_env = Environment(
    loader=ChoiceLoader([PrefixLoader(_prefixes, delimiter="/"), FileSystemLoader(_KIT_TEMPLATES)]),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["jst"] = jst


def register_templates(service: str, folder: Path) -> None:
    _prefixes[service] = FileSystemLoader(folder)


def render(request: Request, template: str, **context: Any) -> str:
    locale = request_locale(request)

    def t(ja: str, en: str) -> str:
        return ja if locale == "ja" else en

    base = str(request.scope.get("root_path", ""))
    other = "en" if locale == "ja" else "ja"
    # The language switch keeps the rest of the query (a page's token, a search, a page number).
    switch = "?" + str(request.query_params.__class__({**request.query_params, "lang": other}))
    return _env.get_template(template).render(
        request=request, locale=locale, t=t, base=base, other_locale=other, lang_switch=switch, **context
    )
