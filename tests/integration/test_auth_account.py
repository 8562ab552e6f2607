"""Account flows through ``amplify_nb.Auth`` against the local sandbox: sign-up and its confirmation,
forgotten and changed passwords, attributes and their verification, deletion, TOTP and MFA preference,
and the arguments refused before any call reaches Cognito.

Codes come from the sandbox outbox, TOTP codes from pyotp; time moves with the injected clock.
"""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import pytest

import amplify_nb
from amplify_nb.errors import (
    CodeMismatchError,
    InvalidParameterError,
    InvalidPasswordError,
    NotAuthenticatedError,
    NotAuthorizedError,
    UsernameExistsError,
    ValidationError,
)
from amplify_nb.sandbox import Sandbox

PASSWORD = "Correct-Horse-9"
NEW_PASSWORD = "Battery-Staple-7"
ADA = "ada@example.com"
_names = itertools.count()


@pytest.fixture
def sb(clock):
    with Sandbox(clock=clock, demo_user=False, moto=False) as sandbox:
        yield sandbox


@pytest.fixture
def auth(sb, clock):
    return amplify_nb.Auth(sb.config, name=f"account-{next(_names)}", clock=clock)


@pytest.fixture
def signed_in(sb, auth):
    """Ada, confirmed with a verified e-mail, signed in."""
    sb.create_user(ADA, PASSWORD, {"email": ADA, "email_verified": "true", "name": "Ada"})
    assert auth.sign_in(ADA, PASSWORD).is_signed_in
    return auth


@pytest.fixture
def events(auth):
    """The Hub "auth" events of this test's session, in order."""
    seen: list[dict] = []
    stop = amplify_nb.Hub.listen("auth", lambda p: seen.append(p) if p.get("session") == auth.name else None)
    yield seen
    stop()


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def spaced(code: str) -> str:
    return f"{code[:3]} {code[3:]}"


def totp_code(secret: str, clock) -> str:
    return pyotp.TOTP(secret).at(clock())


# ---- sign-up ------------------------------------------------------------------------------------
def test_sign_up_returns_confirm_step_with_masked_delivery_and_passes_validation_data(sb, auth):
    seen = {}

    def pre_sign_up(event):
        seen.update(event["request"])
        return event
    sb.triggers.pre_sign_up = pre_sign_up

    result = auth.sign_up(ADA, PASSWORD, {"email": ADA, "name": "Ada"}, validation_data={"invite": "xyz"})

    assert result.next_step == "CONFIRM_SIGN_UP"
    assert result.user_confirmed is False
    assert result.user_sub == sb.user(ADA).sub
    delivery = result.code_delivery
    assert delivery.medium == "EMAIL" and delivery.attribute == "email"
    assert delivery.destination and "*" in delivery.destination and ADA not in delivery.destination
    assert seen["validationData"] == {"invite": "xyz"}
    assert seen["userAttributes"]["name"] == "Ada"


def test_confirm_sign_up_with_the_outbox_code_then_sign_in(sb, auth):
    auth.sign_up(ADA, PASSWORD, {"email": ADA})
    assert auth.sign_in(ADA, PASSWORD).next_step == "CONFIRM_SIGN_UP"

    auth.confirm_sign_up(ADA, sb.outbox.last_code(ADA, "SignUp"))

    result = auth.sign_in(ADA, PASSWORD)
    assert result.is_signed_in and auth.is_signed_in
    assert auth.current_authenticated_user().login_id == ADA


def test_confirm_sign_up_accepts_a_code_typed_with_a_space(sb, auth):
    auth.sign_up(ADA, PASSWORD, {"email": ADA})
    auth.confirm_sign_up(ADA, spaced(sb.outbox.last_code(ADA, "SignUp")))
    assert auth.sign_in(ADA, PASSWORD).is_signed_in


def test_confirm_sign_up_with_a_wrong_code_is_a_code_mismatch(sb, auth):
    auth.sign_up(ADA, PASSWORD, {"email": ADA})
    code = sb.outbox.last_code(ADA, "SignUp")

    with pytest.raises(CodeMismatchError) as caught:
        auth.confirm_sign_up(ADA, other_code(code))
    assert code not in str(caught.value) and other_code(code) not in str(caught.value)
    assert sb.user(ADA).status == "UNCONFIRMED"


