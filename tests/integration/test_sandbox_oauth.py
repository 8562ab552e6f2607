"""The sandbox's managed login (Cognito's hosted UI) through a plain HTTP client: the authorization code grant
with PKCE through the sign-in form and the user's MFA, the failures Cognito answers on its pages, with its error
page or back at the app, the managed-login session and sign-out, and the configuration it writes.

The browser is HostedUIBrowser (requests): it follows the sandbox's redirects, keeps cookies, fills forms, and
stops at the app's redirect URI, which no one needs to serve. Time moves on the sandbox's injected clock.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from urllib.parse import urlencode

import jwt
import pyotp
import pytest
import requests

import amplify_nb
from amplify_nb.sandbox.oauth_browser import HostedUIBrowser

CALLBACK = "http://localhost:3000/callback"
SIGNED_OUT = "http://localhost:3000/signed-out"
PASSWORD = "Correct-Horse-9"
ADA = "ada@example.com"


@pytest.fixture
def hosted(make_sandbox, clock):
    """A sandbox with the managed login on the test's clock, and a browser on it (closed after the test)."""
    sb, cognito = make_sandbox(clock=clock, oauth=True, callback_urls=[CALLBACK], logout_urls=[SIGNED_OUT])
    with HostedUIBrowser(sb.endpoint_url) as browser:
        yield sb, cognito, browser


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(sb, challenge: str | None = None, client=None, **params: str) -> str:
    query = {"response_type": "code", "client_id": (client or sb.client).client_id, "redirect_uri": CALLBACK,
             "state": "state-123", "scope": "openid email profile aws.cognito.signin.user.admin", **params}
    if challenge:
        query.update(code_challenge=challenge, code_challenge_method="S256")
    return f"{sb.endpoint_url}/oauth2/authorize?{urlencode(query)}"


def exchange(sb, code: str, verifier: str | None, **extra: str) -> requests.Response:
    data = {"grant_type": "authorization_code", "client_id": sb.client.client_id, "code": code,
            "redirect_uri": CALLBACK, **({"code_verifier": verifier} if verifier else {}), **extra}
    return requests.post(f"{sb.endpoint_url}/oauth2/token", data=data, timeout=30)


def signed_in_code(sb, browser, challenge: str, username: str | None = None, password: str | None = None) -> str:
    page = browser.sign_in(authorize_url(sb, challenge), username or sb.demo_username, password or sb.demo_password)
    assert page.left and page.url.startswith(CALLBACK + "?"), (page.url, page.error)
    assert page.params["state"] == "state-123"
    return page.params["code"]


def new_code(sb, browser) -> tuple[str, str]:
    """A sign-in through the form with a new PKCE pair: the code it gave, and the pair's verifier."""
    verifier, challenge = pkce()
    return signed_in_code(sb, browser, challenge), verifier


def assert_invalid_grant(response: requests.Response) -> None:
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant", response.text


def verified_claims(sb, token: str, **options) -> dict:
    """The claims of a sandbox JWT, checked against the pool's JWKS as an app would."""
    keys = jwt.PyJWKClient(f"{sb.endpoint_url}/{sb.pool.pool_id}/.well-known/jwks.json", cache_keys=False)
    return jwt.decode(token, keys.get_signing_key_from_jwt(token).key, algorithms=["RS256"],
                      issuer=f"https://cognito-idp.{sb.region}.amazonaws.com/{sb.pool.pool_id}",
                      options={"verify_exp": False, "verify_iat": False, **options.pop("options", {})}, **options)


# ---- the authorization code grant with PKCE -------------------------------------------------------------

