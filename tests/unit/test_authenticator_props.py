"""Amplify UI's Authenticator props: hide_sign_up, form_fields, login_mechanisms, sign_up_attributes,
variation, initial_state (and the seed's authState), each changing what the user sees or can do, their
defaults from the configuration, and every wrong value refused with the option's name and what it takes."""

from __future__ import annotations

import uuid

import pytest

import amplify_nb
from amplify_nb.errors import ValidationError
from amplify_nb.widgets import Authenticator, I18n
from tests.integration.test_widget import field, submit

pytestmark = pytest.mark.usefixtures("fresh_widgets")

POOL = {"aws_region": "us-east-1", "user_pool_id": "us-east-1_PropsPool1", "user_pool_client_id": "propsclient1"}
POLICY = {"min_length": 10, "require_numbers": True, "require_lowercase": False, "require_uppercase": False,
          "require_symbols": False}


def offline_auth(**auth_section) -> amplify_nb.Auth:
    """A real Auth on a configuration alone (amplify_outputs.json's auth section): no call reaches Cognito."""
    return amplify_nb.Auth({"version": "1.3", "auth": {**POOL, **auth_section}}, name=f"p-{uuid.uuid4().hex[:8]}")


def names(form) -> list[str]:
    return [item["name"] for item in form.fields]




# ---- defaults from the configuration ------------------------------------------------------------------------
def test_the_configuration_decides_login_sign_up_attributes_and_password_hints():
    auth = offline_auth(username_attributes=["phone_number"], standard_required_attributes=["name"],
                        password_policy=POLICY)
    authenticator = Authenticator(auth, initial_state="signUp")
    form = authenticator.view.form
    assert names(form) == ["username", "password", "confirm_password", "name"]
    assert {k: field(form, "username")[k] for k in ("label", "kind")} == {"label": "Phone Number", "kind": "tel"}
    assert [rule["message"] for rule in form.rules] == ["Password must have at least 10 characters",
                                                         "Password must have numbers"]
    assert field(form, "password")["policy"] and field(form, "name")["required"]


# ---- hide_sign_up -------------------------------------------------------------------------------------------
def test_hide_sign_up_removes_the_link_and_the_way_there():
    authenticator = Authenticator(offline_auth(), hide_sign_up=True)
    assert authenticator.view.sign_up_button.layout.display == "none"
    with pytest.raises(ValidationError, match="hide_sign_up"):
        authenticator.flow.to_sign_up()
    with pytest.raises(ValidationError, match="hide_sign_up"):
        authenticator.auth_state = "signUp"
    assert authenticator.auth_state == "signIn" and "signUp" not in authenticator.views
    with pytest.raises(ValidationError, match="initial_state"):
        Authenticator(offline_auth(), hide_sign_up=True, initial_state="signUp")
    with pytest.raises(ValidationError, match="hide_sign_up must be True or False"):
        Authenticator(offline_auth(), hide_sign_up="yes")
    assert Authenticator(offline_auth()).view.sign_up_button.layout.display is None


# ---- initial_state and the seed's authState -----------------------------------------------------------------
def test_the_seeds_auth_state_sign_up_opens_on_sign_up():
    assert Authenticator(offline_auth(), auth_state="signUp").view.state == "signUp"
    assert Authenticator(offline_auth(), initial_state="forgotPassword").view.state == "forgotPassword"
    with pytest.raises(ValidationError, match="initial_state must be one of signIn, signUp, forgotPassword"):
        Authenticator(offline_auth(), auth_state="confirmSignUp")
    with pytest.raises(ValidationError, match="not both"):
        Authenticator(offline_auth(), initial_state="forgotPassword", auth_state="signUp")


# ---- login_mechanisms ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("mechanisms", "label", "kind"), [
    (["username"], "Username", "username"), (["email"], "Email", "email"), (["phone_number"], "Phone Number", "tel"),
    (["email", "phone_number"], "Email or Phone Number", "username"), ("email", "Email", "email"),
])
def test_login_mechanisms_label_and_type_the_login_on_every_form(mechanisms, label, kind):
    authenticator = Authenticator(offline_auth(username_attributes=["email"]), login_mechanisms=mechanisms)
    for state, form in (("signIn", "form"), ("signUp", "form"), ("forgotPassword", "request_form")):
        authenticator.auth_state = state
        login = field(getattr(authenticator.view, form), "username")
        assert (login["label"], login["kind"]) == (label, kind), state


