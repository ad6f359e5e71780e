"""Stage 1: stance cues. What a comment's own words say about what it answers.

A cue is explicit evidence: "I disagree", "No way", "That's wrong", "not true", "fake",
"source?", "I agree", "+1", "This.", "Exactly". Cues count wherever they are in the comment's
own words (a leading quotation of someone else is skipped); the opening sentences weigh more.
Agreement followed by a contrast ("I agree ..., but ...") is a concession: partial disagreement,
with its agreeing clause kept as possible common ground. Which comment a cue answers is the
linking stage's business; this module only reads text.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, replace
from functools import cache

from bot.summarize.literals import (
    Clause,
    FirstWords,
    Openings,
    Test,
    alternatives,
    filterable,
    first_words,
    line_anchored,
    lowercased,
    needs,
    required_clauses,
    test_of,
)
from bot.summarize.offline.model import Cue
from bot.summarize.text import WHOLE, Substrings, word_count
from bot.textfold import fold_chars

OPENING_SENTENCES = 3

_I = re.IGNORECASE

_ADVERBS = (
    r"(?:(?:fully|completely|totally|entirely|strongly|absolutely|really|do|also|mostly|largely|"
    r"certainly|definitely|100%|wholeheartedly|would|tend to|kind of|sort of|somewhat|partly|"
    r"partially|generally|broadly|actually|very much|both) )"
)
# Minutes' votes on the motion, in the third person.
_REPORTED_AGAINST = (
    r"\b(?:he|she|they|I|we) (?:could|can|would|will|did|does|do) ?(?:not|n'?t) support (?:it|the"
    r"|this|a|an|any|such)\b"
    r"|\b(?:spoke|argued|voted|came out|was|were) (?:strongly |firmly )?(?:against"
    r"|opposed to) (?:it|the|this|a|an|any|such)\b|\b(?:spoke|argued|voted) (?:strongly )?against\b"
    # "Cllr Evans said he remained opposed to spending on signs."
    r"|\b(?:he|she) (?:remained|remains|was still|is still) (?:firmly |strongly )?(?:opposed"
    r"|against)\b"
    r"|\b(?:opposed|objected to) (?:the|it|this)\b"
    # "3.2 D. Prentice was against.", "The Treasurer was firmly opposed:"
    r"|\b(?:was|were) (?:strongly |firmly |also )?(?:against|opposed)(?=\s*(?:[.!:;,]|$))"
    # "D. Prentice said his objection stood"
    r"|\b(?:his|her|their) objection (?:stood|still stood|stands|remained)\b"
    # "Cllr Pennock maintained her objection", "he still did not accept it"
    r"|\b(?:maintained|reiterated|restated|repeated) (?:his|her|their) (?:objection|opposition)\b"
    r"|\b(?:he|she) (?:still )?(?:did|could|would) ?(?:not|n'?t) accept (?:it|this|the)\b"
    # "Cllr Pethick said he strongly objected.", "She objected to it."
    # ("they objected" may report residents, not the speaker)
    r"|\b(?:he|she) (?:strongly |firmly )?objected\b"
    # "... does nothing about the noise. Still opposed.", "I remain opposed" (each led by a
    # word, so that the row needs no search at every place)
    r"|\bstill (?:firmly |strongly )?(?:against|opposed|object|objects|oppose)\s*(?:[.!]|$)"
    r"|\b(?:I|we) (?:still )?remain (?:strongly |firmly )?(?:against|opposed)\b"
    # "... does not cover evening travel, so we still oppose closure."
    r"|\b(?:I|we) (?:still|continue to) (?:strongly |firmly )?oppose\b"
    # "asked for her vote against to be recorded", "asked that her objection be minuted"
    r"|\b(?:his|her|their) vote against\b"
    r"|\b(?:his|her|their) (?:objection|opposition|dissent) (?:to )?be (?:minuted|recorded|noted)\b"
    # "Cllr Hewlett said the council could not justify a sum equal to a third of the precept",
    # "Mrs Doyle raised concerns about the cost"
    r"|\bcould(?: not|n'?t) justify (?:it|the|this|that|a|an|such|spending)\b"
    r"|\b(?:raised|expressed|voiced) (?:serious |strong |grave |real )?concerns? (?:about|over"
    r"|that|regarding|at)\b"
)
# "a strong no from me", "big yes from me": a vote said firmly.
_FIRM = r"(?:(?:strong|firm|hard|big|definite|solid|huge|massive) )?"
# A vote cast in so many words, in any sentence: "I'll be voting no.", "I'd vote for it".
_VOTING = (
    r"\bI(?:'ll| will|'d| would|'m| am)? (?:be )?(?:definitely |probably |still |also )?"
    r"vot(?:e|ing) "
)
_VOTING_AGAINST = _VOTING + r"(?:no|against)\b"
_VOTING_FOR = _VOTING + r"(?:yes|for (?:it|this|the (?:proposal|motion|plan|scheme)))\b"
# "changing my vote to yes", "I'm switching my vote to no": a vote, and a change of mind.
_VOTE_CHANGE = r"\b(?:chang|switch)(?:e|es|ed|ing)? my vote to (?:a )?"
_VOTE_CHANGE_FOR = _VOTE_CHANGE + r"(?:yes|for|in favou?r|approve)\b"
# "I was for it, but the numbers changed my mind": now against (and the other way round).
# ("I was against this at first but ...")
# Minutes say it of the speaker: "Cllr Doyle said he had opposed the idea last year, but a
# fenced tent met his concerns and he would support it."
_BEFORE_BUT = (
    r"(?: at first| initially| originally| before| previously"
    r"| last (?:year|time|month|week|season|meeting))?,? but\b"
)
_WAS_FOR = (
    r"\bI was (?:for|in favou?r of|pro) (?:it|this|the \w+)?"
    + _BEFORE_BUT
    + r"|\b(?:I|he|she|they|we) (?:had |'d )?(?:supported|backed) (?:it|this|the \w+)"
    + _BEFORE_BUT
)
_WAS_AGAINST = (
    r"\bI was (?:against|opposed to|anti) (?:it|this|the \w+)?"
    + _BEFORE_BUT
    + r"|\b(?:I|he|she|they|we) (?:had |'d )?(?:opposed|objected to) (?:it|this|the \w+)"
    + _BEFORE_BUT
)
_VOTE_CHANGE_AGAINST = _VOTE_CHANGE + r"(?:no|against|reject)\b"
CONFIRMED = (
    r"\b(?:(?:police|officials?|authorities|(?:the )?council)(?: \w+){0,2}?"
    r"|(?:has|have|'ve|'s|had|is|was)(?: now| just| officially)?(?: been)?|officially|now)"
    r" confirmed\b"
    r"(?!\s+(?:that\s+)?(?:\w+\s+){0,3}(?:not|no|fake|false|a hoax|wrong|untrue)\b)"
)
_REPORTED_FOR = (
    r"\b(?:spoke|argued|voted|came out|was|were) (?:strongly |warmly )?in favou?r\b"
    r"|\b(?:supported|backed|endorsed|welcomed) (?:the|it|this)\b"
    # "The Men's Captain said he could support a six-month trial"
    # ("he would support full uniforms for contests")
    r"|\b(?:he|she|they|we) (?:could|would|will|can) (?:now |still |then |only )?support\b"
    r"(?! for\b)"
    # "with the extra cover and a deposit she was content"
    r"|\b(?:he|she|they) (?:was|were|is|are) (?:now |then )?content\b"
    # "Cllr Amadi moved the proposal.", "Mr Ng seconded the motion." (where an amendment was
    # moved, "the amendment" backs whoever moved it: `linking`)
    r"|\b(?:moved|seconded|tabled) the (?:proposal|motion|amendment|resolution)\b"
    # "3.2 Kerry (Fox and Hounds) seconded and said ...", "Mrs Ahmed seconded."
    # (not "the amendment was not seconded and fell")
    r"|(?<!\bnot )(?<!\bwas )(?<!\bwere )(?<!\bbeen )(?<!\bbe )"
    r"\bseconded(?=\s*(?:[.;:]|,?\s*(?:and|adding|saying|noting)\b|$))"
)
RETRACT = (
    r"\bI(?:'?ll| will)? stand corrected\b|\bI'?(?:ve| have) been had\b"
    r"|\b(?:you'?ve|you have|that'?s|that has|ok,? you'?ve) (?:\w+ )?(?:convinced|persuaded) me\b"
    r"|\b(?:I(?:'ve| have)?|you(?:'ve| have)|(?:that|this|it)(?:'s| has)) changed my mind\b"
    # "the bit about the solar on the depots changed my mind" (not "hasn't changed my mind")
    r"|\b(?:bit|point|argument|evidence|session|thread|data|numbers|figures|article|study|post"
    r"|video|talk|speech)(?: (?:about|on|from) [^.!?]{1,60}?)? (?:really |kind of |kinda )?"
    r"changed my mind\b"
    r"|\bI was (?:for|against|in favou?r of|opposed to) (?:it|this|the \w+)?,? but\b"
    r"|\bI came in (?:against|opposed|sceptical|skeptical|for it|in favou?r)\b"
    r"|\bmy bad\b|\bscratch that\b|(?:^|(?<=[.!?] ))(?:retracted|withdrawn)(?:[.!]+|\s*$)"
    r"|\bsorry for the noise\b|\bI jumped the gun\b|\b(?:that'?s|thats) on me\b"
    # "oh sorry ... my fault", "sorry stan, spread that one without checking", "That'll be
    # what I saw then, sorry"
    r"|\bretracting\b(?!\s+(?:the|a|an|his|her|their|its)\b)|\bmy (?:fault|mistake)\b"
    r"|\b(?:spread|shared|posted|passed on) (?:that|this|it)(?: one)? without checking\b"
    r"|\b(?:that'?ll|that must|must) (?:be|have been) what (?:I|she|he|they|we) (?:saw|heard"
    r"|read|meant)\b"
    r"|\bscrap (?:that|what i said)\b|\b(?:scratch|ignore|forget|disregard) what i said\b"
    # "ignore me then, my cousin must have got it wrong" (not "ignore me if ...")
    r"|\bignore me\b(?!\s+(?:if|when|but|and)\b)"
    r"|\bI'?(?:ll| will) stand down\b|\bI'?(?:ll| will) stop objecting\b"
    r"|\bI(?:'d| would|'ll| will)? (?:withdraw|drop) my objection\b"
    # In minutes: "she withdrew her objection", "he would not stand in the way"
    r"|\b(?:withdrew|dropped) (?:his|her|their) objection\b"
    r"|\bwould(?: not|n'?t| no longer) (?:stand in the way|oppose|object)\b"
    # "Cllr Lunn said that with the grant he would now support it", "Cllr Ibbotson said he had
    # changed his view having heard the club"
    r"|\b(?:would|could|will|can) now (?:support|back|accept|vote for)\b"
    r"|\b(?:changed|changes|changing) (?:his|her|their) (?:view|mind|position)\b"
    r"|\bI take (?:it|that) back\b|\bI was wrong\b|\b(?:chang|switch)(?:e|es|ed|ing)? my vote\b"
    r"|\bmore (?:convincing|persuasive) than I (?:thought|expected)\b"
    r"|\bI(?:'m| am) coming (?:a)?round\b|\b(?:ok|okay|fine),? you win\b"
    # "Retracted.", "retracting my earlier comment"; not "retracted or not, my count is mine"
    r"|^\W*(?:ok,? )?retract(?:ing|ed)?(?:\s*(?:[.!]|$)|\s+(?:my|that|this|what|the above)\b)"
    # "i've switched sides. it's soup", "consider me converted", "you've won me over"
    r"|\bI(?:'ve| have|'m| am)? (?:switched|switching|changed|changing) sides\b"
    r"|\b(?:consider me|I'?m|I am) (?:converted|sold)\b|\bwon me over\b"
    # "You're right, I misread it. I've added a correction to the post."
    r"|\bI(?: must have| must've| clearly| obviously)? (?:misread|misunderstood|misheard)"
    r" (?:it|that|this|the \w+)\b"
)
_RETRACTS = re.compile(RETRACT, re.IGNORECASE | re.M)
# The one who posted a report taking it back: "so probably not ours. my bad", "nvm, false
# alarm", "scratch that" (only read in the poster's own later comments: `linking`).
OWN_RETRACTION = re.compile(
    r"\b(?:my bad|nvm|never ?mind|scratch that|(?:scrap|scratch|forget|disregard) what i said"
    r"|scrap that"
    r"|ignore (?:that|me|my last)|false alarm|i was wrong|i take (?:it|that) back|retracted"
    r"|withdrawn|that'?s on me|jumped the gun|panic over|(?:got|get) the wrong end of the stick"
    # ("tackle shop bloke also told me a 40lb pike lives there so i should have known", "must
    # have got the ballot mixed up", "must have had old news", "that makes me feel so much
    # better": the poster gives the report up)
    r"|should(?:'ve| have) known|(?:got|get|getting) (?:it|that|them|things|the [\w\-]+) mixed up"
    r"|(?:must have|must've) had old news"
    r"|(?:makes|made) me feel (?:so |a lot |loads )?(?:much )?better"
    r"|sorry for (?:the )?(?:panic|confusion|scare|alarm|noise)"
    # "old screenshot, sorry everyone. deleting it from the group", "fine. cormorants.
    # deleting the log"
    r"|sorry (?:everyone|all|guys|folks|y'?all)|deleting (?:it|that|this|the \w+|my \w+)"
    # "oh sorry ... my fault", "sorry stan, spread that one without checking", "Ah shoes.
    # That'll be what I saw then, sorry"
    # "sorry Jo, mate clearly got it wrong" (not "you got it wrong": that denies)
    r"|(?:\bi|my [\w\-]+|mate|friend|source|mum|dad|cousin|uncle|neighbou?r|he|she|they)"
    r"(?: clearly| must have| must've| obviously)? got (?:it|that|this) wrong"
    r"|retracting|my (?:fault|mistake)|(?:spread|shared|posted|passed on) (?:that|this|it)"
    r"(?: one)? without checking|(?:that'?ll|that must|must) (?:be|have been) what"
    r" (?:i|she|he|they|we) (?:saw|heard|read|meant))\b",
    re.IGNORECASE,
)
_RETRACTS_NEEDS = needs(_RETRACTS)


def sentence_like(title: str) -> bool:
    """A title that says something: three words or more, not a channel name. An export's
    "Category / channel" path ("Class / general", "governance / weekly-meeting") is a channel
    name, whatever its word count; a Discord thread whose name is a sentence is a title."""
    if title.startswith("#") or channel_path(title):
        return False
    return sum(1 for w in title.split() if any(c.isalpha() for c in w)) >= 3


def channel_path(title: str) -> bool:
    """Whether a title is an export's "Category / channel" path ("Class / general",
    "governance / weekly-meeting"): where the thread was, not what it says."""
    return " / " in title and all(len(part.split()) <= 2 for part in title.split(" / "))


def retracts(text: str) -> bool:
    """Whether a comment says its author changed their mind ("I stand corrected", "ok I've
    been had", "you've convinced me")."""
    head = fold_chars(text[:600])
    lowered = head.lower()
    if filterable(lowered) and not _RETRACTS_NEEDS(lowered):
        return False  # the words it needs are not there (most comments): no search
    # "he still opposed the idea but would not stand in the way of a trial": no change of view
    return _RETRACTS.search(head) is not None and _STILL_OPPOSED.search(head) is None


_STILL_OPPOSED = re.compile(
    r"\b(?:still|remains?|remained) (?:firmly |strongly )?(?:oppos|against|object)", _I
)


# A later comment that gives the other side the argument: "ok honestly dee has a point, rose on
# ice at a bbq is nice", "ok the schools thing changes it for me", "ok the sponge point got me",
# "ok that i can agree with": from here its author holds the other view.
_CONCEDES = re.compile(
    r"\W*(?:(?:ok(?:ay)?|alright|fine|fair|oh|hmm+|right|ah)\b[^.!?]{0,80}?(?:\b(?:got|have got"
    r"|has got) me\b|\bi can agree with\b)"
    r"|[^.!?]{0,80}?\b(?:i'?m switching|changes? (?:it|things) for me|i'?ll allow it)\b)",
    re.IGNORECASE,
)
_CONCEDES_NEEDS = needs(_CONCEDES)


def concedes(text: str) -> bool:
    """Whether a comment opens by saying the other side changed it for its author ("ok the
    schools thing changes it for me", "the sponge point got me. i'm switching")."""
    head = fold_chars(text[:300])
    lowered = head.lower()
    if filterable(lowered) and not _CONCEDES_NEEDS(lowered):
        return False  # the words it needs are not there (most comments): no search
    return _CONCEDES.match(head) is not None


# Each cue: its kind, words one of which must be in the (lowercased) text for it to match, and
# the pattern. The words are a cheap filter: running every pattern over every comment of a large
# thread costs far more than a few substring tests.
# An objection in so many words: "My worry is they're not proper houses.", "Our main concern is
# the parking." (not "the problem is ...": as often a point for it): a vote against what is
# proposed, not an answer to the last speaker.
_WORRY = (
    r"^\W*(?:my|our) (?:main |only |big |biggest |real |one |first )?(?:worry|concern|fear"
    r"|reservation)s? (?:is|are|would be|here is)\b"
)
_WORRY_OPENING = re.compile(_WORRY, _I)
_CUE_TABLE_ROWS: list[tuple[str, tuple[str, ...], str]] = [
    (
        "disagree",
        ("disagree",),
        # ("I came in ready to disagree but ... got me" was going to, and did not)
        r"(?<!n't )(?<!not )(?<!never )(?<!ready to )(?<!going to )(?<!about to )"
        r"(?<!wanted to )(?<!prepared to )\bdisagree[sd]?\b(?<!agree to disagree)",
    ),
    (
        "disagree",
        ("oppose", "object", "against"),
        r"\bI (?:strongly |firmly |must |would )?(?:oppose|object to)\b"
        r"|\b(?:I'?m|I am) (?:strongly |firmly |totally )?(?:against|opposed to) "
        r"(?:this|it|the|a|an|any|that|these|those|such)\b",
    ),
    # A consultation's vote: "I object.", "Strongly oppose.", "Object.", "We object to it."
    (
        "disagree",
        ("object", "oppose"),
        r"^\W*(?:I |we )?(?:strongly |firmly |must |also |still )?(?:object|oppose)"
        r"(?: (?:to )?(?:it|this|the (?:application|proposal|plan|scheme|order)))?\s*(?:[.!]|$)",
    ),
    (
        "disagree",
        ("against", "opposed"),
        r"^\W*(?:I'?m |I am |we'?re )?(?:strongly |totally |completely |firmly |very much )?"
        r"(?:against|opposed)(?:\W*$|[.!]+\s)"
        r"|^\W*(?:strongly |totally |firmly )(?:against|opposed)\b",
    ),
    # A consultation summary's votes in the third person: "R1, resident. Objects. ...",
    # "Object strongly.", "Supports, though ...".
    (
        "disagree",
        ("objects", "opposes", "object strongly", "oppose strongly"),
        r"^\W*(?:strongly |firmly |also |still )?(?:objects|opposes)\s*(?:[.!]|$)"
        r"|^\W*(?:object|oppose) strongly\s*(?:[.!]|$)",
    ),
    (
        "agree",
        ("supports",),
        r"^\W*(?:strongly |fully |also |broadly )?supports\s*(?:[.!,]|$)",
    ),
    # Minutes in reported speech: "Mr Abara spoke against.", "She opposed the cap."
    (
        "disagree",
        (
            "against",
            "opposed",
            "objected",
            "objection",
            "opposition",
            "accept",
            # (not "justify" or "concern" alone: most texts holding them hold no cue)
            "not justify",
            "n't justify",
            "nt justify",
            "raised",
            "expressed",
            "voiced",
            "vote against",
            "still oppose",
            "still object",
            "continue to oppose",
        ),
        _REPORTED_AGAINST,
    ),
    ("disagree", ("counter",), r"^\W*counter[- ]?(?:point|argument)\b"),
    # "My worry is they're not proper houses.", "Our main concern is the parking.": an
    # objection to what is proposed, in so many words (not "the problem is ...": as often a
    # point for it)
    ("disagree", ("worry", "concern", "fear", "reservation"), _WORRY),
    # Minutes: "Cllr Osei shared that concern": with the one who raised it.
    (
        "agree",
        ("shared th", "shares th", "share th"),
        r"\b(?:shared|shares|share) (?:that|this|the|these|those) (?:concerns?|views?|worry"
        r"|worries|objections?|reservations?)\b",
    ),
    # "Sorry but that's the airline's problem", "I'm sorry love but asking for money is rude",
    # "how is that any better": polite and rhetorical disagreement with what it answers
    (
        "disagree",
        ("sorry", "how is"),
        r"^\W*(?:I'?m |im )?sorry(?:,? (?:love|mate|pal|dude|man|guys|all|folks))?,? but\b"
        r"(?! (?:I|i) (?:can'?t|cannot|couldn'?t) (?:find|see|make|get|attend|come|join)\b)"
        r"|\bhow (?:is|was|would) (?:that|this|it) (?:any |even )?(?:better|different|fair"
        r"|worse)\s*\?",
    ),
    ("disagree", ("vote",), _VOTE_CHANGE_AGAINST),
    ("disagree", ("vote", "voting"), _VOTING_AGAINST),
    ("disagree", ("i was", "supported", "backed"), _WAS_FOR),
    ("agree", ("i was", "opposed", "objected"), _WAS_AGAINST),
    # "a no from me", "still a yes from me" (the sentence patterns hold the bare "no from me").
    # "Still no from me unless ...", "Vote no for me" too.
    (
        "disagree",
        ("from me", "vote no"),
        r"(?:^|[.!?]\s+)\W*(?:so )?(?:still )?(?:a )?" + _FIRM + r"no from me\b"
        r"|\bvote no (?:for|from) me\b",
    ),
    (
        "agree",
        ("from me", "vote yes"),
        r"(?:^|[.!?]\s+)\W*(?:so )?(?:still )?(?:a )?" + _FIRM + r"yes from me\b"
        r"|\bvote yes (?:for|from) me\b",
    ),
    # A rumour's deniers and doubters: "please stop spreading this", "are you sure?", "for
    # real?", "pics or it didn't happen".
    (
        "disagree",
        ("stop spreading",),
        r"\bstop spreading (?:this|that|it|rumou?rs|lies|misinformation|fake news)\b",
    ),
    (
        "query",
        ("you sure", "u sure"),
        r"(?:^|[.!?]\s+)\W*(?:@[\w.\-]+\s+)*(?:are )?(?:you|u) sure\s*\?",
    ),
    ("query", ("for real",), r"(?:^|[.!?]\s+)\W*(?:@[\w.\-]+\s+)*for real\s*\?"),
    # "really? they only refitted it last year", "is that true??"
    (
        "query",
        ("really", "seriously", "that true", "this true", "it true"),
        r"^\W*(?:@[\w.\-]+\s+)*(?:really|seriously|is (?:that|this|it) (?:actually )?true)\s*\?",
    ),
    ("query", ("pics or",), r"\bpics or it didn'?t happen\b"),
    # "in november? theyre in west africa by now. photo?": asks for the picture that would
    # back a sighting.
    (
        "query",
        # (keyed by the word and its "?": "pic" alone is in "topic" and "typical")
        ("photo?", "photos?", "pic?", "pics?", "picture?", "pictures?", "screenshot?"),
        r"(?:^|[.!?]\s+)\W*(?:any |got a |got any |have a |where'?s the )?(?:photos?|pics?"
        r"|pictures?|screenshots?)\?",
    ),
    # "brookvale's site says no restrictions planned": the source people would check says no.
    (
        "disagree",
        ("says no", "said no", "says not", "says nothing", "said nothing", "say no"),
        r"\b(?:site|website|page|notice|account|statement|letter|email|app|board|sign|twitter"
        r"|feed|timetable|calendar)(?:'s)? (?:says|said|say) (?:no|not|nothing)\b",
    ),
    ("disagree", ("agree",), r"\bI (?:do not|don'?t|can'?t|cannot) agree\b"),
    # "Not sure I agree.", "I beg to differ.", "I see it differently.", "That's a myth.",
    # "That's beside the point." ("agree to disagree" is neither: `read_cue` finds no cue)
    (
        "disagree",
        (
            "sure i agree",
            "sure that i agree",
            "sure i do",
            "to differ",
            "differently",
            "myth",
            "beside the point",
        ),
        r"\bnot (?:so |too |entirely |really |quite )?sure (?:that )?I (?:agree|do)\b"
        r"|\bI (?:beg|have) to differ\b|\bI see (?:it|this|that|things) differently\b"
        r"|\b(?:that'?s|that is|it'?s|it is|this is) (?:a |an )?(?:total |complete |common "
        r"|urban |old )?myth\b(?!\s+that\b)|\b(?:that'?s|that is|it'?s|this is) beside the point\b",
    ),
    # "I couldn't disagree more.", "Nobody said that.", "I wouldn't say that."
    (
        "disagree",
        ("disagree more", "nobody", "no one", "no-one", "noone", "say that"),
        r"\bI (?:could ?n'?t|could not) disagree more\b"
        r"|\b(?:no ?one|nobody|no-one) (?:is |was |here is )?(?:saying|said|says) that\b"
        r"|\bI would ?n'?t say that\s*(?:[.!,]|$)|\bI wouldnt say that\s*(?:[.!,]|$)",
    ),
    # "I'm with you on this", "I'm with you there"
    ("agree", ("with you",), r"\bI'?m (?:totally |fully |100% )?with you (?:on|there|here)\b"),
    # "I'm not comfortable with it.", "still not keen on the idea"
    (
        "disagree",
        ("not comfortable", "not keen", "not happy"),
        r"\b(?:I'?m|I am|we'?re|we are) (?:still |really |just |honestly )?not (?:comfortable"
        r"|keen|happy)(?: with| on| about)? (?:it|this|that|the idea|the plan|the proposal"
        r"|the change)\b",
    ),
    # A vote put on the record: "Put that down as one against.", "count me as a yes"
    (
        "disagree",
        ("down as", "count me as", "mark me as"),
        r"\b(?:put|mark|count) (?:me|that|it|us) (?:down )?as (?:a |one |another )?(?:against"
        r"|no|vote against)\b",
    ),
    (
        "agree",
        ("down as", "count me as", "mark me as"),
        r"\b(?:put|mark|count) (?:me|that|it|us) (?:down )?as (?:a |one |another )?(?:for"
        r"|yes|in favou?r|vote for)\b",
    ),
    (
        "disagree",
        ("sure", "convinced", "persuaded"),
        r"\bnot (?:so |too |that |really |entirely |at all )sure\b|\bnot (?:\w+ )?convinced\b"
        r"|\bnot (?:\w+ )?persuaded\b",
    ),
    (
        "disagree",
        ("opposit",),
        r"\b(?:think|believe|would say|'d say|would argue|'d argue|argue) (?:just |quite "
        r"|exactly |rather )?the opposit|\bquite the opposite\b|\bthe opposite is (?:true|the "
        r"case)\b",
    ),
    ("disagree", ("contrary",), r"\bon the contrary\b"),
    # Sarcasm: "yeah right 🙄", "Yeah, right." standing alone (not "yeah right, and ...").
    (
        "disagree",
        ("right",),
        r"^\W*(?:yeah|yea|ya|oh yeah|sure),? right\b(?=[^\w,]*(?:lol|lmao)?[^\w,]*$)",
    ),
    # The courtesy that opens a rebuttal in a meeting: "With respect, that survey was ...",
    # and online: "Respect to you, but ...", "No offence, but ...".
    (
        "disagree",
        ("respect",),
        r"^\W*(?:with (?:the )?(?:greatest |all (?:due )?)?respect|respectfully)\b"
        r"(?!\s+to\s+(?:the|a|an|this|that|these|those|your|our|their|its|my|his|her)\b)"
        r"|^\W*(?:(?:all )?respect to you|no disrespect(?: intended)?),?\s+but\b",
    ),
    ("disagree", ("offence", "offense"), r"^\W*no offen[cs]e(?: intended| meant)?,?\s+but\b"),
    # "that's a decent compromise tbh", "sounds like a sensible middle ground".
    (
        "agree",
        ("compromise", "middle ground", "reasonable", "sensible"),
        r"^\W*(?:(?:that'?s|that is|this is|sounds like|seems like|honestly|ok) )+(?:a |like a )?"
        r"(?:really |pretty |very )?(?:decent|fair|good|reasonable|sensible|solid) (?:compromise"
        r"|middle ground|idea|take|point|shout)\b"
        r"|^\W*(?:that'?s |sounds |seems )?(?:very |pretty )?(?:reasonable|sensible)\W*$",
    ),
    (
        "disagree",
        ("support",),
        r"\b(?:I|he|she|they|we) (?:can'?t|cannot|could ?n'?t|could not|won'?t|will not|would not"
        r"|wouldn'?t|do ?n'?t|do not|does ?n'?t|does not|did ?n'?t|did not) support\b",
    ),
    ("disagree", ("by that logic",), r"^\W*by that logic\b"),
    (
        "disagree",
        # ("a lie", not "lie": that is in "believe", "earlier", "client")
        ("wrong", "incorrect", "false", "untrue", "mistaken", "nonsense", "fake", "hoax", "a lie"),
        r"\b(?:that'?s|that is|this is|you'?re|you are|it'?s|it is|sounds|looks) (?:just "
        r"|simply |completely |totally |plain |plainly |flat out |dead |so |obviously |clearly "
        r"|probably |absolutely )?(?:wrong|incorrect|false|untrue|mistaken|nonsense|fake"
        r"|(?:a |an )?(?:hoax|lie|fake))\b",
    ),
    (
        "disagree",
        ("not true", "not correct", "not right", "not accurate", "not the case", "isn't true"),
        r"\b(?:that'?s|that is|this is|it'?s|it is) not (?:true|correct|right|accurate|the case)"
        r"\b|\bnot (?:true|accurate|the case)\b|\bis ?n'?t (?:true|correct|accurate|the case)\b",
    ),
    (
        "disagree",
        ("evidence", "argument", "proof", "reason"),
        r"(?:n't|\bnot|\bhardly) (?:\w+ ){0,4}?(?:strong|good|convincing|compelling|solid"
        r"|sufficient|enough|real) (?:evidence|argument|proof|reason)"
        r"|\b(?:there is|there's|that's|that is) (?:no|little|zero) (?:\w+ )?evidence\b",
    ),
    (
        "disagree",
        ("see why", "see how"),
        r"\bI (?:just |really |still |simply )?(?:do not|don'?t|can'?t|cannot|fail to) see "
        r"(?:why|how)\b",
    ),
    (
        "disagree",
        ("as far as",),
        r"\bas far as I (?:know|can tell|am aware|'m aware),? (?:there (?:is|are|was|were|has "
        r"been|have been) no|nobody|no one)\b",
    ),
    (
        "disagree",
        ("even if you",),
        r"\beven if you (?:\w+ ){0,2}?(?:hold|believe|think|accept|assume|grant|take|buy)\b",
    ),
    (
        "disagree",
        ("different",),
        r"\bwe (?:\w+ )?have (?:very )?different (?:ideas|views|opinions|definitions)\b",
    ),
    ("disagree", ("think so", "believe so"), r"\bI (?:don'?t|do not) (?:think|believe) so\b"),
    (
        "disagree",
        ("think", "believe"),
        r"^\W*I (?:really |just |honestly )?(?:don'?t|do not) (?:think|believe) (?:that )?"
        r"(?:a|an|the|this|that|it|they|we|banning|making|having|[\w\-]+ing) ",
    ),
    ("disagree", ("buy",), r"\bI (?:don'?t|do not) buy (?:it|that|this|the)\b"),
    ("disagree", ("the point",), r"\b(?:miss(?:es|ing)?|missed) the point\b"),
    (
        "disagree",
        ("straw", "dichotomy", "equivalence", "sequitur"),
        r"\bthat(?:'s| is) (?:a |an )?(?:straw ?man|false dichotomy|false equivalence"
        r"|non[- ]sequitur)\b",
    ),
    ("query", ("citation needed",), r"\bcitation needed\b"),
    # "This needs a source.", "still waiting for official confirmation", "Unverified."
    (
        "query",
        ("a source", "a citation", "confirmation", "unverified"),
        r"\b(?:needs|need|wants) (?:a |an |some )?(?:source|citation)"
        r"(?=\s*(?:[.!?,]|$)|\s+for (?:this|that|it)\b)"
        r"|\b(?:still )?waiting (?:for|on) (?:an? |any )?(?:official |actual |real )?"
        r"(?:confirmation|source|statement)\b|^\W*unverified\b",
    ),
    # A rumour's deniers: "No evidence of this anywhere", "Reports are wrong, he is fine",
    # "Don't believe everything you read".
    (
        "disagree",
        (
            "no evidence",
            "no proof",
            "report is",
            "reports are",
            "report was",
            "reports were",
            "believe everything",
        ),
        r"\bno (?:evidence|proof) (?:of|for) (?:this|that|it|any)\b"
        r"|\b(?:the )?reports? (?:is|are|was|were) (?:wrong|false|untrue)\b"
        r"|\bdon'?t believe everything you (?:read|see|hear)\b",
    ),
    # "since when?? wheres that from": asks where a report comes from.
    (
        "query",
        ("that from", "this from", "since when"),
        r"\bwhere(?:'?s| is| was) (?:that|this) from\b|^\W*since when\b",
    ),
    (
        "query",
        (
            "where did",
            "says who",
            "who said",
            "who says",
            "who told",
            "source",
            "proof",
            "confirm",
            "true?",
            "real?",
            "legit",
            "which",
            "come from",
            "came from",
            "coming from",
        ),
        r"\bwhere did (?:you|they|u|(?:the|your|that|this) (?:[\w'\-]+ ){0,3}?[\w'\-]+) (?:hear"
        r"|read|see|get|find) (?:that|this|it)\b"
        # "which facebook post? the group page says nothing"
        r"|\bwhich (?:facebook |fb |twitter |insta |x |whatsapp )?(?:post|article|email|screenshot"
        r"|tweet|video|page|source|group|notice|paper|website|site|account|news|study|report"
        r"|journal|survey|forecaster|forecast|newspaper|outlet|channel)(?: though| tho| exactly)?"
        r"\s*\?"
        # ("who said?", "who told you that?", "who told you that, i was in there saturday")
        r"|\bsays who\b|\bwho (?:said|says)(?: (?:that|this|so))?\s*\?"
        # ("who said permanently? the notice says until the tests are clear", "who says its
        # closing?": a comment that opens asking who said what the report says)
        r"|^\W*who (?:said|says)(?: [\w'\-]+){1,3}\s*\?"
        r"|\bwho told (?:you|u)(?: (?:that|this|so))?(?=\s*(?:[?,.!]|$))"
        # ("Who told you all of them? The Cancer Research one took a whole wardrobe")
        r"|^\W*who told (?:you|u)(?: [\w'\-]+){1,3}\s*\?"
        # ("Where did this come from?")
        r"|\bwhere (?:did|does|has) (?:this|that|it) (?:come|came) from\b"
        r"|\bwhere(?:'?s| is) (?:this|that) coming from\b"
        r"|\b(?:can|could) (?:anyone|anybody|someone|somebody) (?:actually )?confirm\b"
        r"|\b(?:any|got a|have a|what'?s (?:the|your)|need a|where'?s (?:the|your)"
        r"|is there (?:a|an|any))(?: actual| real| official)?"
        r" (?:source|proof|confirmation|evidence|link)s?\b"
        r"|\bis (?:this|that|it) (?:even |actually |really )?(?:true|confirmed|real|legit)"
        # (chat asks without its "?": "is that confirmed anywhere or just your neighbour")
        r"(?:\s*\?|\s+(?:anywhere|yet|or just|or not)\b)",
    ),
    # "is there anything official or is this all friend of a friend", "any official word?",
    # "anyone actually got the vod link?": asks for what would back a report.
    (
        "query",
        ("official", "got the", "have the"),
        r"\bis there (?:anything|any word|any statement|an announcement) official\b"
        r"|\bany official (?:word|statement|source|announcement|confirmation|post)\b"
        r"|\b(?:anyone|anybody|someone|somebody) (?:actually |even )?(?:got|have) the "
        r"(?:\w+ )?(?:link|source|vod|recording|screenshot|clip|post)\s*\?",
    ),
    ("disagree", ("no way",), r"\bno way\b(?! to\b)"),
    (
        "disagree",
        ("not what", "not how", "waste of", "skill issue", "overrated", "cope"),
        r"\b(?:that|this|it)(?:'s| is) not (?:what|how)\b|^\W*(?:what a |such a |total |complete )?"
        r"waste of (?:money|time|space)\b|\bskill issue\b|^\W*(?:so |massively |hugely )?"
        r"overrated\b|^\W*cope\b",
    ),
    ("disagree", ("debunked",), r"\b(?:been |was |is |already )debunked\b"),
    # "@sarah_t your friend is wrong, police just confirmed it": the source they cited is wrong.
    (
        "disagree",
        ("wrong", "lying", "mistaken", "making it up", "making this up"),
        r"\b(?:your|ur)\s+(?:\w+\s+)?(?:friend|mate|source|sources|mum|mom|dad|brother|sister"
        r"|cousin|neighbou?r|uncle|aunt|colleague|boss|husband|wife|partner|bf|gf)\s+(?:is|was"
        r"|are|were)\s+(?:\w+\s+)?(?:wrong|lying|mistaken|making (?:it|this) up)\b",
    ),
    # "He would say that though wouldn't he": a denial waved away as self-serving.
    (
        "disagree",
        ("would say that", "'d say that", "wud say that"),
        r"\b(?:he|she|they|you|u|it|the council|the company)(?: would|'d| wud) say that\b"
        r"(?!\s+(?:if|because|when)\b)",
    ),
    # "he told them the opposite today": someone who would know said otherwise.
    (
        "disagree",
        ("opposite",),
        r"\b(?:said|says|saying|told (?:us|them|me|him|her|everyone|the \w+)|heard|announced)"
        r" (?:the )?(?:exact |complete |total )?opposite\b",
    ),
    # "source: trust me bro": mocks a claim's source.
    ("disagree", ("trust me bro",), r"\btrust me bro\b"),
    # A rumour called one: "till then it's a rumour", "false alarm".
    (
        "disagree",
        ("rumour", "rumor", "false alarm", "parody"),
        r"\b(?:it'?s|that'?s|this is|it is|that is) (?:just |only |still |all )?(?:a |an )?"
        r"(?:unfounded |baseless )?rumou?r\b|\bfalse alarm\b"
        r"|\b(?:is|it'?s|that'?s|was) (?:a |just a |obviously a |clearly a )?parody\b"
        r"|\bparody (?:account|site|page)\b",
    ),
    (
        "query",
        ("asked", "checked", "confirmed", "verified", "seen"),
        r"\b(?:has|did|have) (?:anyone|anybody|someone|somebody|you) (?:actually |even )?"
        r"(?:asked|checked|confirmed|verified"
        r"|seen (?:this|it|that|anything)\b(?! (?:yet|before)\b))\b",
    ),
    (
        "disagree",
        (
            "confirmed",
            "misinformation",
            "disinformation",
            "misleading",
            "satire",
            "photoshop",
            "doctored",
            "not real",
            "old photo",
            "old video",
        ),
        r"\b(?:unconfirmed|not (?:been )?confirmed|misinformation|disinformation|misleading"
        r"|(?:it'?s|this is|that'?s) (?:a |just )?satire|photoshopped|doctored|not real"
        r"|(?:an? )?old (?:photo|picture|video|pic)\b)",
    ),
    ("disagree", ("doubt",), r"\bI (?:really |seriously |highly |strongly )?doubt\b"),
    ("disagree", ("fake news",), r"\bfake news\b"),
    (
        "disagree",
        ("bullshit", "bs"),
        r"\b(?:that'?s|this is|what|such|total|utter) (?:bs|bullshit)\b",
    ),
    ("disagree", ("makes no sense",), r"\bmakes no sense\b"),
    ("disagree", ("not at all",), r"^\W*not at all\b"),
    ("partial", ("yes and no",), r"\byes and no\b"),
    ("partial", ("of but", "of, but"), r"\b(?:sort|kind) of,? but\b"),
    ("partial", ("up to a point",), r"\bup to a point\b"),
    (
        "partial",
        ("only true", "only the case"),
        r"\b(?:that'?s|that is|it'?s|it is) only (?:true|the case)\b",
    ),
    ("partial", ("extent",), r"\bto (?:some|a certain) extent\b"),
    (
        "partial",
        ("entirely", "completely", "quite", "necessarily", "always"),
        r"\bnot (?:entirely|completely|quite|necessarily|always) (?:true|right|correct|accurate"
        r"|the case)\b",
    ),
    ("agree", ("vote",), _VOTE_CHANGE_FOR),
    ("agree", ("vote", "voting"), _VOTING_FOR),
    # A rumour confirmed: "Police have confirmed it", "it's been officially confirmed".
    ("agree", ("confirmed",), CONFIRMED),
    # "Confirmed on my side.", "confirmed, got the same email": a report backed.
    ("agree", ("confirmed",), r"^\W*confirmed\b(?![\s,]+(?:not|no|fake|false|wrong)\b)"),
    (
        "agree",
        (
            "favour",
            "favor",
            # (not "support" alone: most texts holding it hold no cue)
            "could support",
            "would support",
            "will support",
            "can support",
            "now support",
            "still support",
            "then support",
            "supported",
            "backed",
            "endorsed",
            "welcomed",
            "moved",
            "seconded",
            "tabled",
            "content",
        ),
        _REPORTED_FOR,
    ),
    (
        "agree",
        ("agree",),
        rf"(?<!\bsure )(?<!\bsure that )\bI {_ADVERBS}{{0,2}}agree\b(?! to disagree)",
    ),
    (
        "agree",
        ("agree",),
        # ("honestly agree with ade", "tbh agree with kemi": a filler word first)
        # ("ah ok, agree with Liv then": two of them)
        r"^\W*(?:(?:honestly|tbh|ngl|imo|yeah|yea|ok|okay|lol|lmao|haha|really|def|defo"
        r"|definitely|also|mostly|kinda|gotta|ah|ahh|aah|oh|well|fair|fine|alright)[,!.]?\s+){0,2}"
        r"(?:we )?(?:totally |fully |completely |strongly )?agree\b(?! to disagree)",
    ),
    # "Agreed.", "Mr Castellano agreed with the Head"; not someone else's agreeing ("the rules
    # you agreed to", "as agreed", "we had agreed on Tuesday"), nor a meeting's resolution
    # ("Agreed by majority: a six-month trial", "Agreed unanimously.").
    (
        "agree",
        ("agreed",),
        r"(?<!\byou )(?<!\bu )(?<!\bthey )(?<!\bas )(?<!\bhad )(?<!\bhave )(?<!\bbeen )"
        # ("4.8 Agreed: the two older machines may be lent": the resolution, nobody's view)
        # ("the water company had never agreed to swimming there": nobody's agreement here)
        r"(?<!\bwas )(?<!\bwere )(?<!\bnever )(?<!\bnot )(?<!n't )\bagreed\b"
        r"(?!\s+(?:by|unanimously|nem)\b)(?!\s*:\s)",
    ),
    (
        "agree",
        ("support", "favor", "favour", "endorse", "for it", "for this"),
        r"\bI(?:'d| would)? (?:strongly |fully |wholeheartedly )?(?:support|endorse|favou?r)\b"
        r"|\bI'?m (?:strongly |fully |all |very much )?(?:in favou?r|for it|for this)\b"
        r"|\bI(?:'ll| will|'m| am)? (?:now )?(?:move|moving|switch|switching|come round) to "
        r"(?:supporting|backing)\b",
    ),
    (
        "disagree",
        ("opposing",),
        r"\bI(?:'ll| will|'m| am)? (?:now )?(?:move|moving|switch|switching|come round) to "
        r"opposing\b",
    ),
    ("agree", ("true", "real"), r"^\W*(?:it|this)(?:'?s| is) (?:true|real|legit)\b(?! that)"),
    ("agree", ("agree more",), r"\bcould ?n'?t agree more\b"),
    # "Mags Holloway said she sympathised with Hugh, but ...": a concession when a "but" turns it.
    ("agree", ("sympathi",), r"\bsympathi[sz](?:e|es|ed|ing) with\b"),
    (
        "agree",
        ("point", "saying", "says", "said", "build"),
        r"\bI (?:take|accept|see|hear|understand|get|appreciate) (?:the|your|his|her|their"
        r"|[\w.\-]+'s|[\w.\-]+ [\w.\-]+'s) point\b"
        # "ok I'll concede the solo members point"
        r"|\bI(?:'ll| will)? concede (?:the|your|his|her|their|that|[\w.\-]+'s)(?: [\w\-]+){0,3}"
        r" point\b"
        r"|\bI (?:hear|understand|see|get|appreciate) what (?:\w+ ){1,2}(?:is saying|was saying"
        r"|says|said|means|is getting at)\b"
        r"|^\W*(?:I (?:would|'d) like to )?build(?:ing)? on (?:what|\w+(?: \w+)?'s (?:point|idea"
        r"|comment|remarks?))\b",
    ),
    ("agree", ("board",), r"\bI'?m (?:fully |completely |totally |100% |all |so )?on board\b"),
    ("agree", ("point",), r"\b(?:good|great|fair|excellent|valid|strong) point\b"),
    ("agree", ("well said",), r"\bwell said\b"),
    # "This is the comment that should be pinned", "this should be the top comment"
    (
        "agree",
        ("pinned", "top comment"),
        r"\b(?:should|needs to|deserves to) be (?:pinned|the top comment|top comment)\b",
    ),
    ("agree", ("spot on",), r"\bspot on\b"),
    # "makes sense tbh, they cut 300 jobs", "that makes total sense": not "makes sense if ..."
    (
        "agree",
        ("makes sense", "makes total", "makes perfect", "makes complete"),
        r"^\W*(?:(?:yeah|yep|ok|okay|ah|oh),? )?(?:(?:that|it|this) )?makes"
        r" (?:total |perfect |complete )?sense\b(?!\s+(?:if|when|for|to|in|on|but)\b)",
    ),
    (
        "agree",
        ("right",),
        r"\byou(?:'re| are) (?:absolutely |so |totally |completely |quite |exactly )?right\b"
        # In chat spelling, and about the one answered: "youre right", "ur right", "hes right."
        r"|^\W*(?:youre|ur|u r|hes|he'?s|shes|she'?s|he is|she is|they'?re|theyre) "
        r"(?:absolutely |so |totally |completely |100% )?right\b"
        r"(?! (?:wing|now|about now|there|here|away|behind|next)\b)",
    ),
    ("agree", ("+1",), r"\+1\b(?<![\w+]\+1)"),
    # A project's vote against: "-1 from me.", "-1, the distros still ship it", "-1 to dropping
    # it" (not "-1 degrees tonight", a score "2-1" or "x-1")
    (
        "disagree",
        ("-1",),
        r"(?:^|[.!?]\s+)[^\w\s-]*(?:(?:strong(?:ly)?|big|firm)\s+)?-1"
        r"(?=\s*(?:[,.!:;()]|$|\s+(?:from|to|for|on|here|-|\u2013|\u2014)\s))",
    ),
    # Code review's verdicts: "LGTM", "lgtm, ship it"; "NAK, this breaks the ABI".
    ("agree", ("lgtm",), r"(?:^|[.!?]\s+)\W*lgtm\b"),
    ("disagree", ("nak", "nack"), r"(?:^|[.!?]\s+)\W*(?:nak|nack)\b(?=\s*(?:[,.!:;(]|$))"),
    ("agree", ("same here",), r"\bsame here\b"),
    ("agree", ("same experience",), r"^\W*same experience\b"),
    # An echo: the same happened to them ("Same story with tapes in the 2000s.", "Same.",
    # "me too", "happened to us too").
    (
        "agree",
        ("same", "me too", "us too"),
        r"^\W*(?:same (?:story|problem|issue|boat|with (?:me|us|mine|ours)|for (?:me|us))\b"
        r"|same\W*$|me too\s*(?:$|[.!,])|(?:this |that |it )?happened to (?:me|us) too\b)",
    ),
    # "I came in ready to disagree but the section on testing got me": convinced
    (
        "agree",
        ("disagree", "argue", "object"),
        r"\b(?:ready|going|about|wanted|prepared) to (?:disagree|argue|object)\b[^.!?]{0,40}?"
        r"\bbut\b(?![^.!?]{0,40}\b(?:no|not|didn'?t|don'?t|wasn'?t|isn'?t)\b)",
    ),
    # A change of mind: agrees with whoever corrected them, and from here on the person
    # speaks for the other side (see `sides.build_units`).
    (
        "agree",
        (
            "corrected",
            "been had",
            "convinced me",
            "persuaded me",
            "changed my mind",
            "take it back",
            "take that back",
            "i was wrong",
            "retract",
            "objection",
            "stand in the way",
            "oppose",
            "not object",
            "n't object",
            "withdrawn",
            "sorry for the noise",
            "on me",
            "jumped the gun",
            "scrap that",
            "scrap what",
        ),
        RETRACT,
    ),
    (
        "agree",
        ("argue with", "objection", "disagree"),
        # ("..., that's under a quid a pint. you can't argue with that": their own point)
        r"(?<!\byou )\bcan'?t argue with (?:that|this)\b|^\W*you can'?t argue with (?:that|this)\b"
        r"|\bno objections?\b"
        r"|\b(?:don'?t|do not|can'?t|cannot) disagree\b",
    ),
    (
        "agree",
        ("same", "confirm", "fits", "checks out", "tracks", "adds up"),
        r"\b(?:told|heard|said|got|saw|seen|read|say|says|hearing) (?:me |us |him |her |them )?"
        # "I heard the same", not "they said the same about Bridge St" (an analogy)
        # ("I've seen the same argument made for pedestrians" compares arguments)
        r"(?:the )?same(?: thing)?\b(?! (?:about|of|when|for|with|before|argument|logic|point"
        r"|claim|excuse|reasoning)\b)|\bcan confirm\b"
        r"|(?:^\W*|\bso |\band )(?:it|that|this) (?:fits|checks out|tracks|adds up)\b",
    ),
    (
        "agree",
        ("love", "good idea", "great idea", "sounds good", "fan"),
        r"^\W*(?:I )?(?:love|like) (?:it|this|that|the idea)\b|^\W*(?:(?:that|this)(?:'s| is) a )?"
        r"(?:good|great|brilliant) idea\b|^\W*sounds (?:good|great)\b|\bI'?m (?:a )?(?:big )?fan\b",
    ),
    # "what Bob said", not "that's what they said last year too" (nobody here).
    (
        "agree",
        ("said",),
        # (not '"not leaving" is what Lime said in Tilbury before they left': a report of it)
        r"(?<!\bis )(?<!\bwas )\bwhat (?!(?:they|people|everyone|someone|somebody|others"
        r"|the \w+) )(?:\w+ ){1,2}said\b"
        r"|\bwell said\b",
    ),
    (
        "agree",
        ("right", "true", "correct"),
        r"\bthat'?s (?:exactly |so |very )?(?:right|true|correct)\b",
    ),
]
_CUE_ORDER = {"disagree": 0, "query": 1, "partial": 2, "agree": 3}
_CUE_PATTERNS = [
    (kind, frozenset(words), re.compile(p, _I | re.M)) for kind, words, p in _CUE_TABLE_ROWS
]
# Each row's pattern lowercased, for an ASCII text lowercased (None: the pattern itself).
_CUE_LOWERED = [lowercased(pattern) for _, _, pattern in _CUE_PATTERNS]
# What the first word of a line must be for each row anchored at line starts (`^`), None for
# the other rows (and for one whose first words cannot be told): a comment of one line whose
# opening the guard does not allow skips the row (issue 13).
_CUE_OPENINGS = [
    first_words(pattern) if line_anchored(pattern) else None for _, _, pattern in _CUE_PATTERNS
]
_CUE_WORDS = tuple(sorted({word for _, words, _ in _CUE_TABLE_ROWS for word in words}))
_CUE_WORD_SET = frozenset(_CUE_WORDS)
_CUE_FINDER = Substrings(_CUE_WORDS)  # the words of _CUE_WORDS in a text, in one scan
# A word -> the rows of _CUE_PATTERNS it lets run.
_CUE_ROWS_OF = {w: [r for r, row in enumerate(_CUE_PATTERNS) if w in row[1]] for w in _CUE_WORDS}
AGREE = re.compile("|".join(p for kind, _, p in _CUE_TABLE_ROWS if kind == "agree"), _I | re.M)
_AGREE_LOWERED = lowercased(AGREE)  # for a lowercased ASCII text (`literals.lowercased`)
# Cues that are a whole sentence or its first words; used with match(text, begin, end). A
# leading @mention or filler ("honestly", "lol") may come first.
_LEAD = (
    r"\W*(?:@[\w.\-]+[,:]?\s+)*"
    r"(?:(?:please|oh|ah|ahh|aah|hell|honestly|tbh|imo|lol|haha|well|um|uh|obviously|clearly)\W+)*"
)
_YOU_RIGHT = (
    r"(?:you'?re|youre|ur|u r|you are) (?:(?:totally|absolutely|completely|100%|quite) )?"
    r"(?:right|correct|spot on)\b"
)
# "No, you're right.", "nah ur right": a no that gives way agrees; it is no disagreement, and
# no vote on the question.
_GIVES_WAY = re.compile(_LEAD + r"(?:no|nah|nope)\b[\s,.!]*" + _YOU_RIGHT, _I)
_AGREE_SENTENCE = re.compile(
    # "NTA": Reddit's verdict "not the asshole" sides with the poster (see `named_person`).
    _LEAD + r"(?:(?:exactly|precisely|this|same|so true|true|indeed|correct|yes|yep|yup|yeah|nta"
    r"|absolutely|100%|\^+|\^+ ?this|this,? so much|this is it|bingo|confirmed|definitely"
    r"|same here|agreed|agree|(?:strongly |fully |firmly |very much |wholeheartedly |totally )?"
    r"in favou?r|(?:so )?(?:still )?yes from me"
    r"|(?:so )?still (?:a )?yes"
    r"|(?:wholeheartedly |fully |strongly |totally |100% )?support(?:ed)?"
    # "Strong agree.", "Nailed it.", "Good shout.", "Preach.", "No doubt.", "No argument here."
    r"|strong(?:ly)? agree|nailed it|good shout|preach|big yes(?: from me)?"
    r"|came here to say this|no doubt|no arguments? (?:here|from me)|facts|big facts|true that"
    r"|this is the way)"
    r"(?:\s*[,.!:;]|\s+[-\u2013\u2014]\s|\W*$)"
    r"|I'?m (?:leaning|inclined) (?:towards?|to) (?:a )?yes\b"
    # chat's verdicts: "W take", "good take", "based" (not "based on ...")
    r"|(?:w|good|great|best|solid) take\b|based\b(?!\s+(?:on|in|off|at|around|upon|out)\b)"
    r"|(?:yes|yep|yup|yeah|exactly|precisely|\^+ ?this)\b)",
    _I,
)
# A bare yes or no at the start of a comment is a vote on the question, not an answer to
# whoever spoke last (unless it says "you").
_VOTE = re.compile(
    _LEAD + r"(?:no(?! way)|nope|nah|hell no|absolutely not|definitely not|god no|not again"
    r"|keep it)\b(?!-)",
    _I,
)
# A wish beside a vote: "..., though I'd prefer Fridays only", "but I would rather it ...".
_PREFERS = re.compile(
    r"\b(?:though|although|but)\s+(?:I'?d|I would|we'?d|we would)\s+(?:prefer|rather|like)\b", _I
)
# A vote for a proposal that a "but" or "though" then qualifies ("Support, but phase it in over
# two years", "I support the zone, but only if it runs Monday to Friday", "Supports, though I
# would ask for a limit of two firings a week"): support with a condition, not a concession.
# (Read as concessions, such responses in the read sets were on their camp's side 1 time of 7.)
_SUPPORTS = re.compile(
    _LEAD + r"(?:I(?:'d)? (?:strongly |fully |firmly |wholeheartedly |would |must |do )?"
    r"(?:support|endorse|favou?r)\b|supports?\b|I'?m (?:strongly |firmly |fully |all |very much "
    r"|totally )?in favou?r\b)",
    _I,
)
# Openings that can only be about the claim itself: a rumour's truth, a proposal's merit.
_CLAIM_VOTE = re.compile(
    _LEAD + r"(?:yes|yeah|yep|yup|hell yes|absolutely|definitely|confirmed|can confirm"
    r"|(?:it|this)(?:'?s| is) (?:true|real|legit|fake|false|a hoax)"
    r"|I(?:'d)? (?:strongly |fully |firmly |wholeheartedly |would |must )?"
    r"(?:support|endorse|favou?r|oppose|object to)"
    r"|I'?m (?:strongly |firmly |fully |all |very much |totally )?(?:in favou?r"
    r"|for it|for this|against|opposed)"
    # A deliberation's votes: "Against.", "Still no.", "I'm leaning towards yes", "I have
    # strong reservations".
    r"|(?:strongly |fully |firmly |very much |wholeheartedly |totally |completely )?"
    r"(?:against|opposed|in favou?r)|(?:so )?(?:still )?(?:a )?" + _FIRM + r"(?:no|yes) from me"
    r"|(?:so )?still (?:a )?(?:no|yes)"
    r"|(?:wholeheartedly |fully |strongly |totally |100% )?support(?:ed)?(?=\s*[.!]|\W*$)"
    r"|(?:I |we )?(?:strongly |firmly |also |still )?(?:object|oppose)(?=\s*[.!]|\W*$)"
    r"|(?:strongly |firmly |also |still )?(?:objects|opposes)(?=\s*[.!]|\W*$)"
    r"|(?:object|oppose) strongly(?=\s*[.!]|\W*$)"
    r"|(?:strongly |fully |also |broadly )?supports(?=\s*[.!,]|\W*$)"
    r"|I'?m (?:leaning|inclined) (?:towards?|to) (?:a )?(?:yes|no)"
    r"|I (?:still )?have (?:strong |serious |real |some |grave |major )?(?:reservations|doubts))\b",
    _I,
)
# "No, ..." but not "No-one ...". Short denials that are a whole sentence: "Fake.", "Nah ...".
_DISAGREE_SENTENCE = re.compile(
    # "YTA" / "ESH": Reddit's verdicts against the poster ("you're the asshole", "everyone sucks
    # here"), answering the poster whoever spoke last (see `named_person`).
    _LEAD
    + r"(?:(?:no|wrong|false|fake|hoax|lies|untrue|bs|bullshit|rubbish|nonsense|keep it|yta|esh"
    r"|not true|not really|not at all|hardly|against|opposed|(?:so )?(?:still )?no from me"
    r"|(?:so )?still (?:a )?no|not necessarily|not quite|hmm,? no|hmmm,? no|close,? but no)"
    r"(?:\s*[,.!:;?]|\s+[-\u2013\u2014]\s|\W*$)"
    r"|I'?m (?:leaning|inclined) (?:towards?|to) (?:a )?no\b"
    # "no its true", "no it isn't", "no you're wrong": a no to what was said
    r"|no\b(?=\s+(?:it'?s|its|it is|it isn'?t|it was|that'?s|thats|you'?re|youre"
    r"|they (?:did|do|are|were)|he (?:did|does|is|was)|she (?:did|does|is|was))\b)"
    r"|I (?:still )?have (?:strong |serious |real |some |grave |major )?(?:reservations|doubts)\b"
    r"|I'?m (?:also |still |strongly |firmly )?against (?:it |this )?(?:as well|too)\b"
    # A rumour's deniers: "Highly unlikely.", "Doubt it.", "propaganda".
    r"|(?:(?:highly |very |extremely )?unlikely|doubt (?:it|that)|propaganda|clickbait)"
    r"(?:\s*[,.!:;?]|\W*$)"
    # "Yeah no.", "Hard pass.", "Bad take.", "L take" (not "yeah no worries")
    r"|(?:(?:yeah|yea|ya),? no(?!\W+(?:worries|problem|probs?|doubt)\b)"
    r"|nope|nah|meh|hell no|absolutely not|definitely not|not again|god no|please don'?t"
    r"|I'?d rather not|rather not|bad idea|terrible idea|I'?m not a fan|not a fan"
    # chat's verdicts: "L take", "bad take", "hard disagree", "cap." (a lie), "ratio"
    r"|(?:l|bad|terrible|awful|worst|wrong|hot garbage) take|hard disagree|hard pass"
    r"|cap(?=\s*[.!,]|\W*$)|ratio(?=\s*[.!,]|\W*$))\b"
    # A meeting's rebuttal, at any sentence: "With respect to Ms Marsh, we can't ...", "With
    # respect, ...", "I'd like to answer Patrick directly.", "If I may push back on that."
    # ("with respect to the budget" is "regarding": only a person, by title or capital, counts).
    r"|with (?:all (?:due )?|the greatest |great )?respect(?:\s+to\s+(?:(?:mr|mrs|ms|dr|cllr"
    r"|councillor|trustee|professor|prof|senator|commissioner)\.?\s+)?(?-i:[A-Z])[\w\-]*)?\s*,"
    r"|(?:I'?d like to|I would like to|let me|if I (?:may|might|could)|can I|may I|I want to)\s+"
    r"(?:directly\s+)?(?:answer|respond to|reply to|push back on|challenge|take issue with)\b"
    # A concession that opens the sentence and turns: "I appreciate the data, Superintendent,
    # but ...", "I understand the worry, but ...".
    r"|I (?:appreciate|understand|respect|hear|accept|see|get|know) [^.!?]{0,80}?,\s*but\b)",
    _I,
)
_QUERY_SENTENCE = re.compile(
    _LEAD + r"(?:(?:any|got a|have a|need a)\s+)?(?:source|sources|proof|citation|evidence"
    r"|link|confirmation)s?\s*(?:please|pls|for (?:this|that))?\s*\?+"
    r"|\W*(?:really|seriously|is it)\s*\?+\W*$"
    # A rumour's doubters: "@BBCBreaking Really?" (and in `_CUE_TABLE_ROWS`: "are you sure?",
    # "can anyone confirm?", "pics or it didn't happen").
     + r"|" + _LEAD + r"(?:really|seriously|srsly)\s*\?+\W*$",
    _I,
)
# "thats not watching a film thats skimming it", "It's not a sandwich, it's a taco": names what
# the other calls it otherwise (not "its not the best but its fine": a "but" grants it).
_REFRAME = re.compile(
    r"\W*(?:that'?s|thats|that is|it'?s|its|it is) not (?:(?!but\b)[\w'\-]+ ){0,5}"
    r"(?!but\b)[\w'\-]+[,;:]? (?:that'?s|thats|that is|it'?s|its|it is) (?!not\b)\w"
    # "they're not for teaching technique, they're for getting 7 year olds through the door"
    r"|\W*(?:they'?re|theyre|they are) not (?:(?!but\b)[\w'\-]+ ){0,5}"
    r"(?!but\b)[\w'\-]+[,;:]? (?:they'?re|theyre|they are) (?!not\b)\w",
    _I,
)
_REFRAME_OPENS = frozenset({"th", "it"})
# After an agreement, these turn it into a concession ("I agree ..., but ...").
# A contrast after a comma or dash ("I agree, but", "on board with you - yet"), or within a
# few words of the agreement ("I agree but"); "no one but the police" is not one.
_CONTRAST = re.compile(
    r"(?P<after_comma>(?:[,;:.!]|\s[-\u2013\u2014])\s*(?:but(?! also\b| rather\b)|yet|however"
    r"|though|although|that said|having said that)\b)|^\W*(?:\w+\W+){0,3}?(?P<near>(?:but|yet)\b)"
    r"(?! also\b)",
    _I,
)


def turns_after_comma(text: str, begin: int, end: int) -> bool:
    """Whether `text[begin:end]` turns after a comma ("kayla's right about trying lots of
    series, but thats what the library's for"): what comes before is granted, not agreed."""
    lowered = text[begin:end].lower()
    if filterable(lowered) and not _CONTRAST_NEEDS(lowered):
        return False
    match = _CONTRAST.search(text, begin, end)
    return match is not None and match.group("after_comma") is not None


_CONTRAST_OPENING = re.compile(
    r"\W*(?:but|yet|however|though|still|that said|having said that|then again"
    r"|I (?:do )?still (?:think|believe|say|reckon|prefer|maintain))\b",
    _I,
)
_WEAK_OPENING = re.compile(r"\W*(?:but|however|actually|well,? actually|except)\b", _I)
_CONTRAST_NEEDS = needs(_CONTRAST)

# --- junk and praise -------------------------------------------------------------------------

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"<[@#][!&]?\d+>|<a?:\w+:\d+>|:[a-z0-9_+-]+:|(?<!\w)@[\w.\-]+")
_TEST_POST = re.compile(
    r"\W*(?:test(?:ing|ed)?|asdf\w*|qwerty|ping|lorem ipsum)(?:[\W\d_]|(?:test(?:ing)?))*$", _I
)
_GREETING = re.compile(
    r"\W*(?:hi|hello|hey|hiya|yo|howdy|greetings|gm|welcome|good (?:morning|afternoon|evening"
    r"|night)|sup|wassup)(?:\W+(?:all|everyone|everybody|guys|folks|there|team|y'?all|friends"
    r"|people))?[\W\d_]*$",
    _I,
)
_THANKS_ONLY = re.compile(
    r"\W*(?:thanks?|thank you|thx|ty|cheers|much appreciated)(?:\W+\w+){0,3}[\W_]*$", _I
)
# The greeting and thanks patterns, each with what its first word may be.
_JUNK_OPENED = [(pattern, first_words(pattern)) for pattern in (_GREETING, _THANKS_ONLY)]
PRAISE = re.compile(
    r"\b(?:thank(?:s| you)|kudos|cheers|bravo|(?:great|super|nice|excellent|wonderful|brilliant|"
    r"fascinating|amazing|awesome|fantastic|good|interesting) (?:article|post|piece|read|write-?up|"
    r"work|job|summary|video)|well written|this is (?:fascinating|great|brilliant|amazing)|"
    r"loved (?:this|it|reading))\b",
    _I,
)
_PRAISE_NEEDS = needs(PRAISE)
_PRAISE_WORDS = (
    "thank",
    "kudos",
    "cheers",
    "bravo",
    "article",
    "post",
    "piece",
    "read",
    "write",
    "work",
    "job",
    "summary",
    "video",
    "well written",
    "this is",
    "loved",
)
PRAISE_WORD_SET = frozenset(_PRAISE_WORDS)


