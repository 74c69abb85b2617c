"""Literal matching: English inflected forms from spaCy's lookup table, folding, Aho-Corasick."""

from __future__ import annotations

import functools
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

import ahocorasick

__all__ = [
    "MAX_PHRASE_VARIANTS",
    "at_word_boundaries",
    "build_automaton",
    "count_words",
    "fold_en",
    "normalize_en_phrase",
    "phrase_forms",
    "word_forms",
]

# A multiword English keyword is expanded by inflecting every word. If that would give more
# variants than this, only the last word (the head of most English noun and verb phrases)
# is inflected, so that a long phrase cannot blow up the automaton.
MAX_PHRASE_VARIANTS = 64

# Folding is length-preserving so that offsets in the folded text are offsets in the text:
# every whitespace character becomes a space (so "share\ndata" matches "share data"),
# curly apostrophes become straight ones.
_EN_FOLD = str.maketrans(
    {
        **{
            c: " "
            for c in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
        },
        **{chr(c): " " for c in range(0x2000, 0x200B)},
        "\u2019": "'",
        "\u2018": "'",
        # Letters that case-insensitive regexes equate with ASCII ones but str.lower() does
        # not (or not in one code point): long s, dotless i, dotted capital I.
        "\u017f": "s",
        "\u0131": "i",
        "\u0130": "i",
    }
)
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


def fold_en(text: str) -> str:
    """Lower-case ``text`` without changing its length (offsets stay valid).

    ``str.lower`` turns a few characters (e.g. "İ") into two code points; those are folded
    one to one instead, so that position ``i`` of the result is character ``i`` of ``text``.
    """
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.translate(_EN_FOLD)


def normalize_en_phrase(phrase: str) -> str:
    """Fold an English keyword or cue the way texts are folded and collapse its spaces."""
    return _SPACES.sub(" ", fold_en(phrase)).strip()


def count_words(text: str) -> int:
    """Number of words (runs of letters, digits or underscores) in ``text``."""
    return len(_WORD.findall(text))


def at_word_boundaries(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` neither starts nor ends inside a word.

    A side that begins or ends with a non-word character (a hyphen, "+") needs no boundary.
    """
    if start > 0 and text[start].isalnum() and text[start - 1].isalnum():
        return False
    return not (end < len(text) and text[end - 1].isalnum() and text[end].isalnum())


@functools.cache
def _lemma_tables() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    # spaCy's English lookup lemmatizer table (form -> lemma), case-folded, and its reverse
    # (lemma -> forms). Read from spacy-lookups-data, which ships with casekit.
    import spacy.util
    import spacy_lookups_data

    table: dict[str, str] = dict(
        spacy.util.load_language_data(spacy_lookups_data.en["lemma_lookup"])
    )
    lookup: dict[str, str] = {}
    # Lower-case entries first so that "americans" -> "american" wins over "Americans".
    for form, lemma in sorted(table.items(), key=lambda kv: kv[0] != kv[0].lower()):
        lookup.setdefault(form.lower(), lemma.lower())
    reverse: dict[str, set[str]] = defaultdict(set)
    for form, lemma in lookup.items():
        reverse[lemma].add(form)
    return lookup, {lemma: frozenset(forms) for lemma, forms in reverse.items()}


def word_forms(word: str) -> tuple[str, ...]:
    """All case-folded words that spaCy's lookup lemmatizer maps to the lemma of ``word``.

    A text word matches the keyword word exactly when the two have the same lookup lemma,
    so keyword matching on these forms gives the hits lemma matching would, without
    lemmatising the text.

    Examples
    --------
    >>> word_forms("share")
    ('share', 'shared', 'shares', 'sharing')
    """
    lookup, reverse = _lemma_tables()
    w = word.lower()
    lemma = lookup.get(w, w)
    forms = set(reverse.get(lemma, ()))
    if lookup.get(lemma, lemma) == lemma:
        forms.add(lemma)
    forms.add(w)
    return tuple(sorted(forms))


def phrase_forms(phrase: str) -> tuple[str, ...]:
    """Inflected variants of an English keyword phrase (each word inflected; see module note).

    Examples
    --------
    >>> phrase_forms("share data")[:3]
    ('share data', 'share datum', 'share datums')
    """
    words = normalize_en_phrase(phrase).split(" ")
    per_word = [word_forms(w) for w in words]
    n_variants = 1
    for forms in per_word:
        n_variants *= len(forms)
    if n_variants > MAX_PHRASE_VARIANTS:
        per_word = [(w,) for w in words[:-1]] + [per_word[-1]]
    return tuple(sorted(" ".join(parts) for parts in itertools.product(*per_word)))


def build_automaton(entries: Mapping[str, Iterable[object]]) -> ahocorasick.Automaton | None:
    """An Aho-Corasick automaton whose value for each key is ``(len(key), tuple(entries))``.

    Returns ``None`` when there are no keys (pyahocorasick cannot search an empty one).
    """
    if not entries:
        return None
    automaton = ahocorasick.Automaton()
    for key, values in entries.items():
        automaton.add_word(key, (len(key), tuple(values)))
    automaton.make_automaton()
    return automaton
