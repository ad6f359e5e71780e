"""The LLM engine: a balanced `Summary` from any model litellm supports, checked like untrusted
input.

Contract of `summarize_llm`:

* The thread goes to the model once, each comment as one line inside a data block whose
  boundary is a random token per request, so thread text can neither close the block nor pass
  for instructions (`prompts/summarize.v5.md`). Lines are compact: short numeric ids mapped back
  before anything is checked, authors who post more than once as handles, names only where a
  comment writes them (the participants come from the comments cited), a folded copy shown
  once with how many others posted it, long links as `<site#N>` and a quote of the comment
  answered cut to its first words; a quote of a shortened link is written out again before it
  is checked against the original text (see `messages.ShortNames`, `messages.shown_text`).
  Points per side and language are per-request arguments (the caller's `Options`), not
  configuration.
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
* Sides that go against what comments say in so many words (`check_sides`, the offline
  engine's strong linked cues, on a thread that fits one request): one re-ask listing each such
  placement; of the two answers the one with fewer is kept, never a recheck that gives up the
  disagreement or fails (`LLMConfig.recheck_sides`; see `bot.summarize.evidence`).
* Long threads are summarized in chunks that keep reply chains together (bounded concurrency)
  and merged by a reduce call (`prompts/reduce.v2.md`) whose quotes are verified against the
  original comments. A chunk's request starts as soon as the plan has closed it, while the
  tokens of the rest are still being counted. See `bot.summarize.budget`.

litellm is imported inside functions only: importing this package costs nothing when no model
is configured.

The package, by concern: `config` (LLMConfig, the outcome, errors, pinned prompt versions),
`messages` (schema, parsing, the compact data lines, prompt rendering, mapping answers back),
`transport` (provider capabilities, token counting, calls, retries, accounting, one verified
answer), `mapreduce` (`summarize_llm`: one request or chunks and reduce rounds).
"""

from __future__ import annotations

from bot.progress import Progress
from bot.summarize.llm.config import (
    DEFAULT_CONTEXT_TOKENS,
    PROMPT_VERSION,
    PROMPTS,
    LLMConfig,
    LLMError,
    LLMOutcome,
    MessagesFor,
    Route,
)
from bot.summarize.llm.mapreduce import summarize_llm
from bot.summarize.llm.messages import (
    ShortNames,
    canonical_ids,
    carry_members,
    comment_line,
    expand_links,
    new_boundary,
    one_line,
    parse_summary,
    part_line,
    reduce_messages,
    response_format,
    restore_names,
    short_names,
    shown_text,
    summarize_messages,
    summary_json_schema,
    thread_lines,
    upper_bound_tokens,
    verification_failures,
)
from bot.summarize.llm.transport import _litellm

__all__ = [
    "DEFAULT_CONTEXT_TOKENS",
    "LLMConfig",
    "LLMError",
    "LLMOutcome",
    "MessagesFor",
    "PROMPTS",
    "PROMPT_VERSION",
    "Progress",
    "Route",
    "ShortNames",
    "_litellm",
    "canonical_ids",
    "carry_members",
    "comment_line",
    "expand_links",
    "new_boundary",
    "one_line",
    "parse_summary",
    "part_line",
    "reduce_messages",
    "response_format",
    "restore_names",
    "short_names",
    "shown_text",
    "summarize_llm",
    "summarize_messages",
    "summary_json_schema",
    "thread_lines",
    "upper_bound_tokens",
    "verification_failures",
]
