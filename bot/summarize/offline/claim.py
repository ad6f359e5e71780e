"""Stance relative to the opening claim, for a comment that answers nobody in particular.

A comment clause that states the claim's own predicate ("Zoos should be abolished because ...",
"Speed bumps would really slow drivers down") is for the claim; one that states it with a
negation more or less than the claim ("We should not abolish zoos", "Speed bumps don't slow
drivers down", "Not a sandwich.") is against it. The predicate must be used as a verb phrase of
a subject the claim names (or "it", "they", "this", "that"): a clause whose subject is the claim
itself ("Banning homework would widen the gap ...") is about its consequences, not a stance, and
sharing topic words is never enough. Questions and conditionals state nothing.

This reads words only, so it is weaker evidence than a reply that says "I disagree"; it is used
for comments without any other cue (argument collections, top-level comments, chat turns that
restate or deny the opening claim without naming anyone). Constant work per comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.summarize.text import _LOOSE_APOSTROPHE, _LOOSE_HYPHEN, STOPWORDS, words
from bot.textfold import fold_chars

_AUX = frozenset(
    "should must would will can could may might shall is are was were be been being do does did "
    "has have had need needs ought 's 're 'd 'll am wo ca".split()
)
_NEG = frozenset({"not", "n't", "never", "no"})
_SKIP = frozenset(
    "really definitely absolutely certainly clearly totally obviously surely just also still "
    "actually simply probably already even so too truly indeed honestly fully completely ever "
    "always then only genuinely literally objectively seriously very extremely incredibly "
    "massively hugely kinda therefore thus hence ergo".split()
)
_INTENSIFIERS = frozenset(
    "really definitely absolutely certainly clearly totally obviously surely truly indeed must "
    "100 genuinely literally objectively seriously extremely incredibly massively hugely".split()
)
_DET = frozenset("a an the this that these those some any our their its my your his her".split())
# Pronouns that stand for the claim's subject.
_PRON = frozenset("it they this that these those its".split())  # "its not X": "it's"
_DEONTIC = frozenset("should must ought need".split())
# What a speaker says they would do: "I'd ban them", "I will vote to keep it".
_VOLITION = frozenset("would 'd will 'll".split())
_SUBJECT_PRON = frozenset("we you i he she".split())
# Words before a question's verb that make it a question, not a claim ("Should we ...?").
_OPENERS = frozenset("so ok okay hey guys folks honestly well".split())
_TOKEN = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
_TOKEN_OR_BREAK = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*|[,;:()]|\s-\s")
# `_TOKEN_OR_BREAK` for a lowercased ASCII text: the same matches, with a character set the
# regex engine looks up instead of a Unicode category per character.
_ASCII_TOKEN_OR_BREAK = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*|[,;:()]|\s-\s")
# What ends a clause: punctuation, and the conjunctions that start a reason, a result or a
# contrast ("..., so zoos should not be abolished").
_BREAKS = frozenset(
    ", ; : ( ) - because since so but although though while whereas unless and yet".split()
    + [" - "]
)
_CONTRACTION = re.compile(r"(?:n't|'s|'re|'ll|'d|'ve|'m)$")
# Clauses: a comment's sentence splits at punctuation and at the conjunctions that start a
# reason, a result or a contrast ("..., so zoos should not be abolished").
_CONJUNCTIONS = "because since so but although though while whereas unless and yet".split()
_CLAUSE = re.compile(
    r"[,;:()\u2013\u2014]|\s-\s|\b(?:" + "|".join(_CONJUNCTIONS) + r")\b", re.IGNORECASE
)
# `_CLAUSE` for a lowercased ASCII text, each alternative led by a literal character, so that
# the regex engine skips to the characters that can start one (led by a class or a boundary,
# `_CLAUSE` is tried at every position: several times slower). The same matches there: "\s" is
# each ASCII white space character, "\bso" is "s" with no word character before it.
_ASCII_BREAKS = (
    [re.escape(mark) for mark in ",;:()"]
    + [re.escape(space) + r"-\s" for space in map(chr, range(128)) if space.isspace()]
    + [rf"{word[0]}(?<!\w{word[0]}){word[1:]}\b" for word in _CONJUNCTIONS]
)
_ASCII_CLAUSE = re.compile("|".join(_ASCII_BREAKS))


def _clauses(text: str) -> list[str]:
    """``_CLAUSE.split(text)``: an ASCII text is cut where `_ASCII_CLAUSE` finds a break in it
    lowercased (the same places)."""
    if not text.isascii():
        return _CLAUSE.split(text)
    out = []
    at = 0
    for match in _ASCII_CLAUSE.finditer(text.lower()):
        out.append(text[at : match.start()])
        at = match.end()
    out.append(text[at:])
    return out


_NOT_STATED = frozenset(
    "if whether unless when why how what which who does do did is are should would could can "
    "will".split()
)
MAX_CLAUSE_TOKENS = 40
# Verbs the term stopwords drop that a claim may turn on ("Remote work makes ...", "use").
_VERBS = frozenset("make makes made use uses used using get gets go goes see like help".split())
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def _sentences(text: str) -> list[str]:
    """``_SENTENCE_END.split(text)``: the text itself, with no search, where no ".", "?" or "!"
    comes before its last character (most sentences: the pattern can split nowhere else)."""
    last = len(text) - 1
    if text.find(".", 0, last) < 0 and text.find("?", 0, last) < 0 and text.find("!", 0, last) < 0:
        return [text]
    return _SENTENCE_END.split(text)


# Negative contractions typed without their apostrophe, as "don't" splits ("ca", "wo" too).
_BARE_NEGATIVES = {
    word + "nt": word
    for word in "should would could must need do does did is are was were has have had".split()
} | {"cant": "ca", "wont": "wo"}


def tokens(text: str, *, breaks: bool = False) -> list[str]:
    """Lowercased words with contractions split ("don't" -> "do", "n't"; "it's" -> "it",
    "'s"; "can't" -> "ca", "n't"; "cannot" -> "can", "not"). With `breaks`, the punctuation
    that ends a clause is a token of its own (see `_BREAKS`)."""
    lowered = fold_chars(text).lower()
    found: list[str]
    if not lowered.isascii():
        found = (_TOKEN_OR_BREAK if breaks else _TOKEN).findall(lowered)
    elif breaks:
        found = _ascii_tokens_or_breaks(lowered)
    else:
        found = words(lowered)  # `_TOKEN`'s words, split without the regex where it can
    if "'" not in lowered and "cannot" not in lowered and _BARE_NEGATIVES.keys().isdisjoint(found):
        return found  # nothing to split (most sentences): no loop (issue 13)
    out: list[str] = []
    for word in found:
        if word == "cannot":
            out += ["can", "not"]
            continue
        if word in _BARE_NEGATIVES:  # "shouldnt", "dont": chat drops the apostrophe
            out += [_BARE_NEGATIVES[word], "n't"]
            continue
        match = _CONTRACTION.search(word) if "'" in word else None
        if match is not None and match.start() > 0:
            out += [word[: match.start()], match.group()]
        else:
            out.append(word)
    return out


# Letters, digits and the clause marks `,;:()` kept, every other ASCII character a space.
_TOKEN_KEEP = bytes(c if chr(c).isalnum() or chr(c) in ",;:()" else 32 for c in range(128)) + bytes(
    range(128, 256)
)


# `_TOKEN_KEEP` that keeps the joiners "'" and "-" too.
_TOKEN_KEEP_JOINED = bytes(
    c if chr(c).isalnum() or chr(c) in ",;:()'-" else 32 for c in range(128)
) + bytes(range(128, 256))


def _ascii_tokens_or_breaks(lowered: str) -> list[str]:
    """``_ASCII_TOKEN_OR_BREAK.findall(lowered)``. With no apostrophe or hyphen (most
    sentences) its matches are the runs of letters and digits and each clause mark alone: the
    marks are spaced out and the text split in C, several times faster than the pattern. So
    too where each "'" and "-" stands between two letters or digits ("don't", "well-known";
    no " - " break then): a run of letters, digits and joiners is one match (`text.words`)."""
    if "'" in lowered or "-" in lowered:
        kept = lowered.encode("ascii").translate(_TOKEN_KEEP_JOINED).decode("ascii")
        if ("'" in lowered and _LOOSE_APOSTROPHE.search(kept)) or (
            "-" in lowered and _LOOSE_HYPHEN.search(kept)
        ):
            return _ASCII_TOKEN_OR_BREAK.findall(lowered)
    else:
        kept = lowered.encode("ascii").translate(_TOKEN_KEEP).decode("ascii")
    for mark in ",;:()":
        if mark in kept:
            kept = kept.replace(mark, f" {mark} ")
    return kept.split()


@lru_cache(maxsize=65536)
def root(word: str) -> str:
    """A light stem that also undoubles a final consonant ("banned", "banning" -> "ban")."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("eed"):
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                continue
            if suffix == "es" and not word.endswith(("shes", "ches", "xes", "sses", "zes")):
                continue
            stem = word[: -len(suffix)]
            if len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "lsaeiou":
                stem = stem[:-1]
            return stem
    # "phase" / "phased" / "phasing", "make" / "making": the silent e goes as the suffixes take it.
    if word.endswith("e") and not word.endswith(("ee", "ie", "ye")) and len(word) > 4:
        return word[:-1]
    return word


