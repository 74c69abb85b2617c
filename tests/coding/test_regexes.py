"""Literal anchors that let texts skip a regex."""

from __future__ import annotations

import pytest

from casekit.coding.regexes import compile_regex_rule, regex_anchors


@pytest.mark.parametrize(
    ("pattern", "anchors"),
    [
        ("(省|市|县)长.{0,4}(批示|过问)", ("批示", "过问")),
        ("[省市县]长", ("长",)),
        # Equally selective parts: the first wins.
        ("数据(共享|交换)+平台", ("数据",)),
        # Both arms are longer than " record".
        ("(?:duplicate|conflicting) records?", ("conflicting", "duplicate")),
        ("(?:duplicate|conflicting)s? in the records", (" in the records",)),
        ("a(?:bc)?", ("a",)),
        (r"\d+", None),
        ("(?i)data", None),
        ("x(?i:data)", ("x",)),
        ("(数据|.)平台?", ("平",)),
        ("(数据|.)平?台?", None),
        ("[^a]b*", None),
    ],
)
def test_regex_anchors(pattern: str, anchors: tuple[str, ...] | None) -> None:
    assert regex_anchors(pattern) == anchors


def test_may_match_checks_anchor_presence() -> None:
    rule = compile_regex_rule("X#regex1", "X", "zh", "(省|市|县)长.{0,4}(批示|过问)")
    assert rule.may_match("县长过问了")
    assert not rule.may_match("省长来了")
    assert compile_regex_rule("X#regex2", "X", "zh", r"\d+").may_match("无")
