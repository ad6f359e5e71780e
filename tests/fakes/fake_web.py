"""Loopback web servers for the web-source tests and the fetch benchmark.

`FakeWeb` serves scripted answers (JSON, HTML, redirects, slow or huge bodies) on 127.0.0.1 with
an optional fixed latency per request, and records every request. `Trap` is a bare TCP listener
that records every connection it accepts and answers nothing: an SSRF test points a refused
address at one and asserts that it saw no connection. Both run their own event loop in a
daemon thread, so synchronous tests (the CLI in a subprocess) and async tests use them alike.

    with FakeWeb(latency=0.05) as server:
        server.json("/v0/item/1.json", {"id": 1, "type": "story", ...})
        server.url  # "http://127.0.0.1:<port>"
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Answer:
    """One scripted answer. `body` is sent as is (str is UTF-8 encoded); `drip` sends it one
    byte at a time with that many seconds between bytes; `chunked` omits Content-Length."""

    body: bytes | str = b""
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0
    chunked: bool = False


Handler = Callable[[web.Request], Answer]


class _LoopThread:
    """An event loop in a daemon thread; subclasses start their servers in `_setup`."""

    name = "fake-web"

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def start(self):  # noqa: ANN201 - returns self (the subclass)
        self._thread = threading.Thread(target=self._serve, name=self.name, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError(f"{self.name} did not start")
        if self._error is not None:
            raise RuntimeError(f"{self.name} did not start: {self._error}")
        return self

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._setup())
        except BaseException as err:  # reported to start()
            self._error = err
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        loop.run_forever()
        loop.run_until_complete(self._teardown())
        loop.close()

    async def _setup(self) -> None:
        raise NotImplementedError

    async def _teardown(self) -> None:
        return None

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = None
        self._thread = None

    def __enter__(self):  # noqa: ANN204
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FakeWeb(_LoopThread):
    """The scripted HTTP server (see the module docstring).

    Routes match the path with its query first (`/t/1/posts.json?post_ids[]=2`), then the path
    alone; a route is an `Answer` or a function of the request returning one. Unknown paths get
    404. `requests` lists every path-with-query served; `max_in_flight` the peak concurrency.
    """

    name = "fake-web"

    def __init__(self, *, latency: float = 0.0, host: str = "127.0.0.1") -> None:
        super().__init__()
        self.latency = latency
        self.host = host
        self.routes: dict[str, Answer | Handler] = {}
        self.requests: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def route(self, path: str, answer: Answer | Handler) -> None:
        with self._lock:
            self.routes[path] = answer

    def json(self, path: str, data: Any, **options: Any) -> None:
        """Serve `data` as JSON at `path`."""
        self.route(path, Answer(body=json.dumps(data), **options))

    def html(self, path: str, text: str, **options: Any) -> None:
        self.route(path, Answer(body=text, content_type="text/html", **options))

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.route(path, Answer(status=status, headers={"Location": location}, content_type=""))

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        with self._lock:
            self.requests.append(request.path_qs)
            self.headers.append({k.lower(): v for k, v in request.headers.items()})
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            route = self.routes.get(request.path_qs) or self.routes.get(request.path)
        try:
            if route is None:
                answer = Answer(body=b'{"error": "not found"}', status=404)
            else:
                answer = route(request) if callable(route) else route
            wait = self.latency + answer.delay
            if wait > 0:
                await asyncio.sleep(wait)
            body = answer.body.encode("utf-8") if isinstance(answer.body, str) else answer.body
            headers = dict(answer.headers)
            if answer.content_type:
                headers["Content-Type"] = answer.content_type
            if not answer.drip and not answer.chunked:
                return web.Response(body=body, status=answer.status, headers=headers)
            response = web.StreamResponse(status=answer.status, headers=headers)
            if answer.chunked:
                response.enable_chunked_encoding()
            await response.prepare(request)
            step = 1 if answer.drip else 64 * 1024
            for start in range(0, len(body), step):
                await response.write(body[start : start + step])
                if answer.drip:
                    await asyncio.sleep(answer.drip)
            await response.write_eof()
            return response
        finally:
            with self._lock:
                self.in_flight -= 1

    async def _setup(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        server = site._server  # aiohttp exposes the bound port only through the asyncio server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _teardown(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


class Trap(_LoopThread):
    """A TCP listener that counts the connections it accepts (and closes them at once)."""

    name = "trap"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__()
        self.host = host
        self.port = port
        self.connections = 0
        self._server: asyncio.Server | None = None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        writer.close()

    async def _setup(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _teardown(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"


# -- a synthetic Hacker News tree ---------------------------------------------------------------


def hn_tree(comments: int, *, story_id: int = 1, seed: int = 7, top_share: float = 0.2) -> dict:
    """A story with `comments` comments as Firebase items keyed by id (ids from `story_id`).

    Each comment answers the story with probability `top_share`, else an earlier comment
    chosen at random, which gives HN-like shapes: many top-level threads, a few deep chains.
    The text is real: the ArgKP arguments in turn (two joined once they run out), so dedupe
    keeps them apart. Deterministic for a given seed.
    """
    import random

    from bot.bench.synth import load_arguments

    texts = [a.text for a in load_arguments()]
    rng = random.Random(seed)
    items: dict[int, dict[str, Any]] = {
        story_id: {
            "id": story_id,
            "type": "story",
            "by": "op",
            "time": 1_700_000_000,
            "title": "Ask HN: School uniforms, cosmetic surgery, routine child vaccination?",
            "text": "Three debates in one thread: should we abandon school uniforms, ban "
            "cosmetic surgery for minors, make child vaccination mandatory?",
            "kids": [],
            "descendants": comments,
        }
    }
    ids = [story_id]
    for n in range(1, comments + 1):
        item_id = story_id + n
        parent = story_id if n == 1 or rng.random() < top_share else rng.choice(ids[1:])
        items[item_id] = {
            "id": item_id,
            "type": "comment",
            "by": f"user{rng.randrange(comments // 3 + 2)}",
            "time": 1_700_000_000 + 60 * n,
            "parent": parent,
            "text": texts[(n - 1) % len(texts)]
            if n <= len(texts)
            else f"{texts[(n - 1) % len(texts)]} {texts[(7 * n) % len(texts)]}",
        }
        items[parent].setdefault("kids", []).append(item_id)
        ids.append(item_id)
    return items


def tree_depth(items: dict[int, dict[str, Any]], root: int) -> int:
    """Levels below `root` (the longest chain of kids)."""
    depth, level = 0, [root]
    while True:
        level = [k for i in level for k in items.get(i, {}).get("kids", [])]
        if not level:
            return depth
        depth += 1


def serve_hn(server: FakeWeb, items: dict[int, dict[str, Any]], prefix: str = "/v0") -> None:
    """Serve `items` the way the Firebase API does (`{prefix}/item/<id>.json`, null if absent)."""

    def handler(request: web.Request) -> Answer:
        name = request.match_info.get("tail", "").rsplit("/", 1)[-1]
        number = name.removesuffix(".json")
        item = items.get(int(number)) if number.isdigit() else None
        return Answer(body=json.dumps(item))

    for item_id in items:
        server.route(f"{prefix}/item/{item_id}.json", handler)
