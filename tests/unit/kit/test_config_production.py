"""What production refuses to start with (kit.config): a missing, short or example secret key, and a
proxy allow-list that trusts everyone; the database pool and proxy settings the environment gives."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kakawari.cli import app as cli
from kit.config import MIN_SECRET_KEY_LENGTH, ConfigError, DatabasePool, Settings, secret_key_problem
from kit.db.engine import open_database

ROOT = Path(__file__).resolve().parents[3]


def _example_keys() -> list[str]:
    """Every secret key value the repository ships as an example: the Kubernetes example Secret, and any
    default docker-compose.yml or the Settings class would fall back to."""
    keys = [Settings().secret_key]
    for doc in yaml.safe_load_all((ROOT / "deploy/k8s/secrets.example.yaml").read_text(encoding="utf-8")):
        if doc and "KAKAWARI_SECRET_KEY" in (doc.get("stringData") or {}):
            keys.append(doc["stringData"]["KAKAWARI_SECRET_KEY"])
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    keys += re.findall(r"\$\{KAKAWARI_SECRET_KEY:?-([^}]+)\}", compose)
    return keys


def _production(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> Settings:
    monkeypatch.setenv("KAKAWARI_ENV", "production")
    monkeypatch.setenv("KAKAWARI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KAKAWARI_SECRET_KEY", raising=False)
    monkeypatch.delenv("KAKAWARI_FORWARDED_ALLOW_IPS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings.from_env()


def test_production_refuses_a_missing_key_and_never_invents_one(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    settings = _production(monkeypatch, tmp_path)
    with pytest.raises(ConfigError, match="KAKAWARI_SECRET_KEY is not set"):
        settings.validate()
    assert not (tmp_path / "secret.key").exists()  # replicas must share one key: none is generated


@pytest.mark.parametrize("key", _example_keys() + [
    "CHANGE_ME" * 5, "change-me-" + secrets.token_urlsafe(32), "dev-insecure" + secrets.token_urlsafe(32),
])
def test_production_refuses_example_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, key: str) -> None:
    assert secret_key_problem(key)
    with pytest.raises(ConfigError, match="KAKAWARI_SECRET_KEY"):
        _production(monkeypatch, tmp_path, KAKAWARI_SECRET_KEY=key).validate()


def test_the_example_files_still_ship_placeholders():
    """The check above is only worth something while the repository's examples are what it reads."""
    keys = _example_keys()
    assert any("CHANGE_ME" in k for k in keys), keys
    assert "dev-insecure" in keys


