"""Social sign-in through the sandbox's managed login and its mock providers: Cognito sends the browser to the
provider, the provider's page picks a test identity, Cognito exchanges the provider's code and creates (or
reuses) the linked user ``Google_<sub>`` with its ``identities`` attribute, then answers the app with its code."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import jwt
import pytest
import requests

from amplify_nb.sandbox.oauth_browser import HostedUIBrowser
from tests.integration.oauth_support import CALLBACK, hosted_fixture  # noqa: F401 (the hosted fixture)


def social_url(sb, provider: str, **params: str) -> str:
    query = {"response_type": "code", "client_id": sb.client.client_id, "redirect_uri": CALLBACK,
             "state": "app-state", "identity_provider": provider,
             "scope": "openid email profile aws.cognito.signin.user.admin", **params}
    return f"{sb.endpoint_url}/oauth2/authorize?{urlencode(query)}"


def tokens(sb, code: str) -> dict:
    response = requests.post(f"{sb.endpoint_url}/oauth2/token", timeout=30, data={
        "grant_type": "authorization_code", "client_id": sb.client.client_id, "code": code, "redirect_uri": CALLBACK})
    assert response.status_code == 200, response.text
    return response.json()


def test_sign_in_with_google_creates_the_linked_user_with_its_identities(hosted, clock):
    sb, cognito, browser = hosted
    page = browser.open(social_url(sb, "Google", nonce="app-nonce"))
    assert page.url.startswith(f"{sb.endpoint_url}/_idp/google/authorize?")  # the provider's page, not Cognito's
    page = browser.submit(page.form("sub"), sub="1122334455", email="grace@example.com", name="Grace H")
    assert page.left and page.params["state"] == "app-state"
    user = sb.user("Google_1122334455")
    assert user.status == "EXTERNAL_PROVIDER"
    assert user.attributes["email"] == "grace@example.com" and user.attributes["name"] == "Grace H"
    assert json.loads(user.attributes["identities"]) == [{
        "userId": "1122334455", "providerName": "Google", "providerType": "Google", "issuer": None,
        "primary": True, "dateCreated": int(clock() * 1000)}]
    issued = tokens(sb, page.params["code"])
    id_claims = jwt.decode(issued["id_token"], options={"verify_signature": False})
    assert id_claims["cognito:username"] == "Google_1122334455" and id_claims["nonce"] == "app-nonce"
    assert id_claims["identities"] == [{"userId": "1122334455", "providerName": "Google", "providerType": "Google",
                                        "issuer": None, "primary": "true", "dateCreated": str(int(clock() * 1000))}]
    assert cognito.get_user(AccessToken=issued["access_token"])["Username"] == "Google_1122334455"


def test_a_second_sign_in_reuses_the_linked_user_and_refreshes_its_mapped_attributes(hosted):
    sb, _, browser = hosted
    page = browser.open(social_url(sb, "Google"))
    browser.submit(page.form("sub"), sub="777", email="old@example.com", name="Old")
    sub = sb.user("Google_777").sub
    page = browser.open(social_url(sb, "Google"))
    page = browser.submit(page.form("sub"), sub="777", email="new@example.com", name="New")
    assert page.left
    users = [u for u in sb.pool.users.values() if u.username.startswith("Google_")]
    assert len(users) == 1 and users[0].sub == sub and users[0].attributes["email"] == "new@example.com"


@pytest.mark.parametrize(("provider", "prefix", "slug"), [
    ("Facebook", "Facebook", "facebook"), ("LoginWithAmazon", "LoginWithAmazon", "amazon"),
    ("SignInWithApple", "SignInWithApple", "apple")])
def test_each_provider_links_its_own_user_from_a_preset_identity(hosted, provider, prefix, slug):
    sb, _, browser = hosted
    page = browser.open(social_url(sb, provider))
    assert page.url.startswith(f"{sb.endpoint_url}/_idp/{slug}/authorize?")
    preset = page.forms[0]  # "Continue as ..." one of the provider's test identities
    page = browser.submit(preset)
    assert page.left and "code" in page.params
    user = sb.user(f"{prefix}_{preset.fields['sub']}")
    assert user is not None and user.attributes["email"] == preset.fields["email"]
    assert json.loads(user.attributes["identities"])[0]["providerName"] == provider


def test_cancelling_at_the_provider_sends_access_denied_to_the_app(hosted):
    sb, _, browser = hosted
    page = browser.open(social_url(sb, "Google"))
    page = browser.submit(page.form("cancel"))
    assert page.left and page.params["error"] == "access_denied" and page.params["state"] == "app-state"
    assert not [u for u in sb.pool.users.values() if u.username.startswith("Google_")]


def test_the_provider_answer_is_good_once(hosted):
    sb, _, browser = hosted
    page = browser.open(social_url(sb, "Google"))
    form = page.form("sub")
    response = browser.session.post(form.action, data={**form.fields, "sub": "42"}, allow_redirects=False,
                                    timeout=30)
    idp_response = response.headers["Location"]  # .../oauth2/idpresponse?code=...&state=...
    assert browser.open(idp_response).left
    replay = browser.open(idp_response)
    assert not replay.left and replay.status == 400 and replay.error == "invalid_request"


def test_a_provider_the_client_does_not_support_is_refused(make_sandbox):
    sb, _ = make_sandbox(oauth=True, callback_urls=[CALLBACK], identity_providers=["Google"])
    with HostedUIBrowser(sb.endpoint_url) as browser:
        page = browser.open(social_url(sb, "Facebook"))
    assert page.left and page.params["error"] == "invalid_request"
    assert sb.config["auth"]["oauth"]["identity_providers"] == ["GOOGLE"]


def test_the_sign_in_page_offers_the_providers_and_idp_identifier_picks_one(hosted):
    sb, _, browser = hosted
    query = {"response_type": "code", "client_id": sb.client.client_id, "redirect_uri": CALLBACK}
    page = browser.open(f"{sb.endpoint_url}/oauth2/authorize?{urlencode(query)}")
    assert page.link("Continue with Google") and page.link("Continue with Apple")
    picked = browser.open(f"{sb.endpoint_url}/oauth2/authorize?{urlencode({**query, 'idp_identifier': 'gmail.com'})}")
    assert picked.url.startswith(f"{sb.endpoint_url}/_idp/google/authorize?")


def test_a_pre_sign_up_trigger_can_refuse_a_federated_user(hosted):
    sb, _, browser = hosted

    def refuse(event):
        assert event["triggerSource"] == "PreSignUp_ExternalProvider"
        raise RuntimeError("no outsiders")

    sb.triggers.pre_sign_up = refuse
    page = browser.open(social_url(sb, "Google"))
    page = browser.submit(page.form("sub"), sub="99")
    assert page.left and page.params["error"] == "invalid_request"
    assert "PreSignUp failed with error no outsiders." in page.params["error_description"]
    assert sb.user("Google_99") is None


def test_the_google_id_token_of_the_mock_provider_is_an_identity_pool_login(hosted):
    sb, _, _ = hosted
    idps = sb.hosted_ui.idps
    assert idps.app_ids["Google"] == sb.federation_app_ids["accounts.google.com"]