# A site's header line copied with the text ("kellan 4 hours ago | parent | next [-]").
_HEADER_LINE = re.compile(
    r"\s*\S+ \d+ (?:second|minute|hour|day|week|month|year)s? ago\b[^\n]*\|[^\n]*$", _I
)


def is_junk(text: str) -> bool:
    """A comment with nothing to quote: a test post ("Test 123141235"), a greeting, a bare link,
    an emoji or a mention alone, thanks alone, or fewer than two words once those are removed."""
    if len(text.split(None, 12)) > 12:  # more than 12 words (no list of them all)
        return False  # every kind of junk is short; this keeps long threads cheap
    if _HEADER_LINE.match(text):
        return True
    bare = text
    # (each pattern searched only where it can match: led by classes and a lookbehind, the
    # mention pattern is tried at every position; most short comments hold neither)
    if "http" in bare or "www." in bare:
        bare = _URL.sub(" ", bare)
    if "@" in bare or ":" in bare or "<" in bare:
        bare = _MENTION.sub(" ", bare)
    bare = bare.strip()
    if word_count(bare) < 2:
        return True
    if _TEST_POST.match(bare):
        return True
    # A greeting and thanks open with their words (`first_words`): no match tried elsewhere.
    lead, word = _OPENING_WORD.match(bare).group(1, 2)  # type: ignore[union-attr]
    opening = (lead, word.lower()) if word and lead.isascii() and word.isascii() else None
    return any(
        (guard is None or opening is None or guard.allows(*opening)) and pattern.match(bare)
        for pattern, guard in _JUNK_OPENED
    )


