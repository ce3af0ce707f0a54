"""The attendee's pages: the signup form's post (the same use case as the JSON API), the address
check behind the emailed link, the signed manage page (cancel, accept an offered seat, change
details, calendar, QR, the online join URL), and "my signups" for a signed-in person.

The join URL is shown only to confirmed attendees, and only from the event's
`join_opens_minutes` before the start until its end; anyone else reads why not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.responses import Response

from kit.db.types import utcnow
from kit.errors import AppError, Conflict, FieldProblem, NotFound, ValidationFailed
from kit.jst import jst
from kit.web.locale import Locale, as_locale
from kit.web.page import messages
from kit.web.problems import field_problems
from services.forum.events.domain.rules import Status
from services.forum.events.pages import describe, detail_page, when
from services.forum.models import Event, Signup
from services.forum.schedule import service as schedule
from services.forum.signups import repository, service
from services.forum.signups.domain.rules import ACTIVE, SignupStatus
from services.forum.signups.schemas import SignupCreate
from services.forum.web import Page

router = APIRouter(include_in_schema=False)
MY_SIGNUPS_MAX = 100
FORM_FIELDS = ("name", "name_kana", "email", "affiliation", "prefecture_code", "locale")
# Clearer words than pydantic's generic "value_error" for the two fields people get wrong most.
FIELD_WORDS = {"consent": ("利用目的への同意が必要です。", "Please agree to the purpose of use."),
               "email": ("メールアドレスの形式が正しくありません。", "Enter a valid email address.")}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    SignupStatus.confirmed: ("参加確定", "Confirmed"),
    SignupStatus.pending_verification: ("メールアドレス確認待ち（お席は仮押さえ中）",
                                        "Waiting for your email check (seat held)"),
    SignupStatus.waitlisted: ("キャンセル待ち", "Waitlisted"),
    SignupStatus.offered: ("お席のご案内中", "Seat offered"),
    SignupStatus.lottery_entered: ("抽選エントリー中", "Entered in the lottery"),
    SignupStatus.not_selected: ("落選", "Not selected"),
    SignupStatus.cancelled: ("キャンセル済み", "Cancelled"),
}
DONE = {"cancelled": ("お申込みをキャンセルしました。", "Your signup is cancelled."),
        "accepted": ("お席をお受けしました。参加確定です。", "You took the seat: you are confirmed."),
        "updated": ("お申込み内容を変更しました。", "Your details are updated."),
        "reconfirmed": ("ご参加を再確認しました。当日お待ちしています。", "Thank you: your attendance is reconfirmed."),
        "verified": ("メールアドレスを確認しました。", "Your email address is verified.")}



def status_label(status: str, locale: Locale) -> str:
    ja, en = STATUS_LABELS.get(status, (status, status))
    return ja if locale == "ja" else en


# --- the signup form -------------------------------------------------------------------------

def signup_body(form: dict[str, str]) -> SignupCreate:
    """The posted form as the API's body, or every field's problem at once."""
    values: dict[str, Any] = {k: form.get(k, "").strip() for k in FORM_FIELDS}
    values["prefecture_code"] = values["prefecture_code"] or None
    values["locale"] = as_locale(values["locale"]) or "ja"
    values["consent"] = form.get("consent") in ("1", "on", "true")
    try:
        return SignupCreate.model_validate(values)
    except ValidationError as exc:
        found = [FieldProblem(p.field, p.code, *FIELD_WORDS[p.field]) if p.field in FIELD_WORDS else p
                 for p in field_problems(exc.errors(), default_field="form")]
        raise ValidationFailed(found) from exc


@router.post("/events/{event_id}/signup", response_model=None)
async def sign_up(event_id: UUID, page: Page) -> Response:
    """The signup form's post: the same use case as `POST /forum/api/v1/events/{id}/signups`.
    A script asking for JSON gets the API's answer (and its problems) instead of a page."""
    form = await page.form()
    who = page.who
    try:
        body = signup_body(form)
        person = service.Person(name=body.name, name_kana=body.name_kana, email=str(body.email),
                                affiliation=body.affiliation, prefecture_code=body.prefecture_code,
                                locale=body.locale, member_id=who.member_id if who else None)
        verified = who is not None and who.email.lower() == person.email.lower()
        outcome = await page.deps.desk.sign_up(event_id, person, verified=verified)
    except AppError as exc:
        if page.wants_json or exc.status not in (409, 422):
            raise
        error, errors = messages(exc, page.locale)
        return await detail_page(page, event_id, status=exc.status, form=form, errors=errors, error=error)
    signup = outcome.signup
    if page.wants_json:
        return page.finish(JSONResponse(
            {"id": str(signup.id), "status": signup.status, "waitlist_position": outcome.waitlist_position,
             # an address alone never hands out an existing signup's link: that went by email
             "manage_url": outcome.manage_url if outcome.created else None},
            status_code=201 if outcome.created else 200))
    async with page.deps.uow.read() as session:
        event = await repository.event(session, event_id)
    assert event is not None
    return page.page("signups/outcome.html", status=201 if outcome.created else 200,
                     **describe(event, utcnow(), page.locale), signup_status=signup.status,
                     position=outcome.waitlist_position, manage=outcome.manage_url if outcome.created else None,
                     created=outcome.created)


