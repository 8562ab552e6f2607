"""The sandbox's managed login speaks standard OAuth 2.0 / OpenID Connect, not only to amplify_nb's client:
authlib's own OAuth2Session (nobody here wrote it) finds the endpoints in the discovery document, completes the
authorization code grant with PKCE S256, and the ID token verifies with the discovery document's jwks_uri and
authlib's OpenID Connect claim checks (issuer, audience, expiry, nonce, at_hash)."""

from __future__ import annotations

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations import requests_client as authlib_client
from authlib.integrations.base_client import OAuthError
from authlib.oidc.core import CodeIDToken
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet

from amplify_nb.sandbox.oauth_browser import HostedUIBrowser

CALLBACK = "http://localhost:3000/callback"


@pytest.fixture
def discovered(make_sandbox):
    """A sandbox on the real clock (authlib checks exp and iat against it) and its discovery document."""
    sb, _ = make_sandbox(oauth=True, callback_urls=[CALLBACK])
    document = requests.get(f"{sb.endpoint_url}/{sb.pool.pool_id}/.well-known/openid-configuration", timeout=30)
    assert document.status_code == 200
    return sb, document.json()


def test_authlib_completes_code_with_pkce_and_verifies_the_id_token(discovered):
    sb, metadata = discovered
    session = authlib_client.OAuth2Session(sb.client.client_id, redirect_uri=CALLBACK,
                                           scope="openid email profile aws.cognito.signin.user.admin",
                                           code_challenge_method="S256")
    verifier, nonce = generate_token(64), generate_token(24)
    url, state = session.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier,
                                                  nonce=nonce)
    assert "code_challenge=" in url and "code_verifier" not in url
    with HostedUIBrowser(sb.endpoint_url) as browser:
        back = browser.sign_in(url, sb.demo_username, sb.demo_password)
    assert back.left and back.params["state"] == state
    token = session.fetch_token(metadata["token_endpoint"], authorization_response=back.url, code_verifier=verifier)
    assert {"access_token", "id_token", "refresh_token"} <= set(token)

    keys = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=30).json())
    decoded = jose_jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    claims = CodeIDToken(decoded.claims, decoded.header,
                         options={"iss": {"essential": True, "value": metadata["issuer"]},
                                  "aud": {"essential": True, "value": sb.client.client_id}},
                         params={"nonce": nonce, "access_token": token["access_token"]})
    claims.validate(leeway=5)
    assert claims["email"] == sb.demo_username

    # The access token works at the userInfo endpoint (authlib adds the Bearer header)...
    info = session.get(metadata["userinfo_endpoint"], timeout=30).json()
    assert info["sub"] == claims["sub"]
    # ...and authlib's refresh uses the token endpoint's refresh_token grant.
    renewed = session.refresh_token(metadata["token_endpoint"], refresh_token=token["refresh_token"])
    assert renewed["access_token"] != token["access_token"]


def test_authlib_sees_a_tampered_verifier_refused(discovered):
    sb, metadata = discovered
    session = authlib_client.OAuth2Session(sb.client.client_id, redirect_uri=CALLBACK, scope="openid",
                                           code_challenge_method="S256")
    url, _ = session.create_authorization_url(metadata["authorization_endpoint"], code_verifier=generate_token(64))
    with HostedUIBrowser(sb.endpoint_url) as browser:
        back = browser.sign_in(url, sb.demo_username, sb.demo_password)
    with pytest.raises(OAuthError) as refused:
        session.fetch_token(metadata["token_endpoint"], authorization_response=back.url,
                            code_verifier=generate_token(64))
    assert refused.value.error == "invalid_grant"


def test_authlib_client_credentials_with_client_secret_basic(discovered):
    sb, metadata = discovered
    machine = sb.hosted_ui.machine_client
    session = authlib_client.OAuth2Session(machine.client_id, machine.secret, scope="sandbox-api/read")
    token = session.fetch_token(metadata["token_endpoint"], grant_type="client_credentials")
    assert token["token_type"] == "Bearer" and token["access_token"]
