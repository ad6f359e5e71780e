"""Stage 4: extraction. The question, each side's label, position and points, other points,
common ground, open questions and notes, all cut from the commenters' own sentences.

For each side, sentences close to the side's centroid and away from the other side's (weighted
by replies received and a sane length) are picked with maximal marginal relevance, up to the
same cap for every side; each quotes its sentence verbatim (cut on a clause boundary when long).
The position is the sentence of the comment that opened the side (the opening claim, or the
first reply that disagreed with the other side) and is never repeated as a point. Junk, thanks
and off-topic comments are never quoted.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from operator import attrgetter

from bot.summarize.offline.cues import (
    is_junk,
    question_options,
    reply_contrast,
    sentence_like,
    without_cue,
)
from bot.summarize.offline.linking import CHAIR_ROLES, INVITATION, only_asks
from bot.summarize.offline.model import ROOT, Doc
from bot.summarize.offline.sides import LIST_HEADING
from bot.summarize.schema import Point, Quote
from bot.summarize.text import (
    SUM_IN_ARRAYS,
    Terms,
    Vector,
    VectorTable,
    clause_cut,
    dot,
    dots,
    normalized,
    shorten,
    sum_vectors,
    tfidf,
    word_count,
)
from bot.summarize.verify import quote_matches
from bot.textfold import fold_casefold

MAX_QUOTE_CHARS = 300
MAX_POINT_CHARS = 200
MAX_QUESTION_CHARS = 160
MAX_LABEL_CHARS = 60
MAX_COMMON_GROUND = 3
MAX_OPEN_QUESTIONS = 3

_I = re.IGNORECASE
_QUESTION_END = re.compile(r"\?[\"'\u201d\u2019)\]]*$")
_URL = re.compile(r"https?://\S+")
# Leading discourse markers and cues dropped from a point's own text (never from a quote).
_POINT_LEAD = re.compile(
    # ("...ok that's fair": a leading ellipsis goes too)
    r"^(?:(?:\.{2,}|\u2026)\s*"
    r"|(?:but|and|so|again|also|yet|however|well|actually|still|plus|then)\b[,:]?\s+"
    r"|(?:\+1|yes|yeah|exactly|indeed|agreed|true|yes and no|(?:good|fair|great) point|well said"
    r"|I (?:fully |totally |completely )?agree(?: with [\w.\-']+)?|no way|nope|nah"
    r"|I'?m (?:fully |completely |totally |100% |all )?on board(?: with (?:you|this|that))?"
    r"|I (?:strongly |respectfully )?disagree(?: with [\w.\-']+)?"
    r"|(?:I think |I'd say )?(?:quite )?the opposite|on the contrary|I'?m not (?:so )?sure"
    # ("yes!! but ...": the marks repeated)
    r"|that'?s (?:just |simply )?(?:wrong|not true)|not true|no)\s*[,.!:;\-\u2013\u2014]+\s*)+",
    _I,
)
# A sentence of minutes that only reports a vote ("Cllr Amadi moved the proposal.", "Cllr
# Pethick said he strongly objected.", "Mr Ng supported the motion."): evidence of a side, but
# it states no point of its own.
_VOTE_ONLY = re.compile(
    r"^\W*(?:the )?(?:(?:cllr|councillor|mr|mrs|ms|dr|prof)\.?\s+)?[^\W\d_][\w'\-]*"
    r"(?:\s+[^\W\d_][\w'\-]*)?\s+(?:(?:said|says|stated|confirmed) (?:that )?(?:he|she|they) )?"
    r"(?:(?:also|strongly|firmly|warmly) )?(?:moved|seconded|supported|opposed|objected|backed"
    r"|welcomed|endorsed|spoke (?:in favou?r|against))(?: (?:to )?(?:it|the (?:proposal|motion"
    r"|amendment|item|plan|order|application)))?\W*$"
    # A vote with no speaker: "Wholeheartedly support.", "Object.", "We strongly oppose this."
    r"|^\W*(?:I |we )?(?:(?:also|strongly|fully|firmly|wholeheartedly|totally|completely|still)"
    r" )?(?:support|oppose|object|second|agree|disagree)(?: (?:to )?(?:it|this|that|the "
    r"(?:proposal|motion|amendment|plan|application|request)))?(?: (?:strongly|fully|too|as well"
    r"|wholeheartedly))?\W*$",
    _I,
)
_VOTE_WORDS = (
    "moved",
    "seconded",
    "support",
    "oppose",
    "object",
    "backed",
    "welcomed",
    "endorsed",
    "spoke",
    "agree",
    "second",
)


def _vote_only(sentence: str) -> bool:
    if len(sentence) > 120:
        return False
    lowered = sentence.lower()
    if not any(word in lowered for word in _VOTE_WORDS):
        return False  # most sentences: no pattern run
    return _VOTE_ONLY.match(sentence) is not None


# Markup that is not the words: emphasis marks, list markers, a leading @name or > quote mark.
# An argument list's stance mark after its number: "Pro:", "Con -", "(For)", "[Against]".
_STANCE_MARK = (
    r"(?:(?:pro|con|for|against|in favou?r)\s*[:\-\u2013]|[(\[](?:for|against|pro|con"
    r"|in favou?r)[)\]])"
)
_LEAD_MARKUP = re.compile(
    r"^(?:\s*(?:[-*+\u2022>]|\d{1,3}(?:\.\d{1,3}){0,8}[.)])(?:\s+|$)|\s*@[\w.\-]+[,:]?\s+)+"
    r"(?:" + _STANCE_MARK + r"\s+)?",
    re.IGNORECASE,
)
# A list marker at the start of a sentence ("2. a basic income ...", "- cheaper", "1.1. Pro:
# ..."): a quote starts after it (what follows is still verbatim).
_LIST_MARKER = re.compile(
    r"(?:(?:[-*+\u2022]|\d{1,3}(?:\.\d{1,3}){0,8}[.)])\s+(?:" + _STANCE_MARK + r"\s+)?"
    r"|" + _STANCE_MARK + r"\s+)(?=\S)",
    re.IGNORECASE,
)


# "@gemma " or "@loafy, " before what a sentence says.
_LEAD_MENTION = re.compile(r"@[\w.\-]+[,:]?\s+(?=\S)")


def after_marker(text: str, b: int, e: int) -> int:
    """Where the sentence `text[b:e]` starts once a leading list marker is skipped."""
    match = _LIST_MARKER.match(text, b, e)
    return match.end() if match is not None else b


_EMPHASIS = re.compile(r"(?<!\w)(\*{1,3}|_{1,3}|~~|`)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_BRACKETS = {")": "(", "]": "[", "}": "{"}


def strip_markup(text: str, names: Sequence[str] = ()) -> str:
    """`text` without Markdown emphasis, list markers and a leading @name, white space folded.
    `names`: the thread's names with a space in them ("Big Stu"), longest first: "@Big Stu and
    ..." loses the whole name (the pattern alone takes one word)."""
    text = " ".join(text.split())
    if names and text.startswith("@"):
        folded = text[1:].casefold()
        for name in names:
            size = len(name)
            if folded.startswith(name.casefold()) and not folded[size : size + 1].isalnum():
                text = text[1 + size :].lstrip(" ,:")
                break
    text = _LEAD_MARKUP.sub("", text)
    return _EMPHASIS.sub(r"\2", text)


