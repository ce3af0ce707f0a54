"""Who registers a 小さな拠点, where, and when it may have opened."""

from __future__ import annotations

from datetime import date

import pytest

from kit.errors import Forbidden, ValidationFailed
from services.registry.domain.local_government import Gazetteer
from services.registry.small_bases.domain.rules import (
    OPENED_EARLIEST,
    check_area,
    check_is_municipality,
    check_opened_on,
    check_registrant,
    check_runner,
)

TODAY = date(2026, 11, 30)
HIDA, GIFU, TAKAYAMA = "212172", "210005", "212032"


@pytest.mark.parametrize("opened", [None, OPENED_EARLIEST, date(2019, 4, 1), TODAY, date(2027, 11, 30)])
def test_opening_days_accepted(opened: date | None) -> None:
    check_opened_on(opened, TODAY)


@pytest.mark.parametrize("opened", [date(1, 1, 1), date(1949, 12, 31), date(2028, 1, 1), date(9999, 12, 31)])
def test_opening_days_outside_the_range(opened: date) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_opened_on(opened, TODAY)
    [problem] = caught.value.problems
    assert (problem.field, problem.code) == ("opened_on", "out_of_range") and problem.ja and problem.en


def test_places_and_registrants(gazetteer: Gazetteer) -> None:
    hida, gifu, takayama = gazetteer.get(HIDA), gazetteer.get(GIFU), gazetteer.get(TAKAYAMA)
    assert hida is not None and gifu is not None and takayama is not None
    check_is_municipality(hida)
    with pytest.raises(ValidationFailed):
        check_is_municipality(gifu)
    check_area(hida, member_kind="municipality", member_code=HIDA)
    check_area(takayama, member_kind="rmo", member_code=None)  # an RMO may run a base anywhere
    with pytest.raises(ValidationFailed):
        check_area(takayama, member_kind="municipality", member_code=HIDA)
    for kind in ("municipality", "rmo"):
        check_registrant(kind)
    for kind in ("prefecture", "company", "npo", "intermediary", "university"):
        with pytest.raises(Forbidden):
            check_registrant(kind)
    check_runner("rmo")
    for runner in (None, "company"):
        with pytest.raises(ValidationFailed):
            check_runner(runner)
