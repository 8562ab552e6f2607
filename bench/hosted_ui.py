"""Issue 12's figures: the round trips of a hosted-UI sign-in, and the kernel's time from the callback to the
SignInResult beside an SRP sign-in's, in one run.

A sandbox with its managed login (in this process: its calls are counted in ``sb.calls``) and a scripted
browser (the sandbox's HostedUIBrowser: real HTTP requests, cookies, forms) stand in for the user's browser.
The browser's part (the sign-in page, the password) is not the kernel's time; what is timed is
``redirect.complete(callback_url)``: state and PKCE checked, the code exchanged at /oauth2/token, the tokens
verified against the pool's keys and stored. Against that, ``auth.sign_in`` by SRP, rounds interleaved.

    .venv/bin/python bench/hosted_ui.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import statistics
import time

import amplify_nb
from amplify_nb.sandbox import Sandbox
from amplify_nb.sandbox.oauth_browser import HostedUIBrowser

CALLBACK = "http://localhost:53682/callback"


def hosted_sign_in(sb: Sandbox, auth: amplify_nb.Auth) -> tuple[float, list[str]]:
    """(seconds the kernel spends from the callback to the result, the sandbox calls of the whole sign-in)."""
    mark = len(sb.calls)
    redirect = auth.sign_in_with_redirect(mode="paste")
    with HostedUIBrowser(sb.endpoint_url) as browser:
        page = browser.sign_in(redirect.url, sb.demo_username, sb.demo_password)
    assert page.left, "the hosted UI did not send the browser back to the app"
    start = time.perf_counter()
    result = redirect.complete(page.url)
    spent = time.perf_counter() - start
    assert result.is_signed_in
    auth.current_credentials()  # GetId + GetCredentialsForIdentity, counted with the sign-in
    return spent, [call.operation for call in sb.calls[mark:]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with Sandbox(oauth=True, callback_urls=[CALLBACK]) as sb:
        hosted = amplify_nb.Auth(sb.config, name="bench-hosted")
        srp = amplify_nb.Auth(sb.config, name="bench-srp")
        _, first_calls = hosted_sign_in(sb, hosted)  # a first sign-in: the identity id is not known yet
        hosted.sign_out()
        srp.sign_in(sb.demo_username, sb.demo_password)
        srp.sign_out()  # warm: keys fetched, clients made
        hosted_ms, srp_ms, calls = [], [], []
        for _ in range(args.rounds):
            spent, calls = hosted_sign_in(sb, hosted)
            hosted_ms.append(spent * 1000)
            hosted._state.forget()  # local only: the next round signs in afresh
            time.sleep(0.05)  # the user's think time, in which the next SRP ephemeral is made
            start = time.perf_counter()
            assert srp.sign_in(sb.demo_username, sb.demo_password).is_signed_in
            srp_ms.append((time.perf_counter() - start) * 1000)
            srp._state.forget()
    h, s = statistics.median(hosted_ms), statistics.median(srp_ms)
    print(f"rounds: {args.rounds}")
    print("| in the kernel (median, wall) | ms | ratio |")
    print("|---|---|---|")
    print(f"| SRP sign-in (InitiateAuth + RespondToAuthChallenge, verify, store) | {s:.1f} | 1.00x |")
    print(f"| hosted UI: callback -> SignInResult (/oauth2/token, verify, store) | {h:.1f} | {h / s:.2f}x |")
    print()
    print(f"round trips of a first hosted-UI sign-in + credentials, counted at the sandbox ({len(first_calls)}): "
          f"{', '.join(first_calls)}")
    print(f"the same with the identity id known ({len(calls)}): {', '.join(calls)}")


if __name__ == "__main__":
    main()
