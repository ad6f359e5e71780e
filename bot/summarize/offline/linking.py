"""Stage 2: linking. Which comment (or the question itself) each comment answers.

In order of evidence: a person the cue names ("I agree with Alice", "@Bob", "what Carol said")
answers that person's latest comment; then an explicit reply link (exports, web threads, and the
`> quote` / `"quote" - reply` links that ingest finds in pasted text); then, for a comment with a
cue and no link, the thread's shape decides: in a tree (Hacker News, Reddit, Discourse) a
top-level comment answers the story, so the question; in chat it answers the previous speaker
(the latest comment by someone else), except a bare "Yes," / "No," / "nah" opening, which is a
vote on the question. The opening comment answers nothing. Naming can be the cue itself ("I'm
with Bruno", "Gio is right"). A comment without a cue is linked only by an explicit link or a
name; it never gets a stance from its neighbours, except by restating what it answers with the
negation flipped.

One pass, constant work per comment: linear in the thread.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import deque
from dataclasses import dataclass, replace

from bot.summarize.offline.claim import (
    Claim,
    denies,
    read_claim,
    root,
    speaks_for,
    stance,
    tokens,
)
from bot.summarize.offline.cues import (
    AMENDMENT_WORD,
    CONFIRMED,
    DENIAL_WORDS,
    NAMELESS_WORD_SET,
    OP,
    OPENING_SENTENCES,
    OWN_RETRACTION,
    PARENT,
    REPORTED,
    REPORTED_WORDS,
    TITLES,
    YES_OPENING,
    channel_path,
    grants_a_point,
    late_turn,
    named_person,
    names_nobody,
    negates,
    negates_nothing,
    question_options,
    read_cue,
    reply_contrast,
    retracts,
    sentence_like,
    turns_after_comma,
)
from bot.summarize.offline.model import ROOT, Cue, Doc, Reporter
from bot.summarize.text import STOPWORDS
from bot.textfold import fold_chars
from bot.thread import BOT_NAME as _BOT_NAME
from bot.thread import Thread

# Sources whose comments without a reply link answer the story (tree.py's convention).
TREE_SOURCES = frozenset({"hackernews", "reddit", "discourse"})
# Pastes whose nesting is known (`bot.ingest.detect.HN_COPY_SOURCE`): their comments are linked
# as a tree's are (a top-level comment answers the story, not the one before it).
NESTED_PASTES = frozenset({"hackernews-copy"})
# An opening post that asks or proposes: yes and no answer it.
POLL = re.compile(
    r"\?|\b(?:proposal|propose|poll|vote|should|shall we|can we|could we|let'?s|how about"
    r"|ought to|need to"
    r"|what do (?:you|people|we|y'?all) think|thoughts)\b",
    re.IGNORECASE,
)
# A comment that opens by @mentioning someone answers them, as a reply link would.
_MENTION_LED = re.compile(r"\s*@[\w.\-]+")
_ADDITIVE = re.compile(
    r"[\s,:]*(?:and|also|plus|too|yes|yeah|yep|exactly|same|agreed|right|to add|adding"
    # "Which is another reason to test it before you need it."
    r"|which (?:is|was) (?:another|also|one more|exactly|why|the reason))\b",
    re.IGNORECASE,
)
# A reply on a web forum that answers back without a cue word (`_answers_back`).
REBUTTAL_WEIGHT = 0.25
# How many recent comments are remembered as possible targets (a query is skipped over).
REPLY_WINDOW = 6
# A counter-claim in a two-person exchange: weaker than any spoken cue.
COUNTER_WEIGHT = 0.4
# Restating or denying the opening claim in one's own words (`claim.stance`): weaker than "I
# disagree", stronger than a bare contrast.
CLAIM_WEIGHT = 0.6
# The two cues of a stance on the claim, made once (a cue is immutable; issue 13).
_CLAIM_CUES = {sign: Cue(sign, CLAIM_WEIGHT, "claim", addressed=False) for sign in (1, -1)}


def opening_index(docs: list[Doc]) -> int | None:
    """The opening post: the first comment that is neither a bot's nor junk."""
    return next((d.index for d in docs if not d.comment.is_bot and not d.junk), None)


def link(docs: list[Doc], thread: Thread, report: Reporter) -> None:
    """Set every doc's cue, `disagrees`, `target` and `link`; count replies and disputes."""
    linker = _Linker(docs, thread)
    total = len(docs)
    report("linking", 0, total)
    active = report.active
    for doc in docs:
        if active:
            report("linking", doc.index + 1, total)
        if not doc.comment.is_bot:
            linker.link(doc)
    opening = linker.opening
    if not any(_differs(doc) for doc in docs):
        if not linker.tree and opening is not None:
            _no_rebuttals(docs, docs[opening].speaker)
        elif thread.source == "hackernews" and not linker.offers_options:
            # On Hacker News too, where nobody disagrees in so many words: a reply that only
            # answers back ("We had a paper log book for years. It went in the skip.") adds to
            # what it answers, whoever wrote it (its culture argues in so many words; a Reddit
            # or forum reply that answers back is more often a case against).
            _no_rebuttals(docs, None)


def _differs(doc: Doc) -> bool:
    """Whether a comment holds a disagreement cue, or answers with a contrast or a denial."""
    cue = doc.cue
    return doc.disagrees or (cue is not None and cue.sign < 0 and cue.kind != "rebuttal")


def _no_rebuttals(docs: list[Doc], poster: str | None) -> None:
    """In a chat where nobody disagrees in so many words, a reply that answers back is talk,
    not a rebuttal ("ha they look great jonah", "#events yeah"): a server's replies argue only
    where somebody argues at all. Its reading is taken back, and the disputes recounted."""
    undone = False
    for doc in docs:
        cue = doc.cue
        if (
            cue is not None
            and cue.kind == "rebuttal"
            and doc.target is not None
            and (poster is None or doc.speaker == poster)
        ):
            if doc.target != ROOT:
                docs[doc.target].replies -= 1
            doc.cue, doc.target, doc.link, undone = None, None, "", True
    if undone:
        for doc in docs:
            doc.disputed = False
        for doc in docs:
            cue, target = doc.cue, doc.target
            if cue is not None and cue.sign < 0 and target is not None and target != ROOT:
                docs[target].disputed = True


