"""No secret leaves the session core in anything a user can see or a log can keep; an unreachable
Cognito is a NetworkError that changes nothing.

What counts as secret is taken from the wire itself: botocore's own event hooks on the Auth's client
collect every password, code, SRP claim and secret block, secret hash, Session and token sent or received, and
each of them is then looked for in reprs, traces, error messages, Hub payloads and DEBUG log records. SRP's A, B
and salt are public by design: the trace shows them (what a lesson on SRP needs), and that is checked too.
"""

from __future__ import annotations

import json
import logging

import pytest

import amplify_nb
from amplify_nb import FileStorage
from amplify_nb.errors import AmplifyNbError, CodeMismatchError, NetworkError, NotAuthorizedError
from amplify_nb.sandbox import Sandbox
from tests.conftest import stored_session

TTL = 60.0
ADA, PASSWORD, WRONG_PASSWORD = "ada@example.com", "Correct-Horse-9", "Wrong-Horse-10"
PHONE = "+15555550123"
_SECRET_MEMBERS = {
    "PASSWORD", "NEW_PASSWORD", "SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE",
    "PASSWORD_CLAIM_SECRET_BLOCK", "SECRET_HASH", "Session", "SMS_MFA_CODE", "REFRESH_TOKEN", "AccessToken",
    "IdToken", "RefreshToken", "Token", "ClientSecret",
}
_PUBLIC_SRP_MEMBERS = {"SRP_A", "SRP_B", "SALT"}


@pytest.fixture
def sb(clock):
    with Sandbox(clock=clock, access_token_ttl=TTL, id_token_ttl=TTL, client_secret=True, moto=False) as sandbox:
        sandbox.create_user(ADA, PASSWORD, {"email": ADA, "email_verified": "true", "phone_number": PHONE,
                                            "phone_number_verified": "true"},
                            mfa=["SMS_MFA"], preferred_mfa="SMS_MFA")
        yield sandbox


class Wire:
    """Every secret member of every request and response of one Auth, seen through botocore's hooks."""

    def __init__(self, auth):
        self.secrets: dict[str, str] = {}  # value -> what it is
        self.public: dict[str, str] = {}  # SRP's public values -> which
        self.members: set[str] = set()
        events = auth.session_state.client.boto.meta.events
        events.register("provide-client-params.cognito-idp", self._request)
        events.register("after-call.cognito-idp", self._response)

    def _request(self, params, **_):
        self._harvest(params)

    def _response(self, parsed, **_):
        self._harvest(parsed)

    def _harvest(self, value, member: str | None = None) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                self._harvest(item, key)
        elif isinstance(value, list):
            for item in value:
                self._harvest(item, member)
        elif isinstance(value, str) and member in _SECRET_MEMBERS:
            self.secrets.setdefault(value, member)
            self.members.add(member)
        elif isinstance(value, str) and member in _PUBLIC_SRP_MEMBERS:
            self.public.setdefault(value, member)


def leaks(texts: dict[str, str], secrets: dict[str, str]) -> list[tuple[str, str]]:
    """(where, what) for each secret found in a text; never the secret itself, so failures print safely."""
    return [(where, what) for where, text in texts.items() for value, what in secrets.items() if value in text]


def test_no_password_code_token_or_srp_claim_in_reprs_traces_errors_events_or_debug_logs(sb, clock, caplog):
    caplog.set_level(logging.DEBUG)
    payloads: list[dict] = []
    stop = amplify_nb.Hub.listen("auth", payloads.append)
    auth = amplify_nb.Auth(sb.config, name="secrets", clock=clock)
    wire = Wire(auth)
    shown: dict[str, str] = {}
    errors: list[AmplifyNbError] = []

    def show(step: str, *objects) -> None:
        shown[f"{step}: repr(auth)"] = repr(auth)
        shown[f"{step}: str(trace)"] = str(auth.trace)
        shown[f"{step}: repr(trace)"] = repr(auth.trace)
        shown[f"{step}: trace html"] = auth.trace._repr_html_()
        for index, obj in enumerate(objects):
            shown[f"{step}: object {index}"] = repr(obj)

    def failing(step: str, error: type[AmplifyNbError], call, *args, **kwargs) -> None:
        with pytest.raises(error) as excinfo:
            call(*args, **kwargs)
        errors.append(excinfo.value)
        show(step)

    try:
        # SRP sign-in with the password, then the SMS code: once wrong, once right.
        challenge = auth.sign_in(ADA, PASSWORD)
        assert challenge.next_step == "SMS_MFA"
        show("sign-in", challenge)
        code = sb.outbox.last_code(PHONE, "Authentication")
        wrong_code = f"{(int(code) + 1) % 10**6:06d}"
        failing("wrong code", CodeMismatchError, auth.confirm_sign_in, wrong_code)
        done = auth.confirm_sign_in(code)
        assert done.is_signed_in
        first = auth.current_session()
        show("signed in", done, first, auth.current_authenticated_user())

        clock.advance(TTL - 10)  # a refresh
        fresh = auth.current_session()
        assert fresh.access_token != first.access_token
        show("refreshed", fresh)

        auth.sign_out()
        show("signed out")
        failing("wrong password, SRP", NotAuthorizedError, auth.sign_in, ADA, WRONG_PASSWORD)
        failing("wrong password, USER_PASSWORD_AUTH", NotAuthorizedError, auth.sign_in, ADA, WRONG_PASSWORD,
                flow="USER_PASSWORD_AUTH")
    finally:
        stop()

    # The wire saw what the flows really sent and received, so the check below covers all of it.
    assert set(wire.public.values()) == _PUBLIC_SRP_MEMBERS
    traces = "\n".join(text for where, text in shown.items() if "str(trace)" in where)
    assert {what for value, what in wire.public.items() if value in traces} == _PUBLIC_SRP_MEMBERS  # shown
    assert wire.members >= {"PASSWORD", "SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE",
                            "SECRET_HASH", "Session", "SMS_MFA_CODE", "REFRESH_TOKEN", "AccessToken", "IdToken",
                            "RefreshToken", "Token", "ClientSecret"}
    secrets = {PASSWORD: "password", WRONG_PASSWORD: "wrong password", code: "SMS code",
               wrong_code: "wrong SMS code", sb.client.secret: "client secret"}
    for tokens in (first, fresh):
        secrets.update({tokens.access_token: "access token", tokens.id_token: "id token",
                        tokens.refresh_token: "refresh token"})
    secrets = {**wire.secrets, **secrets}

    for index, error in enumerate(errors):
        shown[f"error {index}: str"] = str(error)
        shown[f"error {index}: repr"] = repr(error)
        shown[f"error {index}: args"] = repr(error.args)
    for index, payload in enumerate(payloads):
        shown[f"hub {index} {payload.get('event')}"] = repr(payload)
    logged = {f"log {index} {record.name}": record.getMessage() for index, record in enumerate(caplog.records)}
    logged["formatted log"] = caplog.text
    assert len(caplog.records) > 0  # DEBUG logging really was on

    assert leaks(shown, secrets) == []
    assert leaks(logged, secrets) == []


