"""The Authenticator widget against the sandbox, without a browser: real ipywidgets, values set and buttons
clicked as the frontend would, and every widget's state inspected for what must never be in it.

The flows through every state are in test_widget_flows.py; this file covers the widget's own behaviour:
errors, busy state, I18n, theme, hide_default, initial_state, callbacks, gating, following the Hub.
"""

from __future__ import annotations

import ipywidgets as widgets
import pytest
from ipywidgets.widgets.widget import _instances

import amplify_nb
from amplify_nb.errors import NotAuthorizedError, ValidationError
from amplify_nb.steps import FIRST_FACTORS
from amplify_nb.widgets import Authenticator, Greetings, I18n, with_authenticator
from amplify_nb.widgets.vocabularies import LABELS

PASSWORD = "Correct-horse-1"
WRONG_PASSWORD = "Wrong-horse-22"
# The members of Cognito requests and responses that carry a password, a code, a token or a session.
SECRET_MEMBERS = {
    "Password", "PASSWORD", "NEW_PASSWORD", "ProposedPassword", "ConfirmationCode", "UserCode", "Code",
    "SMS_MFA_CODE", "SOFTWARE_TOKEN_MFA_CODE", "EMAIL_OTP_CODE", "SMS_OTP_CODE", "ANSWER", "AccessToken", "IdToken",
    "RefreshToken", "REFRESH_TOKEN", "Session", "Token", "SecretCode",
}
# Names an ANSWER may carry that are no secret: an MFA method, a first factor chosen at SELECT_CHALLENGE.
MFA_NAMES = {"SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP", "SMS", "TOTP", "EMAIL", *FIRST_FACTORS}


# ---- helpers shared with test_widget_flows.py ---------------------------------------------------------
class Wire:
    """Every secret value one Auth sends to or receives from Cognito, seen through botocore's hooks."""

    def __init__(self, auth):
        self.secrets: dict[str, str] = {}
        events = auth.session_state.client.boto.meta.events
        events.register("provide-client-params.cognito-idp", lambda params, **_: self._harvest(params))
        events.register("after-call.cognito-idp", lambda parsed, **_: self._harvest(parsed))

    def _harvest(self, value, member=None) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                self._harvest(item, key)
        elif isinstance(value, list):
            for item in value:
                self._harvest(item, member)
        elif isinstance(value, str) and member in SECRET_MEMBERS and value not in MFA_NAMES and len(value) >= 6:
            self.secrets.setdefault(value, member)


def tree(root) -> list[widgets.Widget]:
    """The widget and every widget it references (children, layouts, styles, hidden views' widgets)."""
    seen: dict[int, widgets.Widget] = {}
    stack = [root, *getattr(root, "views", {}).values()]
    while stack:
        widget = stack.pop()
        if id(widget) in seen:
            continue
        seen[id(widget)] = widget
        for value in widget.trait_values().values():
            if isinstance(value, widgets.Widget):
                stack.append(value)
            elif isinstance(value, (list, tuple)):
                stack.extend(item for item in value if isinstance(item, widgets.Widget))
    return list(seen.values())


def widget_texts(root=None) -> dict[str, str]:
    """What each widget holds: its synced state (what a saved notebook keeps) and all its traits.
    With no root, every live widget in the kernel."""
    found = tree(root) if root is not None else list(_instances.values())
    texts = {}
    for widget in found:
        traits = {k: v for k, v in widget.trait_values().items() if k not in ("comm", "keys")}
        texts[f"{type(widget).__name__}#{widget.model_id}"] = repr(widget.get_state()) + repr(traits)
    return texts


def assert_holds_none(root, *secrets: str, wire: Wire | None = None) -> None:
    """No widget in the tree (nor anywhere in the kernel) holds any of the secrets."""
    wanted = {secret: "given" for secret in secrets if secret}
    if wire is not None:
        wanted.update(wire.secrets)
    texts = {**widget_texts(root), **widget_texts()}
    found = [(where, what) for where, text in texts.items() for value, what in wanted.items() if value in text]
    assert not found, found  # (widget, kind of secret): never the secret itself


def token_values(auth) -> list[str]:
    tokens = auth.session_state.tokens()
    return [tokens.id_token, tokens.access_token, tokens.refresh_token] if tokens else []