# --- the address check (double opt-in) -------------------------------------------------------

@router.get("/verify/{token}", response_model=None)
async def verify_form(token: str, page: Page) -> Response:
    """A button, not the check itself: mail scanners open links, and must not confirm a seat."""
    if page.deps.links.read_verify(token) is None:
        raise NotFound(ja="確認リンクが正しくありません。", en="This verification link is not valid.")
    return page.page("signups/verify.html", token=token)


@router.post("/verify/{token}", response_model=None)
async def verify(token: str, page: Page) -> Response:
    await page.form()
    signup = await service.verify(uow=page.deps.uow, links=page.deps.links, token=token)
    return page.redirect(f"/forum/manage/{page.deps.links.manage_token(signup.id)}?done=verified")


# --- the signed manage page ------------------------------------------------------------------

@dataclass(frozen=True)
class JoinGate:
    """The online join URL, or why it is not shown: `key` is shown | cancelled | not_confirmed |
    not_yet | ended | not_ready."""

    key: str
    url: str | None
    ja: str
    en: str


def join_gate(event: Event, signup: Signup, now: datetime) -> JoinGate | None:
    """The join URL for a confirmed attendee from `join_opens_minutes` before the start until the
    end; a reason for anyone else. None for an event with nothing to join online."""
    if not event.online:
        return None
    if event.status == Status.cancelled:
        return JoinGate("cancelled", None, "このイベントは中止になりました。", "This event was cancelled.")
    if signup.status != SignupStatus.confirmed:
        return JoinGate("not_confirmed", None, "参加用URLは、参加が確定した方にのみ表示します。",
                        "The join link is shown to confirmed attendees only.")
    if now >= event.ends_at:
        return JoinGate("ended", None, "このイベントは終了しました。", "This event has ended.")
    opens = event.starts_at - timedelta(minutes=event.join_opens_minutes)
    if now < opens:
        at = jst(opens, "%Y-%m-%d %H:%M")
        return JoinGate("not_yet", None,
                        f"参加用URLは開始{event.join_opens_minutes}分前の {at} JST から表示します。",
                        f"The join link shows from {at} JST, {event.join_opens_minutes} minutes before the start.")
    if not event.join_url:
        return JoinGate("not_ready", None, "参加用URLは準備中です。しばらくしてから再度ご確認ください。",
                        "The join link is not ready yet; please check again shortly.")
    return JoinGate("shown", event.join_url, "", "")


def details_problems(form: dict[str, str]) -> tuple[dict[str, str], list[FieldProblem]]:
    values = {k: form.get(k, "").strip() for k in ("name", "name_kana", "affiliation")}
    found: list[FieldProblem] = []
    if not values["name"]:
        found.append(FieldProblem("name", "required", "お名前を入力してください。", "Enter your name."))
    for key, most in (("name", 100), ("name_kana", 100), ("affiliation", 200)):
        if len(values[key]) > most:
            found.append(FieldProblem(key, "too_long", f"{most}文字以内で入力してください。",
                                      f"Use at most {most} characters."))
    return values, found


