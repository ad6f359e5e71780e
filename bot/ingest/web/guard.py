"""The URL guard: the one component every web fetch goes through.

The bot fetches URLs that strangers give it, so a URL must never reach something only the host
running the bot can reach (a database on 10.x, the cloud metadata service, a router's admin
page). For each request, and again for every redirect hop:

1. **URL.** Only `http` and `https`; no user name or password; a host that is a name or an
   address. The host is the one the HTTP client will connect to (`yarl.URL.raw_host`, after
   IDNA), so what is checked is what is used.
2. **Address.** Numeric hosts in every form browsers and `inet_aton` accept (`2130706433`,
   `0x7f000001`, `0177.0.0.1`, `127.1`, `[::ffff:127.0.0.1]`) are normalised and classified;
   names are resolved with the event loop's `getaddrinfo`, and the host is refused when *any*
   address it resolves to is loopback, private, link-local, multicast, unspecified, reserved,
   shared (100.64/10), benchmarking, documentation, a cloud metadata address, or an IPv6 form
   embedding one of those (IPv4-mapped/compatible, 6to4, NAT64; Teredo is refused outright).
   Names like `localhost`, `*.localhost`, `*.internal`, `metadata.google.internal` are refused
   before any lookup.
3. **Connect to what was checked.** `PinnedResolver` is the aiohttp resolver of the client's
   connector: it answers with the addresses the check accepted (kept for `PIN_SECONDS`), and
   checks every other lookup itself, so a DNS answer that changes between check and connect
   (rebinding) is never used.
4. **Response.** Redirects are followed by hand (at most `MAX_REDIRECTS`), each target checked
   as above; a time limit per request; the body streamed up to a byte cap (the Content-Length
   header is only used to refuse early); only the content types the caller expects; a
   descriptive User-Agent; `429` retried after `Retry-After` when that is short.

The only ways to reach a refused address are `Policy(allow_private=True)` (the setting
`DEBATE_DIGEST_ALLOW_PRIVATE_URLS`, unsafe, for tests and self-hosted mirrors) and a test's
explicit `Policy.allow` predicate; neither is read from anywhere else.
"""

from __future__ import annotations

import asyncio
import codecs
import email.utils
import ipaddress
import logging
import socket
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aiohttp import ClientConnectorDNSError, ClientError, ClientSession
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from bot.errors import InputError
from bot.ingest.web.errors import ContentTypeError, HTTPStatusError

if TYPE_CHECKING:
    from aiohttp import ClientResponse

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolve = Callable[[str, int], Awaitable[list[str]]]

ALLOWED_SCHEMES = frozenset({"http", "https"})
MAX_REDIRECTS = 5
# How long a checked resolution is reused for connections to the same host.
PIN_SECONDS = 30.0
# 429: wait at most this long per Retry-After, and try at most this many times in all.
MAX_RETRY_AFTER_S = 10.0
MAX_ATTEMPTS = 3
DEFAULT_BACKOFF_S = 1.0
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 502, 503, 504})

