"""The walk: each comment in order, checked against the comments kept before it, folded into
the first one it repeats or kept.

The first rule that matches folds it, in this order:

1. ``same_id``: its id was already seen (two overlapping exports): the same message again.
2. ``exact``: the same text, after stripping leading and trailing white space.
3. ``normalized``: the same words after `normalize` (case, punctuation, white space, markup,
   filler words). A text with no words at all (emoji, "!!!") is only ever an exact duplicate.
4. ``quote_only``: the comment only quotes an earlier comment (at least `QUOTE_MIN_WORDS` words
   in order), plus at most a trivial "+1", "this", "exactly".
5. ``repeated_block``: the comment is two or more earlier kept comments back to back (a pasted
   chunk of the thread), at least one of them `MIN_NEAR_WORDS` words or more.
6. ``near``: the same words but for a few misspellings (see `bot.dedupe.distance`: never a
   negation, a number, a name or any other content word).
7. ``truncated``: one of the two is cut off (all but its last word a prefix of the other, and it
   ends in an ellipsis or mid-word). Where the kept one is the cut-off one, the complete text
   replaces it (the first id stays).

A folded comment is not lost: the kept comment lists it in `Comment.copies` (id, kind, author,
time, url), so that participants, support and balance count its author, and the report lists
every fold with its author.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from itertools import accumulate
from operator import attrgetter

from bot.dedupe.index import MIN_NEAR_WORDS, NEAR_THRESHOLD, Index, Vocab, VocabFull
from bot.dedupe.normalize import (
    ASCII_FOLD_BYTES,
    FILLER_WORDS,
    NUMBERED,
    NUMBERED_HINT,
    QUOTE_MIN_WORDS,
    is_trivial,
    looks_cut,
    split_quote,
    words_of,
)
from bot.dedupe.report import DedupeReport, DuplicateKind, RemovedComment, blocks
from bot.gcpause import paused_gc
from bot.thread import Comment, Copy, Thread

log = logging.getLogger(__name__)

# From this many comments on, words are encoded and pasted blocks and quotes are prepared in
# arrays (`bot.dedupe.bulk`, numpy); the near search is the same at every size.
BULK_MIN_COMMENTS = 2000


def dedupe(
    thread: Thread, *, near_threshold: float = NEAR_THRESHOLD
) -> tuple[Thread, DedupeReport]:
    """Fold duplicates in `thread`; return the kept thread and a report of every fold.

    Contract: the first occurrence is kept, in its place (kept comments keep their order, and
    their ids, authors and times); title, source and url carry over. Each kept comment's
    `copies` lists the comments folded into it, in thread order. A kept comment whose
    `reply_to` names a folded comment now names the kept comment that one repeated (or None if
    that is itself); unknown ids stay. ``kept + len(removed) == comments_in``; every
    `duplicate_of` is a kept id; deduping the result again folds nothing. Raises ValueError
    unless ``0 < near_threshold <= 1``.
    """
    index = Index(_check_threshold(near_threshold))
    with paused_gc():
        return _dedupe(thread, index)


def _check_threshold(value: float) -> float:
    if not 0.0 < value <= 1.0:
        raise ValueError(f"near_threshold must be in (0, 1], got {value!r}")
    return float(value)


def _dedupe(thread: Thread, index: Index) -> tuple[Thread, DedupeReport]:
    try:
        return _walk(thread, index)
    except VocabFull:
        # Only adversarial input has this many distinct words; stay exact rather than guess.
        log.warning("dedupe: over %d distinct words; exact and normalized only", Vocab.limit)
        plain = Index(index.budget.threshold)
        plain.plain = True
        return _walk(thread, plain)


def _quotes(stripped: list[str]) -> dict[int, str]:
    """Position -> quoted text, for the comments that only quote (plus a trivial "+1")."""
    out: dict[int, str] = {}
    for pos, text in enumerate(stripped):
        if ">" in text or '"' in text or "\u201c" in text or "\u201e" in text or "\u00ab" in text:
            parts = split_quote(text)
            if parts is not None and is_trivial(parts[1]):
                out[pos] = parts[0]
    return out


def _walk(thread: Thread, index: Index) -> tuple[Thread, DedupeReport]:
    comments = thread.comments
    stripped_all = [c.text.strip() for c in comments]
    plain = index.plain
    quote_parts = {} if plain else _quotes(stripped_all)
    # Kept comments are indexed for quotes only under each quote's longest word: every kept
    # comment that contains the quote contains that word, so its postings are complete. (Bulk
    # mode then looks quotes up under their rarest word instead: `_bulk_tables`.)
    for quoted in quote_parts.values():
        words = words_of(quoted)
        if len(words) >= QUOTE_MIN_WORDS:
            index.quote_chars.add(index.vocab[min(words, key=lambda w: (-len(w), w))])

    encoded: list[str] | None = None
    if not plain and len(comments) >= BULK_MIN_COMMENTS:
        encoded = _encode_all(comments, stripped_all, index.vocab)
        _bulk_tables(index, encoded, quote_parts.values())

    seen_ids: dict[str, str] = {}  # id -> the kept id it stands for
    removed: list[RemovedComment] = []
    removed_at: list[int | None] = [None] * len(comments)  # kept index folded into, by position
    kept_pos = index.kept_pos  # position of each kept comment, by kept index
    copies: dict[int, list[Copy]] = {}
    completed: dict[int, str] = {}  # kept index -> the complete text of a cut-off one
    by_text, by_code = index.by_text, index.by_code
    part_starts, part_ends = index.part_starts, index.part_ends

    def fold(pos: int, kind: DuplicateKind, k: int, similarity: float | None = None) -> None:
        comment = comments[pos]
        target = index.kept_ids[k]
        seen_ids[comment.id] = target
        removed_at[pos] = k
        removed.append(
            RemovedComment(
                id=comment.id,
                kind=kind,
                duplicate_of=target,
                author=comment.author,
                similarity=similarity,
            )
        )
        folded = copies.setdefault(k, [])
        folded.append(
            Copy(
                id=comment.id, kind=kind, author=comment.author, time=comment.time, url=comment.url
            )
        )
        folded.extend(comment.copies)  # a comment folded before (a deduped thread merged again)

    for pos, comment in enumerate(comments):
        cid = comment.id
        if cid in seen_ids:
            removed.append(
                RemovedComment(
                    id=cid, kind="same_id", duplicate_of=seen_ids[cid], author=comment.author
                )
            )
            continue
        text = stripped_all[pos]
        k = by_text.get(text)
        if k is not None:
            fold(pos, "exact", k)
            continue
        code = encoded[pos] if encoded is not None else index.encode(text)
        if code:
            k = by_code.get(code)
            if k is not None:
                fold(pos, "normalized", k)
                continue
        cut_like: bool | None = None  # looks_cut(text), once known
        if not plain:
            only_quote = quote_parts.get(pos)
            if only_quote is not None:
                k = index.quoted_in(only_quote, pos)
                if k is not None:
                    fold(pos, "quote_only", k)
                    continue
            # In bulk mode, only codes with a candidate part are looked at.
            if len(code) >= 2 and (encoded is None or (code in part_ends and code in part_starts)):
                k = index.block_of(code)
                if k is not None:
                    fold(pos, "repeated_block", k)
                    continue
            if len(code) >= MIN_NEAR_WORDS:
                cut_like = looks_cut(text)  # asked by cut_of and again by keep
                near = index.near_of(code, text)
                if near is not None:
                    k, d = near
                    fold(pos, "near", k, round(1.0 - d / len(code), 4))
                    continue
                cut = index.cut_of(code, text, cut_like)
                if cut is not None:
                    k, kept_is_cut = cut
                    if kept_is_cut:  # the complete text is the one kept, shown and quoted
                        completed[k] = comment.text
                        index.complete(k, text, code, cut_like)
                    fold(pos, "truncated", k)
                    continue
        seen_ids[cid] = cid
        kept_pos.append(pos)
        index.keep(cid, text, code, cut_like)

    kept = [
        _kept(comments[p], seen_ids, copies.get(k), completed.get(k))
        if k in copies or k in completed or comments[p].reply_to is not None
        else comments[p]
        for k, p in enumerate(kept_pos)
    ]
    by_kind: dict[str, int] = {}
    for r in removed:
        by_kind[r.kind] = by_kind.get(r.kind, 0) + 1
    out = Thread(
        comments=tuple(kept),
        title=thread.title,
        source=thread.source,
        url=thread.url,
        notes=thread.notes,
    )
    report = DedupeReport(
        comments_in=len(comments),
        kept=len(kept),
        removed=tuple(removed),
        by_kind=by_kind,
        blocks=blocks(comments, removed_at, index.kept_ids),
        near_threshold=index.budget.threshold,
    )
    log.debug("dedupe: %d in, %d kept, by kind %s", len(comments), len(kept), by_kind)
    return out, report


def _kept(
    comment: Comment, stands_for: dict[str, str], copies: list[Copy] | None, text: str | None
) -> Comment:
    """The kept comment with its copies, its complete text, and its reply rewired."""
    update: dict[str, object] = {}
    if copies:
        update["copies"] = (*comment.copies, *copies)
    if text is not None:
        update["text"] = text
    to = comment.reply_to
    if to is not None and to in stands_for:
        target = stands_for[to]
        if target != to:
            # A reply to a copy of itself is no reply.
            update["reply_to"] = None if target == comment.id else target
    return comment.model_copy(update=update) if update else comment


# --- bulk mode -----------------------------------------------------------------------------------


def _encode_all(comments: tuple[Comment, ...], stripped: list[str], vocab: Vocab) -> list[str]:
    """Every comment's encoded words, in thread order ('' for a repeated id, which the walk
    folds unread)."""
    ids = list(map(attrgetter("id"), comments))
    # Position of each id's first comment (a dict keeps the last value, so fill it backwards).
    firsts = dict(zip(reversed(ids), range(len(ids) - 1, -1, -1), strict=True))
    if len(firsts) == len(ids):
        read: list[str | None] = list(stripped)
    else:
        read = [None] * len(ids)
        for pos in sorted(firsts.values()):
            read[pos] = stripped[pos]
    first = dict.fromkeys(read)  # distinct texts, in order
    first.pop(None, None)
    codes = _encode_texts(list(first), vocab)  # type: ignore[arg-type]
    return ["" if text is None else codes[text] for text in read]


# `ASCII_FOLD_BYTES`, keeping \x01 (the separator of `_encode_texts`).
_ASCII_FOLD_KEEP_1 = ASCII_FOLD_BYTES[:1] + b"\x01" + ASCII_FOLD_BYTES[2:]
# Characters of text per chunk: the chunk's arrays then stay in the processor's cache (on the
# 100,000-comment thread, 0.35 s in chunks of 1 M characters, 0.50 s in chunks of 10,000 texts
# or 2.8 M characters).
_ENCODE_CHUNK = 1 << 20


def _encode_texts(texts: list[str], vocab: Vocab) -> dict[str, str]:
    """text -> ``"".join(map(vocab.__getitem__, words_of(text)))``. Plain ASCII texts (no link,
    no \\x01) take `raw_words`'s steps together, joined by \\x01, a chunk at a time, and are
    encoded in arrays (`bot.dedupe.bulk.encode_folded`) rather than word by word; then the
    filler words are taken out."""
    from bot.dedupe.bulk import encode_folded

    get = vocab.__getitem__
    out: dict[str, str] = {}
    plain: list[str] = []
    for text in texts:
        if text.isascii() and "](" not in text and "\x01" not in text:
            plain.append(text)
        else:
            out[text] = "".join(map(get, words_of(text)))
    for chunk in _chunks(plain, _ENCODE_CHUNK):
        joined = "\x01".join(
            NUMBERED.sub(r"\1", t) if "\n" in t or t[:1] in NUMBERED_HINT else t for t in chunk
        )
        folded = joined.replace("'", "").encode("ascii").translate(_ASCII_FOLD_KEEP_1)
        codes = encode_folded(folded, get)
        if codes is None:  # a very long word, or a hash collision: word by word
            codes = ["".join(map(get, f.split())) for f in folded.decode("ascii").split("\x01")]
        fillers = [vocab[w] for w in FILLER_WORDS if w in vocab]
        if fillers:
            filler = re.compile("[" + re.escape("".join(fillers)) + "]")
            if len(vocab) < Vocab.limit:
                # All codes of the chunk at once, joined by a character no word has yet.
                sep = chr(len(vocab))
                joined = sep.join(codes)
                if filler.search(joined):
                    codes = filler.sub("", joined).split(sep)
            else:
                codes = [filler.sub("", c) if filler.search(c) else c for c in codes]
        out.update(zip(chunk, codes, strict=True))
    return out


def _chunks(texts: list[str], chars: int) -> Iterator[list[str]]:
    """`texts` in consecutive runs of about `chars` characters (at least one text each)."""
    ends = list(accumulate(map(len, texts)))
    start = 0
    while start < len(texts):
        stop = max(start + 1, bisect_left(ends, (ends[start - 1] if start else 0) + chars))
        yield texts[start:stop]
        start = stop


def _bulk_tables(index: Index, encoded: list[str], quotes: Iterable[str]) -> None:
    """Fill `index`'s bulk tables (`bot.dedupe.bulk.analyse`): the lengths of each code's
    prefixes and suffixes that may be other codes, and for quotes, the rarest word of each
    (instead of the longest: the same answers from shorter postings)."""
    import numpy as np  # only for large threads

    from bot.dedupe.bulk import analyse

    codes = [c for c in dict.fromkeys(encoded) if c]
    needles: dict[str, None] = {}  # each quote's encoded words, once
    vocab = index.vocab
    for quoted in quotes:
        words = words_of(quoted)
        if len(words) >= QUOTE_MIN_WORDS and all(w in vocab for w in words):
            needles["".join([vocab[w] for w in words])] = None
    found = analyse(codes, list(needles), index.budget)
    index.bulk = True
    partners = index.partners
    assert found.pairs is not None
    a, b, d = found.pairs
    for e, i, j in sorted(zip(d.tolist(), b.tolist(), a.tolist(), strict=True)):
        partners.setdefault(codes[j], []).append((e, codes[i]))  # fewest, then earliest
    for table, (owner, size) in ((index.part_starts, found.starts), (index.part_ends, found.ends)):
        for i, n in zip(owner.tolist(), size.tolist(), strict=True):
            table.setdefault(codes[i], []).append(n)
    index.quote_chars = set(found.rare)
    if needles:
        # The position of each holder's first comment (a dict keeps the last value: fill it
        # backwards); codes are in order of first comment, so the positions ascend.
        first = dict(zip(reversed(encoded), range(len(encoded) - 1, -1, -1), strict=True))
        first_at = np.fromiter(map(first.__getitem__, codes), dtype=np.int64, count=len(codes))
        index.quote_holders = {
            needle: first_at[held].tolist()
            for needle, held in zip(needles, found.holders, strict=True)
        }
    index.quote_codes = encoded
