"""The seed's authData and Greetings: ``on_state_change`` data carries the signed-in user (and never a secret),
``Greetings(in_greeting=..., out_greeting=...)`` with texts or functions, as the seed's example writes them.
Against the sandbox."""

from __future__ import annotations

import pytest

from amplify_nb.core.flows.results import AuthUser
from amplify_nb.errors import ValidationError
from amplify_nb.widgets import Authenticator, Greetings, I18n
from tests.integration.test_widget import submit, token_values

pytestmark = pytest.mark.usefixtures("fresh_widgets")


def test_on_state_change_gives_the_signed_in_user_as_the_seeds_auth_data(sb, auth):
    authenticator = Authenticator(auth)
    seen = []
    authenticator.on_state_change(lambda state, data: seen.append((state, data)))
    submit(authenticator.view.form, username=sb.demo_username, password=sb.demo_password)
    state, data = seen[-1]
    assert state == "signedIn" and data["previous"] == "signIn" and data["username"] == sb.demo_username
    user = data["user"]
    assert isinstance(user, AuthUser) and user == auth.current_authenticated_user() == authenticator.user
    assert user.attributes["email"] == sb.demo_username and user.user_id
    text = repr(seen) + repr(vars(user))
    assert not any(secret in text for secret in (sb.demo_password, *token_values(auth)))
    authenticator.view.greetings.sign_out_button.click()
    assert seen[-1] == ("signIn", {"previous": "signedIn", "username": sb.demo_username})  # no user: signed out
    assert authenticator.user is None


def test_a_sign_in_elsewhere_also_reports_the_user(sb, auth):
    authenticator = Authenticator(auth)
    users = []
    authenticator.on_state_change(lambda state, data: users.append(data.get("user")))
    auth.sign_in(sb.demo_username, sb.demo_password)  # the magics or the core, not the widget
    assert users == [auth.current_authenticated_user()]


def test_the_seeds_greetings_example_in_and_out(sb, auth):
    # <Greetings inGreeting={(username) => 'Hello ' + username} outGreeting="Please sign in..."/>
    greetings = Greetings(auth, in_greeting=lambda username: "Hello " + username, out_greeting="Please sign in...")
    assert greetings.hello.value == "Please sign in..." and greetings.sign_out_button.layout.display == "none"
    auth.sign_in(sb.demo_username, sb.demo_password)
    assert greetings.hello.value == f"Hello {sb.demo_username}"
    greetings.sign_out_button.click()
    assert greetings.hello.value == "Please sign in..."


def test_a_greeting_function_sees_the_user_and_texts_translate(sb, auth):
    I18n.put_vocabularies({"fr": {"Please sign in...": "Connectez-vous..."}})
    def in_greeting(who):
        return f"{who.user.attributes['email']} ({who.name == str(who) == sb.demo_username}, {who})"

    greetings = Greetings(auth, out_greeting=lambda: "Bye", in_greeting=in_greeting)
    assert greetings.hello.value == "Bye"
    auth.sign_in(sb.demo_username, sb.demo_password)
    assert greetings.hello.value == f"{sb.demo_username} (True, {sb.demo_username})"
    auth.sign_out()
    texts = Greetings(auth, out_greeting="Please sign in...")
    I18n.set_language("fr")
    assert texts.hello.value == "Connectez-vous..."


def test_what_a_greeting_function_returns_is_shown_as_is_in_every_language(sb, auth):
    greetings = Greetings(auth, out_greeting=lambda: "Sign In", in_greeting=lambda who: "Sign Out " + who)
    I18n.set_language("fr")
    assert greetings.hello.value == "Sign In"  # not "Se connecter": the app's own text, not a vocabulary key
    auth.sign_in(sb.demo_username, sb.demo_password)
    assert greetings.hello.value == f"Sign Out {sb.demo_username}"
    I18n.set_language("de")
    assert greetings.hello.value == f"Sign Out {sb.demo_username}"


