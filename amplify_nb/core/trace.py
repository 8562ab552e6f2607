"""The Cognito calls of the last flow, for teaching and for counting round trips.

Each entry keeps the operation, the challenge, the request parameters a learner may see and the
public challenge parameters Cognito answered with. Anything secret (passwords, codes, SRP values,
signatures, sessions, tokens, secret hashes) is replaced by a placeholder that says what was sent
without saying what it was: the trace of an SRP sign-in shows that no password ever leaves.

botocore logs whole request and response bodies at DEBUG; while amplify_nb calls Cognito those bodies
are logged redacted the same way (``wire_logs_redacted``), so turning on DEBUG logging in a notebook
prints no password, code or token. Other services' logs are left as botocore writes them.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Trace", "TraceEntry", "redact", "redact_body", "redact_challenge_parameters", "redact_value",
           "wire_logs_redacted"]

# Request/response members shown as they are; everything else is redacted. SRP's A, B and salt are public by
# design (the protocol's security does not rest on hiding them), and teaching SRP means showing them.
_PUBLIC_KEYS = {
    "SRP_A", "AuthFlow", "ClientId", "ChallengeName", "USERNAME", "Username", "USER_ID_FOR_SRP", "TIMESTAMP",
    "CHALLENGE_NAME", "CODE_DELIVERY_DELIVERY_MEDIUM", "CODE_DELIVERY_DESTINATION", "MFAS_CAN_SETUP",
    "MFAS_CAN_CHOOSE", "requiredAttributes", "AttributeName", "ForceAliasCreation", "Permanent",
    "UserPoolId", "IdentityPoolId", "IdentityId", "Status", "UserConfirmed", "UserSub",
}
_ATTRIBUTE_LISTS = {"UserAttributes", "ValidationData"}


def redact_value(value: Any) -> str:
    if isinstance(value, str):  # not even its length: a password's length narrows a guess
        return "<redacted>"
    if isinstance(value, Mapping):
        return f"<redacted, {len(value)} entries>"
    return "<redacted>"


def redact(params: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of Cognito request or response members that is safe to print."""
    safe: dict[str, Any] = {}
    for key, value in params.items():
        if key in ("AuthParameters", "ChallengeResponses", "ClientMetadata") and isinstance(value, Mapping):
            safe[key] = redact(value)
        elif key == "Logins" and isinstance(value, Mapping):  # which providers, never their tokens
            safe[key] = {provider: redact_value(token) for provider, token in value.items()}
        elif key in _ATTRIBUTE_LISTS and isinstance(value, list):
            safe[key] = [f"{item.get('Name')}" for item in value if isinstance(item, Mapping)]
        elif key in _PUBLIC_KEYS or key.startswith("userAttributes."):
            safe[key] = value if key != "userAttributes" else "<attributes>"
        else:
            safe[key] = redact_value(value)
    return safe


# SECRET_BLOCK is Cognito's opaque sign-in state, echoed back with the password claim: as secret as a Session.
_SRP_RESPONSE_KEYS = {"SECRET_BLOCK"}


def redact_challenge_parameters(params: Mapping[str, Any]) -> dict[str, Any]:
    """Challenge parameters are public by design (a captcha URL, a masked destination, SRP's salt and B), except
    SRP's SECRET_BLOCK."""
    return {k: redact_value(v) if k in _SRP_RESPONSE_KEYS else v for k, v in params.items()}


_ERROR_MEMBERS = ("__type", "message", "Message")
_BODY_LOGGERS = ("botocore.endpoint", "botocore.parsers")  # the two that log bodies
_redacting = threading.local()
_install_lock = threading.Lock()


def redact_body(body: Any) -> Any:
    """A request or response body as a log may show it: like the trace, plus the error type and message;
    anything that is not a JSON object is dropped whole."""
    text = body.decode("utf-8", "replace") if isinstance(body, (bytes, bytearray)) else body
    if not isinstance(text, str) or not text:
        return body
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, Mapping):
        return f"<body redacted, {len(text)} chars>"
    safe = redact({k: v for k, v in data.items() if k not in (*_ERROR_MEMBERS, "ChallengeParameters")})
    safe.update({k: data[k] for k in _ERROR_MEMBERS if k in data})
    if isinstance(data.get("ChallengeParameters"), Mapping):
        safe["ChallengeParameters"] = redact_challenge_parameters(data["ChallengeParameters"])
    shown = json.dumps(safe)
    return shown.encode() if isinstance(body, (bytes, bytearray)) else shown


class _BodyRedactor(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(_redacting, "depth", 0) and isinstance(record.args, tuple):
            record.args = tuple(
                {**arg, "body": redact_body(arg["body"])} if isinstance(arg, Mapping) and "body" in arg
                else redact_body(arg) if isinstance(arg, (bytes, bytearray)) else arg  # a response body
                for arg in record.args)
        return True


@contextlib.contextmanager
def wire_logs_redacted() -> Iterator[None]:
    """Redact the bodies botocore logs on this thread for the duration (botocore logs synchronously)."""
    with _install_lock:
        for name in _BODY_LOGGERS:
            logger = logging.getLogger(name)
            if not any(isinstance(f, _BodyRedactor) for f in logger.filters):
                logger.addFilter(_BodyRedactor())
    _redacting.depth = getattr(_redacting, "depth", 0) + 1
    try:
        yield
    finally:
        _redacting.depth -= 1


@dataclass(frozen=True)
class TraceEntry:
    operation: str
    outcome: str  # "ok", or the Cognito error code
    challenge: str | None = None  # the challenge this call answered or received
    request: Mapping[str, Any] = field(default_factory=dict)
    public_parameters: Mapping[str, str] = field(default_factory=dict)
    duration_ms: float = 0.0


class Trace:
    """The entries of one flow, in order; prints as a table, and as HTML in Jupyter."""

    def __init__(self, entries: list[TraceEntry] | None = None):
        self._entries = list(entries or [])

    def add(self, entry: TraceEntry) -> None:
        self._entries.append(entry)

    def __iter__(self) -> Iterator[TraceEntry]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index: int) -> TraceEntry:
        return self._entries[index]

    @property
    def operations(self) -> list[str]:
        return [entry.operation for entry in self._entries]

    HEADER = ("#", "operation", "challenge", "outcome", "sent (secrets redacted)", "received (public only)")

    def rows(self) -> list[tuple[str, ...]]:
        """One row per call; what was sent and what came back stay apart (SRP_B is received, not sent)."""
        def joined(values: Mapping[str, Any]) -> str:
            return ", ".join(f"{k}={v}" for k, v in values.items())
        return [(str(i + 1), e.operation, e.challenge or "", e.outcome, joined(e.request), joined(e.public_parameters))
                for i, e in enumerate(self._entries)]

    def __str__(self) -> str:
        if not self._entries:
            return "(no Cognito calls recorded)"
        rows = [self.HEADER, *self.rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(self.HEADER) - 1)]
        return "\n".join("  ".join(cell.ljust(widths[i]) if i < len(widths) else cell for i, cell in enumerate(row))
                         .rstrip() for row in rows)

    def __repr__(self) -> str:
        return f"Trace({self.operations!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's text form (a terminal, nbclient, --headless): the table, as the HTML form shows it."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.HEADER)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self.rows())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
