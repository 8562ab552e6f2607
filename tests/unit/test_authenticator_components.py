"""Amplify UI's ``components`` and the seed's custom views: one view replaced by the app's own widget, a header
and a footer around every view, the seed's ``withAuthenticator(App, false, [<MySignIn/>, ...])``, and every
wrong component refused with the key it was given under. Flows run against the sandbox."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

import amplify_nb
from amplify_nb.errors import NotAuthorizedError, ValidationError
from amplify_nb.widgets import Authenticator, I18n, with_authenticator
from amplify_nb.widgets.views_account import ConfirmSignUpView, ForgotPasswordView, SignUpView, VerifyContactView
from amplify_nb.widgets.views_signin import ConfirmSignInView, SignInView
from tests.integration.test_widget import assert_holds_none, submit
from tests.unit.authenticator_support import offline_auth as support_offline_auth

pytestmark = pytest.mark.usefixtures("fresh_widgets")

POOL = {"aws_region": "us-east-1", "user_pool_id": "us-east-1_Components1", "user_pool_client_id": "componentsclient1"}


def offline_auth(**auth_section) -> amplify_nb.Auth:
    return support_offline_auth(POOL, **auth_section)





class PasswordSignIn(widgets.VBox):
    """An app's own sign-in, driving the Authenticator's flow: the password comes from a Password widget that
    it empties at once (as the default views do), and a refusal is shown in its own words."""

    def __init__(self, flow):
        super().__init__()
        self.flow = flow
        self.username = widgets.Text(description="Who")
        self.password = widgets.Password(description="Secret")
        self.go = widgets.Button(description="Let me in")
        self.message = widgets.HTML()
        self.go.on_click(lambda _button: self.submit())
        self.entered = 0
        self.children = [self.username, self.password, self.go, self.message]

    def submit(self):
        password, self.password.value = self.password.value, ""
        try:
            self.flow.sign_in(self.username.value, password)
        except NotAuthorizedError:
            self.message.value = "Nope"

    def enter(self):
        self.entered += 1


# ---- one view replaced --------------------------------------------------------------------------------------
def test_a_replaced_sign_in_view_drives_the_same_flow_and_the_other_views_stay(sb, auth):
    authenticator = Authenticator(auth, components={"signIn": PasswordSignIn})
    custom = authenticator.view
    assert isinstance(custom, PasswordSignIn) and custom in authenticator.children and custom.entered == 1
    custom.username.value, custom.password.value = sb.demo_username, "Wrong-horse-22"
    custom.go.click()
    assert custom.message.value == "Nope" and authenticator.auth_state == "signIn"
    custom.flow.to_sign_up()  # the default sign-up view is still there
    assert isinstance(authenticator.view, SignUpView)
    authenticator.view.sign_in_button.click()
    assert authenticator.view is custom and custom.entered == 2
    custom.username.value, custom.password.value = sb.demo_username, sb.demo_password
    custom.go.click()
    assert authenticator.auth_state == "signedIn" and auth.is_signed_in
    assert_holds_none(authenticator, sb.demo_password)


def test_the_seeds_my_sign_in_with_authenticator_and_its_list_of_views(sb, auth):
    class MySignIn(SignInView):  # the seed: class MySignIn extends SignIn { render() { ... } }
        def __init__(self, host):
            super().__init__(host)
            self.set_heading("Welcome back to the lab")

    content = widgets.Label("the app")
    gated = with_authenticator(content, False, [MySignIn, ConfirmSignInView, VerifyContactView, SignUpView,
                                                ConfirmSignUpView, ForgotPasswordView], auth=auth)
    authenticator = gated.authenticator
    assert type(authenticator.view) is MySignIn and "Welcome back to the lab" in authenticator.view.heading.value
    assert content not in gated.children and not authenticator.include_greetings
    submit(authenticator.view.form, username=sb.demo_username, password=sb.demo_password)
    assert authenticator.auth_state == "signedIn" and list(gated.children) == [authenticator, content]
    assert authenticator.layout.display == "none"  # include_greetings=False: only the app shows


def test_amplify_ui_names_and_functions_that_ask_for_the_authenticator():
    auth = offline_auth()
    seen = {}

    def sign_up(flow, authenticator, theme):
        seen.update(flow=flow, authenticator=authenticator, theme=theme)
        return widgets.Label("my sign-up")

    authenticator = Authenticator(auth, components={"SignUp": sign_up, "ForceNewPassword": lambda flow: widgets.HTML()})
    assert seen == {"flow": authenticator.flow, "authenticator": authenticator, "theme": authenticator.theme}
    authenticator.flow.to_sign_up()
    assert authenticator.view.value == "my sign-up"
    authenticator.auth_state = "requireNewPassword"
    assert isinstance(authenticator.view, widgets.HTML)


# ---- header and footer --------------------------------------------------------------------------------------
def test_header_and_footer_wrap_every_view_but_not_the_signed_in_app(sb, auth):
    header, footer = widgets.HTML("<b>Lab login</b>"), widgets.Label("(c) the lab")
    authenticator = Authenticator(auth, components={"Header": lambda flow: header, "footer": lambda flow: footer})
    for state in ("signIn", "signUp", "forgotPassword"):
        authenticator.auth_state = state
        assert list(authenticator.children[1:]) == [header, authenticator.view, footer]
    authenticator.auth_state = "signIn"
    submit(authenticator.view.form, username=sb.demo_username, password=sb.demo_password)
    assert authenticator.auth_state == "signedIn"
    assert header not in authenticator.children and footer not in authenticator.children


def test_a_views_own_header_and_footer_as_amplify_ui_slots():
    authenticator = Authenticator(offline_auth(), components={
        "header": lambda flow: widgets.Label("all"),
        "SignIn": {"Header": lambda flow: widgets.Label("sign-in top"), "Footer": lambda flow: widgets.Label("end")}})
    assert [getattr(child, "value", "view") for child in authenticator.children[1:]] == [
        "all", "sign-in top", "view", "end"]
    authenticator.flow.to_sign_up()
    assert [getattr(child, "value", "view") for child in authenticator.children[1:]] == ["all", "view"]


def test_hide_default_with_components_shows_only_the_apps_views():
    authenticator = Authenticator(offline_auth(), hide_default=True,
                                  components={"signIn": lambda flow: widgets.Label("mine")})
    assert authenticator.view.value == "mine"
    authenticator.flow.to_sign_up()
    assert authenticator.view is None and list(authenticator.children) == [authenticator.children[0]]


def test_hide_default_keeps_the_header_and_footer_around_the_apps_views():
    header, footer = widgets.HTML("<b>Lab login</b>"), widgets.Label("(c) the lab")
    authenticator = Authenticator(offline_auth(), hide_default=True, components={
        "header": lambda flow: header, "footer": lambda flow: footer, "signIn": lambda flow: widgets.Label("mine")})
    assert list(authenticator.children[1:]) == [header, authenticator.view, footer]
    authenticator.flow.to_sign_up()  # no view of the app's for this state: the header and footer stay
    assert authenticator.view is None and list(authenticator.children[1:]) == [header, footer]


def test_component_hooks_run_on_leave_and_language_change_and_close():
    calls = []

    class Hooked(widgets.Label):
        def enter(self):
            calls.append("enter")

        def leave(self):
            calls.append("leave")

        def retranslate(self):
            calls.append("retranslate")

    authenticator = Authenticator(offline_auth(), components={"signIn": lambda flow: Hooked("x")})
    widget = authenticator.view
    authenticator.flow.to_sign_up()
    I18n.set_language("fr")
    authenticator.close()
    assert calls == ["enter", "leave", "retranslate", "leave"] and widget.comm is None


# ---- refused ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("components", "says"), [
    ({"signin": lambda flow: widgets.Label()}, "'signin'"),
    ({"Sidebar": lambda flow: widgets.Label()}, "'Sidebar'"),
    ({"signIn": "not a component"}, "components['signIn']"),
    ({"signIn": lambda flow: "<b>html</b>"}, "components['signIn'] must return an ipywidgets widget, not str"),
    ({"header": lambda flow: None}, "components['header'] must return an ipywidgets widget"),
    ({"signIn": lambda: widgets.Label()}, "components['signIn'] must take the flow"),
    ({"footer": lambda flow, colour: widgets.Label()}, "components['footer'] must take the flow"),
    ({"SignIn": {"Header": lambda flow, auth, extra: widgets.Label()}}, "components['signIn.header'] must take"),
    ({"SignUp": {"Header": lambda flow: widgets.Label(), "FormFields": lambda flow: widgets.Label()}},
     "components['SignUp'] takes header and footer"),
    ({"signUp": SignInView}, "components['signUp'] is the view of 'signIn'"),
    ({"signIn": lambda flow: widgets.Label(), "SignIn": lambda flow: widgets.Label()}, "given twice"),
    ([lambda flow: widgets.Label()], "view classes"),
    ("signIn", "components must be a dict"),
])
def test_a_wrong_component_is_refused_naming_its_key(components, says):
    with pytest.raises(ValidationError, match="components") as caught:
        Authenticator(offline_auth(), components=components)
    assert says in str(caught.value) and caught.value.field == "components"


def test_with_authenticator_refuses_wrong_components_too():
    with pytest.raises(ValidationError, match="'Sidebar'"):
        with_authenticator(widgets.Label(), auth=offline_auth(), components={"Sidebar": widgets.Label})


def test_one_table_names_each_view_for_components_and_form_fields():
    from amplify_nb.widgets.flow import STATES
    from amplify_nb.widgets.names import COMPONENT_NAMES, SCREENS, VIEW_NAMES, screen_of

    assert tuple(VIEW_NAMES) == STATES
    for state, (component, screen) in VIEW_NAMES.items():
        assert component is None or COMPONENT_NAMES[component] == state
        assert screen is None or (screen in SCREENS and screen_of(state) == screen == screen_of(screen))
    assert screen_of("resetPassword") == "forgotPassword" and screen_of("signOn") is None

