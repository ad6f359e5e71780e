"""Numbered SQL migrations for the SQLite store: `NNNN_name.sql`, applied in order.

Append-only: never edit a file once it has shipped (a test pins their hashes); add the next
number instead.
"""
