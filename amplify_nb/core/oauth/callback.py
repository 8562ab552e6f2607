"""Reading the address the browser was sent back to: is it this sign-in's callback, and what does it say.

The code flow answers in the query (``code``, ``state``), the implicit grant in the fragment (the tokens,
``state``); an error in either (``error``, ``error_description``). Nothing read here is ever put in a
message but the address's origin and path and Cognito's error.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from ...errors import OAUTH_ERRORS, OAuthError, RedirectUriError, RedirectUrlError, ValidationError
from .urls import AuthorizationRequest, base_url, origin_and_path

__all__ = ["MAX_CALLBACK_LENGTH", "callback_parameters", "raise_callback_error"]

# Tokens of the implicit grant make the longest callbacks (~3 JWTs); anything far beyond is not one.
MAX_CALLBACK_LENGTH = 64 * 1024


def _place(url: str) -> tuple[str, str, int | None, str]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port, parts.path.rstrip("/") or ""


def callback_parameters(request: AuthorizationRequest, url: object) -> dict[str, str]:
    """The query's and fragment's parameters of ``url``, once it is known to be a callback to the request's
    redirect URI; RedirectUriError for Cognito's redirect_mismatch page, RedirectUrlError for any other
    address."""
    if not isinstance(url, str) or not url.strip():
        raise ValidationError("Give the full address the browser ended on (a string starting with the redirect "
                              f"URI {request.redirect_uri})", field="redirected_url")
    url = url.strip()
    if len(url) > MAX_CALLBACK_LENGTH:
        raise RedirectUrlError("That address is too long to be a sign-in callback")
    try:
        here = _place(url)
    except ValueError:
        raise RedirectUrlError("That is not an address: paste the full address the browser ended on, "
                               f"starting with {request.redirect_uri}") from None
    if here[:3] == _place(base_url(request.oauth.domain))[:3]:  # the browser stayed on Cognito's domain
        parameters = dict(parse_qsl(urlsplit(url).query))
        if parameters.get("error") == "redirect_mismatch":
            raise RedirectUriError(
                f"Cognito refused the redirect URI {request.redirect_uri} (redirect_mismatch): add it to the app "
                "client's allowed callback URLs exactly as written (scheme, host, port and path)",
                source=request.config.source, code="redirect_mismatch")
        raise RedirectUrlError(f"That address ({origin_and_path(url)}) is still the hosted UI's page: finish "
                               "signing in there, then give the address the browser is sent back to "
                               f"(starting with {request.redirect_uri})")
    if here != _place(request.redirect_uri):
        raise RedirectUrlError(f"That address ({origin_and_path(url)}) is not this sign-in's callback: give the "
                               f"address the browser ended on, starting with {request.redirect_uri}")
    parts = urlsplit(url)
    parameters = {**dict(parse_qsl(parts.fragment)), **dict(parse_qsl(parts.query))}
    if not any(key in parameters for key in ("code", "state", "error", "access_token", "id_token")):
        raise RedirectUrlError(f"The address {origin_and_path(url)} carries no sign-in response (no code, state or "
                               "error): give the whole address, query included, that the browser ended on")
    return parameters


def raise_callback_error(parameters: dict[str, str]) -> None:
    """Cognito's ``error=`` on the callback, as a typed error with its code and description."""
    error = parameters.get("error")
    if not error:
        return
    description = parameters.get("error_description") or None
    if error == "redirect_mismatch":
        said = f": {description}" if description else ""
        raise RedirectUriError(f"Cognito refused the redirect URI (redirect_mismatch){said}: add it to the app "
                               "client's allowed callback URLs", code=error)
    hints = {"access_denied": "the user (or the identity provider) declined the sign-in",
             "invalid_scope": "ask only for scopes the app client allows",
             "unauthorized_client": "the app client does not allow this grant or identity provider: check its "
                                    "allowed OAuth flows and identity providers"}
    said = f": {description}" if description else ""
    hint = f" ({hints[error]})" if error in hints else ""
    raise OAUTH_ERRORS.get(error, OAuthError)(f"The hosted UI answered {error}{said}{hint}", code=error,
                                              description=description, operation="authorize")
