"""The rule engine: compile a codebook once, then apply its rules to texts and explain them."""

from __future__ import annotations

import os
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from casekit.codebook.model import DEFAULT_NEGATION_WINDOW, Codebook
from casekit.coding.hits import Explanation, Hit, NearMiss, reduce_hits
from casekit.coding.keywords import build_automaton, fold_en, phrase_forms
from casekit.coding.patterns import (
    PatternSpec,
    build_matcher,
    pattern_anchors,
    pattern_prefilter,
    validate_pattern,
)
from casekit.coding.polarity import Cue, NegationFinder
from casekit.coding.proximity import (
    ProximitySpec,
    evaluate_proximity,
    proximity_spans,
    zh_sentence_ends,
)
from casekit.coding.regexes import RegexSpec, compile_regex_rule
from casekit.errors import CodebookError, CodingError, Problem
from casekit.nlp import pipelines

if TYPE_CHECKING:
    import ahocorasick
    from spacy.matcher import Matcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

__all__ = [
    "CompiledCodebook",
    "apply_rules",
    "apply_rules_to_segments",
    "compile_codebook",
    "compile_from_path",
    "explain",
]

LANGS: tuple[str, ...] = ("zh", "en")

# Kinds of entries stored under one literal in a language's automaton. The first five are
# whole words or phrases (word boundaries apply in English); triggers are plain substrings
# that tell which regex or token pattern can possibly match.
_KW, _KW_POLAR, _EXCL, _PROX_A, _PROX_B, _REGEX_TRIGGER, _PATTERN_TRIGGER = range(7)
# Anchors shorter than this are too common to be worth an automaton entry; their regexes and
# patterns are checked on every text instead.
_MIN_TRIGGER_LEN = 2


@dataclass
class _LangRules:
    """Everything one language needs at run time (all picklable)."""

    lang: str
    # Keywords, exclusion phrases, proximity terms of every code and the anchors of regexes
    # and patterns, in one automaton: key -> (len(key), (keyword entries, other word
    # entries, substring entries)); see _compile_lang.
    automaton: ahocorasick.Automaton | None
    regexes: tuple[RegexSpec, ...]
    patterns: tuple[PatternSpec, ...]
    # Regexes and patterns without an anchor in the automaton: checked on every text.
    untriggered_regexes: tuple[int, ...]
    untriggered_patterns: tuple[int, ...]
    proximity: tuple[ProximitySpec, ...]
    # Exclusion and proximity-term entries of each literal that has any, by literal index:
    # the hot loop records a literal's occurrences once, however many rules use it.
    others: tuple[tuple[tuple[int, Any], ...], ...]
    # The same, indexed for the candidate filter: per literal, the proximity rules it is an
    # a-term / b-term of and the codes it excludes; per proximity rule, its a / b literals.
    literal_roles: tuple[tuple[frozenset[int], frozenset[int], tuple[str, ...]], ...]
    rule_literals: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]
    negation: NegationFinder | None
    polar: dict[str, str]  # strategy code -> paired dilemma code
    pattern_codes: dict[str, str]  # rule id -> code
    user_words: tuple[str, ...]  # kept whole by the zh segmenter when a Doc is built


@dataclass
class CompiledCodebook:
    """A codebook turned into automata, compiled regexes and pattern prefilters.

    Build it with :func:`compile_codebook` (or :func:`compile_from_path` in a worker).
    It pickles (the spaCy Matcher, which cannot, is rebuilt lazily in each process), so it
    can be shipped to process or Dask workers; the Chinese spaCy pipeline is never part of it.
    """

    codebook: Codebook
    langs: dict[str, _LangRules]
    models: dict[str, str] = field(default_factory=dict)
    _matchers: dict[str, tuple[Vocab, Matcher]] = field(default_factory=dict, repr=False)

    @property
    def content_hash(self) -> str:
        """The codebook's content hash, to store with each automatic coding."""
        return self.codebook.content_hash

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_matchers"] = {}
        return state

    def matcher(self, lang: str, vocab: Vocab) -> Matcher:
        """The Matcher over all ``lang`` patterns, built for ``vocab`` on first use."""
        cached = self._matchers.get(lang)
        if cached is not None and cached[0] is vocab:
            return cached[1]
        matcher = build_matcher(vocab, self.langs[lang].patterns)
        self._matchers[lang] = (vocab, matcher)
        return matcher


