"""Shared fixtures: a fresh sandbox per test, a boto3 client on it, a clock tests can move, and the Hub's "auth"
events a test sees."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

import amplify_nb
from amplify_nb.sandbox import Sandbox


class MovableClock:
    """An injectable clock: tests move time instead of sleeping."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def events():
    """Every Hub "auth" event of the test, as payloads."""
    seen: list[dict] = []
    stop = amplify_nb.Hub.listen("auth", seen.append)
    yield seen
    stop()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


def cognito_client(sandbox: Sandbox, *, one_try: bool = False):
    """A boto3 cognito-idp client pointed at the sandbox, signing with its admin keys: the Admin* operations
    answer only such callers, as on AWS (the public operations ignore the signature). ``one_try``: never
    sent again (a race test counts each request; botocore's ``max_attempts: 1`` still retries once)."""
    retries = {"total_max_attempts": 1} if one_try else {"max_attempts": 1}
    return boto3.client(
        "cognito-idp", region_name=sandbox.region, endpoint_url=sandbox.endpoint_url,
        config=Config(retries=retries), **sandbox.admin_credentials,
    )


@pytest.fixture
def make_sandbox():
    """Start sandboxes with options, each with a boto3 client; all are stopped when the test ends."""
    started: list[Sandbox] = []

    def make(**options):
        options.setdefault("moto", False)
        sb = Sandbox(**options).start()
        started.append(sb)
        return sb, cognito_client(sb)

    yield make
    for sb in started:
        sb.stop()


@pytest.fixture
def start(make_sandbox, clock):
    """A sandbox on the test's movable clock with no demo user (codes and MFA tests)."""
    return lambda **options: make_sandbox(clock=clock, **{"demo_user": False, **options})


def fails(error: str, call, **kwargs):
    """Call and expect Cognito's error code `error`; returns the ClientError."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    assert caught.value.response["Error"]["Code"] == error, caught.value.response["Error"]
    return caught.value


def at_once(count: int, call, field: str = "Code") -> list[str]:
    """``call(i)`` for i in range(count) on as many threads, released together: each outcome, sorted, is "ok" or
    the Cognito error's ``field`` ("Code" or "Message")."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from botocore.exceptions import ClientError

    start = threading.Barrier(count, timeout=30)

    def attempt(i: int) -> str:
        start.wait()
        try:
            call(i)
        except ClientError as exc:
            return str(exc.response["Error"][field])
        return "ok"

    with ThreadPoolExecutor(max_workers=count) as pool:
        return sorted(pool.map(attempt, range(count)))


def install_challenge(sandbox: Sandbox, define, create) -> None:
    """Custom-auth triggers on the sandbox: the test's define and create, and the usual verify (the answer
    must equal privateChallengeParameters["answer"])."""
    def verify(event):
        expected = event["request"]["privateChallengeParameters"]["answer"]
        event["response"]["answerCorrect"] = event["request"]["challengeAnswer"] == expected
        return event

    sandbox.triggers.define_auth_challenge = define
    sandbox.triggers.create_auth_challenge = create
    sandbox.triggers.verify_auth_challenge_response = verify


def install_password_then_question(sandbox: Sandbox, public: dict, answer: str, *, retry: bool) -> None:
    """CUSTOM_AUTH with SRP first: the password (PASSWORD_VERIFIER), then one question with ``public``
    parameters whose answer is ``answer``; a wrong answer asks again (``retry``) or fails the sign-in."""
    def define(event):
        session = event["request"]["session"]
        if session and session[-1]["challengeName"] == "CUSTOM_CHALLENGE":
            right = session[-1]["challengeResult"]
            event["response"]["issueTokens"] = right
            event["response"]["failAuthentication"] = not right and not retry
            if not right and retry:
                event["response"]["challengeName"] = "CUSTOM_CHALLENGE"
        elif session and session[-1]["challengeName"] == "SRP_A":
            event["response"]["challengeName"] = "PASSWORD_VERIFIER"
        else:
            event["response"]["challengeName"] = "CUSTOM_CHALLENGE"
        return event

    def create(event):
        event["response"]["publicChallengeParameters"] = dict(public)
        event["response"]["privateChallengeParameters"] = {"answer": answer}
        return event

    install_challenge(sandbox, define, create)


def other_code(code: str) -> str:
    """A code that is surely not `code`."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def stored_session(storage) -> dict:
    """What a FileStorage holds of a session besides its configuration (tokens, identity ids, logins)."""
    import json

    items = json.loads(storage.path.read_text())["items"]
    return {key: value for key, value in items.items() if not key.endswith(".config")}


@pytest.fixture
def sandbox():
    with Sandbox() as sb:
        yield sb


@pytest.fixture
def cognito(sandbox):
    return cognito_client(sandbox)


def interrupt_main_inside(function_name: str, timeout: float = 30.0):
    """The kernel's interrupt button (Ctrl+C) pressed while the main thread runs ``function_name``: a thread
    that watches the main thread's stack and interrupts it only once it is there, however loaded the machine
    (a fixed delay would interrupt too early on a busy one)."""
    import _thread
    import sys
    import threading
    import time

    main = threading.main_thread().ident

    def inside() -> bool:
        frame = sys._current_frames().get(main)
        while frame is not None:
            if frame.f_code.co_name == function_name:
                return True
            frame = frame.f_back
        return False

    def watch() -> None:
        deadline = time.monotonic() + timeout
        while not inside():
            if time.monotonic() > deadline:
                return
            time.sleep(0.01)
        _thread.interrupt_main()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def python_sigint():
    """Python's own Ctrl+C handler for the test, as a kernel has it while a cell runs (a shell that starts the
    tests in the background leaves SIGINT ignored, and Python then installs no handler of its own)."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)