def test_resend_sign_up_sends_a_new_code_that_confirms(sb, auth):
    auth.sign_up(ADA, PASSWORD, {"email": ADA})
    sent = len(sb.outbox)

    delivery = auth.resend_sign_up(ADA)

    assert delivery.medium == "EMAIL" and "*" in delivery.destination
    assert len(sb.outbox) == sent + 1
    auth.confirm_sign_up(ADA, sb.outbox.last_code(ADA, "ResendCode"))
    assert auth.sign_in(ADA, PASSWORD).is_signed_in


def test_sign_up_events_and_failure_event_without_the_password(sb, auth, events):
    auth.sign_up(ADA, PASSWORD, {"email": ADA})
    auth.confirm_sign_up(ADA, sb.outbox.last_code(ADA, "SignUp"))
    with pytest.raises(UsernameExistsError):
        auth.sign_up(ADA, "Another-Pass-3", {"email": ADA})
    with pytest.raises(InvalidPasswordError):
        auth.sign_up("bob@example.com", "weakweak", {"email": "bob@example.com"})

    names = [e["event"] for e in events]
    assert names == ["signUp", "confirmSignUp", "signUp_failure", "signUp_failure"]
    assert events[0]["data"] == {"username": ADA, "user_confirmed": False}
    assert events[1]["data"] == {"username": ADA}
    text = repr(events)
    assert PASSWORD not in text and "Another-Pass-3" not in text and "weakweak" not in text


# ---- forgotten and changed passwords ------------------------------------------------------------
def test_forgot_password_then_submit_replaces_the_password(sb, auth, events):
    sb.create_user(ADA, PASSWORD, {"email": ADA, "email_verified": "true"})

    delivery = auth.forgot_password(ADA)
    assert delivery.medium == "EMAIL" and "*" in delivery.destination
    auth.forgot_password_submit(ADA, spaced(sb.outbox.last_code(ADA, "ForgotPassword")), NEW_PASSWORD)

    with pytest.raises(NotAuthorizedError):
        auth.sign_in(ADA, PASSWORD)
    assert auth.sign_in(ADA, NEW_PASSWORD).is_signed_in
    names = [e["event"] for e in events]
    assert names[:2] == ["forgotPassword", "forgotPasswordSubmit"]
    assert "signIn" in names
    assert NEW_PASSWORD not in repr(events)


def test_forgot_password_submit_with_a_wrong_code_keeps_the_old_password(sb, auth):
    sb.create_user(ADA, PASSWORD, {"email": ADA, "email_verified": "true"})
    auth.forgot_password(ADA)
    code = sb.outbox.last_code(ADA, "ForgotPassword")

    with pytest.raises(CodeMismatchError):
        auth.forgot_password_submit(ADA, other_code(code), NEW_PASSWORD)
    assert auth.sign_in(ADA, PASSWORD).is_signed_in


def test_change_password(sb, signed_in):
    auth = signed_in
    with pytest.raises(NotAuthorizedError) as wrong:
        auth.change_password("Not-The-Password-1", NEW_PASSWORD)
    assert "Not-The-Password-1" not in str(wrong.value)
    with pytest.raises(InvalidPasswordError) as weak:
        auth.change_password(PASSWORD, "alllowercase")
    assert "alllowercase" not in str(weak.value)

    auth.change_password(PASSWORD, NEW_PASSWORD)
    auth.sign_out()

    with pytest.raises(NotAuthorizedError):
        auth.sign_in(ADA, PASSWORD)
    assert auth.sign_in(ADA, NEW_PASSWORD).is_signed_in


def test_traces_of_account_flows_show_the_calls_but_no_password_or_code(sb, auth, clock):
    def shown() -> str:
        return str(auth.trace) + auth.trace._repr_html_() + repr(list(auth.trace))

    auth.sign_up(ADA, PASSWORD, {"email": ADA})
    assert auth.trace.operations == ["SignUp"] and PASSWORD not in shown()
    code = sb.outbox.last_code(ADA, "SignUp")
    auth.confirm_sign_up(ADA, code)
    assert auth.trace.operations == ["ConfirmSignUp"] and code not in shown()

    auth.forgot_password(ADA)
    code = sb.outbox.last_code(ADA, "ForgotPassword")
    auth.forgot_password_submit(ADA, code, NEW_PASSWORD)
    assert auth.trace.operations == ["ConfirmForgotPassword"]
    assert code not in shown() and NEW_PASSWORD not in shown()

    auth.sign_in(ADA, NEW_PASSWORD)
    auth.change_password(NEW_PASSWORD, PASSWORD)
    assert auth.trace.operations == ["ChangePassword"]
    assert NEW_PASSWORD not in shown() and PASSWORD not in shown()

    setup = auth.setup_totp()
    assert setup.secret not in shown()
    code = totp_code(setup.secret, clock)
    auth.verify_totp_token(code)
    assert auth.trace.operations == ["VerifySoftwareToken"] and code not in shown()