JSON_TYPES = frozenset({"application/json", "text/json"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
URL_DISPLAY_CHARS = 120

_N = ipaddress.ip_network
# Checked in order; the first match names the reason. Cloud metadata services first, so that
# 169.254.169.254 is called what it is rather than "link-local".
_METADATA: tuple[IPAddress, ...] = (
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, DigitalOcean, ...
    ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
    ipaddress.ip_address("169.254.169.253"),  # AWS VPC DNS
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    ipaddress.ip_address("192.0.0.192"),  # Oracle Cloud (classic)
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    ipaddress.ip_address("fd00:ec2::23"),  # AWS time sync / DNS over IPv6
)
_V4_CLASSES: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (_N("0.0.0.0/8"), "an unspecified address"),
    (_N("127.0.0.0/8"), "a loopback address"),
    (_N("10.0.0.0/8"), "a private address"),
    (_N("172.16.0.0/12"), "a private address"),
    (_N("192.168.0.0/16"), "a private address"),
    (_N("100.64.0.0/10"), "a shared (carrier-grade NAT) address"),
    (_N("169.254.0.0/16"), "a link-local address"),
    (_N("192.0.0.0/24"), "a reserved (IETF protocol) address"),
    (_N("192.0.2.0/24"), "a documentation address"),
    (_N("198.51.100.0/24"), "a documentation address"),
    (_N("203.0.113.0/24"), "a documentation address"),
    (_N("198.18.0.0/15"), "a benchmarking address"),
    (_N("192.88.99.0/24"), "a reserved (6to4 relay) address"),
    (_N("224.0.0.0/4"), "a multicast address"),
    (_N("255.255.255.255/32"), "the broadcast address"),
    (_N("240.0.0.0/4"), "a reserved address"),
)  # type: ignore[assignment]
_V6_CLASSES: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_N("::/128"), "an unspecified address"),
    (_N("::1/128"), "a loopback address"),
    (_N("fe80::/10"), "a link-local address"),
    (_N("fec0::/10"), "a private (site-local) address"),
    (_N("fc00::/7"), "a private (unique local) address"),
    (_N("ff00::/8"), "a multicast address"),
    (_N("2001::/32"), "a Teredo tunnel address"),
    (_N("2001:db8::/32"), "a documentation address"),
    (_N("3fff::/20"), "a documentation address"),
    (_N("2001:2::/48"), "a benchmarking address"),
    (_N("100::/64"), "a reserved (discard) address"),
    (_N("64:ff9b:1::/48"), "a reserved (local NAT64) address"),
)  # type: ignore[assignment]
# IPv6 forms that carry an IPv4 address, and where: (network, bit offset of the IPv4 address
# counted from the right). The embedded address decides.
_V6_EMBEDDED: tuple[tuple[ipaddress.IPv6Network, int], ...] = (
    (_N("::ffff:0:0/96"), 0),  # IPv4-mapped
    (_N("::ffff:0:0:0/96"), 0),  # IPv4-translated (SIIT)
    (_N("64:ff9b::/96"), 0),  # NAT64
    (_N("2002::/16"), 80),  # 6to4: 2002:AABB:CCDD::
    (_N("::/96"), 0),  # IPv4-compatible (deprecated); :: and ::1 are classified before
)  # type: ignore[assignment]

_REFUSED_NAMES = frozenset(
    {
        "localhost",
        "localhost.localdomain",
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
        "kubernetes.default",
    }
)
_REFUSED_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".lan")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-._")
_DIGITS = {8: frozenset("01234567"), 10: frozenset("0123456789"), 16: frozenset("0123456789abcdef")}


class Refused(OSError):
    """A host or address the guard will not connect to. An OSError so that aiohttp's connector
    passes it on (as the cause of `ClientConnectorDNSError`) when the resolver raises it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- addresses ------------------------------------------------------------------------------


def _ipv4_part(text: str) -> int | None:
    """One part of a numeric IPv4 host as the WHATWG URL standard (and inet_aton) read it:
    `0x` hexadecimal, leading-zero octal, or decimal. None when it is no number."""
    if text[:2] in ("0x", "0X"):
        digits, base = text[2:], 16
        if not digits:
            return 0
    elif len(text) > 1 and text[0] == "0":
        digits, base = text[1:], 8
    else:
        digits, base = text, 10
    if not digits or not set(digits.lower()) <= _DIGITS[base]:
        return None
    return int(digits, base)


def _numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Decimal, octal, hex and short (`127.1`) IPv4 forms; None when `host` is not numeric.

    Raises `Refused` for a host that ends in a number but is no valid address (`1.2.3.4.5`,
    `example.256`): browsers refuse those too, and resolvers disagree about them.
    """
    parts = host.split(".")
    if parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()  # one trailing dot
    last = _ipv4_part(parts[-1]) if parts[-1] else None
    if last is None:
        if parts[-1].isdigit():  # ends in a number that is no number ("0389"): not a name
            raise Refused(f"{host} is not a valid address")
        return None
    values = [_ipv4_part(p) if p else None for p in parts]
    if len(parts) > 4 or any(v is None for v in values):
        raise Refused(f"{host} is not a valid address")
    numbers = [v for v in values if v is not None]
    *head, tail = numbers
    if any(v > 255 for v in head) or tail >= 256 ** (5 - len(numbers)):
        raise Refused(f"{host} is not a valid address")
    value = tail
    for index, part in enumerate(head):
        value += part << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def parse_ip(host: str) -> IPAddress | None:
    """The address a URL host denotes when it is numeric (in any form), else None for a name.

    Accepts `[v6]` brackets, a trailing dot, and IPv6 zone ids; raises `Refused` for a
    malformed numeric host.
    """
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text.replace("%25", "%"))
        except ValueError:
            raise Refused(f"{host} is not a valid address") from None
    try:
        return ipaddress.IPv4Address(text.rstrip("."))
    except ValueError:
        return _numeric_ipv4(text)


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    for network, shift in _V6_EMBEDDED:
        if address in network:
            return ipaddress.IPv4Address((int(address) >> shift) & 0xFFFFFFFF)
    return None


