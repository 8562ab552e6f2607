"""Amplify UI's ``services``: the app's own functions in place of the Authenticator's calls to the core.

Each handler gets one dict, as Amplify UI's do, whose keys are the keyword arguments of the ``Auth`` method it
replaces, so the app's function can change what it needs and make the call itself::

    def handle_sign_up(input):
        input["username"] = input["username"].lower()
        return auth.sign_up(**input)

    Authenticator(auth, services={"handle_sign_up": handle_sign_up})

``validate_custom_sign_up(form_data)`` returns ``{field: message}`` for what it refuses (or None). Amplify UI's
camelCase names (``handleSignIn``, ``validateCustomSignUp``, ...) are accepted, and so are ``async`` functions.

The password or code in a handler's dict is a ``Secret`` (its repr is masked) and the dict is emptied once the
handler returns: the app's function sees the value, nothing here keeps it. What leaves the function for the
form is masked: an exception it raises (an amplify_nb error keeps its type, any other becomes a
``ValidationError`` with its message) and the messages validate_custom_sign_up returns have each secret value
they were given replaced by ``****``. That masking is of the exact values (best effort): a function that
rewrites the password (reversed, in part) before quoting it is not caught, so let an app's message name the
field, never its value.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from ..core.flows.results import CodeDelivery, SignInResult, SignUpResult
from ..core.validate import Secret
from ..errors import AmplifyNbError, ValidationError
from .field_kinds import is_secret_name

__all__ = ["SERVICES", "Services"]

# Each service: Amplify UI's name, the Auth method it replaces (None: a check, not a call) and what that
# method returns (None: anything).
SERVICES: dict[str, tuple[str, str | None, tuple[type, ...] | None]] = {
    "handle_sign_in": ("handleSignIn", "sign_in", (SignInResult,)),
    "handle_sign_up": ("handleSignUp", "sign_up", (SignUpResult,)),
    "handle_confirm_sign_in": ("handleConfirmSignIn", "confirm_sign_in", (SignInResult,)),
    "handle_confirm_sign_up": ("handleConfirmSignUp", "confirm_sign_up", None),
    "handle_forgot_password": ("handleForgotPassword", "forgot_password", (CodeDelivery, type(None))),
    "handle_forgot_password_submit": ("handleForgotPasswordSubmit", "forgot_password_submit", None),
    "validate_custom_sign_up": ("validateCustomSignUp", None, None),
}
_CAMEL = {camel: name for name, (camel, _, _) in SERVICES.items()}


def _masked(text: str, secrets: list[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "****")
    return text


def _masked_error(exc: Exception, name: str, secrets: list[str]) -> Exception:
    """What the form may show of the app's exception: an amplify_nb error as it is when it holds none of the
    secrets, else a copy of it (same type and fields) with them masked; any other exception becomes a
    ValidationError with its masked message (not chained: its arguments may hold the secret)."""
    if not isinstance(exc, AmplifyNbError):
        return ValidationError(_masked(str(exc), secrets) or type(exc).__name__, field=f"services.{name}")

    def mask(value: Any) -> Any:
        if isinstance(value, str):
            return _masked(value, secrets)
        if isinstance(value, Mapping):
            return {key: mask(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):  # __notes__, or an error's list of messages
            masked = [mask(item) for item in value]
            return masked if isinstance(value, list) else tuple(masked)
        return value

    args, fields = tuple(mask(arg) for arg in exc.args), {key: mask(v) for key, v in vars(exc).items()}
    if args == exc.args and fields == vars(exc):
        return exc
    # Built without __init__ (each error class takes its own arguments): the same args and fields, masked.
    copy = type(exc).__new__(type(exc), *args)
    copy.args = args
    vars(copy).update(fields)
    if isinstance(exc, ImportError) and isinstance(copy, ImportError):  # MissingExtraError: kept off __dict__
        copy.name, copy.path = exc.name, exc.path
    return copy


def _run(function: Callable[..., Any], *args: Any) -> Any:
    """Call the app's function; an ``async`` one runs to its end on an event loop of its own (the kernel's
    loop is busy running this very cell)."""
    result = function(*args)
    if inspect.isawaitable(result):
        import asyncio  # here: ~70 ms to import, and only an async app function needs it
        import concurrent.futures

        async def wait() -> Any:
            return await result

        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, wait()).result()
    return result


class Services:
    """The app's services, checked; ``call`` runs one (or the core's own method when none is given)."""

    def __init__(self, given: Mapping[str, Any] | None = None):
        self.functions: dict[str, Callable[..., Any]] = {}
        if given is None:
            return
        accepted = ", ".join(f"{name} ({camel})" for name, (camel, _, _) in SERVICES.items())
        if not isinstance(given, Mapping):
            raise ValidationError(f"services must be a dict of functions: {accepted}", field="services")
        for key, function in given.items():
            name = _CAMEL.get(key, key)
            if name not in SERVICES:
                raise ValidationError(f"services: unknown service {key!r}; services: {accepted}", field="services")
            if not callable(function):
                raise ValidationError(f"services[{key!r}] must be a function", field="services")
            self.functions[name] = function

    def call(self, auth: Any, name: str, **values: Any) -> Any:
        """The app's service ``name`` with ``values`` as its dict, else ``auth``'s own method."""
        _, method, returns = SERVICES[name]
        assert method is not None
        function = self.functions.get(name)
        if function is None:
            return getattr(auth, method)(**values)
        data = {key: Secret(value) if is_secret_name(key) and isinstance(value, str) else value
                for key, value in values.items()}
        result = self._guarded(name, function, data)
        if returns is not None and not isinstance(result, returns):
            raise ValidationError(f"services[{name!r}] must return what auth.{method}() returns (a "
                                  f"{returns[0].__name__}), not {type(result).__name__}", field=f"services.{name}")
        return result

    def validate_sign_up(self, form_data: Mapping[str, str]) -> dict[str, str]:
        """validate_custom_sign_up's refusals, ``{field: message}`` with the secrets masked (empty: none, or
        no such service)."""
        function = self.functions.get("validate_custom_sign_up")
        if function is None:
            return {}
        data = {key: Secret(value) if is_secret_name(key) else value for key, value in form_data.items()}
        secrets = _secrets(data)
        try:
            errors = self._guarded("validate_custom_sign_up", function, data)
            if errors is None:
                return {}
            if not isinstance(errors, Mapping) or not all(isinstance(text, str) for text in errors.values()):
                raise ValidationError("services['validate_custom_sign_up'] must return None or a dict "
                                      "{field: message}", field="services.validate_custom_sign_up")
            return {_masked(str(field), secrets): _masked(text, secrets) for field, text in errors.items() if text}
        finally:
            secrets.clear()

    @staticmethod
    def _guarded(name: str, function: Callable[..., Any], data: dict[str, Any]) -> Any:
        secrets = _secrets(data)
        try:
            try:
                return _run(function, data)
            except Exception as exc:
                failure = _masked_error(exc, name, secrets)
                if failure is exc:
                    raise
            # Raised here, out of the except block, so the original (which may quote a secret) is not even
            # its hidden __context__.
            raise failure
        finally:
            data.clear()
            secrets.clear()


def _secrets(data: Mapping[str, Any]) -> list[str]:
    return [str(value) for value in data.values() if isinstance(value, Secret) and value]
