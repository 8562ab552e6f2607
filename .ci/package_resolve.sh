#!/usr/bin/env bash
# Does `pip install 'amplify-nb[demo]'` resolve for a user, with no constraints.txt, from PyPI alone? (`make
# package-resolve`; not part of `make test`: it asks PyPI about ~180 packages, 30-80 s, and its answer moves with
# their releases.) A dependency line that sends pip's resolver into a dead end (as a separate "boto3>=..." beside
# s3fs once did: it backtracked through s3fs releases until one pinned a missing fsspec) fails here.
#   .ci/package_resolve.sh [PYTHON ...]   default: .venv/bin/python; e.g. ~/.pyenv/versions/3.10.13/bin/python
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
work=$(mktemp -d "${TMPDIR:-/tmp}/amplify-nb-resolve.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The wheel from the sdist (as make package builds it): nothing is built in the checkout's build/.
"$PY" -m build --outdir "$work/dist" . >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
wheel=$(ls "$work"/dist/*.whl)
status=0
for python in "${@:-$PY}"; do
    venv="$work/venv-$(basename "$(dirname "$(dirname "$python")")")"
    "$python" -m venv "$venv"
    started=$SECONDS
    # The machine's pip configuration (local mirrors, find-links) is left out: PyPI only, as for a user.
    if env -u PIP_FIND_LINKS -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null timeout 600 "$venv/bin/python" -m pip install \
        --dry-run --quiet --report "$work/report.json" "amplify-nb[demo] @ file://$wheel" >"$work/pip.log" 2>&1; then
        "$venv/bin/python" - "$work/report.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
chosen = {item["metadata"]["name"].lower(): item["metadata"]["version"] for item in report["install"]}
picked = ", ".join(f"{name} {chosen[name]}" for name in ("boto3", "aiobotocore", "s3fs", "pandas", "ipython", "moto")
                   if name in chosen)
print(f"resolves on Python {sys.version.split()[0]}: {len(chosen)} packages ({picked})")
EOF
        echo "  in $((SECONDS - started)) s"
    else
        echo "does NOT resolve on $("$venv/bin/python" --version) after $((SECONDS - started)) s:"
        grep -v "^WARNING" "$work/pip.log" | tail -5 | cut -c1-400
        status=1
    fi
done
exit $status
