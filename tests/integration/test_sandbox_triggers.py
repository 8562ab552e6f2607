"""Lambda-style triggers through a real boto3 client: what an app's trigger code sees and what its users get."""

from __future__ import annotations

import copy

import jwt
import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

ANSWER = "purple-giraffe-7"
CAPTCHA = "https://captcha.example/challenge/31.png"


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def error_of(excinfo) -> tuple[str, str]:
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"]


def srp_sign_in(sb, cognito, username: str, password: str) -> dict:
    return AWSSRP(username=username, password=password, pool_id=sb.pool.pool_id, client_id=sb.client.client_id,
                  client=cognito).authenticate_user()


def password_sign_in(sb, cognito, username: str, password: str, **extra) -> dict:
    return cognito.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=sb.client.client_id,
                                 AuthParameters={"USERNAME": username, "PASSWORD": password}, **extra)


class Recorder:
    """Custom-auth triggers like an app's captcha flow; every event is kept as the trigger received it."""

    def __init__(self, *, after_srp: bool = False, tries: int = 1):
        self.after_srp, self.tries = after_srp, tries
        self.events: dict[str, list[dict]] = {"define": [], "create": [], "verify": []}

    def install(self, sb) -> Recorder:
        sb.triggers.define_auth_challenge = self.define
        sb.triggers.create_auth_challenge = self.create
        sb.triggers.verify_auth_challenge_response = self.verify
        return self

    def define(self, event):
        self.events["define"].append(copy.deepcopy(event))
        history = event["request"]["session"]
        custom = [s for s in history if s["challengeName"] == "CUSTOM_CHALLENGE"]
        response = event["response"]
        response.update(issueTokens=False, failAuthentication=False)
        if self.after_srp and [s["challengeName"] for s in history] == ["SRP_A"]:
            response["challengeName"] = "PASSWORD_VERIFIER"
        elif self.after_srp and not (len(history) >= 2 and history[1]["challengeResult"]):
            response["failAuthentication"] = True
        elif custom and custom[-1]["challengeResult"]:
            response["issueTokens"] = True
        elif len(custom) >= self.tries:
            response["failAuthentication"] = True
        else:
            response["challengeName"] = "CUSTOM_CHALLENGE"
        return event

    def create(self, event):
        self.events["create"].append(copy.deepcopy(event))
        event["response"].update(publicChallengeParameters={"captchaUrl": CAPTCHA},
                                 privateChallengeParameters={"answer": ANSWER}, challengeMetadata="CAPTCHA")
        return event

    def verify(self, event):
        self.events["verify"].append(copy.deepcopy(event))
        request = event["request"]
        expected = request["privateChallengeParameters"]["answer"]
        event["response"]["answerCorrect"] = request["challengeAnswer"] == expected

    def history(self) -> list[list[tuple[str, bool]]]:
        return [[(s["challengeName"], s["challengeResult"]) for s in e["request"]["session"]]
                for e in self.events["define"]]


def start_custom(sb, cognito, **extra) -> dict:
    return cognito.initiate_auth(AuthFlow="CUSTOM_AUTH", ClientId=sb.client.client_id,
                                 AuthParameters={"USERNAME": sb.demo_username}, **extra)


def answer(sb, cognito, started: dict, value: str, **extra) -> dict:
    return cognito.respond_to_auth_challenge(
        ClientId=sb.client.client_id, ChallengeName="CUSTOM_CHALLENGE", Session=started["Session"],
        ChallengeResponses={"USERNAME": sb.demo_username, "ANSWER": value}, **extra)


