"""Identity-pool credentials through amplify_nb.Auth against the sandbox: S3 access levels with
boto3_session(), round trips, reuse and refresh, a client that follows sign-in and sign-out, mandatory
sign-in, a missing identity pool, an unreachable (then restarted) sandbox and a revoked refresh token.

The sandbox and Auth share one MovableClock; credentials live TTL seconds, so they are due TTL / 4
before expiry. Nothing sleeps. Federated sign-in is in test_credentials_federated.py.
"""

from __future__ import annotations

import csv
import io

import pytest

import amplify_nb
from amplify_nb import FileStorage
from amplify_nb.config import load_config
from amplify_nb.errors import ConfigurationError, NetworkError, NotAuthenticatedError, NotAuthorizedError
from amplify_nb.sandbox import Sandbox
from tests.conftest import cognito_client, fails, stored_session
from tests.integration.sandbox_aws import client, keys

TTL = 120.0  # credentials lifetime in these sandboxes: due 30 s before expiry
OTHER, OTHER_PASSWORD = "other@example.com", "Other-Secret-42"
IDENTITY_OPS = {"GetId", "GetCredentialsForIdentity"}


@pytest.fixture
def sb(clock):
    with Sandbox(clock=clock, credentials_ttl=TTL) as sandbox:
        yield sandbox


def named(events, session: str, *names: str) -> list[dict]:
    return [p for p in events if p.get("session") == session and (not names or p["event"] in names)]


def ops(sb, since: int = 0) -> list[str]:
    """The Cognito and Cognito Identity operations the sandbox answered since call number `since`."""
    return [call.operation for call in sb.calls[since:]]


def new_auth(sb, clock, name: str = "creds", config=None, storage=None):
    return amplify_nb.Auth(config if config is not None else sb.config, name=name, storage=storage, clock=clock)


def signed_in(sb, clock, name: str = "creds", username=None, password=None, storage=None):
    auth = new_auth(sb, clock, name, storage=storage)
    assert auth.sign_in(username or sb.demo_username, password or sb.demo_password).is_signed_in
    return auth


def read_sample(s3, sb) -> list[dict]:
    body = s3.get_object(Bucket=sb.bucket, Key="public/sample.csv")["Body"].read().decode()
    return list(csv.DictReader(io.StringIO(body)))


# ---- S3 access levels through boto3_session() --------------------------------------------------------

def test_a_signed_in_user_writes_own_private_and_public_but_not_anothers_private(sb, clock):
    sb.create_user(OTHER, OTHER_PASSWORD, {"email": OTHER})
    other_id = signed_in(sb, clock, "other", OTHER, OTHER_PASSWORD).current_credentials().identity_id
    auth = signed_in(sb, clock)
    me = auth.current_credentials().identity_id
    assert me != other_id and auth.current_credentials().authenticated

    s3 = auth.boto3_session().client("s3")
    s3.put_object(Bucket=sb.bucket, Key=f"private/{me}/notes.txt", Body=b"mine")
    s3.put_object(Bucket=sb.bucket, Key="public/shared.txt", Body=b"everyone")
    assert s3.get_object(Bucket=sb.bucket, Key=f"private/{me}/notes.txt")["Body"].read() == b"mine"
    assert s3.get_object(Bucket=sb.bucket, Key="public/shared.txt")["Body"].read() == b"everyone"
    fails("AccessDenied", s3.put_object, Bucket=sb.bucket, Key=f"private/{other_id}/planted.txt", Body=b"x")
    admin = client(sb, "s3", **sb.admin_credentials)
    assert admin.list_objects_v2(Bucket=sb.bucket, Prefix=f"private/{other_id}/")["KeyCount"] == 0
    assert auth.boto3_session().client("s3") is s3  # one client per (service, region), reused


def test_a_guest_reads_the_public_sample_and_is_refused_writes(sb, clock):
    auth = new_auth(sb, clock)
    s3 = auth.boto3_session().client("s3")
    rows = read_sample(s3, sb)
    assert len(rows) == 10 and set(rows[0]) == {"city", "country", "population"}
    guest = auth.current_credentials()
    assert not guest.authenticated and not auth.is_signed_in
    fails("AccessDenied", s3.put_object, Bucket=sb.bucket, Key="public/graffiti.txt", Body=b"x")
    fails("AccessDenied", s3.put_object, Bucket=sb.bucket, Key=f"private/{guest.identity_id}/x.txt", Body=b"x")


