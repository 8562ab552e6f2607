"""The widgets' way through the hosted UI, against the fake hosted UI at the network edge: Amplify UI's
social_providers buttons and the hosted-UI button of the Authenticator, OAuthButton / with_oauth, the link
that opens a new tab, the background wait followed through the Hub, paste mode, failures, cancel, and
sign-out with redirect; no authorization code, PKCE verifier or token in any widget's state."""

from __future__ import annotations

import html
import re
import threading
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, urlencode, urlsplit

import ipywidgets as widgets
import pytest

import amplify_nb
from amplify_nb.errors import ValidationError
from amplify_nb.widgets import Authenticator, I18n, OAuthButton, with_oauth
from amplify_nb.widgets.hosted_ui import HOSTED_UI
from amplify_nb.widgets.vocabularies import DE, FR, LABELS
from tests.integration.test_widget import submit, widget_texts

from .conftest import CLIENT_ID
from .hosted_views_support import SIGNED_OUT, Browser, callbacks_fixture, fake_fixture, hosted_config  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _fresh_widgets():
    yield
    widgets.Widget.close_all()  # also cancels any hosted-UI sign-in still waiting
    I18n.reset()


@pytest.fixture
def make(fake, jwks, callbacks):
    made = []

    def make_auth(callbacks=callbacks, **options):
        config = hosted_config(fake, jwks.url, callbacks, sign_out=(SIGNED_OUT,), **options)
        auth = amplify_nb.Auth(config, name=f"hosted-widget-{len(made)}")
        made.append(auth)
        return auth
    return make_auth


def labels(view) -> list[str]:
    return [button.description for button in view.hosted_ui.buttons.values()]


def href(panel) -> str:
    found = re.search(r'href="([^"]+)"', panel.link.value)
    assert found, panel.link.value
    return html.unescape(found.group(1))


def signed_in_event(authenticator) -> threading.Event:
    done = threading.Event()
    authenticator.on_state_change(lambda state, _data: done.set() if state == "signedIn" else None)
    return done


def secrets_of(fake) -> list[str]:
    """The code and the PKCE verifier the client sent to the token endpoint."""
    return [value for body in fake.token_bodies() for key, value in body.items() if key in ("code", "code_verifier")]


# ---- options --------------------------------------------------------------------------------------
def test_social_providers_are_buttons_in_the_order_given_then_the_hosted_ui(make):
    authenticator = Authenticator(make(providers=("GOOGLE", "FACEBOOK", "LOGIN_WITH_AMAZON", "SIGN_IN_WITH_APPLE")),
                                  social_providers=["google", "facebook", "amazon", "apple"])
    assert labels(authenticator.view) == ["Sign In with Google", "Sign In with Facebook", "Sign In with Amazon",
                                          "Sign In with Apple", "Sign In with the Hosted UI"]
    ordered = Authenticator(make(providers=("GOOGLE", "FACEBOOK")), social_providers=["Facebook", "google"])
    assert labels(ordered.view)[:2] == ["Sign In with Facebook", "Sign In with Google"]
    I18n.set_language("fr")
    assert labels(ordered.view)[:2] == ["Se connecter avec Facebook", "Se connecter avec Google"]


def test_by_default_the_configurations_identity_providers_are_offered(make):
    authenticator = Authenticator(make(providers=("GOOGLE", "SIGN_IN_WITH_APPLE", "MyCorpSaml")))
    assert labels(authenticator.view) == ["Sign In with Google", "Sign In with Apple", "Sign In with the Hosted UI"]


def test_without_an_oauth_section_there_is_no_hosted_ui_button(make_auth):
    authenticator = Authenticator(make_auth())
    assert authenticator.view.hosted_ui is None
    with pytest.raises(ValidationError, match="no oauth section"):
        Authenticator(make_auth(), social_providers=["google"])


@pytest.mark.parametrize(("value", "message"), [
    (["google", "myspace"], "unknown 'myspace'; Amplify UI's are amazon, apple, facebook, google"),
    (["google", "Google"], "lists google more than once"),
    ("google", "must be a list of names"),
    (["apple"], "apple is not among the configuration's identity providers"),
])
def test_bad_social_providers_are_refused_saying_what_to_do(make, value, message):
    with pytest.raises(ValidationError, match=message) as refused:
        Authenticator(make(), social_providers=value)
    assert refused.value.field == "social_providers"


