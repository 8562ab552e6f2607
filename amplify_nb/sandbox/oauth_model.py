"""What the sandbox's managed login remembers between requests, and its vocabulary: flows, scopes, providers,
lifetimes, and the two ways an authorize request fails (an error page, or an error sent back to the app).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .models import AppClient, UserPool

__all__ = ["CODE_TTL", "CSRF_COOKIE", "FLOWS", "IDENTITY_SCOPES", "PENDING_TTL", "SESSION_COOKIE", "SESSION_TTL",
           "SOCIAL_PROVIDERS", "STANDARD_SCOPES", "AuthorizeRequest", "BrowserSession", "Grant", "PageError",
           "Pending", "RedirectError", "listed", "provider_name", "split_scopes"]

CODE_TTL = 300.0  # Cognito: an authorization code is good once, for five minutes
SESSION_TTL = 3600.0  # the managed-login session (cookie): an hour of signing in without the form
PENDING_TTL = 900.0  # a sign-in gone to a social provider must come back within this
SESSION_COOKIE = "cognito"  # Cognito's cookie names on its domain
CSRF_COOKIE = "XSRF-TOKEN"
# AllowedOAuthFlows; client_credentials never on the same client as the other two (Cognito refuses it).
FLOWS = ("code", "implicit", "client_credentials")
STANDARD_SCOPES = ("openid", "email", "phone", "profile", "aws.cognito.signin.user.admin")
IDENTITY_SCOPES = ("email", "phone", "profile")  # only with openid
# Cognito's names of the social providers (the authorize endpoint's identity_provider) and every spelling
# Amplify and its users write them in.
SOCIAL_PROVIDERS = ("Google", "Facebook", "LoginWithAmazon", "SignInWithApple")
_SPELLINGS = {"google": "Google", "facebook": "Facebook", "amazon": "LoginWithAmazon",
              "loginwithamazon": "LoginWithAmazon", "login_with_amazon": "LoginWithAmazon",
              "apple": "SignInWithApple", "signinwithapple": "SignInWithApple",
              "sign_in_with_apple": "SignInWithApple", "cognito": "COGNITO"}


def provider_name(name: str) -> str:
    """Cognito's name of a social provider in any spelling (google, GOOGLE, LOGIN_WITH_AMAZON, apple...)."""
    known = _SPELLINGS.get(str(name).strip().lower())
    if known is None:
        raise ValueError(f"unknown identity provider {name!r}: the sandbox has Google, Facebook, LoginWithAmazon "
                         "and SignInWithApple")
    return known


def split_scopes(text: str | None) -> tuple[str, ...]:
    """A space-separated scope parameter, each scope once, in the order given."""
    return tuple(dict.fromkeys((text or "").split()))


@dataclass
class AuthorizeRequest:
    """A checked /oauth2/authorize request; the /login form and a social sign-in carry it along."""

    pool: UserPool
    client: AppClient
    response_type: str
    redirect_uri: str
    state: str | None
    scopes: tuple[str, ...]
    nonce: str | None
    code_challenge: str | None
    identity_provider: str | None  # a social provider, or None for the sign-in form (COGNITO)
    prompt: str | None
    query: dict[str, str] = field(repr=False, default_factory=dict)  # as received, for the next page's address


@dataclass
class Grant:
    """An authorization code's grant: who signed in, for which client, redirect URI, scopes and PKCE challenge."""

    pool_id: str
    client_id: str
    username: str
    redirect_uri: str
    scopes: tuple[str, ...]
    nonce: str | None
    code_challenge: str | None
    auth_time: int
    expires_at: float


@dataclass
class BrowserSession:
    """The managed-login session behind the ``cognito`` cookie: one user of one pool, until /logout."""

    pool_id: str
    username: str
    auth_time: int
    expires_at: float


@dataclass
class Pending:
    """A sign-in gone to a social provider, found again by the state Cognito gave the provider."""

    request: AuthorizeRequest
    provider: str
    nonce: str
    expires_at: float


class PageError(Exception):
    """An authorize or logout request Cognito cannot send back to the app: its error page (``/error``)."""

    def __init__(self, error: str, description: str | None = None, client_id: str | None = None):
        super().__init__(error)
        self.error, self.description, self.client_id = error, description, client_id


class RedirectError(Exception):
    """An authorize error sent back to the app's registered redirect URI (``?error=...&state=...``)."""

    def __init__(self, error: str, description: str | None, redirect_uri: str, state: str | None):
        super().__init__(error)
        self.error, self.description, self.redirect_uri, self.state = error, description, redirect_uri, state

    @classmethod
    def of(cls, request: AuthorizeRequest, error: str, description: str | None = None) -> RedirectError:
        return cls(error, description, request.redirect_uri, request.state)


def listed(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values) or "none"