def address_problem(address: IPAddress) -> str | None:
    """Why `address` must not be connected to (`"a private address"`, ...), or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
        address = ipaddress.IPv6Address(str(address).split("%", 1)[0])
    if address in _METADATA:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv4Address):
        for network, reason in _V4_CLASSES:
            if address in network:
                return reason
        return None if address.is_global else "a reserved address"
    for network6, reason in _V6_CLASSES:
        if address in network6:
            return reason
    embedded = _embedded_v4(address)
    if embedded is not None:
        inner = address_problem(embedded)
        return f"an IPv6 form of {embedded}, {inner}" if inner else None
    return None if address.is_global else "a reserved address"


def name_problem(name: str) -> str | None:
    """Why a host name is refused before any lookup (`localhost`, `*.internal`, ...), or None."""
    host = name.rstrip(".").lower()
    if not host or host.startswith(".") or ".." in host:
        return "not a valid host name"
    if not set(host) <= _NAME_CHARS:
        return "not a valid host name"
    if host in _REFUSED_NAMES:
        return "a local or cloud metadata host name"
    if host.endswith(_REFUSED_SUFFIXES):
        return "a local or internal host name"
    return None


# --- policy and resolution ------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """What may be connected to.

    `allow_private` lifts every address check (UNSAFE: the setting
    `DEBATE_DIGEST_ALLOW_PRIVATE_URLS`, for tests and self-hosted mirrors only). `allow` is a
    test hook: a predicate of (address, port) that admits exactly what a test names (one
    loopback server), never configured from the environment.
    """

    allow_private: bool = False
    allow: Callable[[IPAddress, int], bool] | None = None

    def problem(self, address: IPAddress, port: int) -> str | None:
        """Why this address and port are refused under this policy, or None."""
        if self.allow_private or (self.allow is not None and self.allow(address, port)):
            return None
        return address_problem(address)


def allow_only(*endpoints: tuple[str, int]) -> Callable[[IPAddress, int], bool]:
    """A `Policy.allow` predicate admitting exactly these (address, port) pairs (for tests)."""
    wanted = {(ipaddress.ip_address(host), port) for host, port in endpoints}
    return lambda address, port: (address, port) in wanted


async def system_resolve(host: str, port: int) -> list[str]:
    """The host's addresses from the event loop's `getaddrinfo` (TCP, any family)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass
class Checked:
    """A URL the guard accepted, with the addresses it may connect to."""

    url: URL
    host: str
    port: int
    addresses: tuple[str, ...]


@dataclass
class Guard:
    """Checks URLs and the addresses their hosts resolve to; see the module docstring.

    `resolve` is the lookup (default: the loop's `getaddrinfo`); tests pass a mapping of
    public-looking names to loopback addresses, which the policy then has to refuse.
    """

    policy: Policy = field(default_factory=Policy)
    resolve: Resolve = system_resolve
    _pins: dict[tuple[str, int], tuple[float, tuple[str, ...]]] = field(default_factory=dict)

    def parse(self, url: str | URL) -> URL:
        """The URL as the client will use it; raises `Refused` for anything but an absolute
        http(s) URL with a host and without credentials."""
        try:
            parsed = url if isinstance(url, URL) else URL(url.strip())
        except (ValueError, TypeError) as err:
            raise Refused(f"not a valid URL ({err})") from None
        if parsed.scheme not in ALLOWED_SCHEMES:
            shown = parsed.scheme or "no scheme"
            raise Refused(f"only http and https links are fetched, not {shown}")
        if not parsed.raw_host:
            raise Refused("the link has no host")
        if parsed.raw_user is not None or parsed.raw_password is not None:
            raise Refused("links with a user name or password are not fetched")
        if parsed.port is None or not 0 < parsed.port < 65536:
            raise Refused("the link has no valid port")
        return parsed

    async def check(self, url: str | URL) -> Checked:
        """Parse, classify and resolve `url`'s host; raises `Refused` with the reason.

        On success the accepted addresses are pinned for the connector (`PinnedResolver`).
        """
        parsed = self.parse(url)
        host, port = parsed.raw_host or "", parsed.port or 0
        addresses = await self.addresses(host, port)
        return Checked(parsed, host, port, addresses)

    async def addresses(self, host: str, port: int) -> tuple[str, ...]:
        """The checked addresses of `host` (numeric or a name); raises `Refused`."""
        numeric = parse_ip(host)
        if numeric is not None:
            problem = self.policy.problem(numeric, port)
            if problem:
                raise Refused(f"{host} is {problem}")
            return (str(numeric),)
        pinned = self._pins.get((host, port))
        if pinned is not None and pinned[0] > time.monotonic():
            return pinned[1]
        if not self.policy.allow_private:
            problem = name_problem(host)
            if problem:
                raise Refused(f"{host} is {problem}")
        try:
            found = await self.resolve(host, port)
        except (OSError, UnicodeError) as err:
            detail = getattr(err, "strerror", None) or err
            raise Refused(f"cannot resolve {host} ({detail})") from None
        if not found:
            raise Refused(f"cannot resolve {host}")
        checked: list[str] = []
        for text in found:
            try:
                address = ipaddress.ip_address(text)
            except ValueError:
                raise Refused(f"{host} resolves to {text!r}, not an address") from None
            problem = self.policy.problem(address, port)
            if problem:
                # One bad answer refuses the host: a name that also points inside is hostile.
                raise Refused(f"{host} resolves to {address}, {problem}")
            checked.append(str(address))
        result = tuple(checked)
        self._pins[(host, port)] = (time.monotonic() + PIN_SECONDS, result)
        return result


