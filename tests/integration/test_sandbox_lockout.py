"""Cognito's lockout (issue 13): after 5 wrong passwords in a row, sign-in says "Password attempts exceeded",
for the right password too, for a lockout that starts at 1 s and doubles; a right password afterwards starts
over. Every password flow counts: USER_PASSWORD_AUTH, SRP (amplify_nb's client) and USER_AUTH."""

from __future__ import annotations

import pytest

import amplify_nb
from amplify_nb.errors import NotAuthorizedError
from amplify_nb.sandbox import Sandbox
from tests.conftest import at_once, cognito_client, fails

ADA, PASSWORD, WRONG = "ada@example.com", "Correct-Horse-9", "Wrong-Horse-9"


@pytest.fixture
def sb(clock):
    with Sandbox(clock=clock, moto=False) as sandbox:
        sandbox.create_user(ADA, PASSWORD, {"email": ADA})
        yield sandbox


def password_auth(idp=None, sb=None, password=None):
    return idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=sb.client.client_id,
                             AuthParameters={"USERNAME": ADA, "PASSWORD": password})


def test_five_wrong_passwords_lock_out_the_right_one_for_a_doubling_while(sb, clock):
    idp = cognito_client(sb)
    for _ in range(4):
        error = fails("NotAuthorizedException", password_auth, idp=idp, sb=sb, password=WRONG)
        assert error.response["Error"]["Message"] == "Incorrect username or password."
    error = fails("NotAuthorizedException", password_auth, idp=idp, sb=sb, password=WRONG)
    assert error.response["Error"]["Message"] == "Password attempts exceeded"
    error = fails("NotAuthorizedException", password_auth, idp=idp, sb=sb, password=PASSWORD)
    assert error.response["Error"]["Message"] == "Password attempts exceeded"  # locked out: not even checked
    clock.advance(1.5)
    fails("NotAuthorizedException", password_auth, idp=idp, sb=sb, password=WRONG)  # the 6th: 2 s now
    clock.advance(1.5)
    error = fails("NotAuthorizedException", password_auth, idp=idp, sb=sb, password=PASSWORD)
    assert error.response["Error"]["Message"] == "Password attempts exceeded"
    clock.advance(1)
    assert password_auth(idp=idp, sb=sb, password=PASSWORD)["AuthenticationResult"]
    for _ in range(4):  # the right password started the count over
        fails("NotAuthorizedException", password_auth, idp=idp, sb=sb, password=WRONG)
    assert password_auth(idp=idp, sb=sb, password=PASSWORD)["AuthenticationResult"]


def test_guesses_sent_at_once_are_counted_one_by_one(sb, clock):
    """16 wrong passwords at once: 5 are checked (the 5th locks the user out for 1 s), the other 11 are refused
    unchecked and do not lengthen the lockout, so the right password works 1.5 s later. Were the checks let
    out of the state lock, all 16 would pass the lockout test together and be checked: 16 failures, locked
    for 900 s."""
    clients = [cognito_client(sb, one_try=True) for _ in range(16)]
    messages = at_once(16, lambda i: password_auth(idp=clients[i], sb=sb, password=f"{WRONG}-{i}"), "Message")
    assert messages == ["Incorrect username or password."] * 4 + ["Password attempts exceeded"] * 12
    clock.advance(1.5)
    assert password_auth(idp=cognito_client(sb), sb=sb, password=PASSWORD)["AuthenticationResult"]


def test_srp_and_user_auth_count_towards_the_same_lockout(sb, clock):
    auth = amplify_nb.Auth(sb.config, name="lockout", clock=clock)
    for _ in range(3):
        with pytest.raises(NotAuthorizedError):
            auth.sign_in(ADA, WRONG)  # USER_SRP_AUTH
    for _ in range(2):
        with pytest.raises(NotAuthorizedError):
            auth.sign_in(ADA, WRONG, flow="USER_AUTH", preferred_challenge="PASSWORD")
    with pytest.raises(NotAuthorizedError, match="Password attempts exceeded"):
        auth.sign_in(ADA, PASSWORD)
    clock.advance(2)
    assert auth.sign_in(ADA, PASSWORD).is_signed_in
