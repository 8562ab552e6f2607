"""A real Auth on a configuration alone, for the Authenticator's unit tests (their sandbox-backed ``sb``/``auth``
and ``fresh_widgets`` fixtures live in conftest.py)."""

from __future__ import annotations

import uuid

import amplify_nb

__all__ = ["offline_auth"]


def offline_auth(pool: dict, **auth_section) -> amplify_nb.Auth:
    """A real Auth on a configuration alone: nothing here reaches Cognito."""
    return amplify_nb.Auth({"version": "1.3", "auth": {**pool, **auth_section}}, name=f"offline-{uuid.uuid4().hex[:8]}")
