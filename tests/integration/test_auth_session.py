"""The session core against the sandbox: refresh before expiry, single-flight refresh, revocation,
sign-out, persistence across Auth instances and processes, and named sessions side by side.

Time moves with one MovableClock shared by the sandbox and Auth (access/id tokens live 60 s, so the
refresh margin is 15 s); nothing sleeps.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading

import pytest
from botocore.exceptions import ClientError

import amplify_nb
from amplify_nb import FileStorage, MemoryStorage
from amplify_nb.errors import NotAuthenticatedError, StorageError
from amplify_nb.sandbox import Sandbox
from tests.conftest import cognito_client, stored_session

TTL = 60.0  # access and id token lifetime in these sandboxes; refresh is due 15 s before expiry
OTHER_PASSWORD = "Other-Secret-42"


@pytest.fixture
def sb(clock):
    """A sandbox on the test's clock, short-lived tokens, an app client with a secret, e-mail sign-in."""
    with Sandbox(clock=clock, access_token_ttl=TTL, id_token_ttl=TTL, client_secret=True, moto=False) as sandbox:
        yield sandbox


@pytest.fixture
def events():
    """Every Hub "auth" event of the test, as (session name, event name, payload)."""
    seen: list[tuple[str | None, str, dict]] = []
    stop = amplify_nb.Hub.listen("auth", lambda payload: seen.append((payload.get("session"), payload["event"],
                                                                       payload)))
    yield seen
    stop()


def named(events, session: str) -> list[str]:
    return [event for name, event, _ in events if name == session]


def new_auth(sb, clock, name: str, storage=None):
    return amplify_nb.Auth(sb.config, name=name, storage=storage, clock=clock)


def signed_in(sb, clock, name: str, storage=None, username=None, password=None):
    auth = new_auth(sb, clock, name, storage)
    result = auth.sign_in(username or sb.demo_username, password or sb.demo_password)
    assert result.is_signed_in and result.next_step == "DONE"
    return auth


def initiate_auths(sb, since: int) -> list:
    return [call for call in sb.calls[since:] if call.operation == "InitiateAuth"]


def refresh_with_boto3(sb, refresh_token: str, internal_username: str) -> dict:
    from pycognito.aws_srp import AWSSRP

    secret_hash = AWSSRP.get_secret_hash(internal_username, sb.client.client_id, sb.client.secret)
    return cognito_client(sb).initiate_auth(
        AuthFlow="REFRESH_TOKEN_AUTH", ClientId=sb.client.client_id,
        AuthParameters={"REFRESH_TOKEN": refresh_token, "SECRET_HASH": secret_hash})


def refused_code(call, **params) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return excinfo.value.response["Error"]["Code"]


# ---- refresh before expiry ---------------------------------------------------------------------------

def test_current_session_refreshes_within_the_margin_before_expiry_and_not_earlier(sb, clock, events):
    auth = signed_in(sb, clock, "refresh")
    first = auth.current_session()
    assert first.expires_at == clock() + TTL
    after_sign_in = len(sb.calls)

    clock.advance(30)
    assert auth.current_session() is first
    clock.advance(14)  # 44 s: one second before the 15 s margin
    assert auth.current_session() is first
    assert initiate_auths(sb, after_sign_in) == []

    clock.advance(6)  # 50 s: inside the margin, still 10 s before expiry
    fresh = auth.current_session()
    assert clock() < first.expires_at
    refreshes = initiate_auths(sb, after_sign_in)
    assert [(call.operation, call.outcome) for call in refreshes] == [("InitiateAuth", "ok")]
    assert [entry.request["AuthFlow"] for entry in auth.trace if entry.operation == "InitiateAuth"][-1] == \
        "REFRESH_TOKEN_AUTH"
    assert fresh.access_token != first.access_token and fresh.id_token != first.id_token
    assert fresh.refresh_token == first.refresh_token
    assert fresh.expires_at == clock() + TTL
    assert fresh.username == first.username
    assert "tokenRefresh" in named(events, "refresh")
    # The new access token is one Cognito accepts, and the next call uses it without another refresh.
    assert cognito_client(sb).get_user(AccessToken=fresh.access_token)["Username"] == fresh.username
    assert auth.current_session() is fresh
    assert len(initiate_auths(sb, after_sign_in)) == 1


