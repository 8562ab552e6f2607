"""Conformance with an independent client: aws-amplify v6 itself (the version the browser app pins in
tests/browser/amplify_app/package-lock.json, installed by `make amplify-app`) drives two sandboxes from
node, through tests/browser/amplify_app/conformance/flows.mjs.

The script runs the flows a current Amplify app runs and reports what Amplify concluded; this test feeds
it the one-time codes from the sandboxes' outboxes and checks, flow by flow, both that conclusion and the
operations the sandbox answered, so a sandbox that merely lets Amplify through the wrong way still fails.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amplify_nb.sandbox import Sandbox

APP = Path(__file__).parents[1] / "browser" / "amplify_app"
FLOWS = APP / "conformance" / "flows.mjs"
# The whole run takes a few seconds; the budget is for a slow machine, not a wait for anything.
BUDGET_SECONDS = 50.0
# fetchAuthSession also asks the identity pool for AWS credentials; those calls come and go with Amplify's
# credential cache, so the per-flow sequences below are the user pool's alone.
IDENTITY_POOL_OPERATIONS = {"GetId", "GetCredentialsForIdentity", "GetOpenIdToken"}
# What a Gen 2 backend with passwordless e-mail sign-in and device tracking has.
POOL = {"moto": False, "demo_user": False, "sign_in_policy": ("PASSWORD", "EMAIL_OTP")}
NEW_USER = {"email": "grace@example.com", "password": "Hopper-pw-1906"}
ROTATING_USER = {"email": "alan@example.com", "password": "Turing-pw-1912"}

Call = tuple[str, str, str | None]  # operation, outcome, challenge
TIMED_OUT = "\0timed out"  # never a line of node's: it prints JSON and text only


def flows_script() -> Path:
    if not (APP / "node_modules" / "aws-amplify" / "package.json").is_file():
        pytest.fail("aws-amplify is not installed for the node conformance test: `make amplify-app` (npm ci in "
                    "tests/browser/amplify_app, from its package-lock.json) installs it, and `make test` runs it "
                    "first")
    return FLOWS


class NodeFlows:
    """flows.mjs as a child process speaking the line protocol its header describes."""

    def __init__(self, sandboxes: dict[str, Sandbox]):
        self.sandboxes = sandboxes
        self.marks = {name: 0 for name in sandboxes}
        self.calls: dict[str, list[Call]] = {}  # flow -> the user-pool operations answered during it
        self.chatter: list[str] = []  # untagged stdout lines, for a failure's message only

    def run(self, setup: dict[str, Any]) -> dict[str, Any]:
        node = shutil.which("node")
        if node is None:
            pytest.fail("node is not installed: `make amplify-app` installs Debian's Node.js when it is missing")
        deadline = time.monotonic() + BUDGET_SECONDS
        with tempfile.TemporaryFile("w+") as stderr:
            process = subprocess.Popen([node, str(flows_script())], cwd=APP, stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=stderr, text=True, bufsize=1)
            try:
                lines = self._reader(process)
                self._send(process, json.dumps(setup), stderr)
                result = self._converse(process, lines, deadline, stderr)
                returncode = process.wait(timeout=max(deadline - time.monotonic(), 1.0))
            except subprocess.TimeoutExpired:
                returncode = None
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
            assert "fatal" not in result, self._diagnosis(f"flows.mjs stopped: {result['fatal']}", stderr)
            assert returncode == 0, self._diagnosis(f"node exited with {returncode}", stderr)
            return result

    @staticmethod
    def _reader(process: subprocess.Popen) -> queue.Queue:
        """stdout read on a thread, so that every wait below has a deadline (a blocked readline has none)."""
        lines: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines.put(line.rstrip("\n"))
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        return lines

    def _converse(self, process: subprocess.Popen, lines: queue.Queue, deadline: float, stderr) -> dict[str, Any]:
        while True:
            line = self._next_line(lines, deadline)
            if line is TIMED_OUT:
                pytest.fail(self._diagnosis(f"no answer from node within {BUDGET_SECONDS:.0f} s", stderr))
            if line is None:
                pytest.fail(self._diagnosis("node ended without a RESULT line", stderr))
            tag, _, body = line.partition(" ")
            if tag == "RESULT":
                return json.loads(body)
            if tag == "NEED":
                need = json.loads(body)
                # The code is in the outbox already: the sandbox delivers it before it answers the call.
                code = self.sandboxes[need["sandbox"]].outbox.last_code(need["to"], need["kind"])
                self._send(process, code, stderr)
            elif tag == "FLOW":
                # Node waits for this answer before its next call, so the flow's calls are all recorded now.
                self.calls[json.loads(body)["name"]] = self._calls_since_last_flow()
                self._send(process, "next", stderr)
            else:
                self.chatter.append(line)

    @staticmethod
    def _next_line(lines: queue.Queue, deadline: float) -> str | None:
        try:
            return lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            return TIMED_OUT

    def _calls_since_last_flow(self) -> list[Call]:
        seen: list[Call] = []
        for name, sandbox in self.sandboxes.items():
            calls = list(sandbox.calls)
            seen += [(c.operation, c.outcome, c.challenge) for c in calls[self.marks[name]:]
                     if c.operation not in IDENTITY_POOL_OPERATIONS]
            self.marks[name] = len(calls)
        return seen

    def _send(self, process: subprocess.Popen, line: str, stderr) -> None:
        assert process.stdin is not None
        try:
            process.stdin.write(line + "\n")
            process.stdin.flush()
        except BrokenPipeError:
            pytest.fail(self._diagnosis("node stopped reading its input", stderr))

    def _diagnosis(self, what: str, stderr) -> str:
        stderr.seek(0)
        return "\n".join([what, "flows so far: " + json.dumps(self.calls), "stdout: " + "\n".join(self.chatter),
                          "stderr: " + stderr.read()[-4000:]])


@pytest.fixture
def amplify_js(make_sandbox) -> Callable[[], tuple[dict[str, Any], NodeFlows, Sandbox, Sandbox]]:
    def run():
        # One pool whose client keeps its refresh token (the user remembers devices on request), one whose
        # client rotates it (every device remembered at once): the two refresh paths Amplify takes.
        plain, _ = make_sandbox(**POOL, device_tracking="user_opt_in")
        rotating, _ = make_sandbox(**POOL, device_tracking="always", refresh_token_rotation=True)
        assert not plain.client.refresh_token_rotation and rotating.client.refresh_token_rotation
        rotating.create_user(ROTATING_USER["email"], ROTATING_USER["password"], {"email_verified": "true"})
        client = NodeFlows({"plain": plain, "rotating": rotating})
        result = client.run({"plain": plain.config, "rotating": rotating.config, "newUser": NEW_USER,
                             "rotatingUser": ROTATING_USER})
        return result, client, plain, rotating
    return run


def test_aws_amplify_v6_in_node_signs_up_signs_in_refreshes_remembers_devices_and_signs_out(amplify_js):
    started = time.monotonic()
    result, node, plain, rotating = amplify_js()
    calls = node.calls
    unexpected = {name: flow["unexpected"] for name, flow in result.items() if "unexpected" in flow}
    assert unexpected == {}, (unexpected, calls)

    # Sign-up with an e-mailed code, then confirmation; no sign-in yet (Amplify's autoSignIn not asked for).
    assert result["sign_up"] == {"step": "CONFIRM_SIGN_UP", "medium": "EMAIL", "complete": True,
                                 "confirmedStep": "DONE"}
    assert calls["sign_up"] == [("SignUp", "ok", None), ("ConfirmSignUp", "ok", None)]
    assert plain.user(NEW_USER["email"]).status == "CONFIRMED"

    # SRP: the password never leaves node; a wrong one is refused at the proof, as Cognito refuses it.
    assert result["srp_wrong_password"]["error"] == "NotAuthorizedException"
    assert result["srp_wrong_password"]["message"] == "Incorrect username or password."
    assert result["srp_wrong_password"]["signedIn"] is False
    assert calls["srp_wrong_password"] == [("InitiateAuth", "ok", "PASSWORD_VERIFIER"),
                                           ("RespondToAuthChallenge", "NotAuthorizedException", None)]

    # The right one signs in; with device tracking on, Amplify confirms the new device it was given.
    assert result["srp_sign_in"] == {"step": "DONE", "signedIn": True, "deviceKeyStored": True}
    assert calls["srp_sign_in"] == [("InitiateAuth", "ok", "PASSWORD_VERIFIER"),
                                    ("RespondToAuthChallenge", "ok", None), ("ConfirmDevice", "ok", None)]

    # A forced refresh on a client without rotation: GetTokensFromRefreshToken (current Amplify never uses
    # InitiateAuth REFRESH_TOKEN_AUTH), new access token, the same refresh token kept.
    assert result["refresh_not_rotating"] == {"returnedTokens": True, "signedInAfter": True, "accessChanged": True,
                                              "refreshChanged": False, "sameUser": True,
                                              "hub": [{"event": "tokenRefresh"}]}
    assert calls["refresh_not_rotating"] == [("GetTokensFromRefreshToken", "ok", None)]

    # user_opt_in: listed but not remembered until rememberDevice (UpdateDeviceStatus) says so.
    devices = result["remember_and_fetch_devices"]
    assert devices["before"] == {"count": 1, "listed": True, "status": "not_remembered", "named": True}
    assert devices["after"] == {"count": 1, "listed": True, "status": "remembered", "named": True}
    assert calls["remember_and_fetch_devices"] == [("ListDevices", "ok", None), ("UpdateDeviceStatus", "ok", None),
                                                   ("ListDevices", "ok", None)]

    # Sign out (RevokeToken) and in again on the remembered device: the device proves its own SRP secret
    # after the password, and is not confirmed a second time.
    assert result["sign_in_on_remembered_device"] == {"step": "DONE", "sameDevice": True}
    assert calls["sign_in_on_remembered_device"] == [
        ("RevokeToken", "ok", None), ("InitiateAuth", "ok", "PASSWORD_VERIFIER"),
        ("RespondToAuthChallenge", "ok", "DEVICE_SRP_AUTH"),
        ("RespondToAuthChallenge", "ok", "DEVICE_PASSWORD_VERIFIER"), ("RespondToAuthChallenge", "ok", None)]

    # Forgotten: gone from the list and from Amplify's storage, and a copy of the session kept elsewhere (a
    # lost laptop's) can no longer refresh, which is what forgetting a lost device is for.
    forgotten = result["forget_device"]
    assert (forgotten["count"], forgotten["deviceKeyStored"]) == (0, False)
    lost = forgotten["lostCopyRefresh"]
    assert lost["returnedTokens"] is False and lost["signedInAfter"] is False
    assert lost["hub"] == [{"event": "tokenRefresh_failure", "error": "NotAuthorizedException"}]
    assert calls["forget_device"] == [("ForgetDevice", "ok", None), ("ListDevices", "ok", None),
                                      ("GetTokensFromRefreshToken", "NotAuthorizedException", None)]

    # Choice-based sign-in with an e-mailed one-time code as the first factor: two round trips, no password
    # (and no RevokeToken before them: the refused refresh above had already dropped the tokens).
    assert result["user_auth_email_otp"] == {"step": "CONFIRM_SIGN_IN_WITH_EMAIL_CODE", "medium": "EMAIL",
                                             "confirmedStep": "DONE", "signedIn": True}
    assert calls["user_auth_email_otp"] == [("InitiateAuth", "ok", "EMAIL_OTP"), ("RespondToAuthChallenge", "ok", None),
                                            ("ConfirmDevice", "ok", None)]

    # Global sign-out: the tokens a second copy of the session still holds are dead too, the access token
    # at once and the refresh token when Amplify tries it (it then drops them: signed out there as well).
    signed_out = result["global_sign_out"]
    assert signed_out["signedOutHere"] is True
    assert signed_out["accessTokenUse"] == {"error": "NotAuthorizedException",
                                            "message": "Access Token has been revoked"}
    refused = signed_out["refresh"]
    assert refused["returnedTokens"] is False and refused["signedInAfter"] is False
    assert refused["hub"] == [{"event": "tokenRefresh_failure", "error": "NotAuthorizedException"}]
    assert calls["global_sign_out"] == [("GlobalSignOut", "ok", None), ("GetUser", "NotAuthorizedException", None),
                                        ("GetTokensFromRefreshToken", "NotAuthorizedException", None)]

    # The rotating client: each forced refresh returns a new refresh token, which Amplify stores and uses
    # next; the one it replaced (grace period 0) is refused with Cognito's RefreshTokenReuseException.
    assert result["rotating_sign_in"] == {"step": "DONE", "signedIn": True}
    assert calls["rotating_sign_in"] == [("InitiateAuth", "ok", "PASSWORD_VERIFIER"),
                                         ("RespondToAuthChallenge", "ok", None), ("ConfirmDevice", "ok", None)]
    rotated = result["refresh_rotating"]
    for refresh in (rotated["once"], rotated["twice"]):
        assert refresh == {"returnedTokens": True, "signedInAfter": True, "accessChanged": True,
                           "refreshChanged": True, "sameUser": True, "hub": [{"event": "tokenRefresh"}]}
    assert rotated["replaced"]["error"] == "RefreshTokenReuseException"
    assert rotated["replaced"]["signedInAfter"] is False
    assert rotated["replaced"]["hub"] == [{"event": "tokenRefresh_failure", "error": "RefreshTokenReuseException"}]
    assert calls["refresh_rotating"] == [("GetTokensFromRefreshToken", "ok", None),
                                         ("GetTokensFromRefreshToken", "ok", None),
                                         ("GetTokensFromRefreshToken", "RefreshTokenReuseException", None)]

    # Every operation Amplify called exists in the sandbox (the failure issue 11 started from).
    assert not [c for sb in (plain, rotating) for c in sb.calls if c.outcome == "UnknownOperationException"]
    # No secret crossed the protocol: no code, password or token in anything node printed.
    printed = json.dumps(result) + "\n".join(node.chatter)
    secrets = [*(m.code for sb in (plain, rotating) for m in sb.outbox), NEW_USER["password"],
               ROTATING_USER["password"]]
    assert not [s for s in secrets if s in printed]
    assert "eyJ" not in printed  # the start of every JWT
    assert time.monotonic() - started < 60