# ---- round trips, reuse and refresh ----------------------------------------------------------------

def test_sign_in_plus_credentials_is_four_round_trips_then_three_with_the_identity_id_cached(sb, clock, tmp_path):
    start = len(sb.calls)
    first = signed_in(sb, clock, "trips", storage=FileStorage(tmp_path, "trips"))
    identity_id = first.current_credentials().identity_id
    assert ops(sb, start) == ["InitiateAuth", "RespondToAuthChallenge", "GetId", "GetCredentialsForIdentity"]
    assert identity_id in str(stored_session(first.session_state.storage))  # cached in the session's storage

    # A new Auth (a new kernel, a credential_process call) over the same storage resumes the session and
    # its credentials, still good: no call at all.
    start = len(sb.calls)
    resumed = new_auth(sb, clock, "trips", storage=FileStorage(tmp_path, "trips"))
    kept = resumed.current_credentials()
    assert kept.identity_id == identity_id and kept.access_key_id == first.current_credentials().access_key_id
    assert ops(sb, start) == []
    # Once due, they are fetched anew (and kept again).
    clock.advance(kept.expiration - clock() - 1)
    start = len(sb.calls)
    fresh = new_auth(sb, clock, "trips", storage=FileStorage(tmp_path, "trips")).current_credentials()
    assert fresh.access_key_id != kept.access_key_id and "GetCredentialsForIdentity" in ops(sb, start)

    # Signed out there (no AWS keys left in the file), then signed in by another new Auth: the identity id
    # is known, GetId is skipped.
    resumed.sign_out()
    assert fresh.secret_access_key not in (tmp_path / "trips.json").read_text()
    start = len(sb.calls)
    again = signed_in(sb, clock, "trips", storage=FileStorage(tmp_path, "trips"))
    assert again.current_credentials().identity_id == identity_id
    assert ops(sb, start) == ["InitiateAuth", "RespondToAuthChallenge", "GetCredentialsForIdentity"]

    # Signing out and in again in the same session.
    again.sign_out()
    start = len(sb.calls)
    again.sign_in(sb.demo_username, sb.demo_password)
    assert again.current_credentials().identity_id == identity_id
    assert ops(sb, start) == ["InitiateAuth", "RespondToAuthChallenge", "GetCredentialsForIdentity"]


def test_credentials_are_reused_until_due_and_refreshed_before_expiry_with_a_stable_identity(sb, clock, events):
    auth = signed_in(sb, clock)
    first = auth.current_credentials()
    start = len(sb.calls)
    for _ in range(3):
        clock.advance((TTL * 3 / 4 - 1) / 3)
        assert auth.current_credentials() is first
    assert ops(sb, start) == []  # reused: no call at all until due

    clock.advance(2)  # now within the last quarter of the lifetime, before expiry
    second = auth.current_credentials()
    assert clock.now < first.expiration
    assert second.access_key_id != first.access_key_id and second.expiration > first.expiration
    assert second.identity_id == first.identity_id
    assert ops(sb, start) == ["GetCredentialsForIdentity"]

    # An hour and more of refreshes: the ID token is refreshed on the way; the identity never changes.
    start, refreshes, identities = len(sb.calls), 0, set()
    while clock.now < first.issued_at + 4000:
        clock.advance(TTL * 3 / 4 + 1)
        identities.add(auth.current_credentials().identity_id)
        refreshes += 1
    assert identities == {first.identity_id}
    assert ops(sb, start).count("GetCredentialsForIdentity") == refreshes
    assert "GetId" not in ops(sb, start) and "InitiateAuth" in ops(sb, start)  # a REFRESH_TOKEN_AUTH
    refreshed = named(events, "creds", "credentialsRefresh")
    assert len(refreshed) == refreshes + 2
    assert refreshed[-1]["data"]["identity_id"] == first.identity_id and refreshed[-1]["data"]["authenticated"]