class _Linker:
    """The state of one pass over a thread: who is who, and who spoke last."""

    def __init__(self, docs: list[Doc], thread: Thread) -> None:
        self.docs = docs
        self.names: dict[str, str] = {}
        self.ids: dict[str, int] = {}
        set_speakers(docs)
        for doc in docs:
            self.ids.setdefault(doc.comment.id, doc.index)
            if doc.speaker and not doc.comment.is_bot:
                self.names.setdefault(doc.speaker.casefold(), doc.speaker)
        # "Gregory" names "Gregory Ashe" when no other author is a Gregory; "Ashe" too, and
        # "Brandt" names "Cllr Brandt" (a title is not a name).
        given: dict[str, set[str]] = {}
        for name in list(self.names.values()):
            base = _ROLE.sub("", name)
            if base and base != name:
                self.names.setdefault(base.casefold(), name)  # "R13 (Ramblers)" is R13
            parts = name.split()
            if len(parts) > 1 and parts[0].rstrip(".").casefold() in TITLES:
                parts = parts[1:]
            heads = {parts[0].casefold(), parts[-1].casefold()} if len(parts) > 1 else set()
            if len(parts) == 1 and parts[0] != name:
                heads = {parts[0].casefold()}
            if len(parts) == 1:
                # A handle: "u/bumble_and_bramble" is "bumble_and_bramble" and "bumble";
                # "dazza_surfs" is "dazza"; "kobe.dev" is "kobe".
                handle = _REDDIT_USER.sub("", parts[0]).casefold()
                if handle != name.casefold():
                    self.names.setdefault(handle, name)
                pieces = [p for p in _HANDLE_SPLIT.split(handle) if p]
                if len(pieces) > 1:
                    # "kettle_kate" is "kettle" and "kate" ("+1 kate", "kate's right");
                    # "elderflower_ed" is "ed" too ("agree with ed")
                    heads.update((pieces[0], pieces[-1]))
                elif (camel := _CAMEL_HEAD.match(parts[0])) is not None:
                    # "DanTheLutz" is "dan" ("agree with dan")
                    heads.add(camel.group(1).casefold())
            for head in heads:
                if (
                    (len(head) > 2 or _SHORT_NAME.fullmatch(head))
                    and head.isalpha()
                    and head not in STOPWORDS
                ):
                    given.setdefault(head, set()).add(name)
        for head, full in given.items():
            if len(full) == 1:
                self.names.setdefault(head, next(iter(full)))
        self.tree = thread.source in TREE_SOURCES or thread.source in NESTED_PASTES
        self.title = thread.title
        self.opening = opening_index(docs)
        if self.tree and thread.title and self.opening is not None:
            if not is_post(docs[self.opening], thread):
                # The story is the title alone: the first comment is one top-level answer.
                self.opening = None
        self.poll = self.opening is not None and bool(
            POLL.search(docs[self.opening].comment.text[:500])
        )
        # "How do you keep the data?": a "yep," after it agrees with someone, not with a claim.
        self.open_question = self.opening is not None and bool(
            OPEN_QUESTION.search(docs[self.opening].comment.text[:500])
        )
        # The opening's first sentences (empty without an opening): what it asks, invites or
        # reports.
        self.opening_head = _head(docs[self.opening]) if self.opening is not None else ""
        # An answer replying to a question the opening asks is no contrast with the asker.
        # "saw on the village group that the fete is off ... anyone know more?": a report that
        # asks only for news of itself asks nothing to be weighed; replies confirm or deny it.
        self.asks_news = self.opening is not None and _asks_only_for_news(docs[self.opening])
        self.opening_asks = not self.asks_news and self._opening_asks(
            thread.title if self.tree else None
        )
        # "Post what you baked this weekend": a show-and-tell, whose replies talk, not argue.
        self.invites = self._invites(thread.title)
        # "raised beds or just dig the ground?": answers pick an option (`sides._pick_edges`);
        # "raised beds." restates no claim.
        self.offers_options = bool(self.opening_head) and bool(
            question_options(self.opening_head[:600])
        )
        # "X is closing / stopping / being axed": a report that something ends, which "it
        # stays", "as normal" deny (`_insider_denies`).
        # "the trip is cancelled??": a report, for all its marks
        self.incredulous = self.asks_news or (
            self.opening is not None and reports_incredulously(docs[self.opening])
        )
        self.reports_an_end = bool(self.opening_head) and (
            _ENDS.search(self.opening_head) is not None
            or (bool(thread.title) and _ENDS.search(thread.title or "") is not None)
        )
        self.duel = not self.tree and _back_and_forth(docs, self.opening)
        # "ran 8k in the rain, best run of the month" / "enjoy your wet socks then" / "wet
        # socks are a small price": the poster answers the first reply back with a claim of
        # their own, so that reply argued with the opening (the first turn of the exchange).
        # Whether the opening gives a view rather than reports ("best run of the month").
        self.gives_view = self._opinion_opening()
        self.answered_back = (
            _opening_exchange(docs, self.opening)
            if not (self.tree or self.duel or self.opening_asks or self.invites)
            and self.gives_view  # (not "bracket for saturday is up", "spare seeds")
            else None
        )
        # Labelled responses to a consultation ("Response 4 (resident): ..."): each answers the
        # proposal, not the response before it, unless it names another.
        self.labelled = [d.index for d in docs if d.label is not None]  # in thread order
        self.respondents = bool(self.labelled)
        # Whether the proposal is to keep something ("keep the library open"): then "Keep it."
        # is no vote against it.
        # Answers that name a response by its number or its role (`_ordinal_response`): the
        # numbers' first responses, found once; each role phrase's reading of the labels.
        self.numbered: dict[str, int] | None = None
        self.role_scans: dict[tuple[str, bool], _RoleScan] = {}
        self.keeps = self.respondents and (
            _KEEPS.search(self.opening_head) is not None
            or _KEEPS.search(thread.title or "") is not None
        )
        self.claim = _claim(thread, docs, self.opening)
        self.motion = (
            _motion(docs, self.opening, self.claim) if not self.tree and not thread.title else None
        )
        # A chair's agenda that names whose proposal it is ("proposal 14 from hartmut"): the
        # proposer speaks for it.
        self.proposer = (
            _proposer(docs[self.opening].comment.text[:2000], self.names)
            if self.opening is not None
            else None
        )
        self.amendment: int | None = None  # the latest comment moving an amendment
        self.accounts: dict[tuple[str, bool], bool] = {}  # `_speaks_for`
        self.latest: dict[str, int] = {}  # author -> their latest comment so far
        # (doc, who) of the latest comments that can be answered, latest last.
        self.recent: deque[tuple[int, str]] = deque(maxlen=2 * REPLY_WINDOW)

    def link(self, doc: Doc) -> None:
        comment = doc.comment
        who = doc.speaker or f"#{doc.index}"  # anonymous comments are each their own person
        doc.cue, doc.disagrees = read_cue(comment.text, doc.spans, doc.words, doc.own)
        if (
            doc.cue is not None
            and doc.cue.sign > 0
            and comment.author is None
            and doc.speaker is not None
            and retracts(comment.text[doc.body :])
            # ("with the grant he would now support it": a vote on the proposal stays one)
            and not (doc.cue.about_claim or doc.cue.vote == 2)
        ):
            # Minutes: "Cllr Prentice said ... he would not oppose six boxes as a start" changes
            # his mind (`build_units` parts him from his earlier view); it does not agree with
            # whoever the minutes report before him.
            doc.cue = None
        if (
            doc.speaker is None
            and comment.author is None
            and self.proposer is None
            and self.names
            and doc.index != self.opening
            and doc.spans
        ):
            proposer = self._moved_by(doc)
            if proposer is not None:
                # Minutes: "It was proposed by Cllr Patel and seconded by Cllr Davies that the
                # parish request the limit": the proposer's act, and so their view (they move
                # what is debated; a motion to refuse it is left alone, see `_moved_by`).
                doc.speaker = self.proposer = proposer
                who = proposer
                doc.cue = Cue(+1, 1.0, "proposer", addressed=False, about_claim=True)
        if (
            self.claim is not None
            and doc.spans
            and (
                not doc.words.isdisjoint(_ACTION_VOTE_WORDS)
                or "all for" in comment.text
                or "All for" in comment.text
            )
            and doc.index != self.opening
            and (
                doc.cue is None
                or (
                    doc.cue.kind in ("agree", "disagree")
                    and not doc.cue.about_claim
                    and doc.cue.name is None
                )
            )
        ):
            sign = _action_vote(doc, self.claim)
            if sign:
                # "I disagree with banning them", "I'm all for closing it": a vote on what the
                # claim proposes, named by its own verb, not an answer to the last speaker
                # (turned where the claim is negated: "We should not ban zoos").
                doc.cue = Cue(
                    sign,
                    1.0 if doc.cue is None else doc.cue.weight,
                    "agree" if sign > 0 else "disagree",
                    addressed=False,
                    vote=2,
                    about_claim=True,
                )
                doc.disagrees = sign < 0
        if (
            doc.cue is None
            and doc.label is not None
            and _AS_RESPONSE.match(comment.text, doc.body, doc.body + 40) is not None
        ):
            # "R12, resident. As R2. ...": agrees with that response (`_ordinal_response`)
            doc.cue = Cue(+1, 1.0, "agree")
        if (
            doc.label is not None
            and (opens := _RESPONSE_OPENS.match(comment.text, doc.body, doc.body + 60)) is not None
            and (doc.cue is None or doc.cue.kind == "claim")
        ):
            # A summary of responses: "R3, the club, supports and proposes that no events be
            # held in the nesting season", "R4, dog walker, objects on the grounds of parking",
            # "R7, the ecologist, does not object provided ...": the label's verb is the vote,
            # whatever the rest proposes; "R5, agrees with R2 and adds ..." agrees with R2.
            if opens.group("named"):
                doc.cue = Cue(+1 if opens.group("named")[0].lower() == "a" else -1, 1.0, "agree")
            else:
                sign = 1 if opens.group("backs") else -1
                doc.cue = Cue(
                    sign,
                    1.0,
                    "agree" if sign > 0 else "disagree",
                    addressed=False,
                    vote=2,
                    about_claim=True,
                )
            doc.disagrees = doc.cue.sign < 0
        vote = doc.cue.sign if doc.cue is not None and self._votes(doc.cue) else 0
        target, how = self._explicit_target(doc, who)
        if (
            target is not None
            and vote
            and not self.tree
            and target != self.opening
            and self._side_question(target, doc.speaker)
        ):
            # "@gail_w yes please, me and my sister!" to "anyone want to share a car up?": the
            # yes answers what Gail asked, not the question debated
            doc.cue, doc.disagrees, vote = None, False, 0
        if (
            target is not None
            and vote
            and not self.tree
            # ("@green_wood_gil yes that" to "what about a sharpening jig?": a yes to what
            # someone asked, not to the question debated)
            and (target == self.opening or not _asks(self.docs[target]))
        ):
            doc.vote = vote  # "nah Cheng said it": agrees with Cheng and votes no
        if doc.cue is not None and doc.cue.about_claim and doc.index != self.opening:
            target, how = ROOT, "root"
        if (
            doc.cue is not None
            and doc.cue.sign > 0
            and target is not None
            and target != ROOT
            and (answered := self.docs[target]).cue is not None
            and answered.cue.sign < 0
            and answered.target in (ROOT, self.opening)
            and self._corroborates(doc)
        ):
            # "@sarah_t NSW police just confirmed it" to someone who called the report false:
            # it backs the report, against them, not their denial
            doc.cue = Cue(+1, 1.0, "agree", addressed=False, about_claim=True)
            target, how = ROOT, "root"
        if (
            target is None
            and doc.cue is not None
            and doc.cue.vote
            and not self.tree
            and doc.label is None  # (a labelled response answers the proposal, not the last)
        ):
            asked = _previous_speaker(self.docs, doc, self.recent, who)
            if asked is not None and self._side_question(asked, doc.speaker):
                # "anyone want coffee btw" - "yes pls oat": the yes answers that, not the claim
                doc.cue, doc.disagrees, doc.vote = None, False, 0
                target, how = asked, "previous"
        if target is None:
            target, how = self._implicit_target(doc, who)
            if how == "previous":
                target, how = self._piles_on(doc, target, how)
        elif how == "reply" and doc.cue is not None and doc.cue.vote:
            parent = self.docs[target]
            if (self.invites and _ends_asking(parent)) or (
                doc.cue.vote == 1
                and parent.cue is None
                and target != self.opening
                and parent.spans
                and _ASKS_ABOUT.match(parent.comment.text, parent.spans[0][0], parent.spans[0][1])
            ):
                # A show-and-tell: "Have you found the fishing yet?" - "No! Where is it?"
                # answers what was asked about the thing shown; nobody's view is at stake. So
                # does a bare no to a question put to everyone ("Does anyone trust the
                # forecourt gauges?" - "No, carry a small digital gauge.").
                doc.cue, doc.disagrees, doc.vote = None, False, 0
            else:
                target = self._asked_about(target)
        if (
            self.opening is not None
            and doc.index != self.opening
            and doc.speaker is not None
            and doc.speaker == self.docs[self.opening].speaker
            # (a bare "oh no." before it is no answer: "oh no. sorry Hugh, retracting")
            and (doc.cue is None or doc.cue.sign > 0 or doc.cue.vote == 1)
            and OWN_RETRACTION.search(comment.text[doc.body : doc.body + 600])
        ):
            # The poster takes back what they opened with: against it from now on (`retracts`
            # makes them a person of the other view from here).
            doc.cue = Cue(-1, 1.0, "disagree", addressed=False, vote=2, about_claim=True)
            doc.disagrees = True
            target, how = ROOT, "root"
        if (
            doc.cue is None
            and self.proposer is None
            and comment.author is None
            and doc.speaker is not None
            and doc.index != self.opening
            and doc.spans
            and (moved := _PROPOSES_THAT.search(comment.text, doc.body, doc.spans[0][1]))
            is not None
            and moved.start() - doc.body <= len(doc.speaker) + 40
        ):
            # Minutes: "Cllr Ashworth proposed that power kites and buggies be prohibited on
            # the Common": the first member to move the motion proposes what is debated (an
            # amendment is moved against it: below).
            self.proposer = doc.speaker
        if (
            doc.cue is None
            and self.proposer is not None
            and doc.speaker == self.proposer
            and doc.index != self.opening
            and not doc.junk
        ):
            doc.cue = Cue(+1, 1.0, "proposer", addressed=False)
            target, how = ROOT, "claim"
        if (
            (doc.cue is None or doc.cue.weak)
            and doc.index != self.opening
            and not doc.junk
            and self._insider_denies(doc)
        ):
            # "club secretary here. the ground has not been sold": someone who would know
            # denies the report the thread opened with.
            doc.cue = Cue(-1, 1.0, "disagree", addressed=False, about_claim=True)
            doc.disagrees = True
            target, how = ROOT, "root"
        if (
            doc.cue is None
            and self.reports_an_end
            and doc.index != self.opening
            and not doc.junk
            and self._says_it_goes_on(doc)
        ):
            # "trip is on, they're just swapping coach company", "still open": whoever says
            # it, the thing reported to end goes on.
            doc.cue = Cue(-1, CLAIM_WEIGHT, "denial", addressed=False, about_claim=True)
            doc.disagrees = True
            target, how = ROOT, "root"
        if (
            doc.cue is None
            and (self.claim is not None or self.motion is not None)
            # (a web post under a title that asks answers it too: "Should you always tip your
            # barber?" - "... I think you should always tip")
            and (
                doc.index != self.opening
                or (
                    self.tree
                    and "?" in (self.title or "")
                    and _THIRD_PARTY.search(comment.text, 0, 600) is None
                )
            )
            and not self.offers_options
        ):
            # A motion stated in so many words is plainer evidence than the opening's own
            # predicate without an auxiliary, so it is read first.
            sign = 0
            for claim in (self.motion, self.claim):
                if not sign and claim is not None and not doc.junk:
                    we = doc.speaker is not None and self._speaks_for(doc.speaker, claim)
                    sign = stance(claim, comment.text, doc.spans, we=we, own=doc.own)
            if sign:
                doc.cue, doc.disagrees = _CLAIM_CUES[sign], sign < 0
                target, how = ROOT, "claim"
        if AMENDMENT_WORD in doc.words:  # (found with the prefilter words: issue 13)
            if (
                (doc.cue is None or doc.cue.sign > 0)
                and self.amendment is not None
                and doc.speaker != self.docs[self.amendment].speaker
                and _BACKS_AMENDMENT.search(comment.text, 0, 300) is not None
            ):
                # "Cllr O'Rourke seconded the amendment.": with whoever moved it
                doc.cue = Cue(+1, 1.0, "agree", addressed=False)
                target, how = self.amendment, "named"
            elif (
                self.amendment is not None
                and doc.speaker != self.docs[self.amendment].speaker
                and _OPPOSES_AMENDMENT.search(comment.text, 0, 300) is not None
            ):
                # "Cllr Mensah said she could not support the amendment as a zone would be
                # impossible to police": against whoever moved it, not against the motion
                doc.cue = Cue(-1, 1.0, "disagree", addressed=False)
                doc.disagrees = True
                target, how = self.amendment, "named"
            moves = _MOVES_AMENDMENT.search(comment.text, 0, 300)
            if moves is not None:
                self.amendment = doc.index
                if doc.speaker is not None and doc.spans and moves.start() < doc.spans[0][1]:
                    # "Cllr Oduya moved an amendment that a flying zone be trialled instead of
                    # a ban. Cllr Brereton seconded the amendment.": who moves an amendment
                    # stands against the motion as it was put (a seconder in the same minute
                    # is another speaker, not this one's agreement).
                    doc.cue = Cue(-1, 1.0, "disagree", addressed=False, vote=2, about_claim=True)
                    doc.disagrees = True
                    target, how = ROOT, "root"
        if (
            doc.cue is None
            and self.respondents
            and doc.label is not None
            and doc.index != self.opening
            and (sign := _response_vote(comment.text, doc.body, self.keeps))
        ):
            # A consultation response that says where it stands ("Supportive, as long as ...",
            # "Unless a concession rate is offered we oppose the charge", "fine by me"): on the
            # proposal, whoever responded before it.
            doc.cue, doc.disagrees = _CLAIM_CUES[sign], sign < 0
            target, how = ROOT, "claim"
        if doc.cue is None and self._unsurprised(doc):
            # "doesnt surprise me tbh, the bins out back have been overflowing": believes the
            # report the thread opened with.
            doc.cue = Cue(+1, CLAIM_WEIGHT, "claim", addressed=False)
            target, how = ROOT, "topic"
        if doc.cue is None and target is not None and target != ROOT:
            self._read_uncued(doc, target, how)
            if (
                doc.cue is None
                and (self.duel or doc.index == self.answered_back)
                and how == "previous"
                and _counter_claim(doc)
            ):
                doc.cue, doc.disagrees = Cue(-1, COUNTER_WEIGHT, "counter"), True
            elif (
                doc.cue is None
                and comment.author is None  # (minutes without authors)
                and how == "previous"
                and _reported_verb(doc) in _REPLIES
                and _reported_verb(self.docs[target]) not in _ASKED
                and self.docs[target].speaker not in (None, doc.speaker)
                and not only_questions_in(self.docs[target])
            ):
                # Minutes: "Mr Lindqvist replied that in that case the candidate would win the
                # audition anyway": answers back the member reported before him (not a
                # question: "An observer asked whether ...; the chair replied ...").
                doc.cue, doc.disagrees = Cue(-1, COUNTER_WEIGHT, "counter"), True
            elif (
                doc.cue is None
                and how == "previous"
                and not self.opening_asks
                and _answers_though(doc)
            ):
                # "whitelist kills the server tho.": a turn whose first clause ends in "though"
                # answers back the one who spoke last (where the opening asks, the turns are
                # answers side by side: "the community is here though" may answer any of them).
                doc.cue, doc.disagrees = Cue(-1, COUNTER_WEIGHT, "counter"), True
        if self.tree and self.opening is None and _AUTHOR_HERE.match(comment.text, doc.body):
            # "Author here. We moved to short branches ...": the linked article's author stands
            # for what its title claims, whoever they answer.
            if doc.cue is None:
                doc.cue = Cue(+1, 1.0, "author", addressed=False)
                target, how = ROOT, "root"
            else:
                doc.vote = 1
        if doc.cue is None and how not in ("reply", "named"):
            target, how = None, ""  # a link without a cue counts replies only where explicit
        if doc.cue is not None and doc.cue.weak and how != "reply":
            target, how = None, ""  # "But ..." alone is too ambiguous without a reply link
        doc.target, doc.link = target, how
        if target is not None and target != ROOT:
            parent = self.docs[target]
            parent.replies += 1
            parent.disputed = parent.disputed or (doc.cue is not None and doc.cue.sign < 0)
        # A name answers that person's latest argument, not their "thanks for the agenda".
        # Nor their "anyone got spare redstone?": "agree with Kelp" agrees with what Kelp said.
        if doc.speaker and (
            doc.cue is not None
            or not (
                doc.junk
                or doc.praise
                # (a statement that shares no term with the thread is still the argument of
                # one who has made no other: "they scrape, they don't cut" to "carbide tools
                # are fine for beginners")
                or (doc.off_topic and doc.speaker in self.latest)
                or only_questions_in(doc)
            )
        ):
            self.latest[doc.speaker] = doc.index
        if doc.cue is not None or not doc.junk:
            self.recent.append((doc.index, who))

    def _implicit_target(self, doc: Doc, who: str) -> tuple[int | None, str]:
        """With no name and no link: the story in a tree, else the previous speaker."""
        cue = doc.cue
        if doc.index == self.opening or (cue is not None and cue.weak):
            return None, ""
        if (
            not (self.tree or self.respondents)
            and cue is not None
            and cue.sign > 0
            and cue.vote == 2
            and self.opening is not None
            # (the poster's "Yeah she'd walk with Maddie most days" grants a detail, not a side)
            and doc.speaker != self.docs[self.opening].speaker
            and doc.spans
            and YES_OPENING.match(doc.comment.text, doc.spans[0][0], doc.spans[0][1])
        ):
            # "yeah its a consultation, ive already filled in the form" right after "they voted
            # to CONSULT on it, not ban it": a yes to what was just said, not to the report
            previous = _previous_speaker(self.docs, doc, self.recent, who)
            if previous is not None and self._says_yes_to(previous, self.opening):
                return previous, "previous"
        if self.tree or self.respondents or (cue is not None and self._votes(cue)):
            return ROOT, "root"
        if cue is not None and not cue.addressed:
            # About the topic, not an answer to whoever spoke last ("There is no good evidence
            # that uniforms help"): a disagreement with the opening claim itself.
            if cue.sign < 0 and cue.kind == "disagree" and self._about_claim(doc):
                return ROOT, "topic"
            return None, ""
        if cue is not None and cue.sign < 0 and self._denies_report(doc):
            # "fake.", "thats false", "source?" with nobody named: a verdict on the report the
            # thread opened with, whoever spoke last (a rumour's deniers answer the rumour).
            return ROOT, "topic"
        if cue is not None and cue.sign > 0 and self._corroborates(doc):
            # "Heard the same from a teller", "can confirm": backs the report, not the last word.
            return ROOT, "topic"
        previous = _previous_speaker(self.docs, doc, self.recent, who)
        return (previous, "previous") if previous is not None else (None, "")

    def _says_yes_to(self, index: int, opening: int) -> bool:
        """Whether a bare yes after comment `index` answers it rather than the opening: it is
        someone else's statement (no question), by someone other than the opening's poster,
        that does not itself back the opening."""
        said = self.docs[index]
        if index == opening or said.speaker == self.docs[opening].speaker:
            return False
        if said.cue is not None and said.cue.sign > 0:
            return False  # ("can confirm" - "yeah heard the same": the same side either way)
        return bool(said.spans) and not _asks(said) and not said.junk and not said.off_topic

    def _speaks_for(self, speaker: str, claim: Claim) -> bool:
        """`claim.speaks_for`, once per speaker and claim (the motion or the opening's)."""
        key = (speaker, claim is self.motion)
        found = self.accounts.get(key)
        if found is None:
            found = self.accounts[key] = speaks_for(speaker, claim)
        return found

    def _moved_by(self, doc: Doc) -> str | None:
        """The member a passive minute names as moving a motion for what is debated ("It was
        proposed by Cllr Patel, seconded by Cllr Davies, that the parish request the limit"),
        else None: not a motion to refuse, reject or defer it, nor an amendment."""
        text = doc.comment.text
        if " by " not in text and " By " not in text and " BY " not in text:
            return None  # (most comments: the pattern is tried at every character)
        end = doc.spans[min(len(doc.spans), OPENING_SENTENCES) - 1][1]
        moved = _MOVED_BY.search(text, doc.body, end)
        if moved is None:
            return None
        motion_end = next((e for b, e in doc.spans if b <= moved.start() < e), end)
        if _REFUSES.search(text, moved.end(), motion_end):
            return None  # (in the motion's own sentence: "Votes: 3 for, 2 against" is no motion)
        name = moved.group("name")
        return self.names.get(name.casefold()) or self.names.get(name.split()[-1].casefold())

    def _side_question(self, index: int, answerer: str | None) -> bool:
        """Whether a comment only asks something beside the question debated ("anyone want
        coffee btw", "are we doing board games on saturday or not", "do they have showers at
        work?"): a plain question with no cue of its own, not the opening, and not put to the one
        answering ("@gabe you good with 8?" asks their view)."""
        asked = self.docs[index]
        if index == self.opening or asked.cue is not None:
            return False
        if _DOUBTS.match(asked.comment.text, asked.body):
            return False  # "really? they only refitted it last year": asks whether it is so
        text = asked.comment.text.casefold()
        if answerer and answerer.casefold().split()[0] in text:
            return False
        return (
            only_questions_in(asked)
            or _asks_then_aside(asked)
            or _ASKS_ANYONE.match(asked.comment.text) is not None
        )

    def _piles_on(self, doc: Doc, target: int | None, how: str) -> tuple[int | None, str]:
        """A bare "nope" right after another bare no ("lol no" / "nope. soggy crust") says no
        to what that one answered, not to it: people pile on."""
        cue = doc.cue
        if cue is None or cue.sign > 0 or cue.vote != 1 or target is None or target == ROOT:
            return target, how
        before = self.docs[target]
        answered = before.target
        if before.cue is None or before.cue.sign > 0 or before.cue.vote != 1 or answered is None:
            return target, how  # only after a bare no ("this is fake" is a verdict of its own)
        if _AFFIRMS.search(doc.comment.text[doc.body : doc.body + 200]):
            return target, how  # "nah its real": a no to the no
        if answered != ROOT and self.docs[answered].speaker == doc.speaker:
            return target, how  # it answered this speaker: a reply back, not a pile-on
        return answered, "root" if answered == ROOT else "previous"

    def _opening_asks(self, title: str | None = None) -> bool:
        """Whether the opening's first sentences ask a question (a choice, a how, a yes/no), or
        a web thread's title asks a choice ("Tabs or spaces?", "Sub vs dub") for its post."""
        if self.opening is None:
            return False
        if title and question_options(title[:600]):
            return True
        # "Tell us who you are", "Introduce yourself", "Share your setup": an invitation. A
        # bot's prompt before the opening counts ("It's Latte Art Saturday! Post your pours").
        return any("?" in head or _INVITES.search(head) is not None for head in self._prompts())

    def _prompts(self) -> list[str]:
        """The opening's first sentences, after those of any bot's message before it."""
        docs, opening = self.docs, self.opening
        heads = [_head(docs[i]) for i in range(opening or 0) if docs[i].comment.is_bot]
        return [*heads, self.opening_head]

    def _invites(self, title: str | None = None) -> bool:
        """Whether the opening's first sentences invite people to show or tell ("Post what you
        baked this weekend", "Introduce yourself"), not to weigh in on something. A bot's
        prompt before it counts ("It's Latte Art Saturday! Post your pours below.")."""
        heads = self._prompts() if self.opening is not None else []
        # A forum's title counts too ("Show us your trees: March").
        return any(_SHOW_AND_TELL.search(head) is not None for head in [*heads, title or ""])

    def _denies_report(self, doc: Doc) -> bool:
        """Whether a comment's first sentences deny or doubt a fact ("fake", "that's false",
        "debunked", "source?", "is this confirmed?") where the opening reports one (states a
        claim rather than asking or proposing)."""
        head = self._head_answering_claim(doc)
        if head is None or (self.poll and not self.incredulous):
            return False
        if doc.cue is not None and doc.cue.kind == "query":
            return True  # "has anyone asked facilities?": doubts the report, not the last word
        return _REPORT_DENIAL.search(fold_chars(head)) is not None

    def _insider_denies(self, doc: Doc) -> bool:
        """Whether a comment opens by saying who they are to the report's subject ("club
        secretary here.", "mod for his channel here.", "I work on Inkpad.") and then denies,
        where the opening reports something; where it reports that something ends ("the Anchor
        is stopping open mic"), saying it goes on denies it too ("landlord here. open mic
        stays")."""
        if not doc.spans or (self.poll and not self.incredulous):
            return False
        negated = not doc.words.isdisjoint(DENIAL_WORDS)
        b, e = doc.spans[0]
        text = doc.comment.text
        head = doc.own[: min(e - b, 120)] if doc.own else text[b : min(e, b + 120)].lower()
        if "here" not in head and not any(word in head for word in _INSIDER_WORDS):
            return False  # (what `_INSIDER` needs is not there: most comments, no search)
        insider = _INSIDER.match(text, b, min(e, b + 120))
        if insider is None or _AUTHOR_HERE.match(text, b):
            return False
        if (
            self.invites
            or self.opening_asks
            or self._head_answering_claim(doc) is None
            or self._opinion_opening(titled=True)
        ):
            return False  # (a view argued over is not a report that insiders can deny)
        end = doc.spans[min(len(doc.spans), 3) - 1][1]
        head = fold_chars(text[b : min(end, b + 400)])
        if negated and _DENIES.search(head) is not None:
            return True
        if self.reports_an_end and _GOES_ON.search(head) is not None:
            return True
        # Someone who would know answers a report with no cue and no word that confirms it
        # ("i'm on the volunteer patrol up there. the chair passed its retest on tuesday"): a
        # correction. (Read over the helpers' sets, such a comment was a denial 21 times of 21.)
        reported = f"{self.title or ''} {self.opening_head}"[:1200]
        return (
            # (news of something that happened or will: "Most house plants die from too much
            # water" is no report that a plant shop owner corrects by saying what they see)
            _EVENT.search(reported) is not None
            # ("looks good here", "all quiet here": no one who would know)
            and _HERE_ROLE.search(insider.group(0)) is not None
            and not doc.praise
            and _CONFIRMS.search(head) is None
            and _THANKS_SAID.search(head) is None  # ("Volunteer here! Thanks for the kind words")
        )

    def _says_it_goes_on(self, doc: Doc) -> bool:
        """Whether a comment's first sentences say that what the opening reports to end goes
        on ("trip is on", "it's still going ahead", "not going anywhere"), where the opening
        reports something."""
        if (self.poll and not self.incredulous) or self.invites or self.gives_view:
            return False  # ("the trip is cancelled??" is a report, for all its marks)
        head = self._head_answering_claim(doc)
        if head is None or _STILL_ON.search(fold_chars(head)) is None:
            return False
        # (in a sentence that states it: "does that mean lessons stay the same price?" asks)
        text = doc.comment.text
        return any(
            not text[b:e].rstrip().endswith("?") and _STILL_ON.search(fold_chars(text[b:e]))
            for b, e in doc.spans[:OPENING_SENTENCES]
        )

    def _opinion_opening(self, *, titled: bool = False) -> bool:
        """Whether the opening's first sentences give a view ("should", "better", "I think")
        rather than report something. With `titled`, a thread's title that reports decides
        ("X was given a zero rating and has been shut down" over the post's "best chips in
        town")."""
        if self.title and _OPINION_WORDS.search(self.title[:600]):
            return True
        if titled and self.title and len(self.title.split()) >= 3:
            # ... unless it asks for views: "Backing tracks instead of a band: is it killing
            # the show?" (not "Little Ashby fete cancelled this year??", a report with marks)
            asked = self.title.rstrip()
            asked = asked.rsplit(":", 1)[-1].strip() if ":" in asked else asked
            return asked.endswith("?") and not _told_as_report(asked)
        return _OPINION_WORDS.search(self.opening_head) is not None

    def _unsurprised(self, doc: Doc) -> bool:
        """Whether a comment that answers nobody else opens unsurprised by the report the
        opening makes ("not surprised tbh", "wouldnt put it past them")."""
        if doc.index == self.opening or self.poll or doc.junk or not doc.spans:
            return False
        parent = self.ids.get(doc.comment.reply_to or "")
        if parent is not None and parent != self.opening:
            return False  # to someone who answered: unsurprised by what they said
        b, e = doc.spans[0]
        if _UNSURPRISED.match(doc.comment.text, b, e) is None:
            return False
        return self._head_answering_claim(doc) is not None

    def _corroborates(self, doc: Doc) -> bool:
        """Whether a comment's first sentences back a fact ("heard the same", "can confirm")
        where the opening reports one."""
        head = self._head_answering_claim(doc)
        return head is not None and not self.poll and _CORROBORATION.search(head) is not None

    def _about_claim(self, doc: Doc) -> bool:
        """Whether a comment's first sentences name what the opening claim is about (one of
        its content words), where the opening states a claim rather than asking."""
        head = self._head_answering_claim(doc)
        if head is None or self.claim is None:
            return False
        return not {root(t) for t in tokens(head)}.isdisjoint(self.claim.words)

    def _head_answering_claim(self, doc: Doc) -> str | None:
        """A comment's first sentences, where the opening states something (its first sentence
        is not a question), whether or not its predicate could be read ("BREAKING: airport
        reinstating 100ml rule"); None otherwise."""
        if not doc.spans:
            return None
        if self.opening is None:
            # A link story titled with a report ("Waypunch, the orienteering timing app, is
            # shutting down"): its top-level comments answer the title.
            title = (self.title or "").rstrip()
            if not (self.tree and title and not title.endswith("?")):
                return None
        else:
            opening = self.docs[self.opening]
            if not opening.spans:
                return None
            b, e = opening.spans[0]
            first = opening.comment.text[b:e].rstrip()
            if first.endswith("?") and not (self.asks_news or _told_as_report(first)):
                return None
        b, e = doc.spans[0][0], doc.spans[min(len(doc.spans), OPENING_SENTENCES) - 1][1]
        return doc.comment.text[b:e]

    def _asked_about(self, target: int) -> int:
        """A "Yes," / "It's true" replying to a doubter's question ("where did you hear
        that?") answers what was asked about, not the asker."""
        asked = self.docs[target]
        if asked.cue is None or asked.target is None:
            return target
        if asked.cue.kind == "query" or _asks(asked):
            # "is it confirmed as a great white or not?" - "No. It was dolphins.": the answer
            # is about what was asked, not a disagreement with the one who asked it.
            return asked.target
        return target

    def _votes(self, cue: Cue) -> bool:
        """Whether a cue is a vote on the question: "Yes,", "It's true", "I oppose" always; a
        bare no only where the opening post asks or proposes (else it answers the last speaker:
        "No, that's not how it works")."""
        if self.open_question and not self.poll:
            return False  # a yes or no answers no "how", "what" or "why"
        # ("tap room is going dry next term??" reports: its "nah" answers the last speaker)
        return cue.vote == 2 or (cue.vote == 1 and self.poll and not self.incredulous)

    def _explicit_target(self, doc: Doc, who: str) -> tuple[int | None, str]:
        """A named person's latest comment, else the reply link; (None, "") without either.
        Naming can be the cue itself ("I'm with Bruno", "Gio is right", "same as Dimitri")."""
        if (
            doc.cue is None
            and self.names
            and doc.comment.author is None  # (minutes: who seconds stands with who proposes)
            and "seconded by" in doc.comment.text
            and (target := self._seconder(doc, who)) is not None
        ):
            # "Cllr Okafor proposed that the byelaw be suspended ..., seconded by Cllr
            # Lindqvist": the two stand together.
            doc.cue = Cue(+1, 1.0, "agree", addressed=False)
            return target, "named"
        # Nobody to name when the thread has no names and no name-free word ("op", "above")
        # is in the comment's own sentences (`doc.words` holds any of them that is): no folding.
        if doc.spans and (
            self.names
            or not (
                doc.words.isdisjoint(NAMELESS_WORD_SET) or names_nobody(doc.words, doc.comment.text)
            )
        ):
            end = doc.spans[min(len(doc.spans), OPENING_SENTENCES) - 1][1]
            text = fold_chars(doc.comment.text[:end])
            # The words found in its own sentences serve when they are all looked in.
            words = doc.words if len(doc.spans) <= OPENING_SENTENCES else None
            name, sign = named_person(text, doc.spans[0][0], end, self.names, words, doc.speaker)
            target = self._named_target(doc, name, who)
            if target is not None:
                # "Mr K raises a fair point, but ...": naming him does not undo the "but".
                if sign and not (doc.cue is not None and doc.cue.kind == "concession"):
                    if sign > 0 and (
                        late_turn(text, doc.spans[0][0], end, doc.own)
                        or turns_after_comma(text, doc.spans[0][0], doc.spans[0][1])
                    ):
                        # "ok harriet has a point about the mess ... still acrylic though",
                        # "kayla's right about trying lots of series, but thats what the
                        # library's for"
                        doc.cue = Cue(-1, 0.6, "concession")
                        doc.disagrees = True
                    else:
                        doc.cue = Cue(sign, 1.0, "agree" if sign > 0 else "disagree")
                        doc.disagrees = doc.disagrees or sign < 0
                if (
                    not sign
                    and doc.cue is None
                    and (
                        _MENTION_LED.match(text, doc.body)
                        # (a word of their handle leads only in chat: a web reply already
                        # links what it answers, "kaz that's basically my street")
                        or _led_by(text, doc.body, name, None if self.tree else self.names)
                    )
                ):
                    # "@Okoro that's the scaffolding", "bea thats a crime": a reply to them
                    return target, "reply"
                return target, "named"
        if self.respondents and doc.cue is not None and doc.spans:
            # "I agree with the first response": the first labelled response
            target = self._ordinal_response(doc)
            if target is not None:
                return target, "named"
        reply_to = doc.comment.reply_to
        if reply_to:
            parent = self.ids.get(reply_to)
            if parent is not None and parent < doc.index:
                return parent, "reply"
        if self.names and not self.tree and doc.spans and doc.cue is None:
            # "it literally cannot taste different moss. same bread": a chat turn whose first
            # sentence ends with a participant's name speaks to them (a cue is read as before:
            # "no its a corded one sorry sol" answers what Sol asked)
            target = self._named_target(doc, self._trailing_name(doc), who)
            if target is not None:
                return target, "reply"
        return None, ""

    def _seconder(self, doc: Doc, who: str) -> int | None:
        """The latest comment of the person a minute names as seconding its speaker."""
        found = _SECONDED_BY.search(doc.comment.text)
        if found is None:
            return None
        name = found.group(1)
        speaker = self.names.get(name.casefold()) or self.names.get(name.split()[-1].casefold())
        if speaker is None or speaker == who:
            return None
        target = self.latest.get(speaker)
        return target if target is not None and target < doc.index else None

    def _trailing_name(self, doc: Doc) -> str | None:
        b, e = doc.spans[0]
        text = doc.comment.text
        stop = _RUN_ON.search(text, b, e)  # chat runs its sentences on ("... moss. same bread")
        for end in (e,) if stop is None else (stop.start() + 1, e):
            word = _last_word(text, b, end).casefold()
            if word not in STOPWORDS and len(word) >= 3 and word in self.names:
                return self.names[word]
        return None

    def _ordinal_response(self, doc: Doc) -> int | None:
        """The labelled response an answer names by its place ("the first response", "the
        previous respondent"), if it names one before it."""
        b, e = doc.spans[0]
        match = _ORDINAL_RESPONSE.search(doc.comment.text, b, min(e, b + 300))
        if match is None:
            return self._role_response(doc, b, e)
        before = bisect_left(self.labelled, doc.index)  # (labelled responses before it)
        number = match.group(2) or match.group(3)
        if number is not None:
            if _NAMES_RESPONSE.search(doc.comment.text, b, match.start()) is None:
                return None  # "I was going to object for the reasons in response 2, but ..."
            # the earlier response whose label carries that number ("Response 2", "R2")
            if self.numbered is None:
                self.numbered = {}  # number -> the first labelled response carrying it
                for index in self.labelled:
                    found = _NUMBER.search(self.docs[index].label or "")
                    if found is not None:
                        self.numbered.setdefault(found.group(0), index)
            first = self.numbered.get(number)
            return first if first is not None and first < doc.index else None
        place = match.group(1).casefold()
        if place in ("last", "previous", "above"):
            return self.labelled[before - 1] if before else None
        n = _ORDINALS.index(place)
        return self.labelled[n] if n < before else None

    def _role_response(self, doc: Doc, b: int, e: int) -> int | None:
        """The one earlier labelled response whose role an answer names ("I agree with the
        volunteer" after "Response 2 (Wellsby in Bloom volunteer): ...")."""
        match = _WITH_ROLE.search(doc.comment.text, b, min(e, b + 300))
        if match is None:
            return None
        said = match.group(1)
        point = _POINT_ABOUT.match(said)
        # "the point about Dunmore": the response that spoke of Dunmore; else its label names
        # the role
        said = point.group(1) if point is not None else said
        key = (said.casefold(), point is not None)
        scan = self.role_scans.get(key)
        if scan is None:
            if len(self.role_scans) >= _ROLE_PHRASES:
                return None  # (a bound on the work: each phrase reads each label once)
            scan = self.role_scans[key] = _RoleScan(
                re.compile(r"\b" + re.escape(said) + r"\b", re.IGNORECASE)
            )
        # Read on from where this phrase was last looked for, up to this answer.
        while not scan.ambiguous and scan.read < len(self.labelled):
            index = self.labelled[scan.read]
            if index >= doc.index:
                break
            scan.read += 1
            other = self.docs[index]
            end = min(len(other.comment.text), other.body + 1500) if point else other.body
            if scan.role.search(other.comment.text, other.body if point else 0, end) is not None:
                if scan.found is not None and self.docs[scan.found].label != other.label:
                    scan.ambiguous = True  # two respondents of that role: which is not said
                else:
                    scan.found = index
        return None if scan.ambiguous else scan.found

    def _named_target(self, doc: Doc, name: str | None, who: str) -> int | None:
        if name is None or name == who:
            return None
        if name == OP:
            return self.opening if self.opening is not None and self.opening < doc.index else None
        if name == PARENT:
            parent = self.ids.get(doc.comment.reply_to or "")
            if parent is not None and parent < doc.index:
                return parent
            return _previous_speaker(self.docs, doc, self.recent, who)
        return self.latest.get(name)

    def _read_uncued(self, doc: Doc, target: int, how: str) -> None:
        """A comment with no cue still disagrees when it negates what it answers, and weakly
        when it answers a quote or a reply link with a contrast."""
        own = doc.comment.text[doc.body :]
        other = self.docs[target]
        # (`negates_nothing`: with no negation on either side, neither negates the other)
        plain = negates_nothing(doc.words, doc.comment.text)
        if not (plain and negates_nothing(other.words, other.comment.text)) and negates(
            own, other.comment.text[other.body :]
        ):
            doc.cue, doc.disagrees = Cue(-1, 1.0, "disagree"), True
        elif (
            how != "reply"
            and not doc.words.isdisjoint(DENIAL_WORDS)  # no negation: nothing denied
            and not plain
            and denies(other.comment.text, other.spans, doc.comment.text, doc.spans)
        ):
            # (a reply link's negation is read below as a contrast already)
            # "its not collusion lol" to "... is collusion": denies what it answers
            doc.cue, doc.disagrees = Cue(-1, CLAIM_WEIGHT, "denial"), True
        elif (
            not plain
            and doc.spans
            and _echo_denial(doc, other)
            and not (self.opening_asks or self.invites or _ends_asking(other))
        ):
            # "normal doesn't make it polite" to "it's normal now": takes up the word the
            # other argued with and denies what it does
            doc.cue, doc.disagrees = Cue(-1, CLAIM_WEIGHT, "denial"), True
        elif how == "reply" and target == self.opening and self.opening_asks:
            return  # an answer to the question asked ("anki. n=1 but still"), not a contrast
        elif (
            how == "reply"
            and other.cue is None
            and (
                _ends_asking(other)
                or _ASKS_ANYONE.match(other.comment.text) is not None
                or (self._by_poster(doc) and _asks_anywhere(other))
                # "@dom which cast on do you use?": what it asks them, they answer
                or _OFFERS_OR_ASKS.match(other.comment.text, other.body) is not None
            )
        ):
            # "Does it handle secondary ports?" / "Standard ports only for now.": answers; and
            # the poster answering any question put to them ("Is there a way to import from
            # Loop? I have three years of data." / "Not yet, but ...").
            return
        elif how == "reply" and _GREETS.match(own) is not None:
            return  # "Welcome Ruth! What lathe did you get?", "Hey Mike, great first build"
        elif how == "reply":
            led = _MENTION_LED.match(own)
            if led is not None and _ADDITIVE.match(own, led.end()):
                return  # "@lumi and the pick rate is 40%": adds to what Lumi said
            if self.invites and doc.body == 0:
                return  # a show-and-tell's replies talk about what was shown ("normal at first")
            if (
                self.tree
                and doc.body == 0
                and doc.spans
                and _ASKS_ABOUT.match(doc.comment.text, doc.spans[0][0], doc.spans[0][1])
            ):
                # "Does every bank let you set your own limit? I couldn't find it in mine.":
                # asks about something; its "not" later is no contrast with what it answers.
                return
            if (
                doc.spans
                and doc.comment.text[doc.spans[0][0]] not in _QUOTE_MARKS
                and _SAYS_SO.search(doc.comment.text, doc.spans[0][0], doc.spans[0][1])
            ):
                # "That's exactly the case the article makes. Most venues know, they just don't
                # write it down.": affirms what it answers; its "don't" later is no contrast.
                return
            doc.cue = reply_contrast(own, quoted=doc.body > 0)
            if (
                doc.cue is None
                and (self.tree or not _BOT_NAME.search(doc.speaker or ""))
                and self._answers_back(doc, other, own)
            ):
                # (on a web forum, or in a chat's reply links; not a logging bot's echo)
                doc.cue = Cue(-1, REBUTTAL_WEIGHT, "rebuttal", weak=True)

    def _by_poster(self, doc: Doc) -> bool:
        opening = self.opening
        return (
            opening is not None
            and doc.speaker is not None
            and doc.speaker == self.docs[opening].speaker
        )

    def _answers_back(self, doc: Doc, parent: Doc, own: str) -> bool:
        """On a web forum, or by a chat's reply link, a reply by someone else that neither agrees
        nor adds ("and ...", "also ...", the same one-word verdict) nor only asks answers back:
        people reply to a comment to argue with it."""
        if parent.speaker == doc.speaker or self.invites:
            return False  # (in a show-and-tell, people reply to talk about what was shown)
        if parent.index == self.opening and (self.tree or self.opening_asks or not self.gives_view):
            # (a forum's top-level replies answer the post, and replies to a report add to it
            # or doubt it; a chat's reply to an opening that gives a view argues with it:
            # "now add the fermenter, the bottles, ...")
            return False
        if _GREETS.match(parent.comment.text) is not None:
            return False  # "Hello from Galway. I carve spoons." is answered, not argued with
        if doc.junk or doc.praise or doc.off_topic or only_questions_in(doc):
            return False  # (a laugh or an aside that shares no term with the thread: no case)
        if _OFFERS_OR_ASKS.match(own) is not None:
            return False  # "Do you need any more volunteers? I used to repair bikes"
        if doc.spans and _ASKS_ABOUT.match(doc.comment.text, doc.spans[0][0], doc.spans[0][1]):
            return False  # "Does Renovate keep the version comment? I like seeing it."
        if grants_a_point(doc.comment.text, doc.spans, doc.own):
            return False  # "ugh. decorative soup. fine, thats annoyingly good"
        if doc.spans and _COMPLIMENTS.match(doc.comment.text, doc.spans[0][0], doc.spans[0][1]):
            return False  # "Those look great. Which video did you use?"
        if doc.spans and _SAYS_SO.search(doc.comment.text, doc.spans[0][0], doc.spans[0][1]):
            return False  # "Paper towels are better for that, yes.", "... is exactly what I saw"
        if _ACK.match(own) is not None or _WORKS.match(own) is not None:
            return False  # "ty! starting the copy now", "works for me, spawn chunks loaded fine"
        if _UNSURPRISED.match(own) is not None:
            return False  # "not surprised, that site is always out of date": believes them
        if (verdict := _VERDICT.match(own)) is not None and (
            (theirs := _VERDICT.match(parent.comment.text, parent.body)) is not None
            and verdict.group(1).casefold() == theirs.group(1).casefold()
        ):
            return False  # "Stay, and the placement number is marketing" to "Stay. The ..."
        return _ADDITIVE.match(own) is None