# ---- CUSTOM_AUTH ------------------------------------------------------------------------------------
def test_custom_challenge_shows_public_parameters_only_and_right_answer_gets_tokens(sandbox, cognito):
    rec = Recorder().install(sandbox)
    started = start_custom(sandbox, cognito, ClientMetadata={"from": "initiate"})
    assert started["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert started["ChallengeParameters"]["captchaUrl"] == CAPTCHA
    assert "answer" not in started["ChallengeParameters"] and ANSWER not in repr(started)

    done = answer(sandbox, cognito, started, ANSWER, ClientMetadata={"device": "kiosk-3"})
    assert claims(done["AuthenticationResult"]["IdToken"])["email"] == sandbox.demo_username
    assert ANSWER not in repr(done)

    user = sandbox.user(sandbox.demo_username)
    first, second = rec.events["define"]
    assert first["triggerSource"] == "DefineAuthChallenge_Authentication"
    assert first["userName"] == user.username and first["userPoolId"] == sandbox.pool.pool_id
    assert first["request"]["session"] == [] and first["request"]["userAttributes"]["email"] == user.attributes["email"]
    # InitiateAuth's ClientMetadata is not given to the challenge triggers; RespondToAuthChallenge's is.
    assert first["request"].get("clientMetadata") in (None, {})
    assert rec.events["create"][0]["request"]["challengeName"] == "CUSTOM_CHALLENGE"
    assert rec.events["create"][0]["triggerSource"] == "CreateAuthChallenge_Authentication"
    verify = rec.events["verify"][0]
    assert verify["triggerSource"] == "VerifyAuthChallengeResponse_Authentication"
    assert verify["request"]["privateChallengeParameters"] == {"answer": ANSWER}
    assert verify["request"]["challengeAnswer"] == ANSWER
    assert verify["request"]["clientMetadata"] == {"device": "kiosk-3"}
    assert second["request"]["session"] == [
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True, "challengeMetadata": "CAPTCHA"}]
    assert second["request"]["clientMetadata"] == {"device": "kiosk-3"}


def test_wrong_answer_is_seen_by_define_which_fails_the_sign_in(sandbox, cognito):
    rec = Recorder().install(sandbox)
    started = start_custom(sandbox, cognito)
    with pytest.raises(ClientError) as excinfo:
        answer(sandbox, cognito, started, "not-it")
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    assert rec.history()[-1] == [("CUSTOM_CHALLENGE", False)]
    with pytest.raises(ClientError) as again:  # the failed sign-in's session cannot be answered any more
        answer(sandbox, cognito, started, ANSWER)
    assert error_of(again)[0] == "NotAuthorizedException"


def test_define_may_grant_another_try_on_a_fresh_session(sandbox, cognito):
    rec = Recorder(tries=3).install(sandbox)
    started = start_custom(sandbox, cognito)
    retry = answer(sandbox, cognito, started, "not-it")
    assert retry["ChallengeName"] == "CUSTOM_CHALLENGE" and retry["Session"] != started["Session"]
    assert retry["ChallengeParameters"]["captchaUrl"] == CAPTCHA
    with pytest.raises(ClientError):  # the earlier session was used up
        answer(sandbox, cognito, started, ANSWER)
    done = answer(sandbox, cognito, retry, ANSWER)
    assert "IdToken" in done["AuthenticationResult"]
    assert rec.history()[-1] == [("CUSTOM_CHALLENGE", False), ("CUSTOM_CHALLENGE", True)]


def _srp_custom_start(sb, cognito, password: str) -> tuple[AWSSRP, dict]:
    srp = AWSSRP(username=sb.demo_username, password=password, pool_id=sb.pool.pool_id,
                 client_id=sb.client.client_id, client=cognito)
    started = cognito.initiate_auth(AuthFlow="CUSTOM_AUTH", ClientId=sb.client.client_id, AuthParameters={
        "USERNAME": sb.demo_username, "SRP_A": srp.get_auth_params()["SRP_A"], "CHALLENGE_NAME": "SRP_A"})
    return srp, started


def _password_verifier(sb, cognito, srp: AWSSRP, started: dict) -> dict:
    return cognito.respond_to_auth_challenge(
        ClientId=sb.client.client_id, ChallengeName="PASSWORD_VERIFIER", Session=started["Session"],
        ChallengeResponses=srp.process_challenge(started["ChallengeParameters"], {"USERNAME": sb.demo_username}))


