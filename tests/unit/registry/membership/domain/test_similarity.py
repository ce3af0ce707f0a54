"""Near-duplicate organisation names."""

from __future__ import annotations

import pytest

from services.registry.membership.domain.similarity import (
    near_duplicates,
    normalise_org_name,
    similarity,
)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("株式会社ひだまり", "ヒダマリ"),
        ("(株)ひだまり", "ヒダマリ"),
        ("（株）ひだまり", "ヒダマリ"),  # full-width parentheses
        ("㈱ひだまり", "ヒダマリ"),  # the single-character ㈱
        ("ひだまり株式会社", "ヒダマリ"),
        ("ﾋﾀﾞﾏﾘ", "ヒダマリ"),  # half-width kana
        ("有限会社 ひだまり", "ヒダマリ"),
        ("合同会社ひだまり", "ヒダマリ"),
        ("一般社団法人　ひだまり", "ヒダマリ"),
        ("一般財団法人ひだまり", "ヒダマリ"),
        ("公益社団法人ひだまり", "ヒダマリ"),
        ("公益財団法人ひだまり", "ヒダマリ"),
        ("特定非営利活動法人ひだまり", "ヒダマリ"),
        ("認定特定非営利活動法人ひだまり", "ヒダマリ"),
        ("NPO法人ひだまり", "ヒダマリ"),
        ("ＮＰＯ法人ひだまり", "ヒダマリ"),
        ("npo法人 ひだまり", "ヒダマリ"),
        ("(一社)ひだまり", "ヒダマリ"),
        ("( 株 ) ひだまり", "ヒダマリ"),
        ("ひだまり・ラボ!", "ヒダマリラボ"),  # punctuation goes, the long-vowel mark stays below
        ("ヒダマリー", "ヒダマリー"),
        ("Kakawari Lab.", "kakawarilab"),
        ("ＫＡＫＡＷＡＲＩ　ＬＡＢ", "kakawarilab"),
        ("株式会社", ""),
        ("", ""),
    ],
)
def test_normalise_org_name(raw: str, normalised: str) -> None:
    assert normalise_org_name(raw) == normalised


def test_example_from_the_brief() -> None:
    assert near_duplicates("株式会社ひだまり", [("x", "(株)ひだまり")]) == [("x", 1.0)]


EXISTING = [
    ("o1", "(株)ひだまり"),
    ("o2", "ひだまり工房"),
    ("o3", "NPO法人ひだまりー"),
    ("o4", "かかわりラボ"),
    ("o5", "株式会社"),  # normalises to nothing: never a match
    ("o6", "ﾋﾀﾞﾏﾘ"),
]


@pytest.mark.parametrize(
    ("name", "threshold", "expected_ids"),
    [
        ("株式会社ひだまり", 0.85, ["o1", "o6", "o3"]),  # ties broken by id
        ("株式会社ひだまり", 1.0, ["o1", "o6"]),
        ("株式会社ひだまり", 0.5, ["o1", "o6", "o3", "o2"]),
        ("一般社団法人かかわりラボ", 0.85, ["o4"]),
        ("まったく別の名前", 0.85, []),
        ("株式会社", 0.0, []),  # nothing left to compare
        ("", 0.0, []),
    ],
)
def test_near_duplicates(name: str, threshold: float, expected_ids: list[str]) -> None:
    hits = near_duplicates(name, EXISTING, threshold=threshold)
    assert [org_id for org_id, _ in hits] == expected_ids
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(threshold <= s <= 1.0 for s in scores)


def test_scores_agree_with_similarity() -> None:
    for org_id, score in near_duplicates("ひだまり", EXISTING, threshold=0.0):
        other = dict(EXISTING)[org_id]
        assert score == pytest.approx(similarity("ひだまり", other))


def test_accepts_any_iterable() -> None:
    assert near_duplicates("ひだまり", iter(EXISTING))[0] == ("o1", 1.0)
