"""The hosted UI: Cognito's OAuth 2.0 endpoints from a notebook (sign-in with redirect: code + PKCE, or the
implicit grant; sign-out's /logout address; the client_credentials grant).

Modules: ``urls`` (endpoints, the authorize and logout URLs, which redirect URI serves which mode),
``callback`` (reading the address the browser came back to), ``exchange`` (authlib's OAuth 2.0 client:
the authorize check, the token endpoint, the trace), ``listener`` (loopback mode), ``handoff`` (server mode,
shared with the Jupyter Server extension), ``redirect`` (the object the user holds), ``flow`` (start and
finish as the session runs them), ``machine`` (client credentials). Nothing here is imported by
``import amplify_nb``; authlib and requests only when a request is made.
"""

from __future__ import annotations

__all__: list[str] = []
