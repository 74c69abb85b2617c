"""TF-IDF features for segment texts: character n-grams for Chinese, words for English."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["char_ngrams", "is_mostly_chinese", "tfidf_vectorizer"]

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[A-Za-z]")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[^\W\d_\u3400-\u9fff\uf900-\ufaff]+")


def is_mostly_chinese(texts: Sequence[str]) -> bool:
    """True when Han characters outnumber Latin letters in ``texts``."""
    han = sum(len(_HAN.findall(t)) for t in texts)
    latin = sum(len(_LETTER.findall(t)) for t in texts)
    return han >= latin


def tfidf_vectorizer(
    texts: Sequence[str],
    *,
    analyzer: Callable[[str], list[str]] | None = None,
    for_topics: bool = False,
    min_df: int = 1,
) -> TfidfVectorizer:
    """An unfitted TF-IDF vectorizer suited to ``texts``.

    Chinese has no spaces, and jieba would make this slow and dictionary-dependent, so mostly
    Chinese texts use character n-grams of Han runs (1-3 for classification; 2-3 for topics,
    where single characters make unreadable terms) and whole words for the Latin-script
    words among them (:func:`char_ngrams`). Mostly English texts use word unigrams and
    bigrams. For topics, scikit-learn's English stop words are dropped. ``analyzer``
    overrides all this with a callable returning tokens.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    common = {"sublinear_tf": True, "min_df": min_df, "dtype": np.float64}
    if analyzer is not None:
        return TfidfVectorizer(analyzer=analyzer, **common)
    if is_mostly_chinese(texts):
        tokens = functools.partial(
            char_ngrams,
            lo=2 if for_topics else 1,
            hi=3,
            stop_words=ENGLISH_STOP_WORDS if for_topics else frozenset(),
        )
        return TfidfVectorizer(analyzer=tokens, **common)
    return TfidfVectorizer(
        analyzer="word",
        ngram_range=(1, 2) if not for_topics else (1, 1),
        stop_words="english" if for_topics else None,
        lowercase=True,
        **common,
    )


def char_ngrams(
    text: str, *, lo: int = 1, hi: int = 3, stop_words: frozenset[str] = frozenset()
) -> list[str]:
    """Tokens of mixed Chinese and English text, lower-cased.

    Runs of Han characters give their character n-grams of length ``lo``..``hi`` (never
    across punctuation, spaces or digits); other words give themselves when at least two
    letters long and not in ``stop_words``.
    """
    out: list[str] = []
    for run in _RUN.findall(text.lower()):
        if _HAN_RUN.fullmatch(run):
            for n in range(lo, hi + 1):
                out.extend(run[i : i + n] for i in range(len(run) - n + 1))
        elif len(run) > 1 and run not in stop_words:
            out.append(run)
    return out