def _content(word: str) -> bool:
    if word in _VERBS:
        return True
    return (
        word not in STOPWORDS
        and word not in _AUX
        and word not in _NEG  # "n't" is no verb: "We shouldn't ban zoos" turns on "ban"
        and any(c.isalpha() for c in word)
    )


@dataclass(frozen=True, slots=True)
class Claim:
    """The opening claim's predicate: the roots a restating clause uses as its verb, the roots
    of all its content words, its negation parity, and the pronoun it uses as a subject."""

    verbs: frozenset[str]
    words: frozenset[str]
    negated: bool
    subject: str | None = None
    # Whether the claim has an auxiliary ("should", "is"): then a restatement needs one too
    # ("zoos should be abolished"), and a bare noun ("startup") is never its verb.
    auxiliary: bool = True
    # Without an auxiliary: (subject word, verb) pairs as the claim has them ("work", "make").
    pairs: frozenset[tuple[str, str]] = frozenset()
    # The noun a report is about ("A sinkhole has opened ..."): "not a sinkhole" denies it.
    head: str | None = None
    # Numbers in its subject ("The number 12 bus is being withdrawn"): they name what it is
    # about, so "the 12 is not being withdrawn" restates it with the negation flipped.
    numbers: frozenset[str] = frozenset()


# The auxiliaries of a report that something is or happened ("has opened", "is closing").
_REPORT_AUX = frozenset("has have is are was were".split())
# Verbs that put a measure forward, and measures named by a verb's own word: "recommend a
# ban", "introduce a cap", "impose a charge".
_LIGHT_VERBS = frozenset(
    "recommend recommends propose proposes introduce introduces impose imposes support approve "
    "adopt bring have want".split()
)
_ACTION_NOUNS = frozenset("ban cap charge levy limit tax fine trial curfew".split())