def test_code_with_pkce_through_the_sign_in_form_gives_verifiable_tokens(hosted):
    sb, cognito, browser = hosted
    verifier, challenge = pkce()
    page = browser.open(authorize_url(sb, challenge, nonce="nonce-456"))
    assert page.status == 200 and page.url.startswith(f"{sb.endpoint_url}/login?")  # Cognito's sign-in page
    page = browser.submit(page.form("password"), username=sb.demo_username, password=sb.demo_password)
    assert page.left and page.params["state"] == "state-123"
    response = exchange(sb, page.params["code"], verifier)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert set(tokens) == {"id_token", "access_token", "refresh_token", "expires_in", "token_type"}
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    assert response.headers["Cache-Control"] == "no-store"
    id_claims = verified_claims(sb, tokens["id_token"], audience=sb.client.client_id)
    assert id_claims["nonce"] == "nonce-456" and id_claims["email"] == sb.demo_username
    assert id_claims["token_use"] == "id" and id_claims["at_hash"]
    access = verified_claims(sb, tokens["access_token"])
    assert access["scope"].split() == ["openid", "email", "profile", "aws.cognito.signin.user.admin"]
    # Tokens as an SRP sign-in's: the user-pool API takes the access token.
    assert cognito.get_user(AccessToken=tokens["access_token"])["Username"] == sb.user(sb.demo_username).username
    assert [c.operation for c in sb.calls[-5:]] == ["oauth2/authorize", "login", "login", "oauth2/token", "GetUser"]


def test_without_aws_cognito_scope_the_access_token_is_not_for_the_user_pool_api(hosted):
    sb, cognito, browser = hosted
    verifier, challenge = pkce()
    page = browser.sign_in(authorize_url(sb, challenge, scope="openid email"), sb.demo_username, sb.demo_password)
    tokens = exchange(sb, page.params["code"], verifier).json()
    with pytest.raises(cognito.exceptions.NotAuthorizedException, match="required scopes"):
        cognito.get_user(AccessToken=tokens["access_token"])


def test_a_wrong_pkce_verifier_is_refused_with_invalid_grant(hosted):
    sb, _, browser = hosted
    code, verifier = new_code(sb, browser)
    response = exchange(sb, code, pkce()[0])
    assert_invalid_grant(response)
    assert "access_token" not in response.text
    # The code was spent by the failed try: the right verifier cannot use it any more.
    assert_invalid_grant(exchange(sb, code, verifier))


def test_a_missing_pkce_verifier_is_refused_with_invalid_grant(hosted):
    sb, _, browser = hosted
    code, _ = new_code(sb, browser)
    assert_invalid_grant(exchange(sb, code, None))


def test_a_replayed_code_is_refused_with_invalid_grant(hosted):
    sb, _, browser = hosted
    code, verifier = new_code(sb, browser)
    assert exchange(sb, code, verifier).status_code == 200
    replay = exchange(sb, code, verifier)
    assert replay.status_code == 400 and replay.json() == {"error": "invalid_grant"}


def test_a_code_expires_after_five_minutes(hosted, clock):
    sb, _, browser = hosted
    code, verifier = new_code(sb, browser)
    clock.advance(300)
    assert_invalid_grant(exchange(sb, code, verifier))


def test_a_code_is_only_for_its_redirect_uri_and_client(hosted):
    sb, _, browser = hosted
    verifier, challenge = pkce()
    code = signed_in_code(sb, browser, challenge)
    assert exchange(sb, code, verifier, redirect_uri=CALLBACK + "/other").json()["error"] == "invalid_grant"
    other = sb.add_client(name="other")
    sb.hosted_ui.enable(other, callback_urls=[CALLBACK])
    code = signed_in_code(sb, browser, challenge)
    assert exchange(sb, code, verifier, client_id=other.client_id).json()["error"] == "invalid_grant"


# ---- what the sign-in pages refuse --------------------------------------------------------------------

def test_a_wrong_password_is_refused_on_the_page_then_the_right_one_signs_in(hosted):
    sb, _, browser = hosted
    page = browser.open(authorize_url(sb, pkce()[1]))
    page = browser.submit(page.form("password"), username=sb.demo_username, password=sb.demo_password + "x")
    assert not page.left and page.status == 200
    assert page.error == "Incorrect username or password."
    assert sb.calls[-1].outcome == "NotAuthorizedException"
    page = browser.submit(page.form("password"), username=sb.demo_username, password=sb.demo_password)
    assert page.left and "code" in page.params


def test_wrong_passwords_on_the_page_count_toward_the_lockout(hosted):
    sb, _, browser = hosted
    page = browser.open(authorize_url(sb))
    for _ in range(sb.backend.LOCKOUT_AFTER):
        page = browser.submit(page.form("password"), username=sb.demo_username, password="Wrong-pass-1")
    page = browser.submit(page.form("password"), username=sb.demo_username, password=sb.demo_password)
    assert not page.left and page.error == "Password attempts exceeded"


