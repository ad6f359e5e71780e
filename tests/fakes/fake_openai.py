"""A fake OpenAI-compatible chat server on 127.0.0.1, for tests and the LLM benchmark.

It speaks enough of the real protocol (`POST /v1/chat/completions`, also without `/v1`) for
litellm's OpenAI client to run unmodified against it. Tests queue scripted replies; every request
body is recorded so that tests can assert on what was actually sent. It runs its own event loop
in a daemon thread, so it serves sync and async clients alike and its latency is real wall time.

    with FakeOpenAI() as server:
        server.queue(Reply(content='{"question": "…"}'), Reply(status=429))
        ... litellm.acompletion(model="openai/fake-model", api_base=server.url, api_key="test")
        server.requests[0]["messages"]
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Reply:
    """One scripted answer.

    `content` becomes the assistant message of a well-formed chat completion (with
    `finish_reason` and `usage`); `body` replaces the whole JSON body; `raw` is sent as is (for
    broken bodies). A non-200 `status` with none of them sends an OpenAI-style error object.
    `delay` is added to the server's fixed latency. `model` restricts the reply to requests for
    that model (the name the server sees, e.g. "fake-model" for litellm's "openai/fake-model").
    """

    content: str | None = None
    status: int = 200
    body: dict[str, Any] | None = None
    raw: str | None = None
    delay: float = 0.0
    finish_reason: str = "stop"
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    model: str | None = None


Responder = Callable[[dict[str, Any]], Reply]


def approx_tokens(text: str) -> int:
    """A cheap stand-in for a tokenizer (about four characters a token), for `usage`."""
    return max(1, len(text) // 4)


def _request_text(body: dict[str, Any]) -> str:
    parts: list[str] = []
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return "\n".join(parts)


class FakeOpenAI:
    """The server. `start()`/`stop()` or use it as a context manager.

    `latency` (seconds) is the time from a request's arrival to its reply (the fake's own work
    included), plus a reply's `delay`. When no queued reply matches a request, the
    `responder` (if any) builds one from the request body; otherwise the server answers 400 with
    "no scripted reply left", which is not retried, so a test that under-scripts fails fast.
    """

    def __init__(self, *, latency: float = 0.0, responder: Responder | None = None) -> None:
        self.latency = latency
        self.responder = responder
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        self._queue: list[Reply] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._port = 0
        self.in_flight = 0
        self.max_in_flight = 0

    # -- scripting -----------------------------------------------------------------------------

    def queue(self, *replies: Reply) -> None:
        """Append replies; each is served once, first matching first."""
        with self._lock:
            self._queue.extend(replies)

    @property
    def pending(self) -> int:
        """Queued replies not served yet."""
        with self._lock:
            return len(self._queue)

    @property
    def url(self) -> str:
        """The api_base to give litellm."""
        return f"http://127.0.0.1:{self._port}/v1"

    def _take(self, body: dict[str, Any]) -> Reply | None:
        model = body.get("model")
        with self._lock:
            for index, reply in enumerate(self._queue):
                if reply.model is None or reply.model == model:
                    return self._queue.pop(index)
        return None

    # -- protocol ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        # Latency counts from the request's arrival, like a real server's: the time this fake
        # spends reading the body and building the reply is part of it, not added to it.
        arrived = time.perf_counter()
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": {"message": "body is not JSON"}}, status=400)
        with self._lock:
            self.requests.append(body)
            self.paths.append(request.path)
            self.headers.append({k.lower(): v for k, v in request.headers.items()})
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            reply = self._take(body)
            if reply is None and self.responder is not None:
                reply = self.responder(body)
            if reply is None:
                reply = Reply(status=400, body={"error": {"message": "no scripted reply left"}})
            wait = self.latency + reply.delay - (time.perf_counter() - arrived)
            if wait > 0:
                await asyncio.sleep(wait)
            return self._render(reply, body)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _render(self, reply: Reply, request: dict[str, Any]) -> web.Response:
        headers = dict(reply.headers)
        if reply.raw is not None:
            return web.Response(
                text=reply.raw, status=reply.status, headers=headers, content_type="text/plain"
            )
        if reply.body is not None:
            return web.json_response(reply.body, status=reply.status, headers=headers)
        if reply.status != 200:
            error = {
                "error": {
                    "message": f"fake server error {reply.status}",
                    "type": "rate_limit_error" if reply.status == 429 else "server_error",
                    "code": reply.status,
                }
            }
            return web.json_response(error, status=reply.status, headers=headers)
        content = reply.content or ""
        prompt_tokens = (
            reply.prompt_tokens
            if reply.prompt_tokens is not None
            else approx_tokens(_request_text(request))
        )
        completion_tokens = (
            reply.completion_tokens
            if reply.completion_tokens is not None
            else approx_tokens(content)
        )
        body = {
            "id": f"chatcmpl-fake-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", "fake-model"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": reply.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
        return web.json_response(body, headers=headers)

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeOpenAI:
        """Start serving on a free port of 127.0.0.1; returns when the port is bound."""
        self._thread = threading.Thread(target=self._serve, name="fake-openai", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fake OpenAI server did not start")
        return self

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        for path in ("/v1/chat/completions", "/chat/completions"):
            app.router.add_post(path, self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        server = site._server  # aiohttp exposes the bound port only through the asyncio server
        assert server is not None
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        loop.run_forever()
        loop.run_until_complete(self._runner.cleanup())
        loop.close()

    def stop(self) -> None:
        """Stop the server and join its thread."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = None
        self._thread = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def chat_json(reply: Any) -> str:
    """JSON text of a reply object (a pydantic model or plain data), for `Reply(content=...)`."""
    if hasattr(reply, "model_dump_json"):
        return reply.model_dump_json()
    return json.dumps(reply)


