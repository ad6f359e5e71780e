"""Stages 2 and 3: who answers whom, and the camps relative to the question."""

from __future__ import annotations

from bot.summarize.offline import assign_sides, summarize_offline
from bot.summarize.offline.linking import link
from bot.summarize.offline.model import ROOT, Reporter
from bot.summarize.offline.reading import read
from bot.summarize.text import Terms
from bot.thread import Comment, Thread


def chat(*lines: str, source: str = "paste", title: str | None = None, **replies: str) -> Thread:
    comments = []
    for n, line in enumerate(lines, 1):
        author, _, text = line.partition(": ")
        comments.append(
            Comment(id=f"c{n}", author=author or None, text=text, reply_to=replies.get(f"c{n}"))
        )
    return Thread(comments=tuple(comments), source=source, title=title)


def sides(thread: Thread) -> dict[str, int | None]:
    return {c.id: s for c, s in zip(thread.comments, assign_sides(thread), strict=True)}


def linked(thread: Thread):
    docs, _, _ = read(thread, Terms(), Reporter(None))
    link(docs, thread, Reporter(None))
    return docs


def test_a_cue_answers_the_named_person_else_the_previous_speaker() -> None:
    docs = linked(
        chat(
            "Alice: We should switch the office to a four-day work week.",
            "Bob: I disagree, customers expect us to answer the phone on Fridays.",
            "Carol: I agree with Alice, people would be more rested and productive.",
            "Dan: No way, the workload would just get squeezed into four longer days.",
        )
    )
    assert [(d.target, d.link) for d in docs] == [
        (None, ""),
        (0, "previous"),
        (0, "named"),
        (2, "previous"),
    ]
    # A bare "No," or "nah" opening a comment is a vote on the question, not on whoever spoke.
    docs = linked(
        chat(
            "Ana: We should move the meetup to Tuesdays.",
            "Ben: Agreed, Mondays are packed.",
            "Cai: nah, Tuesday is league night.",
        )
    )
    assert (docs[2].target, docs[2].link) == (ROOT, "root")
    docs = linked(
        chat(
            "Ana: The cafeteria should stay open until eight.",
            "Ben: Nobody eats there after six.",
            "Cai: Exactly.",
        )
    )
    assert (docs[2].target, docs[2].link) == (1, "previous")


def test_reply_links_win_over_reading_order_and_top_level_cues_answer_the_story() -> None:
    thread = chat(
        "op: The bridge on Route 9 is closed for the whole weekend.",
        "ann: Fake, I drove over it an hour ago.",
        "ben: Same, it is open.",
        "cat: That's wrong, the council posted the closure notice.",
        source="reddit",
        title="The bridge on Route 9 is closed for the whole weekend",
        c3="c2",
    )
    docs = linked(thread)
    assert docs[1].target == ROOT and docs[1].link == "root"
    assert docs[2].target == 1 and docs[2].link == "reply"
    assert docs[3].target == ROOT


def test_agreeing_with_the_dissenter_is_disagreeing_with_the_claim() -> None:
    side = sides(
        chat(
            "Ana: Pineapple belongs on pizza, the sweet and salty mix works.",
            "Ben: No, fruit has no place on a pizza.",
            "Cai: I agree with Ben.",
            "Dee: +1 to Cai",
            "Eve: I agree with Ana, ham and pineapple is a classic.",
        )
    )
    assert side == {"c1": 0, "c2": 1, "c3": 1, "c4": 1, "c5": 0}


def test_a_comment_without_stance_evidence_is_on_no_side() -> None:
    thread = chat(
        "Ana: We should ban cars from the old town centre.",
        "Ben: I disagree, the shops depend on drivers from the villages.",
        "Cai: The old town centre has a lot of cars on market days.",
        "Dee: Does anyone know when the market opens on Saturday?",
    )
    side = sides(thread)
    assert side["c3"] is None and side["c4"] is None
    assert side["c1"] != side["c2"]
    summary, notes = summarize_offline(thread)
    assert len(summary.sides) == 2
    quoted = {q.comment_id for p in summary.other_points for q in p.quotes}
    assert quoted <= {"c3", "c4"} and quoted
    assert any("on no side" in n for n in notes)


def test_negated_restatement_makes_two_sides() -> None:
    thread = chat(
        "Alice: I think remote work should be allowed for all our engineers",
        "Bob: I think remote work should not be allowed for all our engineers",
    )
    summary, notes = summarize_offline(thread)
    assert [s.participants for s in summary.sides] == [["Alice"], ["Bob"]]


