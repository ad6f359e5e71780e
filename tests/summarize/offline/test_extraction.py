"""Stage 4: question, labels, positions, points, other points and notes."""

from __future__ import annotations

from bot.bench.sides_bench import SET_DIR, load_debate
from bot.dedupe import dedupe
from bot.summarize.offline import summarize_offline
from bot.summarize.offline.extraction import (
    balanced,
    labels,
    point_text,
    question,
    strip_markup,
)
from bot.summarize.verify import verify
from bot.thread import Comment, Thread


def chat(*lines: str, title: str | None = None, source: str = "paste") -> Thread:
    comments = []
    for n, line in enumerate(lines, 1):
        author, _, text = line.partition(": ")
        comments.append(Comment(id=f"c{n}", author=author or None, text=text))
    return Thread(comments=tuple(comments), title=title, source=source)


DEBATE = (
    "Ana: We should move the weekly sync to Thursday mornings. Thanks!",
    "Ben: I disagree, Thursday mornings are when the release goes out.",
    "Cai: I agree with Ana, Mondays are full of firefighting anyway.",
    "Dee: That's wrong, _most_ releases slipped to Friday this quarter.",
)


def test_question_is_a_sentence_title_else_the_opening_claim() -> None:
    summary, _ = summarize_offline(chat(*DEBATE, title="Moving the weekly sync to Thursday?"))
    assert summary.question == "Moving the weekly sync to Thursday?"
    # A channel name is not a question: the opening claim is.
    summary, _ = summarize_offline(chat(*DEBATE, title="team-chat"))
    assert summary.question.startswith("We should move the weekly sync to Thursday mornings.")
    assert "team-chat" not in summary.question


def test_question_is_never_a_fragment_with_unbalanced_brackets() -> None:
    assert balanced("(PG: what are the numbers on this?") == "PG: what are the numbers on this?"
    assert balanced("a (b) [c") == "a (b) c"
    assert balanced("on the specials board :) and (cheap") == "on the specials board :) and cheap"
    assert balanced("kites) are ruining it ;-)") == "kites are ruining it ;-)"
    assert point_text("The teddy bears on lifter kites) are ruining kite festivals.") == (
        "The teddy bears on lifter kites are ruining kite festivals."
    )
    long = "word " * 80
    thread = chat(f"Ana: ({long}) is the claim.", "Ben: I disagree.")
    q = summarize_offline(thread)[0].question
    assert len(q) <= 161 and q.count("(") == q.count(")")
    assert question(None, [], None) == "No question could be read from the thread."


def test_opening_post_ending_with_thanks_is_kept_and_labels_say_the_stance() -> None:
    summary, notes = summarize_offline(chat(*DEBATE))
    assert [s.label for s in summary.sides] == [
        "For: We should move the weekly sync to Thursday mornings",
        "Against: We should move the weekly sync to Thursday mornings",
    ]
    assert summary.sides[0].position.startswith("We should move the weekly sync")
    assert summary.sides[1].position == "Thursday mornings are when the release goes out."
    assert not any("c1" in n for n in notes if n.startswith("Not quoted"))


def test_position_is_not_repeated_as_a_point_and_markup_is_stripped() -> None:
    summary, _ = summarize_offline(chat(*DEBATE))
    for side in summary.sides:
        assert all(p.text != side.position for p in side.points)
    texts = [p.text for s in summary.sides for p in s.points]
    assert "Most releases slipped to Friday this quarter." in texts
    # The quote stays verbatim, markup and all.
    quotes = [q.text for s in summary.sides for p in s.points for q in p.quotes]
    assert "That's wrong, _most_ releases slipped to Friday this quarter." in quotes


def test_junk_is_never_a_position_or_a_point() -> None:
    thread = chat(
        "tester: Test 123141235",
        "Ana: hi everyone",
        *DEBATE,
        "Eve: https://example.com/calendar",
        "Fay: \U0001f602",
        "Gus: I disagree with Dee, the release train has been on time since March.",
    )
    summary, notes = summarize_offline(thread)
    assert summary.question.startswith("We should move the weekly sync")
    cited = {c for s in summary.sides for p in s.points for c in p.comment_ids}
    cited |= {c for p in summary.other_points for c in p.comment_ids}
    assert not cited & {"c1", "c2", "c7", "c8"}
    assert all("Test 1231" not in s.position for s in summary.sides)
    _, report = verify(summary, thread.comments)
    assert report.quotes_dropped == 0 and report.quotes_verified > 0


