-- First-level cache keys: raw input bytes to the result key that answered them. See the SQLite
-- migration of the same number.
CREATE TABLE raw_keys (
    raw_key TEXT PRIMARY KEY NOT NULL,
    result_key TEXT NOT NULL REFERENCES results (key) ON DELETE CASCADE,
    input_json TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX raw_keys_result ON raw_keys (result_key);
