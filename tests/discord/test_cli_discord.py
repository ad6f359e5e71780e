"""The Discord half of the CLI: invite-url, and one-line errors for a missing or bad token."""

from __future__ import annotations

import base64

import discord
import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.discord.app import INVITE_PERMISSIONS, client_id_from_token

APP_ID = 1234567890123456789
TOKEN = base64.b64encode(str(APP_ID).encode()).decode().rstrip("=") + ".GhIjKl.abcdefghijklmnop"

runner = CliRunner()


def test_client_id_is_read_from_the_token() -> None:
    assert client_id_from_token(TOKEN) == APP_ID


def test_invite_url_has_only_the_needed_permissions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBATE_DIGEST_DISCORD_TOKEN", TOKEN)
    result = runner.invoke(app, ["invite-url"])
    assert result.exit_code == 0, result.output
    url = result.stdout.strip().splitlines()[0]
    expected = discord.Permissions(
        view_channel=True,
        send_messages=True,
        send_messages_in_threads=True,
        embed_links=True,
        attach_files=True,
        read_message_history=True,
        create_public_threads=True,
    ).value
    assert INVITE_PERMISSIONS.value == expected
    assert f"client_id={APP_ID}" in url
    assert f"permissions={expected}" in url
    assert "scope=bot+applications.commands" in url
    assert str(expected) in result.stderr
    # Nothing that would let the bot do more than read and answer.
    perms = INVITE_PERMISSIONS
    assert not (perms.administrator or perms.manage_messages or perms.mention_everyone)


def test_invite_url_with_client_id_needs_no_token() -> None:
    result = runner.invoke(app, ["invite-url", "--client-id", "42"])
    assert result.exit_code == 0
    assert "client_id=42" in result.stdout


@pytest.mark.parametrize("command", [["run"], ["sync-commands"], ["invite-url"]])
def test_missing_token_is_one_line(command: list[str]) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "DEBATE_DIGEST_DISCORD_TOKEN" in lines[0]


def test_token_that_is_not_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBATE_DIGEST_DISCORD_TOKEN", "not-a-token")
    result = runner.invoke(app, ["invite-url"])
    assert result.exit_code == 2 and "--client-id" in result.stderr


def test_help_lists_the_bot_commands() -> None:
    result = runner.invoke(app, ["--help"])
    for name in ("run", "invite-url", "sync-commands"):
        assert name in result.stdout


def test_no_voice_warning_for_a_bot_without_voice(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path
) -> None:
    import logging

    import discord
    from discord_helpers import make_settings

    from bot.discord.app import build_bot
    from bot.store import NullStore

    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)  # as without PyNaCl
    with caplog.at_level(logging.WARNING):
        build_bot(make_settings(tmp_path), store=NullStore())
    assert "PyNaCl" not in caplog.text
