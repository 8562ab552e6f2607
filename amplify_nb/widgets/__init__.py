"""The Authenticator for notebooks: ipywidgets views over the same ``amplify_nb.Auth`` session the magics use.

    from amplify_nb.widgets import Authenticator, with_authenticator
    Authenticator()                        # the default session; every Amplify UI state
    with_authenticator(my_dashboard)       # the dashboard only once signed in
    with_oauth(my_dashboard)               # the same, signing in through Cognito's hosted UI
    Authenticator(components={"signIn": MySignIn, "header": header})   # one view the app's own

The default views (SignInView, SignUpView, ...) are exported to be subclassed, as the seed's
``class MySignIn extends SignIn`` does.

Names resolve lazily, so ``amplify_nb.I18n`` (in i18n.py) costs no ipywidgets import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["STATES", "Authenticator", "ConfirmSignInView", "ConfirmSignUpView", "ForgotPasswordView", "Greetings",
           "I18n", "OAuthButton", "RequireNewPasswordView", "SelectMFAType", "SignInView", "SignUpView",
           "TOTPSetupView", "Theme", "VerifyContactView", "View", "WithAuthenticator", "WithOAuth",
           "with_authenticator", "with_oauth"]

_LAZY = {
    "Authenticator": "authenticator",
    "WithAuthenticator": "authenticator",
    "with_authenticator": "authenticator",
    "Greetings": "greetings",
    "SelectMFAType": "greetings",
    "I18n": "i18n",
    "Theme": "theme",
    "STATES": "flow",
    "OAuthButton": "hosted_ui",
    "WithOAuth": "hosted_ui",
    "with_oauth": "hosted_ui",
    "View": "base",
    "SignInView": "views_signin",
    "ConfirmSignInView": "views_signin",
    "RequireNewPasswordView": "views_signin",
    "TOTPSetupView": "views_signin",
    "SignUpView": "views_account",
    "ConfirmSignUpView": "views_account",
    "ForgotPasswordView": "views_account",
    "VerifyContactView": "views_account",
}

if TYPE_CHECKING:
    from .authenticator import Authenticator, WithAuthenticator, with_authenticator
    from .base import View
    from .flow import STATES
    from .greetings import Greetings, SelectMFAType
    from .hosted_ui import OAuthButton, WithOAuth, with_oauth
    from .i18n import I18n
    from .theme import Theme
    from .views_account import ConfirmSignUpView, ForgotPasswordView, SignUpView, VerifyContactView
    from .views_signin import ConfirmSignInView, RequireNewPasswordView, SignInView, TOTPSetupView


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