# A bracket that is part of an emoticon (":)", ";-)", ":(", "=]") is no bracket.
_EMOTICON_EYES = ":;="


def balanced(text: str) -> str:
    """`text` without unmatched brackets: a cut fragment never shows "(PG: what ..."; an
    emoticon's bracket (":)") is left alone."""
    stack: list[int] = []
    drop: set[int] = set()
    for i, ch in enumerate(text):
        if (
            ch in "()[]{}"
            and i
            and (
                text[i - 1] in _EMOTICON_EYES
                or (text[i - 1] == "-" and text[i - 2 : i - 1] in (":", ";"))
            )
        ):
            continue
        if ch in "([{":
            stack.append(i)
        elif ch in _BRACKETS:
            if stack and text[stack[-1]] == _BRACKETS[ch]:
                stack.pop()
            else:
                drop.add(i)
    drop.update(stack)
    if not drop:
        return text
    return " ".join("".join(ch for i, ch in enumerate(text) if i not in drop).split())


def point_text(quote: str, names: Sequence[str] = ()) -> str:
    """A point's own text: its quote without markup, leading connectives and cues ("But",
    "+1,", "That's wrong:"), capitalized and shortened. Never used as a quote. `names`: as
    `strip_markup` takes them."""
    text = strip_markup(quote, names)
    text = _POINT_LEAD.sub("", text) or text
    if text[:1].islower():
        text = text[0].upper() + text[1:]
    return balanced(shorten(text, MAX_POINT_CHARS))


def quotable(doc: Doc) -> bool:
    """Whether a comment may be quoted: not junk, and on the topic by its words (terms the
    thread shares), or an answer to the question however it words it (`answers`)."""
    return not doc.junk and (not doc.off_topic or answers(doc))


def answers(doc: Doc) -> bool:
    """Whether a comment takes part in the dispute in so many words, however few of them it
    shares with the thread: it answers the question or a person with stance evidence ("Yes,
    the kids spend the whole evening on TikTok otherwise.", "Hoax. this exact post went round
    last year", "agree with carol, mine never caught a number plate"), which reading may mark
    off-topic by its words alone. Not thanks or praise."""
    return doc.cue is not None and doc.target is not None and not doc.praise


# --- question and labels ---------------------------------------------------------------------


# What a chair's opening puts to the meeting: "Item 4: Proposal to build ...", "Item 4 is the
# proposal to ...", "We're on agenda item 7, the proposed policy ...", "recommendation 4, which
# would ...".
_AGENDA_SUBJECT = re.compile(
    r"\b(?:(?:the|a|an|our) )?(?:(?:proposal|motion|recommendation)(?:\s+\d+)?"
    r"(?=\s*(?:to|that|from|for|is|before|:|,)\b|\s*[:,])|(?<=the |our )proposed (?!by\b)(?=\w)"
    # "Item 6: Proposed seasonal dog exclusion order" (not "Table 3 proposed turning ...")
    r"|(?<![\w,;] )(?<!\w)proposed (?!by\b)(?=\w)"
    # "a request from Millbrook Boxing Club for a ten-year lease ..." (what is asked, said)
    r"|request(?=\s+from\s+[^.!?\n]{3,80}?\s(?:to|for|that)\s))",
    re.IGNORECASE,
)
# What chat puts before a claim: "heads up, ...", "PSA:", "BREAKING:", "yo ...", "omg ...".
_CHAT_LEAD = re.compile(
    r"^\W*(?:(?:(?:heads up|psa|fyi|breaking(?: news)?|update|omg|yo|guys|hey (?:all|everyone|guys)"
    r"|hi (?:all|everyone)|ok(?:ay)? so|so|ok(?:ay)?|real talk)\b"
    # An opinion's own label: "Hot take: X", "Hot take for the squad chat: X", "Unpopular
    # opinion maybe, but X", "Hot take incoming. X" (the question is X).
    r"|(?:hot take|unpopular opinion|(?:mildly |slightly )?controversial (?:opinion|take|one)|cmv"
    r"|change my view)(?:[^:.!?\n]{0,30}:|(?:[\s,]+(?:incoming|alert|time|here|maybe|but))*\b))"
    r"[\s,:!.\-\u2013\u2014]*)+(?=\w)",
    re.IGNORECASE,
)
# A debate's own label for its claim: "Discussion Title: ..." (a Kialo export), "Motion: ...".
_HEADER_LABEL = re.compile(
    r"^\W*(?:discussion title|claim|motion|thesis|proposition|resolution|statement)\s*:\s*(?=\w)",
    re.IGNORECASE,
)
_QUESTION_LEAD = re.compile(
    r"\bquestion(?: this (?:morning|afternoon|evening))?\s*:\s*", re.IGNORECASE
)
# A chair's courtesies before the item: "Good evening and thanks for joining.", "Welcome back."
_COURTESY = re.compile(
    r"\W*(?:good (?:morning|afternoon|evening)|(?:good )?morning(?: everyone| all)?|hi all|hello"
    r"|welcome|thanks?(?: you)?(?: all| everyone)?(?: for (?:joining|coming))?|right|ok(?:ay)?)\b",
    re.IGNORECASE,
)
_ITEM_LEAD = re.compile(
    r"\W*(?:agenda )?item\s+\w+\s*(?:[:,.\-\u2013\u2014]|is\b)\s*", re.IGNORECASE
)
# A minute's own number before its subject: "26/32 Metal detecting on Hobb's Common.", "14/26
# The Chair introduced ...", "4. Cashless bar." (its subject starts with a capital).
_MINUTE_NUMBER = re.compile(r"\W*\d{1,3}(?:[./]\d{1,3}){0,2}\.?\s+(?=[A-Z])")
# "the question is whether ...", "The question for this table is whether ..."
_WHETHER_ASKED = re.compile(
    r"\b(?:question|motion|issue)(?:\s+(?:for|on|in front of|before)(?:\s+\w+){1,2})?"
    r"\s+(?:is|was)\s+whether\s+(?=\S+\s+\S+)",
    re.IGNORECASE,
)
# A minute's number read as a sentence of its own: "3.", "14/26", "2.1."
_BARE_NUMBER = re.compile(r"\s*\d{1,3}(?:[./]\d{1,3}){0,2}\.?\s*")
# A count of votes after "the proposal": ", 13 objected", ", and 4 against".
_TALLY = re.compile(r",\s*(?:and\s+)?\d+\s+(?:\w+\s+)?(?:objected|opposed|against|supported|for)\b")
# The standing business of a meeting, never the item debated.
_STANDING = re.compile(
    r"(?:present|in attendance|attendance|apologies|minutes|declarations?|matters arising|any other"
    r"|aob|date of|correspondence|welcome|treasurer'?s report|chair'?(?:man'?)?s report"
    r"|public (?:forum|participation|question))\b",
    re.IGNORECASE,
)


