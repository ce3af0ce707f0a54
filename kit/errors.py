"""Application errors that carry bilingual, field-level messages.

Pure: domain modules raise these, and the web layer turns them into
problem responses (4xx), so no rule ever needs to know about HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with one input field, said in Japanese and English."""

    field: str
    code: str
    ja: str
    en: str


@dataclass(slots=True)
class AppError(Exception):
    """Base of the errors a user can cause; `status` is the HTTP status it maps to."""

    ja: str
    en: str
    problems: list[FieldProblem] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)
    status: int = 400

    def __str__(self) -> str:
        return self.en


class ValidationFailed(AppError):
    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(ja="入力内容に誤りがあります。", en="Some fields are invalid.", problems=problems, status=422)


class NotFound(AppError):
    def __init__(self, ja: str = "見つかりません。", en: str = "Not found.") -> None:
        super().__init__(ja=ja, en=en, status=404)


class Conflict(AppError):
    def __init__(self, ja: str, en: str, **extra: object) -> None:
        super().__init__(ja=ja, en=en, extra=dict(extra), status=409)


class Forbidden(AppError):
    def __init__(self, ja: str = "この操作は許可されていません。", en: str = "You may not do this.") -> None:
        super().__init__(ja=ja, en=en, status=403)


class Unauthorized(AppError):
    def __init__(self, ja: str = "ログインが必要です。", en: str = "Sign-in required.") -> None:
        super().__init__(ja=ja, en=en, status=401)


class TooManyRequests(AppError):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            ja="リクエストが多すぎます。しばらくしてから再度お試しください。",
            en="Too many requests. Please try again later.",
            extra={"retry_after": retry_after_s},
            status=429,
        )


class Unavailable(AppError):
    """Something this request needs (another service, the broker) did not answer: try again later."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(ja=ja, en=en, status=503)
