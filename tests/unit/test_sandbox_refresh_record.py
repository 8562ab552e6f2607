"""RefreshRecord.rotating_away: a rotating refresh marks its token replaced before it signs (signing lets the
sandbox's state lock go), and a failure undoes the mark unless a refresh with the token succeeded meanwhile.
A client that does not rotate never marks (CognitoBackend.issue_tokens; the old token living on is checked in
tests/integration/test_sandbox_refresh_rotation.py)."""

from __future__ import annotations

import pytest

from amplify_nb.sandbox.tokens import RefreshRecord


def record() -> RefreshRecord:
    return RefreshRecord("ada", "client-1", "origin-1", expires_at=1e12, auth_time=0, sub="sub-1")


class SigningFailed(Exception):
    pass


def test_the_mark_is_there_while_the_new_tokens_are_signed_and_stays():
    token = record()
    with token.rotating_away(100.0):
        assert token.replaced_until == 100.0
    assert token.replaced_until == 100.0 and token.rotated


def test_a_failed_signing_alone_undoes_its_mark():
    token = record()
    with pytest.raises(SigningFailed), token.rotating_away(100.0):
        raise SigningFailed
    assert token.replaced_until is None and not token.rotated


def test_a_failure_after_a_retry_with_the_same_token_succeeded_keeps_the_mark():
    token = record()
    with pytest.raises(SigningFailed), token.rotating_away(100.0):  # A marks, its signing waits
        with token.rotating_away(105.0):  # B, a retry in the grace period, gets new tokens
            pass
        raise SigningFailed  # then A fails: the token was rotated all the same
    assert token.replaced_until == 100.0 and token.rotated
