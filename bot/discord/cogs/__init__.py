"""The command cogs: `summarize` (slash command and context menus) and `admin`."""
