"""Federated sign-in through amplify_nb.Auth against the sandbox: Google, Facebook, Amazon, the
sandbox's OIDC issuer and developer-authenticated identities; refresh handlers; expired tokens; bad
input refused before any call; and the Hub events of it all.

The sandbox mints the providers' tokens (``sb.federated_token``) and judges their expiry on the
MovableClock it shares with Auth. Nothing sleeps.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

import pytest

import amplify_nb
from amplify_nb.config import load_config
from amplify_nb.errors import NotAuthenticatedError, NotAuthorizedError, ValidationError
from amplify_nb.sandbox import Sandbox
from tests.conftest import fails

PROVIDERS = ["google", "facebook", "amazon", "oidc"]


@pytest.fixture
def sb(clock):
    with Sandbox(clock=clock, credentials_ttl=300) as sandbox:
        yield sandbox


def named(events, session: str, *names: str) -> list[dict]:
    return [p for p in events if p.get("session") == session and (not names or p["event"] in names)]


def ops(sb, since: int = 0) -> list[str]:
    return [call.operation for call in sb.calls[since:]]


def new_auth(sb, clock, name: str = "fed", config=None):
    return amplify_nb.Auth(config if config is not None else sb.config, name=name, clock=clock)


def provider_name(sb, provider: str) -> str:
    """What an app passes to federated_sign_in: google/facebook/amazon, or the OIDC issuer's URL."""
    return sb.oidc_issuer if provider == "oidc" else provider


# ---- each provider -----------------------------------------------------------------------------------

@pytest.mark.parametrize("provider", PROVIDERS)
def test_each_provider_signs_in_to_its_own_identity_and_writes_its_private_prefix(sb, clock, events, provider):
    name = provider_name(sb, provider)
    auth = new_auth(sb, clock)
    start = len(sb.calls)
    credentials = auth.federated_sign_in(name, sb.federated_token(name, "alice"), user={"name": "Alice"})
    assert ops(sb, start) == ["GetId", "GetCredentialsForIdentity"]
    assert credentials.authenticated and auth.is_signed_in
    assert auth.federated_user == {"provider": name, "name": "Alice"}
    me = credentials.identity_id
    s3 = auth.boto3_session().client("s3")
    s3.put_object(Bucket=sb.bucket, Key=f"private/{me}/from-{provider}.txt", Body=b"federated")
    s3.put_object(Bucket=sb.bucket, Key=f"public/from-{provider}.txt", Body=b"federated")
    [signed] = named(events, "fed", "signIn")
    assert signed["data"] == {"provider": name, "identity_id": me}

    # The same person with a fresh token, in a new session: the same identity.
    other_session = new_auth(sb, clock, "fed-2")
    assert other_session.federated_sign_in(name, sb.federated_token(name, "alice")).identity_id == me
    assert new_auth(sb, clock, "fed-3").federated_sign_in(name, sb.federated_token(name, "bob")).identity_id != me

    auth.sign_out()
    assert not auth.is_signed_in and auth.federated_user is None
    [out] = named(events, "fed", "signOut")
    assert out["data"] == {"provider": name}
    fails("AccessDenied", s3.put_object, Bucket=sb.bucket, Key=f"private/{me}/after.txt", Body=b"x")
    assert not auth.current_credentials().authenticated


def test_a_developer_authenticated_identity_needs_only_the_credentials_call(sb, clock):
    issued = sb.developer_identity("employee-42")  # what the app's backend got for its user
    auth = new_auth(sb, clock)
    start = len(sb.calls)
    credentials = auth.federated_sign_in("developer", issued["Token"], user={"name": "Employee 42"})
    assert credentials.identity_id == issued["IdentityId"] and credentials.authenticated
    assert ops(sb, start) == ["GetCredentialsForIdentity"]  # the token names the identity: no GetId
    s3 = auth.boto3_session().client("s3")
    s3.put_object(Bucket=sb.bucket, Key=f"private/{issued['IdentityId']}/dev.txt", Body=b"x")
    assert sb.developer_identity("employee-42")["IdentityId"] == issued["IdentityId"]


