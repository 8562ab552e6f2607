"""``%auth_session`` and the signed-in user's notebook display show times as local datetimes with the time left
or gone ("in 59 min", "30 s ago"), counted on the session's injected clock; ``--raw`` keeps the claims as they
are; the AWS credentials' expiry shows once the session holds credentials (none fetched for the display); no
token or secret key is ever shown. Against the fake at the network edge, in a real IPython shell, with the
kernel's time zone set to Asia/Kolkata (IST, no daylight saving) so that the local datetimes are known."""

from __future__ import annotations

import datetime
import os
import time
import uuid
from zoneinfo import ZoneInfo

import pytest

import amplify_nb
from tests.conftest import MovableClock
from tests.integration.ipython_shell import history_text, ipython_shell, ok

from .conftest import CLIENT_ID, POOL_ID

USER, PASSWORD, INTERNAL = "ada@example.com", "Correct-horse-9!", "0c8f6a52-ada"
IDENTITY_POOL = "us-east-1:00000000-0000-4000-8000-000000000000"
START = 1_800_000_000.0


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    with ipython_shell(tmp_path_factory.mktemp("ipython")) as sh:
        yield sh


@pytest.fixture
def india():
    """The kernel's local time zone, for the test (restored after it)."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Kolkata"
    time.tzset()
    yield ZoneInfo("Asia/Kolkata")
    if saved is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = saved
    time.tzset()


def local(seconds: float, zone: ZoneInfo) -> str:
    return datetime.datetime.fromtimestamp(seconds, zone).strftime("%Y-%m-%d %H:%M:%S IST")


@pytest.fixture
def clock():
    return MovableClock(START)


@pytest.fixture
def auth(fake, jwks, clock):
    config = {"version": "1.3",
              "auth": {"aws_region": "us-east-1", "user_pool_id": POOL_ID, "user_pool_client_id": CLIENT_ID,
                       "identity_pool_id": IDENTITY_POOL},
              "custom": {"amplify_nb": {"endpoint_url": jwks.url}}}
    session = amplify_nb.Auth(config, name=f"shown-{uuid.uuid4().hex[:8]}", transport=fake, clock=clock)
    fake.idp.script("InitiateAuth", fake.signed_in(INTERNAL, issued_at=clock(), email=USER, name="<b>Ada</b>"))
    session.sign_in(USER, PASSWORD, flow="USER_PASSWORD_AUTH")
    return session


def claims_of(cell) -> dict[str, str]:
    frame = cell.value
    assert list(frame.columns) == ["claim", "value"]
    return dict(zip(frame["claim"], frame["value"], strict=True))


def secrets_of(auth) -> list[str]:
    tokens = auth.session_state.tokens()
    return [tokens.id_token, tokens.access_token, tokens.refresh_token]


def test_auth_session_shows_local_datetimes_and_the_time_left_on_the_sessions_clock(shell, auth, clock, india):
    clock.advance(30)
    cell = ok(shell, f"%auth_session --name {auth.name}")
    expiry = local(START + 3600, india)
    assert f"Signed in as {USER}; tokens expire in 59 min (at {expiry})" in cell.stdout
    claims = claims_of(cell)
    assert claims["exp"] == f"{expiry} (in 59 min)"
    assert claims["iat"] == claims["auth_time"] == f"{local(START, india)} (30 s ago)"
    assert claims["email"] == USER and claims["token_use"] == "id"  # the other claims as they were

    clock.advance(25 * 60)  # the display follows the clock, not the wall's
    claims = claims_of(ok(shell, f"%auth_session --name {auth.name}"))
    assert claims["exp"] == f"{expiry} (in 34 min)" and claims["iat"].endswith("(25 min ago)")


def test_raw_keeps_the_claims_as_they_are(shell, auth, india):
    claims = claims_of(ok(shell, f"%auth_session --name {auth.name} --raw"))
    assert claims["exp"] == str(int(START + 3600)) and claims["iat"] == str(int(START))


def test_the_credentials_expiry_shows_once_held_and_none_is_fetched_for_it(shell, auth, fake, clock, india):
    identity = fake.client("cognito-identity")
    cell = ok(shell, f"%auth_session --name {auth.name}")
    assert not any(name.startswith("credentials:") for name in claims_of(cell))
    assert identity.operations() == []  # the display asked Cognito Identity nothing

    expiration = datetime.datetime.fromtimestamp(START + 3000, tz=datetime.timezone.utc)
    identity.script("GetId", {"IdentityId": "us-east-1:user-1"})
    identity.script("GetCredentialsForIdentity", {"IdentityId": "us-east-1:user-1", "Credentials": {
        "AccessKeyId": "ASIA" + uuid.uuid4().hex[:16].upper(), "SecretKey": "secret-" + uuid.uuid4().hex,
        "SessionToken": "session-" + uuid.uuid4().hex, "Expiration": expiration}})
    credentials = auth.current_credentials()
    cell = ok(shell, f"%auth_session --name {auth.name}")
    claims = claims_of(cell)
    assert claims["credentials:expiration"] == f"{local(START + 3000, india)} (in 50 min)"
    assert claims["credentials:identity_id"] == "us-east-1:user-1"
    shown = cell.shown() + cell.value.to_html() + history_text(shell)
    for secret in (credentials.secret_access_key, credentials.session_token, *secrets_of(auth)):
        assert secret not in shown


def test_no_token_in_what_auth_session_shows_or_in_history(shell, auth):
    cell = ok(shell, f"%auth_session --name {auth.name}")
    shown = cell.shown() + cell.value.to_string() + cell.value.to_html() + history_text(shell)
    for token in secrets_of(auth):
        assert token not in shown
        assert not any(part in shown for part in token.split(".")[1:] if len(part) > 20)


def test_the_signed_in_users_display_reads_its_times(shell, auth, clock, india):
    clock.advance(3 * 60)
    user = auth.current_authenticated_user()
    data, _ = shell.display_formatter.format(user)  # what a notebook cell ending in `user` shows
    page = data["text/html"]
    assert f"{local(START, india)} (3 min ago)" in page  # signed in, ID token issued
    assert f"{local(START + 3600, india)} (in 57 min)" in page  # ID token expires
    assert "&lt;b&gt;Ada&lt;/b&gt;" in page and "<b>Ada</b>" not in page  # attributes escaped
    assert user.claims["exp"] == START + 3600  # the raw claims stay on the object
    clock.advance(60)
    assert f"{local(START + 3600, india)} (in 56 min)" in user._repr_html_()  # shown again: the clock moved
    for token in secrets_of(auth):
        assert token not in page and token not in repr(user)