# A report that something works: "works for me", "all good here", "looks fine now".
_WORKS = re.compile(
    r"\W*(?:(?:it |that |this )?(?:works|working|worked) (?:for me|fine|now|here|again|great)"
    r"|all good|looks (?:good|fine|great))\b",
    re.IGNORECASE,
)
# A comment that opens with a one-word verdict: "Stay.", "Stay, and the number is marketing".
_VERDICT = re.compile(r"\W*([^\W\d_]{2,})\s*[.,!;:]")
# A first sentence that affirms what it answers: it ends on a yes ("Paper towels are better for
# that, yes.") or says it is exactly so ("The thumb thing is exactly what the demos show"; not
# "not exactly").
_QUOTE_MARKS = frozenset("\"'\u201c\u2018")
_SAYS_SO = re.compile(
    r"[,;]\s*(?:yes|yeah|yep|true|agreed|indeed|definitely|absolutely)\s*[.!]*\s*$"
    # ('"no poison" is exactly what they would say' mocks: what someone would say to hide it)
    r"|(?<!\bnot )\bexactly (?:what(?![^.?!]{0,60}\bwould\b)|that|it|right|the point|my point"
    r"|this|the (?:case|argument|point|problem|issue|thing))\b",
    re.IGNORECASE,
)
# A sentence that opens with a bare word and denies what it does: "normal doesn't make it
# polite", "goodwill doesnt help if ...", "cheap isn't the same as good"; not "setup isn't my
# problem" (what it is not about).
_ECHO_DENIAL = re.compile(
    r"\W*([a-z][a-z\-]{2,})\s+(?:does ?n'?t|doesnt|is ?n'?t|isnt|does not|is not|wo ?n'?t|wont"
    r"|will not|ca ?n'?t|cannot|can not)\s+(?!(?:my|your|our|his|her|their)\b)\w+",
    re.IGNORECASE,
)
# Words that open such a sentence without being the other's word taken up.
_ECHO_SKIP = frozenset("that this it there which what who why how he she they one".split())