def _agenda_question(docs: list[Doc], opening: int, fallback: bool = True) -> str | None:
    """The item a chair's opening puts to the meeting, from its first sentences (and, when the
    opening is only a minutes header, those of the preamble after it: attendance, apologies,
    earlier items, up to the first comment that takes a stance or reports a member speaking):
    the sentence naming the proposal or motion, from that word on; else an "Item 4: ..." line's
    subject; else (with `fallback`) its first sentence that is not a courtesy ("Good evening
    and thanks for joining.")."""
    pieces = [
        (doc.comment.text, b, e)
        for doc in _preamble(docs, opening)
        for b, e in doc.spans[:6]
        if doc.comment.text[b] != ">"
    ]
    for text, b, e in pieces:
        found = _AGENDA_SUBJECT.search(text, b, min(e, b + 400))
        if found is None or word_count(text[found.start() : e]) < 4:
            continue
        if _TALLY.match(text, found.end()):
            continue  # "8 supported the proposal, 13 objected": a count, not the item
        return text[found.start() : min(e, found.start() + 2 * MAX_QUESTION_CHARS)]
    for text, b, e in pieces:
        # "Today we deliberate on the main question: should the city bring in ...?"
        lead = _QUESTION_LEAD.search(text, b, min(e, b + 400))
        if lead is not None and text[b:e].rstrip().endswith("?"):
            return text[lead.end() : min(e, lead.end() + 2 * MAX_QUESTION_CHARS)]
    for text, b, e in pieces:
        # "Ok table four, the question is whether the council should ban parking on pavements
        # across the whole town.": the claim put to the table
        asked = _WHETHER_ASKED.search(text, b, min(e, b + 400))
        if asked is not None and word_count(text[asked.end() : e]) >= 3:
            at = asked.end()
            if text.startswith(("to ", "To "), at):
                # "whether to recommend a ban ...": no claim without its "whether"
                at = text.lower().rfind("whether", asked.start(), asked.end())
            return text[at : min(e, at + 2 * MAX_QUESTION_CHARS)]
    for index, (text, b, e) in enumerate(pieces):
        if (
            _BARE_NUMBER.fullmatch(text, b, e)
            and index + 1 < len(pieces)
            and pieces[index + 1][0] is text
        ):
            # "3. Ticket prices. RK proposed ...", read as "3." and "Ticket prices.": the
            # number's heading is the next sentence, if it is one and not standing business
            _, nb, ne = pieces[index + 1]
            if _heading(text[nb:ne]) and not _STANDING.match(text, nb, ne):
                if (
                    index + 2 < len(pieces)
                    and pieces[index + 2][0] is text
                    and word_count(text[pieces[index + 2][1] : pieces[index + 2][2]]) >= 4
                ):
                    ne = pieces[index + 2][2]  # "Venue." says little: with what is put about it
                return text[nb : min(ne, nb + 2 * MAX_QUESTION_CHARS)]
            continue
        lead = _ITEM_LEAD.match(text, b, e)
        if lead is None and len(pieces) > 1:
            # a numbered minute only as a heading ("26/32 Metal detecting on Hobb's Common."),
            # not a numbered paragraph ("3.1 The secretary read the survey result: ...")
            lead = _MINUTE_NUMBER.match(text, b, e)
            if lead is not None and not _heading(text[lead.end() : e]):
                continue
        if lead is None or _STANDING.match(text, lead.end(), e):
            continue
        if word_count(text[lead.end() : e]) >= 2:
            return text[lead.end() : min(e, lead.end() + 2 * MAX_QUESTION_CHARS)]
        if index + 1 < len(pieces) and pieces[index + 1][0] is text:
            # "Item 7." alone, its subject the next sentence: "Request from ... to trade ..."
            _, nb, ne = pieces[index + 1]
            if word_count(text[nb:ne]) >= 2 and not _STANDING.match(text, nb, ne):
                return text[nb : min(ne, nb + 2 * MAX_QUESTION_CHARS)]
    if not fallback:
        return None
    text = docs[opening].comment.text
    for b, e in docs[opening].spans[:3]:
        if not _COURTESY.match(text, b, e) and word_count(text[b:e]) >= 4:
            return text[b : min(e, b + 2 * MAX_QUESTION_CHARS)]
    return None


# The comments read for the item a minutes header is followed by (`_preamble`).
PREAMBLE_DOCS = 8
# Who runs a meeting rather than speaking in it ("The Chair introduced ...", "The Clerk
# reported ..."): `linking.CHAIR_ROLES`, and the officers who report.
_OFFICER = re.compile(
    rf"\b(?:{CHAIR_ROLES}|president|treasurer|headteacher|the estate|the council)\b", re.IGNORECASE
)
# A minutes header as the opening, with no "meeting" or "minutes" in it: "Oakfield Cricket Club
# - General Committee, 12 November 2026", "ASHWELL MAGNA PARISH COUNCIL – Amenities Committee.":
# a body's name and a date or a dash, no verb of its own.
_BODY = re.compile(
    r"\b(?:committee|council|society|club|association|trust|board|governors|agm"
    r"|annual general meeting|assembly|consultation|forum|guild|panel)\b",
    re.IGNORECASE,
)
_HEADER_MARK = re.compile(r"\d|\s[-\u2013\u2014|/]\s|,")


