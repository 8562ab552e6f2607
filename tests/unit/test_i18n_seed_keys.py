"""Amplify's own vocabulary keys drive the widget's labels: the seed's "Customize Text Labels" example, Amplify
JS's and Amplify UI's other names for a label (vocab_aliases.py), and which text wins when the app gave several."""

from __future__ import annotations

import html
import re
import threading

import ipywidgets as widgets
import pytest

from amplify_nb.errors import NotAuthorizedError, ValidationError
from amplify_nb.widgets.base import error_text
from amplify_nb.widgets.i18n import I18n
from amplify_nb.widgets.vocab_aliases import ALIASES
from amplify_nb.widgets.vocabularies import FR, LABELS, VOCABULARIES, ZH

SEED_EXAMPLE = {"en": {"Sign Up": "Create new account", "Sign Up Account": "Create a new account"}}

# The seed's labels (aws-amplify-react / Amplify JS v5) and Amplify UI's, each with the widget's label it names.
SEED_KEYS = {
    "Sign In": "Sign In", "Sign in": "Sign In", "Sign Up": "Create Account", "Create account": "Create Account",
    "Sign Up Account": "Create a new account", "Sign In Account": "Sign in to your account",
    "Sign in to your account": "Sign in to your account", "Sign Out": "Sign Out", "Create Account": "Create Account",
    "Forgot your password?": "Forgot your password?", "Forgot Password": "Forgot your password?",
    "Reset password": "Forgot your password?", "Reset your password": "Reset Password",
    "Reset your Password": "Reset Password", "Send Code": "Send code", "Confirm": "Confirm",
    "Back to Sign In": "Back to Sign In", "Username": "Username", "Password": "Password", "Email": "Email",
    "Phone Number": "Phone Number", "Code": "Code", "Skip": "Skip", "Verify": "Verify", "Submit": "Submit",
    "Resend Code": "Resend Code", "Resend a Code": "Resend Code", "Confirm a Code": "Confirm Sign In",
    "Confirm Sign Up": "Confirm Sign Up", "Change Password": "Change Password",
    "Enter your username": "Enter your username", "Enter your password": "Enter your Password",
    "Enter your email": "Enter your Email", "Enter your phone number": "Enter your Phone Number",
    "Enter your code": "Enter your code", "New Password": "New password", "Confirmation Code": "Confirmation Code",
    "Please Sign In / Sign Up": "Not signed in",
    # Cognito's and Amplify JS's error messages
    "User does not exist.": "User does not exist.", "User does not exist": "User does not exist.",
    "Incorrect username or password.": "Incorrect username or password.",
    "Incorrect username or password": "Incorrect username or password.",
    "Password attempts exceeded": "Password attempts exceeded", "User already exists": "User already exists",
    "Invalid verification code provided, please try again.": "Invalid verification code provided, please try again.",
    "Username/client id combination not found.": "Username/client id combination not found.",
    "Username cannot be empty": "username is empty", "Password cannot be empty": "password is empty",
    "Confirmation code cannot be empty": "code is empty",
    "An account with the given email already exists.": "An account with the given email already exists.",
    "Invalid phone number format": "Invalid phone number format.",
    "Invalid password format": "Password did not conform with policy: Password not long enough",
}


@pytest.fixture(autouse=True)
def _fresh():
    yield
    widgets.Widget.close_all()
    I18n.reset()


def shown(language: str = "en") -> dict[str, str]:
    return {key: I18n.get(key, language=language) for key in LABELS}


def make_authenticator(auth):
    from amplify_nb.widgets import Authenticator  # here: the rest of this file needs no view

    return Authenticator(auth)


def heading_text(view) -> str:
    found = re.search(r">([^<]*)</div>", view.heading.value)
    assert found, view.heading.value
    return html.unescape(found.group(1))


# ---- the seed's example ---------------------------------------------------------------------------
def test_the_seeds_example_changes_exactly_the_labels_it_names():
    before = shown()
    I18n.put_vocabularies(SEED_EXAMPLE)
    after = shown()
    changed = {key: after[key] for key in LABELS if after[key] != before[key]}
    assert changed == {"Create Account": "Create new account"}  # the heading's shipped English already reads so
    assert I18n.get("Sign Up") == "Create new account" and I18n.get("Sign Up Account") == "Create a new account"
    I18n.put_vocabularies({"en": {"Sign Up Account": "Join the lab"}})
    assert {key for key in LABELS if I18n.get(key) != after[key]} == {"Create a new account"}
    assert shown("fr") == {key: FR[key] for key in LABELS}  # English words leave the French labels alone


