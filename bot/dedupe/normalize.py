"""The normal form dedupe compares, the words that may never differ, and quotes.

`normalize` keeps the words that carry meaning: case, punctuation, white space, typographic
forms, markdown and filler words ("um", "basically", "honestly") are folded away. The word
classes here (`NEGATIONS`, number words, `FUNCTION_WORDS`, names) are what the meaning guard in
`bot.dedupe.distance` never lets two comments differ in.
"""

from __future__ import annotations

import re
import unicodedata

from bot.textfold import CHAR_TABLE

QUOTE_MIN_WORDS = 3
TRIVIAL_MAX_WORDS = 3
TRIVIAL_WORDS = frozenset(
    "this exactly 1 yes yep yeah agreed same ditto true indeed so much 100 that".split()
)
# Words that add no meaning wherever they stand; `normalize` drops them. Deliberately short:
# "like", "just", "really", "so", "well", "ok" can carry meaning ("I like it", "just 5").
FILLER_WORDS = frozenset(
    "um umm uh uhh uhm er erm hmm hm ah eh lol lmao haha hahaha basically actually literally "
    "honestly tbh imo imho btw anyway anyways".split()
)
# After `normalize` (apostrophes dropped: "don't" -> "dont").
NEGATIONS = frozenset(
    "not no never nor neither none nobody nothing nowhere noone without cannot cant dont doesnt "
    "didnt isnt arent wasnt werent wont wouldnt shouldnt couldnt hasnt havent hadnt mustnt "
    "neednt aint mightnt shant nt n non against hardly barely".split()
)
NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million billion trillion first second third fourth fifth half "
    "quarter twice once dozen percent".split()
)
# Function words that change a statement when swapped for one another ("must"/"most",
# "would"/"could", "all"/"any"): two of them never count as one misspelt word.
FUNCTION_WORDS = frozenset(
    "can could would should will shall may might must all any some most many few more less "
    "least each every always often sometimes usually rarely he she they them then than this "
    "that these those who what when where why how yes".split()
)

# ASCII: upper case to lower, every other non-alphanumeric character to a space. A bytes table:
# bytes.translate is several times faster than str.translate with a dict.
ASCII_FOLD_BYTES = bytes(ord(c.lower()) if c.isalnum() else 32 for c in map(chr, range(128))) + (
    bytes(range(128, 256))
)
_NON_WORD = re.compile(r"[\W_]+")
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
NUMBERED = re.compile(r"(?m)^([ \t>]*)\d{1,3}[.)](?=[ \t])")
NUMBERED_HINT = frozenset("0123456789> \t")  # first characters a numbered list may start with


_TABLE_CHARS = re.compile("[" + re.escape("".join(map(chr, CHAR_TABLE))) + "]")


def _table_char(match: re.Match[str]) -> str:
    return CHAR_TABLE[ord(match[0])]


def normalize(text: str) -> str:
    """The words of `text` that carry meaning, lower case, separated by single spaces.

    Folds case, white space, punctuation (apostrophes vanish: "don't" -> "dont", every other
    mark separates words), typographic quotes and dashes, compatibility forms (NFKC), markdown
    (emphasis, strike-through and code marks, ``>`` quote markers, ``[text](url)`` keeps the
    text, leading list markers ``-``, ``*``, ``+``, ``1.``, ``1)``) and `FILLER_WORDS`.
    """
    return " ".join(words_of(text))


def raw_words(text: str) -> list[str]:
    """`normalize`'s words before filler words are dropped."""
    if not text.isascii():
        # Only the few table characters a text holds are replaced: `str.translate` with a dict
        # looks up every character, most of the time of reading a long non-ASCII comment.
        text = unicodedata.normalize("NFKC", _TABLE_CHARS.sub(_table_char, text))
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "\n" in text or text[:1] in NUMBERED_HINT:
        text = NUMBERED.sub(r"\1", text)
    if "'" in text:
        text = text.replace("'", "")
    if text.isascii():
        return text.encode("ascii").translate(ASCII_FOLD_BYTES).decode("ascii").split()
    return _NON_WORD.sub(" ", text.casefold()).split()


def words_of(text: str) -> list[str]:
    """The words of `normalize(text)`, as a list."""
    words = raw_words(text)
    if FILLER_WORDS.isdisjoint(words):
        return words
    return [w for w in words if w not in FILLER_WORDS]


_OPENERS = " \t\"'(*_>-,\u201c"
_CAPITALIZED = re.compile(r"\b[A-Z][\w'\u2019-]*")


def names_in(text: str) -> frozenset[str]:
    """Words written capitalized other than at the start of a sentence or line ("Alice",
    "Paris"), in `normalize`'s form: the names and proper nouns of `text`. All-capitals words
    ("NATO") count too, unless most of the text is in capitals (shouting names nothing)."""
    shouting: bool | None = None
    out = set()
    for m in _CAPITALIZED.finditer(text):
        word = m.group(0)
        if len(word) > 1 and word.isupper():
            if shouting is None:
                shouting = sum(map(str.isupper, text)) > sum(map(str.isalpha, text)) // 2
            if shouting:
                continue
        before = text[max(0, m.start() - 40) : m.start()].rstrip(_OPENERS)
        while before and before.rsplit(None, 1)[-1].lower().strip(",") in FILLER_WORDS:
            before = before.rsplit(None, 1)[0] if " " in before.strip() else ""
            before = before.rstrip(_OPENERS)
        if not before or before[-1] in ".!?:\n":  # the start of the text, a sentence, a line
            continue
        if word.isalpha() and word.isascii():
            out.add(word.lower())  # `raw_words` of a plain word, without its general steps
        else:
            out.update(raw_words(word))
    out.discard("i")
    return frozenset(out)


# --- truncation -------------------------------------------------------------------------------

_CUT_MARKS = ("...", "\u2026", "[\u2026]", "(\u2026)", "[...]", "(...)")


def ends_cut(text: str) -> bool:
    """True when `text` ends in an ellipsis: it may be a cut-off copy of a longer comment."""
    if text[-1:].isspace():
        text = text.rstrip()
    return text.endswith(_CUT_MARKS)


def looks_cut(text: str) -> bool:
    """True when `text` may be cut off: it ends in an ellipsis or in the middle of a word."""
    if text[-1:].isspace():
        text = text.rstrip()
    return text[-1:].isalnum() or text.endswith(_CUT_MARKS)


# --- quotes ------------------------------------------------------------------------------------

_QUOTE_LINE = re.compile(r"^[ \t]*>+[ \t]?(.*)$")
_QUOTED_WHOLE = re.compile(
    r"^(?P<pre>[^\"\u201c\u201e\u00ab]*)[\"\u201c\u201e\u00ab](?P<q>.+)[\"\u201d\u201c\u00bb](?P<post>.*)$",
    re.S,
)


def split_quote(text: str) -> tuple[str, str] | None:
    """(quoted text, the comment's own text) when the comment quotes something, else None."""
    if ">" in text:
        quoted: list[str] = []
        own: list[str] = []
        for line in text.splitlines():
            m = _QUOTE_LINE.match(line)
            (quoted if m else own).append(m.group(1) if m else line)
        if quoted:
            return "\n".join(quoted), "\n".join(own)
    m = _QUOTED_WHOLE.match(text)
    if m:
        return m.group("q"), m.group("pre") + " " + m.group("post")
    return None


def is_trivial(own: str) -> bool:
    """True when a quoting comment's own words are only "+1", "this", "exactly" and the like."""
    words = raw_words(own)
    return len(words) <= TRIVIAL_MAX_WORDS and all(w in TRIVIAL_WORDS for w in words)