# What a minute's paragraph reports with, which a heading ("Club shoot day.") has none of.
_REPORTS = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|will|would|said|says|read|reported|agreed"
    r"|received|asked|noted|put|introduced|explained|confirmed|proposed|moved|resolved)\b",
    re.IGNORECASE,
)


def _heading(text: str) -> bool:
    """A minute's heading: a few words naming the item, no verb of a report."""
    return word_count(text) <= 10 and _REPORTS.search(text) is None


# What a sentence that says something has and a header naming a body does not: a verb form, a
# modal, a person, in lower case ("Full Governing Board" and "Proposed charges" are titles).
_VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|will|would|should|shall|can|could|may|might"
    r"|must|do|does|did|not|[Ii]|[Ww]e|[Yy]ou|[Tt]hey|[Hh]e|[Ss]he|[Ii]t|[Mm]y|[Oo]ur"
    r"|[a-z]+n't|[a-z]{3,}ing|[a-z]{3,}ed)\b"
)


_LOWER_WORD = re.compile(r"(?<![\w'])[a-z][a-z']*")
_TITLE_SMALL = frozenset(("of", "and", "the", "for", "in", "on", "at", "a"))


def _header_like(doc: Doc) -> bool:
    """Whether the opening is only a header naming a body and when it met (display only: the
    sides stage reads it as it reads any opening)."""
    if doc.speaker is not None or doc.cue is not None or not doc.spans:
        return False
    b, e = doc.spans[0]
    head = doc.comment.text[b:e]
    return (
        word_count(head) <= 16
        and not head.rstrip().endswith("?")
        and _BODY.search(head) is not None
        and (_HEADER_MARK.search(head) is not None or head.isupper())
        # ("Council are banning polytunnels on all their sites, ..." reports; a header names,
        # in capitalized words: "University to sell the refractor, say society members" reports)
        and _VERBISH.search(head) is None
        # (a body's own words may be lower case: "Westbury Players committee meeting, ...")
        and sum(
            1
            for w in _LOWER_WORD.findall(head)
            if w not in _TITLE_SMALL and w not in ("meeting", "minutes") and not _BODY.fullmatch(w)
        )
        <= 1
    )


def _standing(text: str, b: int, e: int) -> bool:
    """A sentence of a meeting's standing business ("Present: ...", "26/31 Apologies ...", "The
    minutes of the last meeting were agreed", "Those present were ...") or an item's bare
    number ("Item 4.")."""
    lead = _MINUTE_NUMBER.match(text, b, e) or _ITEM_LEAD.match(text, b, e)
    at = lead.end() if lead else b
    if at >= e or _STANDING.match(text, at, e):
        return True
    if lead is not None and _heading(text[at:e]):
        return True  # an item's heading ("15/26 Christmas lights."): what is debated, or not
    return _STANDING_SAID.match(text, at, e) is not None


# Standing business told as a sentence: "The minutes of the October meeting were agreed.",
# "Those present were ...", "In the chair, ...".
_STANDING_SAID = re.compile(
    r"(?:the )?(?:minutes of (?:the )?(?:last|previous|\w+) (?:meeting|agm)|those present"
    r"|in the chair|attending|names (?:of|withheld)|responses (?:received|are reproduced))\b",
    re.IGNORECASE,
)


def _preamble(docs: list[Doc], opening: int) -> list[Doc]:
    """The opening, and when it has no speaker (a minutes header) the comment after it and the
    preamble that follows (attendance, apologies, earlier items, an officer's introduction), up
    to the first comment that takes a stance or reports a member speaking."""
    out = [docs[opening]]
    if docs[opening].speaker is not None:
        return out
    for doc in docs[opening + 1 : opening + PREAMBLE_DOCS]:
        if len(out) > 1 and (
            doc.cue is not None
            or (doc.speaker is not None and _OFFICER.search(doc.speaker) is None)
        ):
            break
        out.append(doc)
    return out


def question(title: str | None, docs: list[Doc], opening: int | None, agenda: bool = False) -> str:
    """The thread's title when it is a sentence, else the opening claim (its first sentence or
    two), shortened on a word boundary, brackets balanced, markup stripped. Where the opening
    is a chair's agenda (`agenda`), the item it puts to the meeting ("Proposal to build a skate
    park ..."), not a header ("Westbury Parish Council: extraordinary meeting")."""
    title = " ".join((title or "").split())
    if sentence_like(title):
        return balanced(shorten(title, MAX_QUESTION_CHARS))
    if opening is None:
        return "No question could be read from the thread."
    doc = docs[opening]
    text = doc.comment.text
    if agenda or _header_like(doc):
        # (a header-like opening the sides stage does not read as an agenda keeps its own
        # first sentences when no item follows it)
        item = _agenda_question(docs, opening, fallback=agenda)
        if item is not None:
            item = strip_markup(item).strip()
            item = item[:1].upper() + item[1:]
            return balanced(shorten(item, MAX_QUESTION_CHARS))
    parts: list[str] = []
    for b, e in doc.spans:
        # (a sentence that only invites the argument, "Fight me.", is no part of the question)
        if text[b] == ">" or (parts and e - b < 40 and INVITATION.match(text, b, e)):
            continue
        # Cut before stripping markup: what is shown is short, and a hostile sentence of
        # thousands of underscores must not cost more than its first few hundred characters.
        parts.append(strip_markup(text[b : min(e, b + 2 * MAX_QUESTION_CHARS)]))
        if word_count(" ".join(parts)) >= 6:
            break
    if not parts:
        return "No question could be read from the thread."
    joined = _HEADER_LABEL.sub("", " ".join(parts), count=1) or " ".join(parts)
    stated = _CHAT_LEAD.sub("", joined, count=1) or joined
    return balanced(shorten(stated[:1].upper() + stated[1:], MAX_QUESTION_CHARS))


# "I think remote work should be allowed": the label names the claim, not the hedge.
_HEDGE = re.compile(
    r"^(?:I (?:really |honestly )?(?:think|believe|feel|reckon)|IMO|IMHO|In my (?:honest )?opinion"
    r"|Personally)[,:]?\s+(?:that\s+)?",
    re.IGNORECASE,
)