# -- compiling -------------------------------------------------------------------------


def compile_codebook(
    codebook: Codebook, *, models: Mapping[str, str] | None = None
) -> CompiledCodebook:
    """Compile every rule of ``codebook`` for fast repeated application.

    Parameters
    ----------
    codebook
        A validated codebook.
    models
        Optional installed spaCy pipeline per language (``{"en": "en_core_web_sm"}``) used
        when a Doc is needed (token patterns, English same-sentence proximity); by default
        the blank pipelines of :func:`casekit.nlp.get_pipeline`.

    Returns
    -------
    CompiledCodebook

    Notes
    -----
    Per language, one Aho-Corasick automaton holds all keywords, exclusion phrases and
    proximity terms. Chinese literals are matched exactly on characters. English literals
    are case-folded and expanded once, here, into every inflected form (each word of a
    phrase inflected, from spaCy's lookup lemma table reversed), and accepted only on word
    boundaries. Token patterns are validated with spaCy's schema.

    Raises
    ------
    CodebookError
        If a token pattern is invalid.
    """
    problems: list[Problem] = []
    langs = {lang: _compile_lang(codebook, lang, problems) for lang in LANGS}
    if problems:
        raise CodebookError(problems)
    return CompiledCodebook(codebook, langs, dict(models or {}))


def _literal_keys(phrase: str, lang: str) -> tuple[str, ...]:
    phrase = phrase.strip()
    if not phrase:
        return ()
    return phrase_forms(phrase) if lang == "en" else (phrase,)