def test_one_author_is_one_person_on_one_side() -> None:
    side = sides(
        chat(
            "Ana: Tabs are better for accessibility.",
            "Ben: That's wrong, spaces render the same everywhere.",
            "Ana: Screen readers announce tabs once, spaces one by one.",
            "Cai: Exactly, and people can pick their own width.",
        )
    )
    assert side["c1"] == side["c3"] == side["c4"] != side["c2"]


def test_disagreement_seen_but_camps_unknown_is_said_so() -> None:
    # Two cues, each answering nobody: the opening comment itself, and a topical doubt.
    thread = chat(
        ": I disagree with the new parking policy announced this week.",
    )
    summary, notes = summarize_offline(thread)
    assert [s.label for s in summary.sides] == ["Main points"]
    assert "Sides could not be told apart without a model; main points below." in notes
    assert not any(n.startswith("No disagreement") for n in notes)


def test_no_disagreement_found_only_without_any_disagreement() -> None:
    thread = chat(
        "Ana: Let's put the bike racks by the north entrance.",
        "Ben: Agreed, that's where everyone arrives.",
        "Cai: +1, and it is covered.",
    )
    summary, notes = summarize_offline(thread)
    assert [s.label for s in summary.sides] == ["Main points"]
    assert any(n.startswith("No disagreement found") for n in notes)


def test_a_web_post_stands_for_the_title_and_top_level_denials_answer_it() -> None:
    comments = (
        Comment(id="reddit_t3_abc", author="op", text="Our city just banned e-scooters downtown."),
        Comment(id="reddit_t1_1", author="ann", text="Source? Nothing on the council site."),
        Comment(
            id="reddit_t1_2",
            author="op",
            text="That's wrong, I saw the signs myself.",
            reply_to="reddit_t1_1",
        ),
        Comment(id="reddit_t1_3", author="ben", text="@op yes, confirmed on the news tonight."),
        Comment(
            id="reddit_t1_4",
            author="cat",
            text="That's wrong, it is only the pedestrian zone.",
            reply_to="reddit_t1_3",
        ),
    )
    thread = Thread(
        comments=comments, source="reddit", title="Our city just banned e-scooters downtown"
    )
    side = sides(thread)
    # The post is "for" (side 0); ann's top-level "Source?" answers the post, so the title.
    assert side["reddit_t3_abc"] == side["reddit_t1_2"] == side["reddit_t1_3"] == 0
    assert side["reddit_t1_1"] == side["reddit_t1_4"] == 1


def test_rumour_denial_query_and_support_relative_to_the_rumour() -> None:
    side = sides(
        chat(
            "Mags: Greenway supermarket is closing down next month, staff were told this morning",
            "Terry: fake. my neighbour manages the deli there, nothing announced",
            "Louise: It's true, they've stopped restocking the freezers.",
            "Bea: source?",
            "Olu: Yes, confirmed by the union rep.",
        )
    )
    assert side["c1"] == side["c3"] == side["c5"] == 0
    assert side["c2"] == side["c4"] == 1


def test_support_and_opposition_are_votes_on_the_proposal() -> None:
    docs = linked(
        chat(
            "Chair: The council proposes a congestion charge for the city centre.",
            "Ann: I oppose this proposal, it taxes the people with no bus route.",
            "Ben: I strongly support the charge, the air on Main Street is unbreathable.",
            "Cai: I'm in favour too.",
        )
    )
    assert [(d.target, d.cue.sign if d.cue else 0) for d in docs[1:]] == [
        (ROOT, -1),
        (ROOT, 1),
        (ROOT, 1),
    ]


def test_a_bare_no_after_a_plain_claim_answers_the_last_speaker() -> None:
    side = sides(
        chat(
            "Ana: Pineapple belongs on pizza.",
            "Ben: That's wrong, fruit has no place on a pizza.",
            "Cai: No, ham and pineapple is a classic.",
            "Dee: Yes, the sweet and salty mix works.",
        )
    )
    assert side == {"c1": 0, "c2": 1, "c3": 0, "c4": 0}


def test_a_two_person_back_and_forth_is_a_disagreement_without_cue_words() -> None:
    thread = chat(
        "Mira: The village hall should get solar panels on the south roof.",
        "Olek: The roof is sixty years old and would need replacing first.",
        "Mira: The survey last spring said it has twenty good years left.",
        "Olek: Twenty years is shorter than the panels last, so we'd pay twice.",
    )
    placed = sides(thread)
    assert placed["c1"] == placed["c3"] != placed["c2"] == placed["c4"]
    summary, notes = summarize_offline(thread)
    assert len(summary.sides) == 2
    assert not any("no disagreement" in n.lower() for n in notes)


