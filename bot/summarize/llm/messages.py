"""What the model is sent and what comes back: the strict schema, parsing, the compact data
lines (short ids, author handles, folded copies), prompt rendering, and mapping the answer back
to the thread's own ids and names."""

from __future__ import annotations

import functools
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from bot.result import EvidenceCheck
from bot.summarize.llm.config import PROMPTS, Route, SidesCheck, ThreadCheck
from bot.summarize.prompts import load_prompt
from bot.summarize.schema import Point, Quote, Summary
from bot.summarize.verify import quote_problem
from bot.textfold import fold
from bot.thread import Comment, Thread

_MAX_ERROR_CHARS = 1500  # of a validation error shown back to the model


_FENCE = re.compile(r"^```[a-zA-Z]*\s*\n(?P<body>.*?)\n?```$", re.DOTALL)


def summary_json_schema() -> dict[str, Any]:
    """The JSON schema of `Summary` in the strict form OpenAI-style structured output wants:
    every property required, no extra properties, no defaults, no array length keywords (the
    side cap is still enforced when the reply is validated). A new dict on each call."""
    return json.loads(_summary_schema_text())


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` in the strict form described at `summary_json_schema`."""

    def clean(node: Any) -> Any:
        if isinstance(node, list):
            return [clean(item) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("default", "title", "maxItems", "minItems", "description"):
                continue
            if key in ("properties", "$defs"):
                out[key] = {name: clean(sub) for name, sub in value.items()}
            else:
                out[key] = clean(value)
        if out.get("type") == "object" and "properties" in out:
            out["required"] = list(out["properties"])
            out["additionalProperties"] = False
        return out

    return clean(schema)


@functools.cache
def _summary_schema_text() -> str:
    # pydantic builds the schema anew on each call (2-3 ms); every request carries it, so it is
    # built once per process, and parsed per use so that no caller can change the shared copy.
    return json.dumps(_strict(Summary.model_json_schema()), separators=(",", ":"))


def response_format(route: Route) -> dict[str, Any] | None:
    """The `response_format` argument for a route (None: ask in the prompt only)."""
    if route == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": "summary", "schema": summary_json_schema(), "strict": True},
        }
    if route == "json_object":
        return {"type": "json_object"}
    return None


def parse_summary(content: str | None) -> Summary:
    """Validate a reply as a `Summary`; a surrounding ```json fence is stripped. Raises
    `ValueError` (pydantic's `ValidationError` included) when it is not one."""
    if content is None or not content.strip():
        raise ValueError("the reply was empty")
    text = content.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group("body").strip()
    return Summary.model_validate_json(text)


def _all_points(summary: Summary) -> list[tuple[str, Point]]:
    points = [(f'side "{side.label}"', p) for side in summary.sides for p in side.points]
    points += [("common ground", p) for p in summary.common_ground]
    return points


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def verification_failures(summary: Summary, comments: Mapping[str, Comment]) -> list[str]:
    """One line per quote that is not verbatim text of the comment it cites, per quote citing an
    unknown id, and per unknown id in `comment_ids`, for the repair re-ask (same rules as
    `verify`)."""
    lines: list[str] = []
    for where, point in _all_points(summary):
        for cid in point.comment_ids:
            if cid not in comments:
                lines.append(
                    f'- {where}, point "{_clip(point.text)}": cites comment id {json.dumps(cid)}'
                    ", which is not in the thread"
                )
        for quote in point.quotes:
            cid = quote.comment_id
            if cid not in comments:
                lines.append(
                    f"- {where}: quote {json.dumps(quote.text, ensure_ascii=False)} cites comment"
                    f" id {json.dumps(cid)}, which is not in the thread"
                )
            elif problem := quote_problem(quote.text, comments[cid].text):
                lines.append(
                    f"- {where}: quote {json.dumps(quote.text, ensure_ascii=False)} {problem}"
                    f" comment {json.dumps(cid)}"
                )
    return list(dict.fromkeys(lines))


_CITED_ID = re.compile(r"[c#]?([1-9][0-9]*)")


_HANDLE = re.compile(r"@[1-9][0-9]*(?![0-9])")


_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")


# Every separator `str.splitlines` knows: a comment's text must stay on its one line.
_LINE_BREAKS = re.compile("[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


def one_line(text: str) -> str:
    """`text` with every run of line breaks as one space (the verifier folds white space, so a
    quote across a break still matches the original)."""
    return _LINE_BREAKS.sub(" ", text)


# A link in a comment: long ones are shown as `<site#N>` (N: the link's place among the
# comment's links) and put back in quotes before they are checked (`canonical_ids`).
_URL_CHAR = r"[^\s<>()\[\]{}\"'`]"
_URL_PARENS = rf"\({_URL_CHAR}*\)"  # balanced, as in Wikipedia's Foo_(bar)
_URL = re.compile(
    rf"https?://(?:{_URL_CHAR}|{_URL_PARENS})*(?:[^\s<>()\[\]{{}}\"'`.,;:!?*_~]|{_URL_PARENS})"
)
_SHORT_URL = re.compile(r"<([^<>\s#]+)#([1-9][0-9]{0,3})>")
_LONG_URL = 40  # characters; a shorter link costs about what its reference would
# A Markdown quote line (`> words`), as dedupe's `split_quote` reads one.
_QUOTE_LINE = re.compile(r"^[ \t]*>+[ \t]?(.*)$")
_QUOTE_MIN_WORDS = 10  # a shorter quote is left whole: its reference would save little
_QUOTE_KEEP_WORDS = 6  # words of a folded quote still shown, so the model knows what it answers
_WORD = re.compile(r"[\w-]+")


def _host(url: str) -> str:
    host = url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].lower()
    return host.removeprefix("www.") or "link"


def shown_text(text: str, parent: str | None = None) -> str:
    """`text` as the model is shown it: a link longer than 40 characters as `<site#N>` (mapped
    back before quotes are checked), and a Markdown quote of at least ten words that repeats
    the comment answered (`parent`) cut to its first six words and `…` (the model has that
    comment on its own line). Nothing else changes, so every quote of the shown text is a
    quote of `text` (a link reference put back), or spans a cut and fails verification."""
    original = text
    if "://" in text:
        count = 0

        def link(match: re.Match[str]) -> str:
            nonlocal count
            count += 1
            url = match.group(0)
            return url if len(url) <= _LONG_URL else f"<{_host(url)}#{count}>"

        text = _URL.sub(link, text)
    if parent is not None and ">" in text:
        text = _fold_parent_quotes(text, original, fold(parent).casefold())
    return text


def _fold_parent_quotes(text: str, original: str, parent: str) -> str:
    # `text` has its links shortened (numbered in `original`): a quoted block is compared
    # with the parent with its links written out.
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not _QUOTE_LINE.match(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and _QUOTE_LINE.match(lines[j]):
            j += 1
        block = [m.group(1) for line in lines[i:j] if (m := _QUOTE_LINE.match(line))]
        quoted = fold(" ".join(block))
        words = quoted.split()
        if (
            len(words) >= _QUOTE_MIN_WORDS
            and fold(expand_links(quoted, original)).casefold() in parent
        ):
            out.append("> " + " ".join(words[:_QUOTE_KEEP_WORDS]) + " \u2026")
        else:
            out.extend(lines[i:j])
        i = j
    return "\n".join(out)


def expand_links(quote: str, source: str) -> str:
    """`quote` with each `<site#N>` that stands for the N-th link of `source` written out."""
    if "#" not in quote or "<" not in quote:
        return quote
    urls = _URL.findall(source)

    def back(match: re.Match[str]) -> str:
        n = int(match.group(2))
        if n <= len(urls) and _host(urls[n - 1]) == match.group(1).lower():
            return urls[n - 1]
        return match.group(0)

    return _SHORT_URL.sub(back, quote)


@dataclass(frozen=True)
class ShortNames:
    """The thread as the model sees it: comments renamed 1, 2, … in thread order (a platform
    id like `reddit_t1_d8r4im1` costs about nine tokens, and again in every reply to it; a
    number below 1000 costs one), and
    each author who appears more than once (copies included) named once, as a handle @1, @2, …
    in order of first appearance; an author seen once is shown by name where the name is plain
    (letters, digits, `_ . -`), which costs less than a handle and its line.

    Compact (`short_names(..., compact=True)`, what the summarize request uses): names are
    given only where a comment's text (or the title) writes them, since the program fills in
    participants from the comments cited: an author seen once whom no text names is not shown
    at all (`shown` maps the name to ""; a copy's such author is shown as `?`), and a handle
    whose name no text writes gets no `@N name` line (`unnamed`). Texts are shown by
    `shown_text` (`texts`, by short id, where they differ).

    `thread` has the short ids and the original texts (what quotes are checked against; a
    `reply_to` outside the thread is left out); `originals` maps a short id back; `shown`
    maps every author name to how the data block shows it (a handle, the name, or "");
    `names` maps a handle to its name.
    """

    thread: Thread
    originals: dict[str, str]
    shown: dict[str, str]
    names: dict[str, str]
    texts: dict[str, str] = field(default_factory=dict)
    unnamed: frozenset[str] = frozenset()

    def text_of(self, comment: Comment) -> str:
        """The text of `comment` (of `thread`) as the data block shows it."""
        return self.texts.get(comment.id, comment.text)

    def lines(self, comments: Sequence[Comment]) -> list[str]:
        """`thread_lines` of consecutive comments of `thread`, texts as shown."""
        return thread_lines(comments, self.shown, self.texts)

    def handle_lines(self, comments: Iterable[Comment]) -> list[str]:
        """The `@N name` lines of the authors of `comments` shown by handle (copies' authors
        included), by handle number."""
        used = {self.shown[a] for c in comments for a in c.authors}
        listed = (h for h in used if h in self.names and h not in self.unnamed)
        handles = sorted(listed, key=lambda h: int(h[1:]))
        return [f"{h} {one_line(self.names[h])}" for h in handles]


def _named_in(thread: Thread, names: Iterable[str]) -> set[str]:
    """The names among `names` that the title or some comment's text writes, case ignored (as
    a whole word, so `u/name` and `@name` count; a name with other characters, anywhere)."""
    texts = [c.text for c in thread.comments]
    if thread.title:
        texts.append(thread.title)
    lowered = "\n".join(texts).casefold()
    words = set(_WORD.findall(lowered))
    found: set[str] = set()
    for name in names:
        key = name.casefold()
        if key in words if _WORD.fullmatch(key) else key in lowered:
            found.add(name)
    return found


def short_names(thread: Thread, *, compact: bool = False) -> ShortNames:
    """Short ids and author handles for `thread` (see `ShortNames`)."""
    ids = [c.id for c in thread.comments]
    renamed: dict[str, str] = {}
    for index, cid in enumerate(ids, start=1):
        renamed.setdefault(cid, str(index))
    seen: dict[str, int] = {}
    for comment in thread.comments:
        for name in comment.authors:
            seen[name] = seen.get(name, 0) + 1
    named = _named_in(thread, seen) if compact else set(seen)
    shown: dict[str, str] = {}
    names: dict[str, str] = {}
    for name, times in seen.items():
        if times == 1 and name not in named:
            shown[name] = ""
        elif times == 1 and _PLAIN_NAME.fullmatch(name) and not name.isdigit():
            shown[name] = name
        else:
            handle = f"@{len(names) + 1}"
            shown[name] = handle
            names[handle] = name
    short = [str(n) for n in range(1, len(ids) + 1)]
    comments = tuple(
        comment.model_copy(
            update={
                "id": new_id,
                "reply_to": renamed.get(comment.reply_to) if comment.reply_to else None,
            }
        )
        for comment, new_id in zip(thread.comments, short, strict=True)
    )
    texts: dict[str, str] = {}
    if compact:
        by_id = {c.id: c for c in comments}
        for comment in comments:
            parent = by_id.get(comment.reply_to) if comment.reply_to else None
            text = shown_text(comment.text, parent.text if parent else None)
            if text != comment.text:
                texts[comment.id] = text
    return ShortNames(
        thread=thread.model_copy(update={"comments": comments}),
        originals=dict(zip(short, ids, strict=True)),
        shown=shown,
        names=names,
        texts=texts,
        unnamed=frozenset(h for h, name in names.items() if name not in named),
    )


def comment_line(
    comment: Comment,
    shown: Mapping[str, str] | None = None,
    text: str | None = None,
    *,
    previous: str | None = None,
) -> str:
    """One comment as one line of the data block: `7 @3 >2 +@5,bob: text` (see the summarize
    prompt); `^` instead of `>2` when it answers `previous`, the comment on the line above.
    Line breaks in the text become spaces, so that no text can span lines or close the block;
    what is unknown is left out to save tokens. `shown` maps author names to their handle or
    name in the block, or to "" for an author not shown (see `ShortNames`; without it, names
    are shown as given)."""
    names = shown or {}

    def who(name: str) -> str:
        as_shown = names.get(name)
        return one_line(name) if as_shown is None else as_shown

    head = [comment.id]
    if comment.author and who(comment.author):
        head.append(who(comment.author))
    if comment.reply_to:
        head.append("^" if comment.reply_to == previous else ">" + comment.reply_to)
    also = [who(a) or "?" for a in comment.authors if a != comment.author]
    if also:
        head.append("+" + ",".join(also))
    return " ".join(head) + ": " + one_line(comment.text if text is None else text)


def thread_lines(
    comments: Sequence[Comment],
    shown: Mapping[str, str],
    texts: Mapping[str, str] | None = None,
) -> list[str]:
    """The data lines of consecutive comments (a reply to the line above is shown as `^`);
    `texts` maps a comment id to its text as shown, where that differs (`ShortNames.texts`)."""
    shown_texts = texts or {}
    lines: list[str] = []
    previous: str | None = None
    for comment in comments:
        lines.append(comment_line(comment, shown, shown_texts.get(comment.id), previous=previous))
        previous = comment.id
    return lines


def canonical_ids(summary: Summary, known: Mapping[str, Comment]) -> Summary:
    """`summary` with each cited id that is not known but is a known id written as `c7` or
    `#7` (or `7` for `c7`) replaced by that id: the model's way of writing an id is not a reason
    to drop its citation. Other unknown ids stay, for verification to list and drop. A quote's
    link references (`<site#N>`, see `shown_text`) are written out from the comment it cites,
    where the quote does not verify as written."""

    def fix(cid: str) -> str:
        if cid in known:
            return cid
        match = _CITED_ID.fullmatch(cid.strip())
        if match:
            for candidate in (match.group(1), f"c{match.group(1)}"):
                if candidate in known:
                    return candidate
        return cid

    def quote(q: Quote) -> Quote:
        cid = fix(q.comment_id)
        text = q.text
        source = known.get(cid)
        if source is not None and _SHORT_URL.search(text) and quote_problem(text, source.text):
            text = expand_links(text, source.text)
        return q.model_copy(update={"comment_id": cid, "text": text})

    def point(p: Point) -> Point:
        quotes = [quote(q) for q in p.quotes]
        return p.model_copy(
            update={"comment_ids": [fix(i) for i in p.comment_ids], "quotes": quotes}
        )

    sides = [
        side.model_copy(
            update={
                "comment_ids": [fix(i) for i in side.comment_ids],
                "points": [point(p) for p in side.points],
            }
        )
        for side in summary.sides
    ]
    return summary.model_copy(
        update={"sides": sides, "common_ground": [point(p) for p in summary.common_ground]}
    )


def restore_names(summary: Summary, names: ShortNames) -> Summary:
    """`summary` (verified against the short-id thread) in the thread's own ids and names.

    Ids go back to the originals. A side's participants are its handles as names (a name the
    thread does not hold is dropped: the model invented it) joined by the authors of the
    comments the side rests on, folded copies included, so that no author of a view is lost.
    A handle the model wrote in its own words (question, labels, positions, point texts) is
    replaced by its name; quotes are left as the comment wrote them.
    """
    by_id = names.thread.by_id()
    known_names = set(names.shown)

    def ids(values: Iterable[str]) -> list[str]:
        return [names.originals.get(v, v) for v in values]

    def prose(text: str) -> str:
        return _named_handles(text, names)

    def point(p: Point) -> Point:
        quotes = [q.model_copy(update={"comment_id": ids([q.comment_id])[0]}) for q in p.quotes]
        return p.model_copy(
            update={"text": prose(p.text), "comment_ids": ids(p.comment_ids), "quotes": quotes}
        )

    sides = []
    for side in summary.sides:
        people: dict[str, None] = {}
        for who in side.participants:
            name = names.names.get(who.strip()) or (who if who in known_names else None)
            if name:
                people.setdefault(name, None)
        rests_on = [*side.comment_ids, *(i for p in side.points for i in p.comment_ids)]
        for cid in rests_on:
            if cid in by_id:
                people.update(dict.fromkeys(by_id[cid].authors))
        sides.append(
            side.model_copy(
                update={
                    "label": prose(side.label),
                    "position": prose(side.position),
                    "participants": list(people),
                    "comment_ids": ids(side.comment_ids),
                    "points": [point(p) for p in side.points],
                }
            )
        )
    return summary.model_copy(
        update={
            "question": prose(summary.question),
            "sides": sides,
            "common_ground": [point(p) for p in summary.common_ground],
            "open_questions": [prose(q) for q in summary.open_questions],
        }
    )


def _named_handles(text: str, names: ShortNames) -> str:
    """A handle written in the summary's own words (not in a quote) is read as its name."""
    return _HANDLE.sub(lambda m: names.names.get(m.group(0), m.group(0)), text)


def sides_in_ids(summary: Summary, ids: Mapping[str, str]) -> Summary:
    """`summary` with the comments its sides list renamed by `ids` (the rest as it is): what
    the sides check reads of an answer, in the thread's own ids (`ShortNames.originals`)."""
    sides = [
        side.model_copy(update={"comment_ids": [ids.get(i, i) for i in side.comment_ids]})
        for side in summary.sides
    ]
    return summary.model_copy(update={"sides": sides})


def check_in_ids(check: EvidenceCheck, ids: Mapping[str, str]) -> EvidenceCheck:
    """`check` with every comment it names renamed by `ids`."""
    found = [
        c.model_copy(
            update={
                "comment_id": ids.get(c.comment_id, c.comment_id),
                "target_id": ids.get(c.target_id, c.target_id),
            }
        )
        for c in check.contradictions
    ]
    first = check.disagreement_id
    return check.model_copy(
        update={
            "contradictions": found,
            "disagreement_id": None if first is None else ids.get(first, first),
        }
    )


def sides_check_for(thread: Thread, names: ShortNames, check: ThreadCheck) -> SidesCheck:
    """`check` of an answer given in the model's terms (`names`' short ids): the thread itself
    is read, not its short-id copy, since how a comment is read can depend on its id (a Reddit
    post's `t3_`, a Discourse topic's `p1`); what it finds is told in the model's ids."""
    short_ids = {original: short for short, original in names.originals.items()}

    async def sides(summary: Summary) -> EvidenceCheck | None:
        found = await check(thread, sides_in_ids(summary, names.originals))
        return None if found is None else check_in_ids(found, short_ids)

    return sides


def restore_check(check: EvidenceCheck, names: ShortNames) -> EvidenceCheck:
    """A sides check of an answer in the terms the model sees (short ids; see `sides_in_ids`)
    in the thread's own ids, its side labels as `restore_names` gives them."""
    check = check_in_ids(check, names.originals)
    found = [
        c.model_copy(
            update={
                "side": _named_handles(c.side, names),
                "target_side": _named_handles(c.target_side, names),
            }
        )
        for c in check.contradictions
    ]
    return check.model_copy(update={"contradictions": found})


def new_boundary(lines: Sequence[str] = ()) -> str:
    """A random token for the data block's boundary lines, absent from every data line."""
    while True:
        token = secrets.token_hex(4)  # no comment line can start like a boundary line anyway
        if not any(token in line for line in lines):
            return token


def _language_rule(language: str | None) -> str:
    if language:
        return f"Write the summary in {language}. Quotes stay exactly as written in the comments."
    return (
        "Write the summary in the language the thread is written in. Quotes stay exactly as "
        "written in the comments."
    )


def _format_rule(route: Route) -> str:
    if route == "json_schema":
        return (
            "Answer with one JSON object that follows the response schema you were given, "
            "and nothing else."
        )
    schema = json.dumps(summary_json_schema(), separators=(",", ":"))
    return (
        "Answer with one JSON object and nothing else (no Markdown fence, no text before or "
        f"after it). It must follow this JSON schema:\n{schema}"
    )


def summarize_messages(
    lines: Sequence[str],
    *,
    route: Route,
    max_points: int,
    language: str | None,
    boundary: str,
    title: str | None = None,
    people: Sequence[str] = (),
) -> list[dict[str, str]]:
    """System and user messages of a map (or single) request over the given comment lines;
    `people` are the `@N name` lines of their authors (see `ShortNames.handle_lines`)."""
    data = [*([f"title: {one_line(title)}"] if title else []), *people, *lines]
    return _messages(
        "summarize",
        route=route,
        max_points=max_points,
        language=language,
        boundary=boundary,
        count=len(lines),
        comments="\n".join(data),
    )


def _messages(
    name: str,
    *,
    route: Route,
    max_points: int,
    language: str | None,
    boundary: str,
    count: int,
    **data: str,
) -> list[dict[str, str]]:
    """The system and user messages of prompt `name`; `data` fills the user message's block."""
    prompt = load_prompt(name, PROMPTS[name])
    system = prompt.render(
        "system",
        boundary=boundary,
        max_points=max_points,
        language_rule=_language_rule(language),
        format_rule=_format_rule(route),
    )
    user = prompt.render("user", boundary=boundary, count=count, **data)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


# A side's members can run to hundreds of ids per part: the reduce request goes without them,
# and `carry_members` puts them back from the parts (see there).
_NO_MEMBERS = {"sides": {"__all__": {"comment_ids"}}}


def part_line(index: int, summary: Summary) -> str:
    """One partial summary as one line of the reduce data block (without the sides' member
    ids, which `carry_members` restores after the merge)."""
    return json.dumps(
        {"part": index, "summary": summary.model_dump(mode="json", exclude=_NO_MEMBERS)},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def carry_members(merged: Summary, parts: Sequence[Summary]) -> Summary:
    """`merged` with each side's `comment_ids` joined by the members of the partial sides it
    came from: the side whose points cite most of a partial side's cited comments (the reduce
    step copies points with their ids), else the side with the same label; a partial side that
    matches neither (all its points were merged away) adds its members nowhere."""
    cited = [{i for p in side.points for i in p.comment_ids} for side in merged.sides]
    labels = {side.label.casefold(): n for n, side in enumerate(merged.sides)}
    members: list[dict[str, None]] = [dict.fromkeys(side.comment_ids) for side in merged.sides]
    for part in parts:
        for side in part.sides:
            own = {i for p in side.points for i in p.comment_ids}
            overlap = [len(own & ids) for ids in cited]
            best = max(range(len(cited)), key=overlap.__getitem__, default=None)
            target = best if best is not None and overlap[best] else None
            if target is None:
                target = labels.get(side.label.casefold())
            if target is not None:
                members[target].update(dict.fromkeys(side.comment_ids))
    sides = [
        side.model_copy(update={"comment_ids": list(m)})
        for side, m in zip(merged.sides, members, strict=True)
    ]
    return merged.model_copy(update={"sides": sides})


def reduce_messages(
    lines: Sequence[str], *, route: Route, max_points: int, language: str | None, boundary: str
) -> list[dict[str, str]]:
    """System and user messages of a reduce request over partial-summary lines."""
    return _messages(
        "reduce",
        route=route,
        max_points=max_points,
        language=language,
        boundary=boundary,
        count=len(lines),
        parts="\n".join(lines),
    )


def _reask(section: str, **values: object) -> dict[str, str]:
    prompt = load_prompt("reask", PROMPTS["reask"])
    return {"role": "user", "content": prompt.render(section, **values)}


def _error_text(err: ValueError) -> str:
    if isinstance(err, ValidationError):
        # include_input=False: the model has its reply already; keep the re-ask short.
        lines = [
            f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
            for e in err.errors(include_url=False, include_input=False)
        ]
        text = "\n".join(lines)
    else:
        text = str(err)
    return text[:_MAX_ERROR_CHARS]


def upper_bound_tokens(messages: Sequence[Mapping[str, str]], route: Route) -> int:
    """A count no tokenizer exceeds: every token of a byte-level tokenizer covers at least one
    byte, plus a few tokens of framing per message (and the `response_format` schema)."""
    total = sum(len(m["content"].encode("utf-8")) + 8 for m in messages) + 8
    if route == "json_schema":
        total += len(_summary_schema_text().encode("utf-8"))
    return total
