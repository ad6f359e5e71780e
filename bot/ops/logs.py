"""Log formats: plain text (the default) or one JSON object a line (`LOG_FORMAT=json`).

A JSON line holds `time` (UTC, ISO 8601), `level`, `logger`, `message` (the %-formatted
message), every `extra=` field of the call, and `exception` with the traceback when there is
one. Fourteen lines of formatter do not justify a dependency (python-json-logger); the
standard library writes the JSON.

What is logged is the callers' business, under one rule: never message text at INFO or above
(ids, counts, models and tokens only; tests/ops/test_logs.py runs summaries and checks).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Literal

TEXT_FORMAT = "debate-digest: %(levelname)s: %(message)s"

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines inside values are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in data:
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def formatter(kind: Literal["text", "json"]) -> logging.Formatter:
    """The formatter of a `LOG_FORMAT` value."""
    return JsonFormatter() if kind == "json" else logging.Formatter(TEXT_FORMAT)


def use_format(kind: Literal["text", "json"]) -> None:
    """Switch the root logger's handlers to JSON when `kind` is "json" (the CLI sets them up
    as text first, then the settings say which format); text leaves them as they are."""
    if kind != "json":
        return
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter(kind))
