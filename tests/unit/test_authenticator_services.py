"""Amplify UI's ``services``: the app's functions in place of the Authenticator's calls (handle_sign_in,
handle_sign_up, ...) and its validate_custom_sign_up, against the sandbox. What they refuse shows on the form,
typed, with no secret in it; the password they were given is not kept."""

from __future__ import annotations

import asyncio

import pytest

from amplify_nb.core.validate import Secret
from amplify_nb.errors import ValidationError
from amplify_nb.widgets import Authenticator
from tests.integration.test_widget import assert_holds_none, submit

pytestmark = pytest.mark.usefixtures("fresh_widgets")

PASSWORD = "Correct-horse-1"





def sign_up(authenticator, username, **extra):
    submit(authenticator.view.form, username=username, password=PASSWORD, confirm_password=PASSWORD, **extra)


def test_handle_sign_up_changes_the_input_and_makes_the_call_itself(sb, auth):
    seen = {}

    def handle_sign_up(input):  # Amplify UI's example: lower-case the username before signing up
        seen.update(keys=sorted(input), password_repr=repr(input["password"]),
                    secret=isinstance(input["password"], Secret))
        input["username"] = input["username"].lower()
        seen["input"] = input
        return auth.sign_up(**input)

    authenticator = Authenticator(auth, initial_state="signUp", services={"handleSignUp": handle_sign_up})
    sign_up(authenticator, "Ada@Example.com")
    assert authenticator.auth_state == "confirmSignUp" and sb.user("ada@example.com") is not None
    assert seen["keys"] == ["attributes", "auto_sign_in", "password", "username"]
    assert seen["secret"] and PASSWORD not in seen["password_repr"]
    assert seen["input"] == {}  # emptied once the service returned: the password is not kept in it
    assert_holds_none(authenticator, PASSWORD)


def test_handle_sign_in_and_confirm_sign_up_services(sb, auth):
    calls = []

    def handle_sign_in(input):
        calls.append(("sign_in", input["username"], input["flow"]))
        return auth.sign_in(**input)

    def handle_confirm_sign_up(input):
        calls.append(("confirm_sign_up", input["username"]))
        auth.confirm_sign_up(**input)

    authenticator = Authenticator(auth, initial_state="signUp", services={
        "handle_sign_in": handle_sign_in, "handleConfirmSignUp": handle_confirm_sign_up})
    sign_up(authenticator, "lin@example.com")
    submit(authenticator.view.form, code=sb.outbox.last_code("lin@example.com"))
    assert authenticator.auth_state == "signIn"
    submit(authenticator.view.form, username="lin@example.com", password=PASSWORD)
    assert authenticator.auth_state == "signedIn"
    assert calls == [("confirm_sign_up", "lin@example.com"), ("sign_in", "lin@example.com", "USER_SRP_AUTH")]


def test_validate_custom_sign_up_refuses_before_any_call(sb, auth):
    def validate_custom_sign_up(form_data):
        if not form_data.get("nickname", "").startswith("lab-"):
            return {"nickname": "Nicknames start with lab-"}
        return None

    authenticator = Authenticator(auth, initial_state="signUp", sign_up_attributes=["nickname"],
                                  services={"validateCustomSignUp": validate_custom_sign_up})
    before = len(sb.calls)
    sign_up(authenticator, "kim@example.com", nickname="kim")
    assert "Nicknames start with lab-" in authenticator.view.error.value and len(sb.calls) == before
    with pytest.raises(ValidationError) as caught:
        authenticator.flow.sign_up("kim@example.com", PASSWORD, {"nickname": "kim"})  # an app's own view too
    assert caught.value.errors == {"nickname": "Nicknames start with lab-"} and caught.value.field == "nickname"
    sign_up(authenticator, "kim@example.com", nickname="lab-kim")
    assert authenticator.auth_state == "confirmSignUp"


def test_an_async_service_works_as_in_amplify_ui(sb, auth):
    async def validate_custom_sign_up(form_data):
        await asyncio.sleep(0)
        return {"acknowledgement": "You must agree to the Terms & Conditions"}

    authenticator = Authenticator(auth, initial_state="signUp", services={"validate_custom_sign_up":
                                                                            validate_custom_sign_up})
    sign_up(authenticator, "amy@example.com")
    assert "You must agree to the Terms &amp; Conditions" in authenticator.view.error.value


