"""SRP's second step, shared by every sign-in that proves a password without sending it (USER_SRP_AUTH,
CUSTOM_AUTH after SRP_A, USER_AUTH's PASSWORD_SRP)."""

from __future__ import annotations

from typing import Any

from ..session import SessionState
from ..userpool import SrpRound

__all__ = ["srp_verify"]


def srp_verify(state: SessionState, srp: SrpRound, response: dict[str, Any], request: dict[str, str],
               password: str) -> dict[str, Any]:
    """SRP's second step: Cognito's PASSWORD_VERIFIER answered with the password's proof. Any other answer
    (a custom challenge first, an error) passes through."""
    if response.get("ChallengeName") != "PASSWORD_VERIFIER":
        return response
    answers = srp.answer(response["ChallengeParameters"], request, password)
    return state.client.call(
        "RespondToAuthChallenge", ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answers,
        ClientId=state.config.user_pool_client_id, **state.client_metadata(),
        **({"Session": response["Session"]} if response.get("Session") else {}))
