"""One text-folding rule for the whole program (DESIGN: "A quote is verified when").

Typographic quotes, primes, guillemets, dashes and the minus sign fold to their ASCII forms, one
character for one (`CHAR_TABLE`, so offsets into a folded text are offsets into the original);
``…`` folds to ``...`` and runs of white space to one space in `fold`, the verifier's rule. The
quote verifier, quote detection at ingest, dedupe's normal form and the offline engine's cue
matching all use these tables; a test checks that each of them agrees with the verifier.
"""

from __future__ import annotations

SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2039\u203a\u02bc\uff07"
DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02"
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
ELLIPSIS = "\u2026"

# One character for one: cue matching keeps offsets into the comment.
CHAR_TABLE: dict[int, str] = str.maketrans(
    {
        **dict.fromkeys(SINGLE_QUOTES, "'"),
        **dict.fromkeys(DOUBLE_QUOTES, '"'),
        **dict.fromkeys(DASHES, "-"),
        "\u00a0": " ",
    }
)
# The verifier's table: the one-for-one forms plus the ellipsis spelled out.
FOLD_TABLE: dict[int, str] = {**CHAR_TABLE, ord(ELLIPSIS): "..."}


def fold(text: str) -> str:
    """Fold `text` for quote comparison: the verifier's rule.

    Typographic single quotes, primes and single guillemets become ``'``; double quotes, double
    primes and guillemets ``"``; hyphen and dash variants and the minus sign ``-``; ``…`` becomes
    ``...``; runs of white space become one space and the ends are stripped. Case, letters and
    words never change.
    """
    if not text.isascii():  # the table maps only non-ASCII characters
        text = text.translate(FOLD_TABLE)
    # str.split() splits on what the regex \s matches (str.isspace), several times faster.
    return " ".join(text.split())


def fold_casefold(text: str) -> str:
    """`fold`, then case folded: for finding a quote's source, where case may differ."""
    return fold(text).casefold()


def fold_chars(text: str) -> str:
    """``text.translate(CHAR_TABLE)``: the one-for-one folds (offsets kept). An ASCII text is
    returned as it is, since the table maps only non-ASCII characters (the common case, and a
    translation through a dict costs a lookup per character)."""
    return text if text.isascii() else text.translate(CHAR_TABLE)
