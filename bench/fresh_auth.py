"""What a new ``amplify_nb.Auth`` costs: sign in -> credentials -> first S3 GET, against the raw stack.

    .venv/bin/python bench/fresh_auth.py [--rounds 12] [--processes 12]

The sandbox runs in its own process (`amplify-nb sandbox`, started here and stopped at the end), so only
the client's work differs. Side by side in one run, interleaved (A B B A ...), medians:

- fresh: a new ``amplify_nb.Auth`` each round -> ``sign_in`` (SRP) -> ``current_credentials()`` -> GET
  ``public/sample.csv`` through ``auth.boto3_session()``; against pycognito + boto3 from fresh clients
  (``boto3.client`` for cognito-idp, cognito-identity and s3; pycognito's ``AWSSRP.authenticate_user``;
  GetId + GetCredentialsForIdentity). Both make 4 Cognito round trips and 1 S3 GET.
- re-used: one Auth signs in again each round (signed out locally between rounds, not timed); against
  re-used cognito-idp / cognito-identity clients that also keep the identity id (3 Cognito round trips
  and 1 S3 GET each). The raw stack makes its S3 client anew each round because static keys are bound to
  a client; amplify_nb's boto3 session keeps its client, whose credentials refresh themselves.
- processes (``--processes``): the fresh case as a whole new Python process per round, start-up and
  imports included (``--once fresh`` vs ``--once raw``).

amplify_nb does more per sign-in than the raw stack: it verifies both tokens (RS256 against the pool's
JWKS, fetched once per new Auth) before trusting them.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["RawStack", "Target", "amplify_round", "main"]

# Imports are made where each stack needs them, so that a new process (``--once``) loads only its own.
KEY = "public/sample.csv"


class Target:
    """The sandbox's outputs, as both stacks need them."""

    def __init__(self, outputs: dict[str, Any], user: str, password: str):
        from amplify_nb.config import load_config  # light: no boto3, no pycognito

        self.outputs, self.user, self.password = outputs, user, password
        self.config = load_config(outputs)
        self.endpoint = self.config.endpoint("cognito-idp")
        self.bucket = self.config.storage_bucket
        self.provider = f"cognito-idp.{self.config.region}.amazonaws.com/{self.config.user_pool_id}"


# ---- amplify_nb ---------------------------------------------------------------------------------------
def amplify_round(target: Target, auth: Any = None) -> Any:
    import amplify_nb

    auth = auth or amplify_nb.Auth(target.outputs, name="bench-fresh")
    assert auth.sign_in(target.user, target.password).is_signed_in
    auth.current_credentials()
    auth.boto3_session().client("s3").get_object(Bucket=target.bucket, Key=KEY)["Body"].read()
    return auth


# ---- pycognito + boto3 --------------------------------------------------------------------------------
class RawStack:
    """pycognito + boto3 as a notebook would write it; ``reuse`` keeps the Cognito clients and identity id."""

    def __init__(self, target: Target, reuse: bool):
        self.target, self.reuse = target, reuse
        self.idp: Any = None
        self.identity: Any = None
        self.identity_id: str | None = None

    def _client(self, service: str) -> Any:
        import boto3
        from botocore import UNSIGNED
        from botocore.config import Config

        return boto3.client(service, region_name=self.target.config.region, endpoint_url=self.target.endpoint,
                            config=Config(signature_version=UNSIGNED))

    def round(self) -> None:
        import boto3
        from pycognito.aws_srp import AWSSRP

        t = self.target
        if self.idp is None or not self.reuse:
            self.idp, self.identity, self.identity_id = self._client("cognito-idp"), self._client(
                "cognito-identity"), None
        tokens = AWSSRP(t.user, t.password, t.config.user_pool_id, t.config.user_pool_client_id,
                        client=self.idp).authenticate_user()["AuthenticationResult"]
        logins = {t.provider: tokens["IdToken"]}
        if self.identity_id is None:
            self.identity_id = self.identity.get_id(IdentityPoolId=t.config.identity_pool_id,
                                                    Logins=logins)["IdentityId"]
        keys = self.identity.get_credentials_for_identity(IdentityId=self.identity_id, Logins=logins)["Credentials"]
        s3 = boto3.client("s3", region_name=t.config.region, endpoint_url=t.config.endpoint("s3"),
                          aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretKey"],
                          aws_session_token=keys["SessionToken"])
        s3.get_object(Bucket=t.bucket, Key=KEY)["Body"].read()


