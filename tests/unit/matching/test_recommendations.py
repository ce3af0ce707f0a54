"""Recommendations: the reasons and their words, the rules that exclude (required skills, maximum
travel, online, dates, full programs), determinism with ties to the lower id, consent for
scouting, the vectorised path equal to the simple one on random data, and Japanese n-grams."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.matching.recommendations.domain.facts import SKILLS, DateWindow, HelperFacts, ProgramFacts
from services.matching.recommendations.domain.geo import haversine_km
from services.matching.recommendations.domain.index import CandidateIndex, ProgramIndex
from services.matching.recommendations.domain.scoring import (
    COMPONENTS,
    FeatureScorer,
    Scored,
    WeightedScorer,
    Weights,
)
from services.matching.recommendations.domain.text import Searchable, coverage, grams

HIDA = {"municipality_code": "212172", "municipality": "飛騨市", "prefecture_code": "21",
        "lat": 36.23818, "lon": 137.18609}
GIFU_CITY = (35.4233, 136.7607)  # about 98 km from Hida
TOKYO = (35.6895, 139.6917)
SEPT = date(2025, 9, 1)


def days(first: int, last: int) -> DateWindow:
    return DateWindow(SEPT + timedelta(days=first), SEPT + timedelta(days=last))


def program(id: str = "p1", **changes: Any) -> ProgramFacts:
    facts: dict[str, Any] = {
        "id": id, "title": "稲刈りのお手伝い", "description": "田んぼで稲刈り。軽トラの運転ができる方歓迎",
        "seats_left": 5, "dates": (days(19, 22),), "tags": ("米", "農業"), **HIDA,
    }
    return ProgramFacts(**(facts | changes))


def helper(id: str = "h1", **changes: Any) -> HelperFacts:
    facts: dict[str, Any] = {"id": id, "skills": frozenset({"farming", "driving"}), "interests": ("稲刈り", "写真"),
                             "home_prefecture_code": "21", "home_lat": GIFU_CITY[0], "home_lon": GIFU_CITY[1],
                             "availability": (days(20, 29),), "max_travel_km": 150.0, "consent_to_scouting": True}
    return HelperFacts(**(facts | changes))


def kinds(scored: Scored | None) -> list[str]:
    assert scored is not None
    return [r.kind for r in scored.reasons]


def test_every_result_says_why_in_japanese_and_english() -> None:
    hida_program = program(required_skills=frozenset({"farming"}),
                           optional_skills=frozenset({"driving", "photography"}))
    person = helper(favourite_municipalities=frozenset({"212172"}), past_relations={"212172": 2})
    [found] = ProgramIndex([hida_program]).top_programs(person)
    words = {r.kind: (r.ja, r.en) for r in found.reasons}
    assert words == {
        "interests": ("関心に近い内容: 稲刈り", "Close to the interests: 稲刈り"),
        "required_skills": ("必要なスキルあり: 農作業", "Has the required skills: Farm work"),
        "past_relation": ("飛騨市に2回参加しています", "Has taken part in 飛騨市 twice"),
        "availability": ("日程が3日重なります", "The dates overlap by 3 days"),
        "optional_skills": ("スキルが一致: 運転", "Skills matched: Driving"),
        "favourite": ("飛騨市はお気に入りの地域です", "飛騨市 is a favourite region"),
        "distance": ("距離 98 km", "98 km away"),
        "home_prefecture": ("地元の都道府県のプログラムです", "In the home prefecture"),
    }
    weights = [r.weight for r in found.reasons]
    assert weights == sorted(weights, reverse=True), "the strongest reason comes first"
    assert sum(weights) == pytest.approx(found.score, abs=0.01), "the reasons add up to the score"


def test_the_weights_are_visible_and_each_reason_is_weight_times_value() -> None:
    weights = Weights(interests=5.0)
    scored = WeightedScorer(weights).score(helper(interests=("稲刈り",)), program())
    assert scored is not None
    by_kind = {r.kind: r.weight for r in scored.reasons}
    assert by_kind["interests"] == 5.0  # all of 稲刈り's n-grams are in the title
    assert by_kind["availability"] == pytest.approx(weights.availability * 3 / 4, abs=1e-3)  # 3 of the 4 days
    assert WeightedScorer().weights == Weights()
    assert COMPONENTS == ("required_skills", "optional_skills", "interests", "distance", "online", "availability",
                          "past_relation", "favourite", "home_prefecture")


def test_the_same_data_gives_the_same_order_with_ties_to_the_lower_id() -> None:
    twins = [program(f"p{n:02d}") for n in range(30)]
    shuffled = twins[:]
    random.Random(3).shuffle(shuffled)
    first = ProgramIndex(twins).top_programs(helper(), k=5)
    assert [r.program_id for r in first] == ["p00", "p01", "p02", "p03", "p04"]
    assert ProgramIndex(shuffled).top_programs(helper(), k=5) == first
    assert ProgramIndex(twins).top_programs(helper(), k=5) == first


def test_ids_are_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        ProgramIndex([program("p1"), program("p1")])


def test_scouting_only_considers_people_who_consented() -> None:
    keen = helper("a-keen", consent_to_scouting=False, past_relations={"212172": 5})  # the best match, but no consent
    willing = helper("b-willing", skills=frozenset(), interests=())
    index = CandidateIndex([keen, willing])
    assert len(index) == 1
    assert [c.helper_id for c in index.top_candidates(program())] == ["b-willing"]
    assert CandidateIndex([keen]).top_candidates(program()) == []


def test_an_onsite_program_beyond_the_maximum_travel_is_excluded_and_online_ones_have_no_distance() -> None:
    tokyo = helper(home_lat=TOKYO[0], home_lon=TOKYO[1], home_prefecture_code="13", max_travel_km=100.0)
    scorer = WeightedScorer()
    assert scorer.score(tokyo, program()) is None  # Hida is about 220 km from Tokyo
    assert scorer.score(replace(tokyo, max_travel_km=None), program()) is not None
    online = kinds(scorer.score(replace(tokyo, online_ok=True), program(online=True)))
    assert "online" in online and "distance" not in online
    assert scorer.score(tokyo, program(online=True)) is None  # this person does not take part online


def test_an_unknown_home_neither_scores_nor_excludes_by_distance() -> None:
    scored = WeightedScorer().score(helper(home_lat=None, home_lon=None, max_travel_km=1.0), program())
    assert "distance" not in kinds(scored)


def test_a_person_lacking_a_required_skill_is_excluded() -> None:
    needs_snow = program(required_skills=frozenset({"snow_clearing", "farming"}))
    assert WeightedScorer().score(helper(), needs_snow) is None
    assert ProgramIndex([needs_snow]).top_programs(helper()) == []
    assert CandidateIndex([helper()]).top_candidates(needs_snow) == []
    able = helper(skills=frozenset({"snow_clearing", "farming"}))
    assert "required_skills" in kinds(WeightedScorer().score(able, needs_snow))


def test_dates_that_never_meet_exclude_and_missing_dates_do_not() -> None:
    scorer = WeightedScorer()
    assert scorer.score(helper(availability=(days(0, 5),)), program()) is None
    assert "availability" not in kinds(scorer.score(helper(availability=()), program()))
    assert "availability" not in kinds(scorer.score(helper(), program(dates=())))
    seasonal = scorer.score(helper(), program(dates=(), season=days(0, 29)))
    assert seasonal is not None
    [reason] = [r for r in seasonal.reasons if r.kind == "availability"]
    assert (reason.ja, reason.weight) == ("日程が10日重なります", Weights().availability)  # the value stops at a week


def test_a_full_program_is_not_offered() -> None:
    assert ProgramIndex([program(seats_left=0)]).top_programs(helper()) == []


def test_any_scorer_plugs_in_through_the_simple_path() -> None:
    @dataclass(frozen=True)
    class ShortTitlesFirst:
        def score(self, helper: HelperFacts, program: ProgramFacts) -> Scored | None:
            return Scored(score=1 / len(program.title), reasons=())

    assert not isinstance(ShortTitlesFirst(), FeatureScorer)
    programs = [program("b", title="草刈り"), program("a", title="雪かき"), program("c", title="稲刈りのお手伝い")]
    found = ProgramIndex(programs, scorer=ShortTitlesFirst()).top_programs(helper(), k=2)
    assert [r.program_id for r in found] == ["a", "b"]


def test_facts_hold_to_the_vocabulary_and_merge_windows() -> None:
    with pytest.raises(ValueError, match="unknown skills"):
        helper(skills=frozenset({"juggling"}))
    assert all(s.ja and s.en for s in SKILLS.values()) and len(SKILLS) <= 64
    assert helper(availability=(days(5, 9), days(0, 3), days(4, 4))).availability == (days(0, 9),)


def test_great_circle_distance() -> None:
    assert float(haversine_km(35.6812, 139.7671, 34.7025, 135.4959)) == pytest.approx(403, abs=3)  # Tokyo–Osaka
    assert float(haversine_km(*TOKYO, *TOKYO)) == 0.0


def test_japanese_ngrams() -> None:
    assert grams("農作業") == {"農作", "作業", "農作業"}
    assert grams("ＩＴ") == grams("it") and grams("ｲﾍﾞﾝﾄ") == grams("イベント")  # NFKC and case folding
    assert "して" not in grams("体験して") and "まつり" in grams("夏まつり")  # hiragana bigrams are grammar
    assert not grams("、。！") and grams("米") == {"米"}
    assert coverage(grams("稲刈り"), Searchable("秋の稲刈り体験")) == 1.0
    assert coverage(grams("稲刈り"), Searchable("雪かきボランティア")) == 0.0
    assert coverage(grams("農作業"), Searchable("作業の手伝い")) == 1 / 3
    assert coverage(grams("ＤＩＹ"), Searchable("古民家をdiyで改修")) == 1.0
    assert coverage(frozenset(), Searchable("anything")) == 0.0


JAPANESE = st.text(st.sampled_from("のをしてたいまつり稲刈農作業米雪ｲﾍﾞﾝﾄイベントＩＴit 、。・ー"), max_size=30)


@given(query=JAPANESE, text=JAPANESE)
def test_a_searchable_text_has_exactly_its_ngrams(query: str, text: str) -> None:
    searchable = Searchable(text)
    assert {g for g in grams(query) if searchable.has(g)} == grams(query) & grams(text)


# The vectorised path against the simple one, on random data.

class OneByOne:
    """The default scorer without its vectorised side: the index asks it about every row."""

    def score(self, helper: HelperFacts, program: ProgramFacts) -> Scored | None:
        return WeightedScorer().score(helper, program)


CODES = ("212172", "212041", "131016")
WORDS = ("稲刈り", "雪かき", "祭り", "農業", "写真", "子ども食堂", "古民家", "まつり", "IT", "観光ガイド")
skill_sets = st.frozensets(st.sampled_from(list(SKILLS)[:6]), max_size=3)
windows = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 6)).map(lambda t: days(t[0], t[0] + t[1])), max_size=3)
lats, lons = st.floats(34.0, 37.0), st.floats(135.0, 140.0)


@st.composite
def programs(draw: st.DrawFn) -> list[ProgramFacts]:
    count = draw(st.integers(0, 25))
    return [ProgramFacts(
        id=f"p{draw(st.integers(0, 10**6)):07d}-{i}", title="".join(draw(st.lists(st.sampled_from(WORDS), max_size=3))),
        description=draw(st.sampled_from(("", "田んぼの手伝いをして、夏まつりに参加しよう", "ＩＴで地域を元気に"))),
        municipality_code=(code := draw(st.sampled_from(CODES))), municipality=f"町{code}", prefecture_code=code[:2],
        lat=draw(lats), lon=draw(lons), dates=tuple(draw(windows)),
        season=draw(st.none() | windows.filter(bool).map(lambda ws: ws[0])), online=draw(st.booleans()),
        required_skills=draw(skill_sets.filter(lambda s: len(s) <= 1)), optional_skills=draw(skill_sets),
        tags=tuple(draw(st.lists(st.sampled_from(WORDS), max_size=2))), seats_left=draw(st.integers(0, 3)),
    ) for i in range(count)]


@st.composite
def helpers(draw: st.DrawFn, id: str = "h") -> HelperFacts:
    home = draw(st.none() | st.tuples(lats, lons))
    return HelperFacts(
        id=id, skills=draw(skill_sets), interests=tuple(draw(st.lists(st.sampled_from((*WORDS, "、", "田舎で農業")),
                                                                      max_size=3))),
        home_prefecture_code=draw(st.none() | st.sampled_from(("21", "13"))),
        home_lat=home[0] if home else None, home_lon=home[1] if home else None, availability=tuple(draw(windows)),
        max_travel_km=draw(st.none() | st.sampled_from((0.0, 50.0, 150.0, 300.0))), online_ok=draw(st.booleans()),
        favourite_municipalities=draw(st.frozensets(st.sampled_from(CODES))),
        past_relations=draw(st.dictionaries(st.sampled_from(CODES), st.integers(0, 5))),
        consent_to_scouting=draw(st.booleans()),
    )


@settings(max_examples=150, deadline=None)
@given(catalogue=programs(), person=helpers(), k=st.integers(1, 30))
def test_the_vectorised_programs_for_a_person_equal_the_simple_path(catalogue: list[ProgramFacts],
                                                                    person: HelperFacts, k: int) -> None:
    simple = ProgramIndex(catalogue, OneByOne())
    assert ProgramIndex(catalogue).top_programs(person, k) == simple.top_programs(person, k)


@settings(max_examples=150, deadline=None)
@given(catalogue=programs(), pool=st.lists(helpers(), max_size=25), k=st.integers(1, 30))
def test_the_vectorised_candidates_for_a_program_equal_the_simple_path(catalogue: list[ProgramFacts],
                                                                       pool: list[HelperFacts], k: int) -> None:
    people = [replace(h, id=f"h{i:02d}") for i, h in enumerate(pool)]
    fast, simple = CandidateIndex(people), CandidateIndex(people, OneByOne())
    for offered in catalogue:
        assert fast.top_candidates(offered, k) == simple.top_candidates(offered, k)
