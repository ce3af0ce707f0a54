"""`kakawari operator`: operators' (事務局) accounts, which nobody can invite before the first exists.

    kakawari operator create --email ops@example.jp [--name 事務局] [--link]

Creates an operator through the registry's own use case
(`services/registry/access/service/operators.py`) on the registry's database, which it finds as
`kakawari serve registry` does (DATABASE_URL or REGISTRY_DATABASE_URL, else var/registry.db); it needs
no NATS. The password comes from KAKAWARI_OPERATOR_PASSWORD if set, else it is asked for twice (hidden);
`--link` sets none and prints a one-time link to set it and sign in instead (valid 3 days, on
PUBLIC_BASE_URL). Production checks KAKAWARI_SECRET_KEY as the services do (links are signed with it)
and expects the database migrated (`kakawari migrate registry`); development migrates it first.

    kubectl -n kakawari exec -it deploy/registry -- kakawari operator create --email ops@example.jp
    docker compose exec registry kakawari operator create --email ops@example.jp
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from sqlalchemy.exc import DBAPIError

from kakawari import catalog
from kakawari.platform import migrate
from kit import eventloop
from kit.config import ConfigError, Settings
from kit.errors import AppError
from kit.runtime import ServiceRuntime
from services.registry.access.domain.links import PASSWORD, TTL
from services.registry.access.service.operators import DEFAULT_NAME, OperatorCreated, create_operator

PASSWORD_ENV = "KAKAWARI_OPERATOR_PASSWORD"
VIA = "kakawari operator create"

operator_app = typer.Typer(help="Operators' accounts (事務局)", no_args_is_help=True)


@operator_app.callback()
def operator() -> None:
    """Operators' accounts (事務局)."""


async def _create(settings: Settings, email: str, name: str, password: str | None) -> OperatorCreated:
    # The registry as it runs, never started: its database and its composition root's dependencies
    # (the same link keys and public address as the service); the broker stays unconnected.
    runtime: ServiceRuntime[Any] = ServiceRuntime(catalog.load("registry"), settings, "nats://127.0.0.1:4222")
    try:
        return await create_operator(uow=runtime.deps.uow, keys=runtime.deps.links, email=email, display_name=name,
                                     password=password, via=VIA)
    finally:
        await runtime.db.dispose()


def _password(link: bool) -> str | None:
    if link:
        return None
    return os.environ.get(PASSWORD_ENV) or str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


@operator_app.command()
def create(
    email: Annotated[str, typer.Option(help="the address the operator signs in with")],
    name: Annotated[str, typer.Option(help="the name shown for the operator")] = DEFAULT_NAME,
    link: Annotated[bool, typer.Option(
        "--link", help=f"set no password: print a one-time link to set it and sign in (ignores {PASSWORD_ENV})")
    ] = False,
) -> None:
    """Create an operator account, e.g. the first one of a new deployment."""
    settings = catalog.settings()
    try:
        settings.validate()
    except ConfigError as exc:
        typer.echo(f"refusing: {exc}", err=True)
        raise typer.Exit(2) from exc
    if not settings.production:
        migrate(["registry"], settings)  # as `kakawari serve` does in development
    try:
        created = eventloop.run(_create(settings, email, name, _password(link)))
    except AppError as exc:
        details = "".join(f"\n  {p.field}: {p.en} / {p.ja}" for p in exc.problems)
        typer.echo(f"nothing was created: {exc.en} / {exc.ja}{details}", err=True)
        raise typer.Exit(1) from exc
    except DBAPIError as exc:
        typer.echo(f"nothing was created: the registry's database refused ({exc.orig!r}); "
                   "is it migrated (`kakawari migrate registry`)?", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"operator {created.email} created")
    if created.set_password_url:
        typer.echo(f"one-time link to set a password and sign in (valid {TTL[PASSWORD].days} days): "
                   f"{created.set_password_url}")