def test_a_services_exception_is_shown_typed_with_the_password_masked(sb, auth):
    def handle_sign_in(input):
        raise RuntimeError(f"refused {input['username']} with {input['password']}")

    authenticator = Authenticator(auth, services={"handle_sign_in": handle_sign_in})
    seen = []
    original = authenticator.view.show_error
    authenticator.view.show_error = lambda exc: seen.append(exc) or original(exc)
    submit(authenticator.view.form, username=sb.demo_username, password=sb.demo_password)
    assert authenticator.auth_state == "signIn" and len(seen) == 1
    error = seen[0]
    assert isinstance(error, ValidationError) and error.field == "services.handle_sign_in"
    assert str(error) == f"refused {sb.demo_username} with ****" and error.__cause__ is None
    assert sb.demo_password not in authenticator.view.error.value and "refused" in authenticator.view.error.value
    assert_holds_none(authenticator, sb.demo_password)


def test_a_service_that_returns_the_wrong_thing_is_refused(sb, auth):
    authenticator = Authenticator(auth, services={"handle_sign_in": lambda input: None})
    submit(authenticator.view.form, username=sb.demo_username, password=sb.demo_password)
    assert "must return what auth.sign_in() returns (a SignInResult), not NoneType" in authenticator.view.error.value
    bad = Authenticator(auth, initial_state="signUp", services={"validate_custom_sign_up": lambda data: ["no"]})
    sign_up(bad, "zed@example.com")
    assert "must return None or a dict" in bad.view.error.value


@pytest.mark.parametrize(("services", "says"), [
    ({"handleSignOut": lambda input: None}, "unknown service 'handleSignOut'; services: handle_sign_in (handleSignIn)"),
    ({"handle_sign_in": "not a function"}, "services['handle_sign_in'] must be a function"),
    ([lambda input: None], "services must be a dict of functions"),
])
def test_wrong_services_are_refused(auth, services, says):
    with pytest.raises(ValidationError) as caught:
        Authenticator(auth, services=services)
    assert says in str(caught.value) and caught.value.field == "services"


# ---- no secret reaches the form, whatever the app's function does -------------------------------------------
def test_an_amplify_error_a_service_raises_is_shown_with_the_password_masked(sb, auth):
    def handle_sign_in(input):  # the app's own typed refusal, naming the password it was given
        raise ValidationError(f"weak {input['password']}", field="password", errors={"password": input["password"]})

    authenticator = Authenticator(auth, services={"handleSignIn": handle_sign_in})
    seen = []
    original = authenticator.view.show_error
    authenticator.view.show_error = lambda exc: seen.append(exc) or original(exc)
    submit(authenticator.view.form, username=sb.demo_username, password=sb.demo_password)
    assert authenticator.auth_state == "signIn" and "weak ****" in authenticator.view.error.value
    error = seen[0]
    assert type(error) is ValidationError and error.field == "password" and str(error) == "weak ****"
    assert error.errors == {"password": "****"} and error.__cause__ is None and error.__context__ is None
    assert_holds_none(authenticator, sb.demo_password)


def test_a_service_error_without_a_secret_in_it_is_raised_as_it_is(sb, auth):
    from amplify_nb.errors import NotAuthorizedError

    authenticator = Authenticator(auth, services={"handle_sign_in": lambda input: auth.sign_in(**input)})
    with pytest.raises(NotAuthorizedError):
        authenticator.flow.sign_in(sb.demo_username, "Wrong-horse-22")


def test_validate_custom_sign_up_messages_are_masked(sb, auth):
    authenticator = Authenticator(auth, initial_state="signUp", services={
        "validateCustomSignUp": lambda data: {"password": f"{data['password']} is too weak"}})
    sign_up(authenticator, "tom@example.com")
    assert "**** is too weak" in authenticator.view.error.value and PASSWORD not in authenticator.view.error.value
    with pytest.raises(ValidationError) as caught:
        authenticator.flow.sign_up("tom@example.com", PASSWORD)
    assert caught.value.errors == {"password": "**** is too weak"} and PASSWORD not in str(caught.value)
    assert_holds_none(authenticator, PASSWORD)


def test_validate_custom_sign_up_sees_every_field_as_amplify_ui_passes_them(sb, auth):
    seen = {}

    def validate_custom_sign_up(form_data):
        seen.update({key: "<secret>" if isinstance(value, Secret) else value for key, value in form_data.items()})

    authenticator = Authenticator(auth, initial_state="signUp", login_mechanisms=["email"],
                                  sign_up_attributes=["nickname", "birthdate"],
                                  services={"validate_custom_sign_up": validate_custom_sign_up})
    sign_up(authenticator, " ann@example.com ", nickname="ann")  # birthdate left empty
    assert seen == {"username": "ann@example.com", "email": "ann@example.com", "password": "<secret>",
                    "confirm_password": "<secret>", "nickname": "ann", "birthdate": ""}
    assert authenticator.auth_state == "confirmSignUp"
