"""Settings, read from the environment once. Every variable is listed in the README."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kit import defaults

# Production refuses a signing key shorter than this (`secrets.token_urlsafe(48)` gives 64).
MIN_SECRET_KEY_LENGTH = 32
# Words of the placeholder keys the repository ships (deploy/k8s/secrets.example.yaml's CHANGE_ME,
# the development default "dev-insecure", ...), compared without case, `-` or `_`: a key that
# contains one was copied from an example, not generated.
EXAMPLE_KEY_WORDS = ("changeme", "devinsecure", "insecure", "placeholder", "example")
# Addresses whose X-Forwarded-For uvicorn believes: the default, the host itself (no proxy).
DEFAULT_FORWARDED_ALLOW_IPS = "127.0.0.1"


class ConfigError(ValueError):
    """A setting the process must not start with; the message names the variable and the fix."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.getenv(name)
    return value if value not in (None, "") else default


def _int_env(name: str, default: int, minimum: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={value} is below its minimum, {minimum}")
    return value


def secret_key_problem(key: str) -> str | None:
    """Why `key` must not sign anything in production, or None if it may."""
    if not key.strip():
        return "KAKAWARI_SECRET_KEY is not set"
    folded = key.lower().replace("-", "").replace("_", "")
    word = next((w for w in EXAMPLE_KEY_WORDS if w in folded), None)
    if word is not None:
        return f"KAKAWARI_SECRET_KEY is an example or placeholder value (it contains {word!r})"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"KAKAWARI_SECRET_KEY has {len(key)} characters; at least {MIN_SECRET_KEY_LENGTH} are needed"
    return None


def parse_forwarded_allow_ips(text: str) -> str:
    """KAKAWARI_FORWARDED_ALLOW_IPS as uvicorn takes it: comma-separated addresses and networks, or `*`.
    uvicorn silently treats a malformed entry as a host name that never matches, so it is refused here."""
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items:
        raise ConfigError("KAKAWARI_FORWARDED_ALLOW_IPS is empty; leave it unset for 127.0.0.1")
    for item in items:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ConfigError(f"KAKAWARI_FORWARDED_ALLOW_IPS: {item!r} is not an IP address or network") from None
    return ",".join(items)


def _trusts_everyone(allow_ips: str) -> bool:
    return any(_prefix_length(item.strip()) == 0 for item in allow_ips.split(","))


def _prefix_length(item: str) -> int | None:
    """`*` and 0.0.0.0/0 match every address (0); None for what is no network."""
    if item == "*":
        return 0
    try:
        return ipaddress.ip_network(item, strict=False).prefixlen
    except ValueError:
        return None


def redacted(urls: str) -> str:
    """NATS URLs as logs and consoles may show them: any password replaced by `***`."""
    shown = []
    for url in (u.strip() for u in urls.split(",")):
        parts = urlsplit(url)
        if parts.password is not None:
            url = parts._replace(netloc=f"{parts.username}:***@{parts.netloc.rsplit('@', 1)[1]}").geturl()
        shown.append(url)
    return ",".join(shown)


@dataclass(frozen=True)
class DatabasePool:
    """PostgreSQL connections one process keeps (`size`) and may open beyond them under load
    (`max_overflow`): at most size + max_overflow at once. Each replica of each service has its own
    pool, so deploy/README.md checks their sum against the server's max_connections."""

    size: int = 10
    max_overflow: int = 10

    @property
    def most(self) -> int:
        return self.size + self.max_overflow

    @classmethod
    def from_env(cls) -> DatabasePool:
        return cls(size=_int_env("KAKAWARI_DB_POOL_SIZE", cls.size, minimum=1),
                   max_overflow=_int_env("KAKAWARI_DB_MAX_OVERFLOW", cls.max_overflow, minimum=0))


def _secret_key(data_dir: Path, *, production: bool) -> str:
    """A stable development key under ./var, so links survive restarts. Production never makes one:
    every replica must share the configured key, so a missing one is left empty for `validate()`."""
    configured = _env("KAKAWARI_SECRET_KEY")
    if configured:
        return configured
    if production:
        return ""
    path = data_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _nats_url_with_credentials(urls: str | None, user: str | None, password: str | None) -> str | None:
    """NATS_URL with NATS_USER / NATS_PASSWORD in each server's address (kept where one has its own),
    so whatever connects with the settings' URL connects as this service's NATS user."""
    if not urls or not (user or password):
        return urls
    if not (user and password):
        raise ConfigError("set both NATS_USER and NATS_PASSWORD, or neither")
    servers = []
    for url in (u.strip() for u in urls.split(",")):
        parts = urlsplit(url if "://" in url else f"nats://{url}")
        if parts.username:
            servers.append(url)
            continue
        with_credentials = parts._replace(netloc=f"{user}:{password}@{parts.netloc}").geturl()
        # nats-py takes them from the URL as written (no unescaping): refuse what would read otherwise.
        read = urlsplit(with_credentials)
        if (read.username, read.password, read.hostname) != (user, password, parts.hostname):
            raise ConfigError("NATS_USER or NATS_PASSWORD holds a character a URL cannot carry as it is "
                              "(/ ? # or a : in the user); use letters, digits and -._~")
        servers.append(with_credentials)
    return ",".join(servers)


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
    # Peers whose X-Forwarded-For / -Proto uvicorn believes (the ingress), so rate limits see the client.
    forwarded_allow_ips: str = DEFAULT_FORWARDED_ALLOW_IPS
    db_pool: DatabasePool = field(default_factory=DatabasePool)

    def target_for(self, service: str) -> str:
        """Where the console reaches `service` (its /readyz and /metrics): KAKAWARI_CONSOLE_TARGETS, or
        this process's own address in all-in-one mode."""
        return self.console_targets.get(service) or f"http://{self.host}:{self.port}/{service}"

    @property
    def production(self) -> bool:
        return self.env == "production"

    def problems(self) -> list[str]:
        """What production refuses to start with (development takes anything)."""
        if not self.production:
            return []
        found = []
        if (key := secret_key_problem(self.secret_key)) is not None:
            found.append(f"{key}: generate one with "
                         "`python -c 'import secrets; print(secrets.token_urlsafe(48))'` and keep it in a Secret")
        if _trusts_everyone(self.forwarded_allow_ips):
            found.append("KAKAWARI_FORWARDED_ALLOW_IPS trusts every peer, so any client could set the address "
                         "rate limits see: name the ingress's addresses instead")
        return found

    def validate(self) -> Settings:
        """Raise ConfigError if production must not start with these settings; called where a
        process starts to serve or to act (`kakawari serve`, `kakawari up`, `kakawari operator create`)."""
        found = self.problems()
        if found:
            raise ConfigError("; ".join(found))
        return self

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
        env = _env("KAKAWARI_ENV", "development") or "development"
        return cls(
            env=env,
            data_dir=data_dir,
            host=host,
            port=port,
            nats_url=_nats_url_with_credentials(_env("NATS_URL"), _env("NATS_USER"), _env("NATS_PASSWORD")),
            database_url=_env("DATABASE_URL"),
            database_urls=overrides,
            namespace=_env("KAKAWARI_NAMESPACE", "") or "",
            smtp_url=_env("SMTP_URL"),
            secret_key=_secret_key(data_dir, production=env == "production"),
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
            forwarded_allow_ips=parse_forwarded_allow_ips(
                _env("KAKAWARI_FORWARDED_ALLOW_IPS", DEFAULT_FORWARDED_ALLOW_IPS) or DEFAULT_FORWARDED_ALLOW_IPS),
            db_pool=DatabasePool.from_env(),
        )
