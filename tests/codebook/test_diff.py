"""Comparing two codebook versions."""

from __future__ import annotations

from casekit.codebook import CodeChange, diff_codebooks, load_codebook, loads_codebook, render_diff

from .conftest import DATA, VALID_SMALL


def edited(**replacements: tuple[str, str]):
    text = VALID_SMALL.read_text(encoding="utf-8")
    for old, new in replacements.values():
        assert old in text, old
        text = text.replace(old, new)
    return loads_codebook(text)


def test_identical_content_has_no_differences(small) -> None:
    diff = diff_codebooks(small, load_codebook(DATA / "valid-small-reordered.yaml"))
    assert diff.is_empty
    assert render_diff(diff, small, small) == (
        f"DEMO-SMALL 1.0 (hash {small.content_hash}) -> DEMO-SMALL 1.0 "
        f"(hash {small.content_hash})\nno differences\n"
    )


def test_every_kind_of_change_is_reported(small) -> None:
    new = edited(
        rename=("en: Poor data quality", "en: Low data quality"),
        redefine=(
            "definition: Sharing data brings departments no reward, or is not assessed at all.",
            "definition: Sharing data brings no reward.",
        ),
        rerule=("zh: [纳入考核, 绩效考核]", "zh: [纳入考核]"),
        unpolar=("        polarity:\n          negated: DIL.NO_INCENTIVE\n", ""),
        recolor=('color: "#4477AA"', 'color: "#000000"'),
        # A changed id is a removal plus an addition.
        reid=("- id: DIL.DATA_QUALITY", "- id: DIL.QUALITY"),
        version=('version: "1.0"', 'version: "1.1"'),
    )
    diff = diff_codebooks(small, new)
    assert diff.added == ("DIL.QUALITY",)
    assert diff.removed == ("DIL.DATA_QUALITY",)
    assert diff.renamed == ()  # the renamed code also changed id
    assert diff.definition_changed == (CodeChange("DIL.NO_INCENTIVE", fields=("definition",)),)
    assert diff.rules_changed == (CodeChange("STR.ASSESSMENT", fields=("keywords", "polarity")),)
    assert diff.other_changed == (CodeChange("TECH.PLATFORM", fields=("color",)),)
    assert diff.settings_changed == ("version",)
    assert render_diff(diff, small, new) == (
        f"DEMO-SMALL 1.0 (hash {small.content_hash}) -> DEMO-SMALL 1.1 (hash {new.content_hash})\n"
        "added (1):\n"
        "  + DIL.QUALITY  数据质量不高 / Low data quality\n"
        "removed (1):\n"
        "  - DIL.DATA_QUALITY  数据质量不高 / Poor data quality\n"
        "definition changed (1):\n"
        "  * DIL.NO_INCENTIVE  definition\n"
        "rules changed (1):\n"
        "  * STR.ASSESSMENT  keywords, polarity\n"
        "other fields changed (1):\n"
        "  * TECH.PLATFORM  color\n"
        "codebook settings changed: version\n"
    )


def test_renamed_and_moved_codes() -> None:
    old = load_codebook(DATA / "flat-parents.yaml")
    text = (DATA / "flat-parents.yaml").read_text(encoding="utf-8")
    text = text.replace("    parent: DIL.SECURITY\n", "    parent: DIL\n")
    text = text.replace("en: Fear of leaks", "en: Fear of data leaks")
    new = loads_codebook(text)
    diff = diff_codebooks(old, new)
    assert diff.renamed == (
        CodeChange("DIL.SECURITY.LEAKS", {"en": "Fear of leaks"}, {"en": "Fear of data leaks"}),
    )
    assert diff.moved == (CodeChange("DIL.SECURITY.LEAKS", "DIL.SECURITY", "DIL"),)
    assert diff.settings_changed == ()
    lines = render_diff(diff, old, new).splitlines()
    assert lines[1:5] == [
        "renamed (1):",
        "  ~ DIL.SECURITY.LEAKS  Fear of leaks -> Fear of data leaks",
        "moved (1):",
        "  > DIL.SECURITY.LEAKS  DIL.SECURITY -> DIL",
    ]


def test_rule_changes_name_each_kind(small) -> None:
    new = edited(
        pattern=("{LOWER: data}, {LOWER: {IN:", "{LOWER: records}, {LOWER: {IN:"),
        regex=('"(没有|未)(纳入|列入)(考核|绩效)"', '"(没有|未)纳入考核"'),
        prox=("within: 12", "within: 8"),
        excl=("zh: [交换平台建设规划]", "zh: [交换平台规划]"),
    )
    diff = diff_codebooks(small, new)
    assert diff.rules_changed == (
        CodeChange("TECH.PLATFORM", fields=("patterns", "exclusions")),
        CodeChange("DIL.DATA_QUALITY", fields=("proximity",)),
        CodeChange("DIL.NO_INCENTIVE", fields=("regex",)),
    )


def test_reordering_codes_is_reported(small) -> None:
    text = VALID_SMALL.read_text(encoding="utf-8")
    start, end = text.index("  - id: DIL\n"), text.index("  - id: STR\n")
    swapped = text[:start] + text[end:] + text[start:end]
    diff = diff_codebooks(small, loads_codebook(swapped))
    assert diff.settings_changed == ("code order",)
    assert not diff.added and not diff.moved


def test_moving_a_rule_to_another_line_is_not_a_change(small) -> None:
    new = edited(blank=("  categories:\n", "  categories:\n\n\n"))
    assert diff_codebooks(small, new).is_empty


def test_to_dict_is_plain(small) -> None:
    data = diff_codebooks(small, small).to_dict()
    assert data["added"] == () and data["old_hash"] == small.content_hash