def is_praise(text: str, words: frozenset[str] | None = None) -> bool:
    """Whether `text` thanks or praises (`PRAISE`). `words`, when given, is `own_words` of an
    ASCII `text` whose own sentences are all of it but white space (no leading quotation)."""
    if words is not None and words.isdisjoint(PRAISE_WORD_SET):
        return False
    lowered = text.lower()
    if words is None and not any(word in lowered for word in _PRAISE_WORDS):
        return False
    if filterable(lowered) and not _PRAISE_NEEDS(lowered):
        return False  # the pattern cannot match: skip the search
    return PRAISE.search(text) is not None


# --- cues ------------------------------------------------------------------------------------


def find_cues(
    text: str, begin: int, words: frozenset[str] | None = None, own: str = ""
) -> list[tuple[int, str]]:
    """(position, kind) of every agreement or disagreement cue in `text[begin:]`, in order; at
    one position disagreement wins ("I don't agree" is never read as agreement). `words`, when
    given, is `own_words` of `text[begin:]` (the prefilter words it holds, found once); `own`,
    when given with them, is ``text[begin:].lower()`` (`Doc.own`)."""
    if words is None:
        lowered = text[begin:].lower()
        plan = _plan_of(frozenset(_CUE_FINDER.found_in(lowered)))
    else:
        plan = _plan_of(words & _CUE_WORD_SET)
        if not plan:
            return []  # no cue word: no pattern may run (four comments in ten on the bench)
        lowered = own or text[begin:].lower()
    hits: list[tuple[int, int, str]] = []
    exact = filterable(lowered)
    if begin and text[begin - 1] != "\n":
        # The words start mid-line (after "R1 (resident): "): they start a line of their own,
        # for the patterns anchored at one.
        source, offset, start = text[begin:], begin, 0
    else:
        source, offset, start = text, 0, begin
    opening: tuple[str, str] | None = None  # the lead and first word of the one line, if known
    opened = False  # whether `opening` has been read
    # An ASCII source is searched lowercased, by the patterns' lowercased forms (the same
    # matches at the same offsets, with no case folding per character: `literals.lowercased`).
    searched: str | None = None
    if source.isascii():
        searched = lowered if offset or not begin else source.lower()
    for row, test, order, kind, pattern, variant, anchored in plan:
        guard = _CUE_OPENINGS[row]
        if guard is not None:
            if not opened:
                opening, opened = _line_opening(source, start), True
            # Only the line starting at `start` (the only one) may hold a match, at its start.
            if opening is not None and not guard.allows(*opening):
                continue
        if exact and test is not None and not test(lowered):
            if not anchored:
                continue  # the pattern cannot match: skip the search
            # Only an alternative anchored at line starts may match: on one line, at its start.
            if not opened:
                opening, opened = _line_opening(source, start), True
            for needed, allowed in anchored:
                if (opening is None or allowed.allows(*opening)) and (
                    needed is None or needed(lowered)
                ):
                    break
            else:
                continue
        if searched is not None and variant is not None:
            for match in variant.finditer(searched, start):
                hits.append((offset + match.start(), order, kind))
        else:
            for match in pattern.finditer(source, start):
                hits.append((offset + match.start(), order, kind))
    hits.sort()
    out: list[tuple[int, str]] = []
    for at, _, kind in hits:
        if not out or out[-1][0] != at:
            out.append((at, kind))
    return out