def test_point_text_strips_list_markers_emphasis_and_leading_mentions() -> None:
    assert strip_markup("- **Bold** claim with _emphasis_") == "Bold claim with emphasis"
    assert strip_markup("@bob, the numbers are in") == "the numbers are in"
    assert point_text("@bob I disagree, the numbers are in") == "The numbers are in"
    assert strip_markup("snake_case_name stays") == "snake_case_name stays"
    # A Discord display name with a space goes whole when the thread has that name.
    assert strip_markup("@Big Stu and a jab", ["Big Stu"]) == "and a jab"
    assert strip_markup("@big stu, and a jab", ["Big Stu"]) == "and a jab"
    assert strip_markup("@Big Stuart wins", ["Big Stu"]) == "Stuart wins"  # another name
    assert point_text("@Big Stu and a tetanus jab every year", ["Big Stu"]) == (
        "A tetanus jab every year"
    )
    # A cue with its marks doubled, a trailing-off opening: the point starts at its words.
    assert point_text("yes!! but im bringing my own balls") == "Im bringing my own balls"
    assert point_text("...ok that's actually kind of a pet") == "Ok that's actually kind of a pet"
    assert point_text("\u2026two and a half. fair.") == "Two and a half. fair."


def test_an_open_question_is_shown_without_its_list_marker() -> None:
    lines = [
        "Claim: keeping trees as bonsai is cruel.",
        "- A bonsai kept properly can outlive the same species in the ground by centuries.",
        "- Wiring bends branches into shapes they would never grow into, and scars the bark.",
        "- Root pruning removes most of the tree's roots, which no tree in nature goes through.",
        "- Gardeners prune hedges and fruit trees every year and nobody calls that cruelty.",
        "- Doesn't a tree that gets watered, fed and checked every single day get more care "
        "than any tree in a park?",
    ]
    thread = Thread(comments=tuple(Comment(id=f"c{i}", text=t) for i, t in enumerate(lines, 1)))
    summary, _ = summarize_offline(thread)
    assert summary.open_questions == [lines[-1][2:]]
    # A question put to someone by @name is shown without the name (a pasted chat of the sets).
    debate = load_debate(SET_DIR / "heldout-2" / "rumour-chat-band-reunion.toml")
    questions = summarize_offline(dedupe(debate.thread())[0])[0].open_questions
    assert "which venue?? source?" in questions and not any("@" in q for q in questions)


def test_notes_are_true_and_plurals_right() -> None:
    _, notes = summarize_offline(chat(*DEBATE[:2]))
    assert notes[0].startswith("Sides come from 1 comment that agrees or disagrees")
    _, notes = summarize_offline(chat(*DEBATE))
    assert notes[0].startswith("Sides come from 3 comments that agree or disagree")


def test_cost_grows_linearly_with_the_input() -> None:
    """Issue 14: a single 16,000-word comment and long similar comments cost time linear in
    their size (measured: 0.16 s for 16,000 words; 0.9 s for 500 and 3.2 s for 1,999 comments of
    200 words on a busy machine). Bounds are loose; the ratio is what shows a cliff."""
    import time

    from bot.bench.offline_bench import long_similar_comments, one_long_comment

    def seconds(thread: Thread) -> float:
        started = time.perf_counter()
        summary, _ = summarize_offline(thread)
        assert summary.sides
        return time.perf_counter() - started

    assert seconds(one_long_comment(16000)) < 3.0
    small = seconds(long_similar_comments(100))
    large = seconds(long_similar_comments(800))
    assert large < 8 * small * 2.0  # 8x the input: within a small factor of 8x the time


