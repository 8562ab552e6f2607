"""The managed-login pages: the sign-in form, a temporary password's change, and the user's MFA.

The password is checked for real against the user's SRP verifier (as InitiateAuth would), the user's MFA is
decided and checked by the same code as the API's (mfa.py: TOTP, or a code "sent" to the outbox), and each
step lives in an ordinary sign-in Session (three minutes, three wrong codes), carried by the page's hidden
``session`` field. Refusals are shown on the page in Cognito's words ("Incorrect username or password.",
"Invalid code or auth state for the user."), never as a redirect. Every form is guarded by a double-submit
anti-forgery token (the ``XSRF-TOKEN`` cookie and the ``_csrf`` field, as Cognito's own pages).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from urllib.parse import urlencode

from .mfa import check_mfa_answer, next_mfa_challenge, start_method, usable_methods
from .models import AuthSession, User, mask_destination
from .oauth_authorize import check
from .oauth_http import Request, StartResponse, html_answer, redirect
from .oauth_model import AuthorizeRequest
from .oauth_pages import code_page, login_page, message_page, new_password_page, select_mfa_page
from .oauth_ui import HostedUIState
from .ops_signin import _migrate_user
from .protocol import CognitoError
from .sessions import new_session, session_for

__all__ = ["login", "mfa", "new_password"]

_CODES = ("SMS_MFA", "EMAIL_OTP", "SOFTWARE_TOKEN_MFA")
_WRONG_CODE = "Invalid code or auth state for the user."


class _Step:
    """One POST or GET of a sign-in page: the checked authorize request, the browser's anti-forgery token,
    and how to answer with a page (re-sending the token's cookie when it was just made)."""

    def __init__(self, ui: HostedUIState, request: Request, start_response: StartResponse):
        self.ui, self.request, self.start_response = ui, request, start_response
        self.auth: AuthorizeRequest = check(ui, request.query, request.repeated)
        self.query = urlencode(self.auth.query)
        self.csrf, self.cookies = ui.csrf(request)

    def page(self, html: str, status: int = 200, outcome: str | None = None) -> Iterable[bytes]:
        if outcome is not None:
            self.request.outcome = outcome
        return html_answer(self.start_response, status, html, self.cookies)

    def forged(self) -> Iterable[bytes] | None:
        """A POST without the page's anti-forgery token: refused (the form expired or another site sent it)."""
        if self.ui.csrf_ok(self.request):
            return None
        return self.page(message_page("Sign in", "The form expired or was sent from another site: open the sign-in "
                                      "page again and retry.", link=("Sign in", f"/login?{self.query}")),
                         403, "InvalidCsrfToken")

    def login_form(self, error: str | None = None, outcome: str | None = None, username: str = "") -> Iterable[bytes]:
        auth = self.auth
        social = [(name, "/oauth2/authorize?" + urlencode({**auth.query, "identity_provider": name}))
                  for name in auth.client.supported_identity_providers if name != "COGNITO"]
        return self.page(login_page(f"/login?{self.query}", self.csrf, client_name=auth.client.name, username=username,
                                    error=error, social=social), 200, outcome)

    def session(self) -> tuple[AuthSession, User] | None:
        """The sign-in Session the page carries, while it lives."""
        auth = self.auth
        try:
            session = session_for(self.ui.backend, auth.pool, auth.client, self.request.form.get("session"))
        except CognitoError:
            return None
        user = auth.pool.users.get(session.username or "")
        return (session, user) if user is not None else None

    def signed_in(self, session: AuthSession, user: User) -> Iterable[bytes]:
        """Sign-in complete: the managed-login session starts, and the browser goes back to the app."""
        self.auth.pool.sessions.pop(session.session_id, None)
        now = int(self.ui.backend.now())
        cookie = self.ui.start_session(self.auth.pool, user, now)
        return redirect(self.start_response, self.ui.complete(self.auth, user, now), [*self.cookies, cookie])


def login(ui: HostedUIState, request: Request, start_response: StartResponse) -> Iterable[bytes]:
    step = _Step(ui, request, start_response)
    if request.method == "GET":
        return step.login_form()
    forged = step.forged()
    if forged is not None:
        return forged
    auth, backend = step.auth, ui.backend
    if "COGNITO" not in auth.client.supported_identity_providers:
        return step.login_form("This app client signs in through its identity providers only.", "InvalidParameter")
    username, password = request.form.get("username", "").strip(), request.form.get("password", "")
    if not username or not password:
        return step.login_form("Username and password are required.", "InvalidParameterException", username)
    user = auth.pool.find_user(username)
    if user is None:
        user = _migrate_user(backend, auth.pool, auth.client, username, password, {}, "Authentication")
    if user is None:
        hidden = auth.client.prevent_user_existence_errors
        return step.login_form("Incorrect username or password." if hidden else "User does not exist.",
                               "NotAuthorizedException" if hidden else "UserNotFoundException", username)
    if user.status == "RESET_REQUIRED" and not user.verifier:
        return step.login_form("Password reset required for the user", "PasswordResetRequiredException", username)
    try:  # the API's lockout counts these attempts too ("Password attempts exceeded")
        backend.password_attempt(user, lambda: backend.password_matches(auth.pool, user, password))
        backend.check_can_sign_in(user)
    except CognitoError as exc:
        return step.login_form(exc.message, exc.code, username)
    session = new_session(backend, auth.pool, auth.client, user, "HOSTED_UI", {})
    if user.status == "FORCE_CHANGE_PASSWORD":
        session.challenge = "NEW_PASSWORD_REQUIRED"
        return step.page(new_password_page(f"/forceChangePassword?{step.query}", step.csrf, session.session_id))
    return _after_password(step, session, user)


def _after_password(step: _Step, session: AuthSession, user: User) -> Iterable[bytes]:
    """MFA when the user has it (or the pool requires it), else signed in."""
    auth, backend = step.auth, step.ui.backend
    try:
        parameters = next_mfa_challenge(backend, auth.pool, session, user)
    except CognitoError as exc:
        auth.pool.sessions.pop(session.session_id, None)
        return step.login_form(exc.message, exc.code)
    if parameters is None:
        return step.signed_in(session, user)
    action = f"/mfa?{step.query}"
    if session.challenge == "SELECT_MFA_TYPE":
        methods = json.loads(parameters["MFAS_CAN_CHOOSE"])
        return step.page(select_mfa_page(action, step.csrf, session.session_id, methods))
    if session.challenge not in _CODES:  # MFA_SETUP: MFA is required and this user has none yet
        auth.pool.sessions.pop(session.session_id, None)
        return step.page(message_page("Sign in", "This user must set up MFA first, which the sandbox's managed login "
                                      "does not offer: set it up through the API (auth.setup_totp() after an API "
                                      "sign-in), then sign in here again.", link=("Sign in", f"/login?{step.query}")),
                         400, "MFA_SETUP")
    return step.page(code_page(action, step.csrf, session.session_id, method=session.challenge,
                               destination=parameters.get("CODE_DELIVERY_DESTINATION")))


def _resumed(ui: HostedUIState, request: Request, start_response: StartResponse, challenge: str | None,
             then: Callable[[_Step, AuthSession, User], Iterable[bytes]]) -> Iterable[bytes]:
    """A POST that carries on a sign-in Session: refused when forged, or when its Session is gone (or is not at
    `challenge`, when one is named); else `then` answers it."""
    step = _Step(ui, request, start_response)
    forged = step.forged()
    if forged is not None:
        return forged
    found = step.session()
    if found is None or (challenge is not None and found[0].challenge != challenge):
        return step.login_form("Invalid session for the user, session is expired.", "NotAuthorizedException")
    return then(step, *found)


def mfa(ui: HostedUIState, request: Request, start_response: StartResponse) -> Iterable[bytes]:
    return _resumed(ui, request, start_response, None, _mfa)


def _mfa(step: _Step, session: AuthSession, user: User) -> Iterable[bytes]:
    request, auth, backend, action = step.request, step.auth, step.ui.backend, f"/mfa?{step.query}"
    if session.challenge == "SELECT_MFA_TYPE":
        methods = usable_methods(auth.pool, user)
        choice = request.form.get("mfa_type", "")
        if choice not in methods:
            return step.page(select_mfa_page(action, step.csrf, session.session_id, methods,
                                             "Choose one of the methods shown."), 200, "InvalidParameterException")
        parameters = start_method(backend, auth.pool, session, user, choice)
        return step.page(code_page(action, step.csrf, session.session_id, method=choice,
                                   destination=parameters.get("CODE_DELIVERY_DESTINATION")))
    if session.challenge not in _CODES or session.attempts_left <= 0:
        auth.pool.sessions.pop(session.session_id, None)
        return step.login_form("Invalid session for the user.", "NotAuthorizedException")
    try:
        check_mfa_answer(backend, session, user, request.form.get("code", "").strip())
    except CognitoError as exc:
        message = _WRONG_CODE if exc.code in ("CodeMismatchException", "InvalidParameterException") else exc.message
        return step.page(code_page(action, step.csrf, session.session_id, method=session.challenge,
                                   destination=_destination(session, user), error=message), 200, exc.code)
    return step.signed_in(session, user)


def new_password(ui: HostedUIState, request: Request, start_response: StartResponse) -> Iterable[bytes]:
    """A temporary password's user chooses their own (the pool's policy applies), then MFA or signed in."""
    return _resumed(ui, request, start_response, "NEW_PASSWORD_REQUIRED", _new_password)


def _new_password(step: _Step, session: AuthSession, user: User) -> Iterable[bytes]:
    ui, request, action = step.ui, step.request, f"/forceChangePassword?{step.query}"
    chosen, again = request.form.get("new_password", ""), request.form.get("confirm_password")
    if again is not None and again != chosen:
        return step.page(new_password_page(action, step.csrf, session.session_id, "Passwords do not match."),
                         200, "InvalidPasswordException")
    try:
        ui.backend.set_password(step.auth.pool, user, chosen)
    except CognitoError as exc:
        return step.page(new_password_page(action, step.csrf, session.session_id, exc.message), 200, exc.code)
    user.status, user.modified_at = "CONFIRMED", ui.backend.now()
    session.challenge = ""
    return _after_password(step, session, user)


def _destination(session: AuthSession, user: User) -> str | None:
    if session.challenge == "EMAIL_OTP":
        address = session.mfa_setup_email or user.attributes.get("email")
        return mask_destination("EMAIL", address) if address else None
    if session.challenge == "SMS_MFA" and user.attributes.get("phone_number"):
        return mask_destination("SMS", user.attributes["phone_number"])
    return None
