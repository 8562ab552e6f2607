"""Which form values are secret, by a field's kind or name. Apart from form.py (which brings anywidget and
ipywidgets) so that the flow and the services, which run without widgets, can ask too."""

from __future__ import annotations

__all__ = ["SECRET_KINDS", "is_secret_name"]

# What is secret, by a field's kind; a value named after one (new_password, confirm_password,
# confirmation_code) is as secret as the kind it names.
SECRET_KINDS = frozenset({"password", "code", "answer"})


def is_secret_name(name: str) -> bool:
    """A value named so is secret: a secret kind (password, code, answer), or named after one
    (new_password, confirm_password, confirmation_code; not a user's custom: attribute)."""
    return name in SECRET_KINDS or (":" not in name and name.rsplit("_", 1)[-1] in SECRET_KINDS)
