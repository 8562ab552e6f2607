"""Signing in to the sandbox with real clients: it succeeds where Cognito succeeds and fails where Cognito fails.

pycognito's AWSSRP is the standard SRP client here; boto3 speaks the Cognito JSON protocol to the sandbox.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

WRONG_PASSWORD = "Wrong-Passw0rd!"


def srp(sb, cognito, username, password, client=None):
    client = client or sb.client
    return AWSSRP(username, password, sb.pool.pool_id, client.client_id, client=cognito, client_secret=client.secret)


def secret_hash(client, username: str) -> str:
    digest = hmac.new(client.secret.encode(), (username + client.client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def password_auth(cognito, client, username, password, **extra):
    return cognito.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=client.client_id,
                                 AuthParameters={"USERNAME": username, "PASSWORD": password, **extra})


def error_of(excinfo) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def answer_verifier(sb, cognito, aws: AWSSRP, timestamp: str | None = None):
    """One InitiateAuth plus the PASSWORD_VERIFIER answer pycognito computes (optionally at a given TIMESTAMP)."""
    if timestamp is not None:
        aws.get_cognito_formatted_timestamp = lambda _now: timestamp
    params = aws.get_auth_params()
    challenge = cognito.initiate_auth(AuthFlow="USER_SRP_AUTH", ClientId=aws.client_id, AuthParameters=params)
    return challenge, aws.process_challenge(challenge["ChallengeParameters"], params)


def respond(cognito, client, answers):
    return cognito.respond_to_auth_challenge(ClientId=client.client_id, ChallengeName="PASSWORD_VERIFIER",
                                             ChallengeResponses=answers)


# ---- USER_SRP_AUTH ---------------------------------------------------------------------------------

def test_demo_user_signs_in_with_srp_in_two_round_trips(sandbox, cognito):
    before = len(sandbox.calls)
    tokens = srp(sandbox, cognito, sandbox.demo_username, sandbox.demo_password).authenticate_user()
    trace = [(c.operation, c.outcome, c.challenge) for c in sandbox.calls[before:]]
    assert trace == [("InitiateAuth", "ok", "PASSWORD_VERIFIER"), ("RespondToAuthChallenge", "ok", None)]
    result = tokens["AuthenticationResult"]
    assert {"AccessToken", "IdToken", "RefreshToken"} <= result.keys()
    internal = sandbox.user(sandbox.demo_username).username
    assert cognito.get_user(AccessToken=result["AccessToken"])["Username"] == internal


def test_srp_with_a_wrong_password_is_refused(sandbox, cognito):
    with pytest.raises(ClientError) as excinfo:
        srp(sandbox, cognito, sandbox.demo_username, WRONG_PASSWORD).authenticate_user()
    assert error_of(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")


def test_user_id_for_srp_is_the_internal_uuid_equal_to_sub(sandbox, cognito):
    aws = srp(sandbox, cognito, sandbox.demo_username, sandbox.demo_password)
    challenge, answers = answer_verifier(sandbox, cognito, aws)
    params = challenge["ChallengeParameters"]
    user = sandbox.user(sandbox.demo_username)
    assert params["USER_ID_FOR_SRP"] == params["USERNAME"] == user.username != sandbox.demo_username
    assert str(uuid.UUID(params["USER_ID_FOR_SRP"])) == params["USER_ID_FOR_SRP"]
    assert user.username == user.sub  # an e-mail-as-username pool names its users by their sub
    assert "AuthenticationResult" in respond(cognito, sandbox.client, answers)


@pytest.mark.parametrize("timestamp", [
    "Mon Nov 03 10:00:00 UTC 2025",  # zero-padded day (Python's %d), as early SRP clients sent
    "Tue Nov 3 10:00:00 UTC 2025",  # the wrong weekday for that date
])
def test_srp_signed_over_a_non_canonical_timestamp_is_refused(sandbox, cognito, timestamp):
    aws = srp(sandbox, cognito, sandbox.demo_username, sandbox.demo_password)
    _, answers = answer_verifier(sandbox, cognito, aws, timestamp=timestamp)
    with pytest.raises(ClientError) as excinfo:
        respond(cognito, sandbox.client, answers)
    assert error_of(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")


def test_srp_signed_over_the_canonical_timestamp_signs_in(sandbox, cognito):
    aws = srp(sandbox, cognito, sandbox.demo_username, sandbox.demo_password)
    _, answers = answer_verifier(sandbox, cognito, aws, timestamp="Mon Nov 3 10:00:00 UTC 2025")
    assert "AuthenticationResult" in respond(cognito, sandbox.client, answers)


def test_srp_timestamp_in_another_format_is_an_invalid_parameter(sandbox, cognito):
    aws = srp(sandbox, cognito, sandbox.demo_username, sandbox.demo_password)
    _, answers = answer_verifier(sandbox, cognito, aws, timestamp="2025-11-03T10:00:00Z")
    with pytest.raises(ClientError) as excinfo:
        respond(cognito, sandbox.client, answers)
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_password_verifier_answered_twice_is_refused(sandbox, cognito):
    aws = srp(sandbox, cognito, sandbox.demo_username, sandbox.demo_password)
    _, answers = answer_verifier(sandbox, cognito, aws)
    assert "AuthenticationResult" in respond(cognito, sandbox.client, answers)
    with pytest.raises(ClientError) as excinfo:
        respond(cognito, sandbox.client, answers)
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_unknown_user_gets_a_decoy_challenge_then_a_generic_refusal(sandbox, cognito):
    aws = srp(sandbox, cognito, "nobody@example.com", sandbox.demo_password)
    challenge, answers = answer_verifier(sandbox, cognito, aws)
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    assert {"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP"} <= challenge["ChallengeParameters"].keys()
    with pytest.raises(ClientError) as excinfo:
        respond(cognito, sandbox.client, answers)
    assert error_of(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")


def test_decoy_is_stable_so_repeated_probes_cannot_tell_unknown_from_known(sandbox, cognito):
    def probe(name):
        params = srp(sandbox, cognito, name, "whatever").get_auth_params()
        answer = cognito.initiate_auth(AuthFlow="USER_SRP_AUTH", ClientId=sandbox.client.client_id,
                                       AuthParameters=params)["ChallengeParameters"]
        return answer["USER_ID_FOR_SRP"], answer["SALT"]

    assert probe("nobody@example.com") == probe("nobody@example.com") == probe("NOBODY@example.com")
    assert probe(sandbox.demo_username) == probe(sandbox.demo_username)
    assert probe("nobody@example.com") != probe("someone-else@example.com")


def test_unknown_user_without_prevent_user_existence_errors_is_not_found(make_sandbox):
    sb, cognito = make_sandbox(prevent_user_existence_errors=False)
    with pytest.raises(ClientError) as excinfo:
        srp(sb, cognito, "nobody@example.com", sb.demo_password).authenticate_user()
    assert error_of(excinfo)[0] == "UserNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        password_auth(cognito, sb.client, "nobody@example.com", sb.demo_password)
    assert error_of(excinfo)[0] == "UserNotFoundException"
    # refused at the first step: no challenge is handed out
    assert [(c.operation, c.outcome) for c in sb.calls[-2:]] == [("InitiateAuth", "UserNotFoundException")] * 2


# ---- USER_PASSWORD_AUTH and the client's allowed flows ----------------------------------------------

def test_user_password_auth_signs_in_and_refuses_a_wrong_password(sandbox, cognito):
    result = password_auth(cognito, sandbox.client, sandbox.demo_username, sandbox.demo_password)
    assert {"AccessToken", "IdToken", "RefreshToken"} <= result["AuthenticationResult"].keys()
    with pytest.raises(ClientError) as excinfo:
        password_auth(cognito, sandbox.client, sandbox.demo_username, WRONG_PASSWORD)
    assert error_of(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")


def test_client_refuses_each_flow_it_does_not_allow(sandbox, cognito):
    srp_only = sandbox.add_client(explicit_auth_flows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    with pytest.raises(ClientError) as excinfo:
        password_auth(cognito, srp_only, sandbox.demo_username, sandbox.demo_password)
    assert error_of(excinfo)[0] == "InvalidParameterException"

    password_only = sandbox.add_client(explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    with pytest.raises(ClientError) as excinfo:
        srp(sandbox, cognito, sandbox.demo_username, sandbox.demo_password, password_only).authenticate_user()
    assert error_of(excinfo)[0] == "InvalidParameterException"

    no_refresh = sandbox.add_client(explicit_auth_flows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"])
    refresh = password_auth(cognito, no_refresh, sandbox.demo_username, sandbox.demo_password)
    with pytest.raises(ClientError) as excinfo:
        cognito.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=no_refresh.client_id,
                              AuthParameters={"REFRESH_TOKEN": refresh["AuthenticationResult"]["RefreshToken"]})
    assert error_of(excinfo)[0] == "InvalidParameterException"


# ---- clients with a secret ---------------------------------------------------------------------------

def test_secret_client_requires_the_right_secret_hash(sandbox, cognito):
    client = sandbox.add_client(secret=True)
    name, password = sandbox.demo_username, sandbox.demo_password
    with pytest.raises(ClientError) as excinfo:
        password_auth(cognito, client, name, password)
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    assert "SECRET_HASH was not received" in error_of(excinfo)[1]
    with pytest.raises(ClientError) as excinfo:
        password_auth(cognito, client, name, password, SECRET_HASH=secret_hash(client, "someone-else"))
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    result = password_auth(cognito, client, name, password, SECRET_HASH=secret_hash(client, name))
    assert "AccessToken" in result["AuthenticationResult"]


def test_secret_client_srp_signs_in_with_pycognito_and_refuses_a_missing_secret(sandbox, cognito):
    client = sandbox.add_client(secret=True)
    tokens = srp(sandbox, cognito, sandbox.demo_username, sandbox.demo_password, client).authenticate_user()
    assert "AccessToken" in tokens["AuthenticationResult"]
    with pytest.raises(ClientError) as excinfo:
        AWSSRP(sandbox.demo_username, sandbox.demo_password, sandbox.pool.pool_id, client.client_id,
               client=cognito).authenticate_user()
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_secret_hash_of_the_verifier_answer_must_use_the_internal_username(sandbox, cognito):
    client = sandbox.add_client(secret=True)
    aws = srp(sandbox, cognito, sandbox.demo_username, sandbox.demo_password, client)
    _, answers = answer_verifier(sandbox, cognito, aws)
    with pytest.raises(ClientError) as excinfo:
        respond(cognito, client, {**answers, "SECRET_HASH": secret_hash(client, sandbox.demo_username)})
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_secret_client_refresh_hashes_the_internal_username_not_the_email(sandbox, cognito):
    client = sandbox.add_client(secret=True)
    name = sandbox.demo_username
    result = password_auth(cognito, client, name, sandbox.demo_password, SECRET_HASH=secret_hash(client, name))
    refresh_token = result["AuthenticationResult"]["RefreshToken"]

    def refresh(**extra):
        return cognito.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=client.client_id,
                                     AuthParameters={"REFRESH_TOKEN": refresh_token, **extra})

    for bad in ({}, {"SECRET_HASH": secret_hash(client, name)}):
        with pytest.raises(ClientError) as excinfo:
            refresh(**bad)
        assert error_of(excinfo)[0] == "NotAuthorizedException"
    sub = sandbox.user(name).sub
    assert "AccessToken" in refresh(SECRET_HASH=secret_hash(client, sub))["AuthenticationResult"]


# ---- user states ------------------------------------------------------------------------------------

def test_unconfirmed_user_is_told_to_confirm_only_with_the_right_password(sandbox, cognito):
    sandbox.create_user("new@example.com", "Fresh-Passw0rd!", {"email": "new@example.com"}, confirmed=False)
    with pytest.raises(ClientError) as excinfo:
        srp(sandbox, cognito, "new@example.com", "Fresh-Passw0rd!").authenticate_user()
    assert error_of(excinfo)[0] == "UserNotConfirmedException"
    with pytest.raises(ClientError) as excinfo:
        password_auth(cognito, sandbox.client, "new@example.com", "Fresh-Passw0rd!")
    assert error_of(excinfo)[0] == "UserNotConfirmedException"
    for attempt in (srp(sandbox, cognito, "new@example.com", WRONG_PASSWORD).authenticate_user,
                    lambda: password_auth(cognito, sandbox.client, "new@example.com", WRONG_PASSWORD)):
        with pytest.raises(ClientError) as excinfo:
            attempt()
        assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_reset_required_and_disabled_users_are_refused(sandbox, cognito):
    name, password = sandbox.demo_username, sandbox.demo_password
    cognito.admin_reset_user_password(UserPoolId=sandbox.pool.pool_id, Username=name)
    with pytest.raises(ClientError) as excinfo:
        srp(sandbox, cognito, name, password).authenticate_user()
    assert error_of(excinfo)[0] == "PasswordResetRequiredException"

    sandbox.create_user("off@example.com", "Offline-Passw0rd!", {"email": "off@example.com"})
    cognito.admin_disable_user(UserPoolId=sandbox.pool.pool_id, Username="off@example.com")
    for attempt in (srp(sandbox, cognito, "off@example.com", "Offline-Passw0rd!").authenticate_user,
                    lambda: password_auth(cognito, sandbox.client, "off@example.com", "Offline-Passw0rd!")):
        with pytest.raises(ClientError) as excinfo:
            attempt()
        assert error_of(excinfo) == ("NotAuthorizedException", "User is disabled.")


def test_email_alias_signs_in_only_once_verified(make_sandbox):
    sb, cognito = make_sandbox(alias_attributes=("email",), username_attributes=())
    assert sb.demo_username == "demo"
    aws = srp(sb, cognito, "demo@example.com", sb.demo_password)
    challenge, answers = answer_verifier(sb, cognito, aws)
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == "demo"
    assert "AuthenticationResult" in respond(cognito, sb.client, answers)

    sb.create_user("bob", "Bobs-Passw0rd!", {"email": "bob@example.com", "email_verified": "false"})
    with pytest.raises(ClientError) as excinfo:
        srp(sb, cognito, "bob@example.com", "Bobs-Passw0rd!").authenticate_user()
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    assert "AuthenticationResult" in srp(sb, cognito, "bob", "Bobs-Passw0rd!").authenticate_user()
