# The two commands of the README. Each sets itself up from a fresh clone: a virtualenv in .venv with
# the project installed (editable) and its test extras.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo sandbox test lint package package-resolve bench clean chromium amplify-app
# apt-get needs root: CI runs as root; elsewhere sudo is used when there is one.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

# The last two lines put in .venv/etc/jupyter what a wheel install puts there and an editable install leaves out:
# the Jupyter Server extension enabled (the hosted UI's callback route), as for users of the package.
$(BIN)/.installed: pyproject.toml constraints.txt setup.py jupyter-config/jupyter_server_config.d/amplify_nb.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	mkdir -p $(VENV)/etc/jupyter/jupyter_server_config.d
	cp jupyter-config/jupyter_server_config.d/amplify_nb.json $(VENV)/etc/jupyter/jupyter_server_config.d/
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
	$(BIN)/mypy

# The browser tests drive Debian's chromium (never a downloaded browser): installed when missing.
APT_CHROMIUM = $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null
chromium:
	command -v chromium >/dev/null || ($(APT_CHROMIUM)) || (sleep 10 && $(APT_CHROMIUM))  # one retry: a mirror hiccup

# The browser conformance test's app: Amplify UI's React Authenticator bundled from npm (versions pinned by
# the committed package-lock.json). `npm ci` runs again when the lock changes, the bundle when a source does.
AMPLIFY_APP := tests/browser/amplify_app
APT_NODE = $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null
$(AMPLIFY_APP)/node_modules/.package-lock.json: $(AMPLIFY_APP)/package.json $(AMPLIFY_APP)/package-lock.json
	command -v npm >/dev/null || ($(APT_NODE)) || (sleep 10 && $(APT_NODE))  # Debian's Node.js when missing
	cd $(AMPLIFY_APP) && npm ci --no-audit --no-fund
	touch $@
$(AMPLIFY_APP)/dist/app.js: $(AMPLIFY_APP)/node_modules/.package-lock.json $(AMPLIFY_APP)/build.mjs $(wildcard $(AMPLIFY_APP)/src/*)
	cd $(AMPLIFY_APP) && node build.mjs
amplify-app: $(AMPLIFY_APP)/dist/app.js

# The package as users get it: sdist and wheel built and checked (twine, contents), the wheel installed into a
# clean virtualenv and used there (plain install, then the demo extra). See .ci/package_check.sh.
package: $(BIN)/.installed
	PY=$(BIN)/python bash .ci/package_check.sh

# Not in `make test` (it asks PyPI, and its answer moves with other packages' releases): does a user's
# `pip install 'amplify-nb[demo]'` resolve without constraints.txt? PYTHONS="path ..." tries other interpreters.
package-resolve: $(BIN)/.installed
	PY=$(BIN)/python bash .ci/package_resolve.sh $(PYTHONS)

test: lint chromium amplify-app package
	$(BIN)/python -m pytest -q -n 2

bench: $(BIN)/.installed
	$(BIN)/python bench/sandbox_latency.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info $(AMPLIFY_APP)/node_modules $(AMPLIFY_APP)/dist