def test_an_unknown_user_reads_as_a_wrong_password(hosted):
    sb, _, browser = hosted
    page = browser.sign_in(authorize_url(sb), "nobody@example.com", PASSWORD)
    assert not page.left and page.error == "Incorrect username or password."


def test_a_sign_in_form_posted_without_its_anti_forgery_token_is_refused(hosted):
    sb, _, browser = hosted
    page = browser.open(authorize_url(sb))
    form = page.form("password")
    forged = {k: v for k, v in form.fields.items() if k != "_csrf"}
    response = requests.post(form.action, data={**forged, "username": sb.demo_username,
                                                "password": sb.demo_password}, allow_redirects=False, timeout=30)
    assert response.status_code == 403 and "Location" not in response.headers


@pytest.mark.parametrize("method", ["SMS_MFA", "EMAIL_OTP"])
def test_a_wrong_mfa_code_is_refused_on_the_page_then_the_outbox_code_signs_in(hosted, method):
    sb, _, browser = hosted
    sb.create_user(ADA, PASSWORD, {"email": ADA, "email_verified": "true", "phone_number": "+15555550123"},
                   mfa=[method])
    page = browser.sign_in(authorize_url(sb), ADA, PASSWORD)
    assert not page.left and page.form("code")
    code = sb.outbox.last_code(kind="Authentication")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    page = browser.submit(page.form("code"), code=wrong)
    assert not page.left and page.error == "Invalid code or auth state for the user."
    assert sb.calls[-1].outcome == "CodeMismatchException"
    page = browser.submit(page.form("code"), code=code)
    assert page.left and "code" in page.params


def test_a_totp_user_signs_in_with_the_authenticator_code(hosted, clock):
    sb, _, browser = hosted
    user = sb.create_user(ADA, PASSWORD, {"email": ADA, "email_verified": "true"}, mfa=["SOFTWARE_TOKEN_MFA"])
    totp = pyotp.TOTP(user.totp_secret)
    page = browser.sign_in(authorize_url(sb), ADA, PASSWORD)
    page = browser.submit(page.form("code"), code=totp.at(clock() + 300))  # ten steps away: wrong
    assert page.error == "Invalid code or auth state for the user."
    page = browser.submit(page.form("code"), code=totp.at(clock()))
    assert page.left and "code" in page.params


def test_three_wrong_mfa_codes_end_the_sign_in(hosted):
    sb, _, browser = hosted
    sb.create_user(ADA, PASSWORD, {"email": ADA, "email_verified": "true"}, mfa=["EMAIL_OTP"])
    page = browser.sign_in(authorize_url(sb), ADA, PASSWORD)
    code = sb.outbox.last_code(ADA)
    for _ in range(3):
        page = browser.submit(page.form("code"), code="000000" if code != "000000" else "111111")
    page = browser.submit(page.form("code"), code=code)  # too late: the sign-in session is over
    assert not page.left and page.form("password") and page.error == "Invalid session for the user."


def test_a_user_with_several_methods_chooses_one_on_the_page(hosted):
    sb, _, browser = hosted
    sb.create_user(ADA, PASSWORD, {"email": ADA, "email_verified": "true", "phone_number": "+15555550123"},
                   mfa=["SMS_MFA", "EMAIL_OTP"])
    page = browser.sign_in(authorize_url(sb), ADA, PASSWORD)
    page = browser.submit(page.form("mfa_type"), mfa_type="EMAIL_OTP")
    message = sb.outbox.last(ADA)
    assert message.medium == "EMAIL"
    assert browser.submit(page.form("code"), code=message.code).left


def test_a_temporary_password_is_changed_on_the_page_within_the_pool_policy(hosted):
    sb, _, browser = hosted
    sb.create_user(ADA, "Temp-pass-1", {"email": ADA}, temporary=True)
    page = browser.sign_in(authorize_url(sb), ADA, "Temp-pass-1")
    page = browser.submit(page.form("new_password"), new_password="short", confirm_password="short")
    assert page.error.startswith("Password did not conform with policy")
    page = browser.submit(page.form("new_password"), new_password=PASSWORD, confirm_password=PASSWORD)
    assert page.left and "code" in page.params
    assert sb.user(ADA).status == "CONFIRMED"  # with their own password now:
    assert browser.sign_in(authorize_url(sb, prompt="login"), ADA, PASSWORD).left