def read_claim(text: str) -> Claim | None:
    """The claim of an opening sentence or title; None when it has no predicate to restate
    (a bare topic, a "which ...?" question, a greeting)."""
    text = _sentences(text.strip())[0]
    if ":" in text:
        after = text.rsplit(":", 1)[1]
        if len(after.split()) >= 3:
            text = after  # "Ask HN: Should ...", "Our question this morning: should ..."
    heard = _HEARD.match(text)
    if heard is not None and len(text[heard.end() :].split()) >= 3:
        text = text[heard.end() :]  # "omg did u hear mill lane is closing at xmas??"
    clause = next((c for c in _clauses(text) if len(c.split()) >= 3), text)
    toks = tokens(clause)[:MAX_CLAUSE_TOKENS]
    while toks and toks[0] in _OPENERS:
        toks = toks[1:]
    if not toks:
        return None
    words = frozenset(root(t) for t in toks if _content(t))
    negated = sum(t in _NEG for t in toks) % 2 == 1
    if toks[0] in _AUX:
        # An inverted question ("Should a small team use Kubernetes?", "Is a hot dog a
        # sandwich?"): the subject follows the auxiliary; any later content word may be the verb.
        rest = toks[1:]
        at = [i for i, t in enumerate(rest) if _content(t)]
        if not at:
            return None
        pronoun = next((t for t in rest[:1] if t in _SUBJECT_PRON), None)
        start = 0 if pronoun is not None else 1
        verbs = frozenset(root(rest[i]) for i in at[start:])
        return Claim(verbs, words, negated, pronoun) if verbs else None
    first_content = next((i for i, t in enumerate(toks) if _content(t)), None)
    aux = next((i for i, t in enumerate(toks) if t in _AUX), None)
    if toks[0] == "to":
        aux = 0  # "(whether) to recommend a ban on night flights": the infinitive's verb
    pronoun = next((t for t in toks[: aux or 0] if t in _SUBJECT_PRON), None)
    if aux is not None:
        verb = next(
            (t for t in toks[aux + 1 :] if _content(t) and t not in _SKIP and t != "be"), None
        )
        if verb is None:
            return None
        head = None
        if toks[aux] in _REPORT_AUX and pronoun is None and not negated:
            head = next((root(t) for t in reversed(toks[:aux]) if _content(t)), None)
        numbers = frozenset(t for t in toks[:aux] if t.isdigit())
        measure = None
        if verb in _LIGHT_VERBS:
            # "whether to recommend a ban on night flights": the ban is what is at stake ("I'd
            # ban them" restates it), as much as recommending it.
            following = toks[toks.index(verb, aux + 1) + 1 :][:3]
            measure = next((t for t in following if _content(t)), None)
        stated = {root(verb), root(measure)} if measure in _ACTION_NOUNS else {root(verb)}
        return Claim(frozenset(stated), words, negated, pronoun, head=head, numbers=numbers)
    if first_content is None:
        return None
    # No auxiliary ("Remote work makes juniors worse"): the verb is a content word right after
    # another that ends in -s or -ed, or follows a plural ("uniforms reduce"; a "cycle lane" is
    # a noun); a restatement repeats the pair ("remote work really makes"), a denial needs an
    # auxiliary anyway ("does not make").
    content = [t for t in toks[first_content:] if _content(t)]
    pairs = frozenset(
        (root(a), root(b))
        for a, b in zip(content, content[1:], strict=False)
        if b.endswith(("s", "ed")) or (a.endswith("s") and not a.endswith("ss"))
    )
    verbs = frozenset(v for _, v in pairs)
    if not verbs:
        return None
    return Claim(verbs, words, negated, pronoun, auxiliary=False, pairs=pairs)


