-- Per-person cooldowns, shared by every process on the database: one row per person.
-- `owner` and `busy_until` mark a request in progress (a lease, so that a process that dies
-- frees the person after it); `until` is the end of the pause after their last fresh run.
-- Times are fixed-width ISO 8601 UTC text ('' = none), compared as text.
CREATE TABLE cooldowns (
    user_id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL DEFAULT '',
    busy_until TEXT NOT NULL DEFAULT '',
    until TEXT NOT NULL DEFAULT ''
);
