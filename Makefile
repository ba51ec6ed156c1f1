# Everything a fresh machine needs: `make run` then `make test`. Nothing is installed by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.synced-from-lock
UV := $(PYTHON) -m uv

export UV_PYTHON_DOWNLOADS := never
export UV_COMPILE_BYTECODE := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 180
export GX_ANALYTICS_ENABLED := false
export PREFECT_HOME ?= $(CURDIR)/.state/prefect

RAW ?= raw
OUTPUT ?= output
# e.g. BENCH_ARGS="--big 0 --no-dask" (about 8 min) or "--quick" (1× and 10× only)
BENCH_ARGS ?=

.PHONY: run test bench eval serve venv clean

## venv: create .venv from uv.lock (installs uv with pip when it is missing)
venv: $(STAMP)

$(STAMP): uv.lock pyproject.toml
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

## run: run the whole flow on $(RAW) into $(OUTPUT)
run: $(STAMP)
	$(VENV)/bin/pipeline run --raw $(RAW) --output $(OUTPUT)

## test: the whole test suite (unit, integration, real Prefect/GX/Chromium)
# two pytest-xdist workers, one test file each at a time (module-scoped runs are made once); TEST_WORKERS=0 runs in one process
TEST_WORKERS ?= 2
test: $(STAMP)
	$(VENV)/bin/python -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

## serve: scheduled runs (SCHEDULE='--cron "0 6 * * *"' or '--interval 3600'); starts a local Prefect server unless PREFECT_API_URL is set
SCHEDULE ?= --cron "0 6 * * *"
serve: $(STAMP)
	$(VENV)/bin/pipeline serve --raw $(RAW) --output $(OUTPUT) $(SCHEDULE)

## bench: speed and memory benchmarks, written to bench/RESULTS.md (run by hand; never part of the tests)
bench: $(STAMP)
	$(VENV)/bin/python bench/run_benchmarks.py $(BENCH_ARGS)

## eval: accuracy evaluations of repair and author detection, written to bench/REPAIR_RESULTS.md and bench/AUTHORS_RESULTS.md
eval: $(STAMP)
	$(VENV)/bin/python bench/repair_eval.py
	$(VENV)/bin/python bench/authors_eval.py

clean:
	rm -rf $(VENV) .state .pytest_cache .output.work
