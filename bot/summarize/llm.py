"""The LLM engine: a balanced `Summary` from any model litellm supports, checked like untrusted
input.

Contract of `summarize_llm`:

* The thread goes to the model once, each comment as one JSON line inside a data block whose
  boundary is a random token per request, so thread text can neither close the block nor pass
  for instructions (`prompts/summarize.v2.md`).
* Structured output: a strict JSON schema derived from `Summary` as `response_format` where
  litellm says the model supports one (and for `openai/<name>` with an `api_base`: self-hosted
  OpenAI-compatible servers implement it); else `{"type": "json_object"}` where the provider
  takes it, with the schema written into the prompt; else the schema in the prompt alone. A
  server that rejects `response_format` with HTTP 400/422 is asked again once without it.
* Transport: `timeout_s` per call; 429, 5xx, timeouts and connection errors are retried
  `max_retries` times per model with exponential backoff (honouring Retry-After up to a cap);
  then each fallback model is tried in order. litellm's own retries are switched off
  (`num_retries=0`) so that these numbers are the only ones.
* The reply is parsed with `Summary.model_validate_json` (a ```json fence is stripped). Invalid
  JSON or schema: one re-ask showing the model its reply and the error. Quotes that are not
  verbatim and ids that do not exist: one repair re-ask listing each of them. A reply cut off
  at the length limit is never parsed: one re-ask for a shorter answer (a map-step chunk is
  split in two instead). What still fails verification is dropped by `verify` and counted.
  A model that still cannot answer counts as failed; when every model failed, `LLMError`.
* Long threads are summarized in chunks that keep reply chains together (bounded concurrency)
  and merged by a reduce call (`prompts/reduce.v2.md`) whose quotes are verified against the
  original comments. A chunk's request starts as soon as the plan has closed it, while the
  tokens of the rest are still being counted. See `bot.summarize.budget`.

litellm is imported inside functions only: importing this module costs nothing when no model is
configured.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import random
import re
import secrets
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.errors import UserError
from bot.summarize import budget
from bot.summarize.prompts import load_prompt
from bot.summarize.schema import Point, Summary, Usage, Verification
from bot.summarize.verify import quote_matches, verify
from bot.thread import Comment, Thread

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

PROMPTS: Mapping[str, int] = {"summarize": 3, "reduce": 2, "reask": 1}
"""The prompt files this engine uses, pinned by version (see `bot.summarize.prompts`)."""

PROMPT_VERSION: str = "+".join(load_prompt(name, v).tag for name, v in PROMPTS.items())
"""e.g. "summarize-v3+reduce-v2+reask-v1": part of the cache key."""

DEFAULT_CONTEXT_TOKENS = budget.DEFAULT_CONTEXT_TOKENS

Progress = Callable[[str, int, int], None]
T = TypeVar("T")
Route = Literal["json_schema", "json_object", "prompt"]

# HTTP statuses worth another try: throttling, server trouble, timeouts.
_RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
_MAX_ERROR_CHARS = 1500  # of a validation error shown back to the model
_FENCE = re.compile(r"^```[a-zA-Z]*\s*\n(?P<body>.*?)\n?```$", re.DOTALL)


@dataclass(frozen=True)
class LLMConfig:
    """How to reach the model(s) and how hard to try.

    `api_base`/`api_key` apply to every model of the primary model's provider (so that
    `openai/a` with fallback `openai/b` both go to one self-hosted server); other providers use
    litellm's defaults and environment variables. `context_tokens` overrides the context window
    from litellm's model info (`DEFAULT_CONTEXT_TOKENS` when unknown). `backoff_s` is the first
    retry delay, doubled each retry (with jitter) up to `max_backoff_s`.
    """

    model: str
    api_base: str | None = None
    api_key: str | None = None
    fallback_models: tuple[str, ...] = ()
    timeout_s: float = 60.0
    max_retries: int = 2
    concurrency: int = 4
    context_tokens: int | None = None
    backoff_s: float = 0.5
    max_backoff_s: float = 8.0

    @classmethod
    def from_settings(cls, settings: Settings, model: str | None = None) -> LLMConfig | None:
        """The configuration the settings give for `model` (default: the configured one), or
        None when that is empty (the offline engine). Shared by the CLI and the bot. The
        per-request choices (points per side, language) are not here: they come from
        `bot.pipeline.Options`, the one place that holds them for both engines."""
        chosen = (settings.model if model is None else model).strip()
        if not chosen:
            return None
        return cls(
            model=chosen,
            api_base=settings.api_base,
            fallback_models=tuple(settings.fallback_models),
            timeout_s=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
            concurrency=settings.llm_concurrency,
            context_tokens=settings.context_tokens,
        )


class LLMOutcome(BaseModel):
    """What the engine produced: the verified summary and how it got there. `model` is the
    model that wrote the final answer; `chunks` is the number of map-step requests that answered
    (1 when the thread fit one request)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    summary: Summary
    verification: Verification
    usage: Usage
    notes: list[str]
    model: str
    prompt_version: str
    chunks: int


