"""Sides on the shapes real threads have: argument collections that restate or deny the opening
claim, question openers answered by picks, rumours with @mentions and doubters, meetings with a
chair and titled speakers, and Reddit / Hacker News trees whose title is the question."""

from __future__ import annotations

from bot.summarize.offline import assign_sides
from bot.summarize.offline.claim import read_claim, stance
from bot.summarize.text import sentence_spans
from bot.thread import Comment, Thread


def thread(*lines: str, source: str = "paste", title: str | None = None, **replies: str) -> Thread:
    comments = []
    for n, line in enumerate(lines, 1):
        author, sep, text = line.partition(": ")
        if not sep:
            author, text = "", line
        comments.append(
            Comment(id=f"c{n}", author=author or None, text=text, reply_to=replies.get(f"c{n}"))
        )
    return Thread(comments=tuple(comments), source=source, title=title)


def forum(lines: list[tuple[str, str, str | None]], title: str) -> Thread:
    """A Discourse topic of (author, text, parent id) posts: ids p1, p2, ...; p1 is the post."""
    return Thread(
        comments=tuple(
            Comment(id=f"p{n}", author=author, text=text, reply_to=parent)
            for n, (author, text, parent) in enumerate(lines, 1)
        ),
        source="discourse",
        title=title,
    )


def pasted(*lines: str) -> Thread:
    """A paste with no authors (each line may lead with a respondent's label): ids c0, c1, ..."""
    return Thread(
        comments=tuple(Comment(id=f"c{n}", author=None, text=t) for n, t in enumerate(lines)),
        source="paste",
    )


def sides(t: Thread) -> list[int | None]:
    return assign_sides(t)


def apart(got: list[int | None], a: int, b: int) -> bool:
    """Whether comments `a` and `b` are both on a side, and not the same one."""
    return got[a] is not None and got[b] is not None and got[a] != got[b]


def cue(text: str):
    """The cue `read_cue` finds in a comment of `text`."""
    from bot.summarize.offline.cues import read_cue

    return read_cue(text, sentence_spans(text))[0]


def claim_stance(claim: str, text: str) -> int:
    parsed = read_claim(claim)
    assert parsed is not None, claim
    return stance(parsed, text, sentence_spans(text))


def test_the_claims_predicate_negated_is_against_and_restated_with_a_reason_is_for() -> None:
    claim = "Cities should ban cars from the old town."
    assert claim_stance(claim, "Cars should not be banned from the old town, deliveries die.") == -1
    assert claim_stance(claim, "We shouldn't ban cars there: the buses are full already.") == -1
    assert claim_stance(claim, "Cars should really be banned, the air is filthy.") == 1
    assert claim_stance(claim, "Cars should be banned because kids walk to school there.") == 1
    # The claim as a subject is about its consequences; a shared topic word is no stance.
    assert claim_stance(claim, "Banning cars would empty the shops on the square.") == 0
    assert claim_stance(claim, "Cars are noisy and the old town is tiny.") == 0
    # A question or a condition states nothing; a bare restatement may be another sense.
    assert claim_stance(claim, "Should cars really be banned?") == 0
    assert claim_stance(claim, "If cars are banned, where do I park?") == 0
    # Without an auxiliary, a denial needs one ("does not cut"); "it's a tax" is no restatement.
    claim = "The congestion charge cuts traffic in the centre."
    assert claim_stance(claim, "The congestion charge does not cut traffic, people just pay.") == -1
    assert claim_stance(claim, "The charge really cuts traffic, my bus is ten minutes faster.") == 1
    assert claim_stance(claim, "It's a charge on the poor, full stop.") == 0


def test_a_question_title_is_answered_by_repeating_or_denying_its_predicate() -> None:
    claim = "Is cereal a soup? Asking for a friend"
    assert claim_stance(claim, "It's a soup. Milk is the broth, end of story.") == 1
    assert claim_stance(claim, "Not a soup. Soup is cooked.") == -1
    assert claim_stance(claim, "Gazpacho is a soup and nobody cooks that.") == 0


def test_an_argument_collection_without_replies_gets_two_sides_from_its_restatements() -> None:
    t = thread(
        "We should scrap the school run drop-off zone.",
        "The drop-off zone should be scrapped, because idling cars poison the playground.",
        "We should not scrap the drop-off zone, parents with toddlers have nowhere else to stop.",
        "Scrapping the zone would push the cars onto the side streets.",
        "The drop-off zone really should be scrapped; the crossing is chaos at 8.45.",
        "Honestly the zone should never be scrapped, it is the only safe place to stop.",
    )
    got = sides(t)
    assert got[0] is not None and got[1] == got[0] and got[4] == got[0]
    assert got[2] is not None and got[2] != got[0] and got[5] == got[2]
    assert got[3] is None  # the claim as a subject: a consequence, no stance


def test_competing_answers_to_a_which_question_are_the_camps() -> None:
    t = thread(
        "Hana: Team lunch on Friday, tacos or ramen?",
        "Olu: Tacos, obviously. The ramen place takes forty minutes.",
        "Pia: ramen for me, it's supposed to rain",
        "Quin: I'd go with tacos, they do a vegan plate",
        "Rafe: My vote is ramen. Tacos every week gets old.",
        "Hana: booking at 12:30 either way",
    )
    got = sides(t)
    assert got[1] is not None and got[3] == got[1]
    assert got[2] is not None and got[2] != got[1] and got[4] == got[2]
    assert got[0] is None and got[5] is None


def test_picking_something_else_answers_a_yes_no_question_no() -> None:
    t = thread(
        "Ines: Should we switch the team wiki to Notion?",
        "Joss: I'd stick with Confluence, the Jira links alone are worth it.",
        "Kai: Notion for me, search in Confluence is hopeless.",
        "Lev: I vote Confluence, nobody wants another migration.",
    )
    got = sides(t)
    assert got[2] is not None  # the opener only asks: it may be on no side
    assert got[1] is not None and got[1] != got[2] and got[3] == got[1]


def test_rumour_doubters_mentions_and_a_yes_to_a_doubter() -> None:
    t = thread(
        "newsy: the old cinema on Dock Street is being turned into flats, work starts in May",
        "Ulla: @newsy where did you hear that?",
        "Vik: Can confirm, my uncle is on the planning committee.",
        "Wes: @Vik that application was refused last year, not approved.",
        "Xan: It's true, the notice went up on the door this morning.",
    )
    t = t.model_copy(
        update={
            "comments": tuple(
                c.model_copy(update={"reply_to": "c2"}) if c.id == "c5" else c for c in t.comments
            )
        }
    )
    got = sides(t)
    # "Can confirm" confirms the report; "It's true" replying to a doubter answers what was
    # asked about; "@Vik ..., not approved" is a reply to Vik that contrasts.
    assert got[0] is not None and got[2] == got[0] and got[4] == got[0]
    assert got[1] is not None and got[1] != got[0] and got[3] == got[1]


def test_an_additive_mention_is_not_a_contrast() -> None:
    t = thread(
        "Yan: the new ranked map is way too dark to see anyone",
        "Zoe: nah it's fine, turn your gamma up",
        "Abe: @Yan and the minimap doesn't even show the stairs",
    )
    got = sides(t)
    assert got[2] is None or got[2] == got[0]


def test_a_meeting_with_a_chair_titles_and_addressed_turns() -> None:
    t = thread(
        "Chair: Next item, the proposal to close the branch library on Sundays.",
        "Cllr Amadi: I propose we close it on Sundays. Footfall is under thirty people a day.",
        "Ms Varga: I take the point Councillor Amadi makes about footfall, but Sunday is the "
        "only day shift workers can come in.",
        "Dr Lund: I would like to build on what Councillor Amadi said: the savings keep the "
        "mobile library running.",
        "Mr Osei: With respect, the mobile library does not stop anywhere near the estate.",
        "Chair: Thank you. We will vote after the break.",
    )
    got = sides(t)
    assert got[1] is not None and got[3] == got[1]
    assert got[2] is not None and got[2] != got[1] and got[4] == got[2]
    assert got[5] is None


def test_a_tree_titled_with_a_claim_and_no_post_text() -> None:
    def hn(n: int, text: str, author: str, parent: int | None = None) -> Comment:
        return Comment(
            id=f"hn{n}",
            text=text,
            author=author,
            reply_to=f"hn{parent}" if parent else None,
            url=f"https://news.ycombinator.com/item?id={n}",
        )

    t = Thread(
        comments=(
            hn(
                2,
                "Static typing really catches bugs early, because the compiler sees every "
                "call site.",
                "a1",
            ),
            hn(
                3,
                "Static typing does not catch the bugs that matter; logic errors type-check.",
                "b1",
            ),
            hn(4, "This. Our worst outage passed every type check.", "b2", 3),
            hn(5, "Anyone have numbers on this?", "c1"),
        ),
        source="hackernews",
        title="Static typing catches bugs early",
        url="https://news.ycombinator.com/item?id=1",
    )
    got = sides(t)
    # The first top-level comment is one answer to the title, not the question's own post.
    assert apart(got, 0, 1)
    assert got[2] == got[1] and got[3] is None


def test_a_disagreement_about_the_topic_answers_the_opening_claim() -> None:
    t = thread(
        "Offices should install standing desks for everyone.",
        "There is little real evidence that standing desks improve health.",
        "Standing desks are expensive to buy for a whole floor.",
    )
    got = sides(t)
    assert apart(got, 0, 1)
    assert got[2] is None  # no evidence of a stance: on no side


def test_a_forum_reply_that_answers_back_is_weak_disagreement_and_one_that_adds_is_not() -> None:
    def rd(n: str, text: str, author: str, parent: str | None = None) -> Comment:
        return Comment(
            id=f"reddit_t1_{n}",
            text=text,
            author=author,
            reply_to=f"reddit_t1_{parent}" if parent else "reddit_t3_p",
        )

    post = Comment(id="reddit_t3_p", text="Title says it all.", author="op")
    t = Thread(
        comments=(
            post,
            rd("a", "Pineapple on pizza is great, because the sweet cuts the salty ham.", "x1"),
            rd("b", "Fruit belongs in a dessert. Mango on lasagne would be a crime.", "x2", "a"),
            rd("c", "Also the acidity balances the cheese, a chef told me that.", "x3", "a"),
        ),
        source="reddit",
        title="Pineapple is great on pizza",
    )
    got = sides(t)
    assert apart(got, 1, 2)
    assert got[3] is None or got[3] == got[1]


def test_sides_answering_a_which_question_are_labelled_with_the_options() -> None:
    from bot.summarize.offline import summarize_offline

    t = thread(
        "Hana: Team lunch on Friday, tacos or ramen?",
        "Olu: Tacos, obviously. The ramen place takes forty minutes to serve a table of six.",
        "Pia: ramen for me, it's supposed to rain and the taco truck has no seats",
        "Quin: I'd go with tacos, they do a vegan plate now",
    )
    summary, notes = summarize_offline(t)
    assert [s.label for s in summary.sides] == ["Tacos", "Ramen"]
    assert any("pick a side" in note for note in notes)


def test_taking_the_point_of_a_named_speaker_but_is_a_concession_to_them() -> None:
    t = thread(
        "Ms Reyes: The parish should sell the old school hall to pay for the new roof.",
        "Mr Pike: For the record, the roof leaks onto the organ every time it rains.",
        "Mr Dunne: I take the point of Ms Reyes, but the hall is the only space the youth "
        "club has left.",
        "Mrs Kaur: I agree with Mr Dunne, and the roof can wait another winter.",
    )
    got = sides(t)
    assert apart(got, 0, 2)
    assert got[3] == got[2]


def test_an_answer_naming_one_option_picks_it_and_a_later_mention_does_not_switch() -> None:
    t = thread(
        "Ines: ok folks, the offsite is in May. which city are we booking, lisbon or porto?",
        "Ravi: porto. cheaper flights and the venue has a terrace",
        "Ines: i'd actually rather lisbon, more direct trains for the people coming by rail",
        "Kato: agree with Ravi, we did lisbon two years ago",
        "Mara: lisbon gets my vote, the hotel is next to the station",
        "Ravi: the trains to lisbon are slower than the flight anyway",
    )
    placed = sides(t)
    assert placed[1] is not None and placed[2] is not None and placed[1] != placed[2]
    assert placed[3] == placed[1]  # agrees with Ravi (porto)
    assert placed[4] == placed[2]  # names lisbon only
    assert placed[5] == placed[1]  # Ravi's later mention of lisbon argues against it
    # A refusal names an option to pick the other; a question or both options pick nothing.
    from bot.summarize.offline.cues import named_option

    options = ("lisbon", "porto")
    assert named_option("not lisbon, too hot", [(0, 19)], options) == "porto"
    assert named_option("lisbon or porto, both fine", [(0, 26)], options) is None
    assert named_option("is porto even cheaper?", [(0, 22)], options) is None


def test_an_exports_category_and_channel_path_is_never_the_question() -> None:
    from bot.summarize.offline.extraction import question

    assert not question("Class / general", [], None).startswith("Class")
    assert not question("governance / weekly-meeting", [], None).startswith("governance")
    assert question("Should the library open on Sundays?", [], None).startswith("Should")


def test_a_meetings_rebuttals_are_disagreement_with_the_person_named() -> None:
    t = thread(
        "Chair: Item 2 is the plan to close the branch library on Mondays.",
        "Oduya: The library is empty on Mondays, we counted eleven visitors in a month.",
        "Brennan: I'd like to answer Councillor Oduya directly. Those counts leave out the "
        "homework club.",
        "Lutz: With respect to Ms Brennan, the homework club meets on Tuesdays.",
        "Farah: I'm with Brennan, the counts were taken in August.",
        "Chair: With respect to the time, we'll take one more.",
    )
    placed = sides(t)
    assert placed[1] is not None and placed[2] is not None and placed[1] != placed[2]
    assert placed[3] == placed[1]  # answers Brennan with "With respect to Ms Brennan,"
    assert placed[4] == placed[2]
    from bot.summarize.offline.cues import read_cue

    text = "I appreciate the data, Superintendent, but one school tells us little."
    cue, _ = read_cue(text, sentence_spans(text))
    assert cue is not None and cue.sign < 0
    text = "With respect to the budget, the numbers are in the annex."
    cue, _ = read_cue(text, sentence_spans(text))
    assert cue is None or cue.sign >= 0  # "regarding", not a rebuttal


def test_chat_spelling_of_a_denial_and_the_claims_verb_in_another_form_still_count() -> None:
    assert claim_stance("Voting should be compulsory.", "voting shouldnt be compulsory, ever") == -1
    assert claim_stance("Voting should be compulsory.", "voting should really be compulsory") == 1
    claim = "Zoos should be phased out because the enclosures are tiny."
    assert claim_stance(claim, "We should not phase them out, kids learn there.") == -1
    assert claim_stance(claim, "Zoos are fun and the cafe is nice.") == 0


def test_reddit_verdicts_answer_the_poster_not_the_last_speaker() -> None:
    t = thread(
        "AITA for not inviting my cousin to my wedding? She said my fiance was boring in front "
        "of everyone.",
        "NTA. your wedding, your guest list.",
        "YTA, a little. family is family and one comment is not a crime.",
        "NTA, she insulted your partner in public.",
        "ESH honestly. you could have talked to her first.",
    )
    placed = sides(t)
    assert placed[1] == placed[3] and placed[1] is not None
    assert placed[2] == placed[4] and placed[2] is not None and placed[2] != placed[1]


def test_a_rumours_deniers_answer_the_rumour_whoever_spoke_last() -> None:
    t = thread(
        "Gus: The ferry to the island is being scrapped in March, my aunt works at the port.",
        "Ola: makes sense, they cut the winter sailings already",
        "Pia: thats false, the council renewed the contract last month",
        "Ned: sounds right to me, the boat is ancient",
        "Ivy: source? nothing on the council site",
    )
    placed = sides(t)
    assert placed[0] is not None and placed[2] is not None and placed[0] != placed[2]
    assert placed[4] == placed[2]  # doubts the report, not Ned


def test_a_yes_after_a_how_question_agrees_with_someone_not_with_a_claim() -> None:
    t = thread(
        "Kim: how do you keep a sourdough starter alive over a holiday?",
        "Lou: put it in the fridge, it sleeps for two weeks easily",
        "Max: yep, fridge. feed it once before you go",
        "Kim: oh nice, trying that",
    )
    placed = sides(t)
    assert placed[1] is None or placed[1] == placed[2]
    assert len({p for p in placed if p is not None}) <= 1  # Q&A, nobody disagrees


def test_a_negative_contraction_is_never_the_claims_verb() -> None:
    # "We shouldn't ban kites" turns on "ban": a later "don't" is no restatement of it.
    parsed = read_claim("We shouldn't ban kites on the beach.")
    assert parsed is not None and parsed.verbs == frozenset({"ban"})
    assert claim_stance("We shouldn't ban kites on the beach.", "I don't fly kites, lol.") == 0


def test_a_reply_ending_in_nt_is_no_contrast() -> None:
    # "went", "point", "front": only a real negative contraction ("don't", "dont") is one.
    from bot.summarize.offline.cues import reply_contrast

    assert reply_contrast("my cousin went to the front desk and they said yes", False) is None
    assert reply_contrast("they dont open on sundays", False) is not None
    assert reply_contrast("they don't open on sundays", False) is not None


def test_an_argument_list_whose_opening_argues_takes_its_motion_from_a_later_line() -> None:
    # No line says "I agree"; the opening argues for a motion it never states, a later line
    # rejects the motion in so many words and another proposes it.
    t = thread(
        "Mandatory swimming lessons make kids safe around every lake and river.",
        "Parents already pay for lessons, the state has better things to fund.",
        "swimming lessons shouldnt be mandatory, some kids are terrified of water",
        "Drowning is a leading cause of death for children and lessons cut it.",
        "Swimming lessons should be mandatory in every primary school, full stop.",
    )
    got = sides(t)
    assert apart(got, 0, 2)
    assert got[4] == got[0]
    assert got[1] is None and got[3] is None  # no words for or against: on no side


def test_a_chair_naming_the_proposer_puts_the_proposer_with_the_proposal() -> None:
    t = thread(
        "chair: Welcome all. Agenda: 1) budget 2) proposal 7 from rafa: move meetups to Sundays",
        "rafa: Short version: Fridays clash with half the members' shifts.",
        "ines: I agree with rafa, Sundays work for me.",
        "tomas: I am against a move, Sundays are family time for most of us.",
    )
    got = sides(t)
    assert got[1] is not None and got[1] == got[2] and got[3] is not None and got[3] != got[1]


def test_support_for_the_proposal_in_a_later_sentence_is_a_vote_not_an_answer_to_the_last() -> None:
    t = thread(
        "Dana: Proposal: the library opens on Sunday afternoons from March.",
        "Eli: I'm against the Sunday opening, staff need one day off together.",
        "Fay: Eli raises staffing and that matters, but we can hire two weekend staff. "
        "I support the proposal.",
    )
    got = sides(t)
    assert got[0] is not None and got[2] == got[0] and got[1] is not None and got[1] != got[0]


def test_minutes_in_reported_speech_know_who_spoke_and_how_they_voted() -> None:
    t = thread(
        "Minutes of the allotment society, 3 May. Ms Ode in the chair. Item 2, a ban on "
        "bonfires on the plots.",
        "Mr Lamb spoke in favour. He said smoke drifts into the houses on Mill Lane.",
        "Mrs Rye said she disagreed with Mr Lamb. Bonfires are the only way to burn diseased wood.",
        "Dr Cole supported the proposal and said the council collects green waste anyway.",
        "Mr Penn said he agreed with Mrs Rye and that a ban would be unenforceable.",
    )
    got = sides(t)
    assert got[1] is not None and got[3] == got[1]
    assert got[2] is not None and got[2] != got[1] and got[4] == got[2]


def test_a_caveat_in_answer_to_a_how_question_is_no_camp() -> None:
    t = thread(
        "sam: how do you keep a sourdough starter alive over a holiday?",
        "kit: put it in the fridge, it sleeps for two weeks fine",
        "sam: thanks, that worked",
        "lou: just dont leave it more than a month",
        c4="c3",
    )
    assert len({s for s in sides(t) if s is not None}) < 2


def test_a_deliberations_votes_in_few_words_take_sides_on_the_proposal() -> None:
    # "Against.", "I'm against as well", "Still no.", "I have reservations", "Then I support it."
    t = thread(
        "Facilitator: Proposal: a late-night bus on Fridays, paid from the parking fund.",
        "Ann: I'm in favour. Shift workers walk home at 2am now.",
        "Bo: Against. The parking fund pays for the pothole repairs.",
        "Cy: I'm against as well, nobody rides a bus at 3am.",
        "Di: I agree with Ann. My son works nights at the hospital.",
        "Ed: Then I support it. The hospital shifts settle it for me.",
        "Fi: I have strong reservations about the cost.",
        "Bo: Still no.",
    )
    got = sides(t)
    yes, no = got[1], got[2]
    assert yes is not None and no is not None and yes != no
    assert got[4] == yes and got[5] == yes
    assert got[3] == no and got[6] == no and got[7] == no


def test_a_rumour_called_a_parody_or_a_rumour_is_denied_and_has_anyone_checked_doubts_it() -> None:
    t = thread(
        "ana: the ferry to the island is being scrapped next spring, heard it at the harbour",
        "ben: makes sense, they cut the winter sailings already",
        "cy: has anyone actually checked with the ferry company?",
        "di: till someone official says it, it's a rumour",
        "eve: the 'harbour news' page that posted it is a parody account lol",
    )
    got = sides(t)
    assert apart(got, 0, 3)
    assert got[2] == got[3] and got[4] == got[3]


def test_an_argument_list_marked_pro_and_con_is_sorted_by_its_marks() -> None:
    marked = thread(
        "(+) the four-day week cuts commuting and emissions",
        "(-) customers expect answers on Fridays",
        "(+) rested staff make fewer mistakes",
        "(-) the same work squeezed into four days means longer, worse days",
    )
    got = sides(marked)
    assert apart(got, 0, 1)
    assert got[2] == got[0] and got[3] == got[1]
    headed = thread(
        "Pros:",
        "the four-day week cuts commuting and emissions",
        "rested staff make fewer mistakes",
        "Cons:",
        "customers expect answers on Fridays",
    )
    got = sides(headed)
    assert got[1] is not None and got[1] == got[2] and got[4] is not None and got[4] != got[1]
    # One "Pro:" in a chat is a word, not a list.
    assert len({s for s in sides(thread("ann: pro: cheap", "bo: sure")) if s is not None}) < 2


def test_answers_to_anyone_know_what_it_was_are_no_camps_but_a_reports_are() -> None:
    # "Anyone know what it was?" asks for facts: a caveat answering it is no camp. "Screenshot
    # says X. Anyone know more?" passes on a report: doubting it takes a side.
    asked = thread(
        "ana: huge bang just now, windows rattled. anyone know what it was?",
        "bo: fireworks at the rugby club maybe",
        "ana: didn't know they did fireworks on a tuesday",
        c3="c2",
    )
    assert len({s for s in sides(asked) if s is not None}) < 2
    reported = thread(
        "ana: screenshot going round says the lido closes for good in May. Anyone know more?",
        "bo: source? the council site says it reopens in June",
        "ana: it's just a screenshot, I can't find the original",
        "bo: that's not a source, stories vanish in a day",
        c2="c1",
        c3="c2",
        c4="c3",
    )
    got = sides(reported)
    assert apart(got, 0, 1)


def test_a_stated_vote_is_not_turned_by_a_later_sentence_against_the_other_side() -> None:
    t = thread(
        "Facilitator: Recommendation 2 would close the old pier to cars. Support, oppose?",
        "Uma: Thank you. I support the proposal. The pier shakes when a van goes over. "
        "I don't see why we'd wait for it to fall in.",
        "Vic: I'm against it, the fishermen need to drive to their boats.",
    )
    got = sides(t)
    assert apart(got, 1, 2)
    # Uma is for the recommendation (side 0, the question's); the chair takes no side.
    assert got[1] == 0 and got[0] is None