def test_custom_challenge_after_srp_password_check(sandbox, cognito):
    rec = Recorder(after_srp=True).install(sandbox)
    srp, started = _srp_custom_start(sandbox, cognito, sandbox.demo_password)
    assert started["ChallengeName"] == "PASSWORD_VERIFIER"
    assert {"SRP_B", "SALT", "SECRET_BLOCK", "USER_ID_FOR_SRP"} <= set(started["ChallengeParameters"])
    assert rec.history() == [[("SRP_A", True)]]

    captcha = _password_verifier(sandbox, cognito, srp, started)
    assert captcha["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert captcha["ChallengeParameters"]["captchaUrl"] == CAPTCHA
    assert rec.history()[-1] == [("SRP_A", True), ("PASSWORD_VERIFIER", True)]

    done = answer(sandbox, cognito, captcha, ANSWER)
    internal_name = sandbox.user(sandbox.demo_username).username
    assert claims(done["AuthenticationResult"]["AccessToken"])["username"] == internal_name
    assert [name for name, _ in rec.history()[-1]] == ["SRP_A", "PASSWORD_VERIFIER", "CUSTOM_CHALLENGE"]


def test_custom_auth_after_srp_refuses_a_wrong_password_before_any_custom_challenge(sandbox, cognito):
    rec = Recorder(after_srp=True).install(sandbox)
    srp, started = _srp_custom_start(sandbox, cognito, "Wrong-Password-1!")
    with pytest.raises(ClientError) as excinfo:
        _password_verifier(sandbox, cognito, srp, started)
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    assert rec.events["create"] == []


def test_custom_auth_without_define_trigger_is_refused(sandbox, cognito):
    with pytest.raises(ClientError) as excinfo:
        start_custom(sandbox, cognito)
    assert error_of(excinfo) == ("InvalidParameterException",
                                 "Custom auth lambda trigger is not configured for the user pool.")


@pytest.mark.parametrize(("trigger", "title"), [
    ("define_auth_challenge", "DefineAuthChallenge"),
    ("create_auth_challenge", "CreateAuthChallenge"),
    ("verify_auth_challenge_response", "VerifyAuthChallengeResponse"),
])
def test_a_failing_challenge_trigger_reaches_the_client_with_its_message(sandbox, cognito, trigger, title):
    Recorder().install(sandbox)

    def broken(event):
        raise RuntimeError("captcha service is down")

    setattr(sandbox.triggers, trigger, broken)
    with pytest.raises(ClientError) as excinfo:
        answer(sandbox, cognito, start_custom(sandbox, cognito), ANSWER)
    code, message = error_of(excinfo)
    assert code == "UserLambdaValidationException"
    assert message == f"{title} failed with error captcha service is down."
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


# ---- sign-up triggers ------------------------------------------------------------------------------
def test_pre_sign_up_can_auto_confirm_and_verify_email(sandbox, cognito):
    seen = []

    def pre_sign_up(event):
        seen.append(copy.deepcopy(event))
        event["response"].update(autoConfirmUser=True, autoVerifyEmail=True)
        return event

    sandbox.triggers.pre_sign_up = pre_sign_up
    result = cognito.sign_up(ClientId=sandbox.client.client_id, Username="auto@example.com", Password="Auto-Pass-1",
                             ValidationData=[{"Name": "invite", "Value": "ABC"}], ClientMetadata={"plan": "pro"})
    assert result["UserConfirmed"] is True and "CodeDeliveryDetails" not in result
    assert len(sandbox.outbox) == 0  # no code to type: the user is already confirmed
    request = seen[0]["request"]
    assert seen[0]["triggerSource"] == "PreSignUp_SignUp"
    assert request["userAttributes"]["email"] == "auto@example.com"
    assert request["validationData"] == {"invite": "ABC"} and request["clientMetadata"] == {"plan": "pro"}
    tokens = srp_sign_in(sandbox, cognito, "auto@example.com", "Auto-Pass-1")
    assert claims(tokens["AuthenticationResult"]["IdToken"])["email_verified"] is True


def test_pre_sign_up_rejection_creates_no_user(sandbox, cognito):
    def pre_sign_up(event):
        if not event["request"]["userAttributes"]["email"].endswith("@example.org"):
            raise ValueError("Only example.org addresses may sign up")

    sandbox.triggers.pre_sign_up = pre_sign_up
    with pytest.raises(ClientError) as excinfo:
        cognito.sign_up(ClientId=sandbox.client.client_id, Username="intruder@example.net", Password="Intrude-1!")
    assert error_of(excinfo) == ("UserLambdaValidationException",
                                 "PreSignUp failed with error Only example.org addresses may sign up.")
    assert sandbox.user("intruder@example.net") is None and len(sandbox.outbox) == 0
    ok = cognito.sign_up(ClientId=sandbox.client.client_id, Username="member@example.org", Password="Member-1!")
    assert ok["UserConfirmed"] is False


def test_post_confirmation_gets_the_confirmed_users_attributes(sandbox, cognito):
    seen = []
    sandbox.triggers.post_confirmation = lambda event: seen.append(copy.deepcopy(event))
    signed = cognito.sign_up(ClientId=sandbox.client.client_id, Username="new@example.com", Password="New-Pass-1!",
                             UserAttributes=[{"Name": "name", "Value": "Nova"}])
    wrong = "000000" if sandbox.outbox.last_code("new@example.com") != "000000" else "111111"
    with pytest.raises(ClientError):
        cognito.confirm_sign_up(ClientId=sandbox.client.client_id, Username="new@example.com", ConfirmationCode=wrong)
    assert seen == []  # a wrong code confirms no one
    cognito.confirm_sign_up(ClientId=sandbox.client.client_id, Username="new@example.com",
                            ConfirmationCode=sandbox.outbox.last_code("new@example.com"), ClientMetadata={"ref": "x"})
    [event] = seen
    assert event["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    attrs = event["request"]["userAttributes"]
    assert attrs["email"] == "new@example.com" and attrs["name"] == "Nova"
    assert attrs["sub"] == signed["UserSub"] and attrs["email_verified"] == "true"
    assert event["request"]["clientMetadata"] == {"ref": "x"}


def test_custom_message_rewrites_the_email_with_the_code(sandbox, cognito):
    seen = []

    def custom_message(event):
        seen.append(event["triggerSource"])
        code = event["request"]["codeParameter"]
        event["response"].update(emailSubject="Welcome to Acme",
                                 emailMessage=f"Hello {event['request']['userAttributes']['email']}, code {code}.")
        return event

    sandbox.triggers.custom_message = custom_message
    cognito.sign_up(ClientId=sandbox.client.client_id, Username="msg@example.com", Password="Msg-Pass-1!")
    message = sandbox.outbox.last("msg@example.com")
    assert message.text == f"Hello msg@example.com, code {message.code}."
    assert "{####}" not in message.text and len(message.code) == 6
    cognito.confirm_sign_up(ClientId=sandbox.client.client_id, Username="msg@example.com",
                            ConfirmationCode=message.code)
    cognito.forgot_password(ClientId=sandbox.client.client_id, Username="msg@example.com")
    reset = sandbox.outbox.last("msg@example.com", kind="ForgotPassword")
    assert reset.text == f"Hello msg@example.com, code {reset.code}."
    assert seen == ["CustomMessage_SignUp", "CustomMessage_ForgotPassword"]


# ---- tokens ----------------------------------------------------------------------------------------
def test_pre_token_generation_shapes_the_id_token_but_not_protected_claims(sandbox, cognito):
    sources = []

    def pre_token(event):
        sources.append(event["triggerSource"])
        event["response"]["claimsOverrideDetails"] = {
            "claimsToAddOrOverride": {"tenant": "acme", "name": "Renamed", "sub": "forged", "iss": "https://evil"},
            "claimsToSuppress": ["email", "iss"],
        }
        return event

    sandbox.triggers.pre_token_generation = pre_token
    result = srp_sign_in(sandbox, cognito, sandbox.demo_username, sandbox.demo_password)["AuthenticationResult"]
    user = sandbox.user(sandbox.demo_username)
    id_claims = claims(result["IdToken"])
    assert id_claims["tenant"] == "acme" and id_claims["name"] == "Renamed" and "email" not in id_claims
    assert id_claims["sub"] == user.sub
    assert id_claims["iss"] == f"https://cognito-idp.{sandbox.region}.amazonaws.com/{sandbox.pool.pool_id}"
    assert "tenant" not in claims(result["AccessToken"])  # a V1 trigger shapes the ID token only
    refreshed = cognito.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=sandbox.client.client_id,
                                      AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]})
    assert claims(refreshed["AuthenticationResult"]["IdToken"])["tenant"] == "acme"
    assert sources == ["TokenGeneration_Authentication", "TokenGeneration_RefreshTokens"]


