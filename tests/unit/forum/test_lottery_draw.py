"""The published lottery algorithm: a fixed test vector (so the algorithm never changes
silently under a published record), reproducibility, the commitment, and independence from
the order of the entrant list (decided: the result depends only on the seed and the set of ids)."""

from __future__ import annotations

import hashlib
import random
import secrets

import pytest

from services.forum.lottery.domain.draw import ALGORITHM, draw, ranked, seed_hash, verifies

IDS = [f"018f0000-0000-7000-8000-00000000000{i}" for i in range(1, 6)]
ZERO_SEED = "0" * 64


def test_a_fixed_vector_anyone_can_check_by_hand() -> None:
    assert ALGORITHM == "sha256-rank-v1"
    assert seed_hash(ZERO_SEED) == "60e05bd1b195af2f94112fa7197a5c88289058840ce7c6df9693756bc6250f55"
    assert ranked(ZERO_SEED, IDS) == [IDS[2], IDS[3], IDS[1], IDS[4], IDS[0]]
    assert draw(ZERO_SEED, IDS, 2) == ([IDS[2], IDS[3]], [IDS[1], IDS[4], IDS[0]])


def test_the_ranking_is_the_plain_recipe() -> None:
    seed = secrets.token_hex(32)
    by_hand = sorted(IDS, key=lambda i: hashlib.sha256(f"{seed}:{i}".encode()).hexdigest())
    assert ranked(seed, IDS) == by_hand


def test_the_same_seed_gives_the_same_draw_whatever_the_order_of_the_list() -> None:
    seed = secrets.token_hex(32)
    ids = [f"id-{n}" for n in range(200)]
    shuffled = ids[:]
    random.Random(7).shuffle(shuffled)
    assert draw(seed, ids, 30) == draw(seed, shuffled, 30) == draw(seed, ids, 30)


def test_another_seed_gives_another_draw() -> None:
    ids = [f"id-{n}" for n in range(200)]
    assert draw("a" * 64, ids, 30)[0] != draw("b" * 64, ids, 30)[0]


def test_seats_cut_the_ranking() -> None:
    winners, rest = draw(ZERO_SEED, IDS, 10)
    assert winners == ranked(ZERO_SEED, IDS) and rest == []
    assert draw(ZERO_SEED, IDS, 0) == ([], ranked(ZERO_SEED, IDS))
    assert draw(ZERO_SEED, IDS, -3) == ([], ranked(ZERO_SEED, IDS))
    assert draw(ZERO_SEED, [], 5) == ([], [])


def test_one_signup_is_one_ticket() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        ranked(ZERO_SEED, [IDS[0], IDS[0]])


def test_the_audit_checks_the_commitment_and_the_winners() -> None:
    seed = secrets.token_hex(32)
    winners, _ = draw(seed, IDS, 3)
    assert verifies(seed=seed, committed_hash=seed_hash(seed), entrant_ids=IDS, winners=winners)
    assert not verifies(seed=seed, committed_hash=seed_hash(seed + "0"), entrant_ids=IDS, winners=winners)
    assert not verifies(seed=seed, committed_hash=seed_hash(seed), entrant_ids=IDS, winners=winners[::-1])