def _compile_lang(codebook: Codebook, lang: str, problems: list[Problem]) -> _LangRules:
    # key -> ordered sets of (kind, ref, extra) entries: whole-word ones and substring ones
    words: dict[str, dict[tuple[Any, ...], None]] = {}
    substrings: dict[str, dict[tuple[Any, ...], None]] = {}

    def add(phrase: str, entry: tuple[Any, ...]) -> None:
        for key in _literal_keys(phrase, lang):
            words.setdefault(key, {})[entry] = None

    regexes: list[RegexSpec] = []
    patterns: list[PatternSpec] = []
    proximity: list[ProximitySpec] = []
    polar = {code.id: code.rules.negated for code in codebook if code.rules.negated}
    user_words: dict[str, None] = {}
    for code in codebook:
        rules = code.rules
        kw_kind = _KW_POLAR if code.id in polar else _KW
        for kw in rules.keywords.get(lang, ()):
            add(kw, (kw_kind, code.id, f"{code.id}#kw"))
            user_words[kw.strip()] = None
        for phrase in rules.exclusions.get(lang, ()):
            add(phrase, (_EXCL, code.id, None))
        for prox in rules.proximity:
            if prox.lang not in (lang, "any"):
                continue
            idx = len(proximity)
            proximity.append(ProximitySpec(prox.rule_id, code.id, lang, prox.within, prox.same))
            for side, side_terms in ((_PROX_A, prox.a), (_PROX_B, prox.b)):
                for term in side_terms:
                    add(term, (side, idx, None))
                    user_words[term.strip()] = None
        for rx in rules.regexes:
            if rx.lang in (lang, "any"):
                regexes.append(compile_regex_rule(rx.rule_id, code.id, lang, rx.pattern))
        for pat in rules.patterns:
            if pat.lang not in (lang, "any"):
                continue
            errors = validate_pattern(pat.pattern)
            for err in errors:
                problems.append(
                    Problem(codebook.path or codebook.id, pat.line, f"{pat.rule_id}: {err}")
                )
            if not errors:
                patterns.append(
                    PatternSpec(
                        pat.rule_id,
                        code.id,
                        lang,
                        pat.pattern,
                        pattern_anchors(pat.pattern, lang),
                        pattern_prefilter(pat.pattern, lang),
                    )
                )

    untriggered_regexes: list[int] = []
    for idx, regex_spec in enumerate(regexes):
        keys = _trigger_keys(regex_spec.anchors, lang, folded=regex_spec.folded)
        for key in keys:
            substrings.setdefault(key, {})[(_REGEX_TRIGGER, idx, None)] = None
        if not keys:
            untriggered_regexes.append(idx)
    untriggered_patterns: list[int] = []
    for idx, pattern_spec in enumerate(patterns):
        best = max(pattern_spec.anchors, key=lambda g: min(len(a) for a in g), default=None)
        keys = _trigger_keys(best, lang, folded=True)
        for key in keys:
            substrings.setdefault(key, {})[(_PATTERN_TRIGGER, idx, None)] = None
        if not keys:
            untriggered_patterns.append(idx)

    negation = None
    cues = codebook.negation.cues.get(lang, ())
    if polar and cues:
        window = codebook.negation.window.get(lang, DEFAULT_NEGATION_WINDOW[lang])
        negation = NegationFinder(lang, cues, window)
    # Value per key: (keyword entries (code, rule_id, is_polar), other word entries
    # (kind, ref), substring entries (kind, ref)); split so the hot loop needs no dispatch
    # for the common case of a plain keyword.
    table: dict[str, tuple[Any, ...]] = {}
    others: list[tuple[tuple[int, Any], ...]] = []
    for key in {**words, **substrings}:
        entries = list(words.get(key, ()))
        keyword_entries = tuple(
            (ref, rule_id, kind == _KW_POLAR)
            for kind, ref, rule_id in entries
            if kind in (_KW, _KW_POLAR)
        )
        other_entries = tuple(
            (kind, ref) for kind, ref, _ in entries if kind not in (_KW, _KW_POLAR)
        )
        other_id = -1
        if other_entries:
            other_id = len(others)
            others.append(other_entries)
        substring_entries = tuple((kind, ref) for kind, ref, _ in substrings.get(key, ()))
        table[key] = (keyword_entries, other_id, substring_entries)
    return _LangRules(
        lang=lang,
        automaton=build_automaton(table),
        regexes=tuple(regexes),
        patterns=tuple(patterns),
        untriggered_regexes=tuple(untriggered_regexes),
        untriggered_patterns=tuple(untriggered_patterns),
        proximity=tuple(proximity),
        others=tuple(others),
        literal_roles=tuple(
            (
                frozenset(ref for kind, ref in entries if kind == _PROX_A),
                frozenset(ref for kind, ref in entries if kind == _PROX_B),
                tuple(ref for kind, ref in entries if kind == _EXCL),
            )
            for entries in others
        ),
        rule_literals=tuple(
            (
                tuple(i for i, entries in enumerate(others) if (_PROX_A, idx) in entries),
                tuple(i for i, entries in enumerate(others) if (_PROX_B, idx) in entries),
            )
            for idx in range(len(proximity))
        ),
        negation=negation,
        polar=polar,
        pattern_codes={p.rule_id: p.code for p in patterns},
        user_words=tuple(w for w in user_words if w) if lang == "zh" else (),
    )


def _trigger_keys(anchors: tuple[str, ...] | None, lang: str, *, folded: bool) -> tuple[str, ...]:
    # Automaton keys that announce a regex or pattern, or () if it must run on every text.
    # English texts are searched folded, so keys are folded too; Chinese texts are searched
    # as they are, so an already folded anchor is usable only if folding did not change it.
    if not anchors or min(len(a) for a in anchors) < _MIN_TRIGGER_LEN:
        return ()
    if lang == "en":
        return tuple(dict.fromkeys(fold_en(a) for a in anchors))
    if folded and any(a != a.upper() for a in anchors):
        return ()
    return anchors


_PATH_CACHE: dict[tuple[str, int, int], CompiledCodebook] = {}


def compile_from_path(path: str | os.PathLike[str]) -> CompiledCodebook:
    """Load and compile a codebook file, cached per process while the file is unchanged.

    Meant for parallel workers: send them the path (and plain text batches), not pipelines.
    """
    from casekit.codebook.loader import load_codebook

    resolved = Path(path).resolve()
    stat = resolved.stat()
    key = (str(resolved), stat.st_mtime_ns, stat.st_size)
    compiled = _PATH_CACHE.get(key)
    if compiled is None:
        compiled = compile_codebook(load_codebook(resolved))
        _PATH_CACHE.clear()  # one codebook per worker is the normal case; keep memory flat
        _PATH_CACHE[key] = compiled
    return compiled