# ---- attributes ---------------------------------------------------------------------------------
def test_user_attributes(sb, signed_in):
    attributes = signed_in.user_attributes()
    assert attributes["email"] == ADA
    assert attributes["email_verified"] == "true"
    assert attributes["name"] == "Ada"
    assert attributes["sub"] == sb.user(ADA).sub


def test_update_email_then_verify_it_with_the_emailed_code(sb, signed_in):
    auth = signed_in
    new_email = "ada.lovelace@example.com"

    deliveries = auth.update_user_attributes({"email": new_email, "name": "Ada L."})

    assert set(deliveries) == {"email"}
    assert deliveries["email"].medium == "EMAIL" and deliveries["email"].attribute == "email"
    assert new_email not in deliveries["email"].destination
    assert auth.user_attributes()["name"] == "Ada L."
    assert auth.user_attributes().get("email_verified") != "true"

    auth.verify_current_user_attribute_submit("email", sb.outbox.last_code(new_email, "UpdateUserAttribute"))

    attributes = auth.user_attributes()
    assert attributes["email"] == new_email
    assert attributes["email_verified"] == "true"


def test_verify_current_user_attribute_sends_a_code_that_verifies(sb, auth):
    sb.create_user(ADA, PASSWORD, {"email": ADA, "email_verified": "false"})
    assert auth.sign_in(ADA, PASSWORD).is_signed_in
    sent = len(sb.outbox)

    delivery = auth.verify_current_user_attribute("email")

    assert delivery.medium == "EMAIL" and delivery.attribute == "email"
    assert len(sb.outbox) == sent + 1
    code = sb.outbox.last_code(ADA, "VerifyUserAttribute")
    with pytest.raises(CodeMismatchError):
        auth.verify_current_user_attribute_submit("email", other_code(code))
    auth.verify_current_user_attribute_submit("email", code)
    assert auth.user_attributes()["email_verified"] == "true"


def test_only_email_and_phone_can_be_verified(sb, signed_in):
    before = len(sb.calls)
    with pytest.raises(ValidationError):
        signed_in.verify_current_user_attribute("name")
    with pytest.raises(ValidationError):
        signed_in.verify_current_user_attribute_submit("name", "123456")
    assert len(sb.calls) == before


# ---- deletion -----------------------------------------------------------------------------------
def test_delete_user_signs_out_and_the_user_is_gone(sb, signed_in, events):
    auth = signed_in

    auth.delete_user()

    assert auth.is_signed_in is False
    assert sb.user(ADA) is None
    assert "signOut" in [e["event"] for e in events]
    with pytest.raises(NotAuthenticatedError):
        auth.current_authenticated_user()
    with pytest.raises(NotAuthorizedError):
        auth.sign_in(ADA, PASSWORD)
    assert auth.is_signed_in is False


# ---- TOTP and MFA preference --------------------------------------------------------------------
def test_setup_totp_hides_the_secret_and_offers_uri_and_qr(sb, signed_in):
    setup = signed_in.setup_totp()

    assert setup.secret and setup.secret not in repr(setup)
    parts = urlsplit(setup.uri)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert unquote(parts.path) == f"/AWSCognito:{ADA}"
    query = parse_qs(parts.query)
    assert query == {"secret": [setup.secret], "issuer": ["AWSCognito"]}
    parsed = pyotp.parse_uri(setup.uri)
    assert (parsed.secret, parsed.issuer, parsed.name) == (setup.secret, "AWSCognito", ADA)
    png = setup._repr_png_()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 100
    svg = setup._repr_svg_()
    assert "<svg" in svg and svg.rstrip().endswith("</svg>")
    assert setup.qr_png() == png


def test_setup_totp_with_an_issuer_containing_a_space(sb, signed_in):
    setup = signed_in.setup_totp(issuer="My Notebook")
    # The Key URI format encodes spaces as %20 (authenticator apps show a "+" literally).
    assert setup.uri.startswith(f"otpauth://totp/My%20Notebook:{ADA}?")
    assert "issuer=My%20Notebook" in setup.uri
    assert pyotp.parse_uri(setup.uri).issuer == "My Notebook"


