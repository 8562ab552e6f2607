"""What `%load_ext amplify_nb` costs a kernel, vs an extension that imports its dependencies up front.

    .venv/bin/python bench/load_ext.py [--runs 15]

Each run is a fresh Python process with an IPython shell already started; the figure is the time of
the `%load_ext` line alone (median). Bytecode caching is on, as in a normal installation (this
workplace sets PYTHONDONTWRITEBYTECODE=1, which would charge every run for compiling the sources).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

PROBE = """
from IPython.testing.globalipapp import start_ipython
import time, sys
ip = start_ipython()
began = time.perf_counter()
ip.run_line_magic("load_ext", "amplify_nb")
{extra}
print((time.perf_counter() - began) * 1000)
print(",".join(m for m in ("boto3", "botocore", "pycognito", "ipywidgets", "pandas") if m in sys.modules))
"""
EAGER = "import boto3, pycognito, ipywidgets, pandas  # what an eager extension would import"


def run(extra: str) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run([sys.executable, "-c", PROBE.format(extra=extra)], capture_output=True, text=True,
                         check=True, env=env).stdout.splitlines()
    return float(out[-2]), out[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    run(""), run(EAGER)  # warm-up: writes bytecode caches
    lazy, eager, loaded = [], [], set()
    for _ in range(args.runs):  # interleaved
        ms, modules = run("")
        lazy.append(ms)
        loaded.update(filter(None, modules.split(",")))
        eager.append(run(EAGER)[0])
    print(f"runs: {args.runs}; heavy modules loaded by %load_ext amplify_nb: {sorted(loaded) or 'none'}")
    print("| `%load_ext` (median, ms) | amplify_nb (lazy) | + importing boto3, pycognito, ipywidgets, pandas |")
    print("|---|---|---|")
    print(f"| time | {statistics.median(lazy):.1f} | {statistics.median(eager):.1f} |")


if __name__ == "__main__":
    main()