def test_the_seeds_example_relabels_a_live_authenticators_sign_up_button_and_view(make_auth):
    authenticator = make_authenticator(make_auth())
    sign_in = authenticator.view
    assert sign_in.sign_up_button.description == "Create Account"
    I18n.put_vocabularies(SEED_EXAMPLE)
    assert sign_in.sign_up_button.description == "Create new account"  # re-labelled while on screen
    assert sign_in.form.submit_label == "Sign In" and sign_in.forgot_button.description == "Forgot your password?"
    authenticator.flow.to_sign_up()
    sign_up = authenticator.view
    assert sign_up.state == "signUp" and sign_up.form.submit_label == "Create new account"
    assert heading_text(sign_up) == "Create a new account"  # the seed's "Sign Up Account"
    assert sign_up.sign_in_button.description == "Back to Sign In"


def test_the_seeds_sign_up_account_names_the_sign_up_heading_alone(make_auth):
    authenticator = make_authenticator(make_auth())
    I18n.put_vocabularies({"en": {"Sign Up Account": "Join the lab"}})
    authenticator.flow.to_sign_up()
    assert heading_text(authenticator.view) == "Join the lab"
    assert authenticator.view.form.submit_label == "Create Account"


def test_amplify_ui_keys_relabel_the_live_widget_in_another_language(make_auth):
    authenticator = make_authenticator(make_auth())
    I18n.set_language("es")
    view = authenticator.view
    assert view.form.submit_label == "Iniciar sesión" and view.sign_up_button.description == "Crear cuenta"
    I18n.put_vocabularies_for_language("es", {"Sign in": "Entrar", "Forgot Password?": "¿Sin contraseña?"})
    assert view.form.submit_label == "Entrar" and view.forgot_button.description == "¿Sin contraseña?"


# ---- every seed and Amplify UI key ------------------------------------------------------------------
@pytest.mark.parametrize("language", sorted(VOCABULARIES))
def test_every_seed_key_answers_with_the_shipped_text_of_the_label_it_names(language):
    for key, label in SEED_KEYS.items():
        assert I18n.get(key, language=language) == VOCABULARIES[language][label], (language, key)


def test_every_seed_key_given_by_the_app_changes_the_label_it_names():
    for key, label in SEED_KEYS.items():
        I18n.reset()
        I18n.put_vocabularies({"en": {key: "app text"}})
        assert I18n.get(label) == "app text", key


def test_every_alias_names_a_label_and_no_label_is_shadowed():
    assert set(ALIASES) <= set(LABELS)
    names = [alias for aliases in ALIASES.values() for alias in aliases]
    # one alias may name several labels (the message map's "Invalid password format"), never a label itself,
    # but for "Hello", which the seed put before the user's name
    assert [name for name in names if name in LABELS] == ["Hello"]


# ---- precedence -----------------------------------------------------------------------------------
def test_the_apps_text_under_any_name_wins_over_the_shipped_one():
    I18n.set_language("fr")
    assert I18n.get("Create Account") == "Créer un compte"
    I18n.put_vocabularies({"fr": {"Create account": "Nouveau compte"}})
    assert I18n.get("Create Account") == "Nouveau compte" and I18n.get("Sign Up") == "Nouveau compte"


@pytest.mark.parametrize("order", ["own key first", "alias first"])
def test_the_labels_own_key_wins_over_its_aliases_whatever_the_order_given(order):
    own, alias = {"Create Account": "Own"}, {"Sign Up": "Alias", "Create account": "Later alias"}
    for table in ((own, alias) if order == "own key first" else (alias, own)):
        I18n.put_vocabularies({"en": table})
    assert I18n.get("Create Account") == "Own"
    assert I18n.get("Sign Up") == "Alias"  # asked by its own name, an alias gives its own text


def test_between_aliases_the_first_listed_wins_and_an_alias_asked_for_shows_its_label():
    I18n.put_vocabularies({"en": {"Create account": "Later alias", "Sign Up": "First alias"}})
    assert ALIASES["Create Account"].index("Sign Up") < ALIASES["Create Account"].index("Create account")
    assert I18n.get("Create Account") == "First alias"
    I18n.reset()
    I18n.put_vocabularies({"en": {"Create Account": "The label"}})
    assert I18n.get("Sign Up") == "The label"  # the alias names what the label shows