def test_totp_verify_prefer_sign_in_and_turn_off(sb, signed_in, clock):
    auth = signed_in
    setup = auth.setup_totp()
    with pytest.raises(CodeMismatchError):
        auth.verify_totp_token(other_code(totp_code(setup.secret, clock)))
    auth.verify_totp_token(spaced(totp_code(setup.secret, clock)), device_name="phone")
    assert auth.get_preferred_mfa() == "NOMFA"

    auth.set_preferred_mfa("TOTP")
    assert auth.get_preferred_mfa() == "TOTP"
    auth.sign_out()

    result = auth.sign_in(ADA, PASSWORD)
    assert result.is_signed_in is False and result.next_step == "SOFTWARE_TOKEN_MFA"
    clock.advance(30)  # a TOTP code is good once: the next one is a step later
    assert auth.confirm_sign_in(totp_code(setup.secret, clock)).is_signed_in

    auth.set_preferred_mfa("NOMFA")
    assert auth.get_preferred_mfa() == "NOMFA"
    auth.sign_out()
    assert auth.sign_in(ADA, PASSWORD).is_signed_in


def test_totp_cannot_be_preferred_before_it_is_verified(sb, signed_in):
    signed_in.setup_totp()
    with pytest.raises(InvalidParameterError):
        signed_in.set_preferred_mfa("TOTP")
    assert signed_in.get_preferred_mfa() == "NOMFA"


def test_preferring_email_mfa_asks_for_an_emailed_code_at_sign_in(sb, signed_in):
    auth = signed_in
    auth.set_preferred_mfa("email")
    assert auth.get_preferred_mfa() == "EMAIL"
    auth.sign_out()

    result = auth.sign_in(ADA, PASSWORD)
    assert result.next_step == "EMAIL_OTP"
    assert result.code_delivery.medium == "EMAIL" and ADA not in result.code_delivery.destination
    assert auth.confirm_sign_in(spaced(sb.outbox.last_code(ADA, "Authentication"))).is_signed_in


def test_set_preferred_mfa_refuses_unknown_methods(sb, signed_in):
    before = len(sb.calls)
    for bad in ("", "SMSX", "totp-app", None):
        with pytest.raises(ValidationError):
            signed_in.set_preferred_mfa(bad)
    assert len(sb.calls) == before


# ---- arguments refused before any call --------------------------------------------------------
BAD_TEXT = {
    "empty": "",
    "whitespace": "   \t ",
    "control": "Secret\x00Value-1",
    "lone surrogate": "Secret-\udcff-Value-1",  # an undecodable byte from an env var: refused, never a raw error
    "newline": "Secret\nValue-1",
}
BAD_USERNAMES = [*BAD_TEXT.values(), "u" * 129, " ada@example.com", None, 42]
BAD_PASSWORDS = [*BAD_TEXT.values(), "P" * 257, " Padded-Pass-1 ", None, b"Bytes-Pass-1"]
BAD_CODES = [*BAD_TEXT.values(), "1" * 65, "12#456", "123456!", None, 12.5]
ATTRIBUTES_NOT_A_DICT = [["email", ADA], "email=ada@example.com", 7, ("email", ADA)]


def refused(sb, call, *args, secret=None, **kwargs) -> ValidationError:
    """``call`` raises ValidationError without any request reaching the sandbox, not echoing ``secret``."""
    before = len(sb.calls)
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert len(sb.calls) == before, f"{call.__name__} reached Cognito with a bad argument"
    if isinstance(secret, str) and secret.strip():
        for text in (str(caught.value), repr(caught.value), repr(caught.value.args)):
            assert secret not in text
    return caught.value


@pytest.mark.parametrize("bad", BAD_USERNAMES, ids=repr)
def test_bad_usernames_are_refused_before_any_call(sb, auth, bad):
    refused(sb, auth.sign_up, bad, PASSWORD, {"email": ADA})
    refused(sb, auth.confirm_sign_up, bad, "123456")
    refused(sb, auth.resend_sign_up, bad)
    refused(sb, auth.forgot_password, bad)
    refused(sb, auth.forgot_password_submit, bad, "123456", NEW_PASSWORD)
    refused(sb, auth.sign_in, bad, PASSWORD)


