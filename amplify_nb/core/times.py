"""Times as a person reads them: a token's ``exp`` of 1717243392 is "2024-06-01 14:03:12 CEST (in 59 min)".

Every expiry in amplify_nb is POSIX seconds (claims, ``Tokens.expires_at``, credentials' ``expiration``). What
the notebook shows (``%auth_session``, the signed-in user's display) says them as local datetimes with the time
left or gone, counted from the session's clock, the one injectable clock of amplify_nb (``tokens.Clock``), so that
a test moving it sees "in 59 min" become "in 1 min". The raw numbers stay where they were (the claims).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

__all__ = ["TIME_CLAIMS", "local_time", "readable_claims", "readable_time", "relative_time"]

# The NumericDate claims of Cognito's tokens (RFC 7519's and OIDC's): seconds since the epoch.
TIME_CLAIMS = ("exp", "iat", "nbf", "auth_time", "updated_at")


def _span(seconds: float) -> str | None:
    """A duration in the two largest units that matter, rounded down (59 min 59 s is "59 min")."""
    whole = int(seconds)
    if whole < 1:
        return None
    if whole < 60:
        return f"{whole} s"
    minutes = whole // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def relative_time(at: float, now: float) -> str:
    """"in 59 min", "3 min ago", or "now"."""
    span = _span(abs(at - now))
    if span is None:
        return "now"
    return f"in {span}" if at > now else f"{span} ago"


def local_time(at: float) -> str | None:
    """The datetime in the kernel's time zone, with its name; None for a number no datetime holds."""
    try:
        return datetime.fromtimestamp(at, tz=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    except (OverflowError, OSError, ValueError):
        return None


def readable_time(at: Any, now: float) -> str:
    """"2024-06-01 14:03:12 CEST (in 59 min)" for seconds since the epoch; anything else as it is."""
    if isinstance(at, bool) or not isinstance(at, (int, float)) or not math.isfinite(at):
        return str(at)
    local = local_time(float(at))
    return f"{local} ({relative_time(float(at), now)})" if local else str(at)


def readable_claims(claims: Mapping[str, Any], now: float) -> dict[str, Any]:
    """The claims with their times made readable (``now``: the session's clock, in Cognito's time)."""
    return {name: readable_time(value, now) if name in TIME_CLAIMS else value for name, value in claims.items()}
