"""TOTP set-up (secret, otpauth:// URI, QR code Jupyter shows inline) and MFA preferences."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote, urlencode

from ...errors import ValidationError
from ...steps import MFA_METHODS, NO_MFA, mfa_method
from .. import validate

__all__ = ["DEFAULT_ISSUER", "TOTPSetup", "get_mfa_settings", "set_preferred_mfa", "setup_totp", "verify_totp_token"]

DEFAULT_ISSUER = "AWSCognito"  # what Amplify UI puts in the authenticator app by default


class TOTPSetup:
    """A new authenticator-app secret. The secret is masked in the repr; the QR image carries it, so show
    it to the user and do not keep it in a saved notebook."""

    def __init__(self, secret: str, account: str, issuer: str = DEFAULT_ISSUER):
        self.secret = secret
        self.account = account
        self.issuer = issuer

    @property
    def uri(self) -> str:
        label = quote(f"{self.issuer}:{self.account}", safe="@:")
        # %20, not "+", for spaces: the Key URI format's encoding, which authenticator apps decode.
        query = urlencode({"secret": self.secret, "issuer": self.issuer}, quote_via=quote)
        return f"otpauth://totp/{label}?{query}"

    def _qr(self, factory: Any) -> bytes:
        import qrcode

        image = qrcode.make(self.uri, image_factory=factory, box_size=6, border=2)
        buffer = io.BytesIO()
        image.save(buffer)
        return buffer.getvalue()

    def qr_png(self) -> bytes:
        from qrcode.image.pure import PyPNGImage

        return self._qr(PyPNGImage)

    def qr_svg(self) -> str:
        from qrcode.image.svg import SvgPathImage

        return self._qr(SvgPathImage).decode()

    def _repr_png_(self) -> bytes:
        return self.qr_png()

    def _repr_svg_(self) -> str:
        return self.qr_svg()

    def __repr__(self) -> str:
        return f"TOTPSetup(account={self.account!r}, issuer={self.issuer!r}, secret='****')"


def setup_totp(state: Any, issuer: str | None = None) -> TOTPSetup:
    tokens = state.current()
    answer = state.client.call("AssociateSoftwareToken", AccessToken=tokens.access_token)
    login = tokens.id_claims.get("email") or tokens.username
    return TOTPSetup(answer["SecretCode"], str(login), issuer or DEFAULT_ISSUER)


def verify_totp_token(state: Any, code: Any, device_name: str | None = None) -> None:
    checked = validate.code(code)
    tokens = state.current()
    params: dict[str, Any] = {"AccessToken": tokens.access_token, "UserCode": checked}
    if device_name:
        params["FriendlyDeviceName"] = device_name
    state.client.call("VerifySoftwareToken", **params)


def set_preferred_mfa(state: Any, method: str) -> None:
    """"TOTP" | "SMS" | "EMAIL" make that method enabled and preferred; "NOMFA" turns MFA off for the user."""
    choice = str(method).strip().upper()
    if choice not in (*(m.short for m in MFA_METHODS), NO_MFA):
        raise ValidationError(f"method must be {', '.join(m.short for m in MFA_METHODS)} or {NO_MFA}",
                              field="method")
    tokens = state.current()
    params: dict[str, Any] = {"AccessToken": tokens.access_token}
    if choice == NO_MFA:
        for short in get_mfa_settings(state)[1]:
            params[mfa_method(short).preference_field] = {"Enabled": False, "PreferredMfa": False}
    else:
        params[mfa_method(choice).preference_field] = {"Enabled": True, "PreferredMfa": True}
    state.client.call("SetUserMFAPreference", **params)


def get_mfa_settings(state: Any) -> tuple[str, list[str]]:
    """(preferred, enabled) in Amplify's short names: TOTP, SMS, EMAIL; preferred is NOMFA when none."""
    tokens = state.current()
    user = state.client.call("GetUser", AccessToken=tokens.access_token)
    short = {m.cognito: m.short for m in MFA_METHODS}
    enabled = [short.get(m, m) for m in user.get("UserMFASettingList") or []]
    preferred = short.get(user.get("PreferredMfaSetting") or "", NO_MFA)
    return preferred, enabled
