"""Every state of the Authenticator and every transition between them, driven as a user would against
the sandbox; after each submit, no widget anywhere holds the password, the code or a token."""

from __future__ import annotations

import pyotp
import pytest

import amplify_nb
from amplify_nb.config import load_config
from amplify_nb.widgets import Authenticator, SelectMFAType, with_authenticator
from tests.conftest import cognito_client, install_password_then_question
from tests.integration.test_widget import PASSWORD, Wire, assert_holds_none, sign_in, submit, token_values

PHONE = "+15550001234"
VERIFIED = {"email_verified": "true"}


@pytest.fixture
def make(make_sandbox):
    """A sandbox (with options), an Auth on it, and the Wire that sees every secret that Auth sends."""
    def build(**options):
        sb, _ = make_sandbox(**options)
        auth = amplify_nb.Auth(sb.config, name="flows")
        return sb, auth, Wire(auth)
    return build


@pytest.fixture(autouse=True)
def _fresh_widgets():
    import ipywidgets

    from amplify_nb.widgets import I18n

    yield
    ipywidgets.Widget.close_all()
    I18n.reset()


def other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_sign_up_confirm_sign_in_with_totp_setup_then_sign_out(make):
    sb, auth, wire = make(mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA",))
    email = "ada@example.com"
    authenticator = Authenticator(auth)
    states = []
    authenticator.on_state_change(lambda state, _data: states.append(state))

    authenticator.view.sign_up_button.click()
    view = authenticator.view
    assert authenticator.auth_state == "signUp"
    before = len(sb.calls)
    submit(view.form, username=email, password=PASSWORD, confirm_password="Other-horse-1")
    assert "Your passwords must match" in view.error.value and authenticator.auth_state == "signUp"
    submit(view.form, username=email, password="short", confirm_password="short")
    assert "Password must have at least 8 characters" in view.error.value and len(sb.calls) == before
    submit(view.form, username=email, password=PASSWORD, confirm_password=PASSWORD)
    assert authenticator.auth_state == "confirmSignUp"
    assert_holds_none(authenticator, PASSWORD, wire=wire)

    view = authenticator.view
    assert "We emailed you a code at" in view.notice.value
    first = sb.outbox.last_code(email)
    view.resend_button.click()
    code = sb.outbox.last_code(email)
    assert len([m for m in sb.outbox if m.username == sb.user(email).username]) == 2
    submit(view.form, code=other(code))
    assert authenticator.auth_state == "confirmSignUp" and view.error.layout.display == "block"
    submit(view.form, code=code)
    assert_holds_none(authenticator, code, first, wire=wire)

    assert authenticator.auth_state == "signIn"
    view = authenticator.view
    assert view.form.values == {"username": email} and "Account confirmed" in view.notice.value
    sign_in(view, email, PASSWORD)
    assert authenticator.auth_state == "TOTPSetup"

    view = authenticator.view
    setup = authenticator.flow.totp_setup
    assert '<img src="data:image/png;base64,' in view.qr.value
    assert 'alt="QR code for your authenticator app"' in view.qr.value
    grouped = " ".join(setup.secret[i:i + 4] for i in range(0, len(setup.secret), 4))
    key = next(item for item in view.form.fields if item["name"] == "key")
    assert key["kind"] == "copy" and key["value"] == grouped and key["copy_value"] == setup.secret
    submit(view.form, code="000000" if pyotp.TOTP(setup.secret).now() != "000000" else "111111")
    assert authenticator.auth_state == "TOTPSetup" and view.error.layout.display == "block"
    assert "data:image/png" in view.qr.value  # still there for the next try
    totp = pyotp.TOTP(setup.secret).now()
    submit(view.form, code=totp)
    assert authenticator.auth_state == "signedIn"
    assert view.qr.value == "" and view.panel.key == ""  # the secret left with the view
    assert_holds_none(authenticator, PASSWORD, totp, setup.secret, *token_values(auth), wire=wire)

    assert authenticator.view.greetings.hello.value == f"Hello, {email}"
    authenticator.view.greetings.sign_out_button.click()
    assert authenticator.auth_state == "signIn" and not auth.is_signed_in
    assert states == ["signUp", "confirmSignUp", "signIn", "TOTPSetup", "signedIn", "signIn"]


def test_an_unconfirmed_user_signing_in_is_sent_to_confirm_sign_up_with_a_new_code(make):
    sb, auth, wire = make()
    auth.sign_up("late@example.com", PASSWORD)
    authenticator = Authenticator(auth)
    sign_in(authenticator.view, "late@example.com", PASSWORD)
    assert authenticator.auth_state == "confirmSignUp"
    message = sb.outbox.last("late@example.com")
    assert message.kind == "ResendCode"
    submit(authenticator.view.form, code=message.code)
    sign_in(authenticator.view, "late@example.com", PASSWORD)
    assert authenticator.auth_state == "signedIn"
    assert_holds_none(authenticator, PASSWORD, message.code, *token_values(auth), wire=wire)


def test_sms_mfa(make):
    sb, auth, wire = make()
    sb.create_user("sms@example.com", PASSWORD, {"phone_number": PHONE, **VERIFIED}, mfa=["SMS_MFA"])
    authenticator = Authenticator(auth)
    sign_in(authenticator.view, "sms@example.com", PASSWORD)
    assert authenticator.auth_state == "confirmSignIn"
    view = authenticator.view
    assert "Confirm SMS Code" in view.heading.value
    assert "We texted you a code at" in view.notice.value and "1234" in view.notice.value
    code = sb.outbox.last_code(PHONE, "Authentication")
    submit(view.form, code=other(code))
    assert authenticator.auth_state == "confirmSignIn" and view.error.layout.display == "block"
    submit(view.form, code=code)
    assert authenticator.auth_state == "signedIn"
    assert_holds_none(authenticator, PASSWORD, code, *token_values(auth), wire=wire)


def test_email_otp(make):
    sb, auth, wire = make()
    sb.create_user("otp@example.com", PASSWORD, VERIFIED, mfa=["EMAIL_OTP"])
    authenticator = Authenticator(auth)
    sign_in(authenticator.view, "otp@example.com", PASSWORD)
    view = authenticator.view
    assert authenticator.auth_state == "confirmSignIn" and "Confirm Email Code" in view.heading.value
    assert "We emailed you a code at" in view.notice.value
    submit(view.form, code=sb.outbox.last_code("otp@example.com", "Authentication"))
    assert authenticator.auth_state == "signedIn"
    assert_holds_none(authenticator, PASSWORD, *token_values(auth), wire=wire)


def test_select_mfa_type_then_totp(make):
    sb, auth, wire = make()
    user = sb.create_user("both@example.com", PASSWORD, {"phone_number": PHONE, **VERIFIED},
                          mfa=["SMS_MFA", "SOFTWARE_TOKEN_MFA"])
    authenticator = Authenticator(auth)
    sign_in(authenticator.view, "both@example.com", PASSWORD)
    assert authenticator.auth_state == "selectMFAType"
    view = authenticator.view
    assert dict(view.choice.options) == {"SMS": "SMS_MFA", "Authenticator App (TOTP)": "SOFTWARE_TOKEN_MFA"}
    view.choice.value = "SOFTWARE_TOKEN_MFA"
    view.submit_button.click()
    assert authenticator.auth_state == "confirmSignIn"
    assert "Confirm TOTP Code" in authenticator.view.heading.value
    totp = pyotp.TOTP(user.totp_secret).now()
    submit(authenticator.view.form, code=totp)
    assert authenticator.auth_state == "signedIn"
    assert_holds_none(authenticator, PASSWORD, totp, *token_values(auth), wire=wire)


def test_new_password_required(make):
    sb, auth, wire = make()
    sb.create_user("invited@example.com", "Temporary-pw-1", VERIFIED, temporary=True)
    authenticator = Authenticator(auth)
    sign_in(authenticator.view, "invited@example.com", "Temporary-pw-1")
    assert authenticator.auth_state == "requireNewPassword"
    view = authenticator.view
    submit(view.form, password="Chosen-pw-123", confirm_password="Chosen-pw-124")
    assert "Your passwords must match" in view.error.value
    # The pool's policy is checked in the page and again in the kernel; a config without one leaves it to Cognito.
    submit(view.form, password="short", confirm_password="short")
    assert authenticator.auth_state == "requireNewPassword"
    assert "Password must have at least 8 characters" in view.error.value
    submit(view.form, password="Chosen-pw-123", confirm_password="Chosen-pw-123")
    assert authenticator.auth_state == "signedIn"
    assert_holds_none(authenticator, "Temporary-pw-1", "Chosen-pw-123", "Chosen-pw-124", *token_values(auth),
                      wire=wire)
    auth.sign_out()
    assert auth.sign_in("invited@example.com", "Chosen-pw-123").is_signed_in


def _captcha(sb) -> None:
    install_password_then_question(
        sb, {"captchaUrl": "https://example.com/captcha/7.png", "question": "Which <colour> is the sky?"}, "sky-blue-7",
        retry=True)


@pytest.mark.parametrize("password", [True, False], ids=["after-srp", "passwordless"])
def test_custom_challenge_shows_an_image_url_as_an_image_and_text_as_text(make_sandbox, password):
    sb, _ = make_sandbox()
    _captcha(sb)
    config = load_config(sb.config).with_changes(authentication_flow_type="CUSTOM_AUTH")
    auth = amplify_nb.Auth(config, name="flows")
    wire = Wire(auth)
    authenticator = Authenticator(auth)
    sign_in(authenticator.view, sb.demo_username, sb.demo_password if password else "")
    assert authenticator.auth_state == "customChallenge"
    view = authenticator.view
    shown = [child.value for child in view.parameters.children]
    assert '<img src="https://example.com/captcha/7.png" alt="captchaUrl"' in shown[0]
    assert "<b>question</b>: Which &lt;colour&gt; is the sky?" in shown[1]
    assert not any("sky-blue-7" in text for text in shown) and len(shown) == 2
    submit(view.form, answer="sky-grey-7")
    assert authenticator.auth_state == "customChallenge"
    submit(view.form, answer="sky-blue-7")
    assert authenticator.auth_state == "signedIn"
    assert_holds_none(authenticator, sb.demo_password, "sky-blue-7", "sky-grey-7", *token_values(auth), wire=wire)


def test_forgot_password_then_sign_in_with_the_new_one(make):
    sb, auth, wire = make()
    authenticator = Authenticator(auth)
    authenticator.view.forgot_button.click()
    assert authenticator.auth_state == "forgotPassword"
    view = authenticator.view
    assert view.step == "request" and view.request_form in view.children and view.form not in view.children
    submit(view.request_form, username=sb.demo_username)
    assert authenticator.auth_state == "forgotPassword" and view.step == "submit"
    assert view.form in view.children and "We emailed you a code at" in view.notice.value
    code = sb.outbox.last_code(sb.demo_username, "ForgotPassword")
    submit(view.form, code=code, password="Brand-new-pw-2", confirm_password="Brand-new-pw-2")
    assert authenticator.auth_state == "signIn" and "Password changed" in authenticator.view.notice.value
    assert_holds_none(authenticator, code, "Brand-new-pw-2", wire=wire)
    sign_in(authenticator.view, sb.demo_username, "Brand-new-pw-2")
    assert authenticator.auth_state == "signedIn"


def test_a_required_password_reset_leads_to_the_submit_step(make):
    sb, auth, _ = make()
    cognito_client(sb).admin_reset_user_password(UserPoolId=sb.pool.pool_id, Username=sb.demo_username)
    authenticator = Authenticator(auth)
    sign_in(authenticator.view, sb.demo_username, sb.demo_password)
    assert authenticator.auth_state == "forgotPassword" and authenticator.view.step == "submit"
    assert "must be reset" in authenticator.view.notice.value


@pytest.mark.parametrize("verify", [True, False], ids=["verify", "skip"])
def test_verify_contact_after_sign_in(make, verify):
    sb, auth, wire = make()
    sb.create_user("unverified@example.com", PASSWORD, {"phone_number": PHONE})
    authenticator = Authenticator(auth)
    sign_in(authenticator.view, "unverified@example.com", PASSWORD)
    assert authenticator.auth_state == "verifyContact" and auth.is_signed_in
    view = authenticator.view
    assert dict(view.choice.options) == {"Email: unverified@example.com": "email", f"Phone Number: {PHONE}":
                                         "phone_number"}
    if not verify:
        view.skip_button.click()
        assert authenticator.auth_state == "signedIn"
        return
    view.choice.value = "email"
    view.verify_button.click()
    assert view.form in view.children and "We emailed you a code at" in view.notice.value
    code = sb.outbox.last_code("unverified@example.com", "VerifyUserAttribute")
    submit(view.form, code=code)
    assert authenticator.auth_state == "signedIn"
    assert auth.user_attributes()["email_verified"] == "true"
    assert_holds_none(authenticator, PASSWORD, code, *token_values(auth), wire=wire)


def test_federated_buttons_sign_in_with_the_apps_token(make):
    sb, auth, _ = make()
    tokens = []

    def google():
        tokens.append(sb.federated_token("google", "alice"))
        return {"token": tokens[-1], "user": {"email": "alice@gmail.com"}}

    def failing():
        raise RuntimeError("the popup was closed")

    authenticator = Authenticator(auth, federated={"google": google, "facebook": failing})
    view = authenticator.view
    assert view.federated_buttons["google"].description == "Sign In with Google"
    view.federated_buttons["facebook"].click()
    assert authenticator.auth_state == "signIn" and "Something went wrong" in view.error.value
    view.federated_buttons["google"].click()
    assert authenticator.auth_state == "signedIn" and auth.federated_user["provider"] == "google"
    assert authenticator.view.greetings.hello.value == "Hello, alice@gmail.com"
    credentials = auth.current_credentials()
    assert_holds_none(authenticator, tokens[0], credentials.secret_access_key, credentials.session_token)
    authenticator.view.greetings.sign_out_button.click()
    assert authenticator.auth_state == "signIn" and not auth.is_signed_in


def test_select_mfa_type_widget_sets_up_totp_for_a_signed_in_user(make):
    sb, auth, wire = make()
    auth.sign_in(sb.demo_username, sb.demo_password)
    widget = SelectMFAType(auth)
    assert [value for _, value in widget.choice.options] == ["TOTP", "SMS", "EMAIL", "NOMFA"]
    widget.choice.value = "TOTP"
    widget.submit_button.click()
    assert widget.setup.layout.display == "flex" and "data:image/png" in widget.panel.qr.value
    secret = next(value for value, member in wire.secrets.items() if member == "SecretCode")
    assert widget.panel.key == secret
    totp = pyotp.TOTP(secret).now()
    submit(widget.panel.form, code=totp)
    assert "TOTP has been set up successfully" in widget.notice.value
    assert auth.get_preferred_mfa() == "TOTP"
    assert_holds_none(widget, totp, secret, *token_values(auth), wire=wire)
    widget.choice.value = "NOMFA"
    widget.submit_button.click()
    assert "Your MFA Type is now: No MFA" in widget.notice.value and auth.get_preferred_mfa() == "NOMFA"


def test_with_authenticator_through_a_whole_mfa_sign_in(make):
    sb, auth, _ = make()
    sb.create_user("gate@example.com", PASSWORD, {"phone_number": PHONE, **VERIFIED}, mfa=["SMS_MFA"])
    import ipywidgets

    content = ipywidgets.HTML("<b>private</b>")
    gated = with_authenticator(content, auth=auth, include_greetings=False)
    sign_in(gated.authenticator.view, "gate@example.com", PASSWORD)
    assert content not in gated.children
    submit(gated.authenticator.view.form, code=sb.outbox.last_code(PHONE, "Authentication"))
    assert content in gated.children and gated.authenticator.layout.display == "none"
    auth.sign_out()
    assert content not in gated.children and gated.authenticator.layout.display is None
