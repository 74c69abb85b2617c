"""A casekit project: a folder with ``casekit.toml``, found from the current folder like git does."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casekit.config import CONFIG_NAME, DEFAULT_TOML, load_config
from casekit.errors import CasekitError, ProjectNotFoundError
from casekit.store import Store

__all__ = ["DB_NAME", "Project", "find_project", "init_project", "open_project"]

DB_NAME = "casekit.db"
PROJECT_DIRS = ("corpus", "codebooks", "outputs")


@dataclass
class Project:
    """Paths and configuration of one project; ``store`` opens ``casekit.db`` on first use."""

    root: Path
    config: dict[str, Any]
    _store: Store | None = field(default=None, repr=False)

    @property
    def corpus_dir(self) -> Path:
        return self.root / self.config["corpus"]["dir"]

    @property
    def manifest_path(self) -> Path:
        return self.corpus_dir / self.config["corpus"]["manifest"]

    @property
    def codebook_path(self) -> Path:
        return self.root / self.config["codebook"]["file"]

    @property
    def outputs_dir(self) -> Path:
        return self.root / "outputs"

    @property
    def db_path(self) -> Path:
        return self.root / DB_NAME

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.db_path)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def relative(self, path: Path) -> str:
        """``path`` relative to the project root, with forward slashes."""
        return path.resolve().relative_to(self.root.resolve()).as_posix()


def find_project(start: str | Path | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds ``casekit.toml``."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ProjectNotFoundError(
        f"no casekit project here: {here} and its parents have no {CONFIG_NAME}; "
        "create one with 'casekit init DIR' or pass --project DIR"
    )


def open_project(path: str | Path | None = None) -> Project:
    """Open the project at ``path`` (or the one containing the current folder)."""
    if path is not None and not (Path(path) / CONFIG_NAME).is_file():
        raise ProjectNotFoundError(
            f"{path}: not a casekit project (no {CONFIG_NAME}); create one with 'casekit init {path}'"
        )
    root = find_project(path)
    return Project(root=root, config=load_config(root / CONFIG_NAME))


def init_project(path: str | Path, *, name: str | None = None) -> Project:
    """Create ``casekit.toml``, ``corpus/``, ``codebooks/`` and ``outputs/`` in ``path``.

    An existing ``casekit.toml`` is never overwritten.
    """
    root = Path(path)
    config_path = root / CONFIG_NAME
    if config_path.exists():
        raise CasekitError(
            f"{config_path} already exists: this folder is already a casekit project"
        )
    root.mkdir(parents=True, exist_ok=True)
    for folder in PROJECT_DIRS:
        (root / folder).mkdir(exist_ok=True)
    project_name = (name or root.resolve().name).replace('"', "'")
    config_path.write_text(DEFAULT_TOML.format(name=project_name), encoding="utf-8")
    project = open_project(root)
    _ = project.store  # create and migrate the store now, so the project is complete
    return project