def test_login_mechanisms_check_the_login_before_any_call(sb):
    auth = amplify_nb.Auth(sb.config, name="props")
    authenticator = Authenticator(auth, login_mechanisms=["phone_number"])
    view = authenticator.view
    before = len(sb.calls)
    submit(view.form, username="5550001234", password="Whatever-1")
    assert "Invalid phone number format." in view.error.value and len(sb.calls) == before
    email = Authenticator(auth, login_mechanisms=["email"])
    submit(email.view.form, username="not-an-address", password="Whatever-1")
    assert "Invalid email address format." in email.view.error.value and len(sb.calls) == before
    submit(email.view.form, username="", password="Whatever-1")
    assert "Email is required" in email.view.error.value and len(sb.calls) == before
    submit(email.view.form, username=sb.demo_username, password=sb.demo_password)
    assert email.auth_state == "signedIn"


def test_login_mechanism_email_on_sign_up_sends_the_address_as_the_email_attribute(sb):
    auth = amplify_nb.Auth(sb.config, name="props")
    authenticator = Authenticator(auth, initial_state="signUp", login_mechanisms=["email"])
    submit(authenticator.view.form, username="grace@example.com", password="Correct-horse-1",
           confirm_password="Correct-horse-1")
    assert authenticator.auth_state == "confirmSignUp"
    assert sb.user("grace@example.com").attributes["email"] == "grace@example.com"


@pytest.mark.parametrize("bad", [[], ["mail"], ["email", "email"], {"email": True}, 7])
def test_wrong_login_mechanisms_are_refused(bad):
    with pytest.raises(ValidationError, match="login_mechanisms must be a list of one or more of username, "
                                              "email, phone_number") as caught:
        Authenticator(offline_auth(), login_mechanisms=bad)
    assert caught.value.field == "login_mechanisms"


# ---- sign_up_attributes -------------------------------------------------------------------------------------
def test_sign_up_attributes_add_optional_fields_after_the_required_ones(sb):
    config = sb.config
    config["auth"]["standard_required_attributes"] = ["email", "name"]
    auth = amplify_nb.Auth(config, name="props")
    authenticator = Authenticator(auth, initial_state="signUp", sign_up_attributes=["nickname", "birthdate"])
    form = authenticator.view.form
    assert names(form) == ["username", "password", "confirm_password", "name", "nickname", "birthdate"]
    assert field(form, "name")["required"] and not field(form, "nickname")["required"]
    assert field(form, "birthdate")["autocomplete"] == "bday"
    submit(form, username="ada@example.com", password="Correct-horse-1", confirm_password="Correct-horse-1",
           name="Ada", nickname="ada", birthdate="")
    assert authenticator.auth_state == "confirmSignUp"
    attributes = sb.user("ada@example.com").attributes
    assert attributes["nickname"] == "ada" and "birthdate" not in attributes


@pytest.mark.parametrize("bad", [["shoe_size"], ["updated_at"], {"name": 1}, 3])
def test_wrong_sign_up_attributes_are_refused(bad):
    with pytest.raises(ValidationError, match="sign_up_attributes must be a list of Cognito's standard attributes"):
        Authenticator(offline_auth(), sign_up_attributes=bad)


# ---- form_fields --------------------------------------------------------------------------------------------
def test_form_fields_relabel_reorder_require_and_prefill_with_amplify_ui_keys():
    auth = offline_auth(username_attributes=["email"])
    authenticator = Authenticator(auth, initial_state="signUp", sign_up_attributes=["nickname"], form_fields={
        "signIn": {"email": {"label": "Work e-mail", "placeholder": "you@lab.org", "defaultValue": "me@lab.org"}},
        "signUp": {"confirm_password": {"label": "Again", "order": 1}, "password": {"order": 2},
                   "nickname": {"isRequired": True, "label_hidden": True, "order": 3},
                   "custom:team": {"label": "Team", "placeholder": "Your team"}},
        "confirmResetPassword": {"confirmation_code": {"label": "The code we sent"}},
        "confirmSignUp": {"confirmation_code": {"placeholder": "6 digits"}},
    })
    form = authenticator.view.form
    assert names(form) == ["confirm_password", "password", "nickname", "username", "custom:team"]
    assert field(form, "confirm_password")["label"] == "Again"
    assert field(form, "nickname")["required"] and field(form, "nickname")["label_hidden"]
    assert {k: field(form, "custom:team")[k] for k in ("label", "placeholder", "required", "kind")} == {
        "label": "Team", "placeholder": "Your team", "required": False, "kind": "text"}
    authenticator.flow.to_sign_in()
    login = field(authenticator.view.form, "username")
    assert (login["label"], login["placeholder"]) == ("Work e-mail", "you@lab.org")
    assert authenticator.view.form.values == {"username": "me@lab.org"}  # the default value, prefilled
    authenticator.flow.reset_code_sent = True
    authenticator.flow.go("forgotPassword")
    assert field(authenticator.view.form, "code")["label"] == "The code we sent"
    authenticator.auth_state = "confirmSignUp"
    assert field(authenticator.view.form, "code")["placeholder"] == "6 digits"


