"""The authenticator-app set-up panel: the QR code, the key for manual entry (with a Copy button), and the
first code.

The QR image and the key are the TOTP secret; ``clear()`` takes both out of the widget state as soon as
the set-up is over, so a notebook saved afterwards does not carry them.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from .form import Form, FormField
from .i18n import I18n

__all__ = ["TOTPPanel"]

CODE_FIELD = FormField("code", "Code", "code", "one-time-code", "Enter the code from your authenticator app")


class TOTPPanel(widgets.VBox):
    def __init__(self, owner: Any, submit: str, on_submit: Callable[[dict[str, str]], Any], *,
                 screen: str | None = None):
        super().__init__()
        theme = owner.theme
        self.instructions = theme.text(owner.label(
            widgets.Label(), "value", "Scan this QR code with your authenticator app, or enter the key below"))
        self.qr = widgets.HTML()
        self.qr.add_class("amplify-nb-totp-qr")
        self.form: Form = owner.make_form([self._key_field(""), CODE_FIELD], submit, on_submit, screen)
        self.form.add_class("amplify-nb-totp-secret")
        self._png = b""
        theme.box(self)
        self.children = [self.instructions, self.qr, self.form]

    @staticmethod
    def _key_field(secret: str) -> FormField:
        grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
        return FormField("key", "Key", "copy", value=grouped, copy_value=secret, required=False)

    @property
    def key(self) -> str:
        """The key on screen, as the Copy button copies it ('' when none)."""
        return self.form.field("key").copy_value

    def show(self, setup: Any) -> None:
        if setup is None:
            self.clear()
            return
        self._png = setup.qr_png()
        self._render_qr()
        self.form.set_fields([self._key_field(setup.secret), CODE_FIELD])
        self.form.reset()

    def retranslate(self) -> None:
        self._render_qr()

    def _render_qr(self) -> None:
        if not self._png:
            self.qr.value = ""
            return
        alt = html.escape(I18n.get("QR code for your authenticator app"))
        data = base64.b64encode(self._png).decode("ascii")
        self.qr.value = f'<img src="data:image/png;base64,{data}" alt="{alt}" width="180" height="180">'

    def clear(self) -> None:
        self._png = b""
        self.qr.value = ""
        self.form.set_fields([self._key_field(""), CODE_FIELD])
        self.form.reset()
