"""Issue 11's figures: round trips of today's Cognito flows, and the client CPU a remembered device adds.

    .venv/bin/python bench/todays_cognito.py [--rounds 30]

Round trips are counted where the sandbox answers them (an in-process sandbox). Client CPU is measured with
the sandboxes in processes of their own (`amplify-nb sandbox`), so only the client's work counts: an SRP
sign-in on a pool without device tracking, and the same user's sign-in from a remembered device (SRP for the
password, then DEVICE_SRP_AUTH for the device), interleaved in one run.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import tempfile
import time
from pathlib import Path

from srp_client_cpu import start_sandbox  # bench/ is the script's own directory on sys.path

import amplify_nb
from amplify_nb.config import load_config
from amplify_nb.core.flows.devices import store
from amplify_nb.sandbox import Sandbox


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
            plain_ms, device_ms = [], []
            for _ in range(args.rounds):
                plain_ms.append(sign_in(plain, user, password) * 1000)
                device_ms.append(sign_in(device, duser, dpassword) * 1000)
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
    print("| flow | round trips counted at the sandbox |")
    print("|---|---|")
    for flow, calls in round_trips().items():
        print(f"| {flow} | {len(calls)}: {', '.join(calls)} |")


if __name__ == "__main__":
    main()
