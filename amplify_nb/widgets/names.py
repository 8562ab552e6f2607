"""The Authenticator's views under their three names, in one table: the state (``auth_state``), Amplify UI's
component name (a key of ``components``) and Amplify UI's ``formFields`` screen (a key of ``form_fields``).
components.py and form_fields.py both read it, so a view is named the same way everywhere."""

from __future__ import annotations

__all__ = ["COMPONENT_NAMES", "SCREENS", "VIEW_NAMES", "screen_of"]

# state: (Amplify UI's component name, its formFields screen); None where Amplify UI has no such name.
VIEW_NAMES: dict[str, tuple[str | None, str | None]] = {
    "signIn": ("SignIn", "signIn"),
    "signUp": ("SignUp", "signUp"),
    "confirmSignIn": ("ConfirmSignIn", "confirmSignIn"),
    "confirmSignUp": ("ConfirmSignUp", "confirmSignUp"),
    "forgotPassword": ("ForgotPassword", "forgotPassword"),
    "requireNewPassword": ("ForceNewPassword", "forceNewPassword"),
    "verifyContact": ("VerifyUser", "confirmVerifyUser"),
    "TOTPSetup": ("SetupTotp", "setupTotp"),
    "selectMFAType": ("SelectMfaType", None),
    "customChallenge": (None, None),
    "signInSelectAuthFactor": (None, None),
    "signInPassword": (None, None),
    "setupEmail": ("SetupEmail", "setupEmail"),
    "signedIn": ("SignedIn", None),
}
# The forgotPassword view's second step (the code and the new password) is a screen of its own in Amplify UI.
_STEP_SCREENS = ("confirmResetPassword",)
# Older Amplify UI spellings.
_OLD_COMPONENTS = {"SetupTOTP": "TOTPSetup"}
_OLD_SCREENS = {"resetPassword": "forgotPassword", "setupTOTP": "setupTotp"}

# Amplify UI's component name -> the state whose view it is.
COMPONENT_NAMES: dict[str, str] = {
    **{component: state for state, (component, _) in VIEW_NAMES.items() if component}, **_OLD_COMPONENTS}
SCREENS: tuple[str, ...] = (*(name for _, name in VIEW_NAMES.values() if name), *_STEP_SCREENS)
_SCREEN_OF = {**{state: name for state, (_, name) in VIEW_NAMES.items() if name}, **_OLD_SCREENS,
              **{name: name for name in SCREENS}}


def screen_of(name: object) -> str | None:
    """The formFields screen a name means: the screen's own name, its state's or an older spelling; else None."""
    return _SCREEN_OF.get(name) if isinstance(name, str) else None