def test_an_answer_replying_to_the_question_is_no_contrast_with_the_asker() -> None:
    t = thread(
        "mo: tent or hammock for the coast trip? can't carry both",
        "ny: hammock. lighter, but you need two trees",
        "oz: tent, there are no trees on the dunes",
        "ny: hammock still, the campsite has a pine wood",
        c2="c1",
        c3="c1",
    )
    got = sides(t)
    assert apart(got, 1, 2)
    assert got[0] is None  # the asker picked nothing


def test_an_option_is_the_word_before_what_the_question_is_for() -> None:
    from bot.summarize.offline.cues import question_options

    assert question_options("tent or hammock for the coast trip?") == ("tent", "hammock")
    assert question_options("Python or Rust for the new CLI?") == ("python", "rust")
    assert question_options("the lake cabins or the city hotel?") == ("cabin", "hotel")


def test_a_person_who_changes_their_mind_speaks_for_the_other_side_from_then_on() -> None:
    t = thread(
        "hal: the mayor just resigned, it's all over twitter",
        "ivy: fake. that account is a parody, look at the handle",
        "hal: it's got 40k followers though",
        "jo: her real page has her at a conference an hour ago",
        "hal: ok I stand corrected, deleting my share",
    )
    got = sides(t)
    assert apart(got, 0, 1)
    assert got[4] == got[1]  # the retraction is on the deniers' side
    assert got[2] == got[0]  # what hal said before it stays where it was
    from bot.summarize.offline.cues import retracts

    assert retracts("ok i've been had") and retracts("You've convinced me, fair.")


def test_options_offered_after_their_own_verbs_are_what_follows_each_preposition() -> None:
    from bot.summarize.offline.cues import question_options

    asked = "should support live in GitHub Discussions or stay here in the Discord help channel?"
    assert question_options(asked) == ("discussion", "discord")
    assert question_options("Do we host on Fly or move to a VPS?") == ("fly", "vps")


def test_an_option_named_to_be_refused_or_asked_about_in_passing_is_no_pick_of_it() -> None:
    from bot.summarize.offline.cues import named_option

    options = ("discussion", "discord")

    def named(text: str) -> str | None:
        return named_option(text, sentence_spans(text), options)

    assert named("Discord also isn't indexed and needs an account to read") == "discussion"
    assert named("Discord gets the same spam, we ban two bots a week") == "discord"
    assert named("then add a bot that copies threads to Discussions? keep help where it is") is None


def test_naming_an_option_picks_it_only_in_a_persons_first_answer() -> None:
    t = thread(
        "Nadia: Should support live in GitHub Discussions or in the Discord help channel?",
        "Ferris: Discussions. Answers there are searchable, Discord answers vanish.",
        "Kobe: Discord. People want an answer in ten minutes, not on Tuesday.",
        "Rasmus: The community is here though, three thousand people in this server.",
        "Lila: ok then Discussions, that's basically a Q&A site for us",
        "Rasmus: Also Discussions spam is a real thing on my other project.",
    )
    got = sides(t)
    assert apart(got, 1, 2)
    assert got[4] == got[1]  # Lila's first answer picks Discussions
    assert got[5] != got[1]  # Rasmus names Discussions to argue against it: no pick of it


def test_a_named_persons_point_called_the_real_one_is_agreement_with_them() -> None:
    from bot.summarize.offline.cues import named_person

    names = {"lucia": "Lucia", "sam": "Sam"}
    text = "lucia's point is the real one. it's not Friday, it's the on-call hours"
    assert named_person(text, 0, len(text), names) == ("Lucia", 1)
    text = "Sam's idea is a good one, let's try it"
    assert named_person(text, 0, len(text), names) == ("Sam", 1)
    text = "fair, Lucia's point about the job title is pretty convincing actually"
    assert named_person(text, 0, len(text), names) == ("Lucia", 1)


def test_a_numbered_list_shows_no_list_numbers_in_the_question_or_the_quotes() -> None:
    from bot.summarize.offline import summarize_offline

    t = thread(
        "1. We should introduce a universal basic income.",
        "2. a basic income gives people the security to retrain or start a business",
        "3. It would cost far more than the current welfare budget and taxes would rise.",
        "4. automation is going to remove millions of jobs and people need an income",
    )
    summary, _ = summarize_offline(t)
    assert summary.question == "We should introduce a universal basic income."
    texts = {c.id: c.text for c in t.comments}
    quotes = [q for s in summary.sides for p in s.points for q in p.quotes]
    assert quotes
    for quote in quotes:
        assert quote.text in texts[quote.comment_id]  # still verbatim
        assert not quote.text[:1].isdigit(), quote.text


def test_more_ways_of_saying_one_changed_ones_mind() -> None:
    from bot.summarize.offline.cues import retracts

    assert retracts("ok you win, double elim it is")
    assert retracts("you've changed my mind on this")
    assert retracts("I'm coming round to it, the report is more convincing than I thought")
    assert not retracts("I haven't changed my mind")
    assert not retracts("nothing here has changed my mind")


def test_they_said_the_same_about_another_case_is_no_agreement() -> None:
    assert cue("They said the same about pedestrianising Bridge St and footfall went up.") is None
    heard = cue("I heard the same from a teller last week.")
    assert heard is not None and heard.sign > 0


def test_a_person_who_moves_to_supporting_the_proposal_is_for_it_from_then_on() -> None:
    t = thread(
        "Chair: The proposal is to turn the Market Street car park into a shaded park.",
        "Lena: I don't support it as it stands, the traders would lose a third of trade.",
        "Hugh: Agree with Lena, street trees on the roads would do most of the cooling.",
        "Fatima: I support it. The car park is the hottest surface in town.",
        "Hugh: Reading the report now and it's more convincing than I thought. "
        "I'll move to supporting it with the blue badge bays kept.",
    )
    got = sides(t)
    assert apart(got, 1, 3)
    assert got[2] == got[1]  # Hugh agreed with Lena
    assert got[4] == got[3]  # then moved to supporting it


def test_a_mention_with_a_verdict_is_the_verdict() -> None:
    from bot.summarize.offline.cues import named_person

    names = {"coach dee": "Coach Dee", "lars": "Lars"}
    text = "@Coach Dee is right, heat exhaustion is no joke"
    assert named_person(text, 0, len(text), names) == ("Coach Dee", 1)
    text = "@Lars bring the kids, the 5k group goes slower"
    assert named_person(text, 0, len(text), names) == ("Lars", 0)


def test_yeah_right_alone_is_sarcasm() -> None:
    for text in ("yeah right 🙄", "Yeah, right.", "yeah right lol"):
        sarcasm = cue(text)
        assert sarcasm is not None and sarcasm.sign < 0, text
    agreeing = cue("yeah right, and the council agreed")
    assert agreeing is not None and agreeing.sign > 0


def test_a_no_answering_a_doubters_question_answers_what_was_asked() -> None:
    t = thread(
        "news: BREAKING: a great white was spotted off Harbour Beach this morning",
        "club: This is false. Beach is open, it was dolphins.",
        "news: UPDATE: the council confirms the beach was closed after a shark sighting.",
        "mel: is it confirmed as a great white or not? your headline says great white",
        "club: No. We checked the drone footage, it was dolphins.",
        c2="c1",
        c4="c3",
        c5="c4",
    )
    got = sides(t)
    assert apart(got, 0, 1)
    assert got[3] == got[1]  # the doubter is with the club, whose "No." answers her question


def test_options_that_are_what_the_asker_might_do_are_the_verbs() -> None:
    from bot.summarize.offline.cues import question_options

    assert question_options("Should OP overpay the mortgage or invest the spare money?") == (
        "overpay",
        "invest",
    )
    assert question_options("should we keep the old logo or commission a new one?") == (
        "keep",
        "commission",
    )
    assert question_options("Do I buy a MacBook or a ThinkPad?") == ("macbook", "thinkpad")


def test_a_title_that_asks_a_or_b_gives_the_options_and_the_asker_takes_no_camp() -> None:
    t = thread(
        "sally: Mortgage is 210k at 4.6% fixed, 400 a month spare. Thinking I should overpay.",
        "fired: At 4.6% I'd overpay. That's a guaranteed, tax free return.",
        "crumbs: Invest in the ISA, then pay a lump sum off when the fix ends.",
        "sally: oh that's a good point, I hadn't thought about flexibility",
        "quiet: Agree with crumbs. Also check the rate after fees.",
        source="reddit",
        title="Overpay mortgage or invest? 34, 400/month spare",
        c4="c3",
    )
    from bot.summarize.offline import summarize_offline

    got = sides(t)
    assert apart(got, 1, 2)
    assert got[4] == got[2]  # quiet agrees with crumbs
    assert got[0] == got[2]  # naming "overpay" in her post put the asker in no camp; agreeing did
    labels = [side.label for side in summarize_offline(t)[0].sides]
    assert sorted(labels) == ["Invest", "Overpay"]  # the sides are the options picked


def test_a_handle_is_named_by_its_first_piece_and_without_u_slash() -> None:
    t = thread(
        "u/bumble_and_bramble: Did No Mow May again, counted four times the bees on my lawn.",
        "u/soil_nerd: I disagree, the study behind it was retracted for data errors.",
        "u/meadow_maker: I agree with bumble, leaving flowers in a cold spring obviously helps.",
        "u/soil_nerd: fair point u/meadow_maker about cold springs, I'll give you that. but "
        "cutting every two weeks is better for bees.",
    )
    got = sides(t)
    assert apart(got, 0, 1)
    assert got[2] == got[0]  # "bumble" names u/bumble_and_bramble
    assert got[3] == got[1]  # a concession to meadow_maker, then "but": still against


def test_retracted_about_a_study_is_no_change_of_mind() -> None:
    from bot.summarize.offline.cues import retracts

    assert not retracts("retracted or not, my own count is my own count")
    assert retracts("Retracted.")
    assert retracts("retracting my earlier comment, I misread the chart")


def test_a_corroboration_backs_the_report_not_the_last_speaker() -> None:
    t = thread(
        "Ana: The credit union is closing the high street branch in March, staff were told.",
        "Ben: That's not true, they just renewed the lease.",
        "Cat: Heard the same from a teller last week, they were told to expect changes.",
    )
    got = sides(t)
    assert apart(got, 0, 1)
    assert got[2] == got[0]  # backs Ana's report, though Ben spoke last


def test_consultation_responses_led_by_respondent_labels() -> None:
    lines = (
        "Planning application 26/0417: one 67 m wind turbine at Crag End Farm",
        "R1 (resident, Hollins Lane): I object. The turbine would be visible from every window.",
        "R2 (resident, Mill Row): I support the application. The community fund is generous.",
        "R3 (resident, Hollins Lane): Strongly oppose. Noise and shadow flicker for 25 years.",
        "R4 (resident, Top Road): Support. Renewables have to go somewhere windy.",
        "R5 (resident, Church Street): As R1 says, the view is the village's main asset.",
        "R6 (village hall committee): We agree with R2. The hall roof needs replacing.",
        "R7 (resident, Mill Row): Object. The fund is a sweetener.",
    )
    # Pasted as plain lines: no authors, each line led by the respondent's label.
    t = Thread(comments=tuple(Comment(id=f"c{n}", text=x) for n, x in enumerate(lines, 1)))
    got = sides(t)
    assert apart(got, 1, 2)
    assert got[3] == got[1] and got[7] == got[1]  # "Strongly oppose.", "Object."
    assert got[4] == got[2]  # "Support."
    assert got[5] == got[1]  # "As R1 says"
    assert got[6] != got[7] and got[6] == got[2]  # "We agree with R2"


def test_respondent_labels_need_a_number_or_a_role_and_a_thread_without_authors() -> None:
    from bot.summarize.offline.reading import respondent_labels

    labelled = [
        Comment(id="c1", text="R1 (resident): I object."),
        Comment(id="c2", text="Respondent 2: I support it."),
    ]
    assert respondent_labels(labelled) == [("R1", 15), ("Respondent 2", 14)]
    prose = [
        Comment(id="c1", text="Proposal: move the long run to 7am."),
        Comment(id="c2", text="Item 4: the skate park."),
        Comment(id="c3", text="Edit (later): I meant June."),
    ]
    assert respondent_labels(prose) == [None, None, None]
    authored = [Comment(id="c1", author="Ann", text="R1 (resident): I object."), labelled[1]]
    assert respondent_labels(authored) == [None, None]


def test_a_reply_that_denies_what_it_answers_disagrees_with_it() -> None:
    from bot.summarize.offline.claim import denies

    said = "this trade needs to be vetoed. hollis giving up reyes for two bench guys is collusion"
    answer = "its not collusion lol i need depth, i have 3 guys injured"
    assert denies(said, sentence_spans(said), answer, sentence_spans(answer))
    # Agreeing restatements, questions and a "not" about something else deny nothing.
    for other, text in (
        (said, "it is collusion, they're roommates"),
        ("is it collusion?", "its not collusion"),
        (said, "i need depth, the bench is not deep enough"),
    ):
        assert not denies(other, sentence_spans(other), text, sentence_spans(text)), text
    got = sides(
        thread(
            "Gus: the trade should be vetoed. hollis giving up reyes is collusion, theyre mates",
            "Hollis: its not collusion lol i need depth, i have 3 guys injured",
            "Kay: agree with Gus, nobody trades a top 5 RB for two backups",
            "Tuck: agree with Hollis, bad trades arent cheating",
        )
    )
    assert apart(got, 0, 1) and got[2] == got[0] and got[3] == got[1]


def test_votes_in_chat_run_on_lowercase_and_change() -> None:
    # Chat runs its sentences together in lower case: the vote still opens the comment.
    assert cue("I'm against. every server that did this turned into a wall of links").sign == -1
    assert cue("still a no from me").sign == -1
    assert cue("a yes from me, it's overdue").sign == 1
    changed = cue("ok if the bot does the work I'm fine with it. changing my vote to yes")
    assert changed.sign == 1 and changed.about_claim
    assert cue("Switching my vote to no, the costs are too high.").sign == -1
    from bot.summarize.offline.cues import retracts

    assert retracts("changing my vote to yes")


def test_minutes_name_the_mover_and_the_objector() -> None:
    assert cue("Cllr Amadi moved the proposal. She said young people had nowhere to go.").sign == 1
    assert cue("Mr Ng seconded the motion.").sign == 1
    assert cue("Cllr Pethick said he strongly objected. Residents would face noise.").sign == -1
    # "They objected" may report residents, not the speaker's own vote.
    assert cue("They objected when it was last discussed, she said.") is None


def test_fair_point_then_i_still_think_is_a_concession() -> None:
    found = cue("Fair point on recovery. I still think new accounts should get passkeys only.")
    assert found.kind == "concession" and found.sign < 0
    assert cue("Fair point on recovery, the fallback is the weak spot.").sign > 0


def test_trust_me_bro_mocks_a_rumours_source() -> None:
    assert cue("source: trust me bro").sign < 0
    got = sides(
        thread(
            "Zoe: mr hadley is leaving after christmas, my sister heard it in the staff room",
            "Olly: he did say this might be his last year doing the trip 👀",
            "Jas: source: trust me bro",
            "Dev: @Jas exactly",
        )
    )
    assert apart(got, 0, 2) and got[3] == got[2]


def test_a_chat_turn_whose_first_clause_ends_in_though_answers_back() -> None:
    got = sides(
        thread(
            "Kelp: we need to go whitelist only, 3rd griefer this week",
            "Mossy: yes pls, took me 2 hrs to clean spawn",
            "Tater: whitelist kills the server tho. half our regulars found us on the list",
            "Quartz: +1 tater",
        )
    )
    assert apart(got, 0, 2) and got[1] == got[0] and got[3] == got[2]
    # "even though", "as though" and a leading "Though," answer nobody.
    for text in (
        "we should go even though it rains",
        "it looks as though it works",
        "Though, to be fair, it is cheap",
    ):
        got = sides(thread("Kelp: we need to go whitelist only", f"Tater: {text}"))
        assert not apart(got, 0, 1), text


def _offline(t: Thread):
    from bot.summarize.offline import summarize_offline

    return summarize_offline(t)[0]


def test_a_chairs_agenda_is_the_question_and_the_chair_takes_no_side() -> None:
    from bot.summarize.offline.linking import agenda_opening  # noqa: F401  (the rule tested)

    minutes = (
        "Westbury Parish Council: extraordinary meeting, 14 October 2026\n"
        "Item 4: Proposal to build a skate park on the Orchard Road recreation ground",
        "Cllr Amadi moved the proposal. She said young people had nowhere to go.",
        "Cllr Pethick said he strongly objected. Residents would face noise every night.",
        "Cllr Hale agreed with Cllr Pethick that the site was too close to houses.",
        "The Chair put the proposal to the vote: 5 in favour, 3 against. Anyone against? No.",
    )
    t = Thread(
        comments=tuple(Comment(id=f"c{n}", text=text) for n, text in enumerate(minutes, 1)),
        source="paste",
    )
    got = sides(t)
    assert apart(got, 1, 2) and got[3] == got[2]
    assert got[0] is None and got[4] is None  # the header and the chair are on no side
    summary = _offline(t)
    assert (
        summary.question == "Proposal to build a skate park on the Orchard Road recreation ground"
    )
    assert summary.sides[0].label.startswith("For: Proposal to build a skate park")
    # A reported vote is a side's evidence, not its position or a point; the agenda is the
    # question, not an "other point".
    shown = [side.position for side in summary.sides] + [
        quote.text for side in summary.sides for point in side.points for quote in point.quotes
    ]
    assert not any(
        text.startswith(("Cllr Amadi moved", "Cllr Pethick said he strongly")) for text in shown
    ), shown
    assert summary.sides[0].position.startswith("She said young people had nowhere to go")
    assert not any("Item 4" in q.text for p in summary.other_points for q in p.quotes)
    # A chair by role, with courtesies first and the question after a colon.
    t = thread(
        "Facilitator: Morning everyone, welcome to day three. Today we deliberate on the main "
        "question: should the city bring in a £6 daily charge for cars? No votes yet.",
        "Wendy: I'm in favour. The modelling said 18% less traffic.",
        "Rashid: Against. I drive a van into the centre four days a week.",
        "Facilitator: Thanks Rashid. Anyone else?",
    )
    got = sides(t)
    assert apart(got, 1, 2) and got[0] is None and got[3] is None
    assert _offline(t).question == "Should the city bring in a £6 daily charge for cars?"


def test_a_participants_proposal_is_their_side_not_an_agenda() -> None:
    from bot.summarize.offline.linking import agenda_opening
    from bot.summarize.offline.model import Doc

    def opening(speaker: str, text: str) -> bool:
        comment = Comment(id="c1", author=speaker, text=text)
        return agenda_opening(Doc(0, comment, 0, sentence_spans(text), {}, speaker=speaker))

    assert opening("Chair", "Item four, the Mill Road cycle lane. Councillor Brandt, go ahead.")
    assert opening("mod_juniper", "mod meeting thread. proposal from selim: a #self-promo channel")
    assert not opening("Mirela", "Proposal: everyone works from home on Fridays.")
    assert not opening("Chair", "I propose we close the high street to cars on Saturdays.")
    # "holiday lets" is a noun, not "let's".
    assert opening("", "Minutes of the Old Town Residents' Association. Item 3, holiday lets.")


def test_a_persons_side_talk_stays_off_their_side() -> None:
    got = sides(
        thread(
            "Kelp: we should go whitelist only, third griefer this week",
            "Tater: I disagree, half our regulars found us on the public list",
            "Kelp: anyone got spare redstone? need like 2 stacks",
            "Mossy: agree with Kelp, took me 2 hrs to clean spawn",
            "Tater: lol",
            "Tater: nobody fills in forms, a whitelist kills the server",
        )
    )
    assert apart(got, 0, 1) and got[3] == got[0] and got[5] == got[1]
    # A question of fact and a laugh carry no side, though their authors have one.
    assert got[2] is None and got[4] is None


def test_a_rumour_tree_sorts_support_from_denial_and_doubt() -> None:
    # A breaking-news post and its replies, as a social thread has them (reply links).
    for text, sign in (
        ("@BBCBreaking Really?", -1),
        ("are you sure?", -1),
        ("Can anyone confirm?", -1),
        ("pics or it didn't happen", -1),
        ("Doubt it.", -1),
        ("Highly unlikely.", -1),
        ("propaganda", -1),
        ("Stop spreading rumours, the hall is open", -1),
        ("Police have confirmed it", 1),
        ("it's confirmed, the station says so", 1),
    ):
        assert cue(text).sign == sign, text
    assert cue("Police have confirmed it was a hoax") is None
    assert cue("It has not been confirmed").sign == -1
    comments = (
        Comment(id="t0", author="newsdesk", text="BREAKING: the town hall is closing for good."),
        Comment(id="t1", author="amy", text="@newsdesk Really?", reply_to="t0"),
        Comment(id="t2", author="bo", text="Police have confirmed it", reply_to="t0"),
        Comment(id="t3", author="cy", text="Stop spreading rumours, it is open", reply_to="t0"),
        Comment(id="t4", author="di", text="@cy exactly", reply_to="t3"),
        Comment(id="t5", author="ed", text="praying for the staff", reply_to="t0"),
    )
    got = sides(Thread(comments=comments, source="reddit", title="The town hall is closing"))
    assert got[2] == got[0] and apart(got, 0, 1) and apart(got, 0, 3) and got[4] == got[3]


def test_option_questions_read_objects_compounds_and_abbreviations() -> None:
    from bot.summarize.offline.cues import as_option, named_option, question_options

    ask = "training for my first 10k, should i run mornings before work or evenings after?"
    assert question_options(ask) == ("morning", "evening")
    assert question_options("should i learn python or rust?") == ("python", "rust")
    # A verb phrase on the right keeps the verbs as the options.
    assert question_options("Should OP overpay the mortgage or invest the money?") == (
        "overpay",
        "invest",
    )
    options = question_options("just got turbo lantern. controller or keyboard+mouse?")
    assert options == ("controller", "keyboard")
    assert as_option("kb", options) == "keyboard" and as_option("contr", options) == "controller"
    assert as_option("ok", options) is None and as_option("kb", ("keyboard", "kebab")) is None

    def named(text: str, opts: tuple[str, ...]) -> str | None:
        return named_option(text, sentence_spans(text), opts)

    runs = ("morning", "evening")
    assert named("evenings, your body is warm. mornings my legs feel like wood", runs) == "evening"
    assert named("we did mornings last time, fair to do evenings now", runs) is None
    got = sides(
        thread(
            "Mo: just got turbo lantern. controller or keyboard+mouse?",
            "Vex: controller 100%. analog triggers for throttle",
            "Kiri: kb for sure, the wall jumps need exact timing",
            "Lu: kb+m here, every top time is on keyboard",
        )
    )
    assert apart(got, 1, 2) and got[3] == got[2]


def test_a_bare_no_after_a_bare_no_piles_on_but_no_to_a_verdict_answers_it() -> None:
    got = sides(
        thread(
            "Gid: cold pizza > reheated pizza and its not close",
            "Ros: lol no",
            "Pat: nope. soggy crust and congealed cheese",
            "Gid: the cheese firms up and the sauce gets tangier",
        )
    )
    assert apart(got, 0, 1) and got[2] == got[1]
    got = sides(
        thread(
            "Juno: the velvet antlers pulled out of the festival, its all over twitter",
            "Tilly: this is fake, the festival posted a rehearsal clip today",
            "Oskar: nah its real my mate works production",
        )
    )
    assert apart(got, 0, 1) and got[2] == got[0]


