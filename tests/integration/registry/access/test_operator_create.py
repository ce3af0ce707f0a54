"""`kakawari operator create` on SQLite: the first operator of a deployment, with a password from the
environment or the prompt, or none and a one-time link; refused for a taken address, a short password,
or (in production) an example secret key; audited. The account signs in through the registry's own
use cases."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from kakawari import catalog
from kakawari.cli import app as cli
from kit.db.engine import open_database
from kit.messaging.outbox import OutboxWriter
from kit.messaging.subjects import Naming
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.registry.access.service import signin
from services.registry.config import LinkSettings
from services.registry.models import AuditEntry, User

T = TypeVar("T")
GOOD_KEY = secrets.token_urlsafe(48)
PASSWORD = "first-operator-2026"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str | None]:
    """The environment of one run, nothing inherited that would point elsewhere (None: unset)."""
    return {"KAKAWARI_ENV": "development", "KAKAWARI_DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}", "REGISTRY_DATABASE_URL": None,
            "KAKAWARI_SECRET_KEY": GOOD_KEY, "PUBLIC_BASE_URL": "https://kakawari.example.jp",
            "KAKAWARI_OPERATOR_PASSWORD": None, "KAKAWARI_NAMESPACE": None, "NATS_URL": None}


def run(env: dict[str, str | None], *args: str, prompt: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["operator", "create", *args], env=env, input=prompt)


def with_registry(env: dict[str, str | None], use: Callable[[UnitOfWorkFactory], Awaitable[T]]) -> T:
    """`use` the registry's database as the service would (its tables, its unit of work)."""
    async def main() -> T:
        db = open_database(str(env["DATABASE_URL"]))
        outbox = OutboxWriter(producer="registry", tables=catalog.load("registry").tables, naming=Naming())
        try:
            return await use(UnitOfWorkFactory(db, outbox, on_commit=lambda rows: None))
        finally:
            await db.dispose()

    return asyncio.run(main())


def sign_in(env: dict[str, str | None], email: str, password: str) -> Principal:
    return with_registry(env, lambda uow: signin.authenticate(uow=uow, email=email, password=password))


def test_creates_an_operator_with_the_password_from_the_environment(env: dict[str, str | None]) -> None:
    env["KAKAWARI_OPERATOR_PASSWORD"] = PASSWORD
    created = run(env, "--email", "Ops@Kakawari-Lab.example.jp", "--name", "事務局 一郎")
    assert created.exit_code == 0, created.output
    assert "operator ops@kakawari-lab.example.jp created" in created.output
    assert PASSWORD not in created.output and "http" not in created.output  # no link when a password is set

    who = sign_in(env, "ops@kakawari-lab.example.jp", PASSWORD)
    assert who.is_operator and who.member_id is None

    async def stored(uow: UnitOfWorkFactory) -> tuple[User, list[AuditEntry]]:
        async with uow.read() as session:
            user = (await session.scalars(select(User))).one()
            audit = list((await session.scalars(select(AuditEntry))).all())
        return user, audit

    user, audit = with_registry(env, stored)
    assert user.display_name == "事務局 一郎" and user.password_hash and PASSWORD not in user.password_hash
    assert [(a.action, a.target_id, a.actor_id, a.detail["via"]) for a in audit] == [
        ("operator.create", str(user.id), None, "kakawari operator create")]

    # the same address again, in any case: refused, nothing changed
    again = run(env | {"KAKAWARI_OPERATOR_PASSWORD": "another-password-1"}, "--email", "OPS@kakawari-lab.example.jp")
    assert again.exit_code == 1 and "already exists" in again.output, again.output
    assert sign_in(env, "ops@kakawari-lab.example.jp", PASSWORD).is_operator


def test_asks_for_the_password_twice_when_none_is_set(env: dict[str, str | None]) -> None:
    created = run(env, "--email", "prompted@example.jp", prompt=f"{PASSWORD}\n{PASSWORD}\n")
    assert created.exit_code == 0, created.output
    assert PASSWORD not in created.output  # hidden input
    assert sign_in(env, "prompted@example.jp", PASSWORD).is_operator


def test_refuses_a_short_password_or_a_bad_address(env: dict[str, str | None]) -> None:
    short = run(env | {"KAKAWARI_OPERATOR_PASSWORD": "short"}, "--email", "short@example.jp")
    assert short.exit_code == 1 and "password" in short.output and "nothing was created" in short.output
    bad = run(env | {"KAKAWARI_OPERATOR_PASSWORD": PASSWORD}, "--email", "not-an-address")
    assert bad.exit_code == 1 and "email" in bad.output

    async def users(uow: UnitOfWorkFactory) -> list[User]:
        async with uow.read() as session:
            return list((await session.scalars(select(User))).all())

    assert with_registry(env, users) == []


def test_link_sets_no_password_and_prints_a_one_time_link(env: dict[str, str | None]) -> None:
    created = run(env | {"KAKAWARI_OPERATOR_PASSWORD": "ignored-with-link"}, "--email", "linked@example.jp", "--link")
    assert created.exit_code == 0, created.output
    found = re.search(r"https://kakawari\.example\.jp/registry/password/(\S+)", created.output)
    assert found, created.output
    with pytest.raises(Exception, match="Wrong email or password"):
        sign_in(env, "linked@example.jp", "ignored-with-link")

    keys = LinkSettings(secret=GOOD_KEY, base_url="https://kakawari.example.jp")
    chosen = "chosen-through-the-link"
    who = with_registry(env, lambda uow: signin.set_password(uow=uow, keys=keys, token=found.group(1),
                                                             password=chosen))
    assert who.is_operator
    assert sign_in(env, "linked@example.jp", chosen).is_operator
    with pytest.raises(Exception, match="invalid or has expired"):  # single use
        with_registry(env, lambda uow: signin.set_password(uow=uow, keys=keys, token=found.group(1),
                                                           password="a-second-password"))


@pytest.mark.parametrize("key", [None, "CHANGE_ME", "dev-insecure-secret-change-me", "x" * 31],
                         ids=["missing", "example", "dev-default", "short"])
def test_production_refuses_an_unusable_secret_key(env: dict[str, str | None], key: str | None) -> None:
    refused = run(env | {"KAKAWARI_ENV": "production", "KAKAWARI_SECRET_KEY": key,
                         "KAKAWARI_OPERATOR_PASSWORD": PASSWORD}, "--email", "prod@example.jp")
    assert refused.exit_code == 2 and "KAKAWARI_SECRET_KEY" in refused.output, refused.output


def test_production_creates_the_first_operator_on_the_migrated_database(env: dict[str, str | None]) -> None:
    production = env | {"KAKAWARI_ENV": "production", "KAKAWARI_OPERATOR_PASSWORD": PASSWORD}
    unmigrated = run(production, "--email", "first@example.jp")
    assert unmigrated.exit_code == 1 and "kakawari migrate registry" in unmigrated.output, unmigrated.output

    migrated = CliRunner().invoke(cli, ["migrate", "registry"], env=production)
    assert migrated.exit_code == 0, migrated.output
    created = run(production, "--email", "first@example.jp")
    assert created.exit_code == 0, created.output
    assert sign_in(env, "first@example.jp", PASSWORD).is_operator
