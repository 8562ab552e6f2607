"""Credentials under load: many threads at expiry share one refresh, a dead endpoint is asked once per
back-off window, steady-state calls never refresh whatever the lifetime (where botocore's own
RefreshableCredentials refreshes short-lived credentials on every call), and a soak across forced
expiries has no failures. The clock is shared by the sandbox and the session, and moved, never slept on."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import boto3
import botocore.session
import pytest
from botocore.credentials import CredentialProvider, RefreshableCredentials

import amplify_nb
from amplify_nb.credentials import botocore_provider
from amplify_nb.errors import NetworkError
from amplify_nb.sandbox import Sandbox
from tests.integration.sandbox_aws import guest, identity_client

THREADS = 32
SAMPLE = "public/sample.csv"


@pytest.fixture
def make(clock):
    """(sandbox, signed-in Auth) on the shared movable clock, credentials living `ttl` seconds."""
    started: list[Sandbox] = []

    def make(ttl: float = 900.0) -> tuple[Sandbox, amplify_nb.Auth]:
        sb = Sandbox(clock=clock, credentials_ttl=ttl).start()
        started.append(sb)
        auth = amplify_nb.Auth(sb.config, name="load", clock=clock)
        auth.sign_in(sb.demo_username, sb.demo_password)
        return sb, auth

    yield make
    for sb in started:
        sb.stop()


@pytest.fixture
def botocore_refreshes(monkeypatch):
    """Counts the refreshes botocore (and aiobotocore) ask of amplify_nb's credential provider."""
    count = [0]
    original = botocore_provider._metadata

    def counted(manager):
        count[0] += 1
        return original(manager)

    monkeypatch.setattr(botocore_provider, "_metadata", counted)
    return count


def cognito_refreshes(sb: Sandbox) -> int:
    """GetCredentialsForIdentity calls the sandbox answered (successfully or not)."""
    return sum(c.operation == "GetCredentialsForIdentity" for c in sb.calls)


def together(fn, threads: int = THREADS) -> list:
    """Run fn in `threads` threads released at the same instant; each result, or the exception raised."""
    barrier = threading.Barrier(threads)

    def run(_):
        barrier.wait()
        try:
            return fn()
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(run, range(threads)))


# ---- at expiry: one refresh however many threads ----------------------------------------------
def test_32_threads_asking_for_credentials_at_expiry_cause_one_refresh(make, clock):
    sb, auth = make()
    first = auth.current_credentials()
    clock.now = first.expiration
    sb_before, manager_before = cognito_refreshes(sb), auth.credentials_manager.calls

    results = together(auth.current_credentials)

    assert cognito_refreshes(sb) - sb_before == 1
    assert auth.credentials_manager.calls - manager_before == 1
    assert {type(r) for r in results} == {type(first)}
    assert len({(r.access_key_id, r.session_token) for r in results}) == 1
    assert results[0].access_key_id != first.access_key_id and results[0].expiration > clock()


def test_32_threads_on_one_s3_client_at_expiry_cause_one_refresh(make, clock, botocore_refreshes):
    sb, auth = make()
    s3 = auth.boto3_session().client("s3")
    assert auth.boto3_session().client("s3") is s3  # one client per (service, region), reused
    body = s3.get_object(Bucket=sb.bucket, Key=SAMPLE)["Body"].read()
    clock.now = auth.current_credentials().expiration
    counts = cognito_refreshes(sb), auth.credentials_manager.calls, botocore_refreshes[0]

    results = together(lambda: s3.get_object(Bucket=sb.bucket, Key=SAMPLE)["Body"].read())

    assert results == [body] * THREADS
    assert cognito_refreshes(sb) - counts[0] == 1
    assert auth.credentials_manager.calls - counts[1] == 1
    assert botocore_refreshes[0] - counts[2] == 1
    frozen = auth.boto3_session().get_credentials().get_frozen_credentials()
    assert frozen.access_key == auth.current_credentials().access_key_id


# ---- a failing endpoint: one call per back-off window, one error for everyone --------------------
def test_a_dead_endpoint_is_called_once_per_backoff_window_and_every_thread_gets_the_same_error(make, clock):
    sb, auth = make()
    manager = auth.credentials_manager
    clock.now = auth.current_credentials().expiration
    sb.stop()
    before = manager.calls

    errors = together(auth.current_credentials)
    assert manager.calls - before == 1
    assert all(isinstance(e, NetworkError) for e in errors), errors
    assert len({str(e) for e in errors}) == 1 and sb.endpoint_url in str(errors[0])

    clock.advance(0.5)  # inside the 1 s window: the remembered error, no call
    assert {type(e) for e in together(auth.current_credentials)} == {NetworkError}
    assert manager.calls - before == 1

    clock.advance(0.6)  # the window has passed: exactly one more attempt, which fails too
    errors = together(auth.current_credentials)
    assert manager.calls - before == 2 and {type(e) for e in errors} == {NetworkError}

    sb.start()  # back, but the next window (doubled to 2 s) still holds the error
    clock.advance(1.0)
    assert {type(e) for e in together(auth.current_credentials)} == {NetworkError}
    assert manager.calls - before == 2
    sb_before = cognito_refreshes(sb)
    clock.advance(1.1)
    results = together(auth.current_credentials)
    assert manager.calls - before == 3 and cognito_refreshes(sb) - sb_before == 1
    assert len({r.access_key_id for r in results}) == 1 and results[0].expiration > clock()


