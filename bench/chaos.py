"""Chaos benchmark: signups and membership approvals in the distributed mode while its parts are killed.

The stack is `kakawari up-distributed`'s, started with its own pieces (`kakawari.distributed.start`):
a 3-node NATS JetStream cluster, PostgreSQL (a database and roles per service, on a fresh prefix),
every service its own production process (forum and notify twice), an aiosmtpd Maildir sink and
nginx as the one URL. Every request goes through nginx.

The load, paced over `--duration` seconds (item k starts no earlier than k/total of it, so the
faults land while it runs), with `--concurrency` requests at a time per kind:

- `--signups` public signups (every person a new address, unverified), half to the "roomy" event
  (capacity = its share: every one of them gets a held seat, `pending_verification`), half to the
  "tight" event (capacity = a tenth of its share: a tenth held, the rest `waitlisted`). A 502/503/504
  or a broken connection (a forum replica killed mid-request) is retried with the same address: a
  signup is idempotent per (event, address), so the retry answers with the signup made, if any;
- `--approvals` applications (`POST /registry/api/v1/applications`, no token), each then approved by
  the operator (`POST /registry/api/v1/members/{id}/approve`, the operator `_start` created).

Expected mail: per signup one `signup_requested` (held seat) or `signup_waitlisted`; per application
one `login_link` to the applicant (set a password), one `member_applied` to the operators' address
(NOTIFY_OPERATOR_EMAILS' default) and, once approved, one `member_approved` to the applicant. The
bench's recipients (and the operators' address) have quiet hours turned off in notify's
`recipient_settings` (as each person can in their settings) so the mail is due at any hour of the
run. Services get NOTIFY_LEASE_S=10 (a mail claimed by a killed notify is taken over after 10 s, not
the 120 s default) and a registry apply limit per IP high enough for one client applying 2,000 times.

The faults, on a fixed schedule over the load (fractions of `--duration`): SIGKILL of notify-1 (0.1),
then started again; SIGKILL of forum-1 (0.3), then started again; a restart of nats-2 (0.5: SIGTERM,
start, /healthz); the whole NATS cluster stopped (SIGTERM to all three nodes) for `--nats-stop-s`
(0.65), then started again. `kills` lists each with its time from the start of the load.

Then the bench waits until every expected email is in the Maildir and the console's projections have
every event (or `--settle-timeout`), waits out JetStream's ack wait after the last kill (a late
redelivery would show) and a quiet spell of the Maildir, and counts from the sources of truth:

- forum's database (its role's URL, read-only SQL): signup rows per event and status, the event
  counters, `oversold` = seats (confirmed + held rows, or counters) beyond capacity;
- the outboxes (forum's, registry's, notify's) against their streams (every message's
  Nats-Msg-Id, read by the NATS admin): `events_lost` = outbox events missing from their stream or
  never published, plus events of a type the console applies that it applied fewer times than there
  are distinct events (`/console/api/v1/projections`' `applied`); `events_applied_twice` = events
  the console applied more times than there are distinct events, plus notify delivery rows sharing
  a (source event, recipient, channel, template);
- the Maildir: each mail's Message-ID maps to notify's delivery row (its id), so to (recipient,
  template, source event). `email_duplicates_same_message_id` = copies of a Message-ID beyond the
  first (a resend after a crash: allowed); `email_duplicates_other` = for one (recipient, template,
  source event), or one (person, template) for the bench's people who each have one signup or
  application, Message-IDs beyond the first, plus mail whose Message-ID is in no delivery row;
- `counts_agree`: forum's rows, the console's overview (gatherings' seats and waitlist, network's
  members, notifications sent per template) and projections, notify's delivery log and registry's
  members say the same numbers.

Musts: oversold = 0, events_lost = 0, events_applied_twice = 0, email_duplicates_other = 0,
emails_delivered = emails_expected, counts_agree.

    python -m bench.chaos [--signups 2000] [--approvals 2000] [--duration 90] [--nats-stop-s 10] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import nats
from nats.js.api import DeliverPolicy

from kakawari import catalog, distributed
from kakawari.nats_cli import ADMIN
from kit import eventloop
from kit.dev import postgres
from kit.dev.nats_server import free_port
from kit.messaging.subjects import Naming
from services.notify.delivery.domain.keys import message_id
from services.registry.seed import OPERATOR_EMAIL, OPERATOR_PASSWORD

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parent.parent
OPERATORS_ADDRESS = "operator@kakawari-lab.example.jp"  # notify's NOTIFY_OPERATOR_EMAILS default
ACK_WAIT_S = 30.0  # kit.messaging.topology.RetryPolicy.ack_wait_s: a redelivery after a kill comes by then
LEASE_S = 10.0
SEATED = ("confirmed", "pending_verification", "offered")
TEMPLATE_OF = {"forum.signup.requested.v1": "signup_requested", "forum.signup.waitlisted.v1": "signup_waitlisted",
               "registry.login.requested.v1": "login_link", "registry.member.applied.v1": "member_applied",
               "registry.member.approved.v1": "member_approved"}
RETRIED = (502, 503, 504)


def admin_url_default() -> str | None:
    return os.getenv("BENCH_DATABASE_URL") or os.getenv("TEST_DATABASE_URL") or distributed.local_admin_url()


@dataclass
class Stack:
    """The running stack and what the bench needs to reach it."""

    supervisor: distributed.Supervisor
    pg_server: object | None
    data: Path
    prefix: str
    secrets: dict[str, Any]
    ports: dict[str, Any]

    @property
    def base(self) -> str:
        return str(self.ports["url"])

    def db_url(self, service: str) -> str:
        return distributed._url(self.supervisor.admin_url, f"{self.prefix}_{service}",
                                self.secrets["db"][service], f"{self.prefix}_{service}")

    async def query(self, service: str, sql: str, *args: Any) -> list[asyncpg.Record]:
        async with postgres.connect(self.db_url(service)) as conn:
            return list(await conn.fetch(sql, *args))

    def nats_urls(self) -> list[str]:
        password = self.secrets["nats"][ADMIN]
        return [f"nats://{ADMIN}:{password}@127.0.0.1:{p}" for p in self.ports["nats"]]

    def service_ready_url(self, name: str) -> str:
        service, index = name.rsplit("-", 1)
        return f"http://127.0.0.1:{self.ports['services'][service][int(index) - 1]}/{service}/readyz"

    def nats_health_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports['nats_monitoring'][int(name.rsplit('-', 1)[1]) - 1]}/healthz"


@contextmanager
def running_stack(data: Path, *, port: int, prefix: str, admin: str | None,
                  extra_env: dict[str, str]) -> Iterator[Stack]:
    """`kakawari.distributed.start`'s stack for a bench: the children's logs with errors printed if the bench
    fails, every child stopped after, and the bench's databases and roles dropped (or the embedded server
    removed). Enter it in the thread that stays alive while the stack runs (PR_SET_PDEATHSIG)."""
    supervisor, pg_server = distributed.start(data, port=port, prefix=prefix, postgres_url=admin,
                                              extra_env=extra_env)
    try:
        yield Stack(supervisor, pg_server, data, prefix, json.loads((data / "secrets.json").read_text()),
                    json.loads((data / "ports.json").read_text()))
    except BaseException:
        for log in sorted((data / "logs").glob("*.log")):
            text = log.read_text(errors="replace")
            if "Traceback" in text or "ERROR" in text:
                print(f"--- {log}\n{text[-3000:]}", file=sys.stderr)
        raise
    finally:
        supervisor.stop()
        if pg_server is not None:
            pg_server.cleanup()  # type: ignore[attr-defined]
        elif admin:
            eventloop.run(postgres.drop_databases(admin, prefix, catalog.SERVICE_NAMES))


# --- the faults ----------------------------------------------------------------------------------


@dataclass
class Chaos:
    stack: Stack
    started: float
    nats_stop_s: float
    kills: list[dict[str, Any]] = field(default_factory=list)
    last_kill_at: float = 0.0

    def _note(self, action: str, target: str, began: float, **more: Any) -> None:
        self.kills.append({"action": action, "target": target, "at_s": round(began - self.started, 1),
                           "back_after_s": round(time.monotonic() - began, 1), **more})
        if action.startswith("SIGKILL"):  # what a killed consumer held comes again after the ack wait
            self.last_kill_at = time.monotonic()

    def kill_and_restart(self, name: str) -> None:
        began = time.monotonic()
        sup = self.stack.supervisor
        sup.kill(name, signal.SIGKILL)
        child = sup.restart(name)
        sup.wait_http(child, self.stack.service_ready_url(name), 120)
        self._note("SIGKILL, then started again", name, began)

    def restart_nats_node(self, name: str) -> None:
        began = time.monotonic()
        sup = self.stack.supervisor
        child = sup.restart(name)  # SIGTERM first (it is running), then the same command again
        sup.wait_http(child, self.stack.nats_health_url(name), 120)
        self._note("restarted (SIGTERM, start)", name, began)

    def stop_cluster(self) -> None:
        began = time.monotonic()
        sup = self.stack.supervisor
        names = [f"nats-{n + 1}" for n in range(distributed.NODES)]
        for name in names:
            distributed._signal_group(sup.child(name).process.pid, signal.SIGTERM)
        for name in names:
            sup.kill(name, signal.SIGTERM)  # waits for each (SIGKILL after the grace period)
        stopped_at = time.monotonic()
        time.sleep(self.nats_stop_s)
        children = [sup.restart(name) for name in names]
        for name, child in zip(names, children, strict=True):
            sup.wait_http(child, self.stack.nats_health_url(name), 120)
        self._note(f"whole cluster stopped for {self.nats_stop_s:g} s, then started again", ",".join(names),
                   began, down_s=round(time.monotonic() - stopped_at, 1))

    async def run(self, duration: float) -> None:
        schedule: list[tuple[float, Callable[[], None]]] = [
            (0.1, lambda: self.kill_and_restart("notify-1")),
            (0.3, lambda: self.kill_and_restart("forum-1")),
            (0.5, lambda: self.restart_nats_node("nats-2")),
            (0.65, self.stop_cluster),
        ]
        for fraction, action in schedule:
            delay = self.started + fraction * duration - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            await asyncio.to_thread(action)


# --- the load ------------------------------------------------------------------------------------


@dataclass
class Load:
    client: httpx.AsyncClient
    token: str
    run_id: str
    signups_sent: int = 0
    decided: dict[str, str] = field(default_factory=dict)  # address → status answered
    signup_retries: int = 0
    applied: dict[str, str] = field(default_factory=dict)  # applicant address → member id
    approved: set[str] = field(default_factory=set)
    registry_retries: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def auth(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}

    async def _post(self, url: str, body: dict[str, Any] | None, headers: dict[str, str] | None = None,
                    count: Callable[[], None] | None = None) -> httpx.Response:
        """POST until an answer that is not a proxy's 502/503/504 or a broken connection (60 s at most)."""
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = await self.client.post(url, json=body, headers=headers)
                if answer.status_code not in RETRIED:
                    return answer
                problem = f"{answer.status_code}"
            except httpx.TransportError as exc:
                problem = repr(exc)
            if count:
                count()
            if time.monotonic() > deadline:
                raise RuntimeError(f"POST {url}: still failing after 60 s: {problem}")
            await asyncio.sleep(0.2)

    async def sign_up(self, event_id: str, i: int) -> None:
        email = f"chaos-{self.run_id}-s{i}@example.jp"
        self.signups_sent += 1

        def retried() -> None:
            self.signup_retries += 1

        answer = await self._post(f"/forum/api/v1/events/{event_id}/signups",
                                  {"name": f"参加者 {i}", "email": email, "consent": True, "locale": "ja"},
                                  count=retried)
        if answer.status_code in (200, 201):
            self.decided[email] = str(answer.json()["status"])
        else:
            self.errors.append(f"signup {i}: {answer.status_code} {answer.text[:200]}")

    async def apply_and_approve(self, i: int) -> None:
        email = f"chaos-{self.run_id}-a{i}@example.jp"

        def retried() -> None:
            self.registry_retries += 1

        answer = await self._post("/registry/api/v1/applications", {
            "kind": "intermediary", "name": f"カオス検証支援センター {i}", "contact_name": f"申請者 {i}",
            "contact_email": email, "locale": "ja"}, count=retried)
        if answer.status_code != 201:
            self.errors.append(f"application {i}: {answer.status_code} {answer.text[:200]}")
            return
        member_id = str(answer.json()["id"])
        self.applied[email] = member_id
        approved = await self._post(f"/registry/api/v1/members/{member_id}/approve", None, self.auth, retried)
        if approved.status_code == 200 or (approved.status_code == 409 and await self._is_approved(member_id)):
            self.approved.add(email)
        else:
            self.errors.append(f"approval {i}: {approved.status_code} {approved.text[:200]}")

    async def _is_approved(self, member_id: str) -> bool:
        answer = await self.client.get(f"/registry/api/v1/members/{member_id}", headers=self.auth)
        return answer.status_code == 200 and answer.json().get("status") == "approved"