def test_a_boto3_client_keeps_working_across_expiries_without_refreshing_in_between(sb, clock):
    auth = signed_in(sb, clock)
    s3 = auth.boto3_session().client("s3")
    me = auth.current_credentials().identity_id
    s3.put_object(Bucket=sb.bucket, Key=f"private/{me}/loop.txt", Body=b"x")
    first = auth.current_credentials()
    for _ in range(5):
        clock.advance(TTL - 10)  # past the refresh windows: the credentials the client holds are nearly gone
        start = len(sb.calls)
        for _ in range(10):
            assert s3.get_object(Bucket=sb.bucket, Key=f"private/{me}/loop.txt")["Body"].read() == b"x"
        assert ops(sb, start) == ["GetCredentialsForIdentity"]  # one refresh, then steady state
    # The sandbox does refuse expired keys: without the refresh the loop would have failed.
    fails("ExpiredToken", client(sb, "s3", **keys({"AccessKeyId": first.access_key_id,
                                                   "SecretKey": first.secret_access_key,
                                                   "SessionToken": first.session_token})).get_object,
          Bucket=sb.bucket, Key="public/sample.csv")


def test_a_client_made_while_guest_follows_sign_in_and_sign_out(sb, clock):
    auth = new_auth(sb, clock)
    s3 = auth.boto3_session().client("s3")
    assert len(read_sample(s3, sb)) == 10
    guest_id = auth.current_credentials().identity_id

    auth.sign_in(sb.demo_username, sb.demo_password)
    me = auth.current_credentials().identity_id
    assert me != guest_id
    s3.put_object(Bucket=sb.bucket, Key=f"private/{me}/after-sign-in.txt", Body=b"user")  # the same client

    auth.sign_out()
    fails("AccessDenied", s3.put_object, Bucket=sb.bucket, Key=f"private/{me}/after-sign-out.txt", Body=b"x")
    assert len(read_sample(s3, sb)) == 10
    assert auth.current_credentials().identity_id == guest_id and not auth.current_credentials().authenticated


# ---- configuration: mandatory sign-in, no identity pool ------------------------------------------------

def test_mandatory_sign_in_refuses_credentials_to_no_one(sb, clock):
    config = load_config(sb.config).with_changes(allow_guest_access=False)
    auth = new_auth(sb, clock, config=config)
    s3 = auth.boto3_session().client("s3")
    start = len(sb.calls)
    for call in (auth.current_credentials, auth.essential_credentials,
                 lambda: s3.get_object(Bucket=sb.bucket, Key="public/sample.csv")):
        with pytest.raises(NotAuthenticatedError, match="sign in"):
            call()
    assert ops(sb, start) == []  # refused here, not by Cognito

    auth.sign_in(sb.demo_username, sb.demo_password)
    assert auth.current_credentials().authenticated and len(read_sample(s3, sb)) == 10
    auth.sign_out()
    with pytest.raises(NotAuthenticatedError):
        auth.current_credentials()


def test_a_pool_without_guests_refuses_them_with_a_typed_error_and_an_event(make_sandbox, clock, events):
    sb, _ = make_sandbox(clock=clock, allow_guest=False)
    config = load_config(sb.config).with_changes(allow_guest_access=True)  # the app thinks guests are fine
    auth = new_auth(sb, clock, "no-guests", config=config)
    with pytest.raises(NotAuthorizedError) as excinfo:
        auth.current_credentials()
    assert excinfo.value.code == "NotAuthorizedException" and excinfo.value.operation == "GetId"
    [failure] = named(events, "no-guests", "credentialsRefresh_failure")
    assert failure["data"]["identity_pool_id"] == sb.identity_pool_id and failure["message"]


def test_no_identity_pool_is_a_configuration_error_naming_it(make_sandbox, clock):
    sb, _ = make_sandbox(clock=clock, identity_pool=False)
    assert "identity_pool_id" not in sb.config["auth"]
    auth = new_auth(sb, clock, "no-pool")
    auth.sign_in(sb.demo_username, sb.demo_password)
    start = len(sb.calls)
    for call in (auth.current_credentials, lambda: auth.boto3_session().client("sts").get_caller_identity()):
        with pytest.raises(ConfigurationError, match="identity_pool_id") as excinfo:
            call()
        assert excinfo.value.key == "identity_pool_id"
    assert not IDENTITY_OPS & set(ops(sb, start))
    assert auth.is_signed_in  # the user-pool session is untouched


# ---- what the caller sees of the credentials ---------------------------------------------------------

