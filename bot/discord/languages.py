"""The languages a summary can be written in: a fixed list, never free text.

The `language` option of `/summarize` is spliced into the LLM's instructions ("Write the
summary in French"), so it must be one of these names: the autocomplete offers them (the
asker's own Discord language first), and `language_for` refuses anything else.
"""

from __future__ import annotations

from bot.errors import UserError

# Discord's locales (discord.Locale) → the language's English name, as the prompt uses it.
LOCALES: dict[str, str] = {
    "en-US": "English",
    "en-GB": "English",
    "bg": "Bulgarian",
    "zh-CN": "Chinese (Simplified)",
    "zh-TW": "Chinese (Traditional)",
    "hr": "Croatian",
    "cs": "Czech",
    "id": "Indonesian",
    "da": "Danish",
    "nl": "Dutch",
    "fi": "Finnish",
    "fr": "French",
    "de": "German",
    "el": "Greek",
    "hi": "Hindi",
    "hu": "Hungarian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "es-419": "Spanish",
    "lt": "Lithuanian",
    "no": "Norwegian",
    "pl": "Polish",
    "pt-BR": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "es-ES": "Spanish",
    "sv-SE": "Swedish",
    "th": "Thai",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "vi": "Vietnamese",
}
LANGUAGES: tuple[str, ...] = tuple(sorted(set(LOCALES.values())))
_BY_KEY = {name.casefold(): name for name in LANGUAGES} | {
    code.casefold(): name for code, name in LOCALES.items()
}
AUTOCOMPLETE_MAX = 25  # Discord shows at most 25 choices


def language_for(value: str | None) -> str | None:
    """The language named by `value` (a name from the list or a locale code), None when not
    given; `UserError` for anything else."""
    if value is None or not value.strip():
        return None
    name = _BY_KEY.get(value.strip().casefold())
    if name is None:
        raise UserError(
            "Pick a language from the list (start typing its name), for example "
            f"{', '.join(LANGUAGES[:4])}."
        )
    return name


def suggestions(current: str, locale: str | None) -> list[str]:
    """The languages to offer for what was typed so far, the asker's own language first."""
    typed = current.strip().casefold()
    own = LOCALES.get(locale or "")
    ordered = ([own] if own else []) + [name for name in LANGUAGES if name != own]
    return [name for name in ordered if typed in name.casefold()][:AUTOCOMPLETE_MAX]
