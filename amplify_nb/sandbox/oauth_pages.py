"""The HTML of the sandbox's managed login and of its mock identity providers.

Plain forms, no script: each page works in any browser and in a scripted HTTP client (see oauth_browser).
Every value placed in a page is escaped; a refusal is shown in one ``role="alert"`` paragraph (class
``error``) with Cognito's own wording, so that tests and screen readers find it in the same place. Hidden
fields carry the anti-forgery token (``_csrf``) and, between sign-in steps, the opaque sign-in session.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

__all__ = ["chooser_page", "code_page", "error_page", "login_page", "message_page", "new_password_page",
           "select_mfa_page"]

_STYLE = """
body{font-family:system-ui,sans-serif;background:#f2f3f3;margin:0;color:#16191f}
main{max-width:26rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;
box-shadow:0 1px 4px rgba(0,0,0,.2)}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:.8rem 0 .3rem;font-weight:600}
input[type=text],input[type=password],input[type=email]{width:100%;box-sizing:border-box;padding:.55rem;
font-size:1rem;border:1px solid #879596;border-radius:4px}
button{margin-top:1rem;width:100%;padding:.65rem;font-size:1rem;border:0;border-radius:4px;background:#0972d3;
color:#fff;cursor:pointer}button.secondary{background:#e9ebed;color:#16191f}
.error{color:#d91515;font-weight:600}.note{color:#5f6b7a;font-size:.9rem}
.social a{display:block;text-align:center;margin:.5rem 0;padding:.6rem;border:1px solid #879596;
border-radius:4px;color:#16191f;text-decoration:none}hr{margin:1.5rem 0}
fieldset{border:0;padding:0;margin:0}
"""
_SOCIAL_TITLES = {"Google": "Continue with Google", "Facebook": "Continue with Facebook",
                  "LoginWithAmazon": "Continue with Amazon", "SignInWithApple": "Continue with Apple"}


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>\n")


def _error(message: str | None) -> str:
    return f'<p class="error" role="alert">{escape(message)}</p>' if message else ""


def _hidden(fields: dict[str, str]) -> str:
    return "".join(f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
                   for name, value in fields.items())


def _form(action: str, hidden: dict[str, str], inner: str, form_id: str = "") -> str:
    ident = f' id="{escape(form_id)}"' if form_id else ""
    return f'<form method="post" action="{escape(action)}"{ident}>{_hidden(hidden)}{inner}</form>'


def login_page(action: str, csrf: str, *, client_name: str, username: str = "", error: str | None = None,
               social: Iterable[tuple[str, str]] = ()) -> str:
    """Sign in with a user name (or e-mail) and password; `social`: (provider, authorize URL) buttons."""
    links = "".join(f'<a href="{escape(url)}">{escape(_SOCIAL_TITLES.get(name, "Continue with " + name))}</a>'
                    for name, url in social)
    social_block = f'<div class="social">{links}</div><hr>' if links else ""
    inner = ('<label for="username">Username</label>'
             f'<input type="text" id="username" name="username" value="{escape(username)}" '
             'autocomplete="username" autocapitalize="none" required autofocus>'
             '<label for="password">Password</label>'
             '<input type="password" id="password" name="password" autocomplete="current-password" required>'
             '<button type="submit" name="signInSubmitButton" value="Sign in">Sign in</button>')
    return _page("Sign in", f"<h1>Sign in</h1><p class=\"note\">to {escape(client_name)} (amplify-nb sandbox)</p>"
                 f"{_error(error)}{social_block}{_form(action, {'_csrf': csrf}, inner, 'signin')}")


def code_page(action: str, csrf: str, session: str, *, method: str, destination: str | None,
              error: str | None = None) -> str:
    """The MFA code of this sign-in: from the authenticator app (TOTP) or the message the outbox holds."""
    if method == "SOFTWARE_TOKEN_MFA":
        prompt = "Enter the code from your authenticator app."
    else:
        medium = "e-mail" if method == "EMAIL_OTP" else "text message"
        prompt = f"We sent a code by {medium}" + (f" to {destination}." if destination else ".")
    inner = ('<label for="code">Code</label>'
             '<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" '
             'pattern="[0-9]*" maxlength="6" required autofocus>'
             '<button type="submit">Sign in</button>')
    return _page("Verify your identity", f"<h1>Verify your identity</h1><p>{escape(prompt)}</p>{_error(error)}"
                 f"{_form(action, {'_csrf': csrf, 'session': session}, inner, 'mfa')}")


def select_mfa_page(action: str, csrf: str, session: str, methods: Iterable[str], error: str | None = None) -> str:
    titles = {"SOFTWARE_TOKEN_MFA": "Authenticator app", "SMS_MFA": "Text message (SMS)", "EMAIL_OTP": "E-mail"}
    choices = "".join(
        f'<div><input type="radio" id="m{i}" name="mfa_type" value="{escape(m)}"{" checked" if i == 0 else ""}>'
        f'<label for="m{i}" style="display:inline">{escape(titles.get(m, m))}</label></div>'
        for i, m in enumerate(methods))
    inner = (f"<fieldset><legend>Choose how to verify your identity</legend>{choices}</fieldset>"
             '<button type="submit">Continue</button>')
    return _page("Verify your identity", f"<h1>Verify your identity</h1>{_error(error)}"
                 f"{_form(action, {'_csrf': csrf, 'session': session}, inner, 'select-mfa')}")


def new_password_page(action: str, csrf: str, session: str, error: str | None = None) -> str:
    """A user with a temporary password (FORCE_CHANGE_PASSWORD) sets their own."""
    inner = ('<label for="new_password">New password</label>'
             '<input type="password" id="new_password" name="new_password" autocomplete="new-password" required>'
             '<label for="confirm_password">Enter new password again</label>'
             '<input type="password" id="confirm_password" name="confirm_password" autocomplete="new-password" '
             'required><button type="submit">Send</button>')
    return _page("Change password", "<h1>Change password</h1><p>Please enter a new password.</p>"
                 f"{_error(error)}{_form(action, {'_csrf': csrf, 'session': session}, inner, 'new-password')}")


def error_page(error: str, description: str | None) -> str:
    """Cognito's page for an authorize or logout request it cannot send back to the app (redirect_mismatch)."""
    detail = f'<p class="note">{escape(description)}</p>' if description else ""
    return _page("Error", "<h1>An error was encountered with the requested page.</h1>"
                 f'<p class="error" role="alert">{escape(error)}</p>{detail}')


def message_page(title: str, message: str, *, link: tuple[str, str] | None = None) -> str:
    extra = f'<p><a href="{escape(link[1])}">{escape(link[0])}</a></p>' if link else ""
    return _page(title, f'<h1>{escape(title)}</h1><p class="error" role="alert">{escape(message)}</p>{extra}')


def chooser_page(provider_title: str, action: str, csrf: str, presets: Iterable[dict[str, str]], *,
                 error: str | None = None) -> str:
    """A mock identity provider's sign-in: pick a test identity or type one (sub, e-mail, name)."""
    forms = "".join(
        _form(action, {"_csrf": csrf, **preset},
              f'<button type="submit" class="secondary">Continue as {escape(preset["name"])} '
              f'({escape(preset["email"])})</button>')
        for preset in presets)
    typed = ('<label for="sub">Subject (the provider\'s user id)</label>'
             '<input type="text" id="sub" name="sub" required autocapitalize="none">'
             '<label for="email">E-mail</label><input type="email" id="email" name="email">'
             '<label for="name">Name</label><input type="text" id="name" name="name">'
             '<button type="submit">Sign in</button>')
    cancel = _form(action, {"_csrf": csrf, "cancel": "1"},
                   '<button type="submit" class="secondary">Cancel</button>', "cancel")
    return _page(f"Sign in - {provider_title}",
                 f"<h1>{escape(provider_title)}</h1><p class=\"note\">A stand-in for the real provider: no "
                 f"account, no network. Choose a test identity or type one.</p>{_error(error)}{forms}<hr>"
                 f"{_form(action, {'_csrf': csrf}, typed, 'typed-identity')}{cancel}")