def _echo_denial(doc: Doc, other: Doc) -> bool:
    """Whether `doc`'s first sentence opens with a word of `other`'s own sentences, bare, and
    denies what it does or is ("normal doesn't make it polite" to "it's normal now")."""
    text = doc.comment.text
    b, e = doc.spans[0]
    match = _ECHO_DENIAL.match(text, b, e)
    if match is None:
        return False
    word = match.group(1).lower()
    if word in STOPWORDS or word in _ECHO_SKIP:
        return False
    other_text = other.comment.text[other.body :].lower()
    return root(word) in {root(t) for t in tokens(other_text[:2000])}


# A full stop and a lower-case word: chat running its sentences on ("... moss. same bread").
# (Tried only where a run of stops begins, so a long run costs its length, not its square.)
_RUN_ON = re.compile(r"(?<![.!?])[.!?]+\s+(?=[a-z])")
_SENTENCE_TAIL = " \t\n\r\f\v.!?,)"


def _last_word(text: str, begin: int, end: int) -> str:
    """The last word of `text[begin:end]` after a space or a comma, less the stops after it and
    an "@" before it ("... taste different moss." -> "moss"); "" when there is none (one word,
    or not a name's shape). Linear in the sentence, with no regex to backtrack."""
    tail = text[begin:end].rstrip(_SENTENCE_TAIL)
    cut = max(tail.rfind(" "), tail.rfind(","), tail.rfind("\n"), tail.rfind("\t"))
    if cut < 0:
        return ""
    word = tail[cut + 1 :].removeprefix("@")
    if not word or not word[0].isalpha() or not all(c.isalnum() or c in "_.-" for c in word):
        return ""
    return word


