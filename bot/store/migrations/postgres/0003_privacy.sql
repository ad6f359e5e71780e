-- Privacy: the answers the bot posted (so that forgetting reaches them), members who opted
-- out of summaries, and which members' words each cached result holds.
CREATE TABLE posted_answers (
    message_id BIGINT PRIMARY KEY NOT NULL,
    channel_id BIGINT NOT NULL,
    guild_id BIGINT,
    key TEXT,
    again_url TEXT,
    posted_at TEXT COLLATE "C" NOT NULL,
    withdraw_reason TEXT,
    withdrawn_at TEXT COLLATE "C"
);
CREATE INDEX posted_answers_pending ON posted_answers (withdraw_reason)
    WHERE withdraw_reason IS NOT NULL AND withdrawn_at IS NULL;
CREATE INDEX posted_answers_channel ON posted_answers (channel_id);
CREATE INDEX posted_answers_guild ON posted_answers (guild_id);

-- What each posted answer quotes or links (`source_message_id` NULL: a whole channel).
CREATE TABLE posted_sources (
    message_id BIGINT NOT NULL,
    source_guild_id BIGINT,
    source_channel_id BIGINT,
    source_message_id BIGINT
);
CREATE INDEX posted_sources_answer ON posted_sources (message_id);
CREATE INDEX posted_sources_guild ON posted_sources (source_guild_id);
CREATE INDEX posted_sources_channel ON posted_sources (source_channel_id);
CREATE INDEX posted_sources_message ON posted_sources (source_message_id);

-- Members who asked that their messages be left out of every summary made in a guild.
CREATE TABLE opt_outs (
    guild_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    opted_out_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- Whose messages a cached result holds, so that an opt-out drops the results that quote them.
CREATE TABLE result_authors (
    key TEXT NOT NULL,
    guild_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    PRIMARY KEY (key, guild_id, user_id)
);
CREATE INDEX result_authors_user ON result_authors (guild_id, user_id);