def test_credentials_still_valid_outlive_a_dead_endpoint_until_they_must_be_replaced(make, clock):
    """As botocore does: a failed refresh in the advisory window keeps the current credentials; only
    in the mandatory window (a sixth of the lifetime, as the advisory window is a quarter) is it an error."""
    sb, auth = make(ttl=900.0)
    manager = auth.credentials_manager
    current = auth.current_credentials()
    clock.now = current.expiration - 200  # due (advisory window: 225 s), still usable
    sb.stop()
    before = manager.calls

    results = together(auth.current_credentials)
    assert results == [current] * THREADS and manager.calls - before == 1
    assert auth.essential_credentials()["access_key_id"] == current.access_key_id  # no call in the window
    assert manager.calls - before == 1

    clock.now = current.expiration - 100  # mandatory window, and past the back-off: one call, one error
    errors = together(auth.current_credentials)
    assert {type(e) for e in errors} == {NetworkError} and manager.calls - before == 2


# ---- steady state: no refresh while the credentials are not due -----------------------------------
@pytest.mark.parametrize("lifetime", [90.0, 900.0, 3600.0])
def test_steady_state_calls_never_refresh_whatever_the_lifetime(make, clock, botocore_refreshes, lifetime):
    sb, auth = make(ttl=lifetime)
    s3 = auth.boto3_session().client("s3")
    s3.head_object(Bucket=sb.bucket, Key=SAMPLE)  # the first call fetches (deferred until now)
    issued = clock()
    counts = cognito_refreshes(sb), auth.credentials_manager.calls, botocore_refreshes[0]

    calls = 150
    for i in range(calls):  # spread over 70% of the lifetime: not yet in the refresh window
        clock.now = issued + lifetime * 0.7 * i / calls
        s3.head_object(Bucket=sb.bucket, Key=SAMPLE)
        auth.current_credentials()
    assert (cognito_refreshes(sb), auth.credentials_manager.calls, botocore_refreshes[0]) == counts

    clock.now = issued + lifetime * 0.8  # inside the window (a quarter of the lifetime): one refresh
    for _ in range(10):
        s3.head_object(Bucket=sb.bucket, Key=SAMPLE)
    assert cognito_refreshes(sb) - counts[0] == 1 and botocore_refreshes[0] - counts[2] == 1


def test_plain_botocore_refreshable_credentials_refresh_90_second_credentials_on_every_call(make, clock,
                                                                                          botocore_refreshes):
    sb, auth = make(ttl=90.0)
    identity_id, _ = guest(sb)
    minted = [0]

    def mint() -> dict:
        minted[0] += 1
        answer = identity_client(sb).get_credentials_for_identity(IdentityId=identity_id)["Credentials"]
        return {"access_key": answer["AccessKeyId"], "secret_key": answer["SecretKey"],
                "token": answer["SessionToken"], "expiry_time": answer["Expiration"].isoformat()}

    def now() -> datetime:
        return datetime.fromtimestamp(clock(), tz=timezone.utc)

    class Plain(CredentialProvider):
        METHOD = CANONICAL_NAME = "plain"

        def load(self):
            first = mint()
            return RefreshableCredentials(first["access_key"], first["secret_key"], first["token"],
                                          datetime.fromisoformat(first["expiry_time"]), mint, "plain",
                                          time_fetcher=now)

    core = botocore.session.Session()
    core.get_component("credential_provider").insert_before("env", Plain())
    plain = boto3.Session(botocore_session=core, region_name=sb.region).client("s3", endpoint_url=sb.endpoint_url)
    ours = auth.boto3_session().client("s3")
    plain.head_object(Bucket=sb.bucket, Key=SAMPLE)
    ours.head_object(Bucket=sb.bucket, Key=SAMPLE)
    minted_before, ours_before, sb_before = minted[0], botocore_refreshes[0], cognito_refreshes(sb)

    for _ in range(20):  # same credentials lifetime, same clock, same calls
        plain.head_object(Bucket=sb.bucket, Key=SAMPLE)
        ours.head_object(Bucket=sb.bucket, Key=SAMPLE)

    assert minted[0] - minted_before == 20  # 90 s < botocore's fixed 10-minute mandatory window
    assert botocore_refreshes[0] - ours_before == 0  # window scaled to the lifetime
    assert cognito_refreshes(sb) - sb_before == 20


# ---- soak -----------------------------------------------------------------------------------------
def test_soak_1000_get_object_calls_across_forced_expiries_without_a_failure(make, clock):
    ttl, batches, per_batch = 60.0, 8, 125
    sb, auth = make(ttl=ttl)
    s3 = auth.boto3_session().client("s3")
    expected = s3.get_object(Bucket=sb.bucket, Key=SAMPLE)["Body"].read()
    access_keys, failures, done = {auth.current_credentials().access_key_id}, [], 0
    before = auth.credentials_manager.calls

    def get(_):
        try:
            return s3.get_object(Bucket=sb.bucket, Key=SAMPLE)["Body"].read() == expected
        except Exception as exc:
            failures.append(exc)
            return False

    with ThreadPoolExecutor(4) as pool:
        for _ in range(batches):
            clock.advance(ttl + 1)  # every credential minted so far is now expired in the sandbox
            done += sum(pool.map(get, range(per_batch)))
            access_keys.add(auth.current_credentials().access_key_id)

    assert failures == [] and done == batches * per_batch == 1000
    assert auth.credentials_manager.calls - before == batches >= 5  # one refresh per forced expiry
    assert len(access_keys) == batches + 1