def test_a_yes_to_a_side_question_is_no_vote_and_no_its_true_answers_back() -> None:
    assert cue("no its true, I saw the lease docs").sign == -1
    assert cue("who told you that? hr said nothing").kind == "query"
    t = thread(
        "Marta: heads up, facilities told me we're moving to the Oakridge business park",
        "Colm: who told you that? hr said nothing at the all hands",
        "Ines: not true, measuring desks is for the refurb on floor 3",
        "Tomasz: no its true, I saw the lease docs on the printer",
        "Ines: anyone want coffee btw",
        "Dev: yes pls oat",
    )
    got = sides(t)
    assert apart(got, 0, 1) and got[3] == got[0]
    assert got[5] is None  # "yes pls oat" answers the coffee, not the move
    from bot.summarize.offline.linking import _ASKS_ANYONE

    # Chat asks without a question mark.
    assert _ASKS_ANYONE.match("should i screenshot my base just in case 😭")
    assert _ASKS_ANYONE.match("anyone want coffee btw")
    assert not _ASKS_ANYONE.match("someone should ban him")
    # A question put to the one answering asks their view: "yep" agrees.
    got = sides(
        thread(
            "Wren: can study group move from 6pm to 8pm?",
            "Hamid: no, 6 is the only slot I have",
            "Wren: @gabe you good with 8?",
            "Gabe: yep, better actually",
        )
    )
    assert got[3] is not None


def test_a_where_question_after_a_comma_asks_for_help_not_a_view() -> None:
    got = sides(
        thread(
            "Fern: Found this bolt after assembling a wardrobe, where does it go?",
            "Al: Looks like the anti-tip bracket bolt, it goes into the wall bracket.",
            "Fern: there's no bracket in the box though",
            source="reddit",
            c2="c1",
            c3="c2",
        )
    )
    assert not apart(got, 1, 2)


def test_answers_name_an_option_by_another_word_of_it_or_by_its_place() -> None:
    from bot.summarize.offline.cues import option_choices, ordinal_option

    options, aliases = option_choices("Kobo Libra or Kindle Paperwhite for reading in bed?")
    assert options == ("libra", "paperwhite") and aliases["kindle"] == "paperwhite"
    assert aliases["kobo"] == "libra"

    def place(text: str) -> str | None:
        return ordinal_option(text, sentence_spans(text), options)

    assert place("the first one, the buttons are great") == "libra"
    assert place("I'd go with the latter. better store") == "paperwhite"
    assert place("option 2 for sure") == "paperwhite"
    assert place("first time buying one, no idea") is None
    got = sides(
        thread(
            "Mo: Kobo Libra or Kindle Paperwhite for reading in bed?",
            "Ana: kobo, the page buttons are great in bed",
            "Ben: kindle all day, the store is better",
            "Cy: the latter, I read library books through it",
            "Di: the first one, page buttons matter",
        )
    )
    assert apart(got, 1, 2) and got[3] == got[2] and got[4] == got[1]


def test_the_question_drops_chats_lead_in() -> None:
    summary = _offline(
        thread(
            "Marta: heads up, facilities told me we're moving to the Oakridge business park",
            "Colm: not true, hr said nothing at the all hands",
        )
    )
    assert summary.question == "Facilities told me we're moving to the Oakridge business park"


def test_forum_courtesies_compromises_and_a_change_of_mind_against() -> None:
    from bot.summarize.offline.cues import retracts

    assert cue("Respect to you, but I've seen the same argument made for pedestrians").sign < 0
    assert cue("No offence, but that study was tiny").sign < 0
    assert cue("that's a decent compromise tbh").sign > 0
    assert cue("I heard the same thing from my cousin").sign > 0  # corroboration still
    assert retracts("Update: I was for it, but the injury numbers changed my mind")
    comments = (
        Comment(id="p", author="op", text="Helmets should be compulsory for adult cyclists."),
        Comment(id="a", author="vee", text="Agree, helmets work tomorrow.", reply_to="p"),
        Comment(id="b", author="fix", text="Nope, the law cuts cycling.", reply_to="p"),
        Comment(
            id="c",
            author="vee",
            text="Update: I was for it, but the numbers changed my mind. Against now.",
            reply_to="p",
        ),
    )
    thread_ = Thread(comments=comments, source="reddit", title="Compulsory helmets?")
    got = sides(thread_)
    assert apart(got, 1, 2) and got[3] == got[2]  # vee's later view is fix's
    # A person is listed on one side only: where they ended up.
    listed = [side.participants for side in _offline(thread_).sides]
    assert sum("vee" in names for names in listed) == 1
    assert "vee" in listed[got[3]]


def test_a_titles_choice_makes_replies_to_the_post_answers_not_rebuttals() -> None:
    for title in ("Tabs vs spaces", "Tabs or spaces?"):
        comments = (
            Comment(id="reddit_t3_p", author="op", text="Settle it for our team style guide."),
            Comment(
                id="reddit_t1_a", author="ann", text="Tabs, no question.", reply_to="reddit_t3_p"
            ),
            Comment(id="reddit_t1_b", author="bo", text="spaces for me", reply_to="reddit_t3_p"),
        )
        got = sides(Thread(comments=comments, source="reddit", title=title))
        assert apart(got, 1, 2), title


def test_a_versus_question_offers_its_options() -> None:
    from bot.summarize.offline.cues import question_options

    assert question_options("Sub vs dub?") == ("sub", "dub")
    assert question_options("tabs vs spaces") == ("tab", "space")
    got = sides(
        thread(
            "Host: movie night friday!! sub vs dub?",
            "Rin: sub. the japanese voice actor is the whole point",
            "Tobi: dub, half of us watch across the room",
            "Mae: sub!! dubs always lose the jokes",
        )
    )
    assert apart(got, 1, 2) and got[3] == got[1]


def test_the_poster_taking_back_a_report_is_against_it_from_then_on() -> None:
    got = sides(
        thread(
            "Kit: PSA blockhaven is wiping ALL worlds friday, back up your stuff",
            "Rook: source? their channel only has the halloween skins post",
            "Pal: can confirm, my world on the EU node got reset yesterday",
            "Kit: ok rereading the screenshot it's only legacy worlds, probably not ours. my bad",
        )
    )
    assert apart(got, 0, 1) and got[2] == got[0]
    assert got[3] == got[1]  # Kit's later view is Rook's
    # Someone else's "my bad" is no retraction of the report.
    got = sides(
        thread(
            "Kit: PSA blockhaven is wiping ALL worlds friday, back up your stuff",
            "Rook: source? their channel only has the halloween skins post",
            "Pal: oh wait my bad, wrong channel",
        )
    )
    assert got[2] is None or got[2] != got[1]


def test_a_mocking_yes_disagrees_and_a_yes_to_anyones_question_is_no_vote() -> None:
    # An upside-down face or "/s" after a yes, "nothing says ... like": mockery, not agreement.
    assert cue("yeah because console players never cheat with cronus zens 🙃").sign == -1
    assert cue("oh yes nothing says relaxing flight like tuning your TDP in economy").sign == -1
    assert cue("yeah as if that would ever work").sign == -1
    # A plain "yes, because ..." is as often meant; a retraction's face is no yes.
    assert cue("yes, because it saves money").sign == 1
    assert cue("ok fine im wrong, drummer is fine 🙃") is None
    got = sides(
        thread(
            "Vex: ranked should not match console with pc, mouse aim vs a controller is not fair",
            "Lumi: nope. aim assist on controller is stronger than most mouse players up close",
            "Chip: agree with vex, i get lasered from across the map by someone on 240hz",
            "Lumi: yeah because console players never cheat with cronus zens 🙃",
        )
    )
    assert apart(got, 0, 1) and got[2] == got[0] and got[3] == got[1]
    # "yeah there's a shower" answers the question just asked, whatever its words: no vote.
    got = sides(
        thread(
            "Ellie: new job is 7 miles away, should i take the bus or cycle to work?",
            "Lukas: no way, arriving sweaty to a new job is not the vibe",
            "Georgie: do they have showers at work?",
            "Dom: yeah there's a shower and lockers",
        )
    )
    assert got[3] is None


def test_an_option_named_by_a_common_word_and_or_not_questions() -> None:
    from bot.summarize.offline.cues import question_options

    # "Go" is a common word, but capitalised as an option it is a name.
    assert question_options("Ask HN: Go or Elixir for a chat backend?") == ("go", "elixir")
    assert question_options("Should I learn Go or Rust?") == ("go", "rust")
    # "... or not?" asks yes or no: no options.
    assert question_options("Is it worth it or not?") == ()
    got = sides(
        thread(
            "Sam: Go or Elixir for a chat backend?",
            "Bea: Elixir. This is what the BEAM was built for, lightweight processes",
            "Lee: Go. 50k connections is nothing for a single box with goroutines",
            "Ann: Elixir, hot code reloading saved us more than once",
        )
    )
    assert apart(got, 1, 2) and got[3] == got[1]


def test_agreeing_with_the_post_or_the_article_answers_the_opening() -> None:
    got = sides(
        thread(
            "Kim: TDD is a waste of time for most teams, write the code then test what matters",
            "Bo: I disagree, writing the test first forces a design you can test",
            "Cy: For UI and anything touching a database it's mostly friction. I agree with the "
            "post for most teams.",
            "Di: agree with the post above, the test first is the design step",
        )
    )
    assert apart(got, 0, 1) and got[2] == got[0]
    assert got[3] == got[2]  # "the post above" is the one just before


def test_a_reply_that_answers_a_plain_question_is_no_rebuttal() -> None:
    lines = [
        (
            "rmcleod",
            "I got tired of tide websites full of ads, so I wrote a CLI for UK ports.",
            None,
        ),
        ("akovacs", "Does it handle secondary ports, or only the standard ports?", "p1"),
        ("rmcleod", "Standard ports only for now. Secondary ports need another table.", "p2"),
        ("jlind", "Nice. What's the data source for the constants?", "p1"),
        ("rmcleod", "The open data set from the oceanography centre, not the Admiralty one.", "p4"),
    ]
    t = forum(lines, title="Tidewatch, tide tables in your terminal")
    assert len({s for s in sides(t) if s is not None}) < 2
    # A doubting question is answered back: that is still a dispute.
    t = thread(
        "Ana: the council is closing the pier next month",
        "Ben: source? that sounds made up",
        "Ana: it was in the minutes, item 4, not made up",
        source="reddit",
        c2="c1",
        c3="c2",
    )
    assert apart(sides(t), 0, 1)


def test_minutes_with_roles_between_commas_and_two_backed_views_are_two_camps() -> None:
    t = thread(
        "Fernhill Academy, Full Governing Board. Item 5 - proposed change to the school day.",
        "The Chair invited the Headteacher to introduce the proposal, a forty-minute lunch.",
        "The Headteacher said that most behaviour incidents happened late in the lunch hour.",
        "Mrs Harding, parent governor, said that students already queued for twenty minutes.",
        "Mr Castellano, staff governor, agreed with the Headteacher. He said duty staff saw "
        "the same.",
        "Ms Reid, parent governor, agreed with Mrs Harding. She said lunch was the only free "
        "time many students had.",
    )
    got = sides(t)
    assert apart(got, 2, 3)
    assert got[4] == got[2] and got[5] == got[3]
    assert got[1] is None  # the chair takes no side


def test_a_report_denied_by_name_and_a_doubt_asked_without_its_question_mark() -> None:
    claim = "A large sinkhole has opened on Market Street outside the old post office."
    assert claim_stance(claim, "It's a burst water main, not a sinkhole. The road lifted.") == -1
    assert claim_stance(claim, "so not a sinkhole then. love a bit of clickbait") == -1
    assert claim_stance(claim, "a hole caused by water is still a sinkhole tbf") == 0
    assert cue("is that confirmed anywhere or just your neighbour").kind == "query"
    assert cue("is that confirmed?").kind == "query"
    assert (
        cue("that is confirmed by the council") is None
        or cue("that is confirmed by the council").kind != "query"
    )


def test_an_opinion_put_up_for_a_fight_has_a_rival_answer() -> None:
    t = thread(
        "Callum: free parking jackpot is the best house rule ever invented, fight me",
        "Niamh: it's literally why monopoly takes 4 hours, nobody ever goes bust",
        "Callum: nobody plays monopoly to finish it quickly lol",
        "Hamza: niamh is right, the official rules are actually decent",
        "Priya: are we doing board games on saturday or not",
        "Hamza: yes, i'm bringing catan so we don't have to argue about this",
    )
    got = sides(t)
    assert apart(got, 0, 1) and got[3] != got[0]  # (not with the report)
    # Without the fight, a first answer is no rival camp: "Release is out" has none.
    t = thread(
        "Callum: the new monopoly edition is out this week",
        "Niamh: it has a speed die, games take an hour now",
        "Hamza: niamh is right, the speed die is great",
    )
    assert len({s for s in sides(t) if s is not None}) < 2


def test_someone_elses_agreeing_is_no_agreement_and_an_answer_to_a_request_no_contrast() -> None:
    assert cue("Agreed, a Big Mac is a step too far").sign == 1
    assert cue("Mr Castellano agreed with the Headteacher.").sign == 1
    said = cue("You can think that, but it still breaks the rules you agreed to when you paid")
    assert said is None or said.sign < 0
    assert cue("as agreed, the rota starts monday") is None
    lines = [
        ("gannet", "Our manager wants everyone pairing 6 hours a day. Thoughts?", None),
        ("mireille", "Six hours a day is brutal, I was drained for a year.", "p1"),
        (
            "dusty",
            "Does anyone have a remote pairing tool they like? Screen share lag kills it.",
            "p1",
        ),
        (
            "oakley",
            "We use the one built into the editor, it shares the session not the screen.",
            "p3",
        ),
    ]
    t = forum(lines, title="Full-time pairing")
    assert len({s for s in sides(t) if s is not None}) < 2  # answers a request: no dispute


def test_a_vote_cast_in_so_many_words_in_any_sentence_is_on_the_proposal() -> None:
    said = cue("So it costs us £600 before anyone has earned a penny. I'll be voting no.")
    assert said.sign == -1 and said.about_claim
    said = cue("Flats only, 30 nights cap. That seems reasonable and I'd vote for it.")
    assert said.sign == 1 and said.about_claim
    assert cue("who are you voting for") is None
    got = sides(
        thread(
            "Sec: Proposal from two members - allow short-term sublets of rooms, 30 nights a year.",
            "Fen: I'm away six weeks a year and the room sits empty while I pay full charges.",
            "Mar: A friend staying is a different thing from a business, letting sites wreck "
            "blocks.",
            "Rosa: Self-contained flats only, levy to repairs. Seems fair and I'd vote for it.",
            "Oye: So insurance costs us £600 before anyone earns a penny. I'll be voting no.",
        )
    )
    assert apart(got, 3, 4)


def test_a_kialo_export_and_numbered_for_against_marks() -> None:
    from bot.summarize.offline import summarize_offline

    lines = [
        "Discussion Title: Should e-scooter rental schemes be banned from city centres?",
        "1. E-scooter rental schemes should be banned from city centres.",
        "1.1. Pro: Scooters dumped across pavements are a hazard for blind people.",
        "1.1.1. Con: That is a parking problem, not a scooter problem.",
        "1.2. Con: They replace short car trips, cutting congestion.",
        "1.2.1. Con: Most trips replace walking or the bus, not the car.",
        "1.3. Pro: Injury rates per mile are far higher than for cycling.",
    ]
    t = Thread(
        comments=tuple(Comment(id=f"c{n}", text=text) for n, text in enumerate(lines, 1)),
        source="paste",
    )
    got = sides(t)
    # Kialo marks a claim pro or con the one it answers: "1.1.1. Con" under a pro is against
    # the thesis, "1.2.1. Con" under a con is for it.
    assert got[2] == got[5] == got[6] != got[3] == got[4]
    summary = summarize_offline(t)[0]
    assert summary.question == "Should e-scooter rental schemes be banned from city centres?"
    assert not any(s.label.startswith(("Con:", "Pro:")) for s in summary.sides)
    # The thesis is the claim the labels name, as the question only asks it.
    assert [s.label[:18] for s in summary.sides] == ["For: E-scooter ren", "Against: E-scooter"]
    quotes = [q.text for s in summary.sides for p in s.points for q in p.quotes]
    assert quotes and not any(q.startswith(("Pro:", "Con:", "1.")) for q in quotes)
    got = sides(
        thread(
            "Motion: National parks should charge visitors an entry fee",
            "1. (For) The parks are falling apart and paths cost millions to repair.",
            "2. (Against) The parks were made so that everyone could get to open country.",
            "3. (For) Most other countries charge, and visitor numbers are healthy.",
            "4. (Against) There are hundreds of ways in; collecting a fee costs more.",
        )
    )
    assert apart(got, 1, 2) and got[3] == got[1] and got[4] == got[2]


def test_offers_and_plain_asks_in_a_tree_are_no_rebuttals() -> None:
    lines = [
        ("toaster", "Shout out to the repair cafe, they fixed my 30 year old toaster.", None),
        (
            "tinker",
            "Volunteer here! Thanks for the kind words, we fixed 41 things last month.",
            "p1",
        ),
        ("toaster", "Do you need any more volunteers? I used to repair bikes", "p2"),
        ("kiln", "do they do laptops or just electrical stuff", "p1"),
        ("tinker", "We have one volunteer who does laptops, but only some Saturdays.", "p4"),
    ]
    t = forum(lines, title="The Saturday repair cafe is brilliant")
    assert len({s for s in sides(t) if s is not None}) < 2
    from bot.summarize.offline.linking import _OFFERS_OR_ASKS

    assert _OFFERS_OR_ASKS.match("Do you need any more volunteers? I used to repair bikes")
    assert not _OFFERS_OR_ASKS.match("Do you really think that's fair? Nobody asked us.")


def test_options_named_by_initials_and_a_trailing_first() -> None:
    from bot.summarize.offline.cues import as_option, option_choices

    options, aliases = option_choices("got both in the sale, elden ring or baldurs gate 3 first?")
    assert options == ("ring", "gate")  # "first" says when, it is no option
    assert as_option("bg3", options, aliases) == "gate"
    assert as_option("er", options, aliases) == "ring"
    options, aliases = option_choices("stardew or animal crossing??")
    assert as_option("acnh", options, aliases) == "crossing"
    assert as_option("ok", options, aliases) is None


def test_bare_pro_and_con_headings_sort_a_debate_sites_page() -> None:
    lines = [
        "Should the UK minimum wage be raised to £15 an hour?",
        "PRO",
        "Nobody can live on the current rate, rent takes half a full-time wage.",
        "Low earners spend extra money locally and straight away.",
        "CON",
        "A jump to £15 is over 20% in one go and small businesses would close.",
        "Employers will automate or stop taking on first-jobbers.",
    ]
    got = sides(
        Thread(
            comments=tuple(Comment(id=f"c{n}", text=text) for n, text in enumerate(lines, 1)),
            source="paste",
        )
    )
    assert apart(got, 2, 5) and got[3] == got[2] and got[6] == got[5]


def test_the_head_of_a_compound_option_and_a_camp_named_in_a_stance_phrase() -> None:
    from bot.summarize.offline.cues import as_option

    assert as_option("van", ("tent", "campervan"), {}) == "campervan"
    assert as_option("ent", ("tent", "campervan"), {}) is None  # too short a head
    got = sides(
        thread(
            "Nell: highlands, one week in may, 3 of us. tent or hire a campervan?",
            "Obi: van. midges. thats the whole answer",
            "Freya: canvas every time, vans are £120 a night to hire and cant do single track",
            "Lachie: van, if it rains for 5 days you'll want a roof that isnt flapping",
        )
    )
    assert apart(got, 1, 2) and got[3] == got[1]
    from bot.summarize.offline.cues import OWN_RETRACTION

    assert OWN_RETRACTION.search("ok thats great news actually. sorry for the panic")


def test_numbered_minutes_with_initials_name_their_speakers() -> None:
    from bot.summarize.offline.cues import REPORTED

    found = REPORTED.match("24.6 H Doyle said the trust faced a £210,000 gap next year.")
    assert found is not None and found.group("name") == "H Doyle"
    found = REPORTED.match("3. R. Banerjee asked whether the figures were final.")
    assert found is not None and found.group("name") == "R. Banerjee"
    assert REPORTED.match("24.2 Apologies were received from S Ogunleye.") is None
    got = sides(
        thread(
            "Item 24.3 - proposal to close the sauna suite to save energy.",
            "24.6 H Doyle said the trust could not justify subsidising a small facility.",
            "24.7 T Nwosu said the sauna was the reason many older members came at all.",
            "24.8 G Whitcombe agreed with H Doyle that the figures were hard to argue with.",
            "24.9 L Ferraro agreed with T Nwosu and said closing it would lose members.",
        )
    )
    assert apart(got, 1, 2) and got[3] == got[1] and got[4] == got[2]


def test_the_poster_answering_a_question_put_to_them_is_no_rebuttal() -> None:
    lines = [
        ("wren", "I built a habit tracker that keeps everything in one plain-text file.", None),
        (
            "elsdon",
            "Is there a way to import from Loop? I have three years of data in there.",
            "p1",
        ),
        ("wren", "Not yet, but Loop exports CSV so it should be a small script.", "p2"),
        ("umaru", "What's the file format? Is it stable enough to script against?", "p1"),
        ("wren", "One line per day. I won't change it without a major version.", "p4"),
    ]
    t = forum(lines, title="Show: Tallow, a plain-text habit tracker")
    assert len({s for s in sides(t) if s is not None}) < 2


def test_an_aside_reply_on_a_forum_is_no_rebuttal() -> None:
    lines = [
        ("bitter", "Kids shouldn't be allowed in pubs after 7pm, a pub is an adult space.", None),
        (
            "halfpint",
            "Hard disagree, half the pubs round me are the only place for sunday dinner.",
            "p1",
        ),
        ("keeper", "Agree with OP. Our licence says under 16s out by 9, I'd move it to 7.", "p1"),
        ("crisp", "peak tripadvisor energy honestly", "p3"),
        ("pork", "Agree with OP, a toddler screamed through the quiz at the pub last night.", "p1"),
        (
            "yorks",
            "In most of Europe kids are in pubs till late and nobody minds, 7pm is silly.",
            "p1",
        ),
    ]
    got = sides(forum(lines, title="Kids shouldn't be allowed in pubs after 7pm"))
    assert apart(got, 0, 1) and got[3] is None  # a laugh beside the case takes no side


def test_an_introductions_thread_has_no_sides() -> None:
    lines = [
        ("admin", "Welcome to everyone who joined this month! Tell us who you are.", None),
        ("ruth", "Hi all, Ruth from Shropshire. Retired teacher, I make bowls on a lathe.", "p1"),
        ("gd", "Welcome Ruth! What lathe did you get?", "p2"),
        ("mike", "Mike here, Minnesota. Building a workbench this winter, not a big one.", "p1"),
        ("hollis", "Hey Mike, that bench is a great first build, but post pictures!", "p4"),
        ("aoife", "Hello from Galway. I do spoon carving mostly, green wood.", "p1"),
        ("gd", "There's a good bookshelf thread from last spring, I'll dig out the link.", "p6"),
    ]
    t = forum(lines, title="Introduce yourself: November 2026")
    assert len({s for s in sides(t) if s is not None}) < 2


def test_a_report_confirmed_or_called_true_in_chat_spelling_and_a_retraction() -> None:
    from bot.summarize.offline.cues import retracts

    assert cue("Confirmed on my side. The postinstall script decodes a blob.").sign == 1
    assert cue("its true my cousin got a letter about parking suspensions").sign == 1
    assert cue("confirmed not happening") is None or cue("confirmed not happening").sign < 0
    assert retracts("OK, I read the diff. That's not a false positive. Retracted.")
    assert retracts("oh ok 2 days for an advert is a bit different, i'll stand down")


def test_an_option_title_is_no_claim_to_restate() -> None:
    lines = [
        ("bramble", "Small team, server-rendered app. Half the team loves Tailwind.", None),
        ("femke", "Plain CSS. Modern CSS has nesting, container queries and layers.", None),
        ("jp", "Tailwind, nobody is scared to delete a class from an element.", None),
        ("lena", "Tailwind, mostly because three devs will write three styles otherwise.", None),
    ]
    t = forum(lines, title="Ask HN: Tailwind or plain CSS for a new project?")
    got = sides(t)
    # Each answer picks an option; naming "plain CSS" is no restatement of a claim.
    assert apart(got, 1, 2) and got[3] == got[2]


def test_a_member_who_remained_opposed_votes_against() -> None:
    said = cue("Cllr Evans said he remained opposed to spending on signs this year at all.")
    assert said is not None and said.sign < 0 and said.about_claim


