"""What each flow returns: the next step, said plainly, never an exception for a challenge."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...steps import CHALLENGES
from ..times import readable_time
from ..tokens import system_clock

__all__ = ["AuthUser", "CodeDelivery", "SignInResult", "SignOutResult", "SignUpResult"]

# The id token's times a person asks about, in the words shown beside them.
_USER_TIMES = (("auth_time", "signed in"), ("iat", "ID token issued"), ("exp", "ID token expires"))


@dataclass(frozen=True)
class CodeDelivery:
    """Where Cognito sent a code: a masked destination, the medium and the attribute."""

    destination: str | None
    medium: str | None  # EMAIL | SMS
    attribute: str | None

    @classmethod
    def from_cognito(cls, details: Mapping[str, Any] | None) -> CodeDelivery | None:
        if not details:
            return None
        return cls(details.get("Destination"), details.get("DeliveryMedium"), details.get("AttributeName"))


@dataclass(frozen=True)
class SignInResult:
    """``is_signed_in``, or which ``next_step`` comes and what the user needs to take it."""

    is_signed_in: bool
    next_step: str  # "DONE", a challenge or a detour: a name of amplify_nb.steps.STEPS
    username: str
    challenge_parameters: Mapping[str, str] = field(default_factory=dict)
    code_delivery: CodeDelivery | None = None
    mfa_types: tuple[str, ...] = ()  # choices for SELECT_MFA_TYPE, or what MFA_SETUP can set up
    totp_setup: Any = None  # a TOTPSetup when MFA_SETUP offers TOTP (show its QR)
    required_attributes: tuple[str, ...] = ()  # NEW_PASSWORD_REQUIRED's missing attributes
    available_challenges: tuple[str, ...] = ()  # SELECT_CHALLENGE: the first factors this user may use
    device_confirmation_necessary: bool = False  # DONE on a pool that remembers devices when the user says

    @property
    def challenge_name(self) -> str | None:
        return self.next_step if self.next_step in CHALLENGES else None

    def _repr_markdown_(self) -> str:
        if self.is_signed_in:
            return f"Signed in as **{self.username}**."
        lines = [f"Next step for **{self.username}**: `{self.next_step}`"]
        if self.code_delivery:
            lines.append(f"code sent by {self.code_delivery.medium} to {self.code_delivery.destination}")
        if self.mfa_types:
            lines.append("choose from: " + ", ".join(self.mfa_types))
        if self.available_challenges:
            lines.append("sign in with: " + ", ".join(self.available_challenges))
        return "  \n".join(lines)


@dataclass(frozen=True)
class SignUpResult:
    user_confirmed: bool
    user_sub: str | None
    code_delivery: CodeDelivery | None

    @property
    def next_step(self) -> str:
        return "DONE" if self.user_confirmed else "CONFIRM_SIGN_UP"


@dataclass(frozen=True)
class AuthUser:
    """The signed-in user: Cognito's internal username, the sub, the name they signed in with, and the
    attributes carried by the id token. ``claims``: the id token's claims as they are (exp, iat, auth_time in
    seconds); a notebook shows them as local datetimes with the time left, on the session's ``clock`` (plus
    the ``skew`` to Cognito's, see core.tokens)."""

    username: str
    user_id: str
    login_id: str | None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    claims: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    clock: Callable[[], float] | None = field(default=None, repr=False, compare=False)
    skew: float = field(default=0.0, repr=False, compare=False)

    def _now(self) -> float:
        return (self.clock or system_clock)() + self.skew

    def _repr_html_(self) -> str:
        now = self._now()
        who = html.escape(self.login_id or self.username)
        rows = [("username", self.username), ("sub", self.user_id),
                *((name, value) for name, value in self.attributes.items())]
        times = [(label, readable_time(self.claims[name], now)) for name, label in _USER_TIMES if name in self.claims]
        cells = "".join(f"<tr><th style='text-align:left'>{html.escape(str(name))}</th><td style='text-align:left'>"
                        f"{html.escape(str(value))}</td></tr>" for name, value in rows + times)
        return f"<div><p>Signed in as <b>{who}</b></p><table>{cells}</table></div>"


@dataclass(frozen=True)
class SignOutResult:
    """What sign-out did. ``logout_url``: after a sign-in through the hosted UI, Cognito's /logout address,
    which the browser must open to end its own Cognito session (else the hosted UI signs the next visitor
    straight back in); None otherwise."""

    username: str | None = None
    global_: bool = False
    logout_url: str | None = None

    def _repr_html_(self) -> str:
        who = f" {html.escape(self.username)}" if self.username else ""
        text = f"Signed out{who}{' everywhere' if self.global_ else ''}."
        if self.logout_url:
            text += (f' <a href="{html.escape(self.logout_url)}" target="_blank" rel="noopener noreferrer">'
                     "End the hosted UI's session in the browser</a>")
        return f"<div>{text}</div>"