def test_two_people_coordinating_are_not_a_back_and_forth() -> None:
    thread = chat(
        "Kit: build is green, tagging 4.2 now",
        "Amara: nice. changelog is in the PR description",
        "Kit: pushed. docs deploy takes about ten minutes",
        "Amara: anyone seen the download counter?",
    )
    assert set(sides(thread).values()) <= {0}
    assert len(summarize_offline(thread)[0].sides) == 1
    # A third person makes it a conversation, not an exchange: counter-claims need a cue there.
    thread = chat(
        "Mira: The village hall should get solar panels on the south roof.",
        "Olek: The roof is sixty years old and would need replacing first.",
        "Pia: The hall committee meets on Thursday.",
        "Mira: The survey last spring said it has twenty good years left.",
    )
    assert len(summarize_offline(thread)[0].sides) == 1


def test_camps_named_by_stance_phrases() -> None:
    thread = chat(
        "Imogen: The kitchen budget should go on a proper coffee machine.",
        "Bastian: Most of the floor drinks tea, spend it on a hot water tap.",
        "Corinne: coffee all the way",
        "Dev: Team tea. Someone would have to descale the machine.",
        "Olu: I'm on Imogen's side, we lose half an hour a day walking to the cafe.",
        "Sanne: Does anyone know when the budget closes?",
    )
    placed = sides(thread)
    assert placed["c1"] == placed["c3"] == placed["c5"] == 0
    assert placed["c4"] == 1
    assert placed["c6"] is None
    # A one-word answer joins a camp that others name; "team meeting at 3" names no camp.
    thread = chat(
        "pixel: settle this once and for all. cats > dogs",
        "rowan: dogs. they come when you call them",
        "juni: team cats obviously",
        "dash: team dog, a cat has never once been happy to see me",
    )
    placed = sides(thread)
    assert placed["c1"] == placed["c3"] != placed["c2"] == placed["c4"]
    thread = chat(
        "Ana: Team meeting at 3 in the big room.",
        "Ben: Team standup moves to Thursday.",
        "Cai: ok",
    )
    assert len(summarize_offline(thread)[0].sides) == 1


def test_first_names_views_and_has_a_point_name_the_person_answered() -> None:
    thread = chat(
        "Chair: Tonight's question is whether the library should open on Sundays.",
        "Gregory Ashe: I support it, Sunday is the only day working parents can come.",
        "Nadia Osei: I oppose it, the overtime would close the branches on Mondays.",
        "Paul Lindqvist: I agree with Gregory, a closed library serves nobody.",
        "Helene Marchand: The branches matter more to people without cars. I support Nadia's view.",
        "Fabio: Paul has a point, weekends are when people are free.",
    )
    docs = linked(thread)
    assert [(d.target, d.link) for d in docs[3:]] == [(1, "named"), (2, "named"), (3, "named")]
    placed = sides(thread)
    assert placed["c2"] == placed["c4"] == placed["c6"] != placed["c3"] == placed["c5"]


def test_i_dont_think_opening_a_comment_is_disagreement() -> None:
    thread = chat(
        "Evander: The newsletter should ban AI-generated images.",
        "Marisol: Agreed, it's unfair on people who went out at 5am for the shot.",
        "Theo: I don't think a ban works. Label them and let members decide.",
    )
    placed = sides(thread)
    assert placed["c1"] == placed["c2"] != placed["c3"]
    # Not a disagreement: "I don't think so" is already one; "I think" is not one at all.
    docs = linked(chat("Ana: The bus should run later.", "Ben: I think it runs until ten."))
    assert docs[1].cue is None


