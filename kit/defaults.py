"""Every platform-wide default, defined once. Settings, the messaging layer and the web
layer read them from here; the README's environment table names the variables that
override them."""

from __future__ import annotations

from datetime import timedelta

# Event delivery: how often a failing handler is retried before its message goes to the DLQ.
MAX_DELIVER = 5
RETRY_BACKOFF_S: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0)

# Streams keep a year of events: the console's read models are rebuilt by replaying them from
# their start (`kakawari console rebuild`), so what a stream has dropped no rebuild can count.
STREAM_RETENTION_DAYS = 365
# Messaging tables: published outbox rows are kept for operators who look into a delivery;
# inbox rows as long as the streams keep messages, so a late redelivery is still recognised.
OUTBOX_RETENTION_DAYS = 7.0
INBOX_RETENTION_DAYS = float(STREAM_RETENTION_DAYS)

# Error text kept on a row or a DLQ header: enough for a traceback's last lines.
ERROR_TEXT_LIMIT = 2000

# A signed-in browser session and a bearer token last one working day.
SESSION_LIFETIME = timedelta(hours=8)


def error_text(error: BaseException | str) -> str:
    """An error as stored for operators: its repr, cut to ERROR_TEXT_LIMIT."""
    text = error if isinstance(error, str) else repr(error)
    return text[:ERROR_TEXT_LIMIT]
