"""The guard's address and host classification: every encoding of a refused address is refused,
public addresses pass. No network: names resolve through a table."""

from __future__ import annotations

import ipaddress

import pytest

from bot.ingest.web.guard import (
    Guard,
    Policy,
    Refused,
    address_problem,
    allow_only,
    name_problem,
    parse_ip,
    retry_after_seconds,
)


def table(mapping: dict[str, list[str]]):
    async def resolve(host: str, port: int) -> list[str]:
        if host not in mapping:
            raise OSError(-2, "Name or service not known")
        return mapping[host]

    return resolve


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0177.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0.0.0.0", "0.0.0.0"),
        ("127.0.0.1.", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::ffff:7f00:1", "::ffff:7f00:1"),
        ("fe80::1%25eth0", "fe80::1%eth0"),
        ("example.com", None),
        ("news.ycombinator.com", None),
        ("xn--bcher-kva.de", None),
    ],
)
def test_parse_ip_normalises_every_numeric_form(host: str, expected: str | None) -> None:
    parsed = parse_ip(host)
    assert (str(parsed) if parsed is not None else None) == expected


@pytest.mark.parametrize(
    "host", ["1.2.3.4.5", "256.0.0.1", "0x100000000", "example.0x1", "1.2.0389"]
)
def test_malformed_numeric_hosts_are_refused(host: str) -> None:
    with pytest.raises(Refused, match="not a valid address"):
        parse_ip(host)


REFUSED = {
    "127.0.0.1": "loopback",
    "127.255.255.254": "loopback",
    "0.0.0.0": "unspecified",
    "0.1.2.3": "unspecified",
    "10.0.0.5": "private",
    "172.16.0.1": "private",
    "172.31.255.255": "private",
    "192.168.1.1": "private",
    "100.64.0.1": "shared",
    "100.127.255.254": "shared",
    "169.254.169.254": "metadata",
    "169.254.170.2": "metadata",
    "100.100.100.200": "metadata",
    "fd00:ec2::254": "metadata",
    "169.254.1.1": "link-local",
    "192.0.0.8": "reserved",
    "192.0.2.1": "documentation",
    "198.51.100.7": "documentation",
    "203.0.113.9": "documentation",
    "198.18.0.1": "benchmarking",
    "224.0.0.1": "multicast",
    "239.255.255.250": "multicast",
    "240.0.0.1": "reserved",
    "255.255.255.255": "broadcast",
    "::1": "loopback",
    "::": "unspecified",
    "::ffff:127.0.0.1": "loopback",
    "::ffff:7f00:1": "loopback",
    "::ffff:10.0.0.1": "private",
    "::ffff:169.254.169.254": "metadata",
    "::127.0.0.1": "loopback",  # IPv4-compatible (deprecated)
    "::10.0.0.1": "private",
    "fe80::1": "link-local",
    "fc00::1": "private",
    "fd12:3456::1": "private",
    "fec0::1": "site-local",
    "ff02::1": "multicast",
    "64:ff9b::10.0.0.1": "private",  # NAT64 of a private address
    "64:ff9b::7f00:1": "loopback",
    "64:ff9b:1::1": "reserved",
    "2002:0a00:0001::": "private",  # 6to4 of 10.0.0.1
    "2002:7f00:1::1": "loopback",
    "2002:a9fe:a9fe::": "metadata",  # 6to4 of 169.254.169.254
    "2001:0:4136:e378:8000:63bf:3fff:fdd2": "Teredo",
    "2001:db8::1": "documentation",
    "100::1": "discard",
}


@pytest.mark.parametrize(("text", "word"), sorted(REFUSED.items()))
def test_refused_addresses(text: str, word: str) -> None:
    problem = address_problem(ipaddress.ip_address(text))
    assert problem is not None and word in problem, problem


@pytest.mark.parametrize(
    "text",
    [
        "93.184.216.34",
        "8.8.8.8",
        "1.1.1.1",
        "2606:2800:220:1::",
        "2a00:1450:4001:82b::200e",
        "::ffff:93.184.216.34",  # mapped public
        "64:ff9b::5db8:d822",  # NAT64 of a public address
        "2002:5db8:d822::1",  # 6to4 of a public address
    ],
)
def test_public_addresses_pass(text: str) -> None:
    assert address_problem(ipaddress.ip_address(text)) is None