def test_a_backed_rival_answer_to_the_opening_claim_is_the_other_camp() -> None:
    thread = chat(
        "Sylvie: Dogs should be allowed off the lead in the park before 9am.",
        "Ronan: There are plenty of runners before 9, I was knocked over last month.",
        "Wendell: @Ronan exactly, and kids walk through on the way to school.",
        "Fabio: Sylvie has a point, the dogs need somewhere to run.",
    )
    placed = sides(thread)
    assert placed["c1"] == placed["c4"] != placed["c2"] == placed["c3"]
    # Nobody backs the answer: no camp is guessed from it.
    thread = chat(
        "Sylvie: Dogs should be allowed off the lead in the park before 9am.",
        "Ronan: There are plenty of runners before 9, I was knocked over last month.",
        "Fabio: Sylvie has a point, the dogs need somewhere to run.",
    )
    assert len(summarize_offline(thread)[0].sides) == 1
    # Backing an answer that itself agrees with the opening claim is one camp.
    thread = chat(
        "Beatrix: Let's do the potluck on the last Friday of the month.",
        "Cyrus: Sounds good, I'll bring a curry.",
        "Ode: +1 to Cyrus",
    )
    assert len(summarize_offline(thread)[0].sides) == 1
    # A statement of fact has no rival answer, backed or not.
    thread = chat(
        "Kit: Release 4.2 is out.",
        "Amara: The changelog is in the PR description.",
        "Tobi: Amara is right, it has the whole list.",
    )
    assert len(summarize_offline(thread)[0].sides) == 1


def test_agreeing_or_disagreeing_with_the_proposed_action_is_a_vote_on_it() -> None:
    # "I disagree with banning them" names the ban, not Bob: a vote against the proposal, so
    # it is on Bob's side (before: an answer to Bob, on the other side from him).
    placed = sides(
        chat(
            "Mod: Should large cruise ships be banned from the harbour? Discuss.",
            "Bob: No, the shops on the quay depend on the cruise passengers.",
            "Carol: I disagree with banning them, the port fees pay for the lifeboat station.",
            "Dan: Nope. Banning would just send them to the next town.",
        )
    )
    assert placed["c1"] is None
    assert placed["c2"] == placed["c3"] == placed["c4"] is not None
    # "I am against closing it" and "in favour of closing it" carry no other cue word.
    docs = linked(
        chat(
            "Ana: Should the council close Elm Street to cars on Saturdays?",
            "Ben: I am against closing it, the deliveries have to get through somehow.",
            "Cat: Totally in favour of closing it, the pavement is too narrow.",
            "Eve: I agree with closing it. Kids cross there all day.",
            "Fox: I agree with Ben, the vans need it.",
        )
    )
    assert [(d.target, d.cue.sign if d.cue else 0) for d in docs[1:4]] == [
        (ROOT, -1),
        (ROOT, 1),
        (ROOT, 1),
    ]
    assert docs[4].target == 1  # (a person named is still the one answered)
    # Where the claim is negated, disagreeing with the action agrees with the claim.
    docs = linked(
        chat(
            "Ana: We should not ban dogs from the beach in summer.",
            "Ben: I disagree with banning them, most owners clean up.",
        )
    )
    assert (docs[1].target, docs[1].cue.sign) == (ROOT, 1)
    # Another action than the claim's is no vote on it.
    docs = linked(
        chat(
            "Ana: Should the council close Elm Street to cars on Saturdays?",
            "Ben: I disagree with charging for the car park instead.",
        )
    )
    assert docs[1].cue is not None and not docs[1].cue.about_claim


def test_yeah_no_is_a_no() -> None:
    docs = linked(
        chat(
            "Ana: Should the council close Elm Street to cars on Saturdays?",
            "Dev: Yeah, no. The bus would have to divert for miles.",
            "Eve: yeah no worries, I can drive round.",
        )
    )
    assert docs[1].cue is not None and docs[1].cue.sign < 0
    assert docs[2].cue is None or docs[2].cue.sign > 0


def test_a_chat_turn_led_by_a_bare_name_speaks_to_them() -> None:
    # Chat leaves out the comma: "priya at least they worked" answers Priya's point.
    for said in ("priya at least they worked without a phone.", "priya they worked without one"):
        docs = linked(
            chat(
                "jess: the new parking app is worse than the old pay machines",
                "priya: the machines ate coins and gave no change",
                f"tony: {said}",
            )
        )
        assert (docs[2].target, docs[2].link) == (1, "reply")


def test_an_opening_that_asks_and_invites_takes_no_side_of_its_question() -> None:
    answers = (
        "Bob: Yes, the kids spend the whole evening on TikTok otherwise.",
        "Carol: No, a quick call home helps the homesick ones.",
        "Dan: I agree with Bob, camp is the one week off screens.",
        "Erin: Carol is right, my son needed that call.",
    )
    for opening in (
        "Should the club ban phones at summer camp? Thoughts before Friday please",
        "Should the club ban phones at summer camp? Views welcome.",
    ):
        sides = assign_sides(chat(f"Alice: {opening}", *answers))
        assert sides[0] is None, opening
        assert sides[1] == sides[3] != sides[2] == sides[4]
    # A claim with an invitation states its side.
    sides = assign_sides(
        chat("Alice: The club should ban phones at summer camp. Thoughts?", *answers[1:2])
    )
    assert sides[0] is not None and sides[0] != sides[1]