def _line_opening(source: str, start: int) -> tuple[str, str] | None:
    """The lead and the first word (lowercased) of `source` from `start`, the start of a line,
    where that line is the last and they are ASCII: what a guard of a pattern anchored at line
    starts is asked about (`first_words`). None elsewhere (no guard holds)."""
    if source.find("\n", start) >= 0:
        return None
    lead, word = _OPENING_WORD.match(source, start).group(1, 2)  # type: ignore[union-attr]
    if word and lead.isascii() and word.isascii():
        return lead, word.lower()
    return None


# One row of a plan: the row, what its pattern still needs (None: nothing, the cue words hold
# it), its kind's order and kind, its pattern and lowercased pattern, and for a row whose
# pattern is a choice, the alternatives anchored at line starts that may still match, each with
# what it needs and its first words (only they may match where the test says none may).
_Anchored = tuple[tuple[Test | None, FirstWords], ...]
_PlanRow = tuple[int, Test | None, int, str, re.Pattern[str], re.Pattern[str] | None, _Anchored]
# The plan a set of cue words lets run, per set: comments hold few distinct sets of cue words.
_PLAN_OF_SET: dict[frozenset[str], list[_PlanRow]] = {}
_MAX_SETS_REMEMBERED = 50_000  # a bound for a long-running process
# The tests of the clauses left of a row's, per row and clauses (few distinct ones).
_TEST_OF_CLAUSES: dict[tuple[int, tuple[Clause, ...]], Test] = {}


def _never(_lowered: str) -> bool:
    return False


# The cue words in one string (a string holds none of the separator), and where each starts.
_CUE_WORDS_JOINED = "\x00".join(_CUE_WORDS)
_CUE_WORD_STARTS = list(itertools.accumulate((len(w) + 1 for w in _CUE_WORDS[:-1]), initial=0))


@cache
def _row_clauses(row: int) -> list[tuple[Clause, frozenset[str], dict[str, frozenset[str]]]]:
    """What a row's pattern needs in the lowercased text before it can match (`literals`:
    thorough, since "which" starts many sentences that ask for no source), read on first use:
    its clauses, each with the cue words that hold one of its strings (the clause holds where
    one of them is found) and its strings that hold cue words, with the cue words each holds
    (each is there only where they all are)."""
    return [_held(clause) for clause in required_clauses(_CUE_PATTERNS[row][2], thorough=True)]


_Held = tuple[Clause, frozenset[str], dict[str, frozenset[str]]]


def _held(clause: Clause) -> _Held:
    """A clause, the cue words that hold one of its strings, and its strings that hold cue
    words, with the cue words each holds (`_row_clauses`)."""
    holders: set[str] = set()
    for string in clause:
        at = _CUE_WORDS_JOINED.find(string)
        while at >= 0:
            holders.add(_CUE_WORDS[bisect.bisect_right(_CUE_WORD_STARTS, at) - 1])
            at = _CUE_WORDS_JOINED.find(string, at + 1)
    holding = {s: frozenset(held) for s in clause if (held := _CUE_FINDER.found_in(s))}
    return clause, frozenset(holders), holding


@cache
def _row_alternatives(row: int) -> list[tuple[list[_Held], FirstWords | None]] | None:
    """A row whose pattern is a choice of alternatives (`literals.alternatives`): each
    alternative's clauses, as `_row_clauses` gives a row's, and the first words it may open with
    where it is anchored at line starts (a guard that allows every line where it is None).
    None for the other rows, and for one anchored as a whole (`_CUE_OPENINGS` guards it)."""
    choices = alternatives(_CUE_PATTERNS[row][2], thorough=True)
    if choices is None or _CUE_OPENINGS[row] is not None:
        return None
    return [([_held(clause) for clause in choice.clauses], choice.opening) for choice in choices]


def _cut(clauses: list[_Held], present: frozenset[str]) -> list[tuple[Clause, Clause]] | None:
    """The clauses still to be looked for once the cue words `present` are known (`_plan_of`),
    each with the clause it was cut from: the clauses of fewest strings first, those with a
    string of cue words found last (likely there); None when one can no longer hold."""
    left: list[tuple[bool, int, Clause, Clause]] = []
    for whole, holders, holding in clauses:
        if not holders.isdisjoint(present):
            continue  # a cue word found holds one of its strings
        clause = tuple(s for s in whole if s not in holding or holding[s] <= present)
        if not clause:
            return None
        left.append((any(s in holding for s in clause), len(clause), clause, whole))
    left.sort(key=lambda c: c[:2])
    return [(clause, whole) for _, _, clause, whole in left]


