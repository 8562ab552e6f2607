"""The sign-in vocabulary, defined once: every next step of a sign-in, every MFA method, every flow.

The core answers Cognito with it, the magics ask for what each step needs with it, the widgets pick the
view and the heading of each step with it, and the sandbox names MFA methods with it. Adding a sign-in
step is one ``SignInStep`` here, plus its view. It sits at the foot of the layers, beside errors.py,
because the configuration (below the core) checks flow names too.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import AmplifyNbError, ValidationError

__all__ = ["CHALLENGES", "DETOURS", "FLOWS", "MFA_METHODS", "NO_MFA", "STEPS", "MfaMethod", "SignInStep",
           "mfa_method", "step"]

# InitiateAuth's AuthFlow values a sign-in may start with; the first is the default.
FLOWS: tuple[str, ...] = ("USER_SRP_AUTH", "USER_PASSWORD_AUTH", "CUSTOM_AUTH")


@dataclass(frozen=True)
class MfaMethod:
    short: str  # Amplify's name (set_preferred_mfa, amplify_outputs.json): TOTP, SMS, EMAIL
    cognito: str  # Cognito's: the challenge name and the UserMFASettingList entry
    preference_field: str  # its member of SetUserMFAPreference
    label: str  # vocabulary key of its name on screen
    contact: str | None  # the attribute its codes are sent to (None: the app makes them)


MFA_METHODS: tuple[MfaMethod, ...] = (
    MfaMethod("TOTP", "SOFTWARE_TOKEN_MFA", "SoftwareTokenMfaSettings", "Authenticator App (TOTP)", None),
    MfaMethod("SMS", "SMS_MFA", "SMSMfaSettings", "SMS", "phone_number"),
    MfaMethod("EMAIL", "EMAIL_OTP", "EmailMfaSettings", "Email", "email"),
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
    (the first code of a new authenticator app), a ``new_password``, a custom ``answer``; ``detour``
    steps leave the sign-in (confirm the sign-up, reset the password); ``done`` ends it.
    """

    name: str  # Cognito's challenge name, or Amplify's name of the detour
    answer: str
    response_key: str | None = None  # the ChallengeResponses member that carries the answer
    mfa: MfaMethod | None = None
    label: str = ""  # vocabulary key of the heading that asks for it
    widget_state: str = ""  # the Authenticator state that shows it
    prompt: str = ""  # how the magic asks for it

    @property
    def is_challenge(self) -> bool:
        return self.answer not in ("detour", "done")


_TOTP, _SMS, _EMAIL = MFA_METHODS
STEPS: dict[str, SignInStep] = {s.name: s for s in (
    SignInStep("SMS_MFA", "code", "SMS_MFA_CODE", _SMS, "Confirm SMS Code", "confirmSignIn", "SMS code: "),
    SignInStep("SOFTWARE_TOKEN_MFA", "code", "SOFTWARE_TOKEN_MFA_CODE", _TOTP, "Confirm TOTP Code", "confirmSignIn",
               "Authenticator app code: "),
    SignInStep("EMAIL_OTP", "code", "EMAIL_OTP_CODE", _EMAIL, "Confirm Email Code", "confirmSignIn",
               "E-mail code: "),
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
