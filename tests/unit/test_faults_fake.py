"""The client under faults, against the fake at the network edge (issue 13): a throttled Cognito does not
take away credentials that still work, and an unreachable one is not retried by every waiting caller."""

from __future__ import annotations

import datetime
import uuid

import pytest
from botocore.exceptions import EndpointConnectionError

import amplify_nb
from amplify_nb.errors import NetworkError

from .conftest import CLIENT_ID, POOL_ID
from .fake_cognito import error

IDENTITY_POOL = "us-east-1:00000000-0000-4000-8000-000000000000"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.datetime.now(datetime.timezone.utc).timestamp()

    def __call__(self) -> float:
        return self.now


def auth_on(fake, jwks, clock: Clock) -> amplify_nb.Auth:
    config = {"version": "1.3",
              "auth": {"aws_region": "us-east-1", "user_pool_id": POOL_ID, "user_pool_client_id": CLIENT_ID,
                       "identity_pool_id": IDENTITY_POOL, "unauthenticated_identities_enabled": True},
              "custom": {"amplify_nb": {"endpoint_url": jwks.url}}}
    return amplify_nb.Auth(config, name=f"faults-{uuid.uuid4().hex[:8]}", transport=fake, clock=clock)


def aws_credentials(clock: Clock, lifetime: float = 3600) -> dict:
    expiration = datetime.datetime.fromtimestamp(clock.now + lifetime, tz=datetime.timezone.utc)
    return {"IdentityId": "us-east-1:guest-1", "Credentials": {
        "AccessKeyId": f"ASIA{uuid.uuid4().hex[:16].upper()}", "SecretKey": "s", "SessionToken": "t",
        "Expiration": expiration}}


def test_a_throttled_refresh_keeps_credentials_that_still_work(fake, jwks):
    clock = Clock()
    identity = fake.client("cognito-identity")
    identity.script("GetId", {"IdentityId": "us-east-1:guest-1"})
    identity.script("GetCredentialsForIdentity", aws_credentials(clock),
                    error("TooManyRequestsException", "Rate exceeded"), aws_credentials(clock))
    auth = auth_on(fake, jwks, clock)
    first = auth.current_credentials()
    clock.now += 3600 - 800  # in the advisory window: due, and still good for thirteen minutes
    assert auth.current_credentials() is first  # throttled: the working credentials are kept, no error
    assert identity.operations().count("GetCredentialsForIdentity") == 2
    assert auth.current_credentials() is first  # and Cognito is not asked again within the back-off
    assert identity.operations().count("GetCredentialsForIdentity") == 2


def test_expired_tokens_and_an_unreachable_cognito_are_not_retried_by_every_caller(fake, jwks):
    clock = Clock()
    fake.idp.script("InitiateAuth", fake.signed_in("0c8f6a52-ada", lifetime=60))
    auth = auth_on(fake, jwks, clock)
    auth.sign_in("ada@example.com", "Correct-horse-9!", flow="USER_PASSWORD_AUTH")

    def unreachable(_params):
        raise EndpointConnectionError(endpoint_url="https://cognito-idp.us-east-1.amazonaws.com")

    fake.idp.script("InitiateAuth", unreachable, fake.signed_in("0c8f6a52-ada", lifetime=3600))
    clock.now += 70  # the tokens have expired
    with pytest.raises(NetworkError):
        auth.current_session()
    with pytest.raises(NetworkError):
        auth.current_session()  # a moment later: said at once, Cognito not dialled again
    assert fake.idp.operations().count("InitiateAuth") == 2  # the sign-in and one refresh attempt
    clock.now += 11
    assert auth.current_session().expires_at > clock.now  # after the pause, one new attempt, which works
    assert fake.idp.operations().count("InitiateAuth") == 3