@pytest.mark.parametrize("bad", BAD_PASSWORDS, ids=repr)
def test_bad_passwords_are_refused_before_any_call_and_never_echoed(sb, signed_in, bad):
    auth = signed_in
    if bad is not None:  # no password at all is a passwordless sign-up: Cognito decides (see below)
        refused(sb, auth.sign_up, "bob@example.com", bad, {"email": "bob@example.com"}, secret=bad)
    refused(sb, auth.forgot_password_submit, ADA, "123456", bad, secret=bad)
    refused(sb, auth.change_password, bad, NEW_PASSWORD, secret=bad)
    refused(sb, auth.change_password, PASSWORD, bad, secret=bad)
    assert auth.is_signed_in


@pytest.mark.parametrize("bad", BAD_CODES, ids=repr)
def test_bad_codes_are_refused_before_any_call_and_never_echoed(sb, signed_in, bad):
    auth = signed_in
    refused(sb, auth.confirm_sign_up, ADA, bad, secret=bad)
    refused(sb, auth.forgot_password_submit, ADA, bad, NEW_PASSWORD, secret=bad)
    refused(sb, auth.verify_current_user_attribute_submit, "email", bad, secret=bad)
    refused(sb, auth.verify_totp_token, bad, secret=bad)


@pytest.mark.parametrize("bad", ATTRIBUTES_NOT_A_DICT, ids=repr)
def test_attributes_that_are_not_a_dict_are_refused_before_any_call(sb, signed_in, bad):
    auth = signed_in
    refused(sb, auth.sign_up, "bob@example.com", PASSWORD, bad)
    refused(sb, auth.sign_up, "bob@example.com", PASSWORD, {"email": "bob@example.com"}, validation_data=bad)
    refused(sb, auth.update_user_attributes, bad)


def test_bad_attribute_maps_are_refused_before_any_call(sb, signed_in):
    auth = signed_in
    for bad in ({}, {"": "x"}, {"email": None}, {"name": "a\x00b"}, {"name": "x" * 2049}, {7: "x"}):
        refused(sb, auth.update_user_attributes, bad)


def test_codes_typed_with_separators_are_accepted(sb, signed_in, clock):
    auth = signed_in
    auth.update_user_attributes({"email": "ada2@example.com"})
    code = sb.outbox.last_code("ada2@example.com", "UpdateUserAttribute")
    auth.verify_current_user_attribute_submit("email", f" {code[:3]}-{code[3:]} ")
    assert auth.user_attributes()["email_verified"] == "true"


# ---- signed out ---------------------------------------------------------------------------------
SIGNED_IN_ONLY = [
    ("change_password", (PASSWORD, NEW_PASSWORD)),
    ("user_attributes", ()),
    ("update_user_attributes", ({"name": "Ada"},)),
    ("verify_current_user_attribute", ("email",)),
    ("verify_current_user_attribute_submit", ("email", "123456")),
    ("delete_user", ()),
    ("setup_totp", ()),
    ("verify_totp_token", ("123456",)),
    ("set_preferred_mfa", ("TOTP",)),
    ("get_preferred_mfa", ()),
    ("current_authenticated_user", ()),
    ("current_session", ()),
]


@pytest.mark.parametrize(("method", "args"), SIGNED_IN_ONLY, ids=[m for m, _ in SIGNED_IN_ONLY])
def test_signed_in_only_methods_raise_not_authenticated_when_signed_out(sb, auth, method, args):
    sb.create_user(ADA, PASSWORD, {"email": ADA, "email_verified": "true"})
    before = len(sb.calls)
    with pytest.raises(NotAuthenticatedError):
        getattr(auth, method)(*args)
    assert len(sb.calls) == before


@pytest.mark.parametrize(("method", "args"), SIGNED_IN_ONLY, ids=[m for m, _ in SIGNED_IN_ONLY])
def test_signed_in_only_methods_raise_not_authenticated_after_sign_out(sb, signed_in, method, args):
    signed_in.sign_out()
    assert signed_in.is_signed_in is False
    with pytest.raises(NotAuthenticatedError):
        getattr(signed_in, method)(*args)


def test_a_passwordless_sign_up_is_refused_by_a_pool_that_signs_in_with_passwords_only(make_sandbox, clock):
    sb, _ = make_sandbox(clock=clock, sign_in_policy=("PASSWORD",))
    auth = amplify_nb.Auth(sb.config, name="password-only", clock=clock)
    events: list = []
    stop = amplify_nb.Hub.listen("auth", events.append)
    with pytest.raises(InvalidParameterError) as caught:
        auth.sign_up("nopass@example.com", None, {"email": "nopass@example.com"})
    stop()
    assert caught.value.code == "InvalidParameterException"
    assert events[-1]["event"] == "signUp_failure"