def test_expired_tokens_are_refreshed_too(sb, clock):
    auth = signed_in(sb, clock, "late")
    first = auth.current_session()
    clock.advance(TTL + 3600)  # the notebook sat idle for an hour
    fresh = auth.current_session()
    assert fresh.access_token != first.access_token
    assert fresh.expires_at == clock() + TTL
    assert auth.current_authenticated_user().username == first.username


def test_thirty_two_threads_at_expiry_share_one_refresh(sb, clock, events):
    auth = signed_in(sb, clock, "crowd")
    first = auth.current_session()
    after_sign_in = len(sb.calls)
    clock.advance(TTL - 5)

    threads, barrier = 32, threading.Barrier(32)
    results: list = [None] * threads
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        barrier.wait()
        try:
            results[index] = auth.current_session()
        except BaseException as exc:  # reported below
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert errors == []
    assert len(initiate_auths(sb, after_sign_in)) == 1
    assert {tokens.access_token for tokens in results} == {results[0].access_token}
    assert results[0].access_token != first.access_token
    assert named(events, "crowd").count("tokenRefresh") == 1


# ---- a refresh token ended elsewhere ------------------------------------------------------------------

def _global_sign_out_from_another_session(sb, clock, auth):
    signed_in(sb, clock, "elsewhere").sign_out(global_=True)


def _global_sign_out_with_boto3(sb, clock, auth):
    cognito_client(sb).global_sign_out(AccessToken=auth.current_session().access_token)


def _revoke_token_with_boto3(sb, clock, auth):
    cognito_client(sb).revoke_token(Token=auth.current_session().refresh_token, ClientId=sb.client.client_id,
                                    ClientSecret=sb.client.secret)


@pytest.mark.parametrize("end_it", [_global_sign_out_from_another_session, _global_sign_out_with_boto3,
                                    _revoke_token_with_boto3])
def test_a_refresh_token_ended_elsewhere_signs_the_session_out_at_the_next_refresh(sb, clock, events, tmp_path,
                                                                                    end_it):
    storage = FileStorage(tmp_path, "revoked")
    auth = signed_in(sb, clock, "revoked", storage)
    tokens = auth.current_session()
    end_it(sb, clock, auth)

    clock.advance(TTL - 10)
    with pytest.raises(NotAuthenticatedError) as excinfo:
        auth.current_session()
    message = str(excinfo.value)
    assert "refresh token" in message and "sign in again" in message
    assert excinfo.value.code == "NotAuthorizedException"
    for secret in (tokens.access_token, tokens.id_token, tokens.refresh_token):
        assert secret not in message

    assert named(events, "revoked")[-2:] == ["tokenRefresh_failure", "signOut"]
    assert auth.is_signed_in is False
    assert stored_session(storage) == {}
    assert new_auth(sb, clock, "revoked", FileStorage(tmp_path, "revoked")).is_signed_in is False
    with pytest.raises(NotAuthenticatedError):
        auth.current_authenticated_user()


# ---- client secret with the e-mail alias (pycognito#18) -----------------------------------------------

def test_refresh_with_a_client_secret_after_signing_in_with_the_email_alias(sb, clock):
    auth = signed_in(sb, clock, "alias", username="demo@example.com")
    first = auth.current_session()
    internal = sb.user("demo@example.com").username
    assert first.username == internal and internal != "demo@example.com"  # Cognito's name is a UUID

    clock.advance(TTL - 10)
    fresh = auth.current_session()
    assert fresh.access_token != first.access_token
    assert sb.calls[-1].operation == "InitiateAuth" and sb.calls[-1].outcome == "ok"
    assert auth.current_authenticated_user().login_id == "demo@example.com"


