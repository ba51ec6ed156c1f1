"""A run replaces --output and prunes --work-dir, so neither may be a folder the pipeline did not
write, nor overlap the raw drop: refused before any work, with a message naming the folder and what
is in it, and every file left byte-identical."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import emit
from pipeline.cli import app
from pipeline.errors import OutputRefusedError
from pipeline.parts import work_dir_for
from tests.trees import tree_digests


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["run", *args])
    return result.exit_code, " ".join(result.output.split())  # rich wraps long lines


def refused(tmp_path: Path, *args: str) -> str:
    """Run `pipeline run ARGS` in `tmp_path`: it must exit 2 without a traceback, changing nothing."""
    before = tree_digests(tmp_path)
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        code, message = run_cli(*args)
    finally:
        os.chdir(cwd)
    assert code == 2, message
    assert "Traceback" not in message and message.startswith("error:")
    assert tree_digests(tmp_path) == before
    return message


def previous_output(folder: Path) -> Path:
    """A folder as a run leaves it (a manifest with the keys a run writes, a dataset, a history)."""
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"run_id": "r1", "schema_version": "1", "outputs": []}))
    (folder / "papers.parquet").write_bytes(b"PAR1")
    (folder / "history.jsonl").write_text('{"run_id": "r1"}\n')
    return folder


def test_a_user_folder_given_as_output_is_refused_and_left_as_it_was(seed_raw: Path):
    root = seed_raw.parent
    (root / "mydocs").mkdir()
    (root / "mydocs" / "thesis.txt").write_text("precious")
    message = refused(root, "--raw", "raw", "--output", "mydocs")
    assert f"--output {root / 'mydocs'} is not a folder this pipeline wrote: it holds thesis.txt, " \
           "and no manifest.json of a previous run" in message
    assert "nothing was changed. Pass --output a new or empty folder" in message


def test_refusal_lists_a_few_of_the_files_and_counts_the_rest(tmp_path: Path):
    for index in range(8):
        (tmp_path / f"file{index}.txt").write_text(str(index))
    with pytest.raises(OutputRefusedError, match=r"it holds file0.txt, file1.txt, file2.txt, file3.txt, file4.txt and 3 more"):
        emit.check_output_is_ours(tmp_path)


@pytest.mark.parametrize("output, how", [("raw", "is the same folder as"), ("raw/out", "is inside"), (".", "contains")])
def test_output_equal_to_inside_or_containing_raw_is_refused(seed_raw: Path, output: str, how: str):
    message = refused(seed_raw.parent, "--raw", "raw", "--output", output)
    assert f"--output {output} {how} --raw raw: a run replaces the whole output folder, which would delete " \
           "the raw documents; nothing was changed" in message


def test_a_symlink_to_the_raw_folder_is_resolved_before_comparing(seed_raw: Path):
    (seed_raw.parent / "looks-new").symlink_to(seed_raw)
    message = refused(seed_raw.parent, "--raw", "raw", "--output", "looks-new")
    assert f"--output looks-new (= {seed_raw}) is the same folder as --raw raw" in message


@pytest.mark.parametrize("work_dir, how, other", [
    ("raw", "is the same folder as", "--raw raw"), ("raw/work", "is inside", "--raw raw"),
    ("out/work", "is inside", "--output out"), ("out", "is the same folder as", "--output out"),
])
def test_work_dir_overlapping_raw_or_output_is_refused(seed_raw: Path, work_dir: str, how: str, other: str):
    message = refused(seed_raw.parent, "--raw", "raw", "--output", "out", "--work-dir", work_dir)
    assert f"--work-dir {work_dir} {how} {other}: " in message and "nothing was changed" in message


def test_output_inside_the_work_dir_is_refused(seed_raw: Path):
    message = refused(seed_raw.parent, "--raw", "raw", "--output", "work/out", "--work-dir", "work")
    assert "--work-dir work contains --output work/out: a run swaps the output folder away and prunes the " \
           "work folder, so each would destroy the other" in message


def test_a_user_folder_given_as_work_dir_is_refused(seed_raw: Path):
    (seed_raw.parent / "mydocs").mkdir()
    (seed_raw.parent / "mydocs" / "thesis.txt").write_text("precious")
    message = refused(seed_raw.parent, "--raw", "raw", "--output", "out", "--work-dir", "mydocs")
    assert f"--work-dir {seed_raw.parent / 'mydocs'} is not a work folder this pipeline made: it holds thesis.txt; " \
           "a run prunes its work folder, so nothing was changed" in message


def test_a_file_given_as_output_is_refused(seed_raw: Path):
    (seed_raw.parent / "notes.txt").write_text("mine")
    message = refused(seed_raw.parent, "--raw", "raw", "--output", "notes.txt")
    assert f"--output {seed_raw.parent / 'notes.txt'} is a file, not a folder; nothing was changed" in message


def test_absent_empty_and_previous_outputs_are_ours(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    assert emit.check_output_is_ours(tmp_path / "absent") == []
    assert emit.check_output_is_ours(tmp_path / "empty") == []
    assert emit.check_output_is_ours(previous_output(tmp_path / "output")) == []


def test_a_damaged_manifest_among_our_own_files_is_reported_not_refused(tmp_path: Path):
    output = previous_output(tmp_path / "output")
    (output / "manifest.json").write_text('{"run_id": "r1", "outp')
    before = tree_digests(tmp_path)
    [problem] = emit.check_output_is_ours(output)
    assert problem.startswith(f"{output / 'manifest.json'}: the previous run's manifest cannot be read as JSON")
    assert "the previous Great Expectations verdict is not reused" in problem
    assert not emit.manifest_is_ours(output)
    assert tree_digests(tmp_path) == before


@pytest.mark.parametrize("manifest", ['{"run_id": "r1", "outp', '{"name": "my-node-project"}', "[1, 2]"])
def test_a_manifest_that_is_not_ours_beside_foreign_files_is_refused(tmp_path: Path, manifest: str):
    (tmp_path / "manifest.json").write_text(manifest)
    (tmp_path / "index.js").write_text("mine")
    before = tree_digests(tmp_path)
    with pytest.raises(OutputRefusedError, match=r"it holds index.js, and a manifest.json that (cannot be read as JSON|"
                                                 r"lacks the keys a run writes|holds a JSON list)"):
        emit.check_output_is_ours(tmp_path)
    assert tree_digests(tmp_path) == before


def test_damaged_history_lines_are_reported_and_the_rest_read(tmp_path: Path):
    output = previous_output(tmp_path / "output")
    (output / "history.jsonl").write_text('{"run_id": "r1"}\n{"run_id": "r2", "err\n[3]\n{"run_id": "r4"}')
    entries, problems = emit.read_history(output)
    assert [entry["run_id"] for entry in entries] == ["r1", "r4"]
    assert problems == emit.check_output_is_ours(output)
    assert [problem.split(": ", 1)[0] for problem in problems] == [f"{output / 'history.jsonl'}:2", f"{output / 'history.jsonl'}:3"]
    assert all("damaged history line" in problem for problem in problems)


def test_appending_to_a_history_cut_off_mid_line_starts_a_new_line(tmp_path: Path):
    (tmp_path / "history.jsonl").write_bytes(b'{"run_id": "r1"}\n{"run_id": "r2", "cut')
    emit.append_history(tmp_path, '{"run_id": "r3"}')
    assert (tmp_path / "history.jsonl").read_bytes() == b'{"run_id": "r1"}\n{"run_id": "r2", "cut\n{"run_id": "r3"}\n'
    assert [entry["run_id"] for entry in emit.read_history(tmp_path)[0]] == ["r1", "r3"]


def test_the_flow_itself_refuses_before_any_work(seed_raw: Path):
    """A deployment's parameters never pass through the CLI: the flow checks too, before the lock."""
    from pipeline.flows import clean_conference_drop

    root = seed_raw.parent
    (root / "mydocs").mkdir()
    (root / "mydocs" / "thesis.txt").write_text("precious")
    before = tree_digests(root)
    with pytest.raises(OutputRefusedError, match="is not a folder this pipeline wrote: it holds thesis.txt"):
        clean_conference_drop.fn(raw_dir=str(seed_raw), output_dir=str(root / "mydocs"))
    assert tree_digests(root) == before  # no lock file, no staging, no work folder
    assert not work_dir_for(root / "mydocs").exists()


def test_serve_refuses_a_user_folder_before_starting_anything(seed_raw: Path):
    root = seed_raw.parent
    (root / "mydocs").mkdir()
    (root / "mydocs" / "thesis.txt").write_text("precious")
    before = tree_digests(root)
    result = CliRunner().invoke(app, ["serve", "--raw", str(seed_raw), "--output", str(root / "mydocs"),
                                      "--state", str(root / "mydocs" / ".state")])
    assert result.exit_code == 2, result.output
    assert "is not a folder this pipeline wrote: it holds thesis.txt" in " ".join(result.output.split())
    assert tree_digests(root) == before