@pytest.mark.parametrize("provider", ["google", "facebook"])
def test_switching_federated_users_switches_an_existing_client(sb, clock, provider):
    auth = new_auth(sb, clock)
    alice = auth.federated_sign_in(provider, sb.federated_token(provider, "alice")).identity_id
    s3 = auth.boto3_session().client("s3")
    s3.put_object(Bucket=sb.bucket, Key=f"private/{alice}/a.txt", Body=b"alice")
    auth.sign_out()  # and no call in between: the client must still notice that Bob is not Alice
    bob = auth.federated_sign_in(provider, sb.federated_token(provider, "bob")).identity_id
    assert bob != alice
    s3.put_object(Bucket=sb.bucket, Key=f"private/{bob}/b.txt", Body=b"bob")
    fails("AccessDenied", s3.get_object, Bucket=sb.bucket, Key=f"private/{alice}/a.txt")

    carol = auth.federated_sign_in(provider, sb.federated_token(provider, "carol")).identity_id  # no sign-out
    assert carol not in (alice, bob)
    s3.put_object(Bucket=sb.bucket, Key=f"private/{carol}/c.txt", Body=b"carol")
    fails("AccessDenied", s3.get_object, Bucket=sb.bucket, Key=f"private/{bob}/b.txt")


# ---- provider tokens expire --------------------------------------------------------------------------

@pytest.mark.parametrize("provider", ["google", "facebook"])
def test_a_refresh_handler_renews_the_provider_token_before_it_expires(sb, clock, events, provider):
    renewals: list[float] = []

    def renew():
        renewals.append(clock.now)
        # A JWT (Google) carries its expiry; an opaque token (Facebook) comes with it, as a provider's SDK gives it.
        return {"token": sb.federated_token(provider, "alice", expires_in=600), "expires_at": clock.now + 600}

    config = load_config(sb.config).with_changes(refresh_handlers={provider: renew})
    auth = new_auth(sb, clock, config=config)
    first = auth.federated_sign_in(provider, sb.federated_token(provider, "alice", expires_in=120),
                                   expires_at=clock.now + 120)
    clock.advance(70)
    # 50 s left on the provider token, but the credentials (300 s) are not due: nothing to fetch, nothing renewed.
    assert auth.current_credentials() is first and renewals == []

    clock.advance(180)  # the first token is long expired; the credentials are due: renewed now, on demand
    start = len(sb.calls)
    second = auth.current_credentials()
    assert renewals == [clock.now]
    assert ops(sb, start) == ["GetCredentialsForIdentity"]  # the renewed token, and still the same login
    assert second.identity_id == first.identity_id and second.access_key_id != first.access_key_id
    assert [p["event"] for p in named(events, "fed", "credentialsRefresh")] == ["credentialsRefresh"] * 2


def test_an_expired_provider_token_without_a_refresh_handler_is_a_clear_error(sb, clock):
    auth = new_auth(sb, clock)
    token = sb.federated_token("facebook", "alice", expires_in=120)
    auth.federated_sign_in("facebook", token, expires_at=clock.now + 120)
    clock.advance(130)
    # The provider token has expired, but AWS credentials outlive it (issue 13): used while they are good.
    assert auth.current_credentials().authenticated
    clock.advance(150)  # the credentials are due: a new set needs a provider token, and none can be had
    start = len(sb.calls)
    with pytest.raises(NotAuthenticatedError) as excinfo:
        auth.current_credentials()
    message = str(excinfo.value)
    assert "facebook token has expired" in message and "refresh handler" in message
    assert "federated_sign_in" in message and token not in message
    assert ops(sb, start) == []

    fresh = sb.federated_token("facebook", "alice")
    assert auth.federated_sign_in("facebook", fresh).authenticated  # signing in again is the way out


# ---- refused: mixing sign-ins, bad input, tokens Cognito refuses ----------------------------------------

def test_federated_sign_in_while_a_user_pool_user_is_signed_in_is_refused(sb, clock):
    auth = new_auth(sb, clock)
    auth.sign_in(sb.demo_username, sb.demo_password)
    start = len(sb.calls)
    with pytest.raises(ValidationError, match="sign_out"):
        auth.federated_sign_in("google", sb.federated_token("google", "alice"))
    assert ops(sb, start) == [] and auth.federated_user is None
    assert auth.current_authenticated_user().username


def _bad_inputs(clock):
    now = clock.now
    good = "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"
    return [
        ({"provider": None, "token": good}, "provider"),
        ({"provider": "", "token": good}, "provider"),
        ({"provider": "   ", "token": good}, "provider"),
        ({"provider": 42, "token": good}, "provider"),
        ({"provider": "https://", "token": good}, "provider"),
        ({"provider": "not a provider", "token": good}, "provider"),
        ({"provider": "google", "token": None}, "token"),
        ({"provider": "google", "token": ""}, "token"),
        ({"provider": "google", "token": "two words"}, "token"),
        ({"provider": "google", "token": b"bytes"}, "token"),
        ({"provider": "google", "token": "x" * 50_001}, "token"),
        ({"provider": "google", "token": good, "expires_at": "tomorrow"}, "expires_at"),
        ({"provider": "google", "token": good, "expires_at": math.nan}, "expires_at"),
        ({"provider": "google", "token": good, "expires_at": True}, "expires_at"),
        ({"provider": "google", "token": good, "expires_at": now - 1}, "expires_at"),
        ({"provider": "google", "token": good, "user": "alice"}, "user"),
    ]


