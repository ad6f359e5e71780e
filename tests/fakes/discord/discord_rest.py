"""REST routes of the fake Discord (API v10): recording, auth, limits, permissions, answers.

Each handler returns `(status, json_body)` or raises `ApiError`, which becomes Discord's error
shape `{"message", "code"}` (plus `errors` for 50035 Invalid Form Body).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from fakes.discord.discord_state import (
    Attachment,
    Channel,
    ChannelType,
    MessageType,
    P,
    iso,
    snowflake_time,
)

if TYPE_CHECKING:
    from fakes.discord.fake_discord import FakeDiscord, FakeInteraction, RecordedRequest

log = logging.getLogger(__name__)

Result = tuple[int, Any]
Handler = Callable[[re.Match[str], "RecordedRequest"], Awaitable[Result]]

EPHEMERAL = 1 << 6
LOADING = 1 << 7
TEXT_TYPES = {
    ChannelType.dm,
    ChannelType.text,
    ChannelType.news,
    ChannelType.voice,
    ChannelType.stage,
    ChannelType.public_thread,
    ChannelType.private_thread,
    ChannelType.news_thread,
}

# Discord's message limits (https://discord.com/developers/docs/resources/message#embed-object)
MAX_CONTENT = 2000
# How long Discord remembers a message nonce for `enforce_nonce` ("a few minutes").
NONCE_WINDOW = dt.timedelta(minutes=5)
MAX_EMBEDS = 10
MAX_FILES = 10
EMBED_LIMITS = {"title": 256, "description": 4096}
MAX_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FOOTER = 2048
MAX_AUTHOR = 256
MAX_EMBED_TOTAL = 6000


class ApiError(Exception):
    """An error answer in Discord's shape: status, JSON code, message, form errors."""

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def unknown_channel() -> ApiError:
    return ApiError(404, 10003, "Unknown Channel")


def unknown_message() -> ApiError:
    return ApiError(404, 10008, "Unknown Message")


def missing_access() -> ApiError:
    return ApiError(403, 50001, "Missing Access")


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def _too_long(limit: int) -> list[dict[str, str]]:
    return [{"code": "BASE_TYPE_MAX_LENGTH", "message": f"Must be {limit} or fewer in length."}]


