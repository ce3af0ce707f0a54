"""Invitations, emailed sign-in links (signed, expiring, single use, hashed at rest) and passwords."""

from __future__ import annotations

from sqlalchemy import select

from services.registry.models import EmailToken, User
from tests.integration.registry.conftest import (
    API,
    Api,
    Ids,
    admin_of_new_member,
    link_from_outbox,
    municipality,
    outbox,
)
from tests.support.platform import RunningPlatform


async def test_invitation_flow_and_staff_list(registry: RunningPlatform, api: Api, ids: Ids) -> None:
    member_id, admin = await admin_of_new_member(registry, api, municipality(ids, "inv-admin@example.jp"))
    c = api.client
    r = await c.post(f"{API}/members/{member_id}/staff/invitations", headers=admin,
                     json={"email": "Inv-Staff@Example.jp", "role": "admin", "locale": "en"})
    assert r.status_code == 201 and r.json()["email"] == "inv-staff@example.jp"
    invited = [e for e in await outbox(registry) if e["type"] == "registry.staff.invited.v1"][-1]
    assert invited["invite_url"].startswith("http://testserver/registry/invite/")
    assert invited["member_id"] == member_id and invited["role"] == "admin" and invited["locale"] == "en"
    token = invited["invite_url"].rsplit("/", 1)[1]
    async with registry["registry"].uow.read() as session:
        stored = (await session.scalars(select(EmailToken.token_hash))).all()
    assert token not in stored and all(len(h) == 64 for h in stored)  # only hashes at rest

    r = await c.post(f"{API}/invitations/accept", json={"token": token, "display_name": "招待 次郎",
                                                        "password": "second-admin-pass"})
    assert r.status_code == 200 and r.json()["member_id"] == member_id
    again = await c.post(f"{API}/invitations/accept", json={"token": token, "display_name": "x",
                                                            "password": "second-admin-pass"})
    assert again.status_code == 401  # single use
    tampered = await c.post(f"{API}/invitations/accept", json={"token": token[:-2] + "xx", "display_name": "x",
                                                               "password": "second-admin-pass"})
    assert tampered.status_code == 401
    staff = (await c.get(f"{API}/members/{member_id}/staff", headers=admin)).json()
    assert {s["email"] for s in staff} == {"inv-admin@example.jp", "inv-staff@example.jp"}
    first_admin = next(s for s in staff if s["email"] == "inv-admin@example.jp")
    second = next(s for s in staff if s["email"] == "inv-staff@example.jp")
    assert (await c.delete(f"{API}/members/{member_id}/staff/{second['id']}", headers=admin)).status_code == 204
    last = await c.delete(f"{API}/members/{member_id}/staff/{first_admin['id']}", headers=admin)
    assert last.status_code == 409  # a member keeps at least one admin


async def test_magic_link_is_single_use_and_silent_for_strangers(registry: RunningPlatform, api: Api,
                                                                 ids: Ids) -> None:
    await admin_of_new_member(registry, api, municipality(ids, "magic@example.jp"))
    c = api.client
    before = len(await outbox(registry))
    r = await c.post(f"{API}/auth/login-link", json={"email": "nobody@example.jp"})
    assert r.status_code == 202 and len(await outbox(registry)) == before  # no account: nothing sent, same answer
    r = await c.post(f"{API}/auth/login-link", json={"email": "magic@example.jp"})
    assert r.status_code == 202
    event = (await outbox(registry))[-1]
    assert event["type"] == "registry.login.requested.v1" and event["purpose"] == "login"
    token = await link_from_outbox(registry, "magic@example.jp", "login_url")
    ok = await c.post(f"{API}/auth/login-link/redeem", json={"token": token})
    assert ok.status_code == 200 and ok.json()["role"] == "admin"
    assert (await c.post(f"{API}/auth/login-link/redeem", json={"token": token})).status_code == 401
    # A link minted for one purpose does not work for another.
    assert (await c.post(f"{API}/auth/password", json={"token": token, "password": "x" * 12})).status_code == 401


async def test_passwords_are_argon2_and_wrong_ones_fail(registry: RunningPlatform, api: Api, ids: Ids) -> None:
    await admin_of_new_member(registry, api, municipality(ids, "pw@example.jp"), password="a-long-password")
    async with registry["registry"].uow.read() as session:
        user = await session.scalar(select(User).where(User.email == "pw@example.jp"))
    assert user is not None and user.password_hash and user.password_hash.startswith("$argon2")
    bad = await api.client.post(f"{API}/auth/token", json={"email": "pw@example.jp", "password": "wrong"})
    assert bad.status_code == 401
    await api.token("pw@example.jp", "a-long-password")
