"""Where the sandbox answered other than Cognito (issue 13): AdminResetUserPassword sends a code, API-made app
clients have Cognito's defaults, VerifySoftwareToken's wrong-code message is Cognito's."""

from __future__ import annotations

import pytest

from amplify_nb.sandbox import Sandbox
from tests.conftest import cognito_client, fails

ADA, PASSWORD, NEW_PASSWORD = "ada@example.com", "Correct-Horse-9", "Brand-New-Horse-10"


@pytest.fixture
def sb():
    with Sandbox(moto=False) as sandbox:
        yield sandbox


def sign_in(idp=None, sb=None, password=None):
    return idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=sb.client.client_id,
                             AuthParameters={"USERNAME": ADA, "PASSWORD": password})


def test_admin_reset_user_password_sends_a_code_that_sets_a_new_password(sb):
    sb.create_user(ADA, PASSWORD, {"email": ADA, "email_verified": "true"})
    idp = cognito_client(sb)
    idp.admin_reset_user_password(UserPoolId=sb.pool.pool_id, Username=ADA)
    fails("PasswordResetRequiredException", sign_in, idp=idp, sb=sb, password=PASSWORD)
    code = sb.outbox.last_code(ADA)
    idp.confirm_forgot_password(ClientId=sb.client.client_id, Username=ADA, ConfirmationCode=code,
                                Password=NEW_PASSWORD)
    assert sign_in(idp, sb, NEW_PASSWORD)["AuthenticationResult"]


def test_admin_reset_user_password_without_a_verified_contact_is_refused(sb):
    sb.create_user(ADA, PASSWORD, {"email": ADA})
    error = fails("InvalidParameterException", cognito_client(sb).admin_reset_user_password,
                  UserPoolId=sb.pool.pool_id, Username=ADA)
    assert "no registered/verified email or phone_number" in error.response["Error"]["Message"]
    assert sign_in(cognito_client(sb), sb, PASSWORD)["AuthenticationResult"]  # nothing changed


def test_an_api_made_app_client_has_cognitos_defaults(sb):
    made = cognito_client(sb).create_user_pool_client(UserPoolId=sb.pool.pool_id, ClientName="api")["UserPoolClient"]
    assert set(made["ExplicitAuthFlows"]) == {"ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    assert made["PreventUserExistenceErrors"] == "LEGACY"


def test_verify_software_token_says_cognitos_words_for_a_wrong_code(sb):
    sb.create_user(ADA, PASSWORD, {"email": ADA})
    idp = cognito_client(sb)
    token = sign_in(idp, sb, PASSWORD)["AuthenticationResult"]["AccessToken"]
    idp.associate_software_token(AccessToken=token)
    error = fails("EnableSoftwareTokenMFAException", idp.verify_software_token, AccessToken=token, UserCode="000000")
    assert error.response["Error"]["Message"] == "Code mismatch and fail enable Software Token MFA"
