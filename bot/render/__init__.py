"""Renderers: the same `DigestResult` as terminal output, Markdown, JSON (and Discord embeds)."""
