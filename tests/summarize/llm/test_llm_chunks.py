"""Long threads: chunking that keeps reply chains together, concurrent map, reduce, truncation.

The fake server answers with `debate_responder`, a fake model that reads the data block of each
request and answers with quotes taken from the comments (or partial summaries) it was given.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import pytest
from fakes.openai_server import FakeOpenAI, Reply, data_block, debate_responder
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.bench import ARGKP_DEV
from bot.summarize import budget
from bot.summarize.llm import LLMConfig, summarize_llm
from bot.thread import Comment, Thread

from .chunk_plan import plan_chunks

ARGKP = ARGKP_DEV  # the ArgKP dev split, in tests/fixtures/argkp


def chained_thread(n: int) -> Thread:
    """Groups of four: a root and three replies to it (reply chains to keep together)."""
    with ARGKP.open(encoding="utf-8", newline="") as handle:
        texts = [row["argument"] for row in csv.DictReader(handle)]
    comments = []
    for i in range(n):
        root = i - i % 4
        comments.append(
            Comment(
                id=f"a{i}",
                text=texts[i % len(texts)],
                author=f"user{i % 7}",
                reply_to=None if i == root else f"a{root}",
            )
        )
    return Thread(comments=tuple(comments))


def kind(request: dict) -> str:
    block = data_block(request)
    assert block is not None
    return block[0]


def ids_of(request: dict) -> list[str]:
    block = data_block(request)
    assert block is not None
    return [item["id"] for item in block[2] if "id" in item]


@pytest.fixture
def chunk_config(config: LLMConfig) -> LLMConfig:
    return replace(config, context_tokens=4000, concurrency=2)


async def test_over_budget_thread_is_mapped_then_reduced_once(
    fake_openai: FakeOpenAI, chunk_config: LLMConfig
) -> None:
    fake_openai.responder = debate_responder
    fake_openai.latency = 0.1
    thread = chained_thread(200)
    stages: list[tuple[str, int, int]] = []

    outcome = await summarize_llm(
        thread, chunk_config, progress=lambda s, d, t: stages.append((s, d, t))
    )

    maps = [r for r in fake_openai.requests if kind(r) == "THREAD"]
    reduces = [r for r in fake_openai.requests if kind(r) == "PARTS"]
    assert outcome.chunks == len(maps) >= 3
    assert len(reduces) == 1
    assert outcome.usage.llm_calls == len(fake_openai.requests) == outcome.chunks + 1
    # Every comment is sent exactly once (under its short id 1, 2, ... in thread order), each
    # chunk holding only its own.
    short = {c.id: str(i) for i, c in enumerate(thread.comments, start=1)}
    sent = [cid for r in maps for cid in ids_of(r)]
    assert sorted(sent) == sorted(short.values())
    assert len(sent) == len(set(sent))
    for request in maps:
        ids = ids_of(request)
        assert ids == sorted(ids, key=int)
        # A reply travels with the comment it answers.
        for cid in ids:
            n = int(cid) - 1
            assert short[f"a{n - n % 4}"] in ids
    # The map requests ran two at a time (concurrency=2), never more.
    assert fake_openai.max_in_flight == 2
    # The reduce request holds one partial summary per chunk, in order.
    block = data_block(reduces[0])
    assert block is not None
    assert [item["part"] for item in block[2]] == list(range(1, outcome.chunks + 1))
    # Quotes of the merged summary are checked against the original comments.
    assert outcome.verification.quotes_verified > 0
    assert outcome.verification.quotes_dropped == 0
    assert any(f"summarized in {outcome.chunks} parts" in n for n in outcome.notes)
    assert stages[0] == ("summarizing", 0, outcome.chunks)
    assert ("summarizing", outcome.chunks, outcome.chunks) in stages
    assert stages[-1] == ("merging", 1, 1)


async def test_each_chunk_request_fits_the_context_window(
    fake_openai: FakeOpenAI, chunk_config: LLMConfig
) -> None:
    import litellm

    fake_openai.responder = debate_responder
    await summarize_llm(chained_thread(120), chunk_config)
    for request in fake_openai.requests:
        prompt = litellm.token_counter(model=chunk_config.model, messages=request["messages"])
        assert prompt + request["max_tokens"] <= chunk_config.context_tokens


async def test_partial_summaries_too_big_for_one_reduce_are_merged_in_rounds(
    fake_openai: FakeOpenAI, config: LLMConfig
) -> None:
    fake_openai.responder = debate_responder
    outcome = await summarize_llm(chained_thread(200), replace(config, context_tokens=2600))

    maps = [r for r in fake_openai.requests if kind(r) == "THREAD"]
    reduces = [r for r in fake_openai.requests if kind(r) == "PARTS"]
    assert outcome.chunks == len(maps)
    assert len(reduces) >= 2  # one request could not hold every partial summary
    assert outcome.usage.llm_calls == len(maps) + len(reduces)
    assert outcome.verification.quotes_verified > 0


async def test_cut_off_chunk_is_split_in_two(
    fake_openai: FakeOpenAI, chunk_config: LLMConfig
) -> None:
    cut: list[list[str]] = []

    def responder(request: dict) -> Reply:
        if kind(request) == "THREAD" and not cut:
            cut.append(ids_of(request))
            return Reply(content='{"question": "cut', finish_reason="length")
        return debate_responder(request)

    fake_openai.responder = responder
    thread = chained_thread(200)
    outcome = await summarize_llm(thread, chunk_config)

    maps = [ids_of(r) for r in fake_openai.requests if kind(r) == "THREAD"]
    first = cut[0]
    half = len(first) // 2
    assert first[:half] in maps[1:] and first[half:] in maps[1:]
    assert outcome.chunks == len(maps) - 1  # the cut request produced no part
    reduces = [r for r in fake_openai.requests if kind(r) == "PARTS"]
    assert reduces
    assert outcome.usage.llm_calls == len(maps) + len(reduces)
    assert any("split in two" in n for n in outcome.notes)


async def test_a_comment_larger_than_the_budget_is_truncated_for_the_prompt(
    fake_openai: FakeOpenAI, config: LLMConfig
) -> None:
    long_text = " ".join(f"word{i}" for i in range(3000))
    thread = Thread(
        comments=(
            Comment(id="c1", text="Short opening remark about uniforms and bullying."),
            Comment(id="c2", text=long_text),
        )
    )
    fake_openai.responder = debate_responder
    outcome = await summarize_llm(thread, replace(config, context_tokens=3000))

    lines = [
        item
        for r in fake_openai.requests
        if kind(r) == "THREAD"
        for item in (data_block(r) or ("", "", []))[2]
    ]
    sent = next(item["text"] for item in lines if item.get("id") == "2")
    assert sent.endswith(budget.TRUNCATION_MARK)
    assert long_text.startswith(sent[: -len(budget.TRUNCATION_MARK)])
    assert len(sent) < len(long_text)
    assert any("comment c2 is longer than one request can hold" in n for n in outcome.notes)
    # A quote from the part the model saw still verifies against the full comment.
    assert outcome.verification.quotes_dropped == 0


def test_chunk_plan_keeps_chains_and_order() -> None:
    thread = chained_thread(40)
    lines = [json.dumps({"id": c.id}) for c in thread.comments]
    costs = [10] * len(lines)
    plan = plan_chunks(list(thread.comments), lines, costs, budget=75)
    assert [c.id for chunk in plan for c in chunk.comments] == [c.id for c in thread.comments]
    for chunk in plan:
        assert chunk.tokens <= 75
        ids = {c.id for c in chunk.comments}
        for c in chunk.comments:
            assert c.reply_to is None or c.reply_to in ids


# Cancelling the sibling chunks cancels litellm calls in flight; litellm then drops a coroutine
# it had created for the call, which Python reports when it is collected.
@pytest.mark.filterwarnings(
    "ignore:coroutine 'OpenAIChatCompletion.acompletion' was never awaited:RuntimeWarning"
)
async def test_a_chunk_that_no_model_can_answer_fails_the_run_fast(
    fake_openai: FakeOpenAI, chunk_config: LLMConfig
) -> None:
    from bot.summarize.llm import LLMError

    fake_openai.responder = lambda request: Reply(status=401)
    fake_openai.latency = 0.05
    with pytest.raises(LLMError, match="authentication failed"):
        await summarize_llm(chained_thread(200), chunk_config)
    # The model is marked down after its first refusal: the other chunks do not try it again
    # (at most the requests already in flight, two at a time, reached the server).
    assert len(fake_openai.requests) <= chunk_config.concurrency


def test_carry_members_puts_partial_sides_members_back_after_the_merge() -> None:
    from bot.summarize.llm import carry_members, part_line
    from bot.summarize.schema import Point, Quote, Side, Summary

    def side(label: str, members: list[str], cited: list[str]) -> Side:
        points = [
            Point(text="p", comment_ids=[c], quotes=[Quote(comment_id=c, text="x")]) for c in cited
        ]
        return Side(label=label, position="pos", comment_ids=members, points=points)

    part1 = Summary(
        question="q", sides=[side("Yes", ["a1", "a2", "a3"], ["a1"]), side("No", ["b1"], ["b1"])]
    )
    part2 = Summary(
        question="q", sides=[side("Pro", ["a7", "a8"], ["a7"]), side("Con", ["b5"], [])]
    )
    # The merge kept points a1, a7 under "For" and b1 under "No"; "Con" lost its only point
    # but has no label match either, so its members go nowhere.
    merged = Summary(question="q", sides=[side("For", [], ["a1", "a7"]), side("No", [], ["b1"])])
    out = carry_members(merged, [part1, part2])
    assert out.sides[0].comment_ids == ["a1", "a2", "a3", "a7", "a8"]
    assert out.sides[1].comment_ids == ["b1"]
    # The reduce request itself does not carry the member lists.
    assert "a2" not in part_line(1, part1)


def _reference_plan(comments: list[Comment], costs: list[int], limit: int) -> list[list[int]]:
    """The plan as `plan_chunks` made it before planning became incremental: index lists."""
    roots = budget.reply_roots(comments)
    trees: dict[str, list[int]] = {}
    for index, root in enumerate(roots):
        trees.setdefault(root, []).append(index)
    chunks: list[list[int]] = []
    current: list[int] = []
    used = 0
    for members in trees.values():
        size = sum(costs[i] for i in members)
        if size > limit:
            if current:
                chunks.append(current)
                current, used = [], 0
            for group in budget.pack(members, [costs[i] for i in members], limit):
                chunks.append([members[i] for i in group])
            continue
        if current and used + size > limit:
            chunks.append(current)
            current, used = [], 0
        current.extend(members)
        used += size
    if current:
        chunks.append(current)
    return sorted((sorted(c) for c in chunks), key=lambda c: c[0])


@st.composite
def _threads(draw: st.DrawFn) -> tuple[list[Comment], list[int], int]:
    n = draw(st.integers(1, 40))
    ids = [f"c{i}" for i in range(n)]
    comments = []
    for i in range(n):
        # Replies to earlier or later comments, to itself, or to ids not in the thread; repeated
        # ids too: `reply_roots` must cope with all of it.
        target = draw(st.one_of(st.none(), st.sampled_from([*ids, "gone"])))
        cid = ids[i] if draw(st.integers(0, 9)) else ids[draw(st.integers(0, n - 1))]
        comments.append(Comment(id=cid, text=f"text {i}", reply_to=target))
    costs = draw(st.lists(st.integers(1, 30), min_size=n, max_size=n))
    limit = draw(st.integers(1, 60))
    return comments, costs, limit


@settings(max_examples=400, deadline=None)
@given(_threads())
def test_incremental_plan_agrees_with_the_whole_plan(
    case: tuple[list[Comment], list[int], int],
) -> None:
    comments, costs, limit = case
    lines = [f"line {i}" for i in range(len(comments))]
    measured: list[int] = []

    def measure(i: int) -> tuple[str, int]:
        measured.append(i)
        return lines[i], costs[i]

    steps = list(budget.iter_chunks(comments, measure, limit))
    assert sorted(measured) == list(range(len(comments)))  # each comment measured once
    plan = plan_chunks(comments, lines, costs, limit)
    expected = _reference_plan(comments, costs, limit)
    assert [p.chunk for p in sorted(steps, key=lambda p: p.start)] == plan
    assert len(plan) == len(expected)
    for chunk, indices in zip(plan, expected, strict=True):
        assert chunk.comments == tuple(comments[i] for i in indices)
        assert chunk.lines == tuple(lines[i] for i in indices)
        assert chunk.tokens == sum(costs[i] for i in indices)
    for step in steps:
        assert step.chunk.lines[0] == lines[step.start]
    # Only the chunk closed at the end of the input says it may be the only one, and the first
    # chunk says so exactly when the whole thread fits the budget.
    assert [s.split for s in steps[:-1]] == [True] * (len(steps) - 1)
    assert steps[0].split == (sum(costs) > limit)


async def test_chunks_that_close_out_of_order_are_merged_in_thread_order(
    fake_openai: FakeOpenAI, chunk_config: LLMConfig
) -> None:
    # A reply tree too big for one request, rooted at a0, with a small tree (b0) starting inside
    # it: the later pieces of a0's tree close before b0's chunk, which comes second in order.
    base = chained_thread(160).comments
    comments = [Comment(id="a0", text=base[0].text, author="u0")]
    comments.append(Comment(id="b0", text=base[1].text, author="u1"))
    comments += [
        Comment(id=f"b{i}", text=base[i].text, author="u1", reply_to="b0") for i in range(2, 6)
    ]
    comments += [
        Comment(id=f"a{i}", text=base[i].text, author="u2", reply_to="a0") for i in range(6, 160)
    ]
    thread = Thread(comments=tuple(comments))
    position = {c.id: n for n, c in enumerate(comments)}
    fake_openai.responder = debate_responder
    stages: list[tuple[str, int, int]] = []
    outcome = await summarize_llm(
        thread, chunk_config, progress=lambda s, d, t: stages.append((s, d, t))
    )

    short = {str(n): c.id for n, c in enumerate(comments, start=1)}
    maps = [[short[i] for i in ids_of(r)] for r in fake_openai.requests if kind(r) == "THREAD"]
    assert outcome.chunks == len(maps) >= 3
    assert any(ids[0] == "b0" for ids in maps)
    reduces = [r for r in fake_openai.requests if kind(r) == "PARTS"]
    assert len(reduces) == 1
    block = data_block(reduces[0])
    assert block is not None
    # Each part's first point cites the first comment of its chunk (see `debate_summary`).
    firsts = [
        short[item["summary"]["sides"][0]["points"][0]["comment_ids"][0]] for item in block[2]
    ]
    assert sorted(firsts, key=position.__getitem__) == firsts
    assert sorted(firsts) == sorted(ids[0] for ids in maps)
    # Progress: the total once the plan is complete, never more done than total.
    summarizing = [(d, t) for s, d, t in stages if s == "summarizing"]
    assert summarizing[-1] == (outcome.chunks, outcome.chunks)
    assert all(d <= t == outcome.chunks for d, t in summarizing)
