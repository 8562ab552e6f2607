"""Amplify UI's ``formFields``, ``loginMechanisms`` and ``signUpAttributes``, read once and applied to the
Authenticator's forms.

``form_fields`` is keyed as in Amplify UI: a screen (signIn, signUp, forceNewPassword, forgotPassword,
confirmResetPassword, confirmSignIn, confirmSignUp, confirmVerifyUser, setupTotp, setupEmail; the
Authenticator's own state names work too, see names.py), then a field (Amplify UI's names:
``confirmation_code`` is the code, the login mechanism's name is the login field), then its options:
``label``, ``placeholder``, ``order``, ``is_required``, ``default_value``, ``label_hidden``, ``dial_code``,
``type`` and ``autocomplete`` (Amplify UI's camelCase spellings are accepted too). Texts are checked as the
core checks what it sends (no control characters). A ``dial_code`` ("+44") starts a phone field; a field left
at it is empty, not a number. A sign-up field that is not on the form yet is added, as an attribute sent with
the sign-up. ``setupTotp``'s ``QR`` names the issuer and the account the authenticator app shows.

Nothing here holds a value the user typed: a default value is the app's own text, and secret fields
(passwords, codes) take none.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.validate import text as checked_text
from ..errors import ValidationError
from .form import FormField
from .names import SCREENS, screen_of

__all__ = ["ATTRIBUTE_AUTOCOMPLETE", "ATTRIBUTE_LABELS", "LOGIN_MECHANISMS", "SCREENS", "SIGN_UP_ATTRIBUTES",
           "FieldOptions", "FormFields", "TotpLabel", "attribute_field", "login_field", "login_label",
           "resolve_login_mechanisms", "resolve_sign_up_attributes"]

LOGIN_MECHANISMS = ("username", "email", "phone_number")
# Cognito's standard attributes a user may give at sign-up, with their labels (vocabulary keys); updated_at is
# Cognito's own clock, not something a user types.
ATTRIBUTE_LABELS = {"email": "Email", "phone_number": "Phone Number", "name": "Name", "given_name": "Given Name",
                    "family_name": "Family Name", "middle_name": "Middle Name", "nickname": "Nickname",
                    "preferred_username": "Preferred Username", "birthdate": "Birthdate", "address": "Address",
                    "gender": "Gender", "locale": "Locale", "picture": "Picture", "profile": "Profile",
                    "website": "Website", "zoneinfo": "Zone Info"}
SIGN_UP_ATTRIBUTES = tuple(ATTRIBUTE_LABELS)
# The browser's autofill name of each attribute (WHATWG), so sign-up forms fill in as the user expects.
ATTRIBUTE_AUTOCOMPLETE = {"email": "email", "phone_number": "tel", "name": "name", "given_name": "given-name",
                          "family_name": "family-name", "middle_name": "additional-name", "nickname": "nickname",
                          "preferred_username": "username", "birthdate": "bday", "address": "street-address",
                          "gender": "sex", "locale": "language", "picture": "photo", "profile": "url",
                          "website": "url"}
_ATTRIBUTE_KIND = {"email": "email", "phone_number": "tel"}
_CUSTOM_ATTRIBUTE = re.compile(r"^custom:[\w.-]{1,20}$")

# The fields of each screen by this widget's names (signUp and forceNewPassword also take attributes).
_FIELDS = {"signIn": ("username", "password"), "signUp": ("username", "password", "confirm_password"),
           "forceNewPassword": ("password", "confirm_password"), "forgotPassword": ("username",),
           "confirmResetPassword": ("code", "password", "confirm_password"), "confirmSignIn": ("code",),
           "confirmSignUp": ("code",), "confirmVerifyUser": ("code",), "setupTotp": ("code",),
           "setupEmail": ("email",)}
_LOGIN_SCREENS = ("signIn", "signUp", "forgotPassword")
# Option names: snake_case, and Amplify UI's camelCase.
_OPTIONS = {"label": "label", "placeholder": "placeholder", "order": "order", "is_required": "required",
            "isRequired": "required", "required": "required", "default_value": "default_value",
            "defaultValue": "default_value", "label_hidden": "label_hidden", "labelHidden": "label_hidden",
            "dial_code": "dial_code", "dialCode": "dial_code", "type": "kind", "autocomplete": "autocomplete"}
_TYPES = ("text", "email", "tel")
_DIAL_CODE = re.compile(r"^\+[0-9]{1,4}$")
_TEXTS = ("label", "placeholder", "default_value", "autocomplete")
_QR = {"totp_issuer": "issuer", "totpIssuer": "issuer", "totp_username": "username", "totpUsername": "username"}


# ---- login mechanisms and sign-up attributes ----------------------------------------------------------------
def resolve_login_mechanisms(given: Any, config: Any) -> tuple[str, ...]:
    """The login the forms ask for: the given mechanisms (the first is the primary one, as in Amplify UI),
    else the pool's username attributes, else a username."""
    if given is None:
        return tuple(config.username_attributes) or ("username",)
    names = (given,) if isinstance(given, str) else given
    names = tuple(names) if isinstance(names, Iterable) and not isinstance(names, Mapping) else None
    if not names or any(name not in LOGIN_MECHANISMS for name in names) or len(set(names)) != len(names):
        raise ValidationError(f"login_mechanisms must be a list of one or more of {', '.join(LOGIN_MECHANISMS)}, "
                              f"each once", field="login_mechanisms")
    return names