def message_limit_problems(payload: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Check a message body against Discord's limits.

    Returns readable problems (for `FakeDiscord.limit_violations`) and the nested `errors`
    object Discord puts in its 50035 answer.
    """
    problems: list[str] = []
    errors: dict[str, Any] = {}
    content = payload.get("content")
    if isinstance(content, str) and len(content) > MAX_CONTENT:
        problems.append(f"content: {len(content)} > {MAX_CONTENT}")
        errors["content"] = {"_errors": _too_long(MAX_CONTENT)}
    embeds = payload.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        problems.append(f"embeds: {len(embeds)} > {MAX_EMBEDS}")
        errors["embeds"] = {
            "_errors": [
                {
                    "code": "BASE_TYPE_MAX_LENGTH",
                    "message": f"Must be {MAX_EMBEDS} or fewer in length.",
                }
            ]
        }
    total = 0
    for i, embed in enumerate(embeds):
        e_err: dict[str, Any] = {}

        def check(key: str, value: Any, limit: int, where: dict[str, Any], label: str) -> int:
            if not isinstance(value, str):
                return 0
            if len(value) > limit:
                problems.append(f"embeds[{i}].{label}: {len(value)} > {limit}")  # noqa: B023
                where[key] = {"_errors": _too_long(limit)}
            return len(value)

        for key, limit in EMBED_LIMITS.items():
            total += check(key, embed.get(key), limit, e_err, key)
        fields = embed.get("fields") or []
        if len(fields) > MAX_FIELDS:
            problems.append(f"embeds[{i}].fields: {len(fields)} > {MAX_FIELDS}")
            e_err["fields"] = {"_errors": _too_long(MAX_FIELDS)}
        for j, fld in enumerate(fields):
            f_err: dict[str, Any] = {}
            total += check("name", fld.get("name"), MAX_FIELD_NAME, f_err, f"fields[{j}].name")
            total += check("value", fld.get("value"), MAX_FIELD_VALUE, f_err, f"fields[{j}].value")
            if f_err:
                e_err.setdefault("fields", {})[str(j)] = f_err
        footer = embed.get("footer") or {}
        f_err = {}
        total += check("text", footer.get("text"), MAX_FOOTER, f_err, "footer.text")
        if f_err:
            e_err["footer"] = f_err
        author = embed.get("author") or {}
        a_err: dict[str, Any] = {}
        total += check("name", author.get("name"), MAX_AUTHOR, a_err, "author.name")
        if a_err:
            e_err["author"] = a_err
        if e_err:
            errors.setdefault("embeds", {})[str(i)] = e_err
    if total > MAX_EMBED_TOTAL:
        problems.append(f"embeds total: {total} > {MAX_EMBED_TOTAL}")
        errors.setdefault("embeds", {}).setdefault("_errors", []).append(
            {
                "code": "MAX_EMBED_SIZE_EXCEEDED",
                "message": f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}",
            }
        )
    return problems, errors


def _bucket(method: str, path: str) -> str:
    template = re.sub(r"/\d+", "/:id", path)
    return hashlib.md5(f"{method} {template}".encode()).hexdigest()[:16]


class Router:
    """Routes `/api/v10/...` requests to handlers, recording every one of them."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        app = r"(?P<app>\d+)"
        tok = r"(?P<token>[^/]+)"
        ch = r"(?P<channel>\d+)"
        msg = r"(?P<message>\d+)"
        guild = r"(?P<guild>\d+)"
        self.routes: list[tuple[str, re.Pattern[str], Handler, bool]] = []
        add = self._add
        # (method, path, handler, needs bot auth)
        add("GET", r"/users/@me", self.get_me)
        add("GET", r"/users/(?P<user>\d+)", self.get_user)
        add("POST", r"/users/@me/channels", self.open_dm)
        add("GET", r"/oauth2/applications/@me", self.get_application)
        add("GET", r"/applications/@me", self.get_application)
        add("GET", r"/gateway", self.get_gateway, auth=False)
        add("GET", r"/gateway/bot", self.get_gateway_bot)
        add("GET", rf"/applications/{app}/commands", self.get_commands)
        add("PUT", rf"/applications/{app}/commands", self.put_commands)
        add("GET", rf"/applications/{app}/guilds/{guild}/commands", self.get_commands)
        add("PUT", rf"/applications/{app}/guilds/{guild}/commands", self.put_commands)
        add(
            "POST", rf"/interactions/(?P<interaction>\d+)/{tok}/callback", self.callback, auth=False
        )
        add("POST", rf"/webhooks/{app}/{tok}", self.followup, auth=False)
        add(
            "GET",
            rf"/webhooks/{app}/{tok}/messages/(?P<message>@original|\d+)",
            self.get_webhook_message,
            auth=False,
        )
        add(
            "PATCH",
            rf"/webhooks/{app}/{tok}/messages/(?P<message>@original|\d+)",
            self.edit_webhook_message,
            auth=False,
        )
        add(
            "DELETE",
            rf"/webhooks/{app}/{tok}/messages/(?P<message>@original|\d+)",
            self.delete_webhook_message,
            auth=False,
        )
        add("GET", rf"/channels/{ch}", self.get_channel)
        add("GET", rf"/channels/{ch}/messages", self.get_messages)
        add("GET", rf"/channels/{ch}/messages/pins", self.get_pins)
        add("GET", rf"/channels/{ch}/messages/{msg}", self.get_message)
        add("POST", rf"/channels/{ch}/messages", self.post_message)
        add("PATCH", rf"/channels/{ch}/messages/{msg}", self.edit_message)
        add("DELETE", rf"/channels/{ch}/messages/{msg}", self.delete_message)
        add("POST", rf"/channels/{ch}/typing", self.typing)
        add("GET", rf"/channels/{ch}/thread-members", self.thread_members)
        add("POST", rf"/channels/{ch}/threads", self.start_thread)
        add("POST", rf"/channels/{ch}/messages/{msg}/threads", self.start_thread)
        add("PUT", rf"/channels/{ch}/messages/{msg}/reactions/(?P<emoji>[^/]+)/@me", self.react)
        add(
            "GET",
            rf"/channels/{ch}/threads/archived/(?P<kind>public|private)",
            self.archived_threads,
        )
        add("GET", rf"/guilds/{guild}", self.get_guild)
        add("GET", rf"/guilds/{guild}/channels", self.guild_channels)
        add("GET", rf"/guilds/{guild}/roles", self.guild_roles)
        add("GET", rf"/guilds/{guild}/members/(?P<user>\d+)", self.guild_member)
        add("GET", rf"/guilds/{guild}/threads/active", self.active_threads)

    def _add(self, method: str, pattern: str, handler: Handler, *, auth: bool = True) -> None:
        self.routes.append((method, re.compile(f"^{pattern}$"), handler, auth))

    # ------------------------------------------------------------------ plumbing

    async def _read(self, request: web.Request) -> tuple[Any, list[Any]]:
        from fakes.discord.fake_discord import RecordedFile

        ctype = request.headers.get("Content-Type", "")
        files: list[RecordedFile] = []
        body: Any = None
        if ctype.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if part is None:
                    break
                data = await part.read(decode=False)  # type: ignore[union-attr]
                name = part.name or ""
                if name == "payload_json":
                    body = json.loads(data)
                elif part.filename is not None:
                    files.append(
                        RecordedFile(
                            name, part.filename, bytes(data), part.headers.get("Content-Type")
                        )
                    )
        elif request.can_read_body:
            raw = await request.read()
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode(errors="replace")
        return body, files

    async def handle(self, request: web.Request) -> web.StreamResponse:
        from fakes.discord.fake_discord import RecordedRequest

        fake = self.fake
        path = request.match_info["path"] or "/"
        body, files = await self._read(request)
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() in {"authorization", "user-agent", "content-type", "x-audit-log-reason"}
        }
        record = RecordedRequest(
            request.method, path, dict(request.query), headers, body, files, at=time.monotonic()
        )
        fake.requests.append(record)
        if fake.latency:
            await asyncio.sleep(fake.latency)
        extra_headers: dict[str, str] = {}
        failing = next(
            (p for p, n in fake.server_errors.items() if n > 0 and re.search(p, path)), None
        )
        if failing is not None:
            fake.server_errors[failing] -= 1
            status, payload = 503, {"message": "503: Service Unavailable", "code": 0}
            remaining = 49
        elif fake.rate_limit_next > 0:
            fake.rate_limit_next -= 1
            status, payload = (
                429,
                {"message": "You are being rate limited.", "retry_after": 0.05, "global": False},
            )
            extra_headers = {"Retry-After": "0.05", "X-RateLimit-Scope": "user"}
            remaining = 0
        else:
            status, payload = await self._route(request.method, path, record, request)
            remaining = 49
        record.status, record.response = status, payload
        await fake._notify()
        headers_out = {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{time.time() + (0.05 if remaining == 0 else 1):.3f}",
            "X-RateLimit-Reset-After": "0.050" if remaining == 0 else "1.000",
            "X-RateLimit-Bucket": _bucket(request.method, path),
            # discord.py treats a 429 without Via as a Cloudflare ban, as Discord's come via Google
            "Via": "1.1 google",
            **extra_headers,
        }
        if payload is None:
            return web.Response(status=status, headers=headers_out)
        # discord.py decodes JSON only when the content type is exactly "application/json"
        headers_out["Content-Type"] = "application/json"
        return web.Response(body=json.dumps(payload).encode(), status=status, headers=headers_out)

    async def _route(
        self, method: str, path: str, record: RecordedRequest, request: web.Request
    ) -> Result:
        fake = self.fake
        for r_method, pattern, handler, auth in self.routes:
            match = pattern.match(path)
            if match is None or r_method != method:
                continue
            if auth and request.headers.get("Authorization") != f"Bot {fake.token}":
                return 401, {"message": "401: Unauthorized", "code": 0}
            try:
                return await handler(match, record)
            except ApiError as exc:
                return exc.status, exc.body()
        fake.unknown_requests.append(record)
        log.warning("fake Discord has no route for %s %s", method, path)
        return 404, {"message": "404: Not Found", "code": 0}

    async def handle_unrouted(self, request: web.Request) -> web.StreamResponse:
        from fakes.discord.fake_discord import RecordedRequest

        body, files = await self._read(request)
        record = RecordedRequest(
            request.method,
            "/" + request.match_info["path"],
            dict(request.query),
            {},
            body,
            files,
            status=404,
            response={"message": "404: Not Found", "code": 0},
            at=time.monotonic(),
        )
        self.fake.requests.append(record)
        self.fake.unknown_requests.append(record)
        await self.fake._notify()
        return web.json_response(record.response, status=404)

    # ------------------------------------------------------------------ lookups

    def _channel(self, match: re.Match[str]) -> Channel:
        channel = self.fake.channels.get(int(match["channel"]))
        if channel is None:
            raise unknown_channel()
        return channel

    def _readable(self, channel: Channel) -> int:
        perms = self.fake.permissions_for(channel)
        if not perms & P.VIEW_CHANNEL:
            raise missing_access()
        return perms

    def _guild(self, match: re.Match[str]) -> Any:
        guild = self.fake.guilds.get(int(match["guild"]))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    # ------------------------------------------------------------------ users, app, gateway

    async def get_me(self, match: re.Match[str], record: RecordedRequest) -> Result:
        user = self.fake.bot_user.payload()
        user.update(verified=True, mfa_enabled=False, flags=0, locale="en-US")
        return 200, user

    async def get_user(self, match: re.Match[str], record: RecordedRequest) -> Result:
        user = self.fake.users.get(int(match["user"]))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return 200, user.payload()

    async def open_dm(self, match: re.Match[str], record: RecordedRequest) -> Result:
        body = record.json if isinstance(record.json, dict) else {}
        user = self.fake.users.get(int(body.get("recipient_id") or 0))
        if user is None:
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "recipient_id": {
                        "_errors": [{"code": "USER_NOT_FOUND", "message": "Unknown user"}]
                    }
                },
            )
        return 200, self.fake.dm_channel(user).payload()

    async def get_application(self, match: re.Match[str], record: RecordedRequest) -> Result:
        fake = self.fake
        owner = next((fake.users[g.owner_id] for g in fake.guilds.values()), fake.bot_user)
        return 200, {
            "id": str(fake.application_id),
            "name": fake.bot_user.username,
            "icon": None,
            "description": "",
            "summary": "",
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "bot": fake.bot_user.payload(),
            "owner": owner.payload(),
            "team": None,
            "verify_key": "0" * 64,
            "flags": fake.application_flags,
            "interactions_endpoint_url": None,
            "tags": [],
            "approximate_guild_count": len(fake.guilds),
        }

    async def get_gateway(self, match: re.Match[str], record: RecordedRequest) -> Result:
        return 200, {"url": self.fake.gateway_url}

    async def get_gateway_bot(self, match: re.Match[str], record: RecordedRequest) -> Result:
        return 200, {
            "url": self.fake.gateway_url,
            "shards": self.fake.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 86_400_000,
                "max_concurrency": 1,
            },
        }

    # ------------------------------------------------------------------ application commands

    def _command_list(self, match: re.Match[str]) -> list[dict[str, Any]]:
        if int(match["app"]) != self.fake.application_id:
            raise ApiError(403, 50001, "Missing Access")
        if match.groupdict().get("guild"):
            guild_id = int(match["guild"])
            if guild_id not in self.fake.guilds:
                raise missing_access()
            return self.fake.guild_commands.setdefault(guild_id, [])
        return self.fake.global_commands

    async def get_commands(self, match: re.Match[str], record: RecordedRequest) -> Result:
        return 200, self._command_list(match)

    async def put_commands(self, match: re.Match[str], record: RecordedRequest) -> Result:
        current = self._command_list(match)
        body = record.json
        if not isinstance(body, list):
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {"_errors": [{"code": "BASE_TYPE_ARRAY", "message": "Must be an array."}]},
            )
        if len(body) > 100:
            raise ApiError(400, 30032, "Maximum number of application commands reached (100)")
        known = {(c["name"], c.get("type", 1)): c["id"] for c in current}
        guild_id = match.groupdict().get("guild")
        stored = []
        for cmd in body:
            key = (cmd["name"], cmd.get("type", 1))
            stored.append(
                {
                    "id": known.get(key) or str(self.fake.ids.next()),
                    "application_id": str(self.fake.application_id),
                    "version": str(self.fake.ids.next()),
                    "type": 1,
                    "description": "",
                    "options": [],
                    "default_member_permissions": None,
                    "nsfw": False,
                    **({"guild_id": guild_id} if guild_id else {}),
                    **cmd,
                }
            )
        current[:] = stored
        return 200, stored

    # ------------------------------------------------------------------ messages (shared)

    def _validate(self, payload: dict[str, Any], record: RecordedRequest) -> None:
        problems, errors = message_limit_problems(payload)
        if len(record.files) > MAX_FILES:
            problems.append(f"files: {len(record.files)} > {MAX_FILES}")
            errors["files"] = {"_errors": _too_long(MAX_FILES)}
        if problems:
            self.fake.limit_violations.append(
                {
                    "method": record.method,
                    "path": record.path,
                    "problems": problems,
                    "payload": payload,
                }
            )
            raise ApiError(400, 50035, "Invalid Form Body", errors)

    def _attachments(
        self,
        payload: dict[str, Any],
        record: RecordedRequest,
        keep: list[dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]] | None:
        """The message's attachments after this request (None: unchanged)."""
        declared = payload.get("attachments")
        if declared is None and not record.files:
            return None
        out: list[dict[str, Any]] = []
        existing = {a["id"]: a for a in (keep or [])}
        by_index = {f.field: f for f in record.files}
        for item in declared or []:
            item_id = str(item.get("id"))
            if item_id in existing:
                out.append(existing[item_id])
                continue
            file = by_index.pop(f"files[{item_id}]", None)
            if file is not None:
                att = self.fake.add_attachment(
                    item.get("filename") or file.filename,
                    file.content,
                    file.content_type or "application/octet-stream",
                )
                data = att.payload()
                if item.get("description"):
                    data["description"] = item["description"]
                out.append(data)
        for file in by_index.values():  # files without an attachments entry
            att = self.fake.add_attachment(
                file.filename, file.content, file.content_type or "application/octet-stream"
            )
            out.append(att.payload())
        return out

    def _create(
        self,
        channel: Channel,
        payload: dict[str, Any],
        record: RecordedRequest,
        *,
        kind: str,
        interaction: FakeInteraction | None = None,
        flags: int = 0,
        msg_type: int = MessageType.default,
    ) -> dict[str, Any]:
        from fakes.discord.fake_discord import SentMessage

        fake = self.fake
        self._validate(payload, record)
        attachments = self._attachments(payload, record) or []
        content = payload.get("content") or ""
        if not (
            content
            or payload.get("embeds")
            or attachments
            or payload.get("components")
            or payload.get("sticker_ids")
            or payload.get("poll")
        ):
            raise ApiError(400, 50006, "Cannot send an empty message")
        flags |= int(payload.get("flags") or 0) & ~LOADING
        message = fake._message_payload(
            channel,
            fake.bot_user,
            content,
            msg_type=msg_type,
            embeds=payload.get("embeds") or [],
            attachments=attachments,
            components=payload.get("components") or [],
            flags=flags,
            webhook_id=fake.application_id if interaction else None,
        )
        ref = payload.get("message_reference")
        if ref and ref.get("message_id"):
            referenced = fake.find_message(channel.id, int(ref["message_id"]))
            if referenced is None and ref.get("fail_if_not_exists", True):
                raise ApiError(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "message_reference": {
                            "_errors": [
                                {"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}
                            ]
                        }
                    },
                )
            message["type"] = MessageType.reply
            message["message_reference"] = {
                "type": 0,
                "message_id": str(ref["message_id"]),
                **channel.where(),
            }
            message["referenced_message"] = referenced
        if interaction is not None:
            message["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                # a DM interaction has a `user`, a guild one a `member` with its user
                "user": interaction.payload.get("member", interaction.payload)["user"],
                "authorizing_integration_owners": interaction.payload[
                    "authorizing_integration_owners"
                ],
            }
        ephemeral = bool(flags & EPHEMERAL)
        if not ephemeral:
            channel.messages.append(message)
            self._dispatch_message("MESSAGE_CREATE", message)
        fake.sent.append(
            SentMessage(
                kind, channel.id, payload, message, list(record.files), interaction, ephemeral
            )
        )
        return message

    def _edit(
        self,
        channel: Channel,
        message: dict[str, Any],
        payload: dict[str, Any],
        record: RecordedRequest,
        *,
        kind: str,
        interaction: FakeInteraction | None = None,
    ) -> dict[str, Any]:
        from fakes.discord.fake_discord import SentMessage

        self._validate(payload, record)
        for key in ("content", "embeds", "components"):
            if key in payload:
                message[key] = (
                    payload[key] if payload[key] is not None else ("" if key == "content" else [])
                )
        attachments = self._attachments(payload, record, keep=message.get("attachments"))
        if attachments is not None:
            message["attachments"] = attachments
        was_loading = bool(message.get("flags", 0) & LOADING)
        message["flags"] = message.get("flags", 0) & ~LOADING
        if was_loading:
            if not (
                message["content"]
                or message["embeds"]
                or message["attachments"]
                or message["components"]
            ):
                message["flags"] |= LOADING
                raise ApiError(400, 50006, "Cannot send an empty message")
        else:
            message["edited_timestamp"] = iso(self.fake.ids.now)
        ephemeral = bool(message.get("flags", 0) & EPHEMERAL)
        self.fake.sent.append(
            SentMessage(
                kind, channel.id, payload, message, list(record.files), interaction, ephemeral
            )
        )
        if not ephemeral:
            self._dispatch_message("MESSAGE_UPDATE", message)
        return message

    def _dispatch_message(self, event: str, message: dict[str, Any]) -> None:
        fake = self.fake
        for session in fake._sessions:
            if session.identified:
                fake._spawn(fake._send_dispatch(session, event, dict(message)))

    # ------------------------------------------------------------------ channels

    async def get_channel(self, match: re.Match[str], record: RecordedRequest) -> Result:
        channel = self._channel(match)
        self._readable(channel)
        return 200, channel.payload()

    async def get_messages(self, match: re.Match[str], record: RecordedRequest) -> Result:
        """History: up to `limit` (1..100) around/before/after an id, newest first."""
        channel = self._channel(match)
        perms = self._readable(channel)
        if not perms & P.READ_MESSAGE_HISTORY:
            raise missing_permissions()
        q = record.query
        try:
            limit = int(q.get("limit", 50))
        except ValueError:
            limit = 0
        if not 1 <= limit <= 100:
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "limit": {
                        "_errors": [
                            {
                                "code": "NUMBER_TYPE_MAX" if limit > 100 else "NUMBER_TYPE_MIN",
                                "message": "int value should be between 1 and 100.",
                            }
                        ]
                    }
                },
            )
        messages = channel.messages
        ids = [int(m["id"]) for m in messages]
        if "around" in q:
            around = int(q["around"])
            idx = next((i for i, mid in enumerate(ids) if mid >= around), len(ids))
            start = max(0, idx - limit // 2)
            page = messages[start : start + limit]
        elif "before" in q:
            before = int(q["before"])
            older = [m for m, mid in zip(messages, ids, strict=True) if mid < before]
            page = older[-limit:]
        elif "after" in q:
            after = int(q["after"])
            page = [m for m, mid in zip(messages, ids, strict=True) if mid > after][:limit]
        else:
            page = messages[-limit:]
        # Discord answers newest first whatever the anchor; discord.py relies on it.
        return 200, [self.fake.visible_message(m) for m in reversed(page)]

    async def get_message(self, match: re.Match[str], record: RecordedRequest) -> Result:
        channel = self._channel(match)
        perms = self._readable(channel)
        if not perms & P.READ_MESSAGE_HISTORY:
            raise missing_permissions()
        message = self.fake.find_message(channel.id, int(match["message"]))
        if message is None:
            raise unknown_message()
        return 200, self.fake.visible_message(message)

    async def get_pins(self, match: re.Match[str], record: RecordedRequest) -> Result:
        channel = self._channel(match)
        perms = self._readable(channel)
        if not perms & P.READ_MESSAGE_HISTORY:
            raise missing_permissions()
        limit = int(record.query.get("limit", 50))
        if not 1 <= limit <= 50:
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "limit": {
                        "_errors": [
                            {
                                "code": "NUMBER_TYPE_MAX",
                                "message": "int value should be between 1 and 50.",
                            }
                        ]
                    }
                },
            )
        pins = sorted(channel.pins.items(), key=lambda kv: kv[1], reverse=True)
        if "before" in record.query:
            # a "+" of the offset may arrive decoded as a space
            before = dt.datetime.fromisoformat(record.query["before"].replace(" ", "+"))
            pins = [(mid, when) for mid, when in pins if when < before]
        items = []
        for mid, when in pins[:limit]:
            message = self.fake.find_message(channel.id, int(mid))
            if message is not None:
                items.append(
                    {"pinned_at": iso(when), "message": self.fake.visible_message(message)}
                )
        return 200, {"items": items, "has_more": len(pins) > limit}

    async def post_message(self, match: re.Match[str], record: RecordedRequest) -> Result:
        channel = self._channel(match)
        perms = self._readable(channel)
        if channel.type not in TEXT_TYPES:
            raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
        needed = P.SEND_MESSAGES_IN_THREADS if channel.is_thread else P.SEND_MESSAGES
        if not perms & needed:
            raise missing_permissions()
        if record.files and not perms & P.ATTACH_FILES:
            raise missing_permissions()
        if channel.recipient is not None and not channel.recipient.dms_open:
            raise ApiError(403, 50007, "Cannot send messages to this user")
        if (
            channel.is_thread
            and (channel.locked or channel.archived)
            and not (perms & P.MANAGE_THREADS)
        ):
            raise ApiError(400, 50083, "Thread is archived")
        payload = record.json if isinstance(record.json, dict) else {}
        earlier = self._same_nonce(channel, payload)
        if earlier is not None:
            return 200, earlier
        message = self._create(channel, payload, record, kind="channel")
        if payload.get("nonce") is not None:
            message["nonce"] = str(payload["nonce"])
        return 200, message

    def _same_nonce(self, channel: Channel, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Discord's `enforce_nonce`: a message with the same nonce from the same author in the
        last few minutes is returned instead of creating a second one."""
        nonce = payload.get("nonce")
        if not payload.get("enforce_nonce") or nonce is None:
            return None
        horizon = self.fake.ids.now - NONCE_WINDOW
        for message in reversed(channel.messages):
            if snowflake_time(int(message["id"])) < horizon:
                break
            if message.get("nonce") == str(nonce) and message["author"]["id"] == str(
                self.fake.bot_user.id
            ):
                return message
        return None

    async def edit_message(self, match: re.Match[str], record: RecordedRequest) -> Result:
        channel = self._channel(match)
        self._readable(channel)
        message = self.fake.find_message(channel.id, int(match["message"]))
        if message is None:
            raise unknown_message()
        if message["author"]["id"] != str(self.fake.bot_user.id):
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        payload = record.json if isinstance(record.json, dict) else {}
        return 200, self._edit(channel, message, payload, record, kind="edit")

    async def delete_message(self, match: re.Match[str], record: RecordedRequest) -> Result:
        channel = self._channel(match)
        perms = self._readable(channel)
        message = self.fake.find_message(channel.id, int(match["message"]))
        if message is None:
            raise unknown_message()
        if message["author"]["id"] != str(self.fake.bot_user.id) and not (
            perms & P.MANAGE_MESSAGES
        ):
            raise missing_permissions()
        channel.messages.remove(message)
        self._dispatch_message(
            "MESSAGE_DELETE",
            {"id": message["id"], **channel.where()},
        )
        return 204, None

    async def typing(self, match: re.Match[str], record: RecordedRequest) -> Result:
        channel = self._channel(match)
        perms = self._readable(channel)
        if not perms & (P.SEND_MESSAGES_IN_THREADS if channel.is_thread else P.SEND_MESSAGES):
            raise missing_permissions()
        return 204, None

    async def start_thread(self, match: re.Match[str], record: RecordedRequest) -> Result:
        """A thread started by the bot (from a message or not); THREAD_CREATE is dispatched."""
        channel = self._channel(match)
        perms = self._readable(channel)
        body = record.json if isinstance(record.json, dict) else {}
        from_message = match.groupdict().get("message")
        if channel.type == ChannelType.forum and not from_message:
            return self._forum_post(channel, perms, body, record)
        private = not from_message and body.get("type") == ChannelType.private_thread
        needed = P.CREATE_PRIVATE_THREADS if private else P.CREATE_PUBLIC_THREADS
        if channel.is_thread or channel.type not in (ChannelType.text, ChannelType.news):
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        if not perms & needed:
            raise missing_permissions()
        name = body.get("name") or ""
        if not 1 <= len(name) <= 100:
            raise ApiError(400, 50035, "Invalid Form Body", {"name": {"_errors": _too_long(100)}})
        if from_message and self.fake.find_message(channel.id, int(from_message)) is None:
            raise unknown_message()
        # a thread started from a message takes the message's id, as on Discord
        thread = self.fake.add_thread(
            channel,
            name,
            private=private,
            owner=self.fake.bot_user,
            id=int(from_message) if from_message else None,
        )
        data = thread.payload()
        self.fake.dispatch("THREAD_CREATE", {**data, "newly_created": True})
        return 201, data

    def _forum_post(
        self, forum: Channel, perms: int, body: dict[str, Any], record: RecordedRequest
    ) -> Result:
        """A forum post: a thread and its starter message (whose id is the thread's, as on
        Discord), answered as the thread with its `message`; a forum post takes no nonce."""
        if not perms & P.SEND_MESSAGES:  # "Create Posts" is Send Messages in a forum
            raise missing_permissions()
        name = body.get("name") or ""
        if not 1 <= len(name) <= 100:
            raise ApiError(400, 50035, "Invalid Form Body", {"name": {"_errors": _too_long(100)}})
        thread = self.fake.add_thread(forum, name, owner=self.fake.bot_user)
        payload = body.get("message") if isinstance(body.get("message"), dict) else {}
        message = self._create(thread, payload, record, kind="channel")
        message["id"] = str(thread.id)
        data = thread.payload()
        self.fake.dispatch("THREAD_CREATE", {**data, "newly_created": True})
        return 201, {**data, "message": message}

    async def react(self, match: re.Match[str], record: RecordedRequest) -> Result:
        channel = self._channel(match)
        perms = self._readable(channel)
        if not perms & P.READ_MESSAGE_HISTORY:
            raise missing_permissions()
        if self.fake.find_message(channel.id, int(match["message"])) is None:
            raise unknown_message()
        return 204, None

    def _thread_member(self, thread: Channel, user_id: int) -> dict[str, Any]:
        return {
            "id": str(thread.id),
            "user_id": str(user_id),
            "join_timestamp": iso(thread.created_at or self.fake.ids.now),
            "flags": 0,
        }

    async def thread_members(self, match: re.Match[str], record: RecordedRequest) -> Result:
        channel = self._channel(match)
        self._readable(channel)
        if not channel.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        return 200, [self._thread_member(channel, uid) for uid in channel.thread_member_ids]

    async def archived_threads(self, match: re.Match[str], record: RecordedRequest) -> Result:
        channel = self._channel(match)
        perms = self._readable(channel)
        if not perms & P.READ_MESSAGE_HISTORY:
            raise missing_permissions()
        kind = (
            ChannelType.private_thread if match["kind"] == "private" else ChannelType.public_thread
        )
        if kind == ChannelType.private_thread and not perms & P.MANAGE_THREADS:
            raise missing_permissions()
        guild = self.fake.guilds[channel.guild_id]
        threads = [
            t
            for t in guild.threads()
            if t.parent_id == channel.id
            and t.archived
            and t.type in (kind, ChannelType.news_thread)
        ]
        threads.sort(key=lambda t: t.id, reverse=True)
        limit = int(record.query.get("limit", 50))
        page = threads[:limit]
        bot_id = self.fake.bot_user.id
        return 200, {
            "threads": [t.payload() for t in page],
            "members": [
                self._thread_member(t, bot_id) for t in page if bot_id in t.thread_member_ids
            ],
            "has_more": len(threads) > limit,
        }

    # ------------------------------------------------------------------ guilds

    async def get_guild(self, match: re.Match[str], record: RecordedRequest) -> Result:
        guild = self._guild(match)
        data = guild.payload()
        if record.query.get("with_counts") in ("true", "1", "True"):
            data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return 200, data

    async def guild_channels(self, match: re.Match[str], record: RecordedRequest) -> Result:
        guild = self._guild(match)
        return 200, [c.payload() for c in guild.channels.values() if not c.is_thread]

    async def guild_roles(self, match: re.Match[str], record: RecordedRequest) -> Result:
        guild = self._guild(match)
        return 200, [r.payload() for r in guild.roles.values()]

    async def guild_member(self, match: re.Match[str], record: RecordedRequest) -> Result:
        guild = self._guild(match)
        member = guild.members.get(int(match["user"]))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return 200, member.payload()

    async def active_threads(self, match: re.Match[str], record: RecordedRequest) -> Result:
        guild = self._guild(match)
        bot_id = self.fake.bot_user.id
        threads = [
            t
            for t in guild.threads()
            if not t.archived and self.fake.permissions_for(t) & P.VIEW_CHANNEL
        ]
        return 200, {
            "threads": [t.payload() for t in threads],
            "members": [
                self._thread_member(t, bot_id) for t in threads if bot_id in t.thread_member_ids
            ],
        }

    # ------------------------------------------------------------------ interactions

    async def callback(self, match: re.Match[str], record: RecordedRequest) -> Result:
        """The interaction response, with the deadline and the single-ack rule enforced."""
        fake = self.fake
        handle = fake.interactions.get(int(match["interaction"]))
        if handle is None or handle.token != match["token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        handle.callbacks.append(record)
        if time.monotonic() - handle.dispatched_at > fake.ack_deadline:
            handle.rejections.append(record)
            raise ApiError(404, 10062, "Unknown interaction")
        if handle.acknowledged:
            handle.rejections.append(record)
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        body = record.json if isinstance(record.json, dict) else {}
        rtype = body.get("type")
        data = body.get("data") or {}
        flags = int(data.get("flags") or 0)
        channel = fake.channels.get(handle.channel_id)
        if channel is None:
            raise unknown_channel()
        message: dict[str, Any] | None = None
        try:
            if rtype == 4:
                message = self._create(
                    channel,
                    data,
                    record,
                    kind="response",
                    interaction=handle,
                    flags=flags & EPHEMERAL,
                    msg_type=self._response_type(handle),
                )
                handle.original = message
            elif rtype == 5:
                message = fake._message_payload(
                    channel,
                    fake.bot_user,
                    "",
                    msg_type=self._response_type(handle),
                    flags=LOADING | (flags & EPHEMERAL),
                    webhook_id=fake.application_id,
                )
                if not flags & EPHEMERAL:
                    channel.messages.append(message)
                handle.original = message
            elif rtype in (6, 7):
                if handle.type != 3 and not (handle.type == 5 and "message" in handle.payload):
                    raise ApiError(400, 40004, "Interaction type does not support this response")
                if rtype == 7:
                    source = handle.payload["message"]
                    stored = fake.find_message(channel.id, int(source["id"])) or source
                    message = self._edit(
                        channel, stored, data, record, kind="update", interaction=handle
                    )
            elif rtype == 8:
                if handle.type != 4:
                    raise ApiError(400, 40004, "Interaction type does not support this response")
                choices = data.get("choices")
                if not isinstance(choices, list) or len(choices) > 25:
                    raise ApiError(400, 50035, "Invalid Form Body", {"choices": {"_errors": []}})
                handle.choices = choices
            elif rtype == 9:
                if handle.type == 5:
                    raise ApiError(400, 40004, "Interaction type does not support this response")
                problems = [k for k in ("custom_id", "title", "components") if not data.get(k)]
                if problems:
                    raise ApiError(
                        400,
                        50035,
                        "Invalid Form Body",
                        {
                            k: {
                                "_errors": [
                                    {
                                        "code": "BASE_TYPE_REQUIRED",
                                        "message": "This field is required",
                                    }
                                ]
                            }
                            for k in problems
                        },
                    )
                handle.modal = data
            else:
                raise ApiError(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "type": {
                            "_errors": [
                                {
                                    "code": "BASE_TYPE_CHOICES",
                                    "message": f"Value {rtype!r} is not valid",
                                }
                            ]
                        }
                    },
                )
        except ApiError:
            handle.rejections.append(record)
            raise
        handle.response_type = rtype
        handle.response_flags = flags
        if record.query.get("with_response") not in ("1", "true", "True"):
            return 204, None
        response: dict[str, Any] = {
            "interaction": {
                "id": str(handle.id),
                "type": handle.type,
                "response_message_loading": rtype == 5,
                "response_message_ephemeral": bool(flags & EPHEMERAL),
            },
            "resource": {"type": rtype},
        }
        if message is not None:
            response["interaction"]["response_message_id"] = message["id"]
            response["resource"]["message"] = message
        return 200, response

    @staticmethod
    def _response_type(handle: FakeInteraction) -> int:
        if handle.type == 2 and handle.payload.get("data", {}).get("type") == 1:
            return MessageType.chat_input_command
        if handle.type == 2:
            return MessageType.context_menu_command
        return MessageType.default

    def _webhook(self, match: re.Match[str]) -> FakeInteraction:
        fake = self.fake
        if int(match["app"]) != fake.application_id:
            raise ApiError(404, 10015, "Unknown Webhook")
        handle = fake._by_token.get(match["token"])
        if handle is None or time.monotonic() - handle.dispatched_at > fake.token_ttl:
            raise ApiError(401, 50027, "Invalid Webhook Token")
        return handle

    def _webhook_message(self, handle: FakeInteraction, ref: str) -> dict[str, Any]:
        if ref == "@original":
            if handle.original is not None:
                return handle.original
            if handle.response_type in (6, 7) and "message" in handle.payload:
                channel_id = handle.channel_id
                source = handle.payload["message"]
                return self.fake.find_message(channel_id, int(source["id"])) or source
            raise unknown_message()
        for message in [handle.original, *handle.followups]:
            if message is not None and message["id"] == ref:
                return message
        raise unknown_message()

    async def followup(self, match: re.Match[str], record: RecordedRequest) -> Result:
        """A follow-up message (POST /webhooks/{app}/{token})."""
        handle = self._webhook(match)
        if not handle.acknowledged:
            raise ApiError(404, 10015, "Unknown Webhook")
        channel = self.fake.channels.get(handle.channel_id)
        if channel is None:
            raise unknown_channel()
        payload = record.json if isinstance(record.json, dict) else {}
        original = handle.original
        if original is not None and original.get("flags", 0) & LOADING:
            # Discord: the first follow-up after a deferred response replaces the "thinking"
            # message (and keeps the deferral's ephemerality).
            message = self._edit(
                channel, original, payload, record, kind="followup", interaction=handle
            )
        else:
            message = self._create(
                channel,
                payload,
                record,
                kind="followup",
                interaction=handle,
                flags=int(payload.get("flags") or 0) & EPHEMERAL,
            )
        handle.followups.append(message)
        if record.query.get("wait") in ("true", "1", "True"):
            return 200, message
        return 204, None

    async def get_webhook_message(self, match: re.Match[str], record: RecordedRequest) -> Result:
        handle = self._webhook(match)
        return 200, self._webhook_message(handle, match["message"])

    async def edit_webhook_message(self, match: re.Match[str], record: RecordedRequest) -> Result:
        handle = self._webhook(match)
        message = self._webhook_message(handle, match["message"])
        channel = self.fake.channels.get(int(message["channel_id"]))
        if channel is None:
            raise unknown_channel()
        payload = record.json if isinstance(record.json, dict) else {}
        kind = "original" if match["message"] == "@original" else "edit"
        return 200, self._edit(channel, message, payload, record, kind=kind, interaction=handle)

    async def delete_webhook_message(self, match: re.Match[str], record: RecordedRequest) -> Result:
        handle = self._webhook(match)
        message = self._webhook_message(handle, match["message"])
        channel = self.fake.channels.get(int(message["channel_id"]))
        if channel is not None and message in channel.messages:
            channel.messages.remove(message)
            self._dispatch_message(
                "MESSAGE_DELETE",
                {
                    "id": message["id"],
                    **channel.where(),
                },
            )
        if message is handle.original:
            handle.original = None
        elif message in handle.followups:
            handle.followups.remove(message)
        return 204, None


__all__ = ["ApiError", "Attachment", "Router", "message_limit_problems"]
