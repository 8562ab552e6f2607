"""Identity-pool credentials in boto3 (issue 4): steady-state cost, single flight, back-off, soak, round trips.

    .venv/bin/python bench/credentials.py [--calls 1000] [--batch 10] [--soak-calls 10000] [--expiries 10]

Prints Markdown tables for docs/benchmarks.md. Public tools only: boto3/botocore against the sandbox
(moto S3 with IAM enforced behind it).

1. S3 GetObject of public/sample.csv with a client of ``auth.boto3_session()`` vs a client given the same
   minted keys as static ``aws_access_key_id=...`` (and a second static client, an A/A control showing
   the run's noise floor), taking turns batch by batch, for credentials living 90 s, 900 s and 3600 s:
   median wall time per call, its ratio, the "paired" ratio (median over rounds of the per-round
   ratio, which cancels slow drift in a shared machine's load), this thread's CPU per call, and the
   in-process cost of the credential lookup the signer makes per request (get_frozen_credentials).
   Real clock; the sandbox runs in its own process so that only client-side cost differs; every phase
   starts on freshly minted credentials and checks that it ended before any refresh window. Then plain
   botocore ``RefreshableCredentials`` over 90 s credentials, refreshing from the manager's cached
   credentials and, as a hand-written provider would, from Cognito Identity.
2. 32 threads at expiry; a failing endpoint (sandbox stopped, credentials expired) probed by 32 threads
   every 0.5 s of an injected clock for 60 s, counting calls per back-off window; plain botocore beside it.
3. Soak: S3 calls across forced expiries (injected clock moved past expiry between batches), and across
   real 3-second lifetimes with 4 threads sharing one client.
4. Cognito round trips for sign-in + credentials, counted at the sandbox (sb.calls).
"""

from __future__ import annotations

import argparse
import collections
import logging
import statistics
import threading
import time
import timeit
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from botocore.credentials import Credentials
from credentials_support import (
    KEY,
    Counted,
    ManualClock,
    RemoteSandbox,
    cognito_refresh,
    fmt,
    get,
    identity_calls,
    machine,
    plain_botocore_client,
    signed_in,
    static_client,
)

import amplify_nb
from amplify_nb.sandbox import Sandbox

OURS = "amplify_nb `auth.boto3_session()`"
CONTROL = "static keys, a second client (A/A control: the noise floor)"
PLAIN_CACHED = "botocore RefreshableCredentials, refresh_using = manager's cached credentials"
PLAIN_COGNITO = "botocore RefreshableCredentials, refresh_using = GetCredentialsForIdentity"