def test_a_provider_both_federated_and_social_is_refused(make):
    with pytest.raises(ValidationError, match="both in federated"):
        Authenticator(make(), social_providers=["google"], federated={"google": lambda: "token"})
    with pytest.raises(ValidationError, match="redirect_mode must be one of"):
        Authenticator(make(), redirect_mode="popup")


def test_the_new_labels_are_translated():
    new = ["Sign In with Apple", "Sign In with the Hosted UI", "Open the sign-in page", "Cancel",
           "Sign out of the hosted UI too", "Address your browser ended on"]
    assert set(new) <= set(LABELS)
    assert all(FR.get(key) and DE.get(key) for key in new)


# ---- loopback: the background wait, followed through the Hub -----------------------------------------
def test_sign_in_with_google_opens_a_new_tab_waits_and_ends_signed_in_holding_no_secret(make, fake, callbacks):
    auth = make()
    authenticator = Authenticator(auth, social_providers=["google"])
    view, done = authenticator.view, signed_in_event(authenticator)
    view.hosted_ui.buttons["google"].click()
    panel = view.hosted_ui
    assert 'target="_blank"' in panel.link.value and 'rel="noopener noreferrer"' in panel.link.value
    url = href(panel)
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["identity_provider"] == "Google" and params["redirect_uri"] == callbacks[0]
    assert panel.pending.layout.display == "flex" and all(b.layout.display == "none" for b in panel.buttons.values())
    assert authenticator.auth_state == "signIn"  # the kernel is free: the wait runs in the background

    status, page = Browser(fake).come_back(fake.sign_in(url, "grace"))
    assert status == 200 and "Return to the notebook" in page
    assert done.wait(10), "the widget never reached signedIn"
    assert auth.is_signed_in and authenticator.view.greetings.hello.value == "Hello, grace@example.com"
    # The link (state, nonce) is gone with the flow; no code, verifier or token was ever a trait.
    tokens = auth.session_state.tokens()
    held = [*secrets_of(fake), tokens.id_token, tokens.access_token, tokens.refresh_token, params["state"],
            params["nonce"]]
    texts = {**widget_texts(authenticator), **widget_texts()}
    assert not [(where, i) for where, text in texts.items() for i, value in enumerate(held) if value in text]
    assert panel.link.value == "" and panel.redirect is None


def test_a_refusal_on_the_hosted_ui_shows_inline_and_brings_the_buttons_back(make, fake):
    authenticator = Authenticator(make(), social_providers=["google"])
    view = authenticator.view
    failed = threading.Event()
    view.error.observe(lambda change: failed.set() if change["new"] else None, "value")
    view.hosted_ui.buttons["google"].click()
    Browser(fake).come_back(fake.sign_in(href(view.hosted_ui), error="access_denied"))
    assert failed.wait(10)
    assert "access_denied" in view.error.value and authenticator.auth_state == "signIn"
    assert view.hosted_ui.link.value == "" and view.hosted_ui.buttons["google"].layout.display is None


def test_cancel_stops_listening_and_shows_no_error(make, fake, callbacks):
    authenticator = Authenticator(make())
    panel = authenticator.view.hosted_ui
    panel.buttons[HOSTED_UI].click()
    redirect, port = panel.redirect, urlsplit(callbacks[0]).port
    assert "identity_provider" not in href(panel) and Browser(fake).listening(port)
    panel.cancel_button.click()
    assert redirect.status == "cancelled" and not Browser(fake).listening(port)
    assert panel.link.value == "" and authenticator.view.error.value == "" and not authenticator.auth.is_signed_in


def test_leaving_the_sign_in_view_cancels_a_sign_in_still_waiting(make):
    authenticator = Authenticator(make())
    authenticator.view.hosted_ui.buttons[HOSTED_UI].click()
    redirect = authenticator.view.hosted_ui.redirect
    authenticator.view.sign_up_button.click()
    assert authenticator.auth_state == "signUp" and redirect.status == "cancelled"


def test_a_refused_start_shows_why_inline(make, fake):
    authenticator = Authenticator(make(callbacks=["https://app.example.org/callback"]), redirect_mode="loopback")
    authenticator.view.hosted_ui.buttons[HOSTED_UI].click()
    assert "fits mode 'loopback'" in html.unescape(authenticator.view.error.value)
    assert authenticator.view.hosted_ui.redirect is None


