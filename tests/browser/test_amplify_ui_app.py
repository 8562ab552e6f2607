"""Conformance with Amplify JS itself: Amplify UI's React Authenticator (ui-react 6.15, aws-amplify 6.22,
bundled from npm by `make amplify-app`) runs in chromium from its own origin on 127.0.0.1 against the
sandbox, as a teacher's app would. Every Cognito call crosses origins, so each needs the sandbox's CORS
answers; a page reading S3 gets only what the bucket's CORS rules allow."""

from __future__ import annotations

import functools
import shutil
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyotp
import pytest
from botocore.config import Config

from amplify_nb.sandbox import Sandbox
from tests.integration.sandbox_aws import client

APP_DIST = Path(__file__).parent / "amplify_app" / "dist"
EMAIL, PASSWORD = "ada@example.com", "Lovelace-pw-1815"


class ShiftedClock:
    """The sandbox's clock: real time (the browser's tokens must look fresh to Amplify JS) plus an offset
    the test moves, since a TOTP code is accepted once only and the next one belongs to the next 30 s."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


class StaticSite:
    """The app's own origin: a small threaded file server on 127.0.0.1 (another port than the sandbox)."""

    def __init__(self, root: Path):
        handler = functools.partial(_QuietFiles, directory=str(root))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the page's assertions say what matters
        pass


@pytest.fixture
def site(tmp_path):
    """Serve a directory of the test's; stopped when the test ends."""
    sites = []

    def serve(root: Path) -> StaticSite:
        sites.append(StaticSite(root))
        return sites[-1]

    yield serve
    for each in sites:
        each.close()


@pytest.fixture
def app_page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    page.screenshot(path=str(tmp_path / "page-at-end.png"))  # what the page showed last, for a failing test
    context.close()


def bundled_app() -> Path:
    if not (APP_DIST / "app.js").is_file():
        pytest.fail("the Amplify UI app is not built: `make amplify-app` (npm ci + esbuild in "
                    "tests/browser/amplify_app) builds it, and `make test` runs it first")
    return APP_DIST


def test_amplify_ui_signs_up_sets_up_totp_signs_in_and_out_against_the_sandbox(served_sandbox, site, app_page):
    clock = ShiftedClock()
    sb, root = served_sandbox(mfa_configuration="ON", mfa_methods=("SOFTWARE_TOKEN_MFA",), clock=clock)
    for built in bundled_app().iterdir():  # next to the sandbox's amplify_outputs.json, which the app fetches
        shutil.copy(built, root / built.name)
    app = site(root)
    assert app.origin != sb.endpoint_url  # another port: another origin, so every call is a CORS request
    page = app_page
    problems, calls = [], []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"{request.method} {request.url}: {request.failure}"))
    page.on("request", lambda request: calls.append(request) if request.url.startswith(sb.endpoint_url) else None)

    page.goto(f"{app.origin}/index.html")
    page.get_by_role("tab", name="Create Account").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm Password").fill(PASSWORD)
    page.get_by_role("button", name="Create Account").click()

    page.get_by_label("Confirmation Code").wait_for()  # shown once SignUp has answered, so the code is sent
    page.get_by_label("Confirmation Code").fill(sb.outbox.last_code(EMAIL))
    page.get_by_role("button", name="Confirm").click()

    # Signed in at once (Amplify's auto sign-in), then the pool's required MFA: TOTP set-up with the key shown.
    key = page.locator("[data-amplify-copy] > div").first
    key.wait_for()
    secret = key.inner_text().strip()
    assert page.locator("img[data-amplify-qrcode]").is_visible()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(clock()))
    page.get_by_role("button", name="Confirm").click()
    signed_in(page, sb)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    clock.offset += 30  # the set-up code is spent; the authenticator app would show the next one
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(clock()))
    page.get_by_role("button", name="Confirm").click()
    signed_in(page, sb)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()

    assert problems == []
    posts = [request.all_headers() for request in calls if request.method == "POST"]  # as sent on the wire
    assert {headers.get("origin") for headers in posts} == {app.origin}
    targets = {headers.get("x-amz-target", "").rsplit(".", 1)[-1] for headers in posts}
    assert {"SignUp", "ConfirmSignUp", "InitiateAuth", "RespondToAuthChallenge", "AssociateSoftwareToken",
            "VerifySoftwareToken", "GetId", "GetCredentialsForIdentity", "RevokeToken"} <= targets
    assert all(call.outcome == "ok" for call in sb.calls), [(c.operation, c.outcome) for c in sb.calls]
    assert sb.user(EMAIL).mfa_enabled == {"SOFTWARE_TOKEN_MFA"}


def signed_in(page, sb: Sandbox) -> None:
    page.get_by_test_id("signed-in").filter(has_text=EMAIL).wait_for()
    # fetchAuthSession got AWS credentials from the identity-pool endpoint, across origins too.
    page.get_by_test_id("identity-id").filter(has_text=f"{sb.region}:").wait_for()


def test_a_page_reads_s3_only_as_the_buckets_cors_rules_allow(site, app_page, tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>another app</title><link rel=icon href='data:,'>")
    page_site = site(tmp_path)
    page = app_page
    page.goto(f"{page_site.origin}/index.html")
    with Sandbox(demo_user=False) as sb:
        s3 = client(sb, "s3", Config(signature_version="s3v4"), **sb.admin_credentials)
        url = s3.generate_presigned_url("get_object", Params={"Bucket": sb.bucket, "Key": "public/sample.csv"})
        read = "url => fetch(url, {cache: 'no-store'}).then(r => r.text(), e => 'blocked: ' + e.name)"
        assert page.evaluate(read, url).startswith("city,country")  # Amplify's default rules: any origin
        s3.put_bucket_cors(Bucket=sb.bucket, CORSConfiguration={"CORSRules": [
            {"AllowedOrigins": ["http://127.0.0.1:1"], "AllowedMethods": ["GET"]}]})
        assert page.evaluate(read, url) == "blocked: TypeError"  # S3 answered; the page may not read it
