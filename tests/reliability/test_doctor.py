"""``casekit doctor``: each check finds the damage it is for, says how to fix it, and ``--fix``
repairs what is safe, logging each repair."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from casekit.cli import cli
from casekit.coding.autocode import autocode_project
from casekit.coding.manual import add_coding, add_memo, ensure_codes
from casekit.doctor import CHECKS, doctor_project
from casekit.project import Project, open_project
from casekit.store.schema import MIGRATIONS, SCHEMA_VERSION
from tests.reliability.harness import copy_project


@pytest.fixture(scope="module")
def coded_template(ingested_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(ingested_template, tmp_path_factory.mktemp("doctor") / "study")
    with open_project(root) as project:
        autocode_project(project)
        version = ensure_codes(project)
        store = project.store
        for segment, code in [("gz-city-01/t2", "STR.TRAINING"), ("gz-city-01/t4", "DIL.SILO")]:
            add_coding(store, segment, code, coder="li", codebook_version=version)
        add_memo(store, "ask about the 2019 migration", author="li", segment="gz-city-01/t4")
        add_memo(store, "on the project", author="li")
    return root


@pytest.fixture
def study(coded_template: Path, tmp_path: Path) -> Iterator[Project]:
    project = open_project(copy_project(coded_template, tmp_path / "study"))
    yield project
    project.close()


def _sql(project: Project, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(project.db_path)) as con:
        rows = con.execute(sql, params).fetchall()
        con.commit()
    return rows


def _doctor(project: Project, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["doctor", *args, "--project", str(project.root)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def test_a_sound_project_passes_every_check(study: Project) -> None:
    code, output = _doctor(study)
    assert (code, output) == (
        0,
        f"casekit doctor: {study.db_path} (schema {SCHEMA_VERSION})\nok: 9 checks, no problems\n",
    )
    assert len(CHECKS) == 9


def test_automatic_codings_outside_their_segment_are_removed_and_recreated(study: Project) -> None:
    ((coding_id, key, seg_end),) = _sql(
        study,
        "SELECT c.id, s.key, s.end FROM codings c JOIN segments s ON s.id = c.segment_id "
        "WHERE c.source = 'auto' AND s.key = 'gz-city-01/p3' ORDER BY c.id LIMIT 1",
    )
    _sql(study, "UPDATE codings SET end = ? WHERE id = ?", (int(seg_end) + 7, coding_id))
    code, output = _doctor(study)
    assert code == 1
    assert "warning [offsets] 1 automatic coding falls outside its segment\n" in output
    assert f"    e.g. {key} " in output
    assert "1 problem found; 'casekit doctor --fix' repairs 1 of them" in output
    before = _sql(study, "SELECT COUNT(*) FROM codings WHERE source = 'auto'")[0][0]

    code, output = _doctor(study, "--fix")
    assert code == 0
    assert (
        "repaired: removed" in output
        and "of 1 document for 'casekit autocode' to recreate" in output
    )
    assert _sql(study, "SELECT actor, action FROM events ORDER BY id DESC LIMIT 1") == [
        ("doctor", "doctor.repair")
    ]
    report = autocode_project(study)
    assert report.n_documents == 1
    assert _sql(study, "SELECT COUNT(*) FROM codings WHERE source = 'auto'")[0][0] == before
    assert doctor_project(study).ok


def test_manual_codings_whose_text_changed_are_reported_not_repaired(study: Project) -> None:
    _sql(
        study,
        "UPDATE codings SET matched_text = 'not this' WHERE source = 'manual' AND code = 'DIL.SILO'",
    )
    code, output = _doctor(study, "--fix")
    assert code == 1
    assert "error [text] 1 manual coding no longer matches the text it was made on\n" in output
    assert "    e.g. gz-city-01/t4 DIL.SILO " in output
    assert "fix: look at each with 'casekit code show SEGMENT'" in output
    assert "repaired" not in output


def test_codes_the_codebook_no_longer_defines(study: Project) -> None:
    path = study.codebook_path
    text = path.read_text(encoding="utf-8")
    start = text.index("    - id: STR.TRAINING")
    path.write_text(text[:start], encoding="utf-8")
    report = doctor_project(study)
    found = {(f.check, f.severity, f.fixable, f.message) for f in report.findings}
    assert (
        "unknown-codes",
        "error",
        False,
        "1 manual coding uses a code the codebook does not define",
    ) in found
    auto = [f for f in report.findings if f.check == "unknown-codes" and f.fixable]
    assert len(auto) == 1 and auto[0].message.endswith("use codes the codebook does not define")
    manual = next(f for f in report.findings if f.check == "unknown-codes" and not f.fixable)
    assert manual.fix.startswith("add STR.TRAINING back to the codebook")
    fixed = doctor_project(study, fix=True)
    assert [f.check for f in fixed.findings] == ["unknown-codes"]  # the manual one stays


def test_changed_and_missing_corpus_files(study: Project) -> None:
    changed = study.root / "corpus" / "interviews" / "gz-city-02.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n问：补充？\n", encoding="utf-8")
    (study.root / "corpus" / "policy" / "gz-policy-02.txt").unlink()
    report = doctor_project(study, fix=True)
    assert [(f.check, f.message, f.examples) for f in report.findings] == [
        (
            "changed-files",
            "1 document changed on disk since ingest",
            ("gz-city-02 (corpus/interviews/gz-city-02.txt)",),
        ),
        (
            "changed-files",
            "1 document whose corpus file is gone (the stored text is intact)",
            ("gz-policy-02 (corpus/policy/gz-policy-02.txt)",),
        ),
    ]
    assert report.repairs == []


def test_orphan_memos_are_removed_and_the_repair_can_be_undone(study: Project) -> None:
    # Re-ingesting a shorter transcript takes away the segment the memo was on.
    path = study.root / "corpus" / "interviews" / "gz-city-01.txt"
    path.write_text("问：只剩一问？\n\n答：只剩一答。\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", "--force", "--project", str(study.root)])
    assert result.exit_code == 0, result.output
    code, output = _doctor(study)
    assert code == 1
    assert "warning [orphan-memos] 1 memo on something that no longer exists" in output
    assert "    e.g. memo 1 by li on segment gz-city-01/t4" in output

    code, output = _doctor(study, "--fix")
    assert code == 0
    assert "repaired: removed 1 orphan memo (1) · event " in output
    event = int(output.split("· event ")[1].split()[0])
    assert _sql(study, "SELECT COUNT(*) FROM memos WHERE deleted_at IS NULL") == [(1,)]
    result = CliRunner().invoke(cli, ["undo", "--event", str(event), "--project", str(study.root)])
    assert result.exit_code == 0, result.output
    assert _sql(study, "SELECT COUNT(*) FROM memos WHERE deleted_at IS NULL") == [(2,)]


def test_an_automatic_batch_that_does_not_match_its_state_is_reset(study: Project) -> None:
    _sql(
        study,
        "DELETE FROM codings WHERE id = (SELECT MIN(c.id) FROM codings c JOIN segments s "
        "ON s.id = c.segment_id JOIN documents d ON d.id = s.document_id "
        "WHERE c.source = 'auto' AND d.name = 'gz-prov-02')",
    )
    report = doctor_project(study)
    assert [(f.check, f.examples) for f in report.findings] == [
        ("auto-batches", (report.findings[0].examples[0],))
    ]
    assert report.findings[0].examples[0].startswith("gz-prov-02: ")
    assert doctor_project(study, fix=True).ok
    assert autocode_project(study).n_documents == 1
    assert doctor_project(study).ok


def test_an_old_schema_is_migrated_by_fix(study: Project) -> None:
    study.close()
    last = MIGRATIONS[-1]
    with closing(sqlite3.connect(study.db_path)) as con:
        con.execute("DELETE FROM schema_migrations WHERE version = ?", (last[0],))
        for name in [w.split()[2] for w in last[2].split(";") if "CREATE TABLE" in w]:
            con.execute(f"DROP TABLE {name}")
        con.commit()
    code, output = _doctor(study)
    assert code == 1
    assert (
        f"warning [schema] {study.db_path}: schema version {last[0] - 1}, this casekit uses {SCHEMA_VERSION}"
        in output
    )
    code, output = _doctor(study, "--fix")
    assert (code, f"repaired: migrated the store to schema version {SCHEMA_VERSION}") == (
        0,
        output.splitlines()[1],
    )


def test_a_newer_schema_is_an_error_without_a_fix(study: Project) -> None:
    _sql(study, "INSERT INTO schema_migrations VALUES (?, 'future', 'then')", (SCHEMA_VERSION + 1,))
    code, output = _doctor(study, "--fix")
    assert code == 1
    assert f"schema version {SCHEMA_VERSION + 1} is newer than this casekit supports" in output
    assert "fix: upgrade casekit" in output


def test_a_damaged_store_is_reported_with_what_to_do(study: Project) -> None:
    _damage(study)
    code, output = _doctor(study, "--fix")
    assert code == 1
    assert f"error [integrity] {study.db_path}: the SQLite file is damaged" in output
    assert "fix: restore casekit.db from a backup (or salvage it with the sqlite3 shell's" in output


def _damage(project: Project) -> None:
    project.close()
    data = bytearray(project.db_path.read_bytes())
    for offset in range(4096 * 2, min(len(data), 4096 * 12), 97):
        data[offset] ^= 0x5A
    project.db_path.write_bytes(bytes(data))


def test_other_commands_on_a_damaged_store_say_so_without_a_traceback(study: Project) -> None:
    _damage(study)
    result = CliRunner().invoke(cli, ["status", "--project", str(study.root)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert result.output.startswith("Error: ")


def test_a_missing_store(study: Project) -> None:
    study.close()
    study.db_path.unlink()
    code, output = _doctor(study)
    assert code == 1
    assert f"error [store] {study.db_path}: the project store is missing" in output


def test_json_output_for_scripts(study: Project) -> None:
    _sql(study, "UPDATE memos SET target = 'gone/t1' WHERE target_type = 'segment'")
    code, output = _doctor(study, "--format", "json")
    data = json.loads(output)
    assert code == 1
    assert data["ok"] is False and data["schema_version"] == SCHEMA_VERSION
    assert data["checks"] == list(CHECKS)
    assert data["findings"] == [
        {
            "check": "orphan-memos",
            "severity": "warning",
            "message": "1 memo on something that no longer exists",
            "fix": "'casekit doctor --fix' removes them (logged; 'casekit undo --event N' restores them)",
            "fixable": True,
            "examples": ["memo 1 by li on segment gone/t1"],
            "count": 1,
        }
    ]
