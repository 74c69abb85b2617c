"""The literal prefilter of spaCy token patterns."""

from __future__ import annotations

from casekit.coding.patterns import PatternSpec, pattern_anchors


def test_required_tokens_give_anchor_groups() -> None:
    pattern = (
        {"LEMMA": "share"},
        {"POS": "DET", "OP": "?"},
        {"lower": {"IN": ["Data", "records"]}},
        {"TEXT": "now", "OP": "*"},
        {"ORTH": "!", "OP": "+"},
        {"LOWER": "x", "OP": "!"},
        {"LOWER": "y", "OP": "{2,3}"},
        {"LOWER": "z", "OP": "{,3}"},
    )
    assert pattern_anchors(pattern, "en") == (
        ("share", "shared", "shares", "sharing"),
        ("data", "records"),
        ("!",),
        ("y",),
    )


def test_tokens_without_literals_give_no_anchor() -> None:
    assert pattern_anchors(({"POS": "NOUN"}, {"LOWER": {"REGEX": "^da"}}), "en") == ()


def test_chinese_lemma_is_not_expanded() -> None:
    assert pattern_anchors(({"LEMMA": "共享"}, {"ORTH": "平台"}), "zh") == (("共享",), ("平台",))


def test_may_match() -> None:
    spec = PatternSpec("X#pattern1", "X", "en", (), (("share", "shared"), ("data",)))
    assert spec.may_match("we shared data")
    assert not spec.may_match("we shared records")
    assert PatternSpec("X#pattern2", "X", "en", (), ()).may_match("anything")
