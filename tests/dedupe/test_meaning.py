"""The meaning guard: two comments are one only when what differs cannot change what they say."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dedupe import dedupe, is_typo, normalize
from bot.thread import Comment, Thread

BASE = "I think remote work should be allowed for all our engineers"


def pair(a: str, b: str, authors: tuple[str, str] = ("Alice", "Bob")) -> Thread:
    return Thread(
        comments=(
            Comment(id="c1", text=a, author=authors[0]),
            Comment(id="c2", text=b, author=authors[1]),
        )
    )


def folded(a: str, b: str) -> bool:
    _, report = dedupe(pair(a, b))
    return bool(report.removed)


def test_the_issue_example_keeps_bob_and_his_view() -> None:
    # issue 9: Bob's negation was removed as a near duplicate; "1 participants".
    bob = "I think remote work should not be allowed for all our engineers"
    out, report = dedupe(pair(BASE, bob))
    assert report.removed == ()
    assert [c.author for c in out.comments] == ["Alice", "Bob"]
    assert out.participants == ["Alice", "Bob"]


@pytest.mark.parametrize(
    "edited",
    [
        BASE.replace("should", "should not"),
        BASE.replace("should", "shouldn't"),
        BASE.replace("should", "should never"),
        BASE.replace("I think", "I don't think"),
        BASE.replace("I think", "I do think"),
        BASE.replace("for all", "for none of"),
        BASE.replace("allowed", "disallowed"),
        BASE.replace("remote work should", "remote work cannot"),
        "I think remote work should be allowed without all our engineers",
        "Neither remote work nor office work should be allowed for all our engineers",
        "Nobody thinks remote work should be allowed for all our engineers",
    ],
)
def test_a_negation_keeps_two_comments(edited: str) -> None:
    assert not folded(BASE, edited)


def test_do_and_dont_differ_after_apostrophes_vanish() -> None:
    # normalize drops apostrophes ("don't" -> "dont"); "do"/"dont" and "can"/"cant" still differ.
    assert normalize("I don't agree") == "i dont agree"
    a = "We do want the new policy applied to every single team"
    assert not folded(a, a.replace("do", "don't"))
    b = "We can afford the new policy for every single team this year"
    assert not folded(b, b.replace("can", "can't"))
    assert not folded(b, b.replace("can", "cant"))


NUMBERS = "The budget grew by 1000 dollars in the last three years of the plan"


@pytest.mark.parametrize(
    "edited",
    [
        NUMBERS.replace("1000", "1001"),
        NUMBERS.replace("1000", "100"),
        NUMBERS.replace("three", "four"),
        NUMBERS.replace("three", "thirty"),
        NUMBERS.replace("the last", "the first"),
    ],
)
def test_a_number_keeps_two_comments(edited: str) -> None:
    assert not folded(NUMBERS, edited)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("I agree with Mark that the new schedule is better for everyone", "Mary"),
        ("We should move the whole team to Austria before the next summer", "Australia"),
        ("Honestly I think that Anna has the strongest argument in this thread", "Anne"),
    ],
)
def test_a_name_keeps_two_comments(a: str, b: str) -> None:
    first = next(w for w in a.split() if w[0].isupper() and w != a.split()[0] and w != "I")
    assert not folded(a, a.replace(first, b))


@pytest.mark.parametrize(
    "edited",
    [
        BASE.replace("remote", "hybrid"),
        BASE.replace("engineers", "managers"),
        BASE.replace("should", "must"),
        BASE.replace("should", "could"),
        BASE.replace("all", "some"),
        BASE.replace("allowed", "allowed soon"),
        BASE.replace("remote work", "work remote"),
        "I think remote work should be allowed for all our engineers and designers",
        "Remote work should be allowed for all our engineers",  # "I think" dropped
    ],
)
def test_any_other_content_word_keeps_two_comments(edited: str) -> None:
    assert not folded(BASE, edited)


@pytest.mark.parametrize(
    ("a", "b"),
    [("possible", "impossible"), ("moral", "amoral"), ("likely", "unlikely"),
     ("legal", "illegal"), ("must", "most"), ("would", "could"), ("three", "there"),
     ("never", "ever"), ("dont", "done"), ("2020", "2021"), ("is", "in")],
)  # fmt: skip
def test_words_that_are_not_misspellings_of_each_other(a: str, b: str) -> None:
    assert not is_typo(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("allowed", "alowed"), ("engineers", "engineres"), ("receive", "recieve"),
     ("definitely", "definately"), ("because", "becuase"), ("think", "thinkk")],
)  # fmt: skip
def test_misspellings(a: str, b: str) -> None:
    assert is_typo(a, b)


@pytest.mark.parametrize(
    "copy",
    [
        "i think remote work should be alowed for all our engineers",  # a misspelling
        "I THINK REMOTE WORK SHOULD BE ALLOWED FOR ALL OUR ENGINEERS!!!",  # case, punctuation
        "I think **remote work** should be allowed for all our engineers.",  # markup
        "Um, I think remote work should basically be allowed for all our engineers",  # filler
        "> I think remote work should be allowed for all our engineers\n+1",  # a bare quote
        "I  think remote   work should be allowed\nfor all our engineers",  # white space
        "I think remote work should be allowed for all our engineeers lol",  # all of it
    ],
)
def test_copies_that_cannot_say_anything_else_are_folded(copy: str) -> None:
    out, report = dedupe(pair(BASE, copy))
    assert [(r.id, r.duplicate_of, r.author) for r in report.removed] == [("c2", "c1", "Bob")]
    assert out.comments[0].authors == ["Alice", "Bob"]  # Bob still counts


def test_two_people_writing_i_agree_are_two_agreements() -> None:
    out, report = dedupe(pair("I agree", "I agree"))
    assert report.by_kind == {"exact": 1}
    assert out.comments[0].authors == ["Alice", "Bob"]
    assert out.participants == ["Alice", "Bob"]


def test_a_capitalized_word_after_a_filler_at_a_sentence_start_is_no_name() -> None:
    a = "School uniforms make schools safer for students. Students cannot wear gang colors."
    b = "School uniforms make schools safer for studnets. Um, Students cannot wear gang colors."
    assert folded(a, b)


_WORD = st.sampled_from(
    "remote work should be allowed for all engineers people office week days Friday customers "
    "phone rested productive think agree policy team budget".split()
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_WORD, min_size=6, max_size=40),
    st.integers(0, 40),
    st.sampled_from(["not", "never", "no", "don't", "can't", "without", "nobody", "7", "three"]),
    st.booleans(),
)
def test_a_negation_or_number_added_or_swapped_in_is_never_folded(
    words: list[str], at: int, word: str, replace: bool
) -> None:
    at %= len(words)
    edited = list(words)
    if replace:
        edited[at] = word
    else:
        edited.insert(at, word)
    a, b = " ".join(words), " ".join(edited)
    _, report = dedupe(pair(a, b))
    assert report.removed == () or normalize(a) == normalize(b)
