"""An SMTP sink for the notify benchmark: accepts every message and writes one line per recipient.

Run as its own process, so the SMTP server's CPU is not the benchmark's:

    python -m bench.smtp_sink --port 2525 --out received.tsv

Each accepted recipient appends `<unix time>\\t<recipient>\\t<Message-ID>\\t<bytes>\\n` to `--out`
with a single unbuffered write, so the parent can tail the file while the sink runs. Only the
header block is searched for the Message-ID (no MIME parsing): the sink must stay faster than
anything that feeds it. The first message is also kept whole in `<out>.sample.eml`, so the
benchmark's ceiling sender can send mail of the same shape and size.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import time
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP
from aiosmtpd.smtp import Envelope as SmtpEnvelope

from kit import eventloop

_MESSAGE_ID = b"\nmessage-id:"


def message_id(content: bytes) -> str:
    """The Message-ID header's value, from the header block only ('' when there is none)."""
    end = content.find(b"\r\n\r\n")
    head = content[: end if end >= 0 else len(content)]
    at = head.lower().find(_MESSAGE_ID)
    if at < 0:
        return ""
    start = at + len(_MESSAGE_ID)
    stop = head.find(b"\n", start)
    return head[start: stop if stop >= 0 else len(head)].strip().decode("ascii", "replace")


class Recorder:
    def __init__(self, out: Path) -> None:
        self.fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.sample: Path | None = out.with_name(out.name + ".sample.eml")

    async def handle_DATA(self, server: Any, session: Any, envelope: SmtpEnvelope) -> str:  # noqa: N802
        content = envelope.original_content or b""
        if self.sample is not None:
            self.sample.write_bytes(content)
            self.sample = None
        mid = message_id(b"\n" + content)  # the leading newline lets the first header match too
        now = time.time()  # wall clock: comparable with the parent's, which runs in another process
        lines = "".join(f"{now:.6f}\t{rcpt}\t{mid}\t{len(content)}\n" for rcpt in envelope.rcpt_tos)
        os.write(self.fd, lines.encode())
        return "250 Message accepted"


async def serve(host: str, port: int, out: Path) -> None:
    recorder = Recorder(out)
    loop = asyncio.get_running_loop()
    # A fixed hostname: aiosmtpd would otherwise resolve the machine's FQDN for every connection.
    server = await loop.create_server(lambda: SMTP(recorder, hostname="bench-sink", ident="bench-sink"), host, port)
    stopped = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopped.set)
    async with server:
        await stopped.wait()
    os.close(recorder.fd)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)  # aiosmtpd logs every connection at INFO
    eventloop.run(serve(args.host, args.port, args.out))


if __name__ == "__main__":
    main()