def test_hostile_shapes_stay_cheap() -> None:
    """Markup, mentions, cue words and brackets repeated tens of thousands of times in one
    sentence: no pattern goes quadratic. Doubling the input must not much more than double the
    CPU time of this thread (quadratic work would quadruple it); CPU time, not wall time, so a
    busy machine does not fail it."""
    import time

    def cost(text: str) -> tuple[float, object]:
        thread = Thread(
            comments=(
                Comment(id="c1", author="a", text=text),
                Comment(id="c2", author="b", text=text),
            ),
            source="paste",
        )
        started = time.thread_time()
        summary, _ = summarize_offline(thread)
        return time.thread_time() - started, summary

    for unit, n in (
        ("_a ", 10000),
        ("@a ", 10000),
        ("I agree, but ", 3000),
        ("(", 20000),
        # a run of stops in one sentence, with a space before it (run-on and last-word reading)
        ("x .....................................", 2000),
    ):
        # The least of two runs each: interference only ever adds time.
        small = min(cost(unit * n)[0] for _ in range(2))
        large, summary = min((cost(unit * (2 * n)) for _ in range(2)), key=lambda r: r[0])
        assert large < 3.2 * small + 0.05, (unit, small, large)
        assert summary.question.count("(") == summary.question.count(")")


def test_thousands_of_labelled_responses_cost_their_number() -> None:
    """A consultation of many "Response N (resident): ..." lines: finding the labels stays
    linear (it was quadratic: each label was looked for in a list of all earlier ones with its
    role). CPU time, the least of two runs each; and the response named by its place ("the
    first response") is still found at that size."""
    import time

    from bot.summarize.offline import assign_sides
    from bot.summarize.offline.reading import respondent_labels

    def comments(n: int) -> list[Comment]:
        return [Comment(id="c0", author=None, text="Consultation: responses as written.")] + [
            Comment(
                id=f"c{i}",
                author=None,
                text=f"Response {i} (resident): I agree with the first response. Unfair.",
            )
            for i in range(1, n)
        ]

    def cost(n: int) -> float:
        given = comments(n)
        started = time.thread_time()
        labels = respondent_labels(given)
        spent = time.thread_time() - started
        assert labels[1] is not None and labels[-1] is not None
        return spent

    small = min(cost(10000) for _ in range(2))
    large = min(cost(20000) for _ in range(2))
    assert large < 3.2 * small + 0.02, (small, large)
    got = assign_sides(Thread(comments=tuple(comments(3000)), source="paste"))
    assert got[1] is not None and got[1] == got[2999]


def test_responses_named_by_number_or_role_cost_their_number() -> None:
    """Thousands of responses each naming an earlier one by its number ("the worry in R2") or
    its role ("I agree with the walkers"): each label is read once per number and per role
    phrase, not once per answer (both were quadratic). CPU time, the least of two runs each."""
    import time

    from bot.summarize.offline import _analyse
    from bot.summarize.offline.model import Reporter

    def by_number(n: int) -> list[str]:
        return ["Consultation: summary."] + [
            f"R{i}, resident of Street {i}. We share the worry in R{n - 1} about parking."
            for i in range(1, n)
        ]

    def by_role(n: int) -> list[str]:
        return ["Consultation: summary.", "Response 1 (Parish Walkers): We object."] + [
            f"Response {i} (resident): I agree with the walkers. Parking." for i in range(2, n)
        ]

    def cost(lines: list[str]) -> tuple[float, list]:
        thread = Thread(
            comments=tuple(Comment(id=f"c{i}", author=None, text=t) for i, t in enumerate(lines)),
            source="paste",
        )
        started = time.thread_time()
        docs = _analyse(thread, Reporter(None)).docs
        return time.thread_time() - started, docs

    for make in (by_number, by_role):
        small = min(cost(make(3000))[0] for _ in range(2))
        large, docs = min((cost(make(6000)) for _ in range(2)), key=lambda r: r[0])
        assert large < 3.0 * small + 0.05, (make.__name__, small, large)
    # and the naming still holds at that size: the walkers' response is the one agreed with
    assert docs[-1].target == 1 and docs[-1].link == "named"


def test_a_side_whose_only_statement_is_its_position_shows_it_once_without_markup() -> None:
    from bot.render.common import position_is_first_point

    debate = load_debate(
        SET_DIR / "heldout-2" / "args-zoos.toml"
    )  # "- Zoos should ...", "- We ..."
    summary, _ = summarize_offline(dedupe(debate.thread())[0])
    assert len(summary.sides) == 2
    for side in summary.sides:
        assert position_is_first_point(side), (side.position, side.points[0].text)
        assert not side.points[0].text.startswith("-")


