"""The tutorial harness reads pages as documented and fails where a page is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.docs.runner import TutorialRunner
from tests.docs.steps import Command, Edit, PythonCode, WriteFile, missing_output, read_steps

PAGE = """\
# A page

```console
$ casekit init study \\
    --name demo
created casekit project in …/study: …
$ cd study
```

Prose with `casekit run` in it is not run.

```csv file=corpus/manifest.csv
file,doc_type
a.txt,interview
```

```diff edit=casekit.toml
 [figures]
-formats = ["pdf", "svg", "png"]
+formats = ["png"]
@@
-gold = ""
+gold = "li"
```

```console
$ casekit code session --coder li
segment 1/2 (turn)
> n
>
> q
session saved: …
```

```python
print(1 + 1)
```

```text output
2
```

```yaml
not: run
```
"""


def test_read_steps_in_page_order() -> None:
    steps = read_steps(PAGE)
    assert [type(s) for s in steps] == [Command, Command, WriteFile, Edit, Command, PythonCode]
    init, cd, manifest, edit, session, code = steps
    assert init == Command(
        4, "casekit init study --name demo", [], ["created casekit project in …/study: …"]
    )
    assert cd.text == "cd study"
    assert manifest == WriteFile(13, "corpus/manifest.csv", "file,doc_type\na.txt,interview\n")
    assert edit.hunks == [
        ('[figures]\nformats = ["pdf", "svg", "png"]\n', '[figures]\nformats = ["png"]\n'),
        ('gold = ""\n', 'gold = "li"\n'),
    ]
    assert session.input == ["n", "", "q"]
    assert session.expected == ["segment 1/2 (turn)", "session saved: …"]
    assert code == PythonCode(36, "print(1 + 1)\n", ["2"])


def test_output_before_a_command_is_an_error() -> None:
    with pytest.raises(ValueError, match="line 2: output before the first"):
        read_steps("```console\nhello\n```\n")


def test_text_output_must_follow_python() -> None:
    with pytest.raises(ValueError, match="must follow a python block"):
        read_steps("```text output\n2\n```\n")


def test_missing_output_in_order_with_ellipsis_and_spacing() -> None:
    actual = "code   n\nA      1\nB      22\nscope: 3 segments in /tmp/x/study\n"
    assert missing_output(["code n", "…", "B 22", "scope: 3 segments in …/study"], actual) is None
    assert missing_output(["B 22", "A 1"], actual) == "A 1"
    assert missing_output(["B 2"], actual) is None  # part of a line
    assert missing_output(["C 3"], actual) == "C 3"


def _runner(tmp_path: Path) -> TutorialRunner:
    return TutorialRunner(tmp_path, sample=REPO_ROOT, source="page.md")


def test_runner_fails_on_a_promise_the_command_does_not_keep(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match=r"page.md:3: 'casekit --version' did not print"):
        _runner(tmp_path).run(Command(3, "casekit --version", [], ["casekit, version 9.9"]))


def test_runner_expects_failure_only_where_the_page_shows_an_error(tmp_path: Path) -> None:
    runner = _runner(tmp_path)
    runner.run(Command(1, "casekit status", [], ["Error: no casekit project here: …"]))
    with pytest.raises(AssertionError, match="exited with 1"):
        runner.run(Command(2, "casekit status", [], []))


def test_runner_refuses_an_edit_that_does_not_match(tmp_path: Path) -> None:
    (tmp_path / "casekit.toml").write_text('gold = "x"\n', encoding="utf-8")
    with pytest.raises(AssertionError, match="must occur exactly once"):
        _runner(tmp_path).run(Edit(9, "casekit.toml", [('gold = ""\n', 'gold = "li"\n')]))


def test_runner_keeps_folder_and_sample_between_shell_commands(tmp_path: Path) -> None:
    runner = _runner(tmp_path)
    runner.run(Command(1, "export SAMPLE=~/casekit"))
    (tmp_path / "sub").mkdir()
    runner.run(Command(2, "cd sub"))
    runner.run(Command(3, 'cp "$SAMPLE"/codebooks/technology-structuring.yaml .'))
    assert (tmp_path / "sub" / "technology-structuring.yaml").is_file()
    with pytest.raises(AssertionError, match="unknown variable HOME"):
        runner.run(Command(4, "export HOME=/tmp"))
