"""Run the steps of a tutorial in a fresh folder and check the output each one promises."""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import subprocess
from pathlib import Path

from click.testing import CliRunner

from casekit.cli import cli
from tests.docs.steps import Command, Edit, PythonCode, Step, WriteFile, missing_output

__all__ = ["TutorialRunner"]

# The one value a reader must supply: where their copy of casekit (the sample study) is.
# ``export SAMPLE=...`` in a tutorial is run as ``SAMPLE=<this repository>``.
SUPPLIED = ("SAMPLE",)


class TutorialRunner:
    """Runs steps in order, keeping the current folder and exported variables between them.

    ``casekit`` commands run in this process through Click's test runner (fast: the heavy
    libraries are imported once); ``cd`` and ``export`` change the runner's state; any other
    command runs in ``bash`` in the current folder.
    """

    def __init__(self, start: Path, *, sample: Path, source: str) -> None:
        self.cwd = start
        self.env = {"SAMPLE": str(sample)}
        self.source = source
        self.namespace: dict[str, object] = {}

    def run(self, step: Step) -> str:
        """Run one step; raise AssertionError naming the page and line when it fails."""
        if isinstance(step, Command):
            return self._command(step)
        if isinstance(step, WriteFile):
            path = self.cwd / step.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(step.text, encoding="utf-8")
            return ""
        if isinstance(step, Edit):
            self._edit(step)
            return ""
        return self._python(step)

    def _where(self, step: Step) -> str:
        return f"{self.source}:{step.line}"

    def _command(self, step: Command) -> str:
        words = shlex.split(step.text)
        if words[0] == "cd":
            assert len(words) == 2, f"{self._where(step)}: cd takes one folder"
            target = (self.cwd / words[1]).resolve()
            assert target.is_dir(), f"{self._where(step)}: no folder {target}"
            self.cwd = target
            return ""
        if words[0] == "export":
            name = words[1].split("=", 1)[0]
            assert name in SUPPLIED, f"{self._where(step)}: unknown variable {name}"
            return ""
        if words[0] == "casekit":
            assert not {"|", ">", "<", "&&", ";"} & set(words), (
                f"{self._where(step)}: a casekit command in a tutorial must not use shell syntax"
            )
            code, output = self._casekit(words[1:], step.input)
        else:
            code, output = self._shell(step.text, step.input)
        errors = any(line.startswith("Error:") for line in step.expected)
        assert (code != 0) == errors, (
            f"{self._where(step)}: '{step.text}' exited with {code}"
            f"{' (the page shows an error)' if errors else ''}:\n{output}"
        )
        missing = missing_output(step.expected, output)
        assert missing is None, (
            f"{self._where(step)}: '{step.text}' did not print the promised line\n"
            f"  {missing}\nIt printed:\n{output}"
        )
        return output

    def _casekit(self, args: list[str], keys: list[str]) -> tuple[int, str]:
        before = Path.cwd()
        os.chdir(self.cwd)
        try:
            result = CliRunner().invoke(
                cli,
                args,
                input="".join(f"{k}\n" for k in keys) if keys else None,
                env={"CASEKIT_CODER": None, "NO_COLOR": "1"},
            )
        finally:
            os.chdir(before)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.output

    def _shell(self, text: str, keys: list[str]) -> tuple[int, str]:
        done = subprocess.run(
            ["bash", "-c", text],
            cwd=self.cwd,
            env={**os.environ, **self.env},
            input="".join(f"{k}\n" for k in keys),
            capture_output=True,
            text=True,
            check=False,
        )
        return done.returncode, done.stdout + done.stderr

    def _edit(self, step: Edit) -> None:
        path = self.cwd / step.path
        text = path.read_text(encoding="utf-8")
        for old, new in step.hunks:
            assert text.count(old) == 1, (
                f"{self._where(step)}: the lines to change in {step.path} must occur exactly once "
                f"(found {text.count(old)} times):\n{old}"
            )
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")

    def _python(self, step: PythonCode) -> str:
        before = Path.cwd()
        out = io.StringIO()
        os.chdir(self.cwd)
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(step.code, self._where(step), "exec"), self.namespace)
        finally:
            os.chdir(before)
        missing = missing_output(step.expected, out.getvalue())
        assert missing is None, (
            f"{self._where(step)}: the code did not print the promised line\n  {missing}\n"
            f"It printed:\n{out.getvalue()}"
        )
        return out.getvalue()
