"""Codebook self-test: examples must be coded, counterexamples not, with reasons."""

from __future__ import annotations

from casekit.codebook.model import Codebook, ProximityRule
from casekit.coding import ExampleResult, Hit, run_codebook_tests
from tests.coding.builders import code, codebook


def test_fixture_codebook_passes(fixture_codebook: Codebook) -> None:
    results = run_codebook_tests(fixture_codebook)
    assert len(results) == 23
    assert [r for r in results if r.status != "pass"] == []
    assert {r.lang for r in results} == {"zh", "en"}
    flipped = [r for r in results if r.code == "DIL.INST.NO_INCENTIVE"]
    assert [r.reason for r in flipped] == [
        "fired: DIL.INST.NO_INCENTIVE by STR.INCENTIVE.ASSESSMENT#kw!neg on '没有纳入考核'",
        "fired: DIL.INST.NO_INCENTIVE by STR.INCENTIVE.ASSESSMENT#kw!neg on 'no incentive'",
    ]


def test_failures_say_why() -> None:
    book = codebook(
        code(
            "STR.INC",
            "strategy",
            keywords={"zh": ("纳入考核",), "en": ("incentive",)},
            exclusions={"zh": ("纳入考核办法",)},
            negated="DIL.NO_INC",
            examples=("没有纳入考核", "纳入考核办法出台了", "无关的句子", "Nothing here at all."),
            counterexamples=("已经纳入考核", "a clear incentive"),
        ),
        code("DIL.NO_INC", "dilemma"),
        code(
            "DIL.QUAL",
            "dilemma",
            proximity=(ProximityRule("DIL.QUAL#prox1", "zh", ("数据",), ("对不上",), within=2),),
            examples=("数据这东西跟那边总对不上",),
        ),
        code("OTHER", keywords={"zh": ("数据",)}),
    )
    results = run_codebook_tests(book)
    assert [(r.code, r.kind, r.status, r.lang, r.reason) for r in results] == [
        (
            "STR.INC",
            "example",
            "fail",
            "zh",
            "STR.INC#kw on '纳入考核': negation cue '没有' at 0-2, 0 characters before "
            "(window 6): coded DIL.NO_INC instead",
        ),
        (
            "STR.INC",
            "example",
            "fail",
            "zh",
            "STR.INC#kw on '纳入考核': exclusion phrase '纳入考核办法' at 0-6",
        ),
        ("STR.INC", "example", "fail", "zh", "nothing fired (zh text)"),
        ("STR.INC", "example", "fail", "en", "nothing fired (en text)"),
        (
            "STR.INC",
            "counterexample",
            "fail",
            "zh",
            "fired: STR.INC by STR.INC#kw on '纳入考核'",
        ),
        (
            "STR.INC",
            "counterexample",
            "fail",
            "en",
            "fired: STR.INC by STR.INC#kw on 'incentive'",
        ),
        (
            "DIL.QUAL",
            "example",
            "fail",
            "zh",
            "DIL.QUAL#prox1 on '数据这东西跟那边总对不上': nearest terms '数据' and '对不上' "
            "are 7 characters apart (within 2)",
        ),
    ]
    assert not results[0].passed


def test_other_codes_are_named_when_the_code_did_not_fire() -> None:
    book = codebook(
        code("A", keywords={"zh": ("平台",)}, examples=("数据共享",)),
        code("B", keywords={"zh": ("数据共享",)}),
    )
    assert run_codebook_tests(book) == [
        ExampleResult(
            "A",
            "example",
            "数据共享",
            "zh",
            "fail",
            "nothing of A fired; other codes did: B by B#kw on '数据共享'",
        )
    ]


def test_descendants_count_for_their_parent_and_hand_codes_are_skipped() -> None:
    book = codebook(
        code("TECH", examples=("共享平台",), counterexamples=("无关",)),
        code("TECH.PLATFORM", parent="TECH", keywords={"zh": ("平台",)}),
        code("STRUC", examples=("结构化",)),
    )
    results = run_codebook_tests(book)
    assert results == [
        ExampleResult(
            "TECH",
            "example",
            "共享平台",
            "zh",
            "pass",
            "fired: TECH.PLATFORM by TECH.PLATFORM#kw on '平台'",
            (Hit("TECH.PLATFORM", 2, 4, "平台", "TECH.PLATFORM#kw", "keyword"),),
        ),
        ExampleResult("TECH", "counterexample", "无关", "zh", "pass", "TECH did not fire"),
        ExampleResult(
            "STRUC", "example", "结构化", "zh", "skip", "the code has no rules; it is coded by hand"
        ),
    ]
    assert all(r.passed for r in results)
