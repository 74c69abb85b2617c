"""Fuzzing the codebook loader: any YAML gives a codebook or a CodebookError with file and line."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from casekit.cli import cli
from casekit.codebook.loader import (
    CODE_KEYS,
    CODEBOOK_KEYS,
    RULE_KEYS,
    check_codebook_text,
    loads_codebook,
)
from casekit.errors import CodebookError
from tests.reliability.conftest import Examples
from tests.reliability.harness import DATA, cli_problems, fuzz_settings

VALID = (DATA / "codebook.yaml").read_text(encoding="utf-8")
SOURCE = "fuzz.yaml"

KEYS = st.sampled_from(
    [
        *CODEBOOK_KEYS,
        *CODE_KEYS,
        *RULE_KEYS,
        "zh",
        "en",
        "lang",
        "a",
        "b",
        "within",
        "same",
        "pattern",
        "negated",
        "window",
        "cues",
        "LOWER",
        "IN",
        "<<",
    ]
) | st.text(max_size=4)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["zh", "en", "any", "sentence", "element", "DIL.X", "#12AB9F", "(", "[a-"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)

# Pieces of YAML syntax that make parsers and loaders stumble: anchors, aliases, merges,
# explicit tags (some of them constructing Python values that are invalid), flow brackets,
# directives, tabs, NUL.
YAML_TOKENS = st.sampled_from(
    [
        "&a ",
        "*a",
        "&b ",
        "*b",
        "<<: *a\n",
        "<<: [*a, *b]\n",
        "!!int ",
        "!!float ",
        "!!timestamp ",
        "!!binary ",
        "!!python/object/apply:os.system ['true'] ",
        "!!set ",
        "!!omap ",
        "!!str ",
        "[",
        "]",
        "{",
        "}",
        ": ",
        "- ",
        "? ",
        "|\n",
        ">-\n",
        "\t",
        "\x00",
        "'",
        '"',
        "#",
        "%YAML 1.1\n",
        "---\n",
        "...\n",
        "0b_",
        "0x_",
        "2020-13-45",
        "1:60:99",
        "~",
        "\ufeff",
        "\n  ",
        "\n- ",
        "codes:\n",
        "window: ",
        "within: ",
    ]
)


def _assert_problems_located(text: str) -> None:
    check = check_codebook_text(text, source=SOURCE)
    if check.codebook is not None:
        return
    assert check.errors, "no codebook and no error"
    for problem in check.problems:
        assert problem.path == SOURCE
        assert isinstance(problem.line, int) and problem.line >= 1, problem
    with pytest.raises(CodebookError) as info:
        loads_codebook(text, source=SOURCE)
    assert str(info.value).startswith("codebook has")


@fuzz_settings(ci=150, full=3000)
@given(document=st.dictionaries(st.just("codebook") | KEYS, VALUES, max_size=3))
def test_random_yaml_structures(document: dict[str, Any], examples: Examples) -> None:
    examples.tick()
    _assert_problems_located(yaml.safe_dump(document, allow_unicode=True))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


@fuzz_settings(ci=150, full=1500)
@given(data=st.data())
def test_valid_codebook_with_random_values_replaced(
    data: st.DataObject, examples: Examples
) -> None:
    examples.tick()
    document = copy.deepcopy(yaml.safe_load(VALID))
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        paths = _paths(document)[1:]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        action = data.draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
        else:
            parent[path[-1]] = data.draw(VALUES)
    _assert_problems_located(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))


@fuzz_settings(ci=200, full=4000)
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=30), YAML_TOKENS),
        min_size=1,
        max_size=5,
    )
)
def test_valid_codebook_text_with_yaml_syntax_spliced_in(
    edits: list[tuple[int, int, str]], examples: Examples
) -> None:
    examples.tick()
    text = VALID
    for position, deleted, token in edits:
        at = position % (len(text) + 1)
        text = text[:at] + token + text[at + deleted :]
    _assert_problems_located(text)


@fuzz_settings(ci=30, full=500)
@given(
    content=st.binary(max_size=300)
    | st.text(max_size=300).map(str.encode)
    | st.dictionaries(KEYS, VALUES, max_size=3).map(lambda d: yaml.safe_dump(d).encode())
)
def test_codebook_validate_command_never_shows_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, content: bytes, examples: Examples
) -> None:
    examples.tick()
    path = tmp_path_factory.mktemp("codebook") / "fuzz.yaml"
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["codebook", "validate", str(path)])
    assert cli_problems(result) == []


# Inputs the fuzzers found that used to end in a Python traceback, kept as regressions.
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "codebook:\n  negation:\n    window: {zh: !!int abc}\n",
            "fuzz.yaml:3: negation window (zh) must be a whole number >= 0",
        ),
        (
            "codebook:\n  negation:\n    window: {zh: 0b_}\n",
            "fuzz.yaml:3: negation window (zh) must be a whole number >= 0",
        ),
        (
            "codebook: &a\n  id: X\n  <<: *a\n",
            "fuzz.yaml:3: a merge key (<<) refers to the mapping it is in",
        ),
        (
            "codebook:\n  categories:\n  - &c\n    id: A\n    codes: [*c]\n",
            "fuzz.yaml:3: code A is repeated through a YAML alias (*); write each code once",
        ),
        (
            "codebook:\n  categories:\n  - id: A\n    rules:\n      patterns:\n"
            "      - lang: en\n        pattern: [{LOWER: 2020-13-45}]\n",
            "fuzz.yaml:7: pattern of A#pattern1 cannot be read: ",
        ),
        ("a: " + "[" * 3000 + "]" * 3000 + "\n", "fuzz.yaml:1: the YAML is nested too deeply"),
    ],
)
def test_former_crashes_are_codebook_errors_with_a_line(text: str, message: str) -> None:
    check = check_codebook_text(text, source=SOURCE)
    assert check.codebook is None
    assert any(str(p).startswith(message) for p in check.problems), [str(p) for p in check.problems]


def test_the_suite_codebook_is_valid() -> None:
    # The mutation tests start from it; if it were invalid they would test nothing.
    assert check_codebook_text(VALID, source=SOURCE).problems == ()
    assert Path(DATA / "codebook.yaml").is_file()
