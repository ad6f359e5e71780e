"""SSRF attempts against the real client: every one must fail with a clear one-line error, and
the listener standing in for the refused address must see no connection at all."""

from __future__ import annotations

import pytest
from fakes.fake_web import Answer, FakeWeb, Trap

from bot.errors import InputError
from bot.ingest.web.client import WebClient
from bot.ingest.web.guard import Limits, Policy, allow_only

from .conftest import table


def client_for(server: FakeWeb | None = None, **options) -> WebClient:
    allow = allow_only(("127.0.0.1", server.port)) if server else None
    options.setdefault("limits", Limits(timeout_s=5, max_bytes=1024 * 1024))
    return WebClient(policy=Policy(allow=allow), **options)


async def refused(client: WebClient, url: str) -> str:
    async with client:
        with pytest.raises(InputError) as info:
            await client.get_json(url)
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    "form",
    [
        "127.0.0.1",
        "127.1",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "[::ffff:127.0.0.1]",
        "localhost",
    ],
)
async def test_loopback_in_any_form_is_refused_without_connecting(trap: Trap, form: str) -> None:
    message = await refused(client_for(), f"http://{form}:{trap.port}/")
    assert "refused:" in message
    assert trap.connections == 0


async def test_a_public_looking_name_that_resolves_to_loopback(trap: Trap) -> None:
    client = client_for(resolve=table({"news.example": ["127.0.0.1"]}))
    message = await refused(client, f"http://news.example:{trap.port}/item")
    assert "news.example resolves to 127.0.0.1, a loopback address" in message
    assert message.startswith(f"http://news.example:{trap.port}/item: refused:")
    assert trap.connections == 0


async def test_a_name_with_one_private_answer_among_public_ones(trap: Trap) -> None:
    client = client_for(resolve=table({"mixed.example": ["93.184.216.34", "127.0.0.1"]}))
    await refused(client, f"http://mixed.example:{trap.port}/")
    assert trap.connections == 0


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirect_from_an_allowed_server_to_loopback(
    server: FakeWeb, trap: Trap, status: int
) -> None:
    server.redirect("/go", trap.url, status)
    message = await refused(client_for(server), f"{server.url}/go")
    assert "refused: 127.0.0.1 is a loopback address" in message
    assert server.requests == ["/go"]
    assert trap.connections == 0


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://0x7f000001:{port}/",
        "http://inside.example:{port}/",
        "file:///etc/passwd",
    ],
)
async def test_redirects_to_every_refused_kind(server: FakeWeb, trap: Trap, target: str) -> None:
    server.redirect("/go", target.format(port=trap.port))
    client = client_for(server, resolve=table({"inside.example": ["127.0.0.1"]}))
    message = await refused(client, f"{server.url}/go")
    assert "refused:" in message
    assert trap.connections == 0


async def test_relative_redirects_are_followed_and_checked(server: FakeWeb) -> None:
    server.redirect("/a", "/b")
    server.json("/b", {"ok": True})
    async with client_for(server) as client:
        assert await client.get_json(f"{server.url}/a") == {"ok": True}
    assert server.requests == ["/a", "/b"]


async def test_too_many_redirects(server: FakeWeb) -> None:
    for n in range(7):
        server.redirect(f"/r{n}", f"/r{n + 1}")
    message = await refused(client_for(server), f"{server.url}/r0")
    assert "too many redirects (more than 5)" in message
    assert len(server.requests) == 6


@pytest.mark.parametrize("chunked", [False, True])
async def test_oversized_body_is_cut_off(server: FakeWeb, chunked: bool) -> None:
    server.route("/big", Answer(body=b"[" + b"1," * 400_000 + b"1]", chunked=chunked))
    client = client_for(server, limits=Limits(timeout_s=5, max_bytes=100_000))
    message = await refused(client, f"{server.url}/big")
    assert "response larger than 100000 bytes" in message


