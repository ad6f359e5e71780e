"""The near index against comparing every pair (the oracle lives here, in the tests), and the
cost of hostile shapes: bounded by the size of the input."""

from __future__ import annotations

import random

import pytest

import bot.dedupe.walk as walk_module
from bot.bench.dedupe_bench import long_comment, similar_comments
from bot.bench.synth import build_thread, near_edit
from bot.dedupe import MIN_NEAR_WORDS, POSTINGS_CAP, dedupe, same_meaning
from bot.dedupe.distance import protected
from bot.dedupe.index import Index
from bot.dedupe.normalize import FUNCTION_WORDS, names_in
from bot.thread import Comment, Thread


def pairwise_near_of(self: Index, code: str, text: str) -> tuple[int, int] | None:
    """The oracle: every earlier kept comment compared, fewest misspellings, earliest first."""
    best = None
    limit = self.budget.max_edits(len(code))
    for k, other in enumerate(self.codes):
        if len(other) != len(code) or len(code) < MIN_NEAR_WORDS:
            continue
        d = same_meaning(
            code,
            other,
            self.vocab.words,
            lambda word, k=k: word in names_in(text) | names_in(self.texts[k]),
        )
        if d is not None and d <= limit and (best is None or d < best[1]):
            best = (k, d)
    return best


@pytest.fixture(params=[False, True], ids=["index", "bulk"])
def bulk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Both paths: the comment-by-comment index, and bulk mode (forced) for any size."""
    if request.param:
        monkeypatch.setattr(walk_module, "BULK_MIN_COMMENTS", 0)
    return request.param


def both(thread: Thread, monkeypatch: pytest.MonkeyPatch) -> tuple:
    indexed = dedupe(thread)
    with monkeypatch.context() as patch:
        patch.setattr(Index, "near_of", pairwise_near_of)
        oracle = dedupe(thread)
    return indexed, oracle


def test_index_finds_exactly_what_comparing_every_pair_finds(
    monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    thread, _ = build_thread(1500, seed=5)
    indexed, oracle = both(thread, monkeypatch)
    assert indexed == oracle
    assert indexed[1].by_kind.get("near", 0) > 50


def test_index_is_exact_on_many_misspelt_copies_of_long_comments(
    monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    # 150-400 words: budgets of 6 to 16 misspellings, spread out or in clusters.
    rng = random.Random(3)
    letters = "abcdefghijklmnopqrstuvwxyz"
    texts = []
    for _ in range(4):
        words = ["".join(rng.choices(letters, k=rng.randint(5, 9))) for _ in range(97)]
        base = [words[i % 97] for i in range(rng.randint(150, 400))]
        texts.append(" ".join(base))
        for _ in range(30):
            copy = list(base)
            at = rng.randrange(len(copy) - 20)
            for _ in range(rng.randint(1, 20)):
                i = at + rng.randrange(20) if rng.random() < 0.5 else rng.randrange(len(copy))
                w = copy[i]
                j = rng.randrange(1, len(w) - 1)
                copy[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]  # two letters swapped
            texts.append(" ".join(copy))
    thread = Thread(comments=tuple(Comment(id=f"c{i}", text=t) for i, t in enumerate(texts)))
    indexed, oracle = both(thread, monkeypatch)
    assert indexed == oracle
    assert 20 < indexed[1].by_kind.get("near", 0) < 120


def test_candidate_cap_keeps_many_similar_comments_linear() -> None:
    # Far more similar comments than the cap shares segments with: nothing is folded (14 of 200
    # words differ), and the work stays bounded (each lookup meets at most the cap).
    thread = similar_comments(3 * POSTINGS_CAP)
    out, report = dedupe(thread)
    assert report.removed == ()
    index = Index(0.85)
    for c in thread.comments:
        index.keep(c.id, c.text, index.encode(c.text))
    assert max(len(p) for t in index.tables[200] for p in t.values()) <= POSTINGS_CAP


def test_a_misspelt_copy_is_found_past_the_cap() -> None:
    # The original is among the first comments sharing its segments, so the cap keeps it.
    rng = random.Random(1)
    thread = similar_comments(3 * POSTINGS_CAP)
    copy = near_edit(thread.comments[0].text, 2, rng)
    comments = (*thread.comments, Comment(id="copy", text=copy))
    _, report = dedupe(Thread(comments=comments))
    assert [(r.id, r.kind, r.duplicate_of) for r in report.removed] == [("copy", "near", "c1")]


def test_one_very_long_comment_and_its_copy() -> None:
    # 16,000 words: the index cuts it into 641 segments; a copy with misspellings is found.
    thread = long_comment(16_000)
    text = thread.comments[0].text
    words = text.split()
    for i in range(0, len(words), 50):
        w = words[i]
        if len(w) >= 5 and not protected(w) and w not in FUNCTION_WORDS:
            words[i] = words[i][0] + words[i][2] + words[i][1] + words[i][3:]
    copy = Comment(id="c2", text=" ".join(words))
    out, report = dedupe(Thread(comments=(*thread.comments, copy)))
    assert [(r.id, r.kind) for r in report.removed] == [("c2", "near")]


def test_each_comment_is_compared_with_at_most_the_candidate_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.dedupe.index as index_module

    calls: list[int] = []
    real = index_module.Hamming

    class Counting:
        @staticmethod
        def distance(a: str, b: str, score_cutoff: int) -> int:
            calls[-1] += 1
            return real.distance(a, b, score_cutoff=score_cutoff)

    near_of = Index.near_of

    def counted(self: Index, code: str, text: str) -> tuple[int, int] | None:
        calls.append(0)
        return near_of(self, code, text)

    monkeypatch.setattr(index_module, "Hamming", Counting)
    monkeypatch.setattr(Index, "near_of", counted)
    monkeypatch.setattr(index_module, "CANDIDATES_CAP", 40)
    dedupe(similar_comments(300, words=60, changed=4))
    assert max(calls) == 40  # reached, never passed
