"""The progress callback every long step takes: `progress(stage, done, total)`.

`stage` is a short lower-case word ("deduplicating", "summarizing", "merging", "fetching");
`total` is 0 while unknown. Callers show it however they like (a terminal bar, a Discord
message); a step never depends on it.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
