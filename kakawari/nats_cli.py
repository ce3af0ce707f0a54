"""`kakawari nats config`: the NATS server configuration, generated from the services' code.

    kakawari nats config [--cluster N] [--out DIR]

One user per service, allowed what that service's code does and nothing more, and `admin` for what
operators run: `kakawari streams apply`, `kakawari dlq replay`, `kakawari console rebuild`. A service may:

- publish its own events (`<ns>.<service>.>`): another service's credentials cannot forge them;
- publish the dead letters of its own consumers, and the acks of its own durables;
- call the JetStream API for its own durables (create, info), read every stream's info (the
  development topology check, the DLQ count), read the DLQ's messages (`/ops/dlq`) and delete one
  (a replay: the producer republishes its own event, then removes the dead letter);
- subscribe to its own durables' deliver subjects and to `_INBOX.>` (replies: PubAcks, API answers).

The console, the operators' service, may also list streams and consumers (its system page).
Nobody but `admin` creates, changes or deletes streams or consumers, or reads a stream from its start;
a dead letter is republished by its event's producer (`/<service>/ops/dlq/<id>/replay`, which the
console's replay button calls) or by `admin` (`kakawari dlq replay`).

Passwords are never in the file: each user's is the server's environment variable
`NATS_<USER>_PASSWORD`; a service passes its own as NATS_USER / NATS_PASSWORD (kit/config.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from kakawari import catalog
from kit.messaging.subjects import Naming
from kit.messaging.topology import Topology
from kit.service import ServiceDefinition

nats_app = typer.Typer(help="NATS server configuration", no_args_is_help=True)

ADMIN = "admin"
OPERATORS = frozenset({"console"})  # the operators' console: its system page lists every stream's consumers
API = "$JS.API"
CONFIG_FILE = "nats.conf"
CLUSTER_NAME = "kakawari"
# Kubernetes names (deploy/k8s/nats.yaml): the StatefulSet's pods behind its headless Service.
# docker compose gives its own names and routes on the command line, which win over the file.
ROUTE_HOST = "nats-{index}.nats-headless"


def new_password() -> str:
    """A random NATS user password: nats-server parses the value, so letters, digits and -._~ only, and a
    letter first (a leading digit or dash would be read as something else)."""
    return "k" + secrets.token_urlsafe(24)


def password_variable(user: str) -> str:
    """The server's environment variable holding `user`'s password."""
    return f"NATS_{user.upper()}_PASSWORD"


@dataclass(frozen=True)
class User:
    name: str
    publish: tuple[str, ...] | None = None  # None: everything (admin)
    subscribe: tuple[str, ...] | None = None


def service_user(definition: ServiceDefinition[Any], topology: Topology, producers: Sequence[str]) -> User:
    """What `definition`'s code publishes and subscribes to, from its handlers and the topology."""
    naming = topology.naming
    streams = [*(naming.stream(p) for p in producers), naming.dlq_stream()]
    publish = [naming.producer_wildcard(definition.name)]
    subscribe = ["_INBOX.>"]
    for sub in definition.handlers.subscriptions:
        stream, durable = naming.stream(sub.contract.producer()), naming.durable(sub.name)
        publish += [
            naming.dlq_subject(sub.name),
            f"$JS.ACK.{stream}.{durable}.>",  # ack, nak (with its delay), term
            f"{API}.CONSUMER.INFO.{stream}.{durable}",
            f"{API}.CONSUMER.DURABLE.CREATE.{stream}.{durable}",  # how nats-py creates (or updates) a durable
        ]
        deliver = topology.consumer(sub).deliver_subject
        assert deliver is not None, "push consumers have a deliver subject"
        subscribe.append(deliver)
    publish += [f"{API}.STREAM.INFO.{stream}" for stream in streams]
    publish += [f"{API}.STREAM.MSG.GET.{naming.dlq_stream()}", f"{API}.STREAM.MSG.DELETE.{naming.dlq_stream()}"]
    if definition.name in OPERATORS:
        publish += [f"{API}.STREAM.LIST", *(f"{API}.CONSUMER.LIST.{stream}" for stream in streams)]
    return User(definition.name, tuple(publish), tuple(subscribe))