# A chair's framing of the claim: "The question for this table is whether ...", "Right, table
# three. The question is whether ...": a label says the claim itself ("For: the county should
# put noise cameras on the valley road").
_WHETHER = re.compile(
    r"^(?:[^.!?]{0,40}[.!]\s+)?(?:(?:the|this|our|tonight'?s|today'?s|\w+'s)\s+){0,2}"
    r"(?:main\s+)?question(?:\s+(?:for|on|in front of|before)(?:\s+\w+){1,2})?\s+(?:is|was)\s+"
    r"whether\s+(?=\S+\s+\S+)",
    re.IGNORECASE,
)


# The position of a side nobody in the thread took ("Should cruise ships be banned?" with every
# answer against a ban): the side is shown, empty, so that the summary does not hide that the
# question has another answer.
NOBODY = "Nobody in the thread took this side."
# A question answered yes or no: "Should ...?", "Is ...?", "Do we ...?".
_YES_NO = re.compile(
    r"(?:should|shall|is|are|was|were|do|does|did|can|could|will|would|has|have|must|may)\b",
    re.IGNORECASE,
)


def labels(
    question_text: str,
    positions: list[str],
    anchored: bool,
    marked: bool = False,
    thesis: bool = True,
) -> list[str]:
    """Labels in words: "For: <claim>" / "Against: <claim>" when side 0 is the question's side
    and the question is a claim (or, in a list whose lines are marked for and against, the
    thesis side 0 states: "Should X?" asks, "1. X should ..." is the claim); else the head of
    each side's position."""
    claim = _HEDGE.sub("", question_text.rstrip(" .!"), count=1) or question_text
    claim = _WHETHER.sub("", claim, count=1) or claim
    claim = claim[:1].upper() + claim[1:]
    if anchored and len(positions) == 2 and claim.endswith("?") and marked:
        if not thesis:
            # A list under "Arguments for:" / "Arguments against:" headings answers the
            # question asked above it, and states no thesis of its own.
            return ["For", "Against"]
        claim = positions[0].rstrip(" .!")  # the thesis, in the list's own words
    if anchored and len(positions) == 2 and not claim.endswith("?"):
        head = balanced(shorten(claim, MAX_LABEL_CHARS))
        return [f"For: {head}", f"Against: {head}"]
    if (
        anchored
        and len(positions) == 2
        and _YES_NO.match(claim)
        and not question_options(question_text[:600])
    ):
        # Side 0 answers the question yes: "Yes: Mine paid for itself after one insurance
        # claim" / "No: The cheap ones are useless at night"; "Yes" alone where nobody said it.
        return [
            answer
            if p == NOBODY or _QUESTION_END.search(p)  # ("Yes", not "Yes: Should there be ...?")
            else f"{answer}: {balanced(shorten(p.rstrip(' .'), MAX_LABEL_CHARS))}"
            for answer, p in zip(("Yes", "No"), positions, strict=True)
        ]
    return [
        "Nobody took this side"
        if p == NOBODY
        else balanced(shorten(p.rstrip(" ."), MAX_LABEL_CHARS))
        for p in positions
    ]


# --- positions and points --------------------------------------------------------------------


# Who speaks, and nothing else: "Hi all, owner here.", "Club secretary here:", "Sam from Whizz
# here.", "Maintainer here."
# "I work there.", "I volunteer there Thursdays." (not "Say hello here:", which asks)
_INTRODUCTION = re.compile(
    r"\W*(?:(?:hi|hello|hey|morning|evening)\b[^.!?:]{0,12}?[,!.]\s*)?"
    r"(?:(?!(?:say|post|put|leave|drop|share|introduce|sign|start|write|add|reply|comment|same|not"
    r"|no|nothing|it|this|that)\b)"
    r"(?:\w[\w'&-]*\s+){0,4}\w[\w'&-]*\s+here"
    r"|i\s+(?:work|volunteer|help(?:\s+out)?)\s+(?:there|here)(?:\s+\w+){0,2})"
    r"(?:\s*[.!:-]+\s*|\s*$)",
    re.IGNORECASE,
)


def _introduces(text: str, b: int, e: int) -> bool:
    """Whether the sentence `text[b:e]` only says who speaks."""
    intro = _INTRODUCTION.match(text, b, e)
    return intro is not None and not text[intro.end() : e].strip()


def _statements(doc: Doc, terms: Terms) -> list[tuple[int, int]]:
    """The quotable sentences of a comment, statements before questions."""
    text = doc.comment.text
    out = []
    for b, e in doc.spans:
        piece = _URL.sub(" ", text[b:e])
        if text[b] == ">" or not terms(piece):
            continue
        if not _POINT_LEAD.sub("", " ".join(piece.split())).strip() or is_junk(piece):
            continue  # only a cue ("I disagree.") or thanks ("Thanks!")
        if _vote_only(piece):
            continue  # only a reported vote ("Cllr Amadi moved the proposal.")
        if (b, e) != doc.spans[-1] and _introduces(text, b, e):
            continue  # "Hi all, owner here." before what the owner says: that is the statement
        if text[b] == "(" and text[b:e].rstrip(" .").endswith(")"):
            continue  # "(Replies from a parents' forum, copied in the order they were posted.)"
        out.append((b, e))
    return sorted(out, key=lambda s: (_QUESTION_END.search(text[s[0] : s[1]]) is not None, s))


