"""Literal anchors that let texts skip a regex."""

from __future__ import annotations

import pytest

from casekit.coding.regexes import compile_regex_rule, regex_anchors


@pytest.mark.parametrize(
    ("pattern", "anchors"),
    [
        ("(省|市|县)长.{0,4}(批示|过问)", ("批示", "过问")),
        # Adjacent exact parts combine into their products.
        ("[省市县]长", ("县长", "市长", "省长")),
        ("(又|再)(让|叫)我们(去)?找", ("再叫我们", "再让我们", "又叫我们", "又让我们")),
        # Equally selective parts: the first wins.
        ("数据(共享|交换)+平台", ("数据",)),
        ("(?:duplicate|conflicting) records?", ("conflicting record", "duplicate record")),
        ("(?:duplicate|conflicting)s? in the records", (" in the records",)),
        ("a(?:bc)?", ("a",)),
        (r"\d+", None),
        # Case-insensitive: lower-cased ASCII anchors, looked up in the folded text.
        ("(?i)Data", ("data",)),
        ("(?i)(Passed|sent) on", ("passed on", "sent on")),
        ("x(?i:data)", ("xdata",)),
        ("(|a)b", ("b",)),
        ("(?i)数据|平台", None),
        ("(?i)Ärger", None),
        ("(数据|.)平台?", ("平",)),
        ("(数据|.)平?台?", None),
        ("[^a]b*", None),
    ],
)
def test_regex_anchors(pattern: str, anchors: tuple[str, ...] | None) -> None:
    assert regex_anchors(pattern) == anchors


def test_case_insensitive_regex_checks_folded_text() -> None:
    rule = compile_regex_rule("X#regex1", "X", "en", r"(?i)\bpassed (us|me) on")
    assert rule.folded
    assert rule.anchors == ("passed me on", "passed us on")
    assert rule.may_match("They PASSED US ON")
    assert rule.may_match("They PASSED US ON", "they passed us on")
    assert not rule.may_match("They passed them on")


def test_may_match_checks_anchor_presence() -> None:
    rule = compile_regex_rule("X#regex1", "X", "zh", "(省|市|县)长.{0,4}(批示|过问)")
    assert rule.may_match("县长过问了")
    assert not rule.may_match("省长来了")
    assert compile_regex_rule("X#regex2", "X", "zh", r"\d+").may_match("无")