# A first sentence that asks about something ("Does Renovate keep the version comment next to
# the hash?"), not the rhetorical "does anyone really believe that?" or "do you even ...?".
_ASKS_ABOUT = re.compile(
    r"\W*(?:does|do|is|are|can|will|would|has|have|which|what|how|where|when)\b"
    # ("do you really think ...?" is rhetorical; "does every bank let you set it?" asks)
    r"(?!\s+(?:you|u)\b)(?!\s+(?:anyone|anybody) (?:else|think|thinks|believe|seriously)\b)"
    r"(?![^?]*\b(?:really|actually|seriously|even|honestly)\b)[^?]*\?\s*$",
    re.IGNORECASE,
)
# A chat question asked without its "?" ("do they do laptops or just electrical stuff").
_ASKS_PLAINLY = re.compile(
    r"\W*(?:do|does|did|is|are|can|could|will|would|what|whats|what's|when|where|who|how"
    r"|which)\s+(?:they|it|you|u|we|there|the|this|that|time|times)\b",
    re.IGNORECASE,
)
# An opening that invites answers: "Tell us who you are", "Share your setup".
_INVITES = re.compile(
    r"\b(?:tell us|introduce yourself|introduce yourselves|share your|post your|show us|let us"
    r" know|drop your|say hi|(?:your|members'?|people'?s|everyone'?s|residents'?|the community'?s)"
    r" (?:views?|thoughts|opinions|feedback|input|comments)"
    # "Thoughts before the AGM please.", "Comments open for two weeks."
    r"|\bthoughts(?: before [^.?!]{1,40}?)? (?:please|welcome)\b|\bcomments (?:are )?open\b"
    r"|\bfeedback (?:is )?welcome\b"
    # "Post what you're working on this week!", "What are you all reading?"
    r"|(?:post|share|show us) what (?:you|u|y'?all|everyone)"
    r"|what (?:are|is) (?:you|everyone|y'?all)(?: all| guys)? (?:working on|reading|playing"
    r"|making|building|cooking|watching|listening to))\b",
    re.IGNORECASE,
)


# The most words an aside after a question may have ("been after that").
ASIDE_WORDS = 6
# An opening that invites people to show or tell, not to give views ("your thoughts" is a
# consultation, whose replies argue).
_SHOW_AND_TELL = re.compile(
    r"\b(?:introduce yourself|introduce yourselves|show us|say hi|show off your"
    r"|(?:share|post|drop) your(?! (?:views|thoughts|opinions|feedback|input|comments"
    r"|objections|concerns|questions|suggestions|ideas|responses|votes?)\b)"
    r"|(?:post|share|show us|tell us) what(?: (?:you|u|y'?all|everyone)|'?s (?:in|on) )"
    r"|(?:post|share) (?:your |some |a |an )?(?:pics?|photos?|pictures?|snaps?|updates?"
    r"|progress)"
    # "Monthly thread for your trail camera clips.", "Weekly thread: what's on your needles",
    # "post a recap of your latest session", "Post the ancestor you're stuck on": each reply
    # shows its own
    r"|(?:weekly|monthly) (?:[\w-]+ ){0,4}thread(?: (?:for|of) (?:your|our)|\s*:)"
    r"|what'?s on your (?:needles|hooks?|bench|workbench|desk|easel|loom|wheel|plate|shelf"
    r"|nightstand|turntable|bookshelf|reading list)"
    r"|(?:post|share|drop) (?:a|an|the|some) (?:[\w-]+ ){1,3}(?:(?:of|from) your|you(?:'re|'ve"
    r"| are| have)?)"
    r"|what (?:are|is) (?:you|everyone|y'?all)(?: all| guys)? (?:working on|reading|playing"
    r"|making|building|cooking|baking|brewing|watching|listening to))\b",
    re.IGNORECASE,
)
# A reply whose first sentence is a short compliment on what was shown or said ("Those look
# great.", "Lovely colour!", "Wow, beautiful crumb."): it answers to praise, not to argue.
_COMPLIMENTS = re.compile(
    r"\W*(?:wow\W+|oh\W+)?(?:(?:those|that|this|it|they|yours|you) (?:looks?|sounds?|(?:is|are)"
    r"(?: so)?) (?:great|amazing|lovely|beautiful|gorgeous|delicious|fantastic|awesome|brilliant"
    r"|stunning|incredible|perfect|fab|ace)"
    r"|(?:lovely|beautiful|gorgeous|stunning|great|nice|amazing|awesome|brilliant|fantastic"
    r"|delicious|impressive|incredible|fab|wow|congrats)\b(?!\W+try\b)(?:\W+\w+){0,5}\W*[!.]?\W*$)",
    re.IGNORECASE,
)
# A reply that opens by greeting or welcoming the one it answers.
_GREETS = re.compile(
    r"\W*(?:hi|hello|hey|hiya|howdy|welcome|welcome aboard|congrats|congratulations)\b"
    r"(?!\s+(?:no|not|but)\b)",
    re.IGNORECASE,
)
# A reply that opens by asking the one it answers for something, not challenging them ("Do you
# need any more volunteers?", "Can I borrow it?"; not "Do you really think ...?").
_OFFERS_OR_ASKS = re.compile(
    r"\W*(?:@[\w.\-]+,?\s+)?(?:(?:do|does|can|could|would|will|are|is there|are there) (?:you|u"
    r"|ya|y'?all|i|we|they) (?!really\b|seriously\b|honestly\b|even\b|actually\b|not\b)"
    r"[^?.!\n]{0,80}\?"
    # "@dom which cast on do you use for toe up?": asks how they do it
    r"|(?:which|what|how) (?!(?:do|did) (?:you|u) (?:mean|think)\b)[^?.!\n]{0,40}\b(?:do|did)"
    r" (?:you|u) (?:use|do|make|get|find|buy|recommend|go for)\b[^?.!\n]{0,60}\?"
    # "I'll do the Galileo bits.", "happy to bring the urn", "count me in": an offer
    r"|(?:i'?ll|i will|i can|(?:i'?m )?happy to|glad to) (?:do|bring|take|help|sing|cover|drive"
    r"|host|lend|make|run)\b|count me in\b|i'?m in(?=\s*(?:[.!,]|$)))",
    re.IGNORECASE,
)
_PROPOSAL = r"(?:proposal|motion|amendment|plan|suggestion|idea|rfc|pr|pull request|request)"
_NAMED = r"@?(?P<{}>[^\W\d_][\w.\-]*(?:\s+[^\W\d_][\w.\-]*)?)"
_PROPOSED_BY = re.compile(
    rf"\b{_PROPOSAL}\s*(?:#?\d+\s*)?(?:\([^)]*\)\s*)?(?:from|by)\s+{_NAMED.format('name')}"
    rf"|\b(?:proposed|moved|tabled|suggested|raised|put forward)\s+by\s+{_NAMED.format('by')}"
    rf"|(?<![\w.])(?P<owner>[^\W\d_][\w.\-]*)'s\s+(?:\w+\s+)?{_PROPOSAL}\b",
    re.IGNORECASE,
)


def _proposer(text: str, names: dict[str, str]) -> str | None:
    """The author a chair's opening names as the proposal's owner ("proposal 14 from hartmut",
    "the motion moved by Cllr Brandt", "Dana's proposal"), when they take part; else None."""
    for match in _PROPOSED_BY.finditer(fold_chars(text)):
        words = (match.group("name") or match.group("by") or match.group("owner") or "").split()
        if words and words[0].rstrip(".").casefold() in TITLES:
            words = words[1:]
        for n in (2, 1):
            key = " ".join(words[:n]).rstrip(".,:;").casefold()
            if len(words) >= n and key in names:
                return names[key]
    return None


def is_post(doc: Doc, thread: Thread) -> bool:
    """In a web tree, whether the opening comment is the story or post itself (its author's
    stance is the title's) rather than the first top-level comment."""
    comment = doc.comment
    if comment.reply_to is not None:
        return False
    return (
        "_t3_" in comment.id  # a Reddit post
        or (thread.source == "discourse" and comment.id == "p1")  # a Discourse topic's first post
        or (comment.url is not None and comment.url == thread.url)  # a Hacker News story
    )


def _claim(thread: Thread, docs: list[Doc], opening: int | None) -> Claim | None:
    """The claim that stance is relative to: the thread's title when it is a sentence, else the
    opening comment's first sentence."""
    title = " ".join((thread.title or "").split())
    if sentence_like(title):
        if question_options(title[:600]):
            return None  # "Tailwind or plain CSS?" offers options: no claim to restate or deny
        return read_claim(title)
    if channel_path(title):
        # An export's "Groups / scouts-and-cubs" is where the thread was, not what it claims;
        # and its opening is a turn of a conversation ("Had a go at carpet bowls last night
        # ..."), whose first sentence is no claim to restate either (read over four blind sets,
        # reading it as one lost two threads and gained none).
        return None
    if opening is None or not docs[opening].spans:
        return None
    first = docs[opening]
    b, e = first.spans[0]
    claim = read_claim(first.comment.text[b:e])
    if claim is not None:
        return claim
    for b, e in first.spans[1:OPENING_SENTENCES]:
        # "Welcome back. This table's question is whether large cruise ships should be banned
        # from the harbour.": a chair's greeting first, then what is asked, in so many words
        sentence = first.comment.text[b:e]
        asked = _WHETHER.search(sentence)
        if asked is not None:
            return read_claim(sentence[asked.end() :])
    return None


# "our question is whether ...", "the question for us is whether ...", "we're deciding whether".
_WHETHER = re.compile(
    r"\b(?:question|decid(?:e|ing)|asked|asking|consider(?:ing)?|vot(?:e|ing)(?: on)?)\b"
    r"[^.!?]{0,40}?\bwhether\s+",
    re.IGNORECASE,
)


# A sentence that proposes or rejects something in so many words.
_DEONTIC = re.compile(r"\b(?:should|must|ought|shouldn'?t|mustn'?t)\b", re.IGNORECASE)
# How far into the thread a motion is looked for (the work stays constant per comment).
MOTION_WINDOW = 200