def test_a_greeting_function_that_fails_falls_back_to_the_default_greeting(sb, auth, caplog):
    auth.sign_in(sb.demo_username, sb.demo_password)
    greetings = Greetings(auth, in_greeting=lambda who: 1 / 0)  # signed in already: no raw error from here
    assert greetings.hello.value == f"Hello, {sb.demo_username}"
    assert any(record.exc_info and record.exc_info[0] is ZeroDivisionError for record in caplog.records)
    auth.sign_out()
    later = Greetings(auth, in_greeting=lambda who: None, out_greeting=lambda: 1 / 0)
    assert later.hello.value == "Not signed in"
    auth.sign_in(sb.demo_username, sb.demo_password)  # through the Hub: the greeting follows, not stuck signed out
    assert later.hello.value == f"Hello, {sb.demo_username}" and later.sign_out_button.layout.display is None
    refused = [record for record in caplog.records if record.exc_info and record.exc_info[0] is ValidationError]
    assert refused and "in_greeting must return a text, not NoneType" in str(refused[-1].exc_info[1])


def test_the_authenticator_passes_its_greetings_to_the_signed_in_view_and_the_signed_out_ones(sb, auth):
    authenticator = Authenticator(auth, in_greeting=lambda username: "Hello " + username,
                                  out_greeting="Please sign in...")
    assert authenticator.greetings.hello.value == "Please sign in..."
    assert list(authenticator.children[1:]) == [authenticator.greetings, authenticator.view]
    submit(authenticator.view.form, username=sb.demo_username, password=sb.demo_password)
    assert authenticator.view.greetings.hello.value == f"Hello {sb.demo_username}"
    assert authenticator.greetings not in authenticator.children  # signed in: the view's own greeting only
    authenticator.view.greetings.sign_out_button.click()
    assert authenticator.greetings in authenticator.children


def test_the_seeds_greetings_composition_with_hide_default(sb, auth):
    # <Authenticator hideDefault={true}>
    #     <Greetings inGreeting={(username) => 'Hello ' + username} outGreeting="Please sign in..."/>
    # </Authenticator>
    authenticator = Authenticator(auth, hide_default=True, in_greeting=lambda username: "Hello " + username,
                                  out_greeting="Please sign in...")
    greetings = authenticator.greetings
    assert list(authenticator.children[1:]) == [greetings] and authenticator.view is None
    assert greetings.hello.value == "Please sign in..." and greetings.sign_out_button.layout.display == "none"
    authenticator.flow.sign_in(sb.demo_username, sb.demo_password)
    assert authenticator.auth_state == "signedIn" and list(authenticator.children[1:]) == [greetings]
    assert greetings.hello.value == f"Hello {sb.demo_username}" and greetings.sign_out_button.layout.display is None
    greetings.sign_out_button.click()
    assert authenticator.auth_state == "signIn" and not auth.is_signed_in
    assert greetings.hello.value == "Please sign in..."
    assert Authenticator(auth, hide_default=True).greetings is None  # no greeting asked: nothing shown


def test_a_move_to_signed_in_looks_the_user_up_once(sb, auth):
    authenticator = Authenticator(auth, in_greeting=lambda who: f"Hi {who}")
    calls = []
    lookup = auth.current_authenticated_user
    auth.current_authenticated_user = lambda: calls.append(1) or lookup()
    users = []
    authenticator.on_state_change(lambda state, data: users.append(data.get("user")))
    submit(authenticator.view.form, username=sb.demo_username, password=sb.demo_password)
    assert authenticator.auth_state == "signedIn" and len(calls) == 1
    assert authenticator.view.greetings.hello.value == f"Hi {sb.demo_username}" and users[-1] == lookup()


def test_greetings_inside_the_authenticator_as_a_component(sb, auth):
    authenticator = Authenticator(auth, components={
        "signedIn": lambda flow, authenticator: Greetings(host=authenticator, in_greeting="Welcome aboard")})
    submit(authenticator.view.form, username=sb.demo_username, password=sb.demo_password)
    assert authenticator.view.hello.value == "Welcome aboard"
    authenticator.view.sign_out_button.click()
    assert authenticator.auth_state == "signIn" and not auth.is_signed_in


@pytest.mark.parametrize(("options", "field"), [
    ({"in_greeting": 42}, "in_greeting"), ({"out_greeting": ["Bye"]}, "out_greeting"),
])
def test_a_wrong_greeting_is_refused(auth, options, field):
    with pytest.raises(ValidationError) as caught:
        Greetings(auth, **options)
    assert caught.value.field == field
    with pytest.raises(ValidationError) as caught:
        Authenticator(auth, **options)
    assert caught.value.field == field