# A report passed on as a question of whether one has heard it: what follows is the claim.
_HEARD = re.compile(
    r"\W*(?:(?:omg|omfg|so|ok|okay|guys|hey|wait|oh)\W+)*(?:did|have|has)\s+(?:you|u|ya|y'?all"
    r"|anyone|any1|anybody|everyone|you guys)\s+(?:all\s+)?(?:hear|heard|see|seen|know)\b"
    r"(?:\s+(?:that|about))?\s*",
    re.IGNORECASE,
)


# A sentence that names a thing and judges it, all there is to it: "A ban, no.", "Ban, yes!"
# (a short one: longer sentences are not tried).
_VERDICT_LENGTH = 40
_VERDICT = re.compile(
    r"\W*(?:a |an |the )?([a-z][a-z\-]*(?: [a-z][a-z\-]*)?),? (yes|yeah|yep|no|nope|never)[.!]*$",
    re.IGNORECASE,
)


def stance(
    claim: Claim,
    text: str,
    spans: list[tuple[int, int]],
    sentences: int = 3,
    *,
    we: bool = False,
    own: str = "",
) -> int:
    """+1 when a clause of the first `sentences` sentences of `text` states the claim's
    predicate with an intensifier or a reason beside it ("..., because ...", another clause or
    sentence), -1 when it states it with the negation flipped, 0 otherwise. The first clause
    that states it decides. A bare restatement with nothing added ("we would switch back") may
    use the words in another sense: it is no evidence. With `we`, the commenter speaks for
    the claim's subject (the shop's own account: "We are NOT closing"), so "we" is it. `own`,
    when given, is `Doc.own` (an ASCII text's own sentences lowercased)."""
    if not spans:
        return 0
    start, end = spans[0][0], spans[min(sentences, len(spans)) - 1][1]
    head = own[: end - start] if own else text[start:end].lower()
    verbs = claim.verbs if claim.head is None else claim.verbs | {claim.head}
    for verb in verbs:  # a loop, not any(): no generator per comment (issue 13)
        if verb in head:
            break
    else:
        return 0  # most comments never use the claim's verb: skip the tokenizing
    clauses: list[list[str]] = []
    others = 0  # sentences without the verb: only counted (a reason beside a restatement)
    for b, e in spans[:sentences]:
        sentence = text[b:e].strip()
        if sentence.endswith("?"):
            continue
        lowered = head[b - start : e - start].strip() if own else sentence.lower()
        for verb in verbs:
            if verb in lowered:
                break
        else:
            others += 1
            continue
        if (
            len(sentence) <= _VERDICT_LENGTH
            and (verdict := _VERDICT.match(sentence)) is not None
            and not verbs.isdisjoint(tokens(verdict.group(1)))
        ):
            # "A cap I could live with. A ban, no.": the claim's verb named, and judged
            return 1 if verdict.group(2).lower() in ("yes", "yeah", "yep") else -1
        clause: list[str] = []
        for token in tokens(sentence[:600], breaks=True):
            if token in _BREAKS or token == "if":
                if clause:
                    clauses.append(clause[:MAX_CLAUSE_TOKENS])
                # ("nobody does that if they're closing in three weeks": a condition, kept
                # with its "if" so that it states nothing)
                clause = ["if"] if token == "if" else []
            else:
                clause.append(token)
        if clause:
            clauses.append(clause[:MAX_CLAUSE_TOKENS])
    for toks in clauses:
        found = _clause_stance(claim, toks, we)
        if found < 0:
            return found
        if found > 0:
            intensified = any(t in _INTENSIFIERS for t in toks)
            # (a condition beside it is no reason: "they're closing if the lease goes")
            stated = sum(1 for c in clauses if c[0] != "if")
            return 1 if intensified or stated + others > 1 else 0
    return 0


