"""Support pieces for bench/credentials.py: the injected clock, a counting refresh wrapper, the S3 call,
sign-in and client helpers (static keys, plain botocore RefreshableCredentials, a Cognito Identity refresh),
the sandbox run in its own process (RemoteSandbox and its child, _serve) and the report's helpers.
"""

from __future__ import annotations

import collections
import importlib.metadata
import logging
import multiprocessing
import os
import platform
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import boto3
import botocore.session
from botocore import UNSIGNED
from botocore.config import Config
from botocore.credentials import CredentialProvider, RefreshableCredentials

import amplify_nb
from amplify_nb.sandbox import Sandbox

KEY = "public/sample.csv"


class ManualClock:
    """The injected clock: starts at real time, moves only when told."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Counted:
    """Wraps a refresh function and counts how often botocore calls it."""

    def __init__(self, fn: Callable[[], dict[str, str]]):
        self.fn, self.n = fn, 0

    def __call__(self) -> dict[str, str]:
        self.n += 1
        return self.fn()


def get(client: Any, bucket: str) -> None:
    client.get_object(Bucket=bucket, Key=KEY)["Body"].read()


def identity_calls(sb: Any) -> int:
    if isinstance(sb, RemoteSandbox):
        return sb.identity_calls
    return sum(1 for call in sb.calls if call.operation == "GetCredentialsForIdentity")


def signed_in(sb: Any, name: str, **options: Any) -> amplify_nb.Auth:
    auth = amplify_nb.Auth(sb.config, name=name, **options)
    auth.sign_in(sb.demo_username, sb.demo_password)
    return auth


def static_client(auth: amplify_nb.Auth) -> Any:
    """What a user would write with keys copied out of current_credentials()."""
    c = auth.current_credentials()
    return boto3.client("s3", region_name=auth.boto3_session().region_name, endpoint_url=auth.config.endpoint("s3"),
                        aws_access_key_id=c.access_key_id, aws_secret_access_key=c.secret_access_key,
                        aws_session_token=c.session_token)


def plain_botocore_client(auth: amplify_nb.Auth, refresh: Callable[[], dict[str, str]],
                          time_fetcher: Callable[[], datetime] | None = None) -> tuple[Any, Any]:
    """An S3 client over botocore's own RefreshableCredentials (15/10-minute windows), put first in the
    provider chain of a fresh botocore session the public way; and those credentials."""

    class Provider(CredentialProvider):
        METHOD = CANONICAL_NAME = "bench-plain"

        def load(self) -> RefreshableCredentials:
            data = refresh()
            extra = {"time_fetcher": time_fetcher} if time_fetcher else {}
            return RefreshableCredentials(data["access_key"], data["secret_key"], data["token"],
                                          RefreshableCredentials._expiry_datetime(data["expiry_time"]),
                                          refresh, Provider.METHOD, **extra)

    core = botocore.session.Session()
    core.get_component("credential_provider").insert_before("env", Provider())
    session = boto3.Session(botocore_session=core, region_name=auth.boto3_session().region_name)
    return session.client("s3", endpoint_url=auth.config.endpoint("s3")), core.get_credentials()


def cognito_refresh(auth: amplify_nb.Auth, retries: int = 2) -> Callable[[], dict[str, str]]:
    """A hand-written refresh_using: GetCredentialsForIdentity on every call, as botocore then asks."""
    cfg = auth.config
    identity = boto3.client("cognito-identity", region_name=cfg.region, endpoint_url=cfg.endpoint("cognito-identity"),
                            config=Config(signature_version=UNSIGNED, retries={"mode": "standard",
                                                                               "max_attempts": retries}))
    identity_id = auth.current_credentials().identity_id
    provider = f"cognito-idp.{cfg.region}.amazonaws.com/{cfg.user_pool_id}"

    def refresh() -> dict[str, str]:
        c = identity.get_credentials_for_identity(IdentityId=identity_id,
                                                  Logins={provider: auth.current_session().id_token})["Credentials"]
        return {"access_key": c["AccessKeyId"], "secret_key": c["SecretKey"], "token": c["SessionToken"],
                "expiry_time": c["Expiration"].isoformat()}

    return refresh


# ---- the sandbox in its own process ------------------------------------------------------------------
def _serve(conn: Any) -> None:
    """The child process of RemoteSandbox: a Sandbox answering a few commands over a pipe."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with Sandbox() as sb:
        sb.provision()
        conn.send({"config": sb.config, "bucket": sb.bucket, "username": sb.demo_username,
                   "password": sb.demo_password})
        while True:
            command, value = conn.recv()
            if command == "ttl":
                sb.credentials_ttl = value
            elif command == "identity_calls":
                value = identity_calls(sb)
            else:
                break
            conn.send(value)


class RemoteSandbox:
    """A sandbox in its own process, so that its request handling does not share this process's GIL
    and only client-side cost differs between the clients compared (as with a remote S3)."""

    def __enter__(self) -> RemoteSandbox:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        info = self._conn.recv()
        self.config, self.bucket = info["config"], info["bucket"]
        self.demo_username, self.demo_password = info["username"], info["password"]
        return self

    def _ask(self, command: str, value: Any = None) -> Any:
        self._conn.send((command, value))
        return self._conn.recv()

    def set_credentials_ttl(self, seconds: float) -> None:
        """Lifetime of the credentials minted from now on (Sandbox.credentials_ttl, across the pipe)."""
        self._ask("ttl", float(seconds))

    @property
    def identity_calls(self) -> int:
        return self._ask("identity_calls")

    def __exit__(self, *exc_info: object) -> None:
        self._conn.send(("stop", None))
        self._process.join(timeout=10)


# ---- report ------------------------------------------------------------------------------------------
def machine() -> str:
    cpu = re.sub(r"\s+", " ", next((line.split(":", 1)[1] for line in open("/proc/cpuinfo")
                                    if line.startswith("model name")), platform.processor())).strip()
    memory = next((int(line.split()[1]) / 2**20 for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    versions = ", ".join(f"{p} {importlib.metadata.version(p)}" for p in ("boto3", "botocore", "moto"))
    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()}, {platform.python_implementation()} "
            f"{platform.python_version()}, {versions}")


def fmt(counter: collections.Counter) -> str:
    return ", ".join(f"{n} {name}" for name, n in sorted(counter.items())) or "none"
