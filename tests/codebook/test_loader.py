"""Loading and validating codebook YAML: every error kind, with its exact message and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.codebook import (
    check_codebook,
    check_codebook_text,
    load_codebook,
    loads_codebook,
    validate_codebook,
)
from casekit.codebook.model import PatternRule, ProximityRule, RegexRule
from casekit.errors import CodebookError, Problem

from .conftest import DATA, VALID_SMALL

CODE_KEYS = (
    "id, family, zh, en, definition, include, exclude, examples, counterexamples, source, "
    "refs, color, parent, rules, codes"
)

# fixture file -> every finding as (line, message); all are errors.
ERROR_CASES = {
    "syntax-error": [
        (5, "YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence)")
    ],
    "not-mapping": [(1, "a codebook file must be a mapping that starts with 'codebook:'")],
    "missing-root": [
        (1, "missing 'codebook:' root key (found: id, version); put the codebook under 'codebook:'")
    ],
    "unknown-keys": [
        (
            5,
            "unknown key 'titel' in codebook; did you mean 'title'? (allowed: id, version, "
            "title, description, languages, negation, references, categories)",
        ),
        (11, f"unknown key 'colour' in code ACTOR; did you mean 'color'? (allowed: {CODE_KEYS})"),
        (
            12,
            "unknown key 'keywords_zh' in code ACTOR; put keywords under rules: keywords: "
            f"{{zh: [...], en: [...]}} (allowed: {CODE_KEYS})",
        ),
        (
            14,
            "unknown key 'keyword' in rules of ACTOR; did you mean 'keywords'? (allowed: "
            "keywords, patterns, regex, proximity, exclusions, polarity)",
        ),
    ],
    "missing-keys": [
        (1, "missing required key 'version' in codebook"),
        (5, "missing 'en' name in code ACTOR"),
        (
            5,
            "missing required key 'family' in code ACTOR (required on top-level codes; "
            "children inherit it)",
        ),
        (8, "missing required key 'id' in code"),
    ],
    "malformed-id": [
        (
            6,
            "malformed code id 'actor.leaders' (dotted upper-case ASCII, e.g. ACTOR.LEADERSHIP)",
        )
    ],
    "duplicate-id": [(14, "duplicate code id 'DIL.X' (first defined at line 11)")],
    "unknown-parent": [(11, "unknown parent 'ACTORS' of ACTOR.LEADERS")],
    "cycle": [(11, "parent cycle: A -> B -> A")],
    "empty-name": [(8, "empty 'zh' name in code ACTOR")],
    "invalid-regex": [
        (13, "invalid regex in DIL#regex1: missing ), unterminated subpattern at position 0")
    ],
    "invalid-pattern": [
        (
            15,
            "invalid spaCy pattern in TECH#pattern1: [pattern -> 1 -> LEMA] Extra inputs are "
            "not permitted",
        )
    ],
    "polarity-missing": [(14, "polarity of STR names unknown code 'DIL.NO_INCENTIVE'")],
    "proximity": [
        (12, "DIL#prox1 needs 'within' (largest gap) or 'same: sentence'"),
        (15, "DIL#prox2 has both 'within' and 'same'; use one of them"),
    ],
    "rule-language": [
        (11, "language 'en' in keywords of DIL is not in languages (zh)"),
        (13, "language 'fr' in DIL#regex1 is not in languages (zh) or 'any'"),
        (16, "'any' is for regex rules only; give DIL#pattern1 a language"),
    ],
}


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_each_error_kind_is_reported_with_its_line(name: str) -> None:
    path = DATA / f"{name}.yaml"
    check = check_codebook(path)
    assert [(p.line, p.message) for p in check.problems] == ERROR_CASES[name]
    assert {p.severity for p in check.problems} == {"error"}
    assert check.codebook is None
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    assert info.value.problems == list(check.problems)


def test_every_problem_in_one_file_is_reported_at_once() -> None:
    path = DATA / "many-problems.yaml"
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    assert str(info.value).splitlines() == [
        "codebook has 5 problems:",
        f"  {path}:14: empty 'en' name in code ACTOR.LEADERS",
        f"  {path}:15: duplicate code id 'ACTOR.LEADERS' (first defined at line 12)",
        f"  {path}:21: invalid regex in ACTOR.LEADERS#regex1: unterminated character set "
        "at position 0",
        f"  {path}:22: malformed code id 'bad id' (dotted upper-case ASCII, e.g. ACTOR.LEADERSHIP)",
        f"  {path}:32: polarity of STR names unknown code 'DIL.MISSING'",
    ]


def test_unknown_reference_is_a_warning_and_the_codebook_loads() -> None:
    path = DATA / "unknown-reference.yaml"
    check = check_codebook(path)
    assert [str(p) for p in check.problems] == [
        f"{path}:12: warning: unknown reference 'fountain2001' in ACTOR (not under references)"
    ]
    assert check.codebook is not None
    assert check.codebook.codes["ACTOR"].refs == ("li2022", "fountain2001")


def test_keyword_under_two_codes_warns_and_strict_makes_it_an_error() -> None:
    path = DATA / "duplicate-keyword.yaml"
    expected = [
        (20, "keyword '共享平台' (zh) of DIL is also listed under TECH (line 12)"),
        # English keywords match case-folded, so "Data Platform" and "data platform" clash.
        (21, "keyword 'data platform' (en) of DIL is also listed under TECH (line 13)"),
    ]
    lenient = check_codebook(path)
    assert [(p.line, p.message, p.severity) for p in lenient.problems] == [
        (*e, "warning") for e in expected
    ]
    assert len(load_codebook(path)) == 2
    strict = check_codebook(path, strict=True)
    assert [(p.line, p.message, p.severity) for p in strict.problems] == [
        (*e, "error") for e in expected
    ]
    with pytest.raises(CodebookError, match="codebook has 2 problems"):
        load_codebook(path, strict=True)


def test_validate_codebook_returns_all_findings() -> None:
    assert validate_codebook(VALID_SMALL) == []
    assert validate_codebook(DATA / "unknown-reference.yaml") == [
        Problem(
            str(DATA / "unknown-reference.yaml"),
            12,
            "unknown reference 'fountain2001' in ACTOR (not under references)",
            "warning",
        )
    ]


def test_valid_small_is_read_completely(small) -> None:
    assert (small.id, small.version, small.languages) == ("DEMO-SMALL", "1.0", ("zh", "en"))
    assert small.path == str(VALID_SMALL)
    assert small.title == {
        "zh": "跨部门数据共享示例编码本",
        "en": "Cross-departmental data sharing (demo)",
    }
    assert list(small.codes) == [
        "TECH",
        "TECH.PLATFORM",
        "DIL",
        "DIL.DATA_QUALITY",
        "DIL.NO_INCENTIVE",
        "STR",
        "STR.ASSESSMENT",
    ]
    assert [(c.id, c.parent, c.family) for c in small] == [
        ("TECH", None, "element"),
        ("TECH.PLATFORM", "TECH", "element"),
        ("DIL", None, "dilemma"),
        ("DIL.DATA_QUALITY", "DIL", "dilemma"),
        ("DIL.NO_INCENTIVE", "DIL", "dilemma"),
        ("STR", None, "strategy"),
        ("STR.ASSESSMENT", "STR", "strategy"),
    ]
    # `no` in a YAML list is the word, not the boolean false.
    assert small.negation.cues == {
        "zh": ("缺乏", "没有", "未", "尚未"),
        "en": ("lack of", "no", "not", "without"),
    }
    assert small.negation.window == {"zh": 6, "en": 3}
    platform = small.codes["TECH.PLATFORM"]
    assert platform.color == "#4477AA"
    assert platform.line == 27
    assert platform.rules.keywords == {
        "zh": ("共享交换平台", "交换平台"),
        "en": ("exchange platform", "sharing platform"),
    }
    assert platform.rules.exclusions == {"zh": ("交换平台建设规划",), "en": ()}
    assert platform.rules.patterns == (
        PatternRule(
            "TECH.PLATFORM#pattern1",
            "en",
            ({"LOWER": "data"}, {"LOWER": {"IN": ["interface", "interfaces", "api"]}}),
            45,
        ),
    )
    quality = small.codes["DIL.DATA_QUALITY"]
    assert quality.rules.proximity == (
        ProximityRule(
            "DIL.DATA_QUALITY#prox1",
            "zh",
            ("数据", "信息"),
            ("对不上", "不一致", "过时"),
            12,
            None,
            66,
        ),
        ProximityRule(
            "DIL.DATA_QUALITY#prox2",
            "en",
            ("data", "records"),
            ("outdated", "wrong", "inconsistent"),
            None,
            "sentence",
            70,
        ),
    )
    assert small.codes["DIL.NO_INCENTIVE"].rules.regexes == (
        RegexRule("DIL.NO_INCENTIVE#regex1", "zh", "(没有|未)(纳入|列入)(考核|绩效)", 85),
        RegexRule("DIL.NO_INCENTIVE#regex2", "any", r"(?i)\bno (reward|credit) for sharing\b", 87),
    )
    assessment = small.codes["STR.ASSESSMENT"]
    assert assessment.rules.negated == "DIL.NO_INCENTIVE"
    assert assessment.examples == (
        "答：今年起数据共享纳入绩效考核了。",
        "Sharing is now part of the performance assessment.",
    )
    assert small.references["orlikowski1992"].startswith("Orlikowski, W. J. (1992)")


def test_flat_codes_with_parent_keys_are_ordered_depth_first_and_inherit_family() -> None:
    cb = load_codebook(DATA / "flat-parents.yaml")
    assert [(c.id, c.parent, c.family) for c in cb] == [
        ("DIL", None, "dilemma"),
        ("DIL.SECURITY", "DIL", "dilemma"),
        ("DIL.SECURITY.LEAKS", "DIL.SECURITY", "dilemma"),
        ("ACTOR", None, "element"),
    ]


def test_loading_without_patterns_does_not_import_spacy() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from casekit.codebook import load_codebook\n"
        f"load_codebook({str(DATA / 'flat-parents.yaml')!r})\n"
        "print('spacy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


MINIMAL = """\
codebook:
  id: T
  version: "1"
  languages: [en]
  categories:
  - id: A
    family: element
    en: A
{extra}"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [(1, "the file is empty; a codebook starts with 'codebook:'")]),
        (
            MINIMAL.format(extra="    en: again\n"),
            [(9, "duplicate key 'en' in code A (first at line 8)")],
        ),
        (
            MINIMAL.format(extra="    zh: 甲\n"),
            [(9, "name in 'zh' in code A, but 'zh' is not in languages (en)")],
        ),
        (
            MINIMAL.format(extra='    color: "#12"\n'),
            [(9, "malformed color '#12' in code A (use #RRGGBB)")],
        ),
        (
            MINIMAL.format(extra="    examples: one\n"),
            [(9, "'examples' in code A must be a list, e.g. [a, b]")],
        ),
        (
            MINIMAL.format(extra='    rules:\n      regex:\n      - {lang: en, pattern: "x*"}\n'),
            [(11, "regex in A#regex1 matches the empty string, so it would code every segment")],
        ),
        (
            MINIMAL.format(
                extra="    rules:\n      patterns:\n      - {lang: en, pattern: [{TEXT: {REGEX: '(('}}]}\n"
            ),
            [
                (
                    11,
                    "invalid spaCy pattern in A#pattern1: missing ), unterminated subpattern at position 1",
                )
            ],
        ),
        (
            # Safe loading only: a Python object tag is refused, not constructed.
            MINIMAL.format(
                extra="    rules:\n      patterns:\n      - {lang: en, pattern: [!!python/object:os.system {}]}\n"
            ),
            [
                (
                    11,
                    "pattern of A#pattern1 cannot be read: could not determine a constructor "
                    "for the tag 'tag:yaml.org,2002:python/object:os.system'",
                )
            ],
        ),
        (
            MINIMAL.format(extra="    rules:\n      polarity: {negated: A}\n"),
            [
                (10, "polarity of A negates the code itself"),
                # Polarity is a strategy device; on other families it is probably a slip.
                (10, "polarity on A (family 'element'); polarity is meant for strategy codes"),
            ],
        ),
        (
            "codebook:\n  id: T\n  version: '1'\n  languages: [de]\n  categories: []\n",
            [
                (4, "unsupported language 'de' (supported: zh, en)"),
                (5, "'categories' is empty; add at least one code"),
            ],
        ),
    ],
)
def test_more_problems_from_text(text: str, expected: list[tuple[int, str]]) -> None:
    check = check_codebook_text(text, source="cb.yaml")
    assert [(p.line, p.message) for p in check.problems] == expected


def test_problem_renders_as_file_line_message() -> None:
    with pytest.raises(CodebookError) as info:
        loads_codebook("codebook: []\n", source="x.yaml")
    assert (
        str(info.value)
        == "codebook has 1 problem:\n  x.yaml:1: codebook must be a mapping of keys to values"
    )


def test_unreadable_files_raise_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="codebook file not found: .*nope.yaml"):
        load_codebook(tmp_path / "nope.yaml")
    with pytest.raises(CodebookError, match="is a folder; give the codebook's .yaml file"):
        load_codebook(tmp_path)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"codebook:\n  id: T\n  description: caf\xe9\n")
    with pytest.raises(CodebookError) as info:
        load_codebook(latin)
    assert [(p.line, p.message) for p in info.value.problems] == [
        (3, "not UTF-8 text; save the codebook as UTF-8")
    ]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID_SMALL.read_bytes())
    assert len(load_codebook(path)) == 7