def _motion(docs: list[Doc], opening: int | None, claim: Claim | None) -> Claim | None:
    """Where the opening argues without stating what it argues for ("Compulsory voting makes
    governments answer to everyone"), the first later sentence that proposes or rejects it in
    so many words ("voting shouldn't be compulsory"): its proposal, in the positive, is what the
    opening argues for, when it is about the opening's subject (two of its content words, or its
    predicate, are the opening's). An argument collection's camps are for or against that."""
    if opening is None or (claim is not None and claim.auxiliary) or not docs[opening].spans:
        return None
    first = docs[opening]
    b, e = first.spans[0][0], first.spans[min(2, len(first.spans)) - 1][1]
    head = first.comment.text[b:e]
    if head.rstrip().endswith("?") or _DEONTIC.search(head):
        return None
    words = {root(t) for t in tokens(head)}
    for doc in docs[opening + 1 : opening + 1 + MOTION_WINDOW]:
        if doc.junk or doc.comment.is_bot:
            continue
        text = doc.comment.text
        for sb, se in doc.spans[:OPENING_SENTENCES]:
            sentence = text[sb:se]
            if not _DEONTIC.search(sentence) or sentence.rstrip().endswith("?"):
                continue
            found = read_claim(sentence)
            if found is None or not found.auxiliary or found.subject in ("i", "you"):
                continue
            shared = found.words & words
            if len(shared) >= 2 or not found.verbs.isdisjoint(words):
                return replace(found, negated=False)
    return None


def set_speakers(docs: list[Doc]) -> None:
    """Each doc's speaker: its author; where no comment of the thread has one (minutes pasted
    as paragraphs), the person a paragraph opens by reporting, if any."""
    if any(d.comment.author for d in docs):
        for doc in docs:
            doc.speaker = doc.comment.author
        return
    for doc in docs:
        if doc.label is not None:
            doc.speaker = doc.label  # "R1 (resident): I object."
            continue
        text = doc.comment.text
        if doc.body == 0 and doc.spans and text.isascii() and doc.words.isdisjoint(REPORTED_WORDS):
            # Its own words are all of it and hold no reporting verb: no match (issue 13).
            doc.speaker = None
            continue
        match = REPORTED.match(text, 0, 200)
        doc.speaker = match.group("name") if match is not None else None


# Minutes: "Cllr Dasgupta proposed an amendment that ...", and backing it.
# A member moving the motion in reported speech: "Cllr Ashworth proposed that ...", "Des from
# the Railway proposed that every venue use a scoring tablet".
_PROPOSES_THAT = re.compile(r"\b(?:proposed|moved|proposes|moves) that\b", re.IGNORECASE)
_MOVES_AMENDMENT = re.compile(
    r"\b(?:proposed|moved|tabled|put forward|proposes|moves) an amendment\b", re.IGNORECASE
)
# "It was proposed by Cllr Patel and seconded by Cllr Davies that ...", "Moved by Mr Ng,
# seconded by Ms Ode, that ...": a passive minute of a motion, naming its proposer.
_TITLE_OF_NAME = r"(?:(?:" + "|".join(sorted(TITLES)) + r")\.? )?"  # "Cllr ", "Mr. "
_CAPITAL_NAME = r"(?-i:[A-Z])[\w'\-]+(?: (?-i:[A-Z])[\w'\-]+)?"  # one or two words
_MOVED_BY = re.compile(
    r"\b(?:proposed|moved) by " + _TITLE_OF_NAME + rf"(?P<name>{_CAPITAL_NAME})"
    r"(?:,? (?:and )?seconded by " + _TITLE_OF_NAME + _CAPITAL_NAME + r")?,? that\b",
    re.IGNORECASE,
)
# A motion against what is debated, or beside it: "that the application be refused", "that
# the item be deferred", "that the amendment ...".
_REFUSES = re.compile(
    r"\b(?:refus\w*|reject\w*|decline\w*|defer\w*|oppos\w*|object\w*|not\b|no\b|against"
    r"|amendment|withdraw\w*)",
    re.IGNORECASE,
)
# "..., seconded by Cllr Lindqvist": a title, then a name of one or two words.
_SECONDED_BY = re.compile(r"\bseconded by " + _TITLE_OF_NAME + f"({_CAPITAL_NAME})", re.IGNORECASE)
_BACKS_AMENDMENT = re.compile(
    r"(?<!\bnot )(?<!n't )(?<!\bcannot )\b(?:seconded|supported|backed|seconds|supports|backs"
    r"|support|back|vote for|voted for) the amendment\b",
    re.IGNORECASE,
)
_OPPOSES_AMENDMENT = re.compile(
    r"\b(?:(?:could|would|did|does|do|can|will) ?(?:not|n't)|cannot|couldnt|wouldnt|didnt|cant)"
    r" (?:support|back|accept|vote for) the amendment\b"
    r"|\b(?:opposed|opposes|oppose|rejected|rejects|reject|voted against|spoke against"
    r"|against) the amendment\b",
    re.IGNORECASE,
)
# "the first response", "the previous respondent", "the third submission".
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_ORDINAL_RESPONSE = re.compile(
    r"\bthe (" + "|".join(_ORDINALS) + r"|last|previous|above) (?:response|respondent|submission"
    r"|reply|comment)\b"
    # "We agree with the Coastal Path Friends in response 2", "I agree with R1"
    r"|\b(?:response|respondent|submission) (?:no\.? ?)?(\d{1,4})\b|\b[Rr](\d{1,4})\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+")
_KEEPS = re.compile(r"\b(?:keep|keeping|retain|retaining|save|saving)\b", re.IGNORECASE)
# A response's sentence asking for things to stay as they are: "Keep the baskets.", "Keep it
# free.", "Keep Wednesday."
_KEEP_IT = re.compile(
    r"(?:^|(?<=[.!?] ))\W*(?:so |please |just )?keep (?:it|them|this|that|\w+day|the \w+"
    r"|our \w+)(?: \w+)?(?: free| open| as (?:it is|they are)| going| running)?\s*(?:[.!]|$)",
    re.IGNORECASE,
)
_POINT_ABOUT = re.compile(
    r"(?:point|concern|comment|argument) (?:about|on|over|regarding) (?:the )?(.+)", re.IGNORECASE
)
# "I agree with the volunteer": the earlier response whose label's role names them.
_WITH_ROLE = re.compile(
    r"\b(?:agree|agrees|concur|side|sides|stand) with the ((?:(?:point|concern|comment|argument)"
    r" (?:about|on|over|regarding) (?:the )?)?[a-z][\w'-]*(?: [a-z][\w'-]*){0,2}?)"
    r"(?=\s*(?:[.,;:!]|$)| (?:in|at|from|on|about|that|who|here)\b)",
    re.IGNORECASE,
)
# A response that is another's: "As R2.", "Same as response 4."
_AS_RESPONSE = re.compile(
    r"\W*(?:as|same as|ditto|as per) (?:R|response |respondent )\d{1,4}\b(?!\s*\w)", re.IGNORECASE
)
# What names a response by its number as the one agreed with: "agree with ... in response 2",
# "share the concern in response 2", "as response 6 says".
_NAMES_RESPONSE = re.compile(
    r"\b(?:agree[sd]?|agreeing|concurs?|share[sd]?|support(?:s|ing)?|second(?:s|ed)?|echoe?s?"
    r"|endorse[sd]?|back(?:s|ing)?|as|with|like)\b[^,;.!?]{0,50}$",
    re.IGNORECASE,
)
# Where a consultation response stands on the proposal, in so many words.
_RESPONSE_FOR = re.compile(
    r"\b(?:supportive|(?:we|i) (?:would |strongly |fully |broadly |therefore )?(?:support|welcome)"
    r"|(?:we|i) (?:are|am) (?:broadly |strongly |fully )?in favou?r|fine by (?:me|us)"
    r"|(?:is|seems|sounds) (?:fair|sensible|reasonable)(?=\s*[.!]|$)|good idea"
    # "R2, resident. Supports. ...": a summary's third person; "we would no longer object"
    r"|^\W*(?:strongly |fully |broadly )?supports|(?:we|i) would no longer (?:object|oppose))\b",
    re.IGNORECASE,
)
_RESPONSE_AGAINST = re.compile(
    r"\b(?:(?:we|i) (?:would |strongly |must |therefore )?(?:oppose|object)"
    r"|(?:we|i) (?:are|am) (?:strongly |firmly )?(?:opposed|against)"
    r"|(?:we|i) (?:cannot|can'?t|do not|don'?t) support|charging us twice|(?:is|seems) unfair"
    r"|^\W*(?:strongly |firmly )?objects|(?:we|i) still (?:object|oppose))\b",
    re.IGNORECASE,
)


def _response_vote(text: str, body: int, keeps: bool = False) -> int:
    """+1 or -1 where a consultation response's own words say it supports or opposes, 0 where
    they say neither or both. "Keep the baskets." opposes a proposal to change, unless `keeps`
    (the proposal is to keep something)."""
    own = text[body : body + 1500]
    backs = _RESPONSE_FOR.search(own) is not None
    against = _RESPONSE_AGAINST.search(own) is not None
    if not against and not keeps and "eep" in own:
        against = _KEEP_IT.search(own) is not None
    if backs == against:
        return 0
    return 1 if backs else -1


# The verb a summary of responses puts after a respondent's label (`reading._RESPONDENT`).
_RESPONSE_OPENS = re.compile(
    r"\W*(?:(?P<backs>(?:strongly |fully |broadly )?(?:supports|welcomes)|(?:does not|doesn't)"
    r" object|has no objection)|(?P<opposes>(?:strongly )?(?:objects|opposes))"
    r"|(?P<named>(?:agrees|disagrees) with))\b",
    re.IGNORECASE,
)
# Reporting verbs of minutes that answer the one reported before, and that ask.
_REPLIES = frozenset({"replied", "responded", "countered", "retorted"})
_ASKED = frozenset({"asked", "queried", "wondered", "questioned"})


def _reported_verb(doc: Doc) -> str | None:
    """The reporting verb of a paragraph of minutes without authors ("Mr Abara replied that
    ..."): "replied"; None for a comment with an author or no reported speaker."""
    if doc.comment.author is not None or doc.speaker is None or doc.label is not None:
        return None
    match = REPORTED.match(doc.comment.text, 0, 200)
    return match.group(0).rsplit(None, 1)[-1].lower() if match is not None else None


def _asks_anywhere(doc: Doc) -> bool:
    text = doc.comment.text
    return any(text[b:e].rstrip(" \"')]").endswith("?") for b, e in doc.spans[:4])


def _ends_asking(doc: Doc) -> bool:
    """Whether a comment's last sentence asks ("Nice. What's the data source?")."""
    if not doc.spans:
        return False
    b, e = doc.spans[-1]
    text = doc.comment.text
    if text[b:e].rstrip(" \"')]").endswith("?"):
        return True
    # Chat asks without its "?": "do they do laptops or just electrical stuff".
    return len(doc.spans) == 1 and e - b < 100 and _ASKS_PLAINLY.match(text, b, e) is not None


def _head(doc: Doc) -> str:
    """A comment's text up to the end of its first `OPENING_SENTENCES` sentences ("" without
    any)."""
    if not doc.spans:
        return ""
    return doc.comment.text[: doc.spans[min(len(doc.spans), OPENING_SENTENCES) - 1][1]]


def _led_by(text: str, begin: int, name: str | None, names: dict[str, str] | None = None) -> bool:
    """Whether a comment's own words open with `name`, bare ("bea thats a crime"; an
    @mention is `_MENTION_LED`), or with a word of `names` that names them ("lou thats a
    public park" to lowbattery_lou)."""
    if not name:
        return False
    head = text[begin : begin + len(name) + 40].lstrip()
    if fold_chars(head[: len(name)]).casefold() == fold_chars(name).casefold() and (
        len(head) == len(name) or not (head[len(name)].isalnum() or head[len(name)] == "_")
    ):
        return True
    first = _FIRST_WORD.match(head)
    return (
        names is not None
        and first is not None
        # (a word alone is an answer, not a name: "Gel. The paper in most notebooks ...")
        and head[first.end() : first.end() + 1] not in (".", "!", "?", ",")
        and names.get(first.group().casefold()) == name
    )


_FIRST_WORD = re.compile(r"[^\W\d_][\w'\-]*")


def _asks_then_aside(doc: Doc) -> bool:
    """A question followed by a short aside ("is the cookbook the ottolenghi? been after
    that", "nice, you gonna clap? 😏"): the first sentence asks, and a few words follow."""
    if not doc.spans:
        return False
    text = doc.comment.text
    begin, end = doc.spans[0][0], doc.spans[-1][1]
    asked = text.find("?", begin, end)
    return asked >= 0 and len(text[asked + 1 : end].split()) <= ASIDE_WORDS


def only_questions_in(doc: Doc) -> bool:
    text = doc.comment.text
    return bool(doc.spans) and all(text[b:e].rstrip(" \"')]").endswith("?") for b, e in doc.spans)


def only_asks(doc: Doc) -> bool:
    """Whether every sentence of a comment asks ("?") or only invites the argument ("Settle
    this for us", "Thoughts before Friday please"): it takes no side of what it asks."""
    text = doc.comment.text
    return bool(doc.spans) and all(
        text[b:e].rstrip(" \"')]").endswith("?") or (e - b < 60 and INVITATION.match(text, b, e))
        for b, e in doc.spans
    )


# An invitation to argue, on its own: "Fight me.", "Thoughts?", "Settle this for us", "Views
# welcome before Friday".
INVITATION = re.compile(
    r"\W*(?:fight me|change my mind|prove me wrong|come at me|don'?t @ me|debate me|discuss"
    r"|let'?s discuss|cmv|go|settle (?:this|it|a debate)(?: for (?:us|me))?"
    r"(?: once and for all)?|(?:please )?help settle (?:this|a debate)"
    r"|(?:any |your |all )?(?:thoughts|views|opinions|input|comments)"
    r"(?: (?:please|welcome|appreciated|wanted|(?:before|by) (?:the )?\w+(?: \w+)?))*"
    r"|let (?:me|us) know (?:what you think|your (?:thoughts|views))"
    # "Looking for opinions before the board meets.", "Keen to hear views."
    r"|(?:(?:I'?m |we'?re )?(?:looking for|keen to hear|interested to hear|after|seeking|want)"
    r" (?:some |your |any )?(?:opinions|views|thoughts|input|feedback)"
    r"(?: (?:before|by|on|from|ahead of) [^.!?]{1,40})?))\W*$",
    re.IGNORECASE,
)


