# The two commands of the README. Each sets itself up from a fresh clone: a virtualenv in .venv with
# the project installed (editable) and its test extras.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo sandbox test lint bench clean chromium
# apt-get needs root: CI runs as root; elsewhere sudo is used when there is one.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

$(BIN)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# The main job on the embedded default: the local sandbox (Cognito, identity pool, S3) and JupyterLab with
# the teaching notebooks open at the quickstart. `make demo ARGS=--headless` runs the quickstart and prints it.
demo: $(BIN)/.installed
	$(BIN)/amplify-nb demo $(ARGS)

# The sandbox alone, in the foreground, writing ./amplify_outputs.json.
sandbox: $(BIN)/.installed
	$(BIN)/amplify-nb sandbox

lint: $(BIN)/.installed
	$(BIN)/ruff check amplify_nb tests bench
	$(BIN)/lint-imports

# The browser tests drive Debian's chromium (never a downloaded browser): installed when missing.
APT_CHROMIUM = $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null
chromium:
	command -v chromium >/dev/null || ($(APT_CHROMIUM)) || (sleep 10 && $(APT_CHROMIUM))  # one retry: a mirror hiccup

test: lint chromium
	$(BIN)/python -m pytest -q

bench: $(BIN)/.installed
	$(BIN)/python bench/sandbox_latency.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