def submit(form, **values: str) -> None:
    """The user pressing Enter or clicking the form's button: the page's one "submit" message, which
    carries every field as typed (form.js)."""
    form._handle_custom_msg({"event": "submit", "values": values}, [])


def field(form, name: str) -> dict:
    """A field as the page renders it."""
    return next(item for item in form.fields if item["name"] == name)


def sign_in(view, username: str, password: str) -> None:
    submit(view.form, username=username, password=password)


@pytest.fixture
def sb(make_sandbox):
    sandbox, _ = make_sandbox()
    return sandbox


@pytest.fixture
def auth(sb):
    return amplify_nb.Auth(sb.config, name="widget")


@pytest.fixture(autouse=True)
def _fresh_widgets():
    yield
    widgets.Widget.close_all()  # also stops each Authenticator's Hub and I18n listeners
    I18n.reset()


# ---- sign-in, errors, busy state ------------------------------------------------------------------
def test_sign_in_shows_greetings_and_no_widget_holds_the_password_or_a_token(sb, auth):
    wire = Wire(auth)
    authenticator = Authenticator(auth)
    assert authenticator.auth_state == "signIn"
    view = authenticator.view
    assert {k: field(view.form, "username")[k] for k in ("label", "kind", "autocomplete", "required")} == {
        "label": "Email", "kind": "email", "autocomplete": "username", "required": True}
    assert {k: field(view.form, "password")[k] for k in ("kind", "autocomplete", "secret")} == {
        "kind": "password", "autocomplete": "current-password", "secret": True}
    sign_in(view, sb.demo_username, sb.demo_password)
    assert authenticator.auth_state == "signedIn" and auth.is_signed_in
    greetings = authenticator.view.greetings
    assert isinstance(greetings, Greetings) and greetings.hello.value == f"Hello, {sb.demo_username}"
    assert_holds_none(authenticator, sb.demo_password, *token_values(auth), wire=wire)
    greetings.sign_out_button.click()
    assert authenticator.auth_state == "signIn" and not auth.is_signed_in


def test_wrong_password_shows_the_error_inline_and_keeps_the_state(sb, auth):
    authenticator = Authenticator(auth)
    view = authenticator.view
    sign_in(view, sb.demo_username, WRONG_PASSWORD)
    assert authenticator.auth_state == "signIn"
    assert view.error.layout.display == "block" and "Incorrect username or password." in view.error.value
    assert_holds_none(authenticator, WRONG_PASSWORD)
    sign_in(view, sb.demo_username, sb.demo_password)  # the next try clears the error
    assert authenticator.auth_state == "signedIn" and view.error.value == ""


def test_an_empty_password_is_refused_before_any_call(sb, auth):
    view = Authenticator(auth).view
    before = len(sb.calls)
    sign_in(view, sb.demo_username, "")
    assert "password is empty" in view.error.value and len(sb.calls) == before


@pytest.mark.parametrize("error_message", [
    {"NotAuthorizedException": "Nope, <try> again"},
    {"NotAuthorizedError": "Nope, <try> again"},
    {"Incorrect username or password.": "Nope, <try> again"},
    lambda exc: "Nope, <try> again" if isinstance(exc, NotAuthorizedError) else None,
], ids=["by-code", "by-class", "by-message", "function"])
def test_error_message_overrides_the_text_and_is_escaped(sb, auth, error_message):
    view = Authenticator(auth, error_message=error_message).view
    sign_in(view, sb.demo_username, WRONG_PASSWORD)
    assert "Nope, &lt;try&gt; again" in view.error.value and "Incorrect" not in view.error.value
    sign_in(view, sb.demo_username, "")  # not mapped: the default text
    assert "password is empty" in view.error.value


def test_busy_state_while_the_call_runs(sb, auth, monkeypatch):
    authenticator = Authenticator(auth)
    view = authenticator.view
    seen = {}
    original = auth.sign_in

    def watching(username, password=None, **kwargs):
        seen.update(form=view.form.busy, spinner=view.spinner.layout.display, links=view.sign_up_button.disabled)
        return original(username, password, **kwargs)

    monkeypatch.setattr(auth, "sign_in", watching)
    sign_in(view, sb.demo_username, WRONG_PASSWORD)
    assert seen == {"form": True, "spinner": "block", "links": True}
    assert not view.form.busy and not view.sign_up_button.disabled and view.spinner.layout.display == "none"


