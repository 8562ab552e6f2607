"""Sandbox start-up time and Cognito call latency, side by side with bare moto in one run.

    .venv/bin/python bench/sandbox_latency.py [--rounds 200] [--starts 5]

Prints medians (ms) as a Markdown table for docs/benchmarks.md. Public tools only: boto3, pycognito,
moto's ThreadedMotoServer for the comparison.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import boto3
from botocore.config import Config
from pycognito.aws_srp import AWSSRP

from amplify_nb.sandbox import Sandbox

PASSWORD = "Bench-pw-1234"


def _client(endpoint: str):
    return boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="x",
                        aws_secret_access_key="x", config=Config(retries={"max_attempts": 1}))


def cli_start_seconds() -> float:
    """Process spawn to the 'listening' line of `amplify-nb sandbox`, as a user sees it."""
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "amplify_nb.cli", "sandbox", "--config-out",
                                 os.path.join(tmp, "out.json")], stdout=subprocess.PIPE, text=True, cwd=tmp)
        for line in proc.stdout:
            if "press Ctrl+C" in line:
                break
        elapsed = time.perf_counter() - began
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        proc.stdout.close()
        return elapsed


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(fn, rounds: int) -> list[float]:
    fn()  # warm-up: connection pool, imports
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - began)
    return samples


def ours(rounds: int) -> dict[str, list[float]]:
    with Sandbox() as sb:
        sb.create_user("bench@example.com", PASSWORD, {"email": "bench@example.com"})
        client, pool, app = _client(sb.endpoint_url), sb.pool.pool_id, sb.client.client_id

        def password_auth():
            client.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=app,
                                 AuthParameters={"USERNAME": "bench@example.com", "PASSWORD": PASSWORD})

        srp = AWSSRP("bench@example.com", PASSWORD, pool, app, client=client)

        def srp_initiate():  # the server's share: B = kv + g^b for a fixed client A
            client.initiate_auth(AuthFlow="USER_SRP_AUTH", ClientId=app, AuthParameters=srp.get_auth_params())

        def srp_sign_in():
            AWSSRP("bench@example.com", PASSWORD, pool, app, client=client).authenticate_user()

        calls_before = len(sb.calls)
        srp_sign_in()
        round_trips = len(sb.calls) - calls_before
        return {"password": timed(password_auth, rounds), "srp_initiate": timed(srp_initiate, rounds),
                "srp_full": timed(srp_sign_in, rounds), "round_trips": [round_trips]}


def bare_moto(rounds: int) -> dict[str, list[float]]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        client = _client(f"http://{host}:{port}")
        pool = client.create_user_pool(PoolName="bench")["UserPool"]["Id"]
        flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
        app = client.create_user_pool_client(UserPoolId=pool, ClientName="bench",
                                             ExplicitAuthFlows=flows)["UserPoolClient"]["ClientId"]
        client.admin_create_user(UserPoolId=pool, Username="bench", MessageAction="SUPPRESS")
        client.admin_set_user_password(UserPoolId=pool, Username="bench", Password=PASSWORD, Permanent=True)

        def password_auth():
            client.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=app,
                                 AuthParameters={"USERNAME": "bench", "PASSWORD": PASSWORD})

        def srp_sign_in():
            AWSSRP("bench", PASSWORD, pool, app, client=client).authenticate_user()

        return {"password": timed(password_auth, rounds), "srp_full": timed(srp_sign_in, rounds)}
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
    starts = [cli_start_seconds() for _ in range(args.starts)]
    began = time.perf_counter()
    with Sandbox():
        in_process = time.perf_counter() - began
    mine, moto = ours(args.rounds), bare_moto(args.rounds)
    cpu = re.sub(r"\s+", " ", next((line.split(":", 1)[1] for line in open("/proc/cpuinfo")
                                    if line.startswith("model name")), platform.processor())).strip()
    print(f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}")
    print(f"rounds per figure: {args.rounds}; CLI starts: {args.starts}\n")
    print("| figure | amplify-nb sandbox | bare moto 5.2.5 | ratio |")
    print("|---|---|---|---|")
    print(f"| `amplify-nb sandbox` start to ready (median, s) | {statistics.median(starts):.2f} | | |")
    print(f"| `Sandbox()` start + stop in process (s) | {in_process:.3f} | | |")
    labels = (("password", "InitiateAuth USER_PASSWORD_AUTH"), ("srp_full", "full SRP sign-in (pycognito)"))
    for key, label in labels:
        a, b = median_ms(mine[key]), median_ms(moto[key])
        print(f"| {label} (median, ms) | {a:.1f} | {b:.1f} | {a / b:.2f}x |")
    print(f"| InitiateAuth USER_SRP_AUTH (median, ms) | {median_ms(mine['srp_initiate']):.1f} | | |")
    print(f"| round trips of an SRP sign-in without MFA | {mine['round_trips'][0]} | | |")


if __name__ == "__main__":
    main()
