"""The helper's own page, /matching/helpers/me: the profile (skills, interests, home prefecture,
availability, reach, online), agreement to the stated purpose of use (APPI), favourite regions,
consent to be scouted and the data export. The same use cases as the JSON API under /helpers/me.

Every form posts with its CSRF token and is answered with a redirect back here (or this page again
with the field errors and a 422), so it all works without JavaScript. notify's scout emails link
here: withdrawing from scouting is one button.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from kit.errors import AppError, FieldProblem, NotFound, ValidationFailed
from kit.gazetteer import LocalGovernment, local_governments
from kit.web.locale import as_locale
from kit.web.page import messages
from kit.web.problems import field_problems
from services.matching.helpers import service
from services.matching.helpers.domain.rules import MAX_WINDOWS
from services.matching.helpers.schemas import HelperProfile, HelperRead
from services.matching.programs.domain.skills import SKILLS, label
from services.matching.programs.pages import prefectures
from services.matching.web import Page

router = APIRouter(include_in_schema=False)
HOME = "/matching/helpers/me"
SPARE_WINDOWS = 2  # empty date rows offered below the saved ones
TAG_SEPARATORS = re.compile(r"[\s、,，・/／]+")
EXPORT_FILENAME = "kakawari-matching-export.json"
DONE = {"created": ("支援者プロフィールを登録しました。", "Your helper profile is created."),
        "saved": ("プロフィールを保存しました。", "Your profile is saved."),
        "favourite_added": ("お気に入りの地域に登録しました。", "The region is now a favourite."),
        "favourite_removed": ("お気に入りの地域から外しました。", "The region is no longer a favourite."),
        "scout_give": ("スカウトを受け取る設定にしました。", "Hosts may now invite you."),
        "scout_withdraw": ("スカウトへの同意を取り消しました。今後、募集側に候補として表示されません。",
                           "You withdrew consent to be scouted: hosts no longer see you as a candidate.")}
# Clearer words than pydantic's generic ones for the fields people get wrong most.
FIELD_WORDS = {"name": ("お名前を入力してください（100文字以内）。", "Enter your name (at most 100 characters)."),
               "max_travel_km": ("0〜3000の整数（km）で入力してください。", "Enter whole kilometres from 0 to 3000."),
               "home_prefecture_code": ("一覧から選んでください。", "Choose from the list.")}


class ScoutChoice(StrEnum):
    give = "give"
    withdraw = "withdraw"


Code = Annotated[str, Path(pattern=r"^\d{6}$")]


# --- the profile form --------------------------------------------------------------------------

def form_of(helper: HelperRead | None, locale: str) -> dict[str, Any]:
    """What the profile form shows: the saved profile, or an empty one in the page's language."""
    if helper is None:
        return {"name": "", "locale": locale, "skills": [], "interests": "", "home_prefecture_code": "",
                "windows": [("", "")] * SPARE_WINDOWS, "max_travel_km": "", "online_ok": False, "agree": False}
    saved = [(w.starts_on.isoformat(), w.ends_on.isoformat()) for w in helper.availability]
    return {"name": helper.name, "locale": helper.locale, "skills": helper.skills,
            "interests": "、".join(helper.interests), "home_prefecture_code": helper.home_prefecture_code or "",
            "windows": (saved + [("", "")] * SPARE_WINDOWS)[:MAX_WINDOWS],
            "max_travel_km": "" if helper.max_travel_km is None else str(helper.max_travel_km),
            "online_ok": helper.online_ok, "agree": helper.purpose_version == service.stated_purpose().version}


def posted_form(raw: FormData) -> dict[str, Any]:
    """The posted profile form as the form shows it again (after an error)."""
    text = {k: v.strip() for k, v in raw.items() if isinstance(v, str)}
    windows = [(text.get(f"availability.{i}.starts_on", ""), text.get(f"availability.{i}.ends_on", ""))
               for i in range(MAX_WINDOWS) if f"availability.{i}.starts_on" in text]
    return {"name": text.get("name", ""), "locale": as_locale(text.get("locale")) or "ja",
            "skills": [s for s in raw.getlist("skills") if isinstance(s, str)], "interests": text.get("interests", ""),
            "home_prefecture_code": text.get("home_prefecture_code", ""), "windows": windows,
            "max_travel_km": text.get("max_travel_km", ""), "online_ok": text.get("online_ok") == "1",
            "agree": text.get("agree_to_purpose") == "1"}


