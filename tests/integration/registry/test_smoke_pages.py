"""Every page renders (ja and en) for the public, a member admin and an operator."""

from __future__ import annotations

import re

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


async def test_pages_load_scripts_from_the_site_only(registry: RunningPlatform) -> None:
    """The Content-Security-Policy allows no inline script: every <script> has a src the registry serves."""
    for path in ("/registry/", "/registry/directory", "/registry/apply", "/registry/login"):
        html = (await registry.client.get(path)).text
        for tag in re.findall(r"<script[^>]*>", html):
            src = re.search(r'src="([^"]+)"', tag)
            assert src, f"inline script on {path}: {tag}"
            r = await registry.client.get(src.group(1))
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript"), src.group(1)
    assert "local_government_lookup.js" in (await registry.client.get("/registry/apply")).text
    for name in ("nope.js", "..%2Fmain.py", "local_government_lookup.py"):
        assert (await registry.client.get(f"/registry/assets/{name}")).status_code == 404
