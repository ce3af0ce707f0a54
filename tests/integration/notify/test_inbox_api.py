"""notify's inbox API: paging in SQL, unread counts, mark one or all read, nobody else's
notifications, and the delivery log for operators. Both databases, real NATS."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

from kit.db.types import utcnow
from kit.messaging.envelope import new_event_id
from kit.web.auth import OPERATOR
from services.notify.delivery.domain.keys import address_hash
from services.notify.models import Delivery, Notification
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer

API = "/notify/api/v1"


async def add_notifications(platform: RunningPlatform, recipient: str, count: int) -> list[UUID]:
    """`count` notifications, one minute apart, the last the newest; each with a queued email."""
    start, ids = utcnow() - timedelta(days=1), []
    async with platform["notify"].uow() as tx:
        for i in range(count):
            nid = new_event_id()
            tx.session.add(Notification(id=nid, recipient=recipient, locale="ja", subject=f"お知らせ {i}", body="本文",
                                        source_event_id=new_event_id(), created_at=start + timedelta(minutes=i)))
            ids.append(nid)
        await tx.session.flush()
        for nid in ids:
            # Due in a day: the mailer leaves them alone during the test.
            did = new_event_id()
            tx.session.add(Delivery(
                id=did, key=f"{did}:{recipient}:email:member_approved", channel="email", template="member_approved",
                category="membership", critical=False, source_event_id=new_event_id(), recipient=recipient,
                recipient_hash=address_hash(recipient), locale="ja", subject="s", body_text="b", state="queued",
                attempts=0, notification_id=nid, created_at=start, updated_at=start,
                next_attempt_at=utcnow() + timedelta(days=1)))
        await tx.commit()
    return ids


async def test_inbox_pages_newest_first_with_counts(notify: RunningPlatform) -> None:
    ids = await add_notifications(notify, "reader@example.jp", 7)
    await add_notifications(notify, "other@example.jp", 3)
    me = bearer("reader@example.jp")

    first = (await notify.client.get(f"{API}/notifications", params={"limit": 3}, headers=me)).json()
    second = (await notify.client.get(f"{API}/notifications", params={"limit": 3, "offset": 3}, headers=me)).json()
    last = (await notify.client.get(f"{API}/notifications", params={"limit": 3, "offset": 6}, headers=me)).json()
    seen = [item["id"] for page in (first, second, last) for item in page["items"]]
    assert seen == [str(i) for i in reversed(ids)]
    assert (first["total"], first["unread"]) == (7, 7)

    bad = await notify.client.get(f"{API}/notifications", params={"limit": 0}, headers=me)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert (await notify.client.get(f"{API}/notifications")).status_code == 401


async def test_mark_one_then_all_read_and_never_someone_elses(notify: RunningPlatform) -> None:
    mine = await add_notifications(notify, "reader@example.jp", 4)
    theirs = await add_notifications(notify, "other@example.jp", 2)
    me = bearer("reader@example.jp")

    read = await notify.client.post(f"{API}/notifications/{mine[0]}/read", headers=me)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    again = await notify.client.post(f"{API}/notifications/{mine[0]}/read", headers=me)
    assert again.json()["read_at"] == read.json()["read_at"]  # idempotent: the first read stays
    page = (await notify.client.get(f"{API}/notifications", headers=me)).json()
    assert (page["total"], page["unread"]) == (4, 3)

    # Someone else's notification is as invisible as a missing one, and stays unread.
    hidden = await notify.client.post(f"{API}/notifications/{theirs[0]}/read", headers=me)
    assert hidden.status_code == 404
    assert (await notify.client.post(f"{API}/notifications/{uuid4()}/read", headers=me)).status_code == 404

    marked = await notify.client.post(f"{API}/notifications/read", headers=me)
    assert marked.json() == {"marked": 3}
    assert (await notify.client.get(f"{API}/notifications", headers=me)).json()["unread"] == 0
    others = (await notify.client.get(f"{API}/notifications", headers=bearer("other@example.jp"))).json()
    assert others["unread"] == 2


async def test_the_delivery_log_is_for_operators(notify: RunningPlatform) -> None:
    await add_notifications(notify, "reader@example.jp", 2)
    operator = bearer("op@example.jp", OPERATOR)
    listed = await notify.client.get(f"{API}/deliveries", params={"state": "queued"}, headers=operator)
    assert listed.status_code == 200 and len(listed.json()) == 2
    one = listed.json()[0]
    log = await notify.client.get(f"{API}/deliveries/{one['id']}", headers=operator)
    assert log.status_code == 200 and log.json()["state"] == "queued" and log.json()["log"] == []

    member = bearer("reader@example.jp")
    assert (await notify.client.get(f"{API}/deliveries", headers=member)).status_code == 403
    assert (await notify.client.get(f"{API}/deliveries/{one['id']}", headers=member)).status_code == 403
    assert (await notify.client.get(f"{API}/deliveries/{uuid4()}", headers=operator)).status_code == 404
