"""The one error tree of amplify_nb. Every failure a user can meet is one of these::

    AmplifyNbError
    ├── ConfigurationError            bad or missing configuration (names the source and the key)
    │   └── RedirectUriError          no registered redirect URI fits the hosted-UI mode, or Cognito refused
    │                                 the one sent (redirect_mismatch): says which URI to register
    ├── ValidationError               a bad argument, refused before any network call
    ├── StorageError                  an unreadable, corrupt or foreign token store
    ├── NetworkError                  the service (or the sandbox) cannot be reached
    ├── MissingExtraError             a feature whose optional extra is not installed (also an ImportError):
    │                                 names the extra, ``pip install 'amplify-nb[sandbox]'``
    ├── HostedUIError                 a sign-in with redirect that did not reach Cognito's answer
    │   ├── RedirectUrlError          the address given is not a callback of this sign-in (another page)
    │   ├── RedirectStateError        the callback's state is another sign-in's, or this one's replayed
    │   ├── RedirectTimeoutError      no callback reached the notebook in time
    │   └── RedirectCancelledError    cancelled (cancel(), an interrupt, or a newer sign-in on the port)
    └── ServiceError                  Cognito / STS answered with an error (keeps code and request id)
        ├── NotAuthorizedError        wrong credentials, revoked or expired tokens, disabled user
        │   └── NotAuthenticatedError no one is signed in (or the session has ended)
        ├── UserNotFoundError
        ├── UserNotConfirmedError
        ├── PasswordResetRequiredError
        ├── UsernameExistsError       (also AliasExistsException)
        ├── InvalidPasswordError      the pool's password policy refused it
        ├── CodeMismatchError         a wrong confirmation or MFA code
        ├── ExpiredCodeError
        ├── LimitExceededError        too many attempts or requests (also TooManyRequests)
        ├── InvalidParameterError
        ├── TriggerError              a Lambda trigger (or sandbox trigger callable) failed
        └── OAuthError                Cognito's OAuth 2.0 endpoints said no (``error=`` on the callback,
            │                         or the token endpoint); ``code`` is Cognito's error, e.g. access_denied
            ├── InvalidGrantError     the code was used already, has expired, or its PKCE verifier differs
            └── InvalidScopeError     a scope the app client may not ask for

A message never contains a password, a code, a token or a secret key: errors are built from the
service's own message, which never echoes them, plus names the caller chose. A callback address is
named by its origin and path only: its query holds the authorization code.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "OAUTH_ERRORS",
    "SERVICE_ERRORS",
    "AmplifyNbError",
    "CodeMismatchError",
    "ConfigurationError",
    "ExpiredCodeError",
    "HostedUIError",
    "InvalidGrantError",
    "InvalidParameterError",
    "InvalidPasswordError",
    "InvalidScopeError",
    "LimitExceededError",
    "MissingExtraError",
    "NetworkError",
    "NotAuthenticatedError",
    "NotAuthorizedError",
    "OAuthError",
    "PasswordResetRequiredError",
    "RedirectCancelledError",
    "RedirectStateError",
    "RedirectTimeoutError",
    "RedirectUriError",
    "RedirectUrlError",
    "ServiceError",
    "StorageError",
    "TriggerError",
    "UserNotConfirmedError",
    "UserNotFoundError",
    "UsernameExistsError",
    "ValidationError",
    "service_error",
]


class AmplifyNbError(Exception):
    """Root of every error amplify_nb raises on purpose."""


class ConfigurationError(AmplifyNbError):
    def __init__(self, message: str, *, source: str | None = None, key: str | None = None):
        where = " ".join(part for part in (f"in {source}" if source else "", f"at {key!r}" if key else "") if part)
        super().__init__(f"{message} ({where})" if where else message)
        self.source = source
        self.key = key


class RedirectUriError(ConfigurationError):
    """``code`` is "redirect_mismatch" when Cognito refused the URI; None when the configuration has none
    that fits."""

    def __init__(self, message: str, *, source: str | None = None, key: str | None = "oauth.redirect_sign_in",
                 code: str | None = None):
        super().__init__(message, source=source, key=key)
        self.code = code


class ValidationError(AmplifyNbError):
    """``field``: the argument refused; ``errors``: when several fields are refused at once (a form checked
    by the app's own rules), each field's message."""

    def __init__(self, message: str, *, field: str | None = None, errors: Mapping[str, str] | None = None):
        super().__init__(message)
        self.field = field
        self.errors: dict[str, str] = dict(errors or {})


class StorageError(AmplifyNbError):
    pass


class NetworkError(AmplifyNbError):
    pass


class MissingExtraError(AmplifyNbError, ImportError):
    """``extra``: the amplify-nb extra to install; ``name``: the first of its modules found missing. An
    ImportError too, so that code written for an optional import (``except ImportError``) still works."""

    def __init__(self, feature: str, extra: str, module: str):
        super().__init__(f"{feature} needs the {extra!r} extra ({module} is not installed): "
                         f"pip install 'amplify-nb[{extra}]'")
        self.feature = feature
        self.extra = extra
        self.name = module


class HostedUIError(AmplifyNbError):
    """A sign-in with redirect ended before Cognito's answer was used (the hosted UI's own refusals are
    OAuthError)."""


class RedirectUrlError(HostedUIError):
    pass


class RedirectStateError(HostedUIError):
    pass


class RedirectTimeoutError(HostedUIError):
    pass


class RedirectCancelledError(HostedUIError):
    pass


class ServiceError(AmplifyNbError):
    """An error answered by the service; ``code`` is AWS's error code, ``request_id`` its request id."""

    def __init__(self, message: str, *, code: str | None = None, request_id: str | None = None,
                 operation: str | None = None):
        super().__init__(message)
        self.code = code
        self.request_id = request_id
        self.operation = operation

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} [{self.code}]" if self.code else base


