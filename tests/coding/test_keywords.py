"""English form expansion, folding and word boundaries."""

from __future__ import annotations

from casekit.coding.keywords import (
    MAX_PHRASE_VARIANTS,
    at_word_boundaries,
    build_automaton,
    count_words,
    fold_en,
    normalize_en_phrase,
    phrase_forms,
    word_forms,
)


def test_word_forms_reverse_the_lookup_table() -> None:
    assert word_forms("share") == ("share", "shared", "shares", "sharing")
    # Any form gives the same set: matching is by lemma.
    assert word_forms("Sharing") == word_forms("share")
    assert word_forms("incentive") == ("incentive", "incentives")


def test_word_forms_of_unknown_word_is_the_word() -> None:
    assert word_forms("casekit") == ("casekit",)


def test_phrase_forms_inflect_every_word() -> None:
    # The same hits as lemma matching every token: "topped leaders" has the lemmas of
    # "top leader" in spaCy's lookup table.
    forms = phrase_forms("Top  Leader")
    assert forms == tuple(
        sorted(f"{a} {b}" for a in word_forms("top") for b in word_forms("leader"))
    )
    assert "topped leaders" in forms
    assert "shared datum" in phrase_forms("share data")
    assert len(phrase_forms("share data")) == 12


def test_phrase_forms_fall_back_to_the_last_word_when_too_many() -> None:
    forms = phrase_forms("share use give take")
    assert (
        len(word_forms("share"))
        * len(word_forms("use"))
        * len(word_forms("give"))
        * len(word_forms("take"))
        > MAX_PHRASE_VARIANTS
    )
    assert forms == tuple(sorted("share use give " + f for f in word_forms("take")))


def test_fold_en_keeps_length_and_offsets() -> None:
    text = "İstanbul\tData\u2019s\u00a0PLATFORM"
    folded = fold_en(text)
    assert len(folded) == len(text)
    assert folded == "istanbul data's platform"


def test_normalize_en_phrase() -> None:
    assert normalize_en_phrase("  Lack\n of ") == "lack of"


def test_word_boundaries() -> None:
    text = "metadata, data-driven data_x data"
    assert not at_word_boundaries(text, 4, 8)  # data in metadata
    assert at_word_boundaries(text, 10, 14)  # data before a hyphen
    assert at_word_boundaries(text, 22, 26)  # underscore is not a letter
    assert at_word_boundaries(text, 29, 33)  # at the end
    assert at_word_boundaries("c++ code", 0, 3)  # a keyword ending in "+" needs no boundary


def test_count_words() -> None:
    assert count_words(" really, any financial ") == 3
    assert count_words("") == 0


def test_build_automaton_values_carry_key_length() -> None:
    assert build_automaton({}) is None
    automaton = build_automaton({"共享": ["x"], "数据共享": ["y"]})
    assert automaton is not None
    assert list(automaton.iter("数据共享")) == [(3, (4, ("y",))), (3, (2, ("x",)))]