def test_right_in_chat_spelling_agrees_with_the_one_answered() -> None:
    for text in ("hes right. birds are theropods", "youre right, i checked", "ur right"):
        assert cue(text).sign == 1, text
    assert cue("she is right about that, the numbers add up").sign == 1
    assert cue("hes right wing, ignore him") is None
    assert cue("he's right there in the photo") is None


def test_an_echo_denial_run_on_in_chat_and_an_intensifier_before_the_predicate() -> None:
    from bot.summarize.offline.claim import denies

    other = "leaving someone on read is genuinely rude and i will not be taking questions"
    text = "its not rude its a notification. i'll reply when i have something to say"
    assert denies(other, sentence_spans(other), text, sentence_spans(text))
    got = sides(
        thread(
            "chlo: leaving someone on read is genuinely rude and i will not be taking questions",
            "benji: its not rude its a notification. i'll reply when i have something to say",
            "Imogen: agree with chlo. if you've read it you know i'm waiting",
        )
    )
    assert apart(got, 0, 1) and got[2] == got[0]


def test_minutes_that_sympathise_but_turn_concede() -> None:
    said = cue("Mags Holloway said she sympathised with Hugh, but the church was too cold.")
    assert said is not None and said.kind == "concession" and said.sign < 0
    said = cue("She sympathised with Hugh and said the acoustics mattered most.")
    assert said is not None and said.sign > 0


def test_a_post_that_asks_members_views_is_answered_and_dropping_an_objection() -> None:
    from bot.summarize.offline.cues import retracts

    assert retracts(
        "OK, if there's a paid rota and it's behind the polytunnel, I'll stop objecting."
    )
    assert retracts("Fine, I withdraw my objection.")
    lines = [
        (
            "committee",
            "We've been offered a grant for a compost toilet and want members' views.",
            None,
        ),
        ("bernie", "Yes please. The nearest loo shuts at 3 and I cut my sessions short.", "p1"),
        (
            "sal",
            "Who is going to empty it? Every job here ends up with the same four people.",
            "p1",
        ),
        ("mo", "We had one at my last allotment. Done properly it doesn't smell.", "p1"),
        ("sal", "@mo 'done properly' is doing a lot of work there.", "p4"),
    ]
    got = sides(forum(lines, title="Proposal: a compost toilet by the shed?"))
    assert got[0] is None  # the committee asks; it takes no side
    assert apart(got, 3, 4)  # "done properly" answers back mo; mo answered the post


def test_which_post_doubts_a_report() -> None:
    said = cue("which facebook post? the group page says nothing")
    assert said is not None and said.kind == "query"
    assert cue("which one is better?") is None


def test_does_not_v_denies_a_plain_verb_stated_without_an_auxiliary() -> None:
    from bot.summarize.offline.claim import denies

    other = "it evens out over time tho, next time you'll have the steak"
    for text in (
        "it doesnt even out if you never drink gemma",
        "no it does not even out",
        "it doesn't even out for me",
    ):
        assert denies(other, sentence_spans(other), text, sentence_spans(text)), text
    assert denies("the app works fine", [(0, 18)], "it doesn't work on android", [(0, 26)])
    for other, text in (
        ("it evens out over time", "i don't think so"),  # no verb of it denied
        ("does it even out over time?", "it doesnt even out"),  # a question states nothing
        ("it never evens out", "it doesnt even out"),  # agrees: both deny
        ("she knows the rules", "it doesnt know anything"),  # another subject
    ):
        assert not denies(other, sentence_spans(other), text, sentence_spans(text)), text
    # In a chat, the denial answers the one who said it: two people, two sides.
    got = sides(
        thread(
            "tom: are we splitting evenly on friday or not",
            "Gemma: evenly is easier. it evens out over time anyway",
            "Priyanka: it doesnt even out if you never drink gemma",
        )
    )
    assert apart(got, 1, 2)


def test_not_thinking_the_claim_holds_is_against_it() -> None:
    claim = "The trust should close the sauna to cut costs."
    for text in (
        "I don't think the trust should close the sauna, it is popular.",
        "I do not believe we should close the sauna. It pays for itself.",
        "she did not think the sauna should close outright. Mornings only would save money.",
        "I really dont think it should close, people love it",
    ):
        assert claim_stance(claim, text) == -1, text
    assert claim_stance(claim, "I think the sauna should close. It loses money.") == 1
    assert claim_stance(claim, "I don't think it should not close, it loses money") == 1


def test_the_account_of_what_a_rumour_is_about_denies_it_as_we() -> None:
    got = sides(
        thread(
            "rocky: crux is closing in january, the landlord wont renew the lease",
            "beta: yep my friend who routesets there said they've stopped ordering new holds",
            "Crux Climbing: Hi all! We are NOT closing. We move to a bigger unit on 1 Feb.",
        )
    )
    assert apart(got, 0, 2) and got[0] == got[1]
    # Anyone else's "we" is not the shop's.
    got = sides(
        thread(
            "rocky: crux is closing in january, the landlord wont renew the lease",
            "beta: yep my friend who routesets there said they've stopped ordering new holds",
            "dina: Hi all! We are NOT closing our own gym, we just renewed for ten years.",
        )
    )
    assert not apart(got, 0, 2)


def test_asking_for_something_official_or_the_link_doubts_a_report() -> None:
    for text in (
        "is there anything official or is this all friend of a friend",
        "any official word from the council?",
        "anyone actually got the vod link? the twitch one is deleted",
    ):
        found = cue(text)
        assert found is not None and found.kind == "query", text
    assert cue("I have the link here if anyone wants it") is None
    assert cue("the official opening is on friday") is None


def test_being_unsurprised_by_a_report_believes_it() -> None:
    got = sides(
        thread(
            "onion: the codfather got a zero hygiene rating and has been shut down",
            "grebe: source? the food standards site still shows them on 4",
            "betty: doesnt surprise me tbh, the bins out back have been overflowing",
        )
    )
    assert got[0] == got[2] and apart(got, 1, 2)
    # An answer to someone else is unsurprised by what they said, not by the report.
    got = sides(
        thread(
            "onion: the codfather got a zero hygiene rating and has been shut down",
            "grebe: source? the food standards site still shows them on 4",
            "betty: not surprised, that site is always out of date",
            c3="c2",
        )
    )
    assert got[2] is None or got[2] != got[0]
    # Knowing otherwise is no belief: "I knew it was fake", "not surprised it turned out fake".
    from bot.summarize.offline.linking import _UNSURPRISED

    assert _UNSURPRISED.match("knew it. nobody hits 80% legit")
    assert not _UNSURPRISED.match("I knew it was fake")
    assert not _UNSURPRISED.match("not surprised it turned out fake")


def test_a_report_not_surprising_or_believed_is_backed() -> None:
    got = sides(
        thread(
            "holly: the 12 bus is being pulled in january, driver told me",
            "dave: source? a drivers chat isnt news",
            "penny: wouldnt surprise me, they cut the evening 7 last year",
            "carol: Honestly I believe it. They've had single deckers on it since september",
        )
    )
    assert got[0] is not None and got[2] == got[0] and got[3] == got[0] and apart(got, 1, 2)
    from bot.summarize.offline.linking import _UNSURPRISED

    assert not _UNSURPRISED.match("I believe it was a burst main")
    assert not _UNSURPRISED.match("I can't believe it")


def test_a_number_in_the_claims_subject_names_it() -> None:
    # "the 12" is the number 12 bus: its denial is against the report.
    claim = "The number 12 bus is being withdrawn in January."
    assert claim_stance(claim, "Hi all, the 12 is not being withdrawn. We consult first.") == -1
    assert claim_stance(claim, "the 7 is not being withdrawn, they said") == 0


def test_taking_up_the_others_word_and_denying_it_disagrees() -> None:
    got = sides(
        thread(
            "hattie: we've asked for cash instead of a gift list, we have everything already",
            "sid: fine by me, every wedding I've been to in 5 years has been cash. it's normal",
            "norma: normal doesn't make it polite. a gift is meant to be chosen",
        )
    )
    assert apart(got, 1, 2)
    # Not what it is about ("setup isn't my problem"), nor an answer to what was asked.
    from bot.summarize.offline.linking import _ECHO_DENIAL

    assert _ECHO_DENIAL.match("normal doesn't make it polite")
    assert not _ECHO_DENIAL.match("setup isn't my problem, the monthly reporting is")
    got = sides(
        thread(
            "ann: the cash fund is fine by me, it's normal now",
            "nora: will acrylic shrink in the wash though?",
            "kit: acrylic won't shrink, go down a needle size",
        )
    )
    assert not apart(got, 1, 2)


def test_options_listed_before_which_would_you_take_are_the_choice() -> None:
    from bot.summarize.offline.cues import as_option, option_choices

    options, aliases = option_choices(
        "got laid off. two offers: a contract at £500/day outside IR35, or permanent at £62k "
        "with a pension. which would you take?"
    )
    assert options == ("contract", "permanent")
    assert as_option("perm", options, aliases) == "permanent"  # a prefix of its phrase's word
    got = sides(
        thread(
            "leo: two offers: a contract at £500/day, or permanent at £62k. which would you take?",
            "mari: perm. after a layoff you want stability",
            "gk: contract. £500 a day is like £110k a year",
            "ollie: contract, bank half of it and you have a year of runway",
            "tess: permanent, the pension match alone is worth it",
        )
    )
    assert apart(got, 1, 2) and got[3] == got[2] and got[4] == got[1]


def test_a_chat_turn_ending_its_first_sentence_with_a_name_speaks_to_them() -> None:
    from bot.summarize.offline import _analyse
    from bot.summarize.offline.model import Reporter

    t = thread(
        "moss: toast cut diagonally tastes better and i will not be explaining myself",
        "rennie: straight down the middle so you get soldiers for dipping",
        "kip: it literally cannot taste different moss. same bread",
        "jools: honestly whatever, just make more toast kip",
    )
    docs = _analyse(t, Reporter(None)).docs
    assert (docs[2].target, docs[2].link) == (0, "reply")
    assert (docs[3].target, docs[3].link) == (2, "reply")
    assert docs[1].target is None  # "dipping" names nobody


def test_sorry_but_and_how_is_that_better_disagree() -> None:
    for text in (
        "Sorry but that's the airline's problem, not the person in front's.",
        "I'm sorry love but asking for money on an invitation is rude.",
        "the alternative is 40 people buying us things. how is that any better?",
    ):
        found = cue(text)
        assert found is not None and found.sign < 0, text
    for text in ("sorry but I can't make it on friday", "sorry for the late reply, busy week"):
        assert cue(text) is None, text


def test_a_forum_reply_asking_about_something_is_no_rebuttal() -> None:
    t = forum(
        [
            ("gorse", "Pin third-party actions to a full commit hash. Tags are mutable.", None),
            ("lattice", "Agreed. And let Renovate bump the hashes so you stay current.", "p1"),
            ("marram", "Does Renovate keep the version comment next to the hash? I like it.", "p2"),
            ("lattice", "Yes, it updates the trailing # v4.2.1 comment too.", "p3"),
        ],
        title="Pin CI actions to a hash",
    )
    assert len({s for s in sides(t) if s is not None}) < 2
    # a doubter's question is still a query
    found = cue("Is there an actual source for this? The post links a screenshot.")
    assert found is not None and found.kind == "query"


def test_makes_sense_agrees_unless_it_sets_a_condition() -> None:
    for text in (
        "makes sense tbh, they cut like 300 jobs in the summer, no way theyre hiring grads",
        "ah that makes total sense, thanks",
    ):
        found = cue(text)
        assert found is not None and found.sign > 0, text
    assert cue("makes sense if you live alone") is None


def test_granting_a_point_weighs_less_than_arguing_with_its_camp() -> None:
    got = sides(
        t := thread(
            "knot: soulslikes should have an easy mode, i have a job and a kid",
            "ash: the difficulty is the game though, beating the boss is the whole feeling",
            "knot: an easy mode doesnt take that away from you, you just dont pick it",
            "greaves: summons and spirit ashes already are the easy mode",
            "knot: mimic tear is kind of a fair point ngl",
            "greaves: i agree with ash, the difficulty is what they sell",
            c2="c1",
            c3="c2",
            c5="c4",
        )
    )
    assert apart(got, 0, 1) and got[1] == got[5]
    # The point granted is on the side of the one it is granted to, but its author is listed
    # with their own side.
    assert got[4] == got[3] == got[1]
    from bot.summarize.offline import summarize_offline

    summary, _ = summarize_offline(t)
    listed = {name: i for i, side in enumerate(summary.sides) for name in side.participants}
    assert listed["knot"] != listed["ash"] and listed["greaves"] == listed["ash"]


def test_a_show_and_tell_thread_with_questions_between_makers_has_no_sides() -> None:
    got = sides(
        forum(
            [
                ("forum_bot", "Post what you're working on this week! Photos welcome.", None),
                ("pam", "Finally casting on the fair isle yoke. Two rounds in.", "p1"),
                ("dom", "Socks, as always. Toe-up, 2 at a time on a long circular.", "p1"),
                ("pam", "@dom which cast on do you use for toe up? Mine always look loose.", "p3"),
                ("dom", "Judy's magic cast on, and I tug the first round tighter.", "p4"),
                ("yusuf", "First ever hat. It's enormous. Does acrylic shrink in the wash?", "p1"),
                ("nora", "Acrylic won't shrink, sorry! Frog it and go down a needle size.", "p6"),
            ],
            title="What's on your needles this week?",
        )
    )
    assert len({s for s in got if s is not None}) <= 1, got


def test_should_be_pinned_agrees_and_didnt_know_that_is_no_contrast() -> None:
    found = cue("This is the comment that should be pinned. It takes ten seconds per image.")
    assert found is not None and found.sign > 0
    from bot.summarize.offline.cues import reply_contrast

    assert reply_contrast("Thanks, didn't know that.", quoted=False) is None
    assert reply_contrast("That isn't how screen readers work.", quoted=False) is not None


def test_ready_to_disagree_but_convinced_same_experience_and_the_author_speaking() -> None:
    found = cue("I came in ready to disagree but the section on testing got me.")
    assert found is not None and found.sign > 0
    found = cue("I was going to disagree but no, the numbers don't hold up.")
    assert found is None or found.sign < 0
    found = cue("Same experience here. We had 300 flags and nobody knew which were read.")
    assert found is not None and found.sign > 0
    # On a link story the article's author stands for its title, whoever they answer.
    title = "Feature flags are technical debt"
    got = sides(
        forum(
            [
                ("helena", "Trunk-based development doesn't work without flags.", None),
                ("mkalder", "Author here. We moved to short branches, it works.", "p1"),
                ("ilse", "Strongly disagree with the title. Flags are fine.", None),
            ],
            title=title,
        ).model_copy(update={"source": "hackernews"})
    )
    assert apart(got, 1, 2)
    from bot.summarize.offline.linking import _AUTHOR_HERE

    assert _AUTHOR_HERE.match("Hi HN, author here. Happy to answer questions")
    assert not _AUTHOR_HERE.match("I wrote this comment on my phone, sorry")


def test_a_joke_thread_with_therefore_not_a_granted_point_and_a_switch_of_sides() -> None:
    assert claim_stance("A hot tub is soup.", "nobody eats the hot tub. therefore not soup") == -1
    from bot.summarize.offline.cues import grants_a_point, retracts

    text = "ugh. decorative soup. fine, thats annoyingly good"
    assert grants_a_point(text, sentence_spans(text))
    assert not grants_a_point("thats good for the pool", sentence_spans("thats good for the pool"))
    assert retracts("update i got in my hot tub tonight. i've switched sides. it's soup")
    assert retracts("ok consider me converted")
    assert not retracts("the teams switched ends at half time")


def test_anything_that_changed_ones_mind_and_coming_in_against() -> None:
    from bot.summarize.offline.cues import retracts

    assert retracts("I came in against, honestly. But the bit about the solar changed my mind.")
    assert retracts("the evidence session really changed my mind")
    assert not retracts("nothing in this thread has not changed my mind, sorry")
    assert not retracts("that hasn't changed my mind at all")


def test_a_pasted_hacker_news_page_is_read_as_the_tree_it_is() -> None:
    from bot.ingest import InputSource, parse_source

    page = (
        "Vertical monitors are the best cheap upgrade for programmers (tessellate.example)\n"
        "rpalm 4 hours ago | next [\u2013]\n\n"
        "Been running a monitor in portrait for four years. Seeing a whole function helps.\n\n"
        "reply\n"
        "  kovacs_j 3 hours ago | parent | next [\u2013]\n\n"
        "  Until you open a diff side by side. Then everything wraps.\n\n"
        "  reply\n"
        "    rpalm 3 hours ago | parent | next [\u2013]\n\n"
        "    Unified diffs work fine in portrait.\n\n"
        "    reply\n"
        "dmitri_v 2 hours ago | next [\u2013]\n\n"
        "No. A wide monitor with two panes gives you the same lines of code.\n\n"
        "reply\n"
    )
    t = parse_source(InputSource(name="page.txt", data=page.encode()))
    assert t.source == "hackernews-copy"
    got = sides(t)
    # The top-level "No." answers the story, not rpalm's reply before it.
    assert apart(got, 0, [c.author for c in t.comments].index("dmitri_v"))


def test_a_show_and_tell_thread_gets_no_sides_from_its_chat() -> None:
    # Replies under a "post what you made" opening talk about what was shown; a compliment
    # with a question, or reassurance, is not answering back.
    t = forum(
        [
            ("kiln_club", "Weekly thread. Post what you threw this week, wobbly pots ok.", None),
            ("ada_w", "A set of four mugs in a tenmoku glaze. The handles sag a bit.", None),
            ("bo_k", "Gorgeous glaze! Which cone did you fire to?", "p2"),
            ("ada_w", "Cone 6, slow cool over about eight hours.", "p3"),
            ("cy_m", "My first bowl off the wheel. The base is far too thick.", None),
            ("kiln_club", "Thick bases are normal at first, trim it when leather hard.", "p5"),
            ("cy_m", "Will do next time, cheers.", "p6"),
        ],
        title="What did you throw this week?",
    )
    assert len({s for s in sides(t) if s is not None}) < 2


def test_a_short_compliment_opening_a_reply_is_not_answering_back() -> None:
    # On a forum a reply that neither agrees nor adds answers back; one that opens with
    # praise of what it answers does not.
    t = forum(
        [
            ("ina", "Should the library stay open until 10pm on weekdays?", None),
            ("jon", "Yes, students need somewhere quiet after the cafes close.", "p1"),
            ("kim", "No, the staff costs would eat the book budget.", "p1"),
            ("lee", "Lovely photo of the reading room! Was that taken at night?", "p2"),
        ],
        title="Library opening hours",
    )
    got = sides(t)
    assert apart(got, 1, 2)
    assert got[3] is None


def test_an_echo_agrees() -> None:
    for text in (
        "Same story with our laptops last winter. We now keep spares.",
        "Same.",
        "me too, the second update broke it",
        "Happened to us too, the whole office lost a day.",
    ):
        found = cue(text)
        assert found is not None and found.sign > 0, text
    # Not an echo: a plan, a question, a comparison.
    for text in ("me too if it's after six", "me too?", "The same thing is true of buses."):
        found = cue(text)
        assert found is None or found.sign <= 0 or found.kind != "agree", text


def test_a_first_answer_that_agrees_after_an_aside_leads_no_rival_camp() -> None:
    # "oops 😅 yes, totally agree": the yes is not at the opening of the comment, but it is
    # there; the first answer is no rival view, and nobody disagrees.
    t = thread(
        "Mia: after the gig my ears rang for two days. can we all wear earplugs at practice?",
        "Noor: oops 😅 yes, totally agree, my left ear has been buzzing since june",
        "Oli: +1, the filtered ones are cheap and you still hear everything",
        "Pat: yes from me too, the room is tiny",
        "Mia: great, practice still thursday?",
    )
    assert len({s for s in sides(t) if s is not None}) < 2


def test_a_no_to_a_question_with_an_aside_answers_it() -> None:
    # "is it the blue one? been looking for that" - "no its the red one sorry": an answer, not
    # a disagreement; a chat about what is on offer has no sides.
    t = thread(
        "Rae: dropped off at the tool library: a drill, two saws and a battered ladder",
        "Sol: is the drill the cordless one? been after that",
        "Rae: no its a corded one sorry sol",
        "Tam: I took a saw, left a spirit level instead",
        "Sol: going saturday morning, will bring back the sander",
    )
    assert len({s for s in sides(t) if s is not None}) < 2


def test_a_thread_that_asks_what_is_in_progress_is_a_show_and_tell() -> None:
    t = forum(
        [
            ("loom_lou", "Project thread for May. Post what's on your loom and how it goes.", None),
            ("weft_wes", "A wool scarf in herringbone, about half done.", None),
            ("tabby_t", "Tea towels in cotton. The selvedges are a mess right now.", None),
            ("weft_wes", "Messy selvedges at the start are normal, they settle later.", "p3"),
            ("tabby_t", "Good to hear. Post a photo when the scarf is off.", "p4"),
        ],
        title="What's on your loom in May?",
    )
    assert len({s for s in sides(t) if s is not None}) < 2


def test_strongly_in_favour_and_strongly_against_are_votes() -> None:
    for text, sign in (
        ("Strongly in favour. Our auditors want a stable line.", 1),
        ("Fully in favour, it is overdue.", 1),
        ("Strongly against. Nobody will maintain the old branches.", -1),
        ("Firmly against it.", -1),
    ):
        found = cue(text)
        assert found is not None and found.sign == sign and found.vote, text


def test_minutes_report_votes_on_it_and_kept_or_dropped_objections() -> None:
    for text, sign in (
        ("5.2 The parking warden opposed it: the lane is too narrow.", -1),
        ("Cllr Rowe maintained her objection, saying the budget is spent.", -1),
        ("Mr Tan said he still did not accept it for the main hall.", -1),
        ("Mrs Ode supported it.", 1),
        ("Cllr Hewlett said the council could not justify a sum that size on a trial.", -1),
        ("Mrs Doyle raised concerns about the running costs.", -1),
        ("The first tenor said that with a grant he would support new robes.", 1),
        ("R. Lund asked that her objection be minuted.", -1),
        ("M. Ode said that with a deposit she was content.", 1),
    ):
        found = cue(text)
        assert found is not None and found.sign == sign and found.about_claim, text
    for text in (
        "Mr Ode withdrew his objection.",
        "She said she would not stand in the way.",
        "Cllr Hewlett said he would not oppose a one-year trial.",
    ):
        found = cue(text)
        assert found is not None and found.sign > 0, text


def test_minutes_roles_with_a_possessive_speak_and_a_resolution_is_nobodys_stance() -> None:
    from bot.summarize.offline.cues import REPORTED

    found = REPORTED.match("3.1 The Women's Captain said the group had grown to forty.")
    assert found is not None and found.group("name") == "The Women's Captain"
    found = cue("3.5 The Men's Captain said he could support a six-month trial.")
    assert found is not None and found.sign > 0 and found.about_claim
    for text in ("3.7 Agreed by majority: a six-month trial.", "Agreed unanimously."):
        assert cue(text) is None, text
    found = cue("Agreed. The trial is the sensible way in.")
    assert found is not None and found.sign > 0


def test_a_consultation_response_answers_the_proposal_not_the_response_before() -> None:
    lines = (
        "Response 1 (resident, Mill Lane): I support the scheme. The lane is a rat run at 8am.",
        "Response 2 (resident, Quay Lane): I object. The detour adds a mile to every trip.",
        "Response 3 (bus operator): We agree. Our buses lose five minutes in that queue.",
        "Response 4 (resident, Mill Lane): Strongly agree, the kids can walk to school again.",
    )
    # (pasted as paragraphs: no authors, each response opens with its label)
    t = Thread(
        comments=tuple(Comment(id=f"c{n}", author=None, text=x) for n, x in enumerate(lines, 1)),
        source="paste",
    )
    got = sides(t)
    # "We agree." and "Strongly agree" back the proposal, as Response 1 does, not Response 2.
    assert got[0] is not None and got[2] == got[0] and got[3] == got[0] and apart(got, 0, 1)


