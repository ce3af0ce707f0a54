"""Behind the ingress, rate limits see the client: uvicorn, started with the options `kakawari serve` uses
(`kakawari.platform.server_options`), believes X-Forwarded-For only from KAKAWARI_FORWARDED_ALLOW_IPS.
The app below keys a limit on `kit.web.ratelimit.client_ip`, as the registry's sign-in and application
limits do, and runs inside the very middleware stack uvicorn builds from those options."""

from __future__ import annotations

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from kakawari.platform import server_options
from kit.config import Settings
from kit.errors import TooManyRequests
from kit.web.ratelimit import Limit, SlidingWindow, client_ip

INGRESS = "10.42.0.17"  # an ingress controller's pod, inside the trusted network
STRANGER = "198.51.100.9"  # anyone else who reaches the port
CLIENT, OTHER_CLIENT = "203.0.113.7", "203.0.113.8"


def _app(limit: SlidingWindow) -> Starlette:
    async def whoami(request: Request) -> Response:
        ip = client_ip(request)
        try:
            limit.check([ip])
        except TooManyRequests:
            return PlainTextResponse(ip, status_code=429)
        return PlainTextResponse(ip)

    return Starlette(routes=[Route("/", whoami)])


def _served(settings: Settings, limit: SlidingWindow | None = None) -> uvicorn.Config:
    config = uvicorn.Config(_app(limit or SlidingWindow(Limit(1000, 60))), port=0, **server_options(settings))
    config.load()  # wraps the app as `uvicorn.run` would, proxy-headers middleware included
    return config


async def _seen(config: uvicorn.Config, peer: str, forwarded: str | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=config.loaded_app, client=(peer, 50000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://kakawari.example.jp") as client:
        return await client.get("/", headers={"x-forwarded-for": forwarded} if forwarded else {})


async def test_a_trusted_proxy_names_the_client() -> None:
    config = _served(Settings(forwarded_allow_ips="10.0.0.0/8"))
    assert (await _seen(config, INGRESS, CLIENT)).text == CLIENT
    # a client's own X-Forwarded-For arrives first in the list; the ingress appends the real peer
    assert (await _seen(config, INGRESS, f"6.6.6.6, {CLIENT}")).text == CLIENT
    assert (await _seen(config, INGRESS)).text == INGRESS  # no header: the proxy itself


async def test_an_untrusted_peer_cannot_choose_its_address() -> None:
    config = _served(Settings(forwarded_allow_ips="10.0.0.0/8"))
    assert (await _seen(config, STRANGER, CLIENT)).text == STRANGER
    default = _served(Settings())  # KAKAWARI_FORWARDED_ALLOW_IPS unset: only 127.0.0.1
    assert default.forwarded_allow_ips == "127.0.0.1"
    assert (await _seen(default, INGRESS, CLIENT)).text == INGRESS
    assert (await _seen(default, "127.0.0.1", CLIENT)).text == CLIENT


async def test_rate_limits_count_each_client_behind_the_ingress() -> None:
    config = _served(Settings(forwarded_allow_ips="10.0.0.0/8"), SlidingWindow(Limit(1, 60)))
    assert (await _seen(config, INGRESS, CLIENT)).status_code == 200
    assert (await _seen(config, INGRESS, CLIENT)).status_code == 429
    assert (await _seen(config, INGRESS, OTHER_CLIENT)).status_code == 200  # not limited by the first's hits
    # and a client talking to the port directly cannot dodge its limit with a made-up header
    direct = _served(Settings(forwarded_allow_ips="10.0.0.0/8"), SlidingWindow(Limit(1, 60)))
    assert (await _seen(direct, STRANGER, "192.0.2.1")).status_code == 200
    assert (await _seen(direct, STRANGER, "192.0.2.2")).status_code == 429