def test_one_side_does_not_repeat_the_question_as_its_position() -> None:
    from bot.render.common import position_is_first_point

    lines = [
        "Should 18-year-olds have to do a year of national service?",
        "It would mix young people from different backgrounds who would otherwise never meet.",
        "Forcing people to work for a year is compulsory labour and violates their freedom.",
        "It delays university and work by a year and costs young people earnings.",
    ]
    thread = Thread(comments=tuple(Comment(id=f"c{i}", text=t) for i, t in enumerate(lines, 1)))
    summary, _ = summarize_offline(thread)
    (side,) = summary.sides
    assert summary.question == lines[0]
    assert side.position != summary.question and position_is_first_point(side)


def test_an_open_question_is_not_the_question_again_in_other_case() -> None:
    # "ok coffee nerds. ... french press or pour over?" is the question, shown capitalized.
    for name in (
        "heldout-16/question-chat-compact-french-press-or-pour-over.toml",
        "heldout-30/rumour-chat-oakhurst-selling-the-back-nine.toml",
    ):
        debate = load_debate(SET_DIR / name)
        summary, _ = summarize_offline(dedupe(debate.thread())[0])
        asked = " ".join(summary.question.split()).casefold().rstrip("\u2026")
        for q in summary.open_questions:
            assert " ".join(q.split()).casefold() not in asked, (name, q)


def minutes(*paragraphs: str) -> Thread:
    """Minutes pasted as paragraphs: no authors, each paragraph a comment."""
    comments = tuple(Comment(id=f"c{n}", text=p) for n, p in enumerate(paragraphs, 1))
    return Thread(comments=comments, source="paste")


def test_the_question_of_minutes_is_the_item_debated_not_the_header() -> None:
    # A header with neither "meeting" nor "minutes" in it, a preamble of standing business,
    # then the item: the proposal is the question.
    cricket = minutes(
        "Oakfield Cricket Club - General Committee, 12 November 2026",
        "1. Present: Chair (R. Bhatt), Treasurer (L. Coombes), Bar Manager (S. Yates).",
        "2. The minutes of the last meeting were approved.",
        "3. Treasurer's report: the bar made a surplus of 3,120 pounds over the season.",
        "4. Cashless bar. The Chair put the bar manager's proposal to take card payments only "
        "from April.",
        "4.1 The bar manager said the cash takes an hour to count after every home game.",
        "4.2 The fixtures secretary opposed it: the older members pay cash.",
    )
    assert summarize_offline(cricket)[0].question == (
        "Proposal to take card payments only from April."
    )
    # "Item 7." alone, its subject the next sentence; a numbered heading after apologies.
    item = minutes(
        "FERNHILL PARISH COUNCIL Minutes of the meeting held on Thursday 12 November 2026",
        "Present: Cllr H. Pryce (Chair), Cllr T. Adeyemi, Cllr M. Doughty.",
        "Item 7. Request from Greenway Street Food to trade from the village green on Sundays.",
        "Cllr Adeyemi said he supported the request.",
        "Cllr Doughty said she could not support it.",
    )
    assert summarize_offline(item)[0].question == (
        "Request from Greenway Street Food to trade from the village green on Sundays."
    )
    heading = minutes(
        "HARTLEY WYKE PARISH COUNCIL. Minutes of the meeting held on Tuesday 3 March.",
        "26/31 Apologies were received from Cllr Pease.",
        "26/31a The minutes of the February meeting were agreed.",
        "26/32 Metal detecting on Hobb's Common. The chairman reported a request from a club.",
        "26/32.1 Cllr Ambrose said the club had offered to record every find.",
        "26/32.2 Cllr Mercer said she could not support it.",
    )
    assert summarize_offline(heading)[0].question == "Metal detecting on Hobb's Common."
    # The body's name in title case as a sentence of its own, then the header.
    named = minutes(
        "Ashby Parva Parish Council. Minutes of the meeting held on 4 November.",
        "Present: Cllr Reed (Chair), Cllr Okoro, Cllr Hale. Clerk: Mrs Dunn.",
        "2. Speed limit on Church Lane. The Chair introduced a request from residents for a "
        "20mph limit on Church Lane.",
        "Cllr Okoro said the lane had no pavement for half its length.",
        "Cllr Hale said he could not support it without enforcement.",
    )
    summary = summarize_offline(named)[0]
    assert summary.question.startswith("A request from residents for a 20mph limit"), summary
    assert all("c1" not in side.comment_ids for side in summary.sides)
    # A count of the responses names the proposal, but is not the item.
    tally = minutes(
        "Summary of consultation responses on model rocket launch days, Ashby Common.",
        "42 responses were received. 26 supported the proposal, 13 objected and 3 made "
        "comments only.",
        "R3 (Ashby Rocketry Club) supports. Members' children could walk to the common.",
        "R7 (resident, Common Road) objects. Dogs on the common panic at the noise.",
    )
    assert "13 objected" not in summarize_offline(tally)[0].question