def denies(
    other: str, other_spans: list[tuple[int, int]], text: str, spans: list[tuple[int, int]]
) -> bool:
    """Whether `text` denies in its first clause what `other` (the comment it answers) states
    in one of its first sentences: "hollis giving up reyes is collusion" / "its not collusion
    lol", "it's a sandwich" / "it is not a sandwich". The stated predicate is read as an opening
    claim is (`read_claim`, with an auxiliary: "is", "should", ...); questions state nothing.
    Only the first clause of the answer counts, so a later "not" about something else does
    not. Constant work per pair."""
    if not spans or not other_spans:
        return False
    b, e = spans[0]
    end = min(e, b + 300)
    lowered = text[b:end].lower()
    if not any(n in lowered for n in _NEGATION_MARKS):
        return False  # a denial says so: most answers are done here
    # An ASCII text is searched lowercased, by the pattern's literal-led form (the same spans;
    # no further than the search goes).
    searched = text[:end]
    cutter = _DENIAL_CUT
    if searched.isascii():
        cutter, searched = _ASCII_DENIAL_CUT, searched.lower()
    cut = cutter.search(searched, b, end)
    while cut is not None and not text[b : cut.start()].strip():
        b = cut.end()  # a leading "(" or ","
        cut = cutter.search(searched, b, end)
    first = text[b : cut.start() if cut is not None else end]
    if first.count(" ") >= _DENIAL_MAX_WORDS:
        return False  # an echo denial is short ("its not collusion lol"); an essay argues
    lowered = first.lower()
    if not any(n in lowered for n in _NEGATION_MARKS):
        return False  # a denial says so
    # The words a negation can deny: the words just after one ("its not collusion", "it isn't
    # really a sandwich"); what the other comment states must hold one of them. Read from the
    # plain words first: most answers deny nothing the other said, and then nothing more is
    # read (issue 13).
    plain = lowered.split()
    denied = {
        word.strip(_PUNCTUATION)[:4]
        for i, n in enumerate(plain)
        if n in _NEG_WORDS or n.endswith(_NEG_ENDINGS) or n in _BARE_NEGATIVES
        for word in plain[i + 1 : i + _DENIAL_WINDOW]
        if word not in STOPWORDS and word not in _AUX
    }
    denied.discard("")
    head = other[other_spans[0][0] : other_spans[min(len(other_spans), 3) - 1][1]][:900].lower()
    if not any(word in head for word in denied):
        if "do" not in lowered and "did" not in lowered:
            return False  # no do-support either (most answers)
        # "it doesnt even out": the verb after a do-support negation may be a stop word
        done = {
            word.strip(_PUNCTUATION)[:4]
            for i, n in enumerate(plain)
            if n in _DO_NEGATIONS or (n == "not" and i and plain[i - 1] in _DO)
            for word in plain[i + 1 : i + 3]
        }
        done.discard("")
        if not any(word in head for word in done):
            return False
    toks = tokens(first)[:MAX_CLAUSE_TOKENS]
    stated = [
        part.strip()
        for ob, oe in other_spans[:OPENING_SENTENCES_OF_OTHER]
        # Chat runs its sentences together in lower case ("... vetoed. hollis giving ...").
        for part in _sentences(other[ob:oe][:600])
    ]
    for sentence in stated[:OPENING_SENTENCES_OF_OTHER]:
        if not sentence or sentence.endswith("?"):
            continue
        if sentence.isascii():
            low = sentence.lower()
            if not any(word in low for word in denied):
                continue  # nor in any of its clauses (most sentences: no split, issue 13)
        for clause in _clauses(sentence):
            if len(clause.split()) < 3:
                continue
            low = clause.lower()
            if not any(word in low for word in denied):  # no claim reading where none is denied
                continue
            if not _may_state_in(clause, lowered):
                continue  # (most clauses: no claim reading, issue 13)
            claim = read_claim(clause)
            if claim is None or not claim.auxiliary:
                continue
            if not any(verb in lowered for verb in claim.verbs):
                continue
            if _clause_stance(claim, toks) < 0:
                return True
    return _denies_plain_verb(toks, stated[:OPENING_SENTENCES_OF_OTHER])