def test_tokens_are_masked_in_reprs_but_still_usable(sb, clock):
    auth = amplify_nb.Auth(sb.config, name="masked", clock=clock)
    auth.sign_in(sb.demo_username, sb.demo_password)
    tokens = auth.current_session()
    text = repr(tokens)
    assert tokens.username in repr(auth)  # who is signed in, yes; their tokens, no
    for secret in (tokens.access_token, tokens.id_token, tokens.refresh_token):
        assert secret not in text and secret.split(".")[-1][-12:] not in text
    assert tokens.access_token.count(".") == 2  # the real value is there for the caller to use


# ---- the sandbox unreachable -----------------------------------------------------------------------------

def test_an_unreachable_cognito_is_a_network_error_that_changes_nothing(sb, clock, tmp_path):
    storage = FileStorage(tmp_path, "offline")
    auth = amplify_nb.Auth(sb.config, name="offline", storage=storage, clock=clock)
    auth.sign_in(sb.demo_username, sb.demo_password)
    tokens = auth.current_session()
    stored = storage.path.read_bytes()
    failures: list[dict] = []
    stop = amplify_nb.Hub.listen("auth", lambda p: failures.append(p) if p["event"] == "tokenRefresh_failure" else 0)
    sb.stop()
    try:
        clock.advance(TTL - 10)  # refresh due, tokens still valid: keep working with them
        assert auth.current_session() is tokens
        assert [p.get("session") for p in failures] == ["offline"]
        assert auth.current_session() is tokens  # within the retry pause: no second connection attempt
        assert len(failures) == 1

        clock.advance(20)  # now expired, and no way to refresh
        for _ in range(2):
            with pytest.raises(NetworkError) as excinfo:
                auth.current_session()
            message = str(excinfo.value)
            assert "Cannot reach Cognito" in message and sb.endpoint_url in message
            for secret in (tokens.access_token, tokens.id_token, tokens.refresh_token):
                assert secret not in message
            assert auth.is_signed_in  # still signed in: the refresh token may work once the network is back
            assert storage.path.read_bytes() == stored

        with pytest.raises(NetworkError):
            auth.current_authenticated_user()
        with pytest.raises(NetworkError):
            amplify_nb.Auth(sb.config, name="offline-new", clock=clock).sign_in(sb.demo_username, sb.demo_password)
        resumed = amplify_nb.Auth(sb.config, name="offline", storage=FileStorage(tmp_path, "offline"), clock=clock)
        with pytest.raises(NetworkError) as excinfo:
            resumed.current_session()  # the signing keys cannot be fetched to check the stored tokens
        assert "signing keys" in str(excinfo.value)
        assert storage.path.read_bytes() == stored
        assert json.loads(stored)["items"]
    finally:
        stop()


def test_sign_out_still_forgets_the_tokens_when_cognito_cannot_be_reached(sb, clock, tmp_path):
    storage = FileStorage(tmp_path, "offline-out")
    auth = amplify_nb.Auth(sb.config, name="offline-out", storage=storage, clock=clock)
    auth.sign_in(sb.demo_username, sb.demo_password)
    sb.stop()
    auth.sign_out()  # the refresh token cannot be revoked now; it is forgotten here all the same
    assert not auth.is_signed_in
    assert stored_session(storage) == {}
