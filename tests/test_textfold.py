"""One folding rule: the verifier's. Dedupe, quote detection and cue matching agree with it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot import dedupe, textfold
from bot.ingest import quotes
from bot.summarize import verify

TYPOGRAPHIC = (
    textfold.SINGLE_QUOTES + textfold.DOUBLE_QUOTES + textfold.DASHES + textfold.ELLIPSIS + "\u00a0"
)
texts = st.text(alphabet=st.sampled_from(TYPOGRAPHIC + "abc XYZ'\"-.\t\n"), max_size=40)


def test_verifier_uses_the_one_rule() -> None:
    assert verify.fold is textfold.fold
    assert verify.fold("\u201cIt\u2019s \u2014 fine\u2026\u201d") == '"It\'s - fine..."'


@given(texts)
def test_quote_detection_folds_as_the_verifier_does(text: str) -> None:
    assert quotes.fold(text) == textfold.fold(text).casefold()


@given(texts)
def test_one_for_one_table_agrees_with_the_verifier(text: str) -> None:
    # Cue matching (offline engine) and dedupe's normal form use CHAR_TABLE; apart from the
    # ellipsis and white space runs, it is the verifier's fold.
    one_for_one = text.translate(textfold.CHAR_TABLE)
    assert len(one_for_one) == len(text)
    assert textfold.fold(one_for_one) == textfold.fold(text)


@given(texts)
def test_dedupe_normal_form_ignores_what_the_verifier_folds(text: str) -> None:
    assert dedupe.normalize(text) == dedupe.normalize(textfold.fold(text))
