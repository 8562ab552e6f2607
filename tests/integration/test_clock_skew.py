"""A client clock up to 5 minutes off Cognito's signs in, keeps its session and refreshes on time, in
Cognito's time (issue 13, item 4); beyond that the error says to set the clock.

The sandbox runs on one MovableClock (Cognito's time); the Auth on that clock plus an offset."""

from __future__ import annotations

import pytest

import amplify_nb
from amplify_nb import FileStorage
from amplify_nb.errors import NotAuthorizedError
from amplify_nb.sandbox import Sandbox

TTL = 3600.0  # Cognito's default token lifetime: refresh due 5 minutes before expiry


@pytest.fixture
def sb(clock):
    with Sandbox(clock=clock, access_token_ttl=TTL, id_token_ttl=TTL, moto=False) as sandbox:
        yield sandbox


def refreshes(sb, since: int) -> int:
    return sum(1 for call in sb.calls[since:] if call.operation in ("InitiateAuth", "GetTokensFromRefreshToken"))


@pytest.mark.parametrize("offset", [-300.0, 300.0])
def test_a_client_clock_five_minutes_off_signs_in_and_refreshes_in_cognitos_time(sb, clock, offset, tmp_path):
    client_clock = lambda: clock() + offset  # noqa: E731 - a clock is a callable
    storage = FileStorage(tmp_path)
    auth = amplify_nb.Auth(sb.config, name=f"skew{offset:+.0f}", clock=client_clock, storage=storage)
    assert auth.sign_in(sb.demo_username, sb.demo_password).is_signed_in  # no "issued in the future"

    clock.advance(TTL - 300 - 60)  # Cognito's time: a minute before the refresh is due
    mark = len(sb.calls)
    auth.current_session()
    assert refreshes(sb, mark) == 0  # a clock 5 minutes ahead alone would have refreshed now

    clock.advance(120)  # Cognito's time: a minute past the refresh margin, before expiry
    auth.current_session()
    assert refreshes(sb, mark) == 1  # a clock 5 minutes behind alone would not have refreshed yet

    # The same session read back from its file (another kernel) keeps the offset measured at issue.
    again = amplify_nb.Auth(sb.config, name=auth.name, clock=client_clock, storage=FileStorage(tmp_path))
    assert again.current_session().skew == pytest.approx(-offset, abs=1)
    assert refreshes(sb, mark) == 1


def test_a_clock_ten_minutes_behind_is_told_to_set_the_clock(sb, clock):
    auth = amplify_nb.Auth(sb.config, name="far", clock=lambda: clock() - 600)
    with pytest.raises(NotAuthorizedError, match="clock is 600 s behind Cognito's") as excinfo:
        auth.sign_in(sb.demo_username, sb.demo_password)
    assert excinfo.value.code == "ClockSkew"
    assert not auth.is_signed_in