# -- applying --------------------------------------------------------------------------


def apply_rules(
    compiled: CompiledCodebook, text: str, lang: str | None, *, doc: Doc | None = None
) -> list[Hit]:
    """All rule hits on ``text``.

    Parameters
    ----------
    compiled
        From :func:`compile_codebook`.
    text
        The text of one segment (or any text); offsets in the hits point into it.
    lang
        ``"zh"`` or ``"en"``; ``None`` detects it with :func:`casekit.nlp.detect_language`.
    doc
        An existing spaCy Doc of ``text``, used instead of building one when a token-level
        rule needs it.

    Returns
    -------
    list of Hit
        Every occurrence of every keyword (overlapping ones included) and every firing of a
        pattern, regex or proximity rule, minus hits cancelled by an exclusion phrase of the
        same code, with polarity flips applied; sorted by (start, end, code, rule_id). Use
        :func:`~casekit.coding.hits.reduce_hits` for one coding per code and span.
        A hit recoded by polarity spans from the negation cue to the end of the original
        hit ("没有纳入考核"), so the coded text shows the evidence for the dilemma.
    """
    return _run(compiled, text, lang, doc, near=False)[0]


def explain(compiled: CompiledCodebook, text: str, lang: str | None = None) -> Explanation:
    """What the rules do on ``text``: the hits, and the near misses.

    Parameters
    ----------
    compiled
        From :func:`compile_codebook`.
    text
        Any text.
    lang
        ``"zh"`` or ``"en"``; ``None`` (the default) detects it.

    Returns
    -------
    Explanation
        ``hits`` exactly as :func:`apply_rules` returns them, and ``near_misses``: hits
        cancelled by an exclusion phrase, hits recoded by a negation cue (the recoded hit is
        among ``hits``), and proximity rules that found terms of one side only or both sides
        too far apart. Proximity terms are often common words, so ``one_side`` near misses
        can be many; a display may want to group or hide them.
    """
    lang = lang or pipelines.detect_language(text)
    hits, near = _run(compiled, text, lang, None, near=True)
    return Explanation(text, lang, tuple(hits), tuple(near))


def apply_rules_to_segments(
    compiled: CompiledCodebook,
    segments: Iterable[tuple[Hashable, str, str | None]],
    *,
    reduce: Literal["span", "code"] | None = None,
) -> Iterator[tuple[Hashable, Hit]]:
    """Apply the rules to many segments, streaming ``(segment_id, hit)`` pairs.

    Parameters
    ----------
    compiled
        From :func:`compile_codebook` or :func:`compile_from_path`.
    segments
        ``(segment_id, text, lang)`` triples; ``lang`` ``None`` means detect it.
    reduce
        ``None`` yields every hit; ``"span"`` one per (segment, code, span); ``"code"`` one
        per (segment, code). See :func:`~casekit.coding.hits.reduce_hits`.
    """
    for segment_id, text, lang in segments:
        hits = apply_rules(compiled, text, lang)
        if reduce is not None:
            hits = reduce_hits(hits, per=reduce)
        for hit in hits:
            yield segment_id, hit


