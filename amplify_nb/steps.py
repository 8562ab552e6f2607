"""The sign-in vocabulary, defined once: every next step of a sign-in, every MFA method, every flow.

The core answers Cognito with it, the magics ask for what each step needs with it, the widgets pick the
view and the heading of each step with it, and the sandbox names MFA methods with it. Adding a sign-in
step is one ``SignInStep`` here, plus its view. It sits at the foot of the layers, beside errors.py,
because the configuration (below the core) checks flow names too.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import AmplifyNbError, ValidationError

__all__ = ["CHALLENGES", "CHOICE_FLOW", "DETOURS", "FIRST_FACTORS", "FLOWS", "MFA_METHODS", "MFA_SETUP_CHOICE_PROMPT",
           "NO_MFA", "STEPS", "MfaMethod", "SignInStep", "mfa_method", "step"]

# InitiateAuth's AuthFlow values a sign-in may start with; the first is the default. USER_AUTH is choice-based
# sign-in: the user (or preferred_challenge) picks one of FIRST_FACTORS.
FLOWS: tuple[str, ...] = ("USER_SRP_AUTH", "USER_PASSWORD_AUTH", "CUSTOM_AUTH", "USER_AUTH")
# USER_AUTH's first factors amplify_nb offers (WEB_AUTHN, a passkey, is bound to the page's origin, which in a
# notebook is the Jupyter server's, not the app's: it belongs to the hosted UI).
FIRST_FACTORS: tuple[str, ...] = ("PASSWORD_SRP", "PASSWORD", "EMAIL_OTP", "SMS_OTP")
CHOICE_FLOW = "USER_AUTH"  # the flow whose first factor is chosen
# MFA_SETUP offering several methods asks which first (its own prompt is the authenticator app's code).
MFA_SETUP_CHOICE_PROMPT = "Set up MFA with ({choices}): "


@dataclass(frozen=True)
class MfaMethod:
    short: str  # Amplify's name (set_preferred_mfa, amplify_outputs.json): TOTP, SMS, EMAIL
    cognito: str  # Cognito's: the challenge name and the UserMFASettingList entry
    preference_field: str  # its member of SetUserMFAPreference
    label: str  # vocabulary key of its name on screen


MFA_METHODS: tuple[MfaMethod, ...] = (
    MfaMethod("TOTP", "SOFTWARE_TOKEN_MFA", "SoftwareTokenMfaSettings", "Authenticator App (TOTP)"),
    MfaMethod("SMS", "SMS_MFA", "SMSMfaSettings", "SMS"),
    MfaMethod("EMAIL", "EMAIL_OTP", "EmailMfaSettings", "Email"),
)
NO_MFA = "NOMFA"  # set_preferred_mfa's "none": not a method


def mfa_method(name: object) -> MfaMethod:
    """The method called ``name`` in either vocabulary (TOTP or SOFTWARE_TOKEN_MFA), any case."""
    wanted = str(name).strip().upper()
    for method in MFA_METHODS:
        if wanted in (method.short, method.cognito):
            return method
    raise ValidationError(f"Unknown MFA method {name!r}; one of {', '.join(m.short for m in MFA_METHODS)}",
                          field="mfa_type")


@dataclass(frozen=True)
class SignInStep:
    """What comes after a sign-in call, and what the user gives to take it.

    ``answer`` says what kind of input the step takes: a ``code``, an ``mfa_choice``, a ``totp_setup``
    (the first code of a new authenticator app, or the method to set up), a ``new_password``, a custom
    ``answer``, a ``factor_choice`` (USER_AUTH's SELECT_CHALLENGE), a ``password`` (a chosen password
    factor), an ``email_address`` (e-mail MFA being set up); ``detour`` steps leave the sign-in (confirm
    the sign-up, reset the password); ``done`` ends it. ``contact`` is where its code was sent.
    """

    name: str  # Cognito's challenge name, or Amplify's name of the detour
    answer: str
    response_key: str | None = None  # the ChallengeResponses member that carries the answer
    mfa: MfaMethod | None = None
    label: str = ""  # vocabulary key of the heading that asks for it
    widget_state: str = ""  # the Authenticator state that shows it
    prompt: str = ""  # how the magic asks for it
    contact: str | None = None  # the attribute its code goes to (a code the user's app makes: None)

    @property
    def is_challenge(self) -> bool:
        return self.answer not in ("detour", "done")


_TOTP, _SMS, _EMAIL = MFA_METHODS
STEPS: dict[str, SignInStep] = {s.name: s for s in (
    SignInStep("SMS_MFA", "code", "SMS_MFA_CODE", _SMS, "Confirm SMS Code", "confirmSignIn", "SMS code: ",
               "phone_number"),
    SignInStep("SOFTWARE_TOKEN_MFA", "code", "SOFTWARE_TOKEN_MFA_CODE", _TOTP, "Confirm TOTP Code", "confirmSignIn",
               "Authenticator app code: "),
    # EMAIL_OTP is both the e-mail MFA code and USER_AUTH's e-mail first factor: Cognito names them alike.
    SignInStep("EMAIL_OTP", "code", "EMAIL_OTP_CODE", _EMAIL, "Confirm Email Code", "confirmSignIn",
               "E-mail code: ", "email"),
    SignInStep("SMS_OTP", "code", "SMS_OTP_CODE", None, "Confirm SMS Code", "confirmSignIn", "SMS code: ",
               "phone_number"),
    SignInStep("SELECT_CHALLENGE", "factor_choice", "ANSWER", None, "Choose how to sign in",
               "signInSelectAuthFactor", "Sign in with ({choices}): "),
    # Chosen at SELECT_CHALLENGE: the password itself (PASSWORD) or its SRP proof (PASSWORD_SRP) answers it.
    SignInStep("PASSWORD", "password", "PASSWORD", None, "Enter your Password", "signInPassword", "Password: "),
    SignInStep("PASSWORD_SRP", "password", None, None, "Enter your Password", "signInPassword", "Password: "),
    SignInStep("EMAIL_SETUP", "email_address", "EMAIL", _EMAIL, "Setup Email", "setupEmail",
               "E-mail address for your codes: "),
    SignInStep("SELECT_MFA_TYPE", "mfa_choice", "ANSWER", None, "Select MFA Type", "selectMFAType",
               "Choose an MFA method ({choices}): "),
    SignInStep("MFA_SETUP", "totp_setup", None, _TOTP, "Setup TOTP", "TOTPSetup", "Authenticator app code: "),
    SignInStep("NEW_PASSWORD_REQUIRED", "new_password", "NEW_PASSWORD", None, "Change Password",
               "requireNewPassword", "New password: "),
    SignInStep("CUSTOM_CHALLENGE", "answer", "ANSWER", None, "Custom Challenge", "customChallenge", "Answer: "),
    SignInStep("CONFIRM_SIGN_UP", "detour", None, None, "Confirm Sign Up", "confirmSignUp", "Confirmation code: "),
    SignInStep("RESET_PASSWORD", "detour", None, None, "Reset Password", "forgotPassword", ""),
    SignInStep("DONE", "done", widget_state="signedIn"),
)}
CHALLENGES: tuple[str, ...] = tuple(name for name, s in STEPS.items() if s.is_challenge)
DETOURS: tuple[str, ...] = tuple(name for name, s in STEPS.items() if s.answer == "detour")


def step(name: str) -> SignInStep:
    """The step called ``name``; one this version does not know is an error that says so."""
    try:
        return STEPS[name]
    except KeyError:
        raise AmplifyNbError(f"Cognito asked for a sign-in step amplify_nb does not handle: {name!r}") from None