def test_a_claim_that_names_a_club_is_not_a_minutes_header() -> None:
    args = minutes(
        "Claim: Sailing clubs should let under-12s helm alone in club races, not just training.",
        "They learn faster racing than in any training session.",
        "A capsize in a crowded start is no place for a nine-year-old alone.",
    )
    assert summarize_offline(args)[0].question == (
        "Sailing clubs should let under-12s helm alone in club races, not just training."
    )


def test_a_label_says_the_claim_not_the_chairs_framing_of_it() -> None:
    framed = "Right, table three. The question for this table is whether the county should put "
    assert labels(framed + "noise cameras on the valley road.", ["a", "b"], anchored=True) == [
        "For: The county should put noise cameras on the valley road",
        "Against: The county should put noise cameras on the valley road",
    ]
    assert (
        labels(
            "This table's question is whether Tanner's Field Archers should get a range.",
            ["a", "b"],
            anchored=True,
        )[0]
        == "For: Tanner's Field Archers should get a range"
    )
    # a claim that only mentions a question keeps its words
    assert labels("The question of parking is settled.", ["a", "b"], anchored=True)[0] == (
        "For: The question of parking is settled"
    )


def test_a_report_naming_a_body_is_not_taken_for_a_minutes_header() -> None:
    # "Council", a comma and a date, but a verb: a report, whose question is itself, even when
    # a later comment names a proposal.
    rumour = minutes(
        "Council are banning polytunnels on all allotment sites, from 1 March.",
        "The proposal to ban them was voted down last year.",
        "Source? I've had no letter.",
    )
    assert summarize_offline(rumour)[0].question.startswith("Council are banning polytunnels")


def test_a_minutes_header_and_its_standing_business_state_no_position() -> None:
    thread = minutes(
        "FERNHILL PARISH COUNCIL",
        "Present: Cllr H. Pryce (Chair), Cllr T. Adeyemi, Cllr M. Doughty.",
        "Item 7. Request from Greenway Street Food to trade from the village green on Sundays.",
        "Cllr Adeyemi said he supported the request. Families already picnic on the green.",
        "Cllr Doughty said she could not support it. Green Row already has parking on the verges.",
        "Cllr Kaur agreed with Cllr Doughty.",
    )
    summary = summarize_offline(thread)[0]
    positions = [side.position for side in summary.sides]
    assert not any("FERNHILL" in p or p.startswith("Present") for p in positions), positions
    assert summary.question.startswith("Request from Greenway Street Food")


def test_an_opinions_own_label_and_a_call_to_argue_are_not_the_question() -> None:
    # "Hot take", "Unpopular opinion" and the like label the opinion; "Fight me." invites the
    # argument: the question is the opinion itself, and so are the labels of its two sides.
    cases = {
        "ok hot take, the new parking app is worse than the old pay machines": (
            "The new parking app is worse than the old pay machines"
        ),
        "Hot take for the squad chat: seat racing is the only fair way to pick crews": (
            "Seat racing is the only fair way to pick crews"
        ),
        "Unpopular opinion maybe, but you don't need a juggling class.": (
            "You don't need a juggling class."
        ),
        "Pineapple belongs on pizza. Fight me.": "Pineapple belongs on pizza.",
    }
    for opening, asked in cases.items():
        summary = summarize_offline(
            chat(f"Jess: {opening}", "Mark: absolutely not, that's wrong", "Jess: it is right")
        )[0]
        assert summary.question == asked
        assert all("take" not in s.label.lower() for s in summary.sides)
    # A take that is the claim's own word stays: "Hot takes are bad" is what is argued.
    summary = summarize_offline(chat("Jess: Hot takes are bad for a group chat.", "Mo: no"))[0]
    assert summary.question == "Hot takes are bad for a group chat."