def sent_rows(form: dict[str, Any]) -> list[int]:
    """The form's rows with both days given: the periods sent, in order."""
    return [i for i, (starts_on, ends_on) in enumerate(form["windows"]) if starts_on and ends_on]


def profile_body(form: dict[str, Any], rows: list[int]) -> HelperProfile:
    """The form as the API's body, or every field's problem at once, named as the form's inputs."""
    found = [FieldProblem(f"availability.{i}.{'ends_on' if starts_on else 'starts_on'}", "missing",
                          "開始日と終了日の両方を入力してください。", "Give both the first and the last day.")
             for i, (starts_on, ends_on) in enumerate(form["windows"]) if bool(starts_on) != bool(ends_on)]
    values = {"name": form["name"], "locale": form["locale"], "skills": form["skills"],
              "interests": [t for t in TAG_SEPARATORS.split(form["interests"]) if t],
              "home_prefecture_code": form["home_prefecture_code"] or None,
              "availability": [{"starts_on": form["windows"][i][0], "ends_on": form["windows"][i][1]} for i in rows],
              "max_travel_km": form["max_travel_km"] or None, "online_ok": form["online_ok"],
              "agree_to_purpose": form["agree"]}
    try:
        body = HelperProfile.model_validate(values)
    except ValidationError as exc:
        found += [renamed(p, rows) for p in field_problems(exc.errors(), default_field="form")]
    if found:
        raise ValidationFailed(found)
    return body


async def saved_profile(page: Page, form: dict[str, Any]) -> bool:
    """Save the posted form; whether the profile is new."""
    assert page.who is not None
    rows = sent_rows(form)
    body = profile_body(form, rows)
    try:
        _, created = await service.save(uow=page.deps.uow, who=page.who, body=body)
    except ValidationFailed as exc:  # the rules count the periods sent; the form counts its rows
        raise ValidationFailed([renamed(p, rows) for p in exc.problems]) from exc
    return created


def renamed(problem: FieldProblem, rows: list[int]) -> FieldProblem:
    """A problem named by the form's input: `skills.3` is the skills, the n-th window sent is its row."""
    head, *rest = problem.field.split(".")
    if head == "availability" and rest and rest[0].isdigit() and int(rest[0]) < len(rows):
        return FieldProblem(".".join([head, str(rows[int(rest[0])]), *rest[1:]]), problem.code, problem.ja, problem.en)
    ja, en = FIELD_WORDS.get(head, (problem.ja, problem.en))
    return FieldProblem(head, problem.code, ja, en)


# --- favourite regions by code or name ---------------------------------------------------------

def folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "").strip()


@lru_cache(maxsize=1)
def municipality_names() -> dict[str, list[LocalGovernment]]:
    """Every way a municipality may be typed (name, full name, their katakana) → the municipalities."""
    names: defaultdict[str, list[LocalGovernment]] = defaultdict(list)
    for place in local_governments().values():
        if place.is_municipality:
            for name in {place.city, place.full_name, place.city_kana, place.prefecture_kana + place.city_kana}:
                names[folded(name)].append(place)
    return dict(names)


def municipality_code(text: str) -> str:
    """The code of the municipality typed as its code ("212172", or "212172 岐阜県飛騨市" as lists
    show it) or its name; a field problem when no one municipality is meant."""
    typed = folded(text)
    if code := re.match(r"(\d{6})(?!\d)", typed):
        return code.group(0)
    found = municipality_names().get(typed, [])
    if len(found) == 1:
        return found[0].code
    if found:
        listed = "、".join(f"{p.full_name}（{p.code}）" for p in found)
        raise ValidationFailed([FieldProblem(
            "municipality", "ambiguous",
            f"同じ名前の市区町村が複数あります：{listed}。都道府県名から入力してください。",
            f"More than one municipality has this name: {listed}. Type the prefecture first, or the code.")])
    raise ValidationFailed([FieldProblem("municipality", "unknown" if typed else "missing",
                                         "市区町村名（例：飛騨市）または6桁のコードを入力してください。",
                                         "Type a municipality's name (e.g. 飛騨市) or its 6-digit code.")])