def test_an_unexpected_failure_is_shown_not_lost(sb, auth, monkeypatch):
    view = Authenticator(auth).view

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(auth, "sign_in", broken)
    sign_in(view, sb.demo_username, sb.demo_password)
    assert "Something went wrong" in view.error.value and not view.form.busy


# ---- I18n -------------------------------------------------------------------------------------------
def test_i18n_switch_to_french_then_vocabulary_override(sb, auth):
    authenticator = Authenticator(auth)
    view = authenticator.view
    assert view.form.submit_label == "Sign In"
    amplify_nb.I18n.set_language("fr")
    assert amplify_nb.I18n is I18n
    assert view.form.submit_label == "Se connecter" and view.form.texts["show"] == "Afficher le mot de passe"
    assert field(view.form, "password")["label"] == "Mot de passe"
    assert field(view.form, "password")["placeholder"] == "Saisissez votre mot de passe"
    assert view.sign_up_button.description == "Créer un compte"
    assert "Connectez-vous" in view.heading.value
    sign_in(view, sb.demo_username, WRONG_PASSWORD)
    assert "Nom d'utilisateur ou mot de passe incorrect." in view.error.value.replace("&#x27;", "'")
    amplify_nb.I18n.put_vocabularies({"fr": {"Sign In": "Connexion"}})
    assert view.form.submit_label == "Connexion"
    authenticator.flow.to_sign_up()  # a view built after the switch is French from the start
    assert authenticator.view.form.submit_label == "Créer un compte"
    amplify_nb.I18n.set_language("de")
    assert authenticator.view.form.submit_label == "Konto erstellen"
    assert view.form.submit_label == "Anmelden"


# ---- options ----------------------------------------------------------------------------------------
def test_hide_default_renders_no_view_but_the_flow_drives_auth_state(sb, auth):
    authenticator = Authenticator(auth, hide_default=True)
    states = []
    authenticator.on_state_change(lambda state, data: states.append((state, data["previous"])))
    assert authenticator.view is None and authenticator.views == {}
    assert not any(isinstance(child, widgets.Box) for child in authenticator.children)
    with pytest.raises(NotAuthorizedError):
        authenticator.flow.sign_in(sb.demo_username, WRONG_PASSWORD)
    assert authenticator.auth_state == "signIn"
    authenticator.flow.sign_in(sb.demo_username, sb.demo_password)
    assert authenticator.auth_state == "signedIn" and authenticator.views == {}
    authenticator.flow.sign_out()
    assert states == [("signedIn", "signIn"), ("signIn", "signedIn")]


def test_initial_state_sign_up_shows_the_pools_sign_up_attributes(sb):
    config = sb.config
    config["auth"]["standard_required_attributes"] = ["email", "name"]
    auth = amplify_nb.Auth(config, name="widget")
    authenticator = Authenticator(auth, initial_state="signUp")
    view = authenticator.view
    # e-mail is the username, so it is asked once
    assert authenticator.auth_state == "signUp"
    assert [item["name"] for item in view.form.fields] == ["username", "password", "confirm_password", "name"]
    assert {k: field(view.form, "name")[k] for k in ("label", "autocomplete", "required")} == {
        "label": "Name", "autocomplete": "name", "required": True}
    assert field(view.form, "password")["policy"] and field(view.form, "confirm_password")["match"] == "password"
    submit(view.form, username="neo@example.com", password=PASSWORD, confirm_password=PASSWORD, name="Neo")
    assert authenticator.auth_state == "confirmSignUp"
    assert sb.user("neo@example.com").attributes["name"] == "Neo"
    with pytest.raises(ValidationError):
        Authenticator(auth, initial_state="signedIn")


def test_an_already_signed_in_session_starts_signed_in(sb, auth):
    auth.sign_in(sb.demo_username, sb.demo_password)
    assert Authenticator(auth, initial_state="signUp").auth_state == "signedIn"


def test_default_session_is_used_without_an_auth(sb):
    auth = amplify_nb.Auth(sb.config)  # name="default"
    assert Authenticator().auth is auth is amplify_nb.get_session("default")