# ---- measuring ----------------------------------------------------------------------------------------
def timed(fn: Callable[[], Any]) -> float:
    gc.collect()
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def side_by_side(rounds: int, a: Callable[[], Any], b: Callable[[], Any],
                 after: Callable[[], Any] = lambda: None) -> tuple[float, float, float]:
    """Medians of a and b (ms), interleaved A B B A ..., and the median of the per-pair ratios."""
    a(), after(), b()  # warm-up: imports, first connections
    ours, theirs = [], []
    for i in range(rounds):
        order = (0, 1) if i % 2 == 0 else (1, 0)
        for which in order:
            if which == 0:
                ours.append(timed(a))
                after()
            else:
                theirs.append(timed(b))
    ratio = statistics.median(x / y for x, y in zip(ours, theirs, strict=True))
    return statistics.median(ours), statistics.median(theirs), ratio


def in_process(target: Target, rounds: int) -> list[tuple[str, float, float, float]]:
    import amplify_nb

    fresh: list[Any] = []

    def forget_fresh() -> None:
        fresh.pop().session_state.forget()  # local only: what a notebook closing would leave

    rows = [("fresh objects", *side_by_side(rounds, lambda: fresh.append(amplify_round(target)),
                                             RawStack(target, reuse=False).round, forget_fresh))]
    reused = amplify_nb.Auth(target.outputs, name="bench-reused")

    def sign_out_locally() -> None:
        reused.session_state.forget()
        reused.credentials_manager.clear()

    rows.append(("re-used objects", *side_by_side(rounds, lambda: amplify_round(target, reused),
                                                  RawStack(target, reuse=True).round, sign_out_locally)))
    return rows


def whole_processes(target_file: Path, rounds: int) -> tuple[str, float, float, float]:
    # Bytecode caches on, as in an installed package (kept out of the tree), whatever this shell says.
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(target_file.parent / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def run(kind: str) -> Callable[[], None]:
        return lambda: subprocess.run([sys.executable, __file__, "--once", kind, "--target", str(target_file)],
                                      check=True, env=env)
    return ("new process per round (start-up and imports included)",
            *side_by_side(rounds, run("fresh"), run("raw")))


def once(kind: str, target_file: Path) -> None:
    data = json.loads(target_file.read_text())
    target = Target(data["outputs"], data["user"], data["password"])
    amplify_round(target) if kind == "fresh" else RawStack(target, reuse=False).round()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--processes", type=int, default=12, help="rounds of the new-process case (0: skip)")
    parser.add_argument("--once", choices=("fresh", "raw"), help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        once(args.once, args.target)
        return
    from credentials_support import machine
    from srp_client_cpu import start_sandbox

    with tempfile.TemporaryDirectory() as tmp:
        proc, outputs, user, password = start_sandbox(Path(tmp))
        try:
            target = Target(outputs, user, password)
            rows = in_process(target, args.rounds)
            if args.processes:
                target_file = Path(tmp) / "target.json"
                target_file.write_text(json.dumps({"outputs": outputs, "user": user, "password": password}))
                rows.append(whole_processes(target_file, args.processes))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"machine: {machine()}; rounds: {args.rounds} in process, {args.processes} processes")
    print("| sign in -> credentials -> first S3 GET (median, ms) | amplify_nb.Auth | pycognito + boto3 | "
          "ratio (median of pairs) |")
    print("|---|---|---|---|")
    for name, ours, theirs, ratio in rows:
        print(f"| {name} | {ours:.1f} | {theirs:.1f} | {ratio:.2f}x |")


if __name__ == "__main__":
    main()