def test_no_from_me_and_vote_no_for_me_are_votes_and_dropping_an_objection_concedes() -> None:
    for text, sign in (
        ("Still no from me unless a lawyer looks at the liability side first.", -1),
        ("Yes from me, it is overdue.", 1),
        ("Still think the money is better spent on the mats. Vote no for me", -1),
    ):
        found = cue(text)
        assert found is not None and found.sign == sign and found.vote == 2, text
    found = cue("If the public tracker stays the only tracker, I'd drop my objection.")
    assert found is not None and found.sign > 0


def test_replies_to_a_post_inviting_thoughts_answer_it_and_conceding_a_point_agrees() -> None:
    t = forum(
        [
            (
                "jo",
                "Two auto-belays for the wall, £4,800. Thoughts before the AGM please.",
                None,
            ),
            (
                "bev",
                "We have 14 people on the waiting list who don't have a partner. Buy them.",
                "p1",
            ),
            ("hex", "Members should learn to belay each other, thats the point of a club.", "p1"),
            ("tom", "Still think the money is better spent on mats. Vote no for me", "p1"),
        ],
        title="Auto-belays for the club wall",
    )
    got = sides(t)
    # bev's "don't" is no contrast with the post that asked for views
    assert got[1] is None or got[1] != got[3]
    found = cue("ok I'll concede the solo members point, I hadnt thought about them")
    assert found is not None and found.sign > 0


def test_a_response_is_named_by_its_number_and_sharing_its_concern_agrees() -> None:
    from bot.summarize.offline.cues import named_person

    names = {"response 1": "Response 1", "response 2": "Response 2", "tom": "Tom"}
    for text, found in (
        ("I agree with response 1. The litter is a disgrace.", ("Response 1", 0)),
        ("We share the concern in response 2.", ("Response 2", 1)),
        ("I share the view of Tom on this", ("Tom", 1)),
        ("agree with Tom 100%", ("Tom", 0)),
    ):
        assert named_person(text, 0, len(text), names) == found, text


def test_minutes_speakers_named_by_their_role_are_one_person_each() -> None:
    t = thread(
        "Item 3. The proposal to open the hall on Sundays.",
        "3.1 The hall manager said bookings on Sundays would cover the heating.",
        "3.2 The caretaker opposed it, as he already works six days.",
        "3.3 Mrs Lyle supported the proposal, as the youth club needs the space.",
        "3.4 The caretaker said he still did not accept it without a second caretaker.",
    )
    got = sides(t)
    assert apart(got, 2, 3)
    assert got[4] == got[2]
    from bot.summarize.offline import _analyse
    from bot.summarize.offline.model import Reporter

    docs = _analyse(t, Reporter(None)).docs
    assert docs[2].speaker == docs[4].speaker == "The caretaker"
    assert docs[2].unit == docs[4].unit  # one person, named by their role


def test_asking_where_a_report_is_from_doubts_it() -> None:
    for text in ("since when?? wheres that from", "Where's this from?", "where is that from lol"):
        found = cue(text)
        assert found is not None and found.kind == "query" and found.sign < 0, text


def test_a_reporter_who_owns_the_mistake_takes_the_report_back() -> None:
    # "ok thats on me", "scrap that", "Withdrawn.", "sorry for the noise": from then on of
    # the other view, with whoever denied the report.
    t = thread(
        "Ula: the pool is closing for good in january, saw it on the noticeboard",
        "Vic: where did you see that? the leisure centre site says refurb",
        "Wes: yep closing, the council cut the budget",
        "Xan: nah its a refurb, 6 weeks, my mum works there",
        "Ula: oh. ok thats on me, read it too fast. refurb not closing",
        "Wes: refurb is how it starts",
    )
    got = sides(t)
    assert apart(got, 0, 1) and got[3] == got[1] and got[2] == got[0]
    assert got[4] == got[1]  # the reporter, now with the deniers
    for text in ("scrap that, lectures are staying", "Thanks for the answer. Withdrawn."):
        assert cue(text) is not None, text


def test_a_chat_turn_opening_with_a_bare_name_answers_that_person() -> None:
    # "noor thats not how it works": said to Noor, as "@noor ..." would be, whoever spoke last.
    t = thread(
        "noor: the gym is doubling the membership fee in march, its on their instagram",
        "ivo: oh great, another reason to cancel",
        "kat: where did you see that",
        "noor: the story from yesterday",
        "pim: noor thats not how it works, fees are fixed for a year on your contract",
    )
    from bot.summarize.offline import _analyse
    from bot.summarize.offline.model import Reporter

    docs = _analyse(t, Reporter(None)).docs
    assert docs[4].link == "reply" and docs[4].target in (0, 3)  # noor, or the report itself
    assert docs[4].cue is not None and docs[4].cue.sign < 0
    # A name talked about, not to: "ravel literally said no" answers nobody by name.
    t = thread(
        "ada: the owner is selling the server",
        "ravel: owner here, nobody is selling anything",
        "bo: ada where did that come from",
        "cy: ravel literally said no. can we not",
    )
    docs = _analyse(t, Reporter(None)).docs
    assert docs[3].link != "reply"


def test_a_handle_is_named_by_its_last_part_too() -> None:
    # "kettle_kate" is "kate": "kate's right", "+1 kate" agree with her.
    t = thread(
        "kettle_kate: squeezing the tea bag ruins it, all the bitter tannins come out",
        "dunk_dave: nah, squeeze it or you're binning half the tea",
        "lou_h: kate's right, i tried both and the squeezed one was bitter",
        "brew_b: +1 kate, squeezing gives you furry teeth",
        "nia_s: agree with dave, i like it stewed",
    )
    got = sides(t)
    assert apart(got, 0, 1)
    assert got[2] == got[0] and got[3] == got[0] and got[4] == got[1]


def test_agreeing_with_the_first_post_agrees_with_the_opening() -> None:
    t = thread(
        "Leaving pans to soak overnight is fine, burnt rice comes off in seconds.",
        "> Leaving pans to soak overnight is fine\nIt is not fine when the sink is full for a day.",
        "Agree with the first post. Soaking is chemistry.",
        "I agree with the original poster, nobody scrubs at midnight.",
    )
    got = sides(t)
    assert apart(got, 0, 1)
    assert got[2] == got[0] and got[3] == got[0]


def test_what_the_speaker_would_do_is_their_stance_on_a_proposal() -> None:
    claim = "Night flights should be banned between 11pm and 6am."
    assert claim_stance(claim, "I'd ban them, simple as that.") == 1
    assert claim_stance(claim, "I wouldn't ban them, the freight jobs matter.") == -1
    assert claim_stance(claim, "I'd ban them.") == 0  # bare: no evidence, as before
    # What the speaker would be is no vote on what the claim's subject should be.
    claim = "Leaving the dishes to soak overnight is fine."
    assert (
        claim_stance(claim, "Ok that is a good idea and I'd be fine with it, my issue is the sink.")
        == 0
    )


def test_a_short_aside_by_someone_on_a_side_takes_no_side() -> None:
    # Jase argues; his "sunday works, ill bring it" says nothing on the question.
    t = thread(
        "Kim: we should all wear earplugs at practice, the room is tiny",
        "Jase: no way, i cant hear the drums properly with them in",
        "Lu: agree with kim, my ears rang for two days after sunday",
        "Jase: sunday works, ill bring it",
        "Kim: earplugs with filters fix that, you still hear everything, just quieter",
    )
    got = sides(t)
    assert apart(got, 0, 1) and got[2] == got[0] and got[4] == got[0]
    assert got[3] is None


def test_asking_whether_anyone_has_seen_a_report_doubts_it_and_jumping_the_gun_retracts() -> None:
    found = cue("has anyone actually seen this anywhere? nothing on the club site")
    assert found is not None and found.kind == "query"
    assert cue("have you seen it yet? its great") is None  # a film, not a report
    found = cue("oh. ok that makes sense, i jumped the gun. sorry ana")
    assert found is not None and found.sign > 0


def test_someone_who_would_know_denies_a_report() -> None:
    # "club secretary here. ... has not been sold": a denial of the report, whoever it replies
    # to, even without "fake" or "not true".
    t = thread(
        "stu: the ground's been sold to a developer, 120 houses, club moving out apparently",
        "mo: yeah my cousin said they've been skint for years",
        "len: gutted. 60 years of football on that pitch",
        "sec_hv: club secretary here. the ground is not for sale and has not been sold, we own it",
        "ana: there you go then",
    )
    got = sides(t)
    assert apart(got, 0, 3) and got[1] == got[0]
    # A view argued over is no report: "Licensee here." opens an argument, not a denial.
    t = forum(
        [
            (
                "bev",
                "Not all day. But after 7 a pub is an adult space, kids doing laps of the bar.",
                None,
            ),
            (
                "lee",
                "Licensee here. Our licence says under 16s out by 9, I'd move it to 7. "
                "After 7 the drinking changes and nobody wants kids near that.",
                None,
            ),
        ],
        title="Children should not be allowed in pubs after 7pm",
    )
    from bot.summarize.offline import _analyse
    from bot.summarize.offline.model import Reporter

    docs = _analyse(t, Reporter(None)).docs
    cue_read = docs[1].cue
    assert not (cue_read is not None and cue_read.about_claim and cue_read.kind == "disagree")


def test_who_says_who_they_are() -> None:
    from bot.summarize.offline.linking import _INSIDER

    for text in (
        "club secretary here. the ground",
        "mod for his channel here - he",
        "I work on Inkpad.",
    ):
        assert _INSIDER.match(text), text
    for text in ("Same here, not surprised", "long time lurker here. not sure", "new here, not"):
        assert not _INSIDER.match(text), text


def test_a_monthly_thread_for_your_finds_is_a_show_and_tell() -> None:
    # "Monthly thread for your ...", "post a recap of your ...", "Post the one you're stuck on":
    # each reply shows its own; a reply's "no" or "not" is about what was shown, not a camp.
    for opening in (
        "Monthly thread for your moth trap catches. Say which county and which trap.",
        "Monthly thread: post a recap of your latest moth night, any trap.",
        "Monthly moth thread. Post the moth you're stuck on and anyone can reply.",
    ):
        t = forum(
            [
                ("moth_mod", opening, None),
                ("lamp_len", "Two elephant hawk-moths and a lot of yellow underwings. Kent.", None),
                ("bea_b", "Lovely. Do you not get wasps in the trap?", "p2"),
                ("lamp_len", "Not many, I put it out after dusk and not near the bins.", "p3"),
                ("owl_fly", "Nothing but rain here, no moths at all this month.", None),
                ("bea_b", "My neighbour had a convolvulus hawk-moth, not a bad night.", "p5"),
            ],
            title="Moth trap catches: November",
        )
        assert len({s for s in sides(t) if s is not None}) < 2, opening


def test_rumour_doubters_ask_who_said_and_where_someone_got_it() -> None:
    for text in (
        "who said? the board has dates up to march",
        "where did your cousin get that from",
        "Where did the bus driver hear that?",
    ):
        found = cue(text)
        assert found is not None and found.kind == "query", text


def test_an_insider_saying_it_goes_on_denies_a_report_that_it_ends() -> None:
    t = thread(
        "Nell: the chippy on Bank Street is closing after new year!! heard it at the school gate",
        "Owen: wouldnt surprise me, it's been dead in there since the summer",
        "Pat: chippy owner here. we're staying open, same as always. new menu in january",
        "Nell: oh sorry, my fault. spread that one without checking",
    )
    got = sides(t)
    assert apart(got, 1, 2)  # the owner is against the report Owen backs
    assert got[3] == got[2]  # the poster, taking it back, is with the owner from then on


def test_the_poster_taking_a_report_back_is_of_the_other_view_from_then_on() -> None:
    for retraction in (
        "Ah, the shoes. That'll be what I saw then, sorry",
        "ok that makes sense. sorry Ivo, spread that one without checking",
        "my mistake, it was the bakery that is shutting",
    ):
        t = thread(
            "Uma: the library is shutting on Saturdays from March, it was on the noticeboard",
            "Ivo: I work there. We aren't shutting on Saturdays, only the cafe is.",
            "Kit: That's a shame, the Saturday story time is the only thing my two like",
            f"Uma: {retraction}",
        )
        got = sides(t)
        assert apart(got, 0, 1), retraction
        assert got[3] == got[1], retraction


def test_anyone_saying_the_thing_reported_to_end_goes_on_denies_it() -> None:
    for denial in (
        "Mrs Obi told them the opposite today, trip is on, they're swapping coach firm",
        "it's still going ahead, the letter came yesterday",
    ):
        t = thread(
            "Jo: just heard the Year 8 Lakes trip is cancelled, the coach firm went bust??",
            "Sam: would explain why nobody has chased the deposit since october",
            f"Ravi: {denial}",
        )
        got = sides(t)
        assert apart(got, 0, 2), denial  # against the report the opener makes, for its "??"
    assert cue("he told the class the opposite this morning").sign < 0


def test_a_supporter_saying_my_mistake_without_a_cue_changes_their_view() -> None:
    t = thread(
        "Fen: So apparently Hugh is leaving the choir after the spring concert?? heard it today",
        "Wilf: makes sense, he's put his house on the market, saw the board up",
        "Ada: Really? Who told you that? He's planned the whole of next season with us",
        "Hugh: I am selling the house, moving to a flat by the park. Not going anywhere.",
        "Wilf: a for sale board doesn't mean leaving town. my mistake for adding fuel",
        "Fen: oh no. sorry Hugh, retracting",
    )
    got = sides(t)
    assert apart(got, 1, 2)
    assert got[3] == got[2] and got[4] == got[2] and got[5] == got[2]


def test_a_report_told_with_marks_is_no_poll_and_its_nah_answers_the_last_speaker() -> None:
    t = thread(
        "Bex: guys the lido is going members only next summer?? someone at swim club said",
        "Ollie: thats real i think, theres a notice on the council site about it",
        "Priya: the notice is about the gym, not the lido. read past the title lol",
        "Ollie: nah the notice says the lido too, all leisure venues or something",
    )
    got = sides(t)
    assert apart(got, 2, 3) and got[3] == got[0]


def test_sighting_doubters_ask_for_the_photo_and_the_group() -> None:
    for text in ("in march? theyre still in spain. photo?", "which group? nothing on their page"):
        found = cue(text)
        assert found is not None and found.kind == "query", text
    found = cue("the council's site says no closures planned, updated today")
    assert found is not None and found.sign < 0


def test_the_poster_saying_sorry_everyone_takes_the_report_back() -> None:
    for retraction in (
        "urgh old screenshot, sorry everyone. deleting it from the group",
        "ok the person has said it was a town in kent on the news. sorry, ignore me",
    ):
        t = thread(
            "Nina: heads up the lido is shut all winter, algae. someone posted in the club group",
            "Hal: makes sense, it was properly green by the steps in october",
            "Orla: which group? i swam there sunday and there was no sign up",
            f"Nina: {retraction}",
        )
        got = sides(t)
        assert apart(got, 1, 2), retraction
        assert got[3] == got[2], retraction


def test_minutes_a_councillor_who_would_not_oppose_changes_his_mind() -> None:
    # Not an agreement with whoever the minutes report before him: he parts from his own view.
    minutes = (
        "Item 4. Bat boxes in the churchyard. The Chair introduced the proposal from the"
        " Wildlife Group to fit ten bat boxes on the yews at a cost of £300.",
        "Cllr Amos said the bats in the old barn had been lost when it was converted.",
        "Cllr Pike said the budget had been set aside for the path and he could not"
        " support spending it on boxes the bats might never use.",
        "Cllr Dunn said the licence alone would cost more than the group supposed.",
        "Cllr Pike said that if the group paid for the boxes themselves he would not"
        " oppose five boxes as a start.",
    )
    t = Thread(
        comments=tuple(Comment(id=f"c{n}", text=text) for n, text in enumerate(minutes, 1)),
        source="paste",
    )
    got = sides(t)
    assert apart(got, 1, 2) and got[4] == got[1]
    assert got[3] != got[4]  # Dunn, reported just before him, is not with him for it


def test_a_facilitator_asking_who_wants_to_start_asks_no_open_question() -> None:
    t = thread(
        "Facilitator: Right, table two. The question is whether the town centre goes"
        " car-free on Saturdays. Who wants to start?",
        "Aled: I will. The market would have room to spread out and the cafes could put"
        " tables on the road.",
        "Maeve: I drive my mum in to the clinic on Saturdays. I don't want to park a mile out.",
        "Aled: Maeve, the clinic car park isn't in the zone and nothing in this closes it.",
    )
    got = sides(t)
    assert apart(got, 1, 2)


def test_an_answer_naming_an_option_picks_it_rather_than_restating_the_question() -> None:
    t = thread(
        "Hettie: new allotment question: raised beds or just dig the ground? heavy clay, 4x6m",
        "Roderick: raised beds. on clay you'll wait till may to dig, beds warm up sooner",
        "Yusra: ground. beds cost a fortune to fill, 4x6 of beds is two tonnes of soil",
    )
    got = sides(t)
    assert apart(got, 1, 2)


def test_calling_it_something_else_disagrees() -> None:
    for text in (
        "thats not watching a film thats skimming it. the director timed every pause",
        "It's not a sandwich, it's a taco.",
    ):
        found = cue(text)
        assert found is not None and found.sign < 0, text
    assert cue("its not the best but its fine") is None  # a "but" grants it


def test_granting_a_point_then_holding_on_late_in_the_comment_is_a_concession() -> None:
    assert cue("I agree about the cost, we pay a lot. still oil for a beginner though").sign < 0
    t = thread(
        "Nadia: starting painting in the new year. oils or acrylic for a total beginner?",
        "Leo: acrylic. you can paint over mistakes once its dry and it cleans up with water",
        "Harriet: oils!! they stay wet so you can blend for days, acrylic dries on the palette",
        "Leo: ok harriet has a point about blending, my palette is a mess. still acrylic though",
    )
    got = sides(t)
    assert apart(got, 1, 2) and got[3] == got[1]


def test_still_opposed_and_i_remain_opposed_are_against() -> None:
    for text in (
        "A litter patrol is welcome but does nothing about the noise. Still opposed.",
        "I remain opposed to it.",
    ):
        found = cue(text)
        assert found is not None and found.sign < 0, text


def test_a_respondents_second_response_is_theirs() -> None:
    from bot.summarize.offline.reading import respondent_labels

    lines = (
        "Response 1 (resident, Mill Lane): The noise is already bad.",
        "Response 2 (Mill Lane Traders): An hour more keeps six shops open.",
        "Response 3 (resident): Will the bins change?",
        "Response 4 (Mill Lane Traders, second response): We would pay for a litter patrol.",
        "Response 5 (resident, second response): Still opposed.",
    )
    labels = respondent_labels([Comment(id=f"c{n}", text=t) for n, t in enumerate(lines, 1)])
    names = [label[0] if label else None for label in labels]
    # The Traders once before: the same respondent; "resident" alone names nobody.
    assert names == ["Response 1", "Response 2", "Response 3", "Response 2", "Response 5"]


def test_a_question_naming_an_option_picks_nothing() -> None:
    t = thread(
        "Olu: need a coat for spring, a mac or a parka? budget 80 quid",
        "Mari: parka. a mac over black jeans looks like a school uniform",
        "Kit: mac. goes with everything and packs into a bag",
        "Dre: anyone else find parkas too warm for spring actually",
        "Olu: whats a good brand for a mac under 80",
    )
    got = sides(t)
    assert apart(got, 1, 2)
    assert got[3] is None and got[4] is None  # they ask; they pick nothing


def test_i_think_the_opposite_answers_the_last_speaker_not_the_report() -> None:
    t = thread(
        "Jo: the chippy on Bank Street is closing after new year, heard it at the school gate",
        "Sam: that's not true, they just renewed the lease",
        "Ravi: I think the opposite: a lease renewal is paperwork, the fryers went last week",
    )
    got = sides(t)
    assert apart(got, 0, 1) and got[2] == got[0]


def test_minutes_shared_that_concern_would_not_object_and_a_vote_against_recorded() -> None:
    minutes = (
        "Item 7. Public piano in the Corn Exchange. The Chair introduced a request from the"
        " Choral Society to place a donated piano in the hall for anyone to play.",
        "Cllr Amis spoke in favour, saying pianos in other towns had brought people in.",
        "Cllr Rudd said the hall was used for wakes, and a piano anyone could play at any time"
        " would be a nuisance to hirers.",
        "Cllr Obi shared that concern and added that an unsupervised piano would be wrecked.",
        "Mrs Dale of the Choral Society said the society would lock the lid for bookings.",
        "Cllr Rudd said that with the lid locked during bookings he would not object.",
        "Cllr Obi maintained that the hall was the wrong place and asked for her vote against"
        " to be recorded.",
    )
    t = Thread(
        comments=tuple(Comment(id=f"c{n}", text=text) for n, text in enumerate(minutes, 1)),
        source="paste",
    )
    got = sides(t)
    assert apart(got, 1, 2) and got[3] == got[2] and got[6] == got[2]
    assert got[5] == got[1]  # no longer objecting: with the proposal now
    from bot.summarize.offline import _analyse
    from bot.summarize.offline.model import Reporter

    docs = _analyse(t, Reporter(None)).docs
    assert docs[4].speaker == "Mrs Dale"


def test_a_numbered_minutes_agreed_colon_is_the_resolution_not_an_agreement() -> None:
    assert cue("4.8 Agreed: the two older machines may be lent against a deposit.") is None
    assert cue("Agreed, the deposit makes sense.").sign > 0


def test_a_denial_waved_away_and_were_fine() -> None:
    assert cue("He would say that though wouldn't he, until it's signed").sign < 0
    assert cue("she would say that if you asked her") is None
    t = thread(
        "Bea: The food bank is losing the scout hut after Easter, the leader told the Monday lot",
        "Kofi: Told them what? I was there Monday and heard nothing about it",
        "Ros: Just spoke to the leader after the meeting, the council wants the library not"
        " ours. We're fine",
        "Bea: He would say that though wouldn't he, until it's signed",
    )
    got = sides(t)
    assert apart(got, 0, 2) and got[3] == got[0]


def test_someone_else_never_having_agreed_is_no_agreement() -> None:
    text = (
        "Cllr Pryce said the parish could not take on the insurance and the water company"
        " had never agreed to swimming there."
    )
    found = cue(text)
    assert found is None or found.sign < 0


def test_an_opening_of_many_marks_costs_its_length() -> None:
    # Hostile input: a report "told with marks" is read by position (a pattern backtracking
    # over the run of "!" took a second for 32,000 of them).
    import time

    def cost(n: int) -> float:
        t = thread(f"Jo: the shop is closing{'!' * n}", "Sam: not true, they renewed the lease")
        started = time.thread_time()
        sides(t)
        return time.thread_time() - started

    small = min(cost(8_000) for _ in range(2))
    large = min(cost(32_000) for _ in range(2))
    assert large < 8 * small + 0.05  # 4x the input; quadratic work would take 16x


def test_a_report_told_with_marks_is_read_as_the_old_pattern_read_it() -> None:
    import re

    from hypothesis import given
    from hypothesis import strategies as st

    from bot.summarize.offline.linking import _incredulous

    old = re.compile(
        r"(?!\W*(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|who"
        r"|what|why|when|where|which|how|any|anyone|anybody|so is|so are)\b)[^?]*"
        r"(?:\?[?!]+|!+\?)(?=\s|$)",
        re.IGNORECASE,
    )
    pieces = st.sampled_from(["a", "b", " ", "?", "!", "is ", "so ", " x", "\n", ".", "how"])

    @given(st.lists(pieces, max_size=14).map("".join))
    def same(text: str) -> None:
        assert _incredulous(text) == (old.match(text) is not None)

    same()


