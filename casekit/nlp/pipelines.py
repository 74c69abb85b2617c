"""Cached spaCy pipelines for Chinese and English, and a cheap language detector."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from casekit.errors import ConfigError
from casekit.text import detect_language

if TYPE_CHECKING:  # spaCy is imported lazily so that ``import casekit.nlp`` stays light
    from spacy.language import Language

__all__ = [
    "SUPPORTED_LANGUAGES",
    "ZH_SENTENCE_PUNCT",
    "detect_language",
    "get_pipeline",
]

SUPPORTED_LANGUAGES: tuple[str, ...] = ("zh", "en")

# Characters that end a Chinese sentence in addition to spaCy's defaults (which already
# include 。！？): the full-width semicolon and the ellipsis, which jieba emits as "…" tokens.
ZH_SENTENCE_PUNCT: tuple[str, ...] = ("。", "！", "？", "；", ";", "…", "……")

# One pipeline per (language, model) and process. spaCy pipelines with the jieba segmenter
# cannot be pickled, so parallel workers call get_pipeline themselves.
_PIPELINES: dict[tuple[str, str | None], Language] = {}
# User words already given to each pipeline's segmenter. jieba's dictionary is global to the
# process, so with the jieba segmenter the words reach every Chinese pipeline.
_USER_WORDS: dict[tuple[str, str | None], set[str]] = {}


def get_pipeline(
    lang: str, *, model: str | None = None, user_words: Iterable[str] = ()
) -> Language:
    """Return the process-wide spaCy pipeline for ``lang``, building it on first use.

    Parameters
    ----------
    lang
        ``"zh"`` or ``"en"``.
    model
        Name of an installed trained pipeline (for example ``"zh_core_web_sm"``) to use
        instead of the blank one. It is never downloaded: a name that is not installed
        raises :class:`~casekit.errors.ConfigError`.
    user_words
        Words the Chinese segmenter must keep whole (typically the codebook's keywords).
        They are added to jieba's dictionary, which is global to the process, so words
        accumulate across calls; English ignores them.

    Returns
    -------
    spacy.language.Language
        For ``zh``: ``spacy.blank("zh")`` with the jieba segmenter and a sentencizer that
        also ends sentences at ；and …. For ``en``: ``spacy.blank("en")`` with the lookup
        lemmatizer (tables from spacy-lookups-data) and a sentencizer.
    """
    if lang not in SUPPORTED_LANGUAGES:
        raise ConfigError(
            f"unsupported language {lang!r}: casekit handles "
            + " and ".join(repr(x) for x in SUPPORTED_LANGUAGES)
        )
    key = (lang, model)
    nlp = _PIPELINES.get(key)
    if nlp is None:
        nlp = _load_model(model) if model else _build_blank(lang)
        _PIPELINES[key] = nlp
    if lang == "zh":
        _add_user_words(nlp, user_words, _USER_WORDS.setdefault(key, set()))
    return nlp


def _load_model(model: str) -> Language:
    import spacy

    if not spacy.util.is_package(model):
        raise ConfigError(
            f"spaCy pipeline {model!r} is not installed; install it with "
            f"`python -m spacy download {model}` on a machine with network access, "
            "or remove the model setting to use the built-in blank pipeline"
        )
    _quiet_jieba()
    return spacy.load(model)


def _build_blank(lang: str) -> Language:
    import spacy
    from spacy.pipeline import Sentencizer

    if lang == "zh":
        _quiet_jieba()
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        punct = list(Sentencizer.default_punct_chars)
        punct += [c for c in ZH_SENTENCE_PUNCT if c not in punct]
        nlp.add_pipe("sentencizer", config={"punct_chars": punct})
        return nlp
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # Loads the lemma tables from spacy-lookups-data (installed, never downloaded).
    nlp.initialize()
    nlp.add_pipe("sentencizer")
    return nlp


def _quiet_jieba() -> None:
    # jieba logs "Building prefix dict ..." to stderr on first use; library code stays silent.
    import jieba

    jieba.setLogLevel(logging.WARNING)


def _add_user_words(nlp: Language, words: Iterable[str], known: set[str]) -> None:
    new = [w for w in dict.fromkeys(words) if w and w not in known]
    if not new:
        return
    known.update(new)
    tokenizer = nlp.tokenizer
    segmenter = str(getattr(tokenizer, "segmenter", ""))
    if segmenter.endswith("jieba"):
        import jieba

        for word in new:
            jieba.add_word(word)
    elif segmenter.endswith("pkuseg") and hasattr(tokenizer, "pkuseg_update_user_dict"):
        tokenizer.pkuseg_update_user_dict(new)
