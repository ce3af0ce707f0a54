"""Settings, read from the environment once. Every variable is listed in the README."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kit import defaults


def _env(name: str, default: str | None = None) -> str | None:
    value = os.getenv(name)
    return value if value not in (None, "") else default


def _secret_key(data_dir: Path) -> str:
    """A stable development key under ./var, so links survive restarts; production sets one."""
    configured = _env("KAKAWARI_SECRET_KEY")
    if configured:
        return configured
    path = data_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    nats_url: str | None = None
    database_url: str | None = None  # per-service mode: this service's database
    database_urls: dict[str, str] = field(default_factory=dict)  # all-in-one: per-service overrides
    namespace: str = ""
    smtp_url: str | None = None
    secret_key: str = "dev-insecure"
    public_base_url: str = "http://127.0.0.1:8000"
    log_level: str = "INFO"
    seed_demo: bool = True
    retry_backoff_s: tuple[float, ...] = defaults.RETRY_BACKOFF_S
    max_deliver: int = defaults.MAX_DELIVER
    outbox_retention_days: float = defaults.OUTBOX_RETENTION_DAYS  # published rows; pending ones are kept
    inbox_retention_days: float = defaults.INBOX_RETENTION_DAYS
    services: tuple[str, ...] = ()  # the platform's services, from the composition root (the console watches them)
    console_targets: dict[str, str] = field(default_factory=dict)  # service -> its base URL, for the console
    trace_url: str | None = None  # a trace viewer's address with {trace_id} (Jaeger), for the console's links

    def target_for(self, service: str) -> str:
        """Where the console reaches `service` (its /readyz and /metrics): KAKAWARI_CONSOLE_TARGETS, or
        this process's own address in all-in-one mode."""
        return self.console_targets.get(service) or f"http://{self.host}:{self.port}/{service}"

    @property
    def production(self) -> bool:
        return self.env == "production"

    def database_for(self, service: str) -> str:
        if service in self.database_urls:
            return self.database_urls[service]
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / f'{service}.db'}"

    @classmethod
    def from_env(cls, services: Iterable[str] = ()) -> Settings:
        """`services`: the platform's service names, from the composition root, for the
        per-service `<SERVICE>_DATABASE_URL` overrides."""
        services = tuple(services)
        data_dir = Path(_env("KAKAWARI_DATA_DIR", "var") or "var")
        port = int(_env("PORT", "8000") or 8000)
        host = _env("HOST", "127.0.0.1") or "127.0.0.1"
        overrides = {
            svc: url for svc in services
            if (url := _env(f"{svc.upper()}_DATABASE_URL"))
        }
        backoff = _env("KAKAWARI_RETRY_BACKOFF")
        return cls(
            env=_env("KAKAWARI_ENV", "development") or "development",
            data_dir=data_dir,
            host=host,
            port=port,
            nats_url=_env("NATS_URL"),
            database_url=_env("DATABASE_URL"),
            database_urls=overrides,
            namespace=_env("KAKAWARI_NAMESPACE", "") or "",
            smtp_url=_env("SMTP_URL"),
            secret_key=_secret_key(data_dir),
            public_base_url=_env("PUBLIC_BASE_URL", f"http://{host}:{port}") or "",
            log_level=_env("LOG_LEVEL", "INFO") or "INFO",
            seed_demo=(_env("KAKAWARI_SEED_DEMO", "1") or "1") not in ("0", "false", "no"),
            retry_backoff_s=tuple(float(x) for x in backoff.split(",")) if backoff else cls.retry_backoff_s,
            max_deliver=int(_env("KAKAWARI_MAX_DELIVER") or cls.max_deliver),
            outbox_retention_days=float(_env("KAKAWARI_OUTBOX_RETENTION_DAYS") or cls.outbox_retention_days),
            inbox_retention_days=float(_env("KAKAWARI_INBOX_RETENTION_DAYS") or cls.inbox_retention_days),
            services=tuple(services),
            console_targets=dict(pair.split("=", 1) for pair in (_env("KAKAWARI_CONSOLE_TARGETS") or "").split(",")
                                 if "=" in pair),
            trace_url=_env("KAKAWARI_TRACE_URL"),
        )