def reports_incredulously(doc: Doc) -> bool:
    """Whether a comment's first sentence is a report told with marks, not a question
    ("apparently Hugh is leaving the choir??": no question word opens it), or a report asked
    about ("Did anyone else get told the freeholder is selling the whole block?")."""
    if not doc.spans:
        return False
    b, e = doc.spans[0]
    return _told_as_report(doc.comment.text[b:e].rstrip())


def _asks_only_for_news(doc: Doc) -> bool:
    """Whether a comment opens with a statement and its only questions in its first sentences
    ask for news of it ("anyone know more?", "can anyone confirm?", "is this true?")."""
    if not doc.spans:
        return False
    head = _head(doc)[doc.spans[0][0] :]
    if "?" not in head:
        return False
    # (a chat's sentences run on in lower case: "... the dog show. kids will be gutted.
    # anyone know more?" is one span)
    parts = _CLAUSE_END.split(head.strip())
    if len(parts) < 2 or "?" in parts[0]:
        return False
    return all(_ASKS_NEWS.match(part) is not None for part in parts if "?" in part)


_CLAUSE_END = re.compile(r"(?<=[.!?])\s+")
# A question that asks only for news of what was just told.
_ASKS_NEWS = re.compile(
    r"\W*(?:(?:does|do|did|has|have) )?(?:anyone|anybody|any ?1|any of you|you guys|y'?all)"
    r"(?: else)? (?:know|knows|heard|hear|seen|got) (?:any ?more|more|anything|owt|any details"
    r"|what'?s (?:going on|happening)|why|if (?:it|this|that)'?s? (?:is )?true)\W*$"
    r"|\W*(?:can|could) (?:anyone|anybody|someone|somebody) confirm\b[^?]*\?\W*$"
    r"|\W*any (?:news|updates?|info|more info|details)\b[^?]{0,30}\?\W*$"
    r"|\W*(?:is|was) (?:this|it|that) (?:actually |really )?true\W*$",
    re.IGNORECASE,
)


def _told_as_report(sentence: str) -> bool:
    """Whether a sentence reports something for all its "?": told with marks, or asked about."""
    return _incredulous(sentence) or _ASKED_REPORT.match(sentence) is not None


# A report asked about: "Did anyone else get told the freeholder is selling the block?", "has
# anyone heard the pool is shutting?", "anyone else seen that the 42 is being cut?" (what was
# heard is a clause: "has anyone seen the new film?" asks about a film, not a report).
_ASKED_REPORT = re.compile(
    r"\W*(?:so |wait |hang on,? )?(?:(?:did|has|have) )?(?:anyone|anybody|any of you|you guys"
    r"|y'?all)(?: else)? (?:get told|got told|been told|hear|heard|see|seen|read) (?:that )?"
    r"(?:[\w'&\-]+ ){1,6}?(?:is|are|was|were|will|'s|has|have|had|going to|gonna)\b",
    re.IGNORECASE,
)


def _opening_exchange(docs: list[Doc], opening: int | None) -> int | None:
    """In chat, the first reply to the opening when the thread opens as an exchange of claims:
    the poster, someone else with a statement of their own (no cue, no question, no
    acknowledgement), then the poster again with one; None otherwise."""
    if opening is None or not docs[opening].speaker:
        return None
    turns = [
        d
        for d in docs[opening + 1 : opening + 1 + _EXCHANGE_LOOK]
        if not d.comment.is_bot and not d.junk
    ][:2]
    if len(turns) < 2:
        return None
    reply, back = turns
    poster = docs[opening].speaker
    if reply.speaker in (None, poster) or back.speaker != poster:
        return None
    for turn in (reply, back):
        parent = turn.comment.reply_to
        if parent is not None and parent not in (docs[opening].comment.id, reply.comment.id):
            return None
        if (
            turn.off_topic
            or not _counter_claim(turn)
            or read_cue(turn.comment.text, turn.spans, turn.words)[0] is not None
        ):
            return None
    return reply.index


# How many comments after the opening are looked at for its first exchange (bots between).
_EXCHANGE_LOOK = 4


def _back_and_forth(docs: list[Doc], opening: int | None) -> bool:
    """A two-person exchange in chat where each person answers the other with a statement of
    their own (a counter-claim: no cue, not a question, an acknowledgement or junk), both of
    them at least once. Then each turn answers the other, and a counter-claim is disagreement;
    a chat of two people coordinating ("tagging 4.2 now" / "nice, changelog is up") is not."""
    speakers = {d.speaker for d in docs if d.speaker and not d.comment.is_bot}
    if len(speakers) != 2 or any(not d.speaker for d in docs):
        return False
    countering = {
        d.speaker
        for d in docs
        if d.index != opening
        and _counter_claim(d)
        and read_cue(d.comment.text, d.spans, d.words)[0] is None
    }
    return len(countering) == 2


# A turn that acknowledges rather than answers back.
_ACK = re.compile(
    r"\W*(?:nice|ok(?:ay)?|cool|great|perfect|sure|done|sounds (?:good|great)|fine|noted"
    r"|got it|will do|lol|haha|thanks|thank you|ty|cheers)\b",
    re.IGNORECASE,
)


# A first clause that ends in "though" / "tho" ("the old pressings aren't though", "recomp is
# slow af tho. u spend a year ..."): not "even though" or "as though", not a leading "Though,".
_TRAILING_THOUGH = re.compile(
    r"^[^.!?\n]*?(?<!\beven)(?<!\bas)\s+(?:though|tho)\b"
    r"\W*(?:$|[.!,;:)]|\s+(?:lol|lmao|imo|tbh|honestly|ngl)\b)",
    re.IGNORECASE,
)


def _answers_though(doc: Doc) -> bool:
    """Whether a comment's first sentence ends its first clause in "though"."""
    if doc.junk or doc.praise or not doc.spans:
        return False
    b, e = doc.spans[0]
    head = doc.comment.text[b : min(e, b + 300)]
    if "tho" not in (doc.own[: len(head)] if doc.own else head.lower()):
        return False  # most turns: no pattern run (issue 13)
    return _TRAILING_THOUGH.match(head) is not None


# Who chairs: "Chair", "Facilitator (Jo)", "Cllr Moira Bell (chair)", "ines-chair",
# "President Hale", "mod_juniper".
CHAIR_ROLES = r"chair\w*|facilitator|moderator|clerk|convenor|convener|secretary"
_CHAIR_ROLE = re.compile(rf"\b(?:{CHAIR_ROLES}|president)\b|^mod(?:\b|[_.\-])", re.IGNORECASE)
# An opening that sets an agenda item rather than arguing: "Item 4: ...", "Good evening. Item 4
# is the proposal to ...", "Right, next item, the solar panels", "We're on agenda item 7",
# "This session is on recommendation 4", "Minutes of the ...", "Planning application 26/0417".
_AGENDA_HEAD = re.compile(
    # (a few courtesies, each a fixed phrase: a free-text tail under a repeat would let a
    # hostile "welcome welcome ..." take exponential time)
    r"\W*(?:(?:good (?:morning|afternoon|evening)|(?:good )?morning everyone|hi all|hello all"
    r"|right|ok(?:ay)?|so|welcome(?: back)?(?: everyone| all)?)[,.!:]?\s+){0,4}"
    r"(?:item\s+\w+|agenda item|(?:the )?next item|we'?re on (?:agenda )?item|minutes of"
    r"|notes of|planning application|proposal\s+\d+|this session is on"
    r"|the proposal (?:before us|from|is)\b)",
    re.IGNORECASE,
)
# A header line of minutes without an author: "Westbury Parish Council: extraordinary
# meeting, 14 October 2026", "MINUTES OF THE EXTRAORDINARY MEETING OF ...".
_MEETING_HEADER = re.compile(r"[^.!?\n]{0,80}\b(?:meeting|minutes)\b", re.IGNORECASE)
_OWN_PROPOSAL = re.compile(
    r"\b(?:I (?:propose|move|suggest|think|believe|want|support|oppose)|I'?d (?:like to )?propose"
    # ("let's continue", "let's hear from ..." run a meeting; "holiday lets" is a noun)
    r"|we should|let's(?! (?:continue|begin|start|hear|move on|take|get started|break|go round"
    r"|vote|keep (?:it|this) civil)))\b",
    re.IGNORECASE,
)


def agenda_opening(doc: Doc) -> bool:
    """Whether the opening comment only sets the item debated (a chair's or facilitator's
    introduction, a minutes header) without taking a side: it states the question, and its
    author speaks for neither side."""
    if not doc.spans:
        return False
    text = doc.comment.text
    head = text[doc.spans[0][0] : doc.spans[min(len(doc.spans), OPENING_SENTENCES) - 1][1]]
    if _OWN_PROPOSAL.search(head[:600]):
        return False
    if doc.speaker is not None and _CHAIR_ROLE.search(doc.speaker):
        return True  # a chair's "No votes yet, I'd like each of you to say ..." takes no side
    if doc.cue is not None:
        return False
    if _AGENDA_HEAD.match(text, doc.spans[0][0]):
        return True
    if doc.speaker is not None:
        return False
    if _MEETING_HEADER.match(text, doc.spans[0][0]) is not None:
        return True
    # "Ashby Parva Parish Council. Minutes of the meeting held on 4 November.": the body's name,
    # then the header
    (b, e), rest = doc.spans[0], doc.spans[1:2]
    return (
        bool(rest)
        and e - b <= 60
        and _BODY_NAME.match(text, b, e) is not None
        and _MEETING_HEADER.match(text, rest[0][0], rest[0][1]) is not None
    )


# The name of a body, in title case: "Ashby Parva Parish Council.", "St Aldhelm's C of E
# Primary School", "Cresswell Green Residents' Association." (not "Making your bed ...").
_BODY_NAME = re.compile(
    r"[A-Z][\w'\u2019&-]*(?:\s+(?:[A-Z0-9][\w'\u2019&.-]*|of|the|and|for|on|upon|in|&))*"
    r"\s*[.:]?\s*$"
)


# A question that doubts what was said ("really?", "are you sure?", "is that true??"): it asks
# about the claim debated, and a yes to it backs the claim.
_DOUBTS = re.compile(
    r"\W*(?:really|seriously|for real|are you sure|you sure|is (?:that|this|it) (?:true|real"
    r"|right|confirmed)|since when|wait,? what|says who)\W*\?",
    re.IGNORECASE,
)
# Agreement or disagreement with an action named by its verb ("I disagree with banning them",
# "I'm against closing the street", "totally agree with moving it"): the action, not a person.
_ACTION_VOTE = re.compile(
    r"\b(?:(?P<dis>dis)?agree[sd]? with|(?P<against>against|opposed to)|in favou?r of|all for)"
    r"\s+(?:the (?:whole )?idea of\s+)?(?P<verb>(?-i:[a-z]+ing))\b",
    re.IGNORECASE,
)
# (prefilter words of `cues.own_words`, found once per comment: "all for" is looked up apart)
_ACTION_VOTE_WORDS = frozenset(("agree", "against", "opposed", "oppose", "favour", "favor"))
_NOT_ACTIONS = frozenset("everything nothing anything something thing king".split())


def _action_vote(doc: Doc, claim: Claim) -> int:
    """+1 or -1 where a comment's first sentences agree or disagree with the action its claim
    proposes, named by the claim's own verb; else 0. (Called only for a comment with spans that
    holds one of `_ACTION_VOTE_WORDS` or "all for": the pattern is tried at every character.)"""
    text = doc.comment.text
    begin, end = doc.spans[0][0], doc.spans[min(len(doc.spans), OPENING_SENTENCES) - 1][1]
    for found in _ACTION_VOTE.finditer(text, begin, end):
        verb = found.group("verb").lower()
        if verb in _NOT_ACTIONS:
            continue
        stem = root(verb)
        if stem in claim.verbs or stem + "e" in claim.verbs:
            sign = -1 if found.group("dis") or found.group("against") else 1
            return -sign if claim.negated else sign
    return 0


def _counter_claim(doc: Doc) -> bool:
    """A turn that states something: not junk, thanks, praise or an acknowledgement, and not
    only questions."""
    if doc.junk or doc.praise or doc.comment.is_bot or not doc.spans:
        return False
    text = doc.comment.text
    if _ACK.match(text, doc.spans[0][0]):
        return False
    return not all(text[b:e].rstrip(" \"')]").endswith("?") for b, e in doc.spans)


# A question that asks how, what, why ... (not yes or no): its first words, after a sentence
# start or a "noob q:" lead.
OPEN_QUESTION = re.compile(
    r"(?:^|[.!:]\s+|\n)\W*(?:how|what|why|where|when|who|which|whats|what's|hows|how's)\b[^.!?\n]*\?",
    re.IGNORECASE,
)
# Chat asks without a question mark: "anyone want coffee btw", "who's up for nether later".
_ASKS_ANYONE = re.compile(
    r"\W*(?:anyone|anybody|any1|who(?:'?s| is)? (?:up|down|in|coming|wants?)|(?:does|did|is|can)"
    r" (?:anyone|anybody|someone|somebody)|(?:should|shall|can|do) (?:i|we)"
    r"|(?:are|r|did|will) (?:we|u|you|ya|y'?all) (?:doing|going|meeting|playing|still|free"
    r"|around|up for|coming))\b",
    re.IGNORECASE,
)
_AFFIRMS = re.compile(
    r"\b(?:it'?s|its|it is|this is|that'?s|thats|that is)\s+(?:\w+\s+)?(?:real|true|legit"
    r"|happening|confirmed|right|correct)\b",
    re.IGNORECASE,
)
_REPORT_DENIAL = re.compile(
    r"\b(?:fake|false|hoax|debunked|untrue|not true|made up|misinformation|fake news|rumou?r"
    r"|source|sources|confirmed|citation|proof|parody|satire|false alarm|trust me bro"
    r"|stop spreading|who said"
    # ("he told them the opposite today": someone else said otherwise; "I think the opposite"
    # answers the last speaker)
    r"|(?:said|says|told \w+|heard|announced) (?:the )?(?:exact )?opposite)\b",
    re.IGNORECASE,
)


