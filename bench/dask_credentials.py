"""Dask workers on the notebook's credentials (issue 14): per-call cost, Cognito calls, propagation time.

    .venv/bin/python bench/dask_credentials.py [--calls 300] [--rounds 6] [--expiries 4] [--workers 1 4 8]

Prints Markdown tables for docs/benchmarks.md. Real LocalClusters (worker processes) against an in-process
sandbox; public tools only (distributed, boto3).

1. Per-call S3 GetObject on each of 2 workers: a client whose credentials come from ``auth.dask_plugin()``
   (the worker's loopback endpoint, through botocore's own container provider) vs a client given the same
   credentials as static keys, and a second static client (A/A control). The three take turns call by call
   (order rotated), ``--calls`` each per round, one worker at a time; one-hour credentials (steady state).
2. Cognito GetCredentialsForIdentity calls (counted at the sandbox) while 1, 4 and 8 workers read S3
   continuously across ``--expiries`` expiries of 4-second credentials: calls per credential set issued, per
   expiry, and per wall-clock lifetime.
3. From a refresh in the kernel (its Hub event) to every worker holding the new credentials (each worker's
   arrival time, same machine clock): median and worst over the refreshes of part 2.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import logging
import statistics
import time
from typing import Any

import distributed
from credentials_support import KEY, machine

import amplify_nb
from amplify_nb.credentials.dask_plugin import DEFAULT_NAME
from amplify_nb.sandbox import Sandbox

TTL = 4.0


def timed_reads(bucket: str, calls: int, keys: dict[str, str]) -> dict[str, list[float]]:
    """On a worker: seconds per GetObject for each client kind, the kinds taking turns call by call (order
    rotated each turn), so that load changes on this shared machine fall on all of them alike."""
    import boto3

    clients = {"plugin": boto3.client("s3"),
               "static": boto3.client("s3", **keys),
               "static2": boto3.client("s3", **keys)}
    for client in clients.values():  # connection set up and first signing outside the timing
        client.get_object(Bucket=bucket, Key=KEY)["Body"].read()
    kinds = list(clients)
    samples: dict[str, list[float]] = {kind: [] for kind in kinds}
    for i in range(calls):
        for kind in kinds[i % 3:] + kinds[:i % 3]:
            started = time.perf_counter()
            clients[kind].get_object(Bucket=bucket, Key=KEY)["Body"].read()
            samples[kind].append(time.perf_counter() - started)
    return samples


def read_loop(bucket: str, seconds: float) -> tuple[int, int, int]:
    """On a worker: S3 reads for `seconds`: (reads, failures, distinct access keys)."""
    import boto3

    s3, keys, reads, failures = boto3.client("s3"), set(), 0, 0
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            s3.get_object(Bucket=bucket, Key=KEY)["Body"].read()
            keys.add(s3._request_signer._credentials.get_frozen_credentials().access_key)
            reads += 1
        except Exception:
            failures += 1
        time.sleep(0.02)
    return reads, failures, len(keys)


def arrival(dask_worker: Any) -> tuple[str | None, float | None]:
    relayed = dask_worker.plugins[DEFAULT_NAME].credentials
    current = relayed.current
    return (current.access_key_id if current else None), relayed.received_at


def cluster(n: int) -> tuple[Any, Any]:
    local = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                     dashboard_address=None, silence_logs=logging.ERROR)
    return local, distributed.Client(local)


def signed_in(sb: Sandbox, name: str) -> amplify_nb.Auth:
    auth = amplify_nb.Auth(sb.config, name=name)
    auth.sign_in(sb.demo_username, sb.demo_password)
    return auth


def overhead(calls: int, rounds: int) -> None:
    with Sandbox() as sb:  # one-hour credentials: no worker refreshes during the run
        auth = signed_in(sb, "bench-overhead")
        local, client = cluster(2)
        try:
            client.register_plugin(auth.dask_plugin(client))
            c = auth.current_credentials()
            keys = {"aws_access_key_id": c.access_key_id, "aws_secret_access_key": c.secret_access_key,
                    "aws_session_token": c.session_token}
            per: dict[str, list[float]] = {"static": [], "plugin": [], "static2": []}
            for _ in range(rounds):
                for worker in sorted(client.scheduler_info()["workers"]):  # one at a time: no shared load
                    for answer in client.run(timed_reads, sb.bucket, calls, keys, workers=[worker]).values():
                        for kind, seconds in answer.items():
                            per[kind].extend(seconds)
            fetched = sum(c.operation == "GetCredentialsForIdentity" for c in sb.calls)
        finally:
            client.close()
            local.close()
    base = statistics.median(per["static"])
    paired = {kind: statistics.median(a / b for a, b in zip(per[kind], per["static"], strict=True)) for kind in per}
    print(f"\n**1. Per-call cost on workers** (2 workers x {rounds} rounds x {calls} GetObject per client, "
          f"clients taking turns call by call; one-hour credentials; {fetched} Cognito call in all)\n")
    print("| client on the worker | median ms/call | ratio vs static keys | paired ratio (median of per-turn ratios) |")
    print("|---|---|---|---|")
    names = {"static": "static keys (`boto3.client(\"s3\", aws_access_key_id=...)`)",
             "static2": "static keys, second client (A/A control)",
             "plugin": "`auth.dask_plugin()`: `boto3.client(\"s3\")`, container provider -> worker endpoint"}
    for kind in ("static", "static2", "plugin"):
        median = statistics.median(per[kind])
        print(f"| {names[kind]} | {median * 1000:.2f} | {median / base:.3f} | {paired[kind]:.3f} |")


def calls_and_propagation(workers: list[int], expiries: int) -> None:
    rows, delays = [], {}
    for n in workers:
        with Sandbox(credentials_ttl=TTL) as sb:
            auth = signed_in(sb, f"bench-{n}")
            local, client = cluster(n)
            refreshes: list[float] = []  # (kernel time of each refresh)
            stop = amplify_nb.Hub.listen("auth", lambda p, name=auth.name, seen=refreshes: p["session"] == name
                                         and p["event"] == "credentialsRefresh" and seen.append(time.time()))
            try:
                client.run(lambda: __import__("boto3"))
                before = sum(c.operation == "GetCredentialsForIdentity" for c in sb.calls)
                plugin = auth.dask_plugin(client)
                client.register_plugin(plugin)
                started = time.time()
                seconds = TTL + (expiries - 1) * TTL * 3 / 4 + 0.5  # the last expiry passes just before the end
                loops = client.map(read_loop, [sb.bucket] * n, [seconds] * n, workers=sorted(
                    client.scheduler_info()["workers"]), pure=False)
                arrivals = watch_arrivals(client, refreshes, seconds)
                results = client.gather(loops)
                elapsed = time.time() - started
                calls = sum(c.operation == "GetCredentialsForIdentity" for c in sb.calls) - before
                sets = len(refreshes)
                expired = sum(1 for at in refreshes if at + TTL < time.time())
                plugin.close()
            finally:
                stop()
                client.close()
                local.close()
        reads, failures = sum(r[0] for r in results), sum(r[1] for r in results)
        rows.append((n, reads, failures, min(r[2] for r in results), calls, sets, expired, elapsed))
        delays[n] = arrivals
    print(f"\n**2. Cognito calls** ({TTL:.0f}-second credentials, refreshed 1 s before expiry; every worker reads "
          "S3 in a loop)\n")
    print("| workers | S3 reads | failures | sets each worker used (fewest) | GetCredentialsForIdentity calls | "
          "credential sets issued | calls per set | expiries passed | wall-clock lifetimes | calls per lifetime |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n, reads, failures, used, calls, sets, expired, elapsed in rows:
        print(f"| {n} | {reads} | {failures} | {used} | {calls} | {sets} | **{calls / sets:.2f}** | {expired} | "
              f"{elapsed / TTL:.1f} | {calls / (elapsed / TTL):.2f} |")
    print("\n**3. From a refresh in the kernel to every worker holding the new credentials**\n")
    print("| workers | refreshes measured | median ms | worst ms |")
    print("|---|---|---|---|")
    for n, values in delays.items():
        if values:
            print(f"| {n} | {len(values)} | {statistics.median(values) * 1000:.1f} | {max(values) * 1000:.1f} |")


def watch_arrivals(client: Any, refreshes: list[float], seconds: float) -> list[float]:
    """After each kernel refresh, poll the workers until all hold the new set; the delay is the last
    worker's arrival time minus the refresh time (both read from the same machine clock)."""
    delays, seen, deadline = [], 1, time.time() + seconds
    while time.time() < deadline:
        if len(refreshes) > seen:
            refreshed_at, seen = refreshes[-1], len(refreshes)
            for _ in range(200):
                answers = client.run(arrival).values()
                if len({key for key, _ in answers}) == 1 and all(at and at >= refreshed_at for _, at in answers):
                    delays.append(max(at for _, at in answers) - refreshed_at)
                    break
                time.sleep(0.01)
        time.sleep(0.05)
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--expiries", type=int, default=4)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4, 8])
    args = parser.parse_args()
    versions = ", ".join(f"{p} {importlib.metadata.version(p)}" for p in ("distributed", "pyarrow"))
    print(f"Machine: {machine()}, {versions}; {time.strftime('%Y-%m-%d')}")
    overhead(args.calls, args.rounds)
    calls_and_propagation(args.workers, args.expiries)


if __name__ == "__main__":
    main()