async def paced(jobs: Sequence[Callable[[], Awaitable[None]]], duration: float, concurrency: int,
                started: float) -> None:
    """Job k starts no earlier than k/len(jobs) of `duration`, at most `concurrency` at a time."""
    queue: asyncio.Queue[tuple[int, Callable[[], Awaitable[None]]]] = asyncio.Queue()
    for item in enumerate(jobs):
        queue.put_nowait(item)

    async def worker() -> None:
        while not queue.empty():
            k, job = queue.get_nowait()
            delay = started + duration * k / max(1, len(jobs)) - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            await job()

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def create_event(load: Load, title: str, capacity: int) -> str:
    start = datetime.now(UTC) + timedelta(days=30)
    body = {"kind": "cafe", "title": title, "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(), "capacity": capacity, "mode": "first_come"}
    answer = await load.client.post("/forum/api/v1/events", json=body, headers=load.auth)
    if answer.status_code != 201:
        raise RuntimeError(f"creating an event: {answer.status_code} {answer.text}")
    return str(answer.json()["id"])


# --- counting ------------------------------------------------------------------------------------


async def stream_ids(stack: Stack, producer: str) -> list[str]:
    """Every message's Nats-Msg-Id in the producer's stream (an ordered consumer, headers only)."""
    naming = Naming(os.getenv("KAKAWARI_NAMESPACE", ""))
    nc = await nats.connect(stack.nats_urls(), connect_timeout=5)
    try:
        js = nc.jetstream(timeout=10)
        name = naming.stream(producer)
        last = (await js.stream_info(name)).state.last_seq
        ids: list[str] = []
        if not last:
            return ids
        sub = await js.subscribe(naming.producer_wildcard(producer), stream=name, ordered_consumer=True,
                                 deliver_policy=DeliverPolicy.ALL, headers_only=True)
        try:
            while True:
                msg = await sub.next_msg(timeout=10)
                ids.append((msg.headers or {}).get("Nats-Msg-Id", ""))
                if msg.metadata.sequence.stream >= last or not msg.metadata.num_pending:
                    break
        finally:
            await sub.unsubscribe()
        return ids
    finally:
        await nc.close()


def read_maildir(data: Path) -> list[tuple[str, str]]:
    """(recipient, Message-ID) of every mail the sink wrote (new/ and cur/)."""
    parser = BytesHeaderParser()
    out = []
    for folder in ("new", "cur"):
        where = data / "mail" / folder
        if not where.exists():
            continue
        for path in where.iterdir():
            with path.open("rb") as f:
                headers = parser.parse(f)
            out.append((str(headers.get("To", "")).strip().lower(), str(headers.get("Message-ID", "")).strip()))
    return out


async def expected_mail(stack: Stack) -> dict[tuple[str, str, str], str]:
    """(recipient, template, source event) → the bench's logical key, from the producers' outboxes."""
    expected: dict[tuple[str, str, str], str] = {}
    for service in ("forum", "registry"):
        rows = await stack.query(service, "SELECT id, event_type, envelope FROM outbox WHERE event_type = ANY($1)",
                                 list(TEMPLATE_OF))
        for row in rows:
            template = TEMPLATE_OF[row["event_type"]]
            data = json.loads(row["envelope"])["payload"]
            if template == "member_applied":
                to = OPERATORS_ADDRESS
            else:
                to = str(data.get("email") or data.get("contact_email") or "").lower()
            expected[(to, template, str(row["id"]))] = logical(to, template, str(row["id"]))
    return expected


def logical(to: str, template: str, event_id: str) -> str:
    """One email's identity: a bench person has one signup or application, so (person, template);
    the operators' address gets one per application: (address, template, source event)."""
    return f"{to}|{template}" if to != OPERATORS_ADDRESS else f"{to}|{template}|{event_id}"


async def deliveries(stack: Stack) -> list[asyncpg.Record]:
    return await stack.query("notify", "SELECT id, recipient, template, source_event_id, state, channel "
                                       "FROM deliveries WHERE channel = 'email'")


async def console(stack: Stack, load: Load, path: str) -> Any:
    answer = await load.client.get(f"/console/api/v1/{path}", headers=load.auth)
    answer.raise_for_status()
    return answer.json()


async def settled(stack: Stack, load: Load, want: int) -> tuple[bool, str]:
    """Every expected email in the Maildir and every event in the console's projections."""
    expected = await expected_mail(stack)
    if len(expected) < want:
        return False, f"outboxes: {len(expected)} of {want} mail-bearing events"
    by_id = {message_id(r["id"]): (r["recipient"].lower(), r["template"], str(r["source_event_id"]))
             for r in await deliveries(stack)}
    seen = {by_id[mid] for _, mid in read_maildir(stack.data) if mid in by_id}
    missing = sum(1 for key in expected if key not in seen)
    if missing:
        return False, f"{missing} expected emails not in the Maildir yet"
    applied = {p["event_type"]: p["applied"] for p in await console(stack, load, "projections")}
    for event_type in ("forum.signup.requested.v1", "forum.signup.waitlisted.v1", "registry.member.approved.v1"):
        outbox = sum(1 for (_, t, _) in expected if t == TEMPLATE_OF[event_type])
        if applied.get(event_type, 0) < outbox:
            return False, f"console: {event_type} {applied.get(event_type, 0)} of {outbox}"
    sent = await stack.query("notify", "SELECT count(*) AS n FROM deliveries WHERE channel = 'email' "
                                       "AND state = 'sent'")
    overview = await console(stack, load, "overview")
    if overview["notifications"]["totals"]["sent"] < sent[0]["n"]:
        return False, "console: notifications behind notify's log"
    return True, "settled"


async def count(stack: Stack, load: Load, events: dict[str, str]) -> dict[str, Any]:
    ids = list(events.values())
    # forum: the rows, the counters
    rows = await stack.query("forum", "SELECT event_id::text AS e, status, count(*) AS n, count(DISTINCT email) AS p "
                                      "FROM signups WHERE event_id::text = ANY($1) GROUP BY 1, 2", ids)
    counters = {str(r["id"]): r for r in await stack.query(
        "forum", "SELECT id, capacity, confirmed, held, waitlisted FROM events WHERE id::text = ANY($1)", ids)}
    per_event: dict[str, dict[str, Any]] = {}
    oversold = 0
    for label, event_id in events.items():
        mine = {r["status"]: int(r["n"]) for r in rows if r["e"] == event_id}
        c = counters[event_id]
        seated = sum(mine.get(s, 0) for s in SEATED)
        oversold += max(0, seated - c["capacity"], c["confirmed"] + c["held"] - c["capacity"])
        per_event[label] = {"capacity": c["capacity"], "rows": mine,
                            "counters": {k: c[k] for k in ("confirmed", "held", "waitlisted")}}
    forum_seated = sum(sum(v for k, v in e["rows"].items() if k in SEATED) for e in per_event.values())
    forum_waitlisted = sum(e["rows"].get("waitlisted", 0) for e in per_event.values())
    signup_rows = sum(sum(e["rows"].values()) for e in per_event.values())

    # events: outboxes against the streams, and the console's applied counts against distinct events
    outbox: dict[str, list[asyncpg.Record]] = {
        s: await stack.query(s, "SELECT id::text AS id, event_type, state FROM outbox")
        for s in ("forum", "registry", "notify")}
    lost_in_stream = 0
    unpublished = 0
    in_stream: dict[str, int] = {}
    for service, records in outbox.items():
        stored = await stream_ids(stack, service)
        in_stream[service] = len(stored)
        have = set(stored)
        lost_in_stream += sum(1 for r in records if r["id"] not in have)
        unpublished += sum(1 for r in records if r["state"] != "published")
    distinct_by_type = Counter(r["event_type"] for records in outbox.values() for r in records)
    projections = {p["event_type"]: int(p["applied"]) for p in await console(stack, load, "projections")}
    console_short = sum(max(0, distinct_by_type[t] - n) for t, n in projections.items() if t in distinct_by_type)
    console_twice = sum(max(0, n - distinct_by_type[t]) for t, n in projections.items() if t in distinct_by_type)
    log = await deliveries(stack)
    twin_rows = sum(n - 1 for n in Counter((r["source_event_id"], r["recipient"].lower(), r["template"])
                                           for r in log).values() if n > 1)

    # mail: the Maildir against the delivery log
    expected = await expected_mail(stack)
    by_id = {message_id(r["id"]): (r["recipient"].lower(), r["template"], str(r["source_event_id"])) for r in log}
    mails = read_maildir(stack.data)
    copies = Counter(mid for _, mid in mails)
    same_mid = sum(n - 1 for n in copies.values() if n > 1)
    ids_per_key: dict[str, set[str]] = defaultdict(set)
    unknown = 0
    for _to, mid in mails:
        if mid not in by_id:
            unknown += 1
            continue
        to, template, event_id = by_id[mid]
        ids_per_key[logical(to, template, event_id)].add(mid)
    other = sum(len(mids) - 1 for mids in ids_per_key.values() if len(mids) > 1) + unknown
    delivered_keys = {by_id[mid] for _, mid in mails if mid in by_id}
    delivered = sum(1 for key in expected if key in delivered_keys)
    seated_answers = sum(1 for s in load.decided.values() if s in SEATED)
    waitlisted_answers = sum(1 for s in load.decided.values() if s == "waitlisted")
    approvals = len(load.approved)
    emails_expected = seated_answers + waitlisted_answers + 3 * approvals
    sent_by_template = Counter(r["template"] for r in log if r["state"] == "sent")

    # the other views of the same numbers
    overview = await console(stack, load, "overview")
    cafes = [k for k in overview["gatherings"]["by_kind"] if k["kind"] == "cafe"]
    console_seated = sum(k["confirmed"] + k["held"] for k in cafes)
    console_waitlisted = sum(k["waitlisted"] for k in cafes)
    console_sent = {t["template"]: t["sent"] for t in overview["notifications"]["by_template"]}
    registry_approved = (await stack.query(
        "registry", "SELECT count(*) AS n FROM members WHERE status = 'approved'"))[0]["n"]
    views = {
        "seated": {"forum_rows": forum_seated, "forum_counters": sum(e["counters"]["confirmed"] + e["counters"]["held"]
                                                                    for e in per_event.values()),
                   "answers": seated_answers, "console_overview": console_seated,
                   "console_applied": projections.get("forum.signup.requested.v1", 0),
                   "notify_sent": sent_by_template["signup_requested"],
                   "console_sent": console_sent.get("signup_requested", 0)},
        "waitlisted": {"forum_rows": forum_waitlisted, "forum_counters": sum(e["counters"]["waitlisted"]
                                                                            for e in per_event.values()),
                       "answers": waitlisted_answers, "console_overview": console_waitlisted,
                       "console_applied": projections.get("forum.signup.waitlisted.v1", 0),
                       "notify_sent": sent_by_template["signup_waitlisted"],
                       "console_sent": console_sent.get("signup_waitlisted", 0)},
        "approved": {"answers": approvals, "registry_rows": registry_approved,
                     "console_members": overview["network"]["members"],
                     "console_applied": projections.get("registry.member.approved.v1", 0),
                     "notify_sent": sent_by_template["member_approved"],
                     "console_sent": console_sent.get("member_approved", 0)},
        "applied": {"answers": len(load.applied), "console_applied": projections.get("registry.member.applied.v1", 0),
                    "notify_sent": sent_by_template["member_applied"],
                    "console_sent": console_sent.get("member_applied", 0),
                    "login_links_sent": sent_by_template["login_link"],
                    "login_links_console_sent": console_sent.get("login_link", 0)},
    }
    agree = all(len(set(v.values())) == 1 for v in views.values())
    return {
        "signups_sent": load.signups_sent, "signups_decided": len(load.decided), "signup_rows": signup_rows,
        "signup_retries": load.signup_retries, "seated": seated_answers, "waitlisted": waitlisted_answers,
        "applications": len(load.applied), "approvals": approvals, "registry_retries": load.registry_retries,
        "oversold": oversold,
        "events_lost": lost_in_stream + unpublished + console_short,
        "events_applied_twice": console_twice + twin_rows,
        "emails_expected": emails_expected, "emails_delivered": delivered,
        "email_duplicates_same_message_id": same_mid, "email_duplicates_other": other,
        "emails_in_maildir": len(mails), "emails_without_delivery_row": unknown,
        "counts_agree": agree,
        "detail": {"events": per_event, "views": views, "outbox_events": {s: len(r) for s, r in outbox.items()},
                   "stream_messages": in_stream, "outbox_missing_from_stream": lost_in_stream,
                   "outbox_unpublished": unpublished, "console_applied_short": console_short,
                   "console_applied_over": console_twice, "delivery_rows_twinned": twin_rows,
                   "expected_from_outboxes": len(expected), "errors": load.errors[:20]},
    }


# --- the run -------------------------------------------------------------------------------------


async def quiet_recipients(stack: Stack, addresses: list[str]) -> None:
    """Quiet hours off for the bench's recipients, as each could set in their settings."""
    async with postgres.connect(stack.db_url("notify")) as conn:
        now = datetime.now(UTC)
        await conn.executemany(
            "INSERT INTO recipient_settings (recipient, quiet_enabled, quiet_start, quiet_end, updated_at) "
            "VALUES ($1, false, '21:00', '08:00', $2) ON CONFLICT (recipient) DO UPDATE SET quiet_enabled = false",
            [(a.lower(), now) for a in addresses])


async def drive(stack: Stack, args: argparse.Namespace) -> dict[str, Any]:
    run_id = uuid.uuid4().hex[:6]
    async with httpx.AsyncClient(base_url=stack.base, timeout=60,
                                 limits=httpx.Limits(max_connections=4 * args.concurrency)) as client:
        token = (await client.post("/registry/api/v1/auth/token",
                                   json={"email": OPERATOR_EMAIL, "password": OPERATOR_PASSWORD})).json()
        load = Load(client, str(token["access_token"]), run_id)
        half = args.signups // 2
        roomy_share, tight_share = args.signups - half, half
        events = {"roomy": await create_event(load, "かかわりカフェ（余裕あり）", max(1, roomy_share)),
                  "tight": await create_event(load, "かかわりカフェ（キャンセル待ちあり）", max(1, tight_share // 10))}
        people = [f"chaos-{run_id}-s{i}@example.jp" for i in range(args.signups)]
        people += [f"chaos-{run_id}-a{i}@example.jp" for i in range(args.approvals)]
        await quiet_recipients(stack, [*people, OPERATORS_ADDRESS])

        signup_jobs = [partial(load.sign_up, events["roomy" if i % 2 == 0 else "tight"], i)
                       for i in range(args.signups)]
        approval_jobs = [partial(load.apply_and_approve, i) for i in range(args.approvals)]
        started = time.monotonic()
        chaos = Chaos(stack, started, args.nats_stop_s)
        faults = asyncio.create_task(chaos.run(args.duration))
        await asyncio.gather(paced(signup_jobs, args.duration, args.concurrency, started),
                             paced(approval_jobs, args.duration, args.concurrency, started))
        load_s = time.monotonic() - started
        await faults
        faults_s = time.monotonic() - started

        want = len(load.decided) + 3 * len(load.approved)
        deadline = time.monotonic() + args.settle_timeout
        state = ""
        while time.monotonic() < deadline:
            ok, state = await settled(stack, load, want)
            if ok:
                break
            await asyncio.sleep(1.0)
        settled_s = time.monotonic() - started
        # A late redelivery or resend would come within the ack wait after the last kill: wait it out,
        # and for the Maildir to be quiet.
        not_before = chaos.last_kill_at + ACK_WAIT_S + 2 if args.wait_redeliveries else 0.0
        last = -1
        while True:
            now_count = len(read_maildir(stack.data))
            if now_count == last and time.monotonic() >= not_before:
                break
            last = now_count
            await asyncio.sleep(3.0)
        result = await count(stack, load, events)
        result.update(kills=chaos.kills, settle_state=state,
                      timings_s={"load": round(load_s, 1), "faults_done": round(faults_s, 1),
                                 "settled": round(settled_s, 1), "counted": round(time.monotonic() - started, 1)},
                      event_ids=events)
        return result


def git_commit() -> str | None:
    from bench.notify import git_commit as commit

    return commit()


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Start the stack (in this thread, outside any event loop: `_start` runs its own), drive it, stop it."""
    tmp = Path(tempfile.mkdtemp(prefix="kakawari-bench-chaos-"))
    data = tmp / "var"
    prefix = f"kchaos{os.getpid()}"
    admin = args.postgres_url or admin_url_default()
    extra = {"NOTIFY_LEASE_S": str(LEASE_S), "REGISTRY_APPLY_IP_LIMIT": "1000000/3600", "LOG_LEVEL": "WARNING"}
    load_at_start = os.getloadavg()[0]
    # In this thread, not a worker's: each child has PR_SET_PDEATHSIG, which fires when the thread that
    # started it ends. (The restarts run in the loop's default executor, whose threads outlive `drive`.)
    with running_stack(data, port=args.port or free_port(), prefix=prefix, admin=admin, extra_env=extra) as stack:
        result: dict[str, Any] = {"name": "chaos"}
        result.update(eventloop.run(drive(stack, args)))
    result.update(
        signups_requested=args.signups, approvals_requested=args.approvals, duration_s=args.duration,
        nats_stop_s=args.nats_stop_s, concurrency=args.concurrency,
        design=("signups: half to a roomy event (capacity = its share: all held seats), half to a tight one "
                "(capacity = a tenth of its share: the rest waitlisted); approvals: application, then approval "
                "by the operator; faults: SIGKILL notify-1 and forum-1 (each started again), a restart of "
                "nats-2, the whole NATS cluster stopped for nats_stop_s"),
        date=datetime.now(UTC).isoformat(timespec="seconds"), commit=git_commit(),
        machine={"cpus": os.cpu_count(), "load_1m_at_start": round(load_at_start, 2),
                 "load_1m_at_end": round(os.getloadavg()[0], 2)},
    )
    if args.keep:
        print(f"kept: {tmp} (logs, mail)", file=sys.stderr)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def musts(result: dict[str, Any]) -> dict[str, bool]:
    return {
        "oversold = 0": result["oversold"] == 0,
        "events_lost = 0": result["events_lost"] == 0,
        "events_applied_twice = 0": result["events_applied_twice"] == 0,
        "email_duplicates_other = 0": result["email_duplicates_other"] == 0,
        "every expected email delivered": result["emails_delivered"] == result["emails_expected"] > 0,
        "every signup decided": result["signups_decided"] == result["signups_sent"],
        "counts_agree": bool(result["counts_agree"]),
    }


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--signups", type=int, default=2000)
    p.add_argument("--approvals", type=int, default=2000)
    p.add_argument("--duration", type=float, default=90.0, help="seconds the load is paced over")
    p.add_argument("--concurrency", type=int, default=8, help="requests in flight per kind")
    p.add_argument("--nats-stop-s", type=float, default=10.0, help="how long the whole NATS cluster is stopped")
    p.add_argument("--settle-timeout", type=float, default=300.0)
    p.add_argument("--no-wait-redeliveries", dest="wait_redeliveries", action="store_false",
                   help="do not wait out JetStream's ack wait after the last kill before counting")
    p.add_argument("--port", type=int, default=0, help="nginx's port (default: a free one)")
    p.add_argument("--postgres-url", default=None, help="a superuser's URL (default as up-distributed)")
    p.add_argument("--keep", action="store_true", help="keep the data directory (logs, Maildir)")
    p.add_argument("--out", default="chaos.json", help="file name under bench/results/")
    return p


def main() -> None:
    args = parser().parse_args()
    result = run(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    keys = ("signups_sent", "signups_decided", "oversold", "events_lost", "events_applied_twice", "emails_expected",
            "emails_delivered", "email_duplicates_same_message_id", "email_duplicates_other", "counts_agree")
    print(json.dumps({k: result[k] for k in keys}, ensure_ascii=False))
    print(json.dumps(result["kills"], ensure_ascii=False))
    checks = musts(result)
    for check, held in checks.items():
        print(f"{'holds' if held else 'FAILS'}: {check}")
    if not all(checks.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
