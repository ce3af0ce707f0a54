"""The programs' figures as the API answers them (and the pages show them). The funnel's stages
carry their labels in Japanese (`ja`) and English (`en`); a municipality is named by its full
Japanese name (the official list has no English names) and its reading."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

READ = ConfigDict(from_attributes=True)


class FunnelStep(BaseModel):
    model_config = READ

    stage: str = Field(description="collect (集める) | deepen (深める) | connect (つなげる), in funnel order")
    ja: str
    en: str
    relations: int = Field(description="(person, municipality) relations standing at exactly this stage on the day")
    reached: int = Field(description="Relations at this stage or beyond: the funnel's width at this step")


class MunicipalityPrograms(BaseModel):
    model_config = READ

    code: str = Field(description="The municipality's local government code (6 digits)")
    name: str = Field(description="Its full name, e.g. 岐阜県飛騨市")
    kana: str = Field(description="Its reading in katakana; empty when not on the official list")
    prefecture_code: str
    programs: int = Field(description="Programs published there by the day")
    open_programs: int = Field(description="Of them, not closed by the day")
    participations: int = Field(description="延べ: participations there dated the day or earlier")
    people: int = Field(description="Distinct people among them")
    repeaters: int = Field(description="People with two or more participations there")
    repeat_rate: float | None = Field(description="repeaters / people; null without people")
    collect: int = Field(description="Relations with it standing at 集める (collect)")
    deepen: int = Field(description="… at 深める (deepen)")
    connect: int = Field(description="… at つなげる (connect)")
    relations: int = Field(description="collect + deepen + connect")


class HidasukeReference(BaseModel):
    model_config = READ

    municipality_code: str = Field(description="飛騨市")
    programs: int = Field(description="Programs held in the fiscal year (236 in FY2024)")
    programs_fiscal_year: int
    participations: int = Field(description="Participations (延べ) since 2020 (5,806)")
    participations_as_of: str = Field(description="The month the participations were counted to (YYYY-MM)")
    ja: str
    en: str


class ProgramFigures(BaseModel):
    """Programs, participations and relations as of a day: every fact dated by then, nothing after."""

    model_config = READ

    as_of: date = Field(description="The day the figures are as of (JST)")
    cutoff: datetime = Field(description="The instant the day ends in JST (UTC): programs published from then on "
                                         "are not counted")
    programs: int = Field(description="Programs published by the day (closed ones included)")
    open_programs: int = Field(description="Of them, not closed by the day")
    participations: int = Field(description="延べ: participations dated the day or earlier")
    people: int = Field(description="Distinct people among them")
    repeaters: int = Field(description="People with two or more participations (anywhere)")
    repeat_rate: float | None = Field(description="repeaters / people; null without people")
    relations: int = Field(description="(person, municipality) relations with a stage on the day")
    funnel: list[FunnelStep] = Field(description="集める → 深める → つなげる")
    by_municipality: list[MunicipalityPrograms] = Field(
        description="Every municipality with a program, participation or relation by the day, by code")
    reference: HidasukeReference = Field(description="ヒダスケ! (飛騨市) per the government report, for comparison")