class LLMError(UserError):
    """No model produced a usable answer. The message is one sentence naming each model and why
    it failed (no secrets, no prompt text). `usage` is what the failed attempts consumed."""

    def __init__(self, message: str, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage or Usage()


class _ModelFailed(Exception):
    """This model cannot answer this request; `reason` is short and safe to show."""

    def __init__(self, reason: str, *, model_down: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.model_down = model_down


class _CutOff(Exception):
    """A map-step answer hit the length limit: the caller splits the chunk."""


class _RouteRejected(Exception):
    """The server rejected `response_format`: ask again with the schema in the prompt."""


def _litellm() -> Any:
    # Offline cost map: no network fetch at import; quiet: litellm prints help text to stdout
    # on errors unless told not to, and stdout belongs to `--json`.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    return litellm


# -- schema and parsing ------------------------------------------------------------------------


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
            elif not quote_matches(quote.text, comments[cid].text):
                lines.append(
                    f"- {where}: quote {json.dumps(quote.text, ensure_ascii=False)} is not"
                    f" verbatim text of comment {json.dumps(cid)}"
                )
    return list(dict.fromkeys(lines))


def _add(a: Verification, b: Verification) -> Verification:
    return Verification(
        quotes_checked=a.quotes_checked + b.quotes_checked,
        quotes_verified=a.quotes_verified + b.quotes_verified,
        quotes_dropped=a.quotes_dropped + b.quotes_dropped,
        citations_dropped=a.citations_dropped + b.citations_dropped,
        points_dropped=a.points_dropped + b.points_dropped,
    )


def _drops_only(v: Verification) -> Verification:
    # Map-step drops are added to the final report; map-step quotes that survived are counted
    # when the final summary is verified, so only the dropped ones are carried over.
    return Verification(
        quotes_checked=v.quotes_dropped,
        quotes_dropped=v.quotes_dropped,
        citations_dropped=v.citations_dropped,
        points_dropped=v.points_dropped,
    )


# -- prompt rendering --------------------------------------------------------------------------


_CITED_ID = re.compile(r"[c#]?([1-9][0-9]*)")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")

# Every separator `str.splitlines` knows: a comment's text must stay on its one line.
_LINE_BREAKS = re.compile("[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


def one_line(text: str) -> str:
    """`text` with every run of line breaks as one space (the verifier folds white space, so a
    quote across a break still matches the original)."""
    return _LINE_BREAKS.sub(" ", text)


@dataclass(frozen=True)
class ShortNames:
    """The thread as the model sees it: comments renamed 1, 2, … in thread order (a platform
    id like `reddit_t1_d8r4im1` costs about nine tokens, and again in every reply to it; a
    number below 1000 costs one), and
    each author who appears more than once (copies included) named once, as a handle @1, @2, …
    in order of first appearance; an author seen once is shown by name where the name is plain
    (letters, digits, `_ . -`), which costs less than a handle and its line.

    `thread` has the short ids (a `reply_to` outside the thread is left out); `originals` maps a
    short id back; `shown` maps every author name to how the data block shows it (a handle or
    the name); `names` maps a handle to its name.
    """

    thread: Thread
    originals: dict[str, str]
    shown: dict[str, str]
    names: dict[str, str]

    def handle_lines(self, comments: Iterable[Comment]) -> list[str]:
        """The `@N name` lines of the authors of `comments` shown by handle (copies' authors
        included), by handle number."""
        used = {self.shown[a] for c in comments for a in c.authors}
        handles = sorted((h for h in used if h in self.names), key=lambda h: int(h[1:]))
        return [f"{h} {one_line(self.names[h])}" for h in handles]


def short_names(thread: Thread) -> ShortNames:
    """Short ids and author handles for `thread` (see `ShortNames`)."""
    ids = [c.id for c in thread.comments]
    renamed: dict[str, str] = {}
    for index, cid in enumerate(ids, start=1):
        renamed.setdefault(cid, str(index))
    seen: dict[str, int] = {}
    for comment in thread.comments:
        for name in comment.authors:
            seen[name] = seen.get(name, 0) + 1
    shown: dict[str, str] = {}
    names: dict[str, str] = {}
    for name, times in seen.items():
        if times == 1 and _PLAIN_NAME.fullmatch(name) and not name.isdigit():
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
    return ShortNames(
        thread=thread.model_copy(update={"comments": comments}),
        originals=dict(zip(short, ids, strict=True)),
        shown=shown,
        names=names,
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
    name in the block (see `ShortNames`; without it, names are shown as given)."""
    names = shown or {}
    head = [comment.id]
    if comment.author:
        head.append(names.get(comment.author) or one_line(comment.author))
    if comment.reply_to:
        head.append("^" if comment.reply_to == previous else ">" + comment.reply_to)
    also = [names.get(a) or one_line(a) for a in comment.authors if a != comment.author]
    if also:
        head.append("+" + ",".join(also))
    return " ".join(head) + ": " + one_line(comment.text if text is None else text)


def thread_lines(comments: Sequence[Comment], shown: Mapping[str, str]) -> list[str]:
    """The data lines of consecutive comments (a reply to the line above is shown as `^`)."""
    lines: list[str] = []
    previous: str | None = None
    for comment in comments:
        lines.append(comment_line(comment, shown, previous=previous))
        previous = comment.id
    return lines


def canonical_ids(summary: Summary, known: Mapping[str, Comment]) -> Summary:
    """`summary` with each cited id that is not known but is a known id written as `c7` or
    `#7` (or `7` for `c7`) replaced by that id: the model's way of writing an id is not a reason
    to drop its citation. Other unknown ids stay, for verification to list and drop."""

    def fix(cid: str) -> str:
        if cid in known:
            return cid
        match = _CITED_ID.fullmatch(cid.strip())
        if match:
            for candidate in (match.group(1), f"c{match.group(1)}"):
                if candidate in known:
                    return candidate
        return cid

    def point(p: Point) -> Point:
        quotes = [q.model_copy(update={"comment_id": fix(q.comment_id)}) for q in p.quotes]
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
    """
    by_id = names.thread.by_id()
    known_names = set(names.shown)

    def ids(values: Iterable[str]) -> list[str]:
        return [names.originals.get(v, v) for v in values]

    def point(p: Point) -> Point:
        quotes = [q.model_copy(update={"comment_id": ids([q.comment_id])[0]}) for q in p.quotes]
        return p.model_copy(update={"comment_ids": ids(p.comment_ids), "quotes": quotes})

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
                    "participants": list(people),
                    "comment_ids": ids(side.comment_ids),
                    "points": [point(p) for p in side.points],
                }
            )
        )
    return summary.model_copy(
        update={"sides": sides, "common_ground": [point(p) for p in summary.common_ground]}
    )


def new_boundary(lines: Sequence[str] = ()) -> str:
    """A random token for the data block's boundary lines, absent from every data line."""
    while True:
        token = secrets.token_hex(8)
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


# -- one run -----------------------------------------------------------------------------------

MessagesFor = Callable[[Route], list[dict[str, str]]]


@dataclass
class _Part:
    summary: Summary
    verification: Verification
    model: str


class _Run:
    """State of one `summarize_llm` call: usage counters, notes, routes, models that are down."""

    def __init__(
        self,
        config: LLMConfig,
        progress: Progress | None,
        llm: Any,
        *,
        max_points: int = 4,
        language: str | None = None,
    ) -> None:
        self.config = config
        self.max_points = max_points
        self.language = language
        self.llm = llm
        self.progress = progress or (lambda stage, done, total: None)
        self.models = list(dict.fromkeys([config.model, *config.fallback_models]))
        self.semaphore = asyncio.Semaphore(max(1, config.concurrency))
        self.routes: dict[str, Route] = {}
        self.reasoning: dict[str, bool] = {}
        self._selected: tuple[Any] | None = None  # (tokenizer,) once looked up
        self.down: dict[str, str] = {}
        self.failures: dict[str, str] = {}
        self.notes: list[str] = []
        self.calls = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.cost = 0.0
        self.cost_known = False
        self.cost_unknown: set[str] = set()
        self.repairs = 0
        self.reasks = 0
        self.shortened = 0
        self.fallbacks_used: set[str] = set()
        self.primary_provider = self._provider(config.model)
        self.context_tokens, max_output = self._limits()
        self.reserve = budget.answer_reserve(self.context_tokens, max_output)

    # -- model facts ---------------------------------------------------------------------------

    def _provider(self, model: str) -> str | None:
        try:
            return str(self.llm.get_llm_provider(model=model)[1])
        except Exception:  # unknown provider: litellm raises BadRequestError; decided at call time
            return None

    def _model_info(self, model: str) -> dict[str, Any]:
        try:
            return dict(self.llm.get_model_info(model=model))
        except Exception:  # not in litellm's map (self-hosted, new models): use our defaults
            return {}

    def _limits(self) -> tuple[int, int | None]:
        infos = [self._model_info(m) for m in self.models]
        outputs = [i["max_output_tokens"] for i in infos if i.get("max_output_tokens")]
        max_output = min(outputs) if outputs else None
        if self.config.context_tokens:
            return self.config.context_tokens, max_output
        # The smallest known window: every chunk must fit whichever model ends up answering it.
        windows = [i["max_input_tokens"] for i in infos if i.get("max_input_tokens")]
        if windows:
            return min(windows), max_output
        log.info("context window unknown for %s; assuming %d", self.models, DEFAULT_CONTEXT_TOKENS)
        return DEFAULT_CONTEXT_TOKENS, max_output

    def route(self, model: str) -> Route:
        """How to ask `model` for JSON (decided once per model and run)."""
        if model in self.routes:
            return self.routes[model]
        try:
            schema = bool(self.llm.supports_response_schema(model=model))
        except Exception:  # litellm's capability lookups raise for unknown providers
            schema = False
        self_hosted = bool(self.config.api_base) and self._same_endpoint(model)
        if schema or (model.startswith("openai/") and self_hosted):
            route: Route = "json_schema"
        else:
            try:
                params = self.llm.get_supported_openai_params(model=model) or []
            except Exception:  # as above
                params = []
            route = "json_object" if "response_format" in params else "prompt"
        self.routes[model] = route
        return route

    def _reasons(self, model: str) -> bool:
        # Looked up once per model and run: litellm's capability lookups cost per call.
        if model not in self.reasoning:
            try:
                self.reasoning[model] = bool(self.llm.supports_reasoning(model=model))
            except Exception:  # as above: unknown models do not reason as far as we know
                self.reasoning[model] = False
        return self.reasoning[model]

    def _same_endpoint(self, model: str) -> bool:
        """Whether `api_base`/`api_key` apply to `model`: the primary model and every model of
        the same provider."""
        return model == self.config.model or (
            self.primary_provider is not None and self._provider(model) == self.primary_provider
        )

    def count(
        self, *, text: str | None = None, messages: list[dict[str, str]] | None = None
    ) -> int:
        """Tokens by the primary model's tokenizer (litellm falls back to tiktoken's).

        Messages go through `token_counter` (it adds the per-message overhead); a data line
        through `encode`, the same tokenizer without `token_counter`'s per-call model lookup,
        which is five times faster: it matters at thousands of comments.
        """
        if messages is not None:
            return int(self.llm.token_counter(model=self.config.model, messages=messages))
        return len(
            self.llm.encode(
                model=self.config.model, text=text or "", custom_tokenizer=self._tokenizer()
            )
        )

    def prompt_cost(self, messages: list[dict[str, str]], route: Route) -> int:
        """Prompt tokens of a request: its messages and, on the json_schema route, the schema
        sent as `response_format` (the provider counts it as prompt)."""
        cost = self.count(messages=messages)
        if route == "json_schema":
            cost += self.count(text=_summary_schema_text())
        return cost

    def _tokenizer(self) -> Any:
        """The tokenizer litellm's `encode` picks for the primary model, picked once per run:
        `encode` looks it up anew on every call, about 40% of the cost of counting a comment
        line. None (`encode` picks it per call) when this litellm does not expose the lookup."""
        if self._selected is None:
            utils = getattr(self.llm, "utils", None)
            select = getattr(utils, "select_tokenizer", None) or getattr(
                utils, "_select_tokenizer", None
            )
            self._selected = (select(model=self.config.model) if select else None,)
        return self._selected[0]

    # -- transport -----------------------------------------------------------------------------

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        delay = self.config.backoff_s * (2 ** (attempt - 1)) * (0.5 + random.random() / 2)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self.config.max_backoff_s)

    def _classify(self, err: BaseException, route: Route, model: str) -> tuple[str, str, bool]:
        """(action, short reason, model is down) for an exception from one call; action is
        "retry", "route" (ask again without response_format) or "fail"."""
        llm = self.llm
        status = getattr(err, "status_code", None)
        if isinstance(err, (asyncio.TimeoutError, llm.Timeout)):
            return "retry", "timed out", True
        if isinstance(err, llm.RateLimitError):
            return "retry", "rate limited (HTTP 429)", True
        if isinstance(err, llm.ContextWindowExceededError):
            return "fail", "context window exceeded", False
        if isinstance(err, llm.APIConnectionError) or _connection_failed(err):
            # litellm reports a refused connection as HTTP 500 "Connection error.": the cause
            # chain says what happened.
            where = self.config.api_base if self._same_endpoint(model) else None
            return (
                "retry",
                "could not connect to the model server" + (f" at {where}" if where else ""),
                True,
            )
        if isinstance(err, llm.AuthenticationError):
            return "fail", "authentication failed (HTTP 401)", True
        if isinstance(err, llm.PermissionDeniedError):
            return "fail", "permission denied (HTTP 403)", True
        if isinstance(err, llm.NotFoundError):
            return "fail", "model not found (HTTP 404)", True
        if isinstance(err, (llm.InternalServerError, llm.ServiceUnavailableError)) or (
            isinstance(status, int) and status in _RETRY_STATUS
        ):
            return "retry", (f"server error (HTTP {status})" if status else "server error"), True
        if isinstance(err, (llm.BadRequestError, llm.UnprocessableEntityError)) or status in (
            400,
            422,
        ):
            action = "route" if route != "prompt" else "fail"
            return action, f"request rejected (HTTP {status})", False
        return "fail", type(err).__name__, False

    @staticmethod
    def _retry_after(err: BaseException) -> float | None:
        headers = getattr(getattr(err, "response", None), "headers", None)
        try:
            value = headers.get("retry-after") if headers is not None else None
            return float(value) if value is not None else None
        except (TypeError, ValueError):  # an HTTP date or junk: use our own backoff
            return None

    async def call(
        self, model: str, messages: list[dict[str, str]], route: Route
    ) -> tuple[str | None, str | None]:
        """One request with retries: (content, finish_reason). Raises `_ModelFailed` when the
        retries are spent or the error is not worth retrying, `_RouteRejected` on a 400/422
        while asking for structured output."""
        cfg = self.config
        kwargs: dict[str, Any] = {
            "model": model,
            "messages": messages,
            "timeout": cfg.timeout_s,
            "num_retries": 0,  # retries are ours (see module docstring)
        }
        if not self._reasons(model):
            # The room we kept for the answer. Not for reasoning models: their hidden reasoning
            # counts against the same limit and would cut every answer off.
            kwargs["max_tokens"] = self.reserve
        if self._same_endpoint(model):
            if cfg.api_base:
                kwargs["api_base"] = cfg.api_base
            if cfg.api_key:
                kwargs["api_key"] = cfg.api_key
        fmt = response_format(route)
        if fmt is not None:
            kwargs["response_format"] = fmt

        attempts = max(0, cfg.max_retries) + 1
        reason = "no attempt made"
        started = time.perf_counter()
        for attempt in range(attempts):
            try:
                async with self.semaphore:
                    self.calls += 1
                    started = time.perf_counter()
                    # Belt and braces over litellm's own timeout, which bounds each read but
                    # not a server that trickles bytes.
                    response = await asyncio.wait_for(
                        self.llm.acompletion(**kwargs), timeout=cfg.timeout_s * 1.5 + 1
                    )
            except Exception as err:
                action, reason, down = self._classify(err, route, model)
                log.info(
                    "llm call model=%s failed: %s (attempt %d/%d, %.0f ms)",
                    model,
                    reason,
                    attempt + 1,
                    attempts,
                    (time.perf_counter() - started) * 1000,
                )
                if action == "route":
                    raise _RouteRejected(reason) from None
                if action == "fail":
                    raise _ModelFailed(reason, model_down=down) from None
                if attempt + 1 < attempts:
                    await asyncio.sleep(self._backoff(attempt + 1, self._retry_after(err)))
                continue
            return self._account(model, response, started)
        raise _ModelFailed(f"{reason} after {attempts} attempts", model_down=True)

    def _account(self, model: str, response: Any, started: float) -> tuple[str | None, str | None]:
        usage = getattr(response, "usage", None)
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens
        try:
            cost = self.llm.completion_cost(completion_response=response)
        except Exception:  # litellm raises for models missing from its price map
            cost = None
        if cost is None:
            self.cost_unknown.add(model)
        else:
            self.cost += float(cost)
            self.cost_known = True
        choices = getattr(response, "choices", None) or []
        content = choices[0].message.content if choices else None
        finish = choices[0].finish_reason if choices else None
        log.info(
            "llm call model=%s prompt_tokens=%d completion_tokens=%d duration_ms=%.0f "
            "finish_reason=%s",
            model,
            prompt_tokens,
            completion_tokens,
            (time.perf_counter() - started) * 1000,
            finish,
        )
        return content, finish

    # -- one structured answer -----------------------------------------------------------------

    async def answer(
        self,
        messages_for: MessagesFor,
        known: Mapping[str, Comment],
        *,
        split_on_cutoff: bool = False,
    ) -> _Part:
        """A verified summary from the first model that manages one; `LLMError` when none
        does. `known` is what quotes and ids are checked against."""
        reasons: list[str] = []
        for model in self.models:
            if model in self.down:
                reasons.append(f"{model}: {self.down[model]}")
                continue
            try:
                part = await self._answer_on(model, messages_for, known, split_on_cutoff)
            except _ModelFailed as failed:
                log.warning("model %s failed: %s", model, failed.reason)
                if failed.model_down:
                    self.down.setdefault(model, failed.reason)
                self.failures[model] = failed.reason
                reasons.append(f"{model}: {failed.reason}")
                continue
            if model != self.config.model:
                self.fallbacks_used.add(model)
            return part
        raise LLMError("all models failed: " + "; ".join(reasons) + ".", self.usage())

    async def _answer_on(
        self,
        model: str,
        messages_for: MessagesFor,
        known: Mapping[str, Comment],
        split_on_cutoff: bool,
    ) -> _Part:
        route = self.route(model)
        messages = messages_for(route)
        reasked = repaired = shortened = False
        while True:
            try:
                content, finish = await self.call(model, messages, route)
            except _RouteRejected as rejected:
                if route == "prompt":  # pragma: no cover - call() never raises it for "prompt"
                    raise _ModelFailed(rejected.args[0]) from None
                # The server does not take response_format: ask again with the schema in the
                # prompt, and remember it for the rest of the run.
                self.note(f"{model} rejected structured output; the JSON schema went in the prompt")
                route = self.routes[model] = "prompt"
                messages = messages_for(route)
                continue
            if finish == "length":
                # A cut-off answer is never parsed, even when the cut left valid JSON.
                if split_on_cutoff:
                    raise _CutOff()
                if shortened:
                    raise _ModelFailed("answer cut off at the length limit twice")
                shortened = True
                self.shortened += 1
                fewer = max(1, self.max_points // 2)
                messages = [*messages, _reask("shorter", max_points=fewer)]
                continue
            try:
                summary = parse_summary(content)
            except ValueError as err:
                if reasked:
                    raise _ModelFailed(
                        "reply was not valid JSON for the schema after a re-ask"
                    ) from None
                reasked = True
                self.reasks += 1
                messages = [
                    *messages,
                    {"role": "assistant", "content": content or ""},
                    _reask("invalid", error=_error_text(err)),
                ]
                continue
            summary = canonical_ids(summary, known)
            # Folding every cited comment is CPU work: off the event loop (the bot serves
            # other requests meanwhile).
            failures = await asyncio.to_thread(verification_failures, summary, known)
            if failures and not repaired:
                repaired = True
                self.repairs += 1
                messages = [
                    *messages,
                    {"role": "assistant", "content": content or ""},
                    _reask("repair", failures="\n".join(failures)),
                ]
                continue
            cleaned, verification = await asyncio.to_thread(verify, summary, known)
            if not any(side.points for side in cleaned.sides):
                raise _ModelFailed("no point of the answer survived verification")
            return _Part(cleaned, verification, model)

    # -- reporting -----------------------------------------------------------------------------

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def usage(self) -> Usage:
        return Usage(
            llm_calls=self.calls,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            cost_usd=round(self.cost, 6) if self.cost_known else None,
        )


def _connection_failed(err: BaseException) -> bool:
    """Whether `err` or an exception it was raised from is a failure to connect (refused, no
    route, DNS), not a timeout and not an answer from the server."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        name = type(current).__name__
        if isinstance(current, TimeoutError) or "Timeout" in name:
            return False
        if isinstance(current, ConnectionError) or name in ("ConnectError", "APIConnectionError"):
            return True
        current = current.__cause__ or current.__context__
    return False


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


# -- map-reduce --------------------------------------------------------------------------------


async def _all(coroutines: Iterable[Coroutine[Any, Any, T]]) -> list[T]:
    """Run concurrently; results in submission order. The first failure cancels the rest (no
    point paying for chunks of a summary that cannot be finished) and is raised as itself."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(c) for c in coroutines]
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return [task.result() for task in tasks]


def _cap_points(summary: Summary, cap: int) -> tuple[Summary, int]:
    """Keep at most `cap` points per side (the model was told so; balance depends on it)."""
    cut = sum(max(0, len(side.points) - cap) for side in summary.sides)
    if not cut:
        return summary, 0
    sides = [side.model_copy(update={"points": side.points[:cap]}) for side in summary.sides]
    return summary.model_copy(update={"sides": sides}), cut


def _room(run: _Run, thread: Thread) -> int:
    """The data budget of one map request: the context window less the answer's reserve and the
    fixed prompt (the `response_format` schema included). `LLMError` when that leaves (almost)
    nothing."""
    # The fixed prompt is measured with an empty data block, by the widest route in use.
    fixed = max(
        run.prompt_cost(
            summarize_messages(
                [],
                route=r,
                max_points=run.max_points,
                language=run.language,
                boundary="0" * 16,
                title=thread.title,
            ),
            r,
        )
        for r in {run.route(m) for m in run.models}
    )
    room = budget.data_budget(run.context_tokens, fixed, run.reserve)
    if room < 64:
        raise LLMError(
            f"the context window ({run.context_tokens} tokens) is too small for the prompt "
            f"({fixed} tokens) and an answer ({run.reserve} tokens).",
            run.usage(),
        )
    return room


def _measure(
    run: _Run, names: ShortNames, room: int, truncated: dict[int, str]
) -> Callable[[int], tuple[str, int]]:
    """`measure(i)` for `budget.iter_chunks`: the data line of comment `i` and its token cost,
    with the `@N name` lines of its authors (counted with every comment of theirs, since a
    chunk lists the authors it holds: an over-estimate, never an under-estimate). A comment
    over the budget is truncated for the prompt (at a word boundary, with a mark), and its note
    goes into `truncated` under its position (the caller adds the notes in thread order:
    comments are measured tree by tree)."""
    comments = names.thread.comments
    handles = names.shown

    handle_costs: dict[str, int] = {}  # an author's `@N name` line, counted once per run

    def handle_cost(author: str) -> int:
        handle = names.shown[author]
        if handle not in names.names:
            return 0  # shown by name in the line itself
        if handle not in handle_costs:
            handle_costs[handle] = run.count(text=f"{handle} {one_line(author)}") + 1
        return handle_costs[handle]

    def measure(index: int) -> tuple[str, int]:
        comment = comments[index]
        people = sum(handle_cost(author) for author in comment.authors)
        line = comment_line(comment, handles)
        cost = run.count(text=line) + 1 + people  # + the newline
        if cost > room:
            shortened = budget.truncate_to_tokens(
                comment.text,
                room - people,
                lambda t: run.count(text=comment_line(comment, handles, t)) + 1,
            )
            line = comment_line(comment, handles, shortened)
            cost = run.count(text=line) + 1 + people
            truncated[index] = (
                f"comment {names.originals[comment.id]} is longer than one request can hold; "
                "the model saw it truncated (quotes are still checked against the full text)"
            )
        return line, cost

    return measure


def upper_bound_tokens(messages: Sequence[Mapping[str, str]], route: Route) -> int:
    """A count no tokenizer exceeds: every token of a byte-level tokenizer covers at least one
    byte, plus a few tokens of framing per message (and the `response_format` schema)."""
    total = sum(len(m["content"].encode("utf-8")) + 8 for m in messages) + 8
    if route == "json_schema":
        total += len(_summary_schema_text().encode("utf-8"))
    return total


def _plan(run: _Run, names: ShortNames, truncated: dict[int, str]) -> Iterator[budget.Planned]:
    """The chunk plan of the thread, chunk by chunk as each closes (see `budget.iter_chunks`);
    the budget is checked on the first step.

    A thread that obviously fits one request (its byte count bounds its token count) is one
    chunk with no token counted and no tokenizer loaded; one that may fit is counted whole,
    once; only a thread that does not fit is measured comment by comment.
    """
    thread = names.thread
    comments = list(thread.comments)
    routes = {run.route(m) for m in run.models}
    limit = int((run.context_tokens - run.reserve) * budget.SAFETY)
    if sum(len(c.text) for c in comments) > 8 * limit:
        # Far too long for one request (see below): plan at once, so that the first chunk's
        # request leaves as early as it can.
        room = _room(run, thread)
        yield from budget.iter_chunks(comments, _measure(run, names, room, truncated), room)
        return
    lines = thread_lines(comments, names.shown)
    people = names.handle_lines(comments)

    def whole(route: Route) -> list[dict[str, str]]:
        return summarize_messages(
            lines,
            route=route,
            max_points=run.max_points,
            language=run.language,
            boundary="0" * 16,
            title=thread.title,
            people=people,
        )

    bound = max(upper_bound_tokens(whole(r), r) for r in routes)
    # Past eight bytes a token on average the exact count cannot fit either: not worth it.
    if bound <= limit or (
        bound <= 8 * limit and max(run.prompt_cost(whole(r), r) for r in routes) <= limit
    ):
        yield budget.Planned(0, budget.Chunk(tuple(comments), tuple(lines), 0), False)
        return
    room = _room(run, thread)
    yield from budget.iter_chunks(comments, _measure(run, names, room, truncated), room)


async def summarize_llm(
    thread: Thread,
    config: LLMConfig,
    *,
    max_points_per_side: int = 4,
    language: str | None = None,
    progress: Progress | None = None,
) -> LLMOutcome:
    """Summarize an already deduplicated `thread` with `config.model` (then its fallbacks).

    Returns the verified summary, the verification counts (final drops, map-step drops
    included), usage summed over every call made, notes for the reader (chunking, truncated
    comments, fallbacks, repairs, dropped extra points) and the number of map chunks.
    `progress(stage, done, total)` is called with stages "summarizing" (chunks) and "merging".
    A thread in chunks is planned while the first chunks are being answered: its first
    "summarizing" report comes when the plan is complete, with the chunks answered so far.
    Raises `LLMError` when no model produced a usable answer; never returns an invented summary.
    """
    if not thread.comments:
        raise LLMError("the thread has no comments to summarize.")
    # Importing litellm takes seconds: not on the event loop (a Discord gateway would miss
    # heartbeats).
    llm = await asyncio.to_thread(_litellm)
    run = _Run(config, progress, llm, max_points=max_points_per_side, language=language)
    comments = list(thread.comments)
    # The model sees short ids and author handles; the answer is checked in those terms and
    # mapped back to the thread's own ids and names at the end (`restore_names`).
    names = short_names(thread)
    known = names.thread.by_id()

    def map_messages(chunk: budget.Chunk) -> MessagesFor:
        boundary = new_boundary(chunk.lines)
        people = names.handle_lines(chunk.comments)
        return lambda route: summarize_messages(
            chunk.lines,
            route=route,
            max_points=run.max_points,
            language=run.language,
            boundary=boundary,
            title=thread.title,
            people=people,
        )

    # Counting tokens of thousands of comments is CPU work: off the event loop, one chunk per
    # step, so that the map requests of the first chunks run while the rest is counted.
    truncated: dict[int, str] = {}
    steps = _plan(run, names, truncated)

    async def step() -> budget.Planned | None:
        return await asyncio.to_thread(next, steps, None)

    def planned_notes() -> None:
        # In thread order and ahead of any note of the map step, as when counting came first.
        run.notes[0:0] = [t for _, t in sorted(truncated.items()) if t not in run.notes]

    first = await step()
    assert first is not None  # the thread has comments
    if not first.split:
        # The whole thread fits one request (the plan ended with its first chunk).
        planned_notes()
        run.progress("summarizing", 0, 1)
        part = await run.answer(map_messages(first.chunk), known)
        run.progress("summarizing", 1, 1)
        final, carried, chunks = part, Verification(), 1
    else:
        # The total is known once the plan is complete; until then progress is held back (the
        # first report is (chunks answered so far, total)). A cut-off chunk adds one to it.
        planned: int | None = None
        extra = done = 0

        def report() -> None:
            if planned is not None:
                run.progress("summarizing", done, planned + extra)

        async def summarize_chunk(chunk: budget.Chunk) -> list[_Part]:
            nonlocal done, extra
            chunk_known = {c.id: c for c in chunk.comments}
            try:
                part = await run.answer(
                    map_messages(chunk), chunk_known, split_on_cutoff=len(chunk.comments) > 1
                )
            except _CutOff:
                # The answer did not fit: two halves give two shorter answers.
                half = len(chunk.comments) // 2
                halves = [
                    budget.Chunk(chunk.comments[:half], chunk.lines[:half], 0),
                    budget.Chunk(chunk.comments[half:], chunk.lines[half:], 0),
                ]
                extra += 1
                run.note("an answer was cut off at the length limit; its chunk was split in two")
                results = await _all(summarize_chunk(h) for h in halves)
                return [p for r in results for p in r]
            done += 1
            report()
            return [part]

        # Chunks close in planning order; the partial summaries are merged (and numbered) in
        # the order of their first comment, as `budget.plan_chunks` orders them.
        tasks: list[tuple[int, asyncio.Task[list[_Part]]]] = []
        try:
            async with asyncio.TaskGroup() as group:
                current: budget.Planned | None = first
                while current is not None:
                    tasks.append((current.start, group.create_task(summarize_chunk(current.chunk))))
                    current = await step()
                planned = len(tasks)
                planned_notes()
                log.info("thread of %d comments split into %d chunks", len(comments), planned)
                report()
        except BaseExceptionGroup as failed:
            # The first failure cancels the rest (see `_all`) and is raised as itself.
            raise failed.exceptions[0] from None
        nested = [task.result() for _, task in sorted(tasks, key=lambda t: t[0])]
        parts = [p for group in nested for p in group]
        chunks = len(parts)
        carried = Verification()
        for p in parts:
            carried = _add(carried, _drops_only(p.verification))
        run.note(f"the thread was summarized in {chunks} parts and merged")
        final, reduced_drops = await _reduce(run, [p.summary for p in parts], known)
        final = _Part(
            carry_members(final.summary, [p.summary for p in parts]),
            final.verification,
            final.model,
        )
        carried = _add(carried, reduced_drops)

    summary, cut = _cap_points(final.summary, run.max_points)
    summary = restore_names(summary, names)
    if cut:
        run.note(f"{cut} points beyond {run.max_points} per side were left out")
    if len(summary.sides) == 1:
        run.note(f'no disagreement found: the summary has one side, "{summary.sides[0].label}"')
    if run.repairs:
        run.note(
            f"quotes or citations failed verification in {run.repairs} answer(s); the model was "
            "asked once to fix them, and what still failed was dropped"
        )
    for model in sorted(run.fallbacks_used):
        reason = run.failures.get(config.model, "it failed")
        run.note(f"{config.model} was unavailable ({reason}); {model} answered instead")
    if run.cost_known and run.cost_unknown:
        run.note(
            "cost leaves out calls to "
            + ", ".join(sorted(run.cost_unknown))
            + " (price unknown to litellm)"
        )
    log.info(
        "llm run model=%s calls=%d chunks=%d reasks=%d repairs=%d shortened=%d",
        final.model,
        run.calls,
        chunks,
        run.reasks,
        run.repairs,
        run.shortened,
    )
    return LLMOutcome(
        summary=summary,
        verification=_add(final.verification, carried),
        usage=run.usage(),
        notes=run.notes,
        model=final.model,
        prompt_version=PROMPT_VERSION,
        chunks=chunks,
    )


async def _reduce(
    run: _Run, summaries: list[Summary], known: Mapping[str, Comment]
) -> tuple[_Part, Verification]:
    """Merge partial summaries into one, in rounds when they do not fit one request. Returns the
    final part and the drops of intermediate rounds (one round, and so one call, when the
    partial summaries fit one request)."""
    routes = {run.route(m) for m in run.models}
    fixed = max(
        run.prompt_cost(
            reduce_messages(
                [],
                route=r,
                max_points=run.max_points,
                language=run.language,
                boundary="0" * 16,
            ),
            r,
        )
        for r in routes
    )
    room = max(1, budget.data_budget(run.context_tokens, fixed, run.reserve))

    def messages_for(lines: Sequence[str]) -> MessagesFor:
        boundary = new_boundary(lines)
        return lambda route: reduce_messages(
            lines,
            route=route,
            max_points=run.max_points,
            language=run.language,
            boundary=boundary,
        )

    carried = Verification()
    level = 0
    while True:
        level += 1
        lines = [part_line(i + 1, s) for i, s in enumerate(summaries)]
        costs = [run.count(text=line) + 1 for line in lines]
        groups = budget.pack(lines, costs, room)
        if len(groups) == 1:
            run.progress("merging", 0, 1)
            part = await run.answer(messages_for(lines), known)
            run.progress("merging", 1, 1)
            return part, carried
        if len(groups) == len(summaries):
            # No two partial summaries fit one request: merge pairs anyway (the answer is
            # capped, so each round halves the data) rather than loop forever.
            groups = [list(range(i, min(i + 2, len(lines)))) for i in range(0, len(lines), 2)]
        log.info(
            "reduce round %d: %d partial summaries in %d groups", level, len(lines), len(groups)
        )
        run.progress("merging", 0, len(groups))
        merged = await _all(
            run.answer(messages_for([lines[i] for i in g]), known) for g in groups if len(g) > 1
        )
        it = iter(merged)
        next_round: list[Summary] = []
        for g in groups:
            if len(g) == 1:
                next_round.append(summaries[g[0]])  # nothing to merge it with this round
            else:
                part = next(it)
                carried = _add(carried, _drops_only(part.verification))
                next_round.append(part.summary)
        summaries = next_round
