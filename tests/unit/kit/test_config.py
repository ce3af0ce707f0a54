"""Settings come from the environment the README documents."""

from __future__ import annotations

import pytest

from kit.config import Settings


def test_retention_defaults_and_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAKAWARI_SECRET_KEY", "test")
    defaults = Settings.from_env()
    assert (defaults.outbox_retention_days, defaults.inbox_retention_days) == (7.0, 30.0)

    monkeypatch.setenv("KAKAWARI_OUTBOX_RETENTION_DAYS", "2")
    monkeypatch.setenv("KAKAWARI_INBOX_RETENTION_DAYS", "45.5")
    configured = Settings.from_env()
    assert (configured.outbox_retention_days, configured.inbox_retention_days) == (2.0, 45.5)
