"""Tests of bot.ingest (pasted text, chat transcripts, DiscordChatExporter exports)."""
