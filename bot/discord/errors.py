"""The one error policy for interactions.

A `UserError` (bad input, a refusal, a cooldown, a missing permission) is shown as its own
short sentence, ephemerally. Anything else is a bug: logged with the command and the ids
(never the message content) and answered with a short apology. The answer goes through the
interaction's `Reply` when the command made one, so that nothing is answered twice.
"""

from __future__ import annotations

import logging

import aiohttp
import discord
from discord import app_commands

from bot.discord.replies import NO_MENTIONS, Reply
from bot.errors import UserError
from bot.ops import metrics

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on my side. It has been logged; please try again later."
# Discord answered 5xx (discord.py already retried 500/502/504): not our bug, and it passes.
DISCORD_TROUBLE = "Discord is having trouble; try again in a minute."
REPLY_KEY = "debate_digest_reply"


def reply_for(interaction: discord.Interaction, **kwargs: object) -> Reply:
    """The interaction's `Reply`, made on first use and kept in `interaction.extras`."""
    reply = interaction.extras.get(REPLY_KEY)
    if reply is None:
        reply = Reply(interaction, **kwargs)  # type: ignore[arg-type]
        interaction.extras[REPLY_KEY] = reply
    return reply


def user_message(error: BaseException) -> str | None:
    """The sentence to show for `error`, or None when it is a bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, discord.DiscordServerError):
        return DISCORD_TROUBLE
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.MissingPermissions):
        return f"You need {_permission_names(error.missing_permissions)} to use this."
    if isinstance(error, app_commands.BotMissingPermissions):
        names = _permission_names(error.missing_permissions)
        return f"I need {names} in this channel. Ask a server admin to enable it for my role."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works only in a server."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


# Discord's own names where discord.py's differ.
_DISCORD_NAMES = {"manage_guild": "Manage Server", "view_channel": "View Channel"}


def _permission_names(names: list[str]) -> str:
    return " and ".join(_DISCORD_NAMES.get(n, n.replace("_", " ").title()) for n in names)


async def on_interaction_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Answer a failed interaction once with a safe message (tree, views and modals)."""
    message = user_message(error)
    original = getattr(error, "original", error)
    metrics.error("interaction", original)
    if isinstance(original, discord.DiscordServerError):
        log.warning(
            "interaction %s: Discord answered %s after retries (%s)",
            interaction.id,
            original.status,
            # (a `requests` response, of discord.py's sync webhooks, has a str url and no path)
            original.response.url.path
            if isinstance(original.response, aiohttp.ClientResponse)
            else "?",
        )
    if message is None:
        original = getattr(error, "original", error)
        command = interaction.command.qualified_name if interaction.command else "component"
        log.error(
            "interaction %s (%s) by user %s in guild %s channel %s failed",
            interaction.id,
            command,
            interaction.user.id if interaction.user else None,
            interaction.guild_id,
            interaction.channel_id,
            exc_info=original,
        )
        message = APOLOGY
    reply = interaction.extras.get(REPLY_KEY)
    if reply is not None:
        await reply.error(message)
        return
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                message, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException as err:
        log.warning("could not deliver an error to interaction %s: %s", interaction.id, err)
