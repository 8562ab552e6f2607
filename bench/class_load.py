"""Issue 13's load figure: a class on one sandbox. N students at once, each signing in (SRP), getting
identity-pool credentials and reading an S3 object, again and again for a while; throughput, p50/p95 latency
of one student's round, errors, and CPU per sign-in on each side.

The sandbox runs in its own process (`amplify-nb sandbox`), the students in several client processes (threads
in each, one Auth per student), as a class's notebooks would. Sizes run one after another against the same
sandbox.

    .venv/bin/python bench/class_load.py [--students 1 8 32 64] [--seconds 15]
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


def run_students(config: dict, students: list[int], seconds: float, start_at: float, queue) -> None:
    """One client process: a thread per student, each doing rounds until the time is up."""
    import amplify_nb

    bucket = config["storage"]["bucket_name"]
    results: list[tuple[float, float, str | None]] = []  # (round start, seconds, error)
    lock = threading.Lock()

    def student(index: int) -> None:
        auth = amplify_nb.Auth(config, name=f"s{index}-{os.getpid()}")
        while time.time() < start_at:
            time.sleep(0.005)
        while time.time() < start_at + seconds:
            began = time.perf_counter()
            error = None
            try:
                auth.sign_in(student_name(index), PASSWORD)
                auth.boto3_session().client("s3").get_object(Bucket=bucket, Key="public/sample.csv")["Body"].read()
                auth.sign_out()
            except Exception as exc:  # counted, not raised: the figure is how many failed
                error = type(exc).__name__
                auth._state.forget()
            with lock:
                results.append((began, time.perf_counter() - began, error))

    cpu0 = time.process_time()
    threads = [threading.Thread(target=student, args=(index,)) for index in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((results, time.process_time() - cpu0))


def measure(config: dict, count: int, seconds: float, sandbox_pid: int) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    groups = [list(range(count))[i::PROCESSES] for i in range(min(PROCESSES, count))]
    start_at = time.time() + 3.0  # every process has imported and made its Auths by then
    processes = [context.Process(target=run_students, args=(config, group, seconds, start_at, queue))
                 for group in groups]
    for process in processes:
        process.start()
    server_cpu0 = _cpu_seconds(sandbox_pid)
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, nargs="+", default=[1, 8, 32, 64])
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, config, admin = start_sandbox(Path(tmp))
        try:
            enrol(config, max(args.students), admin)
            figures = [measure(config, count, args.seconds, proc.pid) for count in args.students]
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
    base = figures[0]["throughput"]
    print(f"{args.seconds:.0f} s per size; a round = SRP sign-in + identity-pool credentials + S3 GetObject + sign-out")
    print("| students | rounds/s | vs 1 | p50 ms | p95 ms | p95/p50 | errors | client CPU/round ms "
          "| sandbox CPU/round ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for f in figures:
        print(f"| {f['students']} | {f['throughput']:.1f} | {f['throughput'] / base:.2f}x | {f['p50']:.0f} | "
              f"{f['p95']:.0f} | {f['p95'] / f['p50']:.2f} | {f['errors']} {' '.join(f['error_kinds'])} | "
              f"{f['client_cpu_ms']:.1f} | {f['server_cpu_ms']:.1f} |")


if __name__ == "__main__":
    main()
