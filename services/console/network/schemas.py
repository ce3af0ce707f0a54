"""The network's figures as the API answers them (and the pages show them). Every row with a label
carries it in Japanese (`ja`) and English (`en`)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

READ = ConfigDict(from_attributes=True)


class MemberCounts(BaseModel):
    model_config = READ

    members: int = Field(description="Memberships approved or active on the day (in good standing)")
    local_governments: int = Field(description="Of the members: prefectures and municipalities (地方公共団体)")
    organisations: int = Field(description="Of the members: companies, NPOs, intermediaries, RMOs, universities "
                                           "(民間事業者・中間支援組織等); local_governments + organisations = members")
    suspended: int = Field(description="Memberships suspended on the day (not among the members)")
    pending: int = Field(description="Applications submitted and waiting for review on the day (申請中)")
    returned: int = Field(description="Applications returned for changes on the day (差し戻し)")


class KindRow(MemberCounts):
    kind: str = Field(description="prefecture | municipality | company | npo | intermediary | rmo | university")
    ja: str
    en: str
    local_government: bool = Field(description="Whether this kind is a local government")


class AreaRow(MemberCounts):
    code: str = Field(description="The block's id (hokkaido_tohoku, …), or the prefecture's code (01–47)")
    ja: str
    en: str
    block_id: str
    by_kind: dict[str, int] = Field(description="Members (approved or active) per kind, every kind listed")


class MapPoint(BaseModel):
    model_config = READ

    code: str = Field(description="The local government code of the municipality drawn at")
    name: str = Field(description="Its full name, e.g. 岐阜県飛騨市")
    lat: float
    lon: float
    members: int = Field(description="Members (approved or active) drawn here")
    local_governments: int
    organisations: int
    at_seat: int = Field(description="Of them, drawn here because this is their prefecture's seat (県庁所在地): "
                                     "they have no municipality of their own (prefectures, organisations)")


class MembershipReference(BaseModel):
    model_config = READ

    local_governments: int = Field(description="Local governments in the network per the government report")
    organisations: int = Field(description="Companies and intermediary organisations per the government report")
    as_of: date
    ja: str
    en: str


class NetworkFigures(MemberCounts):
    """The network as of a day: every fact dated before the day's end in JST, nothing after."""

    as_of: date = Field(description="The day the figures are as of (JST)")
    cutoff: datetime = Field(description="The instant the day ends in JST (UTC): facts from then on are not counted")
    by_kind: list[KindRow] = Field(description="Every known kind, in the registry's order, zeros included")
    by_block: list[AreaRow] = Field(description="The six regional blocks, north to south")
    by_prefecture: list[AreaRow] = Field(description="All 47 prefectures, north to south, zeros included")
    no_prefecture: MemberCounts = Field(description="Members whose home prefecture is not known")
    map_points: list[MapPoint] = Field(description="Members (approved or active) on the map, by place code")
    unmapped: int = Field(description="Members (approved or active) with no place to draw them")
    reference: MembershipReference = Field(description="The report's member count (2026-04-01), for comparison")


class SmallBaseRow(BaseModel):
    model_config = READ

    code: str = Field(description="The block's id, or the prefecture's code (01–47)")
    ja: str
    en: str
    block_id: str
    registered: int = Field(description="小さな拠点 registered on the platform by the day")


class SmallBaseReference(BaseModel):
    model_config = READ

    formed: int = Field(description="Small bases formed nationwide per the FY2025 survey (1,636)")
    run_by_rmo: int = Field(description="Of them, run by a regional management organisation (1,386)")
    survey_ja: str
    survey_en: str
    target: int = Field(description="The national target: small bases run by an RMO (1,800)")
    target_fiscal_year: int
    target_ja: str
    target_en: str


class SmallBaseFigures(BaseModel):
    """小さな拠点 registered on the platform as of a day, beside the national target and survey."""

    model_config = READ

    as_of: date
    cutoff: datetime
    registered: int = Field(description="Small bases registered on the platform before the cutoff")
    national_target: int = Field(description="1,800 by FY2027")
    share_of_target: float = Field(description="registered / national_target")
    reference: SmallBaseReference
    by_block: list[SmallBaseRow] = Field(description="The six regional blocks, north to south")
    by_prefecture: list[SmallBaseRow] = Field(description="All 47 prefectures, zeros included")
