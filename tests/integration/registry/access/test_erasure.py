"""Erasing a person at their request (APPI): operators only; the account and links go, the
history keeps its entries without the address, the last admin is protected, and every other
service is told through `registry.person.erased.v1`."""

from __future__ import annotations

from sqlalchemy import select

from services.registry.models import EmailToken, MemberHistory, User
from tests.integration.registry.conftest import API, Api, Ids, admin_of_new_member, municipality, outbox
from tests.support.platform import RunningPlatform


async def test_an_operator_erases_a_person_and_every_service_is_told(registry: RunningPlatform, api: Api,
                                                                      ids: Ids) -> None:
    member_id, admin = await admin_of_new_member(registry, api, municipality(ids, "erase-admin@example.jp"))
    c = api.client
    r = await c.post(f"{API}/members/{member_id}/staff/invitations", headers=admin,
                     json={"email": "erase-staff@example.jp", "role": "staff"})
    assert r.status_code == 201
    operator = await api.operator()

    assert (await c.post(f"{API}/people/erase", json={"email": "erase-staff@example.jp"},
                         headers=admin)).status_code == 403
    last_admin = await c.post(f"{API}/people/erase", json={"email": "erase-admin@example.jp"}, headers=operator)
    assert last_admin.status_code == 409
    bad = await c.post(f"{API}/people/erase", json={"email": "not-an-address"}, headers=operator)
    assert bad.status_code == 422

    erased = await c.post(f"{API}/people/erase", json={"email": "Erase-Staff@Example.jp"}, headers=operator)
    assert erased.status_code == 204
    async with registry["registry"].uow.read() as session:
        tokens = (await session.scalars(select(EmailToken).where(EmailToken.email == "erase-staff@example.jp"))).all()
        users = (await session.scalars(select(User).where(User.email == "erase-staff@example.jp"))).all()
        history = (await session.scalars(select(MemberHistory.actor_email))).all()
    assert tokens == [] and users == [] and "erase-staff@example.jp" not in history
    events = [e for e in await outbox(registry) if e["type"] == "registry.person.erased.v1"]
    assert [e["email"] for e in events] == ["erase-staff@example.jp"]
