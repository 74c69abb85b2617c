"""Sentence boundaries with spaCy's rule-based ``sentencizer`` on blank pipelines."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

__all__ = ["SENTENCE_END_CHARS", "sentence_spans"]

# Chinese sentence ends (。！？；…) are added to spaCy's defaults; closing quotes and brackets
# after them stay with the sentence because the sentencizer keeps trailing punctuation.
SENTENCE_END_CHARS = ("；", ";", "…", "……")


@lru_cache(maxsize=4)
def _sentencizer(lang: str) -> Any:
    import spacy
    from spacy.pipeline.sentencizer import Sentencizer

    # The blank zh pipeline segments by character by default: sentence splitting needs no
    # word segmentation, and this avoids loading jieba's dictionary during ingest.
    nlp = spacy.blank("zh" if lang == "zh" else "en")
    punct = sorted(set(Sentencizer.default_punct_chars) | set(SENTENCE_END_CHARS))
    nlp.add_pipe("sentencizer", config={"punct_chars": punct})
    return nlp


def sentence_spans(
    texts: Iterable[str], lang: str, *, batch_size: int = 256
) -> Iterator[list[tuple[int, int]]]:
    """For each text, the ``(start, end)`` character offsets of its sentences, whitespace trimmed."""
    nlp = _sentencizer(lang)
    for doc in nlp.pipe(texts, batch_size=batch_size):
        spans = []
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            chunk = doc.text[start:end]
            stripped = chunk.strip()
            if not stripped:
                continue
            start += len(chunk) - len(chunk.lstrip())
            spans.append((start, start + len(stripped)))
        yield spans
