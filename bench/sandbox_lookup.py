"""Issue 13's lookup figure: signing in by e-mail and creating a user cost the same with 100 and with 100,000
users in the pool (Cognito's lookups are indexed; the sandbox's scanned every user before).

The pool is filled with users straight into its state (no password verifier each: filling 100,000 users
through AdminCreateUser would take minutes and measure nothing more), then a real USER_PASSWORD_AUTH by
e-mail and a real AdminCreateUser (both through HTTP, boto3, signed where AWS wants it) are timed at each
size, sizes interleaved.

    .venv/bin/python bench/sandbox_lookup.py [--rounds 40]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

import boto3
from botocore.config import Config

from amplify_nb.sandbox import Sandbox
from amplify_nb.sandbox.models import User

SIZES = (100, 100_000)
BENCH_USER, BENCH_PASSWORD = "bench@example.com", "Bench-Horse-9"


def fill(sb: Sandbox, count: int) -> None:
    users = sb.pool.users
    for index in range(count - len(users)):
        name = str(uuid.uuid4())
        users[name] = User(username=name, sub=name, attributes={"email": f"filler{index}@example.com", "sub": name})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    sandboxes = {size: Sandbox(moto=False).start() for size in SIZES}
    try:
        clients = {}
        for size, sb in sandboxes.items():
            fill(sb, size)
            sb.create_user(BENCH_USER, BENCH_PASSWORD, {"email": BENCH_USER})  # the newest: a scan meets it last
            clients[size] = boto3.client("cognito-idp", region_name=sb.region, endpoint_url=sb.endpoint_url,
                                         config=Config(retries={"max_attempts": 1}), **sb.admin_credentials)
        sign_in = {size: [] for size in SIZES}
        create = {size: [] for size in SIZES}
        for round_ in range(args.rounds + 3):
            for size, sb in sandboxes.items():
                idp = clients[size]
                start = time.perf_counter()
                idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=sb.client.client_id,
                                  AuthParameters={"USERNAME": BENCH_USER, "PASSWORD": BENCH_PASSWORD})
                signed = time.perf_counter()
                idp.admin_create_user(UserPoolId=sb.pool.pool_id, Username=f"new{round_}@example.com",
                                      MessageAction="SUPPRESS")
                created = time.perf_counter()
                if round_ >= 3:  # warm-up rounds left out
                    sign_in[size].append((signed - start) * 1000)
                    create[size].append((created - signed) * 1000)
    finally:
        for sb in sandboxes.values():
            sb.stop()
    print(f"rounds: {args.rounds}")
    print("| operation (median, wall, through HTTP) | " + " | ".join(f"{size:,} users, ms" for size in SIZES)
          + " | ratio |")
    print("|---|" + "---|" * (len(SIZES) + 1))
    for label, figures in (("USER_PASSWORD_AUTH by e-mail", sign_in), ("AdminCreateUser", create)):
        small, large = (statistics.median(figures[size]) for size in SIZES)
        print(f"| {label} | {small:.2f} | {large:.2f} | {large / small:.2f}x |")


if __name__ == "__main__":
    main()