def users(naming: Naming, definitions: Sequence[ServiceDefinition[Any]], producers: Sequence[str]) -> list[User]:
    """A user for each service, then the admin."""
    topology = Topology(naming)
    return [*(service_user(d, topology, producers) for d in definitions), User(ADMIN)]


def platform_users(naming: Naming) -> list[User]:
    """The catalog's services' users, then the admin."""
    return users(naming, catalog.load_all(), catalog.producers())


def _user_block(user: User) -> list[str]:
    lines = ["    {", f"      user: {user.name}", f"      password: ${password_variable(user.name)}"]
    granted = [(direction, subjects) for direction, subjects in (("publish", user.publish),
                                                                 ("subscribe", user.subscribe)) if subjects is not None]
    if granted:
        lines.append("      permissions: {")
        for direction, subjects in granted:
            # Quoted: unquoted, `$JS...` would read as a variable.
            lines += [f"        {direction}: {{", "          allow: [",
                      *(f'            "{subject}"' for subject in subjects), "          ]", "        }"]
        lines.append("      }")
    return [*lines, "    }"]


@dataclass(frozen=True)
class ServerConfig:
    """A nats-server configuration; the defaults are the deployed one (container paths and ports)."""

    users: Sequence[User]
    cluster: int = 1
    listen: str = "0.0.0.0:4222"
    http: str | None = "0.0.0.0:8222"
    store_dir: str = "/data"

    def render(self) -> str:
        command = "kakawari nats config" + (f" --cluster {self.cluster}" if self.cluster > 1 else "")
        parts = [
            f"# Generated by `{command}` (kakawari/nats_cli.py) from the services' code: regenerate, never edit.",
            "# Every password is an environment variable of the server: "
            + ", ".join(f"${password_variable(u.name)}" for u in self.users) + ".",
            "# nats-server parses their values: letters, digits and -._~ only, starting with a letter",
            "# (e.g. python -c 'import secrets; print(\"k\" + secrets.token_urlsafe(32))').",
            "# $POD_NAME names the server (Kubernetes sets it; docker compose sets it and --name).",
            "server_name: $POD_NAME",
            f'listen: "{self.listen}"',
            *([f'http: "{self.http}"'] if self.http else []),
            "lame_duck_duration: 30s",
            "lame_duck_grace_period: 10s",
            "",
            "jetstream {",
            f'  store_dir: "{self.store_dir}"',
            "  max_memory_store: 256MB",
            "  # keep below the 10Gi volume each Kubernetes node claims",
            "  max_file_store: 9GB",
            "  # fsync before every acknowledgement: under the default interval (2 min) Jepsen found",
            "  # acknowledged writes lost when nodes crashed together.",
            "  sync_interval: always",
            "}",
        ]
        if self.cluster > 1:
            routes = "\n".join(f'    "nats://{ROUTE_HOST.format(index=i)}:6222"' for i in range(self.cluster))
            parts += [
                "",
                "cluster {",
                f"  name: {CLUSTER_NAME}",
                '  listen: "0.0.0.0:6222"',
                "  # clients keep to the servers NATS_URL lists, which carry their credentials",
                "  no_advertise: true",
                "  routes: [",
                routes,
                "  ]",
                "}",
            ]
        parts += ["", "authorization {", "  users: [", *(line for u in self.users for line in _user_block(u)),
                  "  ]", "}", ""]
        return "\n".join(parts)


@nats_app.callback()
def nats_group() -> None:
    """NATS server configuration."""


@nats_app.command("config")
def config(
    cluster: Annotated[int, typer.Option(min=1, help="cluster nodes: routes between N servers when N > 1")] = 1,
    out: Annotated[Path | None, typer.Option(help=f"write DIR/{CONFIG_FILE} instead of printing it")] = None,
) -> None:
    """Write the nats-server configuration: JetStream, cluster routes, one user per service (KAKAWARI_NAMESPACE)."""
    text = ServerConfig(platform_users(Naming(catalog.settings().namespace)), cluster=cluster).render()
    if out is None:
        typer.echo(text, nl=False)
        return
    out.mkdir(parents=True, exist_ok=True)
    (out / CONFIG_FILE).write_text(text, encoding="utf-8")
    typer.echo(f"wrote {out / CONFIG_FILE}")
