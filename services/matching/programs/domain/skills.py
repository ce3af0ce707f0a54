"""The controlled vocabulary of skills programs ask for and helpers offer, with labels in Japanese
and English. Free tags sit beside it; a new skill is one line here, without a migration. Pure."""

from __future__ import annotations

SKILLS: dict[str, tuple[str, str]] = {
    "farming": ("農作業", "Farm work"),
    "harvest": ("収穫", "Harvesting"),
    "forestry": ("林業・森林整備", "Forestry"),
    "fishing": ("漁業", "Fishing"),
    "livestock": ("畜産", "Livestock"),
    "snow_clearing": ("雪かき・除雪", "Snow clearing"),
    "festival": ("祭り・行事の運営", "Festivals"),
    "event_staff": ("イベント運営", "Event staff"),
    "cooking": ("調理", "Cooking"),
    "childcare": ("子育て支援", "Childcare"),
    "elderly_support": ("高齢者の支援", "Supporting the elderly"),
    "teaching": ("学習支援", "Teaching"),
    "language": ("語学・通訳", "Languages and interpreting"),
    "tourism": ("観光案内", "Tourist guiding"),
    "design": ("デザイン", "Design"),
    "photography": ("写真・映像", "Photography and video"),
    "writing": ("文章・広報", "Writing and publicity"),
    "it": ("IT・ウェブ", "IT and the web"),
    "marketing": ("販路開拓・マーケティング", "Marketing and sales"),
    "accounting": ("経理・事務", "Accounting and office work"),
    "carpentry": ("大工・DIY", "Carpentry and DIY"),
    "driving": ("運転", "Driving"),
    "crafts": ("伝統工芸", "Traditional crafts"),
    "conservation": ("環境保全", "Conservation"),
    "disaster_relief": ("災害ボランティア", "Disaster relief"),
    "research": ("調査・研究", "Research"),
}


def label(skill: str, *, japanese: bool) -> str:
    ja, en = SKILLS.get(skill, (skill, skill))
    return ja if japanese else en