def test_on_state_change_callbacks_and_their_removal(sb, auth):
    authenticator = Authenticator(auth)
    seen, other = [], []
    stop = authenticator.on_state_change(lambda state, data: seen.append((state, dict(data))))
    authenticator.on_state_change(lambda state, _data: other.append(state))
    authenticator.view.sign_up_button.click()
    authenticator.view.sign_in_button.click()
    stop()
    sign_in(authenticator.view, sb.demo_username, sb.demo_password)
    assert [s for s, _ in seen] == ["signUp", "signIn"]
    assert seen[0][1] == {"previous": "signIn", "username": ""}
    assert other == ["signUp", "signIn", "signedIn"]
    with pytest.raises(ValidationError):
        authenticator.on_state_change("not callable")


def test_setting_auth_state_shows_that_view(auth):
    authenticator = Authenticator(auth)
    authenticator.auth_state = "forgotPassword"
    assert authenticator.view.state == "forgotPassword" and authenticator.view in authenticator.children


def test_with_authenticator_shows_content_only_when_signed_in(sb, auth):
    content = widgets.Label("the dashboard")
    gated = with_authenticator(content, auth=auth)
    assert content not in gated.children and gated.authenticator in gated.children
    sign_in(gated.authenticator.view, sb.demo_username, sb.demo_password)
    assert list(gated.children) == [gated.authenticator, content]
    auth.sign_out()  # elsewhere: the Hub tells the widget
    assert content not in gated.children

    built = []
    lazy = with_authenticator(lambda: built.append(1) or widgets.Label("built"), auth=auth)
    assert built == [] and lazy.content is None
    sign_in(lazy.authenticator.view, sb.demo_username, sb.demo_password)
    assert built == [1] and lazy.children[-1].value == "built"
    with pytest.raises(ValidationError):
        with_authenticator("not a widget", auth=auth)


def test_theme_is_applied_through_styles_and_layout(auth):
    theme = {"primary_color": "#aa0000", "font_size": "16px", "spacing": "12px", "width": "420px",
             "background_color": "#fafafa", "font_family": "Georgia, serif"}
    authenticator = Authenticator(auth, theme=theme)
    view = authenticator.view
    assert view.form.theme["primary_color"] == "#aa0000" and view.form.theme["font_family"] == "Georgia, serif"
    assert view.form.theme["font_size"] == "16px" and view.form.theme["spacing"] == "12px"
    assert view.sign_up_button.style.text_color == "#aa0000"
    assert authenticator.layout.width == "420px"
    style = authenticator.children[0].value
    assert "#fafafa" in style and "Georgia, serif" in style and authenticator._css_class in style
    assert authenticator._css_class in authenticator._dom_classes
    with pytest.raises(ValidationError, match="Unknown theme keys"):
        Authenticator(auth, theme={"primary_colour": "red"})
    with pytest.raises(ValidationError):
        Authenticator(auth, theme={"primary_color": "red; } body { display: none"})


def test_options_are_checked(auth):
    with pytest.raises(ValidationError):
        Authenticator(auth, federated={"google": "not callable"})
    with pytest.raises(ValidationError):
        Authenticator(auth, error_message="not a map")


# ---- following the session --------------------------------------------------------------------------
def test_sign_in_and_out_through_the_core_update_an_existing_widget(sb, auth):
    authenticator = Authenticator(auth)
    states = []
    authenticator.on_state_change(lambda state, _data: states.append(state))
    auth.sign_in(sb.demo_username, sb.demo_password)
    assert authenticator.auth_state == "signedIn"
    assert authenticator.view.greetings.hello.value == f"Hello, {sb.demo_username}"
    auth.sign_out()
    assert authenticator.auth_state == "signIn" and states == ["signedIn", "signIn"]


def test_two_widgets_on_one_session_follow_each_other_and_other_sessions_are_ignored(sb, auth):
    first, second = Authenticator(auth), Authenticator(auth)
    other = Authenticator(amplify_nb.Auth(sb.config, name="other"))
    sign_in(first.view, sb.demo_username, sb.demo_password)
    assert first.auth_state == second.auth_state == "signedIn" and other.auth_state == "signIn"
    second.view.greetings.sign_out_button.click()
    assert first.auth_state == second.auth_state == "signIn"


def test_a_closed_widget_stops_listening(sb, auth):
    authenticator = Authenticator(auth)
    authenticator.close()
    auth.sign_in(sb.demo_username, sb.demo_password)
    assert authenticator.auth_state == "signIn"


