"""A scripted browser for the sandbox's managed login: for tests and teaching that go through the hosted UI
without a real browser.

It does what a browser does there and nothing more: follows the sandbox's redirects, keeps its cookies (the
managed-login session, the anti-forgery token), reads its forms and submits them with their hidden fields, and
stops where a browser would leave the sandbox, at the app's redirect URI, which it never requests (the app's
listener, if any, is the caller's to feed). Every request is a real HTTP request to the sandbox.

    browser = HostedUIBrowser(sb.endpoint_url)
    page = browser.open(authorize_url)                      # the sign-in form
    page = browser.submit(page.form("password"), username=..., password=...)
    page.left, page.url                                     # back at the app: .../callback?code=...&state=...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

__all__ = ["Form", "HostedUIBrowser", "Page"]

_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]  # every named input with its value (hidden ones included), as a browser sends them

    def has(self, name: str) -> bool:
        return name in self.fields


@dataclass
class Page:
    """Where the browser is: a sandbox page (``text``, ``forms``), or, once ``left``, the app's redirect URI."""

    url: str
    status: int
    text: str = ""
    forms: list[Form] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, absolute URL)
    error: str | None = None  # the page's refusal (its role="alert" paragraph)
    left: bool = False

    @property
    def params(self) -> dict[str, str]:
        """The URL's query and fragment parameters (a code, tokens, an error, the state)."""
        parts = urlsplit(self.url)
        return {**dict(parse_qsl(parts.query)), **dict(parse_qsl(parts.fragment))}

    def form(self, with_field: str | None = None) -> Form:
        """The first form that has an input named `with_field` (any form without one)."""
        for candidate in self.forms:
            if with_field is None or candidate.has(with_field):
                return candidate
        raise LookupError(f"no form with a field {with_field!r} on {self.url} (status {self.status}; "
                          f"error: {self.error!r})")

    def link(self, text: str) -> str:
        for label, href in self.links:
            if text.lower() in label.lower():
                return href
        raise LookupError(f"no link {text!r} on {self.url}")


class _Parser(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base, self.forms, self.links = base, [], []  # type: ignore[var-annotated]
        self.error: str | None = None
        self._form: Form | None = None
        self._link: tuple[str, list[str]] | None = None
        self._in_error = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(urljoin(self.base, a.get("action") or self.base), a.get("method", "get").upper(), {})
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind not in ("radio", "checkbox") or "checked" in a:
                self._form.fields[a["name"]] = a.get("value", "")
        elif tag == "a" and a.get("href"):
            self._link = (urljoin(self.base, a["href"]), [])
        elif tag == "p" and a.get("role") == "alert":
            self._in_error, self.error = True, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "a" and self._link is not None:
            self.links.append(("".join(self._link[1]).strip(), self._link[0]))
            self._link = None
        elif tag == "p":
            self._in_error = False

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link[1].append(data)
        if self._in_error:
            self.error = (self.error or "") + data


class HostedUIBrowser:
    """One browser (one cookie jar) on one sandbox; `max_redirects` guards against a redirect loop."""

    def __init__(self, sandbox_url: str, *, max_redirects: int = 20):
        import requests

        self.base = sandbox_url.rstrip("/")
        self.session: Any = requests.Session()
        self.max_redirects = max_redirects

    def __enter__(self) -> HostedUIBrowser:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def on_sandbox(self, url: str) -> bool:
        return url == self.base or url.startswith(self.base + "/")

    def open(self, url: str) -> Page:
        return self._go("GET", urljoin(self.base + "/", url), None)

    def submit(self, form: Form, **values: str) -> Page:
        """Submit `form` with its fields, `values` filled in (``cancel="1"`` and the like add fields)."""
        data = {**form.fields, **values}
        if form.method == "POST":
            return self._go("POST", form.action, data)
        return self._go("GET", form.action + ("&" if "?" in form.action else "?") + _encode(data), None)

    def sign_in(self, authorize_url: str, username: str, password: str, code: str | None = None) -> Page:
        """Open the authorize URL and sign in with the form (and the MFA code, when one is asked for)."""
        page = self.open(authorize_url)
        if not page.left:
            page = self.submit(page.form("password"), username=username, password=password)
        if not page.left and code is not None:
            page = self.submit(page.form("code"), code=code)
        return page

    def _go(self, method: str, url: str, data: dict[str, str] | None) -> Page:
        for _ in range(self.max_redirects):
            if not self.on_sandbox(url):  # where the browser leaves the sandbox: the app's own page
                return Page(url, 0, left=True)
            response = self.session.request(method, url, data=data, allow_redirects=False, timeout=30)
            if response.status_code in _REDIRECTS:
                url, method, data = urljoin(url, response.headers["Location"]), "GET", None
                continue
            parser = _Parser(url)
            parser.feed(response.text)
            return Page(url, response.status_code, response.text, parser.forms, parser.links, parser.error)
        raise RuntimeError(f"more than {self.max_redirects} redirects from {url}")


def _encode(data: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(data)