def test_pycognito_refresh_with_a_client_secret_and_the_email_alias_fails_where_amplify_nb_does_not(sb):
    """The contrast: pycognito hashes the refresh's SECRET_HASH with the e-mail the user typed."""
    from pycognito import Cognito

    cognito = Cognito(sb.pool.pool_id, sb.client.client_id, client_secret=sb.client.secret,
                      username="demo@example.com",
                      boto3_client_kwargs={"endpoint_url": sb.endpoint_url, "aws_access_key_id": "sandbox",
                                           "aws_secret_access_key": "sandbox"})
    cognito.pool_domain_url = None  # the issuer pycognito checks is Cognito's own URL ...
    cognito.pool_jwk = sb.backend.issuer.jwks()  # ... and the keys come from the sandbox
    cognito.authenticate(password=sb.demo_password)
    assert cognito.access_token
    with pytest.raises(ClientError) as excinfo:
        cognito.renew_access_token()
    error = excinfo.value.response["Error"]
    assert error["Code"] == "NotAuthorizedException" and "secret hash" in error["Message"]


# ---- storage: resuming a session ----------------------------------------------------------------------

_RESUME = """
import json, sys
import amplify_nb
auth = amplify_nb.Auth(json.loads(sys.argv[1]), name="s1", storage=amplify_nb.FileStorage(sys.argv[2], "s1"))
user = auth.current_authenticated_user()
print(json.dumps({"signed_in": auth.is_signed_in, "username": user.username, "login_id": user.login_id}))
"""