def test_standalone_greetings_follow_the_session(sb, auth):
    greetings = Greetings(auth)
    assert greetings.hello.value == "Not signed in" and greetings.sign_out_button.layout.display == "none"
    auth.sign_in(sb.demo_username, sb.demo_password)
    assert greetings.hello.value == f"Hello, {sb.demo_username}"
    I18n.set_language("fr")
    assert greetings.hello.value == f"Bonjour, {sb.demo_username}"
    greetings.sign_out_button.click()
    assert not auth.is_signed_in and greetings.hello.value == "Non connecté"


# ---- vocabularies -----------------------------------------------------------------------------------
def test_every_label_has_a_french_and_german_translation_with_the_same_placeholders():
    import string

    from amplify_nb.widgets.vocabularies import DE, FR

    for table in (FR, DE):
        assert set(LABELS) <= set(table), sorted(set(LABELS) - set(table))
        for key in LABELS:
            fields = {name for _, name, _, _ in string.Formatter().parse(key) if name}
            assert fields == {name for _, name, _, _ in string.Formatter().parse(table[key]) if name}, key


def test_every_label_the_views_show_is_in_the_vocabularies(auth, monkeypatch):
    used = set()
    original = I18n.get

    def recording(key, *args, **kwargs):
        used.add(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(I18n, "get", recording)
    authenticator = Authenticator(auth, federated={"google": str, "facebook": str, "amazon": str, "okta": str})
    from amplify_nb.widgets import STATES, SelectMFAType

    for state in STATES:
        authenticator.auth_state = state
    SelectMFAType(auth)
    I18n.set_language("fr")  # re-translation asks for the same keys
    assert used and used <= set(LABELS), sorted(used - set(LABELS))


def test_a_submit_queued_behind_a_finished_sign_in_is_dropped(sb, auth):
    authenticator = Authenticator(auth)
    view = authenticator.view
    sign_in(view, sb.demo_username, sb.demo_password)
    calls = len(sb.calls)
    sign_in(view, sb.demo_username, sb.demo_password)  # a second message, sent before the view changed
    assert authenticator.auth_state == "signedIn" and len(sb.calls) == calls and view.error.value == ""


# ---- the form's submit message ---------------------------------------------------------------------
def test_each_submit_message_is_answered_and_only_the_forms_own_string_fields_are_read(sb, auth, monkeypatch):
    view = Authenticator(auth).view
    answers = []
    monkeypatch.setattr(view.form, "send", lambda content, buffers=None: answers.append(content))
    before = len(sb.calls)
    submit(view.form, username=sb.demo_username, password=["not", "a", "string"], extra=sb.demo_password)
    assert "password is empty" in view.error.value and len(sb.calls) == before  # read as empty: no call
    assert answers == [{"event": "done", "ok": False}]  # the page unlocks and focuses the emptied field
    view.form._handle_custom_msg({"event": "not-a-submit", "values": {}}, [])
    view.form._handle_custom_msg(["not", "a", "dict"], [])
    assert len(answers) == 1 and len(sb.calls) == before
    submit(view.form, username=sb.demo_username, password=sb.demo_password)
    assert answers[-1] == {"event": "done", "ok": True} and auth.is_signed_in


def test_a_secret_field_is_never_prefilled_and_typed_values_are_never_widget_state(sb, auth):
    authenticator = Authenticator(auth)
    view = authenticator.view
    with pytest.raises(ValueError, match="never prefilled"):
        view.form.reset(password="anything")
    sign_in(view, sb.demo_username, WRONG_PASSWORD)
    state = repr(view.form.get_state())
    assert WRONG_PASSWORD not in state and "values" in state


def test_the_pools_password_policy_reaches_the_page_and_is_checked_again_in_the_kernel(sb, auth):
    authenticator = Authenticator(auth, initial_state="signUp")
    form = authenticator.view.form
    assert [rule["message"] for rule in form.rules] == [
        "Password must have at least 8 characters", "Password must have lower case letters",
        "Password must have upper case letters", "Password must have numbers",
        "Password must have special characters"]
    before = len(sb.calls)
    submit(form, username="weak@example.com", password="weakpass", confirm_password="weakpass")
    error = authenticator.view.error.value
    assert "upper case" in error and "numbers" in error and "special" in error and "8 characters" not in error
    assert len(sb.calls) == before and authenticator.auth_state == "signUp"
