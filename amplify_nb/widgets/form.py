"""The Authenticator's forms: the browser holds the typed values and the submit message carries them.

An ipywidgets ``Text`` syncs its value in debounced updates that its Enter "submit" message can overtake:
typed fast, the kernel signed in with a partial password while the whole one stayed in widget state,
and a notebook saved with widget state kept it. A ``Form`` (an anywidget, see form.js) never syncs a
typed value: the one submit message holds every field as the user sees it, the page empties the secret
inputs as it sends it, and the kernel hands the values to the view's handler without keeping them.
Prefilled values (a username) and the TOTP key being set up are the only field texts in widget state.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from .field_kinds import SECRET_KINDS, is_secret_name
from .i18n import I18n

__all__ = ["FORMATS", "SECRET_KINDS", "Customize", "Form", "FormField", "PasswordRule", "is_secret_name",
           "password_rules"]

_HERE = Path(__file__).parent
KINDS = frozenset({"text", "username", "email", "tel", "copy"}) | SECRET_KINDS
# Cognito's password "special characters" (the space counts too), as one character class that Python's re
# and JavaScript's RegExp read alike.
_SYMBOL_CLASS = r"[\^$*.\[\]{}()?" + '"' + r"!@#%&/\\,><':;|_~`=+\- ]"


@dataclass(frozen=True)
class FormField:
    """One input. ``label`` and ``placeholder`` are vocabulary keys; ``policy`` checks the pool's password
    rules as the user types; ``match`` names the field this one must equal (a password's confirmation)."""

    name: str
    label: str
    kind: str = "text"
    autocomplete: str = "off"
    placeholder: str | None = None
    required: bool = True
    policy: bool = False
    match: str | None = None
    value: str = ""  # the text of a read-only "copy" field
    copy_value: str = ""  # what its Copy button copies, when not the text itself
    default_value: str = ""  # the app's own prefill (form_fields), never a secret field's
    label_hidden: bool = False  # the label is for screen readers only (form_fields' label_hidden)
    dial_code: str = ""  # a phone number's country code, prefilled; a value of it alone is no number

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")
        if (self.default_value or self.dial_code) and self.secret:
            raise ValueError("secret fields are never prefilled")

    @property
    def secret(self) -> bool:
        return self.kind in SECRET_KINDS

    @property
    def prefill(self) -> str:
        """What a fresh form shows in the field: the default value, else the dial code."""
        return self.default_value or self.dial_code

    def entered(self, value: str) -> str:
        """What the user gave: the dial code alone (the prefill left untouched) is nothing."""
        return "" if self.dial_code and value.strip() == self.dial_code else value

    def state(self) -> dict[str, Any]:
        """The field as the frontend renders it, in the current language."""
        return {"name": self.name, "label": I18n.get(self.label), "kind": self.kind,
                "autocomplete": self.autocomplete, "placeholder": I18n.get(self.placeholder or self.label),
                "required": self.required, "secret": self.secret, "policy": self.policy, "match": self.match,
                "value": self.value, "copy_value": self.copy_value, "label_hidden": self.label_hidden}


@dataclass(frozen=True)
class PasswordRule:
    pattern: str
    key: str  # the vocabulary key of its message
    values: tuple[tuple[str, int], ...] = ()

    def message(self) -> str:
        return I18n.format(self.key, **dict(self.values)) if self.values else I18n.get(self.key)

    def holds(self, password: str) -> bool:
        return re.search(self.pattern, password) is not None


def password_rules(policy: Mapping[str, Any]) -> tuple[PasswordRule, ...]:
    """The pool's password policy (amplify_outputs.json's ``auth.password_policy``) as rules with Amplify
    UI's messages; an unknown policy gives none (the pool still checks, and says why it refuses)."""
    rules = []
    length = policy.get("min_length")
    if isinstance(length, int) and length > 0:
        rules.append(PasswordRule(rf"^[\s\S]{{{length},}}$", "Password must have at least {n} characters",
                                  (("n", length),)))
    for flag, pattern, key in (("require_lowercase", "[a-z]", "Password must have lower case letters"),
                               ("require_uppercase", "[A-Z]", "Password must have upper case letters"),
                               ("require_numbers", "[0-9]", "Password must have numbers"),
                               ("require_symbols", _SYMBOL_CLASS, "Password must have special characters")):
        if policy.get(flag):
            rules.append(PasswordRule(pattern, key))
    return tuple(rules)


SubmitHandler = Callable[[dict[str, str]], bool]
# What an app's form_fields do to a form's fields (form_fields.py): relabel, reorder, add, prefill.
Customize = Callable[[Sequence[FormField]], Sequence[FormField]]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_PHONE = re.compile(r"^\+[0-9]{4,15}$")  # E.164, as Cognito takes it
FORMATS = {"email": (_EMAIL, "Invalid email address format."), "tel": (_PHONE, "Invalid phone number format.")}


class Form(anywidget.AnyWidget):
    _esm = _HERE / "form.js"
    _css = _HERE / "form.css"

    fields = traitlets.List(traitlets.Dict()).tag(sync=True)
    values = traitlets.Dict().tag(sync=True)  # prefilled texts of non-secret fields
    submit_label = traitlets.Unicode().tag(sync=True)
    busy = traitlets.Bool(False).tag(sync=True)
    rules = traitlets.List(traitlets.Dict()).tag(sync=True)
    texts = traitlets.Dict().tag(sync=True)  # the frontend's own words, translated
    theme = traitlets.Dict().tag(sync=True)
    generation = traitlets.Int(0).tag(sync=True)  # a new one empties the form and focuses its first field
    autofocus = traitlets.Bool(True).tag(sync=True)

    def __init__(self, fields: Sequence[FormField], submit: str, on_submit: SubmitHandler, *,
                 theme: Mapping[str, str] | None = None, policy: Mapping[str, Any] | None = None,
                 customize: Customize | None = None):
        super().__init__(theme=dict(theme or {}))
        self._customize = customize
        self.specs: tuple[FormField, ...] = self._customized(fields)
        self.submit_key = submit
        self._on_submit = on_submit
        self._rules = password_rules(policy or {})
        self.add_class("amplify-nb-form-widget")
        self.retranslate()
        self.on_msg(self._on_frontend)

    # ---- what the page shows ------------------------------------------------------------------------
    def _customized(self, fields: Sequence[FormField]) -> tuple[FormField, ...]:
        return tuple(self._customize(fields) if self._customize is not None else fields)

    def set_fields(self, fields: Sequence[FormField]) -> None:
        self.specs = self._customized(fields)
        self.fields = [spec.state() for spec in self.specs]

    def field(self, name: str) -> FormField:
        return next(spec for spec in self.specs if spec.name == name)

    def retranslate(self) -> None:
        self.fields = [spec.state() for spec in self.specs]
        self.rules = [{"pattern": rule.pattern, "message": rule.message()} for rule in self._rules]
        self.submit_label = I18n.get(self.submit_key)
        self.texts = {"show": I18n.get("Show password"), "hide": I18n.get("Hide password"),
                      "show_short": I18n.get("Show"), "hide_short": I18n.get("Hide"), "copy": I18n.get("Copy"),
                      "copied": I18n.get("Copied"), "match": I18n.get("Your passwords must match")}

    def reset(self, **prefill: str) -> None:
        """A fresh form: typed texts gone, ``prefill`` (else the fields' default values) in the named
        non-secret fields, focus on the first empty field."""
        secret = [name for name in prefill if self.field(name).secret]
        if secret:
            raise ValueError(f"secret fields are never prefilled: {secret}")
        defaults = {spec.name: spec.prefill for spec in self.specs if spec.prefill}
        self.values = {**defaults, **{name: value for name, value in prefill.items() if value}}
        self.generation += 1

    def focus(self) -> None:
        self.send({"event": "focus", "empty": True})

    def problems(self, values: Mapping[str, str]) -> list[str]:
        """What the frontend checks as the user types, checked again here: required fields, e-mail and phone
        formats, the pool's password rules and confirmation fields (a page of an older version, or a crafted
        message, may not have checked). Secret fields' emptiness is the core's to say."""
        found: list[str] = []
        for spec in self.specs:
            value = spec.entered(values.get(spec.name, ""))
            if not spec.secret and spec.kind != "copy":
                text = value.strip()
                if spec.required and not text:
                    found.append(I18n.format("{label} is required", label=I18n.get(spec.label)))
                elif text and spec.kind in FORMATS and not FORMATS[spec.kind][0].match(text):
                    found.append(I18n.get(FORMATS[spec.kind][1]))
            if spec.policy:
                found.extend(rule.message() for rule in self._rules if not rule.holds(value))
            if spec.match is not None and value != values.get(spec.match, ""):
                found.append(I18n.get("Your passwords must match"))
        return found

    # ---- the submit message -------------------------------------------------------------------------
    def submit(self, **values: str) -> bool:
        """Submit from code what a user would type (a notebook run unattended, a test): the same path as
        the page's submit message. True when the view's call succeeded."""
        return self._submit(values)

    def _on_frontend(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":
            sent = content.get("values")
            ok = self._submit(sent if isinstance(sent, dict) else {})
            self.send({"event": "done", "ok": ok})

    def _submit(self, sent: Mapping[str, Any]) -> bool:
        # Only the form's own fields, each a string: anything else in the message is ignored. A field left
        # at its dial code is empty, for the checks and for what the view sends.
        values = {spec.name: spec.entered(sent[spec.name]) if isinstance(sent.get(spec.name), str) else ""
                  for spec in self.specs if spec.kind != "copy"}
        try:
            return bool(self._on_submit(values))
        finally:
            values.clear()
