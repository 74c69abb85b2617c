"""Polarity: find a negation cue just before a hit, so a strategy hit becomes its dilemma."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from casekit.coding.keywords import (
    at_word_boundaries,
    build_automaton,
    count_words,
    normalize_en_phrase,
)

__all__ = ["CLAUSE_BREAKS", "CUE_BLOCKERS", "Cue", "NegationFinder"]

# A cue negates only within its clause: "没有问题。纳入考核" is not "没有纳入考核". The
# enumeration comma 、 is not a break because a cue distributes over a list
# ("缺乏资金、技术支持" lacks both).
CLAUSE_BREAKS: dict[str, str] = {"zh": "，。！？；：,;!?:\n", "en": ",.;:!?\n"}

# Words that contain a cue without negating anything: 未来 (future) holds 未, 有没有 is a
# question, 不足为奇 means "not surprising"; "not only ... but also" affirms. A cue that lies
# wholly inside one of these is ignored; a cue that only overlaps one is kept
# ("并未来参加" still has 并未).
CUE_BLOCKERS: dict[str, tuple[str, ...]] = {
    "zh": ("未来", "有没有", "有无", "不足为奇", "无论"),
    "en": ("not only", "not just", "no doubt", "no matter"),
}

# English windows are counted in words, but the search region is cut in characters; no
# realistic word is longer than this.
_EN_CHARS_PER_WORD = 40

_CUE, _BLOCKER = 0, 1


@dataclass(frozen=True, slots=True)
class Cue:
    """A negation cue found before a hit; ``gap`` is in characters (zh) or words (en)."""

    start: int
    end: int
    text: str
    gap: int


class NegationFinder:
    """Looks for the nearest negation cue within ``window`` before a position.

    zh: the gap is the number of characters between the cue's end and the hit; en: the
    number of words between them (the cue itself must stand on word boundaries). The cue
    must be in the same clause as the hit and must not lie inside a blocker word.
    Picklable (the automaton is pyahocorasick's).
    """

    def __init__(self, lang: str, cues: Iterable[str], window: int) -> None:
        self.lang = lang
        self.window = window
        norm = (lambda s: normalize_en_phrase(s)) if lang == "en" else (lambda s: s.strip())
        cue_set = {norm(c) for c in cues if c.strip()}
        blockers = {
            norm(b)
            for b in CUE_BLOCKERS.get(lang, ())
            if any(c in norm(b) for c in cue_set) and norm(b) not in cue_set
        }
        entries: dict[str, list[tuple[int, str]]] = {}
        for cue in cue_set:
            entries.setdefault(cue, []).append((_CUE, cue))
        for blocker in blockers:
            entries.setdefault(blocker, []).append((_BLOCKER, blocker))
        self.automaton = build_automaton(entries)
        self.max_len = max((len(k) for k in entries), default=0)
        if lang == "en":
            max_words = max((len(k.split()) for k in entries), default=0)
            self.reach = (window + max_words + 1) * _EN_CHARS_PER_WORD
        else:
            self.reach = window + self.max_len

    def find(self, text: str, folded: str, start: int) -> Cue | None:
        """The nearest cue negating a hit that begins at ``start``, or ``None``.

        Parameters
        ----------
        text
            The original text (clause breaks are looked up here).
        folded
            The text cues are matched on: ``fold_en(text)`` for English, ``text`` for zh.
        start
            Start offset of the hit.
        """
        if self.automaton is None or start == 0:
            return None
        lo = max(0, start - self.reach)
        for ch in CLAUSE_BREAKS.get(self.lang, ""):
            cut = text.rfind(ch, lo, start)
            if cut >= lo:
                lo = cut + 1
        # Blockers may extend past the hit's start ("未来" when the hit begins with 来).
        hi = min(len(folded), start + self.max_len)
        english = self.lang == "en"
        cues: list[tuple[int, int, str]] = []
        blocked: list[tuple[int, int]] = []
        for last, (length, values) in self.automaton.iter(folded, lo, hi):
            s, e = last - length + 1, last + 1
            if english and not at_word_boundaries(folded, s, e):
                continue
            for kind, phrase in values:
                if kind == _CUE:
                    if e <= start:
                        cues.append((s, e, phrase))
                else:
                    blocked.append((s, e))
        best: Cue | None = None
        for s, e, _phrase in cues:
            if any(bs <= s and e <= be for bs, be in blocked):
                continue
            gap = count_words(text[e:start]) if english else start - e
            if gap <= self.window and (best is None or e > best.end):
                best = Cue(s, e, text[s:e], gap)
        return best
