"""Kinds of member and legal forms of 地域運営組織 (RMO), with bilingual labels."""

from __future__ import annotations

from enum import StrEnum

from services.registry.domain.text import Label


class MemberKind(StrEnum):
    prefecture = "prefecture"
    municipality = "municipality"
    company = "company"
    npo = "npo"  # NPO or association
    intermediary = "intermediary"  # 中間支援組織
    rmo = "rmo"  # 地域運営組織
    university = "university"  # university or other

    @property
    def label(self) -> Label:
        return KIND_LABELS[self]


class RmoLegalForm(StrEnum):
    npo_corp = "npo_corp"
    kabushiki = "kabushiki"
    ippan_shadan = "ippan_shadan"
    ninka_chien = "ninka_chien"
    nini = "nini"
    other = "other"

    @property
    def label(self) -> Label:
        return LEGAL_FORM_LABELS[self]


KIND_LABELS: dict[MemberKind, Label] = {
    MemberKind.prefecture: Label("都道府県", "Prefecture"),
    MemberKind.municipality: Label("市区町村", "Municipality"),
    MemberKind.company: Label("企業", "Company"),
    MemberKind.npo: Label("NPO・団体", "NPO or association"),
    MemberKind.intermediary: Label("中間支援組織", "Intermediary support organisation"),
    MemberKind.rmo: Label("地域運営組織", "Regional management organisation (RMO)"),
    MemberKind.university: Label("大学・その他", "University or other"),
}

LEGAL_FORM_LABELS: dict[RmoLegalForm, Label] = {
    RmoLegalForm.npo_corp: Label("NPO法人", "NPO corporation"),
    RmoLegalForm.kabushiki: Label("株式会社", "Stock company (kabushiki kaisha)"),
    RmoLegalForm.ippan_shadan: Label("一般社団法人", "General incorporated association"),
    RmoLegalForm.ninka_chien: Label("認可地縁団体", "Authorised neighbourhood association"),
    RmoLegalForm.nini: Label("任意団体", "Unincorporated association"),
    RmoLegalForm.other: Label("その他", "Other"),
}
