"""Real SMTP servers for notify's tests (aiosmtpd): one that refuses every message with a
chosen reply, and the development sink that accepts and keeps them."""

from __future__ import annotations

from typing import Any

from aiosmtpd.controller import Controller

from kit.dev.nats_server import free_port


class _Refuse:
    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.refused = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.refused += 1
        return self.reply


class RefusingSmtp:
    """Answers every message's DATA with `reply` (e.g. 451 to come back later, 550 never)."""

    def __init__(self, reply: str) -> None:
        self.port = free_port()
        self.handler = _Refuse(reply)
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> RefusingSmtp:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
