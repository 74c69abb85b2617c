"""Sentence boundaries with spaCy's rule-based ``sentencizer`` on blank pipelines."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

__all__ = ["CHUNK_CHARS", "SENTENCE_END_CHARS", "sentence_spans"]

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


# Characters handed to spaCy at once. A single "paragraph" can be a whole book on one line;
# spaCy refuses texts over ``nlp.max_length`` (1,000,000) and its memory grows with length.
CHUNK_CHARS = 100_000
_CUT_AFTER = ("\n", "。", "！", "？", "；", ".", "!", "?", ";")


def _chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` of ``text`` in pieces of at most ``size`` characters.

    Pieces end after a line break or a sentence end where there is one, so no sentence is
    cut unless a single one is longer than ``size``.
    """
    start = 0
    while True:
        end = min(start + size, len(text))
        if end < len(text):
            cut = max(text.rfind(ch, start, end) for ch in _CUT_AFTER)
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        if end >= len(text):
            return
        start = end


def sentence_spans(
    texts: Iterable[str], lang: str, *, batch_size: int = 256
) -> Iterator[list[tuple[int, int]]]:
    """For each text, the ``(start, end)`` character offsets of its sentences, whitespace trimmed."""
    nlp = _sentencizer(lang)
    owners: deque[tuple[int, int]] = deque()  # (text number, offset) of each piece fed

    def pieces() -> Iterator[str]:
        for number, text in enumerate(texts):
            for offset, piece in _chunks(text):
                owners.append((number, offset))
                yield piece

    current = 0
    spans: list[tuple[int, int]] = []
    started = False
    for doc in nlp.pipe(pieces(), batch_size=batch_size):
        number, offset = owners.popleft()
        if started and number != current:
            yield spans
            current, spans = number, []
        started = True
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            chunk = doc.text[start:end]
            stripped = chunk.strip()
            if not stripped:
                continue
            start += len(chunk) - len(chunk.lstrip())
            spans.append((offset + start, offset + start + len(stripped)))
    if started:
        yield spans