def test_a_bare_vote_with_no_speaker_is_no_sides_position() -> None:
    # "I support the application." / "I object." / "Strongly oppose." say where a respondent
    # stands, not why: a side's position is its first statement with a point of its own.
    for name in (
        "heldout-6/deliberation-consultation-wind-turbine",
        "heldout-6/deliberation-discourse-five-term-year",
        "heldout-22/deliberation-consultation-cafe-pavement-tables",
    ):
        debate = load_debate(SET_DIR / f"{name}.toml")
        summary = summarize_offline(dedupe(debate.thread())[0])[0]
        assert len(summary.sides) == 2
        for side in summary.sides:
            assert len(side.position.split()) > 3, (name, side.position)


def test_a_numbered_minute_read_as_its_own_sentence_still_heads_the_item() -> None:
    # "3." is read as a sentence of its own: its heading is the next one, with what is put.
    lines = [
        "Westbury Players committee meeting, 12 November 2026. Present JA (chair), RK, DF, PL.",
        "1. Apologies. None.",
        "2. Treasurer's report. RK reported a loss of £640 on the autumn production.",
        "3. Ticket prices. RK proposed raising adult tickets from £10 to £14 from the spring show.",
        "3.1 DF opposed the rise. The audience is mostly pensioners and families.",
        "3.2 PL agreed with DF and said front of house already hears complaints.",
    ]
    thread = minutes(*lines)
    assert summarize_offline(thread)[0].question == (
        "Ticket prices. RK proposed raising adult tickets from £10 to £14 from the spring show."
    )


def test_the_question_put_to_a_table_is_the_claim_not_the_call_to_start() -> None:
    for opening, asked in (
        (
            "Ok table four, the question is whether the council should ban parking on "
            "pavements across the whole town. Who wants to start",
            "The council should ban parking on pavements across the whole town.",
        ),
        (
            "Right, the question is whether to recommend a ban on night flights. Who's first?",
            "Whether to recommend a ban on night flights.",
        ),
    ):
        thread = chat(
            f"Facilitator: {opening}",
            "Sunita: Me. I push a double buggy and have to go in the road because of cars.",
            "Geoff: I disagree, the road is nine feet wide and the bin lorry can't get through.",
        )
        assert summarize_offline(thread)[0].question == asked


def test_a_request_introduced_by_the_chair_is_the_item() -> None:
    lines = [
        "Minutes of the Community Assets Committee, Millbrook Town Council, 14 October, 7pm.",
        "The Chair introduced item 6, a request from Millbrook Boxing Club for a ten-year lease"
        " of the former bowls pavilion.",
        "Cllr Okafor spoke in support, saying the club had trained two hundred young people.",
        "Cllr Bell said she could not support a ten-year lease at no rent.",
    ]
    thread = minutes(*lines)
    assert summarize_offline(thread)[0].question == (
        "A request from Millbrook Boxing Club for a ten-year lease of the former bowls pavilion."
    )


def test_an_answer_in_the_dispute_is_quoted_whatever_words_it_shares() -> None:
    # Bob's answer shares no word with the thread ("kids", "evening", "TikTok"), yet it says yes
    # to the question in so many words: it is his side's statement, not an off-topic aside.
    thread = chat(
        "Alice: Should the club ban phones at summer camp?",
        "Bob: Yes, the kids spend the whole evening on TikTok otherwise.",
        "Carol: No, a quick call home helps the homesick ones.",
        "Dan: I agree with Bob, camp is the one week off screens.",
        "Erin: Carol is right, my son needed that call.",
    )
    summary, notes = summarize_offline(thread)
    bob = next(side for side in summary.sides if "c2" in side.comment_ids)
    quotes = [q for point in bob.points for q in point.quotes]
    assert [q.text for q in quotes if q.comment_id == "c2"] == [
        "Yes, the kids spend the whole evening on TikTok otherwise."
    ]
    assert not any("c2" in n for n in notes if n.startswith("Not quoted"))
    # So is a reply that takes a side against a person ("nah Cy ..."); an aside with no stance
    # evidence that shares no word with the thread is still not quoted.
    thread = chat(
        "Ana: Should the flat get a cleaner?",
        "Ben: Yes, nobody has mopped since March.",
        "Cy: No, a cleaner costs forty quid a week.",
        "Dee: I agree with Ben, the flat is filthy.",
        "Eve: nah Cy you bought a hat yesterday lol",
        "Fin: is anyone else's heating making that clunking noise",
    )
    summary, notes = summarize_offline(thread)
    quoted = {q.comment_id for side in summary.sides for p in side.points for q in p.quotes}
    assert "c5" in quoted
    assert any("c6" in n and "c5" not in n for n in notes if n.startswith("Not quoted"))


