"""Japan Standard Time: the one zone every page, message and "as of" date uses.

Pure (no I/O), so domain modules may import it as well as the web layer.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")


def jst(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Render a timestamp in JST, as every page and message shows dates."""
    return "" if value is None else value.astimezone(JST).strftime(fmt)