@pytest.mark.parametrize(
    "name",
    [
        "localhost",
        "LOCALHOST",
        "localhost.",
        "foo.localhost",
        "foo.localhost.",
        "metadata.google.internal",
        "metadata.google.internal.",
        "metadata",
        "printer.local",
        "db.internal",
        "exa mple.com",
        "%31%32%37.0.0.1",
        "a..b",
    ],
)
def test_refused_names(name: str) -> None:
    assert name_problem(name) is not None


@pytest.mark.parametrize("name", ["example.com", "example.com.", "xn--bcher-kva.de", "a_b.example"])
def test_ordinary_names_pass(name: str) -> None:
    assert name_problem(name) is None


async def check(
    url: str, mapping: dict[str, list[str]] | None = None, policy: Policy | None = None
):
    guard = Guard(policy or Policy(), table(mapping or {}))
    return await guard.check(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://127.1/", "loopback"),
        ("http://2130706433/", "loopback"),
        ("http://0x7f000001/", "loopback"),
        ("http://0177.0.0.1/", "loopback"),
        ("http://0/", "unspecified"),
        ("http://[::1]/", "loopback"),
        ("http://[::]:8080/", "unspecified"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:7f00:1]/", "loopback"),
        ("http://[64:ff9b::10.0.0.1]/", "private"),
        ("http://[2002:0a00:0001::]/", "private"),
        ("http://[fe80::1%25eth0]/", "link-local"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[fd00:ec2::254]/", "metadata"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata host name"),
        ("http://localhost:8000/", "local"),
        ("http://localhost./", "local"),
        ("http://foo.localhost/", "local"),
        ("http://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/", "local"),  # fullwidth
        ("http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/", "loopback"),  # fullwidth digits
        ("http://user@127.0.0.1@evil.test/", "user name or password"),
        ("http://user:pw@example.com/", "user name or password"),
        ("ftp://example.com/", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://127.0.0.1:6379/_INFO", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("http:///nohost", "no host"),
    ],
)
async def test_urls_refused_before_any_connection(url: str, reason: str) -> None:
    with pytest.raises(Refused) as info:
        await check(url)
    assert reason in info.value.reason


@pytest.mark.parametrize(
    ("mapping", "reason"),
    [
        ({"evil.test": ["10.0.0.5"]}, "evil.test resolves to 10.0.0.5, a private address"),
        ({"evil.test": ["93.184.216.34", "127.0.0.1"]}, "resolves to 127.0.0.1, a loopback"),
        ({"evil.test": ["::ffff:169.254.169.254"]}, "metadata"),
        ({"evil.test": ["fd00::1"]}, "private"),
        ({}, "cannot resolve evil.test"),
    ],
)
async def test_names_resolving_inside_are_refused(mapping: dict, reason: str) -> None:
    with pytest.raises(Refused) as info:
        await check("https://evil.test/page", mapping)
    assert reason in info.value.reason


async def test_public_names_and_idn_pass_and_pin_what_was_checked() -> None:
    names = {"xn--bcher-kva.de": ["93.184.216.34"], "news.example.": ["2606:2800:220:1::"]}
    guard = Guard(Policy(), table(names))
    checked = await guard.check("https://bücher.de/t/1")
    assert checked.host == "xn--bcher-kva.de" and checked.addresses == ("93.184.216.34",)
    checked = await guard.check("http://news.example./x")
    assert checked.addresses == ("2606:2800:220:1::",)
    assert (await guard.check("http://93.184.216.34/")).addresses == ("93.184.216.34",)


async def test_allow_private_and_the_test_allowance_are_explicit() -> None:
    assert (await check("http://127.0.0.1:9/", policy=Policy(allow_private=True))).addresses
    only = Policy(allow=allow_only(("127.0.0.1", 9)))
    assert (await check("http://127.0.0.1:9/", policy=only)).addresses == ("127.0.0.1",)
    with pytest.raises(Refused):
        await check("http://127.0.0.1:10/", policy=only)  # another port of the same host
    with pytest.raises(Refused):
        await check("http://127.0.0.2:9/", policy=only)


def test_retry_after_forms() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    from datetime import UTC, datetime

    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:05 GMT", now=now) == 5.0
