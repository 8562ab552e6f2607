"""The authenticator-app set-up panel: the QR code, the key for manual entry, and the first code.

The QR image and the key are the TOTP secret; ``clear()`` takes both out of the widget state as soon as
the set-up is over, so a notebook saved afterwards does not carry them.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets


class TOTPPanel(widgets.VBox):
    def __init__(self, owner: Any):
        super().__init__()
        theme = owner.theme
        self.instructions = theme.text(owner.label(
            widgets.Label(), "value", "Scan this QR code with your authenticator app, or enter the key below"))
        self.qr = widgets.Image(value=b"", format="png", layout=widgets.Layout(width="180px", height="180px"))
        self.qr.add_class("amplify-nb-totp-qr")
        self.secret = widgets.HTML()
        self.secret.add_class("amplify-nb-totp-secret")
        self.code = owner.field("Code", secret=True, placeholder="Enter the code from your authenticator app")
        theme.box(self)
        self.children = [self.instructions, self.qr, self.secret, self.code]

    def show(self, setup: Any) -> None:
        if setup is None:
            self.clear()
            return
        self.qr.value = setup.qr_png()
        grouped = " ".join(setup.secret[i:i + 4] for i in range(0, len(setup.secret), 4))
        self.secret.value = (f'<code style="font-size: 15px; letter-spacing: 1px; user-select: all">'
                             f"{html.escape(grouped)}</code>")

    def clear(self) -> None:
        self.qr.value = b""
        self.secret.value = ""
        self.code.value = ""