class PinnedResolver(AbstractResolver):
    """aiohttp resolver that only ever returns addresses the guard accepted.

    The connector calls it for every new connection to a host name; numeric hosts do not reach
    a resolver, which is why `Guard.check` runs before every request too.
    """

    def __init__(self, guard: Guard) -> None:
        self._guard = guard

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        addresses = await self._guard.addresses(host, port)  # raises Refused (an OSError)
        results: list[ResolveResult] = []
        for text in addresses:
            address = ipaddress.ip_address(text)
            fam = socket.AF_INET6 if address.version == 6 else socket.AF_INET
            if family not in (socket.AF_UNSPEC, fam):
                continue
            results.append(
                {
                    "hostname": host,
                    "host": text,
                    "port": port,
                    "family": fam,
                    "proto": 0,
                    "flags": socket.AI_NUMERICHOST,
                }
            )
        if not results:
            raise Refused(f"{host} has no usable address")
        return results

    async def close(self) -> None:
        return None


# --- requests -------------------------------------------------------------------------------


def display_url(url: str | URL) -> str:
    """A URL shortened for a one-line message."""
    text = str(url)
    text = " ".join(text.split())
    return text if len(text) <= URL_DISPLAY_CHARS else text[: URL_DISPLAY_CHARS - 1] + "…"


def describe_bytes(count: int) -> str:
    mb = count / (1024 * 1024)
    return f"{mb:.3g} MB" if mb >= 0.1 else f"{count} bytes"


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class Fetched:
    """A response body the guard let through."""

    url: URL  # after redirects
    status: int
    content_type: str
    charset: str | None
    body: bytes

    @property
    def known_charset(self) -> str | None:
        """The header's charset when Python knows it; None when there is none or it is unknown
        (`charset=foo-bar` from a hostile server must not end in a LookupError)."""
        if not self.charset:
            return None
        try:
            codecs.lookup(self.charset)
        except LookupError:
            return None
        return self.charset

    def text(self) -> str:
        return self.body.decode(self.known_charset or "utf-8", errors="replace")


@dataclass(frozen=True)
class Limits:
    """Per-request limits: seconds per request (connect to last byte), bytes per body."""

    timeout_s: float = 10.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = MAX_REDIRECTS
    max_retry_after_s: float = MAX_RETRY_AFTER_S
    attempts: int = MAX_ATTEMPTS


