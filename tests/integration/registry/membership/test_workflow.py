"""The workflow: every legal transition moves and emits its event; every illegal one is a 409."""

from __future__ import annotations

from uuid import UUID

import pytest

from kit.errors import Conflict, ValidationFailed
from kit.web.auth import OPERATOR, Principal
from services.registry.gazetteer import load_gazetteer
from services.registry.membership.domain.workflow import ALL_TRANSITIONS, REQUIRED_NOTE, Action, MemberStatus
from services.registry.membership.schemas import MemberApplicationCreate
from services.registry.membership.service import records, review
from services.registry.membership.service.applications import create_application
from tests.integration.registry.conftest import API, Api, Ids, admin_of_new_member, company, municipality, outbox
from tests.support.platform import RunningPlatform

OP = Principal(user_id=UUID(int=1), email="op@example.jp", role=OPERATOR)
# How to reach each status from a fresh draft.
PATHS: dict[MemberStatus, list[Action]] = {
    MemberStatus.draft: [],
    MemberStatus.submitted: [Action.submit],
    MemberStatus.returned: [Action.submit, Action.return_for_changes],
    MemberStatus.rejected: [Action.submit, Action.reject],
    MemberStatus.approved: [Action.submit, Action.approve],
    MemberStatus.active: [Action.submit, Action.approve, Action.activate],
    MemberStatus.suspended: [Action.submit, Action.approve, Action.activate, Action.suspend],
    MemberStatus.withdrawn: [Action.submit, Action.approve, Action.withdraw],
}
EVENT = {"applied": "registry.member.applied.v1", "approved": "registry.member.approved.v1",
         "rejected": "registry.member.rejected.v1", "returned": "registry.member.returned.v1",
         "suspended": "registry.member.suspended.v1", "withdrawn": "registry.member.withdrawn.v1",
         "updated": "registry.member.updated.v1"}


async def _member_in(registry: RunningPlatform, ids: Ids, status: MemberStatus) -> UUID:
    rt = registry["registry"]
    data = MemberApplicationCreate(kind="company", name=f"株式会社テスト{ids.corporate()}",  # type: ignore[arg-type]
                                   corporate_number=ids.corporate(), contact_name="x", contact_email="w@example.jp",
                                   draft=True)
    async with rt.uow() as tx:
        member = await create_application(tx, load_gazetteer(), data)
        await tx.commit()
    for action in PATHS[status]:
        await review.transition(uow=rt.uow, member_id=member.id, action=action, actor=OP, note="理由")
    return member.id


@pytest.mark.parametrize("status", list(MemberStatus))
async def test_every_action_from_every_status(registry: RunningPlatform, ids: Ids, status: MemberStatus) -> None:
    rt = registry["registry"]
    for action in Action:
        member_id = await _member_in(registry, ids, status)
        before = len(await outbox(registry))
        legal = ALL_TRANSITIONS.get((status, action))
        if legal is None:
            with pytest.raises(Conflict):
                await review.transition(uow=rt.uow, member_id=member_id, action=action, actor=OP, note="理由")
            assert len(await outbox(registry)) == before, "an illegal transition must write nothing"
            continue
        moved = await review.transition(uow=rt.uow, member_id=member_id, action=action, actor=OP, note="理由")
        assert moved.status == legal.to_status.value
        emitted = (await outbox(registry))[before:]
        assert [e["type"] for e in emitted] == [EVENT[legal.event_verb]]
        assert emitted[0]["member_id"] == str(member_id) and emitted[0]["status"] == legal.to_status.value
        history = await records.member_history(uow=rt.uow, member_id=member_id, viewer=OP)
        assert (history[-1].action, history[-1].to_status, history[-1].actor_email, history[-1].note) == (
            action.value, legal.to_status.value, OP.email, "理由")


@pytest.mark.parametrize("action", list(REQUIRED_NOTE))
async def test_reason_or_comment_required(registry: RunningPlatform, ids: Ids, action: Action) -> None:
    start = MemberStatus.active if action == Action.suspend else MemberStatus.submitted
    member_id = await _member_in(registry, ids, start)
    with pytest.raises(ValidationFailed) as caught:
        await review.transition(uow=registry["registry"].uow, member_id=member_id, action=action, actor=OP,
                                 note="  ")
    assert caught.value.problems[0].field == REQUIRED_NOTE[action]


async def test_over_http_illegal_is_409_and_returned_can_be_edited_and_resubmitted(
        registry: RunningPlatform, api: Api, ids: Ids) -> None:
    body = company(ids, "wf@example.jp", "株式会社ワークフロー")
    member_id, applicant = await admin_of_new_member(registry, api, body)
    op = await api.operator()
    c = api.client
    r = await c.post(f"{API}/members/{member_id}/activate", headers=op)
    assert r.status_code == 409 and r.json()["allowed_actions"] == ["approve", "reject", "return_for_changes"]
    r = await c.post(f"{API}/members/{member_id}/reject", headers=op, json={})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = await c.post(f"{API}/members/{member_id}/approve", headers=applicant)
    assert r.status_code == 403  # applicants cannot approve themselves
    r = await c.post(f"{API}/members/{member_id}/return_for_changes", headers=op, json={"note": "法人名を正式名称で"})
    assert r.status_code == 200 and r.json()["status"] == "returned"
    r = await c.patch(f"{API}/members/{member_id}", headers=applicant, json={"name": "株式会社ワークフロー研究所"})
    assert r.status_code == 200 and r.json()["name"] == "株式会社ワークフロー研究所"
    r = await c.post(f"{API}/members/{member_id}/submit", headers=applicant)
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    r = await c.patch(f"{API}/members/{member_id}", headers=applicant, json={"name": "別の名前"})
    assert r.status_code == 409  # identity is frozen while under review
    history = (await c.get(f"{API}/members/{member_id}/history", headers=applicant)).json()
    assert [h["action"] for h in history] == ["submit", "return_for_changes", "update", "submit"]
    assert history[1]["note"] == "法人名を正式名称で" and history[1]["actor_email"]


async def test_member_events_carry_the_members_home(registry: RunningPlatform, api: Api, ids: Ids) -> None:
    """The console places every member by its prefecture (and a local government by its own code)."""
    op = await api.operator()
    town, _ = await admin_of_new_member(registry, api, municipality(ids, "home-town@example.jp"))
    firm, _ = await admin_of_new_member(registry, api, company(ids, "home-firm@example.jp", "株式会社ホーム"))
    for member_id in (town, firm):
        r = await api.client.post(f"{API}/members/{member_id}/approve", headers=op)
        assert r.status_code == 200, r.text
    code = (await api.client.get(f"{API}/members/{town}", headers=op)).json()["local_government_code"]
    told = {member_id: [(e["type"], e["prefecture_code"], e["municipality_code"]) for e in await outbox(registry)
                        if e.get("member_id") == member_id and e["type"] in EVENT.values()]
            for member_id in (town, firm)}
    assert told[town] == [(EVENT[verb], code[:2], code) for verb in ("applied", "approved")]
    assert told[firm] == [(EVENT[verb], None, None) for verb in ("applied", "approved")]
