"""IAM, STS and every other moto-served query API, with signatures and policies enforced as AWS does.

moto answers IAM and STS whatever the signature, so without this gate an unsigned request (any Host header)
listed the roles, and guest credentials with a made-up signature could attach ``s3:*`` to the guest role
and then read everyone's ``private/``. Here each request is authenticated by the sandbox's key ring, as
S3's gate does (missing, unknown key, bad token, expired, bad signature: each with the query APIs' own
XML error), and then authorised: the admin keys may do anything, an identity pool's role only what its
policies allow (``iam:PutRolePolicy`` is not among them). STS's web-identity and SAML sign-ins are public
on AWS too and pass unsigned; GetCallerIdentity needs no permission, only a valid signature.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from . import sigv4
from .keys import AuthFailure, Principal

if TYPE_CHECKING:
    from .s3_gate import S3Gate

__all__ = ["serve"]

_PUBLIC = {("sts", "AssumeRoleWithWebIdentity"), ("sts", "AssumeRoleWithSAML")}
_ANY_SIGNED_CALLER = {("sts", "GetCallerIdentity")}
_MAX_BODY = 1024 * 1024
_NAMESPACES = {"iam": "https://iam.amazonaws.com/doc/2010-05-08/", "sts": "https://sts.amazonaws.com/doc/2011-06-15/"}
_REFUSALS = {  # AuthFailure kind -> (HTTP status, code, message) as IAM and STS answer
    AuthFailure.MISSING: (403, "MissingAuthenticationToken", "Request is missing Authentication Token"),
    AuthFailure.UNKNOWN_KEY: (403, "InvalidClientTokenId", "The security token included in the request is invalid."),
    AuthFailure.BAD_TOKEN: (403, "InvalidClientTokenId", "The security token included in the request is invalid."),
    AuthFailure.EXPIRED: (403, "ExpiredToken", "The security token included in the request is expired"),
    AuthFailure.BAD_SIGNATURE: (403, "SignatureDoesNotMatch", (
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
        "Access Key and signing method. Consult the service documentation for details.")),
}


def serve(gate: S3Gate, environ: dict[str, Any], start_response: Callable,
          forward: Callable[[dict[str, Any], Callable], Iterable[bytes]]) -> Iterable[bytes]:
    """Answer a non-S3 request bound for moto: refused, or handed on with its body intact."""
    body = _body(environ)
    params = dict(parse_qsl(environ.get("QUERY_STRING", ""))) | dict(parse_qsl(body.decode("utf-8", "replace")))
    action = params.get("Action", "")
    service = sigv4.scope_service(environ) or _service_of(environ, action)
    if (service, action) in _PUBLIC:
        return forward(environ, start_response)
    try:
        principal = gate.keys.authenticate(environ, body=body)
    except AuthFailure as failure:
        status, code, message = _REFUSALS.get(failure.kind, (400, failure.code or "IncompleteSignature",
                                                             failure.message or "The request signature is malformed"))
        return _error(start_response, service, status, code, message)
    if principal.is_admin or (service, action) in _ANY_SIGNED_CALLER:
        return forward(environ, start_response)
    iam_action, resource = f"{service}:{action}", _resource(gate, service, params)
    if service in ("iam", "sts") and gate.allowed(principal, [(iam_action, resource, {})]):
        return forward(environ, start_response)
    return _error(start_response, service, 403, "AccessDenied", _denied(gate, principal, iam_action, resource))


def _body(environ: dict[str, Any]) -> bytes:
    """The form body, read once and put back for moto (the signature covers its hash)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ["wsgi.input"]
    body = stream.read(min(length, _MAX_BODY)) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return bytes(body)


def _service_of(environ: dict[str, Any], action: str) -> str:
    """An unsigned request's service, from its Host (iam.amazonaws.com, sts.us-east-1.amazonaws.com)."""
    host = environ.get("HTTP_HOST", "").split(":")[0].lower()
    first = host.split(".")[0]
    if first in ("iam", "sts"):
        return first
    return "sts" if action.startswith(("Assume", "GetCallerIdentity", "GetSessionToken", "GetFederationToken")) \
        else "iam"


def _resource(gate: S3Gate, service: str, params: dict[str, str]) -> str:
    account = gate.account.account_id
    if service == "iam" and params.get("RoleName"):
        return f"arn:aws:iam::{account}:role/{params['RoleName']}"
    if service == "iam" and params.get("UserName"):
        return f"arn:aws:iam::{account}:user/{params['UserName']}"
    if service == "sts" and params.get("RoleArn"):
        return params["RoleArn"]
    return "*"


def _denied(gate: S3Gate, principal: Principal, action: str, resource: str) -> str:
    session = principal.session
    role = session.role_arn.rsplit("/", 1)[-1] if session is not None else "unknown"
    return (f"User: arn:aws:sts::{gate.account.account_id}:assumed-role/{role}/CognitoIdentityCredentials is not "
            f"authorized to perform: {action} on resource: {resource}")


def _error(start_response: Callable, service: str, status: int, code: str, message: str) -> Iterable[bytes]:
    request_id = str(uuid.uuid4())
    namespace = _NAMESPACES.get(service, _NAMESPACES["iam"])
    body = (f'<ErrorResponse xmlns="{namespace}"><Error><Type>Sender</Type><Code>{escape(code)}</Code>'
            f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
            ).encode()
    reason = {400: "Bad Request", 403: "Forbidden"}.get(status, "Error")
    start_response(f"{status} {reason}", [("Content-Type", "text/xml"), ("Content-Length", str(len(body))),
                                          ("x-amzn-RequestId", request_id)])
    return [body]