def test_production_refuses_a_short_key_and_takes_a_generated_one(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    short = secrets.token_hex(MIN_SECRET_KEY_LENGTH)[: MIN_SECRET_KEY_LENGTH - 1]
    with pytest.raises(ConfigError, match=f"{MIN_SECRET_KEY_LENGTH - 1} characters"):
        _production(monkeypatch, tmp_path, KAKAWARI_SECRET_KEY=short).validate()
    just_enough = secrets.token_hex(MIN_SECRET_KEY_LENGTH)[:MIN_SECRET_KEY_LENGTH]
    assert _production(monkeypatch, tmp_path, KAKAWARI_SECRET_KEY=just_enough).validate().secret_key == just_enough
    generated = secrets.token_urlsafe(48)  # what deploy/README.md says to run
    assert _production(monkeypatch, tmp_path, KAKAWARI_SECRET_KEY=generated).validate().secret_key == generated


def test_development_takes_any_key_and_keeps_a_generated_one(monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    monkeypatch.setenv("KAKAWARI_ENV", "development")
    monkeypatch.setenv("KAKAWARI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KAKAWARI_SECRET_KEY", raising=False)
    first = Settings.from_env().validate()
    assert len(first.secret_key) >= MIN_SECRET_KEY_LENGTH and (tmp_path / "secret.key").exists()
    assert Settings.from_env().secret_key == first.secret_key  # links survive a restart
    assert Settings(secret_key="x").validate().secret_key == "x"


def test_serving_in_production_stops_before_starting_on_a_bad_key(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "registry"], env={
        "KAKAWARI_ENV": "production", "KAKAWARI_SECRET_KEY": "CHANGE_ME", "KAKAWARI_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}", "NATS_URL": "nats://127.0.0.1:1"})
    assert result.exit_code == 2, result.output
    assert "refusing to start" in result.output and "KAKAWARI_SECRET_KEY" in result.output
    assert not (tmp_path / "registry.db").exists()  # nothing was opened


def test_forwarded_allow_ips(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    key = secrets.token_urlsafe(48)
    assert _production(monkeypatch, tmp_path, KAKAWARI_SECRET_KEY=key).forwarded_allow_ips == "127.0.0.1"
    listed = _production(monkeypatch, tmp_path, KAKAWARI_SECRET_KEY=key,
                         KAKAWARI_FORWARDED_ALLOW_IPS=" 10.0.0.0/8, 192.168.1.7 ,fd00::/8")
    assert listed.validate().forwarded_allow_ips == "10.0.0.0/8,192.168.1.7,fd00::/8"
    with pytest.raises(ConfigError, match="'ingress-nginx' is not an IP"):
        _production(monkeypatch, tmp_path, KAKAWARI_SECRET_KEY=key, KAKAWARI_FORWARDED_ALLOW_IPS="ingress-nginx")
    for everyone in ("*", "0.0.0.0/0", "10.0.0.1,::/0"):
        settings = _production(monkeypatch, tmp_path, KAKAWARI_SECRET_KEY=key, KAKAWARI_FORWARDED_ALLOW_IPS=everyone)
        with pytest.raises(ConfigError, match="trusts every peer"):
            settings.validate()
    assert Settings(forwarded_allow_ips="*").validate()  # development: a developer's own choice


async def test_pool_sizes_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAKAWARI_DB_POOL_SIZE", raising=False)
    monkeypatch.delenv("KAKAWARI_DB_MAX_OVERFLOW", raising=False)
    assert DatabasePool.from_env() == DatabasePool() == Settings().db_pool
    monkeypatch.setenv("KAKAWARI_DB_POOL_SIZE", "4")
    monkeypatch.setenv("KAKAWARI_DB_MAX_OVERFLOW", "0")
    assert DatabasePool.from_env() == DatabasePool(size=4, max_overflow=0) and DatabasePool(4, 0).most == 4
    monkeypatch.setenv("KAKAWARI_SECRET_KEY", "test")
    assert Settings.from_env().db_pool == DatabasePool(size=4, max_overflow=0)

    db = open_database("postgresql://kakawari@127.0.0.1:1/none")  # nothing connects until used
    try:
        assert (db.engine.pool.size(), db.engine.pool._max_overflow) == (4, 0)  # type: ignore[attr-defined]
    finally:
        await db.dispose()
    given = open_database("postgresql://kakawari@127.0.0.1:1/none", pool=DatabasePool(size=2, max_overflow=3))
    try:
        assert (given.engine.pool.size(), given.engine.pool._max_overflow) == (2, 3)  # type: ignore[attr-defined]
    finally:
        await given.dispose()

    refused = (("KAKAWARI_DB_POOL_SIZE", "0"), ("KAKAWARI_DB_POOL_SIZE", "ten"), ("KAKAWARI_DB_MAX_OVERFLOW", "-1"))
    for name, bad in refused:
        monkeypatch.setenv(name, bad)
        with pytest.raises(ConfigError, match=name):
            DatabasePool.from_env()
        monkeypatch.delenv(name)


def test_nats_passwords_never_reach_a_log() -> None:
    from kit.config import redacted

    shown = redacted("nats://notify:s3cret-pw@nats-0:4222, nats://nats-1:4222")
    assert "s3cret" not in shown and shown == "nats://notify:***@nats-0:4222,nats://nats-1:4222"
