from __future__ import annotations

from pathlib import Path

import pytest

from casekit.config import load_config
from casekit.errors import CasekitError, ConfigError, ProjectNotFoundError
from casekit.project import find_project, init_project, open_project


def test_init_creates_layout(tmp_path: Path) -> None:
    project = init_project(tmp_path / "s", name="My study")
    for name in ("casekit.toml", "corpus", "codebooks", "outputs", "casekit.db"):
        assert (tmp_path / "s" / name).exists(), name
    assert project.config["project"]["name"] == "My study"
    assert project.config["segment"]["interview"] == ["turn", "paragraph", "sentence"]
    project.close()


def test_init_refuses_existing_project(tmp_path: Path) -> None:
    init_project(tmp_path).close()
    with pytest.raises(CasekitError, match="already a casekit project"):
        init_project(tmp_path)


def test_project_is_found_from_a_subfolder(tmp_path: Path) -> None:
    init_project(tmp_path).close()
    deep = tmp_path / "corpus" / "a" / "b"
    deep.mkdir(parents=True)
    assert find_project(deep) == tmp_path.resolve()


def test_no_project_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError, match="casekit init"):
        find_project(tmp_path)
    with pytest.raises(ProjectNotFoundError, match="not a casekit project"):
        open_project(tmp_path)


def test_bad_config_names_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "casekit.toml").write_text("[project]\nseed = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"casekit.toml: 'project.seed' must be an integer"):
        load_config(tmp_path / "casekit.toml")
    (tmp_path / "casekit.toml").write_text("[project\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path / "casekit.toml")
    (tmp_path / "casekit.toml").write_text("[segment]\npolicy = ['chapter']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'segment.policy' must be a list of units"):
        load_config(tmp_path / "casekit.toml")


def test_repository_root_is_the_sample_project() -> None:
    root = Path(__file__).resolve().parents[1]
    assert find_project(root / "casekit") == root
