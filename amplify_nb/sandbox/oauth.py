"""The sandbox's managed login: Cognito's hosted UI and its OAuth 2.0 / OpenID Connect endpoints, served on
the sandbox's own endpoint, whose address (``127.0.0.1:<port>``) is the pool's "Cognito domain" when
``Sandbox(oauth=True)``.

    GET  /oauth2/authorize                              oauth_authorize (and GET /logout, GET /error)
    GET+POST /login, POST /mfa, POST /forceChangePassword   oauth_login (pages in oauth_pages)
    POST /oauth2/token, GET+POST /oauth2/userInfo, POST /oauth2/revoke,
    GET  /<user_pool_id>/.well-known/openid-configuration   oauth_token
    GET+POST /oauth2/idpresponse                        oauth_idp; the mock social providers: /_idp/<name>/...

Kept here, on the sandbox clock: authorization codes (one use, five minutes), the managed-login session behind
the ``cognito`` cookie (an hour: a second authorize signs in without the form, until /logout), social sign-ins
in flight, the resource servers whose scopes client_credentials grants, and the pool's social providers. Each
answered request is recorded in ``sb.calls`` by its path (``oauth2/token``, ``login``...) and outcome, never
with its parameters: codes, verifiers, passwords, secrets and tokens are in no log, record or error message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from . import oauth_authorize, oauth_idp, oauth_login, oauth_token
from .oauth_http import (
    OAuthError,
    Request,
    StartResponse,
    html_answer,
    json_answer,
    read_request,
    redirect,
    with_params,
)
from .oauth_model import SOCIAL_PROVIDERS, PageError, RedirectError
from .oauth_pages import message_page
from .oauth_ui import DEFAULT_CALLBACK_URLS, DEFAULT_LOGOUT_URLS, MACHINE_SCOPES, RESOURCE_SERVER, HostedUIState

__all__ = ["DEFAULT_CALLBACK_URLS", "DEFAULT_LOGOUT_URLS", "MACHINE_SCOPES", "RESOURCE_SERVER", "HostedUI",
           "install_hosted_ui"]

log = logging.getLogger("amplify_nb.sandbox")

Handler = Callable[[HostedUIState, Request, StartResponse], Iterable[bytes]]
_ROUTES: dict[str, tuple[tuple[str, ...], Handler]] = {
    "/oauth2/authorize": (("GET",), oauth_authorize.authorize),
    "/login": (("GET", "POST"), oauth_login.login),
    "/mfa": (("POST",), oauth_login.mfa),
    "/forceChangePassword": (("POST",), oauth_login.new_password),
    "/logout": (("GET",), oauth_authorize.logout),
    "/error": (("GET",), oauth_authorize.error),
    "/oauth2/token": (("POST",), oauth_token.token),
    "/oauth2/userInfo": (("GET", "POST"), oauth_token.user_info),
    "/oauth2/revoke": (("POST",), oauth_token.revoke),
    "/oauth2/idpresponse": (("GET", "POST"), oauth_idp.idp_response),
}


class HostedUI(HostedUIState):
    """The managed login as the sandbox's endpoint serves it: HostedUIState plus the routing to its endpoints."""

    # ---- dispatch -------------------------------------------------------------------------------
    def handles(self, path: str) -> bool:
        return path in _ROUTES or path.startswith("/_idp/") or self.discovery_pool(path) is not None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        name, outcome = path.strip("/") or "/", "ok"
        pool = self.discovery_pool(path)
        try:
            request = read_request(environ)
            methods, handler = ((("GET", "POST"), self.idps.handle) if path.startswith("/_idp/") else
                                (("GET",), oauth_token.discovery) if pool is not None else _ROUTES[path])
            if request.method not in methods:
                raise OAuthError("invalid_request", f"{path} takes {' or '.join(methods)}", 405)
            with self.backend.lock:
                answer = handler(self, request, start_response)
            outcome = request.outcome
            return answer
        except OAuthError as exc:
            outcome = exc.error
            challenge = [("WWW-Authenticate", 'Basic realm="oauth2/token"')] if exc.status == 401 else []
            return json_answer(start_response, exc.status, exc.body(), challenge)
        except PageError as exc:
            outcome = exc.error
            return redirect(start_response, "/error?" + urlencode(
                {k: v for k, v in (("error", exc.error), ("error_description", exc.description),
                                   ("client_id", exc.client_id)) if v}))
        except RedirectError as exc:
            outcome = exc.error
            return redirect(start_response, with_params(exc.redirect_uri, {
                "error_description": exc.description, "error": exc.error, "state": exc.state}))
        except Exception:  # a sandbox bug: say so, keep serving, and log no request data (it may hold secrets)
            outcome = "InternalErrorException"
            log.exception("sandbox hosted UI failed on %s", name)
            return html_answer(start_response, 500, message_page("Error", "The sandbox failed; see its log."))
        finally:
            self.backend.record(name, outcome)


def install_hosted_ui(sandbox: Any, oauth: bool, callback_urls: Iterable[str] | None,
                      logout_urls: Iterable[str] | None, identity_providers: Iterable[str] | None) -> HostedUI | None:
    """A Sandbox's managed login, as a Gen 2 backend with ``loginWith.externalProviders`` has it: the default
    client with the code grant, the standard scopes, its callback and sign-out URLs and every social provider
    (all four unless named); a resource server (``sandbox-api``: read, write) and a confidential machine client
    allowed client_credentials on its scopes (sb.machine_config)."""
    if not oauth:
        if callback_urls or logout_urls or identity_providers:
            raise ValueError("callback_urls, logout_urls and identity_providers are the managed login's: "
                             "pass oauth=True too")
        return None
    ui = HostedUI(sandbox.backend, sandbox.federation, sandbox.endpoint_url)
    ui.set_identity_providers(SOCIAL_PROVIDERS if identity_providers is None else identity_providers)
    ui.enable(sandbox.client, callback_urls=DEFAULT_CALLBACK_URLS if callback_urls is None else callback_urls,
              logout_urls=DEFAULT_LOGOUT_URLS if logout_urls is None else logout_urls)
    scopes = ui.add_resource_server(RESOURCE_SERVER, {"read": "Read the sandbox's API",
                                                      "write": "Change what the sandbox's API holds"})
    machine = sandbox.add_client(secret=True, name="amplify-nb-machine", explicit_auth_flows=())
    ui.machine_client = ui.enable(machine, flows=("client_credentials",), scopes=scopes)
    return ui


