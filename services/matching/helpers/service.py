"""Helpers' use cases: a signed-in person keeps their profile, favourite regions and consent to be
scouted; exports everything matching holds about them; and is blanked when the registry erases
them (`registry.person.erased.v1`). The person is their sign-in: id and address come from it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from kit.db.types import utcnow
from kit.errors import FieldProblem, NotFound, ValidationFailed
from kit.gazetteer import local_government
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.matching.applications.service import Emit, withdraw_all
from services.matching.helpers import repository
from services.matching.helpers.domain.rules import (
    PURPOSE_VERSION,
    blanked,
    merged_windows,
    problems,
    purpose,
    unique,
)
from services.matching.helpers.schemas import (
    ApplicationExport,
    FavouriteRead,
    HelperExport,
    HelperProfile,
    HelperRead,
    PurposeRead,
    Window,
)
from services.matching.models import FavouriteRegion, Helper
from services.matching.participation import service as participation
from services.matching.programs.domain.rules import clean_tags


def stated_purpose() -> PurposeRead:
    return PurposeRead(version=PURPOSE_VERSION, ja=purpose(japanese=True), en=purpose(japanese=False))


def read(helper: Helper, favourites: Sequence[FavouriteRegion]) -> HelperRead:
    return HelperRead(
        id=helper.id, email=helper.email or "", name=helper.name, locale=helper.locale, skills=list(helper.skills),
        interests=list(helper.interests), home_prefecture_code=helper.home_prefecture_code,
        availability=[Window(starts_on=w["starts_on"], ends_on=w["ends_on"]) for w in helper.availability],
        max_travel_km=helper.max_travel_km, online_ok=helper.online_ok, scout_consent=helper.scout_consent,
        scout_consent_at=helper.scout_consent_at, scout_withdrawn_at=helper.scout_withdrawn_at,
        purpose_version=helper.purpose_version, purpose_agreed_at=helper.purpose_agreed_at,
        favourites=[favourite_read(f) for f in favourites], created_at=helper.created_at,
        updated_at=helper.updated_at)


def favourite_read(favourite: FavouriteRegion) -> FavouriteRead:
    place = local_government(favourite.municipality_code)
    return FavouriteRead(municipality_code=favourite.municipality_code,
                         municipality=place.full_name if place else favourite.municipality_code,
                         prefecture_code=favourite.prefecture_code, registered_at=favourite.registered_at)


async def profile(*, uow: UnitOfWorkFactory, who: Principal) -> HelperRead:
    async with uow.read() as session:
        helper = await _helper(session, who.user_id)
        return read(helper, await repository.favourites_of(session, helper.id))


async def save(*, uow: UnitOfWorkFactory, who: Principal, body: HelperProfile) -> tuple[HelperRead, bool]:
    """Create or replace the person's profile; (the profile, whether it is new). Agreeing to the
    purpose again records its current version; consent to be scouted is unchanged here."""
    windows = [(w.starts_on, w.ends_on) for w in body.availability]
    skills = unique(body.skills)
    if found := problems(skills=skills, windows=windows):
        raise ValidationFailed(found)
    now = utcnow()
    values = {"email": who.email.strip().lower(), "name": body.name, "locale": body.locale, "skills": skills,
              "interests": clean_tags(body.interests), "home_prefecture_code": body.home_prefecture_code,
              "availability": [_window(a, b) for a, b in merged_windows(windows)],
              "max_travel_km": body.max_travel_km, "online_ok": body.online_ok, "purpose_version": PURPOSE_VERSION,
              "purpose_agreed_at": now, "erased_at": None, "updated_at": now}
    async with uow() as tx:
        helper = await repository.get(tx.session, who.user_id)
        created = helper is None
        if helper is None:
            helper = Helper(id=who.user_id, scout_consent=False, scout_consent_at=None, scout_withdrawn_at=None,
                            created_at=now, **values)
            tx.session.add(helper)
        else:
            for key, value in values.items():
                setattr(helper, key, value)
        answer = read(helper, await repository.favourites_of(tx.session, helper.id) if not created else [])
        await tx.commit()
    return answer, created


async def add_favourite(*, uow: UnitOfWorkFactory, who: Principal, municipality_code: str) -> FavouriteRead:
    """Register with a municipality (関係人口 registration); registering again keeps the first date."""
    place = local_government(municipality_code)
    if place is None or not place.is_municipality:
        raise ValidationFailed([FieldProblem("municipality_code", "unknown",
                                             "公式の一覧にある市区町村のコードを指定してください。",
                                             "Give the code of a municipality in the official list.")])
    async with uow() as tx:
        helper = await _helper(tx.session, who.user_id)
        favourite = await repository.favourite(tx.session, helper.id, place.code)
        if favourite is None:
            favourite = FavouriteRegion(helper_id=helper.id, municipality_code=place.code,
                                        prefecture_code=place.prefecture_code, registered_at=utcnow())
            tx.session.add(favourite)
            await participation.interest_registered(tx.session, tx.emit, person_id=helper.id,
                                                    municipality_code=place.code, at=favourite.registered_at)
        answer = favourite_read(favourite)
        await tx.commit()
    return answer


async def remove_favourite(*, uow: UnitOfWorkFactory, who: Principal, municipality_code: str) -> None:
    async with uow() as tx:
        helper = await _helper(tx.session, who.user_id)
        await repository.remove_favourite(tx.session, helper.id, municipality_code)
        await tx.commit()


async def scouting(*, uow: UnitOfWorkFactory, who: Principal, consent: bool) -> HelperRead:
    """Give or withdraw consent to be scouted, timestamped; saying the same again changes nothing."""
    async with uow() as tx:
        helper = await _helper(tx.session, who.user_id)
        if helper.scout_consent != consent:
            now = utcnow()
            helper.scout_consent, helper.updated_at = consent, now
            if consent:
                helper.scout_consent_at = now
            else:
                helper.scout_withdrawn_at = now
        answer = read(helper, await repository.favourites_of(tx.session, helper.id))
        await tx.commit()
    return answer


async def export(*, uow: UnitOfWorkFactory, who: Principal) -> HelperExport:
    """Everything matching holds about the person, as JSON."""
    async with uow.read() as session:
        helper = await _helper(session, who.user_id)
        favourites = await repository.favourites_of(session, helper.id)
        applications = await repository.applications_of(session, helper.id)
    return HelperExport(
        exported_at=utcnow(), purpose=stated_purpose(), helper=read(helper, favourites),
        applications=[ApplicationExport(id=a.id, program_id=a.program_id, program_title=title, status=a.status,
                                        waitlist_ticket=a.waitlist_ticket, created_at=a.created_at,
                                        updated_at=a.updated_at) for a, title in applications])


async def erase(session: AsyncSession, email: str, now: datetime, *, emit: Emit | None = None,
                base_url: str = "") -> int:
    """Blank the person with this address (the registry erased them): how many profiles. Their
    active applications are withdrawn first, freeing their places (`emit`: the handler's, so the
    next in line move up and are told)."""
    address = email.strip().lower()
    await withdraw_all(session, emit, address, base_url)
    return await repository.blank(session, address, blanked(now))


async def _helper(session: AsyncSession, helper_id: UUID) -> Helper:
    helper = await repository.get(session, helper_id)
    if helper is None or helper.erased_at is not None:
        raise NotFound(ja="支援者プロフィールがまだ登録されていません。", en="No helper profile yet.")
    return helper


def _window(starts_on: date, ends_on: date) -> dict[str, str]:
    return {"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()}

