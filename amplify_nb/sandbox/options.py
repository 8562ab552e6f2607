"""The Sandbox's options, checked when given: a wrong one is a ValueError that says what is allowed, before any
port is bound or state made."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from .models import POLICY_FACTORS

__all__ = ["DEVICE_TRACKING", "checked_device_tracking", "checked_policy", "checked_ttl", "new_demo_password"]

# device_tracking: None (off), or when a confirmed device is remembered: at once, or when the user says so.
DEVICE_TRACKING = ("always", "user_opt_in")


def checked_policy(factors: Iterable[str]) -> tuple[str, ...]:
    """The pool's AllowedFirstAuthFactors: known factors only, at least one (WEB_AUTHN is out of scope)."""
    policy = tuple(dict.fromkeys(str(f).upper() for f in factors))
    unknown = [f for f in policy if f not in POLICY_FACTORS]
    if not policy or unknown:
        raise ValueError(f"sign_in_policy takes one or more of {', '.join(POLICY_FACTORS)}, not {list(factors)!r}")
    return policy


def checked_device_tracking(mode: str | None) -> str | None:
    if mode is not None and mode not in DEVICE_TRACKING:
        raise ValueError(f"device_tracking must be None, 'always' or 'user_opt_in', not {mode!r}")
    return mode


def checked_ttl(seconds: float) -> float:
    """Credentials must outlive their own issue: under a second they arrive expired and every client
    would fail in a refresh loop, which teaches nothing."""
    if not isinstance(seconds, (int, float)) or seconds < 1:
        raise ValueError(f"credentials_ttl must be at least 1 second, not {seconds!r}")
    return float(seconds)


def new_demo_password() -> str:
    """Satisfies the default policy (upper, lower, digit, symbol, >= 8) and is easy to type."""
    return "Demo-" + secrets.token_hex(3) + "-Pw1"