def resolve_sign_up_attributes(given: Any, config: Any) -> tuple[str, ...]:
    """The attributes the sign-up form asks for: those the pool requires, then the given ones."""
    if given is None:
        return tuple(config.signup_attributes)
    names = (given,) if isinstance(given, str) else given
    names = tuple(names) if isinstance(names, Iterable) and not isinstance(names, Mapping) else None
    if names is None or any(name not in SIGN_UP_ATTRIBUTES for name in names):
        raise ValidationError(f"sign_up_attributes must be a list of Cognito's standard attributes: "
                              f"{', '.join(SIGN_UP_ATTRIBUTES)}", field="sign_up_attributes")
    return tuple(dict.fromkeys((*config.signup_attributes, *names)))


def login_label(mechanisms: Sequence[str]) -> str:
    """What the user signs in with: Email, Phone Number, a Username, or an e-mail or phone number."""
    names = tuple(mechanisms)
    if "username" not in names and set(names) == {"email", "phone_number"}:
        return "Email or Phone Number"
    return {"email": "Email", "phone_number": "Phone Number"}.get(names[0] if names else "", "Username")


def login_field(mechanisms: Sequence[str], *, name: str = "username") -> FormField:
    """The login input: an e-mail, a phone number or a username, hinted as the account's username so a
    password manager pairs it with the password."""
    label = login_label(mechanisms)
    kind = {"Email": "email", "Phone Number": "tel"}.get(label, "username")
    return FormField(name, label, kind, "username")


def attribute_field(name: str, *, required: bool = True) -> FormField:
    """An input for a user attribute."""
    label = ATTRIBUTE_LABELS.get(name, name.removeprefix("custom:").replace("_", " ").title())
    return FormField(name, label, _ATTRIBUTE_KIND.get(name, "text"), ATTRIBUTE_AUTOCOMPLETE.get(name, "off"),
                     required=required)


# ---- form_fields ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FieldOptions:
    """What the app changes of one field; None: as the widget has it."""

    label: str | None = None
    placeholder: str | None = None
    order: float | None = None
    required: bool | None = None
    default_value: str | None = None
    label_hidden: bool | None = None
    dial_code: str | None = None
    kind: str | None = None
    autocomplete: str | None = None

    def apply(self, spec: FormField) -> FormField:
        changes: dict[str, Any] = {name: value for name, value in (
            ("label", self.label), ("placeholder", self.placeholder), ("required", self.required),
            ("label_hidden", self.label_hidden), ("kind", self.kind), ("autocomplete", self.autocomplete),
            ("default_value", self.default_value), ("dial_code", self.dial_code),
        ) if value is not None}
        if spec.secret and (self.default_value is not None or self.dial_code is not None or self.kind is not None):
            raise ValidationError(f"form_fields: {spec.name} is a secret field: it takes no default_value, "
                                  f"dial_code nor type", field="form_fields")
        return dataclasses.replace(spec, **changes) if changes else spec


@dataclass(frozen=True)
class TotpLabel:
    """setupTotp's QR: the issuer and the account name the authenticator app lists the key under."""

    issuer: str | None = None
    username: str | None = None