def test_a_projects_minus_one_is_a_vote_against() -> None:
    thread = chat(
        "jo: Proposal: drop Python 3.8 support in the 5.0 release. It's past end of life and "
        "it blocks the new typing features. Objections?",
        "kate: +1, 3.8 is EOL and our CI matrix is already 40 minutes.",
        "dave: -1 from me. Two enterprise distros still ship 3.8 until 2027.",
    )
    sides = assign_sides(thread)
    assert sides[0] == sides[1] != sides[2] is not None


def test_a_name_after_an_answering_word_is_who_the_turn_answers() -> None:
    # "nah cy you bought a hat": a no to Cy, not to the one who spoke last (Dee, who is with
    # Ben): Eve is on Ben's side.
    thread = chat(
        "Ana: Should the flat get a cleaner?",
        "Ben: Yes, nobody has mopped since March.",
        "Cy: No, a cleaner costs forty quid a week.",
        "Dee: I agree with Ben, the flat is filthy.",
        "Eve: nah Cy you bought a hat yesterday, you can afford it",
    )
    docs = linked(thread)
    assert docs[4].target == 2 and docs[4].cue is not None and docs[4].cue.sign < 0
    sides = assign_sides(thread)
    assert sides[4] == sides[1] != sides[2]


def test_a_doubting_really_queries_the_report_and_a_yes_to_it_backs_the_report() -> None:
    docs = linked(
        chat(
            "Rachel: Heard the Co-op on Mill Lane is closing in March, my neighbour works there",
            "Steve: really? they only refitted it last year",
            "Olu: It's true, there's a notice up by the tills",
        )
    )
    assert (docs[1].target, docs[1].cue.sign if docs[1].cue else 0) == (ROOT, -1)
    assert (docs[2].target, docs[2].cue.sign if docs[2].cue else 0) == (ROOT, 1)
    # A question beside the report still takes the yes that answers it.
    docs = linked(
        chat(
            "Rachel: Heard the Co-op on Mill Lane is closing in March, my neighbour works there",
            "Steve: anyone want anything from the shop btw?",
            "Olu: yes please, milk",
        )
    )
    assert docs[2].cue is None or docs[2].target != ROOT


def test_an_options_label_is_its_name_as_the_question_writes_it() -> None:
    summary = summarize_offline(
        chat(
            "Tom: Vim or VS Code for a beginner learning Python?",
            "Ana: VS Code. The debugger alone is worth it and you won't fight the editor.",
            "Raj: Vim. Learn it once and you'll use it for 30 years on every server.",
            "Lee: +1 Ana, a beginner has enough to learn already",
            "Kim: Raj is right, muscle memory pays off forever",
        )
    )[0]
    assert sorted(s.label for s in summary.sides) == ["VS Code", "Vim"]
    summary = summarize_offline(
        chat(
            "Jo: Due in March. Cloth or Disposables?",
            "Ann: Cloth. We did two kids in the same set of 20.",
            "Bea: Disposables, you will have no time for washing.",
            "Cy: +1 Ann, it saves a fortune",
            "Di: Bea is right, the first months are chaos",
        )
    )[0]
    assert sorted(s.label for s in summary.sides) == ["Cloth", "Disposables"]


def test_sharing_someones_doubts_stands_with_them() -> None:
    docs = linked(
        _minutes(
            "Proposal to install a 20mph limit through the village centre.",
            "Cllr Patel said the school run made Main Street dangerous.",
            "Cllr Hughes said signs alone would change nothing without enforcement.",
            "Cllr Brennan said he shared Cllr Hughes's doubts and asked that speed"
            " humps be costed instead.",
        )
    )
    assert (docs[3].target, docs[3].cue.sign if docs[3].cue else 0) == (2, 1)


def _minutes(*lines: str) -> Thread:
    return Thread(
        comments=tuple(
            Comment(id=f"c{n}", author=None, text=text) for n, text in enumerate(lines, 1)
        ),
        source="paste",
    )


