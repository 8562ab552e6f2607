"""The sandbox's token, userInfo and revocation endpoints beyond the code exchange: client_credentials with a
resource server's scopes (sb.machine_config), refresh tokens (token endpoint and the API both ways), revocation,
userInfo's scopes, the implicit grant, and how a client authenticates (client_secret_basic / _post)."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import jwt
import pytest
import requests

import amplify_nb
from tests.integration.oauth_support import CALLBACK, hosted_fixture  # noqa: F401 (the hosted fixture)


def token_endpoint(sb, auth: tuple[str, str] | None = None, **form: str) -> requests.Response:
    return requests.post(f"{sb.endpoint_url}/oauth2/token", data=form, auth=auth, timeout=30)


def code_for(sb, browser, client=None, scope: str = "openid email profile aws.cognito.signin.user.admin") -> str:
    client = client or sb.client
    query = urlencode({"response_type": "code", "client_id": client.client_id, "redirect_uri": CALLBACK,
                       "scope": scope})
    page = browser.sign_in(f"{sb.endpoint_url}/oauth2/authorize?{query}", sb.demo_username, sb.demo_password)
    assert page.left, page.error
    return page.params["code"]


def tokens_for(sb, browser, scope: str = "openid email profile aws.cognito.signin.user.admin") -> dict:
    response = token_endpoint(sb, grant_type="authorization_code", client_id=sb.client.client_id,
                              code=code_for(sb, browser, scope=scope), redirect_uri=CALLBACK)
    assert response.status_code == 200, response.text
    return response.json()


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


# ---- client_credentials ------------------------------------------------------------------------------

def test_machine_config_reads_as_a_confidential_client_with_resource_server_scopes(hosted):
    sb, _, _ = hosted
    config = amplify_nb.Auth(sb.machine_config, name="machine-config").config
    machine = sb.hosted_ui.machine_client
    assert config.user_pool_client_id == machine.client_id and config.client_secret == machine.secret
    assert config.oauth.scopes == ("sandbox-api/read", "sandbox-api/write")
    assert config.oauth.domain == f"127.0.0.1:{sb.port}"
    assert sb.config["auth"]["user_pool_client_id"] == sb.client.client_id  # sb.config is unchanged


@pytest.mark.parametrize("how", ["client_secret_basic", "client_secret_post"])
def test_client_credentials_gives_an_access_token_with_the_asked_scope(hosted, how):
    sb, _, _ = hosted
    machine = sb.hosted_ui.machine_client
    if how == "client_secret_basic":
        response = token_endpoint(sb, (machine.client_id, machine.secret), grant_type="client_credentials",
                                  scope="sandbox-api/read")
    else:
        response = token_endpoint(sb, grant_type="client_credentials", scope="sandbox-api/read",
                                  client_id=machine.client_id, client_secret=machine.secret)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    access = claims(body["access_token"])
    assert access["scope"] == "sandbox-api/read" and access["sub"] == machine.client_id
    assert access["token_use"] == "access" and access["client_id"] == machine.client_id


def test_client_credentials_without_a_scope_gets_all_the_clients_scopes(hosted):
    sb, _, _ = hosted
    machine = sb.hosted_ui.machine_client
    body = token_endpoint(sb, (machine.client_id, machine.secret), grant_type="client_credentials").json()
    assert claims(body["access_token"])["scope"] == "sandbox-api/read sandbox-api/write"


@pytest.mark.parametrize("scope", ["sandbox-api/delete", "openid", "other-api/read"])
def test_client_credentials_refuses_scopes_the_client_does_not_have(hosted, scope):
    sb, _, _ = hosted
    machine = sb.hosted_ui.machine_client
    response = token_endpoint(sb, (machine.client_id, machine.secret), grant_type="client_credentials", scope=scope)
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


def test_client_credentials_needs_the_right_secret(hosted):
    sb, _, _ = hosted
    machine = sb.hosted_ui.machine_client
    wrong = token_endpoint(sb, (machine.client_id, machine.secret + "x"), grant_type="client_credentials")
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    missing = token_endpoint(sb, grant_type="client_credentials", client_id=machine.client_id)
    assert missing.status_code == 401 and missing.json()["error"] == "invalid_client"


def test_a_public_client_is_not_allowed_client_credentials(hosted):
    sb, _, _ = hosted
    response = token_endpoint(sb, grant_type="client_credentials", client_id=sb.client.client_id,
                              scope="sandbox-api/read")
    assert response.status_code == 400 and response.json()["error"] == "unauthorized_client"


def test_the_machine_client_is_not_allowed_the_code_grant(hosted):
    sb, _, browser = hosted
    machine = sb.hosted_ui.machine_client
    query = urlencode({"response_type": "code", "client_id": machine.client_id, "redirect_uri": CALLBACK})
    page = browser.open(f"{sb.endpoint_url}/oauth2/authorize?{query}")
    assert page.error == "redirect_mismatch"  # it has no callback URLs at all
    response = token_endpoint(sb, (machine.client_id, machine.secret), grant_type="authorization_code", code="x",
                              redirect_uri=CALLBACK)
    assert response.json()["error"] == "unauthorized_client"


def test_cognito_refuses_client_credentials_mixed_with_the_code_grant(hosted):
    sb, _, _ = hosted
    with pytest.raises(ValueError, match="client_credentials only alone"):
        sb.hosted_ui.enable(sb.add_client(secret=True), flows=("code", "client_credentials"),
                            callback_urls=[CALLBACK])
    with pytest.raises(ValueError, match="confidential"):
        sb.hosted_ui.enable(sb.add_client(), flows=("client_credentials",))


@pytest.mark.parametrize(("form", "error"), [
    ({"grant_type": "password", "username": "x", "password": "y"}, "unsupported_grant_type"),
    ({}, "invalid_request"),
    ({"grant_type": "authorization_code", "code": "x"}, "invalid_request"),  # no redirect_uri
    ({"grant_type": "refresh_token"}, "invalid_request"),
])
def test_token_endpoint_request_errors(hosted, form, error):
    sb, _, _ = hosted
    response = token_endpoint(sb, client_id=sb.client.client_id, **form)
    assert response.status_code == 400 and response.json()["error"] == error


def test_an_unknown_client_is_invalid_client(hosted):
    sb, _, _ = hosted
    response = token_endpoint(sb, grant_type="refresh_token", refresh_token="x", client_id="nope")
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


# ---- refresh tokens and revocation ---------------------------------------------------------------------

def test_the_refresh_token_grant_keeps_the_scopes_and_gives_no_new_refresh_token(hosted):
    sb, _, browser = hosted
    tokens = tokens_for(sb, browser, scope="openid email aws.cognito.signin.user.admin")
    response = token_endpoint(sb, grant_type="refresh_token", client_id=sb.client.client_id,
                              refresh_token=tokens["refresh_token"])
    assert response.status_code == 200, response.text
    renewed = response.json()
    assert set(renewed) == {"id_token", "access_token", "expires_in", "token_type"}
    assert claims(renewed["access_token"])["scope"] == "openid email aws.cognito.signin.user.admin"
    assert claims(renewed["id_token"])["sub"] == claims(tokens["id_token"])["sub"]


def test_a_hosted_ui_refresh_token_works_with_the_api_and_an_api_one_with_the_token_endpoint(hosted):
    sb, cognito, browser = hosted
    tokens = tokens_for(sb, browser)
    result = cognito.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=sb.client.client_id,
                                   AuthParameters={"REFRESH_TOKEN": tokens["refresh_token"]})["AuthenticationResult"]
    assert "openid" in claims(result["AccessToken"])["scope"].split()
    api = cognito.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=sb.client.client_id, AuthParameters={
        "USERNAME": sb.demo_username, "PASSWORD": sb.demo_password})["AuthenticationResult"]
    renewed = token_endpoint(sb, grant_type="refresh_token", client_id=sb.client.client_id,
                             refresh_token=api["RefreshToken"]).json()
    assert claims(renewed["access_token"])["scope"] == "aws.cognito.signin.user.admin"


def test_revoke_then_refresh_is_refused_and_its_access_tokens_stop_working(hosted):
    sb, cognito, browser = hosted
    tokens = tokens_for(sb, browser)
    revoked = requests.post(f"{sb.endpoint_url}/oauth2/revoke", timeout=30,
                            data={"token": tokens["refresh_token"], "client_id": sb.client.client_id})
    assert revoked.status_code == 200 and revoked.text == ""
    refresh = token_endpoint(sb, grant_type="refresh_token", client_id=sb.client.client_id,
                             refresh_token=tokens["refresh_token"])
    assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.get_user(AccessToken=tokens["access_token"])


def test_revoke_refuses_an_access_token_and_answers_an_unknown_token_with_200(hosted):
    sb, _, browser = hosted
    tokens = tokens_for(sb, browser)
    url, client_id = f"{sb.endpoint_url}/oauth2/revoke", sb.client.client_id
    wrong_type = requests.post(url, data={"token": tokens["access_token"], "client_id": client_id}, timeout=30)
    assert wrong_type.status_code == 400 and wrong_type.json()["error"] == "unsupported_token_type"
    assert requests.post(url, data={"token": "unknown", "client_id": client_id}, timeout=30).status_code == 200
    assert requests.post(url, data={"client_id": client_id}, timeout=30).json()["error"] == "invalid_request"


def test_a_refresh_token_is_only_for_the_client_it_was_issued_to(hosted):
    sb, _, browser = hosted
    tokens = tokens_for(sb, browser)
    other = sb.add_client(name="other")
    response = token_endpoint(sb, grant_type="refresh_token", client_id=other.client_id,
                              refresh_token=tokens["refresh_token"])
    assert response.json()["error"] == "invalid_grant"


# ---- userInfo -----------------------------------------------------------------------------------------

def user_info(sb, token: str) -> requests.Response:
    return requests.get(f"{sb.endpoint_url}/oauth2/userInfo", headers={"Authorization": f"Bearer {token}"},
                        timeout=30)


def test_user_info_answers_with_the_attributes_the_scopes_allow(hosted):
    sb, _, browser = hosted
    everything = user_info(sb, tokens_for(sb, browser, scope="openid")["access_token"]).json()
    assert everything["email"] == sb.demo_username and everything["name"] == "Demo User"
    email_only = user_info(sb, tokens_for(sb, browser, scope="openid email")["access_token"]).json()
    assert email_only == {"sub": everything["sub"], "email": sb.demo_username, "email_verified": "true",
                          "username": everything["username"]}


def test_user_info_refuses_tokens_without_openid_and_expired_ones(hosted, clock):
    sb, cognito, browser = hosted
    srp = cognito.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=sb.client.client_id, AuthParameters={
        "USERNAME": sb.demo_username, "PASSWORD": sb.demo_password})["AuthenticationResult"]
    refused = user_info(sb, srp["AccessToken"])
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    token = tokens_for(sb, browser)["access_token"]
    clock.advance(3600)
    assert user_info(sb, token).status_code == 401
    assert requests.get(f"{sb.endpoint_url}/oauth2/userInfo", timeout=30).json()["error"] == "invalid_request"


# ---- the implicit grant ----------------------------------------------------------------------------------

def test_the_implicit_grant_puts_tokens_in_the_fragment_when_the_client_allows_it(hosted):
    sb, _, browser = hosted
    spa = sb.hosted_ui.enable(sb.add_client(name="spa"), flows=("implicit",), callback_urls=[CALLBACK])
    query = urlencode({"response_type": "token", "client_id": spa.client_id, "redirect_uri": CALLBACK,
                       "state": "s1", "nonce": "n1", "scope": "openid email"})
    page = browser.sign_in(f"{sb.endpoint_url}/oauth2/authorize?{query}", sb.demo_username, sb.demo_password)
    assert page.left and "?" not in page.url and "#" in page.url  # in the fragment, never sent to a server
    params = page.params
    assert set(params) == {"id_token", "access_token", "expires_in", "token_type", "state"}
    assert params["state"] == "s1" and claims(params["id_token"])["nonce"] == "n1"
    code_query = urlencode({"response_type": "code", "client_id": spa.client_id, "redirect_uri": CALLBACK})
    refused = browser.open(f"{sb.endpoint_url}/oauth2/authorize?{code_query}")
    assert refused.params["error"] == "unauthorized_client"


# ---- a confidential app client on the code grant ---------------------------------------------------------

def test_a_confidential_client_exchanges_its_code_with_client_secret_basic(hosted):
    sb, _, browser = hosted
    web = sb.hosted_ui.enable(sb.add_client(name="web", secret=True), callback_urls=[CALLBACK])
    code = code_for(sb, browser, client=web)
    without = token_endpoint(sb, grant_type="authorization_code", client_id=web.client_id, code=code,
                             redirect_uri=CALLBACK)
    assert without.status_code == 401 and without.json()["error"] == "invalid_client"
    code = code_for(sb, browser, client=web)
    basic = "Basic " + base64.b64encode(f"{web.client_id}:{web.secret}".encode()).decode()
    response = requests.post(f"{sb.endpoint_url}/oauth2/token", headers={"Authorization": basic}, timeout=30,
                             data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK})
    assert response.status_code == 200 and "refresh_token" in response.json()