async def _read_capped(response: ClientResponse, max_bytes: int) -> bytes | None:
    """The body, or None as soon as it grows past `max_bytes` (decompressed size counts)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _type_ok(content_type: str, accept: Collection[str]) -> bool:
    if content_type in accept:
        return True
    # application/ld+json, application/vnd.api+json, ...
    return "application/json" in accept and content_type.endswith("+json")


@dataclass(frozen=True)
class _Redirect:
    target: URL


@dataclass(frozen=True)
class _Retry:
    wait_s: float


_Step = Fetched | _Redirect | _Retry


class _Request:
    """One guarded GET of `guarded_get`: what to send, and how to name a failure in one line."""

    def __init__(
        self, url: str | URL, accept: Collection[str], limits: Limits, headers: dict[str, str]
    ) -> None:
        self.shown = display_url(url)
        self.accept = accept
        self.limits = limits
        self.headers = {"Accept": ", ".join(sorted(accept)), **headers}

    def fail(self, reason: str, kind: type[InputError] = InputError) -> InputError:
        return kind(" ".join(f"{self.shown}: {reason}".split()))

    def status_error(self, reason: str, status: int) -> InputError:
        return HTTPStatusError(" ".join(f"{self.shown}: {reason}".split()), status)

    async def step(self, session: ClientSession, current: URL, attempt: int) -> _Step:
        """Send one request to `current` (already checked): a body, a redirect or a retry.

        Raises the one-line `InputError` for every other outcome, network errors included.
        """
        host = current.raw_host or "?"
        try:
            async with asyncio.timeout(self.limits.timeout_s):
                async with session.get(
                    current, allow_redirects=False, headers=self.headers
                ) as response:
                    return await self._answer(response, current, host, attempt)
        except TimeoutError:
            raise self.fail(f"timed out after {self.limits.timeout_s:g} s") from None
        except ClientConnectorDNSError as err:
            if isinstance(err.__cause__, Refused):
                raise self.fail(f"refused: {err.__cause__.reason}") from None
            raise self.fail(f"cannot resolve {host}") from None
        except ClientError as err:
            raise self.fail(f"connection to {host} failed ({type(err).__name__})") from None

    async def _answer(
        self, response: ClientResponse, current: URL, host: str, attempt: int
    ) -> _Step:
        status = response.status
        if status in REDIRECT_STATUSES:
            return _Redirect(self._redirect_target(response, current, host))
        if status in RETRY_STATUSES and attempt < self.limits.attempts:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            wait = DEFAULT_BACKOFF_S * attempt if wait is None else wait
            if wait > self.limits.max_retry_after_s:
                raise self.fail(f"rate limited by {host} (HTTP {status}, retry after {wait:.0f} s)")
            return _Retry(wait)
        if status == 429:
            raise self.fail(f"rate limited by {host} (HTTP 429)")
        if status >= 400:
            raise self.status_error(f"HTTP {status} from {host}", status)
        if status != 200:
            raise self.status_error(f"unexpected HTTP {status} from {host}", status)
        content_type = response.content_type.lower()
        if not _type_ok(content_type, self.accept):
            raise self.fail(
                f"{host} answered with {content_type or 'no content type'}, "
                f"expected {' or '.join(sorted(self.accept))}",
                ContentTypeError,
            )
        too_large = f"response larger than {describe_bytes(self.limits.max_bytes)}"
        length = response.content_length
        if length is not None and length > self.limits.max_bytes:
            raise self.fail(too_large)
        body = await _read_capped(response, self.limits.max_bytes)
        if body is None:
            raise self.fail(too_large)
        return Fetched(current, status, content_type, response.charset, body)

    def _redirect_target(self, response: ClientResponse, current: URL, host: str) -> URL:
        location = response.headers.get("Location")
        if not location:
            raise self.fail(f"HTTP {response.status} from {host} without a Location")
        try:
            return current.join(URL(location.strip()))
        except ValueError:
            raise self.fail(f"{host} redirected to an invalid URL") from None


async def guarded_get(
    session: ClientSession,
    guard: Guard,
    url: str | URL,
    *,
    accept: Collection[str],
    limits: Limits,
    headers: dict[str, str] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Fetched:
    """GET `url` under the guard; see the module docstring for every check.

    `session` must use a connector whose resolver is `PinnedResolver(guard)` (as `WebClient`
    builds it). Every hop's target is checked before it is requested; a retry asks the same
    target again after its wait. Raises `InputError` whose one line names the URL and the
    reason: refused address, too many redirects, timeout, HTTP error status, unexpected content
    type, body over the cap, rate limited.
    """
    request = _Request(url, accept, limits, headers or {})
    try:
        current = guard.parse(url)
    except Refused as err:
        raise request.fail(f"refused: {err.reason}") from None
    hops = attempt = 0
    while hops <= limits.max_redirects:
        if attempt == 0:
            try:
                await guard.check(current)
            except Refused as err:
                raise request.fail(f"refused: {err.reason}") from None
        attempt += 1
        step = await request.step(session, current, attempt)
        if isinstance(step, Fetched):
            return step
        if isinstance(step, _Redirect):
            log.debug("redirect %s -> %s", current, step.target)
            current, hops, attempt = step.target, hops + 1, 0
            continue
        log.info(
            "%s: HTTP 429/5xx from %s, retrying in %.1f s",
            request.shown,
            current.raw_host or "?",
            step.wait_s,
        )
        await sleep(step.wait_s)
    raise request.fail(f"too many redirects (more than {limits.max_redirects})")