# ---- errors on Cognito's page or back at the app ----------------------------------------------------

def test_an_unregistered_redirect_uri_is_a_redirect_mismatch_page_never_a_redirect(hosted):
    sb, _, browser = hosted
    page = browser.open(authorize_url(sb, redirect_uri="http://localhost:3000/elsewhere"))
    assert not page.left and page.status == 400
    assert page.url.startswith(f"{sb.endpoint_url}/error?error=redirect_mismatch&")
    assert page.error == "redirect_mismatch" and "An error was encountered with the requested page." in page.text
    assert page.params["client_id"] == sb.client.client_id


@pytest.mark.parametrize(("params", "error"), [
    ({"scope": "openid aws.cognito.signin.user.admin sandbox-api/read"}, "invalid_scope"),
    ({"scope": "email"}, "invalid_scope"),  # email without openid
    ({"response_type": "token"}, "unauthorized_client"),  # the default client allows the code grant only
    ({"response_type": "id_token"}, "unsupported_response_type"),
    ({"response_type": ""}, "invalid_request"),
    ({"code_challenge": "x" * 43, "code_challenge_method": "plain"}, "invalid_request"),
    ({"identity_provider": "Okta"}, "invalid_request"),
    ({"prompt": "none"}, "login_required"),
])
def test_authorize_errors_go_back_to_the_registered_redirect_uri_with_the_state(hosted, params, error):
    sb, _, browser = hosted
    page = browser.open(authorize_url(sb, **params))
    assert page.left and page.url.startswith(CALLBACK + "?")
    assert page.params["error"] == error and page.params["state"] == "state-123"
    assert "code" not in page.params


def test_an_unknown_client_is_an_error_page(hosted):
    sb, _, browser = hosted
    page = browser.open(authorize_url(sb, client_id="no-such-client"))
    assert page.status == 400 and not page.left and page.error == "invalid_request"


# ---- the managed-login session and sign-out ---------------------------------------------------------

def test_the_session_cookie_signs_in_again_without_the_form_until_logout(hosted):
    sb, _, browser = hosted
    verifier, challenge = pkce()
    signed_in_code(sb, browser, challenge)
    again = browser.open(authorize_url(sb, challenge))  # no form: the session knows the user
    assert again.left and "code" in again.params
    tokens = exchange(sb, again.params["code"], verifier).json()
    assert jwt.decode(tokens["id_token"], options={"verify_signature": False})["email"] == sb.demo_username
    query = urlencode({"client_id": sb.client.client_id, "logout_uri": SIGNED_OUT})
    out = browser.open(f"{sb.endpoint_url}/logout?{query}")
    assert out.left and out.url == SIGNED_OUT
    assert not browser.open(authorize_url(sb, challenge)).left  # the sign-in form again
    # Sign-out ends the browser's session only; the app's tokens are revoked by the app (/oauth2/revoke).
    refreshed = requests.post(f"{sb.endpoint_url}/oauth2/token", data={
        "grant_type": "refresh_token", "client_id": sb.client.client_id, "refresh_token": tokens["refresh_token"]},
        timeout=30)
    assert refreshed.status_code == 200


def test_an_unregistered_logout_uri_is_refused_and_keeps_the_session(hosted):
    sb, _, browser = hosted
    signed_in_code(sb, browser, pkce()[1])
    query = urlencode({"client_id": sb.client.client_id, "logout_uri": "http://localhost:3000/not-registered"})
    page = browser.open(f"{sb.endpoint_url}/logout?{query}")
    assert not page.left and page.status == 400 and page.error == "redirect_mismatch"
    assert browser.open(authorize_url(sb)).left  # still signed in