def _choice_tests(
    choices: list[tuple[list[_Held], FirstWords | None]], present: frozenset[str]
) -> tuple[Test, _Anchored] | None:
    """What a row whose pattern is a choice of alternatives (`_row_alternatives`) needs once the
    cue words `present` are known: a test that one of the alternatives not anchored at line
    starts may match, and each anchored one that may, with its test and the first words it may
    open with. None where one of them needs nothing more (the row's clauses may say more).
    Each alternative is read alone, a tighter test than the row's clauses ("i take ... point"
    and "i concede ... point" both hold " point")."""
    free: list[Test] = []
    anchored: list[tuple[Test | None, FirstWords]] = []
    for clauses, opening in choices:
        left = _cut(clauses, present)
        if left is None:
            continue  # this alternative cannot match
        test = test_of([c for c, _ in left], [w for _, w in left]) if left else None
        if opening is not None:
            anchored.append((test, opening))
        elif test is None:
            return None
        else:
            free.append(test)
    if not free:
        return _never, tuple(anchored)
    return (free[0] if len(free) == 1 else _any_of(free)), tuple(anchored)


def _any_of(tests: list[Test]) -> Test:
    def test(lowered: str) -> bool:
        for each in tests:
            if each(lowered):
                return True
        return False

    return test


def _plan_of(present: frozenset[str]) -> list[_PlanRow]:
    """The rows of `_CUE_PATTERNS` that the cue words `present` let run, in order, each with
    what it needs once the cue words are known (issue 13): `present` is every cue word in the
    text, so a clause with a string inside one of them holds already, and a string holding a cue
    word that is not there is not there either (a clause left with no string: `_never`)."""
    plan = _PLAN_OF_SET.get(present)
    if plan is None:
        if len(_PLAN_OF_SET) >= _MAX_SETS_REMEMBERED:
            _PLAN_OF_SET.clear()
        plan = []
        for row in sorted({row for word in present for row in _CUE_ROWS_OF[word]}):
            # (each clause left, with the clause of the row it was cut from)
            left: list[tuple[Clause, Clause]] = []
            likely: list[tuple[Clause, Clause]] = []  # with a string of cue words found: last
            for whole, holders, holding in _row_clauses(row):
                if not holders.isdisjoint(present):
                    continue
                clause = whole
                for held in holding.values():
                    if not held <= present:
                        clause = tuple(
                            s for s in whole if s not in holding or holding[s] <= present
                        )
                        break
                if any(s in holding for s in clause):
                    likely.append((clause, whole))
                else:
                    left.append((clause, whole))
            # ("which " is in every text "which" is in: "post" or ... is looked for first)
            left += likely
            test: Test | None = None
            anchored: _Anchored = ()
            if any(not clause for clause, _ in left):
                test = _never
            elif (choices := _row_alternatives(row)) is not None and (
                tests := _choice_tests(choices, present)
            ) is not None:
                test, anchored = tests
            elif left:
                key = (row, tuple(clause for clause, _ in left))
                test = _TEST_OF_CLAUSES.get(key)
                if test is None:
                    test = _TEST_OF_CLAUSES[key] = test_of(list(key[1]), [w for _, w in left])
            kind, _, pattern = _CUE_PATTERNS[row]
            plan.append((row, test, _CUE_ORDER[kind], kind, pattern, _CUE_LOWERED[row], anchored))
        _PLAN_OF_SET[present] = plan
    return plan


def _sentence_cues(
    text: str, spans: list[tuple[int, int]], words: frozenset[str] | None = None, own: str = ""
) -> tuple[list[tuple[int, int, str]], tuple[bool, ...]]:
    """(sentence, position, kind) of every cue in the sentences `spans` of `text`, sorted; and
    which of `_OPENING_PATTERNS` may match the first sentence (its opening allows). `own`, when
    given, is ``text[spans[0][0] :].lower()`` (`Doc.own`)."""
    if not spans:
        return [], _ALL
    found: list[tuple[int, int, str]] = []
    cues = find_cues(text, spans[0][0], words, own)
    if cues:
        ends = [e for _, e in spans]
        for at, kind in cues:
            k = min(bisect.bisect_right(ends, at), len(spans) - 1)
            found.append((k, at, kind))
    plain = text.isascii()
    which, of, other, none = _WHICH, _OF, _OTHER, _NONE
    first = _ALL
    for k, (b, e) in enumerate(spans):
        # The sentence's first word says which of the patterns can match (`first_words`): most
        # sentences skip all three (issue 13).
        if plain and of is not None and text[b].isalnum():
            # No lead (most sentences): the first word alone, looked up.
            can = of.get(_WORD_RUN.match(text, b, e).group().lower(), other)  # type: ignore[union-attr]
            if not k:
                first = can
            if none and can is other:
                continue
        else:
            opening = _OPENING_WORD.match(text, b, e)
            lead, word = opening.group(1, 2)  # type: ignore[union-attr]  # it matches "" at least
            if word and (plain or opening.group().isascii()):  # type: ignore[union-attr]
                can = (
                    which(lead, word.lower()) if lead or of is None else of.get(word.lower(), other)
                )
            else:
                can = _ALL
            if not k:
                first = can
        if can[0] and _DISAGREE_SENTENCE.match(text, b, e):
            found.append((k, b, "agree" if _GIVES_WAY.match(text, b, e) else "disagree"))
        elif can[1] and _QUERY_SENTENCE.match(text, b, e):
            found.append((k, b, "query"))
        elif can[2] and _AGREE_SENTENCE.match(text, b, e):
            found.append((k, b, "agree"))
    # At one position disagreement wins: "Yes and no." is partial, not agreement.
    if len(found) > 1:
        found.sort(key=lambda f: (f[0], f[1], _CUE_ORDER[f[2]]))
    return found, first


# A sentence's leading non-word characters and first word, and what first words each sentence
# pattern allows (generated from the patterns, so that they never disagree).
_OPENING_WORD = re.compile(r"(\W*)(\w*)")
_WORD_RUN = re.compile(r"\w*")  # `_OPENING_WORD`'s word where no lead comes first
# The three sentence patterns, then the patterns `read_cue` matches at the first sentence only
# (whose openings the same look-up tells: no run where the first word rules them out).
_OPENING_PATTERNS = (
    _DISAGREE_SENTENCE,
    _QUERY_SENTENCE,
    _AGREE_SENTENCE,
    _WEAK_OPENING,
    _CLAIM_VOTE,
    _VOTE,
)
_SENTENCE_OPENINGS = Openings([first_words(p) for p in _OPENING_PATTERNS])
_ALL = (True,) * len(_OPENING_PATTERNS)
_WHICH = _SENTENCE_OPENINGS.which
_OF, _OTHER = _SENTENCE_OPENINGS.by_word()  # `which` of a sentence with no lead (most)
_NONE = not any(_OTHER)  # a first word no pattern opens with rules out all of them


_PLUS_ONE_TO_A_THING = re.compile(r"\+1\s+(?:to|for)\s+(?:the|a|an|this|that|more|less)\b", _I)
# Disagreement about the topic rather than with someone, unless it says "you".
_TOPICAL = (
    "see why",
    "see how",
    "as far as",
    "evidence",
    "doubt",
    "argument",
    "proof",
    # ("My worry is they're not proper houses": about what is proposed, not the last speaker)
    "worry is",
    "worries are",
    "concern is",
    "concerns are",
    "fear is",
    "reservation is",
)
_SECOND_PERSON = re.compile(r"\byou(?:r|rs|'re|'ve|'d)?\b")


def _says_you(lowered: str) -> bool:
    """Whether a lowercased text says "you" (the search runs only where it can match)."""
    return "you" in lowered and _SECOND_PERSON.search(lowered) is not None


def _weight(sentence: int) -> float:
    if sentence == 0:
        return 1.0
    return 0.7 if sentence < OPENING_SENTENCES else 0.5


# Support for or opposition to a proposal, in any sentence: "I support the full-day policy.",
# "But I am against a council." It is a vote on the question, not an answer to the last speaker
# or to the person a reply names ("@Dmitri the tiebreaker is the bottleneck. I support the
# council.").
_THING_VOTE = re.compile(
    r"\bI(?:'d| would)? (?:strongly |fully |firmly |wholeheartedly |still |do |now )?(?:support"
    r"|oppose|endorse|favou?r) (?:it\b|(?:the|this|a|an|any)\b(?! (?:\w+ )?(?:point|view"
    r"|comment|idea of \w+)s?\b))"
    # "I'll move to supporting it", "I'm switching to opposing the plan"
    r"|\bI(?:'ll| will|'m| am)? (?:now )?(?:move|moving|switch|switching|come round) to "
    r"(?:supporting|opposing|backing) (?:it\b|(?:the|this)\b)"
    r"|\b(?:I'?m|I am) (?:strongly |firmly |fully |totally |very much |still )?"
    r"(?:against|opposed to|in favou?r of) (?:the|this|a|an|any)\b"
    # "... Vote no for me": a vote, wherever it comes
    r"|\bvote (?:no|yes) (?:for|from) me\b|"
    + _REPORTED_AGAINST
    + "|"
    + _REPORTED_FOR
    + "|"
    + _VOTING_AGAINST
    + "|"
    + _VOTING_FOR
    + "|"
    + _VOTE_CHANGE_FOR
    + "|"
    + _VOTE_CHANGE_AGAINST
    + "|"
    + _WAS_FOR
    + "|"
    + _WAS_AGAINST,
    _I,
)

_THING_VOTE_CLAUSES = required_clauses(_THING_VOTE)
_THING_VOTE_NEEDS = test_of(_THING_VOTE_CLAUSES)


class _NeedsByWords:
    """What a pattern needs (`needs`) in a part of a text whose prefilter words (`own_words`)
    are known: less the strings that hold a prefilter word the text does not hold, which no
    part of it holds either (issue 13: "I agree. ..." leaves few of "I support", "voted
    against", ... to look for). One test per set of such words, kept."""

    def __init__(self, clauses: list[Clause], test: Test) -> None:
        self._clauses = clauses  # `required_clauses` of the pattern
        self._test = test  # `test_of(clauses)`
        self._held: list[dict[str, frozenset[str]]] | None = None
        self._words: frozenset[str] = frozenset()  # the prefilter words its strings hold
        self._tests: dict[frozenset[str], Test] = {}

    def __call__(self, words: frozenset[str]) -> Test:
        if self._held is None:  # on first use (no cost at import)
            finder = _own_words_finder()
            self._held = [
                {s: frozenset(held) for s in clause if (held := finder.found_in(s))}
                for clause in self._clauses
            ]
            self._words = frozenset().union(*(h for c in self._held for h in c.values()))
        key = words & self._words
        test = self._tests.get(key)
        if test is None:
            if len(self._tests) >= _MAX_SETS_REMEMBERED:
                self._tests.clear()
            left = [
                tuple(s for s in clause if s not in held or held[s] <= key)
                for clause, held in zip(self._clauses, self._held, strict=True)
            ]
            if any(not clause for clause in left):
                test = _never
            else:
                test = self._test if left == self._clauses else test_of(left, self._clauses)
            self._tests[key] = test
        return test


_THING_VOTE_BY_WORDS = _NeedsByWords(_THING_VOTE_CLAUSES, _THING_VOTE_NEEDS)


def read_cue(
    text: str, spans: list[tuple[int, int]], words: frozenset[str] | None = None, own: str = ""
) -> tuple[Cue | None, bool]:
    """The stance cue of a comment whose own sentences are `spans`, and whether it holds any
    disagreement cue at all. The first cue decides (the opening sentences weigh more than later
    ones); agreement turned by a contrast or a later disagreement is a concession. `words`, when
    given, is `own_words(text, spans)`; `own`, when given with them, is `Doc.own` (an ASCII
    text's own sentences lowercased)."""
    if not spans:
        return None, False
    folded = fold_chars(text[: spans[-1][1]])
    found, opening = _sentence_cues(folded, spans, words, own)
    if not found:
        b, e = spans[0]
        if opening[3] and _WEAK_OPENING.match(folded, b, e):
            return Cue(-1, 0.35, "contrast", weak=True), False
        if folded[b : b + 2].lower() in _REFRAME_OPENS and _REFRAME.match(folded, b, e):
            # "thats not watching a film thats skimming it": calls it something else. (Read
            # here, on a first sentence that opens with "that" or "it", rather than as a cue
            # row: "it's not" is in too many comments for a row keyed by it, issue 13.)
            return Cue(-1, _weight(0), "disagree"), True
        return None, False
    disagrees = any(kind != "agree" for _, _, kind in found)
    k, at, kind = found[0]
    cue, disagrees = _first_cue(folded, spans, found, disagrees)
    b, e = spans[0]
    if k == 0 and cue.sign > 0 and _sarcastic(folded, b, spans[-1][1]):
        # "yeah because console players never cheat 🙃", "oh yes nothing says relaxing flight
        # like ...": the yes mocks what it answers.
        return Cue(-1, _weight(0), "disagree"), True
    if cue.kind == "concession" and (
        # "Supports, though I'd prefer Fridays only.": a vote with a wish beside it
        (
            k == 0
            and opening[4]
            and _CLAIM_VOTE.match(folded, b, e)
            and _PREFERS.search(folded, b, e)
        )
        # "Support, but phase it in over two years", "R4, resident. Supports, though ...": the
        # sentence that turns opens with a vote for the proposal: support with a condition
        or (k < OPENING_SENTENCES and _SUPPORTS.match(folded, spans[k][0], spans[k][1]))
    ):
        cue = Cue(+1, _weight(k), "agree", agreement=cue.agreement)
    if (
        k == 0
        and cue.kind in ("agree", "disagree")
        and (opening[4] or opening[5])  # (the first word lets one of them match)
        and not _says_you(own[: e - b] if own else folded[b:e].lower())
    ):
        if opening[4] and _CLAIM_VOTE.match(folded, b, e):
            cue = replace(cue, vote=2)
        elif opening[5] and _VOTE.match(folded, b, e) and not _GIVES_WAY.match(folded, b, e):
            cue = replace(cue, vote=1)
    if k == 0 and cue.kind == "disagree" and _WORRY_OPENING.match(folded, b, e):
        cue = replace(cue, vote=2, addressed=False, about_claim=True)
    if cue.kind in ("agree", "disagree", "concession") and cue.vote != 2:
        b, e = spans[k]
        start = spans[0][0]
        sentence = own[b - start : e - start] if own else folded[b:e].lower()
        thing = None
        test = _THING_VOTE_NEEDS if words is None else _THING_VOTE_BY_WORDS(words)
        if not filterable(sentence) or test(sentence):  # else it cannot match
            thing = _THING_VOTE.search(folded, b, e)
        if thing is not None and thing.start() <= at + 2:
            if cue.kind == "concession" and _CONTRAST.search(folded[thing.end() : e]) is None:
                # "I support the proposal. ... I don't see why we'd allow more of that.": a vote
                # in so many words is not turned by a later sentence arguing against the other
                # side; only a "but" in its own sentence turns it.
                cue = Cue(+1, _weight(k), "agree", agreement=cue.agreement)
            if cue.kind != "concession":
                cue = replace(cue, vote=2, addressed=False, about_claim=True)
    return cue, disagrees


# A mocking yes: "oh yes nothing says relaxing like ...", "yeah as if", or a yes that ends on
# an upside-down face or "/s" ("yeah because console players never cheat 🙃"). A plain "yes,
# because ..." is as often meant: no mark, no mockery.
_SARCASM_OPENING = re.compile(
    _LEAD + r"(?:yes|yeah|yea|yep|sure|right|totally|great)\W{0,3}\s*(?:nothing says|as if)\b",
    _I,
)
_SARCASM_END = re.compile(r"(?:\U0001F643|(?<!\w)/s)\W*$")
YES_OPENING = re.compile(_LEAD + r"(?:yes|yeah|yea|yep|sure|right|totally|great)\b", _I)
# A mocking verdict that ends it: "..., very suspicious", "how convenient", "sure jan".
_SARCASM_TAIL = re.compile(
    r"\b(?:(?:very|so|how|totally|real|really|highly) (?:suspicious|convenient|believable"
    r"|plausible)|sure jan)\W*$",
    _I,
)


def _sarcastic(folded: str, b: int, end: int) -> bool:
    if folded.find("\U0001f643", b, end) < 0 and folded.find("/s", b, end) < 0:  # no copies
        if _SARCASM_OPENING.match(folded, b, min(end, b + 80)) is not None:
            return True
        # "yes a chip shop refitting its chip shop, very suspicious"
        return YES_OPENING.match(folded, b, end) is not None and bool(
            _SARCASM_TAIL.search(folded, max(b, end - 40), end)
        )
    return YES_OPENING.match(folded, b, end) is not None and bool(
        _SARCASM_END.search(folded, max(b, end - 12), end)  # its last characters only
    )


def _first_cue(
    folded: str, spans: list[tuple[int, int]], found: list[tuple[int, int, str]], disagrees: bool
) -> tuple[Cue, bool]:
    k, at, kind = found[0]
    if kind == "agree":
        cue = _agreement(folded, spans, found, k, at)
        if folded.startswith("+1", at) and _PLUS_ONE_TO_A_THING.match(folded, at):
            cue = replace(
                cue, addressed=False
            )  # "+1 to the ban": agrees with a thing, not a person
        return cue, disagrees or cue.sign < 0
    if kind == "partial" and not any(f[2] == "disagree" and f[0] == k for f in found):
        return Cue(-1, 0.6 * _weight(k), "partial"), True
    if kind == "query":
        return Cue(-1, 0.6 * _weight(k), "query"), True
    lowered = folded[spans[0][0] : spans[min(k + 1, len(spans)) - 1][1]].lower()
    topical = any(word in lowered for word in _TOPICAL) and not _says_you(lowered)
    return Cue(-1, _weight(k), "disagree", addressed=not topical), True


# A turn late in an agreeing comment: a clause opening "still", or one ending "though".
LATE_TURN = re.compile(r"[.,;!]\s+still\b|\sthough\W*(?:$|\n)", _I)
_LATE_TURN_NEEDS = needs(LATE_TURN)  # "still" or "though"


def late_turn(text: str, begin: int, end: int, own: str = "") -> bool:
    """Whether `LATE_TURN` is in `text[begin:end]`, searched only where "still" or "though" is
    (the pattern, led by a class of characters, tests each one: issue 13). `own`, when given,
    is ``text[begin:].lower()`` or longer (`Doc.own`)."""
    lowered = own[: end - begin] if own else text[begin:end].lower()
    if filterable(lowered) and not _LATE_TURN_NEEDS(lowered):
        return False
    return LATE_TURN.search(text, begin, end) is not None