# -- a fake model that reads our prompts ----------------------------------------------------------

_BLOCK = re.compile(
    r"^<<<(?P<kind>THREAD|PARTS) (?P<token>[0-9a-f]+)>>>\n"
    r"(?P<body>.*?)\n?"
    r"<<<END (?P=kind) (?P=token)>>>$",
    re.MULTILINE | re.DOTALL,
)


_COMMENT = re.compile(
    r"^(?P<id>[0-9]+)(?: (?P<author>[^ >^+:][^ :]*))?(?: (?P<reply_to>\^|>[0-9]+))?"
    r"(?: \+(?P<also>[^ :]+))?: (?P<text>.*)$"
)
_HANDLE = re.compile(r"^(?P<handle>@[0-9]+) (?P<name>.*)$")


def thread_items(body: str) -> list[dict[str, Any]]:
    """The lines of a THREAD block as objects: {"thread_title"} for the title line, {"id",
    "text", and where given "author" (the name), "handle" (as shown: a handle or the name),
    "reply_to", "also" (names)} for a comment. A line of another shape raises ValueError: the
    prompt promised none."""
    names: dict[str, str] = {}
    items: list[dict[str, Any]] = []
    previous: str | None = None
    for line in body.split("\n"):
        if not line.strip():
            continue
        if line.startswith("title: "):
            items.append({"thread_title": line[len("title: ") :]})
            continue
        handle = _HANDLE.match(line)
        if handle:
            names[handle["handle"]] = handle["name"]
            continue
        comment = _COMMENT.match(line)
        if comment is None:
            raise ValueError(f"not a data line: {line[:80]!r}")
        item: dict[str, Any] = {"id": comment["id"]}
        if comment["author"]:
            item["handle"] = comment["author"]
            item["author"] = names.get(comment["author"], comment["author"])
        if comment["reply_to"]:
            reply = comment["reply_to"]
            item["reply_to"] = previous if reply == "^" else reply[1:]
        if comment["also"]:
            item["also"] = [names.get(h, h) for h in comment["also"].split(",")]
        item["text"] = comment["text"]
        items.append(item)
        previous = comment["id"]
    return items


def data_block(request: dict[str, Any]) -> tuple[str, str, list[dict[str, Any]]] | None:
    """(kind "THREAD" or "PARTS", boundary token, one parsed object per data line) of the first
    message of `request` that holds a data block, or None. Thread lines are read as
    `thread_items` reads them; partial-summary lines are JSON."""
    for message in request.get("messages") or []:
        content = message.get("content")
        if not isinstance(content, str):
            continue
        match = _BLOCK.search(content)
        if match:
            body = match.group("body")
            if match.group("kind") == "THREAD":
                items = thread_items(body)
            else:
                items = [json.loads(line) for line in body.split("\n") if line.strip()]
            return match.group("kind"), match.group("token"), items
    return None


def _quote(text: str, words: int = 8) -> str:
    return " ".join(text.split()[:words])


def debate_summary(request: dict[str, Any], max_points: int = 4) -> dict[str, Any] | None:
    """What a well-behaved model would answer to one of our requests, built from its data
    block: for a thread, two sides taking alternate comments (all of them listed as the side's
    `comment_ids`), each point quoting the first words of its comment; for partial summaries,
    their sides merged by label, with empty `comment_ids` as the reduce prompt asks. None when the
    request holds no data block."""
    block = data_block(request)
    if block is None:
        return None
    kind, _, items = block
    if kind == "THREAD":
        comments = [c for c in items if "id" in c and c.get("text", "").strip()]
        sides = []
        for label, group in (("For", comments[0::2]), ("Against", comments[1::2])):
            if not group:
                continue
            points = [
                {
                    "text": f"Point made in {c['id']}",
                    "comment_ids": [c["id"]],
                    "quotes": [{"comment_id": c["id"], "text": _quote(c["text"])}],
                }
                for c in group[:max_points]
            ]
            authors = list(dict.fromkeys(c["handle"] for c in group if c.get("handle")))
            sides.append(
                {
                    "label": label,
                    "position": f"{label} the motion",
                    "participants": authors,
                    "comment_ids": [c["id"] for c in group],
                    "points": points,
                }
            )
        return {
            "question": "Is the motion right?",
            "sides": sides,
            "common_ground": [],
            "open_questions": ["What would settle it?"],
        }
    merged: dict[str, dict[str, Any]] = {}
    common: list[dict[str, Any]] = []
    questions: list[str] = []
    for item in items:
        summary = item["summary"]
        for side in summary["sides"]:
            into = merged.setdefault(
                side["label"],
                {
                    "label": side["label"],
                    "position": side["position"],
                    "participants": [],
                    "comment_ids": [],
                    "points": [],
                },
            )
            into["participants"] = list(dict.fromkeys(into["participants"] + side["participants"]))
            into["points"] = (into["points"] + side["points"])[:max_points]
        common.extend(summary["common_ground"])
        questions.extend(q for q in summary["open_questions"] if q not in questions)
    return {
        "question": items[0]["summary"]["question"] if items else "?",
        "sides": list(merged.values())[:4],
        "common_ground": common[:max_points],
        "open_questions": questions,
    }


def debate_responder(request: dict[str, Any]) -> Reply:
    """A `Responder` that answers every summarize or reduce request with `debate_summary`."""
    answer = debate_summary(request)
    if answer is None:
        return Reply(status=400, body={"error": {"message": "no data block in the request"}})
    return Reply(content=json.dumps(answer, ensure_ascii=False))
