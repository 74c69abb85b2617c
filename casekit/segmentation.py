"""Cut a document into addressable segments: speaker turns, paragraphs, sentences, policy articles.

Every segment keeps code-point offsets into the document text, so ``text[start:end]`` is
always the segment's text, and its id (document, unit, 1-based index) is the same on every
run over the same text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

__all__ = [
    "UNIT_LETTERS",
    "Segment",
    "paragraph_spans",
    "segment_key",
    "segment_text",
    "turn_spans",
]

UNIT_LETTERS = {"turn": "t", "paragraph": "p", "sentence": "s", "article": "a"}

_WS = " \t\n\r\f\v\u3000\u00a0\ufeff"

# A speaker label at the start of a line: 问：, 答：, Q:, A:, 王科长：, Interviewer:, Li Wei: ...
_LABEL = re.compile(
    r"^[ \t\u3000]*(?P<label>[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9 .·\-]{0,19}?)[ \t]*[：:][ \t\u3000]*",
    re.MULTILINE,
)
KNOWN_SPEAKERS = frozenset(
    {
        "问",
        "答",
        "Q",
        "A",
        "访谈者",
        "受访者",
        "访谈人",
        "被访者",
        "Interviewer",
        "Interviewee",
        "Respondent",
        "Researcher",
    }
)
# Policy structure: 第十二条 starts an article; 一、 and （一） and "1." start provisions.
_ARTICLE = re.compile(
    r"^[ \t\u3000]*(?P<label>第[一二三四五六七八九十百零〇两\d]+条|[一二三四五六七八九十]+、"
    r"|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.．、](?!\d))",
    re.MULTILINE,
)
# Chapter and section headings end the previous provision but are not provisions themselves.
_HEADING = re.compile(r"^[ \t\u3000]*第[一二三四五六七八九十百零〇\d]+[章节编]", re.MULTILINE)


@dataclass(frozen=True)
class Segment:
    """One unit of a document. ``speaker`` is set on turns, ``label`` on articles."""

    unit: str
    idx: int
    start: int
    end: int
    text: str
    speaker: str | None = None
    label: str | None = None


def segment_key(document: str, unit: str, idx: int) -> str:
    """The stable, human-readable id of a segment, e.g. ``gz-prov-01/t14``."""
    return f"{document}/{UNIT_LETTERS[unit]}{idx}"


def _blank(ch: str) -> bool:
    # _WS adds the BOM to what Python counts as whitespace (em spaces, NEL, line separators).
    return ch in _WS or ch.isspace()


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and _blank(text[start]):
        start += 1
    while end > start and _blank(text[end - 1]):
        end -= 1
    return (start, end) if end > start else None


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Paragraphs: blocks separated by blank lines, or single lines in a text without blank lines."""
    if re.search(r"\n[ \t\u3000]*\n", text.strip()):
        pieces = re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text)
        candidates = [(m.start(), m.end()) for m in pieces]
    else:
        candidates = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    spans = [_trim(text, s, e) for s, e in candidates]
    return [s for s in spans if s is not None]


def _speaker_labels(text: str) -> set[str]:
    counts = Counter(m.group("label").strip() for m in _LABEL.finditer(text))
    return {label for label, n in counts.items() if label in KNOWN_SPEAKERS or n >= 2}


def turn_spans(text: str) -> list[tuple[int, int, str]]:
    """Speaker turns ``(start, end, speaker)``; the label is not part of the turn's text.

    A line-initial ``Label：`` counts as a speaker when the label is a known one (问, 答, Q, A,
    访谈者, 受访者, Interviewer ...) or occurs at the start of at least two lines, so a stray
    "Note:" does not start a turn. Text before the first label belongs to no turn.
    """
    speakers = _speaker_labels(text)
    starts = [m for m in _LABEL.finditer(text) if m.group("label").strip() in speakers]
    spans = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        trimmed = _trim(text, m.end(), end)
        if trimmed:
            spans.append((trimmed[0], trimmed[1], m.group("label").strip()))
    return spans


def article_spans(text: str) -> list[tuple[int, int, str]]:
    """Policy provisions ``(start, end, label)``: from each marker to the next marker or heading."""
    markers = [(m.start(), m.group("label")) for m in _ARTICLE.finditer(text)]
    bounds = sorted({m.start() for m in _HEADING.finditer(text)} | {s for s, _ in markers})
    spans = []
    for start, label in markers:
        later = [b for b in bounds if b > start]
        trimmed = _trim(text, start, later[0] if later else len(text))
        if trimmed:
            spans.append((trimmed[0], trimmed[1], label))
    return spans


def segment_text(text: str, units: list[str] | tuple[str, ...], *, language: str) -> list[Segment]:
    """Segment ``text`` into each of ``units`` (turn, paragraph, sentence, article).

    Sentences never cross paragraph boundaries. A unit with nothing to find (no speaker
    labels, no article markers) simply yields no segments.
    """
    out: list[Segment] = []
    paragraphs = paragraph_spans(text)
    for unit in units:
        spans: list[tuple[int, int, str | None, str | None]]
        if unit == "paragraph":
            spans = [(s, e, None, None) for s, e in paragraphs]
        elif unit == "turn":
            spans = [(s, e, who, None) for s, e, who in turn_spans(text)]
        elif unit == "article":
            spans = [(s, e, None, label) for s, e, label in article_spans(text)]
        elif unit == "sentence":
            from casekit.nlp.sentences import sentence_spans

            spans = []
            chunks = [text[s:e] for s, e in paragraphs]
            for (p_start, _), sents in zip(
                paragraphs, sentence_spans(chunks, language), strict=True
            ):
                spans.extend((p_start + s, p_start + e, None, None) for s, e in sents)
        else:
            raise ValueError(f"unknown unit {unit!r}")
        out.extend(
            Segment(unit, i, s, e, text[s:e], speaker=who, label=label)
            for i, (s, e, who, label) in enumerate(spans, start=1)
        )
    return out