def _run(
    compiled: CompiledCodebook, text: str, lang: str | None, doc: Doc | None, *, near: bool
) -> tuple[list[Hit], list[NearMiss]]:
    if lang is None:
        lang = pipelines.detect_language(text)
    rules = compiled.langs.get(lang)
    if rules is None:
        raise CodingError(
            f"unsupported language {lang!r}: rules run on 'zh' or 'en' text "
            "(pass None to detect the language of each text)"
        )
    if doc is not None and doc.text != text:
        raise CodingError("the spaCy Doc passed to the rule engine is not a Doc of this text")
    if not text:
        return [], []
    english = lang == "en"
    folded = fold_en(text) if english else text
    n = len(text)
    polar = rules.polar
    found: list[Hit] = []
    misses: list[NearMiss] = []
    polar_seen = False

    # 1. One automaton pass: keywords, exclusion phrases, proximity terms, rule triggers.
    exclusions: dict[str, list[tuple[int, int]]] = {}
    terms: dict[int, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}
    triggered: list[tuple[int, int]] = []  # (kind, index) of regexes and patterns
    if rules.automaton is not None:
        iter_matches = rules.automaton.iter(folded)
        occurrences: dict[int, list[tuple[int, int]]] = {}
        for last, (length, (kw_entries, other_id, substring_entries)) in iter_matches:
            start = last - length + 1
            end = last + 1
            if substring_entries:
                triggered.extend(substring_entries)
                if not kw_entries and other_id < 0:
                    continue
            # Inlined at_word_boundaries: this loop is the engine's hot path.
            if english and (
                (start > 0 and folded[start].isalnum() and folded[start - 1].isalnum())
                or (end < n and folded[end - 1].isalnum() and folded[end].isalnum())
            ):
                continue
            if kw_entries:
                matched = text[start:end]
                for code, rule_id, is_polar in kw_entries:
                    found.append(Hit(code, start, end, matched, rule_id, "keyword"))
                    if is_polar:
                        polar_seen = True
            if other_id >= 0:
                spans = occurrences.get(other_id)
                if spans is None:
                    occurrences[other_id] = [(start, end)]
                else:
                    spans.append((start, end))
        if near:
            # Explanations need every rule with either side present (one-sided near misses).
            for other_id, spans in occurrences.items():
                for kind, ref in rules.others[other_id]:
                    if kind == _EXCL:
                        exclusions.setdefault(ref, []).extend(spans)
                    else:
                        sides = terms.get(ref)
                        if sides is None:
                            sides = terms[ref] = ([], [])
                        sides[kind - _PROX_A].extend(spans)
        else:
            # Only rules with terms of both sides can fire: find them with set unions (C speed)
            # instead of fanning each common term (数据, 系统 ...) out to every rule using it.
            with_a: set[int] = set()
            with_b: set[int] = set()
            roles = rules.literal_roles
            for other_id, spans in occurrences.items():
                a_rules, b_rules, excluded = roles[other_id]
                if a_rules:
                    with_a |= a_rules
                if b_rules:
                    with_b |= b_rules
                for code in excluded:
                    exclusions.setdefault(code, []).extend(spans)
            for idx in with_a & with_b:
                a_lits, b_lits = rules.rule_literals[idx]
                terms[idx] = (
                    [sp for lit in a_lits for sp in occurrences.get(lit, ())],
                    [sp for lit in b_lits for sp in occurrences.get(lit, ())],
                )
        for a_side, b_side in terms.values():
            # Text order, as the automaton reported them, whichever literal they came from.
            a_side.sort(key=_by_end)
            b_side.sort(key=_by_end)

    # 2. A Doc only if a token-level rule needs one.
    def get_doc() -> Doc:
        nonlocal doc
        if doc is None:
            nlp = pipelines.get_pipeline(
                lang, model=compiled.models.get(lang), user_words=rules.user_words
            )
            doc = nlp(text)
        return doc

    # 3. Regexes whose anchor occurs.
    # (An untriggered regex may still have short anchors to check; a triggered one's anchor
    # was just seen.)
    regex_ids = [
        i
        for i in rules.untriggered_regexes
        if rules.regexes[i].may_match(text, folded if english else None)
    ]
    pattern_ids = list(rules.untriggered_patterns)
    if triggered:
        for kind, ref in dict.fromkeys(triggered):
            (regex_ids if kind == _REGEX_TRIGGER else pattern_ids).append(ref)
    for idx in regex_ids:
        rx = rules.regexes[idx]
        for m in rx.regex.finditer(text):
            if m.end() > m.start():
                found.append(Hit(rx.code, m.start(), m.end(), m.group(), rx.rule_id, "regex"))
                polar_seen = polar_seen or rx.code in polar

    # 4. Proximity from the term occurrences of step 1.
    sentence_cache: list[list[int]] = []

    def sentence_ends() -> list[int]:
        if not sentence_cache:
            if english:
                sentence_cache.append([s.end_char for s in get_doc().sents])
            else:
                sentence_cache.append(zh_sentence_ends(text))
        return sentence_cache[0]

    for idx in sorted(terms):
        a_spans, b_spans = terms[idx]
        if not (a_spans and b_spans) and not near:
            continue
        spec = rules.proximity[idx]
        if not near:
            for s, e in proximity_spans(spec, a_spans, b_spans, text, sentence_ends):
                found.append(Hit(spec.code, s, e, text[s:e], spec.rule_id, "proximity"))
                polar_seen = polar_seen or spec.code in polar
            continue
        outcome = evaluate_proximity(spec, a_spans, b_spans, text, sentence_ends)
        for s, e in outcome.spans:
            found.append(Hit(spec.code, s, e, text[s:e], spec.rule_id, "proximity"))
            polar_seen = polar_seen or spec.code in polar
        if outcome.miss_reason and outcome.miss_span:
            s, e = outcome.miss_span
            misses.append(
                NearMiss(
                    spec.code,
                    s,
                    e,
                    text[s:e],
                    spec.rule_id,
                    "proximity",
                    outcome.miss_reason,  # type: ignore[arg-type]
                    outcome.miss_detail,
                )
            )

    # 5. Token patterns, only where the literal prefilter allows a match.
    if pattern_ids:
        pfolded = folded if english else fold_en(text)
        if any(rules.patterns[i].may_match(pfolded) for i in pattern_ids):
            the_doc = get_doc()
            matcher = compiled.matcher(lang, the_doc.vocab)
            strings = the_doc.vocab.strings
            for match_id, s, e in matcher(the_doc):
                span = the_doc[s:e]
                rule_id = strings[match_id]
                code = rules.pattern_codes[rule_id]
                found.append(
                    Hit(code, span.start_char, span.end_char, span.text, rule_id, "pattern")
                )
                polar_seen = polar_seen or code in polar

    # 6. Exclusions cancel overlapping hits of their code; 7. polarity recodes.
    if exclusions or (polar_seen and rules.negation is not None):
        found = _exclude_and_flip(rules, text, folded, found, exclusions, misses if near else None)
    found.sort(key=_order)
    misses.sort(key=_order)
    return found, misses


