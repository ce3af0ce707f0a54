"""One waitlist entry for several dates of a café series, on both databases: the person joins
each chosen date's line; the first date that frees up wins and the other lines are given up;
a place already held in a line is never reset by a new entry."""

from __future__ import annotations

from typing import Any

from tests.integration.forum.test_calendar import new_series, someone
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer

API = "/forum/api/v1"


async def counts(platform: RunningPlatform, event_id: str) -> dict[str, int]:
    body = (await platform.client.get(f"{API}/events/{event_id}")).json()
    return {k: body[k] for k in ("confirmed", "waitlisted")}


async def test_the_first_date_that_frees_up_wins(forum: RunningPlatform) -> None:
    series = await new_series(forum, capacity=1)
    dates = [d["id"] for d in series["dates"]]
    seated: dict[str, Any] = {}
    for i, date in enumerate(dates):
        seated[date] = (await forum.client.post(f"{API}/events/{date}/signups", json=someone(i))).json()
    me = someone(99)
    entry = await forum.client.post(f"{API}/series/{series['id']}/waitlist", headers=bearer(me["email"]),
                                    json={**me, "event_ids": [dates[0], dates[2]]})
    assert entry.status_code == 201, entry.text
    assert [(s["event_id"], s["status"], s["waitlist_position"]) for s in entry.json()] == [
        (dates[0], "waitlisted", 1), (dates[2], "waitlisted", 1)]

    token = seated[dates[2]]["manage_url"].rsplit("/", 1)[1]
    assert (await forum.client.post(f"{API}/signups/manage/{token}/cancel")).status_code == 200
    assert await counts(forum, dates[2]) == {"confirmed": 1, "waitlisted": 0}  # mine now
    assert await counts(forum, dates[0]) == {"confirmed": 1, "waitlisted": 0}  # and I left that line

    other = await forum.client.post(f"{API}/series/{series['id']}/waitlist",
                                    json={**someone(98), "event_ids": [dates[1], str(series["id"])]})
    assert other.status_code == 404  # only the series' own dates


async def test_a_new_entry_keeps_a_place_already_in_line(forum: RunningPlatform) -> None:
    series = await new_series(forum, capacity=1)
    dates = [d["id"] for d in series["dates"]]
    for i, date in enumerate(dates):
        await forum.client.post(f"{API}/events/{date}/signups", json=someone(i))
    early = await forum.client.post(f"{API}/events/{dates[1]}/signups", json=someone(50))
    late = await forum.client.post(f"{API}/events/{dates[1]}/signups", json=someone(51))
    assert (early.json()["waitlist_position"], late.json()["waitlist_position"]) == (1, 2)
    again = await forum.client.post(f"{API}/series/{series['id']}/waitlist",
                                    json={**someone(50), "event_ids": [dates[1], dates[3]]})
    assert [(s["event_id"], s["waitlist_position"]) for s in again.json()] == [(dates[3], 1)]
    assert await counts(forum, dates[1]) == {"confirmed": 1, "waitlisted": 2}  # nobody's place moved