def test_a_side_is_stated_by_its_case_not_a_question_an_introduction_or_a_retraction() -> None:
    thread = chat(
        "Kit: Anchor is stopping open mic after christmas. sad day",
        "Lou: Source?",
        "Kit: my mate behind the bar said it",
        "Mo: Landlord here. open mic stays, tuesdays in january we're doing a folk session first.",
        "Kit: oh ok, sorry for the panic everyone",
        "Ned: good, the anchor open mic is the best night in town",
    )
    summary, _ = summarize_offline(thread)
    denial = next(side for side in summary.sides if "c4" in side.comment_ids)
    # Not "Source?" (the first to answer, but it asks), not "Landlord here." (who speaks), not
    # the poster's "sorry for the panic" (takes the report back): the landlord's own words.
    assert denial.position.startswith("Open mic stays"), denial.position
    assert {"c2", "c5"} <= set(denial.comment_ids)
    # Where the side only asks, its question states it, rather than no statement at all.
    thread = chat(
        "Kit: Theres a SEAL in the canal by Tannery Lock!! saw it from the bridge",
        "Lou: Pics or it didnt happen",
        "Mo: a seal?? in a canal??",
    )
    summary, _ = summarize_offline(thread)
    doubt = next(side for side in summary.sides if "c2" in side.comment_ids)
    assert doubt.position == "Pics or it didnt happen"


def test_sides_of_a_yes_or_no_question_are_labelled_with_their_answer() -> None:
    thread = chat(
        "Alice: Is it worth getting a dashcam for a 10 year old car?",
        "Bob: yes, mine paid for itself after one insurance claim",
        "Carol: nah, the cheap ones are useless at night",
        "Dan: bob is right, insurers love footage",
        "Erin: agree with carol, mine never caught a number plate",
    )
    summary, _ = summarize_offline(thread)
    assert [s.label for s in summary.sides] == [
        "Yes: Mine paid for itself after one insurance claim",
        "No: The cheap ones are useless at night",
    ]
    # A question of options is labelled by its options, not yes and no.
    thread = chat(
        "Alice: Is a Kindle or a Kobo better for library books?",
        "Bob: Kobo, it has the library app built in",
        "Carol: Kindle, the screen is nicer and the library sends to it too",
        "Dan: Kobo for sure, bob is right",
        "Erin: kindle. agree with carol",
    )
    labels = [s.label for s in summarize_offline(thread)[0].sides]
    assert not any(label.startswith(("Yes", "No")) for label in labels), labels


def test_a_position_is_not_an_editors_note_or_an_invitation() -> None:
    thread = chat(
        "Ana: (Posting for my sister.) We should ban phones at summer camp.",
        "Ben: I disagree, a quick call home helps the homesick ones.",
        "Cy: I agree with Ana, camp is the one week off screens.",
        "Dee: No way, my son needed that call.",
    )
    assert summarize_offline(thread)[0].sides[0].position == "We should ban phones at summer camp."
    thread = chat(
        "Ana: Should the club ban phones at summer camp? Looking for opinions before Friday.",
        "Ben: yes, the kids spend the whole evening on TikTok otherwise",
        "Cy: no, a quick call home helps the homesick ones",
        "Dee: I agree with Ben, camp is the one week off screens.",
    )
    sides = summarize_offline(thread)[0].sides
    assert "c1" not in sides[0].comment_ids  # (the asker takes no side)
    assert not any("opinions" in s.position or "opinions" in s.label for s in sides)
