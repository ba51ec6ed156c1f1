"""The CLI's single-stage commands, run in-process with typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app

MOJIBAKE = "Kordík’s café – 设计".encode("utf-8").decode("cp1252", errors="ignore")


def test_repair_reads_stdin_and_prints_repaired_utf8():
    result = CliRunner().invoke(app, ["repair"], input=MOJIBAKE.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert "’s café – " in result.stdout


def test_repair_log_writes_one_json_line_per_change(tmp_path: Path):
    source = tmp_path / "doc.md"
    source.write_text(f"clean line\n{MOJIBAKE}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["repair", str(source), "--log", str(tmp_path / "log.jsonl")])
    assert result.exit_code == 0, result.output
    changes = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert changes and all(change["line"] == 2 and change["source_file"] == "doc.md" for change in changes)


def test_repair_of_a_missing_file_exits_2_naming_the_whole_path(tmp_path: Path):
    deep = tmp_path / ("a-folder-name-long-enough-to-pass-the-terminal-width-" * 2)
    result = CliRunner().invoke(app, ["repair", str(deep / "absent.md")])
    assert result.exit_code == 2
    assert f"{deep / 'absent.md'}: No such file or directory" in result.output, result.output


def test_report_without_a_run_names_the_whole_path_on_one_line(tmp_path: Path):
    deep = tmp_path / ("an-output-folder-[with-brackets]-and-a-long-name-" * 2)
    result = CliRunner().invoke(app, ["report", "--output", str(deep)])
    assert result.exit_code == 3
    assert str(deep / "report" / "report.json") in result.output.splitlines()[0], result.output


def test_explain_without_a_run_points_at_make_run(tmp_path: Path):
    result = CliRunner().invoke(app, ["explain", "1", "--output", str(tmp_path)])
    assert result.exit_code == 3
    assert "make run" in result.output


def test_help_explains_every_command():
    result = CliRunner().invoke(app, ["--help"])
    for command in ("run", "repair", "explain", "report", "serve"):
        assert command in result.output


def test_prefect_home_is_created_with_its_parents(tmp_path: Path, monkeypatch):
    """Prefect makes only the last level of PREFECT_HOME; `make run` on a fresh clone points it at .state/prefect."""
    from pipeline.cli import prepare_prefect_environment

    home = tmp_path / ".state" / "prefect"
    monkeypatch.setenv("PREFECT_HOME", str(home))
    prepare_prefect_environment()
    assert home.is_dir()
