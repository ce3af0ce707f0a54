"""Applications: check one, make sure its code or 法人番号 is free, and insert it.

`create_application` works inside the caller's unit of work, so sign-up (with the applicant's
account) and the CSV import build on it.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from kit.db.types import utcnow
from kit.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWork
from kit.web.auth import Principal
from services.registry.domain.kinds import MemberKind
from services.registry.domain.local_government import Gazetteer, LocalGovernment
from services.registry.domain.text import nfkc
from services.registry.membership import repository as repo
from services.registry.membership.domain.corporate_number import normalise_corporate_number
from services.registry.membership.domain.eligibility import requires_local_government_code, validate_application
from services.registry.membership.domain.similarity import near_duplicates
from services.registry.membership.domain.workflow import Action, MemberStatus
from services.registry.membership.schemas import MemberApplicationCreate
from services.registry.membership.service.history import record
from services.registry.models import Member

MAX_SIMILAR = 5  # names flagged to the reviewer, best first


def _conflict(existing: UUID, *, code: bool) -> Conflict:
    what = ("この地方公共団体コード", "this local government code") if code else (
        "この法人番号", "this corporate number")
    return Conflict(ja=f"{what[0]}の会員登録は既にあります。", en=f"A membership already exists for {what[1]}.",
                    existing_member_id=str(existing), existing_member_url=f"/registry/api/v1/members/{existing}")


async def ensure_unique(tx: UnitOfWork, *, code: str | None, corporate_number: str | None,
                        exclude: UUID | None = None) -> None:
    """At most one holding membership per local-government code and per 法人番号 (409 names it)."""
    if (held := await repo.holder_of(tx.session, code=code, exclude=exclude)) is not None:
        raise _conflict(held, code=True)
    if (held := await repo.holder_of(tx.session, corporate_number=corporate_number, exclude=exclude)) is not None:
        raise _conflict(held, code=False)


def resolve_application(gazetteer: Gazetteer, data: MemberApplicationCreate) -> tuple[LocalGovernment | None,
                                                                                       str | None]:
    """Validate everything at once; returns the local government and the normalised 法人番号."""
    lg = None
    problems: list[FieldProblem] = []
    if requires_local_government_code(data.kind) and data.local_government_code:
        try:
            lg = gazetteer.lookup(data.local_government_code)
        except ValidationFailed as exc:
            problems += exc.problems
        except NotFound:  # well-formed, but not in the official list: a field problem here, not a 404
            problems.append(FieldProblem("local_government_code", "unknown",
                                         ja="この地方公共団体コードは公式の一覧にありません。",
                                         en="This code is not in the official list of local governments."))
        if lg is not None and lg.kind != data.kind.value:
            problems.append(FieldProblem("local_government_code", "kind_mismatch",
                                         ja="種別（都道府県・市区町村）とコードが一致しません。",
                                         en="The code does not belong to a local government of this kind."))
    if not problems:
        problems = validate_application(data.kind, data.legal_form, lg, data.corporate_number, data.name)
    if problems:
        raise ValidationFailed(problems)
    corporate = normalise_corporate_number(data.corporate_number) if data.corporate_number else None
    return lg, corporate or None


def new_member(data: MemberApplicationCreate, lg: LocalGovernment | None, corporate: str | None,
               status: MemberStatus, now: datetime) -> Member:
    return Member(
        id=new_event_id(), kind=data.kind.value, legal_form=data.legal_form.value if data.legal_form else None,
        name=lg.full_name if lg else (data.name or ""),
        name_kana=lg.kana if lg else (nfkc(data.name_kana).strip() if data.name_kana else None),
        local_government_code=lg.code if lg else None, corporate_number=corporate,
        prefecture_code=lg.prefecture_code if lg else None, block=lg.block if lg else None,
        status=status.value, contact_name=data.contact_name, contact_email=str(data.contact_email).lower(),
        website=data.website, locale=data.locale, directory_opt_in=data.directory_opt_in,
        activity_tags=list(data.activity_tags), similar_to=[], created_at=now, updated_at=now,
        submitted_at=None if status == MemberStatus.draft else now,
    )


async def flag_similar(tx: UnitOfWork, member: Member) -> None:
    """Near-duplicate organisation names are flagged for the reviewer, not refused."""
    if requires_local_government_code(MemberKind(member.kind)):
        return
    existing = await repo.organisation_names(tx.session, exclude=member.id)
    member.similar_to = [member_id for member_id, _ in near_duplicates(member.name, existing)][:MAX_SIMILAR]


async def create_application(tx: UnitOfWork, gazetteer: Gazetteer, data: MemberApplicationCreate,
                             actor: Principal | None = None) -> Member:
    """Insert an application inside the caller's unit of work (used by sign-up and by tests)."""
    lg, corporate = resolve_application(gazetteer, data)
    await ensure_unique(tx, code=lg.code if lg else None, corporate_number=corporate)
    status = MemberStatus.draft if data.draft else MemberStatus.submitted
    member = new_member(data, lg, corporate, status, utcnow())
    await flag_similar(tx, member)
    tx.session.add(member)
    await tx.session.flush()
    if status == MemberStatus.submitted:
        record(tx, member, Action.submit.value, None, actor, None, "applied")
    else:
        record(tx, member, "create_draft", None, actor, None, "updated")
    return member
