"""Issue 11's figures: round trips of today's Cognito flows, and the client CPU a remembered device adds.

    .venv/bin/python bench/todays_cognito.py [--rounds 30]

Round trips are counted where the sandbox answers them (an in-process sandbox). Client CPU is measured with
the sandboxes in processes of their own (`amplify-nb sandbox`), so only the client's work counts: an SRP
sign-in on a pool without device tracking, and the same user's sign-in from a remembered device (SRP for the
password, then DEVICE_SRP_AUTH for the device), interleaved in one run; in the same rounds, what the device step
cannot do without (its key exponentiation S, its two calls), which bounds the ratio from below.
"""

from __future__ import annotations

import argparse
import secrets
import signal
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from srp_client_cpu import start_sandbox  # bench/ is the script's own directory on sys.path

import amplify_nb
from amplify_nb.config import load_config
from amplify_nb.core import userpool
from amplify_nb.core.flows.devices import store
from amplify_nb.sandbox import Sandbox
from amplify_nb.sandbox.srp import N


def round_trips() -> dict[str, list[str]]:
    counted: dict[str, list[str]] = {}
    with Sandbox(sign_in_policy=("PASSWORD", "EMAIL_OTP"), device_tracking="always") as sb:
        auth = amplify_nb.Auth(sb.config, name="count")
        before = len(sb.calls)
        auth.sign_in(sb.demo_username, flow="USER_AUTH", preferred_challenge="EMAIL_OTP")
        auth.confirm_sign_in(sb.outbox.last_code(sb.demo_username, "Authentication"))
        counted["USER_AUTH with EMAIL_OTP (then ConfirmDevice: the pool tracks devices)"] = [
            c.operation for c in sb.calls[before:]]
        auth.sign_out()
        before = len(sb.calls)
        auth.sign_in(sb.demo_username, sb.demo_password)
        counted["SRP sign-in from a remembered device, no MFA"] = [
            f"{c.operation} ({c.challenge})" if c.challenge else c.operation for c in sb.calls[before:]]
        client = sb.add_client(refresh_token_rotation=True)
        rotating = amplify_nb.Auth(load_config(sb.config).with_changes(user_pool_client_id=client.client_id,
                                                                       refresh_token_rotation=True), name="rotate")
        rotating.sign_in(sb.demo_username, sb.demo_password)
        before = len(sb.calls)
        rotating.current_session(force_refresh=True)
        counted["a refresh on a rotating client"] = [c.operation for c in sb.calls[before:]]
    return counted


def s_exponentiation() -> tuple[float, int]:
    """Client CPU (s) of one key exponentiation S = (B - k g^x)^(a + u x) of the size the client makes it
    (a: SECRET_BITS, u and x: 256-bit hashes), on a random base as B - k g^x is to the client; and its bits."""
    base = secrets.randbelow(N)
    exponent = secrets.randbits(userpool.EphemeralPool.SECRET_BITS) + secrets.randbits(256) * secrets.randbits(256)
    start = time.thread_time()
    userpool._powmod(base, exponent, N)
    return time.thread_time() - start, exponent.bit_length()


def timed_calls(auth: amplify_nb.Auth) -> dict[str, list[float]]:
    """Record the client CPU of each call this Auth's client makes, by operation and challenge (on this
    instance only: the wrapper's own cost, ~2 us a call, counts against the device figure, not for it)."""
    client, calls = auth._state.client, defaultdict[str, list[float]](list)
    call = client.call

    def timed(operation: str, **params: Any) -> dict[str, Any]:
        start = time.thread_time()
        try:
            return call(operation, **params)
        finally:
            calls[f"{operation} {params.get('ChallengeName', '')}".strip()].append(time.thread_time() - start)
    client.call = timed  # type: ignore[method-assign]  # this instance only
    return calls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain_proc, plain_config, user, password = start_sandbox(Path(tmp))
        device_proc, device_config, duser, dpassword = start_sandbox(Path(tmp), "--device-tracking", "always")
        try:
            plain = amplify_nb.Auth(plain_config, name="plain")
            device = amplify_nb.Auth(device_config, name="device")
            device.sign_in(duser, dpassword)  # the first sign-in confirms the device
            assert store(device._state).find(duser) is not None

            def sign_in(auth: amplify_nb.Auth, who: str, secret: str) -> float:
                time.sleep(0.05)  # the user's think time, in which the next SRP ephemeral is made
                start = time.thread_time()
                assert auth.sign_in(who, secret).is_signed_in
                spent = time.thread_time() - start
                auth._state.forget()  # local only: the next round signs in afresh
                return spent

            device._state.forget()
            sign_in(plain, user, password), sign_in(device, duser, dpassword)  # warm-up
            calls = timed_calls(device)
            calls.clear()
            plain_ms, device_ms, s_ms, s_bits = [], [], [], []
            for _ in range(args.rounds):
                plain_ms.append(sign_in(plain, user, password) * 1000)
                device_ms.append(sign_in(device, duser, dpassword) * 1000)
                spent, bits = s_exponentiation()
                s_ms.append(spent * 1000)
                s_bits.append(bits)
        finally:
            for proc in (plain_proc, device_proc):
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=10)
    p, d = statistics.median(plain_ms), statistics.median(device_ms)
    print(f"rounds: {args.rounds}")
    print("| client CPU per sign-in (signing thread, median) | ms | ratio |")
    print("|---|---|---|")
    print(f"| SRP sign-in, pool without device tracking | {p:.1f} | 1.00x |")
    print(f"| SRP sign-in from a remembered device (+ DEVICE_SRP_AUTH) | {d:.1f} | {d / p:.2f}x |")
    print()
    print("| what the device step adds and cannot do without (same rounds, median) | ms |")
    print("|---|---|")
    floor = {f"one S exponentiation (a + u x: ~{statistics.median(s_bits):.0f}-bit exponent; gmpy2: "
             f"{userpool.FAST_MATH})": statistics.median(s_ms)}
    for name in ("RespondToAuthChallenge DEVICE_SRP_AUTH", "RespondToAuthChallenge DEVICE_PASSWORD_VERIFIER"):
        floor[f"{name} (the client's call)"] = statistics.median(calls[name]) * 1000
    for name, ms in floor.items():
        print(f"| {name} | {ms:.2f} |")
    least = p + sum(floor.values())
    print(f"| least device sign-in: plain + these = {least:.1f} ms, ratio at least | {least / p:.2f}x |")
    print()
    print("| flow | round trips counted at the sandbox |")
    print("|---|---|")
    for flow, made in round_trips().items():
        print(f"| {flow} | {len(made)}: {', '.join(made)} |")


if __name__ == "__main__":
    main()