_CORROBORATION = re.compile(
    r"\b(?:heard|hearing|told|saw|seen|read|got) (?:me |us )?(?:the )?same(?: thing)?\b"
    r"|\bcan confirm\b|\bconfirmed by\b|" + CONFIRMED,
    re.IGNORECASE,
)
# Someone who would know, saying so first: "club secretary here.", "mod for his channel here",
# "I work on Inkpad.", "I'm the landlord".
_INSIDER = re.compile(
    r"\W*(?:(?:hi|hey|hello)\W+(?:all|everyone|folks)?\W*)?"
    # (not "same here", "new here", "long time lurker here": they say nothing of who they are)
    r"(?:(?!(?:same|me|i|im|i'm|we|us|not|nothing|nobody|no one|new|still|over|in|out|back"
    r"|everyone|anyone|someone|you|they|it|that|this|lurker|long time|first time)\b)"
    r"[\w'\-]+(?: [\w'\-]+){0,5}(?<!lurker)(?<! round)(?<! around)(?<! near)(?<! from)"
    r"(?<! out)(?<! up)(?<! down)(?<! over)(?<! in) here\s*(?:[.!,:;\-]|$)"
    r"|I (?:work|worked|volunteer) (?:on|at|for|in|there|here)\b"
    r"|(?:I'?m|I am|im) (?:the|a|one of the) (?:owner|manager|mod|moderator|organi[sz]er|secretary"
    r"|chair\w*|head|landlord|dev|developer|maintainer|admin|staff|caretaker|treasurer)\b"
    # ("I'm on the club committee and ...", "i'm on the volunteer patrol up there")
    r"|(?:I'?m|I am|im) on the (?:[\w'\-]+ ){0,2}?(?:committee|board|council|staff|crew|patrol"
    r"|rota|team)\b)",
    re.IGNORECASE,
)
# A report that something ends, closes, is stopped, cancelled or lost.
_ENDS = re.compile(
    r"\b(?:clos(?:e|es|ed|ing|ure)|shut(?:s|ting)?(?: down)?|end(?:s|ed|ing)|stop(?:s|ped|ping)"
    r"|ax(?:e|ed|es|ing)|scrap(?:s|ped|ping)|cancel(?:s|led|ed|ling|ing)?|los(?:e|es|ing)"
    r"|ditch(?:es|ed|ing)?|pull(?:s|ed|ing)? out|going bust|folding|demolish(?:ed|ing)?"
    r"|any ?more|no more|no longer|leav(?:e|es|ing)|quit(?:s|ting)?|retir(?:es|ing))\b",
    re.IGNORECASE,
)
# Saying it goes on: "open mic stays", "we're taking clothes as normal", "still running".
_GOES_ON = re.compile(
    r"\b(?:stays|is staying|are staying|staying (?:open|on)|(?:as|like) (?:normal|usual)"
    r"|business as usual"
    r"|still (?:on|open|running|going|happening|taking|doing|going ahead)|going ahead"
    r"|carr(?:y|ies|ying) on|continu(?:e|es|ing) (?:as|like)|same as (?:always|ever)"
    # ("owner here. We are closed for a new fryer range, back open Saturday 12th")
    r"|back open|re-?open(?:s|ing)? (?:on|this|next|in|from|after|saturday|sunday|monday|tuesday"
    r"|wednesday|thursday|friday|tomorrow))\b",
    re.IGNORECASE,
)
# A report told with incredulous marks ("apparently Hugh is leaving the choir??", "the trip
# is cancelled?!"), not a question: no question word opens it.
_ASKING_LEAD = re.compile(
    r"\W*(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|who|what"
    r"|why|when|where|which|how|any|anyone|anybody|so is|so are)\b",
    re.IGNORECASE,
)


def _incredulous(sentence: str) -> bool:
    """Whether a sentence is a report told with marks: no question word opens it, and its first
    "?" comes in a run of marks ("??", "?!", "!?") that ends the sentence or a word run. Read
    by position, not by a pattern that backtracks over a long run of "!" (issue 10)."""
    q = sentence.find("?")
    if q < 0 or _ASKING_LEAD.match(sentence) is not None:
        return False
    end = q + 1
    while end < len(sentence) and sentence[end] in "?!":
        end += 1
    if end < len(sentence) and not sentence[end].isspace():
        return False
    return end > q + 1 or (q > 0 and sentence[q - 1] == "!")


# Anyone saying it goes on: "trip is on, they're just swapping coach company", "it's still
# going ahead", "not going anywhere" (not "it's on the website": "on" ends a clause).
_STILL_ON = re.compile(
    r"(?:'s|\bis|\bare) (?:still |definitely |deffo |very much |100% )?(?:on(?=\s*(?:[.,;:!]|$))"
    r"|going ahead\b|happening\b)|\bstill (?:on(?=\s*(?:[.,;:!]|$))|going ahead|happening|open)\b"
    r"|\bnot going anywhere\b|\bgoing nowhere\b"
    # ("Mornings stay walk-in. Nothing is ending", "walk ins stay")
    r"|\bnothing(?:'s| is) (?:ending|closing|changing|stopping|shutting|being (?:cut|axed"
    r"|scrapped))\b|\b(?:stays?|staying) (?:open|walk-?ins?|the same|as (?:it is|they are))\b"
    r"|\bwalk-?ins? stay\b"
    # ("the operator put out a statement saying all three routes continue next year")
    r"|\b(?:statement|notice|announcement|update|letter|email)\b[^.!?]{0,80}?\b(?:continu(?:e|es"
    r"|ing)|stay(?:s|ing)? (?:open|on)|(?:is|are) not (?:closing|ending|being (?:axed|cut"
    r"|scrapped)))\b"
    # ("he says the nursery is looking at the scout hut not ours. We're fine")
    r"|\bwe'?re (?:fine|safe|staying|ok|okay)(?=\s*(?:[.,;:!]|$))",
    re.IGNORECASE,
)
# Words that give a view rather than report a fact.
_OPINION_WORDS = re.compile(
    r"\b(?:should|shouldn'?t|must|ought|need to|needs to|i think|imo|imho|in my opinion|overrated"
    r"|underrated|better|worse|best|worst|fine|wrong|right|menace|ridiculous|stupid|pointless"
    r"|unpopular opinion|hot take|change my mind|cmv)\b",
    re.IGNORECASE,
)
# News of an event: a verb in the past, perfect, progressive or future, or a word that passes
# a report on ("apparently", "rumour", "breaking", "closing", "sold", "banned").
_EVENT = re.compile(
    # a headline's future: "Voltkeep to put battery monitor app features behind a subscription"
    r"^\W*(?-i:[A-Z][\w'&.\-]*)(?:\s+(?-i:[A-Z][\w'&.\-]*)){0,3}\s+(?:(?:is |are )?set to|plans? to"
    r"|to)\s+[a-z]+\b|"
    r"\b(?:is|are|was|were|has|have|had|will|got|gets|getting|been|being)\s+(?:\w+\s+)?"
    r"\w+(?:ed|ing|en|ne|wn|lt|ld)\b|'s\s+(?:\w+\s+)?\w+ing\b"
    r"|\b(?:apparently|rumou?rs?|reportedly|breaking|heard|says|said|leaked?|confirmed|announced"
    r"|cancel+(?:ed|ing|s)?|clos(?:ed|ing|es)|shut(?:ting|s)?|sold|axed|scrapped|banned|leaving"
    r"|quit(?:s|ting)?|pulled|acquired|bought|ending|ended|going)\b",
    re.IGNORECASE,
)
# A denial in so many words ("is not", "isnt", "nobody has", "never").
_DENIES = re.compile(
    r"\b(?:not|no one|nobody|never|nothing|no plans?)\b|n'?t\b|\b(?:is|are|was|were|has|have"
    r"|does|do|did)nt\b",
    re.IGNORECASE,
)
# A post telling what someone else holds: "My roommate says a hot dog is a sandwich."
_THIRD_PARTY = re.compile(
    r"\b(?:my|his|her|their|our|a|the) [\w'\-]+ (?:says|said|claims|thinks|reckons|insists)\b"
    r"|\b(?:he|she|they|someone|somebody|people) (?:say|says|said|claim|claims|think|thinks"
    r"|reckons?|insists?)\b",
    re.IGNORECASE,
)
# Words with which someone who would know confirms a report ("sadly yes, we close in June").
_CONFIRMS = re.compile(
    r"\b(?:can confirm|confirm(?:ed|s)?|it'?s true|true|sadly|unfortunately|afraid so|I'?m afraid"
    r"|yes|yep|yeah|correct|right)\b",
    re.IGNORECASE,
)
# Words one of which `_INSIDER` needs, besides "here".
_INSIDER_WORDS = ("i work", "i worked", "i volunteer", "i'm", "im ", "i am")
# Who says they would know: "instructor here", "comms team here", "I work on ...", "I'm on the
# committee" (not "looks good here").
_HERE_ROLE = re.compile(
    r"(?:\w(?:er|or|ist|ian|ant|ent|eer|man|woman|ess)|\b(?:mod|admin|staff|dev|team|council"
    r"|committee|police|comms|crew|landlord|owner|chair|office|desk|hq))\s+here\b"
    r"|^\W*(?:(?:hi|hey|hello)\W+(?:all|everyone|folks)?\W*)?(?:I|I'?m|I am|im)\b",
    re.IGNORECASE,
)
_THANKS_SAID = re.compile(
    r"\b(?:thank|thanks|thx|ty|cheers|kind words|glad"
    r"|ma(?:de|kes?|king) (?:our|my) (?:day|week))\b|\bworking here\b",
    re.IGNORECASE,
)
# The author of a linked article speaking: "Author here.", "I wrote this post".
_AUTHOR_HERE = re.compile(
    r"\W*(?:(?:hi|hey|hello)\W+(?:all|everyone|hn|folks)?\W*)?(?:(?:article |post |blog )?author"
    r" here|(?:I'?m|I am) the (?:author|writer)\b|I wrote (?:this|the) (?:post|article|piece"
    r"|blog post|essay)\b|I wrote this\s*(?:[.!,:;]|$))",
    re.IGNORECASE,
)
# Unsurprised by a report: believes it (`_unsurprised`).
_UNSURPRISED = re.compile(
    r"\W*(?:(?:tbh|honestly|ngl|lol|yeah|yep|sadly|tbf|ha|oh)\W+)?"
    r"(?:(?:(?:it |that |this )?(?:does ?n'?t|dont|doesnt|didn'?t|didnt|would ?n'?t|wouldnt"
    r"|won'?t|wont) surprise me"
    r"|(?:i'?m |im )?not (?:even |at all |one bit )?surprised|no surprise(?:s)?(?: there| here)?"
    r"|(?:not|hardly) surprising|unsurprising"
    r"|sounds about right|(?:i )?(?:knew|called) it|(?:i )?(?:can )?(?:well )?believe it)"
    # ... where the phrase ends its clause: "knew it was fake" knew otherwise
    r"(?:\s+(?:tbh|honestly|ngl|lol|at all|tbf|tho|though|really))?\s*(?:[.!,;:\-\u2013\u2014]|$)"
    r"|(?:i )?(?:would ?n'?t|wouldnt) put it past)",
    re.IGNORECASE | re.MULTILINE,
)
_ROLE = re.compile(r"\s*\([^()]*\)\s*$")  # a role after a name: "R13 (Ramblers)"
_REDDIT_USER = re.compile(r"^(?:/?u/|@)", re.IGNORECASE)
_HANDLE_SPLIT = re.compile(r"[_.\-\d]+")
# A two-letter piece of a handle that is a name people are called by ("elderflower_ed": "ed"),
# not a word chat writes on its own ("ok", "ty", "np", "gg", "rn").
_SHORT_NAME = re.compile(
    r"(?!(?:ok|ty|np|gg|wp|im|id|rn|fr|af|ur|mb|ha|oh|uh|um|hm|ya|ye|lo|xd|og|tf|tb|ig|jk|ik)$)"
    r"[a-z]{2}"
)
# A handle in camel case: its first word ("DanTheLutz", "MossyMaria"), before a capital.
_CAMEL_HEAD = re.compile(r"(?:/?u/|@)?([A-Z][a-z]{2,})(?=[A-Z])")


def _asks(doc: Doc) -> bool:
    """Whether a comment's first sentence asks a question (a "?" followed by a lowercase word
    does not end the sentence: "is it confirmed or not? your headline says so")."""
    if not doc.spans:
        return False
    b, e = doc.spans[0]
    return "?" in doc.comment.text[b:e]


# At most this many distinct role phrases are looked for in one thread's labels.
_ROLE_PHRASES = 32


@dataclass(slots=True)
class _RoleScan:
    """How far one role phrase ("the volunteer") has read a thread's labelled responses, and
    what it found: the response of that role, or that two respondents have it."""

    role: re.Pattern[str]
    read: int = 0  # labelled responses read so far (`_Linker.labelled` is in thread order)
    found: int | None = None
    ambiguous: bool = False


def _previous_speaker(
    docs: list[Doc], doc: Doc, recent: deque[tuple[int, str]], who: str
) -> int | None:
    """The comment a chat message with no link answers: the previous speaker's (the latest
    comment by someone else). A cue never answers a question such as "source?": "Yes, ..." or
    "This is a hoax." after one answers what was asked about."""
    for index, other in reversed(recent):
        if other == who:
            continue
        cue = docs[index].cue
        if cue is not None and cue.kind == "query":
            continue
        return index
    return None
