# Lookout: every target creates or reuses .venv and installs what it needs (idempotent).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install demo test bench screenshots clean

install: $(STAMP)

# Reinstall only when pyproject.toml changes. torch is pinned in pyproject so pip takes the CPU wheel.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

## The main job: service + simulator streaming the demo scenario (Ctrl-C stops everything).
demo: $(STAMP)
	$(VENV)/bin/lookout demo

## The test suite.
test: $(STAMP)
	$(PY) -m pytest

## A PNG of every dashboard page after a short demo run, in docs/screenshots/ (needs /usr/bin/chromium).
screenshots: $(STAMP)
	$(PY) -m dashboards.screenshots

## Speed figures and ratios (no pass/fail).
bench: $(STAMP)
	$(PY) tests/bench/run_all.py

clean:
	rm -rf var .pytest_cache .hypothesis
