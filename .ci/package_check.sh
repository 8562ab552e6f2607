#!/usr/bin/env bash
# The package as a user gets it (issue 16), run by `make package` (part of `make test`):
#   1. sdist and wheel built from this checkout (python -m build, isolated, into a temporary folder: nothing is
#      written into the checkout but setuptools' amplify_nb.egg-info), `twine check --strict`, and their contents
#      checked (tests/packaging/check_dist.py);
#   2. the wheel (not editable) installed into a clean virtualenv with constraints.txt, no extra: what a plain
#      `pip install amplify-nb` gives and says (tests/packaging/smoke_base.py);
#   3. the demo extra added (`pip install 'amplify-nb[demo]'`): sandbox, sign-in, widget, demo --headless, the
#      Jupyter server extension (tests/packaging/smoke_demo.py).
# pip's HTTP cache does not keep downloads on these machines, so the wheels the smoke venv needs are kept in a
# wheelhouse ($AMPLIFY_NB_WHEELHOUSE, default ~/.cache/amplify-nb/wheelhouse): installs come from there offline;
# what is missing (a new pin) is downloaded into it first, with the same constraints.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
PY=${PY:-.venv/bin/python}
wheelhouse=${AMPLIFY_NB_WHEELHOUSE:-${XDG_CACHE_HOME:-$HOME/.cache}/amplify-nb/wheelhouse}
work=$(mktemp -d "${TMPDIR:-/tmp}/amplify-nb-package.XXXXXX")
trap 'rm -rf "$work"; step cleaned' EXIT
started=$SECONDS
step() { printf '[package %3d s] %s\n' $((SECONDS - started)) "$*"; }
quiet_pip() { grep -v "^WARNING: Location '.*' is ignored" || true; }  # this machine's pip.conf names a missing index

step "build the sdist and the wheel"
if ! "$PY" -m build --outdir "$work/dist" . >"$work/build.log" 2>&1; then
    cat "$work/build.log"
    exit 1
fi
step "twine check, contents"
"$PY" -m twine check --strict "$work"/dist/*
"$PY" tests/packaging/check_dist.py "$work/dist"
wheel=$(ls "$work"/dist/*.whl)

install() {  # install into the smoke venv from the wheelhouse alone; fill the wheelhouse first when it lacks some
    local venv=$1
    shift
    if "$venv/bin/python" -m pip install --quiet --no-compile --no-index --find-links "$wheelhouse" \
        -c constraints.txt "$@" >/dev/null 2>&1; then
        return
    fi
    step "download what the wheelhouse lacks"
    mkdir -p "$wheelhouse"
    "$PY" -m pip download --quiet -d "$wheelhouse" -c constraints.txt "$@" 2>&1 | quiet_pip
    rm -f "$wheelhouse"/amplify_nb-*.whl  # the wheel under test is always the one just built
    "$venv/bin/python" -m pip install --quiet --no-compile --no-index --find-links "$wheelhouse" \
        -c constraints.txt "$@" 2>&1 | quiet_pip
}

step "a clean virtualenv with the wheel alone: pip install amplify-nb"
"$PY" -m venv "$work/venv"
install "$work/venv" "$wheel"
step "installed; smoke test of the plain install"
# From a folder outside the checkout (only the installed package can be imported), with a home of its own (no
# token, IPython profile or Jupyter runtime file of the user's is read or written) and none of the user's
# AMPLIFY_NB_* or AWS_* variables.
mkdir -p "$work/run" "$work/home"
smoke() {
    (cd "$work/run" && env -i PATH="$work/venv/bin:/usr/bin:/bin" HOME="$work/home" LANG=C.UTF-8 TMPDIR="$work" \
        "$work/venv/bin/python" "$root/tests/packaging/$1" "$work/run")
}
smoke smoke_base.py

step "add the demo extra: pip install 'amplify-nb[demo]'"
install "$work/venv" "amplify-nb[demo] @ file://$wheel"
step "installed; smoke test with the demo extra"
smoke smoke_demo.py
step "package check passed"