def test_a_passive_minute_of_a_motion_is_its_proposers_vote_for_the_item() -> None:
    lines = (
        "3. Proposal to install a 20mph limit through the village centre.",
        "Cllr Patel said the school run made Main Street dangerous.",
        "Cllr Hughes said nobody kept to the present limit and signs would change nothing.",
        "Cllr Patel replied that humps would cost ten times as much.",
    )
    docs = linked(
        _minutes(
            *lines,
            "It was proposed by Cllr Patel and seconded by Cllr Davies that the parish request"
            " the 20mph limit. Votes: 3 for, 2 against. Carried.",
        )
    )
    assert (docs[4].speaker, docs[4].target, docs[4].cue.sign if docs[4].cue else 0) == (
        "Cllr Patel",
        ROOT,
        1,
    )
    # A motion to refuse it says the opposite: it is not read as a vote for the item.
    docs = linked(
        _minutes(*lines, "It was proposed by Cllr Hughes that the request be refused. Carried.")
    )
    assert docs[4].cue is None or docs[4].cue.kind != "proposer"


def test_backing_the_report_to_someone_who_denied_it_is_against_them() -> None:
    head = (
        "NewsDesk24: BREAKING: Reports of a gunman inside the cafe in Martin Place. Hostages "
        "seen at the window.",
        "sarah_t: @NewsDesk24 this is false, my friend works next door and says it's a fire drill",
    )
    for answer in (
        "mike_b: @sarah_t @NewsDesk24 your friend is wrong, NSW police just confirmed it",
        "mike_b: @sarah_t @NewsDesk24 NSW police just confirmed it on twitter",
    ):
        placed = sides(chat(*head, answer))
        assert placed["c1"] == placed["c3"] != placed["c2"] is not None, answer


def test_a_list_under_for_and_against_headings_is_two_sides() -> None:
    text = (
        "Should our town ban fireworks except on Bonfire Night and New Year?",
        "Arguments for:\n- Dogs and horses are terrified for weeks every autumn.\n"
        "- The litter of spent rockets lands in gardens and the park.",
        "Arguments against:\n- It's one of the few traditions that brings the street out.\n"
        "- A ban just pushes people to buy illegal fireworks online.",
    )
    summary = summarize_offline(_minutes(*text))[0]
    assert [(s.label, s.comment_ids) for s in summary.sides] == [
        ("For", ["c2"]),
        ("Against", ["c3"]),
    ]
    assert summary.sides[0].position == "Dogs and horses are terrified for weeks every autumn."


def test_chat_verdicts_l_take_w_take_based_cap() -> None:
    placed = sides(
        chat(
            "zed: controller > mouse for racing games and its not close",
            "ivy: L take, mouse and keyboard players win every lobby in Gran Turismo",
            "kai: W take zed, analog triggers are everything",
            "mo: ivy nobody races on keyboard lmao",
            "pat: based zed. controllers all day",
            "rue: cap. wheel or nothing, controllers are for babies",
        )
    )
    assert placed["c1"] == placed["c3"] == placed["c4"] == placed["c5"] is not None
    assert placed["c2"] == placed["c6"] != placed["c1"] and placed["c2"] is not None
    # "based on" is no verdict.
    docs = linked(chat("zed: controllers are better", "ivy: based on what? I race on a wheel"))
    assert docs[1].cue is None or docs[1].cue.sign < 0


def test_a_question_asked_to_be_settled_is_no_sides_position() -> None:
    summary = summarize_offline(
        chat(
            "Lou: Is a hot dog a sandwich? Settle this for us",
            "Ria: Obviously yes. Bread, filling, done.",
            "Sam: Absolutely not, it's a taco. One piece of bread folded.",
            "Ola: Ria is right, the USDA literally counts it as a sandwich",
            "Sam: Ola the USDA also counts ketchup as a vegetable",
        )
    )[0]
    assert summary.question == "Is a hot dog a sandwich?"
    assert [s.position for s in summary.sides] == [
        "Obviously yes.",
        "Absolutely not, it's a taco.",
    ]


def test_an_options_label_keeps_the_word_that_describes_it() -> None:
    summary = summarize_offline(
        chat(
            "Jo: First pets for the kids: guinea pigs or rabbits?",
            "Ann: Guinea pigs. They are hardier and happy to be held.",
            "Bea: Rabbits, they live longer and can be litter trained.",
            "Cy: +1 Ann, rabbits hate being picked up",
            "Di: Bea is right, rabbits are far more interesting",
        )
    )[0]
    assert sorted(s.label for s in summary.sides) == ["Guinea pigs", "Rabbits"]