def _agreement(
    text: str, spans: list[tuple[int, int]], found: list[tuple[int, int, str]], k: int, at: int
) -> Cue:
    b, e = spans[k]
    if _AGREE_LOWERED is not None and text.isascii():
        # (the same match, with no case folding at each character tried)
        match = _AGREE_LOWERED.match(text[:e].lower(), at)
    else:
        match = AGREE.match(text, at, e)
    after = match.end() if match is not None else at
    rest = text[after:e]
    lowered = rest.lower()
    # (most agreeing sentences hold no contrast word: no search, issue 13)
    contrast = (
        _CONTRAST.search(rest) if not filterable(lowered) or _CONTRAST_NEEDS(lowered) else None
    )
    near = spans[k + 1 : k + 1 + OPENING_SENTENCES]
    turned = (
        contrast is not None
        # A disagreement cue turns it only from a later sentence: within the agreeing one,
        # "that is wrong" is usually what is agreed with.
        or any(k < f[0] <= k + OPENING_SENTENCES and f[2] != "agree" for f in found)
        or any(_CONTRAST_OPENING.match(text, b2, e2) for b2, e2 in near)
        # "harriet has a point about the mess... still acrylic for a beginner though"
        or late_turn(text, after, near[-1][1] if near else e)
    )
    clause_end = e
    if contrast is not None:
        clause_end = after + contrast.start(contrast.lastgroup or 0)
    while clause_end > b and (text[clause_end - 1].isspace() or text[clause_end - 1] in ",;:-"):
        clause_end -= 1
    clause = (b, clause_end)
    if turned:
        return Cue(-1, 0.6, "concession", agreement=clause)
    return Cue(+1, _weight(k), "agree", agreement=clause)


def without_cue(text: str, span: tuple[int, int]) -> str:
    """The agreeing clause `text[span]` without its agreement phrase: what is agreed with."""
    clause = text[span[0] : span[1]]
    match = AGREE.search(fold_chars(clause))
    if match is None:
        return clause
    return clause[: match.start()] + " " + clause[match.end() :]


# --- named people ----------------------------------------------------------------------------


# Titles before a surname in meetings ("Councillor Brandt", "Dr Ferreira"): the name follows.
TITLES = frozenset(
    "councillor cllr mr mrs ms miss mx dr prof professor senator sen rep representative minister "
    "mayor judge justice sir dame lord lady president commissioner delegate member".split()
)
_TITLE = r"(?:(?:" + "|".join(sorted(TITLES)) + r")\.?\s+)?"


def _name(group: str, words: int = 2) -> str:
    # (a second word may be a number: "Response 1", "R 12")
    more = r"(?:\s+(?:[^\W\d_][\w.\-]*|\d{1,4}\b))?" if words == 2 else ""
    return rf"@?(?:/?u/)?(?P<{group}>{_TITLE}[^\W\d_][\w.\-]*{more})"


# Ways of naming the person answered, each with words one of which must be in the (lowercased)
# text for it to be tried: most comments name nobody, and a pattern that starts with a name
# would otherwise be tried at every word.
_NAMED_ROWS: list[tuple[tuple[str, ...], re.Pattern[str]]] = [
    (
        ("agree", "side", "with", "against"),
        re.compile(
            # ("agree w ines", "agree w/ jun": chat's "with")
            r"\b(?:agree|agreeing|disagree|disagreeing|side|siding|with|against)\s+"
            r"(?:with\s+|w/?\s+)?" + _name("with"),
            _I,
        ),
    ),
    (
        ("previous", "above", "parent", "last"),
        re.compile(
            r"\b(?:agree|agreeing|disagree|disagreeing|with|to)\s+(?:with\s+)?(?P<parent>the\s+"
            r"(?:previous|last|above|parent)\s+(?:commenter|poster|comment|post|speaker|reply)"
            r"|the\s+(?:commenter|poster|comment|post)\s+above)\b",
            _I,
        ),
    ),
    (("@",), re.compile(r"(?<![\w@])@(?P<at>[\w.\-]+(?:\s+[\w.\-]+)?)", _I)),
    (("said",), re.compile(r"\bwhat\s+" + _name("said", 1) + r"\s+said\b", _I)),
    (("+1",), re.compile(r"\+1\s+(?:to\s+)?" + _name("plus", 1), _I)),
    (("with",), re.compile(r"\b(?:I'?m|I am|we'?re|we are)\s+with\s+" + _name("imwith"), _I)),
    (("same as",), re.compile(r"\bsame\s+as\s+" + _name("sameas"), _I)),
    (("side",), re.compile(r"\bon\s+" + _name("onside", 1) + r"'s\s+side\b", _I)),
    (
        ("support", "back", "second", "share", "echo", "build"),
        re.compile(
            # ("Cllr Brennan said he shared Cllr Hughes's doubts")
            r"\b(?:(?:support|back|second|share|echo)(?:s|d|ed)?|build(?:s|ing)?\s+on)\s+"
            + _name("views", 1)
            + r"'s\s+(?:view|point|idea|proposal|position|suggestion|concern|doubt|reservation"
            r"|worry|worries|objection|misgiving)s?\b",
            _I,
        ),
    ),
    # "We share the concern in response 2", "I share the view of Cllr Amadi"
    (
        ("share",),
        re.compile(
            r"\bshare\s+(?:the|their|his|her|its)\s+(?:view|concern|point|position|objection"
            r"|worry|worries|reservation)s?\s+(?:in|of|from|(?:raised|made|expressed|set out)"
            r"\s+(?:by|in))\s+" + _name("shared"),
            _I,
        ),
    ),
    (
        ("said it", "nailed it", "put it"),
        re.compile(r"(?<![\w@])" + _name("saidit", 1) + r"\s+(?:said|nailed|put)\s+it\b", _I),
    ),
    (
        (),
        re.compile(
            # "fair, Lou's point ...", "yeah Gio is right": a lead-in word before the name
            r"^\W*(?:(?:fair|ok|okay|yeah|yes|yep|true|honestly|tbh|actually|based|facts"
            r"|(?:w|good|l|bad) take)\b[\s,.!]+)?"
            + _name("lead")
            + r"(?:\s*[,:]|(?:'s|\s+(?:is|was))\s+(?:\w+\s+)?"
            r"(?P<verdict>right|wrong|correct|mistaken|spot on)\b"
            r"|\s+(?P<haspoint>has|had|makes|made|raises|raised)\s+a\s+(?:good\s+|fair\s+"
            r"|valid\s+)?point\b"
            # "lucia's point is the real one", "Sam's idea is a good one"
            r"|'s\s+(?:point|argument|idea|take|version|suggestion|proposal)"
            r"(?:\s+(?:about|on|re)\s+[^.,;!?\n]{1,40}?)?\s+(?:is|was)\s+(?:the\s+|a\s+)?"
            r"(?:very\s+|pretty\s+|really\s+|quite\s+)?(?P<goodpoint>real|right|best|key|valid"
            r"|good|fair|strong|spot\s+on|convincing|persuasive|compelling)\b)",
            _I | re.M,
        ),
    ),
]
# "based zed.", "W take zed", "L take kai": chat's verdict, then who it is on.
_NAMED_ROWS.append(
    (
        ("based", "facts", "take"),
        re.compile(
            r"^\W*(?:based|facts|(?:w|good|great|l|bad|terrible) take)[\s,.!:]+"
            r"(?P<lead>[^\W\d_][\w.\-]*)(?=\W*$|[\s,.!?:;])",
            _I | re.M,
        ),
    )
)
# "bea thats a crime", "kenji i think": a comment opening with a bare name (one word), then
# the words said to them; also after a word that answers ("nah cy you bought a hat").
_NAMED_ROWS.append(
    (
        (),
        re.compile(
            r"^\W*(?:(?:nah|no|nope|yeah|yes|yep|lol|lmao|ok|okay|wait|sorry|mate)[\s,.!]+)?"
            r"(?P<lead>[^\W\d_][\w.\-]*)\s+(?=(?:thats|that'?s|that|this|its|it'?s|then|the|i"
            r"|i'?m|im|you|ur|youre|you'?re|we|no|not|nah|yes|yeah|but|and|so|well|sure|lol"
            # "priya at least they worked", "kai how is that cheaper", "mo honestly ..."
            r"|at least|they|how|why|what|honestly|tbh|idk|ok|okay|actually|maybe|mate|dude"
            r"|nobody|no one|noone|nothing"
            r"|hmm|imo|wait|seriously)\b)",
            _I | re.M,
        ),
    )
)
_NAMED_ROWS.append(
    (
        ("point", "saying", "says", "said"),
        re.compile(
            r"\b(?:take|accept|see|hear|understand|get|appreciate)\s+(?:the\s+point\s+(?:that\s+)?"
            r"|what\s+)?"
            + _name("heard")
            + r"(?:'s\s+point\b|\s+(?:makes|made|is\s+making|raises|raised|is\s+saying|was\s+saying"
            r"|says|said|means)\b)",
            _I,
        ),
    )
)
_NAMED_ROWS.append(
    (
        ("point of",),
        re.compile(
            r"\b(?:take|accept|see|hear|understand|get|appreciate)\s+the\s+points?\s+(?:made\s+)?"
            r"(?:of|by)\s+" + _name("pointof"),
            _I,
        ),
    )
)
_NAMED_ROWS.append(
    (
        ("respect to", "answer", "respond to", "reply to", "push back", "challenge", "issue with"),
        re.compile(
            r"\b(?:respect\s+to|answer|respond\s+to|reply\s+to|push\s+back\s+on|challenge"
            r"|take\s+issue\s+with)\s+" + _name("answered"),
            _I,
        ),
    )
)
_NAMED_ROWS.append(
    (
        ("point",),
        # "fair point u/meadow_maker", "good point Mira": agrees with the one named
        re.compile(r"\b(?:good|fair|great|valid|excellent)\s+point,?\s+" + _name("goodpt", 1), _I),
    )
)
_NAMED_ROWS.append(
    (
        ("says", "said", "notes", "noted", "put it", "point", "argue"),
        # "As R1 says, the view is the village's main asset": agrees with R1
        re.compile(
            r"\bas\s+" + _name("asays", 1) + r"\s+(?:says|said|notes|noted|put it|points? out"
            r"|pointed out|argues|argued)\b",
            _I,
        ),
    )
)
_NAMED_ROWS.append((("nta", "yta", "esh"), re.compile(r"^\W*(?P<aita>nta|yta|esh)\b", _I | re.M)))
_AGREEING_GROUPS = frozenset(
    {"said", "plus", "imwith", "sameas", "saidit", "onside", "views", "shared", "goodpt", "asays"}
)
# Who else may be named: the opening poster and "the parent" (the comment answered).
OP = "\x00op"
PARENT = "\x00parent"
_SPECIAL = {"op": OP, "the op": OP, "parent": PARENT, "the parent": PARENT}
# The post itself ("I agree with the post", "agree with the article", "tfa"): the opening.
_THE_POST = {"the post": OP, "this post": OP, "the article": OP, "tfa": OP}
_POST_WORDS = ("post", "article", "tfa")
# "the first post", "the original poster", "the opening comment": the opening.
_FIRST_POST = frozenset({"the first", "the original", "the opening"})
_POST_NOUNS = ("post", "comment", "message")


NAMELESS_WORDS = ("op", "parent", "previous", "above", "nta", "yta", "esh", *_POST_WORDS)
# As a set: a set of words is told apart from it by a look-up per word of the smaller one.
NAMELESS_WORD_SET = frozenset(NAMELESS_WORDS)
# In a thread with no names, what `named_person` finds is named by one of these as a whole word
# (`names_nobody`): "op", "parent" and the post words of `_nameless`, the words of the "the
# previous commenter" row ("\s+(?:previous|last|above|parent)\s+", "\s+above\b") and of
# the verdict row ("^\W*(?:nta|yta|esh)\b").
_NAMING_RUNS = ("op", "parent", *_POST_WORDS, "previous", "last", "above", "nta", "yta", "esh")
_NAMING_RUN_MARKS = frozenset(WHOLE + w for w in _NAMING_RUNS)


def names_nobody(words: frozenset[str], text: str) -> bool:
    """Whether `named_person` finds nobody in the first sentences of a comment `text` in a thread
    with no names (`names` empty), from `own_words` of its own sentences, `words`, alone (issue
    13: "op" is in "people" and "opinion", so a third of the comments were read for it).

    In an ASCII text, each way it could name someone needs a word of `_NAMING_RUNS` between
    characters that are not letters or digits (`_nameless`; the two rows left without names,
    `_NamedPlan.nameless`, hold theirs between white space or non-word characters), which
    `own_words` reports as a whole run: a word so bounded in the first sentences is so in all
    of them (a sentence ends before white space or at the text's end, and the own sentences
    start after white space, a quotation's mark or a label's colon and space)."""
    return words.isdisjoint(_NAMING_RUN_MARKS) and text.isascii()


@dataclass(frozen=True)
class _NamedPlan:
    finder: Substrings  # the cue words of every row, and `NAMELESS_WORDS`
    needed: list[Test]  # what each row's pattern needs before it can match
    rows_of: dict[str, tuple[int, ...]]  # a cue word -> the rows it lets run
    always: frozenset[int]  # the rows without cue words
    # The rows whose name is only ever someone in `names` ("Dan is right": a leading name is
    # never "op" or "parent", see the loop of `named_person`): with no names, never run.
    named_only: frozenset[int]
    # The rows that name "the parent" or the poster (NTA) in words of their own; with no names,
    # any other row finds only "op" or "parent" as a name, a word of the text (`_nameless`):
    # without such a word its matches name nobody, and leaving them out changes no answer.
    nameless: frozenset[int]


@cache
def _named_plan() -> _NamedPlan:
    """One finder for the cue words of every row of `_NAMED_ROWS` (and `NAMELESS_WORDS`), the
    rows each word lets run, and what each row's pattern needs before it can match
    (`bot.summarize.literals`). Built on first use, once every row is in the list."""
    words = {w for cue_words, _ in _NAMED_ROWS for w in cue_words} | set(NAMELESS_WORDS)
    rows_of = {
        w: tuple(r for r, (cue_words, _) in enumerate(_NAMED_ROWS) if w in cue_words) for w in words
    }
    return _NamedPlan(
        Substrings(words),
        [needs(pattern) for _, pattern in _NAMED_ROWS],
        {w: rows for w, rows in rows_of.items() if rows},
        frozenset(r for r, (cue_words, _) in enumerate(_NAMED_ROWS) if not cue_words),
        frozenset(r for r, (_, pattern) in enumerate(_NAMED_ROWS) if "lead" in pattern.groupindex),
        frozenset(
            r
            for r, (_, pattern) in enumerate(_NAMED_ROWS)
            if {"parent", "aita"} & set(pattern.groupindex)
        ),
    )


def _nameless(lowered: str) -> bool:
    """Whether an ASCII lowercased text holds "op" or "parent" as a word (between characters
    that are not word characters, as `\\b` sees them). A name a row finds is a word so bounded
    (it follows a space, "@", "/" or the start, and a name runs on over every word character,
    "." and "-"), so with no names in the thread, a text without either word names nobody
    through `_SPECIAL` (issue 13: "people" and "opinion" hold "op")."""
    for word in ("op", "parent", *_POST_WORDS):
        at = lowered.find(word)
        while at >= 0:
            end = at + len(word)
            before = lowered[at - 1] if at else " "
            after = lowered[end] if end < len(lowered) else " "
            if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
                return True
            at = lowered.find(word, at + 1)
    return False


_NOT_THE_POST = ("above", "below", "before", "you")  # "the post above": the parent


# The rows a set of cue words lets run, per set and whether the thread has names (comments hold
# few distinct sets): `_named_rows`.
_NAMED_ROWS_OF_SET: dict[
    tuple[frozenset[str], bool], tuple[tuple[int, ...], tuple[int, ...] | None]
] = {}


def _named_rows(
    plan: _NamedPlan, present: frozenset[str], names: bool
) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
    """The rows of `_NAMED_ROWS` that the cue words `present` let run, in order; and, in a
    thread without names where some of them could only name "op" or "parent", the rows left
    once those are left out (for a text where neither is a word), else None."""
    key = (present, names)
    found = _NAMED_ROWS_OF_SET.get(key)
    if found is None:
        if len(_NAMED_ROWS_OF_SET) >= _MAX_SETS_REMEMBERED:
            _NAMED_ROWS_OF_SET.clear()
        rows = set(plan.always)
        for word in present:
            rows.update(plan.rows_of.get(word, ()))
        nameless = None
        if not names:
            rows -= plan.named_only  # what they find is only ever someone in `names`
            if not rows.issubset(plan.nameless):
                nameless = tuple(sorted(rows & plan.nameless))
        found = _NAMED_ROWS_OF_SET[key] = (tuple(sorted(rows)), nameless)
    return found


def _has_verdict(match: re.Match[str]) -> bool:
    groups = match.groupdict()
    return bool(groups.get("verdict") or groups.get("haspoint") or groups.get("goodpoint"))


def named_person(
    text: str,
    begin: int,
    end: int,
    names: dict[str, str],
    own: frozenset[str] | None = None,
    speaker: str | None = None,
) -> tuple[str | None, int]:
    """The first person of `names` (casefolded name -> name) named in `text[begin:end]` as the
    one answered ("I agree with Alice", "@Bob", "what Carol said", "Dan is right", "Eve: ..."),
    or `OP` / `PARENT`; and what naming them says: +1 ("I'm with Bob", "same as Dan", "+1
    Abi", "Fitz is right"), -1 ("Gio is wrong"), 0 (only who is answered). `own`, when given,
    is `own_words` of a comment whose own sentences are `text[begin:end]` (at most
    `OPENING_SENTENCES` of them). The `speaker` naming themselves ("Ahmed, I coach the junior
    club.") answers nobody: the next name counts."""
    if own is not None and not names and own.isdisjoint(NAMELESS_WORD_SET):
        return None, 0  # nobody has a name here
    lowered = text[begin:end].lower()
    if own is None and not names and not any(word in lowered for word in NAMELESS_WORDS):
        return None, 0
    plan = _named_plan()
    # Which cue words the text holds, in one scan (`own` holds every one of them).
    present = frozenset(plan.finder.found_in(lowered)) if own is None else own
    rows, nameless = _named_rows(plan, present, bool(names))
    if nameless is not None and lowered.isascii() and not _nameless(lowered):
        # The other rows could only name "op" or "parent", and neither is a word here.
        rows = nameless
        if not rows:
            return None, 0
    exact = filterable(lowered)
    matches: list[re.Match[str]] = []
    for row in rows:  # in row order: a tie of starts keeps it (a stable sort)
        if not exact or plan.needed[row](lowered):
            matches.extend(_NAMED_ROWS[row][1].finditer(text, begin, end))
    # At one place a verdict wins: "@Coach Dee is right" says more than "@Coach Dee".
    matches.sort(key=lambda m: (m.start(), not _has_verdict(m)))
    for match in matches:
        group = next(
            g
            for g, v in match.groupdict().items()
            if v is not None and g not in ("verdict", "haspoint", "goodpoint")
        )
        if group == "parent":
            return PARENT, 0
        if group == "aita":  # a verdict on the poster's question, not on the last speaker
            return OP, 1 if match.group("aita").lower() == "nta" else -1
        words = match.group(group).split()
        if len(words) > 1 and words[0].rstrip(".").casefold() in TITLES:
            words = words[1:]  # "Councillor Brandt": Brandt
        sign = 1 if group in _AGREEING_GROUPS else 0
        if group == "with" and match.group()[:4].lower() in ("side", "sidi"):
            sign = 1  # "have to side with gareth", "siding with ines on this"
        verdict = match.groupdict().get("verdict")
        if verdict:
            sign = -1 if verdict.lower() in ("wrong", "mistaken") else 1
        if match.groupdict().get("haspoint") or match.groupdict().get("goodpoint"):
            sign = 1  # "Sylvie has a point", "Sylvie's point is the real one"
        # "Alice Smith" or "Alice": the longer name first.
        for n in (2, 1):
            if len(words) >= n:
                key = " ".join(words[:n]).rstrip(".,").casefold()
                if key in names:
                    if names[key] == speaker:
                        break  # introduces themselves: look further
                    return names[key], sign
                if key in _SPECIAL and group != "lead":
                    return _SPECIAL[key], sign
                if (
                    key in _FIRST_POST
                    and group != "lead"
                    and text[match.end() : match.end() + 9].lstrip().startswith(_POST_NOUNS)
                ):
                    return OP, sign  # "agree with the first post", "the original poster"
                if (
                    key in _THE_POST
                    and group != "lead"
                    and not text[match.end() : match.end() + 8].lstrip().startswith(_NOT_THE_POST)
                ):
                    return _THE_POST[key], sign
    return None, 0


