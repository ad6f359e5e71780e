-- Privacy: the answers the bot posted (so that forgetting reaches them), members who opted
-- out of summaries, and which members' words each cached result holds.

-- One row per answer the bot posted in a channel or DM. `key` is the cache key of the result it
-- shows; `again_url` is the Discord link that "Summarize again" asks for. `withdraw_reason` is
-- set when a source went and the message must be edited (kept until it is, so that a restart
-- finishes the job); `withdrawn_at` once it was edited (then kept only so that a second delete
-- event does not edit it again).
CREATE TABLE posted_answers (
    message_id INTEGER PRIMARY KEY NOT NULL,
    channel_id INTEGER NOT NULL,
    guild_id INTEGER,
    key TEXT,
    again_url TEXT,
    posted_at TEXT NOT NULL,
    withdraw_reason TEXT,
    withdrawn_at TEXT
);
CREATE INDEX posted_answers_pending ON posted_answers (withdraw_reason)
    WHERE withdraw_reason IS NOT NULL AND withdrawn_at IS NULL;
CREATE INDEX posted_answers_channel ON posted_answers (channel_id);
CREATE INDEX posted_answers_guild ON posted_answers (guild_id);

-- What each posted answer quotes or links: a source message, or a whole channel or thread
-- (`source_message_id` NULL). `source_guild_id` lets the bot leaving a server withdraw the
-- answers posted elsewhere that quote it.
CREATE TABLE posted_sources (
    message_id INTEGER NOT NULL,
    source_guild_id INTEGER,
    source_channel_id INTEGER,
    source_message_id INTEGER
);
CREATE INDEX posted_sources_answer ON posted_sources (message_id);
CREATE INDEX posted_sources_guild ON posted_sources (source_guild_id);
CREATE INDEX posted_sources_channel ON posted_sources (source_channel_id);
CREATE INDEX posted_sources_message ON posted_sources (source_message_id);

-- Members who asked that their messages be left out of every summary made in a guild.
CREATE TABLE opt_outs (
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    opted_out_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- Whose messages a cached result holds, so that an opt-out drops the results that quote them.
CREATE TABLE result_authors (
    key TEXT NOT NULL,
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (key, guild_id, user_id)
);
CREATE INDEX result_authors_user ON result_authors (guild_id, user_id);