def _may_state_in(clause: str, lowered: str) -> bool:
    """False where ``read_claim(clause)`` cannot be a claim with an auxiliary one of whose
    verbs is in `lowered`, read from the clause's tokens alone (a few microseconds against some
    thirty for the reading). `clause` is a piece of ``_CLAUSE.split`` (`_clauses`) of a
    `_sentences` part, so it holds no sentence end, ":" or clause break that `read_claim` would
    cut it at: its tokens are the clause's, ``tokens(clause)[:MAX_CLAUSE_TOKENS]`` less leading
    `_OPENERS` (none of which is an auxiliary). Such a claim has an auxiliary among them (else
    it has none, or is None), and its verbs are roots of content words after the first one."""
    toks = tokens(clause)[:MAX_CLAUSE_TOKENS]
    for i, token in enumerate(toks):
        if token in _AUX:
            for word in toks[i + 1 :]:
                if _content(word) and root(word) in lowered:
                    return True
            return False
    return False


def _denies_plain_verb(toks: list[str], stated: list[str]) -> bool:
    """Whether the answer's first clause `toks` says "does not V" of the subject of a plain
    verb the other comment states without an auxiliary: "it evens out over time" / "it doesnt
    even out if you never drink", "the app works fine" / "it doesn't work on android". The
    subject must be a pronoun or the other's own subject word; the other's verb must follow
    its subject directly (adverbs aside) and not be negated or asked."""
    for i in range(1, len(toks) - 2):
        if toks[i] not in _DO or toks[i + 1] not in _NEG:
            continue
        subject = toks[i - 1]
        # The verb: the first word after the negation, or one the adverbs before it hide
        # ("doesn't even work"; "doesn't even out", where "even" is the verb).
        verbs: list[str] = []
        for word in toks[i + 2 : i + 5]:
            verbs.append(word)
            if word not in _SKIP:
                break
        roots = {root(v) for v in verbs if v not in _NOT_DENIED and _content(v) or v == "even"}
        if roots and _states_plainly(stated, subject, roots):
            return True
    return False