async def test_a_lying_content_length_does_not_get_past_the_cap(server: FakeWeb) -> None:
    # No Content-Length at all (chunked), so only the streamed count can stop it.
    server.route("/big", Answer(body=b"x" * 300_000, chunked=True, content_type="text/html"))
    client = client_for(server, limits=Limits(timeout_s=5, max_bytes=100_000))
    async with client:
        with pytest.raises(InputError, match="larger than"):
            await client.get_html(f"{server.url}/big")


async def test_slow_server_times_out(server: FakeWeb) -> None:
    server.route("/slow", Answer(body=b'{"a": 1}', drip=0.3))
    client = client_for(server, limits=Limits(timeout_s=0.5, max_bytes=1000))
    message = await refused(client, f"{server.url}/slow")
    assert message.endswith("timed out after 0.5 s")


async def test_unexpected_content_type(server: FakeWeb) -> None:
    server.route("/img", Answer(body=b"\x89PNG", content_type="image/png"))
    message = await refused(client_for(server), f"{server.url}/img")
    assert "answered with image/png, expected application/json or text/json" in message


async def test_http_error_names_the_host(server: FakeWeb) -> None:
    message = await refused(client_for(server), f"{server.url}/missing")
    assert message.endswith("HTTP 404 from 127.0.0.1")


async def test_429_waits_for_retry_after_then_succeeds(server: FakeWeb) -> None:
    answers = iter([Answer(status=429, headers={"Retry-After": "0"}), Answer(body=b"[1]")])
    server.route("/limited", lambda request: next(answers))
    async with client_for(server) as client:
        assert await client.get_json(f"{server.url}/limited") == [1]
    assert server.requests == ["/limited", "/limited"]


async def test_429_with_a_long_retry_after_fails_at_once(server: FakeWeb) -> None:
    server.route("/limited", Answer(status=429, headers={"Retry-After": "3600"}))
    message = await refused(client_for(server), f"{server.url}/limited")
    assert "rate limited by 127.0.0.1 (HTTP 429, retry after 3600 s)" in message
    assert len(server.requests) == 1


async def test_user_agent_names_the_project(server: FakeWeb) -> None:
    server.json("/x", {})
    async with client_for(server) as client:
        await client.get_json(f"{server.url}/x")
    assert server.headers[0]["user-agent"].startswith("debate-digest/")


async def test_environment_proxies_are_not_used(
    server: FakeWeb, trap: Trap, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, trap.url)
    server.json("/x", {"direct": True})
    async with client_for(server) as client:
        assert await client.get_json(f"{server.url}/x") == {"direct": True}
    assert trap.connections == 0


async def test_connection_uses_the_checked_address_not_a_later_answer(
    server: FakeWeb, trap: Trap
) -> None:
    """DNS rebinding: the first answer (checked, allowed) is pinned; a second lookup that
    points inside is never used for the connection."""
    answers = [["127.0.0.1"], ["10.0.0.5"]]
    calls: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers[min(len(calls), len(answers)) - 1]

    server.json("/x", {"ok": 1})
    client = client_for(server, resolve=rebinding)
    async with client:
        assert await client.get_json(f"http://rebind.example:{server.port}/x") == {"ok": 1}
        assert await client.get_json(f"http://rebind.example:{server.port}/x") == {"ok": 1}
    assert calls == ["rebind.example"]  # one lookup, pinned for the connector
    # A lookup after the pin expires is checked again, by the connector's resolver too.
    client.guard._pins.clear()
    async with client:
        with pytest.raises(InputError, match="10.0.0.5, a private address"):
            await client.get_json(f"http://rebind.example:{server.port}/x")
    assert trap.connections == 0


async def test_allow_private_urls_reaches_loopback(server: FakeWeb) -> None:
    server.json("/x", {"ok": 1})
    async with WebClient(policy=Policy(allow_private=True)) as client:
        assert await client.get_json(f"{server.url}/x") == {"ok": 1}