def position(
    docs: list[Doc],
    side: int,
    terms: Terms,
    opening: int | None,
    anchored: bool,
    names: Sequence[str] = (),
    agenda: bool = False,
) -> tuple[str, tuple[int, tuple[int, int]] | None]:
    """The side's position, and the sentence it was cut from (so that no point repeats it): a
    sentence of the comment that opened the side (the opening claim, or the first comment that
    disagreed with the other side), else of any comment on the side. Where the opening is a
    chair's agenda or a minutes header (`agenda`), it states no position: its header, standing
    business and the item are the question's ("FERNHILL PARISH COUNCIL", "Present: ...")."""
    framing: set[int] = set()
    if opening is not None and (agenda or _header_like(docs[opening])):
        framing = {opening}
        for d in docs[opening + 1 : opening + PREAMBLE_DOCS]:
            if d.cue is not None or d.speaker is not None:
                break  # (someone speaks: the debate has begun)
            framing.add(d.index)
    members = [d for d in docs if d.side == side and quotable(d)]
    openers: list[Doc] = []
    if anchored and side == 0 and opening is not None and docs[opening].side == 0:
        openers.append(docs[opening])
    for d in members:
        target = d.target
        if d.cue is None or d.cue.sign > 0 or target is None:
            continue
        if (target == ROOT and side == 1) or (target != ROOT and docs[target].side == 1 - side):
            openers.append(d)
    # A side is shown by its own case: the first of its strongest statements (`_weakness`),
    # the opening claim or the first to disagree before the rest; "Source?" only where the side
    # makes no statement, and "sorry for the panic" only where nobody else speaks for it.
    best: tuple[int, Doc, tuple[int, int]] | None = None
    for d in [*openers, *members]:
        if d.index in framing or (anchored and d.index == opening and only_asks(d)):
            continue  # ("Is a hot dog a sandwich? Settle this for us" takes no side's view)
        spans = _statements(d, terms)
        if framing:
            spans = [(b, e) for b, e in spans if not _standing(d.comment.text, b, e)]
        # ("Arguments for:" heads its list: the list's first line is the position; "Settle
        # this for us" only invites the argument)
        spans = [
            (b, e)
            for b, e in spans
            if not LIST_HEADING.match(d.comment.text, b, e)
            and not (e - b < 60 and INVITATION.match(d.comment.text, b, e))
        ]
        if not spans:
            continue
        if d.index == opening:
            # (an opening that asks is the question's: `summarize_offline` puts a point there)
            return _position_text(d, spans[0], names), (d.index, spans[0])
        rank = _weakness(d, spans[0], docs, opening)
        if best is None or rank < best[0]:
            best = (rank, d, spans[0])
            if rank == 0:
                break
    if best is not None:
        _, d, span = best
        return _position_text(d, span, names), (d.index, span)
    return "No statement of this side could be quoted.", None


def _takes_back(doc: Doc, docs: list[Doc], opening: int | None) -> bool:
    """Whether the one who opened the thread speaks on the other side: takes their report back
    ("Ah ok, I must have misheard a loan as a sale"), which states no case of that side."""
    return (
        opening is not None
        and doc.speaker is not None
        and doc.speaker == docs[opening].speaker
        and doc.side != docs[opening].side
    )


def _weakness(doc: Doc, span: tuple[int, int], docs: list[Doc], opening: int | None) -> int:
    """How weakly a comment's sentence states its side's case (0: a statement on the topic):
    1 an answer in words the thread does not share (off-topic to reading: "Hoax. this exact
    post went round last year"), 2 a call for a source that also states ("Who told you that? I
    spoke to the county secretary on Tuesday"), 3 a sentence that only asks ("Is this real? a
    sinkhole on market street? photo?"; not "In november? theyre in west africa by now.
    photo?", one sentence to the splitter), 4 the one who opened the thread taking it back ("Ah
    ok, I must have misheard a loan as a sale")."""
    if _takes_back(doc, docs, opening):
        return 4
    sentence = doc.comment.text[span[0] : span[1]]
    if _QUESTION_END.search(sentence) is not None and _STATED.search(sentence) is None:
        return 3
    if doc.cue is not None and doc.cue.kind == "query":
        return 2
    return 1 if doc.off_topic else 0


_STATED = re.compile(r"[.!]\s")  # a statement ends inside it: "... by now. photo?"


def _position_text(doc: Doc, span: tuple[int, int], names: Sequence[str]) -> str:
    text = doc.comment.text
    b = after_marker(text, *span)
    intro = _INTRODUCTION.match(text, b, span[1])
    if intro is not None and text[intro.end() : span[1]].strip():
        b = intro.end()  # "Landlord here. open mic stays" (one sentence to the splitter)
    b, e = clause_cut(text, b, span[1], MAX_QUOTE_CHARS)
    return point_text(text[b:e], names)


def position_point(doc: Doc, span: tuple[int, int], text: str) -> Point:
    """The sentence a position was cut from, as a point: the position's text, its verbatim
    (shortened) quote and the comment it cites."""
    raw = doc.comment.text
    b, e = clause_cut(raw, after_marker(raw, *span), span[1], MAX_QUOTE_CHARS)
    quote = raw[b:e]
    return Point(
        text=text,
        comment_ids=[doc.comment.id],
        quotes=[Quote(comment_id=doc.comment.id, text=quote)],
    )


_INDEX = attrgetter("index")  # a doc's index, read in C (issue 13)


def centroid(docs: list[Doc], table: VectorTable | None = None) -> Vector:
    """The normalized sum of the docs' vectors; `table`, when given, holds every doc's vector
    (`VectorTable` of all of them, in doc order): the same vector, faster."""
    if table is not None:
        return normalized(table.sum(map(_INDEX, docs)))
    return normalized(sum_vectors(doc.vector for doc in docs))


def _length_factor(words: int) -> float:
    if words < 8:
        return 0.7
    if words <= 45:
        return 1.0
    return max(0.5, 45.0 / words)


def pick_points(
    members: list[Doc],
    mine: Vector,
    other: Vector,
    idf: dict[str, float],
    terms: Terms,
    cap: int,
    skip: set[tuple[int, tuple[int, int]]],
    shown: str = "",
    table: VectorTable | None = None,
    names: Sequence[str] = (),
) -> list[Point]:
    """Up to `cap` central, mutually different sentences of `members` (maximal marginal
    relevance), most central first, none of the sentences in `skip` nor any the text `shown`
    (the question) already holds."""
    said = " ".join(shown.split()).casefold()
    members = [d for d in members if quotable(d)]

    if table is not None:
        rows = list(map(_INDEX, members))
        nears, fars = table.dots(rows, mine), table.dots(rows, other)
    else:
        vectors = [d.vector for d in members]
        nears, fars = dots(vectors, mine), dots(vectors, other)
    # Only the most central comments are split into sentence vectors: linear, and enough.
    ranked = _most_central(members, nears, fars, max(12, 4 * cap))
    candidates: list[tuple[float, int, tuple[int, int], Vector]] = []
    for strict in (True, False):
        for d in ranked:
            candidates.extend(_candidates(d, mine, other, idf, terms, strict, skip, said))
        if candidates:
            break  # short comments only: then any sentence with content will do
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    chosen: list[tuple[float, int, tuple[int, int], Vector]] = []
    per_doc: dict[int, int] = {}
    pool = candidates[: 20 * cap]
    while pool and len(chosen) < cap:
        best_i, best_value = 0, -math.inf
        for i, cand in enumerate(pool):
            redundancy = max((dot(cand[3], c[3]) for c in chosen), default=0.0)
            value = cand[0] - 0.5 * redundancy * max(cand[0], 0.05)
            value -= 0.05 * per_doc.get(cand[1], 0)
            if value > best_value + 1e-12:
                best_i, best_value = i, value
        pick = pool.pop(best_i)
        if any(dot(pick[3], c[3]) > 0.9 for c in chosen):
            continue  # a near repeat of a chosen point says nothing new
        chosen.append(pick)
        per_doc[pick[1]] = per_doc.get(pick[1], 0) + 1
    by_index = {d.index: d for d in members}
    points = []
    for _, index, span, _ in chosen:
        comment = by_index[index].comment
        quote = comment.text[span[0] : span[1]]
        if quote_matches(quote, comment.text):  # only pure punctuation could fail this
            points.append(
                Point(
                    text=point_text(quote, names),
                    comment_ids=[comment.id],
                    quotes=[Quote(comment_id=comment.id, text=quote)],
                )
            )
    return points