def test_logout_with_a_redirect_uri_shows_the_sign_in_form_again(hosted):
    sb, _, browser = hosted
    signed_in_code(sb, browser, pkce()[1])
    query = urlencode({"client_id": sb.client.client_id, "redirect_uri": CALLBACK, "response_type": "code"})
    page = browser.open(f"{sb.endpoint_url}/logout?{query}")
    assert not page.left and page.form("password")


def test_prompt_login_asks_again_despite_the_session(hosted):
    sb, _, browser = hosted
    signed_in_code(sb, browser, pkce()[1])
    assert browser.open(authorize_url(sb, prompt="login")).form("password")


def test_the_session_lasts_an_hour(hosted, clock):
    sb, _, browser = hosted
    signed_in_code(sb, browser, pkce()[1])
    clock.advance(3600)
    assert not browser.open(authorize_url(sb)).left


# ---- configuration, discovery, secrets ---------------------------------------------------------------

def test_the_config_has_the_oauth_section_that_amplify_nb_reads(hosted):
    sb, _, _ = hosted
    section = sb.config["auth"]["oauth"]
    assert section["domain"] == f"127.0.0.1:{sb.port}" and section["response_type"] == "code"
    assert section["redirect_sign_in_uri"] == [CALLBACK] and section["redirect_sign_out_uri"] == [SIGNED_OUT]
    assert section["identity_providers"] == ["GOOGLE", "FACEBOOK", "LOGIN_WITH_AMAZON", "SIGN_IN_WITH_APPLE"]
    oauth = amplify_nb.Auth(sb.config, name="oauth-config").config.oauth
    assert oauth.domain == f"127.0.0.1:{sb.port}" and oauth.redirect_sign_in == (CALLBACK,)
    assert oauth.redirect_sign_out == (SIGNED_OUT,) and oauth.response_type == "code"
    assert "openid" in oauth.scopes
    assert oauth.identity_providers == ("Google", "Facebook", "LoginWithAmazon", "SignInWithApple")


def test_the_discovery_document_names_the_tokens_issuer_and_the_sandbox_endpoints(hosted):
    sb, _, _ = hosted
    document = requests.get(f"{sb.endpoint_url}/{sb.pool.pool_id}/.well-known/openid-configuration",
                            timeout=30).json()
    assert document["issuer"] == f"https://cognito-idp.{sb.region}.amazonaws.com/{sb.pool.pool_id}"
    assert document["token_endpoint"] == f"{sb.endpoint_url}/oauth2/token"
    assert document["authorization_endpoint"] == f"{sb.endpoint_url}/oauth2/authorize"
    assert requests.get(document["jwks_uri"], timeout=30).json()["keys"]


@pytest.mark.parametrize("options", [{"callback_urls": ["http://127.0.0.1:3000/cb"]},
                                     {"callback_urls": ["https://app.example.com/#frag"]},
                                     {"identity_providers": ["Okta"]}])
def test_callback_urls_and_providers_cognito_refuses_are_refused(options):
    from amplify_nb.sandbox import Sandbox

    with pytest.raises(ValueError):
        Sandbox(moto=False, oauth=True, **options)


def test_managed_login_options_without_oauth_are_refused():
    from amplify_nb.sandbox import Sandbox

    with pytest.raises(ValueError, match="oauth=True"):
        Sandbox(moto=False, callback_urls=[CALLBACK])


def test_no_code_verifier_password_or_token_reaches_a_log_or_the_call_record(hosted, caplog):
    sb, _, browser = hosted
    caplog.set_level(logging.DEBUG)
    code, verifier = new_code(sb, browser)
    tokens = exchange(sb, code, verifier).json()
    requests.post(f"{sb.endpoint_url}/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": sb.hosted_ui.machine_client.client_id,
        "client_secret": sb.hosted_ui.machine_client.secret}, timeout=30)
    # The challenge is public (it is in the authorize URL, which the test's own HTTP client logs); these are not.
    secrets_seen = [verifier, code, sb.demo_password, tokens["access_token"], tokens["refresh_token"],
                    tokens["id_token"], sb.hosted_ui.machine_client.secret]
    logged = "\n".join(record.getMessage() + str(record.args) for record in caplog.records)
    assert logged  # every logger at DEBUG was listening
    recorded = repr(sb.calls)
    for secret in secrets_seen:
        assert secret not in logged and secret not in recorded
