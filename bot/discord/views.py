"""The pager of a long summary and the modal to paste a debate into."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.discord.replies import NO_MENTIONS

log = logging.getLogger(__name__)

ErrorHook = Callable[[discord.Interaction, Exception], Awaitable[None]]

# Discord's limit for one text input of a modal.
PASTE_MAX = 4000


class Pager(discord.ui.View):
    """Previous / next buttons over pages of embeds. Only the person who asked turns the pages
    (in a public channel a page turn changes the message for everyone); others are pointed to
    the attached file. The buttons go when the view times out."""

    def __init__(
        self,
        pages: list[list[discord.Embed]],
        *,
        owner_id: int,
        timeout: float = 600,
        on_error_hook: ErrorHook | None = None,
    ) -> None:
        super().__init__(timeout=timeout)
        self.pages = pages
        self.owner_id = owner_id
        self.index = 0
        self.message: Any = None  # set by the sender: the message to edit on timeout
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
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=None, allowed_mentions=NO_MENTIONS)

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

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        if self._on_error_hook is not None:
            await self._on_error_hook(interaction, error)
        else:
            log.error("modal error", exc_info=error)
