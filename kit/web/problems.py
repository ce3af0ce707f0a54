"""Every error is a problem response (RFC 9457) with field messages in Japanese and English.

Never a 500 with a traceback: validation, unknown routes, malformed JSON and
application errors all map to a 4xx here; anything unforeseen is logged with its
trace id and answered with a plain 500 body. A browser asking for a page (not
the JSON API) gets the same message as an HTML page in the site's layout.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from kit.errors import AppError, FieldProblem
from kit.web.locale import request_locale
from kit.web.openapi import install_contract_completion
from kit.web.pages import render

log = logging.getLogger(__name__)

_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("必須項目です。", "This field is required."),
    "string_too_short": ("{min_length}文字以上で入力してください。", "Enter at least {min_length} characters."),
    "string_too_long": ("{max_length}文字以内で入力してください。", "Enter at most {max_length} characters."),
    "string_pattern_mismatch": ("形式が正しくありません。", "The format is not valid."),
    "string_type": ("文字列で入力してください。", "Enter text."),
    "int_parsing": ("整数で入力してください。", "Enter a whole number."),
    "int_type": ("整数で入力してください。", "Enter a whole number."),
    "bool_parsing": ("真偽値で入力してください。", "Enter true or false."),
    "greater_than_equal": ("{ge}以上で入力してください。", "Enter a value of at least {ge}."),
    "less_than_equal": ("{le}以下で入力してください。", "Enter a value of at most {le}."),
    "date_from_datetime_parsing": ("日付の形式が正しくありません（YYYY-MM-DD）。", "Enter a date as YYYY-MM-DD."),
    "date_parsing": ("日付の形式が正しくありません（YYYY-MM-DD）。", "Enter a date as YYYY-MM-DD."),
    "datetime_parsing": ("日時の形式が正しくありません。", "Enter a valid date and time."),
    "uuid_parsing": ("IDの形式が正しくありません。", "The id is not valid."),
    "enum": ("選択肢から選んでください：{expected}", "Choose one of: {expected}"),
    "literal_error": ("選択肢から選んでください：{expected}", "Choose one of: {expected}"),
    "value_error": ("値が正しくありません。", "The value is not valid."),
    "string_nul": ("使用できない文字（NUL）が含まれています。", "NUL characters are not allowed."),
    "json_invalid": ("JSONの形式が正しくありません。", "The body is not valid JSON."),
    "model_attributes_type": ("JSONオブジェクトを送ってください。", "Send a JSON object."),
    "dict_type": ("JSONオブジェクトを送ってください。", "Send a JSON object."),
    "extra_forbidden": ("不明な項目です。", "This field is not expected."),
    "url_parsing": ("URLの形式が正しくありません。", "Enter a valid URL."),
    "url_scheme": ("http または https のURLを入力してください。", "Enter an http or https URL."),
    "email": ("メールアドレスの形式が正しくありません。", "Enter a valid email address."),
}


def field_problems(errors: Iterable[Mapping[str, Any]], *, default_field: str = "body") -> list[FieldProblem]:
    """Pydantic's errors as bilingual field problems: for requests, forms and CSV rows alike."""
    return [_field_problem(error, default_field) for error in errors]


def _field_problem(error: Mapping[str, Any], default_field: str) -> FieldProblem:
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "header", "cookie")]
    ctx = dict(error.get("ctx") or {})
    kind = str(error.get("type", "value_error"))
    if "ja" in ctx:  # our own validators say it in both languages
        return FieldProblem(".".join(loc) or default_field, kind, str(ctx["ja"]), str(error.get("msg", "")))
    ja, en = _MESSAGES.get(kind, ("値が正しくありません。", str(error.get("msg", "Invalid value."))))
    with contextlib.suppress(KeyError, IndexError):
        ja, en = ja.format(**ctx), en.format(**ctx)
    return FieldProblem(".".join(loc) or default_field, kind, ja, en)


def _wants_page(request: Request) -> bool:
    """A browser navigating the site, not a client of `/api/`."""
    return "text/html" in request.headers.get("accept", "") and "/api/" not in request.url.path


def problem_response(request: Request, status: int, ja: str, en: str,
                     problems: list[FieldProblem] | None = None, **extra: Any) -> Response:
    locale = request_locale(request)
    headers = {"Retry-After": str(extra["retry_after"])} if "retry_after" in extra else None
    if _wants_page(request):
        page = render(request, "error.html", status=status, title=ja if locale == "ja" else en,
                      problems=problems or [], retry_after=extra.get("retry_after"))
        return HTMLResponse(page, status_code=status, headers=headers)
    body: dict[str, Any] = {
        "type": "about:blank",
        "status": status,
        "title": ja if locale == "ja" else en,
        "detail": {"ja": ja, "en": en},
    }
    if problems:
        body["errors"] = [
            {"field": p.field, "code": p.code, "message": p.ja if locale == "ja" else p.en, "ja": p.ja, "en": p.en}
            for p in problems
        ]
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


_HTTP_TEXT: dict[int, tuple[str, str]] = {
    400: ("リクエストが正しくありません。", "Bad request."),
    401: ("ログインが必要です。", "Sign-in required."),
    403: ("この操作は許可されていません。", "You may not do this."),
    404: ("ページが見つかりません。", "Not found."),
    405: ("このメソッドは使えません。", "Method not allowed."),
    413: ("リクエストが大きすぎます。", "Request too large."),
    415: ("この形式には対応していません。", "Unsupported media type."),
}


# PostgreSQL's SQLSTATEs for text it cannot store: character_not_in_repertoire, untranslatable_character.
_UNSTORABLE_TEXT = {"22021", "22P05"}


def _sqlstate(exc: DBAPIError) -> str | None:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return str(code) if code else None


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error as a problem, and say so in the app's OpenAPI document (`kit.web.openapi`)."""
    install_contract_completion(app)

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        return problem_response(request, exc.status, exc.ja, exc.en, exc.problems, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        problems = field_problems(exc.errors())
        return problem_response(request, 422, "入力内容に誤りがあります。", "Some fields are invalid.", problems)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        ja, en = _HTTP_TEXT.get(exc.status_code, ("エラーが発生しました。", str(exc.detail)))
        return problem_response(request, exc.status_code, ja, en)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> Response:
        # Text PostgreSQL cannot store (a NUL character, bytes that are not UTF-8) is the
        # sender's fault; the transaction was rolled back, so nothing was half-written.
        if _sqlstate(exc) in _UNSTORABLE_TEXT:
            return problem_response(request, 422, "使用できない文字（NUL など）が含まれています。",
                                    "The text contains a character that cannot be stored (such as NUL).")
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("http.unhandled", extra={"path": request.url.path})
        return problem_response(request, 500, "サーバーでエラーが発生しました。", "Something went wrong on our side.")
