"""IAM, STS and every other moto-served query API, with signatures and policies enforced as AWS does.

moto answers IAM and STS whatever the signature, so without this gate an unsigned request (any Host header)
listed the roles, and guest credentials with a made-up signature could attach ``s3:*`` to the guest role
and then read everyone's ``private/``. Here each request is authenticated by the sandbox's key ring, as
S3's gate does (missing, unknown key, bad token, expired, bad signature: each with the query APIs' own
XML error), and then authorised: the admin keys may do anything, an identity pool's role only what its
policies allow (``iam:PutRolePolicy`` is not among them). STS's web-identity and SAML sign-ins are public
on AWS too and pass unsigned; GetCallerIdentity needs no permission, only a valid signature.

AssumeRoleWithWebIdentity is answered here, not by moto (which would assume any role for any token): the
token must be one Cognito Identity issued (GetOpenIdToken*, the basic flow's first half), unexpired, and
the role's trust policy must admit it (``cognito-identity.amazonaws.com`` as Federated principal, its
``aud`` and ``amr`` conditions), else "Not authorized to perform sts:AssumeRoleWithWebIdentity". The
credentials go to the key ring, so S3 and IAM judge them by that role's policies.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

import jwt

from . import sigv4
from .aws_account import COGNITO_IDENTITY, Minted, RoleNotAssumable
from .keys import AuthFailure, Principal, SessionCredentials
from .protocol import CognitoError

if TYPE_CHECKING:
    from .s3_gate import S3Gate

__all__ = ["serve"]

_PUBLIC = {("sts", "AssumeRoleWithSAML")}
_WEB_IDENTITY = ("sts", "AssumeRoleWithWebIdentity")
_COGNITO_ISSUER = "https://cognito-identity.amazonaws.com"
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")
_NOT_AUTHORIZED = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
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
    if (service, action) == _WEB_IDENTITY:
        return _assume_role_with_web_identity(gate, params, start_response)
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


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(code)
        self.status, self.code, self.message = status, code, message


def _validation(message: str) -> _Refused:
    return _Refused(400, "ValidationError", message)


def _assume_role_with_web_identity(gate: S3Gate, params: dict[str, str], start_response: Callable) -> Iterable[bytes]:
    """STS AssumeRoleWithWebIdentity for a Cognito Identity OpenID token, checked as STS checks it."""
    account = gate.account
    try:
        role_arn, session_name, token, duration = _web_identity_request(params)
        claims = _read_cognito_token(gate, token)
        amr = [str(v) for v in claims.get("amr") or []] if isinstance(claims.get("amr"), list) else []
        context = {f"{COGNITO_IDENTITY}:aud": str(claims["aud"]), f"{COGNITO_IDENTITY}:sub": str(claims["sub"]),
                   f"{COGNITO_IDENTITY}:amr": amr}
        if account.role_documents(role_arn) is not None and duration > account.role_max_session(role_arn):
            raise _validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        minted = account.assume_with_web_identity(role_arn, COGNITO_IDENTITY, context, duration, session_name)
    except _Refused as refused:
        return _error(start_response, "sts", refused.status, refused.code, refused.message)
    except RoleNotAssumable:
        return _error(start_response, "sts", 403, "AccessDenied", _NOT_AUTHORIZED)
    expires_at = gate.keys.clock() + duration
    gate.keys.add(SessionCredentials(minted.access_key_id, minted.secret_key, minted.session_token, expires_at,
                                     role_arn, str(claims["sub"]), str(claims["aud"]), "authenticated" in amr))
    return _web_identity_answer(start_response, minted, claims, expires_at)


def _web_identity_request(params: dict[str, str]) -> tuple[str, str, str, int]:
    for name, low, high in (("RoleArn", 20, 2048), ("RoleSessionName", 2, 64), ("WebIdentityToken", 4, 20000)):
        value = params.get(name)
        member = name[:1].lower() + name[1:]
        if value is None:
            raise _validation(f"1 validation error detected: Value null at '{member}' failed to satisfy constraint: "
                              "Member must not be null")
        if not low <= len(value) <= high:
            raise _validation(f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
                              f"Member must have length between {low} and {high}")
    if not _SESSION_NAME.fullmatch(params["RoleSessionName"]):
        raise _validation("1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: "
                          "Member must satisfy regular expression pattern: [\\w+=,.@-]*")
    try:
        duration = int(params.get("DurationSeconds") or 3600)
    except ValueError:
        raise _validation("Invalid value for DurationSeconds") from None
    if not 900 <= duration <= 43200:
        bound = "greater than or equal to 900" if duration < 900 else "less than or equal to 43200"
        raise _validation(f"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy "
                          f"constraint: Member must have value {bound}")
    return params["RoleArn"], params["RoleSessionName"], params["WebIdentityToken"], duration


def _read_cognito_token(gate: S3Gate, token: str) -> dict[str, Any]:
    """The claims of an unexpired OpenID token Cognito Identity (this sandbox) signed."""
    invalid = _Refused(400, "InvalidIdentityToken", "The web identity token that was passed could not be validated "
                       "by AWS. Get a new identity token from the identity provider and then retry the request.")
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError:
        raise invalid from None
    if issuer != _COGNITO_ISSUER:
        raise _Refused(400, "InvalidIdentityToken", f"No OpenIDConnect provider found in your account for "
                       f"{str(issuer)[:200]}")
    federation = gate.account.federation
    if federation is None:
        raise invalid
    try:
        return dict(federation.read(token, {_COGNITO_ISSUER}))
    except CognitoError as exc:
        if "Token expired" in exc.message:
            raise _Refused(400, "ExpiredTokenException", "Token expired: current date/time must be before the "
                           "expiration date/time") from None
        raise invalid from None


def _web_identity_answer(start_response: Callable, minted: Minted, claims: dict[str, Any],
                         expires_at: float) -> Iterable[bytes]:
    request_id = str(uuid.uuid4())
    expiration = datetime.fromtimestamp(expires_at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = (
        f'<AssumeRoleWithWebIdentityResponse xmlns="{_NAMESPACES["sts"]}"><AssumeRoleWithWebIdentityResult>'
        f"<SubjectFromWebIdentityToken>{escape(str(claims['sub']))}</SubjectFromWebIdentityToken>"
        f"<Audience>{escape(str(claims['aud']))}</Audience>"
        f"<AssumedRoleUser><Arn>{escape(minted.arn)}</Arn><AssumedRoleId>{escape(minted.role_id)}</AssumedRoleId>"
        f"</AssumedRoleUser><Credentials><AccessKeyId>{escape(minted.access_key_id)}</AccessKeyId>"
        f"<SecretAccessKey>{escape(minted.secret_key)}</SecretAccessKey>"
        f"<SessionToken>{escape(minted.session_token)}</SessionToken><Expiration>{expiration}</Expiration>"
        f"</Credentials><Provider>{COGNITO_IDENTITY}</Provider></AssumeRoleWithWebIdentityResult>"
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        f"</AssumeRoleWithWebIdentityResponse>").encode()
    start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(body))),
                              ("x-amzn-RequestId", request_id)])
    return [body]
