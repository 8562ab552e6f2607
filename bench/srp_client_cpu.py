"""Client CPU per SRP sign-in: amplify_nb.Auth vs plain pycognito, interleaved in one run.

    .venv/bin/python bench/srp_client_cpu.py [--rounds 40]

The sandbox runs in its own process (`amplify-nb sandbox`), so only the client's CPU is counted here.
Both run pycognito's AWSSRP: amplify_nb through a subclass (gmpy2 for the modular exponentiations),
plain pycognito exactly as shipped (the run checks that nothing was patched into it).
"critical path" is the CPU of the thread that signs in (time.thread_time); amplify_nb makes the next
client ephemeral A on a background thread while the user types, so "whole process" (time.process_time)
is shown too. Round trips are counted at an in-process sandbox.
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from pycognito import aws_srp

import amplify_nb
from amplify_nb.core import userpool
from amplify_nb.sandbox import Sandbox


def start_sandbox(tmp: Path, *flags: str) -> tuple[subprocess.Popen, dict, str, str]:
    """`amplify-nb sandbox [flags]` in a process of its own: (process, config, demo user, demo password)."""
    out = tmp / f"amplify_outputs{len(list(tmp.iterdir()))}.json"
    proc = subprocess.Popen([sys.executable, "-m", "amplify_nb.cli", "sandbox", "--config-out", str(out), *flags],
                            stdout=subprocess.PIPE, text=True)
    user = password = ""
    for line in proc.stdout:
        if "demo user:" in line:
            parts = line.split()
            user, password = parts[2], parts[4]
        if "press Ctrl+C" in line:
            break
    return proc, json.loads(out.read_text()), user, password


def measure(fn) -> tuple[float, float]:
    thread0, process0 = time.thread_time(), time.process_time()
    fn()
    return time.thread_time() - thread0, time.process_time() - process0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, config, user, password = start_sandbox(Path(tmp))
        try:
            auth = amplify_nb.Auth(config, name="bench")
            cfg = auth.config
            client = boto3.client("cognito-idp", region_name=cfg.region, endpoint_url=cfg.endpoint("cognito-idp"),
                                  config=Config(signature_version=UNSIGNED))

            def ours() -> None:
                auth.sign_in(user, password)
                auth.session_state.forget()  # local only: the next round signs in afresh
                time.sleep(0.05)  # the user's think time, in which the next ephemeral is made

            def plain_pycognito() -> None:
                aws_srp.AWSSRP(user, password, cfg.user_pool_id, cfg.user_pool_client_id,
                               client=client).authenticate_user()

            ours(), plain_pycognito()  # warm-up
            # amplify_nb subclasses pycognito's AWSSRP and patches nothing: pycognito runs as shipped here
            assert "pow" not in aws_srp.__dict__, "pycognito's module was patched"
            mine_thread, mine_proc, theirs_thread, theirs_proc = [], [], [], []
            for _ in range(args.rounds):
                t, p = measure(plain_pycognito)
                theirs_thread.append(t)
                theirs_proc.append(p)
                t, p = measure(ours)
                mine_thread.append(t)
                mine_proc.append(p)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
    with Sandbox() as sb:
        counted = amplify_nb.Auth(sb.config, name="count")
        before = len(sb.calls)
        counted.sign_in(sb.demo_username, sb.demo_password)
        round_trips = len(sb.calls) - before

    def ms(samples: list[float]) -> float:
        return statistics.median(samples) * 1000

    print(f"gmpy2 in use: {userpool.FAST_MATH}; rounds: {args.rounds}")
    print("| client CPU per SRP sign-in (median) | amplify_nb.Auth | pycognito 2024.5.1 | ratio |")
    print("|---|---|---|---|")
    print(f"| critical path (signing thread), ms | {ms(mine_thread):.1f} | {ms(theirs_thread):.1f} | "
          f"{ms(mine_thread) / ms(theirs_thread):.2f}x |")
    print(f"| whole process incl. background ephemeral, ms | {ms(mine_proc):.1f} | {ms(theirs_proc):.1f} | "
          f"{ms(mine_proc) / ms(theirs_proc):.2f}x |")
    print(f"| Cognito round trips (SRP, no MFA) | {round_trips} | 2 | |")


if __name__ == "__main__":
    main()