def test_a_form_field_made_required_is_checked_in_the_kernel_too(sb):
    auth = amplify_nb.Auth(sb.config, name="props")
    authenticator = Authenticator(auth, initial_state="signUp", sign_up_attributes=["nickname"],
                                  form_fields={"signUp": {"nickname": {"is_required": True, "label": "Call sign"}}})
    before = len(sb.calls)
    submit(authenticator.view.form, username="lin@example.com", password="Correct-horse-1",
           confirm_password="Correct-horse-1", nickname="  ")
    assert "Call sign is required" in authenticator.view.error.value and len(sb.calls) == before
    I18n.set_language("fr")
    submit(authenticator.view.form, username="lin@example.com", password="Correct-horse-1",
           confirm_password="Correct-horse-1")
    assert "Call sign est obligatoire" in authenticator.view.error.value


def test_an_optional_phone_field_left_at_its_dial_code_is_empty(sb):
    auth = amplify_nb.Auth(sb.config, name="props")
    authenticator = Authenticator(auth, initial_state="signUp", sign_up_attributes=["phone_number"],
                                  form_fields={"signUp": {"phone_number": {"dialCode": "+44"}}})
    form = authenticator.view.form
    assert form.values == {"phone_number": "+44"}  # the page starts the number with the dial code
    assert form.field("phone_number").default_value == "" and form.field("phone_number").dial_code == "+44"
    submit(form, username="max@example.com", password="Correct-horse-1", confirm_password="Correct-horse-1",
           phone_number="+44")  # untouched
    assert authenticator.auth_state == "confirmSignUp", authenticator.view.error.value
    assert "phone_number" not in sb.user("max@example.com").attributes
    required = Authenticator(auth, initial_state="signUp", sign_up_attributes=["phone_number"], form_fields={
        "signUp": {"phone_number": {"dial_code": "+44", "isRequired": True}}})
    submit(required.view.form, username="eve@example.com", password="Correct-horse-1",
           confirm_password="Correct-horse-1", phone_number="+44")
    assert "Phone Number is required" in required.view.error.value and required.auth_state == "signUp"
    submit(required.view.form, username="eve@example.com", password="Correct-horse-1",
           confirm_password="Correct-horse-1", phone_number="+447700900123")
    assert required.auth_state == "confirmSignUp"
    assert sb.user("eve@example.com").attributes["phone_number"] == "+447700900123"


def test_form_fields_label_the_totp_qr_with_the_apps_issuer(sb):
    auth = amplify_nb.Auth(sb.config, name="props")
    auth.sign_in(sb.demo_username, sb.demo_password)
    setup = auth.setup_totp()
    auth.sign_out()
    authenticator = Authenticator(auth, form_fields={"setupTotp": {"QR": {"totpIssuer": "My Lab",
                                                                          "totpUsername": "ada"}}})
    authenticator.flow.totp_setup = setup
    authenticator.auth_state = "TOTPSetup"
    shown = authenticator.view.panel
    assert shown.key == setup.secret and shown.qr.value.startswith("<img")
    assert setup.issuer != "My Lab"  # the core's set-up is untouched; the QR shown names the app's issuer
    from amplify_nb.core.flows.mfa import TOTPSetup

    expected = TOTPSetup(setup.secret, "ada", "My Lab").qr_png()
    import base64

    assert base64.b64encode(expected).decode() in shown.qr.value