class FormFields:
    """``form_fields`` checked, with the login mechanisms that name the login field."""

    def __init__(self, given: Any = None, login_mechanisms: Sequence[str] = ("username",)):
        self.login_mechanisms = tuple(login_mechanisms)
        self.screens: dict[str, dict[str, FieldOptions]] = {}
        self.qr = TotpLabel()
        if given is None:
            return
        if not isinstance(given, Mapping):
            raise ValidationError(f"form_fields must be a dict: screen -> field -> options; screens: "
                                  f"{', '.join(SCREENS)}", field="form_fields")
        for screen_name, fields in given.items():
            screen = screen_of(screen_name)
            if screen is None:
                raise ValidationError(f"form_fields: unknown screen {screen_name!r}; screens: {', '.join(SCREENS)}",
                                      field="form_fields")
            if not isinstance(fields, Mapping):
                raise ValidationError(f"form_fields[{screen_name!r}] must be a dict: field -> options",
                                      field="form_fields")
            parsed = self.screens.setdefault(screen, {})
            for field_name, options in fields.items():
                if screen == "setupTotp" and field_name == "QR":
                    self.qr = _qr(options)
                    continue
                parsed[self._field_name(screen, field_name)] = _options(screen_name, field_name, options)

    def _field_name(self, screen: str, name: Any) -> str:
        """This widget's name for an Amplify UI field name on a screen, or a ValidationError listing them."""
        if name == "confirmation_code":
            name = "code"
        if screen in _LOGIN_SCREENS and name == self.login_mechanisms[0] and name != "username":
            name = "username"  # the login mechanism's field is the login field
        known = _FIELDS[screen]
        if isinstance(name, str) and name in known:
            return name
        attributes = screen in ("signUp", "forceNewPassword") and isinstance(name, str) and (
            name in SIGN_UP_ATTRIBUTES or _CUSTOM_ATTRIBUTE.match(name))
        if attributes:
            return str(name)
        more = ", Cognito's standard attributes or custom:<name>" if screen in ("signUp", "forceNewPassword") else ""
        qr = ", QR" if screen == "setupTotp" else ""
        raise ValidationError(f"form_fields[{screen!r}]: unknown field {name!r}; fields: "
                              f"{', '.join(_amplify_names(known, self.login_mechanisms, screen))}{qr}{more}",
                              field="form_fields")

    def customize(self, screen: str) -> Callable[[Sequence[FormField]], list[FormField]] | None:
        """What a screen's Form does to its fields (None: nothing to change): options applied, sign-up
        fields added, then the fields sorted by their order (unordered ones last, as they were)."""
        options = self.screens.get(screen)
        if not options:
            return None

        def apply(fields: Sequence[FormField]) -> list[FormField]:
            present = {spec.name for spec in fields}
            added = [attribute_field(name, required=False) for name in options
                     if name not in present and screen == "signUp"]
            result = [options[spec.name].apply(spec) if spec.name in options else spec for spec in (*fields, *added)]
            order = {name: option.order for name, option in options.items() if option.order is not None}
            return sorted(result, key=lambda spec: order.get(spec.name, math.inf))
        return apply


def _amplify_names(known: Sequence[str], mechanisms: Sequence[str], screen: str) -> list[str]:
    login = mechanisms[0] if screen in _LOGIN_SCREENS and mechanisms[0] != "username" else "username"
    return [{"code": "confirmation_code", "username": login}.get(name, name) for name in known]


def _options(screen: str, field_name: str, options: Any) -> FieldOptions:
    where = f"form_fields[{screen!r}][{field_name!r}]"
    if not isinstance(options, Mapping):
        raise ValidationError(f"{where} must be a dict of options: {', '.join(_OPTIONS)}", field="form_fields")
    values: dict[str, Any] = {}
    for key, value in options.items():
        name = _OPTIONS.get(key)
        if name is None:
            raise ValidationError(f"{where}: unknown option {key!r}; options: {', '.join(_OPTIONS)}",
                                  field="form_fields")
        values[name] = _checked(where, key, name, value)
    return FieldOptions(**values)


def _checked(where: str, key: str, name: str, value: Any) -> Any:
    if name in ("required", "label_hidden"):
        if not isinstance(value, bool):
            raise ValidationError(f"{where}[{key!r}] must be True or False", field="form_fields")
        return value
    if name == "order":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            raise ValidationError(f"{where}['order'] must be a number", field="form_fields")
        # Amplify UI sorts a missing (or 0) order after every other one.
        return value if value else math.inf
    if name == "kind":
        if value not in _TYPES:
            raise ValidationError(f"{where}['type'] must be one of {', '.join(_TYPES)}", field="form_fields")
        return value
    if not isinstance(value, str):
        raise ValidationError(f"{where}[{key!r}] must be a string", field="form_fields")
    if name == "dial_code" and not _DIAL_CODE.fullmatch(value):
        raise ValidationError(f"{where}[{key!r}] must be a dial code such as '+44'", field="form_fields")
    if name in _TEXTS and (value or name == "label"):  # shown in the page: text, no control characters
        try:
            checked_text(value, f"{where}[{key!r}]", 512)
        except ValidationError as exc:
            raise ValidationError(str(exc), field="form_fields") from None
    return value


def _qr(options: Any) -> TotpLabel:
    if not isinstance(options, Mapping) or any(key not in _QR for key in options) or \
            any(not isinstance(value, str) or not value.strip() for value in options.values()):
        raise ValidationError(f"form_fields['setupTotp']['QR'] takes {', '.join(_QR)}, each a non-empty string",
                              field="form_fields")
    return TotpLabel(**{_QR[key]: value.strip() for key, value in options.items()})

