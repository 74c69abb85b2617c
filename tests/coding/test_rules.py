"""The rule engine: every rule kind in both languages, exclusions, polarity, Docs, pickling."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from casekit.codebook.model import PatternRule, ProximityRule, RegexRule
from casekit.coding import (
    CompiledCodebook,
    Hit,
    NearMiss,
    apply_rules,
    apply_rules_to_segments,
    compile_codebook,
    compile_from_path,
    explain,
)
from casekit.errors import CasekitError, CodebookError, CodingError
from casekit.nlp import pipelines
from tests.coding.builders import code, codebook
from tests.coding.conftest import FIXTURE

CODEBOOK = codebook(
    code(
        "TECH.EXCHANGE",
        keywords={
            "zh": ("数据共享", "共享交换平台", "数据共享交换平台"),
            "en": ("share", "exchange platform", "data"),
        },
    ),
    code("TECH.PLATFORM", keywords={"zh": ("平台",)}),
    code(
        "ACTOR.LEADERSHIP",
        keywords={"zh": ("领导小组",), "en": ("top leader",)},
        exclusions={"zh": ("旅游领导小组",), "en": ("top leader board",)},
    ),
    code(
        "STR.INC",
        "strategy",
        keywords={"zh": ("纳入考核",), "en": ("incentive",)},
        negated="DIL.NO_INC",
    ),
    code("DIL.NO_INC", "dilemma"),
    code(
        "DIL.QUAL",
        "dilemma",
        proximity=(
            ProximityRule("DIL.QUAL#prox1", "zh", ("数据", "平台"), ("对不上", "错误"), within=12),
            ProximityRule("DIL.QUAL#prox2", "en", ("data",), ("wrong",), within=3),
            ProximityRule("DIL.QUAL#prox3", "zh", ("接口",), ("不稳定",), same="sentence"),
            ProximityRule("DIL.QUAL#prox4", "en", ("record",), ("outdated",), same="sentence"),
        ),
    ),
    code(
        "ACTOR.GOV",
        regexes=(
            RegexRule("ACTOR.GOV#regex1", "zh", "(省|市|县)长.{0,4}(批示|过问)"),
            RegexRule("ACTOR.GOV#regex2", "any", r"\b[A-Z]{3,}\b"),
        ),
    ),
    code(
        "TECH.CALL",
        patterns=(
            PatternRule("TECH.CALL#pattern1", "en", ({"LEMMA": "share"}, {"LOWER": "records"})),
            PatternRule("TECH.CALL#pattern2", "zh", ({"ORTH": "调用"}, {"ORTH": "接口"})),
        ),
    ),
)


@pytest.fixture(scope="module")
def compiled() -> CompiledCodebook:
    return compile_codebook(CODEBOOK)


def spans(hits: list[Hit], code_id: str | None = None) -> list[tuple[str, int, int, str]]:
    return [(h.code, h.start, h.end, h.matched_text) for h in hits if code_id in (None, h.code)]


# -- keywords ----------------------------------------------------------------------------


def test_overlapping_chinese_keywords_are_all_found(compiled: CompiledCodebook) -> None:
    hits = apply_rules(compiled, "省数据共享交换平台", "zh")
    assert spans(hits) == [
        ("TECH.EXCHANGE", 1, 5, "数据共享"),
        ("TECH.EXCHANGE", 1, 9, "数据共享交换平台"),
        ("TECH.EXCHANGE", 3, 9, "共享交换平台"),
        ("TECH.PLATFORM", 7, 9, "平台"),  # another code's keyword inside: not suppressed
    ]
    assert {h.rule_id for h in hits} == {"TECH.EXCHANGE#kw", "TECH.PLATFORM#kw"}
    assert {h.rule_kind for h in hits} == {"keyword"}
    assert all(h.flipped_from is None for h in hits)


def test_every_occurrence_is_reported(compiled: CompiledCodebook) -> None:
    hits = apply_rules(compiled, "平台，平台", "zh")
    assert spans(hits) == [("TECH.PLATFORM", 0, 2, "平台"), ("TECH.PLATFORM", 3, 5, "平台")]


def test_english_keywords_match_inflections_and_case(compiled: CompiledCodebook) -> None:
    text = "Shares, shared and Sharing; the Exchange\nPlatforms."
    assert spans(apply_rules(compiled, text, "en"), "TECH.EXCHANGE") == [
        ("TECH.EXCHANGE", 0, 6, "Shares"),
        ("TECH.EXCHANGE", 8, 14, "shared"),
        ("TECH.EXCHANGE", 19, 26, "Sharing"),
        ("TECH.EXCHANGE", 32, 50, "Exchange\nPlatforms"),
    ]


def test_english_keywords_need_word_boundaries(compiled: CompiledCodebook) -> None:
    text = "metadata, datasets, sharecropping, data-driven"
    assert spans(apply_rules(compiled, text, "en")) == [("TECH.EXCHANGE", 35, 39, "data")]


def test_chinese_rules_do_not_run_on_english_text(compiled: CompiledCodebook) -> None:
    assert apply_rules(compiled, "数据共享 data", "en") == [
        Hit("TECH.EXCHANGE", 5, 9, "data", "TECH.EXCHANGE#kw", "keyword")
    ]


# -- exclusions --------------------------------------------------------------------------


def test_exclusion_cancels_overlapping_hit_only(compiled: CompiledCodebook) -> None:
    text = "旅游领导小组开会，领导小组也来了"
    assert spans(apply_rules(compiled, text, "zh")) == [("ACTOR.LEADERSHIP", 9, 13, "领导小组")]
    explanation = explain(compiled, text, "zh")
    assert explanation.near_misses == (
        NearMiss(
            "ACTOR.LEADERSHIP",
            2,
            6,
            "领导小组",
            "ACTOR.LEADERSHIP#kw",
            "keyword",
            "excluded",
            "exclusion phrase '旅游领导小组' at 0-6",
        ),
    )


def test_english_exclusion(compiled: CompiledCodebook) -> None:
    assert apply_rules(compiled, "See the Top Leader board.", "en") == []
    assert spans(apply_rules(compiled, "Top leaders decided.", "en")) == [
        ("ACTOR.LEADERSHIP", 0, 11, "Top leaders")
    ]


# -- polarity ----------------------------------------------------------------------------


def test_chinese_negation_flips_strategy_to_dilemma(compiled: CompiledCodebook) -> None:
    hits = apply_rules(compiled, "数据共享没有纳入考核。", "zh")
    assert hits[-1] == Hit(
        "DIL.NO_INC", 4, 10, "没有纳入考核", "STR.INC#kw!neg", "keyword", "STR.INC"
    )
    assert "STR.INC" not in {h.code for h in hits}


def test_chinese_negation_window_and_clause(compiled: CompiledCodebook) -> None:
    def codes(text: str) -> list[str]:
        return [h.code for h in apply_rules(compiled, text, "zh") if "INC" in h.code]

    assert codes("没有把这些工作都纳入考核") == ["DIL.NO_INC"]  # 6 characters between
    assert codes("没有把这些工作全都纳入考核") == ["STR.INC"]  # 7: beyond the window
    assert codes("没有问题，纳入考核了") == ["STR.INC"]  # another clause
    assert codes("尚未纳入考核") == ["DIL.NO_INC"]
    assert codes("缺乏资金、纳入考核") == ["DIL.NO_INC"]  # 、 does not end the clause


def test_chinese_cue_inside_a_longer_word_does_not_negate(compiled: CompiledCodebook) -> None:
    def codes(text: str) -> list[str]:
        return [h.code for h in apply_rules(compiled, text, "zh") if "INC" in h.code]

    assert codes("未来纳入考核") == ["STR.INC"]  # 未 inside 未来
    assert codes("有没有纳入考核？") == ["STR.INC"]  # a question
    assert codes("并未来得及纳入考核") == ["DIL.NO_INC"]  # 并未 overlaps 未来 but is a cue


def test_english_negation_flips_within_words(compiled: CompiledCodebook) -> None:
    def codes(text: str) -> list[tuple[str, str]]:
        return [(h.code, h.matched_text) for h in apply_rules(compiled, text, "en")]

    assert codes("There is no incentive.") == [("DIL.NO_INC", "no incentive")]
    assert codes("Not really any financial incentives") == [
        ("DIL.NO_INC", "Not really any financial incentives")
    ]
    assert codes("Not really any real financial incentive") == [("STR.INC", "incentive")]
    assert codes("No. Incentives came later") == [("STR.INC", "Incentives")]
    assert codes("I know incentives matter") == [("STR.INC", "incentives")]
    assert codes("not only an incentive") == [("STR.INC", "incentive")]


def test_explain_reports_the_flip(compiled: CompiledCodebook) -> None:
    explanation = explain(compiled, "There is no incentive.")
    assert explanation.lang == "en"
    assert explanation.codes() == ["DIL.NO_INC"]
    assert explanation.near_misses == (
        NearMiss(
            "STR.INC",
            12,
            21,
            "incentive",
            "STR.INC#kw",
            "keyword",
            "negated",
            "negation cue 'no' at 9-11, 0 words before (window 3): coded DIL.NO_INC instead",
        ),
    )


# -- proximity ---------------------------------------------------------------------------


def prox(hits: list[Hit]) -> list[tuple[str, int, int, str]]:
    return [(h.rule_id, h.start, h.end, h.matched_text) for h in hits if h.rule_kind == "proximity"]


def test_chinese_proximity_within_characters(compiled: CompiledCodebook) -> None:
    assert prox(apply_rules(compiled, "返回的数据有时候跟原始记录对不上", "zh")) == [
        ("DIL.QUAL#prox1", 3, 16, "数据有时候跟原始记录对不上")
    ]
    # 11 characters between the terms is inside, 13 outside the window of 12.
    assert prox(apply_rules(compiled, "数据" + "甲" * 12 + "对不上", "zh")) == [
        ("DIL.QUAL#prox1", 0, 17, "数据" + "甲" * 12 + "对不上")
    ]
    assert prox(apply_rules(compiled, "数据" + "甲" * 13 + "对不上", "zh")) == []


def test_chinese_proximity_either_order_nearest_pair(compiled: CompiledCodebook) -> None:
    assert prox(apply_rules(compiled, "错误的数据", "zh")) == [
        ("DIL.QUAL#prox1", 0, 5, "错误的数据")
    ]
    # Both a-terms are near 对不上; the closer one pairs with it.
    assert prox(apply_rules(compiled, "平台上返回的数据对不上", "zh")) == [
        ("DIL.QUAL#prox1", 6, 11, "数据对不上")
    ]


def test_chinese_proximity_same_sentence(compiled: CompiledCodebook) -> None:
    assert prox(apply_rules(compiled, "接口调用那边一直都很不稳定。", "zh")) == [
        ("DIL.QUAL#prox3", 0, 13, "接口调用那边一直都很不稳定")
    ]
    assert prox(apply_rules(compiled, "接口好了。就是不稳定", "zh")) == []


def test_english_proximity_within_words(compiled: CompiledCodebook) -> None:
    assert prox(apply_rules(compiled, "the data was simply wrong", "en")) == [
        ("DIL.QUAL#prox2", 4, 25, "data was simply wrong")
    ]
    assert prox(apply_rules(compiled, "the data was simply and always wrong", "en")) == []


def test_english_proximity_same_sentence(compiled: CompiledCodebook) -> None:
    assert prox(apply_rules(compiled, "Records from 2019 were badly outdated.", "en")) == [
        ("DIL.QUAL#prox4", 0, 37, "Records from 2019 were badly outdated")
    ]
    assert prox(apply_rules(compiled, "The records arrived. Nothing was outdated.", "en")) == []


def test_explain_proximity_near_misses(compiled: CompiledCodebook) -> None:
    one_side = explain(compiled, "数据都齐了", "zh").near_misses
    assert one_side == (
        NearMiss(
            "DIL.QUAL",
            0,
            2,
            "数据",
            "DIL.QUAL#prox1",
            "proximity",
            "one_side",
            "a-term '数据' found, but no b-term",
        ),
    )
    too_far = explain(compiled, "the data was simply and always wrong", "en").near_misses
    assert [(m.reason, m.detail) for m in too_far] == [
        ("too_far", "nearest terms 'data' and 'wrong' are 4 words apart (within 3)")
    ]
    other_sentence = explain(compiled, "接口好了。就是不稳定", "zh").near_misses
    assert [(m.reason, m.detail) for m in other_sentence] == [
        ("too_far", "nearest terms '接口' and '不稳定' are not in the same sentence")
    ]


# -- regexes -----------------------------------------------------------------------------


def test_regex_rules(compiled: CompiledCodebook) -> None:
    hits = apply_rules(compiled, "后来省长亲自批示了。", "zh")
    assert hits == [Hit("ACTOR.GOV", 2, 8, "省长亲自批示", "ACTOR.GOV#regex1", "regex")]
    # lang "any" runs on both languages; the regex without an anchor runs on every text.
    assert spans(apply_rules(compiled, "The NDRC said so", "en")) == [("ACTOR.GOV", 4, 8, "NDRC")]
    assert spans(apply_rules(compiled, "国家NDRC", "zh")) == []  # \b: no boundary after 家


# -- token patterns and the Doc ----------------------------------------------------------


@pytest.fixture
def doc_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the language each time the engine asks for a spaCy pipeline."""
    calls: list[str] = []
    real = pipelines.get_pipeline

    def counting(lang: str, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(lang)
        return real(lang, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipelines, "get_pipeline", counting)
    return calls


def test_english_pattern_matches_lemmas(compiled: CompiledCodebook, doc_builds: list[str]) -> None:
    hits = apply_rules(compiled, "They shared records daily.", "en")
    assert [h for h in hits if h.rule_kind == "pattern"] == [
        Hit("TECH.CALL", 5, 19, "shared records", "TECH.CALL#pattern1", "pattern")
    ]
    assert doc_builds == ["en"]


def test_chinese_pattern_on_jieba_tokens(compiled: CompiledCodebook, doc_builds: list[str]) -> None:
    hits = apply_rules(compiled, "他们调用接口很慢", "zh")
    assert [h for h in hits if h.rule_kind == "pattern"] == [
        Hit("TECH.CALL", 2, 6, "调用接口", "TECH.CALL#pattern2", "pattern")
    ]
    assert doc_builds == ["zh"]


def test_no_doc_without_a_pattern_anchor(compiled: CompiledCodebook, doc_builds: list[str]) -> None:
    apply_rules(compiled, "省数据共享交换平台没有纳入考核", "zh")
    apply_rules(compiled, "They shared data; no incentive.", "en")  # LEMMA share but no "records"
    apply_rules(compiled, "接口调不通", "zh")  # 接口 without 调用
    apply_rules(compiled, "Records from 2019.", "en")  # same-sentence rule, one side only
    assert doc_builds == []


def test_given_doc_is_used(compiled: CompiledCodebook, doc_builds: list[str]) -> None:
    doc = pipelines.get_pipeline("en")("They share records.")
    doc_builds.clear()
    hits = apply_rules(compiled, "They share records.", "en", doc=doc)
    assert [h.rule_id for h in hits] == ["TECH.EXCHANGE#kw", "TECH.CALL#pattern1"]
    assert doc_builds == []
    with pytest.raises(CodingError, match="not a Doc of this text"):
        apply_rules(compiled, "They share records!", "en", doc=doc)


def test_invalid_pattern_is_a_codebook_error() -> None:
    bad = codebook(code("X", patterns=(PatternRule("X#pattern1", "en", ({"LOWER": 3},)),)))
    with pytest.raises(CodebookError) as err:
        compile_codebook(bad)
    # spaCy's validator explains the problem (here in two messages).
    assert err.value.problems
    assert all(
        str(p).startswith("TEST: X#pattern1: [pattern -> 0 -> LOWER") for p in err.value.problems
    )


# -- languages, segments, reduction ------------------------------------------------------


def test_language_is_detected_when_not_given(compiled: CompiledCodebook) -> None:
    assert apply_rules(compiled, "数据共享", None) == [
        Hit("TECH.EXCHANGE", 0, 4, "数据共享", "TECH.EXCHANGE#kw", "keyword")
    ]


def test_unsupported_language(compiled: CompiledCodebook) -> None:
    with pytest.raises(CodingError) as err:
        apply_rules(compiled, "données", "fr")
    assert str(err.value) == (
        "unsupported language 'fr': rules run on 'zh' or 'en' text "
        "(pass None to detect the language of each text)"
    )


def test_empty_text(compiled: CompiledCodebook) -> None:
    assert apply_rules(compiled, "", "zh") == []


def test_apply_rules_to_segments(compiled: CompiledCodebook) -> None:
    segments = [
        ("s1", "数据共享交换平台", "zh"),
        ("s2", "no incentive", None),
        ("s3", "无关", "zh"),
    ]
    assert [(sid, h.code, h.start) for sid, h in apply_rules_to_segments(compiled, segments)] == [
        ("s1", "TECH.EXCHANGE", 0),
        ("s1", "TECH.EXCHANGE", 0),
        ("s1", "TECH.EXCHANGE", 2),
        ("s1", "TECH.PLATFORM", 6),
        ("s2", "DIL.NO_INC", 0),
    ]
    reduced = apply_rules_to_segments(compiled, segments, reduce="code")
    assert [(sid, h.code, h.matched_text) for sid, h in reduced] == [
        ("s1", "TECH.EXCHANGE", "数据共享"),
        ("s1", "TECH.PLATFORM", "平台"),
        ("s2", "DIL.NO_INC", "no incentive"),
    ]


# -- shipping to workers -----------------------------------------------------------------


def test_compiled_codebook_pickles(compiled: CompiledCodebook) -> None:
    text = "They shared records; no incentive. The data was wrong."
    before = apply_rules(compiled, text, "en")  # builds and caches the Matcher
    assert compiled._matchers
    clone = pickle.loads(pickle.dumps(compiled))
    assert clone._matchers == {}
    assert apply_rules(clone, text, "en") == before
    assert apply_rules(clone, "省长批示：数据共享没有纳入考核", "zh") == apply_rules(
        compiled, "省长批示：数据共享没有纳入考核", "zh"
    )


def test_compile_from_path_is_cached_per_file_version(tmp_path: Path) -> None:
    path = tmp_path / "codebook.yaml"
    shutil.copy(FIXTURE, path)
    first = compile_from_path(path)
    assert compile_from_path(path) is first
    assert first.codebook.id == "CASEKIT-TEST-RULES"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert compile_from_path(path) is not first


def test_proximity_prefers_the_longest_of_nested_terms() -> None:
    rule = ProximityRule("P#prox1", "zh", ("系统",), ("搞不懂", "不懂"), within=3)
    compiled = compile_codebook(codebook(code("P", proximity=(rule,))))
    assert prox(apply_rules(compiled, "搞不懂系统", "zh")) == [("P#prox1", 0, 5, "搞不懂系统")]
    assert prox(apply_rules(compiled, "系统搞不懂", "zh")) == [("P#prox1", 0, 5, "系统搞不懂")]
    # Many b-terms take the bisect path; it picks the same terms.
    text = "不懂，" * 20 + "搞不懂系统"
    assert prox(apply_rules(compiled, text, "zh")) == [("P#prox1", 60, 65, "搞不懂系统")]


def test_reduce_per_span_keeps_distinct_spans(compiled: CompiledCodebook) -> None:
    segments = [("s1", "数据共享没有纳入考核", "zh")]
    assert [
        (h.code, h.start, h.end)
        for _, h in apply_rules_to_segments(compiled, segments, reduce="span")
    ] == [
        ("TECH.EXCHANGE", 0, 4),
        ("DIL.NO_INC", 4, 10),
    ]


def test_named_model_is_loaded_only_when_a_doc_is_needed() -> None:
    compiled = compile_codebook(CODEBOOK, models={"en": "casekit_no_such_model"})
    assert [h.code for h in apply_rules(compiled, "no incentive", "en")] == ["DIL.NO_INC"]
    with pytest.raises(CasekitError, match="'casekit_no_such_model' is not installed"):
        apply_rules(compiled, "They share records.", "en")
