"""Lambda-style triggers as plain Python callables, given Cognito's own event shapes.

A trigger receives the event dict and either returns it (as a Lambda does) or mutates it in place.
An exception inside a trigger reaches the client as Cognito reports a failing Lambda:
``UserLambdaValidationException: PreSignUp failed with error <message>.``
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .protocol import CognitoError

__all__ = ["TRIGGER_NAMES", "Trigger", "Triggers", "event"]

TRIGGER_NAMES = (
    "define_auth_challenge",
    "create_auth_challenge",
    "verify_auth_challenge_response",
    "pre_sign_up",
    "post_confirmation",
    "pre_token_generation",
    "user_migration",
    "custom_message",
)

_LAMBDA_TITLES = {
    "define_auth_challenge": "DefineAuthChallenge",
    "create_auth_challenge": "CreateAuthChallenge",
    "verify_auth_challenge_response": "VerifyAuthChallengeResponse",
    "pre_sign_up": "PreSignUp",
    "post_confirmation": "PostConfirmation",
    "pre_token_generation": "PreTokenGeneration",
    "user_migration": "UserMigration",
    "custom_message": "CustomMessage",
}

Trigger = Callable[[dict[str, Any]], Any]


class Triggers:
    """``sb.triggers.pre_sign_up = f``; unset triggers are None, as a pool without that Lambda."""

    def __init__(self) -> None:
        for name in TRIGGER_NAMES:
            object.__setattr__(self, name, None)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in TRIGGER_NAMES:
            raise AttributeError(f"unknown trigger {name!r}; known: {', '.join(TRIGGER_NAMES)}")
        if value is not None and not callable(value):
            raise TypeError(f"trigger {name} must be callable or None")
        object.__setattr__(self, name, value)

    def clear(self) -> None:
        for name in TRIGGER_NAMES:
            setattr(self, name, None)

    def has(self, name: str) -> bool:
        return getattr(self, name) is not None

    def invoke(self, name: str, event: dict[str, Any]) -> dict[str, Any]:
        """Run a trigger on a copy of the event and return the event it produced."""
        handler = getattr(self, name)
        working = copy.deepcopy(event)
        try:
            result = handler(working)
        except CognitoError:
            raise
        except Exception as exc:  # a trigger's bug is the app's failure, reported as Lambda's
            # Cognito reports a function error of every trigger, the custom-auth ones included, this way
            # (e.g. "UserLambdaValidationException: DefineAuthChallenge failed with error ...").
            raise CognitoError("UserLambdaValidationException",
                               f"{_LAMBDA_TITLES[name]} failed with error {exc}.") from None
        produced = result if isinstance(result, dict) else working
        if not isinstance(produced.get("response"), dict):
            raise CognitoError(
                "InvalidLambdaResponseException", f"Invalid {_LAMBDA_TITLES[name]} response: no response object"
            )
        return produced


def event(
    trigger_source: str,
    *,
    region: str,
    pool_id: str,
    username: str | None,
    client_id: str | None,
    request: dict[str, Any],
    response: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The envelope every Cognito trigger event shares."""
    return {
        "version": "1",
        "region": region,
        "userPoolId": pool_id,
        "userName": username,
        "callerContext": {"awsSdkVersion": "amplify-nb-sandbox", "clientId": client_id or "CLIENT_ID_NOT_APPLICABLE"},
        "triggerSource": trigger_source,
        "request": request,
        "response": response if response is not None else {},
    }
