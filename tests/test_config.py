"""The configuration file: found by default, overridden by --config, validated with errors naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import DEFAULT_CONFIG, find_config, load_config
from pipeline.encoding import RepairConfig
from pipeline.errors import ConfigError
from pipeline.reconcile import MatchThresholds


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_packaged_default_ships_the_common_tracks():
    config = load_config(DEFAULT_CONFIG)
    assert {"Full", "Short", "Reproducibility", "Industry", "Demo", "Late-Breaking Results", "Poster", "Workshop",
            "Tutorial", "Perspective", "Doctoral"} <= set(config.track_names)
    repair = config.repair_config()
    assert repair.codepages == config.codepages and repair.word_codepages == config.word_codepages
    assert (repair.low_confidence_below, repair.hangul_min_confidence) == (0.6, 0.5)


def test_repair_thresholds_and_word_code_pages_come_from_the_file(tmp_path):
    path = write(tmp_path, '[tracks]\n"Full" = ["full"]\n[repair]\nword_codepages = ["cp1251"]\n'
                           'low_confidence_below = 0.8\nhangul_min_confidence = 0.7\n')
    repair = load_config(path).repair_config()
    assert (repair.word_codepages, repair.low_confidence_below, repair.hangul_min_confidence) == (("cp1251",), 0.8, 0.7)


def test_author_matching_thresholds_come_from_the_file(tmp_path):
    path = write(tmp_path, '[tracks]\n"Full" = ["full"]\n[matching]\nsame_list_min_similarity = 0.9\n'
                           'contradicts_below = 0.4\nperson_min_score = 0.85\nrecurrence_min_lists = 5\n'
                           'repeated_list_min_rows = 4\nrespell_min_score = 0.9\n')
    config = load_config(path)
    assert config.thresholds == MatchThresholds(same_list_min_similarity=0.9, contradicts_below=0.4,
                                                person_min_score=0.85, recurrence_min_lists=5,
                                                repeated_list_min_rows=4, respell_min_score=0.9)


def test_missing_matching_thresholds_take_the_built_in_defaults_which_the_packaged_file_states(tmp_path):
    built_in = MatchThresholds()
    assert load_config(write(tmp_path, '[tracks]\n"Full" = ["full"]\n')).thresholds == built_in
    assert load_config(DEFAULT_CONFIG).thresholds == built_in
    assert (built_in.same_list_min_similarity, built_in.contradicts_below, built_in.person_min_score,
            built_in.recurrence_min_lists) == (0.8, 0.5, 0.6, 3)


def test_missing_repair_keys_take_the_repair_stages_defaults_which_the_packaged_file_states(tmp_path):
    built_in = RepairConfig()
    assert load_config(write(tmp_path, '[tracks]\n"Full" = ["full"]\n')).repair_config() == built_in
    assert load_config(DEFAULT_CONFIG).repair_config() == built_in


def test_a_local_pipeline_toml_wins_over_the_default_and_an_explicit_path_over_both(tmp_path):
    assert find_config(None, tmp_path) == DEFAULT_CONFIG
    (tmp_path / "pipeline.toml").write_text('[tracks]\n"Full" = ["full"]\n', encoding="utf-8")
    assert find_config(None, tmp_path) == tmp_path / "pipeline.toml"
    assert find_config(tmp_path / "other.toml", tmp_path) == tmp_path / "other.toml"


@pytest.mark.parametrize(("text", "key"), [
    ('[tracks]\n"Full" = "full"\n', "tracks.Full"),
    ('[tracks]\n"Full" = ["full"]\n[severities]\n"track_unknown" = "fatal"\n', "severities.track_unknown"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\ntitle_min_score = 140\n', "matching.title_min_score"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\ntitle_score = 90\n', "matching.title_score"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\nsame_list_min_similarity = 1.2\n', "matching.same_list_min_similarity"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\nrepeated_list_min_rows = 1\n', "matching.repeated_list_min_rows"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\nrespell_min_score = 0.4\n', "matching.respell_min_score"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\nrespell_min_score = "strict"\n', "matching.respell_min_score"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\nsame_list_min_similarity = 0.3\n', "matching.same_list_min_similarity"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\nsame_list_min_similarity = "high"\n', "matching.same_list_min_similarity"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\ncontradicts_below = -0.1\n', "matching.contradicts_below"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\ncontradicts_below = 0.9\n', "matching.contradicts_below"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\nsame_list_min_similarity = 0.6\ncontradicts_below = 0.7\n',
     "matching.contradicts_below"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\nperson_min_score = 0\n', "matching.person_min_score"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\nperson_min_score = true\n', "matching.person_min_score"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\nrecurrence_min_lists = 1\n', "matching.recurrence_min_lists"),
    ('[tracks]\n"Full" = ["full"]\n[matching]\nrecurrence_min_lists = 2.5\n', "matching.recurrence_min_lists"),
    ('[tracks]\n"Full" = ["full"]\n[repair]\ncodepages = ["cp9999"]\n', "repair.codepages"),
    ('[tracks]\n"Full" = ["full"]\n[repair]\nword_codepages = []\n', "repair.word_codepages"),
    ('[tracks]\n"Full" = ["full"]\n[repair]\nhangul_min_confidence = 1.5\n', "repair.hangul_min_confidence"),
    ('[tracks]\n"Full" = ["full"]\n[colours]\nx = 1\n', "colours"),
    ('[tracks]\n', "tracks"),
])
def test_a_bad_value_names_the_file_and_the_key(tmp_path, text, key):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(path) in str(error.value) and f"key {key}:" in str(error.value)


def test_broken_toml_names_the_file(tmp_path):
    path = write(tmp_path, "[tracks\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_run_with_a_bad_config_exits_2_before_touching_the_output(tmp_path):
    path = write(tmp_path, '[tracks]\n"Full" = 3\n')
    result = CliRunner().invoke(app, ["run", "--config", str(path), "--output", str(tmp_path / "out")])
    assert result.exit_code == 2 and "tracks.Full" in result.output
    assert not (tmp_path / "out").exists()
