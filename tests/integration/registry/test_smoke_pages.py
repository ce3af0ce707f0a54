"""Every page renders (ja and en) for the public, a member admin and an operator."""

from __future__ import annotations

import pytest

from tests.support.platform import RunningPlatform


@pytest.mark.parametrize("path", ["/registry/", "/registry/directory", "/registry/apply", "/registry/login",
                                  "/registry/directory?q=飛騨&kind=municipality&block=kanto&page=2",
                                  "/registry/password/bogus", "/registry/invite/bogus"])
async def test_public_pages_render(registry: RunningPlatform, path: str) -> None:
    for lang in ("ja", "en"):
        r = await registry.client.get(path, params={"lang": lang})
        assert r.status_code == 200, r.text
        assert "<html lang=\"" + lang in r.text


async def test_member_and_operator_pages_need_sign_in(registry: RunningPlatform) -> None:
    for path in ("/registry/status", "/registry/staff", "/registry/operator/queue", "/registry/operator/import"):
        r = await registry.client.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/registry/login"