# ---- user migration --------------------------------------------------------------------------------
LEGACY = {"old@example.com": "Legacy-Pass-1!"}


def legacy_directory(seen: list, status: str = "CONFIRMED"):
    def user_migration(event):
        seen.append(copy.deepcopy(event))
        name, request = event["userName"], event["request"]
        if name not in LEGACY or ("password" in request and request["password"] != LEGACY[name]):
            raise PermissionError("Bad password")
        event["response"].update(userAttributes={"email": name, "email_verified": "true", "name": "Old Timer"},
                                 finalUserStatus=status, messageAction="SUPPRESS")
        return event
    return user_migration


def test_user_migration_on_password_sign_in_then_srp_works(sandbox, cognito):
    seen = []
    sandbox.triggers.user_migration = legacy_directory(seen)
    result = password_sign_in(sandbox, cognito, "old@example.com", LEGACY["old@example.com"],
                              ClientMetadata={"app": "legacy"})
    id_claims = claims(result["AuthenticationResult"]["IdToken"])
    assert id_claims["email"] == "old@example.com" and id_claims["name"] == "Old Timer"
    [event] = seen
    assert event["triggerSource"] == "UserMigration_Authentication" and event["userName"] == "old@example.com"
    assert event["request"]["password"] == LEGACY["old@example.com"]
    assert event["request"]["validationData"] == {"app": "legacy"}  # InitiateAuth's ClientMetadata, as Cognito names it
    assert sandbox.user("old@example.com").status == "CONFIRMED"
    srp = srp_sign_in(sandbox, cognito, "old@example.com", LEGACY["old@example.com"])
    assert claims(srp["AuthenticationResult"]["IdToken"])["sub"] == id_claims["sub"]
    assert len(seen) == 1  # a migrated user is a pool user from now on


