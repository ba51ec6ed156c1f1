"""`pipeline repair` and `pipeline --help` import only what they use: the import graph, not the clock.

A CLI user repairing one file waits for every module the command imports; Pandera (with pandas),
Prefect and Great Expectations alone took over a second before `pipeline/__init__.py` and
`schemas/__init__.py` loaded them lazily. A fresh interpreter runs the commands in-process and
reports which heavy packages are in `sys.modules` after each step, and whether the Chinese word
trie (~0.3 s to load, needed only to guess lost bytes) was loaded (bench/startup.py measures time).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pipeline.encoding import mojibake

HEAVY = ("pandas", "pandera", "prefect", "great_expectations", "polars", "pyarrow", "numpy")

STEPS = f"""
import json, sys
heavy = {HEAVY!r}
seen = {{}}
def step(name):
    seen[name] = sorted(module for module in heavy if module in sys.modules)
import pipeline.cli
step("import pipeline.cli")
import pipeline.config
pipeline.config.default_config().thresholds
step("pipeline.config")
pipeline.cli.app(["--help"], standalone_mode=False)
step("pipeline --help")
pipeline.cli.app(["repair"], standalone_mode=False)
step("pipeline repair < FILE")
pipeline.cli.app(["repair", sys.argv[1]], standalone_mode=False)
step("pipeline repair FILE")
from pipeline.encoding import language
seen["word trie loaded"] = language._load_word_model.cache_info().currsize > 0
pipeline.cli.app(["repair", sys.argv[1], "--log", sys.argv[2]], standalone_mode=False)
step("pipeline repair FILE --log LOG")
import pipeline
pipeline.load
step("pipeline.load")
sys.stderr.write("\\n" + json.dumps(seen))
"""


def test_repair_and_help_import_no_dataframe_validation_or_orchestration_library(tmp_path: Path):
    source = tmp_path / "one.md"
    source.write_text("clean line\n" + mojibake("Kordík’s café – 设计", "cp1252") + "\n", encoding="utf-8")
    log = tmp_path / "log.jsonl"
    done = subprocess.run([sys.executable, "-c", STEPS, str(source), str(log)], input=source.read_text("utf-8"),
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Kordík’s café – 设计") == 3  # each repair ran and printed its text
    assert log.read_text(encoding="utf-8").count("\n") > 0  # and --log wrote its changes
    seen = json.loads(done.stderr.rsplit("\n", 1)[1])
    assert seen["import pipeline.cli"] == []
    assert seen["pipeline.config"] == []  # a bad config fails fast; its thresholds need no polars
    assert seen["pipeline --help"] == []
    assert seen["pipeline repair < FILE"] == seen["pipeline repair FILE"] == []
    assert seen["word trie loaded"] is False  # exact re-decodings (设计 too) need only char_best_use
    # --log builds the text_repairs frame: polars, but still no Pandera (nor pandas) for its contract
    assert seen["pipeline repair FILE --log LOG"] == ["polars"]
    assert seen["pipeline.load"] == ["polars"]