@pytest.mark.parametrize(("form_fields", "says"), [
    ({"signOn": {}}, "unknown screen 'signOn'; screens: signIn, signUp"),
    ({"signIn": {"phone": {"label": "x"}}}, "unknown field 'phone'; fields: username, password"),
    ({"signUp": {"shoe_size": {"label": "x"}}}, "unknown field 'shoe_size'"),
    ({"signIn": {"username": {"colour": "red"}}}, "unknown option 'colour'; options: label"),
    ({"signIn": {"username": {"isRequired": "yes"}}}, "['isRequired'] must be True or False"),
    ({"signIn": {"username": {"order": "1"}}}, "['order'] must be a number"),
    ({"signIn": {"password": {"default_value": "hunter2"}}}, "password is a secret field"),
    ({"signIn": {"username": {"type": "checkbox"}}}, "['type'] must be one of text, email, tel"),
    ({"setupTotp": {"QR": {"totpIssuer": ""}}}, "['QR'] takes totp_issuer"),
    ({"signIn": "username"}, "form_fields['signIn'] must be a dict"),
    ({"signIn": {"username": {"defaultValue": "ada\x1b[2J"}}}, "['defaultValue'] contains control characters"),
    ({"signIn": {"username": {"label": "User\nname"}}}, "['label'] contains control characters"),
    ({"signIn": {"username": {"placeholder": "\x00"}}}, "['placeholder'] contains control characters"),
    ({"signIn": {"username": {"label": " "}}}, "['label'] is empty"),
    ({"signUp": {"phone_number": {"dialCode": "44"}}}, "['dialCode'] must be a dial code such as '+44'"),
    (["signIn"], "form_fields must be a dict"),
])
def test_wrong_form_fields_are_refused_naming_what_they_take(form_fields, says):
    with pytest.raises(ValidationError) as caught:
        authenticator = Authenticator(offline_auth(), form_fields=form_fields)
        authenticator.view  # noqa: B018 (the sign-in form is built with the widget)
    assert says in str(caught.value) and caught.value.field == "form_fields"
    assert "hunter2" not in str(caught.value)


# ---- variation ----------------------------------------------------------------------------------------------
def test_variation_modal_centres_the_card_on_a_dimmed_backdrop():
    plain = Authenticator(offline_auth())
    modal = Authenticator(offline_auth(), variation="modal")
    assert "amplify-nb-modal" not in plain._dom_classes and plain.layout.width == plain.theme["width"]
    card = modal.children[1]
    assert "amplify-nb-modal" in modal._dom_classes and "amplify-nb-card" in card._dom_classes
    assert modal.view in card.children and card.layout.width == modal.theme["width"]
    assert (modal.layout.width, modal.layout.align_items, modal.layout.justify_content) == ("100%", "center", "center")
    style = modal.children[0].value
    assert f"{modal._css_class}-modal" in style and "rgba(0, 0, 0, 0.5)" in style
    assert modal._css_class in card._dom_classes  # the theme's scoped rule styles the card
    with pytest.raises(ValidationError, match="variation must be one of default, modal"):
        Authenticator(offline_auth(), variation="popup")


def test_the_modal_backdrop_goes_once_signed_in_and_comes_back_on_sign_out(sb):
    auth = amplify_nb.Auth(sb.config, name="props")
    modal = Authenticator(auth, variation="modal")
    submit(modal.view.form, username=sb.demo_username, password=sb.demo_password)
    assert modal.auth_state == "signedIn" and "amplify-nb-modal" not in modal._dom_classes
    assert modal.view in modal.children[1].children
    modal.view.greetings.sign_out_button.click()
    assert modal.auth_state == "signIn" and "amplify-nb-modal" in modal._dom_classes


# ---- color_mode ---------------------------------------------------------------------------------------------
def test_color_mode_reaches_the_theme_of_every_view():
    from amplify_nb.widgets import Theme

    dark = Authenticator(offline_auth(), color_mode="dark", theme={"primary_color": "#8a3ffc"})
    assert dark.theme.color_mode == "dark" and dark.theme["primary_color"] == "#8a3ffc"
    assert dark.view.form.theme["background_color"] == Theme(color_mode="dark")["background_color"]
    assert dark.view.form.theme["background_color"] != Theme(color_mode="light")["background_color"]
    assert Authenticator(offline_auth()).theme.color_mode == "system"
    given = Theme({"primary_color": "#8a3ffc"}, color_mode="light")
    assert Authenticator(offline_auth(), theme=given).theme is given
    relit = Authenticator(offline_auth(), theme=given, color_mode="dark").theme
    assert relit.color_mode == "dark" and relit["primary_color"] == "#8a3ffc"
    with pytest.raises(ValidationError, match="color_mode must be one of") as caught:
        Authenticator(offline_auth(), color_mode="sepia")
    assert caught.value.field == "color_mode"