def _states_plainly(stated: list[str], subject: str, roots: set[str]) -> bool:
    """Whether a sentence of `stated` has `subject` (or a pronoun for it) doing one of the
    verbs `roots` with no auxiliary or negation ("it evens out", "the app works")."""
    # A root is its word's start, or "...y" of a word in "...ies" ("flies" -> "fly"): a sentence
    # whose ASCII text holds neither has no word of the roots (most; issue 13).
    starts = [r[:-1] if r.endswith("y") else r for r in roots]
    for sentence in stated:
        if not sentence or sentence.endswith("?"):
            continue
        if sentence.isascii():
            low = sentence.lower()
            if not any(start in low for start in starts):
                continue
        for clause in _clauses(sentence):
            toks = tokens(clause)[:MAX_CLAUSE_TOKENS]
            for k in range(1, len(toks)):
                if root(toks[k]) not in roots or toks[k] in _AUX:
                    continue
                j = k - 1
                while j >= 0 and toks[j] in _SKIP:
                    j -= 1
                if j < 0 or toks[j] in _AUX or toks[j] in _NEG or toks[j] in _NOT_STATED:
                    continue
                said = toks[j]
                if said == subject or (subject in _PRON and (said in _PRON or _content(said))):
                    return True
    return False


# "does not V": the do-support of a plain verb's denial.
_DO = frozenset({"do", "does", "did"})
_DO_NEGATIONS = frozenset(
    f"{do}{neg}" for do in ("do", "does", "did") for neg in ("nt", "n't", "n\u2019t")
)
# Verbs of saying and thinking: "I don't think so" denies no "it thinks".
_NOT_DENIED = frozenset(
    "think know care mind mean want like agree believe see get understand remember say".split()
)


def speaks_for(speaker: str, claim: Claim) -> bool:
    """Whether a commenter's name holds a word of the claim ("Crux Climbing" on "Crux is closing
    in January", "Codfather_Official"): an account of what the claim is about, whose "we" is
    the claim's subject. Words of four letters or more, so that "Jo" or "Ed" name nothing."""
    return any(
        len(word) >= 4 and root(word) in claim.words
        for word in _TOKEN.findall(speaker.replace("_", " ").casefold())
    )


OPENING_SENTENCES_OF_OTHER = 3
# Where a denial's first clause ends: a clause mark, or a full stop that chat runs on from in
# lower case ("its not rude its a notification. i'll reply when ...").
_DENIAL_CUT = re.compile(_CLAUSE.pattern + r"|[.!?](?=\s)", re.IGNORECASE)
# For a lowercased ASCII text: led by literals, as `_ASCII_CLAUSE` is (the same matches).
_ASCII_DENIAL_CUT = re.compile(
    "|".join([*_ASCII_BREAKS, *(re.escape(m) + r"(?=\s)" for m in ".!?")])
)
# What a denial's text must hold somewhere ("dont " is "nt ").
_NEGATION_MARKS = ("not", "n't", "nt ", "never", "no ")
_NEG_WORDS = frozenset({"not", "no", "never", "cannot"})
_NEG_ENDINGS = ("n't", "n\u2019t")
_PUNCTUATION = "\"'.,;:!?()[]*_~\u201c\u201d\u2018\u2019"
_DENIAL_WINDOW = 7
_DENIAL_MAX_WORDS = 12  # a negation and the verb it denies: "not", then aux, skip and det words


