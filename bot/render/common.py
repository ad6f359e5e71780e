"""Wording shared by every renderer, so the terminal, Markdown and Discord say the same things."""

from __future__ import annotations

from bot.result import MAIN_POINTS
from bot.summarize.schema import DigestResult, Quote, Side


def counts_line(result: DigestResult) -> str:
    """One line of counts: read, removed (by kind), unique, participants."""
    stats = result.input
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(stats.duplicates_by_kind.items()))
    removed = f"{stats.duplicates_removed} duplicates removed" + (f" ({kinds})" if kinds else "")
    parts = [f"{stats.comments} comments read", removed, f"{stats.unique_comments} unique"]
    if stats.participants:
        parts.append(f"{stats.participants} participants")
    return " · ".join(parts)


def engine_line(result: DigestResult) -> str:
    """Engine, model, cached or fresh, and the verification tally."""
    engine = "offline engine (extractive)" if result.engine == "offline" else "LLM"
    if result.model:
        engine += f" {result.model}"
    v = result.verification
    quotes = f"{v.quotes_verified}/{v.quotes_checked} quotes verified"
    if v.quotes_dropped or v.citations_dropped:
        quotes += f", {v.quotes_dropped} quotes and {v.citations_dropped} citations dropped"
    if v.points_dropped:
        quotes += f", {v.points_dropped} point{'s' if v.points_dropped != 1 else ''} without a "
        quotes += "verified quote dropped"
    state = "cached" if result.cached else "fresh"
    return f"{engine} · {state} · {quotes}"


def copies_by_comment(result: DigestResult) -> dict[str, int]:
    """How many folded copies each kept comment stands for (a copy of a copy counts for the
    comment it finally resolves to)."""
    folded = {d.id: d.duplicate_of for d in result.duplicates}
    out: dict[str, int] = {}
    for copy_id in folded:
        kept, seen = copy_id, set()
        while kept in folded and kept not in seen:
            seen.add(kept)
            kept = folded[kept]
        out[kept] = out.get(kept, 0) + 1
    return out


def side_support(side: Side, copies: dict[str, int] | None = None) -> str | None:
    """How many comments take this side ("14 comments take this side"), when the engine said:
    every folded copy of a comment on the side counts (`copies`, from `copies_by_comment`)."""
    n = len(side.comment_ids)
    if not n:
        return None
    if copies:
        n += sum(copies.get(cid, 0) for cid in set(side.comment_ids))
    if side.label == MAIN_POINTS:  # no sides were told apart: nobody "takes" this one
        return f"drawn from {n} comment{'s' if n != 1 else ''}"
    return f"{n} comment{'s take' if n != 1 else ' takes'} this side"


MAX_NAMES = 10


def participants_line(names: list[str], limit: int = MAX_NAMES) -> str:
    """Names, capped: "Alice, Bob, Carol and 203 others"."""
    if len(names) <= limit:
        return ", ".join(names)
    rest = len(names) - limit
    return ", ".join(names[:limit]) + f" and {rest} other{'s' if rest != 1 else ''}"


def quote_ref(comment_id: str, author: str | None) -> str:
    return f"{author}, {comment_id}" if author else comment_id


def authors_by_id(result: DigestResult) -> dict[str, str | None]:
    return {c.id: c.author for c in result.comments}


def text_repeats_quote(point_text: str, quote_texts: list[str]) -> bool:
    """True when a point's text is only (a shortened copy of) one of its quotes, as the
    extractive engine writes them: then renderers show the quote alone instead of twice."""
    from bot.textfold import fold

    # Case folded: the engine capitalizes a point cut from the middle of its quote.
    stem = fold(point_text).rstrip(".…").rstrip().casefold()
    if not stem:
        return True
    return any(stem in fold(quote).casefold() for quote in quote_texts)


def repeated_quote(point_text: str, quotes: list[Quote]) -> Quote | None:
    """The quote a point's text only repeats (see `text_repeats_quote`), else None: renderers
    show that quote, verbatim, in place of the text."""
    for quote in quotes:
        if text_repeats_quote(point_text, [quote.text]):
            return quote
    return None


def balance_warning(result: DigestResult) -> str | None:
    """A sentence naming each starved side, or None when the summary is balanced."""
    starved = [s for s in result.balance.sides if s.starved]
    if not starved:
        return None
    parts = [
        f"“{s.label}” has {s.point_share:.0%} of the points but {s.comment_share:.0%} of the "
        "comments"
        for s in starved
    ]
    return "Balance check: " + "; ".join(parts) + "."


def id_ranges(ids: list[str], limit: int = 6) -> str:
    """Ids as compressed runs, in order: "c28–c53, c60" (a run is one prefix with consecutive
    numbers); past `limit` runs, "… and N more"."""
    import re

    runs: list[list[str]] = []
    last: tuple[str, int] | None = None
    for cid in ids:
        m = re.fullmatch(r"(.*?)(\d+)", cid)
        key = (m.group(1), int(m.group(2))) if m else None
        if runs and key and last and key[0] == last[0] and key[1] == last[1] + 1:
            runs[-1][1] = cid
        else:
            runs.append([cid, cid])
        last = key
    parts = [a if a == b else f"{a}–{b}" for a, b in runs]
    if len(parts) > limit:
        return ", ".join(parts[:limit]) + f" … and {len(parts) - limit} more"
    return ", ".join(parts)


def fold_account(result: DigestResult) -> str | None:
    """One line on what dedupe folded ("26 copies folded: c28–c53 repeat c1–c27"), or None."""
    folds = result.duplicates
    if not folds:
        return None
    originals = list(dict.fromkeys(d.duplicate_of for d in folds))
    n = len(folds)
    verb = "repeats" if n == 1 else "repeat"
    return (
        f"{n} {'copy' if n == 1 else 'copies'} folded: {id_ranges([d.id for d in folds])} "
        f"{verb} {id_ranges(originals)}"
    )


def fold_lines(result: DigestResult) -> list[str]:
    """Each fold on one line: "c28 (exact, by Bob) repeats c1"."""
    return [
        f"{d.id} ({d.kind}{', by ' + d.author if d.author else ''}) repeats {d.duplicate_of}"
        for d in result.duplicates
    ]


def no_points_line(result: DigestResult) -> str:
    """Why a side shows no point: true to what happened (issue 9: "no point survived
    verification" only when quotes were checked and dropped)."""
    if result.verification.points_dropped or result.verification.quotes_dropped:
        return "No point of this side survived verification."
    return "No statement of this side could be quoted."


def position_is_first_point(side: Side) -> bool:
    """Whether a side's first point says its position (a side whose only statement is the one
    its position was cut from): then the position is shown once, as that quoted point."""
    if not side.points:
        return False
    return (
        " ".join(side.points[0].text.split()).casefold()
        == " ".join(side.position.split()).casefold()
    )