def test_respondent_labels_set_off_by_dashes() -> None:
    from bot.summarize.offline.reading import respondent_labels

    lines = (
        "Response 1 — resident, Kiln Road — I object. The lorries would pass the school gate.",
        "Response 2 (quarry company) – We would limit lorries to off-peak hours.",
        "Response 3 — parish council — Fully support. Off-peak lorries answer the school's worry.",
        "Response 4 - resident - what time do the bins go out?",
    )
    comments = [Comment(id=f"c{n}", text=t) for n, t in enumerate(lines, 1)]
    labels = respondent_labels(comments)
    names = [label[0] if label else None for label in labels]
    assert names[:3] == ["Response 1", "Response 2", "Response 3"]
    # Where the words start: after the label, so "I object." opens the response.
    assert lines[0][labels[0][1] :].startswith("I object.")  # type: ignore[index]
    assert lines[1][labels[1][1] :].startswith("We would")  # type: ignore[index]
    assert lines[2][labels[2][1] :].startswith("Fully support")  # type: ignore[index]
    got = sides(Thread(comments=tuple(comments), source="paste"))
    assert apart(got, 0, 2)  # the objection and the support are apart


def test_rumour_doubters_ask_which_study_and_where_it_came_from() -> None:
    for text in (
        "Which study? Any link?",
        "which report though? the council minutes say nothing",
        "who told you that, the sign was up yesterday",
        "Where did this come from? Nobody at work has heard it",
        "where's this coming from, honestly",
    ):
        found = cue(text)
        assert found is not None and found.kind == "query", text
    # A choice between things, or a teller named in a longer clause, is no query.
    for text in ("which study group are you in?", "who told you that you could park there"):
        found = cue(text)
        assert found is None or found.kind != "query", text


def test_a_report_asked_about_is_a_report_its_doubters_answer() -> None:
    t = thread(
        "Rhian: Has anyone else heard the leisure centre pool is shutting for good in March?",
        "Tomos: yeah my neighbour works on reception, she said the same",
        "Elin: Where did this come from? The council budget only cuts the sauna",
        "Rhian: ah right, fair enough then",
    )
    got = sides(t)
    # Elin doubts the report, not Tomos's word alone: she is apart from both who back it.
    assert apart(got, 0, 2) and apart(got, 1, 2)


def test_a_groups_conditional_support_and_continued_opposition_are_votes() -> None:
    found = cue("If the crossing gets a lollipop warden, we would support the new school gate.")
    assert found is not None and found.sign > 0
    found = cue("A warden until nine does not cover the after-school club, so we still oppose it.")
    assert found is not None and found.sign < 0
    # "we" that only reports others' support is no vote.
    assert cue("We support local shops whenever we can.") is None


def test_options_with_one_head_are_told_apart_by_the_words_that_differ() -> None:
    from bot.summarize.offline.cues import option_choices

    assert option_choices("first bike: road bike or gravel bike? mostly lanes")[0] == (
        "road",
        "gravel",
    )
    t = thread(
        "Ines: first bike: road bike or gravel bike? mostly lanes, some canal path",
        "Dev: gravel bike. the canal path will eat skinny tyres",
        "Rob: road. lanes are 90% of it and it's lighter up hills",
        "Dev: canal towpaths in winter are mud, you'll want the clearance",
    )
    got = sides(t)
    assert apart(got, 1, 2)


def test_a_verbs_named_object_is_the_option_and_its_picks_are_the_dispute() -> None:
    from bot.summarize.offline.cues import option_choices

    options, aliases = option_choices("Self-host Gitea or pay for GitHub Teams?")
    assert options == ("gitea", "team") and aliases["github"] == "team"
    t = forum(
        [
            ("moss", "Five of us, private repos, one old NUC in the cupboard. Advice?", None),
            ("ash", "Gitea. Ten minutes to set up on the NUC and it runs for years.", "p1"),
            ("bex", "GitHub, if nobody wants to be on call for the NUC at 2am.", "p1"),
            ("ash", "Backups of the NUC are one cron line. It never needed me at 2am.", "p3"),
            # (a top-level comment with a cue against the post, not a pick)
            ("cal", "Gitea here too. Big tech keeps moving features. I'd rather not.", None),
            ("dee", "GitHub. Actions and code review for five people cost less than a NUC.", "p1"),
        ],
        title="Self-host Gitea or pay for GitHub Teams?",
    )
    got = sides(t)
    assert apart(got, 1, 2) and got[5] == got[2]  # the picks are the sides


def test_forum_replies_that_say_so_or_ask_about_something_are_no_rebuttals() -> None:
    t = forum(
        [
            ("wren", "Bleed your radiators before the heating goes on for winter.", None),
            ("odo", "Did ours last week. The top floor ones had loads of air.", "p1"),
            ("wren", "Top floor ones are the worst for it, yes. Air rises.", "p2"),
            ("pim", "Does every radiator have a bleed valve? I couldn't find one on mine.", "p1"),
            ("odo", "Also check behind the cap at the top corner, mine was hidden there.", "p4"),
            ("kai", "The cold patch at the top is exactly what air looks like. Worth doing.", "p1"),
        ],
        title="Bleed your radiators before winter",
    )
    got = sides(t)
    assert set(got) <= {0, None}  # nobody disagrees: one side, no invented camps


def test_a_yes_or_no_to_a_question_in_a_show_and_tell_takes_no_side() -> None:
    t = forum(
        [
            ("host", "Weekly thread. What are you building this weekend? Any scale.", None),
            ("tam", "Finally starting the harbour diorama. Two boats done, forty to go.", None),
            ("ove", "Forty! Have you tried the quick-dry putty for the water yet?", "p2"),
            ("tam", "No! Which one is it?", "p3"),
            ("ove", "The blue tub from the model shop, sets in an hour.", "p4"),
            ("ria", "Repainting my nan's old railway set. The station clock still works.", None),
        ],
        title="What are you building this weekend?",
    )
    got = sides(t)
    assert set(got) <= {0, None}  # nobody takes a view: no invented camps


def test_not_comfortable_with_it_and_a_vote_put_on_record_are_stances() -> None:
    for text in (
        "I'm not comfortable with it. The parking survey was done in August.",
        "Honestly we're still not keen on the idea.",
        "I still don't like it. Put that down as one against.",
    ):
        found = cue(text)
        assert found is not None and found.sign < 0, text
    found = cue("Fine, count me as a yes if the trial is reviewed in a year.")
    assert found is not None and found.sign > 0
    # Comfort with something else is no stance on the question.
    assert cue("I'm not comfortable with heights, so I'll skip the bridge walk.") is None


def test_saying_nothing_ends_or_a_statement_that_it_continues_denies_an_ending() -> None:
    for denial in (
        "the trust put out a statement this morning saying the ward continues as normal",
        "Mornings stay walk-in. Nothing is ending, we're adding a booking app",
    ):
        t = thread(
            "Fay: heard the minor injuries unit is closing in the spring, no more walk ins",
            "Gus: wouldnt surprise me, they cut the night shift last year",
            f"Hal: {denial}",
            "Fay: oh ok, fair enough then",
        )
        got = sides(t)
        assert apart(got, 1, 2), denial


def test_a_rumours_doubters_ask_for_a_source_and_deniers_call_the_reports_wrong() -> None:
    for text in ("This needs a source.", "Still waiting for official confirmation.", "Unverified."):
        found = cue(text)
        assert found is not None and found.kind == "query", text
    for text in (
        "No evidence of this anywhere.",
        "Reports are wrong, he is fine, his agent just posted.",
        "Don't believe everything you read.",
    ):
        found = cue(text)
        assert found is not None and found.sign < 0, text
    assert cue("The report on the river came out in May.") is None


def test_common_ways_of_differing_and_agreeing_read_as_they_are_meant() -> None:
    for text in (
        "Not sure I agree. The bus is quicker at rush hour.",
        "I beg to differ.",
        "Eh, I see it differently.",
        "That's a myth.",
        "That's beside the point.",
    ):
        found = cue(text)
        assert found is not None and found.sign < 0, text
    for text in ("Strong agree.", "I'm with you on this.", "Nailed it.", "Good shout."):
        found = cue(text)
        assert found is not None and found.sign > 0, text
    # "It's a myth that ..." states what the comment argues; it answers nobody.
    assert cue("It's a myth that soap ruins the seasoning.") is None
    assert cue("Agree to disagree then.") is None  # neither, as "I agree to disagree"


def test_a_no_that_gives_way_agrees_and_softer_noes_differ() -> None:
    for text in ("No, you're right.", "nah ur right tbh", "No doubt.", "No argument here."):
        found = cue(text)
        assert found is not None and found.sign > 0, text
    for text in (
        "no you're wrong",
        "I couldn't disagree more.",
        "Nobody said that.",
        "I wouldn't say that.",
        "Not necessarily.",
        "Hmm no.",
        "Close, but no.",
    ):
        found = cue(text)
        assert found is not None and found.sign < 0, text
    assert cue("Not quite sure what you mean.") is None


def test_no_more_reports_an_ending_that_staying_open_denies() -> None:
    t = thread(
        "Ada: heard the corner library is going online only from spring, no more opening hours",
        "Bo: makes sense, it was always empty",
        "Cy: I was in there today. Saturdays stay open as they are, says the noticeboard",
        "Ada: oh fair enough then",
    )
    got = sides(t)
    assert apart(got, 1, 2)


def test_who_said_what_the_report_says_asks_for_its_source() -> None:
    assert cue("who said permanently? the notice on the gate says until the tests are clear")
    assert cue("who says its closing? its open till 6 all week").kind == "query"
    assert cue("Who says you can't have both, honestly?") is None  # (a view, no query)


def test_what_a_facilitator_says_while_chairing_joins_nobody_to_a_side() -> None:
    # A jurors' table: the facilitator answers a question of fact ("yes, it covers any shared
    # house"); a juror who then says "then I'm against it" takes no side with or against the
    # facilitator, so the exchange between the jurors is the dispute the sides come from.
    got = sides(
        thread(
            "Facilitator: Right, table three, we're on the question of the cap now. There's no "
            "right answer, we want your reasons. Who'd like to start?",
            "Marion: I'll start. I've lived on Cotter Street thirty-one years and there are "
            "four families left. The rest is student lets and the bins overflow every week.",
            "Dev: I get it, I do, but if you cap it our rents go up, because there's the same "
            "number of students and fewer houses.",
            "Facilitator: Thanks Dev. Anyone else?",
            "Gareth: I'm with Dev. My nephew can barely afford his room as it is.",
            "Ama: Would the nurses who share houses round there count as an HMO?",
            "Facilitator: Yes, the cap would cover any shared house, not only students.",
            "Ama: Then I'm against it as it's written. You'd be capping nurses as well.",
            "Facilitator: Let's note that. Five more minutes and then we'll take a vote.",
        )
    )
    assert got[0] is None and got[3] is None and got[6] is None and got[8] is None
    assert apart(got, 1, 2) and got[2] == got[4]


def test_options_asked_after_an_emoji_or_gone_straight_to_are_the_choice() -> None:
    from bot.summarize.offline.cues import question_options

    assert question_options(
        "Christmas money burning a hole in my pocket 😅 Ancestry or Findmypast for a year?"
    ) == ("ancestry", "findmypast")
    got = sides(
        thread(
            "nadia: starting a podcast with my sister. usb mics or straight to xlr and an "
            "interface? budget about £150 total",
            "owen_b: usb. otherwise you'll spend the whole budget on an interface",
            "maya: xlr if you can stretch. two usb mics on one computer is a pain",
            "raj: xlr. a 2 input interface and two dynamic mics secondhand is doable for 150",
            "bee: honestly whatever you get, hang a duvet behind you",
        )
    )
    assert apart(got, 1, 2) and got[2] == got[3]


def test_a_chat_reply_that_argues_with_no_cue_word_answers_back() -> None:
    # Discord reply links: Siobhan answers Gav's costing with a "but"; Gav and Dave answer her
    # back with no cue word; a reader sees the argument.
    got = sides(
        thread(
            "gav: maths done. my last bitter cost £11.40 for 23 litres, about 28p a pint. the pub "
            "is £5.20. home brewing is cheaper, simple as",
            "siobhan: but now add the fermenter, the bottles, the capper and your time at minimum "
            "wage and see what a pint costs",
            "gav: the fermenter's a one-off, spread over forty brews it is pennies a pint",
            "dave: even with bought hops a batch is under a quid a pint",
            "harry: time is the real cost. brew day is six hours and then the cleaning",
            "cal: +1 harry, i've spent more on kit than i ever spent in the pub",
            source="discord",
            c2="c1",
            c3="c2",
            c4="c2",
            c5="c4",
        )
    )
    assert apart(got, 0, 1) and got[0] == got[2] == got[3]
    assert got[4] == got[5] == got[1]


def test_a_hosts_replies_in_a_chat_with_no_disagreement_are_talk() -> None:
    # A show-and-tell and a mods' set-up chat: the poster answers people ("ha they look great
    # jonah", "#events yeah") and a logging bot echoes a post; nobody argues.
    for lines, replies in (
        (
            (
                "hattie: This week's prompt: something in your kitchen. 30 minutes, any medium.",
                "jonah: mine's the fruit bowl in watercolour, the bananas look like boomerangs",
                "hattie: ha they look great jonah, the shadows especially",
                "SketchLogBot: New entry logged: fruit bowl, watercolour (jonah)",
            ),
            {"c3": "c2", "c4": "c2"},
        ),
        (
            (
                "clem: ok i added the welcome bot, can someone check it pinged in #welcome",
                "farouk: yep it posted",
                "clem: nice. can we change the message to mention the swap schedule?",
                "odette: the schedule is in #events right? or did we move it",
                "clem: #events yeah",
            ),
            {"c2": "c1", "c3": "c2", "c5": "c4"},
        ),
    ):
        got = sides(thread(*lines, source="discord", **replies))
        assert len({s for s in got if s is not None}) <= 1, lines[0]


def test_a_reply_opening_with_the_same_verdict_is_no_rebuttal() -> None:
    got = sides(
        thread(
            "op: Second year CS and bored. Should I stay in the degree or drop out for a bootcamp?",
            "sam: Stay. The junior market is brutal and the first filter is a degree.",
            "kai: Stay, and the placement number is marketing, read how they count it.",
            "ram: Drop out. Two more years is $38k of debt for things you can learn for free.",
            "sam: learning it for free and doing it without structure are different things",
            source="discord",
            c3="c2",
            c5="c4",
        )
    )
    assert got[1] is not None and got[1] == got[2] and apart(got, 1, 3)


def test_you_cant_argue_with_that_after_ones_own_figures_agrees_with_nobody() -> None:
    assert cue("Can't argue with that.").kind == "agree"
    assert cue("You can't argue with that, honestly.").kind == "agree"
    assert (
        cue("A batch is £25 for 40 pints, under a quid a pint. You can't argue with that") is None
    )


def test_a_yes_to_someones_side_question_is_no_vote_on_the_report() -> None:
    got = sides(
        thread(
            "rob: anyone else hear glenbrae isnt opening this season? apparently the chair failed",
            "elspeth: where did you hear that? their website still says opening 20th dec",
            "gail: anyone want to share a car up on the 21st? got room for 3 + boards",
            "elspeth: @gail yes please, me and my sister!",
        )
    )
    assert apart(got, 0, 1) and got[3] != got[0]


def test_works_for_me_in_reply_answers_nobody_back() -> None:
    got = sides(
        thread(
            "ada: heads up, moving the game server to the new host tonight at 22:00 UTC",
            "fern: will the ip change?",
            "ada: we're back up. let me know if anything looks off",
            "fern: works for me, spawn chunks loaded fine",
            "bo: looks good here, the map loaded",
            source="discord",
            c4="c3",
            c5="c3",
        )
    )
    assert len({s for s in got if s is not None}) <= 1


def test_the_poster_gives_a_report_up_when_it_got_mixed_up_or_should_have_known() -> None:
    from bot.summarize.offline.cues import OWN_RETRACTION

    for text in (
        "fair enough. the tackle shop bloke also told me about a 40lb pike so i should have known",
        "ok that makes me feel so much better. my instructor must have got it mixed up",
        "hire shop guy must have had old news",
    ):
        assert OWN_RETRACTION.search(text), text
    assert not OWN_RETRACTION.search("even if its placebo i feel better, that counts")


def test_someone_on_the_committee_who_says_it_reopens_is_an_insider() -> None:
    from bot.summarize.offline.linking import _INSIDER

    assert _INSIDER.match("I'm on the club committee and we had an email from them yesterday")
    assert _INSIDER.match("i'm on the volunteer patrol up there. the chair passed its retest")
    assert not _INSIDER.match("I'm on the fence about this one")


def test_minutes_replied_that_answers_back_and_seconding_an_amendment_backs_its_mover() -> None:
    got = sides(
        thread(
            "Minutes of the Environment Committee, held on Tuesday 12 January at 7pm.",
            "Item 5, pigeon feeding in the Market Place. The Chair introduced the report on a "
            "byelaw banning the feeding of pigeons.",
            "Cllr Bramley said only a byelaw with a fixed penalty would make the feeders stop.",
            "Cllr O'Rourke said feeding bans were impossible to enforce without wardens, and that "
            "better signs and a bin for bread would cost a fraction of the legal fees.",
            "Cllr Bramley replied that signs had been up since 2024 and had made no difference.",
            "A member of the public asked whether a byelaw would also apply to the churchyard.",
            "Cllr Fenwick replied that it would not, unless the diocese agreed.",
            "Cllr Dasgupta proposed an amendment that the warden first meet the regular feeders.",
            "Cllr O'Rourke seconded the amendment.",
        )
    )
    assert apart(got, 2, 3) and got[2] == got[4]
    assert got[7] == got[8] == got[3]
    assert got[6] is None  # (answering a question is no answer back)


def test_consultation_responses_say_where_they_stand_and_name_others_by_place() -> None:
    got = sides(
        pasted(
            "Garden waste consultation: responses received by 28 February, published as written.",
            "Response 1 (resident, Elm Park): We already pay council tax for bin collections. "
            "This is charging us twice for the same service.",
            "Response 2 (resident, Sallow Road): I live in a flat with no garden and I am paying "
            "for everyone else's hedge clippings. A charge for the people who use it is fair.",
            "Response 3 (resident, Cobb Lane): £45 a year is less than one trip to the tip with a "
            "van. If it keeps the service going, fine by me.",
            "Response 4 (Holloway residents' association): Many of our residents are pensioners "
            "with large gardens. Unless a concession rate is offered we oppose the charge.",
            "Response 5 (resident, Marsh End): I agree with the first response. Fly-tipping in "
            "the lanes is bad enough already.",
            "Response 6 (resident, Cobb Lane): Supportive, as long as there is a reduced rate for "
            "people on pension credit.",
        )
    )
    assert apart(got, 1, 2) and got[2] == got[3] == got[6]
    assert got[1] == got[4] == got[5]
    assert cue("I was against this at first but now I would support it").kind == "agree"


def test_tell_us_what_youre_reading_invites_and_which_is_another_reason_adds() -> None:
    got = sides(
        forum(
            [
                (
                    "team",
                    "Our monthly thread! Tell us what you're reading and whether you'd "
                    "recommend it.",
                    None,
                ),
                ("ivy", "Just finished a family saga set in a fishing village. Loved it.", "p1"),
                ("bern", "A history of the canals from the Hexley branch. Lots of maps.", "p1"),
                ("ivy", "Ooh is it the one with the blue cover? I've had that reserved", "p3"),
                ("bern", "Green cover, but there may be two of them.", "p4"),
            ],
            "What is everyone reading this month?",
        )
    )
    assert len({s for s in got if s is not None}) <= 1
    from bot.summarize.offline.linking import _ADDITIVE

    assert _ADDITIVE.match("Which is another reason to test it before you need it.")


def test_to_before_a_number_is_inside_an_options_name() -> None:
    from bot.summarize.offline.cues import question_options

    assert question_options("do I just turn up at parkrun or do a couch to 5k app first?") == (
        "parkrun",
        "app",
    )


def test_a_chairs_question_after_a_greeting_is_the_claim_and_a_ban_no_is_against() -> None:
    claim = "Large cruise ships should be banned from the harbour."
    assert claim_stance(claim, "A cap I could live with. A ban, no.") == -1
    assert claim_stance(claim, "Ban, yes!") == 1
    assert claim_stance(claim, "A ban would be fine, no?") == 0
    got = sides(
        thread(
            "Facilitator: Welcome back. This table's question is whether large cruise ships "
            "should be banned from the harbour. Who wants to start?",
            "Gwen: The old town is rammed on ship days and they eat on board.",
            "Marek: My cafe takes a third of its summer money on ship days. A ban, no.",
            "Lydia: Cruise ships should be banned, the fumes on the sea wall are awful.",
        )
    )
    assert apart(got, 2, 3)


def test_a_chat_reply_to_an_opening_view_argues_with_it_but_not_to_a_report() -> None:
    got = sides(
        thread(
            "moss: toast cut diagonally tastes better and i will not be explaining myself",
            "kip: it literally cannot taste different, same bread, same butter",
            "jools: +1 moss, triangles are just more civilised",
            source="discord",
            c2="c1",
        )
    )
    assert apart(got, 0, 1) and got[0] == got[2]
    got = sides(
        thread(
            "echo: BREAKING: a large sinkhole has opened on Market Street outside the post office.",
            "dan: Saw it on my way in, there's a hole the size of a car. Police everywhere",
            "lydia: is this real? photo?",
            source="discord",
            c2="c1",
            c3="c1",
        )
    )
    assert got[1] is None or got[1] == got[0]


def test_a_poster_answering_the_first_reply_back_makes_it_an_argument() -> None:
    got = sides(
        thread(
            "Ffion: ran 8k in the rain tonight, best run of the month. cold rain > a gym wall",
            "Gareth: enjoy your wet socks and your blisters then. treadmill, telly, dry trainers",
            "Ffion: wet socks are a small price. you can't smell wet leaves on a treadmill",
            "Jess: rain runs are the only time the canal path's empty tbh",
        )
    )
    assert apart(got, 0, 1)
    # Not an exchange of views: "bracket for saturday is up" / "I'm seed 4??" / "seeding is
    # from last month's ladder".
    got = sides(
        thread(
            "pixelpanda: bracket for saturday is up, check-in from 10",
            "Jorun: I'm seed 4?? lmao",
            "pixelpanda: seeding is from last month's ladder",
            "Tamar: what time does check-in open",
            "pixelpanda: 10, doors at half nine",
        )
    )
    assert len({s for s in got if s is not None}) <= 1


def test_an_owner_saying_back_open_denies_a_titled_report_and_a_mocking_yes_differs() -> None:
    got = sides(
        Thread(
            comments=(
                Comment(
                    id="reddit_t3_p",
                    author="pete",
                    text="my sister in law walked past, apparently the inspectors found mouse "
                    "droppings. gutted, best chips in town",
                ),
                Comment(
                    id="reddit_t1_c1",
                    author="battersby",
                    text="doesnt surprise me tbh, the bins out back have been overflowing",
                    reply_to="reddit_t3_p",
                ),
                Comment(
                    id="reddit_t1_c2",
                    author="codfather_owner",
                    text="Hi all, owner here. We are closed for a new fryer range and floors, "
                    "back open Saturday 12th. Our rating is 5, inspected in June.",
                    reply_to="reddit_t3_p",
                ),
            ),
            source="reddit",
            title="The Codfather was given a zero hygiene rating and has been shut down",
        )
    )
    assert apart(got, 1, 2)
    assert cue("yes a chip shop refitting its chip shop, very suspicious").sign < 0
    assert cue("yes, the refit was planned in June, very sensible").sign > 0


def test_a_consultation_summary_with_comma_labels_and_third_person_votes() -> None:
    got = sides(
        pasted(
            "Consultation on extending the beer garden's hours at The Plough from 9pm to 11pm.",
            "R1, resident of Mill Lane. Objects. We hear every word from the garden already.",
            "R2, resident of Bank Street. Supports. The pub is well run and keeps the street busy.",
            "R3, resident, address withheld. Could the applicant say whether the lights stay on?",
            "R4, Village Pub Society. Supports. Pubs like this close every week otherwise.",
            "R5, resident of Mill Lane. I agree with R1. The smokers stand at our back gate.",
            "R6, resident of Bank Street. As R2. We moved here because the village has a pub.",
            "R7, resident of Orchard Close. Objects. Car doors slam at closing time as it is.",
        )
    )
    # R4's "Supports." votes on the proposal; it does not answer R3's question.
    assert apart(got, 1, 2)
    assert got[2] == got[4] == got[6]
    assert got[1] == got[5] == got[7]
    assert cue("Objects. Our bedroom backs onto the garden.").sign < 0
    assert cue("Supports. The pub has been well run for years.").sign > 0
    assert cue("objects in the mirror are closer than they appear") is None