class NotAuthorizedError(ServiceError):
    pass


class NotAuthenticatedError(NotAuthorizedError):
    pass


class UserNotFoundError(ServiceError):
    pass


class UserNotConfirmedError(ServiceError):
    pass


class PasswordResetRequiredError(ServiceError):
    pass


class UsernameExistsError(ServiceError):
    pass


class InvalidPasswordError(ServiceError):
    pass


class CodeMismatchError(ServiceError):
    pass


class ExpiredCodeError(ServiceError):
    pass


class LimitExceededError(ServiceError):
    pass


class InvalidParameterError(ServiceError):
    pass


class TriggerError(ServiceError):
    pass


class OAuthError(ServiceError):
    """``code``: Cognito's OAuth error (RFC 6749's names); ``description``: its error_description, if any."""

    def __init__(self, message: str, *, code: str | None = None, description: str | None = None,
                 operation: str | None = None):
        super().__init__(message, code=code, operation=operation)
        self.description = description


class InvalidGrantError(OAuthError):
    pass


class InvalidScopeError(OAuthError):
    pass


OAUTH_ERRORS: dict[str, type[OAuthError]] = {"invalid_grant": InvalidGrantError, "invalid_scope": InvalidScopeError}


# AWS error codes -> our classes; anything else becomes a plain ServiceError with its code kept.
SERVICE_ERRORS: dict[str, type[ServiceError]] = {
    "NotAuthorizedException": NotAuthorizedError,
    "RefreshTokenReuseException": NotAuthorizedError,  # a refresh token rotated away (its grace period over)
    "UserNotFoundException": UserNotFoundError,
    "UserNotConfirmedException": UserNotConfirmedError,
    "PasswordResetRequiredException": PasswordResetRequiredError,
    "UsernameExistsException": UsernameExistsError,
    "AliasExistsException": UsernameExistsError,
    "InvalidPasswordException": InvalidPasswordError,
    "CodeMismatchException": CodeMismatchError,
    "EnableSoftwareTokenMFAException": CodeMismatchError,
    "ExpiredCodeException": ExpiredCodeError,
    "LimitExceededException": LimitExceededError,
    "TooManyRequestsException": LimitExceededError,
    "TooManyFailedAttemptsException": LimitExceededError,
    "InvalidParameterException": InvalidParameterError,
    "UserLambdaValidationException": TriggerError,
    "UnexpectedLambdaException": TriggerError,
    "InvalidLambdaResponseException": TriggerError,
}


def service_error(code: str, message: str, *, request_id: str | None = None,
                  operation: str | None = None) -> ServiceError:
    """The typed error for an AWS error code."""
    cls = SERVICE_ERRORS.get(code, ServiceError)
    return cls(message, code=code, request_id=request_id, operation=operation)