# ---- 1. steady state ---------------------------------------------------------------------------------
def interleaved(clients: dict[str, Any], bucket: str, calls: int, batch: int
                ) -> dict[str, tuple[list[float], list[float]]]:
    """(wall seconds, this thread's CPU seconds) per call and client, clients taking turns batch by batch
    (order reversed every other round), so that drift and neighbours' load fall on all of them alike."""
    samples: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in clients}
    for client in clients.values():  # warm-up: connection pool, deferred credentials, endpoint resolution
        for _ in range(20):
            get(client, bucket)
    names = list(clients)
    for round_ in range(max(1, calls // batch)):
        for name in names if round_ % 2 == 0 else names[::-1]:
            client, (wall, cpu) = clients[name], samples[name]
            for _ in range(batch):
                began, began_cpu = time.perf_counter(), time.thread_time()
                get(client, bucket)
                cpu.append(time.thread_time() - began_cpu)
                wall.append(time.perf_counter() - began)
    return samples


def steady_phase(sb: RemoteSandbox, ttl: float, calls: int, batch: int,
                 botocore_variants: bool) -> list[dict[str, Any]]:
    """Fresh credentials living `ttl`, then static keys vs amplify_nb's session (or plain botocore)."""
    sb.set_credentials_ttl(ttl)
    auth = signed_in(sb, f"steady-{int(ttl)}-{botocore_variants}")
    minted = auth.current_credentials()
    clients: dict[str, Any] = {"static keys": static_client(auth)}
    # What each client's signer asks once per request: get_frozen_credentials() on these.
    lookups: dict[str, Any] = {"static keys": Credentials(minted.access_key_id, minted.secret_access_key,
                                                          minted.session_token)}
    refreshes: dict[str, Counted] = {}
    if botocore_variants:
        refreshes[PLAIN_CACHED] = Counted(lambda: auth.current_credentials().metadata())
        refreshes[PLAIN_COGNITO] = Counted(cognito_refresh(auth))
        for name in (PLAIN_CACHED, PLAIN_COGNITO):
            clients[name], lookups[name] = plain_botocore_client(auth, refreshes[name])
    else:
        clients[CONTROL] = static_client(auth)  # A/A: how far two identical clients differ in this run
        lookups[CONTROL] = lookups["static keys"]
        session = auth.boto3_session()
        clients[OURS] = session.client("s3")
        lookups[OURS] = credentials = session.get_credentials()  # the object its clients sign with
        refreshes[OURS] = Counted(credentials._refresh_using)
        credentials._refresh_using = refreshes[OURS]
    for client in clients.values():
        get(client, sb.bucket)  # every deferred load done before counting
    manager_before, identity_before = auth.credentials_manager.calls, identity_calls(sb)
    counted_before = {name: counter.n for name, counter in refreshes.items()}
    samples = interleaved(clients, sb.bucket, calls, batch)
    remaining = minted.expiration - time.time()
    advisory = min(minted.lifetime / 4, 900.0)  # amplify_nb's advisory window: a quarter of the lifetime
    cognito = {OURS: auth.credentials_manager.calls - manager_before,
               PLAIN_COGNITO: identity_calls(sb) - identity_before}
    counted = {name: counter.n - counted_before[name] for name, counter in refreshes.items()}
    base = statistics.median(samples["static keys"][0])
    base_cpu = statistics.median(samples["static keys"][1])
    rows = []
    for name, (values, cpu) in samples.items():
        median, median_cpu = statistics.median(values), statistics.median(cpu)
        n = 100 if name == PLAIN_COGNITO else 20_000
        lookup = min(timeit.repeat(lookups[name].get_frozen_credentials, number=n, repeat=3)) / n
        rows.append({"ttl": ttl, "client": name, "median_ms": median * 1000, "ratio": median / base,
                     "paired": paired_ratio(values, samples["static keys"][0], batch),
                     "cpu_us": median_cpu * 1e6, "cpu_ratio": median_cpu / base_cpu,
                     "refreshes": counted.get(name), "cognito": cognito.get(name, 0), "lookup_us": lookup * 1e6,
                     "steady": remaining > advisory, "remaining": remaining,
                     "samples": values, "base": samples["static keys"][0]})
    return rows


def round_ratios(values: list[float], base: list[float], batch: int) -> list[float]:
    """Per round: this client's median / static keys' median in the same round (batches that ran
    a fraction of a second apart, so slow drift in the machine's load cancels out)."""
    return [statistics.median(values[i * batch:(i + 1) * batch]) / statistics.median(base[i * batch:(i + 1) * batch])
            for i in range(len(base) // batch)]


def paired_ratio(values: list[float], base: list[float], batch: int) -> float:
    return statistics.median(round_ratios(values, base, batch))


def pooled(rows: list[dict[str, Any]], client: str, batch: int) -> tuple[float, float]:
    """(ratio of medians, median of round ratios) over every phase's calls of `client` vs static keys."""
    values = [v for r in rows if r["client"] == client for v in r["samples"]]
    base = [v for r in rows if r["client"] == client for v in r["base"]]
    ratios = [x for r in rows if r["client"] == client for x in round_ratios(r["samples"], r["base"], batch)]
    return statistics.median(values) / statistics.median(base), statistics.median(ratios)


# ---- 2. concurrency and back-off ---------------------------------------------------------------------
def burst(threads: int, fn: Callable[[], Any]) -> collections.Counter:
    outcomes: collections.Counter = collections.Counter()
    lock, barrier = threading.Lock(), threading.Barrier(threads)

    def run() -> None:
        barrier.wait()
        try:
            fn()
            outcome = "ok"
        except Exception as exc:
            outcome = type(exc).__name__
        with lock:
            outcomes[outcome] += 1

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcomes


def counting(threads: int, fn: Callable[[], Any], count: Callable[[], int]) -> tuple[int, collections.Counter]:
    """A burst of `threads` callers of fn: how many refreshes `count` saw, and what the callers got."""
    before = count()
    outcomes = burst(threads, fn)
    return count() - before, outcomes


def concurrency(threads: int) -> dict[str, Any]:
    logging.getLogger("botocore.credentials").setLevel(logging.CRITICAL)  # botocore warns per failed refresh
    clock = ManualClock()
    out: dict[str, Any] = {}
    with Sandbox(clock=clock, credentials_ttl=900) as sb:
        auth = signed_in(sb, "threads", clock=clock)
        manager = auth.credentials_manager
        s3 = auth.boto3_session().client("s3")
        get(s3, sb.bucket)
        refresh = Counted(cognito_refresh(auth, retries=1))
        plain, _ = plain_botocore_client(auth, refresh, lambda: datetime.fromtimestamp(clock(), tz=timezone.utc))
        get(plain, sb.bucket)
        ours_calls, plain_calls = (lambda: manager.calls), (lambda: refresh.n)

        clock.advance(901)  # both clients' credentials have expired
        out["ok_ours"] = counting(threads, lambda: get(s3, sb.bucket), ours_calls)
        out["ok_plain"] = counting(threads, lambda: get(plain, sb.bucket), plain_calls)
        clock.advance(901)
        out["ok_direct"] = counting(threads, auth.current_credentials, ours_calls)

        # A failing endpoint: the sandbox stops and the credentials expire.
        attempts: collections.Counter = collections.Counter()
        manager.pool.client.boto.meta.events.register(  # HTTP attempts, botocore's own retries included
            "before-send.cognito-identity", lambda **_: attempts.update(["http"]))
        sb.stop()
        clock.advance(901)
        out["fail_plain"] = counting(threads, lambda: get(plain, sb.bucket), plain_calls)
        began, calls_at, seen = clock(), [], collections.Counter()
        for step in range(121):  # a burst of 32 callers every 0.5 s of the injected clock, for 60 s
            calls, outcomes = counting(threads, lambda: get(s3, sb.bucket), ours_calls)
            calls_at.extend([step * 0.5] * calls)
            seen.update(outcomes)
            clock.advance(0.5)
        out["fail_ours"] = {"bursts": 121, "calls_at": calls_at, "outcomes": seen, "http": attempts["http"],
                            "simulated": clock() - began}
    return out


def windows(calls_at: list[float], start: float = 1.0, cap: float = 30.0, until: float = 60.0) -> list[int]:
    """Calls in each back-off window (1 s doubling to 30 s), the first window opening at the first call."""
    bounds, t, w = [], 0.0, start
    while t <= until:
        bounds.append((t, t + w))
        t, w = t + w, min(cap, w * 2)
    return [sum(1 for c in calls_at if lo <= c < hi) for lo, hi in bounds]


# ---- 3. soak -----------------------------------------------------------------------------------------
def soak_forced(calls: int, expiries: int) -> dict[str, Any]:
    clock = ManualClock()
    failures: collections.Counter = collections.Counter()
    with Sandbox(clock=clock, credentials_ttl=900, id_token_ttl=3600, access_token_ttl=3600) as sb:
        auth = signed_in(sb, "soak", clock=clock)
        s3 = auth.boto3_session().client("s3")
        before, first_call = auth.credentials_manager.calls, len(sb.calls)
        per_batch = calls // (expiries + 1)
        done = 0
        for batch in range(expiries + 1):
            for _ in range(per_batch if batch < expiries else calls - done):
                try:
                    get(s3, sb.bucket)
                except Exception as exc:
                    failures[type(exc).__name__] += 1
                done += 1
            if batch < expiries:
                clock.advance(901)  # past expiry: the next call must refresh
        ops = collections.Counter(call.operation for call in sb.calls[first_call:])
        return {"calls": done, "expiries": expiries, "failures": failures,
                "refreshes": auth.credentials_manager.calls - before, "token_refreshes": ops["InitiateAuth"]}


def soak_real(calls: int, threads: int = 4, ttl: float = 3.0) -> dict[str, Any]:
    failures: collections.Counter = collections.Counter()
    lock = threading.Lock()
    with Sandbox(credentials_ttl=ttl) as sb:
        auth = signed_in(sb, "soak-real")
        s3 = auth.boto3_session().client("s3")
        get(s3, sb.bucket)
        before = auth.credentials_manager.calls

        def work(n: int) -> None:
            for _ in range(n):
                try:
                    get(s3, sb.bucket)
                except Exception as exc:
                    with lock:
                        failures[type(exc).__name__] += 1

        began = time.perf_counter()
        workers = [threading.Thread(target=work, args=(calls // threads,)) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - began
        return {"calls": calls // threads * threads, "threads": threads, "ttl": ttl, "elapsed": elapsed,
                "failures": failures, "refreshes": auth.credentials_manager.calls - before}


# ---- 4. round trips ----------------------------------------------------------------------------------
def round_trips() -> tuple[list[str], list[str]]:
    with Sandbox() as sb:
        storage = amplify_nb.MemoryStorage()
        auth = amplify_nb.Auth(sb.config, name="round-trips", storage=storage)
        n = len(sb.calls)
        auth.sign_in(sb.demo_username, sb.demo_password)
        auth.current_credentials()
        first = [call.operation for call in sb.calls[n:]]
        auth.sign_out()  # the identity id stays cached in the session's storage
        n = len(sb.calls)
        auth.sign_in(sb.demo_username, sb.demo_password)
        auth.current_credentials()
        return first, [call.operation for call in sb.calls[n:]]


# ---- report ------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1000, help="S3 calls per client in each steady-state phase")
    parser.add_argument("--batch", type=int, default=10, help="calls per batch before switching client")
    parser.add_argument("--soak-calls", type=int, default=10_000)
    parser.add_argument("--expiries", type=int, default=10, help="forced expiries in the injected-clock soak")
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: steady,threads,soak,trips")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    print(f"machine: {machine()}\n")

    if "steady" not in skip:
        rows = []
        with RemoteSandbox() as sb:
            for ttl in (90.0, 900.0, 3600.0):
                rows += steady_phase(sb, ttl, args.calls, args.batch, botocore_variants=False)
            rows += steady_phase(sb, 90.0, args.calls, args.batch, botocore_variants=True)
        print(f"S3 GetObject {KEY}, {args.calls} calls per client, interleaved in batches of {args.batch} "
              f"(real clock; the sandbox in its own process)\n")
        print("| credentials lifetime | client | median ms/call | ratio vs static keys | paired ratio | client CPU "
              "µs/call (ratio) | botocore refreshes (steady state) | Cognito Identity calls (steady state) | "
              "credential lookup per request, µs | refresh window not reached |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            refreshes = "—" if r["refreshes"] is None else r["refreshes"]
            print(f"| {r['ttl']:.0f} s | {r['client']} | {r['median_ms']:.2f} | {r['ratio']:.3f} | {r['paired']:.3f} | "
                  f"{r['cpu_us']:.0f} ({r['cpu_ratio']:.3f}) | {refreshes} | "
                  f"{r['cognito']} | {r['lookup_us']:.1f} | {'yes' if r['steady'] else 'NO'} "
                  f"({r['remaining']:.0f} s left) |")
        print()
        for client in (OURS, CONTROL):
            ratio, paired = pooled(rows, client, args.batch)
            print(f"Pooled over the three lifetimes ({3 * args.calls} calls per client), {client} vs static keys: "
                  f"ratio {ratio:.3f}, paired ratio {paired:.3f}")
        print()

    if "threads" not in skip:
        c = concurrency(args.threads)
        f = c["fail_ours"]
        per_window = windows(f["calls_at"])
        print(f"{args.threads} threads at expiry (injected clock; 900 s credentials)\n")
        print("| case | amplify_nb | botocore RefreshableCredentials (hand-written refresh) |")
        print("|---|---|---|")
        print(f"| S3 calls by {args.threads} threads just after expiry: refresh calls | {c['ok_ours'][0]} "
              f"({fmt(c['ok_ours'][1])}) | {c['ok_plain'][0]} ({fmt(c['ok_plain'][1])}) |")
        print(f"| current_credentials() by {args.threads} threads just after expiry: refresh calls | "
              f"{c['ok_direct'][0]} ({fmt(c['ok_direct'][1])}) | |")
        print(f"| sandbox stopped, credentials expired, {args.threads} threads: refresh calls in the first burst "
              f"| {f['calls_at'].count(0.0)} | {c['fail_plain'][0]} ({fmt(c['fail_plain'][1])}) |")
        print(f"| same, a burst of {args.threads} every 0.5 s for {f['simulated']:.0f} s ({f['bursts']} bursts, "
              f"{f['bursts'] * args.threads} S3 calls): refresh calls per back-off window (1, 2, 4, 8, 16, 30 s) | "
              f"{per_window}: {len(f['calls_at'])} calls, at t = {', '.join(f'{t:g}' for t in f['calls_at'])} s "
              f"({f['http']} HTTP attempts: botocore retries each twice); callers saw {fmt(f['outcomes'])} | |")
        print()

    if "soak" not in skip:
        forced, real = soak_forced(args.soak_calls, args.expiries), soak_real(args.soak_calls)
        print("Soak\n")
        print("| soak | S3 calls | expiries | failures | credential fetches (incl. the first) | other |")
        print("|---|---|---|---|---|---|")
        print(f"| injected clock moved 901 s past 900 s credentials between batches | {forced['calls']} | "
              f"{forced['expiries']} forced | {fmt(forced['failures'])} | {forced['refreshes']} | "
              f"{forced['token_refreshes']} user-pool token refreshes on the way |")
        print(f"| real {real['ttl']:.0f} s credentials, {real['threads']} threads sharing one client | "
              f"{real['calls']} | "
              f"{real['elapsed'] / real['ttl']:.0f} lifetimes in {real['elapsed']:.0f} s | {fmt(real['failures'])} | "
              f"{real['refreshes']} | |")
        print()

    if "trips" not in skip:
        first, again = round_trips()
        print("| sign-in + current_credentials() | Cognito round trips | operations |")
        print("|---|---|---|")
        print(f"| first time | {len(first)} | {', '.join(first)} |")
        print(f"| identity id cached (after sign-out, same storage) | {len(again)} | {', '.join(again)} |")


if __name__ == "__main__":
    main()
