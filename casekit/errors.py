"""Exceptions raised by casekit; the CLI turns every one of them into ``Error: ...`` and exit 1."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CasekitError",
    "CodebookError",
    "CodingError",
    "ConfigError",
    "IngestError",
    "Problem",
    "ProjectNotFoundError",
    "StoreError",
    "format_location",
]


def format_location(path: str | Path | None, line: int | None = None) -> str:
    """Return ``file:line`` (or just ``file``) for messages that point at a place in a file."""
    if path is None:
        return ""
    return f"{path}:{line}" if line is not None else str(path)


class CasekitError(Exception):
    """Base class: a problem the user can fix. The message says what went wrong and what to do."""


class ProjectNotFoundError(CasekitError):
    """No ``casekit.toml`` in the given folder or any parent."""


class ConfigError(CasekitError):
    """``casekit.toml`` is malformed or has an invalid value."""


class StoreError(CasekitError):
    """The project store cannot be opened, migrated or written."""


class IngestError(CasekitError):
    """A corpus file or the manifest cannot be read; nothing was changed."""


class CodingError(CasekitError):
    """A coding refers to something that does not exist or falls outside its segment."""


@dataclass(frozen=True)
class Problem:
    """One validation finding, located in a file."""

    path: str
    line: int | None
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = format_location(self.path, self.line)
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class CodebookError(CasekitError):
    """A codebook failed validation; ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            self.problems: list[Problem] = []
            super().__init__(problems)
            return
        self.problems = list(problems)
        n = len([p for p in self.problems if p.severity == "error"]) or len(self.problems)
        lines = [f"codebook has {n} problem{'s' if n != 1 else ''}:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))