def _most_central(
    members: list[Doc], nears: list[float], fars: list[float], count: int
) -> list[Doc]:
    """The `count` members of highest score (near the side, far from the other, answered),
    best first, ties in index order. From `SUM_IN_ARRAYS` members on, the same scores (the
    same IEEE operations) are ranked in arrays: a sort by a key made per member was most of
    the work on a large side (issue 13)."""
    if len(members) < SUM_IN_ARRAYS:
        scores = {
            d.index: (near - 0.3 * far) * (1.0 + 0.1 * min(d.replies, 5))
            for d, near, far in zip(members, nears, fars, strict=True)
        }
        return sorted(members, key=lambda d: (-scores[d.index], d.index))[:count]
    import numpy as np

    size = len(members)
    replies = np.fromiter(map(attrgetter("replies"), members), np.int64, size)
    near = np.array(nears, dtype=np.float64)
    far = np.array(fars, dtype=np.float64)
    score = (near - 0.3 * far) * (1.0 + 0.1 * np.minimum(replies, 5))
    index = np.fromiter(map(_INDEX, members), np.int64, size)
    order = np.lexsort((index, -score))[:count]  # by -score, then by index
    return [members[i] for i in order.tolist()]


def _sentence_ok(text: str, terms: Terms, strict: bool) -> bool:
    """A sentence worth quoting: five words and three distinct terms (strict), or any content."""
    without_urls = _URL.sub(" ", text)
    if _vote_only(without_urls):
        return False  # "Cllr Amadi moved the proposal.": a side's evidence, not its point
    if strict:
        return word_count(without_urls) >= 5 and len(set(terms(without_urls))) >= 3
    return bool(terms(without_urls))


ANSWER_SCORE = 1e-3  # an answer to the question that shares no terms (`answers`), as a point


def _candidates(
    d: Doc,
    mine: Vector,
    other: Vector,
    idf: dict[str, float],
    terms: Terms,
    strict: bool,
    skip: set[tuple[int, tuple[int, int]]],
    said: str = "",
) -> list[tuple[float, int, tuple[int, int], Vector]]:
    """The quotable sentences of comment `d`, scored: close to the side, away from the other
    side, of a sane length, in a comment people replied to; statements before questions."""
    out = []
    text = d.comment.text
    for b, e in d.spans:
        if (
            text[b] == ">"
            or (d.index, (b, e)) in skip
            or not _sentence_ok(text[b:e], terms, strict)
        ):
            continue
        if not _POINT_LEAD.sub("", " ".join(text[b:e].split())).strip():
            continue
        span = clause_cut(text, after_marker(text, b, e), e, MAX_QUOTE_CHARS)
        piece = text[span[0] : span[1]]
        if said and point_text(piece).casefold().rstrip(".…") in said:
            continue  # the question already says it
        vector = tfidf(terms(piece), idf)
        if not vector and not answers(d):
            continue
        # (an answer in words no other comment uses scores nothing: it is picked last, where
        # the side has room for it)
        score = dot(vector, mine) - 0.3 * dot(vector, other) if vector else ANSWER_SCORE
        score *= _length_factor(word_count(piece)) * (1.0 + 0.1 * min(d.replies, 5))
        if _QUESTION_END.search(piece):
            score *= 0.8
        out.append((score, d.index, span, vector))
    return out


# --- common ground and open questions --------------------------------------------------------


def common_ground(
    docs: list[Doc],
    terms: Terms,
    used: set[tuple[int, tuple[int, int]]],
    two_sides: bool,
    names: Sequence[str] = (),
) -> list[Point]:
    """Up to three agreeing clauses, in thread order: agreement with the other side first ("I
    fully agree regarding ..."), then concessions ("I agree ..., but"); with one side, any
    agreement. Each needs some content besides the cue and is not already a point."""
    # Across sides first, then the rest, each in thread order: the first few of a kind are
    # all that can be chosen, so a kind stops being looked at once it has them (issue 13).
    found: tuple[list[tuple[int, Point]], list[tuple[int, Point]]] = ([], [])
    for doc in docs:
        cue = doc.cue
        if cue is None or cue.agreement is None or not quotable(doc):
            continue
        if len(found[0]) >= MAX_COMMON_GROUND:
            break
        b, e = cue.agreement
        parent = docs[doc.target] if doc.target is not None and doc.target >= 0 else None
        across = (
            parent is not None
            and parent.side is not None
            and doc.side is not None
            and parent.side != doc.side
        )
        # With two sides, agreement inside one side is not common ground; a concession is
        # (it grants the other side something, whoever it was addressed to).
        if two_sides and not across and cue.kind != "concession":
            continue
        kind = found[0 if across else 1]
        if len(kind) >= MAX_COMMON_GROUND:
            continue
        # (Not already quoted: looked at only for an agreement that may be common ground.)
        if any(d == doc.index and not (e <= s[0] or b >= s[1]) for d, s in used):
            continue
        text = doc.comment.text
        clause = text[b:e]
        if len(set(terms(without_cue(text, (b, e))))) < 2 or not quote_matches(clause, text):
            continue
        ids = [doc.comment.id]
        if across and parent is not None and parent.comment.id not in ids:
            ids.append(parent.comment.id)
        point = Point(
            text=point_text(clause, names),
            comment_ids=ids,
            quotes=[Quote(comment_id=doc.comment.id, text=clause)],
        )
        kind.append((doc.index, point))
    chosen = (found[0] + found[1])[:MAX_COMMON_GROUND]
    chosen.sort(key=lambda item: item[0])
    return [point for _, point in chosen]


