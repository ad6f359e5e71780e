"""The pager of a long summary and the modal to paste a debate into."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.discord.replies import NO_MENTIONS

log = logging.getLogger(__name__)

ErrorHook = Callable[[discord.Interaction, Exception], Awaitable[None]]

# Discord's limit for one text input of a modal.
PASTE_MAX = 4000


# Leave this much of an interaction token's life for the edit that removes the buttons.
TOKEN_MARGIN_S = 30.0


class Pager(discord.ui.View):
    """Previous / next buttons over pages of embeds. Only the person who asked turns the pages
    (in a public channel a page turn changes the message for everyone); others are pointed to
    the attached file.

    The buttons go when the view times out, never left dead: the view times out while the
    token that can edit the message still lives (`token_left`: what the answer's interaction
    token has left; each page turn brings a fresh 15-minute token), and if Discord refuses the
    token anyway, a public message is edited through the bot's own channel message."""

    def __init__(
        self,
        pages: list[list[discord.Embed]],
        *,
        owner_id: int,
        timeout: float = 600,
        token_left: float | None = None,
        on_error_hook: ErrorHook | None = None,
    ) -> None:
        first = timeout if token_left is None else min(timeout, token_left - TOKEN_MARGIN_S)
        super().__init__(timeout=max(first, 0.1))
        self._full_timeout = timeout
        self.pages = pages
        self.owner_id = owner_id
        self.index = 0
        self.message: Any = None  # set by the sender: the message to edit on timeout
        self._last_turn: discord.Interaction | None = None  # its token edits the message too
        self._on_error_hook = on_error_hook
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        self.position.label = f"{self.index + 1}/{len(self.pages)}"

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the person who asked can turn these pages; the full summary is in the "
            "attached file.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        return False

    async def _show(self, interaction: discord.Interaction) -> None:
        self._sync()
        await interaction.response.edit_message(
            embeds=self.pages[self.index], view=self, allowed_mentions=NO_MENTIONS
        )
        # A page turn's token lives 15 minutes, longer than the full timeout.
        self._last_turn = interaction
        self.timeout = self._full_timeout

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.index = max(0, self.index - 1)
        await self._show(interaction)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()  # never enabled; here for completeness

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.index = min(len(self.pages) - 1, self.index + 1)
        await self._show(interaction)

    async def on_timeout(self) -> None:
        """Remove the buttons: through the latest live token, else the bot's own message."""
        try:
            if self._last_turn is not None:
                await self._last_turn.edit_original_response(view=None)
            elif self.message is not None:
                await self.message.edit(view=None, allowed_mentions=NO_MENTIONS)
            return
        except discord.HTTPException as err:
            log.info("pager: the token could not remove the buttons (%s)", err)
        message = self.message
        flags = getattr(message, "flags", None)
        channel = getattr(message, "channel", None)
        if message is None or (flags is not None and flags.ephemeral):
            return  # only its token can edit an ephemeral message; it expires with it
        if channel is None or not hasattr(channel, "get_partial_message"):
            return
        try:
            await channel.get_partial_message(message.id).edit(view=None)
        except discord.HTTPException as err:
            log.warning("pager: could not remove the buttons of message %s: %s", message.id, err)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        if self._on_error_hook is not None:
            await self._on_error_hook(interaction, error)
        else:
            log.error("pager error", exc_info=error)


PASTE_MODAL_ID = "debate-digest:paste"
PASTE_INPUT_ID = "debate-digest:paste:text"


class PasteModal(discord.ui.Modal, title="Summarize a debate"):
    """A modal with one large text box; `on_paste(interaction, text)` does the rest."""

    text: discord.ui.TextInput[PasteModal] = discord.ui.TextInput(
        label="Paste the debate",
        style=discord.TextStyle.paragraph,
        placeholder="One comment per line, or copied Discord messages…",
        max_length=PASTE_MAX,
        required=True,
        custom_id=PASTE_INPUT_ID,
    )

    def __init__(
        self,
        on_paste: Callable[[discord.Interaction, str], Awaitable[None]],
        *,
        on_error_hook: ErrorHook | None = None,
    ) -> None:
        super().__init__(timeout=900, custom_id=PASTE_MODAL_ID)
        self._on_paste = on_paste
        self._on_error_hook = on_error_hook

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._on_paste(interaction, self.text.value)

    # discord.py's own Modal.on_error drops BaseView.on_error's `item` argument; this matches
    # Modal's, which is what discord.py calls.
    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        if self._on_error_hook is not None:
            await self._on_error_hook(interaction, error)
        else:
            log.error("modal error", exc_info=error)
