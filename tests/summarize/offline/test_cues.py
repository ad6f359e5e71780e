"""Stage 1: stance cues read from a comment's own words."""

from __future__ import annotations

import pytest

from bot.summarize.offline.cues import PARENT, is_junk, named_person, negates, read_cue
from bot.summarize.text import sentence_spans


def cue_of(text: str):
    return read_cue(text, sentence_spans(text))


@pytest.mark.parametrize(
    "text",
    [
        "I disagree, customers expect us to answer the phone on Fridays.",
        "No way, the workload would just get squeezed into four longer days.",
        "That's wrong: the crashes were at the junction.",
        "not true, the bridge is open, I drove over it an hour ago",
        "Fake. That photo is from 2019.",
        "please no, I'm allergic and we share one open floor",
        "nah ranked is the only reason i log in",
        "lol the trail crew i volunteer with disagrees, we fix the same corners",
        "Counterpoint: the edge cases were written down in our old tests.",
        "That's an old photo from the 2019 floods.",
        "Unconfirmed, the police have said nothing yet.",
        # a project's vote
        "-1 from me. Two enterprise distros still ship 3.8 until 2027.",
        "-1, the distros still ship it",
        "Strong -1 (binding): it breaks the API.",
        "NAK, this breaks the ABI.",
    ],
)
def test_disagreement_cues_anywhere_with_no_words_in_common(text: str) -> None:
    cue, disagrees = cue_of(text)
    assert cue is not None and cue.sign < 0 and disagrees


@pytest.mark.parametrize(
    "text",
    ["source?", "Where did you hear that? Nothing on the district site yet.", "Really?"],
)
def test_queries_doubt_the_claim(text: str) -> None:
    cue, disagrees = cue_of(text)
    assert cue is not None and cue.kind == "query" and cue.sign < 0 and disagrees


@pytest.mark.parametrize(
    "text",
    [
        "I agree with Alice, people would be more rested and productive.",
        "+1",
        "This.",
        "@zeph same, casual queue is chaos",
        "Yes, got the text from the school 10 minutes ago.",
        "honestly yes drop it, my friends quit after 3 games",
        "Exactly, renewables are cheaper.",
        "LGTM, ship it",
    ],
)
def test_agreement_cues(text: str) -> None:
    cue, disagrees = cue_of(text)
    assert cue is not None and cue.sign > 0 and not disagrees


def test_agreement_turned_by_a_contrast_is_a_concession_with_its_clause() -> None:
    text = "I agree the model is role-playing, but with real consequences it does not matter."
    cue, disagrees = cue_of(text)
    assert cue is not None and cue.kind == "concession" and cue.sign < 0 and disagrees
    assert cue.agreement is not None
    assert text[cue.agreement[0] : cue.agreement[1]] == "I agree the model is role-playing"


@pytest.mark.parametrize(
    "text",
    [
        "Support, but phase it in over two years so the breeders can build up stock.",
        "I support the zone, but only if it runs Monday to Friday. Weekends are fine.",
        "Support, though I would keep the maypole on the green and walk up afterwards.",
    ],
)
def test_a_vote_for_the_proposal_with_a_condition_is_support(text: str) -> None:
    cue, _ = cue_of(text)
    assert cue is not None and cue.sign > 0 and cue.kind == "agree"


def test_an_agreement_with_a_but_that_votes_nothing_stays_a_concession() -> None:
    for text in (
        "Agreed, but the council can't afford it this year.",
        "Fair point from Sam about the top four. Still rather keep it though.",
    ):
        cue, _ = cue_of(text)
        assert cue is not None and cue.kind == "concession", text


def test_yes_and_no_is_partial_not_agreement() -> None:
    cue, _ = cue_of("Yes and no. The chains of thought match the actions.")
    assert cue is not None and cue.sign < 0


def test_no_cue_in_an_argument_and_agree_to_disagree_is_none() -> None:
    assert cue_of("Remote work improves focus because there are fewer interruptions.")[0] is None
    cue, disagrees = cue_of("We will have to agree to disagree on this one.")
    assert cue is None and not disagrees


def test_named_person_and_what_naming_says() -> None:
    names = {"alice": "Alice", "bob smith": "Bob Smith", "dario": "Dario", "jake": "Jake"}

    def named(text: str):
        return named_person(text, 0, len(text), names)

    assert named("I agree with Alice, people would be more rested.") == ("Alice", 0)
    assert named("@Bob Smith that's wrong") == ("Bob Smith", 0)
    assert named("what Dario said") == ("Dario", 1)
    assert named("+1 to alice, also the rooms have carpets") == ("Alice", 1)
    assert named("I'm with Dario, run it in the park instead.") == ("Dario", 1)
    assert named("same as Jake, my shop lost a whole Sunday") == ("Jake", 1)
    assert named("Jake's right though, small shops get nothing.") == ("Jake", 1)
    assert named("Dario is wrong about the roof.") == ("Dario", -1)
    assert named("Strongly agree with the parent.") == (PARENT, 0)
    assert named("I disagree with the previous commenter on costs.") == (PARENT, 0)
    assert named("I agree with everyone here.") == (None, 0)


def test_negated_restatement() -> None:
    a = "I think remote work should be allowed for all our engineers"
    assert negates("I think remote work should not be allowed for all our engineers", a)
    assert negates("I don't think remote work should be allowed for all our engineers", a)
    assert not negates(a, a)
    assert not negates("Remote work is not for everyone, and the office is closed", a)


@pytest.mark.parametrize(
    "text",
    [
        "Test 123141235",
        "test",
        "hi everyone",
        "Good morning all!",
        "https://example.com/some/page",
        "\U0001f602",
        "<:pepe:123456789>",
        "thanks!",
        "",
    ],
)
def test_junk(text: str) -> None:
    assert is_junk(text)


@pytest.mark.parametrize(
    "text",
    [
        "Testing shows the new build is slower on ARM.",
        "Hi, I think the four-day week would hurt support.",
        "Thanks, but the numbers say otherwise: support tickets doubled.",
    ],
)
def test_not_junk(text: str) -> None:
    assert not is_junk(text)


@pytest.mark.parametrize(
    "text",
    [
        "-1 degrees tonight, stay in",
        "We won 2-1 on Saturday.",
        "Set the offset to x-1.",
        "Nak is my cousin's name",
    ],
)
def test_a_minus_one_that_is_a_number_is_no_vote(text: str) -> None:
    assert cue_of(text)[0] is None