# ---- paste mode and sign-out with redirect ---------------------------------------------------------
def test_paste_mode_takes_the_address_in_the_forms_submit_only(make, fake):
    auth = make()
    authenticator = Authenticator(auth, redirect_mode="paste")
    panel = authenticator.view.hosted_ui
    panel.buttons[HOSTED_UI].click()
    assert panel.paste_form in panel.pending.children and "paste it here" in panel.hint.value
    field = panel.paste_form.fields[0]
    assert field["kind"] == "password" and field["secret"]  # hidden as typed, emptied by the page on submit
    callback = fake.sign_in(href(panel), "ada")
    submit(panel.paste_form, address="https://elsewhere.example.org/?code=x")
    assert "not this sign-in's callback" in html.unescape(authenticator.view.error.value)
    assert panel.redirect is not None  # another page's address: the sign-in still waits for the right one
    submit(panel.paste_form, address=callback)
    assert authenticator.auth_state == "signedIn" and auth.is_signed_in
    texts = {**widget_texts(authenticator), **widget_texts()}
    assert not [where for where, text in texts.items() for value in [callback, *secrets_of(fake)] if value in text]


def test_a_paste_refused_after_the_code_was_spent_brings_the_buttons_back(make, fake):
    authenticator = Authenticator(make(), redirect_mode="paste")
    panel = authenticator.view.hosted_ui
    panel.buttons[HOSTED_UI].click()
    callback = fake.sign_in(href(panel))
    params = dict(parse_qsl(urlsplit(callback).query))
    stolen = urlencode({"grant_type": "authorization_code", "client_id": CLIENT_ID, "code": params["code"],
                        "redirect_uri": panel.redirect.redirect_uri, "code_verifier": "a-guess-" * 8}).encode()
    with pytest.raises(urllib.error.HTTPError):  # someone else redeems the code first, without the verifier
        urllib.request.urlopen(f"{fake.url}/oauth2/token", data=stolen, timeout=10)
    submit(panel.paste_form, address=callback)
    assert "invalid_grant" in authenticator.view.error.value and not authenticator.auth.is_signed_in
    assert panel.redirect is None and panel.buttons[HOSTED_UI].layout.display is None


def test_sign_out_offers_the_hosted_ui_logout_link(make, fake):
    auth = make()
    authenticator = Authenticator(auth, redirect_mode="paste")
    panel = authenticator.view.hosted_ui
    panel.buttons[HOSTED_UI].click()
    submit(panel.paste_form, address=fake.sign_in(href(panel)))
    authenticator.view.greetings.sign_out_button.click()
    assert authenticator.auth_state == "signIn" and not auth.is_signed_in
    logout = authenticator.view.logout
    assert logout.layout.display == "block" and 'target="_blank"' in logout.value
    url = html.unescape(re.search(r'href="([^"]+)"', logout.value).group(1))
    assert url.startswith(f"{fake.url}/logout?") and dict(parse_qsl(urlsplit(url).query)) == {
        "client_id": CLIENT_ID, "logout_uri": SIGNED_OUT}
    authenticator.view.sign_up_button.click()
    authenticator.view.sign_in_button.click()
    assert authenticator.view.logout.value == ""  # offered once, after the sign-out


# ---- OAuthButton and with_oauth -------------------------------------------------------------------
def test_with_oauth_shows_the_content_once_signed_in_and_the_button_again_after(make, fake):
    auth = make()
    content = widgets.Label("the dashboard")
    wrapped = with_oauth(content, "google", auth=auth, redirect_mode="paste")
    button = wrapped.button
    assert wrapped.children == (button,) and button.panel.buttons["google"].description == "Sign In with Google"
    button.panel.buttons["google"].click()
    submit(button.panel.paste_form, address=fake.sign_in(href(button.panel)))
    assert wrapped.children == (wrapped.greetings, content)
    wrapped.greetings.sign_out_button.click()
    assert wrapped.children == (button,) and button.layout.display is None
    assert button.logout.layout.display == "block" and "/logout?" in button.logout.value


def test_oauth_button_needs_the_hosted_ui_and_takes_a_custom_provider(make, make_auth):
    with pytest.raises(ValidationError, match="no oauth section"):
        OAuthButton(make_auth())
    for spelling in ("amazon", "LoginWithAmazon", "loginwithamazon"):
        assert list(OAuthButton(make(), spelling).panel.buttons) == ["amazon"]
    assert OAuthButton(make()).panel.buttons[HOSTED_UI].description == "Sign In with the Hosted UI"
    custom = OAuthButton(make(providers=("MyCorpSaml",)), "MyCorpSaml")
    assert custom.panel.buttons["MyCorpSaml"].description == "Sign In with MyCorpSaml"
    with pytest.raises(ValidationError, match="content must be"):
        with_oauth("not a widget", auth=make())
