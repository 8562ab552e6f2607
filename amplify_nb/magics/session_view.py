"""What ``%auth_session`` shows: who is signed in, when the tokens (and the AWS credentials the session holds)
expire, and the ID token's claims, with every time as a local datetime and the time left or gone ("in 59 min",
"3 min ago"), counted on the session's own clock (the one injectable clock, so a test moving it sees the display
move) in Cognito's time (the measured skew, see core.tokens). ``raw`` keeps the claims as they are (times in
seconds). Never a token or a secret key: the rows are claims, attributes, an identity id and an expiry."""

from __future__ import annotations

import importlib.util
from typing import Any

__all__ = ["session_report"]


def session_report(auth: Any, *, attributes: bool = False, raw: bool = False, refresh: bool = False) -> Any:
    """Prints who is signed in and when the tokens expire; returns the claims as a DataFrame (claim, value)
    where pandas is installed, else as a dict."""
    from ..core.times import local_time, readable_claims, readable_time, relative_time

    tokens = auth.current_session(force_refresh=refresh)
    user = auth.current_authenticated_user()
    now = auth.session_state.clock() + tokens.skew
    left = relative_time(tokens.expires_at, now)
    when = f"expire {left}" if left.startswith("in ") else f"expired {left}"
    print(f"Signed in as {user.login_id or user.username}; tokens {when} (at {local_time(tokens.expires_at)}), "
          "refreshed automatically.")
    rows: dict[str, Any] = dict(tokens.id_claims) if raw else readable_claims(tokens.id_claims, now)
    if attributes:
        rows.update({f"attribute:{name}": value for name, value in auth.user_attributes().items()})
    manager = getattr(auth, "credentials_manager", None)
    credentials = manager.held() if manager is not None else None  # held already: %auth_session fetches none
    if credentials is not None:
        rows["credentials:identity_id"] = credentials.identity_id
        rows["credentials:expiration"] = (credentials.expiration if raw
                                          else readable_time(credentials.expiration, now))
    if importlib.util.find_spec("pandas") is None:
        return rows
    import pandas as pd

    return pd.DataFrame({"claim": list(rows), "value": [str(value) for value in rows.values()]})
