"""Settings come from the environment the README documents."""

from __future__ import annotations

import pytest

from kit import defaults as kit_defaults
from kit.config import Settings
from kit.messaging.subjects import Naming
from kit.messaging.topology import Topology


def test_retention_defaults_and_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAKAWARI_SECRET_KEY", "test")
    defaults = Settings.from_env()
    # Inbox rows live as long as the streams keep events, so no redelivery outlives its inbox row.
    assert (defaults.outbox_retention_days, defaults.inbox_retention_days) == (7.0, 365.0)
    assert Topology(Naming("")).max_age_days == kit_defaults.STREAM_RETENTION_DAYS == defaults.inbox_retention_days

    monkeypatch.setenv("KAKAWARI_OUTBOX_RETENTION_DAYS", "2")
    monkeypatch.setenv("KAKAWARI_INBOX_RETENTION_DAYS", "45.5")
    configured = Settings.from_env()
    assert (configured.outbox_retention_days, configured.inbox_retention_days) == (2.0, 45.5)