# --- the page -----------------------------------------------------------------------------------

async def helper_page(page: Page, *, status: int = 200, form: dict[str, Any] | None = None,
                      errors: dict[str, str] | None = None, error: str | None = None, municipality: str = ""
                      ) -> Response:
    """The page, with what was posted and its errors when a form is refused."""
    assert page.who is not None
    try:
        helper: HelperRead | None = await service.profile(uow=page.deps.uow, who=page.who)
    except NotFound:
        helper = None
    japanese = page.locale == "ja"
    done = DONE.get(page.request.query_params.get("done", ""))
    return page.page("helpers/me.html", status=status, helper=helper, form=form or form_of(helper, page.locale),
                     errors=errors or {}, error=error, municipality=municipality, purpose=service.stated_purpose(),
                     skills={code: label(code, japanese=japanese) for code in SKILLS}, prefectures=prefectures(),
                     done=(done[0] if japanese else done[1]) if done else None)


def refused(page: Page, exc: AppError) -> tuple[str, dict[str, str]]:
    """The error's title and field messages in the page's language; anything but a 422 goes on."""
    if exc.status != 422:
        raise exc
    return messages(exc, page.locale)


@router.get("/helpers/me", response_model=None)
async def my_page(page: Page) -> Response:
    if page.who is None:
        return page.login_redirect()
    return await helper_page(page)


@router.post("/helpers/me", response_model=None)
async def save_profile(page: Page) -> Response:
    """Create or replace the profile: the same use case as `PUT /matching/api/v1/helpers/me`."""
    if page.who is None:
        return page.login_redirect(HOME)
    form = posted_form(await page.raw_form())
    try:
        created = await saved_profile(page, form)
    except AppError as exc:
        error, errors = refused(page, exc)
        return await helper_page(page, status=422, form=form, errors=errors, error=error)
    return page.redirect(f"{HOME}?done={'created' if created else 'saved'}")


@router.post("/helpers/me/favourites", response_model=None)
async def add_favourite(page: Page) -> Response:
    """Register with a municipality (関係人口 registration), typed by name or code."""
    if page.who is None:
        return page.login_redirect(HOME)
    typed = (await page.form()).get("municipality", "").strip()
    try:
        await service.add_favourite(uow=page.deps.uow, who=page.who, municipality_code=municipality_code(typed))
    except AppError as exc:
        error, errors = refused(page, exc)
        field = {"municipality": errors.get("municipality") or errors.get("municipality_code", error)}
        return await helper_page(page, status=422, errors=field, error=error, municipality=typed)
    return page.redirect(f"{HOME}?done=favourite_added#favourites")


@router.post("/helpers/me/favourites/{code}/remove", response_model=None)
async def remove_favourite(code: Code, page: Page) -> Response:
    if page.who is None:
        return page.login_redirect(HOME)
    await page.form()
    await service.remove_favourite(uow=page.deps.uow, who=page.who, municipality_code=code)
    return page.redirect(f"{HOME}?done=favourite_removed#favourites")


@router.post("/helpers/me/scouting/{choice}", response_model=None)
async def scouting(choice: ScoutChoice, page: Page) -> Response:
    """Give or withdraw consent to be scouted (timestamped); the scout emails' link leads here."""
    if page.who is None:
        return page.login_redirect(HOME)
    await page.form()
    await service.scouting(uow=page.deps.uow, who=page.who, consent=choice == ScoutChoice.give)
    return page.redirect(f"{HOME}?done=scout_{choice.value}#scouting")


@router.get("/helpers/me/export.json", response_model=None)
async def export(page: Page) -> Response:
    """Everything matching holds about the person, as a JSON download (the API's export, by session)."""
    if page.who is None:
        return page.login_redirect()
    data = await service.export(uow=page.deps.uow, who=page.who)
    return page.finish(Response(data.model_dump_json(indent=2), media_type="application/json", headers={
        "content-disposition": f'attachment; filename="{EXPORT_FILENAME}"', "cache-control": "no-store"}))