def _by_end(span: tuple[int, int]) -> tuple[int, int]:
    return span[1], span[0]


def _exclude_and_flip(
    rules: _LangRules,
    text: str,
    folded: str,
    found: list[Hit],
    exclusions: dict[str, list[tuple[int, int]]],
    misses: list[NearMiss] | None,
) -> list[Hit]:
    unit = "words" if rules.lang == "en" else "characters"
    polar = rules.polar
    cues: dict[int, Cue | None] = {}  # by hit start: several rules often hit the same term
    hits: list[Hit] = []
    for hit in found:
        if hit.code not in exclusions and hit.code not in polar:
            hits.append(hit)
            continue
        cancelled = _overlapping(exclusions.get(hit.code, ()), hit)
        if cancelled is not None:
            if misses is not None:
                s, e = cancelled
                misses.append(_miss(hit, "excluded", f"exclusion phrase {text[s:e]!r} at {s}-{e}"))
            continue
        negated = polar.get(hit.code)
        cue = None
        if negated is not None and rules.negation is not None:
            if hit.start not in cues:
                cues[hit.start] = rules.negation.find(text, folded, hit.start)
            cue = cues[hit.start]
        if cue is None or negated is None:
            hits.append(hit)
            continue
        hits.append(
            Hit(
                negated,
                cue.start,
                hit.end,
                text[cue.start : hit.end],
                hit.rule_id + "!neg",
                hit.rule_kind,
                flipped_from=hit.code,
            )
        )
        if misses is not None:
            window = rules.negation.window if rules.negation else 0
            misses.append(
                _miss(
                    hit,
                    "negated",
                    f"negation cue {cue.text!r} at {cue.start}-{cue.end}, {cue.gap} {unit} "
                    f"before (window {window}): coded {negated} instead",
                )
            )
    return hits


# Hits and near misses are listed by (start, end, code, rule_id).
_order = attrgetter("start", "end", "code", "rule_id")


def _overlapping(spans: Iterable[tuple[int, int]], hit: Hit) -> tuple[int, int] | None:
    for s, e in spans:
        if s < hit.end and hit.start < e:
            return (s, e)
    return None


def _miss(hit: Hit, reason: Any, detail: str) -> NearMiss:
    return NearMiss(
        hit.code, hit.start, hit.end, hit.matched_text, hit.rule_id, hit.rule_kind, reason, detail
    )