def test_essential_credentials_and_a_repr_that_hides_the_secrets(sb, clock, tmp_path):
    storage = FileStorage(tmp_path, "creds")
    auth = signed_in(sb, clock, storage=storage)
    credentials = auth.current_credentials()
    essential = auth.essential_credentials()
    assert essential == {"access_key_id": credentials.access_key_id,
                         "secret_access_key": credentials.secret_access_key,
                         "session_token": credentials.session_token, "identity_id": credentials.identity_id,
                         "authenticated": True, "expiration": credentials.expiration}
    assert credentials.expiration == pytest.approx(clock.now + TTL)
    shown = " ".join((repr(credentials), str(credentials), repr([credentials]), f"{credentials}"))
    assert credentials.identity_id in shown
    for secret in (credentials.secret_access_key, credentials.session_token, credentials.access_key_id):
        assert secret not in shown
    # Kept at rest only as botocore keeps assumed-role credentials (~/.aws/cli/cache): in the session's
    # 0600 file beside the refresh token that can mint them anyway, and removed at sign-out.
    assert credentials.secret_access_key in storage.path.read_text()
    assert storage.path.stat().st_mode & 0o777 == 0o600
    auth.sign_out()
    on_disk = storage.path.read_text()
    assert credentials.secret_access_key not in on_disk and credentials.session_token not in on_disk


# ---- faults: the sandbox stopped and restarted, a refresh token revoked elsewhere ------------------------

def test_a_stopped_sandbox_is_a_clear_network_error_and_the_restarted_one_works(sb, clock, events):
    auth = signed_in(sb, clock)
    s3 = auth.boto3_session().client("s3")
    me = auth.current_credentials().identity_id
    s3.put_object(Bucket=sb.bucket, Key=f"private/{me}/before.txt", Body=b"kept")
    url = sb.endpoint_url
    sb.stop()
    clock.advance(TTL - 10)  # due: a refresh is needed and cannot happen
    with pytest.raises(NetworkError, match="Cannot reach Cognito Identity") as excinfo:
        auth.current_credentials()
    assert url in str(excinfo.value)
    with pytest.raises(NetworkError) as again:  # within the back-off: the same error, no new attempt
        auth.current_credentials()
    assert again.value is excinfo.value
    assert len(named(events, "creds", "credentialsRefresh_failure")) == 1
    assert auth.is_signed_in

    sb.start()  # back on the same port, with the same users, identities and bucket
    assert sb.endpoint_url == url
    clock.advance(1)  # past the first back-off window
    fresh = auth.current_credentials()
    assert fresh.identity_id == me and fresh.expiration > clock.now
    assert s3.get_object(Bucket=sb.bucket, Key=f"private/{me}/before.txt")["Body"].read() == b"kept"
    assert auth.current_authenticated_user().username


def test_a_restarted_sandbox_keeps_its_port_and_state(clock):
    sb = Sandbox(clock=clock, moto=False).start()
    try:
        cognito = cognito_client(sb)
        cognito.sign_up(ClientId=sb.client.client_id, Username=OTHER, Password=OTHER_PASSWORD,
                        UserAttributes=[{"Name": "email", "Value": OTHER}])
        port = sb.port
        sb.stop()
        sb.stop()  # idempotent
        sb.start()
        assert sb.port == port
        fails("UsernameExistsException", cognito.sign_up, ClientId=sb.client.client_id, Username=OTHER,
              Password=OTHER_PASSWORD, UserAttributes=[{"Name": "email", "Value": OTHER}])
    finally:
        sb.stop()


def test_a_refresh_token_revoked_elsewhere_signs_the_session_out_when_credentials_need_it(clock, events):
    with Sandbox(clock=clock, id_token_ttl=600, access_token_ttl=600, credentials_ttl=600) as sb:
        auth = signed_in(sb, clock, "revoked")
        user = auth.current_credentials()
        cognito_client(sb).global_sign_out(AccessToken=auth.current_session().access_token)  # another device
        clock.advance(300)
        start = len(sb.calls)
        assert auth.current_credentials() is user and ops(sb, start) == []  # nothing due: nothing asks Cognito

        clock.advance(160)  # credentials due and tokens due (150 s margin), still valid: refresh, refused
        with pytest.raises(NotAuthenticatedError, match="sign in again"):
            auth.current_credentials()
        assert ops(sb, start) == ["InitiateAuth"]  # the refused REFRESH_TOKEN_AUTH; no identity call with it
        assert not auth.is_signed_in
        failure, out = named(events, "revoked", "tokenRefresh_failure", "signOut")
        assert (failure["event"], out["event"]) == ("tokenRefresh_failure", "signOut")
        assert out["data"]["reason"] == "refresh token refused"
        guest = auth.current_credentials()  # the session is a guest's now
        assert not guest.authenticated and guest.identity_id != user.identity_id
