"""The Discord bot: `/summarize`, the message context menus, the admin command.

Thin over plain modules: `client` (the Bot subclass, built by `app.main`, the composition root),
`access` (who may read what, who would see the answer), `guards` (cooldown, daily token budget),
`replies` (one helper that answers an interaction however far it got), `jobs` (what a summarize
request does, start to end), `views` (pager, paste modal), `cogs/` (the commands). Only this
package, `bot.ingest.discord_links` and `bot.render.embeds` import `discord`.
"""
