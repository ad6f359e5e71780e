-- First-level cache keys (see bot/store/keys.py `raw_key`): a hash of the raw input bytes of
-- files and standard input, their format and everything else that decides the answer, mapped to
-- the key of the result that answered them, with what belongs to that input and not to the
-- result (its counts, folds and reading notes, as JSON). A row goes with its result: forgetting,
-- purging or dropping a result leaves no raw key leading to it.
CREATE TABLE raw_keys (
    raw_key TEXT PRIMARY KEY NOT NULL,
    result_key TEXT NOT NULL REFERENCES results (key) ON DELETE CASCADE,
    input_json TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX raw_keys_result ON raw_keys (result_key);
