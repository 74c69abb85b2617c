"""Read the runnable parts of a Markdown page: console commands, files to write, edits, Python.

The conventions the tutorials and docs/api.md follow, so tests can run them:

- A ```` ```console ```` block holds commands (lines starting with ``$ ``; a trailing ``\\``
  continues a command on the next line), the keystrokes typed into an interactive command
  (lines starting with ``> ``, or a lone ``>`` for Enter) and the output the reader should
  see (every other line). Output lines are promises: each must appear in the real output, in
  order, as part of a line, after runs of spaces are collapsed; ``…`` stands for any text,
  and a line that is only ``…`` marks lines left out.
- A block whose info string has ``file=PATH`` is a file to create with that content.
- A ```` ```diff ```` block with ``edit=PATH`` is an edit: lines starting with ``-`` are
  replaced by those starting with ``+``, lines starting with a space are context that must
  match too; ``@@`` separates independent hunks.
- A ```` ```python ```` block is code; a ```` ```text output ```` block after it is the output
  it promises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "Command",
    "Edit",
    "PythonCode",
    "Step",
    "WriteFile",
    "missing_output",
    "read_steps",
]

FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
ELLIPSIS = "…"


@dataclass
class Command:
    """A shell command with the keystrokes it is fed and the output it promises."""

    line: int
    text: str
    input: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)


@dataclass
class WriteFile:
    """A file the reader creates in an editor."""

    line: int
    path: str
    text: str


@dataclass
class Edit:
    """A change the reader makes in an editor: each ``(old, new)`` hunk replaces text once."""

    line: int
    path: str
    hunks: list[tuple[str, str]]


@dataclass
class PythonCode:
    """A Python block and the output it promises (from a following ``text output`` block)."""

    line: int
    code: str
    expected: list[str] = field(default_factory=list)


Step = Command | WriteFile | Edit | PythonCode


def _attributes(info: str) -> tuple[str, dict[str, str], list[str]]:
    words = info.split()
    language = words[0] if words else ""
    pairs = dict(w.split("=", 1) for w in words[1:] if "=" in w)
    flags = [w for w in words[1:] if "=" not in w]
    return language, pairs, flags


def _console(body: str, first_line: int) -> list[Command]:
    commands: list[Command] = []
    continuing = False
    for offset, raw in enumerate(body.splitlines()):
        if continuing:
            commands[-1].text = commands[-1].text[:-1].rstrip() + " " + raw.strip()
        elif raw.startswith("$ "):
            commands.append(Command(first_line + offset, raw[2:].strip()))
        elif not commands:
            raise ValueError(f"line {first_line + offset}: output before the first '$ ' command")
        elif raw == ">" or raw.startswith("> "):
            commands[-1].input.append(raw[2:])
        else:
            commands[-1].expected.append(raw)
        continuing = commands[-1].text.endswith("\\") if commands else False
    return commands


def _hunks(body: str, line: int) -> list[tuple[str, str]]:
    hunks: list[tuple[str, str]] = []
    old: list[str] = []
    new: list[str] = []
    for raw in [*body.splitlines(), "@@"]:
        if raw.startswith("@@"):
            if old or new:
                hunks.append(("\n".join(old) + "\n", "\n".join(new) + "\n"))
            old, new = [], []
        elif raw.startswith("-"):
            old.append(raw[1:])
        elif raw.startswith("+"):
            new.append(raw[1:])
        elif raw.startswith(" ") or raw == "":
            old.append(raw[1:])
            new.append(raw[1:])
        else:
            raise ValueError(
                f"line {line}: diff line must start with '-', '+', ' ' or '@@': {raw!r}"
            )
    return hunks


def read_steps(markdown: str) -> list[Step]:
    """The runnable steps of a Markdown page, in page order."""
    steps: list[Step] = []
    for match in FENCE.finditer(markdown):
        line = markdown.count("\n", 0, match.start("body")) + 1
        language, pairs, flags = _attributes(match.group("info"))
        body = match.group("body")
        if "file" in pairs:
            steps.append(WriteFile(line, pairs["file"], body))
        elif language == "diff" and "edit" in pairs:
            steps.append(Edit(line, pairs["edit"], _hunks(body, line)))
        elif language == "console":
            steps.extend(_console(body, line))
        elif language == "python":
            steps.append(PythonCode(line, body))
        elif language == "text" and "output" in flags:
            if not steps or not isinstance(steps[-1], PythonCode):
                raise ValueError(f"line {line}: a 'text output' block must follow a python block")
            steps[-1].expected = body.splitlines()
    return steps


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _pattern(expected: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in _normalise(expected).split(ELLIPSIS)]
    return re.compile(".*?".join(parts))


def missing_output(expected: list[str], actual: str) -> str | None:
    """The first promised line not found (in order) in ``actual``, or None when all are."""
    lines = [_normalise(line) for line in actual.splitlines()]
    position = 0
    for promised in expected:
        if _normalise(promised) in ("", ELLIPSIS):
            continue
        pattern = _pattern(promised)
        while position < len(lines) and not pattern.search(lines[position]):
            position += 1
        if position == len(lines):
            return promised
        position += 1
    return None