def test_user_migration_rejection_is_a_wrong_password(sandbox, cognito):
    seen = []
    sandbox.triggers.user_migration = legacy_directory(seen)
    with pytest.raises(ClientError) as excinfo:
        password_sign_in(sandbox, cognito, "old@example.com", "Not-The-Pass-1!")
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    assert sandbox.user("old@example.com") is None and len(seen) == 1
    with pytest.raises(ClientError) as srp_error:  # SRP never sends the password, so it cannot migrate anyone
        srp_sign_in(sandbox, cognito, "old@example.com", LEGACY["old@example.com"])
    assert error_of(srp_error)[0] == "NotAuthorizedException" and len(seen) == 1


def test_forgot_password_migrates_the_user_to_reset_required(sandbox, cognito):
    seen = []
    sandbox.triggers.user_migration = legacy_directory(seen, status="RESET_REQUIRED")
    delivery = cognito.forgot_password(ClientId=sandbox.client.client_id, Username="old@example.com",
                                       ClientMetadata={"via": "help-page"})
    assert delivery["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    [event] = seen
    assert event["triggerSource"] == "UserMigration_ForgotPassword" and "password" not in event["request"]
    assert event["request"]["clientMetadata"] == {"via": "help-page"}
    assert sandbox.user("old@example.com").status == "RESET_REQUIRED"
    with pytest.raises(ClientError) as excinfo:
        password_sign_in(sandbox, cognito, "old@example.com", LEGACY["old@example.com"])
    assert error_of(excinfo)[0] == "PasswordResetRequiredException"
    cognito.confirm_forgot_password(ClientId=sandbox.client.client_id, Username="old@example.com",
                                    ConfirmationCode=sandbox.outbox.last_code("old@example.com"),
                                    Password="Brand-New-Pass-1!")
    assert sandbox.user("old@example.com").status == "CONFIRMED"
    tokens = srp_sign_in(sandbox, cognito, "old@example.com", "Brand-New-Pass-1!")
    assert claims(tokens["AuthenticationResult"]["IdToken"])["email"] == "old@example.com"