def test_a_response_named_by_number_is_the_one_agreed_with_not_one_mentioned() -> None:
    got = sides(
        pasted(
            "Response 1 (Holiday Co.): We support the plan. It would bring fifteen jobs.",
            "Response 2 (Path Friends): We object. The headland is the last stretch of coast "
            "with no buildings in view, and forty pitches with cars and lights would end that.",
            "Response 3 (resident): We agree with the Path Friends in response 2. There are three "
            "campsites within five miles already.",
            "Response 4 (village shop): Winter trade has fallen every year. I support it.",
            "Response 5 (resident): I was going to object for the reasons in response 2, but with "
            "tents only and no lights after ten, I'm in favour.",
        )
    )
    assert apart(got, 0, 1) and got[2] == got[1]
    assert got[4] == got[3] == got[0]  # in favour, whatever it nearly did for response 2's reasons


def test_keep_it_opposes_a_change_and_a_response_is_named_by_its_role_or_its_point() -> None:
    t = pasted(
        "Summary of responses: replacing the summer hanging baskets with permanent planters.",
        "Response 1 (resident, Bridge St): Yes. The baskets cost £11,000 a year and are dead "
        "by August.",
        "Response 2 (Bloom volunteer): The baskets won us silver three years running, and "
        "planters at ground level get kicked and sat on.",
        "Response 3 (cafe owner): I agree with the volunteer. Visitors photograph the baskets.",
        "Response 4 (shop owner, Bridge St): The planters in Hamley were full of cans within "
        "a month. Keep the baskets.",
        "Response 5 (trader): I agree with the point about ground level. Kids sit on them.",
    )
    assert apart(sides(t), 1, 4)
    from bot.summarize.offline import _analyse
    from bot.summarize.offline.model import Reporter

    docs = _analyse(t, Reporter(None)).docs
    assert (docs[3].target, docs[3].link) == (2, "named")  # the volunteer
    assert (docs[5].target, docs[5].link) == (2, "named")  # who spoke of ground level
    # A proposal to keep something is not opposed by asking to keep it.
    from bot.summarize.offline.linking import _response_vote

    assert _response_vote("Cans everywhere. Keep the baskets.", 0) == -1
    assert _response_vote("Cans everywhere. Keep the baskets.", 0, keeps=True) == 0
    assert _response_vote("Keep it free and add a donation box", 0) == 0


def test_minutes_speakers_with_any_role_or_an_aside_and_still_opposed_is_no_change() -> None:
    from bot.summarize.offline.cues import REPORTED, retracts

    def speaker(text: str) -> str | None:
        match = REPORTED.match(text)
        return match.group("name") if match is not None else None

    assert speaker("3.1 Mrs Ahmed (no. 6) said there were four cars at once.") == "Mrs Ahmed"
    assert speaker("4.1 The bandmaster said the jackets were twenty years old.") == "The bandmaster"
    assert speaker("4.3 The principal cornet agreed with the secretary.") == "The principal cornet"
    assert speaker("4.12 The meeting agreed to run a trial.") is None
    assert speaker("The report said numbers were down.") is None
    assert not retracts("Mr Henshaw said he still opposed the idea but would not stand in the way.")
    assert retracts("Mr Okafor said he would not stand in the way of a trial.")
    lines = (
        "3. Learner drivers practising in Meadow Close.",
        "3.1 Mrs Ahmed (no. 6) said four cars at once stall outside her window all day.",
        "3.2 Mr Doyle (no. 14) said learners had to practise somewhere and he disagreed.",
        "3.3 Mrs Ahmed replied that the next street was a through road with far more room.",
    )
    got = sides(pasted(*lines))
    assert apart(got, 1, 2) and got[3] == got[1]


def test_someone_who_would_know_answering_a_report_without_confirming_it_corrects_it() -> None:
    got = sides(
        thread(
            "rob: heard the lido is shut for the whole summer, the pumps failed the inspection",
            "fin: would explain why the season tickets vanished from the site",
            "hamish: i'm on the lifeguard rota. the pumps passed their retest on tuesday, the "
            "ticket page is down for a new booking system",
        )
    )
    assert apart(got, 0, 2)
    from bot.summarize.offline.linking import _INSIDER

    assert _INSIDER.match("lifeguard here. the pumps passed their retest")
    assert not _INSIDER.match("where else sells decent bread round here")
    # Thanks or a confirmation from someone who would know is no correction.
    for text in (
        "pool manager here! thanks for the kind words, we fixed the slide too",
        "pool manager here. sadly it's shut till september, the pumps need replacing",
    ):
        got = sides(
            thread(
                "rob: heard the lido is shut for the whole summer, the pumps failed",
                "fin: would explain why the season tickets vanished from the site",
                "jo: " + text,
            )
        )
        assert not apart(got, 0, 2), text


def test_a_larger_dispute_between_people_is_not_hidden_by_a_query_of_the_question() -> None:
    got = sides(
        thread(
            "ann: apparently the lido is closing for good in march",
            "bo: source?",
            "cal: lidos cost the council a fortune to heat, it was always going to happen",
            "dee: @cal that's wrong, the lido makes money on lessons every summer",
            "eve: I agree with dee, the lessons are booked solid",
            "cal: @dee no, the accounts show a loss every single year",
            "fay: @cal exactly, heating an outdoor pool is mad",
            "gus: @dee +1, the summer lessons pay for the winter",
        )
    )
    # The argument of six comments is the thread's; the lone "source?" does not anchor it.
    assert apart(got, 2, 3)
    assert got[2] == got[5] == got[6] and got[3] == got[4] == got[7]


def test_agreement_after_a_filler_word_is_agreement() -> None:
    for text in ("honestly agree with ade, wash your hands not the chicken", "tbh agree with kemi"):
        found = cue(text)
        assert found is not None and found.sign > 0, text
    assert cue("ok agree to disagree") is None


def test_saying_someones_point_is_fair_grants_it() -> None:
    from bot.summarize.offline.cues import grants_a_point

    def grants(text: str) -> bool:
        return grants_a_point(text, sentence_spans(text))

    assert grants("actually marisol's point about the bench is fair, I had 3 months off myself")
    assert grants("your point on costs was a good one")
    assert not grants("the point is that it costs more")


def test_a_post_answering_the_question_its_title_asks_takes_that_side() -> None:
    def reddit(post: str) -> Thread:
        lines = [
            ("op", post, None),
            (
                "freddie",
                "100%. my barber squeezes me in on a saturday, a few quid is nothing",
                "p1",
            ),
            ("nigel", "No, he charges £16 because that's what the cut costs.", "p2"),
            ("sasha", "I disagree with nigel, tips are what gets us through a quiet month", "p3"),
            ("pam", "we don't tip the plumber either. why the barber?", "p1"),
        ]
        ids = ["reddit_t3_p1", "p2", "p3", "p4", "p5"]
        return Thread(
            comments=tuple(
                Comment(
                    id=ids[n],
                    author=a,
                    text=t,
                    reply_to=None if r is None else ids[int(r[1:]) - 1],
                )
                for n, (a, t, r) in enumerate(lines)
            ),
            source="reddit",
            title="Should you always tip your barber?",
        )

    from bot.summarize.offline import _analyse
    from bot.summarize.offline.model import ROOT, Reporter

    t = reddit("Had a cut today. I think you should always tip your barber, they earn it.")
    post = _analyse(t, Reporter(None)).docs[0]
    assert post.cue is not None and post.cue.sign > 0 and post.target == ROOT
    got = sides(t)
    assert got[0] == got[1] == got[3] and apart(got, 0, 2)
    # Telling what someone else holds is not the poster's own answer.
    t = reddit("My roommate says you should always tip your barber. I say he's mad.")
    assert _analyse(t, Reporter(None)).docs[0].cue is None


def test_a_person_who_says_the_other_side_changed_it_for_them_holds_its_view_after() -> None:
    got = sides(
        thread(
            "ann: We should put on a farce this spring, not Shakespeare.",
            "ben: No, Shakespeare. The schools book two matinees every time we do one.",
            "ann: I disagree, farce sells out and the set is one room.",
            "cal: I agree with ann, farce every time.",
            "ann: ok the schools thing changes it for me. two full matinees is more than a farce "
            "makes on a Saturday",
        )
    )
    assert apart(got, 0, 1) and got[3] == got[0]
    assert got[4] == got[1]  # ann from here holds ben's view


def test_a_bot_posting_first_in_an_export_without_bot_flags_is_not_the_opening() -> None:
    from bot.ingest import InputSource, parse_source

    def export(*rows: tuple[str, str]) -> Thread:
        csv_text = "AuthorID,Author,Date,Content,Attachments,Reactions\n" + "".join(
            f'"1","{name}","14/03/2024 10:{i:02d}","{text}","",""\n'
            for i, (name, text) in enumerate(rows)
        )
        return parse_source(InputSource(name="chat.csv", data=csv_text.encode()))

    # The report after the bot's pinned reminder is what the thread argues about: its teller
    # and the one who takes it back then sit apart from the doubters.
    got = sides(
        export(
            ("FestBot", "Reminder: the ticket resale thread is pinned. Face value only."),
            ("jonno_b", "brackenfield is cancelled, all the sound hire bookings got pulled"),
            ("mikeyd", "source? their insta posted a lineup teaser two days ago"),
            ("lottie", "ticket site stopped selling weekend camping too"),
            ("mikeyd", "thats because camping SOLD OUT lol"),
            ("jonno_b", "mate messaged back, it's the sound company that lost it. my bad"),
        )
    )
    assert got[0] is None  # the bot is on no side
    assert got[1] is not None and got[2] is not None and got[1] != got[2]
    # A bot's prompt before the first post still makes a show-and-tell, whose talk is no
    # dispute: "the symmetry on that though" praises a pour, it does not argue.
    got = sides(
        export(
            ("Crema Bot", "It's Latte Art Saturday! Post your pours below."),
            ("Ines", "first tulip that actually looks like a tulip"),
            ("Wren", "oh that's clean! what milk jug are you using?"),
            ("Tobiah", "rosetta attempt no. 47"),
            ("Ines", "the symmetry on that though"),
            ("Baz", "what temp do you steam to? mine keeps going bubbly"),
            ("Tobiah", "about 60, stop when the jug's too hot to hold"),
        )
    )
    assert len({s for s in got if s is not None}) <= 1


def test_minutes_numbered_with_letters_still_name_their_speakers() -> None:
    # "2b. Mr Fairclough said": the item's letter is part of its number, not of the speaker;
    # who agreed with whom, and who replied to whom, is read from the names.
    got = sides(
        pasted(
            "Greyford Bowls Club, committee meeting. In the chair, the captain.",
            "2. The captain introduced the proposal that juniors may book rinks on Saturday"
            " mornings.",
            "2a. The junior organiser said junior numbers had halved in five years and that"
            " Saturday is the only morning juniors are free.",
            "2b. Mr Fairclough said Saturday morning is the one slot working members can rely"
            " on and the competitions already fill it.",
            "2c. Mrs Osei pointed out that the competition sheet is rarely full before nine.",
            "2d. Mr Fairclough replied that juniors play slowly and would hold up every rink.",
            "(e) Mr Hendry agreed with Mr Fairclough and added that the insurance needs an adult"
            " with juniors under 14.",
            "3. Green report. The greenkeeper reported that the ditches will be cleared.",
        )
    )
    assert apart(got, 5, 4)  # Fairclough replied to Osei
    assert got[6] is not None and got[6] == got[3] == got[5]  # Hendry with Fairclough


def test_a_weekly_show_thread_or_a_title_that_asks_to_be_shown_has_no_sides() -> None:
    # "Weekly thread: what's on your needles? Share a photo!": each reply shows its own work;
    # "love the colours tomasz! i'm just swatching" answers a post, it does not argue with it.
    got = sides(
        thread(
            "Needlebot: Weekly thread: what's on your needles (or hook) this week? Share a photo!",
            "hannah.k: second sock of a pair. the dreaded second sock",
            "wren: a baby blanket for my cousin, due in march so plenty of time"
            " (famous last words)",
            "hannah.k: what yarn is the blanket?",
            "wren: a cotton blend, pale yellow",
            "Tomasz: [attachment: granny_squares.jpg]",
            "Tomasz: granny squares for a cushion, 14 of 20 done",
            "Aoife: love the colours tomasz! i'm just swatching for a cardigan, nothing exciting",
            "hannah.k: swatching counts!!",
        )
    )
    assert len({s for s in got if s is not None}) <= 1
    # The forum's title asks to be shown ("Show us your trees: March"); the post under it says
    # only what to post.
    got = sides(
        forum(
            [
                (
                    "moss",
                    "Same as every month: a line about a tree you've been working on. Any"
                    " species, any stage.",
                    None,
                ),
                (
                    "kenji",
                    "Repotted my trident maple this weekend, the roots were circling the pot."
                    " Fingers crossed it buds out.",
                    "p1",
                ),
                ("pinch", "how old is it?", "p2"),
                ("kenji", "about 12 years from a cutting", "p3"),
                (
                    "bramble",
                    "First time wiring a juniper. Took three hours and I'm still not sure which"
                    " side is the front.",
                    "p1",
                ),
                ("moss", "the front will find you eventually", "p5"),
                (
                    "azalea",
                    "My satsuki azalea has buds! No flowers yet, I'll post again when they open.",
                    "p1",
                ),
                (
                    "pinch",
                    "Just a photo of the pine. Nothing done to it this month except watering.",
                    "p1",
                ),
                ("bramble", "what colour are the flowers?", "p7"),
                ("azalea", "pink with white edges, hopefully", "p9"),
            ],
            title="Show us your trees: March",
        )
    )
    assert len({s for s in got if s is not None}) <= 1


def test_a_reply_that_says_it_is_exactly_the_point_affirms_it_unless_it_mocks() -> None:
    posts = [
        (
            "wheelie",
            "Yes. I use a wheelchair and I've turned up twice to rooms with a crawl-through"
            " tunnel nobody mentioned. One line on the booking page would have saved both trips",
            None,
        ),
        (
            "clockwork",
            "Same with flashing lights. My partner has epilepsy and we end up phoning every"
            " venue to ask.",
            "p1",
        ),
        (
            "tess",
            "That's exactly the case the article makes. Most venues know the answer, they just"
            " don't write it down.",
            "p2",
        ),
        ("oddbit", "Does anyone know if there's a directory that lists this already?", None),
        ("ferrule", "There's a volunteer spreadsheet for the UK but it's two years old.", "p4"),
        (
            "bramble",
            "Having built two rooms: agreed. It costs nothing to list steps, tunnels and strobes.",
            None,
        ),
    ]
    got = sides(forum(posts, title="Escape rooms should tell you about accessibility"))
    assert len({s for s in got if s is not None}) <= 1
    # '"Most venues know" is exactly what they would say': mocks what it quotes.
    posts[2] = (
        "tess",
        '"Most venues know" is exactly what a venue would say though. They never do.',
        "p2",
    )
    got = sides(forum(posts, title="Escape rooms should tell you about accessibility"))
    assert apart(got, 2, 1)


def test_a_question_put_to_everyone_and_a_bare_no_to_it_are_no_dispute() -> None:
    # "Does anyone trust the forecourt gauges?" asks; "No, carry a small digital gauge."
    # answers it. Neither argues with the advice the thread agrees on.
    posts = [
        (
            "sid",
            "Can't say this enough. Luggage plus a pillion can add 100 kg, and most bikes have a"
            " separate loaded pressure in the manual that nobody reads.",
            None,
        ),
        ("ali", "Yep. I cooked a rear tyre in two days running solo pressures.", "p1"),
        ("kasia", "Agreed, and check them cold, in the morning, not after the ride.", None),
        (
            "theo",
            "Does anyone trust the gauges on forecourt airlines? Mine read 4 psi off.",
            "p3",
        ),
        ("kasia", "No, carry a small digital gauge. They're about £15.", "p4"),
        ("lars", "Same goes for chain tension, it changes with the load too.", None),
        ("ali", "Good point, I never adjust mine for luggage either.", "p6"),
    ]
    got = sides(forum(posts, title="Check your tyre pressures before a loaded motorcycle tour"))
    assert len({s for s in got if s is not None}) <= 1


def test_a_view_held_before_but_given_up_is_the_other_view() -> None:
    # Minutes say it of the speaker; people say it of themselves.
    for text, sign in (
        (
            "7.10 Cllr Doyle said he had opposed the idea last year, but a fenced tent closing"
            " at 8pm met his concerns and he would support it.",
            +1,
        ),
        ("I opposed it last year but now I support it.", +1),
        ("Mrs Lee said she had supported the plan at first, but the costs changed her mind.", -1),
        ("Mr Ali said he had opposed the road for years.", -1),
    ):
        found = cue(text)
        assert found is not None and found.sign == sign, text


def test_who_seconds_a_motion_stands_with_who_proposes_it() -> None:
    # "..., seconded by Cllr Lindqvist": the seconder is with the proposer, not answered back
    # by them (a name at the end of a minute is no reply to that person).
    got = sides(
        pasted(
            "7.1 The Chair introduced a request to run a beer tent on the recreation ground.",
            "7.2 Cllr Okafor spoke in favour, saying the profit would go to the defibrillator.",
            "7.3 Cllr Pettit opposed the request, noting that the byelaws forbid alcohol.",
            "7.4 Cllr Lindqvist said neighbouring villages have had beer tents for years.",
            "7.5 Cllr Brabazon said the play area is forty metres from the tent.",
            "7.6 Cllr Pettit proposed that the request be refused, seconded by Cllr Brabazon;"
            " the motion fell.",
            "7.7 Cllr Okafor proposed that the byelaw be suspended on condition that the tent"
            " is fenced, seconded by Cllr Lindqvist.",
        )
    )
    assert got[3] is not None and got[3] == got[1] == got[6]
    assert got[4] is not None and got[4] == got[2] == got[5]
    assert apart(got, 1, 2)


def test_a_report_that_asks_for_news_of_itself_is_denied_by_an_insider() -> None:
    # "... the fete is off this year ... anyone know more?" reports; it asks nothing to be
    # weighed. "Sue from the fete committee here. The fete is ON ... as usual." denies it.
    posts = [
        (
            "ashby_local",
            "saw on the village facebook group that the fete is off this year because the"
            " committee cant get insurance for the bouncy castle. kids will be gutted. anyone"
            " know more?",
            None,
        ),
        ("hannah", "source? that facebook post got deleted within an hour", "p1"),
        ("ashby_local", "yeah it got deleted which is kind of suspicious in itself?", "p2"),
        ("tim", "its true, my mum's in the WI and they've been told not to bother baking", "p1"),
        (
            "fete_committee",
            "Hi all, Sue from the fete committee here. The fete is ON, Saturday 11th July on the"
            " rec as usual. We did have trouble getting cover for the dog show, which is"
            " probably where this came from.",
            "p1",
        ),
        ("tim", "ah ok, must have got the wrong end of it from mum. sorry", "p5"),
    ]
    ids = ["reddit_t3_post", *(f"reddit_t1_c{n}" for n in range(1, len(posts)))]
    # (a Reddit comment under the post has no parent: it answers the post, `bot.ingest.web`)
    by_p = {f"p{n}": i for n, i in enumerate(ids, 1) if n > 1}
    reddit = Thread(
        comments=tuple(
            Comment(id=i, author=a, text=t, reply_to=by_p.get(r or ""))
            for i, (a, t, r) in zip(ids, posts, strict=True)
        ),
        source="reddit",
        title="Little Ashby fete cancelled this year??",
    )
    got = sides(reddit)
    assert apart(got, 4, 3)  # the committee against the one who backed the report
    assert got[4] == got[1]  # with the one who asked for a source


def test_a_poster_whose_source_got_it_wrong_gives_the_report_up() -> None:
    from bot.summarize.offline.cues import OWN_RETRACTION

    for text in (
        "oh thank god. sorry Jo, mate clearly got it wrong.",
        "my cousin must have got it wrong then",
        "ok I got that wrong, sorry",
    ):
        assert OWN_RETRACTION.search(text), text
    for text in ("you got it wrong, it's the sound company", "they never got it wrong before"):
        assert not OWN_RETRACTION.search(text), text


def test_a_camel_case_handle_is_named_by_its_first_word() -> None:
    # "agree with dan" names DanTheLutz, not the one who spoke last.
    got = sides(
        thread(
            "kasia_m: starting the 10 week adult learn to skate course in jan. rent skates or buy"
            " my own?",
            "DanTheLutz: buy. rental skates are blunt, you'll learn twice as fast in your own",
            "ruthie: rent for the first few weeks and see if you even like it. beginner skates"
            " are £80 minimum",
            "DanTheLutz: £80 is 10 weeks of rental anyway",
            "ruthie: and then you buy the wrong size because you dont know how they should fit",
            "tobi: agree with dan, i rented for a term and every week was a different pair",
        )
    )
    assert got[5] is not None and got[5] == got[1] == got[3]
    assert apart(got, 5, 4)


def test_what_a_question_says_of_both_options_is_not_the_second_option() -> None:
    from bot.summarize.offline.cues import question_options

    for question, options in (
        ("is a decanter or one of those pour-through aerators worth it?", ("decanter", "aerator")),
        ("is python or rust better for beginners?", ("python", "rust")),
        ("are the cabins or the hotel cheaper?", ("cabin", "hotel")),
        ("would a kindle or a kobo be the best option?", ("kindle", "kobo")),
    ):
        assert question_options(question) == options, question


def test_an_option_named_with_imo_is_picked() -> None:
    got = sides(
        thread(
            "Fenna: ok wine people, for cheap weeknight reds is a decanter or one of those"
            " pour-through aerators worth it? got £30 of birthday money",
            "Rob: decanter. a plain glass one is like £15 and it looks nice on the table",
            "Suki: aerator for weeknight stuff imo, you pour a glass and its done. nobody's"
            " decanting a tuesday merlot",
            "Rob: you'd be surprised, i decant everything, takes 2 mins",
            "Suki: the 20 min thing is fine if you remember, i never remember. aerator = zero"
            " thinking",
        )
    )
    assert apart(got, 1, 2)
    assert got[3] == got[1] and got[4] == got[2]


def test_a_firm_no_or_yes_from_me_is_a_vote() -> None:
    for text, sign in (
        ("strong no from me. half of us learned to read music BY being in a choir.", -1),
        ("a firm no from me tbh", -1),
        ("big yes from me, we wasted weeks on the motet", +1),
    ):
        found = cue(text)
        assert found is not None and found.sign == sign and found.vote == 2, text


def test_a_question_whether_to_recommend_a_ban_is_restated_by_banning() -> None:
    claim = read_claim("to recommend a ban on night flights between 11 and 6")
    assert claim is not None and "ban" in claim.verbs
    got = sides(
        thread(
            "Facilitator: Right, table three. The question is whether to recommend a ban on"
            " night flights between 11 and 6. Who wants to start?",
            "Joan: I live under the flight path. Two, three planes after midnight and I'm awake"
            " till four. I'd ban them, simple as that.",
            "Marcus: But the airport said the night freight is 300 jobs. Ban the flights and"
            " those jobs go to another airport.",
            "Colin: I'm against it altogether. The airport was there before the houses.",
            "Hafsa: I'm with Joan, at least for the passenger flights.",
        )
    )
    assert apart(got, 1, 3)
    assert got[4] == got[1]