async def manage_page(page: Page, token: str, *, status: int = 200, errors: dict[str, str] | None = None,
                      error: str | None = None, form: dict[str, str] | None = None) -> Response:
    signup, event, position = await service.manage_view(uow=page.deps.uow, links=page.deps.links, token=token)
    now, locale = utcnow(), page.locale
    done = DONE.get(page.request.query_params.get("done", ""))
    confirmed = signup.status == SignupStatus.confirmed
    api = f"/forum/api/v1/signups/manage/{token}"
    return page.page("signups/manage.html", status=status, **describe(event, now, locale), signup=signup,
                     token=token, position=position, signup_status_text=status_label(signup.status, locale),
                     gate=join_gate(event, signup, now), active=signup.status in ACTIVE,
                     calendar=f"{api}/calendar.ics" if confirmed else None,
                     qr=f"{api}/qr.svg" if confirmed and (event.venue or not event.online) else None,
                     done=(done[0] if locale == "ja" else done[1]) if done else None,
                     form=form or {"name": signup.name, "name_kana": signup.name_kana,
                                   "affiliation": signup.affiliation},
                     errors=errors or {}, error=error)


@router.get("/manage/{token}", response_model=None)
async def manage(token: str, page: Page) -> Response:
    """A signup by its signed link: where it stands, and what its holder can do."""
    return await manage_page(page, token)


@router.post("/manage/{token}/cancel", response_model=None)
async def cancel(token: str, page: Page) -> Response:
    """First a confirmation page; with `confirm=yes` the seat (or place in line) is given back."""
    form = await page.form()
    signup_id = service.signup_from_token(page.deps.links, token)
    if form.get("confirm") != "yes":
        signup, event, _ = await service.manage_view(uow=page.deps.uow, links=page.deps.links, token=token)
        return page.page("signups/cancel.html", token=token, event=event, when=when(event, page.locale),
                         signup=signup)
    await service.cancel(uow=page.deps.uow, links=page.deps.links, signup_id=signup_id,
                         reason="cancelled by the attendee")
    return page.redirect(f"/forum/manage/{token}?done=cancelled")


@router.post("/manage/{token}/accept", response_model=None)
async def accept(token: str, page: Page) -> Response:
    """Take the seat offered after a promotion."""
    await page.form()
    signup_id = service.signup_from_token(page.deps.links, token)
    try:
        await service.accept_offer(uow=page.deps.uow, links=page.deps.links, signup_id=signup_id)
    except Conflict as exc:
        return await manage_page(page, token, status=exc.status, error=messages(exc, page.locale)[0])
    return page.redirect(f"/forum/manage/{token}?done=accepted")


@router.post("/manage/{token}/reconfirm", response_model=None)
async def reconfirm(token: str, page: Page) -> Response:
    """Say "I am still coming" before an in-person forum's deadline, keeping the seat."""
    await page.form()
    try:
        await schedule.reconfirm(uow=page.deps.uow, links=page.deps.links, token=token)
    except Conflict as exc:
        return await manage_page(page, token, status=exc.status, error=messages(exc, page.locale)[0])
    return page.redirect(f"/forum/manage/{token}?done=reconfirmed")


@router.post("/manage/{token}/details", response_model=None)
async def details(token: str, page: Page) -> Response:
    """Change the name, its reading and the affiliation."""
    form = await page.form()
    signup_id = service.signup_from_token(page.deps.links, token)
    values, found = details_problems(form)
    try:
        if found:
            raise ValidationFailed(found)
        await service.update_details(uow=page.deps.uow, signup_id=signup_id, **values)
    except (ValidationFailed, Conflict) as exc:
        error, errors = messages(exc, page.locale)
        return await manage_page(page, token, status=exc.status, errors=errors, error=error, form=values)
    return page.redirect(f"/forum/manage/{token}?done=updated")


# --- my signups ------------------------------------------------------------------------------

@router.get("/me", response_model=None)
async def my_signups(page: Page) -> Response:
    """The signed-in person's signups, upcoming first, each with its manage link."""
    if (who := page.who) is None:
        return page.login_redirect()
    now, locale, links = utcnow(), page.locale, page.deps.links
    async with page.deps.uow.read() as session:
        upcoming = await repository.signups_of(session, who.email.lower(), now=now, upcoming=True, limit=MY_SIGNUPS_MAX)
        past = await repository.signups_of(session, who.email.lower(), now=now, upcoming=False, limit=MY_SIGNUPS_MAX)

    def row(signup: Signup, event: Event) -> dict[str, Any]:
        return {"signup": signup, "event": event, "when": when(event, locale),
                "status_text": status_label(signup.status, locale),
                "manage": f"/forum/manage/{links.manage_token(signup.id)}"}

    return page.page("signups/mine.html", upcoming=[row(*p) for p in upcoming], past=[row(*p) for p in past])
