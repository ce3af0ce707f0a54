"""The preferences API's body: what a partial update leaves alone, and what null means."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.notify.preferences.schemas import PreferencesUpdate


def test_leaving_a_field_out_leaves_it_alone() -> None:
    requested = PreferencesUpdate.model_validate({"quiet_hours": {"start": "22:00"}}).requested()
    assert (requested.quiet_start, requested.quiet_end, requested.quiet_enabled) == ("22:00", None, None)
    assert not requested.set_locale and not requested.set_digest and requested.switches is None


def test_null_clears_the_language_and_the_digest() -> None:
    requested = PreferencesUpdate.model_validate({"locale": None, "digest_at": None}).requested()
    assert requested.set_locale and requested.locale is None
    assert requested.set_digest and requested.digest_at is None


@pytest.mark.parametrize("body", [{"colour": "blue"}, {"quiet_hours": {"begin": "21:00"}}, {"locale": "fr"},
                                  {"preferences": {"events": {"email": "maybe"}}}])
def test_unknown_fields_and_bad_values_are_refused(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PreferencesUpdate.model_validate(body)