def _questions_in(doc: Doc) -> list[tuple[tuple[int, int], str]]:
    """Short questions of a comment, verbatim, with their spans."""
    text = doc.comment.text
    out: list[tuple[tuple[int, int], str]] = []
    if "?" not in text:
        return out  # no sentence can end with one
    for b, e in doc.spans:
        b = after_marker(text, b, e)  # "- Doesn't a tree ...?" is asked without its dash
        mention = _LEAD_MENTION.match(text, b, e)
        if mention is not None:
            b = mention.end()  # "@Gemma which venue??" asks "which venue??"
        sentence = text[b:e]
        if (
            _QUESTION_END.search(sentence)
            and not sentence.startswith(">")
            and 3 <= word_count(sentence) <= 40
            and len(sentence) <= 220
        ):
            out.append(((b, e), sentence))
    return out


def open_questions(
    docs: list[Doc],
    terms: Terms,
    idf: dict[str, float],
    question_text: str,
    used: set[tuple[int, tuple[int, int]]],
    table: VectorTable | None = None,
) -> list[str]:
    """Up to three short questions, verbatim, from comments that were disputed or got no
    answer, other than the main question and the points' sentences; the most on-topic three,
    listed in thread order."""
    thread_vec = centroid([d for d in docs if quotable(d)], table)
    found: list[tuple[float, int, str]] = []
    seen = {question_text}
    # The question as shown may be shortened or capitalized: compared folded, without its "…".
    asked = fold_casefold(question_text).removesuffix("...").rstrip()
    for doc in docs:
        # (No "?": no question in it, the commonest case, told first: issue 13.)
        if "?" not in doc.comment.text or not quotable(doc):
            continue
        if not (doc.disputed or doc.replies == 0):
            continue
        for span, sentence in _questions_in(doc):
            folded = fold_casefold(sentence)
            if (
                sentence in seen
                or folded in asked
                or (asked != "" and asked in folded)
                or any(d == doc.index and not (span[1] <= u[0] or span[0] >= u[1]) for d, u in used)
            ):
                continue
            seen.add(sentence)
            score = dot(tfidf(terms(sentence), idf), thread_vec)
            if score > 0:
                found.append((score, doc.index, sentence))
    found.sort(key=lambda item: (-item[0], item[1]))
    chosen = sorted(found[:MAX_OPEN_QUESTIONS], key=lambda item: item[1])
    return [sentence for _, _, sentence in chosen]


# --- notes -----------------------------------------------------------------------------------


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# A comment of this many words with no cue is an argument in its own right (`_contested`).
ARGUMENT_WORDS = 6


def _contested(doc: Doc) -> bool:
    """A comment that may argue against another without saying so: a negation or a contrast,
    and no agreement cue."""
    if doc.junk or (doc.cue is not None and doc.cue.sign > 0):
        return False
    own = doc.comment.text[doc.body :]
    if reply_contrast(own, quoted=doc.body > 0) is not None:
        return True
    # An argument of its own, with no cue either way ("parents have the right to choose how
    # their children are educated"): nothing says it agrees, so nobody can say it does.
    return (
        doc.cue is None
        and not (doc.praise or doc.off_topic)
        and len(own.split()) >= ARGUMENT_WORDS
        and not own.rstrip().endswith("?")
    )


def notes(
    docs: list[Doc], two_sides: bool, conflicts: int, other_points: bool = False
) -> list[str]:
    """True sentences about what the engine found, with plurals right."""
    out = []
    live = [d for d in docs if not d.comment.is_bot]
    if two_sides:
        linked = [
            d
            for d in docs
            if d.side is not None
            and (
                (d.cue is not None and d.target is not None) or d.link in ("team", "pick", "marked")
            )
        ]
        links = Counter(map(attrgetter("link"), linked))  # one count for every question below
        previous = links["previous"]
        unplaced = sum(1 for d in live if d.side is None and not d.junk)
        detail = (
            f" ({previous} of them taken as answering the previous speaker, as the thread has "
            "no reply link for them)"
            if previous
            else ""
        )
        verb = "agrees or disagrees" if len(linked) == 1 else "agree or disagree"
        if links["team"] or links["pick"]:
            verb = "takes a side" if len(linked) == 1 else "agree, disagree or pick a side"
        if links["marked"]:
            # "1.1. Pro: ...", "(Against) ...": the list marks each argument's side.
            verb = "is marked for or against" if len(linked) == 1 else "are marked for or against"
            if links["marked"] < len(linked):
                verb += ", or agree or disagree"
        note = f"Sides come from {plural(len(linked), 'comment')} that {verb}{detail}"
        if unplaced:
            note += (
                f"; {plural(unplaced, 'comment')} with no such evidence "
                f"{'is' if unplaced == 1 else 'are'} on no side"
                + (" (see Other points)" if other_points else "")
            )
        out.append(note + ".")
    elif any(d.disagrees for d in live):
        out.append("Sides could not be told apart without a model; main points below.")
    elif not live:
        out.append("No disagreement found: the thread has no comments.")
    elif len(live) == 1:
        out.append("No disagreement found: the thread has a single comment.")
    elif any(_contested(d) for d in live[1:]):
        # Arguments side by side with no cue ("School uniforms suppress expression" / "... help
        # everyone feel included"): the engine found none, but cannot say there is none.
        out.append(
            "No comment says outright that it disagrees with another; without a model the "
            "engine cannot tell whether the comments take different sides, so the main points "
            "are listed together."
        )
    else:
        out.append(
            "No disagreement found: no comment says it disagrees, so the main points are "
            "listed as one side."
        )
    if conflicts:
        out.append(
            f"{plural(conflicts, 'agree/disagree cue')} contradicted stronger evidence and "
            f"{'was' if conflicts == 1 else 'were'} ignored."
        )
    left_out = [d.comment.id for d in live if not quotable(d)]
    if left_out:
        shown = ", ".join(left_out[:10]) + (" …" if len(left_out) > 10 else "")
        out.append(
            f"Not quoted as greetings, tests, thanks, praise, bare links or off-topic: "
            f"{plural(len(left_out), 'comment')} ({shown})."
        )
    out.append(
        "Extractive summary: points and positions are commenters' own sentences, shortened; "
        "quotes are verbatim."
    )
    return out
