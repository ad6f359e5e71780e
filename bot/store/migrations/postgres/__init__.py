"""Numbered SQL migrations for the PostgreSQL store: `NNNN_name.sql`, applied in order by
`debate-digest db upgrade` (never on open), each in one transaction under an advisory lock.

The same tables as the SQLite migrations beside this folder, in PostgreSQL types: Discord ids
and counters are BIGINT, fractions DOUBLE PRECISION. Times stay fixed-width ISO 8601 UTC text
(as in SQLite, so that both backends share their SQL), compared byte-wise (`COLLATE "C"`).
Append-only: never edit a file once it has shipped; add the next number instead.
"""