def test_bad_providers_tokens_and_expiries_are_refused_before_any_call(sb, clock, events):
    auth = new_auth(sb, clock)
    start = len(sb.calls)
    for arguments, field in _bad_inputs(clock):
        with pytest.raises(ValidationError) as excinfo:
            auth.federated_sign_in(**arguments)
        assert excinfo.value.field == field, arguments
        assert auth.federated_user is None and not auth.is_signed_in
    expired = sb.federated_token("google", "alice", expires_in=60)
    clock.advance(61)
    with pytest.raises(ValidationError, match="expired"):  # its own exp claim says so
        auth.federated_sign_in("google", expired)
    assert ops(sb, start) == []
    assert named(events, "fed", "signIn", "credentialsRefresh", "credentialsRefresh_failure") == []


def test_expiry_may_be_given_as_a_datetime_or_in_milliseconds(sb, clock):
    for name, when in (("dt", lambda t: datetime.fromtimestamp(t, tz=timezone.utc)), ("ms", lambda t: t * 1000)):
        auth = new_auth(sb, clock, name)
        auth.federated_sign_in("amazon", sb.federated_token("amazon", name), expires_at=when(clock.now + 3600))
        clock.advance(3000)
        assert auth.current_credentials().authenticated  # not judged expired early by a unit mistake...
        clock.advance(700)
        with pytest.raises(NotAuthenticatedError, match="expired"):  # ...nor trusted past its expiry
            auth.current_credentials()


def test_a_token_cognito_refuses_fails_the_sign_in_with_events_and_leaves_no_session(sb, clock, events):
    auth = new_auth(sb, clock)
    google_token = sb.federated_token("google", "alice")
    with pytest.raises(NotAuthorizedError) as excinfo:
        auth.federated_sign_in(sb.oidc_issuer, google_token)  # a Google token is not the OIDC issuer's
    assert excinfo.value.code == "NotAuthorizedException" and google_token not in str(excinfo.value)
    assert auth.federated_user is None and not auth.is_signed_in
    assert [p["event"] for p in named(events, "fed", "signIn", "credentialsRefresh_failure")] == \
        ["credentialsRefresh_failure"]

    credentials = auth.federated_sign_in("google", google_token)  # right away: no back-off across sign-ins
    assert [p["event"] for p in named(events, "fed", "signIn", "credentialsRefresh", "credentialsRefresh_failure")] \
        == ["credentialsRefresh_failure", "credentialsRefresh", "signIn"]
    refreshed = named(events, "fed", "credentialsRefresh")[0]["data"]
    assert refreshed == {"identity_id": credentials.identity_id, "authenticated": True,
                         "expiration": credentials.expiration}


def test_the_sandbox_keeps_one_user_per_provider_on_an_identity(sb):
    """Cognito Identity refuses a second Facebook user's login on an identity that has one (it would
    otherwise hand Bob Alice's identity, as a stale identity-id cache would ask it to)."""
    from tests.integration.sandbox_aws import identity_client

    ci = identity_client(sb)
    alice = {"graph.facebook.com": sb.federated_token("facebook", "alice")}
    alice_id = ci.get_id(IdentityPoolId=sb.identity_pool_id, Logins=alice)["IdentityId"]
    bob = {"graph.facebook.com": sb.federated_token("facebook", "bob")}
    error = fails("NotAuthorizedException", ci.get_credentials_for_identity, IdentityId=alice_id, Logins=bob)
    assert "Logins don't match" in error.response["Error"]["Message"]
    assert ci.get_id(IdentityPoolId=sb.identity_pool_id, Logins=bob)["IdentityId"] != alice_id
    # A guest identity still takes its first login: Amplify's guest-to-signed-in upgrade.
    guest_id = ci.get_id(IdentityPoolId=sb.identity_pool_id)["IdentityId"]
    carol = {"graph.facebook.com": sb.federated_token("facebook", "carol")}
    assert ci.get_credentials_for_identity(IdentityId=guest_id, Logins=carol)["IdentityId"] == guest_id