# A negative contraction with its apostrophe ("don't") or typed without it ("dont", "isnt"):
# a bare "nt" would find every "went", "point" and "front".
_CONTRAST_WORDS = re.compile(
    r"\b(?:not|no|never|nothing|nobody|but|however|actually|tho|though|instead|rather|first)\b"
    r"|n't\b|\b(?:do|does|did|is|are|was|were|has|have|had|ca|wo|should|would|could|must|need"
    r"|ai)nt\b",
    _I,
)
# Negations that express dismay or belief, not disagreement ("I can't believe this happened").
_DISMAY = re.compile(
    r"\b(?:can'?t|cannot|couldn'?t) (?:believe|wait)\b|\bnot (?:surprised|shocked)\b"
    r"|\bno (?:words|surprise)\b|\bdon'?t know what to (?:say|think)\b"
    # "Thanks, didn't know that.": learnt something
    r"|\b(?:did ?n'?t|didnt|never) (?:know|realise|realize) (?:that|this)\b",
    _I,
)
_NEGATION = frozenset("not no never n't nor neither without cannot".split())
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_ASCII_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)?")  # `_TOKEN` in lowercased ASCII


CONTRAST_WEIGHT = 0.3  # a reply that opens "But ...": weak, trusted only with a reply link
_REPLY_CONTRAST = Cue(-1, CONTRAST_WEIGHT, "contrast", weak=True)  # made once: immutable


def reply_contrast(text: str, quoted: bool) -> Cue | None:
    """A reply with no cue: weak disagreement when it answers a quotation or holds a negation or
    a contrast ("The crashes were at the junction, not on the straight"). Only ever used with an
    explicit reply link or quote."""
    folded = fold_chars(text)
    if quoted or (_CONTRAST_WORDS.search(folded) and not _DISMAY.search(folded)):
        return _REPLY_CONTRAST
    return None


# Letters and digits kept, every other ASCII character a space (for `bytes.translate`).
_ALNUM_KEEP = bytes(c if chr(c).isalnum() else 32 for c in range(128)) + bytes(range(128, 256))


def _tokens(text: str) -> list[str]:
    lowered = fold_chars(text).lower()
    ascii_ = lowered.isascii()
    if ascii_ and "'" not in lowered:
        # With no apostrophe, `_ASCII_TOKEN`'s words are the runs of letters and digits: split
        # in C (several times faster than the pattern; most comments).
        return lowered.encode("ascii").translate(_ALNUM_KEEP).decode("ascii").split()
    pattern = _ASCII_TOKEN if ascii_ else _TOKEN  # the same words
    if "n't" not in lowered:
        return pattern.findall(lowered)  # nothing to split (issue 13)
    out = []
    for token in pattern.findall(lowered):
        if token.endswith("n't"):
            out += [token[:-3], "n't"]
        else:
            out.append(token)
    return out


def negates(text: str, other: str) -> bool:
    """True when `text` says what `other` says with the negation flipped ("X should be allowed"
    / "X should not be allowed"): the same words once negations are removed, and a different
    number of negations. Linear; texts of very different length are never compared."""
    if not (0.5 <= (len(text) + 1) / (len(other) + 1) <= 2.0) or len(text) > 2000:
        return False
    if abs(len(text.split()) - len(other.split())) > 3:
        return False  # a flipped negation adds or removes a word or two
    a, b = _tokens(text), _tokens(other)
    rest_a = [t for t in a if t not in _NEGATION]
    rest_b = [t for t in b if t not in _NEGATION]
    if len(a) - len(rest_a) == len(b) - len(rest_b):
        return False  # as many negations on each side
    if len(rest_a) < 3:
        return False
    shared = len(set(rest_a) & set(rest_b))
    return shared >= 0.8 * max(len(set(rest_a)), len(set(rest_b)))


# --- camps named by a stance phrase ------------------------------------------------------------

_WORD = r"([^\W\d_][\w\-]*)"
_AFTER = (
    r"(?=\s*(?:[,.!:;)]|$|(?:obviously|all the way|forever|for sure|for life|ftw|100%|here|tbh"
    r"|always|every time|any day)\b))"
)
# "team cats", "#teamdogs", "coffee all the way", "cats > dogs", "tea ftw", "dogs forever".
_TEAM = re.compile(
    _LEAD + r"(?:#?team\s*" + _WORD + _AFTER + r"|" + _WORD + r"\s+(?:all the way|ftw|forever"
    r"|for life|every (?:single )?time|any day)\b|" + _WORD + r"\s*>+\s*[^\W\d_])",
    _I,
)
_TEAM_WORDS = ("team", "all the way", ">", "ftw", "forever", "for life", "every ", "any day")
TEAM_WORD_SET = frozenset(_TEAM_WORDS)
_BARE_WORD = re.compile(_LEAD + _WORD + r"\s*(?:[.!]+(?:\s|$)|$)", _I)
# ("[.!?;]+\s+" written with the class first, alone: the regex engine then skips to the
# characters of the class, where a repeat first is tried at every position.)
_CLAUSE_BREAK = re.compile(r"[.!?;][.!?;]*\s+")


def team_word(word: str) -> str:
    """The camp a stance phrase names, folded so that "Cats" and "cat" are one camp."""
    word = word.casefold()
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def team_phrase(
    text: str, spans: list[tuple[int, int]], words: frozenset[str] | None = None
) -> str | None:
    """The camp a comment declares with a stance phrase ("team cats",
    "dogs all the way", "cats > dogs") at the start of one of its opening sentences, folded by
    `team_word`; None without one. `words`, when given, is `own_words(text, spans)` and `text`
    is ASCII with at most `OPENING_SENTENCES` sentences (the same text as the head looked in)."""
    if not spans:
        return None
    if words is not None:
        if words.isdisjoint(TEAM_WORD_SET):
            return None
    else:
        head = text[spans[0][0] : spans[min(len(spans), OPENING_SENTENCES) - 1][1]].lower()
        if not any(word in head for word in _TEAM_WORDS):
            return None  # most comments name no camp: skip the pattern
    for b, e in spans[:OPENING_SENTENCES]:
        # Chat often runs sentences together in lower case ("settle this. cats > dogs").
        starts = [b] + [b + m.end() for m in _CLAUSE_BREAK.finditer(text[b:e])]
        for at in starts[:OPENING_SENTENCES]:
            match = _TEAM.match(text, at, e)
            if match is not None:
                word = team_word(next(g for g in match.groups() if g))
                return word if len(word) >= 3 else None  # "a > b" is code, not a camp
    return None


def bare_word(text: str, spans: list[tuple[int, int]]) -> str | None:
    """A first sentence that is one word ("dogs."): a camp's name when others use it as one."""
    if not spans:
        return None
    match = _BARE_WORD.match(text, *spans[0])
    return team_word(match.group(1)) if match else None


# --- answers that pick an option ---------------------------------------------------------------

# "I'd go with Python", "I vote Piranesi", "my vote is the hotel", "has to be Rust".
_PICK = re.compile(
    _LEAD + r"(?:(?:I'?d|I would|I'?ll|I will|I)\s+(?:(?:probably|definitely|still|rather|just"
    r"|personally)\s+)?(?:go (?:with|for)|pick|choose|vote(?: for)?|stick with|keep|prefer|take"
    r"|recommend|start with)|my (?:vote|pick|choice|money)(?: is| goes to| would be|'s)?"
    r"(?: on| for)?"
    r"|(?:it )?has to be)\s+(?:the\s+|a\s+|an\s+)?" + _WORD,
    _I,
)
# "The cabins, no question.", "hotel for me.", "Rust, honestly.", "aerator for weeknight
# stuff imo".
_PICKED = re.compile(
    _LEAD + r"(?:the\s+)?" + _WORD + r"(?:\s+for me\b|\s*,\s*(?:no question|honestly|definitely"
    r"|obviously|easily|hands down|every time|of course)\b|\s*,?\s*(?:for sure|100%)(?!\w)"
    r"|(?:\s+for(?:\s+[\w'\-]+){1,4})?\s*,?\s+(?:imo|imho|tbh|personally)\b)",
    _I,
)
_PICK_WORDS = (
    "go with",
    "go for",
    "pick",
    "choose",
    "vote",
    "stick",
    "keep",
    "prefer",
    "take",
    "recommend",
    "start with",
    "has to be",
    "for me",
    "imo",
    "imho",
    "tbh",
    "personally",
    ",",
    "for sure",
    "100%",
)
_VAGUE = frozenset({"something", "anything", "neither", "another", "else"})
_OPTION_EDGE = re.compile(r"[,:;(]|\b(?:between|either|choose|pick|prefer)\b", _I)
# What follows the second option ("Rust for the CLI?", "hammock on the coast trip?").
_RIGHT_EDGE = re.compile(
    # ("a couch to 5k app": "to" before a number is inside the name)
    r"\s(?:for|on|in|at|to(?!\s+\d)|with|this|next|when|if|because|during|from|by|then|first|instead"
    r"|now|later|tonight|today"
    # ("is a decanter or an aerator worth it?", "is python or rust better?", "would a kindle or a
    # kobo be the best option?": what is said of both options, not the second's name)
    r"|worth|better|best|worse|worst|cheaper|easier|harder|nicer|safer|faster|quicker|more|less"
    r"|preferable|recommended|be|any good)\b",
    _I,
)


def pick(text: str, spans: list[tuple[int, int]]) -> tuple[str, bool] | None:
    """The option a comment's first sentence picks, folded by `team_word`, and whether it was
    picked with a choice verb ("I'd go with X", "my vote is X") rather than named alone ("X
    for me", "X, honestly"); None without a pick. "something"/"neither" are picks of no named
    option."""
    if not spans:
        return None
    b, e = spans[0]
    head = text[b:e].lower()
    if not any(word in head for word in _PICK_WORDS):
        return None
    for pattern, verb in ((_PICK, True), (_PICKED, False)):
        match = pattern.match(text, b, e)
        if match is None:
            continue
        word = match.group(1).casefold()
        if word in _VAGUE:
            return word, verb
        if not _stop(word):
            return team_word(word), verb
    return None


# "not godot", "anything but Unity", "never the Crown": an option named to be refused.
_REFUSED_BEFORE = frozenset({"not", "no", "never", "but", "avoid", "against", "over", "hate"})
# The words after an option that refuse it ("Discord also isn't indexed", "Unity is not free",
# "godot never worked for me"), as `named_option` splits them ("isn't" is "isn t").
_REFUSED_AFTER = re.compile(
    r"(?:(?:also|just|still|really|simply|even)\s+)?(?:(?:is|are|was|does|do|did|has|have|can"
    r"|could|will|would|wo|ca)(?:n\s+t|\s+not|\s+never)|isnt|doesnt|cant|wont|never|has\s+no"
    r"|is\s+no\s+longer|(?:is|are)\s+(?:too|worse|awful|terrible|useless))\b"
)


_OPTION_WORD = re.compile(r"[^\W\d_][\w\-]*")
_FIRST_CLAUSE = re.compile(r"[^,.;:!?\n\u2013\u2014]*")


def as_option(
    word: str, options: tuple[str, ...], aliases: dict[str, str] | None = None
) -> str | None:
    """The option a folded answer word names: the option itself, another word of its phrase
    (`aliases`, from `option_choices`), a clear prefix of one ("contr" for "controller"), or an
    abbreviation of one made of its letters in order and from its first ("kb" for "keyboard");
    None when it names none or could name both."""
    if word in options:
        return word
    if aliases and word in aliases:
        return aliases[word]
    if len(word) < 2 or _stop(word):
        return None
    found = [o for o in options if len(o) > len(word) and o.startswith(word)]
    if len(word) < 3:
        found = []  # "ke" is no prefix worth reading
    elif not found:
        # "van" for "campervan", "board" for "skateboard": the head of a compound.
        found = [o for o in options if len(o) >= len(word) + 3 and o.endswith(word)]
    if not found and aliases and len(word) >= 4:
        # "perm" for "the permanent job offer": a clear prefix of another word of its phrase.
        found = sorted({o for w, o in aliases.items() if len(w) > len(word) and w.startswith(word)})
    if len(word) <= 4 and not found:
        found = [o for o in options if len(o) >= 5 and o[0] == word[0] and _in_order(word, o)]
    if not found and aliases and 2 <= len(word) <= 6:
        # "ac" or "acnh" for "animal crossing": the initials of two words of one option's phrase.
        found = [
            o
            for o in options
            if any(
                {word[0], word[1]} == {o[0], w[0]} and word[0] != word[1]
                for w, named in aliases.items()
                if named == o and w != o
            )
        ]
    return found[0] if len(found) == 1 else None


def _in_order(letters: str, word: str) -> bool:
    at = 0
    for letter in letters:
        at = word.find(letter, at) + 1
        if at == 0:
            return False
    return True


# (Tried only where a run of stops begins: a long run costs its length, not its square.)
_ANSWER_NUMBER = re.compile(r"(?<![\w.])(\d{1,4}(?:\.\d{1,2})?)(?![\d])")
_RUN_ON_STOP = re.compile(r"(?<![.!])[.!]+\s+(?=[a-z])")


def named_option(
    text: str,
    spans: list[tuple[int, int]],
    options: tuple[str, ...],
    aliases: dict[str, str] | None = None,
) -> str | None:
    """The option of an "A or B?" question that an answer's first sentence names, when it names
    exactly one and does not refuse it ("godot 4 is basically unity without the drama" names
    both: None; "macbook air. battery lasts all day" names one); a refused option ("not unity")
    picks the other when there are two; None otherwise. Questions are no picks."""
    if not spans or not options:
        return None
    b, e = spans[0]
    sentence = text[b:e]
    if sentence.rstrip().endswith("?"):
        return None
    # "then add a bot that copies them to Discussions? keep the help here": what is asked in
    # passing is no pick either.
    sentence = sentence[sentence.rfind("?") + 1 :]
    # Chat runs its sentences on in lower case ("ghosts all day. the hokas feel like ..."):
    # the pick is named before the first full stop.
    stop = _RUN_ON_STOP.search(sentence)
    if stop is not None:
        sentence = sentence[: stop.start()]
    words = [w.casefold() for w in re.findall(r"[^\W\d_][\w\-]*", sentence)]
    if options[0][:1].isdigit():
        # Options that are numbers ("9.5mm or 10mm?"): "10mm.", "9.5. finer tip".
        by_number = {_ANSWER_NUMBER.match(o).group(1): o for o in options}  # type: ignore[union-attr]
        named = {by_number[w] for w in _ANSWER_NUMBER.findall(sentence) if w in by_number}
        return next(iter(named)) if len(named) == 1 else None
    folded = [as_option(team_word(w), options, aliases) or team_word(w) for w in words]
    named = {w for w in folded if w in options}
    if len(named) > 1:
        # "evenings, your body is warmed up ... mornings my legs feel like wood": the answer's
        # first clause names its pick, and the rest argues against the other.
        # (Only where it opens with it: "we did sub last time, fair to do dub" does not.)
        clause = _FIRST_CLAUSE.match(sentence)
        head = clause.group() if clause is not None else ""
        said = [
            as_option(team_word(w.casefold()), options, aliases) for w in _OPTION_WORD.findall(head)
        ]
        named = {w for w in said if w is not None}
        if len(named) != 1 or not set(said[:2]) & named:
            return None
    if len(named) != 1:
        return None
    (option,) = named
    at = folded.index(option)
    # "not unity", or "Discord also isn't indexed": an option named to be refused.
    if _REFUSED_BEFORE & set(words[max(0, at - 2) : at]) or _REFUSED_AFTER.match(
        " ".join(words[at + 1 : at + 5])
    ):
        others = [o for o in options if o != option]
        return others[0] if len(options) == 2 else None
    return option


def _stop(word: str) -> bool:
    from bot.summarize.text import STOPWORDS

    return word in STOPWORDS or len(word) < 2


# A short question asking to pick one of the options just given.
WHICH_WOULD = re.compile(
    r"\W*(?:so\s+)?(?:(?:which|what)(?: one)? (?:would|should|do|will) (?:you|u|i|y'?all)"
    r"(?: \w+){0,3}|which(?: one)?)\s*\?+\s*$",
    _I,
)


def question_options(text: str) -> tuple[str, ...]:
    """The options an opening question offers ("..., Python or Rust?", "the lake cabins or the
    city hotel?"): the head word of each side of its "or", folded by `team_word`; () when its
    first question offers none."""
    return option_choices(text)[0]