def test_the_wanted_language_wins_over_its_base_and_the_base_over_the_shipped_text():
    I18n.set_language("fr-CA")
    I18n.put_vocabularies({"fr": {"Sign Up": "S'inscrire"}})
    assert I18n.get("Create Account") == "S'inscrire"
    I18n.put_vocabularies({"fr-CA": {"Create account": "Ouvrir un compte"}})
    assert I18n.get("Create Account") == "Ouvrir un compte"
    assert I18n.get("Create Account", language="de") == "Konto erstellen"


def test_an_app_key_that_is_no_label_nor_alias_is_its_own_entry():
    assert I18n.get("No account? ") == "No account? "
    I18n.put_vocabularies({"de": {"No account? ": "Kein Konto? "}})
    assert I18n.get("No account? ", language="de") == "Kein Konto? " and I18n.get("Sign Up", language="de") == \
        "Konto erstellen"


def test_a_placeholder_label_follows_a_seed_alias_without_its_placeholders():
    I18n.put_vocabularies({"en": {"Hello": "Hi {there}",
                                  "Your code is on the way. To log in, enter the code we emailed to": "Sent to"}})
    assert I18n.format("Hello, {name}", name="Ada") == "Hi {there} Ada"  # braces in the app's text stay literal
    assert I18n.get("Hello") == "Hi {there}"
    assert I18n.format("We emailed you a code at {destination}", destination="a***@example.org") == \
        "Sent to a***@example.org"
    I18n.put_vocabularies({"en": {"Hello, {name}": "Welcome back, {name}!"}})
    assert I18n.format("Hello, {name}", name="Ada") == "Welcome back, Ada!" and I18n.get("Hello") == "Hi {there}"


def test_the_message_maps_invalid_password_format_names_every_policy_message():
    I18n.put_vocabularies({"en": {"Invalid password format": "Weak password"}})
    policy = [key for key in LABELS if key.startswith("Password did not conform with policy: ")]
    assert len(policy) == 5 and {I18n.get(key) for key in policy} == {"Weak password"}
    I18n.put_vocabularies({"en": {"Password does not conform to policy: Password not long enough": "Too short"}})
    assert I18n.get("Password did not conform with policy: Password not long enough") == "Too short"


def test_an_error_shown_inline_reads_in_the_apps_words_given_under_amplifys_key():
    error = NotAuthorizedError("Incorrect username or password.", code="NotAuthorizedException")
    I18n.set_language("zh-TW")
    assert error_text(error) == ZH["Incorrect username or password."]
    I18n.put_vocabularies({"zh-TW": {"Incorrect username or password": "帳號或密碼錯誤"}})
    assert error_text(error) == "帳號或密碼錯誤"
    assert error_text(NotAuthorizedError("Password attempts exceeded")) == ZH["Password attempts exceeded"]


# ---- the table itself -----------------------------------------------------------------------------
def test_listeners_hear_each_put_once_whatever_it_holds():
    seen = []
    stop = I18n.listen(seen.append)
    I18n.put_vocabularies({"en": {"Sign Up": "A"}, "fr": {"Sign Up": "B"}, "de": {"Sign Up": "C"}})
    I18n.put_vocabularies_for_language("es", {"Sign Up": "D", "Sign In": "E"})
    stop()
    assert seen == ["en", "en"]


def test_concurrent_puts_lose_nothing_and_readers_see_whole_tables():
    errors: list[BaseException] = []
    start = threading.Barrier(5)

    def writer(n: int) -> None:
        start.wait()
        for i in range(150):
            I18n.put_vocabularies({"en": {f"k{n}-{i}": f"v{n}-{i}", "Sign Up": f"w{n}"}})

    def reader() -> None:
        start.wait()
        try:
            for _ in range(600):
                assert I18n.get("Create Account").startswith(("w", "Create Account"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)] + [threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert all(I18n.get(f"k{n}-{i}") == f"v{n}-{i}" for n in range(4) for i in range(150))


def test_bad_vocabularies_are_refused_and_change_nothing():
    I18n.put_vocabularies({"en": {"Sign Up": "Kept"}})
    with pytest.raises(ValidationError):
        I18n.put_vocabularies({"en": {"Sign Up": "Lost"}, "fr": "not a table"})
    assert I18n.get("Create Account") == "Kept"