def test_a_new_process_resumes_the_session_from_file_storage_without_signing_in(tmp_path):
    # The other process runs on the system clock, so this sandbox does too.
    with Sandbox(client_secret=True, moto=False) as sandbox:
        auth = amplify_nb.Auth(sandbox.config, name="s1", storage=FileStorage(tmp_path, "s1"))
        auth.sign_in(sandbox.demo_username, sandbox.demo_password)
        me = auth.current_authenticated_user()
        calls_before = len(sandbox.calls)

        done = subprocess.run([sys.executable, "-c", _RESUME, json.dumps(sandbox.config), str(tmp_path)],
                              capture_output=True, text=True, timeout=90, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        other = json.loads(done.stdout.strip().splitlines()[-1])
        assert other == {"signed_in": True, "username": me.username, "login_id": "demo@example.com"}
        assert sandbox.calls[calls_before:] == []  # no sign-in, no refresh: the stored tokens were enough

    path = tmp_path / "s1.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    content = path.read_text()
    assert sandbox.demo_password not in content
    assert auth.current_session().refresh_token in content


def test_a_new_auth_in_the_same_process_resumes_from_the_same_storage(sb, clock, tmp_path):
    auth = signed_in(sb, clock, "s1", FileStorage(tmp_path, "s1"))
    tokens = auth.current_session()
    calls_before = len(sb.calls)

    again = new_auth(sb, clock, "s1", FileStorage(tmp_path, "s1"))
    assert again.is_signed_in
    assert again.current_authenticated_user().username == tokens.username
    assert again.current_session().access_token == tokens.access_token
    assert sb.calls[calls_before:] == []
    assert amplify_nb.get_session("s1") is again

    clock.advance(TTL - 10)  # the resumed session refreshes like any other
    assert again.current_session().access_token != tokens.access_token


def test_a_corrupt_storage_file_raises_storage_error_and_is_left_as_it_was(sb, clock, tmp_path):
    path = tmp_path / "s1.json"
    path.write_text('{"format": "amplify_nb.storage/1", "items": {')  # cut short mid-write
    before = path.read_bytes()
    auth = new_auth(sb, clock, "s1", FileStorage(tmp_path, "s1"))
    with pytest.raises(StorageError) as excinfo:
        auth.current_session()
    assert str(path) in str(excinfo.value) and "corrupt" in str(excinfo.value)
    assert path.read_bytes() == before
    with pytest.raises(StorageError):
        auth.sign_in(sb.demo_username, sb.demo_password)  # nor is it overwritten by a new sign-in
    assert path.read_bytes() == before


def test_a_foreign_json_file_is_neither_used_nor_overwritten(sb, clock, tmp_path):
    path = tmp_path / "s1.json"
    path.write_text('{"some": "other tool"}')
    auth = new_auth(sb, clock, "s1", FileStorage(tmp_path, "s1"))
    with pytest.raises(StorageError):
        auth.current_session()
    assert path.read_text() == '{"some": "other tool"}'


# ---- named sessions side by side ----------------------------------------------------------------------

def test_named_sessions_stay_independent(sb, clock, events):
    sb.create_user("other@example.com", OTHER_PASSWORD, {"email": "other@example.com", "email_verified": "true"})
    shared = MemoryStorage()  # even one storage: each session keeps its own entry
    a = signed_in(sb, clock, "a", shared)
    b = signed_in(sb, clock, "b", shared, username="other@example.com", password=OTHER_PASSWORD)

    assert amplify_nb.get_session("a") is a and amplify_nb.get_session("b") is b
    assert a.current_authenticated_user().login_id == "demo@example.com"
    assert b.current_authenticated_user().login_id == "other@example.com"
    assert a.current_session().sub != b.current_session().sub

    b_tokens = b.current_session()
    a.sign_out()
    assert not a.is_signed_in and b.is_signed_in
    assert named(events, "a")[-1] == "signOut" and "signOut" not in named(events, "b")
    assert b.current_session() is b_tokens
    clock.advance(TTL - 10)
    assert b.current_session().access_token != b_tokens.access_token  # b's refresh token still works
    with pytest.raises(NotAuthenticatedError):
        a.current_session()


# ---- sign-out ------------------------------------------------------------------------------------------

def test_local_sign_out_revokes_the_refresh_token_and_forgets_the_tokens(sb, clock, events, tmp_path):
    storage = FileStorage(tmp_path, "out")
    auth = signed_in(sb, clock, "out", storage)
    tokens = auth.current_session()
    auth.sign_out()

    assert "RevokeToken" in auth.trace.operations
    assert refused_code(refresh_with_boto3, sb=sb, refresh_token=tokens.refresh_token,
                        internal_username=tokens.username) == "NotAuthorizedException"
    assert not auth.is_signed_in
    assert stored_session(storage) == {}
    with pytest.raises(NotAuthenticatedError):
        auth.current_session()
    assert named(events, "out")[-1] == "signOut"
    assert auth.sign_in(sb.demo_username, sb.demo_password).is_signed_in  # and one can sign in again


def test_global_sign_out_ends_the_access_token_too(sb, clock, events):
    auth = signed_in(sb, clock, "global")
    tokens = auth.current_session()
    auth.sign_out(global_=True)

    assert "GlobalSignOut" in auth.trace.operations
    assert refused_code(cognito_client(sb).get_user, AccessToken=tokens.access_token) == "NotAuthorizedException"
    assert refused_code(refresh_with_boto3, sb=sb, refresh_token=tokens.refresh_token,
                        internal_username=tokens.username) == "NotAuthorizedException"
    assert not auth.is_signed_in
    assert named(events, "global")[-1] == "signOut"


def test_a_refresh_in_flight_during_sign_out_does_not_bring_the_session_back(sb, clock, tmp_path):
    """A background refresh (credentials, another thread) answered just as the user signs out."""
    storage = FileStorage(tmp_path, "race")
    auth = signed_in(sb, clock, "race", storage)
    answered, go = threading.Event(), threading.Event()

    def hold_refresh_answer(parsed, **_):  # runs on the refreshing thread, between Cognito's answer and its use
        answered.set()
        assert go.wait(30)

    auth.session_state.client.boto.meta.events.register("after-call.cognito-idp.InitiateAuth", hold_refresh_answer)
    clock.advance(TTL - 10)
    outcome: list = []
    refresher = threading.Thread(target=lambda: outcome.append(_outcome(auth.current_session)))
    refresher.start()
    assert answered.wait(30)
    auth.sign_out()
    go.set()
    refresher.join(30)

    assert isinstance(outcome[0], NotAuthenticatedError)
    assert not auth.is_signed_in
    assert stored_session(storage) == {}


def _outcome(call):
    try:
        return call()
    except Exception as exc:  # the test looks at it
        return exc


def test_sign_out_when_not_signed_in_is_harmless(sb, clock, events):
    auth = new_auth(sb, clock, "nobody")
    calls_before = len(sb.calls)
    auth.sign_out()
    auth.sign_out(global_=True)
    assert not auth.is_signed_in
    assert sb.calls[calls_before:] == []

    signed = signed_in(sb, clock, "twice")
    signed.sign_out()
    signed.sign_out()  # a second sign-out changes nothing
    assert not signed.is_signed_in
    assert named(events, "twice").count("signOut") == 1