def test_a_summary_of_responses_with_the_vote_after_the_label() -> None:
    # "R1, local resident, supports. ...": the label ends at the comma before the vote, and
    # the verb after the label is the vote, whatever the rest proposes.
    got = sides(
        pasted(
            "Summary of responses to the consultation on orienteering events in Bracken Woods."
            " Respondents numbered in order of receipt.",
            "R1, local resident, supports. There is nowhere nearer than forty minutes' drive.",
            "R2, birdwatcher, objects. Runners off the paths will drive the nightjars off.",
            "R3, Bracken Valley Orienteering Club, supports and proposes that no events be held"
            " between April and July.",
            "R4, dog walker, objects on the grounds of parking; the car park is full already.",
            "R5, agrees with R2 and adds that the ground flora has only just recovered.",
            "R6, asks whether events would close any footpaths.",
            "R7, the county ecologist, does not object provided events avoid the nesting season.",
            "R9, objects. Six is too many; two a year would be acceptable.",
        )
    )
    assert apart(got, 1, 2)
    assert got[1] == got[3] == got[7]
    assert got[2] == got[4] == got[5] == got[8]
    assert got[6] is None


def test_a_named_persons_only_statement_is_answered_and_a_yes_to_a_question_is_no_vote() -> None:
    # "they scrape, they don't cut" shares no word with the opening, but it is Stan's view:
    # "agree with stan" agrees with it. "@gil yes that" answers what Gil asked, not the claim.
    got = sides(
        thread(
            "fine_dust_fran: honestly carbide tools are fine for beginners. no sharpening, you"
            " just rotate the cutter, and they get turning on day one",
            "skew_chisel_stan: they scrape, they don't cut. you never learn to ride the bevel"
            " and your finish is always rubbish",
            "fine_dust_fran: @skew_chisel_stan half the people at the club nights never turn again"
            " because they spend the first three evenings at the grinder. carbide keeps them",
            "burl_betty: agree with stan. i started carbide and it took me a year to unlearn it",
            "pen_kit_priya: for pens and small stuff carbide is all i use, works great",
            "green_wood_gil: what about a sharpening jig for the grinder? takes most of the"
            " fiddle out of it",
            "skew_chisel_stan: @green_wood_gil yes that, a jig and a proper spindle gouge beats"
            " any carbide tool",
        )
    )
    assert apart(got, 0, 3)
    assert got[3] == got[6]


def test_numbers_either_side_of_or_are_the_options() -> None:
    from bot.summarize.offline.cues import question_options

    assert question_options("9.5mm or 10mm tip?") == ("9.5mm", "10mm")
    assert question_options("a 27 or 29 inch wheel for trails?") == ("27", "29")
    got = sides(
        thread(
            "leah: buying my first proper cue. 9.5mm or 10mm tip? i mostly play league",
            "sal: 9.5. finer tip, easier to put side on and most pros use 9.5 or less",
            "rest: 10mm. more forgiving when you miscue and a league player isnt putting side on",
            "sal: forgiving means you never learn to hit the ball centre",
            "ken: rest's right, 10mm. you're paying to enjoy league night, not to be punished",
            "gil: get the 9.75 and stop arguing lol",
        )
    )
    assert apart(got, 1, 2)
    assert got[4] == got[2]
    assert got[5] is None


def test_a_link_story_titled_with_a_report_is_backed_and_denied_by_its_comments() -> None:
    from bot.summarize.offline.cues import retracts

    assert retracts("You're right, I misread it. I've added a correction to the post.")
    # A Hacker News link story has no post: its title is the report. "Not surprising." backs
    # it; "One of the two people here. We're not shutting down." is an insider's denial.
    story = Thread(
        comments=(
            Comment(
                id="hn1",
                author="contour_line",
                text="Not surprising. The last app update was fourteen months ago.",
            ),
            Comment(
                id="hn2",
                author="relocate_me",
                text="Read-only forums are normal for a two-person project. What's the source?",
                reply_to="hn1",
            ),
            Comment(
                id="hn3",
                author="leg_split",
                text="Two-person projects always say this right before they stop.",
            ),
            Comment(
                id="hn4",
                author="waypunch_dev",
                text="One of the two people here. We're not shutting down. v1 servers go off in"
                " June, v2 has been live since last year.",
            ),
        ),
        source="hackernews",
        title="Waypunch, the orienteering timing app, is shutting down",
        url="https://news.example/item?id=1",
    )
    got = sides(story)
    assert apart(got, 0, 3)
    assert got[1] == got[3]


def test_they_are_not_this_they_are_that_reframes() -> None:
    found = cue(
        "they're not for teaching technique, they're for getting 7 year olds through the door"
        " without a £200 kit bill"
    )
    assert found is not None and found.sign < 0
    assert (
        cue("they're not here yet, they said ten") is None
        or cue("they're not here yet, they said ten").sign >= 0
    )


def test_an_insider_in_a_thread_whose_title_asks_for_views_argues_rather_than_denies() -> None:
    # "... instead of a band: is it killing the show?" asks for views; "MD here. The band isn't
    # just sound, it's a safety net." argues the poster's side, it denies no report.
    posts = [
        (
            "pit_singer_pol",
            "Saw a local production of a big musical last week and the whole thing was to a"
            " backing track. A live band breathes with the actors. Tracks make it karaoke.",
            None,
        ),
        (
            "fly_floor_fin",
            "A five-piece band costs our society £2,500 a show. Tracks cost £300.",
            None,
        ),
        ("pit_singer_pol", "Then raise the ticket price by a pound.", "c1"),
        (
            "md_marcus",
            "MD here. The band isn't just sound, it's a safety net. When someone skips eight"
            " bars on night two the band follows them.",
            None,
        ),
        (
            "quick_change_kez",
            "Modern track software lets the operator vamp and skip. It's not a CD any more.",
            "c3",
        ),
    ]
    ids = ["reddit_t3_post", *(f"reddit_t1_c{n}" for n in range(1, len(posts)))]
    by_c = {f"c{n}": i for n, i in enumerate(ids)}
    reddit = Thread(
        comments=tuple(
            Comment(id=i, author=a, text=t, reply_to=by_c.get(r or ""))
            for i, (a, t, r) in zip(ids, posts, strict=True)
        ),
        source="reddit",
        title="Am-dram musicals using backing tracks instead of a band: is it killing the show?",
    )
    from bot.summarize.offline import _analyse
    from bot.summarize.offline.model import Reporter

    md = _analyse(reddit, Reporter(None)).docs[3]
    assert md.cue is None or not (md.cue.sign < 0 and md.cue.about_claim)
    assert apart(sides(reddit), 3, 4)


def test_options_the_question_words_too_loosely_are_what_the_first_answers_open_with() -> None:
    from bot.summarize.offline.cues import answer_lead, option_choices

    asked = (
        "ok flat admin time. for bills do we want a joint bank account everyone pays into, "
        "or just keep using splitwise?"
    )
    assert option_choices(asked) == ((), {})  # the question alone names no two options
    got = sides(
        thread(
            f"Ciara: {asked}",
            "Jem: splitwise. a joint account means all four of us are linked on credit files",
            "Femi: joint account, splitwise only works if people actually settle up",
            "Rob: splitwise, when someone moves out you don't close an account",
            "Jem: a joint account doesn't fix Rob, he just won't pay into it instead",
        )
    )
    assert apart(got, 1, 2) and got[1] == got[3] == got[4]
    assert got[0] is None  # the asker takes no side
    # Listed before "which one??", joined by "and".
    got = sides(
        thread(
            "Hollis: the shop has the same scent as edp and edt. which one?? the edp is £30 more",
            "Marguerite: edp, lasts way longer. edt will be gone by the speeches",
            "Jun: edt imo. for a first one you want something you can spray freely",
            "Marguerite: you just spray less of the edp. one spray lasts all day",
        )
    )
    assert apart(got, 1, 2) and got[1] == got[3]
    # A statement that names an option is no pick of it; a bare pick is.
    assert answer_lead("the brass ones are fat and bounce out", [(0, 38)]) is None
    assert (
        answer_lead("brass first imo. you dont know your grip yet", [(0, 16), (17, 45)]) == "brass"
    )
    # A question that asks no choice has no options read from its answers.
    got = sides(
        thread(
            "Ana: how do I get the bills sorted for the flat?",
            "Ben: splitwise. it tracks who owes what",
            "Cat: spreadsheet, pinned in the chat",
        )
    )
    assert not apart(got, 1, 2)


def test_siding_with_someone_and_chats_agree_w_name_them() -> None:
    got = sides(
        thread(
            "Gus: this trade needs to be vetoed, it is collusion",
            "Hollis: its not collusion lol i need depth",
            "Kaylee: agree w gus, nobody trades a top RB for two backups",
        )
    )
    assert got[2] == got[0] and apart(got, 0, 1)
    got = sides(
        thread(
            "Gareth: im getting him a single line kite first, learn the wind before you steer",
            "Ines: nah he'll be bored in ten minutes, the two line ones actually do stuff",
            "Declan: have to side with gareth, stunt kites pull hard in a decent wind",
        )
    )
    assert got[2] == got[0] and apart(got, 0, 1)


def test_a_two_letter_piece_of_a_handle_is_a_name_people_use() -> None:
    got = sides(
        thread(
            "bramble_bex: found a massive patch of wild garlic on the verge, filled a bag",
            "elderflower_ed: no, washing doesnt get heavy metals out. never pick on busy roads",
            "rosehip_rob: people have picked off verges forever, a few metres back is fine",
            "marsh_samphire: agree with ed. theres a whole wood full of it, why risk it",
        )
    )
    assert got[3] == got[1] and apart(got, 0, 1)
    # A word chat writes on its own is no name, whoever's handle ends with it.
    from bot.summarize.offline.linking import _SHORT_NAME

    assert _SHORT_NAME.fullmatch("ed") and not _SHORT_NAME.fullmatch("ty")


def test_scratch_what_i_said_and_ignore_me_then_take_a_view_back() -> None:
    from bot.summarize.offline.cues import retracts

    assert retracts("oh thank god. ok scratch what i said")
    assert retracts("ignore me then, my cousin must have got it wrong")
    assert not retracts("ignore me if this was posted already, but the pool is closing")
    got = sides(
        thread(
            "brennan: guys panel beaters is closing at the end of the month, theres a CLOSING sign",
            "tofu: can confirm the sign, i was in at lunch. gutted",
            "kayla: where does it say closing down tho? i thought it said stock clearance",
            "dev: Dev here (owner). We're not closing! We're moving two doors down next month",
            "tofu: oh thank god. ok scratch what i said",
        )
    )
    assert apart(got, 1, 3) and got[4] == got[3]


def test_who_says_and_an_ah_before_an_agreement_are_read() -> None:
    assert cue("who says? i was there saturday and they were taking bookings").kind == "query"
    assert cue("Who told you all of them? The Cancer Research one took a wardrobe").kind == "query"
    for text in ("ah ok, agree with Liv then, she'd know", "ah yeah that tracks", "oh ok, agree"):
        assert cue(text).sign > 0, text
    assert cue("ah no, thats wrong").sign < 0
    assert cue("fine, agree to disagree") is None
    got = sides(
        thread(
            "Georgie: mill lane is closing at xmas, theyre selling all the horses",
            "Hattie: who says? i was there saturday and they were taking bookings for january",
            "Georgie: my mum heard it at the feed merchants, the owner is retiring",
            "Liv: Its not closing, her daughter is taking over. My sister works there",
            "Dom: ah ok, agree with Liv then, she'd know",
        )
    )
    assert apart(got, 0, 1) and got[1] == got[3] == got[4]


def test_an_exports_channel_path_is_not_the_claim_that_stance_is_read_against() -> None:
    from bot.summarize.offline.linking import _claim
    from bot.summarize.offline.model import Reporter
    from bot.summarize.offline.reading import read
    from bot.summarize.text import Terms

    t = thread(
        "Derek: Had a go at carpet bowls in the village hall last night. that's not real bowls",
        "Sheila: My mother played carpet bowls for 20 years from a wheelchair. It's bowls.",
        source="discord-export",
        title="Groups / scouts-and-cubs",
    )
    docs, _, _ = read(t, Terms(), Reporter(None))
    # Neither the channel path nor the first turn of the conversation is a claim to restate.
    assert _claim(t, docs, 0) is None
    titled = Thread(comments=t.comments, source="reddit", title="Carpet bowls is real bowls")
    assert _claim(titled, docs, 0) is not None


def test_did_u_hear_passes_a_report_on_and_a_question_about_it_is_no_denial() -> None:
    claim = "omg did u hear mill lane is closing at xmas?? theyre selling all the horses"
    assert claim_stance(claim, "Its not closing, her daughter is taking over.") == -1
    got = sides(
        thread(
            f"Georgie: {claim}",
            "Hattie: who says? i was there saturday and they were taking bookings",
            "Liv: Its not closing, her daughter is taking over. My sister works there",
            "Priya: does that mean lessons stay the same price?",
        )
    )
    assert apart(got, 0, 2) and got[3] is None


def test_naming_someone_right_then_turning_with_but_grants_them_a_point() -> None:
    got = sides(
        thread(
            "harriet: my 12yo wants to start manga. buy actual volumes or get her one of the "
            "digital subscription apps?",
            "olly: volumes. she can lend them to friends and reread them",
            "kayla: digital honestly. at 12 she'll try 20 series and like 3",
            "olly: kayla's right about trying lots of series, but thats what the library's for",
        )
    )
    assert apart(got, 1, 2) and got[3] == got[1]


def test_minutes_was_against_seconded_and_an_objection_that_stood() -> None:
    assert cue("3.2 D. Prentice was against. Members share methods at every meeting.").sign < 0
    assert cue("3.8 D. Prentice said his objection stood: a workshop still meant it").sign < 0
    assert cue("3.2 Kerry (Fox and Hounds) seconded and said the tablets keep averages.").sign > 0
    assert cue("the chair said it was seconded by the treasurer") is None
    got = sides(
        pasted(
            "3. Junior membership. The Secretary read a letter from a parent asking whether her "
            "son could join.",
            "3.1 M. Okafor spoke in favour: if the club did not bring on young magicians it "
            "would not exist in ten years.",
            "3.2 D. Prentice was against. Members share methods that are not for children.",
            "3.3 A. Lomax agreed with Mr Prentice, adding that a pub back room is no place for "
            "a child.",
            "3.4 S. Whitlow seconded and said every member present had learned as a child.",
        )
    )
    assert apart(got, 1, 2) and got[3] == got[2] and got[4] == got[1]


def test_a_hacker_news_answer_and_an_insider_on_a_view_are_no_dispute() -> None:
    from pathlib import Path

    from bot.bench.sides_bench import SET_DIR, load_debate

    # "Has anyone tried the cheap moisture sensors?" - "They're fine for trends, bad for
    # absolute numbers." answers; "Plant shop owner here. I'd say four out of five ... are root
    # rot" under "Most house plants die from too much water, not too little" corrects no news.
    name = "heldout-28/no-disagreement-hn-json-overwatering-kills-more-plants.toml"
    got = sides(load_debate(Path(SET_DIR, name)).thread())
    assert len({s for s in got if s is not None}) <= 1
    from bot.summarize.offline.linking import _EVENT

    assert _EVENT.search("Most house plants die from too much water, not too little") is None
    for news in (
        "The Glenmore chairlift has been shut for failing its safety test",
        "apparently the ski centre isnt opening this year",
        "kestrel just got banned off the ladder for aimbot",
        "Red Lion closing for good and being turned into flats??",
    ):
        assert _EVENT.search(news) is not None, news


def test_an_offer_in_reply_is_no_case_against_what_it_answers() -> None:
    got = sides(
        forum(
            [
                (
                    "kelly",
                    "New season. Tell us your go-to karaoke song so I can have it ready.",
                    None,
                ),
                ("marcus", "Bohemian Rhapsody if someone does the Galileo bits with me.", "p1"),
                ("jas", "I'll do the Galileo bits.", "p2"),
                ("fi", "Happy to do the echo bits too, see you Thursday", "p2"),
            ],
            "Your go-to karaoke song?",
        )
    )
    assert len({s for s in got if s is not None}) <= 1


def test_a_claims_verb_inside_an_if_clause_states_nothing() -> None:
    claim = "bounce barn is closing end of the month!!"
    said = "they literally just put new mats in the pit, nobody does that if they're closing soon"
    assert claim_stance(claim, said) == 0
    assert claim_stance(claim, "they're closing if the lease goes") == 0
    assert claim_stance(claim, "they're definitely closing, my sister works there") == 1


def test_a_motion_not_seconded_is_nobodys_vote() -> None:
    assert cue("Cllr Lunn proposed an amendment; the amendment was not seconded and fell.") is None
    assert cue("The motion, having been seconded, was carried.") is None


def test_minutes_amendments_stand_against_the_motion_and_their_opponents_with_it() -> None:
    got = sides(
        pasted(
            "Item 6. Drones over parks. The Chair introduced the report proposing a byelaw "
            "banning drones in all parks.",
            "Cllr Mensah said residents had a right to sit in a park without being filmed and "
            "she supported a ban across all parks.",
            "Cllr Rowe said most people flying were children with toys and a blanket ban would "
            "criminalise them.",
            "Cllr Okoro moved an amendment that flying be allowed in a marked zone and banned "
            "elsewhere. Cllr Rowe seconded the amendment.",
            "Cllr Mensah said she could not support the amendment as a zone would be impossible "
            "to police.",
            "Cllr Lunn said that with a zone reviewed after a year he would now support it.",
        )
    )
    assert apart(got, 1, 3) and got[4] == got[1] == got[5]
    from bot.summarize.offline.cues import retracts

    assert retracts("Cllr Ibbotson said he had changed his view having heard the club")
    assert retracts("Cllr Lunn said that with the grant he would now support it")


def test_a_member_who_proposes_the_motion_in_minutes_is_for_it() -> None:
    assert cue("Cllr Penhale seconded, adding that the grass had been rutted every winter.")
    got = sides(
        pasted(
            "Item 6. Power kites and kite buggies on Hatherley Common. The Chair introduced the "
            "report.",
            "Cllr Ashworth proposed that power kites and buggies be prohibited on the Common by "
            "byelaw, saying a dog walker had been knocked over.",
            "Cllr Oduya moved an amendment that a flying zone be trialled instead of a ban.",
            "Cllr Ashworth said a zone would not stop buggies crossing the footpath.",
        )
    )
    assert apart(got, 1, 2) and got[3] == got[1]


def test_consultation_labels_with_an_aside_and_votes_with_a_wish_or_a_still() -> None:
    assert cue("Supports, though I'd prefer Fridays only. The late show is great.").sign > 0
    assert cue("A second door supervisor doesn't stop taxis idling at 2am. Still object.").sign < 0
    # A vote for it with a worry beside it is still a vote for it (all ten such responses in the
    # read sets were labelled support).
    assert cue("Supports, but the car park is a worry.").sign > 0
    got = sides(
        pasted(
            "Application 24/0318, The Basement. Variation to extend hours to 02:00 Friday and "
            "Saturday. Responses received are summarised below.",
            "R1, resident of Tanner Street (flat above the laundrette). Objects. The queue "
            "already sits under my window until midnight.",
            "R2, comedian and promoter. The late show is where new acts get stage time.",
            "R3, resident of Cooper's Yard. I agree with R1. The street is narrow.",
            "R4, owner of the kebab shop opposite. Supports. Customers are no trouble.",
            "R9, audience member. Supports, though I'd prefer Fridays only.",
        )
    )
    assert got[3] == got[1] and apart(got, 3, 4) and got[5] == got[4]


def test_a_consultation_response_that_supports_with_a_condition_is_on_the_supporters_side() -> None:
    got = sides(
        pasted(
            "Application 25/0412, 3 Mill Lane. A garden pottery studio with an electric kiln. "
            "Responses received are summarised below.",
            "R1, resident of Mill Lane. Objects. A kiln next to a wooden fence is a fire risk.",
            "R2, resident of Orchard Close. Supports. A quiet hobby that brings people in.",
            "R3, resident of Mill Lane. Supports, though I would ask for a limit of two firings "
            "a week.",
            "R4, resident of Kiln Row. Objects. The flue will face my bedroom window.",
            "R5, member of the pottery guild. Support, but the studio should not be let out.",
        )
    )
    assert apart(got, 1, 2) and got[3] == got[2] == got[5] and got[4] == got[1]


def test_a_chat_turn_led_by_a_word_of_someones_handle_answers_them() -> None:
    got = sides(
        thread(
            "lowbattery_lou: flew the 3 inch in Victoria park this morning, nobody around",
            "ruddervator: lou thats a public park, you cant fly fpv over it, full of dog walkers",
            "skidmark_sam: its a 3 inch under 250g, its no worse than a kid with a toy plane",
            "pennine_props: what ruddervator said. the club field exists for a reason",
        )
    )
    assert apart(got, 0, 1) and got[3] != got[0]  # (not with the report)
    from bot.summarize.offline.linking import _led_by

    names = {"gel": "gel_pen_gary"}
    assert not _led_by("Gel. The paper feathers terribly", 0, "gel_pen_gary", names)
    assert _led_by("gel that's not true", 0, "gel_pen_gary", names)


def test_my_worry_is_objects_to_what_is_proposed() -> None:
    assert cue("Our main concern is the parking on Canal Street.").sign < 0
    got = sides(
        thread(
            "Facilitator: question three: should the council lease the old depot to the tiny "
            "house group? Who'd like to start?",
            "Nadia: I'm for it. Young people can't afford a deposit round here.",
            "Ifeoma: They're built to building regs, insulated, on proper foundations.",
            "Graham: My worry is they're not proper houses. In ten years it's rotting sheds.",
            "Rashid: I'm with Graham. That site could take sixty flats.",
        )
    )
    assert apart(got, 1, 3) and got[4] == got[3]


def test_x_is_what_someone_said_reports_it_rather_than_agreeing() -> None:
    assert cue('"not leaving" is what Lime said in Tilbury two weeks before they left') is None
    assert cue("^ what jen said. the moaning group strikes again").sign > 0


def test_a_yes_in_chat_answers_the_statement_just_made_not_the_report() -> None:
    got = sides(
        thread(
            "vanna: saltmarsh seafront going no overnight vans from june. council voted it "
            "through last night apparently",
            "steve: where did you see that? was there on saturday and no signs",
            "rusty: they voted to CONSULT on it, not ban it. i watched the meeting stream",
            "dormouse: yeah its a consultation, ive already filled in the form",
        )
    )
    assert apart(got, 0, 1) and got[3] != got[0]  # (not with the report)
    # The poster's own "Yeah she'd walk with Maddie from next door most days" grants a detail
    # to the one who doubted her; it does not join them.
    from pathlib import Path

    from bot.bench.sides_bench import SET_DIR, load_debate

    name = "heldout-22/casual-chat-walking-to-school-alone-at-nine.toml"
    got = sides(load_debate(Path(SET_DIR, name)).thread())
    assert apart(got, 0, 1) and got[8] == got[0]


def test_hacker_news_replies_that_only_answer_back_make_no_dispute_where_nobody_disagrees() -> None:
    from pathlib import Path

    from bot.bench.sides_bench import SET_DIR, load_debate

    # "We had a paper log book for years. It went in the skip with the minidiscs." adds to
    # "+1, and write down who presented what": nobody on the thread disagrees.
    name = "heldout-32/no-disagreement-hn-json-archive-community-radio-shows.toml"
    got = sides(load_debate(Path(SET_DIR, name)).thread())
    assert len({s for s in got if s is not None}) <= 1
    # An option question keeps its answers' back-and-forth.
    name = "heldout-21/question-hn-json-index-funds-or-overpay-mortgage.toml"
    got = sides(load_debate(Path(SET_DIR, name)).thread())
    assert len({s for s in got if s is not None}) == 2


def test_a_backed_view_after_a_yes_to_the_question_is_the_rival_camp() -> None:
    got = sides(
        thread(
            "Facilitator: Table three, question two: should the causeway path be closed April "
            "to July for the nesting season? Bernie, you first.",
            "Bernie: Yes. The lapwings nest right alongside it and every dog flushes them.",
            "Shona: I walk to work along it. The alternative's the main road with no pavement.",
            "Hamid: I'm with Bernie. The nest count's halved in ten years.",
            "Terry: Shona's right. Dogs on leads only and a warden at weekends would do it.",
        )
    )
    assert apart(got, 1, 2) and got[3] == got[1] and got[4] == got[2]