def _clause_stance(claim: Claim, toks: list[str], we: bool = False) -> int:
    if len(toks) < 2 or toks[0] in _NOT_STATED:
        return 0
    # "Not a sandwich." / "Definitely not a sandwich": an elliptical denial.
    i = 0
    while i < len(toks) and toks[i] in _SKIP:
        i += 1
    if i < len(toks) and toks[i] in ("not", "never"):
        j = i + 1
        while j < len(toks) and toks[j] in _DET:
            j += 1
        if j < len(toks) and j <= i + 2 and root(toks[j]) in claim.verbs:
            return -1 if not claim.negated else 1
        if j < len(toks) and j <= i + 2 and claim.head is not None and root(toks[j]) == claim.head:
            return -1  # "It's a burst main, not a sinkhole": what was reported is not so
    plain: int | None = None
    for i, word in enumerate(toks):
        if root(word) not in claim.verbs or not _content(word):
            continue
        if i == 0 and word.endswith("ing"):
            return 0  # "Banning homework would ...": the claim as a subject, not a stance
        group = _verb_group(claim, toks, i, we)
        if group is None:
            continue
        negations, auxiliary = group
        # "I don't think the sauna should close": the negation of a verb of opinion before the
        # clause denies the clause (neg-raising).
        negations += _raised_negations(toks, i)
        found = -1 if (negations % 2 == 1) != claim.negated else 1
        if not claim.auxiliary and auxiliary and not negations:
            continue  # "It's a tax": without the claim's own verb form, no restatement
        if auxiliary:
            return found  # a verb phrase ("does not make") outweighs a bare noun ("work")
        if plain is None and not claim.auxiliary:
            plain = found
    return plain or 0


# Verbs of opinion whose negation denies what follows: "I don't think zoos should close".
_RAISERS = frozenset("think thought believe believed reckon suppose expect feel".split())


def _raised_negations(toks: list[str], verb: int) -> int:
    """Negated verbs of opinion before `toks[verb]` ("do n't think", "did not believe")."""
    count = 0
    for k in range(max(0, verb - 12), verb - 1):
        if toks[k] in _NEG and (
            toks[k + 1] in _RAISERS
            or (toks[k + 1] in _SKIP and k + 2 < verb and toks[k + 2] in _RAISERS)
        ):
            count += 1
    return count


def _verb_group(
    claim: Claim, toks: list[str], verb: int, we: bool = False
) -> tuple[int, bool] | None:
    """(negations, whether an auxiliary or negation came between) when `toks[verb]` is used as
    the verb of a subject the claim names ("zoos should not be abolished", "it's a sandwich",
    "remote work really makes"); None when it is not."""
    j = verb - 1
    while j >= 0 and (toks[j] in _SKIP or toks[j] in _DET):
        j -= 1
    if j < 0:
        return None
    negations = 0
    auxiliary = toks[j] in _AUX or toks[j] in _NEG
    if auxiliary:
        while j >= 0 and (toks[j] in _AUX or toks[j] in _NEG or toks[j] in _SKIP):
            negations += toks[j] in _NEG
            j -= 1
        if j < 0:
            return None
    subject = toks[j]
    if subject in _PRON or (claim.subject is not None and subject == claim.subject):
        return negations, auxiliary
    if subject == "we" and (we or any(t in _DEONTIC for t in toks[j + 1 : verb])):
        # "we shouldn't ban cars": a proposal's own voice; "we are not closing" from the
        # account of what the claim is about
        return negations, auxiliary
    if (
        subject == "i"
        and any(t in _VOLITION for t in toks[j + 1 : verb])
        and "be" not in toks[j + 1 : verb]
    ):
        # "I'd ban them", "I would not ban them": what the speaker would do is their vote (not
        # "I'd be fine with it": what they would be)
        return negations, auxiliary
    if subject in claim.numbers:
        return negations, auxiliary
    if not _content(subject) or root(subject) not in claim.words:
        return None
    if not claim.auxiliary and not auxiliary:
        pair = (root(subject), root(toks[verb]))
        return (negations, auxiliary) if pair in claim.pairs else None
    if root(subject) not in claim.verbs or j < verb - 1:
        return negations, auxiliary
    return None
