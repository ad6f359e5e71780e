"""Helpers of the privacy tests: the answer an interaction posted, the edits of it, the store
file, and the gateway events the fake has no shortcut for (a member's edit, a bulk delete, the
bot removed from a server), sent through its public `dispatch`."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from fakes.discord import FakeDiscord
from fakes.discord.fake_discord import FakeInteraction


def db_file(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"  # make_settings' DATABASE_URL


def query(tmp_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db_file(tmp_path)) as conn:
        return conn.execute(sql, params).fetchall()


def run_sql(tmp_path: Path, sql: str) -> None:
    with sqlite3.connect(db_file(tmp_path)) as conn:
        conn.execute(sql)


def answered(it: FakeInteraction) -> bool:
    return bool(it.original and it.original.get("embeds"))


def answer_of(it: FakeInteraction) -> dict[str, Any]:
    assert it.original is not None and it.original.get("embeds"), "no public answer"
    return it.original


def edits_of(fake: FakeDiscord, message: dict[str, Any]) -> list[Any]:
    """PATCH requests the bot made to the channel-message route of `message` (not webhooks)."""
    path = f"/channels/{message['channel_id']}/messages/{message['id']}"
    return [r for r in fake.requests if r.method == "PATCH" and r.path == path]


def sent_text(fake: FakeDiscord, it: FakeInteraction) -> str:
    """Everything sent for one interaction: content, embeds and files."""
    parts: list[str] = []
    for sent in fake.sent_messages():
        if sent.interaction is it:
            parts.append(str(sent.payload))
            parts.extend(f.content.decode("utf-8", "replace") for f in sent.files)
    return "\n".join(parts)


def edit_as_author(fake: FakeDiscord, channel: Any, message: dict[str, Any], text: str) -> None:
    """A member edits their message: MESSAGE_UPDATE with the new text and an edit time."""
    message["content"] = text
    message["edited_timestamp"] = "2026-01-01T00:00:00.000000+00:00"
    fake.dispatch("MESSAGE_UPDATE", {**message, **channel.where()})


def bulk_delete(fake: FakeDiscord, channel: Any, messages: list[dict[str, Any]]) -> None:
    ids = {m["id"] for m in messages}
    channel.messages[:] = [m for m in channel.messages if m["id"] not in ids]
    fake.dispatch("MESSAGE_DELETE_BULK", {"ids": sorted(ids), **channel.where()})


def remove_bot_from(fake: FakeDiscord, guild: Any) -> None:
    fake.dispatch("GUILD_DELETE", {"id": str(guild.id)})  # no "unavailable": the bot left


async def eventually(predicate: Any, timeout: float = 10.0) -> None:
    """Poll a condition the bot makes true in the background (a retry, a periodic task)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


async def posted(tmp_path: Path, count: int = 1) -> None:
    """Wait until `count` public answers are recorded (just after each is sent), so that a
    delete event that follows is one the bot can act on."""
    await eventually(lambda: query(tmp_path, "SELECT count(*) FROM posted_answers") == [(count,)])
