"""CORS on the sandbox's Cognito endpoints, as AWS's JSON-protocol services answer browsers.

An Amplify app in a browser calls ``cognito-idp`` and ``cognito-identity`` from its own origin, so
every call is preceded by a preflight (``X-Amz-Target``, ``X-Amz-User-Agent`` and
``Content-Type: application/x-amz-json-1.1`` are not CORS-safelisted). Real Cognito admits every
origin (it has no per-origin setting; an app cannot restrict it) and answers:

* a preflight with 200, ``Access-Control-Allow-Origin: *``, the requested method and headers
  allowed, ``Access-Control-Max-Age: 172800`` (two days) and the exposed headers below;
* every response, errors included, with ``Access-Control-Allow-Origin: *`` and
  ``Access-Control-Expose-Headers: x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date``, so
  that a page can read which Cognito error it got (``NotAuthorizedException``, ...).

The origin is never echoed: ``*`` says the same to every page and carries no credentials (cookies),
which Cognito's API never uses. S3 is different (per-bucket rules): see :mod:`.s3_cors`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["EXPOSE_HEADERS", "MAX_AGE_SECONDS", "SDK_HEADERS", "preflight", "with_cors"]

EXPOSE_HEADERS = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"
MAX_AGE_SECONDS = "172800"
# What the AWS SDKs and Amplify JS send to Cognito; allowed when a preflight names none of its own.
SDK_HEADERS = ("authorization", "cache-control", "content-type", "x-amz-content-sha256", "x-amz-date",
               "x-amz-security-token", "x-amz-target", "x-amz-user-agent", "amz-sdk-invocation-id",
               "amz-sdk-request")
_METHODS = "GET,POST,OPTIONS"


def preflight(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
    """The answer to ``OPTIONS`` on a Cognito endpoint: allowed, for any origin."""
    method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD", "").strip()
    requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "").strip()
    headers = [("Content-Length", "0"), ("x-amzn-RequestId", str(uuid.uuid4())),
               ("Access-Control-Allow-Origin", "*"),
               # AWS's front end allows what the preflight asks for; the operation itself then
               # decides (a wrong X-Amz-Target is an UnknownOperationException, readable by the page).
               ("Access-Control-Allow-Methods", method or _METHODS),
               ("Access-Control-Allow-Headers", requested or ",".join(SDK_HEADERS)),
               ("Access-Control-Expose-Headers", EXPOSE_HEADERS),
               ("Access-Control-Max-Age", MAX_AGE_SECONDS)]
    start_response("200 OK", headers)
    return [b""]


def with_cors(environ: dict[str, Any], start_response: Callable) -> Callable:
    """`start_response` that adds Cognito's CORS headers when a browser (an ``Origin``) is asking.

    Requests without an Origin (boto3, the CLI, pycognito) get the response unchanged, as from AWS.
    """
    if not environ.get("HTTP_ORIGIN"):
        return start_response

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        kept = [(name, value) for name, value in headers if not name.lower().startswith("access-control-")]
        kept += [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", EXPOSE_HEADERS)]
        return start_response(status, kept, exc_info) if exc_info is not None else start_response(status, kept)

    return start
