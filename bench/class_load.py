"""Issue 13's load figure: a class on one sandbox. N students at once, each signing in (SRP), getting
identity-pool credentials and reading an S3 object, again and again for a while; throughput, p50/p95 latency
of one student's round, errors, and CPU per sign-in on each side.

The sandbox runs in its own process (`amplify-nb sandbox`), the students in several client processes (threads
in each, one Auth per student; `--processes 64` gives each student a process, as each has a kernel in a
class). Sizes run one after another against the same sandbox.

Each student's kernel is warm when the clock starts: every student has done one round first, not timed (a
kernel's first sign-in makes its AWS clients and fetches the keys that sign tokens, ~0.2-0.3 s of CPU once per
notebook). Counted in the window, that set-up was paid 32 times in 15 s at 32 students and once at 1, and
stood for a third of the client's CPU per round at 32.

    .venv/bin/python bench/class_load.py [--students 1 8 32 64] [--seconds 15] [--cycles 1] [--processes 4]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PASSWORD = "Student-Horse-9"
PROCESSES = 4


def student_name(index: int) -> str:
    return f"student{index}@example.com"


def start_sandbox(tmp: Path) -> tuple[subprocess.Popen, dict, dict]:
    """`amplify-nb sandbox` in a process of its own: (process, config, the admin keys it printed)."""
    out = tmp / "amplify_outputs.json"
    proc = subprocess.Popen([sys.executable, "-m", "amplify_nb.cli", "sandbox", "--config-out", str(out)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    admin: dict[str, str] = {}
    for line in proc.stdout:
        if "admin keys" in line:
            key_id, secret = line.split(":", 1)[1].split()[-2:]
            admin = {"aws_access_key_id": key_id, "aws_secret_access_key": secret}
        if "press Ctrl+C" in line:
            break
    threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep its pipe drained
    return proc, json.loads(out.read_text()), admin


def enrol(config: dict, count: int, admin: dict) -> None:
    """The class's users, made by the teacher with the sandbox's admin keys (signed, as on AWS)."""
    import boto3

    endpoint = config["custom"]["amplify_nb"]["endpoint_url"]
    idp = boto3.client("cognito-idp", region_name=config["auth"]["aws_region"], endpoint_url=endpoint, **admin)
    pool = config["auth"]["user_pool_id"]
    for index in range(count):
        name = student_name(index)
        idp.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": name}])
        idp.admin_set_user_password(UserPoolId=pool, Username=name, Password=PASSWORD, Permanent=True)


def run_students(config: dict, students: list[int], seconds: float, ready, go, start_at, queue) -> None:
    """One client process: a thread per student. Each does one round to warm up (its kernel's first sign-in
    makes its AWS clients and reads the keys that sign tokens: once per notebook, not per round), then rounds
    from `start_at` until the time is up."""
    import amplify_nb

    bucket = config["storage"]["bucket_name"]
    results: list[tuple[float, float, str | None]] = []  # (round start, seconds, error)
    lock = threading.Lock()
    cpu0: list[float] = []
    warmed = threading.Barrier(len(students), action=lambda: (cpu0.append(time.process_time()), ready.put(1)))

    def one_round(auth, index: int) -> str | None:
        try:
            auth.sign_in(student_name(index), PASSWORD)
            auth.boto3_session().client("s3").get_object(Bucket=bucket, Key="public/sample.csv")["Body"].read()
            auth.sign_out()
        except Exception as exc:  # counted, not raised: the figure is how many failed
            auth._state.forget()
            return type(exc).__name__
        return None

    def student(index: int) -> None:
        try:
            auth = amplify_nb.Auth(config, name=f"s{index}-{os.getpid()}")
            warm_up_error = one_round(auth, index)
        except Exception as exc:  # still at the barrier, or every other student waits for this one forever
            auth, warm_up_error = None, type(exc).__name__
        warmed.wait()
        go.wait()
        if warm_up_error:
            with lock:
                results.append((0.0, 0.0, f"warm-up {warm_up_error}"))
        while auth is not None and time.time() < start_at.value + seconds:
            began = time.perf_counter()
            error = one_round(auth, index)
            with lock:
                results.append((began, time.perf_counter() - began, error))

    threads = [threading.Thread(target=student, args=(index,)) for index in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((results, time.process_time() - cpu0[0]))


def measure(config: dict, count: int, seconds: float, sandbox_pid: int, processes_per_class: int) -> dict:
    context = multiprocessing.get_context("spawn")
    queue, ready, go, start_at = context.Queue(), context.Queue(), context.Event(), context.Value("d", 0.0)
    groups = [list(range(count))[i::processes_per_class] for i in range(min(processes_per_class, count))]
    processes = [context.Process(target=run_students, args=(config, group, seconds, ready, go, start_at, queue))
                 for group in groups]
    for process in processes:
        process.start()
    for _ in processes:  # every student has made its first round: the kernels are warm
        ready.get()
    server_cpu0 = _cpu_seconds(sandbox_pid)
    start_at.value = time.time()
    go.set()
    gathered = [queue.get() for _ in processes]
    server_cpu = _cpu_seconds(sandbox_pid) - server_cpu0
    for process in processes:
        process.join()
    rounds = [r for results, _ in gathered for r in results]
    ok = [duration for _, duration, error in rounds if error is None]
    errors = [error for _, _, error in rounds if error is not None]
    client_cpu = sum(cpu for _, cpu in gathered)
    p50 = statistics.median(ok) * 1000 if ok else float("nan")
    p95 = statistics.quantiles(ok, n=20)[18] * 1000 if len(ok) >= 20 else float("nan")
    return {"students": count, "rounds": len(ok), "errors": len(errors), "throughput": len(ok) / seconds,
            "p50": p50, "p95": p95, "client_cpu_ms": client_cpu / max(1, len(rounds)) * 1000,
            "server_cpu_ms": server_cpu / max(1, len(rounds)) * 1000, "error_kinds": sorted(set(errors))}


def _cpu_seconds(pid: int) -> float:
    """A process's user + system CPU from /proc (Linux), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summarise(cycles: list[list[dict]]) -> list[dict]:
    """Per size, the median over the cycles; "vs 1" is each cycle's rate over the same cycle's single student
    (sizes that ran a minute apart, not ten), then the median of those ratios."""
    rows = []
    for index, first in enumerate(cycles[0]):
        runs = [cycle[index] for cycle in cycles]
        ratios = [cycle[index]["throughput"] / cycle[0]["throughput"] for cycle in cycles]
        row = {key: statistics.median(run[key] for run in runs)
               for key in ("throughput", "p50", "p95", "client_cpu_ms", "server_cpu_ms")}
        row.update(students=first["students"], errors=sum(run["errors"] for run in runs),
                   error_kinds=sorted({kind for run in runs for kind in run["error_kinds"]}),
                   ratio=statistics.median(ratios), ratio_range=(min(ratios), max(ratios)),
                   tail=statistics.median(run["p95"] / run["p50"] for run in runs))
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, nargs="+", default=[1, 8, 32, 64])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--cycles", type=int, default=1,
                        help="run the sizes this many times, one after another, and give medians: this machine's "
                             "speed drifts over minutes, so each cycle's sizes are compared with each other")
    parser.add_argument("--processes", type=int, default=PROCESSES,
                        help="client processes the class is spread over (a thread per student in each)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, config, admin = start_sandbox(Path(tmp))
        try:
            enrol(config, max(args.students), admin)
            cycles = [[measure(config, count, args.seconds, proc.pid, args.processes) for count in args.students]
                      for _ in range(args.cycles)]
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
    print(f"{args.seconds:.0f} s per size, {args.cycles} cycle(s), medians; a round = SRP sign-in + identity-pool "
          "credentials + S3 GetObject + sign-out")
    print("| students | rounds/s | vs 1 (range) | p50 ms | p95 ms | p95/p50 | errors | client CPU/round ms "
          "| sandbox CPU/round ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for f in summarise(cycles):
        low, high = f["ratio_range"]
        spread = f" ({low:.2f}-{high:.2f})" if args.cycles > 1 else ""
        print(f"| {f['students']} | {f['throughput']:.1f} | {f['ratio']:.2f}x{spread} | {f['p50']:.0f} | "
              f"{f['p95']:.0f} | {f['tail']:.2f} | {f['errors']} {' '.join(f['error_kinds'])} | "
              f"{f['client_cpu_ms']:.1f} | {f['server_cpu_ms']:.1f} |")


if __name__ == "__main__":
    main()