def option_choices(text: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """`question_options`, and the other words that name each option in an answer ("lake"
    for "the lake cabins", "kindle" for "Kindle Paperwhite"): folded word -> option, for the
    words of one option's phrase that the other's does not hold."""
    # (an emoji ends a sentence too: "Christmas money burning a hole in my pocket 😅 Ancestry
    # or Findmypast for a year?")
    sentences = _OPTION_SENTENCE_END.split(text[:600])
    for at, sentence in enumerate(sentences):
        listed = False  # options listed with their details before "which would you take?"
        if (
            " or " in sentence
            and not sentence.rstrip().endswith("?")
            and at + 1 < len(sentences)
            and WHICH_WOULD.match(sentences[at + 1])
        ):
            # "two offers: a contract at £500/day, or permanent at £62k. which would you
            # take?": the options come before the question that asks to pick one
            sentence, listed = sentence.rstrip(" .!") + "?", True
        if " or " not in sentence and VERSUS.search(sentence):
            # "Sub vs dub?", "Tabs vs spaces" (a short title or line asks it without a "?")
            if sentence.rstrip().endswith("?") or len(sentence.split()) <= 8:
                sentence = VERSUS.sub(" or ", sentence).rstrip(" .!") + "?"
        if not sentence.rstrip().endswith("?") or " or " not in sentence:
            continue
        # "keyboard+mouse", "bread & butter": one option, named by its first part.
        body = _COMPOUND.sub(r"\1", sentence.rstrip(" ?"))
        left, right = body.split(" or ", 1)
        if right.lstrip().lower().startswith(("not", "no ", "nah")):
            continue  # "Is it worth it or not?": a yes or no
        numbers = _NUMBER_OPTIONS.search(f"{left.rstrip()} or {right.lstrip()}")
        if numbers is not None and numbers.group(1) != numbers.group(3):
            # "9.5mm or 10mm tip?", "a 27 or 29 inch wheel?": the numbers are the options (an
            # answer says "10mm." or "9.5, finer tip"), named with a unit written onto either
            # ("9.5mm", "10mm"; "27", "29")
            unit = numbers.group(2) or numbers.group(4)
            return (numbers.group(1) + unit, numbers.group(3) + unit), {}
        left = _OPTION_EDGE.split(left.rstrip(" ,"))[-1]
        if listed:
            left = _RIGHT_EDGE.split(left)[0]  # "a contract at £500/day": "a contract"
        right = _OPTION_EDGE.split(right)[0]
        # "usb mics or straight to xlr and an interface?": the option is where it goes straight
        right = right[lead.end() :] if (lead := _STRAIGHT_TO.match(right)) else right
        # "live in GitHub Discussions or stay here in the Discord channel": each option is
        # what follows its own preposition (the verbs before them are not the choice).
        before = _LAST_PREPOSITION.match(left)
        after = _LEAD_VERB_PREPOSITION.match(right)
        if before is not None and after is not None:
            left, right = left[before.end() :], right[after.end() :]
        elif (named := _VERB_FOR_NAME.match(right)) is not None:
            # "Self-host Jellyfin or pay for Plex Pass?": the name the verb is for is the
            # option (an answer says "Plex, if ..."), not the verb.
            right = right[named.end() :]
        else:
            asked = _MODAL_SUBJECT.search(left)
            verbs = _option_words(left[asked.end() :])[:1] if asked is not None else []
            first = re.match(r"\s*([a-z]+)\b", right)  # lowercase: a verb, not a name
            if asked is not None and verbs and first is not None and not _stop(first.group(1)):
                # "Should OP overpay the mortgage or invest the money?": the options are the
                # verbs (an answer says "I'd overpay", "invest in the ISA"). Unless the right
                # is no verb phrase ("should i run mornings before work or evenings after?",
                # "should I learn python or rust?"): then the verb's object is the option.
                objects = _option_words(left[asked.end() :])[1:2]
                rest = right[first.end() :].split()
                if objects and not (rest and rest[0].lower() in _VERB_OBJECT_LEADS):
                    a, b = team_word(objects[0]), team_word(first.group(1))
                else:
                    a, b = team_word(verbs[0]), team_word(first.group(1))
                return ((a, b), {}) if a != b else ((), {})
        right = _RIGHT_EDGE.split(right)[0]
        lw = _option_words(left)
        rw = _option_words(right)
        if lw and rw and len(lw) <= 4 and len(rw) <= 4:
            a, b = team_word(_head(lw)), team_word(_head(rw))
            fl = {team_word(w.casefold()) for w in lw}
            fr = {team_word(w.casefold()) for w in rw}
            if a == b:
                # "stand mixer or hand mixer?": one head; the words that differ are the choice
                # (an answer says "hand mixer." or "stand.").
                left_only = [w for w in lw if team_word(w.casefold()) not in fr]
                right_only = [w for w in rw if team_word(w.casefold()) not in fl]
                if left_only and right_only:
                    a, b = team_word(left_only[-1]), team_word(right_only[-1])
            if a != b:
                aliases = {w: a for w in fl - fr if len(w) >= 3} | {
                    w: b for w in fr - fl if len(w) >= 3
                }
                return (a, b), aliases
        return (), {}
    return (), {}


def answer_options(asked: str, answers: list[tuple[str, list[tuple[int, int]]]]) -> tuple[str, ...]:
    """The options of a question that asks to choose ("... a joint bank account everyone pays
    into, or just keep using splitwise?", "the same scent as edp and edt. which one??") where
    `option_choices` could not read them: the two words of the question that people's first
    answers open with as a pick ("splitwise. a joint account means ...", "joint account, ...",
    "edt imo"; not "the brass ones are fat"), in the question's order; () when the answers pick
    fewer or more than two of its words. `answers`: each answering person's first comment (text
    and its sentence spans)."""
    if "?" not in asked or not CHOICE_ASKED.search(asked):
        return ()
    order: dict[str, int] = {}
    for w in _OPTION_WORD.findall(asked):
        order.setdefault(team_word(w), len(order))
    led = {word for text, spans in answers if (word := answer_lead(text, spans)) in order}
    if len(led) != 2:
        return ()
    return tuple(sorted(led, key=order.__getitem__))


def answer_lead(text: str, spans: list[tuple[int, int]]) -> str | None:
    """The word an answer opens with as a pick: its first clause is that word and at most two
    more ("tungsten.", "brass first imo.", "joint account, splitwise only works if ..."), folded
    by `team_word`; None for a statement ("the brass ones are fat and bounce out")."""
    if not spans:
        return None
    clause = _FIRST_CLAUSE.match(text, *spans[0])
    words = _OPTION_WORD.findall(clause.group()) if clause is not None else []
    for at, word in enumerate(words):
        word = team_word(word)
        if word in _ANSWER_LEADS:
            continue
        if len(words) - at > 3 or len(word) < 3 or _stop(word):
            return None
        return word
    return None


# A question that asks to choose: "..., or ...?", "A vs B", "which one?".
CHOICE_ASKED = re.compile(r"\b(?:or|vs|versus|which)\b", _I)
# Words an answer opens with before the option it names ("ok edt", "def the edp", "i'd go
# splitwise").
_ANSWER_LEADS = frozenset(
    "a an the my our ok okay honestly def deffo defo definitely probably prob i i'd id i'm im "
    "go get hmm well so oh yeah yes just imo tbh personally for me".split()
)


# "the first one", "the latter", "option 2", "#1": which of two options, by its place.
_ORDINAL = re.compile(
    _LEAD + r"(?:(?:I'?d (?:say|go with|pick|take)|def(?:initely)?|probably|easily)\s+)?"
    r"(?:(?P<first>the (?:first|former|1st)(?: one| option)?|(?:first|1st) one|option (?:1|a|one)"
    r"|#1)|(?P<second>the (?:second|latter|2nd)(?: one| option)?|(?:second|2nd) one"
    r"|option (?:2|b|two)|#2))\b",
    _I,
)


def ordinal_option(text: str, spans: list[tuple[int, int]], options: tuple[str, ...]) -> str | None:
    """The option of two an answer's first sentence picks by its place ("the first one",
    "the latter", "option 2"); None otherwise."""
    if not spans or len(options) != 2:
        return None
    match = _ORDINAL.match(text, *spans[0])
    if match is None:
        return None
    return options[0] if match.group("first") else options[1]


VERSUS = re.compile(r"\s(?:vs\.?|versus)\s", _I)
_COMPOUND = re.compile(r"([^\W\d_][\w\-]*)\s*[+&]\s*[^\W\d_][\w\-]*")
# What a verb phrase's second word can be ("invest the money", "move into a flat").
_VERB_OBJECT_LEADS = frozenset(
    "the a an my our your their his her its it them this that these those some more all in into "
    "on onto to with for at up out off back".split()
)
# "should I", "do we", "would OP": what follows is what the asker might do.
_MODAL_SUBJECT = re.compile(
    r"\b(?:should|shall|do|would|could|can|must)\s+(?:I|we|you|OP|they|he|she)\s+", re.IGNORECASE
)
# The preposition an option follows ("live in X"), and a second option's own verb and
# preposition ("stay here in Y", "move to Y").
# Two numbers either side of the "or" (a unit after either): "9.5mm or 10mm", "27 or 29 inch".
_NUMBER_OPTIONS = re.compile(
    r"(?<![\w.])(\d{1,4}(?:\.\d{1,2})?)([a-z%\"']{0,4})\s?[a-z%\"']{0,4}\s+or\s+"
    r"(\d{1,4}(?:\.\d{1,2})?)(?![\d.]\d)([a-z%\"']{0,4})(?:\s[a-z%\"']{1,4})?(?![\w])",
    re.IGNORECASE,
)
_OPTION_SENTENCE_END = re.compile(r"(?<=[.!?\u2600-\u27bf\U0001f300-\U0001faff])\s+")
_STRAIGHT_TO = re.compile(
    r"\s*(?:(?:go|going|jump|jumping|skip|skipping|move|head)\s+)?(?:straight|directly|right)"
    r"\s+(?:to|for|into|with)\s+",
    _I,
)
_LAST_PREPOSITION = re.compile(r".*\s(?:in|on|at|to|into|onto|with|via|through)\s", _I)
_VERB_FOR_NAME = re.compile(
    r"\s*[a-z][\w\-]*\s+(?:for|to|with|on|in|into)\s+(?:the |a |an )?(?=[A-Z][\w\-]*[a-z])"
)
_LEAD_VERB_PREPOSITION = re.compile(
    r"\s*[^\W\d_]+(?:\s+(?:here|there|back|over|on|out|up))?\s+(?:in|on|at|to|into|onto|with"
    r"|via|through)\s",
    _I,
)


def _option_words(phrase: str) -> list[str]:
    words = re.findall(r"[^\W\d_][\w\-]*", phrase)
    # A capitalised common word after the first ("learn Go or Rust?"), or alone ("Go or
    # Elixir?"), is a name.
    return [
        w
        for i, w in enumerate(words)
        if not _stop(w.lower())
        or ((i or len(words) == 1) and w[0].isupper() and len(w) > 1 and not w.isupper())
    ]


def _head(words: list[str]) -> str:
    """An option's head word: its last word, or its last proper name where a common noun
    follows it ("the Discord help channel": Discord)."""
    if words[-1][:1].islower():
        for word in reversed(words[:-1]):
            if word[:1].isupper():
                return word
    return words[-1]


# Minutes in reported speech: a paragraph that opens with who spoke ("Mr Abara spoke in
# favour.", "Cllr Hart argued that ...", "Dr Hussain supported the proposal").
REPORTED = re.compile(
    # Numbered minutes ("24.6 H Doyle said ...", "2b. Mr Fairclough said", "(c) The clerk
    # said", "b) Ms Rao said"): the minute's number first.
    r"\W*(?:(?:\d{1,3}(?:\.\d{1,3}){0,3}(?-i:[a-z])?\.?|\(?(?-i:[a-h]|[ivx]{1,4})[.)]"
    r"|\(\d{1,3}\))\s+)?"
    r"(?P<name>(?:(?:" + "|".join(sorted(TITLES)) + r")\.?\s+)?"
    # "H Doyle", "R. Banerjee": an initial and a surname.
    r"(?:(?-i:[A-Z])\.?\s+(?-i:[A-Z])[\w'\-]+|(?-i:[A-Z])[\w'\-]+(?:\s+(?-i:[A-Z])[\w'\-]+)?)"
    # "The bar manager said", "the fixtures secretary opposed it", "The Women's Captain said":
    # a role.
    r"|the\s+(?:[a-z]+(?:'s)?\s+){0,2}?(?:manager|secretary|treasurer|chair\w*|clerk|headteacher|head"
    r"|principal|governor|councillor|officer|director|captain|coach|president|representative"
    r"|warden|trustee|engineer|owner|landlord|vicar|caretaker|coordinator|organi[sz]er)"
    # "The bandmaster said", "The principal cornet agreed": any role of one or two words, but
    # not a body or a paper ("The meeting agreed", "The report said")
    r"|the\s+(?!(?:meeting|committee|council|board|group|report|minutes|motion|proposal|item"
    r"|letter|survey|consultation|paper|document|email|club|society|association|band|team"
    r"|school|trust|company|government|law|rule|plan|scheme|vote|majority|room|floor|house"
    r"|panel|assembly|jury|public|press|article|study|data|figures|numbers|notice)\b)"
    r"(?-i:[a-z]+)(?:\s+(?-i:[a-z]+))?(?=\s+(?:said|agreed|asked|replied|argued|felt|thought"
    r"|suggested|proposed|added|noted|supported|opposed|objected|pointed|countered|questioned"
    r"|warned|insisted|explained|stated|urged|disagreed)\b))"
    # "Mrs Ahmed (no. 6) said": an aside in brackets
    r"(?:\s+\([^()\n]{1,40}\))?"
    # "Mrs Harding, parent governor, said": a role between commas.
    # "Mrs Dawes of the Music Society said"
    r"(?:\s+of\s+the\s+(?-i:[A-Z])[\w'\-]+(?:\s+(?-i:[A-Z])[\w'\-]+){0,3})?"
    r"(?:,\s+[^,.;:\n]{1,60},)?\s+(?:(?:then|also|again|briefly|strongly)\s+)?"
    r"(?:said|says|spoke|asked|replied|responded|argued|added|noted|agreed|disagreed|supported"
    r"|opposed|objected|suggested|proposed|moved|questioned|stated|explained|felt|thought"
    r"|pointed|countered|urged|welcomed|raised|warned|insisted|accepted|conceded|expressed"
    r"|wondered|commented|remarked|observed|queried|challenged|seconded|reported|asked"
    r"|shared|maintained|reiterated|repeated|acknowledged)\b",
    re.IGNORECASE,
)
# The verbs one of which every match holds (read from the pattern, `literals`): they are among
# the prefilter words (`own_words`), so that a comment holding none is not matched. Empty (no
# filter) should the pattern ever need no single word.
_REPORTED_NEEDS = required_clauses(REPORTED)
REPORTED_WORDS = (
    frozenset(_REPORTED_NEEDS[0])
    if len(_REPORTED_NEEDS) == 1 and all(w.isalpha() for w in _REPORTED_NEEDS[0])
    else frozenset()
)


# --- the prefilter words of a comment, found once ---------------------------------------------

# What a denial of what was said needs (`claim.denies`): a negation, with or without its
# apostrophe ("dont", "isnt"); "no" also finds "not" and "nothing".
DENIAL_WORDS = frozenset(
    "no n't never dont doesnt didnt isnt arent wasnt werent cant wont shouldnt wouldnt couldnt "
    "hasnt havent hadnt mustnt neednt aint".split()
)
# The negations as whole words (`Substrings` whole runs), for `negates_nothing`: the words
# `negates` counts ("not", ..., "cannot"; and "n't" ending a word) and the ones `claim.denies`
# needs ("no", "never", "cannot", a bare negative such as "dont", or a word ending in "n't").
_NEGATION_RUNS = (
    "not no never nor neither without cannot dont doesnt didnt isnt arent wasnt werent cant wont "
    "shouldnt wouldnt couldnt hasnt havent hadnt mustnt neednt aint".split()
)
_NEGATION_MARKS = frozenset(WHOLE + w for w in _NEGATION_RUNS) | {"n't"}


def negates_nothing(words: frozenset[str], text: str) -> bool:
    """Whether a comment `text` whose own sentences' `own_words` are `words` holds no negation
    that `negates` counts or `claim.denies` needs, known from `words` alone (issue 13: "no" is in
    "know" and "nt " in "want ", so most comments were read for one). In an ASCII text each is
    a whole word (a token "not" of `_tokens`, a chunk "not" or "dont" between white space, of
    `denies`: runs of letters and digits between characters that are neither) or ends in
    "n't"; a comment's own sentences are its text after `Doc.body` but white space."""
    return words.isdisjoint(_NEGATION_MARKS) and text.isascii()


@cache
def _own_words_finder() -> Substrings:
    """Every word a prefilter of this module looks for (cues, named people, praise, camps,
    reported speakers)."""
    named = _named_plan().finder
    return Substrings(
        set(_CUE_WORDS)
        | named.words
        | set(NAMELESS_WORDS)
        | set(_PRAISE_WORDS)
        | set(_TEAM_WORDS)
        | REPORTED_WORDS
        | DENIAL_WORDS
        | {AMENDMENT_WORD},
        whole=(*_NAMING_RUNS, *_NEGATION_RUNS),
    )


_NO_WORDS: frozenset[str] = frozenset()
# What moving or seconding an amendment in minutes needs (`linking`).
AMENDMENT_WORD = "amendment"


def own_words(text: str, spans: list[tuple[int, int]]) -> frozenset[str]:
    """The prefilter words (of cues, named people, praise and camps) that occur in a comment's
    own sentences `spans`, lowercased and folded: ``fold_chars(text[: spans[-1][1]])[
    spans[0][0] :].lower()``, the text `read_cue` looks for cues in. One scan per comment
    serves `find_cues`, `named_person`, `is_praise` and `team_phrase` (issue 13), each where the
    text it looks in is that same text (its docstring says when)."""
    if not spans:
        return _NO_WORDS
    lowered = fold_chars(text[: spans[-1][1]])[spans[0][0] :].lower()
    found = _own_words_finder().found_in(lowered)
    return frozenset(found) if found else _NO_WORDS


def own_words_of(tokens: list[str], lowered: str) -> frozenset[str]:
    """`own_words` of an ASCII comment from its words, found already: `lowered` is the text of
    its own sentences lowercased (the text `own_words` scans) and `tokens` its words
    (``words(lowered)``, which white space around it does not change). Reading splits the text
    into words once, for its terms and for this (issue 13)."""
    found = _own_words_finder().found_in_words(tokens, lowered)
    return frozenset(found) if found else _NO_WORDS


# A point granted to someone: "mimic tear is kind of a fair point ngl", "ok thats fair".
_GRANTS = re.compile(
    r"\b(?:good|fair|great|valid|decent|reasonable|solid) point\b|\b(?:that'?s|thats|ok|okay)"
    r" (?:a )?fair\b|\bfair enough\b|\bI'?ll (?:give|grant) (?:you|them|him|her) that\b"
    # "fine, thats annoyingly good"
    r"|\b(?:that'?s|thats) (?:annoyingly |actually |really |pretty |frustratingly )?(?:good|fair"
    r"|true)\s*(?:[.!]|$)"
    # "marisol's point about the bench is fair", "your point on costs was a good one"
    r"|\bpoint(?: (?:about|on|re) [^.,;!?]{1,40}?)? (?:is|was) (?:fair|valid|good|a good one"
    r"|well made|well taken)\b",
    re.IGNORECASE,
)


_GRANTS_NEEDS = needs(_GRANTS)


def grants_a_point(text: str, spans: list[tuple[int, int]], own: str = "") -> bool:
    """Whether the first two sentences of `text` grant a point ("ha. fair point, ban him too").
    `own`, when given, is `Doc.own` (an ASCII text's own sentences lowercased)."""
    if not spans:
        return False
    b, e = spans[0][0], spans[min(len(spans), 2) - 1][1]
    lowered = own[: e - b] if own else text[b:e].lower()
    if filterable(lowered) and not _GRANTS_NEEDS(lowered):
        return False  # the words it needs are not there (most comments): no search
    return _GRANTS.search(text, b, e) is not None
