"""The Cognito calls of the last flow, for teaching and for counting round trips.

Each entry keeps the operation, the challenge, the request parameters a learner may see and the
public challenge parameters Cognito answered with. Anything secret (passwords, codes, SRP values,
signatures, sessions, tokens, secret hashes) is replaced by a placeholder that says what was sent
without saying what it was: the trace of an SRP sign-in shows that no password ever leaves.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

# Request/response members shown as they are; everything else is redacted.
_PUBLIC_KEYS = {
    "AuthFlow", "ClientId", "ChallengeName", "USERNAME", "Username", "USER_ID_FOR_SRP", "TIMESTAMP",
    "CHALLENGE_NAME", "CODE_DELIVERY_DELIVERY_MEDIUM", "CODE_DELIVERY_DESTINATION", "MFAS_CAN_SETUP",
    "MFAS_CAN_CHOOSE", "requiredAttributes", "AttributeName", "ForceAliasCreation", "Permanent",
    "UserPoolId", "IdentityPoolId", "IdentityId", "Status", "UserConfirmed", "UserSub",
}
_ATTRIBUTE_LISTS = {"UserAttributes", "ValidationData"}


def redact_value(value: Any) -> str:
    if isinstance(value, str):
        return f"<redacted, {len(value)} chars>"
    if isinstance(value, Mapping):
        return f"<redacted, {len(value)} entries>"
    return "<redacted>"


def redact(params: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of Cognito request or response members that is safe to print."""
    safe: dict[str, Any] = {}
    for key, value in params.items():
        if key in ("AuthParameters", "ChallengeResponses", "ClientMetadata") and isinstance(value, Mapping):
            safe[key] = redact(value)
        elif key in _ATTRIBUTE_LISTS and isinstance(value, list):
            safe[key] = [f"{item.get('Name')}" for item in value if isinstance(item, Mapping)]
        elif key in _PUBLIC_KEYS or key.startswith("userAttributes."):
            safe[key] = value if key != "userAttributes" else "<attributes>"
        else:
            safe[key] = redact_value(value)
    return safe


_SRP_RESPONSE_KEYS = {"SALT", "SRP_B", "SECRET_BLOCK"}


def redact_challenge_parameters(params: Mapping[str, Any]) -> dict[str, Any]:
    """Challenge parameters are public by design (a captcha URL, a masked destination), except SRP's."""
    return {k: redact_value(v) if k in _SRP_RESPONSE_KEYS else v for k, v in params.items()}


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

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        return [(str(i + 1), e.operation, e.challenge or "", e.outcome,
                 ", ".join(f"{k}={v}" for k, v in {**e.request, **e.public_parameters}.items()))
                for i, e in enumerate(self._entries)]

    def __str__(self) -> str:
        header = ("#", "operation", "challenge", "outcome", "parameters (secrets redacted)")
        rows = [header, *self.rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = ["  ".join(cell.ljust(widths[i]) if i < 4 else cell for i, cell in enumerate(row)) for row in rows]
        return "\n".join(lines) if self._entries else "(no Cognito calls recorded)"

    def __repr__(self) -> str:
        return f"Trace({self.operations!r})"

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in ("#", "operation", "challenge", "outcome", "parameters"))
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self.rows())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
