"""CUSTOM_AUTH for a user who does not exist (issue 13): with PreventUserExistenceErrors, Cognito runs the
custom-auth triggers with ``userNotFound: true`` and the sign-in fails only at the end, as for a wrong
answer; with LEGACY it says UserNotFoundException at once."""

from __future__ import annotations

import pytest

from amplify_nb.sandbox import Sandbox
from tests.conftest import cognito_client, fails

GHOST = "nobody@example.com"


@pytest.fixture
def sb():
    with Sandbox(moto=False) as sandbox:
        seen: list[bool] = []

        def define(event):
            seen.append(event["request"]["userNotFound"])
            history = event["request"]["session"]
            if history and history[-1]["challengeResult"]:
                event["response"].update(issueTokens=True, failAuthentication=False)
            elif len(history) >= 3:
                event["response"].update(issueTokens=False, failAuthentication=True)
            else:
                event["response"].update(challengeName="CUSTOM_CHALLENGE", issueTokens=False,
                                         failAuthentication=False)
            return event

        def create(event):
            seen.append(event["request"]["userNotFound"])
            event["response"].update(publicChallengeParameters={"question": "6 x 7?"},
                                     privateChallengeParameters={"answer": "42"})
            return event

        def verify(event):
            seen.append(event["request"]["userNotFound"])
            event["response"]["answerCorrect"] = event["request"]["challengeAnswer"] == "42"
            return event

        sandbox.triggers.define_auth_challenge = define
        sandbox.triggers.create_auth_challenge = create
        sandbox.triggers.verify_auth_challenge_response = verify
        sandbox.seen = seen
        yield sandbox


def start(idp, client_id):
    return idp.initiate_auth(AuthFlow="CUSTOM_AUTH", ClientId=client_id, AuthParameters={"USERNAME": GHOST})


def test_an_unknown_user_gets_challenges_then_fails_like_a_wrong_answer(sb):
    idp = cognito_client(sb)
    answer = start(idp, sb.client.client_id)
    assert answer["ChallengeName"] == "CUSTOM_CHALLENGE" and answer["ChallengeParameters"]["question"] == "6 x 7?"
    for _ in range(2):  # even the right answer is not right for a user who does not exist
        answer = idp.respond_to_auth_challenge(ClientId=sb.client.client_id, ChallengeName="CUSTOM_CHALLENGE",
                                               Session=answer["Session"],
                                               ChallengeResponses={"USERNAME": GHOST, "ANSWER": "42"})
        assert answer["ChallengeName"] == "CUSTOM_CHALLENGE"
    error = fails("NotAuthorizedException", idp.respond_to_auth_challenge, ClientId=sb.client.client_id,
                  ChallengeName="CUSTOM_CHALLENGE", Session=answer["Session"],
                  ChallengeResponses={"USERNAME": GHOST, "ANSWER": "42"})
    assert error.response["Error"]["Message"] == "Incorrect username or password."
    assert sb.seen and all(sb.seen)  # every trigger was told userNotFound


def test_a_legacy_client_says_the_user_does_not_exist(sb):
    legacy = sb.add_client(prevent_user_existence_errors=False, explicit_auth_flows=["ALLOW_CUSTOM_AUTH"])
    fails("UserNotFoundException", start, idp=cognito_client(sb), client_id=legacy.client_id)
